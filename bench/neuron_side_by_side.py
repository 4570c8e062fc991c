#!/usr/bin/python3
"""Issue 6, item 3: cortexsim and NEURON side by side on the same passive three-compartment neuron.

The neuron: cortexsim's pyramidal model with dynamic dendrites (docs/equations.md (P1), (D-dyn)),
no synapses, driven by current steps into soma, basal and apical dendrite:

    C du/dt        = -g_lk u + g_B (v_B - u) + g_A (v_A - u) + I_soma          (P1)
    tau_d dv_d/dt  = -v_d + I_d + b_d (u - v_d),   d = B, A                     (D-dyn)

NEURON solves the cable equation of three sections (soma, basal, apical; one segment each,
the dendrites attached to soma(0.5)). Both are the same linear ODE when

    soma:       capacitance C, leak conductance g_lk, injected current I_soma
    dendrite d: axial conductance to the soma g_c = g_d (g_B or g_A): NEURON's coupling is
                symmetric, so (D-dyn) must couple back with the same conductance:
                C_d b_d / tau_d = g_d, i.e. capacitance C_d = g_d tau_d / b_d (b_d > 0),
                leak g_Ld = C_d / tau_d = g_d / b_d, injected current g_Ld I_d.

Units: cortexsim's rate model is dimensionless with time in ms and potentials read as mV. One
unit of capacitance is taken as C0 = 100 pF, so one unit of conductance is C0 / ms = 100 nS
and one unit of current 100 nS x 1 mV = 0.1 nA. With cm = 1 uF/cm^2 every section's membrane
area follows from its capacitance (100 pF = 10^4 um^2); g_pas = conductance / area; Ra is
chosen so that NEURON's own axial resistance between the dendrite's node and the soma's node
(`sec(0.5).ri()`, the dendrite's half segment since it is attached at soma(0.5)) is 1 / g_c.
The script checks the resulting capacitances, conductances and resistances against the
targets before it runs anything.

Populations: N independent copies with random step amplitudes per neuron and compartment
(steps every `--step-ms`). NEURON integrates all cells with one global CVODE
(`cvode.active(1)`; `--local-dt` adds its per-cell variable step), like cortexsim's one CVODE
instance; both at the same rtol and atol, started at 0 mV. The current steps are IClamps whose
amplitude is played as a step function (Vector.play without interpolation: CVODE stops at
every step time), as cortexsim's stimulus switches are discontinuities it stops at.
Deviation: largest |difference| of u_soma, v_basal and v_apical over the first `--probe`
neurons every `--sample-ms`, between the two simulators and against a cortexsim reference
at rtol 1e-10, from one recorded run each. Times: medians of `--repeats` runs without
recording (cortexsim writes its traces to CSV while it runs, which for small populations costs
more than integrating them), interleaved: NEURON's finitialize + continuerun (building the
cells excluded), cortexsim's integration wall time from run_summary.txt, and both whole
processes (start-up, parse or build, integrate).

Run with Debian's Python and NEURON (apt-get install neuron python3-neuron, or
tools/install_deps.sh --bench), from the source tree, after building:
    /usr/bin/python3 bench/neuron_side_by_side.py --cortexsim build/tools/cli/cortexsim
docs/dev/performance_log.md records the measured table.
"""
import argparse
import csv
import math
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np

POP = "pyr"
C0_UF = 1e-4  # one cortexsim capacitance unit (100 pF) in uF
G0_US = 0.1   # one conductance unit (C0 / ms = 100 nS) in uS
I0_NA = 0.1   # one current unit (100 nS x 1 mV) in nA
UM2_PER_C0 = C0_UF / 1.0 / 1e-8  # membrane area of C0 at cm = 1 uF/cm^2, in um^2 (10^4)


def parameters(args):
    """cortexsim's pyramidal defaults (C 1, g_lk 0.1, g_B 1, g_A 0.8, tau 3 ms) and b_d."""
    return {"C": 1.0, "g_lk": 0.1, "g_B": 1.0, "g_A": 0.8, "tau_basal_ms": 3.0, "tau_apical_ms": 3.0,
            "g_back_basal": args.g_back, "g_back_apical": args.g_back}


