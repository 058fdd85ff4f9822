/* i18n/catalogue.c - a GNU gettext .mo file read in place: checked once,
 * then searched by binary search over its sorted original strings.
 *
 * The layout (GNU gettext manual, "The Format of GNU MO Files"): a header of
 * seven 32-bit words (magic, revision, N strings, offset of the originals
 * table, offset of the translations table, hash table size and offset),
 * then per table N pairs (length, offset) of NUL-terminated strings.  The
 * hash table is not used: the originals are sorted, and a binary search
 * needs nothing else. */
#include "i18n_internal.h"

#include <string.h>

#define MO_MAGIC 0x950412deu
#define MO_HEADER_WORDS 7

static uint32_t swap32(uint32_t x)
{
    return (x >> 24) | ((x >> 8) & 0xff00u) | ((x << 8) & 0xff0000u) | (x << 24);
}

/* The 32-bit word at byte offset at, in the file's byte order; memcpy:
 * the data need not be aligned. */
static uint32_t word(const kl_i_catalogue_t *c, size_t at)
{
    uint32_t x;
    memcpy(&x, c->data + at, sizeof x);
    return c->swapped ? swap32(x) : x;
}

/* String i of the table at offset table: its start and length (without the
 * NUL), read from the pair (length, offset). */
static const char *entry(const kl_i_catalogue_t *c, uint32_t table, uint32_t i, uint32_t *len)
{
    size_t at = (size_t)table + 8 * (size_t)i;
    *len = word(c, at);
    return (const char *)c->data + word(c, at + 4);
}

/* The table at offset table holds n pairs inside the data, and each of its
 * strings lies inside the data with a NUL right after it. */
static int table_ok(const kl_i_catalogue_t *c, uint32_t table)
{
    if (table % 4 || (size_t)table + 8 * (size_t)c->n > c->size)
        return 0;
    for (uint32_t i = 0; i < c->n; i++) {
        size_t at = (size_t)table + 8 * (size_t)i;
        uint32_t len = word(c, at), off = word(c, at + 4);
        if ((size_t)off + len >= c->size || c->data[(size_t)off + len] != '\0')
            return 0;
    }
    return 1;
}

int kl_i_catalogue_open(kl_i_catalogue_t *c, const void *data, size_t size)
{
    memset(c, 0, sizeof *c);
    if (!data || size < 4 * MO_HEADER_WORDS)
        return -1;
    c->data = data;
    c->size = size;
    uint32_t magic;
    memcpy(&magic, data, sizeof magic);
    if (magic == swap32(MO_MAGIC))
        c->swapped = 1;
    else if (magic != MO_MAGIC)
        goto bad;
    /* the major revision (upper half) says how to read the rest; only 0 is
     * defined, minor revisions add tables we do not need */
    if (word(c, 4) >> 16 != 0)
        goto bad;
    c->n = word(c, 8);
    c->originals = word(c, 12);
    c->translations = word(c, 16);
    if (!table_ok(c, c->originals) || !table_ok(c, c->translations))
        goto bad;
    /* a binary search needs the originals sorted; msgfmt sorts them, and a
     * file that is not is not one of ours */
    for (uint32_t i = 1; i < c->n; i++) {
        uint32_t la, lb;
        const char *a = entry(c, c->originals, i - 1, &la), *b = entry(c, c->originals, i, &lb);
        if (strcmp(a, b) >= 0)
            goto bad;
    }
    return 0;
bad:
    memset(c, 0, sizeof *c);
    return -1;
}

/* strcmp of ctx "\004" msgid (or msgid alone when ctx is NULL) with s,
 * without building the key: the context's bytes, then the separator, then
 * the msgid's. */
static int compare_key(const char *ctx, const char *msgid, const char *s)
{
    if (ctx) {
        for (; *ctx; ctx++, s++)
            if (*ctx != *s)
                return (unsigned char)*ctx < (unsigned char)*s ? -1 : 1;
        if (*s != '\004')
            return (unsigned char)'\004' < (unsigned char)*s ? -1 : 1;
        s++;
    }
    return strcmp(msgid, s);
}

const char *kl_i_catalogue_find(const kl_i_catalogue_t *c, const char *msgid, uint32_t *len)
{
    return kl_i_catalogue_find_ctx(c, NULL, msgid, len);
}

const char *kl_i_catalogue_find_ctx(const kl_i_catalogue_t *c, const char *ctx, const char *msgid, uint32_t *len)
{
    uint32_t lo = 0, hi = c->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2, olen;
        /* a plural original is "singular\0plural": strcmp stops at the
         * first NUL, so the singular is what is compared */
        int k = compare_key(ctx, msgid, entry(c, c->originals, mid, &olen));
        if (k == 0) {
            const char *t = entry(c, c->translations, mid, len);
            return *len ? t : NULL;
        }
        if (k < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}
