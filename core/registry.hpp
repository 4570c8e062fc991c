#pragma once
/// Kinds registered by name, in registration order: plasticity rules, tasks, templates. Each
/// Kind is a struct with a `name` (and whatever its factory needs); "none" is reserved, since
/// the model format uses it for "no rule" / "no task".

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace cortexsim {

template <class Kind> class registry {
public:
    /// `what` names the kind in messages ("plasticity rule", "task kind", ...).
    explicit registry(std::string what) : what_(std::move(what)) {}
    /// Throws std::logic_error if the name is registered already or reserved.
    void add(Kind kind) {
        if (kind.name.empty() || kind.name == "none" || find(kind.name))
            throw std::logic_error(what_ + " '" + kind.name + "' registered twice (or reserved)");
        kinds_.push_back(std::move(kind));
    }
    /// nullptr when nothing is registered under `name`.
    const Kind* find(const std::string& name) const {
        for (const Kind& k : kinds_)
            if (k.name == name) return &k;
        return nullptr;
    }
    std::vector<std::string> names() const {
        std::vector<std::string> out;
        for (const Kind& k : kinds_) out.push_back(k.name);
        return out;
    }

private:
    std::string what_;
    std::vector<Kind> kinds_;
};

} // namespace cortexsim
