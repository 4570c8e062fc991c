# %% [markdown]
# # The Reber column from Python
#
# A notebook as a plain Python file (cells marked `# %%`: Jupyter with jupytext, VS Code or
# Spyder run them one by one; `python3 examples/notebook_reber.py` runs them all). It builds
# the six-layer column of `examples/reber_column.toml`, trains it briefly on the Reber
# grammar, and plots what learning does to its errors: the pulvinar's prediction error (the
# column's prediction of the next letter against the letter) and the apical mismatch of each
# layer. Run it from the repository root with the module importable:
#
#     PYTHONPATH=build/python /usr/bin/python3 examples/notebook_reber.py
#
# The full task (10,000 trials, about a minute) reaches the criterion after ~3,500 trials;
# `TRIALS` keeps this to a few seconds. docs/python.md describes the API used here.

# %%
import os

import matplotlib

if "ipykernel" not in os.sys.modules:
    matplotlib.use("Agg")  # a script writes the figure; a notebook shows it inline
import matplotlib.pyplot as plt
import numpy as np

import cortexsim

TRIALS = 1000
OUT = "runs/notebook_reber"
HERE = os.path.dirname(os.path.abspath(__file__))

# %% [markdown]
# Load the model and shorten the task by key path, as `cortexsim run --set task.trials=...`
# would. Nothing is written until `build`.

# %%
model = cortexsim.load(os.path.join(HERE, "reber_column.toml"))
model.set("task.trials", TRIALS)
print(model.describe().splitlines()[0])

# %% [markdown]
# Build it (the run folder and its recorders) and keep a copy of the CT prediction weights
# onto the pulvinar's modulator, to see how far learning moves them.

# %%
sim = model.build(seed=1, out=OUT, force=True)
ct = "col.L6->col.pulvinar.modulator"
w_before = sim.weights(ct)
print(f"{ct}: {w_before.shape[0]} x {w_before.shape[1]} (pulvinar x L6)")

# %% [markdown]
# Train. The task runs in one call; the callback reports every 100 trials (100 ms each).

# %%
sim.run_task(progress=lambda t_ms: print(f"  trial {t_ms / 100:.0f}"), progress_interval_ms=10000.0)
w_after = sim.weights(ct)
summary = sim.close()
print(summary["task_summary"])
print(f"|W after - W before| / |W before| = "
      f"{np.linalg.norm(w_after - w_before) / np.linalg.norm(w_before):.3f}")

# %% [markdown]
# Read the run folder: the pulvinar's prediction error at the end of every outcome phase
# (report.h5, a `[[record]]` with `at = "plus"`) and every layer's mean |apical mismatch| once
# per trial (error_summary.csv).

# %%
run = cortexsim.open_run(OUT)
pulvinar = run.trace("col.pulvinar")
trial = pulvinar["time_ms"] / 100.0
pulvinar_error = np.abs(pulvinar["prediction_error"]).mean(axis=1)
errors = run.tables["error_summary"]
layers = ["L4", "L23", "L5", "L6"]
mismatch = {layer: errors[f"col.{layer}.apical_mismatch.mean_abs"] for layer in layers}
summary_trial = errors["t_ms"] / 100.0
curve = run.tables["learning_curve"]


WINDOW = 50


def smooth(t, x, n=WINDOW):
    """Means over n consecutive trials, at the window's last trial."""
    return t[n - 1:], np.convolve(x, np.ones(n) / n, mode="valid")


# What to expect: the prediction error falls as GeneRec tunes the CT pathways (ctx -> L6 and
# L6 -> pulvinar); the apical mismatch of L2/3, L5 and L6 (top-down pulvinar input against
# SST inhibition) stays at its level over these trials, since no rule acts on those synapses.
# L4 has no apical input in this column (the pulvinar and SST target L2/3, L5 and L6), so its
# mismatch is 0 throughout.
print({layer: float(np.abs(m).max()) for layer, m in mismatch.items()})


# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
ax1.plot(trial, pulvinar_error, lw=0.5, color="0.75", label="per trial")
ax1.plot(*smooth(trial, pulvinar_error), color="C3", label=f"mean of {WINDOW} trials")
ax1.plot(curve["trials"], curve["prediction_error"], "o", color="k", label="learning curve (block)")
ax1.set_xlabel("trial")
ax1.set_ylabel("mean |prediction error| (pulvinar)")
ax1.set_title("pulvinar: prediction of the next letter")
ax1.legend(frameon=False)
for k, layer in enumerate(layers):
    ax2.plot(*smooth(summary_trial, mismatch[layer]), color=f"C{k}", label=layer)
ax2.set_xlabel("trial")
ax2.set_ylabel(f"mean |apical mismatch| (mean of {WINDOW} trials)")
ax2.set_title("apical mismatch per layer")
ax2.legend(frameon=False, loc="center", bbox_to_anchor=(0.5, 0.75), ncol=4, title="layer")
fig.suptitle(f"Reber column, {TRIALS} trials (seed 1)")
fig.tight_layout()
figure = os.path.join(OUT, "notebook_reber.png")
fig.savefig(figure, dpi=110)
print("figure:", figure)
