#!/usr/bin/env python3
"""Data exchange: `kluster export` read back by NetworkX, `kluster import` of the
two shipped maps checked against the raw tables and their SOURCE.md figures,
GraphML/GML as dataset inputs, and the JSON extract read back by kluster.

Round trips (NetworkX read_graphml, read_gexf, read_gml, read_pajek, and the CSV
pair with Python's csv module): the same nodes, the same edges with the same
weights, and every attribute equal to what kluster itself says: names, kinds,
regions and free attributes from the extract, metrics from `kluster analyze`.
Hostile names (quotes, <, &, line breaks, control characters, emoji) must come
back exactly, except where a format cannot hold a character (XML 1.0 has no C0
controls: U+FFFD; Pajek labels have no line breaks: a space).

Imports: counts computed here from the raw CSV files with Python's csv module
(no missing-value guessing: CORDIS country NA is Namibia) must equal the
dataset kluster writes, and those must equal the figures of SOURCE.md.

Run from the repository root with KLUSTER set; last line
"exchange: N passed, M failed"."""
import csv, json, math, os, re, shutil, subprocess, sys, tempfile
from collections import Counter, defaultdict

import networkx as nx
from networkx.readwrite.gexf import GEXF

# NetworkX 2.8 knows GEXF 1.1draft and 1.2draft only; the export writes
# dynamic GEXF 1.3 when relations have dates (docs/exports.md#dynamic-gexf)
GEXF.versions["1.3"] = dict(GEXF.versions["1.2draft"], NS_GEXF="http://gexf.net/1.3",
                            NS_VIZ="http://gexf.net/1.3/viz", VERSION="1.3",
                            SCHEMALOCATION="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd")


def read_gexf(path):
    with open(path, encoding="utf-8") as f:
        head = f.read(400)
    return nx.read_gexf(path, version="1.3" if 'version="1.3"' in head else "1.2draft")

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
shared = os.environ.get("SHARED", os.path.join(root, "..", "shared"))
kluster = os.environ.get("KLUSTER", os.path.join(root, "kluster"))
if not os.path.isabs(kluster):
    kluster = os.path.join(root, kluster)
data = os.path.join(shared, "data")
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL", what)


def run(*args):
    return subprocess.run([kluster] + [str(a) for a in args], capture_output=True, text=True, cwd=root)


