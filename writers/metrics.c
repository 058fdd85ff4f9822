/* writers/metrics.c - the per-actor metrics, each declared once: its key,
 * type, description, where its value comes from, and what each format needs
 * (the Markdown and HTML top tables, the export attributes).  The JSON
 * actors[], the CSV columns, the reports' top-N tables and the attributes of
 * `kluster export --metrics` are all generated from this table, in its
 * order. */
#include "writers_internal.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

/* Every array of kl_analysis_t may be missing (NULL) in a partial result. */
#define FROM_ANALYSIS(field)                                                              \
    static double get_##field(const kl_metric_source_t *s, uint32_t v, int layer)        \
    {                                                                                     \
        (void)layer;                                                                      \
        return s->res->field ? (double)s->res->field[v] : NAN;                            \
    }
#define FROM_REGIONS(field)                                                               \
    static double get_##field(const kl_metric_source_t *s, uint32_t v, int layer)        \
    {                                                                                     \
        (void)layer;                                                                      \
        return (double)s->regions->field[v];                                              \
    }

FROM_ANALYSIS(degree)
FROM_ANALYSIS(strength)
FROM_ANALYSIS(betweenness)
FROM_ANALYSIS(betweenness_se)
FROM_ANALYSIS(harmonic)
FROM_ANALYSIS(eigenvector)
FROM_ANALYSIS(pagerank)
FROM_ANALYSIS(coreness)
FROM_ANALYSIS(constraint)
FROM_ANALYSIS(effective_size)
FROM_ANALYSIS(articulation)
FROM_ANALYSIS(component)
FROM_ANALYSIS(community)
FROM_ANALYSIS(irb)
FROM_ANALYSIS(irb_share)
FROM_REGIONS(regions_reached)
FROM_REGIONS(participation_region)
FROM_REGIONS(participation_community)
FROM_REGIONS(ei_index)

/* One role of one brokerage reading: undefined outside the subgraph of
 * actors with a region, whatever the layer. */
static double role(const kl_brokerage_t *b, uint32_t v, int layer, size_t offset)
{
    if (!b->in_subgraph[v])
        return NAN;
    const kl_brokerage_roles_t *r = layer == KL_METRIC_Z ? &b->z[v]
                                    : layer == KL_METRIC_EXPECTED ? &b->expected[v]
                                                                  : &b->count[v];
    return *(const double *)((const char *)r + offset);
}

#define ROLE(reading, field)                                                              \
    static double get_##reading##_##field(const kl_metric_source_t *s, uint32_t v, int layer) \
    {                                                                                     \
        return role(s->reading, v, layer, offsetof(kl_brokerage_roles_t, field));         \
    }

ROLE(brokerage, coordinator)
ROLE(brokerage, itinerant)
ROLE(brokerage, representative)
ROLE(brokerage, gatekeeper)
ROLE(brokerage, liaison)
ROLE(brokerage, total)
ROLE(brokerage_u, coordinator)
ROLE(brokerage_u, itinerant)
ROLE(brokerage_u, representative)
ROLE(brokerage_u, liaison)
ROLE(brokerage_u, total)

static int with_analysis(const kl_metric_source_t *s)
{
    return s->res != NULL;
}

static int with_samples(const kl_metric_source_t *s)
{
    return s->res && s->res->betweenness_se;
}

static int with_regions(const kl_metric_source_t *s)
{
    return s->regions != NULL;
}

static int with_brokerage(const kl_metric_source_t *s)
{
    return s->brokerage != NULL;
}

static int with_brokerage_u(const kl_metric_source_t *s)
{
    return s->brokerage_u != NULL;
}

#define INT KL_METRIC_INT
#define REAL KL_METRIC_REAL
#define BOOL KL_METRIC_BOOL
#define ROLE_ KL_METRIC_ROLE
#define EXPORT KL_METRIC_EXPORT
#define SHARE KL_METRIC_SHARE
#define CROSS KL_METRIC_CROSS
/* the non-zero value of a metric whose zero means "no tie" */
/* TRANSLATORS: what a non-zero degree (or strength, coreness, constraint) says of an actor, in "No actor
 * has a tie." and "Only 3 actors have a tie." */
