/* writers/writers.h - every output format of kluster, each written to a
 * FILE the caller gives: analysis results (kluster-analysis/1 JSON, CSV,
 * Markdown), `bridges` and `whatif` results, the graph for other tools
 * (GraphML, GEXF, GML, Pajek, CSV, partitioned CSV), the dataset as
 * extracts, the HTML pages and the status and summary files of `kluster
 * batch`, `kluster diff` on typed results, Excel workbooks of analyze,
 * bridges, whatif and trend results; the escaping rules of every
 * format; the per-actor metrics they all list (one table); and output files
 * that appear only when complete (temporary name + rename).
 *
 * The writers never print to stdout or stderr and never exit: they return
 * 0, or -1 with errno set. */
#ifndef KL_WRITERS_H
#define KL_WRITERS_H

#include "../analysis/analysis.h"
#include "../engine/graph.h"
#include "../viz/viz.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* -------------------------------------------------- analysis results */

#define KL_ANALYSIS_FORMAT "kluster-analysis/1"

typedef enum { KL_FORMAT_JSON = 0, KL_FORMAT_CSV, KL_FORMAT_MD, KL_FORMAT_XLSX } kl_format;

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
 * or CR (spreadsheet formula injection), and a ' after every comma,
 * semicolon or tab inside s that such a character follows (quotes between
 * them skipped), since a spreadsheet of a locale that splits on ';' or tab
 * starts a cell there; then RFC 4180 quoting when the cell holds a comma, a
 * semicolon, a tab, a double quote, CR or LF (quotes doubled).  Writes at
 * most size - 1 bytes plus a NUL into out (out may be NULL when size is 0)
 * and returns the full length, like snprintf.  Can't fail. */
size_t kl_csv_escape(const char *s, char *out, size_t size);

/* Markdown table-cell text for s: backslash-escapes \ ` * _ [ ] < > | #
 * and the like so that names show literally, turns CR, LF and tab into
 * spaces and other control characters (and invalid UTF-8) into \xHH as
 * kl_term_escape does.  snprintf-like contract as kl_csv_escape.  Can't
 * fail. */
size_t kl_md_escape(const char *s, char *out, size_t size);

/* Text for a terminal: s with every C0 control (tab and line breaks too),
 * DEL, C1 control (U+0080..U+009F) and byte that is not valid UTF-8 shown as
 * \xHH per byte ("\x1b[2J" for ESC [ 2 J), so that names and file names
 * from the input cannot clear the screen, set the title or move the cursor.
 * Everything else, backslashes included, as it is.  snprintf-like contract
 * as kl_csv_escape.  Can't fail. */
size_t kl_term_escape(const char *s, char *out, size_t size);

/* Write s to f through one of the escapers above.  Returns 0, or -1 when
 * out of memory for a long text (nothing written). */
int kl_write_escaped(FILE *f, size_t (*escape)(const char *s, char *out, size_t size), const char *s);

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
    /* The texts (description, titles, phrases) are English msgids, marked
     * N_(): a report shows them through kl_tr() (i18n/i18n.h). */
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
 * weights only (the format has no attributes).  O(n + m + attributes).
 *
 * GEXF is static GEXF 1.2draft when no relation behind a tie has a date
 * (none in the dataset, or none left by the window and --ties), else
 * dynamic GEXF 1.3 for Gephi's timeline: <gexf xmlns="http://gexf.net/1.3"
 * xmlns:viz="http://gexf.net/1.3/viz" ... version="1.3">, <graph
 * mode="dynamic" defaultedgetype="undirected" timeformat="date"
 * timerepresentation="interval">, and <spells><spell start="YYYY-MM-DD"
 * end="YYYY-MM-DD"/>...</spells> after the attvalues of
 *   - a tie: the union of the [start, end] days of the relations that make
 *     it (kl_agraph_tie_relations: in the organisations view the
 *     memberships of both organisations in each shared project or person,
 *     and their direct relations), only relations the graph options keep,
 *     each with its whole interval (not cut to the window);
 *   - an actor: the union of its ties' spells.  Its own start/end are left
 *     out (they filter nothing in the analysis graph either; cutting would
 *     hide actors whose ties Gephi then shows without their ends).
 * Spells are sorted and merged when they overlap or touch (one ends the day
 * before the next starts); an open side has no start or no end attribute.
 * A tie present at all times (an undated relation, or spells covering all
 * time), an actor with such a tie and an actor with no tie have no
 * <spells>: always present.  In addition O(R log R), R = relations behind
 * the ties. */
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

