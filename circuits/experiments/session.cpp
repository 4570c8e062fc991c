#include "circuits/experiments/session.hpp"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "circuits/describe.hpp"
#include "circuits/experiments/run_outputs.hpp"
#include "circuits/lowered_model.hpp"
#include "circuits/tasks/pattern_driver.hpp"
#include "circuits/trial_runner.hpp"
#include "core/checkpoint/state_archive.hpp"
#include "core/errors.hpp"
#include "core/progress.hpp"
#include "core/recording/text_file.hpp"
#include "cortex_models/template_registry.hpp"

namespace cortexsim {

namespace fs = std::filesystem;

run_session::run_session(model_desc desc, const budget_limits& limits, const run_options& options) {
    expand_templates(desc);
    memory_limit_ = memory_limit(limits);
    net_ = std::make_unique<network>(lower(desc, limits));
    param_value task_settings;
    task_ = make_task(desc.task, *net_, desc, task_settings);
    if (task_ && task_->uses_protocol() && net_->model().phases.empty())
        throw model_error(desc.task.kind.loc, "task '" + desc.task.kind.value +
                                                  "' runs trial by trial through the protocol, but the "
                                                  "model declares no [[phase]]");
    // Phases may only gate inputs that exist: stimuli or the task's inputs.
    for (const phase_desc& ph : desc.phases)
        for (const auto& in : ph.inputs) {
            bool known = false;
            std::vector<std::string> names;
            for (const auto& s : net_->model().stimuli) names.push_back(s.name);
            for (std::size_t k = 0; k < net_->input_count(); ++k) names.push_back(net_->input_name(k));
            for (const auto& n : names) known |= n == in.value;
            if (!known)
                throw model_error(in.loc, "phase '" + ph.name.value + "' switches on '" + in.value +
                                              "', which is neither a stimulus nor an input of the task" +
                                              (names.empty() ? std::string(" (the model has none)")
                                                             : "; the model has " + one_of(names)) +
                                              did_you_mean(in.value, names));
        }
    resolved_ = fill_defaults(with_resolved_rules(desc, net_->model()));
    resolved_.task.params = task_settings;
    // The output budget, once the task has said how long the run can be.
    task_plan plan;
    if (task_) {
        plan = task_->plan(net_->model());
    } else {
        plan.run_ms = net_->model().duration_ms;
        plan.where = desc.simulation.duration_ms.loc;
    }
    estimate_ = estimate_run(desc, net_->model(), plan, options.format, options.precision);
    output_limit_ = output_limit(limits, choose_run_dir(resolved_, options));
    check_output(estimate_, output_limit_);
}

run_session::~run_session() = default;

std::string run_session::describe() const {
    std::ostringstream os;
    os << cortexsim::describe(*net_);
    if (task_) os << "\ntask: " << task_->describe() << "\n";
    os << "\n" << describe_estimate(estimate_, memory_limit_, output_limit_);
    return os.str();
}

/// Everything a started run holds: the clock, the protocol, the recorders and the clock of the
/// wall time, alive from start() to finish().
struct run_session::live_run {
    live_run(network& net, bool task_driven, const run_options& opts, std::ostream& out)
        : options(opts),
          log(out),
          sim(net, net.integrator_options(task_driven), net.model().solver.atol,
              net.model().solver.atol_per_variable),
          stop(options.stop_flag),
          progress(out, options.progress_on_terminal, net.model().duration_ms) {
        sim.set_start_time(net.model().start_ms);
    }
    run_options options;
    std::ostream& log;
    simulation sim;
    std::unique_ptr<trial_runner> trials;
    stop_check stop;
    std::unique_ptr<run_outputs> outputs;
    progress_reporter progress;
    run_result result;
    double wall_s = 0.0;
    bool stopped = false;
    // Checkpoints: the file, the next model time and the wall clock of the last one.
    std::string checkpoint_file;
    std::string model_hash;  ///< of model.resolved.toml as written, which checkpoints name
    double next_checkpoint_ms = 0.0;
    std::chrono::steady_clock::time_point last_checkpoint_wall = std::chrono::steady_clock::now();
    std::unique_ptr<state_reader> resume;
    std::chrono::steady_clock::time_point segment_start_wall = std::chrono::steady_clock::now();
};

bool run_session::started() const { return live_ != nullptr; }
bool run_session::stopped() const { return live_ && live_->stopped; }
bool run_session::finished() const { return finished_; }
double run_session::time() const { return live_ ? live_->sim.time() : 0.0; }
simulation& run_session::sim() { return live().sim; }

run_session::live_run& run_session::live() {
    if (!live_) throw std::logic_error("the run has not started");
    if (finished_) throw std::logic_error("the run has finished");
    return *live_;
}

void run_session::start(const run_options& options, std::ostream& log) {
    if (live_) throw std::logic_error("run_session::start called twice");
    // The run folder is checked before anything is created, so a refused folder leaves the
    // session unstarted.
    const std::string run_dir = choose_run_dir(resolved_, options);
    // Two runs' files in one folder could not be told apart (inspect lists them all).
    if (fs::exists(run_dir)) {
        if (!fs::is_directory(run_dir))
            throw std::runtime_error("run folder '" + run_dir + "' is a file");
        if (!fs::is_empty(run_dir)) {
            if (!options.force)
                throw std::runtime_error("run folder '" + run_dir + "' is not empty; choose another "
                                         "folder (--out) or pass --force to replace its contents");
            for (const auto& entry : fs::directory_iterator(run_dir)) fs::remove_all(entry.path());
        }
    }
    write_resolved_model(resolved_, run_dir);
    open_live(run_dir, options, log, nullptr);
}

namespace {

constexpr const char* checkpoint_file_name = "checkpoint.bin";

/// The text that identifies the model of a checkpoint: model.resolved.toml as written.
std::string read_file_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read '" + path + "'");
    std::ostringstream os;
    os << in.rdbuf();
    return os.str();
}

} // namespace

