/* loaders/loaders.h - reading datasets (docs/format.md) into the engine's model:
 * one JSON extract, NDJSON, a GraphML or GML graph, the CSV set, or a
 * folder merging them; import maps; the tokenizers under them. */
#ifndef KL_LOADERS_H
#define KL_LOADERS_H

#include "../engine/graph.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ------------------------------------------------------- input formats
 * (loaders/formats.c)
 *
 * The formats one file of a dataset may have, declared once: the loader,
 * the folder scan, the dataset id and every message listing them read the
 * same table.  A suffix matches whatever its case (".json", ".JSON" and
 * ".Json" are one format), as users of macOS and Windows, whose file systems
 * ignore case, expect; the dataset id of a file is its name without the
 * suffix, whatever the suffix's case.  A name that is only a suffix
 * (".json") has no format.  The CSV set is no format of one file: a folder
 * holding entities.csv and relations.csv (exactly those names) is read as
 * one table each. */
typedef enum {
    KL_INPUT_JSON,    /* one JSON extract */
    KL_INPUT_NDJSON,  /* NDJSON records */
    KL_INPUT_GRAPHML, /* a GraphML graph, read through igraph */
    KL_INPUT_GML      /* a GML graph, read through igraph */
} kl_input_kind;

typedef struct {
    const char *suffix; /* with its dot, in lower case: ".json" */
    kl_input_kind kind;
    int in_folder;      /* 1: read when a dataset folder holds it; 0: only as the dataset itself */
    const char *article, *noun; /* how messages name it: "a" ".json" "extract" */
} kl_input_format_t;

/* The format of path by its suffix (any case), or NULL when it has none of
 * the table's.  Borrowed from a static table.  O(strlen(path)). */
const kl_input_format_t *kl_input_format_of(const char *path);

/* The i-th format of the table (0-based, in the order messages list them),
 * NULL past the last: for (i = 0; (f = kl_input_format_at(i)); i++). */
const kl_input_format_t *kl_input_format_at(size_t i);

/* How messages list the formats. */
typedef enum {
    KL_INPUT_PHRASE,      /* "a .json extract, an .ndjson file, a .graphml or .gml graph" */
    KL_INPUT_SUFFIXES,    /* ".json, .ndjson, .graphml or .gml" */
    KL_INPUT_FOLDER_GLOBS /* the formats a folder may hold: "*.json, *.ndjson" */
} kl_input_list_style;

/* Write the list of formats in the given style into buf (size bytes; always
 * NUL-terminated, cut short when too small) and return buf.  Can't fail. */
char *kl_input_formats_text(kl_input_list_style style, char *buf, size_t size);

/* ------------------------------------------------------------- loading */

typedef struct {
    int resolve_names;         /* relations may name entities by alias */
    uint64_t max_input_bytes;  /* 0 = no limit; larger files are refused */
    uint32_t max_entities;     /* 0 = no limit */
    uint32_t max_relations;    /* 0 = no limit */
    /* GraphML/GML inputs: the node attributes holding the kind (a kind
     * name; without it every node is an organisation) and the region;
     * NULL: "kind" and "region" when present.  Borrowed. */
    const char *kind_attr, *region_attr;
} kl_load_options_t;

void kl_load_options_init(kl_load_options_t *opt);

/* Load the dataset at path (a file in one of the input formats above, or a
 * folder of extracts and/or the CSV set) into ds,
 * which the caller has initialised with kl_dataset_init(), and finalize it;
 * then read its region outlines, when it has any (below).
 * Files of a folder are read in byte order of their names.  On error, err
 * holds the first error with its place (FILE:LINE:COL or FILE:array[i]) and
 * ds must still be destroyed by the caller.  Warnings are in ds->warnings.
 * Time O(input size); memory grows with the graph, not with the files
 * (NDJSON and CSV are streamed). */
kl_err kl_load_dataset(kl_dataset_t *ds, const char *path, const kl_load_options_t *opt, kl_error_t *err);

/* Would kl_load_dataset read a file named `name` (no folder part) when a
 * dataset folder holds it?  For commands that must not write their results
 * where the next load would take them for input. */
