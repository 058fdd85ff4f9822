#!/usr/bin/python3
"""tests/oracle/test_eigenvector.py - eigenvector centrality (docs/metrics.md)
from kluster's own power iteration, against NetworkX.

The reference is eigenvector_centrality_numpy (ARPACK) on the largest
component (ties: the smallest actor id), weighted, rescaled to a maximum of
1, absolute tolerance 1e-6; null outside that component.  Cases chosen for
what makes power iteration hard:

  - the Norwegian H2020 participations imported with the shipped map: full
    mode is bipartite (organisations and projects), where plain power
    iteration oscillates between +lambda and -lambda; organisations mode is
    weighted and not bipartite;
  - a random weighted bipartite graph of two components, and a large star
    with a small second component (bipartite; the start vector, the
    strengths, is far from the answer);
  - a gen.py dataset above 20 000 actors, where the products run on several
    threads: --threads 1 and 3 print the same digits;
  - weights at both ends of the accepted range, 1e-100 and 1e100;
  - two equal stars far apart, one tie heavier by 1e-6: the two leading
    eigenvalues are too close for power iteration; kluster keeps the last
    step's values (finite, maximum 1) and warns on standard error.

Last line: "eigenvector oracle: N passed, M failed"; exit 1 on a failure.
"""
import json
import os
import subprocess
import sys
import tempfile

import networkx as nx

from oracle_common import Tally

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
SHARED = os.environ.get("SHARED", os.path.join(ROOT, "..", "shared"))
GEN = os.path.join(SHARED, "bench", "gen.py")
NORWAY = os.path.join(SHARED, "data", "norway-h2020-participations", "dataset.csv")
KLUSTER = os.path.abspath(os.environ.get("KLUSTER", os.path.join(ROOT, "kluster")))
ATOL = 1e-6

tally = Tally()
check = tally.check


def run(*args):
    p = subprocess.run([KLUSTER] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
    if p.returncode != 0:
        raise RuntimeError("kluster %s: exit %d: %s" % (" ".join(args), p.returncode, p.stderr.decode()[:500]))
    return p


def analyze(path, *args):
    """analyze's JSON, floats kept as their text (to compare digits), and its stderr."""
    p = run("analyze", path, "-q", "--samples", "4", *args)  # betweenness is not under test: keep it cheap
    return json.loads(p.stdout, parse_float=str), p.stderr.decode()


def reference(doc):
    """NetworkX's eigenvector centrality per actor: the largest component
    (ties: smallest id in byte order), rescaled to max 1; None elsewhere."""
    G = nx.Graph()
    G.add_nodes_from(a["id"] for a in doc["actors"])
    for u, v, w in doc["ties"]:
        G.add_edge(u, v, weight=float(w))
    comps = [sorted(c, key=lambda x: x.encode("utf-8")) for c in nx.connected_components(G)]
    size = max(len(c) for c in comps)
    big = min((c for c in comps if len(c) == size), key=lambda c: c[0].encode("utf-8"))
    if len(big) == 1:
        ev = {big[0]: 1.0}
    else:
        ev = nx.eigenvector_centrality_numpy(G.subgraph(big), weight="weight")
        mx = max(ev.values())
        ev = {v: x / mx for v, x in ev.items()}
    return G, {v: ev.get(v) for v in G}


def check_case(name, path, *args, bipartite=None):
    doc, err = analyze(path, *args)
    G, ref = reference(doc)
    got = {a["id"]: None if a["eigenvector"] is None else float(a["eigenvector"]) for a in doc["actors"]}
    if bipartite is not None:
        check("%s: the graph is %sbipartite" % (name, "" if bipartite else "not "), nx.is_bipartite(G) == bipartite)
    check("%s: null exactly outside the largest component" % name,
          all((got[v] is None) == (ref[v] is None) for v in G))
    worst = max((abs(got[v] - ref[v]) for v in G if ref[v] is not None), default=0)
    check("%s: within %g of NetworkX (%d actors)" % (name, ATOL, G.number_of_nodes()), worst <= ATOL,
          "worst %g" % worst)
    check("%s: maximum exactly 1" % name, max(x for x in got.values() if x is not None) == 1.0)
    check("%s: no warning" % name, "eigenvector" not in err, err[:200])
    return doc


def write_extract(path, name, edges, regions=None):
    nodes = sorted({x for e in edges for x in e[:2]} | set(regions or {}))
    ents = [{"id": v, "kind": "organisation", "name": v} for v in nodes]
    for e in ents:
        if regions and e["id"] in regions:
            e["region"] = regions[e["id"]]
    rels = [{"source": u, "target": v, "type": "partner_of", "weight": w} for u, v, w in edges]
    doc = {"format": "collab-extract/1", "dataset": {"id": name, "title": name}, "entities": ents, "relations": rels}
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f)


