#pragma once
/// Reading and writing model files. The loader checks syntax only (keys, types, ranges, the
/// enumerated strings); whether a population's model has a compartment, or a stimulus fits its
/// target, is for lowering, which reports at the source positions stored here. All errors are
/// model_error with "<file>:<line>:<col>: <key path>: <what>".

#include <map>
#include <string>

#include "core/model_desc.hpp"

namespace cortexsim::config {

/// Reads and parses a model file; relative stimulus file paths resolve against its directory.
model_desc load_model_file(const std::string& path);

/// Parses TOML text. `file_name` appears in messages and source positions; `base_dir` is where
/// relative stimulus file paths resolve ("" for the working directory).
model_desc parse_model(const std::string& text, const std::string& file_name,
                       const std::string& base_dir);

/// The fully resolved model as TOML: every value including defaults, `file` stimuli written as
/// `sequence` with their rows, and a [provenance] table of the given strings. parse_model reads
/// it back to an equal description (positions aside).
std::string write_model_toml(const model_desc& model,
                             const std::map<std::string, std::string>& provenance);

} // namespace cortexsim::config