def step_currents(args, n):
    """I[c][k, i]: current into compartment c (soma, basal, apical) of neuron i during step k,
    uniform on [-1, 1) (units of 0.1 nA), the first step 0; neuron 0 gets a fixed protocol."""
    steps = int(math.ceil(args.duration_ms / args.step_ms))
    rng = np.random.default_rng(args.seed)
    cur = {c: rng.uniform(-1.0, 1.0, size=(steps, n)) for c in ("soma", "basal", "apical")}
    for c in cur:
        cur[c][0, :] = 0.0
    protocol = {"soma": [0.0, 1.0, 0.0, 0.0, -0.5], "basal": [0.0, 0.0, 1.0, 0.0, 0.5],
                "apical": [0.0, 0.0, 0.0, 1.0, 0.5]}
    for c, values in protocol.items():
        for k in range(min(steps, len(values))):
            cur[c][k, 0] = values[k]
    return cur


# --------------------------------------------------------------------------------------------
# cortexsim through its CLI

def cortexsim_toml(args, n, cur, method, rtol, atol, record):
    p = parameters(args)
    params = ", ".join(f"{k} = {v!r}" for k, v in p.items())
    lines = ["[simulation]", 'name = "neuron_side_by_side"', f"duration_ms = {args.duration_ms!r}", "",
             "[solver]", f'method = "{method}"', f"rtol = {rtol!r}", f"atol = {atol!r}", "",
             "[[population]]", f'name = "{POP}"', 'model = "pyramidal"', f"size = {n}",
             'dendrites = "dynamic"', f"params = {{ {params} }}", ""]
    steps = cur["soma"].shape[0]
    times = ", ".join(repr(args.step_ms * k) for k in range(steps))
    for comp, table in cur.items():
        rows = ",\n  ".join("[" + ", ".join(repr(float(v)) for v in row) + "]" for row in table)
        lines += ["[[stimulus]]", f'name = "steps_{comp}"', f'target = "{POP}"', 'mode = "current"',
                  f'compartment = "{comp}"', 'kind = "sequence"', f"times_ms = [{times}]",
                  f"values = [\n  {rows}\n]", ""]
    if record:
        lines += ["[[record]]", f'population = "{POP}"', 'variables = ["u_soma", "v_basal", "v_apical"]',
                  f"interval_ms = {args.sample_ms!r}",
                  "neurons = [" + ", ".join(str(i) for i in range(min(args.probe, n))) + "]", ""]
    return "\n".join(lines)


def run_cortexsim(args, n, cur, method, rtol, atol, workdir, record=True):
    """One cortexsim run; with `record`, the traces of the first --probe neurons (the CSV
    writing then costs more than integrating small populations, so timed runs record nothing)."""
    tag = f"cortexsim_{n}_{method}_{rtol:g}_{int(record)}"
    model = os.path.join(workdir, tag + ".toml")
    with open(model, "w") as f:
        f.write(cortexsim_toml(args, n, cur, method, rtol, atol, record))
    out = os.path.join(workdir, tag)
    env = dict(os.environ, OMP_NUM_THREADS="1")  # no synapses: nothing to parallelise
    t0 = time.time()
    proc = subprocess.Popen([args.cortexsim, "run", model, "--quiet", "--format", "csv", "--out", out],
                            stdout=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    total = time.time() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"cortexsim failed on {model}")
    with open(os.path.join(out, "run_summary.txt")) as f:
        summary = f.read()
    wall = float(re.search(r"simulated in ([0-9.eE+-]+) s wall", summary).group(1))
    solver = re.search(r"solver (\S+):", summary).group(1)
    steps = int(re.search(r"(\d+) steps", summary).group(1))
    result = {"run_wall_s": wall, "process_wall_s": total, "process_cpu_s": usage.ru_utime + usage.ru_stime,
              "detail": f"{solver}, {steps} steps"}
    if not record:
        return result
    with open(os.path.join(out, POP + ".csv")) as f:
        rows = list(csv.reader(f))
    header, table = rows[0], np.array([[float(x) for x in row] for row in rows[1:]])
    probe = min(args.probe, n)
    traces = {}
    for var in ("u_soma", "v_basal", "v_apical"):
        cols = [header.index(f"{var}[{i}]") for i in range(probe)]
        traces[var] = table[:, cols]
    result.update({"t": table[:, 0], "traces": traces})
    return result


