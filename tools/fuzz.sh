#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz in build-fuzz (clang, ASan + UBSan) and runs each
# on its corpus for a bounded time. Any crash, hang, sanitizer report or unexpected exception
# fails the script, and libFuzzer leaves the input as build-fuzz/findings/<target>/crash-* (or
# timeout-*, oom-*).
#   bash tools/fuzz.sh              every target for 20 s (CI)
#   bash tools/fuzz.sh 600          every target for 600 s
#   bash tools/fuzz.sh 600 fuzz_idx one target
# New inputs libFuzzer finds go to build-fuzz/findings/<target>/new (FUZZ_FINDINGS=<dir>
# for another folder), never into the repository's corpus; tests/fuzz/README.md says how to
# merge them in.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-20}"
shift || true
targets=("$@")
((${#targets[@]})) || targets=(fuzz_model fuzz_stimulus_csv fuzz_idx fuzz_csv_dataset fuzz_npy)
build="$root/build-fuzz"
jobs="${FUZZ_BUILD_JOBS:-$(nproc)}"
# The targets write every input to a scratch file: in memory, not on disk, where possible.
if [[ -z "${TMPDIR:-}" && -d /dev/shm && -w /dev/shm ]]; then
  export TMPDIR=/dev/shm
fi

# -O1 with assertions: Eigen's index checks are worth their cost here.
cmake -S "$root" -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" -DCORTEXSIM_FUZZ=ON -DCORTEXSIM_BUILD_TESTS=OFF \
  -DCORTEXSIM_BUILD_BENCH=OFF -DCORTEXSIM_OPENMP=OFF >/dev/null
cmake --build "$build" -j"$jobs" --target "${targets[@]}"

status=0
for t in "${targets[@]}"; do
  findings="${FUZZ_FINDINGS:-$build/findings}/$t"
  rm -rf "$findings/new"
  mkdir -p "$findings/new"
  echo "== $t: ${seconds} s"
  # The repository's corpus is read-only input: new units go to findings/<t>/new.
  if ! (cd "$findings" && "$build/tests/fuzz/$t" -max_total_time="$seconds" -timeout=10 \
          -rss_limit_mb=2048 -report_slow_units=10 -print_final_stats=1 \
          new "$root/tests/fuzz/corpus/$t" 2>"$findings/log.txt"); then
    status=1
    echo "$t FAILED; the last lines of $findings/log.txt:" >&2
    tail -n 40 "$findings/log.txt" >&2
  fi
  grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb|^Done' "$findings/log.txt" || true
done
exit "$status"
