#include "circuits/csr_matvec.hpp"

namespace cortexsim {

namespace {

/// Row i as Eigen computes `y += W r` (scaled = false) and `y += gain * (W r)` (scaled = true),
/// which Eigen rewrites as `((gain * W) r)`: the gain multiplies every weight, not the sum.
template <bool scaled>
inline void row_product(const csr_view& m, double gain, const double* r, double* out,
                        std::ptrdiff_t i) {
    double tmp = 0.0;
    for (int p = m.outer[i]; p < m.outer[i + 1]; ++p)
        tmp += (scaled ? gain * m.values[p] : m.values[p]) * r[m.cols[p]];
    out[i] += tmp;
}

template <bool scaled>
void rows_product(const csr_view& m, double gain, const double* r, double* out, bool parallel) {
    const auto rows = static_cast<std::ptrdiff_t>(m.rows);
#ifdef _OPENMP
    if (parallel) {
        // Static schedule: contiguous equal blocks of rows (fixed in-degree rows cost the same),
        // no work-sharing overhead beyond the fork and join.
#pragma omp parallel for schedule(static)
        for (std::ptrdiff_t i = 0; i < rows; ++i) row_product<scaled>(m, gain, r, out, i);
        return;
    }
#else
    (void)parallel;  // built without OpenMP (CORTEXSIM_OPENMP=OFF): always serial
#endif
    for (std::ptrdiff_t i = 0; i < rows; ++i) row_product<scaled>(m, gain, r, out, i);
}

} // namespace

void csr_accumulate(const csr_view& m, double gain, const double* r, double* out, bool parallel) {
    if (gain == 1.0) rows_product<false>(m, gain, r, out, parallel);
    else rows_product<true>(m, gain, r, out, parallel);
}

} // namespace cortexsim
