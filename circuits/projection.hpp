#pragma once
/// A projection's runtime: its weight matrix (target x source), dense for all-to-all learning
/// layers and compressed-row sparse for random connectivity, and the mat-vec that turns the
/// source population's rates into the input of one target compartment.

#include <cstdint>
#include <vector>

#include <Eigen/Dense>
#include <Eigen/Sparse>

#include "circuits/lowered_model.hpp"

namespace cortexsim {

class projection {
public:
    using sparse_matrix = Eigen::SparseMatrix<double, Eigen::RowMajor>;

    /// Draws connectivity and weights from the stream (seed, projection name), so every
    /// projection's weights depend only on the seed and its own name.
    projection(const lowered_projection& desc, std::size_t n_source, std::size_t n_target,
               std::uint64_t seed);

    /// out[i] += gain * sum_j W(i, j) r[j]. With held products (hold_products), the product is
    /// reused while the weights, the gain and the source rates are unchanged (the rates are
    /// compared bit for bit after source_may_have_changed() or when given at another address).
    void accumulate(const double* r_source, double* out) const;
    /// Held products, for a projection whose source rates stay constant within a segment (an
    /// unfiltered input population, whose rates are latched when a segment begins). Instead of
    /// a mat-vec per right-hand side, c = gain W x is computed once per segment (and after any
    /// write to the weights) and added; an outer-product step along x (add_rank_one with
    /// pre = x) updates c by rank one and is deferred: W += p x^T once, at the next access to
    /// the weights or when x changes (projection_held.cpp; docs/performance.md, "Held input
    /// products"). Exact up to rounding; off by default (network enables it from
    /// [solver] hold_input_products).
    void hold_products(bool on);
    /// The source rates may differ at the next accumulate(): compare them with the held ones
    /// then. Between such calls a held projection trusts that the rates at the pointer it was
    /// last given are unchanged (the network calls this when a segment begins; any other
    /// pointer is compared anyway).
    void source_may_have_changed() { held_.check = true; }
    bool holds_products() const { return held_.on; }
    /// Full mat-vecs a held projection has computed (for tests and benchmarks: with a
    /// constant input, one per segment and per outside write to the weights).
    std::size_t held_products_computed() const { return held_.computed; }
    /// W(i, j) += scale * post[i] * pre[j] on the existing synapses, without a sign clamp: one
    /// operator-split step of a continuous outer-product rule (rule_support.hpp). With held
    /// products and `pre` equal to the held source rates it costs O(n_target) (above).
    void add_rank_one(double scale, const Eigen::Ref<const Eigen::VectorXd>& post,
                      const Eigen::Ref<const Eigen::VectorXd>& pre);
    /// Gates the projection (0 switches it off): a task's phase can silence a pathway, as
    /// layer 5's drive of the pulvinar is limited to the outcome phase (O'Reilly et al. 2021).
    void set_gain(double g) { gain_ = g; }
    double gain() const { return gain_; }

