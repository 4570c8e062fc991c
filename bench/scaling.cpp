// bench_scaling: issue 6, benchmarks 1 (network scaling) and 5 (fraction of the memory-bandwidth
// limit). docs/dev/performance_log.md gives the command, the machine and the measured tables.
//
// The network: N rate neurons, 80% three-compartment pyramidal neurons with dynamic basal and
// apical dendrites (docs/equations.md (P1), (D-dyn)) and 20% interneurons with a dynamic
// dendrite (I1), plus 100 input neurons whose rates switch every 100 ms (a `sequence` stimulus;
// `--switch-ms` changes the interval). Fixed in-degree random projections give every neuron K
// synapses (default 100):
//   pyramidal basal:  input (K/5, excitatory) + pyramidal (2K/5)
//   pyramidal apical: pyramidal (K/5) + interneuron (K/5, inhibitory)
//   interneuron dendrite: pyramidal (4K/5, excitatory) + interneuron (K/5, inhibitory)
// (capped at the source size for small N). Recurrent weights scale as 1/sqrt(k), so the
// dynamics stay in the same regime at every N.
//
// Every (N, solver) configuration runs in a child process (this binary re-executed with
// --run), so peak memory (VmHWM) belongs to that configuration alone and nothing is shared
// between configurations through the allocator or the caches. Linux only (/proc/self/exe,
// /proc/self/status). The file has three parts, in order: the model (and its byte counts for
// the bandwidth and memory models), the child that runs one configuration, and the parent that
// spawns children and summarises.
#include <malloc.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <new>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/stream.hpp"
#include "circuits/network.hpp"
#include "circuits/threads.hpp"
#include "core/model_desc.hpp"
#include "core/simulation.hpp"

// Counting global operator new: the child reports how many C++ heap allocations happened
// during the integration itself (tests/circuits/test_allocations.cpp asserts the same for the
// right-hand side and the preconditioner, including C and Eigen allocations).
namespace {
std::atomic<long> g_new_calls{0};
}
// noinline: GCC 12 would otherwise inline these into callers and then warn that free() meets
// a pointer from operator new (-Wmismatched-new-delete), which is exactly how they pair here.
[[gnu::noinline]] void* operator new(std::size_t size) {
    g_new_calls.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc();
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }

using namespace cortexsim;

