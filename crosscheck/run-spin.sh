#!/usr/bin/env bash
# Exhaustively explore the bio_track model with SPIN.
#   crosscheck/run-spin.sh N M [--mutant=keep-wait|late-interlock] [extra pan flags...]
# Needs spin and gcc on PATH (not a project dependency: apt-get install spin).
# Builds in a temporary directory; prints SPIN's verdict lines and the time.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
N="$1"; M="$2"; shift 2
gen_args=()
if [[ "${1:-}" == --mutant=* ]]; then gen_args+=("$1"); shift; fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
node "$here/gen_bio_track.mjs" "$N" "$M" "${gen_args[@]}" > "$work/bio_track.pml"
cd "$work"
spin -a bio_track.pml > /dev/null
# -DNOREDUCE: no partial-order reduction (count every interleaving, like our explorer)
# -DSAFETY:   safety only (assertions + invalid end states), no cycle detection
# -DMEMLIM:   cap pan's memory at 8 GiB (N=4, M=2 needs about 1 GiB)
# Extra gcc flags via $SPIN_CFLAGS, e.g. SPIN_CFLAGS=-DCOLLAPSE (less memory,
# slower; counts unchanged).
CFLAGS="-O2 -DNOREDUCE -DSAFETY -DMEMLIM=8192 ${SPIN_CFLAGS:-}"
gcc $CFLAGS -o pan pan.c
echo "spin: $(spin -V)"
echo "gcc flags: $CFLAGS ; pan flags: -m10000000 $*"
start=$(date +%s.%N)
./pan -m10000000 "$@" > pan.out 2>&1 || true
end=$(date +%s.%N)
grep -E 'pan:|errors:|states, stored|states, matched|transitions|invalid end state|assertion violated|elapsed' pan.out || true
printf 'wall seconds (pan run): %.2f\n' "$(echo "$end - $start" | bc -l)"
if [ -f bio_track.pml.trail ]; then
  echo "--- counterexample trail (spin -t) ---"
  spin -t -p -g -l bio_track.pml | tail -n 30
fi
