#!/usr/bin/python3
"""tests/oracle/test_sampling.py - betweenness, irb and region-pair brokers
estimated from sampled shortest paths (--epsilon/--delta), checked against
NetworkX's exact values.

Run from the repository root with KLUSTER set (default ./kluster).  On
Zachary's karate club (regions assigned by faction), Padgett's Florentine
families, a gen.py --orgs 600 dataset (full and organisations mode, hops and
--weights) and a graph of two components:

  - the guarantee of docs/metrics.md: every |betweenness - exact| <=
    epsilon n(n-1)/2 and every |irb - exact| <= epsilon P, for several seeds
    and epsilons (each run holds with probability >= 1 - delta; the seeds are
    fixed, so the test is deterministic);
  - brokers' shares of the sampled region pairs within max(epsilon, 0.03) of the exact
    shares (NetworkX betweenness_centrality_subset both ways);
  - graph.sampled: method "pairs", epsilon, delta, and a sample count that
    matches Riondato-Kornaropoulos' r for a vertex-diameter bound between the
    true vertex diameter and twice the diameter plus one;
  - the estimates are unbiased in aggregate: the mean over 8 seeds is closer
    to the truth than the bound (a sampler that skipped paths would fail);
  - byte-identical output for --threads 1 and 2 and for a repeated run;
    different output for another seed;
  - usage errors: --delta without --epsilon, --exact with --epsilon, values
    outside (0, 1);
  - below the size threshold: no note and graph.sampled null (the switch
    itself, through KLUSTER_EXACT_LIMIT, in test_sampling_policy.py).

Last line: "sampling oracle: N passed, M failed"; exit 1 on a failure.
"""
import csv
import json
import math
import os
import random
import subprocess
import sys
import tempfile

import networkx as nx

from oracle_common import Tally, cross_pairs, exact, graph_of

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
SHARED = os.environ.get("SHARED", os.path.join(ROOT, "..", "shared"))
GEN = os.path.join(SHARED, "bench", "gen.py")
DATA = os.path.join(SHARED, "data")
KLUSTER = os.path.abspath(os.environ.get("KLUSTER", os.path.join(ROOT, "kluster")))

tally = Tally()
check = tally.check


def run(*args, ok=True):
    p = subprocess.run([KLUSTER] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
    if ok and p.returncode != 0:
        raise RuntimeError("kluster %s: exit %d: %s" % (" ".join(args), p.returncode, p.stderr.decode()[:500]))
    return p


def analyze(path, *args):
    return json.loads(run("analyze", path, "-q", *args).stdout)


def write_extract(path, name, ents, rels, regions):
    doc = {"format": "collab-extract/1", "dataset": {"id": name, "title": name},
           "regions": [{"id": r, "name": "Region " + r} for r in regions], "entities": ents, "relations": rels}
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f)


def karate(path):
    G = nx.karate_club_graph()
    ents = [{"id": "k%02d" % v, "kind": "person", "name": "Member %d" % v, "region": G.nodes[v]["club"]}
            for v in G]
    rels = [{"source": "k%02d" % u, "target": "k%02d" % v, "type": "partner_of"} for u, v in G.edges()]
    write_extract(path, "karate", ents, rels, ["Mr. Hi", "Officer"])


