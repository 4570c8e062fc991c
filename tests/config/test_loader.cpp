// Well-formed models: values, source positions, defaults, the short and table forms of mixed
// keys, CSV stimuli and the writer round trip.

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "core/config/toml_loader.hpp"
#include "core/errors.hpp"
#include "tests/config/config_test_support.hpp"

using cortexsim::model_desc;
using cortexsim::param_table;
using cortexsim::config::parse_model;
using cortexsim::config::write_model_toml;
using cortexsim::config::testing::require_same;
using cortexsim::config::testing::scratch_dir;

namespace {

const char* const full_model = R"([simulation]
name = "two_pops"
duration_ms = 250.5
seed = 42
output = "runs/x"

[solver]
method = "bdf-dense"
rtol = 1e-5
atol = 1e-7
max_step_ms = 0.5
dt_ms = 0.05
max_steps = 1000
max_order = 3

[[population]]
name = "exc"
model = "pyramidal"
size = 80
dendrites = "dynamic"
transfer = "logistic"
params = { g_lk = 0.1, g_B = 1 }
initial = { u_soma = -0.5 }

[[population]]
name = "inh"
model = "interneuron"
size = 20
  transfer = { kind = "soft_relu", gamma = 1.5, beta = 2 }

[[projection]]
name = "e2i"
source = "exc"
target = "inh"
compartment = "dendrite"
connectivity = "fixed_probability"
probability = 0.25
allow_autapses = false
weights = 0.5
sign = "excitatory"

[[projection]]
source = "inh"
target = "exc"
compartment = "basal"
connectivity = "fixed_indegree"
indegree = 4
weights = { distribution = "normal", mean = -0.3, std = 0.05 }
sign = "inhibitory"
plasticity = { rule = "apical_silencing", eta = 0.0005, tau_w_ms = 30.0 }

[[stimulus]]
name = "drive"
target = "exc"
mode = "nudge"
kind = "sequence"
times_ms = [0, 10.5, 20]
values = [1.0, [2.0, 3.0], [4]]
stop_ms = 100
g_som = 0.6

[[stimulus]]
target = "inh"
values = [0.25, 0.5]
start_ms = 5

[[record]]
population = "exc"
variables = ["u_soma", "rate"]
interval_ms = 0.5
neurons = [0, 3, 7]
)";

const char* const minimal_model = R"([simulation]
duration_ms = 10

[[population]]
name = "p"
model = "input"
size = 1

[[projection]]
source = "p"
target = "p"
compartment = "soma"

[[stimulus]]
target = "p"
values = 1

[[record]]
population = "p"
variables = ["rate"]
)";

} // namespace

