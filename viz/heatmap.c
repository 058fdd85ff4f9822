/* viz/heatmap.c - the region x region heat map: one cell per pair of regions,
 * coloured by the pair's links and marked with its main broker, the regions
 * in an order that keeps those that work together together (seriate.c).
 * The figure is the title in the graph's label and three HTML-like tables
 * in three Graphviz nodes stacked by dot (matrix, colour legend, the rest),
 * so DOT, SVG, PNG and PDF come from the same render path as every other
 * view. */
#include "viz_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEAT_MAX_REGIONS 200 /* more would be cells under a pixel in a PNG */
#define HEAT_VALUES_MAX 24   /* up to this many regions, every cell prints its links */
#define HEAT_KEYS_BELOW 40   /* from this many regions on, column keys repeat below */
#define HEAT_MAX_CLASSES 8
#define KEY_MAX 52           /* brokers with a letter: A..Z, then AA..AZ */
#define ID_KEY_MAX 5         /* region ids up to this long head the columns, else numbers */
#define DIAGONAL_COLOUR "#D4D4D4"
#define FONT "Helvetica"

/* viridis (Smith and van der Walt), eight stops from dark to light: a
 * sequential scale that colour-blind readers and greyscale print both see
 * in order.  Reversed on the map: more links, darker. */
static const unsigned char viridis[8][3] = {{0x44, 0x01, 0x54}, {0x46, 0x33, 0x7E}, {0x36, 0x5C, 0x8D},
                                            {0x27, 0x7F, 0x8E}, {0x1F, 0xA1, 0x87}, {0x4A, 0xC1, 0x6D},
                                            {0x9F, 0xDA, 0x3A}, {0xFD, 0xE7, 0x25}};

/* The colour at t in [0, 1] (0 light, 1 dark), interpolated between stops. */
static void scale_colour(double t, char out[8])
{
    double x = (1 - t) * 7;
    int i = (int)floor(x);
    if (i >= 7)
        i = 6;
    if (i < 0)
        i = 0;
    double f = x - i;
    unsigned c[3];
    for (int k = 0; k < 3; k++)
        c[k] = (unsigned)lround(viridis[i][k] + (viridis[i + 1][k] - viridis[i][k]) * f);
    snprintf(out, 8, "#%02X%02X%02X", c[0], c[1], c[2]);
}

/* ------------------------------------------------------------ classes */

/* Colour classes of the positive links: class c holds [lo[c], lo[c + 1]). */
typedef struct {
    uint32_t k;
    double lo[HEAT_MAX_CLASSES + 1];
    char colour[HEAT_MAX_CLASSES][8];
    int geometric; /* steps of a 1-2-5 (or coarser) ladder: a log scale */
} classes_t;

/* Class breaks: equal steps of 1, 2 or 5 times a power of ten when the
 * links span at most a factor of ten, otherwise the 1-2-5 ladder (then
 * 1-3-10, then powers of ten, ...) from the step at or below the smallest
 * value: links are skewed (a few pairs of large regions hold most of them),
 * and on a log scale the many small pairs still differ.  At most
 * HEAT_MAX_CLASSES classes.  Can't fail. */
static void classes_init(classes_t *c, double min, double max)
{
    memset(c, 0, sizeof *c);
    if (!(max > 0))
        return;
    if (max <= 10 * min) {
        double step = 1;
        for (int e = 0;; e++) {
            static const double mult[] = {1, 2, 5};
            step = mult[e % 3] * pow(10, e / 3);
            if (floor(max / step) - floor(min / step) + 1 <= HEAT_MAX_CLASSES)
                break;
        }
        double start = floor(min / step) * step;
        while (start + c->k * step <= max)
            c->k++, c->lo[c->k - 1] = start + (c->k - 1) * step;
        c->lo[c->k] = start + c->k * step;
    } else {
        /* ladders: values per decade, and decades per step beyond them */
        static const double ladders[][3] = {{1, 2, 5}, {1, 3, 0}, {1, 0, 0}};
        for (int l = 0;; l++) {
            double step_decades = l < 3 ? 1 : l - 1;
            const double *m = ladders[l < 3 ? l : 2];
            double b[64];
            uint32_t nb = 0;
            double decade = pow(10, floor(log10(min)));
            while (decade > min)
                decade /= 10; /* log10 rounding */
            for (; nb < 64; decade *= pow(10, step_decades))
                for (int k = 0; k < 3 && m[k] > 0 && nb < 64; k++)
                    b[nb++] = m[k] * decade;
            /* the last break at or below min, up to the first above max */
            uint32_t first = 0;
            while (first + 1 < nb && b[first + 1] <= min)
                first++;
            uint32_t last = first;
            while (last < nb && b[last] <= max)
                last++;
            if (last - first <= HEAT_MAX_CLASSES || l > 12) {
                c->k = last - first;
                for (uint32_t i = 0; i <= c->k; i++)
                    c->lo[i] = b[first + i];
                c->geometric = 1;
                break;
            }
        }
    }
    for (uint32_t i = 0; i < c->k; i++)
        scale_colour(c->k == 1 ? 0.5 : 0.05 + 0.95 * i / (c->k - 1), c->colour[i]);
}

