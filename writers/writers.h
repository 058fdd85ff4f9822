/* cli/output.h - writing analysis results: kluster-analysis/1 JSON, CSV and
 * a Markdown summary, the escaping rules of CSV and Markdown cells, and
 * output files that appear only when complete (temp name + rename). */
#ifndef KL_CLI_OUTPUT_H
#define KL_CLI_OUTPUT_H

#include "../analysis/analysis.h"
#include "../engine/graph.h"

#include <stdio.h>

#define KL_ANALYSIS_FORMAT "kluster-analysis/1"

typedef enum { KL_FORMAT_JSON = 0, KL_FORMAT_CSV, KL_FORMAT_MD } kl_format;

/* Everything a writer needs; all borrowed. */
typedef struct {
    const kl_dataset_t *ds;
    const kl_agraph_t *g;
    const kl_analysis_t *res;
    const char *dataset_path; /* as given on the command line */
    uint32_t top;             /* rows per table of the Markdown summary */
    const kl_regions_t *regions;       /* regions, region pairs, region mixing; may be NULL */
    const kl_brokerage_t *brokerage;   /* directed reading; may be NULL */
    const kl_brokerage_t *brokerage_u; /* undirected reading; may be NULL */
} kl_report_t;

/* Write the report to f.  Return 0, or -1 on a write error (errno set) or
 * when out of memory (errno ENOMEM).  They do not flush or close f.
 *
 * JSON: {"format":"kluster-analysis/1","dataset":{...},"graph":{...},
 *        "actors":[...],"regions":[...],"region_pairs":[...],
 *        "bridges":[[id,id],...],"ties":[[id,id,weight],...],
 *        "warnings":[...]}, one actor per line, actors by id, reals as
 *        %.17g (jansson's JSON_REAL_PRECISION(17)), null where undefined.
 * CSV:  one row per actor with the actors[] keys as header (RFC 4180).
 * MD:   the graph in numbers, then top-N tables per metric. */
int kl_write_json(FILE *f, const kl_report_t *r);
int kl_write_csv(FILE *f, const kl_report_t *r);
int kl_write_md(FILE *f, const kl_report_t *r);

/* `kluster bridges`: the region pairs (all, or those marked in pair_shown),
 * the regions, and the top actors by inter-regional betweenness.  All
 * borrowed; regions must have been computed with irb. */
typedef struct {
    const kl_dataset_t *ds;
    const kl_agraph_t *g;
    const kl_regions_t *regions;
    const char *dataset_path;
    uint32_t top;               /* actors listed (and brokers per pair, set in regions) */
    const uint8_t *pair_shown;  /* per pair of regions->pairs, or NULL for all */
} kl_bridges_report_t;

#define KL_BRIDGES_FORMAT "kluster-bridges/1"
#define KL_WHATIF_FORMAT "kluster-whatif/1"

/* JSON {"format","dataset","graph","regions","region_pairs","brokers"};
 * CSV one row per region pair; MD sentences and tables.  Return as
 * kl_write_json. */
int kl_write_bridges_json(FILE *f, const kl_bridges_report_t *r);
int kl_write_bridges_csv(FILE *f, const kl_bridges_report_t *r);
int kl_write_bridges_md(FILE *f, const kl_bridges_report_t *r);

/* `kluster whatif`: either a comparison (cmp, with the removed vertices) or
 * a ranking (disconnects per vertex, cross_pairs = P).  All borrowed. */
typedef struct {
    const kl_dataset_t *ds;
    const kl_agraph_t *g;
    const char *dataset_path;
    uint32_t top;                 /* rows of the ranking */
    const kl_whatif_t *cmp;       /* --remove, or NULL */
    const uint32_t *removed;      /* --remove: the vertices, in the order given */
    uint32_t n_removed;
    const uint64_t *disconnects;  /* --rank, or NULL */
    double cross_pairs;
} kl_whatif_report_t;

int kl_write_whatif_json(FILE *f, const kl_whatif_report_t *r);
int kl_write_whatif_csv(FILE *f, const kl_whatif_report_t *r);
int kl_write_whatif_md(FILE *f, const kl_whatif_report_t *r);

/* The CSV cell for text s: a leading ' when s starts with =, +, -, @, tab
 * or CR (spreadsheet formula injection), then RFC 4180 quoting when the
 * cell holds a comma, a double quote, CR or LF (quotes doubled).  Writes at
 * most size - 1 bytes plus a NUL into out (out may be NULL when size is 0)
 * and returns the full length, like snprintf.  Can't fail. */
size_t kl_csv_escape(const char *s, char *out, size_t size);

/* Markdown table-cell text for s: backslash-escapes \ ` * _ [ ] < > | #
 * and the like so that names show literally, turns CR, LF and tab into
 * spaces.  snprintf-like contract as kl_csv_escape.  Can't fail. */
size_t kl_md_escape(const char *s, char *out, size_t size);

/* Format a real as JSON and CSV print it, exactly as jansson prints a real
 * with JSON_REAL_PRECISION(17): "%.17g", then ".0" when the text would read
 * as an integer, and the exponent without '+' or leading zeros ("1e300",
 * "3.6e-5").  17 significant digits round-trip every double.  NaN and
 * infinities give "null" (JSON); CSV writes an empty cell instead.  buf must
 * hold at least 32 bytes; returns buf. */
const char *kl_format_real(double x, char *buf);

/* An output destination: stdout for NULL or "-"; an existing non-regular
 * file (/dev/null, a FIFO) is written directly; otherwise a temporary file in
 * the target's folder (the folder of the file a symlink points to) that
 * kl_output_commit renames onto the target, so a partial file never appears
 * under the target's name. */
typedef struct {
    FILE *f;
    char *path; /* target, or NULL for stdout and direct writes */
    char *tmp;  /* temporary name */
    int direct; /* f is the target itself (device, FIFO) */
} kl_output_t;

/* Open; on failure returns -1 with errno set and nothing created. */
int kl_output_open(kl_output_t *o, const char *path);
/* Flush, check for write errors, close and rename.  Returns 0, or -1 with
 * errno set (the temporary file is removed and the target untouched).  For
 * stdout it flushes and checks ferror only. */
int kl_output_commit(kl_output_t *o);
/* Drop the output: close and remove the temporary file.  Safe after commit
 * and on a zeroed struct. */
void kl_output_abort(kl_output_t *o);

#endif
