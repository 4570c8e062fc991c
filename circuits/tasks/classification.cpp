#include "circuits/tasks/classification.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace cortexsim {

namespace {

using wall_clock = std::chrono::steady_clock;

double seconds_since(wall_clock::time_point t0) {
    return std::chrono::duration<double>(wall_clock::now() - t0).count();
}

Eigen::VectorXd sample(const dataset& set, std::size_t i) {
    const float* f = set.features.data() + i * set.n_features;
    return Eigen::Map<const Eigen::VectorXf>(f, static_cast<Eigen::Index>(set.n_features))
        .cast<double>();
}

void check_indices(const std::vector<std::size_t>& idx, const dataset& set, const char* what) {
    if (idx.empty()) throw std::invalid_argument(std::string("classification: no ") + what + " samples");
    for (std::size_t i : idx)
        if (i >= set.n_samples)
            throw std::invalid_argument(std::string("classification: ") + what + " index " +
                                        std::to_string(i) + " out of range (the set has " +
                                        std::to_string(set.n_samples) + " samples)");
}

std::vector<std::size_t> first(std::vector<std::size_t> v, std::size_t n) {
    if (n > 0 && n < v.size()) v.resize(n);
    return v;
}

} // namespace

classification_task::classification_task(const dataset& train_set,
                                         std::vector<std::size_t> train_indices,
                                         const dataset& test_set,
                                         std::vector<std::size_t> test_indices,
                                         const classification_options& o)
    : train_set_(train_set), test_set_(test_set), train_(first(std::move(train_indices), o.n_train)),
      test_(first(std::move(test_indices), o.n_test)), opt_(o),
      n_classes_(std::max(train_set.n_classes, test_set.n_classes)) {
    if (train_set.n_features != test_set.n_features)
        throw std::invalid_argument("classification: train samples have " +
                                    std::to_string(train_set.n_features) + " features, test samples " +
                                    std::to_string(test_set.n_features));
    check_indices(train_, train_set, "training");
    check_indices(test_, test_set, "test");
    if (!(o.present_ms > 0.0) || !std::isfinite(o.present_ms))
        throw std::invalid_argument("classification: present_ms must be positive, got " +
                                    std::to_string(o.present_ms));
    if (o.epochs == 0) throw std::invalid_argument("classification: epochs must be at least 1");
    if (o.n_train_eval > 0) train_eval_ = first(train_, o.n_train_eval);
}

Eigen::VectorXd classification_task::target(int label, std::size_t n_classes) const {
    Eigen::VectorXd t = Eigen::VectorXd::Constant(static_cast<Eigen::Index>(n_classes), opt_.u_low);
    t[label] = opt_.u_high;
    return t;
}

void classification_task::check_driver(pattern_driver& driver) const {
    const network& net = driver.net();
    const std::size_t n_in = net.model().populations[driver.input_index()].size;
    const std::size_t n_out = net.model().populations[driver.output_index()].size;
    if (n_in != train_set_.n_features)
        throw std::invalid_argument("classification: the input population has " +
                                    std::to_string(n_in) + " neurons, the samples " +
                                    std::to_string(train_set_.n_features) + " features");
    if (n_out < n_classes_)
        throw std::invalid_argument("classification: the output population has " +
                                    std::to_string(n_out) + " neurons, the data " +
                                    std::to_string(n_classes_) + " classes");
}

int classification_task::predict(pattern_driver& driver, const dataset& set, std::size_t i) const {
    const Eigen::VectorXd x = sample(set, i);
    const auto out = driver.present(x, nullptr, opt_.present_ms, false);
    Eigen::Index best = 0;
    out.u.maxCoeff(&best);
    return static_cast<int>(best);
}

double classification_task::accuracy(pattern_driver& driver, const dataset& set,
                                     const std::vector<std::size_t>& indices) const {
    std::size_t correct = 0;
    for (std::size_t i : indices)
        if (predict(driver, set, i) == set.labels[i]) ++correct;
    return static_cast<double>(correct) / static_cast<double>(indices.size());
}

