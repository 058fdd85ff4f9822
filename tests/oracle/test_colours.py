"""tests/oracle/test_colours.py - one colour per region per dataset.

The rule (viz/colours.c): rank every region of the dataset by the number of
its entities whose own region it is (read here from the dataset files, the
first region an entity is given winning), ties by id in byte order; the
i-th region gets the i-th palette colour, every region past the palette one
grey.  On cleantech-se and the Norwegian and CORDIS imports, rendered to SVG
in the whole view (--top 30, also in the organisations mode), the region
map (also --geo), an ego network and a path, crossed with --ties, a time
window and --weights: every actor node (SVG id "actor:ID", tooltip
"name\\nregion") and region node ("region:ID") is filled with its region's
colour by that rule, so a region has one colour in every view; the legend
gives each region listed that colour and counts the grey ones; no two
regions share a palette colour; a grey region's labelled actors name it
where no cluster does.  The GEXF export colours its nodes alike.  The
palette itself: any two colours at least MIN_DE apart by CIEDE2000, and as
far from vermillion (bridges) and the greys; the minima are printed.
CORDIS renders sampled (--samples 4): colours do not depend on the metrics."""
import html
import itertools
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tally import Tally  # noqa: E402

ROOT = os.environ.get("ROOT", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
KLUSTER = os.environ.get("KLUSTER", os.path.join(ROOT, "kluster"))
DATA = os.path.join(os.environ.get("SHARED", os.path.join(ROOT, "..", "shared")), "data")
T = Tally("colours")

PALETTE = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#CC79A7", "#115533", "#772277", "#FFAA77",
           "#007777", "#773300", "#999955", "#7788EE", "#00DDEE", "#BB2266", "#2244AA", "#55DDAA", "#666633",
           "#AA6655", "#FF7788"]
NO_REGION, OTHER, BRIDGE = "#D9D9D9", "#A6A6A6", "#D55E00"
MIN_DE, MIN_DE_CVD = 15.0, 8.0
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"

# ------------------------------------------------------------ the palette


def srgb_to_linear(c):
    c /= 255.0
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def linear_to_srgb(c):
    c = min(max(c, 0.0), 1.0)
    return 255 * (12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055)


def lab(rgb):
    """CIELAB (D65) of an sRGB triple."""
    r, g, b = (srgb_to_linear(x) for x in rgb)
    xyz = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b, 0.2126729 * r + 0.7151522 * g + 0.0721750 * b,
           0.0193339 * r + 0.1191920 * g + 0.9503041 * b)
    f = [t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116
         for t in (xyz[0] / 0.95047, xyz[1], xyz[2] / 1.08883)]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def ciede2000(p, q):
    L1, a1, b1 = p
    L2, a2, b2 = q
    cb = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(cb ** 7 / (cb ** 7 + 25 ** 7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = math.hypot(a1, b1), math.hypot(a2, b2)
    h1 = math.degrees(math.atan2(b1, a1)) % 360 if c1 else 0.0
    h2 = math.degrees(math.atan2(b2, a2)) % 360 if c2 else 0.0
    dh = 0.0
    if c1 * c2:
        dh = h2 - h1
        dh = dh - 360 if dh > 180 else dh + 360 if dh < -180 else dh
    dH = 2 * math.sqrt(c1 * c2) * math.sin(math.radians(dh / 2))
    lm, cm = (L1 + L2) / 2, (c1 + c2) / 2
    if not c1 * c2:
        hm = h1 + h2
    elif abs(h1 - h2) <= 180:
        hm = (h1 + h2) / 2
    else:
        hm = (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2
    t = (1 - 0.17 * math.cos(math.radians(hm - 30)) + 0.24 * math.cos(math.radians(2 * hm)) +
         0.32 * math.cos(math.radians(3 * hm + 6)) - 0.20 * math.cos(math.radians(4 * hm - 63)))
    rt = -math.sin(math.radians(60 * math.exp(-((hm - 275) / 25) ** 2))) * 2 * math.sqrt(cm ** 7 / (cm ** 7 + 25 ** 7))
    sl = 1 + 0.015 * (lm - 50) ** 2 / math.sqrt(20 + (lm - 50) ** 2)
    sc, sh = 1 + 0.045 * cm, 1 + 0.015 * cm * t
    dl, dc, dhh = (L2 - L1) / sl, (c2 - c1) / sc, dH / sh
    return math.sqrt(dl * dl + dc * dc + dhh * dhh + rt * dc * dhh)


# Machado, Oliveira, Fernandes 2009, severity 1.0 (applied to linear RGB)
CVD = {"deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413),
                        (-0.011820, 0.042940, 0.968881)),
       "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216),
                      (-0.003882, -0.048116, 1.051998))}


def rgb_of(hex_colour):
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))


