/* loaders/import.c - import maps: turning someone else's table (a CSV of
 * participations, one row per organisation in a project) into the engine's
 * model, as a map file (JSON, docs/import-maps.md) says.
 *
 * The map is small, so it is read with jansson (syntax errors come with line
 * and column); a content error names the map and the key's path
 * ("MAP:entities.org.kind: error: ...").  The tables are streamed through
 * kl_csv_*: errors about a cell name the input file, the line, the field
 * number and the column. */
#include "loaders_internal.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ------------------------------------------------------------------ map */

/* How one value is taken from a row: a column (with transforms) or a
 * constant. */
typedef struct {
    int present;
    char *column;        /* column name, or NULL for a constant */
    char *value;         /* the constant (or NULL) */
    int32_t col;         /* field index in the current input, -1 */
    int has_missing;     /* own list of missing markers instead of the map's */
    char **missing;
    size_t n_missing;
    char *prefix, *suffix;
    int pad;             /* left-pad digit strings with zeros to this width */
    int has_values;      /* "values": translation table */
    char **from, **to;   /* to[i] NULL: the value means "missing" */
    size_t n_values;
    int has_default;
    char *def;           /* NULL: missing */
    char *date;          /* input date pattern (DD, MM, YYYY and literals) */
    int number;          /* attribute written as a JSON number */
    char path[96];       /* "entities.org.id", for messages */
} field_t;

typedef struct {
    char *key;
    field_t f;
} attr_spec_t;

typedef struct {
    char *name;
    int kind_const;      /* -1 when the kind comes from a column */
    field_t kind, id, ename, type, region, region_name, country, start, end, lat, lon;
    attr_spec_t *attrs;
    size_t n_attrs;
    int required;        /* 0: a row without an id skips this entity (warning) */
} entity_spec_t;

typedef struct {
    int source, target;  /* entity spec indices */
    field_t type, role, weight, amount, currency, start, end;
    attr_spec_t *attrs;
    size_t n_attrs;
    char path[32];
} relation_spec_t;

typedef enum { ENC_UTF8, ENC_LATIN1, ENC_CP1252 } encoding_t;

struct kl_import_map {
    char *path;          /* as given, for messages */
    char *dir;           /* folder of the map, for relative paths */
    char delimiter;
    encoding_t encoding;
    char **missing;
    size_t n_missing;
    char *ds_id, *ds_title;
    char **ds_attr_keys, **ds_attr_json; /* other "dataset" keys, as JSON text */
    size_t n_ds_attrs;
    char *src_id, *src_title, *src_url, *src_date;
    int cite;            /* relations cite the source as evidence */
    char *region_level;
    entity_spec_t *entities;
    size_t n_entities;
    relation_spec_t *relations;
    size_t n_relations;
    /* region_points */
    char *points_file;   /* resolved against dir */
    int points_from_map; /* named by the map, not on the command line: confined to dir */
    char *points_code, *points_lat, *points_lon, *points_name;
    char points_delimiter;
};

static void field_free(field_t *f)
{
    free(f->column);
    free(f->value);
    for (size_t i = 0; i < f->n_missing; i++)
        free(f->missing[i]);
    free(f->missing);
    free(f->prefix);
    free(f->suffix);
    for (size_t i = 0; i < f->n_values; i++) {
        free(f->from[i]);
        free(f->to[i]);
    }
    free(f->from);
    free(f->to);
    free(f->def);
    free(f->date);
}

static void attrs_free(attr_spec_t *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(a[i].key);
        field_free(&a[i].f);
    }
    free(a);
}

void kl_import_map_free(kl_import_map_t *m)
{
    if (!m)
        return;
    free(m->path);
    free(m->dir);
    for (size_t i = 0; i < m->n_missing; i++)
        free(m->missing[i]);
    free(m->missing);
    free(m->ds_id);
    free(m->ds_title);
    for (size_t i = 0; i < m->n_ds_attrs; i++) {
        free(m->ds_attr_keys[i]);
        free(m->ds_attr_json[i]);
    }
    free(m->ds_attr_keys);
    free(m->ds_attr_json);
    free(m->src_id);
    free(m->src_title);
    free(m->src_url);
    free(m->src_date);
    free(m->region_level);
    for (size_t i = 0; i < m->n_entities; i++) {
        entity_spec_t *e = &m->entities[i];
        free(e->name);
        field_t *fs[] = {&e->kind, &e->id, &e->ename, &e->type, &e->region, &e->region_name,
                         &e->country, &e->start, &e->end, &e->lat, &e->lon};
        for (size_t k = 0; k < sizeof fs / sizeof *fs; k++)
            field_free(fs[k]);
        attrs_free(e->attrs, e->n_attrs);
    }
    free(m->entities);
    for (size_t i = 0; i < m->n_relations; i++) {
        relation_spec_t *r = &m->relations[i];
        field_t *fs[] = {&r->type, &r->role, &r->weight, &r->amount, &r->currency, &r->start, &r->end};
        for (size_t k = 0; k < sizeof fs / sizeof *fs; k++)
            field_free(fs[k]);
        attrs_free(r->attrs, r->n_attrs);
    }
    free(m->relations);
    free(m->points_file);
    free(m->points_code);
    free(m->points_lat);
    free(m->points_lon);
    free(m->points_name);
    free(m);
}

/* Map parsing state: the map's path for messages and the first error. */
typedef struct {
    kl_import_map_t *m;
    kl_error_t *err;
    int oom;
} parser_t;

static kl_err map_error(parser_t *p, const char *where, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static kl_err map_error(parser_t *p, const char *where, const char *fmt, ...)
{
    char msg[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return kl_error_set_where(p->err, KL_EINVAL, p->m->path, where, "%s", msg);
}

static kl_err nomem(kl_error_t *err)
{
    return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
}

static const char *json_type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER:
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    default: return "null";
    }
}

/* Keys of obj must all be in allowed (NULL-terminated): a typo in a map
 * ("colum") would otherwise silently read nothing. */
static kl_err check_keys(parser_t *p, json_t *obj, const char *where, const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        int ok = 0;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(*a, key) == 0;
        if (!ok) {
            char list[256] = "";
            size_t n = 0;
            for (const char *const *a = allowed; *a; a++)
                n += (size_t)snprintf(list + n, n < sizeof list ? sizeof list - n : 0, "%s%s",
                                      a == allowed ? "" : ", ", *a);
            return map_error(p, where, "unknown key '%s' (expected %s)", key, list);
        }
    }
    return KL_OK;
}

static kl_err get_string(parser_t *p, json_t *obj, const char *key, const char *where, int required, char **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v) {
        if (required)
            return map_error(p, where, "missing required key '%s'", key);
        return KL_OK;
    }
    if (!json_is_string(v))
        return map_error(p, where, "wrong type for '%s': expected a string, got %s", key, json_type_name(v));
    if (!(*out = strdup(json_string_value(v))))
        return nomem(p->err);
    return KL_OK;
}

static kl_err string_list(parser_t *p, json_t *v, const char *where, char ***out, size_t *n)
{
    if (!json_is_array(v))
        return map_error(p, where, "wrong type: expected an array of strings, got %s", json_type_name(v));
    size_t k = json_array_size(v);
    *out = calloc(k + 1, sizeof **out);
    if (!*out)
        return nomem(p->err);
    for (size_t i = 0; i < k; i++) {
        json_t *s = json_array_get(v, i);
        if (!json_is_string(s))
            return map_error(p, where, "wrong type in item %zu: expected a string, got %s", i, json_type_name(s));
        if (!((*out)[i] = strdup(json_string_value(s))))
            return nomem(p->err);
        (*n)++;
    }
    return KL_OK;
}

/* The text of a JSON scalar as a constant ("EUR", 1, true). */
static char *scalar_text(const json_t *v)
{
    char buf[64];
    if (json_is_string(v))
        return strdup(json_string_value(v));
    if (json_is_integer(v))
        snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        snprintf(buf, sizeof buf, "%.17g", json_real_value(v));
    else if (json_is_boolean(v))
        snprintf(buf, sizeof buf, "%s", json_is_true(v) ? "true" : "false");
    else
        return NULL;
    return strdup(buf);
}

