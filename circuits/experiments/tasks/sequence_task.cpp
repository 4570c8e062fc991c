// [task] kind = "sequence": predictive learning of a symbol stream, trial by trial through the
// model's protocol (O'Reilly et al. 2021; docs/column_anatomy.md). The task is only a symbol
// source and a score: each trial it sets two named inputs, "symbol" (a current of
// `drive_current` into the driven population's compartment, one neuron per symbol) and
// "target" (a nudge of the target population towards u_on for the symbol, u_off elsewhere,
// conductance g_drive), which the [[phase]]s switch on where the outcome arrives; the network's
// own rules learn. After the trial it reads the readout population's rates at the end of the
// prediction phase: the prediction is correct if no illegal unit is above `threshold` and a
// legal one is above `legal_threshold` (by default the same; REFERENCES.md section 3).
// Training stops `after_criterion` trials after `criterion_blocks` consecutive error-free
// blocks of `block_trials`, or after `trials`.
//
// Tables: learning_curve.csv (per block: errors, the readout's phase difference |y+ - y-|,
// the target's compartment prediction error at the outcome's end if it has one with the floor
// an ideal predictor of the stream would leave, and each `report` population's phase
// difference) and trials.csv (per trial), both also in report.h5.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>

#include "circuits/experiments/progress_text.hpp"
#include "circuits/experiments/task.hpp"
#include "circuits/lowered_model.hpp"
#include "circuits/tasks/sequence_source.hpp"
#include "core/checkpoint/state_archive.hpp"
#include "core/errors.hpp"
#include "core/param_tree.hpp"

namespace cortexsim {

namespace {

struct population_signals {
    std::string name;
    bound_signal minus, plus;
};

class sequence_run final : public task {
public:
    std::string sequence, cycle;
    std::uint64_t seed = 1;
    std::size_t trials = 10000, block_trials = 100, criterion_blocks = 5, after_criterion = 0;
    std::size_t window = 2000;  ///< trials of the end-of-run accuracies
    source_loc trials_loc;
    task_plan plan(const lowered_model& m) const override {
        // trials.csv: 7 numbers a row; learning_curve.csv: up to 9 a block.
        return task_plan::of_trials(m, trials, block_trials, 7.0, 9.0, trials_loc);
    }
    std::size_t drive_pop = 0, target_pop = 0, readout_pop = 0;
    std::string readout_name, prediction_phase, outcome_phase;
    double drive_current = 4.0, u_on = 4.0, u_off = -2.0, threshold = 0.25, legal_threshold = 0.25;
    std::size_t symbol_input = 0, target_input = 0;
    population_signals readout;
    bool has_prediction_error = false;
    bound_signal prediction_error, target_outcome;
    std::vector<population_signals> report;

    sequence_source make_source() const {
        if (sequence == "cyclic") return sequence_source::cyclic(cycle);
        if (sequence == "embedded_reber") return sequence_source::embedded_reber(seed);
        return sequence_source::reber(seed);
    }

    void run(task_run& r) override;
    std::string describe() const override;
    std::string summary() const override { return summary_; }
    std::map<std::string, double> metrics() const override { return metrics_; }
    bool uses_protocol() const override { return true; }
    bool resumable() const override { return true; }

private:
    std::string summary_;
    std::map<std::string, double> metrics_;
};

/*
 * The mean |prediction error| an ideal predictor of the stream would leave: it knows the legal
 * successors and that each comes with equal probability 1/k (the grammars branch uniformly),
 * so the best it can predict for unit i (in the squared-error sense the rules minimise) is the
 * expected outcome, p_i r_on + (1 - p_i) r_off, with r_on the outcome rate of the symbol shown
 * and r_off the mean outcome rate of the others. A stochastic grammar's floor is above 0 (Reber:
 * 2 (k - 1) / (k n) per branching trial with one-hot outcomes); a cycle's is ~0.
 */
double prediction_error_floor(const std::vector<double>& outcome, symbol_mask legal, std::size_t shown) {
    const std::size_t n = outcome.size();
    std::size_t k = 0;
    double off = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        if (legal & symbol_bit(i)) ++k;
        if (i != shown) off += outcome[i];
    }
    off = n > 1 ? off / static_cast<double>(n - 1) : 0.0;
    const double on = outcome[shown];
    double sum = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        const double p = (legal & symbol_bit(i)) ? 1.0 / static_cast<double>(k) : 0.0;
        sum += std::abs(outcome[i] - (p * on + (1.0 - p) * off));
    }
    return sum / static_cast<double>(n);
}

