/* engine/agraph.c - the analysis graph: actors, ties and weights as
 * docs/metrics.md builds them, as edge and CSR arrays and as an igraph_t. */
#include "engine_internal.h"
#include "igraph_view.h"

#include <stdlib.h>
#include <string.h>

void kl_graph_options_init(kl_graph_options_t *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->mode = KL_MODE_FULL;
    opt->from = KL_DATE_MIN;
    opt->to = KL_DATE_MAX;
    opt->max_project_size = KL_MAX_PROJECT_SIZE;
    opt->max_ties = KL_MAX_TIES;
}

typedef struct {
    uint32_t u, v; /* u < v */
    double w;
} wedge_t;

typedef struct {
    wedge_t *items;
    size_t count, cap;
} wedges_t;

static int add_tie(wedges_t *t, int32_t a, int32_t b, double w)
{
    if (a < 0 || b < 0 || a == b)
        return 0;
    if (kl_i_grow((void **)&t->items, &t->cap, t->count, sizeof *t->items) < 0)
        return -1;
    t->items[t->count++] = a < b ? (wedge_t){(uint32_t)a, (uint32_t)b, w} : (wedge_t){(uint32_t)b, (uint32_t)a, w};
    return 0;
}

static int relation_kept(const kl_relation_t *r, const kl_graph_options_t *opt)
{
    if (opt->tie_types && !(opt->tie_types & (1u << r->type_code)))
        return 0;
    /* active over [start, end]; kept when it meets the window */
    return r->start <= opt->to && r->end >= opt->from;
}

/* Sort ties by (u, v) with a counting sort on u and a small sort per bucket,
 * then merge parallel ties by summing weights.  O(m + n) plus the buckets. */
static int cmp_v(const void *a, const void *b)
{
    const wedge_t *x = a, *y = b;
    return (x->v > y->v) - (x->v < y->v);
}

