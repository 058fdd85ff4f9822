/* viz/view.c - which actors (or regions) and ties a diagram shows: the whole
 * graph or its top N, an ego network, the region map, shortest paths; then
 * which actors are named, which hang on a hub as one node, which are left
 * out, and which bridges are drawn as such. */
#include "viz_internal.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

double kl_i_metric(const kl_analysis_t *res, kl_viz_size by, uint32_t u)
{
    double x;
    switch (by) {
    case KL_SIZE_BETWEENNESS: x = res->betweenness[u]; break;
    case KL_SIZE_PAGERANK: x = res->pagerank[u]; break;
    case KL_SIZE_DEGREE: x = res->degree[u]; break;
    default: x = res->irb[u]; break;
    }
    return isfinite(x) ? x : 0.0;
}

void kl_i_view_destroy(kl_i_view_t *v)
{
    if (!v)
        return;
    free(v->node);
    free(v->focus);
    free(v->eu);
    free(v->ev);
    free(v->ew);
    free(v->ebridge);
    free(v->ebroker);
    free(v->nactors);
    free(v->lat);
    free(v->lon);
    free(v->broker);
    free(v->labelled);
    free(v->name);
    free(v->group);
    free(v->member);
    for (uint32_t e = 0; v->short_names && e < v->n_short_names; e++)
        free(v->short_names[e]);
    free(v->short_names);
    memset(v, 0, sizeof *v);
}

/* ---------------------------------------------------------------- names */

typedef struct {
    const char *text;
    uint32_t entity;
} named_t;

static int cmp_named(const void *a, const void *b)
{
    const named_t *p = a, *q = b;
    int c = strcmp(p->text, q->text);
    return c ? c : (p->entity > q->entity) - (p->entity < q->entity);
}

char *kl_i_short_name(const kl_attr_t *at, int *nomem)
{
    if (at->owner_kind != KL_OWNER_ENTITY || strcmp(at->key, "short_name") != 0)
        return NULL;
    json_t *j = json_loads(at->value_json, JSON_DECODE_ANY, NULL);
    const char *t = json_is_string(j) ? json_string_value(j) : NULL;
    char *copy = NULL;
    if (t && strspn(t, " ") < strlen(t) && !(copy = strdup(t)))
        *nomem = 1;
    json_decref(j);
    return copy;
}

/* v->short_names: each entity's first "short_name" attribute, decoded.  A
 * short name that several entities carry names none of them ("SINTEF" for
 * seven institutes, "ukjent", unknown, for hundreds of companies): those
 * entities keep their names.  O(attrs + s log s) for s short names. */
static kl_err short_names_build(kl_i_view_t *v, const kl_dataset_t *ds)
{
    uint32_t n = ds->n_entities, count = 0;
    int nomem = 0;
    if (!(v->short_names = calloc((size_t)n + 1, sizeof *v->short_names)))
        return KL_ENOMEM;
    v->n_short_names = n;
    for (uint32_t a = 0; a < ds->n_attrs && !nomem; a++) {
        const kl_attr_t *at = &ds->attrs[a];
        if (at->owner_kind != KL_OWNER_ENTITY || at->owner >= n || v->short_names[at->owner] ||
            strcmp(at->key, "short_name") != 0)
            continue;
        count += (v->short_names[at->owner] = kl_i_short_name(at, &nomem)) != NULL;
    }
    named_t *list = malloc(((size_t)count + 1) * sizeof *list);
    if (nomem || !list) {
        free(list);
        return KL_ENOMEM;
    }
    for (uint32_t e = 0, k = 0; e < n; e++)
        if (v->short_names[e])
            list[k++] = (named_t){v->short_names[e], e};
    qsort(list, count, sizeof *list, cmp_named);
    for (uint32_t i = 0, j; i < count; i = j) {
        for (j = i + 1; j < count && strcmp(list[i].text, list[j].text) == 0; j++)
            ;
        for (uint32_t k = i; j - i > 1 && k < j; k++) {
            free(v->short_names[list[k].entity]);
            v->short_names[list[k].entity] = NULL;
        }
    }
    free(list);
    return KL_OK;
}

/* The text entity e is labelled with under opt->label_by. */
static const char *entity_label(const kl_i_view_t *v, const kl_dataset_t *ds, const kl_viz_options_t *opt,
                                uint32_t e)
{
    if (opt->label_by == KL_LABEL_ID)
        return ds->entities[e].id;
    if (opt->label_by == KL_LABEL_SHORT_NAME && v->short_names && v->short_names[e])
        return v->short_names[e];
    return ds->entities[e].name;
}

/* -------------------------------------------------------------- bridges */

#define BRIDGE_SHARE 10 /* percent of its component's actors a bridge must cut off to be drawn as one */

/* Which edges of g are drawn as bridges: those bridges of the analysis graph
 * (not of the view, so that a tie looks the same in every view) that join
 * actors of two different regions, or whose loss cuts off at least
 * BRIDGE_SHARE percent of their component's actors, and at least two (a
 * single actor hanging on one tie is no split).  The part cut off is the
 * subtree under the bridge in a depth-first forest, where every bridge is a
 * tree edge.  A new array of g->csr.m flags (caller owns), NULL when out of
 * memory.  O(n + m). */