TEST_CASE("a full model parses with values and positions", "[config]") {
    const model_desc m = parse_model(full_model, "model.toml", "");
    CHECK(m.source_file == "model.toml");
    CHECK(m.simulation.name.value == "two_pops");
    CHECK(m.simulation.duration_ms.value == 250.5);
    CHECK(m.simulation.seed.value == 42);
    CHECK(m.simulation.output.value == "runs/x");
    CHECK(m.simulation.duration_ms.loc.str() == "model.toml:3:15: simulation.duration_ms");
    CHECK(m.simulation.loc.str() == "model.toml:1:1: simulation");

    CHECK(m.solver.method.value == "bdf-dense");
    CHECK(m.solver.rtol.value == 1e-5);
    CHECK(m.solver.atol.value == 1e-7);
    CHECK(m.solver.max_step_ms.value == 0.5);
    CHECK(m.solver.dt_ms.value == 0.05);
    CHECK(m.solver.max_steps.value == 1000);
    CHECK(m.solver.max_order.value == 3);
    CHECK(m.solver.atol_per_variable.empty());

    REQUIRE(m.populations.size() == 2);
    const auto& exc = m.populations[0];
    CHECK(exc.name.value == "exc");
    CHECK(exc.model.value == "pyramidal");
    CHECK(exc.size.value == 80);
    CHECK(exc.size.loc.str() == "model.toml:19:8: population[0].size");
    CHECK(exc.loc.str() == "model.toml:16:1: population[0]");
    CHECK(exc.dendrites.value == "dynamic");
    CHECK(exc.transfer.value == "logistic");
    CHECK(exc.transfer_params.empty());
    CHECK(exc.params.at("g_B").value == 1.0);
    CHECK(exc.params.at("g_lk").loc.str() == "model.toml:22:19: population[0].params.g_lk");
    CHECK(exc.initial.at("u_soma").value == -0.5);
    CHECK(m.populations[1].size.loc.str() == "model.toml:28:8: population[1].size");

    REQUIRE(m.projections.size() == 2);
    const auto& e2i = m.projections[0];
    CHECK(e2i.name.value == "e2i");
    CHECK(e2i.compartment.value == "dendrite");
    CHECK(e2i.connectivity.value == "fixed_probability");
    CHECK(e2i.probability.value == 0.25);
    CHECK_FALSE(e2i.allow_autapses.value);
    CHECK(e2i.sign.value == "excitatory");
    CHECK(m.projections[1].indegree.value == 4);
    CHECK(m.projections[1].indegree.loc.str() == "model.toml:47:12: projection[1].indegree");
    CHECK(m.projections[1].allow_autapses.value);
    CHECK(e2i.plasticity.rule.value == "none");
    CHECK(e2i.type.value == "synaptic");
    const auto& plast = m.projections[1].plasticity;
    CHECK(plast.rule.value == "apical_silencing");
    CHECK(plast.rule.loc.str() == "model.toml:50:23: projection[1].plasticity.rule");
    CHECK(plast.params.find("eta")->number == 0.0005);
    CHECK(plast.params.find("tau_w_ms")->number == 30.0);
    CHECK(plast.params.find("eta")->loc.str() == "model.toml:50:49: projection[1].plasticity.eta");

    REQUIRE(m.stimuli.size() == 2);
    const auto& drive = m.stimuli[0];
    CHECK(drive.name.value == "drive");
    CHECK(drive.mode.value == "nudge");
    CHECK(drive.kind.value == "sequence");
    CHECK(drive.times_ms == std::vector<double>{0.0, 10.5, 20.0});
    CHECK(drive.values == std::vector<std::vector<double>>{{1.0}, {2.0, 3.0}, {4.0}});
    CHECK(drive.values_loc.str() == "model.toml:58:10: stimulus[0].values");
    CHECK(drive.stop_ms.value == 100.0);
    CHECK(drive.g_som.value == 0.6);
    const auto& constant = m.stimuli[1];
    CHECK(constant.kind.value == "constant");
    CHECK(constant.mode.value == "current");
    CHECK(constant.times_ms == std::vector<double>{5.0});
    CHECK(constant.values == std::vector<std::vector<double>>{{0.25, 0.5}});

    REQUIRE(m.records.size() == 1);
    const auto& rec = m.records[0];
    CHECK(rec.population.value == "exc");
    REQUIRE(rec.variables.size() == 2);
    CHECK(rec.variables[1].value == "rate");
    CHECK(rec.variables[1].loc.str() == "model.toml:69:24: record[0].variables[1]");
    CHECK(rec.interval_ms.value == 0.5);
    REQUIRE(rec.neurons.size() == 3);
    CHECK(rec.neurons[2].value == 7);
}

