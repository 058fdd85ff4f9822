/* tests/unit/lexers_test.c - golden-output test of the JSON lexer and the CSV reader (compare with lexers_test.out). */
#define _POSIX_C_SOURCE 200809L
#include "loaders/loaders.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LIT(s) s, sizeof(s) - 1

/* Bytes as a C-like string: printable ASCII as is, the rest as \xNN; long
 * values only by length so generated cases stay one short line. */
static void put_bytes(const char *s, size_t n)
{
    if (n > 60) {
        printf("<len %zu>", n);
        return;
    }
    putchar('"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c >= 0x20 && c < 0x7F)
            putchar(c);
        else
            printf("\\x%02X", c);
    }
    putchar('"');
}

/* Shortest %g form that reads back as the same double. */
static void put_double(double v)
{
    char t[64];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(t, sizeof t, "%.*g", prec, v);
        if (strtod(t, NULL) == v || v != v)
            break;
    }
    fputs(t, stdout);
}

/* ------------------------------------------------------------------ JSON */

struct jcase {
    const char *name;
    const char *in;
    size_t len;
    uint32_t first_line, max_depth;
};

/* Print the token stream.  Values that follow the key "skip" are skipped
 * with kl_jlex_skip_value and shown as their byte span.  quiet > 0: only
 * the last quiet tokens are shown, the others are counted. */
static void run_json_q(const char *name, const char *in, size_t len, uint32_t first_line, uint32_t max_depth,
                       size_t quiet)
{
    size_t ntok = 0, shown = 0;
    if (quiet) {
        /* a dry run counts the tokens */
        kl_jlex_t dry;
        kl_jlex_init(&dry, in, len, first_line, max_depth);
        while (kl_jlex_next(&dry) > 0)
            ntok++;
        kl_jlex_destroy(&dry);
    }
    kl_jlex_t lx;
    kl_jlex_init(&lx, in, len, first_line, max_depth);
    printf("J %s:", name);
    int skip_next = 0;
    for (;;) {
        kl_jtok t = kl_jlex_next(&lx);
        if (quiet && t > 0 && shown + quiet < ntok) {
            if (++shown + quiet == ntok)
                printf(" <%zu tokens>", shown);
            continue;
        }
        if (t == KL_J_ERROR) {
            printf(" ERR %u:%u %s", lx.err_line, lx.err_col, lx.errmsg);
            if (kl_jlex_next(&lx) != KL_J_ERROR)
                printf(" !not-sticky");
            break;
        }
        printf(" %u:%u ", lx.tok_line, lx.tok_col);
        if (t == KL_J_END) {
            printf("END");
            if (kl_jlex_next(&lx) != KL_J_END)
                printf(" !not-sticky");
            break;
        }
        if (skip_next) {
            size_t s, e;
            skip_next = 0;
            if (kl_jlex_skip_value(&lx, &s, &e) < 0) {
                printf("SKIP-ERR %u:%u %s", lx.err_line, lx.err_col, lx.errmsg);
                break;
            }
            printf("skip[%zu,%zu)=", s, e);
            put_bytes(in + s, e - s);
            continue;
        }
        if (t == KL_J_KEY || t == KL_J_STRING) {
            /* zero-copy contract: in the buffer exactly when there was no escape */
            int in_buf = lx.str >= in && lx.str <= in + len;
            int raw_escape = memchr(in + lx.tok_start, '\\', lx.pos - lx.tok_start) != NULL;
            fputs(t == KL_J_KEY ? "K" : "S", stdout);
            put_bytes(lx.str, lx.str_len);
            if (in_buf == raw_escape)
                printf("!copy");
            if (lx.str_has_nul != (memchr(lx.str, 0, lx.str_len) != NULL))
                printf("!nulflag");
            if (t == KL_J_KEY && lx.str_len == 4 && memcmp(lx.str, "skip", 4) == 0)
                skip_next = 1;
            continue;
        }
        switch (t) {
        case KL_J_OBJECT: fputs("{", stdout); break;
        case KL_J_OBJECT_END: fputs("}", stdout); break;
        case KL_J_ARRAY: fputs("[", stdout); break;
        case KL_J_ARRAY_END: fputs("]", stdout); break;
        case KL_J_TRUE: fputs("true", stdout); break;
        case KL_J_FALSE: fputs("false", stdout); break;
        case KL_J_NULL: fputs("null", stdout); break;
        case KL_J_NUMBER:
            fputs("N", stdout);
            if (lx.str_len > 60)
                printf("<len %zu>", lx.str_len);
            else
                fwrite(lx.str, 1, lx.str_len, stdout);
            fputs("=", stdout);
            put_double(lx.num);
            if (lx.num_finite != (lx.num - lx.num == 0))
                printf("!finite");
            break;
        default:
            printf("?%d", (int)t);
        }
    }
    putchar('\n');
    kl_jlex_destroy(&lx);
    kl_jlex_destroy(&lx); /* twice is allowed */
}

