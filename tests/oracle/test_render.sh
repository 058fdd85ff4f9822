#!/usr/bin/env bash
# tests/oracle/test_render.sh - `kluster render` end to end: the SVG is XML
# (xmllint) and holds every labelled name; the hostile-names dataset renders
# in all four formats; the PNG of cleantech-se is non-blank and of the size
# asked for; the PDF is a PDF; DOT and SVG are byte-identical run to run;
# failures leave no file behind.  Run from the repository root with $KLUSTER.
set -u
KLUSTER="${KLUSTER:-./kluster}"
PY=/usr/bin/python3
pass=0; fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL $*"; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
CT=datasets/cleantech-se
HN=tests/data/hostile-names

# names the SVG must show: every entity of a dataset, as the label escaper
# would leave them (whitespace folded, cut after 64 characters; a name that
# is cut is checked by its first 40 characters)
names_check() {  # dataset-file-or-folder svg
  "$PY" - "$1" "$2" <<'PYEOF'
import glob, json, os, re, sys
import xml.etree.ElementTree as ET
src, svg = sys.argv[1], sys.argv[2]
files = sorted(glob.glob(os.path.join(src, "*.json"))) if os.path.isdir(src) else [src]
names = {}
for f in files:
    for e in json.load(open(f, encoding="utf-8")).get("entities", []):
        names.setdefault(e["id"], e["name"])
root = ET.parse(svg).getroot()
texts = [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]
def norm(s):
    s = s.replace("\u2060", "")
    s = "".join("\ufffd" if (ord(c) < 32 and c not in "\t\n\r") or c in "\x7f\ufffe\uffff" else c for c in s)
    return re.sub(r"\s+", "", s)
blob = norm("".join(texts))
missing = []
for i, n in names.items():
    want = norm(n)
    if len(n) > 64:
        want = norm(n[:40])
    if want and want not in blob:
        missing.append(i)
if missing:
    print("names missing from %s: %s" % (svg, ", ".join(missing)))
    sys.exit(1)
PYEOF
}

png_size() {  # file -> "W H"
  "$PY" -c 'import struct,sys; d=open(sys.argv[1],"rb").read(24); assert d[:8]==b"\x89PNG\r\n\x1a\n"; print(*struct.unpack(">II", d[16:24]))' "$1"
}

# 1. SVG of cleantech-se, whole graph and the other views: XML, every name
for view in "" "--region-map" "--ego east-sweden-cluster --depth 2" "--path SE122 SE123" "--top 10" "--group community --fill kind" "--layout neato" "--layout fdp" "--layout sfdp" "--layout circo"; do
  out="$work/v.svg"
  if ! $KLUSTER render $CT -q $view -o "$out" 2>"$work/err"; then ko "svg $view: $(head -1 "$work/err")"; continue; fi
  if xmllint --noout "$out" 2>"$work/err"; then ok; else ko "svg $view: not XML: $(head -1 "$work/err")"; continue; fi
  if [ -z "$view" ]; then
    if names_check $CT "$out"; then ok; else ko "svg: names"; fi
  fi
done

# 2. hostile names: all four formats; the SVG is XML and shows every name
for f in dot svg png pdf; do
  if $KLUSTER render $HN -q -o "$work/h.$f" 2>"$work/err"; then ok; else ko "hostile $f: $(head -1 "$work/err")"; fi
done
xmllint --noout "$work/h.svg" 2>/dev/null && ok || ko "hostile svg: not XML"
names_check $HN/hostile.json "$work/h.svg" && ok || ko "hostile svg: names"
# the DOT is valid for Graphviz and draws the same SVG
if dot -Tsvg "$work/h.dot" -o "$work/h2.svg" 2>"$work/err" && xmllint --noout "$work/h2.svg" 2>/dev/null; then ok
else ko "hostile dot: dot -Tsvg failed: $(head -1 "$work/err")"; fi
head -c 5 "$work/h.pdf" | grep -q '%PDF-' && ok || ko "hostile pdf: no %PDF- magic"

# 3. PNG of cleantech-se: the size asked for, and not blank
for size in "1200 900 96" "800 1600 150" "1000 1000 72"; do
  set -- $size
  if $KLUSTER render $CT -q --width "$1" --height "$2" --dpi "$3" -o "$work/c.png" 2>"$work/err"; then
    got="$(png_size "$work/c.png")"
    [ "$got" = "$1 $2" ] && ok || ko "png size: asked $1x$2 at $3 dpi, got $got"
  else ko "png $size: $(head -1 "$work/err")"; fi
done
if "$PY" - "$work/c.png" <<'PYEOF'
# non-blank: decode the PNG (zlib, filters) and count distinct colours
import struct, sys, zlib
d = open(sys.argv[1], "rb").read()
pos, idat, ihdr = 8, b"", None
while pos < len(d):
    n, t = struct.unpack(">I4s", d[pos:pos + 8])
    if t == b"IHDR": ihdr = struct.unpack(">IIBBBBB", d[pos + 8:pos + 8 + 13])
    if t == b"IDAT": idat += d[pos + 8:pos + 8 + n]
    pos += 12 + n
w, h, depth, ctype = ihdr[:4]
bpp = {2: 3, 6: 4, 0: 1, 4: 2}[ctype]
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
colours, dark = set(), 0
for y in range(h):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b = prev[x]
        c = prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    if y % 4 == 0:
        for x in range(0, w, 4):
            px = tuple(line[x * bpp:x * bpp + 3])
            colours.add(px)
            dark += sum(px) < 200
    prev = line
sys.exit(0 if len(colours) > 20 and dark > 100 else 1)
PYEOF
then ok; else ko "png: looks blank"; fi

# 4. determinism: DOT and SVG byte-identical run to run
for f in dot svg; do
  for view in "" "--region-map" "--layout neato"; do
    $KLUSTER render $CT -q $view -o "$work/a.$f" && $KLUSTER render $CT -q $view -o "$work/b.$f" &&
      cmp -s "$work/a.$f" "$work/b.$f" && ok || ko "not deterministic: $f $view"
  done
done

# 5. failures write nothing: full disk, missing folder, refused views
mkdir "$work/out"
$KLUSTER render $CT -q -T svg -o /dev/full 2>/dev/null; [ $? = 1 ] && ok || ko "/dev/full: exit status"
$KLUSTER render $CT -q --ego nobody -o "$work/out/x.svg" 2>/dev/null
[ $? = 1 ] && [ -z "$(ls -A "$work/out")" ] && ok || ko "failed render left files: $(ls -A "$work/out")"
$KLUSTER render $CT -q -o "$work/out/x.svg" && [ "$(ls -A "$work/out")" = "x.svg" ] && ok || ko "temporary file left: $(ls -A "$work/out")"

echo "render: $pass passed, $fail failed"
[ "$fail" = 0 ]
