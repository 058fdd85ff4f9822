/* loaders/load.c - what a dataset path is (one file of an input format or a
 * folder), reading a folder's files in byte order of their names, and
 * inputs held in memory. */
#include "loaders_internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

uint64_t kl_load_bytes(const kl_dataset_t *ds)
{
    return ds->input_bytes;
}

static int is_csv_table(const char *name)
{
    return strcmp(name, "entities.csv") == 0 || strcmp(name, "relations.csv") == 0 ||
           strcmp(name, "regions.csv") == 0 || strcmp(name, "sources.csv") == 0;
}

int kl_load_folder_reads(const char *name)
{
    if (name[0] == '.')
        return 0;
    const kl_input_format_t *f = kl_input_format_of(name);
    return (f && f->in_folder) || is_csv_table(name) || strcmp(name, "regions.geojson") == 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Before opening a file: it must be a regular file (opening a FIFO would
 * block for ever, a device may never end) no larger than the limit. */
static kl_err check_file(const char *path, const kl_load_options_t *opt, kl_error_t *err)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return kl_error_set(err, KL_EIO, NULL, 0, 0, "cannot open '%s': %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return kl_error_set(err, KL_EIO, NULL, 0, 0, "cannot read '%s': %s", path,
                            S_ISDIR(st.st_mode) ? "Is a directory" : "not a regular file");
    if (opt && opt->max_input_bytes && (uint64_t)st.st_size > opt->max_input_bytes)
        return kl_error_set(err, KL_ELIMIT, path, 0, 0,
                            "file is %lld bytes, more than the limit of %llu (--max-input-bytes)",
                            (long long)st.st_size, (unsigned long long)opt->max_input_bytes);
    return KL_OK;
}

/* A dataset folder may come from someone else: a symbolic link in it that
 * leads out of it would make kluster read, and later write into results,
 * a file the user never named (git refuses such links the same way).
 * Links inside the folder are followed; a broken link or a loop is left to
 * the open's own message. */
static kl_err check_link_in_folder(const char *dir, const char *path, kl_error_t *err)
{
    struct stat st;
    if (lstat(path, &st) < 0 || !S_ISLNK(st.st_mode))
        return KL_OK;
    char *root = realpath(dir, NULL), *target = realpath(path, NULL);
    kl_err rc = KL_OK;
    if (root && target) {
        size_t n = strlen(root);
        int inside = strncmp(target, root, n) == 0 && (target[n] == '/' || (n == 1 && root[0] == '/'));
        if (!inside)
            rc = kl_error_set(err, KL_EINVAL, NULL, 0, 0,
                              "'%s' is a symbolic link out of the dataset folder '%s': kluster does not follow "
                              "links that leave a dataset; copy the file into the folder, or give it as the "
                              "dataset itself",
                              path, dir);
    } else if (errno == ENOMEM) {
        rc = kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    }
    free(root);
    free(target);
    return rc;
}

