// Semantic validation (lowering): each malformed model gives one exact message naming file,
// line, column and key path. Syntax-level cases are in tests/config/test_malformed.cpp.
#include <catch2/catch.hpp>

#include "../test_models.hpp"

#include "circuits/lowered_model.hpp"
#include "circuits/plasticity/rule.hpp"
#include "core/config/toml_loader.hpp"
#include "core/errors.hpp"

using namespace cortexsim;

namespace {
// Lines 1-12; every case appends from line 13 on.
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
)";

// Parse, expand and lower: the same pipeline the CLI runs (tests/test_models.hpp).
std::string lower_error(const std::string& text) { return testing::model_error_of(text); }

/// "'none', 'dendritic_prediction', ..." as the registry lists its rules (rules get added).
std::string rule_names() {
    std::vector<std::string> names = default_rules().names();
    names.insert(names.begin(), "none");
    return one_of(names);
}

struct bad_case {
    std::string snippet;
    std::string message;
};
} // namespace

TEST_CASE("lowering rejects semantically wrong models with exact messages", "[circuits][validation]") {
    const std::vector<bad_case> cases = {
        {"model = 'x'\n", ""},  // placeholder replaced below: keeps indices readable
        {"params = { g_lkk = 0.2 }\n",
         "model.toml:13:20: population[1].params.g_lkk: unknown parameter 'g_lkk' of model "
         "'pyramidal', did you mean 'g_lk'?"},
        {"params = { g_B = -1.0 }\n",
         "model.toml:13:18: population[1].params.g_B: must be non-negative, got -1"},
        {"params = { C = 0.0 }\n", "model.toml:13:16: population[1].params.C: must be positive, got 0"},
        {"params = { E_E = -1.0 }\n",
         "model.toml:13:18: population[1].params.E_E: E_E must be above E_I (nudging needs E_I < E_E)"},
        {"transfer = 'softrelu'\n",
         "model.toml:13:12: population[1].transfer: unknown transfer function 'softrelu'; expected "
         "'soft_relu', 'logistic', 'tanh', 'linear' or 'relu', did you mean 'soft_relu'?"},
        {"transfer = { kind = 'linear', beta = 2.0 }\n",
         "model.toml:13:38: population[1].transfer.beta: unknown parameter 'beta' of transfer "
         "function 'linear'; it has 'gamma' or 'theta'"},
        {"initial = { v_basal = 1.0 }\n",
         "model.toml:13:23: population[1].initial.v_basal: 'v_basal' is not a state variable with "
         "dendrites = 'instantaneous' (it equals its input); set dendrites = 'dynamic' to give it "
         "an initial value"},
        {"initial = { u = 1.0 }\n",
         "model.toml:13:17: population[1].initial.u: unknown state variable 'u' of model "
         "'pyramidal'; it has 'u_soma', 'v_basal' or 'v_apical'"},
        {"\n[[projection]]\nsource = 'hiden'\ntarget = 'hidden'\ncompartment = 'basal'\n",
         "model.toml:15:10: projection[0].source: unknown population 'hiden', did you mean 'hidden'?"},
        {"\n[[projection]]\nsource = 'in'\ntarget = 'hidden'\ncompartment = 'dendrite'\n",
         "model.toml:17:15: projection[0].compartment: model 'pyramidal' of population 'hidden' has "
         "no compartment 'dendrite'; it has 'soma', 'basal' or 'apical'"},
        {"\n[[projection]]\nsource = 'hidden'\ntarget = 'in'\ncompartment = 'soma'\n",
         "model.toml:17:15: projection[0].compartment: population 'in' is an input population and "
         "has no compartments"},
        {"\n[[projection]]\nsource = 'in'\ntarget = 'hidden'\ncompartment = 'basal'\n"
         "connectivity = 'one_to_one'\n",
         "model.toml:18:16: projection[0].connectivity: one_to_one needs equal sizes, but 'in' has "
         "3 neurons and 'hidden' has 4"},
        {"\n[[projection]]\nsource = 'in'\ntarget = 'hidden'\ncompartment = 'basal'\n"
         "connectivity = 'fixed_probability'\n",
         "model.toml:18:16: projection[0].connectivity: fixed_probability needs a 'probability' in "
         "(0, 1]"},
        {"\n[[projection]]\nsource = 'in'\ntarget = 'hidden'\ncompartment = 'basal'\n"
         "connectivity = 'fixed_indegree'\nindegree = 5\n",
         "model.toml:19:12: projection[0].indegree: indegree 5 exceeds the 3 available sources in 'in'"},
        {"\n[[projection]]\nsource = 'in'\ntarget = 'hidden'\ncompartment = 'basal'\n"
         "sign = 'excitatory'\nweights = -0.5\n",
         "model.toml:19:11: projection[0].weights: weights can be negative (down to -0.5) but sign = "
         "'excitatory'"},
        {"\n[[projection]]\nsource = 'in'\ntarget = 'hidden'\ncompartment = 'basal'\n"
         "weights = { distribution = 'uniform', low = 1.0, high = 0.5 }\n",
         "model.toml:18:57: projection[0].weights.high: high (0.5) must not be below low (1)"},
        {"\n[[projection]]\nsource = 'in'\ntarget = 'hidden'\ncompartment = 'basal'\n"
         "weights = { distribution = 'normal', mean = 1.0 }\n",
         "model.toml:18:11: projection[0].weights: distribution 'normal' needs 'std'"},
        {"\n[[projection]]\nsource = 'in'\ntarget = 'hidden'\ncompartment = 'basal'\n"
         "weights = 1.0\n[[projection]]\nsource = 'in'\ntarget = 'hidden'\ncompartment = 'basal'\n"
         "weights = 1.0\n",
         "model.toml:20:10: projection[1].source: duplicate projection name 'in->hidden.basal'"},
        {"\n[[projection]]\nsource = 'in'\ntarget = 'hidden'\ncompartment = 'basal'\n",
         "model.toml:14:1: projection[0]: missing required key 'weights' (a number, or a table such "
         "as { distribution = 'uniform', low = -1.0, high = 1.0 })"},
        {"\n[[stimulus]]\ntarget = 'hidden'\nmode = 'rate'\nvalues = 1.0\n",
         "model.toml:16:8: stimulus[0].mode: mode 'rate' sets the rates of input populations, but "
         "'hidden' is a 'pyramidal' population; use 'current' or 'nudge'"},
        {"\n[[stimulus]]\ntarget = 'in'\nmode = 'rate'\nvalues = [1.0, 2.0]\n",
         "model.toml:17:10: stimulus[0].values: row 0 has 2 values but 'in' has 3 neurons (give 1 "
         "value or one per neuron)"},
        {"\n[[stimulus]]\ntarget = 'hidden'\nmode = 'current'\ncompartment = 'dendrite'\nvalues = 1.0\n",
         "model.toml:17:15: stimulus[0].compartment: model 'pyramidal' of population 'hidden' has no "
         "compartment 'dendrite'; it has 'soma', 'basal' or 'apical'"},
        {"\n[[record]]\npopulation = 'hidden'\nvariables = ['v_apikal']\n",
         "model.toml:16:14: record[0].variables[0]: model 'pyramidal' of population 'hidden' has no "
         "variable 'v_apikal'; it has 'u_soma', 'v_basal', 'v_apical', 'rate', 'basal_error', "
         "'apical_mismatch' or 'apical_error', did you mean 'v_apical'?"},
        {"\n[[record]]\npopulation = 'hidden'\nvariables = ['rate']\nneurons = [0, 4]\n",
         "model.toml:17:15: record[0].neurons[1]: neuron 4 is out of range: 'hidden' has neurons 0..3"},
        {"\n[[record]]\npopulation = 'in'\nvariables = ['u_soma']\n",
         "model.toml:16:14: record[0].variables[0]: model 'input' of population 'in' has no variable "
         "'u_soma'; it has 'rate'"},
        {"\n[[projection]]\nsource = 'in'\ntarget = 'hidden'\ncompartment = 'basal'\nweights = 1.0\n"
         "plasticity = { rule = 'dendritic_predictoin', eta = 0.1 }\n",
         "model.toml:19:23: projection[0].plasticity.rule: unknown plasticity rule "
         "'dendritic_predictoin'; expected " + rule_names() + ", did you mean 'dendritic_prediction'?"},
        {"\n[[projection]]\nsource = 'in'\ntarget = 'hidden'\ncompartment = 'basal'\nweights = 1.0\n"
         "plasticity = { rule = 'dendritic_prediction', eta = 0.1, tau_ms = 3.0 }\n",
         "model.toml:19:67: projection[0].plasticity.tau_ms: unknown key 'tau_ms' of rule "
         "'dendritic_prediction'; it has 'eta', 'eta_decay_trials', 'eta_floor', 'at', 'tau_w_ms', "
         "'pause_ms', 'decay', 'pre', 'error', 'momentum', 'normalize' or 'normalize_tau', did you mean 'tau_w_ms'?"},
        {"\n[[projection]]\nsource = 'in'\ntarget = 'hidden'\ncompartment = 'basal'\nweights = 1.0\n"
         "plasticity = { rule = 'apical_silencing' }\n",
         "model.toml:19:14: projection[0].plasticity: missing required key 'eta' of rule 'apical_silencing'"},
        {"\n[[projection]]\nsource = 'in'\ntarget = 'hidden'\ncompartment = 'soma'\nweights = 1.0\n"
         "plasticity = { rule = 'dendritic_prediction', eta = 0.1 }\n",
         "model.toml:19:23: projection[0].plasticity.rule: rule 'dendritic_prediction' compares a "
         "dendritic potential with the soma, so it needs a dendritic target compartment, got 'soma'"},
        {"\n[[projection]]\nsource = 'in'\ntarget = 'hidden'\ncompartment = 'basal'\nweights = 1.0\n"
         "connectivity = 'fixed_indegree'\nindegree = 2\n"
         "plasticity = { rule = 'dendritic_prediction', eta = 0.1, pre = 'rate@minus' }\n",
         "model.toml:21:64: projection[0].plasticity.pre: names phase 'minus', but the model declares "
         "no [[phase]]"},
        {"\n[[projection]]\nsource = 'in'\ntarget = 'hidden'\ncompartment = 'basal'\nweights = 1.0\n"
         "plasticity = { rule = 'dendritic_prediction', eta = 0.1, pre = 'u_soma' }\n",
         "model.toml:19:64: projection[0].plasticity.pre: population 'in' (model 'input') has no signal "
         "'u_soma'; it has 'rate'"},
        {"\n[[projection]]\nsource = 'in'\ntarget = 'hidden'\ncompartment = 'basal'\nweights = 1.0\n"
         "plasticity = { rule = 'generec', eta = 0.1 }\n",
         "model.toml:19:14: projection[0].plasticity.minus: names phase 'minus', but the model declares no "
         "[[phase]]"},
        {"\n[[population]]\nname = 'in4'\nmodel = 'input'\nsize = 4\n"
         "[[projection]]\nsource = 'in4'\ntarget = 'hidden'\ncompartment = 'soma'\nweights = 1.0\n"
         "connectivity = 'one_to_one'\ntype = 'nudging'\n",
         "model.toml:19:10: projection[0].source: a nudging projection reads the source's somatic "
         "potential, but 'in4' is an input population"},
        {"\n[[population]]\nname = 'top'\nmodel = 'pyramidal'\nsize = 4\n"
         "[[projection]]\nsource = 'top'\ntarget = 'hidden'\ncompartment = 'soma'\n"
         "weights = { distribution = 'uniform', low = 0.0, high = 1.0 }\n"
         "connectivity = 'one_to_one'\ntype = 'nudging'\n",
         "model.toml:22:11: projection[0].weights: a nudging projection's weight is its conductance "
         "g_som: give a constant >= 0"},
        {"\n[[projection]]\nsource = 'in'\ntarget = 'hidden'\ncompartment = 'basal'\nweights = 1.0\n"
         "probability = 0.5\n",
         "model.toml:19:15: projection[0].probability: 'probability' applies to connectivity = "
         "'fixed_probability' only"},
        {"\n[[stimulus]]\ntarget = 'hidden'\nmode = 'current'\ng_som = 0.5\nvalues = 1.0\n",
         "model.toml:17:9: stimulus[0].g_som: 'g_som' applies to mode = 'nudge' only"},
        {"\n[[stimulus]]\ntarget = 'hidden'\nvalues = 1.0\nmode = 'nudge'\ncompartment = 'apical'\n",
         "model.toml:18:15: stimulus[0].compartment: nudging acts on the soma, got compartment "
         "'apical'"},
        {"\n[[record]]\npopulation = 'hidden'\nvariables = ['rate']\nneurons = [1, 1]\n",
         "model.toml:17:15: record[0].neurons[1]: neuron 1 is listed twice"},
        {"\n[solver]\nmethod = 'bdf-dense'\nmax_order = 7\n",
         "model.toml:16:13: solver.max_order: must be between 0 (solver default) and 5 for method "
         "'bdf-dense', got 7"},
        {"\n[[stimulus]]\ntarget = 'hidden'\nmode = 'nudge'\nvalues = [1.0, 2.0, 3.0, 4.0]\n"
         "[[stimulus]]\ntarget = 'in'\nvalues = 1.0\n",
         "model.toml:18:1: stimulus[1].mode: 'in' is an input population: only mode 'rate' "
         "applies to it"},
        {"\n[solver]\natol = { u_som = 1e-9 }\n",
         "model.toml:15:18: solver.atol.u_som: unknown state variable 'u_som'; expected 'u_soma', "
         "'v_basal', 'v_apical', 'v_dendrite', 'v_driver', 'v_modulator' or 'rate', did you mean "
         "'u_soma'?"},
    };
    // The first case edits the base itself: an unknown neuron model.
    {
        std::string text = base;
        text.replace(text.find("model = \"pyramidal\""), 19, "model = \"pyramid\"");
        CHECK(lower_error(text) ==
              "model.toml:11:9: population[1].model: unknown neuron model 'pyramid'; expected "
              "'input', 'pyramidal', 'interneuron' or 'relay', did you mean 'pyramidal'?");
    }
    for (std::size_t k = 1; k < cases.size(); ++k) {
        INFO("case " << k << ":\n" << cases[k].snippet);
        const std::string got = lower_error(base + cases[k].snippet);
        if (cases[k].message.rfind("model.toml", 0) == 0) CHECK(got == cases[k].message);
        else CHECK_THAT(got, Catch::Matchers::EndsWith(cases[k].message));
    }
}

TEST_CASE("input populations reject keys that do not apply to them", "[circuits][validation]") {
    std::string text = base;
    text.replace(text.find("size = 3"), 8, "size = 3\ntransfer = 'logistic'");
    CHECK(lower_error(text) == "model.toml:8:12: population[0].transfer: input populations take "
                               "their rates from stimuli and have no transfer function");
    text = base;
    text.replace(text.find("size = 3"), 8, "size = 3\ndendrites = 'dynamic'");
    CHECK(lower_error(text) == "model.toml:8:13: population[0].dendrites: input populations have "
                               "no dendrites");
}

TEST_CASE("a model without populations is an error that points at the file", "[circuits][validation]") {
    CHECK(lower_error("[simulation]\nduration_ms = 10.0\n") ==
          "model.toml:1:1: population: the model has no populations; add a [[population]], or a "
          "template that makes some ([[column]], [[microcircuit]])");
}

TEST_CASE("a valid model lowers without error", "[circuits][validation]") {
    CHECK(lower_error(base + "dendrites = 'dynamic'\ninitial = { v_basal = 1.0 }\n") == "<no error>");
}
