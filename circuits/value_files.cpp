#include "circuits/value_files.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <stdexcept>

#include "circuits/tasks/npy_format.hpp"
#include "core/csv_rows.hpp"
#include "core/errors.hpp"
#include "core/recording/report_reader.hpp"

namespace cortexsim {

namespace {

bool written(const source_loc& l) { return l.line > 0 && !l.defaulted; }

std::string ending_of(const std::string& path) {
    std::string e = std::filesystem::path(path).extension().string();
    std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return std::tolower(c); });
    return e;
}

/// Runs `read`, turning a reader's std::runtime_error ("<path>: what") into a model error at
/// the key that named the file.
template <class F> auto located_read(const value_file_desc& f, F&& read) {
    try {
        return read();
    } catch (const model_error&) {
        throw;
    } catch (const std::runtime_error& e) {
        throw model_error(f.file.loc, e.what());
    }
}

std::string shape_text(std::size_t rows, std::size_t cols) {
    return std::to_string(rows) + " x " + std::to_string(cols);
}

/// The sample of a series with time mapping [start, stop, step] at `t_ms`, or the last one if
/// no time is given.
std::uint64_t sample_index(const value_file_desc& f, const std::vector<double>& time,
                           std::uint64_t n_samples, const std::string& what) {
    if (n_samples == 0)
        throw model_error(f.record.loc, what + " holds no samples");
    if (time.size() != 3 || !(time[2] > 0))
        throw model_error(f.record.loc, what + " has no valid time mapping [start, stop, step]");
    const double start = time[0], step = time[2];
    const double last = start + step * static_cast<double>(n_samples - 1);
    if (std::isnan(f.time_ms.value))
        return n_samples - 1;
    const double k = (f.time_ms.value - start) / step;
    const double nearest = std::round(k);
    if (std::fabs(k - nearest) > 1e-6 || nearest < 0 || nearest > static_cast<double>(n_samples - 1))
        throw model_error(f.time_ms.loc,
                          what + " has no sample at t = " + format_value(f.time_ms.value) +
                              " ms; it holds " + std::to_string(n_samples) + " samples every " +
                              format_value(step) + " ms from " + format_value(start) + " to " +
                              format_value(last) + " ms");
    return static_cast<std::uint64_t>(nearest);
}

/// A record's group: the name as written, or a projection name ("P1->P2.basal") as the
/// report spells it ("P1_to_P2.basal").
std::string record_group(const report_reader& r, const value_file_desc& f, const std::string& root,
                         const char* kind) {
    std::string name = f.record.value;
    if (!r.exists(root + "/" + name)) {
        for (std::size_t p; (p = name.find("->")) != std::string::npos;) name.replace(p, 2, "_to_");
    }
    if (f.record.value.empty() || !r.exists(root + "/" + name)) {
        const std::vector<std::string> have = r.members(root);
        throw model_error(written(f.record.loc) ? f.record.loc : f.file.loc,
                          std::string(f.record.value.empty() ? "needs 'record', the name of a "
                                                             : "no ") +
                              kind + (f.record.value.empty() ? "" : " '" + f.record.value + "'") +
                              " in " + f.file.value +
                              (have.empty() ? std::string(" (it has none)")
                                            : "; it has " + one_of(have) +
                                                  did_you_mean(f.record.value, have)));
    }
    return root + "/" + name;
}

weight_table weights_from_record(const report_reader& r, const value_file_desc& f,
                                 std::size_t n_target, std::size_t n_source) {
    const std::string group = record_group(r, f, "/weights", "weight record");
    const report_reader::dataset_info info = r.info(group + "/data");
    if (info.shape.size() != 3)
        throw model_error(f.record.loc, group + "/data is not [snapshots x post x pre]");
    const std::string what = "weight record '" + f.record.value + "'";
    if (info.shape[1] != n_target || info.shape[2] != n_source)
        throw model_error(f.record.loc, what + " holds " + shape_text(info.shape[1], info.shape[2]) +
                                            " weights (post x pre), the projection needs " +
                                            shape_text(n_target, n_source));
    const std::vector<double> time = r.doubles(group + "/mapping/time");
    const std::uint64_t k = sample_index(f, time, info.shape[0], what);
    weight_table w;
    w.rows = n_target;
    w.cols = n_source;
    w.values = r.doubles_at(group + "/data", k);
    const std::vector<double> mask = r.doubles(group + "/mapping/connected");
    if (mask.size() != w.values.size())
        throw model_error(f.record.loc, group + "/mapping/connected does not match its data");
    if (std::any_of(mask.begin(), mask.end(), [](double m) { return m == 0.0; }))
        for (const double m : mask) w.connected.push_back(m != 0.0 ? 1 : 0);
    w.origin = f.file.value + " " + group + " at t = " +
               format_value(time[0] + time[2] * static_cast<double>(k)) + " ms";
    return w;
}

