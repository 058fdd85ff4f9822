#!/usr/bin/env python3
"""gen_many_regions.py N FOLDER [--no-points] [--two-projects] - a dataset of
N regions, one organisation each, all in one project (or in each of two): the
region map has N regions and N(N-1)/2 region pairs from a file of a few
hundred kB."""
import json
import os
import sys

n, out = int(sys.argv[1]), sys.argv[2]
points = "--no-points" not in sys.argv[3:]
regions = []
for i in range(n):
    r = {"id": "R%04d" % i, "name": "Region %d" % i}
    if points:
        r["lat"], r["lon"] = 55 + (i % 50) * 0.3, 5 + (i // 50) * 0.5
    regions.append(r)
entities = [{"id": "o%04d" % i, "kind": "organisation", "name": "Org %d" % i, "region": "R%04d" % i}
            for i in range(n)]
projects = ["p", "q"] if "--two-projects" in sys.argv[3:] else ["p"]
entities += [{"id": p, "kind": "project", "name": "Project " + p} for p in projects]
relations = [{"source": "o%04d" % i, "target": p, "type": "participates_in"} for p in projects for i in range(n)]
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "regions.json"), "w") as f:
    json.dump({"format": "collab-extract/1", "dataset": {"id": "many-regions", "title": "Many regions"},
               "sources": [], "regions": regions, "entities": entities, "relations": relations}, f)
