#include <catch2/catch.hpp>

#include "circuits/network.hpp"
#include "cortex_models/microcircuit_template.hpp"

using namespace cortexsim;

TEST_CASE("the microcircuit template wires each pathway to its compartment", "[templates]") {
    model_desc m;
    m.simulation.duration_ms = 10.0;
    microcircuit_spec s;
    s.prefix = "mc_";
    s.n_input = 30;
    s.layers = {50, 20, 10};
    add_microcircuit(m, s);
    network net(lower(m));
    const auto& pops = net.model().populations;
    REQUIRE(pops.size() == 1 + 3 + 2);
    auto name_of = [&](std::size_t i) { return pops[i].name; };
    int basal = 0, apical = 0, dendrite = 0;
    for (const auto& pr : net.projections()) {
        const auto& d = pr.desc();
        const std::string src = name_of(d.source), tgt = name_of(d.target);
        if (d.compartment == "basal") {
            ++basal;  // bottom-up: from the layer below (or the input)
            CHECK((src == "mc_input" || src[4] < tgt[4]));
        } else if (d.compartment == "apical") {
            ++apical;  // top-down from the layer above, or lateral from the layer's interneurons
            CHECK(((src[3] == 'P' && src[4] > tgt[4]) || src == "mc_I" + tgt.substr(4)));
        } else if (d.nudging) {
            CHECK(d.compartment == "soma");  // the next layer's pyramidal soma nudges I_k
            CHECK(pops[d.source].size == pops[d.target].size);
            CHECK(src[3] == 'P');
            CHECK(tgt[3] == 'I');
            CHECK(src[4] == tgt[4] + 1);
        } else {
            CHECK(d.compartment == "dendrite");
            ++dendrite;
            CHECK(pops[d.target].size == pops[d.target + 1].size);  // I_k matches P_(k+1)
        }
    }
    CHECK(basal == 3);
    CHECK(apical == 4);
    CHECK(dendrite == 2);
    CHECK(pops.back().params.dend[1].g_couple == 0.0);  // output layer: no apical coupling
}
