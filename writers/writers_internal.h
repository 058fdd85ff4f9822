/* writers/writers_internal.h - what the files of writers/ share and no
 * other folder uses: the bounds and ranking rules of the reports (report.c),
 * the cells of CSV and Markdown (escape.c), the JSON pieces (json_parts.c),
 * the Markdown pieces (md_parts.c), the pieces of the reports over time
 * (trend.c) and the temporary-file hooks (atomic.c). */
#ifndef KL_WRITERS_INTERNAL_H
#define KL_WRITERS_INTERNAL_H

#include "writers.h"

#include "../i18n/i18n.h"

#include <jansson.h>

/* ------------------------------------------- what the reports list and rank */

/* Reports (Markdown and HTML) list at most this many region pairs in their
 * top table, and this many fragile and unconnected pairs: 169 countries make
 * 14,196 pairs, and every one of them is in the JSON and CSV output. */
#define KL_REPORT_PAIR_ROWS 100
#define KL_REPORT_LIST_ROWS 30
/* cut actors named per pair; the rest are counted */
#define KL_REPORT_CUT_NAMES 5

/* What the columns of a report's region-pair table mean (plain text, in
 * the output language). */
const char *kl_i_pairs_legend(void);

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
 * actor_pairs, then ids: the order in which docs/metrics.md picks the pairs
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

/* The actors with key > 0 into idx (g->n entries), by key descending then
 * id; returns how many.  kl_i_top_actors: at most top of them.  O(n log n). */
uint32_t kl_i_ranked_actors(const kl_dataset_t *ds, const kl_agraph_t *g, const double *key, uint32_t *idx);
uint32_t kl_i_top_actors(const kl_dataset_t *ds, const kl_agraph_t *g, const double *key, uint32_t top,
                         uint32_t *idx);

/* ------------------------------------------------------------ small things */

static inline const char *kl_i_mode_name(kl_mode m)
{
    return m == KL_MODE_ORGANISATIONS ? "organisations" : "full";
}

static inline const char *kl_i_vertex_id(const kl_agraph_t *g, const kl_dataset_t *ds, uint32_t v)
{
    return ds->entities[g->vertex_entity[v]].id;
}

static inline const kl_entity_t *kl_i_entity(const kl_report_t *r, uint32_t v)
{
    return &r->ds->entities[r->g->vertex_entity[v]];
}

/* 1 when pair p is one of the report's (shown NULL: all are). */
int kl_i_pair_shown(const uint8_t *shown, uint32_t p);

/* The metrics of a report: its results, with the two brokerage readings
 * only when it has both (the JSON and CSV outputs write them together). */
void kl_i_metric_source(kl_metric_source_t *s, const kl_report_t *r);

/* -------------------------------------------------------------- languages */

/* The reports speak the language of kl_lang_get() (i18n/i18n.h): every
 * sentence is one msgid with its numbers and names as printf conversions,
 * so a translation may place them where its language wants them. */

/* A kind of actor as a report names it ("organisation", in Swedish
 * "organisation", "projekt"); JSON and CSV keep kl_kind_name.  Can't fail. */
const char *kl_i_kind_label(kl_kind kind);
/* The same for a kind's name as an analysis file gives it (kluster diff);
 * a name that is no kind comes back as it is.  Can't fail. */
const char *kl_i_kind_name_label(const char *name);
/* A relation type between two names, as the HTML report's evidence says it
 * ("member_of", in Swedish "är medlem i"); a type that is not one of the
 * format's comes back as it is.  Can't fail. */
const char *kl_i_reltype_label(const char *type);
/* The analysis graph's mode as the reports name it: "full", "organisations"
 * in English (the --mode values), words of its own in another language. */
const char *kl_i_mode_label(kl_mode mode);

/* A piece of a sentence (a name with its escaping, a list of names) written
 * to memory, so that a translated sentence can take it as a %s:
 * kl_i_piece_open returns the stream to write the piece to (NULL when out
 * of memory; p must outlive it), kl_i_piece_close the text (caller frees),
 * or NULL when out of memory (errno ENOMEM; nothing to free). */
typedef struct {
    char *text;
    size_t len;
    FILE *f;
} kl_i_piece_t;
FILE *kl_i_piece_open(kl_i_piece_t *p);
char *kl_i_piece_close(kl_i_piece_t *p);

/* The number of a count held in a double, for kl_trn. */
unsigned long kl_i_plural(double x);

/* ------------------------------------------------------------------ cells */

