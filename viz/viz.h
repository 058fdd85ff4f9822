/* viz/viz.h - diagrams of the analysis graph, drawn with Graphviz (cgraph
 * builds the graph, gvc lays it out and renders it in-process).
 *
 * Usage:
 *
 *     kl_viz_options_t opt;
 *     kl_viz_options_init(&opt);
 *     opt.view = KL_VIEW_REGION_MAP;
 *     kl_viz_t *v = NULL;
 *     if (kl_viz_build(&v, &ds, &g, &res, &opt, &err) != KL_OK) ...
 *     char *data; size_t len;
 *     if (kl_viz_render(v, KL_VIZ_SVG, &data, &len, &err) != KL_OK) ...
 *     ... write data ...; free(data);
 *     kl_viz_free(v);
 *
 * Views (docs/metrics.md names the metrics):
 *  - whole graph, optionally only the `top` actors by the size metric and the
 *    ties among them;
 *  - ego network: the actors within `depth` ties of one actor;
 *  - region map: one node per region (area ~ actors), one edge per region
 *    pair with cross-region links (see kl_viz_build);
 *  - path view: every shortest path (in hops) between two actors, or between
 *    the actors of two regions;
 *  - heat map: a region x region matrix of the region pairs' links
 *    (kl_region_pair_t.links), see kl_viz_build.
 *
 * Maps (opt.geo): the region map or the whole graph with every node pinned
 * at its geographic point, in the Lambert azimuthal equal-area projection
 * centred on the bulk of the places (equal areas: circles and regions
 * compare; see kl_geo_proj_t), north up, inside a frame over land,
 * coastlines and borders (the basemap), with a curved graticule, degree
 * labels, a scale bar true at the centre and a north arrow.  The frame fits
 * the bulk (kl_geo_outliers): up to three places far from it get insets
 * of their own in the frame's corners, more are named in the footer.
 * Graphviz only draws (layout `nop`, as `neato -n`): nothing moves a node
 * except kluster's own spreading, which keeps labelled nodes off each
 * other (a region circle moved off its point is tied to it by a thin line).
 * What has no point is named in the footer, never dropped silently.
 *
 * Every figure has its title and subtitle at the top left: dot and fdp put
 * them on a frame cluster around the drawing, with legend and footer below
 * it; a map pins them above its frame, legend and footer below; neato, sfdp
 * and circo have only the graph's label, at the top, holding title,
 * subtitle, legend and footer in that order; the heat map has its title in
 * the graph's label, above the matrix.
 *
 * Output is deterministic: the same inputs and options give byte-identical
 * DOT and SVG.  Node ids in the DOT are internal ("n12", "r3"); names only
 * ever appear in labels, escaped by kl_viz_escape_label/_html.
 *
 * Graphviz is not thread-safe: use one kl_viz_t at a time, from one thread.
 * Nothing here prints or exits; Graphviz's messages are captured into the
 * kl_error_t.
 */
#ifndef KL_VIZ_H
#define KL_VIZ_H

#include "../analysis/analysis.h"
#include "../engine/graph.h"

#include <stddef.h>
#include <stdint.h>

/* KL_VIZ_GNUPLOT: a chart's gnuplot script, data inline (kl_viz_trend_chart only). */
typedef enum { KL_VIZ_DOT = 0, KL_VIZ_SVG, KL_VIZ_PNG, KL_VIZ_PDF, KL_VIZ_GNUPLOT } kl_viz_format;
typedef enum { KL_VIEW_WHOLE = 0, KL_VIEW_EGO, KL_VIEW_REGION_MAP, KL_VIEW_PATH, KL_VIEW_HEATMAP } kl_viz_view;
typedef enum { KL_GROUP_REGION = 0, KL_GROUP_COMMUNITY, KL_GROUP_KIND, KL_GROUP_NONE } kl_viz_group;
typedef enum { KL_SIZE_IRB = 0, KL_SIZE_BETWEENNESS, KL_SIZE_PAGERANK, KL_SIZE_DEGREE } kl_viz_size;
typedef enum { KL_FILL_REGION = 0, KL_FILL_KIND } kl_viz_fill;
/* Node text: the name, the free attribute "short_name" (see kl_viz_build), or the id. */
typedef enum { KL_LABEL_NAME = 0, KL_LABEL_SHORT_NAME, KL_LABEL_ID } kl_viz_label;

