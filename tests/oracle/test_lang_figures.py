"""tests/oracle/test_lang_figures.py - the figures and the explorer page in
Swedish and Norwegian Bokmål (--lang sv, --lang nb) against the English
figure and the catalogues po/sv/viz.po and po/nb/viz.po, read here by a
small PO parser:

- every English text the English figure shows that the catalogue
  translates is replaced by its translation: where a text element holds a
  msgid (its numbers matched as numbers, any text for a %s when the
  element is the whole msgid), the translated figure holds the
  translation with the same numbers, and the English words are gone;
  multi-line legends by the literal parts of their msgids; and no other
  English is left: what the two figures show alike is data, or a text
  translated as itself ("Diagonal");
- the data stay as they are: every text element that is (part of) an
  actor's, a region's or the dataset's name is in the translated figure as
  often as in the English one;
- the geometry is the English figure's: as many nodes, edges, paths,
  polygons, ellipses and the like;
- the explorer page (render -o FILE.html): lang="sv", the data's "ui"
  object holds every text explorer.js translates (its tr('...') calls),
  each as the catalogue translates it, the kinds and relation types too;
  the English page has lang="en" and no "ui"; in Chromium (release only)
  the Swedish page's controls, an actor's card and a pair's card show the
  Swedish words and none of the English ones;
- --lang en is the default: the same bytes as without the option;
- a translated figure is byte-identical from run to run.

Figures: cleantech-se's whole network, --region-map, --region-map --geo
and --heatmap; the Norwegian import's trend chart and region maps
(--chart, --maps; skipped without the shared data).  Under the sanitizers
only Swedish, no browser, and a trend of two periods."""
import collections
import csv
import html
import io
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tally import Tally  # noqa: E402

ROOT = os.environ.get("ROOT", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
KLUSTER = os.environ.get("KLUSTER", os.path.join(ROOT, "kluster"))
SHARED = os.environ.get("SHARED", os.path.join(ROOT, "..", "shared"))
NORWAY = os.path.join(SHARED, "data", "norway-h2020-participations", "dataset.csv")
CLEANTECH = os.path.join(ROOT, "datasets", "cleantech-se")
RELEASE = os.environ.get("TEST_MODE", "release") == "release"
T = Tally("lang-figures")

# a printf conversion, or a placeholder of the explorer's script
CONV = re.compile(r"%(?:(\d+)\$)?[-+ #0]*\d*(?:\.\d+)?(?:l|ll|z)?([diouxXeEfgGs])|\{[nm]\}")
BR = re.compile(r"<BR[^>]*/>")
NUMERIC = "diouxXeEfgG"


# without --lang kluster speaks the environment's language: English here
ENV = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}


def run(*args):
    p = subprocess.run([KLUSTER] + list(args), capture_output=True, cwd=ROOT, env=ENV)
    if p.returncode != 0:
        raise RuntimeError("kluster %s: exit %d: %s" % (" ".join(args), p.returncode, p.stderr.decode()[-400:]))
    return p.stdout


def norm(s):
    return " ".join(s.replace("\xa0", " ").split())


# ------------------------------------------------------------------ PO

def po_unquote(s):
    return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), s)


def read_po(path):
    """[(msgid, msgid_plural or None, [msgstr...])], translated and not
    fuzzy; a msgid with a context is "CONTEXT\x04MSGID", as gettext keys it."""
    entries, cur, key = [], None, None

    def flush():
        if cur and cur.get("msgid") and not cur.get("fuzzy"):
            strs = [cur[k] for k in sorted(k for k in cur if k.startswith("msgstr"))]
            if all(strs):
                key = cur["msgctxt"] + "\x04" + cur["msgid"] if "msgctxt" in cur else cur["msgid"]
                entries.append((key, cur.get("msgid_plural"), strs))

    for line in open(path, encoding="utf-8").read().split("\n") + [""]:
        line = line.strip()
        if not line:
            flush()
            cur, key = None, None
            continue
        if line.startswith("#,") and "fuzzy" in line:
            cur = cur or {}
            cur["fuzzy"] = True
        if line.startswith("#"):
            continue
        m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"(.*)"$', line)
        if m:
            cur = cur or {}
            key = m.group(1)
            cur[key] = po_unquote(m.group(2))
        elif line.startswith('"') and key:
            cur[key] += po_unquote(line[1:-1])
    return entries


