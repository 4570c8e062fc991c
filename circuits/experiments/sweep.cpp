#include "circuits/experiments/sweep.hpp"

#include <sys/types.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <set>
#include <sstream>
#include <system_error>
#include <thread>

#include "circuits/experiments/session.hpp"
#include "core/errors.hpp"
#include "core/recording/text_file.hpp"

namespace cortexsim {

namespace fs = std::filesystem;

sweep_axis parse_sweep_axis(const std::string& assignment) {
    const auto eq = assignment.find('=');
    const source_loc where{"--grid " + assignment, 0, 0, ""};
    if (eq == std::string::npos || eq == 0)
        throw model_error(where, "a sweep axis is key.path=[v1, v2, ...], e.g. task.eta=[0.01, 0.03]");
    sweep_axis axis;
    axis.key = assignment.substr(0, eq);
    const param_value table = config::parse_param_table("values = " + assignment.substr(eq + 1),
                                                        "--grid " + axis.key);
    const param_value* values = table.find("values");
    if (values == nullptr || values->kind != param_value::type::array || values->items.empty())
        throw model_error(where, "the values of a sweep axis are a non-empty TOML array, e.g. " +
                                     axis.key + "=[1, 2]");
    for (const param_value& v : values->items) axis.values.push_back(config::param_text(v));
    return axis;
}

std::string default_sweep_dir(const model_desc& desc) {
    return (fs::path("runs") / (desc.simulation.name.value + "_sweep")).string();
}

std::vector<std::string> sweep_table::metric_names() const {
    std::set<std::string> names;
    for (const sweep_row& r : rows)
        for (const auto& m : r.metrics) names.insert(m.first);
    return {names.begin(), names.end()};
}

std::vector<model_source> sweep_points(const model_source& base, const std::vector<sweep_axis>& grid) {
    std::vector<model_source> points{base};
    for (const sweep_axis& axis : grid) {
        std::vector<model_source> next;
        for (const model_source& p : points)
            for (const std::string& v : axis.values) {
                model_source q = p;
                if (axis.key == "seed") q.seed = parse_seed(v);
                else q.overrides.push_back({axis.key, v});
                next.push_back(std::move(q));
            }
        points = std::move(next);
    }
    return points;
}

namespace {

volatile std::sig_atomic_t worker_stop_signal = 0;
void on_worker_signal(int signal) { worker_stop_signal = signal; }

/*
 * The worker: a forked copy of the front end that runs one point and leaves by _exit, so
 * nothing of the parent (buffered output, atexit handlers, an embedding Python interpreter)
 * runs twice. It stops on SIGINT or SIGTERM as `cortexsim run` does, keeping its run folder
 * readable. Its outcome goes to `row_file` as lines "<field> <value>".
 */
[[noreturn]] void run_worker(const model_source& point, const sweep_options& options,
                             const std::string& run_dir, const std::string& row_file) {
    struct sigaction action = {};
    action.sa_handler = on_worker_signal;
    sigemptyset(&action.sa_mask);
    for (int signal : {SIGINT, SIGTERM}) sigaction(signal, &action, nullptr);
    std::ostringstream row;
    try {
        run_session session(point.load());
        run_options o;
        o.out_dir = run_dir;
        o.show_progress = false;
        o.format = options.format;
        o.precision = options.precision;
        o.stop_flag = &worker_stop_signal;
        std::ostringstream log;
        const run_result r = session.run(o, log);
        row << "status " << (r.stop_signal != 0 ? "stopped" : "ok") << "\n";
        char wall[64];
        std::snprintf(wall, sizeof wall, "%.17g", r.wall_s);
        row << "wall_s " << wall << "\n";
        for (const auto& [name, value] : r.metrics) {
            char v[64];
            std::snprintf(v, sizeof v, "%.17g", value);
            row << "metric " << v << " " << name << "\n";
        }
    } catch (const std::exception& e) {
        std::string what = e.what();
        std::replace(what.begin(), what.end(), '\n', ' ');
        row = std::ostringstream();
        row << "status failed\nerror " << what << "\n";
    }
    std::ofstream out(row_file);
    out << row.str();
    out.close();
    _exit(out ? 0 : 1);
}

void read_row(const std::string& row_file, sweep_row& row) {
    std::ifstream in(row_file);
    if (!in) {
        row.status = "failed";
        row.error = "the worker process left no result";
        return;
    }
    std::string field;
    while (in >> field) {
        std::string rest;
        std::getline(in, rest);
        if (!rest.empty() && rest[0] == ' ') rest.erase(0, 1);
        if (field == "status") row.status = rest;
        else if (field == "error") row.error = rest;
        else if (field == "wall_s") row.wall_s = std::stod(rest);
        else if (field == "metric") {
            const auto space = rest.find(' ');
            row.metrics[rest.substr(space + 1)] = std::stod(rest.substr(0, space));
        }
    }
    in.close();
    fs::remove(row_file);
}

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

void write_table(const sweep_table& table, const std::string& path) {
    std::ostringstream out;
    const std::vector<std::string> metrics = table.metric_names();
    out << "run_dir";
    for (const auto& k : table.keys) out << "," << csv_field(k);
    out << ",status,wall_s";
    for (const auto& m : metrics) out << "," << csv_field(m);
    out << ",error\n";
    for (const sweep_row& r : table.rows) {
        out << csv_field(r.run_dir);
        for (const auto& v : r.values) out << "," << csv_field(v);
        char wall[64];
        std::snprintf(wall, sizeof wall, "%.6g", r.wall_s);
        out << "," << r.status << "," << wall;
        for (const auto& m : metrics) {
            const auto it = r.metrics.find(m);
            char v[64] = "";
            if (it != r.metrics.end()) std::snprintf(v, sizeof v, "%.17g", it->second);
            out << "," << v;
        }
        out << "," << csv_field(r.error) << "\n";
    }
    write_text_file(path, out.str());  // output_error (exit 4) naming the file if it fails
}

} // namespace

sweep_table run_sweep(const model_source& base, const std::vector<sweep_axis>& grid,
                      const sweep_options& options, std::ostream& log) {
    if (options.processes < 1) throw std::invalid_argument("a sweep needs at least one process");
    if (options.out_dir.empty()) throw std::invalid_argument("a sweep needs a folder");
    for (std::size_t a = 0; a < grid.size(); ++a) {
        const source_loc where{"--grid " + grid[a].key, 0, 0, ""};
        for (std::size_t b = 0; b < a; ++b)
            if (grid[a].key == grid[b].key) throw model_error(where, "the key is swept twice");
        if (grid[a].values.empty()) throw model_error(where, "the axis has no values");
        if (grid[a].key == "seed")
            for (const std::string& v : grid[a].values)
                if (!parse_seed(v))
                    throw model_error(where, "a seed is an integer from 0 to 2^63 - 1, got " + v);
    }
    const std::vector<model_source> points = sweep_points(base, grid);
    // Every point checked (loaded, expanded, lowered, its task made) before anything runs.
    for (const model_source& p : points) run_session check(p.load());

    if (fs::exists(options.out_dir) && !fs::is_empty(options.out_dir)) {
        if (!options.force)
            throw std::runtime_error("sweep folder '" + options.out_dir + "' is not empty; choose "
                                     "another folder or pass --force to replace its contents");
        for (const auto& entry : fs::directory_iterator(options.out_dir)) fs::remove_all(entry.path());
    }
    fs::create_directories(options.out_dir);

    sweep_table table;
    for (const sweep_axis& axis : grid) table.keys.push_back(axis.key);
    const std::size_t width = std::max<std::size_t>(3, std::to_string(points.size() - 1).size());
    for (std::size_t k = 0; k < points.size(); ++k) {
        sweep_row row;
        std::size_t stride = points.size();
        for (const sweep_axis& axis : grid) {
            stride /= axis.values.size();
            row.values.push_back(axis.values[(k / stride) % axis.values.size()]);
        }
        const std::string index = std::to_string(k);
        const std::string name = "run_" + std::string(width - std::min(width, index.size()), '0') + index;
        row.run_dir = (fs::path(options.out_dir) / name).string();
        table.rows.push_back(std::move(row));
    }
    auto row_file = [&](std::size_t k) { return table.rows[k].run_dir + ".result"; };

    std::vector<std::pair<pid_t, std::size_t>> running;
    std::size_t next = 0, done = 0;
    bool stopping = false;
    log.flush();
    while ((next < points.size() && !stopping) || !running.empty()) {
        while (!stopping && next < points.size() && running.size() < static_cast<std::size_t>(options.processes)) {
            const pid_t pid = fork();
            if (pid < 0) throw std::system_error(errno, std::generic_category(), "fork");
            if (pid == 0) run_worker(points[next], options, table.rows[next].run_dir, row_file(next));
            running.emplace_back(pid, next++);
        }
        bool reaped = false;
        for (auto it = running.begin(); it != running.end();) {
            int status = 0;
            const pid_t r = waitpid(it->first, &status, WNOHANG);
            if (r == 0 || (r < 0 && errno == EINTR)) {
                ++it;
                continue;
            }
            sweep_row& row = table.rows[it->second];
            read_row(row_file(it->second), row);
            if (row.status == "ok" && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
                row.status = "failed";
                row.error = "the worker process ended abnormally";
            }
            log << "sweep: " << ++done << "/" << points.size() << " " << row.run_dir;
            for (std::size_t a = 0; a < grid.size(); ++a) log << " " << grid[a].key << "=" << row.values[a];
            log << ": " << row.status << (row.error.empty() ? "" : " (" + row.error + ")") << "\n";
            log.flush();
            it = running.erase(it);
            reaped = true;
        }
        if (!stopping && options.should_stop && options.should_stop()) stopping = true;
        // Workers run for seconds or more; a short nap keeps the parent's polling invisible.
        if (!reaped) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    write_table(table, (fs::path(options.out_dir) / "sweep.csv").string());
    return table;
}

} // namespace cortexsim