static uint8_t *bridges_that_matter(const kl_agraph_t *g, const kl_analysis_t *res)
{
    const kl_csr_t *c = &g->csr;
    size_t n = (size_t)g->n + 1;
    uint32_t *up = malloc(n * sizeof *up), *below = malloc(n * sizeof *below), *next = malloc(n * sizeof *next),
             *stack = malloc(n * sizeof *stack), *size = calloc(n, sizeof *size);
    uint8_t *out = calloc((size_t)c->m + 1, 1);
    if (!up || !below || !next || !stack || !size || !out) {
        free(out);
        out = NULL;
        goto cleanup;
    }
    for (uint32_t u = 0; u < g->n; u++)
        next[u] = UINT32_MAX; /* not reached yet */
    for (uint32_t s = 0; s < g->n; s++) {
        if (next[s] != UINT32_MAX)
            continue;
        size_t top = 0;
        stack[top++] = s, next[s] = c->offset[s], up[s] = UINT32_MAX, below[s] = 1;
        while (top) {
            uint32_t u = stack[top - 1];
            if (next[u] < c->offset[u + 1]) {
                uint32_t j = next[u]++, w = c->adj[j];
                if (next[w] == UINT32_MAX)
                    stack[top++] = w, next[w] = c->offset[w], up[w] = c->eid[j], below[w] = 1;
                continue;
            }
            top--;
            if (up[u] != UINT32_MAX)
                below[g->edge_from[up[u]] == u ? g->edge_to[up[u]] : g->edge_from[up[u]]] += below[u];
        }
    }
    for (uint32_t u = 0; u < g->n; u++)
        if (res->component[u] < g->n)
            size[res->component[u]]++;
    for (uint32_t e = 0; e < c->m; e++) {
        if (!res->bridge[e])
            continue;
        uint32_t a = g->edge_from[e], b = g->edge_to[e], child = up[b] == e ? b : a;
        uint32_t whole = res->component[child] < g->n ? size[res->component[child]] : 0;
        uint32_t cut = below[child] < whole - below[child] ? below[child] : whole - below[child];
        int32_t ra = g->vertex_region[a], rb = g->vertex_region[b];
        out[e] = (ra >= 0 && rb >= 0 && ra != rb) || (cut >= 2 && 100ull * cut >= (uint64_t)BRIDGE_SHARE * whole);
    }
cleanup:
    free(up);
    free(below);
    free(next);
    free(stack);
    free(size);
    return out;
}

static kl_err alloc_view(kl_i_view_t *v, uint32_t n, uint32_t m)
{
    v->n = n;
    v->m = m;
    v->node = calloc((size_t)n + 1, sizeof *v->node);
    v->focus = calloc((size_t)n + 1, 1);
    v->eu = calloc((size_t)m + 1, sizeof *v->eu);
    v->ev = calloc((size_t)m + 1, sizeof *v->ev);
    v->ew = calloc((size_t)m + 1, sizeof *v->ew);
    v->ebridge = calloc((size_t)m + 1, 1);
    v->ebroker = calloc((size_t)m + 1, sizeof *v->ebroker);
    v->nactors = calloc((size_t)n + 1, sizeof *v->nactors);
    if (!v->node || !v->focus || !v->eu || !v->ev || !v->ew || !v->ebridge || !v->ebroker || !v->nactors)
        return KL_ENOMEM;
    return KL_OK;
}

/* The view induced by keep[] (vertices) and, when ekeep is given, only the
 * edges it marks.  Nodes in actor-id order, edges by node pair; bridges
 * flagged by bridges_that_matter. */
static kl_err induced(kl_i_view_t *v, const kl_agraph_t *g, const kl_analysis_t *res, const uint8_t *keep,
                      const uint8_t *ekeep)
{
    uint32_t n = 0, m = 0;
    for (uint32_t i = 0; i < g->n; i++)
        n += keep[i] != 0;
    for (uint32_t e = 0; e < g->csr.m; e++)
        if (keep[g->edge_from[e]] && keep[g->edge_to[e]] && (!ekeep || ekeep[e]))
            m++;
    uint32_t *pos = malloc(((size_t)g->n + 1) * sizeof *pos);
    uint8_t *matters = bridges_that_matter(g, res);
    if (!pos || !matters || alloc_view(v, n, m) != KL_OK) {
        free(pos);
        free(matters);
        return KL_ENOMEM;
    }
    uint32_t k = 0;
    for (uint32_t i = 0; i < g->n; i++) {
        uint32_t u = res->order[i];
        if (keep[u]) {
            pos[u] = k;
            v->node[k++] = u;
        }
    }
    k = 0;
    for (uint32_t i = 0; i < g->csr.m; i++) {
        uint32_t e = res->edge_order[i];
        uint32_t a = g->edge_from[e], b = g->edge_to[e];
        if (!keep[a] || !keep[b] || (ekeep && !ekeep[e]))
            continue;
        uint32_t pa = pos[a], pb = pos[b];
        v->eu[k] = pa < pb ? pa : pb;
        v->ev[k] = pa < pb ? pb : pa;
        v->ew[k] = g->weight[e];
        v->ebridge[k] = matters[e];
        v->ebroker[k] = -1;
        k++;
    }
    free(pos);
    free(matters);
    return KL_OK;
}

