#include "circuits/tasks/lowered_task.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>

#include "core/errors.hpp"

namespace cortexsim {

namespace {
/// Settings of a task kind: name -> default; `integer` ones must be whole and positive.
struct setting {
    double fallback;
    bool integer;
    bool any_sign = false;  ///< finite values of any sign (a potential), else > 0
};

// Defaults: the paper's task (Sacramento et al. 2018, Sec. 3) at CI-friendly length.
const std::map<std::string, setting>& teacher_student_settings() {
    static const std::map<std::string, setting> s = {
        {"n_train", {1000, true}},          {"n_test", {50, true}},
        {"eval_every", {100, true}},        {"present_ms", {30.0, false}},
        {"n_hidden_teacher", {20, true}},   {"teacher_w1_scale", {5.0, false}},
        {"teacher_w2_scale", {2.0, false}}, {"g_som", {0.8, false}}};
    return s;
}

// The column's predictive-learning trial (sequence_prediction.hpp) and the FSA criterion of
// O'Reilly et al. 2021 as the issue states it; learning rates tuned in bench/sequence_learning.
const std::map<std::string, setting>& sequence_settings() {
    static const std::map<std::string, setting> s = {
        {"trials", {10000, true}},      {"block_trials", {100, true}},
        {"criterion_blocks", {2, true}}, {"minus_ms", {75.0, false}},
        {"plus_ms", {25.0, false}},      {"eta", {0.03, false}},
        {"eta_context", {0.6, false}},   {"threshold", {0.25, false}},
        {"relay_current", {4.0, false}}, {"u_on", {4.0, false, true}},
        {"u_off", {-2.0, false, true}},  {"g_drive", {3.0, false}}};
    return s;
}

const std::vector<std::string>& sequence_kinds() {
    static const std::vector<std::string> k = {"reber", "embedded_reber", "cyclic"};
    return k;
}
const std::vector<std::string>& ablations() {
    static const std::vector<std::string> a = {"none", "context_current", "no_thalamic_loop",
                                               "no_plasticity", "no_context_learning"};
    return a;
}

std::map<std::string, double> resolve(const task_desc& d, const std::map<std::string, setting>& known) {
    std::vector<std::string> names;
    for (const auto& [k, _] : known) names.push_back(k);
    std::map<std::string, double> out;
    for (const auto& [k, s] : known) out[k] = s.fallback;
    for (const auto& [k, v] : d.params) {
        auto it = known.find(k);
        if (it == known.end())
            throw model_error(v.loc, "unknown setting '" + k + "' of task '" + d.kind.value +
                                         "'; it has " + one_of(names) + did_you_mean(k, names));
        if (it->second.any_sign && !std::isfinite(v.value))
            throw model_error(v.loc, "must be a finite number");
        if (!it->second.any_sign && (!(v.value > 0) || !std::isfinite(v.value) ||
                                     (it->second.integer && v.value != std::floor(v.value))))
        {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%g", v.value);
            throw model_error(v.loc, std::string("must be a positive ") +
                                         (it->second.integer ? "integer" : "number") + ", got " + buf);
        }
        out[k] = v.value;
    }
    return out;
}

void check_population(const network& net, const located<std::string>& name, bool pyramidal,
                      const std::string& role) {
    if (name.value.empty()) throw model_error(name.loc, "the task needs its " + role + " population");
    std::vector<std::string> names;
    for (const auto& p : net.model().populations) names.push_back(p.name);
    for (const auto& p : net.model().populations) {
        if (p.name != name.value) continue;
        const bool is_pyr = p.model->kind == neuron_kind::pyramidal;
        const bool is_in = p.model->kind == neuron_kind::input;
        if (pyramidal && !is_pyr)
            throw model_error(name.loc, "the " + role + " population '" + name.value +
                                            "' must be pyramidal, it is '" + p.model->name + "'");
        if (!pyramidal && !is_in)
            throw model_error(name.loc, "the " + role + " population '" + name.value +
                                            "' must be an input population, it is '" +
                                            p.model->name + "'");
        return;
    }
    throw model_error(name.loc, "unknown population '" + name.value + "'" + did_you_mean(name.value, names));
}
} // namespace

task_desc fill_task_defaults(const task_desc& d) {
    task_desc out = d;
    const auto* settings = d.kind.value == "teacher_student" ? &teacher_student_settings()
                           : d.kind.value == "sequence"      ? &sequence_settings()
                                                             : nullptr;
    if (settings)
        for (const auto& [k, s] : *settings)
            if (!out.params.count(k)) out.params[k] = located<double>(s.fallback, d.loc);
    return out;
}

sequence_source lowered_task::make_source() const {
    if (sequence == "cyclic") return sequence_source::cyclic(cycle);
    if (sequence == "embedded_reber") return sequence_source::embedded_reber(seed);
    return sequence_source::reber(seed);
}

namespace {
void reject_if_written(const located<std::string>& key, const char* name, const std::string& kind) {
    if (key.loc.line > 0 && !key.loc.defaulted)
        throw model_error(key.loc, "task '" + kind + "' takes no " + name);
}

lowered_task lower_sequence_task(const task_desc& d, const network& net) {
    lowered_task out;
    out.kind = task_kind::sequence;
    reject_if_written(d.input, "input", "sequence");
    reject_if_written(d.hidden, "hidden", "sequence");
    reject_if_written(d.output, "output", "sequence");
    reject_if_written(d.dataset, "dataset", "sequence");
    if (d.column.value.empty()) throw model_error(d.loc, "task 'sequence' needs a column (the [[column]] that learns)");
    std::vector<std::string> columns;
    for (const auto& p : net.model().populations) {
        const auto dot = p.name.rfind(".pulvinar");
        if (dot != std::string::npos && dot + 9 == p.name.size()) columns.push_back(p.name.substr(0, dot));
    }
    if (std::find(columns.begin(), columns.end(), d.column.value) == columns.end())
        throw model_error(d.column.loc, "unknown column '" + d.column.value + "'" +
                                            (columns.empty() ? std::string("; the model has no [[column]]")
                                                             : did_you_mean(d.column.value, columns)));
    if (std::find(sequence_kinds().begin(), sequence_kinds().end(), d.sequence.value) == sequence_kinds().end())
        throw model_error(d.sequence.loc, "unknown sequence '" + d.sequence.value + "'; expected " +
                                              one_of(sequence_kinds()) + did_you_mean(d.sequence.value, sequence_kinds()));
    if (d.sequence.value == "cyclic") {
        if (d.cycle.value.empty()) throw model_error(d.loc, "sequence 'cyclic' needs a cycle, e.g. cycle = \"ABCDE\"");
        for (char c : d.cycle.value)
            if (!std::isalpha(static_cast<unsigned char>(c)))
                throw model_error(d.cycle.loc, "a cycle is a string of letters, got '" + d.cycle.value + "'");
    } else if (d.cycle.loc.line > 0 && !d.cycle.loc.defaulted) {
        throw model_error(d.cycle.loc, "cycle applies to sequence = \"cyclic\" only");
    }
    if (std::find(ablations().begin(), ablations().end(), d.ablation.value) == ablations().end())
        throw model_error(d.ablation.loc, "unknown ablation '" + d.ablation.value + "'; expected " +
                                              one_of(ablations()) + did_you_mean(d.ablation.value, ablations()));
    out.column = d.column.value;
    out.sequence = d.sequence.value;
    out.cycle = d.cycle.value;
    out.seed = net.model().seed;
    const std::size_t n_symbols = out.make_source().n_symbols();
    for (const char* type : {"relay", "pulvinar"}) {
        const std::size_t p = net.population_index(out.column + "." + type);
        if (net.model().populations[p].size != n_symbols)
            throw model_error(d.column.loc, "column '" + out.column + "' has " +
                                                std::to_string(net.model().populations[p].size) + " " +
                                                type + " neurons; sequence '" + out.sequence + "' needs " +
                                                std::to_string(n_symbols) + ", one per symbol (set sizes." +
                                                type + ")");
    }
    const auto v = resolve(d, sequence_settings());
    sequence_task_options& o = out.sequence_task;
    o.minus_ms = v.at("minus_ms");
    o.plus_ms = v.at("plus_ms");
    o.eta = v.at("eta");
    o.eta_context = v.at("eta_context");
    o.threshold = v.at("threshold");
    o.relay_current = v.at("relay_current");
    o.u_on = v.at("u_on");
    o.u_off = v.at("u_off");
    o.g_drive = v.at("g_drive");
    const std::string& a = d.ablation.value;
    o.context_current = a == "context_current";
    o.thalamic_loop = a != "no_thalamic_loop";
    o.learn = a != "no_plasticity";
    o.learn_context = a != "no_context_learning";
    out.training.max_trials = static_cast<std::size_t>(v.at("trials"));
    out.training.block_trials = static_cast<std::size_t>(v.at("block_trials"));
    out.training.criterion_blocks = static_cast<std::size_t>(v.at("criterion_blocks"));
    return out;
}
} // namespace

lowered_task lower_task(const task_desc& d, const network& net) {
    lowered_task out;
    if (d.kind.value == "none") return out;
    if (d.kind.value == "sequence") return lower_sequence_task(d, net);
    if (d.kind.value != "teacher_student")
        throw model_error(d.kind.loc, "unknown task '" + d.kind.value +
                                          "'; expected 'teacher_student' or 'sequence'" +
                                          did_you_mean(d.kind.value, {"teacher_student", "sequence"}));
    out.kind = task_kind::teacher_student;
    reject_if_written(d.column, "column", "teacher_student");
    reject_if_written(d.sequence, "sequence", "teacher_student");
    reject_if_written(d.cycle, "cycle", "teacher_student");
    reject_if_written(d.ablation, "ablation", "teacher_student");
    if (d.dataset.loc.line > 0 && !d.dataset.loc.defaulted)
        throw model_error(d.dataset.loc, "task 'teacher_student' makes its own data and takes no dataset");
    check_population(net, d.input, false, "input");
    check_population(net, d.hidden, true, "hidden");
    check_population(net, d.output, true, "output");
    out.input = d.input.value;
    out.hidden = d.hidden.value;
    out.output = d.output.value;
    const auto v = resolve(d, teacher_student_settings());
    teacher_student_options& o = out.teacher_student;
    o.n_train = static_cast<std::size_t>(v.at("n_train"));
    o.n_test = static_cast<std::size_t>(v.at("n_test"));
    o.eval_every = static_cast<std::size_t>(v.at("eval_every"));
    o.present_ms = v.at("present_ms");
    o.n_hidden_teacher = static_cast<std::size_t>(v.at("n_hidden_teacher"));
    o.teacher_w1_scale = v.at("teacher_w1_scale");
    o.teacher_w2_scale = v.at("teacher_w2_scale");
    o.seed = net.model().seed;
    out.g_som = v.at("g_som");
    return out;
}

} // namespace cortexsim
