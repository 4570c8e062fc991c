#pragma once
/// The `[task]` section resolved against a built network: kind, the populations it drives and
/// its settings with defaults, each checked (names, ranges) with errors at the TOML position.

#include <string>

#include "circuits/network.hpp"
#include "circuits/tasks/sequence_prediction.hpp"
#include "circuits/tasks/sequence_training.hpp"
#include "circuits/tasks/teacher_student.hpp"
#include "core/model_desc.hpp"

namespace cortexsim {

enum class task_kind { none, teacher_student, sequence };

struct lowered_task {
    task_kind kind = task_kind::none;
    std::string input, hidden, output;
    double g_som = 0.8;  ///< nudging strength of the teacher on the output
    teacher_student_options teacher_student;
    // kind sequence: a [[column]] learning a symbol stream (circuits/tasks/sequence_*)
    std::string column, sequence, cycle;
    sequence_task_options sequence_task;
    sequence_training_options training;
    /// The stream the task's settings describe, seeded from the simulation seed.
    sequence_source make_source() const;
    std::uint64_t seed = 1;  ///< the simulation seed (streams of the task)
};

/// Throws model_error for an unknown kind, population or setting, or a value out of range.
lowered_task lower_task(const task_desc& desc, const network& net);

/// `desc` with every setting of its kind filled in (for the resolved model).
task_desc fill_task_defaults(const task_desc& desc);

} // namespace cortexsim