def same_number(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return bool(a) == bool(b)
    a, b = float(a), float(b)
    return a == b or abs(a - b) <= 1e-12 * max(1.0, abs(a), abs(b))


tmp = tempfile.mkdtemp(prefix="kluster-exchange-")

# ------------------------------------------------------------------ fixture
# ids and names that break careless writers; weights whose digits matter
CTRL = "\u0007"
fixture = {
    "format": "collab-extract/1",
    "dataset": {"id": "hostile & <exchange>", "title": "Exchange \"fixture\" Åsa & <co>"},
    "regions": [
        {"id": "SE123", "name": "Östergötlands län", "lat": 58.36, "lon": 15.65},
        {"id": "R&D <2>", "name": "Région \"deux\" 'x' ]]>"},
        {"id": "NA", "name": "Namibia"},
    ],
    "entities": [
        {"id": "a\"q", "kind": "organisation", "name": "Quote \"Inc\" 'single' &amp; &#38;", "region": "SE123",
         "type": "company", "country": "SE", "sector": "Näringsliv", "size": 12},
        {"id": "x<y&z", "kind": "organisation", "name": "<b>bold</b> ]]> <!-- c -->", "region": "R&D <2>"},
        {"id": "Åsa Öberg", "kind": "person", "name": "Åsa Öberg 日本 😀", "lat": -22.5, "lon": 17.1},
        {"id": "back\\slash", "kind": "organisation", "name": "Back\\slash \\N ends\\", "region": "NA"},
        {"id": "line", "kind": "project", "name": "Line one\nLine two\r\nthree\ttab", "start": "2017"},
        {"id": "ctl", "kind": "funder", "name": "Bell" + CTRL + " and \u001f unit", "sector": "x\u0001y"},
        {"id": "sp ace", "kind": "organisation", "name": "  spaced  ", "region": "SE123"},
        {"id": "lonely", "kind": "organisation", "name": "Isolated Ltd"},
        {"id": "emoji-😀", "kind": "organisation", "name": "😀🎉 Ünïcödé", "region": "NA"},
    ],
    "relations": [
        {"source": "a\"q", "target": "line", "type": "participates_in", "weight": 0.1},
        {"source": "x<y&z", "target": "line", "type": "coordinates", "weight": 1 / 3},
        {"source": "Åsa Öberg", "target": "x<y&z", "type": "employed_by"},
        {"source": "back\\slash", "target": "line", "type": "participates_in", "weight": 2.5},
        {"source": "ctl", "target": "line", "type": "funds", "amount": 1200000, "currency": "EUR"},
        {"source": "sp ace", "target": "a\"q", "type": "partner_of", "weight": 1e-5},
        {"source": "emoji-😀", "target": "back\\slash", "type": "partner_of", "weight": 7},
        {"source": "emoji-😀", "target": "sp ace", "type": "member_of"},
    ],
}
fix_path = os.path.join(tmp, "fixture.json")
with open(fix_path, "w", encoding="utf-8") as f:
    json.dump(fixture, f, ensure_ascii=False, indent=1)


def xml_text(s):
    """What XML 1.0 can hold of s."""
    return "".join("\ufffd" if (ord(c) < 0x20 and c not in "\t\n\r") or c in "\ufffe\uffff" else c for c in s)


def pajek_text(s):
    return s.replace("\r", " ").replace("\n", " ").replace("\t", " ")


def expected_graph(dataset, extra_args=()):
    """Nodes with their attributes and edges with weights, as kluster's own
    analysis says (kluster analyze JSON) plus the extract's fields."""
    out = run("analyze", dataset, "--format", "json", *extra_args)
    check(out.returncode == 0, "analyze %s: %s" % (dataset, out.stderr[-300:]))
    res = json.loads(out.stdout)
    return res


def compare_nodes(tag, G, res, ents, regions, id_of=lambda s: s, text=lambda s: s, metrics=True,
                  attrs=True, bool_as_int=False):
    actors = {a["id"]: a for a in res["actors"]}
    want_nodes = {id_of(i) for i in actors}
    check(set(G.nodes) == want_nodes, "%s: node set (%d vs %d; e.g. %r)" % (
        tag, len(G.nodes), len(want_nodes), sorted(set(G.nodes) ^ want_nodes)[:3]))
    want_edges = {}
    for u, v, w in res["ties"]:
        want_edges[frozenset((id_of(u), id_of(v)))] = w
    got_edges = {}
    for u, v, d in G.edges(data=True):
        got_edges[frozenset((u, v))] = d.get("weight")
    check(set(got_edges) == set(want_edges), "%s: edge set (%d vs %d)" % (tag, len(got_edges), len(want_edges)))
    bad = [k for k in want_edges if k in got_edges and not same_number(got_edges[k], want_edges[k])]
    check(not bad, "%s: edge weights (%d differ, e.g. %r)" % (tag, len(bad), bad[:1]))
    if not attrs:
        return
    keys = ["degree", "strength", "betweenness", "harmonic", "eigenvector", "pagerank", "coreness", "constraint",
            "effective_size", "articulation", "component", "community", "irb", "irb_share", "regions_reached",
            "participation_region", "participation_community", "ei_index"] if metrics else []
    bad = []
    for i, a in actors.items():
        n = id_of(i)
        if n not in G.nodes:
            continue
        d = G.nodes[n]
        e = ents[i]
        want = {"name": text(e["name"]), "kind": e["kind"]}
        if a["region"] is not None:
            want["region"] = text(a["region"])
            want["region_name"] = text(regions.get(a["region"], {}).get("name", a["region"]))
        for k in ("type", "country"):
            if k in e:
                want[k] = text(e[k])
        for k, v in e.items():
            if k not in ("id", "kind", "name", "region", "type", "country", "start", "end", "lat", "lon", "aliases", "record"):
                want[k] = text(v) if isinstance(v, str) else json.dumps(v)
        for k, v in want.items():
            if d.get(k) != v:
                bad.append((n, k, d.get(k), v))
        lat = e.get("lat", regions.get(a["region"], {}).get("lat") if a["region"] else None)
        if lat is not None and not same_number(d.get("lat"), lat):
            bad.append((n, "lat", d.get("lat"), lat))
        for k in keys:
            v = a.get(k)
            if v is None:
                if k in d:
                    bad.append((n, k, d[k], None))
                continue
            g = d.get(k)
            if g is None or not same_number(g, v):
                bad.append((n, k, g, v))
    check(not bad, "%s: node attributes (%d differ, e.g. %r)" % (tag, len(bad), bad[:3]))


def ents_regions(doc):
    return {e["id"]: e for e in doc["entities"]}, {r["id"]: r for r in doc.get("regions", [])}


def round_trips(tag, dataset, doc, big=False):
    res = expected_graph(dataset)
    ents, regions = ents_regions(doc)
    for ext, reader in (("graphml", nx.read_graphml), ("gexf", read_gexf), ("gml", nx.read_gml),
                        ("net", nx.read_pajek)):
        if big and ext == "gml":
            continue  # NetworkX's GML parser is slow; the fixtures cover GML
        out_path = os.path.join(tmp, "%s.%s" % (tag, ext))
        r = run("export", dataset, "--metrics", "-o", out_path)
        check(r.returncode == 0 and os.path.exists(out_path), "%s: export %s: %s" % (tag, ext, r.stderr[-300:]))
        if r.returncode:
            continue
        if ext in ("graphml", "gexf") and shutil.which("xmllint"):
            x = subprocess.run(["xmllint", "--noout", out_path], capture_output=True, text=True)
            check(x.returncode == 0, "%s.%s is well-formed XML: %s" % (tag, ext, x.stderr[:300]))
        try:
            G = reader(out_path)
        except Exception as ex:  # a parse failure is a test failure, not a crash
            check(False, "%s: NetworkX reads the %s: %r" % (tag, ext, ex))
            continue
        if ext == "net":
            G = nx.Graph(G)  # read_pajek gives a MultiGraph; kluster writes one edge per tie
            compare_nodes(tag + "." + ext, G, res, ents, regions, id_of=pajek_text, attrs=False)
        elif ext == "gml":
            compare_nodes(tag + "." + ext, G, res, ents, regions)
        else:
            compare_nodes(tag + "." + ext, G, res, ents, regions, text=xml_text)
        if ext == "gexf":
            viz = [d.get("viz", {}) for _, d in G.nodes(data=True)]
            check(all("color" in v and "size" in v for v in viz), "%s.gexf: every node has viz:color and viz:size" % tag)
        if ext in ("graphml", "gexf"):
            bridges = {frozenset(b) for b in res["bridges"]}
            got = {frozenset((u, v)) for u, v, d in G.edges(data=True) if d.get("bridge")}
            check(got == bridges, "%s.%s: bridge flags equal analyze's bridges" % (tag, ext))
    # the CSV pair
    base = os.path.join(tmp, tag + ".csv")
    r = run("export", dataset, "--metrics", "-o", base)
    check(r.returncode == 0 and not os.path.exists(base), "%s: export csv writes two files: %s" % (tag, r.stderr[-200:]))
    with open(os.path.join(tmp, tag + ".nodes.csv"), encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    with open(os.path.join(tmp, tag + ".edges.csv"), encoding="utf-8", newline="") as f:
        erows = list(csv.DictReader(f))
    G = nx.Graph()
    # the formula guard (docs/metrics.md): a ' first and after a , ; or tab
    # (and any quotes) that =, +, -, @, tab or CR follows
    unq = lambda s: re.sub(r"(^|[,;\t]\"*)'(?=[-=+@\t\r])", r"\1", s)
    for row in rows:
        attrs = {}
        for k, v in row.items():
            if k == "id" or v == "":
                continue
            if k in ("degree", "strength", "betweenness", "harmonic", "eigenvector", "pagerank", "coreness",
                     "constraint", "effective_size", "component", "community", "irb", "irb_share",
                     "regions_reached", "participation_region", "participation_community", "ei_index", "lat", "lon"):
                attrs[k] = float(v)
            elif k == "articulation":
                attrs[k] = v == "true"
            else:
                attrs[k] = unq(v)
        G.add_node(unq(row["id"]), **attrs)
    for row in erows:
        G.add_edge(unq(row["source"]), unq(row["target"]), weight=float(row["weight"]))
    compare_nodes(tag + ".csv", G, res, ents, regions)
    return res


round_trips("fixture", fix_path, fixture)
hostile = os.path.join(root, "tests", "data", "hostile-names", "hostile.json")
round_trips("hostile", hostile, json.load(open(hostile, encoding="utf-8")))

# exact strings: the hostile ids come back byte for byte where the format allows
G = nx.read_graphml(os.path.join(tmp, "fixture.graphml"))
check("Åsa Öberg" in G and G.nodes["Åsa Öberg"]["name"] == "Åsa Öberg 日本 😀", "graphml keeps UTF-8 (4-byte too)")
check(G.nodes["line"]["name"] == "Line one\nLine two\r\nthree\ttab", "graphml keeps CR, LF and tab")
check(G.nodes["ctl"]["name"] == "Bell\ufffd and \ufffd unit", "graphml replaces C0 controls with U+FFFD")
G = nx.read_gml(os.path.join(tmp, "fixture.gml"))
check(G.nodes["ctl"]["name"] == "Bell" + CTRL + " and \u001f unit", "gml keeps control characters as &#N;")
check(open(os.path.join(tmp, "fixture.gml"), "rb").read().isascii(), "gml output is ASCII")

# --------------------------------------------- JSON extract round trip
j1 = os.path.join(tmp, "fixture-out.json")
j2 = os.path.join(tmp, "fixture-again.json")
r1 = run("export", fix_path, "-o", j1)
r2 = run("export", j1, "-o", j2)
check(r1.returncode == 0 and r2.returncode == 0, "export .json twice: %s %s" % (r1.stderr, r2.stderr))
check(open(j1, "rb").read() == open(j2, "rb").read(), "the JSON extract reads back to the same extract")
back = json.load(open(j1, encoding="utf-8"))
check({e["id"]: e["name"] for e in back["entities"]} == {e["id"]: e["name"] for e in fixture["entities"]},
      "JSON extract: every id and name exact")
check(next(e for e in back["entities"] if e["id"] == "a\"q").get("size") == 12, "JSON extract keeps free attributes")
s1, s2 = run("analyze", fix_path), run("analyze", j1)
a1, a2 = json.loads(s1.stdout), json.loads(s2.stdout)
check(a1["actors"] == a2["actors"] and a1["ties"] == a2["ties"], "analysis of the exported extract is the same")
nd = os.path.join(tmp, "fixture-out.ndjson")
check(run("export", fix_path, "-o", nd).returncode == 0, "export .ndjson")
a3 = json.loads(run("analyze", nd).stdout)
check(a3["actors"] == a1["actors"], "analysis of the exported NDJSON is the same")

# -------------------------------------------- GraphML / GML as dataset input
for ext in ("graphml", "gml"):
    p = os.path.join(tmp, "fixture." + ext)
    r = run("analyze", p)
    check(r.returncode == 0, "analyze %s: %s" % (ext, r.stderr[-300:]))
    if r.returncode == 0:
        a = json.loads(r.stdout)
        want = {x["id"]: (x["kind"], x["region"], x["degree"]) for x in a1["actors"]}
        got = {x["id"]: (x["kind"], x["region"], x["degree"]) for x in a["actors"]}
        if ext == "graphml":  # XML turned the control characters into U+FFFD; ids and kinds survive
            check(got == want, "GraphML input: same actors, kinds, regions, degrees")
        else:
            check(got == want, "GML input: same actors, kinds, regions, degrees")
        wt = sorted(tuple(sorted((u, v))) + (w,) for u, v, w in a1["ties"])
        gt = sorted(tuple(sorted((u, v))) + (w,) for u, v, w in a["ties"])
        check(wt == gt, "%s input: same ties and weights" % ext)
# another tool's GraphML: NetworkX writes it, with attributes named its own way
H = nx.Graph()
H.add_node("n1", typ="person", land="Tröndelag", label="Kari Nordmann")
H.add_node("n2", typ="organisation", land="Oslo")
H.add_node("n3", typ="project")
H.add_edge("n1", "n2", weight=2.0)
H.add_edge("n2", "n3")
ext_g = os.path.join(tmp, "other.graphml")
nx.write_graphml(H, ext_g)
r = run("analyze", ext_g, "--kind-attr", "typ", "--region-attr", "land")
check(r.returncode == 0, "--kind-attr/--region-attr: %s" % r.stderr[-300:])
if r.returncode == 0:
    a = {x["id"]: x for x in json.loads(r.stdout)["actors"]}
    check(a["n1"]["kind"] == "person" and a["n1"]["region"] == "Tröndelag" and a["n3"]["region"] is None,
          "kinds and regions from the named attributes")
    check(a["n1"]["name"] == "Kari Nordmann" and a["n1"]["strength"] == 2.0, "names from label, weights kept")
r = run("stats", ext_g, "--kind-attr", "land")
check(r.returncode == 1 and "unknown kind 'Tröndelag'" in r.stderr and "other.graphml:nodes[0]: error:" in r.stderr,
      "a value that is not a kind is an error naming the node: %r" % r.stderr)
karate = os.path.join(data, "zachary-karate", "karate.gml")
if os.path.exists(karate):
    r = run("stats", karate)
    check(r.returncode == 0 and "34 actors, 78 ties" in r.stdout, "karate.gml loads: 34 actors, 78 ties")


# ------------------------------------------------------------------ imports
def load_ndjson(folder):
    recs = defaultdict(list)
    for name in sorted(os.listdir(folder)):
        p = os.path.join(folder, name)
        if name.endswith(".ndjson"):
            for line in open(p, encoding="utf-8"):
                r = json.loads(line)
                recs[r["record"]].append(r)
        elif name.endswith(".json"):
            d = json.load(open(p, encoding="utf-8"))
            for k, kind in (("entities", "entity"), ("relations", "relation"), ("regions", "region"),
                            ("sources", "source")):
                recs[kind].extend(d.get(k, []))
            recs["dataset"].append(d.get("dataset", {}))
    return recs


cordis_csv = os.path.join(data, "cordis-h2020-participations", "h2020_participations.csv")
if os.path.exists(cordis_csv):
    out = os.path.join(tmp, "cordis")
    r = run("import", "--map", "loaders/maps/cordis-h2020.json", cordis_csv, "-o", out)
    check(r.returncode == 0, "import CORDIS: %s" % r.stderr[-400:])
    check(re.search(r"35871 organisation, 31451 project\), 144726 relations, 169 regions", r.stdout),
          "CORDIS summary line: %r" % r.stdout)
    rows = list(csv.DictReader(open(cordis_csv, encoding="utf-8", newline="")))
    recs = load_ndjson(out)
    ents = {e["id"]: e for e in recs["entity"]}
    orgs = [e for e in recs["entity"] if e["kind"] == "organisation"]
    projs = [e for e in recs["entity"] if e["kind"] == "project"]
    # SOURCE.md: 144,726 rows, 35,871 PICs, 31,451 rcn, 169 countries, roles 31,476 / 106,108 / 7,142
    check(len(rows) == 144726, "CORDIS has 144,726 rows (SOURCE.md)")
    check(len(orgs) == 35871 == len({x["pic"] for x in rows}), "CORDIS: 35,871 organisations")
    check(len(projs) == 31451 == len({x["rcn"] for x in rows}), "CORDIS: 31,451 projects")
    check(len(recs["relation"]) == 144726, "CORDIS: one relation per row (no duplicate (rcn, pic))")
    types = Counter(x["type"] for x in recs["relation"])
    check(types == Counter({"coordinates": 31476, "participates_in": 106108 + 7142}),
          "CORDIS: coordinator rows coordinate, participant and partner rows participate: %r" % types)
    roles = Counter(x["role"] for x in recs["relation"])
    check(roles == Counter({"coordinator": 31476, "participant": 106108, "partner": 7142}), "CORDIS roles")
    countries = {x["country"] for x in rows}
    check(len(recs["region"]) == 169 == len(countries), "CORDIS: 169 countries are the regions")
    nam = [e for e in orgs if e.get("region") == "NA"]
    raw_na = {x["pic"] for x in rows if x["country"] == "NA"}
    check(len(raw_na) > 0 and {e["id"] for e in nam} == {"pic-" + p for p in raw_na},
          "CORDIS: country NA is Namibia, a region, not a missing value")
    regs = {g["id"]: g for g in recs["region"]}
    check(regs.get("NA", {}).get("name") == "Namibia" and "lat" in regs.get("NA", {}), "region NA is Namibia with a point")
    check(regs.get("EL", {}).get("name") == "Greece" and regs.get("UK", {}).get("name") == "United Kingdom",
          "CORDIS codes EL and UK joined to their points")
    check("lat" not in regs.get("HK", {"lat": 0}) and "warning: region 'HK' has no point" in r.stderr,
          "HK has no point and says so")
    per_country = Counter()
    seen = set()
    for x in rows:
        if x["pic"] not in seen:
            seen.add(x["pic"])
            per_country[x["country"]] += 1
    check(per_country == Counter(e["region"] for e in orgs), "CORDIS: organisations per country equal the raw table")
    check(all(e["name"] == "PIC " + e["id"][4:] for e in orgs) and all(p["name"].startswith("CORDIS rcn ") for p in projs),
          "CORDIS has no names: names are the ids, said so")
    check("no organisation or project names" in json.dumps(recs["dataset"]), "the dataset note says names are ids")
    na_amount = sum(1 for x in rows if x["contribution"] == "NA")
    check(sum(1 for x in recs["relation"] if "amount" not in x) == na_amount == 13754,
          "CORDIS: contribution NA in 13,754 rows is a missing amount")
    check(not any(e["kind"] == "funder" for e in recs["entity"]), "no funder is invented")
    v = run("validate", out)
    check(v.returncode == 0 and v.stderr == "", "the imported CORDIS dataset validates without warnings")

norway_csv = os.path.join(data, "norway-h2020-participations", "dataset.csv")
if os.path.exists(norway_csv):
    out = os.path.join(tmp, "norway")
    r = run("import", "--map", "loaders/maps/norway-h2020.json", norway_csv, "-o", out)
    check(r.returncode == 0, "import Norway: %s" % r.stderr[-400:])
    raw = open(norway_csv, "rb").read()
    check(b"\r\n" in raw and raw.count(b"\r\n") == raw.count(b"\n"), "the Norwegian table is CRLF")
    rows = list(csv.DictReader(open(norway_csv, encoding="utf-8", newline=""), delimiter=";"))
    recs = load_ndjson(out)
    orgs = [e for e in recs["entity"] if e["kind"] == "organisation"]
    projs = [e for e in recs["entity"] if e["kind"] == "project"]
    blank = [x for x in rows if not x["Organisasjonsnummer"]]
    # SOURCE.md: 2,931 rows, 1,957 projects, 693 distinct organisation numbers (blank in 3 rows)
    check(len(rows) == 2931 and len(blank) == 3, "Norway: 2,931 rows, 3 without organisation number")
    check(len({x["Organisasjonsnummer"] for x in rows}) == 693, "Norway: 693 distinct organisation numbers (blank counted)")
    check(len(orgs) == 692, "Norway: 692 organisations (the blank number is no organisation)")
    check(len(projs) == 1957 == len({x["Prosjektnr"] for x in rows}), "Norway: 1,957 projects")
    check(r.stderr.count("no id in column 'Organisasjonsnummer'") == 3, "the 3 rows without id are warned about")
    pairs = Counter((x["Organisasjonsnummer"], x["Prosjektnr"], x["Organisasjon rolle"]) for x in rows
                    if x["Organisasjonsnummer"])
    check(len(recs["relation"]) == len(pairs) == 2927, "Norway: 2,927 relations (2,931 - 3 blank - 1 duplicate row)")
    types = Counter(x["type"] for x in recs["relation"])
    want = Counter("coordinates" if k[2] == "COORDINATOR" else "participates_in" for k in pairs)
    check(types == want, "Norway: coordinator/participant roles: %r" % types)
    counties = Counter()
    seen = {}
    for x in rows:
        if x["Organisasjonsnummer"] and x["Organisasjonsnummer"] not in seen:
            seen[x["Organisasjonsnummer"]] = x["Adresse fylkenummer"]
    check(Counter(e.get("region") for e in orgs) ==
          Counter(("%02d" % int(c)) if c else None for c in seen.values()),
          "Norway: county per organisation, zero-padded ('3' -> '03')")
    regs = {g["id"]: g for g in recs["region"]}
    check(len(regs) == 12 and regs.get("03", {}).get("name") == "Oslo", "Norway: 12 counties (with Svalbard), 03 = Oslo")
    check(all("lat" in g for g in regs.values()) and abs(regs["03"]["lat"] - 59.9818) < 1e-9,
          "Norway: every county joined to its point (03 Oslo 59.9818 N)")
    s = next(e for e in orgs if e["id"] == "orgnr-919303808")
    check(s["name"] == "SINTEF AS" and s["region"] == "50" and s["municipality"] == "Trondheim",
          "Norway: SINTEF AS in Trøndelag (50), Trondheim")
    p = next(e for e in projs if e["id"] == "h2020-951956")
    check(p["start"] == "2020-06-01" and p["end"] == "2024-05-31", "Norway: dd.mm.yyyy dates read")
    check(any("Næringsliv" == e.get("sector") for e in orgs) and any("ø" in e["name"].lower() for e in orgs),
          "Norway: UTF-8 (æ, ø, å) survives the import")
    # the real data round trip through GraphML and GEXF
    round_trips("norway", out, {"entities": recs["entity"], "regions": recs["region"]}, big=True)
    # a second import replaces the folder it wrote; a foreign folder is refused
    r = run("import", "--map", "loaders/maps/norway-h2020.json", norway_csv, "-o", out, "-q")
    check(r.returncode == 0 and r.stderr == "", "import again replaces its own folder: %s" % r.stderr[-200:])
    foreign = os.path.join(tmp, "foreign")
    os.mkdir(foreign)
    open(os.path.join(foreign, "notes.txt"), "w").write("mine")
    r = run("import", "--map", "loaders/maps/norway-h2020.json", norway_csv, "-o", foreign)
    check(r.returncode == 1 and os.listdir(foreign) == ["notes.txt"], "a folder kluster did not write is not replaced")
    leftovers = [n for n in os.listdir(tmp) if ".tmp-" in n or ".old-" in n]
    check(not leftovers, "no temporary folders left behind: %r" % leftovers)

shutil.rmtree(tmp, ignore_errors=True)
print("exchange: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
