/* writers/export.c - the analysis graph as GraphML, GEXF, GML, Pajek and CSV,
 * and the dataset as JSON/NDJSON extracts, with kluster's own escaping. */
#include "writers_internal.h"

#include "../viz/viz.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

int kl_export_format_of(const char *path)
{
    static const struct {
        const char *ext;
        kl_export_format fmt;
    } exts[] = {{".graphml", KL_EXPORT_GRAPHML}, {".gexf", KL_EXPORT_GEXF}, {".gml", KL_EXPORT_GML},
                {".net", KL_EXPORT_PAJEK},       {".csv", KL_EXPORT_CSV},   {".json", KL_EXPORT_JSON},
                {".ndjson", KL_EXPORT_NDJSON}};
    size_t n = strlen(path);
    for (size_t i = 0; i < sizeof exts / sizeof *exts; i++) {
        size_t k = strlen(exts[i].ext);
        if (n > k && strcasecmp(path + n - k, exts[i].ext) == 0)
            return (int)exts[i].fmt;
    }
    return -1;
}

/* ---------------------------------------------------------------- sinks */

/* Escapers write into a sink: a FILE (the writers) or a bounded buffer
 * (the snprintf-like public functions, for tests and fuzzing). */
typedef struct {
    FILE *f;
    char *out;
    size_t size, len;
} sink_t;

static void sink_put(sink_t *s, const char *p, size_t n)
{
    if (s->f) {
        fwrite(p, 1, n, s->f);
    } else if (s->out && s->len + 1 < s->size) {
        size_t room = s->size - 1 - s->len;
        memcpy(s->out + s->len, p, n < room ? n : room);
    }
    s->len += n;
}

static size_t sink_finish(sink_t *s)
{
    if (!s->f && s->out && s->size)
        s->out[s->len < s->size ? s->len : s->size - 1] = 0;
    return s->len;
}

/* Decode one UTF-8 character at s; returns its length (1.. 4) and the code
 * point, or length 1 and -1 for an invalid byte. */
static int utf8_next(const unsigned char *s, long *cp)
{
    unsigned c = s[0];
    int n;
    long v;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        n = 2, v = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3, v = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4, v = c & 0x07;
    } else {
        *cp = -1;
        return 1;
    }
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = -1;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    static const long min[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (v < min[n] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        *cp = -1;
        return 1;
    }
    *cp = v;
    return n;
}

static void xml_escape(sink_t *k, const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    while (*s) {
        const unsigned char *run = s;
        /* copy runs of harmless bytes in one go */
        while (*s >= 0x20 && *s < 0x80 && *s != '&' && *s != '<' && *s != '>' && *s != '"' && *s != '\'')
            s++;
        if (s > run)
            sink_put(k, (const char *)run, (size_t)(s - run));
        if (!*s)
            break;
        long cp;
        int n = utf8_next(s, &cp);
        switch (cp) {
        case '&': sink_put(k, "&amp;", 5); break;
        case '<': sink_put(k, "&lt;", 4); break;
        case '>': sink_put(k, "&gt;", 4); break;
        case '"': sink_put(k, "&quot;", 6); break;
        case '\'': sink_put(k, "&apos;", 6); break;
        case '\t': sink_put(k, "&#9;", 4); break;
        case '\n': sink_put(k, "&#10;", 5); break;
        case '\r': sink_put(k, "&#13;", 5); break;
        default:
            /* XML 1.0 Char: no other C0 control, no U+FFFE/U+FFFF */
            if (cp < 0x20 || cp == 0xFFFE || cp == 0xFFFF)
                sink_put(k, "\xEF\xBF\xBD", 3);
            else
                sink_put(k, (const char *)s, (size_t)n);
        }
        s += n;
    }
}

static void gml_escape(sink_t *k, const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    char ref[16];
    while (*s) {
        long cp;
        int n = utf8_next(s, &cp);
        if (cp == '&')
            sink_put(k, "&amp;", 5);
        else if (cp == '"')
            sink_put(k, "&quot;", 6);
        else if (cp >= 0x20 && cp < 0x7F)
            sink_put(k, (const char *)s, 1);
        else
            sink_put(k, ref, (size_t)snprintf(ref, sizeof ref, "&#%ld;", cp < 0 ? 0xFFFDL : cp));
        s += n;
    }
}

static void pajek_escape(sink_t *k, const char *str)
{
    for (const char *s = str; *s; s++) {
        if (*s == '"' || *s == '\\') {
            char e[2] = {'\\', *s};
            sink_put(k, e, 2);
        } else if (*s == '\n' || *s == '\r' || *s == '\t') {
            sink_put(k, " ", 1);
        } else {
            sink_put(k, s, 1);
        }
    }
}

static void json_escape(sink_t *k, const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    while (*s) {
        const unsigned char *run = s;
        while (*s >= 0x20 && *s != '"' && *s != '\\')
            s++;
        if (s > run)
            sink_put(k, (const char *)run, (size_t)(s - run));
        if (!*s)
            break;
        char e[8];
        switch (*s) {
        case '"': sink_put(k, "\\\"", 2); break;
        case '\\': sink_put(k, "\\\\", 2); break;
        case '\n': sink_put(k, "\\n", 2); break;
        case '\r': sink_put(k, "\\r", 2); break;
        case '\t': sink_put(k, "\\t", 2); break;
        default: sink_put(k, e, (size_t)snprintf(e, sizeof e, "\\u%04x", *s));
        }
        s++;
    }
}

#define ESCAPER(pub, fn)                                                                                               \
    size_t pub(const char *s, char *out, size_t size)                                                                  \
    {                                                                                                                  \
        sink_t k = {NULL, out, size, 0};                                                                               \
        fn(&k, s);                                                                                                     \
        return sink_finish(&k);                                                                                        \
    }
ESCAPER(kl_xml_escape, xml_escape)
ESCAPER(kl_gml_escape, gml_escape)
ESCAPER(kl_pajek_escape, pajek_escape)
ESCAPER(kl_json_escape, json_escape)

static void fxml(FILE *f, const char *s)
{
    sink_t k = {f, NULL, 0, 0};
    xml_escape(&k, s);
}

static void fgml(FILE *f, const char *s)
{
    sink_t k = {f, NULL, 0, 0};
    gml_escape(&k, s);
}

static void fjson(FILE *f, const char *s)
{
    sink_t k = {f, NULL, 0, 0};
    fputc('"', f);
    json_escape(&k, s);
    fputc('"', f);
}

/* ------------------------------------------------------- node attributes */

typedef enum { T_STR, T_REAL, T_INT, T_BOOL } atype;

typedef enum {
    S_NAME, S_KIND, S_REGION, S_REGION_NAME, S_TYPE, S_COUNTRY, S_LAT, S_LON, S_EXTRA,
    S_METRIC /* a per-actor metric of kl_actor_metrics */
} asrc;

typedef struct {
    char *name;   /* as written (owned) */
    char *gml;    /* a GML key: letters, digits and '_' (owned) */
    atype type;
    asrc src;
    uint32_t extra; /* S_EXTRA: index into the extra keys */
    const kl_metric_t *metric; /* S_METRIC */
} column_t;

