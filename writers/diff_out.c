/* writers/diff_out.c - the result of `kluster diff` as kluster-diff/1 JSON
 * and as a readable Markdown summary. */
#include "writers_internal.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- JSON */

static json_t *side_json(const char *path, const kl_diff_side_t *s)
{
    json_t *o = json_object();
    json_object_set_new(o, "path", json_string(path));
    json_object_set_new(o, "dataset", kl_json_string(s->dataset_id));
    json_object_set_new(o, "actors", json_integer((json_int_t)s->n_actors));
    json_object_set_new(o, "ties", json_integer((json_int_t)s->n_ties));
    return o;
}

static json_t *actors_json(const kl_diff_actor_t *const *actors, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "id", kl_json_string(actors[i]->id));
        json_object_set_new(o, "name", kl_json_string(actors[i]->name));
        json_object_set_new(o, "kind", kl_json_string(actors[i]->kind));
        json_object_set_new(o, "region", kl_json_string(actors[i]->region));
        json_array_append_new(arr, o);
    }
    return arr;
}

/* [a, b], then what the kind of link carries: a tie's weight (both weights
 * when reweighted), a newly fragile pair's cut actors. */
typedef enum { LINK_ENDS, LINK_WEIGHT, LINK_WEIGHTS, LINK_CUT } link_shape;

static json_t *cut_json(const kl_diff_pair_t *p)
{
    if (!p || !p->has_cut)
        return json_null();
    json_t *arr = json_array();
    for (uint32_t k = 0; arr && k < p->n_cut; k++)
        json_array_append_new(arr, kl_json_string(p->cut[k]));
    return arr;
}

static json_t *links_json(const kl_diff_links_t *l, link_shape shape)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < l->n; i++) {
        const kl_diff_link_t *x = &l->items[i];
        json_t *e = json_pack("[ss]", x->a, x->b);
        if (shape == LINK_WEIGHT || shape == LINK_WEIGHTS)
            json_array_append_new(e, kl_json_real(x->weight));
        if (shape == LINK_WEIGHTS)
            json_array_append_new(e, kl_json_real(x->new_weight));
        if (shape == LINK_CUT)
            json_array_append_new(e, cut_json(x->pair));
        json_array_append_new(arr, e);
    }
    return arr;
}

static json_t *brokers_json(const kl_diff_t *d)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < d->n_brokers; i++) {
        const kl_diff_broker_t *b = &d->brokers[i];
        json_t *o = json_object();
        json_object_set_new(o, "id", json_string(b->id));
        json_object_set_new(o, "name", kl_json_string(b->name));
        json_object_set_new(o, "old_rank", b->old_rank > 0 ? json_integer(b->old_rank) : json_null());
        json_object_set_new(o, "new_rank", b->new_rank > 0 ? json_integer(b->new_rank) : json_null());
        json_object_set_new(o, "old_irb_share", kl_json_real(b->old_share));
        json_object_set_new(o, "new_irb_share", kl_json_real(b->new_share));
        json_object_set_new(o, "move", json_string(b->move));
        json_array_append_new(arr, o);
    }
    return arr;
}

int kl_write_diff_json(FILE *f, const kl_diff_t *d)
{
    json_t *out = json_object();
    json_object_set_new(out, "format", json_string(KL_DIFF_FORMAT));
    json_object_set_new(out, "old", side_json(d->old_path, d->old));
    json_object_set_new(out, "new", side_json(d->new_path, d->new_side));
    json_object_set_new(out, "actors_added", actors_json(d->added, d->n_added));
    json_object_set_new(out, "actors_removed", actors_json(d->removed, d->n_removed));
    json_object_set_new(out, "ties_added", links_json(&d->ties_added, LINK_WEIGHT));
    json_object_set_new(out, "ties_removed", links_json(&d->ties_removed, LINK_WEIGHT));
    json_object_set_new(out, "ties_reweighted", links_json(&d->ties_reweighted, LINK_WEIGHTS));
    json_object_set_new(out, "top", json_integer(d->top));
    json_object_set_new(out, "brokers", brokers_json(d));
    json_object_set_new(out, "region_pairs_compared", json_boolean(d->region_pairs_compared));
    json_object_set_new(out, "region_pairs_connected", links_json(&d->pairs_connected, LINK_ENDS));
    json_object_set_new(out, "region_pairs_disconnected", links_json(&d->pairs_disconnected, LINK_ENDS));
    json_object_set_new(out, "region_pairs_fragile", links_json(&d->pairs_fragile, LINK_CUT));
    json_object_set_new(out, "region_pairs_no_longer_fragile", links_json(&d->pairs_unfragile, LINK_ENDS));
    return kl_json_write_new(f, out, KL_JSON_DOCUMENT);
}

/* ------------------------------------------------------------ Markdown */

