#!/usr/bin/env bash
# tests/bench/cordis.sh - the whole CORDIS H2020 participations table (144,726
# rows) end to end: `kluster import` with the shipped map, `kluster analyze`
# with sampled betweenness (--samples K, default 256 like the peers' sampling),
# then ../shared/bench/compare.sh on the JSON extract kluster exports, so
# python-igraph and graph-tool read the very same graph.  One run, side by side.
#
#   tests/bench/cordis.sh [SAMPLES]       (BENCH_DIR=DIR keeps the files)
#
# The peers sample only above 200,000 nodes (../shared/bench/peers/common.py),
# so on these 67,322 they compute exact betweenness; kluster's exact run is
# timed too, for the like-for-like ratio.
set -eu
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SHARED="${SHARED:-$ROOT/../shared}"
KLUSTER="${KLUSTER:-$ROOT/kluster}"
samples="${1:-256}"
work="${BENCH_DIR:-$(mktemp -d)}"
mkdir -p "$work"
table="$SHARED/data/cordis-h2020-participations/h2020_participations.csv"

t() {  # label command... : wall seconds and peak MB of one run
  local f; f="$(mktemp)"
  /usr/bin/time -f "%e %M" -o "$f" "$@" >/dev/null 2>"$work/last.err" || { echo "$1 failed: $(tail -1 "$work/last.err")" >&2; }
  read -r s k <"$f"; rm -f "$f"
  printf '%-44s %8.2f s %7d MB\n' "$label" "$s" "$((k / 1024))"
}
echo "CORDIS H2020: $(($(wc -l <"$table") - 1)) rows, $(du -m --apparent-size "$table" | cut -f1) MB"
label="kluster import (map, CSV -> NDJSON)"; t "$KLUSTER" import -q --map "$ROOT/loaders/maps/cordis-h2020.json" "$table" -o "$work/cordis"
label="kluster analyze --samples $samples (load+all)"; t "$KLUSTER" analyze -q "$work/cordis" --samples "$samples" -o "$work/kl-sampled.json"
label="kluster analyze exact (load+all)"; t "$KLUSTER" analyze -q "$work/cordis" -o "$work/kl-exact.json"
label="kluster export .json"; t "$KLUSTER" export -q "$work/cordis" -o "$work/cordis.json"
label="kluster export .gexf --metrics --samples"; t "$KLUSTER" export -q "$work/cordis" --metrics --samples "$samples" -o "$work/cordis.gexf"
echo
echo "compare.sh on the exported extract, kluster with --samples $samples:"
bash "$SHARED/bench/compare.sh" "$work/cordis.json" --kluster "$KLUSTER" --peers ig,gt -- -q --samples "$samples"
echo
echo "compare.sh on the exported extract, kluster exact:"
bash "$SHARED/bench/compare.sh" "$work/cordis.json" --kluster "$KLUSTER" --peers ig,gt -- -q
[ -n "${BENCH_DIR:-}" ] || rm -rf "$work"