#define A_TIE N_("has a tie"), N_("have a tie")
/* a brokerage role: no top table */
#define NO_TABLE 0, 0, 0, NULL, NULL, NULL, NULL, NULL

const kl_metric_t kl_actor_metrics[] = {
    /* key, type, description, value, available, group, flags,
     * md_order, html_order, ascending, md_title, html_title, phrase, has_one, have_many */
    {"degree", INT, N_("number of ties"), get_degree, with_analysis, NULL, EXPORT,
     1, 3, 0, N_("degree (ties)"), N_("Degree"), N_("degree"), A_TIE},
    {"strength", REAL, N_("sum of tie weights"), get_strength, with_analysis, NULL, EXPORT,
     2, 0, 0, N_("strength (summed tie weights)"), NULL, NULL, A_TIE},
    {"betweenness", REAL, N_("shortest paths through the actor (all pairs)"), get_betweenness, with_analysis, NULL,
     EXPORT, 3, 2, 0, N_("betweenness"), N_("Betweenness"), N_("betweenness"),
     N_("lies on a shortest path between two others"), N_("lie on a shortest path between two others")},
    {"betweenness_se", REAL, N_("standard error of the sampled betweenness (--samples)"), get_betweenness_se,
     with_samples, NULL, EXPORT, NO_TABLE},
    {"harmonic", REAL, N_("sum of 1/distance to every other actor"), get_harmonic, with_analysis, NULL, EXPORT,
     4, 6, 0, N_("harmonic closeness"), N_("Harmonic closeness"), N_("harmonic closeness"),
     N_("reaches another actor"), N_("reach another actor")},
    {"eigenvector", REAL, N_("largest component; maximum 1"), get_eigenvector, with_analysis, NULL, EXPORT,
     5, 5, 0, N_("eigenvector centrality (largest component)"), N_("Eigenvector centrality"),
     N_("eigenvector centrality"), N_("has an eigenvector centrality above 0"),
     N_("have an eigenvector centrality above 0")},
    {"pagerank", REAL, N_("importance by the importance of neighbours"), get_pagerank, with_analysis, NULL, EXPORT,
     6, 4, 0, N_("PageRank"), N_("PageRank"), N_("PageRank"), N_("has a PageRank"), N_("have a PageRank")},
    {"coreness", INT, N_("k-core number"), get_coreness, with_analysis, NULL, EXPORT,
     7, 0, 0, N_("coreness (k-core)"), NULL, NULL, A_TIE},
    {"constraint", REAL, N_("brokers have low constraint"), get_constraint, with_analysis, NULL, EXPORT,
     9, 8, 1, N_("lowest constraint (Burt; brokers have low constraint)"), N_("Lowest constraint (Burt)"),
     N_("constraint"), A_TIE},
    {"effective_size", REAL, N_("non-redundant contacts"), get_effective_size, with_analysis, NULL, EXPORT,
     8, 7, 0, N_("effective size (Burt)"), N_("Effective size (Burt)"), N_("effective size"),
     N_("has a non-redundant contact"), N_("have a non-redundant contact")},
    {"articulation", BOOL, N_("removing the actor increases the number of connected components"), get_articulation,
     with_analysis, NULL, EXPORT, NO_TABLE},
    {"component", INT, N_("connected component, numbered from 0 by smallest actor id"), get_component, with_analysis,
     NULL, EXPORT, NO_TABLE},
    {"community", INT, N_("community (Leiden or Louvain), numbered from 0 by smallest actor id"), get_community,
     with_analysis, NULL, EXPORT, NO_TABLE},
    {"irb", REAL, N_("shortest paths through the actor between actors of different regions"), get_irb, with_analysis,
     NULL, EXPORT | CROSS, 10, 0, 0, N_("inter-regional betweenness"), NULL, NULL, N_("lies between regions"),
     N_("lie between regions")},
    {"irb_share", REAL, N_("share of shortest paths between actors of different regions"), get_irb_share,
     with_analysis, NULL, EXPORT | SHARE | CROSS, 0, 1, 0, NULL, N_("Inter-regional betweenness"), N_("irb share"),
     N_("lies between regions"), N_("lie between regions")},
    {"regions_reached", INT, N_("distinct regions among the actor and its neighbours"), get_regions_reached,
     with_regions, NULL, EXPORT, 0, 9, 0, NULL, N_("Regions reached"), N_("regions reached"), N_("reaches a region"),
     N_("reach a region")},
    {"participation_region", REAL, N_("how evenly the actor's ties spread over regions (1 - sum of squared shares)"),
     get_participation_region, with_regions, NULL, EXPORT, NO_TABLE},
    {"participation_community", REAL, N_("how evenly the actor's ties spread over communities"),
     get_participation_community, with_regions, NULL, EXPORT, NO_TABLE},
    {"ei_index", REAL, N_("Krackhardt's E-I index of the actor's ties to actors with a region"), get_ei_index,
     with_regions, NULL, EXPORT, NO_TABLE},
    /* Gould-Fernandez brokerage, regions as groups: JSON nests each reading's
     * roles under its group with their expected values and z-scores */
    {"brokerage_coordinator", ROLE_, N_("two-paths a → v → b within one region"), get_brokerage_coordinator,
     with_brokerage, "brokerage", 0, NO_TABLE},
    {"brokerage_itinerant", ROLE_, N_("two-paths a → v → b with a, b in one region, v in another"),
     get_brokerage_itinerant, with_brokerage, "brokerage", 0, NO_TABLE},
    {"brokerage_representative", ROLE_, N_("two-paths a → v → b with v in a's region, b in another"),
     get_brokerage_representative, with_brokerage, "brokerage", 0, NO_TABLE},
    {"brokerage_gatekeeper", ROLE_, N_("two-paths a → v → b with v in b's region, a in another"),
     get_brokerage_gatekeeper, with_brokerage, "brokerage", 0, NO_TABLE},
    {"brokerage_liaison", ROLE_, N_("two-paths a → v → b with a, v, b in three regions (Gould–Fernandez)"),
     get_brokerage_liaison, with_brokerage, "brokerage", 0, 0, 10, 0, NULL, N_("Liaison brokerage"),
     N_("liaison brokerage"), N_("is a liaison between regions"), N_("are liaisons between regions")},
    {"brokerage_total", ROLE_, N_("two-paths through the actor, all roles"), get_brokerage_total, with_brokerage,
     "brokerage", 0, NO_TABLE},
    {"brokerage_undirected_coordinator", ROLE_, N_("coordinator, every tie both ways"), get_brokerage_u_coordinator,
     with_brokerage_u, "brokerage_undirected", 0, NO_TABLE},
    {"brokerage_undirected_itinerant", ROLE_, N_("itinerant, every tie both ways"), get_brokerage_u_itinerant,
     with_brokerage_u, "brokerage_undirected", 0, NO_TABLE},
    {"brokerage_undirected_representative_gatekeeper", ROLE_,
     N_("representative and gatekeeper merged, every tie both ways"), get_brokerage_u_representative,
     with_brokerage_u, "brokerage_undirected", 0, NO_TABLE},
    {"brokerage_undirected_liaison", ROLE_, N_("liaison, every tie both ways"), get_brokerage_u_liaison,
     with_brokerage_u, "brokerage_undirected", 0, NO_TABLE},
    {"brokerage_undirected_total", ROLE_, N_("all roles, every tie both ways"), get_brokerage_u_total,
     with_brokerage_u, "brokerage_undirected", 0, NO_TABLE},
};

const size_t kl_actor_metrics_count = sizeof kl_actor_metrics / sizeof *kl_actor_metrics;

const kl_metric_t *kl_metric_top_table(int html, unsigned position)
{
    for (size_t i = 0; i < kl_actor_metrics_count; i++) {
        const kl_metric_t *m = &kl_actor_metrics[i];
        if ((html ? m->html_order : m->md_order) == position)
            return m;
    }
    return NULL;
}

const char *kl_metric_member(const kl_metric_t *m)
{
    return m->group ? m->key + strlen(m->group) + 1 : m->key;
}

void kl_i_metric_source(kl_metric_source_t *s, const kl_report_t *r)
{
    int both = r->brokerage && r->brokerage_u;
    s->res = r->res;
    s->regions = r->regions;
    s->brokerage = both ? r->brokerage : NULL;
    s->brokerage_u = both ? r->brokerage_u : NULL;
}
