/* writers/analysis_md.c - `kluster analyze --format md`: the graph in
 * numbers, the regions and the actors between them, then a top-N table per
 * metric that stays honest about ties (report.c). */
#include "writers_internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

#define KL_STR_(x) #x
#define KL_STR(x) KL_STR_(x)

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
    if (plan.rows)
        fprintf(f, "\n## Top %u by %s\n\n", plan.rows, m->md_title);
    else
        fprintf(f, "\n## By %s\n\n", m->md_title);
    char num[40];
    kl_i_md_top_note(f, &plan, m->key, kl_i_md_value_text(cnt ? value[idx[0]] : 0, num, sizeof num), m->has_one,
                m->have_many);
    if (!plan.rows)
        return;
    fprintf(f, "| # | actor | kind | region | %s |\n|---:|---|---|---|---:|\n", m->key);
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
    char buf[256];
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
    fputs("# kluster analysis: ", f);
    kl_i_md_text(f, r->ds->title ? r->ds->title : r->ds->id ? r->ds->id : r->dataset_path);
    fputs("\n\n", f);
    fputs("Dataset ", f);
    kl_i_md_text(f, r->ds->id ? r->ds->id : r->dataset_path);
    fprintf(f, ": %u entities, %u relations, %u regions, %u warnings.\n\n", r->ds->n_entities,
            r->ds->n_relations, r->ds->n_regions, r->ds->n_warnings);
    fputs("## The graph in numbers\n\n| measure | value |\n|---|---|\n", f);
    md_row(f, "mode", kl_i_mode_name(go->mode));
    snprintf(buf, sizeof buf, "%u", a->n);
    md_row(f, "actors", buf);
    snprintf(buf, sizeof buf, "%u", a->m);
    md_row(f, "ties", buf);
    snprintf(buf, sizeof buf, "%u", a->components);
    md_row(f, "connected components", buf);
    snprintf(buf, sizeof buf, "%u", a->largest_component);
    md_row(f, "largest component (actors)", buf);
    snprintf(buf, sizeof buf, "%u", a->isolated);
    md_row(f, "isolated actors", buf);
    snprintf(buf, sizeof buf, "%u", a->bridges);
    md_row(f, "bridges", buf);
    snprintf(buf, sizeof buf, "%u", a->articulation_points);
    md_row(f, "articulation points", buf);
    snprintf(buf, sizeof buf, "%u", a->biconnected_components);
    md_row(f, "biconnected components", buf);
    snprintf(buf, sizeof buf, "%u (%s)", a->communities,
             a->options.communities == KL_COMMUNITIES_LOUVAIN ? "Louvain" : "Leiden");
    md_row(f, "communities", buf);
    fputs("| modularity | ", f);
    kl_i_md_real(f, a->modularity);
    fputs(" |\n| NMI communities vs regions | ", f);
    kl_i_md_real(f, a->nmi_regions);
    fputs(" |\n| ARI communities vs regions | ", f);
    kl_i_md_real(f, a->ari_regions);
    fputs(" |\n", f);
    md_row(f, "shortest paths", a->options.weighted ? "weighted (distance 1/weight)" : "hops");
    if (a->options.samples) {
        snprintf(buf, sizeof buf, "estimated from %u sampled sources", a->options.samples);
        md_row(f, "betweenness", buf);
    } else if (a->options.epsilon > 0) {
        snprintf(buf, sizeof buf,
                 "estimated from %llu sampled shortest paths: with probability >= %g, betweenness within %g "
                 "n(n-1)/2 and irb within %g P; harmonic %s",
                 (unsigned long long)a->pair_samples, 1 - a->options.delta, a->options.epsilon, a->options.epsilon,
                 a->harmonic_sources < a->n ? "from " KL_STR(KL_HARMONIC_SOURCES) " sampled sources" : "exact");
        md_row(f, "betweenness", buf);
    } else {
        md_row(f, "betweenness", "exact");
    }
    if (a->dominant_actor >= 0) {
        fputs("| dominant actor | ", f);
        kl_i_md_text(f, kl_i_entity(r, (uint32_t)a->dominant_actor)->name);
        fputs(" (irb share ", f);
        kl_i_md_real(f, a->irb_share[a->dominant_actor]);
        fputs(") |\n", f);
    }

    if (r->regions) {
        fputs("\n## Regions and the actors between them\n\n", f);
        kl_i_md_dominant(f, r->ds, r->g, a->dominant_actor,
                    a->dominant_actor >= 0 ? a->irb_share[a->dominant_actor] : NAN);
        if (kl_i_md_region_pairs(f, r->ds, r->g, r->regions, NULL,
                            "the JSON output (`region_pairs` of `--format json`; analysis.json and region_pairs.csv "
                            "of `kluster batch`)",
                            "`--all-pairs` computes them for every pair") != 0) {
            failed = 1;
            goto done;
        }
        fputs("\n### Regions\n\n", f);
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
