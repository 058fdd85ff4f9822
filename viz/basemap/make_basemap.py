#!/usr/bin/python3
"""viz/basemap/make_basemap.py - derive viz/basemap/basemap.json from Natural Earth.

Countries come from world-atlas (Natural Earth 1:50m as TopoJSON), regions
(Swedish län, Norwegian counties of 2020, Svalbard) from the Natural Earth
1:10m admin-1 layer in QGIS's world_map.gpkg; codes and English names from
Debian's iso-codes.  `make basemap` installs those and runs this script;
viz/basemap/README.md says what comes out and why.

The output is deterministic: the same inputs give the same bytes.
"""
import argparse
import json
import math
import sqlite3
import struct
import sys
import unicodedata

# Douglas-Peucker tolerance for country outlines, in degrees (about 2.5 km
# north-south): a country map of Europe is drawn at a few km per point.
TOLERANCE_DEG = 0.025
# Islands smaller than this are left out of a country (its largest part is
# always kept, so that micro-states and atolls still have a shape).
MIN_ISLAND_KM2 = 25.0
KM_PER_DEG = 111.195
DECIMALS = 3

# ISO 3166-1 alpha-2 -> the code CORDIS (and Eurostat) use instead.
CORDIS_CODES = {"GR": "EL", "GB": "UK"}

# Natural Earth units without an ISO 3166-1 numeric code in world-atlas
# (which keys countries by it): alpha-2, alpha-3 and an English name where
# one is in common use, else only the name.
UNCODED = {
    "Kosovo": ("XK", "XKX", "Kosovo"),
    "N. Cyprus": (None, None, "Northern Cyprus"),
    "Somaliland": (None, None, "Somaliland"),
    "Indian Ocean Ter.": (None, None, "Australian Indian Ocean Territories"),
    "Siachen Glacier": (None, None, "Siachen Glacier"),
}

# ISO names of the form "Congo, The Democratic Republic of the" read badly as
# a label; these have no common_name in iso-codes to fall back on.
DISPLAY_NAMES = {"CD": "Democratic Republic of the Congo"}

# Swedish län: NUTS 2021 level 3 (Eurostat), matched to Natural Earth's
# admin-1 by name (its FIPS codes are wrong for Gotland and missing for
# Västra Götaland); ISO 3166-2 codes and names come from iso-codes.
SWEDEN_NUTS3 = [
    ("SE110", "Stockholms län"), ("SE121", "Uppsala län"),
    ("SE122", "Södermanlands län"), ("SE123", "Östergötlands län"),
    ("SE124", "Örebro län"), ("SE125", "Västmanlands län"),
    ("SE211", "Jönköpings län"), ("SE212", "Kronobergs län"),
    ("SE213", "Kalmar län"), ("SE214", "Gotlands län"),
    ("SE221", "Blekinge län"), ("SE224", "Skåne län"),
    ("SE231", "Hallands län"), ("SE232", "Västra Götalands län"),
    ("SE311", "Värmlands län"), ("SE312", "Dalarnas län"),
    ("SE313", "Gävleborgs län"), ("SE321", "Västernorrlands län"),
    ("SE322", "Jämtlands län"), ("SE331", "Västerbottens län"),
    ("SE332", "Norrbottens län"),
]

# Norwegian counties of 2020 (fylker; Statistics Norway numbers, NUTS 2021
# codes, official names as the Research Council's data writes them) and the
# counties before 2018 (Natural Earth's admin-1) that each is made of.
NORWAY_2020 = [
    ("03", "NO081", "Oslo", ["Oslo"], ["Oslo"]),
    ("11", "NO0A1", "Rogaland", ["Rogaland"], ["Rogaland"]),
    ("15", "NO0A3", "Møre og Romsdal", ["Møre og Romsdal"], ["Møre og Romsdal"]),
    ("18", "NO071", "Nordland", ["Nordland - Nordlánnda"], ["Nordland"]),
    ("21", "NO0B2", "Svalbard", ["Svalbard"], ["Svalbard"]),
    ("30", "NO082", "Viken", ["Viken"], ["Østfold", "Akershus", "Buskerud"]),
    ("34", "NO020", "Innlandet", ["Innlandet"], ["Hedmark", "Oppland"]),
    ("38", "NO091", "Vestfold og Telemark", ["Vestfold og Telemark"], ["Vestfold", "Telemark"]),
    ("42", "NO092", "Agder", ["Agder"], ["Aust-Agder", "Vest-Agder"]),
    ("46", "NO0A2", "Vestland", ["Vestland"], ["Hordaland", "Sogn og Fjordane"]),
    ("50", "NO060", "Trøndelag", ["Trøndelag - Trööndelage"], ["Sør-Trøndelag", "Nord-Trøndelag"]),
    ("54", "NO074", "Troms og Finnmark",
     ["Troms og Finnmark - Romsa ja Finnmárku - Tromssa ja Finmarkku"], ["Troms", "Finnmark"]),
]