int kl_load_folder_reads(const char *name);

/* Formats of one in-memory input for kl_load_buffer. */
typedef enum {
    KL_LOAD_JSON,   /* one JSON extract */
    KL_LOAD_NDJSON, /* NDJSON records */
    KL_LOAD_CSV     /* one table of the CSV set; the base name of name picks it */
} kl_load_format;

/* Add one input held in memory, data[0..len) (borrowed; need not be
 * NUL-terminated), to ds as if it were a file called name (used in messages;
 * for KL_LOAD_CSV its base name must be entities.csv, relations.csv,
 * regions.csv or sources.csv).  Reuses the file readers: the same checks, the
 * same messages, the same limits (len counts as the file size).  Does NOT
 * finalize: add the buffers of a dataset in byte order of their names, then
 * call kl_dataset_finalize().  On error err holds the first error and ds must
 * still be destroyed.  For tests and fuzzing.  Time O(len). */
kl_err kl_load_buffer(kl_dataset_t *ds, const char *name, const char *data, size_t len, kl_load_format fmt,
                      const kl_load_options_t *opt, kl_error_t *err);

/* ------------------------------------------------------ region outlines
 * (loaders/outlines.c; the format is in docs/format.md#region-outlines)
 *
 * A dataset may give its regions' shapes for maps: a GeoJSON
 * FeatureCollection of Polygons and MultiPolygons, one feature per region
 * by properties.id, in regions.geojson inside a dataset folder or in
 * X.regions.geojson beside a one-file dataset X.json (X.ndjson, ...).
 * kl_load_dataset reads it after finalizing, when it is there; each
 * region's outer rings land in its kl_region_t (n_rings, ring, ring_lat,
 * ring_lon). */

/* Positions (holes and unknown regions' included) one outline file may
 * hold: more is an error, so a huge file fails early. */
#define KL_OUTLINES_MAX_POSITIONS 1000000u

/* Read region outlines held in memory, data[0..len) (borrowed, need not be
 * NUL-terminated), called name in messages, into the finalized ds; the
 * file kl_load_dataset reads goes through here.  Errors (err holds the
 * first, as NAME:LINE:COL; the dataset must then be destroyed): invalid
 * JSON, a value of the wrong type, no FeatureCollection, a feature without
 * properties.id or geometry, a geometry other than Polygon or
 * MultiPolygon, coordinates nested wrongly, a longitude outside ±180 or a
 * latitude outside ±90, a ring of fewer than 3 positions (besides the
 * closing one) or across the antimeridian, a second outline for a region,
 * more than KL_OUTLINES_MAX_POSITIONS positions (KL_ELIMIT).  A feature
 * whose id is no region of ds is a warning in ds->warnings.  Time O(len). */
kl_err kl_load_outlines_buffer(kl_dataset_t *ds, const char *name, const char *data, size_t len, kl_error_t *err);

/* Total bytes of input read by the last kl_load_dataset on ds (for MB/s). */
uint64_t kl_load_bytes(const kl_dataset_t *ds);

/* ------------------------------------------------------- import maps
 * (loaders/import.c; the map format is in docs/import-maps.md)
 *
 *     kl_import_map_t *map;
 *     if (kl_import_map_load(&map, "cordis.json", &err) != KL_OK) ...
 *     kl_dataset_init(&ds);
 *     if (kl_import_run(&ds, map, inputs, n, &opt, &err) != KL_OK) ...
 *     ... write ds out as extracts ...
 *     kl_dataset_destroy(&ds);
 *     kl_import_map_free(map);
 */
typedef struct kl_import_map kl_import_map_t;

/* Read and check the import map at path.  On success *out is a new map
 * (caller owns it: kl_import_map_free).  Errors: a JSON syntax error as
 * MAP:LINE:COL; a content error (unknown key, wrong type, unknown kind, a
 * relation naming an entity spec that does not exist) as MAP:KEY.PATH
 * (err->where), e.g. "cordis.json:entities.org.kind"; KL_EIO when the file
 * cannot be read.  O(map size). */
