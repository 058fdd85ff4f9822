"""tests/oracle/test_gexf_dynamic.py - `kluster export -o FILE.gexf` with
dated relations: a dynamic GEXF 1.3 whose spells Gephi's timeline reads.

Every edge's and every node's spells are recomputed here from the extract
files themselves (JSON and NDJSON read with Python's json module; duplicate
relations merged as the loader does, the first in file byte order keeping
its dates), not from kluster's output:
- a tie's spells are the union of the [start, end] days of the relations
  that make it (full view: the relations between the two actors;
  organisations view: the direct relations between the two organisations
  and, for each shared project or person, the memberships of both), merged
  when they overlap or touch (one ends the day before the next starts); an
  open side has no attribute; a tie that is present at all times (an
  undated relation, or spans that cover all time) has no spells;
- a node's spells are the union of its ties' spells; none when it has no
  tie or a tie present at all times (the entity's own dates are left out).
Only relations the graph options keep (--from/--to, --ties, --mode) count.

The file is read back by NetworkX (which knows only GEXF 1.1draft/1.2draft:
1.3 is registered here with its namespaces), checked well-formed by xmllint,
and written byte-identical twice.  A graph whose relations have no date
(none at all, or none left by --ties and the window) keeps the static
GEXF 1.2draft file.

Datasets: a generated extract with overlapping, adjacent, open and undated
intervals (written here), and the Norwegian import (made here from
../shared, skipped with a line when that is absent), each in the full and
the organisations view, with and without --from 2016 --to 2018.

Run from the repository root with KLUSTER set; last line
"gexf-dynamic oracle: N passed, M failed"."""
import datetime
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import networkx as nx
from networkx.readwrite.gexf import GEXF

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tally import Tally  # noqa: E402

