#pragma once
// The pieces of the extension module cortexsim._core, one file each; module.cpp calls them.
// Everything here is a thin front end over the library (circuits/experiments/), as the CLI is.

#include <pybind11/pybind11.h>

namespace cortexsim::python {

void bind_errors(pybind11::module_& m);
void bind_model(pybind11::module_& m);
void bind_simulation(pybind11::module_& m);
void bind_report(pybind11::module_& m);
void bind_sweep(pybind11::module_& m);

} // namespace cortexsim::python
