/* viz/viz_internal.h - what the files of viz/ share: the selected view (which
 * actors or regions, which links) and the diagram object around Graphviz. */
#ifndef KL_VIZ_INTERNAL_H
#define KL_VIZ_INTERNAL_H

#include "viz.h"

#include <cgraph.h>
#include <gvc.h>

/* A view: nodes (actor vertices, or region indices for the region map) and
 * the edges between them, in a fixed order (nodes by actor/region id, edges
 * by node pair). */
typedef struct {
    uint32_t n, m;
    uint32_t *node;     /* vertex of g, or region index (region map) */
    uint8_t *focus;     /* 1: the ego, or a path endpoint */
    uint32_t *eu, *ev;  /* edge endpoints as node positions, eu < ev */
    double *ew;         /* tie weight, or number of cross-region links */
    uint8_t *ebridge;   /* 1: the tie is a bridge of the analysis graph */
    int64_t *ebroker;   /* region map: main broker's vertex, or -1 */
    uint32_t *nactors;  /* region map: actors per region */
    uint32_t left_out;  /* actors of the graph not drawn */
    uint32_t path_hops; /* path view: length of the shortest paths */
    double path_count;  /* path view: number of shortest paths */
    const char *focus_name, *focus_name2; /* ego / path endpoints, for the title */
} kl_i_view_t;

/* Select the view of opt (view.c).  On error v is destroyed. */
kl_err kl_i_view_select(kl_i_view_t *v, const kl_dataset_t *ds, const kl_agraph_t *g, const kl_analysis_t *res,
                        const kl_viz_options_t *opt, kl_error_t *err);
void kl_i_view_destroy(kl_i_view_t *v);

/* The metric nodes are sized by, for vertex u. */
double kl_i_metric(const kl_analysis_t *res, kl_viz_size by, uint32_t u);

struct kl_viz {
    GVC_t *gvc;
    Agraph_t *graph;
    kl_viz_options_t opt;
    kl_viz_info_t info;
};

/* Build v->graph from a view (dot.c). */
kl_err kl_i_dot_build(struct kl_viz *v, const kl_i_view_t *view, const kl_dataset_t *ds, const kl_agraph_t *g,
                      const kl_analysis_t *res, kl_error_t *err);

/* Graphviz's messages, captured (render.c): start capturing into a fresh
 * buffer; the text of the first error since then ("" when none). */
void kl_i_gv_capture(void);
const char *kl_i_gv_message(void);

/* cgraph discipline giving objects ids in creation order (render.c). */
extern Agdisc_t kl_i_agdisc;

/* Wall clock in seconds. */
double kl_i_viz_now(void);

#endif