typedef struct {
    double x;
    uint32_t rank, u;
} ranked_t;

static int cmp_ranked(const void *a, const void *b)
{
    const ranked_t *p = a, *q = b;
    if (p->x != q->x)
        return p->x > q->x ? -1 : 1;
    return p->rank < q->rank ? -1 : p->rank > q->rank;
}

static kl_err select_whole(kl_i_view_t *v, const kl_agraph_t *g, const kl_analysis_t *res,
                           const kl_viz_options_t *opt)
{
    uint8_t *keep = malloc((size_t)g->n + 1);
    if (!keep)
        return KL_ENOMEM;
    memset(keep, 1, (size_t)g->n + 1);
    uint32_t left_out = 0;
    if (opt->top && opt->top < g->n) {
        ranked_t *r = malloc((size_t)g->n * sizeof *r);
        if (!r) {
            free(keep);
            return KL_ENOMEM;
        }
        for (uint32_t u = 0; u < g->n; u++)
            r[u] = (ranked_t){kl_i_metric(res, opt->size_by, u), res->rank[u], u};
        qsort(r, g->n, sizeof *r, cmp_ranked);
        memset(keep, 0, g->n);
        for (uint32_t i = 0; i < opt->top; i++)
            keep[r[i].u] = 1;
        left_out = g->n - opt->top;
        free(r);
    }
    kl_err rc = induced(v, g, res, keep, NULL);
    v->left_out = left_out;
    free(keep);
    return rc;
}

/* The vertex of an actor id, or -1 (unknown, or not in the graph). */
static int32_t actor_vertex(const kl_dataset_t *ds, const kl_agraph_t *g, const char *id)
{
    int32_t e = kl_dataset_find_entity(ds, id);
    return e < 0 ? -1 : g->entity_vertex[e];
}

/* Breadth-first search from the vertices with dist 0 (others UINT32_MAX);
 * fills dist (hops) and, when sigma is given, the number of shortest paths. */
static kl_err bfs(const kl_agraph_t *g, uint32_t *dist, double *sigma, uint32_t max_depth)
{
    uint32_t *queue = malloc(((size_t)g->n + 1) * sizeof *queue);
    if (!queue)
        return KL_ENOMEM;
    size_t head = 0, tail = 0;
    for (uint32_t u = 0; u < g->n; u++)
        if (dist[u] == 0) {
            queue[tail++] = u;
            if (sigma)
                sigma[u] = 1;
        }
    while (head < tail) {
        uint32_t u = queue[head++];
        if (dist[u] >= max_depth)
            continue;
        for (uint32_t j = g->csr.offset[u]; j < g->csr.offset[u + 1]; j++) {
            uint32_t w = g->csr.adj[j];
            if (dist[w] == UINT32_MAX) {
                dist[w] = dist[u] + 1;
                queue[tail++] = w;
            }
            if (sigma && dist[w] == dist[u] + 1)
                sigma[w] += sigma[u];
        }
    }
    free(queue);
    return KL_OK;
}

static kl_err select_ego(kl_i_view_t *v, const kl_dataset_t *ds, const kl_agraph_t *g, const kl_analysis_t *res,
                         const kl_viz_options_t *opt, kl_error_t *err)
{
    int32_t ego = actor_vertex(ds, g, opt->ego);
    if (ego < 0)
        return kl_error_set(err, KL_EINVAL, "", 0, 0, "unknown actor '%s' for --ego", opt->ego);
    uint32_t *dist = malloc(((size_t)g->n + 1) * sizeof *dist);
    uint8_t *keep = malloc((size_t)g->n + 1);
    kl_err rc = KL_ENOMEM;
    if (!dist || !keep)
        goto cleanup;
    for (uint32_t u = 0; u < g->n; u++)
        dist[u] = UINT32_MAX;
    dist[ego] = 0;
    if ((rc = bfs(g, dist, NULL, opt->depth)) != KL_OK)
        goto cleanup;
    for (uint32_t u = 0; u < g->n; u++)
        keep[u] = dist[u] != UINT32_MAX;
    if ((rc = induced(v, g, res, keep, NULL)) != KL_OK)
        goto cleanup;
    for (uint32_t i = 0; i < v->n; i++)
        v->focus[i] = v->node[i] == (uint32_t)ego;
    v->focus_name = entity_label(v, ds, opt, g->vertex_entity[ego]);
cleanup:
    free(dist);
    free(keep);
    return rc;
}

