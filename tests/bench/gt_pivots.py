#!/usr/bin/env python3
"""graph-tool's betweenness from K pivots: the peer that does the same number of
single-source traversals as kluster's sampler (tests/bench/scale.sh reads K from
kluster's output, `graph.sampled.samples`, or the node count when kluster was exact).

  gt_pivots.py DATASET OUT.json --pivots K [--max-pivots P] [--seed S] [--peers DIR]

Reads and builds the graph as ../shared/bench/peers/gt_analyze.py does (common.py's
standard graph), draws min(K, P, n) distinct pivots uniformly with a fixed seed
(Python's random.Random(S), default 42) and runs gt.betweenness(pivots=...) once.
When fewer than K pivots were run (K above P, or above n), the betweenness time is
scaled linearly to K (one pivot is one full Brandes pass, so the cost is linear in the
pivot count) and the result says so: pivots_run, scaled, betweenness_measured.
Phases in `seconds`: parse, build, betweenness (scaled to K); per_pivot is the
measured cost of one pivot.  Run it with /usr/bin/python3 (Debian's graph-tool)."""
import argparse, os, random, sys, time

import numpy as np
import graph_tool.all as gt


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dataset")
    ap.add_argument("out", nargs="?", default="-")
    ap.add_argument("--pivots", type=int, required=True, help="K: kluster's single-source traversals")
    ap.add_argument("--max-pivots", type=int, default=0, help="run at most P pivots, scale to K (0: no cap)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--peers", default=os.environ.get("PEERS_DIR") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "bench", "peers"))
    a = ap.parse_args()
    sys.path.insert(0, a.peers)
    from common import Timer, dump, load, top

    t = Timer()
    ids, kinds, regions, edges = load(a.dataset)
    t.lap("parse")
    g = gt.Graph(directed=False)
    g.add_vertex(len(ids))
    w = g.new_edge_property("double")
    arr = np.array([(x, y, z) for (x, y), z in edges.items()], dtype=float).reshape(-1, 3)
    g.add_edge_list(arr, eprops=[w])
    t.lap("build")
    n = g.num_vertices()
    k = max(1, a.pivots)
    run = min(k, n)
    if a.max_pivots > 0:
        run = min(run, a.max_pivots)
    rnd = random.Random(a.seed)
    piv = np.array(sorted(rnd.sample(range(n), run)), dtype=np.uint64)
    t0 = time.perf_counter()
    vb, _ = gt.betweenness(g, pivots=piv, norm=False)
    measured = time.perf_counter() - t0
    t.t0 = time.perf_counter()
    res = {"peer": "graph-tool %s, betweenness from K pivots" % gt.__version__.split()[0],
           "nodes": n, "edges": g.num_edges(), "pivots_requested": k, "pivots_run": run,
           "scaled": run < k, "seed": a.seed,
           "betweenness_measured": round(measured, 3),
           "per_pivot": round(measured / run, 6),
           "top_betweenness": top(ids, list(vb.a * n / run))}
    t.phases["betweenness"] = round(measured * k / run, 3)
    res["seconds"] = t.phases
    dump(res, a.out)


if __name__ == "__main__":
    main()
