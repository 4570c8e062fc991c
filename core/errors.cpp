#include "core/errors.hpp"

#include <algorithm>
#include <cstdio>

namespace cortexsim {

std::string source_loc::str() const {
    std::string out;
    if (!file.empty()) {
        out = file;
        if (line > 0) {
            out += ":" + std::to_string(line);
            if (column > 0) out += ":" + std::to_string(column);
        }
        if (!path.empty()) out += ": ";
    }
    out += path;
    return out;
}

std::string numerical_error::format_time(double t_ms) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6g", t_ms);
    return buf;
}

namespace {
std::size_t edit_distance(const std::string& a, const std::string& b) {
    // Optimal string alignment distance: a swap of two neighbours ("szie") is one edit, the
    // most common typo in key names.
    const std::size_t n = a.size(), m = b.size();
    std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
    for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= n; ++i)
        for (std::size_t j = 1; j <= m; ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[n][m];
}
} // namespace

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
    std::string best;
    std::size_t best_d = std::string::npos;
    for (const auto& c : candidates) {
        const std::size_t d = edit_distance(word, c);
        if (d < best_d) {
            best_d = d;
            best = c;
        }
    }
    // Accept roughly one typo per three characters; anything further is noise, not a hint.
    if (best_d == std::string::npos || best_d > std::max<std::size_t>(1, word.size() / 3))
        return {};
    return best;
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
    const std::string m = closest_match(word, candidates);
    return m.empty() ? std::string{} : ", did you mean '" + m + "'?";
}

std::string format_value(double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", x);
    return buf;
}

std::string one_of(const std::vector<std::string>& allowed) {
    std::string out;
    for (std::size_t i = 0; i < allowed.size(); ++i) {
        if (i > 0) out += (i + 1 == allowed.size()) ? " or " : ", ";
        out += "'" + allowed[i] + "'";
    }
    return out;
}

std::string printable(std::string_view s, std::size_t max) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < s.size() && i < max; ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
        } else {
            out += "\\x";
            out += digits[c >> 4];
            out += digits[c & 0xfu];
        }
    }
    if (s.size() > max)
        out += "...";
    return out;
}


} // namespace cortexsim
