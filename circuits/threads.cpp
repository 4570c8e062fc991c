#include "circuits/threads.hpp"

#include <stdexcept>
#include <string>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace cortexsim {

#ifdef _OPENMP
bool openmp_enabled() { return true; }
int worker_threads() { return omp_get_max_threads(); }
void set_worker_threads(int n) {
    if (n < 1) throw std::invalid_argument("set_worker_threads: need n >= 1, got " + std::to_string(n));
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
