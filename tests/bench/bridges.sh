#!/usr/bin/env bash
# tests/bench/bridges.sh [ORGS] - the speed targets of `kluster bridges` and
# `kluster whatif` on gen.py --orgs ORGS (default 20000), full mode:
#
#   1. exact irb costs at most 1.3x plain exact betweenness: both timed as
#      separate kernel runs inside one kluster process (bridges --timings);
#   2. whatif --rank, as a whole command, takes at most 1.5x the time of
#      `kluster stats` on the same dataset (best of RUNS wall times each).
#
# Prints both ratios and exits 1 when one is over its limit.  KLUSTER, SHARED
# and BENCH_DIR (keep the dataset there) as in tests/bench/run.sh.
set -eu
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SHARED="${SHARED:-$ROOT/../shared}"
KLUSTER="${KLUSTER:-$ROOT/kluster}"
ORGS="${1:-20000}"
RUNS="${RUNS:-5}"
work="${BENCH_DIR:-$(mktemp -d)}"; mkdir -p "$work"
ds="$work/bridges-$ORGS.json"
[ -e "$ds" ] || /usr/bin/python3 "$SHARED/bench/gen.py" --orgs "$ORGS" --seed 1 --out "$ds" 2>/dev/null

echo "== bridges: gen.py --orgs $ORGS ($("$KLUSTER" stats -q "$ds" | grep '^graph' | sed 's/^graph *//'))"

# 1. irb vs betweenness, same process
line="$("$KLUSTER" bridges -q --timings --format json -o /dev/null "$ds" 2>&1 >/dev/null | grep 'timings:')"
echo "$line"
r1="$(echo "$line" | sed 's/.*irb\/betweenness \([0-9.]*\).*/\1/')"

# 2. whatif --rank vs stats, whole commands, best of RUNS
best() {  # command...
  local b=""
  for _ in $(seq "$RUNS"); do
    local t0 t1
    t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N)
    b=$(echo "$t0 $t1 ${b:-1e9}" | awk '{d=$2-$1; print (d<$3)?d:$3}')
  done
  echo "$b"
}
ts="$(best "$KLUSTER" stats -q "$ds")"
tw="$(best "$KLUSTER" whatif -q --rank "$ds")"
r2="$(echo "$tw $ts" | awk '{printf "%.3f", $1/$2}')"
printf 'kluster stats %.3f s, kluster whatif --rank %.3f s (best of %s)\n' "$ts" "$tw" "$RUNS"
echo
printf 'irb / betweenness        %s  (limit 1.3)\n' "$r1"
printf 'whatif --rank / stats    %s  (limit 1.5)\n' "$r2"
[ -n "${BENCH_DIR:-}" ] || rm -rf "$work"
awk -v a="$r1" -v b="$r2" 'BEGIN { exit !(a <= 1.3 && b <= 1.5) }'
