"""tests/oracle/test_lang.py - the output languages (docs/languages.md):

- the catalogues are complete: every text the sources mark (xgettext over
  writers/, pipeline/, cli/ and viz/ with the Makefile's keywords) has a
  non-empty, non-fuzzy translation in Swedish and in Norwegian Bokmål
  (po/LANG/*.po merged as the build merges them), both plural forms where
  it has a plural, no HTML markup a msgid does not have, and msgfmt --check
  passes; so an English text added without its translations fails here;
- on datasets/cleantech-se and the Norwegian H2020 import, `analyze`,
  `bridges`, `whatif` (--rank and --remove) and `trend` in Markdown, in en,
  sv and nb: every number of the sv and nb outputs is the en output's, in
  the same order and in C format (a decimal point, no thousands
  separator); each heading of the en output has, at the same place, the
  translation of the text it is made of (the catalogue says which), and no
  heading of a translated output is an English text left as it was;
- the language comes from --lang, else LANGUAGE (first entry), LC_ALL,
  LC_MESSAGES, LANG: --lang beats the environment, LANG=sv_SE.UTF-8 alone
  gives Swedish, LANG=C.UTF-8 English; --lang de is a usage error (exit 2,
  the message names the choices); output is byte-identical run to run;
- `batch --lang sv`: report.md, report.html and index.html are Swedish,
  <html lang="sv">.

The Norwegian data comes from ../shared (skipped, and said so, when it is
missing); its trend runs in the release pass only."""
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
NORWAY_CSV = os.path.join(SHARED, "data", "norway-h2020-participations", "dataset.csv")
LANGS = ("sv", "nb")
T = Tally("lang")

# the environment of a run: no language variable but those a case sets
LANG_VARS = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def env_with(**langvars):
    env = {k: v for k, v in os.environ.items() if k not in LANG_VARS}
    env.update(langvars)
    return env


def kluster(args, env=None, check=True):
    p = subprocess.run([KLUSTER] + list(args), capture_output=True, cwd=ROOT, env=env or env_with(LANG="C.UTF-8"))
    if check and p.returncode != 0:
        raise RuntimeError("kluster %s: exit %d: %s" % (" ".join(args), p.returncode, p.stderr.decode()[-400:]))
    return p


# ------------------------------------------------------------ catalogues

def po_string(lines):
    """The text of a run of "..." lines, unescaped."""
    out = "".join(re.match(r'^(?:msg\w+(?:\[\d\])? )?"(.*)"$', ln).group(1) for ln in lines)
    return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}.get(m.group(1), m.group(1)), out)


def parse_po(text):
    """Entries of a .po text: dicts with ctx, id, plural, strs (a list),
    fuzzy, c_format.  The header (msgid "") is left out."""
    entries = []
    for block in re.split(r"\n\s*\n", text):
        lines = [ln for ln in block.strip().split("\n") if ln]
        flags = " ".join(ln for ln in lines if ln.startswith("#,"))
        fields, key = {}, None
        for ln in lines:
            if ln.startswith("#"):
                continue
            m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) ', ln)
            if m:
                key = m.group(1)
                fields[key] = [ln]
            elif key:
                fields[key].append(ln)
        if "msgid" not in fields:
            continue
        e = {"ctx": po_string(fields["msgctxt"]) if "msgctxt" in fields else None,
             "id": po_string(fields["msgid"]),
             "plural": po_string(fields["msgid_plural"]) if "msgid_plural" in fields else None,
             "strs": [po_string(v) for k, v in sorted(fields.items()) if k.startswith("msgstr")],
             "fuzzy": "fuzzy" in flags, "c_format": "c-format" in flags and "no-c-format" not in flags}
        if e["id"] or e["ctx"]:
            entries.append(e)
    return entries


def makefile_var(name):
    """A variable of the Makefile as make expands it."""
    p = subprocess.run(["make", "-s", "-p", "-n", "po"], cwd=ROOT, capture_output=True, text=True)
    for ln in p.stdout.splitlines():
        if ln.startswith(name + " :="):
            return ln.split(":=", 1)[1].strip()
    raise RuntimeError("no %s in the Makefile" % name)


