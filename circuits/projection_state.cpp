// A projection's part of a checkpoint (core/checkpoint/state_archive.hpp). The held product
// (projection_held.cpp) is saved as it is, deferred update included: recomputing W x on
// resume would round differently from the product updated rank by rank in the run.
#include "circuits/projection.hpp"
#include "core/checkpoint/state_archive.hpp"

namespace cortexsim {

namespace {

std::vector<double> to_vector(const Eigen::VectorXd& v) { return {v.data(), v.data() + v.size()}; }

void into(const state_reader& r, const std::string& name, Eigen::VectorXd& v) {
    const auto& d = r.doubles(name);
    v = Eigen::Map<const Eigen::VectorXd>(d.data(), static_cast<Eigen::Index>(d.size()));
}

} // namespace

void projection::save_state(state_writer& w, const std::string& prefix) const {
    if (dense_) w.put(prefix + "w", w_dense_.data(), static_cast<std::size_t>(w_dense_.size()));
    else w.put(prefix + "w", w_sparse_.valuePtr(), static_cast<std::size_t>(w_sparse_.nonZeros()));
    w.put(prefix + "gain", gain_);
    if (!held_.on) return;
    const held_product& h = held_;
    w.put_u64(prefix + "held/flags", {h.valid ? 1u : 0u, h.q_valid ? 1u : 0u, h.has_pending ? 1u : 0u});
    w.put(prefix + "held/gain", h.gain);
    w.put(prefix + "held/x", to_vector(h.x));
    w.put(prefix + "held/c", to_vector(h.c));
    w.put(prefix + "held/q", to_vector(h.q));
    w.put(prefix + "held/pending", to_vector(h.pending));
}

void projection::restore_state(const state_reader& r, const std::string& prefix) {
    if (dense_) r.doubles_into(prefix + "w", w_dense_.data(), static_cast<std::size_t>(w_dense_.size()));
    else r.doubles_into(prefix + "w", w_sparse_.valuePtr(), static_cast<std::size_t>(w_sparse_.nonZeros()));
    gain_ = r.number(prefix + "gain");
    if (!held_.on) return;
    held_product& h = held_;
    const auto& flags = r.u64s(prefix + "held/flags", 3);
    h.valid = flags[0] != 0;
    h.q_valid = flags[1] != 0;
    h.has_pending = flags[2] != 0;
    h.gain = r.number(prefix + "held/gain");
    into(r, prefix + "held/x", h.x);
    into(r, prefix + "held/c", h.c);
    into(r, prefix + "held/q", h.q);
    into(r, prefix + "held/pending", h.pending);
    // The rates are compared with x at the next product (their address is new).
    h.check = true;
    h.source = nullptr;
}

} // namespace cortexsim
