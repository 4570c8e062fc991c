#pragma once
/// The output and the length of a run, estimated before it starts from the lowered model and
/// the task's plan, without building or writing anything (issue 15, "budgets before work").
/// The run session refuses a run whose output would exceed the limit (`--max-output`, by
/// default the free space where the run folder goes) with a located error at the key that
/// makes it large, and `describe` prints the estimate.

#include <string>

#include "circuits/budget.hpp"
#include "circuits/experiments/run_types.hpp"
#include "circuits/experiments/task.hpp"
#include "circuits/lowered_model.hpp"

namespace cortexsim {

/// Bytes a value takes in a CSV file: 17 significant digits, sign, exponent and the comma
/// ("-1.2345678901234567e-05,"); docs/output_files.md says about 20 bytes per value.
constexpr double csv_bytes_per_value = 20.0;

struct run_estimate {
    double run_ms = -1.0;          ///< simulated time at most; < 0: unknown (the task cannot say)
    source_loc run_ms_from;        ///< the key that sets it (duration_ms, task.trials)
    budget_estimate memory;        ///< estimate_memory, a lower bound
    budget_estimate output;        ///< every output file, at most
    double steps = 0.0;            ///< integrator steps, at least (Euler: run_ms / dt_ms)
    double values_per_step = 0.0;  ///< synapses and state variables a right-hand side touches
    /// Rough wall time: steps x values_per_step x wall_ns_per_value.
    double wall_s() const { return steps * values_per_step * wall_ns_per_value * 1e-9; }
    /// Measured: examples/reber_column.toml (74,062 synapses, 540 state variables, Euler)
    /// ran 40,000 steps in 1.2 s, 0.4 ns per value and step, plasticity and recording
    /// included, on the 2-core development machine.
    static constexpr double wall_ns_per_value = 0.4;
};

/// `plan`: the task's plan, or for a plain run {duration_ms}.
run_estimate estimate_run(const model_desc& desc, const lowered_model& m, const task_plan& plan,
                          report_format format, sample_precision precision);

/// Throws model_error when the output exceeds `limit`: at the largest output part's key if the
/// file writes it, else at the key that sets the run's length, naming both.
void check_output(const run_estimate& e, const budget_limit& limit);

/// Lines for `cortexsim describe`: memory, output, length.
std::string describe_estimate(const run_estimate& e, const budget_limit& memory, const budget_limit& output);

} // namespace cortexsim
