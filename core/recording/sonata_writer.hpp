#pragma once
/// An HDF5 report file in the SONATA report layout, written incrementally while a run goes on.
/// Only core/recording/*.cpp (target cortexsim_hdf5) include hdf5.h, the way core/ode/ is the
/// only code that includes SUNDIALS; this header exposes no HDF5 type.
///
/// Layout of one population `<name>` (docs/output_files.md has the full description):
///   /report/<name>/data                      time x elements, float32 (or float64)
///   /report/<name>/mapping/node_ids          uint64, each recorded node once
///   /report/<name>/mapping/index_pointers    uint64, n_nodes + 1: node k owns columns
///                                            [index_pointers[k], index_pointers[k+1])
///   /report/<name>/mapping/element_ids       uint32, per column: index into `variables`
///   /report/<name>/mapping/variables         strings: element id -> variable name
///   /report/<name>/mapping/time              float64 [start, stop, step], stop exclusive
/// Columns are node-major (SONATA): node 0's variables, then node 1's, ...
///
/// Besides /report, the same file holds tables written column by column (add_table:
/// /summary/error_signals, /weight_stats/<name>) and weight-matrix snapshots
/// (add_weight_series: /weights/<name>), appended and flushed chunk by chunk like the
/// populations.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace cortexsim {

/// Storage type of the `data` datasets. Samples arrive as doubles either way; float32 rounds
/// each to nearest (relative error <= 2^-24), which halves the file.
enum class sample_precision { float32, float64 };

/// "float32" / "float64".
std::string to_string(sample_precision p);

/// One population of a report: which nodes, which variables per node, and the sampling clock.
struct sonata_population_desc {
    std::string name;                    ///< group name under /report (unique in the file)
    std::vector<std::uint64_t> node_ids; ///< recorded nodes, each once, in column order
    std::vector<std::string> variables;  ///< recorded for every node, in this order
    /// Unit of each variable (same length as `variables`), or empty: every variable is "1",
    /// dimensionless, as all quantities of the rate models are.
    std::vector<std::string> units;
    double start_ms = 0.0;               ///< time of the first row
    double step_ms = 1.0;                ///< time between rows (> 0)
    /// Extra string attributes of the group /report/<name> (e.g. the population's own name).
    std::map<std::string, std::string> attributes;
};

/// Node-major SONATA columns for a record given as variable-major columns (the CSV order:
/// `column = variable * neurons.size() + position`). A neuron listed more than once is
/// recorded once, at its first position.
struct node_major_layout {
    std::vector<std::uint64_t> node_ids; ///< distinct neurons in order of first appearance
    /// For each node-major column c (node c / n_vars, variable c % n_vars), the variable-major
    /// column it is copied from.
    std::vector<std::size_t> source_column;
};
node_major_layout make_node_major_layout(std::size_t n_variables,
                                         const std::vector<std::size_t>& neurons);

/// A table of numbers written row by row, stored column by column: `/<path>/<column>` is a
/// float64 data set [rows] for every column, and the group's attribute `columns` lists them in
/// order (HDF5 itself lists members by name). Each column has an attribute `units`: "ms" for a
/// name ending in "_ms", else "1" (dimensionless).
struct report_table_desc {
    std::string path;                     ///< group path below the root, e.g. "summary/error_signals"
    std::vector<std::string> columns;     ///< non-empty, each a valid name without '/', distinct
    std::map<std::string, std::string> attributes;  ///< extra string attributes of the group
};

/// Snapshots of one weight matrix (target x source):
///   /weights/<name>/data               [snapshots, post, pre], the report's precision
///   /weights/<name>/mapping/time       float64 [start, stop, step] in ms, stop exclusive
///   /weights/<name>/mapping/connected  uint8 [post, pre]: 1 where a synapse exists
struct weight_series_desc {
    std::string name;                     ///< group name under /weights (unique, without '/')
    std::size_t post = 0, pre = 0;        ///< matrix shape, both > 0
    std::vector<std::uint8_t> connected;  ///< post x pre, row-major; empty: every pair
    double start_ms = 0.0;                ///< time of the first snapshot
    double step_ms = 1.0;                 ///< time between snapshots (> 0)
    std::map<std::string, std::string> attributes;
};

