#!/usr/bin/env python3
"""tests/oracle/test_hubs.py - what actor diagrams draw, against NetworkX on
the dataset files (dataset_graph.py), on the Norwegian H2020 import (NTNU's
ego network: 242 actors in the full mode) and datasets/cleantech-se:

 - --max-nodes: at most N actors drawn one by one (default 60 for --ego and
   --path), and every actor of the view accounted for: drawn actors, plus
   the N of each "+N projects" node, plus the footer's "N actors not drawn"
   equal the ego network (or path, or whole graph) NetworkX computes; each
   collapsed node hangs on one drawn actor by one line;
 - --label short_name names NTNU "NTNU" (in the nodes and the title);
   --label id names every drawn actor by its id, which checks that node
   "n<v>" is vertex v in entity order, the map the other checks rely on;
 - wrapping: every label's lines joined (with a space, or nothing after a
   '-' or '/' that ends a line) give the name, or its cut at a word ending
   in "…"; a line holding a space is at most 20 characters, and a line
   ends after a '-' or '/' only when its word is longer than that;
 - bridges: a tie is vermillion exactly when NetworkX finds it a bridge of
   the analysis graph that joins two regions or whose loss cuts off at
   least 10% of its component and two actors or more;
crossed with --mode organisations, --ties, a window (--from/--to) and
--weights; DOT and SVG agree and are byte-identical from run to run.
Run from the repository root with $KLUSTER; the shared data is found
through $SHARED or ../shared beside the repository."""
import html
import os
import re
import subprocess
import sys
import tempfile

import networkx as nx

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dataset_graph as dg  # noqa: E402
from oracle_common import Tally  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KLUSTER = os.environ.get("KLUSTER", os.path.join(ROOT, "kluster"))
SHARED = os.environ.get("SHARED", os.path.join(ROOT, "..", "shared"))
NORWAY = os.path.join(SHARED, "data", "norway-h2020-participations", "dataset.csv")
CLEANTECH = os.path.join(ROOT, "datasets", "cleantech-se")
NTNU = "orgnr-974767880"
WRAP, MAX_CHARS = 20, 64  # actor labels (viz/dot.c actor_label)
VERMILLION = "#d55e00"
PLURAL = {"organisation": "organisations", "person": "people", "project": "projects", "funder": "funders"}

T = Tally()


def render(ds, args, fmt):
    p = subprocess.run([KLUSTER, "render", ds, *args, "-T", fmt, "-o", "-"], capture_output=True)
    T.check("render %s %s exits 0" % (" ".join(args), fmt), p.returncode == 0, p.stderr.decode()[:300])
    return p.stdout.decode()


# ------------------------------------------------------------ the dataset

class Data:
    """The dataset's names and short names, and its analysis graphs."""

    def __init__(self, path):
        self.path = path
        self.ds = dg.Dataset(path)
        self.name, self.short = {}, {}
        for f in dg.dataset_files(path):
            ents, _ = dg._records(f)
            for e in ents:
                self.name.setdefault(e["id"], e.get("name") or e["id"])
                if isinstance(e.get("short_name"), str) and e["short_name"].strip(" "):
                    self.short.setdefault(e["id"], e["short_name"])

    def graph(self, args):
        """The analysis graph of render's graph options in args."""
        mode = args[args.index("--mode") + 1] if "--mode" in args else "full"
        ties = set(args[args.index("--ties") + 1].split(",")) if "--ties" in args else None
        return mode, self.ds.graph(mode=mode, ties=ties, window=dg.window_of(args))

    def vertices(self, mode):
        """Vertex v of kluster's graph: the v-th actor in entity order."""
        return [i for i, k in self.ds.kind.items() if mode == "full" or k == "organisation"]


def bridges_that_matter(G, region):
    """The bridges drawn in vermillion: between two regions, or cutting off
    at least 10% of the component's actors and two or more."""
    comp = {}
    for c in nx.connected_components(G):
        for v in c:
            comp[v] = len(c)
    out = set()
    for u, v in nx.bridges(G):
        G.remove_edge(u, v)
        side = len(nx.node_connected_component(G, u))
        G.add_edge(u, v)
        cut = min(side, comp[u] - side)
        if (region.get(u) and region.get(v) and region[u] != region[v]) or (cut >= 2 and 10 * cut >= comp[u]):
            out.add(frozenset((u, v)))
    return out


