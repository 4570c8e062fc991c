#pragma once
/// Threads of the right-hand side's parallel loops (OpenMP, CMake option CORTEXSIM_OPENMP).
/// Each thread computes whole rows of a projection's mat-vec, every row summed in the same
/// order as with one thread, so results do not depend on the thread count
/// (tests/circuits/test_threads.cpp). The default is one thread, or OMP_NUM_THREADS if set:
/// on a machine shared with other jobs, waiting in every parallel region for a thread that
/// another job holds off its core made two threads many times slower (docs/dev/performance_log.md, "Threads").

namespace cortexsim {

/// True if cortexsim was built with OpenMP.
bool openmp_enabled();
/// The number of threads parallel loops use (1 without OpenMP; by default 1 or OMP_NUM_THREADS).
int worker_threads();
/// Sets that number (n >= 1) for the calling thread; ignored without OpenMP.
void set_worker_threads(int n);

} // namespace cortexsim
