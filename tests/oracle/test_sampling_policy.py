#!/usr/bin/python3
"""tests/oracle/test_sampling_policy.py - one sampling policy for every command.

Betweenness, irb and region-pair brokers are sampled when exact betweenness
would cost more than n m = 5e10 actor x tie products; every command that
computes them (analyze, bridges, render, batch, diff, export --metrics) asks
the same policy, so the same dataset, options and seed give the same numbers
whichever command prints them.  KLUSTER_EXACT_LIMIT lowers the limit so that a
gen.py dataset of a few hundred actors is above it.  Checked:

  - with the limit lowered: each command prints the same note on standard
    error; analyze --format json, batch's analysis.json, diff (the same
    dataset on both sides, and analyze's JSON against the dataset) and
    export --metrics (CSV) give the same per-actor betweenness, irb and
    irb_share, bit for bit; bridges' irb is analyze's; render --top draws the
    top actors by analyze's irb and says the values are sampled, with a DOT
    byte-identical to an explicit --epsilon 0.01 --delta 0.1;
  - the sampled values are real estimates: within epsilon n(n-1)/2 (irb:
    epsilon P) of NetworkX's exact values, and --exact gives those values
    with no note;
  - the region pairs' broker rule (W m) follows the same override: 20
    pairs get brokers instead of every connected pair;
  - a batch run again with another limit is redone, not 'unchanged';
  - KLUSTER_EXACT_LIMIT that is not a number >= 0 is a usage error (exit 2);
  - an --epsilon that needs more than 1e7 pairs is exact instead when n m
    allows (the same bytes as --exact), else refused with an epsilon that fits;
  - without the variable, the same small dataset stays exact in every
    command: no note, graph.sampled null, betweenness = NetworkX's.

Last line: "sampling policy oracle: N passed, M failed"; exit 1 on a failure.
"""
import csv
import json
import os
import re
import subprocess
import sys
import tempfile

from oracle_common import Tally, cross_pairs, exact, graph_of

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
SHARED = os.environ.get("SHARED", os.path.join(ROOT, "..", "shared"))
GEN = os.path.join(SHARED, "bench", "gen.py")
KLUSTER = os.path.abspath(os.environ.get("KLUSTER", os.path.join(ROOT, "kluster")))
EPS, DELTA = 0.01, 0.1  # the policy's automatic guarantee
LIMIT = "1e5"           # the gen.py --orgs 300 graph has n m of about 6e5
NOTE = re.compile(r"^kluster (\S+): (?:(\S+): )?note: (\d+) actors and (\d+) ties are too many for exact "
                  r"betweenness; sampling shortest paths \(epsilon 0\.01, delta 0\.1; --exact to insist\)$", re.M)

tally = Tally()
check = tally.check


def run(args, limit=None, ok=True):
    env = dict(os.environ)
    env.pop("KLUSTER_EXACT_LIMIT", None)
    if limit is not None:
        env["KLUSTER_EXACT_LIMIT"] = limit
    p = subprocess.run([KLUSTER] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=600)
    if ok and p.returncode != 0:
        raise RuntimeError("kluster %s: exit %d: %s" % (" ".join(args), p.returncode, p.stderr.decode()[:500]))
    return p


def notes(p):
    """(command, dataset id or None, actors, ties) of every sampling note on stderr."""
    return [(m.group(1), m.group(2), int(m.group(3)), int(m.group(4))) for m in NOTE.finditer(p.stderr.decode())]


def per_actor(doc, keys=("betweenness", "irb", "irb_share")):
    return {a["id"]: tuple(a[k] for k in keys) for a in doc["actors"]}


def exact_values(doc):
    """NetworkX's betweenness and irb (hops) on the analysis graph in analyze's JSON, and P."""
    G, region = graph_of(doc)
    bc, irb = exact(G, region, None)
    return bc, irb, cross_pairs(G, region)


def export_values(path):
    with open(path, newline="", encoding="utf-8") as f:
        return {r["id"]: (float(r["betweenness"]), float(r["irb"]), float(r["irb_share"]) if r["irb_share"] else None)
                for r in csv.DictReader(f)}


def diff_unchanged(p):
    """Nothing added or removed, and every broker (diff --top 100000: every
    actor with irb > 0) keeps its rank and its irb_share, bit for bit."""
    d = json.loads(p.stdout)
    empty = all(d[k] == [] for k in ("actors_added", "actors_removed", "ties_added", "ties_removed",
                                     "ties_reweighted", "region_pairs_connected", "region_pairs_disconnected"))
    moved = [b for b in d["brokers"] if b["old_rank"] != b["new_rank"] or b["old_irb_share"] != b["new_irb_share"]]
    return empty and len(d["brokers"]) > 20 and not moved, d


