/* viz/chart.c - the brokers' chart of a trend: each top broker's share of
 * inter-regional brokerage, period by period, one line per broker.
 *
 * Drawn by gnuplot (a program, not a library: kluster writes the script,
 * data inline, and reads the figure from gnuplot's standard output).
 * gnuplot rather than PLplot: Debian's libplplot-dev pulls in Qt 5,
 * wxWidgets and gfortran (59 packages) where gnuplot-nox is four, and
 * gnuplot's axes, ticks and cairo text are those a reader of policy
 * reports knows.  Everything a reader sees is decided here: which lines,
 * their colours (the broker's region, as on every map), markers and dashes
 * for lines of one colour, and where each name goes at the right end
 * (spread so that no two overlap); gnuplot draws the axes and the lines.
 *
 * Text reaches the script only inside single-quoted gnuplot strings, where
 * nothing is special but the quote (doubled), and every label is
 * `noenhanced`, so names with ^, _, @ or { } print as written. */
#include "viz_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* ------------------------------------------------------------ the script */

/* s as a single-quoted gnuplot string (line breaks become spaces) */
static void gp_string(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'')
            fputc('\'', f);
        fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
    }
    fputc('\'', f);
}

/* s in a comment: control characters (a line break would end it) become '?' */
static void gp_comment(FILE *f, const char *s)
{
    for (; *s; s++)
        fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
}

/* A line's label: the short name when it has one, else the name, cut at
 * 34 characters with "…" (kl_viz_escape_label's cut, its escapes undone:
 * a plain label escapes only backslashes, and there is no wrap). */
static void line_label(const kl_dataset_t *ds, uint32_t entity, char *buf, size_t size)
{
    char sn[64];
    kl_i_entity_short_name(ds, entity, sn, sizeof sn);
    const char *name = sn[0] ? sn : ds->entities[entity].name;
    char *text = kl_viz_escape_label(name, 0, 34);
    size_t k = 0;
    for (const char *p = text ? text : name; *p && k + 1 < size; p++) {
        if (text && p[0] == '\\' && p[1] == '\\')
            p++;
        buf[k++] = *p;
    }
    buf[k] = '\0';
    free(text);
}

/* Place n labels at heights want[] (data units) so that no two are closer
 * than gap, each as near its own as it can: sorted, pushed up from the
 * lowest, then pulled down from the top where they went past it. */
static void spread_labels(const double *want, double *at, uint32_t n, double gap, double top)
{
    uint32_t o[64];
    for (uint32_t i = 0; i < n; i++)
        o[i] = i;
    /* insertion sort by height, ties by index: a handful of lines */
    for (uint32_t i = 1; i < n; i++)
        for (uint32_t j = i; j > 0 && (want[o[j]] < want[o[j - 1]] || (want[o[j]] == want[o[j - 1]] && o[j] < o[j - 1]));
             j--) {
            uint32_t t = o[j];
            o[j] = o[j - 1];
            o[j - 1] = t;
        }
    for (uint32_t k = 0; k < n; k++) {
        at[o[k]] = want[o[k]];
        if (k && at[o[k]] < at[o[k - 1]] + gap)
            at[o[k]] = at[o[k - 1]] + gap;
    }
    for (uint32_t k = n; k-- > 0;) {
        double limit = k + 1 < n ? at[o[k + 1]] - gap : top;
        if (at[o[k]] > limit)
            at[o[k]] = limit;
    }
}

#define CHART_MARKERS 5
static const int marker[CHART_MARKERS] = {7, 5, 9, 13, 11}; /* circle, square, triangle, diamond, triangle down */

/* The last period with a share (-1: none). */
static int last_period(const kl_viz_trend_t *t, uint32_t s)
{
    for (uint32_t p = t->n_periods; p-- > 0;)
        if (isfinite(t->series[s].share[p]))
            return (int)p;
    return -1;
}

/* The names right of the plot, one column, each at its line's last share,
 * spread apart; a thin leader runs from a line's last point to its name
 * when the line ends before the last period or its name had to move. */
