/* viz/viz_internal.h - what the files of viz/ share: the selected view (which
 * actors or regions, which links) and the diagram object around Graphviz. */
#ifndef KL_VIZ_INTERNAL_H
#define KL_VIZ_INTERNAL_H

#include "viz.h"

#include "../i18n/i18n.h"

#include <cgraph.h>
#include <gvc.h>

/* Leaves of a hub drawn as one node: the actors of one kind whose only tie
 * in the view is to the hub and that would carry no label ("+142 projects"). */
typedef struct {
    uint32_t hub;     /* node position of the hub */
    kl_kind kind;
    uint32_t count;   /* actors it stands for */
    uint32_t first;   /* their vertices: member[first .. first + count), most central first */
} kl_i_group_t;

/* A view: nodes (actor vertices, or region indices for the region map) and
 * the edges between them, in a fixed order (nodes by actor/region id, edges
 * by node pair).  Actor views also say how each node is drawn (broker,
 * labelled, name) and which actors are drawn as groups or not at all. */
typedef struct {
    uint32_t n, m;
    uint32_t *node;     /* vertex of g, or region index (region map) */
    uint8_t *focus;     /* 1: the ego, or a path endpoint */
    uint32_t *eu, *ev;  /* edge endpoints as node positions, eu < ev */
    double *ew;         /* tie weight, or number of cross-region links */
    uint8_t *ebridge;   /* 1: the tie is a bridge that matters (kl_viz_build: between
                           regions, or cutting off a share of its component) */
    int64_t *ebroker;   /* region map: main broker's vertex, or -1 */
    uint32_t *nactors;  /* region map: actors per region */
    uint32_t left_out;  /* actors of the graph not drawn */
    uint32_t path_hops; /* path view: length of the shortest paths */
    double path_count;  /* path view: number of shortest paths */
    const char *focus_name, *focus_name2; /* ego / path endpoints, for the title */
    double *lat, *lon;                    /* maps: each node's point (NAN: none; kl_i_map_anchors) */
    uint32_t placed;                      /* maps: nodes with a point */
    /* actor views */
    uint32_t *broker;      /* rank (1..) among the top opt->brokers of the network by irb, 0: none */
    uint8_t *labelled;     /* 1: drawn with its name, else as a dot */
    const char **name;     /* each node's text (opt->label_by; borrowed from ds or short_names) */
    kl_i_group_t *group;   /* collapsed leaves, by hub then kind */
    uint32_t n_groups;
    uint32_t *member;      /* the vertices the groups stand for */
    uint32_t not_drawn;    /* actors of the view neither drawn nor in a group (max_nodes) */
    uint32_t max_nodes;    /* the cap applied (0: none) */
    char **short_names;    /* --label short_name: per entity, decoded, or NULL (owned) */
    uint32_t n_short_names;
} kl_i_view_t;

/* Select the view of opt (view.c).  On error v is destroyed. */
kl_err kl_i_view_select(kl_i_view_t *v, const kl_dataset_t *ds, const kl_agraph_t *g, const kl_analysis_t *res,
                        const kl_viz_options_t *opt, kl_error_t *err);
void kl_i_view_destroy(kl_i_view_t *v);

/* The size of a view before it is selected: nodes and edges (region map:
 * regions with actors, linked region pairs); m is exact when `exact`, else
 * a lower bound (counting stopped past the budget). */
typedef struct {
    uint32_t n;
    uint64_t m;
    int exact;
} kl_i_size_t;

/* The size of the region map of g (view.c), in O(actors + ties + regions +
 * stop): the pairs are counted one by one only until more than `stop`, and
 * not at all when one regionless actor alone makes all of them.  Errors:
 * KL_ENOMEM. */
kl_err kl_i_region_map_size(const kl_dataset_t *ds, const kl_agraph_t *g, uint64_t stop, kl_i_size_t *out);

