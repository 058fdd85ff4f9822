/* viz/dot.c - the cgraph graph of a view: nodes shaped by kind, sized by a
 * metric, coloured by region or kind, clusters, bridges, brokers, and the
 * title, legend and footer that let a diagram stand on its own. */
#include "viz_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_colour[KL_KIND_COUNT] = {"#56B4E9", "#E69F00", "#009E73", "#CC79A7"};
static const char *const kind_shape[KL_KIND_COUNT] = {"box", "ellipse", "hexagon", "house"};
static const char *const kind_glyph[KL_KIND_COUNT] = {"\u25A0", "\u25CF", "\u2B22", "\u2302"};
#define BRIDGE_COLOUR "#D55E00" /* reserved: no region has it (viz/colours.c) */
#define FONT "Helvetica"

/* ------------------------------------------------------------- helpers */

/* colour mixed with white: t = 0 the colour, 1 white */
static void tint(const char *colour, double t, char out[8])
{
    unsigned r, g, b;
    if (sscanf(colour, "#%2x%2x%2x", &r, &g, &b) != 3)
        r = g = b = 0xCC;
    snprintf(out, 8, "#%02X%02X%02X", (unsigned)lround(r + (255 - r) * t), (unsigned)lround(g + (255 - g) * t),
             (unsigned)lround(b + (255 - b) * t));
}

static const char *metric_name(kl_viz_size by)
{
    switch (by) {
    case KL_SIZE_BETWEENNESS: return _("betweenness");
    case KL_SIZE_PAGERANK: return "PageRank"; /* a name */
    case KL_SIZE_DEGREE: return _("degree (number of ties)");
    default: return _("inter-regional betweenness (irb)");
    }
}

static const char *metric_key(kl_viz_size by)
{
    static const char *const k[] = {"irb", "betweenness", "pagerank", "degree"};
    return k[by];
}

/* ------------------------------------------------------------ colouring */

/* Region colours are the dataset's (kl_viz_region_colours), whatever the
 * view; the legend lists the regions in the view. */
typedef struct {
    kl_viz_colours_t dataset;
    kl_i_counted_t *shown;     /* regions in the view, most actors first */
    uint32_t n_shown;
    uint32_t n_other;          /* of them past the palette: grey, named on the figure */
    int has_regionless;
    int kinds[KL_KIND_COUNT];  /* kinds present */
} colours_t;

static kl_err colours_init(colours_t *c, const kl_i_view_t *view, const kl_dataset_t *ds, const kl_agraph_t *g,
                           int region_map)
{
    memset(c, 0, sizeof *c);
    uint32_t R = ds->n_regions;
    if (kl_viz_region_colours(ds, &c->dataset, NULL) != KL_OK)
        return KL_ENOMEM;
    c->shown = calloc((size_t)R + 1, sizeof *c->shown);
    uint32_t *count = calloc((size_t)R + 1, sizeof *count);
    if (!c->shown || !count) {
        free(count);
        return KL_ENOMEM;
    }
    for (uint32_t i = 0; i < view->n; i++) {
        if (region_map) {
            count[view->node[i]] += view->nactors[i];
            continue;
        }
        uint32_t u = view->node[i];
        int32_t r = g->vertex_region[u];
        c->kinds[ds->entities[g->vertex_entity[u]].kind] = 1;
        if (r >= 0)
            count[r]++;
        else
            c->has_regionless = 1;
    }
    for (uint32_t r = 0; r < R; r++) {
        if (!count[r])
            continue;
        c->shown[c->n_shown++] = (kl_i_counted_t){r, count[r], ds->regions[r].id};
        c->n_other += (uint32_t)kl_viz_region_is_other(&c->dataset, (int32_t)r);
    }
    qsort(c->shown, c->n_shown, sizeof *c->shown, kl_i_cmp_counted);
    free(count);
    return KL_OK;
}

static void colours_destroy(colours_t *c)
{
    kl_viz_colours_free(&c->dataset);
    free(c->shown);
}

static const char *region_colour(const colours_t *c, int32_t r)
{
    return kl_viz_region_colour(&c->dataset, r);
}

/* A labelled actor of a grey region where no cluster names the region:
 * its label ends with the region's name. */
static void other_region_suffix(kl_i_sb_t *b, const colours_t *c, const kl_dataset_t *ds, int32_t r,
                                const kl_viz_options_t *opt, int clustered)
{
    if (opt->fill_by != KL_FILL_REGION || clustered || !kl_viz_region_is_other(&c->dataset, r))
        return;
    kl_i_sb_printf(b, "\\n(");
    kl_i_sb_text(b, ds->regions[r].name, 0, 0, 24);
    kl_i_sb_printf(b, ")");
}

/* ------------------------------------------------------ title and legend */

/* A line of colour swatches, four a line, after the head: running text in
 * one cell, not a table of cells, which Graphviz would stretch to the
 * legend's widest row and scatter across the page. */
typedef struct {
    kl_i_sb_t *b;
    int col;
    const char *head;
} swatches_t;

static void swatches_add(swatches_t *s, const char *colour, const char *text)
{
    if (!s->col)
        kl_i_sb_printf(s->b, "<TR><TD ALIGN=\"LEFT\" BALIGN=\"LEFT\"><B>%s</B>  ", s->head);
    else if (s->col % 4 == 0)
        kl_i_sb_printf(s->b, "<BR ALIGN=\"LEFT\"/>");
    s->col++;
    kl_i_sb_printf(s->b, "<FONT COLOR=\"%s\" POINT-SIZE=\"10\">\u2588\u2588</FONT> ", colour);
    kl_i_sb_text(s->b, text, 1, 0, 40);
    kl_i_sb_printf(s->b, "    ");
}

typedef struct {
    int bridge, articulation, broker, focus, edge_labels, collapsed;
    const kl_i_map_info_t *geo; /* drawn as a map, or NULL */
    kl_i_sb_t map_rows;         /* region maps: rows of their own (brokers, areas, insets) */
} legend_flags_t;

