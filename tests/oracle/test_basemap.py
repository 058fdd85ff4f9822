#!/usr/bin/env python3
"""tests/oracle/test_basemap.py - viz/basemap/basemap.json against points
known from elsewhere, with its own point-in-polygon code (standard library
only):

 - the file is what viz/basemap/README.md says: format, every shape with a
   name, keys and rings of at least three [lon, lat] vertices in range, no
   key held by two countries or by two regions;
 - every country centroid of the shared country-centroids table lies inside
   (or, for coasts and islands, within 25 km of) the country holding its
   code, for every country Natural Earth has at 1:50m; the few it has not
   lie in the country Natural Earth counts them in, or are listed here, and
   so are the few centroids that lie off their country's land (those lie
   within a tenth of its size);
 - every Swedish län's NUTS 2021 label point lies inside the län keyed by
   its NUTS code and by its name, and in no other län; every Norwegian
   county's point (fylker 2020) likewise inside its county;
 - points in the open sea lie in no country.
Run from the repository root; the shared data is found through $SHARED or
../shared beside the repository."""
import csv
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tally import Tally  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.environ.get("SHARED", os.path.join(ROOT, "..", "shared"))
BASEMAP = os.path.join(ROOT, "viz", "basemap", "basemap.json")
KM_PER_DEG = 111.195
NEAR_KM = 25.0

# Country centroids with no shape of their own at 1:50m, and the country
# Natural Earth draws them in (None: too small to be drawn at all, or in a
# unit without an ISO code such as the Australian Indian Ocean Territories).
NOT_AT_50M = {
    "GF": "FR", "GP": "FR", "MQ": "FR", "RE": "FR", "YT": "FR",  # départements of France
    "SJ": "NO",                                                   # Svalbard
    "BQ": "NL",                                                   # Bonaire
    "BV": None, "GI": None, "CC": None, "CX": None, "TK": None, "TV": None, "UM": None,
}

# Centroids that lie off their country's land, farther than NEAR_KM: the
# centroid of a bent country falls beyond its border (Norway's in Sweden,
# Croatia's in Bosnia), Antarctica's on the Ross Ice Shelf (Natural Earth's
# land stops at the ice front).  These still lie within a tenth of their
# country's size, which kl_i_basemap_match accepts too.  The Maldives' lies
# on Addu Atoll, 430 km south of the atolls that 1:50m draws: a region at
# that point finds no shape.
OFF_LAND = {"AQ", "CL", "HR", "NO", "SO", "VN"}
OFF_MAP = {"MV"}

T = Tally("basemap")


def check(ok, what):
    T.check(what, ok)


def rings_of(shape):
    return [list(zip(r[0::2], r[1::2])) for r in shape["rings"]]


def inside(rings, lat, lon):
    """Even-odd rule over all rings: a horizontal ray from the point."""
    odd = False
    for ring in rings:
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
            if (y0 > lat) != (y1 > lat):
                x = x0 + (lat - y0) / (y1 - y0) * (x1 - x0)
                if x > lon:
                    odd = not odd
    return odd


def distance_km(rings, lat, lon):
    """Shortest distance from the point to any edge, on a plane tangent at
    the point (good to a few per cent within tens of km)."""
    k = math.cos(math.radians(lat))

    def xy(p):
        dlon = (p[0] - lon + 180) % 360 - 180
        return dlon * k * KM_PER_DEG, (p[1] - lat) * KM_PER_DEG

    best = float("inf")
    for ring in rings:
        for a, b in zip(ring, ring[1:] + ring[:1]):
            (ax, ay), (bx, by) = xy(a), xy(b)
            dx, dy = bx - ax, by - ay
            den = dx * dx + dy * dy
            t = 0.0 if den == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / den))
            best = min(best, math.hypot(ax + t * dx, ay + t * dy))
    return best


def holds(rings, lat, lon):
    return inside(rings, lat, lon) or distance_km(rings, lat, lon) <= NEAR_KM


def near_for_size(rings, lat, lon):
    """Within a tenth of the diagonal of the shape's bounding box (and at
    least NEAR_KM), as kl_i_basemap_match accepts a region's point."""
    lats = [p[1] for r in rings for p in r]
    lons = [p[0] for r in rings for p in r]
    mid = math.cos(math.radians((min(lats) + max(lats)) / 2))
    diagonal = math.hypot((max(lats) - min(lats)) * KM_PER_DEG, (max(lons) - min(lons)) * KM_PER_DEG * mid)
    return distance_km(rings, lat, lon) <= max(NEAR_KM, diagonal / 10)


def by_key(shapes):
    index = {}
    for s in shapes:
        for k in s["keys"]:
            index.setdefault(k.lower(), []).append(s)
    return index


