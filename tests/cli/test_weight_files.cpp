// Weights and initial values from files: `weights = { file = ... }` (NumPy .npy, CSV, a weight
// record of an earlier run's report.h5, SONATA edges) and `initial = { u_soma = ... }` (a list,
// a file, a population record), with `[simulation] start_ms` to continue a run.
//
// The independent truth of the first case is the earlier run itself: a learning run A is
// recorded in double precision; run B is another model file that takes A's weights and state
// at t = 100 ms from A's report.h5 and starts there. B's trajectory (states and weights, every
// sample) must equal A's after 100 ms bit for bit, while the weights keep learning.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <hdf5.h>

#include "../file_text.hpp"
#include "../h5_read.hpp"
#include "../test_models.hpp"
#include "circuits/describe.hpp"
#include "circuits/experiments/session.hpp"
#include "circuits/network.hpp"
#include "core/config/toml_loader.hpp"

using namespace cortexsim;
using namespace cortexsim::testing;
namespace fs = std::filesystem;

namespace {

std::string replaced(std::string text, const std::vector<std::pair<std::string, std::string>>& subs) {
    for (const auto& [from, to] : subs) {
        const std::size_t at = text.find(from);
        REQUIRE(at != std::string::npos);
        text.replace(at, from.size(), to);
    }
    return text;
}

// A two-layer learning network (Urbanczik-Senn rule on both feedforward projections, one of
// them sparse), random input patterns switching every 25 ms, a teacher from 60 ms on.
const char* const learning_network = R"(
[simulation]
name = "continued"
duration_ms = @DURATION@
@START@
seed = 3

[solver]
method = "euler"
dt_ms = 0.1

[[population]]
name = "input"
model = "input"
size = 4

[[population]]
name = "hidden"
model = "pyramidal"
size = 6
transfer = "logistic"
@HIDDEN_INIT@

[[population]]
name = "out"
model = "pyramidal"
size = 3
transfer = "logistic"
params = { g_A = 0.0 }
@OUT_INIT@

[[projection]]
source = "input"
target = "hidden"
compartment = "basal"
@W_IN@
plasticity = { rule = "dendritic_prediction", eta = 0.05, tau_w_ms = 0.0 }

[[projection]]
name = "sparse"
source = "hidden"
target = "out"
compartment = "basal"
@W_SPARSE@
plasticity = { rule = "dendritic_prediction", eta = 0.05, tau_w_ms = 0.0 }

[[projection]]
source = "out"
target = "hidden"
compartment = "apical"
@W_BACK@

[[stimulus]]
name = "patterns"
target = "input"
mode = "rate"
kind = "file"
file = "@PATTERNS@"
step_ms = 25.0

[[stimulus]]
name = "teacher"
target = "out"
mode = "nudge"
values = [0.2, 0.8, 0.5]
start_ms = 60.0

[[record]]
population = "hidden"
variables = ["u_soma", "rate"]
interval_ms = 5.0

[[record]]
population = "out"
variables = ["u_soma"]
interval_ms = 5.0

[[record]]
projection = "input->hidden.basal"
what = "weights"
interval_ms = 5.0

[[record]]
projection = "sparse"
what = "weights"
interval_ms = 5.0

[[record]]
projection = "out->hidden.apical"
what = "weights"
interval_ms = 5.0
)";

fs::path fresh_dir(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

void run_text(const std::string& text, const fs::path& out) {
    run_options o;
    o.out_dir = out.string();
    o.show_progress = false;
    o.format = report_format::hdf5;
    o.precision = sample_precision::float64;
    std::ostringstream log;
    run_model(config::parse_model(text, "model.toml", ""), o, log);
}

/// Rows [first, first + count) of a report.h5 data set [time x ...], flattened.
std::vector<double> rows(const fs::path& report, const std::string& set, std::size_t first,
                         std::size_t count) {
    h5_id f = h5_open(report.string());
    const std::vector<double> all = h5_doubles(f.get(), set);
    const h5_dataset_info info = h5_info(f.get(), set);
    std::size_t width = 1;
    for (std::size_t d = 1; d < info.dims.size(); ++d) width *= static_cast<std::size_t>(info.dims[d]);
    REQUIRE(info.dims[0] >= first + count);
    return std::vector<double>(all.begin() + static_cast<long>(first * width),
                               all.begin() + static_cast<long>((first + count) * width));
}

std::string from_report(const fs::path& report, const std::string& record, double t_ms) {
    std::ostringstream s;
    s << "{ file = \"" << report.string() << "\", record = \"" << record << "\", time_ms = " << t_ms << " }";
    return s.str();
}

/// A C-order float64 .npy file (numpy/lib/format.py, version 1.0).
void write_npy(const fs::path& path, const std::vector<std::size_t>& shape, const std::vector<double>& v) {
    std::string dims;
    for (std::size_t d : shape) dims += std::to_string(d) + ", ";
    if (shape.size() > 1) dims.resize(dims.size() - 2);
    std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + dims + "), }";
    while ((10 + header.size() + 1) % 64 != 0) header += ' ';
    header += '\n';
    std::ofstream out(path, std::ios::binary);
    out.write("\x93NUMPY\x01\x00", 8);
    const auto len = static_cast<std::uint16_t>(header.size());
    const char len_le[2] = {static_cast<char>(len & 0xff), static_cast<char>(len >> 8)};
    out.write(len_le, 2);
    out << header;
    out.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(double)));
}

