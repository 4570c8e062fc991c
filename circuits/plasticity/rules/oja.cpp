/*
 * oja: Oja's normalised Hebbian rule (Oja 1982, J. Math. Biol. 15:267; REFERENCES.md section 4)
 *   dW = eta (y x^T - diag(y^2) W),   i.e.  dW_ij = eta y_i (x_j - y_i W_ij),
 * x the source's rate, y the target's `post` signal (its rate by default; "v_basal", "u_soma",
 * ... name another). For a linear unit y = w.x driven by zero-mean inputs of covariance C, the
 * stable fixed point is the unit-norm eigenvector of C with the largest eigenvalue: the Hebbian
 * term y x grows w along the first principal component and the decay y^2 w holds |w| at 1
 * (at a fixed point C w = (w^T C w) w).
 *
 * Continuous by default (operator splitting): every plasticity interval dt the state is held
 * fixed and the rule takes one explicit step, W += eta dt (y x^T - diag(y^2) W). With
 * `at = "<phase>"` it acts once at the end of that phase from the values there, with dt = 1:
 * the textbook discrete update, eta per update. Dense and sparse projections alike (absent
 * synapses stay absent).
 */
#include "circuits/lowered_model.hpp"
#include "circuits/plasticity/learning_rate.hpp"
#include "circuits/plasticity/rule_support.hpp"
#include "circuits/projection.hpp"
#include "core/param_tree.hpp"

namespace cortexsim {

namespace {

class oja final : public rate_pair_rule {
public:
    std::unique_ptr<plasticity_rule> clone() const override {
        auto c = std::make_unique<oja>();
        c->lr = lr;
        c->at = at;
        c->post = post;
        return c;
    }
    bool update(plasticity_context& c) override {
        const double step = lr.at(c.trial) * c.rate_factor * dt(c);
        if (step == 0.0)
            return false;
        take_values(c);
        projection& p = c.proj();
        if (p.is_dense()) {
            Eigen::MatrixXd& W = p.dense_weights();
            // W <- W + step (y x^T - diag(y^2) W): scale row i by 1 - step y_i^2, then add the
            // Hebbian outer product.
            W.array().colwise() *= 1.0 - step * y_values_.array().square();
            W.noalias() += step * y_values_ * x_values_.transpose();
            return true;
        }
        p.for_each_synapse([&](std::size_t i, std::size_t j, double& w, std::size_t) {
            const double y = y_values_[static_cast<Eigen::Index>(i)];
            w += step * y * (x_values_[static_cast<Eigen::Index>(j)] - y * w);
        });
        return true;
    }
};

std::unique_ptr<plasticity_rule> make(param_reader& r, const rule_target& t) {
    auto rule = std::make_unique<oja>();
    rule->read_common(r, t);
    return rule;
}

} // namespace

rule_kind oja_rule() {
    return {"oja", "dW = eta (y x^T - diag(y^2) W): the first principal component (Oja 1982)",
            make};
}

} // namespace cortexsim
