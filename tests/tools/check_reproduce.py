#!/usr/bin/python3
"""Re-run a finished run from its model.resolved.toml and check that it reproduces the run.

usage: /usr/bin/python3 tests/tools/check_reproduce.py CORTEXSIM RUN_DIR
       /usr/bin/python3 tests/tools/check_reproduce.py --self-test

Runs `CORTEXSIM validate RUN_DIR/model.resolved.toml`, then `CORTEXSIM run` on it into a new
folder, and checks that
  - validate accepts it and the run exits with 0;
  - every CSV file of RUN_DIR and model.resolved.toml are byte for byte those of the re-run
    (and the re-run has no CSV file RUN_DIR lacks);
  - report.h5 holds the same groups, data sets (same values, dtype and shape) and attributes:
    the bytes of an HDF5 file also hold object timestamps, which are not the run's results.
run_summary.txt (wall time) is not compared.
--self-test checks that the comparison rejects a changed CSV value and a changed data set.

Exit status: 0 if everything holds, 1 if not (each problem is printed), 2 on usage errors.
"""
import pathlib
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np


def h5_items(path):
    """{(kind, path): value} of every attribute and data set of an HDF5 file."""
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            for k, v in obj.attrs.items():
                out[("attribute", f"{name}@{k}")] = v
            if isinstance(obj, h5py.Dataset):
                out[("data set", name)] = obj[()]
        for k, v in f.attrs.items():
            out[("attribute", f"/@{k}")] = v
        f.visititems(visit)
    return out


def same_value(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=a.dtype.kind == "f")


def compare(first, second):
    """The problems that keep `second` from reproducing `first` (two run folders)."""
    problems = []
    names = {p.name for p in first.glob("*.csv")} | {"model.resolved.toml"}
    for extra in sorted({p.name for p in second.glob("*.csv")} - names):
        problems.append(f"{extra}: written by the re-run only")
    for name in sorted(names):
        a, b = first / name, second / name
        if not b.exists():
            problems.append(f"{name}: missing from the re-run")
        elif a.read_bytes() != b.read_bytes():
            problems.append(f"{name}: differs from the re-run's")
    if (first / "report.h5").exists():
        if not (second / "report.h5").exists():
            problems.append("report.h5: missing from the re-run")
        else:
            x, y = h5_items(first / "report.h5"), h5_items(second / "report.h5")
            for key in sorted(set(x) ^ set(y)):
                problems.append(f"report.h5: {key[0]} {key[1]} in only one of the two")
            for key in sorted(set(x) & set(y)):
                if not same_value(x[key], y[key]):
                    problems.append(f"report.h5: {key[0]} {key[1]} differs")
    return problems


def rerun(cortexsim, run, out):
    resolved = run / "model.resolved.toml"
    problems = []
    v = subprocess.run([cortexsim, "validate", str(resolved)], capture_output=True, text=True)
    if v.returncode != 0:
        problems.append(f"validate rejects {resolved}: {v.stdout}{v.stderr}")
    r = subprocess.run([cortexsim, "run", str(resolved), "--out", str(out), "--quiet", "--force"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        problems.append(f"the re-run exits with {r.returncode}: {r.stdout}{r.stderr}")
    return problems


def self_test():
    """The comparison must notice one changed digit in a CSV and one changed data set value."""
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        a, b = pathlib.Path(tmp) / "a", pathlib.Path(tmp) / "b"
        for d in (a, b):
            d.mkdir()
            (d / "model.resolved.toml").write_text("x = 1\n")
            (d / "t.csv").write_text("t_ms,v\n0,0.5\n")
            with h5py.File(d / "report.h5", "w") as f:
                f["/report/p/data"] = np.array([[1.0, 2.0]], dtype=np.float32)
                f["/report/p/data"].attrs["units"] = "mV"
        if compare(a, b):
            failures.append(f"equal folders reported different: {compare(a, b)}")
        (b / "t.csv").write_text("t_ms,v\n0,0.50000000000000011\n")
        if not any("t.csv" in p for p in compare(a, b)):
            failures.append("a changed CSV value was not noticed")
        (b / "t.csv").write_text("t_ms,v\n0,0.5\n")
        with h5py.File(b / "report.h5", "r+") as f:
            f["/report/p/data"][0, 1] = 2.5
        if not any("report/p/data" in p for p in compare(a, b)):
            failures.append("a changed data set value was not noticed")
    for f in failures:
        print(f"check_reproduce self-test: {f}")
    return 1 if failures else 0


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    cortexsim, run = argv[1], pathlib.Path(argv[2])
    if not (run / "model.resolved.toml").exists():
        print(f"check_reproduce: {run}: no model.resolved.toml", file=sys.stderr)
        return 2
    out = run.parent / (run.name + "_reproduced")
    shutil.rmtree(out, ignore_errors=True)
    problems = rerun(cortexsim, run, out)
    if not problems:
        problems = compare(run, out)
    for p in problems:
        print(f"check_reproduce: {run}: {p}")
    shutil.rmtree(out, ignore_errors=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
