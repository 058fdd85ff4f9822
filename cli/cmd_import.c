/* cli/cmd_import.c - `kluster import`: tables (CSV) into a dataset folder of
 * extracts, as an import map says; the folder appears whole or not at all. */
#include "commands.h"
#include "../writers/writers.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage_text[] =
    "usage: kluster import --map MAP.json [--region-points FILE] [OPTIONS] INPUT.csv... -o DATASET_DIR\n";

static void help(void)
{
    printf("%s\n"
           "Convert tables (a participation list, one row per organisation in a project) into\n"
           "a dataset folder of extracts, as MAP.json says: delimiter and encoding, which\n"
           "columns give ids, names, kinds, regions and types, how a row becomes relations.\n"
           "The folder holds dataset.json (dataset, sources, regions) and extract.ndjson\n"
           "(entities and relations); it is written under a temporary name and renamed when\n"
           "complete.  An existing DATASET_DIR is replaced only if kluster import wrote it.\n"
           "Maps for CORDIS H2020 and the Norwegian H2020 participants are in loaders/maps/;\n"
           "the format is in docs/import-maps.md.\n\n"
           "options:\n"
           "  -m, --map FILE         the import map (required)\n"
           "  -o, --output DIR       the dataset folder to write (required)\n"
           "  --region-points FILE   join region codes to points from FILE (CSV code,lat,lon[,name]),\n"
           "                         instead of the map's region_points\n" KL_CLI_COMMON_HELP
           "  -h, --help             this help\n",
           usage_text);
}

/* The file that marks a folder this command wrote (it may replace it). */
#define MARKER ".kluster-import"

/* May an existing path be replaced?  Only a folder that is empty or that
 * this command wrote (it holds the marker file). */
static int replaceable(const char *dir, int *exists)
{
    struct stat st;
    *exists = 0;
    if (lstat(dir, &st) < 0)
        return errno == ENOENT;
    *exists = 1;
    if (!S_ISDIR(st.st_mode))
        return 0;
    char path[4200];
    snprintf(path, sizeof path, "%s/" MARKER, dir);
    if (access(path, F_OK) == 0)
        return 1;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int empty = 1;
    struct dirent *de;
    while (empty && (de = readdir(d)) != NULL)
        empty = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..");
    closedir(d);
    return empty;
}

static int write_file(const char *dir, const char *name, const kl_dataset_t *ds, int ndjson, int parts,
                      const char *text)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        kl_cli_error("cannot create '%s': %s", path, strerror(errno));
        return -1;
    }
    errno = 0;
    int rc = text ? (fputs(text, f) < 0 ? -1 : 0) : kl_export_extract(f, ds, ndjson, parts);
    int e = errno;
    if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0) {
        rc = -1;
        e = errno ? errno : EIO;
    }
    if (fclose(f) != 0 && rc == 0) {
        rc = -1;
        e = errno;
    }
    if (rc != 0)
        kl_cli_error("cannot write '%s': %s", path, strerror(e ? e : EIO));
    return rc;
}

enum { OPT_POINTS = 1 };

typedef struct {
    const char *map_path, *out, *points;
} import_t;

static int option(int c, const char *arg, int argc, char **argv, void *ctx)
{
    import_t *im = ctx;
    switch (c) {
    case 'm': im->map_path = arg; return KL_CLI_HANDLED;
    case 'o': im->out = arg; return KL_CLI_HANDLED;
    case OPT_POINTS: im->points = arg; return KL_CLI_HANDLED;
    }
    return KL_CLI_UNKNOWN;
}