def extracted(tmp):
    """What the sources mark, as make po extracts it (both templates)."""
    flags = makefile_var("XGETTEXT_FLAGS").replace("$(VERSION)", "0")
    sources = makefile_var("POT_WRITERS_SRC").split() + makefile_var("POT_VIZ_SRC").split()
    pot = os.path.join(tmp, "all.pot")
    subprocess.run(["xgettext"] + flags.split() + ["-o", pot] + sources, cwd=ROOT, check=True,
                   capture_output=True)
    return parse_po(open(pot, encoding="utf-8").read())


def catalogue(lang, tmp):
    """po/LANG/*.po merged as the build merges them; (path, entries)."""
    files = sorted(os.path.join(ROOT, "po", lang, f) for f in os.listdir(os.path.join(ROOT, "po", lang))
                   if f.endswith(".po"))
    out = os.path.join(tmp, lang + ".po")
    subprocess.run(["msgcat", "--use-first", "--force-po", "-o", out] + files, check=True, capture_output=True)
    return out, parse_po(open(out, encoding="utf-8").read())


def check_catalogues(tmp):
    """Every marked text translated, and translations that msgfmt accepts;
    returns {lang: {(ctx, msgid): translation entry}}."""
    marked = extracted(tmp)
    T.check("xgettext finds the marked texts", len(marked) > 300, len(marked))
    tables = {}
    for lang in LANGS:
        path, entries = catalogue(lang, tmp)
        table = {(e["ctx"], e["id"]): e for e in entries}
        tables[lang] = table
        p = subprocess.run(["msgfmt", "--check", "-o", os.devnull, path], capture_output=True, text=True)
        T.check("%s: msgfmt --check" % lang, p.returncode == 0, p.stderr[-600:])
        missing, fuzzy, empty, plural, markup = [], [], [], [], []
        for m in marked:
            e = table.get((m["ctx"], m["id"]))
            if e is None:
                missing.append(m["id"])
                continue
            if e["fuzzy"]:
                fuzzy.append(m["id"])
            if not e["strs"] or any(not s for s in e["strs"]):
                empty.append(m["id"])
            if m["plural"] and len(e["strs"]) != 2:
                plural.append(m["id"])
            # the reports write translations as they are: no markup of their own
            for s in e["strs"]:
                for ch in "<&":
                    if ch in s and ch not in m["id"]:
                        markup.append(s)
        T.check("%s: every marked text in the catalogue" % lang, not missing, missing[:5])
        T.check("%s: no fuzzy translation" % lang, not fuzzy, fuzzy[:5])
        T.check("%s: no empty translation" % lang, not empty, empty[:5])
        T.check("%s: two plural forms" % lang, not plural, plural[:5])
        T.check("%s: no markup of its own" % lang, not markup, markup[:5])
    return tables


# --------------------------------------------------------------- outputs

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def numbers(text):
    return NUMBER.findall(text)


def pattern(fmt):
    """A printf format as a regex that matches what it prints."""
    parts = re.split(r"(%(?:\d+\$)?[-+ #0]*\d*(?:\.\d+)?(?:hh|h|ll|l|z|j|t)?[sdufgxc%])", fmt)
    out = ""
    for k, part in enumerate(parts):
        if k % 2 == 0:
            out += re.escape(part)
        else:
            out += "%" if part == "%%" else "(.+?)"
    return re.compile(out + r"\Z", re.S)


class Headings:
    """The catalogue's texts that can make a heading, as patterns: the
    English one and the translations of each language."""

    def __init__(self, tables):
        self.items = []
        for key, e in tables[LANGS[0]].items():
            if e["plural"] or not e["id"].strip():
                continue
            tr = {lang: tables[lang].get(key) for lang in LANGS}
            if any(t is None or not t["strs"] for t in tr.values()):
                continue
            fmt = e["c_format"]
            self.items.append((e["id"], pattern(e["id"]) if fmt else re.compile(re.escape(e["id"]) + r"\Z"),
                               {lang: (pattern(t["strs"][0]) if fmt else re.compile(re.escape(t["strs"][0]) + r"\Z"))
                                for lang, t in tr.items()},
                               {lang: t["strs"][0] for lang, t in tr.items()}))

    def english(self, text):
        """The entries whose English matches text."""
        return [it for it in self.items if it[1].match(text)]


