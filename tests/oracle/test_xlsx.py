"""tests/oracle/test_xlsx.py - the Excel workbooks of `--format xlsx`, read
back with openpyxl (as a spreadsheet user sees them), against the JSON and
CSV the same command prints:

  - analyze: actors (every column of the CSV, in its order), regions,
    region pairs, brokers, warnings and about (the dataset and graph
    numbers of the JSON, then one line per column of every other sheet);
  - bridges: regions, region pairs (the CSV's rows; its brokers cell
    against the brokers sheet), brokers, top brokers (the JSON's);
  - whatif: --remove (summary, removed, region pairs) and --rank;
  - trend: periods (the JSON's graph numbers), actors and region pairs (the
    two tidy CSV tables), broker changes and pair changes (the JSON's);
  - in every sheet: the bold header row frozen (freeze_panes A2) with an
    autofilter over the table; numbers as numbers (int or float, never
    text; within 1e-12 relative of the CSV's 17 digits), true/false as
    booleans, text as text, an undefined value as an empty cell;
  - names that start with = + - @ are text cells, never formulas;
  - byte-identical output from run to run, and to batch's report.xlsx;
  - --format xlsx without -o FILE, or with -o -: a usage error, exit 2,
    nothing written; a folder that does not exist: exit 1, nothing left.

Datasets: cleantech-se, tests/data/formula-names, a tiny extract made here
with an actor named =SUM(A1), and the Norwegian import (organisations mode
with --weights, --ties with a window; bridges, whatif --rank and trend over
it).  Under the sanitizer build batch and all Norwegian runs but the first
are left to the release pass (TEST_MODE); without ../shared the Norwegian
runs are skipped."""
import csv
import io
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

import openpyxl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tally import Tally  # noqa: E402

