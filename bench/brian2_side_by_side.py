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

def cortexsim_toml(args, n, rates, method, rtol, atol):
    lines = [
        "[simulation]", 'name = "brian2_side_by_side"', f"duration_ms = {args.duration_ms}",
        f"seed = {args.seed}", "",
        "[solver]", f'method = "{method}"', f"rtol = {rtol!r}", f"atol = {atol!r}",
        f"dt_ms = {args.euler_dt_ms}", "",
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


def run_cortexsim(args, n, rates, method, rtol, atol, workdir):
    tag = f"cortexsim_{n}_{method}_{rtol:g}"
    model = os.path.join(workdir, tag + ".toml")
    with open(model, "w") as f:
        f.write(cortexsim_toml(args, n, rates, method, rtol, atol))
    out = os.path.join(workdir, tag)
    t0 = time.time()
    proc = subprocess.Popen([args.cortexsim, "run", model, "--quiet", "--format", "csv", "--out", out],
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
    with open(os.path.join(out, POP + ".csv")) as f:
        table = np.array([[float(x) for x in row] for row in list(csv.reader(f))[1:]])
    return {"u": table[:, 1:], "run_wall_s": wall, "process_wall_s": total,
            "process_cpu_s": usage.ru_utime + usage.ru_stime,
            "peak_MB": usage.ru_maxrss / 1024.0, "detail": f"{solver}, {steps} steps"}


# --------------------------------------------------------------------------------------------
# Brian2 (in a child process: python3 brian2_side_by_side.py --brian-child ...)

def brian_child(args):
    import brian2 as b2
    b2.BrianLogger.suppress_hierarchy("py.warnings")
    data = np.load(args.network)
    n = args.n
    workdir = args.workdir
    if args.target == "cpp_standalone":
        b2.set_device("cpp_standalone", directory=os.path.join(workdir, f"standalone_{n}_{args.dt}"),
                      build_on_run=False)
    else:
        b2.prefs.codegen.target = args.target  # cython (Brian2's default when it works) or numpy
    b2.defaultclock.dt = args.dt * b2.ms
    ms = b2.ms
    rates = b2.TimedArray(data["input_rates"], dt=100 * ms)
    inp = b2.NeuronGroup(args.n_input, "r = rates(t, i) : 1", name="inp")
    # (P1) with C = 1 and no nudging; (D-dyn) with b_d = 0; soft-ReLU rate (defaults of
    # compartments/neuron_model.cpp and compartments/transfer.cpp). "(constant over dt)" makes
    # Brian2 compute the rate once per neuron and step, as cortexsim does once per evaluation;
    # as a plain subexpression it is recomputed for every synapse (10x slower here).
    eqs = """
    du/dt = (-g_lk*u + g_B*(vB - u) + g_A*(vA - u)) / ms : 1
    dvB/dt = (-vB + I_B_in + I_B_rec) / tau_B : 1
    dvA/dt = (-vA + I_A_rec) / tau_A : 1
    r = gamma*log(1 + exp(beta*(u - theta))) : 1 (constant over dt)
    I_B_in : 1
    I_B_rec : 1
    I_A_rec : 1
    """
    ns = dict(g_lk=0.1, g_B=1.0, g_A=0.8, tau_B=3 * ms, tau_A=3 * ms, gamma=0.1, beta=1.0, theta=3.0)
    # Brian2 picks 'exact' for these equations when no method is given (its log says so): the
    # three compartments are linear with the synaptic inputs held over a step.
    pyr = b2.NeuronGroup(n, eqs, namespace=ns, name="pyr", method=args.brian_method)
    syns = []
    for key, source, target_var in [("input_basal", inp, "I_B_in"), ("pyr_basal", pyr, "I_B_rec"),
                                    ("pyr_apical", pyr, "I_A_rec")]:
        s = b2.Synapses(source, pyr, f"w : 1\n{target_var}_post = w*r_pre : 1 (summed)", name=key,
                        namespace=ns)  # r_pre needs gamma, beta, theta
        s.connect(i=data[key + "_src"], j=data[key + "_tgt"])
        s.w = data[key + "_w"]
        syns.append(s)
    mon = b2.StateMonitor(pyr, "u", record=np.arange(min(args.probe, n)), dt=1 * ms)
    net = b2.Network(inp, pyr, *syns, mon)
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
        b2.device.build(directory=os.path.join(workdir, f"standalone_{n}_{args.dt}"), compile=True, run=False)
        result["compile_wall_s"] = time.time() - t0
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t1 = time.time()
        b2.device.run(directory=os.path.join(workdir, f"standalone_{n}_{args.dt}"), with_output=False, run_args=[])
        result["process_wall_s"] = time.time() - t1
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        result["process_cpu_s"] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        result["run_wall_s"] = float(b2.device._last_run_time)  # the binary's own timing of run()
        result["peak_MB"] = float("nan")  # RUSAGE_CHILDREN would include the compilers
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


def run_brian(args, n, target, dt, network_path, workdir):
    tag = os.path.join(workdir, f"brian_{n}_{target}_{dt}")
    cmd = [sys.executable, os.path.abspath(__file__), "--brian-child", "--n", str(n), "--target", target,
           "--dt", str(dt), "--network", network_path, "--workdir", workdir, "--result", tag,
           "--n-input", str(args.n_input), "--duration-ms", str(args.duration_ms), "--probe", str(args.probe),
           "--brian-method", args.brian_method]
    t0 = time.time()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        print(proc.stdout[-2000:], proc.stderr[-4000:], file=sys.stderr)
        raise RuntimeError(f"Brian2 {target} dt {dt} failed")
    with open(tag + ".json") as f:
        result = json.load(f)
    result["u"] = np.load(tag + ".npy")
    result["total_wall_s"] = time.time() - t0
    result["detail"] = f"{args.brian_method}, dt {dt} ms"
    return result


# --------------------------------------------------------------------------------------------

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cortexsim", default="build/tools/cli/cortexsim")
    p.add_argument("--sizes", default="1250,12500")
    p.add_argument("--targets", default="cython,cpp_standalone", help="Brian2 targets (cython is the default runtime target)")
    p.add_argument("--dts", default="0.1,0.025")
    p.add_argument("--rtols", default="1e-4,1e-5,1e-6,1e-7", help="cortexsim runs compared with Brian2")
    p.add_argument("--methods", default="auto,bdf-gmres", help="cortexsim solvers for the rtol sweep")
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
    p.add_argument("--dt", type=float, help=argparse.SUPPRESS)
    p.add_argument("--network", help=argparse.SUPPRESS)
    p.add_argument("--result", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.brian_child:
        brian_child(args)
        return
    os.makedirs(args.workdir, exist_ok=True)
    args.cortexsim = os.path.abspath(args.cortexsim)
    skip = set(args.skip.split(",")) if args.skip else set()
    rows = []
    for n in [int(x) for x in args.sizes.split(",")]:
        net_path = os.path.join(args.workdir, f"network_{n}_{args.seed}.npz")
        make_network(args, n, net_path)
        rates = np.load(net_path)["input_rates"]
        ref = run_cortexsim(args, n, rates, "adams", 1e-10, 1e-12, args.workdir)
        print(f"  N={n}: reference cortexsim rtol 1e-10 ({ref['detail']}): {ref['run_wall_s']:.2f} s", flush=True)
        runs = []
        for method in args.methods.split(","):
            for rtol in [float(x) for x in args.rtols.split(",")]:
                r = run_cortexsim(args, n, rates, method, rtol, rtol * 1e-2, args.workdir)
                runs.append((f"cortexsim {method} rtol {rtol:g}", r))
        r = run_cortexsim(args, n, rates, "euler", 1e-6, 1e-8, args.workdir)
        runs.append((f"cortexsim euler dt {args.euler_dt_ms:g}", r))
        for target in args.targets.split(","):
            for dt in [float(x) for x in args.dts.split(",")]:
                if f"{n}:{target}:{dt:g}" in skip:
                    continue
                runs.append((f"brian2 {target} dt {dt:g}", run_brian(args, n, target, dt, net_path, args.workdir)))
        for name, r in runs:
            # cortexsim samples t = 0, 1, ..., duration; Brian2's monitor stops one sample short.
            m = min(len(r["u"]), len(ref["u"]))
            dev = float(np.max(np.abs(r["u"][:m] - ref["u"][:m])))
            rows.append({"n": n, "synapses": n * (args.k_in + args.k_basal + args.k_apical), "run": name,
                         "detail": r.get("detail", ""), "max_dev_u": dev, "run_wall_s": r["run_wall_s"],
                         "process_cpu_s": r["process_cpu_s"], "peak_MB": r["peak_MB"]})
            print(f"  N={n:6d} {name:34s} max|du| {dev:9.2e}  run {r['run_wall_s']:8.3f} s wall  "
                  f"{r['process_cpu_s']:8.3f} s CPU  {r['peak_MB']:7.1f} MB", flush=True)
    with open(args.csv, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)
    # Matched accuracy: for each Brian2 run, the fastest cortexsim run at least as accurate.
    print("\nmatched accuracy (fastest cortexsim run with max deviation <= Brian2's):")
    for b in [r for r in rows if r["run"].startswith("brian2")]:
        ok = [c for c in rows if c["n"] == b["n"] and c["run"].startswith("cortexsim")
              and c["max_dev_u"] <= b["max_dev_u"]]
        if not ok:
            print(f"  N={b['n']} {b['run']}: no cortexsim run as accurate")
            continue
        c = min(ok, key=lambda r: r["run_wall_s"])
        print(f"  N={b['n']:6d} {b['run']:30s} {b['max_dev_u']:.1e} in {b['run_wall_s']:.2f} s  vs  "
              f"{c['run']} {c['max_dev_u']:.1e} in {c['run_wall_s']:.3f} s: "
              f"cortexsim {b['run_wall_s'] / c['run_wall_s']:.1f}x faster (wall), "
              f"{b['process_cpu_s'] / c['process_cpu_s']:.1f}x (CPU)")
    print(f"\nCSV: {args.csv}")


if __name__ == "__main__":
    main()
