/* writers/escape.c - the cells of the CSV and Markdown writers: escaping
 * (spreadsheet formula injection, RFC 4180 quoting, Markdown specials) and
 * the number formats shared by the JSON, CSV and Markdown outputs. */
#include "writers_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void put(char *out, size_t size, size_t at, char c)
{
    if (at + 1 < size)
        out[at] = c;
}

static size_t finish(char *out, size_t size, size_t len)
{
    if (size)
        out[len < size ? len : size - 1] = '\0';
    return len;
}

/* The list separators of the common spreadsheet locales: ',' (English), ';'
 * (where ',' is the decimal mark: Swedish, Norwegian, German, French ...) and
 * tab (a pasted table, a .tsv).  '|' is no locale's list separator, and the
 * multi-valued cells (bridges' brokers, cut actors) use it between values. */
static int csv_separator(char c)
{
    return c == ',' || c == ';' || c == '\t';
}

/* What makes a spreadsheet read a cell as a formula (OWASP's list). */
static int formula_start(char c)
{
    return c && strchr("=+-@\t\r", c) != NULL;
}

size_t kl_csv_escape(const char *s, char *out, size_t size)
{
    size_t len = 0;
    int quote = strpbrk(s, ",;\t\"\r\n") != NULL;
    if (quote)
        put(out, size, len++, '"');
    if (formula_start(s[0]))
        put(out, size, len++, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            put(out, size, len++, '"');
        put(out, size, len++, *p);
        /* a spreadsheet that splits on another separator than ',' starts a
         * cell here: guard it as the first (quotes before it do not count,
         * a spreadsheet drops them) */
        if (csv_separator(*p)) {
            const char *q = p + 1;
            while (*q == '"')
                q++;
            if (formula_start(*q))
                put(out, size, len++, '\'');
        }
    }
    if (quote)
        put(out, size, len++, '"');
    return finish(out, size, len);
}

/* How many bytes at p a terminal must not get raw: a C0 control (tab, LF and
 * CR included) or DEL (1), a C1 control U+0080..U+009F (2: C2 80..C2 9F;
 * terminals read U+009B as CSI), a byte that is not part of valid UTF-8 (1);
 * 0 for a character that shows as itself.  *step: the bytes of the
 * character at p (1 for an invalid byte). */
static size_t control_at(const unsigned char *p, size_t *step)
{
    *step = 1;
    if (*p < 0x80)
        return *p < 0x20 || *p == 0x7f;
    size_t n = *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : 2;
    if (strnlen((const char *)p, n) < n || kl_utf8_valid_prefix((const char *)p, n) != n)
        return 1;
    *step = n;
    return p[0] == 0xC2 && p[1] < 0xA0 ? 2 : 0;
}

/* The n bytes at p as \xHH each. */
static size_t put_hex(char *out, size_t size, size_t len, const unsigned char *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t k = 0; k < n; k++) {
        put(out, size, len++, '\\');
        put(out, size, len++, 'x');
        put(out, size, len++, hex[p[k] >> 4]);
        put(out, size, len++, hex[p[k] & 15]);
    }
    return len;
}

size_t kl_term_escape(const char *s, char *out, size_t size)
{
    size_t len = 0, step;
    for (const unsigned char *p = (const unsigned char *)s; *p; p += step) {
        if (control_at(p, &step)) {
            len = put_hex(out, size, len, p, step);
            continue;
        }
        for (size_t k = 0; k < step; k++)
            put(out, size, len++, (char)p[k]);
    }
    return finish(out, size, len);
}

size_t kl_md_escape(const char *s, char *out, size_t size)
{
    size_t len = 0, step;
    for (const unsigned char *p = (const unsigned char *)s; *p; p += step) {
        if (control_at(p, &step)) {
            /* a line break or tab is a space in a table cell; other controls
             * show as kl_term_escape shows them (Markdown keeps "\x1b") */
            if (*p == '\t' || *p == '\n' || *p == '\r')
                put(out, size, len++, ' ');
            else
                len = put_hex(out, size, len, p, step);
            continue;
        }
        if (step == 1 && strchr("\\`*_[]<>|~&", *p))
            put(out, size, len++, '\\');
        for (size_t k = 0; k < step; k++)
            put(out, size, len++, (char)p[k]);
    }
    return finish(out, size, len);
}

