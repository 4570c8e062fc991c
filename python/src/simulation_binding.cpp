// cortexsim.Simulation: a built model, run in one call or in steps, its weights and state as
// numpy arrays. Views (weights_view, state) share the library's memory; everything else is a
// copy. docs/python.md says which is which.
#include "bindings.hpp"

#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "core/errors.hpp"
#include "core/simulation.hpp"
#include "py_simulation.hpp"

namespace py = pybind11;

namespace cortexsim::python {

namespace {

std::size_t find_projection(const network& net, const std::string& name) {
    std::vector<std::string> names;
    for (const projection& p : net.projections()) {
        if (p.desc().name == name) return net.projection_index(name);
        names.push_back(p.desc().name);
    }
    throw py::key_error("no projection '" + name + "'; the model has " + one_of(names) +
                        did_you_mean(name, names));
}

std::size_t find_population(const network& net, const std::string& name) {
    std::vector<std::string> names;
    for (const auto& p : net.model().populations) {
        if (p.name == name) return net.population_index(name);
        names.push_back(p.name);
    }
    throw py::key_error("no population '" + name + "'; the model has " + one_of(names) +
                        did_you_mean(name, names));
}

run_options make_options(const std::string& out, bool force, const std::string& format,
                         const std::string& precision, const std::string& checkpoint_every) {
    run_options o;
    if (!checkpoint_every.empty()) set_checkpoint_interval(checkpoint_every, o);
    o.out_dir = out;
    o.force = force;
    o.format = parse_report_format(format);
    if (precision == "float32") o.precision = sample_precision::float32;
    else if (precision == "float64") o.precision = sample_precision::float64;
    else throw std::invalid_argument("precision must be 'float32' or 'float64', got '" + precision + "'");
    return o;
}

} // namespace

void bind_simulation(py::module_& m) {
    py::class_<py_simulation>(m, "Simulation")
        .def(py::init([](const model_source& source, const std::string& out, bool force,
                         const std::string& format, const std::string& precision,
                         const std::string& checkpoint_every) {
                 return std::make_unique<py_simulation>(
                     source, make_options(out, force, format, precision, checkpoint_every));
             }),
             py::arg("source"), py::arg("out") = "", py::arg("force") = false,
             py::arg("format") = "both", py::arg("precision") = "float32", py::arg("checkpoint_every") = "",
             "A started run of a model source; Model.build() makes one.")
        .def("run", &py_simulation::run, py::arg("duration_ms") = py::none(),
             py::arg("progress") = py::none(), py::arg("progress_interval_ms") = 0.0,
             "Integrates duration_ms more of model time (None: to the model's end, start_ms +\n"
             "duration_ms; a "
             "model with a [task] runs the task). progress(t_ms) is called at most every\n"
             "progress_interval_ms. Ctrl-C stops the run, closes its folder and raises\n"
             "KeyboardInterrupt.")
        .def("run_task", &py_simulation::run_task, py::arg("progress") = py::none(),
             py::arg("progress_interval_ms") = 0.0, "Runs the model's [task] to its end.")
        .def("close", &py_simulation::close,
             "Closes the run folder (writes run_summary.txt); returns the summary as a dict.")
        .def_property_readonly("closed", &py_simulation::closed)
        .def_property_readonly("time_ms", &py_simulation::time_ms)
        .def_property_readonly("run_dir", &py_simulation::run_dir)
        .def_property_readonly("has_task", [](py_simulation& s) { return s.session().the_task() != nullptr; })
        .def("describe", [](py_simulation& s) { return s.session().describe(); })
        .def_property_readonly("populations",
                               [](py_simulation& s) {
                                   std::vector<std::string> out;
                                   for (const auto& p : s.session().net().model().populations) out.push_back(p.name);
                                   return out;
                               })
        .def_property_readonly("projections",
                               [](py_simulation& s) {
                                   std::vector<std::string> out;
                                   for (const auto& p : s.session().net().projections()) out.push_back(p.desc().name);
                                   return out;
                               })
        // Copies: a dense (target x source) matrix whatever the storage; absent synapses are 0.
        .def("weights",
             [](py_simulation& s, const std::string& name) -> Eigen::MatrixXd {
                 network& net = s.session().net();
                 return net.projection_at(find_projection(net, name)).weights();
             },
             "A copy of a projection's weights, (target x source); absent synapses are 0.")
        .def("connection_mask",
             [](py_simulation& s, const std::string& name) {
                 network& net = s.session().net();
                 const projection& p = net.projection_at(find_projection(net, name));
                 py::array_t<bool> mask({p.target_size(), p.source_size()});
                 const std::vector<std::uint8_t> m = p.connection_mask();
                 bool* out = mask.mutable_data();
                 for (std::size_t k = 0; k < m.size(); ++k) out[k] = m[k] != 0;
                 return mask;
             })
        .def("set_weights",
             [](py_simulation& s, const std::string& name, const Eigen::MatrixXd& w) {
                 network& net = s.session().net();
                 projection& p = net.projection_at(find_projection(net, name));
                 if (static_cast<std::size_t>(w.rows()) != p.target_size() ||
                     static_cast<std::size_t>(w.cols()) != p.source_size())
                     throw std::invalid_argument(
                         "weights of '" + name + "' are " + std::to_string(p.target_size()) + " x " +
                         std::to_string(p.source_size()) + " (target x source), got " +
                         std::to_string(w.rows()) + " x " + std::to_string(w.cols()));
                 p.set_weights(w);
                 s.weights_changed(false);
             },
             "Replaces a projection's weights from a (target x source) array.")
        // The projection's own dense storage (column-major): writes change the network. The
        // integrator restarts before every later step, since writes cannot be seen.
        .def(
            "weights_view",
            [](py_simulation& s, const std::string& name) -> Eigen::MatrixXd& {
                network& net = s.session().net();
                projection& p = net.projection_at(find_projection(net, name));
                if (!p.is_dense())
                    throw std::invalid_argument("projection '" + name + "' is stored sparse (its "
                                                "connectivity is not all_to_all): weights() gives a "
                                                "dense copy, set_weights() changes it");
                s.weights_changed(true);
                return p.dense_weights();
            },
            py::return_value_policy::reference_internal,
            "The projection's own (target x source) weight matrix as a writable numpy view\n"
            "(all_to_all projections only): writes change the network.")
        // The state vector itself, read-only, in the layout of docs/dev/architecture.md; it
        // follows the run (a view, not a snapshot).
        .def_property_readonly("state",
                               [](py::object self) {
                                   py_simulation& s = self.cast<py_simulation&>();
                                   const std::vector<double>& y = s.session().sim().state();
                                   py::array_t<double> a({y.size()}, {sizeof(double)}, y.data(), self);
                                   a.attr("setflags")(py::arg("write") = false);
                                   return a;
                               })
        .def("state_offset",
             [](py_simulation& s, const std::string& population, const std::string& variable) -> py::object {
                 network& net = s.session().net();
                 const std::size_t p = find_population(net, population);
                 const variable_ref v = net.resolve_variable(p, variable);
                 std::size_t off = network::no_offset;
                 if (v.what == variable_ref::kind::u_soma) off = net.soma_offset(p);
                 else if (v.what == variable_ref::kind::v_dendrite) off = net.dendrite_offset(p, v.slot);
                 if (off == network::no_offset) return py::none();
                 return py::int_(off);
             })
        // A copy of one variable of every neuron of a population at the current time.
        .def("values",
             [](py_simulation& s, const std::string& population, const std::string& variable) {
                 network& net = s.session().net();
                 const std::size_t p = find_population(net, population);
                 if (!net.has_variable(p, variable))
                     throw py::key_error("population '" + population + "' has no variable '" + variable + "'");
                 const variable_ref v = net.resolve_variable(p, variable);
                 simulation& sim = s.session().sim();
                 const double* y = sim.state().data();
                 net.observe(sim.time(), y);
                 const std::size_t n = net.model().populations[p].size;
                 py::array_t<double> out(n);
                 double* o = out.mutable_data();
                 for (std::size_t i = 0; i < n; ++i) o[i] = net.value(p, v, i, y);
                 return out;
             },
             "A copy of one variable (rate, u_soma, v_apical, apical_mismatch, ...) of every\n"
             "neuron of a population, now.")
        .def("__enter__", [](py::object self) { return self; })
        .def("__exit__", [](py_simulation& s, py::args) {
            s.close();
            return false;
        });
    m.def(
        "resume", [](const std::string& run_dir) { return std::make_unique<py_simulation>(run_dir); },
        py::arg("run_dir"),
        "Continues the run in run_dir from its checkpoint.bin (a run built with checkpoint_every),\n"
        "as `cortexsim resume` does: run() or run_task() then go on to the uninterrupted run's end.");
}

} // namespace cortexsim::python
