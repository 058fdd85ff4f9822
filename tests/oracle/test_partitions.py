#!/usr/bin/env python3
"""`kluster export --partitions N -o DIR`, the layout Spark GraphFrames reads,
checked with Python's csv module against NetworkX and the CSV pair export.

Datasets: gen.py --orgs 2000 (as JSON, NDJSON and a CSV set), the shipped
datasets/cleantech-se and a fixture of hostile ids (formula characters,
quotes, commas, line breaks, UTF-8); both --mode values; N = 1, 3 and 8.
For every export:
- the files: vertices/ and edges/ hold part-00000.csv .. part-(N-1).csv and
  _SUCCESS, the top folder _manifest.json, nothing else;
- headers exact in every part: `id` + the node columns of the CSV pair
  export; `src,dst,weight` (+ `bridge` with --metrics);
- every vertex id once across the parts, the same set as the nodes of
  `kluster export -o x.graphml` read with networkx.read_graphml, and every
  vertex row equal to its row in the CSV pair export;
- every edge once, src < dst in byte order, the same edge multiset and
  weights as NetworkX gets from the GraphML, both ends among the vertices;
- the assignment reproduced here: FNV-1a 64 of the id's bytes mod N for a
  vertex, of src for an edge; the manifest's row counts are the files';
- balance: with at least 1000 rows, the largest part holds at most 1.5 times
  the mean + 10;
- a rerun is byte-identical, and the three formats of one dataset give the
  same vertices and edges.
Then: an interrupted export (SIGINT, SIGTERM once the temporary folder
exists) leaves nothing behind.

Run from the repository root with KLUSTER set; last line
"partitions: N passed, M failed"."""
import csv, filecmp, glob, json, os, shutil, signal, subprocess, sys, tempfile, time
from collections import Counter

import networkx as nx

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
shared = os.environ.get("SHARED", os.path.join(root, "..", "shared"))
kluster = os.environ.get("KLUSTER", os.path.join(root, "kluster"))
if not os.path.isabs(kluster):
    kluster = os.path.join(root, kluster)
passed = failed = 0
csv.field_size_limit(1 << 30)


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL", what)
    return cond


def run(*args):
    return subprocess.run([kluster] + [str(a) for a in args], capture_output=True, text=True, cwd=root)


def fnv1a64(data):
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def unguard(cell):
    """The id behind a CSV cell: the formula guard (docs/metrics.md) put a '
    before an id that starts with = + - @ tab or CR."""
    if len(cell) > 1 and cell[0] == "'" and cell[1] in "=+-@\t\r":
        return cell[1:]
    return cell


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


tmp = tempfile.mkdtemp(prefix="kluster-partitions-")

# ------------------------------------------------------------------ datasets
gen = os.path.join(shared, "bench", "gen.py")
datasets = {}
for fmt, out in (("json", "g.json"), ("ndjson", "g.ndjson"), ("csv", "gcsv")):
    subprocess.run([sys.executable, gen, "--orgs", "2000", "--format", fmt, "--out", os.path.join(tmp, out)],
                   check=True, capture_output=True)
    datasets["gen-" + fmt] = os.path.join(tmp, out)
datasets["cleantech-se"] = os.path.join(root, "datasets", "cleantech-se")

hostile_ids = ["=SUM(A1)", "-minus", "+plus", "@at", "q\"uote", "com,ma", "line\nbreak", "Åsa Öberg 日本",
               "plain", "z-last", "'quote-first", "sp ace"]
fixture = {
    "format": "collab-extract/1",
    "dataset": {"id": "hostile-ids"},
    "regions": [{"id": "R1", "name": "=Region, \"one\""}],
    "entities": [{"id": i, "kind": "organisation", "name": "N " + i, "region": "R1"} for i in hostile_ids],
    "relations": [{"source": hostile_ids[k], "target": hostile_ids[(k * 5 + 3) % len(hostile_ids)],
                   "type": "partner_of", "weight": 1 + k / 7} for k in range(len(hostile_ids))],
}
with open(os.path.join(tmp, "hostile.json"), "w", encoding="utf-8") as f:
    json.dump(fixture, f, ensure_ascii=False)
datasets["hostile"] = os.path.join(tmp, "hostile.json")


def export_parts(ds, mode, n, out, extra=()):
    r = run("export", ds, "-q", "--mode", mode, "--partitions", n, "-o", out, *extra)
    check(r.returncode == 0, "export %s --mode %s --partitions %d: exit %d %s" % (ds, mode, n, r.returncode,
                                                                                 r.stderr.strip()))
    return r.returncode == 0


