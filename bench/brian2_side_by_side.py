#!/usr/bin/python3
"""Issue 6, benchmark 2: cortexsim and Brian2 side by side on the same equations and network.

The network: N three-compartment pyramidal rate neurons with dynamic basal and apical
dendrites (docs/equations.md (P1), (D-dyn), soft-ReLU rate), 100 input neurons whose rates
switch every 100 ms, and fixed in-degree random projections, K = 260 synapses per neuron
(the issue's 1,250 neurons / 325,000 synapses): input -> basal (20), pyramidal -> basal (160),
pyramidal -> apical (80).

Brian2 simulates *the same* network: this script draws the connectivity and the weights with
cortexsim's own generator (core/random.cpp: xoshiro256** seeded through splitmix64 from the
seed and the FNV-1a hash of "projection:<name>"; circuits/projection.cpp: a partial
Fisher-Yates draw per target row, sorted, then one weight per synapse), so the two simulators
integrate one ODE system. The reference is cortexsim at rtol 1e-10 (via the CLI, CSV output);
every other run is compared with it on the somatic potential of the first 100 neurons, sampled
every 1 ms.

Run with Debian's Python (python3-brian), from the source tree, after building:
    /usr/bin/python3 bench/brian2_side_by_side.py --cortexsim build/tools/cli/cortexsim
docs/dev/performance_log.md records the measured table. Every Brian2 run is a separate process, so
cpp_standalone's device state and peak memory do not leak between runs.
"""
import argparse
import csv
import json
import os
import re
import resource
import subprocess
import sys
import time

import numpy as np

M64 = (1 << 64) - 1
POP = "pyr"
INPUT = "input"


# --------------------------------------------------------------------------------------------
# cortexsim's random numbers and connectivity, bit for bit (core/random.cpp,
# circuits/projection.cpp)

def _fnv1a(name):
    h = 0xCBF29CE484222325
    for c in name.encode():
        h ^= c
        h = (h * 0x100000001B3) & M64
    return h


def _rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & M64


class CortexsimRng:
    def __init__(self, seed, stream=""):
        x = seed ^ (_fnv1a(stream) if stream else 0)
        self.s = []
        for _ in range(4):
            x = (x + 0x9E3779B97F4A7C15) & M64
            z = x
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
            self.s.append(z ^ (z >> 31))

    def next_u64(self):
        s0, s1, s2, s3 = self.s
        result = (_rotl((s1 * 5) & M64, 7) * 9) & M64
        t = (s1 << 17) & M64
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = _rotl(s3, 45)
        self.s = [s0, s1, s2, s3]
        return result

    def uniform(self, low=0.0, high=1.0):
        u = (self.next_u64() >> 11) * (2.0 ** -53)
        return low + (high - low) * u

    def below(self, n):
        threshold = ((1 << 64) - n) % n
        while True:
            r = self.next_u64()
            if r >= threshold:
                return r % n


def fixed_indegree(seed, name, n_source, n_target, k, low, high):
    """Sources, targets and weights of a fixed_indegree projection with uniform weights and
    autapses allowed, exactly as cortexsim draws them."""
    gen = CortexsimRng(seed, "projection:" + name)
    src, tgt, w = [], [], []
    for i in range(n_target):
        scratch = list(range(n_source))
        chosen = []
        for j in range(k):
            r = j + gen.below(n_source - j)
            scratch[j], scratch[r] = scratch[r], scratch[j]
            chosen.append(scratch[j])
        chosen.sort()
        for j in chosen:
            src.append(j)
            tgt.append(i)
            w.append(gen.uniform(low, high))
    return np.array(src, dtype=np.int32), np.array(tgt, dtype=np.int32), np.array(w)


def projections(n, n_input, k_in, k_basal, k_apical):
    """(name, source, compartment, indegree, low, high): recurrent weights scale as 1/sqrt(k)
    like bench/scaling.cpp's."""
    b = 4.0 / np.sqrt(k_basal)
    a = 4.0 / np.sqrt(k_apical)
    return [
        (f"{INPUT}->{POP}.basal", INPUT, "basal", k_in, 0.0, 0.5),
        (f"{POP}->{POP}.basal", POP, "basal", k_basal, -b, b),
        (f"{POP}->{POP}.apical", POP, "apical", k_apical, -a, a),
    ]