typedef struct {
    const kl_export_t *x;
    kl_metric_source_t metrics; /* x's results, without brokerage */
    uint32_t *order;       /* vertices by actor id */
    uint32_t *rank;
    uint32_t *edges;       /* edges by (rank of lower end, rank of the other) */
    column_t *cols;
    uint32_t n_cols;
    uint32_t n_extra;
    const char **extra;    /* n * n_extra values (JSON text) or NULL */
    char *text;            /* decoded extra value */
    size_t text_cap;
    kl_viz_colours_t colours; /* region colours, as every figure of the dataset has them */
} exporter_t;

static const char *vid(const exporter_t *e, uint32_t v)
{
    return e->x->ds->entities[e->x->g->vertex_entity[v]].id;
}

static int cmp_str_ptr(const void *a, const void *b, void *ctx)
{
    const exporter_t *e = ctx;
    return strcmp(vid(e, *(const uint32_t *)a), vid(e, *(const uint32_t *)b));
}

static int cmp_edge(const void *a, const void *b, void *ctx)
{
    const exporter_t *e = ctx;
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    uint32_t xa = e->rank[e->x->g->edge_from[x]], xb = e->rank[e->x->g->edge_to[x]];
    uint32_t ya = e->rank[e->x->g->edge_from[y]], yb = e->rank[e->x->g->edge_to[y]];
    uint32_t x1 = xa < xb ? xa : xb, x2 = xa < xb ? xb : xa, y1 = ya < yb ? ya : yb, y2 = ya < yb ? yb : ya;
    return x1 != y1 ? (x1 < y1 ? -1 : 1) : x2 != y2 ? (x2 < y2 ? -1 : 1) : 0;
}