static int valid_date_pattern(const char *s)
{
    int d = 0, m = 0, y = 0;
    for (const char *c = s; *c;) {
        if (strncmp(c, "YYYY", 4) == 0) {
            y++;
            c += 4;
        } else if (strncmp(c, "MM", 2) == 0) {
            m++;
            c += 2;
        } else if (strncmp(c, "DD", 2) == 0) {
            d++;
            c += 2;
        } else {
            c++;
        }
    }
    return y == 1 && m <= 1 && d <= 1 && (d == 0 || m == 1);
}

/* A field spec: "column" or {"column"|"value", transforms...}. */
static kl_err parse_field(parser_t *p, json_t *v, const char *where, field_t *f)
{
    static const char *const keys[] = {"column", "value", "missing", "prefix", "suffix", "pad",
                                       "values", "default", "date", "number", NULL};
    kl_err rc;
    memset(f, 0, sizeof *f);
    f->col = -1;
    snprintf(f->path, sizeof f->path, "%s", where);
    if (!v)
        return KL_OK;
    f->present = 1;
    if (json_is_string(v)) {
        if (!*json_string_value(v))
            return map_error(p, where, "empty column name");
        return (f->column = strdup(json_string_value(v))) ? KL_OK : nomem(p->err);
    }
    if (!json_is_object(v))
        return map_error(p, where, "wrong type: expected a column name or an object, got %s", json_type_name(v));
    if ((rc = check_keys(p, v, where, keys)) != KL_OK)
        return rc;
    json_t *col = json_object_get(v, "column"), *val = json_object_get(v, "value");
    if (!col == !val)
        return map_error(p, where, "give exactly one of 'column' (read from the table) and 'value' (a constant)");
    if (col && (!json_is_string(col) || !*json_string_value(col)))
        return map_error(p, where, "'column' must be a non-empty string, got %s", json_type_name(col));
    if (col && !(f->column = strdup(json_string_value(col))))
        return nomem(p->err);
    if (val && !(f->value = scalar_text(val)))
        return json_is_null(val) || json_is_object(val) || json_is_array(val)
                   ? map_error(p, where, "'value' must be a string, number or boolean, got %s", json_type_name(val))
                   : nomem(p->err);
    json_t *miss = json_object_get(v, "missing");
    if (miss) {
        f->has_missing = 1;
        if ((rc = string_list(p, miss, where, &f->missing, &f->n_missing)) != KL_OK)
            return rc;
    }
    if ((rc = get_string(p, v, "prefix", where, 0, &f->prefix)) || (rc = get_string(p, v, "suffix", where, 0, &f->suffix)) ||
        (rc = get_string(p, v, "date", where, 0, &f->date)))
        return rc;
    if (f->date && !valid_date_pattern(f->date))
        return map_error(p, where, "invalid date pattern '%s' (use YYYY, MM and DD, e.g. 'DD.MM.YYYY')", f->date);
    json_t *pad = json_object_get(v, "pad");
    if (pad) {
        if (!json_is_integer(pad) || json_integer_value(pad) < 1 || json_integer_value(pad) > 32)
            return map_error(p, where, "'pad' must be an integer from 1 to 32");
        f->pad = (int)json_integer_value(pad);
    }
    json_t *num = json_object_get(v, "number");
    if (num) {
        if (!json_is_boolean(num))
            return map_error(p, where, "'number' must be true or false, got %s", json_type_name(num));
        f->number = json_is_true(num);
    }
    json_t *vals = json_object_get(v, "values");
    if (vals) {
        if (!json_is_object(vals))
            return map_error(p, where, "'values' must be an object (table value -> value), got %s",
                             json_type_name(vals));
        size_t k = json_object_size(vals);
        f->has_values = 1;
        f->from = calloc(k + 1, sizeof *f->from);
        f->to = calloc(k + 1, sizeof *f->to);
        if (!f->from || !f->to)
            return nomem(p->err);
        const char *key;
        json_t *to;
        json_object_foreach(vals, key, to) {
            if (!json_is_null(to) && !json_is_string(to))
                return map_error(p, where, "'values' entry '%s' must be a string or null, got %s", key,
                                 json_type_name(to));
            if (!(f->from[f->n_values] = strdup(key)) ||
                (json_is_string(to) && !(f->to[f->n_values] = strdup(json_string_value(to))))) {
                f->n_values++;
                return nomem(p->err);
            }
            f->n_values++;
        }
    }
    json_t *def = json_object_get(v, "default");
    if (def) {
        if (!json_is_null(def) && !json_is_string(def))
            return map_error(p, where, "'default' must be a string or null, got %s", json_type_name(def));
        f->has_default = 1;
        if (json_is_string(def) && !(f->def = strdup(json_string_value(def))))
            return nomem(p->err);
    }
    return KL_OK;
}

static kl_err parse_attrs(parser_t *p, json_t *v, const char *where, attr_spec_t **out, size_t *n)
{
    if (!v)
        return KL_OK;
    if (!json_is_object(v))
        return map_error(p, where, "'attributes' must be an object (name -> column), got %s", json_type_name(v));
    *out = calloc(json_object_size(v) + 1, sizeof **out);
    if (!*out)
        return nomem(p->err);
    const char *key;
    json_t *f;
    json_object_foreach(v, key, f) {
        char at[96];
        snprintf(at, sizeof at, "%s.%s", where, key);
        attr_spec_t *a = &(*out)[(*n)++];
        if (!(a->key = strdup(key)))
            return nomem(p->err);
        kl_err rc = parse_field(p, f, at, &a->f);
        if (rc != KL_OK)
            return rc;
        if (!a->f.present)
            return map_error(p, at, "empty attribute spec");
    }
    return KL_OK;
}

static kl_err parse_entity(parser_t *p, const char *name, json_t *v, entity_spec_t *e)
{
    static const char *const keys[] = {"kind", "id", "name", "type", "region", "region_name", "country", "start",
                                       "end", "lat", "lon", "attributes", "required", NULL};
    char where[64], at[96];
    snprintf(where, sizeof where, "entities.%s", name);
    e->kind_const = -1;
    if (!(e->name = strdup(name)))
        return nomem(p->err);
    if (!json_is_object(v))
        return map_error(p, where, "wrong type: expected an object, got %s", json_type_name(v));
    kl_err rc = check_keys(p, v, where, keys);
    if (rc != KL_OK)
        return rc;
    json_t *kind = json_object_get(v, "kind");
    snprintf(at, sizeof at, "%s.kind", where);
    if (!kind)
        return map_error(p, where, "missing required key 'kind' (organisation, person, project or funder)");
    if (json_is_string(kind)) {
        /* a kind is a fixed word, so a plain string here is the kind itself */
        e->kind_const = kl_kind_parse(json_string_value(kind));
        if (e->kind_const < 0)
            return map_error(p, at, "unknown kind '%s' (expected organisation, person, project or funder)",
                             json_string_value(kind));
        parse_field(p, NULL, at, &e->kind);
    } else if ((rc = parse_field(p, kind, at, &e->kind)) != KL_OK) {
        return rc;
    }
    static const char *const names[] = {"id", "name", "type", "region", "region_name", "country",
                                        "start", "end", "lat", "lon"};
    field_t *fs[] = {&e->id, &e->ename, &e->type, &e->region, &e->region_name, &e->country,
                     &e->start, &e->end, &e->lat, &e->lon};
    for (size_t k = 0; k < sizeof fs / sizeof *fs; k++) {
        snprintf(at, sizeof at, "%s.%s", where, names[k]);
        if ((rc = parse_field(p, json_object_get(v, names[k]), at, fs[k])) != KL_OK)
            return rc;
    }
    if (!e->id.present)
        return map_error(p, where, "missing required key 'id'");
    if (!e->ename.present)
        return map_error(p, where, "missing required key 'name' (use the id column when the table has no names)");
    if (e->lat.present != e->lon.present)
        return map_error(p, where, "'lat' and 'lon' go together: give both or neither");
    json_t *req = json_object_get(v, "required");
    e->required = 1;
    if (req) {
        if (!json_is_boolean(req))
            return map_error(p, where, "'required' must be true or false, got %s", json_type_name(req));
        e->required = json_is_true(req);
    }
    snprintf(at, sizeof at, "%s.attributes", where);
    return parse_attrs(p, json_object_get(v, "attributes"), at, &e->attrs, &e->n_attrs);
}

