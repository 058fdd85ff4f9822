/* writers/trend.c - `kluster trend` results: kluster-trend/1 JSON, tidy CSV
 * (period x actor, period x region pair) and a Markdown report. */
#include "writers_internal.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ shared */

void kl_i_trend_period_label(const kl_trend_period_t *P, char *buf, size_t size)
{
    int whole = P->from % 10000 == 101 && P->to % 10000 == 1231;
    if (whole && P->from / 10000 == P->to / 10000) {
        snprintf(buf, size, "%d", (int)(P->from / 10000));
    } else if (whole) {
        snprintf(buf, size, "%d-%d", (int)(P->from / 10000), (int)(P->to / 10000));
    } else {
        char a[16], b[16];
        kl_i_format_date(P->from, a, sizeof a);
        kl_i_format_date(P->to, b, sizeof b);
        snprintf(buf, size, "%s..%s", a, b);
    }
}

static const char *region_id(const kl_dataset_t *ds, int32_t r)
{
    return r >= 0 ? ds->regions[r].id : NULL;
}

/* ---------------------------------------------------------------- JSON */

static json_t *options_json(const kl_trend_t *t)
{
    json_t *o = json_object();
    int ok = o != NULL;
    if (!ok)
        return NULL;
    kl_i_jset(o, "mode", json_string(kl_i_mode_name(t->graph.mode)), &ok);
    kl_i_jset(o, "ties", kl_i_ties_json(t->graph.tie_types), &ok);
    kl_i_jset(o, "excluded_kinds", kl_i_excluded_kinds_json(t->graph.exclude_kinds), &ok);
    kl_i_jset(o, "weighted_paths", json_boolean(t->weighted), &ok);
    kl_i_jset(o, "seed", json_integer((json_int_t)t->seed), &ok);
    kl_i_jset(o, "cumulative", json_boolean(t->cumulative), &ok);
    kl_i_jset(o, "top", json_integer(t->top), &ok);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *pair_ref(const kl_trend_t *t, const kl_trend_pair_t *q, int with_cut)
{
    json_t *o = json_object();
    int ok = o != NULL;
    if (!ok)
        return NULL;
    kl_i_jset(o, "a", json_string(t->ds->regions[q->a].id), &ok);
    kl_i_jset(o, "b", json_string(t->ds->regions[q->b].id), &ok);
    if (with_cut) {
        json_t *c = json_array();
        for (uint32_t j = 0; c && j < q->n_cut; j++)
            if (json_array_append_new(c, json_string(t->ds->entities[q->cut[j]].id)))
                ok = 0;
        kl_i_jset(o, "cut_actors", c, &ok);
    }
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *pair_list(const kl_trend_t *t, const kl_trend_period_t *P, const uint32_t *idx, uint32_t n,
                         int with_cut)
{
    json_t *a = json_array();
    for (uint32_t i = 0; a && i < n; i++)
        if (json_array_append_new(a, pair_ref(t, &P->pairs[idx[i]], with_cut))) {
            json_decref(a);
            return NULL;
        }
    return a;
}

kl_i_move_kind kl_i_trend_move_kind(const kl_trend_move_t *m)
{
    return !m->before ? KL_I_MOVE_ENTERED : !m->after ? KL_I_MOVE_LEFT : m->after < m->before ? KL_I_MOVE_ROSE
                                                      : m->after > m->before ? KL_I_MOVE_FELL : KL_I_MOVE_SAME;
}

static const char *move_name(const kl_trend_move_t *m)
{
    static const char *const names[] = {"entered", "left", "rose", "fell", "same"};
    return names[kl_i_trend_move_kind(m)];
}

uint32_t kl_i_trend_top_index(const kl_trend_period_t *P, uint32_t entity)
{
    for (uint32_t k = 0; k < P->n_top; k++)
        if (P->actors[P->top[k]].entity == entity)
            return k;
    return UINT32_MAX;
}

int kl_i_trend_changed(const kl_trend_period_t *P)
{
    for (uint32_t k = 0; k < P->n_moves; k++)
        if (P->moves[k].before != P->moves[k].after)
            return 1;
    return P->n_gained || P->n_lost || P->n_fragile || P->n_mended;
}

static json_t *period_json(const kl_trend_t *t, uint32_t i)
{
    const kl_trend_period_t *P = &t->periods[i];
    const kl_dataset_t *ds = t->ds;
    json_t *o = json_object(), *g = json_object(), *b = json_array(), *fr = json_array(), *x;
    int ok = o && g && b && fr;
    char buf[64];
    if (!ok) {
        json_decref(o);
        json_decref(g);
        json_decref(b);
        json_decref(fr);
        return NULL;
    }
    kl_i_trend_period_label(P, buf, sizeof buf);
    kl_i_jset(o, "period", json_string(buf), &ok);
    kl_i_format_date(P->from, buf, sizeof buf);
    kl_i_jset(o, "from", json_string(buf), &ok);
    kl_i_format_date(P->to, buf, sizeof buf);
    kl_i_jset(o, "to", json_string(buf), &ok);

    kl_i_jset(g, "nodes", json_integer(P->nodes), &ok);
    kl_i_jset(g, "edges", json_integer(P->edges), &ok);
    kl_i_jset(g, "active_actors", json_integer(P->active), &ok);
    kl_i_jset(g, "components", json_integer(P->components), &ok);
    kl_i_jset(g, "largest_component", json_integer(P->largest_component), &ok);
    kl_i_jset(g, "regions", json_integer(P->regions), &ok);
    kl_i_jset(g, "region_pairs", json_integer(P->n_pairs), &ok);
    kl_i_jset(g, "region_pairs_connected", json_integer(P->pairs_connected), &ok);
    kl_i_jset(g, "fragile_pairs", json_integer(P->pairs_fragile), &ok);
    kl_i_jset(g, "cross_region_pairs", kl_i_jreal(P->cross_pairs), &ok);
    if (P->sampled == 1) {
        x = json_object();
        if (x) {
            kl_i_jset(x, "method", json_string("sources"), &ok);
            kl_i_jset(x, "samples", json_integer((json_int_t)P->samples), &ok);
        }
    } else if (P->sampled == 2) {
        x = kl_i_pairs_sampled_json(P->epsilon, P->delta, P->samples);
    } else {
        x = json_null();
    }
    kl_i_jset(g, "sampled", x, &ok);
    kl_i_jset(o, "graph", g, &ok);

    for (uint32_t k = 0; k < P->n_top && ok; k++) {
        const kl_trend_actor_t *a = &P->actors[P->top[k]];
        const kl_entity_t *e = &ds->entities[a->entity];
        json_t *r = json_object();
        if (!r) {
            ok = 0;
            break;
        }
        kl_i_jset(r, "rank", json_integer(a->rank), &ok);
        kl_i_jset(r, "id", json_string(e->id), &ok);
        kl_i_jset(r, "name", json_string(e->name), &ok);
        kl_i_jset(r, "region", kl_i_jstr(region_id(ds, a->region)), &ok);
        kl_i_jset(r, "degree", json_integer(a->degree), &ok);
        kl_i_jset(r, "betweenness", kl_i_jreal(a->betweenness), &ok);
        kl_i_jset(r, "irb", kl_i_jreal(a->irb), &ok);
        kl_i_jset(r, "irb_share", kl_i_jreal(a->irb_share), &ok);
        if (json_array_append_new(b, r))
            ok = 0;
    }
    kl_i_jset(o, "brokers", b, &ok);
    for (uint32_t p = 0; p < P->n_pairs && ok; p++)
        if (P->pairs[p].n_cut && json_array_append_new(fr, pair_ref(t, &P->pairs[p], 1)))
            ok = 0;
    kl_i_jset(o, "fragile_pairs", fr, &ok);

    if (i == 0) {
        x = json_null();
    } else {
        x = json_object();
        json_t *mv = json_array();
        for (uint32_t k = 0; x && mv && k < P->n_moves; k++) {
            const kl_trend_move_t *m = &P->moves[k];
            json_t *r = json_object();
            if (!r) {
                ok = 0;
                break;
            }
            kl_i_jset(r, "id", json_string(ds->entities[m->entity].id), &ok);
            kl_i_jset(r, "before", m->before ? json_integer(m->before) : json_null(), &ok);
            kl_i_jset(r, "after", m->after ? json_integer(m->after) : json_null(), &ok);
            kl_i_jset(r, "change", json_string(move_name(m)), &ok);
            if (json_array_append_new(mv, r))
                ok = 0;
        }
        if (x) {
            kl_i_jset(x, "brokers", mv, &ok);
            kl_i_jset(x, "pairs_connected", pair_list(t, P, P->gained, P->n_gained, 0), &ok);
            kl_i_jset(x, "pairs_disconnected", pair_list(t, P, P->lost, P->n_lost, 0), &ok);
            kl_i_jset(x, "pairs_fragile", pair_list(t, P, P->fragile, P->n_fragile, 1), &ok);
            kl_i_jset(x, "pairs_mended", pair_list(t, P, P->mended, P->n_mended, 0), &ok);
        } else {
            json_decref(mv);
        }
    }
    kl_i_jset(o, "changes", x, &ok);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

int kl_write_trend_json(FILE *f, const kl_trend_t *t)
{
    kl_report_t r;
    memset(&r, 0, sizeof r);
    r.ds = t->ds;
    r.dataset_path = t->dataset_path;
    if (fprintf(f, "{\"format\":\"%s\",\"version\":\"%s\",\"dataset\":", KL_TREND_FORMAT, KL_VERSION) < 0 ||
        kl_i_json_dump(f, kl_i_dataset_json(&r)) < 0 || fputs(",\"options\":", f) < 0 ||
        kl_i_json_dump(f, options_json(t)) < 0 || fputs(",\"periods\":[\n", f) < 0)
        return -1;
    for (uint32_t i = 0; i < t->n_periods; i++) {
        if ((i && fputs(",\n", f) < 0) || kl_i_json_dump(f, period_json(t, i)) < 0)
            return -1;
    }
    if (fputs("\n]}\n", f) < 0)
        return -1;
    return ferror(f) ? -1 : 0;
}

/* ----------------------------------------------------------------- CSV */

static void csv_period(FILE *f, const kl_trend_period_t *P)
{
    char buf[64];
    kl_i_trend_period_label(P, buf, sizeof buf);
    kl_i_csv_text(f, buf);
    kl_i_format_date(P->from, buf, sizeof buf);
    fprintf(f, ",%s,", buf);
    kl_i_format_date(P->to, buf, sizeof buf);
    fprintf(f, "%s,", buf);
}

int kl_write_trend_csv(FILE *f, const kl_trend_t *t, int table)
{
    const kl_dataset_t *ds = t->ds;
    if (table == 0) {
        fputs("period,from,to,id,name,kind,region,degree,betweenness,irb,irb_share,rank\r\n", f);
        for (uint32_t i = 0; i < t->n_periods; i++) {
            const kl_trend_period_t *P = &t->periods[i];
            for (uint32_t k = 0; k < P->n_actors; k++) {
                const kl_trend_actor_t *a = &P->actors[k];
                const kl_entity_t *e = &ds->entities[a->entity];
                csv_period(f, P);
                kl_i_csv_text(f, e->id);
                fputc(',', f);
                kl_i_csv_text(f, e->name);
                fprintf(f, ",%s,", kl_kind_name(e->kind));
                kl_i_csv_text(f, region_id(ds, a->region));
                fprintf(f, ",%u,", a->degree);
                kl_i_csv_real(f, a->betweenness);
                fputc(',', f);
                kl_i_csv_real(f, a->irb);
                fputc(',', f);
                kl_i_csv_real(f, a->irb_share);
                if (a->rank)
                    fprintf(f, ",%u\r\n", a->rank);
                else
                    fputs(",\r\n", f);
            }
        }
    } else {
        fputs("period,from,to,a,b,connected,direct_ties,distance,actor_pairs,links,fragile,cut_actors,top_broker,"
              "top_broker_share\r\n",
              f);
        for (uint32_t i = 0; i < t->n_periods; i++) {
            const kl_trend_period_t *P = &t->periods[i];
            for (uint32_t p = 0; p < P->n_pairs; p++) {
                const kl_trend_pair_t *q = &P->pairs[p];
                csv_period(f, P);
                kl_i_csv_text(f, ds->regions[q->a].id);
                fputc(',', f);
                kl_i_csv_text(f, ds->regions[q->b].id);
                fprintf(f, ",%s,%u,", q->connected ? "true" : "false", q->direct_ties);
                kl_i_csv_real(f, q->distance);
                fputc(',', f);
                kl_i_csv_real(f, q->actor_pairs);
                fputc(',', f);
                kl_i_csv_real(f, q->links);
                fprintf(f, ",%s,", q->n_cut ? "true" : "false");
                /* the cut actors' ids in one cell, separated by ';' */
                size_t len = 1;
                for (uint32_t j = 0; j < q->n_cut; j++)
                    len += strlen(ds->entities[q->cut[j]].id) + 1;
                char *cell = malloc(len);
                if (!cell) {
                    errno = ENOMEM;
                    return -1;
                }
                cell[0] = '\0';
                for (uint32_t j = 0, at = 0; j < q->n_cut; j++)
                    at += (uint32_t)sprintf(cell + at, "%s%s", j ? ";" : "", ds->entities[q->cut[j]].id);
                kl_i_csv_text(f, q->n_cut ? cell : NULL);
                free(cell);
                fputc(',', f);
                kl_i_csv_text(f, q->top_broker != UINT32_MAX ? ds->entities[q->top_broker].id : NULL);
                fputc(',', f);
                kl_i_csv_real(f, q->top_broker != UINT32_MAX ? q->top_share : NAN);
                fputs("\r\n", f);
            }
        }
    }
    return ferror(f) ? -1 : 0;
}

/* ------------------------------------------------------------ Markdown */

/* The labels are msgids: the reports show them through kl_tr. */
const kl_i_trend_row_t kl_i_trend_rows[] = {
    {N_("actors with ties"), offsetof(kl_trend_period_t, active), 0},
    {N_("ties"), offsetof(kl_trend_period_t, edges), 0},
    {N_("regions with actors"), offsetof(kl_trend_period_t, regions), 0},
    {N_("region pairs connected"), offsetof(kl_trend_period_t, pairs_connected), 1},
    {N_("fragile region pairs"), offsetof(kl_trend_period_t, pairs_fragile), 0},
    {NULL, 0, 0},
};

static void md_entity(FILE *f, const kl_dataset_t *ds, uint32_t e)
{
    fputs("**", f);
    kl_i_md_text(f, ds->entities[e].name);
    fputs("**", f);
}

/* What st->entity writes for e, as a string (caller frees); NULL when out
 * of memory. */
static char *entity_str(const kl_i_trend_style_t *st, const kl_dataset_t *ds, uint32_t e)
{
    kl_i_piece_t piece;
    FILE *p = kl_i_piece_open(&piece);
    if (p)
        st->entity(p, ds, e);
    return kl_i_piece_close(&piece);
}

/* The actors a newly fragile pair hangs on: "A, B and C", at most three
 * named; NULL when out of memory. */
static char *cut_str(const kl_i_trend_style_t *st, const kl_dataset_t *ds, const kl_trend_pair_t *q)
{
    kl_i_piece_t piece;
    FILE *p = kl_i_piece_open(&piece);
    for (uint32_t j = 0; p && j < q->n_cut && j < 3; j++) {
        if (j)
            fputs(j + 1 == q->n_cut ? kl_i_list_and() : ", ", p);
        st->entity(p, ds, q->cut[j]);
    }
    if (p && q->n_cut > 3)
        fprintf(p, kl_i_list_more(), q->n_cut - 3);
    return kl_i_piece_close(&piece);
}

/* A bounded list of pairs: at most top, then "and N more (see MORE)"; 0,
 * or -1 when out of memory. */
static int changes_pairs(FILE *f, const kl_i_trend_style_t *st, const kl_trend_t *t, const kl_trend_period_t *P,
                         const char *what, const uint32_t *idx, uint32_t n, int with_cut)
{
    if (!n)
        return 0;
    fprintf(f, "%s%s (%u): ", st->item, kl_tr(what), n);
    uint32_t shown = n < t->top ? n : t->top;
    for (uint32_t i = 0; i < shown; i++) {
        const kl_trend_pair_t *q = &P->pairs[idx[i]];
        if (i)
            fputs("; ", f);
        st->region(f, t->ds, q->a);
        fputs(" – ", f);
        st->region(f, t->ds, q->b);
        if (with_cut && q->n_cut) {
            char *cut = cut_str(st, t->ds, q);
            if (!cut)
                return -1;
            fputs(" (", f);
            /* TRANSLATORS: the actors a region pair hangs on: "through A and B" */
            fprintf(f, _("through %s"), cut);
            fputc(')', f);
            free(cut);
        }
    }
    if (n > shown) {
        fputs("; ", f);
        /* TRANSLATORS: a number of region pairs, where the others are (a file or a command) */
        fprintf(f, _("and %u more (see %s)"), n - shown, st->more);
    }
    fputs(st->end, f);
    return 0;
}

/* One move of a broker: "A at 3", "A (was 3)", "A 3 → 5"; 0, or -1 when
 * out of memory. */
static int changes_move(FILE *f, const kl_i_trend_style_t *st, const kl_dataset_t *ds, const kl_trend_move_t *m,
                        kl_i_move_kind kind)
{
    char *name = entity_str(st, ds, m->entity);
    const char *who = name;
    if (!name)
        return -1;
    if (kind == KL_I_MOVE_ENTERED)
        /* TRANSLATORS: a broker that entered the top, at its rank */
        fprintf(f, _("%s at %u"), who, m->after);
    else if (kind == KL_I_MOVE_LEFT)
        /* TRANSLATORS: a broker that left the top, and its rank before */
        fprintf(f, _("%s (was %u)"), who, m->before);
    else
        fprintf(f, "%s %u → %u", who, m->before, m->after);
    free(name);
    return 0;
}

static int changes_moves(FILE *f, const kl_i_trend_style_t *st, const kl_trend_t *t, const kl_trend_period_t *P,
                         const char *what, kl_i_move_kind kind)
{
    uint32_t n = 0;
    for (uint32_t k = 0; k < P->n_moves; k++) {
        const kl_trend_move_t *m = &P->moves[k];
        if (kl_i_trend_move_kind(m) != kind)
            continue;
        if (n++)
            fputs("; ", f);
        else
            fprintf(f, "%s%s ", st->item, what);
        if (changes_move(f, st, t->ds, m, kind) != 0)
            return -1;
    }
    if (n)
        fputs(st->end, f);
    return 0;
}

int kl_i_trend_changes(FILE *f, const kl_trend_t *t, const kl_trend_period_t *P, const kl_i_trend_style_t *st)
{
    char what[200];
    /* TRANSLATORS: begins the list of brokers that entered the top N since the period before */
    snprintf(what, sizeof what, _("Entered the top %u:"), t->top);
    if (changes_moves(f, st, t, P, what, KL_I_MOVE_ENTERED) != 0 ||
        /* TRANSLATORS: begins the list of brokers that left the top since the period before */
        changes_moves(f, st, t, P, _("Left it:"), KL_I_MOVE_LEFT) != 0 ||
        /* TRANSLATORS: begins the list of brokers whose rank rose */
        changes_moves(f, st, t, P, _("Rose:"), KL_I_MOVE_ROSE) != 0 ||
        /* TRANSLATORS: begins the list of brokers whose rank fell */
        changes_moves(f, st, t, P, _("Fell:"), KL_I_MOVE_FELL) != 0 ||
        changes_pairs(f, st, t, P, N_("Region pairs connected"), P->gained, P->n_gained, 0) != 0 ||
        changes_pairs(f, st, t, P, N_("No longer connected"), P->lost, P->n_lost, 0) != 0 ||
        changes_pairs(f, st, t, P, N_("Became fragile, hanging on one actor or a few"), P->fragile, P->n_fragile,
                      1) != 0 ||
        changes_pairs(f, st, t, P, N_("No longer fragile"), P->mended, P->n_mended, 0) != 0)
        return -1;
    return 0;
}

static int cmp_trend_broker(const void *x, const void *y, void *ctx)
{
    const kl_i_trend_broker_t *a = x, *b = y;
    const kl_dataset_t *ds = ctx;
    if (a->best != b->best)
        return a->best < b->best ? -1 : 1;
    if (a->first != b->first)
        return a->first < b->first ? -1 : 1;
    return strcmp(ds->entities[a->entity].id, ds->entities[b->entity].id);
}

kl_i_trend_broker_t *kl_i_trend_brokers(const kl_trend_t *t, uint32_t *count)
{
    const kl_dataset_t *ds = t->ds;
    size_t cap = 1;
    for (uint32_t i = 0; i < t->n_periods; i++)
        cap += t->periods[i].n_top;
    kl_i_trend_broker_t *list = malloc(cap * sizeof *list);
    uint32_t *at = malloc(((size_t)ds->n_entities + 1) * sizeof *at);
    if (!list || !at) {
        free(list);
        free(at);
        errno = ENOMEM;
        return NULL;
    }
    for (uint32_t e = 0; e < ds->n_entities; e++)
        at[e] = UINT32_MAX;
    uint32_t n = 0;
    for (uint32_t i = 0; i < t->n_periods; i++) {
        const kl_trend_period_t *P = &t->periods[i];
        for (uint32_t k = 0; k < P->n_top; k++) {
            uint32_t e = P->actors[P->top[k]].entity;
            if (at[e] == UINT32_MAX) {
                at[e] = n;
                list[n++] = (kl_i_trend_broker_t){e, k + 1, i, P->actors[P->top[k]].region};
            } else if (k + 1 < list[at[e]].best) {
                list[at[e]].best = k + 1;
            }
        }
    }
    qsort_r(list, n, sizeof *list, cmp_trend_broker, (void *)ds);
    free(at);
    *count = n;
    return list;
}

/* A table's head: the first columns (head, and their rule), then one
 * right-aligned column per period. */
static void md_period_head(FILE *f, const kl_trend_t *t, char labels[][64], const char *head, const char *rule)
{
    fputs(head, f);
    for (uint32_t i = 0; i < t->n_periods; i++)
        fprintf(f, " %s |", labels[i]);
    fprintf(f, "\n%s", rule);
    for (uint32_t i = 0; i < t->n_periods; i++)
        fputs("---:|", f);
    fputc('\n', f);
}

static int md_brokers_table(FILE *f, const kl_trend_t *t, char labels[][64])
{
    const kl_dataset_t *ds = t->ds;
    uint32_t n;
    kl_i_trend_broker_t *list = kl_i_trend_brokers(t, &n);
    if (!list)
        return -1;
    if (n == 0) {
        fputs(_("No actor lies on a shortest path between two regions in any period."), f);
        fputs("\n\n", f);
    } else {
        char head[200];
        snprintf(head, sizeof head, "| %s | %s |", _("actor"), _("region"));
        md_period_head(f, t, labels, head, "|---|---|");
        for (uint32_t j = 0; j < n; j++) {
            uint32_t e = list[j].entity;
            fputs("| ", f);
            kl_i_md_text(f, ds->entities[e].name);
            fputs(" | ", f);
            if (list[j].region >= 0)
                kl_i_md_region(f, ds, (uint32_t)list[j].region);
            else
                fputs("–", f);
            fputs(" |", f);
            for (uint32_t i = 0; i < t->n_periods; i++) {
                const kl_trend_period_t *P = &t->periods[i];
                uint32_t k = kl_i_trend_top_index(P, e);
                if (k != UINT32_MAX) {
                    fprintf(f, " %u (", k + 1);
                    kl_i_md_pct(f, P->actors[P->top[k]].irb_share);
                    fputs(") |", f);
                } else {
                    fputs(" – |", f);
                }
            }
            fputc('\n', f);
        }
        fputc('\n', f);
    }
    free(list);
    return 0;
}

/* What changed from each period to the next, under a heading (the Markdown
 * mark in `heading`) per period; `more` says where the pairs a list leaves
 * out are. */
static int md_changes(FILE *f, const kl_trend_t *t, char labels[][64], const char *heading, const char *more)
{
    const kl_i_trend_style_t st = {"- ", ".\n", md_entity, kl_i_md_region, more};
    for (uint32_t i = 1; i < t->n_periods; i++) {
        const kl_trend_period_t *P = &t->periods[i];
        fputs(heading, f);
        fprintf(f, _("%s against %s"), labels[i], labels[i - 1]);
        fputs("\n\n", f);
        if (!kl_i_trend_changed(P)) {
            fprintf(f, _("No change in the top %u brokers or in which region pairs are connected or fragile."),
                    t->top);
            fputs("\n\n", f);
            continue;
        }
        if (kl_i_trend_changes(f, t, P, &st) != 0)
            return -1;
        fputc('\n', f);
    }
    return 0;
}

char (*kl_i_trend_labels(const kl_trend_t *t))[64]
{
    char (*labels)[64] = malloc(((size_t)t->n_periods + 1) * sizeof *labels);
    if (!labels) {
        errno = ENOMEM;
        return NULL;
    }
    for (uint32_t i = 0; i < t->n_periods; i++)
        kl_i_trend_period_label(&t->periods[i], labels[i], sizeof labels[i]);
    return labels;
}

/* A link's destination: as it is, or in <> when it holds a space, a
 * parenthesis or an angle bracket (CommonMark; <> themselves escaped). */
static void md_destination(FILE *f, const char *href)
{
    if (!strpbrk(href, " ()<>")) {
        fputs(href, f);
        return;
    }
    fputc('<', f);
    for (const char *c = href; *c; c++) {
        if (*c == '<' || *c == '>' || *c == '\\')
            fputc('\\', f);
        fputc(*c, f);
    }
    fputc('>', f);
}

/* "[href](href)": a link to a file beside the report, for a sentence's %s;
 * NULL when out of memory. */
static char *md_link_str(const char *href)
{
    kl_i_piece_t piece;
    FILE *p = kl_i_piece_open(&piece);
    if (p) {
        fputc('[', p);
        kl_i_md_text(p, href);
        fputs("](", p);
        md_destination(p, href);
        fputc(')', p);
    }
    return kl_i_piece_close(&piece);
}

/* The figures drawn by viz/ (kl_viz_trend_chart, kl_viz_trend_maps): the
 * chart shown, the maps (large) linked; each may be NULL.  by_year: the
 * batch report's years, else `kluster trend`'s periods.  0, or -1 when out
 * of memory. */
static int md_figures(FILE *f, const char *chart_href, const char *maps_href, int by_year)
{
    if (chart_href) {
        fputs("![", f);
        /* TRANSLATORS: the description of a chart (its alternative text) */
        fputs(by_year ? _("The top brokers' share of the paths between regions, year by year")
                      : _("The top brokers' share of the paths between regions, period by period"),
              f);
        fputs("](", f);
        md_destination(f, chart_href);
        fputs(")\n\n", f);
    }
    if (maps_href) {
        char *link = md_link_str(maps_href);
        if (!link)
            return -1;
        /* TRANSLATORS: %s is a link to the file of the maps */
        fprintf(f, by_year ? _("The region map of every year, side by side at one scale: %s.")
                           : _("The region map of every period, side by side at one scale: %s."),
                link);
        fputs("\n\n", f);
        free(link);
    }
    return 0;
}

/* The sentence under the title: the periods, the graph, the paths, and
 * what a period counts. */
static void md_trend_intro(FILE *f, const kl_trend_t *t, const char *path)
{
    const char *mode = kl_i_mode_label(t->graph.mode);
    /* TRANSLATORS: what a path's length counts, in "shortest paths by hops" */
    const char *by = t->weighted ? _("tie weights") : _("hops");
    const char *cmd = "`kluster analyze --from --to`";
    if (t->cumulative)
        /* TRANSLATORS: the number of periods, the dataset (code), the mode ("full", "organisations"), what a
         * path's length counts, a command */
        fprintf(f, kl_trn("%u period of %s, cumulative (every period starts with the first), %s view, shortest paths "
                          "by %s. Each period is analysed as %s analyses it: a relation counts when its dates meet "
                          "the period, undated relations count in every period, and actors without a tie in the "
                          "period are left out of the tables.",
                          "%u periods of %s, cumulative (every period starts with the first), %s view, shortest "
                          "paths by %s. Each period is analysed as %s analyses it: a relation counts when its dates "
                          "meet the period, undated relations count in every period, and actors without a tie in the "
                          "period are left out of the tables.",
                          t->n_periods),
                t->n_periods, path, mode, by, cmd);
    else
        fprintf(f, kl_trn("%u period of %s, %s view, shortest paths by %s. Each period is analysed as %s analyses it: "
                          "a relation counts when its dates meet the period, undated relations count in every "
                          "period, and actors without a tie in the period are left out of the tables.",
                          "%u periods of %s, %s view, shortest paths by %s. Each period is analysed as %s analyses "
                          "it: a relation counts when its dates meet the period, undated relations count in every "
                          "period, and actors without a tie in the period are left out of the tables.",
                          t->n_periods),
                t->n_periods, path, mode, by, cmd);
    fputs("\n\n", f);
    if (t->graph.mode == KL_MODE_FULL) {
        fprintf(f, _("In the full view projects and funders broker between regions too; %s ranks organisations alone."),
                "`--mode organisations`");
        fputs("\n\n", f);
    }
}

/* One row of "The periods". */
static void md_period_row(FILE *f, const kl_trend_t *t, const kl_trend_period_t *P, const char *label)
{
    const kl_dataset_t *ds = t->ds;
    fprintf(f, "| %s", label);
    if (P->sampled)
        /* TRANSLATORS: after a period: its betweenness was estimated from samples */
        fprintf(f, " (%s)", _("sampled"));
    fprintf(f, " | %u | %u | %u | ", P->active, P->edges, P->components);
    /* TRANSLATORS: region pairs connected, of all region pairs */
    fprintf(f, _("%u of %u"), P->pairs_connected, P->n_pairs);
    fprintf(f, " | %u | ", P->pairs_fragile);
    if (P->n_top) {
        const kl_trend_actor_t *a = &P->actors[P->top[0]];
        kl_i_md_text(f, ds->entities[a->entity].name);
        fputs(" (", f);
        kl_i_md_pct(f, a->irb_share);
        fputc(')', f);
    } else {
        fputs("–", f);
    }
    fputs(" |\n", f);
}

int kl_write_trend_md(FILE *f, const kl_trend_t *t, const char *chart_href, const char *maps_href)
{
    const kl_dataset_t *ds = t->ds;
    char (*labels)[64] = kl_i_trend_labels(t);
    char *title = kl_i_md_text_str(ds->title ? ds->title : ds->id ? ds->id : t->dataset_path), *path = NULL;
    kl_i_piece_t piece;
    FILE *p = kl_i_piece_open(&piece);
    if (p) {
        fputc('`', p);
        kl_i_md_text(p, t->dataset_path);
        fputc('`', p);
    }
    path = kl_i_piece_close(&piece);
    int rc = -1;
    if (!labels || !title || !path) {
        errno = ENOMEM;
        goto done;
    }
    fputs("# ", f);
    /* TRANSLATORS: the title of `kluster trend --format md`; %s is the dataset's title */
    fprintf(f, _("Over time: %s"), title);
    fputs("\n\n", f);
    md_trend_intro(f, t, path);

    fprintf(f, "## %s\n\n| %s | %s | %s | %s | %s | %s | %s |\n|---|---:|---:|---:|---:|---:|---|\n",
            _("The periods"), _("period"), _("actors with ties"), _("ties"), _("components"),
            _("region pairs connected"), _("fragile pairs"), _("top broker (irb share)"));
    for (uint32_t i = 0; i < t->n_periods; i++)
        md_period_row(f, t, &t->periods[i], labels[i]);
    fputc('\n', f);
    if (md_figures(f, chart_href, maps_href, 0) != 0)
        goto done;

    fprintf(f, "## %s\n\n", _("Brokers between regions"));
    fprintf(f, _("The top %u actors of each period by inter-regional betweenness: rank (share of the connected "
                 "cross-region actor pairs whose shortest paths run through them)."),
            t->top);
    fputs("\n\n", f);
    if (md_brokers_table(f, t, labels) != 0)
        goto done;

    if (t->n_periods > 1)
        fprintf(f, "## %s\n\n", _("What changed"));
    if (md_changes(f, t, labels, "### ", "`--format csv --table pairs`") != 0)
        goto done;
    /* TRANSLATORS: two commands: `kluster trend --format csv`, `--table pairs` */
    fprintf(f, _("Numbers per actor and per region pair, every period: %s (%s for the pairs). Definitions: "
                 "docs/metrics.md."),
            "`kluster trend --format csv`", "`--table pairs`");
    fputc('\n', f);
    rc = ferror(f) ? -1 : 0;
done:
    free(labels);
    free(title);
    free(path);
    return rc;
}

/* ------------------------------------------- the batch report's section */

uint32_t kl_i_trend_row_value(const kl_i_trend_row_t *row, const kl_trend_period_t *P)
{
    uint32_t v;
    memcpy(&v, (const char *)P + row->offset, sizeof v);
    return v;
}

/* The periods whose betweenness was sampled, in a sentence (nothing when
 * none was); 0, or -1 when out of memory. */
static int md_sampled_note(FILE *f, const kl_trend_t *t, char labels[][64])
{
    kl_i_piece_t piece;
    FILE *p = kl_i_piece_open(&piece);
    uint32_t sampled = 0;
    for (uint32_t i = 0; p && i < t->n_periods; i++)
        if (t->periods[i].sampled)
            fprintf(p, "%s%s", sampled++ ? ", " : "", labels[i]);
    char *list = kl_i_piece_close(&piece);
    if (!list)
        return -1;
    if (sampled) {
        /* TRANSLATORS: a list of years: "2016, 2018" */
        fprintf(f, _("Betweenness estimated from samples in %s."), list);
        fputs("\n\n", f);
    }
    free(list);
    return 0;
}

int kl_write_trend_section_md(FILE *f, const kl_trend_t *t, const char *chart_href, const char *maps_href,
                              const char *json_href)
{
    char (*labels)[64] = kl_i_trend_labels(t), *link = NULL;
    int rc = -1;
    if (!labels || (json_href && !(link = md_link_str(json_href)))) {
        errno = ENOMEM;
        goto done;
    }
    const char *first = labels[0], *last = labels[t->n_periods ? t->n_periods - 1 : 0];
    fprintf(f, "\n## %s\n\n", _("Over time"));
    if (link)
        /* TRANSLATORS: the number of years, the first and the last, a link to the file with every number */
        fprintf(f, _("Each year analysed on its own: the relations dated in that year (relations without a date count "
                     "in every year), %u years from %s to %s; every number per year in %s."),
                t->n_periods, first, last, link);
    else
        fprintf(f, _("Each year analysed on its own: the relations dated in that year (relations without a date count "
                     "in every year), %u years from %s to %s."),
                t->n_periods, first, last);
    fputs("\n\n", f);
    md_period_head(f, t, labels, "|  |", "|---|");
    for (const kl_i_trend_row_t *row = kl_i_trend_rows; row->label; row++) {
        fprintf(f, "| %s |", kl_tr(row->label));
        for (uint32_t i = 0; i < t->n_periods; i++) {
            const kl_trend_period_t *P = &t->periods[i];
            fprintf(f, " %u", kl_i_trend_row_value(row, P));
            if (row->of_pairs) {
                fputc(' ', f);
                fprintf(f, _("of %u"), P->n_pairs);
            }
            fputs(" |", f);
        }
        fputc('\n', f);
    }
    fputc('\n', f);
    if (md_sampled_note(f, t, labels) != 0 || md_figures(f, chart_href, maps_href, 1) != 0)
        goto done;
    fprintf(f, "### %s\n\n", _("Top brokers year by year"));
    fprintf(f, _("Rank among the actors by inter-regional betweenness, and in brackets their share of the connected "
                 "cross-region actor pairs whose shortest paths run through them; the top %u of each year."),
            t->top);
    fputs("\n\n", f);
    if (md_brokers_table(f, t, labels) != 0)
        goto done;
    fprintf(f, "### %s\n\n", _("What changed"));
    if (md_changes(f, t, labels, "#### ", json_href ? json_href : "`kluster trend --format csv --table pairs`") != 0)
        goto done;
    rc = ferror(f) ? -1 : 0;
done:
    free(labels);
    free(link);
    return rc;
}
