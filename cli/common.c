/* cli/common.c - what every command shares: common options, loading a
 * dataset, error and usage messages, checked output. */
#include "commands.h"
#include "../writers/writers.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *kl_cli_bad_option(char **argv, int opt)
{
    static char buf[160];
    const char *arg = optind > 0 ? argv[optind - 1] : "";
    if (optopt && optopt < KL_OPT_COMMON && (!arg || arg[0] != '-' || arg[1] == '-' || strlen(arg) > 2))
        snprintf(buf, sizeof buf, "option '-%c' needs a value or is unknown", optopt);
    else if (opt == ':' || (arg && strncmp(arg, "--", 2) == 0 && optopt))
        snprintf(buf, sizeof buf, "option '%s' needs a value", arg);
    else
        snprintf(buf, sizeof buf, "unknown option '%s'", arg ? arg : "");
    return buf;
}

/* The handler may only call async-signal-safe functions, so the paths live
 * in fixed buffers and are only read (never freed) from the handler. */
#define KL_TEMP_SLOTS 16
static char temp_paths[KL_TEMP_SLOTS][4096];
static volatile sig_atomic_t temp_used[KL_TEMP_SLOTS];
static volatile sig_atomic_t temp_is_dir[KL_TEMP_SLOTS];

/* Remove `name` (relative to dirfd) and, when it is a folder, what it holds
 * down to `depth` levels.  System calls only (openat, getdents64, unlinkat),
 * no allocation and no locks, so the signal handler may call it too. */
static void remove_tree_at(int dirfd, const char *name, int depth)
{
    if (unlinkat(dirfd, name, 0) == 0 || depth < 0)
        return;
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
        char buf[4096];
        /* removing entries while reading the folder may skip some: read it
         * again from the start until a pass removes nothing */
        for (int removed = 1, passes = 0; removed && passes < 64; passes++) {
            removed = 0;
            lseek(fd, 0, SEEK_SET);
            ssize_t n;
            while ((n = getdents64(fd, buf, sizeof buf)) > 0)
                for (ssize_t off = 0; off < n;) {
                    const struct dirent64 *de = (const struct dirent64 *)(buf + off);
                    off += de->d_reclen;
                    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                    remove_tree_at(fd, de->d_name, depth - 1);
                    removed = 1;
                }
        }
        close(fd);
    }
    unlinkat(dirfd, name, AT_REMOVEDIR);
}

void kl_cli_remove_tree(const char *path)
{
    if (path)
        remove_tree_at(AT_FDCWD, path, 4);
}

/* The thread that runs main: the only one that cleans up.  Libraries start
 * threads of their own (OpenBLAS starts its pool when it is loaded, before
 * main), and a signal sent to the process goes to any thread that does not
 * block it, so a command that blocks the signals around "create a temporary
 * file, register it" would still be interrupted in that window by the
 * handler running on another thread, and leave the file behind. */
static pthread_t main_thread;

static void on_interrupt(int sig)
{
    if (!pthread_equal(pthread_self(), main_thread)) {
        /* hand it to the main thread, which takes it once it unblocks */
        pthread_kill(main_thread, sig);
        return;
    }
    for (int i = 0; i < KL_TEMP_SLOTS; i++)
        if (temp_used[i] && temp_is_dir[i])
            remove_tree_at(AT_FDCWD, temp_paths[i], 4);
        else if (temp_used[i])
            unlink(temp_paths[i]);
    signal(sig, SIG_DFL);
    raise(sig);
}

void kl_cli_signals_init(void)
{
    main_thread = pthread_self();
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_interrupt;
        sigemptyset(&sa.sa_mask);
        sigaction(sigs[i], &sa, NULL);
    }
}

static void temp_register(const char *path, int is_dir)
{
    if (!path || strlen(path) >= sizeof temp_paths[0])
        return;
    for (int i = 0; i < KL_TEMP_SLOTS; i++)
        if (!temp_used[i]) {
            memcpy(temp_paths[i], path, strlen(path) + 1);
            temp_is_dir[i] = is_dir;
            temp_used[i] = 1;
            return;
        }
}