static void legend(kl_i_sb_t *b, const colours_t *c, const kl_dataset_t *ds, const kl_viz_options_t *opt,
                   const legend_flags_t *f)
{
    int map = opt->view == KL_VIEW_REGION_MAP;
    if (!map) {
        kl_i_sb_printf(b, "<TR><TD ALIGN=\"LEFT\"><B>%s</B> ", _("Shape"));
        for (int k = 0; k < KL_KIND_COUNT; k++)
            if (c->kinds[k])
                kl_i_sb_printf(b, "   %s %s", kind_glyph[k], kl_i_kind_word((kl_kind)k));
        kl_i_sb_printf(b, "</TD></TR>");
    }
    swatches_t s = {b, 0, map ? _("Region") : _("Colour")};
    /* a map names its regions beside their circles */
    if (map && f->geo) {
    } else if (opt->fill_by == KL_FILL_KIND && !map) {
        for (int k = 0; k < KL_KIND_COUNT; k++)
            if (c->kinds[k])
                swatches_add(&s, kind_colour[k], kl_i_kind_word((kl_kind)k));
    } else {
        for (uint32_t i = 0; i < c->n_shown; i++)
            if (!kl_viz_region_is_other(&c->dataset, (int32_t)c->shown[i].item))
                swatches_add(&s, region_colour(c, (int32_t)c->shown[i].item), ds->regions[c->shown[i].item].name);
        if (c->n_other) {
            char text[64];
            snprintf(text, sizeof text, kl_trn("%u other region", "%u other regions", c->n_other), c->n_other);
            swatches_add(&s, KL_VIZ_OTHER_REGION_COLOUR, text);
        }
        if (c->has_regionless)
            swatches_add(&s, KL_VIZ_NO_REGION_COLOUR, _("no region"));
    }
    if (s.col)
        kl_i_sb_printf(b, "</TD></TR>");

    kl_i_sb_printf(b, "<TR><TD ALIGN=\"LEFT\"><B>%s</B>  ", _("Size"));
    if (map)
        kl_i_sb_printf(b, "%s", _("circle area: number of actors in the region"));
    else
        kl_i_sb_printf(b, _("node and text size: %s"), metric_name(opt->size_by));
    kl_i_sb_printf(b, "</TD></TR><TR><TD ALIGN=\"LEFT\" BALIGN=\"LEFT\"><B>%s</B>  ", _("Lines"));
    if (map) {
        /* TRANSLATORS: keep <BR ALIGN="LEFT"/> (a line break) where the line
         * should break, about as far in */
        kl_i_sb_printf(b, "%s",
                       _("width: cross-region links (ties between the regions' actors,<BR ALIGN=\"LEFT\"/>plus "
                         "regionless actors tied to both)"));
        if (f->edge_labels)
            /* TRANSLATORS: "Brokers" is the legend's heading of that name */
            kl_i_sb_printf(b, "<BR ALIGN=\"LEFT\"/>%s",
                           _("#k on a line: its main broker (highest irb among the actors on those links), listed "
                             "under Brokers"));
    } else {
        kl_i_sb_printf(b, "%s", _("width: tie weight"));
        if (f->bridge)
            kl_i_sb_printf(b, "<BR ALIGN=\"LEFT\"/><FONT COLOR=\"" BRIDGE_COLOUR "\"><B>\u2501\u2501</B></FONT> %s",
                           /* xgettext:no-c-format */
                           _("a bridge between regions, or whose loss cuts off \u226510% of its component (2+ "
                             "actors)"));
        if (f->articulation)
            kl_i_sb_printf(b, "; %s", _("double border: articulation point"));
    }
    kl_i_sb_printf(b, "</TD></TR>");
    if (!map && (f->broker || f->focus || f->collapsed)) {
        kl_i_sb_printf(b, "<TR><TD ALIGN=\"LEFT\"><B>%s</B>  %s%s%s%s%s</TD></TR>", _("Marks"),
                       f->broker ? _("#k: the k-th broker of the network by inter-regional betweenness") : "",
                       f->broker && f->focus ? "; " : "",
                       f->focus ? (opt->view == KL_VIEW_EGO ? _("thick border: the ego") : _("thick border: path ends"))
                                : "",
                       f->collapsed && (f->broker || f->focus) ? "; " : "",
                       f->collapsed ? _("dashed +N: N actors tied only to the one they hang on") : "");
    }
    if (f->geo) {
        char line1[400], line2[400];
        kl_i_map_describe(&f->geo->map, line1, line2, sizeof line1);
        kl_i_sb_printf(b, "<TR><TD ALIGN=\"LEFT\" BALIGN=\"LEFT\"><B>%s</B>  ", _("Map"));
        kl_i_sb_text(b, line1, 1, 0, 0);
        kl_i_sb_printf(b, "<BR ALIGN=\"LEFT\"/>");
        kl_i_sb_text(b, line2, 1, 0, 0);
        if (f->geo->moved)
            kl_i_sb_printf(b, "<BR ALIGN=\"LEFT\"/>%s",
                           map ? _("a circle moved aside to stay readable is tied to its point (dot) by a thin line")
                               : _("a node moved aside to stay readable is tied to its point (dot) by a thin line"));
        else if (!map)
            kl_i_sb_printf(b, "<BR ALIGN=\"LEFT\"/>%s",
                           _("actors spread around their own point, else their region's (grey name), else the mean "
                             "point of the actors they are tied to"));
        kl_i_sb_printf(b, "</TD></TR>");
    }
    if (f->map_rows.len)
        kl_i_sb_printf(b, "%s", f->map_rows.s);
}

