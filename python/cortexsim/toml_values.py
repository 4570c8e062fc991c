"""Python values as TOML text: the values of Model.set and sweep axes (what the CLI's --set and
--grid take as text), and whole models from dicts (cortexsim.from_dict)."""

import json
import math
import numbers
import re

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def key(name):
    """A TOML key: bare if it may be, else quoted ("L6->pulvinar")."""
    name = str(name)
    return name if _BARE_KEY.match(name) else json.dumps(name)


def value(v):
    """One value as TOML text: 5, 0.5, true, "reber", [1, 2], { eta = 0.1 }."""
    if isinstance(v, bool) or type(v).__name__ == "bool_":
        return "true" if v else "false"
    if isinstance(v, numbers.Integral):
        return str(int(v))
    if isinstance(v, numbers.Real):
        x = float(v)
        if math.isnan(x):
            return "nan"
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        # repr round-trips the double; TOML needs a '.' or an exponent to read a float.
        text = repr(x)
        return text if any(c in text for c in ".eE") else text + ".0"
    if isinstance(v, str):
        # JSON's string escapes are all valid in a TOML basic string.
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, dict):
        if not v:
            return "{}"
        return "{ " + ", ".join(f"{key(k)} = {value(x)}" for k, x in v.items()) + " }"
    if hasattr(v, "tolist"):  # numpy arrays and scalars
        return value(v.tolist())
    if isinstance(v, (list, tuple, range)):
        return "[" + ", ".join(value(x) for x in v) + "]"
    raise TypeError(f"cannot write a {type(v).__name__} as a TOML value: {v!r}")


def _is_table_array(v):
    return isinstance(v, (list, tuple)) and len(v) > 0 and all(isinstance(x, dict) for x in v)


def _emit(lines, path, table):
    # Plain values before any sub-table: TOML gives a key to the last table header above it.
    for k, v in table.items():
        if not isinstance(v, dict) and not _is_table_array(v):
            lines.append(f"{key(k)} = {value(v)}")
    for k, v in table.items():
        if isinstance(v, dict):
            sub = path + [key(k)]
            lines.append(f"\n[{'.'.join(sub)}]")
            _emit(lines, sub, v)
    for k, v in table.items():
        if _is_table_array(v):
            sub = path + [key(k)]
            for item in v:
                lines.append(f"\n[[{'.'.join(sub)}]]")
                _emit(lines, sub, item)


def dumps(document):
    """A dict (as tomllib reads a model file) as a TOML document."""
    if not isinstance(document, dict):
        raise TypeError(f"a model is a dict of sections, got {type(document).__name__}")
    lines = []
    _emit(lines, [], document)
    return "\n".join(lines).lstrip("\n") + "\n"
