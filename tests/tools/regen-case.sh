#!/usr/bin/env bash
# tests/tools/regen-case.sh CASE... - rewrite tests/cli/CASE/expected.out and
# expected.err from the current ./kluster, the way tests/run.sh runs a case
# (scratch copy, setup script, args evaluated by bash).  Review the diff with
# `git diff tests/cli` before committing: a golden file changes only when a
# definition or a summation order changes.
set -eu
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SHARED="${SHARED:-$(cd "$ROOT/../shared" 2>/dev/null && pwd || echo "$ROOT/../shared")}"
KLUSTER="${KLUSTER:-$ROOT/kluster}"
export ROOT SHARED KLUSTER
for name in "$@"; do
  dir="$ROOT/tests/cli/${name#tests/cli/}"
  [ -f "$dir/args" ] || { echo "regen-case: no case '$name'" >&2; exit 2; }
  work="$(mktemp -d)"; cp -a "$dir/." "$work"
  if [ -f "$work/setup" ]; then (cd "$work" && bash ./setup) >/dev/null; fi
  set +e
  (cd "$work" && eval "\"\$KLUSTER\" $(cat "$dir/args")") >"$work/.out" 2>"$work/.err" </dev/null
  rc=$?
  set -e
  [ -f "$dir/expected.out" ] && cp "$work/.out" "$dir/expected.out"
  [ -f "$dir/expected.err" ] && cp "$work/.err" "$dir/expected.err"
  echo "$name: exit $rc (expected $(cat "$dir/expected.rc" 2>/dev/null || echo 0))"
  rm -rf "$work"
done