static int add_col(exporter_t *e, const char *name, atype type, asrc src, uint32_t extra, const kl_metric_t *metric)
{
    column_t *c = &e->cols[e->n_cols];
    c->name = strdup(name);
    c->gml = malloc(strlen(name) + 2);
    if (!c->name || !c->gml) {
        free(c->name);
        free(c->gml);
        return -1;
    }
    /* GML keys are [A-Za-z][A-Za-z0-9_]* */
    size_t k = 0;
    if (!((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z')))
        c->gml[k++] = 'a';
    for (const char *p = name; *p; p++)
        c->gml[k++] = ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')) ? *p : '_';
    c->gml[k] = 0;
    c->type = type;
    c->src = src;
    c->extra = extra;
    c->metric = metric;
    e->n_cols++;
    return 0;
}

static void exporter_destroy(exporter_t *e)
{
    free(e->order);
    free(e->rank);
    free(e->edges);
    for (uint32_t i = 0; i < e->n_cols; i++) {
        free(e->cols[i].name);
        free(e->cols[i].gml);
    }
    free(e->cols);
    free(e->extra);
    free(e->text);
    kl_viz_colours_free(&e->colours);
}

/* The names of the columns the export writes itself: a free attribute with
 * one of them is renamed attr_<key>. */
static int is_builtin(const char *key)
{
    static const char *const names[] = {"id", "label", "name", "kind", "region", "region_name", "type", "country",
                                        "lat", "lon", "weight", NULL};
    for (const char *const *n = names; *n; n++)
        if (strcmp(*n, key) == 0)
            return 1;
    for (size_t k = 0; k < kl_actor_metrics_count; k++)
        if ((kl_actor_metrics[k].flags & KL_METRIC_EXPORT) && strcmp(kl_actor_metrics[k].key, key) == 0)
            return 1;
    return 0;
}

static int exporter_init(exporter_t *e, const kl_export_t *x)
{
    memset(e, 0, sizeof *e);
    e->x = x;
    e->metrics.res = x->res;
    e->metrics.regions = x->regions;
    const kl_agraph_t *g = x->g;
    const kl_dataset_t *ds = x->ds;
    uint32_t n = g->n, m = g->csr.m;
    e->order = malloc(((size_t)n + 1) * sizeof *e->order);
    e->rank = malloc(((size_t)n + 1) * sizeof *e->rank);
    e->edges = malloc(((size_t)m + 1) * sizeof *e->edges);
    e->cols = calloc(64, sizeof *e->cols);
    if (!e->order || !e->rank || !e->edges || !e->cols || kl_viz_region_colours(ds, &e->colours, NULL) != KL_OK)
        goto oom;
    for (uint32_t v = 0; v < n; v++)
        e->order[v] = v;
    qsort_r(e->order, n, sizeof *e->order, cmp_str_ptr, e);
    for (uint32_t i = 0; i < n; i++)
        e->rank[e->order[i]] = i;
    for (uint32_t i = 0; i < m; i++)
        e->edges[i] = i;
    qsort_r(e->edges, m, sizeof *e->edges, cmp_edge, e);

    int any_latlon = 0, any_type = 0, any_country = 0;
    for (uint32_t v = 0; v < n && !(any_latlon && any_type && any_country); v++) {
        const kl_entity_t *en = &ds->entities[g->vertex_entity[v]];
        int32_t r = g->vertex_region[v];
        any_latlon |= !isnan(en->lat) || (r >= 0 && !isnan(ds->regions[r].lat));
        any_type |= en->type != NULL;
        any_country |= en->country != NULL;
    }
    int rc = add_col(e, "name", T_STR, S_NAME, 0, NULL) | add_col(e, "kind", T_STR, S_KIND, 0, NULL) |
             add_col(e, "region", T_STR, S_REGION, 0, NULL) | add_col(e, "region_name", T_STR, S_REGION_NAME, 0, NULL);
    if (any_type)
        rc |= add_col(e, "type", T_STR, S_TYPE, 0, NULL);
    if (any_country)
        rc |= add_col(e, "country", T_STR, S_COUNTRY, 0, NULL);
    if (any_latlon)
        rc |= add_col(e, "lat", T_REAL, S_LAT, 0, NULL) | add_col(e, "lon", T_REAL, S_LON, 0, NULL);
    if (rc)
        goto oom;

    /* free entity attributes: one string column per distinct key (at most
     * 24, in order of first appearance), the first value per entity */
    const char *keys[24];
    uint32_t nk = 0;
    for (uint32_t a = 0; a < ds->n_attrs; a++) {
        const kl_attr_t *at = &ds->attrs[a];
        if (at->owner_kind != KL_OWNER_ENTITY || g->entity_vertex[at->owner] < 0)
            continue;
        uint32_t k = 0;
        while (k < nk && keys[k] != at->key)
            k++;
        if (k == nk && nk < sizeof keys / sizeof *keys)
            keys[nk++] = at->key;
    }
    if (nk) {
        e->extra = calloc((size_t)n * nk + 1, sizeof *e->extra);
        if (!e->extra)
            goto oom;
        e->n_extra = nk;
        for (uint32_t a = 0; a < ds->n_attrs; a++) {
            const kl_attr_t *at = &ds->attrs[a];
            if (at->owner_kind != KL_OWNER_ENTITY || g->entity_vertex[at->owner] < 0)
                continue;
            for (uint32_t k = 0; k < nk; k++)
                if (keys[k] == at->key) {
                    const char **slot = &e->extra[(size_t)g->entity_vertex[at->owner] * nk + k];
                    if (!*slot)
                        *slot = at->value_json;
                }
        }
        for (uint32_t k = 0; k < nk; k++) {
            char name[200];
            snprintf(name, sizeof name, "%s%s", is_builtin(keys[k]) ? "attr_" : "", keys[k]);
            if (add_col(e, name, T_STR, S_EXTRA, k, NULL))
                goto oom;
        }
    }
    /* with results, every exported metric they hold, in table order */
    static const atype types[] = {[KL_METRIC_INT] = T_INT, [KL_METRIC_REAL] = T_REAL, [KL_METRIC_BOOL] = T_BOOL};
    for (size_t k = 0; k < kl_actor_metrics_count; k++) {
        const kl_metric_t *mt = &kl_actor_metrics[k];
        if (!(mt->flags & KL_METRIC_EXPORT) || mt->type == KL_METRIC_ROLE || !mt->available(&e->metrics))
            continue;
        if (add_col(e, mt->key, types[mt->type], S_METRIC, 0, mt))
            goto oom;
    }
    return 0;
oom:
    exporter_destroy(e);
    errno = ENOMEM;
    return -1;
}

/* Decode a JSON value kept as text: a string's characters, anything else
 * (number, boolean, array, object) as its JSON text.  NULL when out of
 * memory. */
static const char *decode_json(exporter_t *e, const char *json)
{
    size_t n = strlen(json);
    if (n + 1 > e->text_cap) {
        char *t = realloc(e->text, n + 1);
        if (!t)
            return NULL;
        e->text = t;
        e->text_cap = n + 1;
    }
    if (json[0] != '"') {
        memcpy(e->text, json, n + 1);
        return e->text;
    }
    char *o = e->text;
    for (const char *p = json + 1; *p && !(*p == '"'); p++) {
        if (*p != '\\') {
            *o++ = *p;
            continue;
        }
        p++;
        switch (*p) {
        case 'n': *o++ = '\n'; break;
        case 't': *o++ = '\t'; break;
        case 'r': *o++ = '\r'; break;
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'u': {
            unsigned long cp = strtoul((char[5]){p[1], p[2], p[3], p[4], 0}, NULL, 16);
            p += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && p[1] == '\\' && p[2] == 'u') {
                unsigned long lo = strtoul((char[5]){p[3], p[4], p[5], p[6], 0}, NULL, 16);
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                p += 6;
            }
            /* escapes are never longer than the UTF-8 they stand for */
            if (cp < 0x80) {
                *o++ = (char)cp;
            } else if (cp < 0x800) {
                *o++ = (char)(0xC0 | (cp >> 6));
                *o++ = (char)(0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
                *o++ = (char)(0xE0 | (cp >> 12));
                *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
                *o++ = (char)(0x80 | (cp & 0x3F));
            } else {
                *o++ = (char)(0xF0 | (cp >> 18));
                *o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
                *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
                *o++ = (char)(0x80 | (cp & 0x3F));
            }
            break;
        }
        default: *o++ = *p; /* \" \\ \/ */
        }
    }
    *o = 0;
    return e->text;
}

/* The value of column c for vertex v: 1 with *str (T_STR) or *num, 0 when
 * undefined, -1 when out of memory. */
static int col_value(exporter_t *e, const column_t *c, uint32_t v, const char **str, double *num)
{
    const kl_dataset_t *ds = e->x->ds;
    const kl_agraph_t *g = e->x->g;
    const kl_entity_t *en = &ds->entities[g->vertex_entity[v]];
    int32_t reg = g->vertex_region[v];
    *str = NULL;
    *num = NAN;
    switch (c->src) {
    case S_NAME: *str = en->name; break;
    case S_KIND: *str = kl_kind_name(en->kind); break;
    case S_REGION: *str = reg >= 0 ? ds->regions[reg].id : NULL; break;
    case S_REGION_NAME: *str = reg >= 0 ? ds->regions[reg].name : NULL; break;
    case S_TYPE: *str = en->type; break;
    case S_COUNTRY: *str = en->country; break;
    /* the entity's own point, else its region's (Gephi's geo layouts need one) */
    case S_LAT: *num = !isnan(en->lat) ? en->lat : reg >= 0 ? ds->regions[reg].lat : NAN; break;
    case S_LON: *num = !isnan(en->lat) ? en->lon : reg >= 0 ? ds->regions[reg].lon : NAN; break;
    case S_EXTRA: {
        const char *j = e->extra[(size_t)v * e->n_extra + c->extra];
        if (!j)
            return 0;
        if (!(*str = decode_json(e, j)))
            return -1;
        break;
    }
    case S_METRIC: *num = c->metric->value(&e->metrics, v, KL_METRIC_VALUE); break;
    }
    if (c->type == T_STR)
        return *str != NULL;
    return !isnan(*num);
}

/* A value as text: reals with 17 significant digits (they read back
 * exactly), integers without a fraction, booleans as true/false. */
static const char *num_text(const column_t *c, double x, char *buf)
{
    if (c->type == T_BOOL)
        return x != 0 ? "true" : "false";
    if (c->type == T_INT) {
        snprintf(buf, 32, "%.0f", x);
        return buf;
    }
    return kl_format_real(x, buf);
}

static double edge_weight(const exporter_t *e, uint32_t k)
{
    return e->x->g->weight[k];
}

static int finish_write(exporter_t *e, FILE *f, int rc)
{
    exporter_destroy(e);
    if (rc < 0) {
        errno = ENOMEM;
        return -1;
    }
    if (ferror(f)) {
        if (!errno)
            errno = EIO;
        return -1;
    }
    return 0;
}

/* -------------------------------------------------------------- GraphML */

int kl_export_graphml(FILE *f, const kl_export_t *x)
{
    exporter_t e;
    if (exporter_init(&e, x) < 0)
        return -1;
    static const char *const gtypes[] = {"string", "double", "long", "boolean"};
    int rc = 0;
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\"\n"
               "         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
               "         xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
               "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n");
    for (uint32_t i = 0; i < e.n_cols; i++) {
        fprintf(f, "  <key id=\"v%u\" for=\"node\" attr.name=\"", i);
        fxml(f, e.cols[i].name);
        fprintf(f, "\" attr.type=\"%s\"/>\n", gtypes[e.cols[i].type]);
    }
    fprintf(f, "  <key id=\"weight\" for=\"edge\" attr.name=\"weight\" attr.type=\"double\"/>\n");
    if (x->res)
        fprintf(f, "  <key id=\"bridge\" for=\"edge\" attr.name=\"bridge\" attr.type=\"boolean\"/>\n");
    fprintf(f, "  <graph id=\"");
    fxml(f, x->ds->id ? x->ds->id : "G");
    fprintf(f, "\" edgedefault=\"undirected\">\n");
    char buf[40];
    for (uint32_t i = 0; i < x->g->n && rc >= 0; i++) {
        uint32_t v = e.order[i];
        fprintf(f, "    <node id=\"");
        fxml(f, vid(&e, v));
        fprintf(f, "\">");
        for (uint32_t c = 0; c < e.n_cols; c++) {
            const char *s;
            double num;
            int got = col_value(&e, &e.cols[c], v, &s, &num);
            if (got < 0) {
                rc = -1;
                break;
            }
            if (!got)
                continue;
            fprintf(f, "<data key=\"v%u\">", c);
            fxml(f, s ? s : num_text(&e.cols[c], num, buf));
            fputs("</data>", f);
        }
        fputs("</node>\n", f);
    }
    for (uint32_t i = 0; i < x->g->csr.m && rc >= 0; i++) {
        uint32_t k = e.edges[i], a = x->g->edge_from[k], b = x->g->edge_to[k];
        if (e.rank[a] > e.rank[b]) {
            uint32_t t = a;
            a = b;
            b = t;
        }
        fprintf(f, "    <edge source=\"");
        fxml(f, vid(&e, a));
        fprintf(f, "\" target=\"");
        fxml(f, vid(&e, b));
        fprintf(f, "\"><data key=\"weight\">%s</data>", kl_format_real(edge_weight(&e, k), buf));
        if (x->res)
            fprintf(f, "<data key=\"bridge\">%s</data>", x->res->bridge[k] ? "true" : "false");
        fputs("</edge>\n", f);
    }
    fputs("  </graph>\n</graphml>\n", f);
    return finish_write(&e, f, rc);
}

/* ----------------------------------------------------------------- GEXF */

static double size_metric(const exporter_t *e, uint32_t v)
{
    if (e->x->res)
        return e->x->res->betweenness[v];
    return e->x->g->csr.offset[v + 1] - e->x->g->csr.offset[v];
}

/* GEXF dynamics.  A span is a closed interval of days [start, end] as
 * yyyymmdd, KL_DATE_MIN / KL_DATE_MAX for an open side.  A list of spans
 * merged by merge_spans is sorted, disjoint and never touching; an item
 * present at all times has no span at all (GEXF: no <spells>). */
typedef struct {
    int32_t start, end;
} span_t;

static int leap_year(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* The day after d (yyyymmdd); an open end stays open. */
static int32_t day_after(int32_t d)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (d == KL_DATE_MIN || d == KL_DATE_MAX)
        return d;
    int y = d / 10000, m = d / 100 % 100, day = d % 100;
    if (m < 1 || m > 12)
        return d + 1; /* not a date kl_date_parse makes; keep the order */
    if (day < days[m - 1] + (m == 2 && leap_year(y)))
        return d + 1;
    return m < 12 ? y * 10000 + (m + 1) * 100 + 1 : (y + 1) * 10000 + 101;
}

static int cmp_span(const void *a, const void *b)
{
    const span_t *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return (x->end > y->end) - (x->end < y->end);
}

/* Sort s[0..n) and merge the spans that overlap or touch (one ends the day
 * before the next starts: days are whole, so no gap lies between them), in
 * place.  Returns how many are left; 0 when they cover all time. */
static size_t merge_spans(span_t *s, size_t n)
{
    if (n == 0)
        return 0;
    qsort(s, n, sizeof *s, cmp_span);
    size_t k = 0;
    for (size_t i = 1; i < n; i++) {
        if (s[i].start <= day_after(s[k].end)) {
            if (s[i].end > s[k].end)
                s[k].end = s[i].end;
        } else {
            s[++k] = s[i];
        }
    }
    k++;
    return k == 1 && s[0].start == KL_DATE_MIN && s[0].end == KL_DATE_MAX ? 0 : k;
}

/* The spells of every tie and every vertex: item i's spans are
 * span[offset[i] .. offset[i + 1]), none when it is present at all times. */
typedef struct {
    uint32_t *edge_off, *node_off;
    span_t *edge_span, *node_span;
} dynamics_t;

static void dynamics_destroy(dynamics_t *d)
{
    free(d->edge_off);
    free(d->node_off);
    free(d->edge_span);
    free(d->node_span);
}

/* Fill d from the relations behind the ties of x->g: a tie's spells are the
 * union of its relations' [start, end]; a vertex's the union of its ties'
 * spells (none with no tie or with a tie present at all times; the
 * entity's own start/end are left out, as they filter nothing in the
 * analysis graph either).  *dated: some relation behind a tie has a date.
 * Returns 0, or -1 when out of memory. */
static int dynamics_build(dynamics_t *d, const kl_export_t *x, int *dated)
{
    const kl_agraph_t *g = x->g;
    const kl_dataset_t *ds = x->ds;
    uint32_t n = g->n, m = g->csr.m;
    kl_tie_relations_t tr;
    span_t *tmp = NULL;
    int rc = -1;
    memset(d, 0, sizeof *d);
    *dated = 0;
    if (kl_agraph_tie_relations(g, ds, &tr, NULL) != KL_OK)
        return -1;
    d->edge_off = calloc((size_t)m + 1, sizeof *d->edge_off);
    d->node_off = calloc((size_t)n + 1, sizeof *d->node_off);
    d->edge_span = malloc(((size_t)tr.offset[m] + 1) * sizeof *d->edge_span);
    if (!d->edge_off || !d->node_off || !d->edge_span)
        goto cleanup;
    /* a tie's merged spans are never more than its relations */
    uint32_t k = 0;
    for (uint32_t e = 0; e < m; e++) {
        span_t *s = d->edge_span + k;
        size_t c = 0;
        for (uint32_t i = tr.offset[e]; i < tr.offset[e + 1]; i++) {
            const kl_relation_t *r = &ds->relations[tr.rel[i]];
            *dated |= r->start != KL_DATE_MIN || r->end != KL_DATE_MAX;
            s[c++] = (span_t){r->start, r->end};
        }
        k += (uint32_t)merge_spans(s, c);
        d->edge_off[e + 1] = k;
    }
    /* a vertex's spans: at most the sum of its ties' (each tie counted at
     * both ends) */
    size_t cap = 2 * (size_t)k + 1, most = 1;
    d->node_span = malloc(cap * sizeof *d->node_span);
    for (uint32_t v = 0; v < n; v++) {
        size_t c = 0;
        for (uint32_t j = g->csr.offset[v]; j < g->csr.offset[v + 1]; j++) {
            uint32_t e = g->csr.eid[j];
            c += d->edge_off[e + 1] - d->edge_off[e];
        }
        most = c > most ? c : most;
    }
    tmp = malloc(most * sizeof *tmp);
    if (!d->node_span || !tmp)
        goto cleanup;
    k = 0;
    for (uint32_t v = 0; v < n; v++) {
        size_t c = 0;
        int always = g->csr.offset[v + 1] == g->csr.offset[v];
        for (uint32_t j = g->csr.offset[v]; j < g->csr.offset[v + 1] && !always; j++) {
            uint32_t e = g->csr.eid[j];
            always = d->edge_off[e + 1] == d->edge_off[e];
            for (uint32_t i = d->edge_off[e]; i < d->edge_off[e + 1]; i++)
                tmp[c++] = d->edge_span[i];
        }
        if (!always) {
            c = merge_spans(tmp, c);
            memcpy(d->node_span + k, tmp, c * sizeof *tmp);
            k += (uint32_t)c;
        }
        d->node_off[v + 1] = k;
    }
    rc = 0;
cleanup:
    free(tmp);
    kl_tie_relations_destroy(&tr);
    if (rc < 0)
        dynamics_destroy(d);
    return rc;
}

static void put_gexf_date(FILE *f, const char *attr, int32_t day)
{
    fprintf(f, " %s=\"%04d-%02d-%02d\"", attr, (int)(day / 10000), (int)(day / 100 % 100), (int)(day % 100));
}

/* <spells> of spans s[0..n); nothing when n is 0 (present at all times). */
static void put_spells(FILE *f, const span_t *s, uint32_t n)
{
    if (n == 0)
        return;
    fputs("<spells>", f);
    for (uint32_t i = 0; i < n; i++) {
        fputs("<spell", f);
        if (s[i].start != KL_DATE_MIN)
            put_gexf_date(f, "start", s[i].start);
        if (s[i].end != KL_DATE_MAX)
            put_gexf_date(f, "end", s[i].end);
        fputs("/>", f);
    }
    fputs("</spells>", f);
}

int kl_export_gexf(FILE *f, const kl_export_t *x)
{
    exporter_t e;
    dynamics_t dyn;
    int dynamic = 0;
    if (exporter_init(&e, x) < 0)
        return -1;
    if (dynamics_build(&dyn, x, &dynamic) < 0)
        return finish_write(&e, f, -1);
    static const char *const gtypes[] = {"string", "double", "long", "boolean"};
    int rc = 0;
    /* undated graphs keep the static 1.2draft file byte for byte */
    if (dynamic)
        fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                   "<gexf xmlns=\"http://gexf.net/1.3\" xmlns:viz=\"http://gexf.net/1.3/viz\"\n"
                   "      xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
                   "      xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\"\n"
                   "      version=\"1.3\">\n"
                   "  <meta>\n    <creator>kluster</creator>\n    <description>");
    else
        fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                   "<gexf xmlns=\"http://www.gexf.net/1.2draft\" xmlns:viz=\"http://www.gexf.net/1.2draft/viz\"\n"
                   "      xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
                   "      xsi:schemaLocation=\"http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd\"\n"
                   "      version=\"1.2\">\n"
                   "  <meta>\n    <creator>kluster</creator>\n    <description>");
    fxml(f, x->ds->title ? x->ds->title : x->ds->id ? x->ds->id : "");
    fprintf(f, "</description>\n  </meta>\n%s"
               "    <attributes class=\"node\">\n",
            dynamic ? "  <graph mode=\"dynamic\" defaultedgetype=\"undirected\" timeformat=\"date\""
                      " timerepresentation=\"interval\">\n"
                    : "  <graph mode=\"static\" defaultedgetype=\"undirected\">\n");
    for (uint32_t i = 0; i < e.n_cols; i++) {
        fprintf(f, "      <attribute id=\"%u\" title=\"", i);
        fxml(f, e.cols[i].name);
        fprintf(f, "\" type=\"%s\"/>\n", gtypes[e.cols[i].type]);
    }
    fprintf(f, "    </attributes>\n");
    if (x->res)
        fprintf(f, "    <attributes class=\"edge\">\n      <attribute id=\"bridge\" title=\"bridge\" type=\"boolean\"/>\n"
                   "    </attributes>\n");
    double max = 0;
    for (uint32_t v = 0; v < x->g->n; v++)
        if (size_metric(&e, v) > max)
            max = size_metric(&e, v);
    char buf[40];
    fprintf(f, "    <nodes>\n");
    for (uint32_t i = 0; i < x->g->n && rc >= 0; i++) {
        uint32_t v = e.order[i];
        const kl_entity_t *en = &x->ds->entities[x->g->vertex_entity[v]];
        fprintf(f, "      <node id=\"");
        fxml(f, en->id);
        fprintf(f, "\" label=\"");
        fxml(f, en->name);
        fprintf(f, "\">\n        <attvalues>");
        for (uint32_t c = 0; c < e.n_cols; c++) {
            const char *s;
            double num;
            int got = col_value(&e, &e.cols[c], v, &s, &num);
            if (got < 0) {
                rc = -1;
                break;
            }
            if (!got)
                continue;
            fprintf(f, "<attvalue for=\"%u\" value=\"", c);
            fxml(f, s ? s : num_text(&e.cols[c], num, buf));
            fputs("\"/>", f);
        }
        fputs("</attvalues>\n", f);
        if (dynamic && dyn.node_off[v + 1] > dyn.node_off[v]) {
            fputs("        ", f);
            put_spells(f, dyn.node_span + dyn.node_off[v], dyn.node_off[v + 1] - dyn.node_off[v]);
            fputc('\n', f);
        }
        unsigned long rgb = strtoul(kl_viz_region_colour(&e.colours, x->g->vertex_region[v]) + 1, NULL, 16);
        double s = size_metric(&e, v);
        double size = 4.0 + 36.0 * (max > 0 ? sqrt(s / max) : 0);
        fprintf(f, "        <viz:color r=\"%lu\" g=\"%lu\" b=\"%lu\"/>\n"
                   "        <viz:size value=\"%.3f\"/>\n      </node>\n",
                rgb >> 16, (rgb >> 8) & 0xFF, rgb & 0xFF, size);
    }
    fprintf(f, "    </nodes>\n    <edges>\n");
    for (uint32_t i = 0; i < x->g->csr.m && rc >= 0; i++) {
        uint32_t k = e.edges[i], a = x->g->edge_from[k], b = x->g->edge_to[k];
        uint32_t spells = dynamic ? dyn.edge_off[k + 1] - dyn.edge_off[k] : 0;
        if (e.rank[a] > e.rank[b]) {
            uint32_t t = a;
            a = b;
            b = t;
        }
        fprintf(f, "      <edge id=\"%u\" source=\"", i);
        fxml(f, vid(&e, a));
        fprintf(f, "\" target=\"");
        fxml(f, vid(&e, b));
        fprintf(f, "\" weight=\"%s\"", kl_format_real(edge_weight(&e, k), buf));
        if (!x->res && !spells) {
            fputs("/>\n", f);
            continue;
        }
        fputc('>', f);
        if (x->res)
            fprintf(f, "<attvalues><attvalue for=\"bridge\" value=\"%s\"/></attvalues>",
                    x->res->bridge[k] ? "true" : "false");
        if (spells)
            put_spells(f, dyn.edge_span + dyn.edge_off[k], spells);
        fputs("</edge>\n", f);
    }
    fputs("    </edges>\n  </graph>\n</gexf>\n", f);
    dynamics_destroy(&dyn);
    return finish_write(&e, f, rc);
}

