/* viz/basemap.c - the basemap built into the binary (viz/basemap/basemap.json,
 * viz/basemap/README.md): parsed once, on first use, into flat arrays, and
 * matched to a dataset's regions by code or name and by place, unless the
 * dataset gives a region's outline itself. */
#include "viz_internal.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The JSON text with a terminating NUL, in the read-only data of this object:
 * the binary may be installed anywhere, so nothing is read at run time.  The
 * Makefile rebuilds this object when the JSON changes. */
extern const char kl_i_basemap_json[];
__asm__(".pushsection .rodata\n"
        ".globl kl_i_basemap_json\n"
        ".hidden kl_i_basemap_json\n"
        ".type kl_i_basemap_json, @object\n"
        "kl_i_basemap_json:\n"
        ".incbin \"viz/basemap/basemap.json\"\n"
        ".byte 0\n"
        ".size kl_i_basemap_json, . - kl_i_basemap_json\n"
        ".popsection\n");

#define DEG (3.14159265358979323846 / 180.0)
#define KM_PER_DEG (KL_GEO_EARTH_KM * DEG)
/* A region's point may lie off its shape: a coastal or island centroid
 * beyond the simplified coast (NEAR_KM), or the centroid of a bent country
 * beyond its border (Norway's lies in Sweden, 110 km away; Croatia's in
 * Bosnia), hence a tolerance that grows with the shape: a tenth of the
 * diagonal of its bounding box. */
#define NEAR_KM 25.0
#define NEAR_SHARE_OF_EXTENT 0.1

typedef struct {
    kl_i_basemap_t bm;
    kl_i_shape_t *shapes; /* countries, then regions */
    uint32_t *ring;
    double *lat, *lon;
    char *text; /* names and framed keys */
} basemap_store_t;

static basemap_store_t *cache;

/* ------------------------------------------------------------ parsing */

typedef struct {
    size_t shapes, ring_bounds, vertices, text;
} sizes_t;

/* Add what shape j needs to z; 0 when j is not a shape of the format. */
static int measure_shape(const json_t *j, sizes_t *z)
{
    const json_t *name = json_object_get(j, "name"), *keys = json_object_get(j, "keys");
    const json_t *rings = json_object_get(j, "rings"), *v;
    size_t i;
    if (!json_is_string(name) || !json_is_array(keys) || !json_is_array(rings) || !json_array_size(rings))
        return 0;
    z->shapes++;
    z->text += json_string_length(name) + 1 + 2; /* NUL, and the keys' opening '|' and NUL */
    json_array_foreach(keys, i, v) {
        if (!json_is_string(v) || !json_string_length(v) || strchr(json_string_value(v), '|'))
            return 0;
        z->text += json_string_length(v) + 1;
    }
    z->ring_bounds += json_array_size(rings) + 1;
    json_array_foreach(rings, i, v) {
        size_t n = json_array_size(v);
        if (!json_is_array(v) || n < 6 || n % 2)
            return 0;
        z->vertices += n / 2;
    }
    return 1;
}

typedef struct {
    basemap_store_t *st;
    size_t ring_at, vertex_at, text_at;
} filler_t;

static char *put_text(filler_t *f, const char *s, size_t n)
{
    char *at = f->st->text + f->text_at;
    memcpy(at, s, n);
    f->text_at += n;
    return at;
}

/* Fill s from j (already measured): name, "|k1|k2|", rings, bounding box.
 * 0 when a coordinate is not a number. */
static int fill_shape(filler_t *f, kl_i_shape_t *s, const json_t *j)
{
    const json_t *name = json_object_get(j, "name"), *keys = json_object_get(j, "keys");
    const json_t *rings = json_object_get(j, "rings"), *v;
    size_t i, base = f->vertex_at;
    s->name = put_text(f, json_string_value(name), json_string_length(name) + 1);
    s->keys = put_text(f, "|", 1);
    json_array_foreach(keys, i, v) {
        put_text(f, json_string_value(v), json_string_length(v));
        put_text(f, "|", 1);
    }
    put_text(f, "", 1);
    s->n_rings = (uint32_t)json_array_size(rings);
    s->ring = f->st->ring + f->ring_at;
    s->lat = f->st->lat + base;
    s->lon = f->st->lon + base;
    s->lat_min = s->lon_min = INFINITY;
    s->lat_max = s->lon_max = -INFINITY;
    json_array_foreach(rings, i, v) {
        f->st->ring[f->ring_at++] = (uint32_t)(f->vertex_at - base);
        for (size_t k = 0; k + 1 < json_array_size(v); k += 2) {
            const json_t *x = json_array_get(v, k), *y = json_array_get(v, k + 1);
            if (!json_is_number(x) || !json_is_number(y))
                return 0;
            double lon = json_number_value(x), lat = json_number_value(y);
            f->st->lon[f->vertex_at] = lon;
            f->st->lat[f->vertex_at++] = lat;
            s->lat_min = fmin(s->lat_min, lat);
            s->lat_max = fmax(s->lat_max, lat);
            s->lon_min = fmin(s->lon_min, lon);
            s->lon_max = fmax(s->lon_max, lon);
        }
    }
    f->st->ring[f->ring_at++] = (uint32_t)(f->vertex_at - base);
    return 1;
}

