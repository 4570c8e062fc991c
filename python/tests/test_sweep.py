"""Sweeps from Python and the CLI, each point a reproducible run folder (issue 14, item 5)."""

import csv
import os
import signal
import subprocess
import sys
import time
import unittest

import numpy as np

import cortexsim
from support import CLI, MICROCIRCUIT, SHORT_TASK, TEACHER_STUDENT, TempDirTest, cli, same_files, same_report


def short_task():
    m = cortexsim.load(TEACHER_STUDENT)
    for setting in SHORT_TASK:
        key, value = setting.split("=")
        m.set(key, int(value))
    return m


def without_times(lines):
    """sweep.csv without run_dir and the wall-clock columns (wall_s, a task's train_wall_s),
    which differ between two runs of the same point."""
    rows = list(csv.reader(lines))
    keep = [k for k, name in enumerate(rows[0]) if name != "run_dir" and not name.endswith("wall_s")]
    return [[r[k] for k in keep] for r in rows]


class SweepTest(TempDirTest):
    def test_two_values_by_three_seeds_equal_six_cli_runs(self):
        grid = {"task.g_som": [0.5, 0.8], "seed": range(1, 4)}
        table = cortexsim.sweep(short_task(), grid, processes=2, out="sweep")
        self.assertEqual(table["status"], ["ok"] * 6)
        # The last key varies fastest.
        np.testing.assert_array_equal(table["task.g_som"], [0.5, 0.5, 0.5, 0.8, 0.8, 0.8])
        np.testing.assert_array_equal(table["seed"], [1, 2, 3, 1, 2, 3])
        self.assertEqual(len(set(table["final_test_mse"])), 6)
        sets = sum((["--set", s] for s in SHORT_TASK), [])
        for k in range(6):
            out = f"cli_{k}"
            cli("run", TEACHER_STUDENT, "--out", out, "--quiet", *sets,
                "--set", f"task.g_som={table['task.g_som'][k]}", "--seed", str(table["seed"][k]))
            point = table["run_dir"][k]
            self.assertEqual(point, os.path.join("sweep", f"run_{k:03d}"))
            self.assertEqual(same_files(point, out, ["model.resolved.toml", "learning_curve.csv",
                                                     "error_summary.csv"]), [])
            same_report(self, os.path.join(point, "report.h5"), os.path.join(out, "report.h5"))
            # Each point's resolved model reproduces it alone.
            cli("run", os.path.join(point, "model.resolved.toml"), "--out", f"again_{k}", "--quiet")
            self.assertEqual(same_files(point, f"again_{k}", ["learning_curve.csv"]), [])
        with open("sweep/sweep.csv") as f:
            rows = list(csv.DictReader(f))
        self.assertEqual([r["seed"] for r in rows], ["1", "2", "3"] * 2)
        self.assertEqual([float(r["final_test_mse"]) for r in rows], list(table["final_test_mse"]))

    def test_cli_sweep_writes_the_same_table(self):
        m = short_task()
        cortexsim.sweep(m, {"seed": [1, 2]}, out="py")
        r = cli("sweep", TEACHER_STUDENT, *sum((["--set", s] for s in SHORT_TASK), []),
                "--grid", "seed=[1, 2]", "--processes", "2", "--out", "cli", "--quiet")
        self.assertIn("2 of 2 runs completed", r.stdout)
        for k in range(2):
            self.assertEqual(same_files(f"py/run_00{k}", f"cli/run_00{k}", ["learning_curve.csv"]), [])
        with open("py/sweep.csv") as a, open("cli/sweep.csv") as b:
            self.assertEqual(without_times(a), without_times(b))

    def test_ctrl_c_stops_a_cli_sweep_and_keeps_its_folders(self):
        # Ctrl-C at a terminal signals the whole foreground process group: the sweep and its
        # workers. Runs far longer than the test, which only the signal can end.
        child = subprocess.Popen([CLI, "sweep", MICROCIRCUIT, "--set", "simulation.duration_ms=1e7",
                                  "--grid", "seed=[1, 2, 3]", "--processes", "2", "--out", "s"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 start_new_session=True)
        try:
            deadline = time.monotonic() + 30
            while not all(os.path.exists(f"s/run_00{k}/hidden.csv") for k in range(2)):
                self.assertLess(time.monotonic(), deadline, "the workers did not start")
                time.sleep(0.05)
            time.sleep(0.2)
            os.killpg(child.pid, signal.SIGINT)
            out, err = child.communicate(timeout=60)
        finally:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGKILL)
        self.assertEqual(child.returncode, 130, err)
        with open("s/sweep.csv") as f:
            rows = list(csv.DictReader(f))
        self.assertEqual([r["status"] for r in rows], ["stopped", "stopped", "not run"])
        for k in range(2):
            run = cortexsim.open_run(f"s/run_00{k}")
            self.assertIn("stopped early by SIGINT", run.summary)
            np.testing.assert_array_equal(run.trace("hidden")["time_ms"], run.tables["hidden"]["t_ms"])
        self.assertFalse(os.path.exists("s/run_002"))

    def test_ctrl_c_stops_a_python_sweep_with_keyboard_interrupt(self):
        script = (
            "import sys, cortexsim\n"
            "m = cortexsim.load(sys.argv[1]).set('simulation.duration_ms', 1e7)\n"
            "try:\n"
            "    cortexsim.sweep(m, {'seed': [1, 2, 3]}, processes=2, out='s')\n"
            "except KeyboardInterrupt:\n"
            "    sys.exit(130)\n"
        )
        child = subprocess.Popen([sys.executable, "-c", script, MICROCIRCUIT], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            deadline = time.monotonic() + 30
            while not all(os.path.exists(f"s/run_00{k}/hidden.csv") for k in range(2)):
                self.assertLess(time.monotonic(), deadline, "the workers did not start")
                time.sleep(0.05)
            os.killpg(child.pid, signal.SIGINT)
            _, err = child.communicate(timeout=60)
        finally:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGKILL)
        self.assertEqual(child.returncode, 130, err)
        with open("s/sweep.csv") as f:
            self.assertEqual([r["status"] for r in csv.DictReader(f)], ["stopped", "stopped", "not run"])

    def test_a_bad_value_fails_before_anything_runs(self):
        with self.assertRaises(cortexsim.ModelError) as caught:
            cortexsim.sweep(short_task(), {"task.g_som": [0.5, -1.0]}, out="bad")
        self.assertEqual(caught.exception.key_path, "task.g_som")
        self.assertFalse(os.path.exists("bad"))
        r = cli("sweep", TEACHER_STUDENT, "--grid", "seed=[1, -2]", "--out", "bad", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("seed", r.stderr)
        r = cli("sweep", TEACHER_STUDENT, "--grid", "task.g_som=0.5", "--out", "bad", check=False)
        self.assertEqual(r.returncode, 2)  # a malformed argument: a usage error
        self.assertIn("non-empty TOML array", r.stderr)
        self.assertFalse(os.path.exists("bad"))


if __name__ == "__main__":
    unittest.main()
