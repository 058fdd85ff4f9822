/* writers/writers.h - every output format of kluster, each written to a
 * FILE the caller gives: analysis results (kluster-analysis/1 JSON, CSV,
 * Markdown), `bridges` and `whatif` results, the graph for other tools
 * (GraphML, GEXF, GML, Pajek, CSV, partitioned CSV), the dataset as
 * extracts, the HTML pages of `kluster batch`; the escaping rules of every
 * format; the per-actor metrics they all list (one table); and output files
 * that appear only when complete (temporary name + rename).
 *
 * The writers never print to stdout or stderr and never exit: they return
 * 0, or -1 with errno set. */
#ifndef KL_WRITERS_H
#define KL_WRITERS_H

#include "../analysis/analysis.h"
#include "../engine/graph.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* -------------------------------------------------- analysis results */

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

/* ---------------------------------------------------- per-actor metrics */

/* The per-actor metrics, declared once in kl_actor_metrics (metrics.c), in
 * the order of the JSON actors[] keys and the CSV columns.  The writers
 * generate from it: the actors[] of kluster-analysis/1 and the CSV columns
 * (every metric available), the Markdown and HTML top-N tables (md_order,
 * html_order), and the node attributes of `kluster export --metrics` (those
 * flagged KL_METRIC_EXPORT, as GraphML/GEXF long, double or boolean). */
typedef enum {
    KL_METRIC_INT,  /* a count: JSON and CSV without a fraction; GraphML long */
    KL_METRIC_REAL, /* JSON/CSV as kl_format_real, null/empty when undefined; double */
    KL_METRIC_BOOL, /* true/false; boolean */
    KL_METRIC_ROLE  /* a brokerage role: a count with its expected value and z-score;
                     * JSON nests it as group.member, CSV has the count as key */
} kl_metric_type;

/* The layers of a KL_METRIC_ROLE value (other types have the first only). */
enum { KL_METRIC_VALUE = 0, KL_METRIC_EXPECTED, KL_METRIC_Z };

/* KL_METRIC_EXPORT: a node attribute of the export formats.
 * KL_METRIC_SHARE: a share of 1; the HTML report shows a percentage.
 * KL_METRIC_CROSS: says nothing without pairs of actors in different
 * regions (kl_analysis_t.region_pairs 0): the reports leave its table out. */
#define KL_METRIC_EXPORT 0x1u
#define KL_METRIC_SHARE 0x2u
#define KL_METRIC_CROSS 0x4u

/* What an actor's metrics are read from; all borrowed, any may be NULL. */
typedef struct {
    const kl_analysis_t *res;
    const kl_regions_t *regions;
    const kl_brokerage_t *brokerage;   /* directed reading */
    const kl_brokerage_t *brokerage_u; /* undirected reading */
} kl_metric_source_t;

typedef struct {
    const char *key;         /* JSON actors[] key, CSV column, export attribute */
    kl_metric_type type;
    const char *description; /* one line; also the note under the HTML table */
    /* The value of vertex v (layer: KL_METRIC_VALUE, or for a role also
     * KL_METRIC_EXPECTED, KL_METRIC_Z); NAN when undefined.  Only call it
     * when available(s). */
    double (*value)(const kl_metric_source_t *s, uint32_t v, int layer);
    int (*available)(const kl_metric_source_t *s);
    const char *group;       /* KL_METRIC_ROLE: the JSON object the role is in */
    unsigned flags;          /* KL_METRIC_EXPORT, _SHARE, _CROSS */
    /* The reports' top-N tables: position among the Markdown and the HTML
     * tables (1 first, 0 none), and what the tables say */
    unsigned md_order, html_order;
    int ascending;           /* smaller ranks higher (constraint) */
    const char *md_title;    /* "## Top 10 by <md_title>"; Markdown names the metric by key */
    const char *html_title;  /* the table's heading */
    const char *phrase;      /* the metric in an HTML sentence: "all 40 actors have <phrase> 1" */
    const char *has_one, *have_many; /* what a non-zero value says: "has a tie", "have a tie" */
} kl_metric_t;

extern const kl_metric_t kl_actor_metrics[];
extern const size_t kl_actor_metrics_count;

/* The metric of the Markdown (html 0) or HTML (html 1) top table at
 * position (1, 2, ...), or NULL past the last.  O(metrics). */
const kl_metric_t *kl_metric_top_table(int html, unsigned position);

