// docs/toml_reference.md cannot drift from the loader: every key the loader accepts has an
// entry in its section, checked against the catalogues the code itself uses, not a copy:
// - core's sections: the `all` key lists of core/config/keys.hpp (what the loader accepts and
//   its "did you mean" hints are built from);
// - neuron models: every model, parameter and recordable variable of neuron_catalogue();
// - registered rules, tasks and templates: every name in the registries, and every key their
//   readers ask for, learned the way a user would: by writing an unknown key into each
//   template, task and plasticity table of every example, whose error lists the keys the
//   reader knows ("...; it has 'a', 'b' or 'c'"). Rules may document their keys on their page
//   docs/rules/<rule>.md, which the reference links.
#include <catch2/catch.hpp>

#include <filesystem>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "circuits/experiments/session.hpp"
#include "circuits/experiments/task.hpp"
#include "circuits/plasticity/rule.hpp"
#include "compartments/neuron_model.hpp"
#include "core/config/keys.hpp"
#include "core/config/toml_loader.hpp"
#include "core/errors.hpp"
#include "cortex_models/template_registry.hpp"
#include "../file_text.hpp"

using namespace cortexsim;
using cortexsim::testing::slurp;
namespace fs = std::filesystem;

namespace {

const fs::path source_dir = CORTEXSIM_SOURCE_DIR;

/// The text under a heading line (exactly `heading`) up to the next heading of its level or
/// above; "" if the heading is absent.
std::string section(const std::string& doc, const std::string& heading) {
    const std::size_t at = doc.find("\n" + heading + "\n");
    if (at == std::string::npos) return "";
    const std::size_t level = heading.find(' ');
    std::size_t end = at + heading.size() + 2;
    for (;;) {
        end = doc.find("\n#", end);
        if (end == std::string::npos) return doc.substr(at);
        const std::size_t hashes = doc.find_first_not_of('#', end + 1) - (end + 1);
        if (hashes <= level && doc[end + 1 + hashes] == ' ') return doc.substr(at, end - at);
        ++end;
    }
}

bool mentions(const std::string& text, const std::string& key) {
    return text.find("`" + key + "`") != std::string::npos || text.find("`" + key + " =") != std::string::npos;
}

template <std::size_t N>
std::vector<std::string> list(const std::array<std::string_view, N>& a) {
    return std::vector<std::string>(a.begin(), a.end());
}

/// The keys a reader lists in its unknown-key error: the quoted names after "it has".
std::vector<std::string> known_keys(const std::string& message) {
    std::vector<std::string> out;
    const std::size_t at = message.find("; it has ");
    if (at == std::string::npos) return out;
    const std::string tail = message.substr(at);
    static const std::regex quoted("'([A-Za-z0-9_]+)'");
    for (std::sregex_iterator it(tail.begin(), tail.end(), quoted), e; it != e; ++it) out.push_back((*it)[1]);
    return out;
}

std::string error_with(const fs::path& file, const std::string& set) {
    try {
        run_session s(config::load_model_file(file.string(), default_templates().names(), {config::parse_override(set)}));
    } catch (const model_error& e) {
        return e.what();
    }
    return "<no error>";
}

std::vector<fs::path> example_files() {
    std::vector<fs::path> out;
    for (const fs::path& dir : {source_dir / "examples", source_dir / "examples" / "rule_comparison"})
        for (const auto& e : fs::directory_iterator(dir))
            if (e.path().extension() == ".toml") out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

TEST_CASE("toml_reference.md documents every key of core's sections", "[reference]") {
    namespace k = config::keys;
    const std::string doc = slurp(source_dir / "docs" / "toml_reference.md");
    REQUIRE(!doc.empty());
    const std::vector<std::pair<std::string, std::vector<std::string>>> sections = {
        {"## `[simulation]`", list(k::simulation::all)},     {"## `[solver]`", list(k::solver::all)},
        {"## `[[population]]`", list(k::population::all)},   {"## `[[projection]]`", list(k::projection::all)},
        {"## `[[stimulus]]`", list(k::stimulus::all)},       {"## `[[record]]`", list(k::record::all)},
        {"## `[[phase]]`", list(k::phase::all)},             {"## `[[neuromodulator]]`", list(k::neuromodulator::all)},
    };
    for (const auto& [heading, keys] : sections) {
        const std::string text = section(doc, heading);
        INFO(heading);
        REQUIRE(!text.empty());
        for (const std::string& key : keys) {
            INFO("key " << key);
            CHECK(mentions(text, key));
        }
    }
    for (const std::string& root : list(k::root::all)) {
        INFO("section " << root);
        CHECK((doc.find("`[" + root + "]`") != std::string::npos || doc.find("`[[" + root + "]]`") != std::string::npos));
    }
    // Weight copies and enumerated values.
    const std::string projection = section(doc, "## `[[projection]]`");
    for (const char* key : {"of", "transpose", "tied", "scale"}) {
        INFO("weights key " << key);
        CHECK(mentions(projection, key));
    }
    for (const std::string& v : list(k::allowed::distribution)) CHECK(mentions(projection, v));
}

TEST_CASE("toml_reference.md documents every neuron model, parameter and variable", "[reference]") {
    const std::string doc = slurp(source_dir / "docs" / "toml_reference.md");
    const std::string models = section(doc, "### Neuron models");
    REQUIRE(!models.empty());
    for (const neuron_model_info& m : neuron_catalogue()) {
        INFO("model " << m.name);
        CHECK(mentions(models, m.name));
        for (const auto& p : m.params) {
            INFO("parameter " << p.name);
            CHECK(mentions(models, p.name));
        }
        for (const std::string& v : m.variables) {
            INFO("variable " << v);
            CHECK(mentions(models, v));
        }
    }
}

TEST_CASE("toml_reference.md documents every rule, task and template with every key its reader knows",
          "[reference]") {
    const std::string doc = slurp(source_dir / "docs" / "toml_reference.md");
    const std::string plasticity = section(doc, "### Plasticity");
    REQUIRE(!plasticity.empty());
    for (const std::string& rule : default_rules().names()) {
        INFO("rule " << rule);
        CHECK(plasticity.find("| `" + rule + "` |") != std::string::npos);
    }
    for (const std::string& kind : default_tasks().names()) {
        INFO("task " << kind);
        CHECK(!section(doc, "### `kind = \"" + kind + "\"`").empty());
    }
    for (const std::string& kind : default_templates().names()) {
        INFO("template " << kind);
        CHECK(!section(doc, "### `[[" + kind + "]]`").empty());
    }
    // Every key each reader asks for, from an unknown key written into every example's tables.
    std::size_t checked = 0;
    std::set<std::string> seen_tasks, seen_templates, seen_rules;
    for (const fs::path& file : example_files()) {
        const model_desc d = config::load_model_file(file.string(), default_templates().names());
        std::vector<std::pair<std::string, std::string>> probes;  // --set path, where documented
        if (d.task.kind.value != "none" && seen_tasks.insert(d.task.kind.value).second)
            probes.push_back({"task.zz_not_a_key=1", section(doc, "### `kind = \"" + d.task.kind.value + "\"`") +
                                                         section(doc, "## `[task]`")});
        std::map<std::string, std::size_t> index;
        for (const section_desc& t : d.templates) {
            const std::size_t i = index[t.kind.value]++;
            if (seen_templates.insert(t.kind.value).second)
                probes.push_back({t.kind.value + "[" + std::to_string(i) + "].zz_not_a_key=1",
                                  section(doc, "### `[[" + t.kind.value + "]]`")});
        }
        for (std::size_t i = 0; i < d.projections.size(); ++i) {
            const std::string rule = d.projections[i].plasticity.rule.value;
            if (rule == "none" || !seen_rules.insert(rule).second) continue;
            probes.push_back({"projection[" + std::to_string(i) + "].plasticity.zz_not_a_key=1",
                              plasticity + slurp(source_dir / "docs" / "rules" / (rule + ".md"))});
        }
        for (const auto& [set, where] : probes) {
            const std::string message = error_with(file, set);
            INFO(file.filename().string() << " --set " << set << ": " << message);
            const std::vector<std::string> keys = known_keys(message);
            CHECK(!keys.empty());
            for (const std::string& key : keys) {
                INFO("key " << key);
                CHECK(mentions(where, key));
                ++checked;
            }
        }
    }
    INFO("tasks " << seen_tasks.size() << ", templates " << seen_templates.size() << ", rules " << seen_rules.size());
    CHECK(seen_tasks.size() == default_tasks().names().size());  // the examples use every task
    CHECK(seen_templates.size() >= 3);
    CHECK(seen_rules.size() >= 5);
    CHECK(checked > 100);
}
