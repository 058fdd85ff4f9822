#!/usr/bin/env bash
# tests/bench/load.sh [ORGS] - loader benchmark: `kluster stats` (load + graph
# build) against the parse+build phases of python-igraph's peer script on the
# same generated dataset, as JSON, NDJSON and CSV.  One run, side by side.
# Prints wall seconds, peak RSS, input MB/s and the ratios peer/kluster
# (time: above 1 = kluster faster; memory: kluster/peer, below 1 = kluster smaller).
set -eu
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SHARED="${SHARED:-$ROOT/../shared}"
KLUSTER="${KLUSTER:-$ROOT/kluster}"
PY=/usr/bin/python3
orgs="${1:-50000}"
work="${BENCH_DIR:-$(mktemp -d)}"
mkdir -p "$work"
gen() { [ -e "$work/$2" ] || "$PY" "$SHARED/bench/gen.py" --orgs "$orgs" --format "$1" --out "$work/$2" 2>/dev/null; }
gen json "m.json"; gen ndjson "m.ndjson"; gen csv "mcsv"

measure() {  # out-var-prefix command...
  local t; t="$(mktemp)"
  /usr/bin/time -f "%e %M" -o "$t" "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; echo "- -"; rm -f "$t"; return; }
  cat "$t"; rm -f "$t"
}
printf '%-7s %9s %9s %9s %10s %10s %9s %12s %12s\n' format MB kl_s kl_MB kl_MB/s peer_s peer_MB time_ratio mem_ratio
for f in json ndjson csv; do
  case $f in json) in="$work/m.json" ;; ndjson) in="$work/m.ndjson" ;; csv) in="$work/mcsv" ;; esac
  mb=$(du -sm --apparent-size "$in" | awk '{print $1}')
  read -r ks kk < <(measure "$KLUSTER" stats "$in")
  read -r ps pk < <(measure "$PY" "$SHARED/bench/peers/ig_analyze.py" "$in" /dev/null --stop-after=build)
  awk -v f="$f" -v mb="$mb" -v ks="$ks" -v kk="$kk" -v ps="$ps" -v pk="$pk" 'BEGIN{
    printf "%-7s %9d %9.2f %9.0f %10.0f %10.2f %9.0f %12.2f %12.2f\n", f, mb, ks, kk/1024, (ks>0?mb/ks:0), ps, pk/1024, (ks>0?ps/ks:0), (pk>0?kk/pk:0)}'
done
[ -n "${BENCH_DIR:-}" ] || rm -rf "$work"
