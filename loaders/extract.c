/* loaders/extract.c - JSON extracts and NDJSON record files into the engine,
 * one record at a time: no tree of the whole file is ever built. */
#include "loaders_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Every field name a record of any kind may carry. */
typedef enum {
    F_ID, F_KIND, F_NAME, F_ALIASES, F_REGION, F_TYPE, F_COUNTRY, F_START, F_END, F_LAT, F_LON,
    F_SOURCE, F_TARGET, F_ROLE, F_WEIGHT, F_AMOUNT, F_CURRENCY, F_EVIDENCE, F_LEVEL, F_PARENT,
    F_TITLE, F_URL, F_DATE, F_RECORD, F_QUOTE, F_COUNT
} field_id;

static const char *const field_names[F_COUNT] = {
    "id", "kind", "name", "aliases", "region", "type", "country", "start", "end", "lat", "lon",
    "source", "target", "role", "weight", "amount", "currency", "evidence", "level", "parent",
    "title", "url", "date", "record", "quote"};

typedef struct {
    int present;
    kl_jtok tok;            /* first token of the value */
    const char *str;        /* interned string value (STRING), else NULL */
    double num;
    int num_finite;
    int has_nul;
    uint32_t line, col;
    size_t raw_start, raw_end; /* the value's JSON text */
} field_t;

typedef struct {
    const char *key;
    size_t raw_start, raw_end;
} unknown_t;

typedef struct {
    const char *source, *quote;
    uint32_t line, col;
} ev_t;

typedef struct {
    const char *alias;
    uint32_t line, col;
} alias_t;

/* Reusable state for one file: the current record's fields and the lists
 * that must be added after the record itself. */
typedef struct {
    kl_dataset_t *ds;
    const kl_load_options_t *opt;
    const char *path;
    uint32_t file;
    kl_error_t *err;
    kl_jlex_t lx;

    field_t f[F_COUNT];
    uint32_t rec_line, rec_col, rec_index;
    const char *array;      /* "entities", ... for record paths */

    unknown_t *unknown;   size_t n_unknown, cap_unknown;
    ev_t *ev;             size_t n_ev, cap_ev;
    alias_t *aliases;     size_t n_aliases, cap_aliases;
} reader_t;

static int grow(void **p, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return 0;
    size_t nc = *cap ? *cap * 2 : 16;
    void *q = realloc(*p, nc * size);
    if (!q)
        return -1;
    *p = q;
    *cap = nc;
    return 0;
}

static kl_err nomem(reader_t *r)
{
    return kl_error_set(r->err, KL_ENOMEM, NULL, 0, 0, "out of memory");
}

static kl_err syntax_error(reader_t *r)
{
    return kl_error_set(r->err, KL_EPARSE, r->path, r->lx.err_line, r->lx.err_col, "%s", r->lx.errmsg);
}

