/* viz/map.c - diagrams drawn as maps: where the nodes of a view are on the
 * earth, the projection fitted to them, and the map's furniture (frame,
 * graticule with degree labels, scale bar, north arrow), all as nodes pinned
 * at their positions for Graphviz's `nop` layout (`neato -n`). */
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

void kl_i_map_fit(kl_i_map_t *m, const double *lat, const double *lon, uint32_t n, double long_side)
{
    double a = INFINITY, b = -INFINITY, c = INFINITY, d = -INFINITY;
    for (uint32_t i = 0; i < n; i++) {
        if (!isfinite(lat[i]) || !isfinite(lon[i]))
            continue;
        a = lat[i] < a ? lat[i] : a, b = lat[i] > b ? lat[i] : b;
        c = lon[i] < c ? lon[i] : c, d = lon[i] > d ? lon[i] : d;
    }
    memset(m, 0, sizeof *m);
    if (a > b)
        a = b = c = d = 0;
    kl_geo_proj_init(&m->proj, a, b, c, d, 1);
    double x0, y0, x1, y1;
    kl_geo_proj_km(&m->proj, a, c, &x0, &y0);
    kl_geo_proj_km(&m->proj, b, d, &x1, &y1);
    double span = x1 - x0 > y1 - y0 ? x1 - x0 : y1 - y0;
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
    kl_geo_proj_latlon(&m->proj, m->x0, m->y0, &m->lat_lo, &m->lon_lo);
    kl_geo_proj_latlon(&m->proj, m->x1, m->y1, &m->lat_hi, &m->lon_hi);
    m->lat_step = kl_geo_step(m->lat_hi - m->lat_lo, 6);
    unsigned lon_lines = (unsigned)lround(6 * w / h);
    m->lon_step = kl_geo_step(m->lon_hi - m->lon_lo, lon_lines < 2 ? 2 : lon_lines > 8 ? 8 : lon_lines);
    m->bar_km = kl_geo_round_length(0.3 * w / m->proj.scale);
}

/* ---------------------------------------------------------- furniture */

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

