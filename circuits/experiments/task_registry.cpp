#include <stdexcept>

#include "circuits/experiments/task.hpp"
#include "core/errors.hpp"
#include "core/param_tree.hpp"

namespace cortexsim {

// One line per task kind; each factory lives in tasks/<name>_task.cpp.
task_kind teacher_student_task_kind();
task_kind sequence_task_kind();
task_kind classification_task_kind();
task_kind choice_task_kind();

task_registry& default_tasks() {
    static task_registry kinds = [] {
        task_registry r("task kind");
        r.add(teacher_student_task_kind());
        r.add(sequence_task_kind());
        r.add(classification_task_kind());
        r.add(choice_task_kind());
        return r;
    }();
    return kinds;
}

std::unique_ptr<task> make_task(const section_desc& section, network& net, const model_desc& desc,
                                param_value& resolved, const task_registry& registry) {
    resolved = param_value::make_table(section.loc);
    if (section.kind.value == "none") {
        if (!section.params.entries.empty())
            throw model_error(section.params.entries.front().value.loc, "task 'none' takes no settings");
        return nullptr;
    }
    const task_kind* kind = registry.find(section.kind.value);
    if (!kind)
        throw model_error(section.kind.loc, "unknown task '" + section.kind.value + "'; expected " +
                                                one_of(registry.names()) +
                                                did_you_mean(section.kind.value, registry.names()));
    param_value params = section.params;
    if (params.loc.path.empty()) params.loc = section.loc;
    param_reader r(params, "task '" + kind->name + "'");
    std::unique_ptr<task> t = kind->make(r, net, desc);
    r.finish();
    resolved = r.resolved();
    return t;
}

std::size_t task_population(const network& net, const std::string& name, const source_loc& where,
                            const std::string& role, const std::string& kind) {
    std::vector<std::string> names;
    for (const auto& p : net.model().populations) names.push_back(p.name);
    for (std::size_t p = 0; p < names.size(); ++p) {
        if (names[p] != name) continue;
        const auto& model = *net.model().populations[p].model;
        if (!kind.empty() && model.name != kind)
            throw model_error(where, "the " + role + " population '" + name + "' must be " +
                                         (kind == "input" ? "an " : "a ") + kind + " population, it is '" +
                                         model.name + "'");
        return p;
    }
    if (name.empty()) throw model_error(where, "the task needs its " + role + " population");
    throw model_error(where, "unknown population '" + name + "'" + did_you_mean(name, names));
}

} // namespace cortexsim
