#!/usr/bin/python3
"""Figures of a cortexsim run folder, as PNG and SVG.

usage: /usr/bin/python3 tools/plot_run.py RUN_DIR [--out DIR]

Writes into DIR (default RUN_DIR/plots) a figure for each of these the run has:
  error_signals        error_summary.csv: every population's error signals (mean |value|
                       over neurons) on a log scale where they are positive: with [[phase]]s
                       averaged per block of trials (first -> last block in the legend), else
                       over time; signals never above 1e-6 listed as silent, not drawn, and
                       log axes cut a decade below 1e-6. A hierarchy gets one figure per
                       column, error_signals_<column>
  learning_curve       learning_curve.csv: test MSE over the training patterns, accuracy over
                       the samples (classification), or errors and mismatch per block (sequence)
  phase_end_<record>   a record sampled at a phase end (`at`): each variable's mean |value| over
                       neurons per block of trials, and per neuron the first block against the
                       last (neurons of a sequence task's symbol populations labelled by symbol)
  traces               report.h5 (or the CSV traces): apical, basal and somatic potentials
                       of up to three recorded neurons, around the first phase switch (the
                       start of training in a task, else a teacher's first nudge), or over
                       the whole record when there is none
  weights_<name>       /weights/<name> (or weights_<name>.csv): the first and last snapshot
                       and their difference
  receptive_fields_<name>  the same last snapshot as images, when the source is square
  weight_stats_<name>  /weight_stats/<name> (or weight_stats_<name>.csv): mean +- std, min
                       and max over time
and prints the path of every file written. Every figure is 900 x 600 pixels.

`cortexsim plot RUN_DIR` runs this script. It needs Debian's /usr/bin/python3 with
python3-matplotlib and python3-numpy, and python3-h5py for runs with a report.h5. It draws
with matplotlib's Agg backend, so it needs no display.

Exit status: 0 when figures were written; 1 when RUN_DIR is not a run folder, a file cannot
be read, or there is nothing to plot; 2 on usage errors; 3 when a Python module is missing.
"""
import argparse
import csv
import math
import pathlib
import re
import sys

FIG_SIZE_IN = (9.0, 6.0)  # with DPI: 900 x 600 pixels, which tests/tools/check_plots.py expects
DPI = 100
TRACE_NEURONS = 3
SILENT_FLOOR = 1e-6  # mean |value| never above it: rounding noise, listed instead of drawn
SWITCH_HALF_WIDTH_MS = 50.0  # window around a stimulus switch: several dendritic time constants
COMPARTMENT_VARIABLES = [("v_apical", "apical"), ("v_basal", "basal"), ("v_dendrite", "dendrite"),
                         ("u_soma", "somatic")]
RUN_MARKERS = ("model.resolved.toml", "run_summary.txt", "report.h5")


class PlotError(Exception):
    """A problem with the run folder, reported as 'plot_run.py: <message>' with exit 1."""


def require(module, package):
    """Imports `module` or exits with status 3 naming the Debian package to install."""
    try:
        return __import__(module)
    except ImportError as e:
        print(f"plot_run.py: needs the Python module '{module}' ({e}); install Debian's "
              f"{package} (apt-get install {package}) and run with /usr/bin/python3",
              file=sys.stderr)
        sys.exit(3)


np = require("numpy", "python3-numpy")
matplotlib = require("matplotlib", "python3-matplotlib")
matplotlib.use("Agg")  # headless: no display needed
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)
import matplotlib.ticker  # noqa: E402


# ---- reading the run folder -------------------------------------------------------------------

def read_csv(path):
    """(header, float array rows x columns) of a CSV file; complete lines only."""
    with path.open(newline="") as fh:
        rows = list(csv.reader(fh))
    if not rows:
        raise PlotError(f"{path} is empty")
    header, body = rows[0], [r for r in rows[1:] if len(r) == len(rows[0])]
    try:
        data = np.array(body, dtype=float).reshape(len(body), len(header))
    except ValueError as e:
        raise PlotError(f"{path}: {e}") from None
    return header, data


def resolved_model(run):
    """model.resolved.toml as a dict, or {} if it is absent or Python has no tomllib."""
    path = run / "model.resolved.toml"
    try:
        import tomllib
    except ImportError:
        return {}
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        try:
            return tomllib.load(fh)
        except tomllib.TOMLDecodeError as e:
            raise PlotError(f"{path}: {e}") from None