def convs(s):
    """The conversions of a msgid in order: 's', or a numeric letter."""
    return [m.group(2) or "n" for m in CONV.finditer(s.replace("%%", ""))]


def same_texts(entries):
    """The msgids translated as themselves ("Region", "Diagonal")."""
    return {f for msgid, plural, strs in entries for f, t in zip([msgid, plural], strs) if f and f == t}


def translations(entries):
    """English -> translation, each plural form paired with its own
    (n = 1 with msgstr[0], else msgstr[1]), where they differ."""
    pairs = {}
    for msgid, plural, strs in entries:
        forms = [(msgid, strs[0])] + ([(plural, strs[1])] if plural else [])
        for en, tr in forms:
            if en != tr:
                pairs[en] = tr
    return pairs


def literals(s):
    """The literal parts of a msgid or msgstr: between conversions and
    line breaks, '%%' read as '%'."""
    out = []
    for line in BR.split(s):
        out += [norm(p.replace("\0", "%")) for p in CONV.split(line.replace("%%", "\0"))[::3] if p]
    return [p for p in out if p]


def spaced(text):
    """A literal as a regular expression: each run of spaces any run."""
    return r"\s+".join(re.escape(w) for w in re.split(r"\s+", text.replace("\0", "%")))


def pattern(en, numbers=None):
    """A regular expression for a one-line msgid: literals as they are,
    numeric conversions as numbers (or the given values, in order), %s as
    any text.  Also whether it has a %s (then the whole element must
    match).  None when the msgid has no words to match on."""
    if BR.search(en) or not any(len(re.sub(r"[^A-Za-z]", "", p)) >= 3 for p in literals(en)):
        return None, False
    parts, pos, text_arg, k = [], 0, False, 0
    src = en.strip().replace("%%", "\0")
    for m in CONV.finditer(src):
        parts.append(spaced(src[pos:m.start()]))
        if m.group(0).startswith("{") or (m.group(2) or "") in NUMERIC:
            if numbers is None:
                parts.append(r"(-?\d[\d.e+]*)")
            else:
                i = int(m.group(1)) - 1 if m.group(1) else k
                parts.append(re.escape(numbers[i]) if i < len(numbers) else r"\S+")
        else:
            parts.append(r"(.+?)")
            text_arg = True
        k += 1
        pos = m.end()
    parts.append(spaced(src[pos:]))
    body = "".join(parts)
    if numbers is not None:
        return re.compile(body), text_arg
    return re.compile((r"^" if text_arg else r"(?<![\w])") + body + (r"$" if text_arg else r"(?![\w])")), text_arg


_patterns = {}


def pattern_of(en):
    """pattern(en), made once."""
    if en not in _patterns:
        _patterns[en] = pattern(en)
    return _patterns[en]


# ----------------------------------------------------------------- SVG

def texts(svg):
    """The text elements of an SVG (Graphviz's or gnuplot's), unescaped,
    spaces normalised."""
    s = svg.decode("utf-8")
    return [t for t in (norm(html.unescape(re.sub(r"<[^>]+>", "", m)))
                        for m in re.findall(r"<text\b[^>]*>(.*?)</text>", s, re.S)) if t]


def geometry(svg):
    s = svg.decode("utf-8")
    c = collections.Counter(re.findall(r"<(path|polygon|polyline|ellipse|circle|rect|use|image)\b", s))
    c.update("g." + k for k in re.findall(r'<g\b[^>]*class="([^"]*)"', s))
    return c


def dataset_names(path):
    """Entity and region names and the dataset's title of an extract
    folder (JSON and NDJSON files)."""
    names = set()
    files = [path] if os.path.isfile(path) else [os.path.join(path, f) for f in sorted(os.listdir(path))]
    for f in files:
        recs = []
        if f.endswith(".ndjson"):
            recs = [json.loads(line) for line in open(f, encoding="utf-8") if line.strip()]
        elif f.endswith(".json"):
            doc = json.load(open(f, encoding="utf-8"))
            recs = doc.get("entities", []) + doc.get("regions", []) + [doc.get("dataset") or {}]
        for r in recs:
            for k in ("name", "title", "short_name"):
                if isinstance(r.get(k), str):
                    names.add(norm(r[k]))
    return names


