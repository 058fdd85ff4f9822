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

const kl_i_trend_row_t kl_i_trend_rows[] = {
    {"actors with ties", offsetof(kl_trend_period_t, active), 0},
    {"ties", offsetof(kl_trend_period_t, edges), 0},
    {"regions with actors", offsetof(kl_trend_period_t, regions), 0},
    {"region pairs connected", offsetof(kl_trend_period_t, pairs_connected), 1},
    {"fragile region pairs", offsetof(kl_trend_period_t, pairs_fragile), 0},
    {NULL, 0, 0},
};

static void md_entity(FILE *f, const kl_dataset_t *ds, uint32_t e)
{
    fputs("**", f);
    kl_i_md_text(f, ds->entities[e].name);
    fputs("**", f);
}

/* A bounded list of pairs: at most top, then "and N more (see MORE)". */
static void changes_pairs(FILE *f, const kl_i_trend_style_t *st, const kl_trend_t *t, const kl_trend_period_t *P,
                          const char *what, const uint32_t *idx, uint32_t n, int with_cut)
{
    if (!n)
        return;
    fprintf(f, "%s%s (%u): ", st->item, what, n);
    uint32_t shown = n < t->top ? n : t->top;
    for (uint32_t i = 0; i < shown; i++) {
        const kl_trend_pair_t *q = &P->pairs[idx[i]];
        if (i)
            fputs("; ", f);
        st->region(f, t->ds, q->a);
        fputs(" – ", f);
        st->region(f, t->ds, q->b);
        if (with_cut && q->n_cut) {
            fputs(" (through ", f);
            for (uint32_t j = 0; j < q->n_cut && j < 3; j++) {
                if (j)
                    fputs(j + 1 == q->n_cut ? " and " : ", ", f);
                st->entity(f, t->ds, q->cut[j]);
            }
            if (q->n_cut > 3)
                fprintf(f, " and %u more", q->n_cut - 3);
            fputc(')', f);
        }
    }
    if (n > shown)
        fprintf(f, "; and %u more (see %s)", n - shown, st->more);
    fputs(st->end, f);
}

static void changes_moves(FILE *f, const kl_i_trend_style_t *st, const kl_trend_t *t, const kl_trend_period_t *P,
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
            fprintf(f, "%s%s", st->item, what);
        st->entity(f, t->ds, m->entity);
        if (kind == KL_I_MOVE_ENTERED)
            fprintf(f, " at %u", m->after);
        else if (kind == KL_I_MOVE_LEFT)
            fprintf(f, " (was %u)", m->before);
        else
            fprintf(f, " %u → %u", m->before, m->after);
    }
    if (n)
        fputs(st->end, f);
}

