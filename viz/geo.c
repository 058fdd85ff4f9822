/* viz/geo.c - the geometry of maps, free of Graphviz: latitude and longitude
 * projected to points on the page, round lengths for the scale bar and the
 * graticule, and labelled boxes spread around their places so that they do
 * not cover each other. */
#include "viz_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEG (3.14159265358979323846 / 180.0)

/* ------------------------------------------------------------ projection */

/* Lambert azimuthal equal-area on the sphere (Snyder 1987, "Map Projections:
 * A Working Manual", pp. 182-190; forward eqs. 24-2 to 24-4 on p. 185,
 * inverse eqs. 20-14, 24-16, 20-18 on pp. 186-187):
 *
 *   k' = sqrt(2 / (1 + sin phi1 sin phi + cos phi1 cos phi cos(lambda - lambda0)))
 *   x  = R k' cos phi sin(lambda - lambda0)
 *   y  = R k' (cos phi1 sin phi - sin phi1 cos phi cos(lambda - lambda0))
 *
 *   rho = sqrt(x^2 + y^2), c = 2 asin(rho / 2R)
 *   phi = asin(cos c sin phi1 + y sin c cos phi1 / rho)
 *   lambda = lambda0 + atan2(x sin c, rho cos phi1 cos c - y sin phi1 sin c)
 *
 * Equal-area everywhere: a region's area on the page and a circle's area
 * drawn for its actors compare in the same units.  Directions from the
 * centre are true, and the distance from it on the page is the chord
 * 2R sin(c/2) of the arc c (0.1 % short 1000 km out); the scale along a
 * circle around the centre is 1 / cos(c/2) (0.3 % off 1000 km out, 1.2 %
 * at 2000 km, 2.8 % at 3000 km), which keeps a country or a continent within
 * a few per cent, where the equirectangular projection stretched east-west
 * distances away from its middle latitude.  EPSG:3035 (ETRS89-LAEA) uses it
 * for Europe. */
void kl_geo_proj_init(kl_geo_proj_t *p, double lat0, double lon0, double pt_per_km)
{
    p->lat0 = lat0;
    p->lon0 = lon0;
    p->sin0 = sin(lat0 * DEG);
    p->cos0 = cos(lat0 * DEG);
    p->scale = pt_per_km;
}

void kl_geo_proj_km(const kl_geo_proj_t *p, double lat, double lon, double *x, double *y)
{
    double phi = lat * DEG, dl = (lon - p->lon0) * DEG;
    double sp = sin(phi), cp = cos(phi), cd = cos(dl);
    double q = 1 + p->sin0 * sp + p->cos0 * cp * cd;
    if (!(q > 1e-12)) { /* the antipode of the centre: a circle, not a point */
        *x = *y = NAN;
        return;
    }
    double k = sqrt(2 / q);
    *x = KL_GEO_EARTH_KM * k * cp * sin(dl);
    *y = KL_GEO_EARTH_KM * k * (p->cos0 * sp - p->sin0 * cp * cd);
}

void kl_geo_proj_xy(const kl_geo_proj_t *p, double lat, double lon, double *x, double *y)
{
    kl_geo_proj_km(p, lat, lon, x, y);
    *x *= p->scale;
    *y *= p->scale;
}

void kl_geo_proj_latlon(const kl_geo_proj_t *p, double x, double y, double *lat, double *lon)
{
    x /= p->scale;
    y /= p->scale;
    double rho = hypot(x, y);
    if (rho < 1e-9) {
        *lat = p->lat0, *lon = p->lon0;
        return;
    }
    double s = rho / (2 * KL_GEO_EARTH_KM);
    double c = 2 * asin(s > 1 ? 1 : s), sc = sin(c), cc = cos(c);
    double v = cc * p->sin0 + y * sc * p->cos0 / rho;
    *lat = asin(v > 1 ? 1 : v < -1 ? -1 : v) / DEG;
    *lon = p->lon0 + atan2(x * sc, rho * p->cos0 * cc - y * p->sin0 * sc) / DEG;
    /* keep the longitude within 180 degrees of the centre's */
    while (*lon - p->lon0 > 180)
        *lon -= 360;
    while (*lon - p->lon0 < -180)
        *lon += 360;
}