static void run_json(const char *name, const char *in, size_t len, uint32_t first_line, uint32_t max_depth)
{
    run_json_q(name, in, len, first_line, max_depth, 0);
}

static const struct jcase jcases[] = {
    /* valid */
    {"object", LIT("{\"a\":1,\"b\":[true,false,null],\"c\":{}}"), 1, 0},
    {"whitespace", LIT("{\n  \"a\" : [ 1 ,\r\n 2 ]\t}\n"), 1, 0},
    {"top-number", LIT(" 42 "), 1, 0},
    {"top-string", LIT("\"hi\""), 1, 0},
    {"top-true", LIT("true"), 1, 0},
    {"top-null-nl", LIT("null\n\n"), 1, 0},
    {"empty-array", LIT("[]"), 1, 0},
    {"empty-object", LIT("{ }"), 1, 0},
    {"nested", LIT("[[[{\"x\":[{}]}]]]"), 1, 0},
    {"escapes", LIT("[\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"]"), 1, 0},
    {"escape-only", LIT("\"\\n\""), 1, 0},
    {"unicode-escapes", LIT("[\"\\u00e9\\u20AC\\uD83D\\uDE00x\"]"), 1, 0},
    {"escaped-nul", LIT("[\"a\\u0000b\"]"), 1, 0},
    {"escaped-key", LIT("{\"k\\u0041\":\"v\"}"), 1, 0},
    {"utf8-columns", LIT("[\"\xC3\xA9\",\"x\"]"), 1, 0},
    {"utf8-4byte", LIT("{\"k\":\"\xF0\x9F\x98\x80\",\"n\":1}"), 1, 0},
    {"utf8-max", LIT("[\"\xF4\x8F\xBF\xBF\xEF\xBF\xBF\"]"), 1, 0},
    {"del-char", LIT("\"\x7F\""), 1, 0},
    {"numbers", LIT("[0,-0,1,-1,1.5,-0.25,1e2,1E+2,1e-2,0.1,3.141592653589793]"), 1, 0},
    {"numbers-big", LIT("[123456789012345678901234567890,9007199254740993,1e400,-1e400,1e-400,2.5E-3]"), 1, 0},
    {"first-line", LIT("\n[1,\n2]"), 7, 0},
    {"bom", LIT("\xEF\xBB\xBF[1]"), 1, 0},
    {"skip-object", LIT("{\"a\":1,\"skip\":{\"x\":[1,2,{\"y\":\"\\u00e9\"}]},\"b\":2}"), 1, 0},
    {"skip-scalar", LIT("{\"skip\":\"str\",\"c\":3}"), 1, 0},
    {"skip-array", LIT("{\"skip\":[[],[\"\xC3\xA9\"]],  \"c\":3}"), 1, 0},
    {"skip-bad", LIT("{\"skip\":[1,2}"), 1, 0},
    {"depth-2-ok", LIT("[[1]]"), 1, 2},
    {"depth-2-over", LIT("[[{}]]"), 1, 2},

    /* structure errors */
    {"missing-colon", LIT("{\"a\" 1}"), 1, 0},
    {"missing-comma-obj", LIT("{\"a\":1 \"b\":2}"), 1, 0},
    {"missing-comma-arr", LIT("[1 2]"), 1, 0},
    {"trailing-comma-arr", LIT("[1,]"), 1, 0},
    {"trailing-comma-obj", LIT("{\"a\":1,}"), 1, 0},
    {"comma-first", LIT("{,}"), 1, 0},
    {"bad-key", LIT("{1:2}"), 1, 0},
    {"array-brace", LIT("[}"), 1, 0},
    {"object-bracket", LIT("{]"), 1, 0},
    {"key-bracket", LIT("{\"a\"]"), 1, 0},
    {"colon-in-array", LIT("[\"a\":1]"), 1, 0},
    {"bad-char", LIT("x"), 1, 0},
    {"empty", LIT(""), 1, 0},
    {"only-space", LIT("  \n "), 1, 0},
    {"eof-array", LIT("[1"), 1, 0},
    {"eof-after-colon", LIT("{\"a\":"), 1, 0},
    {"eof-string", LIT("\"abc"), 1, 0},
    {"eof-lines", LIT("[\n1,\n2"), 1, 0},
    {"after-top", LIT("[1]x"), 1, 0},
    {"after-top-value", LIT("[1] [2]"), 1, 0},
    {"two-scalars", LIT("1 2"), 1, 0},
    {"extra-brace", LIT("{\"a\":1}}"), 1, 0},
    {"nul-value", LIT("[1,\0]"), 1, 0},
    {"nul-after", LIT("{\"a\":1}\0"), 1, 0},
    {"nul-for-colon", LIT("{\"a\"\0"), 1, 0},
    {"control-outside", LIT("[\x01]"), 1, 0},
    {"utf8-outside", LIT("[\xC3\xA9]"), 1, 0},
    {"bad-utf8-outside", LIT("[\xFF]"), 1, 0},
    {"error-col-utf8", LIT("{\"\xC3\xA9\": x}"), 1, 0},
    {"literal-eof", LIT("tru"), 1, 0},
    {"literal-bad", LIT("[trux]"), 1, 0},
    {"literal-case", LIT("True"), 1, 0},
    {"literal-null-eof", LIT("[nul"), 1, 0},
    {"literal-glued", LIT("[truefalse]"), 1, 0},

    /* string errors */
    {"bad-escape", LIT("\"a\\qb\""), 1, 0},
    {"bad-escape-ctl", LIT("\"a\\\x01\""), 1, 0},
    {"escape-eof", LIT("\"a\\"), 1, 0},
    {"lone-high", LIT("\"\\uD800\""), 1, 0},
    {"lone-low", LIT("\"x\\uDC00\""), 1, 0},
    {"high-then-bmp", LIT("\"\\uD800\\u0041\""), 1, 0},
    {"high-then-char", LIT("\"\\uD800x\""), 1, 0},
    {"high-then-eof", LIT("\"\\uD800"), 1, 0},
    {"high-then-bad-hex", LIT("\"\\uD800\\uDG00\""), 1, 0},
    {"bad-hex", LIT("\"\\u12G4\""), 1, 0},
    {"short-hex", LIT("\"a\\u00\""), 1, 0},
    {"hex-eof", LIT("\"a\\u00"), 1, 0},
    {"raw-tab", LIT("\"tab\there\""), 1, 0},
    {"raw-newline", LIT("[\"a\nb\"]"), 1, 0},
    {"raw-nul", LIT("\"a\0\""), 1, 0},
    {"utf8-ff", LIT("[\"\xFF\"]"), 1, 0},
    {"utf8-lead-ascii", LIT("[\"\xC3(\"]"), 1, 0},
    {"utf8-overlong", LIT("\"\xC0\xAF\""), 1, 0},
    {"utf8-overlong-3", LIT("\"\xE0\x80\xAF\""), 1, 0},
    {"utf8-surrogate", LIT("\"\xED\xA0\x80\""), 1, 0},
    {"utf8-too-big", LIT("\"\xF4\x90\x80\x80\""), 1, 0},
    {"utf8-truncated", LIT("\"\xE2\x82\""), 1, 0},
    {"utf8-after-valid", LIT("\"\xC3\xA9\xFF\""), 1, 0},
    {"utf8-stray-cont", LIT("\"a\x80\""), 1, 0},

    /* number errors */
    {"leading-zero", LIT("01"), 1, 0},
    {"neg-leading-zero", LIT("-01"), 1, 0},
    {"dot-end", LIT("1."), 1, 0},
    {"dot-exp", LIT("1.e5"), 1, 0},
    {"minus-only", LIT("-"), 1, 0},
    {"minus-letter", LIT("[-a]"), 1, 0},
    {"exp-empty", LIT("1e"), 1, 0},
    {"exp-sign-only", LIT("[1e+]"), 1, 0},
    {"leading-dot", LIT(".5"), 1, 0},
    {"leading-plus", LIT("+1"), 1, 0},
    {"two-dots", LIT("1.5.3"), 1, 0},
    {"two-exps", LIT("[1e5e3]"), 1, 0},
    {"hex-number", LIT("0x10"), 1, 0},
};

/* Generated inputs: large sizes and exact limits. */
static void json_generated(void)
{
    size_t n = 1000000;
    char *b = malloc(4000064);
    if (!b)
        abort();

    /* exactly 512 levels pass, 513 fail at the 513th bracket */
    memset(b, '[', 512);
    memset(b + 512, ']', 512);
    kl_jlex_t lx;
    kl_jlex_init(&lx, b, 1024, 1, 0);
    kl_jtok t;
    size_t ntok = 0;
    while ((t = kl_jlex_next(&lx)) > 0)
        ntok++;
    printf("J depth-512: %zu tokens, %s\n", ntok, t == KL_J_END ? "END" : lx.errmsg);
    kl_jlex_destroy(&lx);
    memset(b, '[', 513);
    memset(b + 513, ']', 513);
    run_json_q("depth-513", b, 1026, 1, 0, 2);

    /* a million '[' fail at the limit, not at the end */
    memset(b, '[', n);
    run_json_q("million-brackets", b, n, 1, 0, 2);

    /* a 4 MB unterminated string: one pass, error at the end */
    b[0] = '[';
    b[1] = '"';
    memset(b + 2, 'a', 4000000);
    run_json("unterminated-4mb", b, 4000002, 1, 0);

    /* a long string with escapes grows scratch; check the content */
    size_t k = 0, reps = 100000;
    b[k++] = '"';
    for (size_t i = 0; i < reps; i++) {
        memcpy(b + k, "ab\\n\\u00e9", 10);
        k += 10;
    }
    b[k++] = '"';
    kl_jlex_init(&lx, b, k, 1, 0);
    t = kl_jlex_next(&lx);
    int ok = t == KL_J_STRING && lx.str_len == reps * 5;
    for (size_t i = 0; ok && i < reps; i++)
        ok = memcmp(lx.str + 5 * i, "ab\n\xC3\xA9", 5) == 0;
    size_t slen = lx.str_len;
    t = kl_jlex_next(&lx);
    printf("J long-escaped-string: %s, %zu bytes, then %s\n", ok ? "ok" : "MISMATCH", slen,
           t == KL_J_END ? "END" : "?");
    kl_jlex_destroy(&lx);

    /* columns after a long line, on the same line and the next */
    k = 0;
    b[k++] = '[';
    b[k++] = '"';
    for (size_t i = 0; i < 70000; i++) {
        memcpy(b + k, "\xC3\xA9", 2);
        k += 2;
    }
    memcpy(b + k, "\",1,\n  2]", 9);
    k += 9;
    run_json("long-line-columns", b, k, 1, 0);

    /* a 400-digit number goes through strtod via scratch */
    b[0] = '1';
    memset(b + 1, '0', 399);
    memcpy(b + 400, ".5e-100", 7);
    run_json("long-number", b, 407, 1, 0);
    b[0] = '1';
    memset(b + 1, '0', 399);
    run_json("long-integer", b, 400, 1, 0);

    /* no read past len: the number and literal end exactly at the buffer end */
    char *exact = malloc(3);
    memcpy(exact, "123", 3);
    run_json("exact-number", exact, 3, 1, 0);
    memcpy(exact, "nul", 3);
    run_json("exact-literal", exact, 3, 1, 0);
    free(exact);

    /* NULL buffer */
    run_json("null-buffer", NULL, 0, 1, 0);

    /* skip_value outside a value is refused without breaking the lexer */
    kl_jlex_init(&lx, "{\"a\":1}", 7, 1, 0);
    kl_jlex_next(&lx);
    kl_jlex_next(&lx);
    int r = kl_jlex_skip_value(&lx, NULL, NULL);
    printf("J skip-on-key: %d %s; then", r, lx.errmsg);
    while ((t = kl_jlex_next(&lx)) > 0)
        printf(" %d", (int)t);
    printf(" %s\n", t == KL_J_END ? "END" : "ERR");
    kl_jlex_destroy(&lx);
    free(b);
}

/* ------------------------------------------------------------------- CSV */

static char tmpdir[64];

static char *write_file(const char *name, const char *data, size_t len)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        perror(path);
        exit(2);
    }
    return path;
}

