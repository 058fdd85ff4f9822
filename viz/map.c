/* viz/map.c - diagrams drawn as maps: where the nodes of a view are on the
 * earth, the projection fitted to the bulk of them, the basemap under them
 * (sea, land, coastlines, borders, region outlines, graticule, drawn in the
 * root graph's _background), insets for the few places far from the bulk,
 * and the map's furniture (degree labels, scale bar, north arrow), all as
 * nodes pinned at their positions for Graphviz's `nop` layout (`neato -n`). */
#include "viz_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- anchors */

int kl_viz_region_map_is_geo(const kl_dataset_t *ds, const kl_agraph_t *g)
{
    uint32_t with = 0, without = 0;
    uint8_t *seen = calloc((size_t)ds->n_regions + 1, 1);
    if (!seen)
        return 0;
    for (uint32_t u = 0; u < g->n; u++) {
        int32_t r = g->vertex_region[u];
        if (r < 0 || seen[r])
            continue;
        seen[r] = 1;
        if (isfinite(ds->regions[r].lat) && isfinite(ds->regions[r].lon))
            with++;
        else
            without++;
    }
    free(seen);
    /* one point is no map, and a map missing most regions misleads */
    return with >= 2 && with >= without;
}

kl_err kl_i_map_anchors(kl_i_view_t *v, const kl_dataset_t *ds, const kl_agraph_t *g, int region_map)
{
    size_t n = (size_t)v->n + 1;
    v->lat = malloc(n * sizeof *v->lat);
    v->lon = malloc(n * sizeof *v->lon);
    uint32_t *deg = calloc(n + 1, sizeof *deg), *adj = malloc(((size_t)2 * v->m + 1) * sizeof *adj);
    double *nlat = malloc(n * sizeof *nlat), *nlon = malloc(n * sizeof *nlon);
    uint32_t *queue = malloc(n * sizeof *queue);
    uint8_t *seen = calloc(n, 1);
    kl_err rc = KL_ENOMEM;
    if (!v->lat || !v->lon || !deg || !adj || !nlat || !nlon || !queue || !seen)
        goto cleanup;
    v->placed = 0;
    for (uint32_t i = 0; i < v->n; i++) {
        double lat = NAN, lon = NAN;
        if (region_map) {
            lat = ds->regions[v->node[i]].lat, lon = ds->regions[v->node[i]].lon;
        } else {
            const kl_entity_t *e = &ds->entities[g->vertex_entity[v->node[i]]];
            int32_t r = g->vertex_region[v->node[i]];
            if (isfinite(e->lat) && isfinite(e->lon))
                lat = e->lat, lon = e->lon;
            else if (r >= 0)
                lat = ds->regions[r].lat, lon = ds->regions[r].lon;
        }
        v->lat[i] = isfinite(lat) && isfinite(lon) ? lat : NAN;
        v->lon[i] = isfinite(lat) && isfinite(lon) ? lon : NAN;
        v->placed += isfinite(v->lat[i]);
    }
    if (!region_map) {
        /* an actor without a point of its own or of its region (a project,
         * a funder) goes to the mean point of the placed actors it is tied
         * to, layer after layer of a breadth-first search from the placed
         * ones, so a chain of them is placed too; a layer reads only the
         * layers before it, so the order of the nodes does not matter */
        for (uint32_t e = 0; e < v->m; e++)
            deg[v->eu[e] + 1]++, deg[v->ev[e] + 1]++;
        for (uint32_t i = 0; i < v->n; i++)
            deg[i + 1] += deg[i];
        for (uint32_t e = 0; e < v->m; e++) {
            adj[deg[v->eu[e]]++] = v->ev[e];
            adj[deg[v->ev[e]]++] = v->eu[e];
        }
        /* deg[i] now ends i's list: shift back to starts */
        for (uint32_t i = v->n; i > 0; i--)
            deg[i] = deg[i - 1];
        deg[0] = 0;
        /* queue[0, head): placed; [head, tail): the next layer */
        uint32_t head = 0, tail = 0;
        for (uint32_t i = 0; i < v->n; i++)
            if (!isfinite(v->lat[i]))
                for (uint32_t j = deg[i]; j < deg[i + 1]; j++)
                    if (isfinite(v->lat[adj[j]])) {
                        queue[tail++] = i, seen[i] = 1;
                        break;
                    }
        while (head < tail) {
            uint32_t end = tail;
            for (uint32_t q = head; q < end; q++) {
                uint32_t i = queue[q];
                double sl = 0, so = 0;
                uint32_t k = 0;
                for (uint32_t j = deg[i]; j < deg[i + 1]; j++)
                    if (isfinite(v->lat[adj[j]]))
                        sl += v->lat[adj[j]], so += v->lon[adj[j]], k++;
                nlat[q] = sl / k, nlon[q] = so / k;
            }
            for (uint32_t q = head; q < end; q++) {
                uint32_t i = queue[q];
                v->lat[i] = nlat[q], v->lon[i] = nlon[q];
                v->placed++;
                for (uint32_t j = deg[i]; j < deg[i + 1]; j++)
                    if (!isfinite(v->lat[adj[j]]) && !seen[adj[j]])
                        queue[tail++] = adj[j], seen[adj[j]] = 1;
            }
            head = end;
        }
    }
    rc = KL_OK;
cleanup:
    free(deg);
    free(adj);
    free(nlat);
    free(nlon);
    free(queue);
    free(seen);
    return rc;
}

/* ------------------------------------------------------ projection fit */

void kl_i_map_fit(kl_i_map_t *m, const double *lat, const double *lon, const uint8_t *out, uint32_t n,
                  double long_side)
{
    double a = INFINITY, b = -INFINITY, c = INFINITY, d = -INFINITY;
    for (uint32_t i = 0; i < n; i++) {
        if (!isfinite(lat[i]) || !isfinite(lon[i]) || (out && out[i]))
            continue;
        a = fmin(a, lat[i]), b = fmax(b, lat[i]);
        c = fmin(c, lon[i]), d = fmax(d, lon[i]);
    }
    memset(m, 0, sizeof *m);
    if (a > b)
        a = b = c = d = 0;
    /* the centre of the bulk's box: there the scale is true, and the
     * errors grow alike towards its edges */
    kl_geo_proj_init(&m->proj, (a + b) / 2, (c + d) / 2, 1);
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY, x, y;
    for (uint32_t i = 0; i < n; i++) {
        if (!isfinite(lat[i]) || !isfinite(lon[i]) || (out && out[i]))
            continue;
        kl_geo_proj_km(&m->proj, lat[i], lon[i], &x, &y);
        x0 = fmin(x0, x), x1 = fmax(x1, x), y0 = fmin(y0, y), y1 = fmax(y1, y);
    }
    double span = x0 > x1 ? 0 : fmax(x1 - x0, y1 - y0);
    /* a single place (or one city's) still gets a map some 50 km across */
    if (span < 50)
        span = 50;
    m->proj.scale = long_side / span;
}

double kl_i_map_crowding_scale(const kl_i_map_t *m, const double *x_km, const double *y_km, const double *r, uint32_t n)
{
    double need = m->proj.scale;
    if (n > 2000)
        return need; /* a map of thousands of places is crowded anyway: keep it in one piece */
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = i + 1; j < n; j++) {
            double d = hypot(x_km[i] - x_km[j], y_km[i] - y_km[j]);
            if (d > 0 && (r[i] + r[j]) / d > need)
                need = (r[i] + r[j]) / d;
        }
    return need;
}

/* ------------------------------------------------------------- frame */

/* What the rectangle (x0, y0)-(x1, y1) of projection p shows, in degrees:
 * its edges walked through the inverse projection, plus a pole inside. */
static void frame_degrees(const kl_geo_proj_t *p, double x0, double y0, double x1, double y1, double *lat_lo,
                          double *lat_hi, double *lon_lo, double *lon_hi)
{
    *lat_lo = *lon_lo = INFINITY, *lat_hi = *lon_hi = -INFINITY;
    for (int k = 0; k <= 256; k++) {
        double t = k / 256.0, lat, lon;
        double xs[4] = {x0 + t * (x1 - x0), x1, x1 - t * (x1 - x0), x0};
        double ys[4] = {y0, y0 + t * (y1 - y0), y1, y1 - t * (y1 - y0)};
        for (int e = 0; e < 4; e++) {
            kl_geo_proj_latlon(p, xs[e], ys[e], &lat, &lon);
            *lat_lo = fmin(*lat_lo, lat), *lat_hi = fmax(*lat_hi, lat);
            *lon_lo = fmin(*lon_lo, lon), *lon_hi = fmax(*lon_hi, lon);
        }
    }
    for (int pole = -1; pole <= 1; pole += 2) {
        double x, y;
        kl_geo_proj_xy(p, 90.0 * pole, p->lon0, &x, &y);
        if (x >= x0 && x <= x1 && y >= y0 && y <= y1) {
            *lat_lo = pole < 0 ? -90 : *lat_lo, *lat_hi = pole > 0 ? 90 : *lat_hi;
            *lon_lo = p->lon0 - 180, *lon_hi = p->lon0 + 180;
        }
    }
}

/* The largest scale error of the projection in the frame: at the corner
 * farthest from the centre, at angular distance c, the scale along the
 * parallel to the frame's edge is 1 / cos(c/2) (Snyder p. 186, eq. 24-5). */
static double frame_scale_error(const kl_i_map_t *m)
{
    double far = fmax(fmax(hypot(m->x0, m->y0), hypot(m->x1, m->y0)), fmax(hypot(m->x0, m->y1), hypot(m->x1, m->y1)));
    double s = far / m->proj.scale / (2 * KL_GEO_EARTH_KM);
    double half = asin(s > 1 ? 1 : s);
    return 1 / cos(half) - 1;
}

/* Graticule steps, the degrees shown and the scale bar, for the frame set. */
static void frame_finish(kl_i_map_t *m)
{
    double w = m->x1 - m->x0, h = m->y1 - m->y0;
    frame_degrees(&m->proj, m->x0, m->y0, m->x1, m->y1, &m->lat_lo, &m->lat_hi, &m->lon_lo, &m->lon_hi);
    m->lat_step = kl_geo_step(m->lat_hi - m->lat_lo, 6);
    unsigned lon_lines = (unsigned)lround(6 * w / h);
    m->lon_step = kl_geo_step(m->lon_hi - m->lon_lo, lon_lines < 2 ? 2 : lon_lines > 8 ? 8 : lon_lines);
    m->bar_km = kl_geo_round_length(0.3 * w / m->proj.scale);
    m->scale_error = frame_scale_error(m);
}

void kl_i_map_frame(kl_i_map_t *m, const kl_geo_box_t *b, uint32_t n, double pad_x, double pad_y)
{
    double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    for (uint32_t i = 0; i < n; i++) {
        if (!isfinite(b[i].x))
            continue;
        x0 = fmin(x0, b[i].x - b[i].w / 2), x1 = fmax(x1, b[i].x + b[i].w / 2);
        y0 = fmin(y0, b[i].y - b[i].h / 2), y1 = fmax(y1, b[i].y + b[i].h / 2);
    }
    if (x0 > x1)
        x0 = x1 = y0 = y1 = 0;
    x0 -= pad_x, x1 += pad_x, y0 -= pad_y, y1 += pad_y;
    /* a frame neither a sliver nor a letterbox, at least 4 x 3 inches */
    double w = x1 - x0, h = y1 - y0, cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
    w = fmax(w, fmax(288, 0.5 * h));
    h = fmax(h, fmax(216, 0.35 * w));
    m->x0 = cx - w / 2, m->x1 = cx + w / 2, m->y0 = cy - h / 2, m->y1 = cy + h / 2;
    frame_finish(m);
}

