#include "circuits/experiments/session.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "circuits/describe.hpp"
#include "circuits/experiments/run_outputs.hpp"
#include "circuits/lowered_model.hpp"
#include "circuits/tasks/pattern_driver.hpp"
#include "circuits/trial_runner.hpp"
#include "core/errors.hpp"
#include "core/progress.hpp"
#include "cortex_models/template_registry.hpp"

namespace cortexsim {

namespace fs = std::filesystem;

run_session::run_session(model_desc desc) {
    expand_templates(desc);
    net_ = std::make_unique<network>(lower(desc));
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
}

run_session::~run_session() = default;

std::string run_session::describe() const {
    std::ostringstream os;
    os << cortexsim::describe(*net_);
    if (task_) os << "\ntask: " << task_->describe() << "\n";
    return os.str();
}

run_result run_session::run(const run_options& options, std::ostream& log) {
    if (ran_) throw std::logic_error("run_session::run called twice");
    ran_ = true;
    network& net = *net_;
    const lowered_model& m = net.model();
    simulation sim(net, net.integrator_options(task_ != nullptr), m.solver.atol, m.solver.atol_per_variable);
    attach_plasticity(net, sim);
    std::unique_ptr<trial_runner> trials;
    if (!m.phases.empty()) trials = std::make_unique<trial_runner>(net, sim);

    run_result result;
    result.run_dir = choose_run_dir(resolved_, options);
    result.duration_ms = m.duration_ms;
    // Two runs' files in one folder could not be told apart (inspect lists them all).
    if (fs::exists(result.run_dir)) {
        if (!fs::is_directory(result.run_dir))
            throw std::runtime_error("run folder '" + result.run_dir + "' is a file");
        if (!fs::is_empty(result.run_dir)) {
            if (!options.force)
                throw std::runtime_error("run folder '" + result.run_dir + "' is not empty; choose another "
                                         "folder (--out) or pass --force to replace its contents");
            for (const auto& entry : fs::directory_iterator(result.run_dir)) fs::remove_all(entry.path());
        }
    }
    write_resolved_model(resolved_, result.run_dir);
    stop_check stop(options.stop_flag);
    run_outputs outputs(net, resolved_, options, result.run_dir, sim, stop, trials.get());

    const auto t0 = std::chrono::steady_clock::now();
    progress_reporter progress(log, options.progress_on_terminal, m.duration_ms);
    try {
        if (task_) {
            sim.set_progress([&stop](double t) { stop.poll(t); });
            task_run r{net, sim, trials.get(), outputs, stop, options, log};
            task_->run(r);
        } else {
            sim.set_progress([&progress, &stop, show = options.show_progress](double t) {
                stop.poll(t);
                if (show) progress.update(t);
            });
            if (trials) trials->run_until(m.duration_ms);
            else sim.run(m.duration_ms);
        }
    } catch (const run_interrupted& e) {
        result.stop_signal = e.signal();
        result.stopped_at_ms = e.t_ms();
    }
    result.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    progress.finish();
    outputs.close(result);
    if (task_) result.duration_ms = sim.time();
    result.solver = sim.solver();
    result.stats = sim.stats();
    if (task_) {
        result.task_summary = task_->summary();
        result.metrics = task_->metrics();
    }
    std::ofstream summary(fs::path(result.run_dir) / "run_summary.txt");
    summary << format_summary(resolved_, result);
    summary.flush();
    if (!summary) throw std::runtime_error("cannot write run_summary.txt in " + result.run_dir);
    return result;
}

run_result run_model(model_desc desc, const run_options& options, std::ostream& log) {
    run_session session(std::move(desc));
    return session.run(options, log);
}

} // namespace cortexsim