namespace {

using clock_type = std::chrono::steady_clock;
double seconds_since(clock_type::time_point t0) {
    return std::chrono::duration<double>(clock_type::now() - t0).count();
}
/// CPU seconds of this process: on a shared 2-core machine wall time includes the time other
/// jobs hold the cores, CPU time does not (children are single-threaded).
double cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

struct settings {
    std::vector<long> sizes{100, 1000, 10000, 100000};
    std::vector<std::string> solvers{"adams", "bdf-gmres", "bdf-dense", "euler"};
    // N_Vector kernels of CVODE's solvers: cortexsim (core/ode, -O3) and/or sundials (Debian's
    // build); both give the same bits, so listing both measures only the speed difference.
    std::vector<std::string> kernels{"cortexsim"};
    // Threads of the projections' mat-vec (OpenMP); 1 by default, so CPU time is the cost.
    std::vector<int> threads{1};
    long indegree = 100;
    long n_input = 100;
    int repeats = 3;
    double cheap_s = 20.0;  // configurations faster than this are repeated
    double duration_ms = 1000.0;
    double rtol = 1e-6, atol = 1e-8, dt_ms = 0.1;
    double tau_dend_ms = 3.0;
    double switch_ms = 100.0;  // input patterns switch (and CVODE restarts) this often
    int max_order = 0;  // 0: CVODE's default (12 Adams, 5 BDF)
    long max_dense_states = 2000;
    long accuracy_max_n = 100000;  // reference runs (rtol 1e-10) up to this N
    bool stream = true;
    std::size_t stream_mb = 256;  // per array
    std::string csv = "bench_scaling.csv";
    bool memory_probe = false;  // --run only: release freed heap after building (malloc_trim)
    std::uint64_t seed = 1;
};

// ---------------------------------------------------------------------------------------------
// The model

population_desc make_population(const std::string& name, const std::string& model, long size) {
    population_desc p;
    p.name = name;
    p.model = model;
    p.size = size;
    p.dendrites = std::string("dynamic");
    return p;
}

void add_projection(model_desc& m, const std::string& src, long n_src, const std::string& tgt,
                    const std::string& comp, long k, double low, double high,
                    const std::string& sign = "free") {
    const bool same = src == tgt;
    k = std::min(k, same ? n_src - 1 : n_src);
    if (k < 1) return;
    projection_desc p;
    p.source = src;
    p.target = tgt;
    p.compartment = comp;
    p.connectivity = std::string("fixed_indegree");
    p.indegree = k;
    p.allow_autapses = false;
    p.sign = sign;
    p.weights.distribution = std::string("uniform");
    // Recurrent weights shrink as 1/sqrt(k): the summed input's spread does not grow with K.
    const double scale = src == "input" ? 1.0 : 4.0 / std::sqrt(static_cast<double>(k));
    p.weights.params["low"] = low * scale;
    p.weights.params["high"] = high * scale;
    m.projections.push_back(p);
}

model_desc scaling_model(long n, const settings& s) {
    model_desc m;
    m.simulation.name = std::string("scaling");
    m.simulation.duration_ms = s.duration_ms;
    m.simulation.seed = s.seed;
    m.solver.method = std::string("auto");  // the child overrides the kind after resolving auto
    m.solver.rtol = s.rtol;
    m.solver.atol = s.atol;
    m.solver.dt_ms = s.dt_ms;
    const long n_pyr = std::max(1L, (4 * n) / 5), n_int = std::max(1L, n - n_pyr);
    m.populations = {make_population("input", "input", s.n_input),
                     make_population("pyr", "pyramidal", n_pyr),
                     make_population("int", "interneuron", n_int)};
    m.populations[0].dendrites = std::string("instantaneous");
    for (const char* key : {"tau_basal_ms", "tau_apical_ms"}) m.populations[1].params[key] = s.tau_dend_ms;
    m.populations[2].params["tau_dendrite_ms"] = s.tau_dend_ms;
    const long K = s.indegree;
    add_projection(m, "input", s.n_input, "pyr", "basal", K / 5, 0.0, 0.5, "excitatory");
    add_projection(m, "pyr", n_pyr, "pyr", "basal", 2 * K / 5, -1.0, 1.0);
    add_projection(m, "pyr", n_pyr, "pyr", "apical", K / 5, -1.0, 1.0);
    add_projection(m, "int", n_int, "pyr", "apical", K / 5, -1.0, 0.0, "inhibitory");
    add_projection(m, "pyr", n_pyr, "int", "dendrite", 4 * K / 5, 0.0, 1.0, "excitatory");
    add_projection(m, "int", n_int, "int", "dendrite", K / 5, -1.0, 0.0, "inhibitory");
    // Input rates: a new uniform pattern every switch_ms (100 ms by default).
    stimulus_desc st;
    st.target = std::string("input");
    st.mode = std::string("rate");
    st.kind = std::string("sequence");
    std::mt19937_64 gen(s.seed);
    std::uniform_real_distribution<double> u01(0.0, 1.0);
    for (int k = 0; static_cast<double>(k) * s.switch_ms < s.duration_ms; ++k) {
        const double t = static_cast<double>(k) * s.switch_ms;
        st.times_ms.push_back(t);
        std::vector<double> row(static_cast<std::size_t>(s.n_input));
        for (double& r : row) r = u01(gen);
        st.values.push_back(row);
    }
    m.stimuli = {st};
    return m;
}

/// Bytes one right-hand-side evaluation must move at least (the traffic the issue asks to
/// count: state read, derivative written, CSR values + column indices + row pointers, rates
/// written once and read once per projection, each projection's target input read and
/// written), and the bytes the current implementation moves (every pass over every array in
/// network::rhs, compute_rates, compute_inputs and dendritic_neuron_rhs).
struct traffic {
    double essential = 0.0;
    double implemented = 0.0;
};

traffic rhs_traffic(const network& net) {
    const lowered_model& m = net.model();
    traffic t;
    const double S = static_cast<double>(net.size());
    t.essential = 16.0 * S;  // y read, ydot written
    double neurons = 0.0, dendrites = 0.0, rates = 0.0;
    for (const auto& p : m.populations) {
        rates += static_cast<double>(p.size);
        if (p.model->kind == neuron_kind::input) continue;
        neurons += static_cast<double>(p.size);
        dendrites += static_cast<double>(p.size * static_cast<std::size_t>(p.params.n_dendrites));
    }
    t.essential += 8.0 * rates;  // rates written
    double proj = 0.0;
    for (const projection& pr : net.projections()) {
        const double syn = static_cast<double>(pr.synapse_count());
        const double rows = static_cast<double>(pr.target_size());
        // values (8) + inner indices (4, Eigen's int), outer index (4 per row), source rates
        // read once (the gather hits cache), target input read + written.
        proj += 12.0 * syn + 4.0 * rows + 8.0 * static_cast<double>(pr.source_size()) + 16.0 * rows;
    }
    t.essential += proj;
    // As implemented: compute_rates reads u, writes r (input rates copied: 16/neuron);
    // compute_inputs copies stim_soma, g_E, g_I, stim_dend (16 B per array and neuron);
    // dendritic_potentials copies v_state -> v (16 per dendrite); the leak/nudge loop reads
    // u, soma_input, g_E, g_I and writes du (40); per dendrite the coupling pass reads v, u,
    // du and writes du (32) and the dynamic pass reads v, input, u and writes dv (32); the
    // final scaling reads and writes du (16).
    t.implemented = 16.0 * rates + 48.0 * neurons + 16.0 * dendrites + proj + 40.0 * neurons +
                    64.0 * dendrites + 16.0 * neurons;
    return t;
}

/// Live bytes of the network, from its data structures (circuits/network.hpp,
/// circuits/projection.hpp): per projection a CSR matrix (8 B value + 4 B column index per
/// synapse, 4 B row pointer per target neuron; dense projections 8 B per pair); per neuron the
/// population_state arrays (rate, input_rate, ext_rate, ext_target, noise; and for non-input
/// neurons soma_input, g_E, g_I, g_E_eff, g_I_eff, stim_soma, three arrays per dendrite and a
/// k x k preconditioner block, k = 1 + dynamic dendrites); scratch_ydot_ (8 B per state).
double network_bytes(const network& net) {
    double bytes = 8.0 * static_cast<double>(net.size());
    for (const auto& p : net.model().populations) {
        double per_neuron = 5.0;
        if (p.model->kind != neuron_kind::input) {
            const double k = static_cast<double>(local_size(p.params));
            per_neuron += 6.0 + 3.0 * p.params.n_dendrites + k * k;
        }
        bytes += 8.0 * per_neuron * static_cast<double>(p.size);
    }
    for (const projection& pr : net.projections()) {
        if (pr.is_dense())
            bytes += 8.0 * static_cast<double>(pr.source_size() * pr.target_size());
        else
            bytes += 12.0 * static_cast<double>(pr.synapse_count()) + 4.0 * static_cast<double>(pr.target_size() + 1);
    }
    return bytes;
}

// ---------------------------------------------------------------------------------------------
// The child: one configuration, one process

long status_kB(const char* key) {
    std::ifstream f("/proc/self/status");
    std::string line;
    const std::size_t len = std::strlen(key);
    while (std::getline(f, line))
        if (line.compare(0, len, key) == 0 && line.size() > len && line[len] == ':')
            return std::atol(line.c_str() + len + 1);
    return -1;
}

int run_child(long n, const std::string& solver, const settings& s, const std::string& samples_path) {
    std::printf("RESULT");
    auto put = [](const char* key, double v) { std::printf(" %s=%.9g", key, v); };
    auto put_s = [](const char* key, const std::string& v) { std::printf(" %s=%s", key, v.c_str()); };
    put("rss0_kB", static_cast<double>(status_kB("VmRSS")));
    put("hwm0_kB", static_cast<double>(status_kB("VmHWM")));

    set_worker_threads(s.threads.front());
    auto t0 = clock_type::now();
    network net(lower(scaling_model(n, s)));
    put("build_s", seconds_since(t0));
    put("rss_build_kB", static_cast<double>(status_kB("VmRSS")));
    put("hwm_build_kB", static_cast<double>(status_kB("VmHWM")));
    if (s.memory_probe) {
        // Without this, glibc keeps the construction's freed temporaries (triplet lists,
        // transposed copies) and reuses them for CVODE's vectors; returning them to the system
        // makes RSS the live size of the network, then of network + integrator.
        malloc_trim(0);
        put("rss_trim_kB", static_cast<double>(status_kB("VmRSS")));
        put("bytes_network_model", network_bytes(net));
    }

    ode::integrator_options o = net.integrator_options();
    put_s("auto", ode::to_string(o.kind));
    o.kind = ode::parse_solver_kind(solver);
    o.kernels = s.kernels.front() == "sundials" ? ode::vector_kernels::sundials
                                                 : ode::vector_kernels::cortexsim;
    put("threads", static_cast<double>(worker_threads()));
    o.rtol = s.rtol;
    if (s.max_order > 0) o.max_order = s.max_order;
    double compartments = 0.0, synapses = 0.0;
    for (const auto& p : net.model().populations)
        if (p.model->kind != neuron_kind::input)
            compartments += static_cast<double>(p.size * (1 + static_cast<std::size_t>(p.params.n_dendrites)));
    for (const projection& pr : net.projections()) synapses += static_cast<double>(pr.synapse_count());
    put("states", static_cast<double>(net.size()));
    put("compartments", compartments);
    put("synapses", synapses);

    simulation sim(net, o, s.atol);
    // Accuracy probe: the first (up to) 200 pyramidal somata every 5 ms.
    const std::size_t p_pyr = net.population_index("pyr");
    const std::size_t probe = std::min<std::size_t>(200, net.model().populations[p_pyr].size);
    const std::size_t off = net.soma_offset(p_pyr);
    std::vector<double> samples;
    samples.reserve(probe * static_cast<std::size_t>(s.duration_ms / 5.0 + 2.0));
    sim.add_sampler(5.0, [&](double, const double* y) { samples.insert(samples.end(), y + off, y + off + probe); });
    put("rss_sim_kB", static_cast<double>(status_kB("VmRSS")));

    const long news_before = g_new_calls.load();
    t0 = clock_type::now();
    double c0 = cpu_seconds();
    sim.run(s.duration_ms);
    put("run_s", seconds_since(t0));
    put("run_cpu_s", cpu_seconds() - c0);
    put("news_run", static_cast<double>(g_new_calls.load() - news_before));
    const ode::integrator_stats st = sim.stats();
    put("steps", static_cast<double>(st.steps));
    put("rhs_evals", static_cast<double>(st.rhs_evals));
    put("nonlin_iters", static_cast<double>(st.nonlin_iters));
    put("lin_iters", static_cast<double>(st.lin_iters));
    put("prec_evals", static_cast<double>(st.prec_evals));
    put("prec_solves", static_cast<double>(st.prec_solves));
    put("jac_evals", static_cast<double>(st.jac_evals));
    put("err_test_fails", static_cast<double>(st.err_test_fails));
    put("reinits", static_cast<double>(st.reinits));
    put("hwm_end_kB", static_cast<double>(status_kB("VmHWM")));
    put("rss_end_kB", static_cast<double>(status_kB("VmRSS")));

    // The right-hand side alone, at the final state, repeated for at least 0.3 s.
    std::vector<double> y = sim.state(), ydot(y.size());
    double checksum = 0.0;  // detects any change of the numbers (e.g. an optimisation)
    for (std::size_t i = 0; i < y.size(); ++i) checksum += y[i] * static_cast<double>(1 + i % 7);
    std::printf(" checksum=%.17g", checksum);
    long calls = 0;
    c0 = cpu_seconds();
    double elapsed = 0.0;
    do {
        for (int k = 0; k < 3; ++k, ++calls) net.rhs(s.duration_ms, y.data(), ydot.data());
        elapsed = cpu_seconds() - c0;
    } while (elapsed < 0.3);
    put("rhs_s", elapsed / static_cast<double>(calls));  // CPU seconds per evaluation
    const traffic tr = rhs_traffic(net);
    put("bytes_essential", tr.essential);
    put("bytes_implemented", tr.implemented);
    std::printf("\n");
    std::fflush(stdout);

    if (!samples_path.empty()) {
        std::ofstream f(samples_path, std::ios::binary);
        f.write(reinterpret_cast<const char*>(samples.data()),
                static_cast<std::streamsize>(samples.size() * sizeof(double)));
    }
    return 0;
}

// ---------------------------------------------------------------------------------------------
// The parent: spawn, collect, summarise

using result = std::map<std::string, std::string>;

std::vector<std::string> child_args(const settings& s, long n, const std::string& solver,
                                    const std::string& samples, double rtol, double atol,
                                    const std::string& kernels = "cortexsim", int threads = 1) {
    auto num = [](double v) {
        char b[64];
        std::snprintf(b, sizeof b, "%.17g", v);
        return std::string(b);
    };
    return {"--run", std::to_string(n), solver, "--indegree", std::to_string(s.indegree),
            "--n-input", std::to_string(s.n_input), "--duration-ms", num(s.duration_ms),
            "--rtol", num(rtol), "--atol", num(atol), "--dt-ms", num(s.dt_ms),
            "--tau-dend-ms", num(s.tau_dend_ms), "--switch-ms", num(s.switch_ms),
            "--seed", std::to_string(s.seed),
            "--max-order", std::to_string(s.max_order), "--kernels", kernels,
            "--threads", std::to_string(threads),
            "--samples", samples};
}

/// Runs this binary with `args` in a child process; returns its RESULT line as key -> value,
/// plus maxrss_kB from wait4 (the kernel's peak RSS of the child).
result spawn(const std::vector<std::string>& args) {
    int fd[2];
    if (pipe(fd) != 0) throw std::runtime_error("pipe failed");
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        dup2(fd[1], STDOUT_FILENO);
        close(fd[0]);
        close(fd[1]);
        std::vector<char*> argv;
        std::string self = "bench_scaling";
        argv.push_back(self.data());
        std::vector<std::string> copy = args;
        for (auto& a : copy) argv.push_back(a.data());
        argv.push_back(nullptr);
        execv("/proc/self/exe", argv.data());
        _exit(127);
    }
    close(fd[1]);
    std::string out;
    char buf[4096];
    for (ssize_t k; (k = read(fd[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(k));
    close(fd[0]);
    int status = 0;
    struct rusage ru {};
    wait4(pid, &status, 0, &ru);
    result r;
    const std::size_t at = out.find("RESULT");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || at == std::string::npos) {
        r["error"] = "child failed (status " + std::to_string(status) + "): " + out;
        return r;
    }
    std::istringstream in(out.substr(at + 6));
    for (std::string kv; in >> kv;) {
        const std::size_t eq = kv.find('=');
        if (eq != std::string::npos) r[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    r["maxrss_kB"] = std::to_string(ru.ru_maxrss);
    return r;
}

double num(const result& r, const std::string& key) {
    const auto it = r.find(key);
    return it == r.end() ? std::nan("") : std::atof(it->second.c_str());
}

std::vector<double> read_samples(const std::string& path) {
    std::ifstream f(path, std::ios::binary | std::ios::ate);
    std::vector<double> v(static_cast<std::size_t>(f.tellg()) / sizeof(double));
    f.seekg(0);
    f.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(double)));
    return v;
}

double max_abs_diff(const std::vector<double>& a, const std::vector<double>& b) {
    if (a.size() != b.size() || a.empty()) return std::nan("");
    double d = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) d = std::max(d, std::fabs(a[i] - b[i]));
    return d;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t m = v.size() / 2;
    return v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

struct row {
    long n = 0;
    std::string solver, note;
    std::string kernels = "cortexsim";
    int threads = 1;
    result first;
    std::vector<double> run_s, run_cpu_s;  // wall and CPU seconds per run
    double max_err = std::nan("");
};

/// "adams" for cortexsim's kernels and 1 thread, "adams (sundials nv)" for SUNDIALS' own
/// kernels, "adams 2thr" for two threads.
std::string label(const row& r) {
    std::string l = r.kernels == "cortexsim" ? r.solver : r.solver + " (" + r.kernels + " nv)";
    return r.threads == 1 ? l : l + " " + std::to_string(r.threads) + "thr";
}

void print_and_write(const std::vector<row>& rows, const settings& s, double bw_GBps) {
    std::printf("\n%7s %8s %9s %-24s %4s %8s %8s %7s %7s %8s %8s %8s %8s %8s %9s %-9s\n", "N",
                "states", "synapses", "solver", "runs", "cpu_s", "wall_s", "build_s", "steps", "rhs",
                "lin_it", "peak_MB", "ns/c/rhs", "ns/c/run", "max_err", "auto");
    std::FILE* csv = std::fopen(s.csv.c_str(), "w");
    if (csv)
        std::fprintf(csv, "n,states,compartments,synapses,indegree,solver,kernels,threads,note,runs,cpu_s_median,"
                          "cpu_s_min,cpu_s_max,wall_s_median,build_s,steps,rhs_evals,nonlin_iters,lin_iters,"
                          "prec_evals,prec_solves,jac_evals,err_test_fails,reinits,peak_rss_MB,"
                          "rss_after_build_MB,rss_at_start_MB,rhs_ns_per_compartment,"
                          "run_ns_per_compartment_per_rhs,rhs_share_of_run,max_err_u_soma,"
                          "new_calls_during_run,bytes_per_rhs_essential,bytes_per_rhs_implemented,"
                          "bandwidth_fraction,auto_pick\n");
    for (const row& r : rows) {
        if (!r.note.empty() && r.run_s.empty()) {
            std::printf("%7ld %8s %9s %-24s skipped: %s\n", r.n, "", "", r.solver.c_str(), r.note.c_str());
            if (csv) std::fprintf(csv, "%ld,,,,%ld,%s,\"%s\"\n", r.n, s.indegree, r.solver.c_str(), r.note.c_str());
            continue;
        }
        const result& f = r.first;
        const double med = median(r.run_cpu_s);
        const double comps = num(f, "compartments"), rhs = num(f, "rhs_evals");
        const double ns_kernel = num(f, "rhs_s") * 1e9 / comps;
        const double ns_run = med * 1e9 / (rhs * comps);
        const double peak_MB = num(f, "maxrss_kB") / 1024.0;
        const double frac = bw_GBps > 0.0 ? num(f, "bytes_essential") / (bw_GBps * 1e9) / num(f, "rhs_s")
                                          : std::nan("");
        std::printf("%7ld %8.0f %9.3g %-24s %4zu %8.3f %8.3f %7.2f %7.0f %8.0f %8.0f %8.1f %8.2f %8.2f %9.2e %-9s\n",
                    r.n, num(f, "states"), num(f, "synapses"), label(r).c_str(), r.run_s.size(), med,
                    median(r.run_s), num(f, "build_s"), num(f, "steps"), rhs, num(f, "lin_iters"), peak_MB, ns_kernel,
                    ns_run, r.max_err, f.at("auto").c_str());
        if (csv)
            std::fprintf(csv, "%ld,%.0f,%.0f,%.0f,%ld,%s,%s,%d,%s,%zu,%.6g,%.6g,%.6g,%.6g,%.6g,%.0f,%.0f,%.0f,%.0f,"
                              "%.0f,%.0f,%.0f,%.0f,%.0f,%.3f,%.3f,%.3f,%.4g,%.4g,%.4g,%.3e,%.0f,%.6g,%.6g,%.4g,%s\n",
                         r.n, num(f, "states"), comps, num(f, "synapses"), s.indegree, r.solver.c_str(),
                         r.kernels.c_str(), r.threads, r.note.c_str(), r.run_s.size(), med,
                         *std::min_element(r.run_cpu_s.begin(), r.run_cpu_s.end()),
                         *std::max_element(r.run_cpu_s.begin(), r.run_cpu_s.end()), median(r.run_s),
                         num(f, "build_s"),
                         num(f, "steps"), rhs, num(f, "nonlin_iters"), num(f, "lin_iters"),
                         num(f, "prec_evals"), num(f, "prec_solves"), num(f, "jac_evals"),
                         num(f, "err_test_fails"), num(f, "reinits"), peak_MB,
                         num(f, "rss_build_kB") / 1024.0, num(f, "rss0_kB") / 1024.0, ns_kernel,
                         ns_run, num(f, "rhs_s") * rhs / med, r.max_err, num(f, "news_run"),
                         num(f, "bytes_essential"), num(f, "bytes_implemented"), frac,
                         f.at("auto").c_str());
    }
    if (csv) std::fclose(csv);
}

/// Per N: what auto picked, and the fastest CVODE choice by median wall time.
void print_auto_summary(const std::vector<row>& rows) {
    std::printf("\nauto's choice (CVODE solvers compared; euler is fixed-step, see max_err):\n");
    std::map<long, std::vector<const row*>> by_n;
    for (const row& r : rows)
        if (!r.run_s.empty() && r.kernels == "cortexsim" && r.threads == 1) by_n[r.n].push_back(&r);
    for (const auto& [n, list] : by_n) {
        const row* fastest = nullptr;
        const row* picked = nullptr;
        for (const row* r : list) {
            if (r->solver == "euler") continue;
            if (!fastest || median(r->run_cpu_s) < median(fastest->run_cpu_s)) fastest = r;
            if (r->solver == r->first.at("auto")) picked = r;
        }
        if (!fastest) continue;
        const std::string pick = list.front()->first.at("auto");
        std::printf("  N=%-7ld auto -> %-9s fastest: %-9s (%.3f CPU s)", n, pick.c_str(),
                    fastest->solver.c_str(), median(fastest->run_cpu_s));
        if (picked)
            std::printf("  auto's pick %.3f CPU s: %s\n", median(picked->run_cpu_s),
                        picked == fastest ? "fastest" : "NOT the fastest");
        else
            std::printf("  (auto's pick not measured)\n");
    }
}

/// Per (N, solver): each variant (kernels, threads) against the first one of the same N and
/// solver: the median of the paired runs' CPU and wall time ratios, and whether the results
/// were the same bits (checksum and step count).
void print_variant_ratios(const std::vector<row>& rows) {
    std::printf("\nvariants against the first of each N and solver (median of paired ratios, "
                "variant / first; same checksum = same bits):\n");
    for (std::size_t b = 0; b < rows.size(); ++b) {
        const row& base = rows[b];
        if (base.run_cpu_s.empty()) continue;
        if (b > 0 && rows[b - 1].n == base.n && rows[b - 1].solver == base.solver) continue;
        for (std::size_t o = b + 1; o < rows.size() && rows[o].n == base.n && rows[o].solver == base.solver; ++o) {
            const row& other = rows[o];
            if (other.run_cpu_s.empty()) continue;
            std::vector<double> cpu, wall;
            for (std::size_t k = 0; k < std::min(base.run_cpu_s.size(), other.run_cpu_s.size()); ++k) {
                cpu.push_back(other.run_cpu_s[k] / base.run_cpu_s[k]);
                wall.push_back(other.run_s[k] / base.run_s[k]);
            }
            const bool same = base.first.at("checksum") == other.first.at("checksum") &&
                              base.first.at("steps") == other.first.at("steps");
            std::printf("  N=%-7ld %-24s / %-24s CPU %.2fx, wall %.2fx (%zu pairs; medians CPU %.3f / %.3f s, "
                        "wall %.3f / %.3f s) %s\n",
                        base.n, label(other).c_str(), label(base).c_str(), median(cpu), median(wall), cpu.size(),
                        median(other.run_cpu_s), median(base.run_cpu_s), median(other.run_s), median(base.run_s),
                        same ? "same checksum and steps" : "RESULTS DIFFER");
        }
    }
}

// ---------------------------------------------------------------------------------------------

void usage() {
    std::puts(
        "usage: bench_scaling [options]\n"
        "  --sizes 100,1000,10000,100000   neurons (80% pyramidal, 20% interneurons)\n"
        "  --solvers adams,bdf-gmres,bdf-dense,euler\n"
        "  --kernels cortexsim[,sundials]  CVODE's N_Vector kernels: cortexsim's -O3 ones and/or\n"
        "                                  Debian's SUNDIALS build (same bits; runs interleaved)\n"
        "  --threads 1[,2]                 OpenMP threads of the projections' mat-vec (same bits;\n"
        "                                  compare wall times, CPU time adds up both threads)\n"
        "  --indegree K (100)              synapses per neuron\n"
        "  --n-input N (100)               input neurons (rates switch every --switch-ms)\n"
        "  --repeats R (3)                 runs per configuration (median) while one takes less\n"
        "  --cheap-s S (20)                than S CPU seconds\n"
        "  --duration-ms T (1000)  --rtol X (1e-6)  --atol X (1e-8)  --dt-ms X (0.1, euler)\n"
        "  --tau-dend-ms X (3)             dendritic time constants (0.01: a stiff variant)\n"
        "  --switch-ms X (100)             input patterns switch (CVODE restarts) this often\n"
        "  --max-order Q (0)               CVodeSetMaxOrd (0: CVODE's 12 for Adams, 5 for BDF)\n"
        "  --max-dense-states S (2000)     skip bdf-dense above this state size\n"
        "  --accuracy-max-n N (100000)     reference runs (adams, rtol 1e-10) up to this N\n"
        "  --stream-mb M (256)  --no-stream   STREAM triad array size (per array)\n"
        "  --csv FILE (bench_scaling.csv)  --seed N (1)\n"
        "  --quick                         N = 100, 1000; 200 ms; one run each; small STREAM\n"
        "  --run N SOLVER [--samples FILE] [--memory-probe]\n"
        "                                  one configuration in this process (what children run);\n"
        "                                  --memory-probe trims the heap after building, so RSS\n"
        "                                  shows the live network (docs/dev/performance_log.md)");
}

std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream in(s);
    for (std::string item; std::getline(in, item, ',');)
        if (!item.empty()) out.push_back(item);
    return out;
}

} // namespace

