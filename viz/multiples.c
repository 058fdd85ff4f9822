/* viz/multiples.c - small multiples of the region map: one small map per
 * period of a trend, side by side in time order, all at one projection,
 * one scale of circles (area ~ the region's actors with a tie in the
 * period) and one scale of lines (width ~ the pair's links), in the
 * regions' own colours, so that a reader compares the panels at a glance.
 *
 * The panels are the region map's (map.c draws land, borders and frame
 * of each at its offset), without names, brokers or graticule: at this
 * size they would hide the shapes the multiples are for.  One legend
 * below names the coloured regions. */
#include "viz_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PANEL_SIDE 230.0  /* points: the long side of the regions' box in a panel */
#define CIRCLE_DMAX 34.0  /* points: the circle of the most actors in any period */
#define GAP_X 26.0        /* points between panels */
#define GAP_Y 46.0        /* between rows: room for a panel's heading */
#define HEADING_PT 10.5
#define PANEL_LINKS 60    /* lines a panel draws at most (a hairball hides the shape) */

typedef struct {
    uint32_t n;          /* regions drawn: with actors in some period and a point */
    uint32_t *region;    /* ds index of each */
    double *lat, *lon, *amax_of;
    uint8_t *far;        /* left out of the frame */
    int32_t *slot;       /* ds region -> index here, -1 */
    double amax, wmax;
    double min_links;    /* the lines drawn: pairs with at least this many links */
    uint32_t links_drawn, links_all;
} places_t;

static void places_destroy(places_t *p)
{
    free(p->region);
    free(p->lat);
    free(p->lon);
    free(p->amax_of);
    free(p->far);
    free(p->slot);
}

static int cmp_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x > y ? -1 : x < y;
}

static double circle_d(double actors, double amax)
{
    return amax > 0 ? CIRCLE_DMAX * sqrt(actors / amax) : CIRCLE_DMAX;
}

/* The regions with actors in some period, those with a point, the
 * largest counts.  Returns the regions with actors but no point (named in
 * the footer) through *pointless. */
static kl_err places_init(places_t *p, const kl_dataset_t *ds, const kl_viz_trend_t *t, uint32_t *pointless)
{
    uint32_t nr = ds->n_regions;
    memset(p, 0, sizeof *p);
    p->region = malloc(((size_t)nr + 1) * sizeof *p->region);
    p->lat = malloc(((size_t)nr + 1) * sizeof *p->lat);
    p->lon = malloc(((size_t)nr + 1) * sizeof *p->lon);
    p->amax_of = malloc(((size_t)nr + 1) * sizeof *p->amax_of);
    p->far = calloc((size_t)nr + 1, 1);
    p->slot = malloc(((size_t)nr + 1) * sizeof *p->slot);
    if (!p->region || !p->lat || !p->lon || !p->amax_of || !p->far || !p->slot)
        return KL_ENOMEM;
    *pointless = 0;
    for (uint32_t r = 0; r < nr; r++) {
        double most = 0;
        for (uint32_t k = 0; k < t->n_periods; k++)
            most = fmax(most, t->region_actors[(size_t)k * nr + r]);
        p->slot[r] = -1;
        if (most <= 0)
            continue;
        p->amax = fmax(p->amax, most);
        if (!isfinite(ds->regions[r].lat) || !isfinite(ds->regions[r].lon)) {
            (*pointless)++;
            continue;
        }
        p->slot[r] = (int32_t)p->n;
        p->region[p->n] = r;
        p->lat[p->n] = ds->regions[r].lat;
        p->lon[p->n] = ds->regions[r].lon;
        p->amax_of[p->n++] = most;
    }
    for (uint32_t l = 0; l < t->n_links; l++)
        p->wmax = fmax(p->wmax, t->links[l].links);
    /* one rule for every panel: the pairs with at least min_links links,
     * the smallest count that keeps each panel at PANEL_LINKS lines or
     * about (pairs tied at the threshold all show) */
    double *w = malloc(((size_t)t->n_links + 1) * sizeof *w);
    if (!w)
        return KL_ENOMEM;
    for (uint32_t k = 0, l = 0; k < t->n_periods; k++) {
        uint32_t n = 0;
        for (; l < t->n_links && t->links[l].period == k; l++)
            w[n++] = t->links[l].links;
        if (n <= PANEL_LINKS)
            continue;
        qsort(w, n, sizeof *w, cmp_desc);
        /* the next count below the (PANEL_LINKS+1)-th: ties stay together */
        p->min_links = fmax(p->min_links, nextafter(w[PANEL_LINKS], INFINITY));
    }
    free(w);
    for (uint32_t l = 0; l < t->n_links; l++) {
        p->links_all++;
        p->links_drawn += t->links[l].links >= p->min_links;
    }
    return kl_geo_outliers(p->lat, p->lon, p->amax_of, p->n, p->far) < 0 ? KL_ENOMEM : KL_OK;
}