/* Parts of a dataset written as extracts (docs/format.md). */
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
    /* the SVG files beside the report, linked as "Open at full size"; NULL: no link */
    const char *diagram_href, *region_map_href, *heatmap_href;
    /* The "Over time" section (kl_write_trend_section_md has the same in
     * Markdown); NULL: no section, and the report says nothing about time. */
    const struct kl_trend *trend;
    const char *trend_json_href;     /* the trend's kluster-trend/1 file, linked; or NULL */
    /* The chart of the top brokers' irb share over time (SVG text from
     * viz/), inlined as the other figures are; NULL: no chart. */
    const char *trend_chart_svg;
    size_t trend_chart_len;
    const char *trend_chart_href;    /* its file, linked as "Open at full size"; or NULL */
    const char *trend_maps_href;     /* the region maps of every period, linked; or NULL */
    int explorer;                    /* the diagram explorable (kl_explorer_t): pan, zoom, cards, search */
} kl_html_report_t;

/* Write report.html: the graph in numbers, key findings, the diagrams, who
 * connects which regions (sentences and a table), fragile region pairs,
 * regions, top-N tables per metric, the evidence for each top broker's
 * cross-region ties (sources and quotes), warnings and sources.  Every name
 * goes through kl_html_escape; the SVGs are inlined with their XML prolog
 * removed and their ids prefixed (so the two never clash), each as wide as
 * the column allows but never so narrow that its smallest text is under 9
 * CSS pixels, nor wider than its own size (a narrower column scrolls
 * sideways).  Returns 0, or
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
    const char *figure_note;      /* figures left out and why; NULL or "": none */
} kl_batch_status_info_t;

/* Write the status file: format, id, path, status, error, options; the
 * dataset's counts when loaded; its warnings (count, first five); the
 * graph's counts and top three brokers when analysed; the region pairs'
 * counts; seconds (to the millisecond); sampling_note; figure_note.  Returns as
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

/* -------------------------------------------------------- kluster trend */

#define KL_TREND_FORMAT "kluster-trend/1"

/* One actor with at least one tie in a period. */
typedef struct {
    uint32_t entity;           /* index into ds->entities */
    int32_t region;            /* its region (a person's may be its employer's), or -1 */
    uint32_t degree;
    double betweenness, irb, irb_share; /* as kluster analyze prints them for the period */
    uint32_t rank;             /* 1-based, by irb descending then id, among actors with irb > 0; 0: none */
} kl_trend_actor_t;

/* One region pair in a period. */
typedef struct {
    uint32_t a, b;             /* ds region indices, id(a) < id(b) */
    int connected;
    uint32_t direct_ties;
    double distance;           /* NAN when not connected */
    double actor_pairs, links;
    int has_brokers;           /* the pair rule gave it brokers */
    uint32_t top_broker;       /* entity of the first broker, UINT32_MAX when none */
    double top_share;
    uint32_t *cut, n_cut;      /* cut actors' entities, by id */
} kl_trend_pair_t;

/* A broker in the top of this period or the one before: its ranks there
 * (0: outside the top). */
typedef struct {
    uint32_t entity, before, after;
} kl_trend_move_t;

