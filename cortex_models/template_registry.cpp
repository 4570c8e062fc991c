#include "cortex_models/template_registry.hpp"

#include <stdexcept>

#include "core/errors.hpp"

namespace cortexsim {

// Each built-in template's expand function lives in its own file.
void expand_microcircuit_section(model_desc&, const section_desc&, template_exports&);
void expand_column_section(model_desc&, const section_desc&, template_exports&);
void expand_column_link_section(model_desc&, const section_desc&, template_exports&);

void template_exports::put(const std::string& kind, const std::string& name, std::any value) {
    values_[{kind, name}] = std::move(value);
}

const std::any* template_exports::find(const std::string& kind, const std::string& name) const {
    auto it = values_.find({kind, name});
    return it == values_.end() ? nullptr : &it->second;
}

std::vector<std::string> template_exports::names(const std::string& kind) const {
    std::vector<std::string> out;
    for (const auto& [key, _] : values_)
        if (key.first == kind) out.push_back(key.second);
    return out;
}

template_registry& default_templates() {
    static template_registry kinds = [] {
        template_registry r("template kind");
        r.add({"microcircuit", "layered dendritic error microcircuit (Sacramento et al. 2018)",
               expand_microcircuit_section});
        r.add({"column", "six-layer cortical column with its thalamic loop (O'Reilly et al. 2021)",
               expand_column_section});
        r.add({"column_link", "feedforward and feedback pathways between two columns",
               expand_column_link_section});
        return r;
    }();
    return kinds;
}

void expand_templates(model_desc& model, const template_registry& registry) {
    template_exports exports;
    std::vector<section_desc> sections = std::move(model.templates);
    model.templates.clear();
    for (const section_desc& s : sections) {
        const template_kind* kind = registry.find(s.kind.value);
        if (!kind)
            throw model_error(s.kind.loc, "unknown template '" + s.kind.value + "'; expected " +
                                              one_of(registry.names()) +
                                              did_you_mean(s.kind.value, registry.names()));
        kind->expand(model, s, exports);
    }
}

} // namespace cortexsim