TEST_CASE("defaults are applied with their key paths", "[config]") {
    const model_desc m = parse_model(minimal_model, "model.toml", "");
    CHECK(m.simulation.name.value == "model");
    CHECK(m.simulation.seed.value == 1);
    CHECK(m.simulation.output.value.empty());
    // A defaulted key points at its table, so messages say where to add it.
    CHECK(m.simulation.seed.loc.str() == "model.toml:1:1: simulation.seed");
    CHECK(m.simulation.seed.loc.defaulted);
    CHECK(m.solver.method.value == "auto");
    CHECK(m.solver.rtol.value == 1e-6);
    CHECK(m.solver.atol.value == 1e-8);
    CHECK(m.solver.dt_ms.value == 0.1);
    CHECK(m.solver.max_steps.value == 500000);
    CHECK(m.solver.max_order.value == 0);
    CHECK(m.solver.rtol.loc.defaulted);
    CHECK(m.solver.rtol.loc.path == "solver.rtol");
    CHECK(m.solver.loc.path == "solver");

    const auto& p = m.populations.at(0);
    CHECK(p.dendrites.value == "instantaneous");
    CHECK(p.transfer.value == "soft_relu");
    CHECK(p.transfer.loc.str() == "model.toml:4:1: population[0].transfer");
    CHECK(p.params.empty());
    CHECK(p.initial.empty());

    const auto& j = m.projections.at(0);
    CHECK(j.name.value.empty());
    CHECK(j.connectivity.value == "all_to_all");
    CHECK(j.allow_autapses.value);
    CHECK(j.sign.value == "free");
    CHECK(j.weights.distribution.value == "constant");
    CHECK(j.weights.distribution.loc.str() == "model.toml:9:1: projection[0].weights.distribution");
    CHECK(j.weights.params.empty());

    const auto& s = m.stimuli.at(0);
    CHECK(s.mode.value == "current");
    CHECK(s.compartment.value == "soma");
    CHECK(s.kind.value == "constant");
    CHECK(s.start_ms.value == 0.0);
    CHECK(s.stop_ms.value == -1.0);
    CHECK(s.g_som.value == 0.8);
    CHECK(s.times_ms == std::vector<double>{0.0});
    CHECK(s.values == std::vector<std::vector<double>>{{1.0}});

    const auto& r = m.records.at(0);
    CHECK(r.interval_ms.value == 1.0);
    CHECK(r.interval_ms.loc.str() == "model.toml:18:1: record[0].interval_ms");
    CHECK_FALSE(m.records.at(0).population.loc.defaulted);
    CHECK(r.neurons.empty());
}

TEST_CASE("transfer and weights take a short and a table form", "[config]") {
    const model_desc m = parse_model(full_model, "model.toml", "");
    const auto& inh = m.populations.at(1);
    CHECK(inh.transfer.value == "soft_relu");
    CHECK(inh.transfer.loc.str() == "model.toml:29:23: population[1].transfer.kind");
    REQUIRE(inh.transfer_params.size() == 2);
    CHECK(inh.transfer_params.at("gamma").value == 1.5);
    CHECK(inh.transfer_params.at("beta").value == 2.0);
    CHECK(inh.transfer_params.at("beta").loc.str() ==
          "model.toml:29:56: population[1].transfer.beta");

    const auto& constant = m.projections.at(0).weights;
    CHECK(constant.distribution.value == "constant");
    REQUIRE(constant.params.size() == 1);
    CHECK(constant.params.at("value").value == 0.5);
    CHECK(constant.params.at("value").loc.str() == "model.toml:39:11: projection[0].weights");

    const auto& normal = m.projections.at(1).weights;
    CHECK(normal.distribution.value == "normal");
    REQUIRE(normal.params.size() == 2);
    CHECK(normal.params.at("mean").value == -0.3);
    CHECK(normal.params.at("std").value == 0.05);
    CHECK(normal.loc.str() == "model.toml:48:11: projection[1].weights");
}

