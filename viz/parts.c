/* viz/parts.c - the parts every diagram is built from: a growing string for
 * HTML-like labels, attribute setters, text colour on a fill, the title and
 * footer rows, region links, and the orders things are drawn in. */
#include "viz_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------- string builder */

void kl_i_sb_printf(kl_i_sb_t *b, const char *fmt, ...)
{
    if (b->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (k < 0) {
            b->failed = 1;
            return;
        }
        if (b->s && b->len + (size_t)k < b->cap) {
            b->len += (size_t)k;
            return;
        }
        size_t cap = b->cap ? b->cap : 256;
        while (cap <= b->len + (size_t)k)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->failed = 1;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
}

void kl_i_sb_text(kl_i_sb_t *b, const char *text, int html, unsigned wrap, unsigned max)
{
    /* a text cut shorter than a shown name: escape only what can be kept,
     * not a name of megabytes each time it is drawn */
    char shown[KL_SHOWN_SIZE];
    if (max && max < KL_SHOWN_CHARS)
        text = kl_shown_name(text, shown);
    char *e = html ? kl_viz_escape_html(text, wrap, max) : kl_viz_escape_label(text, wrap, max);
    if (!e) {
        b->failed = 1;
        return;
    }
    kl_i_sb_printf(b, "%s", e);
    free(e);
}

/* ----------------------------------------------------------- attributes */

void kl_i_set(void *obj, const char *name, const char *value)
{
    agsafeset(obj, (char *)name, (char *)value, "");
}

void kl_i_setf(void *obj, const char *name, const char *fmt, ...)
{
    char buf[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    kl_i_set(obj, name, buf);
}

void kl_i_set_html(Agraph_t *root, void *obj, const char *name, const char *html)
{
    Agsym_t *sym = agattr(root, AGTYPE(obj), (char *)name, NULL);
    if (!sym)
        sym = agattr(root, AGTYPE(obj), (char *)name, "");
    char *h = agstrdup_html(root, (char *)html);
    agxset(obj, sym, h);
    agstrfree(root, h);
}

const char *kl_i_text_on(const char *colour)
{
    unsigned r, g, b;
    if (sscanf(colour, "#%2x%2x%2x", &r, &g, &b) != 3)
        return "#000000";
    double y = (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255.0;
    return y < 0.45 ? "#FFFFFF" : "#000000";
}

/* ------------------------------------------------------- title and footer */

static void date_text(int32_t d, int as_end, char *buf, size_t size)
{
    int y = d / 10000, md = d % 10000;
    if ((!as_end && md == 101) || (as_end && md == 1231))
        snprintf(buf, size, "%d", y);
    else
        snprintf(buf, size, "%04d-%02d-%02d", y, md / 100, md % 100);
}

void kl_i_window_text(const kl_viz_options_t *opt, char *buf, size_t size)
{
    char a[16], b[16];
    if (opt->from != KL_DATE_MIN)
        date_text(opt->from, 0, a, sizeof a);
    if (opt->to != KL_DATE_MAX)
        date_text(opt->to, 1, b, sizeof b);
    if (opt->from == KL_DATE_MIN && opt->to == KL_DATE_MAX)
        snprintf(buf, size, "%s", _("all dates"));
    else if (opt->from == KL_DATE_MIN)
        snprintf(buf, size, _("ties active until %s"), b);
    else if (opt->to == KL_DATE_MAX)
        snprintf(buf, size, _("ties active from %s"), a);
    else
        /* TRANSLATORS: a time window, "ties active 2016–2020" */
        snprintf(buf, size, _("ties active %s\u2013%s"), a, b);
}

/* Where the words around a drawing wrap and are cut (characters): a line
 * of each is about 850 points wide at its font size, an A4 page's width
 * in landscape. */
#define TITLE_WRAP 70
#define TITLE_MAX 200
#define SUBTITLE_WRAP 110
#define SUBTITLE_MAX 400
#define CAPTION_WRAP 130
#define CAPTION_MAX 600
#define TITLE_PT 22
#define SUBTITLE_PT 13

static const char *title_text(const kl_dataset_t *ds, const kl_viz_options_t *opt)
{
    return opt->title ? opt->title : ds->title ? ds->title : ds->id;
}

int kl_i_title_rows(kl_i_sb_t *b, const kl_dataset_t *ds, const kl_viz_options_t *opt, const char *generated)
{
    int rows = 0;
    const char *title = title_text(ds, opt);
    kl_i_sb_printf(b, "%s", ""); /* b->s is a string even without rows */
    if (*title) {
        kl_i_sb_printf(b, "<TR><TD ALIGN=\"LEFT\" BALIGN=\"LEFT\"><FONT POINT-SIZE=\"%d\"><B>", TITLE_PT);
        kl_i_sb_text(b, title, 1, TITLE_WRAP, TITLE_MAX);
        kl_i_sb_printf(b, "</B></FONT></TD></TR>");
        rows++;
    }
    if (opt->subtitle ? *opt->subtitle : *generated) {
        kl_i_sb_printf(b, "<TR><TD ALIGN=\"LEFT\" BALIGN=\"LEFT\"><FONT POINT-SIZE=\"%d\" COLOR=\"#444444\">",
                       SUBTITLE_PT);
        if (opt->subtitle)
            kl_i_sb_text(b, opt->subtitle, 1, SUBTITLE_WRAP, SUBTITLE_MAX);
        else
            kl_i_sb_printf(b, "%s", generated);
        kl_i_sb_printf(b, "</FONT></TD></TR>");
        rows++;
    }
    return rows;
}

kl_err kl_i_html_size(GVC_t *gvc, const char *html, double *w, double *h)
{
    /* a graph of one node laid out by dot: the size Graphviz gives the
     * label, fonts and all, as the diagram's own layout will */
    Agraph_t *g = agopen("measure", Agundirected, &kl_i_agdisc);
    Agnode_t *nd = g ? agnode(g, "label", 1) : NULL;
    kl_err rc = KL_ENOMEM;
    if (nd) {
        kl_i_set(nd, "shape", "plaintext");
        kl_i_set(nd, "margin", "0");
        kl_i_set(nd, "width", "0");
        kl_i_set(nd, "height", "0");
        kl_i_set(nd, "fontname", "Helvetica");
        kl_i_set_html(g, nd, "label", html);
        if (gvLayout(gvc, g, "dot") == 0) {
            *w = ND_width(nd) * 72;
            *h = ND_height(nd) * 72;
            gvFreeLayout(gvc, g);
            rc = KL_OK;
        }
    }
    if (g)
        agclose(g);
    return rc;
}

/* Graphviz pads the graph's label by 8 points on each side */
#define LABEL_PAD 8

kl_err kl_i_title_node(Agraph_t *root, const char *rows, double left, double bottom, double w, double h)
{
    Agnode_t *nd = agnode(root, "title", 1);
    kl_i_sb_t b = {0};
    if (!nd)
        return KL_ENOMEM;
    /* padded like the graph's label, so that the two start at the same x */
    double nw = ceil(w) + 2 * LABEL_PAD;
    kl_i_map_pin(nd, left + nw / 2, bottom + ceil(h) / 2);
    kl_i_set(nd, "shape", "plaintext");
    kl_i_set(nd, "margin", "0");
    kl_i_setf(nd, "width", "%.4f", nw / 72);
    kl_i_setf(nd, "height", "%.4f", ceil(h) / 72);
    /* the rows left-aligned in a table of fixed size, which Graphviz
     * centres in the node rather than stretching it to the node's width */
    kl_i_sb_printf(&b,
                   "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"2\" FIXEDSIZE=\"TRUE\" "
                   "WIDTH=\"%.0f\" HEIGHT=\"%.0f\">%s</TABLE>",
                   ceil(w), ceil(h), rows);
    if (b.failed) {
        free(b.s);
        return KL_ENOMEM;
    }
    kl_i_set_html(root, nd, "label", b.s);
    free(b.s);
    return KL_OK;
}

void kl_i_footer_start(kl_i_sb_t *b, const kl_dataset_t *ds, const kl_viz_options_t *opt)
{
    if (opt->caption && *opt->caption) {
        kl_i_sb_printf(b, "<TR><TD ALIGN=\"LEFT\" BALIGN=\"LEFT\"><FONT POINT-SIZE=\"11\" COLOR=\"#333333\">");
        kl_i_sb_text(b, opt->caption, 1, CAPTION_WRAP, CAPTION_MAX);
        kl_i_sb_printf(b, "</FONT></TD></TR>");
    }
    kl_i_sb_t id = {0};
    kl_i_sb_text(&id, ds->id, 1, 0, 80);
    kl_i_sb_printf(b, "<TR><TD ALIGN=\"LEFT\"><FONT POINT-SIZE=\"10\" COLOR=\"#555555\">");
    /* TRANSLATORS: the start of a figure's footer; %s is the dataset's id */
    kl_i_sb_printf(b, kl_trn("Sources: %u document \u00b7 dataset: %s", "Sources: %u documents \u00b7 dataset: %s",
                             ds->n_sources),
                   ds->n_sources, id.s ? id.s : "");
    b->failed |= id.failed;
    free(id.s);
}

/* ---------------------------------------------------------- kind words */

static const char *const kind_word[KL_KIND_COUNT] = {N_("organisation"), N_("person"), N_("project"), N_("funder")};
static const char *const kind_plural[KL_KIND_COUNT] = {N_("organisations"), N_("people"), N_("projects"),
                                                       N_("funders")};
/* a cluster's label has always said "persons": a group of them */
static const char *const kind_cluster[KL_KIND_COUNT] = {N_("organisations"), N_("persons"), N_("projects"),
                                                        N_("funders")};

const char *kl_i_kind_word(kl_kind kind)
{
    return kl_tr(kind_word[kind]);
}

const char *kl_i_kind_plural(kl_kind kind)
{
    return kl_tr(kind_plural[kind]);
}

const char *kl_i_kind_cluster(kl_kind kind)
{
    return kl_tr(kind_cluster[kind]);
}

/* --------------------------------------------------------------- orders */

int kl_i_cmp_counted(const void *a, const void *b)
{
    const kl_i_counted_t *p = a, *q = b;
    if (p->count != q->count)
        return p->count > q->count ? -1 : 1;
    return strcmp(p->id, q->id);
}

int kl_i_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int kl_i_cmp_order(const void *a, const void *b)
{
    const kl_i_order_t *p = a, *q = b;
    if (p->x != q->x)
        return p->x > q->x ? -1 : 1;
    return p->rank < q->rank ? -1 : p->rank > q->rank;
}

/* --------------------------------------------------------- region links */

double kl_i_link_width(double links, double wmax)
{
    return 0.8 + 7 * (wmax > 0 ? links / wmax : 1);
}

Agedge_t *kl_i_region_link(Agraph_t *root, Agnode_t *a, Agnode_t *b, double links, double wmax)
{
    Agedge_t *ed = agedge(root, a, b, NULL, 1);
    if (ed) {
        kl_i_setf(ed, "penwidth", "%.2f", kl_i_link_width(links, wmax));
        kl_i_set(ed, "color", "#55555599");
    }
    return ed;
}
