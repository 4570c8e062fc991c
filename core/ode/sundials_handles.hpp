#pragma once
/// Move-only RAII owners for the SUNDIALS 6 objects the CVODE adapter creates
/// (STYLE.md "SUNDIALS, safely"). Private to core/ode/: nothing outside this folder includes it.
///
/// Destruction order is the owner's business: a class holding several handles declares the
/// context first (destroyed last, every other object was created in it) and the CVODE memory
/// last (destroyed first, while the solvers and vectors it points to still exist).

#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>

#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sundials/sundials_linearsolver.h>
#include <sundials/sundials_matrix.h>
#include <sundials/sundials_nonlinearsolver.h>

namespace cortexsim::ode {

namespace detail {
// SUNDIALS' destructors differ in signature (some take a pointer to the handle, some return
// an int nobody can act on in a destructor); these adapters give them one shape.
inline void free_context(SUNContext c) noexcept { SUNContext_Free(&c); }
inline void free_vector(N_Vector v) noexcept { N_VDestroy(v); }
inline void free_matrix(SUNMatrix m) noexcept { SUNMatDestroy(m); }
inline void free_linear_solver(SUNLinearSolver s) noexcept { SUNLinSolFree(s); }
inline void free_nonlinear_solver(SUNNonlinearSolver s) noexcept { SUNNonlinSolFree(s); }
inline void free_cvode(void* mem) noexcept { CVodeFree(&mem); }
} // namespace detail

/// Owns one SUNDIALS handle (an opaque pointer) and frees it with `Free`; copy deleted.
template <class Handle, void (*Free)(Handle) noexcept>
class sundials_handle {
public:
    sundials_handle() noexcept = default;
    /// Takes ownership of `h` (may be null).
    explicit sundials_handle(Handle h) noexcept : h_(h) {}
    ~sundials_handle() { reset(); }

    sundials_handle(const sundials_handle&) = delete;
    sundials_handle& operator=(const sundials_handle&) = delete;
    sundials_handle(sundials_handle&& other) noexcept : h_(std::exchange(other.h_, nullptr)) {}
    sundials_handle& operator=(sundials_handle&& other) noexcept {
        if (this != &other) {
            reset();
            h_ = std::exchange(other.h_, nullptr);
        }
        return *this;
    }

    /// The raw handle, still owned by this object.
    Handle get() const noexcept { return h_; }
    explicit operator bool() const noexcept { return h_ != nullptr; }

    /// Frees the current handle (if any) and takes ownership of `h`.
    void reset(Handle h = nullptr) noexcept {
        if (h_ != nullptr) Free(h_);
        h_ = h;
    }

private:
    Handle h_ = nullptr;
};

using context_handle = sundials_handle<SUNContext, detail::free_context>;
using vector_handle = sundials_handle<N_Vector, detail::free_vector>;
using matrix_handle = sundials_handle<SUNMatrix, detail::free_matrix>;
using linear_solver_handle = sundials_handle<SUNLinearSolver, detail::free_linear_solver>;
using nonlinear_solver_handle =
    sundials_handle<SUNNonlinearSolver, detail::free_nonlinear_solver>;
using cvode_memory = sundials_handle<void*, detail::free_cvode>;

/// Returns `h` owned, or throws std::runtime_error naming the SUNDIALS constructor that
/// returned null (SUNDIALS reports allocation and argument failures that way).
template <class Owner, class Raw>
Owner take_owned(Raw h, const char* constructor) {
    if (h == nullptr)
        throw std::runtime_error(std::string("SUNDIALS: ") + constructor + " failed");
    return Owner(h);
}

/// A fresh context without MPI (SUNDIALS 6.4 takes the communicator as void*, NULL here).
inline context_handle make_context() {
    SUNContext ctx = nullptr;
    if (SUNContext_Create(nullptr, &ctx) != 0 || ctx == nullptr)
        throw std::runtime_error("SUNDIALS: SUNContext_Create failed");
    return context_handle(ctx);
}

/// A serial vector of length n that owns its data.
inline vector_handle make_serial_vector(std::size_t n, SUNContext ctx) {
    return take_owned<vector_handle>(N_VNew_Serial(static_cast<sunindextype>(n), ctx),
                                     "N_VNew_Serial");
}

} // namespace cortexsim::ode