# ------------------------------------------------------------ geometry

def ring_area_km2(ring):
    """Area of a closed ring of (lon, lat), on a local equirectangular plane."""
    if len(ring) < 3:
        return 0.0
    lat0 = sum(p[1] for p in ring) / len(ring)
    twice = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        twice += x0 * y1 - x1 * y0
    return abs(twice) / 2 * math.cos(math.radians(lat0)) * KM_PER_DEG ** 2


def douglas_peucker(points, tol):
    """Keep the endpoints and every vertex farther than tol from the chord
    of its kept neighbours (iterative, so long coasts do not recurse deep)."""
    n = len(points)
    if n < 3:
        return list(points)
    keep = [False] * n
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        a, b = stack.pop()
        (ax, ay), (bx, by) = points[a], points[b]
        dx, dy = bx - ax, by - ay
        norm = math.hypot(dx, dy)
        best, best_d = -1, tol
        for i in range(a + 1, b):
            px, py = points[i]
            if norm == 0:
                d = math.hypot(px - ax, py - ay)
            else:
                d = abs(dy * (px - ax) - dx * (py - ay)) / norm
            if d > best_d:
                best, best_d = i, d
        if best >= 0:
            keep[best] = True
            stack.append((a, best))
            stack.append((best, b))
    return [p for p, k in zip(points, keep) if k]


def rounded_ring(ring):
    """The ring's vertices at DECIMALS places, without repeats or the
    closing vertex; None when fewer than three remain."""
    out = []
    for lon, lat in ring:
        p = (round(lon, DECIMALS), round(lat, DECIMALS))
        if not out or out[-1] != p:
            out.append(p)
    while len(out) > 1 and out[-1] == out[0]:
        out.pop()
    return out if len(out) >= 3 else None


# ------------------------------------------------------------ world-atlas