/* Text centred at (x, y); align < 0 puts its right end there, > 0 its left. */
static Agnode_t *map_text(Agraph_t *root, const char *name, double x, double y, int align, const char *label,
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

#define GRID_COLOUR "#E0E0E0"
#define FRAME_COLOUR "#A0A0A0"
#define MAP_TEXT_COLOUR "#777777"

kl_err kl_i_map_furniture(Agraph_t *root, const kl_i_map_t *m)
{
    char name[48], label[48];
    const kl_geo_proj_t *p = &m->proj;
    double x, y;
    /* graticule first: Graphviz draws edges in the order of their nodes,
     * so the grid stays under the links */
    for (int pass = 0; pass < 2; pass++) {
        double lo = pass ? m->lon_lo : m->lat_lo, hi = pass ? m->lon_hi : m->lat_hi;
        double step = pass ? m->lon_step : m->lat_step;
        for (long k = (long)ceil(lo / step - 1e-9); k <= (long)floor(hi / step + 1e-9); k++) {
            double v = k * step;
            kl_geo_proj_xy(p, pass ? m->proj.lat0 : v, pass ? v : m->proj.lon0, &x, &y);
            kl_geo_degrees(v, step, !pass, label, sizeof label);
            Agnode_t *a, *b, *t;
            if (pass == 0) {
                if (y < m->y0 + 1 || y > m->y1 - 1)
                    continue;
                snprintf(name, sizeof name, "map_lat%ld_w", k);
                a = map_point(root, name, m->x0, y);
                snprintf(name, sizeof name, "map_lat%ld_e", k);
                b = map_point(root, name, m->x1, y);
                snprintf(name, sizeof name, "map_lat%ld", k);
                t = map_text(root, name, m->x0 - 4, y, -1, label, 9, MAP_TEXT_COLOUR);
            } else {
                if (x < m->x0 + 1 || x > m->x1 - 1)
                    continue;
                snprintf(name, sizeof name, "map_lon%ld_s", k);
                a = map_point(root, name, x, m->y0);
                snprintf(name, sizeof name, "map_lon%ld_n", k);
                b = map_point(root, name, x, m->y1);
                snprintf(name, sizeof name, "map_lon%ld", k);
                t = map_text(root, name, x, m->y0 - 10, 0, label, 9, MAP_TEXT_COLOUR);
            }
            if (!t || !map_line(root, a, b, GRID_COLOUR, "0.8"))
                return KL_ENOMEM;
        }
    }
    /* the frame */
    Agnode_t *sw = map_point(root, "map_sw", m->x0, m->y0), *se = map_point(root, "map_se", m->x1, m->y0),
             *ne = map_point(root, "map_ne", m->x1, m->y1), *nw = map_point(root, "map_nw", m->x0, m->y1);
    if (!map_line(root, sw, se, FRAME_COLOUR, "0.8") || !map_line(root, se, ne, FRAME_COLOUR, "0.8") ||
        !map_line(root, ne, nw, FRAME_COLOUR, "0.8") || !map_line(root, nw, sw, FRAME_COLOUR, "0.8"))
        return KL_ENOMEM;
    /* scale bar under the frame, left: a round length with ticks at its ends
     * and middle; true along the middle latitude (the legend says so) */
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
    snprintf(label, sizeof label, "%g km", m->bar_km);
    if (!map_text(root, "map_bar_label", m->x0 + len + 6, yb, 1, label, 10, "#333333"))
        return KL_ENOMEM;
    /* north arrow above the frame, right */
    Agnode_t *n0 = map_point(root, "map_north0", m->x1 - 10, m->y1 + 8),
             *n1 = map_point(root, "map_north1", m->x1 - 10, m->y1 + 30);
    Agedge_t *arrow = map_line(root, n0, n1, "#333333", "1.5");
    if (!arrow || !map_text(root, "map_north", m->x1 - 10, m->y1 + 40, 0, "N", 12, "#333333"))
        return KL_ENOMEM;
    kl_i_set(arrow, "dir", "forward");
    kl_i_set(arrow, "arrowhead", "normal");
    kl_i_set(arrow, "arrowsize", "0.9");
    return KL_OK;
}

void kl_i_map_describe(const kl_i_map_t *m, char *line1, char *line2, size_t size)
{
    char lat[32], lats[32], lons[32];
    kl_geo_degrees(m->proj.lat0, 0.1, 1, lat, sizeof lat);
    kl_geo_degrees(m->lat_step, m->lat_step, 1, lats, sizeof lats);
    kl_geo_degrees(m->lon_step, m->lon_step, 0, lons, sizeof lons);
    /* "2°N" as a step reads "2°" */
    char *c = strrchr(lats, 'N');
    if (c)
        *c = '\0';
    c = strrchr(lons, 'E');
    if (c)
        *c = '\0';
    snprintf(line1, size, "equirectangular projection, north up; the scale bar holds north-south and along %s;", lat);
    snprintf(line2, size, "grid lines every %s of latitude and %s of longitude", lats, lons);
}

/* ------------------------------------------------------ the region map */

#define REGION_DMAX 60.0 /* points: the diameter of the region with most actors */
#define REGION_DMIN 14.0
#define MAP_SIDE 648.0     /* points: the longer side of a map of a dozen places */
#define GEO_EDGE_LABELS 12 /* maps label at most this many links: the heaviest */

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
    uint32_t n, m;   /* the view's regions and links */
    kl_geo_box_t *b; /* circles [0, n), their names [n, 2n), links' brokers [2n, 2n + m) */
    uint32_t *order; /* circles by area, the largest first */
    char **text;     /* names [0, n), brokers [n, n + m); NULL: not drawn */
    double wmax;     /* the most links between two regions */
} region_places_t;

