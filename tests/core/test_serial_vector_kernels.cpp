// cortexsim's N_Vector kernels (core/ode/serial_vector_kernels.hpp) against SUNDIALS' own,
// operation by operation, through SUNDIALS' generic N_V* entry points exactly as CVODE calls
// them: every result must be bit-identical. The kernels exist only because Debian's SUNDIALS
// is built without optimisation (docs/dev/performance_log.md); a single differing bit would make
// results depend on the build.
//
// This is the one test outside core/ode that includes SUNDIALS headers: it tests the adapter's
// private kernels against the library they replace, so it needs both (tests/CMakeLists.txt).
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>

#include "core/ode/serial_vector_kernels.hpp"
#include "core/random.hpp"

namespace {

/// One SUNDIALS context with `count` stock vectors and `count` vectors using our kernels.
class vector_pairs {
public:
    vector_pairs(sunindextype n, int count) : n_(n) {
        REQUIRE(SUNContext_Create(nullptr, &ctx_) == 0);
        for (int k = 0; k < count; ++k) {
            stock_.push_back(N_VNew_Serial(n, ctx_));
            ours_.push_back(N_VNew_Serial(n, ctx_));
            cortexsim::ode::detail::use_cortexsim_vector_kernels(ours_.back());
        }
    }
    ~vector_pairs() {
        for (N_Vector v : stock_) N_VDestroy(v);
        for (N_Vector v : ours_) N_VDestroy(v);
        SUNContext_Free(&ctx_);
    }
    vector_pairs(const vector_pairs&) = delete;
    vector_pairs& operator=(const vector_pairs&) = delete;

    /// Fills pair k (both vectors identically) with values of mixed sign and magnitude,
    /// exact zeros and +-1 included; `nonzero` avoids zeros (divisors).
    void fill(int k, cortexsim::rng& gen, bool nonzero = false) {
        double* a = N_VGetArrayPointer(stock_[k]);
        for (sunindextype i = 0; i < n_; ++i) {
            const std::uint64_t kind = gen.below(8);
            double v = gen.uniform(-3.0, 3.0);
            if (kind == 0) v *= 1e-12;
            if (kind == 1) v *= 1e12;
            if (kind == 2 && !nonzero) v = 0.0;
            if (kind == 3) v = gen.below(2) ? 1.0 : -1.0;
            a[i] = v;
        }
        std::memcpy(N_VGetArrayPointer(ours_[k]), a, sizeof(double) * static_cast<std::size_t>(n_));
    }
    N_Vector stock(int k) const { return stock_[k]; }
    N_Vector ours(int k) const { return ours_[k]; }
    /// Pairs whose arrays differ in any bit.
    std::string differing() const {
        std::string out;
        for (std::size_t k = 0; k < stock_.size(); ++k)
            if (std::memcmp(N_VGetArrayPointer(stock_[k]), N_VGetArrayPointer(ours_[k]),
                            sizeof(double) * static_cast<std::size_t>(n_)) != 0)
                out += " " + std::to_string(k);
        return out;
    }

private:
    sunindextype n_;
    SUNContext ctx_ = nullptr;
    std::vector<N_Vector> stock_, ours_;
};

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// Lengths: a single element, a short tail for vectorised loops, and several 512-element
// blocks of the fused linear combination with a partial last block.
const std::vector<sunindextype> lengths{1, 7, 1300};
// Scalars covering every special case of N_VLinearSum and N_VScale.
const std::vector<double> scalars{1.0, -1.0, 0.0, 0.3, -0.3, 2.5, 1e-9};

} // namespace

TEST_CASE("N_VLinearSum and N_VScale: bit-identical in every special case and aliasing",
          "[core][ode][kernels]") {
    cortexsim::rng gen(7, "linear_sum");
    for (const sunindextype n : lengths) {
        vector_pairs v(n, 3);
        // (x, y, z) as indices of the pairs: distinct, in place on x or y, x == y.
        const std::vector<std::array<int, 3>> aliasings{{0, 1, 2}, {0, 1, 0}, {0, 1, 1},
                                                        {0, 0, 2}, {0, 0, 0}};
        for (const auto& [x, y, z] : aliasings)
            for (const double a : scalars)
                for (const double b : scalars) {
                    for (int k = 0; k < 3; ++k) v.fill(k, gen);
                    N_VLinearSum(a, v.stock(x), b, v.stock(y), v.stock(z));
                    N_VLinearSum(a, v.ours(x), b, v.ours(y), v.ours(z));
                    INFO("n " << n << " a " << a << " b " << b << " x,y,z " << x << y << z);
                    CHECK(v.differing().empty());
                }
        for (const double c : scalars)
            for (const int z : {0, 1}) {  // z == x, and z distinct
                for (int k = 0; k < 2; ++k) v.fill(k, gen);
                N_VScale(c, v.stock(0), v.stock(z));
                N_VScale(c, v.ours(0), v.ours(z));
                INFO("n " << n << " c " << c << " z " << z);
                CHECK(v.differing().empty());
            }
    }
}

