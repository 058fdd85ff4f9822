/* cli/batch.h - the parts of `kluster batch` that do not run the pool:
 * finding datasets, giving them safe unique ids, hashing their inputs, and
 * writing output files that appear only when complete. */
#ifndef KL_CLI_BATCH_H
#define KL_CLI_BATCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ------------------------------------------------------------ discovery */

typedef struct {
    char *path;      /* the dataset as found (a file or a folder) */
    char *id;        /* sanitised, unique within the list (kl_batch_assign_ids) */
    char *raw_id;    /* the extract's dataset.id or the file or folder name */
    char *error;     /* set when the input cannot be used at all (missing file) */
    int is_dir;
} kl_batch_input_t;

typedef struct {
    char *path, *reason;
} kl_batch_note_t;

typedef struct {
    kl_batch_input_t *items;
    size_t n, cap;
    kl_batch_note_t *notes;
    size_t n_notes, cap_notes;
    char *outdir_real;  /* realpath of OUTDIR (borrowed by discovery: never a dataset), or NULL */
} kl_batch_list_t;

/* Initialise an empty list; outdir (may be NULL) is the output folder, never
 * taken for a dataset.  Can't fail except KL-style -1 on out of memory. */
int kl_batch_list_init(kl_batch_list_t *l, const char *outdir);
void kl_batch_list_destroy(kl_batch_list_t *l);

/* Add the datasets found at arg: a .json or .ndjson file is one dataset; a
 * folder that holds extract files (*.json, *.ndjson or entities.csv) is one
 * dataset; a folder holding no extracts but folders is a collection whose
 * entries are examined the same way (to depth 8), in byte order of their
 * names.  Anything else (another file, an empty folder, a file inside a
 * collection, kluster's own output folders) is recorded as a note with the
 * reason.  A path that does not exist is a dataset with `error` set.  Hidden
 * entries (a leading dot) are ignored.  Returns 0, or -1 when out of memory
 * (errno ENOMEM). */
int kl_batch_discover(kl_batch_list_t *l, const char *arg);

/* Give every item a safe id: raw_id through kl_batch_sanitize_id, then -2,
 * -3, ... on a clash (compared case-insensitively, so a case-insensitive
 * file system cannot merge two folders) or with index.html/summary.json.
 * Returns 0 or -1 (ENOMEM). */
int kl_batch_assign_ids(kl_batch_list_t *l);

/* raw as a folder name: bytes outside [A-Za-z0-9._-] become '_' (a run of
 * them one '_'), leading '.', '_' and '-' are dropped (so "../../etc" gives
 * "etc" and no id is hidden or looks like an option), at most 64 bytes;
 * "dataset" when nothing is left.  out must hold 65 bytes.  Can't fail. */
void kl_batch_sanitize_id(const char *raw, char out[65]);

/* The dataset.id of a JSON extract, read from the first 4 MiB of the file
 * without parsing the rest (the top-level object's "dataset" member).
 * Returns a new string (caller owns), or NULL when there is none (or out of
 * memory). */
char *kl_batch_peek_id(const char *path);

/* 1 when the JSON file's top-level "format" member (looked for in its
 * first 4 MiB) is the string fmt, else 0.  Can't fail. */
int kl_batch_peek_format(const char *path, const char *fmt);

/* ------------------------------------------------------------- hashing */

/* SHA-256 of the dataset's inputs: the tag "kluster-batch-input/1", the
 * options string, then each input file (a folder's *.json, *.ndjson and *.csv
 * in byte order of their names) as name, size and bytes.  hex receives 64
 * hex digits and a NUL.  Returns 0, or -1 with errno set (unreadable
 * input).  O(input size). */
int kl_batch_hash_inputs(const char *path, int is_dir, const char *options, char hex[65]);

/* ------------------------------------------------------- atomic output */

/* Names of the files a dataset's folder receives. */
#define KL_BATCH_STATUS ".kluster-status.json"
#define KL_BATCH_HASH ".kluster-input-hash"
extern const char *const kl_batch_outputs[]; /* NULL-terminated: report.html, ... */
/* Written only when the dataset has them (relations dated in two years or
 * more, and no --no-trend): the trend (kluster-trend/1) and the chart of
 * its brokers. */
#define KL_BATCH_TREND "trend.json"
#define KL_BATCH_TREND_CHART "trend-brokers.svg"
#define KL_BATCH_TREND_MAPS "trend-maps.svg"
/* The analysis as an Excel workbook: left out (and the status says why)
 * when a table has more rows than a sheet holds. */
#define KL_BATCH_XLSX "report.xlsx"
extern const char *const kl_batch_optional_outputs[]; /* NULL-terminated */

/* Write a file name in the folder dirfd so that it appears only complete:
 * the data goes to an unnamed file (O_TMPFILE; else a temporary
 * ".NAME.XXXXXX") which is then given its name by rename(2), replacing an
 * older file (or a symbolic link: never followed).  writer(f, ctx) writes the
 * content and returns 0 or -1.  Returns 0, or -1 with errno set (nothing
 * left behind).  The temporary name in use is published through
 * kl_batch_tmp_name so that a signal handler can remove it. */
int kl_batch_write_file(int dirfd, const char *name, int (*writer)(FILE *f, void *ctx), void *ctx);
int kl_batch_write_data(int dirfd, const char *name, const char *data, size_t len);

/* Remove leftovers of interrupted writes (".NAME.XXXXXX" for the names
 * above) from the folder.  Can't fail (errors are ignored). */
void kl_batch_sweep_temps(int dirfd);

/* Async-signal-safe: remove the temporary file in use, if any (for a
 * SIGINT/SIGTERM handler in a child). */
void kl_batch_remove_current_temp(void);

/* ---------------------------------------------------------- one dataset */

typedef enum {
    KL_PHASE_B_QUEUED = 0,
    KL_PHASE_B_HASH,
    KL_PHASE_B_LOAD,
    KL_PHASE_B_ANALYSE,
    KL_PHASE_B_TREND,
    KL_PHASE_B_WRITE,
    KL_PHASE_B_RENDER,
    KL_PHASE_B_REPORT,
    KL_PHASE_B_DONE,
    KL_PHASE_B_COUNT
} kl_batch_phase;

extern const char *const kl_batch_phase_names[KL_PHASE_B_COUNT];

/* Exit codes of a dataset's child process. */
enum { KL_BATCH_CHILD_OK = 0, KL_BATCH_CHILD_FAILED = 1, KL_BATCH_CHILD_UNCHANGED = 3 };

#endif