/* Path endpoint: an actor, else a region (all its actors).  Marks dist 0. */
static kl_err endpoint(const kl_i_view_t *v, const kl_dataset_t *ds, const kl_agraph_t *g,
                       const kl_viz_options_t *opt, const char *id, uint32_t *dist, const char **name,
                       kl_error_t *err)
{
    for (uint32_t u = 0; u < g->n; u++)
        dist[u] = UINT32_MAX;
    int32_t a = actor_vertex(ds, g, id);
    if (a >= 0) {
        dist[a] = 0;
        *name = entity_label(v, ds, opt, g->vertex_entity[a]);
        return KL_OK;
    }
    int32_t r = kl_dataset_find_region(ds, id);
    if (r < 0)
        return kl_error_set(err, KL_EINVAL, "", 0, 0, "'%s' is neither an actor nor a region (--path)", id);
    uint32_t found = 0;
    for (uint32_t u = 0; u < g->n; u++)
        if (g->vertex_region[u] == r)
            dist[u] = 0, found++;
    if (!found)
        return kl_error_set(err, KL_EINVAL, "", 0, 0, "region '%s' has no actors in the graph (--path)", id);
    *name = ds->regions[r].name;
    return KL_OK;
}

static kl_err select_path(kl_i_view_t *v, const kl_dataset_t *ds, const kl_agraph_t *g, const kl_analysis_t *res,
                          const kl_viz_options_t *opt, kl_error_t *err)
{
    size_t n = (size_t)g->n + 1;
    uint32_t *da = malloc(n * sizeof *da), *db = malloc(n * sizeof *db);
    double *sigma = calloc(n, sizeof *sigma);
    uint8_t *keep = calloc(n, 1), *ekeep = calloc((size_t)g->csr.m + 1, 1), *isa = calloc(n, 1),
            *isb = calloc(n, 1);
    kl_err rc = KL_ENOMEM;
    if (!da || !db || !sigma || !keep || !ekeep || !isa || !isb)
        goto cleanup;
    if ((rc = endpoint(v, ds, g, opt, opt->path_from, da, &v->focus_name, err)) != KL_OK ||
        (rc = endpoint(v, ds, g, opt, opt->path_to, db, &v->focus_name2, err)) != KL_OK)
        goto cleanup;
    for (uint32_t u = 0; u < g->n; u++) {
        isa[u] = da[u] == 0;
        isb[u] = db[u] == 0;
        if (isa[u] && isb[u]) {
            rc = kl_error_set(err, KL_EINVAL, "", 0, 0, "'%s' and '%s' share actor '%s': no path to draw",
                              opt->path_from, opt->path_to, ds->entities[g->vertex_entity[u]].id);
            goto cleanup;
        }
    }
    if ((rc = bfs(g, da, sigma, UINT32_MAX)) != KL_OK || (rc = bfs(g, db, NULL, UINT32_MAX)) != KL_OK)
        goto cleanup;
    uint32_t d = UINT32_MAX;
    for (uint32_t u = 0; u < g->n; u++)
        if (isb[u] && da[u] < d)
            d = da[u];
    if (d == UINT32_MAX) {
        rc = kl_error_set(err, KL_EINVAL, "", 0, 0, "no path between '%s' and '%s'", opt->path_from, opt->path_to);
        goto cleanup;
    }
    double count = 0;
    for (uint32_t u = 0; u < g->n; u++) {
        if (isb[u] && da[u] == d)
            count += sigma[u];
        keep[u] = da[u] != UINT32_MAX && db[u] != UINT32_MAX && da[u] + db[u] == d;
    }
    for (uint32_t e = 0; e < g->csr.m; e++) {
        uint32_t a = g->edge_from[e], b = g->edge_to[e];
        if (keep[a] && keep[b] && (da[a] + 1 + db[b] == d || da[b] + 1 + db[a] == d))
            ekeep[e] = 1;
    }
    if ((rc = induced(v, g, res, keep, ekeep)) != KL_OK)
        goto cleanup;
    for (uint32_t i = 0; i < v->n; i++)
        v->focus[i] = isa[v->node[i]] || isb[v->node[i]];
    v->path_hops = d;
    v->path_count = count;
cleanup:
    free(da);
    free(db);
    free(sigma);
    free(keep);
    free(ekeep);
    free(isa);
    free(isb);
    return rc;
}

/* ------------------------------------------------------------ region map */

typedef struct {
    uint32_t a, b;  /* region pair, a < b */
    uint32_t cand;  /* an actor on the link; UINT32_MAX: the link itself */
} link_t;

static int cmp_link(const void *x, const void *y)
{
    const link_t *p = x, *q = y;
    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    if (p->b != q->b)
        return p->b < q->b ? -1 : 1;
    return p->cand < q->cand ? -1 : p->cand > q->cand;
}

typedef struct {
    link_t *items;
    size_t count, cap;
} links_t;

static int push(links_t *l, uint32_t a, uint32_t b, uint32_t cand)
{
    if (l->count == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 1024;
        link_t *p = realloc(l->items, cap * sizeof *p);
        if (!p)
            return -1;
        l->items = p;
        l->cap = cap;
    }
    l->items[l->count++] = (link_t){a < b ? a : b, a < b ? b : a, cand};
    return 0;
}

/* The distinct regions of the actors tied to regionless actor x, into list
 * (their number returned); seen[r] == x + 1 marks those listed. */
static uint32_t regions_of(const kl_agraph_t *g, uint32_t x, uint32_t *seen, uint32_t *list)
{
    uint32_t nr = 0;
    for (uint32_t j = g->csr.offset[x]; j < g->csr.offset[x + 1]; j++) {
        int32_t r = g->vertex_region[g->csr.adj[j]];
        if (r >= 0 && seen[r] != x + 1) {
            seen[r] = x + 1;
            list[nr++] = (uint32_t)r;
        }
    }
    return nr;
}

