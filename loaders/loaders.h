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
} kl_load_options_t;

void kl_load_options_init(kl_load_options_t *opt);

/* Load the dataset at path (a .json or .ndjson file, or a folder) into ds,
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

#endif