def topojson_arcs(topo, tol):
    """Decode the quantized, delta-encoded arcs and simplify each once, so
    that the two countries on either side of a border keep the same line."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    return arcs, [douglas_peucker(a, tol) for a in arcs]


def topojson_ring(arc_ids, arcs):
    ring = []
    for i in arc_ids:
        pts = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(pts if not ring else pts[1:])
    return ring


def clip_ring(ring, line, keep_west):
    """Sutherland-Hodgman against the meridian lon = line (one side kept)."""
    inside = (lambda p: p[0] <= line) if keep_west else (lambda p: p[0] >= line)
    out = []
    for a, b in zip(ring, ring[1:] + ring[:1]):
        if inside(a):
            out.append(a)
        if inside(a) != inside(b):
            t = (line - a[0]) / (b[0] - a[0])
            out.append((line, a[1] + t * (b[1] - a[1])))
    return out


def split_at_antimeridian(ring):
    """world-atlas keeps rings whole across 180 degrees (d3 draws them on the
    sphere), so Chukotka's edges jump from 180 E to 180 W; on a flat map that
    jump is a band round the world.  Unwrap the ring, cut it at the
    antimeridian and move the far side back: two rings, one on each side."""
    if all(abs(a[0] - b[0]) <= 180 for a, b in zip(ring, ring[1:] + ring[:1])):
        return [ring]
    unwrapped, shift = [ring[0]], 0.0
    for (lon0, _), (lon1, lat1) in zip(ring, ring[1:]):
        if lon1 - lon0 > 180:
            shift -= 360
        elif lon0 - lon1 > 180:
            shift += 360
        unwrapped.append((lon1 + shift, lat1))
    line = 180.0 if max(p[0] for p in unwrapped) > 180 else -180.0
    west, east = clip_ring(unwrapped, line, True), clip_ring(unwrapped, line, False)
    if line > 0:
        east = [(lon - 360, lat) for lon, lat in east]
    else:
        west = [(lon + 360, lat) for lon, lat in west]
    return [r for r in (west, east) if len(r) >= 3]


def antimeridian_crossings(ring):
    return [i for i, (a, b) in enumerate(zip(ring, ring[1:] + ring[:1])) if abs(a[0] - b[0]) > 180]


def closed_through_pole(ring):
    """A ring that winds round the pole once (it crosses the antimeridian
    once: Antarctica's coast) as a flat ring: from the crossing round to it
    again, then along the antimeridian to the pole and back."""
    i = antimeridian_crossings(ring)[0]
    ring = ring[i + 1:] + ring[:i + 1]  # starts just past the crossing
    (lon0, lat0), (lon1, lat1) = ring[-1], ring[0]
    east0 = lon0 if lon0 > 0 else lon0 + 360  # the crossing edge, unwrapped
    east1 = lon1 if lon1 > 0 else lon1 + 360
    lat_at = lat0 + (180 - east0) / (east1 - east0) * (lat1 - lat0)
    first, last = (-180.0, lat_at), (180.0, lat_at)
    if lon1 > 0:  # the ring runs westwards
        first, last = last, first
    pole = -90.0 if lat_at < 0 else 90.0
    return [first] + ring + [last, (last[0], pole), (first[0], pole)]


def outer_parts(poly, raw, simple):
    """The rings that bound land on a flat map, in full and simplified.
    world-atlas writes Antarctica as the ring round the south pole at
    89.999 S holding the coast as a hole (land lies between them on the
    sphere); here its land is the coast closed through the pole.  Whether a
    ring winds round the pole is read on the full ring: simplified, the
    ring round the pole is two points."""
    outer = topojson_ring(poly[0], raw)
    if len(antimeridian_crossings(outer)) % 2 == 0:
        return split_at_antimeridian(outer), split_at_antimeridian(topojson_ring(poly[0], simple))
    polar = [h for h in poly[1:] if len(antimeridian_crossings(topojson_ring(h, raw))) % 2 == 1]
    return ([closed_through_pole(topojson_ring(h, raw)) for h in polar],
            [closed_through_pole(topojson_ring(h, simple)) for h in polar])


def country_rings(geometry, raw, simple):
    """Outer rings of a TopoJSON (Multi)Polygon, simplified, without islands
    under MIN_ISLAND_KM2 (measured before simplification; the largest part
    always stays).  A part that simplification would collapse is kept in
    full: atolls such as those of the Marshall Islands are a few vertices."""
    polys = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
    parts = []
    for poly in polys:
        full, simplified = outer_parts(poly, raw, simple)
        if len(full) != len(simplified):
            raise SystemExit("make_basemap: %s: simplification changes how the antimeridian cuts it"
                             % geometry["properties"]["name"])
        for ring, whole in zip(simplified, full):
            parts.append((ring_area_km2(whole), rounded_ring(ring), rounded_ring(whole)))
    largest = max(range(len(parts)), key=lambda k: parts[k][0])
    rings = []
    for k, (area, ring, full) in enumerate(parts):
        if (k == largest or area >= MIN_ISLAND_KM2) and (ring or full):
            rings.append(ring or full)
    return rings


def iso_display_name(c):
    if c["alpha_2"] in DISPLAY_NAMES:
        return DISPLAY_NAMES[c["alpha_2"]]
    if "common_name" in c:
        return c["common_name"]
    if ", " in c["name"] and "official_name" in c:
        name = c["official_name"]
        return name[4:] if name.startswith("the ") else name
    return c["name"]


def unique_keys(keys):
    """Keys in order, without repeats (compared as the reader does: ASCII
    case folded) and without empties."""
    seen, out = set(), []
    for k in keys:
        if not k:
            continue
        if "|" in k:
            raise SystemExit("make_basemap: key %r holds '|'" % k)
        folded = k.encode().lower()
        if folded not in seen:
            seen.add(folded)
            out.append(k)
    return out


def load_countries(topo_path, iso_dir, tol):
    with open(topo_path, encoding="utf-8") as f:
        topo = json.load(f)
    with open(iso_dir + "/iso_3166-1.json", encoding="utf-8") as f:
        by_numeric = {c["numeric"]: c for c in json.load(f)["3166-1"]}
    raw, simple = topojson_arcs(topo, tol)
    shapes = {}  # alpha-2 (or name when uncoded) -> shape
    for g in topo["objects"]["countries"]["geometries"]:
        ne_name = g["properties"]["name"]
        if g.get("id") is not None:
            c = by_numeric[g["id"]]
            a2, a3, name = c["alpha_2"], c["alpha_3"], iso_display_name(c)
            names = [name, c["name"], c.get("common_name"), c.get("official_name"), ne_name]
        else:
            a2, a3, name = UNCODED[ne_name]
            names = [name, ne_name]
        rings = country_rings(g, raw, simple)
        key = a2 or name
        if key in shapes:  # Australia and its Ashmore and Cartier Islands
            shapes[key]["rings"].extend(rings)
            continue
        shapes[key] = {"name": name,
                       "keys": unique_keys([a2, a3, CORDIS_CODES.get(a2)] + names),
                       "rings": rings}
    return sorted(shapes.values(), key=lambda s: (s["name"], s["keys"]))


# ------------------------------------------------------------ world_map.gpkg

def wkb_polygons(b, off):
    """Polygons (lists of rings of (lon, lat)) of a WKB (Multi)Polygon at off,
    and the offset after it."""
    order = "<" if b[off] == 1 else ">"
    typ, = struct.unpack_from(order + "I", b, off + 1)
    off += 5
    base, dims = typ % 1000, {0: 2, 1: 3, 2: 3, 3: 4}[typ // 1000]
    count, = struct.unpack_from(order + "I", b, off)
    off += 4
    if base == 3:
        rings = []
        for _ in range(count):
            n, = struct.unpack_from(order + "I", b, off)
            off += 4
            coords = struct.unpack_from(order + "%dd" % (n * dims), b, off)
            off += 8 * n * dims
            rings.append([(coords[i], coords[i + 1]) for i in range(0, n * dims, dims)])
        return [rings], off
    if base == 6:
        polys = []
        for _ in range(count):
            p, off = wkb_polygons(b, off)
            polys.extend(p)
        return polys, off
    raise SystemExit("make_basemap: unexpected WKB geometry type %d" % typ)


def gpkg_polygons(blob):
    """A GeoPackage geometry: 'GP', version, flags (bits 1-3: envelope kind),
    SRS id, envelope, then WKB."""
    if blob[:2] != b"GP":
        raise SystemExit("make_basemap: not a GeoPackage geometry")
    envelope = (0, 32, 48, 48, 64)[(blob[3] >> 1) & 7]
    return wkb_polygons(blob, 8 + envelope)[0]


def load_admin1(gpkg_path, adm0_a3):
    db = sqlite3.connect("file:%s?mode=ro" % gpkg_path, uri=True)
    try:
        rows = db.execute("SELECT name, geom FROM states_provinces WHERE adm0_a3 = ? ORDER BY name",
                          (adm0_a3,)).fetchall()
    finally:
        db.close()
    return {name: gpkg_polygons(geom) for name, geom in rows}


def fold(s):
    """Lower case without diacritics: Natural Earth writes 'Orebro'."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", s) if not unicodedata.combining(ch)).lower()