/* One panel's circles and lines at offset (ox, oy). */
static kl_err draw_panel(Agraph_t *root, const kl_dataset_t *ds, const kl_viz_trend_t *t, const places_t *pl,
                         const kl_i_map_t *m, const kl_viz_colours_t *c, uint32_t k, double ox, double oy,
                         Agnode_t **node, uint32_t *linked)
{
    uint32_t nr = ds->n_regions;
    char id[48];
    kl_i_sb_t tip = {0};
    for (uint32_t i = 0; i < pl->n; i++) {
        uint32_t r = pl->region[i];
        uint32_t actors = t->region_actors[(size_t)k * nr + r];
        node[i] = NULL;
        if (!actors || pl->far[i])
            continue;
        double x, y;
        kl_geo_proj_xy(&m->proj, pl->lat[i], pl->lon[i], &x, &y);
        snprintf(id, sizeof id, "p%u_r%u", k, r);
        Agnode_t *nd = agnode(root, id, 1);
        if (!nd)
            return KL_ENOMEM;
        node[i] = nd;
        kl_i_map_pin(nd, x + ox, y + oy);
        kl_i_set(nd, "shape", "point");
        kl_i_setf(nd, "width", "%.4f", circle_d(actors, pl->amax) / 72);
        kl_i_setf(nd, "fillcolor", "%sD9", kl_viz_region_colour(c, (int32_t)r));
        kl_i_set(nd, "color", "#333333");
        kl_i_set(nd, "label", "");
        tip.len = 0;
        kl_i_sb_text(&tip, ds->regions[r].name, 0, 0, 0);
        /* TRANSLATORS: "12 actors in 2016-2018" (a period) */
        kl_i_sb_printf(&tip, ": ");
        kl_i_sb_printf(&tip, kl_trn("%u actor in %s", "%u actors in %s", actors), actors, t->period[k]);
        if (tip.failed)
            return KL_ENOMEM;
        kl_i_set(nd, "tooltip", tip.s);
    }
    free(tip.s);
    *linked = 0;
    for (uint32_t l = 0; l < t->n_links; l++) {
        const kl_viz_link_t *lk = &t->links[l];
        if (lk->period != k)
            continue;
        (*linked)++;
        int32_t a = pl->slot[lk->a], b = pl->slot[lk->b];
        if (a < 0 || b < 0 || !node[a] || !node[b] || lk->links < pl->min_links)
            continue;
        Agedge_t *ed = kl_i_region_link(root, node[a], node[b], lk->links, pl->wmax);
        if (!ed)
            return KL_ENOMEM;
        kl_i_set(ed, "label", "");
        kl_i_setf(ed, "tooltip", kl_trn("%.0f link", "%.0f links", lk->links == 1 ? 1 : 2), lk->links);
    }
    return KL_OK;
}

