/* i18n/i18n_internal.h - what the files of i18n/ share: a GNU .mo catalogue
 * read in place (catalogue.c) and the compiled catalogues built into the
 * library (catalogues.c). */
#ifndef KL_I18N_INTERNAL_H
#define KL_I18N_INTERNAL_H

#include "i18n.h"

#include <stddef.h>
#include <stdint.h>

/* A checked .mo file, borrowed: the strings are read where they lie. */
typedef struct {
    const unsigned char *data;
    size_t size;
    int swapped;                      /* written in the other byte order */
    uint32_t n;                       /* strings */
    uint32_t originals, translations; /* offsets of the two tables */
} kl_i_catalogue_t;

/* Check data (size bytes) as a GNU .mo file: the magic 0x950412de in
 * either byte order, major revision 0, both tables and every string inside
 * the data and NUL-terminated, the original strings in strictly ascending
 * strcmp order (the binary search relies on it).  0 and *c filled, or -1
 * (*c zeroed): the caller falls back to English.  O(size).  Can't crash on
 * any input. */
int kl_i_catalogue_open(kl_i_catalogue_t *c, const void *data, size_t size);

/* The translation of msgid (for a plural entry, of its singular: the
 * original "singular\0plural"), or NULL when c has none or it is empty.
 * *len is the length of the translation including the NULs inside it (a
 * plural translation is "form0\0form1").  O(log n). */
const char *kl_i_catalogue_find(const kl_i_catalogue_t *c, const char *msgid, uint32_t *len);
/* The same for msgid in the context ctx (stored as "ctx\004msgid"). */
const char *kl_i_catalogue_find_ctx(const kl_i_catalogue_t *c, const char *ctx, const char *msgid, uint32_t *len);

/* The compiled catalogues of the build (build/po/LANG.mo), and their end;
 * index by kl_lang (English has none: empty). */
typedef struct {
    const unsigned char *start, *end;
} kl_i_mo_t;
extern const kl_i_mo_t kl_i_mo[KL_LANG_COUNT];

#endif
