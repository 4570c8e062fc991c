// Lowering's last check before anything large is allocated: the memory the network will need.
//
// A population of 10^12 neurons or an all-to-all projection between two of 10^5 is a typo far
// more often than a plan, and building it fails deep inside the allocator (std::length_error,
// std::bad_alloc, or the kernel's OOM killer) with no hint of which key to fix. So lowering
// adds up what the model will certainly allocate and compares it with the memory available:
//   - neuron state: size x (soma + dendrites) doubles per population;
//   - weights: all_to_all n_target x n_source doubles; the sparse kinds a double and an index
//     per expected synapse (one_to_one n, fixed_indegree n_target x indegree, fixed_probability
//     probability x n_target x n_source);
//   - `random` stimuli: count x size doubles, drawn while lowering.
// Solver workspace, recordings and rules' own state come on top, so this is a lower bound: a
// model it rejects cannot be built, one it accepts may still be too large. Sums are in double,
// which cannot overflow for any size a TOML integer can state.
//
// The memory available is --max-memory, else CORTEXSIM_MEMORY_LIMIT_MB when set (a batch job's
// share of a node, or the fuzz targets' budget), else the machine's available memory
// (circuits/budget.cpp).
#include <cstdio>
#include <cstdlib>
#include <string>

#include <unistd.h>

#include "circuits/budget.hpp"
#include "circuits/lowered_model.hpp"
#include "circuits/value_files.hpp"
#include "core/errors.hpp"

namespace cortexsim {

namespace {

constexpr double bytes_per_value = 8.0;       // a double
constexpr double bytes_per_synapse = 8.0 + 4.0; // a sparse weight and its column index

} // namespace

budget_estimate estimate_memory(const model_desc& desc, const lowered_model& model) {
    budget_estimate parts;
    for (std::size_t i = 0; i < model.populations.size(); ++i) {
        const lowered_population& p = model.populations[i];
        const double values = 1.0 + static_cast<double>(p.params.n_dendrites);
        parts.add({static_cast<double>(p.size) * values * bytes_per_value,
                         "the state of its " + std::to_string(p.size) + " neurons", desc.populations[i].size.loc});
    }
    for (std::size_t i = 0; i < model.projections.size(); ++i) {
        const lowered_projection& p = model.projections[i];
        const std::string shape = std::to_string(model.populations[p.target].size) + " x " +
                                  std::to_string(model.populations[p.source].size);
        const double synapses = expected_synapses(p, model.populations[p.target].size, model.populations[p.source].size);
        // Dense weights store a value per pair; sparse ones a value and a column index.
        const double bytes = synapses * (p.connectivity == connectivity_kind::all_to_all ? bytes_per_value : bytes_per_synapse);
        std::string what;
        switch (p.connectivity) {
        case connectivity_kind::all_to_all: what = "its " + shape + " all_to_all weights"; break;
        case connectivity_kind::one_to_one:
            what = "its " + std::to_string(model.populations[p.target].size) + " one_to_one weights";
            break;
        case connectivity_kind::fixed_indegree:
            what = "its " + shape + " weights with indegree " + std::to_string(p.indegree);
            break;
        case connectivity_kind::fixed_probability: what = "the expected synapses of its " + shape + " weights"; break;
        case connectivity_kind::from_file:
            what = "the " + std::to_string(p.file_weights->synapse_count()) + " synapses of its weights file";
            break;
        }
        parts.add({bytes, what, desc.projections[i].loc});
    }
    for (const stimulus_desc& s : desc.stimuli) {
        if (s.kind.value != "random") continue;
        double size = 0.0;  // the target is checked later; an unknown one needs no memory
        for (std::size_t i = 0; i < desc.populations.size(); ++i)
            if (desc.populations[i].name.value == s.target.value)
                size = static_cast<double>(model.populations[i].size);
        parts.add({static_cast<double>(s.count.value) * size * bytes_per_value,
                         "its " + std::to_string(s.count.value) + " random rows", s.count.loc});
    }

    return parts;
}

void check_memory(const model_desc& desc, const lowered_model& model, const budget_limits& limits) {
    check_budget(estimate_memory(desc, model), memory_limit(limits), "memory", "");
}

double expected_synapses(const lowered_projection& p, std::size_t n_target, std::size_t n_source) {
    const double rows = static_cast<double>(n_target), cols = static_cast<double>(n_source);
    switch (p.connectivity) {
    case connectivity_kind::all_to_all: return rows * cols;
    case connectivity_kind::one_to_one: return rows;
    case connectivity_kind::fixed_indegree: return rows * static_cast<double>(p.indegree);
    case connectivity_kind::fixed_probability: return p.probability * rows * cols;
    case connectivity_kind::from_file: return static_cast<double>(p.file_weights->synapse_count());
    }
    return 0.0;
}

} // namespace cortexsim
