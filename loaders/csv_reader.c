/* loaders/csv_reader.c - streaming RFC 4180 CSV reader: 1 MiB reads, records may span reads and lines, strict errors with line and field. */
#include "loaders.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK ((size_t)1 << 20)

/* the fast path never checks the record limit: a chunk cannot exceed it */
_Static_assert(CHUNK < KL_CSV_MAX_RECORD, "chunk must be smaller than the record limit");

/* Byte classes that end a plain run inside a field. */
enum {
    B_PLAIN = 0,
    B_DELIM,
    B_LF,
    B_CR,
    B_QUOTE,
    B_NUL    /* also the sentinel after the buffered input */
};

struct kl_csv {
    FILE *f;
    char *in;               /* input chunk: in[pos..end) not yet consumed, in[end] == 0 */
    size_t pos, end;
    int eof;                /* no more input after in[end] */
    int started;            /* the BOM check has been done */
    int detect;             /* pick the delimiter from the first line */
    int status;             /* 0, or -1 after an error (sticky) */
    char delim;
    unsigned char cls[256]; /* unquoted-field byte classes (depend on delim) */
    unsigned char qcls[256];/* quoted-field byte classes */

    uint64_t line;          /* physical line at in[pos] */
    uint64_t bytes_read;

    /* the current record: field bytes, each NUL-terminated, and offsets */
    char *rec;
    size_t rec_len, rec_cap;
    uint32_t *off;          /* off[i] = start of field i; off[nfields] = rec_len */
    uint32_t nfields, off_cap;
    uint64_t rec_line;
    size_t raw;             /* input bytes of the record so far */

    char msg[200];
    uint64_t err_line;
    uint32_t err_field;
};

static uint32_t clamp32(uint64_t v)
{
    return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

static void build_classes(kl_csv_t *c)
{
    memset(c->cls, B_PLAIN, sizeof c->cls);
    c->cls['\n'] = B_LF;
    c->cls['\r'] = B_CR;
    c->cls['"'] = B_QUOTE;
    c->cls[0] = B_NUL;
    c->cls[(unsigned char)c->delim] = B_DELIM;
    /* inside quotes delimiters and CR are data; LF only counts lines */
    memcpy(c->qcls, c->cls, sizeof c->qcls);
    c->qcls[(unsigned char)c->delim] = B_PLAIN;
    c->qcls['\r'] = B_PLAIN;
}

kl_csv_t *kl_csv_open(const char *path, char *msg, size_t msg_size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (msg && msg_size)
            snprintf(msg, msg_size, "%s", strerror(errno));
        return NULL;
    }
    /* we read 1 MiB at a time ourselves; stdio buffering would only copy */
    setvbuf(f, NULL, _IONBF, 0);
    return kl_csv_open_stream(f, msg, msg_size);
}

kl_csv_t *kl_csv_open_stream(FILE *f, char *msg, size_t msg_size)
{
    kl_csv_t *c = calloc(1, sizeof *c);
    char *in = malloc(CHUNK + 1);
    if (!c || !in) {
        free(c);
        free(in);
        fclose(f);
        if (msg && msg_size)
            snprintf(msg, msg_size, "%s", strerror(ENOMEM));
        errno = ENOMEM; /* callers tell "out of memory" from an unreadable file */
        return NULL;
    }
    c->f = f;
    c->in = in;
    in[0] = 0;
    c->delim = ',';
    c->line = 1;
    build_classes(c);
    return c;
}

void kl_csv_close(kl_csv_t *c)
{
    if (!c)
        return;
    if (c->f)
        fclose(c->f);
    free(c->in);
    free(c->rec);
    free(c->off);
    free(c);
}

void kl_csv_set_delimiter(kl_csv_t *c, char delimiter)
{
    /* these bytes already mean something else; keep the old delimiter */
    if (delimiter == '"' || delimiter == '\n' || delimiter == '\r' || delimiter == 0 ||
        (unsigned char)delimiter >= 0x80)
        return;
    c->delim = delimiter;
    build_classes(c);
}

void kl_csv_detect_delimiter(kl_csv_t *c)
{
    c->detect = 1;
}

char kl_csv_delimiter(const kl_csv_t *c)
{
    return c->delim;
}

uint64_t kl_csv_bytes_read(const kl_csv_t *c)
{
    return c->bytes_read;
}

uint32_t kl_csv_nfields(const kl_csv_t *c)
{
    return c->nfields;
}

const char *kl_csv_field(const kl_csv_t *c, uint32_t i, size_t *len)
{
    if (i >= c->nfields) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = c->off[i + 1] - c->off[i] - 1;
    return c->rec + c->off[i];
}

uint32_t kl_csv_line(const kl_csv_t *c)
{
    return clamp32(c->rec_line);
}

