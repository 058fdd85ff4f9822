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
        kl_i_md_region(f, r->ds, w->pair_a[p]);
        fputs(" and ", f);
        kl_i_md_region(f, r->ds, w->pair_b[p]);
        fputs(lost ? " (distance " : ": distance ", f);
        kl_i_md_real(f, w->before.pair_distance[p]);
        if (lost) {
            fputs(" before)\n", f);
        } else {
            fputs(" → ", f);
            kl_i_md_real(f, w->after.pair_distance[p]);
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
    kl_i_md_actor_list(f, ds, r->g, r->removed, r->n_removed);
    fprintf(f, " %s gone?\n\nDataset ", r->n_removed == 1 ? "were" : "were all");
    kl_i_md_text(f, ds->title ? ds->title : ds->id ? ds->id : r->dataset_path);
    fprintf(f, ", %s mode.\n\n", kl_i_mode_name(r->g->options.mode));
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
        kl_i_md_count(f, w->lost_pairs);
        fputs(w->lost_pairs == 1 ? " pair of actors in different regions is disconnected**"
                                 : " pairs of actors in different regions are disconnected**",
              f);
    } else {
        fputs("**No pair of actors in different regions is disconnected**", f);
    }
    fputs(" (neither of them removed); ", f);
    kl_i_md_count(f, w->after.connected_pairs);
    fputs(" stay connected", f);
    if (own > 0) {
        fputs("; ", f);
        kl_i_md_count(f, own);
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
        kl_i_md_real(f, mean_before);
        fputs(" to ", f);
        kl_i_md_real(f, mean_after);
        if (longer)
            fprintf(f, ", and %u region pair%s grow%s apart (below)", longer, longer == 1 ? "" : "s",
                    longer == 1 ? "s" : "");
        fputs(".\n", f);
    } else {
        fputs("Paths do not get longer: the pairs that stay connected keep their shortest paths (mean distance ",
              f);
        kl_i_md_real(f, mean_after);
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
        uint32_t cnt = kl_i_ranked_actors(ds, r->g, key, idx);
        kl_top_plan_t plan;
        kl_top_plan(&plan, key, idx, cnt, r->g->n, r->top);
        fputs("# Keystone actors: ", f);
        kl_i_md_text(f, ds->title ? ds->title : ds->id ? ds->id : r->dataset_path);
        fprintf(f, "\n\nActors ranked by how many connected pairs of actors in different regions (neither of them"
                   " the actor) lose every path when the actor is removed (%s mode; ",
                kl_i_mode_name(r->g->options.mode));
        kl_i_md_count(f, r->cross_pairs);
        fputs(" such pairs are connected now).\n\n", f);
        if (cnt == 0) {
            fputs("No single actor's removal disconnects any two regions' actors.\n", f);
        } else {
            char num[40];
            snprintf(num, sizeof num, "%.0f", key[idx[0]]);
            kl_i_md_top_note(f, &plan, "pairs disconnected", num, "disconnects a pair", "disconnect a pair");
        }
        if (plan.rows) {
            fputs("| # | actor | kind | region | pairs disconnected | share |\n|---:|---|---|---|---:|---:|\n", f);
            for (uint32_t i = 0; i < plan.rows; i++) {
                uint32_t v = idx[i];
                kl_i_md_actor_row_start(f, ds, r->g, i + 1, v, 1);
                fprintf(f, "%llu | ", (unsigned long long)r->disconnects[v]);
                kl_i_md_pct(f, ratio((double)r->disconnects[v], r->cross_pairs));
                fputs(" |\n", f);
            }
            char num[40];
            snprintf(num, sizeof num, "%.0f", key[idx[plan.rows - 1]]);
            kl_i_md_top_tail(f, &plan, num);
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
