// Issue 4, "what it must show" 1: the six-layer column template expands into an ordinary
// model whose every projection lands on the compartment the anatomy says.
#include <catch2/catch.hpp>

#include "../test_models.hpp"

#include <map>
#include <set>

#include "circuits/network.hpp"
#include "circuits/plasticity/rule.hpp"
#include "core/config/toml_loader.hpp"
#include "core/errors.hpp"
#include "core/simulation.hpp"
#include "cortex_models/template_registry.hpp"
#include "cortex_models/six_layer_column.hpp"

using namespace cortexsim;

namespace {
const char* hierarchy_toml = R"([simulation]
duration_ms = 20.0

[[phase]]
name = "minus"
duration_ms = 15.0

[[phase]]
name = "plus"
duration_ms = 5.0

[[column]]
name = "V1"
sizes = { L23 = 12, L5 = 10 }

[[column]]
name = "V2"
p_connect = 0.5

[[column_link]]
lower = "V1"
upper = "V2"

[[stimulus]]
target = "V1.relay"
mode = "current"
compartment = "driver"
values = 1.0
)";

std::string type_of(const std::string& population) { return population.substr(population.find('.') + 1); }
std::string column_of(const std::string& population) { return population.substr(0, population.find('.')); }
} // namespace

TEST_CASE("the six-layer column wires every pathway to its compartment", "[column]") {
    model_desc m = config::parse_model(hierarchy_toml, "model.toml", "");
    expand_templates(m);
    network net(lower(m));
    const auto& pops = net.model().populations;
    REQUIRE(pops.size() == 2 * column_cell_types().size());
    CHECK(m.templates.empty());
    std::map<std::string, std::string> model_of;
    for (const auto& p : pops) model_of[p.name] = p.model->name;
    CHECK(model_of.at("V1.L23") == "pyramidal");
    CHECK(model_of.at("V1.SST") == "interneuron");
    CHECK(model_of.at("V1.pulvinar") == "relay");
    CHECK(model_of.at("V1.ctx") == "input");
    // ctx follows L5 (10 here) and L6 (the template's 48): the CT self-context.
    CHECK(pops[net.population_index("V1.ctx")].size == 10 + 48);
    CHECK(pops[net.population_index("V1.L23")].size == 12);
    CHECK(pops[net.population_index("V2.L23")].size == 48);  // template default

    std::set<std::string> seen;
    for (const auto& pr : net.projections()) {
        const auto& d = pr.desc();
        const std::string src = pops[d.source].name, tgt = pops[d.target].name;
        const std::string s = type_of(src), t = type_of(tgt);
        seen.insert(s + "->" + t + "." + d.compartment);
        INFO(src << " -> " << tgt << "." << d.compartment);
        // Anatomy (issue 4): bottom-up on basal, top-down and thalamic matrix on apical,
        // PV on soma, SST on apical, drivers and modulators of the thalamus apart.
        if (s == "PV") CHECK(d.compartment == "soma");
        if (s == "SST" && t != "SST") CHECK(d.compartment == "apical");
        if (s == "L4" || s == "relay") CHECK((d.compartment == "basal" || t == "L4"));
        if (column_of(src) != column_of(tgt)) {
            // Between columns: feedforward onto basal dendrites of the upper L4 and the lower
            // pulvinar's signal onto the upper CT layer's apical tuft; feedback onto apical
            // tufts of the lower column, and the upper CT layer's prediction of the lower
            // pulvinar onto its modulator (O'Reilly et al. 2021).
            if (column_of(src) == "V1")
                CHECK(((t == "L4" && d.compartment == "basal") || (s == "pulvinar" && t == "L6" && d.compartment == "apical")));
            else
                CHECK((d.compartment == "apical" || (s == "L6" && t == "pulvinar" && d.compartment == "modulator")));
        }
        if (s == "L5" && t == "pulvinar") CHECK(d.compartment == "driver");
        if (s == "L6" && t == "pulvinar") CHECK(d.compartment == "modulator");
        const bool inhibitory = s == "SST" || s == "PV" || s == "VIP" || s == "TRN";
        // The learned CT pathways change sign freely unless the column asks for Dale's law.
        const bool learned = (s == "ctx" && t == "L6") || (s == "L6" && t == "pulvinar");
        CHECK(d.sign == (inhibitory ? sign_constraint::inhibitory
                         : learned  ? sign_constraint::free
                                    : sign_constraint::excitatory));
        if (column_of(src) == "V2" && column_of(tgt) == "V2")
            CHECK(d.connectivity == connectivity_kind::fixed_probability);
    }
    for (const char* required :
         {"relay->L4.basal", "L4->L23.basal", "L23->L5.basal", "PV->L23.soma",
          "SST->L23.apical", "VIP->SST.soma", "L6->TRN.dendrite", "TRN->relay.soma", "ctx->L6.basal",
          "TRN->pulvinar.soma", "L5->pulvinar.driver", "L6->pulvinar.modulator",
          "pulvinar->L23.apical", "pulvinar->L5.apical", "pulvinar->L6.apical", "L23->L4.basal",
          "L5->L23.apical", "L6->L5.apical"}) {
        INFO("pathway " << required);
        CHECK(seen.count(required) == 1);
    }
    // The learned pathways carry GeneRec on the declared phases, within and between columns.
    for (const char* name : {"V1.L6->V1.pulvinar.modulator", "V1.ctx->V1.L6.basal", "V2.L6->V1.pulvinar.modulator",
                             "V2.L6->V2.pulvinar.modulator", "V2.ctx->V2.L6.basal"}) {
        INFO(name);
        const auto& d = net.projections()[net.projection_index(name)].desc();
        CHECK(d.rule_name == "generec");
        CHECK(d.rule_params.find("minus")->string == "minus");
        CHECK(d.rule_params.find("plus")->string == "plus");
    }
    // The thalamic loop's gates: no L5 drive of the pulvinar while it predicts, and its soma
    // decoupled from the CT prediction while the outcome drives it.
    const auto& phases = net.model().phases;
    REQUIRE(phases.size() == 2);
    auto gain_of = [&](const lowered_phase& ph, const std::string& projection) {
        for (const auto& [k, g] : ph.projection_gains)
            if (net.projections()[k].desc().name == projection) return g;
        return 1.0;
    };
    CHECK(gain_of(phases[0], "V1.L5->V1.pulvinar.driver") == 0.0);
    CHECK(gain_of(phases[1], "V1.L5->V1.pulvinar.driver") == 1.0);
    std::set<std::string> decoupled;
    for (const auto& c : phases[1].coupling_gains) {
        CHECK(c.gain == 0.0);
        decoupled.insert(pops[c.population].name + "." + pops[c.population].model->dendrites[c.slot]);
    }
    CHECK(decoupled == std::set<std::string>{"V1.pulvinar.modulator", "V2.pulvinar.modulator"});
    // The CT context: L5's and L6's rates at the end of the outcome phase.
    REQUIRE(net.model().contexts.size() == 2);
    CHECK(net.model().contexts[0].population == net.population_index("V1.ctx"));
    CHECK(net.model().contexts[0].from ==
          std::vector<std::size_t>{net.population_index("V1.L5"), net.population_index("V1.L6")});
    CHECK(net.model().contexts[0].phase == 1);

    // The expanded model runs: it is an ordinary network.
    simulation sim(net, net.integrator_options(), 1e-8);
    sim.run(20.0);
    CHECK(sim.time() == 20.0);
}

