#include "cortex_models/template_support.hpp"

#include "core/errors.hpp"
#include "core/param_tree.hpp"

namespace cortexsim {

void read_transfer(param_reader& r, const std::string& key, located<std::string>& kind,
                   param_table& params) {
    const param_value* v = r.take(key);
    if (!v) {
        r.note(key, param_value::of(kind.value, r.loc_of(key)));
        return;
    }
    if (v->kind == param_value::type::string) {
        kind = located<std::string>(v->string, v->loc);
        r.note(key, *v);
        return;
    }
    if (v->kind != param_value::type::table)
        throw model_error(v->loc, "must be a string or a table { kind = \"...\", ... }, got " + type_name(*v));
    param_reader t(*v, key);
    kind = located<std::string>(t.required_string("kind"), t.loc_of("kind"));
    params.clear();
    for (const param_entry& e : v->entries) {
        if (e.key == "kind") continue;
        params[e.key] = located<double>(t.number(e.key, 0.0), e.value.loc);
    }
    t.finish();
    r.adopt(key, t);
}

source_loc template_key_loc(const param_reader& r, const std::string& key) { return r.loc_of(key); }

} // namespace cortexsim
