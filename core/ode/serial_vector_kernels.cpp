#include "core/ode/serial_vector_kernels.hpp"

#include <cmath>
#include <cstddef>

/*
 * Exactness. Each kernel applies, element by element, the same IEEE operations as SUNDIALS
 * 6.4's serial vector (src/nvector/serial/nvector_serial.c) with the same operand order:
 * N_VLinearSum dispatches to the same special cases (z = x + y, z = c (x + y), y += a x, ...)
 * because c (x + y) and c x + c y round differently; reductions run sequentially from element
 * 0, so the rounded partial sums are the same. Elementwise loops carry `#pragma GCC ivdep`:
 * an output may be the very same array as an input (z == x, in place), which is no
 * loop-carried dependence, and N_Vectors never overlap partially; without the pragma GCC
 * would fall back to its scalar loop exactly in the in-place case. The compiler may vectorise
 * elementwise loops (each element is still computed by the same operations) but not the
 * reductions (no -ffast-math), so their order stays sequential.
 *
 * The fused operations: SUNDIALS' serial vector leaves them off, so N_VLinearCombination(c, X,
 * z) falls back to N_VScale(c0, X0, z) followed by N_VLinearSum(ci, Xi, 1, z, z) for i >= 1,
 * and N_VScaleAddMulti(a, x, Y, Z) to N_VLinearSum(ai, x, 1, Yi, Zi) for each i. Ours run the
 * same kernels on the same elements, but block by block (linear_combination), so z's block
 * stays in L1 while the X_i stream past it: the same operations per element, in the same
 * order, in one pass over memory instead of nvec.
 */