kl_err kl_import_map_load(kl_import_map_t **out, const char *path, kl_error_t *err);
/* Free a map; safe on NULL. */
void kl_import_map_free(kl_import_map_t *map);
/* The map's path as given to kl_import_map_load (borrowed). */
const char *kl_import_map_path(const kl_import_map_t *map);
/* Use file (a CSV with columns code, lat, lon and optionally name, or the
 * columns the map's region_points names) for region points, overriding the
 * map's own region_points file.  Errors: KL_ENOMEM. */
kl_err kl_import_map_set_points(kl_import_map_t *map, const char *file, kl_error_t *err);

/* Convert the tables inputs[0..n_inputs) (CSV in the map's delimiter and
 * encoding, one header line each) into ds, which the caller initialised with
 * kl_dataset_init(), and finalize it.  Each row yields the map's entities
 * (an id seen on an earlier row is the same entity: the first row wins, a
 * different name or region is a warning) and its relations; region points
 * are joined last.  Errors name the input, its line and field number and the
 * column (a cell that is not a number, an unknown value, an empty required
 * id), or the input's header line for a column the map needs and the input
 * lacks; ds must be destroyed either way.  The map's column bindings change
 * (hence not const).  Time O(input size + regions x points); memory grows
 * with the entities and relations, not with the files (streamed). */
kl_err kl_import_run(kl_dataset_t *ds, kl_import_map_t *map, const char *const *inputs, size_t n_inputs,
                     const kl_load_options_t *opt, kl_error_t *err);

/* ========================================================== tokenizers
 * (loaders/json_lexer.c, csv_reader.c; the UTF-8 check in engine/utf8.c)
 *
 * The two tokenizers under the extract loaders, reusable on their own: a
 * pull JSON lexer over a memory buffer and a streaming RFC 4180 CSV reader,
 * with the strict UTF-8 check they share (kl_utf8_valid_prefix).
 *
 * Why not jansson for reading: json_load_* builds a tree with one allocation
 * per value (about 1.2 s and 340 MB for a 30 MB extract) and only knows the
 * line of a syntax error.  The lexer validates the same grammar without
 * allocating per value, streams records straight into the engine, and knows
 * the line and column of every value, so content errors get a place too.
 */

/* ------------------------------------------------------------------ JSON */

typedef enum {
    KL_J_ERROR = -1,
    KL_J_END = 0,       /* the top-level value is complete and only white space follows */
    KL_J_OBJECT,        /* '{' */
    KL_J_OBJECT_END,    /* '}' */
    KL_J_ARRAY,         /* '[' */
    KL_J_ARRAY_END,     /* ']' */
    KL_J_KEY,           /* an object member name (str/str_len) */
    KL_J_STRING,        /* a string value (str/str_len) */
    KL_J_NUMBER,        /* a number (num; raw text in str/str_len) */
    KL_J_TRUE,
    KL_J_FALSE,
    KL_J_NULL
} kl_jtok;

#define KL_JSON_MAX_DEPTH 512

typedef struct {
    /* input */
    const char *buf;
    size_t len, pos;
    uint32_t line;          /* current line (1-based, counting from first_line) */
    size_t line_start;      /* byte offset where the current line starts */

    /* the current token */
    kl_jtok tok;
    const char *str;        /* KEY/STRING: unescaped UTF-8, NOT NUL-terminated; may point into buf
                               or into scratch (valid until the next call); NUMBER: its raw text */
    size_t str_len;
    int str_has_nul;        /* the string contained \u0000 */
    double num;             /* NUMBER: value from strtod */
    int num_finite;         /* NUMBER: 0 when the value overflows to +-inf */
    uint32_t tok_line, tok_col; /* where the token starts (column counts characters, 1-based) */
    size_t tok_start;       /* byte offset of the token's first byte */

    /* error (when next() returned KL_J_ERROR) */
    char errmsg[160];
    uint32_t err_line, err_col;

    /* private */
    uint32_t depth, max_depth;
    unsigned char stack[KL_JSON_MAX_DEPTH + 1]; /* container kinds */
    int state;
    char *scratch;
    size_t scratch_cap;
} kl_jlex_t;