/* "64°N 15°E" */
static void place_text(double lat, double lon, char *buf, size_t size)
{
    char a[24], o[24];
    kl_geo_degrees(round(lat), 1, 1, a, sizeof a);
    kl_geo_degrees(round(lon), 1, 0, o, sizeof o);
    snprintf(buf, size, "%s %s", a, o);
}

void kl_i_map_describe(const kl_i_map_t *m, char *line1, char *line2, size_t size)
{
    char centre[64], lats[32], lons[32];
    place_text(m->proj.lat0, m->proj.lon0, centre, sizeof centre);
    kl_geo_degrees(m->lat_step, m->lat_step, 1, lats, sizeof lats);
    kl_geo_degrees(m->lon_step, m->lon_step, 0, lons, sizeof lons);
    /* "2°N" as a step reads "2°" (whatever the language's letters) */
    char *c = strstr(lats, "\u00b0");
    if (c)
        c[strlen("\u00b0")] = '\0';
    c = strstr(lons, "\u00b0");
    if (c)
        c[strlen("\u00b0")] = '\0';
    double pct = 100 * m->scale_error;
    /* TRANSLATORS: %s is a place, "64°N 15°E" */
    snprintf(line1, size, _("Lambert azimuthal equal-area projection centred at %s: areas are true everywhere;"),
             centre);
    /* TRANSLATORS: %.0f%% is a percentage ("3%"); the others are steps in degrees ("2°") */
    snprintf(line2, size,
             _("the scale bar holds at the centre, to within %.0f%% across the frame; grid lines every %s of "
               "latitude, %s of longitude"),
             pct < 1 ? 1 : ceil(pct), lats, lons);
}

/* ---------------------------------------------------------- nodes */

void kl_i_map_pin(void *obj, double x, double y)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.2f,%.2f!", x, y);
    agsafeset(obj, "pos", buf, "");
}

void kl_i_map_text_size(const char *label, double fontsize, double *w, double *h)
{
    /* Helvetica's widths in em: capitals about 0.68, small letters 0.5,
     * digits 0.56, a space 0.28; anything else counts as 0.6 */
    unsigned lines = 1;
    double line = 0, widest = 0;
    for (const unsigned char *p = (const unsigned char *)label; *p; p++) {
        if (p[0] == '\\' && (p[1] == 'n' || p[1] == 'l' || p[1] == 'r')) {
            lines++, p++;
            widest = line > widest ? line : widest;
            line = 0;
        } else if (*p >= 'A' && *p <= 'Z') {
            line += 0.68;
        } else if (*p >= 'a' && *p <= 'z') {
            line += 0.5;
        } else if (*p >= '0' && *p <= '9') {
            line += 0.56;
        } else if (*p == ' ') {
            line += 0.28;
        } else if ((*p & 0xC0) != 0x80) {
            line += 0.6;
        }
    }
    widest = line > widest ? line : widest;
    *w = widest * fontsize * 1.05 + 2;
    *h = lines * fontsize * 1.2 + 2;
}

/* An invisible point pinned at (x, y): the end of a line. */
static Agnode_t *map_point(Agraph_t *root, const char *name, double x, double y)
{
    Agnode_t *nd = agnode(root, (char *)name, 1);
    if (!nd)
        return NULL;
    kl_i_map_pin(nd, x, y);
    kl_i_set(nd, "shape", "point");
    kl_i_set(nd, "style", "invis");
    kl_i_set(nd, "width", "0.01");
    kl_i_set(nd, "height", "0.01");
    kl_i_set(nd, "label", "");
    return nd;
}

Agnode_t *kl_i_map_text(Agraph_t *root, const char *name, double x, double y, int align, const char *label,
                          double fontsize, const char *colour)
{
    double w, h;
    kl_i_map_text_size(label, fontsize, &w, &h);
    Agnode_t *nd = agnode(root, (char *)name, 1);
    if (!nd)
        return NULL;
    kl_i_map_pin(nd, x + align * w / 2, y);
    char buf[32];
    kl_i_set(nd, "shape", "plaintext");
    kl_i_set(nd, "label", label);
    snprintf(buf, sizeof buf, "%.1f", fontsize);
    kl_i_set(nd, "fontsize", buf);
    kl_i_set(nd, "fontcolor", colour);
    kl_i_set(nd, "margin", "0");
    kl_i_set(nd, "width", "0");
    kl_i_set(nd, "height", "0");
    return nd;
}

static Agedge_t *map_line(Agraph_t *root, Agnode_t *a, Agnode_t *b, const char *colour, const char *penwidth)
{
    if (!a || !b)
        return NULL;
    Agedge_t *e = agedge(root, a, b, NULL, 1);
    if (!e)
        return NULL;
    kl_i_set(e, "color", colour);
    kl_i_set(e, "penwidth", penwidth);
    kl_i_set(e, "label", "");
    return e;
}

/* ------------------------------------------------------------ basemap */

#define SEA_COLOUR "#EAF1F7"
#define LAND_COLOUR "#F2F0EB"
#define BORDER_COLOUR "#AAAAAA"
#define COAST_COLOUR "#7F98AA"
#define OUTLINE_COLOUR "#8E8E8E"
#define GRID_COLOUR "#C9D5DE"
#define FRAME_COLOUR "#A0A0A0"
#define MAP_TEXT_COLOUR "#777777"
#define SIMPLIFY_PT 0.5 /* rings lose the detail a reader cannot see */

/* One piece of the page drawn as a map (the main frame, or an inset): its
 * projection, where its origin goes, the rectangle it is clipped to, the
 * degrees it shows, and the xdot text (_background) it adds to. */
typedef struct {
    kl_i_sb_t *sb;
    const kl_geo_proj_t *proj;
    double ox, oy;
    double x0, y0, x1, y1;
    double lat_lo, lat_hi, lon_lo, lon_hi;
    kl_i_path_t a, b, piece; /* scratch */
    int failed;
} panel_t;

static void panel_destroy(panel_t *p)
{
    kl_i_path_free(&p->a);
    kl_i_path_free(&p->b);
    kl_i_path_free(&p->piece);
}

static void xdot_colour(kl_i_sb_t *sb, char op, const char *colour)
{
    kl_i_sb_printf(sb, "%c %zu -%s ", op, strlen(colour), colour);
}

static void xdot_style(kl_i_sb_t *sb, const char *style)
{
    kl_i_sb_printf(sb, "S %zu -%s ", strlen(style), style);
}

/* pen colour, width; fill colour (NULL: none) */
static void xdot_pen(kl_i_sb_t *sb, const char *pen, double width, const char *fill)
{
    char style[40];
    xdot_colour(sb, 'c', pen);
    snprintf(style, sizeof style, "setlinewidth(%.2f)", width);
    xdot_style(sb, style);
    if (fill)
        xdot_colour(sb, 'C', fill);
}

static void xdot_points(kl_i_sb_t *sb, char op, const kl_i_path_t *p)
{
    kl_i_sb_printf(sb, "%c %zu", op, p->n);
    for (size_t i = 0; i < p->n; i++)
        kl_i_sb_printf(sb, " %.1f %.1f", p->x[i], p->y[i]);
    kl_i_sb_printf(sb, " ");
}

static int shape_in_panel(const panel_t *p, const kl_i_shape_t *s)
{
    return s->lat_max >= p->lat_lo - 1 && s->lat_min <= p->lat_hi + 1 && s->lon_max >= p->lon_lo - 1 &&
           s->lon_min <= p->lon_hi + 1;
}

/* Project vertices [i0, i1) of s into p->a (a ring's last vertex may
 * repeat its first: Graphviz closes polygons itself). */
static void panel_project(panel_t *p, const double *lat, const double *lon, size_t i0, size_t i1)
{
    p->a.n = 0;
    for (size_t i = i0; i < i1; i++) {
        double x, y;
        kl_geo_proj_xy(p->proj, lat[i], lon[i], &x, &y);
        if (isfinite(x) && kl_i_path_push(&p->a, x + p->ox, y + p->oy))
            p->failed = 1;
    }
}

/* p->a as a filled area, simplified and clipped to the panel. */
static void panel_fill(panel_t *p)
{
    if (p->a.n >= 2 && p->a.x[0] == p->a.x[p->a.n - 1] && p->a.y[0] == p->a.y[p->a.n - 1])
        p->a.n--;
    if (p->a.n < 3)
        return;
    if (kl_i_simplify(&p->a, SIMPLIFY_PT, 1) != KL_OK || kl_i_clip_ring(&p->a, p->x0, p->y0, p->x1, p->y1, &p->b))
        p->failed = 1;
    else if (p->b.n >= 3)
        xdot_points(p->sb, 'P', &p->b);
}

static void piece_flush(panel_t *p)
{
    if (p->piece.n >= 2)
        xdot_points(p->sb, 'L', &p->piece);
    p->piece.n = 0;
}

/* p->a as a line (simplify: drop what does not show), clipped to the
 * panel: every part inside becomes a polyline. */
static void panel_line(panel_t *p, int simplify)
{
    if (simplify && kl_i_simplify(&p->a, SIMPLIFY_PT, 0) != KL_OK) {
        p->failed = 1;
        return;
    }
    p->piece.n = 0;
    for (size_t i = 0; i + 1 < p->a.n; i++) {
        double ax = p->a.x[i], ay = p->a.y[i], bx = p->a.x[i + 1], by = p->a.y[i + 1];
        if (!kl_i_clip_segment(&ax, &ay, &bx, &by, p->x0, p->y0, p->x1, p->y1))
            continue;
        size_t n = p->piece.n;
        if (n && (p->piece.x[n - 1] != ax || p->piece.y[n - 1] != ay))
            piece_flush(p);
        if ((!p->piece.n && kl_i_path_push(&p->piece, ax, ay)) || kl_i_path_push(&p->piece, bx, by))
            p->failed = 1;
    }
    piece_flush(p);
}

/* ---- coastlines and borders: an edge two countries share is a border */

typedef struct {
    int64_t k[4]; /* the edge's ends, quantized, the smaller first */
    uint32_t count;
    uint8_t drawn, used;
} edge_slot_t;

typedef struct {
    edge_slot_t *slot;
    size_t cap;
} edge_set_t;

static void edge_key(const kl_i_shape_t *s, size_t i, size_t j, int64_t k[4])
{
    int64_t a0 = llround(s->lat[i] * 1e6), a1 = llround(s->lon[i] * 1e6);
    int64_t b0 = llround(s->lat[j] * 1e6), b1 = llround(s->lon[j] * 1e6);
    int swap = a0 > b0 || (a0 == b0 && a1 > b1);
    k[0] = swap ? b0 : a0, k[1] = swap ? b1 : a1, k[2] = swap ? a0 : b0, k[3] = swap ? a1 : b1;
}

static edge_slot_t *edge_find(edge_set_t *es, const int64_t k[4])
{
    uint64_t h = 1469598103934665603ull;
    for (int i = 0; i < 4; i++)
        h = (h ^ (uint64_t)k[i]) * 1099511628211ull;
    size_t j = (size_t)(h ^ (h >> 31)) & (es->cap - 1);
    while (es->slot[j].used && memcmp(es->slot[j].k, k, sizeof es->slot[j].k) != 0)
        j = (j + 1) & (es->cap - 1);
    return &es->slot[j];
}

/* Count every edge of the countries in the panel.  -1 when out of memory. */
static int edges_count(edge_set_t *es, const kl_i_basemap_t *bm, const panel_t *p)
{
    size_t total = 0;
    for (uint32_t c = 0; c < bm->n_countries; c++)
        if (shape_in_panel(p, &bm->countries[c]))
            total += bm->countries[c].ring[bm->countries[c].n_rings];
    es->cap = 1024;
    while (es->cap < 2 * total + 2)
        es->cap *= 2;
    if (!(es->slot = calloc(es->cap, sizeof *es->slot)))
        return -1;
    int64_t k[4];
    for (uint32_t c = 0; c < bm->n_countries; c++) {
        const kl_i_shape_t *s = &bm->countries[c];
        if (!shape_in_panel(p, s))
            continue;
        for (uint32_t r = 0; r < s->n_rings; r++)
            for (uint32_t i = s->ring[r]; i < s->ring[r + 1]; i++) {
                uint32_t j = i + 1 < s->ring[r + 1] ? i + 1 : s->ring[r];
                edge_key(s, i, j, k);
                edge_slot_t *e = edge_find(es, k);
                memcpy(e->k, k, sizeof k);
                e->used = 1;
                e->count++;
            }
    }
    return 0;
}