const char *kl_format_real(double x, char *buf)
{
    if (!isfinite(x)) {
        strcpy(buf, "null");
        return buf;
    }
    /* Integral values below 2^53 (tie weights, counts): %.17g prints their
     * digits exactly, so print them without the slow float formatter. */
    if (x == floor(x) && fabs(x) < 9007199254740992.0 && !(x == 0 && signbit(x))) {
        long long v = (long long)x;
        char tmp[24];
        int n = 0, neg = v < 0;
        unsigned long long u = neg ? 0ull - (unsigned long long)v : (unsigned long long)v;
        do {
            tmp[n++] = (char)('0' + u % 10);
            u /= 10;
        } while (u);
        /* %.17g switches to exponent notation from 1e17 on; 2^53 < 1e17 */
        char *p = buf;
        if (neg)
            *p++ = '-';
        while (n)
            *p++ = tmp[--n];
        strcpy(p, ".0");
        return buf;
    }
    int n = snprintf(buf, 32, "%.17g", x);
    if (n > 0 && n < 29 && strspn(buf, "0123456789-") == (size_t)n) {
        strcpy(buf + n, ".0");
        return buf;
    }
    /* as jansson: no '+' and no leading zeros in the exponent ("1e300",
     * "3.6e-5"), so every number of one file reads the same way */
    char *e = strchr(buf, 'e');
    if (e) {
        char *start = e + 1, *end;
        if (*start == '-')
            start++;
        end = start;
        if (*end == '+')
            end++;
        while (*end == '0' && end[1])
            end++;
        memmove(start, end, strlen(end) + 1);
    }
    return buf;
}

int kl_write_escaped(FILE *f, size_t (*escape)(const char *, char *, size_t), const char *s)
{
    char small[512];
    size_t len = escape(s, small, sizeof small);
    if (len < sizeof small) {
        fwrite(small, 1, len, f);
        return 0;
    }
    char *big = malloc(len + 1);
    if (!big)
        return -1;
    escape(s, big, len + 1);
    fwrite(big, 1, len, f);
    free(big);
    return 0;
}

void kl_i_csv_text(FILE *f, const char *s)
{
    /* null: empty cell; out of memory (cannot happen for sane names): an
     * empty cell too, so the file stays valid RFC 4180 */
    if (s && kl_write_escaped(f, kl_csv_escape, s) < 0)
        fputs("\"\"", f);
}

void kl_i_csv_real(FILE *f, double x)
{
    char num[40];
    if (isfinite(x))
        fputs(kl_format_real(x, num), f);
}

void kl_i_md_text(FILE *f, const char *s)
{
    char shown[KL_SHOWN_SIZE];
    if (kl_write_escaped(f, kl_md_escape, kl_shown_name(s, shown)) < 0)
        fputs("…", f);
}

const char *kl_i_md_real_text(double x, char *buf, size_t size)
{
    if (isfinite(x))
        snprintf(buf, size, "%.6g", x);
    else
        snprintf(buf, size, "–");
    return buf;
}

void kl_i_md_real(FILE *f, double x)
{
    char buf[40];
    fputs(kl_i_md_real_text(x, buf, sizeof buf), f);
}

/* A count held in a double (pairs of actors run past 10^8): every digit. */
const char *kl_i_md_count_text(double x, char *buf, size_t size)
{
    if (isfinite(x) && x == floor(x) && fabs(x) < 1e15)
        snprintf(buf, size, "%.0f", x);
    else
        kl_i_md_real_text(x, buf, size);
    return buf;
}

void kl_i_md_count(FILE *f, double x)
{
    char buf[40];
    fputs(kl_i_md_count_text(x, buf, sizeof buf), f);
}

const char *kl_i_md_pct_text(double share, char *buf, size_t size)
{
    snprintf(buf, size, "%.1f%%", 100.0 * share);
    return buf;
}

void kl_i_md_pct(FILE *f, double share)
{
    char buf[360];
    fputs(kl_i_md_pct_text(share, buf, sizeof buf), f);
}

/* "%.6g" as md_real prints it, for the sentences about a table */
const char *kl_i_md_value_text(double x, char *buf, size_t size)
{
    snprintf(buf, size, "%.6g", x);
    return buf;
}
