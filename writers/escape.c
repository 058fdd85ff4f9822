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

size_t kl_csv_escape(const char *s, char *out, size_t size)
{
    size_t len = 0;
    int quote = strpbrk(s, ",\"\r\n") != NULL;
    int prefix = s[0] && strchr("=+-@\t\r", s[0]) != NULL;
    if (quote)
        put(out, size, len++, '"');
    if (prefix)
        put(out, size, len++, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            put(out, size, len++, '"');
        put(out, size, len++, *p);
    }
    if (quote)
        put(out, size, len++, '"');
    return finish(out, size, len);
}

size_t kl_md_escape(const char *s, char *out, size_t size)
{
    size_t len = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f) {
            put(out, size, len++, ' ');
            continue;
        }
        if (strchr("\\`*_[]<>|~&", *p))
            put(out, size, len++, '\\');
        put(out, size, len++, (char)*p);
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

void kl_i_csv_text(FILE *f, const char *s)
{
    char small[512];
    if (!s)
        return; /* null: empty cell */
    size_t len = kl_csv_escape(s, small, sizeof small);
    if (len < sizeof small) {
        fwrite(small, 1, len, f);
        return;
    }
    char *big = malloc(len + 1);
    if (!big) {
        /* cannot happen for sane names; keep the file valid RFC 4180 */
        fputs("\"\"", f);
        return;
    }
    kl_csv_escape(s, big, len + 1);
    fwrite(big, 1, len, f);
    free(big);
}

void kl_i_csv_real(FILE *f, double x)
{
    char num[40];
    if (isfinite(x))
        fputs(kl_format_real(x, num), f);
}

void kl_i_md_text(FILE *f, const char *s)
{
    char small[512], shown[KL_SHOWN_SIZE];
    s = kl_shown_name(s, shown);
    size_t len = kl_md_escape(s, small, sizeof small);
    if (len < sizeof small) {
        fwrite(small, 1, len, f);
        return;
    }
    char *big = malloc(len + 1);
    if (!big) {
        fputs("…", f);
        return;
    }
    kl_md_escape(s, big, len + 1);
    fwrite(big, 1, len, f);
    free(big);
}

void kl_i_md_real(FILE *f, double x)
{
    if (isfinite(x))
        fprintf(f, "%.6g", x);
    else
        fputs("–", f);
}

/* A count held in a double (pairs of actors run past 10^8): every digit. */
void kl_i_md_count(FILE *f, double x)
{
    if (isfinite(x) && x == floor(x) && fabs(x) < 1e15)
        fprintf(f, "%.0f", x);
    else
        kl_i_md_real(f, x);
}

void kl_i_md_pct(FILE *f, double share)
{
    fprintf(f, "%.1f%%", 100.0 * share);
}

/* "%.6g" as md_real prints it, for the sentences about a table */
const char *kl_i_md_value_text(double x, char *buf, size_t size)
{
    snprintf(buf, size, "%.6g", x);
    return buf;
}