/* Ego and path views draw at most this many actors one by one unless
 * kl_viz_options_t.max_nodes says otherwise: about what an A4 page holds
 * with every name readable. */
#define KL_VIZ_MAX_NODES 60
typedef enum {
    KL_LAYOUT_AUTO = 0, /* chosen by size: see kl_viz_layout_for */
    KL_LAYOUT_DOT,
    KL_LAYOUT_NEATO,
    KL_LAYOUT_FDP,
    KL_LAYOUT_SFDP,
    KL_LAYOUT_CIRCO,
    KL_LAYOUT_NOP /* positions given (maps): Graphviz's nop, as `neato -n` */
} kl_viz_layout;
/* Maps: nodes at their geographic coordinates. */
typedef enum {
    KL_GEO_AUTO = 0, /* the region map, when kl_viz_region_map_is_geo says so */
    KL_GEO_OFF,
    KL_GEO_ON /* region map or whole graph; an error for ego and path views */
} kl_viz_geo;

/* Region maps drawn as maps: what fills the regions whose outline is known,
 * the dataset's own or the basemap's (the others keep their circles). */
typedef enum {
    KL_AREAS_NONE = 0, /* circles (area ~ actors) over the outlined regions */
    KL_AREAS_ACTORS,   /* a sequential colour scale of the region's actors */
    KL_AREAS_IRB       /* of the region's inter-regional betweenness (its actors' irb summed) */
} kl_viz_areas;

typedef struct {
    kl_viz_view view;
    kl_viz_group group;      /* clusters: regions (default), communities, kinds, none */
    kl_viz_size size_by;     /* node size (default irb) */
    kl_viz_fill fill_by;     /* node colour: region (default) or kind */
    kl_viz_layout layout;    /* default auto */
    uint32_t top;            /* whole view: keep the `top` most central actors; 0 = all */
    const char *ego;         /* ego view: the actor's id (borrowed) */
    uint32_t depth;          /* ego view: ties away from ego (default 1) */
    const char *path_from, *path_to; /* path view: actor ids or region ids (borrowed) */
    uint32_t brokers;        /* label the top `brokers` actors by irb with their rank (default 5) */
    uint32_t width, height;  /* image size in pixels; 0 = natural size (PNG: at most 2400,
                                a heat map 4800) */
    uint32_t dpi;            /* pixels per inch of PNG output (default 96) */
    int32_t from, to;        /* time window shown in the title (KL_DATE_MIN/MAX: open) */
    kl_viz_geo geo;          /* draw as a map (default auto) */
    kl_viz_areas areas;      /* region map as a map: regions with a known outline filled (default none) */
    const kl_regions_t *regions; /* heat map: the region pairs, with links and brokers (borrowed) */
    uint32_t max_nodes;      /* actors drawn one by one, at most (see kl_viz_build); 0: the
                                default, KL_VIZ_MAX_NODES for ego and path views, no cap for
                                the others */
    kl_viz_label label_by;   /* node text (default the name) */
    /* The words around the drawing (borrowed UTF-8, escaped and wrapped at
     * word boundaries here; NULL: the default; "": no such line): the title
     * (default: the dataset's title, else its id), the subtitle (default:
     * what the view shows, its counts and time window) and a caption, a
     * source line under the legend ("Source: ..."; default none) above the
     * footer that names the dataset and its sources. */
    const char *title, *subtitle, *caption;
} kl_viz_options_t;

/* Defaults as above.  Can't fail. */
void kl_viz_options_init(kl_viz_options_t *opt);

/* The format named by a file name's extension (.dot/.gv, .svg, .png, .pdf,
 * .gp, case-insensitive), or -1. */