/* ------------------------------------------------------------------ GML */

/* A GML real must hold a '.' (NetworkX's tokenizer reads "1e20" as the
 * integer 1 followed by a key): "1e20" becomes "1.0e20". */
static const char *gml_real(double x, char *buf)
{
    kl_format_real(x, buf);
    char *e = strchr(buf, 'e');
    if (e && !strchr(buf, '.')) {
        memmove(e + 2, e, strlen(e) + 1);
        e[0] = '.';
        e[1] = '0';
    }
    return buf;
}

int kl_export_gml(FILE *f, const kl_export_t *x)
{
    exporter_t e;
    if (exporter_init(&e, x) < 0)
        return -1;
    int rc = 0;
    char buf[40];
    fputs("graph [\n  directed 0\n", f);
    for (uint32_t i = 0; i < x->g->n && rc >= 0; i++) {
        uint32_t v = e.order[i];
        /* NetworkX names GML nodes by their label: the id goes there */
        fprintf(f, "  node [\n    id %u\n    label \"", i);
        fgml(f, vid(&e, v));
        fputs("\"\n", f);
        for (uint32_t c = 0; c < e.n_cols; c++) {
            const char *s;
            double num;
            int got = col_value(&e, &e.cols[c], v, &s, &num);
            if (got < 0) {
                rc = -1;
                break;
            }
            if (!got)
                continue;
            fprintf(f, "    %s ", e.cols[c].gml);
            if (s) {
                fputc('"', f);
                fgml(f, s);
                fputs("\"\n", f);
            } else {
                /* GML has no booleans: 1 and 0 */
                fprintf(f, "%s\n", e.cols[c].type == T_BOOL  ? (num != 0 ? "1" : "0")
                                   : e.cols[c].type == T_REAL ? gml_real(num, buf)
                                                              : num_text(&e.cols[c], num, buf));
            }
        }
        fputs("  ]\n", f);
    }
    for (uint32_t i = 0; i < x->g->csr.m && rc >= 0; i++) {
        uint32_t k = e.edges[i], a = e.rank[x->g->edge_from[k]], b = e.rank[x->g->edge_to[k]];
        fprintf(f, "  edge [\n    source %u\n    target %u\n    weight %s\n", a < b ? a : b, a < b ? b : a,
                gml_real(edge_weight(&e, k), buf));
        if (x->res)
            fprintf(f, "    bridge %d\n", x->res->bridge[k] ? 1 : 0);
        fputs("  ]\n", f);
    }
    fputs("]\n", f);
    return finish_write(&e, f, rc);
}

