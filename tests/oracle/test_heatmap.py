#!/usr/bin/env python3
"""tests/oracle/test_heatmap.py - `kluster render --heatmap` against an
independent computation, on the Norwegian H2020 import and the six-region
fixture:

 - every cell of the DOT table holds the pair's links (docs/metrics.md
   `links`: ties between actors of the two regions, plus regionless actors
   tied to both, once per pair) computed here from the extract, and a cell
   without a tooltip is a pair without links or broker; the SVG's tooltips
   name the same values;
 - each cell's colour is that of its class, and classes grow with links;
 - the order: within each linked group, the regions are in the order of
   the Fiedler vector of the links' Laplacian as numpy computes it (either
   direction), and it keeps linked regions closer (sum of links x distance
   in rows) than 95% of 1000 random orders;
 - names of every kind (quotes, <, &, line breaks: tests/data/hostile-names)
   leave the DOT readable to Graphviz;
 - DOT and SVG are byte-identical from run to run; PNG and PDF have their
   magic numbers; a failed render leaves no file behind.
Run from the repository root with $KLUSTER; the shared data is found
through $SHARED or ../shared beside the repository."""
import collections
import html
import itertools
import json
import os
import random
import re
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KLUSTER = os.environ.get("KLUSTER", os.path.join(ROOT, "kluster"))
SHARED = os.environ.get("SHARED", os.path.join(ROOT, "..", "shared"))
NORWAY = os.path.join(SHARED, "data", "norway-h2020-participations", "dataset.csv")
SIX = os.path.join(ROOT, "tests", "data", "heatmap-six")

failures = 0
checks = 0


def check(ok, what):
    global failures, checks
    checks += 1
    if not ok:
        failures += 1
        print("FAIL", what)


def run(*args):
    return subprocess.run([KLUSTER, *args], capture_output=True)


# ------------------------------------------------------------ the oracle

def read_extract(path):
    """Entities and relations of an extract (.ndjson or a folder of .json)."""
    ents, rels, regions = {}, [], {}
    files = sorted(os.path.join(path, f) for f in os.listdir(path)) if os.path.isdir(path) else [path]
    for f in files:
        if f.endswith(".ndjson"):
            for line in open(f, encoding="utf-8"):
                r = json.loads(line)
                if r.get("record") == "entity":
                    ents.setdefault(r["id"], r)
                elif r.get("record") == "relation":
                    rels.append(r)
                elif r.get("record") == "region":
                    regions.setdefault(r["id"], r.get("name", r["id"]))
        elif f.endswith(".json"):
            doc = json.load(open(f, encoding="utf-8"))
            for e in doc.get("entities", []):
                ents.setdefault(e["id"], e)
            rels.extend(doc.get("relations", []))
            for r in doc.get("regions", []):
                regions.setdefault(r["id"], r.get("name", r["id"]))
    return ents, rels, regions


def actor_regions(ents, rels):
    """docs/metrics.md: an actor's own region; else a person's employer's with
    the highest summed employed_by weight (ties: the first met)."""
    region = {i: e.get("region") for i, e in ents.items()}
    weight = collections.defaultdict(lambda: collections.OrderedDict())
    for r in rels:
        s, t = r["source"], r["target"]
        if r["type"] == "employed_by" and ents[s]["kind"] == "person" and region.get(t):
            w = weight[s]
            w[t] = w.get(t, 0) + r.get("weight", 1)
    for p, w in weight.items():
        if not region[p]:
            best = max(w.values())
            region[p] = region[next(t for t, x in w.items() if x == best)]
    return region


def links_of(ents, rels):
    region = actor_regions(ents, rels)
    adj = collections.defaultdict(set)
    for r in rels:
        if r["source"] != r["target"]:
            adj[r["source"]].add(r["target"])
            adj[r["target"]].add(r["source"])
    links = collections.Counter()
    for u in adj:
        for w in adj[u]:
            if u < w and region[u] and region[w] and region[u] != region[w]:
                links[frozenset((region[u], region[w]))] += 1
    for x in adj:
        if not region[x]:
            for a, b in itertools.combinations(sorted({region[w] for w in adj[x] if region[w]}), 2):
                links[frozenset((a, b))] += 1
    with_actors = sorted({r for r in region.values() if r})
    return links, with_actors


# -------------------------------------------------------- what was drawn

TD = re.compile(r'<TD([^>]*)>(.*?)</TD>')
ATTR = re.compile(r'([A-Z]+)="([^"]*)"')
TIP = re.compile(r'^(.*) \u2013 (.*): (?:(\d+) links?|no links)(?:; main broker (.*) \(([A-Z+]+)\), on .*)?$')


def short(name):
    """A name as the tooltips show it: on one line, and when longer than 40
    characters cut to 40 with the "…": at the last space leaving at most 39
    before it, inside the first word only when it alone is longer."""
    name = name.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    if len(name) <= 40:
        return name
    head = name[:max(name.rfind(" ", 0, 40), 0)].rstrip()
    return (head or name[:39]) + "\u2026"


