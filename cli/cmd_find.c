/* cli/cmd_find.c - `kluster find TEXT DATASET`: the actors whose id, name or
 * alias contains TEXT, ignoring case and accents, so that an analyst who
 * knows a name finds the id the other commands also accept. */
#include "commands.h"
#include "../writers/writers.h"

#include <stdlib.h>
#include <string.h>

static const char usage_text[] = "usage: kluster find [OPTIONS] TEXT DATASET\n";

static void help(void)
{
    printf("%s\nList the actors of DATASET whose id, name or an alias contains TEXT, ignoring\n"
           "case and accents (\"malmo\" finds \"Malmö\"): id, name, kind, region and degree\n"
           "(ties in the analysis graph of --mode and the other graph options; '-' when the\n"
           "actor is not in it).  Those named by TEXT as a whole come first, then those whose\n"
           "id, name or alias starts with it, then the others; each group by degree, highest\n"
           "first.\n"
           "Every command that takes an actor (--ego, --path, --remove) accepts its id, its\n"
           "name or alias, or the start of one.\n\noptions:\n"
           "  --format text|csv      an aligned table (default) or CSV with a header row\n"
           "  --top N                list at most N actors (default 50; 0: all)\n"
           KL_CLI_GRAPH_HELP KL_CLI_COMMON_HELP
           "  -h, --help             this help\n",
           usage_text);
}

enum { OPT_FORMAT = 1, OPT_TOP };

typedef struct {
    int csv;
    unsigned long long top;
} find_args_t;

static int option(int opt, const char *arg, int argc, char **argv, void *ctx)
{
    find_args_t *f = ctx;
    switch (opt) {
    case OPT_FORMAT:
        if (strcmp(arg, "text") == 0)
            f->csv = 0;
        else if (strcmp(arg, "csv") == 0)
            f->csv = 1;
        else
            return kl_cli_usage_error("find", usage_text, "unknown format '%s' (text or csv)", arg);
        return KL_CLI_HANDLED;
    case OPT_TOP:
        if (kl_cli_parse_u64(arg, UINT32_MAX, &f->top) < 0)
            return kl_cli_usage_error("find", usage_text, "invalid number '%s' for --top (0: all)", arg);
        return KL_CLI_HANDLED;
    }
    return KL_CLI_UNKNOWN;
}

typedef struct {
    uint32_t entity;
    int group;       /* 0: named as a whole, 1: name starts with it, 2: contains it */
    long degree;     /* -1: not in the analysis graph */
} found_t;

static int cmp_found(const void *x, const void *y)
{
    const found_t *a = x, *b = y;
    if (a->group != b->group)
        return a->group - b->group;
    if (a->degree != b->degree)
        return a->degree > b->degree ? -1 : 1;
    return (a->entity > b->entity) - (a->entity < b->entity);
}

static int fold_group(const char *name, const char *folded, size_t len)
{
    char f[512];
    size_t n = kl_fold(name, f, sizeof f);
    return n >= len && memcmp(f, folded, len) == 0 ? n == len ? 0 : 1 : 2;
}

/* group[e] for each found entity (others stay 3): 0 when text names it as
 * a whole (id, name or alias), 1 when one of those starts with it, 2 when
 * it occurs inside one.  One pass over the aliases for all of them. */
static void match_groups(const kl_dataset_t *ds, const found_t *found, size_t n, int8_t *group, const char *folded,
                         size_t len)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t e = found[i].entity;
        int a = fold_group(ds->entities[e].id, folded, len), b = fold_group(ds->entities[e].name, folded, len);
        group[e] = (int8_t)(a < b ? a : b);
    }
    for (uint32_t k = 0; k < ds->n_aliases; k++) {
        uint32_t e = ds->aliases[k].entity;
        if (group[e] > 0 && group[e] < 3) {
            int g = fold_group(ds->aliases[k].alias, folded, len);
            if (g < group[e])
                group[e] = (int8_t)g;
        }
    }
}

static const char *region_of(const kl_dataset_t *ds, uint32_t e)
{
    int32_t r = ds->actor_region ? ds->actor_region[e] : ds->entities[e].region;
    return r >= 0 ? ds->regions[r].name : "";
}

static void csv_field(const char *s, int last)
{
    char small[512];
    size_t len = kl_csv_escape(s, small, sizeof small);
    if (len < sizeof small)
        fputs(small, stdout);
    else {
        char *big = malloc(len + 1);
        if (big) {
            kl_csv_escape(s, big, len + 1);
            fputs(big, stdout);
            free(big);
        }
    }
    fputc(last ? '\n' : ',', stdout);
}