int kl_viz_format_from_path(const char *path);

/* "dot", "neato", ..., "nop"; NULL for KL_LAYOUT_AUTO or an out-of-range value. */
const char *kl_viz_layout_name(kl_viz_layout layout);

/* Whether the region map of g is drawn as a map when opt.geo is
 * KL_GEO_AUTO: at least two regions with actors have a point (lat/lon), and
 * no more of them lack one.  Can't fail (out of memory: 0). */
int kl_viz_region_map_is_geo(const kl_dataset_t *ds, const kl_agraph_t *g);

/* The layout used for a view of n nodes and m edges: the given one, or for
 * KL_LAYOUT_AUTO dot (left to right) up to 150 nodes, neato up to 600, sfdp
 * above; ego views and dense views (m >= 3n) are never drawn by dot; region
 * maps: neato.  Can't fail. */
kl_viz_layout kl_viz_layout_for(kl_viz_layout layout, kl_viz_view view, uint32_t n, uint32_t m);

/* Refuse views whose layout would take more than about 10 seconds: KL_ELIMIT
 * with a message naming the size, the limit, --layout sfdp when that layout
 * would take it, and what draws less (--top, --max-nodes, --ego,
 * --region-map; for a region map --heatmap), else KL_OK.
 * Limits (nodes / edges): dot 1500 / 4000, circo 1500 / 4000, neato and fdp
 * 2500 / 10000, sfdp and nop (maps) 25000 / 100000.  Can't fail otherwise. */
kl_err kl_viz_check_size(kl_viz_layout layout, kl_viz_view view, uint32_t n, uint32_t m, kl_error_t *err);

/* The same check before anything is selected or built, from g alone: the
 * region map (its regions with actors and linked region pairs, counted in
 * O(actors + ties + regions) and at most 100000 pairs one by one: past that
 * the message says "at least"), the whole graph without top or max_nodes
 * (g's actors and ties); other views are KL_OK here (kl_viz_build checks
 * them once selected).  The layout is the one kl_viz_build would use: a map
 * for opt->geo (or the region map in auto mode drawn as a map), else
 * kl_viz_layout_for.  Errors: KL_ELIMIT, KL_ENOMEM. */
kl_err kl_viz_check_view(const kl_dataset_t *ds, const kl_agraph_t *g, const kl_viz_options_t *opt, kl_error_t *err);

/* A diagram: the cgraph graph of one view plus what was measured building
 * it.  Opaque; create with kl_viz_build, release with kl_viz_free. */
typedef struct kl_viz kl_viz_t;

typedef struct {
    uint32_t nodes, edges;    /* drawn */
    uint32_t left_out;        /* actors of the graph not drawn (--top; region map: regionless) */
    kl_viz_layout layout;     /* the layout actually used */
    double seconds_build, seconds_layout, seconds_render; /* wall time */
} kl_viz_info_t;

