"""Loading models, overrides by key path, and located errors (issue 14, item 1)."""

import os
import tomllib
import unittest

import numpy as np

import cortexsim
from support import read, MICROCIRCUIT, TempDirTest, cli, same_files, same_report


class ImportTest(unittest.TestCase):
    def test_imports_from_the_build_tree(self):
        # PYTHONPATH=build/python: nothing installed.
        self.assertTrue(cortexsim.__file__.startswith(os.path.join(os.environ["CORTEXSIM_BUILD_DIR"], "python")),
                        cortexsim.__file__)
        self.assertEqual(cortexsim.__version__, cli("--version").stdout.split()[1])


class LoadTest(TempDirTest):
    def test_file_text_and_dict_give_the_same_resolved_model(self):
        text = read(MICROCIRCUIT)
        from_file = cortexsim.load(MICROCIRCUIT).resolved_toml()
        self.assertEqual(cortexsim.loads(text).resolved_toml(), from_file)
        self.assertEqual(cortexsim.from_dict(tomllib.loads(text)).resolved_toml(), from_file)

    def test_override_by_name_reproduces_the_edited_file_bit_for_bit(self):
        # The same change once as an override (by the population's name), once in the file.
        m = cortexsim.load(MICROCIRCUIT).set("population.hidden.params.tau_basal_ms", 5)
        edited = read(MICROCIRCUIT).replace(
            "params = { g_lk = 0.1, g_B = 1.0, g_A = 0.8 }",
            "params = { g_lk = 0.1, g_B = 1.0, g_A = 0.8, tau_basal_ms = 5.0 }")
        self.assertNotEqual(edited, read(MICROCIRCUIT))
        with open("edited.toml", "w") as f:
            f.write(edited)
        self.assertEqual(m.resolved_toml(), cortexsim.load("edited.toml").resolved_toml())
        m.build(out="set").run()
        cli("run", "edited.toml", "--out", "edited", "--quiet")
        cli("run", MICROCIRCUIT, "--out", "cli_set", "--quiet", "--set", "population.hidden.params.tau_basal_ms=5")
        self.assertEqual(same_files("set", "edited", ["hidden.csv", "output.csv", "error_summary.csv"]), [])
        self.assertEqual(same_files("set", "cli_set", ["hidden.csv", "model.resolved.toml"]), [])
        same_report(self, "set/report.h5", "edited/report.h5")
        # ... and differs from the unedited model.
        cli("run", MICROCIRCUIT, "--out", "plain", "--quiet")
        self.assertEqual(same_files("set", "plain", ["hidden.csv"]), ["hidden.csv"])

    def test_set_takes_python_values(self):
        m = cortexsim.load(MICROCIRCUIT)
        m.set("simulation.name", "renamed").set("solver.method", "bdf-dense").set("record[0].variables", ["rate"])
        resolved = tomllib.loads(m.resolved_toml())
        self.assertEqual(resolved["simulation"]["name"], "renamed")
        self.assertEqual(resolved["solver"]["method"], "bdf-dense")
        self.assertEqual(resolved["record"][0]["variables"], ["rate"])
        self.assertEqual(m.overrides[0], ("simulation.name", '"renamed"'))


class LocatedErrorTest(TempDirTest):
    def test_error_in_the_file_names_its_line(self):
        text = read(MICROCIRCUIT).replace("size = 6", "size = -6")
        line = text.splitlines().index("size = -6") + 1
        with self.assertRaises(cortexsim.ModelError) as caught:
            cortexsim.loads(text, name="broken.toml")
        e = caught.exception
        self.assertEqual((e.file, e.line, e.key_path), ("broken.toml", line, "population[1].size"))
        self.assertEqual(e.column, 8)
        self.assertTrue(str(e).startswith(f"broken.toml:{line}:8: population[1].size: "), str(e))

    def test_lowering_error_is_located_too(self):
        text = read(MICROCIRCUIT).replace('target = "output"\nmode = "nudge"', 'target = "outptu"\nmode = "nudge"')
        line = text.splitlines().index('target = "outptu"') + 1
        m = cortexsim.loads(text, name="m.toml")  # names are checked when lowering
        with self.assertRaises(cortexsim.ModelError) as caught:
            m.build(out="never")
        self.assertFalse(os.path.exists("never"))
        self.assertEqual(caught.exception.line, line)
        self.assertIn("did you mean 'output'", str(caught.exception))

    def test_bad_override_is_refused_and_not_kept(self):
        m = cortexsim.load(MICROCIRCUIT)
        with self.assertRaises(cortexsim.ModelError) as caught:
            m.set("population.hiden.size", 3)
        self.assertEqual(caught.exception.file, "--set population.hiden.size")
        self.assertIn("did you mean 'hidden'", str(caught.exception))
        with self.assertRaises(cortexsim.ModelError) as caught:
            m.set("simulation.duration_ms", "long")
        self.assertEqual(caught.exception.key_path, "simulation.duration_ms")
        self.assertEqual(m.overrides, [])
        m.validate()

    def test_a_seed_is_what_the_cli_takes(self):
        m = cortexsim.load(MICROCIRCUIT)
        for bad in (-1, 2**63, 1.5, True, "3"):
            with self.assertRaisesRegex(ValueError, "2\\^63"):
                m.build(seed=bad, out="never")
        self.assertFalse(os.path.exists("never"))
        sim = m.build(seed=np.int64(2**63 - 1), out="big")
        sim.close()
        self.assertEqual(cortexsim.open_run("big").seed, 2**63 - 1)

    def test_values_python_cannot_write_as_toml(self):
        with self.assertRaises(TypeError):
            cortexsim.load(MICROCIRCUIT).set("simulation.name", object())


if __name__ == "__main__":
    unittest.main()
