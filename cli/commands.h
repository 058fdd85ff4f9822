/* cli/commands.h - the kluster subcommands and what they share: loading a
 * dataset with the common options, and printing errors the one way. */
#ifndef KL_CLI_COMMANDS_H
#define KL_CLI_COMMANDS_H

#include "../analysis/analysis.h"
#include "../engine/graph.h"
#include "../i18n/i18n.h"
#include "../loaders/loaders.h"
#include "../pipeline/pipeline.h"

#include <getopt.h>
#include <stdio.h>

/* Exit codes: 0 success, 1 runtime failure, 2 usage error. */
enum { KL_EXIT_OK = 0, KL_EXIT_FAILURE = 1, KL_EXIT_USAGE = 2 };

int cmd_validate(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_render(int argc, char **argv);
int cmd_bridges(int argc, char **argv);
int cmd_whatif(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_batch(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_trend(int argc, char **argv);
int cmd_find(int argc, char **argv);

/* ---- The one option parser (cli/options.c)
 *
 * A command declares its own options and which shared groups it takes; the
 * parser handles --help, the groups (into one kl_run_options_t, the options
 * of the pipeline) and the messages for unknown options and missing values,
 * and hands the command's own options to its handler. */
enum {
    KL_CLI_DATASET = 1u << 0,  /* --strict, --quiet, --resolve-names, --max-*, --kind-attr, --region-attr */
    KL_CLI_GRAPH = 1u << 1,    /* --from, --to, --mode, --ties, --exclude-kind, --weights, --threads */
    KL_CLI_SAMPLING = 1u << 2, /* --epsilon, --delta, --exact */
    KL_CLI_SAMPLES = 1u << 3,  /* --samples */
    KL_CLI_SEED = 1u << 4,     /* --seed */
    KL_CLI_LANG = 1u << 5      /* --lang: the reports' language, set before the command runs */
};

/* What a handler returns besides an exit code, and what kl_cli_parse and
 * kl_cli_check return when the command should go on. */
enum { KL_CLI_GO_ON = -1, KL_CLI_HANDLED = -2, KL_CLI_UNKNOWN = -3 };

typedef struct {
    kl_run_options_t run; /* everything the pipeline takes */
    int quiet;            /* no warnings or notes on standard error */
} kl_cli_options_t;

typedef struct {
    const char *name;               /* "analyze" */
    const char *usage;              /* the usage lines, for usage errors */
    void (*help)(void);             /* prints --help */
    const char *shortopts;          /* the command's own short options ("f:o:v"), or NULL */
    const struct option *longopts;  /* the command's own long options, NULL-terminated, or NULL */
    unsigned groups;                /* KL_CLI_* shared groups */
    /* the command's own option: KL_CLI_HANDLED, KL_CLI_UNKNOWN, or an exit
     * code after printing a message (kl_cli_usage_error returns 2) */
    int (*option)(int opt, const char *arg, int argc, char **argv, void *ctx);
    void *ctx;
} kl_cli_command_t;

/* Defaults of every option (the loader's limits, the pipeline's defaults). */
void kl_cli_options_init(kl_cli_options_t *o);
/* Parse argv; KL_CLI_GO_ON with optind at the first operand, or the exit
 * code to return (0 after --help, 2 after a usage error). */
int kl_cli_parse(const kl_cli_command_t *cmd, int argc, char **argv, kl_cli_options_t *o);
/* After the operands are checked: --from after --to, contradicting
 * sampling options, KLUSTER_EXACT_LIMIT.  KL_CLI_GO_ON or 2 (message
 * printed). */
int kl_cli_check(const kl_cli_command_t *cmd, kl_cli_options_t *o);
/* -f/--format of the results: 0 json, 1 csv, 2 md (or markdown), 3 xlsx,
 * in the order of kl_format; -1 for anything else. */
int kl_cli_pick_format(const char *arg);
/* The usage error of --format xlsx without -o FILE: a workbook is a ZIP
 * file, not text for a terminal or a pipe. */
#define KL_CLI_XLSX_NEEDS_FILE "--format xlsx writes an Excel workbook to a file: give -o FILE.xlsx"
/* --communities: KL_COMMUNITIES_LEIDEN or _LOUVAIN, -1 for anything else. */
int kl_cli_pick_communities(const char *arg);

/* The stages of a run with their messages: warnings (unless quiet), the
 * error, the sampling and eigenvector notes as "kluster CMD: note: ...".
 * Each returns 0, or 1 after printing the error. */
int kl_cli_run_load(kl_run_t *run, const char *path, const kl_cli_options_t *o);
int kl_cli_run_build(kl_run_t *run, const kl_cli_options_t *o);
int kl_cli_run_analyse(kl_run_t *run, const kl_cli_options_t *o, const char *cmd);
/* A dataset's warnings on standard error, the first 10 of each kind and
 * then how many more of that kind there are. */
void kl_cli_print_warnings(const kl_dataset_t *ds);
/* The three in turn. */
int kl_cli_run(kl_run_t *run, const char *path, const kl_cli_options_t *o, const char *cmd);

/* Option values of the shared groups start here, above any short option. */
#define KL_OPT_COMMON 1000

/* The help lines of the shared groups, for the commands' --help. */
#define KL_CLI_COMMON_HELP                                                                    \
    "  --resolve-names        relations may name entities by alias\n"                        \
    "  --strict               treat warnings as errors\n"                                    \
    "  -q, --quiet            do not print warnings\n"                                       \
    "  --max-input-bytes N    refuse input files larger than N bytes (default 16G)\n"        \
    "  --max-entities N       refuse datasets with more entities (default 100000000)\n"      \
    "  --max-relations N      refuse datasets with more relations (default 400000000)\n"      \
    "  --kind-attr ATTR       .graphml/.gml input: the node attribute that holds the kind\n"  \
    "                         (default 'kind'; without one, nodes are organisations)\n"      \
    "  --region-attr ATTR     .graphml/.gml input: the node attribute that holds the region\n" \
    "                         (default 'region')\n"

/* "kluster: error: MESSAGE" on stderr. */
void kl_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Every text that reaches the terminal from the input (ids, types, names,
 * file names; messages that quote them) goes through these: control
 * characters, C1 controls and invalid UTF-8 show as \x1b (kl_term_escape),
 * so that input cannot clear the screen or set the title.  kl_cli_put
 * writes s; kl_cli_line writes fmt formatted, escaped, then a newline. */
void kl_cli_put(FILE *f, const char *s);
void kl_cli_line(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* 0 when output (-o; NULL or "-" for standard output) may be written
 * beside the dataset `input`; else prints why not and returns 1: it names
 * the input itself, or a file the input folder's next load would read. */
int kl_cli_check_output(const char *output, const char *input);
/* Print s (escaped for the terminal) left-aligned in a field of width
 * characters (not bytes, so that "Östergötlands län" lines up with ASCII
 * names).  -1 when out of memory. */
int kl_cli_print_padded(FILE *f, const char *s, int width);

/* ---- Names (cli/names.c): an actor or region given on the command line
 * by id, name, alias or the start of one (engine/names.c).  Each returns
 * the entity or region index, or -1 after printing which ones the text
 * could mean and how to find the right one; option names the option in
 * the message ("--ego"), dataset_path goes into the command it suggests. */
int kl_cli_name_actor(const kl_dataset_t *ds, const char *text, const char *option, const char *dataset_path);
int kl_cli_name_region(const kl_dataset_t *ds, const char *text, const char *option, const char *dataset_path);
/* --path: an actor, else a region (*is_region set); exact matches first. */
int kl_cli_name_actor_or_region(const kl_dataset_t *ds, const char *text, const char *option,
                                const char *dataset_path, int *is_region);
void kl_cli_print_error(const kl_error_t *err);
/* Usage error: the message, the short usage, a pointer to --help; returns 2. */
int kl_cli_usage_error(const char *cmd, const char *usage, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The text of getopt's last complaint ("unknown option '--x'", "option
 * '--top' needs a value"); call with opterr = 0 right after getopt_long
 * returned '?' or ':'. */
const char *kl_cli_bad_option(char **argv, int opt);
/* Temporary output files that an interrupt must not leave behind: a
 * SIGINT, SIGTERM or SIGHUP unlinks every registered path, then ends the
 * process with that signal.  kl_cli_signals_init() installs the handlers
 * (main does it once); register a temp file right after creating it and
 * unregister it once it is renamed or removed. */
void kl_cli_signals_init(void);
void kl_cli_temp_register(const char *path);
void kl_cli_temp_unregister(const char *path);
/* A temporary folder: an interrupt removes it with everything in it (down
 * to 4 levels); unregister it with kl_cli_temp_unregister. */
void kl_cli_temp_register_dir(const char *path);
/* Create a temporary file (as mkstemp) or folder (as mkdtemp) from template,
 * which ends in XXXXXX and receives the name, and register it, with the
 * signals held in between so that no interrupt leaves it behind.  Returns
 * the open descriptor of the file, 0 for a folder, or -1 with errno set. */
int kl_cli_temp_create(char *template, int is_dir);
/* Remove a file, or a folder with everything in it (down to 4 levels; a
 * symbolic link is removed, never followed).  Errors are ignored. */
void kl_cli_remove_tree(const char *path);
/* Put the complete folder tmp (made by kl_cli_temp_create, so an interrupt
 * removes it) in place of target, which the caller found absent (exists 0)
 * or replaceable (1): by rename, or by swapping the two in one step and
 * removing the old one, so target is at every moment the old folder or the
 * new one.  Returns 0 (tmp unregistered), or -1 with errno set: target
 * untouched, tmp still registered for the caller to remove. */
int kl_cli_replace_folder(char *tmp, const char *target, int exists);
/* Parse a whole non-negative integer (strtoull, end pointer, errno);
 * returns 0 or -1. */
int kl_cli_parse_u64(const char *s, unsigned long long max, unsigned long long *out);
/* Flush stdout and report a write error (full disk); returns the exit code
 * to use: rc when all was written, 1 otherwise. */
int kl_cli_finish(int rc);

#define KL_CLI_GRAPH_HELP                                                                     \
    "  --mode MODE            full (default: every entity) or organisations (ties through\n" \
    "                         shared projects, people and direct relations)\n"              \
    "  --ties TYPES           only these relation types make ties (comma-separated:\n"      \
    "                         member_of,employed_by,leads,participates_in,coordinates,\n"   \
    "                         funds,partner_of,initiated,other)\n"                          \
    "  --exclude-kind KINDS   remove entities of these kinds (comma-separated,\n"           \
    "                         repeatable: organisation,person,project,funder)\n"            \
    "  --from DATE, --to DATE keep relations active in the window (YYYY or YYYY-MM-DD)\n"   \
    "  --weights              path lengths are sums of 1/weight (default: hops)\n"          \
    "  --threads N            threads for shortest paths (default: all CPUs)\n"              \
    "  --max-project-size N   organisations view: leave out projects with more\n"            \
    "                         organisations (default 200; 0: no limit)\n"                    \
    "  --max-ties N           refuse a graph with more ties (default 10000000)\n"            \
    "  --max-regions N        refuse region pairs of more regions (default 1000)\n"

#define KL_CLI_SAMPLING_HELP                                                                  \
    "  --epsilon E            estimate betweenness and irb from sampled shortest paths:\n"   \
    "                         every value within E n(n-1)/2 (irb: E P) of the truth,\n"     \
    "                         region-pair brokers' shares within max(E, 0.03)\n"           \
    "  --delta D              ... with probability at least 1 - D (default 0.1)\n"          \
    "  --exact                never sample, however long it takes (default: exact up to\n"  \
    "                         n m = 5e10 actors x ties, epsilon 0.01 above)\n"
#define KL_CLI_LANG_HELP                                                                      \
    "  --lang LANG            language of the reports and figures: en, sv (Swedish) or\n"   \
    "                         nb (Norwegian Bokmål); default: LANGUAGE, LC_ALL,\n"         \
    "                         LC_MESSAGES or LANG, else en (docs/languages.md)\n"
#define KL_CLI_SAMPLES_HELP                                                                   \
    "  --samples K            estimate betweenness, harmonic and irb from K sources drawn\n" \
    "                         uniformly, scaled by n/K, with standard errors\n"

/* The environment variable that lowers the work limits of the policy
 * (exact betweenness up to n m, brokers for every pair up to W m), so that
 * tests can exercise sampling on small graphs. */
#define KL_CLI_EXACT_LIMIT_ENV "KLUSTER_EXACT_LIMIT"

/* The environment variable that switches the path kernel's reductions off
 * (KL_KERNEL_*), for benchmarks and tests. */
#define KL_CLI_KERNEL_ENV "KLUSTER_KERNEL"

#endif
