// No heap allocation inside the right-hand side or the preconditioner (issue 6; STYLE.md "No
// heap allocation in the right-hand side"), nor inside CVODE's steps between discontinuities.
//
// This file replaces the global operator new/delete and, on glibc, interposes malloc and its
// relatives (Eigen and SUNDIALS allocate with malloc, not with operator new), counting calls
// while a probe is armed. Replacing the allocator is program-wide, so the file is linked into an
// executable of its own (test_allocations in tests/CMakeLists.txt) and nowhere else.
#include <catch2/catch.hpp>

#include <errno.h>
#include <execinfo.h>

#include <cstdlib>
#include <new>
#include <sstream>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "../test_models.hpp"

// ---------------------------------------------------------------------------------------------
// Counting allocator

namespace {

struct alloc_counters {
    long new_calls = 0;     ///< operator new (any form)
    long malloc_calls = 0;  ///< malloc, calloc, realloc, memalign, posix_memalign, aligned_alloc
};

// Plain globals: the tests are single-threaded, and the allocator must not allocate itself.
bool g_armed = false;
bool g_in_hook = false;  // backtrace() below must not count itself
alloc_counters g_counts;
constexpr int max_frames = 24;
void* g_first_frames[max_frames];
int g_first_depth = 0;

void note_allocation(long alloc_counters::*counter) {
    if (!g_armed || g_in_hook) return;
    ++(g_counts.*counter);
    if (g_first_depth == 0) {  // keep the first offender's call stack for the failure message
        g_in_hook = true;
        g_first_depth = backtrace(g_first_frames, max_frames);
        g_in_hook = false;
    }
}

} // namespace

#if defined(__GLIBC__)
// glibc exports its allocator under these names, so a program may put its own malloc in front
// of it (the glibc manual's "Replacing malloc"); every shared library then calls ours.
extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);
void __libc_free(void*);

void* malloc(std::size_t n) noexcept {
    note_allocation(&alloc_counters::malloc_calls);
    return __libc_malloc(n);
}
void* calloc(std::size_t count, std::size_t n) noexcept {
    note_allocation(&alloc_counters::malloc_calls);
    return __libc_calloc(count, n);
}
void* realloc(void* p, std::size_t n) noexcept {
    note_allocation(&alloc_counters::malloc_calls);
    return __libc_realloc(p, n);
}
void* memalign(std::size_t alignment, std::size_t n) noexcept {
    note_allocation(&alloc_counters::malloc_calls);
    return __libc_memalign(alignment, n);
}
void* aligned_alloc(std::size_t alignment, std::size_t n) noexcept {
    note_allocation(&alloc_counters::malloc_calls);
    return __libc_memalign(alignment, n);
}
int posix_memalign(void** out, std::size_t alignment, std::size_t n) noexcept {
    note_allocation(&alloc_counters::malloc_calls);
    if (alignment % sizeof(void*) != 0 || (alignment & (alignment - 1)) != 0) return EINVAL;
    void* p = __libc_memalign(alignment, n);
    if (!p) return ENOMEM;
    *out = p;
    return 0;
}
void free(void* p) noexcept { __libc_free(p); }
}
#endif