double mean_abs_difference(const plasticity_engine& e, const population_signals& s) {
    const auto& a = *e.snapshot(s.plus);
    const auto& b = *e.snapshot(s.minus);
    double sum = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) sum += std::abs(a[i] - b[i]);
    return a.empty() ? 0.0 : sum / static_cast<double>(a.size());
}

void sequence_run::run(task_run& r) {
    if (!r.trials) throw std::logic_error("sequence task without a protocol");
    network& net = r.net;
    const plasticity_engine& engine = net.plasticity();
    sequence_source source = make_source();
    const std::size_t n = source.n_symbols();

    std::vector<std::string> curve_columns = {"errors", "error_rate", "thalamic_prediction_error"};
    if (has_prediction_error) {
        curve_columns.push_back("prediction_error");
        curve_columns.push_back("prediction_error_floor");
    }
    for (const auto& p : report) curve_columns.push_back(p.name + "_mismatch");
    task_table& curve = r.outputs.add_task_table("learning_curve", "trials", curve_columns);
    task_table& trial_table = r.outputs.add_task_table(
        "trials", "trial", {"symbol", "state", "legal_mask", "predicted_mask", "correct", "thalamic_prediction_error"});

    std::vector<double> drive(n, 0.0), target(n, u_off);
    std::vector<double> block(curve_columns.size(), 0.0);
    std::size_t clean_blocks = 0, criterion_at = 0, block_count = 0;
    std::size_t errors_after = 0, trials_after = 0;
    std::deque<std::pair<std::size_t, bool>> recent;  // (state before, correct) of the last `window` trials
    const auto t0 = std::chrono::steady_clock::now();
    const std::size_t n_blocks = (trials + block_trials - 1) / block_trials;
    const std::size_t print_every = std::max<std::size_t>(1, n_blocks / 20);
    std::size_t t = 1;
    if (r.resume) {
        // Continue after the block the checkpoint ended (its accumulators were empty then).
        const state_reader& c = *r.resume;
        const auto& at = c.u64s("task/counters", 7);
        t = static_cast<std::size_t>(at[0]) + 1;
        clean_blocks = at[1], criterion_at = at[2], block_count = at[3], errors_after = at[4];
        trials_after = at[5];
        source.restore(c.u64s("task/source"));
        const auto& states = c.u64s("task/recent_state");
        const auto& correct = c.u64s("task/recent_correct", states.size());
        for (std::size_t k = 0; k < states.size(); ++k)
            recent.emplace_back(static_cast<std::size_t>(states[k]), correct[k] != 0);
        if (at[6] != trials)
            throw std::runtime_error("checkpoint '" + c.path() + "' was taken with task.trials = " +
                                     std::to_string(at[6]));
    }
    for (; t <= trials; ++t) {
        const symbol_mask legal = source.legal_next();
        const std::size_t state_before = source.state();
        const sequence_step step = source.next();
        std::fill(drive.begin(), drive.end(), 0.0);
        std::fill(target.begin(), target.end(), u_off);
        drive[step.symbol] = drive_current;
        target[step.symbol] = u_on;
        net.set_input(symbol_input, drive.data());
        net.set_input(target_input, target.data());
        r.trials->run_trial();

        const std::vector<double>& predicted_rates = *engine.snapshot(readout.minus);
        symbol_mask predicted = 0, confident = 0;
        for (std::size_t i = 0; i < n; ++i) {
            if (predicted_rates[i] > threshold) predicted |= symbol_bit(i);
            if (predicted_rates[i] > legal_threshold) confident |= symbol_bit(i);
        }
        // No illegal unit above `threshold` and a legal one above `legal_threshold` (deep_fsa's
        // scoring in O'Reilly's DeepLeabra uses 0.5 and 0.4; equal thresholds: is_legal_prediction).
        const bool correct = (predicted & ~legal) == 0 && (confident & legal) != 0;
        const double difference = mean_abs_difference(engine, readout);
        trial_table.write(static_cast<double>(t),
                          {static_cast<double>(step.symbol), static_cast<double>(state_before),
                           static_cast<double>(legal), static_cast<double>(predicted), correct ? 1.0 : 0.0,
                           difference});
        recent.emplace_back(state_before, correct);
        if (recent.size() > window) recent.pop_front();
        if (criterion_at > 0) {
            ++trials_after;
            errors_after += correct ? 0 : 1;
        }
        std::size_t c = 0;
        block[c++] += correct ? 0.0 : 1.0;
        ++c;  // error_rate, at the block's end
        block[c++] += difference;
        if (has_prediction_error) {
            const auto& e = *engine.snapshot(prediction_error);
            double sum = 0.0;
            for (double x : e) sum += std::abs(x);
            block[c++] += sum / static_cast<double>(e.size());
            block[c++] += prediction_error_floor(*engine.snapshot(target_outcome), legal, step.symbol);
        }
        for (const auto& p : report) block[c++] += mean_abs_difference(engine, p);
        r.stop.poll(r.sim.time());

        const bool block_end = t % block_trials == 0 || t == trials;
        if (!block_end) continue;
        const std::size_t in_block = t - block_count * block_trials;
        const double errors = block[0];
        std::vector<double> row = block;
        row[1] = errors / static_cast<double>(in_block);
        for (std::size_t k = 2; k < row.size(); ++k) row[k] /= static_cast<double>(in_block);
        curve.write(static_cast<double>(t), row);
        r.outputs.end_block();  // a killed run keeps every completed block
        ++block_count;
        std::fill(block.begin(), block.end(), 0.0);
        const bool full = in_block == block_trials;
        if (criterion_at == 0) {
            clean_blocks = full && errors == 0.0 ? clean_blocks + 1 : 0;
            if (clean_blocks == criterion_blocks) criterion_at = t;
        }
        if (r.options.show_progress && (block_count % print_every == 0 || criterion_at == t)) {
            char buf[240];
            std::snprintf(buf, sizeof buf,
                          "%7zu / %zu trials: %3.0f errors in the last %zu, phase difference %.4f%s  %s\n",
                          t, trials, errors, in_block, row[2], criterion_at == t ? "  [criterion]" : "",
                          elapsed_and_left(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
                                           static_cast<double>(t), static_cast<double>(trials), true)
                              .c_str());
            r.log << buf << std::flush;
        }
        if (criterion_at > 0 && trials_after >= after_criterion) break;
        if (r.checkpoint && t < trials)
            r.checkpoint([&](state_writer& w) {
                w.put_u64("task/counters", {t, clean_blocks, criterion_at, block_count, errors_after, trials_after, trials});
                w.put_u64("task/source", source.save());
                std::vector<std::uint64_t> states, correct;
                for (const auto& [state, ok] : recent) {
                    states.push_back(state);
                    correct.push_back(ok ? 1u : 0u);
                }
                w.put_u64("task/recent_state", states);
                w.put_u64("task/recent_correct", correct);
            });
    }
    const std::size_t done = std::min(t, trials);
    metrics_["trials"] = static_cast<double>(done);
    metrics_["trials_to_criterion"] = static_cast<double>(criterion_at);  // 0: not reached
    metrics_["trials_after_criterion"] = static_cast<double>(trials_after);
    metrics_["errors_after_criterion"] = static_cast<double>(errors_after);
    char line[400];
    if (criterion_at > 0)
        std::snprintf(line, sizeof line,
                      "sequence '%s': criterion (%zu blocks of %zu trials without an error) after %zu "
                      "trials; %zu errors in the %zu trials after it (%.2f%%)\n",
                      sequence.c_str(), criterion_blocks, block_trials, criterion_at, errors_after, trials_after,
                      trials_after ? 100.0 * static_cast<double>(errors_after) / static_cast<double>(trials_after) : 0.0);
    else
        std::snprintf(line, sizeof line, "sequence '%s': criterion not reached in %zu trials\n", sequence.c_str(),
                      done);
    summary_ = line;
    // Accuracy over the last `window` trials; for embedded Reber also at the long-range
    // position (the symbol after the inner string's E must repeat the second symbol).
    std::size_t ok = 0, long_n = 0, long_ok = 0;
    for (const auto& [state, correct] : recent) {
        ok += correct;
        if (sequence == "embedded_reber" && (state == 16 || state == 17)) {
            ++long_n;
            long_ok += correct;
        }
    }
    if (!recent.empty()) {
        metrics_["accuracy_window"] = static_cast<double>(ok) / static_cast<double>(recent.size());
        if (long_n > 0) metrics_["long_range_accuracy"] = static_cast<double>(long_ok) / static_cast<double>(long_n);
        std::snprintf(line, sizeof line, "accuracy over the last %zu trials: %.2f%%", recent.size(),
                      100.0 * static_cast<double>(ok) / static_cast<double>(recent.size()));
        summary_ += line;
        if (long_n > 0) {
            std::snprintf(line, sizeof line, "; at the second-to-last symbol: %.2f%% (%zu of %zu)",
                          100.0 * static_cast<double>(long_ok) / static_cast<double>(long_n), long_ok, long_n);
            summary_ += line;
        }
        summary_ += "\n";
    }
}

