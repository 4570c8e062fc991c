#pragma once
/// Weights and per-neuron initial values read from files (`weights = { file = ... }`,
/// `initial = { u_soma = { file = ... } }`): NumPy .npy and CSV matrices, a weight or population
/// record of an earlier run's report.h5 (docs/output_files.md), and SONATA edge files. Lowering
/// calls these, so `validate` reads and checks every value before anything is built.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/model_desc.hpp"

namespace cortexsim {

/// A projection's weights from a file: target x source, row-major, 0 where there is no synapse.
struct weight_table {
    std::size_t rows = 0;  ///< targets
    std::size_t cols = 0;  ///< sources
    std::vector<double> values;
    /// 1 where target i has a synapse from source j (row-major); empty when every entry is one
    /// (a dense matrix: .npy, CSV, or a record of an all-to-all projection).
    std::vector<std::uint8_t> connected;
    /// Where the values came from, for `describe` ("report.h5 /weights/x, t = 100 ms").
    std::string origin;
    std::size_t synapse_count() const;
};

/// The file formats, told apart by the file name's ending.
enum class value_file_format { npy, csv, hdf5 };

/// The format of `f.file`, or a model_error at `f.file` naming the endings read. Checks that
/// the keys written go with the format (`record`/`time_ms` and `edges`/`column` with HDF5).
value_file_format value_file_format_of(const value_file_desc& f);

/// Reads the weights of a projection from `n_source` to `n_target` neurons. Throws model_error
/// at the key that names what is wrong (the file, the record, the time, the shape).
weight_table read_weight_table(const value_file_desc& f, std::size_t n_target, std::size_t n_source);

/// Reads `n` per-neuron values of `variable` (a 1-D .npy or a one-row / one-column CSV, or
/// the variable's sample at `time_ms` of a population record in report.h5 holding every neuron).
std::vector<double> read_neuron_values(const value_file_desc& f, std::size_t n,
                                       const std::string& variable);

} // namespace cortexsim
