// [task] kind = "choice": a reward-modulated choice (a contextual bandit), the test bed of
// three-factor learning (Izhikevich 2007; Fremaux & Gerstner 2016). Each trial shows one of
// `n_cues` cues (input "cue": a rate of `cue_rate` on one neuron of the `cue` population). At
// the end of `decide_phase` the task reads the `actor` population's rates and chooses the
// most active action, or with probability `epsilon` a random one; the input "action" (a current
// of `action_current` into the chosen neuron's soma) makes the choice the actor's activity in
// the phases that list it. The correct action of each cue is a random permutation drawn from
// the seed. At the end of the phase before `reward_phase` the task sets the neuromodulator
// `modulator` to `reward` (correct) or `punishment` (wrong) for the reward phase, and clears
// it at the trial's end: the network's own rules (e.g. `three_factor`) learn from it.
//
// Tables: learning_curve.csv (per block: the fraction of correct choices, and of correct
// greedy choices, i.e. the most active action, whatever was explored) and trials.csv.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <numeric>

#include "circuits/experiments/progress_text.hpp"
#include "circuits/experiments/task.hpp"
#include "circuits/lowered_model.hpp"
#include "core/errors.hpp"
#include "core/param_tree.hpp"
#include "core/random.hpp"
#include "core/checkpoint/state_archive.hpp"

namespace cortexsim {

namespace {

class choice_run final : public task {
public:
    std::uint64_t seed = 1;
    std::size_t n_cues = 0, n_actions = 0, trials = 0, block_trials = 0, window = 0;
    source_loc trials_loc;
    task_plan plan(const lowered_model& m) const override {
        // trials.csv: 5 numbers a row; learning_curve.csv: 4 a block.
        return task_plan::of_trials(m, trials, block_trials, 5.0, 4.0, trials_loc);
    }
    std::size_t cue_input = 0, action_input = 0, modulator = 0, reward_phase = 0;
    std::string cue_name, actor_name, modulator_name, decide_phase_name, reward_phase_name;
    double cue_rate = 1.0, action_current = 2.0, epsilon = 0.1, reward = 1.0, punishment = -1.0;
    bound_signal actor_rates;

