// `--set key.path=value` overrides (also Python's Model.set and a sweep's axes): the paths
// they reach, element by index or by name, and the exact message of each malformed one.

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "core/config/toml_loader.hpp"
#include "core/errors.hpp"

namespace {

using cortexsim::config::override_setting;
using cortexsim::config::parse_model;

const std::string model = R"([simulation]
duration_ms = 10

[[population]]
name = "in"
model = "input"
size = 2

[[population]]
name = "hid"
model = "pyramidal"
size = 3
params = { g_B = 1.0 }
)";

cortexsim::model_desc with(const std::vector<override_setting>& sets) {
    return parse_model(model, "model.toml", "", {}, sets);
}

std::string error_of(const std::vector<override_setting>& sets) {
    try {
        with(sets);
    } catch (const cortexsim::model_error& e) {
        return e.what();
    }
    return "no error";
}

} // namespace

TEST_CASE("an override reaches an element of an array by index or by its name", "[config]") {
    const cortexsim::model_desc by_index = with({{"population[1].params.tau_basal_ms", "5.0"}});
    const cortexsim::model_desc by_name = with({{"population.hid.params.tau_basal_ms", "5.0"}});
    CHECK(by_index.populations[1].params.at("tau_basal_ms").value == 5.0);
    CHECK(by_name.populations[1].params.at("tau_basal_ms").value == 5.0);
    CHECK(by_name.populations[1].params.at("g_B").value == 1.0);  // the rest of the table stays
    CHECK(with({{"population.hid.size", "7"}}).populations[1].size.value == 7);
    // A whole element replaced by name.
    const cortexsim::model_desc replaced =
        with({{"population.in", R"({ name = "in", model = "input", size = 4 })"}});
    CHECK(replaced.populations[0].size.value == 4);
}

TEST_CASE("malformed overrides fail with a located message", "[config]") {
    struct bad {
        override_setting set;
        std::string message;
    };
    const std::vector<bad> cases = {
        {{"population.hdi.size", "3"},
         "--set population.hdi.size: population.hdi.size: 'population' has no element named 'hdi'; "
         "it has 'in' or 'hid', did you mean 'hid'?"},
        {{"population[5].size", "3"},
         "--set population[5].size: population[5].size: 'population' has no element 5 (it has 2)"},
        // The value is checked like the file's own, at its key path (an override has no line).
        {{"population.hid.size", "-3"}, "model.toml: population[1].size: must be a positive integer, got -3"},
        {{"simulation.duration_ms", "long"},
         "--set simulation.duration_ms: simulation.duration_ms: the value 'long' is not TOML: "
         "Error while parsing value: could not determine value type (strings need quotes: "
         "key=\"text\")"},
    };
    for (const bad& c : cases) {
        INFO(c.set.path << " = " << c.set.value);
        CHECK(error_of({c.set}) == c.message);
    }
}