/* ---------------------------------------------------------------- Pajek */

int kl_export_pajek(FILE *f, const kl_export_t *x)
{
    exporter_t e;
    if (exporter_init(&e, x) < 0)
        return -1;
    char buf[40];
    sink_t k = {f, NULL, 0, 0};
    fprintf(f, "*Vertices %u\n", x->g->n);
    for (uint32_t i = 0; i < x->g->n; i++) {
        fprintf(f, "%u \"", i + 1);
        pajek_escape(&k, vid(&e, e.order[i]));
        fputs("\"\n", f);
    }
    fputs("*Edges\n", f);
    for (uint32_t i = 0; i < x->g->csr.m; i++) {
        uint32_t q = e.edges[i], a = e.rank[x->g->edge_from[q]] + 1, b = e.rank[x->g->edge_to[q]] + 1;
        fprintf(f, "%u %u %s\n", a < b ? a : b, a < b ? b : a, kl_format_real(edge_weight(&e, q), buf));
    }
    return finish_write(&e, f, 0);
}

/* ------------------------------------------------------------------ CSV */

/* One CSV cell; *oom set when a long cell cannot be escaped. */
static void csv_cell(FILE *f, const char *s, int *oom)
{
    if (kl_write_escaped(f, kl_csv_escape, s) < 0)
        *oom = -1;
}