TEST_CASE("column mistakes are reported where they were written", "[column]") {
    const auto error_of = [](const std::string& text) { return testing::model_error_of(text); };
    std::string t = hierarchy_toml;
    t.replace(t.find("L23 = 12"), 8, "L2_3 = 12");
    CHECK(error_of(t) == "model.toml:14:18: column[0].sizes.L2_3: unknown cell type 'L2_3'; a column has "
                         "'relay', 'L4', 'L23', 'SST', 'PV', 'VIP', 'L5', 'L6', 'pulvinar', 'TRN' or "
                         "'ctx', "
                         "did you mean 'L23'?");
    t = hierarchy_toml;
    t.replace(t.find("upper = \"V2\""), 12, "upper = \"V3\"");
    CHECK(error_of(t) == "model.toml:22:9: column_link[0].upper: unknown column 'V3', did you mean 'V1'?");
    t = hierarchy_toml;
    t.replace(t.find("L5 = 10"), 7, "L5 = 2.5");
    CHECK(error_of(t) == "model.toml:14:26: column[0].sizes.L5: must be a whole number of neurons from 1 to "
                         "100000000, got 2.5");
    t = hierarchy_toml;
    t.replace(t.find("name = \"plus\""), 13, "name = \"outcome\"");
    CHECK(error_of(t) == "model.toml:12:1: column[0]: column 'V1' needs its outcome phase 'plus', but the "
                         "model declares only the phases 'minus' or 'outcome'; declare the alpha cycle, e.g. "
                         "[[phase]] name = \"minus\" duration_ms = 75.0 and [[phase]] name = \"plus\" "
                         "duration_ms = 25.0 with the task's inputs (docs/column_anatomy.md)");
    t = hierarchy_toml;
    t.replace(t.find("sizes = {"), 9, "plasticity = { \"L6->pulvinar\" = { rule = \"generic\" } }\nsizes = {");
    std::vector<std::string> rules = default_rules().names();
    rules.insert(rules.begin(), "none");
    CHECK(error_of(t) == "model.toml:14:42: column[0].plasticity.L6->pulvinar.rule: unknown plasticity rule "
                         "'generic'; expected " + one_of(rules) + ", did you mean 'generec'?");
}