/// SONATA edges (SONATA data format, "Edges"): /edges/<population>/{source_node_id,
/// target_node_id} and the weight column in the edge group /edges/<population>/<group>/, where
/// edge e's values are at edge_group_index[e] of group edge_group_id[e] (group "0", index e,
/// when the file has no group columns). Node ids are the neurons' indices in the populations.
weight_table weights_from_edges(const report_reader& r, const value_file_desc& f,
                                std::size_t n_target, std::size_t n_source) {
    std::string pop = f.edges.value;
    const std::vector<std::string> have = r.members("/edges");
    if (pop.empty()) {
        if (have.size() != 1)
            throw model_error(f.file.loc, f.file.value + (have.empty() ? " has no /edges populations"
                                                                       : " has several edge populations (" +
                                                                             one_of(have) + "): name one with 'edges'"));
        pop = have[0];
    } else if (std::find(have.begin(), have.end(), pop) == have.end()) {
        throw model_error(f.edges.loc, "no edge population '" + pop + "' in " + f.file.value +
                                           (have.empty() ? std::string(" (it has none)")
                                                         : "; it has " + one_of(have) + did_you_mean(pop, have)));
    }
    const std::string base = "/edges/" + pop;
    const source_loc& at = written(f.edges.loc) ? f.edges.loc : f.file.loc;
    for (const char* need : {"source_node_id", "target_node_id"})
        if (!r.exists(base + "/" + need))
            throw model_error(at, base + " has no '" + need + "' data set");
    const std::vector<double> src = r.doubles(base + "/source_node_id");
    const std::vector<double> tgt = r.doubles(base + "/target_node_id");
    if (src.size() != tgt.size())
        throw model_error(at, base + ": source_node_id and target_node_id differ in length");
    const bool grouped = r.exists(base + "/edge_group_id");
    const std::vector<double> gid = grouped ? r.doubles(base + "/edge_group_id") : std::vector<double>();
    const std::vector<double> gidx = grouped ? r.doubles(base + "/edge_group_index") : std::vector<double>();
    if (grouped && (gid.size() != src.size() || gidx.size() != src.size()))
        throw model_error(at, base + ": edge_group_id and edge_group_index must have one entry per edge");
    const std::string column = f.column.value.empty() ? "syn_weight" : f.column.value;
    const source_loc& column_at = written(f.column.loc) ? f.column.loc : at;
    std::map<long, std::vector<double>> groups;  // group id -> its weight column
    auto group_column = [&](long g) -> const std::vector<double>& {
        auto it = groups.find(g);
        if (it != groups.end()) return it->second;
        const std::string path = base + "/" + std::to_string(g) + "/" + column;
        if (!r.exists(path))
            throw model_error(column_at, "edge group " + base + "/" + std::to_string(g) +
                                             " has no weight column '" + column + "'");
        return groups.emplace(g, r.doubles(path)).first->second;
    };

    weight_table w;
    w.rows = n_target;
    w.cols = n_source;
    w.values.assign(n_target * n_source, 0.0);
    w.connected.assign(n_target * n_source, 0);
    for (std::size_t e = 0; e < src.size(); ++e) {
        const std::string edge = base + " edge " + std::to_string(e);
        if (!(src[e] >= 0 && src[e] < static_cast<double>(n_source)))
            throw model_error(at, edge + ": source node " + format_value(src[e]) +
                                      " is outside the source population (0.." + std::to_string(n_source - 1) + ")");
        if (!(tgt[e] >= 0 && tgt[e] < static_cast<double>(n_target)))
            throw model_error(at, edge + ": target node " + format_value(tgt[e]) +
                                      " is outside the target population (0.." + std::to_string(n_target - 1) + ")");
        const std::vector<double>& col = group_column(grouped ? static_cast<long>(gid[e]) : 0L);
        const double idx = grouped ? gidx[e] : static_cast<double>(e);
        if (!(idx >= 0 && idx < static_cast<double>(col.size())))
            throw model_error(column_at, edge + ": no value in column '" + column + "' at index " + format_value(idx));
        const double v = col[static_cast<std::size_t>(idx)];
        if (!std::isfinite(v))
            throw model_error(column_at, edge + ": weight must be finite, got " + format_value(v));
        const std::size_t at_ij = static_cast<std::size_t>(tgt[e]) * n_source + static_cast<std::size_t>(src[e]);
        if (w.connected[at_ij])
            throw model_error(at, edge + ": a second synapse from source " + format_value(src[e]) +
                                      " to target " + format_value(tgt[e]) +
                                      " (a projection has at most one; sum them into one weight)");
        w.connected[at_ij] = 1;
        w.values[at_ij] = v;
    }
    w.origin = f.file.value + " " + base + " (" + std::to_string(src.size()) + " edges, '" + column + "')";
    return w;
}

