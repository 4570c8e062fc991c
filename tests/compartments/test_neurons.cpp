#include <catch2/catch.hpp>

#include <vector>

#include "compartments/dendritic_neuron.hpp"
#include "compartments/neuron_model.hpp"

using namespace cortexsim;

namespace {
dendritic_neuron_params pyramidal_dynamic() {
    dendritic_neuron_params p;
    p.C = 1.5;
    p.g_lk = 0.1;
    p.n_dendrites = 2;
    p.dend[0] = {1.0, 4.0, 0.3, true};
    p.dend[1] = {0.8, 2.0, 0.1, true};
    return p;
}

/// One neuron's derivative [du, dvB, dvA] at state x for fixed inputs.
Eigen::Vector3d derivative(const dendritic_neuron_params& p, const Eigen::Vector3d& x, double gE,
                           double gI) {
    double u = x[0], vb = x[1], va = x[2], du, dvb, dva, ib = 0.4, ia = -0.2, is = 0.1, vo0, vo1;
    dendritic_neuron_view s;
    s.n = 1;
    s.u = &u;
    s.du = &du;
    s.v_state = {&vb, &va};
    s.dv = {&dvb, &dva};
    s.input = {&ib, &ia};
    s.v = {&vo0, &vo1};
    s.soma_input = &is;
    s.g_E = &gE;
    s.g_I = &gI;
    dendritic_neuron_rhs(p, s);
    return {du, dvb, dva};
}
} // namespace

TEST_CASE("the local Jacobian equals finite differences of the kernel", "[compartments]") {
    // The kernel is linear in the neuron's own variables, so differences are exact up to
    // rounding; 1e-9 covers eps / h with h = 1e-4.
    const auto p = pyramidal_dynamic();
    const double gE = 0.3, gI = 0.5;
    const Eigen::Matrix3d J = local_jacobian(p, gE, gI);
    const Eigen::Vector3d x0(0.7, -0.2, 1.1);
    for (int j = 0; j < 3; ++j) {
        Eigen::Vector3d e = Eigen::Vector3d::Zero();
        e[j] = 1e-4;
        const Eigen::Vector3d col = (derivative(p, x0 + e, gE, gI) - derivative(p, x0 - e, gE, gI)) / 2e-4;
        for (int i = 0; i < 3; ++i) CHECK_THAT(J(i, j), Catch::Matchers::WithinAbs(col[i], 1e-9));
    }
}

TEST_CASE("instantaneous dendrites equal their input", "[compartments]") {
    dendritic_neuron_params p;
    p.n_dendrites = 2;
    p.dend[0] = {1.0, 3.0, 0.0, false};
    p.dend[1] = {0.8, 3.0, 0.0, false};
    double u = 0.5, du, ib = 0.9, ia = -0.4, is = 0.0, g0 = 0.0, vo0, vo1;
    dendritic_neuron_view s;
    s.n = 1;
    s.u = &u;
    s.du = &du;
    s.input = {&ib, &ia};
    s.v = {&vo0, &vo1};
    s.soma_input = &is;
    s.g_E = &g0;
    s.g_I = &g0;
    dendritic_neuron_rhs(p, s);
    CHECK(vo0 == ib);
    CHECK(vo1 == ia);
    // Sacramento et al. 2018 eq. 1 with C = 1.
    CHECK_THAT(du, Catch::Matchers::WithinAbs(-0.1 * 0.5 + 1.0 * (0.9 - 0.5) + 0.8 * (-0.4 - 0.5), 1e-15));
    CHECK(local_size(p) == 1);
}

TEST_CASE("the catalogue names every compartment the kernels use", "[compartments]") {
    const auto* pyr = find_neuron_model("pyramidal");
    REQUIRE(pyr);
    CHECK(pyr->dendrites == std::vector<std::string>{"basal", "apical"});
    const auto* in = find_neuron_model("interneuron");
    REQUIRE(in);
    CHECK(in->dendrites == std::vector<std::string>{"dendrite"});
    CHECK(find_neuron_model("pyramid") == nullptr);
}