static void end_labels(FILE *f, const kl_dataset_t *ds, const kl_viz_trend_t *t, double top)
{
    uint32_t n = t->n_series < KL_VIZ_TREND_LINES ? t->n_series : KL_VIZ_TREND_LINES;
    double want[KL_VIZ_TREND_LINES], at[KL_VIZ_TREND_LINES];
    double gap = top * 0.042;
    for (uint32_t s = 0; s < n; s++) {
        int lp = last_period(t, s);
        want[s] = lp >= 0 ? 100 * t->series[s].share[lp] : 0;
    }
    spread_labels(want, at, n, gap, top - gap / 2);
    for (uint32_t s = 0; s < n; s++) {
        int lp = last_period(t, s);
        if (lp < 0)
            continue;
        char name[160], text[200];
        line_label(ds, t->series[s].entity, name, sizeof name);
        uint32_t rank = t->series[s].rank[lp];
        if (rank)
            /* TRANSLATORS: a broker's name, its rank in a period, the period:
             * "NTNU (#1 in 2018-2020)" */
            snprintf(text, sizeof text, _("%s (#%u in %s)"), name, rank, t->period[lp]);
        else
            snprintf(text, sizeof text, "%s (%s)", name, t->period[lp]);
        fprintf(f, "set label %u ", 10 + s);
        gp_string(f, text);
        fprintf(f, " at graph 1.03, first %.6g left font 'Helvetica,11' textcolor rgb '#222222' noenhanced\n", at[s]);
        if (lp + 1 < (int)t->n_periods || fabs(at[s] - want[s]) > gap / 4)
            fprintf(f, "set arrow %u from first %d, first %.6g to graph 1.02, first %.6g nohead lc rgb '#AAAAAA' "
                       "lw 0.8 dt 3\n",
                    1 + s, lp, want[s], at[s]);
    }
}

