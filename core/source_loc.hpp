#pragma once
/// Where a value came from: a TOML file position and the dotted key path that leads to it.
/// Descriptions built in C++ leave `file` empty; messages then show only the key path.

#include <string>

namespace cortexsim {

struct source_loc {
    std::string file;  ///< path of the model file as given by the user; empty for C++-built models
    int line = 0;      ///< 1-based; 0 when the value was defaulted or built in C++
    int column = 0;    ///< 1-based; 0 when unknown
    std::string path;  ///< dotted key path, e.g. "population[1].size"
    /// True for a key the file left out: line and column then point at its table, so that a
    /// message about a default still says where to add the key.
    bool defaulted = false;

    /// "model.toml:14:9: population[1].size" (file part dropped when unknown).
    std::string str() const;
};

/// A value with the position it was read from; defaulted values carry the key path only.
template <class T> struct located {
    T value{};
    source_loc loc;

    located() = default;
    located(T v) : value(std::move(v)) {}  // NOLINT: implicit on purpose, for C++-built descs
    located(T v, source_loc l) : value(std::move(v)), loc(std::move(l)) {}
    const T& operator*() const { return value; }
    const T* operator->() const { return &value; }
};

} // namespace cortexsim
