#!/usr/bin/python3
"""tests/oracle/test_report_browser.py - the batch report's diagrams as a
browser shows them: `kluster batch` on datasets/cleantech-se and on the
Norwegian H2020 participations (imported from $SHARED), each report.html
opened in headless Chromium at two window widths (a desktop's and a narrow
one) with a script appended that measures, after load, every SVG <text>:
its font size times the scale it is drawn at, and its rendered height.
Every text of every diagram must be at least 9 CSS pixels tall; every
figure must fit the window (a wide diagram scrolls inside its figure);
each figure links to the SVG file beside the report.  Texts without
visible characters (Graphviz writes a few spaces as texts) are left out:
they have no height to read.  A screenshot of the Norwegian report's top
4000 pixels (numbers, the map, the network diagram) is taken and checked
not to be blank (KEEP_SCREENSHOTS=DIR keeps
the screenshots there).  Skipped when /usr/bin/chromium is absent.
Run from the repository root with $KLUSTER and $SHARED."""
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tally import Tally  # noqa: E402
from cdp import CHROMIUM, browser_skipped  # noqa: E402

KLUSTER = os.environ.get("KLUSTER", "./kluster")
SHARED = os.environ.get("SHARED", "../shared")
NORWAY = os.path.join(SHARED, "data/norway-h2020-participations/dataset.csv")
MIN_PX = 9.0
WIDTHS = (1280, 700)

MEASURE = """
<script>
window.addEventListener("load", function () {
  var out = {figures: [], window_width: window.innerWidth};
  document.querySelectorAll("figure").forEach(function (fig, k) {
    var svg = fig.querySelector("svg"), link = fig.querySelector(".fig-link a");
    if (!svg) return;
    var f = {index: k, href: link ? link.getAttribute("href") : null, texts: 0,
             min_font_px: 1e9, min_height_px: 1e9, smallest: "",
             svg_width: svg.getBoundingClientRect().width,
             right: fig.getBoundingClientRect().right,
             scrolls: svg.parentNode.scrollWidth > svg.parentNode.clientWidth + 1};
    svg.querySelectorAll("text").forEach(function (t) {
      if (!/\\S/.test(t.textContent.replace(/\\u00a0/g, " "))) return;
      var m = t.getScreenCTM(), size = parseFloat(window.getComputedStyle(t).fontSize);
      var px = size * Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
      var h = t.getBoundingClientRect().height;
      f.texts++;
      if (px < f.min_font_px) { f.min_font_px = px; f.smallest = t.textContent; }
      if (h < f.min_height_px) f.min_height_px = h;
    });
    out.figures.push(f);
  });
  document.body.setAttribute("data-measured", JSON.stringify(out));
});
</script>
"""


def chromium(*args):
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
           "--virtual-time-budget=5000"] + list(args)
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=120)


def measure(report, work, width):
    page = os.path.join(work, "measured-%d.html" % width)
    html = open(report, encoding="utf-8").read()
    open(page, "w", encoding="utf-8").write(html.replace("</body>", MEASURE + "</body>"))
    dom = chromium("--window-size=%d,1200" % width, "--dump-dom", "file://" + page).stdout.decode("utf-8")
    m = re.search(r'data-measured="([^"]*)"', dom)
    if not m:
        return None
    text = m.group(1).replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return json.loads(text)


def png_is_blank(path):
    """True when the PNG is one colour (decoded with zlib: 8-bit RGB/RGBA)."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return True
    w, h, depth, colour = struct.unpack(">IIBB", data[16:26])
    idat, pos = b"", 8
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + n]
        pos += 12 + n
    raw = zlib.decompress(idat)
    bpp = {2: 3, 6: 4}.get(colour, 1) * (depth // 8 or 1)
    stride = w * bpp + 1
    # filter bytes aside, a one-colour image has rows that repeat (filter
    # "up" turns them into zeros): look for any two different non-zero rows
    rows = {raw[y * stride + 1:(y + 1) * stride] for y in range(0, h, max(1, h // 200))}
    return len(rows) <= 2


def main():
    # what is measured here is the browser's layout, the same for any build;
    # the report's writer runs under the sanitizers in test_batch.sh
    skipped = browser_skipped("the release pass measures the report")
    if skipped:
        print(skipped)
        return 0
    tally = Tally("report in a browser")
    work = tempfile.mkdtemp()
    try:
        inputs = ["datasets/cleantech-se"]
        if os.path.exists(NORWAY):
            norway = os.path.join(work, "norway")
            r = subprocess.run([KLUSTER, "import", "-q", "--map", "loaders/maps/norway-h2020.json", NORWAY, "-o",
                                norway], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            if r.returncode != 0:
                print("FAIL norway import: %s" % r.stderr.decode()[:200])
                return 1
            inputs.append(norway)
        else:
            print("note: %s not found; the Norwegian report is skipped" % NORWAY)
        out = os.path.join(work, "out")
        r = subprocess.run([KLUSTER, "batch", "-q", "-j", "2", "-o", out] + inputs, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
        if r.returncode != 0:
            print("FAIL batch: %s" % r.stderr.decode()[:300])
            return 1
        for d in sorted(os.listdir(out)):
            report = os.path.join(out, d, "report.html")
            if not os.path.isfile(report):
                continue
            # the diagram, the region map, the heat map, and with dates the
            # brokers' chart of the "Over time" section
            figures = 3 + os.path.isfile(os.path.join(out, d, "trend-brokers.svg"))
            for width in WIDTHS:
                res = measure(report, work, width)
                tally.check("%s at %d px: measured, %d figures" % (d, width, figures),
                            res is not None and len(res["figures"]) == figures)
                if res is None:
                    continue
                for f in res["figures"]:
                    where = "%s at %d px, figure %d" % (d, width, f["index"])
                    print("%s: %d texts, smallest %.1f px (%r), lowest box %.1f px, svg %.0f px wide%s"
                          % (where, f["texts"], f["min_font_px"], f["smallest"][:30], f["min_height_px"],
                             f["svg_width"], ", scrolls" if f["scrolls"] else ""))
                    tally.check("%s: the figure fits the window" % where, f["right"] <= res["window_width"] + 1,
                                "right edge %.0f px" % f["right"])
                    tally.check("%s: texts measured" % where, f["texts"] >= 10, "only %d" % f["texts"])
                    tally.check("%s: text at least %g px" % (where, MIN_PX),
                                f["min_font_px"] >= MIN_PX - 0.01 and f["min_height_px"] >= MIN_PX - 0.01,
                                "%r is %.2f px (box %.2f px)" % (f["smallest"], f["min_font_px"], f["min_height_px"]))
                    href = f["href"]
                    tally.check("%s: links to the SVG file beside the report" % where,
                                href and os.path.isfile(os.path.join(out, d, href)), repr(href))
        # a look at the Norwegian (else the Swedish) report's diagrams
        shot_id = "norway-h2020" if os.path.isdir(os.path.join(out, "norway-h2020")) else "cleantech-se"
        shot = os.path.join(work, "report-%s.png" % shot_id)
        chromium("--window-size=1280,4000", "--screenshot=" + shot, "file://" + os.path.join(out, shot_id, "report.html"))
        tally.check("screenshot of %s: taken, not blank" % shot_id, os.path.isfile(shot) and not png_is_blank(shot))
        keep = os.environ.get("KEEP_SCREENSHOTS")
        if keep and os.path.isfile(shot):
            os.makedirs(keep, exist_ok=True)
            shutil.copy(shot, keep)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return tally.summary()


if __name__ == "__main__":
    sys.exit(main())