static void write_script(FILE *f, const kl_dataset_t *ds, const kl_viz_trend_t *t, const kl_viz_options_t *opt,
                         kl_viz_format format, const kl_viz_colours_t *colours)
{
    uint32_t n = t->n_series < KL_VIZ_TREND_LINES ? t->n_series : KL_VIZ_TREND_LINES, np = t->n_periods;
    double ymax = 0;
    for (uint32_t s = 0; s < n; s++)
        for (uint32_t p = 0; p < np; p++)
            if (isfinite(t->series[s].share[p]) && 100 * t->series[s].share[p] > ymax)
                ymax = 100 * t->series[s].share[p];
    double top = ymax > 0 ? ymax * 1.08 : 1;
    /* the page: points for SVG and PDF, pixels for PNG (at opt->dpi) */
    double dpi = opt->dpi ? opt->dpi : 96;
    double w = opt->width ? opt->width : 1000, h = opt->height ? opt->height : 600;
    fprintf(f, "set encoding utf8\n");
    if (format == KL_VIZ_PNG)
        fprintf(f, "set terminal pngcairo size %.0f,%.0f font 'Helvetica,%.1f' background rgb 'white'\n", w, h,
                9 * dpi / 72);
    else if (format == KL_VIZ_PDF)
        fprintf(f, "set terminal pdfcairo size %.3fin,%.3fin font 'Helvetica,9'\n", w / 72, h / 72);
    else
        fprintf(f, "set terminal svg size %.0f,%.0f font 'Helvetica,12' background rgb 'white'\n", w, h);
    fprintf(f, "set output\n"
               "set lmargin at screen 0.08\nset rmargin at screen 0.70\n"
               "set tmargin at screen 0.84\nset bmargin at screen 0.16\n"
               "set border 3 lc rgb '#555555'\nset tics nomirror out textcolor rgb '#333333'\n"
               "set grid ytics lc rgb '#DDDDDD' lw 1 dt 1\nunset key\n"
               "set ylabel ");
    /* xgettext:no-c-format */
    gp_string(f, _("share of the cross-region actor pairs (%)"));
    fprintf(f, " textcolor rgb '#333333'\n"
               "set yrange [0:%.6g]\nset xrange [-0.4:%.6g]\n",
            top, np - 1 + 0.3);
    fprintf(f, "set xtics (");
    for (uint32_t p = 0; p < np; p++) {
        fprintf(f, "%s", p ? ", " : "");
        gp_string(f, t->period[p]);
        fprintf(f, " %u", p);
    }
    fprintf(f, ")%s\n", np > 10 ? " rotate by 45 right" : "");

    /* words around the plot: title and subtitle top left, footer below */
    const char *title = opt->title ? opt->title : ds->title ? ds->title : ds->id;
    fprintf(f, "set label 1 ");
    gp_string(f, title);
    fprintf(f, " at screen 0.02,0.955 left font 'Helvetica:Bold,17' noenhanced\n");
    fprintf(f, "set label 2 ");
    gp_string(f, opt->subtitle ? opt->subtitle
                               : _("The top brokers between regions, period by period: each one's share of the "
                                   "cross-region actor pairs whose shortest paths run through it"));
    fprintf(f, " at screen 0.02,0.905 left font 'Helvetica,12' textcolor rgb '#444444' noenhanced\n");
    char foot[700];
    snprintf(foot, sizeof foot, "%s%s%s",
             _("Line colour: the broker's region, as on the maps (grey: no region); a gap: not in that period's "
               "graph."),
             t->note ? "  " : "", t->note ? t->note : "");
    fprintf(f, "set label 3 ");
    gp_string(f, foot);
    fprintf(f, " at screen 0.02,0.05 left font 'Helvetica,9' textcolor rgb '#555555' noenhanced\n");
    char sources[400];
    snprintf(sources, sizeof sources,
             kl_trn("Sources: %u document \u00b7 dataset: %s", "Sources: %u documents \u00b7 dataset: %s",
                    ds->n_sources),
             ds->n_sources, ds->id);
    snprintf(foot, sizeof foot, "%s \xc2\xb7 %s", sources, _("drawn by kluster with gnuplot"));
    fprintf(f, "set label 5 ");
    gp_string(f, foot);
    fprintf(f, " at screen 0.02,0.02 left font 'Helvetica,9' textcolor rgb '#555555' noenhanced\n");
    if (opt->caption && *opt->caption) {
        fprintf(f, "set label 4 ");
        gp_string(f, opt->caption);
        fprintf(f, " at screen 0.02,0.085 left font 'Helvetica,10' textcolor rgb '#333333' noenhanced\n");
    }
    end_labels(f, ds, t, top);

    /* the data: one block per broker; a blank line breaks its line where
     * it has no share */
    for (uint32_t s = 0; s < n; s++) {
        /* which broker: for readers of the script (and its tests) */
        fprintf(f, "# line %u: ", s);
        gp_comment(f, ds->entities[t->series[s].entity].id);
        fprintf(f, "\n$s%u << EOD\n", s);
        int open = 0;
        for (uint32_t p = 0; p < np; p++) {
            double v = t->series[s].share[p];
            if (!isfinite(v)) {
                if (open)
                    fprintf(f, "\n");
                open = 0;
                continue;
            }
            fprintf(f, "%u %.6f\n", p, 100 * v);
            open = 1;
        }
        fprintf(f, "EOD\n");
    }
    fprintf(f, "plot ");
    uint32_t used[KL_VIZ_TREND_LINES + 1][2] = {{0}}; /* colour rank (or UINT32_MAX: grey), lines so far */
    uint32_t n_used = 0;
    for (uint32_t s = 0; s < n; s++) {
        int32_t r = t->series[s].region;
        const char *c = r < 0 ? "#777777" : kl_viz_region_colour(colours, r);
        /* lines of one colour tell apart by marker and dash */
        uint32_t key = r < 0 || kl_viz_region_is_other(colours, r) ? UINT32_MAX : colours->rank[r], k = 0;
        uint32_t u = 0;
        while (u < n_used && used[u][0] != key)
            u++;
        if (u == n_used)
            used[n_used++][0] = key;
        k = used[u][1]++;
        fprintf(f, "%s$s%u using 1:2 with linespoints lw 2.2 lc rgb '%s' pt %d ps 1.1 dt %u", s ? ", \\\n     " : "", s,
                c, marker[k % CHART_MARKERS], 1 + k % 4);
    }
    if (!n)
        fprintf(f, "NaN notitle");
    fprintf(f, "\n");
}

/* ------------------------------------------------------------- gnuplot */

/* The program: $KLUSTER_GNUPLOT, else gnuplot on the PATH. */
static const char *gnuplot_program(void)
{
    const char *p = getenv("KLUSTER_GNUPLOT");
    return p && *p ? p : "gnuplot";
}