/* The CSV writers' rows, shared by the CSV pair and the partitioned export:
 * a header, then one row per vertex or edge.  They leave *rc negative when
 * out of memory. */
static void csv_node_header(FILE *f, const exporter_t *e, int *rc)
{
    fputs("id", f);
    for (uint32_t c = 0; c < e->n_cols; c++) {
        fputc(',', f);
        csv_cell(f, e->cols[c].name, rc);
    }
    fputc('\n', f);
}

static void csv_node_row(FILE *f, exporter_t *e, uint32_t v, int *rc)
{
    char buf[40];
    csv_cell(f, vid(e, v), rc);
    for (uint32_t c = 0; c < e->n_cols; c++) {
        const char *s;
        double num;
        int got = col_value(e, &e->cols[c], v, &s, &num);
        if (got < 0) {
            *rc = -1;
            break;
        }
        fputc(',', f);
        if (got && s)
            csv_cell(f, s, rc);
        else if (got)
            fputs(num_text(&e->cols[c], num, buf), f);
    }
    fputc('\n', f);
}

/* src and dst name the two end columns ("source,target" in the CSV pair,
 * "src,dst" where GraphFrames reads them) */
static void csv_edge_header(FILE *f, const exporter_t *e, const char *src, const char *dst)
{
    fprintf(f, "%s,%s,weight%s\n", src, dst, e->x->res ? ",bridge" : "");
}

/* Edge k with its end of the lower id first. */
static void csv_edge_row(FILE *f, exporter_t *e, uint32_t k, int *rc)
{
    char buf[40];
    uint32_t a = e->x->g->edge_from[k], b = e->x->g->edge_to[k];
    if (e->rank[a] > e->rank[b]) {
        uint32_t t = a;
        a = b;
        b = t;
    }
    csv_cell(f, vid(e, a), rc);
    fputc(',', f);
    csv_cell(f, vid(e, b), rc);
    fprintf(f, ",%s", kl_format_real(edge_weight(e, k), buf));
    if (e->x->res)
        fprintf(f, ",%s", e->x->res->bridge[k] ? "true" : "false");
    fputc('\n', f);
}

int kl_export_csv_nodes(FILE *f, const kl_export_t *x)
{
    exporter_t e;
    if (exporter_init(&e, x) < 0)
        return -1;
    int rc = 0;
    csv_node_header(f, &e, &rc);
    for (uint32_t i = 0; i < x->g->n && rc >= 0; i++)
        csv_node_row(f, &e, e.order[i], &rc);
    return finish_write(&e, f, rc);
}

int kl_export_csv_edges(FILE *f, const kl_export_t *x)
{
    exporter_t e;
    if (exporter_init(&e, x) < 0)
        return -1;
    int rc = 0;
    csv_edge_header(f, &e, "source", "target");
    for (uint32_t i = 0; i < x->g->csr.m && rc >= 0; i++)
        csv_edge_row(f, &e, e.edges[i], &rc);
    return finish_write(&e, f, rc);
}

/* ------------------------------------------------------ partitioned CSV */

uint64_t kl_export_fnv1a64(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        h ^= *p;
        h *= 0x100000001b3ull;
    }
    return h;
}

/* Items (vertices or edges, already in output order) bucketed by part with
 * a stable counting sort, so each part keeps the order: items[off[p] ..
 * off[p+1]) are part p's. */
typedef struct {
    uint32_t *items;
    uint32_t *off; /* parts + 1 */
} buckets_t;

static int bucket(buckets_t *b, const uint32_t *in, uint32_t count, const uint32_t *part_of, uint32_t parts)
{
    b->items = malloc(((size_t)count + 1) * sizeof *b->items);
    b->off = calloc((size_t)parts + 2, sizeof *b->off);
    uint32_t *fill = calloc((size_t)parts + 1, sizeof *fill);
    if (!b->items || !b->off || !fill) {
        free(fill);
        return -1;
    }
    for (uint32_t i = 0; i < count; i++)
        b->off[part_of[in[i]] + 1]++;
    for (uint32_t p = 0; p < parts; p++)
        b->off[p + 1] += b->off[p];
    for (uint32_t i = 0; i < count; i++) {
        uint32_t p = part_of[in[i]];
        b->items[b->off[p] + fill[p]++] = in[i];
    }
    free(fill);
    return 0;
}

/* Finish a file of the partitioned export: check for write errors, close,
 * and on failure copy its path into failed with errno set.  f NULL: fopen
 * failed (errno tells why); rc < 0: the writer ran out of memory. */
static int finish_file(FILE *f, int rc, const char *path, char *failed, size_t failed_size)
{
    int err = errno;
    if (f) {
        err = 0;
        if (rc < 0)
            err = ENOMEM;
        else if (ferror(f) || fflush(f) != 0)
            err = errno ? errno : EIO, rc = -1;
        if (fclose(f) != 0 && rc == 0)
            err = errno ? errno : EIO, rc = -1;
    } else {
        rc = -1;
    }
    if (rc < 0) {
        snprintf(failed, failed_size, "%s", path);
        errno = err ? err : EIO;
    }
    return rc;
}

/* Write one part file, DIR/SUB/part-NNNNN.csv.  On failure the path is
 * copied into failed. */
static int write_part(exporter_t *e, const char *dir, const char *sub, uint32_t p, const buckets_t *b, int edges,
                      char *failed, size_t failed_size)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s/part-%05u.csv", dir, sub, p);
    FILE *f = fopen(path, "w");
    int rc = 0;
    if (f) {
        errno = 0;
        if (edges)
            csv_edge_header(f, e, "src", "dst");
        else
            csv_node_header(f, e, &rc);
        for (uint32_t i = b->off[p]; i < b->off[p + 1] && rc >= 0; i++) {
            if (edges)
                csv_edge_row(f, e, b->items[i], &rc);
            else
                csv_node_row(f, e, b->items[i], &rc);
        }
    }
    return finish_file(f, rc, path, failed, failed_size);
}

