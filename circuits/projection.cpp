#include "circuits/projection.hpp"

#include <algorithm>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "circuits/csr_matvec.hpp"
#include "circuits/threads.hpp"
#include "circuits/value_files.hpp"
#include "core/random.hpp"

namespace cortexsim {

namespace {

// Below this many synapses per thread, forking and joining the threads costs more than
// splitting the rows saves (bench_scaling --threads; docs/dev/performance_log.md).
constexpr std::size_t min_synapses_per_thread = 8192;

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

/*
 * k distinct sources out of m allowed ones by a partial Fisher-Yates shuffle, in O(k) time and
 * memory per row (Knuth's Algorithm P stopped after k steps, with the permuted array kept
 * sparse). Step s swaps position s with a uniform position r in [s, m) and takes the value
 * that lands at s. Positions never swapped still hold their initial value, initial(p) = the
 * p-th allowed source, so only displaced values are stored, in a map from position to the
 * value now there. Position s is never read again after step s (later r > s), so it need not
 * be written back. The draws
 * (`below(m - s)`, one per step) and the chosen sources are exactly those of the dense shuffle
 * over a materialised array of all m allowed sources that this replaces (O(m) per row):
 * seeds keep their networks.
 *
 * The map is an open-addressing hash table (linear probing, power-of-two capacity at least
 * 4k, so at most a quarter full) reused across rows; a row clears only the slots it used.
 */
class sparse_shuffle {
public:
    /// Appends k distinct values of initial(0), ..., initial(m - 1) to out, in the shuffle's
    /// order (k <= m).
    template <class Initial>
    void draw(std::size_t k, std::size_t m, Initial initial, rng& gen, std::vector<std::size_t>& out) {
        reserve(k);
        for (std::size_t s = 0; s < k; ++s) {
            const std::size_t r = s + gen.below(m - s);
            const std::size_t at_s = value_at(s, initial);
            out.push_back(value_at(r, initial));
            if (r != s) store(r, at_s);
        }
        for (const std::size_t slot : used_) keys_[slot] = empty;
        used_.clear();
    }

private:
    static constexpr std::size_t empty = std::numeric_limits<std::size_t>::max();

    void reserve(std::size_t k) {
        std::size_t capacity = 16;
        while (capacity < 4 * k) capacity *= 2;
        if (capacity > keys_.size()) {
            keys_.assign(capacity, empty);
            values_.assign(capacity, 0);
        }
        mask_ = keys_.size() - 1;
    }
    std::size_t slot_of(std::size_t position) const {
        // Fibonacci hashing spreads consecutive positions over the table.
        std::size_t slot = (position * 0x9e3779b97f4a7c15ULL >> 17) & mask_;
        while (keys_[slot] != empty && keys_[slot] != position) slot = (slot + 1) & mask_;
        return slot;
    }
    template <class Initial>
    std::size_t value_at(std::size_t position, Initial initial) const {
        const std::size_t slot = slot_of(position);
        return keys_[slot] == empty ? initial(position) : values_[slot];
    }
    void store(std::size_t position, std::size_t value) {
        const std::size_t slot = slot_of(position);
        if (keys_[slot] == empty) {
            keys_[slot] = position;
            used_.push_back(slot);
        }
        values_[slot] = value;
    }

    std::vector<std::size_t> keys_, values_, used_;
    std::size_t mask_ = 0;
};

/// Sources of target row i, in increasing order; drawn row by row so the result does not
/// depend on anything but the seed, the name and the sizes.
void row_sources(const lowered_projection& d, std::size_t i, std::size_t n_source, bool same,
                 rng& gen, std::vector<std::size_t>& out, sparse_shuffle& shuffle) {
    out.clear();
    const bool no_autapse = same && !d.allow_autapses;
    auto allowed = [&](std::size_t j) { return !(no_autapse && i == j); };
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
        // The p-th allowed source: p itself, shifted past i when autapses are excluded.
        const std::size_t m = no_autapse && i < n_source ? n_source - 1 : n_source;
        auto nth_allowed = [&](std::size_t p) { return no_autapse && p >= i ? p + 1 : p; };
        shuffle.draw(d.indegree, m, nth_allowed, gen, out);
        std::sort(out.begin(), out.end());
        break;
    }
    case connectivity_kind::from_file:
        for (std::size_t j = 0; j < n_source; ++j)
            if (d.file_weights->connected[i * n_source + j]) out.push_back(j);
        break;
    }
}

} // namespace

