#!/usr/bin/python3
"""tests/oracle/test_titles.py - where the words around a diagram go, and
the options that set them.

1. On the SVG of every kind of figure (whole network laid out by dot, fdp,
   neato, sfdp and circo; the region map; the region map and the whole
   network as maps; the heat map) the title is the topmost thing drawn,
   and left-aligned: it starts within a few points of the leftmost thing
   drawn, and where the legend starts.
2. --title, --subtitle and --caption with hostile text (<, &, quotes, an
   entity, a long line): the SVG is still XML and shows the text as given
   (wrapped at spaces), the generated subtitle is gone, the footer stays;
   "" leaves the title out.  DOT and SVG stay byte-identical run to run and
   `dot -Tsvg` of the DOT gives the SVG.
Run from the repository root with $KLUSTER."""
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tally import Tally  # noqa: E402

KLUSTER = os.environ.get("KLUSTER", "./kluster")
CT = "datasets/cleantech-se"
SVG = "{http://www.w3.org/2000/svg}"
TITLE = "Swedish cleantech clusters"
SLACK = 12.0  # points: label padding and cell padding between edges
HOSTILE_TITLE = ("Tom & Jerry <b>\"bold\"</b> 'x' &amp; &#9; a title long enough to wrap at a space "
                 "somewhere after seventy characters")
HOSTILE_SUB = "Sub <i>title</i> & \"more\""
HOSTILE_CAPTION = "Source: Vinnova & <Tillväxtverket>, 2024 \"open data\""

VIEWS = [
    ("whole (dot)", []),
    ("whole (fdp)", ["--layout", "fdp"]),
    ("whole (neato)", ["--layout", "neato"]),
    ("whole (sfdp)", ["--layout", "sfdp"]),
    ("whole (circo)", ["--layout", "circo"]),
    ("region map", ["--region-map"]),
    ("region map --geo", ["--region-map", "--geo"]),
    ("whole --geo", ["--geo"]),
    ("heat map", ["--heatmap"]),
    ("ego", ["--ego", "east-sweden-cluster", "--depth", "2"]),
]

TALLY = Tally("titles")


def check(ok, what):
    TALLY.check(what, ok)


