// Malformed models: each snippet must fail with exactly the message a user would see.
// "{dir}" in a snippet or message stands for a scratch directory holding the CSV files below,
// which is also the base directory stimulus paths resolve against.

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "core/config/toml_loader.hpp"
#include "core/errors.hpp"
#include "tests/config/config_test_support.hpp"

namespace {

struct malformed_case {
    const char* what;
    std::string toml;
    std::string message;
};

/// Most cases only need a valid [simulation] before the snippet under test (lines 1-2).
std::string sim(const std::string& rest) {
    return "[simulation]\nduration_ms = 10\n" + rest;
}

const char* const pop = "[[population]]\nname = \"p\"\nmodel = \"input\"\nsize = 2\n"; // lines 3-6

std::vector<malformed_case> cases() {
    return {
        {"TOML syntax error", "[simulation]\nduration_ms = \n",
         "model.toml:2:15: Error while parsing key-value pair: expected value, saw '\\n'"},
        {"unknown top-level section", "[simulaton]\nduration_ms = 10\n",
         "model.toml:1:2: simulaton: unknown top-level section 'simulaton', did you mean "
         "'simulation'?"},
        {"unknown top-level key", "seed = 3\n[simulation]\nduration_ms = 10\n",
         "model.toml:1:1: seed: unknown top-level key 'seed'"},
        {"missing [simulation]", std::string(pop),
         "model.toml:1:1: missing required section [simulation]"},
        {"missing duration", "[simulation]\nname = \"x\"\n",
         "model.toml:1:1: simulation: missing required key 'duration_ms'"},
        {"unknown key with did-you-mean",
         sim("[[population]]\nname = \"p\"\nmodel = \"input\"\nsise = 2\n"),
         "model.toml:6:1: population[0].sise: unknown key 'sise', did you mean 'size'?"},
        {"missing required key", sim("[[population]]\nname = \"p\"\nmodel = \"input\"\n"),
         "model.toml:3:1: population[0]: missing required key 'size'"},
        {"wrong type: number", "[simulation]\nduration_ms = \"10\"\n",
         "model.toml:2:15: simulation.duration_ms: must be a number, got string"},
        {"key defined twice", sim(std::string(pop) + "model = 3\n"),
         "model.toml:7:9: Error while parsing key-value pair: cannot redefine existing string "
         "'model'"},
        {"wrong type: string value", sim("[[population]]\nname = 7\nmodel = \"input\"\nsize = 2\n"),
         "model.toml:4:8: population[0].name: must be a string, got integer"},
        {"negative size",
         sim(std::string(pop) + "[[population]]\nname = \"q\"\nmodel = \"input\"\n"
                                "size = -3\n"),
         "model.toml:10:8: population[1].size: must be a positive integer, got -3"},
        {"zero size", sim("[[population]]\nname = \"p\"\nmodel = \"input\"\nsize = 0\n"),
         "model.toml:6:8: population[0].size: must be a positive integer, got 0"},
        {"non-integer size", sim("[[population]]\nname = \"p\"\nmodel = \"input\"\nsize = 2.5\n"),
         "model.toml:6:8: population[0].size: must be a positive integer, got 2.5"},
        {"size as string", sim("[[population]]\nname = \"p\"\nmodel = \"input\"\nsize = \"2\"\n"),
         "model.toml:6:8: population[0].size: must be a positive integer, got string"},
        {"nan", "[simulation]\nduration_ms = nan\n",
         "model.toml:2:15: simulation.duration_ms: must be finite, got nan"},
        {"inf in a parameter table", sim(std::string(pop) + "params = { g_lk = -inf }\n"),
         "model.toml:7:19: population[0].params.g_lk: must be finite, got -inf"},
        {"negative duration", "[simulation]\nduration_ms = -5\n",
         "model.toml:2:15: simulation.duration_ms: must be positive, got -5.0"},
        {"negative seed", "[simulation]\nduration_ms = 1\nseed = -1\n",
         "model.toml:3:8: simulation.seed: must be a non-negative integer, got -1"},
        {"zero rtol", sim("[solver]\nrtol = 0\n"),
         "model.toml:4:8: solver.rtol: must be positive, got 0.0"},
        {"unknown method", sim("[solver]\nmethod = \"bdf_dense\"\n"),
         "model.toml:4:10: solver.method: must be 'auto', 'adams', 'bdf-dense', 'bdf-gmres', "
         "'euler' or 'exp-euler', got 'bdf_dense', did you mean 'bdf-dense'?"},
        {"atol table with a non-number", sim("[solver]\natol = { u_soma = \"small\" }\n"),
         "model.toml:4:19: solver.atol.u_soma: must be a number, got string"},
        {"atol neither number nor table", sim("[solver]\natol = [1e-9]\n"),
         "model.toml:4:8: solver.atol: must be a number or a table of numbers, got array"},
        {"unknown newton_jacobian", sim("[solver]\nnewton_jacobian = \"blocks\"\n"),
         "model.toml:4:19: solver.newton_jacobian: must be 'full' or 'neuron_blocks', got "
         "'blocks'"},
        {"hold_input_products not a boolean", sim("[solver]\nhold_input_products = 1\n"),
         "model.toml:4:23: solver.hold_input_products: must be a boolean, got integer"},
        {"unknown dendrites", sim(std::string(pop) + "dendrites = \"dynamc\"\n"),
         "model.toml:7:13: population[0].dendrites: must be 'instantaneous' or 'dynamic', got "
         "'dynamc', did you mean 'dynamic'?"},
        {"transfer neither string nor table", sim(std::string(pop) + "transfer = 1\n"),
         "model.toml:7:12: population[0].transfer: must be a string or a table, got integer"},
        {"transfer table without kind", sim(std::string(pop) + "transfer = { gamma = 1 }\n"),
         "model.toml:7:12: population[0].transfer: missing required key 'kind'"},
        {"single table instead of an array of tables",
         sim("[population]\nname = \"p\"\nmodel = \"input\"\nsize = 2\n"),
         "model.toml:3:1: population: must be an array of tables ([[population]]), got table"},
        {"duplicate population names", sim(std::string(pop) + pop),
         "model.toml:8:8: population[1].name: duplicate population name 'p', first defined at "
         "line 4"},
        {"bad probability",
         sim("[[projection]]\nsource = \"a\"\ntarget = \"b\"\n"
             "compartment = \"soma\"\nprobability = 1.5\n"),
         "model.toml:7:15: projection[0].probability: must be between 0 and 1, got 1.5"},
        {"negative indegree",
         sim("[[projection]]\nsource = \"a\"\ntarget = \"b\"\n"
             "compartment = \"soma\"\nindegree = -4\n"),
         "model.toml:7:12: projection[0].indegree: must be a non-negative integer, got -4"},
        {"unknown connectivity",
         sim("[[projection]]\nsource = \"a\"\ntarget = \"b\"\n"
             "compartment = \"soma\"\nconnectivity = \"all_to_al\"\n"),
         "model.toml:7:16: projection[0].connectivity: must be 'all_to_all', 'one_to_one', "
         "'fixed_probability' or 'fixed_indegree', got 'all_to_al', did you mean 'all_to_all'?"},
        {"unknown sign",
         sim("[[projection]]\nsource = \"a\"\ntarget = \"b\"\n"
             "compartment = \"soma\"\nsign = \"exitatory\"\n"),
         "model.toml:7:8: projection[0].sign: must be 'free', 'excitatory' or 'inhibitory', got "
         "'exitatory', did you mean 'excitatory'?"},
        {"unknown distribution",
         sim("[[projection]]\nsource = \"a\"\ntarget = \"b\"\n"
             "compartment = \"soma\"\n"
             "weights = { distribution = \"gauss\", mean = 1 }\n"),
         "model.toml:7:28: projection[0].weights.distribution: must be 'constant', 'uniform', "
         "'normal', 'copy' or 'file', got 'gauss'"},
        {"misspelt distribution key",
         sim("[[projection]]\nsource = \"a\"\ntarget = \"b\"\n"
             "compartment = \"soma\"\n"
             "weights = { distributon = \"normal\" }\n"),
         "model.toml:7:13: projection[0].weights.distributon: unknown key 'distributon', did you "
         "mean 'distribution'?"},
        {"weights as string",
         sim("[[projection]]\nsource = \"a\"\ntarget = \"b\"\n"
             "compartment = \"soma\"\nweights = \"0.5\"\n"),
         "model.toml:7:11: projection[0].weights: must be a number or a table, got string"},
        {"missing projection target",
         sim("[[projection]]\nsource = \"a\"\ncompartment = \"soma\"\n"),
         "model.toml:3:1: projection[0]: missing required key 'target'"},
        {"unknown mode", sim("[[stimulus]]\ntarget = \"p\"\nmode = \"nudg\"\nvalues = 1\n"),
         "model.toml:5:8: stimulus[0].mode: must be 'rate', 'current' or 'nudge', got 'nudg', did "
         "you mean 'nudge'?"},
        {"unknown stimulus kind", sim("[[stimulus]]\ntarget = \"p\"\nkind = \"sequnce\"\n"),
         "model.toml:5:8: stimulus[0].kind: must be 'constant', 'sequence', 'file' or 'random', "
         "got 'sequnce', did you mean 'sequence'?"},
        {"constant without values", sim("[[stimulus]]\ntarget = \"p\"\n"),
         "model.toml:3:1: stimulus[0]: missing required key 'values'"},
        {"empty constant values", sim("[[stimulus]]\ntarget = \"p\"\nvalues = []\n"),
         "model.toml:5:10: stimulus[0].values: must not be empty"},
        {"empty sequence row",
         sim("[[stimulus]]\ntarget = \"p\"\nkind = \"sequence\"\n"
             "times_ms = [0, 1]\nvalues = [1, []]\n"),
         "model.toml:7:14: stimulus[0].values[1]: must not be empty"},
        {"non-increasing times",
         sim("[[stimulus]]\ntarget = \"p\"\nkind = \"sequence\"\n"
             "times_ms = [0, 5, 5]\nvalues = [1, 2, 3]\n"),
         "model.toml:6:19: stimulus[0].times_ms[2]: must be strictly increasing, got 5.0 after "
         "5.0"},
        {"rows and times differ",
         sim("[[stimulus]]\ntarget = \"p\"\nkind = \"sequence\"\n"
             "times_ms = [0, 5]\nvalues = [1, 2, 3]\n"),
         "model.toml:7:10: stimulus[0].values: has 3 rows but times_ms has 2 entries"},
        {"key of another kind", sim("[[stimulus]]\ntarget = \"p\"\nvalues = 1\ntimes_ms = [0]\n"),
         "model.toml:6:12: stimulus[0].times_ms: not used by kind 'constant'"},
        {"zero step",
         sim("[[stimulus]]\ntarget = \"p\"\nkind = \"file\"\nfile = \"good.csv\"\n"
             "step_ms = 0\n"),
         "model.toml:7:11: stimulus[0].step_ms: must be positive, got 0.0"},
        {"missing CSV file",
         sim("[[stimulus]]\ntarget = \"p\"\nkind = \"file\"\n"
             "file = \"nope.csv\"\nstep_ms = 1\n"),
         "model.toml:6:8: stimulus[0].file: cannot open stimulus file '{dir}/nope.csv'"},
        {"bad CSV line",
         sim("[[stimulus]]\ntarget = \"p\"\nkind = \"file\"\n"
             "file = \"bad.csv\"\nstep_ms = 1\n"),
         "{dir}/bad.csv:3:4: stimulus[0].file: must be a number, got '2x'"},
        {"CSV with an empty field",
         sim("[[stimulus]]\ntarget = \"p\"\nkind = \"file\"\n"
             "file = \"{dir}/gap.csv\"\nstep_ms = 1\n"),
         "{dir}/gap.csv:1:3: stimulus[0].file: must be a number, got an empty field"},
        {"empty record variables", sim("[[record]]\npopulation = \"p\"\nvariables = []\n"),
         "model.toml:5:13: record[0].variables: must not be empty"},
        {"negative neuron index",
         sim("[[record]]\npopulation = \"p\"\nvariables = [\"rate\"]\nneurons = [0, -2]\n"),
         "model.toml:6:15: record[0].neurons[1]: must be a non-negative integer, got -2"},
    };
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
    return s;
}

} // namespace

TEST_CASE("malformed models fail with exact messages", "[config]") {
    const cortexsim::config::testing::scratch_dir scratch;
    const std::string dir = scratch.path.string();
    scratch.write("good.csv", "1\n");
    scratch.write("bad.csv", "# header\n1, 2\n3, 2x\n");
    scratch.write("gap.csv", "1,,2\n");

    const std::vector<malformed_case> all = cases();
    CHECK(all.size() >= 24);
    for (const malformed_case& c : all) {
        INFO(c.what);
        std::string message;
        try {
            cortexsim::config::parse_model(replace_all(c.toml, "{dir}", dir), "model.toml", dir);
        } catch (const cortexsim::model_error& e) {
            message = e.what();
        }
        CHECK(message == replace_all(c.message, "{dir}", dir));
    }
}

TEST_CASE("a missing model file is a model error naming it", "[config]") {
    const cortexsim::config::testing::scratch_dir scratch;
    const std::string path = (scratch.path / "absent.toml").string();
    CHECK_THROWS_WITH(cortexsim::config::load_model_file(path), path + ": cannot open model file");
}