def florentine(path):
    with open(os.path.join(DATA, "padgett-florentine/PADGETT.csv"), encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    names = rows[0][1:]
    quarter = ["SanGiovanni", "SantoSpirito", "SantaCroce", "SantaMaria"]
    ents = [{"id": v.lower(), "kind": "organisation", "name": v.title(), "region": quarter[i % 4]}
            for i, v in enumerate(names)]
    rels = []
    for row in rows[1:]:
        for b, cell in zip(names, row[1:]):
            if cell.strip() == "1" and row[0] < b:
                rels.append({"source": row[0].lower(), "target": b.lower(), "type": "partner_of"})
    write_extract(path, "florentine", ents, rels, quarter)


def two_components(path):
    """Two random components of different regions' mixes and a few isolates."""
    rnd = random.Random(7)
    ents, rels = [], []
    for c, size in ((0, 60), (1, 25)):
        ids = ["c%d_%02d" % (c, i) for i in range(size)]
        for i, x in enumerate(ids):
            ents.append({"id": x, "kind": "organisation", "name": x, "region": "R%d" % (rnd.randrange(3) + c)})
            if i:
                rels.append({"source": x, "target": ids[rnd.randrange(i)], "type": "partner_of",
                             "weight": rnd.choice((1, 2, 4))})
        for _ in range(size // 2):
            a, b = rnd.sample(ids, 2)
            rels.append({"source": a, "target": b, "type": "partner_of", "weight": rnd.choice((1, 2, 4))})
    for i in range(3):
        ents.append({"id": "iso%d" % i, "kind": "organisation", "name": "iso", "region": "R0"})
    write_extract(path, "two", ents, rels, ["R0", "R1", "R2", "R3"])


def pair_shares(G, region, a, b, weight):
    A = [v for v in G if region[v] == a]
    B = [v for v in G if region[v] == b]
    x = nx.betweenness_centrality_subset(G, A, B, normalized=False, weight=weight)
    y = nx.betweenness_centrality_subset(G, B, A, normalized=False, weight=weight)
    comp = {}
    for i, c in enumerate(nx.connected_components(G)):
        for v in c:
            comp[v] = i
    pairs = sum(1 for s in A for t in B if comp[s] == comp[t])
    return {v: (x[v] + y[v]) / pairs for v in G} if pairs else {}


def rk_size(eps, delta, vd):
    lg = math.floor(math.log2(vd - 2)) if vd >= 3 else 0
    return max(1, math.ceil(0.5 / (eps * eps) * (lg + 1 + math.log(1 / delta))))


def vd_range(G, weight):
    """(lowest, highest) vertex-diameter bound kluster may use."""
    if weight:
        largest = max((len(c) for c in nx.connected_components(G)), default=0)
        return 0, largest
    diam = max((nx.diameter(G.subgraph(c)) for c in nx.connected_components(G) if len(c) > 1), default=0)
    return diam + 1, 2 * diam + 1


def check_case(name, path, mode_args, weighted, eps_list, seeds):
    wargs = ["--weights"] if weighted else []
    base = analyze(path, *mode_args, *wargs)
    check("%s: exact run has sampled null" % name, base["graph"]["sampled"] is None)
    G, region = graph_of(base)
    weight = "dist" if weighted else None
    bc, irb = exact(G, region, weight)
    n = G.number_of_nodes()
    P = cross_pairs(G, region)
    check("%s: cross_region_pairs" % name, base["graph"]["cross_region_pairs"] == P)
    lo_vd, hi_vd = vd_range(G, weight)
    pair_ref = {}  # the exact shares of a pair, computed once for every seed and eps
    for eps in eps_list:
        means_b = {v: 0.0 for v in G}
        for seed in seeds:
            out = analyze(path, *mode_args, *wargs, "--epsilon", str(eps), "--seed", str(seed))
            s = out["graph"]["sampled"]
            tag = "%s eps=%g seed=%d" % (name, eps, seed)
            check(tag + ": sampled key", s is not None and s["method"] == "pairs" and s["epsilon"] == eps and
                  s["delta"] == 0.1, str(s))
            # betweenness and irb each get delta / 2
            rs = {rk_size(eps, 0.05, vd) for vd in range(max(lo_vd, 1), hi_vd + 1)}
            per = s["samples"] // (2 if P > 0 else 1)
            check(tag + ": sample count follows the RK bound", per in rs and s["samples"] % (2 if P > 0 else 1) == 0,
                  "%d not in %s" % (per, sorted(rs)[:3]))
            got = {a["id"]: a for a in out["actors"]}
            worst_b = max(abs(got[v]["betweenness"] - bc[v]) for v in G)
            check(tag + ": betweenness within eps n(n-1)/2", worst_b <= eps * n * (n - 1) / 2,
                  "worst %g bound %g" % (worst_b, eps * n * (n - 1) / 2))
            if P:
                worst_i = max(abs(got[v]["irb"] - irb[v]) for v in G)
                check(tag + ": irb within eps P", worst_i <= eps * P, "worst %g bound %g" % (worst_i, eps * P))
                shares = [(v, got[v]["irb"] / P) for v in G]
                check(tag + ": irb_share = irb / P",
                      all(abs(got[v]["irb_share"] - x) <= 1e-12 * max(1, x) for v, x in shares))
            # brokers of the sampled region pairs
            for pr in out["region_pairs"]:
                if not pr["brokers"]:
                    continue
                ab = (pr["a"], pr["b"])
                if ab not in pair_ref:
                    pair_ref[ab] = pair_shares(G, region, pr["a"], pr["b"], weight)
                ref = pair_ref[ab]
                worst = max(abs(x["share"] - ref[x["id"]]) for x in pr["brokers"])
                check(tag + ": brokers %s-%s within max(eps, 0.03)" % (pr["a"], pr["b"]), worst <= max(eps, 0.03),
                      "worst %g" % worst)
            for v in G:
                means_b[v] += got[v]["betweenness"] / len(seeds)
        if len(seeds) > 1:
            worst_mean = max(abs(means_b[v] - bc[v]) for v in G)
            check("%s eps=%g: mean of %d seeds closer than the bound" % (name, eps, len(seeds)),
                  worst_mean <= eps * n * (n - 1) / 2 / 2, "worst %g" % worst_mean)


def check_determinism(path):
    a = run("analyze", path, "-q", "--epsilon", "0.05", "--threads", "1").stdout
    b = run("analyze", path, "-q", "--epsilon", "0.05", "--threads", "2").stdout
    c = run("analyze", path, "-q", "--epsilon", "0.05", "--threads", "2").stdout
    d = run("analyze", path, "-q", "--epsilon", "0.05", "--seed", "2").stdout
    check("determinism: --threads 1 and 2 byte-identical", a == b)
    check("determinism: rerun byte-identical", b == c)
    check("determinism: another seed differs", a != d)
    e = run("bridges", path, "-q", "--epsilon", "0.05", "--format", "json", "--threads", "1").stdout
    f = run("bridges", path, "-q", "--epsilon", "0.05", "--format", "json", "--threads", "2").stdout
    check("determinism: bridges --threads 1 and 2 byte-identical", e == f)
    bj = json.loads(e)
    check("bridges: sampled key", bj["graph"]["sampled"] and bj["graph"]["sampled"]["method"] == "pairs")
    an = json.loads(a)
    bj_irb = {x["id"]: x["irb"] for x in bj["brokers"]}
    P = an["graph"]["cross_region_pairs"]
    exact_out = json.loads(run("bridges", path, "-q", "--format", "json").stdout)
    ex = {x["id"]: x["irb"] for x in exact_out["brokers"]}
    check("bridges: exact run has sampled null", exact_out["graph"]["sampled"] is None)
    common = set(ex) & set(bj_irb)
    check("bridges: sampled irb of the top actors within eps P",
          common and all(abs(bj_irb[v] - ex[v]) <= 0.05 * P for v in common))


def check_usage(path):
    for args, what in ((["--delta", "0.1"], "--delta needs --epsilon"),
                       (["--epsilon", "0.1", "--exact"], "--exact contradicts"),
                       (["--samples", "10", "--exact"], "--exact contradicts"),
                       (["--samples", "10", "--epsilon", "0.1"], "give one"),
                       (["--epsilon", "0"], "between 0 and 1"),
                       (["--epsilon", "1.5"], "between 0 and 1"),
                       (["--epsilon", "x"], "between 0 and 1"),
                       (["--delta", "1", "--epsilon", "0.1"], "between 0 and 1")):
        for cmd in ("analyze", "bridges"):
            if cmd == "bridges" and "--samples" in args:
                continue
            p = run(cmd, path, *args, ok=False)
            check("usage %s %s" % (cmd, " ".join(args)), p.returncode == 2 and what in p.stderr.decode(),
                  p.stderr.decode()[:200])
    p = run("analyze", path, ok=False)
    check("small graph: exact, no note", p.returncode == 0 and b"note:" not in p.stderr and
          json.loads(p.stdout)["graph"]["sampled"] is None)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        k, fl, two, gen = (os.path.join(tmp, x) for x in ("karate.json", "florentine.json", "two.json", "gen.json"))
        karate(k)
        florentine(fl)
        two_components(two)
        subprocess.run(["/usr/bin/python3", GEN, "--orgs", "600", "--seed", "5", "--out", gen], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seeds = [1, 2, 3, 4, 5, 6, 7, 8]
        check_case("karate", k, [], False, [0.05, 0.02], seeds)
        check_case("karate weighted", k, [], True, [0.05], seeds[:3])
        check_case("florentine", fl, [], False, [0.05], seeds)
        check_case("two components", two, [], False, [0.05], seeds[:4])
        check_case("two components weighted", two, [], True, [0.05], seeds[:3])
        check_case("gen600", gen, [], False, [0.05], seeds[:3])
        check_case("gen600 organisations", gen, ["--mode", "organisations"], False, [0.05], seeds[:3])
        check_determinism(gen)
        check_usage(k)
    print("sampling oracle: %d passed, %d failed" % (tally.passed, tally.failed))
    sys.exit(1 if tally.failed else 0)


if __name__ == "__main__":
    main()