void kl_i_trend_changes(FILE *f, const kl_trend_t *t, const kl_trend_period_t *P, const kl_i_trend_style_t *st)
{
    char what[64];
    snprintf(what, sizeof what, "Entered the top %u: ", t->top);
    changes_moves(f, st, t, P, what, KL_I_MOVE_ENTERED);
    changes_moves(f, st, t, P, "Left it: ", KL_I_MOVE_LEFT);
    changes_moves(f, st, t, P, "Rose: ", KL_I_MOVE_ROSE);
    changes_moves(f, st, t, P, "Fell: ", KL_I_MOVE_FELL);
    changes_pairs(f, st, t, P, "Region pairs connected", P->gained, P->n_gained, 0);
    changes_pairs(f, st, t, P, "No longer connected", P->lost, P->n_lost, 0);
    changes_pairs(f, st, t, P, "Became fragile, hanging on one actor or a few", P->fragile, P->n_fragile, 1);
    changes_pairs(f, st, t, P, "No longer fragile", P->mended, P->n_mended, 0);
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
        fputs("No actor lies on a shortest path between two regions in any period.\n\n", f);
    } else {
        md_period_head(f, t, labels, "| actor | region |", "|---|---|");
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
static void md_changes(FILE *f, const kl_trend_t *t, char labels[][64], const char *heading, const char *more)
{
    const kl_i_trend_style_t st = {"- ", ".\n", md_entity, kl_i_md_region, more};
    for (uint32_t i = 1; i < t->n_periods; i++) {
        const kl_trend_period_t *P = &t->periods[i];
        fprintf(f, "%s%s against %s\n\n", heading, labels[i], labels[i - 1]);
        if (!kl_i_trend_changed(P)) {
            fprintf(f, "No change in the top %u brokers or in which region pairs are connected or fragile.\n\n",
                    t->top);
            continue;
        }
        kl_i_trend_changes(f, t, P, &st);
        fputc('\n', f);
    }
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

/* The figures drawn by viz/ (kl_viz_trend_chart, kl_viz_trend_maps): the
 * chart shown, the maps (large) linked; each may be NULL. */
static void md_figures(FILE *f, const char *chart_href, const char *maps_href, const char *period)
{
    if (chart_href) {
        fprintf(f, "![The top brokers' share of the paths between regions, %s by %s](", period, period);
        md_destination(f, chart_href);
        fputs(")\n\n", f);
    }
    if (maps_href) {
        fprintf(f, "The region map of every %s, side by side at one scale: [", period);
        kl_i_md_text(f, maps_href);
        fputs("](", f);
        md_destination(f, maps_href);
        fputs(").\n\n", f);
    }
}

int kl_write_trend_md(FILE *f, const kl_trend_t *t, const char *chart_href, const char *maps_href)
{
    const kl_dataset_t *ds = t->ds;
    char (*labels)[64] = kl_i_trend_labels(t);
    if (!labels)
        return -1;
    const char *title = ds->title ? ds->title : ds->id ? ds->id : t->dataset_path;
    fputs("# Over time: ", f);
    kl_i_md_text(f, title);
    fputs("\n\n", f);
    fprintf(f, "%u period%s of `", t->n_periods, t->n_periods == 1 ? "" : "s");
    kl_i_md_text(f, t->dataset_path);
    fprintf(f, "`%s, %s view, shortest paths by %s. Each period is analysed as `kluster analyze --from --to` "
               "analyses it: a relation counts when its dates meet the period, undated relations count in "
               "every period, and actors without a tie in the period are left out of the tables.\n\n",
            t->cumulative ? ", cumulative (every period starts with the first)" : "",
            kl_i_mode_name(t->graph.mode), t->weighted ? "tie weights" : "hops");
    if (t->graph.mode == KL_MODE_FULL)
        fputs("In the full view projects and funders broker between regions too; `--mode organisations` ranks "
              "organisations alone.\n\n",
              f);

    fputs("## The periods\n\n| period | actors with ties | ties | components | region pairs connected | "
          "fragile pairs | top broker (irb share) |\n|---|---:|---:|---:|---:|---:|---|\n",
          f);
    for (uint32_t i = 0; i < t->n_periods; i++) {
        const kl_trend_period_t *P = &t->periods[i];
        fprintf(f, "| %s%s | %u | %u | %u | %u of %u | %u | ", labels[i], P->sampled ? " (sampled)" : "", P->active,
                P->edges, P->components, P->pairs_connected, P->n_pairs, P->pairs_fragile);
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
    fputc('\n', f);
    md_figures(f, chart_href, maps_href, "period");

    fprintf(f, "## Brokers between regions\n\nThe top %u actors of each period by inter-regional betweenness: "
               "rank (share of the connected cross-region actor pairs whose shortest paths run through them).\n\n",
            t->top);
    if (md_brokers_table(f, t, labels) != 0) {
        free(labels);
        return -1;
    }

    if (t->n_periods > 1)
        fputs("## What changed\n\n", f);
    md_changes(f, t, labels, "### ", "`--format csv --table pairs`");
    fputs("Numbers per actor and per region pair, every period: `kluster trend --format csv` (`--table pairs` for "
          "the pairs). Definitions: docs/metrics.md.\n",
          f);
    free(labels);
    return ferror(f) ? -1 : 0;
}

/* ------------------------------------------- the batch report's section */

uint32_t kl_i_trend_row_value(const kl_i_trend_row_t *row, const kl_trend_period_t *P)
{
    uint32_t v;
    memcpy(&v, (const char *)P + row->offset, sizeof v);
    return v;
}

int kl_write_trend_section_md(FILE *f, const kl_trend_t *t, const char *chart_href, const char *maps_href,
                              const char *json_href)
{
    char (*labels)[64] = kl_i_trend_labels(t);
    if (!labels)
        return -1;
    fprintf(f, "\n## Over time\n\nEach year analysed on its own: the relations dated in that year (relations "
               "without a date count in every year), %u years from %s to %s",
            t->n_periods, labels[0], labels[t->n_periods ? t->n_periods - 1 : 0]);
    if (json_href) {
        fputs("; every number per year in [", f);
        kl_i_md_text(f, json_href);
        fputs("](", f);
        fputs(json_href, f);
        fputc(')', f);
    }
    fputs(".\n\n", f);
    md_period_head(f, t, labels, "|  |", "|---|");
    for (const kl_i_trend_row_t *row = kl_i_trend_rows; row->label; row++) {
        fprintf(f, "| %s |", row->label);
        for (uint32_t i = 0; i < t->n_periods; i++) {
            const kl_trend_period_t *P = &t->periods[i];
            fprintf(f, " %u", kl_i_trend_row_value(row, P));
            if (row->of_pairs)
                fprintf(f, " of %u", P->n_pairs);
            fputs(" |", f);
        }
        fputc('\n', f);
    }
    fputc('\n', f);
    uint32_t sampled = 0;
    for (uint32_t i = 0; i < t->n_periods; i++)
        if (t->periods[i].sampled)
            fprintf(f, "%s%s", sampled++ ? ", " : "Betweenness estimated from samples in ", labels[i]);
    if (sampled)
        fputs(".\n\n", f);
    md_figures(f, chart_href, maps_href, "year");
    fprintf(f, "### Top brokers year by year\n\nRank among the actors by inter-regional betweenness, and in "
               "brackets their share of the connected cross-region actor pairs whose shortest paths run through "
               "them; the top %u of each year.\n\n",
            t->top);
    if (md_brokers_table(f, t, labels) != 0) {
        free(labels);
        return -1;
    }
    fputs("### What changed\n\n", f);
    md_changes(f, t, labels, "#### ", json_href ? json_href : "`kluster trend --format csv --table pairs`");
    free(labels);
    return ferror(f) ? -1 : 0;
}