def unescape(s):
    """Attribute text as read: entities decoded, and without the WORD JOINER
    that kl_viz_escape_html puts after an '&' that would read as an entity
    and after a final backslash."""
    return html.unescape(s).replace("\u2060", "")


def matrix_rows(dot):
    """The rows of the matrix node's table: lists of (attributes, text)."""
    label = re.search(r'\bmatrix\s*\[label=<(.*?)>\];', dot, re.S).group(1)
    rows = []
    for tr in re.findall(r'<TR>(.*?)</TR>', label):
        rows.append([(dict(ATTR.findall(a)), t) for a, t in TD.findall(tr)])
    return rows


def check_cells(name, dot, svg, links, with_actors, names):
    rows = matrix_rows(dot)
    head, body = rows[0], rows[1:]
    if len(body) > len(with_actors):  # keys repeated below the matrix
        body = body[:len(with_actors)]
    check(len(body) == len(with_actors), "%s: %d rows for %d regions" % (name, len(body), len(with_actors)))
    order = []
    for row in body:
        m = re.match(r'^(.*) \((.*)\)$', unescape(row[0][0]["TITLE"]))
        order.append(m.group(2))
    check(sorted(order) == with_actors, "%s: the rows are not the regions with actors" % name)
    check([unescape(a["TITLE"]) for a, _ in head[1:]] == [short(names[r]) for r in order],
          "%s: column heads differ from the rows" % name)
    bad = []
    for i, row in enumerate(body):
        cells = row[2:]
        for j, (attr, text) in enumerate(cells):
            a, b = order[i], order[j]
            if i == j:
                if attr.get("BGCOLOR") != "#D4D4D4":
                    bad.append("%s diagonal not blank" % a)
                continue
            want = links.get(frozenset((a, b)), 0)
            tip = attr.get("TITLE")
            if tip is None:
                if want:
                    bad.append("%s-%s: no value, want %d" % (a, b, want))
                continue
            m = TIP.match(unescape(tip))
            got = int(m.group(3)) if m and m.group(3) else 0
            if not m or got != want or m.group(1) != short(names[a]) or m.group(2) != short(names[b]):
                bad.append("%s-%s: %r, want %d" % (a, b, tip, want))
            if want and "BGCOLOR" not in attr:
                bad.append("%s-%s: no colour" % (a, b))
    check(not bad, "%s: cells: %s" % (name, "; ".join(bad[:5])))
    # the SVG's tooltips: every linked pair, both ways, with its links
    tips = collections.Counter()
    for t in re.findall(r'xlink:title="([^"]*)"', svg):
        m = TIP.match(unescape(t))
        if m and m.group(3):
            tips[(m.group(1), m.group(2))] = int(m.group(3))
    want = {}
    for pair, v in links.items():
        a, b = sorted(pair)
        want[(short(names[a]), short(names[b]))] = v
        want[(short(names[b]), short(names[a]))] = v
    check(dict(tips) == want, "%s: SVG tooltips differ from the links (%d vs %d)" % (name, len(tips), len(want)))
    return order, body


def check_colours(name, dot, body, order, links):
    """Colours grow with links: a pair with more links never gets a class
    below one with fewer, and the legend lists the classes in order."""
    colours = re.search(r'\bcolours\s*\[label=<(.*?)>\];', dot, re.S).group(1)
    legend = re.findall(r'BGCOLOR="(#[0-9A-F]{6})" WIDTH="44"', colours)[:-1]  # the last: same region
    rank = {c: k for k, c in enumerate(legend)}
    seen = []
    for i, row in enumerate(body):
        for j, (attr, _) in enumerate(row[2:]):
            v = links.get(frozenset((order[i], order[j])), 0)
            if i != j and v:
                seen.append((v, rank.get(attr.get("BGCOLOR"), -1)))
    check(all(r >= 0 for _, r in seen), "%s: a cell's colour is not in the legend" % name)
    seen.sort()
    check(all(seen[k][1] <= seen[k + 1][1] for k in range(len(seen) - 1)),
          "%s: colour classes do not grow with links" % name)


