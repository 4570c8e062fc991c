"""Building and running: in one call or in steps, progress, weights and state as numpy
(issue 14, items 2 and 3)."""

import os
import tomllib
import unittest

import numpy as np

import cortexsim
from support import read, MICROCIRCUIT, SHORT_TASK, TEACHER_STUDENT, TempDirTest, cli, same_files


class SteppingTest(TempDirTest):
    def test_steps_reach_the_same_end_as_one_call(self):
        m = cortexsim.load(MICROCIRCUIT)
        one = m.build(out="one")
        one.run()
        self.assertEqual(one.time_ms, 120.0)
        steps = m.build(out="steps")
        seen = []
        for _ in range(12):
            steps.run(10.0)
            seen.append(steps.weights("top_down"))
        self.assertEqual(steps.time_ms, 120.0)
        # The integrator stops at every step's end, so the values agree to its tolerance
        # (rtol 1e-6 in this model), not to the bit.
        np.testing.assert_allclose(steps.values("hidden", "u_soma"), one.values("hidden", "u_soma"), rtol=1e-4, atol=1e-6)
        self.assertEqual(len(seen), 12)
        summary = steps.close()
        self.assertEqual(summary["duration_ms"], 120.0)
        self.assertTrue(steps.closed)
        one.close()
        self.assertEqual(same_files("one", "steps", ["model.resolved.toml"]), [])
        # Every sample was recorded once: 0, 0.5, ..., 120 ms.
        run = cortexsim.open_run("steps")
        np.testing.assert_array_equal(run.tables["hidden"]["t_ms"], np.arange(241) * 0.5)

    def test_fixed_step_euler_steps_equal_one_call_bit_for_bit(self):
        m = cortexsim.load(MICROCIRCUIT).set("solver.method", "euler").set("solver.dt_ms", 0.1)
        one = m.build(out="one")
        one.run()
        steps = m.build(out="steps")
        while steps.time_ms < 120.0:
            steps.run(1.0)
        np.testing.assert_array_equal(steps.state, one.state)
        one.close()
        steps.close()
        self.assertEqual(same_files("one", "steps", ["hidden.csv", "output.csv", "error_summary.csv"]), [])

    def test_a_model_with_phases_steps_by_whole_trials(self):
        # The Reber column's protocol without its task: two phases, 100 ms a trial.
        with open(os.path.join(os.environ["CORTEXSIM_SOURCE_DIR"], "examples", "reber_column.toml"), "rb") as f:
            d = tomllib.load(f)
        del d["task"]
        for phase in d["phase"]:
            phase.pop("inputs", None)  # the task's inputs
        d["simulation"]["duration_ms"] = 300.0
        m = cortexsim.from_dict(d)
        one = m.build(out="one")
        one.run()
        steps = m.build(out="steps")
        steps.run(100.0)
        with self.assertRaisesRegex(ValueError, "whole number of trials"):
            steps.run(50.0)
        steps.run(200.0)
        self.assertEqual(steps.time_ms, 300.0)
        np.testing.assert_array_equal(steps.state, one.state)  # Euler, trials end alike

    def test_progress_callback_sees_the_clock(self):
        sim = cortexsim.load(MICROCIRCUIT).build(out="p")
        times = []
        sim.run(60.0, progress=times.append, progress_interval_ms=10.0)
        self.assertGreaterEqual(len(times), 6)
        self.assertTrue(all(b - a >= 10.0 for a, b in zip(times, times[1:])), times)
        self.assertLessEqual(times[-1], 60.0)

    def test_an_error_in_the_callback_stops_the_run_and_closes_its_folder(self):
        sim = cortexsim.load(MICROCIRCUIT).build(out="cb")

        def fail(t_ms):
            if t_ms > 30.0:
                raise ValueError("enough")

        with self.assertRaisesRegex(ValueError, "enough"):
            sim.run(progress=fail)
        self.assertTrue(sim.closed)
        self.assertIn("stopped early", read("cb/run_summary.txt"))
        rows = cortexsim.open_run("cb").tables["hidden"]["t_ms"]
        self.assertTrue(30.0 < rows[-1] < 120.0, rows[-1])
        with self.assertRaisesRegex(RuntimeError, "closed"):
            sim.run(10.0)

    def test_a_task_runs_whole(self):
        m = cortexsim.load(TEACHER_STUDENT)
        for setting in SHORT_TASK:
            key, value = setting.split("=")
            m.set(key, int(value))
        sim = m.build(out="task")
        self.assertTrue(sim.has_task)
        with self.assertRaisesRegex(ValueError, "task"):
            sim.run(10.0)
        times = []
        sim.run_task(progress=times.append, progress_interval_ms=500.0)
        self.assertGreater(len(times), 3)  # about 4 s of model time: 100 patterns of 30 ms and tests
        self.assertTrue(all(b - a >= 500.0 for a, b in zip(times, times[1:])), times)
        summary = sim.close()
        self.assertTrue(summary["metrics"])
        self.assertTrue(all(np.isfinite(v) for v in summary["metrics"].values()), summary["metrics"])
        cli("run", TEACHER_STUDENT, "--out", "task_cli", "--quiet", *sum((["--set", s] for s in SHORT_TASK), []))
        self.assertEqual(same_files("task", "task_cli", ["learning_curve.csv", "model.resolved.toml"]), [])


