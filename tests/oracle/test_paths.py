#!/usr/bin/python3
"""tests/oracle/test_paths.py - checks analysis/paths.c (betweenness, harmonic, irb, region pairs) against NetworkX.

  test_paths.py                          build the driver, run every case, exit 1 on a mismatch
  test_paths.py convert IN.json OUT      write a dataset as the driver's edge list (benchmarks)

Graphs: G(n, p) of several densities (some disconnected), trees with pendant
leaves (the kernel removes degree-1 vertices, so stars, paths and leaves on
leaves matter), unions of project cliques (closed twins: the kernel runs one
pass for a class), and a gen.py collaboration graph; each unweighted and weighted
(distance 1/w; NetworkX gets exact Fractions so equal lengths really are equal),
with random regions including regionless vertices.  Every source once is
compared with betweenness_centrality, harmonic_centrality and the irb sum of
betweenness_centrality_subset; a random source list with repeats is compared
per source (dep_sum, dep_sumsq, harmonic, irb_sum, irb_sumsq).  Region pairs
(A, B), both directions of some, ride on the same passes: each pair's sum
is compared with 2 x betweenness_centrality_subset(A, B), and must be the
same bytes whether the run computes everything, only the pairs, or irb and
the pairs, on 1, 2 or 3 threads (so analyze and bridges print one answer).
Two runs on 2 threads must print the same bytes.
"""
import json, os, random, subprocess, sys, tempfile
from fractions import Fraction

import networkx as nx

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle_common import unit_driver  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
SHARED = os.environ.get("SHARED", os.path.join(ROOT, "..", "shared"))
GEN = os.path.join(SHARED, "bench", "gen.py")
if not os.path.isfile(GEN):
    sys.exit("paths_oracle.py: the shared data is missing: expected %s "
             "(clone kluster beside shared/, or set SHARED)" % GEN)
REL, ABS = 1e-9, 1e-9