int main(int argc, char** argv) {
    settings s;
    long run_n = 0;
    std::string run_solver, samples;
    try {
        for (int i = 1; i < argc; ++i) {
            const std::string a = argv[i];
            auto value = [&]() -> std::string {
                if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
                return argv[++i];
            };
            if (a == "--sizes") {
                s.sizes.clear();
                for (const auto& v : split(value())) s.sizes.push_back(std::stol(v));
            } else if (a == "--solvers") s.solvers = split(value());
            else if (a == "--kernels") s.kernels = split(value());
            else if (a == "--threads") {
                s.threads.clear();
                for (const auto& v : split(value())) s.threads.push_back(std::stoi(v));
            }
            else if (a == "--indegree") s.indegree = std::stol(value());
            else if (a == "--n-input") s.n_input = std::stol(value());
            else if (a == "--repeats") s.repeats = std::stoi(value());
            else if (a == "--cheap-s") s.cheap_s = std::stod(value());
            else if (a == "--duration-ms") s.duration_ms = std::stod(value());
            else if (a == "--rtol") s.rtol = std::stod(value());
            else if (a == "--atol") s.atol = std::stod(value());
            else if (a == "--dt-ms") s.dt_ms = std::stod(value());
            else if (a == "--tau-dend-ms") s.tau_dend_ms = std::stod(value());
            else if (a == "--switch-ms") s.switch_ms = std::stod(value());
            else if (a == "--max-order") s.max_order = std::stoi(value());
            else if (a == "--max-dense-states") s.max_dense_states = std::stol(value());
            else if (a == "--accuracy-max-n") s.accuracy_max_n = std::stol(value());
            else if (a == "--stream-mb") s.stream_mb = static_cast<std::size_t>(std::stol(value()));
            else if (a == "--no-stream") s.stream = false;
            else if (a == "--memory-probe") s.memory_probe = true;
            else if (a == "--csv") s.csv = value();
            else if (a == "--seed") s.seed = std::stoull(value());
            else if (a == "--samples") samples = value();
            else if (a == "--quick") {
                s.sizes = {100, 1000};
                s.duration_ms = 200.0;
                s.repeats = 1;
                s.stream_mb = 64;
            } else if (a == "--run") {
                run_n = std::stol(value());
                run_solver = value();
            } else if (a == "--help" || a == "-h") {
                usage();
                return 0;
            } else throw std::invalid_argument("unknown option '" + a + "'");
        }
        if (run_n > 0) return run_child(run_n, run_solver, s, samples);

        double bw1 = 0.0;
        if (s.stream) {
            const std::size_t n = s.stream_mb * (1u << 20) / 8;
            const bench::stream_result one = bench::measure_stream(n, 10, 1);
            const bench::stream_result two = bench::measure_stream(n, 10, 2);
            bw1 = one.triad_GBps;
            std::printf("STREAM (3 x %zu MB arrays, best of 10): 1 thread triad %.2f GB/s copy %.2f GB/s; "
                        "2 threads triad %.2f GB/s copy %.2f GB/s\n",
                        s.stream_mb, one.triad_GBps, one.copy_GBps, two.triad_GBps, two.copy_GBps);
        }
        const std::string tmp = "/tmp/bench_scaling_" + std::to_string(getpid());
        std::vector<row> rows;
        for (long n : s.sizes) {
            // Reference for max_err: adams at rtol 1e-10, atol 1e-12.
            std::vector<double> ref;
            if (n <= s.accuracy_max_n) {
                const result r = spawn(child_args(s, n, "adams", tmp + "_ref.bin", 1e-10, 1e-12));
                if (r.count("error")) std::fprintf(stderr, "reference N=%ld: %s\n", n, r.at("error").c_str());
                else ref = read_samples(tmp + "_ref.bin");
                std::printf("N=%ld reference (adams rtol 1e-10): %.2f CPU s\n", n, num(r, "run_cpu_s"));
            }
            for (const std::string& solver : s.solvers) {
                row r;
                r.n = n;
                r.solver = solver;
                const long states = 3 * ((4 * n) / 5) + 2 * (n - (4 * n) / 5);
                if (solver == "bdf-dense" && states > s.max_dense_states) {
                    r.note = "dense Jacobian of " + std::to_string(states) + " states: " +
                             std::to_string(states * states * 8 / 1000000) + " MB, " +
                             std::to_string(states) + " RHS evaluations per Jacobian, O(n^3) LU";
                    rows.push_back(r);
                    continue;
                }
                // One row per kernel choice; their repetitions alternate (A B A B ...), so a
                // change of machine load hits both alike and paired ratios stay meaningful.
                std::vector<row> variants;
                for (const std::string& kern : s.kernels) {
                    if (solver == "euler" && kern != s.kernels.front()) break;  // no N_Vectors
                    for (const int th : s.threads) {
                        r.kernels = solver == "euler" ? "cortexsim" : kern;
                        r.threads = th;
                        variants.push_back(r);
                    }
                }
                std::vector<bool> active(variants.size(), true);
                for (int k = 0; k < s.repeats; ++k) {
                    for (std::size_t v = 0; v < variants.size(); ++v) {
                        if (!active[v]) continue;
                        row& x = variants[v];
                        const result res = spawn(child_args(s, n, solver, tmp + ".bin", s.rtol, s.atol, x.kernels, x.threads));
                        if (res.count("error")) {
                            std::fprintf(stderr, "N=%ld %s: %s\n", n, label(x).c_str(), res.at("error").c_str());
                            x.note = "failed";
                            active[v] = false;
                            continue;
                        }
                        if (k == 0) {
                            x.first = res;
                            if (!ref.empty()) x.max_err = max_abs_diff(ref, read_samples(tmp + ".bin"));
                        }
                        x.run_s.push_back(num(res, "run_s"));
                        x.run_cpu_s.push_back(num(res, "run_cpu_s"));
                        std::printf("N=%ld %-24s run %d: %.3f CPU s, %.3f wall s (build %.2f s, %0.f steps, "
                                    "%0.f rhs, checksum %s)\n",
                                    n, label(x).c_str(), k + 1, num(res, "run_cpu_s"), num(res, "run_s"),
                                    num(res, "build_s"), num(res, "steps"), num(res, "rhs_evals"),
                                    res.at("checksum").c_str());
                        std::fflush(stdout);
                        if (x.run_cpu_s.back() > s.cheap_s) active[v] = false;
                    }
                }
                for (row& x : variants) rows.push_back(std::move(x));
            }
        }
        std::remove((tmp + ".bin").c_str());
        std::remove((tmp + "_ref.bin").c_str());
        print_and_write(rows, s, bw1);
        print_auto_summary(rows);
        if (s.kernels.size() > 1 || s.threads.size() > 1) print_variant_ratios(rows);
        if (bw1 > 0.0) {
            std::printf("\nfraction of the 1-thread STREAM triad limit (%.2f GB/s) per RHS evaluation:\n", bw1);
            for (const row& r : rows) {
                if (r.run_s.empty() || r.solver != s.solvers.front() || r.kernels != s.kernels.front() ||
                    r.threads != s.threads.front())
                    continue;
                const double t = num(r.first, "rhs_s");
                const double be = num(r.first, "bytes_essential"), bi = num(r.first, "bytes_implemented");
                std::printf("  N=%-7ld %.3g MB essential (%.3g MB as implemented) in %.3g ms: "
                            "%.2f GB/s, %.0f%% of the limit (%.0f%% counting implemented traffic)\n",
                            r.n, be / 1e6, bi / 1e6, t * 1e3, be / t / 1e9,
                            100.0 * be / t / 1e9 / bw1, 100.0 * bi / t / 1e9 / bw1);
            }
        }
        std::printf("\nCSV: %s\n", s.csv.c_str());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_scaling: %s\n", e.what());
        return 1;
    }
    return 0;
}
