#!/usr/bin/env bash
# tests/oracle/test_batch.sh - `kluster batch` end to end (run from the repo
# root by tests/run.sh, with KLUSTER set):
#   1. datasets/cleantech-se, a gen.py --orgs 2000 dataset and a broken one:
#      the two good ones complete with every output file, the broken one is
#      reported in summary.json and index.html, the exit status is 1;
#   2. a re-run skips the unchanged datasets, --force redoes them;
#   3. ids are sanitised (a dataset.id of ../../etc stays inside OUTDIR) and
#      made unique; a collection folder expands; other files are noted;
#   4. a batch killed mid-run (SIGTERM to kluster, then SIGKILL to the whole
#      process group) leaves no partial file, and a re-run completes;
#   5. over time: the Norwegian import (relations dated 2014-2027) gets the
#      "Over time" section and trend.json, which is byte-identical to
#      `kluster trend` with the same options (the section comes from the one
#      trend computation), whose numbers the section's tables give
#      (check_batch_trend.py); the same bytes with -j 1 and -j 2 and on a
#      re-run; a dataset dated in one year (cleantech-se) or not at all
#      (tests/data/geo-three) has no section; --no-trend removes it, and
#      redoes the dataset (the option is part of the input hash);
#   6. report.html opens in headless Chromium without console errors and its
#      screenshot is not blank; names are HTML-escaped; nothing external.
# Last line: "batch: N passed, M failed"; exit status non-zero on failure.
set -u
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
KLUSTER="${KLUSTER:-$ROOT/kluster}"
case "$KLUSTER" in /*) ;; *) KLUSTER="$ROOT/$KLUSTER" ;; esac
PYTHON="${PYTHON:-/usr/bin/python3}"
SHARED="${SHARED:-$ROOT/../shared}"
GEN="$SHARED/bench/gen.py"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
pass=0; fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1${2:+: $2}"; }
check() { local name="$1"; shift; if "$@" >"$work/check.log" 2>&1; then ok "$name"; else ko "$name" "$(tail -3 "$work/check.log" | tr '\n' ' ')"; fi; }

# ------------------------------------------------------------------ inputs
mkdir -p "$work/in"
"$PYTHON" "$GEN" --orgs 2000 --seed 3 --out "$work/in/synth.json" >/dev/null 2>&1 || { echo "cannot run $GEN"; echo "batch: 0 passed, 1 failed"; exit 1; }
# a wrong kind: the loader's error must reach the summary
printf '{"entities":[{"id":"a","kind":"organization","name":"A"}],"relations":[]}\n' >"$work/in/broken.json"
# hostile names and a hostile dataset id
"$PYTHON" - "$work/in/hostile.json" <<'EOF'
import json, sys
bad = '<script>alert(1)</script>"\'&<img src=x onerror=alert(2)>'
d = {"format": "collab-extract/1", "dataset": {"id": "../../etc", "title": "Hostile " + bad},
     "sources": [{"id": "s1", "title": "Source " + bad, "url": "javascript:alert(3)"},
                 {"id": "s2", "title": "Good source", "url": "https://example.org/a?b=1&c=<2>"}],
     "regions": [{"id": "R1", "name": "Region " + bad}, {"id": "R2", "name": "Other</td>"}],
     "entities": [{"id": "a", "kind": "organisation", "name": "A " + bad, "region": "R1"},
                  {"id": "b", "kind": "organisation", "name": "B</style>", "region": "R2"},
                  {"id": "p", "kind": "project", "name": "P <!-- x -->"},
                  {"id": "c", "kind": "organisation", "name": "C \u0001\u0085", "region": "R1"}],
     "relations": [{"source": "a", "target": "p", "type": "participates_in",
                    "evidence": [{"source": "s1", "quote": "quote " + bad}]},
                   {"source": "b", "target": "p", "type": "participates_in",
                    "evidence": [{"source": "s2", "quote": "</blockquote><script>x()</script>"}]},
                   {"source": "c", "target": "a", "type": "partner_of"}]}
json.dump(d, open(sys.argv[1], "w"))
EOF

# files that must exist in a complete dataset folder, and their endings
complete_folder() {  # dir
  local d="$1" f
  for f in report.html report.md analysis.json actors.csv region_pairs.csv diagram.svg region-map.svg heatmap.svg .kluster-input-hash .kluster-status.json; do
    [ -s "$d/$f" ] || { echo "missing $d/$f"; return 1; }
  done
}
# no temporary file anywhere, and every file under its final name complete
no_partial() {  # outdir
  "$PYTHON" - "$1" <<'EOF'
import json, os, re, sys
bad = []
for dirpath, dirs, files in os.walk(sys.argv[1]):
    for f in files:
        p = os.path.join(dirpath, f)
        data = open(p, "rb").read()
        if re.fullmatch(r"\..+\.[A-Za-z0-9]{6}", f):
            bad.append("temporary file " + p)
        elif f.endswith(".json"):
            try:
                json.loads(data)
            except Exception as e:
                bad.append("incomplete JSON %s: %s" % (p, e))
        elif f.endswith(".html") and not data.rstrip().endswith(b"</html>"):
            bad.append("incomplete HTML " + p)
        elif f.endswith(".svg") and not data.rstrip().endswith(b"</svg>"):
            bad.append("incomplete SVG " + p)
        elif f.endswith((".csv", ".md")) and not data.endswith(b"\n"):
            bad.append("incomplete " + p)
        elif f == ".kluster-input-hash" and not re.fullmatch(rb"[0-9a-f]{64}", data):
            bad.append("incomplete hash " + p)
print("\n".join(bad))
sys.exit(1 if bad else 0)
EOF
}
status_of() {  # summary id -> status
  "$PYTHON" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(" ".join(x["status"] for x in d["datasets"] if x["id"]==sys.argv[2]))' "$1" "$2"
}

# ------------------------------------------- 1. two good, one broken dataset
out="$work/out"
"$KLUSTER" batch "$ROOT/datasets/cleantech-se" "$work/in/synth.json" "$work/in/broken.json" -o "$out" -j 2 \
  >"$work/run1.out" 2>"$work/run1.err"
rc=$?
[ -n "${BATCH_DEBUG:-}" ] && cat "$work/run1.err" && cat "$out"/*/.kluster-status.json
check "exit status 1 when a dataset fails" test "$rc" = 1
check "cleantech-se complete" complete_folder "$out/cleantech-se"
check "synthetic dataset complete" complete_folder "$out/synthetic-2000-3"
check "statuses in summary.json" test "$(status_of "$out/summary.json" cleantech-se) $(status_of "$out/summary.json" synthetic-2000-3) $(status_of "$out/summary.json" broken)" = "ok ok failed"
check "broken dataset's error in summary.json" grep -q "unknown kind 'organization'" "$out/summary.json"
check "broken dataset's error in index.html" grep -q "unknown kind &#39;organization&#39;" "$out/index.html"
check "broken dataset's error on stderr" grep -q "broken: failed: .*unknown kind" "$work/run1.err"
check "index links the reports" grep -q 'href="cleantech-se/report.html"' "$out/index.html"
check "summary has counts and top brokers" "$PYTHON" -c '
import json,sys; d=json.load(open(sys.argv[1]))
c=d["counts"]; assert (c["datasets"],c["ok"],c["failed"])==(3,2,1), c
x=[e for e in d["datasets"] if e["id"]=="cleantech-se"][0]
assert x["actors"]==47 and x["top_brokers"][0]["id"]=="east-sweden-cluster", x
' "$out/summary.json"
check "analysis.json equals kluster analyze" cmp "$out/cleantech-se/analysis.json" <("$KLUSTER" analyze -q "$ROOT/datasets/cleantech-se")
check "report has the sections" grep -q 'id="fragile"' "$out/cleantech-se/report.html"
check "report shows evidence quotes" grep -q '<q>' "$out/cleantech-se/report.html"
check "no partial files after a normal run" no_partial "$out"

