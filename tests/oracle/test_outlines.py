#!/usr/bin/env python3
"""tests/oracle/test_outlines.py - a dataset's own region outlines
(docs/format.md#region-outlines) on its maps, end to end.

On tests/data/outlines-three (three NUTS 2 regions whose regions.geojson
gives a Polygon with a hole, a Polygon and a MultiPolygon, plus a feature
for a region the dataset lacks):
  - `render --region-map --geo --areas actors` fills one polygon per outer
    ring (4; the hole is left out), each vertex where the Lambert azimuthal
    equal-area projection (PROJ through pyproj when there, else Snyder's
    formulas, as tests/oracle/test_geo.sh), centred on the middle of the
    regions' points and at the scale bar's scale, puts the GeoJSON's
    coordinates, or on the frame where the frame clips the ring; the DOT's
    _background holds the same 4 filled rings;
  - without the file, the region named "Stockholm" gets the basemap's
    Stockholms län instead (the dataset's own outline wins when given);
  - X.regions.geojson beside a one-file dataset X.json is read the same way;
  - validate counts the file and warns about the unknown region at its
    FILE:LINE:COL; a broken outline file fails the render with nothing
    written; the output is the same bytes run to run.
Run from the repository root with $KLUSTER.
"""
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

KLUSTER = os.environ.get("KLUSTER", "./kluster")
DATA = "tests/data/outlines-three"
NS = "{http://www.w3.org/2000/svg}"
AREA_COLOURS = {"#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8"}  # viz/map.c area_scale
R_KM = 6371.0088
failures = []
passed = 0


def check(ok, what):
    global passed
    if ok:
        passed += 1
    else:
        failures.append(what)
        print("FAIL " + what)


def run(*args):
    return subprocess.run([KLUSTER, *args], capture_output=True, text=True)


def render(dataset, out, *extra):
    p = run("render", dataset, "-q", "--region-map", "--geo", "--areas", "actors", *extra, "-o", out)
    if p.returncode != 0:
        sys.exit("render %s failed: %s" % (dataset, p.stderr))


def projection(lat0, lon0):
    """(lat, lon) -> km east and north of the centre."""
    try:
        from pyproj import Proj
        proj = Proj("+proj=laea +lat_0=%.12f +lon_0=%.12f +R=%.1f +units=m +no_defs" % (lat0, lon0, R_KM * 1000))

        def km(lat, lon):
            x, y = proj(lon, lat)
            return x / 1000, y / 1000
    except ImportError:
        def km(lat, lon):
            p1, l0, p, l = map(math.radians, (lat0, lon0, lat, lon))
            k = math.sqrt(2 / (1 + math.sin(p1) * math.sin(p) + math.cos(p1) * math.cos(p) * math.cos(l - l0)))
            return (R_KM * k * math.cos(p) * math.sin(l - l0),
                    R_KM * k * (math.cos(p1) * math.sin(p) - math.sin(p1) * math.cos(p) * math.cos(l - l0)))
    return km


def points(poly):
    pts = [tuple(map(float, p.split(","))) for p in poly.get("points").split()]
    return pts[:-1] if len(pts) > 1 and pts[0] == pts[-1] else pts  # Graphviz closes polygons


def read_svg(path):
    root = ET.parse(path).getroot()
    graph = next(g for g in root.iter(NS + "g") if g.get("class") == "graph")
    nodes = {}
    for g in root.iter(NS + "g"):
        t = g.find(NS + "title")
        if g.get("class") == "node" and t is not None:
            nodes[t.text] = g
    edges = {g.find(NS + "title").text: g for g in root.iter(NS + "g") if g.get("class") == "edge"}
    fills = [points(p) for p in graph.findall(NS + "polygon") if p.get("fill") in AREA_COLOURS]
    frame = next(points(p) for p in graph.findall(NS + "polygon")
                 if p.get("fill") == "none" and p.get("stroke") == "#a0a0a0")
    xs, ys = [p[0] for p in frame], [p[1] for p in frame]
    return nodes, edges, fills, (min(xs), min(ys), max(xs), max(ys))