# --------------------------------------------------------------------------------------------
# NEURON (in a child process, so every run starts from a fresh interpreter and hoc state)

def build_neuron_cell(h, p, index):
    """Soma, basal and apical sections whose cable equation is (P1) + (D-dyn) with p."""
    soma = h.Section(name=f"soma_{index}")
    secs = {"soma": soma}
    soma.nseg = 1
    soma.cm = 1.0
    soma.L = soma.diam = math.sqrt(p["C"] * UM2_PER_C0 / math.pi)  # lateral area pi d L
    soma.insert("pas")
    soma.e_pas = 0.0
    soma.g_pas = p["g_lk"] * G0_US * 1e-6 / (p["C"] * UM2_PER_C0 * 1e-8)  # S/cm^2
    for name, g_key, tau_key, b_key in (("basal", "g_B", "tau_basal_ms", "g_back_basal"),
                                        ("apical", "g_A", "tau_apical_ms", "g_back_apical")):
        g_c, tau, b = p[g_key], p[tau_key], p[b_key]
        C_d = g_c * tau / b  # capacitance in units of C0
        d = h.Section(name=f"{name}_{index}")
        d.nseg = 1
        d.cm = 1.0
        d.diam = 2.0
        d.L = C_d * UM2_PER_C0 / (math.pi * d.diam)
        d.insert("pas")
        d.e_pas = 0.0
        d.g_pas = (C_d / tau) * G0_US * 1e-6 / (C_d * UM2_PER_C0 * 1e-8)
        d.connect(soma(0.5), 0)
        d.Ra = 1.0
        d.Ra = 1.0 / (g_c * G0_US) / d(0.5).ri()  # ri is proportional to Ra (MOhm = 1/uS)
        secs[name] = d
    return secs


def check_mapping(h, p, secs):
    """NEURON's own capacitances, conductances and axial resistances against the targets."""
    def cap(sec):  # uF -> units of C0
        return sec.cm * sec(0.5).area() * 1e-8 / C0_UF

    def leak(sec):  # S -> units of C0/ms
        return sec.g_pas * sec(0.5).area() * 1e-8 * 1e6 / G0_US

    checks = [(cap(secs["soma"]), p["C"]), (leak(secs["soma"]), p["g_lk"])]
    for name, g_key, tau_key, b_key in (("basal", "g_B", "tau_basal_ms", "g_back_basal"),
                                        ("apical", "g_A", "tau_apical_ms", "g_back_apical")):
        d, g_c, tau, b = secs[name], p[g_key], p[tau_key], p[b_key]
        checks += [(cap(d), g_c * tau / b), (leak(d), g_c / b), (1.0 / d(0.5).ri() / G0_US, g_c)]
    for got, want in checks:
        if abs(got - want) > 1e-9 * abs(want):
            raise RuntimeError(f"NEURON mapping off: {got!r} instead of {want!r}")


