/* engine/error.c - error records, igraph error capture, the vocabulary of
 * kinds and relation types, weights, dates and growable arrays. */
#include "engine_internal.h"
#include "igraph_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *kl_strerror(kl_err code)
{
    switch (code) {
    case KL_OK: return "success";
    case KL_ENOMEM: return "out of memory";
    case KL_EINVAL: return "invalid data";
    case KL_EPARSE: return "syntax error";
    case KL_EIO: return "input/output error";
    case KL_EGRAPHLIB: return "graph computation failed";
    case KL_EGVC: return "rendering failed";
    case KL_ELIMIT: return "size limit exceeded";
    }
    return "unknown error";
}

kl_err kl_error_setv(kl_error_t *err, kl_err code, const char *source, long line, long column,
                     const char *fmt, va_list ap)
{
    if (!err || err->set)
        return code;
    memset(err, 0, sizeof *err);
    err->set = 1;
    err->code = code;
    snprintf(err->source, sizeof err->source, "%s", source ? source : "");
    err->line = line;
    err->column = column;
    vsnprintf(err->text, sizeof err->text, fmt, ap);
    return code;
}

kl_err kl_error_set(kl_error_t *err, kl_err code, const char *source, long line, long column,
                    const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kl_error_setv(err, code, source, line, column, fmt, ap);
    va_end(ap);
    return code;
}

kl_err kl_error_set_where(kl_error_t *err, kl_err code, const char *source, const char *where,
                          const char *fmt, ...)
{
    if (!err || err->set)
        return code;
    va_list ap;
    va_start(ap, fmt);
    kl_error_setv(err, code, source, 0, 0, fmt, ap);
    va_end(ap);
    snprintf(err->where, sizeof err->where, "%s", where ? where : "");
    return code;
}

void kl_error_format(const kl_error_t *err, char *buf, size_t size)
{
    if (!err || !err->set) {
        snprintf(buf, size, "kluster: error: %s", kl_strerror(err ? err->code : KL_EINVAL));
        return;
    }
    if (!err->source[0])
        snprintf(buf, size, "kluster: error: %s", err->text);
    else if (err->line > 0 && err->column > 0)
        snprintf(buf, size, "%s:%ld:%ld: error: %s", err->source, err->line, err->column, err->text);
    else if (err->line > 0)
        snprintf(buf, size, "%s:%ld: error: %s", err->source, err->line, err->text);
    else if (err->where[0])
        snprintf(buf, size, "%s:%s: error: %s", err->source, err->where, err->text);
    else
        snprintf(buf, size, "%s: error: %s", err->source, err->text);
}

/* ------------------------------------------------------------- igraph */

static char igraph_reason[256];

/* igraph calls this at every IGRAPH_CHECK level of a failing call; the first
 * non-empty reason is the useful one.  It must free igraph's finally stack
 * and return (never abort, never longjmp). */
static void kl_igraph_handler(const char *reason, const char *file, int line, igraph_error_t code)
{
    (void)file;
    (void)line;
    if (reason && reason[0] && !igraph_reason[0])
        snprintf(igraph_reason, sizeof igraph_reason, "%s (%s)", reason, igraph_strerror(code));
    IGRAPH_FINALLY_FREE();
}

static void kl_igraph_warning(const char *reason, const char *file, int line)
{
    /* igraph warnings (e.g. ARPACK convergence notes) are not user errors;
     * kluster checks results itself, so they are dropped. */
    (void)reason;
    (void)file;
    (void)line;
}

void kl_engine_init(void)
{
    igraph_set_error_handler(kl_igraph_handler);
    igraph_set_warning_handler(kl_igraph_warning);
}

int kl_engine_graphlib_pending(void)
{
    return IGRAPH_FINALLY_STACK_SIZE();
}

const char *kl_engine_graphlib_version(void)
{
    return IGRAPH_VERSION;
}

kl_err kl_igraph_error(kl_error_t *err, igraph_error_t code)
{
    if (code == IGRAPH_ENOMEM) {
        igraph_reason[0] = '\0';
        return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    }
    kl_error_set(err, KL_EGRAPHLIB, NULL, 0, 0, "igraph: %s",
                 igraph_reason[0] ? igraph_reason : igraph_strerror(code));
    igraph_reason[0] = '\0';
    return KL_EGRAPHLIB;
}

/* --------------------------------------------------------- vocabulary */

static const char *const kind_names[KL_KIND_COUNT] = {"organisation", "person", "project", "funder"};

const char *kl_kind_name(kl_kind kind)
{
    return (unsigned)kind < KL_KIND_COUNT ? kind_names[kind] : NULL;
}

int kl_kind_parse(const char *name)
{
    for (int k = 0; k < KL_KIND_COUNT; k++)
        if (strcmp(name, kind_names[k]) == 0)
            return k;
    return -1;
}

static const char *const rel_names[KL_REL_OTHER] = {"member_of", "employed_by", "leads", "participates_in",
                                                    "coordinates", "funds", "partner_of", "initiated"};

const char *kl_reltype_name(kl_reltype type)
{
    return (unsigned)type < KL_REL_OTHER ? rel_names[type] : NULL;
}

kl_reltype kl_reltype_parse(const char *name)
{
    for (int t = 0; t < KL_REL_OTHER; t++)
        if (strcmp(name, rel_names[t]) == 0)
            return (kl_reltype)t;
    return KL_REL_OTHER;
}

/* ----------------------------------------------------------- weights */

const char *kl_weight_problem(double w)
{
    if (!(w > 0))
        return "must be > 0";
    if (w < KL_WEIGHT_MIN || w > KL_WEIGHT_MAX)
        return "is outside 1e-100 .. 1e100, the weights kluster computes with: rescale them";
    return NULL;
}

/* ------------------------------------------------------------- dates */

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int kl_date_parse(const char *text, int as_end, int32_t *out)
{
    int y, m, d;
    size_t len = strlen(text);
    if (len == 4 && digits(text, 4, &y) == 0) {
        *out = y * 10000 + (as_end ? 1231 : 101);
        return 0;
    }
    if (len != 10 || text[4] != '-' || text[7] != '-' || digits(text, 4, &y) || digits(text + 5, 2, &m) ||
        digits(text + 8, 2, &d))
        return -1;
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return -1;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m == 2 && d == 29 && !leap)
        return -1;
    *out = y * 10000 + m * 100 + d;
    return 0;
}

/* ------------------------------------------------------------ arrays */

void kl_array_init(kl_array_t *a, size_t item_size)
{
    memset(a, 0, sizeof *a);
    a->item_size = item_size;
}

void *kl_array_push(kl_array_t *a)
{
    if (kl_i_grow(&a->items, &a->capacity, a->count, a->item_size) < 0)
        return NULL;
    void *slot = (char *)a->items + a->count * a->item_size;
    memset(slot, 0, a->item_size);
    a->count++;
    return slot;
}

void kl_array_destroy(kl_array_t *a)
{
    if (!a)
        return;
    free(a->items);
    a->items = NULL;
    a->count = a->capacity = 0;
}