void kl_cli_temp_register(const char *path)
{
    temp_register(path, 0);
}

void kl_cli_temp_register_dir(const char *path)
{
    temp_register(path, 1);
}

int kl_cli_temp_create(char *template, int is_dir)
{
    /* an interrupt between creating it and registering it would leave it
     * behind: hold the signals for that moment (other threads hand theirs
     * to this one, see on_interrupt) */
    sigset_t block, saved;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &block, &saved);
    int rc = is_dir ? (mkdtemp(template) ? 0 : -1) : mkstemp(template);
    int e = errno;
    if (rc >= 0)
        temp_register(template, is_dir);
    pthread_sigmask(SIG_SETMASK, &saved, NULL);
    errno = e;
    return rc;
}

void kl_cli_temp_unregister(const char *path)
{
    for (int i = 0; path && i < KL_TEMP_SLOTS; i++)
        if (temp_used[i] && strcmp(temp_paths[i], path) == 0)
            temp_used[i] = 0;
}

int kl_cli_parse_u64(const char *s, unsigned long long max, unsigned long long *out)
{
    if (!s || !*s || *s == '-' || *s == '+')
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return -1;
    *out = v;
    return 0;
}

/* Messages are printed without allocating where they fit on the stack
 * (escaping makes a byte at most four, "\xHH"): a message about running
 * out of memory, or any warning printed while memory is short, must still
 * come out whole. */
#define KL_CLI_LINE_MAX 2048

void kl_cli_put(FILE *f, const char *s)
{
    char esc[4 * KL_CLI_LINE_MAX + 1];
    if (strlen(s) <= KL_CLI_LINE_MAX) {
        fwrite(esc, 1, kl_term_escape(s, esc, sizeof esc), f);
        return;
    }
    if (kl_write_escaped(f, kl_term_escape, s) < 0)
        fputs("(out of memory)", f);
}

/* prefix as it is, then fmt formatted and escaped, then suffix */
static void vline(FILE *f, const char *prefix, const char *suffix, const char *fmt, va_list ap)
{
    char small[KL_CLI_LINE_MAX + 1], *text = NULL;
    va_list again;
    va_copy(again, ap);
    int len = vsnprintf(small, sizeof small, fmt, ap);
    if (len >= (int)sizeof small && vasprintf(&text, fmt, again) < 0)
        text = NULL; /* then the message cut to what fits */
    va_end(again);
    fputs(prefix, f);
    kl_cli_put(f, len < 0 ? fmt : text ? text : small);
    free(text);
    fputs(suffix, f);
}

/* A name escaped for the terminal (kl_term_escape): on the stack when it
 * fits, so that printing allocates nothing for ordinary names. */
typedef struct {
    char small[1024];
    char *big;
} shown_t;

/* s escaped, in sh (free sh->big after use); NULL when out of memory. */
static const char *escaped(const char *s, shown_t *sh)
{
    size_t len = kl_term_escape(s, sh->small, sizeof sh->small);
    sh->big = NULL;
    if (len < sizeof sh->small)
        return sh->small;
    if ((sh->big = malloc(len + 1)))
        kl_term_escape(s, sh->big, len + 1);
    return sh->big;
}

int kl_cli_print_padded(FILE *f, const char *s, int width)
{
    shown_t sh;
    const char *t = escaped(s, &sh);
    if (!t)
        return -1;
    int chars = 0;
    for (const unsigned char *p = (const unsigned char *)t; *p; p++)
        chars += (*p & 0xC0) != 0x80;
    fputs(t, f);
    free(sh.big);
    for (; chars < width; chars++)
        fputc(' ', f);
    return 0;
}

void kl_cli_line(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vline(f, "", "\n", fmt, ap);
    va_end(ap);
}

void kl_cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vline(stderr, "kluster: error: ", "\n", fmt, ap);
    va_end(ap);
}

void kl_cli_print_error(const kl_error_t *err)
{
    char buf[1200];
    kl_error_format(err, buf, sizeof buf);
    kl_cli_put(stderr, buf);
    fputc('\n', stderr);
}