def neuron_child(args):
    from neuron import h
    h.load_file("stdrun.hoc")
    p = parameters(args)
    data = np.load(args.currents)
    cur = {c: data[c] for c in ("soma", "basal", "apical")}
    n = args.n
    steps = cur["soma"].shape[0]
    t_build = time.time()
    cells = [build_neuron_cell(h, p, i) for i in range(n)]
    check_mapping(h, p, cells[0])
    # One IClamp per compartment, on for the whole run, its amplitude played as a step function
    # of time (Vector.play without interpolation: under CVODE every step time is a
    # discontinuity the integrator stops at). Fewer point processes than one IClamp per step.
    step_times = h.Vector([args.step_ms * k for k in range(steps)])
    clamps, played = [], []
    for i, secs in enumerate(cells):
        for comp in ("soma", "basal", "apical"):
            # I_soma is a current in C du/dt; a dendrite's drive I_d enters C_d dv/dt as g_Ld I_d.
            scale = 1.0 if comp == "soma" else p["g_B" if comp == "basal" else "g_A"] / args.g_back
            stim = h.IClamp(secs[comp](0.5))
            stim.delay = 0.0
            stim.dur = 1e9
            amps = h.Vector(cur[comp][:, i] * scale * I0_NA)
            amps.play(stim._ref_amp, step_times, 0)
            clamps.append(stim)
            played.append(amps)
    probe = min(args.probe, n) if not args.no_record else 0
    tvec = h.Vector(np.arange(0.0, args.duration_ms + 0.5 * args.sample_ms, args.sample_ms))
    recs = {var: [] for var in ("u_soma", "v_basal", "v_apical")}
    for i in range(probe):
        for var, comp in (("u_soma", "soma"), ("v_basal", "basal"), ("v_apical", "apical")):
            v = h.Vector()
            v.record(cells[i][comp](0.5)._ref_v, tvec)
            recs[var].append(v)
    cvode = h.CVode()
    cvode.active(1)
    cvode.rtol(args.rtol)
    cvode.atol(args.atol)
    if args.local_dt:
        cvode.use_local_dt(1)
    h.tstop = args.duration_ms
    build_s = time.time() - t_build
    t0 = time.time()
    c0 = time.process_time()
    h.finitialize(0.0)
    h.continuerun(args.duration_ms)
    wall, cpu = time.time() - t0, time.process_time() - c0
    out = {var: np.array([np.array(v) for v in vs]).T for var, vs in recs.items()}
    np.savez(args.out, t=np.array(tvec), wall=wall, cpu=cpu, build=build_s, **out)


def run_neuron(args, n, currents_path, workdir, local_dt=False, record=True):
    out = os.path.join(workdir, f"neuron_{n}_{int(local_dt)}_{int(record)}.npz")
    cmd = [sys.executable, os.path.abspath(__file__), "--neuron-child", "--n", str(n),
           "--currents", currents_path, "--out", out, "--rtol", repr(args.rtol), "--atol", repr(args.atol),
           "--duration-ms", repr(args.duration_ms), "--step-ms", repr(args.step_ms),
           "--sample-ms", repr(args.sample_ms), "--probe", str(args.probe), "--g-back", repr(args.g_back)]
    if local_dt:
        cmd.append("--local-dt")
    if not record:
        cmd.append("--no-record")
    t0 = time.time()
    # NEURON prints a "no DISPLAY" notice on stderr; keep it unless the child fails.
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        total = time.time() - t0
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            sys.stderr.write(err.read().decode(errors="replace"))
            raise RuntimeError(f"NEURON child failed: {' '.join(cmd)}")
    data = np.load(out)
    return {"t": data["t"], "traces": {v: data[v] for v in ("u_soma", "v_basal", "v_apical")},
            "run_wall_s": float(data["wall"]), "process_wall_s": total,
            "process_cpu_s": usage.ru_utime + usage.ru_stime,
            "detail": "CVODE " + ("local dt" if local_dt else "global dt")}


# --------------------------------------------------------------------------------------------

def max_dev(a, b):
    """Largest |a - b| over the three variables at the sample times both have (NEURON's record
    leaves out t = tstop)."""
    m = min(len(a["t"]), len(b["t"]), len(a["traces"]["u_soma"]), len(b["traces"]["u_soma"]))
    if m < 2 or np.max(np.abs(a["t"][:m] - b["t"][:m])) > 1e-9:
        raise RuntimeError("sample times differ")
    return max(float(np.max(np.abs(a["traces"][v][:m] - b["traces"][v][:m]))) for v in a["traces"])


