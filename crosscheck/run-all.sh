#!/usr/bin/env bash
# Run the whole cross-check table and the two mutants; prints markdown rows.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
row() {  # N M label [args...]
  local n="$1" m="$2" label="$3"; shift 3
  local out; out="$("$here/run-spin.sh" "$n" "$m" "$@")"
  local stored trans secs errs verdict
  stored=$(awk '/states, stored/ {print $1}' <<<"$out")
  trans=$(awk '/transitions \(= stored/ {print $1}' <<<"$out")
  secs=$(awk '/pan: elapsed time/ {print $4}' <<<"$out")
  errs=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' <<<"$out")
  verdict=$(grep -oE 'assertion violated.*\(at depth [0-9]+\)|invalid end state \(at depth [0-9]+\)' <<<"$out" | head -1 || true)
  echo "| $label | $n | $m | $stored | $trans | $secs | $errs ${verdict:+($verdict)} |"
}
echo "| model | N | M | states stored | transitions | pan seconds | errors |"
echo "|---|---|---|---|---|---|---|"
for nm in "1 1" "2 1" "1 2" "2 2" "3 1" "3 2" "4 1" "4 2"; do row $nm correct; done
for nm in "1 1" "2 2" "4 2"; do
  row $nm keep-wait --mutant=keep-wait
  row $nm "keep-wait, -A" --mutant=keep-wait -A
  row $nm late-interlock --mutant=late-interlock
done