/* A set of region pairs (a < b, both below 2^32 - 1), open addressing. */
typedef struct {
    uint64_t *key; /* 0: empty; else ((a + 1) << 32 | (b + 1)) */
    size_t cap, count;
} pairset_t;

/* Add pair (a, b); 1 when new, 0 when known, -1 out of memory. */
static int pairset_add(pairset_t *s, uint32_t a, uint32_t b)
{
    if (2 * (s->count + 1) > s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 1024;
        uint64_t *key = calloc(cap, sizeof *key);
        if (!key)
            return -1;
        for (size_t i = 0; i < s->cap; i++)
            if (s->key[i]) {
                size_t h = (size_t)((s->key[i] * 0x9E3779B97F4A7C15ull) >> 20) & (cap - 1);
                while (key[h])
                    h = (h + 1) & (cap - 1);
                key[h] = s->key[i];
            }
        free(s->key);
        s->key = key;
        s->cap = cap;
    }
    uint64_t k = (uint64_t)(a < b ? a : b) + 1, l = (uint64_t)(a < b ? b : a) + 1;
    k = k << 32 | l;
    size_t h = (size_t)((k * 0x9E3779B97F4A7C15ull) >> 20) & (s->cap - 1);
    for (; s->key[h]; h = (h + 1) & (s->cap - 1))
        if (s->key[h] == k)
            return 0;
    s->key[h] = k;
    s->count++;
    return 1;
}

kl_err kl_i_region_map_size(const kl_dataset_t *ds, const kl_agraph_t *g, uint64_t stop, kl_i_size_t *out)
{
    uint32_t R = ds->n_regions;
    uint8_t *has = calloc((size_t)R + 1, 1);
    uint32_t *seen = calloc((size_t)R + 1, sizeof *seen), *list = calloc((size_t)R + 1, sizeof *list);
    pairset_t set = {0};
    kl_err rc = KL_ENOMEM;
    memset(out, 0, sizeof *out);
    if (!has || !seen || !list)
        goto cleanup;
    uint64_t upper = 0, lower = 0;
    for (uint32_t u = 0; u < g->n; u++)
        if (g->vertex_region[u] >= 0 && !has[g->vertex_region[u]]++)
            out->n++;
    for (uint32_t e = 0; e < g->csr.m; e++) {
        int32_t ra = g->vertex_region[g->edge_from[e]], rb = g->vertex_region[g->edge_to[e]];
        upper += ra >= 0 && rb >= 0 && ra != rb;
    }
    lower = upper != 0;
    for (uint32_t x = 0; x < g->n; x++)
        if (g->vertex_region[x] < 0) {
            uint64_t nr = regions_of(g, x, seen, list), pairs = nr * (nr - (nr > 0)) / 2;
            upper += pairs;
            lower = pairs > lower ? pairs : lower;
        }
    /* count the distinct pairs while that is cheap: until more than stop */
    int stopped = 0;
    memset(seen, 0, ((size_t)R + 1) * sizeof *seen);
    for (uint32_t e = 0; e < g->csr.m && !stopped && upper > lower; e++) {
        int32_t ra = g->vertex_region[g->edge_from[e]], rb = g->vertex_region[g->edge_to[e]];
        if (ra >= 0 && rb >= 0 && ra != rb && pairset_add(&set, (uint32_t)ra, (uint32_t)rb) < 0)
            goto cleanup;
        stopped = set.count > stop;
    }
    for (uint32_t x = 0; x < g->n && !stopped && upper > lower; x++) {
        if (g->vertex_region[x] >= 0)
            continue;
        uint32_t nr = regions_of(g, x, seen, list);
        for (uint32_t i = 0; i < nr && !stopped; i++)
            for (uint32_t k = i + 1; k < nr && !stopped; k++) {
                if (pairset_add(&set, list[i], list[k]) < 0)
                    goto cleanup;
                stopped = set.count > stop;
            }
    }
    /* one source alone makes all of its pairs: then upper == lower is exact */
    out->m = upper == lower ? upper : set.count > lower ? set.count : lower;
    out->exact = upper == lower || !stopped;
    rc = KL_OK;
cleanup:
    free(has);
    free(seen);
    free(list);
    free(set.key);
    return rc;
}

static int cmp_region_id(const void *x, const void *y, void *ds)
{
    const kl_region_t *r = ((const kl_dataset_t *)ds)->regions;
    return strcmp(r[*(const uint32_t *)x].id, r[*(const uint32_t *)y].id);
}

