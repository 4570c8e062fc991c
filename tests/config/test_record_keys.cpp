// The [[record]] keys for sampled neurons and weight records: load-stage errors with exact
// messages, and the round trip through the resolved-model writer.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/config/toml_loader.hpp"
#include "core/errors.hpp"

using namespace cortexsim;

namespace {

// Lines 1-2; the [[record]] under test starts on line 3.
std::string sim(const std::string& rest) { return "[simulation]\nduration_ms = 10\n" + rest; }

std::string load_error(const std::string& text) {
    try {
        config::parse_model(text, "model.toml", "");
    } catch (const model_error& e) {
        return e.what();
    }
    return "<no error>";
}

struct bad_record {
    const char* what;
    std::string toml;
    std::string message;
};

} // namespace

TEST_CASE("record keys: projection records and samples are checked at load", "[config]") {
    const std::vector<bad_record> cases = {
        {"projection together with population",
         sim("[[record]]\nprojection = \"x\"\npopulation = \"p\"\nwhat = \"weights\"\n"
             "interval_ms = 1.0\n"),
         "model.toml:5:14: record[0].population: a record names a 'population' or a "
         "'projection', not both"},
        {"variables on a projection record",
         sim("[[record]]\nprojection = \"x\"\nwhat = \"weights\"\ninterval_ms = 1.0\n"
             "variables = [\"rate\"]\n"),
         "model.toml:7:13: record[0].variables: 'variables' applies to population records; a "
         "projection record takes 'what', 'interval_ms', 'start_ms' and 'stop_ms'"},
        {"sample on a projection record",
         sim("[[record]]\nprojection = \"x\"\nwhat = \"weights\"\ninterval_ms = 1.0\nsample = 2\n"),
         "model.toml:7:10: record[0].sample: 'sample' applies to population records; a "
         "projection record takes 'what', 'interval_ms', 'start_ms' and 'stop_ms'"},
        {"projection record without what",
         sim("[[record]]\nprojection = \"x\"\ninterval_ms = 1.0\n"),
         "model.toml:3:1: record[0]: a projection record needs 'what': 'weights' (snapshots of "
         "the matrix) or 'weight_stats' (mean, std, min, max, mean |w|)"},
        {"unknown what, with a hint",
         sim("[[record]]\nprojection = \"x\"\nwhat = \"weight\"\ninterval_ms = 1.0\n"),
         "model.toml:5:8: record[0].what: must be 'weights' or 'weight_stats', got 'weight', "
         "did you mean 'weights'?"},
        {"projection record without interval_ms",
         sim("[[record]]\nprojection = \"x\"\nwhat = \"weight_stats\"\n"),
         "model.toml:3:1: record[0]: a projection record needs 'interval_ms', the time between "
         "two samples of the weights"},
        {"non-positive interval of a projection record",
         sim("[[record]]\nprojection = \"x\"\nwhat = \"weights\"\ninterval_ms = 0\n"),
         "model.toml:6:15: record[0].interval_ms: must be positive, got 0.0"},
        {"projection of the wrong type",
         sim("[[record]]\nprojection = 3\nwhat = \"weights\"\ninterval_ms = 1.0\n"),
         "model.toml:4:14: record[0].projection: must be a string, got integer"},
        {"what without projection",
         sim("[[record]]\npopulation = \"p\"\nvariables = [\"rate\"]\nwhat = \"weights\"\n"),
         "model.toml:6:8: record[0].what: 'what' applies to projection records (with "
         "'projection = ...') only"},
        {"neither population nor projection", sim("[[record]]\nvariables = [\"rate\"]\n"),
         "model.toml:3:1: record[0]: missing required key 'population' (or 'projection', to "
         "record a projection's weights, or 'neuromodulator')"},
        {"sample together with neurons",
         sim("[[record]]\npopulation = \"p\"\nvariables = [\"rate\"]\nneurons = [0, 1]\n"
             "sample = 2\n"),
         "model.toml:7:10: record[0].sample: 'sample' and 'neurons' exclude each other: list "
         "the neurons, or give how many to draw at random"},
        {"sample of zero neurons",
         sim("[[record]]\npopulation = \"p\"\nvariables = [\"rate\"]\nsample = 0\n"),
         "model.toml:6:10: record[0].sample: must be a positive integer, got 0"},
        {"fractional sample",
         sim("[[record]]\npopulation = \"p\"\nvariables = [\"rate\"]\nsample = 2.5\n"),
         "model.toml:6:10: record[0].sample: must be a positive integer, got 2.5"},
        {"misspelt key, with a hint",
         sim("[[record]]\nprojektion = \"x\"\nwhat = \"weights\"\ninterval_ms = 1.0\n"),
         "model.toml:4:1: record[0].projektion: unknown key 'projektion', did you mean "
         "'projection'?"},
    };
    for (const bad_record& c : cases) {
        INFO(c.what);
        CHECK(load_error(c.toml) == c.message);
    }
}

TEST_CASE("record keys survive the resolved-model writer", "[config]") {
    const std::string text = sim(R"([[population]]
name = "p"
model = "input"
size = 4

[[record]]
population = "p"
variables = ["rate"]
sample = 2

[[record]]
projection = "p->p.soma"
what = "weight_stats"
interval_ms = 2.5
)");
    const model_desc a = config::parse_model(text, "model.toml", "");
    const std::string written = config::write_model_toml(a, {});
    const model_desc b = config::parse_model(written, "resolved.toml", "");
    REQUIRE(b.records.size() == 2);
    CHECK(b.records[0].population.value == "p");
    CHECK(b.records[0].sample.value == 2);
    CHECK(b.records[0].neurons.empty());
    CHECK(b.records[1].projection.value == "p->p.soma");
    CHECK(b.records[1].what.value == "weight_stats");
    CHECK(b.records[1].interval_ms.value == 2.5);
    CHECK(b.records[1].population.value.empty());
    // A projection record is written with its own keys only, so it reads back.
    CHECK(written.find("projection = \"p->p.soma\"\nwhat = \"weight_stats\"\ninterval_ms = 2.5\n") !=
          std::string::npos);
}