def make_network(args, n, path):
    """Connectivity, weights and input rates, cached in an .npz file."""
    if os.path.exists(path):
        return
    t0 = time.time()
    rng = np.random.default_rng(args.seed)
    rows = int(np.ceil(args.duration_ms / 100.0))
    data = {"input_rates": rng.uniform(0.0, 1.0, size=(rows, args.n_input))}
    for name, source, comp, k, low, high in projections(n, args.n_input, args.k_in, args.k_basal, args.k_apical):
        n_src = args.n_input if source == INPUT else n
        s, t, w = fixed_indegree(args.seed, name, n_src, n, k, low, high)
        key = f"{source}_{comp}"
        data[key + "_src"], data[key + "_tgt"], data[key + "_w"] = s, t, w
    np.savez(path, **data)
    print(f"  N={n}: connectivity drawn with cortexsim's generator in {time.time() - t0:.1f} s", flush=True)


# --------------------------------------------------------------------------------------------
# cortexsim through its CLI

def cortexsim_toml(args, n, rates, method, rtol, atol, jacobian="full"):
    lines = [
        "[simulation]", 'name = "brian2_side_by_side"', f"duration_ms = {args.duration_ms}",
        f"seed = {args.seed}", "",
        "[solver]", f'method = "{method}"', f"rtol = {rtol!r}", f"atol = {atol!r}",
        f"dt_ms = {args.euler_dt_ms}",
        # Left out when "full" (the default), so binaries older than the key run too.
        *([f'newton_jacobian = "{jacobian}"'] if jacobian != "full" else []), "",
        "[[population]]", f'name = "{INPUT}"', 'model = "input"', f"size = {args.n_input}", "",
        "[[population]]", f'name = "{POP}"', 'model = "pyramidal"', f"size = {n}",
        'dendrites = "dynamic"', 'transfer = "soft_relu"', "",
    ]
    for name, source, comp, k, low, high in projections(n, args.n_input, args.k_in, args.k_basal, args.k_apical):
        lines += ["[[projection]]", f'source = "{source}"', f'target = "{POP}"', f'compartment = "{comp}"',
                  'connectivity = "fixed_indegree"', f"indegree = {k}",
                  f'weights = {{ distribution = "uniform", low = {low!r}, high = {high!r} }}', ""]
    times = ", ".join(repr(100.0 * i) for i in range(rates.shape[0]))
    values = ",\n  ".join("[" + ", ".join(repr(float(v)) for v in row) + "]" for row in rates)
    lines += ["[[stimulus]]", 'name = "patterns"', f'target = "{INPUT}"', 'mode = "rate"', 'kind = "sequence"',
              f"times_ms = [{times}]", f"values = [\n  {values}\n]", "",
              "[[record]]", f'population = "{POP}"', 'variables = ["u_soma"]', "interval_ms = 1.0",
              "neurons = [" + ", ".join(str(i) for i in range(min(args.probe, n))) + "]", ""]
    return "\n".join(lines)


def run_cortexsim(args, n, rates, method, rtol, atol, workdir, jacobian="full"):
    tag = f"cortexsim_{n}_{method}_{rtol:g}_{jacobian}"
    model = os.path.join(workdir, tag + ".toml")
    with open(model, "w") as f:
        f.write(cortexsim_toml(args, n, rates, method, rtol, atol, jacobian))
    out = os.path.join(workdir, tag)
    t0 = time.time()
    proc = subprocess.Popen([args.cortexsim, "run", model, "--quiet", "--format", "csv", "--out", out, "--force"],
                            stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)  # this process's own CPU time and peak RSS
    proc.returncode = os.waitstatus_to_exitcode(status)
    total = time.time() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"cortexsim failed on {model}")
    with open(os.path.join(out, "run_summary.txt")) as f:
        summary = f.read()
    wall = float(re.search(r"simulated in ([0-9.eE+-]+) s wall", summary).group(1))
    solver = re.search(r"solver (\S+):", summary).group(1)
    steps = int(re.search(r"(\d+) steps", summary).group(1))
    evals = int(re.search(r"(\d+) RHS evaluations", summary).group(1))
    with open(os.path.join(out, POP + ".csv")) as f:
        table = np.array([[float(x) for x in row] for row in list(csv.reader(f))[1:]])
    return {"u": table[:, 1:], "run_wall_s": wall, "process_wall_s": total,
            "process_cpu_s": usage.ru_utime + usage.ru_stime,
            "peak_MB": usage.ru_maxrss / 1024.0, "detail": f"{solver}, {steps} steps, {evals} RHS evaluations"}


