#!/usr/bin/env bash
# The whole ctest suite under AddressSanitizer + UndefinedBehaviorSanitizer, in its own build
# folder (build-san). Any sanitizer report makes its test fail (halt_on_error, abort). Not part
# of CI's 30 minutes on 2 cores (an instrumented build and suite take about as long again as
# CI itself, bench/README.md): run it before a release or after touching memory handling.
#
#   bash tools/sanitize.sh [ctest arguments, e.g. -R weight]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
cmake -S . -B build-san -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCORTEXSIM_SANITIZE=ON \
      -DCORTEXSIM_BUILD_PYTHON=OFF -DCORTEXSIM_BUILD_BENCH=OFF
cmake --build build-san -j"$(nproc)"
# Leaks count: a run that leaks memory fails too. The Python module is not built here (an
# instrumented extension needs the sanitizer runtime preloaded into the interpreter).
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:halt_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1"
# Left out, as they cannot run instrumented: the valgrind tests (valgrind and ASan each replace
# the allocator) and the allocation probes of test_allocations (they replace operator new and
# malloc themselves, which ASan owns).
ctest --test-dir build-san --output-on-failure -j"$(nproc)" --timeout 1800 \
      -E '^valgrind\.|allocat' "$@"
