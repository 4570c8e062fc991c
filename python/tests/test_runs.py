"""Reading run folders into numpy and dicts (issue 14, item 4)."""

import unittest

import numpy as np

import cortexsim
from support import MICROCIRCUIT, TempDirTest, cli


class OpenRunTest(TempDirTest):
    def test_reads_what_the_cli_wrote(self):
        cli("run", MICROCIRCUIT, "--out", "r", "--quiet", "--seed", "11", "--precision", "float64")
        run = cortexsim.open_run("r")
        self.assertEqual(run.seed, 11)
        self.assertEqual(run.model["simulation"]["name"], "microcircuit_dynamics")
        self.assertEqual(len(run.model["population"]), 4)
        self.assertIn("run folder: r", run.summary)
        self.assertEqual(sorted(run.tables), ["error_summary", "hidden", "output"])
        hidden = run.tables["hidden"]
        self.assertEqual(len(hidden["t_ms"]), 241)
        self.assertEqual(list(hidden)[:3], ["t_ms", "u_soma[0]", "u_soma[1]"])
        # report.h5's node-major columns regrouped by variable equal the CSV's (float64 kept).
        self.assertEqual(run.report.records, ["hidden", "output"])
        trace = run.trace("hidden")
        np.testing.assert_array_equal(trace["time_ms"], hidden["t_ms"])
        np.testing.assert_array_equal(trace["node_ids"], np.arange(6))
        self.assertEqual(trace["v_apical"].shape, (241, 6))
        for k in range(6):
            np.testing.assert_array_equal(trace["v_apical"][:, k], hidden[f"v_apical[{k}]"])
        self.assertEqual(run.report.tables, ["error_signals"])
        errors = run.report.table("error_signals")
        self.assertEqual(list(errors), list(run.tables["error_summary"]))
        for column, values in errors.items():
            np.testing.assert_array_equal(values, run.tables["error_summary"][column])
        self.assertEqual(run.report.attribute("/", "seed"), "11")

    def test_a_folder_that_is_not_a_run(self):
        with self.assertRaisesRegex(FileNotFoundError, "not a run folder"):
            cortexsim.open_run(".")
        with self.assertRaises(FileNotFoundError):
            cortexsim.open_run("missing")

    def test_a_csv_only_run_has_no_report(self):
        cli("run", MICROCIRCUIT, "--out", "c", "--quiet", "--format", "csv")
        run = cortexsim.open_run("c")
        self.assertIsNone(run.report)
        with self.assertRaisesRegex(FileNotFoundError, "report.h5"):
            run.trace("hidden")


if __name__ == "__main__":
    unittest.main()