# --------------------------------------------------------------------------------------------
# Brian2 (in a child process: python3 brian2_side_by_side.py --brian-child ...)

FORMULATIONS = {
    # name: (synapse creation order, how the rate is held, how the input current is summed)
    "target-subexpr-summed": ("target", "subexpr", "summed"),  # the first round's formulation
    "source-subexpr-summed": ("source", "subexpr", "summed"),
    "target-variable-summed": ("target", "variable", "summed"),
    "source-variable-summed": ("source", "variable", "summed"),
    "source-variable-event": ("source", "variable", "event"),
    "source-subexpr-event": ("source", "subexpr", "event"),
}


def brian_child(args):
    import brian2 as b2
    b2.BrianLogger.suppress_hierarchy("py.warnings")
    data = np.load(args.network)
    n = args.n
    order, rate_mode, sum_mode = FORMULATIONS[args.formulation]
    workdir = args.workdir
    build_dir = os.path.join(workdir, f"standalone_{n}_{args.dt}_{args.formulation}_{args.cflags}")
    if args.target == "cpp_standalone":
        b2.set_device("cpp_standalone", directory=build_dir, build_on_run=False)
        # One thread (Brian2's default): cortexsim runs single-threaded too.
        b2.prefs.devices.cpp_standalone.openmp_threads = 0
    else:
        b2.prefs.codegen.target = args.target  # cython (Brian2's default when it works) or numpy
    if args.cflags != "default":
        # Brian2's default for GCC is already -w -O3 -ffast-math -fno-finite-math-only
        # -march=native; "fastmath" drops -fno-finite-math-only, as users chasing speed do.
        b2.prefs.codegen.cpp.extra_compile_args_gcc = {
            "fastmath": ["-w", "-O3", "-ffast-math", "-march=native", "-std=c++11"],
            "O2": ["-w", "-O2", "-std=c++11"],
        }[args.cflags]
    b2.defaultclock.dt = args.dt * b2.ms
    ms = b2.ms
    rates = b2.TimedArray(data["input_rates"], dt=100 * ms)
    # "event": every neuron emits a custom event each step and synapses add w*r_pre to the
    # target's input on it (Brian2's spike propagation, in source order), the inputs zeroed
    # before; "summed": a summed variable, recomputed each step by a loop over synapses.
    events = {"tick": "True"} if sum_mode == "event" else None
    inp_rate = ("r = rates(t, i) : 1 (constant over dt)" if rate_mode == "subexpr"
                else "r : 1")
    inp = b2.NeuronGroup(args.n_input, inp_rate, name="inp", events=events, namespace={"rates": rates})
    # (P1) with C = 1 and no nudging; (D-dyn) with b_d = 0; soft-ReLU rate (defaults of
    # compartments/neuron_model.cpp and compartments/transfer.cpp). "(constant over dt)" makes
    # Brian2 compute the rate once per neuron and step, as cortexsim does once per evaluation;
    # as a plain subexpression it is recomputed for every synapse (10x slower here). "variable"
    # stores it as a neuron variable that a run_regularly operation recomputes each step.
    rate_line = ("r = gamma*log(1 + exp(beta*(u - theta))) : 1 (constant over dt)"
                 if rate_mode == "subexpr" else "r : 1")
    eqs = f"""
    du/dt = (-g_lk*u + g_B*(vB - u) + g_A*(vA - u)) / ms : 1
    dvB/dt = (-vB + I_B_in + I_B_rec) / tau_B : 1
    dvA/dt = (-vA + I_A_rec) / tau_A : 1
    {rate_line}
    I_B_in : 1
    I_B_rec : 1
    I_A_rec : 1
    """
    ns = dict(g_lk=0.1, g_B=1.0, g_A=0.8, tau_B=3 * ms, tau_A=3 * ms, gamma=0.1, beta=1.0, theta=3.0,
              rates=rates)
    # Brian2 picks 'exact' for these equations when no method is given (its log says so): the
    # three compartments are linear with the synaptic inputs held over a step.
    pyr = b2.NeuronGroup(n, eqs, namespace=ns, name="pyr", method=args.brian_method, events=events)
    objects = [inp, pyr]
    rate_code = "r = gamma*log(1 + exp(beta*(u - theta)))"
    # Every step must use inputs computed from the rates at its start, as the summed variables
    # (slot 'groups', before the state update) do. So the event formulation runs in the slot
    # 'before_groups' too, in this order: rates (if stored), zeroing, events, propagation.
    if rate_mode == "variable":
        objects.append(pyr.run_regularly(rate_code, when="before_groups", order=0, name="pyr_rate"))
        objects.append(inp.run_regularly("r = rates(t, i)", when="before_groups", order=0, name="inp_rate"))
    if sum_mode == "event":
        objects.append(pyr.run_regularly("I_B_in = 0\nI_B_rec = 0\nI_A_rec = 0", when="before_groups",
                                         order=1, name="zero_inputs"))
        for g in (inp, pyr):
            g.thresholder["tick"].when = "before_groups"
            g.thresholder["tick"].order = 2
    for key, source, target_var in [("input_basal", inp, "I_B_in"), ("pyr_basal", pyr, "I_B_rec"),
                                    ("pyr_apical", pyr, "I_A_rec")]:
        if sum_mode == "summed":
            s = b2.Synapses(source, pyr, f"w : 1\n{target_var}_post = w*r_pre : 1 (summed)", name=key,
                            namespace=ns)  # r_pre needs gamma, beta, theta
        else:
            s = b2.Synapses(source, pyr, "w : 1", on_pre=f"{target_var}_post += w*r_pre", on_event="tick",
                            name=key, namespace=ns)
        src, tgt, w = data[key + "_src"], data[key + "_tgt"], data[key + "_w"]
        if order == "source":
            # Source-major order (stable: targets ascending within a source), the order in which
            # Brian2's spike propagation visits synapses.
            perm = np.lexsort((tgt, src))
            src, tgt, w = src[perm], tgt[perm], w[perm]
        s.connect(i=src, j=tgt)
        s.w = w
        if sum_mode == "event":
            s.pre.when = "before_groups"
            s.pre.order = 3
        objects.append(s)
    mon = b2.StateMonitor(pyr, "u", record=np.arange(min(args.probe, n)), dt=1 * ms)
    net = b2.Network(*objects, mon)
    result = {}
    warmup_ms = 0.0
    if args.target != "cpp_standalone":
        # The first run() generates and compiles (or loads from Brian2's cache) every code
        # object; a 1 ms warm-up keeps that out of the timed run, as cpp_standalone's own
        # timing (_last_run_time) leaves its compilation out.
        warmup_ms = 1.0
        t0 = time.time()
        net.run(warmup_ms * ms)
        result["codegen_wall_s"] = time.time() - t0
    t0 = time.time()
    c0 = time.process_time()
    net.run((args.duration_ms - warmup_ms) * ms)
    if args.target == "cpp_standalone":
        b2.device.build(directory=build_dir, compile=True, run=False)
        result["compile_wall_s"] = time.time() - t0
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t1 = time.time()
        b2.device.run(directory=build_dir, with_output=False, run_args=[])
        result["process_wall_s"] = time.time() - t1
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        result["process_cpu_s"] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        # The binary's own timing of run(): std::clock() (Brian2 2.5's network.cpp), CPU time.
        result["run_wall_s"] = float(b2.device._last_run_time)
        result["peak_MB"] = float("nan")  # RUSAGE_CHILDREN would include the compilers
        result["build_dir"] = build_dir  # the parent re-runs ./main there for its repetitions
    else:
        scale = args.duration_ms / (args.duration_ms - warmup_ms)  # per full duration
        result["run_wall_s"] = (time.time() - t0) * scale
        result["process_wall_s"] = result["run_wall_s"]
        result["process_cpu_s"] = (time.process_time() - c0) * scale
        result["peak_MB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    u = np.asarray(mon.u).T  # (samples, neurons)
    np.save(args.result + ".npy", u)
    with open(args.result + ".json", "w") as f:
        json.dump(result, f)


def run_brian(args, n, target, dt, formulation, network_path, workdir):
    tag = os.path.join(workdir, f"brian_{n}_{target}_{dt}_{formulation}_{args.cflags}")
    cmd = [sys.executable, os.path.abspath(__file__), "--brian-child", "--n", str(n), "--target", target,
           "--dt", str(dt), "--network", network_path, "--workdir", workdir, "--result", tag,
           "--n-input", str(args.n_input), "--duration-ms", str(args.duration_ms), "--probe", str(args.probe),
           "--brian-method", args.brian_method, "--formulation", formulation, "--cflags", args.cflags]
    t0 = time.time()
    reused = False
    if args.reuse_builds and target == "cpp_standalone" and os.path.exists(tag + ".json"):
        with open(tag + ".json") as f:
            result = json.load(f)
        reused = os.path.exists(os.path.join(result.get("build_dir", ""), "main"))
    if not reused:
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            print(proc.stdout[-2000:], proc.stderr[-4000:], file=sys.stderr)
            raise RuntimeError(f"Brian2 {target} dt {dt} {formulation} failed")
        with open(tag + ".json") as f:
            result = json.load(f)
    else:
        # An earlier session's binary (same network, dt and formulation: the tag says so) is
        # run again here, so every timing in this table is from this session.
        result.update(rerun_standalone(result["build_dir"]))
    result["u"] = np.load(tag + ".npy")
    result["total_wall_s"] = time.time() - t0
    result["detail"] = f"{args.brian_method}, dt {dt} ms, {formulation}, cflags {args.cflags}"
    return result


def rerun_standalone(build_dir):
    """Runs a compiled cpp_standalone binary again (what device.run does: ./main in its
    folder); its own timing of the network run is in results/last_run_info.txt."""
    proc = subprocess.Popen(["./main"], cwd=build_dir, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{build_dir}/main failed")
    with open(os.path.join(build_dir, "results", "last_run_info.txt")) as f:
        run_time = float(f.read().split()[0])
    return {"run_wall_s": run_time, "process_cpu_s": usage.ru_utime + usage.ru_stime}


# --------------------------------------------------------------------------------------------
# The independent reference: the same ODE system written here in numpy from docs/equations.md
# and integrated by ODEPACK's LSODA (scipy.integrate.odeint), restarted at every input switch.

def run_reference(args, n, network_path, rtol, atol):
    from scipy import sparse
    from scipy.integrate import odeint
    data = np.load(network_path)
    mats = {}
    for key, n_src in [("input_basal", args.n_input), ("pyr_basal", n), ("pyr_apical", n)]:
        mats[key] = sparse.csr_matrix((data[key + "_w"], (data[key + "_tgt"], data[key + "_src"])),
                                      shape=(n, n_src))
    g_lk, g_B, g_A, tau_B, tau_A, gamma, beta, theta = 0.1, 1.0, 0.8, 3.0, 3.0, 0.1, 1.0, 3.0
    W_B, W_A = mats["pyr_basal"], mats["pyr_apical"]
    rates = data["input_rates"]
    n_eval = [0]

    def rhs(y, t, I_in):
        n_eval[0] += 1
        u, vB, vA = y[:n], y[n:2 * n], y[2 * n:]
        r = gamma * np.logaddexp(0.0, beta * (u - theta))  # (T1) soft-ReLU, log(1 + e^x)
        du = -g_lk * u + g_B * (vB - u) + g_A * (vA - u)  # (P1), C = 1, no nudging
        dvB = (-vB + I_in + W_B @ r) / tau_B  # (D-dyn)
        dvA = (-vA + W_A @ r) / tau_A
        return np.concatenate([du, dvB, dvA])

    y = np.zeros(3 * n)
    samples = [y[:args.probe].copy()]
    methods = set()
    t0 = time.time()
    c0 = time.process_time()
    for seg in range(rates.shape[0]):
        a, b = 100.0 * seg, min(100.0 * (seg + 1), args.duration_ms)
        if a >= args.duration_ms:
            break
        I_in = mats["input_basal"] @ rates[seg]
        ts = np.arange(a, b + 0.5)  # every 1 ms, both ends
        # ml = mu = 0: a diagonal Jacobian if LSODA ever switched to BDF, so its work array is
        # O(n) instead of a dense (3n)^2 matrix; it affects Newton's convergence, not accuracy.
        ys, info = odeint(rhs, y, ts, args=(I_in,), rtol=rtol, atol=atol, tcrit=[b], ml=0, mu=0,
                          mxstep=10 ** 7, full_output=True)
        methods.update(int(m) for m in info["mused"])
        samples.extend(ys[1:, :args.probe])
        y = ys[-1]
    u = np.array(samples)
    used = "/".join({1: "Adams", 2: "BDF"}[m] for m in sorted(methods))
    return {"u": u, "run_wall_s": time.time() - t0, "process_wall_s": time.time() - t0,
            "process_cpu_s": time.process_time() - c0, "peak_MB": float("nan"),
            "detail": f"scipy {__import__('scipy').__version__} LSODA ({used}), rtol {rtol:g}, "
                      f"{n_eval[0]} evaluations"}


# --------------------------------------------------------------------------------------------

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cortexsim", default="build/tools/cli/cortexsim")
    p.add_argument("--sizes", default="1250,12500")
    p.add_argument("--targets", default="cpp_standalone", help="Brian2 targets: cpp_standalone, cython, numpy")
    p.add_argument("--formulations", default="source-variable-summed",
                   help="Brian2 formulations, comma-separated, or 'all': " + ", ".join(FORMULATIONS))
    p.add_argument("--cflags", default="default", choices=["default", "fastmath", "O2"],
                   help="Brian2's GCC flags (default: Brian2's own, -O3 -ffast-math -march=native)")
    p.add_argument("--dts", default="0.1,0.025")
    p.add_argument("--rtols", default="1e-4,3e-5,1e-5,1e-6", help="cortexsim runs compared with Brian2")
    p.add_argument("--methods", default="adams,bdf-gmres", help="cortexsim solvers for the rtol sweep")
    p.add_argument("--no-cross-check", action="store_true",
                   help="leave out cortexsim at rtol 1e-10 (minutes at N = 12,500)")
    p.add_argument("--newton-jacobians", default="full,neuron_blocks",
                   help="bdf-gmres runs with each [solver] newton_jacobian")
    p.add_argument("--atol-ratio", type=float, default=1e-2, help="cortexsim atol = rtol * this")
    p.add_argument("--euler", action="store_true", help="also cortexsim's forward Euler at --euler-dt-ms")
    p.add_argument("--reference-rtol", type=float, default=1e-10, help="LSODA's rtol (atol = rtol / 100)")
    p.add_argument("--repeats", type=int, default=3,
                   help="interleaved repetitions of every cortexsim and cpp_standalone run (medians)")
    p.add_argument("--reuse-builds", action="store_true",
                   help="re-run cpp_standalone binaries a previous run of this script left in --workdir "
                        "instead of generating and compiling them again (timings are new)")
    p.add_argument("--skip", default="", help="e.g. '12500:cython:0.025' to leave out slow Brian2 runs")
    p.add_argument("--duration-ms", type=float, default=1000.0)
    p.add_argument("--n-input", type=int, default=100)
    p.add_argument("--k-in", type=int, default=20)
    p.add_argument("--k-basal", type=int, default=160)
    p.add_argument("--k-apical", type=int, default=80)
    p.add_argument("--euler-dt-ms", type=float, default=0.1)
    p.add_argument("--brian-method", default="exact", help="Brian2 integration method (its default here: exact)")
    p.add_argument("--probe", type=int, default=100, help="neurons compared")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--workdir", default="/tmp/cortexsim_brian2")
    p.add_argument("--csv", default="brian2_side_by_side.csv")
    # child mode
    p.add_argument("--brian-child", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--n", type=int, help=argparse.SUPPRESS)
    p.add_argument("--target", help=argparse.SUPPRESS)
    p.add_argument("--formulation", help=argparse.SUPPRESS)
    p.add_argument("--dt", type=float, help=argparse.SUPPRESS)
    p.add_argument("--network", help=argparse.SUPPRESS)
    p.add_argument("--result", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.brian_child:
        brian_child(args)
        return
    formulations = list(FORMULATIONS) if args.formulations == "all" else args.formulations.split(",")
    for f in formulations:
        if f not in FORMULATIONS:
            p.error(f"unknown formulation '{f}'; known: {', '.join(FORMULATIONS)}")
    os.makedirs(args.workdir, exist_ok=True)
    args.cortexsim = os.path.abspath(args.cortexsim)
    skip = set(args.skip.split(",")) if args.skip else set()
    rows = []
    rows_times = {}  # (n, run) -> [(wall, cpu)] per repetition, for paired ratios
    for n in [int(x) for x in args.sizes.split(",")]:
        net_path = os.path.join(args.workdir, f"network_{n}_{args.seed}.npz")
        make_network(args, n, net_path)
        rates = np.load(net_path)["input_rates"]
        # runs: (name, first result, function that repeats it or None)
        runs = []

        def cortexsim_run(method, rtol, atol, jacobian="full"):
            return lambda: run_cortexsim(args, n, rates, method, rtol, atol, args.workdir, jacobian)

        # cortexsim at the reference's tolerance: agreement with an independent integrator.
        if not args.no_cross_check:
            f = cortexsim_run("adams", 1e-10, 1e-12)
            runs.append(("cortexsim adams rtol 1e-10", f(), None))
        for method in args.methods.split(","):
            for rtol in [float(x) for x in args.rtols.split(",")]:
                # [solver] newton_jacobian applies to bdf-gmres only.
                for jac in args.newton_jacobians.split(",") if method == "bdf-gmres" else ["full"]:
                    f = cortexsim_run(method, rtol, rtol * args.atol_ratio, jac)
                    label = f" newton {jac}" if method == "bdf-gmres" else ""
                    runs.append((f"cortexsim {method} rtol {rtol:g}{label}", f(), f))
        if args.euler:
            f = cortexsim_run("euler", 1e-6, 1e-8)
            runs.append((f"cortexsim euler dt {args.euler_dt_ms:g}", f(), f))
        for target in args.targets.split(","):
            for dt in [float(x) for x in args.dts.split(",")]:
                for form in formulations:
                    if f"{n}:{target}:{dt:g}" in skip or f"{n}:{target}:{dt:g}:{form}" in skip:
                        continue
                    r = run_brian(args, n, target, dt, form, net_path, args.workdir)
                    again = (lambda d=r["build_dir"]: rerun_standalone(d)) if "build_dir" in r else None
                    runs.append((f"brian2 {target} dt {dt:g} {form}", r, again))
                    print(f"    built and ran {runs[-1][0]}: {r['run_wall_s']:.2f} s", flush=True)
        # Repetitions interleaved (A B C ... A B C ...): the machine is shared, so each
        # configuration's median and the paired ratios below come from the same stretches of time.
        times = {name: [(r["run_wall_s"], r["process_cpu_s"])] for name, r, _ in runs}
        for rep in range(1, args.repeats):
            for name, _, again in runs:
                if again is not None:
                    r = again()
                    times[name].append((r["run_wall_s"], r["process_cpu_s"]))
        # The reference last: at N = 12,500 it takes long, and a copy computed meanwhile by
        # another process (the same function) is picked up from the cache.
        # The reference is computed once per network and tolerance (minutes at N = 12,500).
        ref_path = os.path.join(args.workdir, f"reference_{n}_{args.seed}_{args.reference_rtol:g}_"
                                              f"{args.duration_ms:g}.npz")
        while not os.path.exists(ref_path) and os.path.exists(ref_path + ".lock"):
            time.sleep(10)  # another process is computing it
        if os.path.exists(ref_path):
            cached = np.load(ref_path)
            ref = {"u": cached["u"], "detail": str(cached["detail"]), "run_wall_s": float(cached["wall"])}
        else:
            ref = run_reference(args, n, net_path, args.reference_rtol, args.reference_rtol * 1e-2)
            np.savez(ref_path, u=ref["u"], detail=ref["detail"], wall=ref["run_wall_s"])
        print(f"  N={n}: reference {ref['detail']}: {ref['run_wall_s']:.1f} s", flush=True)
        for name, r, _ in runs:
            # Both sample t = 0, 1, ..., duration; Brian2's monitor stops one sample short.
            m = min(len(r["u"]), len(ref["u"]))
            err = np.abs(r["u"][:m] - ref["u"][:m])
            dev = float(np.max(err))
            # Where the worst error sits: ms after the last input switch.
            worst_ms = int(np.unravel_index(np.argmax(err), err.shape)[0]) % 100
            wall = [t[0] for t in times[name]]
            cpu = [t[1] for t in times[name]]
            rows.append({"n": n, "synapses": n * (args.k_in + args.k_basal + args.k_apical), "run": name,
                         "detail": r.get("detail", ""), "max_dev_u": dev, "worst_ms_after_switch": worst_ms,
                         "run_wall_s": float(np.median(wall)), "process_cpu_s": float(np.median(cpu)),
                         "repeats": len(wall), "run_wall_all_s": " ".join(f"{x:.3f}" for x in wall),
                         "process_cpu_all_s": " ".join(f"{x:.3f}" for x in cpu),
                         "peak_MB": r["peak_MB"]})
            print(f"  N={n:6d} {name:50s} max|du| {dev:9.2e} (+{worst_ms:2d} ms)  run {np.median(wall):8.3f} s "
                  f"wall  {np.median(cpu):8.3f} s CPU (medians of {len(wall)})  {r.get('detail', '')}", flush=True)
        rows_times.update({(n, name): t for name, t in times.items()})
    with open(args.csv, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)
    # Matched accuracy: for each Brian2 dt and size, its fastest formulation against the fastest
    # cortexsim run at least as accurate (both measured against the independent reference).
    # Compared in process CPU time: cpp_standalone's own "run time" (_last_run_time) is
    # std::clock(), i.e. CPU time too, and on a shared machine wall times mostly measure the
    # other jobs. Each side's whole process: cortexsim parses, builds and writes CSV; Brian2's
    # binary loads its arrays and writes its results.
    print("\nmatched accuracy in process CPU time (fastest Brian2 formulation; fastest cortexsim run "
          "with max deviation <= Brian2's):")
    groups = {}
    for b in [r for r in rows if r["run"].startswith("brian2")]:
        key = (b["n"], b["run"].split()[3])  # dt
        if key not in groups or b["process_cpu_s"] < groups[key]["process_cpu_s"]:
            groups[key] = b
    for (n, dt), b in sorted(groups.items()):
        ok = [c for c in rows if c["n"] == n and c["run"].startswith("cortexsim")
              and c["max_dev_u"] <= b["max_dev_u"]]
        if not ok:
            print(f"  N={n} {b['run']}: no cortexsim run as accurate")
            continue
        c = min(ok, key=lambda r: r["process_cpu_s"])
        tb, tc = rows_times[(n, b["run"])], rows_times[(n, c["run"])]
        k = min(len(tb), len(tc))
        paired = float(np.median([tb[i][1] / tc[i][1] for i in range(k)]))
        print(f"  N={n:6d} {b['run']:50s} {b['max_dev_u']:.1e} in {b['process_cpu_s']:.2f} s CPU  vs  "
              f"{c['run']} {c['max_dev_u']:.1e} in {c['process_cpu_s']:.3f} s CPU: "
              f"cortexsim {b['process_cpu_s'] / c['process_cpu_s']:.1f}x faster (ratio of medians; "
              f"median of {k} paired ratios {paired:.1f}x)")
    print(f"\nCSV: {args.csv}")


if __name__ == "__main__":
    main()
