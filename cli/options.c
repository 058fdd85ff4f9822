/* cli/options.c - the one option parser of the commands: the options every
 * command that reads a dataset takes (limits, --strict, --quiet), those that
 * choose the analysis graph and its paths, the sampling policy's and the
 * seed, all parsed into one kl_run_options_t; the command's own options go
 * to its handler.  Messages and exit codes are those of every command. */
#include "commands.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Option values of the shared groups, above any command's own. */
enum {
    OPT_RESOLVE_NAMES = KL_OPT_COMMON, OPT_STRICT, OPT_MAX_INPUT_BYTES, OPT_MAX_ENTITIES, OPT_MAX_RELATIONS, OPT_KIND_ATTR,
    OPT_REGION_ATTR,
    OPT_FROM = 2000, OPT_TO, OPT_MODE, OPT_TIES, OPT_EXCLUDE_KIND, OPT_WEIGHTS, OPT_THREADS,
    OPT_MAX_PROJECT_SIZE, OPT_MAX_TIES, OPT_MAX_REGIONS,
    OPT_EPSILON = 3000, OPT_DELTA, OPT_EXACT, OPT_SAMPLES, OPT_SEED,
    OPT_LANG = 4000
};

static const struct option dataset_options[] = {
    {"resolve-names", no_argument, NULL, OPT_RESOLVE_NAMES},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"max-input-bytes", required_argument, NULL, OPT_MAX_INPUT_BYTES},
    {"max-entities", required_argument, NULL, OPT_MAX_ENTITIES},
    {"max-relations", required_argument, NULL, OPT_MAX_RELATIONS},
    {"kind-attr", required_argument, NULL, OPT_KIND_ATTR},
    {"region-attr", required_argument, NULL, OPT_REGION_ATTR},
    {"quiet", no_argument, NULL, 'q'},
    {NULL, 0, NULL, 0},
};
static const struct option graph_options[] = {
    {"from", required_argument, NULL, OPT_FROM},
    {"to", required_argument, NULL, OPT_TO},
    {"mode", required_argument, NULL, OPT_MODE},
    {"ties", required_argument, NULL, OPT_TIES},
    {"exclude-kind", required_argument, NULL, OPT_EXCLUDE_KIND},
    {"weights", no_argument, NULL, OPT_WEIGHTS},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"max-project-size", required_argument, NULL, OPT_MAX_PROJECT_SIZE},
    {"max-ties", required_argument, NULL, OPT_MAX_TIES},
    {"max-regions", required_argument, NULL, OPT_MAX_REGIONS},
    {NULL, 0, NULL, 0},
};
static const struct option sampling_options[] = {
    {"epsilon", required_argument, NULL, OPT_EPSILON},
    {"delta", required_argument, NULL, OPT_DELTA},
    {"exact", no_argument, NULL, OPT_EXACT},
    {NULL, 0, NULL, 0},
};
static const struct option samples_options[] = {
    {"samples", required_argument, NULL, OPT_SAMPLES},
    {NULL, 0, NULL, 0},
};
static const struct option lang_options[] = {
    {"lang", required_argument, NULL, OPT_LANG},
    {NULL, 0, NULL, 0},
};
static const struct option seed_options[] = {
    {"seed", required_argument, NULL, OPT_SEED},
    {NULL, 0, NULL, 0},
};

void kl_cli_options_init(kl_cli_options_t *o)
{
    memset(o, 0, sizeof *o);
    kl_run_options_init(&o->run);
    /* defaults that stop a runaway input long before memory runs out on a
     * 24 GiB machine, and never bother a real dataset */
    o->run.load.max_input_bytes = 16ull << 30;
    o->run.load.max_entities = 100000000u;
    o->run.load.max_relations = 400000000u;
}

/* A probability strictly between 0 and 1. */
static int parse_open_unit(const char *arg, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(arg, &end);
    if (errno || end == arg || *end || !(v > 0 && v < 1))
        return -1;
    *out = v;
    return 0;
}

/* Comma-separated names into a bit set through name_of (a name -> bit
 * index, or -1); -1 with the unknown name copied into bad. */
static int parse_names(const char *arg, int (*name_of)(const char *, size_t), uint32_t *bits, char *bad,
                       size_t badsize)
{
    const char *p = arg;
    for (;;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        int k = name_of(p, len);
        if (k < 0) {
            snprintf(bad, badsize, "%.*s", (int)len, p);
            return -1;
        }
        *bits |= 1u << k;
        if (!end)
            return 0;
        p = end + 1;
    }
}

