#include "circuits/experiments/model_source.hpp"

#include <cerrno>
#include <cstdlib>

#include "cortex_models/template_registry.hpp"

namespace cortexsim {

model_desc model_source::load() const {
    model_desc desc = path.empty() ? config::parse_model(text, text_name, base_dir,
                                                         default_templates().names(), overrides)
                                   : config::load_model_file(path, default_templates().names(), overrides);
    if (seed) desc.simulation.seed.value = *seed;
    return desc;
}

std::optional<std::uint64_t> parse_seed(const std::string& text) {
    if (text.empty() || text[0] < '0' || text[0] > '9') return std::nullopt;
    char* end = nullptr;
    errno = 0;
    const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
    if (*end != '\0' || errno == ERANGE || v > 9223372036854775807ULL) return std::nullopt;
    return static_cast<std::uint64_t>(v);
}

} // namespace cortexsim
