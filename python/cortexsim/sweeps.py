"""Parameter sweeps: the library's run_sweep (one forked worker per point, up to `processes` at
once, each point a complete run folder) and its table as numpy columns."""

import os

import numpy as np

from . import _core, toml_values
from .model import Model, _seed, load


def sweep(model, grid, processes=1, out=None, force=False, format="both",
          precision="float32", verbose=False):
    """Runs every point of `grid` ({key path: values}; the key "seed" sets the seed, as
    --seed does) of `model` (a Model or a file), as `cortexsim sweep` does: the last key
    varies fastest, each point runs into <out>/run_<k>, and <out>/sweep.csv holds the table.

    Returns the table as a dict of columns: the grid's keys (the values given), "run_dir",
    "status" ("ok", "stopped", "failed"), "error", "wall_s", then the task's metrics
    (float arrays, nan where a run has none)."""
    m = model if isinstance(model, Model) else load(model)
    axes, originals = [], {}
    for key, values in grid.items():
        values = list(values)
        texts = [str(_seed(v)) if key == "seed" else toml_values.value(v) for v in values]
        originals[key] = dict(zip(texts, values))
        axes.append((key, texts))
    if out is None:
        out = _core.default_sweep_dir(m._source)
    keys, rows, metrics = _core.run_sweep(m._source, axes, os.fspath(out), processes, force,
                                          format, precision, verbose)
    table = {}
    for k, key in enumerate(keys):
        table[key] = np.array([originals[key][r["values"][k]] for r in rows])
    table["run_dir"] = [r["run_dir"] for r in rows]
    table["status"] = [r["status"] for r in rows]
    table["error"] = [r["error"] for r in rows]
    table["wall_s"] = np.array([r["wall_s"] for r in rows])
    for name in metrics:
        table[name] = np.array([r["metrics"].get(name, np.nan) for r in rows])
    return table
