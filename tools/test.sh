#!/usr/bin/env bash
# Installs what is missing, builds everything, runs the whole test suite through ctest, then
# the short fuzz run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash tools/install_deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCORTEXSIM_WERROR=ON
cmake --build build -j"$(nproc)"
ctest --test-dir build --output-on-failure -j"$(nproc)" --timeout 900
# A short fuzz run, 20 s a target, in a second, instrumented build (build-fuzz). Measured on
# the shared 2-core machine, build + tests + fuzz take about 26 CPU-minutes in all
# (bench/README.md, "Fuzzing"): within CI's 30 minutes on 2 cores.
bash tools/fuzz.sh 20