const char *kl_csv_error(const kl_csv_t *c, uint32_t *line, uint32_t *field)
{
    if (line)
        *line = c->status < 0 ? clamp32(c->err_line) : 0;
    if (field)
        *field = c->status < 0 ? c->err_field : 0;
    return c->status < 0 ? c->msg : "";
}

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static int fail(kl_csv_t *c, uint64_t line, uint32_t field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->msg, sizeof c->msg, fmt, ap);
    va_end(ap);
    c->err_line = line;
    c->err_field = field;
    c->status = -1;
    c->nfields = 0;
    return -1;
}

/* A ZIP archive (.xlsx, .ods) or an OLE2 compound file (.xls) by its first
 * bytes: a workbook saved under a .csv name reads as binary noise. */
static int workbook(const char *in, size_t len)
{
    return (len >= 4 && memcmp(in, "PK\x03\x04", 4) == 0) ||
           (len >= 8 && memcmp(in, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0);
}

/* Excel saves "CSV" with ';' where the decimal mark is a comma (Sweden,
 * Norway), and "Unicode text" with tabs: a first line with neither commas
 * nor quotes around them but with semicolons or tabs is read with those. */
static void detect_delimiter(kl_csv_t *c)
{
    size_t commas = 0, semis = 0, tabs = 0;
    int quoted = 0;
    c->detect = 0;
    for (size_t i = c->pos; i < c->end && (quoted || (c->in[i] != '\n' && c->in[i] != '\r')); i++) {
        char ch = c->in[i];
        if (ch == '"')
            quoted = !quoted;
        else if (!quoted)
            commas += ch == ',', semis += ch == ';', tabs += ch == '\t';
    }
    if (commas == 0 && (semis || tabs))
        kl_csv_set_delimiter(c, semis >= tabs ? ';' : '\t');
}

/* Make at least want bytes available at in[pos] unless the file ends first.
 * Consumed input is dropped: fields are copied out, so only the few
 * unconsumed bytes move.  Returns the bytes available, or -1 on a read error. */
static long fill(kl_csv_t *c, size_t want)
{
    while (c->end - c->pos < want && !c->eof) {
        size_t keep = c->end - c->pos;
        memmove(c->in, c->in + c->pos, keep);
        c->pos = 0;
        c->end = keep;
        size_t n = fread(c->in + keep, 1, CHUNK - keep, c->f);
        int e = errno;
        c->end += n;
        c->in[c->end] = 0;
        c->bytes_read += n;
        if (n < CHUNK - keep) {
            if (ferror(c->f))
                return fail(c, c->line, 0, "read error: %s", strerror(e ? e : EIO));
            c->eof = 1;
        }
        if (!c->started) {
            c->started = 1;
            if (c->end >= 3 && memcmp(c->in, "\xEF\xBB\xBF", 3) == 0)
                c->pos = 3;
            else if (c->end < 4 && !c->eof)
                c->started = 0; /* too short to tell yet */
            if (c->started && workbook(c->in, c->end))
                return fail(c, 1, 0, "this is a spreadsheet workbook (.xlsx, .xls or .ods), not CSV: save the "
                                     "sheet as CSV UTF-8 (in Excel: Save As, CSV UTF-8)");
            if (c->started && c->detect)
                detect_delimiter(c);
        }
    }
    return (long)(c->end - c->pos);
}

static int rec_reserve(kl_csv_t *c, size_t extra)
{
    if (c->rec_len + extra <= c->rec_cap)
        return 0;
    size_t cap = c->rec_cap ? c->rec_cap : 4096;
    while (cap < c->rec_len + extra)
        cap *= 2;
    char *r = realloc(c->rec, cap);
    if (!r)
        return -1;
    c->rec = r;
    c->rec_cap = cap;
    return 0;
}

/* Copy a run of field bytes into the record, enforcing the record limit
 * before the copy so memory stays bounded by it. */
static int append(kl_csv_t *c, const char *s, size_t n, uint32_t field)
{
    if (n > KL_CSV_MAX_RECORD - c->raw)
        return fail(c, c->line, field, "record longer than %u bytes", (unsigned)KL_CSV_MAX_RECORD);
    c->raw += n;
    if (rec_reserve(c, n + 1) < 0)
        return fail(c, c->line, field, "out of memory");
    memcpy(c->rec + c->rec_len, s, n);
    c->rec_len += n;
    return 0;
}

/* Count syntax bytes (quotes, delimiters) that are not copied. */
static int count_raw(kl_csv_t *c, size_t n, uint32_t field)
{
    if (n > KL_CSV_MAX_RECORD - c->raw)
        return fail(c, c->line, field, "record longer than %u bytes", (unsigned)KL_CSV_MAX_RECORD);
    c->raw += n;
    return 0;
}

static int grow_off(kl_csv_t *c)
{
    uint32_t cap = c->off_cap ? c->off_cap * 2 : 64;
    uint32_t *o = realloc(c->off, (size_t)cap * sizeof *o);
    if (!o)
        return -1;
    c->off = o;
    c->off_cap = cap;
    return 0;
}

static int begin_field(kl_csv_t *c)
{
    if (c->nfields + 2 > c->off_cap && grow_off(c) < 0)
        return fail(c, c->line, c->nfields + 1, "out of memory");
    c->off[c->nfields] = (uint32_t)c->rec_len;
    return 0;
}

/* Terminate the current field and validate its UTF-8. */
static int end_field(kl_csv_t *c, uint64_t field_line)
{
    uint32_t start = c->off[c->nfields];
    size_t n = c->rec_len - start;
    size_t v = kl_utf8_valid_prefix(c->rec + start, n);
    if (v != n) {
        /* quoted fields keep their line breaks: find the bad byte's line */
        uint64_t line = field_line;
        for (size_t i = 0; i < v; i++)
            line += c->rec[start + i] == '\n';
        return fail(c, line, c->nfields + 1, "invalid UTF-8 in field");
    }
    if (rec_reserve(c, 1) < 0)
        return fail(c, c->line, c->nfields + 1, "out of memory");
    c->rec[c->rec_len++] = 0;
    c->nfields++;
    c->off[c->nfields] = (uint32_t)c->rec_len;
    return 0;
}

/* What ends a field. */
enum { F_DELIM, F_EOL, F_ERR };

static int unquoted_field(kl_csv_t *c)
{
    uint32_t field = c->nfields + 1;
    for (;;) {
        const unsigned char *in = (const unsigned char *)c->in;
        size_t p = c->pos, e = c->end;
        while (p < e && c->cls[in[p]] == B_PLAIN)
            p++;
        if (append(c, c->in + c->pos, p - c->pos, field) < 0)
            return F_ERR;
        c->pos = p;
        if (p == e) {
            long n = fill(c, 1);
            if (n < 0)
                return F_ERR;
            if (n == 0)
                return F_EOL;
            continue;
        }
        switch (c->cls[in[p]]) {
        case B_DELIM:
            c->pos++;
            return count_raw(c, 1, field) < 0 ? F_ERR : F_DELIM;
        case B_LF:
            c->pos++;
            c->line++;
            return F_EOL;
        case B_CR: {
            long n = fill(c, 2);
            if (n < 0)
                return F_ERR;
            if (n >= 2 && c->in[c->pos + 1] == '\n') {
                c->pos += 2;
                c->line++;
                return F_EOL;
            }
            /* a bare CR is data */
            if (append(c, "\r", 1, field) < 0)
                return F_ERR;
            c->pos++;
            break;
        }
        case B_QUOTE:
            fail(c, c->line, field, "stray quote in unquoted field");
            return F_ERR;
        default: /* B_NUL */
            fail(c, c->line, field, "NUL byte in field");
            return F_ERR;
        }
    }
}

/* c->in[c->pos] is the opening quote. */
static int quoted_field(kl_csv_t *c)
{
    uint32_t field = c->nfields + 1;
    uint64_t start_line = c->line;
    c->pos++;
    if (count_raw(c, 1, field) < 0)
        return F_ERR;
    for (;;) {
        const unsigned char *in = (const unsigned char *)c->in;
        size_t p = c->pos, e = c->end;
        while (p < e && c->qcls[in[p]] == B_PLAIN)
            p++;
        if (append(c, c->in + c->pos, p - c->pos, field) < 0)
            return F_ERR;
        c->pos = p;
        if (p == e) {
            long n = fill(c, 1);
            if (n < 0)
                return F_ERR;
            if (n == 0) {
                fail(c, start_line, field, "unterminated quoted field");
                return F_ERR;
            }
            continue;
        }
        switch (c->qcls[in[p]]) {
        case B_QUOTE: {
            long n = fill(c, 2);
            if (n < 0)
                return F_ERR;
            if (n >= 2 && c->in[c->pos + 1] == '"') {
                /* "" is one quote */
                if (count_raw(c, 1, field) < 0 || append(c, "\"", 1, field) < 0)
                    return F_ERR;
                c->pos += 2;
                break;
            }
            c->pos++;
            if (count_raw(c, 1, field) < 0)
                return F_ERR;
            /* closing quote: a delimiter, a line end or the end of input */
            if (n < 2)
                return F_EOL;
            unsigned char ch = (unsigned char)c->in[c->pos];
            if (ch == (unsigned char)c->delim) {
                c->pos++;
                return count_raw(c, 1, field) < 0 ? F_ERR : F_DELIM;
            }
            if (ch == '\n') {
                c->pos++;
                c->line++;
                return F_EOL;
            }
            if (ch == '\r') {
                n = fill(c, 2);
                if (n < 0)
                    return F_ERR;
                if (n >= 2 && c->in[c->pos + 1] == '\n') {
                    c->pos += 2;
                    c->line++;
                    return F_EOL;
                }
            }
            fail(c, c->line, field, "unexpected character after closing quote");
            return F_ERR;
        }
        case B_LF:
            if (append(c, "\n", 1, field) < 0)
                return F_ERR;
            c->pos++;
            c->line++;
            break;
        default: /* B_NUL */
            fail(c, c->line, field, "NUL byte in field");
            return F_ERR;
        }
    }
}

/* The common case: the whole record is in the buffer and well formed.  One
 * tight loop with no chunk, limit or error bookkeeping, relying on the NUL
 * sentinel at in[end].  Anything unusual (the buffer end, a misplaced quote,
 * NUL, bad UTF-8) returns 0 and the careful path parses the record again
 * from its start, so every error is reported in one place. */
static int fast_record(kl_csv_t *c)
{
    const unsigned char *in = (const unsigned char *)c->in;
    const unsigned char *cls = c->cls, *qcls = c->qcls;
    size_t p = c->pos, e = c->end;
    /* output never exceeds the input: each NUL replaces a separator */
    c->rec_len = 0;
    if (rec_reserve(c, e - p + 2) < 0)
        return 0;
    unsigned char *rec = (unsigned char *)c->rec;
    size_t o = 0;
    uint32_t n = 0;
    uint64_t lines = 0;
    unsigned ch;

    for (;;) {
        if (n + 2 > c->off_cap && grow_off(c) < 0)
            return 0;
        c->off[n] = (uint32_t)o;
        if (in[p] == '"') {
            p++;
            for (;;) {
                while (qcls[ch = in[p]] == B_PLAIN) {
                    rec[o++] = (unsigned char)ch;
                    p++;
                }
                if (p >= e)
                    return 0;
                if (ch == '"') {
                    if (in[p + 1] == '"') { /* in[e] is the sentinel, so p + 1 <= e */
                        rec[o++] = '"';
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                if (ch != '\n')
                    return 0;
                rec[o++] = '\n';
                p++;
                lines++;
            }
            ch = in[p];
            rec[o++] = 0;
            n++;
            if (ch == (unsigned char)c->delim) {
                p++;
                continue;
            }
            if (ch == '\n') {
                p++;
                break;
            }
            if (ch == '\r' && in[p + 1] == '\n') {
                p += 2;
                break;
            }
            return 0;
        }
        for (;;) {
            while (cls[ch = in[p]] == B_PLAIN) {
                rec[o++] = (unsigned char)ch;
                p++;
            }
            if (p >= e)
                return 0;
            if (cls[ch] != B_CR)
                break;
            if (in[p + 1] == '\n')
                break;
            if (p + 1 >= e)
                return 0;
            rec[o++] = '\r'; /* a bare CR is data */
            p++;
        }
        rec[o++] = 0;
        n++;
        if (cls[ch] == B_DELIM) {
            p++;
            continue;
        }
        if (ch == '\n') {
            p++;
            break;
        }
        if (ch == '\r') {
            p += 2;
            break;
        }
        return 0;
    }
    if (kl_utf8_valid_prefix(c->rec, o) != o)
        return 0;
    c->off[n] = (uint32_t)o;
    c->nfields = n;
    c->rec_len = o;
    c->pos = p;
    c->line += lines + 1;
    return 1;
}

int kl_csv_next(kl_csv_t *c)
{
    if (c->status < 0)
        return -1;
    c->nfields = 0;
    c->rec_len = 0;
    c->raw = 0;

    /* skip empty lines (LF or CRLF); a lone CR starts a record */
    for (;;) {
        long n = fill(c, 1);
        if (n < 0)
            return -1;
        if (n == 0)
            return 0;
        char ch = c->in[c->pos];
        if (ch == '\n') {
            c->pos++;
            c->line++;
            continue;
        }
        if (ch == '\r') {
            n = fill(c, 2);
            if (n < 0)
                return -1;
            if (n >= 2 && c->in[c->pos + 1] == '\n') {
                c->pos += 2;
                c->line++;
                continue;
            }
        }
        break;
    }

    c->rec_line = c->line;
    if (fast_record(c))
        return 1;
    c->nfields = 0;
    c->rec_len = 0;
    for (;;) {
        if (begin_field(c) < 0)
            return -1;
        uint64_t field_line = c->line;
        int r;
        long n = fill(c, 1);
        if (n < 0)
            return -1;
        if (n > 0 && c->in[c->pos] == '"')
            r = quoted_field(c);
        else
            r = unquoted_field(c);
        if (r == F_ERR)
            return -1;
        if (end_field(c, field_line) < 0)
            return -1;
        if (r == F_EOL)
            return 1;
    }
}