double kl_geo_distance_km(double lat1, double lon1, double lat2, double lon2)
{
    /* haversine: well conditioned for short distances too */
    double a = sin((lat2 - lat1) * DEG / 2), b = sin((lon2 - lon1) * DEG / 2);
    double h = a * a + cos(lat1 * DEG) * cos(lat2 * DEG) * b * b;
    return 2 * KL_GEO_EARTH_KM * asin(sqrt(h > 1 ? 1 : h));
}

/* ------------------------------------------------------------ the bulk */

typedef struct {
    double v, w;
} weighted_t;

static int cmp_weighted(const void *a, const void *b)
{
    double x = ((const weighted_t *)a)->v, y = ((const weighted_t *)b)->v;
    return x < y ? -1 : x > y;
}

/* The value below which a share q of the weight lies (k values, sorted
 * here). */
static double weighted_quantile(weighted_t *a, uint32_t k, double q)
{
    double total = 0, acc = 0;
    qsort(a, k, sizeof *a, cmp_weighted);
    for (uint32_t i = 0; i < k; i++)
        total += a[i].w;
    for (uint32_t i = 0; i < k; i++) {
        acc += a[i].w;
        if (acc >= q * total)
            return a[i].v;
    }
    return k ? a[k - 1].v : NAN;
}

int kl_geo_outliers(const double *lat, const double *lon, const double *w, uint32_t n, uint8_t *out)
{
    weighted_t *a = malloc(((size_t)n + 1) * sizeof *a);
    double *dist = malloc(((size_t)n + 1) * sizeof *dist);
    if (!a || !dist) {
        free(a);
        free(dist);
        return -1;
    }
    uint32_t k = 0;
    double total = 0;
    for (uint32_t i = 0; i < n; i++) {
        out[i] = 0;
        if (isfinite(lat[i]) && isfinite(lon[i]) && w[i] > 0)
            total += w[i], k++;
    }
    int count = 0;
    if (k < 3)
        goto done; /* two places are their own bulk */
    /* the centre: the weighted medians of latitude and of longitude */
    double c[2];
    for (int axis = 0; axis < 2; axis++) {
        k = 0;
        for (uint32_t i = 0; i < n; i++)
            if (isfinite(lat[i]) && isfinite(lon[i]) && w[i] > 0)
                a[k++] = (weighted_t){axis ? lon[i] : lat[i], w[i]};
        c[axis] = weighted_quantile(a, k, 0.5);
    }
    /* the spread: the distance from the centre within which half the
     * actors lie */
    k = 0;
    for (uint32_t i = 0; i < n; i++) {
        dist[i] = NAN;
        if (isfinite(lat[i]) && isfinite(lon[i]) && w[i] > 0) {
            dist[i] = kl_geo_distance_km(c[0], c[1], lat[i], lon[i]);
            a[k++] = (weighted_t){dist[i], w[i]};
        }
    }
    double far = fmax(KL_GEO_FAR * weighted_quantile(a, k, 0.5), KL_GEO_FAR_MIN_KM);
    for (uint32_t i = 0; i < n; i++)
        out[i] = isfinite(dist[i]) && dist[i] > far && w[i] < KL_GEO_HEAVY * total;
    /* a far place inside the box of the others on the page stretches
     * nothing: it stays */
    double la0 = INFINITY, la1 = -INFINITY, lo0 = INFINITY, lo1 = -INFINITY;
    for (uint32_t i = 0; i < n; i++)
        if (isfinite(dist[i]) && !out[i]) {
            la0 = fmin(la0, lat[i]), la1 = fmax(la1, lat[i]);
            lo0 = fmin(lo0, lon[i]), lo1 = fmax(lo1, lon[i]);
        }
    kl_geo_proj_t p;
    kl_geo_proj_init(&p, (la0 + la1) / 2, (lo0 + lo1) / 2, 1);
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY, x, y;
    for (uint32_t i = 0; i < n; i++)
        if (isfinite(dist[i]) && !out[i]) {
            kl_geo_proj_km(&p, lat[i], lon[i], &x, &y);
            x0 = fmin(x0, x), x1 = fmax(x1, x), y0 = fmin(y0, y), y1 = fmax(y1, y);
        }
    for (uint32_t i = 0; i < n; i++) {
        if (!out[i])
            continue;
        kl_geo_proj_km(&p, lat[i], lon[i], &x, &y);
        if (x >= x0 && x <= x1 && y >= y0 && y <= y1)
            out[i] = 0;
        count += out[i];
    }
done:
    free(a);
    free(dist);
    return count;
}

