/* loaders/csv.c - the CSV set (entities.csv, relations.csv, regions.csv,
 * sources.csv) into the engine, streamed record by record. */
#include "loaders_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { T_ENTITIES, T_RELATIONS, T_REGIONS, T_SOURCES } table_kind;

/* Columns that are schema fields; everything else becomes an attribute. */
typedef enum {
    C_ID, C_KIND, C_NAME, C_REGION, C_TYPE, C_ALIASES, C_COUNTRY, C_START, C_END, C_LAT, C_LON,
    C_SOURCE, C_TARGET, C_ROLE, C_WEIGHT, C_EVIDENCE, C_AMOUNT, C_CURRENCY,
    C_LEVEL, C_PARENT, C_TITLE, C_URL, C_DATE, C_COUNT
} column_id;

static const char *const column_names[C_COUNT] = {
    "id", "kind", "name", "region", "type", "aliases", "country", "start", "end", "lat", "lon",
    "source", "target", "role", "weight", "evidence", "amount", "currency",
    "level", "parent", "title", "url", "date"};

/* Which columns each table knows, and which it requires. */
static const column_id table_columns[4][16] = {
    [T_ENTITIES] = {C_ID, C_KIND, C_NAME, C_REGION, C_TYPE, C_ALIASES, C_COUNTRY, C_START, C_END, C_LAT, C_LON,
                    C_COUNT},
    [T_RELATIONS] = {C_SOURCE, C_TARGET, C_TYPE, C_ROLE, C_WEIGHT, C_START, C_END, C_EVIDENCE, C_AMOUNT,
                     C_CURRENCY, C_COUNT},
    [T_REGIONS] = {C_ID, C_NAME, C_LEVEL, C_PARENT, C_LAT, C_LON, C_COUNT},
    [T_SOURCES] = {C_ID, C_TITLE, C_URL, C_DATE, C_COUNT},
};
static const column_id table_required[4][4] = {
    [T_ENTITIES] = {C_ID, C_KIND, C_NAME, C_COUNT},
    [T_RELATIONS] = {C_SOURCE, C_TARGET, C_TYPE, C_COUNT},
    [T_REGIONS] = {C_ID, C_COUNT},
    [T_SOURCES] = {C_ID, C_COUNT},
};

typedef struct {
    kl_dataset_t *ds;
    const char *path;
    kl_error_t *err;
    kl_csv_t *csv;
    uint32_t file, line, index;
    int32_t col_of[C_COUNT];   /* field index of each schema column, -1 absent */
    const char **header;       /* interned header names */
    uint32_t n_header;
} table_t;

