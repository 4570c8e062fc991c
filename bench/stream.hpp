#pragma once
/// A STREAM-like memory-bandwidth probe (McCalpin's triad a[i] = b[i] + s c[i]) in the same
/// binary as the benchmark it calibrates, so "fraction of the machine's limit" compares numbers
/// measured with the same compiler, flags and allocator.

#include <cstddef>

namespace cortexsim::bench {

struct stream_result {
    double triad_GBps = 0.0;       ///< best repetition; STREAM's count: 24 bytes per element
    double copy_GBps = 0.0;        ///< a[i] = b[i], best repetition; 16 bytes per element
    std::size_t array_bytes = 0;   ///< size of each of the three arrays
    int threads = 1;
    int repetitions = 0;
};

/// Runs copy and triad over three arrays of n doubles each (pick n so that 8 n is far larger
/// than the last-level cache), `repetitions` times, on `threads` threads that each own a
/// contiguous slice (first-touch initialised by the thread that later streams it). Reports the
/// best repetition, as STREAM does. Bytes are counted STREAM's way: the write-allocate read of
/// the destination is not counted.
stream_result measure_stream(std::size_t n, int repetitions, int threads);

} // namespace cortexsim::bench
