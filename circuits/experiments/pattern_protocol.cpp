#include "circuits/experiments/pattern_protocol.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/errors.hpp"
#include "core/param_tree.hpp"

namespace cortexsim {

pattern_protocol pattern_protocol::read(param_reader& r, network& net, std::size_t output, double g_som) {
    pattern_protocol p;
    const std::vector<lowered_phase>& phases = net.model().phases;
    if (phases.empty()) {
        if (r.has("readout_phase")) r.fail("readout_phase", "applies to models with [[phase]]s only");
        return p;
    }
    if (r.has("present_ms"))
        r.fail("present_ms", "the model's [[phase]]s set the time of each pattern (one trial); present_ms "
                             "applies to models without phases");
    std::vector<std::string> names;
    for (const lowered_phase& ph : phases) names.push_back(ph.name);
    const std::string readout = r.choice("readout_phase", names.front(), names);
    p.readout_phase = static_cast<std::size_t>(std::find(names.begin(), names.end(), readout) - names.begin());
    const auto nudges = [](const lowered_phase& ph) {
        return std::find(ph.inputs.begin(), ph.inputs.end(), "target") != ph.inputs.end();
    };
    if (nudges(phases[p.readout_phase]))
        r.fail("readout_phase", "phase '" + readout + "' nudges the output towards its target (its inputs list "
                                "'target'), so reading the answer there would read the label");
    if (std::none_of(phases.begin(), phases.end(), nudges))
        r.fail("readout_phase", "no [[phase]] lists the task's input 'target' in its inputs, so the output "
                                "would never be nudged towards its target and nothing would be learned");
    p.phased = true;
    p.target_input = net.add_input("target", output, network::input_mode::nudge, -1, g_som);
    return p;
}

void pattern_protocol::attach(pattern_driver& driver, task_run& run) const {
    if (!phased) return;
    if (!run.trials) throw std::logic_error("pattern task with phases but no trial runner");
    driver.use_protocol(*run.trials, target_input, readout_phase);
}

double pattern_protocol::pattern_ms(const network& net, double present_ms) const {
    if (!phased) return present_ms;
    double total = 0.0;
    for (const lowered_phase& ph : net.model().phases) total += ph.duration_ms;
    return total;
}

} // namespace cortexsim
