#!/usr/bin/python3
"""tests/oracle/test_properties.py - kluster's graph options crossed on real data.

Run from the repository root with KLUSTER set (default ./kluster) and SHARED
(default ../shared beside the repository).  Datasets: the Norwegian Horizon
2020 participations (imported here with loaders/maps/norway-h2020.json),
datasets/cleantech-se, a gen.py dataset with extra relation types, weights,
end dates and undated relations mixed in (below), and a fixed sample of
small windows on the CORDIS import.

Each dataset crosses time windows (before the data's dates, inside, after, a
single year, a single day on which relations end and the next day others
start, --from only, --to only, none), --ties (each type alone, `other`, two
lists, all), --exclude-kind (each kind, two kinds, none), --mode full and
organisations, and
hops or --weights: every pair of two options' values appears in at least one
combination (a greedy pairwise covering, fixed seed), plus usage errors (a
window whose --from is after its --to, invalid dates, types, kinds, modes).  Every combination must either succeed, with

  - the actors, their regions and the ties (and tie weights) equal to the
    graph built in Python from the extract files (dataset_graph.py);
  - degree, strength, coreness, articulation, components (partition and
    numbering), betweenness, harmonic, irb, irb_share, regions_reached,
    participation_region and ei_index equal to NetworkX on that graph (path
    metrics on every actor while the NetworkX work stays small, else
    harmonic on a fixed sample of actors);
  - communities a partition of exactly the actors, numbered in order of
    their smallest actor id, with networkx.community.modularity equal to the
    printed modularity;

or fail with a usage error: exit 2, stderr starting with "kluster", never
an igraph message or a sanitizer report.  On every sixth combination of
each dataset (the first of CORDIS, without render and export) `bridges`,
`whatif --rank`, `render -o x.dot` (the graph and --region-map; render takes
the window and the mode only) and `export -o x.graphml` must succeed too,
without a sanitizer report or an igraph message, and analyze run again must
print the same bytes.  NetworkX results are cached like analyze_oracle.py's
(build/oracle-cache, KLUSTER_ORACLE_CACHE), so the second run of the suite
(the sanitizer build) spends its time in kluster; VERBOSE=1 prints where the
CPU time goes.  The closing line is "properties: N combinations, M checks
passed"; exit 1 on a failure.
"""
import itertools
import json
import math
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from multiprocessing import Pool

import networkx as nx

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import analyze_oracle as ao  # noqa: E402  (path metrics, cache, numbering)
from dataset_graph import KINDS, VOCABULARY, Dataset, add_distances, window_of  # noqa: E402

ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
SHARED = os.environ.get("SHARED", os.path.join(ROOT, "..", "shared"))
KLUSTER = os.path.abspath(os.environ.get("KLUSTER", os.path.join(ROOT, "kluster")))
PYTHON = os.environ.get("PYTHON", "/usr/bin/python3")
RTOL, ATOL = 1e-9, 1e-9
# NetworkX work allowed for the exact path metrics of one graph, in
# sum over components of n_c (n_c + m_c); weighted paths count 5 times (15
# with exact Fractions): about 4 s of CPU per 1e6.
PATH_BUDGET = 2e6
SAMPLE = 40  # actors whose harmonic is checked when the budget is exceeded
EXTRA_EVERY = 6
EXTRAS = ("analyze", "bridges", "whatif", "render", "export")


# ---------------------------------------------------------------- datasets


