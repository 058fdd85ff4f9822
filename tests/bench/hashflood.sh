#!/usr/bin/env bash
# tests/bench/hashflood.sh [IDS...] - hash flooding: `kluster validate` on IDS
# organisations whose eight-character ids were crafted to share the low 32
# bits of the string pool's old, unkeyed hash (tests/tools/hashflood.py),
# against as many random ids of the same shape.  Before the pool was keyed
# the crafted ids cost O(n^2) (minutes for 100,000); now they cost what
# random ids do: the goal is crafted <= 3x random.  Crafting against a key
# given in KLUSTER_HASH_KEY would prove nothing: the real key is random per
# process.  Prints wall seconds, peak RSS and the ratio; exits 1 above 3x.
# Default IDS: 100000 200000 (BENCH_QUICK=1: 20000).
set -eu
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
KLUSTER="${KLUSTER:-$ROOT/kluster}"
PY=/usr/bin/python3
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || { if [ -n "${BENCH_QUICK:-}" ]; then sizes=(20000); else sizes=(100000 200000); fi; }
work="${BENCH_DIR:-$(mktemp -d)}"
mkdir -p "$work"

measure() {  # dataset -> "seconds KB"
  local t; t="$(mktemp)"
  if ! timeout 600 /usr/bin/time -f "%e %M" -o "$t" "$KLUSTER" validate "$1" >/dev/null 2>&1; then
    echo "failed or over 600 s: $KLUSTER validate $1" >&2; echo "- -"; rm -f "$t"; return
  fi
  cat "$t"; rm -f "$t"
}
status=0
printf '%8s %10s %10s %10s %10s %7s\n' ids random_s random_MB crafted_s crafted_MB ratio
for n in "${sizes[@]}"; do
  [ -e "$work/random-$n" ] || "$PY" "$ROOT/tests/tools/hashflood.py" --ids "$n" --random --out "$work/random-$n"
  [ -e "$work/crafted-$n" ] || "$PY" "$ROOT/tests/tools/hashflood.py" --ids "$n" --out "$work/crafted-$n"
  read -r rs rk < <(measure "$work/random-$n")
  read -r cs ck < <(measure "$work/crafted-$n")
  # below 0.1 s the clock's 0.01 s steps make the ratio noise
  awk -v n="$n" -v rs="$rs" -v rk="$rk" -v cs="$cs" -v ck="$ck" 'BEGIN{
    ratio = (rs == "-" || cs == "-") ? -1 : cs / (rs > 0.1 ? rs : 0.1)
    printf "%8d %10s %10.0f %10s %10.0f %7.2f\n", n, rs, rk/1024, cs, ck/1024, ratio
    exit !(ratio >= 0 && ratio <= 3)}' || status=1
done
[ -n "${BENCH_DIR:-}" ] || rm -rf "$work"
exit $status
