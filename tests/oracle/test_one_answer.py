"""tests/oracle/test_one_answer.py - one dataset, one answer, whichever
command prints it.  On the shipped dataset and the Norwegian and CORDIS
imports, crossed with modes, --weights, a time window and --ties, every
command that prints a number computed by the pipeline must print the same
number as `kluster analyze`:

  - bridges: every region pair (connected, distance, links, actor_pairs,
    direct ties, brokers with their shares, cut actors) and every broker's
    irb and irb_share;
  - batch: analysis.json and actors.csv byte for byte as analyze writes
    them, region_pairs.csv as bridges writes it;
  - export --metrics: each actor's betweenness, irb and the other metrics in
    the GraphML file, read back by NetworkX;
  - whatif --rank: each actor's disconnects as bridges reports them;
  - diff of a dataset against its own analysis.json: no actor, tie or
    broker changes.
CORDIS runs sampled (--epsilon 0.05), so it also checks that the one
sampling policy gives every command the same sample.  Under the sanitizer
build CORDIS is left to the release pass (TEST_MODE)."""
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile

import networkx as nx

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tally import Tally  # noqa: E402

ROOT = os.environ.get("ROOT", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
KLUSTER = os.environ.get("KLUSTER", os.path.join(ROOT, "kluster"))
DATA = os.path.join(os.environ.get("SHARED", os.path.join(ROOT, "..", "shared")), "data")
T = Tally("one answer")

OPTION_SETS = [
    [],
    ["--mode", "organisations"],
    ["--weights"],
    ["--from", "2016", "--to", "2019"],
    ["--ties", "participates_in,coordinates,partner_of", "--weights", "--mode", "organisations"],
]


def run(*args):
    p = subprocess.run([KLUSTER] + list(args), capture_output=True, text=True, cwd=ROOT)
    if p.returncode != 0:
        raise RuntimeError("kluster %s: exit %d: %s" % (" ".join(args), p.returncode, p.stderr[-400:]))
    return p.stdout


def same_number(x, y):
    if x is None or y is None:
        return x is None and y is None
    return x == y or abs(x - y) <= 1e-12 * max(abs(x), abs(y))


def check_bridges(case, a, b):
    pairs_a = {(p["a"], p["b"]): p for p in a["region_pairs"]}
    pairs_b = {(p["a"], p["b"]): p for p in b["region_pairs"]}
    T.check("%s: bridges has analyze's region pairs" % case, pairs_a.keys() == pairs_b.keys(),
            sorted(set(pairs_a) ^ set(pairs_b))[:5])
    for k in sorted(pairs_a.keys() & pairs_b.keys()):
        T.check("%s: pair %s-%s the same in analyze and bridges" % (case, k[0], k[1]), pairs_a[k] == pairs_b[k],
                (pairs_a[k], pairs_b[k]))
    actors = {x["id"]: x for x in a["actors"]}
    for br in b["brokers"]:
        x = actors.get(br["id"])
        T.check("%s: broker %s irb as analyze's, bit for bit" % (case, br["id"]),
                x is not None and x["irb"] == br["irb"] and x["irb_share"] == br["irb_share"],
                (br, x and (x["irb"], x["irb_share"])))


def check_batch(case, path, opts, tmp, a_text, csv_text, pairs_csv):
    out = os.path.join(tmp, "batch")
    shutil.rmtree(out, ignore_errors=True)
    run("batch", "-q", "-j", "1", path, "-o", out, *opts)
    ids = [d for d in os.listdir(out) if os.path.isdir(os.path.join(out, d))]
    T.check("%s: batch made one dataset folder" % case, len(ids) == 1, ids)
    if len(ids) != 1:
        return
    d = os.path.join(out, ids[0])
    for name, want in (("analysis.json", a_text), ("actors.csv", csv_text), ("region_pairs.csv", pairs_csv)):
        with open(os.path.join(d, name), encoding="utf-8") as f:
            got = f.read()
        T.check("%s: batch's %s as the single command writes it" % (case, name), got == want,
                "%d vs %d bytes" % (len(got), len(want)))


def check_export(case, path, opts, tmp, a):
    gml = os.path.join(tmp, "x.graphml")
    run("export", "-q", path, "--metrics", "-o", gml, *opts)
    G = nx.read_graphml(gml)
    bad = []
    for x in a["actors"]:
        attrs = G.nodes.get(x["id"])
        if attrs is None:
            bad.append((x["id"], "missing"))
            continue
        for key in ("betweenness", "harmonic", "pagerank", "irb", "irb_share", "coreness", "degree"):
            if x.get(key) is not None and key in attrs and not same_number(float(attrs[key]), float(x[key])):
                bad.append((x["id"], key, attrs[key], x[key]))
    T.check("%s: export --metrics carries analyze's numbers" % case, not bad and G.number_of_nodes() == len(a["actors"]),
            bad[:5])


def check_whatif(case, path, opts, b):
    # whatif samples nothing: the graph options only
    graph_opts = [o for i, o in enumerate(opts) if o != "--epsilon" and (i == 0 or opts[i - 1] != "--epsilon")]
    rank = json.loads(run("whatif", "-q", path, "--rank", "--format", "json", "--top", "1000000", *graph_opts))
    dis = {r["id"]: r["disconnects"] for r in rank["rank"]}
    bad = [(br["id"], br.get("disconnects"), dis.get(br["id"], 0)) for br in b["brokers"]
           if "disconnects" in br and br["disconnects"] != dis.get(br["id"], 0)]
    T.check("%s: whatif --rank's disconnects are bridges'" % case, not bad, bad[:5])


def check_diff(case, path, opts, tmp, a_text):
    f = os.path.join(tmp, "analysis.json")
    with open(f, "w", encoding="utf-8") as out:
        out.write(a_text)
    d = json.loads(run("diff", "-q", path, f, "--format", "json", *opts))
    changed = [k for k in ("actors_added", "actors_removed", "ties_added", "ties_removed", "ties_reweighted") if d[k]]
    moved = [x for x in d["brokers"] if x["move"] != "same" or x["old_irb_share"] != x["new_irb_share"]]
    T.check("%s: diff of the dataset against its own analysis finds nothing" % case, not changed and not moved,
            (changed, moved[:3]))


def one_case(name, path, opts, tmp):
    case = "%s %s" % (name, " ".join(opts) or "(defaults)")
    a_text = run("analyze", "-q", path, "--format", "json", *opts)
    a = json.loads(a_text)
    csv_text = run("analyze", "-q", path, "--format", "csv", *opts)
    b = json.loads(run("bridges", "-q", path, "--format", "json", *opts))
    pairs_csv = run("bridges", "-q", path, "--format", "csv", *opts)
    check_bridges(case, a, b)
    if os.environ.get("TEST_MODE") != "sanitizers":
        # batch draws three diagrams a dataset: minutes under ASan, and
        # test_batch.sh runs it there already
        check_batch(case, path, opts, tmp, a_text, csv_text, pairs_csv)
    check_export(case, path, opts, tmp, a)
    check_whatif(case, path, opts, b)
    check_diff(case, path, opts, tmp, a_text)


def main():
    tmp = tempfile.mkdtemp(prefix="kluster-one-answer-")
    try:
        datasets = [("cleantech-se", os.path.join(ROOT, "datasets", "cleantech-se"), [])]
        for name, src, mp, extra in (
                ("norway", "norway-h2020-participations/dataset.csv", "norway-h2020.json", []),
                ("cordis", "cordis-h2020-participations/h2020_participations.csv", "cordis-h2020.json",
                 ["--epsilon", "0.05"])):
            src = os.path.join(DATA, src)
            if name == "cordis" and os.environ.get("TEST_MODE") == "sanitizers":
                print("sanitizer build: CORDIS left to the release run")
                continue
            if not os.path.exists(src):
                print("no %s: the shared data is missing, that import is skipped" % src)
                continue
            out = os.path.join(tmp, name)
            run("import", "-q", "--map", os.path.join(ROOT, "loaders", "maps", mp), src, "-o", out)
            datasets.append((name, out, extra))
        T.check("shared data present", len(datasets) >= 2, [d[0] for d in datasets])
        for name, path, extra in datasets:
            # CORDIS (35,000 actors) once, sampled: the other crossings run on
            # Norway; under the sanitizers (five times slower) the release
            # pass has checked every crossing, so two suffice there
            sets = OPTION_SETS if name != "cordis" else [[]]
            if os.environ.get("TEST_MODE") == "sanitizers":
                sets = [OPTION_SETS[0], OPTION_SETS[-1]]
            for opts in sets:
                one_case(name, path, extra + opts, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return T.summary()


if __name__ == "__main__":
    sys.exit(main())
