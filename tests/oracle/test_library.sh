#!/usr/bin/env bash
# tests/oracle/test_library.sh - libkluster as a program outside the command
# uses it: `make install PREFIX=` a scratch folder, tests/lib/first_run.c built
# with `pkg-config --cflags --libs kluster` against the installed kluster.h
# and libkluster.a only, and its analysis JSON byte for byte what `kluster
# analyze --format json` writes, on the shipped dataset and the Norwegian
# import, in full and organisations mode, with and without --weights.
set -u
ROOT="${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}"
SHARED="${SHARED:-$ROOT/../shared}"
KLUSTER="${KLUSTER:-$ROOT/kluster}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
check() { if [ "$2" = 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $1"; fi; }

make -s -C "$ROOT" install PREFIX="$tmp/root" >"$tmp/install.log" 2>&1
check "make install" $?
inc="$tmp/root/include/kluster"
for f in kluster.h engine/graph.h i18n/i18n.h loaders/loaders.h analysis/analysis.h viz/viz.h writers/writers.h pipeline/pipeline.h; do
  [ -f "$inc/$f" ]; check "installed $f" $?
done
[ -f "$tmp/root/lib/libkluster.a" ] && [ -f "$tmp/root/lib/pkgconfig/kluster.pc" ]
check "installed libkluster.a and kluster.pc" $?
# the installed headers alone: no header of a module reaches one that is not installed
pc="$tmp/root/lib/pkgconfig"
cflags="$(PKG_CONFIG_PATH="$pc" pkg-config --cflags kluster)"
libs="$(PKG_CONFIG_PATH="$pc" pkg-config --libs kluster)"
(cd "$tmp" && cc -std=c11 -Wall -Wextra -Werror $cflags -o first_run "$ROOT/tests/lib/first_run.c" $libs) >"$tmp/cc.log" 2>&1
check "first_run.c builds against the installed library" $?
[ -x "$tmp/first_run" ] || { cat "$tmp/cc.log" "$tmp/install.log" | tail -20; echo "library oracle: $pass passed, $((fail + 1)) failed"; exit 1; }

datasets=("$ROOT/datasets/cleantech-se")
norway="$SHARED/data/norway-h2020-participations/dataset.csv"
if [ -f "$norway" ] && "$KLUSTER" import -q --map "$ROOT/loaders/maps/norway-h2020.json" "$norway" -o "$tmp/norway"; then
  datasets+=("$tmp/norway")
else
  echo "no Norwegian import: $norway missing"
fi
for ds in "${datasets[@]}"; do
  for opts in "" "--weights" "--mode organisations" "--mode organisations --weights"; do
    # shellcheck disable=SC2086
    "$tmp/first_run" "$ds" $opts >"$tmp/lib.json" 2>"$tmp/lib.err"
    rc=$?
    # shellcheck disable=SC2086
    "$KLUSTER" analyze -q "$ds" --format json $opts >"$tmp/cli.json"
    [ $rc = 0 ] && cmp -s "$tmp/lib.json" "$tmp/cli.json"
    check "$(basename "$ds") ${opts:-(defaults)}: the library's JSON is analyze's" $?
  done
done
echo "library oracle: $pass passed, $fail failed"
[ "$fail" = 0 ]
