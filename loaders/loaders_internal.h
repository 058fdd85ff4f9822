/* loaders/loaders_internal.h - what the loader files share: per-format entry
 * points and the checks every format applies to field values. */
#ifndef KL_LOADERS_INTERNAL_H
#define KL_LOADERS_INTERNAL_H

#include "loaders.h"

#include <stdio.h>

/* Load one file of the given format into ds (not finalized).  path is used in
 * messages as given. */
kl_err kl_i_load_json(kl_dataset_t *ds, const char *path, const kl_load_options_t *opt, kl_error_t *err);
kl_err kl_i_load_ndjson(kl_dataset_t *ds, const char *path, const kl_load_options_t *opt, kl_error_t *err);
/* The same from memory: a whole JSON extract in buf[0..len) (borrowed, need
 * not be NUL-terminated), or an NDJSON stream / CSV table read from fp
 * (stolen: closed before returning).  path names the input in messages. */
kl_err kl_i_load_json_buffer(kl_dataset_t *ds, const char *path, const char *buf, size_t len,
                             const kl_load_options_t *opt, kl_error_t *err);
kl_err kl_i_load_ndjson_stream(kl_dataset_t *ds, const char *path, FILE *fp, const kl_load_options_t *opt,
                               kl_error_t *err);
kl_err kl_i_load_csv_stream(kl_dataset_t *ds, const char *path, const char *base, FILE *fp,
                            const kl_load_options_t *opt, kl_error_t *err);
/* One table of the CSV set; base is the file name (entities.csv,
 * relations.csv, regions.csv or sources.csv) and picks the table. */
kl_err kl_i_load_csv_file(kl_dataset_t *ds, const char *path, const char *base, const kl_load_options_t *opt,
                          kl_error_t *err);

/* A GraphML (gml = 0) or GML (gml = 1) file through igraph's readers
 * (loaders/graphml.c): vertices become entities (id from GraphML's node id
 * or GML's label; name from "name"; kind and region from opt->kind_attr and
 * opt->region_attr, default "kind" and "region"), edges partner_of
 * relations weighted by "weight"; other attributes are kept. */
kl_err kl_i_load_graph(kl_dataset_t *ds, const char *path, int gml, const kl_load_options_t *opt, kl_error_t *err);

/* Read a whole file into *out (malloc'd, *len bytes; the caller frees it):
 * JSON is one value, and the lexer needs it in memory.  Refuses a file above
 * opt->max_input_bytes before reading it (extract.c). */
kl_err kl_i_read_file(const char *path, const kl_load_options_t *opt, char **out, size_t *len, kl_error_t *err);

/* How messages name a JSON value by its first token: "a string", "an
 * array", ... (extract.c). */
const char *kl_i_jtok_name(kl_jtok t);

/* Check limits after adding records; returns KL_ELIMIT with a message
 * (options.c). */
kl_err kl_i_check_limits(const kl_dataset_t *ds, const kl_load_options_t *opt, const char *path,
                         kl_error_t *err);

/* Read the file at path, of format f, into ds (not finalized) with the
 * format's reader (formats.c).  The caller has checked that it is a regular
 * file within the size limit. */
kl_err kl_i_input_read(const kl_input_format_t *f, kl_dataset_t *ds, const char *path, const kl_load_options_t *opt,
                       kl_error_t *err);

/* Dataset id from a path: the file name without its format's suffix (any
 * case), or the folder name; interned in ds, NULL when out of memory
 * (formats.c). */
const char *kl_i_id_from_path(kl_dataset_t *ds, const char *path);

#endif
