/* cli/output.c - the writers of `kluster analyze`: kluster-analysis/1 JSON
 * (jansson), CSV and a Markdown summary, plus atomic output files. */
#include "output.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define JSON_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(17) | JSON_ENCODE_ANY)

/* ------------------------------------------------------------ escaping */

static void put(char *out, size_t size, size_t at, char c)
{
    if (at + 1 < size)
        out[at] = c;
}

static size_t finish(char *out, size_t size, size_t len)
{
    if (size)
        out[len < size ? len : size - 1] = '\0';
    return len;
}

size_t kl_csv_escape(const char *s, char *out, size_t size)
{
    size_t len = 0;
    int quote = strpbrk(s, ",\"\r\n") != NULL;
    int prefix = s[0] && strchr("=+-@\t\r", s[0]) != NULL;
    if (quote)
        put(out, size, len++, '"');
    if (prefix)
        put(out, size, len++, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            put(out, size, len++, '"');
        put(out, size, len++, *p);
    }
    if (quote)
        put(out, size, len++, '"');
    return finish(out, size, len);
}

size_t kl_md_escape(const char *s, char *out, size_t size)
{
    size_t len = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f) {
            put(out, size, len++, ' ');
            continue;
        }
        if (strchr("\\`*_[]<>|~&", *p))
            put(out, size, len++, '\\');
        put(out, size, len++, (char)*p);
    }
    return finish(out, size, len);
}

const char *kl_format_real(double x, char *buf)
{
    if (!isfinite(x)) {
        strcpy(buf, "null");
        return buf;
    }
    int n = snprintf(buf, 32, "%.17g", x);
    if (n > 0 && n < 29 && strspn(buf, "0123456789-") == (size_t)n)
        strcpy(buf + n, ".0");
    return buf;
}

/* ---------------------------------------------------------- shared bits */

static const char *mode_name(kl_mode m)
{
    return m == KL_MODE_ORGANISATIONS ? "organisations" : "full";
}

static void format_date(int32_t d, char *buf, size_t size)
{
    snprintf(buf, size, "%04d-%02d-%02d", (int)(d / 10000), (int)(d / 100 % 100), (int)(d % 100));
}

static const char *region_id(const kl_report_t *r, uint32_t v)
{
    int32_t reg = r->g->vertex_region[v];
    return reg >= 0 ? r->ds->regions[reg].id : NULL;
}

static const kl_entity_t *entity(const kl_report_t *r, uint32_t v)
{
    return &r->ds->entities[r->g->vertex_entity[v]];
}

/* ---------------------------------------------------------------- JSON */

static json_t *jreal(double x)
{
    return isfinite(x) ? json_real(x) : json_null();
}

static json_t *jstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* Set key to value (stolen); records an allocation failure in *ok. */
static void jset(json_t *obj, const char *key, json_t *value, int *ok)
{
    if (!value || json_object_set_new(obj, key, value) != 0)
        *ok = 0;
}