/* The edges of one ring that are borders (want = 1, each drawn once) or
 * coastline (want = 0), as polylines. */
static void ring_lines(panel_t *p, edge_set_t *es, const kl_i_shape_t *s, uint32_t r, int want)
{
    uint32_t first = s->ring[r], n = s->ring[r + 1] - first;
    if (n < 2)
        return;
    /* start where the kind of edge changes, so that no run is cut at the
     * ring's first vertex */
    int64_t k[4];
    uint8_t *kind = malloc(n);
    if (!kind) {
        p->failed = 1;
        return;
    }
    for (uint32_t e = 0; e < n; e++) {
        edge_key(s, first + e, first + (e + 1) % n, k);
        edge_slot_t *slot = edge_find(es, k);
        int border = slot->count > 1;
        kind[e] = border == want && !(border && slot->drawn);
        if (kind[e] && border)
            slot->drawn = 1;
    }
    uint32_t start = 0;
    for (uint32_t e = 0; e < n; e++)
        if (kind[e] && !kind[(e + n - 1) % n]) {
            start = e;
            break;
        }
    p->a.n = 0;
    for (uint32_t t = 0; t <= n; t++) {
        uint32_t e = (start + t) % n;
        if (t < n && kind[e]) {
            double x, y;
            if (!p->a.n) {
                kl_geo_proj_xy(p->proj, s->lat[first + e], s->lon[first + e], &x, &y);
                if (kl_i_path_push(&p->a, x + p->ox, y + p->oy))
                    p->failed = 1;
            }
            uint32_t f = (e + 1) % n;
            kl_geo_proj_xy(p->proj, s->lat[first + f], s->lon[first + f], &x, &y);
            if (kl_i_path_push(&p->a, x + p->ox, y + p->oy))
                p->failed = 1;
        } else if (p->a.n) {
            panel_line(p, 1);
            p->a.n = 0;
        }
    }
    free(kind);
}

/* Sea, land, then borders and coastlines of the countries in the panel. */
static void panel_land(panel_t *p, const kl_i_basemap_t *bm)
{
    kl_i_path_t sea = {0};
    if (kl_i_path_push(&sea, p->x0, p->y0) || kl_i_path_push(&sea, p->x1, p->y0) ||
        kl_i_path_push(&sea, p->x1, p->y1) || kl_i_path_push(&sea, p->x0, p->y1))
        p->failed = 1;
    xdot_pen(p->sb, SEA_COLOUR, 0.1, SEA_COLOUR);
    xdot_points(p->sb, 'P', &sea);
    kl_i_path_free(&sea);
    if (!bm)
        return;
    xdot_pen(p->sb, LAND_COLOUR, 0.1, LAND_COLOUR);
    for (uint32_t c = 0; c < bm->n_countries; c++) {
        const kl_i_shape_t *s = &bm->countries[c];
        if (!shape_in_panel(p, s))
            continue;
        for (uint32_t r = 0; r < s->n_rings; r++) {
            panel_project(p, s->lat, s->lon, s->ring[r], s->ring[r + 1]);
            panel_fill(p);
        }
    }
}

static void panel_borders(panel_t *p, const kl_i_basemap_t *bm)
{
    edge_set_t es = {0};
    if (!bm)
        return;
    if (edges_count(&es, bm, p)) {
        p->failed = 1;
        return;
    }
    for (int want = 1; want >= 0; want--) {
        if (want)
            xdot_pen(p->sb, BORDER_COLOUR, 0.5, NULL);
        else
            xdot_pen(p->sb, COAST_COLOUR, 0.6, NULL);
        for (uint32_t c = 0; c < bm->n_countries; c++) {
            const kl_i_shape_t *s = &bm->countries[c];
            if (shape_in_panel(p, s))
                for (uint32_t r = 0; r < s->n_rings; r++)
                    ring_lines(p, &es, s, r, want);
        }
    }
    free(es.slot);
}

/* A region's outline (and fill, when given). */
static void panel_region(panel_t *p, const kl_i_shape_t *s, const char *fill)
{
    if (!shape_in_panel(p, s))
        return;
    if (fill) {
        xdot_pen(p->sb, fill, 0.1, fill);
        for (uint32_t r = 0; r < s->n_rings; r++) {
            panel_project(p, s->lat, s->lon, s->ring[r], s->ring[r + 1]);
            panel_fill(p);
        }
    }
    xdot_pen(p->sb, OUTLINE_COLOUR, 0.6, NULL);
    for (uint32_t r = 0; r < s->n_rings; r++) {
        panel_project(p, s->lat, s->lon, s->ring[r], s->ring[r + 1]);
        if (p->a.n && kl_i_path_push(&p->a, p->a.x[0], p->a.y[0]))
            p->failed = 1;
        panel_line(p, 1);
    }
}

static void panel_frame(panel_t *p, const char *colour, double width)
{
    kl_i_path_t f = {0};
    if (kl_i_path_push(&f, p->x0, p->y0) || kl_i_path_push(&f, p->x1, p->y0) || kl_i_path_push(&f, p->x1, p->y1) ||
        kl_i_path_push(&f, p->x0, p->y1))
        p->failed = 1;
    xdot_pen(p->sb, colour, width, NULL);
    xdot_points(p->sb, 'p', &f);
    kl_i_path_free(&f);
}

kl_err kl_i_map_panel(Agraph_t *root, kl_i_sb_t *sb, const kl_i_map_t *m, const kl_i_basemap_t *bm, double ox,
                      double oy, const char *tag)
{
    panel_t p = {.sb = sb, .proj = &m->proj, .ox = ox, .oy = oy, .x0 = m->x0 + ox, .y0 = m->y0 + oy,
                 .x1 = m->x1 + ox, .y1 = m->y1 + oy, .lat_lo = m->lat_lo, .lat_hi = m->lat_hi,
                 .lon_lo = m->lon_lo, .lon_hi = m->lon_hi};
    panel_land(&p, bm);
    panel_borders(&p, bm);
    panel_frame(&p, FRAME_COLOUR, 0.8);
    /* the corners as nodes: Graphviz's bounding box knows only nodes */
    char name[64];
    snprintf(name, sizeof name, "%s_sw", tag);
    if (!map_point(root, name, p.x0, p.y0))
        p.failed = 1;
    snprintf(name, sizeof name, "%s_ne", tag);
    if (!map_point(root, name, p.x1, p.y1))
        p.failed = 1;
    int failed = p.failed;
    panel_destroy(&p);
    return failed ? KL_ENOMEM : KL_OK;
}

/* ------------------------------------------------------------ graticule */

/* A parallel (lat, lon sweeping) or meridian (lon, lat sweeping) sampled
 * densely enough to look curved, into p->a. */
static void grid_line(panel_t *p, const kl_i_map_t *m, int meridian, double v)
{
    double lo = meridian ? fmax(m->lat_lo, -89.9) : m->lon_lo, hi = meridian ? fmin(m->lat_hi, 89.9) : m->lon_hi;
    p->a.n = 0;
    for (int k = 0; k <= 240; k++) {
        double t = lo + (hi - lo) * k / 240, x, y;
        kl_geo_proj_xy(&m->proj, meridian ? t : v, meridian ? v : t, &x, &y);
        if (isfinite(x) && kl_i_path_push(&p->a, x, y))
            p->failed = 1;
    }
}

/* Where the line in p->a crosses the frame's left edge (meridian = 0) or
 * bottom edge (1), inside the frame; 0 when it does not. */
static int grid_crossing(const panel_t *p, const kl_i_map_t *m, int meridian, double *at)
{
    for (size_t i = 0; i + 1 < p->a.n; i++) {
        double u0 = meridian ? p->a.y[i] : p->a.x[i], u1 = meridian ? p->a.y[i + 1] : p->a.x[i + 1];
        double edge = meridian ? m->y0 : m->x0;
        if ((u0 - edge) * (u1 - edge) > 0 || u0 == u1)
            continue;
        double t = (edge - u0) / (u1 - u0);
        double v = meridian ? p->a.x[i] + t * (p->a.x[i + 1] - p->a.x[i]) : p->a.y[i] + t * (p->a.y[i + 1] - p->a.y[i]);
        if (meridian ? v > m->x0 + 1 && v < m->x1 - 1 : v > m->y0 + 1 && v < m->y1 - 1) {
            *at = v;
            return 1;
        }
    }
    return 0;
}

/* ---------------------------------------------------------- furniture */

/* The graticule as curves in the panel, labelled where the lines leave the
 * frame on the left (parallels) and at the bottom (meridians). */
static kl_err map_grid(Agraph_t *root, panel_t *p, const kl_i_map_t *m)
{
    char name[48], label[48];
    xdot_pen(p->sb, GRID_COLOUR, 0.5, NULL);
    for (int meridian = 0; meridian < 2; meridian++) {
        double lo = meridian ? m->lon_lo : m->lat_lo, hi = meridian ? m->lon_hi : m->lat_hi;
        double step = meridian ? m->lon_step : m->lat_step;
        for (long k = (long)ceil(lo / step - 1e-9); k <= (long)floor(hi / step + 1e-9); k++) {
            double v = k * step, at;
            if (!meridian && fabs(v) >= 90)
                continue;
            grid_line(p, m, meridian, v);
            if (grid_crossing(p, m, meridian, &at)) {
                kl_geo_degrees(v, step, !meridian, label, sizeof label);
                snprintf(name, sizeof name, meridian ? "map_lon%ld" : "map_lat%ld", k);
                if (!(meridian ? kl_i_map_text(root, name, at, m->y0 - 10, 0, label, 9, MAP_TEXT_COLOUR)
                               : kl_i_map_text(root, name, m->x0 - 4, at, -1, label, 9, MAP_TEXT_COLOUR)))
                    return KL_ENOMEM;
            }
            panel_line(p, 0);
        }
    }
    return p->failed ? KL_ENOMEM : KL_OK;
}

/* The frame's corners (they hold the drawing's extent: the background is
 * not counted), the scale bar under the frame, left, and the north arrow
 * above it, right. */
static kl_err map_furniture(Agraph_t *root, const kl_i_map_t *m)
{
    char name[48], label[96];
    const kl_geo_proj_t *p = &m->proj;
    if (!map_point(root, "map_sw", m->x0, m->y0) || !map_point(root, "map_ne", m->x1, m->y1))
        return KL_ENOMEM;
    /* a round length with ticks at its ends and middle; true at the centre
     * (the legend says so, and how far it is off at worst) */
    double len = m->bar_km * p->scale, yb = m->y0 - 30;
    Agnode_t *b0 = map_point(root, "map_bar0", m->x0, yb), *b1 = map_point(root, "map_bar1", m->x0 + len, yb);
    if (!map_line(root, b0, b1, "#333333", "2.5"))
        return KL_ENOMEM;
    for (int k = 0; k <= 2; k++) {
        snprintf(name, sizeof name, "map_tick%d_a", k);
        Agnode_t *a = map_point(root, name, m->x0 + len * k / 2, yb - 4);
        snprintf(name, sizeof name, "map_tick%d_b", k);
        Agnode_t *b = map_point(root, name, m->x0 + len * k / 2, yb + 4);
        if (!map_line(root, a, b, "#333333", "1.2"))
            return KL_ENOMEM;
    }
    snprintf(label, sizeof label, _("%g km (at the centre)"), m->bar_km);
    if (!kl_i_map_text(root, "map_bar_label", m->x0 + len + 6, yb, 1, label, 10, "#333333"))
        return KL_ENOMEM;
    Agnode_t *n0 = map_point(root, "map_north0", m->x1 - 10, m->y1 + 8),
             *n1 = map_point(root, "map_north1", m->x1 - 10, m->y1 + 30);
    Agedge_t *arrow = map_line(root, n0, n1, "#333333", "1.5");
    if (!arrow || !kl_i_map_text(root, "map_north", m->x1 - 10, m->y1 + 40, 0, C_("compass", "N"), 12, "#333333"))
        return KL_ENOMEM;
    kl_i_set(arrow, "dir", "forward");
    kl_i_set(arrow, "arrowhead", "normal");
    kl_i_set(arrow, "arrowsize", "0.9");
    return KL_OK;
}

