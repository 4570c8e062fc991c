#include "tools/cli/run_sequence_task.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <ostream>

#include "circuits/tasks/lowered_task.hpp"
#include "circuits/tasks/sequence_training.hpp"
#include "core/recording/csv_writer.hpp"
#include "tools/cli/run_outputs.hpp"

namespace cortexsim {

namespace fs = std::filesystem;

run_result run_sequence_task(const model_desc& desc, const run_options& options, std::ostream& log) {
    network net(lower(desc));
    const lowered_task task = lower_task(desc.task, net);  // before any file is written

    run_result result;
    result.run_dir = choose_run_dir(desc, options);
    write_resolved_model(desc, result.run_dir);
    sequence_prediction_task column(net, task.column, task.make_source().n_symbols(), task.sequence_task);
    sequence_source source = task.make_source();
    stop_check stop(options.stop_flag);
    run_outputs outputs(net, desc, options, result.run_dir, column.sim(), stop);

    const std::vector<std::string> curve_columns = {"errors", "error_rate", "thalamic_prediction_error",
                                                    "L5_mismatch", "L6_mismatch"};
    const std::vector<std::string> trial_columns = {"symbol", "legal_mask", "predicted_mask", "correct",
                                                    "thalamic_prediction_error"};
    const std::string curve_path = (fs::path(result.run_dir) / "learning_curve.csv").string();
    csv_writer curve(curve_path, curve_columns, "trials");
    const std::string trials_path = (fs::path(result.run_dir) / "trials.csv").string();
    csv_writer trials(trials_path, trial_columns, "trial");
    // The same tables in report.h5: /summary/learning_curve and /summary/trials.
    auto table = [&](const std::string& path, const std::string& first, std::vector<std::string> columns,
                     const std::string& csv) {
        report_table_desc d;
        d.path = path;
        d.columns = {first};
        d.columns.insert(d.columns.end(), columns.begin(), columns.end());
        d.attributes = {{"csv", csv}};
        return outputs.add_table(d);
    };
    const std::size_t curve_table = table("summary/learning_curve", "trials", curve_columns, "learning_curve.csv");
    const std::size_t trials_table = table("summary/trials", "trial", trial_columns, "trials.csv");
    auto both = [&](csv_writer& csv, std::size_t t, double key, const double* values, std::size_t n) {
        csv.write_row(key, values);
        std::vector<double> row(n + 1);
        row[0] = key;
        std::copy(values, values + n, row.begin() + 1);
        outputs.append_table_row(t, row.data());
    };
    result.files.push_back(curve_path);
    result.files.push_back(trials_path);

    const auto t0 = std::chrono::steady_clock::now();
    const std::size_t n_blocks = task.training.max_trials / task.training.block_trials;
    const std::size_t print_every = std::max<std::size_t>(1, n_blocks / 20);
    std::size_t blocks_seen = 0;
    auto on_block = [&](const sequence_block& b) {
        const std::size_t n = b.trials_done - blocks_seen * task.training.block_trials;
        const double row[5] = {static_cast<double>(b.errors),
                               static_cast<double>(b.errors) / static_cast<double>(n),
                               b.thalamic_prediction_error, b.l5_mismatch, b.l6_mismatch};
        both(curve, curve_table, static_cast<double>(b.trials_done), row, 5);
        ++blocks_seen;
        if (options.show_progress && (blocks_seen % print_every == 0 || b.errors == 0)) {
            char buf[200];
            std::snprintf(buf, sizeof buf,
                          "%7zu trials: %3zu errors in the last %zu, thalamic prediction error "
                          "%.4f  (%.1f s)\n",
                          b.trials_done, b.errors, n, b.thalamic_prediction_error,
                          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
            log << buf << std::flush;
        }
    };
    auto on_trial = [&](std::size_t t, const sequence_step& step, symbol_mask legal,
                        const sequence_prediction_task::trial_result& r) {
        const double row[5] = {static_cast<double>(step.symbol), static_cast<double>(legal),
                               static_cast<double>(r.predicted), r.correct ? 1.0 : 0.0,
                               r.prediction_error};
        both(trials, trials_table, static_cast<double>(t), row, 5);
        stop.poll(column.sim().time());
    };
    sequence_training_result trained;
    try {
        column.sim().set_progress([&stop](double t) { stop.poll(t); });
        trained = train_sequence(column, source, task.training, on_block, on_trial);
    } catch (const run_interrupted& e) {
        result.stop_signal = e.signal();
        result.stopped_at_ms = e.t_ms();
    }
    result.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    curve.close();
    trials.close();
    outputs.close(result);
    result.duration_ms = column.sim().time();
    result.solver = column.sim().solver();
    result.stats = column.sim().stats();
    char line[200];
    if (trained.trials_to_criterion > 0)
        std::snprintf(line, sizeof line,
                      "sequence '%s': criterion (%zu blocks of %zu trials without an error) after "
                      "%zu trials\n",
                      task.sequence.c_str(), task.training.criterion_blocks,
                      task.training.block_trials, trained.trials_to_criterion);
    else
        std::snprintf(line, sizeof line,
                      "sequence '%s': criterion not reached in %zu trials (last block: %zu "
                      "errors)\n",
                      task.sequence.c_str(), blocks_seen * task.training.block_trials,
                      trained.blocks.empty() ? std::size_t{0} : trained.blocks.back().errors);
    result.task_summary = line;
    std::ofstream summary(fs::path(result.run_dir) / "run_summary.txt");
    summary << format_summary(desc, result);
    return result;
}

} // namespace cortexsim