static int print_found(const kl_dataset_t *ds, const found_t *found, size_t shown, int csv)
{
    char num[24];
    if (csv) {
        fputs("id,name,kind,region,degree\n", stdout);
        for (size_t i = 0; i < shown; i++) {
            const kl_entity_t *e = &ds->entities[found[i].entity];
            csv_field(e->id, 0);
            csv_field(e->name, 0);
            csv_field(kl_kind_name(e->kind), 0);
            csv_field(region_of(ds, found[i].entity), 0);
            /* an actor outside the analysis graph has no degree: empty */
            snprintf(num, sizeof num, "%ld", found[i].degree);
            csv_field(found[i].degree < 0 ? "" : num, 1);
        }
        return 0;
    }
    /* column widths in characters, names cut as reports cut them */
    int wid = 2, wname = 4, wregion = 6;
    char buf[KL_SHOWN_SIZE];
    for (size_t i = 0; i < shown; i++) {
        const kl_entity_t *e = &ds->entities[found[i].entity];
        const char *cols[3] = {e->id, kl_shown_name(e->name, buf), region_of(ds, found[i].entity)};
        int *w[3] = {&wid, &wname, &wregion};
        for (int k = 0; k < 3; k++) {
            int chars = 0;
            for (const unsigned char *p = (const unsigned char *)cols[k]; *p; p++)
                chars += (*p & 0xC0) != 0x80;
            if (chars > *w[k])
                *w[k] = chars > 60 ? 60 : chars;
        }
    }
    int failed = kl_cli_print_padded(stdout, "id", wid + 2) < 0 || kl_cli_print_padded(stdout, "name", wname + 2) < 0 ||
                 kl_cli_print_padded(stdout, "kind", 14) < 0 || kl_cli_print_padded(stdout, "region", wregion + 2) < 0;
    puts("degree");
    for (size_t i = 0; i < shown && !failed; i++) {
        const kl_entity_t *e = &ds->entities[found[i].entity];
        failed = kl_cli_print_padded(stdout, e->id, wid + 2) < 0 ||
                 kl_cli_print_padded(stdout, kl_shown_name(e->name, buf), wname + 2) < 0 ||
                 kl_cli_print_padded(stdout, kl_kind_name(e->kind), 14) < 0 ||
                 kl_cli_print_padded(stdout, region_of(ds, found[i].entity), wregion + 2) < 0;
        if (found[i].degree < 0)
            puts("-");
        else
            printf("%ld\n", found[i].degree);
    }
    return failed ? -1 : 0;
}

int cmd_find(int argc, char **argv)
{
    find_args_t f = {0, 50};
    static const struct option longopts[] = {{"format", required_argument, NULL, OPT_FORMAT},
                                             {"top", required_argument, NULL, OPT_TOP},
                                             {NULL, 0, NULL, 0}};
    kl_cli_options_t o;
    kl_cli_options_init(&o);
    const kl_cli_command_t cmd = {"find", usage_text, help, NULL, longopts, KL_CLI_DATASET | KL_CLI_GRAPH, option, &f};
    int rc = kl_cli_parse(&cmd, argc, argv, &o);
    if (rc != KL_CLI_GO_ON)
        return rc;
    if (argc - optind != 2)
        return kl_cli_usage_error("find", usage_text, argc - optind < 2 ? "TEXT and DATASET expected"
                                                                         : "one TEXT and one DATASET expected");
    if ((rc = kl_cli_check(&cmd, &o)) != KL_CLI_GO_ON)
        return rc;
    const char *text = argv[optind], *path = argv[optind + 1];
    char folded[512];
    size_t len = kl_fold(text, folded, sizeof folded);
    if (len == 0)
        return kl_cli_usage_error("find", usage_text, "TEXT is empty");

    kl_run_t run;
    kl_run_init(&run);
    found_t *found = NULL;
    uint32_t *idx = NULL;
    int8_t *group = NULL;
    rc = KL_EXIT_FAILURE;
    if (kl_cli_run_load(&run, path, &o) != 0 || kl_cli_run_build(&run, &o) != 0)
        goto cleanup;
    const kl_dataset_t *ds = &run.ds;
    const kl_agraph_t *g = &run.g;
    idx = malloc(((size_t)ds->n_entities + 1) * sizeof *idx);
    found = malloc(((size_t)ds->n_entities + 1) * sizeof *found);
    if (!idx || !found) {
        kl_cli_error("out of memory");
        goto cleanup;
    }
    size_t n = kl_dataset_search_entities(ds, text, idx, ds->n_entities);
    group = malloc((size_t)ds->n_entities + 1);
    if (!group) {
        kl_cli_error("out of memory");
        goto cleanup;
    }
    memset(group, 3, (size_t)ds->n_entities + 1);
    for (size_t i = 0; i < n; i++) {
        uint32_t e = idx[i];
        int32_t v = g->entity_vertex[e];
        found[i] = (found_t){e, 2, v < 0 ? -1 : (long)(g->csr.offset[v + 1] - g->csr.offset[v])};
    }
    match_groups(ds, found, n, group, folded, len);
    for (size_t i = 0; i < n; i++)
        found[i].group = group[found[i].entity];
    qsort(found, n, sizeof *found, cmp_found);
    size_t shown = f.top && n > f.top ? (size_t)f.top : n;
    if (n == 0) {
        kl_cli_error("no actor's id, name or alias contains '%s' in '%s'", text, path);
        goto cleanup;
    }
    if (print_found(ds, found, shown, f.csv) != 0 || fflush(stdout) != 0) {
        kl_cli_error("cannot write to standard output");
        goto cleanup;
    }
    if (shown < n && !o.quiet)
        kl_cli_line(stderr, "kluster find: %zu more actor%s match%s; --top 0 lists them all", n - shown,
                    n - shown == 1 ? "" : "s", n - shown == 1 ? "es" : "");
    rc = kl_cli_finish(KL_EXIT_OK);
cleanup:
    free(idx);
    free(found);
    free(group);
    kl_run_destroy(&run);
    return rc;
}
