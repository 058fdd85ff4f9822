/* writers/bridges.c - `kluster bridges`: the region pairs, the regions and
 * the top actors between regions, as JSON (kluster-bridges/1), CSV (one row
 * per region pair) and Markdown. */
#include "writers_internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static json_t *bridges_graph_json(const kl_bridges_report_t *r)
{
    const kl_regions_t *rg = r->regions;
    json_t *o = json_object();
    int ok = o != NULL;
    if (!ok)
        return NULL;
    kl_i_jset(o, "nodes", json_integer(r->g->n), &ok);
    kl_i_jset(o, "edges", json_integer(r->g->csr.m), &ok);
    kl_i_jset(o, "mode", json_string(kl_i_mode_name(r->g->options.mode)), &ok);
    kl_i_jset(o, "cross_region_pairs", kl_i_jreal(rg->cross_pairs), &ok);
    kl_i_jset(o, "sampled", rg->epsilon > 0 ? kl_i_pairs_sampled_json(rg->epsilon, rg->delta, rg->pair_samples)
                                            : json_null(),
              &ok);
    kl_i_jset(o, "dominant_actor", kl_i_dominant_json(r->g, r->ds, rg->dominant_actor, rg->irb_share), &ok);
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
    kl_i_jset(o, "id", json_string(e->id), &ok);
    kl_i_jset(o, "name", json_string(e->name), &ok);
    kl_i_jset(o, "kind", json_string(kl_kind_name(e->kind)), &ok);
    kl_i_jset(o, "region", reg >= 0 ? json_string(r->ds->regions[reg].id) : json_null(), &ok);
    kl_i_jset(o, "irb", kl_i_jreal(rg->irb[v]), &ok);
    kl_i_jset(o, "irb_share", kl_i_jreal(rg->irb_share[v]), &ok);
    kl_i_jset(o, "regions_reached", json_integer(rg->regions_reached[v]), &ok);
    kl_i_jset(o, "participation_region", kl_i_jreal(rg->participation_region[v]), &ok);
    kl_i_jset(o, "ei_index", kl_i_jreal(rg->ei_index[v]), &ok);
    kl_i_jset(o, "disconnects", json_integer((json_int_t)rg->disconnects[v]), &ok);
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
    if (kl_i_json_dump(f, kl_i_dataset_json(&base)) < 0)
        goto done;
    fputs(",\n\"graph\":", f);
    if (kl_i_json_dump(f, bridges_graph_json(r)) < 0)
        goto done;
    if (kl_i_write_region_arrays(f, r->ds, r->g, r->regions, r->pair_shown) < 0)
        goto done;
    fputs(",\n\"brokers\":[", f);
    uint32_t k = kl_i_top_actors(r->ds, r->g, r->regions->irb, r->top, idx);
    for (uint32_t i = 0; i < k; i++) {
        fputs(i ? ",\n" : "\n", f);
        if (kl_i_json_dump(f, broker_actor_json(r, idx[i])) < 0)
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
        if (!kl_i_pair_shown(r->pair_shown, p))
            continue;
        kl_i_csv_text(f, r->ds->regions[pr->a].id);
        fputc(',', f);
        kl_i_csv_text(f, r->ds->regions[pr->b].id);
        fputc(',', f);
        kl_i_csv_text(f, r->ds->regions[pr->a].name);
        fputc(',', f);
        kl_i_csv_text(f, r->ds->regions[pr->b].name);
        fprintf(f, ",%s,%u,", pr->connected ? "true" : "false", pr->direct_ties);
        kl_i_csv_real(f, pr->distance);
        fputc(',', f);
        kl_i_csv_real(f, pr->actor_pairs);
        fprintf(f, ",%.0f,", pr->links);
        /* brokers as id:share separated by |, in one cell */
        if (pr->has_brokers) {
            size_t len = 1;
            for (uint32_t i = 0; i < pr->n_brokers; i++)
                len += strlen(kl_i_vertex_id(r->g, r->ds, pr->brokers[i].vertex)) + 40;
            char *cell = malloc(len);
            if (!cell) {
                errno = ENOMEM;
                return -1;
            }
            cell[0] = '\0';
            for (uint32_t i = 0; i < pr->n_brokers; i++) {
                size_t at = strlen(cell);
                snprintf(cell + at, len - at, "%s%s:%s", i ? "|" : "", kl_i_vertex_id(r->g, r->ds, pr->brokers[i].vertex),
                         kl_format_real(pr->brokers[i].share, num));
            }
            kl_i_csv_text(f, cell);
            free(cell);
        }
        /* sampled brokers' guarantee; empty when exact or not computed */
        fputc(',', f);
        if (pr->brokers_epsilon > 0) {
            kl_i_csv_real(f, pr->brokers_epsilon);
            fputc(',', f);
            kl_i_csv_real(f, rg->delta);
        } else {
            fputc(',', f);
        }
        fputc(',', f);
        size_t len = 1;
        for (uint32_t i = 0; i < pr->n_cut; i++)
            len += strlen(kl_i_vertex_id(r->g, r->ds, pr->cut[i])) + 1;
        char *cell = malloc(len);
        if (!cell) {
            errno = ENOMEM;
            return -1;
        }
        cell[0] = '\0';
        for (uint32_t i = 0; i < pr->n_cut; i++) {
            if (i)
                strcat(cell, "|");
            strcat(cell, kl_i_vertex_id(r->g, r->ds, pr->cut[i]));
        }
        kl_i_csv_text(f, cell);
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
    char num[40], *title = NULL;
    uint32_t *idx = malloc(((size_t)r->g->n + 1) * sizeof *idx);
    if (!idx || !(title = kl_i_md_text_str(ds->title ? ds->title : ds->id ? ds->id : r->dataset_path))) {
        free(idx);
        errno = ENOMEM;
        return -1;
    }
    fputs("# ", f);
    /* TRANSLATORS: the title of `kluster bridges --format md`; %s is the dataset's title */
    fprintf(f, _("Who connects the regions: %s"), title);
    free(title);
    fputs("\n\n", f);
    /* TRANSLATORS: actors, ties, the analysis graph's mode ("full", "organisations"), the number of pairs */
    fprintf(f, _("%u actors and %u ties (%s mode).  Of the pairs of actors in different regions, %s are connected by "
                 "some path."),
            r->g->n, r->g->csr.m, kl_i_mode_label(r->g->options.mode),
            kl_i_md_count_text(rg->cross_pairs, num, sizeof num));
    fputs("\n\n", f);
    if (rg->epsilon > 0) {
        fprintf(f,
                _("Estimated from %llu sampled shortest paths: with probability at least %g, every inter-regional "
                  "betweenness is within %g of the connected pairs above, and each broker's share within %g."),
                (unsigned long long)rg->pair_samples, 1 - rg->delta, rg->epsilon, rg->broker_epsilon);
        fputs("\n\n", f);
    }
    if (rg->dominant_actor >= 0 &&
        kl_i_md_dominant(f, ds, r->g, rg->dominant_actor, rg->irb_share[rg->dominant_actor]) != 0) {
        free(idx);
        return -1;
    }

    fprintf(f, "## %s\n\n", _("Region pairs"));
    kl_pair_counts_t c;
    char all[600], more[600];
    kl_region_pairs_count(rg, r->pair_shown, &c);
    /* TRANSLATORS: the number of region pairs; the %s name two outputs: `--format json`, `--format csv` */
    snprintf(all, sizeof all, _("All %u region pairs, with links, distance, brokers and cut actors, are in %s and %s."),
             c.pairs, "`--format json`", "`--format csv`");
    /* TRANSLATORS: the %s are options: `--regions`, `--all-pairs` */
    snprintf(more, sizeof more,
             _("With many regions, brokers are computed for the pairs with most links only; %s computes them for the "
               "pairs of the regions named, %s for every pair."),
             "`--regions`", "`--all-pairs`");
    if (kl_i_md_region_pairs(f, ds, r->g, rg, r->pair_shown, all, more) != 0) {
        free(idx);
        return -1;
    }
    uint32_t cnt = kl_i_ranked_actors(ds, r->g, rg->irb, idx);
    kl_top_plan_t plan;
    kl_top_plan(&plan, rg->irb, idx, cnt, r->g->n, r->top);
    fputs("\n## ", f);
    if (plan.rows)
        fprintf(f, _("Top %u actors between regions (inter-regional betweenness)"), plan.rows);
    else
        fputs(_("Actors between regions (inter-regional betweenness)"), f);
    fputs("\n\n", f);
    if (cnt == 0) {
        fputs(_("No actor lies inside a shortest path between actors of different regions."), f);
        fputc('\n', f);
    } else {
        char first[40];
        snprintf(first, sizeof first, "%.1f%%", 100.0 * rg->irb_share[idx[0]]);
        kl_i_md_top_note(f, &plan, _("irb share"), first, _("lies between regions"), _("lie between regions"));
    }
    if (plan.rows) {
        fputs(_("Share: of the connected pairs of actors in different regions, the part of their shortest paths that "
                "runs through the actor.  Disconnects: such pairs that lose every path without it."),
              f);
        fputs("\n\n", f);
        kl_i_md_actor_head(f);
        fprintf(f, " %s | %s | %s |\n|---:|---|---|---|---:|---:|---:|\n", _("irb share"), _("regions reached"),
                /* TRANSLATORS: a column: the pairs of actors an actor's removal disconnects */
                _("disconnects"));
        for (uint32_t i = 0; i < plan.rows; i++) {
            uint32_t v = idx[i];
            kl_i_md_actor_row_start(f, ds, r->g, i + 1, v, 1);
            kl_i_md_pct(f, rg->irb_share[v]);
            fprintf(f, " | %u | %llu |\n", rg->regions_reached[v], (unsigned long long)rg->disconnects[v]);
        }
        char last[40];
        snprintf(last, sizeof last, "%.1f%%", 100.0 * rg->irb_share[idx[plan.rows - 1]]);
        kl_i_md_top_tail(f, &plan, last);
    }
    fprintf(f, "\n## %s\n\n", _("Regions"));
    kl_i_md_regions_table(f, ds, rg);
    free(idx);
    if (ferror(f)) {
        if (!errno)
            errno = EIO;
        return -1;
    }
    return 0;
}