static void md(FILE *f, const char *s)
{
    char buf[512];
    size_t len = kl_md_escape(s ? s : "", buf, sizeof buf);
    if (len < sizeof buf) {
        fputs(buf, f);
        return;
    }
    char *big = malloc(len + 1);
    if (big) {
        kl_md_escape(s, big, len + 1);
        fputs(big, f);
        free(big);
    }
}

/* The name of an actor in a side (searched by id: actors are listed by
 * id), or NULL when the side has no such actor or it has no name. */
static const char *side_actor_name(const kl_diff_side_t *s, const char *id)
{
    size_t lo = 0, hi = s->n_actors;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const char *aid = s->actors[mid].id;
        int c = aid ? strcmp(aid, id) : -1;
        if (c == 0)
            return s->actors[mid].name;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* An actor's name from either analysis (the new one first), else its id. */
static void actor_name(FILE *f, const kl_diff_t *d, const char *id)
{
    const char *name = side_actor_name(d->new_side, id);
    if (!name)
        name = side_actor_name(d->old, id);
    md(f, name ? name : id);
}

/* A region's name from either analysis (the new one first), else its id. */
static const char *region_name(const kl_diff_t *d, const char *id)
{
    for (int side = 0; side < 2; side++) {
        const kl_diff_side_t *s = side ? d->old : d->new_side;
        for (size_t i = 0; i < s->n_regions; i++)
            if (s->regions[i].id && strcmp(s->regions[i].id, id) == 0)
                return s->regions[i].name;
    }
    return id;
}

static void pct(FILE *f, double x)
{
    if (isfinite(x))
        fprintf(f, "%.1f %%", 100.0 * x);
    else
        fputs("–", f);
}

static void pairs_md(FILE *f, const kl_diff_t *d, const kl_diff_links_t *l, const char *title)
{
    if (!l->n)
        return;
    fprintf(f, "\n## %s (%zu)\n\n", kl_tr(title), l->n);
    for (size_t i = 0; i < l->n; i++) {
        const kl_diff_link_t *x = &l->items[i];
        fputs("- ", f);
        md(f, region_name(d, x->a));
        fputs(" – ", f);
        md(f, region_name(d, x->b ? x->b : "?"));
        const kl_diff_pair_t *p = x->pair;
        if (p && p->has_cut && p->n_cut) {
            fputs(": ", f);
            /* TRANSLATORS: a newly fragile region pair hangs on the actors that follow */
            fputs(_("hangs on"), f);
            fputc(' ', f);
            for (uint32_t k = 0; k < p->n_cut; k++) {
                if (k)
                    fputs(", ", f);
                actor_name(f, d, p->cut[k] ? p->cut[k] : "?");
            }
        }
        fputs("\n", f);
    }
}

static void ties_md(FILE *f, const kl_diff_t *d, const kl_diff_links_t *l, const char *title, int changed)
{
    if (!l->n)
        return;
    fprintf(f, "\n## %s (%zu)\n\n| %s | %s | %s |\n|---|---|---:|\n", kl_tr(title), l->n, _("actor"), _("actor"),
            changed ? _("weight old → new") : _("weight"));
    char b1[32], b2[32];
    for (size_t i = 0; i < l->n; i++) {
        const kl_diff_link_t *x = &l->items[i];
        fputs("| ", f);
        actor_name(f, d, x->a);
        fputs(" | ", f);
        actor_name(f, d, x->b ? x->b : "?");
        kl_format_real(x->weight, b1);
        if (changed) {
            kl_format_real(x->new_weight, b2);
            fprintf(f, " | %s → %s |\n", b1, b2);
        } else {
            fprintf(f, " | %s |\n", b1);
        }
    }
}

static void actors_md(FILE *f, const kl_diff_t *d, const kl_diff_actor_t *const *actors, size_t n,
                      const char *title)
{
    if (!n)
        return;
    fprintf(f, "\n## %s (%zu)\n\n| %s | %s | %s | %s |\n|---|---|---|---|\n", kl_tr(title), n, _("id"), _("name"),
            _("kind"), _("region"));
    for (size_t i = 0; i < n; i++) {
        const kl_diff_actor_t *a = actors[i];
        const char *cells[] = {a->id, a->name, kl_i_kind_name_label(a->kind)};
        for (int k = 0; k < 3; k++) {
            fputs(k ? " | " : "| ", f);
            md(f, cells[k]);
        }
        fputs(" | ", f);
        if (a->region)
            md(f, region_name(d, a->region));
        else
            fputs("–", f);
        fputs(" |\n", f);
    }
}

static void rank_md(FILE *f, long rank)
{
    if (rank > 0)
        fprintf(f, "%ld", rank);
    else
        fputs("–", f);
}

/* A move that is a word ("new", "now a broker"), as the Markdown says it;
 * JSON keeps the word. */
static const char *move_label(const char *move)
{
    static const char *const words[][2] = {
        /* TRANSLATORS: a broker's move: the actor is new in the dataset */
        {"new", N_("new")},
        /* TRANSLATORS: a broker's move: the actor left the dataset */
        {"removed", N_("removed")},
        {"now a broker", N_("now a broker")},
        {"no longer a broker", N_("no longer a broker")},
    };
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strcmp(move, words[i][0]) == 0)
            return kl_tr(words[i][1]);
    return move;
}

