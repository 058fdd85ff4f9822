/* loaders/loaders.h - reading datasets (SCHEMA.md) into the engine's model:
 * one JSON extract, NDJSON, the CSV set, or a folder merging them. */
#ifndef KL_LOADERS_H
#define KL_LOADERS_H

#include "../engine/graph.h"

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

/* Load the dataset at path (a .json or .ndjson file, a .graphml or .gml
 * graph read through igraph, or a folder) into ds,
 * which the caller has initialised with kl_dataset_init(), and finalize it.
 * Files of a folder are read in byte order of their names.  On error, err
 * holds the first error with its place (FILE:LINE:COL or FILE:array[i]) and
 * ds must still be destroyed by the caller.  Warnings are in ds->warnings.
 * Time O(input size); memory grows with the graph, not with the files
 * (NDJSON and CSV are streamed). */
kl_err kl_load_dataset(kl_dataset_t *ds, const char *path, const kl_load_options_t *opt, kl_error_t *err);

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

/* Total bytes of input read by the last kl_load_dataset on ds (for MB/s). */
uint64_t kl_load_bytes(const kl_dataset_t *ds);

/* ------------------------------------------------------- import maps
 * (loaders/import.c; the map format is in the README, "kluster import")
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

#endif
