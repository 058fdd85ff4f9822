"""tests/oracle/dataset_graph.py - the analysis graph of a dataset, built in
Python from the extract files as docs/metrics.md says, for oracles.

  ds = Dataset(path)            a .json or .ndjson extract, or a folder of them
  G = ds.graph(mode="full", ties=None, exclude=(), window=(None, None))

G is a networkx.Graph over the actors with tie weights as floats ("weight")
and as exact Fractions ("exact"); ds.region[id] is the actor's region after
inheritance (None when regionless).  Independent of kluster's engine: it
reads the files itself and follows the text of docs/metrics.md:

  - files of a folder in byte order of their names; an entity defined in two
    files keeps the first file's fields and takes the fields it left out
    from later ones;
  - relations with the same (source, target, type) are one relation with the
    largest weight; its dates are those of the first occurrence (docs/metrics.md
    is silent; docs/format.md says so; Dataset.duplicate_dates counts the
    duplicates whose dates differ from the first one's);
  - a relation is kept by the window [A, B] when its interval [start, end]
    meets it (a missing start: since always; a missing end: open-ended; a year
    means 1 January as a start and 31 December as an end);
  - `--ties`: the vocabulary types by name, `other` for every other type;
  - `--exclude-kind`: the actors of those kinds are not vertices; in the
    organisations mode, where projects and persons are not vertices anyway,
    they still join organisations (the text removes entities "from the
    graph", which in that mode never held them);
  - organisations mode: projects joined by participates_in, coordinates or
    initiated (organisation -> project) weigh 1/(n_p - 1) per shared project,
    persons joined by employed_by, leads or member_of (person ->
    organisation) weigh 1 per shared person, and any relation between two
    organisations weighs its own weight;
  - region inheritance: a person without a region takes the region of the
    employer (employed_by, over all relations, whatever the window, ties or
    mode) with the largest weight that has a region of its own; the first
    such relation in file and record order on ties; no chaining.
"""
import json
import os
from fractions import Fraction

import networkx as nx

VOCABULARY = ("member_of", "employed_by", "leads", "participates_in", "coordinates", "funds", "partner_of",
              "initiated")
KINDS = ("organisation", "person", "project", "funder")
PROJECT_TYPES = ("participates_in", "coordinates", "initiated")
PERSON_TYPES = ("employed_by", "leads", "member_of")


def parse_date(text, as_end):
    """'YYYY' or 'YYYY-MM-DD' as an integer yyyymmdd; a year alone is its
    first day (as_end False) or its last day (as_end True)."""
    if len(text) == 4:
        return int(text) * 10000 + (1231 if as_end else 101)
    y, m, d = text.split("-")
    return int(y) * 10000 + int(m) * 100 + int(d)


def window_of(args):
    """(from, to) as yyyymmdd integers (None when open) from a command line."""
    lo = hi = None
    for i, a in enumerate(args):
        if a == "--from":
            lo = parse_date(args[i + 1], False)
        elif a == "--to":
            hi = parse_date(args[i + 1], True)
    return lo, hi


def _records(path):
    """(entities, relations) of one extract file, in record order."""
    ents, rels = [], []
    if path.endswith(".ndjson"):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                r = json.loads(line)
                if r.get("record") == "entity":
                    ents.append(r)
                elif r.get("record") == "relation":
                    rels.append(r)
    else:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        ents, rels = doc.get("entities", []), doc.get("relations", [])
    return ents, rels


def dataset_files(path):
    if not os.path.isdir(path):
        return [path]
    names = sorted((n for n in os.listdir(path) if n.endswith((".json", ".ndjson"))), key=lambda n: n.encode())
    if os.path.exists(os.path.join(path, "entities.csv")):
        raise NotImplementedError("dataset_graph.py reads JSON and NDJSON extracts, not CSV sets: %s" % path)
    return [os.path.join(path, n) for n in names]


