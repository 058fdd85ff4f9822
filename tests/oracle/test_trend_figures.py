"""tests/oracle/test_trend_figures.py - the figures of `kluster trend`
(--chart, --maps) against the numbers trend itself prints (its tidy CSV and
JSON, which tests/oracle/test_trend.py holds to `kluster analyze --from
--to`), recomputed here from those tables alone:

- the brokers' chart (its gnuplot script, --chart FILE.gp): which brokers
  get a line (every broker in a period's top; most periods in the top
  first, then the best rank, the larger summed share, the id; at most
  min(--top, 10)), each line's points (100 x irb_share, a gap where the
  broker has no tie in the period), its colour (its region's, as
  test_colours.py derives the colours; regionless grey);
- the region maps (--maps FILE.dot): in each panel one circle per region
  with actors (area ~ actors with a tie in the period, one scale for all
  panels), one line per pair with links at or above the one threshold
  that keeps every panel at 60 lines or about, the same projection in
  every panel (a region sits at the same place in each, moved by the
  panel's offset), what is left out named in the footer;
- SVG, PNG and PDF of both byte-identical from run to run, PDFs without a
  creation date and with a cross-reference table that still points at its
  objects (also `kluster render`'s PDFs);
- without gnuplot: an error naming it, exit 1, and no file written.

Datasets: the Norwegian import (yearly; crossed with the organisations
view, --weights, --ties, --cumulative and --every), a generated dataset
with dates and no coordinates (the chart draws, the maps say why not), and
CORDIS (two periods, sampled; release build only)."""
import csv
import io
import json
import math
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tally import Tally  # noqa: E402
from test_colours import Dataset  # noqa: E402
from test_trend import dated_extract, imported, run  # noqa: E402

ROOT = os.environ.get("ROOT", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
KLUSTER = os.environ.get("KLUSTER", os.path.join(ROOT, "kluster"))
SHARED = os.environ.get("SHARED", os.path.join(ROOT, "..", "shared"))
DATA = os.path.join(SHARED, "data")
T = Tally("trend-figures")

LINES_MAX, PANEL_LINKS, CIRCLE_DMAX = 10, 60, 34.0


def tables(dataset, opts, tmp, maps):
    """(period labels, per period {id: (region, share or None, rank)},
    per period [(a, b, links)], per period top ids in rank order); the
    chart's script and the maps' DOT come from the same run as the actors'
    table."""
    out = os.path.join(tmp, "actors.csv")
    figures = ["--chart", os.path.join(tmp, "chart.gp")] + (["--maps", os.path.join(tmp, "maps.dot")] if maps else [])
    run("trend", dataset, "-f", "csv", "-o", out, *(figures + opts))
    actors = open(out, encoding="utf-8").read()
    pairs = run("trend", dataset, "-f", "csv", "--table", "pairs", *opts)
    labels, per = [], {}
    for row in csv.DictReader(io.StringIO(actors)):
        if row["period"] not in per:
            labels.append(row["period"])
            per[row["period"]] = {}
        share = float(row["irb_share"]) if row["irb_share"] else None
        per[row["period"]][row["id"]] = (row["region"] or None, share, int(row["rank"]) if row["rank"] else 0)
    links = {lab: [] for lab in labels}
    for row in csv.DictReader(io.StringIO(pairs)):
        if row["period"] in links and float(row["links"]) > 0:
            links[row["period"]].append((row["a"], row["b"], float(row["links"])))
    # each period's top: its actors ranked 1 .. --top (the table's rank column;
    # test_trend.py holds the ranks to analyze)
    top = int(opts[opts.index("--top") + 1]) if "--top" in opts else 10
    tops = [sorted((i for i, a in per[lab].items() if 0 < a[2] <= top), key=lambda i: per[lab][i][2])
            for lab in labels]
    return labels, per, links, tops


def expected_lines(labels, per, tops, top):
    stats = {}
    for k, ids in enumerate(tops):
        for i in ids:
            s = stats.setdefault(i, [0, 10**9, 0.0])
            s[0] += 1
            s[1] = min(s[1], per[labels[k]][i][2])
            s[2] += per[labels[k]][i][1]
    order = sorted(stats, key=lambda i: (-stats[i][0], stats[i][1], -stats[i][2], i.encode()))
    return order[:min(top, LINES_MAX)]


def check_chart(name, dataset, opts, top, ds, tmp, maps):
    labels, per, links, tops = tables(dataset, opts, tmp, maps)
    gp = os.path.join(tmp, "chart.gp")
    text = open(gp, encoding="utf-8").read()
    want = expected_lines(labels, per, tops, top)
    got = re.findall(r"^# line (\d+): (.*)$", text, re.M)
    T.check("%s: the chart's lines are the brokers longest in the top" % name,
            [g[1] for g in got] == want, (got[:4], want[:4]))
    plot = text[text.index("\nplot ") + 1:]
    colours = re.findall(r"\$s(\d+) using 1:2 with linespoints .*?lc rgb '(#[0-9A-Fa-f]{6})'", plot)
    bad_points, bad_colour = [], []
    for s, ident in enumerate(want):
        block = re.search(r"^\$s%d << EOD\n(.*?)^EOD$" % s, text, re.M | re.S)
        points = {}
        for line in (block.group(1).splitlines() if block else []):
            if line.strip():
                p, v = line.split()
                points[int(p)] = float(v)
        for k, lab in enumerate(labels):
            a = per[lab].get(ident)
            share = a[1] if a else None
            if share is None:
                if k in points:
                    bad_points.append((ident, lab, "a point where it has no share"))
            elif k not in points or abs(points[k] - 100 * share) > 5e-7:
                bad_points.append((ident, lab, points.get(k), 100 * share))
        region = next((per[lab][ident][0] for lab in labels if ident in per[lab]), None)
        colour = "#777777" if region is None else ds.expected(region)
        if s >= len(colours) or colours[s][1].upper() != colour.upper():
            bad_colour.append((ident, region, colours[s][1] if s < len(colours) else None, colour))
    T.check("%s: each line's points are its irb shares, gaps where it has no tie" % name, not bad_points,
            bad_points[:4])
    T.check("%s: each line has its region's colour" % name, not bad_colour, bad_colour[:4])
    return labels, per, links


# ------------------------------------------------------------- the maps

ATTR = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|[^,\]\s]+)')


