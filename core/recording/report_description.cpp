#include "core/recording/report_description.hpp"

#include <cstdio>
#include <filesystem>
#include <vector>

#include "core/recording/report_reader.hpp"

namespace cortexsim {

namespace {

std::string fmt(const char* format, double a) {
    char buf[64];
    std::snprintf(buf, sizeof buf, format, a);
    return buf;
}

std::string join(const std::vector<std::string>& items, std::size_t max_items = 12) {
    std::string out;
    for (std::size_t i = 0; i < items.size() && i < max_items; ++i)
        out += (i > 0 ? ", " : "") + items[i];
    if (items.size() > max_items)
        out += ", ... (" + std::to_string(items.size()) + " in all)";
    return out;
}

std::string shape_text(const report_reader::dataset_info& info) {
    std::string out = info.dtype + " [";
    for (std::size_t i = 0; i < info.shape.size(); ++i)
        out += (i > 0 ? " x " : "") + std::to_string(info.shape[i]);
    return out + "]";
}

/// "  key          value\n" with the keys of a group aligned.
std::string field(const std::string& key, const std::string& value) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "    %-12s ", key.c_str());
    return buf + value + "\n";
}

/// The [start, stop, step] of a mapping/time data set, as the samples it describes.
std::string time_text(const report_reader& r, const std::string& time_path, std::uint64_t rows,
                      const char* unit) {
    const std::vector<double> t = r.doubles(time_path);
    if (t.size() != 3) return "malformed (" + std::to_string(t.size()) + " values)";
    std::string out = "start " + fmt("%g", t[0]) + " ms, stop " + fmt("%g", t[1]) +
                      " ms, step " + fmt("%g", t[2]) + " ms: " + std::to_string(rows) + " " +
                      unit;
    if (rows > 0)
        out += ", the last at " + fmt("%g", t[0] + static_cast<double>(rows - 1) * t[2]) + " ms";
    return out;
}

std::string first_attribute(const report_reader& r, const std::string& object,
                            const std::string& name) {
    const std::vector<std::string> v = r.string_attribute(object, name);
    return v.empty() ? "" : v.front();
}

std::string describe_population(const report_reader& r, const std::string& g) {
    std::string out = "  " + g;
    const std::string pop = first_attribute(r, g, "population");
    if (!pop.empty()) out += "    (population '" + pop + "')";
    out += "\n";
    const std::string m = g + "/mapping/";
    if (r.exists(m + "variables")) {
        const std::vector<std::string> vars = r.strings(m + "variables");
        out += field("variables", std::to_string(vars.size()) + ": " + join(vars) +
                                      " (element_ids 0.." + std::to_string(vars.size() - 1) + ")");
    }
    if (r.exists(m + "node_ids")) {
        std::vector<std::string> ids;
        for (double id : r.doubles(m + "node_ids")) ids.push_back(fmt("%.0f", id));
        out += field("node_ids", std::to_string(ids.size()) + ": " + join(ids, 10));
    }
    if (!r.exists(g + "/data")) return out + field("data", "missing");
    const report_reader::dataset_info data = r.info(g + "/data");
    const std::uint64_t rows = data.shape.empty() ? 0 : data.shape[0];
    if (r.exists(m + "time")) out += field("time", time_text(r, m + "time", rows, "samples"));
    out += field("data", shape_text(data) + ", " + format_bytes(data.value_bytes()));
    return out;
}

std::string describe_weights(const report_reader& r, const std::string& g) {
    std::string out = "  " + g;
    const std::string projection = first_attribute(r, g, "projection");
    if (!projection.empty())
        out += "    (projection '" + projection + "': " + first_attribute(r, g, "source") +
               " -> " + first_attribute(r, g, "target") + "." +
               first_attribute(r, g, "compartment") + ")";
    out += "\n";
    if (!r.exists(g + "/data")) return out + field("data", "missing");
    const report_reader::dataset_info data = r.info(g + "/data");
    const std::uint64_t rows = data.shape.empty() ? 0 : data.shape[0];
    if (r.exists(g + "/mapping/time"))
        out += field("time", time_text(r, g + "/mapping/time", rows, "snapshots"));
    std::string synapses;
    if (r.exists(g + "/mapping/connected")) {
        std::size_t n = 0;
        const std::vector<double> mask = r.doubles(g + "/mapping/connected");
        for (double c : mask) n += c != 0.0;
        synapses = "; " + std::to_string(n) + " synapses of " + std::to_string(mask.size()) +
                   " pairs";
    }
    out += field("data", shape_text(data) + " (snapshots x post x pre), " +
                             format_bytes(data.value_bytes()) + synapses);
    return out;
}

std::string describe_table(const report_reader& r, const std::string& g) {
    std::string out = "  " + g;
    const std::string projection = first_attribute(r, g, "projection");
    if (!projection.empty()) out += "    (projection '" + projection + "')";
    out += "\n";
    std::vector<std::string> columns = r.string_attribute(g, "columns");
    if (columns.empty()) columns = r.members(g);
    out += field("columns", std::to_string(columns.size()) + ": " + join(columns));
    if (columns.empty() || !r.exists(g + "/" + columns.front())) return out;
    const report_reader::dataset_info first = r.info(g + "/" + columns.front());
    const std::uint64_t rows = first.shape.empty() ? 0 : first.shape[0];
    std::string rows_text = std::to_string(rows) + " (" + first.dtype + ")";
    if (columns.front() == "t_ms" && rows > 0) {
        const std::vector<double> t = r.doubles(g + "/t_ms");
        rows_text += ", t_ms " + fmt("%g", t.front()) + " to " + fmt("%g", t.back()) + " ms";
    }
    return out + field("rows", rows_text);
}

} // namespace

std::string format_bytes(std::uintmax_t bytes) {
    if (bytes < 1024) return std::to_string(bytes) + " B";
    const double kib = static_cast<double>(bytes) / 1024.0;
    if (kib < 1024.0) return fmt("%.1f KiB", kib);
    const double mib = kib / 1024.0;
    if (mib < 1024.0) return fmt("%.1f MiB", mib);
    return fmt("%.2f GiB", mib / 1024.0);
}

std::string describe_report(const std::string& path) {
    const report_reader r(path);
    std::string out = std::filesystem::path(path).filename().string() + " (" +
                      format_bytes(std::filesystem::file_size(path)) + ")";
    std::vector<std::string> about;
    for (const char* key : {"model", "seed", "cortexsim_version"}) {
        const std::string v = first_attribute(r, "/", key);
        if (!v.empty()) about.push_back(std::string(key) + " " + v);
    }
    if (!about.empty()) out += ": " + join(about);
    out += "\n";

    const std::vector<std::string> pops = r.members("/report");
    if (pops.empty())
        out += "  /report      no populations (the model has no [[record]] of neurons)\n";
    for (const auto& p : pops) out += describe_population(r, "/report/" + p);
    for (const auto& w : r.members("/weights")) out += describe_weights(r, "/weights/" + w);
    for (const auto& t : r.members("/weight_stats")) out += describe_table(r, "/weight_stats/" + t);
    for (const auto& t : r.members("/summary")) out += describe_table(r, "/summary/" + t);
    for (const auto& other : r.members("/"))
        if (other != "report" && other != "weights" && other != "weight_stats" &&
            other != "summary")
            out += "  /" + other + "    (not written by cortexsim)\n";
    return out;
}

} // namespace cortexsim
