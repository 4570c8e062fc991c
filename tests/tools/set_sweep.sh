#!/usr/bin/env bash
# A parameter sweep as a user writes it: a shell loop over five values of one key with
# `cortexsim run --set`, one run folder each. Every run's model.resolved.toml must name its
# value and reproduce its run (check_reproduce.py: CSV files and the resolved model byte for
# byte, report.h5 value for value), and the five runs must differ (the key took effect).
#
# usage: set_sweep.sh CORTEXSIM MODEL WORK_DIR
set -euo pipefail
cli="$1" model="$2" work="$3"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
rm -rf "$work" && mkdir -p "$work"
for g in 0.2 0.4 0.6 0.8 1.0; do
  "$cli" run "$model" --quiet --set "population.hidden.params.g_A=$g" --out "$work/g_A_$g"
  grep -q "g_A = $g" "$work/g_A_$g/model.resolved.toml" ||
    { echo "set_sweep: g_A_$g/model.resolved.toml does not hold g_A = $g"; exit 1; }
  /usr/bin/python3 "$here/check_reproduce.py" "$cli" "$work/g_A_$g"
done
# Distinct values must give distinct trajectories (the hidden layer's recorded potentials).
distinct=$(for g in 0.2 0.4 0.6 0.8 1.0; do md5sum < "$work/g_A_$g/hidden.csv"; done | sort -u | wc -l)
[ "$distinct" -eq 5 ] || { echo "set_sweep: only $distinct distinct hidden.csv of 5 runs"; exit 1; }
echo "set_sweep: 5 runs, each reproduced from its resolved model, 5 distinct trajectories"