def dot_statements(text):
    """(kind, names, attrs) of the DOT's node and edge statements."""
    out = []
    for st in re.split(r"\];\n", text):
        m = re.match(r"\s*(\w+)(?:\s*--\s*(\w+))?\s*\[(.*)", st, re.S)
        if not m:
            continue
        attrs = {k: v[1:-1].replace("\\\n", "") if v.startswith('"') else v for k, v in ATTR.findall(m.group(3))}
        out.append(("edge" if m.group(2) else "node", (m.group(1), m.group(2)), attrs))
    return out


def check_maps(name, dataset, opts, ds, labels, per, links, tmp):
    path = os.path.join(tmp, "maps.dot")
    text = open(path, encoding="utf-8").read()
    st = dot_statements(text)
    circles, pos = {}, {}
    node_of = {}
    for kind, names, a in st:
        m = re.match(r"p(\d+)_r(\d+)$", names[0])
        if kind == "node" and m:
            k = int(m.group(1))
            tip = re.match(r"(.*): (\d+) actors? in (.*)$", a.get("tooltip", ""))
            region = tip.group(1).replace("\\\\", "\\")
            circles.setdefault(k, {})[region] = (int(tip.group(2)), float(a["width"]) * 72)
            x, y = (float(v) for v in a["pos"].rstrip("!").split(","))
            pos[(k, region)] = (x, y)
            node_of[names[0]] = region
    name_of = {r: ds.region_name[r] for r in ds.region_name}
    expected = {}
    for k, lab in enumerate(labels):
        cnt = {}
        for _, (region, _, _) in per[lab].items():
            if region is not None:
                cnt[region] = cnt.get(region, 0) + 1
        expected[k] = {name_of[r]: c for r, c in cnt.items()}
    amax = max((c for e in expected.values() for c in e.values()), default=0)
    footer = re.search(r"Not in the frame \(far from the rest\): (.*?)(?:<BR|;|</FONT>)", text)
    far = set(n.strip() for n in footer.group(1).split(",")) if footer else set()
    more = re.search(r"Not in the frame [^;<]* and (\d+) more", text)
    pointless = re.search(r"(\d+) regions? without coordinates not drawn", text)
    hidden = (int(more.group(1)) if more else 0) + (int(pointless.group(1)) if pointless else 0)
    far.discard("")
    far = set(re.sub(r" and \d+ more$", "", n) for n in far)
    # the regions never drawn and not named: as many as the footer counts
    never = set(r for e in expected.values() for r in e) - set(r for c in circles.values() for r in c) - far
    T.check("%s: the maps name or count every region they leave out" % name, len(never) == hidden,
            (len(never), hidden, sorted(never)[:5]))
    far |= never
    bad = []
    for k in range(len(labels)):
        drawn = circles.get(k, {})
        for region, c in expected[k].items():
            if region in far:
                if region in drawn:
                    bad.append((labels[k], region, "drawn though named as out of the frame"))
                continue
            if region not in drawn:
                bad.append((labels[k], region, "missing"))
            elif drawn[region][0] != c or abs(drawn[region][1] - CIRCLE_DMAX * math.sqrt(c / amax)) > 0.01:
                bad.append((labels[k], region, drawn[region], c))
        bad += [(labels[k], r, "not expected") for r in drawn if r not in expected[k]]
    T.check("%s: each panel's circles are its regions' actors, at one scale" % name, not bad, bad[:4])

    # one threshold of links for every panel
    threshold = 0.0
    for lab in labels:
        w = sorted((x[2] for x in links[lab]), reverse=True)
        if len(w) > PANEL_LINKS:
            threshold = max(threshold, math.nextafter(w[PANEL_LINKS], math.inf))
    got_edges = {}
    for kind, names, a in st:
        if kind == "edge" and names[0] in node_of:
            k = int(names[0][1:names[0].index("_")])
            got_edges.setdefault(k, set()).add((frozenset((node_of[names[0]], node_of[names[1]])),
                                                float(a["tooltip"].split()[0])))
    bad = []
    for k, lab in enumerate(labels):
        drawn = circles.get(k, {})
        want = set((frozenset((name_of[x], name_of[y])), w) for x, y, w in links[lab]
                   if w >= threshold and name_of[x] in drawn and name_of[y] in drawn)
        have = got_edges.get(k, set())
        if want != have:
            bad.append((lab, sorted(map(str, want - have))[:2], sorted(map(str, have - want))[:2]))
    T.check("%s: each panel's lines are its pairs with links at the one threshold (%g)" % (name, threshold),
            not bad, bad[:3])

    # one projection: every region moves by its panel's offset only
    bad = []
    for k in range(1, len(labels)):
        shifts = set()
        for region in circles.get(k, {}):
            for j in range(k):
                if (j, region) in pos:
                    (x0, y0), (x1, y1) = pos[(j, region)], pos[(k, region)]
                    shifts.add((j, x1 - x0, y1 - y0))
                    break
        per_panel = {}
        for j, dx, dy in shifts:
            per_panel.setdefault(j, []).append((dx, dy))
        # positions are written to a tenth of a point: shifts agree to 0.1
        bad += [(labels[k], labels[j], min(v), max(v)) for j, v in per_panel.items()
                if max(x for x, _ in v) - min(x for x, _ in v) > 0.11 or max(y for _, y in v) - min(y for _, y in v) > 0.11]
    T.check("%s: every panel has the same projection and frame" % name, not bad, bad[:3])