TEST_CASE("elementwise N_Vector operations are bit-identical", "[core][ode][kernels]") {
    cortexsim::rng gen(8, "elementwise");
    using op = std::function<void(N_Vector, N_Vector, N_Vector)>;
    const std::vector<std::pair<std::string, op>> ops{
        {"N_VConst", [](N_Vector, N_Vector, N_Vector z) { N_VConst(0.37, z); }},
        {"N_VProd", [](N_Vector x, N_Vector y, N_Vector z) { N_VProd(x, y, z); }},
        {"N_VDiv", [](N_Vector x, N_Vector y, N_Vector z) { N_VDiv(x, y, z); }},
        {"N_VAbs", [](N_Vector x, N_Vector, N_Vector z) { N_VAbs(x, z); }},
        {"N_VInv", [](N_Vector, N_Vector y, N_Vector z) { N_VInv(y, z); }},
        {"N_VAddConst", [](N_Vector x, N_Vector, N_Vector z) { N_VAddConst(x, -0.7, z); }},
        {"N_VCompare", [](N_Vector x, N_Vector, N_Vector z) { N_VCompare(1.0, x, z); }},
    };
    for (const sunindextype n : lengths) {
        vector_pairs v(n, 3);
        for (const auto& [name, f] : ops)
            for (const bool in_place : {false, true}) {
                v.fill(0, gen);
                v.fill(1, gen, true);  // divisor
                v.fill(2, gen);
                const int z = in_place ? 0 : 2;
                f(v.stock(0), v.stock(1), v.stock(z));
                f(v.ours(0), v.ours(1), v.ours(z));
                INFO(name << " n " << n << (in_place ? " in place" : ""));
                CHECK(v.differing().empty());
            }
    }
}

TEST_CASE("N_Vector reductions are bit-identical (same summation order)", "[core][ode][kernels]") {
    cortexsim::rng gen(9, "reductions");
    for (const sunindextype n : lengths) {
        vector_pairs v(n, 3);
        for (int trial = 0; trial < 20; ++trial) {
            for (int k = 0; k < 3; ++k) v.fill(k, gen);
            INFO("n " << n << " trial " << trial);
            CHECK(same_bits(N_VDotProd(v.stock(0), v.stock(1)), N_VDotProd(v.ours(0), v.ours(1))));
            CHECK(same_bits(N_VMaxNorm(v.stock(0)), N_VMaxNorm(v.ours(0))));
            CHECK(same_bits(N_VMin(v.stock(0)), N_VMin(v.ours(0))));
            CHECK(same_bits(N_VWrmsNorm(v.stock(0), v.stock(1)), N_VWrmsNorm(v.ours(0), v.ours(1))));
            CHECK(same_bits(N_VWrmsNormMask(v.stock(0), v.stock(1), v.stock(2)),
                            N_VWrmsNormMask(v.ours(0), v.ours(1), v.ours(2))));
            CHECK(same_bits(N_VWSqrSumLocal(v.stock(0), v.stock(1)),
                            N_VWSqrSumLocal(v.ours(0), v.ours(1))));
            CHECK(same_bits(N_VDotProdLocal(v.stock(0), v.stock(2)),
                            N_VDotProdLocal(v.ours(0), v.ours(2))));
        }
    }
}

TEST_CASE("fused N_Vector operations equal SUNDIALS' fallbacks bit for bit", "[core][ode][kernels]") {
    cortexsim::rng gen(10, "fused");
    for (const sunindextype n : lengths) {
        constexpr int count = 7;
        vector_pairs v(n, 2 * count);
        auto pick = [&](int k, bool ours) { return ours ? v.ours(k) : v.stock(k); };
        for (int nvec = 1; nvec <= 6; ++nvec)
            for (int aliasing = 0; aliasing < 3; ++aliasing) {
                std::vector<double> c(static_cast<std::size_t>(nvec));
                for (double& ci : c) ci = scalars[gen.below(scalars.size())];
                for (int k = 0; k < 2 * count; ++k) v.fill(k, gen);
                for (const bool ours : {false, true}) {
                    // N_VLinearCombination: z distinct, z == X[0] (CVODE's in-place form), and
                    // z == X[nvec-1].
                    std::vector<N_Vector> X;
                    for (int i = 0; i < nvec; ++i) X.push_back(pick(i, ours));
                    N_Vector z = pick(count - 1, ours);
                    if (aliasing == 1) z = X[0];
                    if (aliasing == 2) z = X.back();
                    REQUIRE(N_VLinearCombination(nvec, c.data(), X.data(), z) == 0);
                    // N_VScaleAddMulti: Z distinct from Y, or Z == Y (in place).
                    std::vector<N_Vector> Y, Z;
                    for (int i = 0; i < nvec; ++i) {
                        Y.push_back(pick(count + i, ours));
                        Z.push_back(aliasing == 0 ? pick(count - 1 - i % 2, ours) : Y.back());
                    }
                    // x must not be one of Z (SUNDIALS' fallback and ours would both read a
                    // partly updated x, but in different element orders).
                    REQUIRE(N_VScaleAddMulti(nvec, c.data(), pick(2 * count - 1, ours), Y.data(),
                                             Z.data()) == 0);
                    // N_VScaleVectorArray: in place or into other vectors.
                    std::vector<N_Vector> S, T;
                    for (int i = 0; i < nvec; ++i) {
                        S.push_back(pick(count + i, ours));
                        T.push_back(aliasing == 0 ? pick(i, ours) : S.back());
                    }
                    REQUIRE(N_VScaleVectorArray(nvec, c.data(), S.data(), T.data()) == 0);
                }
                INFO("n " << n << " nvec " << nvec << " aliasing " << aliasing);
                CHECK(v.differing().empty());
            }
    }
}