class Dataset:
    def __init__(self, path):
        self.path = path
        self.kind = {}       # id -> kind, in order of first definition
        self.own = {}        # id -> own region or None
        merged = {}          # (source, target, type) -> [weight, start, end]
        self.duplicate_dates = 0  # duplicates whose dates differ from the first occurrence
        for fname in dataset_files(path):
            ents, rels = _records(fname)
            for e in ents:
                if e["id"] not in self.kind:
                    self.kind[e["id"]] = e["kind"]
                    self.own[e["id"]] = e.get("region") or None
                elif self.own[e["id"]] is None:
                    self.own[e["id"]] = e.get("region") or None
            for r in rels:
                key = (r["source"], r["target"], r["type"])
                w = Fraction(r.get("weight", 1))
                start = parse_date(r["start"], False) if r.get("start") else None
                end = parse_date(r["end"], True) if r.get("end") else None
                if key in merged:
                    m = merged[key]
                    m[0] = max(m[0], w)
                    self.duplicate_dates += (m[1], m[2]) != (start, end)
                else:
                    merged[key] = [w, start, end]
        self.relations = [(s, t, ty, w, a, b) for (s, t, ty), (w, a, b) in merged.items()]
        self.region = self._regions()

    def _regions(self):
        region = dict(self.own)
        best = {}
        for s, t, ty, w, _, _ in self.relations:
            if ty != "employed_by" or s == t or self.kind[s] != "person" or self.own[s] or not self.own[t]:
                continue
            if w > best.get(s, 0):
                best[s] = w
                region[s] = self.own[t]
        return region

    def kept(self, ties, window):
        """The relations kept by --ties (a set of names, or None) and the window."""
        lo, hi = window
        for rel in self.relations:
            s, t, ty, w, start, end = rel
            if ties is not None and (ty if ty in VOCABULARY else "other") not in ties:
                continue
            if hi is not None and start is not None and start > hi:
                continue
            if lo is not None and end is not None and end < lo:
                continue
            yield rel

    def graph(self, mode="full", ties=None, exclude=(), window=(None, None)):
        actor = {v for v, k in self.kind.items()
                 if k not in exclude and (mode == "full" or k == "organisation")}
        weight = {}

        def tie(u, v, w):
            if u != v and u in actor and v in actor:
                key = (u, v) if u < v else (v, u)
                weight[key] = weight.get(key, 0) + w

        if mode == "full":
            for s, t, _, w, _, _ in self.kept(ties, window):
                tie(s, t, w)
        else:
            groups = {}  # project or person -> set of organisations
            for s, t, ty, w, _, _ in self.kept(ties, window):
                ks, kt = self.kind[s], self.kind[t]
                if ty in PROJECT_TYPES and ks == "organisation" and kt == "project":
                    groups.setdefault(t, set()).add(s)
                elif ty in PERSON_TYPES and ks == "person" and kt == "organisation":
                    groups.setdefault(s, set()).add(t)
                elif ks == "organisation" and kt == "organisation":
                    tie(s, t, w)
            for g, orgs in groups.items():
                orgs = sorted(o for o in orgs if o in actor)
                if len(orgs) < 2:
                    continue
                w = Fraction(1, len(orgs) - 1) if self.kind[g] == "project" else Fraction(1)
                for i, u in enumerate(orgs):
                    for v in orgs[i + 1:]:
                        tie(u, v, w)
        G = nx.Graph()
        G.add_nodes_from(sorted(actor))
        for (u, v), w in weight.items():
            G.add_edge(u, v, weight=float(w), exact=w)
        return G


def add_distances(G):
    """Give every tie a "dist" = 1/weight for weighted shortest paths.  Exact
    Fractions unless every weight is a power of two (then floats are exact
    too and much faster): NetworkX compares path lengths exactly, kluster
    within 1e-10, so rounding must not split equal lengths."""
    exact = any((d["exact"].numerator & (d["exact"].numerator - 1)) or
                (d["exact"].denominator & (d["exact"].denominator - 1)) for _, _, d in G.edges(data=True))
    for _, _, d in G.edges(data=True):
        d["dist"] = 1 / d["exact"] if exact else 1.0 / d["weight"]
    return "dist"