int kl_cli_usage_error(const char *cmd, const char *usage, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "kluster %s: error: ", cmd);
    va_start(ap, fmt);
    vline(stderr, "", "\n", fmt, ap);
    va_end(ap);
    fprintf(stderr, "%stry 'kluster %s --help'\n", usage, cmd);
    return KL_EXIT_USAGE;
}

/* Warnings, at most WARNINGS_PER_KIND of each kind: a generated dataset
 * can repeat one problem thousands of times, and the first few say it. */
#define WARNINGS_PER_KIND 10
void kl_cli_print_warnings(const kl_dataset_t *ds)
{
    static const char *const kind_names[KL_WARN_COUNT] = {"merge-conflict", "unknown-type", "mojibake",
                                                          "self-loop", "duplicate-relation", "other"};
    uint32_t shown[KL_WARN_COUNT] = {0};
    for (uint32_t i = 0; i < ds->n_warnings; i++)
        if (shown[ds->warnings[i].kind]++ < WARNINGS_PER_KIND)
            kl_cli_line(stderr, "%s", ds->warnings[i].text);
    for (int k = 0; k < KL_WARN_COUNT; k++)
        if (shown[k] > WARNINGS_PER_KIND)
            fprintf(stderr, "kluster: warning: %u more %s warnings not shown\n", shown[k] - WARNINGS_PER_KIND,
                    kind_names[k]);
}

/* Where the file system cannot swap two folders in one step (renameat2 is
 * Linux's, and not every file system has it): the old folder aside under a
 * name like tmp's, the new one in, the old one back on failure. */
static int replace_in_two_steps(const char *tmp, const char *target)
{
    char *old = strdup(tmp);
    if (!old) {
        errno = ENOMEM;
        return -1;
    }
    memcpy(old + strlen(old) - 6, "XXXXXX", 6);
    int rc = -1;
    if (mkdtemp(old) && rename(target, old) == 0) {
        if (rename(tmp, target) == 0) {
            kl_cli_remove_tree(old);
            rc = 0;
        } else {
            int e = errno;
            rename(old, target); /* put the previous folder back */
            errno = e;
        }
    } else {
        int e = errno;
        rmdir(old);
        errno = e;
    }
    free(old);
    return rc;
}

int kl_cli_replace_folder(char *tmp, const char *target, int exists)
{
    /* mkdtemp makes the folder 0700; what a command writes is as readable
     * as any file it writes */
    mode_t um = umask(0);
    umask(um);
    chmod(tmp, 0777 & ~um);
    if (!exists) {
        if (rename(tmp, target) != 0)
            return -1;
    } else if (renameat2(AT_FDCWD, tmp, AT_FDCWD, target, RENAME_EXCHANGE) == 0) {
        /* the old folder now has the temporary name: it goes with it */
        kl_cli_remove_tree(tmp);
    } else if ((errno != EINVAL && errno != ENOSYS) || replace_in_two_steps(tmp, target) != 0) {
        return -1;
    }
    kl_cli_temp_unregister(tmp);
    return 0;
}

int kl_cli_finish(int rc)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        kl_cli_error("cannot write the output: %s", strerror(errno ? errno : EIO));
        return KL_EXIT_FAILURE;
    }
    return rc;
}

/* Outputs are written under a temporary name and renamed over their
 * target, so `analyze x.json -o x.json` would replace the dataset by its
 * analysis; and a data file written into a dataset folder would be read
 * as an extract by the next command.  Both are refused before any work. */
/* The folder an output file goes into must exist: say so before any work
 * rather than "No such file or directory" after it. */
