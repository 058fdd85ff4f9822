#!/usr/bin/env python3
"""Turn the real test graphs of ../shared/data (beside the clone) into collab-extract/1 files.

  make_extracts.py OUTDIR [--data DIR] [--gen PATH] [--only NAME,...]

Writes OUTDIR/<name>.json for: karate (Zachary; regions = the two factions
of SOURCE.md), karate-weighted (the same with weights 1, 2, 4, 8), florentine (Padgett, marriage ties; Pucci isolated),
davis (Southern Women, two-mode: women are persons, events projects;
the 93-tie file as shipped), netscience (Newman, weighted by "value"),
grqc (SNAP ca-GrQc, full graph, self-loops kept: the engine drops them with
a warning) and gen2000 (bench/gen.py --orgs 2000 --seed 1).

Each graph is read with a NetworkX reader where one exists (read_gml,
read_edgelist), and written with the NetworkX node keys as entity ids, so
analyze_oracle.py can compare node by node.
"""
import argparse
import csv
import json
import os
import subprocess
import sys

import networkx as nx

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SHARED = os.environ.get("SHARED", os.path.join(ROOT, "..", "shared"))
DATA = os.path.join(SHARED, "data")
GEN = os.path.join(SHARED, "bench", "gen.py")
if not os.path.isdir(DATA):
    sys.exit("make_extracts.py: the shared data is missing: expected %s "
             "(clone kluster beside shared/, or set SHARED)" % DATA)

KARATE_HI = {1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 17, 18, 20, 22}


def extract(name, title, entities, relations, regions=None):
    doc = {"format": "collab-extract/1", "dataset": {"id": name, "title": title},
           "entities": entities, "relations": relations}
    if regions:
        doc["regions"] = regions
    return doc


def graph_relations(G, rtype, weight=None):
    rels = []
    for u, v, d in G.edges(data=True):
        if u == v and rtype is None:
            continue
        r = {"source": str(u), "target": str(v), "type": rtype}
        if weight and weight in d:
            r["weight"] = float(d[weight])
        rels.append(r)
    return rels


def karate(data):
    G = nx.read_gml(os.path.join(data, "zachary-karate/karate.gml"), label="id")
    ents = []
    for v in G.nodes():
        ents.append({"id": "k%02d" % v, "kind": "person", "name": "Member %d" % v,
                     "region": "mr-hi" if v in KARATE_HI else "officer"})
    rels = [{"source": "k%02d" % u, "target": "k%02d" % v, "type": "partner_of"} for u, v in G.edges()]
    regions = [{"id": "mr-hi", "name": "Mr. Hi's faction"}, {"id": "officer", "name": "Officer's faction"}]
    return extract("karate", "Zachary karate club", ents, rels, regions)


def karate_weighted(data):
    """Karate with weights 1, 2, 4 or 8 (a fixed function of the ends): the
    reciprocals are exact binary fractions, so path lengths under --weights
    add up exactly and NetworkX's exact float comparison agrees with the 1e-10
    tolerance of docs/metrics.md."""
    doc = karate(data)
    doc["dataset"] = {"id": "karate-weighted", "title": "Zachary karate club, weights 1-8"}
    for r in doc["relations"]:
        u, v = int(r["source"][1:]), int(r["target"][1:])
        r["weight"] = float(2 ** ((7 * u + 3 * v) % 4))
    return doc


def florentine(data):
    path = os.path.join(data, "padgett-florentine/PADGETT.csv")
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    names = rows[0][1:]
    G = nx.Graph()
    G.add_nodes_from(names)
    for row in rows[1:]:
        a = row[0]
        for b, cell in zip(names, row[1:]):
            if cell.strip() == "1" and a != b:
                G.add_edge(a, b)
    # sanity: NetworkX's own copy of the marriage network (without Pucci)
    ref = nx.florentine_families_graph()
    same = {frozenset((a.upper(), b.upper())) for a, b in ref.edges()} == {frozenset(e) for e in G.edges()}
    if not same:
        sys.exit("make_extracts: PADGETT.csv does not match networkx's florentine_families_graph")
    ents = [{"id": v.lower(), "kind": "organisation", "type": "family", "name": v.title()} for v in names]
    rels = [{"source": u.lower(), "target": v.lower(), "type": "partner_of"} for u, v in G.edges()]
    return extract("florentine", "Padgett's Florentine families (marriage)", ents, rels)


def davis(data):
    path = os.path.join(data, "davis-southern-women/sw.csv")
    G = nx.Graph()
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            G.add_edge("w-" + row["name"].lower(), "e-" + row["event"].lower())
    ents = []
    for v in sorted(G.nodes()):
        if v.startswith("w-"):
            ents.append({"id": v, "kind": "person", "name": v[2:].title()})
        else:
            ents.append({"id": v, "kind": "project", "name": "Event " + v[3:]})
    rels = []
    for u, v in G.edges():
        w, e = (u, v) if u.startswith("w-") else (v, u)
        rels.append({"source": w, "target": e, "type": "participates_in"})
    return extract("davis", "Davis Southern Women (two-mode, 93 ties)", ents, rels)


def netscience(data):
    G = nx.read_gml(os.path.join(data, "newman-netscience/netscience.gml"), label="id")
    ents = [{"id": "ns%04d" % v, "kind": "person", "name": d.get("label", str(v))} for v, d in G.nodes(data=True)]
    rels = []
    for u, v, d in G.edges(data=True):
        if u == v:
            continue
        rels.append({"source": "ns%04d" % u, "target": "ns%04d" % v, "type": "partner_of",
                     "weight": float(d["value"])})
    return extract("netscience", "Newman network-science co-authorship", ents, rels)


def grqc(data):
    path = os.path.join(data, "snap-coauthorship/CA-GrQc.txt")
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()[1:]  # first line: "nodes<TAB>directed lines"
    G = nx.parse_edgelist(lines, nodetype=int, delimiter="\t")
    ents = [{"id": "a%05d" % v, "kind": "person", "name": "Author %d" % v} for v in sorted(G.nodes())]
    # each undirected edge once (the file lists both directions); self-loops
    # stay in the extract and are dropped by the engine with a warning
    rels = [{"source": "a%05d" % u, "target": "a%05d" % v, "type": "partner_of"} for u, v in G.edges()]
    return extract("grqc", "SNAP ca-GrQc co-authorship", ents, rels)


def gen2000(out, gen):
    path = os.path.join(out, "gen2000.json")
    subprocess.run([sys.executable, gen, "--orgs", "2000", "--seed", "1", "--out", path], check=True,
                   stderr=subprocess.DEVNULL)
    return None


BUILDERS = {"karate": karate, "karate-weighted": karate_weighted, "florentine": florentine, "davis": davis, "netscience": netscience, "grqc": grqc}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outdir")
    ap.add_argument("--data", default=DATA)
    ap.add_argument("--gen", default=GEN)
    ap.add_argument("--only", default="")
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    only = set(filter(None, a.only.split(",")))
    for name, fn in BUILDERS.items():
        if only and name not in only:
            continue
        doc = fn(a.data)
        with open(os.path.join(a.outdir, name + ".json"), "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False, indent=0)
    if not only or "gen2000" in only:
        gen2000(a.outdir, a.gen)


if __name__ == "__main__":
    main()