/* What a map draws under its nodes, region by region: NULL, or the fill of
 * a region whose outline is known (outline only when the fill is NULL). */
typedef struct {
    const kl_i_shape_t **shape; /* per view node: its outline, or NULL */
    const char **fill;          /* per view node: its fill, or NULL */
    uint32_t n;
} map_areas_t;

static void panel_areas(panel_t *p, const map_areas_t *areas)
{
    if (!areas)
        return;
    for (uint32_t i = 0; i < areas->n; i++)
        if (areas->shape[i])
            panel_region(p, areas->shape[i], areas->fill ? areas->fill[i] : NULL);
}

/* Everything under the nodes, as the root graph's _background (Graphviz
 * draws it first in every format, and `dot` reads it back from the DOT):
 * the frame's sea, land, region outlines and fills, graticule, borders and
 * coastlines, the frame; then each inset the same way, with its place's
 * outline; then the furniture's nodes.  bm may be NULL (no basemap: sea
 * and graticule only).  Errors: KL_ENOMEM. */
static kl_err map_base(Agraph_t *root, const kl_i_map_t *m, const kl_i_basemap_t *bm, const map_areas_t *areas,
                       const kl_i_map_info_t *info)
{
    kl_i_sb_t sb = {0};
    panel_t p = {.sb = &sb, .proj = &m->proj, .x0 = m->x0, .y0 = m->y0, .x1 = m->x1, .y1 = m->y1,
                 .lat_lo = m->lat_lo, .lat_hi = m->lat_hi, .lon_lo = m->lon_lo, .lon_hi = m->lon_hi};
    kl_err rc = KL_ENOMEM;
    panel_land(&p, bm);
    panel_areas(&p, areas);
    if (map_grid(root, &p, m) != KL_OK)
        goto cleanup;
    panel_borders(&p, bm);
    panel_frame(&p, FRAME_COLOUR, 0.8);
    for (uint32_t k = 0; k < info->n_insets; k++) {
        const kl_i_inset_t *in = &info->inset[k];
        panel_t q = {.sb = &sb, .proj = &in->proj, .ox = in->cx, .oy = in->cy,
                     .x0 = in->x0, .y0 = in->y0, .x1 = in->x1, .y1 = in->y1};
        kl_geo_proj_t shifted = in->proj;
        frame_degrees(&shifted, in->x0 - in->cx, in->y0 - in->cy, in->x1 - in->cx, in->y1 - in->cy, &q.lat_lo,
                      &q.lat_hi, &q.lon_lo, &q.lon_hi);
        panel_land(&q, bm);
        if (areas && areas->shape[in->node])
            panel_region(&q, areas->shape[in->node], areas->fill ? areas->fill[in->node] : NULL);
        panel_borders(&q, bm);
        panel_frame(&q, "#666666", 0.8);
        char name[32];
        snprintf(name, sizeof name, "map_inset%u_sw", k);
        if (!map_point(root, name, in->x0, in->y0))
            q.failed = 1;
        snprintf(name, sizeof name, "map_inset%u_ne", k);
        if (!map_point(root, name, in->x1, in->y1))
            q.failed = 1;
        p.failed |= q.failed;
        panel_destroy(&q);
    }
    if (p.failed || sb.failed)
        goto cleanup;
    kl_i_set(root, "_background", sb.s ? sb.s : "");
    rc = map_furniture(root, m);
cleanup:
    panel_destroy(&p);
    free(sb.s);
    return rc;
}

/* -------------------------------------------------------------- brokers */