static int find_entity_spec(const kl_import_map_t *m, const char *name)
{
    for (size_t i = 0; i < m->n_entities; i++)
        if (strcmp(m->entities[i].name, name) == 0)
            return (int)i;
    return -1;
}

static kl_err parse_relation(parser_t *p, size_t index, json_t *v, relation_spec_t *r)
{
    static const char *const keys[] = {"source", "target", "type", "role", "weight", "amount", "currency",
                                       "start", "end", "attributes", NULL};
    char at[96];
    snprintf(r->path, sizeof r->path, "relations[%zu]", index);
    if (!json_is_object(v))
        return map_error(p, r->path, "wrong type: expected an object, got %s", json_type_name(v));
    kl_err rc = check_keys(p, v, r->path, keys);
    if (rc != KL_OK)
        return rc;
    static const char *const ends[] = {"source", "target"};
    int *idx[] = {&r->source, &r->target};
    for (int k = 0; k < 2; k++) {
        json_t *s = json_object_get(v, ends[k]);
        if (!s)
            return map_error(p, r->path, "missing required key '%s' (the name of an entity under 'entities')",
                             ends[k]);
        if (!json_is_string(s))
            return map_error(p, r->path, "wrong type for '%s': expected an entity name, got %s", ends[k],
                             json_type_name(s));
        if ((*idx[k] = find_entity_spec(p->m, json_string_value(s))) < 0)
            return map_error(p, r->path, "'%s' names '%s', which is not under 'entities'", ends[k],
                             json_string_value(s));
    }
    static const char *const names[] = {"type", "role", "weight", "amount", "currency", "start", "end"};
    field_t *fs[] = {&r->type, &r->role, &r->weight, &r->amount, &r->currency, &r->start, &r->end};
    for (size_t k = 0; k < sizeof fs / sizeof *fs; k++) {
        snprintf(at, sizeof at, "%s.%s", r->path, names[k]);
        if ((rc = parse_field(p, json_object_get(v, names[k]), at, fs[k])) != KL_OK)
            return rc;
    }
    if (!r->type.present)
        return map_error(p, r->path, "missing required key 'type' (e.g. {\"value\": \"participates_in\"})");
    if (r->type.value && !*r->type.value)
        return map_error(p, r->path, "empty relation type");
    snprintf(at, sizeof at, "%s.attributes", r->path);
    return parse_attrs(p, json_object_get(v, "attributes"), at, &r->attrs, &r->n_attrs);
}

static kl_err parse_delimiter(parser_t *p, json_t *obj, const char *where, char *out)
{
    json_t *d = json_object_get(obj, "delimiter");
    *out = ',';
    if (!d)
        return KL_OK;
    const char *s = json_is_string(d) ? json_string_value(d) : NULL;
    if (s && strcmp(s, "tab") == 0)
        s = "\t";
    if (!s || strlen(s) != 1 || *s == '"' || *s == '\r' || *s == '\n')
        return map_error(p, where, "'delimiter' must be one character other than a quote or a line end (or \"tab\")");
    *out = *s;
    return KL_OK;
}

/* A path in the map is relative to the map's folder. */
static char *resolve_path(const char *dir, const char *file)
{
    if (file[0] == '/' || !dir[0])
        return strdup(file);
    size_t n = strlen(dir) + strlen(file) + 2;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s/%s", dir, file);
    return s;
}

static kl_err parse_points(parser_t *p, json_t *v)
{
    static const char *const keys[] = {"file", "code", "lat", "lon", "name", "delimiter", NULL};
    const char *where = "region_points";
    kl_import_map_t *m = p->m;
    char *file = NULL;
    kl_err rc;
    if (json_is_string(v)) {
        /* the short form: a CSV with columns code, lat, lon (and name) */
        if (!(file = strdup(json_string_value(v))) || !(m->points_code = strdup("code")) ||
            !(m->points_lat = strdup("lat")) || !(m->points_lon = strdup("lon")) || !(m->points_name = strdup("name"))) {
            free(file);
            return nomem(p->err);
        }
        m->points_delimiter = ',';
    } else if (json_is_object(v)) {
        if ((rc = check_keys(p, v, where, keys)) || (rc = get_string(p, v, "file", where, 1, &file)))
            return rc;
        if ((rc = get_string(p, v, "code", where, 0, &m->points_code)) ||
            (rc = get_string(p, v, "lat", where, 0, &m->points_lat)) ||
            (rc = get_string(p, v, "lon", where, 0, &m->points_lon)) ||
            (rc = get_string(p, v, "name", where, 0, &m->points_name)) ||
            (rc = parse_delimiter(p, v, where, &m->points_delimiter))) {
            free(file);
            return rc;
        }
        if ((!m->points_code && !(m->points_code = strdup("code"))) ||
            (!m->points_lat && !(m->points_lat = strdup("lat"))) ||
            (!m->points_lon && !(m->points_lon = strdup("lon")))) {
            free(file);
            return nomem(p->err);
        }
    } else {
        return map_error(p, where, "wrong type: expected a file name or an object, got %s", json_type_name(v));
    }
    if (!*file) {
        free(file);
        return map_error(p, where, "empty file name");
    }
    m->points_file = resolve_path(m->dir, file);
    m->points_from_map = 1;
    free(file);
    return m->points_file ? KL_OK : nomem(p->err);
}