def check_order(name, order, links):
    n = len(order)
    idx = {r: k for k, r in enumerate(order)}
    W = np.zeros((n, n))
    for pair, v in links.items():
        a, b = sorted(pair)
        W[idx[a], idx[b]] = W[idx[b], idx[a]] = v
    # linked groups, each in Fiedler order (numpy) up to direction
    seen, groups = set(), []
    for s in range(n):
        if s in seen:
            continue
        comp, stack = [], [s]
        seen.add(s)
        while stack:
            u = stack.pop()
            comp.append(u)
            for v in np.nonzero(W[u])[0]:
                if v not in seen:
                    seen.add(int(v))
                    stack.append(int(v))
        groups.append(sorted(comp))
    for comp in groups:
        check(comp == list(range(comp[0], comp[0] + len(comp))), "%s: a linked group is split" % name)
        if len(comp) < 3:
            continue
        sub = W[np.ix_(comp, comp)]
        L = np.diag(sub.sum(axis=1)) - sub
        val, vec = np.linalg.eigh(L)
        if val[2] - val[1] < 1e-6 * val[2]:
            print("note: %s: a group's Fiedler value is repeated; its order is not checked" % name)
            continue
        f = vec[:, 1]
        tol = 1e-9 * np.abs(f).max()
        up = all(f[k] <= f[k + 1] + tol for k in range(len(f) - 1))
        down = all(f[k] >= f[k + 1] - tol for k in range(len(f) - 1))
        check(up or down, "%s: a group is not in Fiedler order" % name)

    def cost(pos):
        i, j = np.triu_indices(n, 1)
        return float((W[i, j] * np.abs(pos[i] - pos[j])).sum())

    if n < 5:
        return None  # too few orders for chance to say anything
    ours = cost(np.arange(n))
    rng = random.Random(1)
    worse = 0
    for _ in range(1000):
        perm = list(range(n))
        rng.shuffle(perm)
        worse += cost(np.array(perm)) > ours
    check(worse >= 950, "%s: the order beats only %d of 1000 random orders" % (name, worse))
    return worse


def render(dataset, ext, work):
    out = os.path.join(work, "h." + ext)
    p = run("render", dataset, "-q", "--heatmap", "-o", out)
    check(p.returncode == 0, "render %s: %s" % (ext, p.stderr.decode()[:200]))
    return open(out, "rb").read() if p.returncode == 0 else b""


def case(name, dataset, extract, work):
    ents, rels, names = read_extract(extract)
    links, with_actors = links_of(ents, rels)
    for r in with_actors:
        names.setdefault(r, r)
    dot = render(dataset, "dot", work).decode()
    svg = render(dataset, "svg", work).decode()
    # Graphviz takes the DOT without a word (a label it cannot read would be
    # drawn as the node's name instead, and only a message would say so)
    p = subprocess.run(["dot", "-Tsvg", os.path.join(work, "h.dot")], capture_output=True)
    check(p.returncode == 0 and not p.stderr, "%s: dot -Tsvg: %s" % (name, p.stderr.decode()[:200]))
    order, body = check_cells(name, dot, svg, links, with_actors, names)
    check_colours(name, dot, body, order, links)
    beaten = check_order(name, order, links)
    check(render(dataset, "dot", work).decode() == dot, "%s: DOT differs between runs" % name)
    check(render(dataset, "svg", work).decode() == svg, "%s: SVG differs between runs" % name)
    check(render(dataset, "png", work)[:8] == b"\x89PNG\r\n\x1a\n", "%s: no PNG magic" % name)
    check(render(dataset, "pdf", work)[:5] == b"%PDF-", "%s: no PDF magic" % name)
    print("%s: %d regions, %d linked pairs%s" % (name, len(with_actors), len(links),
          "" if beaten is None else ", order beats %d of 1000 random orders" % beaten))


def main():
    with tempfile.TemporaryDirectory() as work:
        case("six", SIX, SIX, work)
        hostile = os.path.join(ROOT, "tests", "data", "hostile-names")
        case("hostile-names", hostile, hostile, work)
        if os.path.exists(NORWAY):
            no = os.path.join(work, "no")
            p = run("import", "-q", "--map", os.path.join(ROOT, "loaders", "maps", "norway-h2020.json"), NORWAY,
                    "-o", no)
            check(p.returncode == 0, "import: %s" % p.stderr.decode()[:200])
            case("norway", no, no, work)
        else:
            print("note: %s not found; the Norwegian case is skipped" % NORWAY)
        # failures leave nothing behind
        karate = os.path.join(work, "karate.json")
        json.dump({"entities": [{"id": "a", "kind": "organisation", "name": "A", "region": "R"},
                                {"id": "b", "kind": "organisation", "name": "B"}],
                   "relations": [{"source": "a", "target": "b", "type": "partner_of"}]}, open(karate, "w"))
        for args in ([karate, "--heatmap", "-o", os.path.join(work, "one.svg")],
                     [os.path.join(work, "missing"), "--heatmap", "-o", os.path.join(work, "missing.png")],
                     [SIX, "--heatmap", "--geo", "-o", os.path.join(work, "geo.pdf")]):
            before = set(os.listdir(work))
            p = run("render", *args)
            check(p.returncode in (1, 2) and p.stderr.startswith(b"kluster"),
                  "render %s: exit %d %r" % (args[0], p.returncode, p.stderr[:100]))
            check(set(os.listdir(work)) == before, "render %s left files behind" % args[0])
    print("heatmap: %d checks, %d failed" % (checks, failures))
    sys.exit(1 if failures else 0)


main()