/* The legend: what circles and lines mean, the coloured regions. */
static void legend_rows(kl_i_sb_t *b, const kl_dataset_t *ds, const kl_viz_trend_t *t, const places_t *pl,
                        const kl_viz_colours_t *c, uint32_t pointless)
{
    kl_i_sb_printf(b, "<TR><TD ALIGN=\"LEFT\" BALIGN=\"LEFT\"><B>%s</B>  ", _("Circles"));
    kl_i_sb_printf(b, _("area ~ the region's actors with a tie in the period (the largest: %.0f)"), pl->amax);
    kl_i_sb_printf(b, "   <B>%s</B>  ", _("Lines"));
    kl_i_sb_printf(b, _("width ~ the pair's links (the widest: %.0f), one scale for every panel"), pl->wmax);
    kl_i_sb_printf(b, "</TD></TR>");
    if (pl->links_drawn < pl->links_all) {
        kl_i_sb_printf(b, "<TR><TD ALIGN=\"LEFT\"><B>%s</B>  ", _("Shown"));
        kl_i_sb_printf(b,
                       _("the pairs with %.0f links or more, in every panel (%u of the %u linked pairs of all "
                         "periods)"),
                       ceil(pl->min_links), pl->links_drawn, pl->links_all);
        kl_i_sb_printf(b, "</TD></TR>");
    }
    /* the regions drawn, in colour order: those with a colour of their own */
    uint32_t *by_rank = calloc((size_t)c->n_regions + 1, sizeof *by_rank);
    if (!by_rank) {
        b->failed = 1;
        return;
    }
    uint32_t k = 0, grey = 0;
    for (uint32_t i = 0; i < pl->n; i++) {
        uint32_t r = pl->region[i];
        if (pl->far[i])
            continue;
        if (kl_viz_region_is_other(c, (int32_t)r))
            grey++;
        else
            by_rank[c->rank[r]] = r + 1;
    }
    kl_i_sb_printf(b, "<TR><TD ALIGN=\"LEFT\" BALIGN=\"LEFT\"><B>%s</B>  ", _("Regions"));
    size_t line = 0;
    for (uint32_t rank = 0; rank < c->n_palette && rank < c->n_regions; rank++) {
        uint32_t r = by_rank[rank];
        if (!r)
            continue;
        r--;
        size_t len = strlen(ds->regions[r].name) + 4;
        if (k && line + len > 110) {
            kl_i_sb_printf(b, "<BR ALIGN=\"LEFT\"/>");
            line = 0;
        } else if (k) {
            kl_i_sb_printf(b, "   ");
        }
        line += len > 40 ? 40 : len;
        kl_i_sb_printf(b, "<FONT COLOR=\"%s\">\u25CF</FONT> ", kl_viz_region_colour(c, (int32_t)r));
        kl_i_sb_text(b, ds->regions[r].name, 1, 0, 40);
        k++;
    }
    if (grey) {
        kl_i_sb_printf(b, "%s<FONT COLOR=\"%s\">\u25CF</FONT> ", k ? "   " : "", KL_VIZ_OTHER_REGION_COLOUR);
        kl_i_sb_printf(b, kl_trn("%u other region", "%u other regions", grey), grey);
    }
    kl_i_sb_printf(b, "</TD></TR>");
    free(by_rank);
    uint32_t far = 0;
    for (uint32_t i = 0; i < pl->n; i++)
        far += pl->far[i];
    if (far || pointless) {
        kl_i_sb_printf(b, "<TR><TD ALIGN=\"LEFT\" BALIGN=\"LEFT\"><FONT POINT-SIZE=\"10\" COLOR=\"#555555\">");
        if (far) {
            kl_i_sb_printf(b, "%s", _("Not in the frame (far from the rest): "));
            for (uint32_t i = 0, j = 0; i < pl->n; i++) {
                if (!pl->far[i])
                    continue;
                if (j++ == 12) {
                    kl_i_sb_printf(b, " ");
                    kl_i_sb_printf(b, _("and %u more"), far - 12);
                    break;
                }
                kl_i_sb_printf(b, "%s", j > 1 ? ", " : "");
                kl_i_sb_text(b, ds->regions[pl->region[i]].name, 1, 0, 40);
            }
        }
        if (pointless) {
            kl_i_sb_printf(b, "%s", far ? "; " : "");
            kl_i_sb_printf(b,
                           kl_trn("%u region without coordinates not drawn", "%u regions without coordinates not drawn",
                                  pointless),
                           pointless);
        }
        kl_i_sb_printf(b, "</FONT></TD></TR>");
    }
    (void)t;
}