    bool uses_protocol() const override { return true; }
    bool resumable() const override { return true; }
    void run(task_run& r) override;
    std::string describe() const override;
    std::string summary() const override { return summary_; }
    std::map<std::string, double> metrics() const override { return metrics_; }

private:
    std::string summary_;
    std::map<std::string, double> metrics_;
};

void choice_run::run(task_run& r) {
    if (!r.trials) throw std::logic_error("choice task without a protocol");
    network& net = r.net;
    rng gen(seed, "choice_task");
    std::vector<std::size_t> correct_action(n_cues);
    for (std::size_t c = 0; c < n_cues; ++c) correct_action[c] = c % n_actions;
    for (std::size_t c = n_cues; c > 1; --c) std::swap(correct_action[c - 1], correct_action[gen.below(c)]);

    task_table& curve = r.outputs.add_task_table("learning_curve", "trials", {"correct", "greedy_correct", "explored"});
    task_table& trial_table = r.outputs.add_task_table("trials", "trial", {"cue", "greedy", "choice", "correct"});
    std::vector<double> cue(n_cues, 0.0), action(n_actions, 0.0);
    std::size_t cue_now = 0, greedy = 0, choice = 0;
    bool explored = false;
    const std::size_t decide = static_cast<std::size_t>(std::find_if(net.model().phases.begin(), net.model().phases.end(),
                                                                     [&](const lowered_phase& p) { return p.name == decide_phase_name; }) -
                                                        net.model().phases.begin());
    r.trials->on_phase_end([&](std::size_t k, double, const double*) {
        if (k == decide) {
            const std::vector<double>& y = *net.plasticity().snapshot(actor_rates);
            greedy = static_cast<std::size_t>(std::max_element(y.begin(), y.end()) - y.begin());
            explored = gen.uniform() < epsilon;
            choice = explored ? static_cast<std::size_t>(gen.below(n_actions)) : greedy;
            std::fill(action.begin(), action.end(), 0.0);
            action[choice] = action_current;
            net.set_input(action_input, action.data());
        }
        if (k + 1 == reward_phase)
            net.set_modulator(modulator, choice == correct_action[cue_now] ? reward : punishment);
    });

    const auto t0 = std::chrono::steady_clock::now();
    std::deque<bool> recent;
    double block[3] = {0.0, 0.0, 0.0};
    std::size_t in_block = 0, t = 1;
    if (r.resume) {
        // After the block the checkpoint ended: the generator (the permutation above was
        // drawn before it) and the greedy choices of the accuracy window.
        r.resume->rng_into("task/rng", gen);
        t = static_cast<std::size_t>(r.resume->u64("task/trials_done")) + 1;
        for (std::uint64_t ok : r.resume->u64s("task/recent")) recent.push_back(ok != 0);
    }
    for (; t <= trials; ++t) {
        r.stop.poll(r.sim.time());
        cue_now = static_cast<std::size_t>(gen.below(n_cues));
        std::fill(cue.begin(), cue.end(), 0.0);
        cue[cue_now] = cue_rate;
        std::fill(action.begin(), action.end(), 0.0);
        net.set_input(cue_input, cue.data());
        net.set_input(action_input, action.data());
        r.trials->run_trial();
        net.clear_modulator(modulator);
        const bool ok = choice == correct_action[cue_now];
        trial_table.write(static_cast<double>(t), {static_cast<double>(cue_now), static_cast<double>(greedy),
                                                   static_cast<double>(choice), ok ? 1.0 : 0.0});
        block[0] += ok;
        block[1] += greedy == correct_action[cue_now];
        block[2] += explored;
        recent.push_back(greedy == correct_action[cue_now]);
        if (recent.size() > window) recent.pop_front();
        if (++in_block == block_trials || t == trials) {
            const double n = static_cast<double>(in_block);
            curve.write(static_cast<double>(t), {block[0] / n, block[1] / n, block[2] / n});
            r.outputs.end_block();  // a killed run keeps every completed block
            if (r.options.show_progress) {
                char buf[200];
                std::snprintf(buf, sizeof buf, "%7zu / %zu trials: %5.1f%% greedy choices correct  %s\n", t, trials,
                              100.0 * block[1] / n,
                              elapsed_and_left(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
                                               static_cast<double>(t), static_cast<double>(trials))
                                  .c_str());
                r.log << buf << std::flush;
            }
            std::fill(block, block + 3, 0.0);
            in_block = 0;
            if (r.checkpoint && t < trials)
                r.checkpoint([&](state_writer& w) {
                    w.put_rng("task/rng", gen);
                    w.put_u64("task/trials_done", t);
                    w.put_u64("task/recent", std::vector<std::uint64_t>(recent.begin(), recent.end()));
                });
        }
    }
    const double acc = static_cast<double>(std::count(recent.begin(), recent.end(), true)) /
                       static_cast<double>(std::max<std::size_t>(1, recent.size()));
    metrics_["trials"] = static_cast<double>(trials);
    metrics_["greedy_accuracy_window"] = acc;
    char line[200];
    std::snprintf(line, sizeof line, "choice: %.2f%% greedy choices correct over the last %zu trials (chance %.2f%%)",
                  100.0 * acc, recent.size(), 100.0 / static_cast<double>(n_actions));
    summary_ = line;
}

std::string choice_run::describe() const {
    char buf[600];
    std::snprintf(buf, sizeof buf,
                  "choice among %zu actions of '%s' for %zu cues on '%s', up to %zu trials; chosen at the end of "
                  "phase '%s' (epsilon %g); '%s' = %g (correct) or %g (wrong) in phase '%s'",
                  n_actions, actor_name.c_str(), n_cues, cue_name.c_str(), trials, decide_phase_name.c_str(), epsilon,
                  modulator_name.c_str(), reward, punishment, reward_phase_name.c_str());
    return buf;
}

std::unique_ptr<task> make(param_reader& r, network& net, const model_desc& desc) {
    auto t = std::make_unique<choice_run>();
    t->seed = desc.simulation.seed.value;
    std::vector<std::string> phases;
    for (const auto& ph : net.model().phases) phases.push_back(ph.name);
    if (phases.size() < 2)
        throw model_error(r.where(), "task 'choice' needs a protocol of at least two [[phase]]s (a decision "
                                     "and a reward phase), the model has " + std::to_string(phases.size()));
    t->cue_name = r.required_string("cue");
    const std::size_t cue_pop = task_population(net, t->cue_name, r.loc_of("cue"), "cue", "input");
    t->actor_name = r.required_string("actor");
    const std::size_t actor_pop = task_population(net, t->actor_name, r.loc_of("actor"), "actor");
    if (net.model().populations[actor_pop].model->kind == neuron_kind::input)
        r.fail("actor", "the actor must be a population of neurons, not an input population");
    t->n_cues = net.model().populations[cue_pop].size;
    t->n_actions = net.model().populations[actor_pop].size;
    if (t->n_actions < 2) r.fail("actor", "a choice needs at least 2 actions (neurons), '" + t->actor_name + "' has 1");
    t->modulator_name = r.required_string("modulator");
    std::vector<std::string> mods;
    for (const auto& n : desc.neuromodulators) mods.push_back(n.name.value);
    if (std::find(mods.begin(), mods.end(), t->modulator_name) == mods.end())
        r.fail("modulator", "unknown neuromodulator '" + t->modulator_name + "'; the model declares " +
                                (mods.empty() ? std::string("none (add a [[neuromodulator]])")
                                              : one_of(mods) + did_you_mean(t->modulator_name, mods)));
    t->modulator = net.modulator_index(t->modulator_name);
    t->decide_phase_name = r.choice("decide_phase", phases.front(), phases);
    t->reward_phase_name = r.choice("reward_phase", phases.back(), phases);
    t->reward_phase = static_cast<std::size_t>(std::find(phases.begin(), phases.end(), t->reward_phase_name) - phases.begin());
    const auto decide = static_cast<std::size_t>(std::find(phases.begin(), phases.end(), t->decide_phase_name) - phases.begin());
    if (t->reward_phase <= decide)
        r.fail("reward_phase", "the reward phase must come after the decision phase ('" + t->decide_phase_name + "')");
    constexpr std::int64_t max_trials = 1000000000;
    t->trials = static_cast<std::size_t>(r.count("trials", 1000, 1, max_trials));
    t->trials_loc = r.loc_of("trials");
    t->block_trials = static_cast<std::size_t>(r.count("block_trials", 100, 1, max_trials));
    t->window = static_cast<std::size_t>(r.count("accuracy_window", 100, 1, max_trials));
    t->cue_rate = r.number("cue_rate", 1.0);
    t->action_current = r.number("action_current", 2.0);
    t->epsilon = r.number("epsilon", 0.1, param_bound::unit_interval);
    t->reward = r.number("reward", 1.0);
    t->punishment = r.number("punishment", -1.0);
    t->actor_rates = net.plasticity().request(actor_pop, "rate@" + t->decide_phase_name);
    t->cue_input = net.add_input("cue", cue_pop, network::input_mode::rate);
    t->action_input = net.add_input("action", actor_pop, network::input_mode::current, soma_slot);
    return t;
}

} // namespace

task_kind choice_task_kind() {
    return {"choice", "choose an action for a cue, rewarded through a neuromodulator (a contextual bandit)", make};
}

} // namespace cortexsim
