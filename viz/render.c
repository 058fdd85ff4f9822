/* viz/render.c - the diagram's life: choose the layout, build the graph,
 * lay it out and render it in memory with gvc, capture Graphviz's messages. */
#include "viz_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

double kl_i_viz_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ------------------------------------------------ Graphviz's messages */

/* cgraph reports through one global callback without user data; Graphviz
 * is single-threaded anyway.  The callback gets "Error", ": ", the text. */
static char gv_message[320];
static size_t gv_len;

static int gv_error_cb(char *msg)
{
    size_t n = strlen(msg);
    if (gv_len + n >= sizeof gv_message)
        n = sizeof gv_message - 1 - gv_len;
    memcpy(gv_message + gv_len, msg, n);
    gv_len += n;
    gv_message[gv_len] = '\0';
    return 0;
}

void kl_i_gv_capture(void)
{
    gv_len = 0;
    gv_message[0] = '\0';
    agseterr(AGERR);
    agseterrf(gv_error_cb);
}

const char *kl_i_gv_message(void)
{
    char *p = gv_message;
    if (strncmp(p, "Error: ", 7) == 0)
        p += 7;
    char *nl = strchr(p, '\n');
    if (nl)
        *nl = '\0';
    return p;
}

/* ----------------------------------------------------------- options */

void kl_viz_options_init(kl_viz_options_t *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->depth = 1;
    opt->brokers = 5;
    opt->dpi = 96;
    opt->from = KL_DATE_MIN;
    opt->to = KL_DATE_MAX;
}

int kl_viz_format_from_path(const char *file)
{
    const char *dot = strrchr(file, '.');
    const char *slash = strrchr(file, '/');
    if (!dot || (slash && dot < slash))
        return -1;
    if (strcasecmp(dot, ".dot") == 0 || strcasecmp(dot, ".gv") == 0)
        return KL_VIZ_DOT;
    if (strcasecmp(dot, ".svg") == 0)
        return KL_VIZ_SVG;
    if (strcasecmp(dot, ".png") == 0)
        return KL_VIZ_PNG;
    if (strcasecmp(dot, ".pdf") == 0)
        return KL_VIZ_PDF;
    if (strcasecmp(dot, ".gp") == 0)
        return KL_VIZ_GNUPLOT;
    return -1;
}

/* ------------------------------------------------------ PDF, reproducible */

/* A decimal number of at most 10 digits at s (-1: none). */
static long pdf_number(const char *s, const char *end, const char **after)
{
    long v = 0;
    int digits = 0;
    while (s < end && *s >= '0' && *s <= '9' && digits < 11)
        v = 10 * v + (*s++ - '0'), digits++;
    *after = s;
    return digits && digits <= 10 ? v : -1;
}

void kl_i_pdf_drop_date(char *data, size_t *len)
{
    /* cairo 1.16 stamps every PDF with the time it was made ("/CreationDate
     * (D:20261203153250Z)", its length depending on the time zone) and has
     * no way to turn that off: the line goes, and the cross-reference table
     * and startxref, which hold byte offsets, move with it.  A PDF of any
     * other shape is left as it is. */
    char *end = data + *len;
    char *key = memmem(data, *len, "/CreationDate (", 15);
    if (!key)
        return;
    char *from = key, *close = memchr(key, ')', (size_t)(end - key));
    while (from > data && from[-1] == ' ')
        from--;
    if (!close || close + 1 >= end || close[1] != '\n' || (from > data && from[-1] != '\n'))
        return;
    char *to = close + 2;
    size_t cut = (size_t)(to - from), at = (size_t)(from - data);
    /* the last cross-reference table, after the line */
    char *xref = NULL;
    for (char *p = to; (p = memmem(p, (size_t)(end - p), "\nxref\n", 6)) != NULL; p += 6)
        xref = p + 6;
    char *sx = xref ? memmem(xref, (size_t)(end - xref), "startxref\n", 10) : NULL;
    if (!xref || !sx)
        return;
    const char *p = xref;
    long first = pdf_number(p, sx, &p);
    if (first < 0 || p >= sx || *p != ' ')
        return;
    long count = pdf_number(p + 1, sx, &p);
    if (count < 0 || p >= sx || *p != '\n' || (size_t)(sx - p - 1) < (size_t)count * 20)
        return;
    char *entry = (char *)p + 1;
    for (long k = 0; k < count; k++, entry += 20) {
        const char *q;
        long off = pdf_number(entry, entry + 10, &q);
        if (off < 0 || q != entry + 10)
            return;
    }
    const char *q, *start_end;
    long start = pdf_number(sx + 10, end, &start_end);
    if (start < 0 || (size_t)start < at)
        return;
    entry = (char *)p + 1;
    for (long k = 0; k < count; k++, entry += 20) {
        long off = pdf_number(entry, entry + 10, &q);
        if (entry[17] == 'n' && (size_t)off > at) {
            char num[12];
            snprintf(num, sizeof num, "%010ld", off - (long)cut);
            memcpy(entry, num, 10);
        }
    }
    char num[24];
    int n = snprintf(num, sizeof num, "%ld", start - (long)cut);
    size_t tail = (size_t)(end - start_end);
    char *digits = sx + 10;
    memmove(digits + n, start_end, tail);
    memcpy(digits, num, (size_t)n);
    size_t total = (size_t)(digits + n + tail - data);
    memmove(from, to, total - (size_t)(to - data));
    *len = total - cut;
    data[*len] = '\0';
}

