"""`cmake --install` into a temporary prefix: the Python package imports and runs from there,
and a C++ program builds against the exported CMake package (issue 14)."""

import os
import subprocess
import sys
import tempfile
import unittest

from support import BUILD_DIR, MICROCIRCUIT

HERE = os.path.dirname(os.path.abspath(__file__))


class InstallTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls._tmp = tempfile.TemporaryDirectory(prefix="cortexsim_install_")
        cls.prefix = os.path.join(cls._tmp.name, "prefix")
        subprocess.run(["cmake", "--install", BUILD_DIR, "--prefix", cls.prefix],
                       check=True, capture_output=True)

    @classmethod
    def tearDownClass(cls):
        cls._tmp.cleanup()

    def test_python_package_runs_from_the_prefix(self):
        site = os.path.join(self.prefix, "lib", "python3", "dist-packages")
        script = (
            "import cortexsim, sys\n"
            "assert cortexsim.__file__.startswith(sys.argv[1]), cortexsim.__file__\n"
            "sim = cortexsim.load(sys.argv[2]).set('population.hidden.size', 9).build(out='r')\n"
            "sim.run(20.0)\n"
            "print(sim.values('hidden', 'rate').shape)\n"
        )
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        env["PYTHONPATH"] = site
        r = subprocess.run([sys.executable, "-c", script, site, MICROCIRCUIT], cwd=self._tmp.name,
                           env=env, capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.strip(), "(9,)")

    def test_cli_is_installed(self):
        r = subprocess.run([os.path.join(self.prefix, "bin", "cortexsim"), "validate", MICROCIRCUIT],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_cpp_program_finds_the_package(self):
        build = os.path.join(self._tmp.name, "consumer")
        configure = subprocess.run(["cmake", "-S", os.path.join(HERE, "consumer"), "-B", build,
                                    "-DCMAKE_BUILD_TYPE=Release", f"-DCMAKE_PREFIX_PATH={self.prefix}"],
                                   capture_output=True, text=True)
        self.assertEqual(configure.returncode, 0, configure.stdout + configure.stderr)
        compile_ = subprocess.run(["cmake", "--build", build], capture_output=True, text=True)
        self.assertEqual(compile_.returncode, 0, compile_.stdout + compile_.stderr)
        r = subprocess.run([os.path.join(build, "consumer"), MICROCIRCUIT], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.strip(), "4 populations, hidden size 9")


if __name__ == "__main__":
    unittest.main()
