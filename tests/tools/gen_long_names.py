#!/usr/bin/env python3
"""gen_long_names.py BYTES FOLDER - a small network whose names are long:
one of BYTES bytes, two of a fifth of that (words with "Ø", two bytes in
UTF-8), and names
just at and past the 200 characters reports show: 200 and 201 "a", 300 "ø"
(two bytes each), 300 emoji (four bytes each)."""
import json
import os
import sys

size, out = int(sys.argv[1]), sys.argv[2]
word = "Østfold-teknologi "


def big(tag, n):
    text = tag + " " + word * (n // len(word.encode()) + 1)
    return text.encode()[:n].decode(errors="ignore")


names = {"a": big("Alpha", size), "b": big("Beta", size // 5), "p": big("Project", size // 5),
         "c": "a" * 200, "d": "a" * 201, "e": "ø" * 300, "f": "\U0001F600" * 300}
regions = [{"id": "R1", "name": "Region one", "lat": 59.9, "lon": 10.7},
           {"id": "R2", "name": "Region two", "lat": 63.4, "lon": 10.4}]
entities = [{"id": i, "kind": "project" if i == "p" else "organisation", "name": names[i]}
            for i in sorted(names)]
for e in entities:
    if e["id"] != "p":
        e["region"] = "R1" if e["id"] in "ace" else "R2"
relations = [{"source": s, "target": "p", "type": "participates_in"} for s in "abcdef"]
relations.append({"source": "a", "target": "b", "type": "partner_of"})
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "names.json"), "w", encoding="utf-8") as f:
    json.dump({"format": "collab-extract/1", "dataset": {"id": "long-names", "title": "Long names"},
               "sources": [], "regions": regions, "entities": entities, "relations": relations}, f,
              ensure_ascii=False)
