// The library's user-facing errors as the package's exception classes (cortexsim/errors.py),
// so Python code can read a model error's position as attributes instead of parsing text.
#include "bindings.hpp"

#include "core/errors.hpp"

namespace py = pybind11;

namespace cortexsim::python {

void bind_errors(py::module_& m) {
    (void)m;
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const model_error& e) {
            const source_loc& w = e.where();
            py::object cls = py::module_::import("cortexsim.errors").attr("ModelError");
            py::object err = cls(e.what(), w.file, w.line, w.column, w.path, e.detail());
            PyErr_SetObject(cls.ptr(), err.ptr());
        } catch (const numerical_error& e) {
            py::object cls = py::module_::import("cortexsim.errors").attr("NumericalError");
            py::object err = cls(e.what(), e.t_ms());
            PyErr_SetObject(cls.ptr(), err.ptr());
        }
    });
}

} // namespace cortexsim::python