static void region_places_destroy(region_places_t *pl)
{
    if (pl->text)
        for (uint32_t i = 0; i < pl->n + pl->m; i++)
            free(pl->text[i]);
    free(pl->text);
    free(pl->b);
    free(pl->order);
}

/* Fit the map to the regions, then place the circles, the brokers of the
 * heaviest links and the names, each kept off those placed before it and
 * off the links' lines.  Sets info->map and info->edge_labels.  Errors:
 * KL_ENOMEM (pl must be destroyed either way). */
static kl_err place_regions(region_places_t *pl, const kl_i_view_t *view, const kl_dataset_t *ds,
                            const kl_agraph_t *g, kl_i_map_info_t *info)
{
    uint32_t n = view->n, m = view->m;
    pl->n = n, pl->m = m;
    kl_geo_box_t *b = pl->b = calloc((size_t)2 * n + m + 1, sizeof *b);
    uint32_t *order = pl->order = calloc((size_t)n + 1, sizeof *order);
    char **text = pl->text = calloc((size_t)n + m + 1, sizeof *text);
    kl_i_order_t *ko = calloc((size_t)(n > m ? n : m) + 1, sizeof *ko);
    double *xk = calloc((size_t)n + 1, sizeof *xk), *yk = calloc((size_t)n + 1, sizeof *yk),
           *rk = calloc((size_t)n + 1, sizeof *rk);
    kl_i_spread_t *sp = NULL;
    kl_i_sb_t s = {0};
    kl_err rc = KL_ENOMEM;
    if (!b || !ko || !order || !text || !xk || !yk || !rk)
        goto cleanup;
    double amax = 0, wmax = 0;
    for (uint32_t i = 0; i < n; i++)
        amax = view->nactors[i] > amax ? view->nactors[i] : amax;
    for (uint32_t e = 0; e < m; e++)
        wmax = view->ew[e] > wmax ? view->ew[e] : wmax;
    pl->wmax = wmax;
    /* the scale: the places fill the map, grown (up to CROWD_MAX) until
     * neighbouring circles no longer overlap */
    kl_i_map_fit(&info->map, view->lat, view->lon, n, map_side(view->placed));
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++) {
        double d = amax > 0 ? REGION_DMAX * sqrt(view->nactors[i] / amax) : REGION_DMAX;
        d = d < REGION_DMIN ? REGION_DMIN : d;
        b[i] = (kl_geo_box_t){NAN, NAN, d, d, NAN, NAN, 1};
        if (isfinite(view->lat[i])) {
            kl_geo_proj_km(&info->map.proj, view->lat[i], view->lon[i], &xk[k], &yk[k]);
            rk[k++] = d / 2 + 1;
        }
        ko[i] = (kl_i_order_t){view->nactors[i], i, i};
    }
    double need = kl_i_map_crowding_scale(&info->map, xk, yk, rk, k);
    info->map.proj.scale = fmin(need, CROWD_MAX * info->map.proj.scale);
    for (uint32_t i = 0; i < n; i++)
        if (isfinite(view->lat[i]))
            kl_geo_proj_xy(&info->map.proj, view->lat[i], view->lon[i], &b[i].ax, &b[i].ay);
    /* circles by area, the largest first (nearest their points) */
    qsort(ko, n, sizeof *ko, kl_i_cmp_order);
    for (uint32_t i = 0; i < n; i++)
        order[i] = ko[i].i;
    if (!(sp = kl_i_spread_new(2 * REGION_DMAX)))
        goto cleanup;
    for (uint32_t t = 0; t < n; t++) {
        kl_geo_box_t *c = &b[order[t]];
        if (!kl_i_spread_find(sp, c, 1, INFINITY) && isfinite(c->ax))
            c->x = c->ax, c->y = c->ay;
        if (kl_i_spread_add(sp, c) != KL_OK)
            goto cleanup;
    }
    /* the links themselves, as a trail of small boxes between the circles:
     * names and brokers then sit beside lines, not on them */
    for (uint32_t e = 0; e < m; e++) {
        const kl_geo_box_t *u = &b[view->eu[e]], *w = &b[view->ev[e]];
        if (!isfinite(u->x) || !isfinite(w->x))
            continue;
        double len = hypot(w->x - u->x, w->y - u->y), pen = kl_i_link_width(view->ew[e], wmax);
        for (double t = u->w / 2; t < len - w->w / 2; t += 6) {
            kl_geo_box_t dot = {
                NAN, NAN, pen + 2, pen + 2, u->x + (w->x - u->x) * t / len, u->y + (w->y - u->y) * t / len, 0};
            if (kl_i_spread_add(sp, &dot) != KL_OK)
                goto cleanup;
        }
    }
    /* the brokers of the heaviest links near the links' middles (one with no
     * room there goes unnamed), before the names, which always find room */
    for (uint32_t e = 0; e < m; e++)
        ko[e] = (kl_i_order_t){view->ew[e], e, e};
    qsort(ko, m, sizeof *ko, kl_i_cmp_order);
    for (uint32_t t = 0, labelled = 0; t < m && labelled < GEO_EDGE_LABELS; t++) {
        uint32_t e = ko[t].i;
        const kl_geo_box_t *u = &b[view->eu[e]], *w = &b[view->ev[e]];
        if (!isfinite(u->x) || !isfinite(w->x) || view->ebroker[e] < 0)
            continue;
        s.len = 0;
        kl_i_sb_text(&s, ds->entities[g->vertex_entity[view->ebroker[e]]].name, 0, 18, 48);
        kl_i_sb_printf(&s, "\\n(%.0f link%s)", view->ew[e], view->ew[e] == 1 ? "" : "s");
        if (s.failed)
            goto cleanup;
        kl_geo_box_t *l = &b[2 * n + e];
        *l = (kl_geo_box_t){(u->x + w->x) / 2, (u->y + w->y) / 2, 0, 0, NAN, NAN, 0};
        kl_i_map_text_size(s.s, 9, &l->w, &l->h);
        double len = hypot(u->x - w->x, u->y - w->y);
        if (!kl_i_spread_find(sp, l, 1, fmax(60, 0.5 * len)))
            continue;
        if (!(text[n + e] = strdup(s.s)) || kl_i_spread_add(sp, l) != KL_OK)
            goto cleanup;
        labelled++;
        info->edge_labels = 1;
    }
    /* names next to their circles, wherever there is room */
    for (uint32_t t = 0; t < n; t++) {
        uint32_t i = order[t];
        if (!isfinite(b[i].x))
            continue;
        s.len = 0;
        kl_i_sb_text(&s, ds->regions[view->node[i]].name, 0, 18, 60);
        kl_i_sb_printf(&s, "\\n%u actor%s", view->nactors[i], view->nactors[i] == 1 ? "" : "s");
        if (s.failed || !(text[i] = strdup(s.s)))
            goto cleanup;
        kl_geo_box_t *l = &b[n + i];
        *l = (kl_geo_box_t){b[i].x, b[i].y, 0, 0, NAN, NAN, 0};
        kl_i_map_text_size(text[i], 11, &l->w, &l->h);
        if (!kl_i_spread_find(sp, l, 1, INFINITY))
            l->x = b[i].x, l->y = b[i].y;
        if (kl_i_spread_add(sp, l) != KL_OK)
            goto cleanup;
    }
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