/* --------------------------------------------------------- round numbers */

double kl_geo_round_length(double max)
{
    if (!(max > 0) || !isfinite(max))
        return 0;
    double p = pow(10, floor(log10(max)));
    /* log10 may land a hair below an exact power of ten */
    if (p * 10 <= max)
        p *= 10;
    if (5 * p <= max)
        return 5 * p;
    if (2 * p <= max)
        return 2 * p;
    return p;
}

double kl_geo_step(double span, unsigned lines)
{
    static const double steps[] = {0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 45};
    size_t n = sizeof steps / sizeof *steps;
    if (lines == 0)
        lines = 1;
    for (size_t i = 0; i < n; i++)
        if (span / steps[i] <= lines)
            return steps[i];
    return steps[n - 1];
}

void kl_geo_degrees(double value, double step, int latitude, char *buf, size_t size)
{
    /* TRANSLATORS: the compass letters of latitudes and longitudes on a
     * map's grid: north, south, east, west ("60°N", "16°E") */
    const char *hemi = latitude ? (value < 0 ? C_("compass", "S") : C_("compass", "N"))
                                : (value < 0 ? C_("compass", "W") : C_("compass", "E"));
    double a = fabs(value);
    if (a < step / 1000)
        hemi = "";
    /* whole steps print whole degrees; tenths otherwise */
    if (step >= 1 || fabs(a - round(a)) < 1e-9)
        snprintf(buf, size, "%.0f\u00b0%s", a, hemi);
    else
        snprintf(buf, size, "%.1f\u00b0%s", a, hemi);
}

/* ---------------------------------------------------------------- spread */

/* Placed boxes are kept in a uniform grid of square cells: a box is listed
 * in every cell it touches, so an overlap test reads the few cells under the
 * candidate box instead of every box placed so far. */
typedef struct {
    uint32_t box, next; /* next: index + 1 into entries, 0 ends the list */
} entry_t;

struct kl_i_spread {
    double cell;
    int64_t *kx, *ky; /* cell coordinates of each slot */
    uint32_t *head;   /* index + 1 into entries, 0: empty slot */
    size_t nslots, used;
    entry_t *entries;
    size_t count, cap;
    kl_geo_box_t *boxes; /* placed, copied */
    size_t nboxes, capboxes;
    /* per anchor, how far from it its last box went: the next box of a
     * crowd starts looking there, not at the crowded middle again */
    double *anx, *any, *anr; /* open addressing; anr < 0: empty */
    size_t nan_slots, nan_used;
};

/* Cells and anchors follow coordinates from input: keyed, so that they
 * cannot be crafted to collide. */
static size_t cell_hash(int64_t x, int64_t y, size_t mask)
{
    int64_t k[2] = {x, y};
    return (size_t)kl_hash(k, sizeof k) & mask;
}

static int grid_grow(kl_i_spread_t *gr)
{
    size_t old = gr->nslots, n = old ? 2 * old : 1024;
    int64_t *kx = gr->kx, *ky = gr->ky;
    uint32_t *head = gr->head;
    gr->kx = malloc(n * sizeof *gr->kx);
    gr->ky = malloc(n * sizeof *gr->ky);
    gr->head = calloc(n, sizeof *gr->head);
    if (!gr->kx || !gr->ky || !gr->head) {
        free(gr->kx), free(gr->ky), free(gr->head);
        gr->kx = kx, gr->ky = ky, gr->head = head;
        return -1;
    }
    gr->nslots = n;
    for (size_t i = 0; i < old; i++) {
        if (!head[i])
            continue;
        size_t j = cell_hash(kx[i], ky[i], n - 1);
        while (gr->head[j])
            j = (j + 1) & (n - 1);
        gr->kx[j] = kx[i], gr->ky[j] = ky[i], gr->head[j] = head[i];
    }
    free(kx), free(ky), free(head);
    return 0;
}