/* A role's key inside its JSON group ("liaison" for brokerage_liaison);
 * the key itself for other metrics.  Can't fail. */
const char *kl_metric_member(const kl_metric_t *m);

/* ------------------------------------------------------------ export */

/* Writing a dataset for other tools: the analysis graph as
 * GraphML, GEXF (Gephi), GML, Pajek or a CSV pair, with attributes and
 * optionally every computed metric; the dataset itself as a merged JSON
 * extract or NDJSON records (also what `kluster import` writes).
 *
 * The graph writers escape every name themselves (igraph's writers know no
 * escaping rules beyond the minimum, and no GEXF): XML through
 * kl_xml_escape, GML through kl_gml_escape, Pajek through kl_pajek_escape,
 * JSON through kl_json_escape. */

typedef enum {
    KL_EXPORT_GRAPHML = 0,
    KL_EXPORT_GEXF,
    KL_EXPORT_GML,
    KL_EXPORT_PAJEK,
    KL_EXPORT_CSV,
    KL_EXPORT_JSON,
    KL_EXPORT_NDJSON
} kl_export_format;

/* The format for a file name's extension (.graphml, .gexf, .gml, .net,
 * .csv, .json, .ndjson; case-insensitive), or -1. */
int kl_export_format_of(const char *path);

/* What a graph writer needs; all borrowed.  res and regions may be NULL
 * (no metrics). */
typedef struct {
    const kl_dataset_t *ds;
    const kl_agraph_t *g;
    const kl_analysis_t *res;
    const kl_regions_t *regions;
} kl_export_t;

/* Write the analysis graph x->g: one node per actor (id, name, kind,
 * region, region name, type, country, lat/lon when the dataset has them,
 * the entities' free attributes, and with res every per-actor metric), one
 * undirected edge per tie with its weight (and with res whether it is a
 * bridge).  Nodes and edges in order of actor ids; undefined values (NaN)
 * are left out (GraphML, GEXF, GML) or empty (CSV).  Return 0, or -1 on a
 * write error (errno set) or when out of memory (errno ENOMEM).
 * GEXF adds viz:color (the region, as `kluster render` colours it) and
 * viz:size (betweenness with metrics, else degree).  Pajek keeps ids and
 * weights only (the format has no attributes).  O(n + m + attributes). */
int kl_export_graphml(FILE *f, const kl_export_t *x);
int kl_export_gexf(FILE *f, const kl_export_t *x);
int kl_export_gml(FILE *f, const kl_export_t *x);
int kl_export_pajek(FILE *f, const kl_export_t *x);
int kl_export_csv_nodes(FILE *f, const kl_export_t *x);
int kl_export_csv_edges(FILE *f, const kl_export_t *x);

/* Partitioned CSV for distributed engines (Apache Spark GraphFrames reads
 * it as is): into the existing, empty folder dir, write
 *   vertices/part-00000.csv .. part-(parts-1).csv   header "id" + the node
 *       columns of kl_export_csv_nodes; vertex v in part
 *       kl_export_fnv1a64(id) % parts
 *   edges/part-00000.csv ..   header "src,dst,weight[,bridge]"; each tie
 *       once, src < dst in byte order of the ids, in the part of its src
 *   vertices/_SUCCESS, edges/_SUCCESS   empty, as Spark marks its output
 *   _manifest.json     format KL_PARTITIONS_FORMAT, the rule and the rows
 *       of every part
 * Every part has its header, even when it has no rows; rows keep the order
 * of the CSV pair (by id) within a part.  Cells as kl_export_csv_nodes
 * (RFC 4180, formula-injection guard).  parts is 1 .. KL_PARTITIONS_MAX.
 * Return 0, or -1 with errno set and the path that failed copied into
 * failed (the folder is left as it is: the caller removes it).
 * O(n log n + m log m + parts). */
#define KL_PARTITIONS_MAX 4096
#define KL_PARTITIONS_FORMAT "kluster-partitions/1"
int kl_export_partitions(const char *dir, uint32_t parts, const kl_export_t *x, char *failed, size_t failed_size);

/* FNV-1a, 64 bits, of the bytes of s (without the NUL): the partition hash.
 * Can't fail. */
uint64_t kl_export_fnv1a64(const char *s);

/* Parts of a dataset written as extracts (SCHEMA.md). */
enum {
    KL_EXTRACT_HEADER = 1,   /* "dataset" (id, title, attributes), sources, regions */
    KL_EXTRACT_RECORDS = 2,  /* entities and relations */
    KL_EXTRACT_ALL = 3
};