/// A SONATA edge file with one edge population `name` and its weight column `syn_weight`.
void write_edges(const fs::path& path, const std::string& name, const std::vector<std::uint64_t>& src,
                 const std::vector<std::uint64_t>& tgt, const std::vector<double>& w) {
    h5_id f(H5Fcreate(path.string().c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose, "create");
    auto group = [&](const std::string& p) {
        h5_id g(H5Gcreate2(f.get(), p.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose, p);
    };
    group("/edges");
    group("/edges/" + name);
    group("/edges/" + name + "/0");
    auto put = [&](const std::string& p, hid_t type, const void* data, std::size_t n) {
        const hsize_t dims = n;
        h5_id space(H5Screate_simple(1, &dims, nullptr), H5Sclose, "space");
        h5_id set(H5Dcreate2(f.get(), p.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                  H5Dclose, p);
        h5_check(H5Dwrite(set.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), p);
    };
    const std::string base = "/edges/" + name;
    put(base + "/source_node_id", H5T_NATIVE_UINT64, src.data(), src.size());
    put(base + "/target_node_id", H5T_NATIVE_UINT64, tgt.data(), tgt.size());
    std::vector<std::uint64_t> gid(src.size(), 0), gidx(src.size());
    for (std::size_t e = 0; e < gidx.size(); ++e) gidx[e] = e;
    put(base + "/edge_group_id", H5T_NATIVE_UINT64, gid.data(), gid.size());
    put(base + "/edge_group_index", H5T_NATIVE_UINT64, gidx.data(), gidx.size());
    put(base + "/0/syn_weight", H5T_NATIVE_DOUBLE, w.data(), w.size());
}

void write_patterns(const fs::path& path) {
    std::ofstream out(path);
    // 8 patterns of 4 rates, 25 ms each: 0 ... 200 ms.
    const double v[8][4] = {{0.9, 0.1, 0.4, 0.0}, {0.2, 0.7, 0.0, 0.5}, {0.6, 0.6, 0.1, 0.3},
                            {0.0, 0.3, 0.9, 0.8}, {0.5, 0.0, 0.2, 0.9}, {0.8, 0.4, 0.7, 0.1},
                            {0.1, 0.9, 0.5, 0.6}, {0.4, 0.2, 0.3, 0.7}};
    for (const auto& r : v) out << r[0] << "," << r[1] << "," << r[2] << "," << r[3] << "\n";
}

} // namespace

TEST_CASE("weights and state saved in report.h5 continue a learning run exactly", "[weight_files]") {
    const fs::path dir = fresh_dir("cortexsim_weight_files_continue");
    write_patterns(dir / "patterns.csv");
    const std::string patterns = (dir / "patterns.csv").string();
    const std::string a_text = replaced(learning_network, {
        {"@DURATION@", "200.0"}, {"@START@", ""}, {"@HIDDEN_INIT@", ""}, {"@OUT_INIT@", ""},
        {"@W_IN@", "weights = { distribution = \"uniform\", low = -1.0, high = 1.0 }"},
        {"@W_SPARSE@", "connectivity = \"fixed_indegree\"\nindegree = 3\n"
                       "weights = { distribution = \"normal\", mean = 0.0, std = 1.0 }"},
        {"@W_BACK@", "weights = { distribution = \"normal\", mean = 0.0, std = 1.0 }"},
        {"@PATTERNS@", patterns}});
    run_text(a_text, dir / "a");
    const fs::path a = dir / "a" / "report.h5";

    const auto b_text = [&](bool with_state) {
        return replaced(learning_network, {
            {"@DURATION@", "100.0"}, {"@START@", "start_ms = 100.0"},
            {"@HIDDEN_INIT@", with_state ? "initial = { u_soma = " + from_report(a, "hidden", 100.0) + " }" : ""},
            {"@OUT_INIT@", with_state ? "initial = { u_soma = " + from_report(a, "out", 100.0) + " }" : ""},
            {"@W_IN@", "weights = " + from_report(a, "input->hidden.basal", 100.0)},
            {"@W_SPARSE@", "weights = " + from_report(a, "sparse", 100.0)},
            {"@W_BACK@", "weights = " + from_report(a, "out->hidden.apical", 100.0)},
            {"@PATTERNS@", patterns}});
    };
    run_text(b_text(true), dir / "b");
    const fs::path b = dir / "b" / "report.h5";
    {
        network net(lower(config::parse_model(b_text(true), "model.toml", "")));
        CHECK_THAT(describe(net), Catch::Contains("duration 100 ms from t = 100 ms (continuing a run)") &&
                                      Catch::Contains("weights from " + a.string() + " /weights/sparse at t = 100 ms"));
    }

    // Samples every 5 ms: A's rows 20 ... 40 are t = 100 ... 200, B's rows 0 ... 20.
    for (const std::string set : {"/report/hidden/data", "/report/out/data",
                                  "/weights/input_to_hidden.basal/data", "/weights/sparse/data",
                                  "/weights/out_to_hidden.apical/data"}) {
        INFO(set);
        const std::vector<double> later = rows(a, set, 20, 21);
        const std::vector<double> continued = rows(b, set, 0, 21);
        REQUIRE(continued.size() == later.size());
        CHECK(std::memcmp(continued.data(), later.data(), later.size() * sizeof(double)) == 0);
    }
    // The weights learn over the continued stretch: the equality above is not that of constants.
    CHECK(rows(a, "/weights/input_to_hidden.basal/data", 20, 1) != rows(a, "/weights/input_to_hidden.basal/data", 40, 1));
    CHECK(rows(a, "/weights/sparse/data", 20, 1) != rows(a, "/weights/sparse/data", 40, 1));
    {
        h5_id f = h5_open(b.string());
        CHECK(h5_doubles(f.get(), "/report/hidden/mapping/time") == std::vector<double>{100.0, 205.0, 5.0});
        // The sparse projection kept exactly its synapses (3 per target).
        h5_id fa = h5_open(a.string());
        CHECK(h5_doubles(f.get(), "/weights/sparse/mapping/connected") ==
              h5_doubles(fa.get(), "/weights/sparse/mapping/connected"));
    }
    // The resolved model names the files and start time, and reproduces the continued run.
    const std::string resolved = slurp(dir / "b" / "model.resolved.toml");
    CHECK(resolved.find("start_ms = 100") != std::string::npos);
    CHECK(resolved.find("record = \"sparse\", time_ms = 100") != std::string::npos);
    run_text(slurp(dir / "b" / "model.resolved.toml"), dir / "b2");
    CHECK(rows(dir / "b2" / "report.h5", "/report/hidden/data", 0, 21) == rows(b, "/report/hidden/data", 0, 21));

    // Without A's state at 100 ms the weights alone do not continue the run: the state matters.
    run_text(b_text(false), dir / "c");
    CHECK(rows(dir / "c" / "report.h5", "/report/hidden/data", 1, 1) != rows(a, "/report/hidden/data", 21, 1));
    fs::remove_all(dir);
}

TEST_CASE("weight matrices from .npy, CSV and SONATA edge files", "[weight_files]") {
    const fs::path dir = fresh_dir("cortexsim_weight_files_formats");
    // W(i, j) = 0.1 i - 0.05 j + 0.01: distinct values, so a transposed read cannot pass.
    std::vector<double> w;
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 4; ++j) w.push_back(0.1 * i - 0.05 * j + 0.01);
    write_npy(dir / "W.npy", {3, 4}, w);
    {
        std::ofstream csv(dir / "W.csv");
        csv.precision(17);  // round trip
        csv << "# targets x sources\n";
        for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 4; ++j) csv << w[static_cast<std::size_t>(i * 4 + j)] << (j == 3 ? "\n" : ", ");
    }
    // Edges: target 0 <- sources 1, 3; target 2 <- source 0.
    write_edges(dir / "edges.h5", "in_to_out", {1, 3, 0}, {0, 0, 2}, {0.5, -0.25, 2.0});

    const auto model = [&](const std::string& weights, const std::string& extra = "") {
        return "[simulation]\nduration_ms = 10.0\n[[population]]\nname = \"in\"\nmodel = \"input\"\nsize = 4\n"
               "[[population]]\nname = \"out\"\nmodel = \"pyramidal\"\nsize = 3\n"
               "[[projection]]\nsource = \"in\"\ntarget = \"out\"\ncompartment = \"basal\"\n" + extra +
               "weights = " + weights + "\n";
    };
    const auto projection_of = [&](const std::string& text) {
        network net(lower(config::parse_model(text, "model.toml", dir.string())));
        return std::make_pair(net.projections()[0].weights(), net.projections()[0].is_dense());
    };
    Eigen::MatrixXd expected(3, 4);
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 4; ++j) expected(i, j) = w[static_cast<std::size_t>(i * 4 + j)];
    for (const std::string file : {"W.npy", "W.csv"}) {
        INFO(file);
        const auto [W, dense] = projection_of(model("{ file = \"" + file + "\" }"));  // relative to the model
        CHECK(dense);
        CHECK(W == expected);
    }
    const auto [E, dense] = projection_of(model("{ file = \"edges.h5\" }"));
    CHECK_FALSE(dense);
    Eigen::MatrixXd edges = Eigen::MatrixXd::Zero(3, 4);
    edges(0, 1) = 0.5;
    edges(0, 3) = -0.25;
    edges(2, 0) = 2.0;
    CHECK(E == edges);
    {
        network net(lower(config::parse_model(model("{ file = \"edges.h5\", edges = \"in_to_out\" }"),
                                              "model.toml", dir.string())));
        CHECK(net.projections()[0].synapse_count() == 3);
        CHECK(describe(net).find("weights from " + (dir / "edges.h5").string()) != std::string::npos);
    }
    // Per-neuron initial values: a list and a 1-D .npy.
    write_npy(dir / "u.npy", {3}, {0.25, -0.5, 1.0});
    for (const std::string init : {"[0.25, -0.5, 1.0]", "{ file = \"u.npy\" }"}) {
        INFO(init);
        std::string text = model("{ file = \"W.npy\" }");
        text.replace(text.find("size = 3\n"), 9, "size = 3\ninitial = { u_soma = " + init + " }\n");
        network net(lower(config::parse_model(text, "model.toml", dir.string())));
        std::vector<double> y(net.size());
        net.initial_state(y.data());
        CHECK(y == std::vector<double>{0.25, -0.5, 1.0});  // 'in' has no state: out's u_soma only
    }
    fs::remove_all(dir);
}

