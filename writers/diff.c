/* writers/diff.c - `kluster diff` on typed results: the two sides of a
 * comparison (from a run or from a kluster-analysis/1 file), what changed
 * between them, and the kluster-diff/1 JSON and Markdown writers. */
#include "writers.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- storage */

/* The strings and small arrays of a side built from a run: copied into a
 * few large blocks, so that the run can be destroyed before comparing. */
struct kl_diff_chunk {
    struct kl_diff_chunk *next;
    size_t used, cap;
    _Alignas(16) char data[];
};

#define CHUNK_SIZE (64 * 1024)

static void *side_alloc(kl_diff_side_t *s, size_t size)
{
    size = (size + 15) & ~(size_t)15;
    struct kl_diff_chunk *c = s->chunks;
    if (!c || c->cap - c->used < size) {
        size_t cap = size > CHUNK_SIZE ? size : CHUNK_SIZE;
        c = malloc(sizeof *c + cap);
        if (!c)
            return NULL;
        c->next = s->chunks;
        c->used = 0;
        c->cap = cap;
        s->chunks = c;
    }
    void *p = c->data + c->used;
    c->used += size;
    return p;
}

/* A copy of str owned by the side; NULL stays NULL.  *ok cleared when out
 * of memory. */
static const char *keep(kl_diff_side_t *s, const char *str, int *ok)
{
    if (!str)
        return NULL;
    size_t len = strlen(str) + 1;
    char *p = side_alloc(s, len);
    if (!p) {
        *ok = 0;
        return NULL;
    }
    return memcpy(p, str, len);
}

void kl_diff_side_destroy(kl_diff_side_t *s)
{
    free(s->actors);
    free(s->ties);
    free(s->pairs);
    free(s->regions);
    json_decref(s->json);
    while (s->chunks) {
        struct kl_diff_chunk *next = s->chunks->next;
        free(s->chunks);
        s->chunks = next;
    }
    memset(s, 0, sizeof *s);
}

static int side_arrays(kl_diff_side_t *s, size_t actors, size_t ties, size_t pairs, size_t regions)
{
    s->actors = calloc(actors + 1, sizeof *s->actors);
    s->ties = calloc(ties + 1, sizeof *s->ties);
    s->pairs = calloc(pairs + 1, sizeof *s->pairs);
    s->regions = calloc(regions + 1, sizeof *s->regions);
    s->n_actors = actors;
    s->n_ties = ties;
    s->n_pairs = pairs;
    s->n_regions = regions;
    return s->actors && s->ties && s->pairs && s->regions ? 0 : -1;
}

/* ------------------------------------------------------ side of a run */

/* Region pairs and regions of a run: the region_pairs and regions arrays of
 * its analysis.json. */
static void report_regions(kl_diff_side_t *s, const kl_report_t *r, const char **vid, const char **rid, int *ok)
{
    const kl_regions_t *rg = r->regions;
    for (uint32_t i = 0; i < rg->n_regions; i++) {
        uint32_t k = rg->regions[i].region;
        s->regions[i] = (kl_diff_region_t){rid[k], keep(s, r->ds->regions[k].name, ok)};
    }
    for (uint32_t p = 0; *ok && p < rg->n_pairs; p++) {
        const kl_region_pair_t *rp = &rg->pairs[p];
        kl_diff_pair_t *dp = &s->pairs[p];
        *dp = (kl_diff_pair_t){rid[rp->a], rid[rp->b], rp->connected != 0, rp->n_cut > 0, 1, NULL, rp->n_cut};
        dp->cut = side_alloc(s, ((size_t)rp->n_cut + 1) * sizeof *dp->cut);
        if (!dp->cut) {
            *ok = 0;
            break;
        }
        for (uint32_t k = 0; k < rp->n_cut; k++)
            dp->cut[k] = vid[rp->cut[k]];
    }
}

