/* writers/md_parts.c - the Markdown pieces that `kluster analyze`,
 * `bridges` and `whatif` share: actors and regions by name, rows of actor
 * tables, the sentences around a top-N table, and the region pairs in words,
 * bounded however many regions there are (report.h's limits). */
#include "writers_internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* "Östergötlands län (SE123)" */
void kl_i_md_region(FILE *f, const kl_dataset_t *ds, uint32_t r)
{
    const kl_region_t *rg = &ds->regions[r];
    kl_i_md_text(f, rg->name ? rg->name : rg->id);
    if (rg->name && strcmp(rg->name, rg->id) != 0) {
        fputs(" (", f);
        kl_i_md_text(f, rg->id);
        fputc(')', f);
    }
}

char *kl_i_md_text_str(const char *s)
{
    kl_i_piece_t piece;
    FILE *p = kl_i_piece_open(&piece);
    if (p)
        kl_i_md_text(p, s);
    return kl_i_piece_close(&piece);
}

char *kl_i_md_region_str(const kl_dataset_t *ds, uint32_t r)
{
    kl_i_piece_t piece;
    FILE *p = kl_i_piece_open(&piece);
    if (p)
        kl_i_md_region(p, ds, r);
    return kl_i_piece_close(&piece);
}

static void md_actor(FILE *f, const kl_dataset_t *ds, const kl_agraph_t *g, uint32_t v)
{
    fputs("**", f);
    kl_i_md_text(f, ds->entities[g->vertex_entity[v]].name);
    fputs("**", f);
}

const char *kl_i_list_and(void)
{
    /* TRANSLATORS: joins the last two names of a list: "A, B and C" (spaces included) */
    return _(" and ");
}

/* "A", "A and B", "A, B and C" */
void kl_i_md_actor_list(FILE *f, const kl_dataset_t *ds, const kl_agraph_t *g, const uint32_t *vs, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        if (i)
            fputs(i + 1 == n ? kl_i_list_and() : ", ", f);
        md_actor(f, ds, g, vs[i]);
    }
}

void kl_i_md_actor_head(FILE *f)
{
    fprintf(f, "| # | %s | %s | %s |", _("actor"), _("kind"), _("region"));
}

/* One row of an actor table: "| 3 | name | kind | region | " */
void kl_i_md_actor_row_start(FILE *f, const kl_dataset_t *ds, const kl_agraph_t *g, uint32_t rank, uint32_t v,
                               int region_with_id)
{
    const kl_entity_t *e = &ds->entities[g->vertex_entity[v]];
    fprintf(f, "| %u | ", rank);
    kl_i_md_text(f, e->name);
    fprintf(f, " | %s | ", kl_i_kind_label(e->kind));
    if (g->vertex_region[v] < 0)
        fputs("–", f);
    else if (region_with_id)
        kl_i_md_region(f, ds, (uint32_t)g->vertex_region[v]);
    else
        kl_i_md_text(f, ds->regions[g->vertex_region[v]].name);
    fputs(" | ", f);
}

/* The sentence before a top table (or instead of it) and the one after. */
void kl_i_md_top_note(FILE *f, const kl_top_plan_t *plan, const char *key, const char *first,
                        const char *has_one, const char *have_many)
{
    char note[400];
    kl_top_note(note, sizeof note, plan, key, first, has_one, have_many);
    /* a blank line before the table that follows, none before the next heading */
    if (note[0])
        fprintf(f, plan->rows ? "%s\n\n" : "%s\n", note);
}

void kl_i_md_top_tail(FILE *f, const kl_top_plan_t *plan, const char *last)
{
    char note[200];
    kl_top_tail(note, sizeof note, plan, last);
    if (note[0])
        fprintf(f, "\n%s\n", note);
}

int kl_i_pair_shown(const uint8_t *shown, uint32_t p)
{
    return !shown || shown[p];
}

static void md_region_pair(FILE *f, const kl_dataset_t *ds, const kl_region_pair_t *pr)
{
    kl_i_md_region(f, ds, pr->a);
    fputs(" – ", f);
    kl_i_md_region(f, ds, pr->b);
}

const char *kl_i_list_more(void)
{
    /* TRANSLATORS: ends a list of names that goes on: "A, B, C, D, E and 3 more" (leading space included) */
    return _(" and %u more");
}

