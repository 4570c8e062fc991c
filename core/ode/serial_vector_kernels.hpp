#pragma once
/// cortexsim's own kernels for the serial N_Vector operations CVODE calls in every step.
/// Private to core/ode/ (it names SUNDIALS types).
///
/// Why: Debian 12's SUNDIALS 6.4.1 is compiled without optimisation, so its vector kernels
/// (linear sums, weighted RMS norms, scalings, dot products) cost as much as a
/// 10^5-synapse right-hand side (docs/dev/performance_log.md, "Profile"). These replacements are
/// compiled with -O3 (core/CMakeLists.txt) and compute **bit for bit the same results**:
/// every element goes through the same floating-point operations in the same order,
/// including N_VLinearSum's special cases (a == 1, a == -b, ...) and the sequential order of
/// every reduction. FP contraction is switched off for the file, so an -march with FMA cannot
/// change a rounding either. tests/core/test_vector_kernels.cpp compares each operation with
/// SUNDIALS' own on the same data; tests/circuits/test_vector_kernels_network.cpp compares
/// whole network trajectories with ==.
///
/// The fused operations (N_VLinearCombination, N_VScaleAddMulti, N_VDotProdMulti,
/// N_VScaleVectorArray) are switched off in SUNDIALS' serial vector, so SUNDIALS falls back to
/// sequences of N_VScale/N_VLinearSum/N_VDotProd calls. Ours do the same arithmetic per element
/// in one pass where that is exact (see the .cpp).

#include <nvector/nvector_serial.h>

namespace cortexsim::ode::detail {

/// Points the arithmetic entries of v's ops table at cortexsim's kernels. v must be a serial
/// vector (N_VNew_Serial/N_VMake_Serial). Vectors cloned from v inherit the table, so every
/// vector CVODE and its solvers clone from it uses the kernels.
void use_cortexsim_vector_kernels(N_Vector v) noexcept;

} // namespace cortexsim::ode::detail
