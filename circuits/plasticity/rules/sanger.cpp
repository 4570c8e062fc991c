/*
 * sanger: the generalised Hebbian algorithm (Sanger 1989, Neural Networks 2:459; REFERENCES.md
 * section 4)
 *   dW = eta (y x^T - LT[y y^T] W),   i.e.  dW_ij = eta y_i (x_j - sum_{k <= i} y_k W_kj),
 * LT[.] the lower triangle with the diagonal, x the source's rate, y the target's `post`
 * signal (its rate by default). Row 0 follows Oja's rule; row i learns Oja's rule on the input
 * with the components of rows 0..i-1 subtracted (deflation), so for linear units y = W x on
 * zero-mean inputs the rows converge, in order, to the unit-norm eigenvectors of the input
 * covariance with the largest eigenvalues. Neuron order matters: neuron i is component i.
 *
 * Continuous by default (operator splitting, one explicit step W += eta dt (...) per plasticity
 * interval with the state held fixed), or once at the end of phase `at` with dt = 1. The
 * deflation sums over all earlier rows of every source column, so the rule needs a dense
 * (all_to_all) projection.
 */
#include "circuits/lowered_model.hpp"
#include "circuits/plasticity/learning_rate.hpp"
#include "circuits/plasticity/rule_support.hpp"
#include "circuits/projection.hpp"
#include "core/errors.hpp"
#include "core/param_tree.hpp"

namespace cortexsim {

namespace {

class sanger final : public rate_pair_rule {
public:
    std::unique_ptr<plasticity_rule> clone() const override {
        auto c = std::make_unique<sanger>();
        c->lr = lr;
        c->at = at;
        c->post = post;
        return c;
    }
    void bind_state(rule_binding& b) override {
        const auto n = static_cast<Eigen::Index>(b.target_size());
        lower_.setZero(n, n);
        decay_.resize(n, static_cast<Eigen::Index>(b.source_size()));
    }
    bool update(plasticity_context& c) override {
        const double step = lr.at(c.trial) * c.rate_factor * dt(c);
        if (step == 0.0)
            return false;
        take_values(c);
        Eigen::MatrixXd& W = c.proj().dense_weights();
        lower_.triangularView<Eigen::Lower>() = y_values_ * y_values_.transpose();
        decay_.noalias() = lower_ * W; // LT[y y^T] W, from the weights before the step
        W.noalias() += step * y_values_ * x_values_.transpose();
        W -= step * decay_;
        return true;
    }

private:
    Eigen::MatrixXd lower_, decay_; ///< LT[y y^T] (strict upper part stays 0) and LT[y y^T] W
};

std::unique_ptr<plasticity_rule> make(param_reader& r, const rule_target& t) {
    auto rule = std::make_unique<sanger>();
    rule->read_common(r, t);
    if (!t.dense)
        throw model_error(t.rule_loc,
                          "rule 'sanger' subtracts the earlier outputs' components from "
                          "every source column, so it needs connectivity 'all_to_all'");
    return rule;
}

} // namespace

rule_kind sanger_rule() {
    return {
        "sanger",
        "dW = eta (y x^T - LT[y y^T] W): the leading principal components in order (Sanger 1989)",
        make};
}

} // namespace cortexsim