/* The generated subtitle: the view, its counts and time window (HTML). */
static void subtitle(kl_i_sb_t *b, const kl_i_view_t *view, const kl_viz_options_t *opt, int geo)
{
    kl_i_sb_t n1 = {0}, n2 = {0};
    kl_i_sb_printf(b, "%s", "");
    switch (opt->view) {
    case KL_VIEW_EGO:
        kl_i_sb_text(&n1, view->focus_name, 1, 0, 60);
        /* TRANSLATORS: %s is an actor's name */
        kl_i_sb_printf(b, kl_trn("Ego network of %s (%u tie deep)", "Ego network of %s (%u ties deep)", opt->depth),
                       n1.s ? n1.s : "", opt->depth);
        break;
    case KL_VIEW_PATH: {
        char hops[64], paths[64];
        kl_i_sb_text(&n1, view->focus_name, 1, 0, 60);
        kl_i_sb_text(&n2, view->focus_name2, 1, 0, 60);
        snprintf(hops, sizeof hops, kl_trn("%u tie", "%u ties", view->path_hops), view->path_hops);
        snprintf(paths, sizeof paths, kl_trn("%.0f path", "%.0f paths", view->path_count == 1 ? 1 : 2),
                 view->path_count);
        /* TRANSLATORS: two actors' (or regions') names, then "2 ties", "3 paths" */
        kl_i_sb_printf(b, _("Shortest paths between %s and %s: %s, %s"), n1.s ? n1.s : "", n2.s ? n2.s : "", hops,
                       paths);
        break;
    }
    case KL_VIEW_REGION_MAP:
        kl_i_sb_printf(b, "%s",
                       geo ? _("Map of the regions: links between them") : _("Region map: links between regions"));
        break;
    default:
        /* TRANSLATORS: %s is a metric's key: irb, betweenness, pagerank or degree */
        if (geo && view->left_out)
            kl_i_sb_printf(b, _("Map of the %u most central actors by %s"), view->n, metric_key(opt->size_by));
        else if (geo)
            kl_i_sb_printf(b, "%s", _("Map of the whole network"));
        else if (view->left_out)
            kl_i_sb_printf(b, _("The %u most central actors by %s"), view->n, metric_key(opt->size_by));
        else
            kl_i_sb_printf(b, "%s", _("Whole network"));
        break;
    }
    b->failed |= n1.failed | n2.failed;
    free(n1.s);
    free(n2.s);
    char w[96];
    kl_i_window_text(opt, w, sizeof w);
    kl_i_sb_printf(b, " \u00b7 ");
    if (opt->view == KL_VIEW_REGION_MAP)
        kl_i_sb_printf(b, _("%u regions, %u links"), view->n, view->m);
    else
        kl_i_sb_printf(b, _("%u actors, %u ties"), view->n, view->m);
    kl_i_sb_printf(b, " \u00b7 %s", w);
}

#define MAP_TITLE_INDENT 44 /* points left of a map's frame: past its latitude labels */
#define MAP_TITLE_GAP 54    /* points above the frame: over the north arrow */

/* The graph's label (legend, footer) widens the drawing on both sides when
 * it is the wider, which would move the drawing and its title right of the
 * legend: so the title is made at least as wide as the label (both
 * measured).  dot, fdp: the title rows label the frame cluster (body),
 * which Graphviz makes as wide as its label; maps (m): a node pinned above
 * the frame, left of the latitude labels. */
static kl_err place_title(struct kl_viz *v, Agraph_t *body, const kl_i_map_t *m, const char *rows, const char *legend)
{
    const char *table = "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"2\"";
    kl_i_sb_t t = {0};
    double tw = 0, th = 0, lw = 0, lh = 0;
    kl_i_sb_printf(&t, "%s>%s</TABLE>", table, rows);
    kl_err rc = t.failed ? KL_ENOMEM : kl_i_html_size(v->gvc, t.s, &tw, &th);
    if (rc == KL_OK)
        rc = kl_i_html_size(v->gvc, legend, &lw, &lh);
    if (rc == KL_OK && m) {
        rc = kl_i_title_node(v->graph, rows, m->x0 - MAP_TITLE_INDENT, m->y1 + MAP_TITLE_GAP, fmax(tw, lw), th);
    } else if (rc == KL_OK) {
        t.len = 0;
        kl_i_sb_printf(&t, "%s WIDTH=\"%.0f\">%s</TABLE>", table, ceil(fmax(tw, lw)), rows);
        if (t.failed)
            rc = KL_ENOMEM;
        else
            kl_i_set_html(v->graph, body, "label", t.s);
    }
    free(t.s);
    return rc;
}

/* Footer: what was not drawn on a map, so that nothing goes silently. */
static void off_map(kl_i_sb_t *b, const kl_i_view_t *view, const kl_dataset_t *ds, const kl_agraph_t *g,
                    const kl_viz_options_t *opt, const kl_i_map_info_t *geo)
{
    uint32_t off = view->n - view->placed, listed = 0;
    size_t start = b->len;
    if (geo->footer.len)
        kl_i_sb_printf(b, "%s", geo->footer.s);
    if (opt->view == KL_VIEW_REGION_MAP) {
        if (off)
            kl_i_sb_printf(b, "%s%s", b->len > start ? ";<BR ALIGN=\"LEFT\"/>" : "",
                           _("Not on the map (no coordinates): "));
        for (uint32_t i = 0; i < view->n && listed < 12 && off; i++) {
            if (isfinite(view->lat[i]))
                continue;
            kl_i_sb_printf(b, "%s", listed++ ? ", " : "");
            kl_i_sb_text(b, ds->regions[view->node[i]].name, 1, 0, 40);
            kl_i_sb_printf(b, " (");
            kl_i_sb_printf(b, kl_trn("%u actor", "%u actors", view->nactors[i]), view->nactors[i]);
            kl_i_sb_printf(b, ")");
        }
        if (off > listed) {
            kl_i_sb_printf(b, " ");
            kl_i_sb_printf(b, _("and %u more"), off - listed);
        }
        if (geo->links_off) {
            kl_i_sb_printf(b, "; ");
            kl_i_sb_printf(b, kl_trn("%u link to them not drawn", "%u links to them not drawn", geo->links_off),
                           geo->links_off);
        }
        return;
    }
    /* whole view: the regions without a point, then the actors left out */
    uint32_t nregions = 0;
    uint8_t *seen = calloc((size_t)ds->n_regions + 1, 1);
    if (!seen) {
        b->failed = 1;
        return;
    }
    for (uint32_t i = 0; i < view->n; i++) {
        int32_t r = g->vertex_region[view->node[i]];
        if (r < 0 || isfinite(ds->regions[r].lat) || seen[r])
            continue;
        seen[r] = 1;
        if (!nregions++)
            kl_i_sb_printf(b, "%s%s", b->len > start ? "; " : "", _("Regions without coordinates: "));
        if (nregions <= 12) {
            kl_i_sb_printf(b, "%s", nregions > 1 ? ", " : "");
            kl_i_sb_text(b, ds->regions[r].name, 1, 0, 40);
        }
    }
    free(seen);
    if (nregions > 12) {
        kl_i_sb_printf(b, " ");
        kl_i_sb_printf(b, _("and %u more"), nregions - 12);
    }
    if (off) {
        kl_i_sb_printf(b, "%s", b->len > start ? "; " : "");
        kl_i_sb_printf(b,
                       kl_trn("%u actor not on the map (no coordinates of their own, of their region or of an actor "
                              "tied to them)",
                              "%u actors not on the map (no coordinates of their own, of their region or of an actor "
                              "tied to them)",
                              off),
                       off);
    }
}