/* Build the diagram of opt->view on analysis graph g of dataset ds, with the
 * metrics res computed on g (all borrowed; they must outlive *out).  *out is
 * new (caller owns; kl_viz_free) and NULL on failure.
 * Region map: regions A != B are linked by the ties between an actor of A and
 * an actor of B, plus each regionless actor tied to both (a project, funder
 * or person joining them), counted once per region pair; the edge is labelled
 * with its main broker: of the actors on those links, the one with the highest
 * irb, then the most such links, then the smallest id.
 * Maps: a region's circle has the area of its actor count at its point; an
 * actor sits near its own point, else its region's, else the mean point of
 * the placed actors it is tied to; the footer lists what has no point.
 * Heat map (opt->regions, from kl_regions_compute on g; res is not read and
 * may be NULL): one row and one column per region with actors (at most 200:
 * above, those with most links), each cell coloured by the pair's links in
 * classes of a viridis scale (a log scale when links span more than a factor
 * of ten), marked with the letter of its main broker (brokers[0]; no mark
 * where brokers were not computed) and named in a tooltip; the diagonal is
 * left blank.  Regions are ordered by spectral seriation: each linked group
 * by the Fiedler vector of the Laplacian of the links, the group
 * with most links first, regions without links last.  Drawn as one
 * HTML-like table (layout dot), so its size never limits it.
 * Actor views (whole, top, ego, path): at most opt->max_nodes actors are
 * drawn one by one: the ego or path ends, the numbered brokers (opt->brokers,
 * top irb of the whole network), then the most central by opt->size_by; the
 * footer counts the others ("182 actors not drawn: --max-nodes 60").  Up to
 * 200 drawn actors all carry their names, more the 100 most central plus
 * brokers and focus.  Actors that would carry no name and whose only tie in
 * the view is to one drawn actor (a hub) are drawn as one node per hub and
 * kind when there are at least three ("+142 projects", the kind's shape,
 * dashed, tied to the hub by a line whose width grows with the count, its
 * tooltip naming them); not on maps, which pin every actor.  Names are
 * opt->label_by: short_name is the entity's first free attribute
 * "short_name" that is a JSON string naming that entity alone (a short name
 * several entities carry, "SINTEF" or "ukjent", falls back to the name),
 * else the name; the title's ego and path ends use it too.  Bridges are
 * drawn in vermillion only when they matter, judged on g, not the view, so
 * that a tie looks the same in every view: a bridge joining actors of two
 * different regions, or one whose removal cuts off at least 10% of the
 * actors of its component, and at least two; other bridges are drawn as
 * ordinary ties.
 * Errors: KL_EINVAL (unknown ego/path id, no path, a map of an ego, path or
 * heat map view, a map with nothing to place, a heat map without regions
 * or with fewer than two regions with actors: the message says which),
 * KL_ELIMIT (kl_viz_check_view first, then kl_viz_check_size on what was
 * selected: before any Graphviz graph exists, whatever the output format),
 * KL_ENOMEM, KL_EGVC. */
kl_err kl_viz_build(kl_viz_t **out, const kl_dataset_t *ds, const kl_agraph_t *g, const kl_analysis_t *res,
                    const kl_viz_options_t *opt, kl_error_t *err);

/* Render the diagram: DOT (the graph as built, with its layout attribute, not
 * laid out: `dot -Tsvg` reproduces the SVG), or lay it out and render SVG,
 * PNG or PDF (PNG and PDF need Graphviz's cairo plugin; without it
 * KL_EGVC "PNG output needs Graphviz's cairo plugin").  *data is a new
 * buffer of *len bytes (caller owns; free()).  Errors: KL_EGVC, KL_ENOMEM. */
kl_err kl_viz_render(kl_viz_t *v, kl_viz_format format, char **data, size_t *len, kl_error_t *err);

/* What was drawn and how long it took (borrowed; valid until kl_viz_free). */
const kl_viz_info_t *kl_viz_info(const kl_viz_t *v);

/* Free the diagram and its Graphviz context; safe on NULL. */
void kl_viz_free(kl_viz_t *v);

/* ---------------------------------------------------------- colours
 * (viz/colours.c)
 *
 * One colour per region of a dataset, the same in every figure (any view,
 * mode, time window or --ties) and in the GEXF export: the regions are
 * ranked by the number of the dataset's entities whose own region they are
 * (not the actors of an analysis graph), most first, ties by id in byte
 * order; the i-th gets the i-th colour of a palette of 20 (Okabe-Ito, then
 * colours chosen to stay apart, also for colour-blind readers), the rest
 * one grey, KL_VIZ_OTHER_REGION_COLOUR.  Figures name the grey regions
 * where a colour cannot: their clusters' labels, tooltips and label
 * suffixes. */

#define KL_VIZ_NO_REGION_COLOUR "#D9D9D9"    /* regionless actors */
#define KL_VIZ_OTHER_REGION_COLOUR "#A6A6A6" /* regions past the palette */

typedef struct {
    uint32_t n_regions;  /* ds->n_regions */
    const char **colour; /* region index -> "#RRGGBB" (static strings) */
    uint32_t *rank;      /* region index -> place in the ranking, 0 first */
    uint32_t n_palette;  /* regions with a colour of their own: ranks below this */
} kl_viz_colours_t;

