#!/usr/bin/env bash
# tests/run.sh MODE - kluster's test suite: unit tests with golden output,
# CLI cases (tests/cli, tests/bad) and oracle comparisons (tests/oracle).
#
# Environment: KLUSTER (the binary under test), PYTHON (the interpreter that
# sees Debian's python3-networkx), UNIT_DIR (built unit test binaries),
# ONLY (a substring: run only the cases whose name contains it), VALGRIND=1
# (make valgrind: KLUSTER runs under memcheck; only the CLI cases run, and
# cases with a `slow` marker file are skipped).
#
# A CLI case is a folder holding `args` (the command line after `kluster`,
# evaluated by bash with $ROOT = the repository and $SHARED = ../shared),
# `expected.rc`, and optionally `expected.out`, `expected.err` and a `setup`
# script that makes large or generated inputs.  The case runs in a scratch
# copy of its folder; it must finish within TIMEOUT seconds and must leave no
# file behind that was not there before (no partial output on failure).
set -u
mode="${1:-release}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SHARED="${SHARED:-$(cd "$ROOT/../shared" 2>/dev/null && pwd || echo "$ROOT/../shared")}"
KLUSTER="${KLUSTER:-$ROOT/kluster}"
case "$KLUSTER" in /*) ;; *) KLUSTER="$ROOT/$KLUSTER" ;; esac
PYTHON="${PYTHON:-/usr/bin/python3}"
UNIT_DIR="${UNIT_DIR:-$ROOT/build/$mode/tests/unit}"
case "$UNIT_DIR" in /*) ;; *) UNIT_DIR="$ROOT/$UNIT_DIR" ;; esac
TIMEOUT="${TIMEOUT:-10}"
ONLY="${ONLY:-}"
VALGRIND="${VALGRIND:-0}"
# TEST_MODE lets an oracle leave out, under the sanitizers, a run that only
# repeats on a bigger input what it already checks there (see test_reports.py)
TEST_MODE="$mode"
export ROOT SHARED KLUSTER PYTHON TEST_MODE

pass=0; fail=0; skip=0
failed=()
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); failed+=("$1"); echo "FAIL $1${2:+: $2}"; }

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

# ---------------------------------------------------------------- unit tests
for t in "$ROOT"/tests/unit/*_test.c; do
  [ -e "$t" ] && [ "$VALGRIND" != 1 ] || continue
  name="$(basename "$t" .c)"
  [ -n "$ONLY" ] && [[ "$name" != *"$ONLY"* ]] && continue
  bin="$UNIT_DIR/$name"
  if [ ! -x "$bin" ]; then ko "unit/$name" "not built ($bin)"; continue; fi
  if (cd "$ROOT/tests/unit" && timeout 300 "$bin") >"$scratch/out" 2>"$scratch/err"; then
    if [ -f "${t%.c}.out" ] && ! diff -u "${t%.c}.out" "$scratch/out" >"$scratch/diff"; then
      ko "unit/$name" "output differs"; head -20 "$scratch/diff"
    else ok; fi
  else
    ko "unit/$name" "exit $?"; tail -5 "$scratch/err"
  fi
done

# ----------------------------------------------------------------- CLI cases
run_case() {  # case-dir
  local dir="$1" name work rc want
  name="${dir#$ROOT/tests/}"
  [ -n "$ONLY" ] && [[ "$name" != *"$ONLY"* ]] && return
  if [ -f "$dir/skip-if-root" ] && [ "$(id -u)" = 0 ]; then skip=$((skip + 1)); return; fi
  if [ -f "$dir/slow" ] && [ "$VALGRIND" = 1 ]; then skip=$((skip + 1)); return; fi
  local t0=$SECONDS
  work="$scratch/case"; rm -rf "$work"; cp -a "$dir" "$work"
  # files not copied: permissions are set by setup scripts
  if [ -f "$work/setup" ] && ! (cd "$work" && bash ./setup) >"$scratch/setup.log" 2>&1; then
    ko "$name" "setup failed: $(tail -1 "$scratch/setup.log")"; return
  fi
  (cd "$work" && find . -mindepth 1 -printf '%P\n' | sort) >"$scratch/before"
  local args; args="$(cat "$dir/args")"
  # a `slow` case gets twelve times the time under the sanitizers, which
  # run kluster about 25 times slower than the release build
  local TIMEOUT="$TIMEOUT"
  [ -f "$dir/slow" ] && [ "$mode" = sanitizers ] && TIMEOUT=$((TIMEOUT * 12))
  (cd "$work" && eval "timeout $TIMEOUT \"\$KLUSTER\" $args") >"$scratch/out" 2>"$scratch/err" </dev/null
  rc=$?
  want="$(cat "$dir/expected.rc" 2>/dev/null || echo 0)"
  (cd "$work" && find . -mindepth 1 -printf '%P\n' | sort) >"$scratch/after"
  [ -f "$work/cleanup" ] && (cd "$work" && bash ./cleanup) >/dev/null 2>&1
  if [ "$rc" = 124 ]; then ko "$name" "timed out after ${TIMEOUT}s"; return; fi
  if [ "$rc" -ge 128 ] || grep -q 'Sanitizer\|runtime error' "$scratch/err"; then
    ko "$name" "crashed (exit $rc)"; head -20 "$scratch/err"; return
  fi
  if [ "$rc" != "$want" ]; then ko "$name" "exit $rc, expected $want"; head -5 "$scratch/err"; return; fi
  if [ -f "$dir/expected.out" ] && ! diff -u "$dir/expected.out" "$scratch/out" >"$scratch/diff"; then
    ko "$name" "stdout differs"; head -20 "$scratch/diff"; return
  fi
  if [ -f "$dir/expected.err" ] && ! diff -u "$dir/expected.err" "$scratch/err" >"$scratch/diff"; then
    ko "$name" "stderr differs"; head -20 "$scratch/diff"; return
  fi
  if [ "$want" != 0 ] && [ ! -f "$dir/expected.err" ] && [ ! -s "$scratch/err" ]; then
    ko "$name" "failed without a message"; return
  fi
  if [ "$want" != 0 ] && ! diff -q "$scratch/before" "$scratch/after" >/dev/null; then
    ko "$name" "left files behind: $(comm -13 "$scratch/before" "$scratch/after" | head -3 | tr '\n' ' ')"; return
  fi
  echo "$((SECONDS - t0)) $name" >>"$scratch/times"
  ok
}
for dir in "$ROOT"/tests/cli/*/ "$ROOT"/tests/bad/*/; do
  [ -f "$dir/args" ] || continue
  run_case "${dir%/}"
done

# ------------------------------------------------------------------- oracles
for t in "$ROOT"/tests/oracle/test_*.sh "$ROOT"/tests/oracle/test_*.py; do
  [ -e "$t" ] && [ "$VALGRIND" != 1 ] || continue
  name="oracle/$(basename "$t")"
  [ -n "$ONLY" ] && [[ "$name" != *"$ONLY"* ]] && continue
  case "$t" in *.py) cmd=("$PYTHON" "$t") ;; *) cmd=(bash "$t") ;; esac
  t0=$SECONDS
  if (cd "$ROOT" && "${cmd[@]}") >"$scratch/out" 2>&1; then
    echo "$((SECONDS - t0)) $name" >>"$scratch/times"
    ok; tail -1 "$scratch/out"
  else
    ko "$name" "exit $?"; tail -20 "$scratch/out"
  fi
done

# where the time went: the CI budget is spent here
if [ -s "$scratch/times" ]; then
  echo; echo "slowest ($mode, seconds):"; sort -rn "$scratch/times" | head -8 | sed 's/^/  /'
fi
echo
[ ${#failed[@]} -gt 0 ] && printf 'failed (%s): %s\n' "$mode" "${failed[*]}"
echo "$mode: $pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
