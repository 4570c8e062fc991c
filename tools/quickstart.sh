#!/usr/bin/env bash
# Installs what is missing, builds cortexsim (Release) and runs the default example model.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash tools/install_deps.sh
mkdir -p build
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release > build/quickstart.log 2>&1 || { cat build/quickstart.log; exit 1; }
cmake --build build -j"$(nproc)" --target cortexsim >> build/quickstart.log 2>&1 || { tail -50 build/quickstart.log; exit 1; }
model="${1:-examples/microcircuit_dynamics.toml}"
echo "== cortexsim describe $model"
./build/tools/cli/cortexsim describe "$model"
echo "== cortexsim run $model"
./build/tools/cli/cortexsim run "$model" --out runs/default
echo "traces: $(ls runs/default/*.csv | tr '\n' ' ')"
