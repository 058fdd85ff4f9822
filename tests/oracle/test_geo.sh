#!/usr/bin/env bash
# tests/oracle/test_geo.sh - maps (`kluster render --geo`) end to end: the
# cleantech-se map in SVG, PNG and PDF (XML, every county named, Stockholm
# north-east of Östergötland in the SVG's coordinates, magic numbers, sizes,
# the same bytes run to run); the positions in the SVG against the
# projection computed here, with the scale bar's length as the scale; the
# whole network as a map; the Norwegian H2020 import as a county map with
# its brokers; the batch report showing the map first; failures writing
# nothing.  Run from the repository root with $KLUSTER.
set -u
KLUSTER="${KLUSTER:-./kluster}"
SHARED="${SHARED:-../shared}"
PY=/usr/bin/python3
pass=0; fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL $*"; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
CT=datasets/cleantech-se
G3=tests/data/geo-three

# The SVG's map, read back: circles (region map: the node titled r<k>, named
# by the label node t<k>), the scale bar (the edge map_bar0--map_bar1 and
# its label), and where the projection of the regions' points says each
# circle must be.  Checks (argv after the files): "names" every region with
# actors is named; "ne A B" region A's circle is north-east of B's;
# "projection" each circle not moved off its point (no dot p<k>) sits where
# the projection puts it, to half a point.
svg_check() {  # dataset svg checks...
  "$PY" - "$@" <<'PYEOF'
import glob, json, math, os, re, sys
import xml.etree.ElementTree as ET
src, svg, checks = sys.argv[1], sys.argv[2], sys.argv[3:]
NS = "{http://www.w3.org/2000/svg}"
files = sorted(glob.glob(os.path.join(src, "*.json"))) if os.path.isdir(src) else [src]
regions, actors = {}, {}
for f in files:
    d = json.load(open(f, encoding="utf-8"))
    for r in d.get("regions", []):
        regions.setdefault(r["id"], r)
    for e in d.get("entities", []):
        if e.get("region"):
            actors.setdefault(e["region"], set()).add(e["id"])
root = ET.parse(svg).getroot()
def title(g):
    t = g.find(NS + "title")
    return t.text if t is not None else ""
def norm(s):
    return re.sub(r"\s+", "", s.replace("\u2060", ""))
nodes = {title(g): g for g in root.iter(NS + "g") if g.get("class") == "node"}
edges = {title(g): g for g in root.iter(NS + "g") if g.get("class") == "edge"}
centre, label = {}, {}
for t, g in nodes.items():
    m = re.fullmatch(r"r(\d+)", t)
    if m:
        e = next(g.iter(NS + "ellipse"))  # inside the tooltip's <a>
        centre[m.group(1)] = (float(e.get("cx")), float(e.get("cy")))
    m = re.fullmatch(r"t(\d+)", t)
    if m:
        label[m.group(1)] = norm("".join(x.text or "" for x in g.iter(NS + "text")))
def circle_of(name):
    for k, text in label.items():
        if text.startswith(norm(name)):
            return k
    sys.exit("no circle named %r in %s" % (name, svg))
bad = []
if "names" in checks:
    texts = norm("".join(t.text or "" for t in root.iter(NS + "text")))
    for rid in actors:
        name = regions.get(rid, {}).get("name", rid)
        if norm(name[:40]) not in texts:
            bad.append("region %s (%s) not named" % (rid, name))
if "ne" in checks:
    i = checks.index("ne")
    a, b = circle_of(checks[i + 1]), circle_of(checks[i + 2])
    (xa, ya), (xb, yb) = centre[a], centre[b]
    # SVG y grows downwards: north is a smaller y
    if not (xa > xb and ya < yb):
        bad.append("%s at (%.1f, %.1f) is not north-east of %s at (%.1f, %.1f)" % (checks[i + 1], xa, ya, checks[i + 2], xb, yb))
if "projection" in checks:
    # the scale bar: a round length in km, drawn at the map's scale; its
    # ends are the vertical ticks (a line's x is not shortened by clipping)
    def tick_x(k):
        d = edges["map_tick%d_a--map_tick%d_b" % (k, k)].find(NS + "path").get("d")
        return float(re.match(r"M(-?[\d.]+),", d).group(1))
    km = float(re.search(r"([\d.]+)\s*km", "".join(t.text or "" for t in nodes["map_bar_label"].iter(NS + "text"))).group(1))
    scale = (tick_x(2) - tick_x(0)) / km  # points per km
    # the projection, computed here: equirectangular, cos of the middle latitude
    placed = [r for r in regions.values() if r["id"] in actors and "lat" in r]
    lat0 = (min(r["lat"] for r in placed) + max(r["lat"] for r in placed)) / 2
    lon0 = (min(r["lon"] for r in placed) + max(r["lon"] for r in placed)) / 2
    R = 6371.0088 * math.pi / 180
    def km_xy(r):
        return (R * (r["lon"] - lon0) * math.cos(math.radians(lat0)), R * (r["lat"] - lat0))
    # circles by their region: the label text names the region
    by_region = {}
    for r in placed:
        by_region[r["id"]] = circle_of(r["name"][:12])
    fixed = [rid for rid, k in by_region.items() if "p" + k not in nodes]
    if len(fixed) < 2:
        bad.append("fewer than two circles on their points")
    base = fixed[0]
    bx, by = centre[by_region[base]]
    kx, ky = km_xy(regions[base])
    for rid in fixed[1:]:
        x, y = centre[by_region[rid]]
        ex, ey = km_xy(regions[rid])
        want = (bx + (ex - kx) * scale, by - (ey - ky) * scale)
        # Graphviz writes 2 decimals: the bar's 0.01 pt turns into 0.2 pt
        # over 1000 pt
        tol = 0.05 + 0.0003 * math.hypot(ex - kx, ey - ky) * scale
        if abs(x - want[0]) > tol or abs(y - want[1]) > tol:
            bad.append("%s at (%.2f, %.2f), the projection says (%.2f, %.2f)" % (rid, x, y, want[0], want[1]))
if bad:
    print("%s: %s" % (svg, "; ".join(bad)))
    sys.exit(1)
PYEOF
}