/// Writes one report file. Rows are buffered per population and appended one chunk
/// (`chunk_rows` rows) at a time; the file is flushed to disk after every chunk, so a process
/// killed at any point between two chunks leaves a readable file holding every completed
/// chunk. Memory is bounded by chunk_rows x width per population, whatever the run length.
/// close() (or the destructor) also writes the last, partial chunk.
///
/// Every HDF5 call is checked; failures throw output_error naming the file, the operation
/// and HDF5's own messages. Not thread-safe (neither is the HDF5 build Debian ships).
/// Rows on disk of every series of a report, in the order they were added (checkpoints).
struct sonata_positions {
    std::vector<std::size_t> populations, tables, weights;
};

class sonata_writer {
public:
    static constexpr std::size_t default_chunk_rows = 256;

    /// Continues the report `path` of a run resumed from a checkpoint: the file is opened for
    /// writing as it is, and every add_population / add_table / add_weight_series (called in
    /// the same order and with the same descriptions as in the run that wrote it) opens its
    /// series and cuts it back to the rows `at` gives (what the checkpoint saw on disk), so
    /// rows appended after the checkpoint and before a crash are dropped.
    sonata_writer(const std::string& path, sample_precision precision, std::size_t chunk_rows,
                  const sonata_positions& at);
    /// Rows of every series; after flush() all of them are on disk.
    sonata_positions positions() const;

    /// Creates (truncates) `path` with an empty /report group.
    explicit sonata_writer(const std::string& path,
                           sample_precision precision = sample_precision::float32,
                           std::size_t chunk_rows = default_chunk_rows);
    /// Writes buffered rows and closes the file; never throws (errors are swallowed, call
    /// close() to see them).
    ~sonata_writer();
    sonata_writer(const sonata_writer&) = delete;
    sonata_writer& operator=(const sonata_writer&) = delete;
    sonata_writer(sonata_writer&&) noexcept;
    sonata_writer& operator=(sonata_writer&&) noexcept;

    /// A string attribute of the file's root group (provenance: versions, model name, seed).
    void set_file_attribute(const std::string& name, const std::string& value);

    /// Creates /report/<desc.name> with its mapping and an empty data set; returns the index to
    /// pass to append(). Throws std::invalid_argument for an empty or duplicate name, no nodes,
    /// a node listed twice, no variables, mismatched units or a non-positive step.
    std::size_t add_population(const sonata_population_desc& desc);

    /// Appends one row (`width(population)` values, node-major) sampled at t_ms, which must be
    /// start + rows * step (std::logic_error otherwise: the time mapping would be wrong).
    void append(std::size_t population, double t_ms, const double* row);

    /// Creates the table's group (and missing parents) and its empty columns; returns the
    /// index to pass to append_table_row(). Throws std::invalid_argument for a bad desc.
    std::size_t add_table(const report_table_desc& desc);
    /// Appends one row (one value per column, in the desc's order).
    void append_table_row(std::size_t table, const double* row);
    std::size_t table_rows(std::size_t table) const;

    /// Creates /weights/<desc.name>; returns the index to pass to append_weights(). Throws
    /// std::invalid_argument for a bad desc.
    std::size_t add_weight_series(const weight_series_desc& desc);
    /// Appends one snapshot (post x pre values, row-major) taken at t_ms, which must be
    /// start + snapshots * step (std::logic_error otherwise).
    void append_weights(std::size_t series, double t_ms, const double* weights);
    std::size_t weight_snapshots(std::size_t series) const;

    /// Writes every buffered row and flushes the file to disk.
    void flush();
    /// Writes the buffered rows of the tables (not the populations, which stay chunk-aligned)
    /// and flushes the file: the end of a task's block, so a killed run keeps every completed
    /// block in the tables.
    void flush_tables();
    /// The error path after a failed write (disk full, removed folder): drops the buffered
    /// rows (writing them could fail again and leave the file half-updated), flushes what was
    /// written and closes every HDF5 identifier, file last. Never throws; the file then
    /// holds every chunk written before the fault.
    void abandon() noexcept;
    /// flush(), then closes the file; later calls do nothing. Throws on failure.
    void close();

    const std::string& path() const;
    std::size_t populations() const;
    /// Columns of one row of `population`.
    std::size_t width(std::size_t population) const;
    /// Rows appended so far (buffered or written).
    std::size_t rows(std::size_t population) const;
    std::size_t chunk_rows() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace cortexsim