/* _manifest.json: the layout, the rule that assigned the rows and the rows
 * of every part, so a reader can check that it got them all. */
static int write_manifest(exporter_t *e, const char *dir, uint32_t parts, const buckets_t *vb, const buckets_t *eb,
                          char *failed, size_t failed_size)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/_manifest.json", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return finish_file(NULL, -1, path, failed, failed_size);
    const kl_export_t *x = e->x;
    errno = 0;
    fprintf(f, "{\"format\": \"" KL_PARTITIONS_FORMAT "\",\n \"dataset\": ");
    fjson(f, x->ds->id ? x->ds->id : "dataset");
    fprintf(f, ",\n \"mode\": \"%s\",\n \"metrics\": %s,\n \"partitions\": %u,\n"
               " \"hash\": \"fnv1a-64\",\n"
               " \"vertex_partition\": \"fnv1a-64(id) mod partitions\",\n"
               " \"edge_partition\": \"fnv1a-64(src) mod partitions\",\n"
               " \"edge_order\": \"src < dst in byte order of the ids; each undirected tie once\",\n",
            x->g->options.mode == KL_MODE_ORGANISATIONS ? "organisations" : "full", x->res ? "true" : "false",
            parts);
    for (int edges = 0; edges < 2; edges++) {
        const buckets_t *b = edges ? eb : vb;
        fprintf(f, " \"%s\": {\"rows\": %u, \"columns\": [", edges ? "edges" : "vertices", b->off[parts]);
        if (edges) {
            fputs(x->res ? "\"src\", \"dst\", \"weight\", \"bridge\"" : "\"src\", \"dst\", \"weight\"", f);
        } else {
            fputs("\"id\"", f);
            for (uint32_t c = 0; c < e->n_cols; c++) {
                fputs(", ", f);
                fjson(f, e->cols[c].name);
            }
        }
        fputs("],\n  \"parts\": [", f);
        for (uint32_t p = 0; p < parts; p++)
            fprintf(f, "%s{\"file\": \"%s/part-%05u.csv\", \"rows\": %u}", p ? ",\n            " : "",
                    edges ? "edges" : "vertices", p, b->off[p + 1] - b->off[p]);
        fprintf(f, "]}%s\n", edges ? "" : ",");
    }
    fputs("}\n", f);
    return finish_file(f, 0, path, failed, failed_size);
}

/* An empty file, as Spark marks a complete output folder. */
static int write_success(const char *dir, const char *sub, char *failed, size_t failed_size)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s/_SUCCESS", dir, sub);
    return finish_file(fopen(path, "w"), 0, path, failed, failed_size);
}

int kl_export_partitions(const char *dir, uint32_t parts, const kl_export_t *x, char *failed, size_t failed_size)
{
    exporter_t e;
    buckets_t vb = {0}, eb = {0};
    uint32_t *vpart = NULL, *epart = NULL;
    int rc = -1;
    snprintf(failed, failed_size, "%s", dir);
    if (parts == 0 || parts > KL_PARTITIONS_MAX) {
        errno = EINVAL;
        return -1;
    }
    if (exporter_init(&e, x) < 0)
        return -1;
    const kl_agraph_t *g = x->g;
    vpart = malloc(((size_t)g->n + 1) * sizeof *vpart);
    epart = malloc(((size_t)g->csr.m + 1) * sizeof *epart);
    if (!vpart || !epart)
        goto oom;
    for (uint32_t v = 0; v < g->n; v++)
        vpart[v] = (uint32_t)(kl_export_fnv1a64(vid(&e, v)) % parts);
    /* an edge goes with its src (the end with the lower id), so the part
     * that holds a vertex also holds the ties written from it */
    for (uint32_t k = 0; k < g->csr.m; k++) {
        uint32_t a = g->edge_from[k], b = g->edge_to[k];
        epart[k] = vpart[e.rank[a] < e.rank[b] ? a : b];
    }
    if (bucket(&vb, e.order, g->n, vpart, parts) < 0 || bucket(&eb, e.edges, g->csr.m, epart, parts) < 0)
        goto oom;
    static const char *const subs[2] = {"vertices", "edges"};
    for (int s = 0; s < 2; s++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", dir, subs[s]);
        if (mkdir(path, 0777) != 0) {
            snprintf(failed, failed_size, "%s", path);
            goto cleanup;
        }
        for (uint32_t p = 0; p < parts; p++)
            if (write_part(&e, dir, subs[s], p, s ? &eb : &vb, s, failed, failed_size) < 0)
                goto cleanup;
        if (write_success(dir, subs[s], failed, failed_size) < 0)
            goto cleanup;
    }
    if (write_manifest(&e, dir, parts, &vb, &eb, failed, failed_size) < 0)
        goto cleanup;
    rc = 0;
    goto cleanup;
oom:
    errno = ENOMEM;
cleanup:;
    int err = errno;
    exporter_destroy(&e);
    free(vpart);
    free(epart);
    free(vb.items);
    free(vb.off);
    free(eb.items);
    free(eb.off);
    errno = err;
    return rc;
}

/* ------------------------------------------------------------- extracts */

/* Attributes grouped by owner: owners of one kind, offsets into idx. */
typedef struct {
    uint32_t *offset; /* count + 1 */
    uint32_t *idx;
} attr_index_t;

static int attr_index(attr_index_t *ai, const kl_dataset_t *ds, kl_owner kind, uint32_t count)
{
    ai->offset = calloc((size_t)count + 2, sizeof *ai->offset);
    ai->idx = malloc(((size_t)ds->n_attrs + 1) * sizeof *ai->idx);
    if (!ai->offset || !ai->idx)
        return -1;
    for (uint32_t a = 0; a < ds->n_attrs; a++)
        if (ds->attrs[a].owner_kind == kind && ds->attrs[a].owner < count)
            ai->offset[ds->attrs[a].owner + 1]++;
    for (uint32_t i = 0; i < count; i++)
        ai->offset[i + 1] += ai->offset[i];
    uint32_t *fill = calloc((size_t)count + 1, sizeof *fill);
    if (!fill)
        return -1;
    /* counting sort keeps file order within one owner: the first value wins */
    for (uint32_t a = 0; a < ds->n_attrs; a++)
        if (ds->attrs[a].owner_kind == kind && ds->attrs[a].owner < count) {
            uint32_t o = ds->attrs[a].owner;
            ai->idx[ai->offset[o] + fill[o]++] = a;
        }
    free(fill);
    return 0;
}

static void attr_index_destroy(attr_index_t *ai)
{
    free(ai->offset);
    free(ai->idx);
}

static void put_attrs(FILE *f, const kl_dataset_t *ds, const attr_index_t *ai, uint32_t owner)
{
    for (uint32_t i = ai->offset[owner]; i < ai->offset[owner + 1]; i++) {
        const kl_attr_t *a = &ds->attrs[ai->idx[i]];
        int dup = 0;
        for (uint32_t j = ai->offset[owner]; j < i && !dup; j++)
            dup = ds->attrs[ai->idx[j]].key == a->key;
        if (dup)
            continue;
        fputc(',', f);
        fjson(f, a->key);
        fputc(':', f);
        fputs(a->value_json, f);
    }
}

