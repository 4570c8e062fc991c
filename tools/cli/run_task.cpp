#include "tools/cli/run_task.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <ostream>

#include "circuits/tasks/lowered_task.hpp"
#include "circuits/tasks/pattern_driver.hpp"
#include "circuits/tasks/teacher_student.hpp"
#include "core/recording/csv_writer.hpp"
#include "tools/cli/run_outputs.hpp"
#include "tools/cli/run_sequence_task.hpp"

namespace cortexsim {

namespace fs = std::filesystem;

run_result run_task(const model_desc& desc, const run_options& options, std::ostream& log) {
    if (desc.task.kind.value == "sequence") return run_sequence_task(desc, options, log);
    network net(lower(desc));
    const lowered_task task = lower_task(desc.task, net);  // before any file is written

    run_result result;
    result.run_dir = choose_run_dir(desc, options);
    write_resolved_model(desc, result.run_dir);
    pattern_driver driver(net, task.input, task.output, task.g_som);
    stop_check stop(options.stop_flag);
    run_outputs outputs(net, desc, options, result.run_dir, driver.sim(), stop);

    const auto t0 = std::chrono::steady_clock::now();
    const std::string curve_path = (fs::path(result.run_dir) / "learning_curve.csv").string();
    csv_writer curve_csv(curve_path, {"test_mse"}, "patterns_trained");
    result.files.push_back(curve_path);
    teacher_student_task ts(net, task.input, task.hidden, task.output, task.teacher_student);
    teacher_student_options o = task.teacher_student;
    // Evaluations are reported as they happen: a long task shows its progress this way.
    auto report = [&](std::size_t trained, double mse) {
        const double row[1] = {mse};
        curve_csv.write_row(static_cast<double>(trained), row);
        if (options.show_progress) {
            char buf[160];
            std::snprintf(buf, sizeof buf, "%6zu patterns trained: test MSE %.5g  (%.1f s)\n",
                          trained, mse,
                          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
            log << buf << std::flush;
        }
    };
    try {
        driver.sim().set_progress([&stop](double t) { stop.poll(t); });
        report(0, ts.evaluate(driver));
        for (std::size_t chunk = 0; chunk < o.n_train; chunk += o.eval_every) {
            const std::size_t n = std::min(o.eval_every, o.n_train - chunk);
            ts.train(driver, chunk, n);
            report(chunk + n, ts.evaluate(driver));
        }
    } catch (const run_interrupted& e) {
        result.stop_signal = e.signal();
        result.stopped_at_ms = e.t_ms();
    }
    result.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    curve_csv.close();
    outputs.close(result);
    result.duration_ms = driver.sim().time();
    result.solver = driver.sim().solver();
    result.stats = driver.sim().stats();
    std::ofstream summary(fs::path(result.run_dir) / "run_summary.txt");
    summary << format_summary(desc, result);
    return result;
}

} // namespace cortexsim
