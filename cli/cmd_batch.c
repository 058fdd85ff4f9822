/* cli/cmd_batch.c - `kluster batch`: validate, analyse and render many
 * datasets into OUTDIR/<id>/, one child process per dataset (so a crash
 * takes down one dataset, not the batch), then OUTDIR/index.html and
 * OUTDIR/summary.json.  Helpers (discovery, ids, hashing, atomic files) are
 * in batch.c, the HTML pages in html.c. */
#include "batch.h"
#include "commands.h"
#include "../writers/writers.h"

#include "../analysis/analysis.h"
#include "../viz/viz.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef KL_VERSION
#define KL_VERSION "dev"
#endif

static const char usage_text[] =
    "usage: kluster batch DATASET_OR_DIR... -o OUTDIR [-j N] [--force] [--top N] [--seed S]\n"
    "                     [--mode full|organisations] [--ties TYPES] [--exclude-kind KIND]\n"
    "                     [--from DATE] [--to DATE] [--weights] [--epsilon E [--delta D] | --exact]\n"
    "                     [--no-trend] [-q] [OPTIONS]\n";

/* a and b name one existing file or folder (a link, or another spelling). */
static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static void help(void)
{
    printf("%s\n"
           "Validate, analyse and render every dataset into OUTDIR/<dataset-id>/: report.html\n"
           "(self-contained, printable), report.md, report.xlsx (Excel), analysis.json,\n"
           "actors.csv, region_pairs.csv, diagram.svg, region-map.svg and heatmap.svg (the\n"
           "region x region heat map of links).\n"
           "When the relations are dated in two years or more, the reports get an \"Over time\"\n"
           "section (each year analysed on its own, as `kluster trend` does) and trend.json\n"
           "(kluster-trend/1) is written beside them.\n"
           "OUTDIR/index.html and OUTDIR/summary.json list every dataset with its status, counts,\n"
           "top brokers and warnings.\n\n"
           "A dataset is a .json extract, an .ndjson file, a .graphml or .gml graph, or a folder\n"
           "holding extract files (*.json, *.ndjson or entities.csv); suffixes in any case.  A\n"
           "folder holding only folders is a collection of datasets.\n"
           "Anything else is skipped with a note in the summary.  The id of a dataset is the\n"
           "extract's dataset.id (a folder: its name), made safe as a folder name and unique.\n\n"
           "options:\n"
           "  -o, --output OUTDIR    the output folder (created if needed)\n"
           "  -j, --jobs N           datasets analysed at once, each in its own process\n"
           "                         (default: the number of CPUs)\n"
           "  --force                redo datasets whose inputs and options did not change\n"
           "                         (default: skip them; they are listed as 'unchanged')\n"
           "  --top N                rows per table of the reports (default 10)\n"
           KL_CLI_LANG_HELP
           "  --no-trend             no \"Over time\" section and no trend.json (they cost one\n"
           "                         analysis per year the relations are dated in)\n"
           "  --seed S               seed of community detection and sampling (default 1)\n"
           KL_CLI_SAMPLING_HELP KL_CLI_GRAPH_HELP
           "  -q, --quiet            no progress and no warnings (failures are still reported)\n"
           "  --resolve-names        relations may name entities by alias\n"
           "  --strict               a dataset with warnings fails\n"
           "  --max-input-bytes N, --max-entities N, --max-relations N  as for validate\n"
           "  -h, --help             this help\n\n"
           "Progress goes to standard error: a live line on a terminal, otherwise one line per\n"
           "finished dataset.  Every file is written under a temporary name and renamed when\n"
           "complete, so an interrupted batch leaves no partial file; run it again to finish.\n\n"
           "Exit status: 0 every dataset was analysed (or was unchanged); 1 at least one dataset\n"
           "failed (see index.html); 2 usage error; 130 or 143 interrupted by SIGINT or SIGTERM.\n",
           usage_text);
}

enum { OPT_FORCE = 1, OPT_TOP, OPT_NO_TREND };

typedef struct {
    kl_cli_options_t cli;
    const char *outdir;
    unsigned jobs;
    int force;
    int trend; /* the "Over time" section and trend.json (--no-trend: 0) */
    uint32_t top;
    char options[768]; /* canonical options: part of the input hash */
} batch_opts_t;

/* --------------------------------------------------- one dataset (child) */

static volatile uint8_t *child_phase;

static void set_phase(kl_batch_phase p)
{
    if (child_phase)
        *child_phase = (uint8_t)p;
}

/* The pipeline's stages as the progress line names them. */
static void run_stage(kl_run_stage stage, void *ctx)
{
    (void)ctx;
    set_phase(stage == KL_STAGE_LOAD ? KL_PHASE_B_LOAD : KL_PHASE_B_ANALYSE);
}

static void child_signal(int sig)
{
    /* the file being written is unnamed (O_TMPFILE) or has a temporary
     * name; either way no output file is left half-written */
    kl_batch_remove_current_temp();
    _exit(128 + sig);
}

typedef struct {
    const kl_report_t *report;
    const kl_bridges_report_t *bridges;
    const kl_html_report_t *html;
    const kl_batch_status_info_t *status;
    const kl_trend_t *trend;      /* the "Over time" section, or NULL */
    const char *trend_chart_href; /* the brokers' chart beside report.md, or NULL */
    const char *trend_maps_href;  /* the region maps year by year, or NULL */
    int kind;
} writer_ctx_t;

/* Why report.xlsx could not be written (one dataset per process). */
static char xlsx_why[300];

static int write_one(FILE *f, void *c)
{
    writer_ctx_t *w = c;
    switch (w->kind) {
    case 0: return kl_write_json(f, w->report);
    case 1: return kl_write_csv(f, w->report);
    case 2:
        if (kl_write_md(f, w->report) != 0)
            return -1;
        return w->trend ? kl_write_trend_section_md(f, w->trend, w->trend_chart_href, w->trend_maps_href,
                                                          KL_BATCH_TREND) : 0;
    case 3: return kl_write_bridges_csv(f, w->bridges);
    case 4: return kl_write_html_report(f, w->html);
    case 5: return kl_write_batch_status(f, w->status);
    case 6: return kl_write_trend_json(f, w->trend);
    case 7: return kl_write_xlsx(f, w->report, xlsx_why, sizeof xlsx_why);
    }
    return -1;
}

