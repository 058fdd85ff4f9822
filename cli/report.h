/* cli/report.h - what the Markdown and HTML reports list and rank: bounds
 * that keep a report short however many regions there are, the summary
 * counts of region pairs, the pairs in links order, and what a top-N table
 * of actors may honestly show (no zero rows, no arbitrary choice among ties). */
#ifndef KL_CLI_REPORT_H
#define KL_CLI_REPORT_H

#include "../analysis/analysis.h"

#include <stddef.h>
#include <stdint.h>

/* Reports (Markdown and HTML) list at most this many region pairs in their
 * top table, and this many fragile and unconnected pairs: 169 countries make
 * 14,196 pairs, and every one of them is in the JSON and CSV output. */
#define KL_REPORT_PAIR_ROWS 100
#define KL_REPORT_LIST_ROWS 30
/* cut actors named per pair; the rest are counted */
#define KL_REPORT_CUT_NAMES 5

/* What the columns of a report's region-pair table mean (plain text). */
extern const char kl_pairs_legend[];

/* Counts for a report's summary line: regions with actors, and of the
 * region pairs (those marked in shown, or all when shown is NULL) how many
 * are connected and how many fragile.  rg may be NULL (all zero).  O(R + P).
 * Can't fail. */
typedef struct {
    uint32_t regions_with_actors, pairs, connected, fragile;
} kl_pair_counts_t;
void kl_region_pairs_count(const kl_regions_t *rg, const uint8_t *shown, kl_pair_counts_t *c);

/* The connected region pairs of rg (those marked in shown, or all) into idx
 * (rg->n_pairs entries, caller-allocated), most links first, then more
 * actor_pairs, then ids: the order in which DEFINITIONS.md picks the pairs
 * that get brokers, so the pairs with brokers come first.  Returns how many.
 * O(P log P).  Can't fail. */
uint32_t kl_region_pairs_by_links(const kl_regions_t *rg, const uint8_t *shown, uint32_t *idx);

/* What a top-N table of actors may honestly show.  idx holds the `ranked`
 * actors that have a value (descending tables leave zeros out: a zero ranks
 * nobody), best first; n_all is the number of actors.  rows is 0 when the
 * first value is shared by more actors than the table has rows (any choice
 * among them would be arbitrary) or by every actor; tied_after counts the
 * actors left out that tie with the last row.  O(ranked).  Can't fail. */
typedef struct {
    uint32_t rows, ranked, n_all, tied_top, tied_after;
} kl_top_plan_t;
void kl_top_plan(kl_top_plan_t *t, const double *value, const uint32_t *idx, uint32_t ranked, uint32_t n_all,
                 uint32_t top);

/* The sentence that goes with a plan, in plain text ("" when the table
 * speaks for itself): "All 40 actors have coreness 1.", "Only 6 actors lie
 * between regions.", "15 actors share the highest coreness, 2: no ranking
 * among them."  key names the metric, first is the first value as printed,
 * has_one/have_many say what a non-zero value means ("lies between regions",
 * "lie between regions").  kl_top_tail: "3 more actors tie with the last row
 * at 0.5." or "".  snprintf-like: return the full length.  Can't fail. */
size_t kl_top_note(char *buf, size_t size, const kl_top_plan_t *t, const char *key, const char *first,
                   const char *has_one, const char *have_many);
size_t kl_top_tail(char *buf, size_t size, const kl_top_plan_t *t, const char *last);

#endif