static kl_err select_region_map(kl_i_view_t *v, const kl_dataset_t *ds, const kl_agraph_t *g,
                                 const kl_analysis_t *res)
{
    uint32_t R = ds->n_regions;
    uint32_t *actors = calloc((size_t)R + 1, sizeof *actors), *pos = calloc((size_t)R + 1, sizeof *pos),
             *ids = calloc((size_t)R + 1, sizeof *ids), *seen = calloc((size_t)R + 1, sizeof *seen),
             *list = calloc((size_t)R + 1, sizeof *list);
    links_t l = {0};
    kl_err rc = KL_ENOMEM;
    if (!actors || !pos || !ids || !seen || !list)
        goto cleanup;
    uint32_t regionless = 0;
    for (uint32_t u = 0; u < g->n; u++) {
        if (g->vertex_region[u] >= 0)
            actors[g->vertex_region[u]]++;
        else
            regionless++;
    }
    /* direct ties between actors of two regions */
    for (uint32_t e = 0; e < g->csr.m; e++) {
        int32_t ra = g->vertex_region[g->edge_from[e]], rb = g->vertex_region[g->edge_to[e]];
        if (ra < 0 || rb < 0 || ra == rb)
            continue;
        if (push(&l, ra, rb, UINT32_MAX) || push(&l, ra, rb, g->edge_from[e]) || push(&l, ra, rb, g->edge_to[e]))
            goto cleanup;
    }
    /* regionless actors joining two regions: one link per region pair */
    for (uint32_t x = 0; x < g->n; x++) {
        if (g->vertex_region[x] >= 0)
            continue;
        uint32_t nr = regions_of(g, x, seen, list);
        for (uint32_t i = 0; i < nr; i++)
            for (uint32_t k = i + 1; k < nr; k++)
                if (push(&l, list[i], list[k], UINT32_MAX) || push(&l, list[i], list[k], x))
                    goto cleanup;
        /* each actor x joins is on the link of its region with every other */
        for (uint32_t j = g->csr.offset[x]; j < g->csr.offset[x + 1]; j++) {
            uint32_t w = g->csr.adj[j];
            int32_t r = g->vertex_region[w];
            for (uint32_t i = 0; r >= 0 && i < nr; i++)
                if (list[i] != (uint32_t)r && push(&l, (uint32_t)r, list[i], w))
                    goto cleanup;
        }
    }
    if (l.count) /* qsort wants a valid pointer even for no items */
        qsort(l.items, l.count, sizeof *l.items, cmp_link);
    /* nodes: regions with actors, by id */
    uint32_t n = 0;
    for (uint32_t r = 0; r < R; r++)
        if (actors[r])
            ids[n++] = r;
    qsort_r(ids, n, sizeof *ids, cmp_region_id, (void *)ds);
    uint32_t m = 0;
    for (size_t i = 0; i < l.count; i++)
        m += i == 0 || l.items[i].a != l.items[i - 1].a || l.items[i].b != l.items[i - 1].b;
    if ((rc = alloc_view(v, n, m)) != KL_OK)
        goto cleanup;
    for (uint32_t i = 0; i < n; i++) {
        v->node[i] = ids[i];
        v->nactors[i] = actors[ids[i]];
        pos[ids[i]] = i;
    }
    /* group by pair; within it by candidate: count links, pick the broker */
    uint32_t k = 0;
    for (size_t i = 0; i < l.count;) {
        size_t j = i;
        double links = 0, best_irb = -1;
        uint32_t best_count = 0, best = UINT32_MAX;
        while (j < l.count && l.items[j].a == l.items[i].a && l.items[j].b == l.items[i].b) {
            size_t c = j;
            while (c < l.count && l.items[c].a == l.items[j].a && l.items[c].b == l.items[j].b &&
                   l.items[c].cand == l.items[j].cand)
                c++;
            uint32_t cand = l.items[j].cand, cnt = (uint32_t)(c - j);
            if (cand == UINT32_MAX) {
                links = cnt;
            } else {
                double x = isfinite(res->irb[cand]) ? res->irb[cand] : 0;
                if (x > best_irb || (x == best_irb && (cnt > best_count ||
                                                       (cnt == best_count && res->rank[cand] < res->rank[best])))) {
                    best_irb = x;
                    best_count = cnt;
                    best = cand;
                }
            }
            j = c;
        }
        uint32_t pa = pos[l.items[i].a], pb = pos[l.items[i].b];
        v->eu[k] = pa < pb ? pa : pb;
        v->ev[k] = pa < pb ? pb : pa;
        v->ew[k] = links;
        v->ebroker[k] = best == UINT32_MAX ? -1 : (int64_t)best;
        k++;
        i = j;
    }
    v->left_out = regionless;
    rc = KL_OK;
cleanup:
    free(actors);
    free(pos);
    free(ids);
    free(seen);
    free(list);
    free(l.items);
    return rc;
}

/* ------------------------------------------------- how actors are drawn */

#define LABEL_ALL 200  /* views up to this many drawn actors label every one */
#define LABEL_TOP 100  /* larger views label this many, by the size metric */
#define COLLAPSE_MIN 3 /* leaves of one hub and kind drawn as one node from this many */

/* Rank (1..) of each vertex among the top `k` brokers by irb (irb > 0), 0
 * for the others: brokers of the whole network, not only of the view. */
