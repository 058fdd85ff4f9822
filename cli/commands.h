/* cli/commands.h - the kluster subcommands and what they share: loading a
 * dataset with the common options, and printing errors the one way. */
#ifndef KL_CLI_COMMANDS_H
#define KL_CLI_COMMANDS_H

#include "../analysis/analysis.h"
#include "../engine/graph.h"
#include "../loaders/loaders.h"

#include <getopt.h>
#include <stdio.h>

/* Exit codes (STYLE.md): 0 success, 1 runtime failure, 2 usage error. */
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

/* Options every command that reads a dataset takes. */
typedef struct {
    kl_load_options_t load;
    int strict;      /* warnings are errors */
    int quiet;       /* do not print warnings */
} kl_cli_common_t;

/* getopt_long entries for the common options; a command appends them to
 * its own table.  Their option values start at KL_OPT_COMMON. */
#define KL_OPT_COMMON 1000
#define KL_CLI_COMMON_OPTIONS                                                     \
    {"resolve-names", no_argument, NULL, KL_OPT_COMMON + 0},                      \
    {"strict", no_argument, NULL, KL_OPT_COMMON + 1},                             \
    {"max-input-bytes", required_argument, NULL, KL_OPT_COMMON + 2},              \
    {"max-entities", required_argument, NULL, KL_OPT_COMMON + 3},                 \
    {"max-relations", required_argument, NULL, KL_OPT_COMMON + 4},                \
    {"kind-attr", required_argument, NULL, KL_OPT_COMMON + 5},                    \
    {"region-attr", required_argument, NULL, KL_OPT_COMMON + 6},                  \
    {"quiet", no_argument, NULL, 'q'}
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

void kl_cli_common_init(kl_cli_common_t *c);
/* Handle a common option; returns 1 when handled, 0 when opt is not one,
 * -1 on a bad value (message printed). */
int kl_cli_common_option(kl_cli_common_t *c, int opt, const char *arg, const char *cmd);

/* Load and finalize a dataset, printing warnings (unless quiet) and the
 * error.  Returns 0 on success, 1 on failure (ds must be destroyed either
 * way).  Under --strict, warnings make it fail. */
int kl_cli_load(const char *path, const kl_cli_common_t *c, kl_dataset_t *ds);

/* "kluster: error: MESSAGE" on stderr. */
void kl_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
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
/* Parse a whole non-negative integer (strtoull, end pointer, errno);
 * returns 0 or -1. */
int kl_cli_parse_u64(const char *s, unsigned long long max, unsigned long long *out);
/* Flush stdout and report a write error (full disk); returns the exit code
 * to use: rc when all was written, 1 otherwise. */
int kl_cli_finish(int rc);

/* Options that choose the analysis graph and its paths (cli/graph_options.c),
 * shared by analyze, bridges and whatif.  Values start at KL_OPT_GRAPH. */
#define KL_OPT_GRAPH 2000
#define KL_CLI_GRAPH_OPTIONS                                                      \
    {"from", required_argument, NULL, KL_OPT_GRAPH + 0},                          \
    {"to", required_argument, NULL, KL_OPT_GRAPH + 1},                            \
    {"mode", required_argument, NULL, KL_OPT_GRAPH + 2},                          \
    {"ties", required_argument, NULL, KL_OPT_GRAPH + 3},                          \
    {"exclude-kind", required_argument, NULL, KL_OPT_GRAPH + 4},                  \
    {"weights", no_argument, NULL, KL_OPT_GRAPH + 5},                             \
    {"threads", required_argument, NULL, KL_OPT_GRAPH + 6}
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
    "  --threads N            threads for shortest paths (default: all CPUs)\n"

typedef struct {
    kl_graph_options_t graph;
    int weighted;
    int threads;
} kl_cli_graph_t;

void kl_cli_graph_init(kl_cli_graph_t *g);
/* Handle a graph option; returns 1 when handled, 0 when opt is not one, -1
 * after printing a usage error (exit 2). */
int kl_cli_graph_option(kl_cli_graph_t *g, int opt, const char *arg, const char *cmd, const char *usage);
/* When betweenness, irb and region-pair brokers are sampled (cli/graph_options.c):
 * the options of every command that computes them (analyze, bridges,
 * render, batch, diff, export --metrics), handed to the one policy of
 * analysis.h (kl_sampling_decide).  Values start at KL_OPT_SAMPLING. */
