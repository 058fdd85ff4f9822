/* cli/html.h - self-contained HTML pages of `kluster batch`: the report of
 * one dataset (report.html) and the index of a batch (index.html), and the
 * one function through which every text reaches them, kl_html_escape.
 *
 * The pages need no network and no JavaScript: CSS is inline, diagrams are
 * inline SVG, and links to sources are plain <a href> (http and https only).
 * They print on A4 (tables and figures are not split across pages). */
#ifndef KL_CLI_HTML_H
#define KL_CLI_HTML_H

#include "../analysis/analysis.h"
#include "../engine/graph.h"

#include <stddef.h>
#include <stdio.h>

/* Text s (UTF-8) as HTML text or attribute value: & < > " ' become
 * entities; invalid UTF-8 (overlong forms, surrogates, code points above
 * U+10FFFF, stray bytes), control characters other than tab, LF and CR
 * (C0, DEL and C1) and the noncharacters U+FFFE/U+FFFF become U+FFFD, so the
 * page is always valid UTF-8 whatever the dataset holds.  s may be NULL
 * (empty text).  Writes at most size - 1 bytes plus a NUL into out (out may
 * be NULL when size is 0) and returns the full length, like snprintf; a
 * multi-byte character or entity is never cut in half.  Can't fail.
 * O(strlen(s)). */
size_t kl_html_escape(const char *s, char *out, size_t size);

/* kl_html_escape(s) written to f.  Returns 0, or -1 on a write error or
 * when out of memory (errno set). */
int kl_html_puts(FILE *f, const char *s);

/* Everything the report of one dataset shows; all borrowed. */
typedef struct {
    const kl_dataset_t *ds;
    const kl_agraph_t *g;
    const kl_analysis_t *res;
    const kl_regions_t *regions;     /* region pairs, region mixing; may be NULL */
    const kl_brokerage_t *brokerage; /* directed reading; may be NULL */
    const char *dataset_id;          /* the batch's (sanitised) id */
    const char *dataset_path;        /* as given */
    const char *version;             /* kluster's version, for the footer */
    uint32_t top;                    /* rows per top-N table */
    const char *diagram_svg;         /* the network diagram (SVG text), or NULL */
    size_t diagram_len;
    const char *diagram_caption;     /* what the diagram shows, or NULL */
    const char *region_map_svg;      /* the region map (as a map when kl_viz_region_map_is_geo), or NULL */
    size_t region_map_len;
    const char *render_note;         /* why a diagram is missing, or NULL */
    const char *heatmap_svg;         /* the region x region heat map, or NULL */
    size_t heatmap_len;
} kl_html_report_t;

/* Write report.html: the graph in numbers, key findings, the diagrams, who
 * connects which regions (sentences and a table), fragile region pairs,
 * regions, top-N tables per metric, the evidence for each top broker's
 * cross-region ties (sources and quotes), warnings and sources.  Every name
 * goes through kl_html_escape; the SVGs are inlined with their XML prolog
 * removed and their ids prefixed (so the two never clash).  Returns 0, or
 * -1 on a write error or out of memory (errno set).  Does not close f.
 * O(n log n + m + relations) plus O(relations) per broker shown. */
int kl_write_html_report(FILE *f, const kl_html_report_t *r);

/* One row of the batch index. */
typedef struct {
    const char *id, *name;
    double irb_share; /* NAN when unknown */
} kl_html_broker_t;

typedef struct {
    const char *id;          /* folder under OUTDIR */
    const char *path;        /* input as found */
    const char *title;       /* dataset title, or NULL */
    const char *status;      /* "ok", "unchanged", "failed", "interrupted" */
    const char *error;       /* the error of a failed dataset, or NULL */
    long actors, ties, regions, sources, components, warnings; /* -1: unknown */
    long connected_pairs, region_pairs, fragile_pairs;         /* -1: unknown */
    const kl_html_broker_t *brokers;
    size_t n_brokers;
    double seconds;          /* NAN when unknown */
    int has_report;          /* link to <id>/report.html */
} kl_html_index_entry_t;

typedef struct {
    const char *path, *reason;
} kl_html_note_t;

/* Write index.html: one row per dataset (status, counts, top brokers,
 * warnings, error) linking to its report, then the inputs that were skipped
 * with the reason.  All borrowed.  Returns as kl_write_html_report. */
int kl_write_html_index(FILE *f, const char *outdir, const kl_html_index_entry_t *e, size_t n,
                        const kl_html_note_t *notes, size_t n_notes, const char *version);

#endif
