#include "circuits/tasks/sequence_prediction.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "circuits/plasticity.hpp"

namespace cortexsim {

sequence_prediction_task::sequence_prediction_task(network& net, const std::string& column,
                                                   std::size_t n_symbols,
                                                   const sequence_task_options& o)
    : net_(net), sim_(net, net.integrator_options(true), net.model().solver.atol,
                      net.model().solver.atol_per_variable),
      opt_(o), n_symbols_(n_symbols), relay_(net.population_index(column + ".relay")),
      pulvinar_(net.population_index(column + ".pulvinar")), l5_(net.population_index(column + ".L5")),
      l6_(net.population_index(column + ".L6")), ctx_(net.population_index(column + ".ctx")) {
    const auto& pops = net.model().populations;
    if (pops[relay_].size != n_symbols || pops[pulvinar_].size != n_symbols)
        throw std::invalid_argument("sequence task: relay and pulvinar of '" + column +
                                    "' need one neuron per symbol (" + std::to_string(n_symbols) + ")");
    self_context_ = pops[ctx_].size == pops[l5_].size + pops[l6_].size;
    if (pops[ctx_].size != pops[l5_].size && !self_context_)
        throw std::invalid_argument("sequence task: ctx must be as large as L5 (a copy of L5) or "
                                    "as L5 and L6 together (with the CT self-context)");
    ct_to_pulvinar_ = projection_index(column + ".L6->" + column + ".pulvinar.modulator");
    ctx_to_ct_ = projection_index(column + ".ctx->" + column + ".L6.basal");
    l5_to_pulvinar_ = projection_index(column + ".L5->" + column + ".pulvinar.driver");
    if (opt_.eta_l5 > 0.0) {
        l23_ = net.population_index(column + ".L23");
        l23_to_l5_ = projection_index(column + ".L23->" + column + ".L5.basal");
    }
    for (std::size_t k = 0; k < net.projections().size(); ++k) {
        const auto& d = net.projections()[k].desc();
        if (d.source == pulvinar_ && d.target != pulvinar_) pulvinar_outputs_.push_back(k);
    }
    if (!opt_.thalamic_loop)
        for (std::size_t k : pulvinar_outputs_) net_.projection_at(k).set_gain(0.0);
    net_.set_learning(false);  // GeneRec runs at trial ends, not on the plasticity grid
}

std::size_t sequence_prediction_task::projection_index(const std::string& name) const {
    for (std::size_t k = 0; k < net_.projections().size(); ++k)
        if (net_.projections()[k].desc().name == name) return k;
    throw std::invalid_argument("sequence task: no projection '" + name + "'");
}

Eigen::VectorXd sequence_prediction_task::rates(std::size_t p, const double* y) {
    net_.observe(sim_.time(), y);
    const variable_ref r = net_.resolve_variable(p, "rate");
    Eigen::VectorXd out(static_cast<Eigen::Index>(net_.model().populations[p].size));
    for (Eigen::Index i = 0; i < out.size(); ++i) out[i] = net_.value(p, r, static_cast<std::size_t>(i), y);
    return out;
}

sequence_prediction_task::trial_result sequence_prediction_task::trial(std::size_t symbol,
                                                                       symbol_mask legal) {
    const auto n = static_cast<Eigen::Index>(n_symbols_);
    // Minus phase: the prediction.
    net_.set_external_current(relay_, 0, nullptr);
    net_.projection_at(l5_to_pulvinar_).set_gain(0.0);
    net_.projection_at(ct_to_pulvinar_).set_gain(1.0);
    net_.set_external_nudge(pulvinar_, nullptr, 0.0);
    sim_.restart();
    sim_.run(sim_.time() + opt_.minus_ms);
    const double* y = sim_.state().data();
    const Eigen::VectorXd pulv_minus = rates(pulvinar_, y), l6_minus = rates(l6_, y),
                          ctx_minus = rates(ctx_, y), l5_minus = rates(l5_, y);
    const Eigen::VectorXd l23_minus = opt_.eta_l5 > 0.0 ? rates(l23_, y) : Eigen::VectorXd();

    // Plus phase: the outcome drives relay and pulvinar.
    Eigen::VectorXd drive = Eigen::VectorXd::Zero(n), target = Eigen::VectorXd::Constant(n, opt_.u_off);
    drive[static_cast<Eigen::Index>(symbol)] = opt_.relay_current;
    target[static_cast<Eigen::Index>(symbol)] = opt_.u_on;
    net_.set_external_current(relay_, 0, drive.data());
    net_.projection_at(l5_to_pulvinar_).set_gain(1.0);
    // DeepLeabra's pulvinar: g = (1 - min(1, drive_max / 0.6)) g_CT + ...; a one-hot driver
    // has drive_max >= 0.6, so the CT prediction is fully suppressed in the plus phase.
    net_.projection_at(ct_to_pulvinar_).set_gain(0.0);
    net_.set_external_nudge(pulvinar_, target.data(), opt_.g_drive);
    sim_.restart();
    sim_.run(sim_.time() + opt_.plus_ms);
    y = sim_.state().data();
    const Eigen::VectorXd pulv_plus = rates(pulvinar_, y), l6_plus = rates(l6_, y), l5_plus = rates(l5_, y);

    const Eigen::VectorXd l23_plus = opt_.eta_l5 > 0.0 ? rates(l23_, y) : Eigen::VectorXd();

    if (opt_.learn) {
        // Annealed learning rate (sequence_task_options::eta_decay_trials).
        double anneal = 1.0;
        if (opt_.eta_decay_trials > 0.0)
            anneal = std::max(opt_.eta_floor,
                              1.0 / (1.0 + static_cast<double>(trial_count_) / opt_.eta_decay_trials));
        // GeneRec: dW = eta (y+ - y-) x-^T (O'Reilly 1996), on the CT prediction pathway.
        auto update = [&](std::size_t k, double eta, const Eigen::VectorXd& post_plus,
                          const Eigen::VectorXd& post_minus, const Eigen::VectorXd& pre_minus,
                          Eigen::MatrixXd* mom) {
            double scale = eta * anneal;
            if (opt_.normalize_presynaptic)
                scale /= pre_minus.squaredNorm() / static_cast<double>(pre_minus.size()) + opt_.normalize_eps;
            projection& pr = net_.projection_at(k);
            if (opt_.momentum > 0.0 && mom && pr.is_dense()) {
                const Eigen::MatrixXd before = pr.dense_weights();
                if (mom->size() == 0) *mom = Eigen::MatrixXd::Zero(before.rows(), before.cols());
                pr.dense_weights() += opt_.momentum * *mom;
                pr.add_outer_product(scale, post_plus - post_minus, pre_minus);  // clamps the sign
                *mom = pr.dense_weights() - before;
                return;
            }
            pr.add_outer_product(scale, post_plus - post_minus, pre_minus);
        };
        update(ct_to_pulvinar_, opt_.eta, pulv_plus, pulv_minus, l6_minus, &mom_readout_);
        if (opt_.learn_context)
            update(ctx_to_ct_, opt_.eta_context < 0 ? opt_.eta : opt_.eta_context, l6_plus, l6_minus,
                   ctx_minus, &mom_context_);
        if (opt_.eta_l5 > 0.0) update(l23_to_l5_, opt_.eta_l5, l5_plus, l5_minus, l23_minus, nullptr);
    }
    ++trial_count_;
    // Context for the next trial: this trial's outcome (or, ablated, its own prediction).
    const Eigen::VectorXd& l5_context = opt_.context_current ? l5_minus : l5_plus;
    const Eigen::VectorXd& l6_context = opt_.context_current ? l6_minus : l6_plus;
    Eigen::VectorXd context(l5_context.size() + (self_context_ ? l6_context.size() : 0));
    context.head(l5_context.size()) = l5_context;
    if (self_context_) context.tail(l6_context.size()) = l6_context;
    // Leaky context integration (context_rate < 1; Axon's CT context decay).
    if (opt_.context_rate < 1.0 && have_context_)
        context = (1.0 - opt_.context_rate) * context_ + opt_.context_rate * context;
    context_ = context;
    have_context_ = true;
    net_.set_external_rates(ctx_, context.data());

    trial_result r;
    r.predicted = active_symbols(pulv_minus, opt_.threshold);
    r.correct = is_legal_prediction(legal, r.predicted);
    r.prediction_error = (pulv_plus - pulv_minus).cwiseAbs().mean();
    r.pulvinar_minus = pulv_minus;
    r.pulvinar_plus = pulv_plus;
    r.l5_minus = l5_minus;
    r.l5_plus = l5_plus;
    r.l6_minus = l6_minus;
    r.l6_plus = l6_plus;
    return r;
}

} // namespace cortexsim
