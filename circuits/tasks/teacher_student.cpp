#include "circuits/tasks/teacher_student.hpp"

#include "core/random.hpp"

namespace cortexsim {

namespace {
Eigen::MatrixXd uniform(Eigen::Index rows, Eigen::Index cols, double low, double high, rng& gen) {
    Eigen::MatrixXd m(rows, cols);
    for (Eigen::Index j = 0; j < cols; ++j)
        for (Eigen::Index i = 0; i < rows; ++i) m(i, j) = gen.uniform(low, high);
    return m;
}
} // namespace

teacher_student_task::teacher_student_task(const network& student, const std::string& input,
                                           const std::string& hidden, const std::string& output,
                                           const teacher_student_options& o)
    : opt_(o) {
    const std::size_t in = student.population_index(input), hid = student.population_index(hidden),
                      out = student.population_index(output);
    const auto n_in = static_cast<Eigen::Index>(student.model().populations[in].size);
    const auto n_out = static_cast<Eigen::Index>(student.model().populations[out].size);
    const auto n_hid = static_cast<Eigen::Index>(o.n_hidden_teacher);
    k1_ = student.prediction_factor(hid, 0);  // slot 0: basal
    k2_ = student.prediction_factor(out, 0);
    phi_ = student.model().populations[hid].transfer;
    rng gen(o.seed, "teacher_student");
    w1_ = uniform(n_hid, n_in, -o.teacher_w1_scale, o.teacher_w1_scale, gen);
    w2_ = uniform(n_out, n_hid, -o.teacher_w2_scale, o.teacher_w2_scale, gen);
    train_x_ = uniform(n_in, static_cast<Eigen::Index>(o.n_train), 0.0, 1.0, gen);
    test_x_ = uniform(n_in, static_cast<Eigen::Index>(o.n_test), 0.0, 1.0, gen);
}

Eigen::VectorXd teacher_student_task::target(const Eigen::Ref<const Eigen::VectorXd>& x) const {
    Eigen::VectorXd h = k1_ * (w1_ * x);
    for (Eigen::Index i = 0; i < h.size(); ++i) h[i] = phi_(h[i]);
    return k2_ * (w2_ * h);
}

double teacher_student_task::evaluate(pattern_driver& driver) {
    double sum = 0.0;
    for (Eigen::Index j = 0; j < test_x_.cols(); ++j) {
        const auto out = driver.present(test_x_.col(j), nullptr, opt_.present_ms, false);
        sum += (out.u - target(test_x_.col(j))).squaredNorm() / static_cast<double>(out.u.size());
    }
    return sum / static_cast<double>(test_x_.cols());
}

void teacher_student_task::train(pattern_driver& driver, std::size_t first, std::size_t count) {
    const auto end = std::min<Eigen::Index>(static_cast<Eigen::Index>(first + count), train_x_.cols());
    for (auto j = static_cast<Eigen::Index>(first); j < end; ++j) {
        const Eigen::VectorXd t = target(train_x_.col(j));
        driver.present(train_x_.col(j), t.data(), opt_.present_ms, true);
    }
}

learning_curve teacher_student_task::run(pattern_driver& driver) {
    learning_curve curve;
    curve.trained.push_back(0);
    curve.test_mse.push_back(evaluate(driver));
    for (Eigen::Index j = 0; j < train_x_.cols(); ++j) {
        const Eigen::VectorXd t = target(train_x_.col(j));
        driver.present(train_x_.col(j), t.data(), opt_.present_ms, true);
        const auto seen = static_cast<std::size_t>(j + 1);
        if (seen % opt_.eval_every == 0 || seen == opt_.n_train) {
            curve.trained.push_back(seen);
            curve.test_mse.push_back(evaluate(driver));
        }
    }
    return curve;
}

} // namespace cortexsim
