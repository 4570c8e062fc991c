#!/usr/bin/python3
"""The rule comparison's model files (examples/rule_comparison/<task>_<method>.toml) differ
only where the comparison says they do: the same solver, populations, forward projections
(their `plasticity` apart) and task for every method of a task; the phases the same except
equilibrium propagation's longer free phase; the task the same except its nudge g_som. The
error pathway (extra projections) and the microcircuit (a template with interneurons) are what
each rule needs and are not compared. Exit 1 with every difference listed.

usage: check_rule_comparison.py FOLDER
"""
import sys
import tomllib
from pathlib import Path

PHASED = ["backprop", "feedback_alignment", "direct_feedback_alignment", "generec",
          "equilibrium_propagation"]
FORWARD = [("input", "hidden"), ("hidden", "output")]


def forward(model, source, target):
    found = [p for p in model.get("projection", [])
             if p["source"] == source and p["target"] == target]
    if len(found) != 1:
        return None
    return {k: v for k, v in found[0].items() if k != "plasticity"}


def compare(folder, task):
    problems = []
    models = {}
    for m in PHASED + ["microcircuit"]:
        path = folder / f"{task}_{m}.toml"
        if not path.exists():
            problems.append(f"{path}: missing")
            continue
        with open(path, "rb") as f:
            models[m] = tomllib.load(f)
    ref = models.get("feedback_alignment")
    if ref is None:
        return problems
    for m in PHASED:
        if m not in models or m == "feedback_alignment":
            continue
        d = models[m]
        where = f"{task}_{m}.toml"
        for key in ["solver", "population"]:
            if d.get(key) != ref.get(key):
                problems.append(f"{where}: [{key}] differs from {task}_feedback_alignment.toml")
        for s, t in FORWARD:
            if forward(d, s, t) is None or forward(d, s, t) != forward(ref, s, t):
                problems.append(f"{where}: the projection {s} -> {t} differs (plasticity aside)")
        phases = [dict(p) for p in d.get("phase", [])]
        ref_phases = [dict(p) for p in ref.get("phase", [])]
        if m == "equilibrium_propagation" and phases:
            phases[0].pop("duration_ms", None)
            ref_phases[0].pop("duration_ms", None)
        if phases != ref_phases:
            problems.append(f"{where}: [[phase]] differs")
        t = {k: v for k, v in d.get("task", {}).items() if not (m == "equilibrium_propagation" and k == "g_som")}
        if t != ref.get("task"):
            problems.append(f"{where}: [task] differs")
        if d.get("simulation", {}).get("seed") != ref.get("simulation", {}).get("seed"):
            problems.append(f"{where}: another seed")
    mc = models.get("microcircuit")
    if mc is not None:
        sizes = [p["size"] for p in ref["population"]]
        spec = mc.get("microcircuit", [{}])[0]
        if [spec.get("n_input")] + list(spec.get("layers", [])) != sizes:
            problems.append(f"{task}_microcircuit.toml: not the {'-'.join(map(str, sizes))} network")
    return problems


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    folder = Path(sys.argv[1])
    problems = compare(folder, "fashion") + compare(folder, "teacher")
    for p in problems:
        print(p)
    print("rule comparison models:", "differ only in the declared places" if not problems else f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
