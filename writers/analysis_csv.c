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
    fputs("id,name,kind,region,degree,strength,betweenness,", f);
    if (a->betweenness_se)
        fputs("betweenness_se,", f);
    fputs("harmonic,eigenvector,pagerank,coreness,constraint,effective_size,articulation,component,"
          "community,irb,irb_share",
          f);
    if (r->regions)
        fputs(",regions_reached,participation_region,participation_community,ei_index", f);
    if (r->brokerage && r->brokerage_u)
        fputs(",brokerage_coordinator,brokerage_itinerant,brokerage_representative,brokerage_gatekeeper,"
              "brokerage_liaison,brokerage_total,brokerage_undirected_coordinator,brokerage_undirected_itinerant,"
              "brokerage_undirected_representative_gatekeeper,brokerage_undirected_liaison,"
              "brokerage_undirected_total",
              f);
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
        fprintf(f, ",%u,", a->degree[v]);
        kl_i_csv_real(f, a->strength[v]);
        fputc(',', f);
        kl_i_csv_real(f, a->betweenness[v]);
        fputc(',', f);
        if (a->betweenness_se) {
            kl_i_csv_real(f, a->betweenness_se[v]);
            fputc(',', f);
        }
        kl_i_csv_real(f, a->harmonic[v]);
        fputc(',', f);
        kl_i_csv_real(f, a->eigenvector[v]);
        fputc(',', f);
        kl_i_csv_real(f, a->pagerank[v]);
        fprintf(f, ",%u,", a->coreness[v]);
        kl_i_csv_real(f, a->constraint[v]);
        fputc(',', f);
        kl_i_csv_real(f, a->effective_size[v]);
        fprintf(f, ",%s,%u,%u,", a->articulation[v] ? "true" : "false", a->component[v], a->community[v]);
        kl_i_csv_real(f, a->irb[v]);
        fputc(',', f);
        kl_i_csv_real(f, a->irb_share[v]);
        if (r->regions) {
            fprintf(f, ",%u,", r->regions->regions_reached[v]);
            kl_i_csv_real(f, r->regions->participation_region[v]);
            fputc(',', f);
            kl_i_csv_real(f, r->regions->participation_community[v]);
            fputc(',', f);
            kl_i_csv_real(f, r->regions->ei_index[v]);
        }
        if (r->brokerage && r->brokerage_u) {
            /* empty cells for actors outside the subgraph (JSON null) */
            int in = r->brokerage->in_subgraph[v];
            const kl_brokerage_roles_t *x = &r->brokerage->count[v], *y = &r->brokerage_u->count[v];
            double vals[11] = {x->coordinator, x->itinerant, x->representative, x->gatekeeper, x->liaison, x->total,
                               y->coordinator, y->itinerant, y->representative, y->liaison, y->total};
            for (int k = 0; k < 11; k++) {
                fputc(',', f);
                if (in)
                    kl_i_csv_real(f, vals[k]);
            }
        }
        fputs("\r\n", f);
        if (ferror(f))
            return -1;
    }
    return ferror(f) ? -1 : 0;
}
