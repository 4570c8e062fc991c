#include "circuits/projection.hpp"


#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "circuits/plasticity.hpp"
#include "core/random.hpp"

namespace cortexsim {

namespace {

double draw_weight(const lowered_projection& d, rng& gen) {
    double w = d.distribution == weight_distribution::copy ? 0.0 : d.w_a;  // copies are set later
    if (d.distribution == weight_distribution::uniform) w = gen.uniform(d.w_a, d.w_b);
    else if (d.distribution == weight_distribution::normal) w = d.w_a + d.w_b * gen.normal();
    // Dale's law: a normal draw across the sign boundary is rectified (lowering has rejected
    // constant and uniform weights of the wrong sign).
    if (d.sign == sign_constraint::excitatory) w = std::max(w, 0.0);
    if (d.sign == sign_constraint::inhibitory) w = std::min(w, 0.0);
    return w;
}

/// Sources of target row i, in increasing order; drawn row by row so the result does not
/// depend on anything but the seed, the name and the sizes.
void row_sources(const lowered_projection& d, std::size_t i, std::size_t n_source, bool same,
                 rng& gen, std::vector<std::size_t>& out, std::vector<std::size_t>& scratch) {
    out.clear();
    auto allowed = [&](std::size_t j) { return !(same && !d.allow_autapses && i == j); };
    switch (d.connectivity) {
    case connectivity_kind::all_to_all:
        for (std::size_t j = 0; j < n_source; ++j)
            if (allowed(j)) out.push_back(j);
        break;
    case connectivity_kind::one_to_one:
        out.push_back(i);
        break;
    case connectivity_kind::fixed_probability:
        for (std::size_t j = 0; j < n_source; ++j)
            if (gen.uniform() < d.probability && allowed(j)) out.push_back(j);
        break;
    case connectivity_kind::fixed_indegree: {
        // Partial Fisher-Yates over the allowed sources: k distinct draws without replacement.
        scratch.clear();
        for (std::size_t j = 0; j < n_source; ++j)
            if (allowed(j)) scratch.push_back(j);
        for (std::size_t k = 0; k < d.indegree; ++k) {
            const std::size_t r = k + gen.below(scratch.size() - k);
            std::swap(scratch[k], scratch[r]);
            out.push_back(scratch[k]);
        }
        std::sort(out.begin(), out.end());
        break;
    }
    }
}

} // namespace

projection::projection(const lowered_projection& desc, std::size_t n_source, std::size_t n_target,
                       std::uint64_t seed)
    : desc_(desc), n_source_(n_source), n_target_(n_target) {
    rng gen(seed, "projection:" + desc.name);
    const bool same = desc.source == desc.target;
    dense_ = desc.connectivity == connectivity_kind::all_to_all;
    std::vector<std::size_t> sources, scratch;
    if (dense_) {
        w_dense_ = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(n_target),
                                         static_cast<Eigen::Index>(n_source));
    }
    std::vector<Eigen::Triplet<double>> triplets;
    for (std::size_t i = 0; i < n_target; ++i) {
        row_sources(desc, i, n_source, same, gen, sources, scratch);
        for (std::size_t j : sources) {
            const double w = draw_weight(desc, gen);
            if (dense_) w_dense_(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = w;
            else triplets.emplace_back(static_cast<int>(i), static_cast<int>(j), w);
        }
        synapses_ += sources.size();
    }
    if (!dense_) {
        w_sparse_.resize(static_cast<Eigen::Index>(n_target), static_cast<Eigen::Index>(n_source));
        w_sparse_.setFromTriplets(triplets.begin(), triplets.end());
        w_sparse_.makeCompressed();
    }
    if (desc.nudging) g_nudge_ = Eigen::MatrixXd(w_sparse_).diagonal();
}

void projection::accumulate(const double* r_source, double* out) const {
    Eigen::Map<const Eigen::VectorXd> r(r_source, static_cast<Eigen::Index>(n_source_));
    Eigen::Map<Eigen::VectorXd> y(out, static_cast<Eigen::Index>(n_target_));
    if (gain_ == 0.0) return;
    if (gain_ == 1.0) {
        if (dense_) y.noalias() += w_dense_ * r;
        else y.noalias() += w_sparse_ * r;
    } else {
        if (dense_) y.noalias() += gain_ * (w_dense_ * r);
        else y.noalias() += gain_ * (w_sparse_ * r);
    }
}

Eigen::MatrixXd& projection::dense_weights() {
    if (!dense_) throw std::logic_error("projection '" + desc_.name + "' is sparse");
    return w_dense_;
}

void projection::add_outer_product(double scale, const Eigen::VectorXd& post,
                                   const Eigen::VectorXd& pre) {
    if (post.size() != static_cast<Eigen::Index>(n_target_) ||
        pre.size() != static_cast<Eigen::Index>(n_source_))
        throw std::invalid_argument("add_outer_product: shape mismatch for projection '" +
                                    desc_.name + "'");
    if (dense_) {
        w_dense_.noalias() += scale * post * pre.transpose();
        enforce_sign(desc_.sign, w_dense_);
        return;
    }
    for (Eigen::Index i = 0; i < w_sparse_.outerSize(); ++i)
        for (sparse_matrix::InnerIterator it(w_sparse_, i); it; ++it) {
            double& w = it.valueRef();
            w += scale * post[i] * pre[it.col()];
            if (desc_.sign == sign_constraint::excitatory) w = std::max(w, 0.0);
            else if (desc_.sign == sign_constraint::inhibitory) w = std::min(w, 0.0);
        }
}

void projection::set_weights(const Eigen::MatrixXd& W) {
    if (W.rows() != static_cast<Eigen::Index>(n_target_) || W.cols() != static_cast<Eigen::Index>(n_source_))
        throw std::invalid_argument("set_weights: shape mismatch for projection '" + desc_.name + "'");
    if (dense_) w_dense_ = W;
    else w_sparse_ = W.sparseView();
}

Eigen::MatrixXd projection::weights() const {
    if (dense_) return w_dense_;
    return Eigen::MatrixXd(w_sparse_);
}

std::vector<std::uint8_t> projection::connection_mask() const {
    std::vector<std::uint8_t> mask(n_target_ * n_source_, dense_ ? 1 : 0);
    if (dense_) return mask;
    // The sparse structure keeps every drawn synapse, zero weights included.
    for (Eigen::Index i = 0; i < w_sparse_.outerSize(); ++i)
        for (sparse_matrix::InnerIterator it(w_sparse_, i); it; ++it)
            mask[static_cast<std::size_t>(it.row()) * n_source_ + static_cast<std::size_t>(it.col())] = 1;
    return mask;
}

} // namespace cortexsim