weight_table weights_from_matrix(const value_file_desc& f, value_file_format format,
                                 std::size_t n_target, std::size_t n_source) {
    weight_table w;
    w.rows = n_target;
    w.cols = n_source;
    std::size_t rows = 0, cols = 0;
    if (format == value_file_format::npy) {
        npy::array a = located_read(f, [&] { return npy::read_numeric_array(f.file.value, "weights"); });
        if (a.shape.size() != 2)
            throw model_error(f.file.loc, f.file.value + ": weights must be a 2-D array (targets x "
                                          "sources), got shape " + npy::shape_str(a.shape));
        rows = static_cast<std::size_t>(a.shape[0]);
        cols = static_cast<std::size_t>(a.shape[1]);
        w.values = std::move(a.values);
    } else {
        const auto lines = read_csv_rows(f.file.value, f.file.loc, "weights file");
        rows = lines.size();
        cols = lines[0].size();
        for (std::size_t i = 0; i < lines.size(); ++i) {
            if (lines[i].size() != cols)
                throw model_error(f.file.loc, f.file.value + ": row " + std::to_string(i + 1) + " has " +
                                                  std::to_string(lines[i].size()) + " values, the first " +
                                                  std::to_string(cols) + " (one per source neuron)");
            w.values.insert(w.values.end(), lines[i].begin(), lines[i].end());
        }
    }
    if (rows != n_target || cols != n_source)
        throw model_error(f.file.loc, f.file.value + " holds a " + shape_text(rows, cols) +
                                          " matrix; the projection needs " + shape_text(n_target, n_source) +
                                          " (one row per target neuron, one column per source neuron)");
    w.origin = f.file.value;
    return w;
}

} // namespace

std::size_t weight_table::synapse_count() const {
    return connected.empty() ? rows * cols
                             : static_cast<std::size_t>(std::count(connected.begin(), connected.end(), 1));
}

value_file_format value_file_format_of(const value_file_desc& f) {
    const std::string e = ending_of(f.file.value);
    value_file_format format = value_file_format::hdf5;
    if (e == ".npy")
        format = value_file_format::npy;
    else if (e == ".csv" || e == ".txt")
        format = value_file_format::csv;
    else if (e != ".h5" && e != ".hdf5")
        throw model_error(f.file.loc, "cannot tell the format of '" + f.file.value +
                                          "' from its ending: expected .npy, .csv (or .txt), or .h5 "
                                          "(or .hdf5)");
    if (format != value_file_format::hdf5) {
        for (const source_loc* l : {&f.record.loc, &f.time_ms.loc, &f.edges.loc, &f.column.loc})
            if (written(*l))
                throw model_error(*l, "'" + l->path.substr(l->path.rfind('.') + 1) +
                                          "' applies to HDF5 files (report.h5 records, SONATA edges) only");
    } else if (written(f.edges.loc) || written(f.column.loc)) {
        for (const source_loc* l : {&f.record.loc, &f.time_ms.loc})
            if (written(*l))
                throw model_error(*l, "'record' and 'time_ms' (a report.h5 record) do not go with "
                                      "'edges' and 'column' (SONATA edges)");
    }
    return format;
}

