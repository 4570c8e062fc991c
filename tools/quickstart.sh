#!/usr/bin/env bash
# Installs what is missing, builds cortexsim (Release), runs the default example model (a
# six-layer column learning the Reber grammar, about a minute on 2 cores), and writes its plots.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash tools/install_deps.sh
mkdir -p build
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release > build/quickstart.log 2>&1 || { cat build/quickstart.log; exit 1; }
cmake --build build -j"$(nproc)" --target cortexsim >> build/quickstart.log 2>&1 || { tail -50 build/quickstart.log; exit 1; }
model="${1:-examples/reber_column.toml}"
echo "== cortexsim describe $model"
./build/tools/cli/cortexsim describe "$model"
echo "== cortexsim run $model"
./build/tools/cli/cortexsim run "$model" --out runs/default --force
echo "== cortexsim inspect runs/default"
./build/tools/cli/cortexsim inspect runs/default
echo "== cortexsim plot runs/default"
./build/tools/cli/cortexsim plot runs/default
echo "plots of the default run: $root/runs/default/plots (learning_curve.png: errors per block and the"
echo "thalamic prediction error shrinking; error_signals.png; traces.png)"