ROOT = os.environ.get("ROOT", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
KLUSTER = os.environ.get("KLUSTER", os.path.join(ROOT, "kluster"))
SHARED = os.environ.get("SHARED", os.path.join(ROOT, "..", "shared"))
NORWAY_CSV = os.path.join(SHARED, "data", "norway-h2020-participations", "dataset.csv")
RELEASE = os.environ.get("TEST_MODE", "release") == "release"
T = Tally("xlsx")


def run(*args, rc=0):
    p = subprocess.run([KLUSTER] + list(args), capture_output=True, cwd=ROOT)
    if p.returncode != rc:
        raise RuntimeError("kluster %s: exit %d: %s" % (" ".join(args), p.returncode, p.stderr[-400:]))
    return p.stdout.decode("utf-8")


def workbook(path):
    """{sheet: (header, rows)}, and the sheets as openpyxl has them."""
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        out[ws.title] = (rows[0] if rows else [], rows[1:])
    return out, wb


def csv_rows(text):
    rows = list(csv.reader(io.StringIO(text)))
    return rows[0], rows[1:]


def same_number(x, y):
    return x == y or abs(x - y) <= 1e-12 * max(abs(x), abs(y))


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def want_value(got, want):
    """A cell against what the JSON holds: None, bool, a number, text."""
    if want is None:
        return got is None
    if isinstance(want, bool):
        return got is want
    if isinstance(want, (int, float)):
        return is_number(got) and same_number(float(got), float(want))
    return isinstance(got, str) and got == want


def want_csv(got, cell, text=None):
    """A cell against the CSV's cell: empty, true/false, a number; text
    columns compare with the JSON's string (text), as the CSV guards
    formulas with a leading quote."""
    if text is not None:
        return want_value(got, text)
    if cell == "":
        return got is None
    if cell in ("true", "false"):
        return got is (cell == "true")
    try:
        x = float(cell)
    except ValueError:
        return got == cell
    return is_number(got) and same_number(float(got), x)


def check_table(case, sheet, book, header, rows, want):
    """Sheet `sheet` has `header` and len(rows) rows; want(i, c, got) checks
    cell c of row i."""
    if sheet not in book:
        T.check("%s: sheet %s present" % (case, sheet), False, sorted(book))
        return
    h, got = book[sheet]
    T.check("%s: %s header" % (case, sheet), h == header, (h, header))
    T.check("%s: %s rows" % (case, sheet), len(got) == len(rows), (len(got), len(rows)))
    bad = []
    for i, row in enumerate(got[:len(rows)]):
        for c, name in enumerate(header):
            if not want(i, name, row[c]):
                bad.append((i, name, row[c]))
    T.check("%s: %s cells as the JSON/CSV" % (case, sheet), not bad, bad[:5])


def check_form(case, wb):
    """Every sheet: header bold and frozen, an autofilter over the table, no
    formula cell anywhere."""
    for ws in wb.worksheets:
        T.check("%s: %s header frozen" % (case, ws.title), ws.freeze_panes == "A2", ws.freeze_panes)
        ref = ws.auto_filter.ref or ""
        T.check("%s: %s autofilter over the table" % (case, ws.title),
                ref == "A1:%s%d" % (openpyxl.utils.get_column_letter(ws.max_column), ws.max_row), ref)
        T.check("%s: %s header bold" % (case, ws.title), all(c.font.b for c in ws[1]))
        formulas = [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]
        T.check("%s: %s holds no formula" % (case, ws.title), not formulas, formulas[:3])


def check_about(case, book, sections):
    """about: the lines of sections ({section: {key: value}}) first, then one
    line per column of every other sheet, in sheet order, with a meaning."""
    header, rows = book["about"]
    T.check("%s: about header" % case, header == ["section", "key", "value"], header)
    meta = {(r[0], r[1]): r[2] for r in rows}
    for section, values in sections.items():
        bad = [(k, meta.get((section, k), "missing"), v) for k, v in values.items()
               if (section, k) not in meta or not want_value(meta[(section, k)], v)]
        T.check("%s: about %s as the JSON" % (case, section), not bad, bad[:5])
    cols = [(s, c) for s in book if s != "about" for c in book[s][0]]
    lines = [(r[0], r[1]) for r in rows if r[0] in book and r[0] != "about"]
    T.check("%s: about names every column of every sheet" % case, lines == cols, set(cols) ^ set(lines))
    T.check("%s: about says what each column means" % case,
            all(isinstance(r[2], str) and r[2] for r in rows if r[0] in book), "")


def flat(prefix, obj):
    """{"window.from": ...} from {"window": {"from": ...}}; lists joined by
    commas; a null object gives null members where the workbook has them."""
    out = {}
    for k, v in obj.items():
        if isinstance(v, dict):
            out.update(flat(prefix + k + ".", v))
        elif isinstance(v, list):
            out[prefix + k] = ",".join(v)
        else:
            out[prefix + k] = v
    return out


def graph_meta(graph):
    g = flat("", graph)
    for k in ("window", "sampled", "dominant_actor"):
        if graph.get(k) is None:
            g.pop(k, None)
    if graph.get("sampled") is None:
        g["sampled.method"] = None
    if graph.get("dominant_actor") is None:
        g["dominant_actor.id"] = g["dominant_actor.irb_share"] = None
    if graph.get("window") is None and "weighted_paths" in graph:
        g["window.from"] = g["window.to"] = None
    return g


def warnings_check(case, book, ds_warnings):
    """warnings: the JSON's lines, each split into file, line, column and
    message that put together give the line again."""
    header = ["file", "line", "column", "kind", "message", "text"]
    check_table(case, "warnings", book, header, ds_warnings,
                lambda i, k, got: k != "text" or want_value(got, ds_warnings[i]))
    bad = [r for r in book["warnings"][1]
           if "%s%s%s: warning: %s" % (r[0], "" if r[1] is None else ":%d" % r[1], "" if r[2] is None else
                                       ":%d" % r[2], r[4]) != r[5] or not isinstance(r[3], str)]
    T.check("%s: warnings split at file:line:col" % case, not bad, bad[:2])


def pair_sheets(case, book, out, csv_pairs=None):
    """regions, region pairs and brokers against the JSON's regions and
    region_pairs (and bridges' CSV rows when given)."""
    regions = out["regions"]
    rkeys = ["id", "name", "actors", "internal_ties", "external_ties", "regionless_ties", "ei_index", "lat", "lon"]
    check_table(case, "regions", book, rkeys, regions, lambda i, k, got: want_value(got, regions[i][k]))
    names = {r["id"]: r["name"] for r in regions}
    pairs = out["region_pairs"]
    pkeys = ["a", "b", "a_name", "b_name", "connected", "direct_ties", "distance", "actor_pairs", "links", "brokers",
             "brokers_epsilon", "brokers_delta", "cut_actors", "fragile"]

    def want_pair(i, k, got):
        p = pairs[i]
        if k in ("a_name", "b_name"):
            return want_value(got, names[p[k[0]]])
        if k == "brokers":
            return want_value(got, None if p["brokers"] is None else len(p["brokers"]))
        if k in ("brokers_epsilon", "brokers_delta"):
            return want_value(got, p["brokers_sampled"] and p["brokers_sampled"][k[8:]])
        if k == "cut_actors":
            return want_value(got, "|".join(p["cut_actors"]) or None)
        return want_value(got, p[k])
    check_table(case, "region pairs", book, pkeys, pairs, want_pair)
    if csv_pairs is not None:
        header, rows = csv_rows(csv_pairs)
        T.check("%s: region pairs as many as the CSV's" % case, len(rows) == len(pairs), (len(rows), len(pairs)))
        texts = {"a", "b", "a_name", "b_name", "cut_actors", "brokers"}
        bad = [(i, k) for i, row in enumerate(rows) for c, k in enumerate(header)
               if k not in texts and not want_csv(book["region pairs"][1][i][pkeys.index(k)], row[c])]
        T.check("%s: region pairs' numbers as the CSV's" % case, not bad, bad[:5])
        bad = []
        for row in rows:  # the CSV's brokers cell: id:share|id:share...
            want = [x.rsplit(":", 1) for x in row[9].split("|")] if row[9] else []
            got = [(b[3], b[5]) for b in book["brokers"][1] if (b[0], b[1]) == (row[0], row[1])]
            if len(got) != len(want) or not all(g[0] == w[0] and is_number(g[1]) and
                                                same_number(float(g[1]), float(w[1])) for g, w in zip(got, want)):
                bad.append((row[0], row[1], got, want))
        T.check("%s: brokers sheet as the CSV's brokers cells" % case, not bad, bad[:3])
    brokers = [(p, k, b) for p in pairs for k, b in enumerate(p["brokers"] or [])]
    actors = {a["id"]: a["name"] for a in out.get("actors", [])}

    def want_broker(i, k, got):
        p, rank, b = brokers[i]
        return want_value(got, {"a": p["a"], "b": p["b"], "rank": rank + 1, "id": b["id"], "share": b["share"],
                                "name": actors.get(b["id"], got)}[k])
    check_table(case, "brokers", book, ["a", "b", "rank", "id", "name", "share"], brokers, want_broker)


def check_analyze(case, dataset, opts, tmp):
    path = os.path.join(tmp, "analysis.xlsx")
    run("analyze", "-q", dataset, "-f", "xlsx", "-o", path, *opts)
    book, wb = workbook(path)
    out = json.loads(run("analyze", "-q", dataset, *opts))
    header, rows = csv_rows(run("analyze", "-q", dataset, "-f", "csv", *opts))
    T.check("%s: the sheets" % case, list(book) == ["actors", "regions", "region pairs", "brokers", "warnings",
                                                     "about"], list(book))
    actors = out["actors"]
    text = {"id", "name", "kind", "region"}
    check_table(case, "actors", book, header, rows,
                lambda i, k, got: want_csv(got, rows[i][header.index(k)], actors[i][k] if k in text else None))
    pair_sheets(case, book, out)
    warnings_check(case, book, out["warnings"])
    dataset_meta = dict(out["dataset"])
    check_about(case, book, {"dataset": dataset_meta, "graph": graph_meta(out["graph"]),
                             "kluster": {"command": "analyze"}})
    check_form(case, wb)
    return path


def check_bridges(case, dataset, opts, tmp):
    path = os.path.join(tmp, "bridges.xlsx")
    run("bridges", "-q", dataset, "-f", "xlsx", "-o", path, *opts)
    book, wb = workbook(path)
    out = json.loads(run("bridges", "-q", dataset, "-f", "json", *opts))
    pairs_csv = run("bridges", "-q", dataset, "-f", "csv", *opts)
    T.check("%s: the sheets" % case, list(book) == ["regions", "region pairs", "brokers", "top brokers", "warnings",
                                                     "about"], list(book))
    pair_sheets(case, book, out, pairs_csv)
    keys = ["id", "name", "kind", "region", "irb", "irb_share", "regions_reached", "participation_region", "ei_index",
            "disconnects"]
    top = out["brokers"]
    check_table(case, "top brokers", book, keys, top, lambda i, k, got: want_value(got, top[i][k]))
    check_about(case, book, {"dataset": out["dataset"], "graph": graph_meta(out["graph"])})
    check_form(case, wb)


def check_whatif(case, dataset, opts, tmp):
    path = os.path.join(tmp, "whatif.xlsx")
    run("whatif", "-q", dataset, "-f", "xlsx", "-o", path, *opts)
    book, wb = workbook(path)
    out = json.loads(run("whatif", "-q", dataset, "-f", "json", *opts))
    header, rows = csv_rows(run("whatif", "-q", dataset, "-f", "csv", *opts))
    if "--rank" in opts:
        T.check("%s: the sheets" % case, list(book) == ["rank", "warnings", "about"], list(book))
        rank = out["rank"]
        check_table(case, "rank", book, header, rows,
                    lambda i, k, got: want_csv(got, rows[i][header.index(k)],
                                               rank[i][k] if k in ("id", "name", "kind", "region") else None))
        check_about(case, book, {"graph": {"mode": out["mode"], "cross_region_pairs": out["cross_region_pairs"]}})
    else:
        T.check("%s: the sheets" % case, list(book) == ["summary", "removed", "region pairs", "warnings", "about"],
                list(book))
        b, a, s = out["before"], out["after"], out["stayed_connected"]
        summary = [[k, b[k], a[k]] for k in b] + [
            ["lost_actor_pairs", None, out["lost_actor_pairs"]],
            ["stayed_connected.actor_pairs", s["actor_pairs"], s["actor_pairs"]],
            ["stayed_connected.mean_distance", s["mean_distance_before"], s["mean_distance_after"]]]
        check_table(case, "summary", book, ["measure", "before", "after"], summary,
                    lambda i, k, got: want_value(got, summary[i][["measure", "before", "after"].index(k)]))
        T.check("%s: removed as the JSON" % case, [r[0] for r in book["removed"][1]] == out["removed"],
                (book["removed"][1], out["removed"]))
        check_table(case, "region pairs", book, header, rows,
                    lambda i, k, got: want_csv(got, rows[i][header.index(k)],
                                               out["region_pairs"][i][k] if k in ("a", "b") else None))
    check_about(case, book, {"dataset": out["dataset"]})
    check_form(case, wb)


def check_trend(case, dataset, opts, tmp):
    path = os.path.join(tmp, "trend.xlsx")
    run("trend", "-q", dataset, "-f", "xlsx", "-o", path, *opts)
    book, wb = workbook(path)
    out = json.loads(run("trend", "-q", dataset, *opts))
    T.check("%s: the sheets" % case, list(book) == ["periods", "actors", "region pairs", "broker changes",
                                                     "pair changes", "warnings", "about"], list(book))
    periods = out["periods"]
    pkeys = book["periods"][0]

    def want_period(i, k, got):
        P, g = periods[i], periods[i]["graph"]
        if k in ("period", "from", "to"):
            return want_value(got, P[k])
        if k == "sampled":
            return want_value(got, g["sampled"] and g["sampled"]["method"])
        if k in ("samples", "epsilon", "delta"):
            return want_value(got, (g["sampled"] or {}).get(k))
        return want_value(got, g[k])
    check_table(case, "periods", book, pkeys, periods, want_period)
    for table, sheet in (("actors", "actors"), ("pairs", "region pairs")):
        header, rows = csv_rows(run("trend", "-q", dataset, "-f", "csv", "--table", table, *opts))
        texts = {"period", "from", "to", "id", "name", "kind", "region", "a", "b", "cut_actors", "top_broker"}

        def want_row(i, k, got, rows=rows, header=header):
            cell = rows[i][header.index(k)]
            if k in texts:  # the CSV guards formulas; these datasets have none
                return want_value(got, cell or None)
            return want_csv(got, cell)
        check_table(case, sheet, book, header, rows, want_row)
    moves = [(P["period"], m) for P in periods if P["changes"] for m in P["changes"]["brokers"]]
    check_table(case, "broker changes", book, ["period", "id", "name", "before", "after", "change"], moves,
                lambda i, k, got: k == "name" or want_value(got, moves[i][0] if k == "period" else moves[i][1][k]))
    changes = [(P["period"], kind, q) for P in periods if P["changes"]
               for kind in ("connected", "disconnected", "fragile", "mended")
               for q in P["changes"]["pairs_" + kind]]
    check_table(case, "pair changes", book, ["period", "change", "a", "b", "cut_actors"], changes,
                lambda i, k, got: want_value(got, {"period": changes[i][0], "change": changes[i][1],
                                                   "a": changes[i][2]["a"], "b": changes[i][2]["b"],
                                                   "cut_actors": ";".join(changes[i][2].get("cut_actors", []))
                                                   or None}[k]))
    check_about(case, book, {"dataset": out["dataset"], "options": flat("", out["options"])})
    check_form(case, wb)


def check_formulas(tmp):
    """Names that a spreadsheet reads as formulas stay text."""
    d = os.path.join(tmp, "sum")
    os.makedirs(d)
    with open(os.path.join(d, "sum.json"), "w") as f:
        json.dump({"format": "collab-extract/1", "dataset": {"id": "=SUM(A1)", "title": "+1"},
                   "regions": [{"id": "@R", "name": "-R"}, {"id": "R2", "name": "=1+1"}],
                   "entities": [{"id": "=SUM(A1)", "kind": "organisation", "name": "=SUM(A1)", "region": "@R"},
                                {"id": "p", "kind": "project", "name": "-p"},
                                {"id": "b", "kind": "organisation", "name": "@b", "region": "R2"}],
                   "relations": [{"source": "=SUM(A1)", "target": "p", "type": "participates_in"},
                                 {"source": "b", "target": "p", "type": "participates_in"}]}, f)
    for dataset, case in ((d, "=SUM(A1)"), (os.path.join(ROOT, "tests/data/formula-names/formula.json"), "formula")):
        path = check_analyze(case, dataset, [], tmp)
        book, wb = workbook(path)
        texts = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row
                 if isinstance(c.value, str) and c.value[:1] in "=+-@"]
        T.check("%s: names like formulas are text cells" % case,
                texts and all(c.data_type == "s" for c in texts), [(c.coordinate, c.data_type) for c in texts][:3])
        with zipfile.ZipFile(path) as z:
            xml = [n for n in z.namelist() if n.startswith("xl/worksheets/") and b"<f>" in z.read(n)]
        T.check("%s: no <f> element in any sheet" % case, not xml, xml)
        if case == "=SUM(A1)":
            T.check("=SUM(A1): the actor's name as text", book["actors"][1][0][:2] == ["=SUM(A1)", "=SUM(A1)"],
                    book["actors"][1][0][:2])