def delta_e(x, y, vision=None):
    p, q = rgb_of(x), rgb_of(y)
    if vision:
        m = CVD[vision]
        p, q = ([linear_to_srgb(sum(m[i][j] * srgb_to_linear(c[j]) for j in range(3))) for i in range(3)]
                for c in (p, q))
    return ciede2000(lab(p), lab(q))


def check_palette():
    T.check("palette: 20 colours, all different", len(set(PALETTE)) == len(PALETTE) == 20, PALETTE)
    pairs = list(itertools.combinations(PALETTE, 2))
    worst = min(pairs, key=lambda p: delta_e(*p))
    T.check("palette: every two colours at least %g apart (CIEDE2000)" % MIN_DE, delta_e(*worst) >= MIN_DE,
            (worst, delta_e(*worst)))
    reserved = min(((p, r) for p in PALETTE for r in (BRIDGE, NO_REGION, OTHER)), key=lambda p: delta_e(*p))
    T.check("palette: every colour at least %g from vermillion and the greys" % MIN_DE,
            delta_e(*reserved) >= MIN_DE, (reserved, delta_e(*reserved)))
    print("palette: min CIEDE2000 %.1f (%s %s), %.1f from the reserved colours (%s %s)"
          % (delta_e(*worst), worst[0], worst[1], delta_e(*reserved), reserved[0], reserved[1]))
    for vision in sorted(CVD):
        w = min(pairs, key=lambda p: delta_e(p[0], p[1], vision))
        d = delta_e(w[0], w[1], vision)
        T.check("palette: at least %g apart with %s" % (MIN_DE_CVD, vision), d >= MIN_DE_CVD, (w, d))
        print("palette: min CIEDE2000 with %s %.1f (%s %s)" % (vision, d, w[0], w[1]))


# --------------------------------------------- the rule, from the files


class Dataset:
    """Regions (id -> name), each entity's kind and own region, relations."""

    def __init__(self, path):
        self.region_name, self.kind, self.region, self.relations = {}, {}, {}, []
        files = [path] if os.path.isfile(path) else [
            os.path.join(path, f) for f in sorted(os.listdir(path)) if f.endswith((".json", ".ndjson"))]
        for f in files:
            with open(f, encoding="utf-8") as fh:
                if f.endswith(".ndjson"):
                    for line in fh:
                        if line.strip():
                            rec = json.loads(line)
                            self.add(rec.get("record"), rec)
                else:
                    doc = json.load(fh)
                    for key, kind in (("regions", "region"), ("entities", "entity"), ("relations", "relation")):
                        for rec in doc.get(key, []):
                            self.add(kind, rec)
        for r in self.region.values():
            if r is not None:
                self.region_name.setdefault(r, r)
        self.colour = self.rule()

    def add(self, kind, rec):
        if kind == "region":
            self.region_name.setdefault(rec["id"], rec.get("name") or rec["id"])
        elif kind == "entity":
            self.kind.setdefault(rec["id"], rec.get("kind"))
            if self.region.get(rec["id"]) is None:  # the first region given wins
                self.region[rec["id"]] = rec.get("region")
        elif kind == "relation":
            self.relations.append((rec["source"], rec["target"], rec.get("type")))

    def rule(self):
        count = {r: 0 for r in self.region_name}
        for r in self.region.values():
            if r is not None:
                count[r] += 1
        ranked = sorted(count, key=lambda r: (-count[r], r.encode()))
        return {r: PALETTE[i] if i < len(PALETTE) else OTHER for i, r in enumerate(ranked)}

    def expected(self, region):
        return NO_REGION if region is None else self.colour[region]


