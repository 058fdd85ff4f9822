#!/usr/bin/env bash
# tests/oracle/test_faults.sh - output faults of the commands that print:
# standard output on a full disk (/dev/full) must give "kluster: error:
# cannot write the output: No space left on device" and exit 1, for small
# outputs (caught by the final flush) and large ones (caught while writing).
# Run from the repository root with KLUSTER set.  Last line:
# "faults: N passed, M failed".
# Not here yet (kept as notes for the commands that write files, analyze -o
# and render -o): a folder that cannot be written, SIGINT/SIGTERM during the
# write (no partial file) - see tests/cli/render-* and the owner's list.
set -u
ROOT="${ROOT:-$(pwd)}"
KLUSTER="${KLUSTER:-$ROOT/kluster}"
case "$KLUSTER" in /*) ;; *) KLUSTER="$ROOT/$KLUSTER" ;; esac
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
want_full() {  # args...: stdout to /dev/full must fail cleanly
  (cd "$ROOT" && timeout 60 "$KLUSTER" "$@") >/dev/full 2>"$tmp/err" </dev/null
  local rc=$?
  if [ "$rc" = 1 ] && grep -qx 'kluster: error: cannot write the output: No space left on device' "$tmp/err" &&
     ! grep -q 'Sanitizer\|runtime error' "$tmp/err"; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1)); echo "FAIL kluster $* >/dev/full: exit $rc"; head -5 "$tmp/err"
  fi
}
[ -w /dev/full ] || { echo "faults: 0 passed, 0 failed (no /dev/full)"; exit 0; }
want_full validate datasets/cleantech-se
want_full stats datasets/cleantech-se
want_full stats tests/cli/equivalence-csv/small
want_full --help
want_full stats --help
want_full --version
# larger than stdio's buffer: the write fails before the final flush
python3 - "$tmp/many" <<'PY'
import json, os, sys
os.makedirs(sys.argv[1])
regions = [{"id": "R%05d" % i, "name": "Region number %d with a long name" % i} for i in range(3000)]
ents = [{"id": "e%d" % i, "kind": "organisation", "name": "E%d" % i, "region": r["id"]} for i, r in enumerate(regions)]
rels = [{"source": "e%d" % i, "target": "e%d" % (i + 1), "type": "partner_of"} for i in range(len(ents) - 1)]
json.dump({"regions": regions, "entities": ents, "relations": rels}, open(os.path.join(sys.argv[1], "x.json"), "w"))
PY
want_full stats "$tmp/many"
args=(); for i in $(seq 1 400); do args+=(datasets/cleantech-se); done
want_full validate "${args[@]}"
echo "faults: $pass passed, $fail failed"
[ "$fail" = 0 ]