# ------------------------------------------------------ bytes and failures

def pdf_ok(path):
    d = open(path, "rb").read()
    if b"/CreationDate" in d:
        return "has a creation date"
    m = re.search(rb"startxref\n(\d+)\n%%EOF", d)
    if not m or d[int(m.group(1)):int(m.group(1)) + 5] != b"xref\n":
        return "startxref does not point at the table"
    rows = d[int(m.group(1)):].split(b"\n")
    n = int(rows[1].split()[1])
    for e in rows[2:2 + n]:
        if e[17:18] == b"n" and not re.match(rb"\d+ 0 obj", d[int(e[:10]):int(e[:10]) + 12]):
            return "an offset points elsewhere: %r" % e
    return None


def check_bytes(name, dataset, opts, tmp):
    for ext in ("svg", "png", "pdf"):
        outs = []
        for i in range(2):
            c, m = os.path.join(tmp, "c%d.%s" % (i, ext)), os.path.join(tmp, "m%d.%s" % (i, ext))
            run("trend", dataset, "--chart", c, "--maps", m, *opts)
            outs.append((open(c, "rb").read(), open(m, "rb").read()))
        T.check("%s: %s chart and maps byte-identical from run to run" % (name, ext), outs[0] == outs[1])
        if ext == "pdf":
            T.check("%s: the chart's PDF is reproducible and whole" % name, pdf_ok(c) is None, pdf_ok(c))
            T.check("%s: the maps' PDF is reproducible and whole" % name, pdf_ok(m) is None, pdf_ok(m))
        if ext == "svg":
            import xml.etree.ElementTree as ET
            for f in (c, m):
                try:
                    ET.parse(f)
                    ok = True
                except ET.ParseError as e:
                    ok = str(e)
                T.check("%s: %s is well-formed SVG" % (name, os.path.basename(f)), ok is True, ok)


