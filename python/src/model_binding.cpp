// A model as Python holds it before building: the library's model_source (file or text,
// `--set` overrides, seed). cortexsim/model.py turns Python values into the TOML text here.
#include "bindings.hpp"

#include <pybind11/stl.h>

#include "circuits/experiments/model_source.hpp"
#include "circuits/experiments/run_outputs.hpp"
#include "circuits/experiments/session.hpp"

namespace py = pybind11;

namespace cortexsim::python {

void bind_model(py::module_& m) {
    py::class_<model_source>(m, "ModelSource")
        .def(py::init<>())
        .def_readwrite("path", &model_source::path)
        .def_readwrite("text", &model_source::text)
        .def_readwrite("text_name", &model_source::text_name)
        .def_readwrite("base_dir", &model_source::base_dir)
        .def_readwrite("seed", &model_source::seed)
        .def("copy", [](const model_source& s) { return model_source(s); })
        .def("overrides",
             [](const model_source& s) {
                 std::vector<std::pair<std::string, std::string>> out;
                 for (const auto& o : s.overrides) out.emplace_back(o.path, o.value);
                 return out;
             })
        // An override is kept only if the model still loads with it, so a bad key or value
        // fails at set() with its located error, as `--set` fails at once.
        .def("set",
             [](model_source& s, const std::string& key, const std::string& value_text) {
                 s.overrides.push_back({key, value_text});
                 try {
                     s.load();
                 } catch (...) {
                     s.overrides.pop_back();
                     throw;
                 }
             })
        .def("parse", [](const model_source& s) { s.load(); })
        .def("validate", [](const model_source& s) { run_session check(s.load()); })
        .def("describe", [](const model_source& s) { return run_session(s.load()).describe(); })
        .def("resolved_toml", [](const model_source& s) {
            run_session session(s.load());
            return config::write_model_toml(session.resolved_model(), provenance());
        });
}

} // namespace cortexsim::python