/* Draw the placed regions: a dot at the point of each circle moved off it,
 * the circles, the links between placed circles (counting the others in
 * info->links_off), then the names and brokers over the lines.  Errors:
 * KL_ENOMEM. */
static kl_err draw_regions(Agraph_t *root, const region_places_t *pl, const kl_i_view_t *view, const kl_dataset_t *ds,
                           const char *const *fill, kl_i_map_info_t *info)
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
        if (!isfinite(b[i].x))
            continue;
        snprintf(id, sizeof id, "r%u", view->node[i]);
        Agnode_t *nd = agnode(root, id, 1);
        if (!nd)
            goto cleanup;
        nodes[i] = nd;
        kl_i_map_pin(nd, b[i].x, b[i].y);
        kl_i_set(nd, "label", "");
        kl_i_set(nd, "shape", "circle");
        kl_i_set(nd, "fixedsize", "true");
        kl_i_setf(nd, "width", "%.2f", b[i].w / 72);
        kl_i_set(nd, "style", "filled");
        kl_i_setf(nd, "fillcolor", "%sD9", fill[i]);
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
        Agedge_t *ed = kl_i_region_link(root, nodes[view->eu[e]], nodes[view->ev[e]], view->ew[e], wmax);
        if (!ed)
            goto cleanup;
        kl_i_set(ed, "label", "");
    }
    /* labels last: drawn over the lines */
    for (uint32_t i = 0; i < n; i++) {
        if (!text[i])
            continue;
        snprintf(id, sizeof id, "t%u", view->node[i]);
        Agnode_t *nd = label_node(root, id, &b[n + i], text[i], 11, "#222222");
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
        Agnode_t *nd = label_node(root, id, l, text[n + e], 9, "#333333");
        if (!nd)
            goto cleanup;
        /* a broker moved off its link's middle points there */
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

kl_err kl_i_map_regions(Agraph_t *root, const kl_i_view_t *view, const kl_dataset_t *ds, const kl_agraph_t *g,
                        const char *const *fill, kl_i_map_info_t *info)
{
    region_places_t pl = {0};
    memset(info, 0, sizeof *info);
    kl_err rc = place_regions(&pl, view, ds, g, info);
    if (rc == KL_OK) {
        /* the furniture first, so that the grid is drawn under the map */
        kl_i_map_frame(&info->map, pl.b, 2 * pl.n + pl.m, 16, 16);
        rc = kl_i_map_furniture(root, &info->map);
    }
    if (rc == KL_OK)
        rc = draw_regions(root, &pl, view, ds, fill, info);
    region_places_destroy(&pl);
    return rc;
}

/* ---------------------------------------------------- the whole network */

#define REGION_NAME_SIZE 15.0
#define CROWD_MAX_ACTORS 2.5 /* a map of actors may grow more: they need room */

kl_err kl_i_map_actors(Agraph_t *root, const kl_i_view_t *view, const kl_dataset_t *ds, const kl_agraph_t *g,
                       kl_geo_box_t *b, const uint32_t *order, kl_i_map_info_t *info)
{
    uint32_t n = view->n, R = ds->n_regions;
    /* per region with a point and actors drawn: its name, placed first, and
     * the room its actors take around it */
    kl_geo_box_t *name = calloc((size_t)R + 1, sizeof *name);
    double *area = calloc((size_t)R + 1, sizeof *area), *xk = calloc((size_t)R + 1, sizeof *xk),
           *yk = calloc((size_t)R + 1, sizeof *yk), *rk = calloc((size_t)R + 1, sizeof *rk),
           *lat = calloc((size_t)R + 1, sizeof *lat), *lon = calloc((size_t)R + 1, sizeof *lon);
    uint32_t *regions = calloc((size_t)R + 1, sizeof *regions);
    char **text = calloc((size_t)R + 1, sizeof *text);
    kl_i_spread_t *sp = NULL;
    kl_i_sb_t s = {0};
    kl_err rc = KL_ENOMEM;
    memset(info, 0, sizeof *info);
    if (!name || !area || !xk || !yk || !rk || !lat || !lon || !regions || !text)
        goto cleanup;
    uint32_t nr = 0;
    for (uint32_t i = 0; i < n; i++) {
        int32_t r = g->vertex_region[view->node[i]];
        if (r < 0 || !isfinite(ds->regions[r].lat) || !isfinite(view->lat[i]))
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
    kl_i_map_fit(&info->map, view->lat, view->lon, n, map_side(nr));
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
    if (kl_i_map_furniture(root, &info->map) != KL_OK)
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
    free(regions);
    kl_i_spread_free(sp);
    free(s.s);
    return rc;
}