static int sort_and_merge(wedges_t *t, uint32_t n)
{
    size_t m = t->count;
    if (m == 0)
        return 0;
    size_t *start = calloc((size_t)n + 1, sizeof *start);
    wedge_t *out = malloc(m * sizeof *out);
    if (!start || !out) {
        free(start);
        free(out);
        return -1;
    }
    for (size_t i = 0; i < m; i++)
        start[t->items[i].u + 1]++;
    for (uint32_t i = 0; i < n; i++)
        start[i + 1] += start[i];
    for (size_t i = 0; i < m; i++)
        out[start[t->items[i].u]++] = t->items[i];
    /* start[u] now holds the end of bucket u */
    size_t lo = 0, k = 0;
    for (uint32_t u = 0; u < n; u++) {
        size_t hi = start[u];
        if (hi - lo > 1)
            qsort(out + lo, hi - lo, sizeof *out, cmp_v);
        for (size_t i = lo; i < hi; i++) {
            if (k > 0 && out[k - 1].u == out[i].u && out[k - 1].v == out[i].v)
                out[k - 1].w += out[i].w;
            else
                out[k++] = out[i];
        }
        lo = hi;
    }
    free(start);
    free(t->items);
    t->items = out;
    t->count = k;
    t->cap = m;
    return 0;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Keep project p of np organisations among the largest left out (size
 * descending, then id). */
static void note_skipped(kl_agraph_t *g, const kl_dataset_t *ds, uint32_t p, uint32_t np)
{
    uint32_t k = g->skipped_shown, cap = sizeof g->skipped_project / sizeof *g->skipped_project;
    g->skipped_projects++;
    while (k > 0 && (g->skipped_size[k - 1] < np ||
                     (g->skipped_size[k - 1] == np &&
                      strcmp(ds->entities[g->skipped_project[k - 1]].id, ds->entities[p].id) > 0))) {
        if (k < cap) {
            g->skipped_project[k] = g->skipped_project[k - 1];
            g->skipped_size[k] = g->skipped_size[k - 1];
        }
        k--;
    }
    if (k < cap) {
        g->skipped_project[k] = p;
        g->skipped_size[k] = np;
        if (g->skipped_shown < cap)
            g->skipped_shown++;
    }
}

/* Organisations view: does relation r put an organisation (member) into a
 * group whose members are tied pairwise (a project it takes part in, or a
 * person it employs)?  One rule for building the ties and for naming the
 * relations that make them (kl_agraph_tie_relations). */
static int org_group_of(const kl_dataset_t *ds, const kl_relation_t *r, uint32_t *group, uint32_t *member)
{
    const kl_entity_t *s = &ds->entities[r->source], *e = &ds->entities[r->target];
    if ((r->type_code == KL_REL_PARTICIPATES_IN || r->type_code == KL_REL_COORDINATES ||
         r->type_code == KL_REL_INITIATED) &&
        s->kind == KL_KIND_ORGANISATION && e->kind == KL_KIND_PROJECT) {
        *group = r->target;
        *member = r->source;
        return 1;
    }
    if ((r->type_code == KL_REL_EMPLOYED_BY || r->type_code == KL_REL_LEADS || r->type_code == KL_REL_MEMBER_OF) &&
        s->kind == KL_KIND_PERSON && e->kind == KL_KIND_ORGANISATION) {
        *group = r->source;
        *member = r->target;
        return 1;
    }
    return 0;
}

/* Organisations mode (docs/metrics.md#the-organisations-view): co-participation in a project weighted
 * 1/(n_p - 1), +1 per shared person, plus direct relations.  Initiating a
 * project counts as taking part in it: the initiators of one project are
 * partners as much as its participants are (n_p counts each organisation
 * once, whichever of participates_in, coordinates and initiated ties it).
 * Projects with more than opt->max_project_size organisations are left out
 * (noted in g); the ties are counted before any is made and refused above
 * opt->max_ties. */
static kl_err organisation_ties(kl_agraph_t *g, const kl_dataset_t *ds, const kl_graph_options_t *opt,
                                const int32_t *vert, wedges_t *t, kl_error_t *err)
{
    uint32_t ne = ds->n_entities;
    /* group org -> project and person -> org memberships by the project/person */
    uint32_t *count = calloc((size_t)ne + 1, sizeof *count);
    uint32_t *members = NULL, *pos = NULL;
    kl_err rc = KL_ENOMEM;
    uint64_t direct = 0, ties = 0;
    if (!count)
        return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t i = 0; i < ds->n_relations; i++) {
            const kl_relation_t *r = &ds->relations[i];
            if (!relation_kept(r, opt) || r->source == r->target)
                continue;
            const kl_entity_t *s = &ds->entities[r->source], *e = &ds->entities[r->target];
            uint32_t group, member;
            if (!org_group_of(ds, r, &group, &member)) {
                if (pass == 0 && s->kind == KL_KIND_ORGANISATION && e->kind == KL_KIND_ORGANISATION &&
                    vert[r->source] >= 0 && vert[r->target] >= 0)
                    direct++;
                continue;
            }
            if (vert[member] < 0)
                continue;
            if (pass == 0)
                count[group + 1]++;
            else
                members[pos[group]++] = member;
        }
        if (pass == 0) {
            for (uint32_t i = 0; i < ne; i++)
                count[i + 1] += count[i];
            members = malloc(((size_t)count[ne] + 1) * sizeof *members);
            pos = malloc(((size_t)ne + 1) * sizeof *pos);
            if (!members || !pos)
                goto cleanup;
            memcpy(pos, count, (size_t)ne * sizeof *pos);
        }
    }
    /* each group's distinct members; pos[grp] becomes the end of them, or
     * its start when the group makes no tie */
    ties = direct;
    for (uint32_t grp = 0; grp < ne; grp++) {
        uint32_t lo = count[grp], hi = count[grp + 1];
        pos[grp] = lo;
        if (hi - lo < 2)
            continue;
        qsort(members + lo, hi - lo, sizeof *members, cmp_u32);
        uint32_t k = lo;
        for (uint32_t i = lo; i < hi; i++)
            if (i == lo || members[i] != members[k - 1])
                members[k++] = members[i];
        uint32_t np = k - lo;
        if (np < 2)
            continue;
        if (ds->entities[grp].kind == KL_KIND_PROJECT && opt->max_project_size && np > opt->max_project_size) {
            note_skipped(g, ds, grp, np);
            continue;
        }
        pos[grp] = k;
        ties += (uint64_t)np * (np - 1) / 2;
    }
    if (opt->max_ties && ties > opt->max_ties) {
        rc = kl_error_set(err, KL_ELIMIT, NULL, 0, 0,
                          "the organisations view would have up to %llu ties, more than %llu (--max-ties)",
                          (unsigned long long)ties, (unsigned long long)opt->max_ties);
        goto cleanup;
    }
    if (ties > SIZE_MAX / (2 * sizeof *t->items) ||
        (ties && !(t->items = malloc((size_t)ties * sizeof *t->items))))
        goto cleanup;
    t->cap = (size_t)ties;
    for (uint32_t i = 0; i < ds->n_relations; i++) {
        const kl_relation_t *r = &ds->relations[i];
        if (relation_kept(r, opt) && r->source != r->target &&
            ds->entities[r->source].kind == KL_KIND_ORGANISATION &&
            ds->entities[r->target].kind == KL_KIND_ORGANISATION &&
            add_tie(t, vert[r->source], vert[r->target], r->weight) < 0)
            goto cleanup;
    }
    for (uint32_t grp = 0; grp < ne; grp++) {
        uint32_t lo = count[grp], k = pos[grp], np = k - lo;
        if (np < 2)
            continue;
        double w = ds->entities[grp].kind == KL_KIND_PROJECT ? 1.0 / (np - 1) : 1.0;
        for (uint32_t i = lo; i < k; i++)
            for (uint32_t j = i + 1; j < k; j++)
                if (add_tie(t, vert[members[i]], vert[members[j]], w) < 0)
                    goto cleanup;
    }
    rc = KL_OK;
