#!/usr/bin/env bash
# tests/bench/kernel.sh - the path kernel side by side: `kluster analyze -v`
# (exact, every metric, region-pair brokers by the pair rule) against the
# peers' standard analysis (../shared/bench/peers), the median of BENCH_RUNS
# runs each, in one run of this script; then kluster with each reduction of
# the kernel switched off (KLUSTER_KERNEL, see docs/benchmarks.md):
#
#   no-leaves          degree-1 vertices keep passes of their own
#   no-twins           closed twins (the same neighbours and each other) keep
#                      passes of their own
#   separate-brokers   the exact brokers get passes of their own instead of
#                      riding as extra lanes on the metrics' passes
#
# One markdown table per workload: total wall, the paths phase (the peers'
# betweenness), the brokers' share, arc inspections and ns per inspection
# per thread, and peer / kluster ratios (above 1: kluster faster).
#
# Workloads (BENCH_KERNEL_WORKLOADS, default "M20 NORWAY"):
#   M20      gen.py --orgs 20000 --seed 5     (34k actors, 75k ties)
#   M        gen.py --orgs 50000 --seed 5     (85k actors, 188k ties)
#   NORWAY   the Norwegian H2020 import, full mode
#   CORDIS   the CORDIS H2020 import, full mode, --exact (long: the peers'
#            exact betweenness takes minutes)
# Environment: BENCH_RUNS (3), BENCH_PEERS (ig,gt), BENCH_DIR (keep the
# datasets and logs there), KLUSTER, SHARED.
set -u
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SHARED="${SHARED:-$ROOT/../shared}"
KLUSTER="${KLUSTER:-$ROOT/kluster}"
PY=/usr/bin/python3
RUNS="${BENCH_RUNS:-3}"
PEERS="${BENCH_PEERS:-ig,gt}"
WORKLOADS="${BENCH_KERNEL_WORKLOADS:-M20 NORWAY}"
. "$ROOT/tests/bench/install.sh"
bench_install "kernel.sh: the peers" python3-igraph python3-graph-tool
work="${BENCH_DIR:-$(mktemp -d)}"; mkdir -p "$work" || exit 1
[ -n "${BENCH_DIR:-}" ] || trap 'rm -rf "$work"' EXIT

median() { sort -g | awk '{a[NR] = $1} END {if (NR == 0) print "-"; else print a[int((NR + 1) / 2)]}'; }

# dataset NAME: "DATASET EXTRACT", what kluster reads and the extract file
# the peers read (generated or imported once)
dataset() {
  case "$1" in
    M20|M)
      local orgs=20000; [ "$1" = M ] && orgs=50000
      local f="$work/$1.ndjson"
      [ -s "$f" ] || "$PY" "$SHARED/bench/gen.py" --orgs "$orgs" --seed 5 --format ndjson --out "$f" 2>/dev/null
      echo "$f $f" ;;
    NORWAY|CORDIS)
      local map=norway-h2020 csv="$SHARED/data/norway-h2020-participations/dataset.csv"
      [ "$1" = CORDIS ] && map=cordis-h2020 csv="$SHARED/data/cordis-h2020-participations/h2020_participations.csv"
      [ -d "$work/$1" ] || "$KLUSTER" import -q --map "$ROOT/loaders/maps/$map.json" "$csv" -o "$work/$1" >/dev/null
      echo "$work/$1 $work/$1/extract.ndjson" ;;
    *) echo "kernel.sh: unknown workload '$1'" >&2; return 1 ;;
  esac
}

# kluster_runs TAG DATASET [ENV]: RUNS runs of analyze -v, one "total paths lanes brokers arcs" line each
kluster_runs() {
  local tag="$1" ds="$2" env="${3:-}" i
  for i in $(seq "$RUNS"); do
    env KLUSTER_KERNEL="$env" "$KLUSTER" analyze -v -q --exact "$ds" -o /dev/null 2>"$work/$tag.$i.err" >/dev/null ||
      { echo "kernel.sh: kluster $tag failed: $(tail -1 "$work/$tag.$i.err")" >&2; continue; }
    awk '/^  paths /{p = $2; a = $4; if (match($0, /lanes [0-9.]+/)) l = substr($0, RSTART + 6, RLENGTH - 6)}
         /^  brokers /{b = $2} /^  total /{t = $2}
         END {print t, p, (l == "" ? 0 : l), b, a}' "$work/$tag.$i.err"
  done >"$work/$tag.rows"
}

