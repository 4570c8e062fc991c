#pragma once
/// The sparse projections' mat-vec, out[i] += sum_p gain values[p] r[cols[p]] over the
/// compressed rows, with rows split over OpenMP threads (circuits/threads.hpp). Kept free of
/// Eigen so that only this file and threads.cpp are compiled with -fopenmp.

#include <cstddef>

namespace cortexsim {

/// Compressed-row arrays of a rows x n matrix (Eigen's RowMajor SparseMatrix layout:
/// row i holds entries outer[i] .. outer[i+1]-1).
struct csr_view {
    std::size_t rows = 0;
    const int* outer = nullptr;
    const int* cols = nullptr;
    const double* values = nullptr;
};

/// out[i] += sum over row i, in storage order and starting from 0, of (gain w) r — the same
/// operations as Eigen's row-major sparse times dense vector `y += gain * (W r)` (which Eigen
/// evaluates as (gain W) r; for gain 1 as W r), so results equal those of Eigen's product.
/// Each row is computed by one thread; with `parallel` the rows are split into contiguous
/// blocks, one per thread, so results are identical for every thread count.
void csr_accumulate(const csr_view& m, double gain, const double* r, double* out, bool parallel);

} // namespace cortexsim