size_of() { stat -c %s "$1"; }

# 1. cleantech-se as a map: SVG, PNG, PDF
m="$work/map"
for f in svg png pdf dot; do
  if $KLUSTER render $CT -q --region-map --geo -o "$m.$f" 2>"$work/err"; then ok; else ko "map $f: $(head -1 "$work/err")"; fi
done
xmllint --noout "$m.svg" 2>"$work/err" && ok || ko "map svg: not XML: $(head -1 "$work/err")"
svg_check $CT "$m.svg" names && ok || ko "map svg: county names"
svg_check $CT "$m.svg" ne "Stockholms län" "Östergötlands län" && ok || ko "map svg: Stockholm not north-east of Östergötland"
svg_check $CT "$m.svg" projection && ok || ko "map svg: positions off the projection"
head -c 8 "$m.png" | cmp -s - <(printf '\x89PNG\r\n\x1a\n') && ok || ko "map png: no PNG magic"
[ "$(size_of "$m.png")" -gt 30000 ] && ok || ko "map png: only $(size_of "$m.png") bytes"
head -c 5 "$m.pdf" | grep -q '%PDF-' && ok || ko "map pdf: no %PDF- magic"
[ "$(size_of "$m.pdf")" -gt 10000 ] && ok || ko "map pdf: only $(size_of "$m.pdf") bytes"
# Graphviz draws exactly what the DOT says: `dot` (layout nop) gives the same SVG
dot -Tsvg "$m.dot" -o "$work/fromdot.svg" 2>/dev/null && cmp -s "$m.svg" "$work/fromdot.svg" && ok ||
  ko "map: dot -Tsvg of the DOT differs from kluster's SVG"

# 2. the same bytes run to run (PDF: cairo stamps the creation time)
for f in svg png dot; do
  $KLUSTER render $CT -q --region-map --geo -o "$work/again.$f" && cmp -s "$m.$f" "$work/again.$f" && ok ||
    ko "map $f: not byte-identical run to run"
done
$KLUSTER render $CT -q --region-map --geo -o "$work/again.pdf" &&
  cmp -s <(grep -av CreationDate "$m.pdf") <(grep -av CreationDate "$work/again.pdf") && ok ||
  ko "map pdf: differs run to run beyond its creation date"

# 3. three regions, one without coordinates: positions, footer
$KLUSTER render $G3 -q --region-map --geo -o "$work/g3.svg" && ok || ko "geo-three: render failed"
svg_check $G3 "$work/g3.svg" projection && ok || ko "geo-three: positions off the projection"
svg_check $G3 "$work/g3.svg" ne "Stockholms län" "Skåne län" && ok || ko "geo-three: Stockholm not north-east of Skåne"
grep -q "Not on the map (no coordinates): Västra Götalands län (1 actor)" "$work/g3.svg" && ok ||
  ko "geo-three: the region without coordinates is not in the footer"

# 4. the whole network as a map: XML, every actor named, deterministic
for view in "" "--top 10" "--mode organisations"; do
  if $KLUSTER render $CT -q --geo $view -o "$work/w.svg" 2>"$work/err" && xmllint --noout "$work/w.svg"; then ok
  else ko "whole --geo $view: $(head -1 "$work/err")"; fi