static json_t *dataset_json(const kl_report_t *r)
{
    const kl_dataset_t *ds = r->ds;
    json_t *o = json_object();
    int ok = o != NULL;
    if (!ok)
        return NULL;
    jset(o, "id", jstr(ds->id), &ok);
    jset(o, "title", jstr(ds->title), &ok);
    jset(o, "path", jstr(r->dataset_path), &ok);
    jset(o, "files", json_integer(ds->n_files), &ok);
    jset(o, "entities", json_integer(ds->n_entities), &ok);
    jset(o, "relations", json_integer(ds->n_relations), &ok);
    jset(o, "regions", json_integer(ds->n_regions), &ok);
    jset(o, "sources", json_integer(ds->n_sources), &ok);
    jset(o, "warnings", json_integer(ds->n_warnings), &ok);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *graph_json(const kl_report_t *r)
{
    const kl_analysis_t *a = r->res;
    const kl_graph_options_t *go = &r->g->options;
    json_t *o = json_object(), *x;
    int ok = o != NULL;
    char buf[32];
    if (!ok)
        return NULL;
    jset(o, "nodes", json_integer(a->n), &ok);
    jset(o, "edges", json_integer(a->m), &ok);
    jset(o, "components", json_integer(a->components), &ok);
    jset(o, "largest_component", json_integer(a->largest_component), &ok);
    jset(o, "isolated", json_integer(a->isolated), &ok);
    jset(o, "bridges", json_integer(a->bridges), &ok);
    jset(o, "articulation_points", json_integer(a->articulation_points), &ok);
    jset(o, "biconnected_components", json_integer(a->biconnected_components), &ok);
    jset(o, "modularity", jreal(a->modularity), &ok);
    jset(o, "communities", json_integer(a->communities), &ok);
    jset(o, "community_method",
         json_string(a->options.communities == KL_COMMUNITIES_LOUVAIN ? "louvain" : "leiden"), &ok);
    jset(o, "seed", json_integer((json_int_t)a->options.seed), &ok);
    jset(o, "nmi_regions", jreal(a->nmi_regions), &ok);
    jset(o, "ari_regions", jreal(a->ari_regions), &ok);
    jset(o, "mode", json_string(mode_name(go->mode)), &ok);
    jset(o, "weighted_paths", json_boolean(a->options.weighted), &ok);

    /* tie types and excluded kinds: null when not narrowed */
    if (go->tie_types) {
        x = json_array();
        for (int t = 0; x && t <= KL_REL_OTHER; t++)
            if (go->tie_types & (1u << t))
                if (json_array_append_new(x, json_string(t == KL_REL_OTHER ? "other" : kl_reltype_name((kl_reltype)t))))
                    ok = 0;
    } else {
        x = json_null();
    }
    jset(o, "ties", x, &ok);
    if (go->exclude_kinds) {
        x = json_array();
        for (int k = 0; x && k < KL_KIND_COUNT; k++)
            if (go->exclude_kinds & (1u << k))
                if (json_array_append_new(x, json_string(kl_kind_name((kl_kind)k))))
                    ok = 0;
    } else {
        x = json_null();
    }
    jset(o, "excluded_kinds", x, &ok);

    if (go->from != KL_DATE_MIN || go->to != KL_DATE_MAX) {
        x = json_object();
        if (x) {
            if (go->from != KL_DATE_MIN)
                format_date(go->from, buf, sizeof buf);
            jset(x, "from", go->from != KL_DATE_MIN ? json_string(buf) : json_null(), &ok);
            if (go->to != KL_DATE_MAX)
                format_date(go->to, buf, sizeof buf);
            jset(x, "to", go->to != KL_DATE_MAX ? json_string(buf) : json_null(), &ok);
        }
    } else {
        x = json_null();
    }
    jset(o, "window", x, &ok);

    if (a->options.samples > 0) {
        x = json_object();
        if (x) {
            jset(x, "method", json_string("sources"), &ok);
            jset(x, "samples", json_integer(a->options.samples), &ok);
        }
    } else {
        x = json_null();
    }
    jset(o, "sampled", x, &ok);
    jset(o, "cross_region_pairs", jreal(a->region_pairs), &ok);
    if (a->dominant_actor >= 0) {
        x = json_object();
        if (x) {
            jset(x, "id", json_string(entity(r, (uint32_t)a->dominant_actor)->id), &ok);
            jset(x, "irb_share", jreal(a->irb_share[a->dominant_actor]), &ok);
        }
    } else {
        x = json_null();
    }
    jset(o, "dominant_actor", x, &ok);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* One actor object reused for every actor: the keys are set once, values
 * are updated in place (json_real_set and friends), and the object is dumped
 * into one growing buffer.  A nullable number switches between its own real
 * and the null singleton.  This avoids ~20 allocations per actor. */
enum { F_ID, F_NAME, F_KIND, F_REGION, F_DEGREE, F_STRENGTH, F_BETWEENNESS, F_BETWEENNESS_SE, F_HARMONIC,
       F_EIGENVECTOR, F_PAGERANK, F_CORENESS, F_CONSTRAINT, F_EFFECTIVE_SIZE, F_ARTICULATION, F_COMPONENT,
       F_COMMUNITY, F_IRB, F_IRB_SHARE, F_COUNT };

static const char *const actor_keys[F_COUNT] = {
    "id", "name", "kind", "region", "degree", "strength", "betweenness", "betweenness_se", "harmonic",
    "eigenvector", "pagerank", "coreness", "constraint", "effective_size", "articulation", "component",
    "community", "irb", "irb_share"};

typedef struct {
    json_t *obj;
    json_t *value[F_COUNT]; /* our own reference to each field's value object */
    char *buf;
    size_t cap;
} actor_writer_t;

static void actor_writer_free(actor_writer_t *w)
{
    json_decref(w->obj);
    for (int k = 0; k < F_COUNT; k++)
        json_decref(w->value[k]);
    free(w->buf);
    memset(w, 0, sizeof *w);
}

static int actor_writer_init(actor_writer_t *w, int with_se)
{
    memset(w, 0, sizeof *w);
    w->obj = json_object();
    int ok = w->obj != NULL;
    for (int k = 0; ok && k < F_COUNT; k++) {
        if (k == F_BETWEENNESS_SE && !with_se)
            continue;
        if (k <= F_REGION)
            w->value[k] = json_string("");
        else if (k == F_DEGREE || k == F_CORENESS || k == F_COMPONENT || k == F_COMMUNITY)
            w->value[k] = json_integer(0);
        else if (k == F_ARTICULATION)
            w->value[k] = json_false();
        else
            w->value[k] = json_real(0);
        /* json_object_set takes its own reference: value[k] stays ours */
        if (!w->value[k] || json_object_set(w->obj, actor_keys[k], w->value[k]) != 0)
            ok = 0;
    }
    if (!ok)
        actor_writer_free(w);
    return ok ? 0 : -1;
}

/* Point field k at its string value (or null). */
static int set_str(actor_writer_t *w, int k, const char *s)
{
    if (!s)
        return json_object_set(w->obj, actor_keys[k], json_null());
    if (json_string_set(w->value[k], s) != 0)
        return -1;
    return json_object_set(w->obj, actor_keys[k], w->value[k]);
}

static int set_real(actor_writer_t *w, int k, double x)
{
    if (!isfinite(x))
        return json_object_set(w->obj, actor_keys[k], json_null());
    json_real_set(w->value[k], x);
    return json_object_set(w->obj, actor_keys[k], w->value[k]);
}

static void set_int(actor_writer_t *w, int k, json_int_t x)
{
    json_integer_set(w->value[k], x);
}

/* Dump the actor of vertex v to f; -1 on failure (errno set). */
static int actor_write(actor_writer_t *w, const kl_report_t *r, uint32_t v, FILE *f)
{
    const kl_analysis_t *a = r->res;
    const kl_entity_t *e = entity(r, v);
    int bad = 0;
    bad |= set_str(w, F_ID, e->id);
    bad |= set_str(w, F_NAME, e->name);
    bad |= set_str(w, F_KIND, kl_kind_name(e->kind));
    bad |= set_str(w, F_REGION, region_id(r, v));
    set_int(w, F_DEGREE, a->degree[v]);
    bad |= set_real(w, F_STRENGTH, a->strength[v]);
    bad |= set_real(w, F_BETWEENNESS, a->betweenness[v]);
    if (a->betweenness_se)
        bad |= set_real(w, F_BETWEENNESS_SE, a->betweenness_se[v]);
    bad |= set_real(w, F_HARMONIC, a->harmonic[v]);
    bad |= set_real(w, F_EIGENVECTOR, a->eigenvector[v]);
    bad |= set_real(w, F_PAGERANK, a->pagerank[v]);
    set_int(w, F_CORENESS, a->coreness[v]);
    bad |= set_real(w, F_CONSTRAINT, a->constraint[v]);
    bad |= set_real(w, F_EFFECTIVE_SIZE, a->effective_size[v]);
    bad |= json_object_set(w->obj, actor_keys[F_ARTICULATION], a->articulation[v] ? json_true() : json_false());
    set_int(w, F_COMPONENT, a->component[v]);
    set_int(w, F_COMMUNITY, a->community[v]);
    bad |= set_real(w, F_IRB, a->irb[v]);
    bad |= set_real(w, F_IRB_SHARE, a->irb_share[v]);
    if (bad) {
        errno = ENOMEM; /* json_string_set refuses invalid UTF-8 too: loaders let none through */
        return -1;
    }
    size_t len = json_dumpb(w->obj, w->buf, w->cap, JSON_FLAGS);
    if (len == 0) {
        errno = ENOMEM;
        return -1;
    }
    if (len > w->cap) {
        size_t cap = len * 2;
        char *nb = realloc(w->buf, cap);
        if (!nb) {
            errno = ENOMEM;
            return -1;
        }
        w->buf = nb;
        w->cap = cap;
        len = json_dumpb(w->obj, w->buf, w->cap, JSON_FLAGS);
    }
    return fwrite(w->buf, 1, len, f) == len ? 0 : -1;
}

/* Dump one value compactly; -1 on failure (errno set). */
static int dump(FILE *f, json_t *value)
{
    if (!value) {
        errno = ENOMEM;
        return -1;
    }
    int rc = json_dumpf(value, f, JSON_FLAGS);
    json_decref(value);
    if (rc != 0 && !errno)
        errno = EIO;
    return rc == 0 && !ferror(f) ? 0 : -1;
}

/* JSON text of every actor id, for the edge lists (computed once). */
static char **encode_ids(const kl_report_t *r)
{
    uint32_t n = r->g->n;
    char **ids = calloc((size_t)n + 1, sizeof *ids);
    if (!ids)
        return NULL;
    for (uint32_t v = 0; v < n; v++) {
        json_t *s = json_string(entity(r, v)->id);
        ids[v] = s ? json_dumps(s, JSON_FLAGS) : NULL;
        json_decref(s);
        if (!ids[v]) {
            for (uint32_t k = 0; k < v; k++)
                free(ids[k]);
            free(ids);
            return NULL;
        }
    }
    return ids;
}

/* Ends of edge e, the one with the smaller actor id first. */
static void edge_ends(const kl_report_t *r, uint32_t e, uint32_t *a, uint32_t *b)
{
    uint32_t u = r->g->edge_from[e], v = r->g->edge_to[e];
    if (r->res->rank[u] < r->res->rank[v]) {
        *a = u;
        *b = v;
    } else {
        *a = v;
        *b = u;
    }
}

int kl_write_json(FILE *f, const kl_report_t *r)
{
    const kl_analysis_t *a = r->res;
    char **ids = encode_ids(r);
    char num[40];
    int rc = -1;
    actor_writer_t aw;
    memset(&aw, 0, sizeof aw);
    if (!ids) {
        errno = ENOMEM;
        return -1;
    }
    fputs("{\"format\":\"" KL_ANALYSIS_FORMAT "\",\n\"dataset\":", f);
    if (dump(f, dataset_json(r)) < 0)
        goto cleanup;
    fputs(",\n\"graph\":", f);
    if (dump(f, graph_json(r)) < 0)
        goto cleanup;
    fputs(",\n\"actors\":[", f);
    if (actor_writer_init(&aw, a->betweenness_se != NULL) < 0) {
        errno = ENOMEM;
        goto cleanup;
    }
    for (uint32_t i = 0; i < a->n; i++) {
        fputs(i ? ",\n" : "\n", f);
        if (actor_write(&aw, r, a->order[i], f) < 0)
            goto cleanup;
    }
    fputs("\n],\n\"bridges\":[", f);
    uint32_t nb = 0;
    for (uint32_t i = 0; i < a->m; i++) {
        uint32_t e = a->edge_order[i], u, v;
        if (!a->bridge[e])
            continue;
        edge_ends(r, e, &u, &v);
        fprintf(f, "%s[%s,%s]", nb++ ? ",\n" : "\n", ids[u], ids[v]);
    }
    fputs(nb ? "\n],\n\"ties\":[" : "],\n\"ties\":[", f);
    for (uint32_t i = 0; i < a->m; i++) {
        uint32_t e = a->edge_order[i], u, v;
        edge_ends(r, e, &u, &v);
        fprintf(f, "%s[%s,%s,%s]", i ? ",\n" : "\n", ids[u], ids[v],
                kl_format_real(VECTOR(r->g->weights)[e], num));
        if (ferror(f))
            goto cleanup;
    }
    fputs(a->m ? "\n],\n\"warnings\":[" : "],\n\"warnings\":[", f);
    for (uint32_t i = 0; i < r->ds->n_warnings; i++) {
        fputs(i ? ",\n" : "\n", f);
        if (dump(f, json_string(r->ds->warnings[i].text)) < 0)
            goto cleanup;
    }
    fputs(r->ds->n_warnings ? "\n]}\n" : "]}\n", f);
    rc = ferror(f) ? -1 : 0;
    if (rc && !errno)
        errno = EIO;
cleanup:
    actor_writer_free(&aw);
    for (uint32_t v = 0; v < r->g->n; v++)
        free(ids[v]);
    free(ids);
    return rc;
}

/* ----------------------------------------------------------------- CSV */

static void csv_text(FILE *f, const char *s)
{
    char small[512];
    if (!s)
        return; /* null: empty cell */
    size_t len = kl_csv_escape(s, small, sizeof small);
    if (len < sizeof small) {
        fwrite(small, 1, len, f);
        return;
    }
    char *big = malloc(len + 1);
    if (!big) {
        /* cannot happen for sane names; keep the file valid RFC 4180 */
        fputs("\"\"", f);
        return;
    }
    kl_csv_escape(s, big, len + 1);
    fwrite(big, 1, len, f);
    free(big);
}

static void csv_real(FILE *f, double x)
{
    if (isfinite(x))
        fprintf(f, "%.17g", x);
}

int kl_write_csv(FILE *f, const kl_report_t *r)
{
    const kl_analysis_t *a = r->res;
    fputs("id,name,kind,region,degree,strength,betweenness,", f);
    if (a->betweenness_se)
        fputs("betweenness_se,", f);
    fputs("harmonic,eigenvector,pagerank,coreness,constraint,effective_size,articulation,component,"
          "community,irb,irb_share\r\n",
          f);
    for (uint32_t i = 0; i < a->n; i++) {
        uint32_t v = a->order[i];
        const kl_entity_t *e = entity(r, v);
        csv_text(f, e->id);
        fputc(',', f);
        csv_text(f, e->name);
        fputc(',', f);
        csv_text(f, kl_kind_name(e->kind));
        fputc(',', f);
        csv_text(f, region_id(r, v));
        fprintf(f, ",%u,", a->degree[v]);
        csv_real(f, a->strength[v]);
        fputc(',', f);
        csv_real(f, a->betweenness[v]);
        fputc(',', f);
        if (a->betweenness_se) {
            csv_real(f, a->betweenness_se[v]);
            fputc(',', f);
        }
        csv_real(f, a->harmonic[v]);
        fputc(',', f);
        csv_real(f, a->eigenvector[v]);
        fputc(',', f);
        csv_real(f, a->pagerank[v]);
        fprintf(f, ",%u,", a->coreness[v]);
        csv_real(f, a->constraint[v]);
        fputc(',', f);
        csv_real(f, a->effective_size[v]);
        fprintf(f, ",%s,%u,%u,", a->articulation[v] ? "true" : "false", a->component[v], a->community[v]);
        csv_real(f, a->irb[v]);
        fputc(',', f);
        csv_real(f, a->irb_share[v]);
        fputs("\r\n", f);
        if (ferror(f))
            return -1;
    }
    return ferror(f) ? -1 : 0;
}

/* ------------------------------------------------------------ Markdown */

static void md_text(FILE *f, const char *s)
{
    char small[512];
    size_t len = kl_md_escape(s, small, sizeof small);
    if (len < sizeof small) {
        fwrite(small, 1, len, f);
        return;
    }
    char *big = malloc(len + 1);
    if (!big) {
        fputs("…", f);
        return;
    }
    kl_md_escape(s, big, len + 1);
    fwrite(big, 1, len, f);
    free(big);
}

static void md_real(FILE *f, double x)
{
    if (isfinite(x))
        fprintf(f, "%.6g", x);
    else
        fputs("–", f);
}

typedef struct {
    const char *key, *title;
    int ascending; /* smaller is "more" (constraint) */
} md_metric_t;

typedef struct {
    const kl_report_t *r;
    double *value;
    int ascending;
} md_sort_t;

static int cmp_metric(const void *x, const void *y, void *ctx)
{
    const md_sort_t *s = ctx;
    uint32_t u = *(const uint32_t *)x, v = *(const uint32_t *)y;
    double a = s->value[u], b = s->value[v];
    if (a != b)
        return s->ascending ? (a < b ? -1 : 1) : (a > b ? -1 : 1);
    uint32_t ru = s->r->res->rank[u], rv = s->r->res->rank[v];
    return (ru > rv) - (ru < rv);
}

static double metric_value(const kl_analysis_t *a, int k, uint32_t v)
{
    switch (k) {
    case 0: return a->degree[v];
    case 1: return a->strength[v];
    case 2: return a->betweenness[v];
    case 3: return a->harmonic[v];
    case 4: return a->eigenvector[v];
    case 5: return a->pagerank[v];
    case 6: return a->coreness[v];
    case 7: return a->effective_size[v];
    case 8: return a->constraint[v];
    case 9: return a->irb[v];
    }
    return NAN;
}

static const md_metric_t md_metrics[] = {
    {"degree", "degree (ties)", 0},
    {"strength", "strength (summed tie weights)", 0},
    {"betweenness", "betweenness", 0},
    {"harmonic", "harmonic closeness", 0},
    {"eigenvector", "eigenvector centrality (largest component)", 0},
    {"pagerank", "PageRank", 0},
    {"coreness", "coreness (k-core)", 0},
    {"effective_size", "effective size (Burt)", 0},
    {"constraint", "lowest constraint (Burt; brokers have low constraint)", 1},
    {"irb", "inter-regional betweenness", 0},
};

static void md_row(FILE *f, const char *label, const char *value)
{
    fprintf(f, "| %s | %s |\n", label, value);
}

int kl_write_md(FILE *f, const kl_report_t *r)
{
    const kl_analysis_t *a = r->res;
    const kl_graph_options_t *go = &r->g->options;
    char buf[64];
    uint32_t n = a->n;
    uint32_t *idx = malloc(((size_t)n + 1) * sizeof *idx);
    double *value = malloc(((size_t)n + 1) * sizeof *value);
    if (!idx || !value) {
        free(idx);
        free(value);
        errno = ENOMEM;
        return -1;
    }
    fputs("# kluster analysis: ", f);
    md_text(f, r->ds->title ? r->ds->title : r->ds->id ? r->ds->id : r->dataset_path);
    fputs("\n\n", f);
    fputs("Dataset ", f);
    md_text(f, r->ds->id ? r->ds->id : r->dataset_path);
    fprintf(f, ": %u entities, %u relations, %u regions, %u warnings.\n\n", r->ds->n_entities,
            r->ds->n_relations, r->ds->n_regions, r->ds->n_warnings);
    fputs("## The graph in numbers\n\n| measure | value |\n|---|---|\n", f);
    md_row(f, "mode", mode_name(go->mode));
    snprintf(buf, sizeof buf, "%u", a->n);
    md_row(f, "actors", buf);
    snprintf(buf, sizeof buf, "%u", a->m);
    md_row(f, "ties", buf);
    snprintf(buf, sizeof buf, "%u", a->components);
    md_row(f, "connected components", buf);
    snprintf(buf, sizeof buf, "%u", a->largest_component);
    md_row(f, "largest component (actors)", buf);
    snprintf(buf, sizeof buf, "%u", a->isolated);
    md_row(f, "isolated actors", buf);
    snprintf(buf, sizeof buf, "%u", a->bridges);
    md_row(f, "bridges", buf);
    snprintf(buf, sizeof buf, "%u", a->articulation_points);
    md_row(f, "articulation points", buf);
    snprintf(buf, sizeof buf, "%u", a->biconnected_components);
    md_row(f, "biconnected components", buf);
    snprintf(buf, sizeof buf, "%u (%s)", a->communities,
             a->options.communities == KL_COMMUNITIES_LOUVAIN ? "Louvain" : "Leiden");
    md_row(f, "communities", buf);
    fputs("| modularity | ", f);
    md_real(f, a->modularity);
    fputs(" |\n| NMI communities vs regions | ", f);
    md_real(f, a->nmi_regions);
    fputs(" |\n| ARI communities vs regions | ", f);
    md_real(f, a->ari_regions);
    fputs(" |\n", f);
    md_row(f, "shortest paths", a->options.weighted ? "weighted (distance 1/weight)" : "hops");
    if (a->options.samples) {
        snprintf(buf, sizeof buf, "estimated from %u sampled sources", a->options.samples);
        md_row(f, "betweenness", buf);
    } else {
        md_row(f, "betweenness", "exact");
    }
    if (a->dominant_actor >= 0) {
        fputs("| dominant actor | ", f);
        md_text(f, entity(r, (uint32_t)a->dominant_actor)->name);
        fputs(" (irb share ", f);
        md_real(f, a->irb_share[a->dominant_actor]);
        fputs(") |\n", f);
    }

    uint32_t top = r->top;
    for (size_t k = 0; k < sizeof md_metrics / sizeof *md_metrics; k++) {
        uint32_t cnt = 0;
        for (uint32_t v = 0; v < n; v++) {
            value[v] = metric_value(a, (int)k, v);
            if (isfinite(value[v]))
                idx[cnt++] = v;
        }
        if (cnt == 0 || (k == 9 && a->region_pairs <= 0))
            continue; /* nothing to rank; no cross-region pairs: irb is all zero */
        md_sort_t ctx = {r, value, md_metrics[k].ascending};
        qsort_r(idx, cnt, sizeof *idx, cmp_metric, &ctx);
        fprintf(f, "\n## Top %u by %s\n\n| # | actor | kind | region | %s |\n|---:|---|---|---|---:|\n",
                top < cnt ? top : cnt, md_metrics[k].title, md_metrics[k].key);
        for (uint32_t i = 0; i < cnt && i < top; i++) {
            uint32_t v = idx[i];
            const kl_entity_t *e = entity(r, v);
            const char *reg = region_id(r, v);
            fprintf(f, "| %u | ", i + 1);
            md_text(f, e->name);
            fputs(" | ", f);
            fputs(kl_kind_name(e->kind), f);
            fputs(" | ", f);
            if (reg)
                md_text(f, r->ds->regions[r->g->vertex_region[v]].name);
            else
                fputs("–", f);
            fputs(" | ", f);
            md_real(f, value[v]);
            fputs(" |\n", f);
        }
        if (ferror(f))
            break;
    }
    free(idx);
    free(value);
    if (ferror(f)) {
        if (!errno)
            errno = EIO;
        return -1;
    }
    return 0;
}

/* -------------------------------------------------------- output files */

int kl_output_open(kl_output_t *o, const char *path)
{
    struct stat st;
    memset(o, 0, sizeof *o);
    if (!path || strcmp(path, "-") == 0) {
        o->f = stdout;
        return 0;
    }
    /* Not a regular file (/dev/null, a FIFO, a terminal): write to it as is;
     * a rename would replace the device node itself. */
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode)) {
            errno = EISDIR;
            return -1;
        }
        o->f = fopen(path, "w");
        if (!o->f)
            return -1;
        o->direct = 1;
        return 0;
    }
    /* A symlink to a file: replace the file, keep the link. */
    char *real = NULL;
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
        real = realpath(path, NULL);
    const char *target = real ? real : path;
    /* the temporary file goes next to the target, so rename is atomic */
    const char *slash = strrchr(target, '/');
    size_t dirlen = slash ? (size_t)(slash - target) + 1 : 0;
    o->path = strdup(target);
    o->tmp = malloc(strlen(target) + 16);
    free(real);
    if (!o->path || !o->tmp) {
        free(o->path);
        free(o->tmp);
        memset(o, 0, sizeof *o);
        errno = ENOMEM;
        return -1;
    }
    sprintf(o->tmp, "%.*s.%s.XXXXXX", (int)dirlen, o->path, o->path + dirlen);
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        int e = errno;
        free(o->path);
        free(o->tmp);
        memset(o, 0, sizeof *o);
        errno = e;
        return -1;
    }
    /* mkstemp creates mode 0600; a result file gets the usual 0666 & ~umask */
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0 || !(o->f = fdopen(fd, "w"))) {
        int e = errno;
        close(fd);
        unlink(o->tmp);
        free(o->path);
        free(o->tmp);
        memset(o, 0, sizeof *o);
        errno = e;
        return -1;
    }
    return 0;
}