static void brokers_md(FILE *f, const kl_diff_t *d)
{
    if (!d->n_brokers)
        return;
    fputs("\n## ", f);
    fprintf(f, _("Top %lld brokers by inter-regional betweenness"), (long long)d->top);
    fprintf(f, "\n\n| %s | %s | %s | %s | %s | %s |\n|---:|---:|---|---|---:|---:|\n", _("new rank"), _("old rank"),
            /* TRANSLATORS: a column: how a broker's rank moved ("up 2", "new") */
            _("move"), _("actor"), _("share old"), _("share new"));
    for (size_t i = 0; i < d->n_brokers; i++) {
        const kl_diff_broker_t *b = &d->brokers[i];
        fputs("| ", f);
        rank_md(f, b->new_rank);
        fputs(" | ", f);
        rank_md(f, b->old_rank);
        fputs(" | ", f);
        if (strcmp(b->move, "up") == 0)
            /* TRANSLATORS: a broker's rank rose by this many places */
            fprintf(f, _("up %ld"), b->old_rank - b->new_rank);
        else if (strcmp(b->move, "down") == 0)
            /* TRANSLATORS: a broker's rank fell by this many places */
            fprintf(f, _("down %ld"), b->new_rank - b->old_rank);
        else if (strcmp(b->move, "same") == 0)
            fputs("=", f);
        else if (strcmp(b->move, "none") == 0)
            fputs("–", f);
        else
            fputs(move_label(b->move), f);
        fputs(" | ", f);
        md(f, b->name ? b->name : b->id);
        fputs(" | ", f);
        pct(f, b->old_share);
        fputs(" | ", f);
        pct(f, b->new_share);
        fputs(" |\n", f);
    }
}

int kl_write_diff_md(FILE *f, const kl_diff_t *d)
{
    size_t ta = d->ties_added.n, tr = d->ties_removed.n, tc = d->ties_reweighted.n;
    size_t pc = d->pairs_connected.n, pd = d->pairs_disconnected.n, pf = d->pairs_fragile.n,
           pu = d->pairs_unfragile.n;
    fputs("# kluster diff\n\n- ", f);
    /* TRANSLATORS: labels the first analysis compared ("old: FILE") */
    fprintf(f, "%s ", _("old:"));
    md(f, d->old_path);
    /* TRANSLATORS: labels the second analysis compared ("new: FILE") */
    fprintf(f, "\n- %s ", _("new:"));
    md(f, d->new_path);
    fprintf(f, "\n\n## %s\n\n- ", _("Summary"));
    fprintf(f, _("actors: %zu → %zu (%zu added, %zu removed)"), d->old->n_actors, d->new_side->n_actors, d->n_added,
            d->n_removed);
    fputs("\n- ", f);
    fprintf(f, _("ties: %zu → %zu (%zu added, %zu removed, %zu with a new weight)"), d->old->n_ties,
            d->new_side->n_ties, ta, tr, tc);
    fputs("\n- ", f);
    if (d->region_pairs_compared)
        fprintf(f, _("region pairs: %zu newly connected, %zu disconnected, %zu newly fragile, %zu no longer fragile"),
                pc, pd, pf, pu);
    else
        /* TRANSLATORS: region_pairs is a key of the analysis file, kluster analyze a command */
        fprintf(f, _("region pairs: not compared (an input has no %s; re-run %s)"), "region_pairs", "kluster analyze");
    fputc('\n', f);
    if (!d->n_added && !d->n_removed && !ta && !tr && !tc && !pc && !pd && !pf && !pu) {
        fputc('\n', f);
        fputs(_("No actor, tie or region pair changed."), f);
        fputc('\n', f);
    }
    actors_md(f, d, d->added, d->n_added, N_("Actors added"));
    actors_md(f, d, d->removed, d->n_removed, N_("Actors removed"));
    ties_md(f, d, &d->ties_added, N_("Ties added"), 0);
    ties_md(f, d, &d->ties_removed, N_("Ties removed"), 0);
    ties_md(f, d, &d->ties_reweighted, N_("Ties with a new weight"), 1);
    brokers_md(f, d);
    pairs_md(f, d, &d->pairs_connected, N_("Region pairs newly connected"));
    pairs_md(f, d, &d->pairs_disconnected, N_("Region pairs disconnected"));
    pairs_md(f, d, &d->pairs_fragile, N_("Region pairs newly fragile"));
    pairs_md(f, d, &d->pairs_unfragile, N_("Region pairs no longer fragile"));
    if (ferror(f)) {
        if (!errno)
            errno = EIO;
        return -1;
    }
    return 0;
}
