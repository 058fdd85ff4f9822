/* loaders/json_lexer.c - pull JSON lexer over a memory buffer: full RFC 8259 validation, line/column per token, no allocation per token. */
#include "loaders.h"

#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the lexer expects next.  Separators are consumed together with the
 * token that follows them, so every call returns exactly one token. */
enum {
    ST_VALUE,       /* a value: top level, after ',' in an array, after ':' */
    ST_ARR_FIRST,   /* after '[': a value or ']' */
    ST_OBJ_FIRST,   /* after '{': a key or '}' */
    ST_OBJ_KEY,     /* after ',' in an object: a key */
    ST_COLON,       /* after a key: ':' then a value */
    ST_AFTER,       /* after a value: ',' or a closing bracket, or the end */
    ST_END,
    ST_ERROR,
    ST_MASK = 0xff,
    /* Flag, not a state: the previous token held bytes >= 0x80, so the next
     * column must count characters rather than subtract offsets. */
    ST_NONASCII = 0x100
};

enum { C_ARRAY = 1, C_OBJECT = 2 };

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

static inline void set_state(kl_jlex_t *lx, int st)
{
    lx->state = (lx->state & ST_NONASCII) | st;
}

/* Characters (bytes that are not UTF-8 continuation bytes) in b[from..to). */
static size_t count_chars(const unsigned char *b, size_t from, size_t to)
{
    size_t n = 0;
    for (size_t i = from; i < to; i++)
        n += (b[i] & 0xC0) != 0x80;
    return n;
}

