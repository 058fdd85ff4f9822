/* engine/dataset.c - adding records to a dataset, merging extracts and
 * sealing the result (id resolution, duplicate relations, region inheritance,
 * the warnings docs/format.md lists). */
#include "engine_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

kl_err kl_dataset_init(kl_dataset_t *ds)
{
    memset(ds, 0, sizeof *ds);
    ds->pool = kl_i_intern_new();
    ds->entity_index = kl_i_index_new();
    ds->region_index = kl_i_index_new();
    ds->source_index = kl_i_index_new();
    ds->unknown_types = kl_i_index_new();
    if (!ds->pool || !ds->entity_index || !ds->region_index || !ds->source_index || !ds->unknown_types) {
        kl_dataset_destroy(ds);
        return KL_ENOMEM;
    }
    return KL_OK;
}

/* An outline is one block: the latitudes first (so the block's start is
 * ring_lat), then the longitudes, then the ring offsets. */
static void free_outline(kl_region_t *r)
{
    free((void *)r->ring_lat);
    r->n_rings = 0;
    r->ring = NULL;
    r->ring_lat = r->ring_lon = NULL;
}

void kl_dataset_destroy(kl_dataset_t *ds)
{
    if (!ds)
        return;
    for (uint32_t i = 0; i < ds->n_files; i++)
        free(ds->files[i]);
    for (uint32_t i = 0; i < ds->n_warnings; i++)
        free(ds->warnings[i].text);
    free(ds->files);
    free(ds->entities);
    free(ds->relations);
    free(ds->evidence);
    for (uint32_t i = 0; i < ds->n_regions; i++)
        free_outline(&ds->regions[i]);
    free(ds->regions);
    free(ds->sources);
    free(ds->aliases);
    free(ds->attrs);
    free(ds->warnings);
    free(ds->actor_region);
    kl_i_intern_free(ds->pool);
    kl_i_index_free(ds->entity_index);
    kl_i_index_free(ds->region_index);
    kl_i_index_free(ds->source_index);
    kl_i_index_free(ds->alias_index);
    kl_i_index_free(ds->unknown_types);
    memset(ds, 0, sizeof *ds);
}

const char *kl_dataset_intern(kl_dataset_t *ds, const char *s, size_t len)
{
    return kl_i_intern(ds->pool, s, len);
}

