#!/usr/bin/python3
"""tests/oracle/test_brokerage.py - checks analysis/brokerage.c against R's sna::brokerage.

  test_brokerage.py [--cases N] [--seed S] [--keep DIR]

Random small extracts (random kinds and regions, regionless and inheriting
persons, directed vocabulary types, reciprocal arcs, partner_of and unknown
types, self-loops, dated relations; some cases with a time window, --ties, or
organisations mode) are written as JSON, run through
tests/unit/brokerage_driver, and compared with sna::brokerage(adjacency,
regions) on the subgraph of actors with a region, computed here from the
extract (an independent reading of docs/metrics.md's ties and arcs).  Each
case runs directed and undirected (brokerage_undirected: every tie both
ways, sna's counts and expectations halved, z unchanged, representative and
gatekeeper merged).  Counts, expected values and z must agree to 1e-9
relative; NaN/Inf in R must be null (nan) in kluster.  Then hand-worked
cases: tests/unit/brokerage/fixture.json counted by hand.

All R work happens in one Rscript run.  Needs Debian r-base-core and
r-cran-sna; without Rscript the random cases are skipped (the hand-worked
cases still run) and the last line says so.
"""
import json, math, os, random, shutil, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
from oracle_common import unit_driver  # noqa: E402

REL = 1e-9
ROLES = ["coordinator", "itinerant", "representative", "gatekeeper", "liaison", "total"]
DIRECTED = {"member_of", "employed_by", "leads", "participates_in", "coordinates", "funds", "initiated"}
VOCAB = sorted(DIRECTED | {"partner_of"})
UNKNOWN = ["advises", "spun_off"]

passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL", what)


# ------------------------------------------------------------------ driver

