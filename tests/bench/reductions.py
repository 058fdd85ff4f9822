#!/usr/bin/python3
"""tests/bench/reductions.py - what further reductions would save on the graph kluster's Brandes passes run on
(docs/benchmarks.md#the-path-kernel).

Input: a kluster analysis graph, either
  - `kluster analyze --format json` output (actors + ties [u, v, w]), or
  - `kluster export ... -o X.csv` output (pass X, reads X.nodes.csv and X.edges.csv), or
  - a .graphml file (networkx).
Leaf folding is applied exactly as analysis/paths.c does (unweighted): a vertex of
degree 1 whose neighbour has degree >= 2 is removed, once, not iteratively.
On the remaining graph G' (n', m') we report:
  - biconnected components: count, largest share of vertices / edges, work ratio
    sum_b n_b*m_b / (n'*m') and / sum_c n_c*m_c (connected components: what the
    passes actually cost today, a BFS never leaves its component);
  - twins: open (N(u) = N(v)) and closed (N[u] = N[v]) classes among vertices of
    degree >= 1; vertices saved = sum(|class| - 1); also the same with region in the
    key (irb sources grouped by region need no extra lanes then);
  - degree-2 vertices, and how many of them sit in chains (maximal paths of
    degree-2 vertices) of length >= 2;
  - twins' work saving: sum (|class|-1) * m(component) / sum_c n_c*m_c (a class
    lies in one component; its saved passes each cost that component's edges);
  - combined estimate: (1 - twins' work saving) * BCC work ratio (crude product).
Output: one JSON object per input on stdout (or --md ROW for a table row).
"""
import argparse
import csv
import json
import sys
from collections import defaultdict

import networkx as nx


def read_graph(path):
    """Return (nodes: dict id -> region, edges: list of (u, v))."""
    region = {}
    edges = []
    if path.endswith(".json"):
        d = json.load(open(path))
        for a in d["actors"]:
            region[a["id"]] = a.get("region")
        for u, v, _w in d["ties"]:
            edges.append((u, v))
    elif path.endswith(".graphml"):
        g = nx.read_graphml(path)
        for v, attrs in g.nodes(data=True):
            region[v] = attrs.get("region")
        edges = list(g.edges())
    else:  # export CSV prefix
        csv.field_size_limit(1 << 30)
        with open(path + ".nodes.csv", newline="") as f:
            for row in csv.DictReader(f):
                region[row["id"]] = row.get("region") or None
        with open(path + ".edges.csv", newline="") as f:
            for row in csv.DictReader(f):
                edges.append((row["source"], row["target"]))
    return region, edges


def fold_leaves(adj):
    """Leaves as paths.c finds them: degree 1, neighbour degree >= 2 (one round)."""
    leaves = set()
    for v, nb in adj.items():
        if len(nb) == 1:
            (u,) = nb
            if u != v and len(adj[u]) >= 2:
                leaves.add(v)
    kept = {v: {u for u in nb if u not in leaves} for v, nb in adj.items() if v not in leaves}
    return kept, leaves


def twin_classes(adj, region, closed, by_region):
    groups = defaultdict(list)
    for v, nb in adj.items():
        if not nb:
            continue  # isolated vertices cost nothing anyway
        key = frozenset(nb | {v}) if closed else frozenset(nb)
        if by_region:
            key = (region.get(v), key)
        groups[key].append(v)
    classes = [c for c in groups.values() if len(c) > 1]
    return classes


def chains(adj):
    """Degree-2 vertices, and those in maximal degree-2 paths with >= 2 vertices."""
    deg2 = {v for v, nb in adj.items() if len(nb) == 2}
    seen = set()
    in_long = 0
    n_chains = 0
    longest = 0
    for v in deg2:
        if v in seen:
            continue
        stack, comp = [v], []
        seen.add(v)
        while stack:
            x = stack.pop()
            comp.append(x)
            for y in adj[x]:
                if y in deg2 and y not in seen:
                    seen.add(y)
                    stack.append(y)
        n_chains += 1
        longest = max(longest, len(comp))
        if len(comp) >= 2:
            in_long += len(comp)
    return len(deg2), in_long, n_chains, longest