/* The slot of cell (x, y); when absent and create is set, a new empty slot
 * (SIZE_MAX when out of memory), else SIZE_MAX. */
static size_t grid_slot(kl_i_spread_t *gr, int64_t x, int64_t y, int create)
{
    if (gr->nslots) {
        size_t mask = gr->nslots - 1;
        for (size_t j = cell_hash(x, y, mask); gr->head[j]; j = (j + 1) & mask)
            if (gr->kx[j] == x && gr->ky[j] == y)
                return j;
    }
    if (!create)
        return SIZE_MAX;
    if (2 * (gr->used + 1) > gr->nslots && grid_grow(gr) != 0)
        return SIZE_MAX;
    size_t mask = gr->nslots - 1, j = cell_hash(x, y, mask);
    while (gr->head[j])
        j = (j + 1) & mask;
    gr->kx[j] = x, gr->ky[j] = y;
    gr->used++;
    return j;
}

static size_t anchor_hash(double x, double y, size_t mask)
{
    uint64_t a, b;
    memcpy(&a, &x, sizeof a);
    memcpy(&b, &y, sizeof b);
    return cell_hash((int64_t)a, (int64_t)b, mask);
}

/* The slot of anchor (x, y) in the anchor table, or of the empty slot where
 * it would go; SIZE_MAX when there is no table. */
static size_t anchor_slot(const kl_i_spread_t *gr, double x, double y)
{
    if (!gr->nan_slots)
        return SIZE_MAX;
    size_t mask = gr->nan_slots - 1, j = anchor_hash(x, y, mask);
    while (gr->anr[j] >= 0 && !(gr->anx[j] == x && gr->any[j] == y))
        j = (j + 1) & mask;
    return j;
}

static int anchor_remember(kl_i_spread_t *gr, double x, double y, double r)
{
    if (2 * (gr->nan_used + 1) > gr->nan_slots) {
        size_t old = gr->nan_slots, n = old ? 2 * old : 256;
        double *ox = gr->anx, *oy = gr->any, *orr = gr->anr;
        gr->anx = malloc(n * sizeof *gr->anx);
        gr->any = malloc(n * sizeof *gr->any);
        gr->anr = malloc(n * sizeof *gr->anr);
        if (!gr->anx || !gr->any || !gr->anr) {
            free(gr->anx), free(gr->any), free(gr->anr);
            gr->anx = ox, gr->any = oy, gr->anr = orr;
            return -1;
        }
        for (size_t j = 0; j < n; j++)
            gr->anr[j] = -1;
        gr->nan_slots = n;
        for (size_t i = 0; i < old; i++)
            if (orr[i] >= 0) {
                size_t j = anchor_slot(gr, ox[i], oy[i]);
                gr->anx[j] = ox[i], gr->any[j] = oy[i], gr->anr[j] = orr[i];
            }
        free(ox), free(oy), free(orr);
    }
    size_t j = anchor_slot(gr, x, y);
    if (gr->anr[j] < 0)
        gr->nan_used++;
    gr->anx[j] = x, gr->any[j] = y, gr->anr[j] = r;
    return 0;
}

kl_i_spread_t *kl_i_spread_new(double cell)
{
    kl_i_spread_t *gr = calloc(1, sizeof *gr);
    if (gr)
        gr->cell = cell >= 4 ? cell : 4;
    return gr;
}

void kl_i_spread_free(kl_i_spread_t *gr)
{
    if (!gr)
        return;
    free(gr->kx);
    free(gr->ky);
    free(gr->head);
    free(gr->entries);
    free(gr->boxes);
    free(gr->anx);
    free(gr->any);
    free(gr->anr);
    free(gr);
}

