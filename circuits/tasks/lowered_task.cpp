#include "circuits/tasks/lowered_task.hpp"

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
        if (!(v.value > 0) || !std::isfinite(v.value) ||
            (it->second.integer && v.value != std::floor(v.value)))
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
    if (d.kind.value == "teacher_student")
        for (const auto& [k, s] : teacher_student_settings())
            if (!out.params.count(k)) out.params[k] = located<double>(s.fallback, d.loc);
    return out;
}

lowered_task lower_task(const task_desc& d, const network& net) {
    lowered_task out;
    if (d.kind.value == "none") return out;
    if (d.kind.value != "teacher_student")
        throw model_error(d.kind.loc, "unknown task '" + d.kind.value + "'; expected 'teacher_student'" +
                                          did_you_mean(d.kind.value, {"teacher_student"}));
    out.kind = task_kind::teacher_student;
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