typedef struct {
    int32_t from, to;          /* the time window (yyyymmdd; KL_DATE_MIN/MAX when open) */
    uint32_t nodes, edges, active, components, largest_component;
    uint32_t regions;          /* regions with actors */
    uint32_t pairs_connected, pairs_fragile;
    double cross_pairs;        /* P of irb_share */
    int sampled;               /* 0 exact, 1 sampled sources, 2 sampled pairs */
    uint64_t samples;
    double epsilon, delta;
    kl_trend_actor_t *actors;  /* n_actors, actors with a tie, by id */
    uint32_t n_actors;
    uint32_t *top, n_top;      /* indices into actors: the top brokers, by rank */
    kl_trend_pair_t *pairs;    /* n_pairs, every pair of regions with actors, by ids */
    uint32_t n_pairs;
    /* From the period before (all empty for the first): brokers in either
     * top, by rank now then rank before; pair indices that became connected,
     * disconnected, fragile, not fragile. */
    kl_trend_move_t *moves;
    uint32_t n_moves;
    uint32_t *gained, n_gained, *lost, n_lost, *fragile, n_fragile, *mended, n_mended;
} kl_trend_period_t;

typedef struct kl_trend {
    const kl_dataset_t *ds;
    const char *dataset_path;  /* as given */
    kl_graph_options_t graph;  /* mode, ties, excluded kinds (the window is each period's) */
    int weighted, cumulative;
    uint64_t seed;
    uint32_t top;              /* brokers per period */
    kl_trend_period_t *periods;
    uint32_t n_periods;
} kl_trend_t;

/* kluster-trend/1 JSON: format, dataset, options, periods (graph numbers,
 * top brokers, fragile pairs, changes).  Returns as kl_write_json. */
int kl_write_trend_json(FILE *f, const kl_trend_t *t);
/* Tidy CSV: one row per period and actor with a tie (table 0), or per
 * period and region pair (table 1). */
int kl_write_trend_csv(FILE *f, const kl_trend_t *t, int table);
/* Markdown: the periods side by side, the brokers' ranks, what changed;
 * chart_href shows the brokers' chart after the periods, maps_href links
 * the region maps (either may be NULL; written as given). */
int kl_write_trend_md(FILE *f, const kl_trend_t *t, const char *chart_href, const char *maps_href);

/* The "Over time" section that `kluster batch` appends to report.md (the
 * HTML one is part of kl_write_html_report): one line on what a period is,
 * the periods side by side (actors with ties, ties, regions with actors,
 * region pairs connected and fragile), the top brokers' rank and irb share
 * per period, and per period what changed (brokers that entered, left,
 * rose or fell; region pairs connected, disconnected, fragile, mended; each
 * list at most t->top long).  chart_href: the file of the chart of the
 * brokers' irb share over time (viz/), shown as an image; NULL: no chart.
 * maps_href: the region maps of every period (viz/), linked; may be NULL.
 * json_href: the trend's kluster-trend/1 file, linked; may be NULL.  All
 * borrowed.  Returns as kl_write_json.  O(periods x (top + pairs)). */
int kl_write_trend_section_md(FILE *f, const kl_trend_t *t, const char *chart_href, const char *maps_href,
                              const char *json_href);

/* A trend's figures' data (writers/trend_figures.c): the brokers' lines,
 * actors per region and links per region pair, period by period, as
 * kl_viz_trend_chart and kl_viz_trend_maps read them (fig; the rest is
 * its storage).  The lines: the brokers in any period's top, those in the
 * top most often first (then the best rank, the larger summed share, the
 * id), at most min(t->top, KL_VIZ_TREND_LINES); a broker's region is its
 * region in the first period it has a tie in. */
typedef struct {
    kl_viz_trend_t fig;
    char (*labels)[64];
    const char **label;
    kl_viz_series_t *series;
    double *share;
    uint32_t *rank, *region_actors;
    kl_viz_link_t *links;
} kl_trend_figure_t;

/* Fill f from t (borrowed: t and t->ds outlive f).  Returns 0, or -1 when
 * out of memory (f is then empty). */
int kl_trend_figure_init(kl_trend_figure_t *f, const kl_trend_t *t);
void kl_trend_figure_destroy(kl_trend_figure_t *f);

/* ---------------------------------------------------------------- Excel */