namespace cortexsim::ode::detail {

namespace {

using real = sunrealtype;
using index = sunindextype;

inline index length(N_Vector v) noexcept { return NV_LENGTH_S(v); }
inline real* data(N_Vector v) noexcept { return NV_DATA_S(v); }

// ---- elementwise kernels on raw arrays (n elements) -------------------------------------

void copy(index n, const real* x, real* z) noexcept {
#pragma GCC ivdep
    for (index i = 0; i < n; ++i) z[i] = x[i];
}
void negate(index n, const real* x, real* z) noexcept {
#pragma GCC ivdep
    for (index i = 0; i < n; ++i) z[i] = -x[i];
}
void scale_by(index n, real a, real* x) noexcept {
    for (index i = 0; i < n; ++i) x[i] *= a;
}
void scale_into(index n, real c, const real* x, real* z) noexcept {
#pragma GCC ivdep
    for (index i = 0; i < n; ++i) z[i] = c * x[i];
}
/// y <- a x + y, with SUNDIALS' a = +-1 special cases.
void axpy(index n, real a, const real* x, real* y) noexcept {
    if (a == 1.0) {
#pragma GCC ivdep
        for (index i = 0; i < n; ++i) y[i] += x[i];
    } else if (a == -1.0) {
#pragma GCC ivdep
        for (index i = 0; i < n; ++i) y[i] -= x[i];
    } else {
#pragma GCC ivdep
        for (index i = 0; i < n; ++i) y[i] += a * x[i];
    }
}
void sum(index n, const real* x, const real* y, real* z) noexcept {
#pragma GCC ivdep
    for (index i = 0; i < n; ++i) z[i] = x[i] + y[i];
}
void difference(index n, const real* x, const real* y, real* z) noexcept {
#pragma GCC ivdep
    for (index i = 0; i < n; ++i) z[i] = x[i] - y[i];
}
void scaled_sum(index n, real c, const real* x, const real* y, real* z) noexcept {
#pragma GCC ivdep
    for (index i = 0; i < n; ++i) z[i] = c * (x[i] + y[i]);
}
void scaled_difference(index n, real c, const real* x, const real* y, real* z) noexcept {
#pragma GCC ivdep
    for (index i = 0; i < n; ++i) z[i] = c * (x[i] - y[i]);
}
/// z = a x + y
void lin1(index n, real a, const real* x, const real* y, real* z) noexcept {
#pragma GCC ivdep
    for (index i = 0; i < n; ++i) z[i] = (a * x[i]) + y[i];
}
/// z = a x - y
void lin2(index n, real a, const real* x, const real* y, real* z) noexcept {
#pragma GCC ivdep
    for (index i = 0; i < n; ++i) z[i] = (a * x[i]) - y[i];
}
void general_sum(index n, real a, const real* x, real b, const real* y, real* z) noexcept {
#pragma GCC ivdep
    for (index i = 0; i < n; ++i) z[i] = (a * x[i]) + (b * y[i]);
}

/// z = a x + b y on n elements, dispatched exactly as N_VLinearSum_Serial. Identity of the
/// vectors (z == y, z == x) is passed as pointer identity of the arrays.
void linear_sum_kernel(index n, real a, const real* x, real b, const real* y, real* z) noexcept {
    if (b == 1.0 && z == y) return axpy(n, a, x, z);
    if (a == 1.0 && z == x) return axpy(n, b, y, z);
    if (a == 1.0 && b == 1.0) return sum(n, x, y, z);
    if (a == 1.0 && b == -1.0) return difference(n, x, y, z);
    if (a == -1.0 && b == 1.0) return difference(n, y, x, z);
    if (a == 1.0) return lin1(n, b, y, x, z);
    if (b == 1.0) return lin1(n, a, x, y, z);
    if (a == -1.0) return lin2(n, b, y, x, z);
    if (b == -1.0) return lin2(n, a, x, y, z);
    if (a == b) return scaled_sum(n, a, x, y, z);
    if (a == -b) return scaled_difference(n, a, x, y, z);
    general_sum(n, a, x, b, y, z);
}

/// z = c x on n elements, dispatched exactly as N_VScale_Serial.
void scale_kernel(index n, real c, const real* x, real* z) noexcept {
    if (z == x) return scale_by(n, c, z);
    if (c == 1.0) return copy(n, x, z);
    if (c == -1.0) return negate(n, x, z);
    scale_into(n, c, x, z);
}

// ---- the ops ------------------------------------------------------------------------------

void linear_sum(real a, N_Vector x, real b, N_Vector y, N_Vector z) {
    linear_sum_kernel(length(x), a, data(x), b, data(y), data(z));
}

void constant(real c, N_Vector z) {
    const index n = length(z);
    real* zd = data(z);
    for (index i = 0; i < n; ++i) zd[i] = c;
}

void product(N_Vector x, N_Vector y, N_Vector z) {
    const index n = length(x);
    const real *xd = data(x), *yd = data(y);
    real* zd = data(z);
#pragma GCC ivdep
    for (index i = 0; i < n; ++i) zd[i] = xd[i] * yd[i];
}

void quotient(N_Vector x, N_Vector y, N_Vector z) {
    const index n = length(x);
    const real *xd = data(x), *yd = data(y);
    real* zd = data(z);
#pragma GCC ivdep
    for (index i = 0; i < n; ++i) zd[i] = xd[i] / yd[i];
}

void scale(real c, N_Vector x, N_Vector z) { scale_kernel(length(x), c, data(x), data(z)); }

void absolute(N_Vector x, N_Vector z) {
    const index n = length(x);
    const real* xd = data(x);
    real* zd = data(z);
#pragma GCC ivdep
    for (index i = 0; i < n; ++i) zd[i] = std::fabs(xd[i]);
}

void inverse(N_Vector x, N_Vector z) {
    const index n = length(x);
    const real* xd = data(x);
    real* zd = data(z);
#pragma GCC ivdep
    for (index i = 0; i < n; ++i) zd[i] = 1.0 / xd[i];
}

void add_constant(N_Vector x, real b, N_Vector z) {
    const index n = length(x);
    const real* xd = data(x);
    real* zd = data(z);
#pragma GCC ivdep
    for (index i = 0; i < n; ++i) zd[i] = xd[i] + b;
}

real dot_product(N_Vector x, N_Vector y) {
    const index n = length(x);
    const real *xd = data(x), *yd = data(y);
    real s = 0.0;
    for (index i = 0; i < n; ++i) s += xd[i] * yd[i];
    return s;
}

real max_norm(N_Vector x) {
    const index n = length(x);
    const real* xd = data(x);
    real m = 0.0;
    for (index i = 0; i < n; ++i)
        if (std::fabs(xd[i]) > m) m = std::fabs(xd[i]);
    return m;
}

real weighted_square_sum(N_Vector x, N_Vector w) {
    const index n = length(x);
    const real *xd = data(x), *wd = data(w);
    real s = 0.0;
    for (index i = 0; i < n; ++i) {
        const real p = xd[i] * wd[i];
        s += p * p;
    }
    return s;
}

real weighted_square_sum_mask(N_Vector x, N_Vector w, N_Vector id) {
    const index n = length(x);
    const real *xd = data(x), *wd = data(w), *idd = data(id);
    real s = 0.0;
    for (index i = 0; i < n; ++i) {
        if (idd[i] > 0.0) {
            const real p = xd[i] * wd[i];
            s += p * p;
        }
    }
    return s;
}

/// SUNRsqrt: 0 for a non-positive argument.
real checked_sqrt(real v) { return v <= 0.0 ? 0.0 : std::sqrt(v); }

real wrms_norm(N_Vector x, N_Vector w) {
    return checked_sqrt(weighted_square_sum(x, w) / static_cast<real>(length(x)));
}

real wrms_norm_mask(N_Vector x, N_Vector w, N_Vector id) {
    return checked_sqrt(weighted_square_sum_mask(x, w, id) / static_cast<real>(length(x)));
}

real minimum(N_Vector x) {
    const index n = length(x);
    const real* xd = data(x);
    real m = xd[0];
    for (index i = 1; i < n; ++i)
        if (xd[i] < m) m = xd[i];
    return m;
}

void compare(real c, N_Vector x, N_Vector z) {
    const index n = length(x);
    const real* xd = data(x);
    real* zd = data(z);
#pragma GCC ivdep
    for (index i = 0; i < n; ++i) zd[i] = (std::fabs(xd[i]) >= c) ? 1.0 : 0.0;
}

// Elements per block of linear_combination: 512 doubles (4 KB) of z stay in L1 while the
// nvec inputs stream past.
constexpr index block = 512;

int linear_combination(int nvec, real* c, N_Vector* X, N_Vector z) {
    // SUNDIALS' fallback: N_VScale(c0, X0, z), then N_VLinearSum(ci, Xi, 1, z, z), i.e. axpy.
    const index n = length(z);
    real* zd = data(z);
    for (index begin = 0; begin < n; begin += block) {
        const index m = n - begin < block ? n - begin : block;
        scale_kernel(m, c[0], data(X[0]) + begin, zd + begin);
        for (int i = 1; i < nvec; ++i)
            linear_sum_kernel(m, c[i], data(X[i]) + begin, 1.0, zd + begin, zd + begin);
    }
    return 0;
}

int scale_add_multi(int nvec, real* a, N_Vector x, N_Vector* Y, N_Vector* Z) {
    // SUNDIALS' fallback: N_VLinearSum(ai, x, 1, Yi, Zi) for each i.
    const index n = length(x);
    const real* xd = data(x);
    for (int i = 0; i < nvec; ++i) linear_sum_kernel(n, a[i], xd, 1.0, data(Y[i]), data(Z[i]));
    return 0;
}

int scale_vector_array(int nvec, real* c, N_Vector* X, N_Vector* Z) {
    // SUNDIALS' fallback: N_VScale(ci, Xi, Zi) for each i.
    for (int i = 0; i < nvec; ++i) scale_kernel(length(X[i]), c[i], data(X[i]), data(Z[i]));
    return 0;
}

} // namespace

void use_cortexsim_vector_kernels(N_Vector v) noexcept {
    N_Vector_Ops ops = v->ops;
    ops->nvlinearsum = linear_sum;
    ops->nvconst = constant;
    ops->nvprod = product;
    ops->nvdiv = quotient;
    ops->nvscale = scale;
    ops->nvabs = absolute;
    ops->nvinv = inverse;
    ops->nvaddconst = add_constant;
    ops->nvdotprod = dot_product;
    ops->nvmaxnorm = max_norm;
    ops->nvwrmsnorm = wrms_norm;
    ops->nvwrmsnormmask = wrms_norm_mask;
    ops->nvmin = minimum;
    ops->nvcompare = compare;
    // The serial vector's "local" reductions are the global ones.
    ops->nvdotprodlocal = dot_product;
    ops->nvmaxnormlocal = max_norm;
    ops->nvminlocal = minimum;
    ops->nvwsqrsumlocal = weighted_square_sum;
    ops->nvwsqrsummasklocal = weighted_square_sum_mask;
    // Fused operations (off in SUNDIALS' serial vector): same arithmetic as its fallbacks.
    ops->nvlinearcombination = linear_combination;
    ops->nvscaleaddmulti = scale_add_multi;
    ops->nvscalevectorarray = scale_vector_array;
}

} // namespace cortexsim::ode::detail