static kl_err cell_error(table_t *t, column_id c, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static kl_err cell_error(table_t *t, column_id c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kl_error_setv(t->err, KL_EINVAL, t->path, t->line, c < C_COUNT && t->col_of[c] >= 0 ? t->col_of[c] + 1 : 0,
                  fmt, ap);
    va_end(ap);
    return KL_EINVAL;
}

/* The cell of column c in the current record, or NULL when the column is
 * absent or the cell empty. */
static const char *cell(table_t *t, column_id c, size_t *len)
{
    if (t->col_of[c] < 0)
        return NULL;
    size_t n;
    const char *s = kl_csv_field(t->csv, (uint32_t)t->col_of[c], &n);
    if (!s || n == 0)
        return NULL;
    if (len)
        *len = n;
    return s;
}

static kl_err get_str(table_t *t, column_id c, int required, const char **out)
{
    size_t n = 0;
    const char *s = cell(t, c, &n);
    *out = NULL;
    if (!s) {
        if (required)
            return cell_error(t, c, "required column '%s' is empty", column_names[c]);
        return KL_OK;
    }
    *out = kl_dataset_intern(t->ds, s, n);
    if (!*out)
        return kl_error_set(t->err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    return KL_OK;
}

static kl_err get_num(table_t *t, column_id c, double *out)
{
    const char *s = cell(t, c, NULL);
    if (!s)
        return KL_OK;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    while (*end == ' ')
        end++;
    if (end == s || *end || isnan(v))
        return cell_error(t, c, "'%s' in column '%s' is not a number", s, column_names[c]);
    if (errno == ERANGE && isinf(v))
        return cell_error(t, c, "'%s' in column '%s' is out of range", s, column_names[c]);
    *out = v;
    return KL_OK;
}

static kl_err get_dates(table_t *t, int32_t *start, int32_t *end)
{
    *start = KL_DATE_MIN;
    *end = KL_DATE_MAX;
    const char *s = cell(t, C_START, NULL), *e = cell(t, C_END, NULL);
    if (s && kl_date_parse(s, 0, start) < 0)
        return cell_error(t, C_START, "invalid date '%s' in column 'start' (expected YYYY or YYYY-MM-DD)", s);
    if (e && kl_date_parse(e, 1, end) < 0)
        return cell_error(t, C_END, "invalid date '%s' in column 'end' (expected YYYY or YYYY-MM-DD)", e);
    if (*end < *start)
        return cell_error(t, C_END, "'end' is before 'start'");
    return KL_OK;
}

static kl_err get_latlon(table_t *t, double *lat, double *lon)
{
    kl_err rc;
    *lat = *lon = NAN;
    if ((rc = get_num(t, C_LAT, lat)) || (rc = get_num(t, C_LON, lon)))
        return rc;
    if (isnan(*lat) != isnan(*lon))
        return cell_error(t, isnan(*lat) ? C_LON : C_LAT, "'lat' and 'lon' go together: give both or neither");
    if (!isnan(*lat) && (*lat < -90 || *lat > 90))
        return cell_error(t, C_LAT, "latitude %g is outside -90..90", *lat);
    if (!isnan(*lon) && (*lon < -180 || *lon > 180))
        return cell_error(t, C_LON, "longitude %g is outside -180..180", *lon);
    return KL_OK;
}

/* Extra columns are attributes; the cell is kept as a JSON string. */
static kl_err add_extra_attrs(table_t *t, kl_owner owner_kind, uint32_t owner)
{
    char small[256];
    for (uint32_t i = 0; i < t->n_header; i++) {
        if (!t->header[i])
            continue;
        size_t n;
        const char *s = kl_csv_field(t->csv, i, &n);
        if (!s || !n)
            continue;
        /* JSON-quote the cell: escape quotes, backslashes and control chars */
        size_t need = n * 6 + 3;
        char *q = need <= sizeof small ? small : malloc(need);
        if (!q)
            return kl_error_set(t->err, KL_ENOMEM, NULL, 0, 0, "out of memory");
        size_t k = 0;
        q[k++] = '"';
        for (size_t j = 0; j < n; j++) {
            unsigned char ch = (unsigned char)s[j];
            if (ch == '"' || ch == '\\') {
                q[k++] = '\\';
                q[k++] = (char)ch;
            } else if (ch < 0x20) {
                k += (size_t)snprintf(q + k, 7, "\\u%04x", ch);
            } else {
                q[k++] = (char)ch;
            }
        }
        q[k++] = '"';
        const char *v = kl_dataset_intern(t->ds, q, k);
        if (q != small)
            free(q);
        if (!v || kl_dataset_add_attr(t->ds, owner_kind, owner, t->header[i], v) != KL_OK)
            return kl_error_set(t->err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    }
    return KL_OK;
}

static kl_loc_t loc(table_t *t)
{
    return (kl_loc_t){t->file, t->line, 0, t->index};
}

/* Splits a '|'-separated cell and calls fn on each non-empty part. */
typedef kl_err (*part_fn)(table_t *t, const char *part, void *ctx);
static kl_err split_bars(table_t *t, column_id c, part_fn fn, void *ctx)
{
    size_t n;
    const char *s = cell(t, c, &n);
    if (!s)
        return KL_OK;
    size_t i = 0;
    while (i <= n) {
        size_t j = i;
        while (j < n && s[j] != '|')
            j++;
        size_t a = i, b = j;
        while (a < b && s[a] == ' ')
            a++;
        while (b > a && s[b - 1] == ' ')
            b--;
        if (b > a) {
            const char *part = kl_dataset_intern(t->ds, s + a, b - a);
            if (!part)
                return kl_error_set(t->err, KL_ENOMEM, NULL, 0, 0, "out of memory");
            kl_err rc = fn(t, part, ctx);
            if (rc != KL_OK)
                return rc;
        }
        i = j + 1;
    }
    return KL_OK;
}

static kl_err add_alias_part(table_t *t, const char *part, void *ctx)
{
    return kl_dataset_add_alias(t->ds, *(uint32_t *)ctx, part) == KL_OK
               ? KL_OK
               : kl_error_set(t->err, KL_ENOMEM, NULL, 0, 0, "out of memory");
}

static kl_err add_evidence_part(table_t *t, const char *part, void *ctx)
{
    (void)ctx;
    return kl_dataset_add_evidence(t->ds, part, NULL, t->err);
}

static kl_err entity_row(table_t *t)
{
    kl_entity_t e;
    memset(&e, 0, sizeof e);
    const char *kind, *region;
    kl_err rc;
    if ((rc = get_str(t, C_ID, 1, &e.id)) || (rc = get_str(t, C_KIND, 1, &kind)) ||
        (rc = get_str(t, C_NAME, 1, &e.name)) || (rc = get_str(t, C_REGION, 0, &region)) ||
        (rc = get_str(t, C_TYPE, 0, &e.type)) || (rc = get_str(t, C_COUNTRY, 0, &e.country)) ||
        (rc = get_dates(t, &e.start, &e.end)) || (rc = get_latlon(t, &e.lat, &e.lon)))
        return rc;
    int k = kl_kind_parse(kind);
    if (k < 0)
    {
        char near[96];
        return cell_error(t, C_KIND,
                          "unknown kind '%s' for entity '%s' (expected organisation, person, project or funder)%s",
                          kind, e.id, kl_kind_hint(kind, near, sizeof near));
    }
    e.kind = (kl_kind)k;
    e.loc = loc(t);
    int32_t idx;
    if ((rc = kl_dataset_add_entity(t->ds, &e, region, &idx, t->err)) != KL_OK)
        return rc;
    uint32_t u = (uint32_t)idx;
    if ((rc = split_bars(t, C_ALIASES, add_alias_part, &u)) != KL_OK)
        return rc;
    return add_extra_attrs(t, KL_OWNER_ENTITY, u);
}

static kl_err relation_row(table_t *t)
{
    kl_relation_t r;
    memset(&r, 0, sizeof r);
    r.weight = 1;
    r.amount = NAN;
    kl_err rc;
    if ((rc = get_str(t, C_SOURCE, 1, &r.source_id)) || (rc = get_str(t, C_TARGET, 1, &r.target_id)) ||
        (rc = get_str(t, C_TYPE, 1, &r.type)) || (rc = get_str(t, C_ROLE, 0, &r.role)) ||
        (rc = get_num(t, C_WEIGHT, &r.weight)) || (rc = get_num(t, C_AMOUNT, &r.amount)) ||
        (rc = get_str(t, C_CURRENCY, 0, &r.currency)) || (rc = get_dates(t, &r.start, &r.end)))
        return rc;
    const char *bad_weight = kl_weight_problem(r.weight);
    if (bad_weight)
        return cell_error(t, C_WEIGHT, "weight %g of relation '%s' -> '%s' %s", r.weight, r.source_id, r.target_id,
                          bad_weight);
    r.type_code = kl_reltype_parse(r.type);
    r.loc = loc(t);
    if ((rc = kl_dataset_add_relation(t->ds, &r, t->err)) != KL_OK ||
        (rc = split_bars(t, C_EVIDENCE, add_evidence_part, NULL)) != KL_OK)
        return rc;
    return add_extra_attrs(t, KL_OWNER_RELATION, t->ds->n_relations - 1);
}

static kl_err region_row(table_t *t)
{
    kl_region_t g;
    memset(&g, 0, sizeof g);
    kl_err rc;
    if ((rc = get_str(t, C_ID, 1, &g.id)) || (rc = get_str(t, C_NAME, 0, &g.name)) ||
        (rc = get_str(t, C_LEVEL, 0, &g.level)) || (rc = get_str(t, C_PARENT, 0, &g.parent)) ||
        (rc = get_latlon(t, &g.lat, &g.lon)))
        return rc;
    g.loc = loc(t);
    if ((rc = kl_dataset_add_region(t->ds, &g, t->err)) != KL_OK)
        return rc;
    return add_extra_attrs(t, KL_OWNER_REGION, (uint32_t)kl_dataset_find_region(t->ds, g.id));
}

static kl_err source_row(table_t *t)
{
    kl_source_t s;
    memset(&s, 0, sizeof s);
    kl_err rc;
    if ((rc = get_str(t, C_ID, 1, &s.id)) || (rc = get_str(t, C_TITLE, 0, &s.title)) ||
        (rc = get_str(t, C_URL, 0, &s.url)) || (rc = get_str(t, C_DATE, 0, &s.date)))
        return rc;
    s.loc = loc(t);
    if ((rc = kl_dataset_add_source(t->ds, &s, t->err)) != KL_OK)
        return rc;
    return add_extra_attrs(t, KL_OWNER_SOURCE, t->ds->n_sources - 1);
}

/* The header's name of field i (0-based): a schema column or an extra one;
 * NULL when the header cell is empty or not read yet. */
static const char *column_name(const table_t *t, uint32_t i)
{
    if (i >= t->n_header)
        return NULL;
    for (int c = 0; c < C_COUNT; c++)
        if (t->col_of[c] == (int32_t)i)
            return column_names[c];
    return t->header[i];
}

static kl_err csv_error(table_t *t)
{
    uint32_t line, field;
    const char *msg = kl_csv_error(t->csv, &line, &field);
    /* the usual cause is a spreadsheet's own encoding (windows-1252) */
    const char *hint = strncmp(msg, "invalid UTF-8", 13) == 0
                           ? ": the file is not UTF-8; save it as CSV UTF-8, or import it with a map that sets \"encoding\" "
                             "(docs/import-maps.md)"
                           : "";
    if (field && field <= t->n_header) {
        const char *name = column_name(t, field - 1);
        if (name)
            return kl_error_set(t->err, KL_EPARSE, t->path, line, field, "%s (column '%s')%s", msg, name, hint);
    }
    return kl_error_set(t->err, KL_EPARSE, t->path, line, field, "%s%s", msg, hint);
}

/* Which table a file name is: 0 and *kind, or -1 (error set). */
static int table_of(const char *path, const char *base, table_kind *kind, kl_error_t *err)
{
    if (strcmp(base, "entities.csv") == 0)
        *kind = T_ENTITIES;
    else if (strcmp(base, "relations.csv") == 0)
        *kind = T_RELATIONS;
    else if (strcmp(base, "regions.csv") == 0)
        *kind = T_REGIONS;
    else if (strcmp(base, "sources.csv") == 0)
        *kind = T_SOURCES;
    else {
        kl_error_set(err, KL_EINVAL, path, 0, 0, "unknown CSV table (expected entities.csv, relations.csv, "
                                                "regions.csv or sources.csv)");
        return -1;
    }
    return 0;
}

static kl_err open_error(const char *path, const char *msg, int e, kl_error_t *err)
{
    if (e == ENOMEM)
        return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    return kl_error_set(err, KL_EIO, NULL, 0, 0, "cannot open '%s': %s", path, msg);
}

static kl_err load_table(kl_dataset_t *ds, const char *path, table_kind kind, kl_csv_t *csv,
                         const kl_load_options_t *opt, kl_error_t *err);

kl_err kl_i_load_csv_file(kl_dataset_t *ds, const char *path, const char *base, const kl_load_options_t *opt,
                          kl_error_t *err)
{
    table_kind kind;
    if (table_of(path, base, &kind, err) < 0)
        return KL_EINVAL;
    char msg[256];
    kl_csv_t *csv = kl_csv_open(path, msg, sizeof msg);
    if (!csv)
        return open_error(path, msg, errno, err);
    return load_table(ds, path, kind, csv, opt, err);
}

kl_err kl_i_load_csv_stream(kl_dataset_t *ds, const char *path, const char *base, FILE *f,
                            const kl_load_options_t *opt, kl_error_t *err)
{
    table_kind kind;
    if (table_of(path, base, &kind, err) < 0) {
        fclose(f);
        return KL_EINVAL;
    }
    char msg[256];
    kl_csv_t *csv = kl_csv_open_stream(f, msg, sizeof msg);
    if (!csv)
        return open_error(path, msg, errno, err);
    return load_table(ds, path, kind, csv, opt, err);
}

/* Reads one table from csv (stolen: closed before returning). */
static kl_err load_table(kl_dataset_t *ds, const char *path, table_kind kind, kl_csv_t *csv,
                         const kl_load_options_t *opt, kl_error_t *err)
{
    table_t t;
    memset(&t, 0, sizeof t);
    t.ds = ds;
    t.path = path;
    t.err = err;
    kl_err rc = KL_OK;
    t.csv = csv;
    int file = kl_dataset_add_file(ds, path);
    if (file < 0) {
        rc = kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
        goto cleanup;
    }
    t.file = (uint32_t)file;
    kl_csv_detect_delimiter(t.csv);
    int got = kl_csv_next(t.csv);
    if (got < 0) {
        rc = csv_error(&t);
        goto cleanup;
    }
    if (got == 0) {
        rc = kl_error_set(err, KL_EINVAL, path, 1, 0, "empty CSV file (expected a header line)");
        goto cleanup;
    }
    t.line = kl_csv_line(t.csv);
    t.n_header = kl_csv_nfields(t.csv);
    t.header = calloc(t.n_header + 1, sizeof *t.header);
    if (!t.header) {
        rc = kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
        goto cleanup;
    }
    for (int c = 0; c < C_COUNT; c++)
        t.col_of[c] = -1;
    for (uint32_t i = 0; i < t.n_header; i++) {
        size_t n;
        const char *h = kl_csv_field(t.csv, i, &n);
        int known = -1;
        for (int j = 0; table_columns[kind][j] != C_COUNT; j++) {
            column_id c = table_columns[kind][j];
            if (strlen(column_names[c]) == n && memcmp(column_names[c], h, n) == 0)
                known = (int)c;
        }
        if (known >= 0 && t.col_of[known] >= 0) {
            rc = kl_error_set(err, KL_EINVAL, path, t.line, i + 1, "duplicate column '%s' in the header", h);
            goto cleanup;
        }
        if (known >= 0) {
            t.col_of[known] = (int32_t)i;
        } else if (n > 0) {
            if (!(t.header[i] = kl_dataset_intern(ds, h, n))) {
                rc = kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
                goto cleanup;
            }
        }
    }
    for (int j = 0; table_required[kind][j] != C_COUNT; j++) {
        column_id c = table_required[kind][j];
        if (t.col_of[c] < 0) {
            rc = kl_error_set(err, KL_EINVAL, path, t.line, 0, "missing required column '%s' in the header",
                              column_names[c]);
            goto cleanup;
        }
    }
    static kl_err (*const rows[4])(table_t *) = {entity_row, relation_row, region_row, source_row};
    for (t.index = 0;; t.index++) {
        got = kl_csv_next(t.csv);
        if (got < 0) {
            rc = csv_error(&t);
            goto cleanup;
        }
        if (got == 0)
            break;
        t.line = kl_csv_line(t.csv);
        uint32_t nf = kl_csv_nfields(t.csv);
        if (nf > t.n_header) {
            rc = kl_error_set(err, KL_EINVAL, path, t.line, t.n_header + 1, "row has %u fields but the header has %u",
                              nf, t.n_header);
            goto cleanup;
        }
        if (nf < t.n_header) {
            /* COL is the first missing field, and the message names it */
            const char *name = column_name(&t, nf);
            rc = kl_error_set(err, KL_EINVAL, path, t.line, nf + 1, "row has %u field%s but the header has %u%s%s%s",
                              nf, nf == 1 ? "" : "s", t.n_header, name ? " (no '" : "", name ? name : "",
                              name ? "')" : "");
            goto cleanup;
        }
        if ((rc = rows[kind](&t)) != KL_OK || (rc = kl_i_check_limits(ds, opt, path, err)) != KL_OK)
            goto cleanup;
    }
cleanup:
    if (t.csv)
        ds->input_bytes += kl_csv_bytes_read(t.csv);
    free(t.header);
    kl_csv_close(t.csv);
    return rc;
}