cleanup:
    if (rc == KL_ENOMEM)
        kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    free(count);
    free(members);
    free(pos);
    return rc;
}

static int build_csr(kl_agraph_t *g, const wedges_t *t)
{
    kl_csr_t *c = &g->csr;
    c->n = g->n;
    c->m = (uint32_t)t->count;
    c->offset = calloc((size_t)c->n + 1, sizeof *c->offset);
    c->adj = malloc(((size_t)c->m * 2 + 1) * sizeof *c->adj);
    c->eid = malloc(((size_t)c->m * 2 + 1) * sizeof *c->eid);
    c->w = malloc(((size_t)c->m * 2 + 1) * sizeof *c->w);
    uint32_t *fill = malloc(((size_t)c->n + 1) * sizeof *fill);
    if (!c->offset || !c->adj || !c->eid || !c->w || !fill) {
        free(fill);
        return -1;
    }
    for (size_t e = 0; e < t->count; e++) {
        c->offset[t->items[e].u + 1]++;
        c->offset[t->items[e].v + 1]++;
    }
    for (uint32_t i = 0; i < c->n; i++)
        c->offset[i + 1] += c->offset[i];
    memcpy(fill, c->offset, (size_t)c->n * sizeof *fill);
    /* edges are sorted by (u, v): filling in edge order leaves every
     * neighbour list sorted (smaller neighbours come from earlier u) */
    for (size_t e = 0; e < t->count; e++) {
        uint32_t u = t->items[e].u, v = t->items[e].v;
        c->adj[fill[u]] = v;
        c->eid[fill[u]] = (uint32_t)e;
        c->w[fill[u]++] = t->items[e].w;
        c->adj[fill[v]] = u;
        c->eid[fill[v]] = (uint32_t)e;
        c->w[fill[v]++] = t->items[e].w;
    }
    free(fill);
    return 0;
}

/* weights: a view of kl_agraph_t.weight, never destroyed */
struct kl_graphlib_form {
    igraph_t graph;
    igraph_vector_t weights;
};

const igraph_t *kl_agraph_igraph(const kl_agraph_t *g)
{
    return &g->lib->graph;
}

const igraph_vector_t *kl_agraph_igraph_weights(const kl_agraph_t *g)
{
    return &g->lib->weights;
}

void kl_agraph_destroy(kl_agraph_t *g)
{
    if (!g)
        return;
    if (g->lib) {
        igraph_destroy(&g->lib->graph);
        free(g->lib);
    }
    free(g->weight);
    free(g->vertex_entity);
    free(g->entity_vertex);
    free(g->vertex_region);
    free(g->edge_from);
    free(g->edge_to);
    free(g->csr.offset);
    free(g->csr.adj);
    free(g->csr.eid);
    free(g->csr.w);
    memset(g, 0, sizeof *g);
}