TEST_CASE("weights from files: every mistake is located", "[weight_files]") {
    const fs::path dir = fresh_dir("cortexsim_weight_files_errors");
    write_npy(dir / "W.npy", {3, 4}, std::vector<double>(12, 0.5));
    write_npy(dir / "W23.npy", {2, 3}, std::vector<double>(6, 0.5));
    write_npy(dir / "neg.npy", {3, 4}, std::vector<double>(12, -0.5));
    { std::ofstream(dir / "nan.csv") << "1, 2, 3, 4\n1, nan, 3, 4\n1, 2, 3, 4\n"; }
    { std::ofstream(dir / "short.csv") << "1, 2, 3, 4\n1, 2, 3\n1, 2, 3, 4\n"; }
    { std::ofstream(dir / "W.bin") << "x"; }
    write_edges(dir / "dup.h5", "e", {1, 1}, {0, 0}, {0.5, 0.5});
    write_edges(dir / "far.h5", "e", {9}, {0}, {0.5});
    const auto error_of = [&](const std::string& projection_lines, const std::string& population_extra = "") {
        const std::string text =
            "[simulation]\nduration_ms = 10.0\n[[population]]\nname = \"in\"\nmodel = \"input\"\nsize = 4\n"
            "[[population]]\nname = \"out\"\nmodel = \"pyramidal\"\nsize = 3\n" + population_extra +
            "[[projection]]\nsource = \"in\"\ntarget = \"out\"\ncompartment = \"basal\"\n" + projection_lines + "\n";
        try {
            network net(lower(config::parse_model(text, "model.toml", dir.string())));
        } catch (const model_error& e) {
            return std::string(e.what());
        }
        return std::string("<no error>");
    };
    const std::string d = dir.string();
    CHECK_THAT(error_of("weights = { file = \"W23.npy\" }"),
               Catch::Contains("model.toml:15:") && Catch::Contains("holds a 2 x 3 matrix; the projection needs 3 x 4"));
    CHECK_THAT(error_of("weights = { file = \"nan.csv\" }"),
               Catch::Contains(d + "/nan.csv:2:4") && Catch::Contains("must be finite, got nan"));
    CHECK_THAT(error_of("weights = { file = \"short.csv\" }"), Catch::Contains("row 2 has 3 values"));
    CHECK_THAT(error_of("weights = { file = \"W.bin\" }"), Catch::Contains("cannot tell the format"));
    CHECK_THAT(error_of("weights = { file = \"missing.npy\" }"), Catch::Contains("missing.npy: cannot open"));
    CHECK_THAT(error_of("weights = { file = \"W.npy\", time_ms = 5.0 }"),
               Catch::Contains("weights.time_ms") && Catch::Contains("applies to HDF5 files"));
    CHECK_THAT(error_of("weights = { file = \"W.npy\", distribution = \"uniform\" }"),
               Catch::Contains("does not go with distribution = 'uniform'"));
    CHECK_THAT(error_of("weights = { record = \"x\" }"), Catch::Contains("'record' goes with 'file'"));
    CHECK_THAT(error_of("connectivity = \"fixed_indegree\"\nindegree = 2\nweights = { file = \"W.npy\" }"),
               Catch::Contains("connectivity") && Catch::Contains("the weights file gives the synapses"));
    CHECK_THAT(error_of("sign = \"excitatory\"\nweights = { file = \"neg.npy\" }"),
               Catch::Contains("the weight from source 0 to target 0 is -0.5 but sign = 'excitatory'"));
    CHECK_THAT(error_of("weights = { file = \"dup.h5\" }"), Catch::Contains("a second synapse from source 1 to target 0"));
    CHECK_THAT(error_of("weights = { file = \"far.h5\" }"), Catch::Contains("source node 9 is outside"));
    CHECK_THAT(error_of("weights = { file = \"far.h5\", edges = \"f\" }"),
               Catch::Contains("weights.edges") && Catch::Contains("no edge population 'f'"));
    CHECK_THAT(error_of("weights = 1.0", "initial = { u_soma = [1.0, 2.0] }\n"),
               Catch::Contains("initial.u_soma") && Catch::Contains("one value per neuron: 3, got 2"));
    CHECK_THAT(error_of("weights = 1.0", "initial = { v_basal = [1.0, 2.0, 3.0] }\n"),
               Catch::Contains("'instantaneous'"));
    fs::remove_all(dir);
}