# ----------------------------------------------------------- the drawing

NODE = re.compile(r'<g id="[^"]*" class="node">\s*<title>([^<]*)</title>(.*?)</g>', re.S)
EDGE = re.compile(r'<g id="edge\d+" class="edge">\s*<title>([^<]*)</title>\s*<path fill="none" stroke="([^"]*)"', re.S)
TEXT = re.compile(r"<text[^>]*>([^<]*)</text>")
FOOTER = re.compile(r"(\d+) actors? not drawn: --max-nodes (\d+)")


def text(s):
    return html.unescape(s).replace("\u2060", "")


class Drawing:
    """Actor nodes (vertex -> label lines), collapsed nodes (title -> label),
    ties (vertex pair -> stroke), the footer's count; from the SVG."""

    def __init__(self, svg):
        self.actors, self.groups, self.ties, self.group_ties = {}, {}, {}, []
        for title, body in NODE.findall(svg):
            lines = [text(t) for t in TEXT.findall(body)]
            if re.fullmatch(r"n\d+", title):
                self.actors[int(title[1:])] = lines
            elif re.fullmatch(r"g\d+k\d", title):
                self.groups[title] = " ".join(lines)
        for title, stroke in EDGE.findall(svg):
            a, b = text(title).split("--")
            if a[0] == "n" and b[0] == "n":
                self.ties[frozenset((int(a[1:]), int(b[1:])))] = stroke.lower()
            else:
                self.group_ties.append((a, b))
        m = FOOTER.search(text(svg))
        self.not_drawn = int(m.group(1)) if m else 0
        self.cap = int(m.group(2)) if m else None

    def collapsed(self):
        return sum(int(re.match(r"\+(\d+) ", g).group(1)) for g in self.groups.values())


def dot_counts(dot):
    """Actor nodes, collapsed nodes and vermillion ties of the DOT."""
    actors = set(re.findall(r"^\s*n(\d+)\s+\[", dot, re.M))
    groups = set(re.findall(r"^\s*(g\d+k\d)\s+\[", dot, re.M))
    red = re.findall(r"^\s*n\d+ -- n\d+\s+\[color=\"#D55E00\"", dot, re.M)
    return len(actors), len(groups), len(red)


def check_label(what, lines, name):
    """The label's lines are the name (after "#k "), wrapped between words,
    or its cut at a word with "…"."""
    if lines and re.match(r"#\d+ ", lines[0]):
        lines = [lines[0].split(" ", 1)[1]] + lines[1:]
    joined = ""
    for i, line in enumerate(lines):
        T.check("%s: line %r holds a space and is at most %d long" % (what, line, WRAP),
                " " not in line or len(line) <= WRAP)
        if i and re.search(r"\S[-/]$", joined):  # after a '-' or '/' inside a word
            word = re.search(r"\S*$", joined).group(0) + re.match(r"\S*", line).group(0)
            T.check("%s: breaks after %r only in a word longer than %d" % (what, joined[-1], WRAP),
                    len(word.rstrip("\u2026")) > WRAP, word)
            joined += line
        else:
            joined += (" " if i else "") + line
    whole = " ".join(name.split())
    if joined == whole:
        return
    head = joined[:-1]
    ok = joined.endswith("\u2026") and len(joined) <= MAX_CHARS and whole.startswith(head) and (
        whole[len(head):len(head) + 1] == " " or (" " not in head and len(head) == MAX_CHARS - 1))
    T.check("%s: label %r is the name %r or its cut at a word" % (what, joined, whole), ok)


# ---------------------------------------------------------------- checks

