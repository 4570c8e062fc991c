"""Ctrl-C during a Python run stops it cleanly: KeyboardInterrupt, and a run folder that
reads back (issue 14, item 2)."""

import signal
import subprocess
import sys
import unittest

import numpy as np

import cortexsim
from support import MICROCIRCUIT, TempDirTest

# A run far longer than the test: it can only end by the signal.
SCRIPT = """
import sys, cortexsim
m = cortexsim.load(sys.argv[1]).set("simulation.duration_ms", 1e7)
sim = m.build(out="run")
def started(t_ms):
    if t_ms > 50.0 and not started.told:
        print("running", flush=True)
        started.told = True
started.told = False
try:
    sim.run(progress=started)
except KeyboardInterrupt:
    print("interrupted at", sim.close()["stopped_at_ms"], flush=True)
    sys.exit(130)
"""


class InterruptTest(TempDirTest):
    def test_sigint_leaves_a_readable_run_folder(self):
        child = subprocess.Popen([sys.executable, "-c", SCRIPT, MICROCIRCUIT], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        try:
            self.assertEqual(child.stdout.readline().strip(), "running")
            child.send_signal(signal.SIGINT)
            out, err = child.communicate(timeout=60)
        finally:
            if child.poll() is None:
                child.kill()
        self.assertEqual(child.returncode, 130, err)
        stopped_at = float(out.split()[-1])
        self.assertGreater(stopped_at, 50.0)
        self.assertLess(stopped_at, 1e7)
        run = cortexsim.open_run("run")
        self.assertIn("stopped early by SIGINT", run.summary)
        # Every record stopped at the same sample, in both formats.
        hidden, output = run.tables["hidden"]["t_ms"], run.tables["output"]["t_ms"]
        np.testing.assert_array_equal(hidden, output)
        self.assertLessEqual(hidden[-1], stopped_at)
        trace = run.trace("hidden")
        np.testing.assert_array_equal(trace["time_ms"], hidden)
        np.testing.assert_array_equal(trace["u_soma"][:, 0], np.float32(run.tables["hidden"]["u_soma[0]"]))


if __name__ == "__main__":
    unittest.main()
