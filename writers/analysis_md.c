/* writers/analysis_md.c - `kluster analyze --format md`: the graph in
 * numbers, the regions and the actors between them, then a top-N table per
 * metric that stays honest about ties (report.c). */
#include "writers_internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

typedef struct {
    const kl_report_t *r;
    double *value;
    int ascending;
} md_sort_t;

static int cmp_metric(const void *x, const void *y, void *ctx)
{
    const md_sort_t *s = ctx;
    uint32_t u = *(const uint32_t *)x, v = *(const uint32_t *)y;
    double a = s->value[u], b = s->value[v];
    if (a != b)
        return s->ascending ? (a < b ? -1 : 1) : (a > b ? -1 : 1);
    uint32_t ru = s->r->res->rank[u], rv = s->r->res->rank[v];
    return (ru > rv) - (ru < rv);
}

static void md_row(FILE *f, const char *label, const char *value)
{
    fprintf(f, "| %s | %s |\n", label, value);
}

/* "## Top N by <metric>": the actors with a value (a zero ranks nobody in a
 * descending table), or the sentence that says why there is no ranking. */
static void md_metric_table(FILE *f, const kl_report_t *r, const kl_metric_source_t *src, const kl_metric_t *m,
                            uint32_t *idx, double *value)
{
    uint32_t n = r->res->n, cnt = 0;
    for (uint32_t v = 0; v < n; v++) {
        value[v] = m->value(src, v, KL_METRIC_VALUE);
        if (isfinite(value[v]) && (m->ascending || value[v] != 0))
            idx[cnt++] = v;
    }
    md_sort_t ctx = {r, value, m->ascending};
    qsort_r(idx, cnt, sizeof *idx, cmp_metric, &ctx);
    kl_top_plan_t plan;
    kl_top_plan(&plan, value, idx, cnt, n, r->top);
    fputs("\n## ", f);
    if (plan.rows)
        /* TRANSLATORS: a heading: the number of rows, a metric ("betweenness", "degree (ties)") */
        fprintf(f, _("Top %u by %s"), plan.rows, kl_tr(m->md_title));
    else
        /* TRANSLATORS: a heading: a metric ("betweenness", "degree (ties)") */
        fprintf(f, _("By %s"), kl_tr(m->md_title));
    fputs("\n\n", f);
    char num[40];
    /* the Markdown names the metric by its key, as its table's column does */
    kl_i_md_top_note(f, &plan, m->key, kl_i_md_value_text(cnt ? value[idx[0]] : 0, num, sizeof num),
                     kl_tr(m->has_one), kl_tr(m->have_many));
    if (!plan.rows)
        return;
    kl_i_md_actor_head(f);
    fprintf(f, " %s |\n|---:|---|---|---|---:|\n", m->key);
    for (uint32_t i = 0; i < plan.rows; i++) {
        kl_i_md_actor_row_start(f, r->ds, r->g, i + 1, idx[i], 0);
        kl_i_md_real(f, value[idx[i]]);
        fputs(" |\n", f);
    }
    kl_i_md_top_tail(f, &plan, kl_i_md_value_text(value[idx[plan.rows - 1]], num, sizeof num));
}