int kl_output_commit(kl_output_t *o)
{
    if (!o->f)
        return 0;
    if (!o->path) {
        int e = 0;
        if (fflush(o->f) != 0 || ferror(o->f))
            e = errno ? errno : EIO;
        if (o->direct && fclose(o->f) != 0 && !e)
            e = errno ? errno : EIO;
        o->f = NULL;
        o->direct = 0;
        errno = e;
        return e ? -1 : 0;
    }
    int e = 0;
    if (fflush(o->f) != 0 || ferror(o->f))
        e = errno ? errno : EIO;
    if (fclose(o->f) != 0 && !e)
        e = errno ? errno : EIO;
    o->f = NULL;
    if (!e && rename(o->tmp, o->path) != 0)
        e = errno;
    if (e) {
        unlink(o->tmp);
        errno = e;
    }
    free(o->path);
    free(o->tmp);
    o->path = o->tmp = NULL;
    return e ? -1 : 0;
}

void kl_output_abort(kl_output_t *o)
{
    if (!o)
        return;
    if (o->f && o->path) {
        fclose(o->f);
        unlink(o->tmp);
    } else if (o->f && o->direct) {
        fclose(o->f); /* a device or FIFO: nothing to take back */
    }
    free(o->path);
    free(o->tmp);
    memset(o, 0, sizeof *o);
}