def dataset():
    ds = json.load(open(os.path.join(DATA, "outlines-three.json"), encoding="utf-8"))
    gj = json.load(open(os.path.join(DATA, "regions.geojson"), encoding="utf-8"))
    return ds["regions"], gj["features"]


def outer_rings(feature):
    g = feature["geometry"]
    polygons = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
    return [p[0] for p in polygons], [h for p in polygons for h in p[1:]]


def page_of(svg, regions):
    """A function (lat, lon) -> the page's (x, y), from the scale bar and the
    regions' point nodes r<k> (a filled region is a point at its point)."""
    nodes, edges, _, _ = read_svg(svg)

    def tick_x(k):
        d = edges["map_tick%d_a--map_tick%d_b" % (k, k)].find(NS + "path").get("d")
        return float(re.match(r"M(-?[\d.]+),", d).group(1))
    label = "".join(t.text or "" for t in nodes["map_bar_label"].iter(NS + "text"))
    scale = (tick_x(2) - tick_x(0)) / float(re.search(r"([\d.]+)\s*km", label).group(1))
    lat0 = (min(r["lat"] for r in regions) + max(r["lat"] for r in regions)) / 2
    lon0 = (min(r["lon"] for r in regions) + max(r["lon"] for r in regions)) / 2
    km = projection(lat0, lon0)
    diffs = []
    for k, r in enumerate(regions):
        e = nodes["r%d" % k].find(".//" + NS + "ellipse")
        x, y = km(r["lat"], r["lon"])
        diffs.append((float(e.get("cx")) - x * scale, float(e.get("cy")) + y * scale))
    ox = sorted(d[0] for d in diffs)[len(diffs) // 2]
    oy = sorted(d[1] for d in diffs)[len(diffs) // 2]

    def page(lat, lon):
        x, y = km(lat, lon)
        return ox + x * scale, oy - y * scale
    return page


def check_fills(svg, label):
    """Every filled polygon's vertex is a projected GeoJSON vertex or lies on
    the frame; every projected vertex well inside the frame is one."""
    regions, features = dataset()
    _, _, fills, (x0, y0, x1, y1) = read_svg(svg)
    page = page_of(svg, regions)
    known = {r["id"] for r in regions}
    rings, holes = [], []
    for f in features:
        if f["properties"]["id"] in known:
            outer, inner = outer_rings(f)
            rings += [[page(lat, lon) for lon, lat in ring] for ring in outer]
            holes += [[page(lat, lon) for lon, lat in ring] for ring in inner]
    tol = 0.5  # the background's one decimal, the nodes' two, the bar's rounding
    near = lambda p, q: math.hypot(p[0] - q[0], p[1] - q[1]) <= tol
    on_frame = lambda p: (min(abs(p[0] - x0), abs(p[0] - x1)) <= tol and y0 - tol <= p[1] <= y1 + tol) or \
        (min(abs(p[1] - y0), abs(p[1] - y1)) <= tol and x0 - tol <= p[0] <= x1 + tol)
    inside = lambda p: x0 + 1 < p[0] < x1 - 1 and y0 + 1 < p[1] < y1 - 1
    check(len(fills) == len(rings) == 4, "%s: %d filled polygons for %d outer rings (expected 4)" % (label, len(fills), len(rings)))
    stray = [p for poly in fills for p in poly if not on_frame(p) and not any(near(p, q) for r in rings for q in r)]
    check(not stray, "%s: filled vertices off the projection and the frame: %s" % (label, stray[:5]))
    missing = [q for r in rings for q in r if inside(q) and not any(near(p, q) for poly in fills for p in poly)]
    check(not missing, "%s: projected vertices inside the frame not drawn: %s" % (label, missing[:5]))
    hole = [q for r in holes for q in r if any(near(p, q) for poly in fills for p in poly)]
    check(not hole, "%s: a hole's vertices are drawn: %s" % (label, hole[:5]))
    # each ring is one polygon: its vertices inside the frame all in one of them
    for i, r in enumerate(rings):
        want = [q for q in r if inside(q)]
        check(any(all(any(near(p, q) for p in poly) for q in want) for poly in fills),
              "%s: outer ring %d is not one filled polygon" % (label, i))


def background_fills(dot):
    """The filled rings of the DOT's _background drawn in an area colour."""
    text = open(dot, encoding="utf-8").read()
    bg = re.search(r'_background="(.*?)"[,\]]', text, re.S).group(1).replace("\\\n", "")
    toks, i, fill, n = bg.split(), 0, None, 0
    while i < len(toks):
        t = toks[i]
        if t in ("c", "C", "S"):
            if t == "C":
                fill = toks[i + 2][1:].lower()
            i += 3
        elif t in ("P", "p", "L"):
            n += t == "P" and fill in AREA_COLOURS
            i += 2 + 2 * int(toks[i + 1])
        else:
            i += 1
    return n


def main():
    work = tempfile.mkdtemp()
    try:
        svg = os.path.join(work, "map.svg")
        render(DATA, svg)
        check_fills(svg, "folder")
        dot = os.path.join(work, "map.dot")
        render(DATA, dot)
        check(background_fills(dot) == 4, "dot: %d filled rings in the _background, expected 4" % background_fills(dot))
        again = os.path.join(work, "again.svg")
        render(DATA, again)
        check(open(svg, "rb").read() == open(again, "rb").read(), "svg: not the same bytes run to run")

        # one file X.json with X.regions.geojson beside it
        shutil.copy(os.path.join(DATA, "outlines-three.json"), os.path.join(work, "x.json"))
        shutil.copy(os.path.join(DATA, "regions.geojson"), os.path.join(work, "x.regions.geojson"))
        one = os.path.join(work, "one.svg")
        render(os.path.join(work, "x.json"), one)
        check_fills(one, "x.regions.geojson")

        # without the file: "Stockholm" is the basemap's Stockholms län (its
        # mainland and islands), the other two are circles
        bare = os.path.join(work, "bare")
        os.mkdir(bare)
        shutil.copy(os.path.join(DATA, "outlines-three.json"), bare)
        render(bare, os.path.join(work, "bare.svg"))
        _, _, fills, _ = read_svg(os.path.join(work, "bare.svg"))
        check(fills and max(len(f) for f in fills) > 20,
              "without regions.geojson: fills of %s vertices, expected the basemap's län (ours have 10 at most)" %
              [len(f) for f in fills])

        # validate: the file counted, the unknown region's warning at its place
        p = run("validate", DATA)
        lines = open(os.path.join(DATA, "regions.geojson"), encoding="utf-8").read().split("\n")
        at = next((i + 1, l.index('"SE33"') + 1) for i, l in enumerate(lines) if '"SE33"' in l)
        want = "%s/regions.geojson:%d:%d: warning: outline of 'SE33', which is no region of the dataset: ignored" % (DATA, *at)
        check(p.returncode == 0 and want in p.stderr.splitlines() and "in 2 files; 1 warning" in p.stdout,
              "validate: exit %d, %r %r" % (p.returncode, p.stdout, p.stderr))

        # a broken outline file: an error with its place, nothing drawn
        with open(os.path.join(bare, "regions.geojson"), "w", encoding="utf-8") as f:
            f.write('{"type": "FeatureCollection", "features": [\n  {"type": "Feature"\n')
        out = os.path.join(work, "out")
        os.mkdir(out)
        p = run("render", bare, "--region-map", "--geo", "-o", os.path.join(out, "x.svg"))
        check(p.returncode == 1 and re.search(r"regions\.geojson:3:1: error: ", p.stderr) and not os.listdir(out),
              "broken outlines: exit %d, %r, files %s" % (p.returncode, p.stderr, os.listdir(out)))
    finally:
        shutil.rmtree(work)
    if failures:
        sys.exit("%d failed" % len(failures))
    print("test_outlines: %d checks passed" % passed)


main()
