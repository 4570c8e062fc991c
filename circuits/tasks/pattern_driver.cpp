#include "circuits/tasks/pattern_driver.hpp"

#include <stdexcept>

namespace cortexsim {

void attach_plasticity(network& net, simulation& sim) {
    if (!net.has_continuous_plasticity()) return;
    const double dt = net.model().plasticity_interval_ms;
    sim.add_periodic_update(dt, [&net, dt](double t, double* y) { return net.apply_plasticity(t, y, dt); });
}

pattern_driver::pattern_driver(network& net, simulation& sim, const std::string& input,
                               const std::string& output, double g_som)
    : net_(net), sim_(&sim), in_(net.population_index(input)), out_(net.population_index(output)),
      g_som_(g_som) {}

pattern_driver::pattern_driver(network& net, const std::string& input, const std::string& output,
                               double g_som)
    : net_(net),
      owned_(std::make_unique<simulation>(net, net.integrator_options(true), net.model().solver.atol,
                                          net.model().solver.atol_per_variable)),
      sim_(owned_.get()), in_(net.population_index(input)), out_(net.population_index(output)),
      g_som_(g_som) {
    attach_plasticity(net, *sim_);
}

void pattern_driver::use_protocol(trial_runner& trials, std::size_t target_input, std::size_t readout_phase) {
    if (readout_phase >= net_.model().phases.size())
        throw std::invalid_argument("pattern_driver: no phase " + std::to_string(readout_phase));
    trials_ = &trials;
    target_input_ = target_input;
    readout_phase_ = readout_phase;
    readout_ = net_.plasticity().request(out_, "u_soma@" + net_.model().phases[readout_phase].name);
}

pattern_driver::output pattern_driver::present(const Eigen::Ref<const Eigen::VectorXd>& x,
                                               const double* target, double duration_ms, bool learn) {
    const auto n_in = static_cast<Eigen::Index>(net_.model().populations[in_].size);
    if (x.size() != n_in)
        throw std::invalid_argument("pattern has " + std::to_string(x.size()) + " values, input '" +
                                    net_.model().populations[in_].name + "' has " +
                                    std::to_string(n_in) + " neurons");
    const Eigen::VectorXd xc = x;  // contiguous copy
    net_.set_external_rates(in_, xc.data());
    net_.set_learning(learn);
    const std::size_t n_out = net_.model().populations[out_].size;
    output o;
    if (trials_) {
        if (target) {
            net_.set_input(target_input_, target);
            trials_->run_trial();
        } else {
            trials_->run_phases(readout_phase_ + 1);
        }
        o.u = Eigen::Map<const Eigen::VectorXd>(net_.plasticity().snapshot(readout_)->data(),
                                                static_cast<Eigen::Index>(n_out));
    } else {
        net_.set_external_nudge(out_, target, target ? g_som_ : 0.0);
        sim_->restart();
        sim_->run(sim_->time() + duration_ms);
        const double* u = sim_->state().data() + net_.soma_offset(out_);
        o.u = Eigen::Map<const Eigen::VectorXd>(u, static_cast<Eigen::Index>(n_out));
    }
    o.r.resize(o.u.size());
    const transfer_fn& phi = net_.model().populations[out_].transfer;
    for (Eigen::Index i = 0; i < o.u.size(); ++i) o.r[i] = phi(o.u[i]);
    return o;
}

} // namespace cortexsim
