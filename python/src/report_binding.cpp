// report.h5 through the library's read-only report_reader (no h5py needed): cortexsim/runs.py
// builds open_run() on it.
#include "bindings.hpp"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "core/recording/report_reader.hpp"

namespace py = pybind11;

namespace cortexsim::python {

void bind_report(py::module_& m) {
    py::class_<report_reader>(m, "ReportReader")
        .def(py::init<const std::string&>())
        .def_property_readonly("path", &report_reader::path)
        .def("exists", &report_reader::exists)
        .def("is_group", &report_reader::is_group)
        .def("members", &report_reader::members)
        .def("attribute", &report_reader::string_attribute)
        // A numeric data set as a float64 array of its own shape; strings as a list.
        .def("read", [](const report_reader& r, const std::string& dataset) -> py::object {
            const report_reader::dataset_info info = r.info(dataset);
            if (info.dtype == "string") return py::cast(r.strings(dataset));
            std::vector<double> values = r.doubles(dataset);
            std::vector<py::ssize_t> shape(info.shape.begin(), info.shape.end());
            py::array_t<double> out(shape);
            std::copy(values.begin(), values.end(), out.mutable_data());
            return std::move(out);
        })
        .def("dtype", [](const report_reader& r, const std::string& dataset) { return r.info(dataset).dtype; });
}

} // namespace cortexsim::python