static kl_err parse_map(parser_t *p, json_t *root)
{
    static const char *const keys[] = {"format", "dataset", "source", "delimiter", "encoding", "missing",
                                       "entities", "relations", "region_level", "region_points", "note", NULL};
    kl_import_map_t *m = p->m;
    kl_err rc;
    if (!json_is_object(root))
        return map_error(p, "map", "an import map must be a JSON object, got %s", json_type_name(root));
    if ((rc = check_keys(p, root, "map", keys)) != KL_OK)
        return rc;
    json_t *fmt = json_object_get(root, "format");
    if (fmt && (!json_is_string(fmt) || strcmp(json_string_value(fmt), "kluster-import-map/1") != 0))
        return map_error(p, "format", "unsupported format (expected 'kluster-import-map/1')");
    if ((rc = parse_delimiter(p, root, "delimiter", &m->delimiter)) != KL_OK)
        return rc;
    json_t *enc = json_object_get(root, "encoding");
    m->encoding = ENC_UTF8;
    if (enc) {
        const char *e = json_is_string(enc) ? json_string_value(enc) : "";
        if (!strcasecmp(e, "UTF-8") || !strcasecmp(e, "utf8"))
            m->encoding = ENC_UTF8;
        else if (!strcasecmp(e, "ISO-8859-1") || !strcasecmp(e, "latin1") || !strcasecmp(e, "latin-1"))
            m->encoding = ENC_LATIN1;
        else if (!strcasecmp(e, "windows-1252") || !strcasecmp(e, "cp1252"))
            m->encoding = ENC_CP1252;
        else
            return map_error(p, "encoding", "unknown encoding '%s' (expected UTF-8, ISO-8859-1 or windows-1252)", e);
    }
    json_t *miss = json_object_get(root, "missing");
    if (miss && (rc = string_list(p, miss, "missing", &m->missing, &m->n_missing)) != KL_OK)
        return rc;

    json_t *ds = json_object_get(root, "dataset");
    if (ds) {
        if (!json_is_object(ds))
            return map_error(p, "dataset", "wrong type: expected an object, got %s", json_type_name(ds));
        if ((rc = get_string(p, ds, "id", "dataset", 0, &m->ds_id)) ||
            (rc = get_string(p, ds, "title", "dataset", 0, &m->ds_title)))
            return rc;
        size_t k = json_object_size(ds);
        m->ds_attr_keys = calloc(k + 1, sizeof *m->ds_attr_keys);
        m->ds_attr_json = calloc(k + 1, sizeof *m->ds_attr_json);
        if (!m->ds_attr_keys || !m->ds_attr_json)
            return nomem(p->err);
        const char *key;
        json_t *v;
        json_object_foreach(ds, key, v) {
            if (!strcmp(key, "id") || !strcmp(key, "title"))
                continue;
            /* kept as a dataset attribute, like any unknown key of an extract */
            m->ds_attr_keys[m->n_ds_attrs] = strdup(key);
            m->ds_attr_json[m->n_ds_attrs] = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
            m->n_ds_attrs++;
            if (!m->ds_attr_keys[m->n_ds_attrs - 1] || !m->ds_attr_json[m->n_ds_attrs - 1])
                return nomem(p->err);
        }
    }
    json_t *src = json_object_get(root, "source");
    if (src) {
        static const char *const skeys[] = {"id", "title", "url", "date", "cite", NULL};
        if (!json_is_object(src))
            return map_error(p, "source", "wrong type: expected an object, got %s", json_type_name(src));
        if ((rc = check_keys(p, src, "source", skeys)) || (rc = get_string(p, src, "id", "source", 1, &m->src_id)) ||
            (rc = get_string(p, src, "title", "source", 0, &m->src_title)) ||
            (rc = get_string(p, src, "url", "source", 0, &m->src_url)) ||
            (rc = get_string(p, src, "date", "source", 0, &m->src_date)))
            return rc;
        if (!*m->src_id)
            return map_error(p, "source", "empty source id");
        json_t *cite = json_object_get(src, "cite");
        if (cite && !json_is_boolean(cite))
            return map_error(p, "source", "'cite' must be true or false, got %s", json_type_name(cite));
        m->cite = cite ? json_is_true(cite) : 1;
    }
    if ((rc = get_string(p, root, "region_level", "region_level", 0, &m->region_level)) != KL_OK)
        return rc;

    json_t *ents = json_object_get(root, "entities");
    if (!ents)
        return map_error(p, "map", "missing required key 'entities'");
    if (!json_is_object(ents) || json_object_size(ents) == 0)
        return map_error(p, "entities", "'entities' must be a non-empty object (name -> entity spec)");
    m->entities = calloc(json_object_size(ents), sizeof *m->entities);
    if (!m->entities)
        return nomem(p->err);
    const char *key;
    json_t *v;
    json_object_foreach(ents, key, v) {
        if ((rc = parse_entity(p, key, v, &m->entities[m->n_entities++])) != KL_OK)
            return rc;
    }
    json_t *rels = json_object_get(root, "relations");
    if (rels) {
        if (!json_is_array(rels))
            return map_error(p, "relations", "wrong type: expected an array, got %s", json_type_name(rels));
        m->relations = calloc(json_array_size(rels) + 1, sizeof *m->relations);
        if (!m->relations)
            return nomem(p->err);
        for (size_t i = 0; i < json_array_size(rels); i++)
            if ((rc = parse_relation(p, i, json_array_get(rels, i), &m->relations[m->n_relations++])) != KL_OK)
                return rc;
    }
    json_t *pts = json_object_get(root, "region_points");
    if (pts && (rc = parse_points(p, pts)) != KL_OK)
        return rc;
    return KL_OK;
}

kl_err kl_import_map_load(kl_import_map_t **out, const char *path, kl_error_t *err)
{
    *out = NULL;
    struct stat st;
    if (stat(path, &st) < 0)
        return kl_error_set(err, KL_EIO, NULL, 0, 0, "cannot open map '%s': %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return kl_error_set(err, KL_EIO, NULL, 0, 0, "cannot read map '%s': %s", path,
                            S_ISDIR(st.st_mode) ? "Is a directory" : "not a regular file");
    if (st.st_size > (16 << 20))
        return kl_error_set(err, KL_ELIMIT, path, 0, 0, "an import map larger than 16 MiB is not a map");
    kl_import_map_t *m = calloc(1, sizeof *m);
    if (!m)
        return nomem(err);
    m->delimiter = ',';
    m->path = strdup(path);
    const char *slash = strrchr(path, '/');
    m->dir = slash ? strndup(path, (size_t)(slash - path) + (slash == path)) : strdup("");
    if (!m->path || !m->dir) {
        kl_import_map_free(m);
        return nomem(err);
    }
    json_error_t jerr;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        kl_err rc = jerr.line > 0 ? kl_error_set(err, KL_EPARSE, path, jerr.line, jerr.column > 0 ? jerr.column : 0,
                                                 "invalid JSON in import map: %s", jerr.text)
                                  : kl_error_set(err, KL_EIO, NULL, 0, 0, "cannot read map '%s': %s", path, jerr.text);
        kl_import_map_free(m);
        return rc;
    }
    parser_t p = {m, err, 0};
    kl_err rc = parse_map(&p, root);
    json_decref(root);
    if (rc != KL_OK) {
        kl_import_map_free(m);
        return rc;
    }
    *out = m;
    return KL_OK;
}

/* ---------------------------------------------------------------- import */

typedef struct {
    kl_dataset_t *ds;
    kl_import_map_t *m;
    const kl_load_options_t *opt;
    kl_error_t *err;
    kl_csv_t *csv;
    const char *path;      /* current input */
    uint32_t file, line, index;
    char **header;         /* current input's header, n_header cells */
    uint32_t n_header;
    char *buf;             /* scratch for a transformed value */
    size_t cap;
    const char *source;    /* interned source id, or NULL */
    int32_t *row_entity;   /* per entity spec: index in ds for this row, -1 when absent */
    uint8_t *warned_kind;  /* per entity: a kind conflict was reported */
} importer_t;

