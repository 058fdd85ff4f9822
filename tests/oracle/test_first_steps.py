#!/usr/bin/env python3
"""tests/oracle/test_first_steps.py - docs/first-steps.md works as written.

Runs every `$ ` command of the walkthrough in a fresh folder that holds only
`kluster` and `docs/` (as a clone does after `make`), in order, and checks
each exits 0 and prints every output line the page shows (lines "..." stand
for output left out).  The CSV lines and the import map the page quotes must
be those of docs/examples/, so the page cannot drift from the files.
"""
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tally import Tally  # noqa: E402

ROOT = os.environ.get("ROOT", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
KLUSTER = os.environ.get("KLUSTER", os.path.join(ROOT, "kluster"))
PAGE = os.path.join(ROOT, "docs", "first-steps.md")
T = Tally("first steps")


def steps(text):
    """[(command, [expected output lines])] from the page's indented blocks."""
    out, cur = [], None
    for line in text.splitlines():
        if line.startswith("    $ "):
            cur = (line[6:], [])
            out.append(cur)
        elif line.startswith("    ") and cur is not None:
            if line.strip() != "...":
                cur[1].append(line[4:])
        else:
            cur = None
    return out


def check_quotes(text):
    csv_lines = open(os.path.join(ROOT, "docs", "examples", "samverkan.csv"), encoding="utf-8-sig").read().splitlines()
    shown = [l[4:] for l in text.split("## 1. The spreadsheet")[1].split("## 2.")[0].splitlines()
             if l.startswith("    ") and ";" in l]
    T.check("the page quotes the sheet's first lines", shown == csv_lines[:len(shown)] and len(shown) == 3, shown)
    block = re.search(r"```json\n(.*?)```", text, re.S).group(1)
    quoted = json.loads(block)
    real = json.load(open(os.path.join(ROOT, "docs", "examples", "samverkan-map.json"), encoding="utf-8"))
    T.check("the page quotes the map", all(real.get(k) == v for k, v in quoted.items()),
            [k for k, v in quoted.items() if real.get(k) != v])


def main():
    text = open(PAGE, encoding="utf-8").read()
    check_quotes(text)
    with tempfile.TemporaryDirectory() as tmp:
        os.symlink(os.path.abspath(KLUSTER), os.path.join(tmp, "kluster"))
        os.symlink(os.path.join(ROOT, "docs"), os.path.join(tmp, "docs"))
        for command, expected in steps(text):
            argv = shlex.split(command)
            p = subprocess.run(argv, cwd=tmp, capture_output=True, text=True)
            said = p.stdout + p.stderr
            T.check("'%s' exits 0" % command, p.returncode == 0, said[-300:])
            missing = [e for e in expected if e not in said.splitlines()]
            T.check("'%s' prints what the page shows" % command, not missing, missing[:2])
        report = os.path.join(tmp, "out", "reports", "samverkan", "report.html")
        T.check("the report the page opens exists", os.path.exists(report))
        sv = os.path.join(tmp, "out", "rapporter", "samverkan", "report.html")
        T.check("the Swedish report is Swedish", os.path.exists(sv) and 'lang="sv"' in open(sv, encoding="utf-8").read())
        for name in ["samverkan.xlsx", "samverkan-bridges.xlsx"]:
            path = os.path.join(tmp, "out", name)
            T.check("%s is a workbook" % name, os.path.exists(path) and open(path, "rb").read(4) == b"PK\x03\x04")
    return T.summary()


if __name__ == "__main__":
    sys.exit(main())