/* ------------------------------------------------------------- build */

/* Decide whether the view is drawn as a map, and find its nodes' points. */
static kl_err geo_prepare(kl_viz_t *v, kl_i_view_t *view, const kl_dataset_t *ds, const kl_agraph_t *g, kl_error_t *err)
{
    const kl_viz_options_t *opt = &v->opt;
    int map = opt->view == KL_VIEW_REGION_MAP;
    if (opt->geo == KL_GEO_ON && (opt->view == KL_VIEW_EGO || opt->view == KL_VIEW_PATH))
        return kl_error_set(err, KL_EINVAL, "", 0, 0,
                            "a map (--geo) shows the whole network or the region map, not an ego network or paths");
    if (opt->geo == KL_GEO_OFF || (opt->geo == KL_GEO_AUTO && !(map && kl_viz_region_map_is_geo(ds, g))))
        return KL_OK;
    if (kl_i_map_anchors(view, ds, g, map) != KL_OK)
        return kl_error_set(err, KL_ENOMEM, "", 0, 0, "out of memory");
    if (!view->placed)
        return kl_error_set(err, KL_EINVAL, "", 0, 0,
                            map ? "no region has coordinates (lat/lon): nothing to place on a map; give the regions "
                                  "lat and lon, or join them to points with an import map's region_points"
                                : "no actor has coordinates (lat/lon), of its own or of its region: nothing to "
                                  "place on a map; give the regions lat and lon");
    v->geo = 1;
    v->info.layout = KL_LAYOUT_NOP;
    return KL_OK;
}

/* The heat map needs no view selection: it draws the region pairs. */
static kl_err build_heatmap(kl_viz_t *v, const kl_dataset_t *ds, const kl_agraph_t *g, kl_error_t *err)
{
    if (!v->opt.regions)
        return kl_error_set(err, KL_EINVAL, "", 0, 0, "the heat map needs the region pairs (kl_regions_compute)");
    if (v->opt.geo == KL_GEO_ON)
        return kl_error_set(err, KL_EINVAL, "", 0, 0, "a map (--geo) shows the whole network or the region map, "
                                                      "not a heat map");
    kl_i_gv_capture();
    v->gvc = kl_i_gvc();
    if (!v->gvc)
        return kl_error_set(err, KL_EGVC, "", 0, 0, "cannot start Graphviz");
    return kl_i_heatmap_build(v, ds, g, v->opt.regions, err);
}

kl_err kl_viz_build(kl_viz_t **out, const kl_dataset_t *ds, const kl_agraph_t *g, const kl_analysis_t *res,
                    const kl_viz_options_t *opt, kl_error_t *err)
{
    *out = NULL;
    double t0 = kl_i_viz_now();
    kl_viz_t *v = calloc(1, sizeof *v);
    if (!v)
        return kl_error_set(err, KL_ENOMEM, "", 0, 0, "out of memory");
    v->opt = *opt;
    if (opt->view == KL_VIEW_HEATMAP) {
        kl_err rc = build_heatmap(v, ds, g, err);
        if (rc != KL_OK) {
            kl_viz_free(v);
            return rc;
        }
        v->info.seconds_build = kl_i_viz_now() - t0;
        *out = v;
        return KL_OK;
    }
    /* refuse what is too large to draw before selecting (a region map's
     * pairs can be quadratic in its regions) and before building */
    kl_i_view_t view;
    kl_err rc = kl_viz_check_view(ds, g, opt, err);
    if (rc != KL_OK) {
        free(v);
        return rc;
    }
    if ((rc = kl_i_view_select(&view, ds, g, res, opt, err)) != KL_OK) {
        free(v);
        return rc;
    }
    v->info.nodes = view.n;
    v->info.edges = view.m;
    v->info.left_out = view.left_out;
    v->info.layout = kl_viz_layout_for(opt->layout, opt->view, view.n, view.m);
    if ((rc = kl_viz_check_size(kl_i_viz_layout(ds, g, opt, view.n, view.m), opt->view, view.n, view.m, err)) !=
            KL_OK ||
        (rc = geo_prepare(v, &view, ds, g, err)) != KL_OK)
        goto fail;
    kl_i_gv_capture();
    v->gvc = kl_i_gvc();
    if (!v->gvc) {
        rc = kl_error_set(err, KL_EGVC, "", 0, 0, "cannot start Graphviz");
        goto fail;
    }
    rc = kl_i_dot_build(v, &view, ds, g, res, err);
    if (rc != KL_OK)
        goto fail;
    kl_i_view_destroy(&view);
    v->info.seconds_build = kl_i_viz_now() - t0;
    *out = v;
    return KL_OK;
fail:
    kl_i_view_destroy(&view);
    kl_viz_free(v);
    return rc;
}