class NumericalErrorTest(TempDirTest):
    def test_a_runaway_raises_and_closes_the_folder(self):
        runaway = os.path.join(os.environ["CORTEXSIM_SOURCE_DIR"], "tests", "data", "runaway.toml")
        sim = cortexsim.load(runaway).build(out="runaway")
        with self.assertRaises(cortexsim.NumericalError) as caught:
            sim.run()
        self.assertIn("population 'P' neuron", str(caught.exception))
        self.assertGreater(caught.exception.t_ms, 0.0)
        self.assertTrue(sim.closed)
        self.assertTrue(os.path.exists("runaway/run_summary.txt"))


class ArraysTest(TempDirTest):
    def test_weights_view_writes_through(self):
        sim = cortexsim.load(MICROCIRCUIT).build(out="view")
        view = sim.weights_view("top_down")
        copy = sim.weights("top_down")
        self.assertEqual(view.shape, (6, 3))  # target x source
        self.assertTrue(np.shares_memory(view, sim.weights_view("top_down")))
        self.assertFalse(np.shares_memory(copy, view))
        view[2, 1] = 42.0
        self.assertEqual(sim.weights("top_down")[2, 1], 42.0)
        self.assertNotEqual(copy[2, 1], 42.0)
        copy[0, 0] = -1.0  # a copy changes nothing
        self.assertNotEqual(sim.weights("top_down")[0, 0], -1.0)
        sim.run(50.0)
        # The network integrated with the written weight: the same as setting it by copy.
        other = cortexsim.load(MICROCIRCUIT).build(out="set")
        w = other.weights("top_down")
        w[2, 1] = 42.0
        other.set_weights("top_down", w)
        other.run(50.0)
        np.testing.assert_array_equal(sim.values("hidden", "v_apical"), other.values("hidden", "v_apical"))
        plain = cortexsim.load(MICROCIRCUIT).build(out="plain")
        plain.run(50.0)
        self.assertFalse(np.array_equal(plain.values("hidden", "v_apical"), other.values("hidden", "v_apical")))

    def test_set_weights_checks_the_shape_and_names(self):
        sim = cortexsim.load(MICROCIRCUIT).build(out="w")
        with self.assertRaisesRegex(ValueError, "6 x 3"):
            sim.set_weights("top_down", np.zeros((3, 6)))
        with self.assertRaisesRegex(KeyError, "did you mean 'top_down'"):
            sim.weights("top_dwn")

    def test_state_is_a_read_only_view_that_follows_the_run(self):
        sim = cortexsim.load(MICROCIRCUIT).build(out="s")
        sim.run(10.0)
        state = sim.state
        self.assertFalse(state.flags.writeable)
        with self.assertRaises(ValueError):
            state[0] = 1.0
        before = state.copy()
        sim.run(10.0)
        self.assertFalse(np.array_equal(before, state))  # the same memory, now at 20 ms
        offset = sim.state_offset("hidden", "u_soma")
        np.testing.assert_array_equal(state[offset:offset + 6], sim.values("hidden", "u_soma"))
        self.assertIsNone(sim.state_offset("input", "rate"))


if __name__ == "__main__":
    unittest.main()


class CheckpointTest(TempDirTest):
    def test_resume_ends_as_the_uninterrupted_run(self):
        # teacher_student, 600 patterns evaluated every 100: a checkpoint after each
        # evaluation; the finished folder is resumed from its last one (at 500 patterns),
        # which writes the last block again, to the same bytes.
        m = cortexsim.load(TEACHER_STUDENT).set("task.n_train", 600).set("task.eval_every", 100)
        with m.build(out="whole") as sim:
            sim.run_task()
        with m.build(out="checkpointed", checkpoint_every="1ms") as sim:
            sim.run_task()
        self.assertTrue(os.path.exists(os.path.join("checkpointed", "checkpoint.bin")))
        resumed = cortexsim.resume("checkpointed")
        # 500 patterns trained and 6 evaluations of the 50 test patterns (at 0, 100, ..., 500).
        self.assertEqual(resumed.time_ms, 500 * 30.0 + 6 * 50 * 30.0)
        resumed.run_task()
        resumed.close()
        self.assertEqual(same_files("whole", "checkpointed", ["learning_curve.csv", "error_summary.csv"]), [])

    def test_bad_interval_and_missing_checkpoint(self):
        m = cortexsim.load(TEACHER_STUDENT)
        with self.assertRaises(ValueError) as e:
            m.build(out="x", checkpoint_every="500")
        self.assertIn("with its unit", str(e.exception))
        with self.assertRaises(Exception) as e:
            cortexsim.resume("nowhere")
        self.assertIn("checkpoint.bin", str(e.exception))