static void store_free(basemap_store_t *st)
{
    if (!st)
        return;
    free(st->shapes);
    free(st->ring);
    free(st->lat);
    free(st->lon);
    free(st->text);
    free(st);
}

static kl_err malformed(kl_error_t *err, const char *what)
{
    return kl_error_set(err, KL_EPARSE, "", 0, 0, "the built-in basemap is malformed: %s", what);
}

/* The store of root's countries and regions. */
static kl_err build_store(const json_t *root, basemap_store_t **out, kl_error_t *err)
{
    const json_t *countries = json_object_get(root, "countries"), *regions = json_object_get(root, "regions"), *v;
    sizes_t z = {0, 0, 0, 0};
    size_t i;
    if (!json_is_array(countries) || !json_is_array(regions))
        return malformed(err, "no 'countries' or 'regions'");
    json_array_foreach(countries, i, v) if (!measure_shape(v, &z)) return malformed(err, "a country");
    json_array_foreach(regions, i, v) if (!measure_shape(v, &z)) return malformed(err, "a region");

    basemap_store_t *st = calloc(1, sizeof *st);
    if (st) {
        st->shapes = calloc(z.shapes, sizeof *st->shapes);
        st->ring = malloc(z.ring_bounds * sizeof *st->ring);
        st->lat = malloc(z.vertices * sizeof *st->lat);
        st->lon = malloc(z.vertices * sizeof *st->lon);
        st->text = malloc(z.text);
    }
    if (!st || !st->shapes || !st->ring || !st->lat || !st->lon || !st->text) {
        store_free(st);
        return kl_error_set(err, KL_ENOMEM, "", 0, 0, "out of memory");
    }
    filler_t f = {st, 0, 0, 0};
    st->bm.n_countries = (uint32_t)json_array_size(countries);
    st->bm.n_regions = (uint32_t)json_array_size(regions);
    st->bm.countries = st->shapes;
    st->bm.regions = st->shapes + st->bm.n_countries;
    uint32_t k = 0;
    json_array_foreach(countries, i, v) if (!fill_shape(&f, &st->shapes[k++], v)) goto bad_number;
    json_array_foreach(regions, i, v) if (!fill_shape(&f, &st->shapes[k++], v)) goto bad_number;
    *out = st;
    return KL_OK;
bad_number:
    store_free(st);
    return malformed(err, "a coordinate that is not a number");
}

const kl_i_basemap_t *kl_i_basemap(kl_error_t *err)
{
    if (cache)
        return &cache->bm;
    json_error_t jerr;
    json_t *root = json_loads(kl_i_basemap_json, 0, &jerr);
    if (!root) {
        if (json_error_code(&jerr) == json_error_out_of_memory)
            kl_error_set(err, KL_ENOMEM, "", 0, 0, "out of memory");
        else
            kl_error_set(err, KL_EPARSE, "viz/basemap/basemap.json", jerr.line, jerr.column,
                         "the built-in basemap is malformed: %s", jerr.text);
        return NULL;
    }
    basemap_store_t *st = NULL;
    kl_err rc = build_store(root, &st, err);
    json_decref(root);
    if (rc != KL_OK)
        return NULL;
    cache = st;
    return &cache->bm;
}

void kl_i_basemap_free(void)
{
    store_free(cache);
    cache = NULL;
}

/* ------------------------------------------------------------ geometry */

int kl_i_ring_contains(const kl_i_shape_t *s, uint32_t r, double lat, double lon)
{
    int odd = 0;
    uint32_t first = s->ring[r], end = s->ring[r + 1];
    for (uint32_t i = first, j = end - 1; i < end; j = i++) {
        /* does the edge j-i cross the parallel of lat east of lon? */
        if ((s->lat[i] > lat) != (s->lat[j] > lat)) {
            double x = s->lon[j] + (lat - s->lat[j]) / (s->lat[i] - s->lat[j]) * (s->lon[i] - s->lon[j]);
            if (x > lon)
                odd = !odd;
        }
    }
    return odd;
}

int kl_i_shape_contains(const kl_i_shape_t *s, double lat, double lon)
{
    if (!(lat >= s->lat_min && lat <= s->lat_max && lon >= s->lon_min && lon <= s->lon_max))
        return 0;
    int odd = 0;
    for (uint32_t r = 0; r < s->n_rings; r++)
        odd ^= kl_i_ring_contains(s, r, lat, lon);
    return odd;
}