int cmd_import(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"map", required_argument, NULL, 'm'},
        {"output", required_argument, NULL, 'o'},
        {"region-points", required_argument, NULL, OPT_POINTS},
        {NULL, 0, NULL, 0},
    };
    kl_cli_options_t o;
    kl_cli_options_init(&o);
    import_t im = {NULL, NULL, NULL};
    const kl_cli_command_t cmd = {"import", usage_text, help, "m:o:", longopts, KL_CLI_DATASET, option, &im};
    int prc = kl_cli_parse(&cmd, argc, argv, &o);
    if (prc != KL_CLI_GO_ON)
        return prc;
    const char *map_path = im.map_path, *out = im.out, *points = im.points;
    if (!map_path)
        return kl_cli_usage_error("import", usage_text, "no import map given (--map)");
    if (optind >= argc)
        return kl_cli_usage_error("import", usage_text, "no input table given");
    if (!out || !*out)
        return kl_cli_usage_error("import", usage_text, "no output folder given (-o DATASET_DIR)");

    kl_error_t err = {0};
    kl_import_map_t *map = NULL;
    kl_dataset_t ds;
    memset(&ds, 0, sizeof ds);
    int rc = KL_EXIT_FAILURE, exists = 0;
    char *tmp = NULL, *target = NULL;

    if (kl_cli_check_output(out, NULL))
        goto cleanup;
    if (kl_import_map_load(&map, map_path, &err) != KL_OK) {
        kl_cli_print_error(&err);
        goto cleanup;
    }
    if (points && kl_import_map_set_points(map, points, &err) != KL_OK) {
        kl_cli_print_error(&err);
        goto cleanup;
    }
    /* refuse early, before reading a large table */
    target = strdup(out);
    if (!target) {
        kl_cli_error("out of memory");
        goto cleanup;
    }
    for (size_t n = strlen(target); n > 1 && target[n - 1] == '/'; n--)
        target[n - 1] = 0;
    if (!replaceable(target, &exists)) {
        if (exists)
            kl_cli_error("'%s' exists and was not written by kluster import; remove it or choose another folder",
                         target);
        else
            kl_cli_error("cannot use '%s': %s", target, strerror(errno));
        goto cleanup;
    }
    if (kl_dataset_init(&ds) != KL_OK) {
        kl_cli_error("out of memory");
        goto cleanup;
    }
    kl_err irc = kl_import_run(&ds, map, (const char *const *)(argv + optind), (size_t)(argc - optind), &o.run.load,
                               &err);
    if (!o.quiet || o.run.strict)
        kl_cli_print_warnings(&ds);
    if (irc != KL_OK) {
        kl_cli_print_error(&err);
        goto cleanup;
    }
    if (o.run.strict && ds.n_warnings) {
        kl_cli_error("the import has %u warning%s and --strict is given", ds.n_warnings, ds.n_warnings == 1 ? "" : "s");
        goto cleanup;
    }

    /* the folder is built under a temporary name next to the target and
     * renamed into place, so DATASET_DIR is never half written */
    size_t len = strlen(target) + 32;
    const char *slash = strrchr(target, '/');
    int dirlen = slash ? (int)(slash - target) + 1 : 0;
    tmp = malloc(len);
    if (!tmp) {
        kl_cli_error("out of memory");
        goto cleanup;
    }
    snprintf(tmp, len, "%.*s.%s.tmp-XXXXXX", dirlen, target, target + dirlen);
    if (kl_cli_temp_create(tmp, 1) != 0) { /* an interrupt removes it */
        kl_cli_error("cannot create a folder next to '%s': %s", target, strerror(errno));
        free(tmp);
        tmp = NULL;
        goto cleanup;
    }
    char marker[4400];
    snprintf(marker, sizeof marker, "kluster import --map %s (%d input%s)\n", map_path, argc - optind,
             argc - optind == 1 ? "" : "s");
    if (write_file(tmp, "dataset.json", &ds, 0, KL_EXTRACT_HEADER, NULL) ||
        write_file(tmp, "extract.ndjson", &ds, 1, KL_EXTRACT_RECORDS, NULL) ||
        write_file(tmp, MARKER, &ds, 0, 0, marker))
        goto cleanup;
    if (kl_cli_replace_folder(tmp, target, exists) != 0) {
        kl_cli_error("cannot %s '%s': %s", exists ? "replace" : "create", target, strerror(errno));
        goto cleanup;
    }
    free(tmp);
    tmp = NULL;

    uint32_t kinds[KL_KIND_COUNT] = {0};
    for (uint32_t i = 0; i < ds.n_entities; i++)
        kinds[ds.entities[i].kind]++;
    kl_cli_put(stdout, target);
    printf(": %u entities (", ds.n_entities);
    int first = 1;
    for (int k = 0; k < KL_KIND_COUNT; k++)
        if (kinds[k]) {
            printf("%s%u %s", first ? "" : ", ", kinds[k], kl_kind_name((kl_kind)k));
            first = 0;
        }
    printf("), %u relations, %u regions, %u source%s from %d file%s; %u warning%s\n", ds.n_relations, ds.n_regions,
           ds.n_sources, ds.n_sources == 1 ? "" : "s", argc - optind, argc - optind == 1 ? "" : "s", ds.n_warnings,
           ds.n_warnings == 1 ? "" : "s");
    rc = KL_EXIT_OK;
cleanup:
    if (tmp) {
        kl_cli_remove_tree(tmp);
        kl_cli_temp_unregister(tmp);
    }
    free(tmp);
    free(target);
    kl_dataset_destroy(&ds);
    kl_import_map_free(map);
    return rc == KL_EXIT_OK ? kl_cli_finish(rc) : rc;
}
