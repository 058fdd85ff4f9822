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

kl_err kl_viz_check_size(kl_viz_layout layout, kl_viz_view view, uint32_t n, uint32_t m, kl_error_t *err)
{
    uint32_t max_n, max_m;
    if (view == KL_VIEW_HEATMAP)
        return KL_OK; /* one table; kl_viz_build caps its regions */
    switch (layout) {
    case KL_LAYOUT_DOT:
    case KL_LAYOUT_CIRCO: max_n = 1500, max_m = 4000; break;
    case KL_LAYOUT_NEATO:
    case KL_LAYOUT_FDP: max_n = 2500, max_m = 10000; break;
    default: max_n = 25000, max_m = 100000; break; /* sfdp; nop only draws */
    }
    if (n <= max_n && m <= max_m)
        return KL_OK;
    const char *what = view == KL_VIEW_REGION_MAP ? "regions" : "actors";
    return kl_error_set(err, KL_ELIMIT, "", 0, 0,
                        "the view has %u %s and %u ties, too many to lay out with %s in reasonable time (limit %u "
                        "and %u); draw part of it with --top N, --ego ID or --region-map",
                        n, what, m, kl_viz_layout_name(layout), max_n, max_m);
}