/* A memory file holding data (the script), positioned at its start. */
static int memory_file(const char *name, const char *data, size_t len)
{
    int fd = memfd_create(name, MFD_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t done = 0;
    while (done < len) {
        ssize_t k = write(fd, data + done, len - done);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            close(fd);
            return -1;
        }
        done += (size_t)k;
    }
    if (lseek(fd, 0, SEEK_SET) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Run gnuplot on the script (its standard input, a memory file: no pipe to
 * fill while its output is read), its standard output into *out (new,
 * NUL-terminated), its messages (another memory file) into err. */
static kl_err run_gnuplot(const char *script, size_t script_len, char **out, size_t *out_len, kl_error_t *err)
{
    int in = memory_file("kluster-chart.gp", script, script_len);
    int msg = memfd_create("kluster-chart.err", MFD_CLOEXEC);
    int pipefd[2] = {-1, -1};
    kl_err rc = KL_EIO;
    pid_t pid = -1;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    posix_spawn_file_actions_t fa;
    int fa_ok = 0;
    if (in < 0 || msg < 0 || pipe2(pipefd, O_CLOEXEC) != 0) {
        kl_error_set(err, KL_EIO, "", 0, 0, "cannot run gnuplot: %s", strerror(errno));
        goto cleanup;
    }
    if (posix_spawn_file_actions_init(&fa) != 0) {
        rc = kl_error_set(err, KL_ENOMEM, "", 0, 0, "out of memory");
        goto cleanup;
    }
    fa_ok = 1;
    posix_spawn_file_actions_adddup2(&fa, in, 0);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
    posix_spawn_file_actions_adddup2(&fa, msg, 2);
    char *argv[] = {(char *)gnuplot_program(), NULL};
    int e = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    if (e != 0) {
        pid = -1;
        if (e == ENOENT)
            kl_error_set(err, KL_EIO, "", 0, 0,
                         "charts are drawn by gnuplot, which is not installed (Debian: apt-get install "
                         "gnuplot-nox; or set KLUSTER_GNUPLOT to its path)");
        else
            kl_error_set(err, KL_EIO, "", 0, 0, "cannot run %s: %s", argv[0], strerror(e));
        goto cleanup;
    }
    close(pipefd[1]);
    pipefd[1] = -1;
    for (;;) {
        if (cap - len < 65536) {
            size_t ncap = cap ? 2 * cap : 262144;
            char *nb = realloc(buf, ncap);
            if (!nb) {
                rc = kl_error_set(err, KL_ENOMEM, "", 0, 0, "out of memory");
                goto cleanup;
            }
            buf = nb, cap = ncap;
        }
        ssize_t k = read(pipefd[0], buf + len, cap - len - 1);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            kl_error_set(err, KL_EIO, "", 0, 0, "reading gnuplot's output: %s", strerror(errno));
            goto cleanup;
        }
        if (k == 0)
            break;
        len += (size_t)k;
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    pid = -1;
    /* gnuplot says what went wrong on stderr; a warning alone still draws */
    char text[512] = "";
    ssize_t got = pread(msg, text, sizeof text - 1, 0);
    text[got > 0 ? got : 0] = '\0';
    for (char *c = text; *c; c++)
        if (*c == '\n')
            *c = ' ';
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || len == 0) {
        kl_error_set(err, KL_EIO, "", 0, 0, "gnuplot failed%s%s", text[0] ? ": " : "", text);
        goto cleanup;
    }
    buf[len] = '\0';
    *out = buf, *out_len = len;
    buf = NULL;
    rc = KL_OK;
cleanup:
    if (pid > 0)
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
    if (fa_ok)
        posix_spawn_file_actions_destroy(&fa);
    if (in >= 0)
        close(in);
    if (msg >= 0)
        close(msg);
    if (pipefd[0] >= 0)
        close(pipefd[0]);
    if (pipefd[1] >= 0)
        close(pipefd[1]);
    free(buf);
    return rc;
}

kl_err kl_viz_trend_chart(const kl_dataset_t *ds, const kl_viz_trend_t *t, const kl_viz_options_t *opt,
                          kl_viz_format format, char **data, size_t *len, kl_error_t *err)
{
    *data = NULL;
    *len = 0;
    if (format == KL_VIZ_DOT)
        return kl_error_set(err, KL_EINVAL, "", 0, 0, "the brokers' chart is drawn as SVG, PNG or PDF, not DOT");
    kl_viz_colours_t colours;
    kl_err rc = kl_viz_region_colours(ds, &colours, err);
    if (rc != KL_OK)
        return rc;
    char *script = NULL;
    size_t script_len = 0;
    FILE *f = open_memstream(&script, &script_len);
    int bad = !f;
    if (f) {
        write_script(f, ds, t, opt, format, &colours);
        bad = ferror(f) != 0;
        bad |= fclose(f) != 0;
    }
    kl_viz_colours_free(&colours);
    if (bad) {
        free(script);
        return kl_error_set(err, KL_ENOMEM, "", 0, 0, "out of memory");
    }
    if (format == KL_VIZ_GNUPLOT) {
        *data = script, *len = script_len;
        return KL_OK;
    }
    rc = run_gnuplot(script, script_len, data, len, err);
    free(script);
    if (rc == KL_OK && format == KL_VIZ_PDF)
        kl_i_pdf_drop_date(*data, len);
    return rc;
}