def read_parts(out, n):
    """{'vertices': [(header, rows) per part], 'edges': [...]} and the manifest."""
    parts = {}
    for kind in ("vertices", "edges"):
        parts[kind] = [read_csv(os.path.join(out, kind, "part-%05d.csv" % p)) for p in range(n)]
    with open(os.path.join(out, "_manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    return parts, manifest


def check_export(name, ds, mode, n, metrics=False):
    what = "%s --mode %s --partitions %d%s" % (name, mode, n, " --metrics" if metrics else "")
    extra = ("--metrics", "--samples", "64") if metrics else ()
    out = os.path.join(tmp, "p-%s-%s-%d-%d" % (name, mode, n, metrics))
    if not export_parts(ds, mode, n, out, extra):
        return None
    # the layout, nothing more
    want = {"_manifest.json", "vertices", "edges"}
    check(set(os.listdir(out)) == want, what + ": top folder holds " + str(sorted(os.listdir(out))))
    for kind in ("vertices", "edges"):
        want_files = {"_SUCCESS"} | {"part-%05d.csv" % p for p in range(n)}
        check(set(os.listdir(os.path.join(out, kind))) == want_files, what + ": " + kind + " files")
    parts, manifest = read_parts(out, n)

    # the non-partitioned exports of the same graph
    pair = os.path.join(tmp, "pair.csv")
    r = run("export", ds, "-q", "--mode", mode, "-o", pair, *extra)
    check(r.returncode == 0, what + ": CSV pair export")
    node_header, node_rows = read_csv(os.path.join(tmp, "pair.nodes.csv"))
    edge_header, edge_rows = read_csv(os.path.join(tmp, "pair.edges.csv"))
    gml = os.path.join(tmp, "ref.graphml")
    r = run("export", ds, "-q", "--mode", mode, "-o", gml)
    check(r.returncode == 0, what + ": GraphML export")
    G = nx.read_graphml(gml)

    # headers exact, in every part
    vhead = ["id"] + node_header[1:]
    ehead = ["src", "dst", "weight"] + (["bridge"] if metrics else [])
    check(node_header[0] == "id", what + ": CSV pair nodes header starts with id")
    check(edge_header == ["source", "target", "weight"] + (["bridge"] if metrics else []),
          what + ": CSV pair edges header " + str(edge_header))
    check(all(h == vhead for h, _ in parts["vertices"]), what + ": vertices headers")
    check(all(h == ehead for h, _ in parts["edges"]), what + ": edges headers")
    check(manifest["format"] == "kluster-partitions/1" and manifest["partitions"] == n and
          manifest["mode"] == mode and manifest["metrics"] == metrics, what + ": manifest header")
    check(manifest["vertices"]["columns"] == vhead and manifest["edges"]["columns"] == ehead,
          what + ": manifest columns")

    # vertices: each once, in the part of its hash, as the CSV pair has them
    seen = Counter()
    for p, (_, rows) in enumerate(parts["vertices"]):
        check(manifest["vertices"]["parts"][p] == {"file": "vertices/part-%05d.csv" % p, "rows": len(rows)},
              what + ": manifest rows of vertices part %d" % p)
        check(all(len(row) == len(vhead) for row in rows), what + ": vertex rows have %d cells" % len(vhead))
        bad = [row[0] for row in rows if fnv1a64(unguard(row[0]).encode()) % n != p]
        check(not bad, what + ": vertices in part %d by hash (%s)" % (p, bad[:3]))
        ids = [unguard(row[0]).encode() for row in rows]
        check(ids == sorted(ids), what + ": vertices of part %d in id order" % p)
        seen.update(row[0] for row in rows)
    check(max(seen.values(), default=1) == 1, what + ": a vertex id twice: " +
          str([i for i, c in seen.items() if c > 1][:3]))
    check(set(unguard(i) for i in seen) == set(G.nodes()), what + ": vertex ids = NetworkX nodes")
    all_vrows = sorted(tuple(row) for _, rows in parts["vertices"] for row in rows)
    check(all_vrows == sorted(tuple(row) for row in node_rows), what + ": vertex rows = CSV pair rows")
    check(manifest["vertices"]["rows"] == len(all_vrows), what + ": manifest vertex total")

    # edges: each once, src < dst, in the part of src's hash, as NetworkX
    edges = Counter()
    erows = []
    for p, (_, rows) in enumerate(parts["edges"]):
        check(manifest["edges"]["parts"][p] == {"file": "edges/part-%05d.csv" % p, "rows": len(rows)},
              what + ": manifest rows of edges part %d" % p)
        check(all(len(row) == len(ehead) for row in rows), what + ": edge rows have %d cells" % len(ehead))
        bad = [row[:2] for row in rows if fnv1a64(unguard(row[0]).encode()) % n != p]
        check(not bad, what + ": edges in part %d by the hash of src (%s)" % (p, bad[:3]))
        for row in rows:
            edges[(unguard(row[0]), unguard(row[1]))] += 1
            erows.append(tuple(row))
        bad = [row[:2] for row in rows if unguard(row[0]).encode() >= unguard(row[1]).encode()]
        check(not bad, what + ": src < dst in byte order in part %d (%s)" % (p, bad[:3]))
        bad = [row[:2] for row in rows if row[0] not in seen or row[1] not in seen]
        check(not bad, what + ": edge ends among the vertices in part %d (%s)" % (p, bad[:3]))
    check(max(edges.values(), default=1) == 1, what + ": an edge twice")
    ref = Counter()
    for u, v, data in G.edges(data=True):
        a, b = (u, v) if u.encode() < v.encode() else (v, u)
        ref[(a, b)] += 1
    check(edges == ref, what + ": edge multiset = NetworkX's (%d vs %d edges)" % (sum(edges.values()),
                                                                                  sum(ref.values())))
    weights_ok = all(float(row[2]) == G.edges[unguard(row[0]), unguard(row[1])]["weight"] for row in erows)
    check(weights_ok, what + ": weights = NetworkX's")
    check(sorted(erows) == sorted(tuple(r) for r in edge_rows), what + ": edge rows = CSV pair rows")
    check(manifest["edges"]["rows"] == len(erows), what + ": manifest edge total")

    # balance
    for kind in ("vertices", "edges"):
        sizes = [len(rows) for _, rows in parts[kind]]
        total = sum(sizes)
        if total >= 1000:
            mean = total / n
            check(max(sizes) <= 1.5 * mean + 10, what + ": %s balanced: %s" % (kind, sizes))

    # a rerun gives the same bytes
    again = out + "-again"
    if export_parts(ds, mode, n, again, extra):
        cmp = filecmp.dircmp(out, again)
        same = not cmp.diff_files and not cmp.left_only and not cmp.right_only and all(
            filecmp.cmp(os.path.join(out, k, f), os.path.join(again, k, f), shallow=False)
            for k in ("vertices", "edges") for f in os.listdir(os.path.join(out, k))) and filecmp.cmp(
            os.path.join(out, "_manifest.json"), os.path.join(again, "_manifest.json"), shallow=False)
        check(same, what + ": a rerun is byte-identical")
    return seen, edges


results = {}
for name, ds in datasets.items():
    for mode in ("full", "organisations"):
        for n in (1, 3, 8):
            results[(name, mode, n)] = check_export(name, ds, mode, n)
check_export("gen-json", datasets["gen-json"], "full", 3, metrics=True)
check_export("cleantech-se", datasets["cleantech-se"], "organisations", 8, metrics=True)

# the three formats of one generated dataset: the same graph
for mode in ("full", "organisations"):
    got = [results.get(("gen-" + f, mode, 8)) for f in ("json", "ndjson", "csv")]
    if all(got):
        check(all(set(g[0]) == set(got[0][0]) and g[1] == got[0][1] for g in got),
              "gen JSON, NDJSON and CSV give the same vertices and edges (--mode %s)" % mode)

# an interrupted export leaves nothing behind
subprocess.run([sys.executable, gen, "--orgs", "20000", "--out", os.path.join(tmp, "big.json")], check=True,
               capture_output=True)
for sig in (signal.SIGINT, signal.SIGTERM):
    outdir = os.path.join(tmp, "interrupt")
    os.makedirs(outdir)
    proc = subprocess.Popen([kluster, "export", os.path.join(tmp, "big.json"), "-q", "--partitions", "4096", "-o",
                             os.path.join(outdir, "parts")], stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while proc.poll() is None and time.time() < deadline and not glob.glob(os.path.join(outdir, ".parts.tmp-*")):
        time.sleep(0.002)
    proc.send_signal(sig)
    rc = proc.wait()
    left = sorted(os.listdir(outdir))
    if rc == 0:  # finished first: the whole export, nothing else
        check(left == ["parts"], "interrupt %s: finished, only the export left (%s)" % (sig.name, left))
    else:
        check(rc == -sig, "interrupt %s: ended by the signal (exit %d)" % (sig.name, rc))
        check(left == [], "interrupt %s: nothing left behind (%s)" % (sig.name, left))
    shutil.rmtree(outdir)

shutil.rmtree(tmp)
print("partitions: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