def check_view(data, view_args, graph_args, expect_size, cap):
    """Render the view as SVG (names and ids) and DOT; check counts, labels
    and bridges.  expect_size(G): the actors of the view by NetworkX."""
    args = view_args + graph_args
    what = " ".join(args)
    mode, G = data.graph(graph_args)
    vid = data.vertices(mode)
    svg = render(data.path, args, "svg")
    d = Drawing(svg)
    ids = Drawing(render(data.path, args + ["--label", "id"], "svg"))

    # node n<v> is vertex v: --label id names each drawn actor by its id
    T.check("%s: the same actors drawn with --label id" % what, set(ids.actors) == set(d.actors))
    for v, lines in ids.actors.items():
        label = "".join(l if i == 0 or re.search(r"\S[-/]$", lines[i - 1]) else " " + l for i, l in enumerate(lines))
        T.check("%s: n%d is %s" % (what, v, vid[v] if v < len(vid) else "?"),
                v < len(vid) and re.sub(r"^#\d+ ", "", label) == vid[v], label)

    # every actor of the view drawn, collapsed or counted in the footer
    size = expect_size(G)
    T.check("%s: at most %s actors drawn one by one" % (what, cap), cap is None or len(d.actors) <= cap,
            "%d drawn" % len(d.actors))
    T.check("%s: drawn + collapsed + not drawn = %d actors of the view" % (what, size),
            len(d.actors) + d.collapsed() + d.not_drawn == size,
            "%d + %d + %d" % (len(d.actors), d.collapsed(), d.not_drawn))
    T.check("%s: the footer names the cap" % what, d.not_drawn == 0 or d.cap == cap, str(d.cap))
    hubs = [a for a, b in d.group_ties] + [b for a, b in d.group_ties]
    T.check("%s: each collapsed node hangs on a drawn actor by one line" % what,
            len(d.group_ties) == len(d.groups) and all(re.fullmatch(r"n\d+|g\d+k\d", h) for h in hubs) and
            all(("n%s" % t[1:].split("k")[0]) in hubs for t in d.groups))
    for title, label in d.groups.items():
        kind = dg.KINDS[int(title.split("k")[1])]
        T.check("%s: %s reads '+N %s', N >= 3" % (what, title, PLURAL[kind]),
                re.fullmatch(r"\+(\d+) " + PLURAL[kind], label) and int(label.split()[0][1:]) >= 3, label)

    # labels: the names, wrapped between words
    for v, lines in d.actors.items():
        check_label("%s: %s" % (what, vid[v]), lines, data.name[vid[v]])

    # bridges: vermillion exactly when they matter on the whole analysis graph
    matter = bridges_that_matter(G, data.ds.region)
    for pair, stroke in d.ties.items():
        u, v = (vid[x] for x in pair)
        want = frozenset((u, v)) in matter
        T.check("%s: %s -- %s %s" % (what, u, v, "vermillion" if want else "not vermillion"),
                (stroke == VERMILLION) == want, stroke)

    # the DOT says the same; both are deterministic
    dot = render(data.path, args, "dot")
    red = sum(s == VERMILLION for s in d.ties.values())
    T.check("%s: DOT and SVG agree" % what, dot_counts(dot) == (len(d.actors), len(d.groups), red),
            "%s vs %s" % (dot_counts(dot), (len(d.actors), len(d.groups), red)))
    T.check("%s: DOT and SVG byte-identical from run to run" % what,
            render(data.path, args, "dot") == dot and render(data.path, args, "svg") == svg)
    return d, svg


def ego(u):
    return lambda G: len(nx.ego_graph(G, u, 1))


def path_size(a, b):
    def size(G):
        da, db = nx.single_source_shortest_path_length(G, a), nx.single_source_shortest_path_length(G, b)
        return sum(1 for v in G if v in da and v in db and da[v] + db[v] == da[b])
    return size


