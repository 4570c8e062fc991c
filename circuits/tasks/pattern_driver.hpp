#pragma once
/// Presents patterns to a network one at a time, the way the microcircuit papers train:
/// set the input rates (and, in training, the output's nudging target), restart the
/// integrator (a new pattern is a discontinuity), integrate for the presentation time with
/// plasticity at its interval, and read the settled output at the end.
///
/// With a trial protocol (use_protocol), a pattern is one trial instead: the input is on in
/// every phase, the target is the task's input "target", which the phases that list it switch
/// on (the nudged, plus phase of two-phase rules: GeneRec, feedback alignment, equilibrium
/// propagation), and the output is read at the end of the readout phase (the free one). An
/// evaluation runs the phases up to the readout only (the rules are off, nothing later matters).

#include <Eigen/Dense>
#include <memory>
#include <string>

#include "circuits/network.hpp"
#include "circuits/trial_runner.hpp"
#include "core/simulation.hpp"

namespace cortexsim {

class pattern_driver {
public:
    /// Drives `sim` (a run session's simulation of `net`, with the plasticity step attached if
    /// the network has continuous rules). `g_som`: nudging strength of the teacher on the
    /// output population.
    pattern_driver(network& net, simulation& sim, const std::string& input, const std::string& output,
                   double g_som);
    /// Stand-alone: owns a simulation of `net` for task-driven runs and attaches the plasticity
    /// step (attach_plasticity).
    pattern_driver(network& net, const std::string& input, const std::string& output, double g_som);

    struct output {
        Eigen::VectorXd u;  ///< somatic potentials at the end of the presentation
        Eigen::VectorXd r;  ///< rates
    };
    /// Shows `x` (one rate per input neuron) for duration_ms. With `target` (one potential per
    /// output neuron) the output is nudged towards it; `learn` switches plasticity on.
    output present(const Eigen::Ref<const Eigen::VectorXd>& x, const double* target,
                   double duration_ms, bool learn);

    /// Presents patterns as trials of the model's protocol: `target_input` is the nudging input
    /// "target" on the output (network::add_input), `readout_phase` the phase at whose end the
    /// output is read. `duration_ms` of present() is then unused (the phases set the time).
    void use_protocol(trial_runner& trials, std::size_t target_input, std::size_t readout_phase);
    bool phased() const { return trials_ != nullptr; }

    simulation& sim() { return *sim_; }
    network& net() { return net_; }
    std::size_t input_index() const { return in_; }
    std::size_t output_index() const { return out_; }

private:
    network& net_;
    std::unique_ptr<simulation> owned_;
    simulation* sim_;
    std::size_t in_, out_;
    double g_som_;
    trial_runner* trials_ = nullptr;
    std::size_t target_input_ = 0, readout_phase_ = 0;
    bound_signal readout_;
};

/// Attaches the continuous plasticity rules of `net` to `sim` as a periodic update every
/// plasticity_interval_ms (operator splitting; the integrator restarts after a change). Does
/// nothing for a network without continuous rules.
void attach_plasticity(network& net, simulation& sim);

} // namespace cortexsim
