#!/usr/bin/env bash
# Installs the Debian 12 packages cortexsim needs, only those that are missing.
#   bash tools/install_deps.sh           what building, testing and the examples need
#   bash tools/install_deps.sh --bench   also the peer simulators of the side-by-side benchmarks
#                                        (bench/brian2_side_by_side.py, bench/neuron_side_by_side.py)
set -euo pipefail
# clang and libclang-rt-14-dev (libFuzzer, ASan, UBSan; only recommended by clang) build the
# fuzz targets that tools/test.sh runs after the tests (tools/fuzz.sh).
packages=(cmake g++ make libsundials-dev libeigen3-dev libtomlplusplus-dev catch2 valgrind
  zlib1g-dev dataset-fashion-mnist python3-sklearn
  libhdf5-dev python3-h5py python3-numpy python3-matplotlib
  pybind11-dev python3-dev clang libclang-rt-14-dev)
for arg in "$@"; do
  case "$arg" in
    --bench) packages+=(python3-brian neuron python3-neuron) ;;
    *) echo "usage: $0 [--bench]" >&2; exit 2 ;;
  esac
done
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
