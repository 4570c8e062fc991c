// Issue 4 bench: trials to criterion of the six-layer column on a symbol stream, every setting
// a key=value knob (bench/README.md lists them). The trial loop is the library's
// (train_sequence), as in `[task] kind = "sequence"`; this program only adds diagnostics.
// Defaults (issue 4 tuning, Reber, seeds 1-5, 75 + 25 ms phases): h 128, eta 0.03, etactx 0.6,
// theta.L6 0.5 reach criterion at 4500 1400 5100 2600 1700 trials; the template's h 48, eta 0.02,
// theta.L6 1 (h=48 eta=0.02 theta.L6=1) at 18500 >20000 8900 >20000 11500.
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "circuits/lowered_model.hpp"
#include "circuits/tasks/sequence_prediction.hpp"
#include "circuits/tasks/sequence_training.hpp"
#include "cortex_models/six_layer_column.hpp"

using namespace cortexsim;

int main(int argc, char** argv) {
    std::map<std::string, std::string> kv;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto eq = a.find('=');
        kv[a.substr(0, eq)] = eq == std::string::npos ? "1" : a.substr(eq + 1);
    }
    auto num = [&](const std::string& k, double d) { return kv.count(k) ? std::atof(kv[k].c_str()) : d; };
    const std::string task_kind = kv.count("task") ? kv["task"] : "cyclic";
    const long trials = static_cast<long>(num("trials", 2000));
    const std::uint64_t seed = static_cast<std::uint64_t>(num("seed", 1));

    sequence_source source = task_kind == "cyclic"
                                 ? sequence_source::cyclic(kv.count("cycle") ? kv["cycle"] : "ABCDE")
                                 : sequence_source::reber(seed);
    const std::size_t n_symbols = source.n_symbols();

    model_desc m;
    m.simulation.seed = seed;
    m.solver.method = std::string("euler");
    m.solver.dt_ms = num("dt", 0.1);
    column_spec c;
    c.name = "col";
    const long n = static_cast<long>(n_symbols), h = static_cast<long>(num("h", 128));
    c.sizes = {{"relay", n}, {"pulvinar", n}, {"L4", h}, {"L23", h}, {"L5", h}, {"L6", h}};
    c.ct_self_context = num("self", 1) != 0;
    c.dale = num("dale", 0) != 0;
    c.p_connect = num("p", 1.0);
    if (kv.count("beta")) c.transfer_params["beta"] = num("beta", 4.0);
    if (kv.count("theta")) c.transfer_params["theta"] = num("theta", 1.0);
    if (kv.count("beta.pulvinar")) c.pulvinar_beta = num("beta.pulvinar", 2.0);
    for (const auto& [key, g] : column_pathway_strengths())
        if (kv.count("g." + key)) c.strengths[key] = num("g." + key, g);
    add_six_layer_column(m, c);
    // per-pathway overrides: w.<src>-><tgt>=high, p.<src>-><tgt>=prob
    for (auto& d : m.projections) {
        std::string src = d.source.value.substr(4), tgt = d.target.value.substr(4);
        std::string key = src + "->" + tgt;
        if (kv.count("w." + key)) {
            double w = std::atof(kv["w." + key].c_str());
            if (d.sign.value == "inhibitory") d.weights.params["low"] = -w;
            else d.weights.params["high"] = w;
        }
        if (kv.count("lo." + key)) d.weights.params["low"] = std::atof(kv["lo." + key].c_str());
        if (kv.count("p." + key)) {
            d.connectivity = std::string("fixed_probability");
            d.probability = std::atof(kv["p." + key].c_str());
        }
    }
    for (auto& p : m.populations) {
        std::string t = p.name.value.substr(4);
        if (kv.count("theta." + t)) p.transfer_params["theta"] = std::atof(kv["theta." + t].c_str());
        if (kv.count("beta." + t)) p.transfer_params["beta"] = std::atof(kv["beta." + t].c_str());
        if (kv.count("gA." + t)) p.params["g_A"] = std::atof(kv["gA." + t].c_str());
        if (kv.count("gmod." + t)) p.params["g_mod"] = std::atof(kv["gmod." + t].c_str());
    }
    network net(lower(m));
    sequence_task_options o;
    o.eta = num("eta", 0.03);
    o.g_drive = num("gdrive", 3.0);
    o.relay_current = num("relay", 4.0);
    o.threshold = num("thr", 0.25);
    o.learn = num("learn", 1) != 0;
    o.eta_context = num("etactx", 0.6);
    o.learn_context = num("learnctx", 1) != 0;
    o.context_current = num("current", 0) != 0;
    o.thalamic_loop = num("loop", 1) != 0;
    o.minus_ms = num("minus", 75.0);
    o.plus_ms = num("plus", 25.0);
    o.eta_decay_trials = num("anneal", 0.0);
    o.eta_floor = num("floor", 0.0);
    o.normalize_presynaptic = num("nlms", 0) != 0;
    o.normalize_eps = num("nlms.eps", 0.01);
    o.context_rate = num("ctxrate", 1.0);
    o.eta_l5 = num("eta5", 0.0);
    o.momentum = num("mom", 0.0);
    o.u_on = num("uon", 4.0);
    o.u_off = num("uoff", -2.0);
    sequence_prediction_task task(net, "col", n_symbols, o);
    sequence_training_options training;
    training.max_trials = static_cast<std::size_t>(trials);
    training.block_trials = static_cast<std::size_t>(num("block", 100));
    const long freeze = static_cast<long>(num("freeze", 1e9)), show = static_cast<long>(num("show", 0));
    // Errors by grammar state (the state the prediction was made in) over the last 1,000 trials.
    std::map<std::size_t, long> tally_n, tally_err;
    std::map<std::size_t, std::map<symbol_mask, long>> tally_pred;
    std::size_t state_before = source.state();
    auto on_trial = [&](std::size_t trial, const sequence_step& s, symbol_mask legal,
                        const sequence_prediction_task::trial_result& r) {
        const long t = static_cast<long>(trial);
        if (t > trials - 1000) {
            tally_n[state_before]++;
            tally_err[state_before] += !r.correct;
            if (!r.correct) tally_pred[state_before][r.predicted]++;
        }
        state_before = s.state;
        if (t > trials - show) {
            auto pr = [](const char* name, const Eigen::VectorXd& v) {
                std::printf("  %s", name);
                for (Eigen::Index i = 0; i < v.size(); ++i) std::printf(" %.2f", v[i]);
                std::printf("\n");
            };
            std::printf("trial %ld symbol %zu legal %x correct %d\n", t, s.symbol, legal, int(r.correct));
            pr("pulv-", r.pulvinar_minus);
            pr("pulv+", r.pulvinar_plus);
            pr("L5+  ", r.l5_plus);
            pr("L6-  ", r.l6_minus);
            pr("L6+  ", r.l6_plus);
        }
        if (t + 1 == freeze) task.set_learning(false);  // learning off from trial `freeze` on
    };
    auto on_block = [](const sequence_block& b) {
        std::printf("trial %6zu errors %3zu pe %.4f\n", b.trials_done, b.errors, b.thalamic_prediction_error);
        std::fflush(stdout);
    };
    if (freeze <= 1) task.set_learning(false);
    const sequence_training_result result = train_sequence(task, source, training, on_block, on_trial);
    if (result.trials_to_criterion > 0) {
        std::printf("criterion at %zu\n", result.trials_to_criterion);
        return 0;
    }
    for (auto& [st, nn] : tally_n) {
        std::printf("state %zu: %ld/%ld wrong;", st, tally_err[st], nn);
        for (auto& [mask, count] : tally_pred[st]) std::printf(" %x:%ld", mask, count);
        std::printf("\n");
    }
    std::printf("no criterion\n");
    return 1;
}
