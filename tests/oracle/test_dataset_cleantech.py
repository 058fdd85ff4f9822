#!/usr/bin/env python3
"""The shipped dataset datasets/cleantech-se, checked independently of kluster's
loader: counts computed here from the raw JSON (distinct entity ids, distinct
(source, target, type) relations) must equal what `kluster validate` reports;
every relation must carry evidence whose quote is an exact substring of the
article it cites (../shared/seeds; article 004 lost 'å' to '?' in the seed, so
there an 'å' in a quote may stand for a '?'); every entity must be an endpoint
of some relation; the same id must have the same kind, name and region in
every file; and the load must give no warnings."""
import glob, json, os, re, subprocess, sys

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
shared = os.environ.get("SHARED", os.path.join(root, "..", "shared"))
kluster = os.environ.get("KLUSTER", os.path.join(root, "kluster"))
ds_dir = os.path.join(root, "datasets", "cleantech-se")
failures = []
checks = 0


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        failures.append(what)


articles = {}
for path in sorted(glob.glob(os.path.join(shared, "seeds", "*.txt"))):
    articles[os.path.basename(path)[:3]] = open(path, encoding="utf-8").read()

entities, relations, seen = {}, set(), {}
files = sorted(glob.glob(os.path.join(ds_dir, "*.json")))
check(len(files) == 5, "five extract files, one per article")
for path in files:
    doc = json.load(open(path, encoding="utf-8"))
    prefix = os.path.basename(path)[:3]
    text = articles.get(prefix, "")
    sources = {s["id"] for s in doc.get("sources", [])}
    ends = set()
    for r in doc["relations"]:
        relations.add((r["source"], r["target"], r["type"]))
        ends.update((r["source"], r["target"]))
        ev = r.get("evidence", [])
        check(len(ev) > 0, "%s: relation %s->%s has evidence" % (prefix, r["source"], r["target"]))
        for e in ev:
            check(e["source"] in sources, "%s: evidence source %s listed" % (prefix, e["source"]))
            q = e.get("quote", "")
            pattern = "".join("[å?]" if c == "å" else re.escape(c) for c in q)
            check(q and re.search(pattern, text), "%s: quote %r is in the article" % (prefix, q))
    for e in doc["entities"]:
        check(e["id"] in ends, "%s: entity %s is an endpoint of a relation" % (prefix, e["id"]))
        key = (e["kind"], e["name"], e.get("region"))
        if e["id"] in seen:
            check(seen[e["id"]] == key, "%s: %s agrees with its first definition" % (prefix, e["id"]))
        seen[e["id"]] = key
        entities[e["id"]] = key

out = subprocess.run([kluster, "validate", ds_dir], capture_output=True, text=True)
check(out.returncode == 0, "kluster validate exits 0 (%s)" % out.stderr.strip())
check(out.stderr == "", "no warnings: %r" % out.stderr[:200])
m = re.search(r"valid: (\d+) entities, (\d+) relations", out.stdout)
check(m is not None, "validate prints counts")
if m:
    check(int(m.group(1)) == len(entities), "entities: kluster %s, independent %d" % (m.group(1), len(entities)))
    check(int(m.group(2)) == len(relations), "relations: kluster %s, independent %d" % (m.group(2), len(relations)))

for f in failures:
    print("FAIL", f)
print("dataset cleantech-se: %d passed, %d failed" % (checks - len(failures), len(failures)))
sys.exit(1 if failures else 0)