static uint32_t *broker_ranks(const kl_agraph_t *g, const kl_analysis_t *res, uint32_t k)
{
    uint32_t *rank = calloc((size_t)g->n + 1, sizeof *rank);
    kl_i_order_t *o = malloc(((size_t)g->n + 1) * sizeof *o);
    if (!rank || !o) {
        free(rank);
        free(o);
        return NULL;
    }
    for (uint32_t u = 0; u < g->n; u++)
        o[u] = (kl_i_order_t){isfinite(res->irb[u]) ? res->irb[u] : 0, res->rank[u], u};
    qsort(o, g->n, sizeof *o, kl_i_cmp_order);
    for (uint32_t i = 0; i < k && i < g->n && o[i].x > 0; i++)
        rank[o[i].i] = i + 1;
    free(o);
    return rank;
}

/* The cap on actors drawn one by one (0: none). */
static uint32_t node_cap(const kl_viz_options_t *opt)
{
    if (opt->max_nodes)
        return opt->max_nodes;
    return opt->view == KL_VIEW_EGO || opt->view == KL_VIEW_PATH ? KL_VIZ_MAX_NODES : 0;
}

enum { KEEP = 1, LABEL = 2, COLLAPSE = 4 }; /* what becomes of a node */

/* Mark each node KEEP (drawn under the cap: the focus, the numbered brokers,
 * then the most central by the size metric), LABEL (named: all of them up
 * to LABEL_ALL, else the LABEL_TOP most central, the brokers and the focus)
 * and COLLAPSE (an unnamed actor whose only tie in the view is to a drawn
 * hub, when the hub has COLLAPSE_MIN of them of its kind).  o: the nodes by
 * the size metric; slot[h * KL_KIND_COUNT + kind] counts hub h's leaves. */
static void mark_nodes(const kl_i_view_t *v, const kl_dataset_t *ds, const kl_agraph_t *g,
                       const kl_viz_options_t *opt, const kl_i_order_t *o, const uint32_t *brank, uint8_t *state,
                       uint32_t *hub, uint32_t *slot)
{
    uint32_t n = v->n, cap = node_cap(opt), kept = 0, named = 0;
    int capped = cap && n > cap;
    for (uint32_t i = 0; i < n; i++)
        if (!capped || v->focus[i] || brank[v->node[i]])
            state[i] = KEEP, kept++;
    for (uint32_t t = 0; t < n && kept < cap; t++)
        if (!state[o[t].i])
            state[o[t].i] = KEEP, kept++;
    for (uint32_t t = 0; t < n; t++) {
        uint32_t i = o[t].i;
        if ((state[i] & KEEP) && (kept <= LABEL_ALL || named++ < LABEL_TOP || v->focus[i] || brank[v->node[i]]))
            state[i] |= LABEL;
    }
    if (opt->geo == KL_GEO_ON)
        return; /* a map pins every actor at its own point */
    uint32_t *deg = hub + n; /* scratch after hub[] */
    for (uint32_t e = 0; e < v->m; e++) {
        deg[v->eu[e]]++, deg[v->ev[e]]++;
        hub[v->eu[e]] = v->ev[e], hub[v->ev[e]] = v->eu[e];
    }
    for (int pass = 0; pass < 2; pass++)
        for (uint32_t i = 0; i < n; i++) {
            if ((state[i] & LABEL) || v->focus[i] || brank[v->node[i]] || deg[i] != 1 || !(state[hub[i]] & KEEP))
                continue;
            uint32_t *count = &slot[(size_t)hub[i] * KL_KIND_COUNT + ds->entities[g->vertex_entity[v->node[i]]].kind];
            if (pass == 0)
                ++*count;
            else if (*count >= COLLAPSE_MIN)
                state[i] |= COLLAPSE;
        }
}

/* The groups of collapsed leaves, by hub then kind, and their members most
 * central first; slot[] becomes each (hub, kind)'s group index.  pos: new
 * node positions. */
static kl_err make_groups(kl_i_view_t *v, const kl_dataset_t *ds, const kl_agraph_t *g, const kl_i_order_t *o,
                          const uint8_t *state, const uint32_t *hub, uint32_t *slot, const uint32_t *pos)
{
    size_t slots = (size_t)v->n * KL_KIND_COUNT;
    uint32_t groups = 0, members = 0;
    for (size_t s = 0; s < slots; s++)
        groups += slot[s] >= COLLAPSE_MIN;
    v->group = calloc((size_t)groups + 1, sizeof *v->group);
    for (uint32_t i = 0; i < v->n; i++)
        members += (state[i] & COLLAPSE) != 0;
    v->member = malloc(((size_t)members + 1) * sizeof *v->member);
    if (!v->group || !v->member)
        return KL_ENOMEM;
    members = 0;
    for (size_t s = 0; s < slots; s++) {
        if (slot[s] < COLLAPSE_MIN) {
            slot[s] = UINT32_MAX;
            continue;
        }
        v->group[v->n_groups] = (kl_i_group_t){pos[s / KL_KIND_COUNT], (kl_kind)(s % KL_KIND_COUNT), 0, members};
        members += slot[s];
        slot[s] = v->n_groups++;
    }
    for (uint32_t t = 0; t < v->n; t++) {
        uint32_t i = o[t].i;
        if (!(state[i] & COLLAPSE))
            continue;
        kl_i_group_t *gr =
            &v->group[slot[(size_t)hub[i] * KL_KIND_COUNT + ds->entities[g->vertex_entity[v->node[i]]].kind]];
        v->member[gr->first + gr->count++] = v->node[i];
    }
    return KL_OK;
}

