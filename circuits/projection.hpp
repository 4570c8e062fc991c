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

    /// out[i] += gain * sum_j W(i, j) r[j]
    void accumulate(const double* r_source, double* out) const;
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
    /// g_som per target neuron of a nudging projection (its one-to-one weights).
    const Eigen::VectorXd& nudging_conductances() const { return g_nudge_; }
    /// W(i, j) += scale * post[i] * pre[j] on the existing synapses (absent ones stay absent),
    /// then clamps to the projection's sign (Dale's law): an outer-product rule such as
    /// GeneRec applied at a trial's end, for dense and sparse projections alike.
    void add_outer_product(double scale, const Eigen::VectorXd& post, const Eigen::VectorXd& pre);
    /// Replaces the weights (same shape; dense projections only), e.g. to set a known state.
    void set_weights(const Eigen::MatrixXd& W);

private:
    lowered_projection desc_;
    std::size_t n_source_;
    std::size_t n_target_;
    std::size_t synapses_ = 0;
    bool dense_ = false;
    Eigen::MatrixXd w_dense_;
    sparse_matrix w_sparse_;
    Eigen::VectorXd g_nudge_;
    double gain_ = 1.0;
};

} // namespace cortexsim