def augment_gen(src, dst, seed=3):
    """gen.py writes participates_in, coordinates, funds, member_of,
    employed_by and leads, all of weight 1 with start years only.  Mix in
    what the options must also meet: weights 2 and 3, end dates, undated
    relations, partner_of, initiated (to projects and organisations), an
    unknown type, dates on both sides of 30 June, persons with two employers or a region of their own, a
    duplicate relation with a larger weight and a self-loop."""
    rnd = random.Random(seed)
    with open(src, encoding="utf-8") as f:
        doc = json.load(f)
    ents, rels = doc["entities"], doc["relations"]
    orgs = [e["id"] for e in ents if e["kind"] == "organisation"]
    projects = [e["id"] for e in ents if e["kind"] == "project"]
    persons = [e for e in ents if e["kind"] == "person"]
    for r in rels:
        if rnd.random() < 0.15:
            r["weight"] = rnd.choice([2, 3])
        x = rnd.random()
        if "start" in r and x < 0.2:
            r["end"] = str(int(r["start"][:4]) + rnd.randint(0, 4))
        elif "start" in r and x < 0.4:  # a day ending a half-year, a day starting the next one
            r["end"] = "%d-06-30" % (int(r["start"][:4]) + rnd.randint(0, 4))
        elif "start" in r and x < 0.5:
            r["start"] = "%s-07-01" % r["start"][:4]
        elif "start" in r and x < 0.55:
            del r["start"]
    extra = []
    for _ in range(25):
        a, b = rnd.sample(orgs, 2)
        extra.append({"source": a, "target": b, "type": "partner_of", "start": str(rnd.randint(2008, 2024))})
    for _ in range(20):
        extra.append({"source": rnd.choice(orgs), "target": rnd.choice(projects), "type": "initiated",
                      "start": str(rnd.randint(2008, 2024)), "weight": rnd.choice([1, 2])})
    for _ in range(4):
        a, b = rnd.sample(orgs, 2)
        extra.append({"source": a, "target": b, "type": "initiated"})
    for _ in range(12):
        a, b = rnd.sample(orgs, 2)
        extra.append({"source": a, "target": b, "type": "advises", "start": "2015", "end": "2019"})
    for p in persons[:6]:  # a second employer, sometimes heavier
        extra.append({"source": p["id"], "target": rnd.choice(orgs), "type": "employed_by",
                      "weight": rnd.choice([1, 2]), "start": "2012"})
    for p in persons[6:8]:
        p["region"] = rnd.choice([e.get("region") for e in ents if e.get("region")])
    extra.append(dict(rels[0], weight=3))  # the same relation again, heavier
    extra.append({"source": orgs[0], "target": orgs[0], "type": "partner_of"})
    doc["relations"] = rels + extra
    with open(dst, "w", encoding="utf-8") as f:
        json.dump(doc, f)


# ------------------------------------------------------------ combinations


def pairwise(factors, seed=1):
    """Rows (one level index per factor) in which every pair of levels of
    every two factors appears at least once; greedy and deterministic."""
    rnd = random.Random(seed)
    uncovered = {(i, a, j, b) for i, j in itertools.combinations(range(len(factors)), 2)
                 for a in range(len(factors[i])) for b in range(len(factors[j]))}

    def pairs(row):
        return {(i, row[i], j, row[j]) for i, j in itertools.combinations(range(len(row)), 2)}

    rows = []
    while uncovered:
        best, best_n = None, -1
        todo = sorted(uncovered)
        for _ in range(20):
            i, a, j, b = rnd.choice(todo)
            row = [None] * len(factors)
            row[i], row[j] = a, b
            rest = [k for k in range(len(factors)) if row[k] is None]
            rnd.shuffle(rest)
            for k in rest:
                def gain(level):
                    return sum(1 for q in range(len(factors)) if row[q] is not None and
                               ((min(k, q), level if k < q else row[q], max(k, q),
                                 row[q] if k < q else level) in uncovered))
                levels = list(range(len(factors[k])))
                rnd.shuffle(levels)
                row[k] = max(levels, key=gain)
            n = len(pairs(row) & uncovered)
            if n > best_n:
                best, best_n = row, n
        rows.append(best)
        uncovered -= pairs(best)
    return rows


def combinations(windows):
    ties = [None] + list(VOCABULARY) + ["other", "participates_in,coordinates,initiated", "employed_by,leads,other"]
    excl = [None] + list(KINDS) + ["project,funder"]
    factors = [windows, ties, excl, ["full", "organisations"], [False, True]]
    out = []
    for w, t, x, m, wt in pairwise(factors):
        args = list(windows[w][1])
        if factors[1][t]:
            args += ["--ties", factors[1][t]]
        if factors[2][x]:
            args += ["--exclude-kind", factors[2][x]]
        args += ["--mode", factors[3][m]]
        if factors[4][wt]:
            args.append("--weights")
        out.append(args)
    return out


def options(args):
    """(mode, ties, exclude, window, weighted) of a command line."""
    mode, ties, excl = "full", None, set()
    for i, a in enumerate(args):
        if a == "--mode":
            mode = args[i + 1]
        elif a == "--ties":
            ties = set(args[i + 1].split(","))
        elif a == "--exclude-kind":
            excl |= set(args[i + 1].split(","))
    return mode, ties, excl, window_of(args), "--weights" in args


