// Lowering's memory check (circuits/lower_memory.cpp): a model that needs more memory than is
// available is a model error at its largest part, before anything is allocated. Found while
// setting up the model fuzz target (issue 15; hand-written inputs, not the fuzzer's
// mutations): a population of 2^63 - 1 neurons threw std::length_error from the network's
// state vector, and an all_to_all projection between two populations of 10^5 allocated 80 GB.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

#include "../test_models.hpp"

using namespace cortexsim;

namespace {

/// Sets CORTEXSIM_MEMORY_LIMIT_MB for one test, so messages do not depend on the machine.
struct memory_limit_mb {
    explicit memory_limit_mb(const char* mb) { setenv("CORTEXSIM_MEMORY_LIMIT_MB", mb, 1); }
    ~memory_limit_mb() { unsetenv("CORTEXSIM_MEMORY_LIMIT_MB"); }
};

// Lines 1-8; the cases add populations, projections and stimuli from line 9 on.
const std::string base = R"([simulation]
duration_ms = 10.0

[[population]]
name = "in"
model = "input"
size = 3

)";

std::string population(const std::string& name, const std::string& model, const std::string& size) {
    return "[[population]]\nname = \"" + name + "\"\nmodel = \"" + model + "\"\nsize = " + size + "\n";
}

} // namespace

TEST_CASE("a model larger than the memory available is an error at its largest part",
          "[circuits][validation]") {
    const memory_limit_mb limit("1024");
    SECTION("a population of 2^63 - 1 neurons (the fuzzer's input)") {
        CHECK(testing::model_error_of(base + population("huge", "input", "9223372036854775807")) ==
              "model.toml:12:8: population[1].size: the model needs at least 7.38e+07 TB of "
              "memory, more than the CORTEXSIM_MEMORY_LIMIT_MB=1024 allowed (1.07 GB); "
              "7.38e+07 TB of it alone for the state of its 9223372036854775807 neurons");
    }
    SECTION("an all_to_all projection of 10^5 x 10^5 weights") {
        CHECK(testing::model_error_of(base + population("a", "input", "100000") +
                                      population("b", "pyramidal", "100000") +
                                      "[[projection]]\nsource = \"a\"\ntarget = \"b\"\n"
                                      "compartment = \"basal\"\nweights = 0.5\n") ==
              "model.toml:17:1: projection[0]: the model needs at least 80 GB of memory, more "
              "than the CORTEXSIM_MEMORY_LIMIT_MB=1024 allowed (1.07 GB); 80 GB of it alone for "
              "its 100000 x 100000 all_to_all weights");
    }
    SECTION("sparse weights count their expected synapses") {
        const std::string pops = base + population("a", "input", "100000") +
                                 population("b", "pyramidal", "100000") +
                                 "[[projection]]\nsource = \"a\"\ntarget = \"b\"\ncompartment = \"basal\"\nweights = 0.5\n";
        // 10^10 x 0.01 synapses of 12 bytes: 1.2 GB.
        CHECK(testing::model_error_of(pops + "connectivity = \"fixed_probability\"\nprobability = 0.01\n") ==
              "model.toml:17:1: projection[0]: the model needs at least 1.2 GB of memory, more "
              "than the CORTEXSIM_MEMORY_LIMIT_MB=1024 allowed (1.07 GB); 1.2 GB of it alone for "
              "the expected synapses of its 100000 x 100000 weights");
        CHECK(testing::model_error_of(pops + "connectivity = \"fixed_indegree\"\nindegree = 1000\n") ==
              "model.toml:17:1: projection[0]: the model needs at least 1.2 GB of memory, more "
              "than the CORTEXSIM_MEMORY_LIMIT_MB=1024 allowed (1.07 GB); 1.2 GB of it alone for "
              "its 100000 x 100000 weights with indegree 1000");
    }
    SECTION("random stimuli count the rows they draw") {
        CHECK(testing::model_error_of(base + "[[stimulus]]\ntarget = \"in\"\nmode = \"rate\"\n"
                                             "kind = \"random\"\ncount = 100000000\nstep_ms = 1\n") ==
              "model.toml:13:9: stimulus[0].count: the model needs at least 2.4 GB of memory, "
              "more than the CORTEXSIM_MEMORY_LIMIT_MB=1024 allowed (1.07 GB); 2.4 GB of it "
              "alone for its 100000000 random rows");
    }
    SECTION("parts that fit alone but not together point at the largest") {
        CHECK(testing::model_error_of(base + population("a", "input", "9000") +
                                      population("b", "pyramidal", "9000") +
                                      population("c", "input", "10000") +
                                      "[[projection]]\nsource = \"a\"\ntarget = \"b\"\ncompartment = \"basal\"\nweights = 0.5\n"
                                      "[[projection]]\nsource = \"c\"\ntarget = \"b\"\ncompartment = \"apical\"\nweights = 0.5\n") ==
              "model.toml:26:1: projection[1]: the model needs at least 1.37 GB of memory, more "
              "than the CORTEXSIM_MEMORY_LIMIT_MB=1024 allowed (1.07 GB); the largest part, "
              "720 MB, is its 9000 x 10000 all_to_all weights");
    }
}

TEST_CASE("without a limit set a model beyond any machine's memory is still an error",
          "[circuits][validation]") {
    unsetenv("CORTEXSIM_MEMORY_LIMIT_MB");
    const std::string got = testing::model_error_of(base + population("huge", "input", "9223372036854775807"));
    CHECK_THAT(got, Catch::Matchers::StartsWith("model.toml:12:8: population[1].size: the model needs "
                                                "at least 7.38e+07 TB of memory, more than this "
                                                "machine's available memory ("));
}
