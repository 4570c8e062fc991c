#include "bench/stream.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

namespace cortexsim::bench {

namespace {

using clock_type = std::chrono::steady_clock;

// Each thread works on [begin, end) of all three arrays. Kept out of line and over raw
// pointers so the loops vectorise exactly as a C STREAM build would.
void init_slice(double* a, double* b, double* c, std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
        a[i] = 1.0;
        b[i] = 2.0;
        c[i] = 0.5;
    }
}

void copy_slice(double* __restrict a, const double* __restrict b, std::size_t begin,
                std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) a[i] = b[i];
}

void triad_slice(double* __restrict a, const double* __restrict b, const double* __restrict c,
                 double s, std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) a[i] = b[i] + s * c[i];
}

/// Runs fn(begin, end) on `threads` threads over [0, n) and returns the wall seconds.
template <class F> double timed_parallel(std::size_t n, int threads, F fn) {
    const auto t0 = clock_type::now();
    if (threads == 1) {
        fn(std::size_t{0}, n);
    } else {
        std::vector<std::thread> pool;
        const std::size_t chunk = (n + static_cast<std::size_t>(threads) - 1) / static_cast<std::size_t>(threads);
        for (int t = 0; t < threads; ++t) {
            const std::size_t begin = std::min(n, static_cast<std::size_t>(t) * chunk);
            const std::size_t end = std::min(n, begin + chunk);
            pool.emplace_back([=] { fn(begin, end); });
        }
        for (auto& th : pool) th.join();
    }
    return std::chrono::duration<double>(clock_type::now() - t0).count();
}

} // namespace

stream_result measure_stream(std::size_t n, int repetitions, int threads) {
    if (n == 0 || repetitions < 1 || threads < 1)
        throw std::invalid_argument("measure_stream: n, repetitions and threads must be positive");
    // new double[] without value-initialisation: the pages are first touched by init_slice on
    // the thread that streams them later.
    std::unique_ptr<double[]> a(new double[n]), b(new double[n]), c(new double[n]);
    double* pa = a.get();
    double* pb = b.get();
    double* pc = c.get();
    timed_parallel(n, threads, [=](std::size_t lo, std::size_t hi) { init_slice(pa, pb, pc, lo, hi); });

    double best_copy = 1e300, best_triad = 1e300;
    for (int r = 0; r < repetitions; ++r) {
        best_copy = std::min(best_copy, timed_parallel(n, threads, [=](std::size_t lo, std::size_t hi) {
                                 copy_slice(pa, pb, lo, hi);
                             }));
        best_triad = std::min(best_triad, timed_parallel(n, threads, [=](std::size_t lo, std::size_t hi) {
                                  triad_slice(pa, pb, pc, 3.0, lo, hi);
                              }));
    }
    // Keep the result observable so the stores cannot be dropped.
    volatile double sink = pa[n / 2];
    (void)sink;

    stream_result res;
    const double bytes = 8.0 * static_cast<double>(n);
    res.copy_GBps = 2.0 * bytes / best_copy / 1e9;
    res.triad_GBps = 3.0 * bytes / best_triad / 1e9;
    res.array_bytes = static_cast<std::size_t>(bytes);
    res.threads = threads;
    res.repetitions = repetitions;
    return res;
}

} // namespace cortexsim::bench
