// Issue 4, "what it must show" 1: the six-layer column template expands into an ordinary
// model whose every projection lands on the compartment the anatomy says.
#include <catch2/catch.hpp>

#include "../test_models.hpp"

#include <map>
#include <set>

#include "circuits/network.hpp"
#include "core/config/toml_loader.hpp"
#include "core/errors.hpp"
#include "core/simulation.hpp"
#include "cortex_models/expand_templates.hpp"
#include "cortex_models/six_layer_column.hpp"

using namespace cortexsim;

namespace {
const char* hierarchy_toml = R"([simulation]
duration_ms = 20.0

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
            // Between columns: feedforward onto basal dendrites of the upper L4, feedback onto
            // apical tufts of the lower column.
            if (column_of(src) == "V1") CHECK((t == "L4" && d.compartment == "basal"));
            else CHECK(d.compartment == "apical");
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
    // The expanded model runs: it is an ordinary network.
    simulation sim(net, net.integrator_options(), 1e-8);
    sim.run(20.0);
    CHECK(sim.time() == 20.0);
}

TEST_CASE("column mistakes are reported where they were written", "[column]") {
    const auto error_of = [](const std::string& text) { return testing::model_error_of(text); };
    std::string t = hierarchy_toml;
    t.replace(t.find("L23 = 12"), 8, "L2_3 = 12");
    CHECK(error_of(t) == "model.toml:6:18: column[0].sizes.L2_3: unknown cell type 'L2_3'; a column has "
                         "'relay', 'L4', 'L23', 'SST', 'PV', 'VIP', 'L5', 'L6', 'pulvinar', 'TRN' or "
                         "'ctx', "
                         "did you mean 'L23'?");
    t = hierarchy_toml;
    t.replace(t.find("upper = \"V2\""), 12, "upper = \"V3\"");
    CHECK(error_of(t) == "model.toml:14:9: column_link[0].upper: unknown column 'V3', did you mean 'V1'?");
    t = hierarchy_toml;
    t.replace(t.find("L5 = 10"), 7, "L5 = 2.5");
    CHECK(error_of(t) == "model.toml:6:26: column[0].sizes.L5: must be a whole number of neurons, got 2.5");
}