def top_by_irb(doc, k):
    ranked = sorted(doc["actors"], key=lambda a: (-a["irb"], a["id"].encode("utf-8")))
    return sorted(a["name"] for a in ranked[:k])


def dot_labels(dot):
    """Node labels of a DOT file, without the '#k ' broker rank."""
    return sorted(re.sub(r"^#\d+ ", "", m) for m in re.findall(r'^\s+n\d+\s+\[[^\]]*?label="([^"]*)"', dot, re.M | re.S))


def sampled_everywhere(tmp, ds):
    """The limit lowered: every command samples, says so, and agrees."""
    p = run(["analyze", ds, "-q", "-o", os.path.join(tmp, "a.json")], LIMIT)
    doc = json.load(open(os.path.join(tmp, "a.json")))
    n, m = doc["graph"]["nodes"], doc["graph"]["edges"]
    check("analyze: -q silences the note", notes(p) == [])
    p = run(["analyze", ds], LIMIT)
    check("analyze: the note", notes(p) == [("analyze", None, n, m)], p.stderr.decode()[-300:])
    check("analyze: stdout = -o file", p.stdout == open(os.path.join(tmp, "a.json"), "rb").read())
    s = doc["graph"]["sampled"]
    check("analyze: graph.sampled pairs at the automatic guarantee",
          s is not None and s["method"] == "pairs" and s["epsilon"] == EPS and s["delta"] == DELTA, str(s))
    ref = per_actor(doc)

    # the numbers are estimates of the right thing
    bc, irb, P = exact_values(doc)
    worst_b = max(abs(doc_b - bc[v]) for v, (doc_b, _, _) in ref.items())
    worst_i = max(abs(doc_i - irb[v]) for v, (_, doc_i, _) in ref.items())
    check("sampled betweenness within epsilon n(n-1)/2 of NetworkX", worst_b <= EPS * n * (n - 1) / 2,
          "worst %g" % worst_b)
    check("sampled irb within epsilon P of NetworkX", P > 0 and worst_i <= EPS * P, "worst %g, P %d" % (worst_i, P))
    check("sampled betweenness is not exact (the switch happened)",
          any(abs(b - bc[v]) > 1e-6 * max(1, bc[v]) for v, (b, _, _) in ref.items()))

    # batch
    out = os.path.join(tmp, "batch")
    p = run(["batch", ds, "-o", out, "-j", "1"], LIMIT)
    ids = [d for d in os.listdir(out) if os.path.isdir(os.path.join(out, d))]
    bdoc = json.load(open(os.path.join(out, ids[0], "analysis.json")))
    check("batch: the note, with the dataset id", notes(p) == [("batch", ids[0], n, m)], p.stderr.decode()[-300:])
    check("batch: analysis.json has analyze's betweenness, irb, irb_share", per_actor(bdoc) == ref)
    check("batch: analysis.json has analyze's graph.sampled", bdoc["graph"]["sampled"] == s)
    summary = json.load(open(os.path.join(out, "summary.json")))
    check("batch: summary says sampled", summary["datasets"][0].get("sampled") is True)
    p = run(["batch", ds, "-o", out, "-j", "1"], LIMIT)
    check("batch: same options again: unchanged", summary_status(out) == "unchanged", p.stderr.decode()[-200:])
    p = run(["batch", ds, "-o", out, "-j", "1"], "1e12")
    check("batch: another limit redoes the dataset", summary_status(out) == "ok", p.stderr.decode()[-200:])
    p = run(["batch", ds, "-o", out, "-j", "1"])
    check("batch: no limit: exact, no note", notes(p) == [] and
          json.load(open(os.path.join(out, ids[0], "analysis.json")))["graph"]["sampled"] is None)

    # diff: the dataset analysed on the spot is analyze's analysis
    p = run(["diff", ds, ds, "--format", "json", "--top", "100000"], LIMIT)
    same, _ = diff_unchanged(p)
    check("diff DATASET DATASET: two notes", notes(p) == [("diff", None, n, m)] * 2, p.stderr.decode()[-300:])
    check("diff DATASET DATASET: nothing changes", same)
    p = run(["diff", os.path.join(tmp, "a.json"), ds, "--format", "json", "--top", "100000"], LIMIT)
    same, d = diff_unchanged(p)
    check("diff analyze's JSON against the dataset: nothing changes", same, json.dumps(d)[:300])
    check("diff: one note, for the dataset", notes(p) == [("diff", None, n, m)])

    # export --metrics
    p = run(["export", ds, "--metrics", "-o", os.path.join(tmp, "e.csv")], LIMIT)
    check("export: the note", notes(p) == [("export", None, n, m)], p.stderr.decode()[-300:])
    ex = export_values(os.path.join(tmp, "e.nodes.csv"))
    check("export --metrics: analyze's betweenness, irb, irb_share", ex == ref)

    # bridges: its irb comes from the regions' sampler; the same pairs are drawn
    p = run(["bridges", ds, "--format", "json", "--top", "20"], LIMIT)
    check("bridges: the note", notes(p) == [("bridges", None, n, m)], p.stderr.decode()[-300:])
    br = json.loads(p.stdout)
    check("bridges: analyze's irb for its top actors",
          br["brokers"] and all(ref[b["id"]][1] == b["irb"] for b in br["brokers"]))
    # the brokers' work limit (W m) follows the same override: 20 pairs, not all
    connected = [x for x in br["region_pairs"] if x["connected"]]
    check("bridges: the lowered limit gives brokers to the 20 pairs with most links",
          len(connected) > 20 and sum(x["brokers"] is not None for x in connected) == 20,
          "%d connected" % len(connected))

    # render: the top actors by analyze's irb, and the footer says sampled
    dot = os.path.join(tmp, "r.dot")
    p = run(["render", ds, "--top", "20", "-o", dot], LIMIT)
    check("render: the note", notes(p) == [("render", None, n, m)], p.stderr.decode()[-300:])
    text = open(dot, encoding="utf-8").read()
    check("render --top 20: the top 20 by analyze's irb", dot_labels(text) == top_by_irb(doc, 20),
          "%s vs %s" % (dot_labels(text)[:5], top_by_irb(doc, 20)[:5]))
    check("render: the footer says sampled", "sampled shortest paths (epsilon 0.01)" in text)
    run(["render", ds, "--top", "20", "-o", os.path.join(tmp, "r2.dot"), "--epsilon", "0.01", "--delta", "0.1"])
    check("render: the automatic switch = explicit --epsilon 0.01 --delta 0.1",
          open(os.path.join(tmp, "r2.dot"), encoding="utf-8").read() == text)

    # --exact insists
    p = run(["analyze", ds, "--exact"], LIMIT)
    xdoc = json.loads(p.stdout)
    check("--exact: no note, graph.sampled null", notes(p) == [] and xdoc["graph"]["sampled"] is None)
    check("--exact: NetworkX's betweenness",
          all(abs(a["betweenness"] - bc[a["id"]]) <= 1e-9 * max(1, bc[a["id"]]) for a in xdoc["actors"]))
    p = run(["render", ds, "--top", "20", "-o", os.path.join(tmp, "r3.dot"), "--exact"], LIMIT)
    check("render --exact: no note, no 'sampled' footer",
          notes(p) == [] and "sampled" not in open(os.path.join(tmp, "r3.dot"), encoding="utf-8").read())
    return doc