def render(args, out):
    r = subprocess.run([KLUSTER, "render", CT, "-q", "-o", out] + args, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    return r.returncode, r.stderr.decode("utf-8", "replace")


def numbers(s):
    return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", s)]


def extents(el):
    """(left, top) points of a drawn element, or None: shapes by their
    coordinates, texts by their start (left-anchored only) and top."""
    tag = el.tag[len(SVG):] if el.tag.startswith(SVG) else el.tag
    if el.get("fill") == "white" and el.get("stroke") == "transparent":
        return None  # a background: the graph's, or a frame cluster's
    if tag in ("polygon", "polyline"):
        v = numbers(el.get("points", ""))
        xs, ys = v[0::2], v[1::2]
        return (min(xs), min(ys)) if xs else None
    if tag == "ellipse":
        cx, cy, rx, ry = (float(el.get(k)) for k in ("cx", "cy", "rx", "ry"))
        return (cx - rx, cy - ry)
    if tag == "path":
        v = numbers(el.get("d", ""))
        xs, ys = v[0::2], v[1::2]
        return (min(xs), min(ys)) if xs else None
    if tag == "text" and (el.text or "").strip():
        size = float(el.get("font-size", "14"))
        x = float(el.get("x")) if el.get("text-anchor") == "start" else float("inf")
        return (x, float(el.get("y")) - size)
    return None


def walk(el, skip_node=None, skip_first_polygon=True):
    """Every drawn element under the graph's group, but the background and
    the node named skip_node (a map's title node)."""
    out = []
    graph = el.find(SVG + "g")
    first = True
    for child in graph:
        tag = child.tag[len(SVG):]
        if tag == "polygon" and first and skip_first_polygon:
            first = False  # the white background
            continue
        if tag == "g":
            t = child.find(SVG + "title")
            if skip_node and child.get("class") == "node" and t is not None and t.text == skip_node:
                continue
            out.extend(d for d in child.iter() if d is not child)
        else:
            out.append(child)
    return out


def title_text_el(root):
    for t in root.iter(SVG + "text"):
        if t.get("font-size") == "22.00" and t.get("font-weight") == "bold":
            return t
    return None


def check_placement(name, path):
    root = ET.parse(path).getroot()
    title = title_text_el(root)
    check(title is not None and title.text == TITLE, "%s: no title text %r" % (name, TITLE))
    if title is None:
        return
    tx, ttop = float(title.get("x")), float(title.get("y")) - 22
    others = [e for e in walk(root, skip_node="title") if e is not title and not (
        e.tag == SVG + "text" and e.get("font-size") in ("22.00", "13.00") and e.get("y") and
        abs(float(e.get("y")) - float(title.get("y"))) < 60)]  # the title block itself
    ext = [x for x in (extents(e) for e in others) if x]
    left = min(x for x, _ in ext)
    top = min(y for _, y in ext)
    check(ttop <= top + 0.5, "%s: the title (top %.1f) is not above everything (topmost %.1f)" % (name, ttop, top))
    check(tx <= left + SLACK, "%s: the title starts at x %.1f, the drawing at %.1f" % (name, tx, left))
    legend = [t for t in root.iter(SVG + "text") if (t.text or "").strip() in ("Shape", "Size", "Links")]
    if legend:
        lx = min(float(t.get("x")) for t in legend)
        check(abs(lx - tx) <= SLACK, "%s: the title starts at x %.1f, the legend at %.1f" % (name, tx, lx))
    print("%-18s title at (%.1f, %.1f); drawing from (%.1f, %.1f)%s" % (
        name, tx, ttop, left, top, "; legend at x %.1f" % lx if legend else ""))


def texts_blob(path):
    root = ET.parse(path).getroot()
    blob = "".join(t.text or "" for t in root.iter(SVG + "text"))
    return re.sub(r"\s+", "", blob.replace("\u00a0", "").replace("\u2060", ""))


def squash(s):
    return re.sub(r"\s+", "", s)


def main():
    work = tempfile.mkdtemp()
    # 1. placement on every kind of figure
    for name, args in VIEWS:
        out = os.path.join(work, "v.svg")
        rc, err = render(args, out)
        check(rc == 0, "%s: render failed: %s" % (name, err.strip()[:200]))
        if rc == 0:
            check_placement(name, out)

    # 2. the options, with hostile text
    opts = ["--title", HOSTILE_TITLE, "--subtitle", HOSTILE_SUB, "--caption", HOSTILE_CAPTION]
    for name, args in VIEWS[:1] + VIEWS[2:3] + VIEWS[6:9]:
        out, again = os.path.join(work, "o.svg"), os.path.join(work, "o2.svg")
        dot = os.path.join(work, "o.dot")
        rc, err = render(args + opts, out)
        check(rc == 0, "%s with options: render failed: %s" % (name, err.strip()[:200]))
        if rc != 0:
            continue
        try:
            blob = texts_blob(out)
        except ET.ParseError as e:
            check(False, "%s with options: not XML: %s" % (name, e))
            continue
        for text in (HOSTILE_TITLE, HOSTILE_SUB, HOSTILE_CAPTION):
            check(squash(text) in blob, "%s: %r not shown as given" % (name, text[:30]))
        check("Sources:" in blob, "%s: the footer is gone" % name)
        check("Wholenetwork" not in blob and "heatmap:links" not in blob and "Mapofthe" not in blob,
              "%s: the generated subtitle is still there" % name)
        root = ET.parse(out).getroot()
        lines = [t for t in root.iter(SVG + "text") if t.get("font-size") == "22.00"]
        check(len(lines) >= 2 and len({t.get("x") for t in lines}) == 1,
              "%s: the long title is not wrapped into left-aligned lines" % name)
        caption = [t for t in root.iter(SVG + "text") if (t.text or "").startswith("Source: Vinnova")]
        footer = [t for t in root.iter(SVG + "text") if (t.text or "").startswith("Sources:")]
        check(caption and footer and float(caption[0].get("y")) < float(footer[0].get("y")),
              "%s: the caption is not just above the footer" % name)
        render(args + opts, again)
        render(args + opts, dot)
        check(open(out, "rb").read() == open(again, "rb").read(), "%s: SVG differs run to run" % name)
        r = subprocess.run(["dot", "-Tsvg", dot], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        check(r.stdout == open(out, "rb").read(), "%s: dot -Tsvg of the DOT differs from the SVG" % name)

    # "" leaves the title out; the subtitle then heads the figure
    for name, args in (VIEWS[0], VIEWS[6], VIEWS[8]):
        out = os.path.join(work, "e.svg")
        rc, _ = render(args + ["--title", ""], out)
        root = ET.parse(out).getroot() if rc == 0 else None
        check(root is not None and title_text_el(root) is None and any(
            t.get("font-size") == "13.00" for t in root.iter(SVG + "text")),
            "%s: --title \"\" does not leave the title out" % name)
    return TALLY.summary()


if __name__ == "__main__":
    sys.exit(main())