std::string run_session::checkpoint_path(const std::string& run_dir) {
    return (fs::path(run_dir) / checkpoint_file_name).string();
}

run_options run_session::checkpoint_options(const std::string& run_dir) {
    const state_reader r(checkpoint_path(run_dir));
    run_options o;
    o.out_dir = run_dir;
    const std::string& format = r.text("meta/format");
    o.format = format == "hdf5" ? report_format::hdf5 : format == "csv" ? report_format::csv : report_format::both;
    o.precision = r.text("meta/precision") == "float64" ? sample_precision::float64 : sample_precision::float32;
    o.checkpoint_every_ms = r.number("meta/checkpoint_every_ms");
    o.checkpoint_every_s = r.number("meta/checkpoint_every_s");
    return o;
}

void run_session::resume(const std::string& run_dir, const run_options& options, std::ostream& log) {
    if (live_) throw std::logic_error("run_session::resume after start");
    auto reader = std::make_unique<state_reader>(checkpoint_path(run_dir));
    // The model of the folder, not an edited one: the checkpoint names its text.
    const std::string model_file = (fs::path(run_dir) / "model.resolved.toml").string();
    if (std::to_string(hash_name(read_file_text(model_file))) != reader->text("meta/model_hash"))
        throw std::runtime_error("checkpoint '" + reader->path() + "' was taken with another model than '" +
                                 model_file + "' (was the file edited?)");
    open_live(run_dir, options, log, reader.get());
    live_run& r = *live_;
    net_->restore_state(*reader);
    if (r.trials) r.trials->set_trials_done(static_cast<std::size_t>(reader->u64("trials/done")));
    r.sim.restore_state(*reader);
    r.wall_s = reader->number("meta/wall_s");
    r.result.resumed_from_ms = r.sim.time();
    task_ran_ = false;
    r.next_checkpoint_ms = r.sim.time() + options.checkpoint_every_ms;
    r.resume = std::move(reader);
}