static void footer_row(kl_i_sb_t *b, const kl_i_view_t *view, const kl_dataset_t *ds, const kl_agraph_t *g,
                       const kl_analysis_t *res, const kl_viz_options_t *opt, const kl_i_map_info_t *geo)
{
    kl_i_footer_start(b, ds, opt);
    if (view->left_out && opt->view == KL_VIEW_REGION_MAP) {
        kl_i_sb_printf(b, " \u00b7 ");
        kl_i_sb_printf(b, kl_trn("%u regionless actor not drawn", "%u regionless actors not drawn", view->left_out),
                       view->left_out);
    } else if (view->left_out) {
        kl_i_sb_printf(b, " \u00b7 ");
        /* TRANSLATORS: --top is an option, %s a metric's key (irb, betweenness, pagerank, degree) */
        kl_i_sb_printf(b,
                       kl_trn("%u more actor left out (--top %u by %s)", "%u more actors left out (--top %u by %s)",
                              view->left_out),
                       view->left_out, opt->top, metric_key(opt->size_by));
    }
    if (view->not_drawn) {
        kl_i_sb_printf(b, " \u00b7 ");
        kl_i_sb_printf(b, kl_trn("%u actor not drawn: --max-nodes %u", "%u actors not drawn: --max-nodes %u",
                                 view->not_drawn),
                       view->not_drawn, view->max_nodes);
    }
    kl_i_sb_printf(b, " \u00b7 ");
    if (res->options.samples)
        kl_i_sb_printf(b, _("centralities estimated from %u sampled sources"), res->options.samples);
    else if (res->options.epsilon > 0)
        kl_i_sb_printf(b, _("betweenness and irb estimated from sampled shortest paths (epsilon %g)"),
                       res->options.epsilon);
    if (res->options.samples || res->options.epsilon > 0)
        kl_i_sb_printf(b, " \u00b7 ");
    kl_i_sb_printf(b, "%s</FONT></TD></TR>", _("drawn by kluster"));
    if (geo) {
        /* a row of its own: what a map leaves out */
        size_t mark = b->len;
        kl_i_sb_printf(b, "<TR><TD ALIGN=\"LEFT\" BALIGN=\"LEFT\"><FONT POINT-SIZE=\"10\" COLOR=\"#555555\">");
        size_t start = b->len;
        off_map(b, view, ds, g, opt, geo);
        if (b->len == start && !b->failed)
            b->len = mark, b->s[mark] = '\0';
        else
            kl_i_sb_printf(b, "</FONT></TD></TR>");
    }
}

/* ------------------------------------------------------------------ build */

/* An actor's label: its broker rank and name, escaped and wrapped. */
static void actor_label(kl_i_sb_t *b, const char *name, uint32_t rank)
{
    b->len = 0;
    if (rank)
        kl_i_sb_printf(b, "#%u ", rank);
    kl_i_sb_text(b, name, 0, 20, 64);
}

/* Maps: the size Graphviz will give each actor (estimated from its label,
 * as build_actors sets it up), then the places of the actors around their
 * points (map.c).  b[i] is view node i. */
static kl_err place_actors(Agraph_t *root, const kl_i_view_t *view, const kl_dataset_t *ds, const kl_agraph_t *g,
                           const kl_analysis_t *res, const kl_viz_options_t *opt, const colours_t *c,
                           const kl_i_order_t *o, double mx,
                           kl_geo_box_t *b, kl_i_map_info_t *info)
{
    uint32_t *order = malloc(((size_t)view->n + 1) * sizeof *order);
    kl_i_sb_t lb = {0};
    kl_err rc = KL_ENOMEM;
    if (!order)
        goto cleanup;
    for (uint32_t i = 0; i < view->n; i++) {
        uint32_t u = view->node[i];
        const kl_entity_t *ent = &ds->entities[g->vertex_entity[u]];
        double s = mx > 0 ? sqrt(kl_i_metric(res, opt->size_by, u) / mx) : 0;
        double w = 72 * (0.1 + 0.4 * s), h = w;
        if (view->labelled[i]) {
            double tw, th, f = ent->kind == KL_KIND_ORGANISATION ? 1.0 : 1.42; /* ellipses, polygons: wider */
            actor_label(&lb, view->name[i], view->broker[i]);
            other_region_suffix(&lb, c, ds, g->vertex_region[u], opt, 0);
            if (lb.failed)
                goto cleanup;
            kl_i_map_text_size(lb.s, 9 + 9 * s, &tw, &th);
            w = fmax(72 * (0.3 + 1.2 * s), f * tw + 2 * 0.06 * 72);
            h = fmax(72 * (0.25 + 0.5 * s), f * th + 2 * 0.03 * 72);
        }
        b[i] = (kl_geo_box_t){NAN, NAN, w, h, NAN, NAN, 0};
        order[i] = o[i].i;
    }
    rc = kl_i_map_actors(root, view, ds, g, b, order, info);
cleanup:
    free(order);
    free(lb.s);
    return rc;
}