def pick_actors(ds, cap=12):
    """An ego small enough to lay out quickly (the organisation in most
    relations among those with 2 to `cap` organisation neighbours: in the
    organisations mode they may all be tied to each other), an organisation of
    another region sharing a neighbour with it (the path's other end), and
    the same ego pick among organisations of grey regions (None if none)."""
    adj = {}
    for s, t, _ in ds.relations:
        adj.setdefault(s, set()).add(t)
        adj.setdefault(t, set()).add(s)
    orgs = [e for e, k in ds.kind.items() if k == "organisation" and ds.region.get(e) and e in adj]

    def org_neighbours(e):
        near = set(x for x in adj[e] if ds.kind.get(x) == "organisation")
        for x in adj[e]:
            if ds.kind.get(x) != "organisation":
                near |= set(y for y in adj.get(x, ()) if ds.kind.get(y) == "organisation")
        near.discard(e)
        return near

    def best(cands):
        for e in sorted(cands, key=lambda e: (-len(adj[e]), e)):
            near = org_neighbours(e)
            if 2 <= len(near) <= cap:
                return e, near
        return None, set()

    ego, near = best(orgs)
    other = [x for x in near if ds.region.get(x) and ds.region[x] != ds.region[ego]]
    far = max(other, key=lambda x: (len(adj[x]), x)) if other else None
    grey, _ = best([e for e in orgs if ds.colour[ds.region[e]] == OTHER])
    return ego, far, grey


# ----------------------------------------------------------- the figures


def render(path, args, out):
    p = subprocess.run([KLUSTER, "render", "-q", path, "-o", out] + args, capture_output=True, text=True)
    return p.returncode, p.stderr[-400:]


def parse(svg_path):
    """Actor and region nodes (kind, id, fill, tooltip, label lines) and the
    legend's swatches (colour, text), in document order."""
    root = ET.parse(svg_path).getroot()
    nodes = []
    for g in root.iter(SVG + "g"):
        m = re.match(r"(actor|region):(.*)$", g.get("id", ""))
        if not m or g.get("class") != "node":
            continue
        fill = next((e.get("fill") for e in g.iter() if e.tag in (SVG + "ellipse", SVG + "polygon", SVG + "path")
                     and e.get("fill") not in (None, "none")), None)
        tip = next((a.get(XLINK + "title") for a in g.iter(SVG + "a")), None)
        lines = [t.text or "" for t in g.iter(SVG + "text")]
        nodes.append((m.group(1), m.group(2), (fill or "").upper(), tip, lines))
    texts = list(root.iter(SVG + "text"))
    legend = [(t.get("fill", "").upper(), html.unescape(texts[i + 1].text or "").replace("\xa0", " ").strip())
              for i, t in enumerate(texts[:-1]) if t.text == "\u2588\u2588"]
    return nodes, legend


def region_by_text(ds, text):
    """The region a legend entry names (names longer than 40 characters are
    cut with an ellipsis)."""
    hits = [r for r, n in ds.region_name.items() if n == text or (text.endswith("\u2026") and n.startswith(text[:-1]))]
    return hits[0] if len(hits) == 1 else None