kl_err kl_i_spread_add(kl_i_spread_t *gr, const kl_geo_box_t *b)
{
    if (!isfinite(b->x) || !isfinite(b->y))
        return KL_OK;
    if (gr->nboxes == gr->capboxes) {
        size_t cap = gr->capboxes ? 2 * gr->capboxes : 256;
        kl_geo_box_t *p = realloc(gr->boxes, cap * sizeof *p);
        if (!p)
            return KL_ENOMEM;
        gr->boxes = p;
        gr->capboxes = cap;
    }
    if (isfinite(b->ax) && isfinite(b->ay) && anchor_remember(gr, b->ax, b->ay, hypot(b->x - b->ax, b->y - b->ay)))
        return KL_ENOMEM;
    uint32_t i = (uint32_t)gr->nboxes++;
    gr->boxes[i] = *b;
    int64_t x0 = (int64_t)floor((b->x - b->w / 2) / gr->cell), x1 = (int64_t)floor((b->x + b->w / 2) / gr->cell);
    int64_t y0 = (int64_t)floor((b->y - b->h / 2) / gr->cell), y1 = (int64_t)floor((b->y + b->h / 2) / gr->cell);
    for (int64_t x = x0; x <= x1; x++)
        for (int64_t y = y0; y <= y1; y++) {
            if (gr->count == gr->cap) {
                size_t cap = gr->cap ? 2 * gr->cap : 1024;
                entry_t *e = realloc(gr->entries, cap * sizeof *e);
                if (!e)
                    return KL_ENOMEM;
                gr->entries = e;
                gr->cap = cap;
            }
            size_t j = grid_slot(gr, x, y, 1);
            if (j == SIZE_MAX)
                return KL_ENOMEM;
            gr->entries[gr->count] = (entry_t){i, gr->head[j]};
            gr->head[j] = (uint32_t)++gr->count;
        }
    return KL_OK;
}

/* Does box b, centred at (x, y), come closer than gap to a placed box? */
static int hits(const kl_i_spread_t *gr, const kl_geo_box_t *b, double x, double y, double gap)
{
    double m = gap > 0 ? gap : 0;
    int64_t x0 = (int64_t)floor((x - b->w / 2 - m) / gr->cell), x1 = (int64_t)floor((x + b->w / 2 + m) / gr->cell);
    int64_t y0 = (int64_t)floor((y - b->h / 2 - m) / gr->cell), y1 = (int64_t)floor((y + b->h / 2 + m) / gr->cell);
    for (int64_t cx = x0; cx <= x1; cx++)
        for (int64_t cy = y0; cy <= y1; cy++) {
            size_t j = grid_slot((kl_i_spread_t *)gr, cx, cy, 0);
            if (j == SIZE_MAX)
                continue;
            for (uint32_t k = gr->head[j]; k; k = gr->entries[k - 1].next) {
                const kl_geo_box_t *o = &gr->boxes[gr->entries[k - 1].box];
                if (b->round && o->round
                        ? hypot(x - o->x, y - o->y) < (b->w + o->w) / 2 + gap
                        : fabs(x - o->x) < (b->w + o->w) / 2 + gap && fabs(y - o->y) < (b->h + o->h) / 2 + gap)
                    return 1;
            }
        }
    return 0;
}

#define GOLDEN_ANGLE 2.39996322972865332 /* pi (3 - sqrt 5): no two slots line up */
#define MAX_SLOTS 400000

int kl_i_spread_find(const kl_i_spread_t *gr, kl_geo_box_t *b, double gap, double max_dist)
{
    b->x = b->y = NAN;
    if (!isfinite(b->ax) || !isfinite(b->ay))
        return 0;
    /* slots of a sunflower (Vogel) spiral, equally dense everywhere,
     * nearest first: the first free one is about the nearest free place */
    double step = 0.2 * (b->w < b->h ? b->w : b->h);
    if (step < 1)
        step = 1;
    double x = b->ax, y = b->ay;
    uint32_t s = 1;
    /* the boxes placed before on this anchor took the middle: start near
     * the last one (less a box's size, so that gaps next to it still get
     * filled) */
    size_t j = anchor_slot(gr, b->ax, b->ay);
    if (j != SIZE_MAX && gr->anr[j] >= 0) {
        double r0 = gr->anr[j] - (b->w > b->h ? b->w : b->h);
        if (r0 > 0 && (r0 / step) * (r0 / step) < MAX_SLOTS) {
            s = (uint32_t)((r0 / step) * (r0 / step));
            s = s ? s : 1;
            x = b->ax + r0 * cos(GOLDEN_ANGLE * s);
            y = b->ay + r0 * sin(GOLDEN_ANGLE * s);
            s++;
        }
    }
    for (; hits(gr, b, x, y, gap); s++) {
        double r = step * sqrt((double)s), a = GOLDEN_ANGLE * s;
        if (s > MAX_SLOTS || r > max_dist)
            return 0;
        x = b->ax + r * cos(a);
        y = b->ay + r * sin(a);
    }
    b->x = x;
    b->y = y;
    return 1;
}