kl_err kl_agraph_build(kl_agraph_t *g, const kl_dataset_t *ds, const kl_graph_options_t *opt, kl_error_t *err)
{
    wedges_t t = {0};
    igraph_vector_int_t ev;
    int ev_ready = 0;
    kl_err rc = KL_OK;
    kl_graphlib_form_t *form = NULL; /* g->lib once igraph_create succeeded */
    memset(g, 0, sizeof *g);
    g->options = *opt;
    uint32_t ne = ds->n_entities;
    g->entity_vertex = malloc(((size_t)ne + 1) * sizeof *g->entity_vertex);
    g->vertex_entity = malloc(((size_t)ne + 1) * sizeof *g->vertex_entity);
    g->vertex_region = malloc(((size_t)ne + 1) * sizeof *g->vertex_region);
    if (!g->entity_vertex || !g->vertex_entity || !g->vertex_region)
        goto nomem;
    for (uint32_t i = 0; i < ne; i++) {
        const kl_entity_t *e = &ds->entities[i];
        int in = !(opt->exclude_kinds & (1u << e->kind)) &&
                 (opt->mode == KL_MODE_FULL || e->kind == KL_KIND_ORGANISATION);
        g->entity_vertex[i] = in ? (int32_t)g->n : -1;
        if (in) {
            g->vertex_entity[g->n] = i;
            g->vertex_region[g->n] = ds->actor_region[i];
            g->n++;
        }
    }
    if (opt->mode == KL_MODE_FULL) {
        for (uint32_t i = 0; i < ds->n_relations; i++) {
            const kl_relation_t *r = &ds->relations[i];
            if (relation_kept(r, opt) &&
                add_tie(&t, g->entity_vertex[r->source], g->entity_vertex[r->target], r->weight) < 0)
                goto nomem;
        }
        if (opt->max_ties && t.count > opt->max_ties) {
            rc = kl_error_set(err, KL_ELIMIT, NULL, 0, 0, "the analysis graph would have %zu ties, more than %llu (--max-ties)",
                              t.count, (unsigned long long)opt->max_ties);
            goto cleanup;
        }
    } else if ((rc = organisation_ties(g, ds, opt, g->entity_vertex, &t, err)) != KL_OK) {
        goto cleanup;
    }
    if (sort_and_merge(&t, g->n) < 0)
        goto nomem;
    if (t.count >= UINT32_MAX / 2 || t.count > (size_t)IGRAPH_INTEGER_MAX / 2) {
        rc = kl_error_set(err, KL_ELIMIT, NULL, 0, 0, "too many ties (%zu) for one graph", t.count);
        goto cleanup;
    }
    g->edge_from = malloc((t.count + 1) * sizeof *g->edge_from);
    g->edge_to = malloc((t.count + 1) * sizeof *g->edge_to);
    g->weight = malloc((t.count + 1) * sizeof *g->weight);
    form = malloc(sizeof *form);
    if (!g->edge_from || !g->edge_to || !g->weight || !form || build_csr(g, &t) < 0)
        goto nomem;
    igraph_error_t ie = igraph_vector_int_init(&ev, (igraph_integer_t)t.count * 2);
    if (ie != IGRAPH_SUCCESS) {
        rc = kl_igraph_error(err, ie);
        goto cleanup;
    }
    ev_ready = 1;
    for (size_t e = 0; e < t.count; e++) {
        g->edge_from[e] = t.items[e].u;
        g->edge_to[e] = t.items[e].v;
        g->weight[e] = t.items[e].w;
        VECTOR(ev)[2 * e] = t.items[e].u;
        VECTOR(ev)[2 * e + 1] = t.items[e].v;
    }
    if ((ie = igraph_create(&form->graph, &ev, g->n, IGRAPH_UNDIRECTED)) != IGRAPH_SUCCESS) {
        rc = kl_igraph_error(err, ie);
        goto cleanup;
    }
    igraph_vector_view(&form->weights, g->weight, (igraph_integer_t)t.count);
    g->lib = form;
    form = NULL;
    g->initialized = 1;
    goto cleanup;
nomem:
    rc = kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
cleanup:
    if (ev_ready)
        igraph_vector_int_destroy(&ev);
    free(t.items);
    free(form);
    if (rc != KL_OK)
        kl_agraph_destroy(g);
    return rc;
}

