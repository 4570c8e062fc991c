"""What the Python tests share: where the build is, the CLI, temporary folders, and a small
model (examples/microcircuit_dynamics.toml, 120 ms, under a second) and a small task."""

import filecmp
import os
import subprocess
import tempfile
import unittest

SOURCE_DIR = os.environ["CORTEXSIM_SOURCE_DIR"]
CLI = os.environ["CORTEXSIM_CLI"]
BUILD_DIR = os.environ["CORTEXSIM_BUILD_DIR"]
MICROCIRCUIT = os.path.join(SOURCE_DIR, "examples", "microcircuit_dynamics.toml")
TEACHER_STUDENT = os.path.join(SOURCE_DIR, "examples", "teacher_student.toml")
# teacher_student cut to a tenth of a second: a task with metrics, for sweeps.
SHORT_TASK = ["task.n_train=100", "task.n_test=10", "task.eval_every=50"]


def read(path):
    with open(path) as f:
        return f.read()


def cli(*args, check=True):
    r = subprocess.run([CLI, *args], capture_output=True, text=True)
    if check and r.returncode != 0:
        raise AssertionError(f"cortexsim {' '.join(args)} exited {r.returncode}: {r.stderr}")
    return r


def same_files(dir_a, dir_b, names):
    """Byte-for-byte equality of the named files of two run folders; returns the differing."""
    return [n for n in names if not filecmp.cmp(os.path.join(dir_a, n), os.path.join(dir_b, n), shallow=False)]


def same_report(test, path_a, path_b):
    """report.h5 of two runs: every data set equal value for value (the files' bytes also hold
    HDF5 timestamps)."""
    import cortexsim
    a, b = cortexsim.Report(path_a), cortexsim.Report(path_b)

    def walk(report, group, out):
        for name in report.groups(group):
            path = group.rstrip("/") + "/" + name
            if report._reader.is_group(path):
                walk(report, path, out)
            else:
                out.append(path)
        return out

    paths = walk(a, "/", [])
    test.assertEqual(paths, walk(b, "/", []))
    test.assertTrue(paths, "report.h5 holds no data sets")
    for p in paths:
        va, vb = a.read(p), b.read(p)
        if isinstance(va, list):
            test.assertEqual(va, vb, p)
        else:
            test.assertEqual(va.shape, vb.shape, p)
            test.assertTrue((va == vb).all(), f"{p} differs")


class TempDirTest(unittest.TestCase):
    """Each test runs in a fresh temporary working folder."""

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="cortexsim_py_")
        self._cwd = os.getcwd()
        os.chdir(self._tmp.name)
        self.tmp = self._tmp.name

    def tearDown(self):
        os.chdir(self._cwd)
        self._tmp.cleanup()
