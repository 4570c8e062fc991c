#pragma once
/// Where a run's model comes from and what a front end changes in it: a model file or TOML
/// text, the `--set` overrides and the `--seed`. The CLI, the Python module and sweeps all load
/// their models through here, so an override means the same thing in each of them.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/config/toml_loader.hpp"
#include "core/model_desc.hpp"

namespace cortexsim {

struct model_source {
    std::string path;  ///< a model file; empty: `text` is the model
    std::string text;
    std::string text_name = "<string>";  ///< the file name `text`'s messages show
    std::string base_dir;                ///< where `text`'s relative file paths resolve
    std::vector<config::override_setting> overrides;
    std::optional<std::uint64_t> seed;  ///< replaces [simulation] seed, as `--seed` does

    /// Parsed with every override applied (templates not yet expanded): throws model_error at
    /// the file's (or the override's) position.
    model_desc load() const;
};

/// A seed as the CLI's `--seed` and a sweep's `seed` axis take it: a decimal integer from 0 to
/// 2^63 - 1 (TOML integers are signed 64-bit, so a larger seed could not be written to the
/// resolved model and the run could not be reproduced). nullopt for anything else.
std::optional<std::uint64_t> parse_seed(const std::string& text);

} // namespace cortexsim