def load_dataset(path):
    """(n, regions as ints or -1, {(i, j): weight}) like bench/peers/common.py load()."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    index, ids, regs = {}, [], []
    for e in doc.get("entities", []):
        if e["id"] in index:
            continue
        index[e["id"]] = len(ids)
        ids.append(e["id"])
        regs.append(e.get("region") or None)
    merged = {}
    for r in doc.get("relations", []):
        w = r.get("weight")
        w = float(w) if w not in (None, "") else 1.0
        k = (r["source"], r["target"], r["type"])
        merged[k] = max(merged.get(k, 0.0), w)
    edges = {}
    for (src, dst, _), w in merged.items():
        a, b = index[src], index[dst]
        if a == b:
            continue
        key = (a, b) if a < b else (b, a)
        edges[key] = edges.get(key, 0.0) + w
    names = sorted(set(r for r in regs if r))
    rnum = {r: i for i, r in enumerate(names)}
    return len(ids), [rnum[r] if r else -1 for r in regs], edges


def write_edgelist(path, n, regions, edges):
    with open(path, "w") as f:
        f.write("%d %d\n" % (n, len(edges)))
        f.write(" ".join(str(r) for r in regions) + "\n")
        for (a, b), w in sorted(edges.items()):
            f.write("%d %d %r\n" % (a, b, float(w)))


def run_driver(exe, graph_file, weighted, threads, sources_file=None, extra=()):
    cmd = [exe, graph_file, "--threads", str(threads)] + list(extra)
    if weighted:
        cmd.append("--weighted")
    if sources_file:
        cmd += ["--sources", sources_file]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rows = {}
    for line in out.splitlines():
        v, *vals = line.split()
        rows[int(v)] = [float(x) for x in vals]
    return out, rows


def nx_graph(n, edges, weighted):
    G = nx.Graph()
    G.add_nodes_from(range(n))
    for (a, b), w in edges.items():
        # Exact distances: 1/w as a Fraction, so ties are exact and the
        # kernel's 1e-10 tolerance has nothing to round away.
        G.add_edge(a, b, dist=(1 / Fraction(w)) if weighted else 1)
    return G


def close(a, b):
    return abs(a - b) <= ABS or abs(a - b) <= REL * max(abs(a), abs(b))


class Tally:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, name, got, want):
        bad = [(v, got[v], want[v]) for v in range(len(want)) if not close(got[v], want[v])]
        if bad:
            self.failed += 1
            print("FAIL %s: %d vertices differ, e.g. %s" % (name, len(bad), bad[:3]))
        else:
            self.passed += 1

    def check_true(self, name, ok):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL %s" % name)


def region_targets(regions, a):
    return [t for t, r in enumerate(regions) if r >= 0 and r != a]


def check_all_sources(t, name, exe, gfile, n, edges, regions, weighted):
    G = nx_graph(n, edges, weighted)
    wkey = "dist" if weighted else None
    out1, rows = run_driver(exe, gfile, weighted, 1)
    out2, rows2 = run_driver(exe, gfile, weighted, 2)
    out3, _ = run_driver(exe, gfile, weighted, 2)
    bc = nx.betweenness_centrality(G, normalized=False, weight=wkey)
    hc = nx.harmonic_centrality(G, distance=wkey)
    irb = [0.0] * n
    for a in sorted(set(r for r in regions if r >= 0)):
        srcs = [v for v in range(n) if regions[v] == a]
        part = nx.betweenness_centrality_subset(G, sources=srcs, targets=region_targets(regions, a),
                                                normalized=False, weight=wkey)
        for v, x in part.items():
            irb[v] += float(x)
    for label, r in (("1 thread", rows), ("2 threads", rows2)):
        t.check("%s %s betweenness" % (name, label), [r[v][0] / 2 for v in range(n)],
                [float(bc[v]) for v in range(n)])
        t.check("%s %s harmonic" % (name, label), [r[v][2] for v in range(n)], [float(hc[v]) for v in range(n)])
        t.check("%s %s irb" % (name, label), [r[v][3] / 2 for v in range(n)], irb)
    if out2 != out3:
        t.failed += 1
        print("FAIL %s: two runs on 2 threads printed different bytes" % name)
    else:
        t.passed += 1
    check_pairs(t, name, exe, gfile, G, wkey, regions, weighted, out1)


def pick_pairs(regions):
    """Up to 8 ordered region pairs: the first pairs both ways, then others."""
    regs = sorted(set(r for r in regions if r >= 0))
    pairs = []
    for i, a in enumerate(regs):
        for b in regs[i + 1:]:
            pairs.append((a, b))
            if len(pairs) <= 2:
                pairs.append((b, a))
    return pairs[:8]


def check_pairs(t, name, exe, gfile, G, wkey, regions, weighted, plain):
    pairs = pick_pairs(regions)
    if not pairs:
        return
    arg = ["--pairs", ",".join("%d:%d" % ab for ab in pairs)]
    n = len(regions)
    runs = {}
    for label, threads, outputs in (("all, 1 thread", 1, "dqhij"), ("all, 2 threads", 2, "dqhij"),
                                    ("pairs only, 3 threads", 3, ""), ("irb and pairs, 2 threads", 2, "i")):
        out, rows = run_driver(exe, gfile, weighted, threads, extra=arg + ["--outputs", outputs])
        runs[label] = [line.split() for line in out.splitlines()]
        if label == "all, 1 thread":
            for i, (a, b) in enumerate(pairs):
                A = [v for v in range(n) if regions[v] == a]
                B = [v for v in range(n) if regions[v] == b]
                ref = nx.betweenness_centrality_subset(G, sources=A, targets=B, normalized=False, weight=wkey)
                t.check("%s pair %d->%d" % (name, a, b), [rows[v][5 + i] for v in range(n)],
                        [2 * float(ref[v]) for v in range(n)])
    first = runs["all, 1 thread"]
    plain_rows = [line.split() for line in plain.splitlines()]
    same = all(r[6:] == first[v][6:] for rows in runs.values() for v, r in enumerate(rows))
    t.check_true("%s pairs: the same bytes with other outputs, alone, on 1-3 threads" % name, same)
    t.check_true("%s pairs: the other outputs' bytes do not change with pairs" % name,
                 all(first[v][:6] == plain_rows[v] for v in range(n)) and
                 all(runs["irb and pairs, 2 threads"][v][4] == first[v][4] for v in range(n)))


def check_sampled(t, name, exe, gfile, tmp, n, edges, regions, weighted, rnd):
    G = nx_graph(n, edges, weighted)
    wkey = "dist" if weighted else None
    k = max(1, n // 3)
    sources = [rnd.randrange(n) for _ in range(k)]
    # Make repeats certain, and include leaves (they share their host's pass).
    sources += sources[: max(1, k // 4)]
    leaves = [v for v in range(n) if G.degree(v) == 1]
    sources += rnd.sample(leaves, min(len(leaves), 5)) * 2
    sfile = os.path.join(tmp, "sources.txt")
    with open(sfile, "w") as f:
        f.write("%d\n%s\n" % (len(sources), " ".join(map(str, sources))))
    _, rows = run_driver(exe, gfile, weighted, 2, sfile)
    dep, depsq, harm, irb, irbsq = ([0.0] * n for _ in range(5))
    cache = {}
    for s in sources:
        if s not in cache:
            # betweenness_centrality_subset halves each source -> target path.
            d = nx.betweenness_centrality_subset(G, [s], list(G.nodes), normalized=False, weight=wkey)
            dl = {v: 2 * float(x) for v, x in d.items()}
            if regions[s] >= 0:
                di = nx.betweenness_centrality_subset(G, [s], region_targets(regions, regions[s]),
                                                      normalized=False, weight=wkey)
                il = {v: 2 * float(x) for v, x in di.items()}
            else:
                il = {}
            if weighted:
                dist = nx.single_source_dijkstra_path_length(G, s, weight="dist")
            else:
                dist = nx.single_source_shortest_path_length(G, s)
            cache[s] = (dl, il, dist)
        dl, il, dist = cache[s]
        for v in range(n):
            dep[v] += dl[v]
            depsq[v] += dl[v] ** 2
            if v in il:
                irb[v] += il[v]
                irbsq[v] += il[v] ** 2
        for v, d in dist.items():
            if v != s:
                harm[v] += float(1 / Fraction(d))
    cols = [("dep_sum", dep), ("dep_sumsq", depsq), ("harmonic", harm), ("irb_sum", irb), ("irb_sumsq", irbsq)]
    for i, (label, want) in enumerate(cols):
        t.check("%s sampled %s" % (name, label), [rows[v][i] for v in range(n)], want)
    # Harmonic alone takes the direction-optimizing BFS (levels only), every
    # source or the list: the same numbers, and the same bytes as the full sweep.
    for label, src in (("sampled", sfile), ("all sources", None)):
        out_h, rows_h = run_driver(exe, gfile, weighted, 2, src, extra=["--outputs", "h"])
        out_t, _ = run_driver(exe, gfile, weighted, 1, src, extra=["--outputs", "h", "--kernel", "top-down"])
        if src:
            want = harm
        else:
            hc = nx.harmonic_centrality(G, distance=wkey)
            want = [float(hc[v]) for v in range(n)]
        t.check("%s %s harmonic alone" % (name, label), [rows_h[v][2] for v in range(n)], want)
        t.check_true("%s %s harmonic alone: the same bytes top-down on 1 thread" % (name, label), out_h == out_t)


def random_regions(n, rnd, nreg, none_share):
    return [-1 if rnd.random() < none_share else rnd.randrange(nreg) for _ in range(n)]


def tree_with_leaves(n, rnd):
    """A random tree plus a few extra ties, then pendant leaves, stars and a leaf pair."""
    edges = {}
    for v in range(1, n):
        u = rnd.randrange(v)
        edges[(u, v)] = 1.0
    for _ in range(n // 5):
        a, b = rnd.sample(range(n), 2)
        edges[(min(a, b), max(a, b))] = 1.0
    m = n
    for _ in range(n // 2):  # leaves hanging off random vertices, several per host
        edges[(rnd.randrange(n), m)] = 1.0
        m += 1
    hub = m  # a separate star
    for i in range(1, 6):
        edges[(hub, hub + i)] = 1.0
    m = hub + 6
    edges[(m, m + 1)] = 1.0  # an isolated tie: both ends have degree 1
    m += 2
    edges[(m, m + 1)] = 1.0  # a path of three
    edges[(m + 1, m + 2)] = 1.0
    m += 3
    return m + 1, edges  # plus one isolated vertex


def project_cliques(n, rnd):
    """An organisations view: projects of 2 to 6 members, each a clique.
    Members of only one project are closed twins of each other (the kernel
    runs one pass for such a class), some with leaves nearby."""
    edges = {}
    for _ in range(n // 2):
        members = rnd.sample(range(n), rnd.randint(2, 6))
        for a in members:
            for b in members:
                if a < b:
                    edges[(a, b)] = 1.0
    return edges


def cases(tmp, rnd):
    for i, (n, p) in enumerate([(40, 0.05), (60, 0.08), (80, 0.04), (120, 0.03), (50, 0.3)]):
        G = nx.gnp_random_graph(n, p, seed=rnd.randrange(1 << 30))
        yield "gnp%d" % i, n, {(min(a, b), max(a, b)): 1.0 for a, b in G.edges()}, None
    for i, n in enumerate([30, 70]):
        n2, edges = tree_with_leaves(n, rnd)
        yield "leafy%d" % i, n2, edges, None
    for i, n in enumerate([40, 90]):
        yield "cliques%d" % i, n, project_cliques(n, rnd), None
    if os.environ.get("TEST_MODE") == "sanitizers":
        return  # the release pass checks the collaboration graph; the small graphs cover the code
    js = os.path.join(tmp, "gen.json")
    subprocess.run(["/usr/bin/python3", GEN, "--orgs", "300", "--out", js], check=True,
                   stdout=subprocess.DEVNULL)
    n, regs, edges = load_dataset(js)
    yield "gen300", n, edges, regs


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "convert":
        n, regs, edges = load_dataset(sys.argv[2])
        write_edgelist(sys.argv[3], n, regs, edges)
        return 0
    rnd = random.Random(20240611)
    t = Tally()
    with tempfile.TemporaryDirectory() as tmp:
        exe = unit_driver("paths_driver")
        for name, n, edges, regs in cases(tmp, rnd):
            variants = [("", edges)]
            variants.append(("-w15", {k: float(rnd.randint(1, 5)) for k in edges}))
            if regs is not None:
                variants.append(("-wreal", edges))
            for suffix, ed in variants:
                weighted = suffix != ""
                region_sets = [random_regions(n, rnd, 4, 0.3), random_regions(n, rnd, 2, 0.1)]
                if regs is not None:
                    region_sets = [regs, random_regions(n, rnd, 5, 0.4)]
                for ri, regions in enumerate(region_sets):
                    label = "%s%s r%d" % (name, suffix, ri)
                    gfile = os.path.join(tmp, "g.txt")
                    write_edgelist(gfile, n, regions, ed)
                    check_all_sources(t, label, exe, gfile, n, ed, regions, weighted)
                    if n <= 200 or ri == 0:
                        check_sampled(t, label, exe, gfile, tmp, n, ed, regions, weighted, rnd)
    print("paths oracle: %d passed, %d failed" % (t.passed, t.failed))
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main())