def check_files(tmp):
    """Byte-identical runs; no workbook on standard output; nothing left
    behind by a failure."""
    a, b = os.path.join(tmp, "a.xlsx"), os.path.join(tmp, "b.xlsx")
    for cmd in (["analyze"], ["bridges"], ["whatif", "--rank"], ["trend"]):
        run(cmd[0], "-q", "datasets/cleantech-se", "-f", "xlsx", "-o", a, *cmd[1:])
        run(cmd[0], "-q", "datasets/cleantech-se", "-f", "xlsx", "-o", b, *cmd[1:])
        T.check("%s: byte-identical from run to run" % cmd[0], open(a, "rb").read() == open(b, "rb").read())
        with zipfile.ZipFile(a) as z:
            T.check("%s: ZIP entries dated 1980-01-01" % cmd[0],
                    all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in z.infolist()))
            core = z.read("docProps/core.xml").decode()
            T.check("%s: a fixed creation time" % cmd[0], "1980-01-01T00:00:00Z" in core, core[-200:])
    for cmd in (["analyze"], ["bridges"], ["whatif", "--rank"], ["trend"]):
        for out in ([], ["-o", "-"]):
            p = subprocess.run([KLUSTER, cmd[0], "datasets/cleantech-se", "-f", "xlsx"] + cmd[1:] + out,
                               capture_output=True, cwd=ROOT)
            T.check("%s -f xlsx %s: refused" % (cmd[0], " ".join(out) or "without -o"),
                    p.returncode == 2 and b"--format xlsx writes an Excel workbook to a file: give -o FILE.xlsx"
                    in p.stderr and not p.stdout, (p.returncode, p.stderr[:200]))
    missing = os.path.join(tmp, "no-such-folder", "x.xlsx")
    p = subprocess.run([KLUSTER, "analyze", "-q", "datasets/cleantech-se", "-f", "xlsx", "-o", missing],
                       capture_output=True, cwd=ROOT)
    T.check("a folder that does not exist: exit 1 with a message, nothing written",
            p.returncode == 1 and b"error" in p.stderr and not os.path.exists(os.path.dirname(missing)),
            p.stderr[:200])
    before = sorted(os.listdir(tmp))
    p = subprocess.run([KLUSTER, "analyze", "-q", "datasets/cleantech-se", "-f", "xlsx", "-o", tmp],
                       capture_output=True, cwd=ROOT)
    T.check("-o a folder: exit 1 with a message, nothing left", p.returncode == 1 and b"cannot" in p.stderr
            and sorted(os.listdir(tmp)) == before, (p.returncode, p.stderr[:200]))