/* The cluster cl of opt->group (a region, community or kind) in body,
 * labelled and tinted; b is scratch.  NULL when out of memory. */
static Agraph_t *actor_cluster(Agraph_t *body, int32_t cl, const kl_dataset_t *ds, const kl_viz_options_t *opt,
                               const colours_t *c, kl_i_sb_t *b)
{
    char name[32], fill[8];
    const char *base = "#BBBBBB";
    snprintf(name, sizeof name, "cluster_%c%d",
             opt->group == KL_GROUP_REGION ? 'r' : opt->group == KL_GROUP_COMMUNITY ? 'c' : 'k', cl);
    Agraph_t *sub = agsubg(body, name, 1);
    if (!sub)
        return NULL;
    b->len = 0;
    if (opt->group == KL_GROUP_REGION) {
        kl_i_sb_text(b, ds->regions[cl].name, 0, 28, 90);
        if (opt->fill_by == KL_FILL_REGION)
            base = region_colour(c, cl);
    } else if (opt->group == KL_GROUP_COMMUNITY) {
        kl_i_sb_printf(b, _("community %d"), cl);
    } else {
        kl_i_sb_printf(b, "%s", kl_i_kind_cluster((kl_kind)cl));
    }
    if (b->failed)
        return NULL;
    tint(base, 0.86, fill);
    kl_i_set(sub, "label", b->s);
    kl_i_set(sub, "style", "filled,rounded");
    kl_i_set(sub, "fillcolor", fill);
    kl_i_set(sub, "color", base);
    kl_i_set(sub, "fontsize", "13");
    return sub;
}

/* Actor i of the view: shape by kind, fill by region or kind, size by the
 * metric (s: its square root scaled to 0..1), named or a dot. */
static void style_actor(Agnode_t *nd, const kl_i_view_t *view, uint32_t i, const kl_dataset_t *ds,
                        const kl_agraph_t *g, const kl_analysis_t *res, const kl_viz_options_t *opt,
                        const colours_t *c, double s, int clustered, kl_i_sb_t *b, legend_flags_t *flags)
{
    uint32_t u = view->node[i];
    const kl_entity_t *ent = &ds->entities[g->vertex_entity[u]];
    const char *fill = opt->fill_by == KL_FILL_KIND ? kind_colour[ent->kind] : region_colour(c, g->vertex_region[u]);
    kl_i_set(nd, "shape", kind_shape[ent->kind]);
    kl_i_set(nd, "style", ent->kind == KL_KIND_ORGANISATION ? "filled,rounded" : "filled");
    kl_i_set(nd, "fillcolor", fill);
    kl_i_set(nd, "fontcolor", kl_i_text_on(fill));
    if (kl_i_name_actor(nd, ds, g, u, b) != 0)
        return;
    if (view->labelled[i]) {
        actor_label(b, view->name[i], view->broker[i]);
        other_region_suffix(b, c, ds, g->vertex_region[u], opt, clustered);
        kl_i_set(nd, "label", b->failed ? "" : b->s);
        kl_i_setf(nd, "fontsize", "%.1f", 9 + 9 * s);
        kl_i_setf(nd, "width", "%.2f", 0.3 + 1.2 * s);
        kl_i_setf(nd, "height", "%.2f", 0.25 + 0.5 * s);
    } else {
        kl_i_set(nd, "label", "");
        kl_i_set(nd, "fixedsize", "true");
        kl_i_setf(nd, "width", "%.2f", 0.1 + 0.4 * s);
        kl_i_setf(nd, "height", "%.2f", 0.1 + 0.4 * s);
    }
    if (res->articulation[u]) {
        kl_i_set(nd, "peripheries", "2");
        flags->articulation = 1;
    }
    if (view->focus[i]) {
        kl_i_set(nd, "penwidth", "3.5");
        flags->focus = 1;
    }
    if (view->broker[i])
        flags->broker = 1;
}

#define GROUP_TOOLTIP_NAMES 12 /* a collapsed node's tooltip names this many of its actors */

/* The collapsed leaves: per group a small node of its kind's shape,
 * "+142 projects", tied to its hub by one line as wide as the count
 * warrants, with a tooltip naming what it stands for. */