def is_data(t, names, pairs):
    """A text element that is a name or a line of one (the rank mark "#k "
    and a cut's "…" aside), not a text of the catalogue."""
    t = re.sub(r"^#\d+ ", "", t).rstrip("\u2026")
    if len(t) < 3 or t in pairs:
        return False
    # whole words, where the line starts or ends inside a word ("TEKNISK-")
    rx = re.compile((r"(?<!\w)" if t[0].isalnum() else "") + re.escape(t) + (r"(?!\w)" if t[-1].isalnum() else ""))
    return any(rx.search(n) for n in names)


def english_left(t, names, same):
    """The English words left in a text element once the names it holds
    and the texts translated as themselves ("Diagonal") are taken out."""
    s = re.sub(r"^#\d+ ", "", t)
    if is_data(re.sub(r"( \(\d+\))+$", "", s), names, {}):
        return ""
    for n in sorted((n for n in names if len(n) >= 3 and n in s), key=len, reverse=True):
        s = s.replace(n, " ")
    for w in same:
        s = re.sub(r"(?<!\w)" + re.escape(w) + r"(?!\w)", " ", s)
    return " ".join(re.findall(r"[A-Za-z]{3,}", s))


def check_figure(name, en_svg, tr_svg, pairs, names, same):
    """The translated figure against the English one (see the top)."""
    en, tr = texts(en_svg), texts(tr_svg)
    T.check("%s: geometry as in English" % name, geometry(en_svg) == geometry(tr_svg),
            (geometry(en_svg) - geometry(tr_svg), geometry(tr_svg) - geometry(en_svg)))

    # the data, unchanged
    cen, ctr = collections.Counter(en), collections.Counter(tr)
    data = sorted(t for t in cen if is_data(t, names, pairs))
    lost = [t for t in data if ctr[t] != cen[t]]
    T.check("%s: %d data texts unchanged" % (name, len(data)), data and not lost, lost[:5])

    # one-line msgids: the element's text matched, its translation expected
    patterns = [(en_id, tr_id) + pattern_of(en_id) for en_id, tr_id in pairs.items()]
    expected, gone, whole = {}, set(), []
    for t in en:
        if is_data(t, names, pairs):
            continue
        found = []
        for en_id, tr_id, rx, text_arg in patterns:
            if rx is None:
                continue
            for m in rx.finditer(t):
                found.append((m.start(), m.end(), en_id, tr_id, m.groups()))
        # a match inside a longer one is part of that one's text
        for a in found:
            if any(b is not a and b[0] <= a[0] and a[1] <= b[1] and (b[1] - b[0]) > (a[1] - a[0]) for b in found):
                continue
            # the translation with the same numbers; a text argument may be
            # translated itself, or made of translated parts: any text
            numbers = [v for v, c in zip(a[4], convs(a[2])) if c != "s"]
            want = pattern(a[3], numbers)[0]
            if want is not None:
                expected.setdefault(want.pattern, (want, a[2], t))
            english = norm(t[a[0]:a[1]])
            if len(re.sub(r"[^A-Za-z]", "", english)) >= 8:
                gone.add(english)
    # multi-line msgids and headings: their longest literal parts
    for en_id, tr_id in pairs.items():
        if not BR.search(en_id):
            continue
        frags = [f for f in literals(en_id) if len(f) >= 12]
        hit = [f for f in frags if any(f in t for t in en)]
        if hit:
            whole.append((en_id, hit, max(literals(tr_id), key=len)))
    missing = [(key, why[2]) for key, why in expected.items() if not any(why[0].search(t) for t in tr)]
    T.check("%s: %d translated texts in place" % (name, len(expected)), expected and not missing, missing[:4])
    for en_id, hit, want in whole:
        T.check("%s: translated: %.50s" % (name, en_id), any(want in t for t in tr) and
                not any(f in t for f in hit for t in tr), want)
    left = sorted(e for e in gone if any(e in t for t in tr))
    T.check("%s: the English of %d texts gone" % (name, len(gone)), not left, left[:5])
    # nothing else left in English: what the translated figure shows as the
    # English one does is data, or a text translated as itself
    trs = set(tr)
    left = [(t, english_left(t, names, same)) for t in sorted(set(en)) if t in trs]
    left = [x for x in left if x[1]]
    T.check("%s: no other English text" % name, not left, left[:5])


# ------------------------------------------------------------- explorer