void run_session::checkpoint_if_due(double t_ms, const std::function<void(state_writer&)>& task_state) {
    live_run& r = *live_;
    const run_options& o = r.options;
    bool due = o.checkpoint_every_ms > 0.0 && t_ms >= r.next_checkpoint_ms;
    const auto now = std::chrono::steady_clock::now();
    if (o.checkpoint_every_s > 0.0 &&
        std::chrono::duration<double>(now - r.last_checkpoint_wall).count() >= o.checkpoint_every_s)
        due = true;
    if (!due) return;
    // The outputs are written out first, so the sizes the checkpoint saves are on disk.
    state_writer w;
    r.outputs->save_state(w);
    r.sim.save_state(w);
    net_->save_state(w);
    if (r.trials) w.put_u64("trials/done", static_cast<std::uint64_t>(r.trials->trials_done()));
    if (task_state) task_state(w);
    w.put_string("meta/model_hash", r.model_hash);
    w.put_string("meta/format", o.format == report_format::hdf5 ? "hdf5" : o.format == report_format::csv ? "csv" : "both");
    w.put_string("meta/precision", to_string(o.precision));
    w.put("meta/checkpoint_every_ms", o.checkpoint_every_ms);
    w.put("meta/checkpoint_every_s", o.checkpoint_every_s);
    w.put("meta/wall_s", r.wall_s + std::chrono::duration<double>(now - r.segment_start_wall).count());
    w.save(r.checkpoint_file);
    ++r.result.checkpoints;
    r.last_checkpoint_wall = now;
    if (o.on_checkpoint) o.on_checkpoint(t_ms);
    if (o.checkpoint_every_ms > 0.0)
        while (r.next_checkpoint_ms <= t_ms) r.next_checkpoint_ms += o.checkpoint_every_ms;
}

void run_session::open_live(const std::string& run_dir, const run_options& options, std::ostream& log,
                            const state_reader* resume) {
    network& net = *net_;
    const lowered_model& m = net.model();
    if ((options.checkpoint_every_ms > 0.0 || options.checkpoint_every_s > 0.0) && task_ && !task_->resumable())
        throw model_error(resolved_.task.kind.loc, "task '" + resolved_.task.kind.value +
                                                       "' cannot be checkpointed (--checkpoint-every): it does "
                                                       "not offer points to resume from");
    auto run = std::make_unique<live_run>(net, task_ != nullptr, options, log);
    attach_plasticity(net, run->sim);
    if (!m.phases.empty()) run->trials = std::make_unique<trial_runner>(net, run->sim);
    run->result.run_dir = run_dir;
    run->result.duration_ms = m.duration_ms;
    run->checkpoint_file = checkpoint_path(run_dir);
    if (options.checkpoint_every_ms > 0.0 || options.checkpoint_every_s > 0.0)
        run->model_hash = std::to_string(hash_name(read_file_text((fs::path(run_dir) / "model.resolved.toml").string())));
    run->next_checkpoint_ms = m.start_ms + options.checkpoint_every_ms;
    run->outputs = std::make_unique<run_outputs>(net, resolved_, run->options, run_dir, run->sim,
                                                 run->stop, run->trials.get(), resume);
    live_run& r = *run;
    if (!task_ && (options.checkpoint_every_ms > 0.0 || options.checkpoint_every_s > 0.0)) {
        // A plain run: at trial ends with a protocol, else wherever the integrator restarted.
        if (r.trials) r.trials->on_trial_end([this](double t) { checkpoint_if_due(t, {}); });
        else r.sim.set_checkpoint_hook([this](double t) { checkpoint_if_due(t, {}); });
    }
    // Stop requests inside long segments too (tiny steps): a poll every few hundred steps.
    r.sim.set_step_poll([&r](double t) { r.stop.poll(t); });
    if (task_) {
        r.sim.set_progress([&r](double t) {
            if (r.options.on_progress) r.options.on_progress(t);
            r.stop.poll(t);
        });
    } else {
        r.sim.set_progress([&r, start_ms = m.start_ms](double t) {
            if (r.options.on_progress) r.options.on_progress(t);
            r.stop.poll(t);
            if (r.options.show_progress) r.progress.update(t - start_ms);
        });
    }
    live_ = std::move(run);
}

