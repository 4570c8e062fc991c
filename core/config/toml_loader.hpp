#pragma once
/// Reading and writing model files. The loader checks syntax only (keys, types, ranges, the
/// enumerated strings); whether a population's model has a compartment, or a stimulus fits its
/// target, is for lowering, which reports at the source positions stored here. All errors are
/// model_error with "<file>:<line>:<col>: <key path>: <what>".

#include <map>
#include <string>
#include <vector>

#include "core/model_desc.hpp"

namespace cortexsim::config {

/// One `--set key.path=value` override: a dotted key path (segments `name`, `name[i]` for an
/// element of an array of tables, or `"quoted.name"`) and a TOML value ("5000", "0.5",
/// "\"reber\"", "[1, 2]", "{ eta = 0.1 }"). Tables on the path that do not exist are created;
/// array elements must exist.
struct override_setting {
    std::string path;
    std::string value;
};
/// Splits "key.path=value" (the CLI's --set argument); throws model_error without '='.
override_setting parse_override(const std::string& assignment);

/// Reads and parses a model file; relative stimulus file paths resolve against its directory.
/// `template_kinds`: the template sections the caller can expand (cortex_models' registry);
/// any other unknown top-level section is an error here, with a hint. Empty: every unknown
/// array of tables is kept as a template, for the expander to judge. `overrides` replace or
/// add values before anything is read, so they are checked like the file's own and written
/// to the resolved model; their errors name "--set <path>".
model_desc load_model_file(const std::string& path,
                           const std::vector<std::string>& template_kinds = {},
                           const std::vector<override_setting>& overrides = {});

/// Parses TOML text. `file_name` appears in messages and source positions; `base_dir` is where
/// relative stimulus file paths resolve ("" for the working directory).
model_desc parse_model(const std::string& text, const std::string& file_name,
                       const std::string& base_dir,
                       const std::vector<std::string>& template_kinds = {},
                       const std::vector<override_setting>& overrides = {});

/// TOML text as a parameter tree (for tests and front ends that build sections from text).
param_value parse_param_table(const std::string& text, const std::string& file_name = "");

/// `value` as TOML text: a number, string, boolean, `[array]` or `{ inline table }`.
std::string param_text(const param_value& value);

/// The fully resolved model as TOML: every value including defaults, `file` stimuli written as
/// `sequence` with their rows, and a [provenance] table of the given strings. parse_model reads
/// it back to an equal description (positions aside).
std::string write_model_toml(const model_desc& model,
                             const std::map<std::string, std::string>& provenance);

} // namespace cortexsim::config
