#include "circuits/plasticity/rule_support.hpp"
#include "core/checkpoint/state_archive.hpp"

#include <algorithm>
#include <cmath>

#include "circuits/lowered_model.hpp"
#include "circuits/projection.hpp"
#include "core/errors.hpp"
#include "core/param_tree.hpp"

namespace cortexsim {

std::string dendritic_error_signal(const lowered_population& pop, int slot) {
    return pop.model->dendrites.at(static_cast<std::size_t>(slot)) + "_error";
}

void check_phase(const std::string& phase, const std::vector<std::string>& phases, const source_loc& where) {
    if (std::find(phases.begin(), phases.end(), phase) != phases.end()) return;
    throw model_error(where, phases.empty()
                                 ? "names phase '" + phase + "', but the model declares no [[phase]]"
                                 : "unknown phase '" + phase + "'; the protocol has " + one_of(phases) +
                                       did_you_mean(phase, phases));
}

std::string latest_phase(const std::vector<std::string>& phases, const std::vector<std::string>& names) {
    const auto index = [&](const std::string& p) { return std::find(phases.begin(), phases.end(), p) - phases.begin(); };
    return *std::max_element(names.begin(), names.end(),
                             [&](const std::string& a, const std::string& b) { return index(a) < index(b); });
}

std::string read_rule_phase(param_reader& r, const rule_target& t) {
    std::string at = r.string("at", "");
    if (!at.empty()) check_phase(at, t.phases, r.loc_of("at"));
    return at;
}

std::string read_signal_name(param_reader& r, const std::string& key, const std::string& fallback,
                             const lowered_population& pop, const rule_target& t, const std::string& why) {
    std::string name = r.string(key, fallback);
    if (name.find('@') != std::string::npos) r.fail(key, why + "; give it without '@'");
    check_signal(pop, name, t.phases, r.loc_of(key));
    return name;
}

void rate_pair_rule::bind(rule_binding& b) {
    const std::string suffix = at.empty() ? "" : "@" + at;
    y_ = b.signal(b.target(), post + suffix);
    x_ = b.signal(b.source(), "rate" + suffix);
    bind_state(b);
}

void rate_pair_rule::read_common(param_reader& r, const rule_target& t) {
    lr = read_learning_rate(r);
    at = read_rule_phase(r, t);
    post = read_signal_name(r, "post", "rate", *t.target, t, "the signal is read when the rule acts ('at')");
}

void rate_pair_rule::take_values(plasticity_context& c) {
    y_values_ = c.values(y_);
    x_values_ = c.values(x_);
}

void check_signal(const lowered_population& pop, const std::string& name,
                  const std::vector<std::string>& phases, const source_loc& where) {
    std::string var = name;
    if (const auto at = name.find('@'); at != std::string::npos) {
        var = name.substr(0, at);
        check_phase(name.substr(at + 1), phases, where);
    }
    std::vector<std::string> known = pop.model->variables;
    for (const auto& d : pop.model->dendrites) known.push_back(d + "_error");
    if (std::find(known.begin(), known.end(), var) == known.end())
        throw model_error(where, "population '" + pop.name + "' (model '" + pop.model->name +
                                     "') has no signal '" + var + "'; it has " + one_of(known) +
                                     did_you_mean(var, known));
}

void filtered_outer_product::step(projection& p, const Eigen::Ref<const Eigen::VectorXd>& e,
                                  const Eigen::Ref<const Eigen::VectorXd>& r, double eta,
                                  double tau_w, double dt) {
    if (tau_w <= 0.0) {
        // W += eta dt e r^T; O(n_target) along a held constant input (projection_held.cpp).
        p.add_rank_one(eta * dt, e, r);
        return;
    }
    if (p.is_dense()) {
        Eigen::MatrixXd& W = p.dense_weights();
        if (delta_.rows() != W.rows() || delta_.cols() != W.cols()) {
            delta_ = Eigen::MatrixXd::Zero(W.rows(), W.cols());
            scratch_.resize(W.rows(), W.cols());
        }
        const double a = std::exp(-dt / tau_w);
        scratch_.noalias() = e * r.transpose();  // T
        delta_ -= scratch_;                       // Delta - T
        W += eta * dt * scratch_ + (eta * tau_w * (1.0 - a)) * delta_;
        delta_ = scratch_ + a * delta_;
        return;
    }
    if (delta_sparse_.size() != p.synapse_count()) delta_sparse_.assign(p.synapse_count(), 0.0);
    const double a = std::exp(-dt / tau_w), b = eta * tau_w * (1.0 - a);
    p.for_each_synapse([&](std::size_t i, std::size_t j, double& w, std::size_t s) {
        const double T = e[static_cast<Eigen::Index>(i)] * r[static_cast<Eigen::Index>(j)];
        const double d = delta_sparse_[s] - T;
        w += eta * dt * T + b * d;
        delta_sparse_[s] = T + a * d;
    });
}

void save_vector(state_writer& w, const std::string& name, const Eigen::VectorXd& v) {
    w.put(name, v.data(), static_cast<std::size_t>(v.size()));
}

void restore_vector(const state_reader& r, const std::string& name, Eigen::VectorXd& v) {
    r.doubles_into(name, v.data(), static_cast<std::size_t>(v.size()));
}

void filtered_outer_product::save_state(state_writer& w, const std::string& name) const {
    w.put_u64(name + "/shape", {static_cast<std::uint64_t>(delta_.rows()), static_cast<std::uint64_t>(delta_.cols())});
    w.put(name + "/dense", delta_.data(), static_cast<std::size_t>(delta_.size()));
    w.put(name + "/sparse", delta_sparse_);
}

void filtered_outer_product::restore_state(const state_reader& r, const std::string& name) {
    const auto& shape = r.u64s(name + "/shape", 2);
    const auto rows = static_cast<Eigen::Index>(shape[0]), cols = static_cast<Eigen::Index>(shape[1]);
    delta_.resize(rows, cols);
    scratch_.resize(rows, cols);
    r.doubles_into(name + "/dense", delta_.data(), static_cast<std::size_t>(delta_.size()));
    delta_sparse_ = r.doubles(name + "/sparse");
}

} // namespace cortexsim
