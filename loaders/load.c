/* loaders/load.c - what a dataset path is (one extract file or a folder),
 * reading its files in byte order of their names, and the size limits. */
#include "loaders_internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void kl_load_options_init(kl_load_options_t *opt)
{
    memset(opt, 0, sizeof *opt);
}

uint64_t kl_load_bytes(const kl_dataset_t *ds)
{
    return ds->input_bytes;
}

kl_err kl_i_check_limits(const kl_dataset_t *ds, const kl_load_options_t *opt, const char *path, kl_error_t *err)
{
    if (!opt)
        return KL_OK;
    if (opt->max_entities && ds->n_entities > opt->max_entities)
        return kl_error_set(err, KL_ELIMIT, path, 0, 0, "more than %u entities (--max-entities)", opt->max_entities);
    if (opt->max_relations && ds->n_relations > opt->max_relations)
        return kl_error_set(err, KL_ELIMIT, path, 0, 0, "more than %u relations (--max-relations)",
                            opt->max_relations);
    return KL_OK;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && strcmp(s + n - k, suffix) == 0;
}

const char *kl_i_id_from_path(kl_dataset_t *ds, const char *path)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    size_t b = n;
    while (b > 0 && path[b - 1] != '/')
        b--;
    size_t e = n;
    if (n - b > 5 && memcmp(path + n - 5, ".json", 5) == 0)
        e = n - 5;
    else if (n - b > 7 && memcmp(path + n - 7, ".ndjson", 7) == 0)
        e = n - 7;
    else if (n - b > 8 && memcmp(path + n - 8, ".graphml", 8) == 0)
        e = n - 8;
    else if (n - b > 4 && memcmp(path + n - 4, ".gml", 4) == 0)
        e = n - 4;
    return kl_dataset_intern(ds, path + b, e - b);
}

static int is_csv_table(const char *name)
{
    return strcmp(name, "entities.csv") == 0 || strcmp(name, "relations.csv") == 0 ||
           strcmp(name, "regions.csv") == 0 || strcmp(name, "sources.csv") == 0;
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
        if (name[0] == '.')
            continue;
        if (!ends_with(name, ".json") && !ends_with(name, ".ndjson") && !is_csv_table(name))
            continue;
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
        rc = kl_error_set(err, KL_EINVAL, NULL, 0, 0,
                          "no extract files in '%s' (expected *.json, *.ndjson or entities.csv + relations.csv)",
                          dir);
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
        rc = check_file(path, opt, err);
        if (rc == KL_OK && ends_with(names[i], ".ndjson"))
            rc = kl_i_load_ndjson(ds, path, opt, err);
        else if (rc == KL_OK && ends_with(names[i], ".json"))
            rc = kl_i_load_json(ds, path, opt, err);
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

kl_err kl_load_dataset(kl_dataset_t *ds, const char *path, const kl_load_options_t *opt, kl_error_t *err)
{
    struct stat st;
    kl_err rc;
    if (stat(path, &st) < 0)
        return kl_error_set(err, KL_EIO, NULL, 0, 0, "cannot open '%s': %s", path, strerror(errno));
    if (opt)
        ds->resolve_names = opt->resolve_names;
    if (S_ISDIR(st.st_mode))
        rc = load_folder(ds, path, opt, err);
    else if ((ends_with(path, ".ndjson") || ends_with(path, ".json")) && (rc = check_file(path, opt, err)) != KL_OK)
        return rc;
    else if (ends_with(path, ".ndjson"))
        rc = kl_i_load_ndjson(ds, path, opt, err);
    else if (ends_with(path, ".json"))
        rc = kl_i_load_json(ds, path, opt, err);
    else if ((ends_with(path, ".graphml") || ends_with(path, ".gml")) && (rc = check_file(path, opt, err)) != KL_OK)
        return rc;
    else if (ends_with(path, ".graphml") || ends_with(path, ".gml"))
        rc = kl_i_load_graph(ds, path, ends_with(path, ".gml"), opt, err);
    else
        return kl_error_set(err, KL_EINVAL, NULL, 0, 0,
                            "'%s' is not a dataset (expected a .json, .ndjson, .graphml or .gml file, or a folder)",
                            path);
    if (rc != KL_OK)
        return rc;
    if (!ds->id && !(ds->id = kl_i_id_from_path(ds, path)))
        return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    return kl_dataset_finalize(ds, err);
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