const kl_viz_info_t *kl_viz_info(const kl_viz_t *v)
{
    return &v->info;
}

void kl_viz_free(kl_viz_t *v)
{
    if (!v)
        return;
    if (v->graph)
        agclose(v->graph);
    free(v); /* v->gvc is the process's (kl_i_gvc) */
}

GVC_t *kl_i_gvc(void)
{
    /* One context for the process, never freed.  Graphviz 2.42's pango
     * plugin keeps a pointer to the last font name it laid out, which the
     * context owns: a diagram drawn after another diagram's context was
     * freed read freed memory (AddressSanitizer caught it in a batch that
     * drew the trend's maps before the report's figures).  Graphviz is
     * used from one thread at a time (viz.h), so one context is enough. */
    static GVC_t *gvc;
    if (!gvc)
        gvc = gvContext();
    return gvc;
}

/* ------------------------------------------------------------ render */

static kl_err write_dot(kl_viz_t *v, char **data, size_t *len, kl_error_t *err)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    if (!f)
        return kl_error_set(err, KL_ENOMEM, "", 0, 0, "out of memory");
    int bad = agwrite(v->graph, f) != 0;
    bad |= fclose(f) != 0;
    if (bad) {
        free(buf);
        return kl_error_set(err, KL_EGVC, "", 0, 0, "cannot write the DOT text: %s", kl_i_gv_message());
    }
    *data = buf;
    *len = size;
    return KL_OK;
}

/* Can this gvc render `format` ("png:cairo")?  Asked by rendering a
 * one-node graph, since gvc lists plugins by type only. */
static int can_render(GVC_t *gvc, const char *format)
{
    Agraph_t *probe = agopen("probe", Agundirected, &kl_i_agdisc);
    if (!probe)
        return 0;
    agnode(probe, "a", 1);
    int ok = 0;
    if (gvLayout(gvc, probe, "dot") == 0) {
        char *buf = NULL;
        unsigned int len = 0;
        ok = gvRenderData(gvc, probe, (char *)format, &buf, &len) == 0;
        if (buf)
            gvFreeRenderData(buf);
        gvFreeLayout(gvc, probe);
    }
    agclose(probe);
    return ok;
}

/* Pad the laid-out drawing so that its aspect ratio is the requested
 * width:height; the scaling of "size=...!" then gives exactly that many
 * pixels. */
static void pad_to_aspect(Agraph_t *g, double width, double height)
{
    boxf bb = GD_bb(g);
    double w = bb.UR.x - bb.LL.x, h = bb.UR.y - bb.LL.y;
    double pad = 0.3 * 72; /* points */
    double sw = w + 2 * pad, sh = h + 2 * pad;
    double want = width / height;
    if (sw / sh > want)
        sh = sw / want;
    else
        sw = sh * want;
    char buf[64];
    snprintf(buf, sizeof buf, "%.4f,%.4f", (sw - w) / 2 / 72, (sh - h) / 2 / 72);
    agsafeset(g, "pad", buf, "");
}