def headings(md):
    return [re.sub(r"^#+\s*", "", ln) for ln in md.splitlines() if re.match(r"#{1,6} ", ln)]


def compare(case, en, out, lang, heads):
    """out (lang) against en: the same numbers, translated headings."""
    ne, no = numbers(en), numbers(out)
    first = next((k for k, (a, b) in enumerate(zip(ne, no)) if a != b), min(len(ne), len(no)))
    T.check("%s %s: the numbers of en, in C format" % (case, lang), ne == no,
            "en %s / %s %s at #%d" % (ne[first:first + 5], lang, no[first:first + 5], first))
    he, ho = headings(en), headings(out)
    T.check("%s %s: as many headings as en" % (case, lang), len(he) == len(ho), (len(he), len(ho)))
    untranslated, mismatched = [], []
    for e, o in zip(he, ho):
        cands = heads.english(e)
        # a heading made of a text the catalogue holds: its translation there
        if cands and not any(c[2][lang].match(o) for c in cands):
            mismatched.append((e, o))
        # and no English text left: unless the translation is the English itself
        for c in heads.english(o):
            if c[0] == o and c[3][lang] != c[0]:
                untranslated.append(o)
    T.check("%s %s: each heading translated" % (case, lang), not mismatched, mismatched[:3])
    T.check("%s %s: no English heading left" % (case, lang), not untranslated, untranslated[:3])
    T.check("%s %s: differs from en" % (case, lang), out != en)


def check_outputs(case, args, heads):
    """One command in en, sv and nb: numbers, headings, determinism."""
    en = kluster(args + ["--lang", "en"]).stdout.decode()
    for lang in LANGS:
        out = kluster(args + ["--lang", lang]).stdout.decode()
        compare(case, en, out, lang, heads)
        T.check("%s %s: byte-identical across runs" % (case, lang),
                kluster(args + ["--lang", lang]).stdout.decode() == out)
    return en


def check_environment(dataset):
    """Where the language comes from when --lang is not given."""
    args = ["bridges", dataset, "-q"]
    en = kluster(args + ["--lang", "en"]).stdout
    sv = kluster(args + ["--lang", "sv"]).stdout
    nb = kluster(args + ["--lang", "nb"]).stdout
    cases = [("LANG=sv_SE.UTF-8 alone", {"LANG": "sv_SE.UTF-8"}, [], sv),
             ("LANG=C.UTF-8", {"LANG": "C.UTF-8"}, [], en),
             ("no language variable", {}, [], en),
             ("LANG=nb_NO.UTF-8", {"LANG": "nb_NO.UTF-8"}, [], nb),
             ("LANG=no_NO (Norwegian)", {"LANG": "no_NO"}, [], nb),
             ("LANG=de_DE.UTF-8", {"LANG": "de_DE.UTF-8"}, [], en),
             ("--lang beats LANG", {"LANG": "nb_NO.UTF-8"}, ["--lang", "sv"], sv),
             ("--lang en beats LC_ALL", {"LC_ALL": "sv_SE.UTF-8"}, ["--lang", "en"], en),
             ("LC_ALL beats LANG", {"LC_ALL": "nb_NO.UTF-8", "LANG": "sv_SE.UTF-8"}, [], nb),
             ("LC_MESSAGES beats LANG", {"LC_MESSAGES": "sv_SE.UTF-8", "LANG": "C.UTF-8"}, [], sv),
             ("LANGUAGE's first entry", {"LANGUAGE": "nb:sv", "LANG": "sv_SE.UTF-8"}, [], nb),
             ("empty LANGUAGE is no choice", {"LANGUAGE": "", "LANG": "sv_SE.UTF-8"}, [], sv)]
    for what, env, extra, want in cases:
        got = kluster(args + extra, env=env_with(**env)).stdout
        T.check("environment: %s" % what, got == want, got[:120])
    for bad in ("de", "", "svenska"):
        p = kluster(args + ["--lang", bad], check=False)
        err = p.stderr.decode()
        T.check("--lang %r: exit 2" % bad, p.returncode == 2, p.returncode)
        T.check("--lang %r: the message" % bad,
                "unknown language '%s' for --lang (choose en, sv or nb)" % bad in err and not p.stdout, err)
    # the command-line messages stay English whatever the language
    p = kluster(["bridges", dataset, "--top", "x", "--lang", "sv"], check=False)
    T.check("usage errors stay English", p.returncode == 2 and "error:" in p.stderr.decode(), p.stderr[:200])