/* The finalized dataset ds as one collab-extract/1 JSON object (one record
 * per line) or as NDJSON records ({"record": "entity", ...} per line);
 * `parts` picks what is written (a JSON object always has the required
 * "entities" and "relations" arrays, empty when not picked; NDJSON cannot
 * hold the "dataset" object, which is left out).  Entities carry their own
 * region (not the inherited one), dates as YYYY-MM-DD, free attributes with
 * their JSON values.  Reading the output back gives the same dataset.
 * Return as kl_export_graphml. */
int kl_export_extract(FILE *f, const kl_dataset_t *ds, int ndjson, int parts);

/* Escapers, snprintf-like: write at most size - 1 bytes plus a NUL into out
 * (out may be NULL when size is 0) and return the full length.  Can't fail.
 *
 * kl_xml_escape: text for XML 1.0 element content and quoted attribute
 * values: & < > " ' as entities; tab, LF and CR as character references
 * (so attribute-value normalisation keeps them); the characters XML 1.0
 * cannot hold (other C0 controls, U+FFFE, U+FFFF, invalid UTF-8) as U+FFFD.
 * kl_gml_escape: a GML string body: & and " as entities, every non-ASCII
 * character and control character as &#N; (GML files are ASCII).
 * kl_pajek_escape: a quoted Pajek label: " and \ backslash-escaped (as
 * NetworkX's shlex-based reader expects), CR, LF and tab as spaces.
 * kl_json_escape: a JSON string body (RFC 8259): " \ and control
 * characters escaped, UTF-8 passed through. */
size_t kl_xml_escape(const char *s, char *out, size_t size);
size_t kl_gml_escape(const char *s, char *out, size_t size);
size_t kl_pajek_escape(const char *s, char *out, size_t size);
size_t kl_json_escape(const char *s, char *out, size_t size);

/* -------------------------------------------------------------- HTML */

/* Self-contained HTML pages of `kluster batch`: the report of
 * one dataset (report.html) and the index of a batch (index.html), and the
 * one function through which every text reaches them, kl_html_escape.
 *
 * The pages need no network and no JavaScript: CSS is inline, diagrams are
 * inline SVG, and links to sources are plain <a href> (http and https only).
 * They print on A4 (tables and figures are not split across pages). */

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

/* ------------------------------------------------------ output files */

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
/* kl_output_open with flags: KL_OUTPUT_THROUGH_LINKS writes through a
 * symbolic link (the file it points to is truncated and written in place,
 * never replaced), as a link such as /dev/stdout must be. */
#define KL_OUTPUT_THROUGH_LINKS 0x1u
int kl_output_open_flags(kl_output_t *o, const char *path, unsigned flags);
/* Flush, check for write errors, close and rename.  Returns 0, or -1 with
 * errno set (the temporary file is removed and the target untouched).  For
 * stdout it flushes and checks ferror only. */
int kl_output_commit(kl_output_t *o);
/* Drop the output: close and remove the temporary file.  Safe after commit
 * and on a zeroed struct. */
void kl_output_abort(kl_output_t *o);
/* Write len bytes of data to path as one output (open with flags, write,
 * commit).  Returns 0, or -1 with errno set and the target untouched. */
int kl_output_write_data(const char *path, const void *data, size_t len, unsigned flags);

/* How kl_output_open makes its temporary file, for a program that removes
 * such files when interrupted: create(template, is_dir) makes the file (as
 * mkstemp: returns the open descriptor) or folder (as mkdtemp: returns 0)
 * from a template ending in XXXXXX, or returns -1 with errno set, and
 * remembers it; release(path) forgets it once it is renamed or removed.
 * NULL restores the default (mkstemp/mkdtemp, nothing remembered).  Set
 * them once, before any output is opened.  Can't fail. */
void kl_writers_set_temp_hooks(int (*create)(char *template, int is_dir), void (*release)(const char *path));

/* ---------------------------------------------------------------- jansson */

/* Route jansson's allocations through an allocator that remembers a
 * failure: call once at start-up, before any json_* call.  jansson reports
 * running out of memory only as a NULL value or a failed json_dump*, which
 * reads like a write error; kl_writers_json_oom() then tells (and clears)
 * whether it ran out of memory since the last call.  Can't fail. */
void kl_writers_json_init(void);
int kl_writers_json_oom(void);

#endif