kl_err kl_diff_side_from_report(kl_diff_side_t *s, const kl_report_t *r, kl_error_t *err)
{
    const kl_analysis_t *a = r->res;
    const kl_dataset_t *ds = r->ds;
    const kl_agraph_t *g = r->g;
    const kl_regions_t *rg = r->regions;
    memset(s, 0, sizeof *s);
    int ok = side_arrays(s, a->n, a->m, rg ? rg->n_pairs : 0, rg ? rg->n_regions : 0) == 0;
    /* every id once: the actors' (per vertex) and the regions' */
    const char **vid = ok ? side_alloc(s, ((size_t)g->n + 1) * sizeof *vid) : NULL;
    const char **rid = vid ? side_alloc(s, ((size_t)ds->n_regions + 1) * sizeof *rid) : NULL;
    ok = rid != NULL;
    for (uint32_t v = 0; ok && v < g->n; v++)
        vid[v] = keep(s, ds->entities[g->vertex_entity[v]].id, &ok);
    for (uint32_t k = 0; ok && k < ds->n_regions; k++)
        rid[k] = keep(s, ds->regions[k].id, &ok);
    s->dataset_id = ok ? keep(s, ds->id, &ok) : NULL;
    /* the actors in analysis.json's order, the same doubles it prints */
    for (uint32_t i = 0; ok && i < a->n; i++) {
        uint32_t v = a->order[i];
        const kl_entity_t *e = &ds->entities[g->vertex_entity[v]];
        int32_t reg = g->vertex_region[v];
        s->actors[i] = (kl_diff_actor_t){vid[v], keep(s, e->name, &ok), kl_kind_name(e->kind),
                                         reg >= 0 ? rid[reg] : NULL, a->irb[v], a->irb_share[v]};
    }
    /* ties: the smaller actor id first, as analysis.json lists them */
    for (uint32_t i = 0; ok && i < a->m; i++) {
        uint32_t e = a->edge_order[i], u = g->edge_from[e], v = g->edge_to[e];
        if (a->rank[u] > a->rank[v]) {
            uint32_t x = u;
            u = v, v = x;
        }
        s->ties[i] = (kl_diff_tie_t){vid[u], vid[v], g->weight[e], 1};
    }
    s->has_region_pairs = rg != NULL;
    if (ok && rg)
        report_regions(s, r, vid, rid, &ok);
    if (!ok) {
        kl_diff_side_destroy(s);
        return kl_error_set(err, KL_ENOMEM, "", 0, 0, "out of memory");
    }
    return KL_OK;
}

/* ----------------------------------------------------- side of a file */