    const lowered_projection& desc() const { return desc_; }
    std::size_t synapse_count() const { return synapses_; }
    bool is_dense() const { return dense_; }
    std::size_t source_size() const { return n_source_; }
    std::size_t target_size() const { return n_target_; }
    /// A dense copy (absent synapses are 0), for inspection and tests.
    Eigen::MatrixXd weights() const;
    /// 1 where target i has a synapse from source j (row-major, target x source); tells a
    /// synapse of weight 0 from an absent one in weights().
    std::vector<std::uint8_t> connection_mask() const;
    /// The dense weight matrix, for plasticity (all_to_all projections only).
    Eigen::MatrixXd& dense_weights();
    /// The compressed-row weights (sparse projections only); rules change values, never the
    /// structure.
    sparse_matrix& sparse_weights();
    /// Calls f(i, j, w, s) for every synapse: target i, source j, its weight (writable) and
    /// its index s in [0, synapse_count()), stable for the projection's lifetime (dense:
    /// column-major storage index; sparse: compressed-row index), so rules can keep
    /// per-synapse state in a flat array.
    template <class F> void for_each_synapse(F&& f);
    /// Clamps the weights to the projection's sign (Dale's law).
    void enforce_sign();
    /// g_som per target neuron of a nudging projection (its one-to-one weights).
    const Eigen::VectorXd& nudging_conductances() const { return g_nudge_; }
    /// W(i, j) += scale * post[i] * pre[j] on the existing synapses (absent ones stay absent),
    /// then clamps to the projection's sign (Dale's law): an outer-product rule such as
    /// GeneRec applied at a trial's end, for dense and sparse projections alike.
    void add_outer_product(double scale, const Eigen::VectorXd& post, const Eigen::VectorXd& pre);
    /// W *= f on the existing synapses, without a sign clamp (f > 0 keeps every sign): the
    /// decay step of a rule's weight decay. A held product stays valid (it scales with W).
    void scale_weights(double f);
    /// Replaces the weights (same shape), e.g. to set a known state. A sparse projection keeps
    /// its synapses and takes the entries of W at them (W is 0 elsewhere for it).
    void set_weights(const Eigen::MatrixXd& W);

    /// Checkpoints (projection_state.cpp): the weights as stored, the gain and a held
    /// product with its deferred update, under `prefix` ("proj/<k>/"). Nothing is flushed
    /// or recomputed on either side, so the resumed run adds the same bits.
    void save_state(class state_writer& w, const std::string& prefix) const;
    void restore_state(const class state_reader& r, const std::string& prefix);

private:
    /// The held product of a constant source (projection_held.cpp).
    struct held_product {
        bool on = false;
        bool valid = false;         ///< c belongs to x, gain and the weights
        double gain = 1.0;
        Eigen::VectorXd x;          ///< source rates c was computed from
        Eigen::VectorXd c;          ///< gain W x: what accumulate() adds
        Eigen::VectorXd q;          ///< per row, sum of x_j^2 over its synapses (x.x if dense)
        bool q_valid = false;
        Eigen::VectorXd pending;    ///< deferred update: W += pending x^T
        bool has_pending = false;
        std::size_t computed = 0;   ///< full mat-vecs so far
        bool check = true;          ///< compare the source rates at the next accumulate()
        const double* source = nullptr;  ///< where the held rates were read
    };
    /// out[i] += gain * sum_j W(i, j) r[j], the plain mat-vec.
    void product(const double* r_source, double* out) const;
    void accumulate_held(const double* r_source, double* out) const;
    /// Applies the deferred update to the weights (the weights they stand for do not change).
    void flush() const;
    /// Before the weights are written from outside: flush, and the held product is stale.
    void before_write();

    lowered_projection desc_;
    std::size_t n_source_;
    std::size_t n_target_;
    std::size_t synapses_ = 0;
    bool dense_ = false;
    // Mutable: a held product's deferred update is applied when the weights are read
    // (logically const: the weights they represent are the same before and after).
    mutable Eigen::MatrixXd w_dense_;
    mutable sparse_matrix w_sparse_;
    Eigen::VectorXd g_nudge_;
    double gain_ = 1.0;
    mutable held_product held_;
};

template <class F> void projection::for_each_synapse(F&& f) {
    before_write();
    if (dense_) {
        const Eigen::Index rows = w_dense_.rows();
        for (Eigen::Index j = 0; j < w_dense_.cols(); ++j)
            for (Eigen::Index i = 0; i < rows; ++i)
                f(static_cast<std::size_t>(i), static_cast<std::size_t>(j), w_dense_(i, j),
                  static_cast<std::size_t>(j * rows + i));
        return;
    }
    std::size_t s = 0;
    for (Eigen::Index i = 0; i < w_sparse_.outerSize(); ++i)
        for (sparse_matrix::InnerIterator it(w_sparse_, i); it; ++it, ++s)
            f(static_cast<std::size_t>(i), static_cast<std::size_t>(it.col()), it.valueRef(), s);
}

} // namespace cortexsim
