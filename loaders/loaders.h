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

/* Total bytes of input read by the last kl_load_dataset on ds (for MB/s). */
uint64_t kl_load_bytes(const kl_dataset_t *ds);

#endif
