"""tests/oracle/oracle_common.py - what several oracle scripts share: a
pass/fail tally and NetworkX's exact betweenness and irb on the analysis
graph that `kluster analyze` writes (its "actors" and "ties"); the test
drivers of tests/unit.  Not a test itself (tests/run.sh runs test_*.py
only)."""
import os
import subprocess

import networkx as nx

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def unit_driver(name):
    """The driver tests/unit/NAME.c as the Makefile builds it: from UNIT_DIR
    under tests/run.sh (so the sanitizer pass runs the sanitizer build), else
    built now in build/release."""
    unit = os.environ.get("UNIT_DIR")
    if unit:
        exe = os.path.join(unit if os.path.isabs(unit) else os.path.join(ROOT, unit), name)
        if os.access(exe, os.X_OK):
            return exe
    target = "build/release/tests/unit/" + name
    subprocess.run(["make", "-s", target], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return os.path.join(ROOT, target)


class Tally:
    """check(what, cond, detail): count, and print a failure with its detail."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, what, cond, detail=""):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL %s %s" % (what, detail))


def graph_of(out):
    """The analysis graph of analyze's JSON, edges with dist = 1/weight, and
    the region of every actor."""
    G = nx.Graph()
    G.add_nodes_from(a["id"] for a in out["actors"])
    for u, v, w in out["ties"]:
        G.add_edge(u, v, dist=1.0 / w)
    return G, {a["id"]: a["region"] for a in out["actors"]}


def exact(G, region, weight):
    """NetworkX's betweenness and irb (docs/metrics.md's oracle for irb)."""
    bc = nx.betweenness_centrality(G, normalized=False, weight=weight)
    irb = {v: 0.0 for v in G}
    for A in sorted({r for r in region.values() if r}):
        src = [v for v in G if region[v] == A]
        tgt = [v for v in G if region[v] and region[v] != A]
        for v, x in nx.betweenness_centrality_subset(G, src, tgt, normalized=False, weight=weight).items():
            irb[v] += x
    return bc, irb


def cross_pairs(G, region):
    """P: connected unordered pairs of actors whose regions differ."""
    total = 0
    for comp in nx.connected_components(G):
        cnt = {}
        for v in comp:
            if region[v]:
                cnt[region[v]] = cnt.get(region[v], 0) + 1
        n = sum(cnt.values())
        total += (n * n - sum(c * c for c in cnt.values())) // 2
    return total
