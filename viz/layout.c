/* viz/layout.c - which Graphviz layout draws a view, and how big a view
 * each layout can draw in reasonable time. */
#include "viz_internal.h"

const char *kl_viz_layout_name(kl_viz_layout layout)
{
    static const char *const names[] = {NULL, "dot", "neato", "fdp", "sfdp", "circo", "nop"};
    return (unsigned)layout < sizeof names / sizeof *names ? names[layout] : NULL;
}

kl_viz_layout kl_viz_layout_for(kl_viz_layout layout, kl_viz_view view, uint32_t n, uint32_t m)
{
    if (layout != KL_LAYOUT_AUTO)
        return layout;
    if (view == KL_VIEW_REGION_MAP)
        return n <= 2 ? KL_LAYOUT_DOT : KL_LAYOUT_NEATO;
    /* an ego network is a star: drawn round its centre, not as a column of
     * neighbours; a dense view in dot's layers is a tangle of long splines */
    int star_or_dense = view == KL_VIEW_EGO || (uint64_t)m >= 3ull * n;
    if (n <= 150 && !star_or_dense)
        return KL_LAYOUT_DOT; /* clusters, few crossings, components stacked */
    if (n <= 600)
        return KL_LAYOUT_NEATO;
    return KL_LAYOUT_SFDP;
}

/* The budget of a layout: nodes and edges it lays out in about 10 s. */
static void budget(kl_viz_layout layout, uint32_t *max_n, uint32_t *max_m)
{
    switch (layout) {
    case KL_LAYOUT_DOT:
    case KL_LAYOUT_CIRCO: *max_n = 1500, *max_m = 4000; break;
    case KL_LAYOUT_NEATO:
    case KL_LAYOUT_FDP: *max_n = 2500, *max_m = 10000; break;
    default: *max_n = 25000, *max_m = 100000; break; /* sfdp; nop only draws */
    }
}

/* The refusal: the size, the budget, and the options that raise the budget
 * (another layout) or draw less. */
static kl_err check(kl_viz_layout layout, kl_viz_view view, uint32_t n, uint64_t m, int exact, kl_error_t *err)
{
    uint32_t max_n, max_m, big_n, big_m;
    budget(layout, &max_n, &max_m);
    if (n <= max_n && m <= max_m)
        return KL_OK;
    budget(KL_LAYOUT_SFDP, &big_n, &big_m);
    int region_map = view == KL_VIEW_REGION_MAP;
    const char *nodes = region_map ? "regions" : "actors", *edges = region_map ? "region pairs" : "ties";
    char how[64], raise[96] = "";
    if (layout == KL_LAYOUT_NOP)
        snprintf(how, sizeof how, "draw as a map");
    else
        snprintf(how, sizeof how, "lay out with %s", kl_viz_layout_name(layout));
    if (layout != KL_LAYOUT_NOP && layout != KL_LAYOUT_SFDP && n <= big_n && m <= big_m)
        snprintf(raise, sizeof raise, "; --layout sfdp raises the limit to %u and %u", big_n, big_m);
    return kl_error_set(err, KL_ELIMIT, "", 0, 0,
                        "the %s has %u %s and %s%llu %s, too many to %s in reasonable time (limit %u %s and %u "
                        "%s)%s; %s",
                        region_map ? "region map" : "view", n, nodes, exact ? "" : "at least ",
                        (unsigned long long)m, edges, how, max_n, nodes, max_m, edges, raise,
                        region_map ? "draw the region pairs as a matrix with --heatmap"
                                   : "draw part of it with --top N, --max-nodes N, --ego ID or --region-map");
}

kl_err kl_viz_check_size(kl_viz_layout layout, kl_viz_view view, uint32_t n, uint32_t m, kl_error_t *err)
{
    if (view == KL_VIEW_HEATMAP)
        return KL_OK; /* one table; kl_viz_build caps its regions */
    return check(layout, view, n, m, 1, err);
}

kl_viz_layout kl_i_viz_layout(const kl_dataset_t *ds, const kl_agraph_t *g, const kl_viz_options_t *opt, uint32_t n,
                              uint64_t m)
{
    if (opt->geo == KL_GEO_ON ||
        (opt->geo == KL_GEO_AUTO && opt->view == KL_VIEW_REGION_MAP && kl_viz_region_map_is_geo(ds, g)))
        return KL_LAYOUT_NOP;
    return kl_viz_layout_for(opt->layout, opt->view, n, m > UINT32_MAX ? UINT32_MAX : (uint32_t)m);
}

kl_err kl_viz_check_view(const kl_dataset_t *ds, const kl_agraph_t *g, const kl_viz_options_t *opt, kl_error_t *err)
{
    kl_i_size_t size = {g->n, g->csr.m, 1};
    if (opt->view == KL_VIEW_REGION_MAP) {
        uint32_t max_n, max_m;
        budget(KL_LAYOUT_SFDP, &max_n, &max_m); /* the largest: counting stops past it */
        if (kl_i_region_map_size(ds, g, max_m, &size) != KL_OK)
            return kl_error_set(err, KL_ENOMEM, "", 0, 0, "out of memory");
    } else if (opt->view != KL_VIEW_WHOLE || opt->top || opt->max_nodes) {
        return KL_OK; /* known once selected: kl_viz_build checks it */
    }
    return check(kl_i_viz_layout(ds, g, opt, size.n, size.m), opt->view, size.n, size.m, size.exact, err);
}