static kl_err value_error(reader_t *r, const field_t *fv, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static kl_err value_error(reader_t *r, const field_t *fv, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kl_error_setv(r->err, KL_EINVAL, r->path, fv ? fv->line : r->rec_line, fv ? fv->col : r->rec_col, fmt, ap);
    va_end(ap);
    return KL_EINVAL;
}

const char *kl_i_jtok_name(kl_jtok t)
{
    switch (t) {
    case KL_J_OBJECT: return "an object";
    case KL_J_ARRAY: return "an array";
    case KL_J_STRING: return "a string";
    case KL_J_NUMBER: return "a number";
    case KL_J_TRUE:
    case KL_J_FALSE: return "a boolean";
    case KL_J_NULL: return "null";
    default: return "a value";
    }
}

static field_id lookup_field(const char *s, size_t len)
{
    for (int i = 0; i < F_COUNT; i++)
        if (strlen(field_names[i]) == len && memcmp(field_names[i], s, len) == 0)
            return (field_id)i;
    return F_COUNT;
}

static const char *intern_tok(reader_t *r)
{
    return kl_dataset_intern(r->ds, r->lx.str, r->lx.str_len);
}

/* Reads the rest of a string array (aliases) after its '['. */
static kl_err read_aliases(reader_t *r)
{
    for (;;) {
        kl_jtok t = kl_jlex_next(&r->lx);
        if (t == KL_J_ARRAY_END)
            return KL_OK;
        if (t == KL_J_ERROR)
            return syntax_error(r);
        if (t != KL_J_STRING) {
            field_t at = {.line = r->lx.tok_line, .col = r->lx.tok_col};
            return value_error(r, &at, "wrong type in 'aliases': expected a string, got %s", kl_i_jtok_name(t));
        }
        if (grow((void **)&r->aliases, &r->cap_aliases, r->n_aliases, sizeof *r->aliases) < 0)
            return nomem(r);
        const char *s = intern_tok(r);
        if (!s)
            return nomem(r);
        if (r->lx.str_has_nul) {
            field_t at = {.line = r->lx.tok_line, .col = r->lx.tok_col};
            return value_error(r, &at, "alias contains a NUL character");
        }
        r->aliases[r->n_aliases++] = (alias_t){s, r->lx.tok_line, r->lx.tok_col};
    }
}

/* Reads the rest of an evidence list after its '[': objects with a
 * "source" and an optional "quote". */
static kl_err read_evidence(reader_t *r)
{
    for (;;) {
        kl_jtok t = kl_jlex_next(&r->lx);
        if (t == KL_J_ARRAY_END)
            return KL_OK;
        if (t == KL_J_ERROR)
            return syntax_error(r);
        field_t at = {.line = r->lx.tok_line, .col = r->lx.tok_col};
        if (t != KL_J_OBJECT)
            return value_error(r, &at, "wrong type in 'evidence': expected an object, got %s", kl_i_jtok_name(t));
        ev_t ev = {NULL, NULL, at.line, at.col};
        for (;;) {
            t = kl_jlex_next(&r->lx);
            if (t == KL_J_OBJECT_END)
                break;
            if (t == KL_J_ERROR)
                return syntax_error(r);
            field_id k = lookup_field(r->lx.str, r->lx.str_len);
            t = kl_jlex_next(&r->lx);
            if (t == KL_J_ERROR)
                return syntax_error(r);
            field_t vat = {.line = r->lx.tok_line, .col = r->lx.tok_col};
            if (k == F_SOURCE || k == F_QUOTE) {
                if (t != KL_J_STRING)
                    return value_error(r, &vat, "wrong type for evidence '%s': expected a string, got %s",
                                       field_names[k], kl_i_jtok_name(t));
                if (r->lx.str_has_nul)
                    return value_error(r, &vat, "evidence '%s' contains a NUL character", field_names[k]);
                const char *s = intern_tok(r);
                if (!s)
                    return nomem(r);
                if (k == F_SOURCE)
                    ev.source = s;
                else
                    ev.quote = s;
            } else if (kl_jlex_skip_value(&r->lx, NULL, NULL) < 0) {
                return syntax_error(r);
            }
        }
        if (!ev.source) {
            field_t eat = {.line = ev.line, .col = ev.col};
            return value_error(r, &eat, "evidence is missing required field 'source'");
        }
        if (grow((void **)&r->ev, &r->cap_ev, r->n_ev, sizeof *r->ev) < 0)
            return nomem(r);
        r->ev[r->n_ev++] = ev;
    }
}

/* Reads one record object (its '{' already consumed) into r->f and the
 * side lists. */
static kl_err read_record(reader_t *r)
{
    memset(r->f, 0, sizeof r->f);
    r->n_unknown = r->n_ev = r->n_aliases = 0;
    r->rec_line = r->lx.tok_line;
    r->rec_col = r->lx.tok_col;
    for (;;) {
        kl_jtok t = kl_jlex_next(&r->lx);
        if (t == KL_J_OBJECT_END)
            return KL_OK;
        if (t == KL_J_ERROR)
            return syntax_error(r);
        /* t is KL_J_KEY */
        field_id k = lookup_field(r->lx.str, r->lx.str_len);
        const char *ukey = NULL;
        if (k == F_COUNT && !(ukey = intern_tok(r)))
            return nomem(r);
        t = kl_jlex_next(&r->lx);
        if (t == KL_J_ERROR)
            return syntax_error(r);
        size_t start = r->lx.tok_start, end;
        if (k == F_COUNT || k == F_QUOTE) {
            if (kl_jlex_skip_value(&r->lx, &start, &end) < 0)
                return syntax_error(r);
            if (grow((void **)&r->unknown, &r->cap_unknown, r->n_unknown, sizeof *r->unknown) < 0)
                return nomem(r);
            r->unknown[r->n_unknown++] = (unknown_t){ukey ? ukey : field_names[k], start, end};
            continue;
        }
        field_t *fv = &r->f[k];
        memset(fv, 0, sizeof *fv);
        fv->present = 1;
        fv->tok = t;
        fv->line = r->lx.tok_line;
        fv->col = r->lx.tok_col;
        if (t == KL_J_STRING) {
            fv->str = intern_tok(r);
            fv->has_nul = r->lx.str_has_nul;
            if (!fv->str)
                return nomem(r);
        } else if (t == KL_J_NUMBER) {
            fv->num = r->lx.num;
            fv->num_finite = r->lx.num_finite;
        } else if (t == KL_J_ARRAY && k == F_ALIASES) {
            kl_err rc = read_aliases(r);
            if (rc != KL_OK)
                return rc;
        } else if (t == KL_J_ARRAY && k == F_EVIDENCE) {
            kl_err rc = read_evidence(r);
            if (rc != KL_OK)
                return rc;
        } else if (t == KL_J_OBJECT || t == KL_J_ARRAY) {
            if (kl_jlex_skip_value(&r->lx, NULL, NULL) < 0)
                return syntax_error(r);
        }
        fv->raw_start = start;
        fv->raw_end = r->lx.pos;
    }
}

/* --------------------------------------------------------- field checks */

/* "entity 'x' is missing required field 'name'": the record's kind in the
 * singular, and its id when it has one. */
static kl_err missing_error(reader_t *r, field_id k)
{
    static const char *const kinds[][2] = {{"entities", "entity"}, {"relations", "relation"},
                                           {"regions", "region"}, {"sources", "source"}};
    const char *what = NULL;
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (strcmp(r->array, kinds[i][0]) == 0)
            what = kinds[i][1];
    if (!what) /* an NDJSON line without "record" */
        return value_error(r, NULL, "line is missing required field '%s' (entity, relation, source or region)",
                           field_names[k]);
    const field_t *id = &r->f[F_ID];
    if (k != F_ID && id->present && id->tok == KL_J_STRING && !id->has_nul && id->str[0])
        return value_error(r, NULL, "%s '%s' is missing required field '%s'", what, id->str, field_names[k]);
    const field_t *src = &r->f[F_SOURCE], *tgt = &r->f[F_TARGET];
    if (strcmp(what, "relation") == 0 && k == F_TYPE && src->tok == KL_J_STRING && tgt->tok == KL_J_STRING &&
        !src->has_nul && !tgt->has_nul)
        return value_error(r, NULL, "relation '%s' -> '%s' is missing required field 'type'", src->str, tgt->str);
    return value_error(r, NULL, "%s is missing required field '%s'", what, field_names[k]);
}

/* A string field: NULL when absent or JSON null (optional fields). */
static kl_err get_string(reader_t *r, field_id k, int required, const char **out)
{
    field_t *fv = &r->f[k];
    *out = NULL;
    if (!fv->present || (fv->tok == KL_J_NULL && !required)) {
        if (required)
            return missing_error(r, k);
        return KL_OK;
    }
    if (fv->tok != KL_J_STRING)
        return value_error(r, fv, "wrong type for '%s': expected a string, got %s", field_names[k],
                           kl_i_jtok_name(fv->tok));
    if (fv->has_nul)
        return value_error(r, fv, "'%s' contains a NUL character", field_names[k]);
    if (required && !fv->str[0])
        return value_error(r, fv, "'%s' is empty", field_names[k]);
    *out = fv->str[0] ? fv->str : NULL;
    return KL_OK;
}

static kl_err get_number(reader_t *r, field_id k, double *out)
{
    field_t *fv = &r->f[k];
    if (!fv->present || fv->tok == KL_J_NULL)
        return KL_OK;
    if (fv->tok != KL_J_NUMBER)
        return value_error(r, fv, "wrong type for '%s': expected a number, got %s", field_names[k],
                           kl_i_jtok_name(fv->tok));
    if (!fv->num_finite) {
        int n = fv->raw_end - fv->raw_start > 40 ? 40 : (int)(fv->raw_end - fv->raw_start);
        return value_error(r, fv, "number %.*s in '%s' is out of range", n, r->lx.buf + fv->raw_start,
                           field_names[k]);
    }
    *out = fv->num;
    return KL_OK;
}

static kl_err get_date(reader_t *r, field_id k, int as_end, int32_t *out)
{
    field_t *fv = &r->f[k];
    if (!fv->present || fv->tok == KL_J_NULL)
        return KL_OK;
    if (fv->tok == KL_J_NUMBER && fv->num_finite && fv->num >= 0 && fv->num <= 9999 && fv->num == floor(fv->num)) {
        int y = (int)fv->num;
        *out = y * 10000 + (as_end ? 1231 : 101);
        return KL_OK;
    }
    if (fv->tok != KL_J_STRING)
        return value_error(r, fv, "wrong type for '%s': expected a date string, got %s", field_names[k],
                           kl_i_jtok_name(fv->tok));
    if (kl_date_parse(fv->str, as_end, out) < 0)
        return value_error(r, fv, "invalid date '%s' in '%s' (expected YYYY or YYYY-MM-DD)", fv->str,
                           field_names[k]);
    return KL_OK;
}

static kl_err get_dates(reader_t *r, int32_t *start, int32_t *end)
{
    kl_err rc;
    *start = KL_DATE_MIN;
    *end = KL_DATE_MAX;
    if ((rc = get_date(r, F_START, 0, start)) != KL_OK || (rc = get_date(r, F_END, 1, end)) != KL_OK)
        return rc;
    if (*end < *start)
        return value_error(r, &r->f[F_END], "'end' is before 'start'");
    return KL_OK;
}

static kl_err get_latlon(reader_t *r, double *lat, double *lon)
{
    kl_err rc;
    *lat = *lon = NAN;
    if ((rc = get_number(r, F_LAT, lat)) != KL_OK || (rc = get_number(r, F_LON, lon)) != KL_OK)
        return rc;
    if (isnan(*lat) != isnan(*lon))
        return value_error(r, r->f[F_LAT].present ? &r->f[F_LAT] : &r->f[F_LON],
                           "'lat' and 'lon' go together: give both or neither");
    if (!isnan(*lat) && (*lat < -90 || *lat > 90))
        return value_error(r, &r->f[F_LAT], "latitude %g is outside -90..90", *lat);
    if (!isnan(*lon) && (*lon < -180 || *lon > 180))
        return value_error(r, &r->f[F_LON], "longitude %g is outside -180..180", *lon);
    return KL_OK;
}

static kl_loc_t rec_loc(reader_t *r)
{
    return (kl_loc_t){r->file, r->rec_line, r->rec_col, r->rec_index};
}

static kl_err add_unknown_attrs(reader_t *r, kl_owner owner_kind, uint32_t owner, const field_id *also,
                                size_t n_also)
{
    for (size_t i = 0; i < r->n_unknown; i++) {
        const unknown_t *u = &r->unknown[i];
        const char *v = kl_dataset_intern(r->ds, r->lx.buf + u->raw_start, u->raw_end - u->raw_start);
        if (!v || kl_dataset_add_attr(r->ds, owner_kind, owner, u->key, v) != KL_OK)
            return nomem(r);
    }
    /* known fields that do not belong to this kind of record are kept too */
    for (size_t i = 0; i < n_also; i++) {
        const field_t *fv = &r->f[also[i]];
        if (!fv->present)
            continue;
        const char *v = kl_dataset_intern(r->ds, r->lx.buf + fv->raw_start, fv->raw_end - fv->raw_start);
        if (!v || kl_dataset_add_attr(r->ds, owner_kind, owner, field_names[also[i]], v) != KL_OK)
            return nomem(r);
    }
    return KL_OK;
}

static kl_err emit_entity(reader_t *r)
{
    static const field_id others[] = {F_SOURCE, F_TARGET, F_ROLE, F_WEIGHT, F_AMOUNT, F_CURRENCY, F_EVIDENCE,
                                      F_LEVEL, F_PARENT, F_TITLE, F_URL, F_DATE};
    kl_entity_t e;
    memset(&e, 0, sizeof e);
    const char *kind = NULL, *region = NULL;
    kl_err rc;
    if ((rc = get_string(r, F_ID, 1, &e.id)) || (rc = get_string(r, F_KIND, 1, &kind)) ||
        (rc = get_string(r, F_NAME, 1, &e.name)) || (rc = get_string(r, F_REGION, 0, &region)) ||
        (rc = get_string(r, F_TYPE, 0, &e.type)) || (rc = get_string(r, F_COUNTRY, 0, &e.country)) ||
        (rc = get_dates(r, &e.start, &e.end)) || (rc = get_latlon(r, &e.lat, &e.lon)))
        return rc;
    int k = kl_kind_parse(kind);
    if (k < 0)
    {
        char near[96];
        return value_error(r, &r->f[F_KIND],
                           "unknown kind '%s' for entity '%s' (expected organisation, person, project or funder)%s",
                           kind, e.id, kl_kind_hint(kind, near, sizeof near));
    }
    e.kind = (kl_kind)k;
    const field_t *al = &r->f[F_ALIASES];
    if (al->present && al->tok != KL_J_ARRAY && al->tok != KL_J_NULL)
        return value_error(r, al, "wrong type for 'aliases': expected an array of strings, got %s",
                           kl_i_jtok_name(al->tok));
    e.loc = rec_loc(r);
    int32_t idx;
    if ((rc = kl_dataset_add_entity(r->ds, &e, region, &idx, r->err)) != KL_OK)
        return rc;
    for (size_t i = 0; i < r->n_aliases; i++)
        if (kl_dataset_add_alias(r->ds, (uint32_t)idx, r->aliases[i].alias) != KL_OK)
            return nomem(r);
    return add_unknown_attrs(r, KL_OWNER_ENTITY, (uint32_t)idx, others, sizeof others / sizeof *others);
}

static kl_err emit_relation(reader_t *r)
{
    static const field_id others[] = {F_ID, F_KIND, F_NAME, F_ALIASES, F_REGION, F_COUNTRY, F_LAT, F_LON,
                                      F_LEVEL, F_PARENT, F_TITLE, F_URL, F_DATE};
    kl_relation_t rel;
    memset(&rel, 0, sizeof rel);
    kl_err rc;
    rel.weight = 1;
    rel.amount = NAN;
    if ((rc = get_string(r, F_SOURCE, 1, &rel.source_id)) || (rc = get_string(r, F_TARGET, 1, &rel.target_id)) ||
        (rc = get_string(r, F_TYPE, 1, &rel.type)) || (rc = get_string(r, F_ROLE, 0, &rel.role)) ||
        (rc = get_number(r, F_WEIGHT, &rel.weight)) || (rc = get_number(r, F_AMOUNT, &rel.amount)) ||
        (rc = get_string(r, F_CURRENCY, 0, &rel.currency)) || (rc = get_dates(r, &rel.start, &rel.end)))
        return rc;
    const char *bad_weight = r->f[F_WEIGHT].present ? kl_weight_problem(rel.weight) : NULL;
    if (bad_weight)
        return value_error(r, &r->f[F_WEIGHT], "weight %g of relation '%s' -> '%s' %s", rel.weight, rel.source_id,
                           rel.target_id, bad_weight);
    const field_t *evf = &r->f[F_EVIDENCE];
    if (evf->present && evf->tok != KL_J_ARRAY && evf->tok != KL_J_NULL)
        return value_error(r, evf, "wrong type for 'evidence': expected an array, got %s", kl_i_jtok_name(evf->tok));
    rel.type_code = kl_reltype_parse(rel.type);
    rel.loc = rec_loc(r);
    if ((rc = kl_dataset_add_relation(r->ds, &rel, r->err)) != KL_OK)
        return rc;
    for (size_t i = 0; i < r->n_ev; i++)
        if ((rc = kl_dataset_add_evidence(r->ds, r->ev[i].source, r->ev[i].quote, r->err)) != KL_OK)
            return rc;
    return add_unknown_attrs(r, KL_OWNER_RELATION, r->ds->n_relations - 1, others, sizeof others / sizeof *others);
}

static kl_err emit_region(reader_t *r)
{
    static const field_id others[] = {F_KIND, F_ALIASES, F_REGION, F_TYPE, F_COUNTRY, F_START, F_END, F_SOURCE,
                                      F_TARGET, F_ROLE, F_WEIGHT, F_AMOUNT, F_CURRENCY, F_EVIDENCE, F_TITLE,
                                      F_URL, F_DATE};
    kl_region_t g;
    memset(&g, 0, sizeof g);
    kl_err rc;
    if ((rc = get_string(r, F_ID, 1, &g.id)) || (rc = get_string(r, F_NAME, 0, &g.name)) ||
        (rc = get_string(r, F_LEVEL, 0, &g.level)) || (rc = get_string(r, F_PARENT, 0, &g.parent)) ||
        (rc = get_latlon(r, &g.lat, &g.lon)))
        return rc;
    g.loc = rec_loc(r);
    if ((rc = kl_dataset_add_region(r->ds, &g, r->err)) != KL_OK)
        return rc;
    int32_t idx = kl_dataset_find_region(r->ds, g.id);
    return add_unknown_attrs(r, KL_OWNER_REGION, (uint32_t)idx, others, sizeof others / sizeof *others);
}

static kl_err emit_source(reader_t *r)
{
    static const field_id others[] = {F_KIND, F_NAME, F_ALIASES, F_REGION, F_TYPE, F_COUNTRY, F_START, F_END,
                                      F_LAT, F_LON, F_SOURCE, F_TARGET, F_ROLE, F_WEIGHT, F_AMOUNT, F_CURRENCY,
                                      F_EVIDENCE, F_LEVEL, F_PARENT};
    kl_source_t s;
    memset(&s, 0, sizeof s);
    kl_err rc;
    if ((rc = get_string(r, F_ID, 1, &s.id)) || (rc = get_string(r, F_TITLE, 0, &s.title)) ||
        (rc = get_string(r, F_URL, 0, &s.url)) || (rc = get_string(r, F_DATE, 0, &s.date)))
        return rc;
    s.loc = rec_loc(r);
    if ((rc = kl_dataset_add_source(r->ds, &s, r->err)) != KL_OK)
        return rc;
    return add_unknown_attrs(r, KL_OWNER_SOURCE, r->ds->n_sources - 1, others, sizeof others / sizeof *others);
}

/* ------------------------------------------------------------- files */

/* JSON extracts are one value: the lexer needs the whole file in memory. */
kl_err kl_i_read_file(const char *path, const kl_load_options_t *opt, char **out, size_t *len, kl_error_t *err)
{
    *out = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return kl_error_set(err, KL_EIO, NULL, 0, 0, "cannot open '%s': %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        int e = errno;
        close(fd);
        return kl_error_set(err, KL_EIO, NULL, 0, 0, "cannot read '%s': %s", path,
                            S_ISDIR(st.st_mode) ? "Is a directory" : strerror(e ? e : EINVAL));
    }
    if (opt && opt->max_input_bytes && (uint64_t)st.st_size > opt->max_input_bytes) {
        close(fd);
        return kl_error_set(err, KL_ELIMIT, path, 0, 0,
                            "file is %lld bytes, more than the limit of %llu (--max-input-bytes)",
                            (long long)st.st_size, (unsigned long long)opt->max_input_bytes);
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *buf = malloc(cap);
    if (!buf) {
        close(fd);
        return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (;;) {
        if (n == cap) { /* the file grew while we read it */
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                close(fd);
                return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
            }
            buf = nb;
            cap *= 2;
        }
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int e = errno;
            free(buf);
            close(fd);
            return kl_error_set(err, KL_EIO, NULL, 0, 0, "cannot read '%s': %s", path, strerror(e));
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    close(fd);
    *out = buf;
    *len = n;
    return KL_OK;
}

static void reader_init(reader_t *r, kl_dataset_t *ds, const char *path, const kl_load_options_t *opt,
                        kl_error_t *err)
{
    memset(r, 0, sizeof *r);
    r->ds = ds;
    r->opt = opt;
    r->path = path;
    r->err = err;
}

static void reader_destroy(reader_t *r)
{
    kl_jlex_destroy(&r->lx);
    free(r->unknown);
    free(r->ev);
    free(r->aliases);
}

typedef kl_err (*emit_fn)(reader_t *r);

/* Reads an array of records after its '['. */
static kl_err read_array(reader_t *r, const char *array, emit_fn emit)
{
    r->array = array;
    for (uint32_t i = 0;; i++) {
        kl_jtok t = kl_jlex_next(&r->lx);
        if (t == KL_J_ARRAY_END)
            return KL_OK;
        if (t == KL_J_ERROR)
            return syntax_error(r);
        if (t != KL_J_OBJECT) {
            field_t at = {.line = r->lx.tok_line, .col = r->lx.tok_col};
            return value_error(r, &at, "wrong type in '%s': expected an object, got %s", array, kl_i_jtok_name(t));
        }
        r->rec_index = i;
        kl_err rc = read_record(r);
        if (rc == KL_OK)
            rc = emit(r);
        if (rc == KL_OK)
            rc = kl_i_check_limits(r->ds, r->opt, r->path, r->err);
        if (rc != KL_OK)
            return rc;
    }
}

static kl_err read_dataset_info(reader_t *r)
{
    r->array = "dataset";
    kl_err rc = read_record(r);
    const char *id = NULL, *title = NULL;
    if (rc != KL_OK || (rc = get_string(r, F_ID, 0, &id)) || (rc = get_string(r, F_TITLE, 0, &title)))
        return rc;
    if (id && !r->ds->id)
        r->ds->id = id;
    if (title && !r->ds->title)
        r->ds->title = title;
    static const field_id others[] = {F_KIND, F_NAME, F_ALIASES, F_REGION, F_TYPE, F_COUNTRY, F_START, F_END,
                                      F_LAT, F_LON, F_SOURCE, F_TARGET, F_ROLE, F_WEIGHT, F_AMOUNT, F_CURRENCY,
                                      F_EVIDENCE, F_LEVEL, F_PARENT, F_URL, F_DATE, F_RECORD};
    return add_unknown_attrs(r, KL_OWNER_DATASET, 0, others, sizeof others / sizeof *others);
}

kl_err kl_i_load_json(kl_dataset_t *ds, const char *path, const kl_load_options_t *opt, kl_error_t *err)
{
    char *buf;
    size_t len;
    kl_err rc = kl_i_read_file(path, opt, &buf, &len, err);
    if (rc != KL_OK)
        return rc;
    rc = kl_i_load_json_buffer(ds, path, buf, len, opt, err);
    free(buf);
    return rc;
}

kl_err kl_i_load_json_buffer(kl_dataset_t *ds, const char *path, const char *buf, size_t len,
                             const kl_load_options_t *opt, kl_error_t *err)
{
    kl_err rc = KL_OK;
    ds->input_bytes += len;
    int file = kl_dataset_add_file(ds, path);
    if (file < 0)
        return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    reader_t r;
    reader_init(&r, ds, path, opt, err);
    r.file = (uint32_t)file;
    kl_jlex_init(&r.lx, buf, len, 1, 0);
    int seen_entities = 0, seen_relations = 0;
    kl_jtok t = kl_jlex_next(&r.lx);
    if (t == KL_J_ERROR) {
        rc = syntax_error(&r);
        goto cleanup;
    }
    if (t != KL_J_OBJECT) {
        rc = kl_error_set(err, KL_EINVAL, path, r.lx.tok_line, r.lx.tok_col,
                          "an extract must be a JSON object, got %s", kl_i_jtok_name(t));
        goto cleanup;
    }
    for (;;) {
        t = kl_jlex_next(&r.lx);
        if (t == KL_J_OBJECT_END)
            break;
        if (t == KL_J_ERROR) {
            rc = syntax_error(&r);
            goto cleanup;
        }
        char key[16] = "";
        if (r.lx.str_len < sizeof key)
            memcpy(key, r.lx.str, r.lx.str_len);
        const char *ukey = intern_tok(&r);
        if (!ukey) {
            rc = nomem(&r);
            goto cleanup;
        }
        t = kl_jlex_next(&r.lx);
        if (t == KL_J_ERROR) {
            rc = syntax_error(&r);
            goto cleanup;
        }
        field_t at = {.line = r.lx.tok_line, .col = r.lx.tok_col};
        static const struct {
            const char *key;
            emit_fn emit;
        } arrays[] = {{"sources", emit_source}, {"regions", emit_region}, {"entities", emit_entity},
                      {"relations", emit_relation}};
        emit_fn emit = NULL;
        for (size_t i = 0; i < sizeof arrays / sizeof *arrays; i++)
            if (strcmp(key, arrays[i].key) == 0)
                emit = arrays[i].emit;
        if (emit) {
            if (t != KL_J_ARRAY) {
                rc = value_error(&r, &at, "wrong type for '%s': expected an array, got %s", key, kl_i_jtok_name(t));
                goto cleanup;
            }
            seen_entities |= emit == emit_entity;
            seen_relations |= emit == emit_relation;
            if ((rc = read_array(&r, ukey, emit)) != KL_OK)
                goto cleanup;
        } else if (strcmp(key, "dataset") == 0 && t == KL_J_OBJECT) {
            if ((rc = read_dataset_info(&r)) != KL_OK)
                goto cleanup;
        } else if (strcmp(key, "format") == 0) {
            if (t != KL_J_STRING) {
                rc = value_error(&r, &at, "wrong type for 'format': expected a string, got %s", kl_i_jtok_name(t));
                goto cleanup;
            }
            if (r.lx.str_len != 16 || memcmp(r.lx.str, "collab-extract/1", 16) != 0) {
                /* the value is not NUL-terminated and may hold a NUL: print at most 64 bytes of it */
                size_t n = strnlen(r.lx.str, r.lx.str_len > 64 ? 64 : r.lx.str_len);
                while (n > 0 && n < r.lx.str_len && ((unsigned char)r.lx.str[n] & 0xC0) == 0x80)
                    n--; /* not in the middle of a UTF-8 sequence */
                rc = value_error(&r, &at, "unsupported format '%.*s' (expected 'collab-extract/1')", (int)n,
                                 r.lx.str);
                goto cleanup;
            }
        } else {
            size_t start, end;
            if (kl_jlex_skip_value(&r.lx, &start, &end) < 0) {
                rc = syntax_error(&r);
                goto cleanup;
            }
            const char *v = kl_dataset_intern(ds, buf + start, end - start);
            if (!v || kl_dataset_add_attr(ds, KL_OWNER_DATASET, 0, ukey, v) != KL_OK) {
                rc = nomem(&r);
                goto cleanup;
            }
        }
    }
    t = kl_jlex_next(&r.lx);
    if (t == KL_J_ERROR) {
        rc = syntax_error(&r);
        goto cleanup;
    }
    if (!seen_entities || !seen_relations) {
        rc = kl_error_set(err, KL_EINVAL, path, 1, 1, "extract is missing required key '%s'",
                          seen_entities ? "relations" : "entities");
        goto cleanup;
    }
cleanup:
    reader_destroy(&r);
    return rc;
}

/* ------------------------------------------------------------ NDJSON */

#define NDJSON_MAX_LINE (64u << 20)

kl_err kl_i_load_ndjson(kl_dataset_t *ds, const char *path, const kl_load_options_t *opt, kl_error_t *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp && errno == ENOMEM) /* fopen allocates the FILE */
        return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    if (!fp)
        return kl_error_set(err, KL_EIO, NULL, 0, 0, "cannot open '%s': %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(fp), &st) < 0 || !S_ISREG(st.st_mode)) {
        fclose(fp);
        return kl_error_set(err, KL_EIO, NULL, 0, 0, "cannot read '%s': %s", path,
                            S_ISDIR(st.st_mode) ? "Is a directory" : "not a regular file");
    }
    if (opt && opt->max_input_bytes && (uint64_t)st.st_size > opt->max_input_bytes) {
        fclose(fp);
        return kl_error_set(err, KL_ELIMIT, path, 0, 0,
                            "file is %lld bytes, more than the limit of %llu (--max-input-bytes)",
                            (long long)st.st_size, (unsigned long long)opt->max_input_bytes);
    }
    return kl_i_load_ndjson_stream(ds, path, fp, opt, err);
}

kl_err kl_i_load_ndjson_stream(kl_dataset_t *ds, const char *path, FILE *fp, const kl_load_options_t *opt,
                               kl_error_t *err)
{
    int file = kl_dataset_add_file(ds, path);
    if (file < 0) {
        fclose(fp);
        return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    }
    reader_t r;
    reader_init(&r, ds, path, opt, err);
    r.file = (uint32_t)file;
    kl_err rc = KL_OK;
    /* A 1 MiB block buffer; lines are lexed in place, and only a line that
     * crosses a block boundary is moved to the front first. */
    size_t cap = 1u << 20, have = 0, pos = 0;
    char *buf = malloc(cap);
    uint32_t lineno = 0, counts[4] = {0};
    int eof = 0;
    if (!buf) {
        rc = nomem(&r);
        goto cleanup;
    }
    for (;;) {
        char *nl = memchr(buf + pos, '\n', have - pos);
        if (!nl && !eof) {
            if (pos > 0) {
                memmove(buf, buf + pos, have - pos);
                have -= pos;
                pos = 0;
            }
            if (have == cap) {
                if (cap >= NDJSON_MAX_LINE) {
                    rc = kl_error_set(err, KL_ELIMIT, path, lineno + 1, 1, "line longer than %u bytes",
                                      NDJSON_MAX_LINE);
                    goto cleanup;
                }
                char *nb = realloc(buf, cap * 2);
                if (!nb) {
                    rc = nomem(&r);
                    goto cleanup;
                }
                buf = nb;
                cap *= 2;
            }
            size_t got = fread(buf + have, 1, cap - have, fp);
            if (got == 0) {
                if (ferror(fp)) {
                    rc = kl_error_set(err, KL_EIO, NULL, 0, 0, "cannot read '%s': %s", path, strerror(errno));
                    goto cleanup;
                }
                eof = 1;
            }
            have += got;
            ds->input_bytes += got;
            continue;
        }
        size_t end = nl ? (size_t)(nl - buf) : have;
        if (!nl && pos == have)
            break;
        lineno++;
        const char *line = buf + pos;
        size_t len = end - pos;
        pos = nl ? end + 1 : have;
        size_t i = 0;
        while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
            i++;
        if (i == len)
            continue; /* blank line */
        /* keep the scratch buffer across lines: init forgets it */
        char *scratch = r.lx.scratch;
        size_t scratch_cap = r.lx.scratch_cap;
        kl_jlex_init(&r.lx, line, len, lineno, 0);
        r.lx.scratch = scratch;
        r.lx.scratch_cap = scratch_cap;
        kl_jtok t = kl_jlex_next(&r.lx);
        if (t == KL_J_ERROR) {
            rc = syntax_error(&r);
            goto cleanup;
        }
        if (t != KL_J_OBJECT) {
            rc = kl_error_set(err, KL_EINVAL, path, r.lx.tok_line, r.lx.tok_col,
                              "an NDJSON line must be a JSON object, got %s", kl_i_jtok_name(t));
            goto cleanup;
        }
        r.array = "record";
        if ((rc = read_record(&r)) != KL_OK)
            goto cleanup;
        if (kl_jlex_next(&r.lx) == KL_J_ERROR) {
            rc = syntax_error(&r);
            goto cleanup;
        }
        const char *kind;
        if ((rc = get_string(&r, F_RECORD, 1, &kind)) != KL_OK)
            goto cleanup;
        static const char *const kinds[4] = {"entity", "relation", "source", "region"};
        static const char *const arrays[4] = {"entities", "relations", "sources", "regions"};
        static const emit_fn emits[4] = {emit_entity, emit_relation, emit_source, emit_region};
        int k = -1;
        for (int j = 0; j < 4; j++)
            if (strcmp(kind, kinds[j]) == 0)
                k = j;
        if (k < 0) {
            rc = value_error(&r, &r.f[F_RECORD],
                             "unknown record type '%s' (expected entity, relation, source or region)", kind);
            goto cleanup;
        }
        r.array = arrays[k];
        r.rec_index = counts[k]++;
        if ((rc = emits[k](&r)) != KL_OK || (rc = kl_i_check_limits(ds, opt, path, err)) != KL_OK)
            goto cleanup;
    }
cleanup:
    /* the lexer points into buf: it holds no allocation of its own beyond
     * scratch, which reader_destroy frees */
    reader_destroy(&r);
    free(buf);
    fclose(fp);
    return rc;
}
