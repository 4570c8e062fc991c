#pragma once
// Helpers shared by the config tests: a scratch directory for model and CSV files, and a
// value-by-value comparison of descriptions that ignores source positions.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "core/model_desc.hpp"

namespace cortexsim::config::testing {

/// A fresh directory under the system temp dir, removed with everything in it afterwards.
struct scratch_dir {
    std::filesystem::path path;
    scratch_dir() {
        std::string tmpl =
            (std::filesystem::temp_directory_path() / "cortexsim_cfg_XXXXXX").string();
        REQUIRE(mkdtemp(tmpl.data()) != nullptr);
        path = tmpl;
    }
    ~scratch_dir() { std::filesystem::remove_all(path); }
    void write(const std::string& name, const std::string& text) const {
        std::ofstream(path / name) << text;
    }
};

inline void require_same_params(const param_table& a, const param_table& b) {
    REQUIRE(a.size() == b.size());
    for (const auto& [name, v] : a) {
        INFO(name);
        REQUIRE(b.count(name) == 1);
        CHECK(b.at(name).value == v.value);
    }
}

/// Equality of every value (not of positions, which change when the text is rewritten).
inline void require_same(const model_desc& a, const model_desc& b) {
    CHECK(a.simulation.name.value == b.simulation.name.value);
    CHECK(a.simulation.duration_ms.value == b.simulation.duration_ms.value);
    CHECK(a.simulation.seed.value == b.simulation.seed.value);
    CHECK(a.simulation.output.value == b.simulation.output.value);
    CHECK(a.simulation.plasticity_interval_ms.value == b.simulation.plasticity_interval_ms.value);
    CHECK(a.solver.method.value == b.solver.method.value);
    CHECK(a.solver.rtol.value == b.solver.rtol.value);
    CHECK(a.solver.atol.value == b.solver.atol.value);
    require_same_params(a.solver.atol_per_variable, b.solver.atol_per_variable);
    CHECK(a.solver.max_step_ms.value == b.solver.max_step_ms.value);
    CHECK(a.solver.dt_ms.value == b.solver.dt_ms.value);
    CHECK(a.solver.max_steps.value == b.solver.max_steps.value);
    CHECK(a.solver.max_order.value == b.solver.max_order.value);
    REQUIRE(a.populations.size() == b.populations.size());
    for (std::size_t i = 0; i < a.populations.size(); ++i) {
        const auto &p = a.populations[i], &q = b.populations[i];
        CHECK(p.name.value == q.name.value);
        CHECK(p.model.value == q.model.value);
        CHECK(p.size.value == q.size.value);
        CHECK(p.dendrites.value == q.dendrites.value);
        CHECK(p.transfer.value == q.transfer.value);
        require_same_params(p.transfer_params, q.transfer_params);
        require_same_params(p.params, q.params);
        require_same_params(p.initial, q.initial);
        REQUIRE(p.context.from.size() == q.context.from.size());
        for (std::size_t j = 0; j < p.context.from.size(); ++j) CHECK(p.context.from[j].value == q.context.from[j].value);
        CHECK(p.context.at.value == q.context.at.value);
        CHECK(p.context.mix.value == q.context.mix.value);
    }
    REQUIRE(a.projections.size() == b.projections.size());
    for (std::size_t i = 0; i < a.projections.size(); ++i) {
        const auto &p = a.projections[i], &q = b.projections[i];
        CHECK(p.name.value == q.name.value);
        CHECK(p.source.value == q.source.value);
        CHECK(p.target.value == q.target.value);
        CHECK(p.compartment.value == q.compartment.value);
        CHECK(p.connectivity.value == q.connectivity.value);
        CHECK(p.probability.value == q.probability.value);
        CHECK(p.indegree.value == q.indegree.value);
        CHECK(p.allow_autapses.value == q.allow_autapses.value);
        CHECK(p.weights.distribution.value == q.weights.distribution.value);
        require_same_params(p.weights.params, q.weights.params);
        CHECK(p.sign.value == q.sign.value);
        CHECK(p.type.value == q.type.value);
        CHECK(p.plasticity.rule.value == q.plasticity.rule.value);
        CHECK(same_values(p.plasticity.params, q.plasticity.params));
    }
    REQUIRE(a.stimuli.size() == b.stimuli.size());
    for (std::size_t i = 0; i < a.stimuli.size(); ++i) {
        const auto &s = a.stimuli[i], &t = b.stimuli[i];
        CHECK(s.name.value == t.name.value);
        CHECK(s.target.value == t.target.value);
        CHECK(s.mode.value == t.mode.value);
        CHECK(s.compartment.value == t.compartment.value);
        CHECK(s.times_ms == t.times_ms);
        CHECK(s.values == t.values);
        CHECK(s.start_ms.value == t.start_ms.value);
        CHECK(s.stop_ms.value == t.stop_ms.value);
        CHECK(s.g_som.value == t.g_som.value);
    }
    REQUIRE(a.records.size() == b.records.size());
    for (std::size_t i = 0; i < a.records.size(); ++i) {
        const auto &r = a.records[i], &s = b.records[i];
        CHECK(r.population.value == s.population.value);
        REQUIRE(r.variables.size() == s.variables.size());
        for (std::size_t j = 0; j < r.variables.size(); ++j)
            CHECK(r.variables[j].value == s.variables[j].value);
        CHECK(r.interval_ms.value == s.interval_ms.value);
        REQUIRE(r.neurons.size() == s.neurons.size());
        for (std::size_t j = 0; j < r.neurons.size(); ++j)
            CHECK(r.neurons[j].value == s.neurons[j].value);
        CHECK(r.sample.value == s.sample.value);
        CHECK(r.projection.value == s.projection.value);
        CHECK(r.what.value == s.what.value);
        CHECK(r.at.value == s.at.value);
    }
    REQUIRE(a.phases.size() == b.phases.size());
    for (std::size_t i = 0; i < a.phases.size(); ++i) {
        const auto &p = a.phases[i], &q = b.phases[i];
        CHECK(p.name.value == q.name.value);
        CHECK(p.duration_ms.value == q.duration_ms.value);
        REQUIRE(p.inputs.size() == q.inputs.size());
        for (std::size_t j = 0; j < p.inputs.size(); ++j) CHECK(p.inputs[j].value == q.inputs[j].value);
        REQUIRE(p.gains.size() == q.gains.size());
        for (std::size_t j = 0; j < p.gains.size(); ++j) {
            CHECK(p.gains[j].first == q.gains[j].first);
            CHECK(p.gains[j].second.value == q.gains[j].second.value);
        }
    }
    REQUIRE(a.templates.size() == b.templates.size());
    for (std::size_t i = 0; i < a.templates.size(); ++i) {
        CHECK(a.templates[i].kind.value == b.templates[i].kind.value);
        CHECK(same_values(a.templates[i].params, b.templates[i].params));
    }
    CHECK(a.task.kind.value == b.task.kind.value);
    CHECK(same_values(a.task.params, b.task.params));
}

} // namespace cortexsim::config::testing