static int cmp_broker(const void *a, const void *b)
{
    const kl_i_order_t *x = a, *y = b;
    if (x->x != y->x)
        return x->x > y->x ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

kl_err kl_i_region_brokers(const kl_i_view_t *view, const kl_analysis_t *res, uint32_t *mark, int64_t *brokers,
                           uint32_t *n_brokers)
{
    kl_i_order_t *o = malloc(((size_t)view->m + 1) * sizeof *o);
    if (!o)
        return KL_ENOMEM;
    uint32_t k = 0;
    for (uint32_t e = 0; e < view->m; e++) {
        if (!mark[e] || view->ebroker[e] < 0) {
            mark[e] = 0;
            continue;
        }
        int64_t u = view->ebroker[e];
        int seen = 0;
        for (uint32_t j = 0; j < k && !seen; j++)
            seen = o[j].i == (uint32_t)u;
        if (!seen)
            o[k++] = (kl_i_order_t){res && isfinite(res->irb[u]) ? res->irb[u] : 0, 0, (uint32_t)u};
    }
    qsort(o, k, sizeof *o, cmp_broker);
    for (uint32_t j = 0; j < k; j++)
        brokers[j] = o[j].i;
    for (uint32_t e = 0; e < view->m; e++)
        for (uint32_t j = 0; mark[e] && j < k; j++)
            if (brokers[j] == view->ebroker[e]) {
                mark[e] = j + 1;
                break;
            }
    *n_brokers = k;
    free(o);
    return KL_OK;
}

/* An entity's short_name attribute ("NTNU"), decoded, into buf; "" when it
 * has none (or memory ran out: the legend then does without it). */
void kl_i_entity_short_name(const kl_dataset_t *ds, uint32_t entity, char *buf, size_t size)
{
    buf[0] = '\0';
    for (uint32_t a = 0; a < ds->n_attrs; a++) {
        const kl_attr_t *at = &ds->attrs[a];
        if (at->owner != entity || at->owner_kind != KL_OWNER_ENTITY || strcmp(at->key, "short_name") != 0)
            continue;
        int nomem = 0;
        char *text = kl_i_short_name(at, &nomem);
        if (text)
            snprintf(buf, size, "%s", text);
        free(text);
        return;
    }
}

#define BROKER_LINE_CHARS 100 /* about the width of the legend's other lines */

void kl_i_broker_rows(kl_i_sb_t *b, const kl_dataset_t *ds, const kl_agraph_t *g, const int64_t *brokers, uint32_t n)
{
    if (!n)
        return;
    kl_i_sb_printf(b, "<TR><TD ALIGN=\"LEFT\" BALIGN=\"LEFT\"><B>%s</B>  ", _("Brokers"));
    size_t line = 0; /* characters on the legend's line so far: long names go one or two a line */
    for (uint32_t k = 0; k < n; k++) {
        uint32_t ent = g->vertex_entity[brokers[k]];
        char sn[64];
        kl_i_entity_short_name(ds, ent, sn, sizeof sn);
        size_t len = strlen(ds->entities[ent].name) + strlen(sn) + 8;
        len = len > 72 ? 72 : len;
        if (k && line + len > BROKER_LINE_CHARS) {
            kl_i_sb_printf(b, "<BR ALIGN=\"LEFT\"/>");
            line = 0;
        } else if (k) {
            kl_i_sb_printf(b, "   ");
        }
        line += len;
        kl_i_sb_printf(b, "<B>#%u</B> ", k + 1);
        kl_i_sb_text(b, ds->entities[ent].name, 1, 0, 60);
        if (sn[0]) {
            kl_i_sb_printf(b, " (");
            kl_i_sb_text(b, sn, 1, 0, 20);
            kl_i_sb_printf(b, ")");
        }
    }
    kl_i_sb_printf(b, "</TD></TR>");
}

/* ------------------------------------------------------ filled regions */

/* A sequential scale (ColorBrewer YlGnBu), light for few. */
static const char *const area_scale[] = {"#FFFFCC", "#C7E9B4", "#7FCDBB", "#41B6C4", "#2C7FB8"};
#define AREA_CLASSES 5

/* Two significant digits: class breaks a reader can take in. */
static double round2(double v)
{
    if (!(v > 0))
        return v;
    double p = pow(10, floor(log10(v)) - 1);
    return round(v / p) * p;
}

typedef struct {
    double brk[AREA_CLASSES]; /* lower bounds: class c holds values >= brk[c] */
    uint32_t n;               /* classes */
} classes_t;

/* Classes of about equal counts (quantiles) with rounded bounds. */
static void classes_make(classes_t *c, double *v, uint32_t k)
{
    qsort(v, k, sizeof *v, kl_i_cmp_double);
    c->n = 0;
    for (uint32_t q = 0; q < AREA_CLASSES && k; q++) {
        double b = q ? round2(v[(size_t)k * q / AREA_CLASSES]) : v[0];
        if (!c->n || b > c->brk[c->n - 1])
            c->brk[c->n++] = b;
    }
}

static uint32_t class_of(const classes_t *c, double v)
{
    uint32_t k = 0;
    while (k + 1 < c->n && v >= c->brk[k + 1])
        k++;
    return k;
}

static const char *class_colour(const classes_t *c, uint32_t k)
{
    /* fewer classes spread over the whole scale */
    return area_scale[c->n > 1 ? k * (AREA_CLASSES - 1) / (c->n - 1) : AREA_CLASSES - 1];
}

static void number_text(char *buf, size_t size, double v, int whole)
{
    snprintf(buf, size, whole ? "%.0f" : "%.2g", v);
}

/* The legend row of the classes, in words. */
static void classes_legend(kl_i_sb_t *b, const classes_t *c, double max, int whole, const char *what)
{
    kl_i_sb_printf(b, "<TR><TD ALIGN=\"LEFT\" BALIGN=\"LEFT\"><B>%s</B>  ", _("Areas"));
    /* TRANSLATORS: %s says what colours the regions: "actors in the region" */
    kl_i_sb_printf(b, _("fill: %s"), what);
    kl_i_sb_printf(b, "<BR ALIGN=\"LEFT\"/>");
    for (uint32_t k = 0; k < c->n; k++) {
        char lo[32], hi[32];
        kl_i_sb_printf(b, "%s<FONT COLOR=\"%s\">\u2588\u2588</FONT> ", k ? "   " : "", class_colour(c, k));
        number_text(lo, sizeof lo, c->brk[k], whole);
        /* TRANSLATORS: a class of a colour scale, "12 or more", "3 to 11",
         * "0.25 to under 0.5" */
        if (k + 1 == c->n && c->n > 1) {
            kl_i_sb_printf(b, _("%s or more"), lo);
        } else if (k + 1 < c->n) {
            number_text(hi, sizeof hi, whole ? c->brk[k + 1] - 1 : c->brk[k + 1], whole);
            kl_i_sb_printf(b, whole ? _("%s to %s") : _("%s to under %s"), lo, hi);
        } else if (max > c->brk[k]) {
            number_text(hi, sizeof hi, max, whole);
            kl_i_sb_printf(b, _("%s to %s"), lo, hi);
        } else {
            kl_i_sb_printf(b, "%s", lo);
        }
    }
    kl_i_sb_printf(b, "<BR ALIGN=\"LEFT\"/>%s</TD></TR>",
                   _("regions whose outline is not known: circles, area by actors"));
}

/* ------------------------------------------------------ the region map */

#define REGION_DMAX 60.0 /* points: the diameter of the region with most actors */
#define MAP_SIDE 648.0     /* points: the longer side of a map of a dozen places */
#define GEO_EDGE_LABELS 12 /* maps mark at most this many links: the heaviest */
#define INSET_W 160.0      /* points: an inset's box, at least */
#define INSET_H 140.0
#define INSET_LABEL 26.0   /* points: the strip of its name, along its bottom */
#define INSET_KM 600.0 /* what an inset shows around a place without an outline */

static int off_point(const kl_geo_box_t *b)
{
    return isfinite(b->x) && hypot(b->x - b->ax, b->y - b->ay) > b->w / 2;
}

/* The longer side of a map of n places: more places, a larger map. */
static double map_side(uint32_t n)
{
    double f = sqrt(n / 12.0);
    return MAP_SIDE * (f < 1 ? 1 : f > 3 ? 3 : f);
}

/* A text node at b's place, on a veil of white so lines under it stay
 * readable. */
static Agnode_t *label_node(Agraph_t *root, const char *name, const kl_geo_box_t *b, const char *label, double fontsize,
                            const char *colour)
{
    Agnode_t *nd = agnode(root, (char *)name, 1);
    if (!nd)
        return NULL;
    kl_i_map_pin(nd, b->x, b->y);
    kl_i_set(nd, "shape", "plaintext");
    kl_i_set(nd, "label", label);
    kl_i_setf(nd, "fontsize", "%.1f", fontsize);
    kl_i_set(nd, "fontcolor", colour);
    kl_i_set(nd, "style", "filled");
    kl_i_set(nd, "fillcolor", "#FFFFFFB3");
    kl_i_set(nd, "margin", "0");
    kl_i_setf(nd, "width", "%.2f", b->w / 72);
    kl_i_setf(nd, "height", "%.2f", b->h / 72);
    return nd;
}

/* A thin line from a label placed away from its object back to it. */
static int leader(Agraph_t *root, Agnode_t *from, Agnode_t *to, const char *colour)
{
    Agedge_t *e = agedge(root, from, to, NULL, 1);
    if (!e)
        return -1;
    kl_i_set(e, "color", colour);
    kl_i_set(e, "penwidth", "0.7");
    kl_i_set(e, "label", "");
    return 0;
}

#define CROWD_MAX 1.5 /* a crowded map may grow to this many times its size */

/* Where the region map's pieces go, worked out before anything is drawn. */
typedef struct {
    uint32_t n, m;    /* the view's regions and links */
    kl_geo_box_t *b;  /* circles [0, n), their names [n, 2n), links' marks [2n, 2n + m) */
    uint32_t *order;  /* circles by area, the largest first */
    char **text;      /* names [0, n), marks [n, n + m); NULL: not drawn */
    uint32_t *mark;   /* per link: its broker's number, 0: none */
    int64_t *brokers; /* numbered brokers */
    uint32_t n_brokers;
    double wmax;                 /* the most links between two regions */
    uint8_t *out;                /* per region: far from the bulk */
    uint8_t *inset_of;           /* per region: 1 + its inset, 0: none */
    const kl_i_shape_t **shape;  /* per region: its outline, or NULL */
    kl_i_shape_t *own;           /* per region: its own outline, when the dataset gives one */
    const char **area_fill;      /* per region: filled with this class colour (opt->areas), or NULL */
    uint8_t *shown;              /* per link: drawn (a map of many links draws the heaviest) */
    uint32_t n_shown;
    double min_shown;            /* the fewest cross-region links of a link drawn */
} region_places_t;

static void region_places_destroy(region_places_t *pl)
{
    if (pl->text)
        for (uint32_t i = 0; i < pl->n + pl->m; i++)
            free(pl->text[i]);
    free(pl->text);
    free(pl->b);
    free(pl->order);
    free(pl->mark);
    free(pl->brokers);
    free(pl->out);
    free(pl->inset_of);
    free(pl->shape);
    free(pl->own);
    free(pl->area_fill);
    free(pl->shown);
}

#define GEO_MAX_LINKS 300 /* more lines than this hide the map under them */

/* The links drawn: all, or when there are more than GEO_MAX_LINKS the
 * heaviest, cut at a number of cross-region links (those at the cut all
 * drawn, unless that makes half as many again).  Errors: KL_ENOMEM. */
static kl_err links_shown(region_places_t *pl, const kl_i_view_t *view)
{
    uint32_t m = view->m;
    double cut = 0;
    if (m > GEO_MAX_LINKS) {
        double *w = malloc(m * sizeof *w);
        if (!w)
            return KL_ENOMEM;
        for (uint32_t e = 0; e < m; e++)
            w[e] = -view->ew[e];
        qsort(w, m, sizeof *w, kl_i_cmp_double);
        cut = -w[GEO_MAX_LINKS - 1];
        uint32_t at = GEO_MAX_LINKS;
        while (at < m && -w[at] == cut)
            at++;
        if (at > GEO_MAX_LINKS + GEO_MAX_LINKS / 2)
            for (uint32_t k = GEO_MAX_LINKS - 1; k-- > 0;)
                if (-w[k] > cut) {
                    cut = -w[k];
                    break;
                }
        free(w);
    }
    pl->n_shown = 0;
    pl->min_shown = INFINITY;
    for (uint32_t e = 0; e < m; e++) {
        pl->shown[e] = view->ew[e] >= cut;
        if (pl->shown[e])
            pl->n_shown++, pl->min_shown = fmin(pl->min_shown, view->ew[e]);
    }
    return KL_OK;
}

/* The diameter of a circle of `actors` when the most is amax: areas in
 * proportion, with no floor (a floor would break the proportion). */
static double circle_d(double actors, double amax)
{
    return amax > 0 ? REGION_DMAX * sqrt(actors / amax) : REGION_DMAX;
}

/* The regions far from the bulk, their outlines, and with opt->areas the
 * fill of those with an outline, by class; the legend's rows for them. */
static kl_err regions_classify(region_places_t *pl, const kl_i_view_t *view, const kl_dataset_t *ds,
                               const kl_agraph_t *g, const kl_analysis_t *res, const kl_viz_options_t *opt,
                               const kl_i_basemap_t *bm, kl_i_map_info_t *info)
{
    uint32_t n = view->n;
    double *w = malloc(((size_t)n + 1) * sizeof *w), *v = malloc(((size_t)n + 1) * sizeof *v);
    double *irb = opt->areas == KL_AREAS_IRB ? calloc((size_t)ds->n_regions + 1, sizeof *irb) : NULL;
    kl_err rc = KL_ENOMEM;
    if (!w || !v || (opt->areas == KL_AREAS_IRB && !irb))
        goto cleanup;
    for (uint32_t i = 0; i < n; i++)
        w[i] = view->nactors[i];
    int far = kl_geo_outliers(view->lat, view->lon, w, n, pl->out);
    if (far < 0)
        goto cleanup;
    for (uint32_t i = 0, k = 0; i < n && far <= KL_I_MAX_INSETS; i++)
        if (pl->out[i])
            pl->inset_of[i] = (uint8_t)++k;
    for (uint32_t i = 0; i < n; i++)
        if (isfinite(view->lat[i]))
            pl->shape[i] = kl_i_region_shape(bm, &ds->regions[view->node[i]], &pl->own[i]);
    rc = KL_OK;
    if (opt->areas == KL_AREAS_NONE)
        goto cleanup;
    /* a region's irb: its actors' irb summed (the brokerage its actors do) */
    if (irb)
        for (uint32_t u = 0; u < g->n; u++)
            if (g->vertex_region[u] >= 0 && isfinite(res->irb[u]))
                irb[g->vertex_region[u]] += res->irb[u];
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++)
        if (pl->shape[i] && (!pl->out[i] || pl->inset_of[i]))
            v[k++] = irb ? irb[view->node[i]] : view->nactors[i];
    if (!k)
        goto cleanup;
    double max = 0;
    for (uint32_t j = 0; j < k; j++)
        max = fmax(max, v[j]);
    classes_t c;
    classes_make(&c, v, k);
    for (uint32_t i = 0; i < n; i++)
        if (pl->shape[i] && (!pl->out[i] || pl->inset_of[i]))
            pl->area_fill[i] = class_colour(&c, class_of(&c, irb ? irb[view->node[i]] : view->nactors[i]));
    classes_legend(&info->legend, &c, max, !irb,
                   irb ? _("inter-regional betweenness of the region's actors (summed)") : _("actors in the region"));
cleanup:
    free(w);
    free(v);
    free(irb);
    return rc;
}

#define NAMES_OVER_LINKS 60 /* more links than this: names go first, over them */

/* The names next to their circles (a filled region's on its point),
 * wherever there is room.  Errors: KL_ENOMEM. */
static kl_err place_names(region_places_t *pl, const kl_i_view_t *view, const kl_dataset_t *ds, kl_i_spread_t *sp)
{
    uint32_t n = view->n;
    kl_geo_box_t *b = pl->b;
    kl_i_sb_t s = {0};
    for (uint32_t t = 0; t < n; t++) {
        uint32_t i = pl->order[t];
        if (!isfinite(b[i].x))
            continue;
        s.len = 0;
        kl_i_sb_text(&s, ds->regions[view->node[i]].name, 0, 18, 60);
        kl_i_sb_printf(&s, "\\n");
        kl_i_sb_printf(&s, kl_trn("%u actor", "%u actors", view->nactors[i]), view->nactors[i]);
        if (s.failed || !(pl->text[i] = strdup(s.s)))
            goto fail;
        kl_geo_box_t *l = &b[n + i];
        *l = (kl_geo_box_t){b[i].x, b[i].y, 0, 0, NAN, NAN, 0};
        kl_i_map_text_size(pl->text[i], 11, &l->w, &l->h);
        if (!kl_i_spread_find(sp, l, 1, INFINITY))
            l->x = b[i].x, l->y = b[i].y;
        if (kl_i_spread_add(sp, l) != KL_OK)
            goto fail;
    }
    free(s.s);
    return KL_OK;
fail:
    free(s.s);
    return KL_ENOMEM;
}

/* Fit the map to the bulk of the regions, then place the circles (a filled
 * region: its point), the marks of the heaviest links and the names, each
 * kept off those placed before it and off the links' lines.  Sets
 * info->map and info->edge_labels.  Errors: KL_ENOMEM (pl must be
 * destroyed either way). */
