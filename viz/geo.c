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

void kl_geo_proj_init(kl_geo_proj_t *p, double lat_min, double lat_max, double lon_min, double lon_max,
                      double pt_per_km)
{
    p->lat0 = (lat_min + lat_max) / 2;
    p->lon0 = (lon_min + lon_max) / 2;
    p->k = cos(p->lat0 * DEG);
    p->scale = pt_per_km;
}

void kl_geo_proj_km(const kl_geo_proj_t *p, double lat, double lon, double *x, double *y)
{
    *x = KL_GEO_EARTH_KM * (lon - p->lon0) * DEG * p->k;
    *y = KL_GEO_EARTH_KM * (lat - p->lat0) * DEG;
}

void kl_geo_proj_xy(const kl_geo_proj_t *p, double lat, double lon, double *x, double *y)
{
    kl_geo_proj_km(p, lat, lon, x, y);
    *x *= p->scale;
    *y *= p->scale;
}

void kl_geo_proj_latlon(const kl_geo_proj_t *p, double x, double y, double *lat, double *lon)
{
    *lat = p->lat0 + y / p->scale / KL_GEO_EARTH_KM / DEG;
    *lon = p->lon0 + x / p->scale / KL_GEO_EARTH_KM / DEG / p->k;
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
    char hemi = latitude ? (value < 0 ? 'S' : 'N') : (value < 0 ? 'W' : 'E');
    double a = fabs(value);
    if (a < step / 1000)
        hemi = ' ';
    /* whole steps print whole degrees; tenths otherwise */
    if (step >= 1 || fabs(a - round(a)) < 1e-9)
        snprintf(buf, size, "%.0f\u00b0%c", a, hemi);
    else
        snprintf(buf, size, "%.1f\u00b0%c", a, hemi);
    size_t len = strlen(buf);
    if (len && buf[len - 1] == ' ')
        buf[len - 1] = '\0';
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

static size_t cell_hash(int64_t x, int64_t y, size_t mask)
{
    uint64_t h = (uint64_t)x * 0x9E3779B97F4A7C15ull ^ (uint64_t)y * 0xC2B2AE3D27D4EB4Full;
    return (size_t)(h ^ (h >> 29)) & mask;
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

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
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
    qsort(sizes, k, sizeof *sizes, cmp_double);
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