static void print_csv(kl_csv_t *c)
{
    int r;
    while ((r = kl_csv_next(c)) == 1) {
        printf(" @%u", kl_csv_line(c));
        for (uint32_t i = 0; i < kl_csv_nfields(c); i++) {
            size_t len;
            const char *f = kl_csv_field(c, i, &len);
            putchar(' ');
            put_bytes(f, len);
            if (f[len] != 0)
                printf("!unterminated");
        }
    }
    if (r == 0) {
        printf(" EOF");
        if (kl_csv_next(c) != 0)
            printf(" !not-sticky");
    } else {
        uint32_t line, field;
        const char *msg = kl_csv_error(c, &line, &field);
        printf(" ERR %u:%u %s", line, field, msg);
        if (kl_csv_next(c) != -1)
            printf(" !not-sticky");
    }
}

static void run_csv(const char *name, const char *data, size_t len, char delim)
{
    char msg[200];
    char *path = write_file("case.csv", data, len);
    kl_csv_t *c = kl_csv_open(path, msg, sizeof msg);
    printf("C %s:", name);
    if (!c) {
        printf(" OPEN-ERR %s\n", msg);
        return;
    }
    if (delim)
        kl_csv_set_delimiter(c, delim);
    print_csv(c);
    putchar('\n');
    kl_csv_close(c);
    unlink(path);
}

