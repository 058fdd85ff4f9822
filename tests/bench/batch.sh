#!/usr/bin/env bash
# tests/bench/batch.sh [N] [ORGS] - `kluster batch` parallelism: N (default
# 20) gen.py --orgs ORGS (default 2000) datasets, each in its own folder of
# one collection, batched with -j 1 (one by one) and with -j 2, both with
# --force (everything redone: load, analysis, files, diagrams, report).
# Goal (project issue 7): the -j 2 run takes at most 0.6x the -j 1 run.
# Also shown: N separate `kluster batch` runs, one per dataset, for scale.
# Prints the ratio; exits non-zero when it is above 0.6.
set -eu
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SHARED="${SHARED:-$ROOT/../shared}"
KLUSTER="${KLUSTER:-$ROOT/kluster}"
PY=/usr/bin/python3
n="${1:-20}"
orgs="${2:-2000}"
work="${BENCH_DIR:-$(mktemp -d)}"
mkdir -p "$work/data"
for i in $(seq 1 "$n"); do
  d="$work/data/ds$(printf %02d "$i")"
  mkdir -p "$d"
  [ -e "$d/extract.json" ] || "$PY" "$SHARED/bench/gen.py" --orgs "$orgs" --seed "$i" --out "$d/extract.json" 2>/dev/null
done
secs() { local t0 t1; t0=$(date +%s.%N); "$@"; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }
# the machine's load during the runs: parallel speed-up needs idle CPUs
load() { cut -d' ' -f1 /proc/loadavg; }
rm -rf "$work/out1" "$work/out2" "$work/outs"
"$KLUSTER" batch "$work/data/ds01" -o "$work/warm" -q --force >/dev/null 2>&1 || true # page cache, libraries
t1=$(secs "$KLUSTER" batch "$work/data" -o "$work/out1" -j 1 -q --force)
t2=$(secs "$KLUSTER" batch "$work/data" -o "$work/out2" -j 2 -q --force)
ts=$(secs bash -c 'for d in "$1"/data/ds*; do "$2" batch "$d" -o "$1/outs" -q --force -j 1 || exit 1; done' _ "$work" "$KLUSTER")
ratio=$(echo "$t2 / $t1" | bc -l)
l=$(load)
printf 'batch of %d gen.py --orgs %d datasets (%d CPUs)\n' "$n" "$orgs" "$(nproc)"
printf '  -j 1 (one by one)         %7.2f s\n' "$t1"
printf '  -j 2                      %7.2f s\n' "$t2"
printf '  %d separate runs           %7.2f s\n' "$n" "$ts"
printf '  ratio -j 2 / -j 1         %7.3f   (goal <= 0.6)\n' "$ratio"
printf '  load average after        %7s   (on %d CPUs; above 0.5 the ratio is not meaningful)\n' "$l" "$(nproc)"
[ -n "${BENCH_DIR:-}" ] || rm -rf "$work"
[ "$(echo "$ratio <= 0.6" | bc -l)" = 1 ]