/* Start lexing buf[0..len).  first_line is the line number of buf[0] (1 for a
 * whole file; the physical line for one NDJSON line).  max_depth is at most
 * KL_JSON_MAX_DEPTH (0 means KL_JSON_MAX_DEPTH).  Never fails. */
void kl_jlex_init(kl_jlex_t *lx, const char *buf, size_t len, uint32_t first_line, uint32_t max_depth);

/* Next token.  Validates RFC 8259 fully: grammar, string escapes (surrogate
 * pairs; lone surrogates are errors), UTF-8 (no overlong forms, surrogates or
 * code points above U+10FFFF), no raw control characters in strings, number
 * syntax, nesting depth, nothing but white space after the top-level value.
 * After KL_J_ERROR or KL_J_END it keeps returning the same value.  O(token). */
kl_jtok kl_jlex_next(kl_jlex_t *lx);

/* Called right after a value's first token (OBJECT, ARRAY or a scalar): skips
 * the rest of that value.  *start and *end (either may be NULL) receive the
 * byte span of the whole value in buf.  Returns 0, or -1 on a syntax error
 * (errmsg set). */
int kl_jlex_skip_value(kl_jlex_t *lx, size_t *start, size_t *end);

/* Release the scratch buffer; safe to call twice. */
void kl_jlex_destroy(kl_jlex_t *lx);

/* ------------------------------------------------------------------- CSV */

typedef struct kl_csv kl_csv_t;

#define KL_CSV_MAX_RECORD (16u << 20) /* bytes in one record, quotes included */

/* Open a CSV file for streaming (1 MiB reads; memory bounded by the longest
 * record).  A UTF-8 BOM is skipped.  Returns NULL and fills msg (errno text)
 * when the file cannot be opened. */
kl_csv_t *kl_csv_open(const char *path, char *msg, size_t msg_size);
/* The same over an open stream (a file, or fmemopen() for a buffer); steals
 * f: kl_csv_close closes it, and so does a failed open. */
kl_csv_t *kl_csv_open_stream(FILE *f, char *msg, size_t msg_size);

/* Read the next record.  Returns 1 (a record), 0 (end of file) or -1 (error:
 * see kl_csv_error).  RFC 4180: fields separated by the delimiter (default
 * ','), optionally quoted with '"', "" inside quotes is one quote, quoted
 * fields may hold delimiters, CR and LF; records end with LF or CRLF; the last
 * record may lack a line end; empty lines are skipped.  Errors: a quote inside
 * an unquoted field, a character after a closing quote, an unterminated quoted
 * field, a NUL byte, invalid UTF-8 in a field, a record longer than
 * KL_CSV_MAX_RECORD, a read error. */
int kl_csv_next(kl_csv_t *csv);

/* The current record: field count, field i (NUL-terminated, length in *len
 * when len is not NULL; borrowed until the next kl_csv_next), and the
 * physical line (1-based) where the record starts. */
uint32_t kl_csv_nfields(const kl_csv_t *csv);
const char *kl_csv_field(const kl_csv_t *csv, uint32_t i, size_t *len);
uint32_t kl_csv_line(const kl_csv_t *csv);

/* After -1: the message, the physical line and the 1-based field number of
 * the error (0 when not about one field). */
const char *kl_csv_error(const kl_csv_t *csv, uint32_t *line, uint32_t *field);

/* Set the field delimiter (for import maps; default ','). */
void kl_csv_set_delimiter(kl_csv_t *csv, char delimiter);
/* Before the first record: read with ';' or tab instead when the first line
 * has no comma but has those (a CSV saved by Excel in a Nordic locale). */
void kl_csv_detect_delimiter(kl_csv_t *csv);
char kl_csv_delimiter(const kl_csv_t *csv);

/* Bytes read so far (for progress and MB/s). */
uint64_t kl_csv_bytes_read(const kl_csv_t *csv);

void kl_csv_close(kl_csv_t *csv); /* safe on NULL */

#endif