def median(xs):
    return float(np.median(np.array(xs)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cortexsim", default="build/tools/cli/cortexsim")
    ap.add_argument("--sizes", default="1,100,1000,10000", help="neurons per population")
    ap.add_argument("--methods", default="auto,bdf-gmres", help="cortexsim solvers to time")
    ap.add_argument("--duration-ms", type=float, default=500.0)
    ap.add_argument("--step-ms", type=float, default=50.0, help="current steps every this long")
    ap.add_argument("--sample-ms", type=float, default=0.5)
    ap.add_argument("--probe", type=int, default=100, help="neurons compared")
    ap.add_argument("--rtol", type=float, default=1e-6)
    ap.add_argument("--atol", type=float, default=1e-8)
    ap.add_argument("--g-back", type=float, default=0.5, help="b_d of (D-dyn); > 0")
    ap.add_argument("--repeats", type=int, default=3, help="timed runs per configuration (median)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--local-dt", action="store_true", help="NEURON: also time cvode.use_local_dt(1)")
    # child mode
    ap.add_argument("--neuron-child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--currents", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    ap.add_argument("--no-record", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.g_back <= 0.0:
        ap.error("--g-back must be > 0: NEURON's axial coupling is symmetric (see the docstring)")
    if args.neuron_child:
        neuron_child(args)
        return

    sizes = [int(s) for s in args.sizes.split(",")]
    methods = args.methods.split(",")
    print(f"rtol {args.rtol:g}, atol {args.atol:g}; {args.duration_ms:g} ms, current steps every "
          f"{args.step_ms:g} ms; deviations over {args.probe} neurons x 3 compartments every "
          f"{args.sample_ms:g} ms", flush=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="neuron_side_by_side_") as work:
        for n in sizes:
            cur = step_currents(args, n)
            currents = os.path.join(work, f"currents_{n}.npz")
            np.savez(currents, **cur)
            ref = run_cortexsim(args, n, cur, "bdf-dense" if n <= 30 else "bdf-gmres", 1e-10, 1e-12, work)
            configs = [("NEURON", False)] + ([("NEURON", True)] if args.local_dt else []) + \
                      [("cortexsim", m) for m in methods]

            def run(sim, what, record):
                if sim == "NEURON":
                    return run_neuron(args, n, currents, work, what, record)
                return run_cortexsim(args, n, cur, what, args.rtol, args.atol, work, record)

            traced = {c: run(*c, True) for c in configs}  # deviations
            timed = {}
            for k in range(args.repeats):  # times without recording, interleaved
                for c in configs:
                    r = run(*c, False)
                    timed.setdefault(c, []).append(r)
                    print(f"N={n} {c[0]} {c[1]}: run {r['run_wall_s']:.3f} s, process {r['process_wall_s']:.3f} s "
                          f"wall ({r['detail']})", flush=True)
            nrn = traced[("NEURON", False)]
            for (sim, what), rs in timed.items():
                rows.append({"n": n, "sim": sim,
                             "what": ("local dt" if what else "global dt") if sim == "NEURON" else what,
                             "detail": rs[0]["detail"], "dev_ref": max_dev(traced[(sim, what)], ref),
                             "dev_neuron": max_dev(traced[(sim, what)], nrn),
                             "run_wall_s": median([r["run_wall_s"] for r in rs]),
                             "process_wall_s": median([r["process_wall_s"] for r in rs]),
                             "process_cpu_s": median([r["process_cpu_s"] for r in rs])})
    print(f"\n{'N':>6} {'simulator':<10} {'method':<10} {'detail':<26} {'dev vs ref':>10} {'dev vs NEURON':>13} "
          f"{'run wall s':>10} {'proc wall s':>11} {'proc CPU s':>10}")
    for r in rows:
        print(f"{r['n']:>6} {r['sim']:<10} {r['what']:<10} {r['detail']:<26} {r['dev_ref']:>10.2e} "
              f"{r['dev_neuron']:>13.2e} {r['run_wall_s']:>10.3f} {r['process_wall_s']:>11.3f} {r['process_cpu_s']:>10.3f}")
    print("\nref: cortexsim at rtol 1e-10, atol 1e-12 (bdf-dense up to 30 neurons, else bdf-gmres). "
          "Times (medians) of runs without recording; run wall: NEURON finitialize + continuerun, "
          "cortexsim integration (run_summary.txt); process: the whole child process.")


if __name__ == "__main__":
    main()
