#!/usr/bin/env python3
"""tests/oracle/test_names.py - actors and regions named on the command line.

The rules (docs/commands.md#naming-actors) are re-implemented here from the
extract files, independently of kluster: an id; an exact name; an alias;
the name, id or alias ignoring case and accents; the start of one.  The
first rule that matches decides; several matches are ambiguous.  Checked on
the Norwegian import (692 organisations, 1,957 projects):

- `whatif --remove` with 30 exact names, 30 folded names and 30 shortest
  unique prefixes resolves to the ids this oracle expects (one call each);
- an ambiguous prefix fails and lists the first eight candidates' ids in
  dataset order and how many more there are; a typo lists the nearest name;
- `kluster find` lists exactly the actors whose folded id, name or alias
  contains the text, ordered as documented, with the degree NetworkX gives
  the analysis graph (full mode; organisations mode leaves projects empty);
- `bridges --regions` takes county names; `render --ego` by name draws the
  same bytes as by id (cleantech-se, with an alias too).
"""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tally import Tally  # noqa: E402

ROOT = os.environ.get("ROOT", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
KLUSTER = os.environ.get("KLUSTER", os.path.join(ROOT, "kluster"))
SHARED = os.environ.get("SHARED", os.path.join(os.path.dirname(ROOT), "shared"))
DATA = os.path.join(SHARED, "data")
T = Tally("names")

# letters without a decomposition in Unicode, folded as kluster documents
SPECIAL = {"æ": "ae", "Æ": "ae", "ß": "ss", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ð": "d", "Ð": "d",
           "þ": "t", "Þ": "t", "ł": "l", "Ł": "l", "œ": "oe", "Œ": "oe", "ħ": "h", "Ħ": "h", "ı": "i",
           "ŀ": "l", "Ŀ": "l", "ŋ": "n", "Ŋ": "n", "ŧ": "t", "Ŧ": "t", "ĸ": "k", "ĳ": "ij", "Ĳ": "ij", "ſ": "s"}


def fold(s):
    out = []
    for ch in s:
        if ch in SPECIAL:
            out.append(SPECIAL[ch])
        elif "\u00c0" <= ch <= "\u017f":
            base = unicodedata.normalize("NFD", ch)[0]
            out.append(base.lower() if base.isascii() else ch)
        elif ch.isascii():
            out.append(ch.lower())
        else:
            out.append(ch)
    return " ".join("".join(out).split())


def run(*args, ok=True):
    p = subprocess.run([KLUSTER] + list(args), capture_output=True, text=True, cwd=ROOT)
    if ok and p.returncode != 0:
        raise RuntimeError("kluster %s: exit %d: %s" % (" ".join(args), p.returncode, p.stderr[-400:]))
    return p


class Entities:
    """Entities in dataset order, with aliases, from one NDJSON extract."""

    def __init__(self, path):
        self.ids, self.names, self.kinds, self.region, self.aliases = [], [], [], [], []
        self.edges = set()
        index = {}
        for line in open(os.path.join(path, "extract.ndjson"), encoding="utf-8"):
            r = json.loads(line)
            if r["record"] == "entity":
                index[r["id"]] = len(self.ids)
                self.ids.append(r["id"])
                self.names.append(r["name"])
                self.kinds.append(r["kind"])
                self.region.append(r.get("region"))
                self.aliases.append(r.get("aliases", []))
            elif r["record"] == "relation" and r["source"] != r["target"]:
                self.edges.add(frozenset((r["source"], r["target"])))

    def folded(self, i):
        if not hasattr(self, "_folded"):
            self._folded = [[fold(x) for x in [self.names[j], self.ids[j]] + self.aliases[j]]
                            for j in range(len(self.ids))]
        return self._folded[i]

    def resolve(self, text):
        """(rule, [indices]) as the documented rules decide."""
        n = len(self.ids)
        if text in self.ids:
            return "id", [self.ids.index(text)]
        rules = [lambda i: self.names[i] == text,
                 lambda i: text in self.aliases[i]]
        f = fold(text)
        rules.append(lambda i: f in self.folded(i))
        rules.append(lambda i: any(x.startswith(f) for x in self.folded(i)))
        for k, rule in enumerate(rules):
            hits = [i for i in range(n) if rule(i)]
            if hits:
                return ["name", "alias", "folded", "prefix"][k], hits
        return "none", []


def removed(data, texts):
    p = run("whatif", data, "--format", "json", "--remove", ",".join(texts))
    return json.loads(p.stdout)["removed"]


def check_removal(E, data, label, texts):
    want = []
    for t in texts:
        rule, hits = E.resolve(t)
        assert len(hits) == 1, (t, rule, hits)
        if E.ids[hits[0]] not in want:
            want.append(E.ids[hits[0]])
    got = removed(data, texts)
    T.check("%s: whatif --remove by %s" % (data, label), sorted(got) == sorted(want),
            "got %s, want %s" % (got[:5], want[:5]))


def shortest_unique_prefix(E, i):
    f = fold(E.names[i])
    for k in range(4, len(f) + 1):
        p = f[:k]
        if p.endswith(" ") or "," in p:
            continue
        rule, hits = E.resolve(p)
        if rule == "prefix" and hits == [i]:
            return p
    return None


def check_names(norway):
    E = Entities(norway)
    orgs = [i for i in range(len(E.ids)) if E.kinds[i] == "organisation" and "," not in E.names[i]]
    unique = [i for i in orgs if E.resolve(E.names[i]) == ("name", [i])]
    sample = unique[::max(1, len(unique) // 30)][:30]
    check_removal(E, norway, "exact name", [E.names[i] for i in sample])
    folded = [i for i in unique if E.resolve(fold(E.names[i])) == ("folded", [i]) and fold(E.names[i]) != E.names[i]]
    T.check("folded names to try", len(folded) >= 30, len(folded))
    check_removal(E, norway, "folded name", [fold(E.names[i]) for i in folded[::max(1, len(folded) // 30)][:30]])
    accents = [i for i in folded if fold(E.names[i]) != E.names[i].lower()]
    T.check("names with letters to fold", len(accents) >= 5, len(accents))
    check_removal(E, norway, "name without accents", [fold(E.names[i]).upper() for i in accents[:20]])
    prefixes = [p for p in (shortest_unique_prefix(E, i) for i in sample) if p]
    T.check("prefixes to try", len(prefixes) >= 20, len(prefixes))
    check_removal(E, norway, "unique prefix", prefixes)

    # ambiguous: the first eight in dataset order, then how many more
    for text in ["universitet", "h2020-7", "Sintef"]:
        rule, hits = E.resolve(text)
        p = run("render", norway, "--ego", text, "-o", os.path.join(os.path.dirname(norway), "x.svg"), ok=False)
        shown = [line.split()[0] for line in p.stderr.splitlines() if line.startswith("  ") and not line.startswith("  ...")]
        T.check("ambiguous '%s' fails" % text, len(hits) > 1 and p.returncode == 1 and
                "could be %d actors" % len(hits) in p.stderr, p.stderr[:300])
        T.check("ambiguous '%s' lists the first eight" % text, shown == [E.ids[i] for i in hits[:8]], shown)
        more = "... and %d more" % (len(hits) - 8)
        T.check("ambiguous '%s' counts the rest" % text, (more in p.stderr) == (len(hits) > 8), p.stderr[-300:])

    # a typo: one letter dropped from a long, unique name
    for i in [j for j in sample if len(E.names[j]) > 14][:4]:
        typo = E.names[i][:5] + E.names[i][6:]
        p = run("whatif", norway, "--remove", typo, ok=False)
        T.check("typo '%s' suggests %s" % (typo, E.ids[i]),
                p.returncode == 1 and "did you mean" in p.stderr and "  %s  " % E.ids[i] in p.stderr, p.stderr[:300])
    return E


def find_order(E, text, degree):
    f = fold(text)
    rows = []
    for i in range(len(E.ids)):
        names = [E.ids[i], E.names[i]] + E.aliases[i]
        if not any(f in fold(x) for x in names):
            continue
        group = 0 if any(fold(x) == f for x in names) else 1 if any(fold(x).startswith(f) for x in names[:2] + names[2:]) else 2
        rows.append((group, -degree.get(E.ids[i], -1), i))
    rows.sort()
    return [E.ids[i] for _, _, i in rows]


def check_find(E, norway):
    import networkx as nx
    G = nx.Graph()
    G.add_nodes_from(E.ids)
    G.add_edges_from(tuple(e) for e in E.edges)
    degree = dict(G.degree())
    for text in ["universitet", "Oslo", "sintef", "NTNU", "høgskole", "hogskole", "as"]:
        p = run("find", text, norway, "--format", "csv", "--top", "0")
        rows = list(csv.DictReader(io.StringIO(p.stdout)))
        want = find_order(E, text, degree)
        T.check("find %s: the actors, in order" % text, [r["id"] for r in rows] == want,
                "%d rows, want %d: %s" % (len(rows), len(want), [r["id"] for r in rows][:5]))
        bad = [r["id"] for r in rows if int(r["degree"]) != degree[r["id"]]]
        T.check("find %s: degrees" % text, not bad, bad[:5])
        idx = {x: i for i, x in enumerate(E.ids)}
        T.check("find %s: names and kinds" % text,
                all(r["name"] == E.names[idx[r["id"]]] and r["kind"] == E.kinds[idx[r["id"]]] for r in rows))
    p = run("find", "universitet", norway, "--top", "3")
    T.check("find --top 3 says how many more", len(p.stdout.splitlines()) == 4 and "more actors match" in p.stderr,
            p.stderr)
    p = run("find", "universitet", norway, "--format", "csv", "--top", "0", "--mode", "organisations")
    rows = list(csv.DictReader(io.StringIO(p.stdout)))
    T.check("find in the organisations view: projects have no degree",
            all((r["degree"] == "") == (r["kind"] == "project") for r in rows) and rows, len(rows))


def check_regions(norway):
    p = run("bridges", norway, "--format", "csv", "--regions", "oslo,VESTLAND,trondelag - troondelage")
    ok = p.returncode == 0
    pairs = {(r["a"], r["b"]) for r in csv.DictReader(io.StringIO(p.stdout))} if ok else set()
    T.check("bridges --regions by county names", pairs == {("03", "46"), ("03", "50"), ("46", "50")}, pairs or p.stderr)
    p = run("bridges", norway, "--regions", "oslo,troms", ok=False)
    T.check("bridges --regions by a county prefix", p.returncode == 0, p.stderr[:200])
    p = run("bridges", norway, "--regions", "oslo,v", ok=False)
    T.check("an ambiguous region prefix lists the regions", p.returncode == 1 and "could be" in p.stderr, p.stderr[:300])


def check_ego_bytes(tmp):
    cases = [("east sweden cluster", "east-sweden-cluster"), ("EAST SWEDEN", "east-sweden-cluster")]
    ds = os.path.join(ROOT, "datasets", "cleantech-se")
    for alias_file in sorted(os.listdir(ds)):
        if alias_file.endswith(".json"):
            for e in json.load(open(os.path.join(ds, alias_file), encoding="utf-8")).get("entities", []):
                for a in e.get("aliases", []):
                    cases.append((a, e["id"]))
    cases = cases[:4]
    for text, eid in cases:
        a, b = os.path.join(tmp, "a.dot"), os.path.join(tmp, "b.dot")
        pa = run("render", ds, "--ego", text, "-o", a, ok=False)
        run("render", ds, "--ego", eid, "-o", b)
        T.check("render --ego '%s' draws %s" % (text, eid),
                pa.returncode == 0 and open(a, "rb").read() == open(b, "rb").read(), pa.stderr[:200])


def main():
    norway_csv = os.path.join(DATA, "norway-h2020-participations", "dataset.csv")
    with tempfile.TemporaryDirectory() as tmp:
        check_ego_bytes(tmp)
        if not os.path.exists(norway_csv):
            print("skipped: the Norwegian data is not in %s" % DATA)
            return T.summary()
        norway = os.path.join(tmp, "norway")
        run("import", "-q", "--map", os.path.join(ROOT, "loaders", "maps", "norway-h2020.json"), norway_csv, "-o", norway)
        E = check_names(norway)
        check_find(E, norway)
        check_regions(norway)
    return T.summary()


if __name__ == "__main__":
    sys.exit(main())
