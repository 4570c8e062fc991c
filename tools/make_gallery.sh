#!/bin/sh
# Regenerates docs/figures/gallery/: runs the examples that docs/gallery.md quotes, with the
# same commands, draws them with `cortexsim plot` and copies the figures the page shows.
#
# usage: sh tools/make_gallery.sh [CORTEXSIM] [WORK_DIR]
#   CORTEXSIM  the CLI (default build/tools/cli/cortexsim)
#   WORK_DIR   where the run folders go (default /tmp/cortexsim_gallery; about 150 MB)
#
# Takes about 5 minutes on one core (the Reber runs dominate). The runs and the drawing are
# deterministic, so the PNGs come out byte for byte the same with Debian 12's matplotlib 3.6.
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
cli=${1:-$repo/build/tools/cli/cortexsim}
work=${2:-/tmp/cortexsim_gallery}
out=$repo/docs/figures/gallery
mkdir -p "$work" "$out"
cd "$repo"

run() {  # run NAME MODEL [--set ...]: the run folder WORK/NAME and its figures WORK/NAME/plots
  name=$1
  shift
  echo "make_gallery: $name" >&2
  "$cli" run "$@" --quiet --force --out "$work/$name" > /dev/null
  "$cli" plot "$work/$name" > /dev/null
}
copy() {  # copy NAME FIGURE: WORK/NAME/plots/FIGURE.png -> docs/figures/gallery/NAME_FIGURE.png
  cp "$work/$1/plots/$2.png" "$out/$1_$2.png"
}

# The commands below are quoted in docs/gallery.md; keep the two in step.
run reber examples/reber_column.toml
run reber_traces examples/reber_column.toml --set task.trials=2000 --set task.after_criterion=0 \
    --set 'record[0]={population="col.L5", variables=["u_soma","v_basal","v_apical"], interval_ms=1.0, sample=3}'
run hierarchy examples/reber_hierarchy.toml --set task.trials=1000 --set task.after_criterion=0
run teacher_switch examples/teacher_switch.toml
run teacher_student examples/teacher_student.toml
run digits examples/digits_classification.toml \
    --set 'record=[{projection="input->P1.basal", what="weights", interval_ms=100000.0}]'
run choice examples/reward_choice.toml

copy reber learning_curve
copy reber error_signals
copy reber phase_end_col.pulvinar
copy reber_traces traces
copy hierarchy error_signals_V1
copy hierarchy error_signals_V2
copy teacher_switch error_signals
copy teacher_switch traces
copy teacher_switch weights_P1_to_P2.basal
copy teacher_switch weight_stats_I1_to_P1.apical
copy teacher_switch receptive_fields_input_to_P1.basal
copy digits receptive_fields_input_to_P1.basal
copy digits learning_curve
copy teacher_student learning_curve
copy choice learning_curve
ls -l "$out"
