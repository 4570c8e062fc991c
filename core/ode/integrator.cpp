#include "core/ode/integrator.hpp"

#include <array>
#include <stdexcept>
#include <utility>

#include <sundials/sundials_version.h>

#include "core/errors.hpp"
#include "core/ode/cvode_integrator.hpp"
#include "core/ode/euler_integrator.hpp"
#include "core/ode/exp_euler_integrator.hpp"

namespace cortexsim::ode {

namespace {
// The single table of names, so parsing, printing and the "allowed" list cannot disagree.
constexpr std::array<std::pair<solver_kind, const char*>, 5> kind_names{{
    {solver_kind::adams, "adams"},
    {solver_kind::bdf_dense, "bdf-dense"},
    {solver_kind::bdf_gmres, "bdf-gmres"},
    {solver_kind::euler, "euler"},
    {solver_kind::exp_euler, "exp-euler"},
}};
constexpr std::array<std::pair<newton_jacobian, const char*>, 2> jacobian_names{{
    {newton_jacobian::full, "full"},
    {newton_jacobian::neuron_blocks, "neuron_blocks"},
}};
} // namespace

solver_kind parse_solver_kind(const std::string& name) {
    std::vector<std::string> allowed;
    for (const auto& [kind, text] : kind_names) {
        if (name == text) return kind;
        allowed.emplace_back(text);
    }
    throw std::invalid_argument("solver kind: must be " + one_of(allowed) + ", got '" + name +
                                "'" + did_you_mean(name, allowed));
}

std::string to_string(solver_kind kind) {
    for (const auto& [k, text] : kind_names)
        if (k == kind) return text;
    throw std::logic_error("to_string: solver_kind value out of range");
}

newton_jacobian parse_newton_jacobian(const std::string& name) {
    std::vector<std::string> allowed;
    for (const auto& [jacobian, text] : jacobian_names) {
        if (name == text) return jacobian;
        allowed.emplace_back(text);
    }
    throw std::invalid_argument("newton_jacobian: must be " + one_of(allowed) + ", got '" + name +
                                "'" + did_you_mean(name, allowed));
}

std::string to_string(newton_jacobian jacobian) {
    for (const auto& [j, text] : jacobian_names)
        if (j == jacobian) return text;
    throw std::logic_error("to_string: newton_jacobian value out of range");
}

std::unique_ptr<integrator> make_integrator(ode_system& system, const integrator_options& options) {
    switch (options.kind) {
    case solver_kind::adams:
    case solver_kind::bdf_dense:
    case solver_kind::bdf_gmres:
        return std::make_unique<cvode_integrator>(system, options);
    case solver_kind::euler:
        return std::make_unique<euler_integrator>(system, options);
    case solver_kind::exp_euler:
        return std::make_unique<exp_euler_integrator>(system, options);
    }
    throw std::logic_error("make_integrator: solver_kind value out of range");
}

std::string sundials_version() {
    char version[32] = {};
    if (SUNDIALSGetVersion(version, static_cast<int>(sizeof version)) != 0)
        return "SUNDIALS (unknown version)";
    return std::string("SUNDIALS ") + version;
}

} // namespace cortexsim::ode
