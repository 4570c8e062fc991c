#pragma once
/// Budgets before work (issue 15): what a model will need, estimated from its description and
/// lowered numbers without allocating any of it, and the limits it is held to. Lowering checks
/// the memory (circuits/lower_memory.cpp); the run session checks the output size once the
/// task has said how long the run can be (circuits/experiments/run_budget.cpp); `describe`
/// prints both with the run's length in integrator steps.

#include <string>
#include <vector>

#include "core/source_loc.hpp"

namespace cortexsim {

/// One part of an estimate, located at the key that sets its size.
struct budget_part {
    double bytes = 0.0;
    std::string what;   ///< "the state of its 1000 neurons", "record 'hidden': 3e+12 samples ..."
    source_loc where;
};

struct budget_estimate {
    double bytes = 0.0;
    std::vector<budget_part> parts;
    void add(budget_part p) {
        bytes += p.bytes;
        parts.push_back(std::move(p));
    }
    /// The largest part, or null if there are none.
    const budget_part* largest() const;
};

/// Limits a front end passes (`--max-memory`, `--max-output`); 0 means the default.
struct budget_limits {
    /// 0: CORTEXSIM_MEMORY_LIMIT_MB if set, else the memory the machine has available now
    /// (MemAvailable of /proc/meminfo, else its physical memory).
    double memory_bytes = 0.0;
    /// 0: the free space of the file system the run folder goes to (of its nearest existing
    /// parent folder).
    double output_bytes = 0.0;
};

/// A limit in bytes and where it comes from, for messages ("--max-memory 100 MB", "this
/// machine's available memory", ...); bytes <= 0: unknown, nothing is checked.
struct budget_limit {
    double bytes = 0.0;
    std::string what;
};

budget_limit memory_limit(const budget_limits& limits);
budget_limit output_limit(const budget_limits& limits, const std::string& run_dir);

/// "512 kB", "3.2 MB", "44 GB", "209 TB" (decimal units, 3 significant digits).
std::string format_bytes(double bytes);

/// Throws model_error at the largest part when `e` exceeds `limit`: "the model needs at least
/// <total> of <kind>, more than <limit>; the largest part, ..., is <what>" followed by `hint`.
void check_budget(const budget_estimate& e, const budget_limit& limit, const std::string& kind,
                  const std::string& hint);

} // namespace cortexsim