def norway(work):
    path = os.path.join(work, "norway")
    p = subprocess.run([KLUSTER, "import", "-q", "--map", os.path.join(ROOT, "loaders", "maps", "norway-h2020.json"),
                        NORWAY, "-o", path], capture_output=True)
    T.check("import norway", p.returncode == 0, p.stderr.decode()[:300])
    data = Data(path)
    ntnu = ["--ego", NTNU]
    d, _ = check_view(data, ntnu, [], ego(NTNU), 60)
    T.check("NTNU ego: 242 actors, most of them collapsed",
            len(nx.ego_graph(data.graph([])[1], NTNU, 1)) == 242 and d.collapsed() >= 100, str(d.collapsed()))
    for graph_args in (["--mode", "organisations"], ["--ties", "coordinates"], ["--from", "2018", "--to", "2019"],
                       ["--mode", "organisations", "--weights"], ["--mode", "organisations", "--from", "2019"]):
        check_view(data, ntnu, graph_args, ego(NTNU), 60)
    check_view(data, ntnu + ["--max-nodes", "12"], [], ego(NTNU), 12)
    far = "orgnr-979468970"  # four ties from NTNU, 40 actors on the shortest paths
    check_view(data, ["--path", NTNU, far], [], path_size(NTNU, far), 60)
    check_view(data, ["--path", NTNU, far, "--max-nodes", "20"], [], path_size(NTNU, far), 20)
    check_view(data, ["--top", "150", "--max-nodes", "40"], ["--mode", "organisations"], lambda G: 150, 40)

    # --label short_name: NTNU's own short name; a shared one ("SINTEF") is no name
    sn = Drawing(render(path, ntnu + ["--mode", "organisations", "--label", "short_name"], "svg"))
    vid = data.vertices("organisations")
    got = {vid[v]: re.sub(r"^#\d+ ", "", " ".join(lines)) for v, lines in sn.actors.items()}
    T.check("--label short_name: NTNU", got.get(NTNU) == "NTNU", got.get(NTNU))
    shared = {s for s in data.short.values() if list(data.short.values()).count(s) > 1}
    for i, label in got.items():
        want = data.short[i] if i in data.short and data.short[i] not in shared else " ".join(data.name[i].split())
        T.check("--label short_name: %s is %r" % (i, want), label == want, label)
    svg = render(path, ntnu + ["--label", "short_name"], "svg")
    T.check("--label short_name: the title names NTNU", "Ego network of NTNU " in text(svg))


def cleantech():
    data = Data(CLEANTECH)
    for graph_args in ([], ["--mode", "organisations"], ["--weights"], ["--from", "2019"]):
        check_view(data, [], graph_args, lambda G: G.number_of_nodes(), None)
    # the case that motivated the rule: 32 of 49 ties are bridges, 3 matter
    G = data.graph([])[1]
    red = sum(s == VERMILLION for s in Drawing(render(CLEANTECH, [], "svg")).ties.values())
    T.check("cleantech-se: 32 bridges, 3 of them vermillion",
            len(list(nx.bridges(G))) == 32 and red == 3, "%d vermillion" % red)
    check_view(data, ["--max-nodes", "15"], [], lambda G: G.number_of_nodes(), 15)
    check_view(data, ["--ego", "east-sweden-cluster", "--depth", "2"], [],
               lambda G: len(nx.ego_graph(G, "east-sweden-cluster", 2)), 60)
    check_view(data, ["--ego", "east-sweden-cluster", "--max-nodes", "4"], [],
               ego("east-sweden-cluster"), 4)


def usage_errors():
    for args, msg in ((["--ego", NTNU, "--max-nodes", "0"], "invalid number '0' for --max-nodes"),
                      (["--max-nodes", "x"], "invalid number 'x' for --max-nodes"),
                      (["--label", "nick"], "unknown label 'nick'"),
                      (["--region-map", "--label", "id"], "--label applies to views of actors")):
        p = subprocess.run([KLUSTER, "render", CLEANTECH, *args, "-o", "-"], capture_output=True)
        T.check("render %s: usage error" % " ".join(args), p.returncode == 2 and msg in p.stderr.decode(),
                p.stderr.decode()[:200])


def main():
    cleantech()
    usage_errors()
    if os.path.exists(NORWAY):
        with tempfile.TemporaryDirectory() as work:
            norway(work)
    else:
        print("note: %s not found; the Norwegian case is skipped" % NORWAY)
    print("hubs: %d checks, %d failed" % (T.passed + T.failed, T.failed))
    sys.exit(1 if T.failed else 0)


main()