/* The colours of the regions of ds (finalized).  *out is filled (free with
 * kl_viz_colours_free; zeroed on failure).  Errors: KL_ENOMEM.
 * O(entities + regions log regions). */
kl_err kl_viz_region_colours(const kl_dataset_t *ds, kl_viz_colours_t *out, kl_error_t *err);
/* Region index -> its colour; a negative index (regionless) ->
 * KL_VIZ_NO_REGION_COLOUR. */
const char *kl_viz_region_colour(const kl_viz_colours_t *c, int32_t region);
/* Whether the region is past the palette (grey); 0 for a negative index. */
int kl_viz_region_is_other(const kl_viz_colours_t *c, int32_t region);
/* Free the arrays; safe on a zeroed struct. */
void kl_viz_colours_free(kl_viz_colours_t *c);

/* ------------------------------------------------------------- text */

/* Escape text (UTF-8) for a plain Graphviz label, which cgraph then quotes
 * when writing DOT: backslashes are doubled (so \N, \G, \l keep no meaning),
 * line breaks (LF, CR, CRLF) become the \n escape, tabs spaces, other control
 * characters, invalid UTF-8 and U+FFFE/U+FFFF U+FFFD; an '&' that would read
 * as an entity ("&amp;", "&#9;", "&;") gets U+2060 WORD JOINER after it, so
 * neither Graphviz's entity decoding nor its SVG writer takes it for one; the
 * result never ends in a backslash.  Characters are code points ("ø" is
 * one).  Text longer than max_chars (0: no limit) is cut to at most
 * max_chars characters ending with "…": at the last space that leaves room
 * for the "…", inside the first word only when that word alone is too long.
 * Wrapping (wrap characters a line; 0: none) is greedy and breaks only
 * between words, at a space (which the break replaces); a word longer than
 * wrap breaks after its inner '-' or '/' ("TEKNISK-" / "NATURVITENSKAPELIGE"),
 * and a word or piece still longer keeps a line of its own: no word is ever
 * split elsewhere.  Returns a new string (caller owns; free()) or NULL when
 * out of memory.  O(length). */
char *kl_viz_escape_label(const char *text, unsigned wrap, unsigned max_chars);

/* The same for the text of an HTML-like label: &, <, >, " become entities
 * and line breaks <BR/>; backslashes are left as they are. */
char *kl_viz_escape_html(const char *text, unsigned wrap, unsigned max_chars);

/* ============================================ geometry, free of Graphviz
 * (viz/geo.c, viz/seriate.c)
 *
 * What the maps and the heat map compute before anything is drawn: the
 * projection of latitude and longitude onto the page, round lengths and
 * graticule steps, labelled boxes spread around their anchors, and the
 * order of the heat map's regions.  Pure functions of their arguments,
 * usable by any program that draws.
 */

#define KL_GEO_EARTH_KM 6371.0088 /* the earth's mean radius (IUGG) */

/* Lambert azimuthal equal-area projection on the sphere of radius
 * KL_GEO_EARTH_KM, centred at (lat0, lon0) (Snyder 1987, "Map Projections:
 * A Working Manual", p. 185):
 *   k' = sqrt(2 / (1 + sin lat0 sin lat + cos lat0 cos lat cos(lon - lon0)))
 *   x  = R k' cos lat sin(lon - lon0)
 *   y  = R k' (cos lat0 sin lat - sin lat0 cos lat cos(lon - lon0))
 * in km, times `scale` points per km; the inverse is Snyder's eqs. 20-14,
 * 24-16 and 20-18.  Areas are true everywhere (a region's area and a
 * circle's area for its actors compare), scale is true at the centre and
 * off by 0.3 % 1000 km from it, 1.2 % at 2000 km, 2.8 % at 3000 km: right
 * for a country or a continent (EPSG:3035, ETRS89-LAEA, is the same projection for
 * Europe, on the ellipsoid).  Meridians and parallels are curves. */
