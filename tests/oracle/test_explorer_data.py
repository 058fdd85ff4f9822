"""tests/oracle/test_explorer_data.py - the data behind the explorable page
(`kluster render -o FILE.html`, batch's report.html): kluster-explorer/1
against `kluster analyze --format json` with the same options and the
extract files themselves.

- every actor of the analysis graph once, by id; its name, kind, region,
  degree and irb_share those analyze prints (bit for bit), its rank
  recomputed (irb descending, then id, among irb > 0);
- drawn: exactly the actors with a node in the page's SVG;
- pairs: the region pairs analyze gives brokers, most links first, each
  with analyze's brokers and shares; each actor's pairs are those it
  brokers;
- evidence: the actor's relations in the extract, to another region first,
  then those with a quote, then in file order, at most 20, each with its
  type, other end, quote and source, the rest counted;
- the data never holds "</" (it sits in a <script>), also with hostile
  names;
- Norwegian import crossed with the organisations view, a window and
  --ties; cleantech-se; batch's report.html holds the same data as render's
  page for the same options."""
import html
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tally import Tally  # noqa: E402

ROOT = os.environ.get("ROOT", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
KLUSTER = os.environ.get("KLUSTER", os.path.join(ROOT, "kluster"))
SHARED = os.environ.get("SHARED", os.path.join(ROOT, "..", "shared"))
T = Tally("explorer data")
CAP = 20


def run(*args):
    p = subprocess.run([KLUSTER] + list(args), capture_output=True, text=True, cwd=ROOT)
    if p.returncode != 0:
        raise RuntimeError("kluster %s: exit %d: %s" % (" ".join(args), p.returncode, p.stderr[-400:]))
    return p.stdout


def shown(name):
    """As figures and reports show a name: at most 200 characters, cut with '…'."""
    return name if len(name) <= 200 else name[:199] + "\u2026"


def page_data(path):
    text = open(path, encoding="utf-8").read()
    m = re.search(r'<script type="application/json" id="kl-data">(.*?)</script>', text, re.S)
    return text, m.group(1)


def extract(path):
    """entities {id: (region, name)}, relations in file order, sources {id: title}."""
    files = [path] if os.path.isfile(path) else [
        os.path.join(path, f) for f in sorted(os.listdir(path)) if f.endswith((".json", ".ndjson"))]
    ents, rels, srcs, seen = {}, [], {}, {}
    for f in files:
        recs = []
        with open(f, encoding="utf-8") as fh:
            if f.endswith(".ndjson"):
                recs = [json.loads(line) for line in fh if line.strip()]
            else:
                doc = json.load(fh)
                for key, kind in (("sources", "source"), ("entities", "entity"), ("relations", "relation")):
                    recs += [dict(r, record=kind) for r in doc.get(key, [])]
        for r in recs:
            if r.get("record") == "entity" and r["id"] not in ents:
                ents[r["id"]] = r
            elif r.get("record") == "relation":
                # one relation per (source, target, type): evidence united
                key = (r["source"], r["target"], r["type"])
                if key in seen:
                    seen[key]["evidence"] = (seen[key].get("evidence") or []) + (r.get("evidence") or [])
                else:
                    seen[key] = dict(r)
                    rels.append(seen[key])
            elif r.get("record") == "source":
                srcs.setdefault(r["id"], r.get("title") or r["id"])
    return ents, rels, srcs


def expected_evidence(aid, ents, rels, srcs):
    mine = (ents.get(aid) or {}).get("region")
    items = []
    for k, r in enumerate(rels):
        if aid not in (r["source"], r["target"]):
            continue
        other = r["target"] if r["source"] == aid else r["source"]
        theirs = (ents.get(other) or {}).get("region")
        evs = r.get("evidence") or []
        quote = next((e.get("quote") for e in evs if e.get("quote")), None)
        src = next((e["source"] for e in evs if e.get("quote")), evs[0]["source"] if evs else None)
        cross = mine is not None and theirs is not None and mine != theirs
        items.append(((0 if cross else 2) + (0 if quote else 1), k, r["type"], other, quote,
                      srcs.get(src, src) if src else None, "out" if r["source"] == aid else "in"))
    items.sort(key=lambda x: (x[0], x[1]))
    return [(t, o, q, s, d) for _, _, t, o, q, s, d in items[:CAP]], max(0, len(items) - CAP)


def check(name, dataset, opts, tmp, full_evidence=True):
    out = os.path.join(tmp, "page.html")
    run("render", dataset, "-o", out, *opts)
    text, raw = page_data(out)
    T.check("%s: the data holds no '</'" % name, "</" not in raw)
    d = json.loads(raw)
    T.check("%s: format kluster-explorer/1" % name, d.get("format") == "kluster-explorer/1", d.get("format"))
    a = json.loads(run("analyze", dataset, "--format", "json", *[o for o in opts if o not in ("--top", "60")]))
    regions = [r["id"] for r in d["regions"]]
    actors = d["actors"]
    for x in actors:  # fields at their default are left out
        for k, v in (("short_name", None), ("aliases", []), ("rank", 0), ("drawn", False), ("pairs", []),
                     ("evidence", []), ("evidence_more", 0)):
            x.setdefault(k, v)
    by_id = {x["id"]: x for x in a["actors"]}
    T.check("%s: every actor once, by id" % name,
            [x["id"] for x in actors] == sorted(by_id, key=lambda s: s.encode()), len(actors))
    bad = []
    for x in actors:
        y = by_id.get(x["id"])
        if not y:
            continue
        region = regions[x["region"]] if x["region"] >= 0 else None
        if (x["name"], region, x["degree"]) != (shown(y["name"]), y["region"], y["degree"]) or x["irb_share"] != y["irb_share"]:
            bad.append((x["id"], x["name"], region, x["degree"], x["irb_share"], y["region"], y["degree"], y["irb_share"]))
    T.check("%s: name, region, degree, irb_share as analyze" % name, not bad, bad[:3])
    ranked = sorted((y for y in a["actors"] if (y["irb"] or 0) > 0), key=lambda y: (-y["irb"], y["id"].encode()))
    rank = {y["id"]: k + 1 for k, y in enumerate(ranked)}
    bad = [(x["id"], x["rank"], rank.get(x["id"], 0)) for x in actors if x["rank"] != rank.get(x["id"], 0)]
    T.check("%s: ranks by irb, then id" % name, not bad, bad[:3])
    svg = text[text.index('<div class="kl-stage">'):]
    drawn = set(html.unescape(m) for m in re.findall(r'<g id="actor:([^"]*)" class="node"', svg))
    T.check("%s: drawn = the actors with a node in the SVG" % name,
            drawn == set(x["id"] for x in actors if x["drawn"]) and drawn, (len(drawn),))
    # pairs: analyze's pairs with brokers, most links first
    want = [p for p in a["region_pairs"] if p["brokers"]]
    want.sort(key=lambda p: (-p["links"], -p["actor_pairs"], p["a"].encode(), p["b"].encode()))
    got = [((regions[p["a"]], regions[p["b"]]), [(actors[i]["id"], s) for i, s in p["brokers"]]) for p in d["pairs"]]
    exp = [((p["a"], p["b"]), [(b["id"], b["share"]) for b in p["brokers"]]) for p in want]
    T.check("%s: the pairs with brokers, their brokers and shares as analyze" % name, got == exp,
            (got[:1], exp[:1]))
    mine = {}
    for k, p in enumerate(d["pairs"]):
        for i, s in p["brokers"]:
            mine.setdefault(i, []).append([k, s])
    bad = [x["id"] for i, x in enumerate(actors)
           if list(map(tuple, x["pairs"])) != sorted(map(tuple, mine.get(i, [])), key=lambda p: (-p[1], p[0]))]
    T.check("%s: each actor's pairs are those it brokers, the largest share first" % name, not bad, bad[:3])
    ents, rels, srcs = extract(dataset)
    # a short name only when no other entity carries the same
    shorts = {}
    for e in ents.values():
        if isinstance(e.get("short_name"), str) and e["short_name"].strip(" "):
            shorts.setdefault(e["short_name"], []).append(e["id"])
    unique = {ids[0]: sn for sn, ids in shorts.items() if len(ids) == 1}
    bad = [(x["id"], x["short_name"], unique.get(x["id"])) for x in actors if x["short_name"] != unique.get(x["id"])]
    T.check("%s: short names where one entity alone carries them (%d)" % (name, len(unique)), not bad, bad[:3])
    bad, checked = [], 0
    for x in actors:
        if not full_evidence and not x["drawn"] and not x["pairs"]:
            continue
        want_items, more = expected_evidence(x["id"], ents, rels, srcs)
        got_items = [(e["type"], actors[e["with"]]["id"] if e["with"] >= 0 else None, e["quote"],
                      d["sources"][e["source"]]["title"] if e["source"] >= 0 else None, e["dir"])
                     for e in x["evidence"]]
        want_cmp = [(t, o if o in by_id else None, q, s, dr) for t, o, q, s, dr in want_items]
        checked += 1
        if got_items != want_cmp or x["evidence_more"] != more:
            bad.append((x["id"], got_items[:2], want_cmp[:2], x["evidence_more"], more))
    T.check("%s: evidence per actor: cross-region first, quoted next, file order, at most %d (%d actors)"
            % (name, CAP, checked), not bad and checked, bad[:2])
    T.check("%s: the ego command names the dataset" % name, dataset in d["ego_command"] and "{id}" in d["ego_command"])


def main():
    with tempfile.TemporaryDirectory() as tmp:
        clean = os.path.join(ROOT, "datasets", "cleantech-se")
        check("cleantech-se", clean, [], tmp)
        check("hostile names", os.path.join(ROOT, "tests", "data", "hostile-names"), [], tmp)
        csv = os.path.join(SHARED, "data", "norway-h2020-participations", "dataset.csv")
        if not os.path.isfile(csv):
            print("explorer data: Norway skipped: %s is missing" % csv)
        else:
            norway = os.path.join(tmp, "norway")
            run("import", "-q", "--map", os.path.join(ROOT, "loaders", "maps", "norway-h2020.json"), csv, "-o", norway)
            norway_file = norway
            check("norway", norway_file, ["--top", "60"], tmp)
            check("norway organisations 2016-2019", norway_file,
                  ["--top", "60", "--mode", "organisations", "--from", "2016", "--to", "2019"], tmp)
            check("norway ties", norway_file, ["--top", "60", "--ties", "participates_in", "--weights"], tmp)
            # the batch's report carries the same data as render's page
            out = os.path.join(tmp, "batch")
            run("batch", "-q", norway_file, "-o", out)
            rep = [os.path.join(out, d, "report.html") for d in os.listdir(out)
                   if os.path.isfile(os.path.join(out, d, "report.html"))]
            _, braw = page_data(rep[0])
            page = os.path.join(tmp, "same.html")
            run("render", norway_file, "--top", "60", "-o", page)
            _, praw = page_data(page)
            bd, pd = json.loads(braw), json.loads(praw)
            T.check("batch: report.html's data = render's for the same actors (the bytes)", braw == praw)
            T.check("batch: report.html's data = render's for the same actors",
                    bd["actors"] == pd["actors"] and bd["pairs"] == pd["pairs"])
            T.check("batch: report.html under 2 MB on the Norwegian import", os.path.getsize(rep[0]) < 2e6,
                    os.path.getsize(rep[0]))
    return T.summary()


if __name__ == "__main__":
    sys.exit(main())
