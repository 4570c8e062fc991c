#include "tools/cli/inspect_run.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "core/config/toml_loader.hpp"
#include "core/errors.hpp"
#include "core/recording/report_description.hpp"
#include "core/checkpoint/state_archive.hpp"

namespace cortexsim {

namespace fs = std::filesystem;

namespace {

/// The files every run folder starts with; a folder without any of them is not a run.
const std::vector<std::string> run_markers = {"model.resolved.toml", "run_summary.txt",
                                              "report.h5"};

/// Header fields and the number of complete data lines of a CSV file, read in blocks so a
/// large trace file costs no memory.
struct csv_shape {
    std::vector<std::string> columns;
    std::size_t rows = 0;
};

csv_shape read_csv_shape(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read '" + path.string() + "'");
    csv_shape out;
    std::string header;
    std::getline(in, header);
    if (!header.empty() && header.back() == '\r') header.pop_back();
    std::size_t begin = 0;
    while (begin <= header.size() && !header.empty()) {
        const std::size_t comma = std::min(header.find(',', begin), header.size());
        out.columns.push_back(header.substr(begin, comma - begin));
        begin = comma + 1;
    }
    char buf[1 << 16];
    while (in.read(buf, sizeof buf) || in.gcount() > 0)
        out.rows += static_cast<std::size_t>(std::count(buf, buf + in.gcount(), '\n'));
    return out;
}

std::string join(const std::vector<std::string>& items, std::size_t max_items) {
    std::string out;
    for (std::size_t i = 0; i < items.size() && i < max_items; ++i)
        out += (i > 0 ? ", " : "") + items[i];
    if (items.size() > max_items) out += ", ...";
    return out;
}

std::string describe_files(const fs::path& dir, std::vector<fs::path>& csv_files) {
    std::vector<fs::directory_entry> entries(fs::directory_iterator(dir), {});
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
        return a.path().filename() < b.path().filename();
    });
    std::string out = "files:\n";
    for (const auto& e : entries) {
        const std::string name = e.path().filename().string();
        char line[512];
        if (e.is_directory()) {
            const auto n =
                std::distance(fs::directory_iterator(e.path()), fs::directory_iterator{});
            std::snprintf(line, sizeof line, "  %-40s %ld files\n", (name + "/").c_str(),
                          static_cast<long>(n));
        } else {
            std::snprintf(line, sizeof line, "  %-40s %s\n", name.c_str(),
                          format_bytes(e.file_size()).c_str());
            if (e.path().extension() == ".csv") csv_files.push_back(e.path());
        }
        out += line;
    }
    return out;
}

/// Name, seed, length and solver of the run: from model.resolved.toml (as written) and
/// run_summary.txt (as run: `auto` resolved, an early stop, the learning summary).
std::string describe_model(const fs::path& dir) {
    std::string out;
    const fs::path resolved = dir / "model.resolved.toml";
    if (fs::exists(resolved)) {
        try {
            const model_desc d = config::load_model_file(resolved.string());
            out += "model.resolved.toml: model '" + d.simulation.name.value + "', seed " +
                   std::to_string(d.simulation.seed.value);
            if (d.task.kind.value != "none") out += ", task '" + d.task.kind.value + "'";
            else out += ", duration " + format_value(d.simulation.duration_ms.value) + " ms";
            out += ", solver method '" + d.solver.method.value + "'\n";
        } catch (const model_error& e) {
            out += "model.resolved.toml: cannot be read: " + std::string(e.what()) + "\n";
        }
    }
    std::ifstream summary(dir / "run_summary.txt");
    std::string run, table;
    for (std::string line; std::getline(summary, line);) {
        // format_summary's lines: "model '...': <time> simulated in <wall> (seed N)", "stopped
        // early by ...", "solver <kind>: <statistics>", then the learning table.
        if (line.rfind("model '", 0) == 0) run += line.substr(line.find(": ") + 2);
        else if (line.rfind("stopped early", 0) == 0) run += "; " + line;
        else if (line.rfind("solver ", 0) == 0)
            run += "; solver " + line.substr(7, line.find(':') - 7);
        else if (line.rfind("error signals", 0) == 0 || (!table.empty() && !line.empty()))
            table += line + "\n";
    }
    if (!run.empty()) out += "run_summary.txt:     " + run + "\n";
    if (fs::exists(dir / "checkpoint.bin")) {
        try {
            const state_reader c((dir / "checkpoint.bin").string());
            out += "checkpoint.bin:      t = " + format_value(c.number("sim/t_ms")) +
                   " ms; continue the run from there with: cortexsim resume " + dir.string() + "\n";
        } catch (const std::exception& e) {
            out += "checkpoint.bin:      cannot be read: " + std::string(e.what()) + "\n";
        }
    }
    if (!table.empty()) out += "\n" + table;
    return out;
}

std::string describe_csv(const fs::path& path) {
    const csv_shape s = read_csv_shape(path);
    const std::string name = path.filename().string();
    // The summaries are read by name, so all their columns are listed; traces are abbreviated.
    const bool full = name == "error_summary.csv" || name == "learning_curve.csv";
    return name + ": " + std::to_string(s.rows) + " rows, " + std::to_string(s.columns.size()) +
           " columns: " + join(s.columns, full ? s.columns.size() : 8) + "\n";
}

} // namespace

void check_run_folder(const std::string& run_dir) {
    const fs::path dir(run_dir);
    if (!fs::exists(dir)) throw std::runtime_error("run folder '" + run_dir + "' does not exist");
    if (!fs::is_directory(dir))
        throw std::runtime_error("'" + run_dir + "' is not a run folder: it is a file");
    if (std::none_of(run_markers.begin(), run_markers.end(),
                     [&](const std::string& f) { return fs::exists(dir / f); }))
        throw std::runtime_error("'" + run_dir + "' is not a run folder: it holds none of "
                                 "model.resolved.toml, run_summary.txt or report.h5, which "
                                 "'cortexsim run' writes");
}

std::string inspect_run(const std::string& run_dir) {
    check_run_folder(run_dir);
    const fs::path dir(run_dir);
    std::vector<fs::path> csv_files;
    std::string out = "run folder: " + run_dir + "\n" + describe_files(dir, csv_files);
    out += "\n" + describe_model(dir);
    if (fs::exists(dir / "report.h5")) out += "\n" + describe_report((dir / "report.h5").string());
    if (!csv_files.empty()) out += "\n";
    for (const auto& f : csv_files) out += describe_csv(f);
    return out;
}

} // namespace cortexsim