TEST_CASE("a weight record's snapshot is chosen by time and checked", "[weight_files]") {
    const fs::path dir = fresh_dir("cortexsim_weight_files_record");
    write_patterns(dir / "patterns.csv");
    const std::string a_text = replaced(learning_network, {
        {"@DURATION@", "20.0"}, {"@START@", ""}, {"@HIDDEN_INIT@", ""}, {"@OUT_INIT@", ""},
        {"@W_IN@", "weights = { distribution = \"uniform\", low = -1.0, high = 1.0 }"},
        {"@W_SPARSE@", "weights = 0.5"}, {"@W_BACK@", "weights = 0.5"},
        {"@PATTERNS@", (dir / "patterns.csv").string()}});
    run_text(a_text, dir / "a");
    const std::string report = (dir / "a" / "report.h5").string();
    const auto error_of = [&](const std::string& weights) {
        std::string text = a_text;
        text.replace(text.find("weights = { distribution = \"uniform\", low = -1.0, high = 1.0 }"),
                     std::strlen("weights = { distribution = \"uniform\", low = -1.0, high = 1.0 }"), weights);
        return model_error_of(text);
    };
    CHECK_THAT(error_of("weights = { file = \"" + report + "\", record = \"input->hidden.basal\", time_ms = 7.0 }"),
               Catch::Contains("weights.time_ms") &&
                   Catch::Contains("has no sample at t = 7 ms; it holds 5 samples every 5 ms from 0 to 20 ms"));
    CHECK_THAT(error_of("weights = { file = \"" + report + "\", record = \"input->hiden.basal\" }"),
               Catch::Contains("weights.record") && Catch::Contains("did you mean 'input_to_hidden.basal'"));
    CHECK_THAT(error_of("weights = { file = \"" + report + "\", record = \"sparse\" }"),
               Catch::Contains("holds 3 x 6 weights (post x pre), the projection needs 6 x 4"));
    // Without time_ms: the last snapshot.
    CHECK(error_of("weights = { file = \"" + report + "\", record = \"input->hidden.basal\" }") == "<no error>");
    fs::remove_all(dir);
}