std::string sequence_run::describe() const {
    char buf[480];
    std::snprintf(buf, sizeof buf,
                  "sequence '%s%s', up to %zu trials; inputs 'symbol' (current %g) and 'target' (u_on %g, "
                  "u_off %g); the readout '%s' is scored at the end of phase '%s' (no illegal unit above %g, a legal one "
                  "above %g); criterion: %zu blocks of %zu trials without an error",
                  sequence.c_str(), cycle.empty() ? "" : (" " + cycle).c_str(), trials, drive_current, u_on, u_off,
                  readout_name.c_str(), prediction_phase.c_str(), threshold, legal_threshold, criterion_blocks,
                  block_trials);
    return buf;
}

std::unique_ptr<task> make(param_reader& r, network& net, const model_desc& desc) {
    auto t = std::make_unique<sequence_run>();
    t->seed = desc.simulation.seed.value;
    t->sequence = r.choice("sequence", "reber", {"reber", "embedded_reber", "cyclic"});
    if (t->sequence == "cyclic") {
        t->cycle = r.required_string("cycle");
        if (t->cycle.empty()) r.fail("cycle", "a cycle is a string of letters, got ''");
        for (char c : t->cycle)
            if (!std::isalpha(static_cast<unsigned char>(c)))
                r.fail("cycle", "a cycle is a string of letters, got '" + t->cycle + "'");
    } else if (r.has("cycle")) {
        r.fail("cycle", "cycle applies to sequence = \"cyclic\" only");
    }
    constexpr std::int64_t max_trials = 1000000000;
    t->trials = static_cast<std::size_t>(r.count("trials", 10000, 1, max_trials));
    t->trials_loc = r.loc_of("trials");
    t->block_trials = static_cast<std::size_t>(r.count("block_trials", 100, 1, max_trials));
    t->criterion_blocks = static_cast<std::size_t>(r.count("criterion_blocks", 5, 1, 1000000));
    t->after_criterion = static_cast<std::size_t>(r.count("after_criterion", 0, 0, max_trials));
    t->window = static_cast<std::size_t>(r.count("accuracy_window", 2000, 1, max_trials));
    const std::size_t n = t->make_source().n_symbols();

    const std::string drive = r.required_string("drive");
    t->drive_pop = task_population(net, drive, r.loc_of("drive"), "drive");
    const auto& drive_model = *net.model().populations[t->drive_pop].model;
    const std::string comp = r.string("drive_compartment", drive_model.dendrites.empty() ? "soma" : drive_model.dendrites.front());
    int slot = -1;
    if (comp != "soma") {
        const auto it = std::find(drive_model.dendrites.begin(), drive_model.dendrites.end(), comp);
        if (it == drive_model.dendrites.end())
            r.fail("drive_compartment", "population '" + drive + "' has no compartment '" + comp + "'; it has " +
                                            one_of(drive_model.compartments) + did_you_mean(comp, drive_model.compartments));
        slot = static_cast<int>(it - drive_model.dendrites.begin());
    }
    if (drive_model.kind == neuron_kind::input)
        r.fail("drive", "the drive population '" + drive + "' takes a current, so it cannot be an input population");
    t->drive_current = r.number("drive_current", 4.0);
    const std::string target = r.required_string("target");
    t->target_pop = task_population(net, target, r.loc_of("target"), "target");
    if (net.model().populations[t->target_pop].model->kind == neuron_kind::input)
        r.fail("target", "the target population '" + target + "' is nudged, so it cannot be an input population");
    t->u_on = r.number("u_on", 4.0);
    t->u_off = r.number("u_off", -2.0);
    const double g_drive = r.number("g_drive", 3.0, param_bound::positive);
    t->readout_name = r.string("readout", target);
    t->readout_pop = task_population(net, t->readout_name, r.loc_of("readout"), "readout");
    for (const auto& [pop, key] : {std::pair{t->drive_pop, "drive"}, std::pair{t->target_pop, "target"},
                                   std::pair{t->readout_pop, "readout"}})
        if (net.model().populations[pop].size != n)
            r.fail(key, "population '" + net.model().populations[pop].name + "' has " +
                            std::to_string(net.model().populations[pop].size) + " neurons; sequence '" +
                            t->sequence + "' needs " + std::to_string(n) + ", one per symbol");
    std::vector<std::string> phases;
    for (const auto& ph : net.model().phases) phases.push_back(ph.name);
    if (phases.size() < 2)
        throw model_error(r.where(), "task 'sequence' needs a protocol of at least two [[phase]]s (a "
                                     "prediction and an outcome phase), the model has " +
                                         std::to_string(phases.size()));
    t->prediction_phase = r.choice("prediction_phase", phases.front(), phases);
    t->outcome_phase = r.choice("outcome_phase", phases.back(), phases);
    if (t->prediction_phase == t->outcome_phase)
        r.fail("outcome_phase", "the prediction and outcome phases must differ");
    t->threshold = r.number("threshold", 0.25);
    t->legal_threshold = r.number("legal_threshold", t->threshold);
    plasticity_engine& engine = net.plasticity();
    t->readout = {t->readout_name, engine.request(t->readout_pop, "rate@" + t->prediction_phase),
                  engine.request(t->readout_pop, "rate@" + t->outcome_phase)};
    if (net.has_variable(t->target_pop, "prediction_error")) {
        t->has_prediction_error = true;
        t->prediction_error = engine.request(t->target_pop, "prediction_error@" + t->outcome_phase);
        t->target_outcome = engine.request(t->target_pop, "rate@" + t->outcome_phase);
    }
    for (const auto& name : r.strings("report")) {
        const std::size_t p = task_population(net, name.value, name.loc, "report");
        t->report.push_back({name.value, engine.request(p, "rate@" + t->prediction_phase),
                             engine.request(p, "rate@" + t->outcome_phase)});
    }
    t->symbol_input = net.add_input("symbol", t->drive_pop, network::input_mode::current, slot);
    t->target_input = net.add_input("target", t->target_pop, network::input_mode::nudge, -1, g_drive);
    // The inputs carry the outcome: on in every phase they would leak it into the prediction.
    for (const char* in : {"symbol", "target"}) {
        bool named = false;
        for (const auto& ph : net.model().phases)
            named |= std::find(ph.inputs.begin(), ph.inputs.end(), in) != ph.inputs.end();
        if (!named)
            throw model_error(r.where(), std::string("the task's input '") + in +
                                             "' is not named in any [[phase]]'s inputs, so it would be on "
                                             "in every phase; list it in the outcome phase ('" +
                                             t->outcome_phase + "')");
    }
    return t;
}

} // namespace

task_kind sequence_task_kind() {
    return {"sequence", "predict the next symbol of a stream, trial by trial (O'Reilly et al. 2021)", make};
}

} // namespace cortexsim