struct ccase {
    const char *name;
    const char *in;
    size_t len;
    char delim;
};

static const struct ccase ccases[] = {
    {"basic", LIT("a,b,c\n1,2,3\n"), 0},
    {"quoted-comma", LIT("\"a,b\",c\n"), 0},
    {"embedded-quotes", LIT("\"say \"\"hi\"\"\",x\n"), 0},
    {"only-quotes", LIT("\"\"\"\"\n"), 0},
    {"embedded-newline", LIT("\"line1\nline2\",z\nnext\n"), 0},
    {"crlf", LIT("a,b\r\nc,d\r\n"), 0},
    {"crlf-in-quotes", LIT("\"x\r\ny\",1\r\n2\r\n"), 0},
    {"bom", LIT("\xEF\xBB\xBFid,name\n1,x\n"), 0},
    {"bom-quoted", LIT("\xEF\xBB\xBF\"id\"\n"), 0},
    {"bom-only", LIT("\xEF\xBB\xBF"), 0},
    {"bom-later", LIT("a\n\xEF\xBB\xBF" "b\n"), 0},
    {"no-final-newline", LIT("a,b\nc,d"), 0},
    {"no-final-newline-quoted", LIT("a\n\"c\""), 0},
    {"empty-lines", LIT("\n\na\n\r\n\nb\n\n"), 0},
    {"only-delimiters", LIT(",,\n"), 0},
    {"empty-quoted", LIT("\"\"\n"), 0},
    {"empty-quoted-fields", LIT("\"\",\"\"\r\n"), 0},
    {"bare-cr", LIT("a\rb,c\n"), 0},
    {"cr-before-eof", LIT("a\r"), 0},
    {"trailing-delimiter-eof", LIT("a,"), 0},
    {"spaces", LIT(" a , b \n"), 0},
    {"utf8", LIT("\xC3\xA9,\xF0\x9F\x98\x80\n"), 0},
    {"empty-file", LIT(""), 0},
    {"only-newlines", LIT("\n\r\n\n"), 0},
    {"semicolon", LIT("a;b,c\n\"x;y\";z\n"), ';'},
    {"tab", LIT("a\tb c\n"), '\t'},
    {"bad-delimiter-ignored", LIT("a,b\n"), '"'},
    /* errors */
    {"stray-quote", LIT("ab\"c,d\n"), 0},
    {"stray-quote-line2", LIT("x\na,b\"\n"), 0},
    {"after-closing-quote", LIT("\"a\"b,c\n"), 0},
    {"after-closing-quote-space", LIT("x,\"a\" \n"), 0},
    {"after-closing-quote-cr", LIT("\"a\"\rb\n"), 0},
    {"unterminated", LIT("a,\"b\nc\nd"), 0},
    {"unterminated-line3", LIT("1\n2\nx,y,\"z"), 0},
    {"nul", LIT("a,b\0c\n"), 0},
    {"nul-quoted", LIT("\"a\0\"\n"), 0},
    {"nul-line-start", LIT("ok\n\0\n"), 0},
    {"bad-utf8", LIT("a,\xFF\n"), 0},
    {"bad-utf8-overlong", LIT("\xC0\xAF\n"), 0},
    {"bad-utf8-multiline", LIT("x,\"l1\nb\xC3\"\n"), 0},
    {"truncated-utf8-eof", LIT("a,\xE2\x82"), 0},
};