static kl_err place_regions(region_places_t *pl, const kl_i_view_t *view, const kl_dataset_t *ds, kl_i_map_info_t *info)
{
    uint32_t n = view->n, m = view->m;
    kl_geo_box_t *b = pl->b;
    uint32_t *order = pl->order;
    kl_i_order_t *ko = calloc((size_t)(n > m ? n : m) + 1, sizeof *ko);
    double *xk = calloc((size_t)n + 1, sizeof *xk), *yk = calloc((size_t)n + 1, sizeof *yk),
           *rk = calloc((size_t)n + 1, sizeof *rk);
    kl_i_spread_t *sp = NULL;
    kl_i_sb_t s = {0};
    kl_err rc = KL_ENOMEM;
    if (!ko || !xk || !yk || !rk)
        goto cleanup;
    double amax = 0, wmax = 0;
    uint32_t bulk = 0;
    for (uint32_t i = 0; i < n; i++) {
        amax = view->nactors[i] > amax ? view->nactors[i] : amax;
        bulk += isfinite(view->lat[i]) && !pl->out[i];
    }
    for (uint32_t e = 0; e < m; e++)
        wmax = view->ew[e] > wmax ? view->ew[e] : wmax;
    pl->wmax = wmax;
    /* the scale: the bulk fills the map, grown (up to CROWD_MAX) until
     * neighbouring circles no longer overlap */
    kl_i_map_fit(&info->map, view->lat, view->lon, pl->out, n, map_side(bulk));
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++) {
        double d = pl->area_fill[i] ? 0 : circle_d(view->nactors[i], amax);
        b[i] = (kl_geo_box_t){NAN, NAN, d, d, NAN, NAN, 1};
        if (isfinite(view->lat[i]) && !pl->out[i] && d > 0) {
            kl_geo_proj_km(&info->map.proj, view->lat[i], view->lon[i], &xk[k], &yk[k]);
            rk[k++] = d / 2 + 1;
        }
        ko[i] = (kl_i_order_t){view->nactors[i], i, i};
    }
    double need = kl_i_map_crowding_scale(&info->map, xk, yk, rk, k);
    info->map.proj.scale = fmin(need, CROWD_MAX * info->map.proj.scale);
    for (uint32_t i = 0; i < n; i++)
        if (isfinite(view->lat[i]) && !pl->out[i])
            kl_geo_proj_xy(&info->map.proj, view->lat[i], view->lon[i], &b[i].ax, &b[i].ay);
    /* circles by area, the largest first (nearest their points); a filled
     * region's point stays where it is */
    qsort(ko, n, sizeof *ko, kl_i_cmp_order);
    for (uint32_t i = 0; i < n; i++)
        order[i] = ko[i].i;
    if (!(sp = kl_i_spread_new(2 * REGION_DMAX)))
        goto cleanup;
    for (uint32_t t = 0; t < n; t++) {
        kl_geo_box_t *c = &b[order[t]];
        if ((pl->area_fill[order[t]] || !kl_i_spread_find(sp, c, 1, INFINITY)) && isfinite(c->ax))
            c->x = c->ax, c->y = c->ay;
        if (kl_i_spread_add(sp, c) != KL_OK)
            goto cleanup;
    }
    /* a few links keep the names off their lines; many would push the
     * names far from their circles: then the names come first, on veils
     * over the lines */
    int names_first = pl->n_shown > NAMES_OVER_LINKS;
    if (names_first && place_names(pl, view, ds, sp) != KL_OK)
        goto cleanup;
    /* the links themselves, as a trail of small boxes between the circles:
     * marks (and names) then sit beside lines, not on them */
    for (uint32_t e = 0; e < m; e++) {
        const kl_geo_box_t *u = &b[view->eu[e]], *w = &b[view->ev[e]];
        if (!isfinite(u->x) || !isfinite(w->x) || !pl->shown[e])
            continue;
        double len = hypot(w->x - u->x, w->y - u->y), pen = kl_i_link_width(view->ew[e], wmax);
        for (double t = u->w / 2; t < len - w->w / 2; t += 6) {
            kl_geo_box_t dot = {
                NAN, NAN, pen + 2, pen + 2, u->x + (w->x - u->x) * t / len, u->y + (w->y - u->y) * t / len, 0};
            if (kl_i_spread_add(sp, &dot) != KL_OK)
                goto cleanup;
        }
    }
    /* the marks of the heaviest links near the links' middles (one with no
     * room there goes unmarked), before the names, which always find room */
    for (uint32_t e = 0; e < m; e++)
        ko[e] = (kl_i_order_t){view->ew[e], e, e};
    qsort(ko, m, sizeof *ko, kl_i_cmp_order);
    for (uint32_t t = 0, labelled = 0; t < m && labelled < GEO_EDGE_LABELS; t++) {
        uint32_t e = ko[t].i;
        const kl_geo_box_t *u = &b[view->eu[e]], *w = &b[view->ev[e]];
        if (!isfinite(u->x) || !isfinite(w->x) || view->ebroker[e] < 0 || !pl->shown[e])
            continue;
        kl_geo_box_t *l = &b[2 * n + e];
        *l = (kl_geo_box_t){(u->x + w->x) / 2, (u->y + w->y) / 2, 0, 0, NAN, NAN, 0};
        kl_i_map_text_size("#00", 10, &l->w, &l->h);
        double len = hypot(u->x - w->x, u->y - w->y);
        if (!kl_i_spread_find(sp, l, 1, fmax(60, 0.5 * len)))
            continue;
        if (kl_i_spread_add(sp, l) != KL_OK)
            goto cleanup;
        pl->mark[e] = 1;
        labelled++;
        info->edge_labels = 1;
    }
    if (!names_first && place_names(pl, view, ds, sp) != KL_OK)
        goto cleanup;
    rc = KL_OK;
cleanup:
    free(ko);
    free(xk);
    free(yk);
    free(rk);
    kl_i_spread_free(sp);
    free(s.s);
    return rc;
}

/* How far the box (x0, y0)-(x1, y1) must move away from the frame's inside
 * (dx, dy: the corner's outward signs) to clear the boxes b: the smaller
 * of the moves along x and along y; 0 when it clears them already. */
static double inset_shift(const kl_geo_box_t *b, uint32_t n, double x0, double y0, double x1, double y1, int dx, int dy,
                          int *along_x)
{
    double need_x = 0, need_y = 0;
    int hit = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (!isfinite(b[i].x) || b[i].w <= 0)
            continue;
        double bx0 = b[i].x - b[i].w / 2 - 4, bx1 = b[i].x + b[i].w / 2 + 4;
        double by0 = b[i].y - b[i].h / 2 - 4, by1 = b[i].y + b[i].h / 2 + 4;
        if (bx1 > x0 && bx0 < x1)
            need_y = fmax(need_y, dy > 0 ? by1 - y0 : y1 - by0);
        if (by1 > y0 && by0 < y1)
            need_x = fmax(need_x, dx > 0 ? bx1 - x0 : x1 - bx0);
        hit |= bx1 > x0 && bx0 < x1 && by1 > y0 && by0 < y1;
    }
    if (!hit)
        return 0;
    *along_x = need_x < need_y;
    return fmin(need_x, need_y);
}

#define INSET_NEAR_KM 400.0 /* an inset shows the rings of its place this near it */

/* Whether ring r of s holds the centre of projection p, or comes within
 * INSET_NEAR_KM of it: the rest of a shape (Alaska for the United States,
 * Jan Mayen for Svalbard) would shrink the place in its inset. */
static int ring_near(const kl_geo_proj_t *p, const kl_i_shape_t *s, uint32_t r)
{
    if (kl_i_ring_contains(s, r, p->lat0, p->lon0))
        return 1;
    for (uint32_t v = s->ring[r]; v < s->ring[r + 1]; v++) {
        double x, y;
        kl_geo_proj_km(p, s->lat[v], s->lon[v], &x, &y);
        if (isfinite(x) && hypot(x, y) < INSET_NEAR_KM)
            return 1;
    }
    return 0;
}

static void ring_box(const kl_geo_proj_t *p, const kl_i_shape_t *s, uint32_t r, double *x0, double *y0, double *x1,
                     double *y1)
{
    for (uint32_t v = s->ring[r]; v < s->ring[r + 1]; v++) {
        double x, y;
        kl_geo_proj_km(p, s->lat[v], s->lon[v], &x, &y);
        if (isfinite(x))
            *x0 = fmin(*x0, x), *x1 = fmax(*x1, x), *y0 = fmin(*y0, y), *y1 = fmax(*y1, y);
    }
}

/* Each place far from the bulk, when there are few, in a box of its own in
 * a corner of the frame: the corner needing the least room, then the one
 * nearest the place; the frame grows when the corner is taken by the map.
 * The box shows the place's outline (or INSET_KM around it) at a scale of
 * its own; its circle has the main map's scale of areas. */
static kl_err place_insets(region_places_t *pl, const kl_i_view_t *view, kl_i_map_info_t *info, double amax)
{
    uint32_t n = view->n;
    kl_i_map_t *m = &info->map;
    uint8_t used[4] = {0};
    /* the boxes to clear: circles, names, marks, and the insets placed */
    uint32_t nb = 2 * n + view->m;
    kl_geo_box_t *ob = malloc(((size_t)nb + KL_I_MAX_INSETS + 1) * sizeof *ob);
    if (!ob)
        return KL_ENOMEM;
    memcpy(ob, pl->b, nb * sizeof *ob);
    for (uint32_t t = 0; t < n; t++) {
        uint32_t i = pl->order[t];
        if (!pl->inset_of[i] || !isfinite(view->lat[i]))
            continue;
        kl_i_inset_t *in = &info->inset[info->n_insets];
        double d = pl->area_fill[i] ? 0 : circle_d(view->nactors[i], amax);
        double w = fmax(INSET_W, d + 30), h = fmax(INSET_H, d + 44);
        /* what the box shows: the place's outline if known (its box's
         * middle in the middle), else INSET_KM around the place */
        double span_x = INSET_KM, span_y = INSET_KM * h / w, mid_x = 0, mid_y = 0;
        kl_geo_proj_init(&in->proj, view->lat[i], view->lon[i], 1);
        const kl_i_shape_t *s = pl->shape[i];
        if (s) {
            double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
            for (uint32_t r = 0; r < s->n_rings; r++)
                if (ring_near(&in->proj, s, r))
                    ring_box(&in->proj, s, r, &x0, &y0, &x1, &y1);
            if (x0 < x1) {
                span_x = 1.1 * (x1 - x0), span_y = 1.1 * (y1 - y0);
                mid_x = (x0 + x1) / 2, mid_y = (y0 + y1) / 2;
            }
        }
        in->proj.scale = fmin((w - 8) / fmax(span_x, 50), (h - INSET_LABEL - 8) / fmax(span_y, 50));
        /* the corner */
        double xp, yp;
        kl_geo_proj_xy(&m->proj, view->lat[i], view->lon[i], &xp, &yp);
        int best = -1, best_x = 0;
        double best_need = INFINITY, best_dist = INFINITY;
        for (int c = 0; c < 4; c++) {
            if (used[c])
                continue;
            int dx = c & 1 ? 1 : -1, dy = c & 2 ? 1 : -1, ax = 0;
            double x0 = dx > 0 ? m->x1 - w : m->x0, y0 = dy > 0 ? m->y1 - h : m->y0;
            double need = inset_shift(ob, nb, x0, y0, x0 + w, y0 + h, dx, dy, &ax);
            double dist = hypot(xp - (dx > 0 ? m->x1 : m->x0), yp - (dy > 0 ? m->y1 : m->y0));
            if (need < best_need - 1 || (need < best_need + 1 && dist < best_dist))
                best = c, best_need = need, best_dist = dist, best_x = ax;
        }
        int dx = best & 1 ? 1 : -1, dy = best & 2 ? 1 : -1;
        used[best] = 1;
        if (best_need > 0) {
            /* grow the frame past the map's content on that side */
            if (best_x)
                *(dx > 0 ? &m->x1 : &m->x0) += dx * best_need;
            else
                *(dy > 0 ? &m->y1 : &m->y0) += dy * best_need;
        }
        in->x0 = dx > 0 ? m->x1 - w : m->x0, in->y0 = dy > 0 ? m->y1 - h : m->y0;
        in->x1 = in->x0 + w, in->y1 = in->y0 + h;
        in->cx = (in->x0 + in->x1) / 2 - mid_x * in->proj.scale;
        in->cy = in->y0 + INSET_LABEL + (h - INSET_LABEL) / 2 - mid_y * in->proj.scale;
        in->node = i;
        ob[nb++] = (kl_geo_box_t){NAN, NAN, w, h, (in->x0 + in->x1) / 2, (in->y0 + in->y1) / 2, 0};
        info->n_insets++;
    }
    free(ob);
    return KL_OK;
}

/* Draw the placed regions: a dot at the point of each circle moved off it,
 * the circles (a filled region: an invisible point), the insets' circles
 * and names, the links between placed circles (counting the others in
 * info->links_off), then the names and marks over the lines.  Errors:
 * KL_ENOMEM. */