def check_batch(tmp, heads):
    """batch --lang sv: the reports and the index in Swedish."""
    out = os.path.join(tmp, "batch-sv")
    kluster(["batch", "datasets/cleantech-se", "-o", out, "-q", "--lang", "sv"])
    md = open(os.path.join(out, "cleantech-se", "report.md"), encoding="utf-8").read()
    html = open(os.path.join(out, "cleantech-se", "report.html"), encoding="utf-8").read()
    index = open(os.path.join(out, "index.html"), encoding="utf-8").read()
    en_md = kluster(["analyze", "datasets/cleantech-se", "--format", "md", "-q", "--lang", "en"]).stdout.decode()
    compare("batch report.md", en_md, md, "sv", heads)
    T.check('batch: report.html <html lang="sv">', '<html lang="sv">' in html, html[:200])
    T.check('batch: index.html <html lang="sv">', '<html lang="sv">' in index, index[:200])
    for page, text, words in (("report.html", html, ("Nätverket i siffror", "Vem förbinder vilka regioner",
                                                      "Sårbara regionpar", "De främsta mäklarna och beläggen för dem",
                                                      "Skapad av kluster")),
                              ("index.html", index, ("Rapporter om samverkansnätverk", "förbundna regionpar"))):
        for w in words:
            T.check("batch: %s says %r" % (page, w), w in text)
    for page, text, words in (("report.html", html, ("The graph in numbers", "Who connects which regions",
                                                      "Fragile region pairs", "Made by kluster")),
                              ("index.html", index, ("Collaboration network reports", "connected region pairs"))):
        for w in words:
            T.check("batch: no English %r in %s" % (w, page), w not in text)
    # a language is an option of the run: English again redoes the reports
    kluster(["batch", "datasets/cleantech-se", "-o", out, "-q", "--lang", "en"])
    html = open(os.path.join(out, "cleantech-se", "report.html"), encoding="utf-8").read()
    T.check('batch: --lang en redoes the report (<html lang="en">)', '<html lang="en">' in html, html[:200])


def main():
    with tempfile.TemporaryDirectory() as tmp:
        heads = Headings(check_catalogues(tmp))
        datasets = [("cleantech-se", "datasets/cleantech-se", "east-sweden-cluster")]
        if os.path.exists(NORWAY_CSV):
            norway = os.path.join(tmp, "norway")
            kluster(["import", "-q", "--map", os.path.join("loaders", "maps", "norway-h2020.json"), NORWAY_CSV,
                     "-o", norway])
            datasets.append(("norway", norway, "NORGES TEKNISK-NATURVITENSKAPELIGE UNIVERSITET NTNU"))
        else:
            print("no %s: the shared data is missing, the Norwegian runs are skipped" % NORWAY_CSV)
        sanitizers = os.environ.get("TEST_MODE") == "sanitizers"
        for name, path, actor in datasets:
            check_outputs(name + " analyze", ["analyze", path, "--format", "md", "-q"], heads)
            check_outputs(name + " bridges", ["bridges", path, "--format", "md", "-q"], heads)
            check_outputs(name + " whatif --rank", ["whatif", path, "--format", "md", "--rank", "-q"], heads)
            check_outputs(name + " whatif --remove", ["whatif", path, "--format", "md", "--remove", actor, "-q"],
                          heads)
            # a trend of the Norwegian import is fourteen analyses: the
            # sanitizers run the same writer on the shipped dataset
            if name == "cleantech-se" or not sanitizers:
                check_outputs(name + " trend", ["trend", path, "--format", "md", "-q"], heads)
        check_outputs("cleantech-se analyze organisations",
                      ["analyze", "datasets/cleantech-se", "--format", "md", "--mode", "organisations", "-q"], heads)
        check_environment("datasets/cleantech-se")
        check_batch(tmp, heads)
    return T.summary()


if __name__ == "__main__":
    sys.exit(main())