/* Records that straddle the 1 MiB read boundary at every offset. */
static void csv_boundaries(void)
{
    const size_t chunk = (size_t)1 << 20;
    const char tail[] = "\"a\"\"b\",\"c\r\nd\"\r\ne\rf,\"g\"\r\nh\"\n";
    size_t tl = sizeof tail - 1;
    char *b = malloc(chunk + 64);
    if (!b)
        abort();
    for (size_t k = 0; k <= tl; k++) {
        /* filler record of chunk - k - 1 bytes plus LF: the tail starts k bytes before the boundary */
        size_t fl = chunk - k - 1;
        memset(b, 'x', fl);
        b[fl] = '\n';
        memcpy(b + fl + 1, tail, tl);
        char name[32];
        snprintf(name, sizeof name, "boundary-%zu", k);
        run_csv(name, b, fl + 1 + tl, 0);
    }
    free(b);
}

static void csv_generated(void)
{
    size_t max = KL_CSV_MAX_RECORD;
    char *b = malloc(max + 4000000);
    if (!b)
        abort();

    /* the record limit counts raw bytes, quotes included */
    memset(b, 'a', max);
    b[max] = '\n';
    memcpy(b + max + 1, "z\n", 2);
    run_csv("record-at-limit", b, max + 3, 0);
    memset(b, 'a', max + 1);
    b[max + 1] = '\n';
    run_csv("record-over-limit", b, max + 2, 0);
    b[0] = '"';
    memset(b + 1, 'a', max - 2);
    b[max - 1] = '"';
    b[max] = '\n';
    run_csv("quoted-at-limit", b, max + 1, 0);
    b[0] = '"';
    memset(b + 1, 'a', max - 1);
    b[max] = '"';
    b[max + 1] = '\n';
    run_csv("quoted-over-limit", b, max + 2, 0);

    /* a stray quote is reported even though the quote parity would run on */
    memcpy(b, "a\"b\n", 4);
    memset(b + 4, 'c', 3000000);
    run_csv("stray-quote-then-long", b, 3000004, 0);

    /* a 3 MB quoted field with 30000 line breaks spans several reads */
    size_t k = 0;
    b[k++] = '"';
    for (int i = 0; i < 30000; i++) {
        memset(b + k, 'y', 99);
        k += 99;
        b[k++] = '\n';
    }
    memcpy(b + k, "\",end\nnext\n", 11);
    k += 11;
    run_csv("multiline-3mb", b, k, 0);

    /* an unterminated quoted field at line 2 reported after reading 3 MB */
    k = 0;
    memcpy(b, "ok\n\"", 4);
    k = 4;
    for (int i = 0; i < 30000; i++) {
        memset(b + k, 'y', 99);
        k += 99;
        b[k++] = '\n';
    }
    run_csv("unterminated-3mb", b, k, 0);

    /* many small records: count them and check the last line number */
    k = 0;
    for (int i = 0; i < 200000; i++)
        k += (size_t)sprintf(b + k, "r%d,\"q,%d\",%s\n", i, i, i % 2 ? "x" : "");
    char msg[200];
    char *path = write_file("many.csv", b, k);
    kl_csv_t *c = kl_csv_open(path, msg, sizeof msg);
    long n = 0;
    int r, ok = 1;
    while ((r = kl_csv_next(c)) == 1) {
        char want[32];
        snprintf(want, sizeof want, "q,%ld", n);
        if (kl_csv_nfields(c) != 3 || strcmp(kl_csv_field(c, 1, NULL), want) != 0 || kl_csv_line(c) != n + 1)
            ok = 0;
        n++;
    }
    printf("C many-records: %ld records, %s, r=%d, bytes_read %s\n", n, ok ? "ok" : "MISMATCH", r,
           kl_csv_bytes_read(c) == k ? "= size" : "!= size");
    kl_csv_close(c);
    unlink(path);
    free(b);

    /* open and read failures */
    c = kl_csv_open("/nonexistent/kluster-lexers-test.csv", msg, sizeof msg);
    printf("C open-missing: %s %s\n", c ? "opened?" : "NULL", msg);
    kl_csv_close(c);
    c = kl_csv_open(tmpdir, msg, sizeof msg);
    if (c) {
        printf("C read-directory:");
        print_csv(c);
        putchar('\n');
        kl_csv_close(c);
    } else {
        printf("C read-directory: OPEN-ERR %s\n", msg);
    }
    kl_csv_close(NULL);
}

int main(void)
{
    for (size_t i = 0; i < sizeof jcases / sizeof jcases[0]; i++) {
        const struct jcase *j = &jcases[i];
        run_json(j->name, j->in, j->len, j->first_line, j->max_depth);
    }
    json_generated();

    snprintf(tmpdir, sizeof tmpdir, "/tmp/kl_lexers_XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 2;
    }
    for (size_t i = 0; i < sizeof ccases / sizeof ccases[0]; i++) {
        const struct ccase *c = &ccases[i];
        run_csv(c->name, c->in, c->len, c->delim);
    }
    csv_boundaries();
    csv_generated();
    if (rmdir(tmpdir) != 0)
        perror(tmpdir);
    return 0;
}
