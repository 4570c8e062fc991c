"""Reading a run folder (docs/output_files.md) into numpy arrays and dicts."""

import csv
import os
import tomllib

import numpy as np

from . import _core


def _column(values):
    """Numbers as a float array; a column with any text stays a list of str."""
    try:
        return np.array([float(v) if v != "" else np.nan for v in values], dtype=float)
    except ValueError:
        return list(values)


def read_csv(path):
    """A CSV file of the run folder as {column: array}, in the file's column order."""
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    if not rows:
        return {}
    header, body = rows[0], rows[1:]
    return {name: _column([r[k] if k < len(r) else "" for r in body]) for k, name in enumerate(header)}


class Report:
    """report.h5, read through the library's reader (no h5py needed)."""

    def __init__(self, path):
        self._reader = _core.ReportReader(os.fspath(path))
        self.path = os.fspath(path)

    def groups(self, group="/"):
        return self._reader.members(group)

    def read(self, dataset):
        """A data set: numbers as a float64 array of its shape, strings as a list."""
        return self._reader.read(dataset)

    def attribute(self, obj, name):
        """A string attribute ("" if absent; a list for an array attribute)."""
        values = self._reader.attribute(obj, name)
        return values[0] if len(values) == 1 else (values or "")

    @property
    def records(self):
        """The names of the [[record]] groups under /report."""
        return self._reader.members("/report") if self._reader.exists("/report") else []

    def trace(self, name):
        """One record as {"time_ms": [t], "node_ids": [n], <variable>: [t x n] ...}: SONATA's
        node-major columns regrouped by variable."""
        group = f"/report/{name}"
        if not self._reader.exists(group):
            raise KeyError(f"report.h5 has no record '{name}'; it has {self.records}")
        data = self.read(group + "/data")
        element_ids = self.read(group + "/mapping/element_ids").astype(int)
        variables = self.read(group + "/mapping/variables")
        start, _, step = self.read(group + "/mapping/time")
        out = {
            "time_ms": start + step * np.arange(data.shape[0]),
            "node_ids": self.read(group + "/mapping/node_ids").astype(np.int64),
        }
        for k, variable in enumerate(variables):
            out[variable] = data[:, element_ids == k]
        return out

    @property
    def tables(self):
        """The names of the summary tables under /summary."""
        return self._reader.members("/summary") if self._reader.exists("/summary") else []

    def table(self, name):
        """A summary table (/summary/<name>, one data set per column) as {column: array}, in
        the CSV's column order."""
        path = f"/summary/{name}"
        if not self._reader.is_group(path):
            raise KeyError(f"report.h5 has no table '{name}'; it has {self.tables}")
        columns = self._reader.attribute(path, "columns") or self._reader.members(path)
        return {c: self.read(f"{path}/{c}") for c in columns}


class Run:
    """A run folder: the resolved model (a dict), the CSV tables ({file stem: {column:
    array}}), report.h5 (a Report, or None without one) and the summary text."""

    def __init__(self, path):
        self.path = os.fspath(path)
        if not os.path.isdir(self.path):
            raise FileNotFoundError(f"no run folder '{self.path}'")
        resolved = os.path.join(self.path, "model.resolved.toml")
        if not os.path.exists(resolved):
            raise FileNotFoundError(f"'{self.path}' holds no model.resolved.toml: not a run folder")
        with open(resolved, "rb") as f:
            self.model = tomllib.load(f)
        summary = os.path.join(self.path, "run_summary.txt")
        self.summary = ""
        if os.path.exists(summary):
            with open(summary) as f:
                self.summary = f.read()
        self.tables = {
            name[:-4]: read_csv(os.path.join(self.path, name))
            for name in sorted(os.listdir(self.path))
            if name.endswith(".csv")
        }
        report = os.path.join(self.path, "report.h5")
        self.report = Report(report) if os.path.exists(report) else None

    @property
    def seed(self):
        return self.model["simulation"]["seed"]

    def trace(self, name):
        """A record from report.h5 (see Report.trace)."""
        if self.report is None:
            raise FileNotFoundError(f"'{self.path}' has no report.h5 (run with format 'csv'?)")
        return self.report.trace(name)

    def __repr__(self):
        return f"Run({self.path!r}: tables {sorted(self.tables)})"


def open_run(path):
    """Reads a run folder written by `cortexsim run`, Model.build or a sweep."""
    return Run(path)