typedef struct {
    double lat0, lon0; /* centre, degrees */
    double sin0, cos0; /* of lat0 */
    double scale;      /* points per km */
} kl_geo_proj_t;

/* Centre the projection on (lat0, lon0).  Can't fail. */
void kl_geo_proj_init(kl_geo_proj_t *p, double lat0, double lon0, double pt_per_km);
/* Kilometres east (x) and north (y) of the centre on the projected plane;
 * NAN for the centre's antipode. */
void kl_geo_proj_km(const kl_geo_proj_t *p, double lat, double lon, double *x, double *y);
/* Points east and north of the centre (Graphviz's y grows upwards). */
void kl_geo_proj_xy(const kl_geo_proj_t *p, double lat, double lon, double *x, double *y);
/* The inverse of kl_geo_proj_xy (longitude within 180 degrees of lon0). */
void kl_geo_proj_latlon(const kl_geo_proj_t *p, double x, double y, double *lat, double *lon);
/* Great-circle distance in km (haversine). */
double kl_geo_distance_km(double lat1, double lon1, double lat2, double lon2);

/* What a map's frame leaves out: the places far from the bulk. */
#define KL_GEO_FAR 3.5          /* times the spread (below) */
#define KL_GEO_FAR_MIN_KM 500.0 /* never nearer than this */
#define KL_GEO_HEAVY 0.02       /* a place with this share of the weight is never left out */
/* Mark in out[i] (1/0) the outliers among n places (lat, lon; NAN: no
 * place, never an outlier) weighted by w[i] (actors; <= 0: ignored).  The
 * centre is the weighted median latitude and longitude, the spread the
 * distance from it within which half the weight lies; an outlier is farther
 * than KL_GEO_FAR spreads (at least KL_GEO_FAR_MIN_KM), holds less than
 * KL_GEO_HEAVY of the weight, and lies outside the box of the other places
 * as projected around their middle.  Fewer than three places have none.
 * Returns the number of outliers, -1 when out of memory. */
int kl_geo_outliers(const double *lat, const double *lon, const double *w, uint32_t n, uint8_t *out);

/* The largest 1, 2 or 5 times a power of ten not above max (> 0); 0 for
 * max <= 0. */
double kl_geo_round_length(double max);
/* Graticule spacing in degrees for a span of `span` degrees: the smallest of
 * 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 45 giving at most `lines` steps. */
double kl_geo_step(double span, unsigned lines);
/* "60°N", "16°E", "0.5°W", "0°" (tenths when step < 1). */
void kl_geo_degrees(double value, double step, int latitude, char *buf, size_t size);

/* A labelled box to place near its anchor (points). */
typedef struct {
    double ax, ay; /* anchor; NAN: not placed */
    double w, h;   /* size */
    double x, y;   /* out: centre (NAN when not placed) */
    int round;     /* a circle of diameter w: two circles keep apart by distance */
} kl_geo_box_t;

/* Place the boxes in the order given (order[t] indexes b; the first get the
 * places nearest their anchors), each among those placed before it: on its
 * anchor when that keeps `gap` points off every one of them (a negative gap
 * lets them overlap by as much; two round boxes compare by the distance of
 * their centres), else on the first free slot of a golden-angle (sunflower)
 * spiral around the anchor, slots 0.2 x the box's smaller side apart,
 * nearest first; a box without an anchor or a free slot keeps x, y NAN.
 * Deterministic.  Errors: KL_ENOMEM.  About O(n x slots
 * tried): placed boxes are found through a uniform grid. */
kl_err kl_geo_spread(kl_geo_box_t *b, const uint32_t *order, uint32_t n, double gap);

/* The order in which to draw n regions whose links are w (n x n,
 * row-major, symmetric, >= 0; the diagonal is ignored), given in id order:
 * order[t] is the index of the region drawn t-th (the heat map's rows).  Regions
 * joined by links form parts; each part of three or more is sorted by the
 * Fiedler vector of its Laplacian D - W (NetworkX spectral_ordering), ties
 * by index, heavier end first;
 * parts with most links come first, regions without links last, by index.
 * Deterministic.  Errors: KL_ENOMEM.  O(n^2 + sum over parts of k^3). */
