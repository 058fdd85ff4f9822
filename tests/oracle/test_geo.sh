#!/usr/bin/env bash
# tests/oracle/test_geo.sh - maps (`kluster render --geo`) end to end: the
# cleantech-se map in SVG, PNG and PDF (XML, every county named, Stockholm
# north-east of Östergötland in the SVG's coordinates, magic numbers, sizes,
# the same bytes run to run); the positions in the SVG against the
# projection computed here, with the scale bar's length as the scale; the
# whole network as a map; the Norwegian H2020 import as a county map with
# its brokers, Svalbard in an inset, circle areas in proportion to the
# actors, positions against PROJ (pyproj), across modes, ties, windows and
# weights; CORDIS with the countries outside Europe named in the footer;
# the batch report showing the map first; failures writing nothing.  Run
# from the repository root with $KLUSTER.
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
# by the label node t<k>), the frame and the insets (the background's
# unfilled rectangles), land and coastlines (the background's polygons and
# lines), the scale bar (the edges map_tick<k>_a--map_tick<k>_b and its
# label), and what the dataset says: each region's point, and its actors
# counted here (the region after the inheritance rule of docs/metrics.md;
# mode "organisations": organisations only).  Checks (argv after the mode,
# dataset and file):
#   names        every region with actors is named
#   ne A B       region A's circle is north-east of B's
#   land         land polygons, coastlines and a frame are drawn
#   areas        every circle's area / its region's actors agree within 2 %
#   projection   each circle on its point (no dot p<k>, not in an inset) sits
#                where the Lambert azimuthal equal-area projection (PROJ
#                through pyproj when there, else Snyder's formulas), centred
#                on the middle of the frame's regions' box, puts it, to half
#                a point, at the scale bar's scale
#   bulk NAME    the circles but NAME's span at least half the frame's width
#                or height; NAME's circle lies outside their box, inside an
#                inset's box
map_check() {  # mode dataset svg checks...
  "$PY" - "$@" <<'PYEOF'
import glob, json, math, os, re, sys
import xml.etree.ElementTree as ET
mode, src, svg, checks = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
NS = "{http://www.w3.org/2000/svg}"
# the dataset: regions, entities (JSON documents or an import's extract)
files = sorted(glob.glob(os.path.join(src, "*.json"))) if os.path.isdir(src) else [src]
regions, entities, relations = {}, {}, []
def take(d):
    for r in d.get("regions", []):
        regions.setdefault(r["id"], r)
    for e in d.get("entities", []):
        entities.setdefault(e["id"], e)
    relations.extend(d.get("relations", []))
for f in files:
    take(json.load(open(f, encoding="utf-8")))
nd = os.path.join(src, "extract.ndjson") if os.path.isdir(src) else ""
if nd and os.path.exists(nd):
    for line in open(nd, encoding="utf-8"):
        o = json.loads(line)
        kind = o.get("record")
        if kind == "entity":
            entities.setdefault(o["id"], o)
        elif kind == "relation":
            relations.append(o)
        elif kind == "region":
            regions.setdefault(o["id"], o)
# the inheritance rule: a person without a region takes its employer's with
# the highest summed employed_by weight (first in order on a tie)
employ = {}
for r in relations:
    if r.get("type") == "employed_by":
        employ.setdefault(r["source"], {})
        emp = employ[r["source"]]
        emp[r["target"]] = emp.get(r["target"], 0) + float(r.get("weight", 1))
def region_of(e):
    if e.get("region"):
        return e["region"]
    if e.get("kind") == "person" and e["id"] in employ:
        best = None
        for t, w in employ[e["id"]].items():
            rt = entities.get(t, {}).get("region")
            if rt and (best is None or w > best[0]):
                best = (w, rt)
        return best[1] if best else None
    return None
actors = {}
for e in entities.values():
    if mode == "organisations" and e.get("kind") != "organisation":
        continue
    r = region_of(e)
    if r:
        actors[r] = actors.get(r, 0) + 1
# the SVG
root = ET.parse(svg).getroot()
def title(g):
    t = g.find(NS + "title")
    return t.text if t is not None else ""
def norm(s):
    return re.sub(r"\s+", "", s.replace("\u2060", ""))
nodes = {title(g): g for g in root.iter(NS + "g") if g.get("class") == "node"}
edges = {title(g): g for g in root.iter(NS + "g") if g.get("class") == "edge"}
graph = next(g for g in root.iter(NS + "g") if g.get("class") == "graph")
def rect(poly):
    pts = [tuple(map(float, p.split(","))) for p in poly.get("points").split()]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return (min(xs), min(ys), max(xs), max(ys))
frames = [rect(p) for p in graph.findall(NS + "polygon") if p.get("fill") == "none" and p.get("stroke") == "#a0a0a0"]
insets = [rect(p) for p in graph.findall(NS + "polygon") if p.get("fill") == "none" and p.get("stroke") == "#666666"]
centre, radius, label = {}, {}, {}
for t, g in nodes.items():
    m = re.fullmatch(r"r(\d+)", t)
    e = next(g.iter(NS + "ellipse"), None)  # inside the tooltip's <a>
    if m and e is not None:
        centre[m.group(1)] = (float(e.get("cx")), float(e.get("cy")))
        radius[m.group(1)] = float(e.get("rx"))
    m = re.fullmatch(r"t(\d+)", t)
    if m:
        label[m.group(1)] = norm("".join(x.text or "" for x in g.iter(NS + "text")))
# the region map without a map names its circles beside them (xlabel)
for t, g in nodes.items():
    m = re.fullmatch(r"r(\d+)", t)
    if m and m.group(1) not in label and g.find(NS + "text") is not None:
        label[m.group(1)] = norm("".join(x.text or "" for x in g.iter(NS + "text")))
def circle_of(name, must=True):
    for k, text in label.items():
        if text.startswith(norm(name)):
            return k
    if must:
        sys.exit("no circle named %r in %s" % (name, svg))
def inside(p, r):
    return r[0] <= p[0] <= r[2] and r[1] <= p[1] <= r[3]
by_region = {rid: circle_of(regions[rid]["name"][:12], False) for rid in actors if rid in regions and "lat" in regions[rid]}
by_region = {rid: k for rid, k in by_region.items() if k in centre}
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
if "land" in checks:
    land = [p for p in graph.findall(NS + "polygon") if p.get("fill") == "#f2f0eb"]
    coast = [p for p in graph.findall(NS + "polyline") if p.get("stroke") == "#7f98aa"]
    if not land or not coast or len(frames) != 1:
        bad.append("%d land polygons, %d coastlines, %d frames" % (len(land), len(coast), len(frames)))
if "areas" in checks:
    ratio = {rid: math.pi * radius[k] ** 2 / actors[rid] for rid, k in by_region.items()}
    if len(ratio) < 2:
        bad.append("fewer than two circles")
    mid = sorted(ratio.values())[len(ratio) // 2]
    for rid, v in sorted(ratio.items()):
        if abs(v / mid - 1) > 0.02:
            bad.append("%s: area / actors %.2f, the others' %.2f (%d actors, radius %.2f)" % (rid, v, mid, actors[rid], radius[by_region[rid]]))
if "projection" in checks:
    try:
        from pyproj import Proj
    except ImportError:
        Proj = None
    def tick_x(k):
        d = edges["map_tick%d_a--map_tick%d_b" % (k, k)].find(NS + "path").get("d")
        return float(re.match(r"M(-?[\d.]+),", d).group(1))
    km = float(re.search(r"([\d.]+)\s*km", "".join(t.text or "" for t in nodes["map_bar_label"].iter(NS + "text"))).group(1))
    scale = (tick_x(2) - tick_x(0)) / km  # points per km
    # the regions in the main frame, not in an inset: their box's middle
    # is the projection's centre
    main = [rid for rid, k in by_region.items() if inside(centre[k], frames[0]) and not any(inside(centre[k], r) for r in insets)]
    lat0 = (min(regions[r]["lat"] for r in main) + max(regions[r]["lat"] for r in main)) / 2
    lon0 = (min(regions[r]["lon"] for r in main) + max(regions[r]["lon"] for r in main)) / 2
    R = 6371.0088
    if Proj:
        proj = Proj("+proj=laea +lat_0=%.12f +lon_0=%.12f +R=%.1f +units=m +no_defs" % (lat0, lon0, R * 1000))
        def km_xy(r):
            x, y = proj(r["lon"], r["lat"])
            return x / 1000, y / 1000
    else:
        def km_xy(r):
            p1, l0, p, l = map(math.radians, (lat0, lon0, r["lat"], r["lon"]))
            k = math.sqrt(2 / (1 + math.sin(p1) * math.sin(p) + math.cos(p1) * math.cos(p) * math.cos(l - l0)))
            return (R * k * math.cos(p) * math.sin(l - l0),
                    R * k * (math.cos(p1) * math.sin(p) - math.sin(p1) * math.cos(p) * math.cos(l - l0)))
    # where each region's point is on the page: its dot p<k> when its circle
    # was moved aside, else its circle's centre (a circle moved by less
    # than its radius keeps no dot); the map's offset is their median
    # difference from the projection
    def point_of(rid):
        g = nodes.get("p" + by_region[rid])
        if g is not None:
            e = g.find(NS + "ellipse")
            return (float(e.get("cx")), float(e.get("cy"))), True
        return centre[by_region[rid]], False
    diffs = []
    for rid in main:
        (x, y), _ = point_of(rid)
        ex, ey = km_xy(regions[rid])
        diffs.append((x - ex * scale, y + ey * scale))
    if len(diffs) < 2:
        bad.append("fewer than two circles in the frame")
    ox = sorted(d[0] for d in diffs)[len(diffs) // 2]
    oy = sorted(d[1] for d in diffs)[len(diffs) // 2]
    exact = 0
    for rid in main:
        (x, y), dot = point_of(rid)
        ex, ey = km_xy(regions[rid])
        want = (ox + ex * scale, oy - ey * scale)
        # Graphviz writes 2 decimals: the bar's 0.01 pt turns into 0.2 pt
        # over 1000 pt
        tol = 0.5 + 0.0003 * math.hypot(ex, ey) * scale
        off = math.hypot(x - want[0], y - want[1])
        exact += off <= tol
        if off > tol and (dot or off > radius[by_region[rid]]):
            bad.append("%s at (%.2f, %.2f), the projection says (%.2f, %.2f)" % (rid, x, y, want[0], want[1]))
    if 2 * exact < len(main):
        bad.append("only %d of %d regions exactly on their points" % (exact, len(main)))
if "bulk" in checks:
    name = checks[checks.index("bulk") + 1]
    out = circle_of(name)
    rest = [k for rid, k in by_region.items() if k != out]
    x0 = min(centre[k][0] - radius[k] for k in rest); x1 = max(centre[k][0] + radius[k] for k in rest)
    y0 = min(centre[k][1] - radius[k] for k in rest); y1 = max(centre[k][1] + radius[k] for k in rest)
    f = frames[0]
    if (x1 - x0) < 0.5 * (f[2] - f[0]) and (y1 - y0) < 0.5 * (f[3] - f[1]):
        bad.append("the other circles span %.0f x %.0f of a frame of %.0f x %.0f" % (x1 - x0, y1 - y0, f[2] - f[0], f[3] - f[1]))
    p = centre[out]
    if inside(p, (x0, y0, x1, y1)) or not any(inside(p, r) for r in insets):
        bad.append("%s at (%.1f, %.1f): in the others' box (%.0f, %.0f, %.0f, %.0f) or in no inset %s" % (name, p[0], p[1], x0, y0, x1, y1, insets))
if bad:
    print("%s: %s" % (svg, "; ".join(bad)))
    sys.exit(1)
PYEOF
}
svg_check() {  # dataset svg checks...: map_check in full mode
  map_check full "$@"
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
svg_check $CT "$m.svg" land && ok || ko "map svg: no land, coastline or frame"
svg_check $CT "$m.svg" areas && ok || ko "map svg: circle areas not in proportion to the actors"
# the plain region map (no map) has its circles in proportion too
$KLUSTER render $CT -q --region-map -o "$work/plain.svg" && svg_check $CT "$work/plain.svg" areas && ok ||
  ko "plain region map: circle areas not in proportion to the actors"
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
# brokers: the heaviest links carry a mark "#k", and the legend names each
# "#k" once, with its short name
marks = {t.strip() for t in texts if re.fullmatch(r"#\d+", t.strip())}
listed = [t for t in texts if re.search(r"\(\w+\)", t)]
if bad or len(marks) < 2 or "(UIO)" not in blob or len(regions) != 12:
    print("counties not named: %s; marks %s; %d regions" % (bad, sorted(marks), len(regions)))
    sys.exit(1)
PYEOF
  svg_check "$work/norway" "$work/no.svg" ne "Troms" "Oslo" && ok || ko "norway map: Troms not north-east of Oslo"
  # Svalbard, far and light, in an inset; the mainland fills the frame
  svg_check "$work/norway" "$work/no.svg" land areas projection bulk Svalbard && ok ||
    ko "norway map: land, areas, positions or the mainland's frame"
  grep -q "Svalbard: far from the rest" "$work/no.svg" && ok || ko "norway map: the inset is not in the legend"
  # the same across the graph's options: the mode, the ties, a window, weights
  for opt in "--mode organisations" "--ties participates_in,coordinates" "--from 2016 --to 2018" "--weights"; do
    mode=full; [ "$opt" = "--mode organisations" ] && mode=organisations
    if $KLUSTER render "$work/norway" -q --region-map --geo $opt -o "$work/no-x.svg" 2>"$work/err" &&
        map_check $mode "$work/norway" "$work/no-x.svg" land areas projection bulk Svalbard; then ok
    else ko "norway map $opt: $(head -1 "$work/err")"; fi
  done
  for opt in "--mode organisations" "--from 2016 --to 2018" "--weights"; do
    mode=full; [ "$opt" = "--mode organisations" ] && mode=organisations
    if $KLUSTER render $CT -q --region-map --geo $opt -o "$work/ct-x.svg" 2>"$work/err" &&
        map_check $mode $CT "$work/ct-x.svg" land areas projection; then ok
    else ko "cleantech map $opt: $(head -1 "$work/err")"; fi
  done
  # regions filled by class: the counties are known outlines
  for a in actors irb; do
    if $KLUSTER render "$work/norway" -q --region-map --geo --areas $a -o "$work/no-areas.svg" 2>"$work/err" &&
        grep -q "fill: $( [ $a = actors ] && echo "actors in the region" || echo "inter&#45;regional betweenness")" \
          "$work/no-areas.svg" && [ "$(grep -c '<title>t' "$work/no-areas.svg")" -ge 12 ]; then ok
    else ko "norway --areas $a: $(head -1 "$work/err")"; fi
  done
  # the whole network as a map: Svalbard's actors are named, not drawn
  $KLUSTER render "$work/norway" -q --geo --mode organisations -o "$work/no-whole.svg" 2>"$work/err" &&
    grep -q "Not in the frame (far from the bulk of the map): actors in Svalbard (3)" "$work/no-whole.svg" && ok ||
    ko "norway whole map: Svalbard's actors not in the footer $(head -1 "$work/err")"
else
  echo "skip: $NO not found"
fi

# 6. CORDIS: the countries outside Europe leave the frame and are named
CORDIS="$SHARED/data/cordis-h2020-participations/h2020_participations.csv"
if [ -f "$CORDIS" ]; then
  if $KLUSTER import -q --map loaders/maps/cordis-h2020.json "$CORDIS" -o "$work/cordis" >/dev/null 2>"$work/err" &&
      $KLUSTER render "$work/cordis" -q --region-map --geo --samples 50 -o "$work/cordis.svg" 2>"$work/err"; then ok
  else ko "cordis map: $(head -1 "$work/err")"; fi
  grep -q "Not in the frame (far from the bulk of the map): United States (477 actors), China (275 actors)" \
    "$work/cordis.svg" && ok || ko "cordis map: the countries out of the frame are not named"
  map_check full "$work/cordis" "$work/cordis.svg" land && ok || ko "cordis map: no land"
else
  echo "skip: $CORDIS not found"
fi

# 7. the batch report shows the map first; without coordinates the plain region map
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

# 8. failures write nothing
mkdir "$work/out"
$KLUSTER render tests/data/geo-none -q --region-map --geo -o "$work/out/x.svg" 2>/dev/null
[ $? = 1 ] && [ -z "$(ls -A "$work/out")" ] && ok || ko "no coordinates: exit status or files left: $(ls -A "$work/out")"
$KLUSTER render $CT -q --geo --path SE122 SE123 -o "$work/out/x.svg" 2>/dev/null
[ $? = 2 ] && [ -z "$(ls -A "$work/out")" ] && ok || ko "--geo --path: exit status or files left"

echo "geo: $pass passed, $fail failed"
[ "$fail" = 0 ]
