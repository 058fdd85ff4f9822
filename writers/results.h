/* writers/results.h - JSON text with the settings every JSON file of kluster
 * shares, `kluster diff` on typed results (kluster-diff/1 and its Markdown
 * summary), and the status and summary files of `kluster batch`. */
#ifndef KL_WRITERS_RESULTS_H
#define KL_WRITERS_RESULTS_H

#include "../analysis/analysis.h"
#include "../cli/output.h" /* kl_report_t */
#include "../engine/graph.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---------------------------------------------------------- JSON text */

/* jansson's value type.  Only writers/ builds JSON trees; everything above
 * it hands typed results to the writers below. */
struct json_t;

typedef enum {
    /* A whole file: one space of indentation per level, keys in the order
     * they were set, a newline at the end. */
    KL_JSON_DOCUMENT = 0,
    /* A piece of a larger text: one line, no newline, any value (a bare
     * string or number too). */
    KL_JSON_COMPACT
} kl_json_style;

/* Write v (borrowed) to f.  Reals as "%.17g" (every double reads back
 * exactly), "1.0" rather than "1", exponents without '+' or leading zeros;
 * NaN and infinities never reach the text (kl_json_real gives null).
 * Returns 0, or -1 on a write error or when v is NULL (errno set: EIO,
 * or ENOMEM for a NULL v, the usual sign of a failed build). */
int kl_json_write(FILE *f, const struct json_t *v, kl_json_style style);

/* As kl_json_write, then releases v (steals it, as jansson's *_new
 * functions do): write a tree just built in one call. */
int kl_json_write_new(FILE *f, struct json_t *v, kl_json_style style);

/* The same text in a new NUL-terminated string (caller frees), or NULL when
 * out of memory or v is NULL. */
char *kl_json_text(const struct json_t *v, kl_json_style style);

/* Builders for values that may be missing: a string (copied), or null for
 * NULL; a real, or null when x is NaN or infinite.  New references; NULL
 * only when out of memory. */
struct json_t *kl_json_string(const char *s);
struct json_t *kl_json_real(double x);

/* --------------------------------------------------------- kluster diff */

#define KL_DIFF_FORMAT "kluster-diff/1"

/* One actor as an analysis lists it.  NULL strings are nulls (or, in a file,
 * members that are missing or not strings); NaN numbers likewise. */
typedef struct {
    const char *id, *name, *kind, *region; /* region: its id */
    double irb, irb_share;                 /* inter-regional betweenness, its share */
} kl_diff_actor_t;

/* One tie: its ends (actor ids, in the analysis' order) and weight. */
typedef struct {
    const char *a, *b;
    double weight;  /* NaN: null */
    int has_weight; /* 0: a file's tie without a third member (not compared) */
} kl_diff_tie_t;

/* One pair of regions: whether actors connect them, whether a single actor
 * cuts them apart (fragile), and which actors do. */
typedef struct {
    const char *a, *b; /* region ids */
    int connected, fragile;
    int has_cut;       /* 0: cut_actors is null or missing */
    const char **cut;  /* actor ids (NULL for a member that is not a string) */
    uint32_t n_cut;
} kl_diff_pair_t;

typedef struct {
    const char *id, *name;
} kl_diff_region_t;

/* One side of a comparison: what `kluster diff` needs from one analysis.
 * Arrays keep the analysis' order (actors by id, as kluster-analysis/1
 * lists them).  The side owns everything it points to. */
typedef struct {
    const char *dataset_id;  /* NULL: none */
    kl_diff_actor_t *actors;
    size_t n_actors;
    kl_diff_tie_t *ties;
    size_t n_ties;
    int has_region_pairs;    /* 0: the analysis has no region_pairs */
    kl_diff_pair_t *pairs;
    size_t n_pairs;
    kl_diff_region_t *regions;
    size_t n_regions;
    /* storage */
    struct json_t *json;     /* the file read, which holds the strings */
    struct kl_diff_chunk *chunks;
} kl_diff_side_t;

/* Fill side (caller declares it, zeroed or not) from the typed results of
 * one run: every number is the double that kluster-analysis/1 prints, so a
 * dataset compares exactly like its analysis.json.  report->regions may be
 * NULL (no region pairs then).  Copies what it keeps: the run may be
 * destroyed afterwards.  Returns KL_OK or KL_ENOMEM (side left empty).
 * O(actors + ties + pairs). */
kl_err kl_diff_side_from_report(kl_diff_side_t *side, const kl_report_t *report, kl_error_t *err);

/* Fill side from a kluster-analysis/1 file.  Errors: KL_EPARSE (the JSON
 * text, with line and column), KL_EINVAL (no 'actors' or 'ties' arrays),
 * KL_ENOMEM; side is left empty. */
kl_err kl_diff_side_read(kl_diff_side_t *side, const char *path, kl_error_t *err);

/* Free what the side holds; safe on a zeroed side and twice. */
void kl_diff_side_destroy(kl_diff_side_t *side);

/* A tie or region pair in the result: the two ids, the smaller first. */
typedef struct {
    char *a;            /* owned: a and b in one allocation */
    const char *b;
    double weight;      /* ties: the weight (reweighted: the old one) */
    double new_weight;  /* reweighted ties: the new weight */
    const kl_diff_pair_t *pair; /* newly fragile pairs: the new analysis' pair */
} kl_diff_link_t;