def random_bipartite(path):
    import random
    rnd = random.Random(11)
    edges = []
    for part, (orgs, projects) in enumerate(((120, 200), (15, 20))):
        for p in range(projects):
            for o in rnd.sample(range(orgs), rnd.randint(1, 6)):
                edges.append(("o%d_%03d" % (part, o), "p%d_%03d" % (part, p), rnd.choice((1, 2, 3, 5))))
    write_extract(path, "bipartite", edges)


def star(path):
    edges = [("hub", "leaf%03d" % i, 1) for i in range(400)] + [("a", "b", 1), ("b", "c", 1)]
    write_extract(path, "star", edges)


def extreme_weights(path):
    """A random connected graph whose weights span the whole accepted range,
    1e-100 .. 1e100 (docs/format.md): w*w must neither overflow nor vanish."""
    import random
    rnd = random.Random(5)
    ws = (1e100, 3e99, 1.0, 1e-99, 1e-100)
    edges = [("r%02d" % i, "r%02d" % rnd.randrange(i), rnd.choice(ws)) for i in range(1, 40)]
    edges += [("r%02d" % u, "r%02d" % v, rnd.choice(ws)) for u, v in
              {tuple(sorted(rnd.sample(range(40), 2))) for _ in range(40)}]
    write_extract(path, "extreme", edges)


def near_twins(path):
    """Two stars of 50 leaves whose hubs are 12 ties apart; one leaf's tie
    weighs 1 + 1e-6, so the leading eigenvalues differ by about 1e-8."""
    edges = []
    for s in "ab":
        edges += [("%s_hub" % s, "%s_leaf%02d" % (s, i), 1) for i in range(50)]
    chain = ["a_hub"] + ["link%02d" % i for i in range(11)] + ["b_hub"]
    edges += [(x, y, 1) for x, y in zip(chain, chain[1:])]
    edges[0] = ("a_hub", "a_leaf00", 1 + 1e-6)
    write_extract(path, "twins", edges)


def check_threads(path):
    one, _ = analyze(path, "--threads", "1")
    three, _ = analyze(path, "--threads", "3")
    big = one["graph"]["largest_component"]
    check("threads: a largest component above 20000 actors (the products run in parallel)", big > 20000, str(big))
    check("threads: --threads 1 and 3 print the same eigenvector digits",
          [a["eigenvector"] for a in one["actors"]] == [a["eigenvector"] for a in three["actors"]])
    return one


def check_not_converged(path):
    p = run("analyze", path, "--samples", "4")
    err = p.stderr.decode()
    doc = json.loads(p.stdout)
    vals = [a["eigenvector"] for a in doc["actors"]]
    check("close eigenvalues: a warning on standard error",
          "warning: eigenvector centrality did not converge in 10000 steps" in err, err[:300])
    check("close eigenvalues: the last step's values, finite, maximum 1",
          all(v is not None and 0 <= v <= 1 for v in vals) and max(vals) == 1.0)
    q = run("analyze", path, "--samples", "4", "-q")
    check("close eigenvalues: -q silences the warning", q.stderr.decode() == "" and q.stdout == p.stdout)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        norway = os.path.join(tmp, "norway")
        run("import", "-q", "--map", os.path.join(ROOT, "loaders", "maps", "norway-h2020.json"), NORWAY, "-o", norway)
        check_case("norway full", norway, bipartite=True)
        check_case("norway organisations", norway, "--mode", "organisations", bipartite=False)
        bp, st, tw, gen = (os.path.join(tmp, x) for x in ("bipartite.json", "star.json", "twins.json", "gen.json"))
        random_bipartite(bp)
        star(st)
        near_twins(tw)
        check_case("random bipartite, weighted, two components", bp, bipartite=True)
        check_case("star of 400 leaves", st, bipartite=True)
        ex = os.path.join(tmp, "extreme.json")
        extreme_weights(ex)
        check_case("weights from 1e-100 to 1e100", ex)
        if os.environ.get("TEST_MODE") != "sanitizers":
            # two exact analyses of 22k actors: the release pass runs them; the
            # small cases above already take the sanitizers through the code
            subprocess.run(["/usr/bin/python3", GEN, "--orgs", "13000", "--seed", "2", "--out", gen], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            doc = check_threads(gen)
            G, ref = reference(doc)
            worst = max(abs(float(a["eigenvector"]) - ref[a["id"]]) for a in doc["actors"] if ref[a["id"]] is not None)
            check("gen13000: within %g of NetworkX" % ATOL, worst <= ATOL, "worst %g" % worst)
        check_not_converged(tw)
    print("eigenvector oracle: %d passed, %d failed" % (tally.passed, tally.failed))
    sys.exit(1 if tally.failed else 0)


if __name__ == "__main__":
    main()