static int reltype_of(const char *p, size_t len)
{
    if (len == 5 && strncmp(p, "other", 5) == 0)
        return KL_REL_OTHER;
    for (int k = 0; k < KL_REL_OTHER; k++) {
        const char *name = kl_reltype_name((kl_reltype)k);
        if (strlen(name) == len && strncmp(p, name, len) == 0)
            return k;
    }
    return -1;
}

static int kind_of(const char *p, size_t len)
{
    char name[64];
    if (len >= sizeof name)
        return -1;
    snprintf(name, sizeof name, "%.*s", (int)len, p);
    return kl_kind_parse(name);
}

static int parse_ties(const char *arg, uint32_t *bits, char *bad, size_t badsize)
{
    return parse_names(arg, reltype_of, bits, bad, badsize);
}

static int parse_kinds(const char *arg, uint32_t *bits, char *bad, size_t badsize)
{
    return parse_names(arg, kind_of, bits, bad, badsize);
}

int kl_cli_pick_format(const char *arg)
{
    if (strcmp(arg, "json") == 0)
        return 0;
    if (strcmp(arg, "csv") == 0)
        return 1;
    if (strcmp(arg, "md") == 0 || strcmp(arg, "markdown") == 0)
        return 2;
    if (strcmp(arg, "xlsx") == 0)
        return 3;
    return -1;
}

int kl_cli_pick_communities(const char *arg)
{
    if (strcmp(arg, "leiden") == 0)
        return KL_COMMUNITIES_LEIDEN;
    if (strcmp(arg, "louvain") == 0)
        return KL_COMMUNITIES_LOUVAIN;
    return -1;
}

/* The dataset group; 1 handled, 0 not one of them, -1 after a message. */
static int dataset_option(kl_cli_options_t *o, int opt, const char *arg, const char *cmd)
{
    unsigned long long v;
    kl_load_options_t *load = &o->run.load;
    switch (opt) {
    case OPT_RESOLVE_NAMES: load->resolve_names = 1; return 1;
    case OPT_STRICT: o->run.strict = 1; return 1;
    case 'q': o->quiet = 1; return 1;
    case OPT_KIND_ATTR: load->kind_attr = arg; return 1;
    case OPT_REGION_ATTR: load->region_attr = arg; return 1;
    case OPT_MAX_INPUT_BYTES:
    case OPT_MAX_ENTITIES:
    case OPT_MAX_RELATIONS: {
        unsigned long long max = opt == OPT_MAX_INPUT_BYTES ? UINT64_MAX : UINT32_MAX;
        if (kl_cli_parse_u64(arg, max, &v) < 0 || v == 0) {
            kl_cli_line(stderr, "kluster %s: error: invalid number '%s' for --%s", cmd, arg,
                    opt == OPT_MAX_INPUT_BYTES ? "max-input-bytes"
                    : opt == OPT_MAX_ENTITIES  ? "max-entities"
                                               : "max-relations");
            return -1;
        }
        if (opt == OPT_MAX_INPUT_BYTES)
            load->max_input_bytes = v;
        else if (opt == OPT_MAX_ENTITIES)
            load->max_entities = (uint32_t)v;
        else
            load->max_relations = (uint32_t)v;
        return 1;
    }
    }
    return 0;
}

