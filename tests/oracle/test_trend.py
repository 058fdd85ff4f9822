"""tests/oracle/test_trend.py - `kluster trend` against `kluster analyze
--from --to`, period by period.  For each period, every number trend prints
must be the one analyze prints for that window with the same options:
graph counts, each actor's degree, betweenness, irb and irb_share (as text,
so bit for bit), each region pair (connected, direct ties, distance, links,
actor pairs, cut actors, first broker).  The brokers' ranks and what changed
from one period to the next (entered, left, rose, fell; pairs connected,
disconnected, fragile, mended) are recomputed here from analyze's output.

Datasets: the Norwegian import (yearly, crossed with the organisations
view, --ties, --weights, --cumulative and explicit periods), a generated
dataset given dates here, and CORDIS (2014 exact, 2019-2020 sampled with --epsilon,
so the sample too must be the one analyze draws; release build only)."""
import csv
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tally import Tally  # noqa: E402

ROOT = os.environ.get("ROOT", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
KLUSTER = os.environ.get("KLUSTER", os.path.join(ROOT, "kluster"))
SHARED = os.environ.get("SHARED", os.path.join(ROOT, "..", "shared"))
DATA = os.path.join(SHARED, "data")
PY = "/usr/bin/python3"
T = Tally("trend")


def run(*args):
    p = subprocess.run([KLUSTER] + list(args), capture_output=True, text=True, cwd=ROOT)
    if p.returncode != 0:
        raise RuntimeError("kluster %s: exit %d: %s" % (" ".join(args), p.returncode, p.stderr[-400:]))
    return p.stdout


def same(text, x):
    """A CSV cell against analyze's JSON number: both print 17 significant
    digits, so equal doubles are the same bits; empty is null."""
    if x is None or text == "":
        return x is None and text == ""
    return float(text) == float(x)


def ranks(actors):
    """id -> rank: irb descending, then id, among actors with irb > 0."""
    ranked = sorted((a for a in actors if (a.get("irb") or 0) > 0), key=lambda a: (-a["irb"], a["id"]))
    return {a["id"]: k + 1 for k, a in enumerate(ranked)}


def expected_changes(prev, cur, top):
    """What trend's changes must say, from two periods' analyze outputs."""
    rp = {i: r for i, r in prev["ranks"].items() if r <= top}
    rc = {i: r for i, r in cur["ranks"].items() if r <= top}
    moves = []
    for i in set(rp) | set(rc):
        b, a = rp.get(i), rc.get(i)
        change = "entered" if b is None else "left" if a is None else "rose" if a < b else "fell" if a > b else "same"
        moves.append((a if a else 10**9, b or 0, i, b, a, change))
    moves.sort()
    brokers = [{"id": m[2], "before": m[3], "after": m[4], "change": m[5]} for m in moves]
    pp = {(p["a"], p["b"]): p for p in prev["pairs"]}
    gained, lost, fragile, mended = [], [], [], []
    for p in cur["pairs"]:
        q = pp.get((p["a"], p["b"]))
        was = bool(q and q["connected"])
        was_fragile = bool(q and q["cut_actors"])
        key = {"a": p["a"], "b": p["b"]}
        if p["connected"] and not was:
            gained.append(key)
        if not p["connected"] and was:
            lost.append(key)
        if p["cut_actors"] and not was_fragile:
            fragile.append(dict(key, cut_actors=p["cut_actors"]))
        if p["connected"] and not p["cut_actors"] and was_fragile:
            mended.append(key)
    return {"brokers": brokers, "pairs_connected": gained, "pairs_disconnected": lost,
            "pairs_fragile": fragile, "pairs_mended": mended}


def window_args(period):
    return ["--from", period["from"], "--to", period["to"]]


def check(name, dataset, opts, trend_opts, top=10):
    t0 = time.time()
    try:
        return check_one(name, dataset, opts, trend_opts, top)
    finally:
        print("%6.1f s  %s %s %s" % (time.time() - t0, name, " ".join(opts), " ".join(trend_opts)))


def check_one(name, dataset, opts, trend_opts, top):
    what = "%s %s %s" % (name, " ".join(opts), " ".join(trend_opts))
    tj = json.loads(run("trend", dataset, "-q", "--top", str(top), *trend_opts, *opts))
    tcsv = list(csv.DictReader(io.StringIO(run("trend", dataset, "-q", "-f", "csv", *trend_opts, *opts))))
    pcsv = list(csv.DictReader(io.StringIO(run("trend", dataset, "-q", "-f", "csv", "--table", "pairs",
                                               *trend_opts, *opts))))
    T.check(what + ": format", tj.get("format") == "kluster-trend/1", tj.get("format"))
    prev = None
    for P in tj["periods"]:
        label = "%s [%s]" % (what, P["period"])
        an = json.loads(run("analyze", dataset, "-q", *window_args(P), *opts))
        g, tg = an["graph"], P["graph"]
        for k_t, k_a in (("nodes", "nodes"), ("edges", "edges"), ("components", "components"),
                         ("largest_component", "largest_component"), ("sampled", "sampled")):
            T.check(label + ": graph " + k_t, tg[k_t] == g[k_a], (tg[k_t], g[k_a]))
        T.check(label + ": active actors", tg["active_actors"] == g["nodes"] - g["isolated"],
                (tg["active_actors"], g["nodes"], g["isolated"]))
        rk = ranks(an["actors"])
        # every actor with a tie, bit for bit
        rows = {r["id"]: r for r in tcsv if r["period"] == P["period"]}
        active = [a for a in an["actors"] if a["degree"] > 0]
        T.check(label + ": actor rows", sorted(rows) == sorted(a["id"] for a in active), (len(rows), len(active)))
        bad = []
        for a in active:
            r = rows.get(a["id"])
            if r is None:
                continue
            for key in ("betweenness", "irb", "irb_share"):
                if not same(r[key], a[key]):
                    bad.append((a["id"], key, r[key], a[key]))
            if int(r["degree"]) != a["degree"]:
                bad.append((a["id"], "degree", r["degree"], a["degree"]))
            if r["rank"] != (str(rk[a["id"]]) if a["id"] in rk else ""):
                bad.append((a["id"], "rank", r["rank"], rk.get(a["id"])))
        T.check(label + ": actors equal analyze's", not bad, bad[:3])
        # the top brokers
        want = sorted(rk, key=lambda i: rk[i])[:top]
        T.check(label + ": brokers", [b["id"] for b in P["brokers"]] == want, ([b["id"] for b in P["brokers"]], want))
        by_id = {a["id"]: a for a in an["actors"]}
        T.check(label + ": brokers' numbers", all(b["irb"] == by_id[b["id"]]["irb"] and
                                                  b["irb_share"] == by_id[b["id"]]["irb_share"] and
                                                  b["rank"] == rk[b["id"]] for b in P["brokers"]))
        # region pairs
        prow = {(r["a"], r["b"]): r for r in pcsv if r["period"] == P["period"]}
        T.check(label + ": pair rows", len(prow) == len(an["region_pairs"]), (len(prow), len(an["region_pairs"])))
        badp = []
        for p in an["region_pairs"]:
            r = prow.get((p["a"], p["b"]))
            if r is None:
                badp.append((p["a"], p["b"], "missing"))
                continue
            b0 = (p.get("brokers") or [None])[0]
            ok = (r["connected"] == ("true" if p["connected"] else "false") and
                  int(r["direct_ties"]) == p["direct_ties"] and same(r["distance"], p["distance"]) and
                  same(r["actor_pairs"], p["actor_pairs"]) and same(r["links"], p["links"]) and
                  r["cut_actors"] == ";".join(p["cut_actors"]) and
                  r["fragile"] == ("true" if p["cut_actors"] else "false") and
                  r["top_broker"] == (b0["id"] if b0 else "") and
                  same(r["top_broker_share"], b0["share"] if b0 else None))
            if not ok:
                badp.append((p["a"], p["b"], r, p))
        T.check(label + ": pairs equal analyze's", not badp, badp[:2])
        T.check(label + ": fragile pairs", [(f["a"], f["b"], f["cut_actors"]) for f in P["fragile_pairs"]] ==
                [(p["a"], p["b"], p["cut_actors"]) for p in an["region_pairs"] if p["cut_actors"]])
        T.check(label + ": pair counts",
                tg["region_pairs_connected"] == sum(1 for p in an["region_pairs"] if p["connected"]) and
                tg["fragile_pairs"] == sum(1 for p in an["region_pairs"] if p["cut_actors"]))
        cur = {"ranks": rk, "pairs": an["region_pairs"]}
        if prev is None:
            T.check(label + ": no changes in the first period", P["changes"] is None)
        else:
            exp = expected_changes(prev, cur, top)
            for key in exp:
                T.check(label + ": changes " + key, P["changes"][key] == exp[key],
                        (P["changes"][key][:3], exp[key][:3]))
        prev = cur
    return tj


def dated_extract(tmp):
    """gen.py's dataset with relation dates added (seeded): start 2014-2020,
    some open-ended, some undated."""
    raw = os.path.join(tmp, "gen.json")
    subprocess.run([PY, os.path.join(SHARED, "bench", "gen.py"), "--orgs", "300", "--seed", "7", "--format",
                    "json", "--out", raw], check=True, capture_output=True)
    d = json.load(open(raw))
    rnd = random.Random(11)
    for rel in d["relations"]:
        x = rnd.random()
        if x < 0.1:
            continue  # undated: in every period
        start = rnd.randint(2014, 2020)
        rel["start"] = str(start)
        if x < 0.8:
            rel["end"] = "%d-%02d-%02d" % (start + rnd.randint(0, 3), rnd.randint(1, 12), rnd.randint(1, 28))
    path = os.path.join(tmp, "dated.json")
    json.dump(d, open(path, "w"))
    return path


def imported(tmp, name, map_name, csv_path):
    out = os.path.join(tmp, name)
    run("import", "-q", "--map", os.path.join(ROOT, "loaders", "maps", map_name + ".json"), csv_path, "-o", out)
    return out


def main():
    with tempfile.TemporaryDirectory() as tmp:
        norway = imported(tmp, "norway", "norway-h2020",
                          os.path.join(DATA, "norway-h2020-participations", "dataset.csv"))
        check("norway", norway, [], [])
        check("norway", norway, ["--mode", "organisations"], ["--every", "2", "--from", "2015", "--to", "2024"], top=5)
        check("norway", norway, ["--weights", "--ties", "participates_in,coordinates"],
              ["--periods", "2014-2016,2017-2020,2021..2023-06-30"])
        check("norway", norway, ["--mode", "organisations", "--weights"],
              ["--cumulative", "--every", "3", "--from", "2015", "--to", "2023"])
        gen = dated_extract(tmp)
        check("generated", gen, [], ["--every", "2"])
        check("generated", gen, ["--mode", "organisations", "--weights"], ["--periods", "2015,2017-2018,2020"])
        if os.environ.get("TEST_MODE", "release") == "release":
            cordis = imported(tmp, "cordis", "cordis-h2020",
                              os.path.join(DATA, "cordis-h2020-participations", "h2020_participations.csv"))
            check("cordis", cordis, ["--epsilon", "0.05"], ["--periods", "2014,2019-2020"])
    return T.summary()


if __name__ == "__main__":
    sys.exit(main())
