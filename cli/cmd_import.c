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
           "the format is in the README (kluster import).\n\n"
           "options:\n"
           "  -m, --map FILE         the import map (required)\n"
           "  -o, --output DIR       the dataset folder to write (required)\n"
           "  --region-points FILE   join region codes to points from FILE (CSV code,lat,lon[,name]),\n"
           "                         instead of the map's region_points\n" KL_CLI_COMMON_HELP
           "  -h, --help             this help\n",
           usage_text);
}

#define WARNINGS_PER_KIND 10
static void print_warnings(const kl_dataset_t *ds)
{
    uint32_t shown[KL_WARN_COUNT] = {0}, hidden = 0;
    for (uint32_t i = 0; i < ds->n_warnings; i++) {
        if (shown[ds->warnings[i].kind]++ < WARNINGS_PER_KIND)
            fprintf(stderr, "%s\n", ds->warnings[i].text);
        else
            hidden++;
    }
    if (hidden)
        fprintf(stderr, "kluster: warning: %u more warnings not shown\n", hidden);
}

/* Remove a folder this command created (flat: files only). */
static void remove_flat(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                continue;
            char path[4200];
            snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
            unlink(path);
        }
        closedir(d);
    }
    rmdir(dir);
}

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

int cmd_import(int argc, char **argv)
{
    enum { OPT_POINTS = 1 };
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"map", required_argument, NULL, 'm'},
        {"output", required_argument, NULL, 'o'},
        {"region-points", required_argument, NULL, OPT_POINTS},
        KL_CLI_COMMON_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    kl_cli_common_t common;
    kl_cli_common_init(&common);
    const char *map_path = NULL, *out = NULL, *points = NULL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":hm:o:q", longopts, NULL)) != -1) {
        int got = kl_cli_common_option(&common, c, optarg, "import");
        if (got < 0)
            return KL_EXIT_USAGE;
        if (got)
            continue;
        switch (c) {
        case 'h':
            help();
            return kl_cli_finish(KL_EXIT_OK);
        case 'm':
            map_path = optarg;
            break;
        case 'o':
            out = optarg;
            break;
        case OPT_POINTS:
            points = optarg;
            break;
        default:
            return kl_cli_usage_error("import", usage_text, "%s", kl_cli_bad_option(argv, c));
        }
    }
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
    char *tmp = NULL, *old = NULL, *target = NULL;

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
    kl_err irc = kl_import_run(&ds, map, (const char *const *)(argv + optind), (size_t)(argc - optind), &common.load,
                               &err);
    if (!common.quiet || common.strict)
        print_warnings(&ds);
    if (irc != KL_OK) {
        kl_cli_print_error(&err);
        goto cleanup;
    }
    if (common.strict && ds.n_warnings) {
        kl_cli_error("the import has %u warning%s and --strict is given", ds.n_warnings, ds.n_warnings == 1 ? "" : "s");
        goto cleanup;
    }

    /* the folder is built under a temporary name next to the target and
     * renamed into place, so DATASET_DIR is never half written */
    size_t len = strlen(target) + 32;
    const char *slash = strrchr(target, '/');
    int dirlen = slash ? (int)(slash - target) + 1 : 0;
    tmp = malloc(len);
    old = malloc(len);
    if (!tmp || !old) {
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
    {
        /* mkdtemp makes the folder 0700; a dataset is as readable as any file */
        mode_t um = umask(0);
        umask(um);
        chmod(tmp, 0777 & ~um);
    }
    if (exists) {
        snprintf(old, len, "%.*s.%s.old-XXXXXX", dirlen, target, target + dirlen);
        if (!mkdtemp(old) || rename(target, old) != 0) {
            kl_cli_error("cannot replace '%s': %s", target, strerror(errno));
            goto cleanup;
        }
    }
    if (rename(tmp, target) != 0) {
        kl_cli_error("cannot create '%s': %s", target, strerror(errno));
        if (exists)
            rename(old, target); /* put the previous dataset back */
        goto cleanup;
    }
    kl_cli_temp_unregister(tmp);
    free(tmp);
    tmp = NULL;
    if (exists)
        remove_flat(old);

    uint32_t kinds[KL_KIND_COUNT] = {0};
    for (uint32_t i = 0; i < ds.n_entities; i++)
        kinds[ds.entities[i].kind]++;
    printf("%s: %u entities (", target, ds.n_entities);
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
        remove_flat(tmp);
        kl_cli_temp_unregister(tmp);
    }
    free(tmp);
    free(old);
    free(target);
    kl_dataset_destroy(&ds);
    kl_import_map_free(map);
    return rc == KL_EXIT_OK ? kl_cli_finish(rc) : rc;
}