static kl_err draw_regions(Agraph_t *root, const region_places_t *pl, const kl_i_view_t *view, const kl_dataset_t *ds,
                           const char *const *fill, kl_i_map_info_t *info, double amax)
{
    uint32_t n = pl->n, m = pl->m;
    const kl_geo_box_t *b = pl->b;
    const uint32_t *order = pl->order;
    char *const *text = pl->text;
    double wmax = pl->wmax;
    Agnode_t **nodes = calloc((size_t)n + 1, sizeof *nodes);
    kl_i_sb_t sb = {0};
    kl_err rc = KL_ENOMEM;
    if (!nodes)
        goto cleanup;
    /* a circle moved so far that it leaves its point keeps a thin line to a
     * dot there */
    char id[32];
    for (uint32_t t = 0; t < n; t++) {
        uint32_t i = order[t];
        if (!off_point(&b[i]))
            continue;
        snprintf(id, sizeof id, "p%u", view->node[i]);
        Agnode_t *dot = agnode(root, id, 1);
        if (!dot)
            goto cleanup;
        kl_i_map_pin(dot, b[i].ax, b[i].ay);
        kl_i_set(dot, "shape", "point");
        kl_i_set(dot, "width", "0.06");
        kl_i_set(dot, "label", "");
        kl_i_set(dot, "color", "#333333");
        info->moved = 1;
    }
    for (uint32_t t = 0; t < n; t++) {
        uint32_t i = order[t];
        const kl_i_inset_t *in = pl->inset_of[i] ? &info->inset[pl->inset_of[i] - 1] : NULL;
        if (!isfinite(b[i].x) && !in)
            continue;
        snprintf(id, sizeof id, "r%u", view->node[i]);
        Agnode_t *nd = agnode(root, id, 1);
        if (!nd)
            goto cleanup;
        nodes[i] = nd;
        kl_i_map_pin(nd, in ? in->cx : b[i].x, in ? in->cy : b[i].y);
        kl_i_set(nd, "label", "");
        if (pl->area_fill[i]) {
            /* the area is the region: its links end at its point */
            kl_i_set(nd, "shape", "point");
            kl_i_set(nd, "width", "0.04");
            kl_i_set(nd, "color", "#555555");
            continue;
        }
        /* a point, not a circle: Graphviz rounds a circle's diameter to
         * whole points, which would spoil the areas' proportion; a point
         * keeps its size to the ten-thousandth of an inch */
        kl_i_set(nd, "shape", "point");
        kl_i_setf(nd, "width", "%.4f", circle_d(view->nactors[i], amax) / 72);
        kl_i_setf(nd, "fillcolor", "%sD9", fill[i]);
        kl_i_set(nd, "color", "#333333");
        if (kl_i_name_region(nd, ds, view->node[i], view->nactors[i], &sb) != 0)
            goto cleanup;
        if (off_point(&b[i])) {
            snprintf(id, sizeof id, "p%u", view->node[i]);
            if (leader(root, agnode(root, id, 0), nd, "#333333") != 0)
                goto cleanup;
        }
    }
    for (uint32_t e = 0; e < m; e++) {
        if (!nodes[view->eu[e]] || !nodes[view->ev[e]]) {
            info->links_off++;
            continue;
        }
        if (!pl->shown[e])
            continue;
        Agedge_t *ed = kl_i_region_link(root, nodes[view->eu[e]], nodes[view->ev[e]], view->ew[e], wmax);
        if (!ed)
            goto cleanup;
        kl_i_set(ed, "label", "");
        if (pl->inset_of[view->eu[e]] || pl->inset_of[view->ev[e]]) {
            /* not the way on the earth: the line leads to the inset */
            kl_i_set(ed, "style", "dashed");
            info->inset_links = 1;
        }
    }
    /* labels last: drawn over the lines */
    for (uint32_t i = 0; i < n; i++) {
        if (!text[i])
            continue;
        snprintf(id, sizeof id, "t%u", view->node[i]);
        Agnode_t *nd = label_node(root, id, &b[n + i], text[i], pl->inset_of[i] ? 9 : 11, "#222222");
        if (!nd)
            goto cleanup;
        /* a name pushed away from its circle points back to it */
        if (hypot(b[n + i].x - b[i].x, b[n + i].y - b[i].y) > b[i].w / 2 + b[n + i].h + 6 &&
            leader(root, nd, nodes[i], "#999999") != 0)
            goto cleanup;
    }
    for (uint32_t e = 0; e < m; e++) {
        if (!text[n + e])
            continue;
        const kl_geo_box_t *l = &b[2 * n + e];
        snprintf(id, sizeof id, "b%u", e);
        Agnode_t *nd = label_node(root, id, l, text[n + e], 10, "#333333");
        if (!nd)
            goto cleanup;
        kl_i_set(nd, "fontname", "Helvetica-Bold");
        /* a mark moved off its link's middle points there */
        if (hypot(l->x - l->ax, l->y - l->ay) > l->h / 2 + 6) {
            snprintf(id, sizeof id, "bm%u", e);
            Agnode_t *mid = agnode(root, id, 1);
            if (!mid)
                goto cleanup;
            kl_i_map_pin(mid, l->ax, l->ay);
            kl_i_set(mid, "shape", "point");
            kl_i_set(mid, "width", "0.03");
            kl_i_set(mid, "label", "");
            kl_i_set(mid, "color", "#777777");
            if (leader(root, nd, mid, "#999999") != 0)
                goto cleanup;
        }
    }
    rc = KL_OK;
cleanup:
    free(nodes);
    free(sb.s);
    return rc;
}

void kl_i_map_info_destroy(kl_i_map_info_t *info)
{
    free(info->legend.s);
    free(info->footer.s);
    memset(&info->legend, 0, sizeof info->legend);
    memset(&info->footer, 0, sizeof info->footer);
}

/* The footer's list of what the frame leaves out: name (actors), the most
 * actors first, twelve at most. */
static void footer_left_out(kl_i_sb_t *f, const kl_i_view_t *view, const kl_dataset_t *ds, const uint8_t *out,
                            const uint8_t *inset_of)
{
    kl_i_counted_t *c = malloc(((size_t)view->n + 1) * sizeof *c);
    if (!c) {
        f->failed = 1;
        return;
    }
    uint32_t k = 0, actors = 0;
    for (uint32_t i = 0; i < view->n; i++)
        if (out[i] && !inset_of[i])
            c[k++] = (kl_i_counted_t){i, view->nactors[i], ds->regions[view->node[i]].id};
    qsort(c, k, sizeof *c, kl_i_cmp_counted);
    for (uint32_t j = 0; j < k; j++) {
        if (j == 12) {
            for (uint32_t r = j; r < k; r++)
                actors += c[r].count;
            kl_i_sb_printf(f, "<BR ALIGN=\"LEFT\"/>");
            kl_i_sb_printf(f, kl_trn("and %u more (%u actor)", "and %u more (%u actors)", actors), k - j, actors);
            break;
        }
        /* a few a line: the footer stays as wide as the map */
        kl_i_sb_printf(f, "%s",
                       !j ? _("Not in the frame (far from the bulk of the map): ") : j % 5 ? ", " : ",<BR ALIGN=\"LEFT\"/>");
        kl_i_sb_text(f, ds->regions[view->node[c[j].item]].name, 1, 0, 40);
        kl_i_sb_printf(f, " (");
        kl_i_sb_printf(f, kl_trn("%u actor", "%u actors", c[j].count), c[j].count);
        kl_i_sb_printf(f, ")");
    }
    free(c);
}

/* The legend's rows a region map adds: its brokers, its insets. */
static void regions_legend(kl_i_map_info_t *info, const region_places_t *pl, const kl_i_view_t *view,
                           const kl_dataset_t *ds, const kl_agraph_t *g)
{
    if (pl->n_shown < view->m) {
        kl_i_sb_printf(&info->legend, "<TR><TD ALIGN=\"LEFT\"><B>%s</B>  ", _("Shown"));
        kl_i_sb_printf(&info->legend, _("the %u heaviest links (%.0f cross-region links or more) of %u"), pl->n_shown,
                       pl->min_shown, view->m);
        kl_i_sb_printf(&info->legend, "</TD></TR>");
    }
    kl_i_broker_rows(&info->legend, ds, g, pl->brokers, pl->n_brokers);
    if (!info->n_insets)
        return;
    kl_i_sb_printf(&info->legend, "<TR><TD ALIGN=\"LEFT\" BALIGN=\"LEFT\"><B>%s</B>  ",
                   info->n_insets > 1 ? _("Insets") : _("Inset"));
    for (uint32_t k = 0; k < info->n_insets; k++) {
        kl_i_sb_printf(&info->legend, "%s", k ? ", " : "");
        kl_i_sb_text(&info->legend, ds->regions[view->node[info->inset[k].node]].name, 1, 0, 40);
    }
    /* TRANSLATORS: follows the names of the places in insets */
    kl_i_sb_printf(&info->legend, ": %s",
                   _("far from the rest, drawn in a box at a scale of its own (circle areas at the map's)"));
    if (info->inset_links)
        kl_i_sb_printf(&info->legend, "; %s", _("dashed lines lead to it"));
    kl_i_sb_printf(&info->legend, "</TD></TR>");
}

kl_err kl_i_map_regions(Agraph_t *root, const kl_i_view_t *view, const kl_dataset_t *ds, const kl_agraph_t *g,
                        const kl_analysis_t *res, const kl_viz_options_t *opt, const char *const *fill,
                        kl_i_map_info_t *info)
{
    uint32_t n = view->n, m = view->m;
    region_places_t pl = {.n = n, .m = m};
    kl_error_t err = {0};
    memset(info, 0, sizeof *info);
    const kl_i_basemap_t *bm = kl_i_basemap(&err);
    kl_err rc = KL_ENOMEM;
    pl.b = calloc((size_t)2 * n + m + 1, sizeof *pl.b);
    pl.order = calloc((size_t)n + 1, sizeof *pl.order);
    pl.text = calloc((size_t)n + m + 1, sizeof *pl.text);
    pl.mark = calloc((size_t)m + 1, sizeof *pl.mark);
    pl.brokers = calloc((size_t)m + 1, sizeof *pl.brokers);
    pl.out = calloc((size_t)n + 1, 1);
    pl.inset_of = calloc((size_t)n + 1, 1);
    pl.shape = calloc((size_t)n + 1, sizeof *pl.shape);
    pl.own = calloc((size_t)n + 1, sizeof *pl.own);
    pl.area_fill = calloc((size_t)n + 1, sizeof *pl.area_fill);
    pl.shown = calloc((size_t)m + 1, 1);
    if (!bm || !pl.b || !pl.order || !pl.text || !pl.mark || !pl.brokers || !pl.out || !pl.inset_of || !pl.shape ||
        !pl.own || !pl.area_fill || !pl.shown || links_shown(&pl, view) != KL_OK)
        goto cleanup;
    double amax = 0;
    for (uint32_t i = 0; i < n; i++)
        amax = view->nactors[i] > amax ? view->nactors[i] : amax;
    if ((rc = regions_classify(&pl, view, ds, g, res, opt, bm, info)) != KL_OK ||
        (rc = place_regions(&pl, view, ds, info)) != KL_OK)
        goto cleanup;
    rc = KL_ENOMEM;
    if (kl_i_region_brokers(view, res, pl.mark, pl.brokers, &pl.n_brokers) != KL_OK)
        goto cleanup;
    for (uint32_t e = 0; e < m; e++) {
        char mark[16];
        snprintf(mark, sizeof mark, "#%u", pl.mark[e]);
        if (pl.mark[e] && !(pl.text[n + e] = strdup(mark)))
            goto cleanup;
    }
    kl_i_map_frame(&info->map, pl.b, 2 * n + m, 16, 16);
    if (place_insets(&pl, view, info, amax) != KL_OK)
        goto cleanup;
    frame_finish(&info->map);
    /* an inset's name along its bottom edge */
    for (uint32_t k = 0; k < info->n_insets; k++) {
        const kl_i_inset_t *in = &info->inset[k];
        uint32_t i = in->node;
        kl_i_sb_t s = {0};
        kl_i_sb_text(&s, ds->regions[view->node[i]].name, 0, 0, 24);
        kl_i_sb_printf(&s, " \\n");
        kl_i_sb_printf(&s, kl_trn("%u actor", "%u actors", view->nactors[i]), view->nactors[i]);
        if (s.failed)
            goto cleanup;
        pl.text[i] = s.s;
        kl_geo_box_t *l = &pl.b[n + i];
        *l = (kl_geo_box_t){NAN, NAN, 0, 0, (in->x0 + in->x1) / 2, in->y0 + INSET_LABEL / 2, 0};
        kl_i_map_text_size(s.s, 9, &l->w, &l->h);
        l->h = fmin(l->h, 24);
    }
    footer_left_out(&info->footer, view, ds, pl.out, pl.inset_of);
    map_areas_t areas = {pl.shape, pl.area_fill, n};
    if ((rc = map_base(root, &info->map, bm, &areas, info)) != KL_OK ||
        (rc = draw_regions(root, &pl, view, ds, fill, info, amax)) != KL_OK)
        goto cleanup;
    rc = KL_ENOMEM;
    regions_legend(info, &pl, view, ds, g);
    if (!info->legend.failed && !info->footer.failed)
        rc = KL_OK;
cleanup:
    region_places_destroy(&pl);
    return rc;
}

