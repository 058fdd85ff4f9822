#!/usr/bin/env bash
# Interrupted and failing writes leave nothing behind: `kluster analyze -o`,
# `kluster render -o` and `kluster import -o` killed by SIGINT or SIGTERM at several moments
# (while loading, computing, writing) must leave the output folder as it
# was, and a folder that cannot be written (a path under a regular file,
# which fails for root too) gives a clear error and exit 1.
# Last line: "interrupt: N passed, M failed".
set -u
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SHARED="${SHARED:-$ROOT/../shared}"
KLUSTER="${KLUSTER:-$ROOT/kluster}"
case "$KLUSTER" in /*) ;; *) KLUSTER="$ROOT/$KLUSTER" ;; esac
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $1"; fi; }

/usr/bin/python3 "$SHARED/bench/gen.py" --orgs 3000 --out "$work/ds.json" 2>/dev/null
mkdir "$work/out"
for sig in INT TERM; do
  for delay in 0.05 0.3 1.0; do
    for cmd in analyze render; do
      out="$work/out/result.$([ $cmd = analyze ] && echo json || echo svg)"
      "$KLUSTER" $cmd "$work/ds.json" -q -o "$out" 2>/dev/null &
      pid=$!
      sleep "$delay"
      kill -s "$sig" "$pid" 2>/dev/null
      wait "$pid"; rc=$?
      left="$(ls -A "$work/out")"
      # either the command finished first (complete file, exit 0), or it
      # died from the signal and left nothing, or the signal came between
      # the rename that completes the file and the exit: then the file is
      # whole, never a part of one
      if [ "$rc" = 0 ] || [ "$left" = "$(basename "$out")" ]; then
        check "$cmd SIG$sig after ${delay}s: finished, one complete file" '[ "$left" = "$(basename "$out")" ]'
        if [ $cmd = analyze ]; then
          check "$cmd SIG$sig after ${delay}s: the file is whole JSON" \
            '/usr/bin/python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$out"'
        else
          check "$cmd SIG$sig after ${delay}s: the file is whole SVG" \
            '/usr/bin/python3 -c "import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])" "$out"'
        fi
      else
        check "$cmd SIG$sig after ${delay}s: nothing left behind (found: $left)" '[ -z "$left" ]'
      fi
      rm -f "$work/out/"* "$work/out/".* 2>/dev/null
    done
  done
done

# kluster import writes a folder under a temporary name: an interrupt
# while it is written removes it (the CORDIS table takes about a second to
# read; the signal is sent once the temporary folder appears, or after
# `delay` seconds more)
cordis="$SHARED/data/cordis-h2020-participations/h2020_participations.csv"
for sig in INT TERM; do
  for delay in 0 0.02; do
    "$KLUSTER" import -q --map "$ROOT/loaders/maps/cordis-h2020.json" "$cordis" -o "$work/out/imported" >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 3000); do
      compgen -G "$work/out/.imported.tmp-*" >/dev/null && break
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.005
    done
    sleep "$delay"
    kill -s "$sig" "$pid" 2>/dev/null
    wait "$pid"; rc=$?
    left="$(ls -A "$work/out")"
    if [ "$rc" = 0 ]; then
      check "import SIG$sig after ${delay}s: finished, only the dataset folder" '[ "$left" = imported ]'
    else
      check "import SIG$sig after ${delay}s: nothing left behind (found: $left)" '[ -z "$left" ]'
    fi
    rm -rf "$work/out/"* "$work/out/".[!.]* 2>/dev/null
  done
done

touch "$work/regular"
for cmd in analyze render; do
  err="$("$KLUSTER" $cmd "$ROOT/datasets/cleantech-se" -q -o "$work/regular/x.svg" 2>&1 >/dev/null)"; rc=$?
  check "$cmd to a path under a regular file: exit 1" '[ "$rc" = 1 ]'
  check "$cmd to a path under a regular file: says why ($err)" '[[ "$err" == *"is a file, not a folder"* ]]'
done
echo "interrupt: $pass passed, $fail failed"
[ "$fail" = 0 ]