ROOT = os.environ.get("ROOT", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
KLUSTER = os.environ.get("KLUSTER", os.path.join(ROOT, "kluster"))
if not os.path.isabs(KLUSTER):
    KLUSTER = os.path.join(ROOT, KLUSTER)
SHARED = os.environ.get("SHARED", os.path.join(ROOT, "..", "shared"))
NORWAY_CSV = os.path.join(SHARED, "data", "norway-h2020-participations", "dataset.csv")
T = Tally("gexf-dynamic")

NS13 = "http://gexf.net/1.3"
NS12 = "http://www.gexf.net/1.2draft"
_v13 = dict(GEXF.versions["1.2draft"])
_v13.update(NS_GEXF=NS13, NS_VIZ=NS13 + "/viz", SCHEMALOCATION=NS13 + " " + NS13 + "/gexf.xsd", VERSION="1.3")
GEXF.versions["1.3"] = _v13

OPEN_START, OPEN_END = None, None  # an open side, as in the file: no attribute
PROJECT_GROUP = {"participates_in", "coordinates", "initiated"}
PERSON_GROUP = {"employed_by", "leads", "member_of"}
MAX_PROJECT_SIZE = 200  # KL_MAX_PROJECT_SIZE, the default of --max-project-size


def day(text, as_end):
    """A schema date ("YYYY" or "YYYY-MM-DD") as a datetime.date; a year
    alone is its first day as a start, its last as an end."""
    if len(text) == 4:
        return datetime.date(int(text), 12, 31) if as_end else datetime.date(int(text), 1, 1)
    return datetime.date.fromisoformat(text)


# ------------------------------------------------------------ the dataset

def load(path):
    """Entities {id: kind} and relations [(source, target, type, start, end)]
    (dates or None) of an extract file or folder, duplicates merged."""
    files = sorted(glob.glob(os.path.join(path, "*.json")) + glob.glob(os.path.join(path, "*.ndjson"))) \
        if os.path.isdir(path) else [path]
    files.sort(key=lambda p: os.path.basename(p).encode())
    kinds, rels, seen = {}, [], set()
    for fn in files:
        with open(fn, encoding="utf-8") as f:
            if fn.endswith(".ndjson"):
                recs = [json.loads(line) for line in f if line.strip()]
                ents = [r for r in recs if r.get("record") == "entity"]
                rs = [r for r in recs if r.get("record") == "relation"]
            else:
                doc = json.load(f)
                ents, rs = doc.get("entities", []), doc.get("relations", [])
        for e in ents:
            kinds.setdefault(e["id"], e["kind"])
        for r in rs:
            key = (r["source"], r["target"], r["type"])
            if key in seen:
                continue  # merged into the first: its dates stand
            seen.add(key)
            rels.append((r["source"], r["target"], r["type"],
                         day(r["start"], False) if r.get("start") else OPEN_START,
                         day(r["end"], True) if r.get("end") else OPEN_END))
    return kinds, rels


def kept(rel, window, ties):
    _, _, typ, start, end = rel
    if ties and typ not in ties:
        return False
    lo, hi = window
    return (start is None or hi is None or start <= hi) and (end is None or lo is None or end >= lo)


def tie_relations(kinds, rels, mode, window, ties):
    """{frozenset({a, b}): [relation, ...]}: the relations behind each tie,
    as DEFINITIONS.md builds the analysis graph."""
    out = {}

    def add(a, b, rs):
        if a != b:
            out.setdefault(frozenset((a, b)), []).extend(rs)

    use = [r for r in rels if kept(r, window, ties) and r[0] != r[1]]
    if mode == "full":
        for r in use:
            add(r[0], r[1], [r])
        return out
    groups = {}  # group -> {organisation: [memberships]}
    for r in use:
        s, t, typ = r[0], r[1], r[2]
        ks, kt = kinds[s], kinds[t]
        if typ in PROJECT_GROUP and ks == "organisation" and kt == "project":
            groups.setdefault(t, {}).setdefault(s, []).append(r)
        elif typ in PERSON_GROUP and ks == "person" and kt == "organisation":
            groups.setdefault(s, {}).setdefault(t, []).append(r)
        elif ks == "organisation" and kt == "organisation":
            add(s, t, [r])
    for g, members in groups.items():
        if kinds[g] == "project" and len(members) > MAX_PROJECT_SIZE:
            continue
        orgs = sorted(members)
        for i, a in enumerate(orgs):
            for b in orgs[i + 1:]:
                add(a, b, members[a] + members[b])
    return out


def merge(spans):
    """Union of closed day intervals (None: open side), sorted; [] when the
    union is all time."""
    lo_key = lambda s: (datetime.date.min if s[0] is None else s[0], datetime.date.max if s[1] is None else s[1])
    out = []
    for s, e in sorted(spans, key=lo_key):
        if out:
            ps, pe = out[-1]
            if pe is None or s is None or s <= pe + datetime.timedelta(days=1):
                out[-1] = (ps, None if pe is None or e is None else max(pe, e))
                continue
        out.append((s, e))
    return [] if out == [(None, None)] else out


def expected(kinds, rels, mode, window, ties):
    """(nodes, edges, dated): spells per node id and per tie."""
    nodes = {i for i, k in kinds.items() if mode == "full" or k == "organisation"}
    tr = tie_relations(kinds, rels, mode, window, ties)
    edges = {k: merge([(r[3], r[4]) for r in rs]) for k, rs in tr.items()}
    dated = any(r[3] is not None or r[4] is not None for rs in tr.values() for r in rs)
    node_spells = {}
    for v in nodes:
        mine = [sp for k, sp in edges.items() if v in k]
        node_spells[v] = [] if not mine or any(not sp for sp in mine) else merge([s for sp in mine for s in sp])
    return node_spells, edges, dated


# ----------------------------------------------------------------- checks

def window_of(args):
    lo = hi = None
    if "--from" in args:
        lo = day(args[args.index("--from") + 1], False)
    if "--to" in args:
        hi = day(args[args.index("--to") + 1], True)
    return lo, hi


def as_text(spells):
    return [(None if s is None else s.isoformat(), None if e is None else e.isoformat()) for s, e in spells]


def read_spells(data):
    """NetworkX's spells of a node or edge: it writes str(None) for an absent
    side."""
    return [(None if s in (None, "None") else s, None if e in (None, "None") else e) for s, e in data.get("spells", [])]


def check(tag, path, kinds, rels, args, tmp):
    mode = "organisations" if "organisations" in args else "full"
    ties = set(args[args.index("--ties") + 1].split(",")) if "--ties" in args else None
    want_nodes, want_edges, dated = expected(kinds, rels, mode, window_of(args), ties)
    out = os.path.join(tmp, "%s.gexf" % tag.replace(" ", "_"))
    again = out + ".again.gexf"
    for o in (out, again):
        p = subprocess.run([KLUSTER, "export", "-q", path, *args, "-o", o], capture_output=True, text=True)
        T.check("%s: export" % tag, p.returncode == 0, p.stderr[-300:])
        if p.returncode:
            return
    blob = open(out, "rb").read()
    T.check("%s: byte-identical across runs" % tag, blob == open(again, "rb").read())
    if shutil.which("xmllint"):
        x = subprocess.run(["xmllint", "--noout", out], capture_output=True, text=True)
        T.check("%s: well-formed XML" % tag, x.returncode == 0, x.stderr[:300])
    root = ET.parse(out).getroot()
    graph = root.find("{%s}graph" % (NS13 if dated else NS12))
    T.check("%s: %s" % (tag, "dynamic GEXF 1.3" if dated else "static GEXF 1.2draft"),
            graph is not None and root.get("version") == ("1.3" if dated else "1.2"), blob[:400])
    if graph is None:
        return
    if dated:
        T.check("%s: graph element" % tag, graph.attrib == {"mode": "dynamic", "defaultedgetype": "undirected",
                                                             "timeformat": "date", "timerepresentation": "interval"},
                graph.attrib)
        T.check("%s: viz namespace of 1.3" % tag, b'xmlns:viz="http://gexf.net/1.3/viz"' in blob[:400])
        no_side = [s.attrib for s in root.iter("{%s}spell" % NS13) if not s.attrib]
        T.check("%s: no spell without a start or an end" % tag, not no_side)
    else:
        T.check("%s: static graph, no spells" % tag, graph.get("mode") == "static" and b"<spell" not in blob)
    G = nx.read_gexf(out, version="1.3" if dated else "1.2draft")
    T.check("%s: node set" % tag, set(G.nodes) == set(want_nodes), sorted(set(G.nodes) ^ set(want_nodes))[:5])
    got_edges = {frozenset((u, v)): d for u, v, d in G.edges(data=True)}
    T.check("%s: edge set (%d ties)" % (tag, len(want_edges)), set(got_edges) == set(want_edges),
            [sorted(k) for k in set(got_edges) ^ set(want_edges)][:5])
    T.check("%s: viz:color and viz:size on every node" % tag,
            all("color" in d.get("viz", {}) and "size" in d.get("viz", {}) for _, d in G.nodes(data=True)))
    bad = [(sorted(k), read_spells(got_edges[k]), as_text(sp)) for k, sp in sorted(want_edges.items(), key=lambda x: sorted(x[0]))
           if k in got_edges and read_spells(got_edges[k]) != as_text(sp)]
    T.check("%s: every edge's spells" % tag, not bad, bad[:3])
    bad = [(v, read_spells(d), as_text(want_nodes[v])) for v, d in G.nodes(data=True)
           if v in want_nodes and read_spells(d) != as_text(want_nodes[v])]
    T.check("%s: every node's spells" % tag, not bad, bad[:3])
    n_sp = sum(1 for d in got_edges.values() if d.get("spells")) + sum(1 for _, d in G.nodes(data=True) if d.get("spells"))
    print("%s: %d nodes, %d edges, %d with spells" % (tag, G.number_of_nodes(), G.number_of_edges(), n_sp))
    return dated


# --------------------------------------------------------------- fixtures

def generated(tmp):
    """A folder of two extract files: intervals that overlap, touch (across
    a leap day, a month end, a year end), lie apart, are open on one side or
    undated, an isolated organisation; a duplicate relation in the second file whose dates lose."""
    d = os.path.join(tmp, "gen")
    os.mkdir(d)
    ent = lambda i, k: {"id": i, "kind": k, "name": i.upper()}
    a = {
        "format": "collab-extract/1",
        "dataset": {"id": "gexf-dynamic", "title": "Dated ties & <spells>"},
        "entities": [ent("o%d" % i, "organisation") for i in range(1, 9)] +
                    [ent("p1", "project"), ent("p2", "project"), ent("p3", "project"), ent("h1", "person"),
                     ent("f1", "funder")],
        "relations": [
            {"source": "o1", "target": "p1", "type": "participates_in", "start": "2015", "end": "2016"},
            {"source": "o2", "target": "p1", "type": "coordinates", "start": "2017-01-01", "end": "2018"},
            {"source": "o3", "target": "p1", "type": "participates_in"},
            {"source": "o1", "target": "p2", "type": "participates_in", "start": "2014-03-01", "end": "2014-06-30"},
            {"source": "o1", "target": "p2", "type": "coordinates", "start": "2014-05-01", "end": "2014-12-31"},
            {"source": "o4", "target": "p2", "type": "participates_in", "start": "2019"},
            {"source": "o4", "target": "p3", "type": "initiated", "end": "2013"},
            {"source": "o5", "target": "p3", "type": "participates_in", "start": "2014-01-01", "end": "2014-02-28"},
            {"source": "h1", "target": "o5", "type": "employed_by", "start": "2016-02-01", "end": "2016-02-29"},
            {"source": "h1", "target": "o6", "type": "member_of", "start": "2016-03-01", "end": "2020"},
            {"source": "o6", "target": "o2", "type": "partner_of", "start": "2012", "end": "2012"},
            {"source": "o3", "target": "o4", "type": "partner_of"},
            {"source": "f1", "target": "p1", "type": "funds", "start": "2015", "end": "2015"},
            {"source": "o5", "target": "o6", "type": "partner_of", "end": "2015-06-30"},
            {"source": "o6", "target": "o5", "type": "partner_of", "start": "2015-07-01"},
            {"source": "o7", "target": "o3", "type": "member_of"},
        ],
    }
    with open(os.path.join(d, "a.json"), "w", encoding="utf-8") as f:
        json.dump(a, f, indent=1)
    with open(os.path.join(d, "b.ndjson"), "w", encoding="utf-8") as f:
        f.write(json.dumps({"record": "relation", "source": "o6", "target": "o2", "type": "partner_of",
                            "start": "2030"}) + "\n")
    return d


def main():
    with tempfile.TemporaryDirectory() as tmp:
        gen = generated(tmp)
        kinds, rels = load(gen)
        for args in ([], ["--mode", "organisations"], ["--from", "2016", "--to", "2018"],
                     ["--mode", "organisations", "--from", "2016", "--to", "2018"],
                     ["--ties", "partner_of", "--metrics"], ["--mode", "organisations", "--ties", "participates_in,coordinates"]):
            check("generated %s" % " ".join(args), gen, kinds, rels, args, tmp)
        # dated relations outside the graph do not make it dynamic
        for args in (["--ties", "member_of", "--from", "2021", "--to", "2022"],
                     ["--mode", "organisations", "--ties", "member_of", "--from", "2021", "--to", "2022"]):
            static = check("generated static %s" % " ".join(args), gen, kinds, rels, args, tmp)
            T.check("generated %s: no dated relation in the graph, static" % " ".join(args), static is False)
        if not os.path.exists(NORWAY_CSV):
            print("skip norway: %s is absent" % NORWAY_CSV)
        else:
            norway = os.path.join(tmp, "norway")
            p = subprocess.run([KLUSTER, "import", "-q", "--map", os.path.join(ROOT, "loaders", "maps", "norway-h2020.json"),
                                NORWAY_CSV, "-o", norway], capture_output=True, text=True)
            T.check("norway: import", p.returncode == 0, p.stderr[-300:])
            if p.returncode == 0:
                kinds, rels = load(norway)
                for args in ([], ["--mode", "organisations"], ["--from", "2016", "--to", "2018"],
                             ["--mode", "organisations", "--from", "2016", "--to", "2018"]):
                    dated = check("norway %s" % " ".join(args), norway, kinds, rels, args, tmp)
                    T.check("norway %s: dynamic" % " ".join(args), dated is True)
    return T.summary()


if __name__ == "__main__":
    sys.exit(main())
