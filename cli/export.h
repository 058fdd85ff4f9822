/* cli/export.h - writing a dataset for other tools: the analysis graph as
 * GraphML, GEXF (Gephi), GML, Pajek or a CSV pair, with attributes and
 * optionally every computed metric; the dataset itself as a merged JSON
 * extract or NDJSON records (also what `kluster import` writes).
 *
 * The graph writers escape every name themselves (igraph's writers know no
 * escaping rules beyond the minimum, and no GEXF): XML through
 * kl_xml_escape, GML through kl_gml_escape, Pajek through kl_pajek_escape,
 * JSON through kl_json_escape. */
#ifndef KL_CLI_EXPORT_H
#define KL_CLI_EXPORT_H

#include "../analysis/analysis.h"
#include "../engine/graph.h"

#include <stdio.h>

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

#endif