/* Excel workbooks (writers/xlsx.c, through libxlsxwriter) of `analyze`,
 * `bridges`, `whatif` and `trend`: one sheet per table of the command's
 * JSON and CSV outputs, with the same rows in the same order (analyze:
 * actors, regions, region pairs, brokers; bridges: regions, region pairs,
 * brokers, top brokers; whatif: summary, removed, region pairs, or rank;
 * trend: periods, actors, region pairs, broker changes, pair changes), then
 * warnings and about (the dataset, the options, kluster's version, and what
 * every column of the other sheets means).  Numbers and counts are number
 * cells, true/false boolean cells, text string cells (never formulas);
 * undefined values are empty cells.  The same results give the same bytes
 * (the creation time is fixed at 1980-01-01).  The workbook is made in a
 * scratch file (libxlsxwriter seeks in what it writes) and copied to f, so
 * f may be any stream.  Return 0, or -1 with errno set (EFBIG: a table has
 * more rows than a sheet holds, 1,048,575; ENOMEM; EIO: libxlsxwriter
 * failed) and the reason in words in why (why_size bytes; may be NULL).
 * They do not flush or close f.  Unlike kluster's own writers, libxlsxwriter
 * may print a line of its own to stderr when it fails.  O(rows x columns). */
int kl_write_xlsx(FILE *f, const kl_report_t *r, char *why, size_t why_size);
int kl_write_bridges_xlsx(FILE *f, const kl_bridges_report_t *r, char *why, size_t why_size);
int kl_write_whatif_xlsx(FILE *f, const kl_whatif_report_t *r, char *why, size_t why_size);
int kl_write_trend_xlsx(FILE *f, const kl_trend_t *t, char *why, size_t why_size);

/* ------------------------------------------------------------ explorer */

#define KL_EXPLORER_FORMAT "kluster-explorer/1"

/* The network diagram made explorable in a browser (writers/explorer.c,
 * with writers/explorer/explorer.js and .css inlined): pan and zoom, a card
 * per actor (kind, region, degree, irb share and rank, the region pairs it
 * brokers, the evidence for its ties with quotes and sources), search by
 * name, short name, alias or id over every actor, one region or region
 * pair highlighted with its brokers, the top N shown, a click copying the
 * actor's id and the command for its ego diagram.  All borrowed. */
typedef struct {
    const kl_dataset_t *ds;
    const kl_agraph_t *g;
    const kl_analysis_t *res;
    const kl_regions_t *regions;  /* the pairs' brokers; may be NULL */
    const char *dataset_path;     /* as given (the ego command names it) */
    const char *svg;              /* the diagram (kl_viz_render SVG) */
    size_t svg_len;
} kl_explorer_t;

/* kluster-explorer/1 JSON (docs/diagrams.md#explore-in-the-browser):
 * dataset, ego_command, kinds, regions (id, name, colour), actors (every
 * actor of g, by id: id, name, short_name, aliases, kind, region, degree,
 * irb_share, rank, drawn, pairs brokered, evidence (at most 20 relations:
 * those to another region first, then those with a quote) and
 * evidence_more; a field at its default, null, [], 0 or false, is left
 * out), sources (title, url, date; evidence names them by index), pairs
 * with brokers (most links first), top (the drawn actors by irb).  Above
 * 5,000 actors only the drawn ones and the pairs' brokers carry evidence.
 * Every '<' is written \u003c, so the text can sit in a <script>.
 * Returns 0, or -1 with errno set. */
int kl_write_explorer_data(FILE *f, const kl_explorer_t *x);
/* The container with the diagram: <div class="kl-explorer" id="kl-explorer">
 * <div class="kl-stage"><svg ...></div></div>.  One per page. */
void kl_write_explorer_stage(FILE *f, const char *svg, size_t len);
/* The data and the script, for the end of the page's body. */
int kl_write_explorer_scripts(FILE *f, const kl_explorer_t *x);
/* A page of its own: title, the stage, the scripts (`kluster render -o
 * FILE.html`). */
int kl_write_explorer_page(FILE *f, const kl_explorer_t *x);

#endif
