#!/usr/bin/python3
"""tests/oracle/test_bridges.py - which actors connect regions, checked against NetworkX.

Run from the repository root with KLUSTER set (default ./kluster).  Checks, on
Padgett's Florentine families (regions assigned below), a hand-made graph
with several equal shortest paths, cut actors, regionless brokers and two
components (hops and --weights), and gen.py datasets (full and organisations
mode):

  - actors[].irb (docs/metrics.md oracle: sum over regions A of
    betweenness_centrality_subset(A, other regions)), irb_share,
    regions_reached, participation_region, participation_community, ei_index;
  - regions[] tie counts and E-I index;
  - region_pairs[]: connected, direct_ties, distance, actor_pairs, brokers
    (share through betweenness_centrality_subset both ways, --all-pairs),
    cut_actors and fragile by deleting every articulation point;
  - whatif --rank against deleting each actor and recounting, and
    whatif --remove against deleting the actors and recomputing everything;
  - the planted brokers of gen.py --orgs 2000 (seeds 1..3, organisations
    mode) at the top of the irb ranking: >= 7 of 10 in the top 10, all 10 in
    the top 20.

Last line: "bridges oracle: N passed, M failed"; exit 1 on a failure.
"""
import itertools
import json
import math
import multiprocessing
import os
import random
import subprocess
import sys
import tempfile
import time

import networkx as nx

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
GEN = os.environ.get("GEN", os.path.join(os.environ.get("SHARED", os.path.join(ROOT, "..", "shared")), "bench", "gen.py"))
DATA = os.path.join(os.environ.get("SHARED", os.path.join(ROOT, "..", "shared")), "data")
KLUSTER = os.path.abspath(os.environ.get("KLUSTER", os.path.join(ROOT, "kluster")))
RTOL = 1e-9

passed = 0
failed = 0