static kl_err draw_groups(Agraph_t *root, Agraph_t *body, const kl_i_view_t *view, const kl_dataset_t *ds,
                          const kl_agraph_t *g, Agnode_t *const *nodes, kl_i_sb_t *b, legend_flags_t *flags)
{
    for (uint32_t k = 0; k < view->n_groups; k++) {
        const kl_i_group_t *gr = &view->group[k];
        Agnode_t *hub = nodes[gr->hub];
        if (!hub)
            continue;
        char id[40];
        snprintf(id, sizeof id, "g%uk%d", view->node[gr->hub], (int)gr->kind);
        Agnode_t *nd = agnode(body, id, 1);
        Agedge_t *ed = nd ? agedge(root, hub, nd, NULL, 1) : NULL;
        if (!ed)
            return KL_ENOMEM;
        b->len = 0;
        kl_i_sb_printf(b, "+%u %s", gr->count, kl_i_kind_plural(gr->kind));
        kl_i_set(nd, "label", b->s ? b->s : "");
        kl_i_set(nd, "shape", kind_shape[gr->kind]);
        kl_i_set(nd, "style", gr->kind == KL_KIND_ORGANISATION ? "filled,dashed,rounded" : "filled,dashed");
        kl_i_set(nd, "fillcolor", "#F4F4F4");
        kl_i_set(nd, "color", "#777777");
        kl_i_set(nd, "fontcolor", "#333333");
        kl_i_set(nd, "fontsize", "10");
        kl_i_set(nd, "height", "0.3");
        b->len = 0;
        kl_i_sb_t hub_name = {0};
        kl_i_sb_text(&hub_name, view->name[gr->hub], 0, 0, 64);
        /* TRANSLATORS: "142 projects whose only tie here is to NTNU, drawn as
         * one node: " and a list of names follows */
        kl_i_sb_printf(b, _("%u %s whose only tie here is to %s, drawn as one node: "), gr->count,
                       kl_i_kind_plural(gr->kind), hub_name.s ? hub_name.s : "");
        b->failed |= hub_name.failed;
        free(hub_name.s);
        for (uint32_t j = 0; j < gr->count && j < GROUP_TOOLTIP_NAMES; j++) {
            kl_i_sb_printf(b, "%s", j ? ", " : "");
            kl_i_sb_text(b, ds->entities[g->vertex_entity[view->member[gr->first + j]]].name, 0, 0, 48);
        }
        if (gr->count > GROUP_TOOLTIP_NAMES) {
            kl_i_sb_printf(b, " ");
            kl_i_sb_printf(b, _("and %u more"), gr->count - GROUP_TOOLTIP_NAMES);
        }
        if (b->failed)
            return KL_ENOMEM;
        kl_i_set(nd, "tooltip", b->s);
        kl_i_set(ed, "color", "#A6A6A6");
        kl_i_setf(ed, "penwidth", "%.2f", fmin(8, 0.8 + 0.6 * sqrt(gr->count)));
        flags->collapsed = 1;
    }
    return KL_OK;
}

/* The ties among the drawn actors: width by weight, bridges that matter in
 * vermillion. */
static kl_err draw_ties(Agraph_t *root, const kl_i_view_t *view, Agnode_t *const *nodes, legend_flags_t *flags)
{
    double wmax = 0;
    for (uint32_t e = 0; e < view->m; e++)
        if (view->ew[e] > wmax)
            wmax = view->ew[e];
    for (uint32_t e = 0; e < view->m; e++) {
        if (!nodes[view->eu[e]] || !nodes[view->ev[e]])
            continue; /* an end not on the map */
        Agedge_t *ed = agedge(root, nodes[view->eu[e]], nodes[view->ev[e]], NULL, 1);
        if (!ed)
            return KL_ENOMEM;
        double w = wmax > 0 ? view->ew[e] / wmax : 1;
        if (view->ebridge[e]) {
            kl_i_set(ed, "color", BRIDGE_COLOUR);
            kl_i_setf(ed, "penwidth", "%.2f", 1.8 + 2 * w);
            flags->bridge = 1;
        } else {
            kl_i_setf(ed, "penwidth", "%.2f", 0.8 + 2 * w);
        }
    }
    return KL_OK;
}

static kl_err build_actors(Agraph_t *root, Agraph_t *body, const kl_i_view_t *view, const kl_dataset_t *ds,
                           const kl_agraph_t *g, const kl_analysis_t *res, const kl_viz_options_t *opt,
                           const colours_t *c, legend_flags_t *flags)
{
    kl_i_order_t *o = malloc(((size_t)view->n + 1) * sizeof *o);
    Agnode_t **nodes = calloc((size_t)view->n + 1, sizeof *nodes);
    Agraph_t **clusters = NULL;
    uint32_t n_clusters = 0;
    kl_i_map_info_t *geo = (kl_i_map_info_t *)flags->geo;
    kl_geo_box_t *place = geo ? calloc((size_t)view->n + 1, sizeof *place) : NULL;
    kl_err rc = KL_ENOMEM;
    kl_i_sb_t b = {0};
    if (!o || !nodes || (geo && !place))
        goto cleanup;

    double mx = 0;
    for (uint32_t i = 0; i < view->n; i++) {
        double x = kl_i_metric(res, opt->size_by, view->node[i]);
        o[i] = (kl_i_order_t){x, res->rank[view->node[i]], i};
        if (x > mx)
            mx = x;
    }
    qsort(o, view->n, sizeof *o, kl_i_cmp_order);

    /* a map pins the actors near their points, and has no clusters */
    if (geo && (rc = place_actors(root, view, ds, g, res, opt, c, o, mx, place, geo)) != KL_OK)
        goto cleanup;
    rc = KL_ENOMEM;
    /* only dot and fdp draw clusters: neato would draw boxes that overlap
     * and miss their nodes.  A star or a dense view is clearest with
     * straight lines, not splines looping round the nodes, and compact
     * when the overlaps are removed from the layout as it is: Graphviz
     * first scales it by four label sizes, which leaves a star mostly
     * empty and half as legible on a page */
    const char *layout = agget(root, "layout");
    int clustered = layout && (strcmp(layout, "dot") == 0 || strcmp(layout, "fdp") == 0);
    if (layout && strcmp(layout, "neato") == 0 && (opt->view == KL_VIEW_EGO || view->m >= 3ull * view->n)) {
        kl_i_set(root, "splines", "false");
        kl_i_set(root, "overlap_scaling", "0");
    }
    kl_viz_group group = geo || !clustered ? KL_GROUP_NONE : opt->group;
    if (group == KL_GROUP_REGION)
        n_clusters = ds->n_regions;
    else if (group == KL_GROUP_COMMUNITY)
        n_clusters = res->communities;
    else if (group == KL_GROUP_KIND)
        n_clusters = KL_KIND_COUNT;
    clusters = calloc((size_t)n_clusters + 1, sizeof *clusters);
    if (!clusters)
        goto cleanup;

    for (uint32_t i = 0; i < view->n; i++) {
        uint32_t u = view->node[i];
        int32_t cl = -1;
        if (geo && !isfinite(place[i].x))
            continue;
        if (group == KL_GROUP_REGION)
            cl = g->vertex_region[u];
        else if (group == KL_GROUP_COMMUNITY)
            cl = (int32_t)res->community[u];
        else if (group == KL_GROUP_KIND)
            cl = (int32_t)ds->entities[g->vertex_entity[u]].kind;
        Agraph_t *parent = body;
        if (cl >= 0) {
            if (!clusters[cl] && !(clusters[cl] = actor_cluster(body, cl, ds, opt, c, &b)))
                goto cleanup;
            parent = clusters[cl];
        }
        char id[24];
        snprintf(id, sizeof id, "n%u", u);
        Agnode_t *nd = agnode(parent, id, 1);
        if (!nd)
            goto cleanup;
        nodes[i] = nd;
        if (geo)
            kl_i_map_pin(nd, place[i].x, place[i].y);
        style_actor(nd, view, i, ds, g, res, opt, c, mx > 0 ? sqrt(kl_i_metric(res, opt->size_by, u) / mx) : 0,
                    group == KL_GROUP_REGION, &b, flags);
        if (b.failed)
            goto cleanup;
    }
    if ((rc = draw_ties(root, view, nodes, flags)) != KL_OK ||
        (rc = draw_groups(root, body, view, ds, g, nodes, &b, flags)) != KL_OK)
        goto cleanup;
    rc = KL_OK;
cleanup:
    free(o);
    free(nodes);
    free(clusters);
    free(place);
    free(b.s);
    return rc;
}