/* Degrees of longitude from lon to x, the short way round. */
static double lon_delta(double x, double lon)
{
    return fmod(x - lon + 540.0, 360.0) - 180.0;
}

/* The shortest distance in km from (lat, lon) to an edge of s, on the plane
 * tangent at the point (a few per cent off at hundreds of km). */
static double distance_km(const kl_i_shape_t *s, double lat, double lon)
{
    double k = cos(lat * DEG) * KM_PER_DEG, best = INFINITY;
    for (uint32_t r = 0; r < s->n_rings; r++) {
        uint32_t first = s->ring[r], end = s->ring[r + 1];
        for (uint32_t i = first, j = end - 1; i < end; j = i++) {
            double ax = lon_delta(s->lon[j], lon) * k, ay = (s->lat[j] - lat) * KM_PER_DEG;
            double bx = lon_delta(s->lon[i], lon) * k, by = (s->lat[i] - lat) * KM_PER_DEG;
            double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
            double t = len2 > 0 ? -(ax * dx + ay * dy) / len2 : 0;
            t = t < 0 ? 0 : t > 1 ? 1 : t;
            best = fmin(best, hypot(ax + t * dx, ay + t * dy));
        }
    }
    return best;
}

/* Whether the point belongs to s: inside it, or within NEAR_KM of it, or
 * within a tenth of its size (see NEAR_SHARE_OF_EXTENT). */
static int holds_point(const kl_i_shape_t *s, double lat, double lon)
{
    double mid = cos((s->lat_min + s->lat_max) / 2 * DEG);
    double extent = hypot((s->lat_max - s->lat_min) * KM_PER_DEG, (s->lon_max - s->lon_min) * KM_PER_DEG * mid);
    double tol = fmax(NEAR_KM, NEAR_SHARE_OF_EXTENT * extent);
    /* far outside the bounding box: no need to look at the edges */
    double dlat = tol / KM_PER_DEG, coslat = cos(lat * DEG);
    if (lat < s->lat_min - dlat || lat > s->lat_max + dlat)
        return 0;
    if (coslat > 0.05) {
        double dlon = dlat / coslat, lo = s->lon_min - dlon, hi = s->lon_max + dlon;
        if (!(lon >= lo && lon <= hi) && !(lon + 360 >= lo && lon + 360 <= hi) && !(lon - 360 >= lo && lon - 360 <= hi))
            return 0;
    }
    return kl_i_shape_contains(s, lat, lon) || distance_km(s, lat, lon) <= tol;
}

/* ------------------------------------------------------------ matching */

static int ascii_lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Whether want is one of the '|'-framed keys, ASCII letters compared
 * without case and every other byte exactly ("Skåne" is not "SKÅNE"). */
static int has_key(const char *keys, const char *want)
{
    size_t n = want ? strlen(want) : 0;
    if (!n)
        return 0;
    for (const char *p = keys + 1; *p; p = strchr(p, '|') + 1) {
        size_t i = 0;
        while (i < n && p[i] != '|' && ascii_lower((unsigned char)p[i]) == ascii_lower((unsigned char)want[i]))
            i++;
        if (i == n && p[i] == '|')
            return 1;
    }
    return 0;
}

static const kl_i_shape_t *match_in(const kl_i_shape_t *shapes, uint32_t n, const kl_region_t *r)
{
    int placed = isfinite(r->lat) && isfinite(r->lon);
    for (uint32_t i = 0; i < n; i++) {
        const kl_i_shape_t *s = &shapes[i];
        if (!has_key(s->keys, r->id) && !has_key(s->keys, r->name))
            continue;
        if (!placed || holds_point(s, r->lat, r->lon))
            return s;
    }
    return NULL;
}

const kl_i_shape_t *kl_i_basemap_match(const kl_i_basemap_t *bm, const kl_region_t *r)
{
    if (!bm || !r)
        return NULL;
    const kl_i_shape_t *s = match_in(bm->regions, bm->n_regions, r);
    return s ? s : match_in(bm->countries, bm->n_countries, r);
}

const kl_i_shape_t *kl_i_region_shape(const kl_i_basemap_t *bm, const kl_region_t *r, kl_i_shape_t *own)
{
    if (!r || !r->n_rings)
        return kl_i_basemap_match(bm, r);
    *own = (kl_i_shape_t){r->name, "|", r->n_rings, r->ring, r->ring_lat, r->ring_lon,
                          INFINITY, -INFINITY, INFINITY, -INFINITY};
    for (uint32_t i = 0; i < r->ring[r->n_rings]; i++) {
        own->lat_min = fmin(own->lat_min, r->ring_lat[i]);
        own->lat_max = fmax(own->lat_max, r->ring_lat[i]);
        own->lon_min = fmin(own->lon_min, r->ring_lon[i]);
        own->lon_max = fmax(own->lon_max, r->ring_lon[i]);
    }
    return own;
}
