/* loaders/outlines.c - a dataset's own region outlines: a GeoJSON
 * FeatureCollection (RFC 7946) of Polygons and MultiPolygons, one feature
 * per region by properties.id, read with the extract's JSON lexer so that
 * every error has its line and column (docs/format.md#region-outlines). */
#include "loaders_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A ring of the current feature: vertices [start, start + count) of the
 * reader's lat/lon (the closing position, when repeated, left out). */
typedef struct {
    uint32_t start, count;
    int outer; /* the first ring of its polygon; the others are holes */
} ring_t;

/* Nesting of a coordinates array: a position is 0, a ring of positions 1,
 * a polygon of rings 2, a list of polygons 3. */
enum { H_POSITION, H_RING, H_POLYGON, H_POLYGONS };

typedef struct {
    kl_dataset_t *ds;
    const char *path;
    uint32_t file; /* index into ds->files, for the warnings' places */
    kl_error_t *err;
    kl_jlex_t lx;
    uint64_t positions; /* read in the whole file: the limit's count */

    /* the current feature's positions and rings */
    double *lat, *lon;
    size_t nv, cap_v;
    kl_array_t rings;  /* of ring_t */
    uint32_t *offsets; /* its outer rings' offsets, for the dataset */
    size_t cap_offsets;

    /* per region: where its outline's id stands (line 0: none yet) */
    uint32_t *given_line, *given_col;
} reader_t;

typedef struct {
    uint32_t line, col; /* the feature's '{' */
    int type;           /* 0: "type": "Feature" given, -1: not */
    int member_id;      /* a top-level "id" member, which is not read */
    const char *id;     /* properties.id, interned; NULL: none */
    uint32_t id_line, id_col;
    int has_geometry;
} feature_t;

static kl_err nomem(reader_t *r)
{
    return kl_error_set(r->err, KL_ENOMEM, NULL, 0, 0, "out of memory");
}

static kl_err syntax_error(reader_t *r)
{
    return kl_error_set(r->err, KL_EPARSE, r->path, r->lx.err_line, r->lx.err_col, "%s", r->lx.errmsg);
}