/* A top broker of either analysis with its rank in both. */
typedef struct {
    const char *id, *name;
    long old_rank, new_rank;     /* 1-based among actors with irb > 0; -1: none */
    double old_share, new_share; /* irb_share; NaN: absent or null */
    const char *move;            /* "new", "removed", "up", "down", "same",
                                    "now a broker", "no longer a broker", "none" */
} kl_diff_broker_t;

typedef struct {
    size_t n, cap;
    kl_diff_link_t *items;
} kl_diff_links_t;

/* What changed from old to new.  Strings borrowed from the two sides, which
 * must outlive the result (except the links' own a/b). */
typedef struct {
    const char *old_path, *new_path; /* as given on the command line (borrowed) */
    const kl_diff_side_t *old, *new_side;
    uint32_t top;
    const kl_diff_actor_t **added, **removed; /* by id */
    size_t n_added, n_removed;
    kl_diff_links_t ties_added, ties_removed, ties_reweighted; /* by ends */
    kl_diff_broker_t *brokers; /* the new top, then the old top not in it */
    size_t n_brokers;
    int region_pairs_compared; /* both analyses have region_pairs */
    kl_diff_links_t pairs_connected, pairs_disconnected, pairs_fragile, pairs_unfragile;
} kl_diff_t;

/* Compare two sides (borrowed; they must outlive d).  Actors by id, ties by
 * their two ends (weights equal within 1e-12 relative), the top brokers by
 * inter-regional betweenness (irb desc, then id; ranks only among actors
 * with irb > 0), region pairs by their two regions.  Returns KL_OK or
 * KL_ENOMEM (d left empty).  O((A + T + P) log(A + T + P)). */
kl_err kl_diff_compare(kl_diff_t *d, const kl_diff_side_t *old_side, const char *old_path,
                       const kl_diff_side_t *new_side, const char *new_path, uint32_t top);

/* Free the result; safe on a zeroed one. */
void kl_diff_destroy(kl_diff_t *d);

/* kluster-diff/1 JSON: {"format","old","new","actors_added",
 * "actors_removed","ties_added","ties_removed","ties_reweighted","top",
 * "brokers","region_pairs_compared","region_pairs_connected",...}, and the
 * Markdown summary (names from the new analysis, else the old one).  Return
 * 0, or -1 on a write error or out of memory (errno set).  They do not
 * flush or close f. */
int kl_write_diff_json(FILE *f, const kl_diff_t *d);
int kl_write_diff_md(FILE *f, const kl_diff_t *d);

/* -------------------------------------------------------- kluster batch */

#define KL_BATCH_STATUS_FORMAT "kluster-batch-status/1"
#define KL_BATCH_SUMMARY_FORMAT "kluster-batch/1"

/* What one dataset of a batch left: the status file of its folder
 * (.kluster-status.json).  All borrowed. */
typedef struct {
    const char *id, *path;  /* the dataset's id in the batch and its path */
    const char *options;    /* the options string of the batch */
    const char *error;      /* NULL: ok */
    const kl_dataset_t *ds; /* NULL: nothing loaded */
    const kl_agraph_t *g;
    const kl_analysis_t *res;     /* NULL: not analysed */
    const kl_regions_t *regions;  /* NULL: not computed */
    const char *sampling_note;    /* NULL or "": none */
    double seconds;
} kl_batch_status_info_t;

/* Write the status file: format, id, path, status, error, options; the
 * dataset's counts when loaded; its warnings (count, first five); the
 * graph's counts and top three brokers when analysed; the region pairs'
 * counts; seconds (to the millisecond); sampling_note.  Returns as
 * kl_write_json. */
int kl_write_batch_status(FILE *f, const kl_batch_status_info_t *s);

/* A status file read back (opaque). */
typedef struct kl_batch_status kl_batch_status_t;

/* Read a status file from fd (borrowed: not closed).  Returns a new status
 * (caller frees), or NULL when the file is not a JSON object or out of
 * memory. */
kl_batch_status_t *kl_batch_status_read(int fd);
void kl_batch_status_free(kl_batch_status_t *s);

/* Members of a status (s may be NULL): a string (borrowed from s, NULL when
 * missing or not a string) or an integer (-1 when missing).  Top broker k
 * (0 to 2): 1 and id, name (borrowed) and irb share (NaN when null), or 0
 * when there is no such broker. */
const char *kl_batch_status_text(const kl_batch_status_t *s, const char *key);
long kl_batch_status_int(const kl_batch_status_t *s, const char *key);
int kl_batch_status_broker(const kl_batch_status_t *s, size_t k, const char **id, const char **name,
                           double *irb_share);

/* One dataset in summary.json.  All borrowed. */
typedef struct {
    const char *id, *path;
    const char *status;  /* "ok", "unchanged", "failed" or "interrupted" */
    const char *error;   /* failed: why (NULL: null) */
    int has_report;      /* its report.html is there */
    const kl_batch_status_t *detail; /* its status file (NULL: none); copied
                                        member by member */
    double seconds;      /* NaN: null */
} kl_batch_summary_entry_t;

/* An input that is no dataset, and why.  Borrowed. */
typedef struct {
    const char *path, *reason;
} kl_batch_skipped_t;

typedef struct {
    const char *version, *outdir, *options;
    int interrupted;
    const kl_batch_summary_entry_t *datasets;
    size_t n_datasets;
    const kl_batch_skipped_t *skipped;
    size_t n_skipped;
} kl_batch_summary_t;

/* Write summary.json (kluster-batch/1): format, version, outdir, options,
 * interrupted, counts (datasets and per status, skipped inputs), datasets,
 * skipped.  Returns as kl_write_json. */
int kl_write_batch_summary(FILE *f, const kl_batch_summary_t *s);

#endif