classification_curve classification_task::run(pattern_driver& driver) {
    check_driver(driver);
    const std::size_t n_out = driver.net().model().populations[driver.output_index()].size;
    classification_curve curve;
    const std::size_t per_epoch = train_.size();

    auto evaluate = [&](std::size_t seen) {
        const auto t0 = wall_clock::now();
        curve.trained.push_back(seen);
        curve.epoch.push_back(static_cast<double>(seen) / static_cast<double>(per_epoch));
        curve.test_accuracy.push_back(accuracy(driver, test_set_, test_));
        curve.train_accuracy.push_back(train_eval_.empty()
                                           ? std::numeric_limits<double>::quiet_NaN()
                                           : accuracy(driver, train_set_, train_eval_));
        curve.eval_wall_s += seconds_since(t0);
        if (opt_.on_evaluation) opt_.on_evaluation(curve);
    };

    std::size_t seen = 0;
    if (opt_.resume) {
        curve = opt_.resume->curve;
        seen = opt_.resume->seen;
    } else if (opt_.eval_untrained) {
        evaluate(0);
    }
    Eigen::VectorXd x(static_cast<Eigen::Index>(train_set_.n_features));
    const std::size_t resume_epoch = per_epoch > 0 ? seen / per_epoch + 1 : 1;
    for (std::size_t e = resume_epoch; e <= opt_.epochs; ++e) {
        const std::size_t first = e == resume_epoch && per_epoch > 0 ? seen % per_epoch : 0;
        if (opt_.on_epoch && first == 0) opt_.on_epoch(e);
        const std::vector<std::size_t> order =
            shuffled_indices(per_epoch, opt_.seed, "epoch " + std::to_string(e));
        for (std::size_t k = first; k < per_epoch; ++k) {
            const std::size_t i = train_[order[k]];
            const auto t0 = wall_clock::now();
            x = sample(train_set_, i);
            const Eigen::VectorXd t = target(train_set_.labels[i], n_out);
            driver.present(x, t.data(), opt_.present_ms, true);
            curve.train_wall_s += seconds_since(t0);
            ++seen;
            ++curve.train_samples;
            if (opt_.after_sample) opt_.after_sample();
            if (opt_.progress && opt_.progress_every > 0 &&
                (seen % opt_.progress_every == 0 || k + 1 == per_epoch)) {
                classification_progress p;
                p.epoch = e;
                p.seen_in_epoch = k + 1;
                p.per_epoch = per_epoch;
                p.seen = seen;
                p.samples_per_s =
                    curve.train_wall_s > 0 ? static_cast<double>(seen) / curve.train_wall_s : 0.0;
                opt_.progress(p);
            }
            const bool epoch_end = k + 1 == per_epoch;
            if (epoch_end || (opt_.eval_every > 0 && seen % opt_.eval_every == 0)) evaluate(seen);
        }
    }
    return curve;
}

/*
 * The self-predicting state (Sacramento et al. 2018, Sec. 2 and supplement): the interneurons
 * of layer k copy the basal prediction of layer k+1 and their apical input cancels the
 * top-down input exactly, so v_A = 0 for any input while no target is applied. With
 * instantaneous dendrites, u_I settles at k_I v_I (v_I = W_IP r_P) apart from the nudging
 * by u_Q, and u_Q at k_Q v_B,Q = k_Q W_PP r_P; equal dendritic predictions need
 * k_I W_IP = k_Q W_PP. Then r_I = r_Q and W_PI = -W_top-down silences the apex.
 */
std::size_t set_self_predicting_state(network& net) {
    const std::vector<projection>& prs = net.projections();
    const lowered_model& m = net.model();
    auto find = [&](std::size_t src, std::size_t tgt, const std::string& comp) -> std::size_t {
        for (std::size_t k = 0; k < prs.size(); ++k) {
            const lowered_projection& d = prs[k].desc();
            if (!d.nudging && d.source == src && d.target == tgt && d.compartment == comp) return k;
        }
        throw std::invalid_argument("set_self_predicting_state: no projection " +
                                    m.populations[src].name + " -> " + m.populations[tgt].name +
                                    "." + comp);
    };
    auto dendrite_slot = [&](std::size_t k) { return prs[k].desc().slot; };
    std::size_t count = 0;
    for (std::size_t n = 0; n < prs.size(); ++n) {
        const lowered_projection& nudge = prs[n].desc();
        if (!nudge.nudging) continue;
        const std::size_t Q = nudge.source, I = nudge.target;
        // P: the source of I's dendritic input.
        std::size_t ip = prs.size();
        for (std::size_t k = 0; k < prs.size(); ++k)
            if (!prs[k].desc().nudging && prs[k].desc().target == I &&
                prs[k].desc().compartment == "dendrite")
                ip = k;
        if (ip == prs.size())
            throw std::invalid_argument("set_self_predicting_state: interneurons '" +
                                        m.populations[I].name + "' have no dendritic input");
        const std::size_t P = prs[ip].desc().source;
        const std::size_t fwd = find(P, Q, "basal");
        const std::size_t top_down = find(Q, P, "apical");
        const std::size_t pi = find(I, P, "apical");
        const double kQ = net.prediction_factor(Q, dendrite_slot(fwd));
        const double kI = net.prediction_factor(I, dendrite_slot(ip));
        const Eigen::MatrixXd W_ip = (kQ / kI) * prs[fwd].weights();
        const Eigen::MatrixXd W_pi = -prs[top_down].weights();
        net.projection_at(ip).set_weights(W_ip);
        net.projection_at(pi).set_weights(W_pi);
        ++count;
    }
    return count;
}

} // namespace cortexsim