projection::projection(const lowered_projection& desc, std::size_t n_source, std::size_t n_target,
                       std::uint64_t seed)
    : desc_(desc), n_source_(n_source), n_target_(n_target) {
    rng gen(seed, "projection:" + desc.name);
    const bool same = desc.source == desc.target;
    dense_ = desc.connectivity == connectivity_kind::all_to_all;
    std::vector<std::size_t> sources;
    sparse_shuffle shuffle;
    if (dense_) {
        w_dense_ = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(n_target),
                                         static_cast<Eigen::Index>(n_source));
    } else {
        w_sparse_.resize(static_cast<Eigen::Index>(n_target), static_cast<Eigen::Index>(n_source));
        if (desc.connectivity == connectivity_kind::fixed_indegree)
            w_sparse_.reserve(static_cast<Eigen::Index>(n_target * desc.indegree));
    }
    // Rows come in order and each row's sources sorted, so the compressed-row matrix is filled
    // directly (insertBack), without a triplet list and Eigen's transposed copy.
    for (std::size_t i = 0; i < n_target; ++i) {
        row_sources(desc, i, n_source, same, gen, sources, shuffle);
        if (!dense_) w_sparse_.startVec(static_cast<Eigen::Index>(i));
        for (std::size_t j : sources) {
            const double w = desc.file_weights ? desc.file_weights->values[i * n_source + j]
                                               : draw_weight(desc, gen);
            if (dense_) w_dense_(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = w;
            else w_sparse_.insertBack(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = w;
        }
        synapses_ += sources.size();
    }
    if (!dense_) w_sparse_.finalize();
    if (desc.nudging) g_nudge_ = w_sparse_.diagonal();
}

void projection::accumulate(const double* r_source, double* out) const {
    if (gain_ == 0.0) return;
    if (held_.on) accumulate_held(r_source, out);
    else product(r_source, out);
}

void projection::product(const double* r_source, double* out) const {
    if (dense_) {
        Eigen::Map<const Eigen::VectorXd> r(r_source, static_cast<Eigen::Index>(n_source_));
        Eigen::Map<Eigen::VectorXd> y(out, static_cast<Eigen::Index>(n_target_));
        if (gain_ == 1.0) y.noalias() += w_dense_ * r;
        else y.noalias() += gain_ * (w_dense_ * r);
        return;
    }
    const int threads = worker_threads();
    const bool parallel =
        threads > 1 && static_cast<std::size_t>(w_sparse_.nonZeros()) >=
                           min_synapses_per_thread * static_cast<std::size_t>(threads);
    csr_accumulate(csr_view{n_target_, w_sparse_.outerIndexPtr(), w_sparse_.innerIndexPtr(),
                            w_sparse_.valuePtr()},
                   gain_, r_source, out, parallel);
}

Eigen::MatrixXd& projection::dense_weights() {
    if (!dense_) throw std::logic_error("projection '" + desc_.name + "' is sparse");
    before_write();
    return w_dense_;
}

projection::sparse_matrix& projection::sparse_weights() {
    if (dense_) throw std::logic_error("projection '" + desc_.name + "' is dense");
    before_write();
    return w_sparse_;
}

void projection::enforce_sign() {
    if (desc_.sign == sign_constraint::free) return;
    before_write();
    const bool exc = desc_.sign == sign_constraint::excitatory;
    if (dense_) {
        if (exc) w_dense_ = w_dense_.cwiseMax(0.0);
        else w_dense_ = w_dense_.cwiseMin(0.0);
        return;
    }
    double* v = w_sparse_.valuePtr();
    for (Eigen::Index k = 0; k < w_sparse_.nonZeros(); ++k) v[k] = exc ? std::max(v[k], 0.0) : std::min(v[k], 0.0);
}

void projection::add_outer_product(double scale, const Eigen::VectorXd& post,
                                   const Eigen::VectorXd& pre) {
    if (post.size() != static_cast<Eigen::Index>(n_target_) ||
        pre.size() != static_cast<Eigen::Index>(n_source_))
        throw std::invalid_argument("add_outer_product: shape mismatch for projection '" +
                                    desc_.name + "'");
    before_write();
    if (dense_) {
        w_dense_.noalias() += scale * post * pre.transpose();
        enforce_sign();
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
    // Every weight is replaced: a deferred update is obsolete, not to be applied.
    held_.has_pending = false;
    held_.valid = false;
    if (dense_) {
        w_dense_ = W;
        return;
    }
    // The synapses stay what the connectivity drew; a weight of 0 is still a synapse.
    for (Eigen::Index i = 0; i < w_sparse_.outerSize(); ++i)
        for (sparse_matrix::InnerIterator it(w_sparse_, i); it; ++it) it.valueRef() = W(i, it.col());
}

Eigen::MatrixXd projection::weights() const {
    flush();
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
