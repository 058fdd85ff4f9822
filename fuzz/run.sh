#!/usr/bin/env bash
# fuzz/run.sh TARGET... - run each libFuzzer target (build/fuzz/fuzz_TARGET)
# for FUZZ_SECONDS on a temporary copy of its seed corpus fuzz/corpus/TARGET
# (plus small files from ../shared/data): the repository is never written,
# except fuzz-out/ (git-ignored), which keeps each target's log and, on a
# crash, leak or timeout, the reproducer.  Fails when any target fails.
set -u
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SHARED="${SHARED:-$ROOT/../shared}"
SECONDS_EACH="${FUZZ_SECONDS:-60}"
OUT="$ROOT/fuzz-out"
mkdir -p "$OUT"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# extra seeds from the shared test data: real-world CSV quoting, cut to the
# fuzzers' max_len (they are not in kluster's schema; they feed the reader)
shared_seeds() {  # target dir
  [ "$1" = csv ] && [ -d "$SHARED/data" ] || return 0
  local f i=0
  while IFS= read -r f; do
    head -c 65536 "$f" >"$2/shared-$i"; i=$((i + 1))
  done < <(find "$SHARED/data" -name '*.csv' -type f | sort)
}

fail=0
for t in "$@"; do
  bin="$ROOT/build/fuzz/fuzz_$t"
  if [ ! -x "$bin" ]; then echo "fuzz $t: not built ($bin)"; fail=1; continue; fi
  corpus="$work/$t"; mkdir -p "$corpus"
  cp "$ROOT/fuzz/corpus/$t/"* "$corpus/" 2>/dev/null
  shared_seeds "$t" "$corpus"
  dict=(); case "$t" in json|ndjson) dict=(-dict="$ROOT/fuzz/json.dict") ;; csv) dict=(-dict="$ROOT/fuzz/csv.dict") ;; esac
  [ -f "$ROOT/fuzz/$t.dict" ] && dict=(-dict="$ROOT/fuzz/$t.dict")
  mkdir -p "$OUT/$t"
  log="$OUT/$t.log"
  ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}" \
    "$bin" -max_total_time="$SECONDS_EACH" -max_len=65536 -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
      "${dict[@]}" -artifact_prefix="$OUT/$t/" "$corpus" >"$log" 2>&1
  rc=$?
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  cov="$(grep -o 'cov: [0-9]*' "$log" | tail -1)"
  if [ "$rc" = 0 ]; then
    echo "fuzz $t: ok, ${execs:-?} runs in ${SECONDS_EACH}s, ${cov:-cov: ?}"
  else
    fail=1
    echo "fuzz $t: FAILED (exit $rc) after ${execs:-?} runs; reproducer in fuzz-out/$t/, log in fuzz-out/$t.log"
    grep -m1 -A12 'ERROR:\|runtime error\|ALARM\|out-of-memory' "$log"
  fi
done
exit "$fail"
