#include "circuits/experiments/run_budget.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "circuits/value_files.hpp"
#include "core/errors.hpp"

namespace cortexsim {

/*
 * The output estimate counts every file a run writes, from numbers lowering has fixed:
 *   - a [[record]] every interval_ms: (length / interval_ms + 1) rows of its values; at a
 *     phase end: one row per `every_trials` trials;
 *   - error_summary.csv: length / summary_interval_ms + 1 rows of two columns per error
 *     signal (error_summary.cpp's signals);
 *   - weight records: snapshots of every synapse, or five statistics;
 *   - the task's own tables (task::plan).
 * Each value costs csv_bytes_per_value in a CSV file and 4 or 8 bytes in report.h5, per the
 * format; report.h5 rounds each data set up to whole 256-row chunks and adds about 4 KiB. HDF5 metadata, the resolved model and the summary are small and left out. The
 * length is the task's plan or duration_ms; when the task cannot say, the samples over time
 * are not counted (the estimate says so).
 */

namespace {

std::string count_text(double n) {
    char buf[64];
    std::snprintf(buf, sizeof buf, n < 1e7 ? "%.0f" : "%.3g", n);
    return buf;
}

/// "0.3 s", "12 min", "4.2 h", "44 days", "3e+04 years".
std::string format_duration(double s) {
    char buf[64];
    if (s < 60.0) std::snprintf(buf, sizeof buf, "%.2g s", s);
    else if (s < 3600.0) std::snprintf(buf, sizeof buf, "%.2g min", s / 60.0);
    else if (s < 86400.0) std::snprintf(buf, sizeof buf, "%.2g h", s / 3600.0);
    else if (s < 3.15e7 * 10) std::snprintf(buf, sizeof buf, "%.3g days", s / 86400.0);
    else std::snprintf(buf, sizeof buf, "%.3g years", s / 3.156e7);
    return buf;
}

/// Samples of a sampler every `interval` in [start, min(stop, length)].
double samples(double length_ms, double interval_ms, double start_ms = 0.0,
               double stop_ms = std::numeric_limits<double>::infinity()) {
    const double end = std::min(length_ms, stop_ms);
    if (end < start_ms) return 0.0;
    return std::floor((end - start_ms) / interval_ms) + 1.0;
}

} // namespace

run_estimate estimate_run(const model_desc& desc, const lowered_model& m, const task_plan& plan,
                          report_format format, sample_precision precision) {
    run_estimate e;
    e.run_ms = plan.run_ms;
    e.run_ms_from = plan.where;
    e.memory = estimate_memory(desc, m);
    const bool csv = format != report_format::hdf5, h5 = format != report_format::csv;
    const double h5_value = precision == sample_precision::float64 ? 8.0 : 4.0;
    // report.h5 stores whole 256-row chunks and about 4 KiB of header and chunk index per
    // data set: small runs are mostly that.
    auto whole_chunks = [](double rows) { return std::ceil(rows / 256.0) * 256.0; };
    constexpr double h5_per_set = 4096.0;
    // A series of `rows` rows of `values` values (and its time column in the CSV).
    auto series_bytes = [&](double rows, double values) {
        return (csv ? rows * (values + 1.0) * csv_bytes_per_value : 0.0) +
               (h5 ? whole_chunks(rows) * values * h5_value + h5_per_set : 0.0);
    };
    // A table of `columns` columns, each a float64 data set in report.h5.
    auto table_bytes = [&](double rows, double columns) {
        return (csv ? rows * columns * csv_bytes_per_value : 0.0) +
               (h5 ? columns * (whole_chunks(rows) * 8.0 + h5_per_set) : 0.0);
    };
    double trial_ms = 0.0;
    for (const auto& ph : m.phases) trial_ms += ph.duration_ms;
    const double trials = plan.trials > 0.0 ? plan.trials
                          : (trial_ms > 0.0 && e.run_ms > 0.0) ? std::floor(e.run_ms / trial_ms) : 0.0;
    if (e.run_ms >= 0.0) {
        for (const lowered_record& r : m.records) {
            const double rows = r.at_phase >= 0 ? std::ceil(trials / static_cast<double>(r.every_trials))
                                                : samples(e.run_ms, r.interval_ms, r.start_ms, r.stop_ms);
            const double values = static_cast<double>(r.variables.size() * r.neurons.size());
            e.output.add({series_bytes(rows, values),
                          "record '" + r.name + "': " + count_text(rows) + " samples of " + count_text(values) +
                              " values" + (r.at_phase >= 0 ? " (one per trial)" : " every " + format_value(r.interval_ms) + " ms"),
                          r.where});
        }
        for (const lowered_modulator_record& r : m.modulator_records) {
            const double rows = r.at_phase >= 0 ? trials : samples(e.run_ms, r.interval_ms);
            e.output.add({table_bytes(rows, 2.0), "record '" + r.name + "': " + count_text(rows) + " samples", r.where});
        }
        for (const lowered_weight_record& r : m.weight_records) {
            const lowered_projection& p = m.projections[r.projection];
            const double synapses = static_cast<double>(m.populations[p.target].size) *
                                    static_cast<double>(m.populations[p.source].size);
            const double rows = samples(e.run_ms, r.interval_ms, r.start_ms, r.stop_ms);
            const double values = r.kind == weight_record_kind::stats ? 6.0 : synapses;
            e.output.add({series_bytes(rows, values),
                          "weight record '" + r.name + "': " + count_text(rows) + " snapshots of " + count_text(values) +
                              " values every " + format_value(r.interval_ms) + " ms",
                          r.where});
        }
        double signals = 0.0;
        for (const lowered_population& p : m.populations) {
            if (p.model->kind == neuron_kind::pyramidal) signals += p.params.dend[1].g_couple > 0.0 ? 2.0 : 1.0;
            else if (p.model->kind == neuron_kind::interneuron || p.model->kind == neuron_kind::relay) signals += 1.0;
        }
        if (signals > 0.0) {
            const double rows = samples(e.run_ms, m.summary_interval_ms);
            const source_loc& at = desc.simulation.summary_interval_ms.loc;
            e.output.add({table_bytes(rows, 2.0 * signals + 1.0),
                          "error_summary.csv: " + count_text(rows) + " rows every " + format_value(m.summary_interval_ms) +
                              " ms",
                          !at.defaulted && !at.path.empty() ? at : e.run_ms_from});
        }
        // Integrator steps: Euler's fixed ones, else at least one per stop of the clock.
        double stop_ms = m.summary_interval_ms;
        for (const lowered_record& r : m.records)
            if (r.at_phase < 0) stop_ms = std::min(stop_ms, r.interval_ms);
        if (trial_ms > 0.0)
            for (const auto& ph : m.phases) stop_ms = std::min(stop_ms, ph.duration_ms);
        e.steps = e.run_ms / stop_ms;
        if (!m.solver.automatic &&
            (m.solver.kind == ode::solver_kind::euler || m.solver.kind == ode::solver_kind::exp_euler))
            e.steps = std::max(e.steps, e.run_ms / m.solver.dt_ms);
        // What one right-hand side touches: every state variable and every synapse.
        for (const lowered_population& p : m.populations)
            e.values_per_step += static_cast<double>(p.size) * (1.0 + static_cast<double>(p.params.n_dendrites));
        for (const lowered_projection& p : m.projections)
            e.values_per_step += expected_synapses(p, m.populations[p.target].size, m.populations[p.source].size);
    }
    if (plan.table_bytes > 0.0) e.output.add({plan.table_bytes, "the task's tables", plan.where});
    return e;
}

void check_output(const run_estimate& e, const budget_limit& limit) {
    const budget_part* largest = e.output.largest();
    if (!largest || limit.bytes <= 0.0 || e.output.bytes <= limit.bytes) return;
    // Located where the model gives the cause (the file or --set); a defaulted interval
    // points at the key that sets the run's length.
    const bool given = !largest->where.defaulted && !largest->where.path.empty();
    const source_loc at = given ? largest->where : e.run_ms_from;
    std::string because = "over " + format_value(e.run_ms) + " ms of model time";
    if (!e.run_ms_from.path.empty()) because += " (set by " + e.run_ms_from.str() + ")";
    throw model_error(at, "the run would write about " + format_bytes(e.output.bytes) + " of output, more than " +
                              limit.what + " (" + format_bytes(limit.bytes) + "); " + format_bytes(largest->bytes) +
                              " of it for " + largest->what + ", " + because +
                              "; shorten the run, sample less often or raise --max-output");
}

std::string describe_estimate(const run_estimate& e, const budget_limit& memory, const budget_limit& output) {
    std::string out = "budget:\n  memory: at least " + format_bytes(e.memory.bytes);
    if (memory.bytes > 0.0) out += " (limit " + format_bytes(memory.bytes) + ", " + memory.what + ")";
    out += "\n";
    if (e.run_ms < 0.0) {
        out += "  output: " + format_bytes(e.output.bytes) +
               " known before the run (the task decides the run's length; samples over time not counted)\n";
        return out;
    }
    out += "  output: about " + format_bytes(e.output.bytes);
    if (output.bytes > 0.0) out += " (limit " + format_bytes(output.bytes) + ", " + output.what + ")";
    out += "\n";
    for (const budget_part& p : e.output.parts) out += "    " + format_bytes(p.bytes) + "  " + p.what + "\n";
    out += "  length: " + format_value(e.run_ms) + " ms of model time, at least " + count_text(std::ceil(e.steps)) +
           " integrator steps\n";
    out += "  wall time: roughly " + format_duration(e.wall_s()) + " or more (" +
           format_value(run_estimate::wall_ns_per_value) + " ns per synapse and state variable per step, as "
           "measured on examples/reber_column.toml)\n";
    return out;
}

} // namespace cortexsim