int kl_write_md(FILE *f, const kl_report_t *r)
{
    const kl_analysis_t *a = r->res;
    const kl_graph_options_t *go = &r->g->options;
    char buf[512], num[40], *name;
    int failed = 0;
    uint32_t n = a->n;
    uint32_t *idx = malloc(((size_t)n + 1) * sizeof *idx);
    double *value = malloc(((size_t)n + 1) * sizeof *value);
    if (!idx || !value) {
        free(idx);
        free(value);
        errno = ENOMEM;
        return -1;
    }
    fputs("# ", f);
    name = kl_i_md_text_str(r->ds->title ? r->ds->title : r->ds->id ? r->ds->id : r->dataset_path);
    if (!name)
        goto oom;
    /* TRANSLATORS: the title of `kluster analyze --format md`; %s is the dataset's title */
    fprintf(f, _("kluster analysis: %s"), name);
    free(name);
    fputs("\n\n", f);
    name = kl_i_md_text_str(r->ds->id ? r->ds->id : r->dataset_path);
    if (!name)
        goto oom;
    /* TRANSLATORS: the dataset's id, then its counts */
    fprintf(f, _("Dataset %s: %u entities, %u relations, %u regions, %u warnings."), name, r->ds->n_entities,
            r->ds->n_relations, r->ds->n_regions, r->ds->n_warnings);
    free(name);
    fprintf(f, "\n\n## %s\n\n| %s | %s |\n|---|---|\n", _("The graph in numbers"), _("measure"), _("value"));
    /* TRANSLATORS: a row of "The graph in numbers": the analysis graph's --mode */
    md_row(f, _("mode"), kl_i_mode_label(go->mode));
    snprintf(buf, sizeof buf, "%u", a->n);
    md_row(f, _("actors"), buf);
    snprintf(buf, sizeof buf, "%u", a->m);
    md_row(f, _("ties"), buf);
    snprintf(buf, sizeof buf, "%u", a->components);
    md_row(f, _("connected components"), buf);
    snprintf(buf, sizeof buf, "%u", a->largest_component);
    md_row(f, _("largest component (actors)"), buf);
    snprintf(buf, sizeof buf, "%u", a->isolated);
    md_row(f, _("isolated actors"), buf);
    snprintf(buf, sizeof buf, "%u", a->bridges);
    /* TRANSLATORS: a row of "The graph in numbers": ties whose removal splits the graph */
    md_row(f, _("bridges"), buf);
    snprintf(buf, sizeof buf, "%u", a->articulation_points);
    md_row(f, _("articulation points"), buf);
    snprintf(buf, sizeof buf, "%u", a->biconnected_components);
    md_row(f, _("biconnected components"), buf);
    snprintf(buf, sizeof buf, "%u (%s)", a->communities,
             a->options.communities == KL_COMMUNITIES_LOUVAIN ? "Louvain" : "Leiden");
    md_row(f, _("communities"), buf);
    md_row(f, _("modularity"), kl_i_md_real_text(a->modularity, buf, sizeof buf));
    /* TRANSLATORS: a row of "The graph in numbers": normalised mutual information */
    md_row(f, _("NMI communities vs regions"), kl_i_md_real_text(a->nmi_regions, buf, sizeof buf));
    /* TRANSLATORS: a row of "The graph in numbers": adjusted Rand index */
    md_row(f, _("ARI communities vs regions"), kl_i_md_real_text(a->ari_regions, buf, sizeof buf));
    md_row(f, _("shortest paths"), a->options.weighted ? _("weighted (distance 1/weight)") : _("hops"));
    if (a->options.samples) {
        snprintf(buf, sizeof buf, _("estimated from %u sampled sources"), a->options.samples);
        md_row(f, _("betweenness"), buf);
    } else if (a->options.epsilon > 0) {
        if (a->harmonic_sources < a->n)
            /* TRANSLATORS: the row "betweenness": number of samples, a probability, epsilon twice, then the
             * number of sources; "n(n-1)/2" and "P" are formulas */
            snprintf(buf, sizeof buf,
                     _("estimated from %llu sampled shortest paths: with probability >= %g, betweenness within %g "
                       "n(n-1)/2 and irb within %g P; harmonic from %d sampled sources"),
                     (unsigned long long)a->pair_samples, 1 - a->options.delta, a->options.epsilon,
                     a->options.epsilon, KL_HARMONIC_SOURCES);
        else
            snprintf(buf, sizeof buf,
                     _("estimated from %llu sampled shortest paths: with probability >= %g, betweenness within %g "
                       "n(n-1)/2 and irb within %g P; harmonic exact"),
                     (unsigned long long)a->pair_samples, 1 - a->options.delta, a->options.epsilon,
                     a->options.epsilon);
        md_row(f, _("betweenness"), buf);
    } else {
        /* TRANSLATORS: the row "betweenness": computed exactly, not sampled */
        md_row(f, _("betweenness"), _("exact"));
    }
    if (a->dominant_actor >= 0) {
        name = kl_i_md_text_str(kl_i_entity(r, (uint32_t)a->dominant_actor)->name);
        if (!name)
            goto oom;
        fprintf(f, "| %s | ", _("dominant actor"));
        /* TRANSLATORS: the actor, its irb share (a number); "irb share" names a metric */
        fprintf(f, _("%s (irb share %s)"), name, kl_i_md_real_text(a->irb_share[a->dominant_actor], num, sizeof num));
        fputs(" |\n", f);
        free(name);
    }

    if (r->regions) {
        fprintf(f, "\n## %s\n\n", _("Regions and the actors between them"));
        if (kl_i_md_dominant(f, r->ds, r->g, a->dominant_actor,
                             a->dominant_actor >= 0 ? a->irb_share[a->dominant_actor] : NAN) != 0)
            goto oom;
        char more[600], all[600];
        kl_pair_counts_t c;
        kl_region_pairs_count(r->regions, NULL, &c);
        snprintf(more, sizeof more,
                 _("With many regions, brokers are computed for the pairs with most links only; %s computes them "
                   "for every pair."),
                 "`--all-pairs`");
        /* TRANSLATORS: %u is the number of region pairs; the %s are names of outputs: `region_pairs`,
         * `--format json`, analysis.json, region_pairs.csv, `kluster batch` */
        snprintf(all, sizeof all,
                 _("All %u region pairs, with links, distance, brokers and cut actors, are in the JSON output (%s of "
                   "%s; %s and %s of %s)."),
                 c.pairs, "`region_pairs`", "`--format json`", "analysis.json", "region_pairs.csv", "`kluster batch`");
        if (kl_i_md_region_pairs(f, r->ds, r->g, r->regions, NULL, all, more) != 0) {
            failed = 1;
            goto done;
        }
        fprintf(f, "\n### %s\n\n", _("Regions"));
        kl_i_md_regions_table(f, r->ds, r->regions);
    }

    kl_metric_source_t src;
    kl_i_metric_source(&src, r);
    const kl_metric_t *m;
    for (unsigned k = 1; (m = kl_metric_top_table(0, k)) != NULL; k++) {
        if (!m->available(&src) || ((m->flags & KL_METRIC_CROSS) && a->region_pairs <= 0))
            continue; /* no cross-region pairs: irb is all zero */
        md_metric_table(f, r, &src, m, idx, value);
        if (ferror(f))
            break;
    }
    goto done;
oom:
    failed = 1;
    errno = ENOMEM;
done:
    free(idx);
    free(value);
    if (failed || ferror(f)) {
        if (!errno)
            errno = EIO;
        return -1;
    }
    return 0;
}