def outer_rings(polys):
    return [r for r in (rounded_ring(p[0]) for p in polys) if r]


def canonical_ring(ring):
    """Counter-clockwise from its least vertex: where GEOS starts a
    dissolved ring, and which way it turns, may change between versions."""
    twice = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]))
    if twice < 0:
        ring = ring[::-1]
    k = ring.index(min(ring))
    return ring[k:] + ring[:k]


def iso_subdivisions(iso_dir, country):
    with open(iso_dir + "/iso_3166-2.json", encoding="utf-8") as f:
        subs = json.load(f)["3166-2"]
    out = {}
    for s in subs:
        if s["code"].startswith(country + "-"):
            name = s["name"].split(" [")[0]  # "Stockholms län [SE-01]"
            out[name] = (s["code"], name)
    return out


def sweden_regions(admin1, iso_dir):
    iso = iso_subdivisions(iso_dir, "SE")
    regions = []
    for nuts, name in SWEDEN_NUTS3:
        stem = name[:-len(" län")]
        # "Stockholms län" is Natural Earth's "Stockholm", "Kalmar län" its "Kalmar"
        ne = [n for n in admin1 if fold(stem) in (fold(n), fold(n) + "s")]
        if len(ne) != 1:
            raise SystemExit("make_basemap: %s %s matches %r in Natural Earth" % (nuts, name, ne))
        code, iso_name = iso[name]
        regions.append({"name": name,
                        "keys": unique_keys([nuts, code, name, stem, ne[0], iso_name]),
                        "rings": outer_rings(admin1[ne[0]])})
    return regions