def summary_status(out):
    return json.load(open(os.path.join(out, "summary.json")))["datasets"][0]["status"]


def exact_without_override(tmp, ds, doc_sampled):
    """No variable: the small dataset is exact in every command."""
    bc, irb, _ = exact_values(doc_sampled)
    p = run(["analyze", ds])
    doc = json.loads(p.stdout)
    check("no limit: analyze exact, no note", notes(p) == [] and "note:" not in p.stderr.decode() and
          doc["graph"]["sampled"] is None)
    check("no limit: analyze = NetworkX betweenness and irb",
          all(abs(a["betweenness"] - bc[a["id"]]) <= 1e-9 * max(1, bc[a["id"]]) and
              abs(a["irb"] - irb[a["id"]]) <= 1e-9 * max(1, irb[a["id"]]) for a in doc["actors"]))
    ref = per_actor(doc)
    for args in (["bridges", ds, "--format", "json"],
                 ["render", ds, "--top", "20", "-o", os.path.join(tmp, "x.dot")],
                 ["export", ds, "--metrics", "-o", os.path.join(tmp, "x.csv")],
                 ["diff", ds, ds]):
        p = run(args)
        check("no limit: %s prints no note" % args[0], "note:" not in p.stderr.decode(), p.stderr.decode()[-200:])
    check("no limit: export = analyze", export_values(os.path.join(tmp, "x.nodes.csv")) == ref)
    check("no limit: render's footer does not say sampled",
          "sampled" not in open(os.path.join(tmp, "x.dot"), encoding="utf-8").read())
    br = json.loads(run(["bridges", ds, "--format", "json"]).stdout)
    check("no limit: bridges' graph.sampled null", br["graph"]["sampled"] is None)
    check("no limit: brokers for every connected region pair",
          all(x["brokers"] is not None for x in br["region_pairs"] if x["connected"]))


