/* writers/whatif.c - `kluster whatif`: a removal compared before and after,
 * or the keystone ranking, as JSON (kluster-whatif/1), CSV and Markdown. */
#include "writers_internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

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
    kl_i_jset(o, "actors_with_region", json_integer(st->actors), &ok);
    kl_i_jset(o, "cross_region_pairs", kl_i_jreal(st->cross_pairs), &ok);
    kl_i_jset(o, "connected_pairs", kl_i_jreal(st->connected_pairs), &ok);
    kl_i_jset(o, "reachability", kl_i_jreal(ratio(st->connected_pairs, st->cross_pairs)), &ok);
    kl_i_jset(o, "mean_distance", kl_i_jreal(ratio(st->distance_sum, st->connected_pairs)), &ok);
    kl_i_jset(o, "connected_region_pairs", json_integer(conn), &ok);
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
    kl_i_jset(o, "actor_pairs", kl_i_jreal(w->after.connected_pairs), &ok);
    kl_i_jset(o, "mean_distance_before", kl_i_jreal(ratio(w->kept_distance_sum, w->after.connected_pairs)), &ok);
    kl_i_jset(o, "mean_distance_after", kl_i_jreal(ratio(w->after.distance_sum, w->after.connected_pairs)), &ok);
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
    kl_i_jset(o, "a", json_string(r->ds->regions[w->pair_a[p]].id), &ok);
    kl_i_jset(o, "b", json_string(r->ds->regions[w->pair_b[p]].id), &ok);
    kl_i_jset(o, "connected_before", json_boolean(w->before.pair_connected[p]), &ok);
    kl_i_jset(o, "connected_after", json_boolean(w->after.pair_connected[p]), &ok);
    kl_i_jset(o, "distance_before", kl_i_jreal(w->before.pair_distance[p]), &ok);
    kl_i_jset(o, "distance_after", kl_i_jreal(w->after.pair_distance[p]), &ok);
    kl_i_jset(o, "lost", json_boolean(w->before.pair_connected[p] && !w->after.pair_connected[p]), &ok);
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
    kl_i_jset(o, "id", json_string(e->id), &ok);
    kl_i_jset(o, "name", json_string(e->name), &ok);
    kl_i_jset(o, "kind", json_string(kl_kind_name(e->kind)), &ok);
    kl_i_jset(o, "region", reg >= 0 ? json_string(r->ds->regions[reg].id) : json_null(), &ok);
    kl_i_jset(o, "disconnects", json_integer((json_int_t)r->disconnects[v]), &ok);
    kl_i_jset(o, "share", kl_i_jreal(ratio((double)r->disconnects[v], r->cross_pairs)), &ok);
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
    return kl_i_top_actors(r->ds, r->g, key, r->top, idx);
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
    if (kl_i_json_dump(f, kl_i_dataset_json(&base)) < 0)
        goto done;
    fprintf(f, ",\n\"mode\":\"%s\"", kl_i_mode_name(r->g->options.mode));
    if (r->cmp) {
        const kl_whatif_t *w = r->cmp;
        fputs(",\n\"removed\":[", f);
        for (uint32_t i = 0; i < r->n_removed; i++) {
            if (i)
                fputc(',', f);
            if (kl_i_json_dump(f, json_string(kl_i_vertex_id(r->g, r->ds, r->removed[i]))) < 0)
                goto done;
        }
        fputs("],\n\"before\":", f);
        if (kl_i_json_dump(f, state_json(w, &w->before)) < 0)
            goto done;
        fputs(",\n\"after\":", f);
        if (kl_i_json_dump(f, state_json(w, &w->after)) < 0)
            goto done;
        fputs(",\n\"lost_actor_pairs\":", f);
        if (kl_i_json_dump(f, kl_i_jreal(w->lost_pairs)) < 0)
            goto done;
        fputs(",\n\"stayed_connected\":", f);
        if (kl_i_json_dump(f, stayed_json(w)) < 0)
            goto done;
        fputs(",\n\"region_pairs\":[", f);
        for (uint32_t p = 0; p < w->n_pairs; p++) {
            fputs(p ? ",\n" : "\n", f);
            if (kl_i_json_dump(f, whatif_pair_json(r, p)) < 0)
                goto done;
        }
        fputs(w->n_pairs ? "\n]}\n" : "]}\n", f);
    } else {
        fputs(",\n\"cross_region_pairs\":", f);
        if (kl_i_json_dump(f, kl_i_jreal(r->cross_pairs)) < 0)
            goto done;
        fputs(",\n\"rank\":[", f);
        uint32_t k = rank_order(r, idx, key);
        for (uint32_t i = 0; i < k; i++) {
            fputs(i ? ",\n" : "\n", f);
            if (kl_i_json_dump(f, rank_json(r, idx[i])) < 0)
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
            kl_i_csv_text(f, r->ds->regions[w->pair_a[p]].id);
            fputc(',', f);
            kl_i_csv_text(f, r->ds->regions[w->pair_b[p]].id);
            fprintf(f, ",%s,%s,", w->before.pair_connected[p] ? "true" : "false",
                    w->after.pair_connected[p] ? "true" : "false");
            kl_i_csv_real(f, w->before.pair_distance[p]);
            fputc(',', f);
            kl_i_csv_real(f, w->after.pair_distance[p]);
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
        kl_i_csv_text(f, e->id);
        fputc(',', f);
        kl_i_csv_text(f, e->name);
        fprintf(f, ",%s,", kl_kind_name(e->kind));
        if (r->g->vertex_region[v] >= 0)
            kl_i_csv_text(f, r->ds->regions[r->g->vertex_region[v]].id);
        fprintf(f, ",%llu,", (unsigned long long)r->disconnects[v]);
        kl_i_csv_real(f, ratio((double)r->disconnects[v], r->cross_pairs));
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
        kl_i_md_pct(f, before);
    else
        kl_i_md_real(f, before);
    fputs(" | ", f);
    if (pct && isfinite(after))
        kl_i_md_pct(f, after);
    else
        kl_i_md_real(f, after);
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

/* The region pairs lost or grown apart, at most KL_REPORT_LIST_ROWS; 0, or
 * -1 when out of memory. */
static int md_whatif_pairs(FILE *f, const kl_whatif_report_t *r, int lost, uint32_t total)
{
    const kl_whatif_t *w = r->cmp;
    uint32_t said = 0;
    char before[40], after[40];
    for (uint32_t p = 0; p < w->n_pairs && said < KL_REPORT_LIST_ROWS; p++) {
        if (!whatif_pair_is(w, p, lost))
            continue;
        said++;
        char *a = kl_i_md_region_str(r->ds, w->pair_a[p]), *b = kl_i_md_region_str(r->ds, w->pair_b[p]);
        if (!a || !b) {
            free(a);
            free(b);
            return -1;
        }
        kl_i_md_real_text(w->before.pair_distance[p], before, sizeof before);
        fputs("- ", f);
        if (lost)
            /* TRANSLATORS: region, region, their distance before the removal */
            fprintf(f, _("%s and %s (distance %s before)"), a, b, before);
        else
            /* TRANSLATORS: region, region, their distance before and after the removal */
            fprintf(f, _("%s and %s: distance %s → %s"), a, b, before,
                    kl_i_md_real_text(w->after.pair_distance[p], after, sizeof after));
        fputc('\n', f);
        free(a);
        free(b);
    }
    if (total > said) {
        fputs("- ", f);
        fprintf(f, _("and %u more (the JSON and CSV outputs list every region pair)"), total - said);
        fputc('\n', f);
    }
    return 0;
}

/* The first line of a removal: the pairs of actors disconnected, those
 * that stay connected, those that went with a removed actor. */
static void md_whatif_disconnected(FILE *f, const kl_whatif_t *w)
{
    char lost[40], stay[40], own_text[40];
    /* pairs with a removed actor at one end vanish with it: not a disconnection */
    double own = w->before.connected_pairs - w->after.connected_pairs - w->lost_pairs;
    unsigned long n = kl_i_plural(w->lost_pairs);
    kl_i_md_count_text(w->lost_pairs, lost, sizeof lost);
    kl_i_md_count_text(w->after.connected_pairs, stay, sizeof stay);
    kl_i_md_count_text(own, own_text, sizeof own_text);
    fputs("- ", f);
    /* TRANSLATORS: the pairs disconnected, those that stay connected, and those with a removed actor at one end
     * (which go with it) */
    if (w->lost_pairs > 0 && own > 0)
        fprintf(f, kl_trn("**%s pair of actors in different regions is disconnected** (neither of them removed); %s "
                          "stay connected; %s more had a removed actor at one end.",
                          "**%s pairs of actors in different regions are disconnected** (neither of them removed); %s "
                          "stay connected; %s more had a removed actor at one end.",
                          n),
                lost, stay, own_text);
    else if (w->lost_pairs > 0)
        fprintf(f, kl_trn("**%s pair of actors in different regions is disconnected** (neither of them removed); %s "
                          "stay connected.",
                          "**%s pairs of actors in different regions are disconnected** (neither of them removed); %s "
                          "stay connected.",
                          n),
                lost, stay);
    else if (own > 0)
        fprintf(f, _("**No pair of actors in different regions is disconnected** (neither of them removed); %s stay "
                     "connected; %s more had a removed actor at one end."),
                stay, own_text);
    else
        fprintf(f, _("**No pair of actors in different regions is disconnected** (neither of them removed); %s stay "
                     "connected."),
                stay);
    fputc('\n', f);
}

/* Whether the paths that stay get longer. */
static void md_whatif_longer(FILE *f, const kl_whatif_t *w, uint32_t longer)
{
    char before[40], after[40];
    double mean_before = ratio(w->kept_distance_sum, w->after.connected_pairs);
    double mean_after = ratio(w->after.distance_sum, w->after.connected_pairs);
    kl_i_md_real_text(mean_before, before, sizeof before);
    kl_i_md_real_text(mean_after, after, sizeof after);
    fputs("- ", f);
    if (!(w->after.connected_pairs > 0))
        fputs(_("No pair of actors in different regions stays connected."), f);
    else if (mean_after > mean_before * (1 + 1e-9) && longer)
        /* TRANSLATORS: the mean distance before and after, the number of region pairs */
        fprintf(f, kl_trn("**Paths get longer**: for the pairs that stay connected, the mean distance grows from %s "
                          "to %s, and %u region pair grows apart (below).",
                          "**Paths get longer**: for the pairs that stay connected, the mean distance grows from %s "
                          "to %s, and %u region pairs grow apart (below).",
                          longer),
                before, after, longer);
    else if (mean_after > mean_before * (1 + 1e-9))
        fprintf(f, _("**Paths get longer**: for the pairs that stay connected, the mean distance grows from %s to %s."),
                before, after);
    else
        fprintf(f, _("Paths do not get longer: the pairs that stay connected keep their shortest paths (mean distance "
                     "%s)."),
                after);
    fputc('\n', f);
}

/* whatif --remove in words: what is disconnected, whether paths get longer,
 * then the numbers before and after and the region pairs concerned; 0, or
 * -1 when out of memory. */
static int md_whatif_remove(FILE *f, const kl_whatif_report_t *r)
{
    const kl_whatif_t *w = r->cmp;
    const kl_dataset_t *ds = r->ds;
    char *names, *title = kl_i_md_text_str(ds->title ? ds->title : ds->id ? ds->id : r->dataset_path);
    kl_i_piece_t piece;
    FILE *p = kl_i_piece_open(&piece);
    if (p)
        kl_i_md_actor_list(p, ds, r->g, r->removed, r->n_removed);
    names = kl_i_piece_close(&piece);
    if (!names || !title) {
        free(names);
        free(title);
        errno = ENOMEM;
        return -1;
    }
    fputs("# ", f);
    /* TRANSLATORS: the title of `kluster whatif --remove`: the removed actors ("**A** and **B**") */
    fprintf(f, kl_trn("What if %s were gone?", "What if %s were all gone?", r->n_removed), names);
    fputs("\n\n", f);
    /* TRANSLATORS: the dataset's title, the analysis graph's mode ("full", "organisations") */
    fprintf(f, _("Dataset %s, %s mode."), title, kl_i_mode_label(r->g->options.mode));
    fputs("\n\n", f);
    free(names);
    free(title);
    uint32_t cb = 0, ca = 0, lost = whatif_pairs_count(w, 1), longer = whatif_pairs_count(w, 0);
    for (uint32_t q = 0; q < w->n_pairs; q++) {
        cb += w->before.pair_connected[q];
        ca += w->after.pair_connected[q];
    }
    md_whatif_disconnected(f, w);
    fputs("- ", f);
    if (lost)
        /* TRANSLATORS: region pairs that lose every connection, of all connected ones */
        fprintf(f, kl_trn("**%u of %u connected region pairs loses every connection** (below).",
                          "**%u of %u connected region pairs lose every connection** (below).", lost),
                lost, cb);
    else
        fprintf(f, _("Every one of the %u connected region pairs stays connected."), cb);
    fputc('\n', f);
    md_whatif_longer(f, w, longer);
    double mean_before = ratio(w->kept_distance_sum, w->after.connected_pairs);
    double mean_after = ratio(w->after.distance_sum, w->after.connected_pairs);
    fprintf(f, "\n| %s | %s | %s |\n|---|---:|---:|\n", _("measure"), _("before"), _("after"));
    md_before_after(f, _("connected region pairs"), cb, ca, 0);
    md_before_after(f, _("connected cross-region actor pairs"), w->before.connected_pairs, w->after.connected_pairs,
                    0);
    md_before_after(f, _("inter-regional reachability (share of cross-region pairs connected)"),
                    ratio(w->before.connected_pairs, w->before.cross_pairs),
                    ratio(w->after.connected_pairs, w->after.cross_pairs), 1);
    md_before_after(f, _("mean distance of the pairs that stay connected"), mean_before, mean_after, 0);
    md_before_after(f, _("mean distance of all connected pairs"),
                    ratio(w->before.distance_sum, w->before.connected_pairs),
                    ratio(w->after.distance_sum, w->after.connected_pairs), 0);
    fputc('\n', f);
    fputs(_("The mean over all connected pairs can fall when distant pairs are disconnected; the mean over the pairs "
            "that stay connected compares the same pairs before and after."),
          f);
    fprintf(f, "\n\n## %s\n\n", _("Region pairs that lose their connection"));
    if (!lost) {
        /* TRANSLATORS: no region pair loses its connection */
        fputs(_("None."), f);
        fputc('\n', f);
    }
    if (md_whatif_pairs(f, r, 1, lost) != 0)
        return -1;
    if (longer) {
        fprintf(f, "\n## %s\n\n", _("Region pairs that grow apart"));
        if (md_whatif_pairs(f, r, 0, longer) != 0)
            return -1;
    }
    return 0;
}

/* whatif --rank: the keystone actors; 0, or -1 when out of memory. */
static int md_whatif_rank(FILE *f, const kl_whatif_report_t *r)
{
    const kl_dataset_t *ds = r->ds;
    uint32_t *idx = malloc(((size_t)r->g->n + 1) * sizeof *idx);
    double *key = malloc(((size_t)r->g->n + 1) * sizeof *key);
    char *title = kl_i_md_text_str(ds->title ? ds->title : ds->id ? ds->id : r->dataset_path), num[40];
    if (!idx || !key || !title) {
        free(idx);
        free(key);
        free(title);
        errno = ENOMEM;
        return -1;
    }
    for (uint32_t v = 0; v < r->g->n; v++)
        key[v] = (double)r->disconnects[v];
    uint32_t cnt = kl_i_ranked_actors(ds, r->g, key, idx);
    kl_top_plan_t plan;
    kl_top_plan(&plan, key, idx, cnt, r->g->n, r->top);
    fputs("# ", f);
    /* TRANSLATORS: the title of `kluster whatif --rank`; %s is the dataset's title */
    fprintf(f, _("Keystone actors: %s"), title);
    free(title);
    fputs("\n\n", f);
    /* TRANSLATORS: the analysis graph's mode ("full", "organisations"), the number of pairs */
    fprintf(f, _("Actors ranked by how many connected pairs of actors in different regions (neither of them the "
                 "actor) lose every path when the actor is removed (%s mode; %s such pairs are connected now)."),
            kl_i_mode_label(r->g->options.mode), kl_i_md_count_text(r->cross_pairs, num, sizeof num));
    fputs("\n\n", f);
    if (cnt == 0) {
        fputs(_("No single actor's removal disconnects any two regions' actors."), f);
        fputc('\n', f);
    } else {
        snprintf(num, sizeof num, "%.0f", key[idx[0]]);
        /* TRANSLATORS: what a keystone actor does, in "Only 3 actors disconnect a pair." */
        kl_i_md_top_note(f, &plan, _("pairs disconnected"), num, _("disconnects a pair"), _("disconnect a pair"));
    }
    if (plan.rows) {
        kl_i_md_actor_head(f);
        fprintf(f, " %s | %s |\n|---:|---|---|---|---:|---:|\n", _("pairs disconnected"), _("share"));
        for (uint32_t i = 0; i < plan.rows; i++) {
            uint32_t v = idx[i];
            kl_i_md_actor_row_start(f, ds, r->g, i + 1, v, 1);
            fprintf(f, "%llu | ", (unsigned long long)r->disconnects[v]);
            kl_i_md_pct(f, ratio((double)r->disconnects[v], r->cross_pairs));
            fputs(" |\n", f);
        }
        snprintf(num, sizeof num, "%.0f", key[idx[plan.rows - 1]]);
        kl_i_md_top_tail(f, &plan, num);
    }
    free(idx);
    free(key);
    return 0;
}

int kl_write_whatif_md(FILE *f, const kl_whatif_report_t *r)
{
    if ((r->cmp ? md_whatif_remove(f, r) : md_whatif_rank(f, r)) != 0) {
        errno = ENOMEM;
        return -1;
    }
    if (ferror(f)) {
        if (!errno)
            errno = EIO;
        return -1;
    }
    return 0;
}