kl_err kl_viz_seriate(const double *w, uint32_t n, uint32_t *order);

/* ----------------------------------------------------------- over time
 * (viz/chart.c, viz/multiples.c)
 *
 * The figures of a trend (kluster trend): what kl_trend_run found, period
 * by period, handed over as plain arrays (viz reads no writer's types). */

/* One broker's line: its share of inter-regional brokerage (irb share,
 * 0..1) and rank in each period. */
typedef struct {
    uint32_t entity;       /* ds entity */
    int32_t region;        /* its region (the line's colour), or -1 */
    const double *share;   /* n_periods; NAN: not in that period's graph */
    const uint32_t *rank;  /* n_periods; 1-based among actors with irb > 0, 0: none */
} kl_viz_series_t;

/* Two regions linked in a period (kl_region_pair_t.links). */
typedef struct {
    uint32_t period, a, b; /* ds region indices */
    double links;
} kl_viz_link_t;

/* Lines a chart draws at most: more are not told apart. */
#define KL_VIZ_TREND_LINES 10

typedef struct {
    uint32_t n_periods;
    const char *const *period;       /* labels: "2016", "2014-2016" */
    const kl_viz_series_t *series;   /* the brokers' lines, drawn in this order */
    uint32_t n_series;
    const uint32_t *region_actors;   /* n_periods x ds->n_regions: actors with a tie */
    const kl_viz_link_t *links;      /* by period */
    uint32_t n_links;
    const char *note;                /* a line for the footer (sampling), or NULL */
} kl_viz_trend_t;

/* The brokers' chart: one line per series, its share (%) over the periods
 * (a gap where the broker is not in the graph), coloured by region as on
 * the maps (regionless: grey), told apart by marker and dash within a
 * colour, named at its right end (short_name, else the name, with its rank
 * there), the names spread so that none overlap; the first
 * KL_VIZ_TREND_LINES series.  Drawn by gnuplot (the
 * program: $KLUSTER_GNUPLOT, else `gnuplot` on the PATH) as SVG, PNG or PDF
 * (pngcairo, pdfcairo); KL_VIZ_GNUPLOT returns the script itself.  opt:
 * title, subtitle, caption, width and height (points; PNG pixels at dpi;
 * default 1000 x 600).  *data is new (caller frees).  Deterministic: the
 * same input gives the same bytes (PDFs without their creation date).
 * Errors: KL_EINVAL (DOT), KL_EIO (gnuplot missing or failing: the message
 * says which, with gnuplot's own), KL_ENOMEM. */
kl_err kl_viz_trend_chart(const kl_dataset_t *ds, const kl_viz_trend_t *t, const kl_viz_options_t *opt,
                          kl_viz_format format, char **data, size_t *len, kl_error_t *err);

/* Small multiples of the region map: one panel per period, in time
 * order, rows of up to 4 to 6; every panel shows the same frame at one
 * projection (the Lambert projection of the maps, fitted to the regions
 * with actors in any period and a point; those far from the rest are left
 * out and named, kl_geo_outliers), with one circle per region with actors
 * in the period (area ~ t->region_actors, one scale for all panels), one
 * line per linked pair (width ~ links, one scale), in the regions'
 * colours; a heading per panel (period, actors, linked pairs), title on
 * top, legend (the scales, the coloured regions) and footer below.  Drawn
 * by Graphviz (nop) as DOT, SVG, PNG or PDF.  Deterministic.  Errors:
 * KL_EINVAL (fewer than two regions with actors and a point, no periods,
 * a gnuplot format), KL_EGVC, KL_ENOMEM. */
kl_err kl_viz_trend_maps(const kl_dataset_t *ds, const kl_viz_trend_t *t, const kl_viz_options_t *opt,
                         kl_viz_format format, char **data, size_t *len, kl_error_t *err);

#endif