kl_err kl_viz_render(kl_viz_t *v, kl_viz_format format, char **data, size_t *len, kl_error_t *err)
{
    *data = NULL;
    *len = 0;
    kl_i_gv_capture();
    if (format == KL_VIZ_DOT)
        return write_dot(v, data, len, err);
    if (format == KL_VIZ_GNUPLOT)
        return kl_error_set(err, KL_EINVAL, "", 0, 0,
                            "a gnuplot script (.gp) is a chart's source; diagrams are DOT, SVG, PNG or PDF");
    kl_err rc;
    const char *device = format == KL_VIZ_SVG ? "svg" : format == KL_VIZ_PNG ? "png:cairo" : "pdf:cairo";
    if (format != KL_VIZ_SVG && !can_render(v->gvc, device))
        return kl_error_set(err, KL_EGVC, "", 0, 0, "%s output needs Graphviz's cairo plugin (libgvplugin_pango)",
                            format == KL_VIZ_PNG ? "PNG" : "PDF");
    kl_i_gv_capture();

    /* size: pixels at opt.dpi; PNG without a size at most 2400 pixels, a
     * heat map's 4800, so that 200 rows of names stay legible */
    double dpi = v->opt.dpi ? v->opt.dpi : 96;
    double w = v->opt.width, h = v->opt.height;
    char buf[64];
    if (format == KL_VIZ_PNG) {
        snprintf(buf, sizeof buf, "%.0f", dpi);
        agsafeset(v->graph, "dpi", buf, "");
    }
    if (w || h) {
        snprintf(buf, sizeof buf, "%.4f,%.4f!", (w ? w : 1e5) / dpi, (h ? h : 1e5) / dpi);
        agsafeset(v->graph, "size", buf, "");
    } else if (format == KL_VIZ_PNG) {
        double most = v->opt.view == KL_VIEW_HEATMAP ? 4800 : 2400;
        snprintf(buf, sizeof buf, "%.4f,%.4f", most / dpi, most / dpi);
        agsafeset(v->graph, "size", buf, "");
    }

    /* Lay out the graph as `dot` would read it from kluster's DOT: written
     * and re-read, so that the SVG is byte-identical to `dot -Tsvg` of the
     * DOT file (the layouts depend on the order cgraph holds objects in). */
    double t0 = kl_i_viz_now();
    char *text = NULL;
    size_t text_len = 0;
    if ((rc = write_dot(v, &text, &text_len, err)) != KL_OK)
        return rc;
    FILE *in = fmemopen(text, text_len, "r");
    Agraph_t *g = in ? agread(in, &kl_i_agdisc) : NULL;
    if (in)
        fclose(in);
    free(text);
    if (!g)
        return kl_error_set(err, KL_EGVC, "", 0, 0, "Graphviz could not read the diagram back: %s", kl_i_gv_message());
    if (gvLayout(v->gvc, g, kl_viz_layout_name(v->info.layout)) != 0) {
        agclose(g);
        return kl_error_set(err, KL_EGVC, "", 0, 0, "Graphviz could not lay out the diagram: %s", kl_i_gv_message());
    }
    if (w && h)
        pad_to_aspect(g, w, h);
    double t1 = kl_i_viz_now();
    char *out = NULL;
    unsigned int n = 0;
    int bad = gvRenderData(v->gvc, g, (char *)device, &out, &n) != 0 || !out;
    gvFreeLayout(v->gvc, g);
    agclose(g);
    if (bad) {
        if (out)
            gvFreeRenderData(out);
        return kl_error_set(err, KL_EGVC, "", 0, 0, "Graphviz could not render the diagram: %s", kl_i_gv_message());
    }
    /* hand out a buffer the caller frees with free() */
    char *copy = malloc((size_t)n + 1);
    if (!copy) {
        gvFreeRenderData(out);
        return kl_error_set(err, KL_ENOMEM, "", 0, 0, "out of memory");
    }
    memcpy(copy, out, n);
    copy[n] = '\0';
    gvFreeRenderData(out);
    v->info.seconds_layout = t1 - t0;
    v->info.seconds_render = kl_i_viz_now() - t1;
    *data = copy;
    *len = n;
    if (format == KL_VIZ_PDF)
        kl_i_pdf_drop_date(*data, len);
    return KL_OK;
}

/* Under LeakSanitizer only: Graphviz 2.42 leaks inside itself (gvContext
 * never frees the text of its plugin configuration; HTML-like labels and
 * dot's cluster code lose small blocks; the pango plugin caches fonts for
 * good), a few kB per diagram.  Not ours to fix, so the sanitizer builds
 * ignore leaks of blocks that Graphviz's own libraries allocated (the
 * default fast unwinder stops at their first frame: it is the library that
 * has to be named; HTML-like labels leak cgraph graphs of their own, so
 * cgraph and cdt are named too).  Checked with fast_unwind_on_malloc=0:
 * every suppressed block is allocated under gvLayout/gvRender/gvContext,
 * none under kluster's own calls.  A hook that nothing calls in a normal
 * build. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libgvc.so\n"
           "leak:libgvplugin_dot_layout.so\n"
           "leak:libgvplugin_neato_layout.so\n"
           "leak:libgvplugin_pango.so\n"
           "leak:libpango-1.0.so\n"
           "leak:libpangoft2-1.0.so\n"
           "leak:libfontconfig.so\n"
           "leak:libcairo.so\n"
           "leak:libglib-2.0.so\n"
           "leak:libgobject-2.0.so\n"
           "leak:libcgraph.so\n"
           "leak:libcdt.so\n";
}

/* ... and keeps quiet about them: the error output is part of the tests. */
const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
    return "print_suppressions=0";
}