static void put_str(FILE *f, const char *key, const char *value)
{
    if (!value)
        return;
    fprintf(f, ",\"%s\":", key);
    fjson(f, value);
}

static void put_real(FILE *f, const char *key, double x)
{
    char buf[40];
    if (isnan(x))
        return;
    fprintf(f, ",\"%s\":%s", key, kl_format_real(x, buf));
}

static void put_date(FILE *f, const char *key, int32_t d)
{
    if (d == KL_DATE_MIN || d == KL_DATE_MAX)
        return;
    fprintf(f, ",\"%s\":\"%04d-%02d-%02d\"", key, (int)(d / 10000), (int)(d / 100 % 100), (int)(d % 100));
}

int kl_export_extract(FILE *f, const kl_dataset_t *ds, int ndjson, int parts)
{
    attr_index_t ae = {0}, ar = {0}, ag = {0}, as = {0}, ad = {0};
    uint32_t *alias_off = calloc((size_t)ds->n_entities + 2, sizeof *alias_off);
    uint32_t *alias_idx = malloc(((size_t)ds->n_aliases + 1) * sizeof *alias_idx);
    uint32_t *fill = calloc((size_t)ds->n_entities + 1, sizeof *fill);
    int rc = 0;
    if (!alias_off || !alias_idx || !fill || attr_index(&ae, ds, KL_OWNER_ENTITY, ds->n_entities) ||
        attr_index(&ar, ds, KL_OWNER_RELATION, ds->n_relations) || attr_index(&ag, ds, KL_OWNER_REGION, ds->n_regions) ||
        attr_index(&as, ds, KL_OWNER_SOURCE, ds->n_sources) || attr_index(&ad, ds, KL_OWNER_DATASET, 1)) {
        rc = -1;
        errno = ENOMEM;
        goto cleanup;
    }
    for (uint32_t i = 0; i < ds->n_aliases; i++)
        alias_off[ds->aliases[i].entity + 1]++;
    for (uint32_t i = 0; i < ds->n_entities; i++)
        alias_off[i + 1] += alias_off[i];
    for (uint32_t i = 0; i < ds->n_aliases; i++) {
        uint32_t en = ds->aliases[i].entity;
        alias_idx[alias_off[en] + fill[en]++] = i;
    }
    /* Each record starts with a key so the ",key:value" helpers can follow;
     * in NDJSON that key is "record", in JSON it is "id" (or "source"). */
    const char *sep = ndjson ? "\n" : ",\n";
    if (!ndjson) {
        fputs("{\"format\":\"collab-extract/1\"", f);
        if (parts & KL_EXTRACT_HEADER) {
            fputs(",\n\"dataset\":{\"id\":", f);
            fjson(f, ds->id ? ds->id : "dataset");
            put_str(f, "title", ds->title);
            put_attrs(f, ds, &ad, 0);
            fputc('}', f);
        }
    }
    if (parts & KL_EXTRACT_HEADER) {
        if (!ndjson)
            fputs(",\n\"sources\":[\n", f);
        for (uint32_t i = 0; i < ds->n_sources; i++) {
            const kl_source_t *s = &ds->sources[i];
            fputs(i && !ndjson ? sep : "", f);
            fputs(ndjson ? "{\"record\":\"source\",\"id\":" : "{\"id\":", f);
            fjson(f, s->id);
            put_str(f, "title", s->title);
            put_str(f, "url", s->url);
            put_str(f, "date", s->date);
            put_attrs(f, ds, &as, i);
            fputs(ndjson ? "}\n" : "}", f);
        }
        if (!ndjson)
            fputs("],\n\"regions\":[\n", f);
        for (uint32_t i = 0; i < ds->n_regions; i++) {
            const kl_region_t *g = &ds->regions[i];
            fputs(i && !ndjson ? sep : "", f);
            fputs(ndjson ? "{\"record\":\"region\",\"id\":" : "{\"id\":", f);
            fjson(f, g->id);
            if (g->name != g->id)
                put_str(f, "name", g->name);
            put_str(f, "level", g->level);
            put_str(f, "parent", g->parent);
            put_real(f, "lat", g->lat);
            put_real(f, "lon", g->lon);
            put_attrs(f, ds, &ag, i);
            fputs(ndjson ? "}\n" : "}", f);
        }
        if (!ndjson)
            fputs("]", f);
    }
    if (!ndjson)
        fputs(",\n\"entities\":[\n", f);
    for (uint32_t i = 0; (parts & KL_EXTRACT_RECORDS) && i < ds->n_entities; i++) {
        const kl_entity_t *en = &ds->entities[i];
        fputs(i && !ndjson ? sep : "", f);
        fputs(ndjson ? "{\"record\":\"entity\",\"id\":" : "{\"id\":", f);
        fjson(f, en->id);
        put_str(f, "kind", kl_kind_name(en->kind));
        put_str(f, "name", en->name);
        if (alias_off[i + 1] > alias_off[i]) {
            fputs(",\"aliases\":[", f);
            for (uint32_t k = alias_off[i]; k < alias_off[i + 1]; k++) {
                fputs(k > alias_off[i] ? "," : "", f);
                fjson(f, ds->aliases[alias_idx[k]].alias);
            }
            fputc(']', f);
        }
        put_str(f, "region", en->region >= 0 ? ds->regions[en->region].id : NULL);
        put_str(f, "type", en->type);
        put_str(f, "country", en->country);
        put_date(f, "start", en->start);
        put_date(f, "end", en->end);
        put_real(f, "lat", en->lat);
        put_real(f, "lon", en->lon);
        put_attrs(f, ds, &ae, i);
        fputs(ndjson ? "}\n" : "}", f);
    }
    if (!ndjson)
        fputs("],\n\"relations\":[\n", f);
    for (uint32_t i = 0; (parts & KL_EXTRACT_RECORDS) && i < ds->n_relations; i++) {
        const kl_relation_t *r = &ds->relations[i];
        fputs(i && !ndjson ? sep : "", f);
        fputs(ndjson ? "{\"record\":\"relation\",\"source\":" : "{\"source\":", f);
        fjson(f, ds->entities[r->source].id);
        put_str(f, "target", ds->entities[r->target].id);
        put_str(f, "type", r->type);
        put_str(f, "role", r->role);
        if (r->weight != 1)
            put_real(f, "weight", r->weight);
        put_real(f, "amount", r->amount);
        put_str(f, "currency", r->currency);
        put_date(f, "start", r->start);
        put_date(f, "end", r->end);
        if (r->evidence_count) {
            fputs(",\"evidence\":[", f);
            for (uint32_t k = 0; k < r->evidence_count; k++) {
                const kl_evidence_t *ev = &ds->evidence[r->evidence_first + k];
                fputs(k ? ",{\"source\":" : "{\"source\":", f);
                fjson(f, ev->source_id);
                put_str(f, "quote", ev->quote);
                fputc('}', f);
            }
            fputc(']', f);
        }
        put_attrs(f, ds, &ar, i);
        fputs(ndjson ? "}\n" : "}", f);
    }
    if (!ndjson)
        fputs("]}\n", f);
    if (ferror(f)) {
        rc = -1;
        if (!errno)
            errno = EIO;
    }
cleanup:
    free(alias_off);
    free(alias_idx);
    free(fill);
    attr_index_destroy(&ae);
    attr_index_destroy(&ar);
    attr_index_destroy(&ag);
    attr_index_destroy(&as);
    attr_index_destroy(&ad);
    return rc;
}