double kl_i_spread_cell(const kl_geo_box_t *b, uint32_t n)
{
    double *sizes = malloc(((size_t)n + 1) * sizeof *sizes);
    if (!sizes)
        return 16;
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++)
        if (isfinite(b[i].ax) && isfinite(b[i].ay))
            sizes[k++] = b[i].w > b[i].h ? b[i].w : b[i].h;
    qsort(sizes, k, sizeof *sizes, kl_i_cmp_double);
    /* cells about twice a typical box: few boxes per cell, few cells per box */
    double cell = k ? 2 * sizes[k / 2] : 16;
    free(sizes);
    return cell;
}

kl_err kl_geo_spread(kl_geo_box_t *b, const uint32_t *order, uint32_t n, double gap)
{
    kl_i_spread_t *gr = kl_i_spread_new(kl_i_spread_cell(b, n));
    if (!gr)
        return KL_ENOMEM;
    for (uint32_t t = 0; t < n; t++) {
        kl_geo_box_t *bi = &b[order[t]];
        /* beyond MAX_SLOTS (never seen) the box stays on its anchor */
        if (!kl_i_spread_find(gr, bi, gap, INFINITY) && isfinite(bi->ax) && isfinite(bi->ay))
            bi->x = bi->ax, bi->y = bi->ay;
        if (kl_i_spread_add(gr, bi) != KL_OK) {
            kl_i_spread_free(gr);
            return KL_ENOMEM;
        }
    }
    kl_i_spread_free(gr);
    return KL_OK;
}

/* ------------------------------------------------------ paths, clipping */

int kl_i_path_push(kl_i_path_t *p, double x, double y)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 64;
        double *nx = realloc(p->x, cap * sizeof *nx);
        if (!nx)
            return -1;
        p->x = nx;
        double *ny = realloc(p->y, cap * sizeof *ny);
        if (!ny)
            return -1;
        p->y = ny;
        p->cap = cap;
    }
    p->x[p->n] = x;
    p->y[p->n] = y;
    p->n++;
    return 0;
}

void kl_i_path_free(kl_i_path_t *p)
{
    free(p->x);
    free(p->y);
    memset(p, 0, sizeof *p);
}

/* Which side of one edge of the rectangle (x0, y0)-(x1, y1) a point is on:
 * edge 0 left, 1 right, 2 bottom, 3 top. */
static int inside_edge(int edge, double x, double y, double x0, double y0, double x1, double y1)
{
    switch (edge) {
    case 0: return x >= x0;
    case 1: return x <= x1;
    case 2: return y >= y0;
    default: return y <= y1;
    }
}

/* Where segment a-b crosses the line of edge. */
static void cross_edge(int edge, double ax, double ay, double bx, double by, double x0, double y0, double x1, double y1,
                       double *x, double *y)
{
    double c = edge == 0 ? x0 : edge == 1 ? x1 : edge == 2 ? y0 : y1;
    if (edge < 2) {
        double t = (c - ax) / (bx - ax);
        *x = c, *y = ay + t * (by - ay);
    } else {
        double t = (c - ay) / (by - ay);
        *x = ax + t * (bx - ax), *y = c;
    }
}

kl_err kl_i_clip_ring(const kl_i_path_t *in, double x0, double y0, double x1, double y1, kl_i_path_t *out)
{
    /* Sutherland-Hodgman: the ring clipped by each edge's half-plane in
     * turn; a ring partly outside gets pieces of the frame's edge, which
     * is what a filled area clipped to the frame should have */
    kl_i_path_t a = {0}, b = {0};
    const kl_i_path_t *src = in;
    out->n = 0;
    for (int edge = 0; edge < 4; edge++) {
        kl_i_path_t *dst = edge == 3 ? out : edge % 2 ? &b : &a;
        dst->n = 0;
        for (size_t i = 0; i < src->n; i++) {
            size_t j = (i + src->n - 1) % src->n;
            double px = src->x[j], py = src->y[j], cx = src->x[i], cy = src->y[i], x, y;
            int pin = inside_edge(edge, px, py, x0, y0, x1, y1), cin = inside_edge(edge, cx, cy, x0, y0, x1, y1);
            if (cin != pin) {
                cross_edge(edge, px, py, cx, cy, x0, y0, x1, y1, &x, &y);
                if (kl_i_path_push(dst, x, y))
                    goto oom;
            }
            if (cin && kl_i_path_push(dst, cx, cy))
                goto oom;
        }
        src = dst;
    }
    kl_i_path_free(&a);
    kl_i_path_free(&b);
    return KL_OK;
oom:
    kl_i_path_free(&a);
    kl_i_path_free(&b);
    return KL_ENOMEM;
}