/* Keep in v the nodes drawn one by one (KEEP, not COLLAPSE) and the ties
 * among them, with their broker ranks, labels and names. */
static kl_err keep_drawn(kl_i_view_t *v, const kl_dataset_t *ds, const kl_agraph_t *g, const kl_viz_options_t *opt,
                         const uint32_t *brank, const uint8_t *state, const uint32_t *pos, uint32_t drawn)
{
    v->broker = calloc((size_t)drawn + 1, sizeof *v->broker);
    v->labelled = calloc((size_t)drawn + 1, 1);
    v->name = calloc((size_t)drawn + 1, sizeof *v->name);
    if (!v->broker || !v->labelled || !v->name)
        return KL_ENOMEM;
    uint32_t k = 0, m = 0;
    for (uint32_t i = 0; i < v->n; i++) {
        if (pos[i] == UINT32_MAX)
            continue;
        uint32_t u = v->node[i];
        v->node[k] = u, v->focus[k] = v->focus[i], v->broker[k] = brank[u];
        v->labelled[k] = (state[i] & LABEL) != 0;
        v->name[k] = entity_label(v, ds, opt, g->vertex_entity[u]);
        k++;
    }
    for (uint32_t e = 0; e < v->m; e++) {
        if (pos[v->eu[e]] == UINT32_MAX || pos[v->ev[e]] == UINT32_MAX)
            continue;
        v->eu[m] = pos[v->eu[e]], v->ev[m] = pos[v->ev[e]];
        v->ew[m] = v->ew[e], v->ebridge[m] = v->ebridge[e], v->ebroker[m] = v->ebroker[e];
        m++;
    }
    v->n = drawn;
    v->m = m;
    return KL_OK;
}

/* Decide how the actors of v are drawn (mark_nodes), then reduce v to those
 * drawn one by one, the groups of collapsed leaves and the count of the
 * others.  O(n log n + m) for the view, plus broker ranks O(N log N) on g. */
static kl_err plan_actors(kl_i_view_t *v, const kl_dataset_t *ds, const kl_agraph_t *g, const kl_analysis_t *res,
                          const kl_viz_options_t *opt)
{
    size_t n = (size_t)v->n + 1;
    uint32_t *brank = broker_ranks(g, res, opt->brokers);
    kl_i_order_t *o = malloc(n * sizeof *o);
    uint8_t *state = calloc(n, 1);
    uint32_t *hub = calloc(2 * n, sizeof *hub), *slot = calloc(n * KL_KIND_COUNT, sizeof *slot),
             *pos = malloc(n * sizeof *pos);
    kl_err rc = KL_ENOMEM;
    if (!brank || !o || !state || !hub || !slot || !pos)
        goto cleanup;
    for (uint32_t i = 0; i < v->n; i++)
        o[i] = (kl_i_order_t){kl_i_metric(res, opt->size_by, v->node[i]), res->rank[v->node[i]], i};
    qsort(o, v->n, sizeof *o, kl_i_cmp_order);
    mark_nodes(v, ds, g, opt, o, brank, state, hub, slot);
    uint32_t drawn = 0, collapsed = 0;
    for (uint32_t i = 0; i < v->n; i++) {
        int one = (state[i] & KEEP) && !(state[i] & COLLAPSE);
        pos[i] = one ? drawn++ : UINT32_MAX;
        collapsed += (state[i] & COLLAPSE) != 0;
    }
    if ((rc = make_groups(v, ds, g, o, state, hub, slot, pos)) != KL_OK)
        goto cleanup;
    v->max_nodes = node_cap(opt);
    v->not_drawn = v->n - drawn - collapsed;
    rc = keep_drawn(v, ds, g, opt, brank, state, pos, drawn);
cleanup:
    free(brank);
    free(o);
    free(state);
    free(hub);
    free(slot);
    free(pos);
    return rc;
}

kl_err kl_i_view_select(kl_i_view_t *v, const kl_dataset_t *ds, const kl_agraph_t *g, const kl_analysis_t *res,
                        const kl_viz_options_t *opt, kl_error_t *err)
{
    memset(v, 0, sizeof *v);
    /* the names first: the title names the ego and the path's ends */
    kl_err rc = opt->label_by == KL_LABEL_SHORT_NAME ? short_names_build(v, ds) : KL_OK;
    if (rc == KL_OK) {
        switch (opt->view) {
        case KL_VIEW_EGO: rc = select_ego(v, ds, g, res, opt, err); break;
        case KL_VIEW_PATH: rc = select_path(v, ds, g, res, opt, err); break;
        case KL_VIEW_REGION_MAP: rc = select_region_map(v, ds, g, res); break;
        default: rc = select_whole(v, g, res, opt); break;
        }
    }
    if (rc == KL_OK && opt->view != KL_VIEW_REGION_MAP)
        rc = plan_actors(v, ds, g, res, opt);
    if (rc == KL_ENOMEM)
        kl_error_set(err, KL_ENOMEM, "", 0, 0, "out of memory");
    if (rc != KL_OK)
        kl_i_view_destroy(v);
    return rc;
}