done
$KLUSTER render $CT -q --geo -o "$work/w.svg" && $KLUSTER render $CT -q --geo -o "$work/w2.svg" &&
  cmp -s "$work/w.svg" "$work/w2.svg" && ok || ko "whole --geo: not byte-identical run to run"
"$PY" - $CT "$work/w.svg" <<'PYEOF' && ok || ko "whole --geo: names missing"
import glob, json, os, re, sys
import xml.etree.ElementTree as ET
src, svg = sys.argv[1], sys.argv[2]
names = {}
for f in sorted(glob.glob(os.path.join(src, "*.json"))):
    for e in json.load(open(f, encoding="utf-8")).get("entities", []):
        names.setdefault(e["id"], e["name"])
norm = lambda s: re.sub(r"\s+", "", s)
blob = norm("".join(t.text or "" for t in ET.parse(svg).getroot().iter("{http://www.w3.org/2000/svg}text")))
missing = [i for i, n in names.items() if norm(n[:40]) not in blob]
if missing:
    print("missing:", ", ".join(missing))
    sys.exit(1)
PYEOF

# 5. the Norwegian H2020 participations, imported, as a county map
NO="$SHARED/data/norway-h2020-participations/dataset.csv"
if [ -f "$NO" ]; then
  if $KLUSTER import -q --map loaders/maps/norway-h2020.json \
      --region-points "$SHARED/data/norway-fylker-centroids/fylker2020_nuts2021_points.csv" \
      "$NO" -o "$work/norway" >/dev/null 2>"$work/err"; then ok
  else ko "norway import: $(head -1 "$work/err")"; fi
  for f in svg png; do
    $KLUSTER render "$work/norway" -q --region-map --geo -o "$work/no.$f" 2>"$work/err" && ok ||
      ko "norway map $f: $(head -1 "$work/err")"
  done
  xmllint --noout "$work/no.svg" 2>/dev/null && ok || ko "norway map: not XML"
  "$PY" - "$work/norway/dataset.json" "$work/no.svg" <<'PYEOF' && ok || ko "norway map: counties or brokers missing"
import json, re, sys
import xml.etree.ElementTree as ET
regions = json.load(open(sys.argv[1], encoding="utf-8"))["regions"]
texts = [t.text or "" for t in ET.parse(sys.argv[2]).getroot().iter("{http://www.w3.org/2000/svg}text")]
blob = re.sub(r"\s+", "", "".join(texts))
bad = [r["name"] for r in regions if re.sub(r"\s+", "", r["name"][:15]) not in blob]
# brokers: the heaviest links carry "(N links)" under their broker's name
brokers = sum(1 for t in texts if re.fullmatch(r"\(\d+ links?\)", t.strip()))
if bad or brokers < 5 or len(regions) != 12:
    print("counties not named: %s; %d broker labels; %d regions" % (bad, brokers, len(regions)))
    sys.exit(1)
PYEOF
  svg_check "$work/norway/dataset.json" "$work/no.svg" ne "Troms" "Oslo" && ok || ko "norway map: Troms not north-east of Oslo"
else
  echo "skip: $NO not found"
fi

# 6. the batch report shows the map first; without coordinates the plain region map
$KLUSTER batch $CT $G3 tests/data/geo-none -q -j 1 -o "$work/batch" >/dev/null 2>&1
for id in cleantech-se geo-three; do
  "$PY" - "$work/batch/$id/report.html" <<'PYEOF' && ok || ko "batch $id: the first figure is not the map"
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
first = html[html.index("<figure>"):html.index("</figure>")]
sys.exit(0 if "Map of the regions" in first and "map_bar0" in first else 1)
PYEOF
done
grep -q "<figcaption>Region map: one node per region" "$work/batch/geo-none/report.html" && ok ||
  ko "batch geo-none: no plain region map"

# 7. failures write nothing
mkdir "$work/out"
$KLUSTER render tests/data/geo-none -q --region-map --geo -o "$work/out/x.svg" 2>/dev/null
[ $? = 1 ] && [ -z "$(ls -A "$work/out")" ] && ok || ko "no coordinates: exit status or files left: $(ls -A "$work/out")"
$KLUSTER render $CT -q --geo --path SE122 SE123 -o "$work/out/x.svg" 2>/dev/null
[ $? = 2 ] && [ -z "$(ls -A "$work/out")" ] && ok || ko "--geo --path: exit status or files left"

echo "geo: $pass passed, $fail failed"
[ "$fail" = 0 ]
