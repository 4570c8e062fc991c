#pragma once
/// Templates by kind: a `[[<kind>]]` section of a model file is expanded by the template
/// registered under that kind into plain populations, projections (and, where the template
/// needs them, references to the protocol's phases). Adding a template is one file with its
/// expand function plus one registration line (template_registry.cpp, builtin_templates());
/// tests and programs may add their own with template_registry::add.

#include <any>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/model_desc.hpp"
#include "core/registry.hpp"

namespace cortexsim {

/// What templates expanded earlier in the same model export by name, for later ones: a
/// `[[column_link]]` finds its columns' layouts here (the column's roles), instead of
/// reconstructing population names.
class template_exports {
public:
    void put(const std::string& kind, const std::string& name, std::any value);
    /// nullptr when nothing of that kind and name was exported.
    const std::any* find(const std::string& kind, const std::string& name) const;
    std::vector<std::string> names(const std::string& kind) const;

private:
    std::map<std::pair<std::string, std::string>, std::any> values_;
};

struct template_kind {
    std::string name;     ///< the section name, e.g. "column"
    std::string summary;  ///< one line, for docs and messages
    /// Appends the expansion of `section` to `model`; reads `section.params` with a
    /// param_reader and throws model_error at the offending key.
    std::function<void(model_desc& model, const section_desc& section, template_exports& exports)>
        expand;
};

using template_registry = registry<template_kind>;

/// The registry with cortexsim's templates (microcircuit, column, column_link); programs may
/// add to it before loading models.
template_registry& default_templates();

/// Expands and removes every template of `model`, in the order written. Throws model_error for
/// an unknown kind (with a hint) or invalid template settings.
void expand_templates(model_desc& model, const template_registry& registry = default_templates());

} // namespace cortexsim