namespace {

/// Runs `step` on the wall clock; a stop request ends the run (true: it ran to its end).
template <class F>
bool timed(double& wall_s, run_result& result, bool& stopped, run_outputs& outputs, F&& step) {
    if (stopped) throw std::logic_error("the run was stopped; only finish() remains");
    const auto t0 = std::chrono::steady_clock::now();
    try {
        step();
    } catch (const output_error&) {
        outputs.output_failed();  // report.h5 is then closed on the error path
        throw;
    } catch (const run_interrupted& e) {
        result.stop_signal = e.signal();
        result.stopped_at_ms = e.t_ms();
        stopped = true;
    }
    wall_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return !stopped;
}

} // namespace

bool run_session::advance_to(double t_end_ms) {
    live_run& r = live();
    if (task_)
        throw std::logic_error("the model has a task, which runs in one call (run_task)");
    if (t_end_ms < r.sim.time())
        throw std::invalid_argument("cannot run to t = " + format_value(t_end_ms) +
                                    " ms: the run is at t = " + format_value(r.sim.time()) + " ms");
    if (r.trials && t_end_ms != net_->model().duration_ms) {
        // trial_runner stops inside a trial without ending its phase, and a later call would
        // start a new trial there: the protocol would break.
        const double trial_ms = r.trials->trial_ms();
        const double trials = t_end_ms / trial_ms;
        if (trials != std::floor(trials))
            throw std::invalid_argument("the model runs trial by trial (" + format_value(trial_ms) +
                                        " ms each): run to a whole number of trials, not t = " +
                                        format_value(t_end_ms) + " ms");
    }
    r.segment_start_wall = std::chrono::steady_clock::now();
    return timed(r.wall_s, r.result, r.stopped, *r.outputs, [&] {
        if (r.trials) r.trials->run_until(t_end_ms);
        else r.sim.run(t_end_ms);
    });
}

bool run_session::run_task() {
    live_run& r = live();
    if (!task_) throw std::logic_error("the model has no task");
    if (task_ran_) throw std::logic_error("the task has already run");
    task_ran_ = true;
    r.segment_start_wall = std::chrono::steady_clock::now();
    return timed(r.wall_s, r.result, r.stopped, *r.outputs, [&] {
        task_run tr{*net_, r.sim, r.trials.get(), *r.outputs, r.stop, r.options, r.log, {}, r.resume.get()};
        if (r.options.checkpoint_every_ms > 0.0 || r.options.checkpoint_every_s > 0.0)
            tr.checkpoint = [this, &r](const std::function<void(state_writer&)>& save) {
                checkpoint_if_due(r.sim.time(), save);
            };
        task_->run(tr);
    });
}

run_result run_session::finish() {
    live_run& r = live();
    finished_ = true;
    run_result& result = r.result;
    result.wall_s = r.wall_s;
    r.progress.finish();
    r.outputs->close(result);
    // A task, or a stepped run, decides its own length; a stopped plain run reports the
    // length it was asked for next to where it stopped (stopped_at_ms).
    if (task_ || !r.stopped) result.duration_ms = r.sim.time() - net_->model().start_ms;
    result.solver = r.sim.solver();
    result.stats = r.sim.stats();
    if (task_) {
        result.task_summary = task_->summary();
        result.metrics = task_->metrics();
    }
    write_text_file((fs::path(result.run_dir) / "run_summary.txt").string(),
                    format_summary(resolved_, result));
    return result;
}

run_result run_session::run(const run_options& options, std::ostream& log) {
    if (live_) throw std::logic_error("run_session::run called twice");
    start(options, log);
    if (task_) run_task();
    else advance_to(net_->model().start_ms + net_->model().duration_ms);
    return finish();
}

run_result run_model(model_desc desc, const run_options& options, std::ostream& log) {
    run_session session(std::move(desc));
    return session.run(options, log);
}

} // namespace cortexsim
