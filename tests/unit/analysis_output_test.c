/* tests/unit/analysis_output_test.c - the cell escaping and number format of
 * `kluster analyze` output (writers/escape.c): CSV formula-injection prefix
 * and RFC 4180 quoting, Markdown table cells, %.17g reals as JSON prints
 * them, snprintf-style truncation, and output files that appear only on
 * commit (writers/atomic.c). */
#include "writers/writers.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void show(const char *s)
{
    putchar('[');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\n')
            fputs("\\n", stdout);
        else if (*p == '\r')
            fputs("\\r", stdout);
        else if (*p == '\t')
            fputs("\\t", stdout);
        else
            putchar(*p);
    }
    putchar(']');
}

static int files_in(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    if (!d)
        return -1;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

int main(void)
{
    static const char *const cells[] = {"plain", "=SUM(A1)", "+1", "-2", "@x", "\tx", "\rx", "a,b", "say \"hi\"",
                                        "two\nlines", "-a,b", "", "Östergötland", "a=b", " =x",
                                        "x;=1+1;y", "a\tb", "a;b", "n;-2", "a,\"@x\"", "t\t\tx", "=cmd|' /C calc'!A0"};
    char buf[256];
    printf("== csv\n");
    for (size_t i = 0; i < sizeof cells / sizeof *cells; i++) {
        size_t n = kl_csv_escape(cells[i], buf, sizeof buf);
        show(cells[i]);
        printf(" -> ");
        show(buf);
        printf(" (%zu)\n", n);
    }
    size_t n = kl_csv_escape("=abcdef", buf, 4);
    printf("truncated to 4: [%s] full length %zu\n", buf, n);
    printf("length only: %zu\n", kl_csv_escape("a\"b", NULL, 0));

    static const char *const md[] = {"a|b", "*bold*", "_x_", "[link](u)", "<script>", "back\\slash", "tab\there\nnl",
                                     "`code`", "~x~", "&amp;", "Anna Lövheim", "#1 + 2 - 3."};
    printf("== md\n");
    for (size_t i = 0; i < sizeof md / sizeof *md; i++) {
        kl_md_escape(md[i], buf, sizeof buf);
        show(md[i]);
        printf(" -> ");
        show(buf);
        printf("\n");
    }
    n = kl_md_escape("|||", buf, 3);
    printf("truncated to 3: [%s] full length %zu\n", buf, n);
    kl_md_escape("a\033[2J|\302\233b", buf, sizeof buf);
    printf("md controls: [%s]\n", buf);

    /* terminal text: controls, C1 controls and invalid UTF-8 as \xHH per
     * byte; everything else (UTF-8, backslashes) as it is */
    static const struct {
        const char *what, *s;
    } term[] = {{"CSI clear", "x\033[2Jy"},
                {"OSC title", "\033]0;pwned\007"},
                {"tab, LF, CR, DEL", "a\tb\nc\rd\177"},
                {"C1 CSI U+009B", "a\302\2332J"},
                {"U+00A0 stays", "a\302\240b"},
                {"lone byte, cut sequence", "\233 \342\202 \377"},
                {"overlong, surrogate", "\300\257 \355\240\200"},
                {"UTF-8 and a backslash", "Östergötland 日本 😀 C:\\x"}};
    printf("== term\n");
    for (size_t i = 0; i < sizeof term / sizeof *term; i++) {
        n = kl_term_escape(term[i].s, buf, sizeof buf);
        printf("%s: [%s] (%zu)\n", term[i].what, buf, n);
    }
    n = kl_term_escape("\033\033", buf, 6);
    printf("truncated to 6: [%s] full length %zu\n", buf, n);

    static const double reals[] = {0.0, 1.0, -2.0, 0.1, 47.5, 1e300, 1e-300, 1e16, 1e17, 123456789.0, -0.0};
    printf("== reals\n");
    for (size_t i = 0; i < sizeof reals / sizeof *reals; i++)
        printf("%s\n", kl_format_real(reals[i], buf));
    printf("%s\n", kl_format_real(1.0 / 3.0, buf));
    printf("%s %s %s\n", kl_format_real(NAN, buf), kl_format_real(INFINITY, buf + 40),
           kl_format_real(-INFINITY, buf + 80));

    printf("== output files\n");
    char dir[] = "/tmp/kl-output-test-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char target[300];
    snprintf(target, sizeof target, "%s/result.json", dir);
    kl_output_t o;
    if (kl_output_open(&o, target) != 0)
        perror("open");
    fputs("{}\n", o.f);
    printf("while writing: %d file(s), target exists: %d\n", files_in(dir), access(target, F_OK) == 0);
    printf("commit: %d\n", kl_output_commit(&o));
    printf("after commit: %d file(s), target exists: %d\n", files_in(dir), access(target, F_OK) == 0);
    kl_output_abort(&o); /* after commit: harmless */
    unlink(target);
    if (kl_output_open(&o, target) != 0)
        perror("open");
    fputs("partial", o.f);
    kl_output_abort(&o);
    printf("after abort: %d file(s)\n", files_in(dir));
    snprintf(target, sizeof target, "%s/no/such/dir/x.json", dir);
    errno = 0;
    int orc = kl_output_open(&o, target);
    printf("open in a missing folder: %d (%s)\n", orc, strerror(errno));
    printf("stdout for \"-\": %d, for NULL: %d\n", kl_output_open(&o, "-") == 0 && o.f == stdout,
           kl_output_open(&o, NULL) == 0 && o.f == stdout);
    /* a device is written in place, never replaced by a rename */
    struct stat st;
    int orc2 = kl_output_open(&o, "/dev/null");
    int direct = o.direct;
    if (orc2 == 0)
        fputs("x", o.f);
    int crc = kl_output_commit(&o);
    printf("/dev/null: open %d, direct %d, commit %d, still a character device: %d\n", orc2, direct, crc,
           stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode));
    rmdir(dir);
    return 0;
}