kl_err kl_agraph_component_counts(const kl_agraph_t *g, uint32_t *components, uint32_t *largest, uint32_t *isolated)
{
    const kl_csr_t *c = &g->csr;
    uint32_t *stack = malloc(((size_t)c->n + 1) * sizeof *stack);
    unsigned char *seen = calloc((size_t)c->n + 1, 1);
    if (!stack || !seen) {
        free(stack);
        free(seen);
        return KL_ENOMEM;
    }
    uint32_t nc = 0, big = 0, iso = 0;
    for (uint32_t s = 0; s < c->n; s++) {
        if (seen[s])
            continue;
        uint32_t top = 0, size = 0;
        stack[top++] = s;
        seen[s] = 1;
        while (top) {
            uint32_t v = stack[--top];
            size++;
            for (uint32_t k = c->offset[v]; k < c->offset[v + 1]; k++)
                if (!seen[c->adj[k]]) {
                    seen[c->adj[k]] = 1;
                    stack[top++] = c->adj[k];
                }
        }
        nc++;
        iso += size == 1;
        if (size > big)
            big = size;
    }
    free(stack);
    free(seen);
    *components = nc;
    *largest = big;
    *isolated = iso;
    return KL_OK;
}

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
    return strcmp(c->ds->entities[c->g->vertex_entity[u]].id, c->ds->entities[c->g->vertex_entity[v]].id);
}

uint32_t kl_agraph_rank_by(const kl_agraph_t *g, const kl_dataset_t *ds, const double *key, uint32_t *idx)
{
    uint32_t cnt = 0;
    for (uint32_t v = 0; v < g->n; v++)
        if (key[v] > 0)
            idx[cnt++] = v;
    rank_ctx_t c = {key, ds, g};
    qsort_r(idx, cnt, sizeof *idx, cmp_desc_then_id, &c);
    return cnt;
}

/* ------------------------------------------------ relations behind ties */

typedef struct {
    uint32_t e, r; /* tie, relation */
} tie_rel_t;

typedef struct {
    tie_rel_t *items;
    size_t count, cap;
} tie_rels_t;

/* Edge id of the tie between vertices a and b, or UINT32_MAX: a binary
 * search in a's sorted neighbour list. */
static uint32_t find_tie(const kl_agraph_t *g, uint32_t a, uint32_t b)
{
    const kl_csr_t *c = &g->csr;
    uint32_t lo = c->offset[a], hi = c->offset[a + 1];
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (c->adj[mid] < b)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < c->offset[a + 1] && c->adj[lo] == b ? c->eid[lo] : UINT32_MAX;
}

static int push_tie_rel(tie_rels_t *t, const kl_agraph_t *g, int32_t a, int32_t b, uint32_t r)
{
    if (a < 0 || b < 0 || a == b)
        return 0;
    uint32_t e = find_tie(g, (uint32_t)a, (uint32_t)b);
    /* no such tie only when g was built from another dataset: nothing to name */
    if (e == UINT32_MAX)
        return 0;
    if (kl_i_grow((void **)&t->items, &t->cap, t->count, sizeof *t->items) < 0)
        return -1;
    t->items[t->count++] = (tie_rel_t){e, r};
    return 0;
}

typedef struct {
    uint32_t group, member, r;
} membership_t;

static int cmp_membership(const void *a, const void *b)
{
    const membership_t *x = a, *y = b;
    if (x->group != y->group)
        return x->group < y->group ? -1 : 1;
    if (x->member != y->member)
        return x->member < y->member ? -1 : 1;
    return (x->r > y->r) - (x->r < y->r);
}

/* Organisations view: the relations of organisation_ties, each to the ties
 * it makes.  A shared project or person ties two organisations through the
 * memberships of both (every kept relation of each to the group). */
