"""cortexsim from Python: load and override models, run them in one call or in steps, read
weights, state and run folders as numpy arrays, sweep parameters. docs/python.md is the guide.

    import cortexsim
    m = cortexsim.load("examples/self_predicting.toml").set("simulation.duration_ms", 200)
    with m.build(seed=1, out="runs/py") as sim:
        sim.run(100)
        w = sim.weights(sim.projections[0])
        sim.run(100)
    run = cortexsim.open_run("runs/py")
"""

import os

from . import _core
from .errors import ModelError, NumericalError
from .model import Model, from_dict, load, loads
from .runs import Report, Run, open_run, read_csv
from .sweeps import sweep

Simulation = _core.Simulation


def resume(run_dir):
    """The run in `run_dir` continued from its checkpoint.bin (a run built with
    `checkpoint_every`), as `cortexsim resume RUN_DIR` does: call run() (or run_task() for a
    model with a task) to go on to the end, then close(). The files end as the uninterrupted
    run's would."""
    return _core.resume(os.fspath(run_dir))
__version__ = _core.__version__

__all__ = [
    "Model", "ModelError", "NumericalError", "Report", "Run", "Simulation", "from_dict",
    "load", "loads", "open_run", "read_csv", "resume", "sweep",
]
