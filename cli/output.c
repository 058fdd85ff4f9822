/* cli/output.c - the writers of `kluster analyze`, `bridges` and `whatif`:
 * JSON (jansson), CSV and Markdown reports that stay short however many
 * regions there are (what they list and rank: report.h), plus atomic output
 * files. */
#include "output.h"
#include "report.h"

#define KL_STR_(x) #x
#define KL_STR(x) KL_STR_(x)
#include "commands.h"

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
    /* Integral values below 2^53 (tie weights, counts): %.17g prints their
     * digits exactly, so print them without the slow float formatter. */
    if (x == floor(x) && fabs(x) < 9007199254740992.0 && !(x == 0 && signbit(x))) {
        long long v = (long long)x;
        char tmp[24];
        int n = 0, neg = v < 0;
        unsigned long long u = neg ? 0ull - (unsigned long long)v : (unsigned long long)v;
        do {
            tmp[n++] = (char)('0' + u % 10);
            u /= 10;
        } while (u);
        /* %.17g switches to exponent notation from 1e17 on; 2^53 < 1e17 */
        char *p = buf;
        if (neg)
            *p++ = '-';
        while (n)
            *p++ = tmp[--n];
        strcpy(p, ".0");
        return buf;
    }
    int n = snprintf(buf, 32, "%.17g", x);
    if (n > 0 && n < 29 && strspn(buf, "0123456789-") == (size_t)n) {
        strcpy(buf + n, ".0");
        return buf;
    }
    /* as jansson: no '+' and no leading zeros in the exponent ("1e300",
     * "3.6e-5"), so every number of one file reads the same way */
    char *e = strchr(buf, 'e');
    if (e) {
        char *start = e + 1, *end;
        if (*start == '-')
            start++;
        end = start;
        if (*end == '+')
            end++;
        while (*end == '0' && end[1])
            end++;
        memmove(start, end, strlen(end) + 1);
    }
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
    } else if (a->options.epsilon > 0) {
        x = json_object();
        if (x) {
            jset(x, "method", json_string("pairs"), &ok);
            jset(x, "epsilon", jreal(a->options.epsilon), &ok);
            jset(x, "delta", jreal(a->options.delta), &ok);
            jset(x, "samples", json_integer((json_int_t)a->pair_samples), &ok);
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

/* ,"key":value with a real (null when undefined) */
static void line_real(line_t *l, const char *key, double x)
{
    char num[40];
    line_str(l, key);
    line_str(l, kl_format_real(x, num));
}

static void line_uint(line_t *l, const char *key, uint32_t x)
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
    line_str(l, key);
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
    char *out = j ? json_dumps(j, JSON_FLAGS) : NULL;
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
    size_t n = json_dumpb(w->str, w->enc, w->enc_cap, JSON_FLAGS);
    if (n == 0)
        return NULL;
    if (n + 1 > w->enc_cap) {
        char *nb = realloc(w->enc, (n + 1) * 2);
        if (!nb)
            return NULL;
        w->enc = nb;
        w->enc_cap = (n + 1) * 2;
        n = json_dumpb(w->str, w->enc, w->enc_cap, JSON_FLAGS);
    }
    w->enc[n] = '\0';
    return w->enc;
}

/* {"coordinator":..,...,"total":..} of one reading; the undirected one
 * merges representative and gatekeeper (DEFINITIONS.md). */
static void line_roles(line_t *l, const kl_brokerage_roles_t *x, int undirected)
{
    line_real(l, "{\"coordinator\":", x->coordinator);
    line_real(l, ",\"itinerant\":", x->itinerant);
    if (undirected) {
        line_real(l, ",\"representative_gatekeeper\":", x->representative);
    } else {
        line_real(l, ",\"representative\":", x->representative);
        line_real(l, ",\"gatekeeper\":", x->gatekeeper);
    }
    line_real(l, ",\"liaison\":", x->liaison);
    line_real(l, ",\"total\":", x->total);
}

/* ,"key":{counts...,"expected":{...},"z":{...}}, or null for actors outside
 * the subgraph of actors with a region */
static void line_brokerage(line_t *l, const char *key, const kl_brokerage_t *b, uint32_t v, int undirected)
{
    line_str(l, key);
    if (!b->in_subgraph[v]) {
        line_str(l, "null");
        return;
    }
    line_roles(l, &b->count[v], undirected);
    line_str(l, ",\"expected\":");
    line_roles(l, &b->expected[v], undirected);
    line_str(l, "},\"z\":");
    line_roles(l, &b->z[v], undirected);
    line_str(l, "}}");
}

/* Write the actor of vertex v to f (id already encoded); -1 on failure. */
static int actor_write(actor_writer_t *w, const kl_report_t *r, const char *id, uint32_t v, FILE *f)
{
    const kl_analysis_t *a = r->res;
    const kl_entity_t *e = entity(r, v);
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
    line_uint(l, ",\"degree\":", a->degree[v]);
    line_real(l, ",\"strength\":", a->strength[v]);
    line_real(l, ",\"betweenness\":", a->betweenness[v]);
    if (a->betweenness_se)
        line_real(l, ",\"betweenness_se\":", a->betweenness_se[v]);
    line_real(l, ",\"harmonic\":", a->harmonic[v]);
    line_real(l, ",\"eigenvector\":", a->eigenvector[v]);
    line_real(l, ",\"pagerank\":", a->pagerank[v]);
    line_uint(l, ",\"coreness\":", a->coreness[v]);
    line_real(l, ",\"constraint\":", a->constraint[v]);
    line_real(l, ",\"effective_size\":", a->effective_size[v]);
    line_str(l, a->articulation[v] ? ",\"articulation\":true" : ",\"articulation\":false");
    line_uint(l, ",\"component\":", a->component[v]);
    line_uint(l, ",\"community\":", a->community[v]);
    line_real(l, ",\"irb\":", a->irb[v]);
    line_real(l, ",\"irb_share\":", a->irb_share[v]);
    if (r->regions) {
        const kl_regions_t *rg = r->regions;
        line_uint(l, ",\"regions_reached\":", rg->regions_reached[v]);
        line_real(l, ",\"participation_region\":", rg->participation_region[v]);
        line_real(l, ",\"participation_community\":", rg->participation_community[v]);
        line_real(l, ",\"ei_index\":", rg->ei_index[v]);
    }
    if (r->brokerage && r->brokerage_u) {
        line_brokerage(l, ",\"brokerage\":", r->brokerage, v, 0);
        line_brokerage(l, ",\"brokerage_undirected\":", r->brokerage_u, v, 1);
    }
    line_str(l, "}");
    if (l->failed) {
        errno = ENOMEM;
        return -1;
    }
    return fwrite(l->buf, 1, l->len, f) == l->len ? 0 : -1;
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
        ids[v] = encode_string(entity(r, v)->id);
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

/* ------------------------------------------------------ regions (JSON) */

static const char *vertex_id(const kl_agraph_t *g, const kl_dataset_t *ds, uint32_t v)
{
    return ds->entities[g->vertex_entity[v]].id;
}

static json_t *region_json(const kl_dataset_t *ds, const kl_region_info_t *ri)
{
    const kl_region_t *rg = &ds->regions[ri->region];
    json_t *o = json_object();
    int ok = o != NULL;
    if (!ok)
        return NULL;
    jset(o, "id", json_string(rg->id), &ok);
    jset(o, "name", jstr(rg->name), &ok);
    jset(o, "actors", json_integer(ri->actors), &ok);
    jset(o, "internal_ties", json_integer(ri->internal_ties), &ok);
    jset(o, "external_ties", json_integer(ri->external_ties), &ok);
    jset(o, "regionless_ties", json_integer(ri->regionless_ties), &ok);
    jset(o, "ei_index", jreal(ri->ei_index), &ok);
    jset(o, "lat", jreal(rg->lat), &ok);
    jset(o, "lon", jreal(rg->lon), &ok);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* One region_pairs entry; delta: the sampling's (kl_regions_t.delta). */
static json_t *pair_json(const kl_dataset_t *ds, const kl_agraph_t *g, const kl_region_pair_t *p, double delta)
{
    json_t *o = json_object(), *x;
    int ok = o != NULL;
    if (!ok)
        return NULL;
    jset(o, "a", json_string(ds->regions[p->a].id), &ok);
    jset(o, "b", json_string(ds->regions[p->b].id), &ok);
    jset(o, "connected", json_boolean(p->connected), &ok);
    jset(o, "direct_ties", json_integer(p->direct_ties), &ok);
    jset(o, "distance", jreal(p->distance), &ok);
    jset(o, "actor_pairs", jreal(p->actor_pairs), &ok);
    jset(o, "links", json_integer((json_int_t)p->links), &ok); /* a count, like direct_ties */
    if (p->has_brokers) {
        x = json_array();
        for (uint32_t i = 0; x && i < p->n_brokers; i++) {
            json_t *b = json_object();
            if (!b || json_array_append_new(x, b) != 0) {
                ok = 0;
                break;
            }
            jset(b, "id", json_string(vertex_id(g, ds, p->brokers[i].vertex)), &ok);
            jset(b, "share", jreal(p->brokers[i].share), &ok);
        }
    } else {
        x = json_null();
    }
    jset(o, "brokers", x, &ok);
    /* the guarantee of sampled brokers; null when exact or not computed */
    if (p->brokers_epsilon > 0) {
        x = json_object();
        if (x) {
            jset(x, "epsilon", jreal(p->brokers_epsilon), &ok);
            jset(x, "delta", jreal(delta), &ok);
        }
    } else {
        x = json_null();
    }
    jset(o, "brokers_sampled", x, &ok);
    x = json_array();
    for (uint32_t i = 0; x && i < p->n_cut; i++)
        if (json_array_append_new(x, json_string(vertex_id(g, ds, p->cut[i]))) != 0)
            ok = 0;
    jset(o, "cut_actors", x, &ok);
    jset(o, "fragile", json_boolean(p->n_cut > 0), &ok);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* ,"regions":[...],"region_pairs":[...] - one object per line */
static int write_region_arrays(FILE *f, const kl_dataset_t *ds, const kl_agraph_t *g, const kl_regions_t *rg,
                               const uint8_t *pair_shown)
{
    fputs(",\n\"regions\":[", f);
    for (uint32_t i = 0; i < rg->n_regions; i++) {
        fputs(i ? ",\n" : "\n", f);
        if (dump(f, region_json(ds, &rg->regions[i])) < 0)
            return -1;
    }
    fputs(rg->n_regions ? "\n],\n\"region_pairs\":[" : "],\n\"region_pairs\":[", f);
    uint32_t shown = 0;
    for (uint32_t p = 0; p < rg->n_pairs; p++) {
        if (pair_shown && !pair_shown[p])
            continue;
        fputs(shown++ ? ",\n" : "\n", f);
        if (dump(f, pair_json(ds, g, &rg->pairs[p], rg->delta)) < 0)
            return -1;
    }
    fputs(shown ? "\n]" : "]", f);
    return ferror(f) ? -1 : 0;
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
    if (actor_writer_init(&aw, r->ds) < 0) {
        errno = ENOMEM;
        goto cleanup;
    }
    for (uint32_t i = 0; i < a->n; i++) {
        fputs(i ? ",\n" : "\n", f);
        if (actor_write(&aw, r, ids[a->order[i]], a->order[i], f) < 0)
            goto cleanup;
    }
    fputs("\n]", f);
    if (r->regions && write_region_arrays(f, r->ds, r->g, r->regions, NULL) < 0)
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
    char num[40];
    if (isfinite(x))
        fputs(kl_format_real(x, num), f);
}

int kl_write_csv(FILE *f, const kl_report_t *r)
{
    const kl_analysis_t *a = r->res;
    fputs("id,name,kind,region,degree,strength,betweenness,", f);
    if (a->betweenness_se)
        fputs("betweenness_se,", f);
    fputs("harmonic,eigenvector,pagerank,coreness,constraint,effective_size,articulation,component,"
          "community,irb,irb_share",
          f);
    if (r->regions)
        fputs(",regions_reached,participation_region,participation_community,ei_index", f);
    if (r->brokerage && r->brokerage_u)
        fputs(",brokerage_coordinator,brokerage_itinerant,brokerage_representative,brokerage_gatekeeper,"
              "brokerage_liaison,brokerage_total,brokerage_undirected_coordinator,brokerage_undirected_itinerant,"
              "brokerage_undirected_representative_gatekeeper,brokerage_undirected_liaison,"
              "brokerage_undirected_total",
              f);
    fputs("\r\n", f);
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
        if (r->regions) {
            fprintf(f, ",%u,", r->regions->regions_reached[v]);
            csv_real(f, r->regions->participation_region[v]);
            fputc(',', f);
            csv_real(f, r->regions->participation_community[v]);
            fputc(',', f);
            csv_real(f, r->regions->ei_index[v]);
        }
        if (r->brokerage && r->brokerage_u) {
            /* empty cells for actors outside the subgraph (JSON null) */
            int in = r->brokerage->in_subgraph[v];
            const kl_brokerage_roles_t *x = &r->brokerage->count[v], *y = &r->brokerage_u->count[v];
            double vals[11] = {x->coordinator, x->itinerant, x->representative, x->gatekeeper, x->liaison, x->total,
                               y->coordinator, y->itinerant, y->representative, y->liaison, y->total};
            for (int k = 0; k < 11; k++) {
                fputc(',', f);
                if (in)
                    csv_real(f, vals[k]);
            }
        }
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

/* A count held in a double (pairs of actors run past 10^8): every digit. */
static void md_count(FILE *f, double x)
{
    if (isfinite(x) && x == floor(x) && fabs(x) < 1e15)
        fprintf(f, "%.0f", x);
    else
        md_real(f, x);
}

typedef struct {
    const char *key, *title;
    int ascending;        /* smaller is "more" (constraint) */
    const char *has_one;  /* what a non-zero value says, singular and plural */
    const char *have_many;
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
    {"degree", "degree (ties)", 0, "has a tie", "have a tie"},
    {"strength", "strength (summed tie weights)", 0, "has a tie", "have a tie"},
    {"betweenness", "betweenness", 0, "lies on a shortest path between two others",
     "lie on a shortest path between two others"},
    {"harmonic", "harmonic closeness", 0, "reaches another actor", "reach another actor"},
    {"eigenvector", "eigenvector centrality (largest component)", 0, "has an eigenvector centrality above 0",
     "have an eigenvector centrality above 0"},
    {"pagerank", "PageRank", 0, "has a PageRank", "have a PageRank"},
    {"coreness", "coreness (k-core)", 0, "has a tie", "have a tie"},
    {"effective_size", "effective size (Burt)", 0, "has a non-redundant contact", "have a non-redundant contact"},
    {"constraint", "lowest constraint (Burt; brokers have low constraint)", 1, "has a tie", "have a tie"},
    {"irb", "inter-regional betweenness", 0, "lies between regions", "lie between regions"},
};

static void md_row(FILE *f, const char *label, const char *value)
{
    fprintf(f, "| %s | %s |\n", label, value);
}

static void md_region(FILE *f, const kl_dataset_t *ds, uint32_t r);

/* "%.6g" as md_real prints it, for the sentences about a table */
static const char *md_value_text(double x, char *buf, size_t size)
{
    snprintf(buf, size, "%.6g", x);
    return buf;
}

/* One row of an actor table: "| 3 | name | kind | region | " */
static void md_actor_row_start(FILE *f, const kl_dataset_t *ds, const kl_agraph_t *g, uint32_t rank, uint32_t v,
                               int region_with_id)
{
    const kl_entity_t *e = &ds->entities[g->vertex_entity[v]];
    fprintf(f, "| %u | ", rank);
    md_text(f, e->name);
    fprintf(f, " | %s | ", kl_kind_name(e->kind));
    if (g->vertex_region[v] < 0)
        fputs("–", f);
    else if (region_with_id)
        md_region(f, ds, (uint32_t)g->vertex_region[v]);
    else
        md_text(f, ds->regions[g->vertex_region[v]].name);
    fputs(" | ", f);
}

/* The sentence before a top table (or instead of it) and the one after. */
static void md_top_note(FILE *f, const kl_top_plan_t *plan, const char *key, const char *first,
                        const char *has_one, const char *have_many)
{
    char note[400];
    kl_top_note(note, sizeof note, plan, key, first, has_one, have_many);
    /* a blank line before the table that follows, none before the next heading */
    if (note[0])
        fprintf(f, plan->rows ? "%s\n\n" : "%s\n", note);
}

static void md_top_tail(FILE *f, const kl_top_plan_t *plan, const char *last)
{
    char note[200];
    kl_top_tail(note, sizeof note, plan, last);
    if (note[0])
        fprintf(f, "\n%s\n", note);
}

/* "## Top N by <metric>": the actors with a value (a zero ranks nobody in a
 * descending table), or the sentence that says why there is no ranking. */
static void md_metric_table(FILE *f, const kl_report_t *r, const md_metric_t *m, int k, uint32_t *idx,
                            double *value)
{
    uint32_t n = r->res->n, cnt = 0;
    for (uint32_t v = 0; v < n; v++) {
        value[v] = metric_value(r->res, k, v);
        if (isfinite(value[v]) && (m->ascending || value[v] != 0))
            idx[cnt++] = v;
    }
    md_sort_t ctx = {r, value, m->ascending};
    qsort_r(idx, cnt, sizeof *idx, cmp_metric, &ctx);
    kl_top_plan_t plan;
    kl_top_plan(&plan, value, idx, cnt, n, r->top);
    if (plan.rows)
        fprintf(f, "\n## Top %u by %s\n\n", plan.rows, m->title);
    else
        fprintf(f, "\n## By %s\n\n", m->title);
    char num[40];
    md_top_note(f, &plan, m->key, md_value_text(cnt ? value[idx[0]] : 0, num, sizeof num), m->has_one,
                m->have_many);
    if (!plan.rows)
        return;
    fprintf(f, "| # | actor | kind | region | %s |\n|---:|---|---|---|---:|\n", m->key);
    for (uint32_t i = 0; i < plan.rows; i++) {
        md_actor_row_start(f, r->ds, r->g, i + 1, idx[i], 0);
        md_real(f, value[idx[i]]);
        fputs(" |\n", f);
    }
    md_top_tail(f, &plan, md_value_text(value[idx[plan.rows - 1]], num, sizeof num));
}

static void md_dominant(FILE *f, const kl_dataset_t *ds, const kl_agraph_t *g, int32_t v, double share);
static int md_region_pairs(FILE *f, const kl_dataset_t *ds, const kl_agraph_t *g, const kl_regions_t *rg,
                           const uint8_t *shown, const char *elsewhere, const char *more_brokers);
static void md_regions_table(FILE *f, const kl_dataset_t *ds, const kl_regions_t *rg);

int kl_write_md(FILE *f, const kl_report_t *r)
{
    const kl_analysis_t *a = r->res;
    const kl_graph_options_t *go = &r->g->options;
    char buf[256];
    int failed = 0;
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
    } else if (a->options.epsilon > 0) {
        snprintf(buf, sizeof buf,
                 "estimated from %llu sampled shortest paths: with probability >= %g, betweenness within %g "
                 "n(n-1)/2 and irb within %g P; harmonic %s",
                 (unsigned long long)a->pair_samples, 1 - a->options.delta, a->options.epsilon, a->options.epsilon,
                 a->harmonic_sources < a->n ? "from " KL_STR(KL_HARMONIC_SOURCES) " sampled sources" : "exact");
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

    if (r->regions) {
        fputs("\n## Regions and the actors between them\n\n", f);
        md_dominant(f, r->ds, r->g, a->dominant_actor,
                    a->dominant_actor >= 0 ? a->irb_share[a->dominant_actor] : NAN);
        if (md_region_pairs(f, r->ds, r->g, r->regions, NULL,
                            "the JSON output (`region_pairs` of `--format json`; analysis.json and region_pairs.csv "
                            "of `kluster batch`)",
                            "`--all-pairs` computes them for every pair") != 0) {
            failed = 1;
            goto done;
        }
        fputs("\n### Regions\n\n", f);
        md_regions_table(f, r->ds, r->regions);
    }

    for (size_t k = 0; k < sizeof md_metrics / sizeof *md_metrics; k++) {
        if (k == 9 && a->region_pairs <= 0)
            continue; /* no cross-region pairs: irb is all zero */
        md_metric_table(f, r, &md_metrics[k], (int)k, idx, value);
        if (ferror(f))
            break;
    }
done:
    free(idx);
    free(value);
    if (failed || ferror(f)) {
        if (!errno)
            errno = EIO;
        return -1;
    }
    return 0;
}

/* ------------------------------------------- regions in words (Markdown) */

/* "Östergötlands län (SE123)" */
static void md_region(FILE *f, const kl_dataset_t *ds, uint32_t r)
{
    const kl_region_t *rg = &ds->regions[r];
    md_text(f, rg->name ? rg->name : rg->id);
    if (rg->name && strcmp(rg->name, rg->id) != 0) {
        fputs(" (", f);
        md_text(f, rg->id);
        fputc(')', f);
    }
}

static void md_actor(FILE *f, const kl_dataset_t *ds, const kl_agraph_t *g, uint32_t v)
{
    fputs("**", f);
    md_text(f, ds->entities[g->vertex_entity[v]].name);
    fputs("**", f);
}

/* "A", "A and B", "A, B and C" */
static void md_actor_list(FILE *f, const kl_dataset_t *ds, const kl_agraph_t *g, const uint32_t *vs, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        if (i)
            fputs(i + 1 == n ? " and " : ", ", f);
        md_actor(f, ds, g, vs[i]);
    }
}

static void md_pct(FILE *f, double share)
{
    fprintf(f, "%.1f%%", 100.0 * share);
}

static int pair_shown_p(const uint8_t *shown, uint32_t p)
{
    return !shown || shown[p];
}


static void md_region_pair(FILE *f, const kl_dataset_t *ds, const kl_region_pair_t *pr)
{
    md_region(f, ds, pr->a);
    fputs(" – ", f);
    md_region(f, ds, pr->b);
}

/* "A, B and C", "A, B, C, D, E and 3 more" */
static void md_cut_names(FILE *f, const kl_dataset_t *ds, const kl_agraph_t *g, const kl_region_pair_t *pr,
                         int bold)
{
    uint32_t named = pr->n_cut <= KL_REPORT_CUT_NAMES ? pr->n_cut : KL_REPORT_CUT_NAMES;
    for (uint32_t i = 0; i < named; i++) {
        if (i)
            fputs(i + 1 == named && named == pr->n_cut ? " and " : ", ", f);
        if (bold)
            md_actor(f, ds, g, pr->cut[i]);
        else
            md_text(f, ds->entities[g->vertex_entity[pr->cut[i]]].name);
    }
    if (named < pr->n_cut)
        fprintf(f, " and %u more", pr->n_cut - named);
}

static void md_brokers_cell(FILE *f, const kl_dataset_t *ds, const kl_agraph_t *g, const kl_region_pair_t *pr)
{
    if (!pr->has_brokers) {
        fputs("not computed", f);
        return;
    }
    if (pr->n_brokers == 0) {
        fputs("none: every shortest path is a direct tie", f);
        return;
    }
    for (uint32_t i = 0; i < pr->n_brokers; i++) {
        if (i)
            fputs(", ", f);
        md_text(f, ds->entities[g->vertex_entity[pr->brokers[i].vertex]].name);
        fputs(" (", f);
        md_pct(f, pr->brokers[i].share);
        fputs(")", f);
    }
}

/* The top table: the connected pairs with most links, with their brokers. */
static void md_top_pairs(FILE *f, const kl_dataset_t *ds, const kl_agraph_t *g, const kl_regions_t *rg,
                         const uint32_t *by_links, uint32_t rows)
{
    fputs(kl_pairs_legend, f);
    fputs("\n\n| # | region pair | links | distance | main brokers (share) | cut actors |\n"
          "|---:|---|---:|---:|---|---|\n",
          f);
    for (uint32_t i = 0; i < rows; i++) {
        const kl_region_pair_t *pr = &rg->pairs[by_links[i]];
        fprintf(f, "| %u | ", i + 1);
        md_region_pair(f, ds, pr);
        fputs(" | ", f);
        md_count(f, pr->links);
        fputs(" | ", f);
        md_real(f, pr->distance);
        fputs(" | ", f);
        md_brokers_cell(f, ds, g, pr);
        fputs(" | ", f);
        md_cut_names(f, ds, g, pr, 0);
        fputs(" |\n", f);
    }
}

static void md_fragile_pairs(FILE *f, const kl_dataset_t *ds, const kl_agraph_t *g, const kl_regions_t *rg,
                             const uint32_t *by_links, uint32_t n_conn, uint32_t n_fragile)
{
    fputs("\n### Fragile region pairs\n\n", f);
    if (n_fragile == 0) {
        fputs("No region pair hangs on a single actor: removing any one actor leaves every connected pair of "
              "regions connected.\n",
              f);
        return;
    }
    fprintf(f, "%u region pair%s lose%s every connection if one actor leaves", n_fragile, n_fragile == 1 ? "" : "s",
            n_fragile == 1 ? "s" : "");
    if (n_fragile > KL_REPORT_LIST_ROWS)
        fprintf(f, "; the %u with most links", KL_REPORT_LIST_ROWS);
    fputs(":\n\n", f);
    uint32_t said = 0;
    for (uint32_t i = 0; i < n_conn && said < KL_REPORT_LIST_ROWS; i++) {
        const kl_region_pair_t *pr = &rg->pairs[by_links[i]];
        if (!pr->n_cut)
            continue;
        said++;
        fputs("- Every connection between ", f);
        md_region(f, ds, pr->a);
        fputs(" and ", f);
        md_region(f, ds, pr->b);
        fputs(" runs through ", f);
        md_cut_names(f, ds, g, pr, 1);
        fputs(pr->n_cut == 1 ? ": removing it disconnects the two regions (" : ": removing any one of them "
                                                                              "disconnects the two regions (",
              f);
        md_count(f, pr->links);
        fputs(pr->links == 1 ? " link).\n" : " links).\n", f);
    }
}

/* Regions with actors that no path joins to any other region of the report,
 * then the other unconnected pairs, both bounded. */
static int md_unconnected(FILE *f, const kl_dataset_t *ds, const kl_regions_t *rg, const uint8_t *shown,
                          uint32_t n_unconn)
{
    if (n_unconn == 0)
        return 0;
    /* per region: shown pairs and connected ones, in O(P) */
    uint32_t *pairs = calloc((size_t)ds->n_regions + 1, sizeof *pairs);
    uint32_t *conn = calloc((size_t)ds->n_regions + 1, sizeof *conn);
    if (!pairs || !conn) {
        free(pairs);
        free(conn);
        errno = ENOMEM;
        return -1;
    }
    for (uint32_t p = 0; p < rg->n_pairs; p++) {
        const kl_region_pair_t *pr = &rg->pairs[p];
        if (!pair_shown_p(shown, p))
            continue;
        pairs[pr->a]++, pairs[pr->b]++;
        conn[pr->a] += pr->connected != 0, conn[pr->b] += pr->connected != 0;
    }
    fputs("\n### Not connected\n\n", f);
    uint32_t alone = 0, listed = 0;
    for (uint32_t i = 0; i < rg->n_regions; i++) {
        uint32_t r = rg->regions[i].region;
        if (!rg->regions[i].actors || pairs[r] < 2 || conn[r])
            continue;
        if (alone++ < KL_REPORT_LIST_ROWS) {
            fputs("- No actor connects ", f);
            md_region(f, ds, r);
            fputs(" with any other region.\n", f);
        }
    }
    if (alone > KL_REPORT_LIST_ROWS)
        fprintf(f, "- And %u more regions that no actor connects with any other region.\n",
                alone - KL_REPORT_LIST_ROWS);
    uint32_t rest = 0;
    for (uint32_t p = 0; p < rg->n_pairs; p++) {
        const kl_region_pair_t *pr = &rg->pairs[p];
        /* pairs already said by the sentences on whole regions */
        int said = (pairs[pr->a] > 1 && !conn[pr->a]) || (pairs[pr->b] > 1 && !conn[pr->b]);
        if (!pair_shown_p(shown, p) || pr->connected || said)
            continue;
        if (listed++ >= KL_REPORT_LIST_ROWS) {
            rest++;
            continue;
        }
        fputs("- No actor connects ", f);
        md_region(f, ds, pr->a);
        fputs(" and ", f);
        md_region(f, ds, pr->b);
        fputs(".\n", f);
    }
    if (rest)
        fprintf(f, "- And %u more region pairs that no actor connects.\n", rest);
    free(pairs);
    free(conn);
    return ferror(f) ? -1 : 0;
}

/* The region pairs for a reader, bounded whatever the number of regions: a
 * summary line, the pairs with most links and their brokers, the fragile
 * pairs, the pairs nothing connects, and where the rest is (elsewhere: the
 * outputs that list every pair).  shown: the pairs of the report, or NULL
 * for all.  Returns 0, or -1 with errno set. */
static int md_region_pairs(FILE *f, const kl_dataset_t *ds, const kl_agraph_t *g, const kl_regions_t *rg,
                           const uint8_t *shown, const char *elsewhere, const char *more_brokers)
{
    kl_pair_counts_t c;
    kl_region_pairs_count(rg, shown, &c);
    fprintf(f, "**Summary:** %u regions have actors; %u region pairs%s: %u connected, %u not connected, "
               "%u fragile (every connection runs through one actor).\n\n",
            c.regions_with_actors, c.pairs, shown ? " among the regions asked for" : "", c.connected,
            c.pairs - c.connected, c.fragile);
    if (c.pairs == 0)
        return ferror(f) ? -1 : 0;
    uint32_t *by_links = malloc(((size_t)rg->n_pairs + 1) * sizeof *by_links);
    if (!by_links) {
        errno = ENOMEM;
        return -1;
    }
    uint32_t n_conn = kl_region_pairs_by_links(rg, shown, by_links);
    uint32_t rows = n_conn < KL_REPORT_PAIR_ROWS ? n_conn : KL_REPORT_PAIR_ROWS;
    if (n_conn == 0) {
        fputs("No two regions are connected: every path between actors stays inside one region.\n", f);
    } else {
        if (rows < n_conn)
            fprintf(f, "### The %u region pairs with most links\n\n", rows);
        else
            fputs("### Connected region pairs, most links first\n\n", f);
        md_top_pairs(f, ds, g, rg, by_links, rows);
        uint32_t without = 0;
        for (uint32_t i = 0; i < rows; i++)
            without += !rg->pairs[by_links[i]].has_brokers;
        if (without)
            fprintf(f, "\nWith many regions, brokers are computed for the pairs with most links only; %s.\n",
                    more_brokers);
    }
    md_fragile_pairs(f, ds, g, rg, by_links, n_conn, c.fragile);
    free(by_links);
    if (md_unconnected(f, ds, rg, shown, c.pairs - c.connected) != 0)
        return -1;
    fprintf(f, "\nAll %u region pairs, with links, distance, brokers and cut actors, are in %s.", c.pairs,
            elsewhere);
    if (rows < n_conn)
        fprintf(f, "  The table above shows the %u of %u connected pairs with most links.", rows, n_conn);
    fputs("\n", f);
    return ferror(f) ? -1 : 0;
}

static void md_regions_table(FILE *f, const kl_dataset_t *ds, const kl_regions_t *rg)
{
    fputs("| region | actors | internal ties | ties to other regions | ties to regionless actors | E-I index |\n"
          "|---|---:|---:|---:|---:|---:|\n",
          f);
    for (uint32_t i = 0; i < rg->n_regions; i++) {
        const kl_region_info_t *ri = &rg->regions[i];
        fputs("| ", f);
        md_region(f, ds, ri->region);
        fprintf(f, " | %u | %u | %u | %u | ", ri->actors, ri->internal_ties, ri->external_ties, ri->regionless_ties);
        md_real(f, ri->ei_index);
        fputs(" |\n", f);
    }
}

/* The warning of DEFINITIONS.md graph.dominant_actor, with the remedy. */
static void md_dominant(FILE *f, const kl_dataset_t *ds, const kl_agraph_t *g, int32_t v, double share)
{
    if (v < 0)
        return;
    fputs("> **One actor dominates the paths between regions.** ", f);
    md_actor(f, ds, g, (uint32_t)v);
    fputs(" lies on ", f);
    md_pct(f, share);
    fputs(" of all shortest paths between actors of different regions (irb share > 0.5).", f);
    if (g->options.mode == KL_MODE_FULL)
        fputs(" In the full graph an actor tied to many others (a funder, a programme, a project with many"
              " partners) links everyone it touches; `--mode organisations` shows how the organisations"
              " themselves connect.",
              f);
    fputs("\n\n", f);
}

/* -------------------------------------------------------------- bridges */

typedef struct {
    const double *key;
    const kl_dataset_t *ds;
    const kl_agraph_t *g;
} rank_ctx_t;

static int cmp_desc_then_id(const void *x, const void *y, void *ctx)
{
    const rank_ctx_t *c = ctx;
    uint32_t u = *(const uint32_t *)x, v = *(const uint32_t *)y;
    if (c->key[u] != c->key[v])
        return c->key[u] > c->key[v] ? -1 : 1;
    return strcmp(vertex_id(c->g, c->ds, u), vertex_id(c->g, c->ds, v));
}

/* The actors with key > 0 into idx, by key descending then id; returns how
 * many. */
static uint32_t ranked_actors(const kl_dataset_t *ds, const kl_agraph_t *g, const double *key, uint32_t *idx)
{
    uint32_t cnt = 0;
    for (uint32_t v = 0; v < g->n; v++)
        if (key[v] > 0)
            idx[cnt++] = v;
    rank_ctx_t c = {key, ds, g};
    qsort_r(idx, cnt, sizeof *idx, cmp_desc_then_id, &c);
    return cnt;
}

/* The top actors by key (> 0), by key descending then id; returns the count. */
static uint32_t top_actors(const kl_dataset_t *ds, const kl_agraph_t *g, const double *key, uint32_t top,
                           uint32_t *idx)
{
    uint32_t cnt = ranked_actors(ds, g, key, idx);
    return cnt < top ? cnt : top;
}

static json_t *bridges_graph_json(const kl_bridges_report_t *r)
{
    const kl_regions_t *rg = r->regions;
    json_t *o = json_object(), *x;
    int ok = o != NULL;
    if (!ok)
        return NULL;
    jset(o, "nodes", json_integer(r->g->n), &ok);
    jset(o, "edges", json_integer(r->g->csr.m), &ok);
    jset(o, "mode", json_string(mode_name(r->g->options.mode)), &ok);
    jset(o, "cross_region_pairs", jreal(rg->cross_pairs), &ok);
    if (rg->epsilon > 0) {
        x = json_object();
        if (x) {
            jset(x, "method", json_string("pairs"), &ok);
            jset(x, "epsilon", jreal(rg->epsilon), &ok);
            jset(x, "delta", jreal(rg->delta), &ok);
            jset(x, "samples", json_integer((json_int_t)rg->pair_samples), &ok);
        }
    } else {
        x = json_null();
    }
    jset(o, "sampled", x, &ok);
    if (rg->dominant_actor >= 0) {
        x = json_object();
        if (x) {
            jset(x, "id", json_string(vertex_id(r->g, r->ds, (uint32_t)rg->dominant_actor)), &ok);
            jset(x, "irb_share", jreal(rg->irb_share[rg->dominant_actor]), &ok);
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

static json_t *broker_actor_json(const kl_bridges_report_t *r, uint32_t v)
{
    const kl_regions_t *rg = r->regions;
    const kl_entity_t *e = &r->ds->entities[r->g->vertex_entity[v]];
    int32_t reg = r->g->vertex_region[v];
    json_t *o = json_object();
    int ok = o != NULL;
    if (!ok)
        return NULL;
    jset(o, "id", json_string(e->id), &ok);
    jset(o, "name", json_string(e->name), &ok);
    jset(o, "kind", json_string(kl_kind_name(e->kind)), &ok);
    jset(o, "region", reg >= 0 ? json_string(r->ds->regions[reg].id) : json_null(), &ok);
    jset(o, "irb", jreal(rg->irb[v]), &ok);
    jset(o, "irb_share", jreal(rg->irb_share[v]), &ok);
    jset(o, "regions_reached", json_integer(rg->regions_reached[v]), &ok);
    jset(o, "participation_region", jreal(rg->participation_region[v]), &ok);
    jset(o, "ei_index", jreal(rg->ei_index[v]), &ok);
    jset(o, "disconnects", json_integer((json_int_t)rg->disconnects[v]), &ok);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

int kl_write_bridges_json(FILE *f, const kl_bridges_report_t *r)
{
    kl_report_t base = {r->ds, r->g, NULL, r->dataset_path, r->top, r->regions, NULL, NULL};
    uint32_t *idx = malloc(((size_t)r->g->n + 1) * sizeof *idx);
    if (!idx) {
        errno = ENOMEM;
        return -1;
    }
    int rc = -1;
    fputs("{\"format\":\"" KL_BRIDGES_FORMAT "\",\n\"dataset\":", f);
    if (dump(f, dataset_json(&base)) < 0)
        goto done;
    fputs(",\n\"graph\":", f);
    if (dump(f, bridges_graph_json(r)) < 0)
        goto done;
    if (write_region_arrays(f, r->ds, r->g, r->regions, r->pair_shown) < 0)
        goto done;
    fputs(",\n\"brokers\":[", f);
    uint32_t k = top_actors(r->ds, r->g, r->regions->irb, r->top, idx);
    for (uint32_t i = 0; i < k; i++) {
        fputs(i ? ",\n" : "\n", f);
        if (dump(f, broker_actor_json(r, idx[i])) < 0)
            goto done;
    }
    fputs(k ? "\n]}\n" : "]}\n", f);
    rc = ferror(f) ? -1 : 0;
done:
    free(idx);
    if (rc && !errno)
        errno = EIO;
    return rc;
}

int kl_write_bridges_csv(FILE *f, const kl_bridges_report_t *r)
{
    const kl_regions_t *rg = r->regions;
    char num[40];
    fputs("a,b,a_name,b_name,connected,direct_ties,distance,actor_pairs,links,brokers,brokers_epsilon,"
          "brokers_delta,cut_actors,fragile\r\n",
          f);
    for (uint32_t p = 0; p < rg->n_pairs; p++) {
        const kl_region_pair_t *pr = &rg->pairs[p];
        if (!pair_shown_p(r->pair_shown, p))
            continue;
        csv_text(f, r->ds->regions[pr->a].id);
        fputc(',', f);
        csv_text(f, r->ds->regions[pr->b].id);
        fputc(',', f);
        csv_text(f, r->ds->regions[pr->a].name);
        fputc(',', f);
        csv_text(f, r->ds->regions[pr->b].name);
        fprintf(f, ",%s,%u,", pr->connected ? "true" : "false", pr->direct_ties);
        csv_real(f, pr->distance);
        fputc(',', f);
        csv_real(f, pr->actor_pairs);
        fprintf(f, ",%.0f,", pr->links);
        /* brokers as id:share separated by |, in one cell */
        if (pr->has_brokers) {
            size_t len = 1;
            for (uint32_t i = 0; i < pr->n_brokers; i++)
                len += strlen(vertex_id(r->g, r->ds, pr->brokers[i].vertex)) + 40;
            char *cell = malloc(len);
            if (!cell) {
                errno = ENOMEM;
                return -1;
            }
            cell[0] = '\0';
            for (uint32_t i = 0; i < pr->n_brokers; i++) {
                size_t at = strlen(cell);
                snprintf(cell + at, len - at, "%s%s:%s", i ? "|" : "", vertex_id(r->g, r->ds, pr->brokers[i].vertex),
                         kl_format_real(pr->brokers[i].share, num));
            }
            csv_text(f, cell);
            free(cell);
        }
        /* sampled brokers' guarantee; empty when exact or not computed */
        fputc(',', f);
        if (pr->brokers_epsilon > 0) {
            csv_real(f, pr->brokers_epsilon);
            fputc(',', f);
            csv_real(f, rg->delta);
        } else {
            fputc(',', f);
        }
        fputc(',', f);
        size_t len = 1;
        for (uint32_t i = 0; i < pr->n_cut; i++)
            len += strlen(vertex_id(r->g, r->ds, pr->cut[i])) + 1;
        char *cell = malloc(len);
        if (!cell) {
            errno = ENOMEM;
            return -1;
        }
        cell[0] = '\0';
        for (uint32_t i = 0; i < pr->n_cut; i++) {
            if (i)
                strcat(cell, "|");
            strcat(cell, vertex_id(r->g, r->ds, pr->cut[i]));
        }
        csv_text(f, cell);
        free(cell);
        fprintf(f, ",%s\r\n", pr->n_cut ? "true" : "false");
        if (ferror(f))
            return -1;
    }
    return ferror(f) ? -1 : 0;
}

int kl_write_bridges_md(FILE *f, const kl_bridges_report_t *r)
{
    const kl_regions_t *rg = r->regions;
    const kl_dataset_t *ds = r->ds;
    uint32_t *idx = malloc(((size_t)r->g->n + 1) * sizeof *idx);
    if (!idx) {
        errno = ENOMEM;
        return -1;
    }
    fputs("# Who connects the regions: ", f);
    md_text(f, ds->title ? ds->title : ds->id ? ds->id : r->dataset_path);
    fprintf(f, "\n\n%u actors and %u ties (%s mode).  ", r->g->n, r->g->csr.m, mode_name(r->g->options.mode));
    fputs("Of the pairs of actors in different regions, ", f);
    md_count(f, rg->cross_pairs);
    fputs(" are connected by some path.\n\n", f);
    if (rg->epsilon > 0)
        fprintf(f,
                "Estimated from %llu sampled shortest paths: with probability at least %g, every inter-regional "
                "betweenness is within %g of the connected pairs above, and each broker's share within %g.\n\n",
                (unsigned long long)rg->pair_samples, 1 - rg->delta, rg->epsilon, rg->broker_epsilon);
    if (rg->dominant_actor >= 0)
        md_dominant(f, ds, r->g, rg->dominant_actor, rg->irb_share[rg->dominant_actor]);

    fputs("## Region pairs\n\n", f);
    if (md_region_pairs(f, ds, r->g, rg, r->pair_shown, "`--format json` and `--format csv`",
                        "`--regions` computes them for the pairs of the regions named, `--all-pairs` for every "
                        "pair") != 0) {
        free(idx);
        return -1;
    }
    uint32_t cnt = ranked_actors(ds, r->g, rg->irb, idx);
    kl_top_plan_t plan;
    kl_top_plan(&plan, rg->irb, idx, cnt, r->g->n, r->top);
    if (plan.rows)
        fprintf(f, "\n## Top %u actors between regions (inter-regional betweenness)\n\n", plan.rows);
    else
        fputs("\n## Actors between regions (inter-regional betweenness)\n\n", f);
    if (cnt == 0) {
        fputs("No actor lies inside a shortest path between actors of different regions.\n", f);
    } else {
        char first[40];
        snprintf(first, sizeof first, "%.1f%%", 100.0 * rg->irb_share[idx[0]]);
        md_top_note(f, &plan, "irb share", first, "lies between regions", "lie between regions");
    }
    if (plan.rows) {
        fputs("Share: of the connected pairs of actors in different regions, the part of their shortest paths "
              "that runs through the actor.  Disconnects: such pairs that lose every path without it.\n\n"
              "| # | actor | kind | region | irb share | regions reached | disconnects |\n"
              "|---:|---|---|---|---:|---:|---:|\n",
              f);
        for (uint32_t i = 0; i < plan.rows; i++) {
            uint32_t v = idx[i];
            md_actor_row_start(f, ds, r->g, i + 1, v, 1);
            md_pct(f, rg->irb_share[v]);
            fprintf(f, " | %u | %llu |\n", rg->regions_reached[v], (unsigned long long)rg->disconnects[v]);
        }
        char last[40];
        snprintf(last, sizeof last, "%.1f%%", 100.0 * rg->irb_share[idx[plan.rows - 1]]);
        md_top_tail(f, &plan, last);
    }
    fputs("\n## Regions\n\n", f);
    md_regions_table(f, ds, rg);
    free(idx);
    if (ferror(f)) {
        if (!errno)
            errno = EIO;
        return -1;
    }
    return 0;
}

/* --------------------------------------------------------------- whatif */

static double ratio(double a, double b)
{
    return b > 0 ? a / b : NAN;
}

static json_t *state_json(const kl_whatif_t *w, const kl_whatif_state_t *st)
{
    json_t *o = json_object();
    int ok = o != NULL;
    if (!ok)
        return NULL;
    uint32_t conn = 0;
    for (uint32_t p = 0; p < w->n_pairs; p++)
        conn += st->pair_connected[p];
    jset(o, "actors_with_region", json_integer(st->actors), &ok);
    jset(o, "cross_region_pairs", jreal(st->cross_pairs), &ok);
    jset(o, "connected_pairs", jreal(st->connected_pairs), &ok);
    jset(o, "reachability", jreal(ratio(st->connected_pairs, st->cross_pairs)), &ok);
    jset(o, "mean_distance", jreal(ratio(st->distance_sum, st->connected_pairs)), &ok);
    jset(o, "connected_region_pairs", json_integer(conn), &ok);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* The actor pairs that stay connected, their mean distance before and
 * after: unlike the means over all connected pairs, these compare the same
 * pairs, so a disconnection cannot pass for a shortening. */
static json_t *stayed_json(const kl_whatif_t *w)
{
    json_t *o = json_object();
    int ok = o != NULL;
    if (!ok)
        return NULL;
    jset(o, "actor_pairs", jreal(w->after.connected_pairs), &ok);
    jset(o, "mean_distance_before", jreal(ratio(w->kept_distance_sum, w->after.connected_pairs)), &ok);
    jset(o, "mean_distance_after", jreal(ratio(w->after.distance_sum, w->after.connected_pairs)), &ok);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *whatif_pair_json(const kl_whatif_report_t *r, uint32_t p)
{
    const kl_whatif_t *w = r->cmp;
    json_t *o = json_object();
    int ok = o != NULL;
    if (!ok)
        return NULL;
    jset(o, "a", json_string(r->ds->regions[w->pair_a[p]].id), &ok);
    jset(o, "b", json_string(r->ds->regions[w->pair_b[p]].id), &ok);
    jset(o, "connected_before", json_boolean(w->before.pair_connected[p]), &ok);
    jset(o, "connected_after", json_boolean(w->after.pair_connected[p]), &ok);
    jset(o, "distance_before", jreal(w->before.pair_distance[p]), &ok);
    jset(o, "distance_after", jreal(w->after.pair_distance[p]), &ok);
    jset(o, "lost", json_boolean(w->before.pair_connected[p] && !w->after.pair_connected[p]), &ok);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *rank_json(const kl_whatif_report_t *r, uint32_t v)
{
    const kl_entity_t *e = &r->ds->entities[r->g->vertex_entity[v]];
    int32_t reg = r->g->vertex_region[v];
    json_t *o = json_object();
    int ok = o != NULL;
    if (!ok)
        return NULL;
    jset(o, "id", json_string(e->id), &ok);
    jset(o, "name", json_string(e->name), &ok);
    jset(o, "kind", json_string(kl_kind_name(e->kind)), &ok);
    jset(o, "region", reg >= 0 ? json_string(r->ds->regions[reg].id) : json_null(), &ok);
    jset(o, "disconnects", json_integer((json_int_t)r->disconnects[v]), &ok);
    jset(o, "share", jreal(ratio((double)r->disconnects[v], r->cross_pairs)), &ok);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* The ranking's order, in idx; returns the number kept. */
static uint32_t rank_order(const kl_whatif_report_t *r, uint32_t *idx, double *key)
{
    for (uint32_t v = 0; v < r->g->n; v++)
        key[v] = (double)r->disconnects[v];
    return top_actors(r->ds, r->g, key, r->top, idx);
}

int kl_write_whatif_json(FILE *f, const kl_whatif_report_t *r)
{
    kl_report_t base = {r->ds, r->g, NULL, r->dataset_path, r->top, NULL, NULL, NULL};
    uint32_t *idx = malloc(((size_t)r->g->n + 1) * sizeof *idx);
    double *key = malloc(((size_t)r->g->n + 1) * sizeof *key);
    int rc = -1;
    if (!idx || !key) {
        errno = ENOMEM;
        goto done;
    }
    fputs("{\"format\":\"" KL_WHATIF_FORMAT "\",\n\"dataset\":", f);
    if (dump(f, dataset_json(&base)) < 0)
        goto done;
    fprintf(f, ",\n\"mode\":\"%s\"", mode_name(r->g->options.mode));
    if (r->cmp) {
        const kl_whatif_t *w = r->cmp;
        fputs(",\n\"removed\":[", f);
        for (uint32_t i = 0; i < r->n_removed; i++) {
            if (i)
                fputc(',', f);
            if (dump(f, json_string(vertex_id(r->g, r->ds, r->removed[i]))) < 0)
                goto done;
        }
        fputs("],\n\"before\":", f);
        if (dump(f, state_json(w, &w->before)) < 0)
            goto done;
        fputs(",\n\"after\":", f);
        if (dump(f, state_json(w, &w->after)) < 0)
            goto done;
        fputs(",\n\"lost_actor_pairs\":", f);
        if (dump(f, jreal(w->lost_pairs)) < 0)
            goto done;
        fputs(",\n\"stayed_connected\":", f);
        if (dump(f, stayed_json(w)) < 0)
            goto done;
        fputs(",\n\"region_pairs\":[", f);
        for (uint32_t p = 0; p < w->n_pairs; p++) {
            fputs(p ? ",\n" : "\n", f);
            if (dump(f, whatif_pair_json(r, p)) < 0)
                goto done;
        }
        fputs(w->n_pairs ? "\n]}\n" : "]}\n", f);
    } else {
        fputs(",\n\"cross_region_pairs\":", f);
        if (dump(f, jreal(r->cross_pairs)) < 0)
            goto done;
        fputs(",\n\"rank\":[", f);
        uint32_t k = rank_order(r, idx, key);
        for (uint32_t i = 0; i < k; i++) {
            fputs(i ? ",\n" : "\n", f);
            if (dump(f, rank_json(r, idx[i])) < 0)
                goto done;
        }
        fputs(k ? "\n]}\n" : "]}\n", f);
    }
    rc = ferror(f) ? -1 : 0;
done:
    free(idx);
    free(key);
    if (rc && !errno)
        errno = EIO;
    return rc;
}

int kl_write_whatif_csv(FILE *f, const kl_whatif_report_t *r)
{
    if (r->cmp) {
        const kl_whatif_t *w = r->cmp;
        fputs("a,b,connected_before,connected_after,distance_before,distance_after,lost\r\n", f);
        for (uint32_t p = 0; p < w->n_pairs; p++) {
            csv_text(f, r->ds->regions[w->pair_a[p]].id);
            fputc(',', f);
            csv_text(f, r->ds->regions[w->pair_b[p]].id);
            fprintf(f, ",%s,%s,", w->before.pair_connected[p] ? "true" : "false",
                    w->after.pair_connected[p] ? "true" : "false");
            csv_real(f, w->before.pair_distance[p]);
            fputc(',', f);
            csv_real(f, w->after.pair_distance[p]);
            fprintf(f, ",%s\r\n", w->before.pair_connected[p] && !w->after.pair_connected[p] ? "true" : "false");
        }
        return ferror(f) ? -1 : 0;
    }
    uint32_t *idx = malloc(((size_t)r->g->n + 1) * sizeof *idx);
    double *key = malloc(((size_t)r->g->n + 1) * sizeof *key);
    if (!idx || !key) {
        free(idx);
        free(key);
        errno = ENOMEM;
        return -1;
    }
    fputs("rank,id,name,kind,region,disconnects,share\r\n", f);
    uint32_t k = rank_order(r, idx, key);
    for (uint32_t i = 0; i < k; i++) {
        uint32_t v = idx[i];
        const kl_entity_t *e = &r->ds->entities[r->g->vertex_entity[v]];
        fprintf(f, "%u,", i + 1);
        csv_text(f, e->id);
        fputc(',', f);
        csv_text(f, e->name);
        fprintf(f, ",%s,", kl_kind_name(e->kind));
        if (r->g->vertex_region[v] >= 0)
            csv_text(f, r->ds->regions[r->g->vertex_region[v]].id);
        fprintf(f, ",%llu,", (unsigned long long)r->disconnects[v]);
        csv_real(f, ratio((double)r->disconnects[v], r->cross_pairs));
        fputs("\r\n", f);
    }
    free(idx);
    free(key);
    return ferror(f) ? -1 : 0;
}

static void md_before_after(FILE *f, const char *label, double before, double after, int pct)
{
    fprintf(f, "| %s | ", label);
    if (pct && isfinite(before))
        md_pct(f, before);
    else
        md_real(f, before);
    fputs(" | ", f);
    if (pct && isfinite(after))
        md_pct(f, after);
    else
        md_real(f, after);
    fputs(" |\n", f);
}

/* A region pair whose connection is lost (lost = 1) or whose distance grew
 * (lost = 0) by the removal. */
static int whatif_pair_is(const kl_whatif_t *w, uint32_t p, int lost)
{
    if (!w->before.pair_connected[p])
        return 0;
    if (lost)
        return !w->after.pair_connected[p];
    return w->after.pair_connected[p] && w->after.pair_distance[p] > w->before.pair_distance[p] * (1 + 1e-9);
}

static uint32_t whatif_pairs_count(const kl_whatif_t *w, int lost)
{
    uint32_t k = 0;
    for (uint32_t p = 0; p < w->n_pairs; p++)
        k += (uint32_t)whatif_pair_is(w, p, lost);
    return k;
}

/* The region pairs lost or grown apart, at most KL_REPORT_LIST_ROWS. */
static void md_whatif_pairs(FILE *f, const kl_whatif_report_t *r, int lost, uint32_t total)
{
    const kl_whatif_t *w = r->cmp;
    uint32_t said = 0;
    for (uint32_t p = 0; p < w->n_pairs && said < KL_REPORT_LIST_ROWS; p++) {
        if (!whatif_pair_is(w, p, lost))
            continue;
        said++;
        fputs("- ", f);
        md_region(f, r->ds, w->pair_a[p]);
        fputs(" and ", f);
        md_region(f, r->ds, w->pair_b[p]);
        fputs(lost ? " (distance " : ": distance ", f);
        md_real(f, w->before.pair_distance[p]);
        if (lost) {
            fputs(" before)\n", f);
        } else {
            fputs(" → ", f);
            md_real(f, w->after.pair_distance[p]);
            fputs("\n", f);
        }
    }
    if (total > said)
        fprintf(f, "- and %u more (the JSON and CSV outputs list every region pair)\n", total - said);
}

/* whatif --remove in words: what is disconnected, whether paths get longer,
 * then the numbers before and after and the region pairs concerned. */
static void md_whatif_remove(FILE *f, const kl_whatif_report_t *r)
{
    const kl_whatif_t *w = r->cmp;
    const kl_dataset_t *ds = r->ds;
    fputs("# What if ", f);
    md_actor_list(f, ds, r->g, r->removed, r->n_removed);
    fprintf(f, " %s gone?\n\nDataset ", r->n_removed == 1 ? "were" : "were all");
    md_text(f, ds->title ? ds->title : ds->id ? ds->id : r->dataset_path);
    fprintf(f, ", %s mode.\n\n", mode_name(r->g->options.mode));
    uint32_t cb = 0, ca = 0, lost = whatif_pairs_count(w, 1), longer = whatif_pairs_count(w, 0);
    for (uint32_t p = 0; p < w->n_pairs; p++) {
        cb += w->before.pair_connected[p];
        ca += w->after.pair_connected[p];
    }
    /* pairs with a removed actor at one end vanish with it: not a disconnection */
    double own = w->before.connected_pairs - w->after.connected_pairs - w->lost_pairs;
    fputs("- ", f);
    if (w->lost_pairs > 0) {
        fputs("**", f);
        md_count(f, w->lost_pairs);
        fputs(w->lost_pairs == 1 ? " pair of actors in different regions is disconnected**"
                                 : " pairs of actors in different regions are disconnected**",
              f);
    } else {
        fputs("**No pair of actors in different regions is disconnected**", f);
    }
    fputs(" (neither of them removed); ", f);
    md_count(f, w->after.connected_pairs);
    fputs(" stay connected", f);
    if (own > 0) {
        fputs("; ", f);
        md_count(f, own);
        fputs(" more had a removed actor at one end", f);
    }
    fputs(".\n- ", f);
    if (lost)
        fprintf(f, "**%u of %u connected region pairs lose%s every connection** (below).\n- ", lost, cb,
                lost == 1 ? "s" : "");
    else
        fprintf(f, "Every one of the %u connected region pairs stays connected.\n- ", cb);
    double mean_before = ratio(w->kept_distance_sum, w->after.connected_pairs);
    double mean_after = ratio(w->after.distance_sum, w->after.connected_pairs);
    if (!(w->after.connected_pairs > 0)) {
        fputs("No pair of actors in different regions stays connected.\n", f);
    } else if (mean_after > mean_before * (1 + 1e-9)) {
        fputs("**Paths get longer**: for the pairs that stay connected, the mean distance grows from ", f);
        md_real(f, mean_before);
        fputs(" to ", f);
        md_real(f, mean_after);
        if (longer)
            fprintf(f, ", and %u region pair%s grow%s apart (below)", longer, longer == 1 ? "" : "s",
                    longer == 1 ? "s" : "");
        fputs(".\n", f);
    } else {
        fputs("Paths do not get longer: the pairs that stay connected keep their shortest paths (mean distance ",
              f);
        md_real(f, mean_after);
        fputs(").\n", f);
    }
    fputs("\n| measure | before | after |\n|---|---:|---:|\n", f);
    md_before_after(f, "connected region pairs", cb, ca, 0);
    md_before_after(f, "connected cross-region actor pairs", w->before.connected_pairs, w->after.connected_pairs, 0);
    md_before_after(f, "inter-regional reachability (share of cross-region pairs connected)",
                    ratio(w->before.connected_pairs, w->before.cross_pairs),
                    ratio(w->after.connected_pairs, w->after.cross_pairs), 1);
    md_before_after(f, "mean distance of the pairs that stay connected", mean_before, mean_after, 0);
    md_before_after(f, "mean distance of all connected pairs", ratio(w->before.distance_sum, w->before.connected_pairs),
                    ratio(w->after.distance_sum, w->after.connected_pairs), 0);
    fputs("\nThe mean over all connected pairs can fall when distant pairs are disconnected; the mean over the pairs "
          "that stay connected compares the same pairs before and after.\n",
          f);
    fputs("\n## Region pairs that lose their connection\n\n", f);
    if (!lost)
        fputs("None.\n", f);
    md_whatif_pairs(f, r, 1, lost);
    if (longer) {
        fputs("\n## Region pairs that grow apart\n\n", f);
        md_whatif_pairs(f, r, 0, longer);
    }
}

int kl_write_whatif_md(FILE *f, const kl_whatif_report_t *r)
{
    const kl_dataset_t *ds = r->ds;
    if (r->cmp) {
        md_whatif_remove(f, r);
    } else {
        uint32_t *idx = malloc(((size_t)r->g->n + 1) * sizeof *idx);
        double *key = malloc(((size_t)r->g->n + 1) * sizeof *key);
        if (!idx || !key) {
            free(idx);
            free(key);
            errno = ENOMEM;
            return -1;
        }
        for (uint32_t v = 0; v < r->g->n; v++)
            key[v] = (double)r->disconnects[v];
        uint32_t cnt = ranked_actors(ds, r->g, key, idx);
        kl_top_plan_t plan;
        kl_top_plan(&plan, key, idx, cnt, r->g->n, r->top);
        fputs("# Keystone actors: ", f);
        md_text(f, ds->title ? ds->title : ds->id ? ds->id : r->dataset_path);
        fprintf(f, "\n\nActors ranked by how many connected pairs of actors in different regions (neither of them"
                   " the actor) lose every path when the actor is removed (%s mode; ",
                mode_name(r->g->options.mode));
        md_count(f, r->cross_pairs);
        fputs(" such pairs are connected now).\n\n", f);
        if (cnt == 0) {
            fputs("No single actor's removal disconnects any two regions' actors.\n", f);
        } else {
            char num[40];
            snprintf(num, sizeof num, "%.0f", key[idx[0]]);
            md_top_note(f, &plan, "pairs disconnected", num, "disconnects a pair", "disconnect a pair");
        }
        if (plan.rows) {
            fputs("| # | actor | kind | region | pairs disconnected | share |\n|---:|---|---|---|---:|---:|\n", f);
            for (uint32_t i = 0; i < plan.rows; i++) {
                uint32_t v = idx[i];
                md_actor_row_start(f, ds, r->g, i + 1, v, 1);
                fprintf(f, "%llu | ", (unsigned long long)r->disconnects[v]);
                md_pct(f, ratio((double)r->disconnects[v], r->cross_pairs));
                fputs(" |\n", f);
            }
            char num[40];
            snprintf(num, sizeof num, "%.0f", key[idx[plan.rows - 1]]);
            md_top_tail(f, &plan, num);
        }
        free(idx);
        free(key);
    }
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
    int fd = kl_cli_temp_create(o->tmp, 0); /* an interrupt removes it */
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
        kl_cli_temp_unregister(o->tmp);
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
    if (e)
        unlink(o->tmp);
    kl_cli_temp_unregister(o->tmp);
    errno = e;
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
        kl_cli_temp_unregister(o->tmp);
    } else if (o->f && o->direct) {
        fclose(o->f); /* a device or FIFO: nothing to take back */
    }
    free(o->path);
    free(o->tmp);
    memset(o, 0, sizeof *o);
}