static kl_err build(struct kl_viz *v, const kl_dataset_t *ds, const kl_viz_trend_t *t, kl_error_t *err)
{
    places_t pl;
    kl_viz_colours_t c;
    kl_i_sb_t bg = {0}, b = {0}, rows = {0}, head = {0};
    Agnode_t **node = NULL;
    uint32_t pointless = 0;
    memset(&c, 0, sizeof c);
    kl_err rc = places_init(&pl, ds, t, &pointless);
    if (rc != KL_OK)
        goto cleanup;
    uint32_t placed = 0;
    for (uint32_t i = 0; i < pl.n; i++)
        placed += !pl.far[i];
    if (placed < 2) {
        rc = kl_error_set(err, KL_EINVAL, "", 0, 0,
                          "the region maps need at least two regions with actors and coordinates (lat and lon of "
                          "the regions); %u of them have none",
                          pointless);
        goto cleanup;
    }
    if ((rc = kl_viz_region_colours(ds, &c, err)) != KL_OK)
        goto cleanup;
    rc = KL_ENOMEM;
    const kl_i_basemap_t *bm = kl_i_basemap(err);
    node = calloc((size_t)pl.n + 1, sizeof *node);
    kl_geo_box_t *boxes = calloc((size_t)pl.n + 1, sizeof *boxes);
    if (!bm || !node || !boxes) {
        free(boxes);
        goto cleanup;
    }
    /* one frame for all: the places fitted, the largest circles inside */
    kl_i_map_t m;
    kl_i_map_fit(&m, pl.lat, pl.lon, pl.far, pl.n, PANEL_SIDE);
    for (uint32_t i = 0; i < pl.n; i++) {
        double d = circle_d(pl.amax_of[i], pl.amax);
        boxes[i] = (kl_geo_box_t){NAN, NAN, d, d, NAN, NAN, 1};
        if (!pl.far[i])
            kl_geo_proj_xy(&m.proj, pl.lat[i], pl.lon[i], &boxes[i].x, &boxes[i].y);
    }
    kl_i_map_frame(&m, boxes, pl.n, 12, 12);
    free(boxes);
    /* kl_i_map_frame keeps a frame at least 4 x 3 inches: small multiples
     * want less, so the frame is the boxes' own, padded */
    double w = m.x1 - m.x0, h = m.y1 - m.y0;

    Agraph_t *root = agopen("kluster", Agundirected, &kl_i_agdisc);
    if (!root)
        goto cleanup;
    v->graph = root;
    kl_i_set(root, "layout", "nop");
    kl_i_set(root, "fontname", "Helvetica");
    kl_i_set(root, "bgcolor", "white");
    kl_i_set(root, "pad", "0.3");
    kl_i_set(root, "outputorder", "edgesfirst");
    kl_i_set(root, "splines", "false");
    kl_i_set(root, "forcelabels", "true");
    kl_i_set(root, "labeljust", "l");
    kl_i_set(root, "labelloc", "b");
    agattr(root, AGNODE, "fontname", "Helvetica");
    agattr(root, AGEDGE, "color", "#7F7F7F");

    uint32_t np = t->n_periods;
    uint32_t cols = np <= 4 ? np : np <= 6 ? 3 : np <= 8 ? 4 : np <= 15 ? 5 : 6;
    for (uint32_t k = 0; k < np; k++) {
        uint32_t col = k % cols, row = k / cols;
        double left = col * (w + GAP_X), bottom = -(double)row * (h + GAP_Y);
        double ox = left - m.x0, oy = bottom - m.y0;
        char tag[32], name[32];
        snprintf(tag, sizeof tag, "panel%u", k);
        if (kl_i_map_panel(root, &bg, &m, bm, ox, oy, tag) != KL_OK)
            goto cleanup;
        uint32_t actors = 0, linked = 0;
        for (uint32_t i = 0; i < ds->n_regions; i++)
            actors += t->region_actors[(size_t)k * ds->n_regions + i];
        if (draw_panel(root, ds, t, &pl, &m, &c, k, ox, oy, node, &linked) != KL_OK)
            goto cleanup;
        head.len = 0;
        kl_i_sb_text(&head, t->period[k], 0, 0, 40);
        kl_i_sb_printf(&head, " \u00b7 ");
        kl_i_sb_printf(&head, kl_trn("%u actor", "%u actors", actors), actors);
        kl_i_sb_printf(&head, " \u00b7 ");
        kl_i_sb_printf(&head, kl_trn("%u linked pair", "%u linked pairs", linked), linked);
        snprintf(name, sizeof name, "heading%u", k);
        if (head.failed || !kl_i_map_text(root, name, left, bottom + h + HEADING_PT, 1, head.s, HEADING_PT, "#222222"))
            goto cleanup;
    }
    if (bg.failed)
        goto cleanup;
    kl_i_set(root, "_background", bg.s ? bg.s : "");

    /* title above the first row, legend and footer below the last */
    kl_viz_options_t opt = v->opt;
    const char *sub = _("The region map of every period at one scale: where the actors were and which regions their "
                        "ties linked");
    int title_rows = kl_i_title_rows(&rows, ds, &opt, sub);
    kl_i_sb_printf(&b, "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"2\">");
    legend_rows(&b, ds, t, &pl, &c, pointless);
    kl_i_footer_start(&b, ds, &opt);
    if (t->note)
        kl_i_sb_printf(&b, " \u00b7 %s", t->note);
    kl_i_sb_printf(&b, " \u00b7 %s</FONT></TD></TR></TABLE>", _("drawn by kluster"));
    if (rows.failed || b.failed)
        goto cleanup;
    kl_i_set_html(root, root, "label", b.s);
    if (title_rows) {
        double tw = 0, th = 0;
        kl_i_sb_t tt = {0};
        kl_i_sb_printf(&tt, "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"2\">%s</TABLE>",
                       rows.s);
        rc = tt.failed ? KL_ENOMEM : kl_i_html_size(v->gvc, tt.s, &tw, &th);
        free(tt.s);
        if (rc != KL_OK)
            goto cleanup;
        rc = KL_ENOMEM;
        if (kl_i_title_node(root, rows.s, -8, h + HEADING_PT * 2 + 6, tw, th) != KL_OK)
            goto cleanup;
    }
    v->info.nodes = (uint32_t)agnnodes(root);
    v->info.edges = (uint32_t)agnedges(root);
    rc = KL_OK;
cleanup:
    if (rc == KL_ENOMEM)
        kl_error_set(err, KL_ENOMEM, "", 0, 0, "out of memory");
    places_destroy(&pl);
    kl_viz_colours_free(&c);
    free(node);
    free(bg.s);
    free(b.s);
    free(rows.s);
    free(head.s);
    return rc;
}

