// cortexsim._core: the compiled half of the Python package; python/cortexsim/ is the rest.
#include "bindings.hpp"

PYBIND11_MODULE(_core, m) {
    m.doc() = "cortexsim's library, bound for Python (the cortexsim package wraps it)";
    m.attr("__version__") = CORTEXSIM_VERSION;
    cortexsim::python::bind_errors(m);
    cortexsim::python::bind_model(m);
    cortexsim::python::bind_simulation(m);
    cortexsim::python::bind_report(m);
    cortexsim::python::bind_sweep(m);
}