#define MAP_EDGE_LABELS 24 /* region maps mark at most this many edges: the heaviest */
#define REGION_DMAX_IN 2.6 /* inches: the circle of the region with most actors */

/* The region map without a map: circles whose areas are the regions'
 * actors (fixed sizes, the names beside them), links marked "#k" with
 * their main broker, who is named once in the legend. */
static kl_err build_region_map(Agraph_t *root, Agraph_t *body, const kl_i_view_t *view, const kl_dataset_t *ds,
                               const kl_agraph_t *g, const kl_analysis_t *res, const colours_t *c,
                               legend_flags_t *flags)
{
    Agnode_t **nodes = calloc((size_t)view->n + 1, sizeof *nodes);
    kl_i_order_t *o = malloc(((size_t)view->m + 1) * sizeof *o);
    uint32_t *mark = calloc((size_t)view->m + 1, sizeof *mark);
    int64_t *brokers = calloc((size_t)view->m + 1, sizeof *brokers);
    double *d = calloc((size_t)view->n + 1, sizeof *d);
    uint32_t n_brokers = 0;
    kl_err rc = KL_ENOMEM;
    kl_i_sb_t b = {0};
    if (!nodes || !o || !mark || !brokers || !d)
        goto cleanup;
    double amax = 0, wmax = 0;
    for (uint32_t i = 0; i < view->n; i++)
        if (view->nactors[i] > amax)
            amax = view->nactors[i];
    for (uint32_t e = 0; e < view->m; e++) {
        o[e] = (kl_i_order_t){view->ew[e], e, e};
        if (view->ew[e] > wmax)
            wmax = view->ew[e];
    }
    qsort(o, view->m, sizeof *o, kl_i_cmp_order);
    for (uint32_t i = 0; i < view->m && i < MAP_EDGE_LABELS; i++)
        mark[o[i].i] = 1;
    if (kl_i_region_brokers(view, res, mark, brokers, &n_brokers) != KL_OK)
        goto cleanup;
    for (uint32_t i = 0; i < view->n; i++) {
        uint32_t r = view->node[i];
        char id[24];
        snprintf(id, sizeof id, "r%u", r);
        Agnode_t *nd = agnode(body, id, 1);
        if (!nd)
            goto cleanup;
        nodes[i] = nd;
        /* areas in proportion to the actors, with no floor */
        d[i] = amax > 0 ? REGION_DMAX_IN * sqrt(view->nactors[i] / amax) : REGION_DMAX_IN;
        b.len = 0;
        kl_i_sb_text(&b, ds->regions[r].name, 0, 16, 60);
        kl_i_sb_printf(&b, "\\n");
        kl_i_sb_printf(&b, kl_trn("%u actor", "%u actors", view->nactors[i]), view->nactors[i]);
        if (b.failed)
            goto cleanup;
        kl_i_set(nd, "label", "");
        kl_i_set(nd, "xlabel", b.s);
        kl_i_set(nd, "fontsize", "11");
        kl_i_set(nd, "fontcolor", "#222222");
        /* a point: Graphviz keeps its size exact, where it rounds a
         * circle's diameter to whole points */
        kl_i_set(nd, "shape", "point");
        kl_i_set(nd, "fillcolor", region_colour(c, (int32_t)r));
        kl_i_setf(nd, "width", "%.4f", d[i]);
        if (kl_i_name_region(nd, ds, r, view->nactors[i], &b) != 0)
            goto cleanup;
    }
    for (uint32_t e = 0; e < view->m; e++) {
        Agedge_t *ed = kl_i_region_link(root, nodes[view->eu[e]], nodes[view->ev[e]], view->ew[e], wmax);
        if (!ed)
            goto cleanup;
        /* neato's len is centre to centre: the circles, and room for the
         * names beside them */
        kl_i_setf(ed, "len", "%.2f", (d[view->eu[e]] + d[view->ev[e]]) / 2 + 1.6);
        b.len = 0;
        kl_i_sb_printf(&b, mark[e] ? "#%u" : "", mark[e]);
        if (b.failed)
            goto cleanup;
        kl_i_set(ed, "label", b.s);
        if (mark[e]) {
            kl_i_set(ed, "fontsize", "10");
            kl_i_set(ed, "fontname", "Helvetica-Bold");
            flags->edge_labels = 1;
        }
    }
    kl_i_broker_rows(&flags->map_rows, ds, g, brokers, n_brokers);
    rc = flags->map_rows.failed ? KL_ENOMEM : KL_OK;
cleanup:
    free(nodes);
    free(o);
    free(mark);
    free(brokers);
    free(d);
    free(b.s);
    return rc;
}