static kl_err error_at(reader_t *r, uint32_t line, uint32_t col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static kl_err error_at(reader_t *r, uint32_t line, uint32_t col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kl_error_setv(r->err, KL_EINVAL, r->path, line, col, fmt, ap);
    va_end(ap);
    return KL_EINVAL;
}

/* An error about the current token. */
#define TOKEN_ERROR(r, ...) error_at((r), (r)->lx.tok_line, (r)->lx.tok_col, __VA_ARGS__)

static int token_is(const kl_jlex_t *lx, const char *s)
{
    size_t n = strlen(s);
    return lx->str_len == n && memcmp(lx->str, s, n) == 0;
}

/* The current string token for a message: at most 40 bytes, cut before a
 * NUL and never inside a UTF-8 sequence. */
static void token_text(const kl_jlex_t *lx, char *buf, size_t size)
{
    size_t n = strnlen(lx->str, lx->str_len > 40 ? 40 : lx->str_len);
    while (n > 0 && n < lx->str_len && ((unsigned char)lx->str[n] & 0xC0) == 0x80)
        n--;
    snprintf(buf, size, "%.*s", (int)n, lx->str);
}

static kl_err next(reader_t *r, kl_jtok *t)
{
    *t = kl_jlex_next(&r->lx);
    return *t == KL_J_ERROR ? syntax_error(r) : KL_OK;
}

static kl_err skip_value(reader_t *r)
{
    return kl_jlex_skip_value(&r->lx, NULL, NULL) < 0 ? syntax_error(r) : KL_OK;
}

typedef kl_err (*member_fn)(reader_t *r, int key, kl_jtok t, void *ctx);

/* The members of the object whose '{' was just read: fn reads the value of
 * each one named in keys[0..n) (key: its index; t: the value's first
 * token), the others are skipped. */
static kl_err read_object(reader_t *r, const char *const *keys, int n, member_fn fn, void *ctx)
{
    kl_jtok t;
    kl_err rc;
    for (;;) {
        if ((rc = next(r, &t)) != KL_OK || t == KL_J_OBJECT_END)
            return rc;
        int key = 0;
        while (key < n && !token_is(&r->lx, keys[key]))
            key++;
        if ((rc = next(r, &t)) != KL_OK)
            return rc;
        if ((rc = key < n ? fn(r, key, t, ctx) : skip_value(r)) != KL_OK)
            return rc;
    }
}

/* A "type" member whose value starts with t: one of the strings
 * names[0..n), *which its index; whose names the object in messages
 * ("a feature's"). */
static kl_err type_value(reader_t *r, kl_jtok t, const char *whose, const char *const *names, int n, int *which)
{
    if (t != KL_J_STRING)
        return TOKEN_ERROR(r, "wrong type for %s 'type': expected a string, got %s", whose, kl_i_jtok_name(t));
    for (*which = 0; *which < n; ++*which)
        if (token_is(&r->lx, names[*which]))
            return KL_OK;
    char text[48], expected[64] = "";
    token_text(&r->lx, text, sizeof text);
    for (int k = 0; k < n; k++)
        snprintf(expected + strlen(expected), sizeof expected - strlen(expected), "%s%s", k ? " or " : "", names[k]);
    return TOKEN_ERROR(r, "%s 'type' is '%s': expected %s", whose, text, expected);
}

/* --------------------------------------------------------- coordinates */

/* The rest of a position after its first number: [lon, lat] or [lon, lat,
 * altitude], in range; stored as the current feature's next vertex. */
static kl_err read_position(reader_t *r, uint32_t line, uint32_t col)
{
    double v[2] = {0, 0};
    uint32_t at_line[2] = {0, 0}, at_col[2] = {0, 0}, n = 0;
    kl_jtok t = KL_J_NUMBER;
    kl_err rc;
    for (; t != KL_J_ARRAY_END; n++) {
        if (n == 3)
            return error_at(r, line, col,
                            "a position of more than 3 numbers: expected [lon, lat] or [lon, lat, altitude]");
        if (t != KL_J_NUMBER)
            return TOKEN_ERROR(r, "wrong type in a position: expected a number, got %s", kl_i_jtok_name(t));
        if (!r->lx.num_finite)
            return TOKEN_ERROR(r, "number %.*s in a position is out of range",
                               r->lx.str_len > 40 ? 40 : (int)r->lx.str_len, r->lx.str);
        if (n < 2) {
            v[n] = r->lx.num;
            at_line[n] = r->lx.tok_line;
            at_col[n] = r->lx.tok_col;
        }
        if ((rc = next(r, &t)) != KL_OK)
            return rc;
    }
    if (n < 2)
        return error_at(r, line, col, "a position of %u number: expected [lon, lat] or [lon, lat, altitude]", n);
    if (v[0] < -180 || v[0] > 180)
        return error_at(r, at_line[0], at_col[0], "longitude %g is outside -180..180 (a position is [lon, lat])", v[0]);
    if (v[1] < -90 || v[1] > 90)
        return error_at(r, at_line[1], at_col[1], "latitude %g is outside -90..90 (a position is [lon, lat])", v[1]);
    if (++r->positions > KL_OUTLINES_MAX_POSITIONS)
        return kl_error_set(r->err, KL_ELIMIT, r->path, line, col,
                            "more than %u positions in the region outlines (the limit)", KL_OUTLINES_MAX_POSITIONS);
    if (r->nv == r->cap_v) {
        size_t cap = r->cap_v ? 2 * r->cap_v : 256;
        double *lat = realloc(r->lat, cap * sizeof *lat);
        if (lat)
            r->lat = lat;
        double *lon = lat ? realloc(r->lon, cap * sizeof *lon) : NULL;
        if (!lon)
            return nomem(r);
        r->lon = lon;
        r->cap_v = cap;
    }
    r->lon[r->nv] = v[0];
    r->lat[r->nv++] = v[1];
    return KL_OK;
}

/* Close the ring of the vertices from start on, whose '[' is at (line, col):
 * the closing position (equal to the first) left out, at least 3 left, no
 * edge across the antimeridian. */
static kl_err close_ring(reader_t *r, uint32_t start, int outer, uint32_t line, uint32_t col)
{
    uint32_t n = (uint32_t)r->nv - start;
    if (n >= 2 && r->lat[start] == r->lat[start + n - 1] && r->lon[start] == r->lon[start + n - 1])
        n--;
    if (n < 3)
        return error_at(r, line, col, "a ring of %u position%s: expected at least 3 besides the closing one", n,
                        n == 1 ? "" : "s");
    for (uint32_t i = 0; i < n; i++) {
        double a = r->lon[start + i], b = r->lon[start + (i + 1) % n];
        if (fabs(a - b) > 180)
            return error_at(r, line, col,
                            "a ring crosses the antimeridian (longitude %g to %g): cut it there into two polygons, "
                            "as RFC 7946 asks",
                            a, b);
    }
    r->nv = start + n;
    ring_t *ring = kl_array_push(&r->rings);
    if (!ring)
        return nomem(r);
    *ring = (ring_t){start, n, outer};
    return KL_OK;
}

static const char *height_name(int h)
{
    static const char *const names[] = {"a position", "a ring", "a polygon", "a list of polygons"};
    return h >= 0 && h <= H_POLYGONS ? names[h] : "an array";
}

/* The array whose '[' was just read, level arrays deep in 'coordinates'
 * (1: coordinates itself), first: the first of its siblings.  A position,
 * or an array of arrays of one height; *height is its own. */
static kl_err read_coordinates(reader_t *r, uint32_t level, int first, int *height)
{
    uint32_t line = r->lx.tok_line, col = r->lx.tok_col, start = (uint32_t)r->nv;
    if (level > H_POLYGONS + 1)
        return TOKEN_ERROR(r, "'coordinates' nested deeper than a MultiPolygon's");
    kl_jtok t;
    kl_err rc;
    if ((rc = next(r, &t)) != KL_OK)
        return rc;
    if (t == KL_J_NUMBER) {
        *height = H_POSITION;
        return read_position(r, line, col);
    }
    if (t == KL_J_ARRAY_END)
        return error_at(r, line, col,
                        "an empty array in 'coordinates': a polygon needs a ring of at least 3 positions");
    int child = -1;
    for (int k = 0; t != KL_J_ARRAY_END; k++) {
        if (t != KL_J_ARRAY)
            return TOKEN_ERROR(r, "wrong type in 'coordinates': expected %s, got %s",
                               k ? "an array" : "an array or a number", kl_i_jtok_name(t));
        uint32_t cl = r->lx.tok_line, cc = r->lx.tok_col;
        int h;
        if ((rc = read_coordinates(r, level + 1, k == 0, &h)) != KL_OK)
            return rc;
        if (child >= 0 && h != child)
            return error_at(r, cl, cc, "'coordinates' nested unevenly: %s where the arrays before it are each %s",
                            height_name(h), height_name(child));
        child = h;
        if ((rc = next(r, &t)) != KL_OK)
            return rc;
    }
    *height = child + 1;
    return *height == H_RING ? close_ring(r, start, first, line, col) : KL_OK;
}

/* ------------------------------------------------------------ features */

static const char *const geometry_types[] = {"Polygon", "MultiPolygon"};

typedef struct {
    int type;           /* index into geometry_types, -1: not given */
    int height;         /* of the coordinates, -1: not given */
    uint32_t line, col; /* of the coordinates */
} geometry_t;

static kl_err geometry_member(reader_t *r, int key, kl_jtok t, void *ctx)
{
    geometry_t *g = ctx;
    if (key == 0)
        return type_value(r, t, "a geometry's", geometry_types, 2, &g->type);
    if (t != KL_J_ARRAY)
        return TOKEN_ERROR(r, "wrong type for 'coordinates': expected an array, got %s", kl_i_jtok_name(t));
    g->line = r->lx.tok_line, g->col = r->lx.tok_col;
    return read_coordinates(r, 1, 1, &g->height);
}

/* A geometry object after its '{': a Polygon or MultiPolygon, its rings
 * left in the reader. */
static kl_err read_geometry(reader_t *r)
{
    static const char *const keys[] = {"type", "coordinates"};
    uint32_t line = r->lx.tok_line, col = r->lx.tok_col;
    geometry_t g = {-1, -1, 0, 0};
    kl_err rc = read_object(r, keys, 2, geometry_member, &g);
    if (rc != KL_OK)
        return rc;
    if (g.type < 0)
        return error_at(r, line, col, "geometry is missing 'type' (Polygon or MultiPolygon)");
    if (g.height < 0)
        return error_at(r, line, col, "geometry is missing 'coordinates'");
    /* a Polygon is rings, a MultiPolygon polygons of rings */
    if (g.height != H_POLYGON + g.type)
        return error_at(r, g.line, g.col, "a %s's 'coordinates' are %s: expected %s of [lon, lat] positions",
                        geometry_types[g.type], height_name(g.height), g.type ? "polygons of rings" : "rings");
    return KL_OK;
}

/* properties.id */
static kl_err properties_member(reader_t *r, int key, kl_jtok t, void *ctx)
{
    feature_t *f = ctx;
    if (t != KL_J_STRING)
        return TOKEN_ERROR(r, "wrong type for 'properties.id': expected a string (a region id), got %s",
                           kl_i_jtok_name(t));
    if (r->lx.str_has_nul)
        return TOKEN_ERROR(r, "'properties.id' contains a NUL character");
    if (f->id)
        return TOKEN_ERROR(r, "a second 'properties.id' in one feature");
    if (!(f->id = kl_dataset_intern(r->ds, r->lx.str, r->lx.str_len)))
        return nomem(r);
    f->id_line = r->lx.tok_line;
    f->id_col = r->lx.tok_col;
    return KL_OK;
}

/* Give the feature's region its outer rings; an id that is no region of the
 * dataset is a warning, a second outline for a region an error. */
static kl_err commit_feature(reader_t *r, const feature_t *f)
{
    int32_t g = kl_dataset_find_region(r->ds, f->id);
    if (g < 0) {
        kl_loc_t loc = {r->file, f->id_line, f->id_col, 0};
        kl_dataset_warn(r->ds, KL_WARN_OTHER, &loc, "features",
                        "outline of '%s', which is no region of the dataset: ignored", f->id);
        return KL_OK;
    }
    if (r->given_line[g])
        return error_at(r, f->id_line, f->id_col, "duplicate outline for region '%s' (first at %s:%u:%u)", f->id,
                        r->path, r->given_line[g], r->given_col[g]);
    r->given_line[g] = f->id_line;
    r->given_col[g] = f->id_col;
    /* the outer rings, packed: holes are dropped */
    size_t n = r->rings.count;
    if (n + 1 > r->cap_offsets) {
        uint32_t *o = realloc(r->offsets, (n + 1) * sizeof *o);
        if (!o)
            return nomem(r);
        r->offsets = o;
        r->cap_offsets = n + 1;
    }
    uint32_t k = 0, nv = 0;
    r->offsets[0] = 0;
    for (size_t i = 0; i < n; i++) {
        const ring_t *ring = (const ring_t *)r->rings.items + i;
        if (!ring->outer)
            continue;
        memmove(r->lat + nv, r->lat + ring->start, ring->count * sizeof *r->lat);
        memmove(r->lon + nv, r->lon + ring->start, ring->count * sizeof *r->lon);
        nv += ring->count;
        r->offsets[++k] = nv;
    }
    kl_err rc = kl_dataset_set_region_outline(r->ds, (uint32_t)g, k, r->offsets, r->lat, r->lon);
    return rc == KL_ENOMEM ? nomem(r) : rc;
}

static kl_err feature_member(reader_t *r, int key, kl_jtok t, void *ctx)
{
    static const char *const types[] = {"Feature"}, *const properties[] = {"id"};
    feature_t *f = ctx;
    if (key == 0)
        return type_value(r, t, "a feature's", types, 1, &f->type);
    if (key == 1 && t == KL_J_OBJECT)
        return read_object(r, properties, 1, properties_member, f);
    if (key == 1)
        return t == KL_J_NULL
                   ? KL_OK
                   : TOKEN_ERROR(r, "wrong type for 'properties': expected an object, got %s", kl_i_jtok_name(t));
    if (key == 2 && t != KL_J_OBJECT)
        return TOKEN_ERROR(r, "wrong type for 'geometry': expected a Polygon or MultiPolygon object, got %s",
                           kl_i_jtok_name(t));
    if (key == 2 && f->has_geometry) /* its rings would join the first's */
        return TOKEN_ERROR(r, "a second 'geometry' in one feature");
    if (key == 2) {
        f->has_geometry = 1;
        return read_geometry(r);
    }
    f->member_id = 1; /* the feature's own id, which is not the region's */
    return skip_value(r);
}

/* A feature after its '{'. */
static kl_err read_feature(reader_t *r)
{
    static const char *const keys[] = {"type", "properties", "geometry", "id"};
    feature_t f = {.line = r->lx.tok_line, .col = r->lx.tok_col, .type = -1};
    r->nv = r->rings.count = 0;
    kl_err rc = read_object(r, keys, 4, feature_member, &f);
    if (rc != KL_OK)
        return rc;
    if (f.type < 0)
        return error_at(r, f.line, f.col, "feature is missing 'type': 'Feature'");
    if (!f.id)
        return error_at(r, f.line, f.col, "feature is missing 'properties.id' (the id of its region)%s",
                        f.member_id ? "; its own 'id' is not read" : "");
    if (!f.has_geometry)
        return error_at(r, f.line, f.col, "feature '%s' is missing 'geometry'", f.id);
    return commit_feature(r, &f);
}

typedef struct {
    int type, featured;
} collection_t;

static kl_err collection_member(reader_t *r, int key, kl_jtok t, void *ctx)
{
    static const char *const types[] = {"FeatureCollection"};
    collection_t *c = ctx;
    kl_err rc = KL_OK;
    if (key == 0)
        return type_value(r, t, "the region outlines'", types, 1, &c->type);
    if (t != KL_J_ARRAY)
        return TOKEN_ERROR(r, "wrong type for 'features': expected an array, got %s", kl_i_jtok_name(t));
    c->featured = 1;
    while ((rc = next(r, &t)) == KL_OK && t != KL_J_ARRAY_END) {
        if (t != KL_J_OBJECT)
            return TOKEN_ERROR(r, "wrong type in 'features': expected an object, got %s", kl_i_jtok_name(t));
        if ((rc = read_feature(r)) != KL_OK)
            return rc;
    }
    return rc;
}

/* The whole file: a FeatureCollection. */
static kl_err read_collection(reader_t *r)
{
    static const char *const keys[] = {"type", "features"};
    collection_t c = {-1, 0};
    kl_jtok t;
    kl_err rc;
    if ((rc = next(r, &t)) != KL_OK)
        return rc;
    uint32_t line = r->lx.tok_line, col = r->lx.tok_col;
    if (t != KL_J_OBJECT)
        return TOKEN_ERROR(r, "region outlines must be a GeoJSON FeatureCollection object, got %s", kl_i_jtok_name(t));
    if ((rc = read_object(r, keys, 2, collection_member, &c)) != KL_OK || (rc = next(r, &t)) != KL_OK)
        return rc;
    if (c.type < 0)
        return error_at(r, line, col, "region outlines are missing 'type': 'FeatureCollection'");
    if (!c.featured)
        return error_at(r, line, col, "region outlines are missing 'features'");
    return KL_OK;
}

kl_err kl_load_outlines_buffer(kl_dataset_t *ds, const char *name, const char *data, size_t len, kl_error_t *err)
{
    if (!ds->finalized)
        return kl_error_set(err, KL_EINVAL, NULL, 0, 0, "region outlines are read into a finalized dataset");
    ds->input_bytes += len;
    int file = kl_dataset_add_file(ds, name);
    if (file < 0)
        return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    reader_t r = {.ds = ds, .path = ds->files[file], .file = (uint32_t)file, .err = err};
    kl_err rc;
    kl_array_init(&r.rings, sizeof(ring_t));
    r.given_line = calloc((size_t)ds->n_regions + 1, sizeof *r.given_line);
    r.given_col = calloc((size_t)ds->n_regions + 1, sizeof *r.given_col);
    if (!r.given_line || !r.given_col) {
        rc = nomem(&r);
    } else {
        kl_jlex_init(&r.lx, data, len, 1, 0);
        rc = read_collection(&r);
    }
    kl_jlex_destroy(&r.lx);
    free(r.lat);
    free(r.lon);
    kl_array_destroy(&r.rings);
    free(r.offsets);
    free(r.given_line);
    free(r.given_col);
    return rc;
}
