#!/usr/bin/env bash
# fuzz/make_corpus.sh - (re)generate the committed seed corpora in
# fuzz/corpus/<target>/ from the test cases and the shipped dataset: small
# files only (each <= 64 KiB, the whole set well under 1 MB).  Run from the
# repository root after adding test cases; the owner commits the result.
set -euo pipefail
cd "$(dirname "$0")/.."
out=fuzz/corpus
rm -rf "$out"; mkdir -p "$out/json" "$out/ndjson" "$out/csv"
max=65536
add() {  # target file
  local f="$2" size
  [ -f "$f" ] || return 0
  size=$(stat -c %s "$f"); [ "$size" -le "$max" ] || return 0
  # content-addressed like libFuzzer's own corpus files: no duplicates
  cp "$f" "$out/$1/$(sha1sum "$f" | cut -c1-16)"
}
shopt -s nullglob
for f in tests/bad/*/*.json tests/bad/*/*/*.json tests/cli/*/*.json tests/cli/*/*/*.json datasets/*/*.json; do
  add json "$f"
done
for f in tests/bad/*/*.ndjson tests/bad/*/*/*.ndjson tests/cli/*/*.ndjson tests/cli/*/*/*.ndjson; do
  add ndjson "$f"
done
# CSV sets: the tables of one folder joined with the fuzz_csv separator
sep=$'\n--8<--\n'
for d in $(ls -d tests/bad/*/ tests/bad/*/*/ tests/cli/*/ tests/cli/*/*/ 2>/dev/null | sort -u); do
  [ -f "$d/entities.csv" ] || [ -f "$d/relations.csv" ] || continue
  tmp=$(mktemp)
  {
    cat "$d/entities.csv" 2>/dev/null || true
    for t in relations regions sources; do
      [ -f "$d/$t.csv" ] || { [ "$t" = relations ] && continue; break; }
      printf '%s' "$sep"; cat "$d/$t.csv"
    done
  } >"$tmp"
  add csv "$tmp"; rm -f "$tmp"
done
# the shipped dataset as NDJSON and as a CSV set, written by a small converter
python3 - "$out" <<'PY'
import hashlib, json, os, sys
out = sys.argv[1]
ents, rels, regs, srcs = [], [], [], []
for name in sorted(os.listdir("datasets/cleantech-se")):
    if name.endswith(".json"):
        x = json.load(open(os.path.join("datasets/cleantech-se", name), encoding="utf-8"))
        ents += x.get("entities", []); rels += x.get("relations", [])
        regs += x.get("regions", []); srcs += x.get("sources", [])
def save(target, text):
    data = text.encode("utf-8")[:65536]
    open(os.path.join(out, target, hashlib.sha1(data).hexdigest()[:16]), "wb").write(data)
seen, uniq = set(), []
for kind, rows in (("source", srcs), ("region", regs), ("entity", ents), ("relation", rels)):
    for r in rows:
        line = json.dumps(dict(record=kind, **r), ensure_ascii=False)
        key = (kind, r.get("id"))
        if kind != "relation" and key in seen:
            continue
        seen.add(key); uniq.append(line)
save("ndjson", "\n".join(uniq) + "\n")
def q(v):
    v = "" if v is None else ("|".join(v) if isinstance(v, list) else str(v))
    return '"' + v.replace('"', '""') + '"' if any(c in v for c in ',"\n\r') else v
def table(cols, rows, get):
    return ",".join(cols) + "\n" + "".join(",".join(q(get(r, c)) for c in cols) + "\n" for r in rows)
ids = set(); ue = []
for e in ents:
    if e["id"] not in ids: ids.add(e["id"]); ue.append(e)
rg = set(); ur = []
for r in regs:
    if r["id"] not in rg: rg.add(r["id"]); ur.append(r)
sg = set(); us = []
for s in srcs:
    if s["id"] not in sg: sg.add(s["id"]); us.append(s)
ev = lambda r, c: [e["source"] for e in r.get("evidence", [])] if c == "evidence" else r.get(c)
parts = [table(["id", "kind", "name", "region", "type", "aliases"], ue, lambda r, c: r.get(c)),
         table(["source", "target", "type", "role", "weight", "start", "end", "evidence"], rels, ev),
         table(["id", "name", "level", "parent", "lat", "lon"], ur, lambda r, c: r.get(c)),
         table(["id", "title", "url", "date"], us, lambda r, c: r.get(c))]
save("csv", "\n--8<--\n".join(parts))
PY
for t in json ndjson csv; do
  printf '%-7s %3d files %6d bytes\n' "$t" "$(ls "$out/$t" | wc -l)" "$(cat "$out/$t"/* | wc -c)"
done