static uint32_t class_of(const classes_t *c, double x)
{
    uint32_t i = 0;
    while (i + 1 < c->k && c->lo[i + 1] <= x)
        i++;
    return i;
}

/* "7", "2–4", "2000–3776": the links a class holds (the last up to max). */
static void class_label(const classes_t *c, uint32_t i, double max, char *buf, size_t size)
{
    double lo = c->lo[i], hi = i + 1 == c->k ? max : ceil(c->lo[i + 1]) - 1;
    if (hi <= lo)
        snprintf(buf, size, "%.0f", lo);
    else
        snprintf(buf, size, "%.0f\u2013%.0f", lo, hi);
}

/* -------------------------------------------------------------- model */

typedef struct {
    uint32_t n;                      /* regions drawn */
    uint32_t *info;                  /* index into rg->regions, drawing order */
    double *links;                   /* n x n, drawing order; 0 on the diagonal */
    const kl_region_pair_t **pair;   /* n x n, NULL on the diagonal */
    uint32_t left_out;               /* regions with actors not drawn */
    uint32_t linked, brokered, pairs; /* pairs drawn: with links, with a main broker, all */
    uint32_t connected, unbrokered;  /* pairs drawn: connected, connected without brokers computed */
    char **key;                      /* region keys (column heads), drawing order */
    int numbered;                    /* keys are positions, not ids */
} heat_t;

static void heat_destroy(heat_t *h)
{
    if (h->key)
        for (uint32_t i = 0; i < h->n; i++)
            free(h->key[i]);
    free(h->key);
    free(h->info);
    free(h->links);
    free(h->pair);
}

typedef struct {
    double links;
    uint32_t actors, info;
} region_rank_t;

/* most links, then most actors, then region id (rg->regions is by id) */
static int cmp_region_rank(const void *x, const void *y)
{
    const region_rank_t *p = x, *q = y;
    if (p->links != q->links)
        return p->links > q->links ? -1 : 1;
    if (p->actors != q->actors)
        return p->actors > q->actors ? -1 : 1;
    return p->info < q->info ? -1 : p->info > q->info;
}

static int cmp_u32(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return a < b ? -1 : a > b;
}