#define GROW(ds, field, cap)                                                                           \
    kl_i_grow((void **)&(ds)->field, &(ds)->cap, (ds)->n_##field, sizeof *(ds)->field)

int kl_dataset_add_file(kl_dataset_t *ds, const char *path)
{
    if (kl_i_grow((void **)&ds->files, &ds->cap_files, ds->n_files, sizeof *ds->files) < 0)
        return -1;
    char *copy = strdup(path);
    if (!copy)
        return -1;
    ds->files[ds->n_files] = copy;
    return (int)ds->n_files++;
}

static const char *file_of(const kl_dataset_t *ds, const kl_loc_t *loc)
{
    return loc->file < ds->n_files ? ds->files[loc->file] : "";
}

void kl_dataset_format_loc(const kl_dataset_t *ds, const kl_loc_t *loc, const char *array, char *buf,
                           size_t size)
{
    const char *f = file_of(ds, loc);
    if (loc->line && loc->column)
        snprintf(buf, size, "%s:%u:%u", f, loc->line, loc->column);
    else if (loc->line)
        snprintf(buf, size, "%s:%u", f, loc->line);
    else
        snprintf(buf, size, "%s:%s[%u]", f, array ? array : "records", loc->index);
}

/* An error at a record's location. */
static kl_err loc_error(kl_dataset_t *ds, kl_error_t *err, kl_err code, const kl_loc_t *loc, const char *array,
                        const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static kl_err loc_error(kl_dataset_t *ds, kl_error_t *err, kl_err code, const kl_loc_t *loc, const char *array,
                        const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kl_error_setv(err, code, file_of(ds, loc), loc->line, loc->column, fmt, ap);
    va_end(ap);
    if (err && !loc->line) {
        snprintf(err->where, sizeof err->where, "%s[%u]", array, loc->index);
    }
    return code;
}

kl_err kl_dataset_warn(kl_dataset_t *ds, kl_warning_kind kind, const kl_loc_t *loc, const char *where,
                       const char *fmt, ...)
{
    char place[640], msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (loc)
        kl_dataset_format_loc(ds, loc, where, place, sizeof place);
    else
        snprintf(place, sizeof place, "kluster");
    size_t need = strlen(place) + strlen(msg) + 16;
    char *text = malloc(need);
    if (!text || GROW(ds, warnings, cap_warnings) < 0) {
        free(text);
        /* callers go on (a warning never stops a load); finalize reports
         * the loss, so a dataset never looks valid with a warning missing */
        ds->lost_warning = 1;
        return KL_ENOMEM;
    }
    snprintf(text, need, "%s: warning: %s", place, msg);
    ds->warnings[ds->n_warnings++] = (kl_warning_t){kind, text};
    ds->warning_counts[kind]++;
    return KL_OK;
}

/* ------------------------------------------------------------ mojibake */

static int is_letter_at(const unsigned char *s, size_t i, size_t len)
{
    if (i >= len)
        return 0;
    unsigned char c = s[i];
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* Names that look like broken encodings: "v?r" (a character lost to '?'
 * between letters), U+FFFD, or UTF-8 read as Latin-1 ("Ã¤" for "ä").
 * Returns 1 and the byte offset of the suspect character in *at. */
static int looks_mojibake_at(const char *str, size_t *at)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t len = strlen(str);
    for (size_t i = 0; i < len; i++) {
        *at = i;
        if (s[i] == '?' && i > 0 && is_letter_at(s, i - 1, len) && is_letter_at(s, i + 1, len))
            return 1;
        if (s[i] == 0xEF && i + 2 < len && s[i + 1] == 0xBF && s[i + 2] == 0xBD)
            return 1;
        /* U+00C3 or U+00C2 followed by a character U+0080..U+00BF */
        if (s[i] == 0xC3 && i + 3 < len && (s[i + 1] == 0x83 || s[i + 1] == 0x82) && s[i + 2] == 0xC2 &&
            s[i + 3] >= 0x80 && s[i + 3] <= 0xBF)
            return 1;
    }
    return 0;
}

static int looks_mojibake(const char *str)
{
    size_t at;
    return looks_mojibake_at(str, &at);
}

/* The word around byte offset at of s (at most about 40 bytes each side,
 * cut at white space or at a UTF-8 character boundary), for messages about
 * long texts such as quotes. */
static void word_around(const char *s, size_t at, char *buf, size_t size)
{
    size_t len = strlen(s), a = at, b = at;
    while (a > 0 && at - a < 40 && s[a - 1] != ' ')
        a--;
    while (a < at && ((unsigned char)s[a] & 0xC0) == 0x80)
        a++;
    while (b < len && b - at < 40 && s[b] != ' ')
        b++;
    while (b > at && b < len && ((unsigned char)s[b] & 0xC0) == 0x80)
        b--;
    snprintf(buf, size, "%.*s", (int)(b - a), s + a);
}

/* ------------------------------------------------------------- records */

static int32_t find_or_create_region(kl_dataset_t *ds, const char *id, const kl_loc_t *loc)
{
    int32_t r = kl_i_index_get(ds->region_index, id);
    if (r >= 0)
        return r;
    if (GROW(ds, regions, cap_regions) < 0)
        return -2;
    kl_region_t *reg = &ds->regions[ds->n_regions];
    memset(reg, 0, sizeof *reg);
    reg->id = reg->name = id;
    reg->lat = reg->lon = NAN;
    reg->loc = *loc;
    if (kl_i_index_put(ds->region_index, id, (int32_t)ds->n_regions) != KL_OK)
        return -2;
    return (int32_t)ds->n_regions++;
}

kl_err kl_dataset_add_entity(kl_dataset_t *ds, const kl_entity_t *in, const char *region_id, int32_t *out_index,
                             kl_error_t *err)
{
    int32_t region = -1;
    int32_t at = kl_i_index_get(ds->entity_index, in->id);
    /* a region is created only when it is kept: a later file's conflicting
     * region loses (warning below) and must not appear as an empty region */
    if (region_id && (at < 0 || ds->entities[at].region < 0)) {
        region = find_or_create_region(ds, region_id, &in->loc);
        if (region < 0)
            return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    }
    if (at >= 0) {
        kl_entity_t *e = &ds->entities[at];
        char first[640];
        kl_dataset_format_loc(ds, &e->loc, "entities", first, sizeof first);
        if (e->loc.file == in->loc.file)
            return loc_error(ds, err, KL_EINVAL, &in->loc, "entities", "duplicate entity id '%s' (first defined at %s)",
                             in->id, first);
        const char *f1 = file_of(ds, &e->loc);
        if (e->kind != in->kind)
            kl_dataset_warn(ds, KL_WARN_CONFLICT, &in->loc, "entities",
                            "entity '%s' has kind '%s' here but '%s' in '%s'; keeping '%s'", in->id,
                            kl_kind_name(in->kind), kl_kind_name(e->kind), f1, kl_kind_name(e->kind));
        if (e->name != in->name)
            kl_dataset_warn(ds, KL_WARN_CONFLICT, &in->loc, "entities",
                            "entity '%s' is named '%s' here but '%s' in '%s'; keeping '%s'", in->id, in->name,
                            e->name, f1, e->name);
        if (region_id && e->region >= 0 && strcmp(region_id, ds->regions[e->region].id) != 0)
            kl_dataset_warn(ds, KL_WARN_CONFLICT, &in->loc, "entities",
                            "entity '%s' has region '%s' here but '%s' in '%s'; keeping '%s'", in->id,
                            region_id, ds->regions[e->region].id, f1, ds->regions[e->region].id);
        /* merge: the first file wins, later files fill what it left out */
        if (e->region < 0)
            e->region = region;
        if (!e->type)
            e->type = in->type;
        if (!e->country)
            e->country = in->country;
        if (e->start == KL_DATE_MIN)
            e->start = in->start;
        if (e->end == KL_DATE_MAX)
            e->end = in->end;
        if (isnan(e->lat)) {
            e->lat = in->lat;
            e->lon = in->lon;
        }
        if (out_index)
            *out_index = at;
        return KL_OK;
    }
    if (GROW(ds, entities, cap_entities) < 0 || ds->n_entities >= INT32_MAX)
        return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    kl_entity_t *e = &ds->entities[ds->n_entities];
    *e = *in;
    e->region = region;
    if (kl_i_index_put(ds->entity_index, in->id, (int32_t)ds->n_entities) != KL_OK)
        return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    if (looks_mojibake(in->name))
        kl_dataset_warn(ds, KL_WARN_MOJIBAKE, &in->loc, "entities",
                        "name '%s' of entity '%s' looks like a broken encoding (e.g. 'v?r' for 'vår')", in->name,
                        in->id);
    if (out_index)
        *out_index = (int32_t)ds->n_entities;
    ds->n_entities++;
    return KL_OK;
}

kl_err kl_dataset_add_relation(kl_dataset_t *ds, const kl_relation_t *rel, kl_error_t *err)
{
    if (GROW(ds, relations, cap_relations) < 0 || ds->n_relations >= INT32_MAX)
        return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    kl_relation_t *r = &ds->relations[ds->n_relations++];
    *r = *rel;
    r->evidence_first = ds->n_evidence;
    r->evidence_count = 0;
    return KL_OK;
}

kl_err kl_dataset_add_evidence(kl_dataset_t *ds, const char *source_id, const char *quote, kl_error_t *err)
{
    if (!ds->n_relations)
        return kl_error_set(err, KL_EINVAL, NULL, 0, 0, "evidence without a relation");
    if (GROW(ds, evidence, cap_evidence) < 0)
        return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    ds->evidence[ds->n_evidence++] = (kl_evidence_t){source_id, quote, -1};
    ds->relations[ds->n_relations - 1].evidence_count++;
    size_t at;
    if (quote && looks_mojibake_at(quote, &at)) {
        /* a quote is long: name the word that looks broken, not the start */
        kl_relation_t *r = &ds->relations[ds->n_relations - 1];
        char word[128];
        word_around(quote, at, word, sizeof word);
        kl_dataset_warn(ds, KL_WARN_MOJIBAKE, &r->loc, "relations",
                        "evidence quote of relation '%s' -%s-> '%s' looks like a broken encoding at '%s' (e.g. "
                        "'v?r' for 'vår')",
                        r->source_id, r->type, r->target_id, word);
    }
    return KL_OK;
}

kl_err kl_dataset_add_region(kl_dataset_t *ds, const kl_region_t *in, kl_error_t *err)
{
    int32_t at = kl_i_index_get(ds->region_index, in->id);
    if (at >= 0 && ds->regions[at].declared) {
        kl_region_t *r = &ds->regions[at];
        if (r->loc.file == in->loc.file) {
            char first[640];
            kl_dataset_format_loc(ds, &r->loc, "regions", first, sizeof first);
            return loc_error(ds, err, KL_EINVAL, &in->loc, "regions", "duplicate region id '%s' (first defined at %s)",
                             in->id, first);
        }
        if (in->name && r->name != in->name)
            kl_dataset_warn(ds, KL_WARN_CONFLICT, &in->loc, "regions",
                            "region '%s' is named '%s' here but '%s' in '%s'; keeping '%s'", in->id, in->name,
                            r->name, file_of(ds, &r->loc), r->name);
        if (!r->level)
            r->level = in->level;
        if (!r->parent)
            r->parent = in->parent;
        if (isnan(r->lat)) {
            r->lat = in->lat;
            r->lon = in->lon;
        }
        return KL_OK;
    }
    if (at < 0) {
        at = find_or_create_region(ds, in->id, &in->loc);
        if (at < 0)
            return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    }
    kl_region_t *r = &ds->regions[at];
    *r = *in;
    /* the dataset owns outlines: a caller's pointers are never adopted */
    r->n_rings = 0;
    r->ring = NULL;
    r->ring_lat = r->ring_lon = NULL;
    if (!r->name)
        r->name = r->id;
    r->declared = 1;
    if (looks_mojibake(r->name))
        kl_dataset_warn(ds, KL_WARN_MOJIBAKE, &in->loc, "regions",
                        "name '%s' of region '%s' looks like a broken encoding (e.g. 'v?r' for 'vår')", r->name,
                        r->id);
    return KL_OK;
}

kl_err kl_dataset_set_region_outline(kl_dataset_t *ds, uint32_t r, uint32_t n_rings, const uint32_t *ring,
                                     const double *lat, const double *lon)
{
    if (r >= ds->n_regions || !n_rings || ring[0] != 0)
        return KL_EINVAL;
    for (uint32_t k = 0; k < n_rings; k++)
        if (ring[k + 1] < ring[k] || ring[k + 1] - ring[k] < 3)
            return KL_EINVAL;
    size_t nv = ring[n_rings];
    double *block = malloc(2 * nv * sizeof *block + ((size_t)n_rings + 1) * sizeof *ring);
    if (!block)
        return KL_ENOMEM;
    double *blat = block, *blon = block + nv;
    uint32_t *bring = (uint32_t *)(block + 2 * nv);
    memcpy(blat, lat, nv * sizeof *lat);
    memcpy(blon, lon, nv * sizeof *lon);
    memcpy(bring, ring, ((size_t)n_rings + 1) * sizeof *ring);
    kl_region_t *g = &ds->regions[r];
    free_outline(g);
    g->n_rings = n_rings;
    g->ring = bring;
    g->ring_lat = blat;
    g->ring_lon = blon;
    return KL_OK;
}

kl_err kl_dataset_add_source(kl_dataset_t *ds, const kl_source_t *in, kl_error_t *err)
{
    int32_t at = kl_i_index_get(ds->source_index, in->id);
    if (at >= 0) {
        kl_source_t *s = &ds->sources[at];
        if (s->loc.file == in->loc.file) {
            char first[640];
            kl_dataset_format_loc(ds, &s->loc, "sources", first, sizeof first);
            return loc_error(ds, err, KL_EINVAL, &in->loc, "sources", "duplicate source id '%s' (first defined at %s)",
                             in->id, first);
        }
        if (!s->title)
            s->title = in->title;
        if (!s->url)
            s->url = in->url;
        if (!s->date)
            s->date = in->date;
        return KL_OK;
    }
    if (GROW(ds, sources, cap_sources) < 0 ||
        kl_i_index_put(ds->source_index, in->id, (int32_t)ds->n_sources) != KL_OK)
        return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    ds->sources[ds->n_sources++] = *in;
    return KL_OK;
}

kl_err kl_dataset_add_alias(kl_dataset_t *ds, uint32_t entity, const char *alias)
{
    if (GROW(ds, aliases, cap_aliases) < 0)
        return KL_ENOMEM;
    ds->aliases[ds->n_aliases++] = (kl_alias_t){entity, alias};
    return KL_OK;
}

kl_err kl_dataset_add_attr(kl_dataset_t *ds, kl_owner owner_kind, uint32_t owner, const char *key,
                           const char *value_json)
{
    if (GROW(ds, attrs, cap_attrs) < 0)
        return KL_ENOMEM;
    ds->attrs[ds->n_attrs++] = (kl_attr_t){owner_kind, owner, key, value_json};
    return KL_OK;
}

/* ------------------------------------------------------------ finalize */

int32_t kl_dataset_find_entity(const kl_dataset_t *ds, const char *id)
{
    const char *p = kl_i_intern_lookup(ds->pool, id, strlen(id));
    return p ? kl_i_index_get(ds->entity_index, p) : -1;
}

int32_t kl_dataset_find_region(const kl_dataset_t *ds, const char *id)
{
    const char *p = kl_i_intern_lookup(ds->pool, id, strlen(id));
    return p ? kl_i_index_get(ds->region_index, p) : -1;
}

static kl_err build_alias_index(kl_dataset_t *ds, kl_error_t *err)
{
    ds->alias_index = kl_i_index_new();
    if (!ds->alias_index)
        return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    for (uint32_t i = 0; i < ds->n_aliases; i++) {
        const kl_alias_t *a = &ds->aliases[i];
        int32_t prev = kl_i_index_get(ds->alias_index, a->alias);
        /* an alias shared by two entities is ambiguous: -2 marks it */
        int32_t v = (prev >= 0 && prev != (int32_t)a->entity) || prev == -2 ? -2 : (int32_t)a->entity;
        if (kl_i_index_put(ds->alias_index, a->alias, v) != KL_OK)
            return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    }
    return KL_OK;
}

/* Entity named by a relation end: its id, else (with resolve_names) an alias
 * or a display name shared by no other entity. */
static kl_err resolve_end(kl_dataset_t *ds, kl_relation_t *r, const char *id, uint32_t *out, kl_error_t *err)
{
    int32_t e = kl_i_index_get(ds->entity_index, id);
    if (e < 0 && ds->resolve_names) {
        e = kl_i_index_get(ds->alias_index, id);
        if (e == -2)
            return loc_error(ds, err, KL_EINVAL, &r->loc, "relations",
                             "relation names '%s', an alias of more than one entity", id);
    }
    if (e < 0) {
        /* point to --resolve-names only when it would help */
        const char *alias_of = NULL;
        for (uint32_t i = 0; i < ds->n_aliases && !ds->resolve_names && !alias_of; i++)
            if (ds->aliases[i].alias == id)
                alias_of = ds->entities[ds->aliases[i].entity].id;
        if (alias_of)
            return loc_error(ds, err, KL_EINVAL, &r->loc, "relations",
                             "undefined id '%s' in relation '%s' -%s-> '%s' (an alias of '%s': use "
                             "--resolve-names)",
                             id, r->source_id, r->type, r->target_id, alias_of);
        return loc_error(ds, err, KL_EINVAL, &r->loc, "relations", "undefined id '%s' in relation '%s' -%s-> '%s'",
                         id, r->source_id, r->type, r->target_id);
    }
    *out = (uint32_t)e;
    return KL_OK;
}

typedef struct {
    uint32_t *slots; /* relation index + 1, 0 = empty */
    size_t mask;
} reltable_t;

static uint64_t rel_key_hash(const kl_relation_t *r)
{
    uint64_t k[3] = {r->source, r->target, (uint64_t)(uintptr_t)r->type};
    return kl_hash(k, sizeof k);
}

/* Merge relations with the same (source, target, type) into the first one:
 * evidence united, the largest weight kept.  Rebuilds relations[] and
 * evidence[] in order.  O(m + evidence). */
static kl_err merge_duplicates(kl_dataset_t *ds, kl_error_t *err)
{
    uint32_t m = ds->n_relations;
    if (m == 0)
        return KL_OK;
    reltable_t t = {0};
    size_t cap = 16;
    while (cap < (size_t)m * 2)
        cap <<= 1;
    t.mask = cap - 1;
    t.slots = calloc(cap, sizeof *t.slots);
    uint32_t *keep = malloc((size_t)m * sizeof *keep); /* relation -> kept relation */
    uint32_t *next_dup = malloc((size_t)m * sizeof *next_dup);
    uint32_t *last_dup = malloc((size_t)m * sizeof *last_dup);
    kl_err rc = KL_OK;
    if (!t.slots || !keep || !next_dup || !last_dup) {
        rc = kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
        goto cleanup;
    }
    uint32_t ndup = 0;
    for (uint32_t i = 0; i < m; i++) {
        kl_relation_t *r = &ds->relations[i];
        next_dup[i] = UINT32_MAX;
        last_dup[i] = i;
        size_t h = rel_key_hash(r) & t.mask;
        for (;;) {
            uint32_t s = t.slots[h];
            if (!s) {
                t.slots[h] = i + 1;
                keep[i] = i;
                break;
            }
            kl_relation_t *f = &ds->relations[s - 1];
            if (f->source == r->source && f->target == r->target && f->type == r->type) {
                uint32_t k = s - 1;
                keep[i] = k;
                next_dup[last_dup[k]] = i;
                last_dup[k] = i;
                ndup++;
                if (r->weight > f->weight)
                    f->weight = r->weight;
                if (!f->role)
                    f->role = r->role;
                if (isnan(f->amount)) {
                    f->amount = r->amount;
                    f->currency = r->currency;
                }
                if (f->loc.file == r->loc.file) {
                    char first[640];
                    kl_dataset_format_loc(ds, &f->loc, "relations", first, sizeof first);
                    kl_dataset_warn(ds, KL_WARN_DUPLICATE, &r->loc, "relations",
                                    "duplicate relation '%s' -%s-> '%s' (first at %s); merged", r->source_id,
                                    r->type, r->target_id, first);
                }
                break;
            }
            h = (h + 1) & t.mask;
        }
    }
    if (ndup == 0)
        goto cleanup;
    {
        kl_evidence_t *nev = malloc(((size_t)ds->n_evidence + 1) * sizeof *nev);
        if (!nev) {
            rc = kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
            goto cleanup;
        }
        uint32_t out = 0, ne = 0;
        for (uint32_t i = 0; i < m; i++) {
            if (keep[i] != i)
                continue;
            kl_relation_t r = ds->relations[i];
            uint32_t first_ev = ne;
            for (uint32_t j = i; j != UINT32_MAX; j = next_dup[j]) {
                const kl_relation_t *d = &ds->relations[j];
                for (uint32_t k = 0; k < d->evidence_count; k++) {
                    kl_evidence_t ev = ds->evidence[d->evidence_first + k];
                    int seen = 0;
                    for (uint32_t q = first_ev; q < ne && !seen; q++)
                        seen = nev[q].source_id == ev.source_id && nev[q].quote == ev.quote;
                    if (!seen)
                        nev[ne++] = ev;
                }
            }
            r.evidence_first = first_ev;
            r.evidence_count = ne - first_ev;
            last_dup[i] = out; /* reused: where the kept relation i now lives */
            ds->relations[out++] = r;
        }
        /* attributes follow their relation to its merged position */
        for (uint32_t a = 0; a < ds->n_attrs; a++)
            if (ds->attrs[a].owner_kind == KL_OWNER_RELATION && ds->attrs[a].owner < m)
                ds->attrs[a].owner = last_dup[keep[ds->attrs[a].owner]];
        free(ds->evidence);
        ds->evidence = nev;
        ds->n_evidence = ne;
        ds->cap_evidence = ds->n_evidence + 1;
        ds->n_relations = out;
    }
cleanup:
    free(t.slots);
    free(keep);
    free(next_dup);
    free(last_dup);
    return rc;
}

/* docs/metrics.md#region-of-an-actor: own region; else, for a person, the region of the
 * employed_by employer with the highest weight (first in load order on ties,
 * and duplicates are already merged, so one relation per employer). */
static kl_err compute_actor_regions(kl_dataset_t *ds, kl_error_t *err)
{
    ds->actor_region = malloc(((size_t)ds->n_entities + 1) * sizeof *ds->actor_region);
    double *best = malloc(((size_t)ds->n_entities + 1) * sizeof *best);
    if (!ds->actor_region || !best) {
        free(best);
        return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (uint32_t i = 0; i < ds->n_entities; i++) {
        ds->actor_region[i] = ds->entities[i].region;
        best[i] = 0;
    }
    for (uint32_t i = 0; i < ds->n_relations; i++) {
        const kl_relation_t *r = &ds->relations[i];
        if (r->type_code != KL_REL_EMPLOYED_BY)
            continue;
        const kl_entity_t *p = &ds->entities[r->source], *o = &ds->entities[r->target];
        if (p->kind != KL_KIND_PERSON || p->region >= 0 || o->region < 0 || r->source == r->target)
            continue;
        if (r->weight > best[r->source]) {
            best[r->source] = r->weight;
            ds->actor_region[r->source] = o->region;
        }
    }
    free(best);
    return KL_OK;
}

kl_err kl_dataset_finalize(kl_dataset_t *ds, kl_error_t *err)
{
    kl_err rc;
    if (ds->resolve_names && (rc = build_alias_index(ds, err)) != KL_OK)
        return rc;
    for (uint32_t i = 0; i < ds->n_relations; i++) {
        kl_relation_t *r = &ds->relations[i];
        if ((rc = resolve_end(ds, r, r->source_id, &r->source, err)) != KL_OK ||
            (rc = resolve_end(ds, r, r->target_id, &r->target, err)) != KL_OK)
            return rc;
        /* with aliases resolved, the ids are the canonical ones */
        r->source_id = ds->entities[r->source].id;
        r->target_id = ds->entities[r->target].id;
        for (uint32_t k = 0; k < r->evidence_count; k++) {
            kl_evidence_t *ev = &ds->evidence[r->evidence_first + k];
            ev->source = kl_i_index_get(ds->source_index, ev->source_id);
            if (ev->source < 0)
                return loc_error(ds, err, KL_EINVAL, &r->loc, "relations",
                                 "evidence source '%s' of relation '%s' -%s-> '%s' is not listed under sources",
                                 ev->source_id, r->source_id, r->type, r->target_id);
        }
        if (r->type_code == KL_REL_OTHER && kl_i_index_get(ds->unknown_types, r->type) < 0) {
            if (kl_i_index_put(ds->unknown_types, r->type, 1) != KL_OK)
                return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
            char near[96];
            kl_dataset_warn(ds, KL_WARN_UNKNOWN_TYPE, &r->loc, "relations",
                            "unknown relation type '%s' (kept, treated as undirected)%s", r->type,
                            kl_reltype_hint(r->type, near, sizeof near));
        }
        if (r->source == r->target)
            kl_dataset_warn(ds, KL_WARN_SELF_LOOP, &r->loc, "relations",
                            "self-loop: relation '%s' -%s-> '%s' is not a tie", r->source_id, r->type,
                            r->target_id);
    }
    if ((rc = merge_duplicates(ds, err)) != KL_OK)
        return rc;
    if ((rc = compute_actor_regions(ds, err)) != KL_OK)
        return rc;
    if (ds->lost_warning)
        return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    ds->finalized = 1;
    return KL_OK;
}
