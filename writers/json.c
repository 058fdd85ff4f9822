/* writers/json.c - JSON text on jansson, with the one set of settings every
 * JSON file of kluster uses (reals to 17 significant digits, keys in the
 * order set), and builders for values that may be missing. */
#include "writers_internal.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* JSON_REAL_PRECISION(17): "%.17g" round-trips every double, so a file
 * read back (kluster diff) compares the very numbers that were computed. */
static size_t style_flags(kl_json_style style)
{
    if (style == KL_JSON_COMPACT)
        return KL_I_JSON_FLAGS;
    return JSON_INDENT(1) | JSON_REAL_PRECISION(17);
}

int kl_json_write(FILE *f, const json_t *v, kl_json_style style)
{
    if (!v) {
        errno = ENOMEM;
        return -1;
    }
    if (json_dumpf(v, f, style_flags(style)) != 0 || (style == KL_JSON_DOCUMENT && fputc('\n', f) == EOF) ||
        ferror(f)) {
        if (!errno)
            errno = EIO;
        return -1;
    }
    return 0;
}

int kl_json_write_new(FILE *f, json_t *v, kl_json_style style)
{
    int rc = kl_json_write(f, v, style);
    json_decref(v);
    return rc;
}

char *kl_json_text(const json_t *v, kl_json_style style)
{
    if (!v)
        return NULL;
    char *text = json_dumps(v, style_flags(style));
    if (!text || style != KL_JSON_DOCUMENT)
        return text;
    /* a document ends with a newline, as in a file */
    size_t len = strlen(text);
    char *doc = realloc(text, len + 2);
    if (!doc) {
        free(text);
        return NULL;
    }
    doc[len] = '\n';
    doc[len + 1] = '\0';
    return doc;
}

json_t *kl_json_string(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *kl_json_real(double x)
{
    return isfinite(x) ? json_real(x) : json_null();
}
