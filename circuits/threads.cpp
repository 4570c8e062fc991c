#include "circuits/threads.hpp"

#include <cstdlib>
#include <stdexcept>
#include <string>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace cortexsim {

#ifdef _OPENMP
namespace {
/*
 * One thread unless asked for more. OpenMP's own default is one thread per core, but a
 * parallel region waits for its slowest thread, and on a machine shared with other jobs a
 * thread that the scheduler keeps off its core costs a time slice per region (several per
 * right-hand side): measured 9-16x slower than one thread with both cores busy
 * (docs/dev/performance_log.md, "Threads"). OMP_NUM_THREADS, the CLI's --threads and set_worker_threads() ask.
 */
void apply_default_once() {
    static const bool applied = [] {
        if (std::getenv("OMP_NUM_THREADS") == nullptr) omp_set_num_threads(1);
        return true;
    }();
    (void)applied;
}
} // namespace

bool openmp_enabled() { return true; }
int worker_threads() {
    apply_default_once();
    return omp_get_max_threads();
}
void set_worker_threads(int n) {
    if (n < 1) throw std::invalid_argument("set_worker_threads: need n >= 1, got " + std::to_string(n));
    apply_default_once();
    omp_set_num_threads(n);
}
#else
bool openmp_enabled() { return false; }
int worker_threads() { return 1; }
void set_worker_threads(int n) {
    if (n < 1) throw std::invalid_argument("set_worker_threads: need n >= 1, got " + std::to_string(n));
}
#endif

} // namespace cortexsim