def norway_regions(admin1, iso_dir):
    from shapely.geometry import MultiPolygon, Polygon
    from shapely.ops import unary_union

    iso = {code: name for name, (code, _) in iso_subdivisions(iso_dir, "NO").items()}
    regions = []
    for number, nuts, name, other_names, old in NORWAY_2020:
        parts = [Polygon(p[0]) for county in old for p in admin1[county]]
        merged = unary_union(parts)
        polys = list(merged.geoms) if isinstance(merged, MultiPolygon) else [merged]
        # the counties before 2018 share their borders vertex for vertex, so
        # the union has no slivers: a hole here would mean a gap between them
        holes = sum(len(p.interiors) for p in polys)
        if holes:
            raise SystemExit("make_basemap: %s %s dissolves with %d holes" % (number, name, holes))
        polys.sort(key=lambda p: (-p.area, p.bounds))
        code = "NO-" + number
        iso_name = iso.get(code, "").split(" (")[0]  # "Svalbard (Arctic Region)"
        regions.append({"name": name,
                        "keys": unique_keys([number, nuts, code, name] + other_names + [iso_name]),
                        "rings": [canonical_ring(r) for r in outer_rings([[list(p.exterior.coords)] for p in polys])]})
    return regions


# ------------------------------------------------------------ output

def number(v):
    s = ("%.*f" % (DECIMALS, v)).rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


def write_shape(out, shape, last):
    head = json.dumps({"name": shape["name"], "keys": shape["keys"]}, ensure_ascii=False)
    out.write("  " + head[:-1] + ', "rings": [\n')
    for i, ring in enumerate(shape["rings"]):
        flat = ",".join(number(lon) + "," + number(lat) for lon, lat in ring)
        out.write("    [" + flat + "]" + ("," if i + 1 < len(shape["rings"]) else "") + "\n")
    out.write("  ]}" + ("" if last else ",") + "\n")


def write_basemap(path, countries, regions, sources):
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write('{"format": "kluster-basemap/1",\n')
        out.write(' "sources": %s,\n' % json.dumps(sources, ensure_ascii=False))
        for label, shapes, tail in (("countries", countries, ",\n"), ("regions", regions, "\n")):
            out.write(' "%s": [\n' % label)
            for i, shape in enumerate(shapes):
                write_shape(out, shape, i + 1 == len(shapes))
            out.write(" ]" + tail)
        out.write("}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--world-atlas", required=True, help="world-atlas countries-50m.json")
    ap.add_argument("--world-atlas-version", required=True)
    ap.add_argument("--gpkg", required=True, help="QGIS resources/data/world_map.gpkg")
    ap.add_argument("--qgis-version", required=True)
    ap.add_argument("--iso-codes", required=True, help="iso-codes json folder")
    ap.add_argument("--iso-codes-version", required=True)
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args()

    countries = load_countries(args.world_atlas, args.iso_codes, TOLERANCE_DEG)
    regions = (sweden_regions(load_admin1(args.gpkg, "SWE"), args.iso_codes)
               + norway_regions(load_admin1(args.gpkg, "NOR"), args.iso_codes))
    sources = {
        "countries": "Natural Earth 1:50m admin-0 (v4.1.0) via npm world-atlas %s, Douglas-Peucker %g deg, "
                     "islands under %g km2 left out" % (args.world_atlas_version, TOLERANCE_DEG, MIN_ISLAND_KM2),
        "regions": "Natural Earth 1:10m admin-1 (v4.1.0) via QGIS world_map.gpkg (Debian qgis-common %s); "
                   "Norwegian counties of 2020 dissolved from those before 2018" % args.qgis_version,
        "codes": "Debian iso-codes %s; NUTS 2021 (Eurostat)" % args.iso_codes_version,
        "licence": "Natural Earth: public domain",
    }
    write_basemap(args.output, countries, regions, sources)
    n_vertices = sum(len(r) for s in countries + regions for r in s["rings"])
    print("make_basemap: %d countries, %d regions, %d vertices -> %s"
          % (len(countries), len(regions), n_vertices, args.output), file=sys.stderr)


if __name__ == "__main__":
    main()