int kl_i_clip_segment(double *ax, double *ay, double *bx, double *by, double x0, double y0, double x1, double y1)
{
    /* Liang-Barsky: the part of a + t (b - a), 0 <= t <= 1, inside */
    double dx = *bx - *ax, dy = *by - *ay, t0 = 0, t1 = 1;
    double p[4] = {-dx, dx, -dy, dy}, q[4] = {*ax - x0, x1 - *ax, *ay - y0, y1 - *ay};
    for (int k = 0; k < 4; k++) {
        if (p[k] == 0) {
            if (q[k] < 0)
                return 0;
            continue;
        }
        double t = q[k] / p[k];
        if (p[k] < 0)
            t0 = t > t0 ? t : t0;
        else
            t1 = t < t1 ? t : t1;
        if (t0 > t1)
            return 0;
    }
    double sx = *ax, sy = *ay;
    *ax = sx + t0 * dx, *ay = sy + t0 * dy;
    *bx = sx + t1 * dx, *by = sy + t1 * dy;
    return 1;
}

/* Douglas-Peucker keep-marks for points (i, j) exclusive, without recursion:
 * a stack of open spans. */
static int dp_mark(const kl_i_path_t *p, size_t first, size_t last, double tol, uint8_t *keep)
{
    size_t cap = 64, top = 0;
    size_t *stack = malloc(cap * 2 * sizeof *stack);
    if (!stack)
        return -1;
    stack[top++] = first, stack[top++] = last;
    while (top) {
        size_t j = stack[--top], i = stack[--top];
        double dx = p->x[j] - p->x[i], dy = p->y[j] - p->y[i], len = hypot(dx, dy), far = -1;
        size_t at = 0;
        for (size_t k = i + 1; k < j; k++) {
            double d = len > 0 ? fabs(dy * (p->x[k] - p->x[i]) - dx * (p->y[k] - p->y[i])) / len
                               : hypot(p->x[k] - p->x[i], p->y[k] - p->y[i]);
            if (d > far)
                far = d, at = k;
        }
        if (far <= tol)
            continue;
        keep[at] = 1;
        if (top + 4 > 2 * cap) {
            size_t *s = realloc(stack, (cap *= 2) * 2 * sizeof *s);
            if (!s) {
                free(stack);
                return -1;
            }
            stack = s;
        }
        stack[top++] = i, stack[top++] = at;
        stack[top++] = at, stack[top++] = j;
    }
    free(stack);
    return 0;
}

kl_err kl_i_simplify(kl_i_path_t *p, double tol, int ring)
{
    if (p->n < 3)
        return KL_OK;
    uint8_t *keep = calloc(p->n, 1);
    if (!keep)
        return KL_ENOMEM;
    size_t last = p->n - 1, far = last;
    if (ring) {
        /* a ring: split at the vertex farthest from the first */
        double best = -1;
        for (size_t k = 1; k < p->n; k++) {
            double d = hypot(p->x[k] - p->x[0], p->y[k] - p->y[0]);
            if (d > best)
                best = d, far = k;
        }
    }
    keep[0] = keep[far] = keep[last] = 1;
    if (dp_mark(p, 0, far, tol, keep) || (far < last && dp_mark(p, far, last, tol, keep))) {
        free(keep);
        return KL_ENOMEM;
    }
    size_t m = 0;
    for (size_t k = 0; k < p->n; k++)
        if (keep[k])
            p->x[m] = p->x[k], p->y[m] = p->y[k], m++;
    p->n = m;
    free(keep);
    return KL_OK;
}
