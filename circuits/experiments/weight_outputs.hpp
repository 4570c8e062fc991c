#pragma once
/// The weight records of a run (`[[record]] projection = ..., what = ...`): one
/// weight_recorder per record, sampled every interval_ms, into report.h5 and CSV files
/// (docs/output_files.md, "Weight records"):
///   weights       /weights/<name> in report.h5; weights_<name>.csv only for projections of
///                 at most max_csv_weights synapses (a CSV row per snapshot grows too fast);
///   weight_stats  /weight_stats/<name> in report.h5 and weight_stats_<name>.csv.

#include <memory>
#include <string>
#include <vector>

#include "circuits/network.hpp"
#include "circuits/weight_recorder.hpp"
#include "core/recording/sonata_writer.hpp"
#include "core/simulation.hpp"
#include "circuits/experiments/run_types.hpp"

namespace cortexsim {

class stop_check;

class weight_outputs {
public:
    /// Largest projection (synapses) whose snapshots also go to a CSV file.
    static constexpr std::size_t max_csv_weights = 4096;

    /// `report` is null without HDF5 output. Throws std::runtime_error, before any file is
    /// opened, when only CSV output is asked for and a snapshot record is too large for it.
    /// Every file written is appended to `files`.
    weight_outputs(const network& net, const run_options& options, const std::string& run_dir,
                   simulation& sim, stop_check& stop, sonata_writer* report,
                   std::vector<std::string>& files, const csv_resume* resume = nullptr);
    void close();
    /// Checkpoints: every CSV buffer written out; the snapshots taken so far per record.
    void flush();
    std::vector<std::uint64_t> rows() const;
    void set_rows(const std::vector<std::uint64_t>& rows);

private:
    std::vector<std::unique_ptr<weight_recorder>> recorders_;
};

} // namespace cortexsim