static int write_kind(int dirfd, const char *name, writer_ctx_t *w, int kind, char *err, size_t errsize)
{
    w->kind = kind;
    if (kl_batch_write_file(dirfd, name, write_one, w) != 0) {
        snprintf(err, errsize, "cannot write '%s': %s", name, strerror(errno));
        return -1;
    }
    return 0;
}

/* Remove an optional output an older run left (the dataset no longer has
 * what it shows, or --no-trend): the folder holds only what its report
 * describes. */
static int remove_stale(int dirfd, const char *name, char *err, size_t errsize)
{
    if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
        return 0;
    snprintf(err, errsize, "cannot remove '%s': %s", name, strerror(errno));
    return -1;
}

/* A small SVG that says why there is no diagram, so that the file set of a
 * dataset is always complete. */
static char *placeholder_svg(const char *why, size_t *len)
{
    char text[600];
    kl_html_escape(why, text, sizeof text);
    char *out = NULL;
    int k = asprintf(&out,
                     "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"60\" viewBox=\"0 0 640 60\">\n"
                     "<rect width=\"640\" height=\"60\" fill=\"#f5f7fa\" stroke=\"#dde2ea\"/>\n"
                     "<text x=\"16\" y=\"35\" font-family=\"Helvetica,sans-serif\" font-size=\"14\" fill=\"#5d6677\">"
                     "%s</text>\n</svg>\n",
                     text);
    if (k < 0)
        return NULL;
    *len = (size_t)k;
    return out;
}

/* The error's message for a report: "kluster: error: " says nothing there. */
static const char *error_text(const kl_error_t *err, char *buf, size_t size)
{
    kl_error_format(err, buf, size);
    return strncmp(buf, "kluster: error: ", 16) == 0 ? buf + 16 : buf;
}

/* Render one view into memory; on failure *svg is a placeholder and note
 * says why (the report shows it). */