static kl_err load_folder(kl_dataset_t *ds, const char *dir, const kl_load_options_t *opt, kl_error_t *err)
{
    DIR *d = opendir(dir);
    if (!d && errno == ENOMEM) /* opendir allocates its buffer */
        return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    if (!d)
        return kl_error_set(err, KL_EIO, NULL, 0, 0, "cannot open '%s': %s", dir, strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    kl_err rc = KL_OK;
    int has_entities = 0, has_relations = 0;
    struct dirent *de;
    errno = 0;
    while ((de = readdir(d)) != NULL) {
        const char *name = de->d_name;
        if (!kl_load_folder_reads(name) || strcmp(name, "regions.geojson") == 0)
            continue; /* the outlines are read after the extracts */
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 16;
            char **nn = realloc(names, nc * sizeof *nn);
            if (!nn) {
                rc = kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
                goto cleanup;
            }
            names = nn;
            cap = nc;
        }
        if (!(names[n] = strdup(name))) {
            rc = kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
            goto cleanup;
        }
        n++;
        has_entities |= strcmp(name, "entities.csv") == 0;
        has_relations |= strcmp(name, "relations.csv") == 0;
    }
    if (errno) {
        rc = kl_error_set(err, KL_EIO, NULL, 0, 0, "cannot read folder '%s': %s", dir, strerror(errno));
        goto cleanup;
    }
    if (n == 0) {
        char globs[80];
        rc = kl_error_set(err, KL_EINVAL, NULL, 0, 0,
                          "no extract files in '%s' (expected %s or entities.csv + relations.csv)", dir,
                          kl_input_formats_text(KL_INPUT_FOLDER_GLOBS, globs, sizeof globs));
        goto cleanup;
    }
    if (has_entities != has_relations) {
        rc = kl_error_set(err, KL_EINVAL, NULL, 0, 0, "'%s' has %s but no %s: the CSV set needs both", dir,
                          has_entities ? "entities.csv" : "relations.csv",
                          has_entities ? "relations.csv" : "entities.csv");
        goto cleanup;
    }
    /* byte order of names, so results never depend on the listing order */
    qsort(names, n, sizeof *names, cmp_names);
    size_t dlen = strlen(dir);
    int slash = dlen > 0 && dir[dlen - 1] == '/';
    for (size_t i = 0; i < n && rc == KL_OK; i++) {
        size_t need = dlen + strlen(names[i]) + 2;
        char *path = malloc(need);
        if (!path) {
            rc = kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        snprintf(path, need, "%s%s%s", dir, slash ? "" : "/", names[i]);
        const kl_input_format_t *f = kl_input_format_of(names[i]);
        rc = check_link_in_folder(dir, path, err);
        if (rc == KL_OK)
            rc = check_file(path, opt, err);
        if (rc == KL_OK && f)
            rc = kl_i_input_read(f, ds, path, opt, err);
        else if (rc == KL_OK)
            rc = kl_i_load_csv_file(ds, path, names[i], opt, err);
        free(path);
    }
cleanup:
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    closedir(d);
    return rc;
}

/* The dataset's own region outlines, when it has them: regions.geojson in
 * a folder, X.regions.geojson beside a file X.json (f: its format). */
static kl_err load_outlines(kl_dataset_t *ds, const char *path, const kl_input_format_t *f,
                            const kl_load_options_t *opt, kl_error_t *err)
{
    static const char folder_file[] = "regions.geojson", beside[] = ".regions.geojson";
    size_t len = strlen(path);
    int slash = len > 0 && path[len - 1] == '/';
    char *file = malloc(len + sizeof folder_file + 1);
    if (!file)
        return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    if (f) /* beside[] is longer than any suffix it replaces */
        snprintf(file, len + sizeof folder_file + 1, "%.*s%s", (int)(len - strlen(f->suffix)), path, beside);
    else
        snprintf(file, len + sizeof folder_file + 1, "%s%s%s", path, slash ? "" : "/", folder_file);
    struct stat st;
    kl_err rc = KL_OK;
    /* absent is the usual case; a dangling link is not absent */
    if (lstat(file, &st) == 0 || errno != ENOENT) {
        char *buf = NULL;
        size_t n = 0;
        rc = f ? KL_OK : check_link_in_folder(path, file, err);
        if (rc == KL_OK)
            rc = check_file(file, opt, err);
        if (rc == KL_OK)
            rc = kl_i_read_file(file, opt, &buf, &n, err);
        if (rc == KL_OK)
            rc = kl_load_outlines_buffer(ds, file, buf, n, err);
        free(buf);
    }
    free(file);
    return rc;
}

kl_err kl_load_dataset(kl_dataset_t *ds, const char *path, const kl_load_options_t *opt, kl_error_t *err)
{
    struct stat st;
    kl_err rc;
    if (stat(path, &st) < 0)
        return kl_error_set(err, KL_EIO, NULL, 0, 0, "cannot open '%s': %s", path, strerror(errno));
    if (opt)
        ds->resolve_names = opt->resolve_names;
    const kl_input_format_t *f = kl_input_format_of(path);
    if (S_ISDIR(st.st_mode)) {
        rc = load_folder(ds, path, opt, err);
    } else if (f) {
        if ((rc = check_file(path, opt, err)) != KL_OK)
            return rc;
        rc = kl_i_input_read(f, ds, path, opt, err);
    } else {
        char suffixes[80];
        size_t n = strlen(path);
        static const char *const workbooks[] = {".xlsx", ".xlsm", ".xls", ".ods"};
        for (size_t i = 0; i < sizeof workbooks / sizeof *workbooks; i++) {
            size_t k = strlen(workbooks[i]);
            if (n > k && strcasecmp(path + n - k, workbooks[i]) == 0)
                return kl_error_set(err, KL_EINVAL, NULL, 0, 0,
                                    "'%s' is a spreadsheet workbook: save its sheets as CSV (UTF-8), as "
                                    "entities.csv and relations.csv in a folder, or read them with "
                                    "'kluster import' and an import map (docs/import-maps.md)",
                                    path);
        }
        return kl_error_set(err, KL_EINVAL, NULL, 0, 0, "'%s' is not a dataset (expected a %s file, or a folder)", path,
                            kl_input_formats_text(KL_INPUT_SUFFIXES, suffixes, sizeof suffixes));
    }
    if (rc != KL_OK)
        return rc;
    if (!ds->id && !(ds->id = kl_i_id_from_path(ds, path)))
        return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    if ((rc = kl_dataset_finalize(ds, err)) != KL_OK)
        return rc;
    return load_outlines(ds, path, S_ISDIR(st.st_mode) ? NULL : f, opt, err);
}

kl_err kl_load_buffer(kl_dataset_t *ds, const char *name, const char *data, size_t len, kl_load_format fmt,
                      const kl_load_options_t *opt, kl_error_t *err)
{
    if (opt)
        ds->resolve_names = opt->resolve_names;
    if (opt && opt->max_input_bytes && (uint64_t)len > opt->max_input_bytes)
        return kl_error_set(err, KL_ELIMIT, name, 0, 0,
                            "file is %llu bytes, more than the limit of %llu (--max-input-bytes)",
                            (unsigned long long)len, (unsigned long long)opt->max_input_bytes);
    kl_err rc;
    if (fmt == KL_LOAD_JSON) {
        rc = kl_i_load_json_buffer(ds, name, data, len, opt, err);
    } else if (fmt == KL_LOAD_NDJSON || fmt == KL_LOAD_CSV) {
        /* the stream readers are reused as they are: fmemopen only reads
         * (mode "r"), so casting away const is safe */
        static char empty[1];
        FILE *f = fmemopen(len ? (void *)data : empty, len, "r");
        if (!f)
            return errno == ENOMEM ? kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory")
                                   : kl_error_set(err, KL_EIO, NULL, 0, 0, "cannot open '%s': %s", name,
                                                  strerror(errno));
        if (fmt == KL_LOAD_NDJSON) {
            rc = kl_i_load_ndjson_stream(ds, name, f, opt, err);
        } else {
            const char *base = strrchr(name, '/');
            rc = kl_i_load_csv_stream(ds, name, base ? base + 1 : name, f, opt, err);
        }
    } else {
        return kl_error_set(err, KL_EINVAL, NULL, 0, 0, "unknown input format %d", (int)fmt);
    }
    if (rc == KL_OK && !ds->id && !(ds->id = kl_i_id_from_path(ds, name)))
        return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    return rc;
}