def measure(path):
    region, edges = read_graph(path)
    adj = {v: set() for v in region}
    loops = 0
    for u, v in edges:
        if u == v:
            loops += 1
            continue
        adj.setdefault(u, set()).add(v)
        adj.setdefault(v, set()).add(u)
    n0 = len(adj)
    m0 = sum(len(nb) for nb in adj.values()) // 2
    kept, leaves = fold_leaves(adj)
    n = len(kept)
    m = sum(len(nb) for nb in kept.values()) // 2

    g = nx.Graph()
    g.add_nodes_from(kept)
    g.add_edges_from((u, v) for u, nb in kept.items() for v in nb if u < v)

    cc_work = 0
    comp_m = {}  # vertex -> edges of its component: the cost of its pass today
    for comp in nx.connected_components(g):
        nc = len(comp)
        mc = g.subgraph(comp).number_of_edges()
        cc_work += nc * mc
        for v in comp:
            comp_m[v] = mc
    bcc_work = 0
    n_bcc = 0
    big_v = big_e = 0
    for ecomp in nx.biconnected_component_edges(g):
        vs = set()
        for a, b in ecomp:
            vs.add(a)
            vs.add(b)
        n_bcc += 1
        bcc_work += len(vs) * len(ecomp)
        if len(ecomp) > big_e:
            big_e, big_v = len(ecomp), len(vs)
    n_art = sum(1 for _ in nx.articulation_points(g))

    out = {
        "input": path,
        "n": n0, "m": m0, "self_loops": loops, "leaves": len(leaves),
        "n_folded": n, "m_folded": m,
        "isolated_folded": sum(1 for nb in kept.values() if not nb),
        "bcc": n_bcc, "articulation_points": n_art,
        "largest_bcc_v_share": big_v / n if n else 0,
        "largest_bcc_e_share": big_e / m if m else 0,
        "bcc_work_vs_nm": bcc_work / (n * m) if n and m else 0,
        "bcc_work_vs_cc": bcc_work / cc_work if cc_work else 0,
        "cc_work_vs_nm": cc_work / (n * m) if n and m else 0,
    }
    for closed in (False, True):
        for by_region in (False, True):
            cls = twin_classes(kept, region, closed, by_region)
            name = ("closed" if closed else "open") + ("_samereg" if by_region else "")
            out[f"twins_{name}_classes"] = len(cls)
            out[f"twins_{name}_vertices"] = sum(len(c) for c in cls)
            out[f"twins_{name}_saved"] = sum(len(c) - 1 for c in cls)
            out[f"twins_{name}_work"] = sum((len(c) - 1) * comp_m[c[0]] for c in cls)
    for suf in ("", "_samereg"):
        saved = out[f"twins_open{suf}_saved"] + out[f"twins_closed{suf}_saved"]
        out[f"twins{suf}_pass_saving"] = saved / n if n else 0
        work = out[f"twins_open{suf}_work"] + out[f"twins_closed{suf}_work"]
        out[f"twins{suf}_work_saving"] = work / cc_work if cc_work else 0
    d2, d2_long, n_chains, longest = chains(kept)
    out.update({"deg2": d2, "deg2_share": d2 / n if n else 0,
                "deg2_in_chains_ge2": d2_long, "deg2_chains": n_chains, "longest_chain": longest})
    # crude combination: the twins' share of passes gone, the rest costs as per BCC
    out["combined_work_vs_cc"] = (1 - out["twins_work_saving"]) * out["bcc_work_vs_cc"]
    return out


def md_row(label, o):
    pct = lambda x: f"{100 * x:.1f}%"
    return (f"| {label} | {o['n']:,} / {o['m']:,} | {o['leaves']:,} | {o['n_folded']:,} / {o['m_folded']:,} "
            f"| {o['bcc']:,} | {pct(o['largest_bcc_v_share'])} / {pct(o['largest_bcc_e_share'])} "
            f"| {o['bcc_work_vs_nm']:.3f} ({o['bcc_work_vs_cc']:.3f}) "
            f"| {o['twins_open_vertices']:,} ({pct(o['twins_open_vertices'] / o['n_folded'])}) "
            f"| {o['twins_closed_vertices']:,} ({pct(o['twins_closed_vertices'] / o['n_folded'])}) "
            f"| {o['twins_open_saved'] + o['twins_closed_saved']:,} "
            f"| {pct(o['twins_pass_saving'])} / {pct(o['twins_work_saving'])} ({pct(o['twins_samereg_work_saving'])}) "
            f"| {o['deg2']:,} ({pct(o['deg2_share'])}) | {o['combined_work_vs_cc']:.3f} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("graph", help="analyze .json, export .graphml, or export CSV prefix (X for X.nodes.csv)")
    ap.add_argument("--md", metavar="LABEL", help="print a markdown table row instead of JSON")
    a = ap.parse_args()
    o = measure(a.graph)
    print(md_row(a.md, o) if a.md else json.dumps(o, indent=1))


if __name__ == "__main__":
    sys.exit(main())
