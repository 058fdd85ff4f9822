/* writers/html.c - the HTML pages of `kluster batch`: report.html for one
 * dataset and index.html for the batch, self-contained (inline CSS and SVG,
 * no script, no network), with every text escaped by kl_html_escape. */
#include "writers_internal.h"

#include "../viz/viz.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ escaping */

/* Length of the valid UTF-8 sequence at p (1..4) and its code point, or 0
 * when p does not start one (overlong, surrogate, > U+10FFFF, truncated). */
static int utf8_decode(const unsigned char *p, uint32_t *cp)
{
    unsigned char c = p[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    int len;
    uint32_t min, v;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2, min = 0x80, v = c & 0x1Fu;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3, min = 0x800, v = c & 0x0Fu;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4, min = 0x10000, v = c & 0x07u;
    else
        return 0;
    for (int i = 1; i < len; i++) {
        /* a NUL terminator fails this test too, so a truncated sequence at
         * the end of the string is caught without reading past it */
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (p[i] & 0x3Fu);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

size_t kl_html_escape(const char *s, char *out, size_t size)
{
    static const char fffd[] = "\xEF\xBF\xBD";
    size_t len = 0, written = 0;
    int full = 0; /* once a piece did not fit, nothing more is written */
    if (!s)
        s = "";
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        uint32_t cp = 0;
        int n = utf8_decode(p, &cp);
        const char *piece;
        size_t plen;
        if (n == 0 || (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || (cp >= 0x7F && cp <= 0x9F) ||
            cp == 0xFFFE || cp == 0xFFFF) {
            /* an invalid byte is replaced on its own and decoding resumes at
             * the next byte; a valid but unwanted character as a whole */
            piece = fffd, plen = 3;
            p += n ? n : 1;
        } else {
            switch (cp) {
            case '&': piece = "&amp;", plen = 5; break;
            case '<': piece = "&lt;", plen = 4; break;
            case '>': piece = "&gt;", plen = 4; break;
            case '"': piece = "&quot;", plen = 6; break;
            case '\'': piece = "&#39;", plen = 5; break;
            default: piece = (const char *)p, plen = (size_t)n;
            }
            p += n;
        }
        if (!full && written + plen < size) {
            memcpy(out + written, piece, plen);
            written += plen;
        } else {
            full = 1;
        }
        len += plen;
    }
    if (size)
        out[written] = '\0';
    return len;
}

int kl_html_puts(FILE *f, const char *s)
{
    char buf[1024];
    size_t len = kl_html_escape(s, buf, sizeof buf);
    if (len < sizeof buf)
        return fwrite(buf, 1, len, f) == len ? 0 : -1;
    char *big = malloc(len + 1);
    if (!big) {
        errno = ENOMEM;
        return -1;
    }
    kl_html_escape(s, big, len + 1);
    int rc = fwrite(big, 1, len, f) == len ? 0 : -1;
    free(big);
    return rc;
}

/* ------------------------------------------------------------- helpers */

#define E(s) kl_html_puts(f, (s))

/* A name (entity, region, dataset, source title) as the page shows it:
 * cut to KL_SHOWN_CHARS characters. */
static int name_puts(FILE *f, const char *s)
{
    char buf[KL_SHOWN_SIZE];
    return kl_html_puts(f, kl_shown_name(s, buf));
}
#define N(s) name_puts(f, (s))

static const char css[] =
    ":root{--ink:#1b2230;--muted:#5d6677;--line:#dde2ea;--soft:#f5f7fa;--accent:#1f5fa8;--bad:#b3261e;"
    "--warn:#9a5b00;--ok:#1e7b34}\n"
    "*{box-sizing:border-box}\n"
    "html{-webkit-text-size-adjust:100%}\n"
    "body{margin:0;font:15px/1.55 \"Noto Sans\",\"DejaVu Sans\",\"Liberation Sans\",system-ui,-apple-system,"
    "\"Segoe UI\",Arial,sans-serif;color:var(--ink);background:#fff}\n"
    ".wrap{max-width:1140px;margin:0 auto;padding:0 32px}\n"
    "header.top{background:#14213d;color:#fff;padding:30px 0 24px;border-bottom:4px solid #e69f00}\n"
    "header.top .eyebrow{text-transform:uppercase;letter-spacing:.08em;font-size:12px;color:#aebbd4;margin:0}\n"
    "header.top h1{margin:4px 0 6px;font-size:30px;line-height:1.2;font-weight:700}\n"
    "header.top p.sub{margin:0;color:#d3dbea;font-size:14px}\n"
    "h2{font-size:21px;margin:38px 0 12px;padding-bottom:6px;border-bottom:2px solid var(--line)}\n"
    "h3{font-size:16px;margin:22px 0 6px}\n"
    "h4{font-size:14px;margin:16px 0 4px}\n"
    "p{margin:8px 0}\n"
    "a{color:var(--accent)}\n"
    ".tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(148px,1fr));gap:10px;margin:16px 0 8px}\n"
    ".tile{border:1px solid var(--line);border-radius:8px;padding:10px 14px;background:var(--soft)}\n"
    ".tile b{display:block;font-size:24px;font-weight:700;line-height:1.2;font-variant-numeric:tabular-nums}\n"
    ".tile span{font-size:12.5px;color:var(--muted)}\n"
    ".findings{background:#fbf7ee;border:1px solid #ecdcb8;border-left:5px solid #e69f00;border-radius:8px;"
    "padding:12px 18px 12px 34px;margin:18px 0}\n"
    ".findings li{margin:5px 0}\n"
    "table{border-collapse:collapse;width:100%;font-size:13.5px;margin:8px 0 18px}\n"
    "th,td{padding:6px 9px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}\n"
    "thead th{background:var(--soft);font-weight:600;font-size:12.5px;color:#3a4457;border-bottom:2px solid "
    "var(--line)}\n"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    "tbody tr:nth-child(even){background:#fafbfd}\n"
    "tr{break-inside:avoid}\n"
    ".grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(500px,1fr));gap:0 32px}\n"
    "figure{margin:14px 0 22px;border:1px solid var(--line);border-radius:8px;padding:14px;background:#fff;"
    "break-inside:avoid}\n"
    ".fig{overflow-x:auto}\n"
    ".fig svg{display:block;width:100%;max-width:var(--natural);min-width:var(--readable);height:auto;"
    "margin:0 auto}\n"
    ".fig-link{text-align:right;font-size:12.5px;margin:-4px 0 6px}\n"
    ".scroll{overflow-x:auto}\n"
    "table.time{font-size:12.5px}\n"
    "table.time th,table.time td{padding:5px 7px}\n"
    "table.time tbody th{font-weight:600;white-space:nowrap}\n"
    "figcaption{color:var(--muted);font-size:13px;margin-top:10px;border-top:1px solid var(--line);"
    "padding-top:8px}\n"
    ".kind{display:inline-block;font-size:11px;line-height:17px;padding:0 7px;border-radius:9px;"
    "background:#e7ecf4;color:#34425a;margin-left:6px;white-space:nowrap}\n"
    ".muted{color:var(--muted)}\n"
    ".small{font-size:13px}\n"
    ".bad{color:var(--bad);font-weight:600}\n"
    ".ok{color:var(--ok);font-weight:600}\n"
    ".warn{color:var(--warn);font-weight:600}\n"
    ".status{display:inline-block;font-size:12px;font-weight:600;padding:1px 9px;border-radius:10px}\n"
    ".status.ok{background:#e3f2e6;color:#1e6b30}\n"
    ".status.unchanged{background:#e7ecf4;color:#34425a}\n"
    ".status.failed,.status.interrupted{background:#fbe4e2;color:#9c1f17}\n"
    ".broker{border:1px solid var(--line);border-radius:8px;padding:4px 18px 8px;margin:14px 0;break-inside:avoid}\n"
    ".broker h3 .rank{color:#fff;background:#14213d;border-radius:50%;display:inline-block;width:24px;"
    "height:24px;text-align:center;line-height:24px;font-size:13px;margin-right:8px}\n"
    "blockquote{margin:3px 0 6px;padding:1px 10px;border-left:3px solid #c5cfdf;color:#2f3847}\n"
    "blockquote q{font-style:italic}\n"
    "ul.plain{list-style:none;padding-left:0}\n"
    "code{font-family:\"DejaVu Sans Mono\",\"Liberation Mono\",monospace;font-size:12.5px;background:var(--soft);"
    "padding:0 4px;border-radius:3px}\n"
    "footer{margin:44px 0 30px;color:var(--muted);font-size:12.5px;border-top:1px solid var(--line);"
    "padding-top:10px}\n"
    "@page{size:A4;margin:14mm}\n"
    "@media print{body{font-size:10.5pt}header.top{background:none;color:#000;padding:0 0 8px;"
    "border-bottom:3px solid #e69f00}header.top p.sub,header.top .eyebrow{color:#444}.wrap{max-width:none;"
    "padding:0}h2{break-after:avoid;margin-top:24px}h3{break-after:avoid}.grid2{display:block}"
    "a{color:inherit;text-decoration:none}.tile{background:none}.findings{background:none}"
    ".fig{overflow:visible}.fig svg{min-width:0}.fig-link{display:none}.scroll{overflow:visible}"
    "table.time{font-size:7pt}table.time th,table.time td{padding:2px 3px}h4{break-after:avoid}"
    "thead{display:table-header-group}}\n";

static double pct(double share) { return share * 100.0; }

/* A metric value for people: integers as integers, small values with three
 * significant digits, the rest with two decimals. */
static void fmt_num(double x, char *buf, size_t size)
{
    if (!isfinite(x))
        snprintf(buf, size, "–");
    else if (x == floor(x) && fabs(x) < 1e15)
        snprintf(buf, size, "%.0f", x);
    else if (fabs(x) < 1)
        snprintf(buf, size, "%.3g", x);
    else if (fabs(x) < 100)
        snprintf(buf, size, "%.2f", x);
    else
        snprintf(buf, size, "%.1f", x);
}

static void fmt_pct(double share, char *buf, size_t size)
{
    if (!isfinite(share))
        snprintf(buf, size, "–");
    else if (share > 0 && pct(share) < 0.1)
        snprintf(buf, size, "&lt;0.1&#8239;%%");
    else
        snprintf(buf, size, "%.1f&#8239;%%", pct(share));
}

static const kl_entity_t *vent(const kl_html_report_t *r, uint32_t v)
{
    return &r->ds->entities[r->g->vertex_entity[v]];
}

static const char *region_name(const kl_dataset_t *ds, int32_t reg)
{
    return reg >= 0 ? ds->regions[reg].name : NULL;
}

/* "Name (kind, Region)" as inline HTML. */
static void actor_html(FILE *f, const kl_html_report_t *r, uint32_t v, int with_region)
{
    const kl_entity_t *e = vent(r, v);
    fputs("<b>", f);
    N(e->name);
    fputs("</b>", f);
    if (with_region) {
        int32_t reg = r->g->vertex_region[v];
        fputs(" <span class=\"muted\">(", f);
        fputs(kl_i_kind_label(e->kind), f);
        if (reg >= 0) {
            fputs(", ", f);
            N(region_name(r->ds, reg));
        }
        fputs(")</span>", f);
    }
}

static void region_html(FILE *f, const kl_dataset_t *ds, uint32_t reg)
{
    fputs("<b>", f);
    N(ds->regions[reg].name);
    fputs("</b>", f);
    if (strcmp(ds->regions[reg].name, ds->regions[reg].id) != 0) {
        fputs(" <span class=\"muted\">", f);
        N(ds->regions[reg].id);
        fputs("</span>", f);
    }
}

/* actor_html as a string, for a translated sentence (caller frees); NULL
 * when out of memory. */
static char *actor_html_str(const kl_html_report_t *r, uint32_t v, int with_region)
{
    kl_i_piece_t piece;
    FILE *p = kl_i_piece_open(&piece);
    if (p)
        actor_html(p, r, v, with_region);
    return kl_i_piece_close(&piece);
}

/* Inline an SVG: drop the XML prolog, DOCTYPE and comments before <svg, and
 * prefix every id="..." so that two inlined diagrams never share an id. */
static void inline_svg(FILE *f, const char *svg, size_t len, const char *prefix)
{
    const char *p, *end = svg + len;
    const char *start = memmem(svg, len, "<svg", 4);
    if (!start)
        return;
    p = start;
    while (p < end) {
        const char *hit = memmem(p, (size_t)(end - p), " id=\"", 5);
        if (!hit) {
            fwrite(p, 1, (size_t)(end - p), f);
            break;
        }
        fwrite(p, 1, (size_t)(hit - p) + 5, f);
        fputs(prefix, f);
        p = hit + 5;
    }
}

/* ------------------------------------------------------------ figures */

/* A diagram is never shown so small that its smallest text falls under
 * this many CSS pixels. */
#define READABLE_PX 9.0
#define PX_PER_PT (96.0 / 72.0)

/* The number after `name` ("width=\"") within [p, end), or NAN. */
static double number_after(const char *p, const char *end, const char *name)
{
    size_t n = strlen(name);
    const char *hit = memmem(p, (size_t)(end - p), name, n);
    if (!hit)
        return NAN;
    char buf[32];
    size_t k = 0;
    for (hit += n; hit < end && k < sizeof buf - 1 && *hit && strchr("0123456789.-+eE", *hit); hit++)
        buf[k++] = *hit;
    buf[k] = '\0';
    char *stop;
    double x = strtod(buf, &stop);
    return stop == buf ? NAN : x;
}

/* How wide to show an SVG written by Graphviz (width in points, viewBox in
 * user units, text sizes in user units), in CSS pixels: *natural its own
 * size; *readable the width at which its smallest text is READABLE_PX
 * tall (0: no text).  Both 0 when the size cannot be read. */
static void svg_widths(const char *svg, size_t len, double *natural, double *readable)
{
    const char *end = svg + len, *tag = memmem(svg, len, "<svg", 4);
    const char *close = tag ? memchr(tag, '>', (size_t)(end - tag)) : NULL;
    *natural = *readable = 0;
    if (!close)
        return;
    double width_pt = number_after(tag, close, " width=\"");
    const char *vb = memmem(tag, (size_t)(close - tag), "viewBox=\"", 9);
    double vb_width = NAN;
    if (vb) {
        /* "x y width height" */
        const char *p = vb + 9;
        char *next;
        for (int i = 0; i < 3; i++, p = next)
            vb_width = strtod(p, &next);
    }
    if (!(width_pt > 0) || !(vb_width > 0))
        return;
    double px_per_unit = width_pt / vb_width * PX_PER_PT, smallest = INFINITY;
    for (const char *p = close; (p = memmem(p, (size_t)(end - p), "font-size=\"", 11)); p += 11) {
        double size = number_after(p, end, "font-size=\"");
        if (size > 0 && size < smallest)
            smallest = size;
    }
    *natural = width_pt * PX_PER_PT;
    if (isfinite(smallest))
        *readable = *natural * READABLE_PX / (smallest * px_per_unit);
}

/* A figure's opening: a link to the SVG file at full size, then the
 * diagram as wide as the column allows between its readable width and its
 * own (the column scrolls sideways when it is narrower than readable). */
/* The figure's opening and its SVG; explore: the SVG inside the explorer's
 * stage (writers/explorer.c), its ids unprefixed as the script reads them. */
static void figure_open_as(FILE *f, const char *svg, size_t len, const char *prefix, const char *href, int explore)
{
    double natural, readable;
    svg_widths(svg, len, &natural, &readable);
    fputs("<figure>\n", f);
    if (href) {
        fputs("<div class=\"fig-link\"><a href=\"", f);
        E(href);
        fprintf(f, "\">%s</a></div>\n", _("Open at full size"));
    }
    if (natural > 0)
        fprintf(f, "<div class=\"fig\" style=\"--natural:%.0fpx;--readable:%.0fpx\">\n", ceil(natural), ceil(readable));
    else
        fputs("<div class=\"fig\" style=\"--natural:100%;--readable:0\">\n", f);
    if (explore)
        kl_write_explorer_stage(f, svg, len);
    else
        inline_svg(f, svg, len, prefix);
    fputs("\n</div>", f);
}

static void figure_open(FILE *f, const char *svg, size_t len, const char *prefix, const char *href)
{
    figure_open_as(f, svg, len, prefix, href, 0);
}

typedef struct {
    const double *key;
    const kl_html_report_t *r;
    int ascending;
} sort_ctx_t;

static int cmp_key(const void *x, const void *y, void *c)
{
    const sort_ctx_t *ctx = c;
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    double ka = ctx->key[a], kb = ctx->key[b];
    if (ka != kb)
        return (ka < kb) == !ctx->ascending ? 1 : -1;
    return strcmp(vent(ctx->r, a)->id, vent(ctx->r, b)->id);
}

/* Vertices with a finite key, sorted (descending unless ascending; ties by
 * actor id) into idx (n entries); returns how many. */
static uint32_t rank_by(const kl_html_report_t *r, const double *key, int ascending, uint32_t *idx)
{
    uint32_t cnt = 0;
    for (uint32_t v = 0; v < r->g->n; v++)
        if (isfinite(key[v]))
            idx[cnt++] = v;
    sort_ctx_t ctx = {key, r, ascending};
    qsort_r(idx, cnt, sizeof *idx, cmp_key, &ctx);
    return cnt;
}

/* ------------------------------------------------------------- sections */

static void tile(FILE *f, const char *value, const char *label)
{
    fprintf(f, "<div class=\"tile\"><b>%s</b><span>%s</span></div>\n", value, label);
}

static void tile_u(FILE *f, double value, const char *label)
{
    char buf[48];
    fmt_num(value, buf, sizeof buf);
    tile(f, buf, label);
}

static void numbers_section(FILE *f, const kl_html_report_t *r)
{
    const kl_analysis_t *a = r->res;
    const kl_dataset_t *ds = r->ds;
    char buf[64];
    fprintf(f, "<h2 id=\"numbers\">%s</h2>\n<div class=\"tiles\">\n", _("The graph in numbers"));
    tile_u(f, a->n, _("actors"));
    tile_u(f, a->m, _("ties"));
    tile_u(f, ds->n_regions, _("regions"));
    tile_u(f, ds->n_sources, _("sources"));
    tile_u(f, a->components, _("connected components"));
    tile_u(f, a->largest_component, _("actors in the largest component"));
    tile_u(f, a->isolated, _("isolated actors"));
    tile_u(f, a->bridges, _("bridges (ties whose loss splits the graph)"));
    tile_u(f, a->articulation_points, _("articulation points (cut actors)"));
    tile_u(f, a->communities, _("communities"));
    fmt_num(a->modularity, buf, sizeof buf);
    tile(f, buf, _("modularity"));
    tile_u(f, ds->n_warnings, _("warnings in the data"));
    fprintf(f, "</div>\n<table class=\"small\"><tbody>\n<tr><th>%s</th><td>", _("dataset"));
    fprintf(f, kl_trn("%u entities, %u relations from %u file", "%u entities, %u relations from %u files", ds->n_files),
            ds->n_entities, ds->n_relations, ds->n_files);
    fprintf(f, "</td></tr>\n<tr><th>%s</th><td>", _("analysis graph"));
    const char *paths = a->options.weighted ? _("1/weight") : _("hops");
    const char *graph = r->g->options.mode == KL_MODE_ORGANISATIONS
                            ? _("organisations (ties through shared projects, people and direct relations)")
                            : _("every entity is an actor, every relation a tie");
    /* TRANSLATORS: the analysis graph (what its actors and ties are); what a path's length counts ("hops",
     * "1/weight") */
    if (a->options.samples)
        fprintf(f, _("%s; shortest paths in %s; betweenness estimated from sampled sources"), graph, paths);
    else if (a->options.epsilon > 0)
        fprintf(f, _("%s; shortest paths in %s; betweenness estimated from sampled shortest paths"), graph, paths);
    else
        fprintf(f, _("%s; shortest paths in %s; betweenness exact"), graph, paths);
    fprintf(f, "</td></tr>\n<tr><th>%s</th><td>", _("communities vs regions"));
    char ari[64];
    fmt_num(a->nmi_regions, buf, sizeof buf);
    fmt_num(a->ari_regions, ari, sizeof ari);
    /* TRANSLATORS: normalised mutual information, adjusted Rand index, the algorithm (Louvain or Leiden) */
    fprintf(f, _("NMI %s, adjusted Rand index %s (%s; 1 means communities are exactly the regions)"), buf, ari,
            a->options.communities == KL_COMMUNITIES_LOUVAIN ? "Louvain" : "Leiden");
    fmt_num(a->region_pairs, buf, sizeof buf);
    fprintf(f, "</td></tr>\n<tr><th>%s</th><td>", _("cross-region actor pairs"));
    fprintf(f, _("%s connected pairs of actors in different regions"), buf);
    fputs("</td></tr>\n</tbody></table>\n", f);
}

/* "<a href="#id">text</a>": a link inside the page, for a sentence's %s. */
static void anchor_text(char *buf, size_t size, const char *id, const char *text)
{
    snprintf(buf, size, "<a href=\"#%s\">%s</a>", id, text);
}

/* The strongest brokers in a sentence; 0, or -1 when out of memory. */
static int findings_brokers(FILE *f, const kl_html_report_t *r, const uint32_t *by_irb, uint32_t n_irb)
{
    const kl_analysis_t *a = r->res;
    uint32_t v = by_irb[0];
    char buf[64], *name = actor_html_str(r, v, 1);
    if (!name)
        return -1;
    fmt_pct(a->irb_share[v], buf, sizeof buf);
    fputs("<li>", f);
    if (a->dominant_actor == (int32_t)v)
        /* TRANSLATORS: the actor ("Name (kind, Region)"), its share of the paths ("59.5 %") */
        fprintf(f, _("The strongest broker between regions is %s: it lies on %s of the shortest paths between actors "
                     "of different regions, more than half: the connections between regions depend on it."),
                name, buf);
    else
        fprintf(f, _("The strongest broker between regions is %s: it lies on %s of the shortest paths between actors "
                     "of different regions."),
                name, buf);
    free(name);
    if (n_irb > 1 && a->irb[by_irb[1]] > 0) {
        char *next;
        kl_i_piece_t piece;
        FILE *p = kl_i_piece_open(&piece);
        for (uint32_t i = 1; p && i < n_irb && i < 3 && a->irb[by_irb[i]] > 0; i++) {
            if (i > 1)
                fputs(kl_i_list_and(), p);
            actor_html(p, r, by_irb[i], 0);
            fmt_pct(a->irb_share[by_irb[i]], buf, sizeof buf);
            fprintf(p, " (%s)", buf);
        }
        if (!(next = kl_i_piece_close(&piece)))
            return -1;
        fputc(' ', f);
        /* TRANSLATORS: the next strongest brokers: "A (12.5 %) and B (8.0 %)" */
        fprintf(f, _("Next: %s."), next);
        free(next);
    }
    fputs("</li>\n", f);
    return 0;
}

/* The region pairs in a sentence, and the regions cut off from all others;
 * 0, or -1 when out of memory. */
static int findings_pairs(FILE *f, const kl_html_report_t *r)
{
    const kl_regions_t *rg = r->regions;
    kl_pair_counts_t counts;
    kl_region_pairs_count(rg, NULL, &counts);
    uint32_t conn = counts.connected, frag = counts.fragile;
    fputs("<li>", f);
    if (frag) {
        char fragile[200], see[200], count[100];
        /* TRANSLATORS: region pairs that hang on one actor */
        snprintf(count, sizeof count, kl_trn("%u is fragile", "%u are fragile", frag), frag);
        snprintf(see, sizeof see, "<span class=\"bad\">%s</span>", count);
        anchor_text(fragile, sizeof fragile, "fragile", _("fragile region pairs"));
        /* TRANSLATORS: connected pairs, all pairs, "N are fragile", a link to the section "fragile region
         * pairs" */
        fprintf(f, _("%u of %u region pairs are connected; %s: every connection runs through one actor (see %s)."),
                conn, rg->n_pairs, see, fragile);
    } else if (conn) {
        fprintf(f, _("%u of %u region pairs are connected; none of them hangs on a single actor."), conn, rg->n_pairs);
    } else {
        fprintf(f, _("%u of %u region pairs are connected."), conn, rg->n_pairs);
    }
    fputs("</li>\n", f);
    /* regions with actors that reach no other region */
    char *alone_list;
    kl_i_piece_t piece;
    FILE *p = kl_i_piece_open(&piece);
    uint32_t alone = 0;
    for (uint32_t i = 0; p && i < rg->n_regions; i++) {
        uint32_t reg = rg->regions[i].region, pairs = 0, c = 0;
        if (!rg->regions[i].actors)
            continue;
        for (uint32_t q = 0; q < rg->n_pairs; q++)
            if (rg->pairs[q].a == reg || rg->pairs[q].b == reg)
                pairs++, c += rg->pairs[q].connected != 0;
        if (pairs && !c) {
            if (alone)
                fputs(", ", p);
            region_html(p, r->ds, reg);
            alone++;
            if (alone == 8)
                break;
        }
    }
    if (!(alone_list = kl_i_piece_close(&piece)))
        return -1;
    if (alone) {
        fputs("<li>", f);
        /* TRANSLATORS: a list of regions */
        fprintf(f, _("Cut off from every other region: %s."), alone_list);
        fputs("</li>\n", f);
    }
    free(alone_list);
    return 0;
}

static int findings_section(FILE *f, const kl_html_report_t *r, const uint32_t *by_irb, uint32_t n_irb)
{
    const kl_analysis_t *a = r->res;
    const kl_regions_t *rg = r->regions;
    char buf[64];
    fputs("<ul class=\"findings\">\n<li>", f);
    fprintf(f, _("%u actors and %u ties."), a->n, a->m);
    fputc(' ', f);
    if (a->n) {
        fmt_pct(a->n ? (double)a->largest_component / a->n : NAN, buf, sizeof buf);
        if (a->components == 1)
            fputs(_("Every actor is connected to every other."), f);
        else
            /* TRANSLATORS: components, actors in the largest, their share ("80.0 %") */
            fprintf(f, _("They fall into %u separate components; the largest holds %u actors (%s)."), a->components,
                    a->largest_component, buf);
    }
    fputs("</li>\n", f);
    if (n_irb && a->irb[by_irb[0]] > 0) {
        if (findings_brokers(f, r, by_irb, n_irb) != 0)
            return -1;
    } else if (a->region_pairs <= 0) {
        fprintf(f, "<li>%s</li>\n",
                _("No two actors of different regions are connected, so no actor brokers between regions."));
    }
    if (rg && rg->n_pairs && findings_pairs(f, r) != 0)
        return -1;
    if (r->ds->n_warnings) {
        char see[200];
        anchor_text(see, sizeof see, "warnings", _("warnings"));
        fputs("<li class=\"warn\">", f);
        /* TRANSLATORS: the number of warnings, a link to the section "warnings" */
        fprintf(f, kl_trn("The data has %u warning (see %s).", "The data has %u warnings (see %s).",
                          r->ds->n_warnings),
                r->ds->n_warnings, see);
        fputs("</li>\n", f);
    }
    fputs("</ul>\n", f);
    return 0;
}

static void diagrams_section(FILE *f, const kl_html_report_t *r)
{
    fprintf(f, "<h2 id=\"diagrams\">%s</h2>\n", _("Diagrams"));
    /* the region map comes first: drawn as a map when the regions have
     * coordinates, as kluster batch renders it (kl_viz_region_map_is_geo) */
    if (r->region_map_svg) {
        figure_open(f, r->region_map_svg, r->region_map_len, "rm-", r->region_map_href);
        fputs("\n<figcaption>", f);
        fputs(r->g && kl_viz_region_map_is_geo(r->ds, r->g)
                  ? _("Map of the regions: each region is a circle at its coordinates, its area the number of its "
                      "actors; a line joins two regions when actors of both are tied directly or through a shared "
                      "project, funder or person, and the heaviest lines are labelled with their main broker. Regions "
                      "without coordinates are named under the map.")
                  : _("Region map: one node per region, sized by its actors; an edge joins two regions when actors of "
                      "both are tied directly or through a shared project, funder or person, and is labelled with its "
                      "main broker."),
              f);
        fputs("</figcaption>\n</figure>\n", f);
    }
    if (r->diagram_svg) {
        figure_open_as(f, r->diagram_svg, r->diagram_len, "nw-", r->diagram_href, r->explorer);
        fputs("\n<figcaption>", f);
        E(r->diagram_caption ? r->diagram_caption : _("The network."));
        fputc(' ', f);
        fputs(_("Clusters are regions, shapes kinds of actor, size inter-regional betweenness; bridges are drawn in "
                "orange-red, articulation points with a double border, the top brokers carry their rank."),
              f);
        fputs("</figcaption>\n</figure>\n", f);
    }
    if (r->heatmap_svg) {
        figure_open(f, r->heatmap_svg, r->heatmap_len, "hm-", r->heatmap_href);
        fputs("\n<figcaption>", f);
        fputs(_("Heat map of the region pairs: each cell is coloured by the pair's links (ties between actors of the "
                "two regions, plus projects, funders and people tied to both; darker is more) and marked with the "
                "letter of its main broker, named in the key below it. Regions that work together sit together "
                "(spectral order); hover over a cell for the regions, the links and the broker."),
              f);
        fputs("</figcaption>\n</figure>\n", f);
    }
    if (r->render_note) {
        fputs("<p class=\"muted\">", f);
        E(r->render_note);
        fputs("</p>\n", f);
    }
}

static void brokers_list(FILE *f, const kl_html_report_t *r, const kl_region_pair_t *pr)
{
    char buf[64];
    for (uint32_t i = 0; i < pr->n_brokers; i++) {
        if (i)
            fputs(", ", f);
        N(vent(r, pr->brokers[i].vertex)->name);
        fmt_pct(pr->brokers[i].share, buf, sizeof buf);
        fprintf(f, " (%s)", buf);
    }
}

/* The cut actors of a pair, the first KL_REPORT_CUT_NAMES of them named. */
static void cut_list(FILE *f, const kl_html_report_t *r, const kl_region_pair_t *pr, int with_region)
{
    uint32_t named = pr->n_cut <= KL_REPORT_CUT_NAMES ? pr->n_cut : KL_REPORT_CUT_NAMES;
    for (uint32_t i = 0; i < named; i++) {
        if (i)
            fputs(i + 1 == named && named == pr->n_cut ? kl_i_list_and() : ", ", f);
        actor_html(f, r, pr->cut[i], with_region);
    }
    if (named < pr->n_cut)
        fprintf(f, kl_i_list_more(), pr->n_cut - named);
}

static void pair_cell(FILE *f, const kl_html_report_t *r, const kl_region_pair_t *pr)
{
    fputs("<td>", f);
    N(r->ds->regions[pr->a].name);
    fputs(" – ", f);
    N(r->ds->regions[pr->b].name);
    fputs("</td>", f);
}

/* The connected pairs with most links (by_links, n_conn of them) and their
 * brokers, at most KL_REPORT_PAIR_ROWS rows. */
static void top_pairs_table(FILE *f, const kl_html_report_t *r, const uint32_t *by_links, uint32_t n_conn)
{
    const kl_regions_t *rg = r->regions;
    char buf[64];
    uint32_t rows = n_conn < KL_REPORT_PAIR_ROWS ? n_conn : KL_REPORT_PAIR_ROWS, without = 0;
    fputs("<h3>", f);
    if (rows < n_conn)
        fprintf(f, _("The %u region pairs with most links"), rows);
    else
        fputs(_("Connected region pairs, most links first"), f);
    fputs("</h3>\n<p class=\"muted small\">", f);
    E(kl_i_pairs_legend());
    fprintf(f, "</p>\n<table><thead><tr><th class=\"n\">#</th><th>%s</th><th class=\"n\">%s</th>"
               "<th class=\"n\">%s</th><th>%s</th><th>%s</th></tr></thead><tbody>\n",
            _("region pair"), _("links"), _("distance"), _("main brokers (share)"), _("cut actors"));
    for (uint32_t i = 0; i < rows; i++) {
        const kl_region_pair_t *pr = &rg->pairs[by_links[i]];
        fprintf(f, "<tr><td class=\"n\">%u</td>", i + 1);
        pair_cell(f, r, pr);
        fmt_num(pr->links, buf, sizeof buf);
        fprintf(f, "<td class=\"n\">%s</td>", buf);
        fmt_num(pr->distance, buf, sizeof buf);
        fprintf(f, "<td class=\"n\">%s</td><td>", buf);
        if (pr->has_brokers && pr->n_brokers)
            brokers_list(f, r, pr);
        else if (pr->has_brokers)
            fprintf(f, "<span class=\"muted\">%s</span>", _("none: every shortest path is a direct tie"));
        else
            fprintf(f, "<span class=\"muted\">%s</span>", _("not computed"));
        without += !pr->has_brokers;
        fputs("</td><td>", f);
        cut_list(f, r, pr, 0);
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
    if (without) {
        fputs("<p class=\"muted small\">", f);
        /* TRANSLATORS: the %s are commands: kluster bridges --regions, --all-pairs */
        fprintf(f, _("With many regions, brokers are computed for the pairs with most links only; %s or %s computes "
                     "them for others."),
                "<code>kluster bridges --regions</code>", "<code>--all-pairs</code>");
        fputs("</p>\n", f);
    }
}

/* The unconnected pairs, named up to KL_REPORT_LIST_ROWS. */
static void unconnected_list(FILE *f, const kl_html_report_t *r, uint32_t unconn)
{
    const kl_regions_t *rg = r->regions;
    fprintf(f, "<p><b>%s</b> ", _("Not connected"));
    fprintf(f, kl_trn("(%u pair):", "(%u pairs):", unconn), unconn);
    fputc(' ', f);
    uint32_t shown = 0;
    for (uint32_t p = 0; p < rg->n_pairs && shown < KL_REPORT_LIST_ROWS; p++) {
        if (rg->pairs[p].connected)
            continue;
        if (shown++)
            fputs("; ", f);
        N(r->ds->regions[rg->pairs[p].a].name);
        fputs(" – ", f);
        N(r->ds->regions[rg->pairs[p].b].name);
    }
    if (unconn > shown) {
        fputs("; ", f);
        /* TRANSLATORS: ends a list of region pairs that goes on: "A – B; C – D; and 3 more" */
        fprintf(f, _("and %u more"), unconn - shown);
    }
    fputs(".</p>\n", f);
}

static void fragile_table(FILE *f, const kl_html_report_t *r, const uint32_t *by_links, uint32_t n_conn,
                          uint32_t frag)
{
    const kl_regions_t *rg = r->regions;
    char buf[64];
    fputs("<p>", f);
    if (frag > KL_REPORT_LIST_ROWS)
        fprintf(f, _("%u region pairs lose every connection if one actor leaves; below, the %u with most links."),
                frag, KL_REPORT_LIST_ROWS);
    else
        fprintf(f, kl_trn("%u region pair loses every connection if one actor leaves.",
                          "%u region pairs lose every connection if one actor leaves.", frag),
                frag);
    fputc(' ', f);
    fputs(_("These are the actors to keep engaged, or to back up with a second link."), f);
    fprintf(f, "</p>\n<table><thead><tr><th>%s</th><th class=\"n\">%s</th><th>%s</th></tr></thead><tbody>\n",
            _("region pair"), _("links"), _("cut actors (removing any one disconnects the pair)"));
    uint32_t shown = 0;
    for (uint32_t i = 0; i < n_conn && shown < KL_REPORT_LIST_ROWS; i++) {
        const kl_region_pair_t *pr = &rg->pairs[by_links[i]];
        if (!pr->n_cut)
            continue;
        shown++;
        fputs("<tr>", f);
        pair_cell(f, r, pr);
        fmt_num(pr->links, buf, sizeof buf);
        fprintf(f, "<td class=\"n\">%s</td><td>", buf);
        cut_list(f, r, pr, 1);
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
    if (frag > shown) {
        fputs("<p class=\"muted\">", f);
        /* TRANSLATORS: a number, then code: region_pairs.csv, its column fragile, analysis.json */
        fprintf(f, _("%u more fragile pairs in %s (column %s) and %s."), frag - shown, "<code>region_pairs.csv</code>",
                "<code>fragile</code>", "<code>analysis.json</code>");
        fputs("</p>\n", f);
    }
}

/* Who connects which regions, then the fragile pairs: a summary line, the
 * pairs with most links and their brokers, the unconnected pairs, and where
 * the rest is; bounded whatever the number of regions. */
static int pairs_sections(FILE *f, const kl_html_report_t *r)
{
    const kl_regions_t *rg = r->regions;
    fprintf(f, "<h2 id=\"regions\">%s</h2>\n", _("Who connects which regions"));
    if (!rg || rg->n_pairs == 0) {
        fprintf(f, "<p>%s</p>\n", _("Fewer than two regions have actors: there are no region pairs to connect."));
        if (rg)
            fprintf(f, "<h2 id=\"fragile\">%s</h2>\n<p>%s</p>\n", _("Fragile region pairs"),
                    _("There are no region pairs."));
        return 0;
    }
    kl_pair_counts_t c;
    kl_region_pairs_count(rg, NULL, &c);
    fprintf(f, "<p class=\"summary\"><b>%s</b> ", _("Summary:"));
    fprintf(f, _("%u regions have actors; %u region pairs: %u connected, %u not connected, %u fragile (every "
                 "connection runs through one actor)."),
            c.regions_with_actors, c.pairs, c.connected, c.pairs - c.connected, c.fragile);
    fputs("</p>\n", f);
    uint32_t *by_links = malloc((size_t)rg->n_pairs * sizeof *by_links);
    if (!by_links) {
        errno = ENOMEM;
        return -1;
    }
    uint32_t n_conn = kl_region_pairs_by_links(rg, NULL, by_links);
    if (n_conn == 0)
        fprintf(f, "<p>%s</p>\n",
                _("No two regions are connected: every path between actors stays inside one region."));
    else
        top_pairs_table(f, r, by_links, n_conn);
    if (c.pairs > c.connected)
        unconnected_list(f, r, c.pairs - c.connected);
    uint32_t rows = n_conn < KL_REPORT_PAIR_ROWS ? n_conn : KL_REPORT_PAIR_ROWS;
    fputs("<p class=\"muted small\">", f);
    if (rows < n_conn)
        /* TRANSLATORS: all pairs, two files (code), the pairs in the table, the connected pairs */
        fprintf(f, _("All %u region pairs, with links, distance, brokers and cut actors, are in %s and %s; the table "
                     "shows the %u of %u connected pairs with most links."),
                c.pairs, "<code>region_pairs.csv</code>", "<code>analysis.json</code>", rows, n_conn);
    else
        fprintf(f, _("All %u region pairs, with links, distance, brokers and cut actors, are in %s and %s."), c.pairs,
                "<code>region_pairs.csv</code>", "<code>analysis.json</code>");
    fprintf(f, "</p>\n<h2 id=\"fragile\">%s</h2>\n", _("Fragile region pairs"));
    if (c.fragile)
        fragile_table(f, r, by_links, n_conn, c.fragile);
    else
        fprintf(f, "<p>%s</p>\n",
                _("No region pair hangs on a single actor: removing any one actor leaves every connected pair of "
                  "regions connected."));
    free(by_links);
    return ferror(f) ? -1 : 0;
}

static void regions_table(FILE *f, const kl_html_report_t *r)
{
    const kl_regions_t *rg = r->regions;
    char buf[64];
    if (!rg || !rg->n_regions)
        return;
    fprintf(f, "<h3>%s</h3>\n<table><thead><tr><th>%s</th><th>%s</th><th class=\"n\">%s</th>"
               "<th class=\"n\">%s</th><th class=\"n\">%s</th><th class=\"n\">%s</th><th class=\"n\">%s</th>"
               "</tr></thead><tbody>\n",
            _("Regions"), _("region"), _("id"), _("actors"), _("ties inside"), _("ties to other regions"),
            _("ties to regionless actors"), _("E–I index"));
    for (uint32_t i = 0; i < rg->n_regions; i++) {
        const kl_region_info_t *ri = &rg->regions[i];
        fputs("<tr><td>", f);
        N(r->ds->regions[ri->region].name);
        fputs("</td><td>", f);
        N(r->ds->regions[ri->region].id);
        fmt_num(ri->ei_index, buf, sizeof buf);
        fprintf(f, "</td><td class=\"n\">%u</td><td class=\"n\">%u</td><td class=\"n\">%u</td><td class=\"n\">%u</td>"
                   "<td class=\"n\">%s</td></tr>\n",
                ri->actors, ri->internal_ties, ri->external_ties, ri->regionless_ties, buf);
    }
    fprintf(f, "</tbody></table>\n<p class=\"muted small\">%s</p>\n",
            _("E–I index: (external − internal) / (external + internal) ties; −1 means a region only ties to itself, "
              "+1 only to others."));
}

/* ------------------------------------------------- evidence for brokers */

typedef struct {
    uint32_t other;   /* entity at the other end */
    uint32_t rel;     /* relation index */
} incident_t;

static int cmp_incident(const void *x, const void *y, void *c)
{
    const kl_dataset_t *ds = c;
    const incident_t *a = x, *b = y;
    if (a->other != b->other) {
        int k = strcmp(ds->entities[a->other].name, ds->entities[b->other].name);
        if (k)
            return k;
        return a->other < b->other ? -1 : 1;
    }
    return a->rel < b->rel ? -1 : a->rel > b->rel;
}

static int safe_url(const char *u)
{
    return u && (strncmp(u, "https://", 8) == 0 || strncmp(u, "http://", 7) == 0);
}

static void source_ref(FILE *f, const kl_dataset_t *ds, int32_t s)
{
    if (s < 0) {
        fprintf(f, "<span class=\"muted\">%s</span>", _("unknown source"));
        return;
    }
    const kl_source_t *src = &ds->sources[s];
    if (safe_url(src->url)) {
        fputs("<a href=\"", f);
        E(src->url);
        fputs("\">", f);
        N(src->title ? src->title : src->id);
        fputs("</a>", f);
    } else {
        N(src->title ? src->title : src->id);
    }
    if (src->date) {
        fputs(" <span class=\"muted\">(", f);
        E(src->date);
        fputs(")</span>", f);
    }
}

/* Regions reached through vertex u from v: u's own, or (regionless u) its
 * neighbours' other than v's; marks them in seen (n_regions), returns how
 * many differ from v's region. */
static uint32_t regions_through(const kl_html_report_t *r, uint32_t v, uint32_t u, uint8_t *seen)
{
    const kl_agraph_t *g = r->g;
    int32_t rv = g->vertex_region[v];
    uint32_t k = 0;
    memset(seen, 0, r->ds->n_regions);
    if (g->vertex_region[u] >= 0) {
        if (g->vertex_region[u] != rv) {
            seen[g->vertex_region[u]] = 1;
            k = 1;
        }
        return k;
    }
    for (uint32_t i = g->csr.offset[u]; i < g->csr.offset[u + 1]; i++) {
        uint32_t w = g->csr.adj[i];
        int32_t rw = g->vertex_region[w];
        if (w == v || rw < 0 || rw == rv || seen[rw])
            continue;
        seen[rw] = 1;
        k++;
    }
    return k;
}

#define KL_HTML_MAX_PARTNERS 12

/* A broker's numbers in one sentence: irb share, ties, regions reached,
 * and whether it is a cut actor. */
static void broker_line(FILE *f, const kl_html_report_t *r, uint32_t v)
{
    const kl_analysis_t *a = r->res;
    char pct[64], cut[200];
    fmt_pct(a->irb_share[v], pct, sizeof pct);
    snprintf(cut, sizeof cut, "<span class=\"bad\">%s</span>", _("a cut actor"));
    fputs("<p class=\"small\">", f);
    /* TRANSLATORS: the broker's irb share ("59.5 %"), its ties, [the regions it reaches,] and, for a cut
     * actor, "a cut actor" */
    if (r->regions && a->articulation[v])
        fprintf(f, kl_trn("Inter-regional betweenness share %s; %u ties, reaching %u region; %s: removing it splits "
                          "the network.",
                          "Inter-regional betweenness share %s; %u ties, reaching %u regions; %s: removing it splits "
                          "the network.",
                          r->regions->regions_reached[v]),
                pct, a->degree[v], r->regions->regions_reached[v], cut);
    else if (r->regions)
        fprintf(f, kl_trn("Inter-regional betweenness share %s; %u ties, reaching %u region.",
                          "Inter-regional betweenness share %s; %u ties, reaching %u regions.",
                          r->regions->regions_reached[v]),
                pct, a->degree[v], r->regions->regions_reached[v]);
    else if (a->articulation[v])
        fprintf(f, _("Inter-regional betweenness share %s; %u ties; %s: removing it splits the network."), pct,
                a->degree[v], cut);
    else
        fprintf(f, _("Inter-regional betweenness share %s; %u ties."), pct, a->degree[v]);
    fputs("</p>\n", f);
}

static int broker_evidence(FILE *f, const kl_html_report_t *r, uint32_t rank, uint32_t v, uint8_t *seen)
{
    const kl_dataset_t *ds = r->ds;
    const kl_agraph_t *g = r->g;
    uint32_t ev = g->vertex_entity[v];
    size_t n = 0, cap = 16;
    incident_t *inc = malloc(cap * sizeof *inc);
    if (!inc) {
        errno = ENOMEM;
        return -1;
    }
    for (uint32_t i = 0; i < ds->n_relations; i++) {
        const kl_relation_t *rel = &ds->relations[i];
        if ((rel->source != ev && rel->target != ev) || rel->source == rel->target)
            continue;
        uint32_t other = rel->source == ev ? rel->target : rel->source;
        int32_t u = g->entity_vertex[other];
        if (u < 0 || !regions_through(r, v, (uint32_t)u, seen))
            continue;
        if (n == cap) {
            incident_t *bigger = realloc(inc, 2 * cap * sizeof *inc);
            if (!bigger) {
                free(inc);
                errno = ENOMEM;
                return -1;
            }
            inc = bigger, cap *= 2;
        }
        inc[n].other = other, inc[n].rel = i, n++;
    }
    qsort_r(inc, n, sizeof *inc, cmp_incident, (void *)ds);
    fputs("<div class=\"broker\">\n<h3>", f);
    fprintf(f, "<span class=\"rank\">%u</span>", rank);
    actor_html(f, r, v, 1);
    fputs("</h3>\n", f);
    broker_line(f, r, v);
    if (!n) {
        fprintf(f, "<p class=\"muted\">%s</p>\n</div>\n",
                _("No relation of the dataset joins it to another region directly; it brokers through ties the "
                  "analysis graph derives (organisations mode)."));
        free(inc);
        return ferror(f) ? -1 : 0;
    }
    fprintf(f, "<table class=\"small\"><thead><tr><th style=\"width:26%%\">%s</th><th style=\"width:20%%\">%s"
               "</th><th>%s</th></tr></thead><tbody>\n",
            /* TRANSLATORS: columns of a broker's evidence: the actor at the other end of a tie, the regions it
             * reaches, the relations with their sources */
            _("tie to"), _("reaching"), _("relation and sources"));
    uint32_t partners = 0, uncited = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && inc[j].other == inc[i].other)
            j++;
        if (partners++ >= KL_HTML_MAX_PARTNERS) {
            i = j;
            continue;
        }
        uint32_t other = inc[i].other;
        uint32_t u = (uint32_t)g->entity_vertex[other];
        regions_through(r, v, u, seen);
        fputs("<tr><td><b>", f);
        N(ds->entities[other].name);
        fprintf(f, "</b><span class=\"kind\">%s</span></td><td>", kl_i_kind_label(ds->entities[other].kind));
        uint32_t shown = 0, total = 0;
        for (uint32_t k = 0; k < ds->n_regions; k++)
            if (seen[k]) {
                total++;
                if (shown < 4) {
                    if (shown++)
                        fputs(", ", f);
                    N(ds->regions[k].name);
                }
            }
        if (total > shown)
            fprintf(f, kl_i_list_more(), total - shown);
        if (g->vertex_region[u] < 0)
            /* TRANSLATORS: the regions are reached through the actor at the other end of the tie */
            fprintf(f, " <span class=\"muted\">%s</span>", _("(through it)"));
        fputs("</td><td>", f);
        for (size_t k = i; k < j; k++) {
            const kl_relation_t *rel = &ds->relations[inc[k].rel];
            fputs("<div>", f);
            N(ds->entities[rel->source].name);
            fputs(" <i>", f);
            E(kl_i_reltype_label(rel->type));
            fputs("</i> ", f);
            N(ds->entities[rel->target].name);
            if (rel->role) {
                fputs(" <span class=\"muted\">(", f);
                E(rel->role);
                fputs(")</span>", f);
            }
            if (!rel->evidence_count) {
                fprintf(f, " <span class=\"warn\">– %s</span></div>\n", _("no source cited"));
                uncited++;
                continue;
            }
            fputs("</div>\n", f);
            for (uint32_t q = 0; q < rel->evidence_count; q++) {
                const kl_evidence_t *evd = &ds->evidence[rel->evidence_first + q];
                fputs("<blockquote>", f);
                if (evd->quote) {
                    fputs("<q>", f);
                    E(evd->quote);
                    fputs("</q> — ", f);
                }
                source_ref(f, ds, evd->source);
                fputs("</blockquote>\n", f);
            }
        }
        fputs("</td></tr>\n", f);
        i = j;
    }
    fputs("</tbody></table>\n", f);
    if (partners > KL_HTML_MAX_PARTNERS) {
        fputs("<p class=\"muted small\">", f);
        fprintf(f, _("%u more cross-region ties are not shown."), partners - KL_HTML_MAX_PARTNERS);
        fputs("</p>\n", f);
    }
    if (uncited) {
        fputs("<p class=\"warn small\">", f);
        fprintf(f, _("%u of these relations cite no source: check them before relying on this broker."), uncited);
        fputs("</p>\n", f);
    }
    fputs("</div>\n", f);
    free(inc);
    return ferror(f) ? -1 : 0;
}

static int evidence_section(FILE *f, const kl_html_report_t *r, const uint32_t *by_irb, uint32_t n_irb)
{
    fprintf(f, "<h2 id=\"brokers\">%s</h2>\n", _("Top brokers and the evidence for them"));
    uint32_t shown = 0, limit = r->top < 5 ? r->top : 5;
    for (uint32_t i = 0; i < n_irb && shown < limit; i++)
        shown += r->res->irb[by_irb[i]] > 0;
    if (!shown) {
        fprintf(f, "<p>%s</p>\n", _("No actor lies on a shortest path between actors of different regions."));
        return 0;
    }
    fputs("<p>", f);
    fprintf(f, _("The %u actors with the highest inter-regional betweenness, and for each the relations that tie it to "
                 "other regions (directly, or through a regionless project, funder or person), with the sources that "
                 "support them."),
            shown);
    fputs("</p>\n", f);
    uint8_t *seen = calloc(r->ds->n_regions + 1, 1);
    if (!seen) {
        errno = ENOMEM;
        return -1;
    }
    int rc = 0;
    for (uint32_t i = 0; i < shown && rc == 0; i++)
        rc = broker_evidence(f, r, i + 1, by_irb[i], seen);
    free(seen);
    return rc;
}

/* ----------------------------------------------------- top-N per metric */

/* The values of metric m into out (NAN where undefined); 0 when no actor
 * has a value other than zero (a table of zeros says nothing). */
static int metric_fill(const kl_html_report_t *r, const kl_metric_source_t *src, const kl_metric_t *m, double *out)
{
    uint32_t n = r->g->n;
    int cross = (m->flags & KL_METRIC_CROSS) && !(r->res->region_pairs > 0);
    int defined = m->available(src) && !cross;
    for (uint32_t v = 0; v < n; v++)
        out[v] = defined ? m->value(src, v, KL_METRIC_VALUE) : NAN;
    for (uint32_t v = 0; v < n; v++)
        if (isfinite(out[v]) && out[v] != 0)
            return 1;
    return 0;
}

static void metric_value_text(const kl_metric_t *m, double x, char *buf, size_t size)
{
    if (m->flags & KL_METRIC_SHARE)
        fmt_pct(x, buf, size);
    else
        fmt_num(x, buf, size);
}

/* A sentence under a metric's heading: why the table is short, or why there
 * is none (kl_top_note). */
static void metric_note(FILE *f, const char *text)
{
    if (!text[0])
        return;
    fputs("<p class=\"small\">", f);
    fputs(text, f);
    fputs("</p>\n", f);
}

static int metrics_section(FILE *f, const kl_html_report_t *r, uint32_t *idx, double *key)
{
    char buf[64], note[400];
    fputs("<h2 id=\"top\">", f);
    fprintf(f, _("Top %u per metric"), r->top);
    fputs("</h2>\n<div class=\"grid2\">\n", f);
    kl_metric_source_t src = {r->res, r->regions, r->brokerage, NULL};
    const kl_metric_t *m;
    for (unsigned k = 1; (m = kl_metric_top_table(1, k)) != NULL; k++) {
        if (!metric_fill(r, &src, m, key))
            continue;
        if (!m->ascending)
            for (uint32_t v = 0; v < r->g->n; v++)
                if (key[v] == 0)
                    key[v] = NAN; /* a zero ranks nobody: leave it out of the table */
        uint32_t cnt = rank_by(r, key, m->ascending, idx);
        kl_top_plan_t plan;
        kl_top_plan(&plan, key, idx, cnt, r->g->n, r->top);
        fputs("<div>\n<h3>", f);
        fputs(kl_tr(m->html_title), f);
        fputs("</h3>\n<p class=\"muted small\">", f);
        fputs(kl_tr(m->description), f);
        fputs("</p>\n", f);
        metric_value_text(m, cnt ? key[idx[0]] : NAN, buf, sizeof buf);
        kl_top_note(note, sizeof note, &plan, kl_tr(m->phrase), buf, kl_tr(m->has_one), kl_tr(m->have_many));
        metric_note(f, note);
        if (plan.rows) {
            fprintf(f, "<table class=\"small\"><thead><tr><th class=\"n\">#</th><th>%s</th><th>%s</th>"
                       "<th class=\"n\">%s</th></tr></thead><tbody>\n",
                    _("actor"), _("region"), _("value"));
            for (uint32_t i = 0; i < plan.rows; i++) {
                uint32_t v = idx[i];
                const kl_entity_t *e = vent(r, v);
                fprintf(f, "<tr><td class=\"n\">%u</td><td>", i + 1);
                N(e->name);
                fprintf(f, "<span class=\"kind\">%s</span></td><td>", kl_i_kind_label(e->kind));
                if (r->g->vertex_region[v] >= 0)
                    N(region_name(r->ds, r->g->vertex_region[v]));
                else
                    fputs("<span class=\"muted\">–</span>", f);
                metric_value_text(m, key[v], buf, sizeof buf);
                fprintf(f, "</td><td class=\"n\">%s</td></tr>\n", buf);
            }
            fputs("</tbody></table>\n", f);
            metric_value_text(m, key[idx[plan.rows - 1]], buf, sizeof buf);
            kl_top_tail(note, sizeof note, &plan, buf);
            metric_note(f, note);
        }
        fputs("</div>\n", f);
        if (ferror(f))
            return -1;
    }
    fputs("</div>\n", f);
    return 0;
}

static void warnings_section(FILE *f, const kl_html_report_t *r)
{
    const kl_dataset_t *ds = r->ds;
    /* TRANSLATORS: kinds of warning about the data, after a count: "3 self-loops" */
    static const char *const names[KL_WARN_COUNT] = {N_("conflicting attributes"), N_("unknown relation types"),
                                                     N_("names that look garbled"), N_("self-loops"),
                                                     N_("duplicate relations"), N_("other")};
    fprintf(f, "<h2 id=\"warnings\">%s</h2>\n", _("Warnings"));
    if (!ds->n_warnings) {
        fprintf(f, "<p class=\"ok\">%s</p>\n", _("The data loaded without warnings."));
        return;
    }
    fputs("<p>", f);
    fprintf(f, kl_trn("%u warning:", "%u warnings:", ds->n_warnings), ds->n_warnings);
    fputc(' ', f);
    int first = 1;
    for (int k = 0; k < KL_WARN_COUNT; k++)
        if (ds->warning_counts[k]) {
            fprintf(f, "%s%u %s", first ? "" : ", ", ds->warning_counts[k], kl_tr(names[k]));
            first = 0;
        }
    fputs(". ", f);
    fputs(_("None stops the analysis, but each is worth a look."), f);
    fputs("</p>\n<ul class=\"small\">\n", f);
    for (uint32_t i = 0; i < ds->n_warnings && i < 50; i++) {
        fputs("<li><code>", f);
        E(ds->warnings[i].text);
        fputs("</code></li>\n", f);
    }
    fputs("</ul>\n", f);
    if (ds->n_warnings > 50) {
        fputs("<p class=\"muted\">", f);
        /* TRANSLATORS: a number of warnings; %s is the command kluster validate */
        fprintf(f, _("%u more; %s lists them all."), ds->n_warnings - 50, "<code>kluster validate</code>");
        fputs("</p>\n", f);
    }
}

static void sources_section(FILE *f, const kl_html_report_t *r)
{
    const kl_dataset_t *ds = r->ds;
    if (!ds->n_sources)
        return;
    fprintf(f, "<h2 id=\"sources\">%s</h2>\n<p class=\"muted small\">", _("Sources"));
    fprintf(f, kl_trn("%u source cited by the dataset.", "%u sources cited by the dataset.", ds->n_sources),
            ds->n_sources);
    fputs("</p>\n<ol class=\"small\">\n", f);
    for (uint32_t i = 0; i < ds->n_sources && i < 200; i++) {
        fputs("<li>", f);
        source_ref(f, ds, (int32_t)i);
        fputs(" <span class=\"muted\">[", f);
        E(ds->sources[i].id);
        fputs("]</span></li>\n", f);
    }
    fputs("</ol>\n", f);
    if (ds->n_sources > 200) {
        fputs("<p class=\"muted\">", f);
        fprintf(f, _("%u more in the dataset."), ds->n_sources - 200);
        fputs("</p>\n", f);
    }
}

/* ------------------------------------------------------------- over time */

static void trend_entity(FILE *f, const kl_dataset_t *ds, uint32_t e)
{
    fputs("<b>", f);
    N(ds->entities[e].name);
    fputs("</b>", f);
}

/* A table with one column per period after the first columns (their <th>s
 * in head), scrolling sideways when the column is too narrow; up to the
 * opened <tbody>. */
static void trend_table_open(FILE *f, const kl_trend_t *t, char labels[][64], const char *head)
{
    fputs("<div class=\"scroll\"><table class=\"time\"><thead><tr>", f);
    fputs(head, f);
    for (uint32_t i = 0; i < t->n_periods; i++) {
        fputs("<th class=\"n\">", f);
        E(labels[i]);
        fputs("</th>", f);
    }
    fputs("</tr></thead><tbody>\n", f);
}

/* The periods whose betweenness was sampled, in a sentence. */
static void trend_sampled_note(FILE *f, const kl_trend_t *t, char labels[][64])
{
    char *list;
    kl_i_piece_t piece;
    FILE *p = kl_i_piece_open(&piece);
    uint32_t sampled = 0;
    for (uint32_t i = 0; p && i < t->n_periods; i++)
        if (t->periods[i].sampled) {
            if (sampled++)
                fputs(", ", p);
            kl_html_puts(p, labels[i]);
        }
    list = kl_i_piece_close(&piece);
    if (list && sampled) {
        fputs("<p class=\"muted small\">", f);
        /* TRANSLATORS: a list of periods: "2016, 2018" */
        fprintf(f, _("Betweenness estimated from samples in %s."), list);
        fputs("</p>\n", f);
    }
    free(list);
}

/* The periods side by side: one row per count, one column per period. */
static void trend_periods_table(FILE *f, const kl_trend_t *t, char labels[][64])
{
    trend_table_open(f, t, labels, "<th></th>");
    for (const kl_i_trend_row_t *row = kl_i_trend_rows; row->label; row++) {
        fputs("<tr><th>", f);
        E(kl_tr(row->label));
        fputs("</th>", f);
        for (uint32_t i = 0; i < t->n_periods; i++) {
            const kl_trend_period_t *P = &t->periods[i];
            fprintf(f, "<td class=\"n\">%u", kl_i_trend_row_value(row, P));
            if (row->of_pairs) { /* under the count, as the brokers' shares are: the columns stay narrow */
                fputs("<br><span class=\"muted\">", f);
                /* TRANSLATORS: under a count of region pairs: "of 15" (all pairs) */
                fprintf(f, _("of %u"), P->n_pairs);
                fputs("</span>", f);
            }
            fputs("</td>", f);
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table></div>\n", f);
    trend_sampled_note(f, t, labels);
}

/* The top brokers of every period: rank, and under it the irb share. */
static int trend_brokers_table(FILE *f, const kl_trend_t *t, char labels[][64])
{
    const kl_dataset_t *ds = t->ds;
    uint32_t n;
    kl_i_trend_broker_t *list = kl_i_trend_brokers(t, &n);
    if (!list)
        return -1;
    fprintf(f, "<h3>%s</h3>\n<p class=\"muted small\">", _("Top brokers year by year"));
    fprintf(f, _("Rank among the actors by inter-regional betweenness and, under it, their share of the connected "
                 "cross-region actor pairs whose shortest paths run through them; the top %u of each year."),
            t->top);
    fputs("</p>\n", f);
    if (n == 0) {
        fprintf(f, "<p>%s</p>\n", _("No actor lies on a shortest path between two regions in any year."));
        free(list);
        return 0;
    }
    char head[200];
    snprintf(head, sizeof head, "<th>%s</th><th>%s</th>", _("actor"), _("region"));
    trend_table_open(f, t, labels, head);
    char buf[64];
    for (uint32_t j = 0; j < n; j++) {
        fputs("<tr><td>", f);
        trend_entity(f, ds, list[j].entity);
        fputs("</td><td>", f);
        if (list[j].region >= 0)
            region_html(f, ds, (uint32_t)list[j].region);
        else
            fputs("–", f);
        fputs("</td>", f);
        for (uint32_t i = 0; i < t->n_periods; i++) {
            const kl_trend_period_t *P = &t->periods[i];
            uint32_t k = kl_i_trend_top_index(P, list[j].entity);
            if (k == UINT32_MAX) {
                fputs("<td class=\"n muted\">–</td>", f);
                continue;
            }
            fmt_pct(P->actors[P->top[k]].irb_share, buf, sizeof buf);
            fprintf(f, "<td class=\"n\">%u<br><span class=\"muted\">%s</span></td>", k + 1, buf);
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table></div>\n", f);
    free(list);
    return 0;
}

/* The "Over time" section: what kl_write_trend_section_md writes, as HTML. */
static int trend_section(FILE *f, const kl_html_report_t *r)
{
    const kl_trend_t *t = r->trend;
    char (*labels)[64] = kl_i_trend_labels(t);
    if (!labels)
        return -1;
    uint32_t np = t->n_periods;
    char first[200], last[200], *link = NULL;
    kl_html_escape(labels[0], first, sizeof first);
    kl_html_escape(labels[np ? np - 1 : 0], last, sizeof last);
    if (r->trend_json_href) {
        kl_i_piece_t piece;
        FILE *p = kl_i_piece_open(&piece);
        if (p) {
            fputs("<a href=\"", p);
            kl_html_puts(p, r->trend_json_href);
            fputs("\"><code>", p);
            kl_html_puts(p, r->trend_json_href);
            fputs("</code></a>", p);
        }
        if (!(link = kl_i_piece_close(&piece))) {
            free(labels);
            return -1;
        }
    }
    fprintf(f, "<h2 id=\"time\">%s</h2>\n<p>", _("Over time"));
    if (link)
        /* TRANSLATORS: the number of years, the first and the last, the file with every number */
        fprintf(f, _("Each year analysed on its own: the relations dated in that year (relations without a date count "
                     "in every year), %u years from %s to %s; every number per year is in %s."),
                np, first, last, link);
    else
        fprintf(f, _("Each year analysed on its own: the relations dated in that year (relations without a date count "
                     "in every year), %u years from %s to %s."),
                np, first, last);
    free(link);
    fputs("</p>\n", f);
    trend_periods_table(f, t, labels);
    /* the chart of the brokers' irb share over time, drawn by viz/ */
    if (r->trend_chart_svg) {
        figure_open(f, r->trend_chart_svg, r->trend_chart_len, "tb-", r->trend_chart_href);
        fprintf(f, "\n<figcaption>%s</figcaption>\n</figure>\n",
                _("The top brokers' share of the paths between regions (irb share), year by year."));
    }
    if (r->trend_maps_href) {
        char href[200], maps[420];
        kl_html_escape(r->trend_maps_href, href, sizeof href);
        snprintf(maps, sizeof maps, "<a href=\"%s\">%s</a>", href, href);
        fputs("<p>", f);
        /* TRANSLATORS: %s is a link to the file of the maps */
        fprintf(f, _("The region map of every year, side by side at one scale: %s."), maps);
        fputs("</p>\n", f);
    }
    if (trend_brokers_table(f, t, labels) != 0) {
        free(labels);
        return -1;
    }
    /* where the pairs a list leaves out are: the trend's file */
    char more[420] = "trend.json";
    if (r->trend_json_href) {
        char href[200];
        kl_html_escape(r->trend_json_href, href, sizeof href);
        snprintf(more, sizeof more, "<a href=\"%s\">%s</a>", href, href);
    }
    const kl_i_trend_style_t st = {"<li>", ".</li>\n", trend_entity, region_html, more};
    fprintf(f, "<h3>%s</h3>\n<div class=\"grid2\">\n", _("What changed"));
    for (uint32_t i = 1; i < np; i++) {
        const kl_trend_period_t *P = &t->periods[i];
        char a[200], b[200];
        kl_html_escape(labels[i], a, sizeof a);
        kl_html_escape(labels[i - 1], b, sizeof b);
        fputs("<div>\n<h4>", f);
        /* TRANSLATORS: a heading: a period compared with the one before ("2017 against 2016") */
        fprintf(f, _("%s against %s"), a, b);
        fputs("</h4>\n", f);
        if (!kl_i_trend_changed(P)) {
            fputs("<p class=\"muted small\">", f);
            fprintf(f, _("No change in the top %u brokers or in which region pairs are connected or fragile."),
                    t->top);
            fputs("</p>\n</div>\n", f);
            continue;
        }
        fputs("<ul class=\"small\">\n", f);
        if (kl_i_trend_changes(f, t, P, &st) != 0) {
            free(labels);
            return -1;
        }
        fputs("</ul>\n</div>\n", f);
    }
    fputs("</div>\n", f);
    free(labels);
    return 0;
}

/* The page's table of contents, a link per section. */
static void contents(FILE *f, const kl_html_report_t *r)
{
    static const struct {
        const char *id, *text;
    } sections[] = {{"numbers", N_("the graph in numbers")},
                    {"diagrams", N_("diagrams")},
                    {"regions", N_("who connects which regions")},
                    {"fragile", N_("fragile region pairs")},
                    {"brokers", N_("top brokers and evidence")},
                    {"top", N_("top actors per metric")},
                    {"time", N_("over time")},
                    {"warnings", N_("warnings")}};
    /* TRANSLATORS: the page's table of contents follows */
    fprintf(f, "<p class=\"small muted\">%s ", _("Contents:"));
    for (size_t i = 0; i < sizeof sections / sizeof *sections; i++) {
        if (strcmp(sections[i].id, "time") == 0 && !r->trend)
            continue;
        fprintf(f, "%s<a href=\"#%s\">%s</a>", i ? " · " : "", sections[i].id, kl_tr(sections[i].text));
    }
    fputs("</p>\n", f);
}

/* s escaped (as E writes it), as a new string for a sentence's %s (caller
 * frees); NULL when out of memory. */
static char *escaped_str(const char *s)
{
    kl_i_piece_t piece;
    FILE *p = kl_i_piece_open(&piece);
    if (p)
        kl_html_puts(p, s);
    return kl_i_piece_close(&piece);
}

static void page_head(FILE *f, const char *title, int explorer)
{
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
               "<meta name=\"generator\" content=\"kluster\">\n<title>",
            kl_lang_code(kl_lang_get()));
    N(title);
    fputs("</title>\n<style>\n", f);
    fputs(css, f);
    if (explorer)
        fputs(kl_i_explorer_css, f);
    fputs("</style>\n</head>\n<body>\n", f);
}

int kl_write_html_report(FILE *f, const kl_html_report_t *r)
{
    const kl_dataset_t *ds = r->ds;
    uint32_t n = r->g->n;
    uint32_t *idx = malloc(((size_t)n + 1) * sizeof *idx);
    uint32_t *by_irb = malloc(((size_t)n + 1) * sizeof *by_irb);
    double *key = malloc(((size_t)n + 1) * sizeof *key);
    int rc = -1;
    if (!idx || !by_irb || !key) {
        errno = ENOMEM;
        goto cleanup;
    }
    uint32_t n_irb = rank_by(r, r->res->irb, 0, by_irb);
    const char *title = ds->title ? ds->title : ds->id ? ds->id : r->dataset_id;
    char head[KL_SHOWN_SIZE + 32], shown[KL_SHOWN_SIZE];
    /* TRANSLATORS: the page's title: the dataset's title, then the kind of page */
    snprintf(head, sizeof head, _("%s – kluster report"), kl_shown_name(title, shown));
    page_head(f, head, r->explorer && r->diagram_svg);
    fprintf(f, "<header class=\"top\"><div class=\"wrap\">\n<p class=\"eyebrow\">%s</p>\n<h1>",
            _("Collaboration network report"));
    N(title);
    fprintf(f, "</h1>\n<p class=\"sub\">%s <b>", _("Dataset"));
    E(r->dataset_id);
    fputs("</b> · ", f);
    E(r->dataset_path);
    fputs(" · ", f);
    fprintf(f, _("%u entities, %u relations, %u sources"), ds->n_entities, ds->n_relations, ds->n_sources);
    fputs("</p>\n</div></header>\n<main class=\"wrap\">\n", f);
    if (findings_section(f, r, by_irb, n_irb) != 0)
        goto cleanup;
    contents(f, r);
    numbers_section(f, r);
    diagrams_section(f, r);
    if (pairs_sections(f, r) != 0)
        goto cleanup;
    regions_table(f, r);
    if (evidence_section(f, r, by_irb, n_irb) != 0)
        goto cleanup;
    if (metrics_section(f, r, idx, key) != 0)
        goto cleanup;
    if (r->trend && trend_section(f, r) != 0)
        goto cleanup;
    warnings_section(f, r);
    sources_section(f, r);
    char *version = escaped_str(r->version), *path = escaped_str(r->dataset_path);
    if (!version || !path) {
        free(version);
        free(path);
        goto cleanup;
    }
    fputs("<footer>", f);
    /* TRANSLATORS: the version, the dataset's path; then the names of three files */
    fprintf(f, _("Made by kluster %s from %s. Definitions of every measure: docs/metrics.md. The same numbers are in "
                 "%s, %s and %s next to this file."),
            version, path, "<code>analysis.json</code>", "<code>actors.csv</code>", "<code>region_pairs.csv</code>");
    fputs("</footer>\n</main>\n", f);
    free(version);
    free(path);
    if (r->explorer && r->diagram_svg) {
        kl_explorer_t x = {ds, r->g, r->res, r->regions, r->dataset_path, r->diagram_svg, r->diagram_len};
        if (kl_write_explorer_scripts(f, &x) != 0)
            goto cleanup;
    }
    fputs("</body>\n</html>\n", f);
    rc = ferror(f) ? -1 : 0;
    if (rc && !errno)
        errno = EIO;
cleanup:
    free(idx);
    free(by_irb);
    free(key);
    return rc;
}

/* --------------------------------------------------------------- index */

/* A dataset's status as the index shows it (the class keeps the status). */
static const char *status_label(const char *status)
{
    static const char *const known[][2] = {
        /* TRANSLATORS: a dataset's status in the batch index: analysed now */
        {"ok", N_("ok")},
        /* TRANSLATORS: a dataset's status: its inputs and options did not change, its files are kept */
        {"unchanged", N_("unchanged")},
        {"failed", N_("failed")},
        {"interrupted", N_("interrupted")},
    };
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (status && strcmp(status, known[i][0]) == 0)
            return kl_tr(known[i][1]);
    return status;
}

static void count_cell(FILE *f, long x)
{
    if (x < 0)
        fputs("<td class=\"n muted\">–</td>", f);
    else
        fprintf(f, "<td class=\"n\">%ld</td>", x);
}

int kl_write_html_index(FILE *f, const char *outdir, const kl_html_index_entry_t *e, size_t n,
                        const kl_html_note_t *notes, size_t n_notes, const char *version)
{
    size_t ok = 0, failed = 0, unchanged = 0;
    char buf[64];
    for (size_t i = 0; i < n; i++) {
        if (strcmp(e[i].status, "ok") == 0)
            ok++;
        else if (strcmp(e[i].status, "unchanged") == 0)
            unchanged++;
        else
            failed++;
    }
    page_head(f, _("kluster batch report"), 0);
    fprintf(f, "<header class=\"top\"><div class=\"wrap\">\n<p class=\"eyebrow\">kluster batch</p>\n"
               "<h1>%s</h1>\n<p class=\"sub\">",
            _("Collaboration network reports"));
    E(outdir);
    fputs(" · ", f);
    /* TRANSLATORS: datasets in all, then those analysed, unchanged and failed */
    fprintf(f, kl_trn("%zu dataset: %zu analysed, %zu unchanged since the last run, %zu failed",
                      "%zu datasets: %zu analysed, %zu unchanged since the last run, %zu failed", n),
            n, ok, unchanged, failed);
    if (n_notes) {
        fputs(" · ", f);
        fprintf(f, kl_trn("%zu input skipped", "%zu inputs skipped", n_notes), n_notes);
    }
    fprintf(f, "</p>\n</div></header>\n<main class=\"wrap\">\n<h2>%s</h2>\n", _("Datasets"));
    fprintf(f, "<table><thead><tr><th>%s</th><th>%s</th><th class=\"n\">%s</th><th class=\"n\">%s</th>"
               "<th class=\"n\">%s</th><th class=\"n\">%s</th><th class=\"n\">%s</th>"
               "<th class=\"n\">%s</th><th>%s</th><th class=\"n\">%s</th></tr></thead><tbody>\n",
            _("dataset"), _("status"), _("actors"), _("ties"), _("regions"), _("components"),
            _("connected region pairs"),
            /* TRANSLATORS: a column: the number of fragile region pairs */
            _("fragile"), _("top brokers (inter-regional share)"), _("warnings"));
    for (size_t i = 0; i < n; i++) {
        const kl_html_index_entry_t *x = &e[i];
        fputs("<tr><td>", f);
        if (x->has_report) {
            fputs("<a href=\"", f);
            E(x->id);
            fputs("/report.html\"><b>", f);
            N(x->title ? x->title : x->id);
            fputs("</b></a>", f);
        } else {
            fputs("<b>", f);
            N(x->title ? x->title : x->id);
            fputs("</b>", f);
        }
        fputs("<br><span class=\"muted small\">", f);
        E(x->id);
        fputs(" · ", f);
        E(x->path);
        fputs("</span></td><td><span class=\"status ", f);
        E(x->status);
        fputs("\">", f);
        E(status_label(x->status));
        fputs("</span>", f);
        if (isfinite(x->seconds))
            fprintf(f, "<br><span class=\"muted small\">%.1f s</span>", x->seconds);
        fputs("</td>", f);
        if (x->error) {
            fputs("<td colspan=\"7\" class=\"bad small\">", f);
            E(x->error);
            fputs("</td>", f);
        } else {
            count_cell(f, x->actors);
            count_cell(f, x->ties);
            count_cell(f, x->regions);
            count_cell(f, x->components);
            if (x->connected_pairs >= 0 && x->region_pairs >= 0)
                fprintf(f, "<td class=\"n\">%ld / %ld</td>", x->connected_pairs, x->region_pairs);
            else
                fputs("<td class=\"n muted\">–</td>", f);
            if (x->fragile_pairs > 0)
                fprintf(f, "<td class=\"n bad\">%ld</td>", x->fragile_pairs);
            else
                count_cell(f, x->fragile_pairs);
            fputs("<td class=\"small\">", f);
            for (size_t k = 0; k < x->n_brokers; k++) {
                if (k)
                    fputs("<br>", f);
                N(x->brokers[k].name ? x->brokers[k].name : x->brokers[k].id);
                fmt_pct(x->brokers[k].irb_share, buf, sizeof buf);
                fprintf(f, " <span class=\"muted\">%s</span>", buf);
            }
            if (!x->n_brokers)
                fputs("<span class=\"muted\">–</span>", f);
            fputs("</td>", f);
        }
        if (x->warnings > 0)
            fprintf(f, "<td class=\"n warn\">%ld</td>", x->warnings);
        else
            count_cell(f, x->warnings);
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
    if (n_notes) {
        fprintf(f, "<h2>%s</h2>\n<table><thead><tr><th>%s</th><th>%s</th></tr></thead><tbody>\n", _("Skipped inputs"),
                _("path"), _("reason"));
        for (size_t i = 0; i < n_notes; i++) {
            fputs("<tr><td>", f);
            E(notes[i].path);
            fputs("</td><td>", f);
            E(notes[i].reason);
            fputs("</td></tr>\n", f);
        }
        fputs("</tbody></table>\n", f);
    }
    char *v = escaped_str(version);
    if (!v)
        return -1;
    fputs("<footer>", f);
    /* TRANSLATORS: the version; the file names stay as they are */
    fprintf(f, _("Made by kluster %s. Each dataset's folder holds report.html, report.md, analysis.json, actors.csv, "
                 "region_pairs.csv, diagram.svg and region-map.svg; %s lists the same as this page."),
            v, "<code>summary.json</code>");
    free(v);
    fputs("</footer>\n</main>\n</body>\n</html>\n", f);
    if (ferror(f)) {
        if (!errno)
            errno = EIO;
        return -1;
    }
    return 0;
}