/* "A, B and C", "A, B, C, D, E and 3 more" */
static void md_cut_names(FILE *f, const kl_dataset_t *ds, const kl_agraph_t *g, const kl_region_pair_t *pr,
                         int bold)
{
    uint32_t named = pr->n_cut <= KL_REPORT_CUT_NAMES ? pr->n_cut : KL_REPORT_CUT_NAMES;
    for (uint32_t i = 0; i < named; i++) {
        if (i)
            fputs(i + 1 == named && named == pr->n_cut ? kl_i_list_and() : ", ", f);
        if (bold)
            md_actor(f, ds, g, pr->cut[i]);
        else
            kl_i_md_text(f, ds->entities[g->vertex_entity[pr->cut[i]]].name);
    }
    if (named < pr->n_cut)
        fprintf(f, kl_i_list_more(), pr->n_cut - named);
}

static void md_brokers_cell(FILE *f, const kl_dataset_t *ds, const kl_agraph_t *g, const kl_region_pair_t *pr)
{
    if (!pr->has_brokers) {
        /* TRANSLATORS: a region pair's brokers, in a table cell: left out for lack of time */
        fputs(_("not computed"), f);
        return;
    }
    if (pr->n_brokers == 0) {
        /* TRANSLATORS: a region pair's brokers, in a table cell */
        fputs(_("none: every shortest path is a direct tie"), f);
        return;
    }
    for (uint32_t i = 0; i < pr->n_brokers; i++) {
        if (i)
            fputs(", ", f);
        kl_i_md_text(f, ds->entities[g->vertex_entity[pr->brokers[i].vertex]].name);
        fputs(" (", f);
        kl_i_md_pct(f, pr->brokers[i].share);
        fputs(")", f);
    }
}

/* The top table: the connected pairs with most links, with their brokers. */
static void md_top_pairs(FILE *f, const kl_dataset_t *ds, const kl_agraph_t *g, const kl_regions_t *rg,
                         const uint32_t *by_links, uint32_t rows)
{
    fputs(kl_i_pairs_legend(), f);
    fprintf(f, "\n\n| # | %s | %s | %s | %s | %s |\n|---:|---|---:|---:|---|---|\n", _("region pair"), _("links"),
            _("distance"), _("main brokers (share)"), _("cut actors"));
    for (uint32_t i = 0; i < rows; i++) {
        const kl_region_pair_t *pr = &rg->pairs[by_links[i]];
        fprintf(f, "| %u | ", i + 1);
        md_region_pair(f, ds, pr);
        fputs(" | ", f);
        kl_i_md_count(f, pr->links);
        fputs(" | ", f);
        kl_i_md_real(f, pr->distance);
        fputs(" | ", f);
        md_brokers_cell(f, ds, g, pr);
        fputs(" | ", f);
        md_cut_names(f, ds, g, pr, 0);
        fputs(" |\n", f);
    }
}

/* One fragile pair in a sentence: its regions, the actors every connection
 * runs through, its links.  0, or -1 when out of memory. */
static int md_fragile_pair(FILE *f, const kl_dataset_t *ds, const kl_agraph_t *g, const kl_region_pair_t *pr)
{
    char *a = kl_i_md_region_str(ds, pr->a), *b = kl_i_md_region_str(ds, pr->b), *cut, links[40];
    kl_i_piece_t piece;
    FILE *p = kl_i_piece_open(&piece);
    if (p)
        md_cut_names(p, ds, g, pr, 1);
    cut = kl_i_piece_close(&piece);
    if (!a || !b || !cut) {
        free(a);
        free(b);
        free(cut);
        errno = ENOMEM;
        return -1;
    }
    kl_i_md_count_text(pr->links, links, sizeof links);
    unsigned long n = kl_i_plural(pr->links);
    fputs("- ", f);
    if (pr->n_cut == 1)
        /* TRANSLATORS: region, region, the one actor, number of links */
        fprintf(f, kl_trn("Every connection between %s and %s runs through %s: removing it disconnects the two "
                          "regions (%s link).",
                          "Every connection between %s and %s runs through %s: removing it disconnects the two "
                          "regions (%s links).",
                          n),
                a, b, cut, links);
    else
        /* TRANSLATORS: region, region, the actors ("A, B and C"), number of links */
        fprintf(f, kl_trn("Every connection between %s and %s runs through %s: removing any one of them "
                          "disconnects the two regions (%s link).",
                          "Every connection between %s and %s runs through %s: removing any one of them "
                          "disconnects the two regions (%s links).",
                          n),
                a, b, cut, links);
    fputc('\n', f);
    free(a);
    free(b);
    free(cut);
    return 0;
}

