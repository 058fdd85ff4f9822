/* writers/report.c - what the Markdown and HTML reports list and rank, shared by
 * both writers: the summary counts of region pairs, the pairs in links order,
 * and the plan and sentences of a top-N table of actors. */
#include "writers_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *kl_i_pairs_legend(void)
{
    return _("Links: ties between actors of the two regions, plus regionless actors (projects, funders, people) tied "
             "to both. Brokers: the actors on the pair's shortest paths, with the share of the pair's connected actor "
             "pairs whose paths run through them. Cut actors: removing any one of them disconnects the two regions.");
}

void kl_region_pairs_count(const kl_regions_t *rg, const uint8_t *shown, kl_pair_counts_t *c)
{
    memset(c, 0, sizeof *c);
    if (!rg)
        return;
    for (uint32_t i = 0; i < rg->n_regions; i++)
        c->regions_with_actors += rg->regions[i].actors > 0;
    for (uint32_t p = 0; p < rg->n_pairs; p++) {
        if (shown && !shown[p])
            continue;
        c->pairs++;
        c->connected += rg->pairs[p].connected != 0;
        c->fragile += rg->pairs[p].n_cut > 0;
    }
}

static int cmp_pair_links(const void *x, const void *y, void *ctx)
{
    const kl_regions_t *rg = ctx;
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    const kl_region_pair_t *pa = &rg->pairs[a], *pb = &rg->pairs[b];
    if (pa->links != pb->links)
        return pa->links < pb->links ? 1 : -1;
    if (pa->actor_pairs != pb->actor_pairs)
        return pa->actor_pairs < pb->actor_pairs ? 1 : -1;
    /* pairs are stored by (a, b) ids: the index is the id order */
    return (a > b) - (a < b);
}

uint32_t kl_region_pairs_by_links(const kl_regions_t *rg, const uint8_t *shown, uint32_t *idx)
{
    uint32_t k = 0;
    for (uint32_t p = 0; p < rg->n_pairs; p++)
        if ((!shown || shown[p]) && rg->pairs[p].connected)
            idx[k++] = p;
    qsort_r(idx, k, sizeof *idx, cmp_pair_links, (void *)rg);
    return k;
}

/* Two values print as one in a table: a relative 1e-9 absorbs the rounding
 * of sums taken in different orders (symmetric actors). */
static int same_value(double a, double b)
{
    return a == b || fabs(a - b) <= 1e-9 * fmax(fabs(a), fabs(b));
}

void kl_top_plan(kl_top_plan_t *t, const double *value, const uint32_t *idx, uint32_t ranked, uint32_t n_all,
                 uint32_t top)
{
    memset(t, 0, sizeof *t);
    t->ranked = ranked;
    t->n_all = n_all;
    if (ranked == 0 || top == 0)
        return;
    while (t->tied_top < ranked && same_value(value[idx[t->tied_top]], value[idx[0]]))
        t->tied_top++;
    /* more actors share the first value than there are rows: any selection
     * of them would be arbitrary; and when every actor has one value, a
     * table of them ranks nothing */
    if (t->tied_top > top || (t->tied_top == n_all && n_all > 1))
        return;
    t->rows = ranked < top ? ranked : top;
    double last = value[idx[t->rows - 1]];
    for (uint32_t i = t->rows; i < ranked && same_value(value[idx[i]], last); i++)
        t->tied_after++;
}

/* The sentences take what a metric's non-zero value says (has_one,
 * have_many: "lies between regions", "lie between regions") as a %s: a verb
 * phrase with its object, which Swedish and Norwegian do not inflect by
 * number, so the translated sentence around it stays grammatical. */
size_t kl_top_note(char *buf, size_t size, const kl_top_plan_t *t, const char *key, const char *first,
                   const char *has_one, const char *have_many)
{
    if (t->ranked == 0)
        /* TRANSLATORS: %s says what a non-zero value means: "has a tie", "lies between regions" */
        return (size_t)snprintf(buf, size, _("No actor %s."), has_one);
    if (t->rows == 0 && t->tied_top == t->n_all)
        /* TRANSLATORS: the number of actors, a metric ("coreness"), its value */
        return (size_t)snprintf(buf, size, _("All %u actors have %s %s."), t->n_all, key, first);
    if (t->rows == 0 && t->tied_top == t->ranked)
        /* TRANSLATORS: a number, what they do ("lie between regions"), a metric ("coreness"), its value */
        return (size_t)snprintf(buf, size, _("Only %u actors %s, all with %s %s."), t->ranked, have_many, key, first);
    if (t->rows == 0)
        /* TRANSLATORS: a number, a metric ("coreness"), its value */
        return (size_t)snprintf(buf, size, _("%u actors share the highest %s, %s: no ranking among them."),
                                t->tied_top, key, first);
    if (t->ranked == t->rows && t->ranked < t->n_all) {
        if (t->ranked == 1)
            /* TRANSLATORS: %s says what a non-zero value means: "has a tie", "lies between regions" */
            return (size_t)snprintf(buf, size, _("Only 1 actor %s."), has_one);
        if (t->tied_top == t->ranked)
            return (size_t)snprintf(buf, size, _("Only %u actors %s, all with %s %s."), t->ranked, have_many, key,
                                    first);
        /* TRANSLATORS: a number, what they do: "lie between regions" */
        return (size_t)snprintf(buf, size, _("Only %u actors %s."), t->ranked, have_many);
    }
    if (size)
        buf[0] = '\0';
    return 0;
}

size_t kl_top_tail(char *buf, size_t size, const kl_top_plan_t *t, const char *last)
{
    if (t->tied_after == 0) {
        if (size)
            buf[0] = '\0';
        return 0;
    }
    /* TRANSLATORS: a number of actors, the value of the table's last row */
    return (size_t)snprintf(buf, size, kl_trn("%u more actor ties with the last row at %s.",
                                              "%u more actors tie with the last row at %s.", t->tied_after),
                            t->tied_after, last);
}

/* The actors with key > 0 into idx, by key descending then id; returns how
 * many. */
uint32_t kl_i_ranked_actors(const kl_dataset_t *ds, const kl_agraph_t *g, const double *key, uint32_t *idx)
{
    return kl_agraph_rank_by(g, ds, key, idx);
}

/* The top actors by key (> 0), by key descending then id; returns the count. */
uint32_t kl_i_top_actors(const kl_dataset_t *ds, const kl_agraph_t *g, const double *key, uint32_t top,
                           uint32_t *idx)
{
    uint32_t cnt = kl_i_ranked_actors(ds, g, key, idx);
    return cnt < top ? cnt : top;
}
