#!/usr/bin/python3
"""tests/oracle/check_batch_trend.py FOLDER - the "Over time" section of a
`kluster batch` dataset folder against the trend.json beside it (run by
test_batch.sh).  In report.md and report.html alike: the period columns are
trend.json's periods; the periods side by side give each period's active
actors, ties, regions, region pairs connected (of all) and fragile pairs;
the brokers' table gives each period's top brokers with their rank and irb
share; each period's lists of what changed count the entered brokers and
the pairs connected and disconnected that trend.json lists.  Exit 1 with
the first difference on stderr."""
import html
import json
import re
import sys

folder = sys.argv[1]
trend = json.load(open(folder + "/trend.json", encoding="utf-8"))
periods = trend["periods"]
labels = [p["period"] for p in periods]
ROWS = [("actors with ties", "active_actors"), ("ties", "edges"), ("regions with actors", "regions"),
        ("region pairs connected", "region_pairs_connected"), ("fragile region pairs", "fragile_pairs")]


def fail(msg):
    sys.stderr.write("%s: %s\n" % (folder, msg))
    sys.exit(1)


def expect(what, got, want):
    if got != want:
        fail("%s: report says %r, trend.json %r" % (what, got, want))


def want_brokers(i):
    return sorted((b["name"], b["rank"], round(100 * b["irb_share"], 1)) for b in periods[i]["brokers"])


def want_changes(i):
    c = periods[i]["changes"]
    entered = sum(1 for b in c["brokers"] if b["change"] == "entered")
    return entered, len(c["pairs_connected"]), len(c["pairs_disconnected"])


# ------------------------------------------------------------- Markdown
md = open(folder + "/report.md", encoding="utf-8").read()
if md.count("\n## Over time\n") != 1:
    fail("report.md has no 'Over time' section")
sec = md.split("\n## Over time\n", 1)[1]
tables = [[[c.strip() for c in line.strip().strip("|").split("|")] for line in block.splitlines()]
          for block in re.findall(r"((?:^\|.*\|\n)+)", sec, re.M)]
side, brokers = tables[0], tables[1]
expect("md period columns", side[0][1:], labels)
expect("md broker columns", brokers[0][2:], labels)
for (label, key), row in zip(ROWS, side[2:]):
    expect("md row", row[0], label)
    for i, cell in enumerate(row[1:]):
        g = periods[i]["graph"]
        want = "%d of %d" % (g[key], g["region_pairs"]) if key == "region_pairs_connected" else str(g[key])
        expect("md %s in %s" % (label, labels[i]), cell, want)
for i in range(len(periods)):
    got = []
    for row in brokers[2:]:
        m = re.fullmatch(r"(\d+) \(([\d.]+)%\)", row[2 + i])
        if m:
            got.append((row[0].replace("\\", ""), int(m.group(1)), float(m.group(2))))
    expect("md brokers in %s" % labels[i], sorted(got), want_brokers(i))
blocks = re.split(r"^#### ", sec, flags=re.M)[1:]
expect("md periods with changes", len(blocks), len(periods) - 1)


def count(text, what):
    m = re.search(r"^- %s \((\d+)\)" % re.escape(what), text, re.M)
    return int(m.group(1)) if m else 0


for i, block in enumerate(blocks, 1):
    expect("md heading", block.split("\n", 1)[0], "%s against %s" % (labels[i], labels[i - 1]))
    m = re.search(r"^- Entered the top \d+: (.*)$", block, re.M)
    got = (len(m.group(1).split("; ")) if m else 0, count(block, "Region pairs connected"),
           count(block, "No longer connected"))
    expect("md changes in %s" % labels[i], got, want_changes(i))
    # at most --top of each list
    for line in re.findall(r"^- .*$", block, re.M):
        if len(line.split("; ")) > trend["options"]["top"] + 1:
            fail("md list longer than --top in %s: %s" % (labels[i], line[:80]))
if trend["options"]["top"] and "[trend.json](trend.json)" not in sec:
    fail("report.md does not link trend.json")

# ----------------------------------------------------------------- HTML
page = open(folder + "/report.html", encoding="utf-8").read()
if page.count('<h2 id="time">Over time</h2>') != 1:
    fail("report.html has no 'Over time' section")
sec = page.split('<h2 id="time">', 1)[1].split("<h2 ", 1)[0]
if 'href="trend.json"' not in sec:
    fail("report.html does not link trend.json")
tabs = re.findall(r'<table class="time">(.*?)</table>', sec, re.S)
heads = [[html.unescape(h) for h in re.findall(r'<th class="n">(.*?)</th>', t.split("</thead>")[0])] for t in tabs]
expect("html period columns", heads[0], labels)
expect("html broker columns", heads[1], labels)
rows = re.findall(r"<tr><th>(.*?)</th>(.*?)</tr>", tabs[0].split("<tbody>", 1)[1])
expect("html rows", [r[0] for r in rows], [r[0] for r in ROWS])
for (label, key), (_, cells) in zip(ROWS, rows):
    for i, cell in enumerate(re.findall(r'<td class="n">(.*?)</td>', cells)):
        g = periods[i]["graph"]
        want = ('%d<br><span class="muted">of %d</span>' % (g[key], g["region_pairs"])
                if key == "region_pairs_connected" else str(g[key]))
        expect("html %s in %s" % (label, labels[i]), cell, want)
body = tabs[1].split("<tbody>", 1)[1]
got = [[] for _ in periods]
for name, cells in re.findall(r"<tr><td><b>(.*?)</b></td><td>.*?</td>(.*?)</tr>", body):
    for i, cell in enumerate(re.findall(r"<td class=\"n[^\"]*\">(.*?)</td>", cells)):
        m = re.fullmatch(r'(\d+)<br><span class="muted">([\d.]+)\u202f%</span>', html.unescape(cell))
        if m:
            got[i].append((html.unescape(name), int(m.group(1)), float(m.group(2))))
for i in range(len(periods)):
    expect("html brokers in %s" % labels[i], sorted(got[i]), want_brokers(i))
cards = re.findall(r"<h4>(.*?)</h4>\n(.*?)</div>", sec, re.S)
expect("html periods with changes", len(cards), len(periods) - 1)
for i, (head, card) in enumerate(cards, 1):
    expect("html heading", head, "%s against %s" % (labels[i], labels[i - 1]))
    m = re.search(r"<li>Entered the top \d+: (.*?)</li>", card)
    c = lambda what: int((re.search(r"<li>%s \((\d+)\)" % what, card) or [0, 0])[1])
    expect("html changes in %s" % labels[i],
           (len(m.group(1).split("; ")) if m else 0, c("Region pairs connected"), c("No longer connected")),
           want_changes(i))
print("%s: the section's tables equal trend.json (%d periods)" % (folder, len(periods)))
