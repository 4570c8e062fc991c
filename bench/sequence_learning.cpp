// Experiment driver (temporary knobs): column sequence learning.
// Defaults (issue 4 tuning, Reber, seeds 1-5, 75 + 25 ms phases): h 128, eta 0.03, etactx 0.6,
// theta.L6 0.5 reach criterion at 4500 1400 5100 2600 1700 trials; the template's h 48, eta 0.02,
// theta.L6 1 (h=48 eta=0.02 theta.L6=1) at 18500 >20000 8900 >20000 11500.
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "circuits/lowered_model.hpp"
#include "circuits/tasks/sequence_prediction.hpp"
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

    std::size_t n_symbols = 7;
    reber_grammar reber(seed, "reber");
    cyclic_sequence cyc = cyclic_sequence::from_letters(kv.count("cycle") ? kv["cycle"] : "ABCDE");
    if (task_kind == "cyclic") n_symbols = cyc.n_symbols();

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
    const long block = static_cast<long>(num("block", 100));
    long errors = 0, zero_blocks = 0;
    double pe = 0;
    std::map<std::size_t, long> tally_n, tally_err;
    std::map<std::size_t, std::map<symbol_mask, long>> tally_pred;
    auto report = [&] {
        for (auto& [st, nn] : tally_n) {
            std::printf("state %zu: %ld/%ld wrong;", st, tally_err[st], nn);
            for (auto& [m, c] : tally_pred[st]) std::printf(" %x:%ld", m, c);
            std::printf("\n");
        }
    };
    std::size_t state = task_kind == "cyclic" ? cyc.period() - 1 : reber.state();
    for (long t = 1; t <= trials; ++t) {
        symbol_mask legal = task_kind == "cyclic" ? cyc.legal_successors(state) : reber.legal_successors(state);
        sequence_step s = task_kind == "cyclic" ? cyc.next() : reber.next();
        const std::size_t state_before = state;
        if (t == static_cast<long>(num("freeze", 1e9))) task.set_learning(false);
        auto r = task.trial(s.symbol, legal);
        state = s.state;
        errors += !r.correct;
        if (t > trials - 1000) { tally_n[state_before]++; tally_err[state_before] += !r.correct; if (!r.correct) tally_pred[state_before][r.predicted]++; }
        if (t > trials - static_cast<long>(num("show", 0))) {
            auto pr = [](const char* n, const Eigen::VectorXd& v) {
                std::printf("  %s", n);
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
        pe += r.prediction_error;
        if (t % block == 0) {
            std::printf("trial %6ld errors %3ld pe %.4f\n", t, errors, pe / block);
            std::fflush(stdout);
            zero_blocks = errors == 0 ? zero_blocks + 1 : 0;
            if (zero_blocks == 2) {
                std::printf("criterion at %ld\n", t);
                return 0;
            }
            errors = 0;
            pe = 0;
        }
    }
    report();
    std::printf("no criterion\n");
    return 1;
}