def check_batch(tmp, analysis_xlsx):
    out = os.path.join(tmp, "batch")
    run("batch", "-q", "-j", "1", "datasets/cleantech-se", "-o", out)
    got = os.path.join(out, "cleantech-se", "report.xlsx")
    T.check("batch: report.xlsx beside report.html", os.path.exists(got) and
            os.path.exists(os.path.join(out, "cleantech-se", "report.html")))
    T.check("batch: report.xlsx byte for byte as analyze -f xlsx writes it",
            os.path.exists(got) and open(got, "rb").read() == open(analysis_xlsx, "rb").read())
    shutil.rmtree(out)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        check_formulas(tmp)
        path = check_analyze("cleantech", "datasets/cleantech-se", [], tmp)
        kept = os.path.join(tmp, "cleantech.xlsx")
        shutil.copy(path, kept)
        check_bridges("cleantech bridges", "datasets/cleantech-se", [], tmp)
        check_whatif("cleantech whatif --remove", "datasets/cleantech-se", ["--remove", "east-sweden-cluster"], tmp)
        check_whatif("cleantech whatif --rank", "datasets/cleantech-se", ["--rank", "--top", "5"], tmp)
        check_trend("cleantech trend", "datasets/cleantech-se", [], tmp)
        path = check_analyze("mojibake", "tests/data/cleantech-se-mojibake", [], tmp)
        T.check("mojibake: its warnings listed", len(workbook(path)[0]["warnings"][1]) > 0)
        check_files(tmp)
        if RELEASE:
            check_batch(tmp, kept)
        if not os.path.exists(NORWAY_CSV):
            print("skip: %s not found: no Norwegian runs" % NORWAY_CSV)
        else:
            norway = os.path.join(tmp, "norway")
            run("import", "-q", "--map", os.path.join(ROOT, "loaders", "maps", "norway-h2020.json"), NORWAY_CSV,
                "-o", norway)
            check_analyze("norway organisations --weights", norway, ["--mode", "organisations", "--weights"], tmp)
        if os.path.exists(NORWAY_CSV) and RELEASE:
            check_analyze("norway --ties --from --to", norway,
                          ["--ties", "participates_in,coordinates", "--from", "2018", "--to", "2020"], tmp)
            check_bridges("norway bridges", norway, ["--mode", "organisations"], tmp)
            check_whatif("norway whatif --rank", norway, ["--rank", "--mode", "organisations"], tmp)
            check_trend("norway trend", norway, ["--mode", "organisations", "--every", "2"], tmp)
    return T.summary()


if __name__ == "__main__":
    sys.exit(main())
