#!/usr/bin/python3
"""Draw every figure of a run as `cortexsim plot` does and check that each one is readable.

usage: /usr/bin/python3 tests/tools/check_figure_layout.py RUN_DIR NAME...
       /usr/bin/python3 tests/tools/check_figure_layout.py --self-test

Imports tools/plot_run.py and runs its main() on RUN_DIR (figures into RUN_DIR/checked_layout)
with matplotlib's Agg backend; before each figure is saved it is drawn and inspected:
  - the figures made are exactly NAME... (names without extension);
  - drawing it raises no warning (a layout engine that gives up, e.g. "constrained_layout not
    applied because axes sizes collapsed to zero", warns and leaves the panels on top of each
    other);
  - every panel (Axes) is at least MIN_PANEL_PX wide and high in figure pixels, and a colour
    bar at least MIN_COLORBAR_PX on its long side, measured on the drawn figure
    (get_window_extent, after aspect ratios are applied); every Axes lies inside the figure,
    and no two overlap;
  - every panel has data: a line in data coordinates with at least 2 finite points (positive
    ones on a log axis; vertical and horizontal marker lines do not count), a filled area or
    scatter with at least 2 finite points, at least 2 bars of finite height, or an image with
    at least 2 finite pixels; or it says so: a text in the panel beginning "silent" (a signal
    that never left the noise floor, listed instead of drawn). An empty panel, a panel of NaN
    and a switched-off empty slot are errors;
  - every panel's x and y axes say what they show: a label on the axis itself or on a panel of
    the same column (x) or row (y), as shared axes are labelled once.
--self-test feeds the checks broken figures (22 panels collapsed in one column, a panel of
NaN, a panel with only a marker line, an empty slot, a panel without a y label, overlapping
panels, a panel outside the figure, a squeezed colour bar)
and a good one, and fails unless exactly the broken ones are rejected.

Exit status: 0 if every figure is readable, 1 if not (each problem is printed), 2 on usage
errors.
"""
import contextlib
import importlib.util
import io
import pathlib
import sys
import tempfile
import warnings

MIN_PANEL_PX = (80, 50)     # width, height: room for a curve and its tick labels at 100 dpi
MIN_COLORBAR_PX = 50        # the colour bar's long side
OVERLAP_TOLERANCE_PX = 2.0  # constrained layout may let neighbouring frames touch
PLOT_RUN = pathlib.Path(__file__).resolve().parents[2] / "tools" / "plot_run.py"