static int md_fragile_pairs(FILE *f, const kl_dataset_t *ds, const kl_agraph_t *g, const kl_regions_t *rg,
                            const uint32_t *by_links, uint32_t n_conn, uint32_t n_fragile)
{
    fprintf(f, "\n### %s\n\n", _("Fragile region pairs"));
    if (n_fragile == 0) {
        fputs(_("No region pair hangs on a single actor: removing any one actor leaves every connected pair of "
                "regions connected."),
              f);
        fputc('\n', f);
        return 0;
    }
    if (n_fragile > KL_REPORT_LIST_ROWS)
        fprintf(f, _("%u region pairs lose every connection if one actor leaves; the %u with most links:"), n_fragile,
                KL_REPORT_LIST_ROWS);
    else
        fprintf(f, kl_trn("%u region pair loses every connection if one actor leaves:",
                          "%u region pairs lose every connection if one actor leaves:", n_fragile),
                n_fragile);
    fputs("\n\n", f);
    uint32_t said = 0;
    for (uint32_t i = 0; i < n_conn && said < KL_REPORT_LIST_ROWS; i++) {
        const kl_region_pair_t *pr = &rg->pairs[by_links[i]];
        if (!pr->n_cut)
            continue;
        said++;
        if (md_fragile_pair(f, ds, g, pr) != 0)
            return -1;
    }
    return 0;
}

/* "- No actor connects A and B." (b < 0: "... connects A with any other
 * region."); 0, or -1 when out of memory. */
static int md_not_connected(FILE *f, const kl_dataset_t *ds, uint32_t a, int64_t b)
{
    char *na = kl_i_md_region_str(ds, a), *nb = b >= 0 ? kl_i_md_region_str(ds, (uint32_t)b) : NULL;
    if (!na || (b >= 0 && !nb)) {
        free(na);
        free(nb);
        errno = ENOMEM;
        return -1;
    }
    fputs("- ", f);
    if (b >= 0)
        fprintf(f, _("No actor connects %s and %s."), na, nb);
    else
        fprintf(f, _("No actor connects %s with any other region."), na);
    fputc('\n', f);
    free(na);
    free(nb);
    return 0;
}

/* Regions with actors that no path joins to any other region of the report,
 * then the other unconnected pairs, both bounded. */
static int md_unconnected(FILE *f, const kl_dataset_t *ds, const kl_regions_t *rg, const uint8_t *shown,
                          uint32_t n_unconn)
{
    if (n_unconn == 0)
        return 0;
    /* per region: shown pairs and connected ones, in O(P) */
    uint32_t *pairs = calloc((size_t)ds->n_regions + 1, sizeof *pairs);
    uint32_t *conn = calloc((size_t)ds->n_regions + 1, sizeof *conn);
    int rc = -1;
    if (!pairs || !conn) {
        errno = ENOMEM;
        goto done;
    }
    for (uint32_t p = 0; p < rg->n_pairs; p++) {
        const kl_region_pair_t *pr = &rg->pairs[p];
        if (!kl_i_pair_shown(shown, p))
            continue;
        pairs[pr->a]++, pairs[pr->b]++;
        conn[pr->a] += pr->connected != 0, conn[pr->b] += pr->connected != 0;
    }
    fprintf(f, "\n### %s\n\n", _("Not connected"));
    uint32_t alone = 0, listed = 0;
    for (uint32_t i = 0; i < rg->n_regions; i++) {
        uint32_t r = rg->regions[i].region;
        if (!rg->regions[i].actors || pairs[r] < 2 || conn[r])
            continue;
        if (alone++ < KL_REPORT_LIST_ROWS && md_not_connected(f, ds, r, -1) != 0)
            goto done;
    }
    if (alone > KL_REPORT_LIST_ROWS) {
        fputs("- ", f);
        fprintf(f, _("And %u more regions that no actor connects with any other region."),
                alone - KL_REPORT_LIST_ROWS);
        fputc('\n', f);
    }
    uint32_t rest = 0;
    for (uint32_t p = 0; p < rg->n_pairs; p++) {
        const kl_region_pair_t *pr = &rg->pairs[p];
        /* pairs already said by the sentences on whole regions */
        int said = (pairs[pr->a] > 1 && !conn[pr->a]) || (pairs[pr->b] > 1 && !conn[pr->b]);
        if (!kl_i_pair_shown(shown, p) || pr->connected || said)
            continue;
        if (listed++ >= KL_REPORT_LIST_ROWS) {
            rest++;
            continue;
        }
        if (md_not_connected(f, ds, pr->a, pr->b) != 0)
            goto done;
    }
    if (rest) {
        fputs("- ", f);
        fprintf(f, _("And %u more region pairs that no actor connects."), rest);
        fputc('\n', f);
    }
    rc = ferror(f) ? -1 : 0;
done:
    free(pairs);
    free(conn);
    return rc;
}

/* The region pairs for a reader, bounded whatever the number of regions: a
 * summary line, the pairs with most links and their brokers, the fragile
 * pairs, the pairs nothing connects, and where the rest is (all_pairs).
 * shown: the pairs of the report, or NULL for all.  Returns 0, or -1 with
 * errno set. */
