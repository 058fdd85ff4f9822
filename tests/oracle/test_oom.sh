#!/usr/bin/env bash
# tests/oracle/test_oom.sh - out-of-memory sweep: run kluster with the N-th
# allocation after main() failing (tests/tools/failmalloc.c, LD_PRELOAD),
# for every N from 1 to the number of allocations the command makes, over
# `validate` and `stats` on small datasets of each format.  Every run must
# either behave exactly as without the failure (same exit status, stdout and
# stderr: glibc survives some failures, e.g. a stdio buffer) or exit 1 with
# "out of memory" on stderr; never a signal, a hang or another message.
# Run from the repository root with KLUSTER set (tests/run.sh does).
# Last line: "oom: N passed, M failed".
set -u
ROOT="${ROOT:-$(pwd)}"
KLUSTER="${KLUSTER:-$ROOT/kluster}"
case "$KLUSTER" in /*) ;; *) KLUSTER="$ROOT/$KLUSTER" ;; esac
MAX_RUNS="${OOM_MAX_RUNS:-600}"   # per command; larger counts are strided
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# An ASan build's malloc is ASan's own, which an LD_PRELOAD shim cannot
# replace: sweep the release binary instead when it is there.
if ldd "$KLUSTER" 2>/dev/null | grep -q 'libasan\|libclang_rt.asan'; then
  if [ -x "$ROOT/kluster" ] && ! ldd "$ROOT/kluster" | grep -q libasan; then
    echo "note: $KLUSTER is an ASan build; sweeping $ROOT/kluster"
    KLUSTER="$ROOT/kluster"
  else
    echo "oom: 0 passed, 0 failed (skipped: ASan build, no release binary)"; exit 0
  fi
fi
if ! gcc -shared -fPIC -O1 -o "$tmp/failmalloc.so" "$ROOT/tests/tools/failmalloc.c" -ldl 2>"$tmp/cc.log"; then
  cat "$tmp/cc.log"; echo "oom: 0 passed, 1 failed (cannot build the shim)"; exit 1
fi

# commands: the formats (JSON folder, CSV set, NDJSON), warnings, aliases,
# and a dataset that is itself invalid
cmds=(
  "validate datasets/cleantech-se"
  "stats datasets/cleantech-se"
  "stats tests/cli/equivalence-csv/small"
  "stats tests/cli/equivalence-ndjson/small"
  "validate tests/bad/warn-merge-conflict/data tests/bad/warn-unknown-relation-type/data"
  "stats --resolve-names tests/cli/resolve-names-with/alias.json"
  "validate tests/bad/duplicate-entity-id/input.json"
)

pass=0; fail=0
run() {  # N args... -> rc in $tmp/rc, output in $tmp/out, $tmp/err
  local n="$1"; shift
  # the shim goes to kluster only (through env), not to timeout
  (cd "$ROOT" && timeout 20 env GLIBC_TUNABLES=glibc.malloc.perturb=165 KL_FAIL_AT="$n" \
    KL_FAIL_REPORT="$tmp/report" LD_PRELOAD="$tmp/failmalloc.so" "$KLUSTER" "$@") >"$tmp/out" 2>"$tmp/err" </dev/null
  echo $? >"$tmp/rc"
}
for cmd in "${cmds[@]}"; do
  read -r -a args <<<"$cmd"
  [ -e "$ROOT/${args[-1]}" ] || { echo "skip: $cmd (no input)"; continue; }
  rm -f "$tmp/report"
  run 0 "${args[@]}"
  ref_rc="$(cat "$tmp/rc")"; cp "$tmp/out" "$tmp/ref.out"; cp "$tmp/err" "$tmp/ref.err"
  total="$(cut -d' ' -f1 "$tmp/report" 2>/dev/null)"
  if [ -z "$total" ] || [ "$ref_rc" -ge 2 ]; then
    echo "FAIL $cmd: reference run failed (exit $ref_rc)"; head -3 "$tmp/err"; fail=$((fail + 1)); continue
  fi
  stride=$(( (total + MAX_RUNS - 1) / MAX_RUNS )); [ "$stride" -ge 1 ] || stride=1
  ok=0; bad=0; oom=0
  for ((n = 1; n <= total; n += stride)); do
    rm -f "$tmp/report"
    run "$n" "${args[@]}"
    rc="$(cat "$tmp/rc")"
    why=""
    if [ "$rc" -ge 124 ]; then why="exit $rc (signal or timeout)"
    elif grep -q 'Sanitizer\|runtime error\|double free\|corrupted\|malloc():' "$tmp/err"; then why="memory error"
    elif [ "$rc" = 1 ] && grep -q 'out of memory' "$tmp/err"; then oom=$((oom + 1))
    elif [ "$rc" = "$ref_rc" ] && cmp -s "$tmp/out" "$tmp/ref.out" && cmp -s "$tmp/err" "$tmp/ref.err"; then :
    else why="exit $rc without 'out of memory' and not the normal result"
    fi
    if [ -n "$why" ]; then
      bad=$((bad + 1))
      [ "$bad" -le 5 ] && { echo "FAIL $cmd with allocation $n failing: $why"; head -3 "$tmp/err"; }
    else ok=$((ok + 1)); fi
  done
  echo "$cmd: $total allocations, $ok runs ok ($oom out of memory), $bad failed, stride $stride"
  pass=$((pass + ok)); fail=$((fail + bad))
done
echo "oom: $pass passed, $fail failed"
[ "$fail" = 0 ]