static int graph_option(kl_cli_options_t *o, int opt, const char *arg, const kl_cli_command_t *cmd)
{
    char bad[128];
    unsigned long long v;
    kl_graph_options_t *g = &o->run.graph;
    switch (opt) {
    case OPT_FROM:
    case OPT_TO: {
        int32_t d;
        int to = opt == OPT_TO;
        if (kl_date_parse(arg, to, &d) < 0) {
            kl_cli_usage_error(cmd->name, cmd->usage, "invalid date '%s' for --%s (YYYY or YYYY-MM-DD)", arg,
                               to ? "to" : "from");
            return -1;
        }
        if (to)
            g->to = d;
        else
            g->from = d;
        return 1;
    }
    case OPT_MODE:
        if (strcmp(arg, "full") == 0)
            g->mode = KL_MODE_FULL;
        else if (strcmp(arg, "organisations") == 0 || strcmp(arg, "organizations") == 0)
            g->mode = KL_MODE_ORGANISATIONS;
        else {
            kl_cli_usage_error(cmd->name, cmd->usage, "unknown mode '%s' (full or organisations)", arg);
            return -1;
        }
        return 1;
    case OPT_TIES:
        if (parse_ties(arg, &g->tie_types, bad, sizeof bad) < 0) {
            const char *types[KL_REL_OTHER + 1];
            for (int k = 0; k < KL_REL_OTHER; k++)
                types[k] = kl_reltype_name((kl_reltype)k);
            types[KL_REL_OTHER] = "other";
            const char *near = kl_nearest(bad, types, KL_REL_OTHER + 1);
            char list[512] = "";
            for (int k = 0; k <= KL_REL_OTHER; k++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", k ? ", " : "", types[k]);
            if (near)
                kl_cli_usage_error(cmd->name, cmd->usage, "unknown relation type '%s' in --ties; did you mean '%s'?",
                                   bad, near);
            else
                kl_cli_usage_error(cmd->name, cmd->usage, "unknown relation type '%s' in --ties (the types: %s)", bad,
                                   list);
            return -1;
        }
        return 1;
    case OPT_EXCLUDE_KIND:
        if (parse_kinds(arg, &g->exclude_kinds, bad, sizeof bad) < 0) {
            const char *kinds[KL_KIND_COUNT];
            for (int k = 0; k < KL_KIND_COUNT; k++)
                kinds[k] = kl_kind_name((kl_kind)k);
            const char *near = kl_nearest(bad, kinds, KL_KIND_COUNT);
            kl_cli_usage_error(cmd->name, cmd->usage,
                               "unknown kind '%s' for --exclude-kind (organisation, person, project, funder)%s%s%s",
                               bad, near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
            return -1;
        }
        return 1;
    case OPT_WEIGHTS:
        o->run.weighted = 1;
        return 1;
    case OPT_THREADS:
        if (kl_cli_parse_u64(arg, 1024, &v) < 0 || v == 0) {
            kl_cli_usage_error(cmd->name, cmd->usage, "invalid number '%s' for --threads (1 to 1024)", arg);
            return -1;
        }
        o->run.threads = (int)v;
        return 1;
    case OPT_MAX_PROJECT_SIZE:
    case OPT_MAX_TIES:
    case OPT_MAX_REGIONS: {
        /* graph budgets: 0 lifts the limit */
        const char *name = opt == OPT_MAX_TIES ? "max-ties" : opt == OPT_MAX_REGIONS ? "max-regions" : "max-project-size";
        if (kl_cli_parse_u64(arg, opt == OPT_MAX_TIES ? UINT64_MAX : UINT32_MAX, &v) < 0) {
            kl_cli_usage_error(cmd->name, cmd->usage, "invalid number '%s' for --%s (0: no limit)", arg, name);
            return -1;
        }
        if (opt == OPT_MAX_TIES)
            g->max_ties = v;
        else if (opt == OPT_MAX_REGIONS)
            o->run.max_regions = (uint32_t)v;
        else
            g->max_project_size = (uint32_t)v;
        return 1;
    }
    }
    return 0;
}

static int sampling_option(kl_cli_options_t *o, int opt, const char *arg, const kl_cli_command_t *cmd)
{
    unsigned long long v;
    kl_sampling_request_t *s = &o->run.sampling;
    switch (opt) {
    case OPT_EPSILON:
    case OPT_DELTA: {
        int eps = opt == OPT_EPSILON;
        if (parse_open_unit(arg, eps ? &s->epsilon : &s->delta) < 0) {
            kl_cli_usage_error(cmd->name, cmd->usage, "invalid value '%s' for --%s (a number between 0 and 1, e.g. %s)",
                               arg, eps ? "epsilon" : "delta", eps ? "0.01" : "0.1");
            return -1;
        }
        return 1;
    }
    case OPT_EXACT:
        s->exact = 1;
        return 1;
    case OPT_SAMPLES:
        if (kl_cli_parse_u64(arg, UINT32_MAX, &v) < 0 || v == 0) {
            kl_cli_usage_error(cmd->name, cmd->usage, "invalid number '%s' for --samples", arg);
            return -1;
        }
        s->samples = (uint32_t)v;
        return 1;
    case OPT_SEED:
        if (kl_cli_parse_u64(arg, UINT32_MAX, &v) < 0) {
            kl_cli_usage_error(cmd->name, cmd->usage, "invalid seed '%s' (0 to 4294967295)", arg);
            return -1;
        }
        o->run.seed = v;
        return 1;
    }
    return 0;
}

/* KLUSTER_EXACT_LIMIT: unset or empty leaves the defaults; otherwise a
 * number >= 0 (0: sample every graph with a tie) that lowers both limits
 * of the policy, so that tests can exercise sampling on small graphs. */
static int read_exact_limit(kl_sampling_request_t *s)
{
    const char *env = getenv(KL_CLI_EXACT_LIMIT_ENV);
    if (!env || !*env)
        return 0;
    char *end;
    errno = 0;
    double v = strtod(env, &end);
    if (errno || end == env || *end || !(v >= 0) || !isfinite(v)) {
        kl_cli_error("invalid %s '%s' (a number of actor x tie products, e.g. 1e6)", KL_CLI_EXACT_LIMIT_ENV, env);
        return -1;
    }
    s->exact_work_limit = s->broker_work_limit = v;
    return 0;
}

/* KLUSTER_KERNEL: switches of the path kernel's reductions for benchmarks,
 * a comma-separated list of no-leaves, no-twins, separate-brokers and top-down (unset or
 * empty: all on).  The results are the same up to rounding. */
static int read_kernel_switches(unsigned *kernel)
{
    static const struct {
        const char *name;
        unsigned bit;
    } known[] = {{"no-leaves", KL_KERNEL_NO_LEAVES},
                 {"separate-brokers", KL_KERNEL_SEPARATE_BROKERS},
                 {"no-twins", KL_KERNEL_NO_TWINS},
                 {"top-down", KL_KERNEL_NO_LEVELS}};
    const char *env = getenv(KL_CLI_KERNEL_ENV);
    *kernel = 0;
    for (const char *s = env ? env : ""; *s;) {
        size_t len = strcspn(s, ","), k = 0;
        while (k < sizeof known / sizeof *known && !(strlen(known[k].name) == len && !strncmp(s, known[k].name, len)))
            k++;
        if (k == sizeof known / sizeof *known) {
            kl_cli_error("invalid %s '%s' (a list of no-leaves, no-twins, separate-brokers, top-down)", KL_CLI_KERNEL_ENV, env);
            return -1;
        }
        *kernel |= known[k].bit;
        s += len + (s[len] == ',');
    }
    return 0;
}

/* Contradicting sampling options; 0 or -1 after a usage error. */
static int sampling_check(const kl_sampling_request_t *s, const kl_cli_command_t *cmd)
{
    if (s->delta > 0 && s->epsilon == 0) {
        kl_cli_usage_error(cmd->name, cmd->usage, "--delta needs --epsilon");
        return -1;
    }
    if (s->exact && (s->epsilon > 0 || s->samples)) {
        kl_cli_usage_error(cmd->name, cmd->usage, "--exact contradicts %s", s->samples ? "--samples" : "--epsilon");
        return -1;
    }
    if (s->epsilon > 0 && s->samples) {
        kl_cli_usage_error(cmd->name, cmd->usage, "--epsilon and --samples are two ways of sampling: give one");
        return -1;
    }
    return 0;
}

/* --lang; 1 handled, 0 not it, -1 after a usage error. */
static int lang_option(int opt, const char *arg, const kl_cli_command_t *cmd)
{
    kl_lang lang;
    if (opt != OPT_LANG)
        return 0;
    if (kl_lang_parse(arg, &lang) < 0) {
        kl_cli_usage_error(cmd->name, cmd->usage, "unknown language '%s' for --lang (choose en, sv or nb)", arg);
        return -1;
    }
    kl_lang_set(lang);
    return 1;
}

/* Append the NULL-terminated table src to dst at *n. */
static void add_options(struct option *dst, size_t *n, const struct option *src)
{
    for (; src && src->name; src++)
        dst[(*n)++] = *src;
}

#define KL_CLI_MAX_OPTIONS 96

/* An unknown option or a missing value; a misspelt long option gets the
 * option it most likely means ("--regionmap": "--region-map"). */
static int bad_option(const kl_cli_command_t *cmd, char **argv, int c, const struct option *longopts, size_t n)
{
    const char *text = kl_cli_bad_option(argv, c);
    const char *arg = optind > 0 ? argv[optind - 1] : NULL;
    if (c == '?' && arg && strncmp(arg, "--", 2) == 0 && strncmp(text, "unknown", 7) == 0) {
        char word[64];
        snprintf(word, sizeof word, "%.*s", (int)strcspn(arg + 2, "="), arg + 2);
        const char *names[KL_CLI_MAX_OPTIONS];
        for (size_t i = 0; i < n; i++)
            names[i] = longopts[i].name;
        const char *near = kl_nearest(word, names, n);
        if (near)
            return kl_cli_usage_error(cmd->name, cmd->usage, "%s; did you mean '--%s'?", text, near);
    }
    return kl_cli_usage_error(cmd->name, cmd->usage, "%s", text);
}

int kl_cli_parse(const kl_cli_command_t *cmd, int argc, char **argv, kl_cli_options_t *o)
{
    struct option longopts[KL_CLI_MAX_OPTIONS];
    size_t n = 0;
    static const struct option help_option[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    add_options(longopts, &n, help_option);
    add_options(longopts, &n, cmd->longopts);
    if (cmd->groups & KL_CLI_GRAPH)
        add_options(longopts, &n, graph_options);
    if (cmd->groups & KL_CLI_SAMPLING)
        add_options(longopts, &n, sampling_options);
    if (cmd->groups & KL_CLI_SAMPLES)
        add_options(longopts, &n, samples_options);
    if (cmd->groups & KL_CLI_LANG)
        add_options(longopts, &n, lang_options);
    if (cmd->groups & KL_CLI_SEED)
        add_options(longopts, &n, seed_options);
    if (cmd->groups & KL_CLI_DATASET)
        add_options(longopts, &n, dataset_options);
    memset(&longopts[n], 0, sizeof longopts[n]);

    char shortopts[64];
    snprintf(shortopts, sizeof shortopts, ":h%s%s", cmd->shortopts ? cmd->shortopts : "",
             (cmd->groups & KL_CLI_DATASET) ? "q" : "");
    /* the environment's language, unless --lang says otherwise: set before
     * anything is written, and before any thread starts (i18n/i18n.h) */
    if (cmd->groups & KL_CLI_LANG)
        kl_lang_set(kl_lang_from_env());
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        if (c == 'h') {
            cmd->help();
            return kl_cli_finish(KL_EXIT_OK);
        }
        if (c == '?' || c == ':')
            return bad_option(cmd, argv, c, longopts, n);
        int handled = (cmd->groups & KL_CLI_DATASET) ? dataset_option(o, c, optarg, cmd->name) : 0;
        if (!handled && (cmd->groups & KL_CLI_GRAPH))
            handled = graph_option(o, c, optarg, cmd);
        if (!handled && (cmd->groups & (KL_CLI_SAMPLING | KL_CLI_SAMPLES | KL_CLI_SEED)))
            handled = sampling_option(o, c, optarg, cmd);
        if (!handled && (cmd->groups & KL_CLI_LANG))
            handled = lang_option(c, optarg, cmd);
        if (handled < 0)
            return KL_EXIT_USAGE;
        if (handled)
            continue;
        int rc = cmd->option ? cmd->option(c, optarg, argc, argv, cmd->ctx) : KL_CLI_UNKNOWN;
        if (rc == KL_CLI_UNKNOWN)
            return bad_option(cmd, argv, c, longopts, n);
        if (rc != KL_CLI_HANDLED)
            return rc;
    }
    return KL_CLI_GO_ON;
}

int kl_cli_check(const kl_cli_command_t *cmd, kl_cli_options_t *o)
{
    if ((cmd->groups & KL_CLI_GRAPH) && o->run.graph.from > o->run.graph.to)
        return kl_cli_usage_error(cmd->name, cmd->usage, "--from is after --to");
    if (cmd->groups & (KL_CLI_SAMPLING | KL_CLI_SAMPLES)) {
        if (sampling_check(&o->run.sampling, cmd) < 0)
            return KL_EXIT_USAGE;
        if (read_exact_limit(&o->run.sampling) < 0 || read_kernel_switches(&o->run.kernel) < 0)
            return KL_EXIT_USAGE;
    }
    return KL_CLI_GO_ON;
}