int kl_i_md_region_pairs(FILE *f, const kl_dataset_t *ds, const kl_agraph_t *g, const kl_regions_t *rg,
                         const uint8_t *shown, const char *all_pairs, const char *more_brokers)
{
    kl_pair_counts_t c;
    kl_region_pairs_count(rg, shown, &c);
    fprintf(f, "**%s** ", _("Summary:"));
    if (shown)
        fprintf(f, _("%u regions have actors; %u region pairs among the regions asked for: %u connected, %u not "
                     "connected, %u fragile (every connection runs through one actor)."),
                c.regions_with_actors, c.pairs, c.connected, c.pairs - c.connected, c.fragile);
    else
        fprintf(f, _("%u regions have actors; %u region pairs: %u connected, %u not connected, %u fragile (every "
                     "connection runs through one actor)."),
                c.regions_with_actors, c.pairs, c.connected, c.pairs - c.connected, c.fragile);
    fputs("\n\n", f);
    if (c.pairs == 0)
        return ferror(f) ? -1 : 0;
    uint32_t *by_links = malloc(((size_t)rg->n_pairs + 1) * sizeof *by_links);
    if (!by_links) {
        errno = ENOMEM;
        return -1;
    }
    uint32_t n_conn = kl_region_pairs_by_links(rg, shown, by_links);
    uint32_t rows = n_conn < KL_REPORT_PAIR_ROWS ? n_conn : KL_REPORT_PAIR_ROWS;
    if (n_conn == 0) {
        fputs(_("No two regions are connected: every path between actors stays inside one region."), f);
        fputc('\n', f);
    } else {
        fputs("### ", f);
        if (rows < n_conn)
            fprintf(f, _("The %u region pairs with most links"), rows);
        else
            fputs(_("Connected region pairs, most links first"), f);
        fputs("\n\n", f);
        md_top_pairs(f, ds, g, rg, by_links, rows);
        uint32_t without = 0;
        for (uint32_t i = 0; i < rows; i++)
            without += !rg->pairs[by_links[i]].has_brokers;
        if (without)
            fprintf(f, "\n%s\n", more_brokers);
    }
    int rc = md_fragile_pairs(f, ds, g, rg, by_links, n_conn, c.fragile);
    free(by_links);
    if (rc != 0 || md_unconnected(f, ds, rg, shown, c.pairs - c.connected) != 0)
        return -1;
    fputc('\n', f);
    fputs(all_pairs, f);
    if (rows < n_conn) {
        fputs("  ", f);
        fprintf(f, _("The table above shows the %u of %u connected pairs with most links."), rows, n_conn);
    }
    fputs("\n", f);
    return ferror(f) ? -1 : 0;
}

void kl_i_md_regions_table(FILE *f, const kl_dataset_t *ds, const kl_regions_t *rg)
{
    fprintf(f, "| %s | %s | %s | %s | %s | %s |\n|---|---:|---:|---:|---:|---:|\n", _("region"), _("actors"),
            _("internal ties"), _("ties to other regions"), _("ties to regionless actors"), _("E-I index"));
    for (uint32_t i = 0; i < rg->n_regions; i++) {
        const kl_region_info_t *ri = &rg->regions[i];
        fputs("| ", f);
        kl_i_md_region(f, ds, ri->region);
        fprintf(f, " | %u | %u | %u | %u | ", ri->actors, ri->internal_ties, ri->external_ties, ri->regionless_ties);
        kl_i_md_real(f, ri->ei_index);
        fputs(" |\n", f);
    }
}

/* The warning of docs/metrics.md graph.dominant_actor, with the remedy;
 * 0, or -1 when out of memory. */
int kl_i_md_dominant(FILE *f, const kl_dataset_t *ds, const kl_agraph_t *g, int32_t v, double share)
{
    if (v < 0)
        return 0;
    char *name, pct[40];
    kl_i_piece_t piece;
    FILE *p = kl_i_piece_open(&piece);
    if (p)
        md_actor(p, ds, g, (uint32_t)v);
    if (!(name = kl_i_piece_close(&piece)))
        return -1;
    fprintf(f, "> **%s** ", _("One actor dominates the paths between regions."));
    /* TRANSLATORS: the actor, its share ("59.5%"); "irb share" is the name of a metric */
    fprintf(f, _("%s lies on %s of all shortest paths between actors of different regions (irb share > 0.5)."), name,
            kl_i_md_pct_text(share, pct, sizeof pct));
    free(name);
    if (g->options.mode == KL_MODE_FULL) {
        fputc(' ', f);
        fprintf(f, _("In the full graph an actor tied to many others (a funder, a programme, a project with many "
                     "partners) links everyone it touches; %s shows how the organisations themselves connect."),
                "`--mode organisations`");
    }
    fputs("\n\n", f);
    return 0;
}