static int render_view(const kl_dataset_t *ds, const kl_agraph_t *g, const kl_analysis_t *res,
                       const kl_viz_options_t *vopt, char **svg, size_t *len, char *note, size_t notesize,
                       const char *what, kl_viz_t **viz)
{
    kl_error_t err = {0};
    *svg = NULL;
    /* *viz is freed by the caller after every render of this process:
     * Graphviz 2.43's pango plugin keeps a pointer to the last font name,
     * which a freed context takes with it (a use-after-free in the next
     * render otherwise) */
    if (kl_viz_build(viz, ds, g, res, vopt, &err) == KL_OK && kl_viz_render(*viz, KL_VIZ_SVG, svg, len, &err) == KL_OK)
        return 0;
    free(*svg);
    *svg = NULL;
    if (err.code == KL_ENOMEM)
        return -1;
    char msg[400];
    snprintf(note, notesize, "No %s: %s.", what, error_text(&err, msg, sizeof msg));
    *svg = placeholder_svg(note, len);
    return *svg ? 1 : -1;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Read a small file into a NUL-terminated buffer (caller frees), or NULL. */
static char *read_small(int dirfd, const char *name)
{
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    char *buf = malloc(4097);
    ssize_t k = buf ? read(fd, buf, 4096) : -1;
    close(fd);
    if (k < 0) {
        free(buf);
        return NULL;
    }
    buf[k] = '\0';
    return buf;
}

/* Unchanged since the last complete run: same hash, every output there, and
 * the last status says ok. */
static int unchanged(int dirfd, const char *hash)
{
    char *old = read_small(dirfd, KL_BATCH_HASH);
    int same = old && strncmp(old, hash, 64) == 0;
    free(old);
    if (!same)
        return 0;
    struct stat st;
    for (int k = 0; kl_batch_outputs[k]; k++)
        if (fstatat(dirfd, kl_batch_outputs[k], &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
            return 0;
    int fd = openat(dirfd, KL_BATCH_STATUS, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return 0;
    kl_batch_status_t *s = kl_batch_status_read(fd);
    close(fd);
    const char *status = kl_batch_status_text(s, "status");
    int ok = status && strcmp(status, "ok") == 0;
    kl_batch_status_free(s);
    return ok;
}

/* The "Over time" section's numbers: what `kluster trend DATASET` gives with
 * the batch's options (yearly periods over the years the relations are
 * dated in, narrowed by --from/--to as trend narrows them; the batch's
 * --top brokers), through the same kl_trend_run.  ds is the batch's loaded
 * dataset, for its years.  Returns 1 with *t filled (borrowing trun->ds), 0
 * when the relations are dated in fewer than two years, 2 when the trend
 * failed (note says why), -1 when out of memory. */
static int run_trend(const batch_opts_t *o, const kl_batch_input_t *in, const kl_dataset_t *ds, kl_run_t *trun,
                     kl_trend_t *t, char *note, size_t notesize)
{
    int first, last;
    if (kl_dataset_years(ds, &first, &last) < 0)
        return 0;
    kl_run_options_t ropt = o->cli.run;
    if (ropt.graph.from != KL_DATE_MIN)
        first = ropt.graph.from / 10000;
    if (ropt.graph.to != KL_DATE_MAX)
        last = ropt.graph.to / 10000;
    if (first >= last)
        return 0;
    ropt.graph.from = KL_DATE_MIN; /* each period sets its own window */
    ropt.graph.to = KL_DATE_MAX;
    ropt.on_stage = NULL;
    kl_period_t *periods = NULL;
    uint32_t n = 0;
    if (kl_periods_every(first, last, 1, &periods, &n) < 0)
        return -1;
    /* A load of its own: each period's graph may add a warning to the
     * dataset it is built from (projects left out), which would change the
     * counts that analysis.json and the status give for the whole dataset;
     * and trend.json then equals `kluster trend`'s, which loads afresh. */
    kl_error_t err = {0};
    kl_err rc = kl_run_load(trun, in->path, &ropt, &err);
    if (rc == KL_OK)
        rc = kl_trend_run(t, trun, &ropt, periods, n, 0, o->top, NULL, NULL, &err);
    free(periods);
    if (rc == KL_ENOMEM)
        return -1;
    if (rc != KL_OK) {
        char msg[400];
        const char *m = error_text(&err, msg, sizeof msg);
        if (t->n_periods) /* yearly: the period is its first year */
            snprintf(note, notesize, "No over-time section: in %d: %s.",
                     (int)(t->periods[t->n_periods - 1].from / 10000), m);
        else
            snprintf(note, notesize, "No over-time section: %s.", m);
        kl_trend_destroy(t);
        return 2;
    }
    t->dataset_path = in->path;
    return 1;
}

/* The trend's figures as SVG: the brokers' chart into *chart, the region
 * maps year by year into *maps.  A figure that cannot be drawn (gnuplot
 * missing or failing; regions without coordinates) stays NULL, and note
 * says why when it is the chart (a dataset without coordinates has no
 * maps anywhere in its report).  Returns 0, or -1 when out of memory. */
static int draw_trend_figures(const kl_trend_t *t, char **chart, size_t *chart_len, char **maps, size_t *maps_len,
                              char *note, size_t notesize)
{
    kl_trend_figure_t fig;
    if (kl_trend_figure_init(&fig, t) != 0)
        return -1;
    kl_viz_options_t vopt;
    kl_viz_options_init(&vopt);
    kl_error_t err = {0};
    kl_err rc = kl_viz_trend_chart(t->ds, &fig.fig, &vopt, KL_VIZ_SVG, chart, chart_len, &err);
    if (rc != KL_OK && rc != KL_ENOMEM) {
        char msg[400];
        snprintf(note, notesize, "No chart of the brokers over time: %s.", error_text(&err, msg, sizeof msg));
    }
    kl_err mrc = rc == KL_ENOMEM ? rc : kl_viz_trend_maps(t->ds, &fig.fig, &vopt, KL_VIZ_SVG, maps, maps_len, &err);
    kl_trend_figure_destroy(&fig);
    return rc == KL_ENOMEM || mrc == KL_ENOMEM ? -1 : 0;
}

static int run_dataset(const batch_opts_t *o, const kl_batch_input_t *in, int dirfd)
{
    double t0 = now();
    kl_run_t run;
    kl_error_t err = {0};
    char error[1400] = "", hash[65] = "", diagram_note[500] = "", map_note[500] = "", caption[400] = "";
    char sampling_note[300] = "", heat_note[500] = "", trend_note[600] = "", note[2200] = "";
    char xlsx_note[400] = ""; /* why there is no report.xlsx */
    char *diagram = NULL, *map = NULL, *heat = NULL;
    kl_viz_t *viz1 = NULL, *viz2 = NULL, *viz3 = NULL;
    size_t diagram_len = 0, map_len = 0, heat_len = 0;
    int rc = KL_BATCH_CHILD_FAILED, analysed = 0, has_trend = 0;
    kl_run_t trun; /* the trend's own load of the dataset */
    kl_trend_t trend;
    /* The chart of the top brokers' irb share over time (SVG, by gnuplot):
     * inlined in report.html, written as trend-brokers.svg, which report.md
     * shows.  NULL when it could not be drawn (no gnuplot: the status
     * says so): the section goes without it. */
    char *trend_chart = NULL, *trend_maps = NULL; /* trend_maps: linked, not inlined (large) */
    size_t trend_chart_len = 0, trend_maps_len = 0;
    kl_run_init(&run);
    kl_run_init(&trun);
    memset(&trend, 0, sizeof trend);

    kl_batch_sweep_temps(dirfd); /* leftovers of a run killed by SIGKILL */
    set_phase(KL_PHASE_B_HASH);
    if (in->error) {
        snprintf(error, sizeof error, "%s", in->error);
        goto done;
    }
    if (kl_batch_hash_inputs(in->path, in->is_dir, o->options, hash) != 0) {
        snprintf(error, sizeof error, "cannot read '%s': %s", in->path, strerror(errno));
        goto done;
    }
    if (!o->force && unchanged(dirfd, hash)) {
        rc = KL_BATCH_CHILD_UNCHANGED;
        goto cleanup;
    }
    /* from here on the folder is being rewritten: a run interrupted now
     * must not look complete to the next one */
    if (unlinkat(dirfd, KL_BATCH_HASH, 0) != 0 && errno != ENOENT) {
        snprintf(error, sizeof error, "cannot remove '%s/%s': %s", in->id, KL_BATCH_HASH, strerror(errno));
        goto done;
    }

    kl_run_options_t ropt = o->cli.run;
    ropt.on_stage = run_stage;
    kl_err arc = kl_run_execute(&run, in->path, &ropt, &err);
    if (run.built) /* the parent prints it, also when the analysis failed */
        kl_run_sampling_note(&run.sampling, sampling_note, sizeof sampling_note);
    if (arc != KL_OK) {
        kl_error_format(&err, error, sizeof error);
        goto done;
    }
    analysed = 1;

    if (o->trend) {
        set_phase(KL_PHASE_B_TREND);
        int tr = run_trend(o, in, &run.ds, &trun, &trend, trend_note, sizeof trend_note);
        if (tr < 0) {
            snprintf(error, sizeof error, "out of memory in the analysis per year");
            goto done;
        }
        has_trend = tr == 1;
    }
    if (has_trend && draw_trend_figures(&trend, &trend_chart, &trend_chart_len, &trend_maps, &trend_maps_len,
                                        trend_note, sizeof trend_note) != 0) {
        snprintf(error, sizeof error, "out of memory drawing the brokers over time");
        goto done;
    }

    set_phase(KL_PHASE_B_WRITE);
    kl_report_t report;
    kl_run_report(&run, in->path, o->top, &report);
    kl_bridges_report_t bridges = {&run.ds, &run.g, &run.regions, in->path, o->top, NULL};
    writer_ctx_t w = {&report, &bridges, NULL, NULL, has_trend ? &trend : NULL,
                      has_trend && trend_chart ? KL_BATCH_TREND_CHART : NULL,
                      has_trend && trend_maps ? KL_BATCH_TREND_MAPS : NULL, 0};
    if (write_kind(dirfd, "analysis.json", &w, 0, error, sizeof error) || write_kind(dirfd, "actors.csv", &w, 1, error, sizeof error) ||
        write_kind(dirfd, "region_pairs.csv", &w, 3, error, sizeof error))
        goto done;
    if (has_trend ? write_kind(dirfd, KL_BATCH_TREND, &w, 6, error, sizeof error) != 0
                  : remove_stale(dirfd, KL_BATCH_TREND, error, sizeof error) != 0)
        goto done;
    if (has_trend && trend_chart ? kl_batch_write_data(dirfd, KL_BATCH_TREND_CHART, trend_chart, trend_chart_len) != 0
                                 : remove_stale(dirfd, KL_BATCH_TREND_CHART, error, sizeof error) != 0) {
        if (!*error)
            snprintf(error, sizeof error, "cannot write '%s': %s", KL_BATCH_TREND_CHART, strerror(errno));
        goto done;
    }
    if (has_trend && trend_maps ? kl_batch_write_data(dirfd, KL_BATCH_TREND_MAPS, trend_maps, trend_maps_len) != 0
                                : remove_stale(dirfd, KL_BATCH_TREND_MAPS, error, sizeof error) != 0) {
        if (!*error)
            snprintf(error, sizeof error, "cannot write '%s': %s", KL_BATCH_TREND_MAPS, strerror(errno));
        goto done;
    }
    if (write_kind(dirfd, "report.md", &w, 2, error, sizeof error))
        goto done;
    /* the analysis as an Excel workbook; a table longer than a sheet
     * (1,048,575 rows) leaves it out, which the status says, rather than
     * failing the dataset */
    w.kind = 7;
    if (kl_batch_write_file(dirfd, KL_BATCH_XLSX, write_one, &w) != 0) {
        if (errno != EFBIG) {
            snprintf(error, sizeof error, "cannot write '%s': %s", KL_BATCH_XLSX,
                     *xlsx_why ? xlsx_why : strerror(errno));
            goto done;
        }
        snprintf(xlsx_note, sizeof xlsx_note, "No %s: %s.", KL_BATCH_XLSX, xlsx_why);
        if (remove_stale(dirfd, KL_BATCH_XLSX, error, sizeof error) != 0)
            goto done;
    }

    set_phase(KL_PHASE_B_RENDER);
    kl_viz_options_t vopt;
    kl_viz_options_init(&vopt);
    vopt.from = o->cli.run.graph.from;
    vopt.to = o->cli.run.graph.to;
    /* a drawing of thousands of actors is a hairball that takes a minute to
     * lay out: large graphs show their most central actors */
    if (run.g.n > 150) {
        vopt.top = 60;
        snprintf(caption, sizeof caption,
                 _("The 60 actors with the highest inter-regional betweenness (of %u) and the ties among them."),
                 run.g.n);
    } else {
        snprintf(caption, sizeof caption, _("The whole network: %u actors, %u ties."), run.g.n, run.g.csr.m);
    }
    int r1 = render_view(&run.ds, &run.g, &run.metrics, &vopt, &diagram, &diagram_len, diagram_note, sizeof diagram_note, "network diagram",
                         &viz1);
    kl_viz_options_init(&vopt);
    vopt.view = KL_VIEW_REGION_MAP;
    vopt.from = o->cli.run.graph.from;
    vopt.to = o->cli.run.graph.to;
    int r2 = render_view(&run.ds, &run.g, &run.metrics, &vopt, &map, &map_len, map_note, sizeof map_note, "region map", &viz2);
    vopt.view = KL_VIEW_HEATMAP;
    vopt.regions = &run.regions;
    int r3 = render_view(&run.ds, &run.g, &run.metrics, &vopt, &heat, &heat_len, heat_note, sizeof heat_note, "heat map", &viz3);
    if (r1 < 0 || r2 < 0 || r3 < 0) {
        snprintf(error, sizeof error, "out of memory while drawing");
        goto done;
    }
    if (kl_batch_write_data(dirfd, "diagram.svg", diagram, diagram_len) != 0 ||
        kl_batch_write_data(dirfd, "region-map.svg", map, map_len) != 0 ||
        kl_batch_write_data(dirfd, "heatmap.svg", heat, heat_len) != 0) {
        snprintf(error, sizeof error, "cannot write the diagrams: %s", strerror(errno));
        goto done;
    }

    set_phase(KL_PHASE_B_REPORT);
    snprintf(note, sizeof note, "%s%s%s%s%s", diagram_note, *diagram_note && *map_note ? " " : "", map_note,
             (*diagram_note || *map_note) && *heat_note ? " " : "", heat_note);
    /* the figure note names the figures left out; a failed analysis per
     * year only reaches the status (and the batch's warnings), not the
     * report, which then says nothing about time */
    kl_html_report_t html = {.ds = &run.ds, .g = &run.g, .res = &run.metrics, .regions = &run.regions,
                             .brokerage = &run.brokerage, .dataset_id = in->id, .dataset_path = in->path,
                             .version = KL_VERSION, .top = o->top,
                             .diagram_svg = r1 == 0 ? diagram : NULL, .diagram_len = diagram_len,
                             .diagram_caption = caption, .region_map_svg = r2 == 0 ? map : NULL,
                             .region_map_len = map_len, .render_note = *note ? note : NULL,
                             .heatmap_svg = r3 == 0 ? heat : NULL, .heatmap_len = heat_len,
                             .diagram_href = "diagram.svg", .region_map_href = "region-map.svg",
                             .heatmap_href = "heatmap.svg",
                             .trend = has_trend ? &trend : NULL, .trend_json_href = KL_BATCH_TREND,
                             .trend_chart_svg = has_trend ? trend_chart : NULL, .trend_chart_len = trend_chart_len,
                             .trend_chart_href = KL_BATCH_TREND_CHART,
                             .trend_maps_href = has_trend && trend_maps ? KL_BATCH_TREND_MAPS : NULL,
                             .explorer = 1};
    w.html = &html;
    if (write_kind(dirfd, "report.html", &w, 4, error, sizeof error))
        goto done;
    rc = KL_BATCH_CHILD_OK;

done:
    set_phase(KL_PHASE_B_DONE);
    if (*trend_note) {
        size_t len = strlen(note);
        snprintf(note + len, sizeof note - len, "%s%s", len ? " " : "", trend_note);
    }
    if (*xlsx_note) {
        size_t len = strlen(note);
        snprintf(note + len, sizeof note - len, "%s%s", len ? " " : "", xlsx_note);
    }
    kl_batch_status_info_t status = {in->id, in->path, o->options, rc == KL_BATCH_CHILD_OK ? NULL : error,
                                     run.ds.finalized || run.ds.n_warnings ? &run.ds : NULL, &run.g, analysed ? &run.metrics : NULL,
                                     analysed ? &run.regions : NULL, sampling_note, now() - t0, note};
    writer_ctx_t ws = {NULL, NULL, NULL, &status, NULL, NULL, NULL, 5};
    if (kl_batch_write_file(dirfd, KL_BATCH_STATUS, write_one, &ws) != 0) {
        rc = KL_BATCH_CHILD_FAILED;
        goto cleanup;
    }
    /* the hash last: only a complete run is ever taken as up to date */
    if (rc == KL_BATCH_CHILD_OK && kl_batch_write_data(dirfd, KL_BATCH_HASH, hash, 64) != 0)
        rc = KL_BATCH_CHILD_FAILED;
cleanup:
    kl_viz_free(viz3);
    kl_viz_free(viz2);
    kl_viz_free(viz1);
    free(diagram);
    free(map);
    free(heat);
    free(trend_chart);
    free(trend_maps);
    kl_trend_destroy(&trend);
    kl_run_destroy(&trun);
    kl_run_destroy(&run);
    return rc;
}

/* ------------------------------------------------------- the pool (parent) */

typedef enum { JOB_PENDING = 0, JOB_RUNNING, JOB_DONE } job_state;
typedef enum { RES_NONE = 0, RES_OK, RES_UNCHANGED, RES_FAILED, RES_INTERRUPTED } job_result;

typedef struct {
    kl_batch_input_t *in;
    pid_t pid;
    job_state state;
    job_result result;
    double started, seconds;
    char *error;     /* parent-side error (crash, folder) */
    kl_batch_status_t *status; /* the child's status file */
} job_t;

static volatile sig_atomic_t got_signal;

/* The parent's heap as a child inherits it: still in use (the parent goes
 * on with it), so it is reachable from here for a leak checker that runs
 * when a child exits. */
static struct {
    void *jobs, *items, *notes, *outdir;
} inherited;

static void parent_signal(int sig)
{
    if (!got_signal)
        got_signal = sig;
}

static void fmt_time(double s, char *buf, size_t size)
{
    long t = (long)(s + 0.5);
    if (t >= 3600)
        snprintf(buf, size, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(buf, size, "%ld:%02ld", t / 60, t % 60);
}

typedef struct {
    int tty, quiet;
    size_t total, done;
    double t0;
    int line_shown;
} progress_t;

static void progress_clear(progress_t *p)
{
    if (p->tty && p->line_shown) {
        fputs("\r\033[K", stderr);
        p->line_shown = 0;
    }
}

static void progress_draw(progress_t *p, job_t *jobs, size_t n, volatile uint8_t *phases)
{
    if (!p->tty || p->quiet)
        return;
    char line[1024], el[32], eta[32];
    double elapsed = now() - p->t0;
    fmt_time(elapsed, el, sizeof el);
    if (p->done > 0)
        fmt_time(elapsed / (double)p->done * (double)(p->total - p->done), eta, sizeof eta);
    int k = snprintf(line, sizeof line, "kluster batch: %zu/%zu done, %s elapsed, %s%s", p->done, p->total, el,
                     p->done ? "~" : "", p->done ? eta : "estimating");
    if (p->done)
        k += snprintf(line + k, sizeof line - (size_t)k, " left");
    for (size_t i = 0; i < n && k < (int)sizeof line - 80; i++)
        if (jobs[i].state == JOB_RUNNING) {
            uint8_t ph = phases[i] < KL_PHASE_B_COUNT ? phases[i] : 0;
            k += snprintf(line + k, sizeof line - (size_t)k, " | %.40s: %s", jobs[i].in->id, kl_batch_phase_names[ph]);
        }
    struct winsize ws;
    size_t width = ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20 ? ws.ws_col - 1 : 99;
    char shown[1024]; /* dataset ids come from file names: escaped, then cut to the width */
    kl_term_escape(line, shown, width + 1 < sizeof shown ? width + 1 : sizeof shown);
    fprintf(stderr, "\r\033[K%s", shown);
    fflush(stderr);
    p->line_shown = 1;
}

static const char *job_error(const job_t *j)
{
    return j->error ? j->error : kl_batch_status_text(j->status, "error");
}

static void progress_finished(progress_t *p, const job_t *j)
{
    p->done++;
    const char *note = j->result == RES_OK ? kl_batch_status_text(j->status, "sampling_note") : NULL;
    if (note && !p->quiet) {
        progress_clear(p);
        kl_cli_line(stderr, "kluster batch: %s: note: %s", j->in->id, note);
    }
    /* a figure too large to draw is left out; the report says why */
    note = j->result == RES_OK ? kl_batch_status_text(j->status, "figure_note") : NULL;
    if (note && !p->quiet) {
        progress_clear(p);
        fprintf(stderr, "kluster batch: %s: warning: %s\n", j->in->id, note);
    }
    if (j->result == RES_FAILED) {
        progress_clear(p);
        kl_cli_line(stderr, "kluster batch: [%zu/%zu] %s: failed: %s", p->done, p->total, j->in->id,
                job_error(j) ? job_error(j) : "unknown error");
        return;
    }
    if (p->quiet || p->tty)
        return;
    if (j->result == RES_UNCHANGED)
        kl_cli_line(stderr, "kluster batch: [%zu/%zu] %s: unchanged, skipped", p->done, p->total, j->in->id);
    else
        kl_cli_line(stderr, "kluster batch: [%zu/%zu] %s: ok (%ld actors, %ld ties, %ld warnings) in %.1f s", p->done,
                p->total, j->in->id, kl_batch_status_int(j->status, "actors"), kl_batch_status_int(j->status, "ties"),
                kl_batch_status_int(j->status, "warnings"),
                j->seconds);
}

/* Open (creating) OUTDIR/<id> as a real folder: a symbolic link planted
 * there is refused, so nothing is ever written outside OUTDIR. */
static int open_dataset_dir(int outfd, const char *id, char *err, size_t errsize)
{
    if (mkdirat(outfd, id, 0777) != 0 && errno != EEXIST) {
        snprintf(err, errsize, "cannot create folder '%s': %s", id, strerror(errno));
        return -1;
    }
    int fd = openat(outfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        snprintf(err, errsize, "cannot open folder '%s': %s", id,
                 errno == ELOOP || errno == ENOTDIR ? "not a folder (a symbolic link or a file)" : strerror(errno));
    return fd;
}

static void remove_outputs(int outfd, const char *id)
{
    int fd = openat(outfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return;
    /* a failed dataset keeps no report of older inputs that the index
     * could be taken to describe */
    for (int k = 0; kl_batch_outputs[k]; k++)
        unlinkat(fd, kl_batch_outputs[k], 0);
    for (int k = 0; kl_batch_optional_outputs[k]; k++)
        unlinkat(fd, kl_batch_optional_outputs[k], 0);
    unlinkat(fd, KL_BATCH_HASH, 0);
    kl_batch_sweep_temps(fd);
    close(fd);
}

static kl_batch_status_t *read_status(int outfd, const char *id)
{
    int fd = openat(outfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    int sf = openat(fd, KL_BATCH_STATUS, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    close(fd);
    if (sf < 0)
        return NULL;
    kl_batch_status_t *s = kl_batch_status_read(sf);
    close(sf);
    return s;
}

static int fork_job(const batch_opts_t *o, job_t *j, int outfd, volatile uint8_t *phase, pid_t parent)
{
    char err[600];
    int dirfd = open_dataset_dir(outfd, j->in->id, err, sizeof err);
    if (dirfd < 0) {
        j->error = strdup(err);
        j->state = JOB_DONE;
        j->result = RES_FAILED;
        return 0;
    }
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigprocmask(SIG_BLOCK, &block, &old);
    fflush(NULL); /* nothing buffered is written twice */
    pid_t pid = fork();
    if (pid == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = child_signal;
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGHUP, &sa, NULL);
        /* the batch gone (killed by SIGKILL): stop too, cleaning up */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        sigprocmask(SIG_SETMASK, &old, NULL);
        if (getppid() != parent)
            _exit(128 + SIGTERM);
        child_phase = phase;
        int rc = run_dataset(o, j->in, dirfd);
        close(dirfd);
        exit(rc); /* exit, not _exit: the sanitizers check leaks at exit */
    }
    int e = errno;
    sigprocmask(SIG_SETMASK, &old, NULL);
    close(dirfd);
    if (pid < 0) {
        snprintf(err, sizeof err, "cannot start a process: %s", strerror(e));
        j->error = strdup(err);
        j->state = JOB_DONE;
        j->result = RES_FAILED;
        return 0;
    }
    j->pid = pid;
    j->state = JOB_RUNNING;
    j->started = now();
    return 0;
}

static void reap(job_t *j, int wstatus, int outfd)
{
    char msg[120];
    j->state = JOB_DONE;
    j->seconds = now() - j->started;
    j->status = read_status(outfd, j->in->id);
    if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == KL_BATCH_CHILD_OK && j->status) {
        j->result = RES_OK;
    } else if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == KL_BATCH_CHILD_UNCHANGED && j->status) {
        j->result = RES_UNCHANGED;
    } else if (got_signal && ((WIFSIGNALED(wstatus) && (WTERMSIG(wstatus) == SIGINT || WTERMSIG(wstatus) == SIGTERM)) ||
                              (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) >= 128))) {
        j->result = RES_INTERRUPTED;
    } else {
        j->result = RES_FAILED;
        if (WIFSIGNALED(wstatus)) {
            snprintf(msg, sizeof msg, "crashed: signal %d (%s)", WTERMSIG(wstatus), strsignal(WTERMSIG(wstatus)));
            free(j->error);
            j->error = strdup(msg);
        } else if (!j->status || WEXITSTATUS(wstatus) != KL_BATCH_CHILD_FAILED || !kl_batch_status_text(j->status, "error")) {
            snprintf(msg, sizeof msg, "the analysis process exited with status %d", WEXITSTATUS(wstatus));
            free(j->error);
            j->error = strdup(msg);
        }
        /* an abnormal end leaves at most a stale status of an older run */
        if (j->error) {
            kl_batch_status_free(j->status);
            j->status = NULL;
        }
        remove_outputs(outfd, j->in->id);
    }
}

/* ------------------------------------------------------ index and summary */

static const char *result_name(job_result r)
{
    switch (r) {
    case RES_OK: return "ok";
    case RES_UNCHANGED: return "unchanged";
    case RES_FAILED: return "failed";
    default: return "interrupted";
    }
}

/* What summary.json and index.html list. */
typedef struct {
    const batch_opts_t *o;
    const job_t *jobs;
    size_t n;
    const kl_batch_list_t *l;
    int interrupted;
} index_ctx_t;

/* summary.json: every dataset with its result and what its status says. */
static int write_summary(FILE *f, void *c)
{
    const index_ctx_t *x = c;
    const job_t *jobs = x->jobs;
    const kl_batch_list_t *l = x->l;
    size_t n = x->n;
    kl_batch_summary_entry_t *e = calloc(n + 1, sizeof *e);
    kl_batch_skipped_t *sk = calloc(l->n_notes + 1, sizeof *sk);
    int rc = -1;
    if (!e || !sk) {
        errno = ENOMEM;
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++) {
        const job_t *j = &jobs[i];
        int done = j->result == RES_OK || j->result == RES_UNCHANGED || j->result == RES_FAILED;
        e[i] = (kl_batch_summary_entry_t){j->in->id, j->in->path, result_name(j->result),
                                          j->result == RES_FAILED ? job_error(j) : NULL,
                                          j->result == RES_OK || j->result == RES_UNCHANGED,
                                          j->result != RES_INTERRUPTED ? j->status : NULL,
                                          done ? j->seconds : NAN};
    }
    for (size_t i = 0; i < l->n_notes; i++)
        sk[i] = (kl_batch_skipped_t){l->notes[i].path, l->notes[i].reason};
    kl_batch_summary_t s = {KL_VERSION, x->o->outdir, x->o->options, x->interrupted, e, n, sk, l->n_notes};
    rc = kl_write_batch_summary(f, &s);
cleanup:
    free(e);
    free(sk);
    return rc;
}

static int write_index(FILE *f, void *c)
{
    const index_ctx_t *x = c;
    kl_html_index_entry_t *e = calloc(x->n + 1, sizeof *e);
    kl_html_broker_t *b = calloc(3 * x->n + 1, sizeof *b);
    kl_html_note_t *notes = calloc(x->l->n_notes + 1, sizeof *notes);
    int rc = -1;
    if (!e || !b || !notes) {
        errno = ENOMEM;
        goto cleanup;
    }
    for (size_t i = 0; i < x->n; i++) {
        const job_t *j = &x->jobs[i];
        const kl_batch_status_t *s = j->result == RES_INTERRUPTED ? NULL : j->status;
        e[i].id = j->in->id;
        e[i].path = j->in->path;
        e[i].title = kl_batch_status_text(s, "title");
        e[i].status = result_name(j->result);
        e[i].error = j->result == RES_FAILED ? (job_error(j) ? job_error(j) : "unknown error") : NULL;
        if (j->result == RES_INTERRUPTED)
            e[i].error = "interrupted before it finished; run the batch again";
        e[i].actors = kl_batch_status_int(s, "actors");
        e[i].ties = kl_batch_status_int(s, "ties");
        e[i].regions = kl_batch_status_int(s, "regions");
        e[i].sources = kl_batch_status_int(s, "sources");
        e[i].components = kl_batch_status_int(s, "components");
        e[i].warnings = kl_batch_status_int(s, "warnings");
        e[i].connected_pairs = kl_batch_status_int(s, "connected_region_pairs");
        e[i].region_pairs = kl_batch_status_int(s, "region_pairs");
        e[i].fragile_pairs = kl_batch_status_int(s, "fragile_region_pairs");
        e[i].seconds = j->result == RES_INTERRUPTED ? NAN : j->seconds;
        e[i].has_report = j->result == RES_OK || j->result == RES_UNCHANGED;
        e[i].brokers = &b[3 * i];
        for (size_t k = 0; kl_batch_status_broker(s, k, &b[3 * i + k].id, &b[3 * i + k].name, &b[3 * i + k].irb_share);
             k++)
            e[i].n_brokers++;
    }
    for (size_t i = 0; i < x->l->n_notes; i++)
        notes[i].path = x->l->notes[i].path, notes[i].reason = x->l->notes[i].reason;
    rc = kl_write_html_index(f, x->o->outdir, e, x->n, notes, x->l->n_notes, KL_VERSION);
cleanup:
    free(e);
    free(b);
    free(notes);
    return rc;
}

/* mkdir -p */
static int make_dirs(const char *path)
{
    char *p = strdup(path);
    if (!p)
        return -1;
    for (char *s = p + 1; *s; s++)
        if (*s == '/') {
            *s = '\0';
            if (mkdir(p, 0777) != 0 && errno != EEXIST) {
                free(p);
                return -1;
            }
            *s = '/';
        }
    int rc = mkdir(p, 0777) != 0 && errno != EEXIST ? -1 : 0;
    free(p);
    return rc;
}

static int cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

/* Run the jobs, `width` processes at a time, drawing progress, until all
 * are done or a signal arrives; then hand the signal on to the running
 * children and wait for them.  Returns the signal, or 0. */
static int run_jobs(const batch_opts_t *o, job_t *jobs, size_t n, unsigned width, volatile uint8_t *phases,
                    int outfd, progress_t *prog)
{
    pid_t self = getpid();
    size_t next = 0, running = 0;
    double last_draw = 0;
    while (!got_signal && (next < n || running > 0)) {
        while (!got_signal && running < width && next < n) {
            job_t *j = &jobs[next];
            phases[next] = KL_PHASE_B_QUEUED;
            fork_job(o, j, outfd, &phases[next], self);
            next++;
            if (j->state == JOB_RUNNING)
                running++;
            else
                progress_finished(prog, j);
        }
        int wstatus;
        pid_t pid = waitpid(-1, &wstatus, WNOHANG);
        if (pid > 0) {
            for (size_t i = 0; i < n; i++)
                if (jobs[i].state == JOB_RUNNING && jobs[i].pid == pid) {
                    reap(&jobs[i], wstatus, outfd);
                    running--;
                    progress_finished(prog, &jobs[i]);
                    break;
                }
            continue;
        }
        double t = now();
        if (t - last_draw >= 0.25) {
            progress_draw(prog, jobs, n, phases);
            last_draw = t;
        }
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    int sig = got_signal;
    if (sig) {
        /* forward the signal; children remove their temporary files */
        for (size_t i = 0; i < n; i++)
            if (jobs[i].state == JOB_RUNNING)
                kill(jobs[i].pid, sig);
        for (size_t i = 0; i < n; i++)
            if (jobs[i].state == JOB_RUNNING) {
                int wstatus;
                while (waitpid(jobs[i].pid, &wstatus, 0) < 0 && errno == EINTR)
                    ;
                reap(&jobs[i], wstatus, outfd);
                int fd = openat(outfd, jobs[i].in->id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (fd >= 0) {
                    kl_batch_sweep_temps(fd);
                    close(fd);
                }
            }
        for (size_t i = 0; i < n; i++)
            if (jobs[i].state == JOB_PENDING)
                jobs[i].result = RES_INTERRUPTED;
    }
    return sig;
}

static int option(int c, const char *arg, int argc, char **argv, void *ctx)
{
    batch_opts_t *o = ctx;
    unsigned long long v;
    switch (c) {
    case 'o': o->outdir = arg; return KL_CLI_HANDLED;
    case 'j':
        if (kl_cli_parse_u64(arg, 1024, &v) < 0 || v == 0)
            return kl_cli_usage_error("batch", usage_text, "invalid number '%s' for --jobs (1 to 1024)", arg);
        o->jobs = (unsigned)v;
        return KL_CLI_HANDLED;
    case OPT_FORCE: o->force = 1; return KL_CLI_HANDLED;
    case OPT_NO_TREND: o->trend = 0; return KL_CLI_HANDLED;
    case OPT_TOP:
        if (kl_cli_parse_u64(arg, 1000, &v) < 0 || v == 0)
            return kl_cli_usage_error("batch", usage_text, "invalid number '%s' for --top (1 to 1000)", arg);
        o->top = (uint32_t)v;
        return KL_CLI_HANDLED;
    }
    return KL_CLI_UNKNOWN;
}

/* Everything that changes the results, so that a changed option redoes
 * the dataset; threads do not (results are identical). */
static void describe_options(batch_opts_t *o)
{
    const kl_run_options_t *r = &o->cli.run;
    const kl_graph_options_t *go = &r->graph;
    const kl_sampling_request_t *q = &r->sampling;
    snprintf(o->options, sizeof o->options,
             "kluster %s; mode=%d ties=%u exclude=%u from=%ld to=%ld weights=%d seed=%llu top=%u trend=%d resolve=%d "
             "strict=%d max-input=%llu max-entities=%u max-relations=%u "
             "exact=%d samples=%u epsilon=%.17g delta=%.17g exact-limit=%.17g broker-limit=%.17g "
             "max-project-size=%u max-ties=%llu max-regions=%u",
             KL_VERSION, (int)go->mode, go->tie_types, go->exclude_kinds, (long)go->from, (long)go->to, r->weighted,
             (unsigned long long)r->seed, o->top, o->trend, r->load.resolve_names, r->strict,
             (unsigned long long)r->load.max_input_bytes, r->load.max_entities, r->load.max_relations, q->exact,
             q->samples, q->epsilon, q->delta, q->exact_work_limit, q->broker_work_limit, go->max_project_size,
             (unsigned long long)go->max_ties, r->max_regions);
    /* the reports' language; English leaves the text as it was before
     * there were languages, so English outputs stay up to date */
    if (kl_lang_get() != KL_LANG_EN) {
        size_t len = strlen(o->options);
        snprintf(o->options + len, sizeof o->options - len, " lang=%s", kl_lang_code(kl_lang_get()));
    }
}

int cmd_batch(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"jobs", required_argument, NULL, 'j'},
        {"force", no_argument, NULL, OPT_FORCE},
        {"top", required_argument, NULL, OPT_TOP},
        {"no-trend", no_argument, NULL, OPT_NO_TREND},
        {NULL, 0, NULL, 0},
    };
    batch_opts_t o;
    memset(&o, 0, sizeof o);
    kl_cli_options_init(&o.cli);
    o.top = 10;
    o.trend = 1;
    const kl_cli_command_t cmd = {"batch", usage_text, help, "o:j:", longopts,
                                  KL_CLI_DATASET | KL_CLI_GRAPH | KL_CLI_SAMPLING | KL_CLI_SEED | KL_CLI_LANG, option, &o};
    int prc = kl_cli_parse(&cmd, argc, argv, &o.cli);
    if (prc != KL_CLI_GO_ON)
        return prc;
    if (optind >= argc)
        return kl_cli_usage_error("batch", usage_text, "no dataset given");
    if (!o.outdir || !*o.outdir)
        return kl_cli_usage_error("batch", usage_text, "no output folder given (-o OUTDIR)");
    if ((prc = kl_cli_check(&cmd, &o.cli)) != KL_CLI_GO_ON)
        return prc;
    for (int i = optind; i < argc; i++)
        if (same_file(argv[i], o.outdir)) {
            kl_cli_error("-o '%s' is the input '%s' itself: batch writes a folder per dataset into OUTDIR; choose "
                         "another output folder",
                         o.outdir, argv[i]);
            return KL_EXIT_FAILURE;
        }
    int threads_given = o.cli.run.threads > 0;
    describe_options(&o);
    if (!o.jobs)
        o.jobs = (unsigned)cores();
    kl_batch_list_t list;
    job_t *jobs = NULL;
    volatile uint8_t *phases = MAP_FAILED;
    size_t n = 0, phases_len = 0;
    int outfd = -1, rc = KL_EXIT_FAILURE;
    kl_batch_list_init(&list, o.outdir);
    if (make_dirs(o.outdir) != 0) {
        kl_cli_error("cannot create '%s': %s", o.outdir, strerror(errno));
        goto cleanup;
    }
    if ((outfd = open(o.outdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        kl_cli_error("cannot open '%s': %s", o.outdir, strerror(errno));
        goto cleanup;
    }
    free(list.outdir_real);
    list.outdir_real = realpath(o.outdir, NULL);
    for (int i = optind; i < argc; i++)
        if (kl_batch_discover(&list, argv[i]) != 0) {
            kl_cli_error("out of memory");
            goto cleanup;
        }
    if (kl_batch_assign_ids(&list) != 0) {
        kl_cli_error("out of memory");
        goto cleanup;
    }
    n = list.n;
    if (!o.cli.quiet)
        for (size_t i = 0; i < list.n_notes; i++)
            kl_cli_line(stderr, "kluster batch: skipped '%s': %s", list.notes[i].path, list.notes[i].reason);
    if (n == 0) {
        char formats[160];
        kl_cli_error("no dataset found (a dataset is %s, or a folder of extracts)",
                     kl_input_formats_text(KL_INPUT_PHRASE, formats, sizeof formats));
        goto cleanup;
    }
    jobs = calloc(n, sizeof *jobs);
    phases_len = n;
    phases = mmap(NULL, phases_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (!jobs || phases == MAP_FAILED) {
        kl_cli_error("out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++)
        jobs[i].in = &list.items[i];
    inherited.jobs = jobs;
    inherited.items = list.items;
    inherited.notes = list.notes;
    inherited.outdir = list.outdir_real;
    unsigned width = o.jobs < n ? o.jobs : (unsigned)n;
    if (!threads_given) {
        /* processes give the parallelism (and -j bounds the CPUs a batch
         * takes); threads only fill the CPUs that fewer datasets than CPUs
         * would leave idle */
        int share = n < (size_t)cores() ? cores() / (int)n : 1;
        o.cli.run.threads = share > 1 ? share : 1;
    }

    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = parent_signal;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    progress_t prog = {isatty(STDERR_FILENO), o.cli.quiet, n, 0, now(), 0};
    int sig = run_jobs(&o, jobs, n, width, phases, outfd, &prog);
    progress_clear(&prog);

    /* the index and summary last, each complete or not at all */
    size_t failed = 0, ok = 0, same = 0;
    for (size_t i = 0; i < n; i++) {
        failed += jobs[i].result == RES_FAILED;
        ok += jobs[i].result == RES_OK;
        same += jobs[i].result == RES_UNCHANGED;
    }
    index_ctx_t ictx = {&o, jobs, n, &list, sig != 0};
    if (kl_batch_write_file(outfd, "summary.json", write_summary, &ictx) != 0 ||
        kl_batch_write_file(outfd, "index.html", write_index, &ictx) != 0) {
        kl_cli_error("cannot write the index of '%s': %s", o.outdir, strerror(errno));
        goto restore;
    }
    if (sig) {
        fprintf(stderr, "kluster batch: interrupted (%s) after %zu of %zu datasets; run it again to finish\n",
                strsignal(sig), ok + same + failed, n);
        rc = 128 + sig;
    } else {
        if (!o.cli.quiet)
            kl_cli_line(stderr, "kluster batch: %zu dataset%s: %zu analysed, %zu unchanged, %zu failed; see %s/index.html",
                    n, n == 1 ? "" : "s", ok, same, failed, o.outdir);
        rc = failed ? KL_EXIT_FAILURE : KL_EXIT_OK;
    }
restore:
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
cleanup:
    for (size_t i = 0; jobs && i < n; i++) {
        free(jobs[i].error);
        kl_batch_status_free(jobs[i].status);
    }
    free(jobs);
    memset(&inherited, 0, sizeof inherited);
    if (phases != MAP_FAILED)
        munmap((void *)phases, phases_len);
    if (outfd >= 0)
        close(outfd);
    kl_batch_list_destroy(&list);
    return rc == KL_EXIT_OK ? kl_cli_finish(rc) : rc;
}