def explorer(tmp, lang, pairs, kinds):
    """The page of render -o FILE.html in English and in lang; returns the
    translated page's path."""
    en_page = os.path.join(tmp, "en.html")
    page = os.path.join(tmp, "%s.html" % lang)
    run("render", CLEANTECH, "-o", en_page)
    run("render", CLEANTECH, "-o", page, "--lang", lang)
    en_text, text = open(en_page, encoding="utf-8").read(), open(page, encoding="utf-8").read()
    data = lambda s: json.loads(re.search(r'<script type="application/json" id="kl-data">(.*?)</script>', s,
                                          re.S).group(1))
    d_en, d = data(en_text), data(text)
    T.check("explorer: English page: lang=en, no ui", '<html lang="en">' in en_text and "ui" not in d_en)
    T.check("explorer %s: lang=%s" % (lang, lang), '<html lang="%s">' % lang in text)
    ui = d.get("ui") or {}
    script = open(os.path.join(ROOT, "writers", "explorer", "explorer.js"), encoding="utf-8").read()
    used = set(re.findall(r"tr\('([^']*)'", script))
    T.check("explorer %s: ui.text holds every text the script translates (%d)" % (lang, len(used)),
            used and used <= set(ui.get("text", {})), sorted(used - set(ui.get("text", {})))[:5])
    wrong = [k for k, v in ui.get("text", {}).items() if v != pairs.get(k, k)]
    translated = [k for k in ui.get("text", {}) if k in pairs]
    T.check("explorer %s: ui.text as the catalogue says (%d translated)" % (lang, len(translated)),
            not wrong and len(translated) >= 0.9 * len(ui.get("text", {})), wrong[:5])
    T.check("explorer %s: the kinds translated" % lang,
            ui.get("kinds") == [pairs.get(k, k) for k in kinds] and ui.get("kinds") != kinds, ui.get("kinds"))
    # the relation types in the reports' words (po/LANG/writers.po)
    rel, reports = ui.get("relations", {}), translations(read_po(os.path.join(ROOT, "po", lang, "writers.po")))
    T.check("explorer %s: the %d relation types as the reports name them" % (lang, len(rel)),
            len(rel) == 8 and all(v == reports.get("relation\x04" + k) for k, v in rel.items()), rel)
    # the page's own words, and the data as they were
    T.check("explorer %s: header and footer translated" % lang,
            pairs["kluster explorer"] in text and "works offline" not in text and "Search an actor" not in text)
    T.check("explorer %s: the data as in English, with ui" % lang, {k: v for k, v in d.items() if k != "ui"} == d_en)
    return page


def explorer_browser(page, lang, pairs):
    """The translated page in Chromium: the controls, an actor's card and a
    pair's card in the language, no English left in them."""
    from cdp import Browser, browser_skipped
    reason = browser_skipped("the page's data are checked above")
    if reason:
        print("note: the %s page in a browser %s" % (lang, reason))
        return
    tr = lambda k: pairs.get(k, k)
    with Browser(width=1280, height=900) as b:
        p = b.new_page()
        p.navigate("file://" + page)
        ev = p.eval
        labels = ev("Array.from(document.querySelectorAll('.kl-controls label')).map(function (l) {"
                    " return l.textContent; })")
        want = [tr(k) for k in ("Find an actor", "Highlight a region", "Region pair and its brokers",
                                "Actors shown (top by brokerage)")]
        T.check("browser %s: the controls' labels" % lang, labels == want, labels)
        T.check("browser %s: placeholder, first options, zoom, reset" % lang,
                ev("[document.getElementById('kl-search').placeholder,"
                   " document.querySelector('#kl-region option').textContent,"
                   " document.querySelector('#kl-pair option').textContent,"
                   " document.querySelector('.kl-zoom').getAttribute('aria-label'),"
                   " document.querySelector('.kl-reset').textContent,"
                   " document.querySelector('.kl-topn').textContent]") ==
                [tr("name, short name or id  ( / )"), tr("All regions"), tr("No pair"), tr("Zoom in"), tr("Reset"),
                 tr("all {n}").replace("{n}", "47")])
        p.key("/")
        p.type("East Sweden Cluster")
        p.settle(0.1)
        p.key("Enter")
        p.settle(0.2)
        card = ev("document.getElementById('kl-card').textContent") or ""
        words = ("Degree", "IRB share", "Broker rank", "Copy id", "Copy command", "Evidence", "Its neighbourhood:",
                 "Source:")
        T.check("browser %s: an actor's card" % lang, "East Sweden Cluster" in card and
                all(tr(w) in card for w in words) and tr("organisation") in card, card[:300])
        T.check("browser %s: no English on the card" % lang, not any(w in card for w in words if tr(w) != w),
                [w for w in words if w in card])
        ev("(function () { var s = document.getElementById('kl-pair'); s.value = '0';"
           " s.dispatchEvent(new Event('change')); })()")
        p.settle(0.2)
        card = ev("document.getElementById('kl-card').textContent") or ""
        T.check("browser %s: a pair's card" % lang,
                tr("Brokers (share of the shortest paths)") in card and re.search(tr("{n} link").replace(
                    "{n}", r"\d+"), card) and "link" not in card, card[:300])


