#!/usr/bin/env bash
# tests/oracle/test_hash_key.sh - the key of the hash tables never shows:
# every command run under two KLUSTER_HASH_KEY values (and a malformed one)
# on the shipped cleantech-se and on a real import (the Norwegian H2020
# participations) writes byte-identical output.  A table walked in bucket
# order into any output would differ between the keys.  Run from the
# repository root with $KLUSTER and $SHARED.
set -u
KLUSTER="${KLUSTER:-./kluster}"
case "$KLUSTER" in /*) ;; *) KLUSTER="$PWD/$KLUSTER" ;; esac
SHARED="${SHARED:-../shared}"
pass=0; fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL $*"; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
KEY_A=000102030405060708090a0b0c0d0e0f
KEY_B=f0e1d2c3b4a5968778695a4b3c2d1e0f

# run KEY DIR ARGS...: kluster in DIR (outputs land there), stdout and
# stderr kept as files; -o names are relative to DIR
run() {
  local key="$1" dir="$2"; shift 2
  mkdir -p "$dir"
  (cd "$dir" && KLUSTER_HASH_KEY="$key" "$KLUSTER" "$@" >stdout 2>stderr; echo $? >rc)
}

# same LABEL DATASET ARGS...: the whole output folder alike under both keys
same() {
  local label="$1"; shift
  run $KEY_A "$work/a/$label" "$@"
  run $KEY_B "$work/b/$label" "$@"
  if [ "$(cat "$work/a/$label/rc")" != 0 ]; then
    ko "$label: exit $(cat "$work/a/$label/rc"): $(head -1 "$work/a/$label/stderr")"
  elif diff -r "$work/a/$label" "$work/b/$label" >"$work/diff" 2>&1; then
    ok
  else
    ko "$label: output depends on the hash key"; head -5 "$work/diff"
  fi
}

datasets=("$PWD/datasets/cleantech-se")
NO="$SHARED/data/norway-h2020-participations/dataset.csv"
if [ -f "$NO" ]; then
  # the import itself, under both keys, then the rest on it
  same import-norway import -q --map "$PWD/loaders/maps/norway-h2020.json" "$NO" -o norway
  datasets+=("$work/a/import-norway/norway")
else
  echo "note: $NO missing, real import skipped"
fi

for ds in "${datasets[@]}"; do
  n="$(basename "$ds")"
  same "$n-validate" validate "$ds"
  same "$n-stats" stats "$ds"
  for f in json csv md; do same "$n-analyze-$f" analyze -q --format "$f" --top 50 "$ds"; done
  same "$n-analyze-org" analyze -q --mode organisations "$ds"
  same "$n-bridges" bridges -q "$ds"
  same "$n-whatif" whatif -q --rank --top 20 "$ds"
  for f in graphml gexf gml net csv json ndjson; do same "$n-export-$f" export -q "$ds" -o "out.$f"; done
  same "$n-export-metrics" export -q --metrics "$ds" -o out.json
  same "$n-export-partitions" export -q --partitions 4 "$ds" -o parts
  same "$n-render-dot" render -q "$ds" -o out.dot
  same "$n-render-svg" render -q --top 30 "$ds" -o out.svg
  same "$n-render-map" render -q --region-map "$ds" -o out.svg
  same "$n-render-geo" render -q --geo "$ds" -o out.svg
  same "$n-render-heatmap" render -q --heatmap "$ds" -o out.svg
done

# a malformed key is a usage error, named
for bad in xyz 000102030405060708090a0b0c0d0e0 000102030405060708090a0b0c0d0e0g; do
  if KLUSTER_HASH_KEY=$bad "$KLUSTER" validate datasets/cleantech-se >/dev/null 2>"$work/err"; then
    ko "KLUSTER_HASH_KEY=$bad accepted"
  elif [ $? = 2 ] && grep -q "^kluster: error: invalid KLUSTER_HASH_KEY '$bad' (32 hex digits)$" "$work/err"; then
    ok
  else
    ko "KLUSTER_HASH_KEY=$bad: $(head -1 "$work/err")"
  fi
done

echo "test_hash_key: $pass passed, $fail failed"
[ "$fail" = 0 ]
