// cortexsim.sweep's compiled half: the library's run_sweep (forked workers, one run folder per
// point, sweep.csv). cortexsim/sweeps.py turns Python values into TOML text and the rows into
// columns.
#include "bindings.hpp"

#include <iostream>
#include <sstream>

#include <pybind11/stl.h>

#include "circuits/experiments/sweep.hpp"

namespace py = pybind11;

namespace cortexsim::python {

void bind_sweep(py::module_& m) {
    m.def("default_sweep_dir", [](const model_source& s) { return default_sweep_dir(s.load()); });
    m.def(
        "run_sweep",
        [](const model_source& base, const std::vector<std::pair<std::string, std::vector<std::string>>>& axes,
           const std::string& out, int processes, bool force, const std::string& format,
           const std::string& precision, bool verbose) {
            std::vector<sweep_axis> grid;
            for (const auto& [key, values] : axes) grid.push_back({key, values});
            sweep_options o;
            o.out_dir = out;
            o.processes = processes;
            o.force = force;
            o.format = parse_report_format(format);
            if (precision == "float64") o.precision = sample_precision::float64;
            else if (precision != "float32")
                throw std::invalid_argument("precision must be 'float32' or 'float64', got '" + precision + "'");
            // Ctrl-C reaches the workers (same process group), which stop and keep their
            // folders; here it stops launching points and is raised once the workers are done.
            std::unique_ptr<py::error_already_set> pending;
            o.should_stop = [&pending] {
                if (pending) return true;
                if (PyErr_CheckSignals() == 0) return false;
                pending = std::make_unique<py::error_already_set>();
                return true;
            };
            std::ostringstream quiet;
            const sweep_table t = run_sweep(base, grid, o, verbose ? std::cerr : quiet);
            if (pending) throw py::error_already_set(*pending);
            py::list rows;
            for (const sweep_row& r : t.rows) {
                py::dict d;
                d["values"] = r.values;
                d["run_dir"] = r.run_dir;
                d["status"] = r.status;
                d["error"] = r.error;
                d["wall_s"] = r.wall_s;
                d["metrics"] = r.metrics;
                rows.append(d);
            }
            return py::make_tuple(t.keys, rows, t.metric_names());
        },
        py::arg("base"), py::arg("axes"), py::arg("out"), py::arg("processes") = 1,
        py::arg("force") = false, py::arg("format") = "both", py::arg("precision") = "float32",
        py::arg("verbose") = false);
}

} // namespace cortexsim::python