weight_table read_weight_table(const value_file_desc& f, std::size_t n_target, std::size_t n_source) {
    const value_file_format format = value_file_format_of(f);
    if (format != value_file_format::hdf5)
        return weights_from_matrix(f, format, n_target, n_source);
    return located_read(f, [&] {
        const report_reader r(f.file.value);
        // A report.h5 weight record, or SONATA edges: the keys written say which, else the file.
        const bool record = written(f.record.loc) || written(f.time_ms.loc) ||
                            (!written(f.edges.loc) && !written(f.column.loc) && r.exists("/weights"));
        return record ? weights_from_record(r, f, n_target, n_source)
                      : weights_from_edges(r, f, n_target, n_source);
    });
}

std::vector<double> read_neuron_values(const value_file_desc& f, std::size_t n,
                                       const std::string& variable) {
    const value_file_format format = value_file_format_of(f);
    if (written(f.edges.loc) || written(f.column.loc))
        throw model_error(written(f.edges.loc) ? f.edges.loc : f.column.loc,
                          "initial values come from a population record (record, time_ms), not edges");
    std::vector<double> values;
    if (format == value_file_format::npy) {
        npy::array a = located_read(f, [&] { return npy::read_numeric_array(f.file.value, "initial values"); });
        if (a.values.size() != n || a.shape.size() > 2 || (a.shape.size() == 2 && a.shape[0] != 1 && a.shape[1] != 1))
            throw model_error(f.file.loc, f.file.value + ": expected " + std::to_string(n) +
                                              " values (one per neuron, shape (" + std::to_string(n) +
                                              ",)), got shape " + npy::shape_str(a.shape));
        return std::move(a.values);
    }
    if (format == value_file_format::csv) {
        for (const auto& row : read_csv_rows(f.file.value, f.file.loc, "initial values file"))
            values.insert(values.end(), row.begin(), row.end());
        if (values.size() != n)
            throw model_error(f.file.loc, f.file.value + " holds " + std::to_string(values.size()) +
                                              " values; the population has " + std::to_string(n) +
                                              " neurons (one value each, in one row or one column)");
        return values;
    }
    return located_read(f, [&] {
        const report_reader r(f.file.value);
        const std::string group = record_group(r, f, "/report", "population record");
        const std::string what = "population record '" + f.record.value + "'";
        const std::vector<std::string> vars = r.strings(group + "/mapping/variables");
        const auto v = std::find(vars.begin(), vars.end(), variable);
        if (v == vars.end())
            throw model_error(f.record.loc, what + " does not record '" + variable + "'; it has " + one_of(vars));
        const std::vector<double> nodes = r.doubles(group + "/mapping/node_ids");
        const std::vector<double> pointers = r.doubles(group + "/mapping/index_pointers");
        const std::vector<double> elements = r.doubles(group + "/mapping/element_ids");
        const report_reader::dataset_info info = r.info(group + "/data");
        const std::uint64_t k = sample_index(f, r.doubles(group + "/mapping/time"), info.shape.empty() ? 0 : info.shape[0], what);
        const std::vector<double> row = r.doubles_at(group + "/data", k);
        const double wanted = static_cast<double>(v - vars.begin());
        std::vector<double> out(n, std::nan(""));
        for (std::size_t node = 0; node < nodes.size(); ++node) {
            if (!(nodes[node] >= 0 && nodes[node] < static_cast<double>(n)))
                throw model_error(f.record.loc, what + " records neuron " + format_value(nodes[node]) +
                                                    ", outside this population of " + std::to_string(n));
            for (auto c = static_cast<std::size_t>(pointers[node]); c < static_cast<std::size_t>(pointers[node + 1]); ++c)
                if (elements[c] == wanted) out[static_cast<std::size_t>(nodes[node])] = row[c];
        }
        const auto missing = std::count_if(out.begin(), out.end(), [](double x) { return std::isnan(x); });
        if (missing > 0)
            throw model_error(f.record.loc, what + " holds '" + variable + "' of " +
                                                std::to_string(n - static_cast<std::size_t>(missing)) + " of the " +
                                                std::to_string(n) + " neurons; initial values need every neuron "
                                                "(record the population without 'neurons' or 'sample')");
        return out;
    });
}

} // namespace cortexsim