# Usage errors: each must exit 2 with a message, whatever the dataset.
USAGE_ERRORS = [["--from", "2020", "--to", "2010"], ["--from", "2019-02-29"], ["--to", "20"],
                 ["--from", "2016-13-01", "--mode", "organisations"], ["--ties", "participates_in,"],
                 ["--ties", "cooperates"], ["--exclude-kind", "region"], ["--exclude-kind", ""],
                 ["--mode", "people"], ["--from", "2015", "--to", "2014-12-31", "--weights"]]


def usage_error(args):
    return args in USAGE_ERRORS


# ------------------------------------------------------------------ checks


class Tally:
    def __init__(self, label):
        self.label = label
        self.passed = self.failed = 0
        self.lines = []

    def ok(self, what, cond, detail=""):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            self.lines.append("FAIL %s: %s %s" % (self.label, what, detail))
        return cond

    def values(self, what, got, want, rtol=RTOL, atol=ATOL):
        bad = []
        for k, b in want.items():
            a = got.get(k, "missing")
            if a is None or b is None or a == "missing":
                if a != b:
                    bad.append((k, a, b))
            elif abs(a - b) > atol + rtol * abs(b):
                bad.append((k, a, b))
        return self.ok(what, not bad, "(%d of %d actors differ, e.g. %s)" % (len(bad), len(want), bad[:3]))


