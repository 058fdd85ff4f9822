#!/usr/bin/env bash
# tests/bench/run.sh - `make bench`: kluster side by side with the peers in
# ../shared/bench (python-igraph, graph-tool), one run, ratios not seconds.
#
#   1. loaders: `kluster stats` vs the peers' parse+build on gen.py --orgs 50000
#      in JSON, NDJSON and CSV (tests/bench/load.sh);
#   2. analyze: end to end on gen.py --orgs 20000 with exact betweenness
#      (../shared/bench/compare.sh, which also checks that results agree);
#   3. the path kernel: medians of 3 runs side by side, ns per arc inspection,
#      each reduction switched off (tests/bench/kernel.sh);
#   4. hash flooding: `kluster validate` on ids crafted to collide in the old
#      unkeyed string hash vs random ids, goal at most 3x (tests/bench/hashflood.sh).
# Set BENCH_QUICK=1 to use --orgs 2000 for both (a smoke run; 20000 ids for 4).
set -eu
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SHARED="${SHARED:-$ROOT/../shared}"
export SHARED KLUSTER="${KLUSTER:-$ROOT/kluster}"
PY=/usr/bin/python3
. "$ROOT/tests/bench/install.sh"
bench_install "bench: the peers" python3-igraph python3-graph-tool
work="${BENCH_DIR:-$(mktemp -d)}"; mkdir -p "$work"
load_orgs=50000; an_orgs=20000
[ -n "${BENCH_QUICK:-}" ] && load_orgs=2000 && an_orgs=2000

echo "== loaders: kluster stats vs python-igraph parse+build, gen.py --orgs $load_orgs"
BENCH_DIR="$work/load-$load_orgs" bash "$ROOT/tests/bench/load.sh" "$load_orgs"

echo
echo "== analyze end to end (exact betweenness), gen.py --orgs $an_orgs"
ds="$work/an-$an_orgs.json"
[ -e "$ds" ] || "$PY" "$SHARED/bench/gen.py" --orgs "$an_orgs" --out "$ds" 2>/dev/null
bash "$SHARED/bench/compare.sh" "$ds" --kluster "$KLUSTER" --peers ig,gt

[ -n "${BENCH_QUICK:-}" ] || BENCH_DIR="$work" bash "$ROOT/tests/bench/kernel.sh"

echo
echo "== hash flooding: validate on crafted vs random ids"
rc=0
BENCH_DIR="$work/hashflood" bash "$ROOT/tests/bench/hashflood.sh" || rc=1
[ -n "${BENCH_DIR:-}" ] || rm -rf "$work"
exit $rc