kl_err kl_viz_trend_maps(const kl_dataset_t *ds, const kl_viz_trend_t *t, const kl_viz_options_t *opt,
                         kl_viz_format format, char **data, size_t *len, kl_error_t *err)
{
    *data = NULL;
    *len = 0;
    if (format == KL_VIZ_GNUPLOT)
        return kl_error_set(err, KL_EINVAL, "", 0, 0, "the region maps are drawn as DOT, SVG, PNG or PDF");
    if (!t->n_periods)
        return kl_error_set(err, KL_EINVAL, "", 0, 0, "no periods to draw");
    kl_viz_t *v = calloc(1, sizeof *v);
    if (!v)
        return kl_error_set(err, KL_ENOMEM, "", 0, 0, "out of memory");
    v->opt = *opt;
    v->opt.view = KL_VIEW_REGION_MAP;
    v->geo = 1;
    v->info.layout = KL_LAYOUT_NOP;
    kl_i_gv_capture();
    v->gvc = kl_i_gvc();
    kl_err rc = v->gvc ? build(v, ds, t, err) : kl_error_set(err, KL_EGVC, "", 0, 0, "cannot start Graphviz");
    if (rc == KL_OK)
        rc = kl_viz_render(v, format, data, len, err);
    kl_viz_free(v);
    return rc;
}