def check(what, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL %s %s" % (what, detail))


def close(a, b, rtol=RTOL, atol=1e-9):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= atol + rtol * max(abs(a), abs(b))


def kluster(*args):
    p = subprocess.run([KLUSTER] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
    if p.returncode != 0:
        raise RuntimeError("kluster %s: exit %d: %s" % (" ".join(args), p.returncode, p.stderr.decode()[:500]))
    return json.loads(p.stdout)


# ------------------------------------------------------------ datasets


def write_extract(path, name, ents, rels, regions=()):
    doc = {"format": "collab-extract/1", "dataset": {"id": name, "title": name},
           "regions": [{"id": r, "name": "Region " + r} for r in regions], "entities": ents, "relations": rels}
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f)


def florentine(path, pow2_weights=False):
    import csv
    with open(os.path.join(DATA, "padgett-florentine/PADGETT.csv"), encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    names = rows[0][1:]
    # regions by hand: three quarters of the city; two families without one
    quarter = {"MEDICI": "SanGiovanni", "TORNABUONI": "SanGiovanni", "ALBIZZI": "SanGiovanni",
               "ACCIAIUOLI": "SantoSpirito", "BARBADORI": "SantoSpirito", "RIDOLFI": "SantoSpirito",
               "CASTELLANI": "SantaCroce", "PERUZZI": "SantaCroce", "STROZZI": "SantaMaria", "BISCHERI": "SantaMaria",
               "GUADAGNI": "SantaCroce", "LAMBERTESCHI": "SantaMaria", "GINORI": "SantoSpirito", "PUCCI": "SantaCroce"}
    ents = [{"id": v.lower(), "kind": "organisation", "name": v.title()} for v in names]
    for e in ents:
        if e["id"].upper() in quarter:
            e["region"] = quarter[e["id"].upper()]
    rels = []
    rnd = random.Random(3)
    for row in rows[1:]:
        for b, cell in zip(names, row[1:]):
            if cell.strip() == "1" and row[0] < b:
                rels.append({"source": row[0].lower(), "target": b.lower(), "type": "partner_of"})
                if pow2_weights:
                    # 1/w is exact in binary, so equal path lengths are equal for NetworkX too
                    rels[-1]["weight"] = rnd.choice((1.0, 2.0, 4.0, 8.0))
    write_extract(path, "florentine", ents, rels, sorted(set(quarter.values())))


def handmade(path):
    """A and B joined through a 2x2 grid of equal shortest paths and a
    regionless hub; C and D only through 'gate'; E a region whose only
    actor is isolated; weights make the weighted lengths distinct."""
    ents, rels = [], []

    def ent(i, r=None, kind="organisation"):
        e = {"id": i, "kind": kind, "name": i.upper()}
        if r:
            e["region"] = r
        ents.append(e)

    def rel(a, b, w=1.0, t="partner_of"):
        rels.append({"source": a, "target": b, "type": t, "weight": w})

    for i in ("a1", "a2", "a3"):
        ent(i, "A")
    for i in ("b1", "b2"):
        ent(i, "B")
    for i in ("m1", "m2", "m3", "m4", "hub"):
        ent(i)
    ent("proj", None, "project")
    for i in ("c1", "c2"):
        ent(i, "C")
    ent("gate", "C")
    for i in ("d1", "d2"):
        ent(i, "D")
    ent("e1", "E")
    ent("d3", "D")
    rel("a1", "m1", 1.0); rel("a1", "m2", 2.0); rel("m1", "m3", 1.5); rel("m2", "m3", 1.25)
    rel("m1", "m4", 3.0); rel("m2", "m4", 1.1); rel("m3", "b1", 1.0); rel("m4", "b1", 0.7)
    rel("a2", "a1", 2.5); rel("a2", "hub", 1.0); rel("hub", "b2", 1.0); rel("b2", "b1", 1.3)
    rel("a3", "proj", 1.0, "participates_in"); rel("b2", "proj", 1.0, "participates_in")
    rel("a3", "b1", 0.9)
    rel("c1", "c2", 1.0); rel("c2", "gate", 1.0); rel("c1", "gate", 2.0)
    rel("gate", "d1", 1.0); rel("d1", "d2", 1.0); rel("gate", "d3", 4.0)
    write_extract(path, "handmade", ents, rels, ["A", "B", "C", "D", "E"])


# ------------------------------------------------------------ oracles


def graph_of(out, weighted):
    G = nx.Graph()
    G.add_nodes_from(a["id"] for a in out["actors"])
    for u, v, w in out["ties"]:
        G.add_edge(u, v, weight=w, dist=1.0 / w)
    return G, {a["id"]: a["region"] for a in out["actors"]}, ("dist" if weighted else None)


def irb_oracle(G, region, weight):
    irb = {v: 0.0 for v in G}
    for A in sorted({r for r in region.values() if r}):
        src = [v for v in G if region[v] == A]
        tgt = [v for v in G if region[v] and region[v] != A]
        if src and tgt:
            for v, x in nx.betweenness_centrality_subset(G, src, tgt, normalized=False, weight=weight).items():
                irb[v] += x
    return irb


def cross_pairs(G, region, skip=()):
    total = 0
    for comp in nx.connected_components(G):
        cnt = {}
        for v in comp:
            if region.get(v) and v not in skip:
                cnt[region[v]] = cnt.get(region[v], 0) + 1
        n = sum(cnt.values())
        total += (n * n - sum(c * c for c in cnt.values())) // 2
    return total


def check_actor_keys(case, out, G, region, weight, irb_ref=None):
    irb = irb_ref if irb_ref is not None else irb_oracle(G, region, weight)
    P = cross_pairs(G, region)
    comm = {a["id"]: a["community"] for a in out["actors"]}
    bad = {}
    for a in out["actors"]:
        v = a["id"]
        if not close(a["irb"], irb[v], 1e-9, 1e-9):
            bad.setdefault("irb", (v, a["irb"], irb[v]))
        if P and not close(a["irb_share"], irb[v] / P, 1e-9, 1e-12):
            bad.setdefault("irb_share", (v, a["irb_share"], irb[v] / P))
        nb = list(G[v])
        regs = {region[u] for u in nb if region[u]}
        if region[v]:
            regs.add(region[v])
        if a["regions_reached"] != len(regs):
            bad.setdefault("regions_reached", (v, a["regions_reached"], len(regs)))
        k = [region[u] for u in nb if region[u]]
        pr = 1 - sum((k.count(r) / len(k)) ** 2 for r in set(k)) if k else None
        if not close(a["participation_region"], pr, 1e-12, 1e-12):
            bad.setdefault("participation_region", (v, a["participation_region"], pr))
        cs = [comm[u] for u in nb]
        pc = 1 - sum((cs.count(c) / len(cs)) ** 2 for c in set(cs)) if cs else None
        if not close(a["participation_community"], pc, 1e-12, 1e-12):
            bad.setdefault("participation_community", (v, a["participation_community"], pc))
        ei = None
        if region[v] and k:
            internal = k.count(region[v])
            ei = (len(k) - 2 * internal) / len(k)
        if not close(a["ei_index"], ei, 1e-12, 1e-12):
            bad.setdefault("ei_index", (v, a["ei_index"], ei))
    for key in ("irb", "irb_share", "regions_reached", "participation_region", "participation_community", "ei_index"):
        check("%s: actors[].%s" % (case, key), key not in bad, str(bad.get(key)))
    dom = out["graph"]["dominant_actor"]
    want = [v for v in G if P and irb[v] / P > 0.5]
    check("%s: graph.dominant_actor" % case, (dom["id"] if dom else None) == (want[0] if want else None),
          "%s vs %s" % (dom, want))


def check_regions(case, out, G, region):
    ok = True
    for r in out["regions"]:
        rid = r["id"]
        internal = external = regionless = 0
        for u, v in G.edges():
            ru, rv = region[u], region[v]
            if rid not in (ru, rv):
                continue
            if ru == rv:
                internal += 1
            elif ru and rv:
                external += 1
            else:
                regionless += 1
        n = sum(1 for v in G if region[v] == rid)
        ei = (external - internal) / (external + internal) if external + internal else None
        if (r["actors"], r["internal_ties"], r["external_ties"], r["regionless_ties"]) != (n, internal, external, regionless) \
                or not close(r["ei_index"], ei, 1e-12, 1e-12):
            ok = False
            print("  region %s: %s vs %s" % (rid, r, (n, internal, external, regionless, ei)))
    check("%s: regions[]" % case, ok)


class PairOracle:
    """Brute force over one graph: components, all distances, and the
    components left by deleting each articulation point (computed once)."""

    def __init__(self, G, region, weight):
        self.G, self.region, self.weight = G, region, weight
        self.comp = {}
        for i, c in enumerate(nx.connected_components(G)):
            for v in c:
                self.comp[v] = i
        self.dist = dict(nx.all_pairs_dijkstra_path_length(G, weight=weight)) if weight else \
            dict(nx.all_pairs_shortest_path_length(G))
        self.cut_comp = {}
        for v in sorted(nx.articulation_points(G)):
            H = G.copy()
            H.remove_node(v)
            hc = {}
            for i, c in enumerate(nx.connected_components(H)):
                for u in c:
                    hc[u] = i
            self.cut_comp[v] = hc

    def pair(self, a, b, with_brokers):
        G, region, comp = self.G, self.region, self.comp
        A = [v for v in G if region[v] == a]
        B = [v for v in G if region[v] == b]
        pairs = sum(1 for s in A for t in B if comp[s] == comp[t])
        direct = sum(1 for u, v in G.edges() if {region[u], region[v]} == {a, b})
        res = {"connected": pairs > 0, "direct_ties": direct, "actor_pairs": pairs, "distance": None,
               "brokers": None, "links": links_oracle(G, region, a, b, direct)}
        if pairs:
            res["distance"] = float(min(self.dist[s][t] for s in A for t in B if t in self.dist[s]))
        if with_brokers and pairs:
            x = nx.betweenness_centrality_subset(G, A, B, normalized=False, weight=self.weight)
            y = nx.betweenness_centrality_subset(G, B, A, normalized=False, weight=self.weight)
            res["brokers"] = {v: (x[v] + y[v]) / pairs for v in G if x[v] + y[v] > 1e-12}
        # cut actors: deleting an articulation point (nothing else can disconnect anything)
        cut = []
        if pairs:
            for v, hc in self.cut_comp.items():
                if not any(comp[s] == comp[t] for s in A for t in B if v not in (s, t)):
                    continue
                if not any(hc[s] == hc[t] for s in A for t in B if v not in (s, t)):
                    cut.append(v)
        res["cut_actors"] = cut
        return res


def links_oracle(G, region, a, b, direct):
    """docs/metrics.md links: the direct ties plus the regionless actors tied
    to an actor of a and to an actor of b."""
    return direct + sum(1 for x in G if not region[x] and {a, b} <= {region[y] for y in G[x]})


def pair_oracle(G, region, weight, a, b, with_brokers):
    return PairOracle(G, region, weight).pair(a, b, with_brokers)


def check_pairs(case, out, G, region, weight, exact):
    regions = sorted({r for r in region.values() if r})
    want = [(a, b) for a, b in itertools.combinations(regions, 2)]
    got = {(p["a"], p["b"]): p for p in out["region_pairs"]}
    check("%s: region_pairs list" % case, sorted(got) == want and [(p["a"], p["b"]) for p in out["region_pairs"]] == want)
    bad = {}
    oracle = PairOracle(G, region, weight)
    for a, b in want:
        p = got.get((a, b))
        if p is None:
            continue
        ref = oracle.pair(a, b, exact or p["brokers"] is not None)
        for key in ("connected", "direct_ties", "actor_pairs", "links", "cut_actors"):
            if p[key] != ref[key]:
                bad.setdefault(key, (a, b, p[key], ref[key]))
        if not close(p["distance"], ref["distance"], 1e-9, 1e-12):
            bad.setdefault("distance", (a, b, p["distance"], ref["distance"]))
        if p["fragile"] != bool(ref["cut_actors"]):
            bad.setdefault("fragile", (a, b))
        if not ref["connected"]:
            if p["brokers"] is not None:
                bad.setdefault("brokers", (a, b, "not null for a pair that is not connected"))
            continue
        if exact or p["brokers"] is not None:
            if p["brokers"] is None:
                bad.setdefault("brokers", (a, b, "null"))
                continue
            refb = ref["brokers"] or {}
            order = sorted(refb, key=lambda v: (-refb[v], v))
            top = [x["id"] for x in p["brokers"]]
            # equal shares may swap only among themselves: compare values in order
            vals = [x["share"] for x in p["brokers"]]
            want_vals = [refb[v] for v in order[:len(top)]]
            if len(top) != min(5, len(refb)) or not all(close(x, y, 1e-9, 1e-12) for x, y in zip(vals, want_vals)) \
                    or not all(close(refb.get(x["id"], 0), x["share"], 1e-9, 1e-12) for x in p["brokers"]):
                bad.setdefault("brokers", (a, b, p["brokers"], [(v, refb[v]) for v in order[:5]]))
    if not exact:
        # below the default work limit every connected pair has brokers
        if any((got[ab]["brokers"] is not None) != got[ab]["connected"] for ab in want):
            bad["selection"] = "brokers computed for the wrong pairs"
    for key in ("connected", "direct_ties", "actor_pairs", "links", "distance", "cut_actors", "fragile", "brokers",
                "selection"):
        check("%s: region_pairs[].%s" % (case, key), key not in bad, str(bad.get(key)))


# ------------------------------------------------------------ region pairs on real data


def extract_graph(ndjson, mode):
    """The analysis graph built from a participation extract alone
    (docs/metrics.md "The analysis graph"), independently of kluster: full
    mode, every entity and one tie per related pair, weight the sum of the
    relations' weights (default 1); organisations mode, organisations tied
    by shared projects, weight sum of 1/(n_p - 1).  Weights are Fractions, so
    the distance 1/weight is exact (scaled to integers for NetworkX, which
    compares path lengths exactly)."""
    from fractions import Fraction
    ents, rels = {}, {}
    with open(ndjson, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r["record"] == "entity":
                ents[r["id"]] = r
            elif r["record"] == "relation":
                key = (r["source"], r["target"], r["type"])
                rels[key] = max(rels.get(key, 0), Fraction(r.get("weight", 1)))
    G = nx.Graph()
    if mode == "full":
        G.add_nodes_from(ents)
        for (u, v, _), w in sorted(rels.items()):
            if u != v:
                G.add_edge(u, v, w=G.edges[u, v]["w"] + w if G.has_edge(u, v) else w)
    else:
        G.add_nodes_from(v for v, e in ents.items() if e["kind"] == "organisation")
        assert all(t in ("participates_in", "coordinates") for _, _, t in rels), "only projects join organisations"
        members = {}
        for u, p, _ in rels:
            members.setdefault(p, set()).add(u)
        for p, orgs in sorted(members.items()):
            for u, v in itertools.combinations(sorted(orgs), 2):
                w = Fraction(1, len(orgs) - 1)
                G.add_edge(u, v, w=G.edges[u, v]["w"] + w if G.has_edge(u, v) else w)
    scale = 1
    for u, v, d in G.edges(data=True):
        scale = scale * d["w"].numerator // math.gcd(scale, d["w"].numerator)
    for u, v, d in G.edges(data=True):
        d["d"] = int(scale / d["w"])  # exact: scale is a multiple of every numerator
    return G, {v: ents[v].get("region") for v in G}


def pair_keys_oracle(G, region):
    """links, actor_pairs and connected of every region pair, and W m of the
    broker rule (W = sum over connected pairs of the smaller region's actors)."""
    comp = {}
    for i, c in enumerate(nx.connected_components(G)):
        for v in c:
            comp[v] = i
    count, per_comp = {}, {}
    for v in G:
        if region[v]:
            count[region[v]] = count.get(region[v], 0) + 1
            per_comp.setdefault(region[v], {}).setdefault(comp[v], 0)
            per_comp[region[v]][comp[v]] += 1
    direct = {}
    for u, v in G.edges():
        if region[u] and region[v] and region[u] != region[v]:
            ab = tuple(sorted((region[u], region[v])))
            direct[ab] = direct.get(ab, 0) + 1
    links = dict(direct)
    for x in G:
        if not region[x]:
            for ab in itertools.combinations(sorted({region[y] for y in G[x] if region[y]}), 2):
                links[ab] = links.get(ab, 0) + 1
    keys, W = {}, 0
    for a, b in itertools.combinations(sorted(count), 2):
        ap = sum(n * per_comp[b].get(c, 0) for c, n in per_comp[a].items())
        keys[(a, b)] = {"links": links.get((a, b), 0), "actor_pairs": ap, "connected": ap > 0}
        W += min(count[a], count[b]) if ap else 0
    return keys, W * G.number_of_edges()


def check_top_brokers(what, listed, ref, top):
    """listed: kluster's brokers; ref: the oracle share of every vertex.
    The listed ones are the `top` largest shares, ties by id: shares equal
    within 1e-9 count as ties (the oracle's float sums may differ in the
    last bits)."""
    eq = lambda x, y: close(x, y, 1e-9, 1e-12)
    bad = [(x["id"], x["share"], ref.get(x["id"], 0)) for x in listed if not eq(x["share"], ref.get(x["id"], 0))]
    if bad:
        return "%s: shares %s" % (what, bad[:3])
    for x, y in zip(listed, listed[1:]):
        if not (x["share"] > y["share"] and not eq(x["share"], y["share"]) or
                eq(x["share"], y["share"]) and x["id"] < y["id"]):
            return "%s: order %s before %s" % (what, x, y)
    positive = [v for v in ref if ref[v] > 1e-12]
    if len(listed) != min(top, len(positive)):
        return "%s: %d listed, %d with a share" % (what, len(listed), len(positive))
    if listed:
        last = listed[-1]
        ids = {x["id"] for x in listed}
        for v in positive:
            if v in ids:
                continue
            if ref[v] > last["share"] and not eq(ref[v], last["share"]) or eq(ref[v], last["share"]) and v < last["id"]:
                return "%s: %s (%r) missing" % (what, v, ref[v])
    return None


def norway_pairs(job):
    """Every county pair of the Norwegian import gets brokers by default, and
    each listed share is betweenness_centrality_subset(A, B) * 2 / actor_pairs;
    links and actor_pairs from the extract."""
    mode, weights, folder = job
    global passed, failed
    passed = failed = 0
    case = "norway %s%s" % (mode, " --weights" if weights else "")
    G, region = extract_graph(os.path.join(folder, "extract.ndjson"), mode)
    args = ["--mode", mode] + (["--weights"] if weights else [])
    ties = kluster("analyze", "-q", folder, "--format", "json", *args)["ties"]
    got_ties = {tuple(sorted((u, v))): w for u, v, w in ties}
    check("%s: the ties are the extract's" % case, set(got_ties) == {tuple(sorted(e)) for e in G.edges()} and
          all(close(got_ties[tuple(sorted((u, v)))], float(d["w"]), 1e-12, 1e-12) for u, v, d in G.edges(data=True)))
    out = kluster("bridges", "-q", folder, "--format", "json", *args)
    keys, _ = pair_keys_oracle(G, region)
    pairs = out["region_pairs"]
    check("%s: 66 county pairs, all with brokers" % case,
          len(pairs) == 66 and all(p["connected"] and p["brokers"] is not None for p in pairs))
    bad = {}
    for p in pairs:
        ab = (p["a"], p["b"])
        for key in ("links", "actor_pairs"):
            if p[key] != keys[ab][key]:
                bad.setdefault(key, (ab, p[key], keys[ab][key]))
        A = [v for v in G if region[v] == p["a"]]
        B = [v for v in G if region[v] == p["b"]]
        if len(A) > len(B):  # the sum is symmetric: run from the smaller side
            A, B = B, A
        x = nx.betweenness_centrality_subset(G, A, B, normalized=False, weight="d" if weights else None)
        ref = {v: x[v] * 2 / keys[ab]["actor_pairs"] for v in x}
        err = check_top_brokers("%s-%s" % ab, p["brokers"] or [], ref, 5)
        if err:
            bad.setdefault("brokers", err)
    for key in ("links", "actor_pairs", "brokers"):
        check("%s: region_pairs[].%s" % (case, key), key not in bad, str(bad.get(key)))
    return passed, failed


def norway_pairs_crossed(job):
    """Brokers of every county pair under a time window, --ties and the
    organisations view, in hops, against betweenness_centrality_subset on
    the analysis graph kluster reports; and `analyze` (brokers riding on the
    metrics' passes) prints the same bytes as `bridges` (passes of their
    own), with the kernel's reductions on and off."""
    args, folder = job
    global passed, failed
    passed = failed = 0
    case = "norway " + " ".join(args)
    out = kluster("analyze", "-q", folder, "--format", "json", *args)
    G, region, _ = graph_of(out, False)
    br = kluster("bridges", "-q", folder, "--format", "json", *args)
    pairs = br["region_pairs"]
    keys, _ = pair_keys_oracle(G, region)
    bad = None
    for p in pairs:
        ab = (p["a"], p["b"])
        if p["brokers"] is None:
            if keys[ab]["connected"]:
                bad = bad or ("no brokers", ab)
            continue
        A = [v for v in G if region[v] == p["a"]]
        B = [v for v in G if region[v] == p["b"]]
        if len(A) > len(B):
            A, B = B, A
        x = nx.betweenness_centrality_subset(G, A, B, normalized=False)
        ref = {v: x[v] * 2 / keys[ab]["actor_pairs"] for v in x}
        bad = bad or check_top_brokers("%s-%s" % ab, p["brokers"], ref, 5)
    check("%s: region_pairs[].brokers" % case, bad is None and any(p["brokers"] for p in pairs), str(bad))
    fused = [(p["a"], p["b"], p["brokers"]) for p in out["region_pairs"]]
    check("%s: analyze and bridges print the same brokers, bit for bit" % case,
          fused == [(p["a"], p["b"], p["brokers"]) for p in pairs])
    env = dict(os.environ, KLUSTER_KERNEL="no-leaves,no-twins,separate-brokers")
    off = json.loads(subprocess.run([KLUSTER, "analyze", "-q", folder, "--format", "json"] + args, env=env,
                                    capture_output=True, text=True, check=True).stdout)
    same = all(a["id"] == b["id"] and close(a["share"], b["share"], 1e-12, 1e-15)
               for p, q in zip(out["region_pairs"], off["region_pairs"])
               for a, b in zip(p["brokers"] or [], q["brokers"] or []))
    check("%s: the kernel's reductions off: the same brokers to 1e-12" % case, same)
    return passed, failed


def check_selection(case, path, args, keys, work):
    """The fixed rule: every connected pair when W m <= the limit; above it
    the --regions pairs and the 20 connected pairs with most links (then
    actor_pairs, then ids), or every connected pair with --all-pairs."""
    def with_brokers(*extra):
        out = kluster("bridges", "-q", path, "--format", "json", *args, *extra)
        return {(p["a"], p["b"]): p for p in out["region_pairs"]}

    connected = {ab for ab, k in keys.items() if k["connected"]}
    ranked = sorted(connected, key=lambda ab: (-keys[ab]["links"], -keys[ab]["actor_pairs"], ab))
    at = with_brokers("--broker-work-limit", repr(float(work)))
    check("%s: W m = limit: every connected pair" % case,
          {ab for ab, p in at.items() if p["brokers"] is not None} == connected)
    above = with_brokers("--broker-work-limit", repr(float(work - 1)))
    check("%s: W m > limit: the top 20 by links" % case,
          {ab for ab, p in above.items() if p["brokers"] is not None} == set(ranked[:20]),
          str(sorted(ab for ab, p in above.items() if p["brokers"] is not None)))
    check("%s: a selected pair's brokers do not depend on the selection" % case,
          all(above[ab]["brokers"] == at[ab]["brokers"] for ab in ranked[:20]))
    everything = with_brokers("--broker-work-limit", "0", "--all-pairs")
    check("%s: --all-pairs: every connected pair" % case,
          {ab for ab, p in everything.items() if p["brokers"] is not None} == connected)
    # focus: the regions of the last-ranked pair (outside the top 20) and one more
    focus = sorted(set(ranked[-1]) | {next(r for ab in ranked for r in ab if r not in ranked[-1])})
    shown = with_brokers("--broker-work-limit", "0", "--regions", ",".join(focus))
    want = set(itertools.combinations(focus, 2))
    check("%s: --regions pairs get brokers above the limit" % case,
          set(shown) == want and all((p["brokers"] is not None) == (ab in connected) for ab, p in shown.items()) and
          any(ab not in ranked[:20] and ab in connected for ab in want), str(focus))


def norway_selection(job):
    folder, = job
    global passed, failed
    passed = failed = 0
    G, region = extract_graph(os.path.join(folder, "extract.ndjson"), "full")
    keys, work = pair_keys_oracle(G, region)
    check_selection("norway", folder, [], keys, work)
    return passed, failed


def gen_selection(job):
    path, args = job
    global passed, failed
    passed = failed = 0
    out = kluster("analyze", "-q", path, "--format", "json", *args)
    G, region, _ = graph_of(out, False)
    keys, work = pair_keys_oracle(G, region)
    check_selection("gen150 %s" % " ".join(args), path, args, keys, work)
    return passed, failed


def sampled_pairs(job):
    """Under --epsilon a selected pair is sampled only when its smaller
    region has more actors than the samples a pair takes; a sampled pair
    says so (brokers_sampled) and its shares are within max(eps, 0.03)."""
    path, = job
    global passed, failed
    passed = failed = 0
    args = ["--mode", "organisations"]
    out = kluster("bridges", "-q", path, "--format", "json", "--epsilon", "0.2", *args)
    G, region, _ = graph_of(kluster("analyze", "-q", path, "--format", "json", *args), False)
    size = {}
    for v in G:
        if region[v]:
            size[region[v]] = size.get(region[v], 0) + 1
    small = lambda p: min(size[p["a"]], size[p["b"]])
    sampled = [p for p in out["region_pairs"] if p["brokers_sampled"]]
    exact = [p for p in out["region_pairs"] if p["brokers"] is not None and not p["brokers_sampled"]]
    check("gen2000 --epsilon 0.2: some pairs sampled, some exact", sampled and exact, "%d %d" % (len(sampled), len(exact)))
    check("gen2000 --epsilon 0.2: sampled pairs are those with the larger smaller region",
          sampled and exact and min(map(small, sampled)) > max(map(small, exact)))
    check("gen2000 --epsilon 0.2: brokers_sampled", all(p["brokers_sampled"] == {"epsilon": 0.2, "delta": 0.1}
                                                        for p in sampled))
    for p in sorted(sampled, key=small)[:2] + sorted(exact, key=small)[-2:]:
        A = [v for v in G if region[v] == p["a"]]
        B = [v for v in G if region[v] == p["b"]]
        x = nx.betweenness_centrality_subset(G, A, B, normalized=False)
        ref = {v: x[v] * 2 / p["actor_pairs"] for v in x}
        if p["brokers_sampled"]:
            worst = max(abs(b["share"] - ref[b["id"]]) for b in p["brokers"])
            check("gen2000 sampled %s-%s: shares within 0.2" % (p["a"], p["b"]), worst <= 0.2, str(worst))
        else:
            err = check_top_brokers("%s-%s" % (p["a"], p["b"]), p["brokers"], ref, 5)
            check("gen2000 --epsilon 0.2: exact pair %s-%s" % (p["a"], p["b"]), err is None, str(err))
    return passed, failed


def check_rank(case, path, args, G, region):
    out = kluster("whatif", "-q", path, "--rank", "--top", "1000000", "--format", "json", *args)
    got = {x["id"]: x["disconnects"] for x in out["rank"]}
    P = cross_pairs(G, region)
    check("%s: whatif --rank cross_region_pairs" % case, out["cross_region_pairs"] == P)
    bad = None
    for v in G:
        H = G.copy()
        H.remove_node(v)
        want = cross_pairs(G, region, skip={v}) - cross_pairs(H, region)
        if got.get(v, 0) != want:
            bad = (v, got.get(v, 0), want)
            break
    check("%s: whatif --rank disconnects" % case, bad is None, str(bad))
    ranked = [x["id"] for x in out["rank"]]
    order = sorted(ranked, key=lambda v: (-got[v], v))
    check("%s: whatif --rank order" % case, ranked == order)


def state(G, region, weight, skip):
    cnt = {}
    for v in G:
        if region[v] and v not in skip:
            cnt[region[v]] = cnt.get(region[v], 0) + 1
    n = sum(cnt.values())
    total = (n * n - sum(c * c for c in cnt.values())) // 2
    conn = 0
    dsum = 0.0
    for s in G:
        if not region[s] or s in skip:
            continue
        d = nx.single_source_dijkstra_path_length(G, s, weight=weight) if weight else \
            nx.single_source_shortest_path_length(G, s)
        for t, x in d.items():
            if region[t] and region[t] != region[s] and t not in skip:
                conn += 1
                dsum += x
    return total, conn // 2, dsum / 2


def check_remove(case, path, args, G, region, weight, removed):
    out = kluster("whatif", "-q", path, "--remove", ",".join(removed), "--format", "json", *args)
    H = G.copy()
    H.remove_nodes_from(removed)
    ok = True
    for key, graph, skip in (("before", G, ()), ("after", H, set(removed))):
        total, conn, dsum = state(graph, region, weight, skip)
        s = out[key]
        mean = dsum / conn if conn else None
        reach = conn / total if total else None
        if s["cross_region_pairs"] != total or s["connected_pairs"] != conn or not close(s["mean_distance"], mean) \
                or not close(s["reachability"], reach):
            ok = False
            print("  %s %s: %s vs %s" % (removed, key, s, (total, conn, mean, reach)))
    lost = cross_pairs(G, region, skip=set(removed)) - cross_pairs(H, region)
    if out["lost_actor_pairs"] != lost:
        ok = False
        print("  lost %s vs %s" % (out["lost_actor_pairs"], lost))
    oracles = {"before": PairOracle(G, region, weight), "after": PairOracle(H, {v: region[v] for v in H}, weight)}
    for p in out["region_pairs"]:
        for key in ("before", "after"):
            ref = oracles[key].pair(p["a"], p["b"], False)
            if p["connected_" + key] != ref["connected"] or not close(p["distance_" + key], ref["distance"]):
                ok = False
                print("  pair %s %s %s: %s vs %s" % (p["a"], p["b"], key, p, ref))
    check("%s: whatif --remove %s" % (case, ",".join(removed)), ok)


def run_case(job):
    case, path, args, opts = job
    global passed, failed
    passed = failed = 0
    t0 = time.time()
    weighted = "--weights" in args
    all_pairs = ["--all-pairs"] if opts.get("all_pairs") else []
    out = kluster("analyze", "-q", path, *all_pairs, *args)
    G, region, weight = graph_of(out, weighted)
    check_actor_keys(case, out, G, region, weight)
    check_regions(case, out, G, region)
    if opts.get("pairs", True):
        check_pairs(case, out, G, region, weight, bool(all_pairs))
        # bridges agrees with analyze on the pairs
        br = kluster("bridges", "-q", path, "--format", "json", *all_pairs, *args)
        check("%s: bridges region_pairs = analyze region_pairs" % case, br["region_pairs"] == out["region_pairs"])
    if opts.get("rank", True):
        check_rank(case, path, args, G, region)
    rnd = random.Random(7)
    for k in opts.get("remove", ()):
        aps = sorted(nx.articulation_points(G))
        pool = aps if aps else sorted(G)
        removed = sorted(rnd.sample(pool, min(k, len(pool))))
        check_remove(case, path, args, G, region, weight, removed)
    if os.environ.get("VERBOSE"):
        print("%s: %.1f s" % (case, time.time() - t0))
    return passed, failed


def planted(job):
    seed, tmp = job
    global passed, failed
    passed = failed = 0
    path = os.path.join(tmp, "planted-%d.json" % seed)
    truth = os.path.join(tmp, "planted-%d.txt" % seed)
    subprocess.run([sys.executable, GEN, "--orgs", "2000", "--seed", str(seed), "--out", path, "--truth", truth],
                   check=True, stderr=subprocess.DEVNULL)
    brokers = set(open(truth).read().split())
    out = kluster("bridges", "-q", path, "--mode", "organisations", "--top", "20", "--format", "json")
    top = [x["id"] for x in out["brokers"]]
    in10, in20 = len(brokers & set(top[:10])), len(brokers & set(top[:20]))
    print("planted brokers, seed %d (organisations mode): %d of %d in the irb top 10, %d in the top 20"
          % (seed, in10, len(brokers), in20))
    check("planted seed %d: >= 7 of 10 in top 10" % seed, in10 >= 7, str(top[:10]))
    check("planted seed %d: all 10 in top 20" % seed, in20 == len(brokers) == 10, str(top))
    return passed, failed


def call(job):
    function, argument = job
    t0 = time.time()
    result = function(argument)
    if os.environ.get("VERBOSE"):
        print("%s %s: %.1f s" % (function.__name__, argument[:2], time.time() - t0))
    return result


def main():
    global passed, failed
    tmp = tempfile.mkdtemp(prefix="kluster-bridges-")
    flo, hand = os.path.join(tmp, "florentine.json"), os.path.join(tmp, "handmade.json")
    florentine(flo)
    flo_w = os.path.join(tmp, "florentine-w.json")
    florentine(flo_w, True)
    handmade(hand)
    small, big = os.path.join(tmp, "gen150.json"), os.path.join(tmp, "gen2000.json")
    subprocess.run([sys.executable, GEN, "--orgs", "150", "--seed", "5", "--out", small], check=True,
                   stderr=subprocess.DEVNULL)
    subprocess.run([sys.executable, GEN, "--orgs", "2000", "--seed", "1", "--out", big], check=True,
                   stderr=subprocess.DEVNULL)
    norway = os.path.join(tmp, "norway")
    subprocess.run([KLUSTER, "import", "-q", "--map", os.path.join(ROOT, "loaders", "maps", "norway-h2020.json"),
                    os.path.join(DATA, "norway-h2020-participations", "dataset.csv"), "-o", norway], check=True,
                   stdout=subprocess.DEVNULL)
    jobs = [
        ("gen2000", big, [], {"pairs": False, "rank": False}),
        ("florentine", flo, [], {"remove": (1, 2), "all_pairs": True}),
        ("handmade", hand, [], {"remove": (1, 2), "all_pairs": True}),
        ("handmade-weights", hand, ["--weights"], {"remove": (1,), "all_pairs": True}),
        ("gen150", small, [], {"remove": (1, 3)}),
        ("gen150-organisations", small, ["--mode", "organisations"], {"remove": (1,)}),
        ("florentine-weights", flo_w, ["--weights"], {"remove": (1, 2), "all_pairs": True}),
    ]
    with multiprocessing.Pool(2) as pool:
        results = pool.map(run_case, jobs, chunksize=1) + pool.map(planted, [(s, tmp) for s in (1, 2, 3)])
        more = [(norway_pairs, (m, w, norway)) for m in ("full", "organisations") for w in (False, True)]
        more += [(norway_pairs_crossed, (a, norway)) for a in (
            ["--from", "2016", "--to", "2019"],
            ["--mode", "organisations", "--ties", "participates_in,coordinates", "--from", "2018", "--to", "2020"],
            ["--ties", "participates_in", "--from", "2014", "--to", "2017"])]
        more += [(norway_selection, (norway,)), (sampled_pairs, (big,)), (gen_selection, (small, [])),
                 (gen_selection, (small, ["--mode", "organisations"]))]
        results += pool.map(call, more, chunksize=1)
    for p, f in results:
        passed += p
        failed += f
    subprocess.run(["rm", "-rf", tmp])
    print("bridges oracle: %d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