static kl_err cell_error(importer_t *im, const field_t *f, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static kl_err cell_error(importer_t *im, const field_t *f, const char *fmt, ...)
{
    char msg[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return kl_error_set(im->err, KL_EINVAL, im->path, im->line, f->col >= 0 ? f->col + 1 : 0, "%s", msg);
}

static kl_err reserve(importer_t *im, size_t need)
{
    if (need <= im->cap)
        return KL_OK;
    size_t cap = im->cap ? im->cap : 256;
    while (cap < need)
        cap *= 2;
    char *b = realloc(im->buf, cap);
    if (!b)
        return nomem(im->err);
    im->buf = b;
    im->cap = cap;
    return KL_OK;
}

static int is_digits(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* Parse text with a pattern of YYYY, MM, DD and literal characters into
 * "YYYY", "YYYY-MM" or "YYYY-MM-DD".  Anything after the pattern must start
 * with a space (a time of day, "25.05.2020 00:00").  Returns 0 or -1. */
static int parse_pattern_date(const char *pat, const char *s, char *out, size_t size)
{
    char y[5] = "", mo[3] = "", d[3] = "";
    const char *c = s;
    for (const char *q = pat; *q;) {
        int width = 0;
        char *dst = NULL;
        if (!strncmp(q, "YYYY", 4))
            width = 4, dst = y;
        else if (!strncmp(q, "MM", 2))
            width = 2, dst = mo;
        else if (!strncmp(q, "DD", 2))
            width = 2, dst = d;
        if (dst) {
            if (!is_digits(c, (size_t)width) || strnlen(c, (size_t)width) < (size_t)width)
                return -1;
            memcpy(dst, c, (size_t)width);
            dst[width] = 0;
            c += width;
            q += width;
        } else {
            if (*c != *q)
                return -1;
            c++;
            q++;
        }
    }
    if (*c && *c != ' ' && *c != 'T')
        return -1;
    if (d[0])
        snprintf(out, size, "%s-%s-%s", y, mo, d);
    else if (mo[0])
        snprintf(out, size, "%s-%s-01", y, mo);
    else
        snprintf(out, size, "%s", y);
    return 0;
}

/* Evaluate field f on the current row.  Returns 1 with the text in *out
 * (im->buf, valid until the next eval) and its length, 0 when the value is
 * missing, or -1 after an error (recorded). */
static int eval(importer_t *im, const field_t *f, const char **out, size_t *len)
{
    const char *s;
    size_t n;
    *out = NULL;
    *len = 0;
    if (!f->present)
        return 0;
    if (f->value) {
        s = f->value;
        n = strlen(s);
    } else {
        if (f->col < 0 || (uint32_t)f->col >= kl_csv_nfields(im->csv))
            return 0;
        s = kl_csv_field(im->csv, (uint32_t)f->col, &n);
        if (!s)
            return 0;
    }
    /* surrounding white space is never part of an id or a code */
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n == 0)
        return 0;
    if (!f->value) {
        char **miss = f->has_missing ? f->missing : im->m->missing;
        size_t nm = f->has_missing ? f->n_missing : im->m->n_missing;
        for (size_t i = 0; i < nm; i++)
            if (strlen(miss[i]) == n && memcmp(miss[i], s, n) == 0)
                return 0;
    }
    if (f->has_values) {
        size_t i;
        for (i = 0; i < f->n_values; i++)
            if (strlen(f->from[i]) == n && memcmp(f->from[i], s, n) == 0)
                break;
        const char *to;
        if (i < f->n_values) {
            to = f->to[i];
        } else if (f->has_default) {
            to = f->def;
        } else {
            cell_error(im, f, "unknown value '%.*s' in column '%s' (the map's %s.values does not list it)",
                       (int)(n > 80 ? 80 : n), s, f->column ? f->column : "", f->path);
            return -1;
        }
        if (!to)
            return 0;
        s = to;
        n = strlen(to);
    }
    if (f->date) {
        char tmp[64], d[16];
        if (n >= sizeof tmp || (memcpy(tmp, s, n), tmp[n] = 0, parse_pattern_date(f->date, tmp, d, sizeof d) < 0)) {
            cell_error(im, f, "invalid date '%.*s' in column '%s' (the map expects %s)", (int)(n > 40 ? 40 : n), s,
                       f->column ? f->column : "", f->date);
            return -1;
        }
        if (reserve(im, sizeof d) != KL_OK)
            return -1;
        n = strlen(d);
        memcpy(im->buf, d, n + 1);
        *out = im->buf;
        *len = n;
        return 1;
    }
    size_t pre = f->prefix ? strlen(f->prefix) : 0, suf = f->suffix ? strlen(f->suffix) : 0;
    size_t pad = f->pad > 0 && is_digits(s, n) && n < (size_t)f->pad ? (size_t)f->pad - n : 0;
    if (reserve(im, pre + pad + n + suf + 1) != KL_OK)
        return -1;
    char *b = im->buf; /* s is a cell, a constant or a map value: never inside buf */
    memcpy(b, f->prefix ? f->prefix : "", pre);
    memset(b + pre, '0', pad);
    memcpy(b + pre + pad, s, n);
    memcpy(b + pre + pad + n, f->suffix ? f->suffix : "", suf);
    b[pre + pad + n + suf] = 0;
    *out = b;
    *len = pre + pad + n + suf;
    return 1;
}

/* eval + intern; *out NULL when missing. */
static kl_err eval_str(importer_t *im, const field_t *f, const char **out)
{
    const char *s;
    size_t n;
    *out = NULL;
    int got = eval(im, f, &s, &n);
    if (got < 0)
        return im->err && im->err->set ? im->err->code : KL_EINVAL;
    if (got == 0)
        return KL_OK;
    if (!(*out = kl_dataset_intern(im->ds, s, n)))
        return nomem(im->err);
    return KL_OK;
}

static kl_err eval_num(importer_t *im, const field_t *f, double *out)
{
    const char *s;
    size_t n;
    int got = eval(im, f, &s, &n);
    if (got < 0)
        return im->err && im->err->set ? im->err->code : KL_EINVAL;
    if (got == 0)
        return KL_OK;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || !isfinite(v))
        return cell_error(im, f, "'%s' in column '%s' is not a number", s, f->column ? f->column : "");
    *out = v;
    return KL_OK;
}

static kl_err eval_dates(importer_t *im, const field_t *fs, const field_t *fe, int32_t *start, int32_t *end)
{
    const char *s;
    size_t n;
    *start = KL_DATE_MIN;
    *end = KL_DATE_MAX;
    const field_t *f[2] = {fs, fe};
    for (int k = 0; k < 2; k++) {
        int got = eval(im, f[k], &s, &n);
        if (got < 0)
            return im->err && im->err->set ? im->err->code : KL_EINVAL;
        if (got && kl_date_parse(s, k, k ? end : start) < 0)
            return cell_error(im, f[k], "invalid date '%s' in column '%s' (expected YYYY or YYYY-MM-DD%s)", s,
                              f[k]->column ? f[k]->column : "", f[k]->date ? "" : ", or give the map a 'date' pattern");
    }
    if (*end < *start)
        return cell_error(im, fe, "'end' is before 'start'");
    return KL_OK;
}

/* Attribute values are kept as JSON text: a JSON string, or a number when
 * the map says "number": true. */
static kl_err add_attrs(importer_t *im, const attr_spec_t *a, size_t n, kl_owner owner_kind, uint32_t owner)
{
    for (size_t i = 0; i < n; i++) {
        const char *s;
        size_t len;
        int got = eval(im, &a[i].f, &s, &len);
        if (got < 0)
            return im->err && im->err->set ? im->err->code : KL_EINVAL;
        if (got == 0)
            continue;
        const char *v;
        if (a[i].f.number) {
            char *end;
            double x = strtod(s, &end);
            if (end == s || *end || !isfinite(x))
                return cell_error(im, &a[i].f, "'%s' in column '%s' is not a number", s,
                                  a[i].f.column ? a[i].f.column : "");
            char num[40];
            snprintf(num, sizeof num, "%.17g", x);
            v = kl_dataset_intern(im->ds, num, strlen(num));
        } else {
            /* JSON-quote: escape quotes, backslashes and control characters */
            size_t need = len * 6 + 3;
            char *q = malloc(need);
            if (!q)
                return nomem(im->err);
            size_t k = 0;
            q[k++] = '"';
            for (size_t j = 0; j < len; j++) {
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
            v = kl_dataset_intern(im->ds, q, k);
            free(q);
        }
        const char *key = kl_dataset_intern(im->ds, a[i].key, strlen(a[i].key));
        if (!v || !key || kl_dataset_add_attr(im->ds, owner_kind, owner, key, v) != KL_OK)
            return nomem(im->err);
    }
    return KL_OK;
}

static kl_loc_t row_loc(importer_t *im, const field_t *f)
{
    return (kl_loc_t){im->file, im->line, f && f->col >= 0 ? (uint32_t)f->col + 1 : 0, im->index};
}

static kl_err import_entity(importer_t *im, size_t k)
{
    const entity_spec_t *es = &im->m->entities[k];
    kl_err rc;
    im->row_entity[k] = -1;
    const char *id;
    if ((rc = eval_str(im, &es->id, &id)) != KL_OK)
        return rc;
    if (!id) {
        if (es->required)
            return cell_error(im, &es->id, "no id for entity '%s': column '%s' is empty%s", es->name,
                              es->id.column ? es->id.column : "", " (mark the entity \"required\": false to skip such rows)");
        kl_loc_t l = row_loc(im, &es->id);
        kl_dataset_warn(im->ds, KL_WARN_OTHER, &l, NULL,
                        "no id in column '%s': entity '%s' and its relations on this row are skipped",
                        es->id.column ? es->id.column : "", es->name);
        return KL_OK;
    }
    int kind = es->kind_const;
    if (kind < 0) {
        const char *ks;
        if ((rc = eval_str(im, &es->kind, &ks)) != KL_OK)
            return rc;
        if (!ks)
            return cell_error(im, &es->kind, "no kind for entity '%s'", id);
        if ((kind = kl_kind_parse(ks)) < 0) {
            char near[96];
            return cell_error(im, &es->kind,
                              "unknown kind '%s' for entity '%s' (expected organisation, person, project or funder)%s",
                              ks, id, kl_kind_hint(ks, near, sizeof near));
        }
    }
    const char *name, *region, *region_name;
    if ((rc = eval_str(im, &es->ename, &name)) || (rc = eval_str(im, &es->region, &region)) ||
        (rc = eval_str(im, &es->region_name, &region_name)))
        return rc;
    int32_t at = kl_dataset_find_entity(im->ds, id);
    if (at >= 0) {
        /* seen on an earlier row: the first row wins, disagreements are warnings */
        kl_entity_t *e = &im->ds->entities[at];
        char first[600];
        kl_dataset_format_loc(im->ds, &e->loc, NULL, first, sizeof first);
        if ((int)e->kind != kind && !im->warned_kind[k]) {
            kl_loc_t l = row_loc(im, &es->id);
            kl_dataset_warn(im->ds, KL_WARN_CONFLICT, &l, NULL,
                            "id '%s' is a %s here but a %s at %s (ids of different entities collide: "
                            "give them a 'prefix' in the map)", id, kl_kind_name((kl_kind)kind), kl_kind_name(e->kind),
                            first);
            im->warned_kind[k] = 1;
        } else if (name && name != e->name) {
            kl_loc_t l = row_loc(im, &es->ename);
            kl_dataset_warn(im->ds, KL_WARN_CONFLICT, &l, NULL, "entity '%s' is named '%s' here but '%s' at %s; keeping '%s'",
                            id, name, e->name, first, e->name);
        } else if (region && (e->region < 0 || region != im->ds->regions[e->region].id)) {
            kl_loc_t l = row_loc(im, &es->region);
            kl_dataset_warn(im->ds, KL_WARN_CONFLICT, &l, NULL,
                            "entity '%s' has region '%s' here but %s%s%s at %s; keeping the first", id, region,
                            e->region < 0 ? "none" : "'", e->region < 0 ? "" : im->ds->regions[e->region].id,
                            e->region < 0 ? "" : "'", first);
        }
        im->row_entity[k] = at;
        return KL_OK;
    }
    kl_entity_t e;
    memset(&e, 0, sizeof e);
    e.id = id;
    e.kind = (kl_kind)kind;
    e.name = name;
    if (!e.name)
        return cell_error(im, &es->ename, "no name for entity '%s': column '%s' is empty", id,
                          es->ename.column ? es->ename.column : "");
    e.lat = e.lon = NAN;
    if ((rc = eval_str(im, &es->type, &e.type)) || (rc = eval_str(im, &es->country, &e.country)) ||
        (rc = eval_dates(im, &es->start, &es->end, &e.start, &e.end)) || (rc = eval_num(im, &es->lat, &e.lat)) ||
        (rc = eval_num(im, &es->lon, &e.lon)))
        return rc;
    if (isnan(e.lat) != isnan(e.lon))
        return cell_error(im, isnan(e.lat) ? &es->lat : &es->lon, "'lat' and 'lon' go together: give both or neither");
    if (!isnan(e.lat) && (e.lat < -90 || e.lat > 90))
        return cell_error(im, &es->lat, "latitude %g is outside -90..90", e.lat);
    if (!isnan(e.lon) && (e.lon < -180 || e.lon > 180))
        return cell_error(im, &es->lon, "longitude %g is outside -180..180", e.lon);
    e.loc = row_loc(im, &es->id);
    if (region && kl_dataset_find_region(im->ds, region) < 0) {
        /* declare the region when the row names it, so it gets its name and level */
        kl_region_t g;
        memset(&g, 0, sizeof g);
        g.id = region;
        g.name = region_name;
        g.lat = g.lon = NAN;
        g.loc = row_loc(im, &es->region);
        if (im->m->region_level && !(g.level = kl_dataset_intern(im->ds, im->m->region_level, strlen(im->m->region_level))))
            return nomem(im->err);
        if ((rc = kl_dataset_add_region(im->ds, &g, im->err)) != KL_OK)
            return rc;
    }
    if ((rc = kl_dataset_add_entity(im->ds, &e, region, &at, im->err)) != KL_OK)
        return rc;
    im->row_entity[k] = at;
    return add_attrs(im, es->attrs, es->n_attrs, KL_OWNER_ENTITY, (uint32_t)at);
}

static kl_err import_relation(importer_t *im, const relation_spec_t *rs)
{
    int32_t s = im->row_entity[rs->source], t = im->row_entity[rs->target];
    if (s < 0 || t < 0)
        return KL_OK; /* an entity of this row was skipped (warned) */
    kl_relation_t r;
    memset(&r, 0, sizeof r);
    r.source_id = im->ds->entities[s].id;
    r.target_id = im->ds->entities[t].id;
    r.weight = 1;
    r.amount = NAN;
    kl_err rc;
    if ((rc = eval_str(im, &rs->type, &r.type)) || (rc = eval_str(im, &rs->role, &r.role)) ||
        (rc = eval_num(im, &rs->weight, &r.weight)) || (rc = eval_num(im, &rs->amount, &r.amount)) ||
        (rc = eval_str(im, &rs->currency, &r.currency)) || (rc = eval_dates(im, &rs->start, &rs->end, &r.start, &r.end)))
        return rc;
    if (!r.type)
        return KL_OK; /* the type column maps this row to no relation ("values": {"x": null}) */
    if (isnan(r.amount))
        r.currency = NULL; /* a currency says what an amount is in; alone it says nothing */
    const char *bad_weight = kl_weight_problem(r.weight);
    if (bad_weight)
        return cell_error(im, &rs->weight, "weight %g %s", r.weight, bad_weight);
    r.type_code = kl_reltype_parse(r.type);
    r.loc = row_loc(im, NULL);
    if ((rc = kl_dataset_add_relation(im->ds, &r, im->err)) != KL_OK)
        return rc;
    if (im->source && im->m->cite && (rc = kl_dataset_add_evidence(im->ds, im->source, NULL, im->err)) != KL_OK)
        return rc;
    return add_attrs(im, rs->attrs, rs->n_attrs, KL_OWNER_RELATION, im->ds->n_relations - 1);
}

/* Bind every field of the map to a column of this input's header. */
static kl_err bind_field(importer_t *im, field_t *f)
{
    f->col = -1;
    if (!f->present || !f->column)
        return KL_OK;
    for (uint32_t i = 0; i < im->n_header; i++)
        if (strcmp(im->header[i], f->column) == 0) {
            f->col = (int32_t)i;
            return KL_OK;
        }
    if (im->n_header == 1 && strchr(im->header[0], im->m->delimiter == ';' ? ',' : ';'))
        return kl_error_set(im->err, KL_EINVAL, im->path, 1, 0,
                            "no column '%s' in the header (map '%s' reads it for %s); the header is one field: "
                            "is the delimiter '%c' right?", f->column, im->m->path, f->path, im->m->delimiter);
    return kl_error_set(im->err, KL_EINVAL, im->path, 1, 0, "no column '%s' in the header (map '%s' reads it for %s)",
                        f->column, im->m->path, f->path);
}

static kl_err bind_all(importer_t *im)
{
    kl_err rc;
    for (size_t k = 0; k < im->m->n_entities; k++) {
        entity_spec_t *e = &im->m->entities[k];
        field_t *fs[] = {&e->kind, &e->id, &e->ename, &e->type, &e->region, &e->region_name,
                         &e->country, &e->start, &e->end, &e->lat, &e->lon};
        for (size_t i = 0; i < sizeof fs / sizeof *fs; i++)
            if ((rc = bind_field(im, fs[i])) != KL_OK)
                return rc;
        for (size_t i = 0; i < e->n_attrs; i++)
            if ((rc = bind_field(im, &e->attrs[i].f)) != KL_OK)
                return rc;
    }
    for (size_t k = 0; k < im->m->n_relations; k++) {
        relation_spec_t *r = &im->m->relations[k];
        field_t *fs[] = {&r->type, &r->role, &r->weight, &r->amount, &r->currency, &r->start, &r->end};
        for (size_t i = 0; i < sizeof fs / sizeof *fs; i++)
            if ((rc = bind_field(im, fs[i])) != KL_OK)
                return rc;
        for (size_t i = 0; i < r->n_attrs; i++)
            if ((rc = bind_field(im, &r->attrs[i].f)) != KL_OK)
                return rc;
    }
    return KL_OK;
}

static void free_header(importer_t *im)
{
    for (uint32_t i = 0; i < im->n_header; i++)
        free(im->header[i]);
    free(im->header);
    im->header = NULL;
    im->n_header = 0;
}

static kl_err csv_error(importer_t *im, const char *path)
{
    uint32_t line, field;
    const char *msg = kl_csv_error(im->csv, &line, &field);
    const char *hint = strncmp(msg, "invalid UTF-8", 13) == 0 && im->m->encoding == ENC_UTF8
                           ? ": the file is not UTF-8; set \"encoding\": \"windows-1252\" (or \"ISO-8859-1\") in the "
                             "import map, or save the file as CSV UTF-8"
                           : "";
    if (field && field <= im->n_header)
        return kl_error_set(im->err, KL_EPARSE, path, line, field, "%s (column '%s')%s", msg, im->header[field - 1],
                            hint);
    return kl_error_set(im->err, KL_EPARSE, path, line, field, "%s%s", msg, hint);
}

/* Open a table for reading: UTF-8 files are streamed; Latin-1 and
 * windows-1252 files are converted to UTF-8 in memory first, since the CSV
 * reader checks UTF-8 in every field. */
static kl_csv_t *open_table(importer_t *im, const char *path, encoding_t enc, char **mem, char *msg, size_t msize)
{
    *mem = NULL;
    if (enc == ENC_UTF8)
        return kl_csv_open(path, msg, msize);
    /* windows-1252 0x80..0x9F; 0 where undefined (kept as the C1 control) */
    static const uint16_t cp1252[32] = {0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030,
                                        0x0160, 0x2039, 0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D,
                                        0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E,
                                        0x0178};
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(msg, msize, "%s", strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *out = malloc(cap);
    unsigned char in[65536];
    size_t got;
    while (out && (got = fread(in, 1, sizeof in, f)) > 0) {
        for (size_t i = 0; i < got && out; i++) {
            if (n + 4 > cap) {
                char *o = realloc(out, cap * 2);
                if (!o) {
                    free(out);
                    out = NULL;
                    break;
                }
                out = o;
                cap *= 2;
            }
            unsigned cp = in[i];
            if (enc == ENC_CP1252 && cp >= 0x80 && cp < 0xA0 && cp1252[cp - 0x80])
                cp = cp1252[cp - 0x80];
            if (cp < 0x80) {
                out[n++] = (char)cp;
            } else if (cp < 0x800) {
                out[n++] = (char)(0xC0 | (cp >> 6));
                out[n++] = (char)(0x80 | (cp & 0x3F));
            } else {
                out[n++] = (char)(0xE0 | (cp >> 12));
                out[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
                out[n++] = (char)(0x80 | (cp & 0x3F));
            }
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (!out || bad) {
        free(out);
        snprintf(msg, msize, "%s", bad ? "read error" : "out of memory");
        return NULL;
    }
    static char empty[1];
    FILE *mf = fmemopen(n ? out : empty, n, "r");
    if (!mf) {
        free(out);
        snprintf(msg, msize, "%s", strerror(errno));
        return NULL;
    }
    *mem = out;
    (void)im;
    return kl_csv_open_stream(mf, msg, msize);
}

static kl_err import_file(importer_t *im, const char *path)
{
    char msg[256];
    char *mem = NULL;
    kl_err rc = KL_OK;
    struct stat st;
    if (stat(path, &st) < 0)
        return kl_error_set(im->err, KL_EIO, NULL, 0, 0, "cannot open '%s': %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return kl_error_set(im->err, KL_EIO, NULL, 0, 0, "cannot read '%s': %s", path,
                            S_ISDIR(st.st_mode) ? "Is a directory" : "not a regular file");
    if (im->opt && im->opt->max_input_bytes && (uint64_t)st.st_size > im->opt->max_input_bytes)
        return kl_error_set(im->err, KL_ELIMIT, path, 0, 0,
                            "file is %lld bytes, more than the limit of %llu (--max-input-bytes)",
                            (long long)st.st_size, (unsigned long long)im->opt->max_input_bytes);
    int file = kl_dataset_add_file(im->ds, path);
    if (file < 0)
        return nomem(im->err);
    im->file = (uint32_t)file;
    im->path = im->ds->files[file];
    im->csv = open_table(im, path, im->m->encoding, &mem, msg, sizeof msg);
    if (!im->csv) {
        free(mem);
        return kl_error_set(im->err, KL_EIO, NULL, 0, 0, "cannot open '%s': %s", path, msg);
    }
    kl_csv_set_delimiter(im->csv, im->m->delimiter);
    int got = kl_csv_next(im->csv);
    if (got < 0) {
        rc = csv_error(im, im->path);
        goto cleanup;
    }
    if (got == 0) {
        rc = kl_error_set(im->err, KL_EINVAL, im->path, 0, 0, "empty file: expected a header line");
        goto cleanup;
    }
    im->n_header = kl_csv_nfields(im->csv);
    if (!(im->header = calloc(im->n_header + 1, sizeof *im->header))) {
        rc = nomem(im->err);
        goto cleanup;
    }
    for (uint32_t i = 0; i < im->n_header; i++)
        if (!(im->header[i] = strdup(kl_csv_field(im->csv, i, NULL)))) {
            rc = nomem(im->err);
            goto cleanup;
        }
    if ((rc = bind_all(im)) != KL_OK)
        goto cleanup;
    while ((got = kl_csv_next(im->csv)) > 0) {
        im->line = kl_csv_line(im->csv);
        if (kl_csv_nfields(im->csv) != im->n_header) {
            rc = kl_error_set(im->err, KL_EPARSE, im->path, im->line, 0,
                              "%u fields, but the header has %u (is the delimiter '%c' right?)",
                              kl_csv_nfields(im->csv), im->n_header, im->m->delimiter);
            goto cleanup;
        }
        for (size_t k = 0; k < im->m->n_entities; k++)
            if ((rc = import_entity(im, k)) != KL_OK)
                goto cleanup;
        for (size_t k = 0; k < im->m->n_relations; k++)
            if ((rc = import_relation(im, &im->m->relations[k])) != KL_OK)
                goto cleanup;
        im->index++;
        if ((rc = kl_i_check_limits(im->ds, im->opt, im->path, im->err)) != KL_OK)
            goto cleanup;
    }
    if (got < 0)
        rc = csv_error(im, im->path);
cleanup:
    im->ds->input_bytes += kl_csv_bytes_read(im->csv);
    kl_csv_close(im->csv);
    im->csv = NULL;
    free(mem);
    free_header(im);
    return rc;
}

/* Region codes are compared after normalisation: codes made only of digits
 * compare as numbers (a county "3" is the points file's "03"); others
 * compare exactly. */
static size_t norm_code(const char *s, size_t n, const char **out)
{
    if (is_digits(s, n))
        while (n > 1 && *s == '0')
            s++, n--;
    *out = s;
    return n;
}

/* A map may come from a partner: the files it names must lie in its own
 * folder tree, or importing would copy any file the user can read (say
 * /etc/passwd) into a dataset that is then sent on.  The test is on the
 * resolved paths, so neither '..' nor a symbolic link leads out.  A file
 * that does not exist is left to the open's own message. */
static kl_err check_in_map_folder(importer_t *im)
{
    const kl_import_map_t *m = im->m;
    char *dir = realpath(m->dir[0] ? m->dir : ".", NULL);
    char *file = realpath(m->points_file, NULL);
    kl_err rc = KL_OK;
    if (dir && file) {
        size_t n = strlen(dir);
        int inside = strncmp(file, dir, n) == 0 && (file[n] == '/' || (n == 1 && dir[0] == '/'));
        if (!inside)
            rc = kl_error_set_where(im->err, KL_EINVAL, m->path, "region_points",
                                    "'%s' lies outside the map's folder '%s'%s: a map may only name "
                                    "files in its own folder tree; to read that file, name it yourself "
                                    "with --region-points %s",
                                    m->points_file, m->dir[0] ? m->dir : ".",
                                    m->points_file[0] == '/' ? "" : " (through '..' or a symbolic link)",
                                    m->points_file);
    } else if (errno == ENOMEM) {
        rc = nomem(im->err);
    }
    free(dir);
    free(file);
    return rc;
}

static kl_err join_points(importer_t *im)
{
    kl_import_map_t *m = im->m;
    char msg[256];
    kl_err rc = KL_OK;
    const char *path = m->points_file;
    struct stat st;
    if (m->points_from_map && (rc = check_in_map_folder(im)) != KL_OK)
        return rc;
    errno = 0;
    if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
        return kl_error_set(im->err, KL_EIO, NULL, 0, 0, "cannot open '%s' (region_points of map '%s'): %s", path,
                            m->path, errno ? strerror(errno) : "not a regular file");
    kl_csv_t *csv = kl_csv_open(path, msg, sizeof msg);
    if (!csv)
        return kl_error_set(im->err, KL_EIO, NULL, 0, 0, "cannot open '%s' (region_points of map '%s'): %s", path,
                            m->path, msg);
    kl_csv_set_delimiter(csv, m->points_delimiter ? m->points_delimiter : ',');
    uint8_t *matched = calloc((size_t)im->ds->n_regions + 1, 1);
    int32_t c_code = -1, c_lat = -1, c_lon = -1, c_name = -1;
    int got = kl_csv_next(csv);
    if (!matched) {
        rc = nomem(im->err);
        goto cleanup;
    }
    if (got <= 0) {
        rc = got < 0 ? kl_error_set(im->err, KL_EPARSE, path, 1, 0, "%s", kl_csv_error(csv, NULL, NULL))
                     : kl_error_set(im->err, KL_EINVAL, path, 0, 0, "empty file: expected a header line");
        goto cleanup;
    }
    for (uint32_t i = 0; i < kl_csv_nfields(csv); i++) {
        const char *h = kl_csv_field(csv, i, NULL);
        if (!strcmp(h, m->points_code))
            c_code = (int32_t)i;
        if (!strcmp(h, m->points_lat))
            c_lat = (int32_t)i;
        if (!strcmp(h, m->points_lon))
            c_lon = (int32_t)i;
        if (m->points_name && !strcmp(h, m->points_name))
            c_name = (int32_t)i;
    }
    const char *missing = c_code < 0 ? m->points_code : c_lat < 0 ? m->points_lat : c_lon < 0 ? m->points_lon
                          : (m->points_name && c_name < 0) ? m->points_name : NULL;
    if (missing) {
        rc = kl_error_set(im->err, KL_EINVAL, path, 1, 0, "no column '%s' in the header (map '%s' reads it for region_points)",
                          missing, m->path);
        goto cleanup;
    }
    /* regions are few (countries, counties): a linear scan per point is fine */
    while ((got = kl_csv_next(csv)) > 0) {
        uint32_t line = kl_csv_line(csv);
        size_t n;
        const char *code = kl_csv_field(csv, (uint32_t)c_code, &n);
        if (!code)
            continue;
        const char *nc;
        size_t nn = norm_code(code, n, &nc);
        for (uint32_t r = 0; r < im->ds->n_regions; r++) {
            kl_region_t *g = &im->ds->regions[r];
            const char *gc;
            size_t gn = norm_code(g->id, strlen(g->id), &gc);
            if (matched[r] || gn != nn || memcmp(gc, nc, nn) != 0)
                continue;
            const char *ls = kl_csv_field(csv, (uint32_t)c_lat, NULL), *os = kl_csv_field(csv, (uint32_t)c_lon, NULL);
            char *e1, *e2;
            double lat = ls ? strtod(ls, &e1) : NAN, lon = os ? strtod(os, &e2) : NAN;
            if (!ls || !os || e1 == ls || *e1 || e2 == os || *e2 || !(lat >= -90 && lat <= 90) ||
                !(lon >= -180 && lon <= 180)) {
                rc = kl_error_set(im->err, KL_EINVAL, path, line, (uint32_t)c_lat + 1,
                                  "invalid point '%s', '%s' for region '%s' (lat -90..90, lon -180..180)",
                                  ls ? ls : "", os ? os : "", g->id);
                goto cleanup;
            }
            g->lat = lat;
            g->lon = lon;
            if (c_name >= 0 && g->name == g->id) {
                size_t ln;
                const char *nm = kl_csv_field(csv, (uint32_t)c_name, &ln);
                if (nm && ln && !(g->name = kl_dataset_intern(im->ds, nm, ln))) {
                    rc = nomem(im->err);
                    goto cleanup;
                }
            }
            matched[r] = 1;
        }
    }
    if (got < 0) {
        uint32_t line, field;
        const char *em = kl_csv_error(csv, &line, &field);
        rc = kl_error_set(im->err, KL_EPARSE, path, line, field, "%s", em);
        goto cleanup;
    }
    for (uint32_t r = 0; r < im->ds->n_regions; r++)
        if (!matched[r]) {
            kl_region_t *g = &im->ds->regions[r];
            kl_dataset_warn(im->ds, KL_WARN_OTHER, &g->loc, NULL, "region '%s' has no point in '%s'", g->id, path);
        }
cleanup:
    free(matched);
    kl_csv_close(csv);
    return rc;
}

kl_err kl_import_run(kl_dataset_t *ds, kl_import_map_t *m, const char *const *inputs, size_t n_inputs,
                     const kl_load_options_t *opt, kl_error_t *err)
{
    importer_t im;
    memset(&im, 0, sizeof im);
    im.ds = ds;
    im.m = m;
    im.opt = opt;
    im.err = err;
    kl_err rc = KL_OK;
    im.row_entity = calloc(m->n_entities + 1, sizeof *im.row_entity);
    im.warned_kind = calloc(m->n_entities + 1, 1);
    if (!im.row_entity || !im.warned_kind) {
        rc = nomem(err);
        goto cleanup;
    }
    if (m->ds_id && !(ds->id = kl_dataset_intern(ds, m->ds_id, strlen(m->ds_id))))
        goto oom;
    if (m->ds_title && !(ds->title = kl_dataset_intern(ds, m->ds_title, strlen(m->ds_title))))
        goto oom;
    for (size_t i = 0; i < m->n_ds_attrs; i++) {
        const char *k = kl_dataset_intern(ds, m->ds_attr_keys[i], strlen(m->ds_attr_keys[i]));
        const char *v = kl_dataset_intern(ds, m->ds_attr_json[i], strlen(m->ds_attr_json[i]));
        if (!k || !v || kl_dataset_add_attr(ds, KL_OWNER_DATASET, 0, k, v) != KL_OK)
            goto oom;
    }
    if (m->src_id) {
        /* the source is "defined" in the map file */
        int file = kl_dataset_add_file(ds, m->path);
        kl_source_t s;
        memset(&s, 0, sizeof s);
        if (file < 0 || !(s.id = kl_dataset_intern(ds, m->src_id, strlen(m->src_id))) ||
            (m->src_title && !(s.title = kl_dataset_intern(ds, m->src_title, strlen(m->src_title)))) ||
            (m->src_url && !(s.url = kl_dataset_intern(ds, m->src_url, strlen(m->src_url)))) ||
            (m->src_date && !(s.date = kl_dataset_intern(ds, m->src_date, strlen(m->src_date)))))
            goto oom;
        s.loc = (kl_loc_t){(uint32_t)file, 0, 0, 0};
        if ((rc = kl_dataset_add_source(ds, &s, err)) != KL_OK)
            goto cleanup;
        im.source = s.id;
    }
    for (size_t i = 0; i < n_inputs; i++) {
        im.index = 0;
        if ((rc = import_file(&im, inputs[i])) != KL_OK)
            goto cleanup;
    }
    if (m->points_file && (rc = join_points(&im)) != KL_OK)
        goto cleanup;
    if (!ds->id && n_inputs > 0 && !(ds->id = kl_i_id_from_path(ds, inputs[0])))
        goto oom;
    rc = kl_dataset_finalize(ds, err);
    goto cleanup;
oom:
    rc = nomem(err);
cleanup:
    free(im.row_entity);
    free(im.warned_kind);
    free(im.buf);
    return rc;
}

const char *kl_import_map_path(const kl_import_map_t *m)
{
    return m->path;
}

kl_err kl_import_map_set_points(kl_import_map_t *m, const char *file, kl_error_t *err)
{
    if (!m->points_code && (!(m->points_code = strdup("code")) || !(m->points_lat = strdup("lat")) ||
                            !(m->points_lon = strdup("lon")) || !(m->points_name = strdup("name"))))
        return nomem(err);
    if (!m->points_delimiter)
        m->points_delimiter = ',';
    char *f = strdup(file);
    if (!f)
        return nomem(err);
    free(m->points_file);
    m->points_file = f;
    m->points_from_map = 0; /* the user named it */
    return KL_OK;
}