def check_format(bm):
    check(bm.get("format") == "kluster-basemap/1", "format is kluster-basemap/1")
    for label in ("countries", "regions"):
        for s in bm[label]:
            name = s.get("name", "?")
            check(isinstance(name, str) and name, "%s: a name" % label)
            check(s["keys"] and all(k and "|" not in k for k in s["keys"]), "%s: keys without '|'" % name)
            check(s["rings"], "%s: at least one ring" % name)
            for r in s["rings"]:
                check(len(r) >= 6 and len(r) % 2 == 0, "%s: a ring of >= 3 vertices" % name)
                check(all(-180 <= x <= 180 for x in r[0::2]) and all(-90 <= y <= 90 for y in r[1::2]),
                      "%s: vertices in range" % name)
        for key, owners in by_key(bm[label]).items():
            check(len(owners) == 1, "%s: key %r held by %s" % (label, key, [s["name"] for s in owners]))


def check_country_centroids(bm):
    countries = by_key(bm["countries"])
    path = os.path.join(SHARED, "data", "country-centroids", "country_centroids_alpha2.csv")
    n = 0
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code, lat, lon = row["code"], float(row["lat"]), float(row["lon"])
            if code in NOT_AT_50M:
                check(code.lower() not in countries, "%s has a shape after all: update NOT_AT_50M" % code)
                parent = NOT_AT_50M[code]
                if parent:
                    check(holds(rings_of(countries[parent.lower()][0]), lat, lon),
                          "%s %s lies in %s" % (code, row["name"], parent))
                continue
            shape = countries.get(code.lower())
            check(shape is not None, "country %s %s has a shape" % (code, row["name"]))
            if shape:
                rings = rings_of(shape[0])
                if code in OFF_MAP:
                    check(not near_for_size(rings, lat, lon), "%s is on the map after all: update OFF_MAP" % code)
                elif code in OFF_LAND:
                    check(not holds(rings, lat, lon), "%s is on land after all: update OFF_LAND" % code)
                    check(near_for_size(rings, lat, lon), "%s %s within a tenth of its country's size"
                          % (code, row["name"]))
                else:
                    check(holds(rings, lat, lon), "%s %s (%.4f, %.4f) inside or within %g km of %s (%.1f km)"
                          % (code, row["name"], lat, lon, NEAR_KM, shape[0]["name"],
                             distance_km(rings, lat, lon)))
                n += 1
    print("%d country centroids checked" % n)
    check(n >= 230, "at least 230 country centroids checked")


def check_region_points(bm, points, what):
    """points: (code, name, lat, lon); each inside the region keyed by its
    code and by its name, and inside no other region."""
    regions = by_key(bm["regions"])
    for code, name, lat, lon in points:
        shape = regions.get(code.lower(), [None])[0]
        check(shape is not None, "%s %s has a shape" % (what, code))
        if not shape:
            continue
        check(regions.get(name.lower(), [None])[0] is shape, "%s %s: name %r keys the same shape" % (what, code, name))
        check(inside(rings_of(shape), lat, lon), "%s %s %s: point inside" % (what, code, name))
        others = [s["name"] for s in bm["regions"] if s is not shape and inside(rings_of(s), lat, lon)]
        check(not others, "%s %s: point in no other region (%s)" % (what, code, others))


def sweden_points():
    path = os.path.join(SHARED, "data", "nuts-centroids", "nuts2021_label_points.csv")
    with open(path, encoding="utf-8") as f:
        return [(r["nuts_id"], r["name_latn"], float(r["lat"]), float(r["lon"]))
                for r in csv.DictReader(f) if r["cntr_code"] == "SE" and r["level"] == "3"]


def norway_points():
    path = os.path.join(SHARED, "data", "norway-fylker-centroids", "fylker2020_nuts2021_points.csv")
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    by_number = [(r["fylke_nr"], r["fylke_name"], float(r["lat"]), float(r["lon"])) for r in rows]
    by_nuts = [(r["nuts_id"], r["nuts_name"], float(r["lat"]), float(r["lon"])) for r in rows]
    return by_number, by_nuts


def check_sea(bm):
    # mid-North Sea, mid-Baltic (Gotland Deep), mid-Atlantic, Gulf of Bothnia
    for lat, lon in ((56.5, 3.0), (57.3, 20.0), (30.0, -40.0), (62.0, 20.0)):
        hit = [s["name"] for s in bm["countries"] if inside(rings_of(s), lat, lon)]
        check(not hit, "(%g, %g) is sea, not %s" % (lat, lon, hit))


def main():
    with open(BASEMAP, encoding="utf-8") as f:
        bm = json.load(f)
    check_format(bm)
    check_country_centroids(bm)
    se = sweden_points()
    check(len(se) == 21, "21 Swedish län in the NUTS points")
    check_region_points(bm, se, "län")
    by_number, by_nuts = norway_points()
    check(len(by_number) == 12, "12 Norwegian counties (with Svalbard) in the fylker points")
    check_region_points(bm, by_number, "county")
    check_region_points(bm, by_nuts, "county")
    check_sea(bm)
    print("%d countries, %d regions" % (len(bm["countries"]), len(bm["regions"])))
    return T.summary()


if __name__ == "__main__":
    sys.exit(main())