/* CSV cells: text through kl_csv_escape (NULL: an empty cell), reals as
 * kl_format_real (undefined: an empty cell). */
void kl_i_csv_text(FILE *f, const char *s);
void kl_i_csv_real(FILE *f, double x);
/* Markdown cells: text through kl_md_escape; reals as %.6g ("–" when
 * undefined); counts held in a double with every digit; shares as "12.5%". */
void kl_i_md_text(FILE *f, const char *s);
void kl_i_md_real(FILE *f, double x);
void kl_i_md_count(FILE *f, double x);
void kl_i_md_pct(FILE *f, double share);
/* "%.6g" as kl_i_md_real prints it, for the sentences about a table */
const char *kl_i_md_value_text(double x, char *buf, size_t size);
/* kl_i_md_real, kl_i_md_count and kl_i_md_pct into buf, for a sentence's
 * %s; return buf. */
const char *kl_i_md_real_text(double x, char *buf, size_t size);
const char *kl_i_md_count_text(double x, char *buf, size_t size);
const char *kl_i_md_pct_text(double share, char *buf, size_t size);

/* ------------------------------------------------------------------- JSON */

#define KL_I_JSON_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(17) | JSON_ENCODE_ANY)

/* A real, or null when undefined; a string, or null for NULL. */
json_t *kl_i_jreal(double x);
json_t *kl_i_jstr(const char *s);
/* Set key to value (stolen); records an allocation failure in *ok. */
void kl_i_jset(json_t *obj, const char *key, json_t *value, int *ok);
/* graph.sampled of pair sampling: {"method":"pairs","epsilon","delta",
 * "samples"}; NULL when out of memory. */
json_t *kl_i_pairs_sampled_json(double epsilon, double delta, uint64_t samples);
/* graph.dominant_actor: {"id","irb_share"} of vertex v, or null when v < 0;
 * NULL when out of memory. */
json_t *kl_i_dominant_json(const kl_agraph_t *g, const kl_dataset_t *ds, int32_t v, const double *irb_share);
/* "YYYY-MM-DD" of a yyyymmdd date. */
void kl_i_format_date(int32_t d, char *buf, size_t size);
/* The analysis graph's narrowing: the tie types kept and the kinds
 * excluded as arrays of names, null when not narrowed; NULL when out of
 * memory. */
json_t *kl_i_ties_json(uint32_t tie_types);
json_t *kl_i_excluded_kinds_json(uint32_t exclude_kinds);
/* Dump one value compactly and release it; -1 on failure (errno set). */
int kl_i_json_dump(FILE *f, json_t *value);
/* The "dataset" object of every result: id, title, path and counts. */
json_t *kl_i_dataset_json(const kl_report_t *r);
/* ,"regions":[...],"region_pairs":[...] (the pairs marked in pair_shown, or
 * all), one object per line; 0 or -1 with errno set. */
int kl_i_write_region_arrays(FILE *f, const kl_dataset_t *ds, const kl_agraph_t *g, const kl_regions_t *rg,
                             const uint8_t *pair_shown);

/* --------------------------------------------------------------- Markdown */

/* "Östergötlands län (SE123)" */
void kl_i_md_region(FILE *f, const kl_dataset_t *ds, uint32_t r);
/* The same as a new string (caller frees), or NULL when out of memory;
 * kl_i_md_text_str: s through kl_md_escape, as a new string. */
char *kl_i_md_region_str(const kl_dataset_t *ds, uint32_t r);
char *kl_i_md_text_str(const char *s);
/* "**A**", "**A** and **B**", "**A**, **B** and **C**" */
void kl_i_md_actor_list(FILE *f, const kl_dataset_t *ds, const kl_agraph_t *g, const uint32_t *vs, uint32_t n);
/* What joins the last two names of a list (" and "), and what ends a list
 * that goes on (" and %u more", a format), in the output language. */
const char *kl_i_list_and(void);
const char *kl_i_list_more(void);
/* The head of an actor table up to the value's column: "| # | actor | kind
 * | region |", in the output language */
void kl_i_md_actor_head(FILE *f);
/* One row of an actor table up to the value: "| 3 | name | kind | region | " */
void kl_i_md_actor_row_start(FILE *f, const kl_dataset_t *ds, const kl_agraph_t *g, uint32_t rank, uint32_t v,
                             int region_with_id);
/* The sentence before a top table (or instead of it) and the one after. */
void kl_i_md_top_note(FILE *f, const kl_top_plan_t *plan, const char *key, const char *first, const char *has_one,
                      const char *have_many);