/* ---------------------------------------------------- the whole network */

#define REGION_NAME_SIZE 15.0
#define CROWD_MAX_ACTORS 2.5 /* a map of actors may grow more: they need room */

/* The actors far from the bulk of the map, counted by region for the
 * footer (regionless ones together). */
static void footer_actors_out(kl_i_sb_t *f, const kl_i_view_t *view, const kl_dataset_t *ds, const kl_agraph_t *g,
                              const uint8_t *out)
{
    uint32_t R = ds->n_regions, none = 0, k = 0;
    kl_i_counted_t *c = calloc((size_t)R + 1, sizeof *c);
    uint32_t *count = calloc((size_t)R + 1, sizeof *count);
    if (!c || !count) {
        f->failed = 1;
        goto cleanup;
    }
    for (uint32_t i = 0; i < view->n; i++) {
        if (!out[i])
            continue;
        int32_t r = g->vertex_region[view->node[i]];
        if (r >= 0)
            count[r]++;
        else
            none++;
    }
    for (uint32_t r = 0; r < R; r++)
        if (count[r])
            c[k++] = (kl_i_counted_t){r, count[r], ds->regions[r].id};
    qsort(c, k, sizeof *c, kl_i_cmp_counted);
    for (uint32_t j = 0; j < k && j < 12; j++) {
        /* TRANSLATORS: region names follow, each with its count of actors */
        kl_i_sb_printf(f, "%s", !j  ? _("Not in the frame (far from the bulk of the map): actors in ")
                                : j % 5 ? ", "
                                        : ",<BR ALIGN=\"LEFT\"/>");
        kl_i_sb_text(f, ds->regions[c[j].item].name, 1, 0, 40);
        kl_i_sb_printf(f, " (%u)", c[j].count);
    }
    if (k > 12) {
        kl_i_sb_printf(f, " ");
        kl_i_sb_printf(f, _("and %u more regions"), k - 12);
    }
    if (none) {
        kl_i_sb_printf(f, "%s", k ? "; " : _("Not in the frame (far from the bulk of the map): "));
        kl_i_sb_printf(f, kl_trn("%u actor without a region", "%u actors without a region", none), none);
    }
cleanup:
    free(c);
    free(count);
}

static const kl_i_view_t *sort_view; /* qsort has no context: the view being sorted */

static int cmp_point(const void *a, const void *b)
{
    uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
    double d = sort_view->lat[i] - sort_view->lat[j];
    if (d == 0)
        d = sort_view->lon[i] - sort_view->lon[j];
    return d < 0 ? -1 : d > 0 ? 1 : (i > j) - (i < j);
}

/* The actors far from the bulk: places weighted by the actors on them
 * (most share their region's point), so that a region's actors stay or go
 * together.  w is scratch for n weights.  Errors: KL_ENOMEM. */
static kl_err actor_outliers(const kl_i_view_t *view, double *w, uint8_t *out)
{
    uint32_t n = view->n, k = 0;
    uint32_t *idx = malloc(((size_t)n + 1) * sizeof *idx), *place = malloc(((size_t)n + 1) * sizeof *place);
    double *lat = malloc(((size_t)n + 1) * sizeof *lat), *lon = malloc(((size_t)n + 1) * sizeof *lon);
    uint8_t *far = malloc((size_t)n + 1);
    kl_err rc = KL_ENOMEM;
    if (!idx || !place || !lat || !lon || !far)
        goto cleanup;
    for (uint32_t i = 0; i < n; i++)
        idx[i] = i;
    sort_view = view;
    qsort(idx, n, sizeof *idx, cmp_point);
    for (uint32_t t = 0; t < n; t++) {
        uint32_t i = idx[t];
        if (!isfinite(view->lat[i])) {
            place[i] = UINT32_MAX;
            continue;
        }
        if (!k || lat[k - 1] != view->lat[i] || lon[k - 1] != view->lon[i])
            lat[k] = view->lat[i], lon[k] = view->lon[i], w[k] = 0, k++;
        w[k - 1] += 1;
        place[i] = k - 1;
    }
    if (kl_geo_outliers(lat, lon, w, k, far) < 0)
        goto cleanup;
    for (uint32_t i = 0; i < n; i++)
        out[i] = place[i] != UINT32_MAX && far[place[i]];
    rc = KL_OK;
cleanup:
    free(idx);
    free(place);
    free(lat);
    free(lon);
    free(far);
    return rc;
}

kl_err kl_i_map_actors(Agraph_t *root, const kl_i_view_t *view, const kl_dataset_t *ds, const kl_agraph_t *g,
                       kl_geo_box_t *b, const uint32_t *order, kl_i_map_info_t *info)
{
    uint32_t n = view->n, R = ds->n_regions;
    /* per region with a point and actors drawn: its name, placed first, and
     * the room its actors take around it */
    kl_geo_box_t *name = calloc((size_t)R + 1, sizeof *name);
    double *area = calloc((size_t)R + 1, sizeof *area), *xk = calloc((size_t)R + 1, sizeof *xk),
           *yk = calloc((size_t)R + 1, sizeof *yk), *rk = calloc((size_t)R + 1, sizeof *rk),
           *lat = calloc((size_t)R + 1, sizeof *lat), *lon = calloc((size_t)R + 1, sizeof *lon),
           *w = malloc(((size_t)n + 1) * sizeof *w);
    uint32_t *regions = calloc((size_t)R + 1, sizeof *regions);
    uint8_t *out = calloc((size_t)n + 1, 1);
    char **text = calloc((size_t)R + 1, sizeof *text);
    kl_i_spread_t *sp = NULL;
    kl_i_sb_t s = {0};
    kl_error_t err = {0};
    kl_err rc = KL_ENOMEM;
    memset(info, 0, sizeof *info);
    const kl_i_basemap_t *bm = kl_i_basemap(&err);
    if (!bm || !name || !area || !xk || !yk || !rk || !lat || !lon || !w || !regions || !out || !text)
        goto cleanup;
    if (actor_outliers(view, w, out) != KL_OK)
        goto cleanup;
    uint32_t nr = 0;
    for (uint32_t i = 0; i < n; i++) {
        int32_t r = g->vertex_region[view->node[i]];
        if (r < 0 || !isfinite(ds->regions[r].lat) || !isfinite(view->lat[i]) || out[i])
            continue;
        if (!area[r]) {
            regions[nr++] = (uint32_t)r;
            s.len = 0;
            kl_i_sb_text(&s, ds->regions[r].name, 0, 24, 60);
            if (s.failed || !(text[r] = strdup(s.s)))
                goto cleanup;
            kl_i_map_text_size(text[r], REGION_NAME_SIZE, &name[r].w, &name[r].h);
            area[r] = name[r].w * name[r].h;
        }
        /* actors on their region's point crowd it; those with their own do not */
        if (view->lat[i] == ds->regions[r].lat && view->lon[i] == ds->regions[r].lon)
            area[r] += (b[i].w + 6) * (b[i].h + 6);
    }
    /* regions in the order of their first actor in the view (by actor id) */
    for (uint32_t i = 0; i < nr; i++) {
        lat[i] = ds->regions[regions[i]].lat;
        lon[i] = ds->regions[regions[i]].lon;
    }
    kl_i_map_fit(&info->map, view->lat, view->lon, out, n, map_side(nr));
    for (uint32_t i = 0; i < nr; i++) {
        kl_geo_proj_km(&info->map.proj, lat[i], lon[i], &xk[i], &yk[i]);
        rk[i] = sqrt(area[regions[i]] / 3.14159265358979323846);
    }
    double need = kl_i_map_crowding_scale(&info->map, xk, yk, rk, nr);
    info->map.proj.scale = fmin(need, CROWD_MAX_ACTORS * info->map.proj.scale);

    /* the names at their points, then the actors around them, the most
     * central first: they get the places nearest their points */
    if (!(sp = kl_i_spread_new(kl_i_spread_cell(b, n))))
        goto cleanup;
    for (uint32_t i = 0; i < nr; i++) {
        kl_geo_box_t *l = &name[regions[i]];
        kl_geo_proj_xy(&info->map.proj, lat[i], lon[i], &l->ax, &l->ay);
        if (!kl_i_spread_find(sp, l, 2, INFINITY))
            l->x = l->ax, l->y = l->ay;
        if (kl_i_spread_add(sp, l) != KL_OK)
            goto cleanup;
    }
    for (uint32_t t = 0; t < n; t++) {
        kl_geo_box_t *a = &b[order[t]];
        if (out[order[t]])
            continue; /* left out, named in the footer */
        if (isfinite(view->lat[order[t]]))
            kl_geo_proj_xy(&info->map.proj, view->lat[order[t]], view->lon[order[t]], &a->ax, &a->ay);
        if (!kl_i_spread_find(sp, a, 3, INFINITY) && isfinite(a->ax))
            a->x = a->ax, a->y = a->ay;
        if (kl_i_spread_add(sp, a) != KL_OK)
            goto cleanup;
    }
    /* the frame holds the names and the actors */
    kl_geo_box_t *all = malloc(((size_t)n + nr + 1) * sizeof *all);
    if (!all)
        goto cleanup;
    memcpy(all, b, n * sizeof *b);
    for (uint32_t i = 0; i < nr; i++)
        all[n + i] = name[regions[i]];
    kl_i_map_frame(&info->map, all, n + nr, 16, 16);
    free(all);
    footer_actors_out(&info->footer, view, ds, g, out);
    if (info->footer.failed || map_base(root, &info->map, bm, NULL, info) != KL_OK)
        goto cleanup;
    char id[32];
    for (uint32_t i = 0; i < nr; i++) {
        uint32_t r = regions[i];
        snprintf(id, sizeof id, "l%u", r);
        Agnode_t *nd = agnode(root, id, 1);
        if (!nd)
            goto cleanup;
        kl_i_map_pin(nd, name[r].x, name[r].y);
        kl_i_set(nd, "shape", "plaintext");
        kl_i_set(nd, "label", text[r]);
        kl_i_setf(nd, "fontsize", "%.1f", REGION_NAME_SIZE);
        kl_i_set(nd, "fontcolor", "#8C8C8C");
        kl_i_set(nd, "margin", "0");
        kl_i_setf(nd, "width", "%.2f", name[r].w / 72);
        kl_i_setf(nd, "height", "%.2f", name[r].h / 72);
    }
    rc = KL_OK;
cleanup:
    if (text)
        for (uint32_t r = 0; r < R; r++)
            free(text[r]);
    free(text);
    free(name);
    free(area);
    free(xk);
    free(yk);
    free(rk);
    free(lat);
    free(lon);
    free(w);
    free(regions);
    free(out);
    kl_i_spread_free(sp);
    free(s.s);
    return rc;
}