# ----------------------------------------------------------------- main

def figure(tmp, lang, tag, args):
    out = os.path.join(tmp, "%s-%s.svg" % (tag, lang))
    run("render", CLEANTECH, *args, "-o", out, *(["--lang", lang] if lang else []))
    return open(out, "rb").read()


def main():
    help_text = run("render", "--help").decode()
    if "--lang" not in help_text:
        print("note: kluster has no --lang yet; nothing to check")
        return T.summary()
    langs = ["sv", "nb"] if RELEASE else ["sv"]
    names = dataset_names(CLEANTECH)
    views = [("whole", []), ("region-map", ["--region-map"]), ("geo", ["--region-map", "--geo"]),
             ("heatmap", ["--heatmap"])]
    with tempfile.TemporaryDirectory() as tmp:
        en = {tag: figure(tmp, None, tag, args) for tag, args in views}
        T.check("--lang en is the default", figure(tmp, "en", "whole", []) == en["whole"])
        for lang in langs:
            entries = read_po(os.path.join(ROOT, "po", lang, "viz.po"))
            pairs, same = translations(entries), same_texts(entries)
            T.check("po/%s/viz.po read: %d translations" % (lang, len(pairs)), len(pairs) > 150, len(pairs))
            for tag, args in views:
                svg = figure(tmp, lang, tag, args)
                check_figure("%s %s" % (tag, lang), en[tag], svg, pairs, names, same)
                if tag == "geo":
                    T.check("%s %s: byte-identical twice" % (tag, lang), figure(tmp, lang, tag, args) == svg)
            kinds = ["organisation", "person", "project", "funder"]
            page = explorer(tmp, lang, pairs, kinds)
            if lang == "sv":
                explorer_browser(page, lang, pairs)
        if os.path.exists(NORWAY):
            trend_figures(tmp, langs)
        else:
            print("note: %s not found; the trend figures are skipped" % NORWAY)
    return T.summary()


def trend_figures(tmp, langs):
    norway = os.path.join(tmp, "norway")
    run("import", "-q", "--map", os.path.join(ROOT, "loaders", "maps", "norway-h2020.json"), NORWAY, "-o", norway)
    names = dataset_names(norway)
    every = ["--every", "3"] if RELEASE else ["--every", "4", "--from", "2016", "--to", "2023"]

    def draw(lang):
        chart, maps = os.path.join(tmp, "chart-%s.svg" % lang), os.path.join(tmp, "maps-%s.svg" % lang)
        run("trend", norway, *every, "--chart", chart, "--maps", maps, "--lang", lang)
        return open(chart, "rb").read(), open(maps, "rb").read()

    # period labels and brokers' names are data too
    labels = {row["period"] for row in csv.DictReader(io.StringIO(run("trend", norway, *every, "-f", "csv").decode()))}
    en_chart, en_maps = draw("en")
    for lang in langs:
        entries = read_po(os.path.join(ROOT, "po", lang, "viz.po"))
        pairs, same = translations(entries), same_texts(entries)
        chart, maps = draw(lang)
        check_figure("trend chart %s" % lang, en_chart, chart, pairs, names | labels, same)
        check_figure("trend maps %s" % lang, en_maps, maps, pairs, names | labels, same)
        if lang == "sv":
            T.check("trend figures %s: byte-identical twice" % lang, draw(lang) == (chart, maps))


if __name__ == "__main__":
    sys.exit(main())
