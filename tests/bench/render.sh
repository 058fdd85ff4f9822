#!/usr/bin/env bash
# tests/bench/render.sh [ORGS] - diagram benchmark: `kluster render` on three
# views of gen.py --orgs ORGS (default 50000): the 300 most central actors,
# 2,000 actors with sfdp, and the region map.  For each, kluster's own
# phases (load + analysis; select = choosing the view and building the
# cgraph graph; draw = layout + render + write, in-process) and `dot -Tsvg`
# on the DOT file kluster writes for the same view (kluster lays out that
# DOT text as read back, so the drawing is the same; the `dot` command may
# order clusters differently, as its cgraph ids follow string addresses).
# overhead = draw / dot - 1: what kluster adds on top of Graphviz for the
# drawing itself (goal: under 10%).
set -eu
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SHARED="${SHARED:-$ROOT/../shared}"
KLUSTER="${KLUSTER:-$ROOT/kluster}"
PY=/usr/bin/python3
orgs="${1:-50000}"
. "$ROOT/tests/bench/install.sh"
command -v dot >/dev/null || bench_install "render.sh: the dot command" graphviz
work="${BENCH_DIR:-$(mktemp -d)}"
mkdir -p "$work"
ds="$work/m-$orgs.json"
[ -e "$ds" ] || "$PY" "$SHARED/bench/gen.py" --orgs "$orgs" --out "$ds" 2>/dev/null

phase() { awk -v k="$1" '$1 == k || ($1 " " $2) == k { print $(NF-1) }' "$2"; }
printf '%-15s %6s %6s %-6s %8s %9s %8s %8s %8s %9s\n' view nodes edges layout total_s analysis select_s draw_s dot_s overhead
run() {  # name, options...
  local name="$1"; shift
  "$KLUSTER" render "$ds" -q "$@" -o "$work/$name.dot"
  "$KLUSTER" render "$ds" -q -v "$@" -o "$work/$name.svg" 2>"$work/$name.log"
  local t; t="$(mktemp)"
  /usr/bin/time -f "%e" -o "$t" dot -Tsvg "$work/$name.dot" -o "$work/$name.dot.svg" 2>/dev/null
  local dot_s; dot_s="$(tail -1 "$t")"; rm -f "$t"
  local head nodes edges layout
  head="$(head -1 "$work/$name.log")"
  nodes="$(echo "$head" | awk '{print $3}')"; edges="$(echo "$head" | awk '{print $5}')"; layout="$(echo "$head" | awk '{print $NF}')"
  awk -v n="$name" -v nodes="$nodes" -v edges="$edges" -v lay="$layout" -v total="$(phase total "$work/$name.log")" \
      -v an="$(phase analysis "$work/$name.log")" -v sel="$(phase build "$work/$name.log")" \
      -v draw="$(awk '$1 ~ /^(layout|render|write)$/ {s += $2} END {print s}' "$work/$name.log")" -v dot="$dot_s" 'BEGIN{
    printf "%-15s %6d %6d %-6s %8.2f %9.2f %8.3f %8.3f %8.3f %8.1f%%\n", n, nodes, edges, lay, total, an, sel, draw, dot,
      (dot > 0 ? (draw / dot - 1) * 100 : 0)}'
}
run top-300 --top 300
run top-2000-sfdp --top 2000 --layout sfdp
run region-map --region-map
echo "(total = the whole command; analysis = centralities of every actor, 256 sampled sources above 20000 actors;"
echo " dot_s = dot -Tsvg on kluster's DOT of the same view, process start and parsing included)"
[ -n "${BENCH_DIR:-}" ] || rm -rf "$work"