static const char *jtext(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static double jnum(const json_t *v)
{
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static int read_pair(kl_diff_side_t *s, kl_diff_pair_t *p, const json_t *o)
{
    const json_t *cut = json_object_get(o, "cut_actors");
    *p = (kl_diff_pair_t){jtext(o, "a"), jtext(o, "b"), json_is_true(json_object_get(o, "connected")),
                          json_is_true(json_object_get(o, "fragile")), json_is_array(cut), NULL, 0};
    if (!p->has_cut)
        return 0;
    p->n_cut = (uint32_t)json_array_size(cut);
    p->cut = side_alloc(s, ((size_t)p->n_cut + 1) * sizeof *p->cut);
    if (!p->cut)
        return -1;
    for (uint32_t k = 0; k < p->n_cut; k++)
        p->cut[k] = json_string_value(json_array_get(cut, k));
    return 0;
}

kl_err kl_diff_side_read(kl_diff_side_t *s, const char *path, kl_error_t *err)
{
    json_error_t jerr;
    memset(s, 0, sizeof *s);
    json_t *j = json_load_file(path, 0, &jerr);
    if (!j)
        return kl_error_set(err, KL_EPARSE, path, jerr.line, jerr.column, "%s", jerr.text);
    s->json = j; /* holds every string the side points to */
    const json_t *actors = json_object_get(j, "actors"), *ties = json_object_get(j, "ties");
    const json_t *pairs = json_object_get(j, "region_pairs"), *regions = json_object_get(j, "regions");
    if (!json_is_array(actors) || !json_is_array(ties)) {
        kl_diff_side_destroy(s);
        return kl_error_set(err, KL_EINVAL, path, 0, 0,
                            "not a complete " KL_ANALYSIS_FORMAT " file (no 'actors' or 'ties')");
    }
    int ok = side_arrays(s, json_array_size(actors), json_array_size(ties), json_array_size(pairs),
                         json_array_size(regions)) == 0;
    s->dataset_id = jtext(json_object_get(j, "dataset"), "id");
    for (size_t i = 0; ok && i < s->n_actors; i++) {
        const json_t *x = json_array_get(actors, i);
        s->actors[i] = (kl_diff_actor_t){jtext(x, "id"),   jtext(x, "name"),
                                         jtext(x, "kind"), jtext(x, "region"),
                                         jnum(json_object_get(x, "irb")), jnum(json_object_get(x, "irb_share"))};
    }
    for (size_t i = 0; ok && i < s->n_ties; i++) {
        const json_t *t = json_array_get(ties, i), *w = json_array_get(t, 2);
        s->ties[i] = (kl_diff_tie_t){json_string_value(json_array_get(t, 0)), json_string_value(json_array_get(t, 1)),
                                     jnum(w), w != NULL};
    }
    s->has_region_pairs = pairs != NULL;
    for (size_t i = 0; ok && i < s->n_pairs; i++)
        ok = read_pair(s, &s->pairs[i], json_array_get(pairs, i)) == 0;
    for (size_t i = 0; ok && i < s->n_regions; i++) {
        const json_t *x = json_array_get(regions, i);
        s->regions[i] = (kl_diff_region_t){jtext(x, "id"), jtext(x, "name")};
    }
    if (!ok) {
        kl_diff_side_destroy(s);
        return kl_error_set(err, KL_ENOMEM, "", 0, 0, "out of memory");
    }
    return KL_OK;
}

/* ------------------------------------------------------------ indexes */

/* Actors by id.  Where a (hand-edited) file lists an id twice, the later
 * entry counts, for lookups and ranks alike. */
typedef struct {
    const kl_diff_actor_t *actor;
    size_t seq;
    long rank; /* 1-based rank among actors with irb > 0 (first listing); -1 */
} by_id_t;

/* An actor ranked by irb (undefined counts as 0). */
typedef struct {
    const char *id;
    double irb;
} ranked_t;

typedef struct {
    by_id_t *ids; /* sorted by id, one per id */
    size_t n_ids;
    ranked_t *ranked; /* irb desc, then id */
    size_t n_ranked;
} actor_index_t;

static int cmp_by_id(const void *x, const void *y)
{
    const by_id_t *a = x, *b = y;
    int c = strcmp(a->actor->id, b->actor->id);
    return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

static int cmp_ranked(const void *x, const void *y)
{
    const ranked_t *a = x, *b = y;
    if (a->irb != b->irb)
        return a->irb < b->irb ? 1 : -1;
    return strcmp(a->id, b->id);
}

static by_id_t *find_id(const actor_index_t *ix, const char *id)
{
    size_t lo = 0, hi = ix->n_ids;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(ix->ids[mid].actor->id, id);
        if (c == 0)
            return &ix->ids[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static void actor_index_destroy(actor_index_t *ix)
{
    free(ix->ids);
    free(ix->ranked);
    memset(ix, 0, sizeof *ix);
}

static int actor_index_build(actor_index_t *ix, const kl_diff_side_t *s)
{
    memset(ix, 0, sizeof *ix);
    ix->ids = malloc((s->n_actors + 1) * sizeof *ix->ids);
    ix->ranked = malloc((s->n_actors + 1) * sizeof *ix->ranked);
    if (!ix->ids || !ix->ranked) {
        actor_index_destroy(ix);
        return -1;
    }
    for (size_t i = 0; i < s->n_actors; i++) {
        const kl_diff_actor_t *a = &s->actors[i];
        if (!a->id)
            continue;
        ix->ids[ix->n_ids++] = (by_id_t){a, i, -1};
        ix->ranked[ix->n_ranked++] = (ranked_t){a->id, isfinite(a->irb) ? a->irb : 0};
    }
    qsort(ix->ids, ix->n_ids, sizeof *ix->ids, cmp_by_id);
    size_t n = 0;
    for (size_t i = 0; i < ix->n_ids; i++) {
        if (n && strcmp(ix->ids[n - 1].actor->id, ix->ids[i].actor->id) == 0)
            n--; /* the later listing replaces the earlier */
        ix->ids[n++] = ix->ids[i];
    }
    ix->n_ids = n;
    qsort(ix->ranked, ix->n_ranked, sizeof *ix->ranked, cmp_ranked);
    /* a rank only for actors on some cross-region path: the order of the
     * zeros says nothing */
    for (size_t k = 0; k < ix->n_ranked && ix->ranked[k].irb > 0; k++) {
        by_id_t *b = find_id(ix, ix->ranked[k].id);
        if (b->rank < 0)
            b->rank = (long)k + 1;
    }
    return 0;
}

static long rank_of(const actor_index_t *ix, const char *id)
{
    const by_id_t *b = find_id(ix, id);
    return b ? b->rank : -1;
}

/* Ties and region pairs by their two ends: "a\x1fb", the smaller id first
 * (ties are unordered; the unit separator is in no id that matters). */
typedef struct {
    char *key;
    size_t seq;
    const kl_diff_tie_t *tie;
    const kl_diff_pair_t *pair;
} keyed_t;

typedef struct {
    keyed_t *items; /* sorted by key, one per key (the last listed) */
    size_t n;
} keyed_index_t;

static int cmp_keyed(const void *x, const void *y)
{
    const keyed_t *a = x, *b = y;
    int c = strcmp(a->key, b->key);
    return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

static char *pair_key(const char *a, const char *b)
{
    if (strcmp(a, b) > 0) {
        const char *x = a;
        a = b, b = x;
    }
    char *key = NULL;
    return asprintf(&key, "%s\x1f%s", a, b) < 0 ? NULL : key;
}

static void keyed_index_destroy(keyed_index_t *ix)
{
    for (size_t i = 0; ix->items && i < ix->n; i++)
        free(ix->items[i].key);
    free(ix->items);
    memset(ix, 0, sizeof *ix);
}

/* The ties (pairs NULL) or the region pairs (ties NULL) of a side. */
static int keyed_index_build(keyed_index_t *ix, const kl_diff_tie_t *ties, const kl_diff_pair_t *pairs, size_t n)
{
    memset(ix, 0, sizeof *ix);
    ix->items = calloc(n + 1, sizeof *ix->items);
    if (!ix->items)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const char *a = ties ? ties[i].a : pairs[i].a, *b = ties ? ties[i].b : pairs[i].b;
        if (!a || !b || (ties && !ties[i].has_weight))
            continue;
        keyed_t *k = &ix->items[ix->n];
        *k = (keyed_t){pair_key(a, b), i, ties ? &ties[i] : NULL, pairs ? &pairs[i] : NULL};
        if (!k->key) {
            keyed_index_destroy(ix);
            return -1;
        }
        ix->n++;
    }
    qsort(ix->items, ix->n, sizeof *ix->items, cmp_keyed);
    size_t m = 0;
    for (size_t i = 0; i < ix->n; i++) {
        if (m && strcmp(ix->items[m - 1].key, ix->items[i].key) == 0)
            free(ix->items[--m].key); /* the later listing replaces the earlier */
        ix->items[m++] = ix->items[i];
    }
    ix->n = m;
    return 0;
}

/* ------------------------------------------------------------- compare */

/* Room for n links: each list is sized once, before its walk. */
static int links_reserve(kl_diff_links_t *l, size_t n)
{
    l->items = malloc((n + 1) * sizeof *l->items);
    l->cap = n;
    return l->items ? 0 : -1;
}

/* Append a link made from key ("a\x1fb"); -1 when out of memory. */
static int link_add(kl_diff_links_t *l, const char *key, double weight, double new_weight, const kl_diff_pair_t *p)
{
    char *a = l->n < l->cap ? strdup(key) : NULL;
    if (!a)
        return -1;
    char *sep = strchr(a, '\x1f');
    if (sep)
        *sep = '\0';
    l->items[l->n++] = (kl_diff_link_t){a, sep ? sep + 1 : NULL, weight, new_weight, p};
    return 0;
}

static void links_destroy(kl_diff_links_t *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i].a);
    free(l->items);
    memset(l, 0, sizeof *l);
}

static int weight_differs(double x, double y)
{
    if (!isfinite(x) || !isfinite(y))
        return isfinite(x) != isfinite(y);
    return fabs(x - y) > 1e-12 * fmax(1.0, fmax(fabs(x), fabs(y)));
}

/* Actors of one index missing from the other, by id. */
static int actors_missing(const actor_index_t *from, const actor_index_t *other, const kl_diff_actor_t ***out,
                          size_t *n)
{
    *n = 0;
    *out = malloc((from->n_ids + 1) * sizeof **out);
    if (!*out)
        return -1;
    for (size_t i = 0; i < from->n_ids; i++)
        if (!find_id(other, from->ids[i].actor->id))
            (*out)[(*n)++] = from->ids[i].actor;
    return 0;
}

/* Walk two keyed indexes in key order: visit(key, old item or NULL, new
 * item or NULL) for every key of either. */
static int merge_keys(kl_diff_t *d, const keyed_index_t *o, const keyed_index_t *n,
                      int (*visit)(kl_diff_t *d, const char *key, const keyed_t *old_item, const keyed_t *new_item))
{
    size_t i = 0, j = 0;
    while (i < o->n || j < n->n) {
        int c = i == o->n ? 1 : j == n->n ? -1 : strcmp(o->items[i].key, n->items[j].key);
        const keyed_t *x = c <= 0 ? &o->items[i++] : NULL, *y = c >= 0 ? &n->items[j++] : NULL;
        if (visit(d, x ? x->key : y->key, x, y) != 0)
            return -1;
    }
    return 0;
}

static int visit_tie(kl_diff_t *d, const char *key, const keyed_t *o, const keyed_t *n)
{
    if (!o)
        return link_add(&d->ties_added, key, n->tie->weight, NAN, NULL);
    if (!n)
        return link_add(&d->ties_removed, key, o->tie->weight, NAN, NULL);
    if (weight_differs(o->tie->weight, n->tie->weight))
        return link_add(&d->ties_reweighted, key, o->tie->weight, n->tie->weight, NULL);
    return 0;
}

static int visit_pair(kl_diff_t *d, const char *key, const keyed_t *o, const keyed_t *n)
{
    int ca = o && o->pair->connected, cb = n && n->pair->connected;
    int fa = o && o->pair->fragile, fb = n && n->pair->fragile;
    if ((cb && !ca && link_add(&d->pairs_connected, key, NAN, NAN, NULL) != 0) ||
        (ca && !cb && link_add(&d->pairs_disconnected, key, NAN, NAN, NULL) != 0) ||
        (fb && !fa && link_add(&d->pairs_fragile, key, NAN, NAN, n->pair) != 0) ||
        (fa && !fb && cb && link_add(&d->pairs_unfragile, key, NAN, NAN, NULL) != 0))
        return -1;
    return 0;
}

/* How a top broker moved between the two analyses.  Only an actor absent
 * from the old dataset is "new" (and only one absent from the new one is
 * "removed"): an actor that was there but on no cross-region path has a
 * share rising from 0, which is a change of role, not an arrival. */
static const char *broker_move(int in_old, int in_new, long old_rank, long new_rank)
{
    if (!in_old)
        return "new";
    if (!in_new)
        return "removed";
    if (old_rank < 0)
        return new_rank < 0 ? "none" : "now a broker";
    if (new_rank < 0)
        return "no longer a broker";
    return old_rank > new_rank ? "up" : old_rank < new_rank ? "down" : "same";
}

/* Everyone in either top list (the new one first), with both ranks. */
static int compare_brokers(kl_diff_t *d, const actor_index_t *io, const actor_index_t *in)
{
    size_t most = (io->n_ranked < d->top ? io->n_ranked : d->top) + (in->n_ranked < d->top ? in->n_ranked : d->top);
    d->brokers = malloc((most + 1) * sizeof *d->brokers);
    if (!d->brokers)
        return -1;
    for (int side = 0; side < 2; side++) {
        const actor_index_t *ix = side ? io : in;
        for (size_t i = 0; i < ix->n_ranked && i < d->top && ix->ranked[i].irb > 0; i++) {
            const char *id = ix->ranked[i].id;
            long old_rank = rank_of(io, id), new_rank = rank_of(in, id);
            /* listed already: earlier in this top list (an id listed twice),
             * or, for the old list, in the new one */
            if ((side ? old_rank : new_rank) != (long)i + 1 || (side && new_rank > 0 && new_rank <= (long)d->top))
                continue;
            const by_id_t *bo = find_id(io, id), *bn = find_id(in, id);
            const kl_diff_actor_t *ao = bo ? bo->actor : NULL, *an = bn ? bn->actor : NULL;
            d->brokers[d->n_brokers++] = (kl_diff_broker_t){
                id, (an ? an : ao)->name, old_rank, new_rank, ao ? ao->irb_share : NAN, an ? an->irb_share : NAN,
                broker_move(ao != NULL, an != NULL, old_rank, new_rank)};
        }
    }
    return 0;
}

void kl_diff_destroy(kl_diff_t *d)
{
    free(d->added);
    free(d->removed);
    free(d->brokers);
    links_destroy(&d->ties_added);
    links_destroy(&d->ties_removed);
    links_destroy(&d->ties_reweighted);
    links_destroy(&d->pairs_connected);
    links_destroy(&d->pairs_disconnected);
    links_destroy(&d->pairs_fragile);
    links_destroy(&d->pairs_unfragile);
    memset(d, 0, sizeof *d);
}

kl_err kl_diff_compare(kl_diff_t *d, const kl_diff_side_t *old_side, const char *old_path,
                       const kl_diff_side_t *new_side, const char *new_path, uint32_t top)
{
    actor_index_t ao, an;
    keyed_index_t to, tn, po, pn;
    memset(d, 0, sizeof *d);
    d->old_path = old_path;
    d->new_path = new_path;
    d->old = old_side;
    d->new_side = new_side;
    d->top = top;
    d->region_pairs_compared = old_side->has_region_pairs && new_side->has_region_pairs;
    int ok = actor_index_build(&ao, old_side) == 0;
    ok = actor_index_build(&an, new_side) == 0 && ok;
    ok = keyed_index_build(&to, old_side->ties, NULL, old_side->n_ties) == 0 && ok;
    ok = keyed_index_build(&tn, new_side->ties, NULL, new_side->n_ties) == 0 && ok;
    ok = keyed_index_build(&po, NULL, old_side->pairs, old_side->n_pairs) == 0 && ok;
    ok = keyed_index_build(&pn, NULL, new_side->pairs, new_side->n_pairs) == 0 && ok;
    /* every list holds at most the links of the side it comes from */
    ok = ok && links_reserve(&d->ties_added, tn.n) == 0 && links_reserve(&d->ties_removed, to.n) == 0 &&
         links_reserve(&d->ties_reweighted, tn.n) == 0 && links_reserve(&d->pairs_connected, pn.n) == 0 &&
         links_reserve(&d->pairs_disconnected, po.n) == 0 && links_reserve(&d->pairs_fragile, pn.n) == 0 &&
         links_reserve(&d->pairs_unfragile, po.n) == 0;
    ok = ok && actors_missing(&an, &ao, &d->added, &d->n_added) == 0 &&
         actors_missing(&ao, &an, &d->removed, &d->n_removed) == 0 && merge_keys(d, &to, &tn, visit_tie) == 0 &&
         compare_brokers(d, &ao, &an) == 0 && merge_keys(d, &po, &pn, visit_pair) == 0;
    actor_index_destroy(&ao);
    actor_index_destroy(&an);
    keyed_index_destroy(&to);
    keyed_index_destroy(&tn);
    keyed_index_destroy(&po);
    keyed_index_destroy(&pn);
    if (!ok) {
        kl_diff_destroy(d);
        return KL_ENOMEM;
    }
    return KL_OK;
}