def load_plot_run():
    spec = importlib.util.spec_from_file_location("plot_run", PLOT_RUN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def is_colorbar(ax):
    return getattr(ax, "_colorbar", None) is not None or ax.get_label() == "<colorbar>"


def finite_points(ax, x, y):
    """How many (x, y) points are finite and, on a log axis, positive."""
    import numpy as np
    x = np.asarray(x, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    if x.size != y.size:
        return 0
    ok = np.isfinite(x) & np.isfinite(y)
    if ax.get_xscale() == "log":
        ok &= x > 0
    if ax.get_yscale() == "log":
        ok &= y > 0
    return int(ok.sum())


def panel_data(ax):
    """A description of the data the panel shows, or None if it shows none."""
    import numpy as np
    from matplotlib.collections import Collection
    from matplotlib.patches import Rectangle
    for text in ax.texts:
        if text.get_text().lstrip().lower().startswith("silent"):
            return "listed as silent"
    for line in ax.get_lines():
        # axvline/axhline draw in blended axes coordinates: markers, not data.
        if line.get_transform() != ax.transData:
            continue
        if finite_points(ax, line.get_xdata(), line.get_ydata()) >= 2:
            return "a line"
    for coll in ax.collections:
        if not isinstance(coll, Collection):
            continue
        paths = coll.get_paths()
        vertices = [p.vertices for p in paths if len(p.vertices)]
        offsets = coll.get_offsets()
        points = np.concatenate(vertices) if vertices else np.asarray(offsets).reshape(-1, 2)
        if len(points) and finite_points(ax, points[:, 0], points[:, 1]) >= 2:
            return "a collection"
    bars = [p for p in ax.patches if isinstance(p, Rectangle) and np.isfinite(p.get_height())
            and np.isfinite(p.get_width())]
    if len(bars) >= 2:
        return "bars"
    for image in ax.images:
        values = np.ma.masked_invalid(np.ma.asarray(image.get_array(), dtype=float))
        if values.count() >= 2:
            return "an image"
    return None


def subplot_spec(ax):
    """The grid cell of a panel made by plt.subplots, or None for a free Axes."""
    get = getattr(ax, "get_subplotspec", None)
    return get() if get is not None else None


def unlabelled_axes(ax, panels):
    """'x axis', 'y axis' or 'x and y axes' when the panel names no quantity there, neither
    itself nor through the panels that share its column (x: usually the bottom one) or its
    row (y: usually the left one); None when both are named or the axes are switched off."""
    if not ax.axison:
        return None
    spec = subplot_spec(ax)
    missing = []
    for axis in ("x", "y"):
        def label(other):
            return (other.get_xlabel() if axis == "x" else other.get_ylabel()).strip()
        if label(ax):
            continue
        if spec is not None:
            mine = spec.colspan if axis == "x" else spec.rowspan
            same = [o for o in panels if subplot_spec(o) is not None and o.axison
                    and (subplot_spec(o).colspan if axis == "x"
                         else subplot_spec(o).rowspan) == mine]
            if any(label(o) for o in same):
                continue
        missing.append(axis)
    return {0: None, 1: f"{''.join(missing)} axis"}.get(len(missing), "x and y axes")


def figure_problems(fig, name):
    """What makes `fig` unreadable, as messages naming the figure and the panel."""
    problems = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    for w in caught:
        problems.append(f"{name}: drawing it warned: {w.message}")
    renderer = fig.canvas.get_renderer()
    width_px, height_px = fig.bbox.width, fig.bbox.height
    boxes = []
    for k, ax in enumerate(fig.axes):
        box = ax.get_window_extent(renderer)
        title = ax.get_title() or ax.get_ylabel().replace("\n", " ") or f"panel {k + 1}"
        where = f"{name}: axes {k + 1} of {len(fig.axes)} ('{title}')"
        if is_colorbar(ax):
            if max(box.width, box.height) < MIN_COLORBAR_PX or min(box.width, box.height) <= 0:
                problems.append(f"{where}: colour bar {box.width:.0f} x {box.height:.0f} px")
        else:
            if box.width < MIN_PANEL_PX[0] or box.height < MIN_PANEL_PX[1]:
                problems.append(f"{where}: {box.width:.0f} x {box.height:.0f} px, below "
                                f"{MIN_PANEL_PX[0]} x {MIN_PANEL_PX[1]} (collapsed)")
            if panel_data(ax) is None:
                problems.append(f"{where}: no data (no line, area, bars or image with 2 "
                                "finite points, and not listed as silent)")
            unlabelled = unlabelled_axes(ax, [a for a in fig.axes if not is_colorbar(a)])
            if unlabelled:
                problems.append(f"{where}: no quantity named on the {unlabelled} (no label on "
                                "the panel or on the panels sharing its row or column)")
        if (box.x0 < -OVERLAP_TOLERANCE_PX or box.y0 < -OVERLAP_TOLERANCE_PX
                or box.x1 > width_px + OVERLAP_TOLERANCE_PX
                or box.y1 > height_px + OVERLAP_TOLERANCE_PX):
            problems.append(f"{where}: reaches outside the figure ({box.x0:.0f}..{box.x1:.0f} x "
                            f"{box.y0:.0f}..{box.y1:.0f} of {width_px:.0f} x {height_px:.0f})")
        for other_where, other in boxes:
            dx = min(box.x1, other.x1) - max(box.x0, other.x0)
            dy = min(box.y1, other.y1) - max(box.y0, other.y0)
            if dx > OVERLAP_TOLERANCE_PX and dy > OVERLAP_TOLERANCE_PX:
                problems.append(f"{where}: overlaps {other_where.split(': ', 1)[1]} by "
                                f"{dx:.0f} x {dy:.0f} px")
        boxes.append((where, box))
    return problems


def check(run, names):
    """Runs plot_run.py's main() on `run`, inspecting every figure before it is saved."""
    plot_run = load_plot_run()
    problems, made = [], []
    original_save = plot_run.Writer.save

    def inspecting_save(writer, fig, stem):
        made.append(stem)
        problems.extend(figure_problems(fig, stem))
        original_save(writer, fig, stem)

    plot_run.Writer.save = inspecting_save
    with contextlib.redirect_stdout(io.StringIO()):  # the paths written; not needed here
        status = plot_run.main(["plot_run.py", str(run), "--out", str(run / "checked_layout")])
    if status != 0:
        problems.append(f"plot_run.py exited with {status}")
    if sorted(made) != sorted(names):
        problems.append(f"figures made {sorted(made)}, expected {sorted(names)}")
    return problems, len(made)


def self_test():
    """Broken figures must be rejected and a good one accepted, or passing means nothing."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    def fig_of(rows=1, cols=1, **kw):
        return plt.subplots(rows, cols, figsize=(9, 6), dpi=100, squeeze=False,
                            layout="constrained", **kw)

    cases = {}
    fig, axes = fig_of(2, 2)
    for ax in axes.ravel():
        ax.plot([0, 1, 2], [1, 3, 2])
    for ax in axes[-1]:
        ax.set_xlabel("t (ms)")
    for ax in axes[:, 0]:
        ax.set_ylabel("rate")
    axes[0, 1].set_yscale("log")
    im = axes[1, 1].imshow(np.arange(12.0).reshape(3, 4))
    fig.colorbar(im, ax=axes[1, 1])
    axes[1, 0].cla()
    axes[1, 0].text(0.5, 0.5, "silent: never above 1e-6", ha="center")
    axes[1, 0].set_axis_off()
    axes[0, 0].set_xlabel("t (ms)")  # its column's bottom panel is the silent one
    axes[1, 1].set_ylabel("weight")
    cases["good"] = (fig, None)

    fig, axes = fig_of(22, 1, sharex=True)
    for k, ax in enumerate(axes[:, 0]):
        ax.plot([0, 1], [k, k + 1])
        ax.set_ylabel(f"population {k}")
        ax.legend(["signal"])
    cases["22 panels in one column"] = (fig, "collapsed|warned")

    fig, axes = fig_of(1, 2)
    axes[0, 0].plot([0, 1, 2], [1, 2, 3])
    axes[0, 1].plot([0, 1, 2], [np.nan, np.nan, np.nan])
    cases["a panel of NaN"] = (fig, "no data")

    fig, axes = fig_of(1, 2)
    axes[0, 0].plot([0, 1, 2], [1, 2, 3])
    axes[0, 1].set_yscale("log")
    axes[0, 1].plot([0, 1, 2], [0.0, -1.0, 0.0])
    cases["zeros on a log axis"] = (fig, "no data")

    fig, axes = fig_of(1, 2)
    axes[0, 0].plot([0, 1, 2], [1, 2, 3])
    axes[0, 1].axvline(1.0)
    cases["only a marker line"] = (fig, "no data")

    fig, axes = fig_of(2, 3)
    for k, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if k < 4:
            ax.imshow(np.eye(5))
    cases["empty switched-off slots"] = (fig, "no data")

    fig, axes = fig_of(2, 1)
    for ax in axes[:, 0]:
        ax.plot([0, 1, 2], [1, 2, 3])
    axes[1, 0].set_xlabel("t (ms)")
    axes[1, 0].set_ylabel("rate")
    cases["a panel without a y label"] = (fig, "no quantity named on the y axis")

    fig = plt.figure(figsize=(9, 6), dpi=100)
    fig.add_axes([0.1, 0.1, 0.6, 0.6]).plot([0, 1], [0, 1])
    fig.add_axes([0.4, 0.4, 0.5, 0.5]).plot([0, 1], [1, 0])
    cases["overlapping panels"] = (fig, "overlaps")

    fig = plt.figure(figsize=(9, 6), dpi=100)
    fig.add_axes([0.1, 0.1, 0.7, 0.8]).plot([0, 1], [0, 1])
    fig.add_axes([0.85, 0.1, 0.1, 0.8]).plot([0, 1], [0, 1])
    fig.add_axes([0.5, 1.2, 0.3, 0.3]).plot([0, 1], [0, 1])
    cases["a panel outside the figure"] = (fig, "outside the figure")

    fig, axes = fig_of(1, 1)
    im = axes[0, 0].imshow(np.eye(4))
    fig.colorbar(im, ax=axes[0, 0], shrink=0.02)  # squeezed: a colour bar nobody can read
    cases["a flattened colour bar"] = (fig, "colour bar")

    problems = []
    import re
    for what, (fig, expect) in cases.items():
        got = figure_problems(fig, what)
        plt.close(fig)
        if expect is None and got:
            problems.append(f"self-test: the good figure was rejected: {got}")
        if expect is not None and not any(re.search(expect, g) for g in got):
            problems.append(f"self-test: '{what}' was not rejected for '{expect}': {got}")
    # And through plot_run.py: a run folder whose error summary holds only NaN.
    with tempfile.TemporaryDirectory() as tmp:
        run = pathlib.Path(tmp)
        (run / "run_summary.txt").write_text("self-test\n")
        (run / "error_summary.csv").write_text(
            "t_ms,P.basal_error.mean_abs,P.basal_error.rms\n0,nan,nan\n1,nan,nan\n2,nan,nan\n")
        got, _ = check(run, ["error_signals"])
        if not any("no data" in g for g in got):
            problems.append(f"self-test: a run whose error signals are all NaN passed: {got}")
    return problems


def main(argv):
    if len(argv) == 2 and argv[1] == "--self-test":
        problems, what = self_test(), "the layout checks reject broken figures"
    elif len(argv) >= 3:
        problems, count = check(pathlib.Path(argv[1]), argv[2:])
        what = f"{count} figures of {argv[1]} are readable"
    else:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    for p in problems:
        print(f"check_figure_layout: {p}", file=sys.stderr)
    if problems:
        return 1
    print(f"check_figure_layout: {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