def phase_switch(model):
    """(time in ms, label, half-width in ms) of the run's first phase switch, or None.

    A teacher-student task first evaluates the untrained model (n_test patterns without a
    teacher), then trains with the output nudged: training starts at n_test * present_ms.
    Without a task, the first nudging stimulus that starts after t = 0 switches the output
    from its free phase to the nudged one.
    """
    task = model.get("task", {})
    phases = model.get("phase", [])
    if len(phases) >= 2:
        first = float(phases[0].get("duration_ms", 0.0))
        trial = sum(float(p.get("duration_ms", 0.0)) for p in phases)
        return first, f"phase '{phases[1].get('name', '?')}' begins", trial
    if task.get("kind") == "teacher_student":
        present = float(task.get("present_ms", 30.0))
        start = float(task.get("n_test", 50)) * present
        return start, "training starts (output nudged)", 2 * present
    onsets = []
    for s in model.get("stimulus", []):
        if s.get("mode") != "nudge":
            continue
        times = s.get("times_ms") or [s.get("start_ms", 0.0)]
        if times and float(times[0]) > 0:
            onsets.append((float(times[0]), s.get("name") or "nudge"))
    if not onsets:
        return None
    t, name = min(onsets)
    return t, f"'{name}' nudges from here", SWITCH_HALF_WIDTH_MS


def traces_from_report(f):
    """[(name, population, t, {variable: columns by neuron}, node_ids)] from report.h5."""
    out = []
    for name in f.get("report", {}):
        g = f["report"][name]
        m = g["mapping"]
        variables = list(m["variables"].asstr()[()])
        node_ids = [int(n) for n in m["node_ids"][()]]
        ptr, elem = m["index_pointers"][()], m["element_ids"][()]
        start, _, step = m["time"][()]
        data = g["data"]
        t = start + step * np.arange(data.shape[0])
        keep = node_ids[:TRACE_NEURONS]
        columns = {}
        for v, var in enumerate(variables):
            cols = []
            for k in range(len(keep)):
                span = np.arange(int(ptr[k]), int(ptr[k + 1]))
                cols.append(int(span[elem[span] == v][0]))
            columns[var] = data[:, cols]  # reads only those columns
        population = g.attrs.get("population", name)
        out.append((name, population, t, columns, keep))
    return out


TRACE_COLUMN = re.compile(r"^(\w+)\[(\d+)\]$")
WEIGHT_COLUMN = re.compile(r"^w\[(\d+)\]\[(\d+)\]$")


def traces_from_csv(run):
    """The same as traces_from_report, from <name>.csv trace files (runs without report.h5)."""
    out = []
    for path in sorted(run.glob("*.csv")):
        if path.name.startswith(("weights_", "weight_stats_")) or path.name in (
                "error_summary.csv", "learning_curve.csv"):
            continue
        header, data = read_csv(path)
        parsed = [TRACE_COLUMN.match(h) for h in header[1:]]
        if header[0] != "t_ms" or not parsed or not all(parsed):
            continue
        keep = []
        for p in parsed:
            if int(p.group(2)) not in keep:
                keep.append(int(p.group(2)))
        keep = keep[:TRACE_NEURONS]
        columns = {}
        for p_index, p in enumerate(parsed):
            var, neuron = p.group(1), int(p.group(2))
            if neuron in keep:
                slots = columns.setdefault(var, [None] * len(keep))
                slots[keep.index(neuron)] = data[:, p_index + 1]
        columns = {v: np.column_stack(c) for v, c in columns.items()}
        out.append((path.stem, path.stem, data[:, 0], columns, keep))
    return out


# ---- figures ----------------------------------------------------------------------------------

class Writer:
    """Saves figures as PNG and SVG into one folder and remembers the paths."""

    def __init__(self, out):
        self.out = out
        self.files = []

    def save(self, fig, stem):
        stem = re.sub(r"[^A-Za-z0-9_.-]", "_", stem)
        for ext in ("png", "svg"):
            path = self.out / f"{stem}.{ext}"
            fig.savefig(path, dpi=DPI)  # no bbox_inches: every PNG is exactly 900 x 600
            self.files.append(path)
        plt.close(fig)


def figure(rows=1, cols=1, **kw):
    """A figure of FIG_SIZE_IN whose layout engine keeps labels and colour bars apart."""
    return plt.subplots(rows, cols, figsize=FIG_SIZE_IN, dpi=DPI, squeeze=False,
                        layout="constrained", **kw)


def positive_log_scale(ax, values):
    """Log y when any value is positive; the others are not drawn (log y where positive)."""
    values = np.asarray(values, dtype=float)
    positive = values[np.isfinite(values) & (values > 0)]
    if positive.size:
        log_axis(ax, positive.min(), positive.max())


def log_axis(ax, low, high):
    """Log y; under two decades the ticks between the powers of ten are labelled too, so that
    a curve from 6 down to 0.5 is not read against a single label."""
    ax.set_yscale("log")
    if high < 100 * low:
        ax.yaxis.set_minor_formatter(matplotlib.ticker.FuncFormatter(two_and_five))
        ax.tick_params(axis="y", which="minor", labelsize="small")


def two_and_five(value, _position):
    """A minor log tick's label at 2 and 5 times a power of ten ('0.02', '5e-05'), else none."""
    if not value > 0:
        return ""
    mantissa = value / 10.0 ** math.floor(math.log10(value) + 1e-9)
    return f"{value:g}" if any(abs(mantissa - m) < 1e-6 for m in (2.0, 5.0)) else ""