# --------------------------------------------------- 2. re-run and --force
"$KLUSTER" batch "$ROOT/datasets/cleantech-se" "$work/in/synth.json" "$work/in/broken.json" -o "$out" >/dev/null 2>&1
rc=$?
check "re-run: exit 1 (broken still broken)" test "$rc" = 1
check "re-run skips unchanged datasets" test "$(status_of "$out/summary.json" cleantech-se) $(status_of "$out/summary.json" synthetic-2000-3)" = "unchanged unchanged"
"$KLUSTER" batch "$ROOT/datasets/cleantech-se" -o "$out" --force -q 2>"$work/force.err"
check "--force redoes it" test "$(status_of "$out/summary.json" cleantech-se)" = ok
check "--quiet prints nothing" test ! -s "$work/force.err"
"$KLUSTER" batch "$ROOT/datasets/cleantech-se" -o "$out" --top 5 -q
check "a changed option redoes it" test "$(status_of "$out/summary.json" cleantech-se)" = ok

# ------------------------------------ 3. ids, collections, skipped inputs
mkdir -p "$work/coll/one" "$work/coll/two" "$work/coll/empty"
cp "$work/in/hostile.json" "$work/coll/one/"
cp "$ROOT"/datasets/cleantech-se/*.json "$work/coll/two/"
echo "notes" >"$work/coll/README.txt"
mkdir -p "$work/safe"
"$KLUSTER" batch "$work/coll" "$work/in/hostile.json" "$work/in/hostile.json" -o "$work/safe/out" -j 2 >/dev/null 2>"$work/ids.err"
rc=$?
check "collection batch succeeds" test "$rc" = 0
check "collection folders become datasets" test -f "$work/safe/out/one/report.html" -a -f "$work/safe/out/two/report.html"
check "dataset id ../../etc sanitised" test -f "$work/safe/out/etc/report.html" -a -f "$work/safe/out/etc-2/report.html"
check "nothing written outside OUTDIR" test "$(ls -A "$work/safe")" = out
check "skipped inputs noted" "$PYTHON" -c '
import json,sys; d=json.load(open(sys.argv[1])); r={s["path"].rsplit("/",1)[1]:s["reason"] for s in d["skipped"]}
assert "README.txt" in r and "empty" in r, r' "$work/safe/out/summary.json"
# a symbolic link planted as a dataset folder is refused, not followed
mkdir -p "$work/victim" "$work/sym/out"
ln -s "$work/victim" "$work/sym/out/cleantech-se"
"$KLUSTER" batch "$ROOT/datasets/cleantech-se" -o "$work/sym/out" -q >/dev/null 2>&1
rc=$?
check "symlinked dataset folder refused" test "$rc" = 1 -a -z "$(ls -A "$work/victim")"

# -------------------------------------------------------- 4. interruption
# a collection: one folder per dataset
for i in 1 2 3 4 5 6; do
  mkdir -p "$work/many/s$i"
  "$PYTHON" "$GEN" --orgs 2000 --seed "$((10 + i))" --out "$work/many/s$i/extract.json" >/dev/null 2>&1
done
int="$work/int"
"$KLUSTER" batch "$work/many" -o "$int" -j 2 -q >/dev/null 2>&1 &
pid=$!
sleep 1.2
kill -TERM "$pid"
wait "$pid"
rc=$?
check "SIGTERM: exit status 143" test "$rc" = 143
check "SIGTERM: no partial files" no_partial "$int"
check "SIGTERM: summary says interrupted" "$PYTHON" -c '
import json,sys; d=json.load(open(sys.argv[1])); assert d["interrupted"] and d["counts"]["interrupted"]>0, d["counts"]' "$int/summary.json"
# SIGKILL to the whole process group: nobody gets to clean up
setsid "$KLUSTER" batch "$work/many" -o "$int" -j 2 --force -q >/dev/null 2>&1 &
pid=$!
sleep 1.5
kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid"
wait "$pid" 2>/dev/null
sleep 0.2
check "SIGKILL: no partial files" no_partial "$int"
"$KLUSTER" batch "$work/many" -o "$int" -j 2 -q >/dev/null 2>&1
rc=$?
check "re-run after the kill completes" test "$rc" = 0
check "re-run: every dataset done" "$PYTHON" -c '
import json,sys; d=json.load(open(sys.argv[1])); s=[x["status"] for x in d["datasets"]]
assert len(s)==6 and all(x in ("ok","unchanged") for x in s), s' "$int/summary.json"
check "re-run: all folders complete" bash -c 'for i in 1 2 3 4 5 6; do [ -s "$1/s$i/report.html" ] && [ -s "$1/s$i/.kluster-input-hash" ] || exit 1; done' _ "$int"
check "re-run: no partial files" no_partial "$int"

# ---------------------------------------------------------- 5. over time
no_section() {  # dataset folder: nothing about time
  [ ! -e "$1/trend.json" ] && [ ! -e "$1/trend-brokers.svg" ] && [ ! -e "$1/trend-maps.svg" ] && ! grep -q "Over time" "$1/report.md" &&
    ! grep -q 'id="time"\|over time' "$1/report.html"
}
check "one year of dates (cleantech-se): no over-time section" no_section "$out/cleantech-se"
"$KLUSTER" batch "$ROOT/tests/data/geo-three" -o "$work/nodates" -q
check "no dates (geo-three): no over-time section" no_section "$work/nodates/geo-three"
NORWAY_CSV="$SHARED/data/norway-h2020-participations/dataset.csv"
norway_page=
if [ ! -f "$NORWAY_CSV" ]; then
  echo "skip over time on Norway: $NORWAY_CSV is missing (the shared data is not there)"
else
  norway="$work/norway"
  "$KLUSTER" import -q --map "$ROOT/loaders/maps/norway-h2020.json" "$NORWAY_CSV" -o "$norway" >/dev/null
  # both sets of options in the release pass; under the sanitizers the
  # second alone (the checks after the loop follow on from it)
  option_sets=("" "--top 5 --seed 7 --mode organisations")
  [ "${TEST_MODE:-release}" = sanitizers ] && option_sets=("--top 5 --seed 7 --mode organisations")
  for opts in "${option_sets[@]}"; do
    tag="${opts:+ ($opts)}"
    # shellcheck disable=SC2086 # the options are words
    "$KLUSTER" batch "$norway" "$ROOT/datasets/cleantech-se" -o "$work/t1" -j 1 -q --force $opts
    # shellcheck disable=SC2086
    "$KLUSTER" batch "$norway" "$ROOT/datasets/cleantech-se" -o "$work/t2" -j 2 -q --force $opts
    d1="$work/t1/norway-h2020" d2="$work/t2/norway-h2020"
    check "Norway$tag: trend.json written" test -s "$d1/trend.json"
    # shellcheck disable=SC2086
    check "Norway$tag: trend.json = kluster trend" cmp "$d1/trend.json" <("$KLUSTER" trend -q $opts "$norway")
    check "Norway$tag: the section's tables = trend.json" "$PYTHON" "$ROOT/tests/oracle/check_batch_trend.py" "$d1"
    # the figures: the bytes `kluster trend --chart/--maps` writes (one path)
    # shellcheck disable=SC2086
    "$KLUSTER" trend -q $opts "$norway" --chart "$work/chart.svg" --maps "$work/maps.svg"
    check "Norway$tag: trend-brokers.svg = kluster trend --chart" cmp "$d1/trend-brokers.svg" "$work/chart.svg"
    check "Norway$tag: trend-maps.svg = kluster trend --maps" cmp "$d1/trend-maps.svg" "$work/maps.svg"
    check "Norway$tag: report.md shows the chart, links the maps" bash -c 'grep -q "](trend-brokers.svg)" "$1" && grep -q "](trend-maps.svg)" "$1"' _ "$d1/report.md"
    check "Norway$tag: same bytes with -j 1 and -j 2" bash -c 'for f in trend.json trend-brokers.svg trend-maps.svg report.md report.html analysis.json; do cmp "$1/$f" "$2/$f" || exit 1; done' _ "$d1" "$d2"
    check "Norway$tag: no section for cleantech-se" no_section "$work/t1/cleantech-se"
  done
  # the last options once more: a run after a run gives the same bytes
  cp -r "$work/t1/norway-h2020" "$work/t1-before"
  # shellcheck disable=SC2086 # the options are words
  "$KLUSTER" batch "$norway" -o "$work/t1" -j 1 -q --force $opts
  check "Norway: same bytes on a re-run" bash -c 'for f in trend.json report.md report.html; do cmp "$1/$f" "$2/$f" || exit 1; done' _ "$work/t1-before" "$work/t1/norway-h2020"
  "$KLUSTER" batch "$norway" -o "$work/t1" -q
  check "Norway: a changed option redoes it" test "$(status_of "$work/t1/summary.json" norway-h2020)" = ok
  norway_page="$work/t1/norway-h2020/report.html"
  cp -r "$work/t1/norway-h2020" "$work/t3"
  "$KLUSTER" batch "$norway" -o "$work/t1" -q --no-trend
  check "--no-trend redoes the dataset (part of the input hash)" test "$(status_of "$work/t1/summary.json" norway-h2020)" = ok
  check "--no-trend: no section, trend.json removed" no_section "$work/t1/norway-h2020"
  check "--no-trend: the rest as with it" "$PYTHON" -c '
import sys; a, b = sys.argv[1:]
r = lambda d, f: open(d + "/" + f, encoding="utf-8").read()
assert r(a, "analysis.json") == r(b, "analysis.json")
assert r(b, "report.md").split("\n## Over time\n")[0] == r(a, "report.md")' "$work/t1/norway-h2020" "$work/t3"
  "$KLUSTER" batch "$norway" -o "$work/t1" -q --no-trend
  check "--no-trend again: unchanged" test "$(status_of "$work/t1/summary.json" norway-h2020)" = unchanged
  "$KLUSTER" batch "$norway" -o "$work/t1" -q
  norway_page="$work/t1/norway-h2020/report.html"
  check "without --no-trend again: the section is back" test -s "$work/t1/norway-h2020/trend.json"
fi

# ----------------------------------------- 6. the report in a real browser
hostile="$work/safe/out/etc/report.html"
# the page's only scripts are the explorer's data and code (writers/explorer.c)
own_scripts() { [ "$(grep -oi "<script[^>]*>" "$1" | sort | uniq -c | tr -s ' ')" = "$(printf ' 1 <script type="application/json" id="kl-data">\n 1 <script>')" ]; }
check "names escaped: no injected markup" bash -c "$(declare -f own_scripts)"'; own_scripts "$1" && ! grep -qi "<img\|href=\"javascript" "$1" && grep -q "&lt;script&gt;alert(1)" "$1" && grep -q "B&lt;/style&gt;" "$1"' _ "$hostile"
check "self-contained: nothing loaded from elsewhere" bash -c "$(declare -f own_scripts)"'; own_scripts "$1" && ! grep -qi "<link\|@import\|url(\| src=" "$1"' _ "$out/cleantech-se/report.html"
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "installing chromium (apt-get)"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1
fi
shot() {  # html png -> chromium's log in png.log
  local prof; prof="$(mktemp -d)"
  timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$prof" \
    --enable-logging=stderr --v=0 --window-size=1280,2400 --screenshot="$2" "file://$1" >"$2.log" 2>&1
  local rc=$?
  rm -rf "$prof"
  return $rc
}
not_blank() {  # png: decode it and require real content (not one colour)
  "$PYTHON" - "$1" <<'EOF'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, w = 8, b"", 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        bpp = {2: 3, 6: 4}[ctype]
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
colours = {}
dark = 0
for y in range(h):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    if y % 8 == 0:
        for x in range(0, w, 8):
            px = bytes(line[x * bpp:x * bpp + 3])
            colours[px] = colours.get(px, 0) + 1
            dark += sum(px) < 200
    prev = line
top = max(colours.values()) / sum(colours.values())
print("colours", len(colours), "dominant share %.3f" % top, "dark samples", dark)
assert len(colours) > 20 and top < 0.97 and dark > 50, "blank screenshot"
EOF
}
if command -v chromium >/dev/null 2>&1; then
  for page in "$out/cleantech-se/report.html" "$out/synthetic-2000-3/report.html" "$hostile" "$out/index.html" $norway_page; do
    name="${page#$work/}"
    if shot "$page" "$work/shot.png"; then
      check "chromium: $name renders, not blank" not_blank "$work/shot.png"
      check "chromium: $name raises no console errors" bash -c '! grep -q "CONSOLE" "$1"' _ "$work/shot.png.log"
    else
      ko "chromium: $name" "chromium failed: $(tail -2 "$work/shot.png.log" | tr '\n' ' ')"
    fi
  done
  [ -n "${KEEP_SCREENSHOT:-}" ] && shot "$out/cleantech-se/report.html" "$KEEP_SCREENSHOT"
else
  ko "chromium" "not installed (apt-get install chromium)"
fi

echo "batch: $pass passed, $fail failed"
[ "$fail" = 0 ]