# peer_runs NAME SCRIPT DATASET: RUNS runs, one "total betweenness" line each
peer_runs() {
  local name="$1" script="$2" ds="$3" i
  for i in $(seq "$RUNS"); do
    local t0 t1
    t0=$(date +%s.%N)
    "$PY" "$SHARED/bench/peers/$script" "$ds" "$work/$name.json" >/dev/null 2>"$work/$name.err" ||
      { echo "kernel.sh: $name failed: $(tail -1 "$work/$name.err")" >&2; continue; }
    t1=$(date +%s.%N)
    "$PY" -c 'import json, sys; s = json.load(open(sys.argv[1])).get("seconds", {}); print(sys.argv[2], s.get("betweenness", "-"))' \
      "$work/$name.json" "$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b - a}')"
  done >"$work/$name.rows"
}

col() { awk -v c="$2" '{print $c}' "$work/$1.rows" | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b}'; }

for w in $WORKLOADS; do
  read -r ds extract <<<"$(dataset "$w")" || continue
  echo
  echo "== path kernel: $w, exact, median of $RUNS runs"
  kluster_runs kl "$ds"
  kluster_runs noleaves "$ds" no-leaves
  kluster_runs notwins "$ds" no-twins
  kluster_runs separate "$ds" separate-brokers
  case ",$PEERS," in *,ig,*) peer_runs ig ig_analyze.py "$extract" ;; esac
  case ",$PEERS," in *,gt,*) peer_runs gt gt_analyze.py "$extract" ;; esac
  threads=$(nproc)
  T=$(col kl 1); P=$(col kl 2); L=$(col kl 3); B=$(col kl 4); A=$(col kl 5)
  ns=$(awk -v p="$P" -v a="$A" -v t="$threads" 'BEGIN{if (a > 0) printf "%.2f", p * t * 1e9 / a; else print "-"}')
  printf '| %s | kluster | no leaf folding | no twins | separate broker passes |' "$w"
  for p in ig gt; do [ -s "$work/$p.rows" ] && printf ' %s |' "$([ $p = ig ] && echo python-igraph || echo graph-tool)"; done
  echo; printf '|---|---:|---:|---:|---:|'; for p in ig gt; do [ -s "$work/$p.rows" ] && printf -- '---:|'; done; echo
  printf '| total wall, s | %s | %s | %s | %s |' "$T" "$(col noleaves 1)" "$(col notwins 1)" "$(col separate 1)"
  for p in ig gt; do [ -s "$work/$p.rows" ] && printf ' %s |' "$(col $p 1)"; done; echo
  printf '| paths (peers: betweenness), s | %s | %s | %s | %s |' "$P" "$(col noleaves 2)" "$(col notwins 2)" "$(col separate 2)"
  for p in ig gt; do [ -s "$work/$p.rows" ] && printf ' %s |' "$(col $p 2)"; done; echo
  printf '| brokers, s | %s in the paths + %s | %s + %s | %s + %s | %s |' "$L" "$B" "$(col noleaves 3)" "$(col noleaves 4)" \
    "$(col notwins 3)" "$(col notwins 4)" "$(col separate 4)"
  for p in ig gt; do [ -s "$work/$p.rows" ] && printf ' |'; done; echo
  printf '| arc inspections | %s | %s | %s | %s |' "$A" "$(col noleaves 5)" "$(col notwins 5)" "$(col separate 5)"
  for p in ig gt; do [ -s "$work/$p.rows" ] && printf ' |'; done; echo
  printf '| ns per inspection per thread (%s threads) | %s | | | |' "$threads" "$ns"
  for p in ig gt; do [ -s "$work/$p.rows" ] && printf ' |'; done; echo
  printf '| total: run / kluster | 1.00 | %s | %s | %s |' "$(ratio "$(col noleaves 1)" "$T")" "$(ratio "$(col notwins 1)" "$T")" \
    "$(ratio "$(col separate 1)" "$T")"
  for p in ig gt; do [ -s "$work/$p.rows" ] && printf ' %s |' "$(ratio "$(col $p 1)" "$T")"; done; echo
  echo "brokers / paths: $(ratio "$L" "$P")"
  rm -f "$work"/*.rows
done
