#pragma once
/// Helpers the templates share for reading their sections.

#include <string>

#include "core/model_desc.hpp"

namespace cortexsim {

class param_reader;

/// `transfer = "name"` or `transfer = { kind = "name", <numeric parameters> }`: sets `kind`
/// (with the key's position) and `params`; leaves them alone when the key is absent.
void read_transfer(param_reader& r, const std::string& key, located<std::string>& kind,
                   param_table& params);

/// A located value for a generated key: the position of `key` in the template's section, or
/// the section's own position (marked defaulted) when the key was not written.
source_loc template_key_loc(const param_reader& r, const std::string& key);

} // namespace cortexsim
