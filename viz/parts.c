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
        snprintf(buf, size, "all dates");
    else if (opt->from == KL_DATE_MIN)
        snprintf(buf, size, "ties active until %s", b);
    else if (opt->to == KL_DATE_MAX)
        snprintf(buf, size, "ties active from %s", a);
    else
        snprintf(buf, size, "ties active %s\u2013%s", a, b);
}

void kl_i_title_row(kl_i_sb_t *b, const kl_dataset_t *ds)
{
    kl_i_sb_printf(b, "<TR><TD ALIGN=\"LEFT\"><FONT POINT-SIZE=\"22\"><B>");
    kl_i_sb_text(b, ds->title ? ds->title : ds->id, 1, 70, 200);
    kl_i_sb_printf(b, "</B></FONT></TD></TR>");
}

void kl_i_footer_start(kl_i_sb_t *b, const kl_dataset_t *ds)
{
    kl_i_sb_printf(b,
                   "<TR><TD ALIGN=\"LEFT\"><FONT POINT-SIZE=\"10\" COLOR=\"#555555\">Sources: %u document%s \u00b7 "
                   "dataset: ",
                   ds->n_sources, ds->n_sources == 1 ? "" : "s");
    kl_i_sb_text(b, ds->id, 1, 0, 80);
}

/* --------------------------------------------------------------- orders */

int kl_i_cmp_counted(const void *a, const void *b)
{
    const kl_i_counted_t *p = a, *q = b;
    if (p->count != q->count)
        return p->count > q->count ? -1 : 1;
    return strcmp(p->id, q->id);
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
