/* writers/analysis_json.c - `kluster analyze --format json`
 * (kluster-analysis/1): the graph in numbers, one line per actor, the
 * regions and region pairs, bridges, ties and warnings. */
#include "writers_internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static json_t *graph_json(const kl_report_t *r)
{
    const kl_analysis_t *a = r->res;
    const kl_graph_options_t *go = &r->g->options;
    json_t *o = json_object(), *x;
    int ok = o != NULL;
    char buf[32];
    if (!ok)
        return NULL;
    kl_i_jset(o, "nodes", json_integer(a->n), &ok);
    kl_i_jset(o, "edges", json_integer(a->m), &ok);
    kl_i_jset(o, "components", json_integer(a->components), &ok);
    kl_i_jset(o, "largest_component", json_integer(a->largest_component), &ok);
    kl_i_jset(o, "isolated", json_integer(a->isolated), &ok);
    kl_i_jset(o, "bridges", json_integer(a->bridges), &ok);
    kl_i_jset(o, "articulation_points", json_integer(a->articulation_points), &ok);
    kl_i_jset(o, "biconnected_components", json_integer(a->biconnected_components), &ok);
    kl_i_jset(o, "modularity", kl_i_jreal(a->modularity), &ok);
    kl_i_jset(o, "communities", json_integer(a->communities), &ok);
    kl_i_jset(o, "community_method",
         json_string(a->options.communities == KL_COMMUNITIES_LOUVAIN ? "louvain" : "leiden"), &ok);
    kl_i_jset(o, "seed", json_integer((json_int_t)a->options.seed), &ok);
    kl_i_jset(o, "nmi_regions", kl_i_jreal(a->nmi_regions), &ok);
    kl_i_jset(o, "ari_regions", kl_i_jreal(a->ari_regions), &ok);
    kl_i_jset(o, "mode", json_string(kl_i_mode_name(go->mode)), &ok);
    kl_i_jset(o, "weighted_paths", json_boolean(a->options.weighted), &ok);

    /* tie types and excluded kinds: null when not narrowed */
    kl_i_jset(o, "ties", kl_i_ties_json(go->tie_types), &ok);
    kl_i_jset(o, "excluded_kinds", kl_i_excluded_kinds_json(go->exclude_kinds), &ok);

    if (go->from != KL_DATE_MIN || go->to != KL_DATE_MAX) {
        x = json_object();
        if (x) {
            if (go->from != KL_DATE_MIN)
                kl_i_format_date(go->from, buf, sizeof buf);
            kl_i_jset(x, "from", go->from != KL_DATE_MIN ? json_string(buf) : json_null(), &ok);
            if (go->to != KL_DATE_MAX)
                kl_i_format_date(go->to, buf, sizeof buf);
            kl_i_jset(x, "to", go->to != KL_DATE_MAX ? json_string(buf) : json_null(), &ok);
        }
    } else {
        x = json_null();
    }
    kl_i_jset(o, "window", x, &ok);

    if (a->options.samples > 0) {
        x = json_object();
        if (x) {
            kl_i_jset(x, "method", json_string("sources"), &ok);
            kl_i_jset(x, "samples", json_integer(a->options.samples), &ok);
        }
    } else if (a->options.epsilon > 0) {
        x = kl_i_pairs_sampled_json(a->options.epsilon, a->options.delta, a->pair_samples);
    } else {
        x = json_null();
    }
    kl_i_jset(o, "sampled", x, &ok);
    kl_i_jset(o, "cross_region_pairs", kl_i_jreal(a->region_pairs), &ok);
    kl_i_jset(o, "dominant_actor", kl_i_dominant_json(r->g, r->ds, a->dominant_actor, a->irb_share), &ok);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Actor lines are assembled here: strings go through jansson's encoder
 * (one reused json_t string, dumped with JSON_ENCODE_ANY; ids, kinds and
 * regions are encoded once up front), numbers through kl_format_real, which
 * prints exactly what jansson's JSON_REAL_PRECISION(17) prints.  Building a
 * jansson object per actor cost ~20 allocations and most of the write time
 * on large graphs. */
typedef struct {
    char *buf;
    size_t len, cap;
    int failed;
} line_t;

static void line_add(line_t *l, const char *s, size_t n)
{
    if (l->len + n + 1 > l->cap) {
        size_t cap = (l->len + n + 1) * 2;
        char *nb = realloc(l->buf, cap);
        if (!nb) {
            l->failed = 1;
            return;
        }
        l->buf = nb;
        l->cap = cap;
    }
    memcpy(l->buf + l->len, s, n);
    l->len += n;
}

static void line_str(line_t *l, const char *s)
{
    line_add(l, s, strlen(s));
}

static void line_uint(line_t *l, uint32_t x)
{
    char num[16];
    int n = 0;
    char tmp[16];
    do {
        tmp[n++] = (char)('0' + x % 10);
        x /= 10;
    } while (x);
    for (int i = 0; i < n; i++)
        num[i] = tmp[n - 1 - i];
    line_add(l, num, (size_t)n);
}

typedef struct {
    json_t *str;      /* reused string value for names */
    char *enc;        /* its encoding */
    size_t enc_cap;
    char **kinds;     /* encoded kind names */
    char **regions;   /* encoded region ids, per region index */
    uint32_t n_regions;
    line_t line;
} actor_writer_t;

/* JSON text of s (a quoted, escaped string) in a new malloc'd buffer. */
static char *encode_string(const char *s)
{
    json_t *j = json_string(s);
    char *out = j ? json_dumps(j, KL_I_JSON_FLAGS) : NULL;
    json_decref(j);
    return out;
}

static void actor_writer_free(actor_writer_t *w)
{
    json_decref(w->str);
    free(w->enc);
    for (int k = 0; w->kinds && k < KL_KIND_COUNT; k++)
        free(w->kinds[k]);
    free(w->kinds);
    for (uint32_t k = 0; w->regions && k < w->n_regions; k++)
        free(w->regions[k]);
    free(w->regions);
    free(w->line.buf);
    memset(w, 0, sizeof *w);
}

static int actor_writer_init(actor_writer_t *w, const kl_dataset_t *ds)
{
    memset(w, 0, sizeof *w);
    w->str = json_string("");
    w->kinds = calloc(KL_KIND_COUNT, sizeof *w->kinds);
    w->regions = calloc((size_t)ds->n_regions + 1, sizeof *w->regions);
    int ok = w->str && w->kinds && w->regions;
    for (int k = 0; ok && k < KL_KIND_COUNT; k++)
        ok = (w->kinds[k] = encode_string(kl_kind_name((kl_kind)k))) != NULL;
    if (ok)
        w->n_regions = ds->n_regions;
    for (uint32_t k = 0; ok && k < ds->n_regions; k++)
        ok = (w->regions[k] = encode_string(ds->regions[k].id)) != NULL;
    if (!ok)
        actor_writer_free(w);
    return ok ? 0 : -1;
}

/* The JSON text of a name, valid until the next call; NULL on failure
 * (out of memory, or a string that is not UTF-8, which loaders refuse). */
static const char *encode_name(actor_writer_t *w, const char *s)
{
    if (json_string_set(w->str, s) != 0)
        return NULL;
    size_t n = json_dumpb(w->str, w->enc, w->enc_cap, KL_I_JSON_FLAGS);
    if (n == 0)
        return NULL;
    if (n + 1 > w->enc_cap) {
        char *nb = realloc(w->enc, (n + 1) * 2);
        if (!nb)
            return NULL;
        w->enc = nb;
        w->enc_cap = (n + 1) * 2;
        n = json_dumpb(w->str, w->enc, w->enc_cap, KL_I_JSON_FLAGS);
    }
    w->enc[n] = '\0';
    return w->enc;
}

/* ,"key": (the key as it is: metric keys need no escaping) */
static void line_key(line_t *l, const char *key)
{
    line_str(l, ",\"");
    line_str(l, key);
    line_str(l, "\":");
}

static void line_value(line_t *l, const kl_metric_t *m, double x)
{
    char num[40];
    if (m->type == KL_METRIC_BOOL)
        line_str(l, x != 0 ? "true" : "false");
    else if (m->type == KL_METRIC_INT)
        line_uint(l, (uint32_t)x);
    else
        line_str(l, kl_format_real(x, num));
}

/* The roles of one group, metrics[first .. end), as
 * {"coordinator":..,...,"expected":{...},"z":{...}}, or null for actors
 * outside the subgraph of actors with a region. */
static void line_roles(line_t *l, const kl_metric_source_t *src, size_t first, size_t end, uint32_t v)
{
    static const char *const layers[] = {NULL, "expected", "z"};
    if (isnan(kl_actor_metrics[first].value(src, v, KL_METRIC_VALUE))) {
        line_str(l, "null");
        return;
    }
    for (int layer = KL_METRIC_VALUE; layer <= KL_METRIC_Z; layer++) {
        if (layers[layer]) {
            line_key(l, layers[layer]);
            line_str(l, "{");
        } else {
            line_str(l, "{");
        }
        for (size_t i = first; i < end; i++) {
            const kl_metric_t *m = &kl_actor_metrics[i];
            if (i > first)
                line_str(l, ",");
            line_str(l, "\"");
            line_str(l, kl_metric_member(m));
            line_str(l, "\":");
            line_value(l, m, m->value(src, v, layer));
        }
        if (layer > KL_METRIC_VALUE)
            line_str(l, "}");
    }
    line_str(l, "}");
}

/* Write the actor of vertex v to f (id already encoded): id, name, kind,
 * region, then every available metric in the order of kl_actor_metrics;
 * -1 on failure. */
static int actor_write(actor_writer_t *w, const kl_report_t *r, const kl_metric_source_t *src, const char *id,
                       uint32_t v, FILE *f)
{
    const kl_entity_t *e = kl_i_entity(r, v);
    int32_t reg = r->g->vertex_region[v];
    line_t *l = &w->line;
    const char *name = encode_name(w, e->name);
    if (!name) {
        errno = ENOMEM;
        return -1;
    }
    l->len = 0;
    line_str(l, "{\"id\":");
    line_str(l, id);
    line_str(l, ",\"name\":");
    line_str(l, name);
    line_str(l, ",\"kind\":");
    line_str(l, w->kinds[e->kind]);
    line_str(l, ",\"region\":");
    line_str(l, reg >= 0 ? w->regions[reg] : "null");
    for (size_t i = 0; i < kl_actor_metrics_count;) {
        const kl_metric_t *m = &kl_actor_metrics[i];
        if (!m->available(src)) {
            i++;
            continue;
        }
        if (m->type != KL_METRIC_ROLE) {
            line_key(l, m->key);
            line_value(l, m, m->value(src, v, KL_METRIC_VALUE));
            i++;
            continue;
        }
        /* a group: the run of roles that share it */
        size_t end = i + 1;
        while (end < kl_actor_metrics_count && kl_actor_metrics[end].group == m->group)
            end++;
        line_key(l, m->group);
        line_roles(l, src, i, end, v);
        i = end;
    }
    line_str(l, "}");
    if (l->failed) {
        errno = ENOMEM;
        return -1;
    }
    return fwrite(l->buf, 1, l->len, f) == l->len ? 0 : -1;
}

/* JSON text of every actor id, for the edge lists (computed once). */
static char **encode_ids(const kl_report_t *r)
{
    uint32_t n = r->g->n;
    char **ids = calloc((size_t)n + 1, sizeof *ids);
    if (!ids)
        return NULL;
    for (uint32_t v = 0; v < n; v++) {
        ids[v] = encode_string(kl_i_entity(r, v)->id);
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
    kl_metric_source_t src;
    kl_i_metric_source(&src, r);
    if (!ids) {
        errno = ENOMEM;
        return -1;
    }
    fputs("{\"format\":\"" KL_ANALYSIS_FORMAT "\",\n\"dataset\":", f);
    if (kl_i_json_dump(f, kl_i_dataset_json(r)) < 0)
        goto cleanup;
    fputs(",\n\"graph\":", f);
    if (kl_i_json_dump(f, graph_json(r)) < 0)
        goto cleanup;
    fputs(",\n\"actors\":[", f);
    if (actor_writer_init(&aw, r->ds) < 0) {
        errno = ENOMEM;
        goto cleanup;
    }
    for (uint32_t i = 0; i < a->n; i++) {
        fputs(i ? ",\n" : "\n", f);
        if (actor_write(&aw, r, &src, ids[a->order[i]], a->order[i], f) < 0)
            goto cleanup;
    }
    fputs("\n]", f);
    if (r->regions && kl_i_write_region_arrays(f, r->ds, r->g, r->regions, NULL) < 0)
        goto cleanup;
    fputs(",\n\"bridges\":[", f);
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
                kl_format_real(r->g->weight[e], num));
        if (ferror(f))
            goto cleanup;
    }
    fputs(a->m ? "\n],\n\"warnings\":[" : "],\n\"warnings\":[", f);
    for (uint32_t i = 0; i < r->ds->n_warnings; i++) {
        fputs(i ? ",\n" : "\n", f);
        if (kl_i_json_dump(f, json_string(r->ds->warnings[i].text)) < 0)
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