#define KL_OPT_SAMPLING 3000
#define KL_CLI_SAMPLING_OPTIONS                                                   \
    {"epsilon", required_argument, NULL, KL_OPT_SAMPLING + 0},                    \
    {"delta", required_argument, NULL, KL_OPT_SAMPLING + 1},                      \
    {"exact", no_argument, NULL, KL_OPT_SAMPLING + 2}
#define KL_CLI_SAMPLING_HELP                                                                  \
    "  --epsilon E            estimate betweenness and irb from sampled shortest paths:\n"   \
    "                         every value within E n(n-1)/2 (irb: E P) of the truth,\n"     \
    "                         region-pair brokers' shares within max(E, 0.03)\n"           \
    "  --delta D              ... with probability at least 1 - D (default 0.1)\n"          \
    "  --exact                never sample, however long it takes (default: exact up to\n"  \
    "                         n m = 5e10 actors x ties, epsilon 0.01 above)\n"
/* Source sampling, for the commands that offer it next to the above. */
#define KL_CLI_SAMPLES_OPTION {"samples", required_argument, NULL, KL_OPT_SAMPLING + 3}
#define KL_CLI_SAMPLES_HELP                                                                   \
    "  --samples K            estimate betweenness, harmonic and irb from K sources drawn\n" \
    "                         uniformly, scaled by n/K, with standard errors\n"

/* The environment variable that lowers the work limits of the policy
 * (exact betweenness up to n m, brokers for every pair up to W m), so that
 * tests can exercise sampling on small graphs. */
#define KL_CLI_EXACT_LIMIT_ENV "KLUSTER_EXACT_LIMIT"

typedef struct {
    double epsilon, delta; /* epsilon 0: not asked for */
    int exact;
    uint32_t samples;      /* --samples K; 0: not asked for */
    double work_limit;     /* KLUSTER_EXACT_LIMIT; < 0 when not set */
} kl_cli_sampling_t;

void kl_cli_sampling_init(kl_cli_sampling_t *s);
/* Handle a sampling option (including --samples), as kl_cli_graph_option does. */
int kl_cli_sampling_option(kl_cli_sampling_t *s, int opt, const char *arg, const char *cmd, const char *usage);
/* After parsing: usage errors for contradicting options, and reading
 * KLUSTER_EXACT_LIMIT (an error when it is not a number >= 0); returns 0
 * or -1 (message printed; exit 2). */
int kl_cli_sampling_check(kl_cli_sampling_t *s, const char *cmd, const char *usage);
/* The policy's decision for a graph of n actors and m ties, from what was
 * asked and the limits (analysis.h kl_sampling_decide). */
void kl_cli_sampling_decide(const kl_cli_sampling_t *s, uint32_t n, uint32_t m, kl_sampling_decision_t *d);
/* The note that says exact betweenness was too costly ("40000 actors and
 * ... sampling shortest paths (epsilon 0.01, delta 0.1; --exact to
 * insist)") into buf; returns 0 when there is nothing to say (then buf is
 * ""), 1 otherwise. */
int kl_cli_sampling_note_text(const kl_sampling_decision_t *d, char *buf, size_t size);
/* Print that note as "kluster CMD: note: ..." on standard error, unless
 * quiet or there is nothing to say. */
void kl_cli_sampling_note(const kl_sampling_decision_t *d, int quiet, const char *cmd);
/* Warn on standard error, unless quiet, when eigenvector centrality
 * stopped at its step cap (kl_analysis_t.eigenvector_converged). */
void kl_cli_eigenvector_note(const kl_analysis_t *res, int quiet, const char *cmd);
/* The canonical text of what changes the numbers (the request and the
 * limits), for batch's record of the options of a run. */
void kl_cli_sampling_describe(const kl_cli_sampling_t *s, char *buf, size_t size);

/* Comma-separated relation types (or kinds) into a bit set; -1 on an
 * unknown name, copied into bad. */
int kl_cli_parse_ties(const char *arg, uint32_t *bits, char *bad, size_t badsize);
int kl_cli_parse_kinds(const char *arg, uint32_t *bits, char *bad, size_t badsize);

#endif