// libstdc++'s array, nothrow and sized forms forward to these. noinline: GCC 12 would otherwise
// inline them and warn that free() meets a pointer from operator new (-Wmismatched-new-delete).
[[gnu::noinline]] void* operator new(std::size_t n) {
    note_allocation(&alloc_counters::new_calls);
    if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
    throw std::bad_alloc();
}
[[gnu::noinline]] void* operator new(std::size_t n, std::align_val_t al) {
    note_allocation(&alloc_counters::new_calls);
    const auto a = static_cast<std::size_t>(al);
    if (void* p = std::aligned_alloc(a, (n + a - 1) / a * a)) return p;
    throw std::bad_alloc();
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

namespace {

/// Counts allocations while alive. Not nestable.
class allocation_probe {
public:
    allocation_probe() {
        g_counts = {};
        g_first_depth = 0;
        g_armed = true;
    }
    ~allocation_probe() { g_armed = false; }
    allocation_probe(const allocation_probe&) = delete;
    allocation_probe& operator=(const allocation_probe&) = delete;
    alloc_counters stop() {
        g_armed = false;
        return g_counts;
    }
};

/// The first offender's call stack (symbols need -rdynamic or addr2line on the addresses).
std::string first_allocation_site() {
    if (g_first_depth == 0) return "none";
    std::ostringstream out;
    char** names = backtrace_symbols(g_first_frames, g_first_depth);
    for (int i = 0; i < g_first_depth; ++i) out << "\n  " << (names ? names[i] : "?");
    std::free(names);
    return out.str();
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Models

using namespace cortexsim;
using namespace cortexsim::testing;

namespace {

/// The benchmark's shape (bench/scaling.cpp) in small: dynamic-dendrite pyramidal neurons and
/// interneurons, sparse fixed in-degree projections onto basal, apical and dendrite, inputs
/// switching every 10 ms, a low-pass filtered input, somatic noise and a nudging projection.
model_desc sparse_model(const std::string& method) {
    model_desc m = base_model(40.0, method, 1e-6, 1e-8);
    m.populations = {population("in", "input", 20), population("P", "pyramidal", 40, "dynamic"),
                     population("I", "interneuron", 10, "dynamic"),
                     population("Q", "pyramidal", 10, "dynamic")};
    m.populations[0].params["tau_ms"] = 3.0;
    m.populations[1].params["noise_sigma"] = 0.05;
    m.simulation.noise_interval_ms = 1.0;  // a noise redraw (and CVODE restart) every 1 ms
    m.projections = {sparse_proj_desc("in", "P", "basal", 8, 0.0, 0.5), sparse_proj_desc("P", "P", "basal", 12, -0.5, 0.5),
                     sparse_proj_desc("P", "P", "apical", 6, -0.5, 0.5), sparse_proj_desc("I", "P", "apical", 5, -0.5, 0.0),
                     sparse_proj_desc("P", "I", "dendrite", 16, 0.0, 0.5), sparse_proj_desc("P", "Q", "basal", 10, -0.5, 0.5)};
    m.projections.push_back(nudging_proj_desc("Q", "I", 0.8));
    m.stimuli = {stepped_rates("in", 4, 10.0, 0.1, 0.2)};
    return m;
}

/// rhs(), prec_setup() and prec_solve() of `net` after a warm-up, counted over many calls.
void check_callbacks(network& net, const std::string& what) {
    std::vector<double> y(net.size()), ydot(net.size()), z(net.size());
    net.initial_state(y.data());
    net.enter_segment(0.0, y.data());
    for (std::size_t i = 0; i < y.size(); ++i) y[i] += 0.01 * static_cast<double>(i % 5);
    for (int k = 0; k < 3; ++k) net.rhs(0.0, y.data(), ydot.data());  // warm-up
    net.prec_setup(0.0, y.data(), 0.05);
    net.prec_solve(ydot.data(), z.data());
    {
        allocation_probe probe;
        for (int k = 0; k < 200; ++k) net.rhs(0.1 * k, y.data(), ydot.data());
        const alloc_counters c = probe.stop();
        INFO(what << ": rhs() allocated; first call stack:" << first_allocation_site());
        CHECK(c.new_calls == 0);
        CHECK(c.malloc_calls == 0);
    }
    {
        allocation_probe probe;
        for (int k = 0; k < 50; ++k) {
            net.prec_setup(0.1 * k, y.data(), 0.05 + 0.001 * k);
            net.prec_solve(ydot.data(), z.data());
        }
        const alloc_counters c = probe.stop();
        INFO(what << ": prec_setup()/prec_solve() allocated; first call stack:" << first_allocation_site());
        CHECK(c.new_calls == 0);
        CHECK(c.malloc_calls == 0);
    }
}

} // namespace

TEST_CASE("the allocation probe sees operator new and malloc", "[circuits][allocations]") {
    // Guards the test itself: a probe that counted nothing would pass every check below.
    allocation_probe probe;
    // volatile: the compiler may not elide an allocation whose address escapes.
    std::vector<double>* volatile v = new std::vector<double>(1000, 1.0);
    delete v;
    void* volatile p = std::malloc(64);
    std::free(p);
    Eigen::VectorXd x = Eigen::VectorXd::Ones(100);  // Eigen allocates through malloc
    const alloc_counters c = probe.stop();
    CHECK(c.new_calls >= 2);
#if defined(__GLIBC__)
    CHECK(c.malloc_calls >= 4);
#endif
    CHECK(x.sum() == 100.0);
}

TEST_CASE("the right-hand side and the preconditioner do not allocate", "[circuits][allocations]") {
    SECTION("sparse projections, dynamic dendrites, filtered input, noise, nudging projection") {
        network net(lower(sparse_model("bdf-gmres")));
        check_callbacks(net, "sparse model");
    }
    for (const std::string dendrites : {"instantaneous", "dynamic"}) {
        SECTION("dense projections and a nudge stimulus, " + dendrites + " dendrites") {
            network net(lower(recurrent_model("bdf-gmres", dendrites)));
            check_callbacks(net, "recurrent model, " + dendrites);
        }
    }
}

TEST_CASE("integrating between discontinuities does not allocate", "[circuits][allocations]") {
    // After a warm-up segment, CVODE's steps (right-hand side, Newton or fixed-point iterations,
    // GMRES with the preconditioner, error tests, the per-step state check) allocate nothing.
    // Segment switches re-initialise CVODE (CVodeReInit), which must not allocate either.
    for (const std::string method : {"adams", "bdf-gmres", "bdf-dense", "euler"}) {
        SECTION(method) {
            network net(lower(sparse_model(method)));
            simulation sim(net, net.integrator_options(), 1e-8);
            sim.run(5.0);  // warm-up: first steps, CVODE's lazily sized workspaces
            const long jac_before = sim.stats().jac_evals;
            allocation_probe probe;
            sim.run(35.0);  // crosses the switches at 10, 20 and 30 ms and the noise grid
            const alloc_counters c = probe.stop();
            const long jacobians = sim.stats().jac_evals - jac_before;
            INFO(method << ": integration allocated " << c.new_calls << " x new, " << c.malloc_calls
                        << " x malloc (" << jacobians << " dense Jacobians); first call stack:"
                        << first_allocation_site());
            CHECK(c.new_calls == 0);
            if (method == "bdf-dense") {
                // SUNDIALS 6.4's difference-quotient dense Jacobian (cvLsDenseDQJac) wraps each
                // column in a vector made by N_VCloneEmpty and destroys it afterwards: three
                // mallocs (vector, ops table, content) per Jacobian, inside CVODE, not in
                // cortexsim's callbacks. An analytic Jacobian (CVodeSetJacFn) would remove them.
                CHECK(jacobians > 0);
                CHECK(c.malloc_calls <= 3 * jacobians);
            } else {
                CHECK(c.malloc_calls == 0);
            }
            CHECK(sim.stats().steps > 0);
        }
    }
}