/* The layout kl_viz_build uses for a view of n nodes and m edges: nop for
 * a map, else kl_viz_layout_for (layout.c). */
kl_viz_layout kl_i_viz_layout(const kl_dataset_t *ds, const kl_agraph_t *g, const kl_viz_options_t *opt, uint32_t n,
                              uint64_t m);

/* The metric nodes are sized by, for vertex u. */
double kl_i_metric(const kl_analysis_t *res, kl_viz_size by, uint32_t u);

struct kl_viz {
    GVC_t *gvc;
    Agraph_t *graph;
    kl_viz_options_t opt;
    kl_viz_info_t info;
    int geo; /* drawn as a map: nodes pinned, layout nop */
};

/* A growing string (parts.c, with the other parts below); `failed` is set when out of memory, and every
 * later call does nothing. */
typedef struct {
    char *s;
    size_t len, cap;
    int failed;
} kl_i_sb_t;

void kl_i_sb_printf(kl_i_sb_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append escaped text (plain label or HTML); wrap/max as for kl_viz_escape_*. */
void kl_i_sb_text(kl_i_sb_t *b, const char *text, int html, unsigned wrap, unsigned max);
/* Set an attribute of a graph, node or edge (declared on first use). */
void kl_i_set(void *obj, const char *name, const char *value);
void kl_i_setf(void *obj, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Black or white text, whichever reads better on colour "#RRGGBB". */
const char *kl_i_text_on(const char *colour);

/* A kind as figures name it, in the output language: "organisation",
 * "person", "project", "funder" (kl_kind_name is the data's key, which
 * stays English); the plural as a legend or a collapsed node's label has
 * it ("people"), and as a cluster's label ("persons") (parts.c). */
const char *kl_i_kind_word(kl_kind kind);
const char *kl_i_kind_plural(kl_kind kind);
const char *kl_i_kind_cluster(kl_kind kind);

/* Things counted (regions by actors, brokers by pairs): qsort with
 * kl_i_cmp_counted puts the largest count first, ties by id (parts.c). */
typedef struct {
    uint32_t item, count;
    const char *id;
} kl_i_counted_t;
int kl_i_cmp_counted(const void *a, const void *b);

/* Things ranked by a value: qsort with kl_i_cmp_order puts the largest x
 * first, ties by the smaller rank (parts.c). */
typedef struct {
    double x;
    uint32_t rank, i;
} kl_i_order_t;
int kl_i_cmp_order(const void *a, const void *b);
/* The text of a "short_name" attribute of an entity, decoded from its JSON
 * (a new string, caller frees), when it is a string with something besides
 * spaces in it; NULL for any other attribute or value, and when out of
 * memory (then *nomem is set) (view.c). */
char *kl_i_short_name(const kl_attr_t *at, int *nomem);
/* An entity's short_name attribute ("NTNU"), decoded, into buf; "" when it
 * has none (or memory ran out: callers then do without it).  map.c. */
void kl_i_entity_short_name(const kl_dataset_t *ds, uint32_t entity, char *buf, size_t size);
/* qsort of doubles, smallest first (parts.c). */
int kl_i_cmp_double(const void *a, const void *b);

/* Region maps: the width of a line of `links` links when the heaviest has
 * wmax, and that line from a to b, grey and translucent (NULL when out of
 * memory). */
double kl_i_link_width(double links, double wmax);
Agedge_t *kl_i_region_link(Agraph_t *root, Agnode_t *a, Agnode_t *b, double links, double wmax);

/* An HTML-like label: cgraph marks the string as HTML by interning it so. */
void kl_i_set_html(Agraph_t *root, void *obj, const char *name, const char *html);
/* "all dates", "ties active 2016–2020", ...: the time window of opt. */
void kl_i_window_text(const kl_viz_options_t *opt, char *buf, size_t size);
/* The title block of every diagram, as table rows: the title (opt->title,
 * else the dataset's title, else its id) and the subtitle (opt->subtitle,
 * else `generated`, HTML-like text escaped already); a row whose text is
 * empty is left out.  Returns the number of rows written (0, 1 or 2). */
int kl_i_title_rows(kl_i_sb_t *b, const kl_dataset_t *ds, const kl_viz_options_t *opt, const char *generated);
/* The size in points Graphviz gives an HTML-like label (a plaintext node's,
 * without margin), measured by laying it out.  Errors: KL_ENOMEM. */
kl_err kl_i_html_size(GVC_t *gvc, const char *html, double *w, double *h);
/* Maps: the title rows (w x h points) as a node named "title" pinned with
 * its bottom-left corner at (left, bottom), padded on the left and right as
 * Graphviz pads the graph's label: a node as wide as the label (w its
 * width) makes the label start where the rows do.  Errors: KL_ENOMEM. */
kl_err kl_i_title_node(Agraph_t *root, const char *rows, double left, double bottom, double w, double h);
/* The caption row (opt->caption, when given and not empty), then the
 * footer row's start, "Sources: N documents · dataset: ID", its cell and
 * font left open for the view to add to and close. */
void kl_i_footer_start(kl_i_sb_t *b, const kl_dataset_t *ds, const kl_viz_options_t *opt);

/* Name a node for readers and scripts (colours.c): an actor's (vertex u)
 * SVG id "actor:ID" and tooltip "name\nregion name" ("no region"); a
 * region's id "region:ID" and tooltip "name\nN actors".  b is scratch.
 * -1 when out of memory. */
int kl_i_name_actor(void *nd, const kl_dataset_t *ds, const kl_agraph_t *g, uint32_t u, kl_i_sb_t *b);
int kl_i_name_region(void *nd, const kl_dataset_t *ds, uint32_t r, uint32_t nactors, kl_i_sb_t *b);

/* Build v->graph from a view (dot.c). */
kl_err kl_i_dot_build(struct kl_viz *v, const kl_i_view_t *view, const kl_dataset_t *ds, const kl_agraph_t *g,
                      const kl_analysis_t *res, kl_error_t *err);

/* Build v->graph as the heat map of the region pairs rg (heatmap.c): one
 * node whose HTML-like label is the whole figure.  Sets v->info.  Errors:
 * KL_ENOMEM. */
kl_err kl_i_heatmap_build(struct kl_viz *v, const kl_dataset_t *ds, const kl_agraph_t *g, const kl_regions_t *rg,
                          kl_error_t *err);

/* Graphviz's messages, captured (render.c): start capturing into a fresh
 * buffer; the text of the first error since then ("" when none). */
void kl_i_gv_capture(void);
const char *kl_i_gv_message(void);

/* cgraph discipline giving objects ids in creation order (ids.c). */
extern Agdisc_t kl_i_agdisc;

/* Wall clock in seconds. */
double kl_i_viz_now(void);

/* ------------------------------------------------------ maps (geo.c) */

/* Boxes placed so far, for finding free places among them. */
typedef struct kl_i_spread kl_i_spread_t;

/* An empty set; cell: the side of the grid's cells in points (about twice
 * a typical box).  NULL when out of memory.  Free with kl_i_spread_free. */
kl_i_spread_t *kl_i_spread_new(double cell);
void kl_i_spread_free(kl_i_spread_t *sp);
/* A cell size for boxes b: twice the median of their longer sides. */
double kl_i_spread_cell(const kl_geo_box_t *b, uint32_t n);
/* Find b a place: its anchor when that keeps `gap` points off every placed
 * box (a negative gap lets them overlap by as much; two round boxes compare
 * by the distance of their centres), else the first free slot of a
 * golden-angle (sunflower) spiral around the anchor, slots 0.2 x the box's
 * smaller side apart, nearest first.  Sets b->x, b->y and returns 1; returns
 * 0 (b->x, b->y NAN) when b has no anchor or no free slot lies within
 * max_dist points.  Does not add b. */
int kl_i_spread_find(const kl_i_spread_t *sp, kl_geo_box_t *b, double gap, double max_dist);
/* Add a placed box (one without a place is ignored).  Errors: KL_ENOMEM. */
kl_err kl_i_spread_add(kl_i_spread_t *sp, const kl_geo_box_t *b);

/* A sequence of points (a ring or a line), growing. */
typedef struct {
    double *x, *y;
    size_t n, cap;
} kl_i_path_t;

/* Append a point: 0, or -1 when out of memory. */
int kl_i_path_push(kl_i_path_t *p, double x, double y);
void kl_i_path_free(kl_i_path_t *p);
/* The ring in (closed implicitly) clipped to the rectangle (x0, y0)-(x1, y1)
 * (Sutherland-Hodgman) into out (emptied first; fewer than 3 points: nothing
 * left).  Errors: KL_ENOMEM. */
kl_err kl_i_clip_ring(const kl_i_path_t *in, double x0, double y0, double x1, double y1, kl_i_path_t *out);
/* The part of segment a-b inside the rectangle (Liang-Barsky): the ends
 * moved onto it; 0 when nothing is inside. */
int kl_i_clip_segment(double *ax, double *ay, double *bx, double *by, double x0, double y0, double x1, double y1);
/* Douglas-Peucker: drop the points that move the line (ring: the closed
 * ring) by at most tol.  Errors: KL_ENOMEM (p unchanged). */
kl_err kl_i_simplify(kl_i_path_t *p, double tol, int ring);

/* ------------------------------------------------------- maps (map.c) */

/* Fill v->lat, v->lon (allocated here, freed with the view) and v->placed:
 * region map, the region's point; otherwise an actor's own point, else its
 * region's, else the mean point of the placed actors it is tied to in the
 * view (repeated until nothing changes).  Errors: KL_ENOMEM. */
kl_err kl_i_map_anchors(kl_i_view_t *v, const kl_dataset_t *ds, const kl_agraph_t *g, int region_map);

/* A map on the page: its projection and frame. */
typedef struct {
    kl_geo_proj_t proj;
    double x0, y0, x1, y1;                 /* frame, points */
    double lat_lo, lat_hi, lon_lo, lon_hi; /* what the frame shows, degrees */
    double lat_step, lon_step;             /* graticule, degrees */
    double bar_km;                         /* scale bar */
    double scale_error;                    /* the largest scale error in the frame (0.03: 3 %) */
} kl_i_map_t;

/* Centre the projection on the middle of the box around the points (NAN
 * or out[i] set: skipped) and scale it so that the projected box's longer
 * side is long_side points (a box under 50 km counts as 50 km).  Can't
 * fail. */
void kl_i_map_fit(kl_i_map_t *m, const double *lat, const double *lon, const uint8_t *out, uint32_t n,
                  double long_side);
/* The points per km needed so that no two of n discs (centres in km, radii
 * r in points) overlap, or the current scale when that is larger (always
 * above 2000 discs).  O(n^2). */
double kl_i_map_crowding_scale(const kl_i_map_t *m, const double *x_km, const double *y_km, const double *r,
                               uint32_t n);
/* The frame around the placed boxes, padded, at least 4 x 3 inches and
 * neither much taller than twice its width nor flatter than 1 : 0.35. */
void kl_i_map_frame(kl_i_map_t *m, const kl_geo_box_t *b, uint32_t n, double pad_x, double pad_y);
/* The legend's two lines on the projection, grid and scale bar. */
void kl_i_map_describe(const kl_i_map_t *m, char *line1, char *line2, size_t size);

#define KL_I_MAX_INSETS 3 /* more places far from the bulk are listed, not drawn */

/* A place far from the bulk, drawn in a box of its own in a corner. */
typedef struct {
    uint32_t node;         /* view node */
    kl_geo_proj_t proj;    /* centred on the place, points per km of the inset */
    double x0, y0, x1, y1; /* the box on the page */
    double cx, cy;         /* the place on the page */
} kl_i_inset_t;

/* What a map builder tells the legend and footer. */
typedef struct {
    kl_i_map_t map;
    int moved;          /* a node sits off its point, tied to it by a line */
    int edge_labels;    /* some links carry their main broker's mark */
    int inset_links;    /* dashed links lead to an inset */
    uint32_t links_off; /* region map: links to regions without a point or out of the frame */
    kl_i_inset_t inset[KL_I_MAX_INSETS];
    uint32_t n_insets;
    kl_i_sb_t legend;   /* map-specific legend rows (HTML), may be empty */
    kl_i_sb_t footer;   /* "Not in the frame: ..." (HTML text), may be empty */
} kl_i_map_info_t;

void kl_i_map_info_destroy(kl_i_map_info_t *info);

/* The region map as a map: pinned circles (area ~ actors, fill[i] the
 * colour "#RRGGBB" of view node i) named beside them, or with opt->areas
 * the regions with a known outline (kl_i_region_shape) filled by class; links between the placed
 * ones (the heaviest marked with their main broker's number, listed in the
 * legend); land, borders, graticule and furniture around.  Regions without
 * a point are left out and counted, places far from the bulk get insets
 * or are named in the footer.  Errors: KL_ENOMEM. */
kl_err kl_i_map_regions(Agraph_t *root, const kl_i_view_t *view, const kl_dataset_t *ds, const kl_agraph_t *g,
                        const kl_analysis_t *res, const kl_viz_options_t *opt, const char *const *fill,
                        kl_i_map_info_t *info);

/* The whole network (or its top N) as a map: b[i] holds view node i's size
 * (w, h); this finds each a place (x, y; NAN for nodes without a point or
 * far from the bulk) near its point, in `order` (the most central first),
 * after the names of the regions (grey, at their points), scales the map
 * so that crowded regions have room (up to CROWD_MAX_ACTORS times), and
 * draws the basemap, the furniture and the names.  The caller creates and
 * pins the actors.  Errors: KL_ENOMEM. */
kl_err kl_i_map_actors(Agraph_t *root, const kl_i_view_t *view, const kl_dataset_t *ds, const kl_agraph_t *g,
                       kl_geo_box_t *b, const uint32_t *order, kl_i_map_info_t *info);

/* Region maps: the main brokers of the links marked (mark[e] != 0 on
 * entry), numbered 1.. by irb, highest first (ties: the smaller vertex):
 * on return mark[e] is the number of link e's broker (0: none) and
 * brokers[k - 1] the vertex numbered k; *n_brokers of them (brokers has room
 * for view->m).  Errors: KL_ENOMEM. */
kl_err kl_i_region_brokers(const kl_i_view_t *view, const kl_analysis_t *res, uint32_t *mark, int64_t *brokers,
                           uint32_t *n_brokers);
/* The legend's row listing the numbered brokers: "#1 Name (short name)". */
void kl_i_broker_rows(kl_i_sb_t *b, const kl_dataset_t *ds, const kl_agraph_t *g, const int64_t *brokers,
                      uint32_t n);

/* Pin obj at (x, y) points: pos="x,y!". */
void kl_i_map_pin(void *obj, double x, double y);
/* Estimated size in points of a plain label (escaped, lines split by \n)
 * at fontsize. */
void kl_i_map_text_size(const char *label, double fontsize, double *w, double *h);

/* --------------------------------------------------- basemap (basemap.c)
 *
 * Land, coastlines and borders drawn under every map, and the outlines of
 * the regions whose shape is reliably known: Natural Earth (public domain),
 * clipped and simplified into viz/basemap/basemap.json (`make basemap`
 * regenerates it, viz/basemap/README.md says from what) and built into the
 * binary, so that nothing is read or fetched at run time. */

/* One area: outer rings only (lakes are land here), vertices in degrees. */
typedef struct {
    const char *name;        /* "Sweden", "Stockholms län", "Trøndelag" */
    const char *keys;        /* what a dataset's region may be called, '|'-separated
                                and framed: "|SE110|SE-AB|Stockholm|Stockholms län|" */
    uint32_t n_rings;
    const uint32_t *ring;    /* ring r is vertices [ring[r], ring[r + 1]) */
    const double *lat, *lon; /* vertices */
    double lat_min, lat_max, lon_min, lon_max; /* bounding box */
} kl_i_shape_t;

typedef struct {
    uint32_t n_countries, n_regions;
    const kl_i_shape_t *countries; /* every country of the world (land and borders) */
    const kl_i_shape_t *regions;   /* first-level regions known reliably (Swedish län,
                                      Norwegian counties of 2020, ...) */
} kl_i_basemap_t;

/* The basemap, parsed on first use and kept until exit (like Graphviz, not
 * thread-safe).  NULL on failure, with err set (KL_ENOMEM; KL_EPARSE if the
 * built-in JSON were malformed, which the unit test rules out). */
const kl_i_basemap_t *kl_i_basemap(kl_error_t *err);
/* Free what kl_i_basemap parsed (tests: leak checkers); the next call parses again. */
void kl_i_basemap_free(void);

/* Whether (lat, lon) lies inside shape s (even-odd rule over its rings). */
/* Whether ring r of shape s alone holds (lat, lon) (ray casting in degrees). */
int kl_i_ring_contains(const kl_i_shape_t *s, uint32_t r, double lat, double lon);
int kl_i_shape_contains(const kl_i_shape_t *s, double lat, double lon);

/* The shape of dataset region r: a region of the basemap (else a country)
 * one of whose keys is r's id or name (ASCII letters compared without case,
 * other bytes exactly), and which holds r's point when r has one: the point
 * lies inside it, within 25 km of it (coastal and island centroids) or
 * within a tenth of its bounding box's diagonal (the centroid of a bent
 * country: Norway's lies in Sweden); NULL when none does.  O(shapes + the
 * vertices of the shapes whose key matches). */
const kl_i_shape_t *kl_i_basemap_match(const kl_i_basemap_t *bm, const kl_region_t *r);

/* The shape a map draws for dataset region r: the dataset's own outline
 * (docs/format.md#region-outlines) wrapped in *own (named after r, no keys,
 * its bounding box computed; borrows r's arrays), else the basemap's,
 * kl_i_basemap_match(bm, r) (bm may be NULL: no basemap shape).  Every map
 * finds its regions' shapes through here.  O(r's vertices) or as
 * kl_i_basemap_match. */
const kl_i_shape_t *kl_i_region_shape(const kl_i_basemap_t *bm, const kl_region_t *r, kl_i_shape_t *own);

/* Make a PDF written by cairo reproducible: remove its /CreationDate line
 * and move the byte offsets after it (*len shrinks; data stays
 * NUL-terminated when it was).  Anything else is left as it is.  render.c. */
void kl_i_pdf_drop_date(char *data, size_t *len);

/* Text centred at (x, y); align < 0 puts its right end there, > 0 its
 * left.  map.c. */
Agnode_t *kl_i_map_text(Agraph_t *root, const char *name, double x, double y, int align, const char *label,
                        double fontsize, const char *colour);

/* One small map of the frame m at offset (ox, oy): land, borders and the
 * frame into sb (xdot, for the root's _background), its corners as
 * invisible nodes named tag_sw, tag_ne.  Errors: KL_ENOMEM.  map.c. */
kl_err kl_i_map_panel(Agraph_t *root, kl_i_sb_t *sb, const kl_i_map_t *m, const kl_i_basemap_t *bm, double ox,
                      double oy, const char *tag);

/* The process's one Graphviz context, created on first use and never
 * freed (NULL when Graphviz cannot start).  render.c. */
GVC_t *kl_i_gvc(void);

#endif
