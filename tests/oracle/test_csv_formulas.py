#!/usr/bin/python3
"""tests/oracle/test_csv_formulas.py - no CSV kluster writes makes a
spreadsheet run a formula, whatever list separator its locale splits on.

The dataset tests/data/formula-names holds ids, names, region ids and names,
free attributes and an attribute name such as `x;=1+1;y`, `a<TAB>b`,
`=cmd|' /C calc'!A0`, `@SUM(1)`, `-2+3`, and actors with negative lat/lon.
Every CSV kluster writes of it (analyze, bridges, whatif --rank and --remove,
the export pair and partitions, batch's actors.csv and region_pairs.csv) is
read with Python's csv module splitting on ',', on ';' (Swedish, Norwegian,
German Excel) and on tab:

1. no cell starts with =, +, -, @, tab or CR unless it is a number;
2. read as RFC 4180 with ',', the id and name cells are the input text with
   the guard described in docs/metrics.md (a ' before a leading formula
   character and after a , ; or tab that one follows), computed here;
3. negative numbers stay numbers: the export's lon column of `plain` is
   -18.25, a float, not '-18.25.
Run from the repository root with $KLUSTER."""
import csv
import glob
import io
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tally import Tally  # noqa: E402

KLUSTER = os.environ.get("KLUSTER", "./kluster")
DATA = "tests/data/formula-names/formula.json"
STARTERS = "=+-@\t\r"
t = Tally("csv formulas")


def run(*args):
    p = subprocess.run([KLUSTER] + list(args), capture_output=True)
    t.check("exit 0: %s" % " ".join(args), p.returncode == 0, p.stderr.decode(errors="replace"))
    return p.stdout.decode()


def is_number(cell):
    try:
        float(cell)
        return True
    except ValueError:
        return False


def guard(s):
    """The expected cell text (before RFC 4180 quoting) of text s."""
    out = "'" if s[:1] and s[0] in STARTERS else ""
    for i, c in enumerate(s):
        out += c
        if c in ",;\t":
            rest = s[i + 1:].lstrip('"')
            if rest[:1] and rest[0] in STARTERS:
                out += "'"
    return out


with open(DATA, encoding="utf-8") as f:
    dataset = json.load(f)
entities = {e["id"]: e for e in dataset["entities"]}
regions = {r["id"]: r for r in dataset["regions"]}

tmp = tempfile.mkdtemp(prefix="kluster-csv-formulas-")
files = {}  # label -> text
files["analyze"] = run("analyze", DATA, "--format", "csv")
files["bridges"] = run("bridges", DATA, "--format", "csv")
files["whatif --rank"] = run("whatif", DATA, "--rank", "--format", "csv")
files["whatif --remove"] = run("whatif", DATA, "--remove", "plain", "--format", "csv")
run("export", DATA, "-o", os.path.join(tmp, "pair.csv"))
run("export", DATA, "--metrics", "--partitions", "3", "-o", os.path.join(tmp, "parts"))
run("batch", os.path.dirname(DATA), "-o", os.path.join(tmp, "batch"), "-j", "1", "-q")
for path in sorted(glob.glob(os.path.join(tmp, "**", "*.csv"), recursive=True)):
    with open(path, encoding="utf-8", newline="") as f:
        files[os.path.relpath(path, tmp)] = f.read()
t.check("every writer wrote", len(files) >= 4 + 2 + 6 + 2, sorted(files))

# 1. whatever the separator, no formula
for label, text in files.items():
    t.check("%s is not empty" % label, text.count("\n") >= 2, text[:200])
    for delim in (",", ";", "\t"):
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delim):
            for cell in row:
                ok = not cell or cell[0] not in STARTERS or is_number(cell)
                t.check("%s split on %r: cell %r" % (label, delim, cell[:60]), ok)

# 2. ids and names, read back with ',': the input text with its guard
rows = list(csv.DictReader(io.StringIO(files["analyze"], newline="")))
t.check("analyze: one row per actor", len(rows) == len(entities), len(rows))
ids_seen = set()
for row in rows:
    match = [e for e in entities.values() if guard(e["id"]) == row["id"]]
    t.check("analyze: id %r is a guarded input id" % row["id"], len(match) == 1)
    if match:
        e = match[0]
        ids_seen.add(e["id"])
        t.check("analyze: name of %r" % e["id"], row["name"] == guard(e["name"]), row["name"])
        t.check("analyze: region of %r" % e["id"], row["region"] == guard(e["region"]), row["region"])
t.check("analyze: every actor", ids_seen == set(entities), ids_seen ^ set(entities))

pairs = list(csv.DictReader(io.StringIO(files["bridges"], newline="")))
t.check("bridges: 3 region pairs", len(pairs) == 3, len(pairs))
for row in pairs:
    for end in ("a", "b"):
        match = [r for r in regions.values() if guard(r["id"]) == row[end]]
        t.check("bridges: %s %r is a guarded region id" % (end, row[end]), len(match) == 1)
        if match:
            t.check("bridges: %s_name" % end, row[end + "_name"] == guard(match[0]["name"]), row[end + "_name"])

# 3. numbers stay numbers
nodes = {r["id"]: r for r in csv.DictReader(io.StringIO(files["pair.nodes.csv"], newline=""))}
t.check("export: lat/lon of plain are numbers", "plain" in nodes and nodes["plain"]["lon"] == "-18.25"
        and float(nodes["plain"]["lat"]) == -33.9, nodes.get("plain"))
header = next(csv.reader(io.StringIO(files["pair.nodes.csv"], newline="")))
t.check("export: attribute name guarded", guard("x;=col") in header, header)
t.check("export: text attribute '-7' guarded", guard("+pendant") in nodes and nodes[guard("+pendant")]["note"] == "'-7",
        nodes.get(guard("+pendant")))

subprocess.run(["rm", "-rf", tmp])
sys.exit(t.summary())