def check_view(name, ds, case, args, svg, seen, counts):
    nodes, legend = parse(svg)
    by_name = {}
    for r, n in ds.region_name.items():
        by_name.setdefault(n, []).append(r)
    # regions are clusters only where the layout draws clusters (dot, fdp)
    clustered = any(g.get("class") == "cluster" and (g.findtext(SVG + "title") or "").startswith("cluster_r")
                    for g in ET.parse(svg).getroot().iter(SVG + "g"))
    in_view, region_of_colour, actors = {}, {}, 0
    for kind, ident, fill, tip, lines in nodes:
        if kind == "region":
            region = ident
            m = re.search(r"\n(\d+) actors?$", tip or "")
            in_view[region] = int(m.group(1)) if m else 0
        else:
            actors += 1
            region_text = (tip or "").rsplit("\n", 1)[-1]
            found = by_name.get(region_text, [])
            if region_text == "no region":
                region = None
            elif len(found) == 1:
                region = found[0]
            else:
                T.check("%s %s: actor %s's tooltip names one region" % (name, case, ident), False, tip)
                continue
            own = ds.region.get(ident)
            if own is not None:
                T.check("%s %s: actor %s's tooltip names its own region" % (name, case, ident), own == region,
                        (own, region))
        want = ds.expected(region)
        T.check("%s %s: %s %s in its dataset colour" % (name, case, kind, ident), fill == want, (region, fill, want))
        seen.setdefault(region, {}).setdefault(fill, case)
        if kind == "actor":
            in_view[region] = in_view.get(region, 0) + 1
        if fill not in (NO_REGION, OTHER):
            region_of_colour.setdefault(fill, set()).add(region)
        if kind == "actor" and want == OTHER and lines and any(lines):
            # a grey region is named at its labelled actors where no cluster names it
            label = " ".join(lines)
            named = label.endswith(")") and "(" + ds.region_name[region][:12] in label
            T.check("%s %s: grey actor %s named with its region %s" % (name, case, ident,
                                                                        "only without clusters" if clustered else ""),
                    named != clustered, label)
            counts["suffix"] += not clustered
    for colour, regions in sorted(region_of_colour.items()):
        T.check("%s %s: colour %s is one region's" % (name, case, colour), len(regions) == 1, sorted(regions))
    # the legend: every region listed in its colour, most actors first, the grey ones counted
    listed = []
    for colour, text in legend:
        m = re.match(r"(\d+) other regions?$", text)
        if m:
            greys = [r for r in in_view if r is not None and ds.expected(r) == OTHER]
            T.check("%s %s: legend counts the grey regions" % (name, case),
                    colour == OTHER and ("--geo" in args or int(m.group(1)) == len(greys)), (text, greys))
            counts["other"] += 1
        elif text == "no region":
            T.check("%s %s: legend's no-region grey" % (name, case), colour == NO_REGION, colour)
        elif ds.kind and text not in ("organisation", "person", "project", "funder"):
            region = region_by_text(ds, text)
            T.check("%s %s: legend entry %r in its region's colour" % (name, case, text),
                    region is not None and colour == ds.expected(region) and colour != OTHER, (region, colour))
            listed.append(region)
    if "--geo" not in args and actors + len(in_view) and listed:
        order = sorted(listed, key=lambda r: (-in_view.get(r, 0), r.encode()))
        T.check("%s %s: legend lists the regions in view, most actors first" % (name, case),
                listed == order and set(listed) == set(r for r in in_view if r and ds.expected(r) != OTHER),
                (listed, order))
    return len(nodes)


def check_gexf(name, ds, path, tmp):
    out = os.path.join(tmp, name + ".gexf")
    p = subprocess.run([KLUSTER, "export", "-q", path, "-o", out], capture_output=True, text=True)
    T.check("%s: export to GEXF" % name, p.returncode == 0, p.stderr[-300:])
    if p.returncode:
        return
    # the namespace is the root's own: 1.2draft for static files, 1.3 for
    # dynamic ones (relations with dates)
    root = ET.parse(out).getroot()
    ns = root.tag[:root.tag.index("}") + 1]
    bad, seen = [], 0
    for node in root.iter(ns + "node"):
        c = next((e for e in node if e.tag.endswith("}color")), None)
        own = ds.region.get(node.get("id"))
        if c is None or own is None:
            continue
        seen += 1
        got = "#%02X%02X%02X" % (int(c.get("r")), int(c.get("g")), int(c.get("b")))
        if got != ds.expected(own):
            bad.append((node.get("id"), own, got))
    T.check("%s: GEXF has coloured actors with a region" % name, seen > 0, ns)
    T.check("%s: GEXF colours its actors as the figures do" % name, not bad, bad[:5])