def run_driver(exe, path, args):
    p = subprocess.run([exe, path] + args, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("brokerage_driver %s %s: exit %d: %s" % (path, " ".join(args), p.returncode, p.stderr))
    rows = {}
    for line in p.stdout.splitlines():
        f = line.split("\t")
        nums = [float(x) for x in f[3:]]
        rows[f[0]] = {"region": None if f[1] == "-" else f[1], "in": f[2] == "1",
                      "count": nums[0:6], "expected": nums[6:12], "z": nums[12:18]}
    return rows


# --------------------------------------------------------- random extracts

def gen_case(rng, k, n=None):
    n = n or (rng.randint(3, 16) if rng.random() < 0.9 else rng.randint(30, 60))
    n_regions = rng.randint(1, 4)
    ents = []
    for i in range(n):
        kind = rng.choices(["organisation", "person", "project", "funder"], [6, 3, 2, 1])[0]
        e = {"id": "e%02d" % i, "kind": kind, "name": "E%d" % i}
        if rng.random() < (0.5 if kind == "person" else 0.8):
            e["region"] = "R%d" % rng.randrange(n_regions)
        ents.append(e)
    rels, seen = [], set()
    n_rel = rng.randint(0, 3 * n)
    for i in range(n_rel):
        s, t = rng.randrange(n), rng.randrange(n)
        if s == t and rng.random() < 0.8:
            continue
        typ = rng.choices([VOCAB, UNKNOWN], [9, 1])[0]
        typ = rng.choice(typ)
        pairs = [(s, t)]
        if typ in DIRECTED and rng.random() < 0.25:
            pairs.append((t, s))  # a reciprocal arc of the same type
        for (a, b) in pairs:
            if (a, b, typ) in seen:
                continue
            seen.add((a, b, typ))
            r = {"source": ents[a]["id"], "target": ents[b]["id"], "type": typ,
                 # distinct weights: the employer a person inherits its region
                 # from is never a tie (docs/metrics.md's tie-break not needed)
                 "weight": 1 + len(rels) / 64}
            if rng.random() < 0.3:
                y0 = rng.randint(2010, 2022)
                if rng.random() < 0.7:
                    r["start"] = str(y0)
                if rng.random() < 0.6:
                    r["end"] = str(y0 + rng.randint(0, 5))
            rels.append(r)
    opts = {"mode": "full", "from": None, "to": None, "ties": None}
    if rng.random() < 0.2:
        opts["mode"] = "organisations"
    if rng.random() < 0.25:
        a = rng.randint(2010, 2024)
        opts["from"], opts["to"] = a, a + rng.randint(0, 4)
    if rng.random() < 0.15:
        opts["ties"] = rng.sample(VOCAB, rng.randint(2, 6))
    regions = [{"id": "R%d" % i} for i in range(n_regions)]
    doc = {"format": "collab-extract/1", "dataset": {"id": "brokerage-%d" % k}, "regions": regions,
           "entities": ents, "relations": rels}
    return doc, opts


def actor_regions(doc):
    """docs/metrics.md: own region; a person without one takes the region of
    the employer with the largest summed employed_by weight (weights are
    distinct here, so no tie-break is needed)."""
    ent = {e["id"]: e for e in doc["entities"]}
    reg = {e["id"]: e.get("region") for e in doc["entities"]}
    for e in doc["entities"]:
        if e["kind"] != "person" or e.get("region"):
            continue
        w = {}
        for r in doc["relations"]:
            if r["type"] == "employed_by" and r["source"] == e["id"] and r["target"] != e["id"] \
                    and ent[r["target"]].get("region"):
                w[r["target"]] = w.get(r["target"], 0) + r.get("weight", 1)
        if w:
            reg[e["id"]] = ent[max(w, key=lambda x: w[x])]["region"]
    return reg


def kept(r, opts):
    if opts["ties"] is not None and r["type"] not in opts["ties"]:
        return False
    if opts["from"] is not None:
        s = int(r["start"]) if "start" in r else -10**9
        e = int(r["end"]) if "end" in r else 10**9
        return s <= opts["to"] and e >= opts["from"]
    return True


def arcs_of(doc, opts, undirected):
    """(vertices sorted by id, {id: region}, set of arcs) of the whole analysis graph."""
    kind = {e["id"]: e["kind"] for e in doc["entities"]}
    rels = [r for r in doc["relations"] if kept(r, opts) and r["source"] != r["target"]]
    arcs = set()
    if opts["mode"] == "full":
        verts = set(kind)
        for r in rels:
            arcs.add((r["source"], r["target"]))
            if undirected or r["type"] not in DIRECTED:
                arcs.add((r["target"], r["source"]))
    else:
        verts = {x for x in kind if kind[x] == "organisation"}
        groups = {}
        for r in rels:
            s, t = r["source"], r["target"]
            if r["type"] in ("participates_in", "coordinates", "initiated") \
                    and kind[s] == "organisation" and kind[t] == "project":
                groups.setdefault(t, set()).add(s)
            elif r["type"] in ("employed_by", "leads", "member_of") and kind[s] == "person" \
                    and kind[t] == "organisation":
                groups.setdefault(s, set()).add(t)
            elif kind[s] == "organisation" and kind[t] == "organisation":
                arcs.add((s, t))
                arcs.add((t, s))
        for members in groups.values():
            for a in members:
                for b in members:
                    if a != b:
                        arcs.add((a, b))
    return sorted(verts), {(a, b) for (a, b) in arcs if a in verts and b in verts}


def driver_args(opts, undirected):
    a = []
    if undirected:
        a.append("--undirected")
    if opts["mode"] == "organisations":
        a += ["--mode", "organisations"]
    if opts["from"] is not None:
        a += ["--from", str(opts["from"]), "--to", str(opts["to"])]
    if opts["ties"] is not None:
        a += ["--ties", ",".join(opts["ties"])]
    return a


# ------------------------------------------------------------------------ R

R_SCRIPT = r"""
suppressMessages(library(sna))
args <- commandArgs(trailingOnly = TRUE)
cases <- readLines(args[1])
fmt <- function(x) ifelse(is.nan(x) | is.infinite(x), "nan", sprintf("%.17g", x))
for (base in cases) {
  cl <- readLines(paste0(base, ".cl"))
  N <- length(cl)
  A <- matrix(scan(paste0(base, ".adj"), quiet = TRUE), N, N, byrow = TRUE)
  b <- brokerage(A, cl)
  out <- cbind(b$raw.nli, b$exp.nli, b$z.nli)
  lines <- apply(out, 1, function(r) paste(fmt(r), collapse = "\t"))
  writeLines(lines, paste0(base, ".out"))
}
"""


def rel_close(a, b):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= REL * max(abs(a), abs(b)) + 1e-300


def compare(name, got, want_rows, ids, undirected):
    """got: driver rows; want_rows: R's 18 numbers per subgraph actor."""
    for i, a in enumerate(ids):
        w = want_rows[i]
        cnt, ex, z = w[0:6], w[6:12], w[12:18]
        if undirected:
            # brokerage_undirected (docs/metrics.md): halve counts and
            # expectations, z as is, except representative_gatekeeper =
            # sna's b_IO on the symmetric input, not halved
            cnt = [c if j == 2 else c / 2 for j, c in enumerate(cnt)]
            ex = [e if j == 2 else e / 2 for j, e in enumerate(ex)]
            cnt[3] = ex[3] = z[3] = float("nan")
        g = got[a]
        for key, want in (("count", cnt), ("expected", ex), ("z", z)):
            for j in range(6):
                if not rel_close(g[key][j], want[j]):
                    print("  %s %s %s.%s: kluster %r, sna %r" % (name, a, key, ROLES[j], g[key][j], want[j]))
                    return False
    return True


def random_cases(exe, tmp, n_cases, seed):
    rng = random.Random(seed)
    jobs = []  # (name, driver rows, subgraph ids, R base, undirected)
    cases = []  # (label, doc, opts, path)
    fixture = os.path.join(ROOT, "tests/unit/brokerage/fixture.json")
    with open(fixture) as f:
        fdoc = json.load(f)
    for opts in ({"mode": "full", "from": None, "to": None, "ties": None},
                 {"mode": "full", "from": 2018, "to": 2100, "ties": None},
                 {"mode": "organisations", "from": None, "to": None, "ties": None}):
        cases.append(("fixture", fdoc, opts, fixture))
    for k in range(n_cases):
        doc, opts = gen_case(rng, k)
        path = os.path.join(tmp, "case%03d.json" % k)
        with open(path, "w") as f:
            json.dump(doc, f)
        cases.append(("random %d" % k, doc, opts, path))
    # one graph large enough for kluster to count two-paths on several threads
    doc, opts = gen_case(rng, n_cases, n=2000)
    path = os.path.join(tmp, "big.json")
    with open(path, "w") as f:
        json.dump(doc, f)
    cases.append(("random 2000 actors", doc, opts, path))
    for k, (label, doc, opts, path) in enumerate(cases):
        regions = actor_regions(doc)
        for undirected in (0, 1):
            name = "%s %s%s" % (label, "undirected" if undirected else "directed",
                                " " + " ".join(driver_args(opts, 0)) if driver_args(opts, 0) else "")
            got = run_driver(exe, path, driver_args(opts, undirected))
            verts, arcs = arcs_of(doc, opts, undirected)
            sub = [v for v in verts if regions[v]]
            ok = sorted(got) == verts and all(got[v]["region"] == regions[v] and got[v]["in"] == bool(regions[v])
                                              for v in verts)
            check(ok, "%s: vertices or regions differ" % name)
            if not ok:
                continue
            # outside the subgraph: count 0, expected and z null
            outside_ok = all(all(c == 0 or (undirected and j == 3 and math.isnan(c))
                                 for j, c in enumerate(got[v]["count"])) and
                             all(math.isnan(x) for x in got[v]["expected"] + got[v]["z"])
                             for v in verts if not regions[v])
            check(outside_ok, "%s: values outside the subgraph" % name)
            if not sub:
                continue
            base = os.path.join(tmp, "r%03d_%d" % (k, undirected))
            with open(base + ".cl", "w") as f:
                f.write("".join(regions[v] + "\n" for v in sub))
            with open(base + ".adj", "w") as f:
                for a in sub:
                    f.write(" ".join("1" if (a, b) in arcs else "0" for b in sub) + "\n")
            jobs.append((name, got, sub, base, undirected))
    with open(os.path.join(tmp, "cases.txt"), "w") as f:
        f.write("".join(j[3] + "\n" for j in jobs))
    with open(os.path.join(tmp, "brokerage.R"), "w") as f:
        f.write(R_SCRIPT)
    subprocess.run(["Rscript", os.path.join(tmp, "brokerage.R"), os.path.join(tmp, "cases.txt")], check=True)
    seen = [0] * 6
    nan_z = 0
    for name, got, sub, base, undirected in jobs:
        with open(base + ".out") as f:
            want = [[float(x) for x in line.split("\t")] for line in f.read().splitlines()]
        check(len(want) == len(sub) and compare(name, got, want, sub, undirected), "%s: compared with sna" % name)
        for w in want:
            seen = [s + (w[j] > 0) for j, s in enumerate(seen)]
            nan_z += sum(math.isnan(x) for x in w[12:18])
    print("sna runs: %d with a subgraph (%d organisations mode, %d windowed, %d with --ties); "
          "actors with a non-zero %s; %d NaN z" % (
              len(jobs), sum(j[0].find("organisations") > 0 for j in jobs), sum(j[0].find("--from") > 0 for j in jobs),
              sum(j[0].find("--ties") > 0 for j in jobs),
              ", ".join("%s %d" % (r, c) for r, c in zip(ROLES, seen)), nan_z))
    return len(jobs)


# --------------------------------------------------------------- hand-worked

def hand_cases(exe):
    """tests/unit/brokerage/fixture.json: N = {a1, a2, a3}, S = {b1, b2, h1
    (person, inherits S from employer b1)}, W = {c1}; p1 is a regionless
    project.  Arcs: a1->a2, a2->a3, a3->a1, a2->b1, b2->a2, c1->a2,
    c1->a3 (ends 2015), h1<->a2 (unknown type "advises": both ways),
    h1->b1; b1->p1 and c1->p1 leave the subgraph.
    Broker a2: in {a1, b2, c1, h1}, out {a3, b1, h1}:
      a1-a3 coordinator (a3->a1 exists but does not block), a1-b1, a1-h1
      representative, b2-a3, h1-a3 gatekeeper, b2-b1, b2-h1 itinerant,
      c1-b1, c1-h1 liaison; c1-a3 blocked by c1->a3, h1-b1 by h1->b1.
    Broker a1: a3->a1->a2 coordinator.  Broker a3: a2->a3->a1 coordinator,
    c1->a3->a1 gatekeeper.  Nobody else brokers.
    Density d = 10 / (7 * 6) = 5/21, p = d^2 (1 - d) = 400/9261; group N
    (n = 3, N = 7): E = p * (2, 6, 8, 8, 6, 30).
    With --from 2018 the arc c1->a3 goes: a2 gains the gatekeeper c1-a3, a3
    loses its gatekeeper; d = 9/42.
    Undirected (9 ties, d = 18/42 = 3/7, p = 36/343): a2's neighbours a1,
    a3 (N), b1, b2, h1 (S), c1 (W) with a1-a3, a3-c1, b1-h1 closed: 2
    itinerant (b1-b2, b2-h1), 7 representative/gatekeeper, 3 liaison; a3:
    a1-c1 one representative/gatekeeper; others 0.  Expected, halved: p * (1,
    3, 8, -, 3, 15)."""
    path = os.path.join(ROOT, "tests/unit/brokerage/fixture.json")
    nan = float("nan")
    p = 400 / 9261
    p9 = (9 / 42) ** 2 * (1 - 9 / 42)
    pu = 36 / 343
    zero = [0.0] * 6
    cases = [
        ("hand directed", [], p, [2, 6, 8, 8, 6, 30],
         {"a1": [1, 0, 0, 0, 0, 1], "a2": [1, 2, 2, 2, 2, 9], "a3": [1, 0, 0, 1, 0, 2],
          "b1": zero, "b2": zero, "c1": zero, "h1": zero}),
        ("hand window", ["--from", "2018"], p9, [2, 6, 8, 8, 6, 30],
         {"a1": [1, 0, 0, 0, 0, 1], "a2": [1, 2, 2, 3, 2, 10], "a3": [1, 0, 0, 0, 0, 1],
          "b1": zero, "b2": zero, "c1": zero, "h1": zero}),
        # the merged representative_gatekeeper is sna's b_IO on the
        # symmetric input, not halved (docs/metrics.md): the 7 and 1 unordered
        # paths with one end in the broker's region, so the roles add up to
        # the total
        ("hand undirected", ["--undirected"], pu, [1, 3, 8, nan, 3, 15],
         {"a1": [0, 0, 0, nan, 0, 0], "a2": [0, 2, 7, nan, 3, 12], "a3": [0, 0, 1, nan, 0, 1],
          "b1": [0, 0, 0, nan, 0, 0], "b2": [0, 0, 0, nan, 0, 0], "c1": [0, 0, 0, nan, 0, 0],
          "h1": [0, 0, 0, nan, 0, 0]}),
    ]
    for name, args, pp, coef, counts in cases:
        got = run_driver(exe, path, args)
        ok = sorted(got) == ["a1", "a2", "a3", "b1", "b2", "c1", "h1", "p1"] and not got["p1"]["in"]
        ok = ok and got["h1"]["region"] == "S"
        for a, want in counts.items():
            ok = ok and all(rel_close(x, float(y)) for x, y in zip(got[a]["count"], want))
        for a in ("a1", "a2", "a3"):
            ok = ok and all(rel_close(x, pp * c) for x, c in zip(got[a]["expected"], coef))
        # every role's count sums to the total, in both readings
        for a in counts:
            c = got[a]["count"]
            ok = ok and c[5] == sum(x for x in c[:5] if not math.isnan(x))
        check(ok, "%s: hand-worked counts and expectations" % name)


def main():
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=120)
    ap.add_argument("--seed", type=int, default=20240611)
    ap.add_argument("--keep", help="keep the extracts and R files in this folder")
    a = ap.parse_args()
    exe = unit_driver("brokerage_driver")
    hand_cases(exe)
    skipped = ""
    if shutil.which("Rscript") is None:
        skipped = "skipped: Rscript not found"
    elif subprocess.run(["Rscript", "-e", "suppressMessages(library(sna))"], capture_output=True).returncode:
        skipped = "skipped: R package sna not found"
    if skipped:
        print("%s: random cases against sna::brokerage need Debian r-base-core r-cran-sna" % skipped)
    else:
        tmp = a.keep or tempfile.mkdtemp(prefix="kl-brokerage-")
        os.makedirs(tmp, exist_ok=True)
        try:
            random_cases(exe, tmp, a.cases, a.seed)
        finally:
            if not a.keep:
                shutil.rmtree(tmp, ignore_errors=True)
    print("brokerage oracle: %d passed, %d failed%s" % (passed, failed, "; " + skipped if skipped else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
