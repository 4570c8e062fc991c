#!/usr/bin/env bash
# Installs the Debian 12 packages cortexsim needs, only those that are missing.
set -euo pipefail
packages=(cmake g++ make libsundials-dev libeigen3-dev libtomlplusplus-dev catch2 valgrind
  zlib1g-dev dataset-fashion-mnist python3-sklearn
  libhdf5-dev python3-h5py python3-numpy)
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