def column_of(population):
    """The column a population belongs to ('V1' of 'V1.L5'), or None outside any column."""
    return population.split(".", 1)[0] if "." in population else None


def trial_blocks(model, t):
    """(trial length in ms, trials per block, number of full blocks) when the model has a
    trial protocol ([[phase]]s) and its samples fill at least two blocks; else None."""
    trial = sum(float(p.get("duration_ms", 0.0)) for p in model.get("phase", []))
    block = int(model.get("task", {}).get("block_trials", 100))
    if trial <= 0 or block <= 0 or len(t) == 0:
        return None
    blocks = int((t[-1] + 1e-9) // (block * trial))
    return (trial, block, blocks) if blocks >= 2 else None


def plot_error_signals(run, writer, model):
    """Every population's error signals, mean |value| over neurons; one figure per column of a
    hierarchy. With a trial protocol, averaged over blocks of trials (the first block against
    the last in the legend); otherwise over time. Signals never above SILENT_FLOOR are listed,
    not drawn."""
    path = run / "error_summary.csv"
    if not path.exists():
        return
    header, data = read_csv(path)
    t = data[:, 0]
    groups = {}  # population -> [(signal, column)], in the file's order
    for c, name in enumerate(header):
        if name.endswith(".mean_abs"):
            population, signal = name[: -len(".mean_abs")].rsplit(".", 1)
            groups.setdefault(population, []).append((signal, c))
    if not groups or len(t) == 0:
        return
    by_column = {}
    for population, signals in groups.items():
        by_column.setdefault(column_of(population), {})[population] = signals
    blocks = trial_blocks(model, t)
    for column, populations in by_column.items():
        stem = "error_signals"
        if len(by_column) > 1:
            stem += f"_{column if column is not None else 'other'}"
        error_signal_figure(writer, stem, path.name, column if len(by_column) > 1 else None,
                            populations, t, data, blocks)


def error_signal_figure(writer, stem, source, column, populations, t, data, blocks):
    if blocks is not None:
        trial, block, count = blocks
        edges = block * trial * np.arange(count + 1)
        x = block * (np.arange(count) + 1)
        # Block k holds the samples after its start and up to its end (t = 0 is before trial 1).
        index = [np.flatnonzero((t > edges[k]) & (t <= edges[k + 1] + 1e-9)) for k in range(count)]
    else:
        x = t
    drawn, silent = {}, []
    for population, signals in populations.items():
        keep = []
        for signal, c in signals:
            if blocks is None:
                y = data[:, c]
            else:
                y = np.array([np.nanmean(data[i, c]) if i.size else np.nan for i in index])
            finite = y[np.isfinite(y)]
            if finite.size and np.abs(finite).max() <= SILENT_FLOOR:
                silent.append(f"{population}.{signal}")
            else:  # drawn, NaN too: a broken run must not look like a quiet one
                keep.append((signal, y))
        if keep:
            drawn[population] = keep
    n = max(1, len(drawn))
    cols = 1 if n <= 4 else 2
    fig, axes = figure(math.ceil(n / cols), cols, sharex=True)
    for ax in axes.ravel()[n:]:
        ax.remove()
    for ax, (population, signals) in zip(axes.ravel(), drawn.items()):
        for signal, y in signals:
            if blocks is None:
                ax.plot(x, y, lw=1.0, label=signal)
            else:
                ax.plot(x, y, "o-", ms=3, lw=1.2, label=f"{signal}: {y[0]:.3g} -> {y[-1]:.3g}")
        values = np.concatenate([y for _, y in signals])
        positive = values[np.isfinite(values) & (values > 0)]
        # Log y only where the values span more than a decade; the rest would be tick clutter.
        if positive.size and positive.max() > 10 * positive.min():
            for line in ax.get_lines():
                line.set_ydata(np.where(line.get_ydata() > 0, line.get_ydata(), np.nan))
            low = positive.min()
            if low < SILENT_FLOOR:
                # Below the floor is rounding noise: cut the axis a decade under it rather than
                # draw ten decades of zig-zag between 1e-8 and 1e-16.
                ax.axhline(SILENT_FLOOR, color="0.4", ls=":", lw=0.8,
                           label=f"noise floor {SILENT_FLOOR:g}")
                low = SILENT_FLOOR / 10
            log_axis(ax, low, positive.max())
            ax.set_ylim(low if low < SILENT_FLOOR else low / 1.5, positive.max() * 1.5)
        else:
            # From 0: a change of 0.1% must not fill the panel like a change of 50% does.
            finite = values[np.isfinite(values)]
            if finite.size:
                top = 1.35 * finite.max() if finite.max() > 0 else 1.0  # room for the legend
                ax.set_ylim(0.0, top)
            ax.ticklabel_format(axis="y", style="sci", scilimits=(-3, 4), useOffset=False)
        ax.set_ylabel(f"{population}\nmean |value|")
        ax.legend(loc="best", fontsize="x-small")
        ax.grid(True, which="major", alpha=0.3)
    if not drawn:
        ax = axes[0, 0]
        ax.text(0.5, 0.5, "silent: no error signal above the noise floor", ha="center",
                transform=ax.transAxes)
        ax.set_axis_off()
    for ax in axes.ravel()[max(0, n - cols):n]:
        ax.set_xlabel(f"trials (mean over blocks of {blocks[1]})" if blocks else "t (ms)")
        ax.xaxis.set_tick_params(labelbottom=True)
    where = f"column {column}" if column else "every population"
    fig.suptitle(f"Error signals of {where}: mean |value| over neurons (a.u.; {source})",
                 fontsize="medium")
    if silent:
        fig.supxlabel(f"silent (never above {SILENT_FLOOR:g}): " + ", ".join(silent),
                      fontsize="x-small", wrap=True)
    writer.save(fig, stem)


def plot_learning_curve(run, writer):
    path = run / "learning_curve.csv"
    if not path.exists():
        return
    header, data = read_csv(path)
    if len(data) == 0:
        raise PlotError(f"{path}: no rows")
    if "trials" in header and "errors" in header:
        plot_sequence_curve(path, header, data, writer)
        return
    if "samples_trained" in header and "test_accuracy" in header:
        plot_classification_curve(path, header, data, writer)
        return
    if "trials" in header and "greedy_correct" in header:
        plot_choice_curve(run, path, header, data, writer)
        return
    if "patterns_trained" not in header or "test_mse" not in header:
        raise PlotError(f"{path}: expected the columns patterns_trained and test_mse (or trials and "
                        f"errors, samples_trained and test_accuracy, or trials and greedy_correct), "
                        f"got {header}")
    x, y = data[:, header.index("patterns_trained")], data[:, header.index("test_mse")]
    fig, axes = figure()
    ax = axes[0, 0]
    ax.plot(x, y, "o-", lw=1.5)
    positive_log_scale(ax, y)
    ax.set_xlabel("training patterns")
    ax.set_ylabel("test MSE")
    ax.grid(True, which="both", alpha=0.3)
    ax.set_title(f"Learning curve ({path.name})")
    writer.save(fig, "learning_curve")


def plot_sequence_curve(path, header, data, writer):
    """A sequence task's blocks: prediction errors, and where the mismatch lives (pulvinar,
    L5, L6 plus/minus differences) as it shrinks."""
    x = data[:, header.index("trials")]
    fig, axes = figure(2, 1, sharex=True)
    ax = axes[0, 0]
    ax.plot(x, data[:, header.index("errors")], "o-", ms=3, lw=1.2)
    ax.set_ylabel("errors per block")
    ax.grid(True, alpha=0.3)
    ax.set_title(f"Sequence learning ({path.name})")
    ax = axes[1, 0]
    shown = [("thalamic_prediction_error", "readout |rate+ - rate-|"),
             ("prediction_error", "readout prediction error |phi(u) - phi(k v_mod)| (outcome end)")]
    shown += [(c, c[: -len("_mismatch")] + " |rate+ - rate-|") for c in header if c.endswith("_mismatch")]
    for column, label in shown:
        if column in header:
            ax.plot(x, data[:, header.index(column)], lw=1.2, label=label)
    if "prediction_error_floor" in header:
        ax.plot(x, data[:, header.index("prediction_error_floor")], "k:", lw=1.0,
                label="floor: an ideal predictor of the stream")
    ax.set_xlabel("trials")
    ax.set_ylabel("block mean over neurons and trials")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    writer.save(fig, "learning_curve")


def plot_choice_curve(run, path, header, data, writer):
    """A choice task: the share of right choices per block, greedy and as taken, against chance
    (one over the actor's actions, from the resolved model)."""
    x = data[:, header.index("trials")]
    fig, axes = figure()
    ax = axes[0, 0]
    ax.plot(x, 100 * data[:, header.index("greedy_correct")], "o-", lw=1.5,
            label="most active action right")
    if "correct" in header:
        ax.plot(x, 100 * data[:, header.index("correct")], "s--", lw=1.0,
                label="action taken right (with exploration)")
    model = resolved_model(run)
    actor = model.get("task", {}).get("actor")
    sizes = {p.get("name"): p.get("size") for p in model.get("population", [])}
    if actor in sizes and sizes[actor]:
        ax.axhline(100.0 / sizes[actor], color="k", ls=":", lw=1.0, label="chance")
    ax.set_xlabel("trials")
    ax.set_ylabel("choices right per block (%)")
    ax.set_ylim(0, 105)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(f"Reward-modulated choice ({path.name})")
    writer.save(fig, "learning_curve")


def plot_classification_curve(path, header, data, writer):
    """A classification task: test (and training-subset) accuracy over the samples trained."""
    x = data[:, header.index("samples_trained")]
    fig, axes = figure()
    ax = axes[0, 0]
    ax.plot(x, 100 * data[:, header.index("test_accuracy")], "o-", lw=1.5, label="test")
    if "train_accuracy" in header:
        train = data[:, header.index("train_accuracy")]
        if not all(v != v for v in train):  # all NaN: no training subset evaluated
            ax.plot(x, 100 * train, "s--", lw=1.0, label="training subset")
    ax.set_xlabel("training samples")
    ax.set_ylabel("accuracy (%)")
    ax.set_ylim(0, 100)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(f"Classification ({path.name})")
    writer.save(fig, "learning_curve")


def record_names(model):
    """[(record name, record table)] of the population records, named as lowering names them:
    <population>, then <population>_<k> for the k-th further record of the same population."""
    out, seen = [], {}
    for r in model.get("record", []):
        if "population" not in r:
            continue
        k = seen.get(r["population"], 0)
        seen[r["population"]] = k + 1
        out.append((r["population"] if k == 0 else f"{r['population']}_{k}", r))
    return out


def phase_end_records(model):
    """{record name: phase} of the records sampled at a phase end."""
    return {name: r["at"] for name, r in record_names(model) if r.get("at")}


def parse_range(text, flag):
    """'a:b' -> (a, b) floats with a < b; PlotError naming the flag otherwise."""
    try:
        a, b = (float(x) for x in text.split(":"))
    except ValueError:
        raise PlotError(f"{flag} takes 'a:b' (two numbers), got '{text}'") from None
    if not (np.isfinite(a) and np.isfinite(b) and a < b):
        raise PlotError(f"{flag} needs a < b, got '{text}'")
    return a, b


def parse_neurons(text):
    try:
        ids = [int(x) for x in text.split(",") if x.strip() != ""]
    except ValueError:
        raise PlotError(f"--neurons takes a comma-separated list of neuron ids, got '{text}'") from None
    if not ids or min(ids) < 0:
        raise PlotError(f"--neurons takes non-negative neuron ids, got '{text}'")
    return ids


def trace_windows(model, t, selection):
    """[(start, stop, title, switch time or None)]: the panels' time windows.

    --window a:b and --trials a:b (1-based, inclusive; needs [[phase]]s) choose one window.
    Otherwise, around a phase switch: the first trial's and the last fully recorded window's side
    by side, so a figure shows what learning changed; without a switch, the whole record.
    """
    phases = model.get("phase", [])
    trial = sum(float(p.get("duration_ms", 0.0)) for p in phases)
    if selection.window is not None:
        a, b = selection.window
        return [(a, b, f"t = {a:g} to {b:g} ms", None)]
    if selection.trials is not None:
        if trial <= 0:
            raise PlotError("--trials needs a model with [[phase]]s (a trial protocol)")
        a, b = selection.trials
        if a < 1 or a != int(a) or b != int(b):
            raise PlotError(f"--trials takes whole trial numbers from 1, got '{a:g}:{b:g}'")
        return [((a - 1) * trial, b * trial, f"trials {a:g} to {b:g}", None)]
    switch = phase_switch(model)
    if switch is None or not (t[0] < switch[0] <= t[-1]):
        return [(t[0], t[-1], "whole record", None)]
    first, label, half = switch
    out = [(first - half, first + half, f"first switch, t = {first:g} ms: {label}", first)]
    if trial > 0:
        # The last switch whose whole window was recorded, so both panels span the same time
        # (the run's very last switch leaves only its outcome phase after the dashed line).
        last_trial = int((t[-1] - half - first + 1e-9) // trial)
        if last_trial >= 1:
            last = first + last_trial * trial
            out.append((last - half, last + half, f"trial {last_trial + 1}, t = {last:g} ms: {label}", last))
    return out


def plot_traces(run, writer, model, h5, selection):
    if h5 is not None:
        with h5.File(run / "report.h5", "r") as f:
            records = traces_from_report(f)
    else:
        records = traces_from_csv(run)
    # Phase-end records hold one sample per trial: phase_end_<record> shows them.
    per_trial = phase_end_records(model)
    if selection.record is not None:
        named = [r for r in records if r[0] == selection.record]
        if not named:
            known = ", ".join(sorted(r[0] for r in records)) or "none"
            raise PlotError(f"--record: the run has no trace record '{selection.record}'; it has {known}")
        records = named
    else:
        records = [r for r in records if len(r[2]) >= 2 and r[0] not in per_trial]
    if not records:
        return
    # The record showing the most compartments (apical, basal, somatic) is the interesting one.
    name, population, t, columns, neurons = max(
        records, key=lambda r: sum(v in r[3] for v, _ in COMPARTMENT_VARIABLES))
    picked = list(range(len(neurons)))
    if selection.neurons is not None:
        missing = [n for n in selection.neurons if n not in neurons]
        if missing:
            raise PlotError(f"--neurons: record '{name}' has neurons {', '.join(map(str, neurons))}, "
                            f"not {', '.join(map(str, missing))}")
        picked = [neurons.index(n) for n in selection.neurons]
    shown = [(v, label) for v, label in COMPARTMENT_VARIABLES if v in columns]
    potentials = bool(shown)
    if not shown:
        shown = [(v, v) for v in columns]
    windows = trace_windows(model, t, selection)
    fig, axes = figure(len(picked), len(windows), sharex="col", sharey="row")
    for c, (a, b, title, switch) in enumerate(windows):
        inside = (t >= a) & (t <= b)
        if not inside.any():
            raise PlotError(f"record '{name}' has no samples from {a:g} to {b:g} ms "
                            f"(it spans {t[0]:g} to {t[-1]:g} ms)")
        for row, k in enumerate(picked):
            ax = axes[row, c]
            for var, label in shown:
                ax.plot(t[inside], columns[var][inside, k], lw=1.2, label=f"{label} ({var})")
            if switch is not None:
                ax.axvline(switch, color="k", ls="--", lw=0.8)
            if c == 0:
                # The rate model's potentials are dimensionless (docs/equations.md).
                ax.set_ylabel(f"neuron {neurons[k]}\n" + ("potential (a.u.)" if potentials else "value"))
            ax.grid(True, alpha=0.3)
        axes[0, c].set_title(title, fontsize="medium")
        axes[-1, c].set_xlabel("t (ms)")
        # Five-digit times need room: at most five ticks, or the labels run together.
        axes[-1, c].xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(nbins=4))
    axes[0, -1].legend(loc="best", fontsize="small", framealpha=0.9)
    what = "compartment potentials" if potentials else ", ".join(v for v, _ in shown)
    fig.suptitle(f"{population}: {what} of recorded neurons (record '{name}')")
    writer.save(fig, "traces")


def symbol_names(model, population):
    """Letters of a sequence task's symbols when `population` is one of its symbol populations."""
    task = model.get("task", {})
    if task.get("kind") != "sequence":
        return None
    if population not in (task.get("drive"), task.get("target"), task.get("readout", task.get("target"))):
        return None
    if task.get("sequence") == "cyclic":
        return sorted(set(task.get("cycle", "")))
    return list("BTSXVPE")


def phase_end_table(run, name, h5):
    """(trial end times, {variable: samples x neurons}, neuron ids) of a phase-end record."""
    if h5 is not None:
        with h5.File(run / "report.h5", "r") as f:
            g = f["report"][name]
            m = g["mapping"]
            variables = list(m["variables"].asstr()[()])
            node_ids = [int(n) for n in m["node_ids"][()]]
            ptr, elem = m["index_pointers"][()], m["element_ids"][()]
            start, _, step = m["time"][()]
            data = g["data"][()]
            columns = {}
            for v, var in enumerate(variables):
                cols = []
                for k in range(len(node_ids)):
                    span = np.arange(int(ptr[k]), int(ptr[k + 1]))
                    cols.append(int(span[elem[span] == v][0]))
                columns[var] = data[:, cols]
            return start + step * np.arange(data.shape[0]), columns, node_ids
    header, data = read_csv(run / f"{name}.csv")
    parsed = [TRACE_COLUMN.match(h) for h in header[1:]]
    columns, ids = {}, []
    for c, p in enumerate(parsed):
        if p is None:
            continue
        columns.setdefault(p.group(1), []).append(data[:, c + 1])
        if int(p.group(2)) not in ids:
            ids.append(int(p.group(2)))
    return data[:, 0], {v: np.column_stack(c) for v, c in columns.items()}, ids


def change_text(fall_percent):
    """'53% lower', '12% higher' or 'unchanged' (under 0.5%) for a fall in percent."""
    if not np.isfinite(fall_percent):
        return "from 0"
    if abs(fall_percent) < 0.5:
        return "unchanged"
    return f"{abs(fall_percent):.0f}% {'lower' if fall_percent > 0 else 'higher'}"


def plot_phase_end_records(run, writer, model, h5):
    """Records sampled once per trial: where the signal lives and how it shrinks, per block."""
    block = int(model.get("task", {}).get("block_trials", 100))
    names = dict(record_names(model))
    for name, phase in phase_end_records(model).items():
        t, columns, ids = phase_end_table(run, name, h5)
        n = len(t)
        if n == 0:
            continue
        b = max(1, min(block, n))
        blocks = n // b
        if blocks == 0:
            continue
        population = names[name]["population"]
        fig, axes = figure(2, 1)
        ax = axes[0, 0]
        x = b * (np.arange(blocks) + 1)
        for var, values in columns.items():
            mean_abs = np.abs(values[: blocks * b]).mean(axis=1).reshape(blocks, b).mean(axis=1)
            fall = 100 * (1 - mean_abs[-1] / mean_abs[0]) if mean_abs[0] > 0 else float("nan")
            ax.plot(x, mean_abs, "o-", ms=3, lw=1.2,
                    label=f"{var}: {mean_abs[0]:.3g} -> {mean_abs[-1]:.3g} ({change_text(fall)})")
        ax.set_xlabel(f"trials (blocks of {b})")
        ax.set_ylabel("mean |value| over neurons")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
        ax.set_title(f"{population} at the end of phase '{phase}', once per trial")
        var = next(iter(columns))
        values = np.abs(columns[var])
        first, last = values[:b].mean(axis=0), values[(blocks - 1) * b: blocks * b].mean(axis=0)
        ax = axes[1, 0]
        pos = np.arange(len(ids))
        ax.bar(pos - 0.2, first, width=0.4, label=f"first {b} trials")
        ax.bar(pos + 0.2, last, width=0.4, label=f"last {b} trials")
        letters = symbol_names(model, population)
        labels = [letters[i] if letters and i < len(letters) else str(i) for i in ids]
        ax.set_xticks(pos, labels, fontsize=8 if len(ids) <= 32 else 5)
        ax.set_xlabel("symbol" if letters else "neuron")
        ax.set_ylabel(f"mean |{var}|")
        ax.grid(True, axis="y", alpha=0.3)
        ax.legend(fontsize=8)
        writer.save(fig, f"phase_end_{name}")


def weight_series(run, h5):
    """[(name, projection, times, data array snapshots x post x pre, connected mask)]."""
    out = []
    if h5 is not None:
        with h5.File(run / "report.h5", "r") as f:
            for name in f.get("weights", {}):
                g = f["weights"][name]
                start, _, step = g["mapping/time"][()]
                data = g["data"]
                keep = sorted({0, data.shape[0] - 1}) if data.shape[0] else []
                times = [start + step * k for k in keep]
                out.append((name, g.attrs.get("projection", name), times, data[keep, :, :],
                            g["mapping/connected"][()].astype(bool)))
        return out
    # Without report.h5: weights_<name>.csv, whose columns w[i][j] are the synapses. The
    # matrix is as large as the largest indices (a target or source without synapses at the
    # end would be missing, which does not change what is drawn).
    for path in sorted(run.glob("weights_*.csv")):
        header, data = read_csv(path)
        index = [WEIGHT_COLUMN.match(h) for h in header[1:]]
        if header[0] != "t_ms" or not index or not all(index) or len(data) == 0:
            continue
        ij = [(int(m.group(1)), int(m.group(2))) for m in index]
        post, pre = max(i for i, _ in ij) + 1, max(j for _, j in ij) + 1
        keep = sorted({0, len(data) - 1})
        snaps = np.zeros((len(keep), post, pre))
        connected = np.zeros((post, pre), dtype=bool)
        for c, (i, j) in enumerate(ij):
            snaps[:, i, j] = data[keep, c + 1]
            connected[i, j] = True
        name = path.stem[len("weights_"):]
        out.append((name, name, [data[k, 0] for k in keep], snaps, connected))
    return out


def abs_max(values):
    """The largest finite |value|, for a symmetric colour scale; 1 if there is none or it is 0."""
    finite = np.abs(values[np.isfinite(values)])
    return float(finite.max()) if finite.size and finite.max() > 0 else 1.0


def masked_cmap(name):
    """A colour map that draws absent synapses (NaN) grey, apart from weights near 0."""
    cmap = matplotlib.colormaps[name].copy()
    cmap.set_bad("0.75")
    return cmap


def plot_weights(run, writer, h5):
    for name, projection, times, snaps, connected in weight_series(run, h5):
        if len(snaps) == 0:
            continue
        first, last = np.where(connected, snaps[0], np.nan), np.where(connected, snaps[-1], np.nan)
        fig, axes = figure(1, 3)
        lim = abs_max(np.concatenate([first.ravel(), last.ravel()]))
        for ax, w, title in ((axes[0, 0], first, f"t = {times[0]:g} ms"),
                             (axes[0, 1], last, f"t = {times[-1]:g} ms")):
            im = ax.imshow(w, cmap=masked_cmap("RdBu_r"), vmin=-lim, vmax=lim, aspect="auto",
                           interpolation="nearest")
            ax.set_title(title)
            ax.set_xlabel("source neuron")
        axes[0, 0].set_ylabel("target neuron")
        for ax in axes[0]:  # neuron indices: whole numbers only
            ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
            ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
        fig.colorbar(im, ax=axes[0, 1], label="weight")
        diff = last - first
        dlim = abs_max(diff)
        im = axes[0, 2].imshow(diff, cmap=masked_cmap("PuOr_r"), vmin=-dlim, vmax=dlim,
                               aspect="auto", interpolation="nearest")
        axes[0, 2].set_title("change")
        axes[0, 2].set_xlabel("source neuron")
        fig.colorbar(im, ax=axes[0, 2], label="last - first")
        fig.suptitle(f"Weights of {projection} (grey: no synapse)")
        writer.save(fig, f"weights_{name}")
        plot_receptive_fields(writer, name, projection, times[-1], last)


def plot_receptive_fields(writer, name, projection, t, w):
    """Rows of W as images when the source is a square image (e.g. 28 x 28 pixels)."""
    side = math.isqrt(w.shape[1])
    if side < 4 or side * side != w.shape[1]:
        return
    n = min(16, w.shape[0])
    cols = math.ceil(math.sqrt(n))
    fig, axes = figure(math.ceil(n / cols), cols)
    for k, ax in enumerate(axes.ravel()):
        if k >= n:
            ax.remove()  # an empty slot of the grid
            continue
        ax.axis("off")
        if k < n:
            lim = abs_max(w[k])
            ax.imshow(w[k].reshape(side, side), cmap="RdBu_r", vmin=-lim, vmax=lim)
            ax.set_title(f"target {k}", fontsize="small")
    fig.suptitle(f"Receptive fields: weights of {projection} at t = {t:g} ms")
    writer.save(fig, f"receptive_fields_{name}")


def stats_tables(run, h5):
    """[(name, projection, {column: values})] from /weight_stats, else weight_stats_*.csv."""
    out = []
    if h5 is not None:
        with h5.File(run / "report.h5", "r") as f:
            for name in f.get("weight_stats", {}):
                g = f["weight_stats"][name]
                out.append((name, g.attrs.get("projection", name),
                            {c: g[c][()] for c in g.attrs["columns"]}))
        return out
    for path in sorted(run.glob("weight_stats_*.csv")):
        header, data = read_csv(path)
        name = path.stem[len("weight_stats_"):]
        out.append((name, name, {h: data[:, i] for i, h in enumerate(header)}))
    return out


def plot_weight_stats(run, writer, h5):
    for name, projection, table in stats_tables(run, h5):
        t = table["t_ms"]
        if len(t) == 0:
            continue
        fig, axes = figure()
        ax = axes[0, 0]
        ax.fill_between(t, table["mean"] - table["std"], table["mean"] + table["std"], alpha=0.25,
                        label="mean +- std")
        ax.plot(t, table["mean"], lw=1.5, label="mean")
        ax.plot(t, table["min"], lw=0.8, ls="--", label="min")
        ax.plot(t, table["max"], lw=0.8, ls="--", label="max")
        ax.plot(t, table["mean_abs"], lw=1.2, label="mean |w|")
        ax.set_xlabel("t (ms)")
        ax.set_ylabel("weight")
        ax.grid(True, alpha=0.3)
        ax.legend(loc="best", fontsize="small")
        ax.set_title(f"Weight statistics of {projection}")
        writer.save(fig, f"weight_stats_{name}")


# ---- main -------------------------------------------------------------------------------------

def main(argv):
    parser = argparse.ArgumentParser(prog="plot_run.py",
                                     description="Figures of a cortexsim run folder.")
    parser.add_argument("run_dir", type=pathlib.Path)
    parser.add_argument("--out", type=pathlib.Path, default=None,
                        help="folder for the figures (default RUN_DIR/plots)")
    parser.add_argument("--record", default=None, help="the trace record to draw (default: the one "
                        "with the most compartments)")
    parser.add_argument("--neurons", default=None, help="comma-separated neuron ids of that record")
    parser.add_argument("--window", default=None, help="a:b, the time window in ms")
    parser.add_argument("--trials", default=None, help="a:b, trials a to b (from 1; needs [[phase]]s)")
    args = parser.parse_args(argv[1:])
    run = args.run_dir
    try:
        selection = argparse.Namespace(
            record=args.record,
            neurons=parse_neurons(args.neurons) if args.neurons is not None else None,
            window=parse_range(args.window, "--window") if args.window is not None else None,
            trials=parse_range(args.trials, "--trials") if args.trials is not None else None)
        if selection.window is not None and selection.trials is not None:
            raise PlotError("--window and --trials both choose the time window: give one")
        if not run.is_dir():
            raise PlotError(f"run folder '{run}' does not exist" if not run.exists()
                            else f"'{run}' is not a run folder: it is a file")
        if not any((run / m).exists() for m in RUN_MARKERS):
            raise PlotError(f"'{run}' is not a run folder: it holds none of "
                            + ", ".join(RUN_MARKERS))
        h5 = require("h5py", "python3-h5py") if (run / "report.h5").exists() else None
        out = args.out or run / "plots"
        out.mkdir(parents=True, exist_ok=True)
        writer = Writer(out)
        model = resolved_model(run)
        plot_error_signals(run, writer, model)
        plot_learning_curve(run, writer)
        plot_traces(run, writer, model, h5, selection)
        plot_phase_end_records(run, writer, model, h5)
        plot_weights(run, writer, h5)
        plot_weight_stats(run, writer, h5)
    except (PlotError, OSError, KeyError) as e:
        print(f"plot_run.py: {e}", file=sys.stderr)
        return 1
    if not writer.files:
        print(f"plot_run.py: '{run}' has nothing to plot: no error_summary.csv, "
              "learning_curve.csv, recorded traces or weights", file=sys.stderr)
        return 1
    for path in writer.files:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