static uint32_t clamp32(uint64_t v)
{
    return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/* Record the start of a token at p.  The previous token is the column cache:
 * on the same line only the bytes in between are counted, so a JSON file on
 * one 300 MB line stays linear. */
static inline void mark(kl_jlex_t *lx, size_t p)
{
    const unsigned char *b = (const unsigned char *)lx->buf;
    uint64_t col;
    if (lx->tok_start >= lx->line_start && lx->tok_start <= p) {
        size_t d = (lx->state & ST_NONASCII) ? count_chars(b, lx->tok_start, p) : p - lx->tok_start;
        col = (uint64_t)lx->tok_col + d;
    } else {
        /* first token on a new line: only white space precedes it */
        col = 1 + (uint64_t)(p - lx->line_start);
    }
    lx->state &= ~ST_NONASCII;
    lx->tok_start = p;
    lx->tok_line = lx->line;
    lx->tok_col = clamp32(col);
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static kl_jtok fail(kl_jlex_t *lx, size_t p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(lx->errmsg, sizeof lx->errmsg, fmt, ap);
    va_end(ap);
    if (p > lx->len)
        p = lx->len;
    /* errors never lie before the current line: line breaks only occur in
     * white space, which has been consumed up to p */
    lx->err_line = lx->line;
    lx->err_col = clamp32(1 + (uint64_t)count_chars((const unsigned char *)lx->buf, lx->line_start, p));
    lx->state = ST_ERROR;
    lx->tok = KL_J_ERROR;
    lx->str = NULL;
    lx->str_len = 0;
    return KL_J_ERROR;
}

/* Length of the UTF-8 sequence at b[p] and its code point, or 0 when invalid. */
static size_t utf8_char(const unsigned char *b, size_t p, size_t len, uint32_t *cp)
{
    unsigned c = b[p];
    size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (n == 1 || len - p < n || kl_utf8_valid_prefix((const char *)b + p, n) != n)
        return 0;
    uint32_t v = c & (0x7F >> n);
    for (size_t k = 1; k < n; k++)
        v = (v << 6) | (b[p + k] & 0x3F);
    *cp = v;
    return n;
}

/* An unexpected byte at p.  End of input, NUL and broken UTF-8 take
 * precedence over what the grammar expected, since they usually mean a
 * truncated or binary file.  expected == NULL: name the character. */
static kl_jtok fail_at(kl_jlex_t *lx, size_t p, const char *expected)
{
    const unsigned char *b = (const unsigned char *)lx->buf;
    if (p >= lx->len)
        return fail(lx, lx->len, "invalid JSON: unexpected end of input");
    unsigned c = b[p];
    uint32_t cp = c;
    if (c == 0)
        return fail(lx, p, "invalid JSON: unexpected NUL byte");
    if (c >= 0x80 && !utf8_char(b, p, lx->len, &cp))
        return fail(lx, p, "invalid UTF-8");
    if (expected)
        return fail(lx, p, "%s", expected);
    if (cp < 0x20 || cp >= 0x7F)
        return fail(lx, p, "invalid JSON: unexpected character U+%04X", (unsigned)cp);
    return fail(lx, p, "invalid JSON: unexpected character '%c'", (int)c);
}

static inline size_t skip_ws(kl_jlex_t *lx, size_t p)
{
    const unsigned char *b = (const unsigned char *)lx->buf;
    size_t len = lx->len;
    while (p < len) {
        unsigned c = b[p];
        if (c > ' ')
            break;
        if (c == ' ' || c == '\t' || c == '\r') {
            p++;
        } else if (c == '\n') {
            p++;
            lx->line++;
            lx->line_start = p;
        } else {
            break;
        }
    }
    return p;
}

/* Make room for need bytes in scratch (geometric growth). */
static int scratch_reserve(kl_jlex_t *lx, size_t need)
{
    if (need <= lx->scratch_cap)
        return 0;
    size_t cap = lx->scratch_cap ? lx->scratch_cap : 256;
    while (cap < need) {
        if (cap > SIZE_MAX / 2)
            return -1;
        cap *= 2;
    }
    char *p = realloc(lx->scratch, cap);
    if (!p)
        return -1;
    lx->scratch = p;
    lx->scratch_cap = cap;
    return 0;
}

/* Nonzero when a byte of w is '"', '\\', below 0x20 or at least 0x80.  The
 * has-zero-byte trick can flag extra bytes only above a true hit, which is
 * fine for a yes/no answer. */
static inline uint64_t swar_special(uint64_t w)
{
    uint64_t q = w ^ (ONES * '"');
    uint64_t s = w ^ (ONES * '\\');
    uint64_t t = ((q - ONES) & ~q) | ((s - ONES) & ~s) | ((w - ONES * 0x20) & ~w) | w;
    return t & HIGHS;
}

static inline int str_special(unsigned c)
{
    return c - 0x20u > 0x5Fu || c == '"' || c == '\\';
}

/* First byte at or after q that ends a plain run of string body. */
static inline size_t scan_plain(const unsigned char *b, size_t q, size_t len)
{
    while (len - q >= 8) {
        uint64_t w;
        memcpy(&w, b + q, 8);
        if (swar_special(w))
            break;
        q += 8;
    }
    while (q < len && !str_special(b[q]))
        q++;
    return q;
}

/* Four hex digits at b[p]: 0, -1 when one is not a hex digit, -2 when the
 * input ends first. */
static int hex4(const unsigned char *b, size_t p, size_t len, uint32_t *out)
{
    uint32_t v = 0;
    for (size_t k = 0; k < 4; k++) {
        if (p + k >= len)
            return -2;
        unsigned c = b[p + k], d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
            d = (c | 0x20) - 'a' + 10;
        else
            return -1;
        v = (v << 4) | d;
    }
    *out = v;
    return 0;
}

/* Parse \uXXXX at b[p] (p at the backslash) into *cp, joining a surrogate
 * pair.  Returns the number of bytes consumed, 0 after reporting an error. */
static size_t u_escape(kl_jlex_t *lx, size_t p, uint32_t *cp)
{
    const unsigned char *b = (const unsigned char *)lx->buf;
    size_t len = lx->len;
    uint32_t hi, lo;
    int r = hex4(b, p + 2, len, &hi);
    if (r < 0) {
        if (r == -2)
            fail(lx, len, "invalid JSON: unexpected end of input");
        else
            fail(lx, p, "invalid \\u escape: expected 4 hex digits");
        return 0;
    }
    if (hi < 0xD800 || hi > 0xDFFF) {
        *cp = hi;
        return 6;
    }
    if (hi < 0xDC00 && (p + 6 >= len || (b[p + 6] == '\\' && p + 7 >= len))) {
        fail(lx, len, "invalid JSON: unexpected end of input");
        return 0;
    }
    if (hi >= 0xDC00 || b[p + 6] != '\\' || b[p + 7] != 'u') {
        fail(lx, p, "invalid \\u escape: lone surrogate");
        return 0;
    }
    r = hex4(b, p + 8, len, &lo);
    if (r < 0) {
        if (r == -2)
            fail(lx, len, "invalid JSON: unexpected end of input");
        else
            fail(lx, p + 6, "invalid \\u escape: expected 4 hex digits");
        return 0;
    }
    if (lo < 0xDC00 || lo > 0xDFFF) {
        fail(lx, p, "invalid \\u escape: lone surrogate");
        return 0;
    }
    *cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
    return 12;
}

static size_t utf8_encode(uint32_t cp, char *o)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* A string at b[p] == '"'.  Without escapes the result points into buf;
 * with escapes it is unescaped into scratch, which never needs more room
 * than the raw body (every escape is at least as long as its output). */
static kl_jtok lex_string(kl_jlex_t *lx, size_t p, kl_jtok kind)
{
    const unsigned char *b = (const unsigned char *)lx->buf;
    size_t len = lx->len;
    size_t body = p + 1, q = body, run = body;
    size_t olen = 0;
    int escaped = 0, has_nul = 0;

    for (;;) {
        q = scan_plain(b, q, len);
        if (q >= len)
            return fail(lx, len, "invalid JSON: unexpected end of input");
        unsigned c = b[q];
        if (c == '"')
            break;
        if (c >= 0x80) {
            /* validate the whole non-ASCII stretch in one call */
            size_t e = q + 1;
            while (e < len && b[e] >= 0x80)
                e++;
            size_t v = kl_utf8_valid_prefix((const char *)b + q, e - q);
            if (v != e - q)
                return fail(lx, q + v, "invalid UTF-8 in string");
            lx->state |= ST_NONASCII;
            q = e;
            continue;
        }
        if (c != '\\')
            return fail(lx, q, "control character U+%04X in string", c);

        /* an escape: move the plain run before it into scratch */
        if (scratch_reserve(lx, olen + (q - run) + 4) < 0)
            return fail(lx, q, "out of memory");
        memcpy(lx->scratch + olen, b + run, q - run);
        olen += q - run;
        escaped = 1;
        if (q + 1 >= len)
            return fail(lx, len, "invalid JSON: unexpected end of input");
        unsigned e = b[q + 1];
        char ch;
        switch (e) {
        case '"': ch = '"'; break;
        case '\\': ch = '\\'; break;
        case '/': ch = '/'; break;
        case 'b': ch = '\b'; break;
        case 'f': ch = '\f'; break;
        case 'n': ch = '\n'; break;
        case 'r': ch = '\r'; break;
        case 't': ch = '\t'; break;
        case 'u': {
            uint32_t cp;
            size_t n = u_escape(lx, q, &cp);
            if (!n)
                return KL_J_ERROR;
            has_nul |= cp == 0;
            olen += utf8_encode(cp, lx->scratch + olen);
            q += n;
            run = q;
            continue;
        }
        default:
            if (e >= 0x20 && e < 0x7F)
                return fail(lx, q, "invalid escape '\\%c' in string", (int)e);
            return fail(lx, q, "invalid escape in string");
        }
        lx->scratch[olen++] = ch;
        q += 2;
        run = q;
    }

    if (escaped) {
        if (scratch_reserve(lx, olen + (q - run) + 1) < 0)
            return fail(lx, q, "out of memory");
        memcpy(lx->scratch + olen, b + run, q - run);
        olen += q - run;
        lx->str = lx->scratch;
        lx->str_len = olen;
    } else {
        lx->str = (const char *)b + body;
        lx->str_len = q - body;
    }
    lx->str_has_nul = has_nul;
    lx->pos = q + 1;
    lx->tok = kind;
    return kind;
}

/* Exact powers of ten: up to 1e22 a double holds them without rounding. */
static const double pow10_exact[] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

static int is_digit(unsigned c)
{
    return c - '0' < 10u;
}

/* strtod on a NUL-terminated copy; the copy also swaps '.' for the
 * locale's decimal point, since the program may have called setlocale. */
static int slow_strtod(kl_jlex_t *lx, size_t s, size_t e, double *out)
{
    const char *dp = ".";
    size_t dplen = 1;
    if (memchr(lx->buf + s, '.', e - s)) {
        struct lconv *lc = localeconv();
        if (lc && lc->decimal_point && lc->decimal_point[0]) {
            dp = lc->decimal_point;
            dplen = strlen(dp);
        }
    }
    char stackbuf[128];
    char *t = stackbuf;
    size_t need = (e - s) + dplen + 1;
    if (need > sizeof stackbuf) {
        if (scratch_reserve(lx, need) < 0)
            return -1;
        t = lx->scratch;
    }
    size_t o = 0;
    for (size_t i = s; i < e; i++) {
        if (lx->buf[i] == '.') {
            memcpy(t + o, dp, dplen);
            o += dplen;
        } else {
            t[o++] = lx->buf[i];
        }
    }
    t[o] = 0;
    *out = strtod(t, NULL);
    return 0;
}

/* A number at b[p] ('-' or a digit).  Grammar first; then the value from
 * Clinger's fast path when the decimal mantissa fits 53 bits and the
 * exponent |e| <= 22 (one correctly rounded operation), else strtod. */
static kl_jtok lex_number(kl_jlex_t *lx, size_t p)
{
    const unsigned char *b = (const unsigned char *)lx->buf;
    size_t len = lx->len, s = p;
    uint64_t mant = 0;
    int sig = 0;           /* significant digits gathered into mant */
    int fast = 1;
    long exp10 = 0;
    int neg = 0;

    if (b[p] == '-') {
        neg = 1;
        p++;
    }
    if (p >= len || !is_digit(b[p]))
        return fail(lx, p, "invalid number");
    if (b[p] == '0') {
        p++;
        if (p < len && is_digit(b[p]))
            return fail(lx, p, "invalid number");
    } else {
        while (p < len && is_digit(b[p])) {
            if (sig < 19) {
                mant = mant * 10 + (b[p] - '0');
                sig++;
            } else {
                fast = 0;
            }
            p++;
        }
    }
    if (p < len && b[p] == '.') {
        p++;
        if (p >= len || !is_digit(b[p]))
            return fail(lx, p, "invalid number");
        while (p < len && is_digit(b[p])) {
            if (sig < 19) {
                mant = mant * 10 + (b[p] - '0');
                if (mant)
                    sig++;
                exp10--;
            } else {
                fast = 0;
            }
            p++;
        }
    }
    if (p < len && (b[p] | 0x20) == 'e') {
        p++;
        int eneg = 0;
        if (p < len && (b[p] == '+' || b[p] == '-')) {
            eneg = b[p] == '-';
            p++;
        }
        if (p >= len || !is_digit(b[p]))
            return fail(lx, p, "invalid number");
        long ev = 0;
        while (p < len && is_digit(b[p])) {
            if (ev < 100000)
                ev = ev * 10 + (b[p] - '0');
            p++;
        }
        exp10 += eneg ? -ev : ev;
    }
    /* "1.5.2", "1e5e3", "1-2": one malformed number, not two tokens */
    if (p < len && (is_digit(b[p]) || b[p] == '.' || b[p] == '+' || b[p] == '-' || (b[p] | 0x20) == 'e'))
        return fail(lx, p, "invalid number");

    double v;
#if FLT_EVAL_METHOD == 0
    if (fast && mant <= (UINT64_C(1) << 53) && exp10 >= -22 && exp10 <= 22) {
        v = (double)mant;
        v = exp10 < 0 ? v / pow10_exact[-exp10] : v * pow10_exact[exp10];
        if (neg)
            v = -v;
    } else
#endif
    if (slow_strtod(lx, s, p, &v) < 0) {
        return fail(lx, s, "out of memory");
    }
    lx->num = v;
    lx->num_finite = isfinite(v) != 0;
    lx->str = lx->buf + s;
    lx->str_len = p - s;
    lx->pos = p;
    lx->tok = KL_J_NUMBER;
    return KL_J_NUMBER;
}

static kl_jtok lex_literal(kl_jlex_t *lx, size_t p, const char *word, size_t n, kl_jtok kind)
{
    const unsigned char *b = (const unsigned char *)lx->buf;
    for (size_t k = 1; k < n; k++) {
        if (p + k >= lx->len || b[p + k] != (unsigned char)word[k])
            return fail_at(lx, p + k, NULL);
    }
    lx->pos = p + n;
    lx->tok = kind;
    lx->str = NULL;
    lx->str_len = 0;
    return kind;
}

void kl_jlex_init(kl_jlex_t *lx, const char *buf, size_t len, uint32_t first_line, uint32_t max_depth)
{
    lx->buf = buf;
    lx->len = buf ? len : 0;
    lx->pos = 0;
    /* RFC 8259 section 8.1 lets parsers ignore a byte order mark; editors
     * do not show it, so columns count from after it */
    if (lx->len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        lx->pos = 3;
    lx->line = first_line;
    lx->line_start = lx->pos;
    lx->tok = KL_J_END;
    lx->str = NULL;
    lx->str_len = 0;
    lx->str_has_nul = 0;
    lx->num = 0;
    lx->num_finite = 1;
    lx->tok_line = first_line;
    lx->tok_col = 1;
    lx->tok_start = lx->pos;
    lx->errmsg[0] = 0;
    lx->err_line = lx->err_col = 0;
    lx->depth = 0;
    lx->max_depth = (max_depth == 0 || max_depth > KL_JSON_MAX_DEPTH) ? KL_JSON_MAX_DEPTH : max_depth;
    lx->state = ST_VALUE;
    lx->scratch = NULL;
    lx->scratch_cap = 0;
}

void kl_jlex_destroy(kl_jlex_t *lx)
{
    free(lx->scratch);
    lx->scratch = NULL;
    lx->scratch_cap = 0;
}

static kl_jtok open_container(kl_jlex_t *lx, size_t p, unsigned kind)
{
    if (lx->depth >= lx->max_depth)
        return fail(lx, p, "nesting deeper than %u levels", (unsigned)lx->max_depth);
    lx->stack[lx->depth++] = (unsigned char)kind;
    lx->pos = p + 1;
    lx->str = NULL;
    lx->str_len = 0;
    set_state(lx, kind == C_ARRAY ? ST_ARR_FIRST : ST_OBJ_FIRST);
    lx->tok = kind == C_ARRAY ? KL_J_ARRAY : KL_J_OBJECT;
    return lx->tok;
}

static kl_jtok close_container(kl_jlex_t *lx, size_t p)
{
    mark(lx, p);
    unsigned kind = lx->stack[--lx->depth];
    lx->pos = p + 1;
    lx->str = NULL;
    lx->str_len = 0;
    set_state(lx, ST_AFTER);
    lx->tok = kind == C_ARRAY ? KL_J_ARRAY_END : KL_J_OBJECT_END;
    return lx->tok;
}

kl_jtok kl_jlex_next(kl_jlex_t *lx)
{
    const unsigned char *b = (const unsigned char *)lx->buf;
    size_t p = lx->pos, len = lx->len;
    unsigned kind;

    switch (lx->state & ST_MASK) {
    case ST_END:
        return KL_J_END;
    case ST_ERROR:
        return KL_J_ERROR;
    case ST_VALUE:
        p = skip_ws(lx, p);
        if (p >= len && lx->depth == 0)
            return fail(lx, p, "invalid JSON: empty input");
        goto value;
    case ST_ARR_FIRST:
        p = skip_ws(lx, p);
        if (p < len && b[p] == ']')
            return close_container(lx, p);
        goto value;
    case ST_OBJ_FIRST:
        p = skip_ws(lx, p);
        if (p < len && b[p] == '}')
            return close_container(lx, p);
        if (p >= len || b[p] != '"')
            return fail_at(lx, p, "invalid JSON: expected string or '}'");
        goto key;
    case ST_OBJ_KEY:
        p = skip_ws(lx, p);
        if (p >= len || b[p] != '"')
            return fail_at(lx, p, "invalid JSON: expected string");
        goto key;
    case ST_COLON:
        p = skip_ws(lx, p);
        if (p >= len || b[p] != ':')
            return fail_at(lx, p, "invalid JSON: expected ':'");
        p = skip_ws(lx, p + 1);
        goto value;
    case ST_AFTER:
        p = skip_ws(lx, p);
        if (lx->depth == 0) {
            if (p < len)
                return fail_at(lx, p, "invalid JSON: content after the top-level value");
            mark(lx, p);
            lx->pos = p;
            set_state(lx, ST_END);
            lx->tok = KL_J_END;
            lx->str = NULL;
            lx->str_len = 0;
            return KL_J_END;
        }
        kind = lx->stack[lx->depth - 1];
        if (p < len && b[p] == ',') {
            p = skip_ws(lx, p + 1);
            if (kind == C_ARRAY)
                goto value;
            if (p >= len || b[p] != '"')
                return fail_at(lx, p, "invalid JSON: expected string");
            goto key;
        }
        if (p < len && b[p] == (kind == C_ARRAY ? ']' : '}'))
            return close_container(lx, p);
        return fail_at(lx, p, kind == C_ARRAY ? "invalid JSON: expected ',' or ']'"
                                              : "invalid JSON: expected ',' or '}'");
    default:
        return fail(lx, p, "internal error: bad lexer state");
    }

key:
    mark(lx, p);
    if (lex_string(lx, p, KL_J_KEY) == KL_J_ERROR)
        return KL_J_ERROR;
    set_state(lx, ST_COLON);
    return KL_J_KEY;

value:
    if (p >= len)
        return fail(lx, p, "invalid JSON: unexpected end of input");
    mark(lx, p);
    kl_jtok t;
    switch (b[p]) {
    case '{':
        return open_container(lx, p, C_OBJECT);
    case '[':
        return open_container(lx, p, C_ARRAY);
    case '"':
        t = lex_string(lx, p, KL_J_STRING);
        break;
    case 't':
        t = lex_literal(lx, p, "true", 4, KL_J_TRUE);
        break;
    case 'f':
        t = lex_literal(lx, p, "false", 5, KL_J_FALSE);
        break;
    case 'n':
        t = lex_literal(lx, p, "null", 4, KL_J_NULL);
        break;
    case '-': case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
        t = lex_number(lx, p);
        break;
    default:
        return fail_at(lx, p, NULL);
    }
    if (t != KL_J_ERROR)
        set_state(lx, ST_AFTER);
    return t;
}

int kl_jlex_skip_value(kl_jlex_t *lx, size_t *start, size_t *end)
{
    size_t s = lx->tok_start;
    switch (lx->tok) {
    case KL_J_OBJECT:
    case KL_J_ARRAY: {
        /* walk the tokens: the lexer validates everything anyway, and a
         * separate skipper would have to repeat all of it */
        uint32_t outer = lx->depth - 1;
        for (;;) {
            kl_jtok t = kl_jlex_next(lx);
            if (t == KL_J_ERROR)
                return -1;
            if ((t == KL_J_OBJECT_END || t == KL_J_ARRAY_END) && lx->depth == outer)
                break;
        }
        break;
    }
    case KL_J_STRING:
    case KL_J_NUMBER:
    case KL_J_TRUE:
    case KL_J_FALSE:
    case KL_J_NULL:
        break;
    case KL_J_ERROR:
        return -1;
    default:
        /* a caller bug; the lexer itself stays usable */
        snprintf(lx->errmsg, sizeof lx->errmsg, "internal error: skip_value not at the start of a value");
        lx->err_line = lx->tok_line;
        lx->err_col = lx->tok_col;
        return -1;
    }
    if (start)
        *start = s;
    if (end)
        *end = lx->pos;
    return 0;
}