def run(args, timeout=600):
    p = subprocess.run([KLUSTER] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def brief(err):
    """The first lines of kluster's stderr, on one line."""
    return " | ".join(err.strip().splitlines()[:2])[:300]


def clean_stderr(err):
    return "igraph" not in err.lower() and "Sanitizer" not in err and "runtime error" not in err


def path_cost(G, weighted):
    cost = 0
    for comp in nx.connected_components(G):
        if len(comp) > 1:
            cost += len(comp) * (len(comp) + G.subgraph(comp).number_of_edges())
    if weighted:
        exact = any(isinstance(d.get("dist"), type(d["exact"])) for _, _, d in G.edges(data=True))
        cost *= 15 if exact else 5
    return cost


def path_oracle(G, region, dist):
    """Betweenness, harmonic and irb of every actor (analyze_oracle's fused
    NetworkX pass, cached on disk), isolated actors left out of the pass."""
    H = G.subgraph([v for v in G if G.degree(v) > 0])
    pm = ao.cached("paths", H, region, dist, ao.path_metrics_fused) if H.number_of_nodes() else {}
    return {k: {v: pm.get(k, {}).get(v, 0.0) for v in G} for k in ("betweenness", "harmonic", "irb")}


def check_output(t, out, G, region, dist, full_paths):
    actors = out["actors"]
    A = {a["id"]: a for a in actors}
    g = out["graph"]
    ids = [a["id"] for a in actors]
    t.ok("actors = the graph's actors, sorted by id",
         ids == sorted(G, key=lambda s: s.encode("utf-8")), "(%d vs %d)" % (len(ids), G.number_of_nodes()))
    if set(ids) != set(G):
        return
    t.ok("regions after inheritance", all(A[v]["region"] == region.get(v) for v in G),
         str([(v, A[v]["region"], region.get(v)) for v in G if A[v]["region"] != region.get(v)][:3]))
    kl = {(u, v): w for u, v, w in out["ties"]}
    ref = {(min(u, v), max(u, v)): d["weight"] for u, v, d in G.edges(data=True)}
    t.ok("ties", set(kl) == set(ref), "(%d vs %d; missing %s, extra %s)" % (
        len(kl), len(ref), sorted(set(ref) - set(kl))[:3], sorted(set(kl) - set(ref))[:3]))
    t.ok("tie weights", all(abs(kl[e] - w) <= 1e-12 * w for e, w in ref.items() if e in kl),
         str([(e, kl[e], w) for e, w in ref.items() if e in kl and abs(kl[e] - w) > 1e-12 * w][:3]))
    comps = ao.smallest_first_partition(nx.connected_components(G))
    counts = {"nodes": G.number_of_nodes(), "edges": G.number_of_edges(), "components": len(comps),
              "largest_component": max((len(c) for c in comps), default=0),
              "isolated": sum(1 for v in G if G.degree(v) == 0)}
    t.ok("graph counts", all(g[k] == x for k, x in counts.items()),
         str({k: (g[k], x) for k, x in counts.items() if g[k] != x}))
    comp_of = {v: i for i, c in enumerate(comps) for v in c}
    t.ok("component", all(A[v]["component"] == comp_of[v] for v in G))
    t.values("degree", {v: A[v]["degree"] for v in G}, dict(G.degree()), 0, 0)
    t.values("strength", {v: A[v]["strength"] for v in G}, dict(G.degree(weight="weight")), 1e-12, 1e-12)
    t.values("coreness", {v: A[v]["coreness"] for v in G}, nx.core_number(G), 0, 0)
    art = set(nx.articulation_points(G))
    t.ok("articulation", all(A[v]["articulation"] == (v in art) for v in G))

    # region mixing: regions reached, participation, E-I index
    reached, part, ei = {}, {}, {}
    for v in G:
        nb = [region[u] for u in G[v] if region[u]]
        regs = set(nb) | ({region[v]} if region[v] else set())
        reached[v] = len(regs)
        part[v] = 1 - sum((nb.count(r) / len(nb)) ** 2 for r in set(nb)) if nb else None
        ei[v] = (len(nb) - 2 * nb.count(region[v])) / len(nb) if region[v] and nb else None
    t.values("regions_reached", {v: A[v]["regions_reached"] for v in G}, reached, 0, 0)
    t.values("participation_region", {v: A[v]["participation_region"] for v in G}, part, 1e-12, 1e-12)
    t.values("ei_index", {v: A[v]["ei_index"] for v in G}, ei, 1e-12, 1e-12)

    # shortest paths
    if full_paths:
        pm = path_oracle(G, region, dist)
        t.values("betweenness", {v: A[v]["betweenness"] for v in G}, pm["betweenness"])
        t.values("harmonic", {v: A[v]["harmonic"] for v in G}, pm["harmonic"])
        t.values("irb", {v: A[v]["irb"] for v in G}, pm["irb"])
        P = ao.cross_region_pairs(G, region)
        t.ok("graph.cross_region_pairs", g["cross_region_pairs"] == P, "(%s vs %s)" % (g["cross_region_pairs"], P))
        t.values("irb_share", {v: A[v]["irb_share"] for v in G},
                 {v: (pm["irb"][v] / P if P else None) for v in G})
    else:
        busy = sorted((v for v in G if G.degree(v) > 0), key=lambda s: s.encode("utf-8"))
        sample = busy[::max(1, len(busy) // SAMPLE)][:SAMPLE]
        want = {}
        for v in sample:
            d = nx.single_source_dijkstra_path_length(G, v, weight=dist) if dist else \
                nx.single_source_shortest_path_length(G, v)
            want[v] = float(sum(1 / x for u, x in d.items() if u != v))
        t.values("harmonic (sample)", {v: A[v]["harmonic"] for v in sample}, want)

    # communities
    t.ok("community numbering", ao.numbering_ok(actors, "community"))
    parts = {}
    for a in actors:
        parts.setdefault(a["community"], set()).add(a["id"])
    t.ok("communities partition the actors", all(isinstance(c, int) for c in parts) and
         sum(len(p) for p in parts.values()) == G.number_of_nodes() and g["communities"] == len(parts))
    if G.number_of_edges():
        q = nx.community.modularity(G, list(parts.values()), weight="weight")
        t.ok("modularity", g["modularity"] is not None and abs(g["modularity"] - q) <= 1e-9 + 1e-9 * abs(q),
             "(%r vs %r)" % (g["modularity"], q))
    else:
        t.ok("modularity null without ties", g["modularity"] is None)


def extra_commands(t, dataset, args, tmp, which, first):
    """bridges, whatif --rank, render and export (those named in which) on
    the same options succeed; analyze again prints the same bytes (first)."""
    if "analyze" in which:
        rc, out, _ = run(["analyze", dataset] + args)
        t.ok("the same output twice", rc == 0 and out == first)
    render_args = [a for i, a in enumerate(args) if a in ("--from", "--to", "--mode") or
                   (i and args[i - 1] in ("--from", "--to", "--mode"))]
    dot, graphml = os.path.join(tmp, "x.dot"), os.path.join(tmp, "x.graphml")
    for name, cmd, fmt in (("bridges", ["bridges", dataset, "--format", "json"] + args, "json"),
                           ("whatif --rank", ["whatif", "--rank", dataset, "--format", "json"] + args, "json"),
                           ("render -o x.dot", ["render", dataset, "-o", dot] + render_args, dot),
                           ("render --region-map -o x.dot", ["render", dataset, "--region-map", "-o", dot] +
                            render_args, dot),
                           ("export -o x.graphml", ["export", dataset, "-o", graphml] + [
                               a for a in args if a != "--weights"], graphml)):
        if name.split()[0] not in which:
            continue
        rc, out, err = run(cmd)
        good = rc == 0 and clean_stderr(err)
        if good and fmt == "json":
            try:
                json.loads(out)
            except ValueError:
                good = False
        elif good:
            good = os.path.getsize(fmt) > 0
            os.remove(fmt)
        t.ok(name, good, "(exit %d: %s)" % (rc, brief(err)))


def check_group(job):
    """One distinct analysis graph and every combination that yields it."""
    name, dataset, rows, G, region, weighted, budget = GROUPS[job]
    cpu0 = cpu_times()
    results = []
    dist = add_distances(G) if weighted else None
    full_paths = path_cost(G, weighted) <= budget
    tmp = tempfile.mkdtemp(prefix="kluster-props-")
    try:
        for args, extras in rows:
            t = Tally("%s %s" % (name, " ".join(args)))
            t0 = time.time()
            rc, raw, err = run(["analyze", dataset] + args)
            if usage_error(args):
                t.ok("a usage error", rc == 2 and
                     err.startswith("kluster") and clean_stderr(err), "(exit %d: %s)" % (rc, brief(err)))
                results.append((t, None, time.time() - t0))
                continue
            if not t.ok("exit 0", rc == 0, "(exit %d: %s)" % (rc, brief(err))):
                results.append((t, True, time.time() - t0))
                continue
            t.ok("no igraph message or sanitizer report", clean_stderr(err), brief(err))
            try:
                out = json.loads(raw)
            except ValueError as e:
                t.ok("valid JSON", False, str(e))
                results.append((t, True, time.time() - t0))
                continue
            check_output(t, out, G, region, dist, full_paths)
            if extras:
                extra_commands(t, dataset, args, tmp, extras, raw)
            results.append((t, full_paths, time.time() - t0))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    cpu1 = cpu_times()
    return results, (cpu1[0] - cpu0[0], cpu1[1] - cpu0[1])


def cpu_times():
    """(CPU seconds of this process, of the kluster processes it ran)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


# -------------------------------------------------------------------- main

GROUPS = []


def graph_key(G, weighted):
    return (weighted, tuple(sorted(G)), tuple(sorted((min(u, v), max(u, v), d["exact"])
                                                     for u, v, d in G.edges(data=True))))


def plan(datasets):
    """GROUPS: one entry per (dataset, distinct graph, weighted)."""
    index = {}
    for name, path, rows, budget, extras in datasets:
        ds = Dataset(path)
        for ri, args in enumerate(rows):
            weighted = "--weights" in args
            if usage_error(args):
                G = nx.Graph()  # no graph
            else:
                mode, ties, excl, window, weighted = options(args)
                G = ds.graph(mode, ties, excl, window)
            key = (name, graph_key(G, weighted))
            if key not in index:
                index[key] = len(GROUPS)
                GROUPS.append((name, path, [], G, ds.region, weighted, budget))
            GROUPS[index[key]][2].append((args, extras if ri % EXTRA_EVERY == 0 else ()))


def main():
    t_start = time.time()
    cpu_start = time.process_time()
    gen = os.path.join(SHARED, "bench", "gen.py")
    no_csv = os.path.join(SHARED, "data", "norway-h2020-participations", "dataset.csv")
    cordis_csv = os.path.join(SHARED, "data", "cordis-h2020-participations", "h2020_participations.csv")
    for f in (gen, no_csv, cordis_csv):
        if not os.path.isfile(f):
            sys.exit("test_properties.py: the shared data is missing: expected %s "
                     "(clone kluster beside shared/, or set SHARED)" % f)
    tmp = tempfile.mkdtemp(prefix="kluster-props-")
    try:
        no, cordis = os.path.join(tmp, "no"), os.path.join(tmp, "cordis")
        for m, csv, out in (("norway-h2020", no_csv, no), ("cordis-h2020", cordis_csv, cordis)):
            rc, _, err = run(["import", "-q", "--map", os.path.join(ROOT, "loaders", "maps", m + ".json"), csv,
                              "-o", out])
            if rc != 0:
                sys.exit("test_properties.py: kluster import %s failed: %s" % (m, err[:500]))
        g150, gen_aug = os.path.join(tmp, "gen150.json"), os.path.join(tmp, "gen150-mixed.json")
        subprocess.run([PYTHON, gen, "--orgs", "150", "--seed", "5", "--out", g150], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        augment_gen(g150, gen_aug)
        norway_windows = [("none", []), ("before", ["--to", "2013"]), ("after", ["--from", "2028"]),
                          ("year", ["--from", "2015", "--to", "2015"]),
                          ("inside", ["--from", "2018-01-01", "--to", "2018-06-30"]),
                          ("from only", ["--from", "2024"]), ("to only", ["--to", "2015-06-30"]),
                          ("day", ["--from", "2019-12-31", "--to", "2019-12-31"])]
        cleantech_windows = [("none", []), ("before", ["--to", "2010"]), ("after", ["--from", "2030"]),
                             ("year", ["--from", "2017", "--to", "2017"]),
                             ("inside", ["--from", "2016-06-01", "--to", "2018-06-30"]),
                             ("from only", ["--from", "2018"]), ("to only", ["--to", "2017-03-01"]),
                             ("day", ["--from", "2016-12-31", "--to", "2016-12-31"])]
        gen_windows = [("none", []), ("before", ["--to", "2005"]), ("after", ["--from", "2031"]),
                       ("year", ["--from", "2016", "--to", "2016"]),
                       ("inside", ["--from", "2012-03-01", "--to", "2014-09-30"]),
                       ("from only", ["--from", "2020"]), ("to only", ["--to", "2011"]),
                       ("day", ["--from", "2014-06-30", "--to", "2014-06-30"])]
        cordis_rows = [["--to", "2014-02-28"],
                       ["--from", "2026-06-01", "--mode", "organisations", "--weights"],
                       ["--to", "2013", "--ties", "coordinates"],
                       ["--from", "2014-01-01", "--to", "2014-04-30", "--ties", "participates_in", "--weights"],
                       ["--from", "2020-06-01", "--to", "2020-06-30", "--exclude-kind", "organisation"]]
        datasets = [
            ("norway", no, combinations(norway_windows) + USAGE_ERRORS, PATH_BUDGET, EXTRAS),
            ("cleantech-se", os.path.join(ROOT, "datasets", "cleantech-se"),
             combinations(cleantech_windows) + USAGE_ERRORS[:3], PATH_BUDGET, EXTRAS),
            ("gen150-mixed", gen_aug, combinations(gen_windows) + USAGE_ERRORS[:3], PATH_BUDGET, EXTRAS),
            # 67k actors: render and export write tens of megabytes, slowly under the sanitizers
            ("cordis", cordis, cordis_rows, PATH_BUDGET, ("bridges", "whatif")),
        ]
        plan(datasets)
        cpu_plan = time.process_time() - cpu_start
        # the longest first, so that the two workers finish together
        order = sorted(range(len(GROUPS)), key=lambda i: -(path_cost(GROUPS[i][3], False) + 1000 * len(GROUPS[i][2]) +
                                                           100 * GROUPS[i][3].number_of_nodes()))
        with Pool(2) as pool:
            done = list(pool.imap_unordered(check_group, order))
        results = [r for rs, _ in done for r in rs]
        if os.environ.get("VERBOSE"):  # where the time goes, biggest first
            for rs, (py, kl) in sorted(done, key=lambda d: -sum(d[1]))[:15]:
                print("  CPU %5.1f s NetworkX and checks, %5.1f s kluster: %d rows like %s" % (
                    py, kl, len(rs), rs[0][0].label))
        cpu_py, cpu_kl = sum(c[0] for _, c in done), sum(c[1] for _, c in done)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    passed = sum(t.passed for t, _, _ in results)
    failed = sum(t.failed for t, _, _ in results)
    for t, _, _ in sorted(results, key=lambda r: r[0].label):
        for line in t.lines:
            print(line)
    full = sum(1 for _, f, _ in results if f)
    sampled = sum(1 for _, f, _ in results if f is False)
    usage = sum(1 for _, f, _ in results if f is None)
    slow = max(results, key=lambda r: r[2])
    print("%d distinct graphs; path metrics on every actor in %d combinations, harmonic on a sample in %d; "
          "%d usage errors; slowest %s (%.1f s); %.1f s in all, CPU %.1f s reading the datasets, "
          "%.1f s in NetworkX and checks, %.1f s in kluster" % (
              len(GROUPS), full, sampled, usage, slow[0].label, slow[2], time.time() - t_start, cpu_plan, cpu_py,
              cpu_kl))
    print("properties: %d combinations, %d checks passed%s" % (
        len(results), passed, ", %d FAILED" % failed if failed else ""))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
