#pragma once
/// Teacher-student regression (Sacramento et al. 2018, Sec. 3, Fig. 2): a fixed random teacher
/// network of the same kind maps input rates to target potentials; a student microcircuit is
/// nudged towards them and learns with local rules only. The teacher is realisable by the
/// student: it uses the student's own forward equations at their free steady state,
///   u_target = k2 W2 phi(k1 W1 x),  k = the dendritic prediction factors of the student's layers,
/// with a narrower hidden layer (20 vs the student's 50 in the paper).

#include <cstdint>
#include <vector>

#include "circuits/tasks/pattern_driver.hpp"

namespace cortexsim {

struct teacher_student_options {
    std::size_t n_hidden_teacher = 20;
    double teacher_w1_scale = 5.0;   ///< teacher weights uniform(-scale, scale); these put the
    double teacher_w2_scale = 2.0;   ///< teacher's logistic hidden layer in its working range
    std::size_t n_train = 1000;      ///< training patterns (inputs uniform on [0, 1))
    std::size_t n_test = 50;
    std::size_t eval_every = 100;    ///< test-set evaluation every this many training patterns
    double present_ms = 30.0;
    std::uint64_t seed = 1;
};

struct learning_curve {
    std::vector<std::size_t> trained;  ///< patterns seen at each evaluation
    std::vector<double> test_mse;      ///< mean squared error of the output potential
};

class teacher_student_task {
public:
    /// `hidden`, `output`: the student's pyramidal layers (for the teacher's k1, k2 and phi).
    teacher_student_task(const network& student, const std::string& input, const std::string& hidden,
                         const std::string& output, const teacher_student_options& options);
    /// Trains with the driver and evaluates on the held-out test set; the curve's first entry
    /// is the untrained student.
    learning_curve run(pattern_driver& driver);
    /// Trains on training patterns [first, first + count) (clamped to the training set).
    void train(pattern_driver& driver, std::size_t first, std::size_t count);
    /// Test-set MSE without nudging or learning.
    double evaluate(pattern_driver& driver);
    Eigen::VectorXd target(const Eigen::Ref<const Eigen::VectorXd>& x) const;

private:
    teacher_student_options opt_;
    Eigen::MatrixXd w1_, w2_;
    double k1_, k2_;
    transfer_fn phi_;
    Eigen::MatrixXd train_x_, test_x_;  ///< one pattern per column
};

} // namespace cortexsim