def bad_limits(ds):
    for bad in ("abc", "-1", "1e400", "5x", "nan"):
        for cmd in (["analyze", ds], ["render", ds, "-T", "dot", "-o", "/dev/null"]):
            p = run(cmd, bad, ok=False)
            err = p.stderr.decode()
            check("KLUSTER_EXACT_LIMIT=%s %s: exit 2 with the reason" % (bad, cmd[0]),
                  p.returncode == 2 and "invalid KLUSTER_EXACT_LIMIT" in err, err[:200])
    p = run(["analyze", ds, "-q"], "")
    check("KLUSTER_EXACT_LIMIT empty: the default", p.returncode == 0 and
          json.loads(p.stdout)["graph"]["sampled"] is None)
    p = run(["analyze", ds, "-q"], "0")
    check("KLUSTER_EXACT_LIMIT=0: every graph with a tie is sampled",
          json.loads(p.stdout)["graph"]["sampled"]["method"] == "pairs")


def over_budget(ds):
    """An epsilon whose pair count is over the budget of 1e7 pairs: exact
    instead (the same bytes as --exact, and a note) when n m is within the
    limit; refused, naming the budget and an epsilon that fits, when not;
    that epsilon then runs.  The bound is worked out here: r = 0.5 / eps^2
    (floor(log2(n - 2)) + 1 + ln(2 / delta))."""
    import math
    for cmd in (["analyze"], ["bridges", "--format", "json"]):
        p = run(cmd + [ds, "--epsilon", "1e-9"])
        q = run(cmd + [ds, "--exact"])
        check("%s --epsilon 1e-9: exact, byte for byte" % cmd[0], p.stdout == q.stdout)
        check("%s --epsilon 1e-9: a note names the budget" % cmd[0],
              "note: --epsilon 1e-09 needs up to" in p.stderr.decode() and "over the budget of 1e+07; computing "
              "exactly instead" in p.stderr.decode(), p.stderr.decode()[-300:])
    p = run(["analyze", ds, "--epsilon", "1e-9"], LIMIT, ok=False)
    err = p.stderr.decode()
    n = json.loads(run(["analyze", ds, "--samples", "2"]).stdout)["graph"]["nodes"]
    need = 0.5e18 * (math.floor(math.log2(n - 2)) + 1 + math.log(20))
    fit = re.search(r"give --epsilon ([0-9.e+-]+) or larger, or --exact to insist$", err.strip())
    check("over budget and over the limit: refused, exit 1", p.returncode == 1 and p.stdout == b"", err[-300:])
    check("  the message names the count and the budget",
          ("needs up to %.2g pair samples, over the budget of 1e+07" % need) in err, err[-300:])
    if fit:
        e = float(fit.group(1))
        r = 0.5 / e ** 2 * (math.floor(math.log2(n - 2)) + 1 + math.log(20))
        # two digits rounded up: at most 10% above the exact bound
        check("  the epsilon it offers fits, and a tenth less would not", r <= 1e7 < 0.5 / (e / 1.1) ** 2 *
              (math.floor(math.log2(n - 2)) + 1 + math.log(20)), "%g: %g pairs" % (e, r))


def main():
    with tempfile.TemporaryDirectory() as tmp:
        ds = os.path.join(tmp, "gen300.json")
        subprocess.run(["/usr/bin/python3", GEN, "--orgs", "300", "--seed", "3", "--out", ds], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        doc = sampled_everywhere(tmp, ds)
        exact_without_override(tmp, ds, doc)
        bad_limits(ds)
        over_budget(ds)
    print("sampling policy oracle: %d passed, %d failed" % (tally.passed, tally.failed))
    sys.exit(1 if tally.failed else 0)


if __name__ == "__main__":
    main()