TEST_CASE("atol takes a table of per-variable tolerances", "[config]") {
    const model_desc m = parse_model(R"([simulation]
duration_ms = 1
[solver]
atol = { u_soma = 1e-9, v_apical = 2e-9 }
)",
                                     "model.toml", "");
    CHECK(m.solver.atol.value == 1e-8);
    REQUIRE(m.solver.atol_per_variable.size() == 2);
    CHECK(m.solver.atol_per_variable.at("u_soma").value == 1e-9);
    CHECK(m.solver.atol_per_variable.at("v_apical").loc.str() ==
          "model.toml:4:36: solver.atol.v_apical");

    // The reserved key `default` sets the tolerance of the variables not listed.
    const model_desc d = parse_model(
        "[simulation]\nduration_ms = 1\n[solver]\natol = { default = 1e-6, rate = 1e-3 }\n",
        "model.toml", "");
    CHECK(d.solver.atol.value == 1e-6);
    REQUIRE(d.solver.atol_per_variable.size() == 1);
    CHECK(d.solver.atol_per_variable.at("rate").value == 1e-3);
}

TEST_CASE("a file stimulus reads CSV rows relative to the model", "[config]") {
    const scratch_dir dir;
    dir.write("input.csv", "# t = 0, 1, 2 ms\n1.0, 2.0\n\n  # comment\n3,4e-1\r\n+5 , -6\n");
    const std::string model = R"([simulation]
duration_ms = 10
[[stimulus]]
target = "p"
mode = "rate"
kind = "file"
file = "input.csv"
step_ms = 0.5
start_ms = 2
)";
    dir.write("model.toml", model);
    const model_desc m = cortexsim::config::load_model_file((dir.path / "model.toml").string());
    const auto& s = m.stimuli.at(0);
    CHECK(s.kind.value == "file");
    CHECK(s.file_path == (dir.path / "input.csv").string());
    CHECK(s.values == std::vector<std::vector<double>>{{1.0, 2.0}, {3.0, 0.4}, {5.0, -6.0}});
    CHECK(s.times_ms == std::vector<double>{2.0, 2.5, 3.0});
    CHECK(s.values_loc.line == 7);
    CHECK(s.values_loc.path == "stimulus[0].file");

    // parse_model resolves against the base_dir it is given, not the working directory.
    const model_desc p = parse_model(model, "model.toml", dir.path.string());
    CHECK(p.stimuli.at(0).values == s.values);
}

TEST_CASE("write_model_toml round-trips through parse_model", "[config]") {
    const model_desc m = parse_model(full_model, "model.toml", "");
    const std::string text = write_model_toml(m, {{"version", "0.1.0"}, {"command", "run \"x\""}});
    INFO(text);
    CHECK(text.find("[provenance]") != std::string::npos);
    CHECK(text.find("command = \"run \\\"x\\\"\"") != std::string::npos);
    const model_desc back = parse_model(text, "resolved.toml", "");
    require_same(m, back);
    CHECK(back.source_file == "resolved.toml");
    // Writing is a fixed point once every default is explicit.
    CHECK(write_model_toml(back, {{"version", "0.1.0"}, {"command", "run \"x\""}}) == text);

    const model_desc d = parse_model(minimal_model, "model.toml", "");
    require_same(d, parse_model(write_model_toml(d, {}), "resolved.toml", ""));
}

TEST_CASE("round trip keeps per-variable atol, odd keys and file stimuli", "[config]") {
    const scratch_dir dir;
    dir.write("in.csv", "0.1,0.2\n0.3,0.7\n1e-300,12345678901234\n");
    const model_desc m = parse_model(R"([simulation]
duration_ms = 1
[solver]
atol = { default = 3e-7, "odd key" = 1e-9 }
[[population]]
name = "p q"
model = "input"
size = 2
params = { "g.x" = 0.1 }
[[stimulus]]
target = "p q"
kind = "file"
file = "in.csv"
step_ms = 0.1
)",
                                     "model.toml", dir.path.string());
    const model_desc back = parse_model(write_model_toml(m, {}), "resolved.toml", "");
    require_same(m, back);
    CHECK(back.solver.atol.value == 3e-7);
    // Written as the sequence of rows it resolved to, so the run folder needs no CSV.
    CHECK(back.stimuli.at(0).kind.value == "sequence");
    CHECK(back.stimuli.at(0).times_ms == m.stimuli.at(0).times_ms);
}
