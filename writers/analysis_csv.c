/* writers/analysis_csv.c - `kluster analyze --format csv`: one row per
 * actor with the keys of the JSON actors[] as header (RFC 4180). */
#include "writers_internal.h"

static const char *region_id(const kl_report_t *r, uint32_t v)
{
    int32_t reg = r->g->vertex_region[v];
    return reg >= 0 ? r->ds->regions[reg].id : NULL;
}

int kl_write_csv(FILE *f, const kl_report_t *r)
{
    const kl_analysis_t *a = r->res;
    kl_metric_source_t src;
    kl_i_metric_source(&src, r);
    /* the metrics of this report, in table order; a role is its count */
    const kl_metric_t *cols[64];
    size_t n_cols = 0;
    for (size_t k = 0; k < kl_actor_metrics_count && n_cols < sizeof cols / sizeof *cols; k++)
        if (kl_actor_metrics[k].available(&src))
            cols[n_cols++] = &kl_actor_metrics[k];
    fputs("id,name,kind,region", f);
    for (size_t c = 0; c < n_cols; c++)
        fprintf(f, ",%s", cols[c]->key);
    fputs("\r\n", f);
    for (uint32_t i = 0; i < a->n; i++) {
        uint32_t v = a->order[i];
        const kl_entity_t *e = kl_i_entity(r, v);
        kl_i_csv_text(f, e->id);
        fputc(',', f);
        kl_i_csv_text(f, e->name);
        fputc(',', f);
        kl_i_csv_text(f, kl_kind_name(e->kind));
        fputc(',', f);
        kl_i_csv_text(f, region_id(r, v));
        for (size_t c = 0; c < n_cols; c++) {
            double x = cols[c]->value(&src, v, KL_METRIC_VALUE);
            fputc(',', f);
            /* undefined values (a role outside the subgraph: JSON null) are empty cells */
            if (cols[c]->type == KL_METRIC_BOOL)
                fputs(x != 0 ? "true" : "false", f);
            else if (cols[c]->type == KL_METRIC_INT)
                fprintf(f, "%u", (uint32_t)x);
            else
                kl_i_csv_real(f, x);
        }
        fputs("\r\n", f);
        if (ferror(f))
            return -1;
    }
    return ferror(f) ? -1 : 0;
}