kl_err kl_i_dot_build(struct kl_viz *v, const kl_i_view_t *view, const kl_dataset_t *ds, const kl_agraph_t *g,
                      const kl_analysis_t *res, kl_error_t *err)
{
    const kl_viz_options_t *opt = &v->opt;
    int map = opt->view == KL_VIEW_REGION_MAP;
    kl_viz_layout layout = v->info.layout;
    /* the title goes top left: dot and fdp draw clusters, so a frame
     * cluster around the drawing carries it, legend and footer below; a map
     * pins it above its frame, legend and footer below; neato, sfdp and
     * circo make no room for cluster labels, so the graph's one label goes
     * on top and carries title, legend and footer */
    int framed = layout == KL_LAYOUT_DOT || layout == KL_LAYOUT_FDP;
    int label_on_top = !framed && !v->geo;
    colours_t c;
    legend_flags_t flags = {0};
    kl_i_map_info_t geo;
    const char **fill = NULL;
    kl_i_sb_t b = {0}, sub = {0}, rows = {0};
    memset(&geo, 0, sizeof geo);
    flags.geo = v->geo ? &geo : NULL;
    kl_err rc = colours_init(&c, view, ds, g, map);
    if (rc != KL_OK)
        goto cleanup;
    rc = KL_ENOMEM;
    Agraph_t *root = agopen("kluster", Agundirected, &kl_i_agdisc);
    if (!root)
        goto cleanup;
    v->graph = root;
    kl_i_set(root, "layout", kl_viz_layout_name(layout));
    kl_i_set(root, "fontname", FONT);
    kl_i_set(root, "bgcolor", "white");
    kl_i_set(root, "pad", "0.3");
    kl_i_set(root, "outputorder", "edgesfirst");
    kl_i_set(root, "labeljust", "l");
    kl_i_set(root, "labelloc", label_on_top ? "t" : "b");
    switch (layout) {
    case KL_LAYOUT_DOT:
        /* left to right: components stack up, a page's portrait shape */
        kl_i_set(root, "rankdir", "LR");
        kl_i_set(root, "nodesep", "0.25");
        kl_i_set(root, "ranksep", "0.5");
        kl_i_set(root, "newrank", "true");
        break;
    case KL_LAYOUT_CIRCO: kl_i_set(root, "mindist", "0.6"); break;
    case KL_LAYOUT_NOP:
        /* a map: every node pinned, straight lines, every label drawn */
        kl_i_set(root, "splines", "false");
        kl_i_set(root, "forcelabels", "true");
        break;
    case KL_LAYOUT_SFDP:
        kl_i_set(root, "overlap", "prism");
        kl_i_set(root, "splines", "false");
        kl_i_set(root, "outputorder", "edgesfirst");
        break;
    default:
        kl_i_set(root, "overlap", map ? "scale" : "prism");
        kl_i_set(root, "sep", "+8");
        /* spline routing around nodes costs O(n^2) and more: 30 s at 300 nodes */
        kl_i_set(root, "splines", view->n <= 60 && view->m <= 150 ? "true" : "false");
        kl_i_set(root, "start", "1");
        break;
    }
    agattr(root, AGNODE, "fontname", FONT);
    agattr(root, AGNODE, "color", "#333333");
    agattr(root, AGNODE, "penwidth", "1");
    agattr(root, AGNODE, "margin", "0.06,0.03");
    agattr(root, AGEDGE, "color", "#7F7F7F");
    agattr(root, AGEDGE, "fontname", FONT);
    agattr(root, AGEDGE, "fontsize", "9");
    agattr(root, AGEDGE, "fontcolor", "#333333");

    subtitle(&sub, view, opt, v->geo);
    int title_rows = kl_i_title_rows(&rows, ds, opt, sub.s ? sub.s : "");
    if (sub.failed || rows.failed)
        goto cleanup;
    Agraph_t *body = root;
    if (framed) {
        body = agsubg(root, "cluster_frame", 1);
        if (!body)
            goto cleanup;
        kl_i_set(body, "peripheries", "0");
        kl_i_set(body, "labelloc", "t");
        kl_i_set(body, "labeljust", "l");
    }
    if (map && v->geo) {
        if (!(fill = malloc(((size_t)view->n + 1) * sizeof *fill)))
            goto cleanup;
        for (uint32_t i = 0; i < view->n; i++)
            fill[i] = region_colour(&c, (int32_t)view->node[i]);
        rc = kl_i_map_regions(root, view, ds, g, res, opt, fill, &geo);
        flags.edge_labels = geo.edge_labels;
        flags.map_rows = geo.legend;
        memset(&geo.legend, 0, sizeof geo.legend);
    } else {
        rc = map ? build_region_map(root, body, view, ds, g, res, &c, &flags)
                 : build_actors(root, body, view, ds, g, res, opt, &c, &flags);
    }
    if (rc != KL_OK)
        goto cleanup;
    rc = KL_ENOMEM;
    b.len = 0;
    kl_i_sb_printf(&b, "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"2\">%s",
                   label_on_top ? rows.s : "");
    legend(&b, &c, ds, opt, &flags);
    footer_row(&b, view, ds, g, res, opt, flags.geo);
    kl_i_sb_printf(&b, "</TABLE>");
    if (b.failed)
        goto cleanup;
    kl_i_set_html(root, root, "label", b.s);
    if (title_rows && !label_on_top && (rc = place_title(v, body, v->geo ? &geo.map : NULL, rows.s, b.s)) != KL_OK)
        goto cleanup;
    rc = KL_OK;
cleanup:
    if (rc == KL_ENOMEM)
        kl_error_set(err, KL_ENOMEM, "", 0, 0, "out of memory");
    colours_destroy(&c);
    kl_i_map_info_destroy(&geo);
    free(flags.map_rows.s);
    free(fill);
    free(b.s);
    free(sub.s);
    free(rows.s);
    return rc;
}
