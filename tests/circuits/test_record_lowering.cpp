// Lowering of sampled and weight records: exact messages for names and sizes that do not fit
// the model, and the output names weight records get.
#include <catch2/catch.hpp>

#include "../test_models.hpp"

#include "circuits/lowered_model.hpp"
#include "core/config/toml_loader.hpp"

using namespace cortexsim;

namespace {
// Lines 1-19; every case appends from line 20 on.
const std::string base = R"([simulation]
duration_ms = 10.0

[[population]]
name = "in"
model = "input"
size = 3

[[population]]
name = "hidden"
model = "pyramidal"
size = 4

[[projection]]
source = "in"
target = "hidden"
compartment = "basal"
weights = 0.5

)";

lowered_model lowered(const std::string& text) {
    model_desc m = config::parse_model(text, "model.toml", "");
    expand_templates(m);
    return lower(m);
}
} // namespace

TEST_CASE("weight and sampled records that do not fit the model are lowering errors",
          "[circuits][validation]") {
    CHECK(testing::model_error_of(base + "[[record]]\nprojection = \"in->hidden.basl\"\n"
                                         "what = \"weights\"\ninterval_ms = 1.0\n") ==
          "model.toml:21:14: record[0].projection: unknown projection 'in->hidden.basl', did you "
          "mean 'in->hidden.basal'?");
    const std::string no_projections = base.substr(0, base.find("[[projection]]"));
    CHECK(testing::model_error_of(no_projections + "[[record]]\nprojection = \"x\"\n"
                                                   "what = \"weight_stats\"\ninterval_ms = 1.0\n") ==
          "model.toml:15:14: record[0].projection: unknown projection 'x'; the model has no "
          "projections");
    CHECK(testing::model_error_of(base + "[[record]]\npopulation = \"hidden\"\n"
                                         "variables = [\"rate\"]\nsample = 5\n") ==
          "model.toml:23:10: record[0].sample: cannot sample 5 neurons: 'hidden' has 4");
    CHECK(testing::model_error_of(base + "[[record]]\npopulation = \"hiden\"\n"
                                         "variables = [\"rate\"]\nsample = 2\n") ==
          "model.toml:21:14: record[0].population: unknown population 'hiden', did you mean "
          "'hidden'?");
}

TEST_CASE("weight records are named after their projection as a file name",
          "[circuits][validation]") {
    const lowered_model m = lowered(base + R"([[record]]
projection = "in->hidden.basal"
what = "weights"
interval_ms = 1.0

[[record]]
projection = "in->hidden.basal"
what = "weights"
interval_ms = 2.0

[[record]]
projection = "in->hidden.basal"
what = "weight_stats"
interval_ms = 1.0

[[record]]
population = "hidden"
variables = ["rate"]
sample = 4

[[record]]
population = "hidden"
variables = ["rate"]
)");
    REQUIRE(m.weight_records.size() == 3);
    CHECK(m.weight_records[0].name == "in_to_hidden.basal");
    CHECK(m.weight_records[1].name == "in_to_hidden.basal_1");  // a further record, same kind
    CHECK(m.weight_records[1].interval_ms == 2.0);
    CHECK(m.weight_records[2].name == "in_to_hidden.basal");    // another kind
    CHECK(m.weight_records[2].kind == weight_record_kind::stats);
    CHECK(m.weight_records[0].projection == 0);
    REQUIRE(m.records.size() == 2);
    CHECK(m.records[0].name == "hidden");
    CHECK(m.records[0].neurons == std::vector<std::size_t>{0, 1, 2, 3});  // all of them, sorted
    CHECK(m.records[1].name == "hidden_1");
}

TEST_CASE("descriptions built in C++ get the same checks on samples", "[circuits][validation]") {
    model_desc m = config::parse_model(base, "model.toml", "");
    record_desc r;
    r.population = located<std::string>("hidden", source_loc{"", 0, 0, "record[0].population"});
    r.variables = {located<std::string>("rate")};
    r.sample = located<long>(2, source_loc{"", 0, 0, "record[0].sample"});
    r.neurons = {located<long>(1)};
    m.records = {r};
    CHECK_THROWS_WITH(lower(m), "record[0].sample: 'sample' and 'neurons' exclude each other");
    m.records[0].neurons.clear();
    m.records[0].sample.value = -2;
    CHECK_THROWS_WITH(lower(m), "record[0].sample: must be a positive integer, got -2");
    m.records[0].sample.value = 2;
    CHECK(lower(m).records[0].neurons.size() == 2);
}
