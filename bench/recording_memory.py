#!/usr/bin/python3
"""Issue 5: recording memory stays flat. Runs the same recording-heavy model for T and 10 T
(report.h5 only, then HDF5 + CSV) and prints each run's peak resident memory (getrusage of the
child) and the report's size. Usage:

    /usr/bin/python3 bench/recording_memory.py [path/to/cortexsim] [duration_ms]

The model: 300 pyramidal neurons with dynamic dendrites driven by random input, all of them
recorded (u_soma, v_basal, v_apical, rate) every 0.1 ms with Euler at dt 0.1 ms.
"""
import os
import resource
import subprocess
import sys
import tempfile

MODEL = """
[simulation]
name = "recording_memory"
duration_ms = {duration}
seed = 1

[solver]
method = "euler"
dt_ms = 0.1

[[population]]
name = "input"
model = "input"
size = 50

[[population]]
name = "P"
model = "pyramidal"
size = 300
dendrites = "dynamic"

[[projection]]
source = "input"
target = "P"
compartment = "basal"
weights = {{ distribution = "uniform", low = 0.0, high = 0.2 }}

[[stimulus]]
target = "input"
mode = "rate"
kind = "random"
count = {count}
step_ms = 100.0
low = 0.0
high = 1.0

[[record]]
population = "P"
variables = ["u_soma", "v_basal", "v_apical", "rate"]
interval_ms = 0.1
"""


def peak_of_run(cli, duration, fmt, workdir):
    path = os.path.join(workdir, f"model_{duration:g}.toml")
    with open(path, "w") as f:
        f.write(MODEL.format(duration=duration, count=int(duration / 100) + 1))
    out = os.path.join(workdir, f"run_{duration:g}_{fmt}")
    # A fresh child per run: RUSAGE_CHILDREN's ru_maxrss is the largest over all children so far,
    # so each measurement runs in its own helper process.
    code = ("import resource, subprocess, sys\n"
            "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    r = subprocess.run([sys.executable, "-c", code, cli, "run", path, "--quiet", "--format", fmt,
                        "--out", out], check=True, capture_output=True, text=True)
    peak_kb = int(r.stdout.strip().splitlines()[-1])
    size = sum(os.path.getsize(os.path.join(out, f)) for f in os.listdir(out))
    return peak_kb / 1024.0, size / 1e6


def main():
    cli = sys.argv[1] if len(sys.argv) > 1 else "build/tools/cli/cortexsim"
    t = float(sys.argv[2]) if len(sys.argv) > 2 else 2000.0
    with tempfile.TemporaryDirectory() as d:
        print("format  duration_ms  peak_MB  files_MB")
        for fmt in ("hdf5", "both"):
            rows = [(dur, *peak_of_run(cli, dur, fmt, d)) for dur in (t, 10 * t)]
            for dur, peak, size in rows:
                print(f"{fmt:6s}  {dur:11g}  {peak:7.1f}  {size:8.1f}")
            print(f"{fmt:6s}  10x longer: peak memory {rows[1][1] - rows[0][1]:+.1f} MB")


if __name__ == "__main__":
    main()