void kl_i_md_top_tail(FILE *f, const kl_top_plan_t *plan, const char *last);
/* The region pairs for a reader, bounded whatever the number of regions
 * (md_parts.c): all_pairs is the sentence that says where every pair is
 * (with their number, kl_region_pairs_count's pairs), more_brokers the one
 * that says how to get the brokers of the pairs left without; both in the
 * output language.  0 or -1 with errno set. */
int kl_i_md_region_pairs(FILE *f, const kl_dataset_t *ds, const kl_agraph_t *g, const kl_regions_t *rg,
                         const uint8_t *shown, const char *all_pairs, const char *more_brokers);
void kl_i_md_regions_table(FILE *f, const kl_dataset_t *ds, const kl_regions_t *rg);
/* The warning of docs/metrics.md graph.dominant_actor (v < 0: nothing);
 * 0, or -1 when out of memory (errno set). */
int kl_i_md_dominant(FILE *f, const kl_dataset_t *ds, const kl_agraph_t *g, int32_t v, double share);

/* ------------------------------------------------------------- over time */

/* What `kluster trend`'s Markdown and the batch report's "Over time"
 * section (Markdown in trend.c, HTML in html.c) share, so that both read a
 * kl_trend_t one way. */

/* "2016", "2014-2016" for whole years, else "2014-03-01..2016-06-30". */
void kl_i_trend_period_label(const kl_trend_period_t *P, char *buf, size_t size);
/* Every period's label (t->n_periods of them; caller frees), or NULL with
 * errno ENOMEM. */
char (*kl_i_trend_labels(const kl_trend_t *t))[64];

/* What a move says: entered the top, left it, rose, fell or stayed. */
typedef enum { KL_I_MOVE_ENTERED = 0, KL_I_MOVE_LEFT, KL_I_MOVE_ROSE, KL_I_MOVE_FELL, KL_I_MOVE_SAME } kl_i_move_kind;
kl_i_move_kind kl_i_trend_move_kind(const kl_trend_move_t *m);
/* 1 when the period's top brokers moved or a region pair became connected,
 * disconnected, fragile or not fragile since the period before. */
int kl_i_trend_changed(const kl_trend_period_t *P);
/* The position (0-based) of entity in P's top brokers, or UINT32_MAX.
 * O(top). */
uint32_t kl_i_trend_top_index(const kl_trend_period_t *P, uint32_t entity);

/* The brokers of every period's top, once each: by their best rank, then
 * the period they first appear in, then id.  A new array (caller frees) and
 * its length in *n, or NULL with errno ENOMEM.  O(B log B + entities). */
typedef struct {
    uint32_t entity, best, first; /* best rank (1-based); first period index */
    int32_t region;
} kl_i_trend_broker_t;
kl_i_trend_broker_t *kl_i_trend_brokers(const kl_trend_t *t, uint32_t *n);

/* The rows of the periods side by side in the batch report: a label, the
 * period's count at offset (a uint32_t of kl_trend_period_t, the number
 * trend.json gives), and whether it is "N of <region pairs>".  Ends with a
 * NULL label. */
typedef struct {
    const char *label;
    size_t offset;
    int of_pairs;
} kl_i_trend_row_t;
extern const kl_i_trend_row_t kl_i_trend_rows[];
uint32_t kl_i_trend_row_value(const kl_i_trend_row_t *row, const kl_trend_period_t *P);

/* How the lists of what changed are written: before and after each list
 * ("- " and ".\n" in Markdown), an actor's and a region's name, and where
 * the pairs a list leaves out are (already in the format). */
typedef struct {
    const char *item, *end;
    void (*entity)(FILE *f, const kl_dataset_t *ds, uint32_t e);
    void (*region)(FILE *f, const kl_dataset_t *ds, uint32_t r);
    const char *more;
} kl_i_trend_style_t;
/* What changed in P since the period before, one list each: brokers that
 * entered the top, left it, rose, fell; region pairs connected, no longer
 * connected, fragile, no longer fragile (at most t->top each, then "and N
 * more").  Empty lists are left out.  0, or -1 when out of memory (errno
 * ENOMEM; write errors stay in f). */
int kl_i_trend_changes(FILE *f, const kl_trend_t *t, const kl_trend_period_t *P, const kl_i_trend_style_t *st);

/* The explorer's script and style (writers/explorer/explorer.js, .css),
 * NUL-terminated; explorer_assets.c. */
extern const char kl_i_explorer_js[], kl_i_explorer_css[];

#endif
