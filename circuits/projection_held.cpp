/*
 * Held input products (docs/performance.md, "Held input products"; docs/equations.md, 7, H1).
 *
 * A projection from a population whose rates x stay constant within a segment (an unfiltered
 * input population: its rates are latched when the segment begins) adds the same W x at every
 * right-hand side until the weights change. For the 784-input layer of the Fashion-MNIST
 * microcircuit that mat-vec is 78,400 multiply-adds per Euler step, 90% of the run.
 *
 * Invariants, while `held_.valid`:
 *   c = gain W_eff x,   W_eff = W + pending x^T   (pending = 0 unless has_pending),
 * where W is the stored matrix and W_eff the projection's weights (what weights() returns).
 * accumulate() adds c when the source rates equal x bit for bit, and otherwise applies the
 * deferred update to W and recomputes c with the plain mat-vec. The rates are compared when
 * the network says a segment began (source_may_have_changed) or when they come from another
 * address; in between, the latched rates cannot change, and comparing 784 values at every
 * evaluation cost 10% of the held path.
 *
 * A continuous outer-product rule steps W_eff += s e x^T (Sacramento et al. 2018, eq. 7-8, by
 * operator splitting, docs/equations.md W1 with tau_w = 0). Along the held x this is, exactly
 * in real arithmetic,
 *   c' = gain (W_eff + s e x^T) x = c + gain s (x . x) e,    pending' = pending + s e,
 * O(n_target) instead of the O(n_target n_source) update and the O(n_target n_source) mat-vec
 * at every later step. For a sparse projection x . x is the sum over row i's synapses,
 * q_i = sum_{j in row i} x_j^2. The deferred W += pending x^T is applied once, when anything
 * reads or writes the weights (weights(), dense_weights(), for_each_synapse, a sign clamp) or
 * when the source rates change. The results differ from the step-by-step path by rounding only
 * (sums taken in another order; tests/circuits/test_held_products.cpp bounds the difference).
 */
#include <algorithm>

#include "circuits/projection.hpp"

namespace cortexsim {

void projection::hold_products(bool on) {
    flush();
    held_ = held_product{};
    held_.on = on && !desc_.nudging;
    if (!held_.on) return;
    // Sized here, so the right-hand side never allocates.
    held_.x.setZero(static_cast<Eigen::Index>(n_source_));
    held_.c.setZero(static_cast<Eigen::Index>(n_target_));
    held_.q.setZero(static_cast<Eigen::Index>(n_target_));
    held_.pending.setZero(static_cast<Eigen::Index>(n_target_));
}

void projection::accumulate_held(const double* r_source, double* out) const {
    held_product& h = held_;
    if (h.check || r_source != h.source) {
        // A new segment (or another vector): the held product stays if the rates are the same.
        if (!std::equal(r_source, r_source + n_source_, h.x.data())) h.valid = false;
        h.check = false;
        h.source = r_source;
    }
    if (!(h.valid && h.gain == gain_)) {
        flush();  // the deferred update belongs to the previous x
        std::copy(r_source, r_source + n_source_, h.x.data());
        h.c.setZero();
        product(h.x.data(), h.c.data());
        h.gain = gain_;
        h.valid = true;
        ++h.computed;
        h.q_valid = false;
    }
    for (std::size_t i = 0; i < n_target_; ++i) out[i] += h.c[static_cast<Eigen::Index>(i)];
}

void projection::add_rank_one(double scale, const Eigen::Ref<const Eigen::VectorXd>& post,
                              const Eigen::Ref<const Eigen::VectorXd>& pre) {
    if (post.size() != static_cast<Eigen::Index>(n_target_) ||
        pre.size() != static_cast<Eigen::Index>(n_source_))
        throw std::invalid_argument("add_rank_one: shape mismatch for projection '" + desc_.name + "'");
    held_product& h = held_;
    if (h.on && h.valid && std::equal(pre.data(), pre.data() + pre.size(), h.x.data())) {
        if (!h.q_valid) {
            if (dense_) {
                h.q.setConstant(h.x.squaredNorm());
            } else {
                for (Eigen::Index i = 0; i < w_sparse_.outerSize(); ++i) {
                    double s = 0.0;
                    for (sparse_matrix::InnerIterator it(w_sparse_, i); it; ++it)
                        s += h.x[it.col()] * h.x[it.col()];
                    h.q[i] = s;
                }
            }
            h.q_valid = true;
        }
        if (!h.has_pending) h.pending.setZero();
        h.has_pending = true;
        h.pending += scale * post;
        h.c += (h.gain * scale) * post.cwiseProduct(h.q);
        return;
    }
    before_write();
    if (dense_) {
        w_dense_.noalias() += scale * post * pre.transpose();
        return;
    }
    for (Eigen::Index i = 0; i < w_sparse_.outerSize(); ++i)
        for (sparse_matrix::InnerIterator it(w_sparse_, i); it; ++it)
            it.valueRef() += scale * post[i] * pre[it.col()];
}

void projection::scale_weights(double f) {
    flush();
    if (dense_) w_dense_ *= f;
    else w_sparse_ *= f;
    // c = gain W x scales with W; the q and x it was computed from do not change.
    if (held_.valid) held_.c *= f;
}

void projection::flush() const {
    held_product& h = held_;
    if (!h.has_pending) return;
    h.has_pending = false;
    if (dense_) {
        // Column by column, W(:, j) += x_j p: a plain loop the compiler vectorises (Eigen's
        // outer-product kernel took about 4 instructions per weight here).
        const Eigen::Index rows = w_dense_.rows();
        const double* __restrict p = h.pending.data();
        for (Eigen::Index j = 0; j < w_dense_.cols(); ++j) {
            double* __restrict w = w_dense_.data() + j * rows;
            const double xj = h.x[j];
            for (Eigen::Index i = 0; i < rows; ++i) w[i] += p[i] * xj;
        }
        return;
    }
    for (Eigen::Index i = 0; i < w_sparse_.outerSize(); ++i)
        for (sparse_matrix::InnerIterator it(w_sparse_, i); it; ++it)
            it.valueRef() += h.pending[i] * h.x[it.col()];
}

void projection::before_write() {
    flush();
    held_.valid = false;
}

} // namespace cortexsim
