#pragma once
/// The pattern tasks (classification, teacher_student) on a model with a trial protocol: each
/// pattern is one trial (pattern_driver::use_protocol). Two-phase rules (GeneRec, feedback
/// alignment, equilibrium propagation) need this: their update compares the free phase with
/// the phase in which the output is nudged. The task adds the nudging input "target" on its
/// output, which the nudged phases list in their `inputs`, and reads the output at the end of
/// `readout_phase` (default: the first phase), which must not nudge it.

#include <cstddef>

#include "circuits/experiments/task.hpp"
#include "circuits/tasks/pattern_driver.hpp"

namespace cortexsim {

class param_reader;

struct pattern_protocol {
    bool phased = false;
    std::size_t target_input = 0, readout_phase = 0;

    /// Reads `readout_phase` and adds the input "target" (nudging with `g_som`) when `net` has
    /// phases; rejects `present_ms` there (the phases set the time) and `readout_phase` without
    /// them. Call it before reading `present_ms`.
    static pattern_protocol read(param_reader& r, network& net, std::size_t output, double g_som);
    /// Switches `driver` to trials when phased (the session's trial runner).
    void attach(pattern_driver& driver, task_run& run) const;
    /// Model time of one pattern: `present_ms`, or one trial.
    double pattern_ms(const network& net, double present_ms) const;
};

} // namespace cortexsim