static int org_tie_relations(const kl_agraph_t *g, const kl_dataset_t *ds, tie_rels_t *t)
{
    const kl_graph_options_t *opt = &g->options;
    const int32_t *vert = g->entity_vertex;
    membership_t *ms = NULL;
    size_t nm = 0, cap = 0;
    int rc = -1;
    for (uint32_t i = 0; i < ds->n_relations; i++) {
        const kl_relation_t *r = &ds->relations[i];
        uint32_t group, member;
        if (!relation_kept(r, opt) || r->source == r->target)
            continue;
        if (org_group_of(ds, r, &group, &member)) {
            if (vert[member] < 0)
                continue;
            if (kl_i_grow((void **)&ms, &cap, nm, sizeof *ms) < 0)
                goto cleanup;
            ms[nm++] = (membership_t){group, member, i};
        } else if (ds->entities[r->source].kind == KL_KIND_ORGANISATION &&
                   ds->entities[r->target].kind == KL_KIND_ORGANISATION &&
                   push_tie_rel(t, g, vert[r->source], vert[r->target], i) < 0) {
            goto cleanup;
        }
    }
    if (nm > 1)
        qsort(ms, nm, sizeof *ms, cmp_membership);
    for (size_t lo = 0, hi; lo < nm; lo = hi) {
        uint32_t np = 0;
        for (hi = lo; hi < nm && ms[hi].group == ms[lo].group; hi++)
            np += hi == lo || ms[hi].member != ms[hi - 1].member;
        if (np < 2 || (ds->entities[ms[lo].group].kind == KL_KIND_PROJECT && opt->max_project_size &&
                       np > opt->max_project_size))
            continue;
        /* runs [a, a_end) and [b, b_end) of two different members */
        for (size_t a = lo, a_end; a < hi; a = a_end) {
            for (a_end = a; a_end < hi && ms[a_end].member == ms[a].member; a_end++)
                ;
            for (size_t b = a_end, b_end; b < hi; b = b_end) {
                for (b_end = b; b_end < hi && ms[b_end].member == ms[b].member; b_end++)
                    ;
                int32_t va = vert[ms[a].member], vb = vert[ms[b].member];
                for (size_t k = a; k < a_end; k++)
                    if (push_tie_rel(t, g, va, vb, ms[k].r) < 0)
                        goto cleanup;
                for (size_t k = b; k < b_end; k++)
                    if (push_tie_rel(t, g, va, vb, ms[k].r) < 0)
                        goto cleanup;
            }
        }
    }
    rc = 0;
cleanup:
    free(ms);
    return rc;
}

kl_err kl_agraph_tie_relations(const kl_agraph_t *g, const kl_dataset_t *ds, kl_tie_relations_t *out,
                               kl_error_t *err)
{
    tie_rels_t t = {0};
    uint32_t m = g->csr.m;
    memset(out, 0, sizeof *out);
    out->m = m;
    out->offset = calloc((size_t)m + 2, sizeof *out->offset);
    if (!out->offset)
        goto nomem;
    if (g->options.mode == KL_MODE_FULL) {
        for (uint32_t i = 0; i < ds->n_relations; i++) {
            const kl_relation_t *r = &ds->relations[i];
            if (relation_kept(r, &g->options) &&
                push_tie_rel(&t, g, g->entity_vertex[r->source], g->entity_vertex[r->target], i) < 0)
                goto nomem;
        }
    } else if (org_tie_relations(g, ds, &t) < 0) {
        goto nomem;
    }
    /* counting sort by tie, then each tie's relations ascending, once */
    out->rel = malloc((t.count + 1) * sizeof *out->rel);
    uint32_t *fill = malloc(((size_t)m + 1) * sizeof *fill);
    if (!out->rel || !fill) {
        free(fill);
        goto nomem;
    }
    for (size_t i = 0; i < t.count; i++)
        out->offset[t.items[i].e + 1]++;
    for (uint32_t e = 0; e < m; e++)
        out->offset[e + 1] += out->offset[e];
    memcpy(fill, out->offset, (size_t)m * sizeof *fill);
    for (size_t i = 0; i < t.count; i++)
        out->rel[fill[t.items[i].e]++] = t.items[i].r;
    free(fill);
    uint32_t k = 0, lo = 0;
    for (uint32_t e = 0; e < m; e++) {
        uint32_t hi = out->offset[e + 1];
        if (hi - lo > 1)
            qsort(out->rel + lo, hi - lo, sizeof *out->rel, cmp_u32);
        out->offset[e] = k;
        for (uint32_t i = lo; i < hi; i++)
            if (k == out->offset[e] || out->rel[k - 1] != out->rel[i])
                out->rel[k++] = out->rel[i];
        lo = hi;
    }
    out->offset[m] = k;
    free(t.items);
    return KL_OK;
nomem:
    free(t.items);
    kl_tie_relations_destroy(out);
    return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
}

void kl_tie_relations_destroy(kl_tie_relations_t *tr)
{
    if (!tr)
        return;
    free(tr->offset);
    free(tr->rel);
    memset(tr, 0, sizeof *tr);
}