def cases_of(ds, ties, window, sampled):
    """(case name, render arguments) for the dataset."""
    ego, far, grey = pick_actors(ds)
    views = [("top", ["--top", "30"]), ("organisations", ["--top", "30", "--mode", "organisations"]),
             ("region-map", ["--region-map"]), ("geo", ["--region-map", "--geo"])]
    crossings = [("", []), (" ties", ["--ties", ties]), (" window", window), (" weights", ["--weights"])]
    cases = []
    for v, a in views:
        for c, extra in (crossings if not sampled else crossings[:1]):
            cases.append((v + c, a + extra))
    if sampled:  # CORDIS: one crossing per view
        cases += [("top ties", ["--top", "30", "--ties", ties]), ("region-map window", ["--region-map"] + window)]
    else:
        cases.append(("top geo", ["--top", "30", "--geo"]))
    if ego:
        cases.append(("ego", ["--ego", ego, "--mode", "organisations"]))
    if ego and not sampled:
        cases.append(("ego weights", ["--ego", ego, "--mode", "organisations", "--weights"]))
    if ego and far:
        cases.append(("path", ["--path", ego, far]))
    if grey:
        cases += [("grey ego", ["--ego", grey, "--mode", "organisations"]),
                  ("grey ego unclustered", ["--ego", grey, "--mode", "organisations", "--group", "none"])]
    if sampled:
        cases = [(c, a + ["--samples", "4"]) for c, a in cases]
    return cases


def main():
    check_palette()
    with tempfile.TemporaryDirectory() as tmp:
        sets = [("cleantech-se", os.path.join(ROOT, "datasets", "cleantech-se"), "member_of,partner_of,funds", False)]
        for name, src, mp in (("norway", "norway-h2020-participations/dataset.csv", "norway-h2020.json"),
                              ("cordis", "cordis-h2020-participations/h2020_participations.csv",
                               "cordis-h2020.json")):
            src = os.path.join(DATA, src)
            if not os.path.exists(src):
                print("no %s: the shared data is missing, that import is skipped" % src)
                continue
            if name == "cordis" and os.environ.get("TEST_MODE") == "sanitizers":
                # the release pass checks CORDIS's colours; under the sanitizers it
                # would repeat the same code paths on a bigger input for minutes
                continue
            out = os.path.join(tmp, name)
            p = subprocess.run([KLUSTER, "import", "-q", "--map", os.path.join(ROOT, "loaders", "maps", mp), src,
                                "-o", out], capture_output=True, text=True)
            T.check("%s: import" % name, p.returncode == 0, p.stderr[-300:])
            if p.returncode == 0:
                sets.append((name, out, "coordinates", name == "cordis"))
        for name, path, ties, sampled in sets:
            ds = Dataset(path)
            cases = cases_of(ds, ties, ["--from", "2016", "--to", "2019"], sampled)
            svgs = [os.path.join(tmp, "%s-%d.svg" % (name, i)) for i in range(len(cases))]
            with ThreadPoolExecutor(max_workers=2) as pool:
                results = list(pool.map(lambda k: render(path, cases[k][1], svgs[k]), range(len(cases))))
            seen, counts, drawn = {}, {"suffix": 0, "other": 0}, 0
            for (case, args), svg, (rc, err) in zip(cases, svgs, results):
                T.check("%s %s: renders" % (name, case), rc == 0, err)
                if rc == 0:
                    drawn += check_view(name, ds, case, args, svg, seen, counts)
            for region, fills in sorted(seen.items(), key=lambda x: x[0] or ""):
                T.check("%s: region %s has one colour in every view" % (name, region), len(fills) == 1, fills)
            if name == "cordis":
                T.check("cordis: grey regions drawn, counted and named", counts["suffix"] and counts["other"],
                        counts)
            if name != "cordis":
                check_gexf(name, ds, path, tmp)
            greys = sum(1 for c in ds.colour.values() if c == OTHER)
            print("%s: %d views, %d nodes, %d regions drawn (%d regions, %d past the palette)"
                  % (name, len(cases), drawn, len(seen), len(ds.colour), greys))
    return T.summary()


if __name__ == "__main__":
    sys.exit(main())