static int check_output_folder(const char *output)
{
    size_t len = strlen(output);
    while (len > 1 && output[len - 1] == '/') /* "parts/": the folder parts */
        len--;
    const char *slash = memrchr(output, '/', len);
    if (!slash || slash == output)
        return 0;
    char parent[4096];
    struct stat sp;
    snprintf(parent, sizeof parent, "%.*s", (int)(slash - output), output);
    if (stat(parent, &sp) == 0) {
        if (S_ISDIR(sp.st_mode))
            return 0;
        kl_cli_error("'%s' in -o '%s' is a file, not a folder", parent, output);
    } else if (errno == ENOENT) {
        kl_cli_error("the folder '%s' of -o '%s' does not exist: create it first (mkdir -p '%s') or write elsewhere",
                     parent, output, parent);
    } else if (errno == ENOTDIR) {
        kl_cli_error("'%s' in -o '%s' is not a folder", parent, output);
    } else {
        return 0; /* unreadable: opening the output reports it */
    }
    return 1;
}

int kl_cli_check_output(const char *output, const char *input)
{
    struct stat so, si, sp;
    if (output && strcmp(output, "-") && check_output_folder(output))
        return 1;
    if (!output || !strcmp(output, "-") || !input || stat(input, &si) < 0)
        return 0; /* the load reports a missing input */
    if (stat(output, &so) == 0 && so.st_dev == si.st_dev && so.st_ino == si.st_ino) {
        kl_cli_error("-o '%s' is the dataset '%s' itself: writing it would replace the input; choose another "
                     "output file",
                     output, input);
        return 1;
    }
    if (!S_ISDIR(si.st_mode))
        return 0;
    const char *slash = strrchr(output, '/');
    char parent[4096];
    snprintf(parent, sizeof parent, "%.*s", slash ? (int)(slash - output) + (slash == output) : 1,
             slash ? output : ".");
    if (stat(parent, &sp) == 0 && sp.st_dev == si.st_dev && sp.st_ino == si.st_ino &&
        kl_load_folder_reads(slash ? slash + 1 : output)) {
        kl_cli_error("-o '%s' lies in the dataset folder '%s', whose next load would read it as input; write "
                     "it outside the folder or give it another name",
                     output, input);
        return 1;
    }
    return 0;
}

/* ------------------------------------------------------------ the run */

int kl_cli_run_load(kl_run_t *run, const char *path, const kl_cli_options_t *o)
{
    kl_error_t err = {0};
    kl_err rc = kl_run_load(run, path, &o->run, &err);
    if (run->loaded && (!o->quiet || o->run.strict))
        kl_cli_print_warnings(&run->ds);
    if (rc != KL_OK) {
        kl_cli_print_error(&err);
        return 1;
    }
    return 0;
}

int kl_cli_run_build(kl_run_t *run, const kl_cli_options_t *o)
{
    kl_error_t err = {0};
    uint32_t seen = run->ds.n_warnings;
    kl_err rc = kl_run_build(run, &o->run, &err);
    /* the graph's own warnings (projects left out), after the load's */
    for (uint32_t i = seen; i < run->ds.n_warnings && (!o->quiet || o->run.strict); i++)
        fprintf(stderr, "%s\n", run->ds.warnings[i].text);
    if (rc != KL_OK) {
        kl_cli_print_error(&err);
        return 1;
    }
    return 0;
}

int kl_cli_run_analyse(kl_run_t *run, const kl_cli_options_t *o, const char *cmd)
{
    kl_error_t err = {0};
    char note[300];
    if (!o->quiet && kl_run_sampling_note(&run->sampling, note, sizeof note))
        kl_cli_line(stderr, "kluster %s: note: %s", cmd, note);
    if (kl_run_analyse(run, &o->run, &err) != KL_OK) {
        kl_cli_print_error(&err);
        return 1;
    }
    if (!o->quiet && (run->done & KL_RUN_METRICS) && kl_run_eigenvector_note(&run->metrics, note, sizeof note))
        kl_cli_line(stderr, "kluster %s: warning: %s", cmd, note);
    return 0;
}

int kl_cli_run(kl_run_t *run, const char *path, const kl_cli_options_t *o, const char *cmd)
{
    if (kl_cli_run_load(run, path, o) || kl_cli_run_build(run, o))
        return 1;
    return kl_cli_run_analyse(run, o, cmd);
}