static uint32_t utf8_length(const char *s)
{
    uint32_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* The regions to draw (those with actors; above HEAT_MAX_REGIONS the ones
 * with most links), their matrix, and their seriated order. */
static kl_err heat_select(heat_t *h, const kl_dataset_t *ds, const kl_regions_t *rg)
{
    memset(h, 0, sizeof *h);
    uint32_t R = rg->n_regions;
    int32_t *info_of = malloc(((size_t)ds->n_regions + 1) * sizeof *info_of);
    int32_t *pos = malloc(((size_t)R + 1) * sizeof *pos);
    region_rank_t *rank = calloc((size_t)R + 1, sizeof *rank);
    uint32_t *chosen = malloc(((size_t)R + 1) * sizeof *chosen), *order = NULL;
    double *w = NULL;
    kl_err rc = KL_ENOMEM;
    if (!info_of || !pos || !rank || !chosen)
        goto cleanup;
    for (uint32_t r = 0; r < ds->n_regions; r++)
        info_of[r] = -1;
    for (uint32_t k = 0; k < R; k++)
        info_of[rg->regions[k].region] = (int32_t)k;
    uint32_t with_actors = 0;
    for (uint32_t k = 0; k < R; k++)
        rank[k] = (region_rank_t){0, rg->regions[k].actors, k};
    for (uint32_t p = 0; p < rg->n_pairs; p++) {
        rank[info_of[rg->pairs[p].a]].links += rg->pairs[p].links;
        rank[info_of[rg->pairs[p].b]].links += rg->pairs[p].links;
    }
    qsort(rank, R, sizeof *rank, cmp_region_rank);
    for (uint32_t k = 0; k < R; k++)
        if (rank[k].actors)
            with_actors++;
    uint32_t n = 0;
    for (uint32_t k = 0; k < R && n < HEAT_MAX_REGIONS; k++)
        if (rank[k].actors)
            chosen[n++] = rank[k].info;
    h->left_out = with_actors - n;
    qsort(chosen, n, sizeof *chosen, cmp_u32); /* by id: seriate.c breaks ties by index */
    for (uint32_t k = 0; k < R; k++)
        pos[k] = -1;
    for (uint32_t i = 0; i < n; i++)
        pos[chosen[i]] = (int32_t)i;

    /* the matrix in id order, then seriated */
    w = calloc((size_t)n * n + 1, sizeof *w);
    order = malloc(((size_t)n + 1) * sizeof *order);
    h->n = n;
    h->info = malloc(((size_t)n + 1) * sizeof *h->info);
    h->links = calloc((size_t)n * n + 1, sizeof *h->links);
    h->pair = calloc((size_t)n * n + 1, sizeof *h->pair);
    if (!w || !order || !h->info || !h->links || !h->pair)
        goto cleanup;
    for (uint32_t p = 0; p < rg->n_pairs; p++) {
        int32_t a = pos[info_of[rg->pairs[p].a]], b = pos[info_of[rg->pairs[p].b]];
        if (a >= 0 && b >= 0)
            w[(size_t)a * n + b] = w[(size_t)b * n + a] = rg->pairs[p].links;
    }
    if ((rc = kl_viz_seriate(w, n, order)) != KL_OK)
        goto cleanup;
    /* pos now maps a region to its drawing position */
    for (uint32_t i = 0; i < n; i++) {
        h->info[i] = chosen[order[i]];
        pos[chosen[order[i]]] = (int32_t)i;
    }
    for (uint32_t p = 0; p < rg->n_pairs; p++) {
        const kl_region_pair_t *pr = &rg->pairs[p];
        int32_t a = pos[info_of[pr->a]], b = pos[info_of[pr->b]];
        if (a < 0 || b < 0)
            continue;
        h->links[(size_t)a * n + b] = h->links[(size_t)b * n + a] = pr->links;
        h->pair[(size_t)a * n + b] = h->pair[(size_t)b * n + a] = pr;
        h->pairs++;
        h->linked += pr->links > 0;
        h->brokered += pr->has_brokers && pr->n_brokers > 0;
        h->connected += pr->connected != 0;
        h->unbrokered += pr->connected && !pr->has_brokers;
    }
    rc = KL_OK;
cleanup:
    free(info_of);
    free(pos);
    free(rank);
    free(chosen);
    free(order);
    free(w);
    return rc;
}

/* A name on one line, escaped for HTML text or an attribute (where the
 * <BR/> of a line break would make the label unreadable to Graphviz): line
 * breaks become spaces, then as kl_viz_escape_html. */
static void one_line(kl_i_sb_t *b, const char *text, unsigned max)
{
    char *flat = strdup(text);
    if (!flat) {
        b->failed = 1;
        return;
    }
    for (char *p = flat; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    kl_i_sb_text(b, flat, 1, 0, max);
    free(flat);
}

/* Column heads: the region ids when all are short codes (NO, DE, SE123),
 * else positions 1..n; each row repeats its key beside its name. */
static kl_err heat_keys(heat_t *h, const kl_dataset_t *ds, const kl_regions_t *rg)
{
    h->key = calloc((size_t)h->n + 1, sizeof *h->key);
    if (!h->key)
        return KL_ENOMEM;
    h->numbered = 0;
    for (uint32_t i = 0; i < h->n; i++) {
        const char *id = ds->regions[rg->regions[h->info[i]].region].id;
        if (utf8_length(id) > ID_KEY_MAX || !*id)
            h->numbered = 1;
    }
    for (uint32_t i = 0; i < h->n; i++) {
        char num[16];
        snprintf(num, sizeof num, "%u", i + 1);
        const char *id = ds->regions[rg->regions[h->info[i]].region].id;
        kl_i_sb_t k = {0};
        one_line(&k, h->numbered ? num : id, 0);
        if (k.failed) {
            free(k.s);
            return KL_ENOMEM;
        }
        h->key[i] = k.s;
    }
    return KL_OK;
}

/* ------------------------------------------------------------ brokers */

/* The main brokers of the drawn pairs, the most pairs first (then by actor
 * id); key[v] = 1 + their rank for the first KEY_MAX, 0 for the others. */
typedef struct {
    kl_i_counted_t *list;  /* item: the vertex; count: pairs */
    uint32_t n;
    uint32_t *key;         /* per vertex */
    uint32_t others;       /* pairs whose main broker has no letter */
} brokers_t;

static void brokers_destroy(brokers_t *b)
{
    free(b->list);
    free(b->key);
}

static kl_err brokers_init(brokers_t *b, const heat_t *h, const kl_dataset_t *ds, const kl_agraph_t *g)
{
    memset(b, 0, sizeof *b);
    b->key = calloc((size_t)g->n + 1, sizeof *b->key);
    uint32_t *count = calloc((size_t)g->n + 1, sizeof *count);
    b->list = malloc(((size_t)h->brokered + 1) * sizeof *b->list);
    if (!b->key || !count || !b->list) {
        free(count);
        return KL_ENOMEM;
    }
    for (uint32_t i = 0; i < h->n; i++)
        for (uint32_t j = i + 1; j < h->n; j++) {
            const kl_region_pair_t *pr = h->pair[(size_t)i * h->n + j];
            if (pr && pr->has_brokers && pr->n_brokers && count[pr->brokers[0].vertex]++ == 0)
                b->list[b->n++] = (kl_i_counted_t){pr->brokers[0].vertex, 0, NULL};
        }
    for (uint32_t k = 0; k < b->n; k++) {
        b->list[k].count = count[b->list[k].item];
        b->list[k].id = ds->entities[g->vertex_entity[b->list[k].item]].id;
    }
    qsort(b->list, b->n, sizeof *b->list, kl_i_cmp_counted);
    for (uint32_t k = 0; k < b->n; k++) {
        if (k < KEY_MAX)
            b->key[b->list[k].item] = k + 1;
        else
            b->others += b->list[k].count;
    }
    free(count);
    return KL_OK;
}

/* "A".."Z", "AA".."AZ" for key 1..KEY_MAX; "+" for a broker without one. */
static void broker_mark(uint32_t key, char out[4])
{
    if (!key)
        snprintf(out, 4, "+");
    else if (key <= 26)
        snprintf(out, 4, "%c", 'A' + (int)(key - 1));
    else
        snprintf(out, 4, "A%c", 'A' + (int)(key - 27));
}

/* -------------------------------------------------------------- cells */

/* Sizes in points, by how many regions there are: cells that print their
 * links, then smaller ones with marks only. */
typedef struct {
    double cell_w, cell_h;
    double name_pt, key_pt, value_pt, mark_pt;
    int values;   /* cells print their links */
} sizes_t;

static void sizes_init(sizes_t *s, const heat_t *h)
{
    if (h->n <= HEAT_VALUES_MAX)
        *s = (sizes_t){42, 30, 11, 10, 10, 8, 1};
    else if (h->n <= 60)
        *s = (sizes_t){20, 16, 9, 8, 0, 8, 0};
    else
        *s = (sizes_t){13, 12, 8, 7, 0, 6.5, 0};
    /* a column is at least as wide as its head */
    for (uint32_t i = 0; i < h->n; i++) {
        double w, ht;
        kl_i_map_text_size(h->key[i], s->key_pt, &w, &ht);
        if (w + 2 > s->cell_w)
            s->cell_w = ceil(w + 2);
    }
}

static void region_title(kl_i_sb_t *b, const kl_dataset_t *ds, uint32_t r)
{
    one_line(b, ds->regions[r].name, 40);
}

/* One cell of the matrix: its colour, its tooltip (regions, links, main
 * broker and share) and its text (links when there is room, broker mark). */
static void cell(kl_i_sb_t *b, const heat_t *h, uint32_t i, uint32_t j, const classes_t *c, const brokers_t *bk, const sizes_t *sz, const kl_dataset_t *ds, const kl_agraph_t *g,
                 const kl_regions_t *rg)
{
    const kl_region_info_t *ri = &rg->regions[h->info[i]];
    if (i == j) {
        kl_i_sb_printf(b, "<TD BGCOLOR=\"%s\" HREF=\"\" TITLE=\"", DIAGONAL_COLOUR);
        region_title(b, ds, ri->region);
        kl_i_sb_printf(b, ": ");
        kl_i_sb_printf(b, kl_trn("%u actor", "%u actors", ri->actors), ri->actors);
        kl_i_sb_printf(b, ", ");
        kl_i_sb_printf(b, kl_trn("%u tie inside the region", "%u ties inside the region", ri->internal_ties),
                       ri->internal_ties);
        kl_i_sb_printf(b, "\"></TD>");
        return;
    }
    const kl_region_pair_t *pr = h->pair[(size_t)i * h->n + j];
    double links = h->links[(size_t)i * h->n + j];
    int broker = pr && pr->has_brokers && pr->n_brokers;
    if (links <= 0 && !broker) {
        kl_i_sb_printf(b, "<TD></TD>");
        return;
    }
    const char *fill = links > 0 ? c->colour[class_of(c, links)] : "#FFFFFF";
    const char *ink = links > 0 ? kl_i_text_on(fill) : "#555555";
    if (links > 0)
        kl_i_sb_printf(b, "<TD BGCOLOR=\"%s\" HREF=\"\" TITLE=\"", fill);
    else
        kl_i_sb_printf(b, "<TD HREF=\"\" TITLE=\"");
    region_title(b, ds, ri->region);
    kl_i_sb_printf(b, " \u2013 ");
    region_title(b, ds, rg->regions[h->info[j]].region);
    kl_i_sb_printf(b, ": ");
    if (links > 0)
        kl_i_sb_printf(b, kl_trn("%.0f link", "%.0f links", links == 1 ? 1 : 2), links);
    else
        kl_i_sb_printf(b, "%s", _("no links"));
    char mark[4] = "";
    if (broker) {
        uint32_t v = pr->brokers[0].vertex;
        kl_i_sb_t name = {0};
        broker_mark(bk->key[v], mark);
        one_line(&name, ds->entities[g->vertex_entity[v]].name, 60);
        kl_i_sb_printf(b, "; ");
        /* TRANSLATORS: an actor's name, its letter on the heat map ("C"), a
         * percentage ("62%") */
        kl_i_sb_printf(b, _("main broker %s (%s), on %.0f%% of the shortest paths between them"),
                       name.s ? name.s : "", mark, 100 * pr->brokers[0].share);
        b->failed |= name.failed;
        free(name.s);
    }
    kl_i_sb_printf(b, "\">");
    if (sz->values && links > 0)
        kl_i_sb_printf(b, "<FONT POINT-SIZE=\"%.1f\" COLOR=\"%s\">%.0f</FONT>%s", sz->value_pt, ink, links,
                       broker ? "<BR/>" : "");
    if (broker)
        kl_i_sb_printf(b, "<FONT POINT-SIZE=\"%.1f\" COLOR=\"%s\">%s</FONT>", sz->mark_pt, ink, mark);
    kl_i_sb_printf(b, "</TD>");
}

/* A row of column heads (the region keys), above or below the matrix. */
static void key_row(kl_i_sb_t *b, const heat_t *h, const sizes_t *sz, const kl_dataset_t *ds, const kl_regions_t *rg)
{
    kl_i_sb_printf(b, "<TR><TD COLSPAN=\"2\"></TD>");
    for (uint32_t j = 0; j < h->n; j++) {
        kl_i_sb_printf(b, "<TD WIDTH=\"%.0f\" HREF=\"\" TITLE=\"", sz->cell_w);
        region_title(b, ds, rg->regions[h->info[j]].region);
        kl_i_sb_printf(b, "\"><FONT POINT-SIZE=\"%.1f\" COLOR=\"#444444\">%s</FONT></TD>", sz->key_pt, h->key[j]);
    }
    kl_i_sb_printf(b, "</TR>");
}

/* The matrix: keys above (and below when tall), one row per region with
 * its name and key, then its cells. */
static void matrix(kl_i_sb_t *b, const heat_t *h, const classes_t *c, const brokers_t *bk, const sizes_t *sz,
                   const kl_dataset_t *ds, const kl_agraph_t *g, const kl_regions_t *rg)
{
    kl_i_sb_printf(b, "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"1\" CELLPADDING=\"0\">");
    key_row(b, h, sz, ds, rg);
    for (uint32_t i = 0; i < h->n; i++) {
        const kl_region_info_t *ri = &rg->regions[h->info[i]];
        const kl_region_t *reg = &ds->regions[ri->region];
        kl_i_sb_printf(b, "<TR><TD ALIGN=\"RIGHT\" HEIGHT=\"%.0f\" HREF=\"\" TITLE=\"", sz->cell_h);
        one_line(b, reg->name, 60);
        kl_i_sb_printf(b, " (");
        one_line(b, reg->id, 0);
        kl_i_sb_printf(b, ")\"><FONT POINT-SIZE=\"%.1f\">", sz->name_pt);
        one_line(b, reg->name, 28);
        kl_i_sb_printf(b, "</FONT></TD><TD ALIGN=\"LEFT\"><FONT POINT-SIZE=\"%.1f\" COLOR=\"#777777\"> %s</FONT></TD>",
                       sz->key_pt, h->key[i]);
        for (uint32_t j = 0; j < h->n; j++)
            cell(b, h, i, j, c, bk, sz, ds, g, rg);
        kl_i_sb_printf(b, "</TR>");
    }
    if (h->n >= HEAT_KEYS_BELOW)
        key_row(b, h, sz, ds, rg);
    kl_i_sb_printf(b, "</TABLE>");
}

/* ------------------------------------------------------------- legend */

static void colour_legend(kl_i_sb_t *b, const classes_t *c, double max)
{
    char text[64];
    kl_i_sb_printf(b, "<TR><TD ALIGN=\"LEFT\"><TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"2\" "
                      "CELLPADDING=\"1\"><TR><TD ALIGN=\"LEFT\" ROWSPAN=\"2\"><B>%s</B>  </TD>",
                   _("Links"));
    for (uint32_t i = 0; i < c->k; i++)
        kl_i_sb_printf(b, "<TD BGCOLOR=\"%s\" WIDTH=\"44\" HEIGHT=\"14\"></TD>", c->colour[i]);
    kl_i_sb_printf(b, "<TD WIDTH=\"44\" HEIGHT=\"14\" BORDER=\"1\" COLOR=\"#BBBBBB\"></TD>"
                      "<TD BGCOLOR=\"" DIAGONAL_COLOUR "\" WIDTH=\"44\" HEIGHT=\"14\"></TD></TR><TR>");
    for (uint32_t i = 0; i < c->k; i++) {
        class_label(c, i, max, text, sizeof text);
        kl_i_sb_printf(b, "<TD><FONT POINT-SIZE=\"10\">%s</FONT></TD>", text);
    }
    /* TRANSLATORS: under the colour key: an empty cell (no links), a grey
     * one (the diagonal) */
    kl_i_sb_printf(b,
                   "<TD><FONT POINT-SIZE=\"10\">%s</FONT></TD><TD><FONT POINT-SIZE=\"10\">%s</FONT></TD></TR>"
                   "</TABLE></TD></TR>",
                   _("none"), _("same region"));
}

static void text_row(kl_i_sb_t *b, const char *head, const char *text)
{
    kl_i_sb_printf(b, "<TR><TD ALIGN=\"LEFT\" BALIGN=\"LEFT\"><B>%s</B>  %s</TD></TR>", head, text);
}

/* TRANSLATORS: the heat map's legend: keep <BR ALIGN="LEFT"/> (a line
 * break) where the line should break, the lines about as long; "kluster
 * bridges" and "--all-pairs" are a command and an option */
static void explanations(kl_i_sb_t *b, const heat_t *h, const classes_t *c, const sizes_t *sz)
{
    char text[1000];
    snprintf(text, sizeof text, "%s%s%s",
             c->geometric ? _("of a pair: ties between an actor of each region, plus regionless actors<BR "
                              "ALIGN=\"LEFT\"/>(projects, funders, people) tied to both; colour classes on a log scale "
                              "(steps of 1, 2, 5 or coarser)")
                          : _("of a pair: ties between an actor of each region, plus regionless actors<BR "
                              "ALIGN=\"LEFT\"/>(projects, funders, people) tied to both; colour classes in equal "
                              "steps"),
             sz->values ? "; " : "", sz->values ? _("each cell prints its links") : "");
    text_row(b, _("Links"), text);
    if (h->brokered && h->unbrokered)
        snprintf(text, sizeof text,
                 _("the pair's main broker: the actor on the largest share of the shortest paths<BR "
                   "ALIGN=\"LEFT\"/>between the two regions' actors (computed for %u of the %u connected pairs;<BR "
                   "ALIGN=\"LEFT\"/>kluster bridges --all-pairs computes every pair)"),
                 h->connected - h->unbrokered, h->connected);
    else
        snprintf(text, sizeof text,
                 _("the pair's main broker: the actor on the largest share of the shortest paths<BR "
                   "ALIGN=\"LEFT\"/>between the two regions' actors (all %u connected pairs)"),
                 h->connected);
    if (h->brokered)
        text_row(b, _("Letters"), text);
    else if (h->unbrokered)
        text_row(b, _("Letters"),
                 _("none: the pairs' brokers were not computed for this drawing (too much work at this size);<BR "
                   "ALIGN=\"LEFT\"/>kluster bridges computes them"));
    text_row(b, _("Order"),
             _("spectral seriation, so that regions that work together sit together: each group of<BR "
               "ALIGN=\"LEFT\"/>linked regions in the order of the Fiedler vector of the Laplacian of the links<BR "
               "ALIGN=\"LEFT\"/>(the order that keeps pairs with many links closest); the group with most links "
               "first,<BR ALIGN=\"LEFT\"/>regions without links last"));
    text_row(b, _("Diagonal"),
             _("left blank (grey): a region with itself is not a pair.  In the SVG, hovering over a cell<BR "
               "ALIGN=\"LEFT\"/>names the regions, the links and the main broker (on the diagonal: the region's<BR "
               "ALIGN=\"LEFT\"/>actors and internal ties)"));
}

#define KEY_COLUMNS 3

static void broker_key(kl_i_sb_t *b, const brokers_t *bk, const kl_dataset_t *ds, const kl_agraph_t *g)
{
    if (!bk->n)
        return;
    kl_i_sb_printf(b, "<TR><TD ALIGN=\"LEFT\"><TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" "
                      "CELLPADDING=\"1\"><TR><TD ALIGN=\"LEFT\" COLSPAN=\"%d\"><B>%s</B> %s</TD></TR>",
                   2 * KEY_COLUMNS, _("Main brokers"), _("(pairs)"));
    uint32_t shown = bk->n < KEY_MAX ? bk->n : KEY_MAX, rows = (shown + KEY_COLUMNS - 1) / KEY_COLUMNS;
    /* column-major: the letters run down the first column, then the next */
    for (uint32_t r = 0; r < rows; r++) {
        kl_i_sb_printf(b, "<TR>");
        for (uint32_t col = 0; col < KEY_COLUMNS; col++) {
            uint32_t k = col * rows + r;
            if (k >= shown) {
                kl_i_sb_printf(b, "<TD></TD><TD></TD>");
                continue;
            }
            char mark[4];
            broker_mark(k + 1, mark);
            kl_i_sb_printf(b, "<TD ALIGN=\"RIGHT\"><B>%s</B> </TD><TD ALIGN=\"LEFT\">", mark);
            one_line(b, ds->entities[g->vertex_entity[bk->list[k].item]].name, 36);
            kl_i_sb_printf(b, " (%u)     </TD>", bk->list[k].count);
        }
        kl_i_sb_printf(b, "</TR>");
    }
    if (bk->others) {
        kl_i_sb_printf(b, "<TR><TD ALIGN=\"RIGHT\"><B>+</B> </TD><TD ALIGN=\"LEFT\" COLSPAN=\"%d\">",
                       2 * KEY_COLUMNS - 1);
        kl_i_sb_printf(b, _("%u other actors (%u pairs)"), bk->n - KEY_MAX, bk->others);
        kl_i_sb_printf(b, "</TD></TR>");
    }
    kl_i_sb_printf(b, "</TABLE></TD></TR>");
}

/* -------------------------------------------------------------- build */

kl_err kl_i_heatmap_build(struct kl_viz *v, const kl_dataset_t *ds, const kl_agraph_t *g, const kl_regions_t *rg,
                          kl_error_t *err)
{
    heat_t h;
    brokers_t bk;
    classes_t c;
    sizes_t sz;
    kl_i_sb_t b = {0};
    memset(&bk, 0, sizeof bk);
    kl_err rc = heat_select(&h, ds, rg);
    if (rc == KL_OK && h.n < 2) {
        rc = kl_error_set(err, KL_EINVAL, "", 0, 0,
                          "a heat map needs two regions with actors, but %s",
                          h.n ? "only one region has actors" : "no actor has a region");
        goto cleanup;
    }
    if (rc != KL_OK || (rc = heat_keys(&h, ds, rg)) != KL_OK || (rc = brokers_init(&bk, &h, ds, g)) != KL_OK)
        goto cleanup;
    rc = KL_ENOMEM;
    double min = INFINITY, max = 0;
    for (size_t i = 0; i < (size_t)h.n * h.n; i++)
        if (h.links[i] > 0) {
            min = fmin(min, h.links[i]);
            max = fmax(max, h.links[i]);
        }
    classes_init(&c, min, max);
    sizes_init(&sz, &h);
    v->info.nodes = h.n;
    v->info.edges = h.linked;
    v->info.left_out = h.left_out;
    v->info.layout = KL_LAYOUT_DOT;

    Agraph_t *root = agopen("kluster", Agundirected, &kl_i_agdisc);
    if (!root)
        goto cleanup;
    v->graph = root;
    kl_i_set(root, "layout", "dot");
    kl_i_set(root, "fontname", FONT);
    kl_i_set(root, "bgcolor", "white");
    kl_i_set(root, "pad", "0.3");
    kl_i_set(root, "ranksep", "0.15");
    agattr(root, AGNODE, "fontname", FONT);
    agattr(root, AGNODE, "shape", "plaintext");
    agattr(root, AGNODE, "margin", "0");
    agattr(root, AGEDGE, "style", "invis");

    /* the title top left, in the graph's label; three nodes stacked below
     * it (matrix, colours, the rest): Graphviz stretches a table nested in a
     * wider one, and the matrix must keep its cells */
    char window[96];
    kl_i_window_text(&v->opt, window, sizeof window);
    kl_i_sb_printf(&b,
                   _("Region \u00d7 region heat map: links between regions \u00b7 %u regions, %u linked pairs "
                     "\u00b7 %s"),
                   h.n, h.linked, window);
    kl_i_sb_t title = {0};
    kl_i_sb_printf(&title, "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"2\">");
    int title_rows = b.failed ? 0 : kl_i_title_rows(&title, ds, &v->opt, b.s);
    kl_i_sb_printf(&title, "</TABLE>");
    if (!b.failed && !title.failed && title_rows) {
        kl_i_set(root, "labelloc", "t");
        kl_i_set(root, "labeljust", "l");
        kl_i_set_html(root, root, "label", title.s);
    }
    free(title.s);
    if (b.failed || title.failed)
        goto cleanup;
    const char *names[3] = {"matrix", "colours", "legend"};
    Agnode_t *nodes[3];
    for (int part = 0; part < 3; part++) {
        b.len = 0;
        if (part == 0) {
            matrix(&b, &h, &c, &bk, &sz, ds, g, rg);
        } else {
            kl_i_sb_printf(&b, "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"2\">");
            if (part == 1) {
                colour_legend(&b, &c, max);
            } else {
                explanations(&b, &h, &c, &sz);
                broker_key(&b, &bk, ds, g);
                kl_i_footer_start(&b, ds, &v->opt);
                if (h.left_out) {
                    kl_i_sb_printf(&b, " \u00b7 ");
                    kl_i_sb_printf(&b,
                                   kl_trn("the %u region with fewest links not drawn (at most %u are)",
                                          "the %u regions with fewest links not drawn (at most %u are)", h.left_out),
                                   h.left_out, HEAT_MAX_REGIONS);
                }
                kl_i_sb_printf(&b, " \u00b7 %s</FONT></TD></TR>", _("drawn by kluster"));
            }
            kl_i_sb_printf(&b, "</TABLE>");
        }
        if (b.failed || !(nodes[part] = agnode(root, (char *)names[part], 1)))
            goto cleanup;
        kl_i_set_html(root, nodes[part], "label", b.s);
        if (part && !agedge(root, nodes[part - 1], nodes[part], NULL, 1))
            goto cleanup;
    }
    rc = KL_OK;
cleanup:
    if (rc == KL_ENOMEM)
        kl_error_set(err, KL_ENOMEM, "", 0, 0, "out of memory");
    heat_destroy(&h);
    brokers_destroy(&bk);
    free(b.s);
    return rc;
}
