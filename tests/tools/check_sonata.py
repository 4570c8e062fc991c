#!/usr/bin/python3
"""Check a cortexsim run folder's report.h5 against its CSV traces, using h5py and numpy.

usage: /usr/bin/python3 tests/tools/check_sonata.py RUN_DIR

Run it with Debian's /usr/bin/python3 (packages python3-h5py, python3-numpy).

For every population /report/<name> it checks the SONATA report layout:
  - mapping/node_ids (uint64, each node once)
  - mapping/index_pointers (uint64, n_nodes + 1 entries, one column per variable per node)
  - mapping/element_ids (uint32, indices into mapping/variables)
  - mapping/time = [start, stop, step] in "ms", with (stop - start) / step rows
  - data: 2-d, chunked, extendible along time, with units "1"
Then it compares every value of data with <name>.csv of the same run. Columns are matched
by name: HDF5 column c is "<variables[element_ids[c]]>[<node>]". float64 data must equal the
CSV exactly (the CSV's 17 digits round-trip a double). float32 data is the double rounded to
nearest, so it must lie within 2^-24 relative.

Exit status: 0 if everything agrees, 1 if not (each problem is printed), 2 on usage errors.
"""
import pathlib
import sys

import h5py
import numpy as np

MAPPING = ("node_ids", "index_pointers", "element_ids", "variables", "time")


def check_population(run, f, name, problems):
    """Check /report/<name> against <name>.csv; return the number of values compared."""

    def need(ok, message):
        if not ok:
            problems.append(f"{name}: {message}")
        return ok

    g = f["report"][name]
    missing = [k for k in ("data",) + tuple("mapping/" + m for m in MAPPING) if k not in g]
    if not need(not missing, f"missing {', '.join(missing)}"):
        return 0
    data, m = g["data"], g["mapping"]
    node_ids = m["node_ids"][()]
    index_pointers = m["index_pointers"][()]
    element_ids = m["element_ids"][()]
    variables = list(m["variables"].asstr()[()])
    time = m["time"][()]

    need(node_ids.dtype == np.uint64, f"node_ids is {node_ids.dtype}, expected uint64")
    need(index_pointers.dtype == np.uint64, f"index_pointers is {index_pointers.dtype}")
    need(element_ids.dtype == np.uint32, f"element_ids is {element_ids.dtype}, expected uint32")
    need(data.dtype in (np.float32, np.float64), f"data is {data.dtype}")
    if not need(data.ndim == 2, f"data has {data.ndim} dimensions"):
        return 0
    rows, cols = data.shape
    need(data.chunks is not None, "data is not chunked")
    need(data.maxshape[0] is None, "data cannot grow along time")
    need(len(np.unique(node_ids)) == len(node_ids), "node_ids lists a node twice")
    if not need(len(index_pointers) == len(node_ids) + 1, "index_pointers is not n_nodes + 1 long"):
        return 0
    need(index_pointers[0] == 0 and index_pointers[-1] == cols,
         "index_pointers do not span the columns")
    need(np.all(np.diff(index_pointers.astype(np.int64)) == len(variables)),
         "a node does not have one column per variable")
    if not need(len(element_ids) == cols and element_ids.max() < len(variables),
                "element_ids do not index mapping/variables column by column"):
        return 0
    need(m["time"].attrs.get("units") == "ms", "mapping/time has no units 'ms'")
    need(data.attrs.get("units") == "1", "data's units are not '1'")
    need(list(m["variables"].attrs.get("units", [])) == ["1"] * len(variables),
         "mapping/variables has not one unit '1' per variable")
    if not need(time.shape == (3,), "mapping/time is not [start, stop, step]"):
        return 0
    need(abs(time[1] - (time[0] + rows * time[2])) < 1e-9,
         f"time {list(time)} does not describe {rows} rows")

    names = [f"{variables[element_ids[c]]}[{node}]"
             for node, lo, hi in zip(node_ids, index_pointers[:-1], index_pointers[1:])
             for c in range(lo, hi)]
    csv = run / f"{name}.csv"
    if not need(csv.exists(), f"{csv} is missing"):
        return 0
    with csv.open() as fh:
        header = fh.readline().strip().split(",")
    table = np.loadtxt(csv, delimiter=",", skiprows=1, ndmin=2, dtype=np.float64)
    need(header[0] == "t_ms", "the CSV does not start with t_ms")
    if not need(set(header[1:]) == set(names), "CSV and HDF5 record different columns"):
        return 0
    if not need(table.shape[0] == rows, f"{rows} rows in HDF5, {table.shape[0]} in the CSV"):
        return 0
    need(np.allclose(table[:, 0], time[0] + np.arange(rows) * time[2], rtol=0, atol=1e-9),
         "CSV sample times differ from mapping/time")

    expected = table[:, [header.index(n) for n in names]]
    got = data[()].astype(np.float64)
    if data.dtype == np.float64:
        ok = got == expected
    else:
        ok = np.abs(got - expected) <= np.ldexp(np.abs(expected), -24)
    if not ok.all():
        r, c = np.argwhere(~ok)[0]
        need(False, f"{(~ok).sum()} values differ, first at row {r} column {names[c]}: "
                    f"{got[r, c]!r} vs {expected[r, c]!r}")
    return rows * cols


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    run = pathlib.Path(argv[1])
    path = run / "report.h5"
    if not path.exists():
        print(f"check_sonata: {path} does not exist", file=sys.stderr)
        return 1
    problems = []
    compared = 0
    populations = []
    with h5py.File(path, "r") as f:
        if "report" not in f or not len(f["report"]):
            problems.append("no populations under /report")
        else:
            populations = list(f["report"])
            for name in populations:
                compared += check_population(run, f, name, problems)
    for p in problems:
        print(f"check_sonata: {path}: {p}", file=sys.stderr)
    if problems:
        return 1
    print(f"check_sonata: {path}: {len(populations)} populations ({', '.join(populations)}), "
          f"{compared} values agree with the CSV files")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
