// [task] kind = "teacher_student": the regression task of Sacramento et al. 2018, Sec. 3
// (circuits/tasks/teacher_student.hpp), from TOML. Writes learning_curve.csv (test MSE after
// every `eval_every` training patterns) and its copy /summary/learning_curve.
#include <chrono>
#include <cstdio>

#include "circuits/experiments/pattern_protocol.hpp"
#include "circuits/experiments/progress_text.hpp"
#include "circuits/experiments/task.hpp"
#include "circuits/tasks/pattern_driver.hpp"
#include "circuits/tasks/teacher_student.hpp"
#include "core/param_tree.hpp"
#include "core/checkpoint/state_archive.hpp"

namespace cortexsim {

namespace {

class teacher_student_run final : public task {
public:
    std::string input, hidden, output;
    double g_som = 0.8;
    teacher_student_options options;
    pattern_protocol protocol;
    double pattern_ms = 0.0;

    bool uses_protocol() const override { return protocol.phased; }
    bool resumable() const override { return true; }
    void run(task_run& r) override {
        pattern_driver driver(r.net, r.sim, input, output, g_som);
        protocol.attach(driver, r);
        teacher_student_task ts(r.net, input, hidden, output, options);
        task_table& curve = r.outputs.add_task_table("learning_curve", "patterns_trained", {"test_mse"});
        const auto t0 = std::chrono::steady_clock::now();
        auto report = [&](std::size_t trained, double mse) {
            curve.write(static_cast<double>(trained), {mse});
            r.outputs.end_block();  // a killed run keeps every completed block
            last_mse_ = mse;
            if (!r.options.show_progress) return;
            char buf[160];
            std::snprintf(buf, sizeof buf, "%6zu / %zu patterns trained: test MSE %.5g  %s\n", trained,
                          options.n_train, mse,
                          elapsed_and_left(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
                                           static_cast<double>(trained), static_cast<double>(options.n_train))
                              .c_str());
            r.log << buf << std::flush;
        };
        double train_s = 0.0;
        std::size_t first_chunk = 0;
        if (r.resume) {
            // The patterns are drawn once from the seed; the position says where to go on.
            first_chunk = static_cast<std::size_t>(r.resume->u64("task/trained"));
            first_mse_ = r.resume->number("task/first_mse");
            last_mse_ = r.resume->number("task/last_mse");
            train_s = r.resume->number("task/train_s");
        } else {
            report(0, ts.evaluate(driver));
            first_mse_ = last_mse_;
        }
        for (std::size_t chunk = first_chunk; chunk < options.n_train; chunk += options.eval_every) {
            const std::size_t n = std::min(options.eval_every, options.n_train - chunk);
            const auto c0 = std::chrono::steady_clock::now();
            ts.train(driver, chunk, n);
            train_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - c0).count();
            report(chunk + n, ts.evaluate(driver));
            if (r.checkpoint && chunk + n < options.n_train)
                r.checkpoint([&](state_writer& w) {
                    w.put_u64("task/trained", chunk + n);
                    w.put("task/first_mse", first_mse_);
                    w.put("task/last_mse", last_mse_);
                    w.put("task/train_s", train_s);
                });
        }
        train_wall_s_ = train_s;
    }
    std::string describe() const override {
        char buf[256];
        std::snprintf(buf, sizeof buf,
                      "teacher_student, %zu training patterns of %g ms%s, input '%s', hidden '%s', output '%s'",
                      options.n_train, pattern_ms, protocol.phased ? " (one trial each)" : "", input.c_str(),
                      hidden.c_str(), output.c_str());
        return buf;
    }
    std::string summary() const override {
        if (first_mse_ < 0) return {};
        char buf[160];
        std::snprintf(buf, sizeof buf, "teacher_student: test MSE %.5g untrained, %.5g after training\n",
                      first_mse_, last_mse_);
        return buf;
    }

    /// The summary's two numbers, for sweeps (sweep.csv's columns), and the training cost (the
    /// training presentations' wall time, without evaluations) for benchmarks.
    std::map<std::string, double> metrics() const override {
        if (first_mse_ < 0) return {};
        return {{"untrained_test_mse", first_mse_},
                {"final_test_mse", last_mse_},
                {"samples_trained", static_cast<double>(options.n_train)},
                {"train_wall_s", train_wall_s_}};
    }

private:
    double first_mse_ = -1.0, last_mse_ = -1.0, train_wall_s_ = 0.0;
};

std::unique_ptr<task> make(param_reader& r, network& net, const model_desc& desc) {
    auto t = std::make_unique<teacher_student_run>();
    t->input = r.string("input", "input");
    task_population(net, t->input, r.loc_of("input"), "input", "input");
    t->hidden = r.required_string("hidden");
    task_population(net, t->hidden, r.loc_of("hidden"), "hidden", "pyramidal");
    t->output = r.required_string("output");
    const std::size_t out = task_population(net, t->output, r.loc_of("output"), "output", "pyramidal");
    // Defaults: the paper's task at CI-friendly length.
    teacher_student_options& o = t->options;
    o.n_train = static_cast<std::size_t>(r.count("n_train", 1000, 1, 100000000));
    o.n_test = static_cast<std::size_t>(r.count("n_test", 50, 1, 10000000));
    o.eval_every = static_cast<std::size_t>(r.count("eval_every", 100, 1, 100000000));
    t->g_som = r.number("g_som", 0.8, param_bound::positive);
    t->protocol = pattern_protocol::read(r, net, out, t->g_som);
    o.present_ms = t->protocol.phased ? t->protocol.pattern_ms(net, 0.0) : r.number("present_ms", 30.0, param_bound::positive);
    t->pattern_ms = t->protocol.pattern_ms(net, o.present_ms);
    o.n_hidden_teacher = static_cast<std::size_t>(r.count("n_hidden_teacher", 20, 1, 1000000));
    o.teacher_w1_scale = r.number("teacher_w1_scale", 5.0, param_bound::positive);
    o.teacher_w2_scale = r.number("teacher_w2_scale", 2.0, param_bound::positive);
    o.seed = desc.simulation.seed.value;
    return t;
}

} // namespace

task_kind teacher_student_task_kind() {
    return {"teacher_student", "regression onto a random teacher network (Sacramento et al. 2018)", make};
}

} // namespace cortexsim