def check_render_pdf(tmp):
    outs = []
    for i in range(2):
        out = os.path.join(tmp, "render%d.pdf" % i)
        run("render", os.path.join(ROOT, "datasets", "cleantech-se"), "--region-map", "-o", out)
        outs.append(open(out, "rb").read())
    T.check("render: PDF byte-identical from run to run", outs[0] == outs[1])
    T.check("render: PDF without a creation date, offsets intact", pdf_ok(out) is None, pdf_ok(out))


def check_no_gnuplot(dataset, tmp):
    chart, maps, out = (os.path.join(tmp, f) for f in ("none.svg", "none-maps.svg", "none.json"))
    env = dict(os.environ, KLUSTER_GNUPLOT=os.path.join(tmp, "no-such-gnuplot"))
    p = subprocess.run([KLUSTER, "trend", dataset, "--chart", chart, "--maps", maps, "-o", out],
                       capture_output=True, text=True, env=env)
    T.check("no gnuplot: exit 1, the message names gnuplot and how to get it",
            p.returncode == 1 and "gnuplot" in p.stderr and "apt-get install gnuplot-nox" in p.stderr,
            (p.returncode, p.stderr[-300:]))
    T.check("no gnuplot: no file written", not any(os.path.exists(f) for f in (chart, maps, out)))


def check_report_links(dataset, tmp):
    """trend's Markdown shows the chart and links the maps written with it,
    by name beside it, else by absolute path; without them, neither."""
    sub = os.path.join(tmp, "figs")
    os.makedirs(sub, exist_ok=True)
    md = os.path.join(tmp, "trend.md")
    run("trend", dataset, "-f", "md", "-o", md, "--chart", os.path.join(tmp, "b.svg"), "--maps",
        os.path.join(sub, "m b.svg"))
    text = open(md, encoding="utf-8").read()
    T.check("report: shows the chart beside it by name", "](b.svg)" in text, text[:0])
    T.check("report: links the maps in another folder by absolute path, <> around a space",
            "](<%s>)" % os.path.join(os.path.realpath(sub), "m b.svg") in text)
    plain = run("trend", dataset, "-f", "md")
    T.check("report: no figure, no image", "![" not in plain and ".svg" not in plain)


def check(name, dataset, opts, tmp, top=10, maps=True):
    ds = Dataset(dataset)
    opts = list(opts) + (["--top", str(top)] if top != 10 else [])
    labels, per, links = check_chart(name, dataset, opts, top, ds, tmp, maps)
    if maps:
        check_maps(name, dataset, opts, ds, labels, per, links, tmp)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        if not os.path.isdir(DATA):
            print("trend-figures: skipped: no shared data at %s" % DATA)
            return 0
        norway = imported(tmp, "norway", "norway-h2020",
                          os.path.join(DATA, "norway-h2020-participations", "dataset.csv"))
        check("norway yearly", norway, [], tmp, top=5)
        check("norway organisations", norway, ["--mode", "organisations", "--weights", "--every", "2"], tmp)
        check("norway ties cumulative", norway,
              ["--ties", "participates_in,coordinates", "--cumulative", "--periods", "2015,2017,2019-2020"], tmp,
              top=3)
        check_bytes("norway", norway, ["--top", "5", "--every", "3", "--from", "2015", "--to", "2023"], tmp)
        check_render_pdf(tmp)
        check_no_gnuplot(norway, tmp)
        check_report_links(norway, tmp)
        gen = dated_extract(tmp)
        check("generated", gen, ["--every", "2"], tmp, maps=False)
        p = subprocess.run([KLUSTER, "trend", gen, "--maps", os.path.join(tmp, "gen.svg")], capture_output=True,
                           text=True)
        T.check("generated: no coordinates: the maps say why, exit 1, no file",
                p.returncode == 1 and "coordinates" in p.stderr and not os.path.exists(os.path.join(tmp, "gen.svg")),
                (p.returncode, p.stderr[-300:]))
        if os.environ.get("TEST_MODE", "release") == "release":
            cordis = imported(tmp, "cordis", "cordis-h2020",
                              os.path.join(DATA, "cordis-h2020-participations", "h2020_participations.csv"))
            check("cordis", cordis, ["--epsilon", "0.05", "--periods", "2015,2019-2020"], tmp)
    return T.summary()


if __name__ == "__main__":
    sys.exit(main())
