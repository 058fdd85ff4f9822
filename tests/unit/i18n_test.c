/* tests/unit/i18n_test.c - the catalogue reader (i18n/catalogue.c) and the
 * choice of language (i18n/i18n.c).  The .mo files are built here by an
 * encoder of the GNU layout of its own (header, the two tables of (length,
 * offset) pairs, the strings), in both byte orders; then every way a file
 * can be wrong is tried: each must be refused (the program falls back to
 * English) and none may crash, also under ASan: every prefix of a good file,
 * and the good file with each byte flipped.  Finally the built-in
 * catalogues open, and the language comes from the environment as
 * docs/languages.md says. */
#include "i18n/i18n_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *orig, *tr;
    size_t orig_len, tr_len; /* with the NULs inside a plural entry */
} entry_t;

#define ENTRY(o, t)                                                                                                    \
    {                                                                                                                  \
        o, t, sizeof o - 1, sizeof t - 1                                                                               \
    }
/* "", then sorted by strcmp of the original, as msgfmt writes them */
static const entry_t entries[] = {
    ENTRY("", "Content-Type: text/plain; charset=UTF-8\n"),
    ENTRY("%u region pair loses\0%u region pairs lose", "%u regionpar förlorar\0%u regionpar förlorar"),
    ENTRY("Summary:", "Sammanfattning:"),
    ENTRY("Top %u by %s", "Topp %u efter %s"),
    ENTRY("mode\004full", "hela nätverket"),
};
#define N_ENTRIES (sizeof entries / sizeof *entries)

static void put32(unsigned char *p, uint32_t x, int big)
{
    for (int i = 0; i < 4; i++)
        p[big ? 3 - i : i] = (unsigned char)(x >> (8 * i));
}

/* The .mo of entries, in little (big 0) or big endian; caller frees. */
static unsigned char *encode(int big, size_t *size)
{
    uint32_t n = N_ENTRIES, orig = 28, tr = orig + 8 * n, strings = tr + 8 * n;
    size_t total = strings;
    for (size_t i = 0; i < n; i++)
        total += entries[i].orig_len + 1 + entries[i].tr_len + 1;
    unsigned char *mo = calloc(total, 1);
    if (!mo)
        exit(1);
    put32(mo, 0x950412deu, big);
    put32(mo + 4, 0, big);
    put32(mo + 8, n, big);
    put32(mo + 12, orig, big);
    put32(mo + 16, tr, big);
    put32(mo + 20, 0, big);
    put32(mo + 24, strings, big);
    size_t at = strings;
    for (size_t i = 0; i < n; i++) {
        put32(mo + orig + 8 * i, (uint32_t)entries[i].orig_len, big);
        put32(mo + orig + 8 * i + 4, (uint32_t)at, big);
        memcpy(mo + at, entries[i].orig, entries[i].orig_len);
        at += entries[i].orig_len + 1;
    }
    for (size_t i = 0; i < n; i++) {
        put32(mo + tr + 8 * i, (uint32_t)entries[i].tr_len, big);
        put32(mo + tr + 8 * i + 4, (uint32_t)at, big);
        memcpy(mo + at, entries[i].tr, entries[i].tr_len);
        at += entries[i].tr_len + 1;
    }
    *size = total;
    return mo;
}

static void show(const char *what, const char *s, uint32_t len)
{
    printf("  %s: ", what);
    if (!s) {
        printf("(none)\n");
        return;
    }
    for (uint32_t i = 0; i < len; i++)
        putchar(s[i] ? s[i] : '|');
    printf(" (%u)\n", len);
}

static void lookups(const kl_i_catalogue_t *c)
{
    uint32_t len = 0;
    const char *t;
    t = kl_i_catalogue_find(c, "Summary:", &len);
    show("Summary:", t, t ? len : 0);
    t = kl_i_catalogue_find(c, "Top %u by %s", &len);
    show("Top %u by %s", t, t ? len : 0);
    t = kl_i_catalogue_find(c, "%u region pair loses", &len);
    show("plural", t, t ? len : 0);
    t = kl_i_catalogue_find_ctx(c, "mode", "full", &len);
    show("mode|full", t, t ? len : 0);
    t = kl_i_catalogue_find(c, "full", &len);
    show("full without its context", t, t ? len : 0);
    t = kl_i_catalogue_find_ctx(c, "mod", "full", &len);
    show("full in context mod", t, t ? len : 0);
    t = kl_i_catalogue_find(c, "Summary", &len);
    show("Summary (no colon)", t, t ? len : 0);
    t = kl_i_catalogue_find(c, "zzz", &len);
    show("zzz", t, t ? len : 0);
}

/* Open a copy of mo with one change made by f; print whether it opens. */
static void corrupt(const char *what, const unsigned char *mo, size_t size, void (*f)(unsigned char *, size_t *))
{
    unsigned char *copy = malloc(size);
    if (!copy)
        exit(1);
    memcpy(copy, mo, size);
    size_t n = size;
    f(copy, &n);
    kl_i_catalogue_t c;
    int rc = kl_i_catalogue_open(&c, copy, n);
    uint32_t len;
    printf("%-40s %s\n", what, rc == 0 ? "opens" : "refused");
    if (rc != 0 && (c.n || c.data || kl_i_catalogue_find(&c, "Summary:", &len)))
        printf("  a refused catalogue is not empty\n");
    free(copy);
}

static void bad_magic(unsigned char *m, size_t *n)
{
    (void)n;
    m[0] ^= 1;
}
static void bad_revision(unsigned char *m, size_t *n)
{
    (void)n;
    put32(m + 4, 1u << 16, 0);
}
static void minor_revision(unsigned char *m, size_t *n)
{
    (void)n;
    put32(m + 4, 1, 0);
}
static void huge_count(unsigned char *m, size_t *n)
{
    (void)n;
    put32(m + 8, 0xffffffffu, 0);
}
static void far_table(unsigned char *m, size_t *n)
{
    put32(m + 12, (uint32_t)*n, 0);
}
static void odd_table(unsigned char *m, size_t *n)
{
    (void)n;
    put32(m + 16, 29, 0);
}
static void far_string(unsigned char *m, size_t *n)
{
    put32(m + 28 + 8 + 4, (uint32_t)*n - 2, 0);
}
static void long_string(unsigned char *m, size_t *n)
{
    (void)n;
    put32(m + 28 + 8 * 2, 0xfffffff0u, 0);
}
static void no_nul(unsigned char *m, size_t *n)
{
    /* the header's translation is last but four: its NUL becomes a letter */
    uint32_t off, len;
    memcpy(&off, m + 28 + 8 * N_ENTRIES + 4, 4);
    memcpy(&len, m + 28 + 8 * N_ENTRIES, 4);
    (void)n;
    m[off + len] = 'x';
}
static void unsorted(unsigned char *m, size_t *n)
{
    /* swap two originals' pairs: "Summary:" before the plural */
    unsigned char tmp[8];
    (void)n;
    memcpy(tmp, m + 28 + 8, 8);
    memcpy(m + 28 + 8, m + 28 + 16, 8);
    memcpy(m + 28 + 16, tmp, 8);
}
static void truncated(unsigned char *m, size_t *n)
{
    (void)m;
    *n -= 1;
}
static void header_only(unsigned char *m, size_t *n)
{
    (void)m;
    *n = 20;
}

int main(void)
{
    for (int big = 0; big < 2; big++) {
        size_t size;
        unsigned char *mo = encode(big, &size);
        kl_i_catalogue_t c;
        printf("%s endian, %zu bytes: %s\n", big ? "big" : "little", size,
               kl_i_catalogue_open(&c, mo, size) == 0 ? "opens" : "refused");
        lookups(&c);
        free(mo);
    }

    size_t size;
    unsigned char *mo = encode(0, &size);
    corrupt("magic", mo, size, bad_magic);
    corrupt("major revision 1", mo, size, bad_revision);
    corrupt("minor revision 1", mo, size, minor_revision);
    corrupt("string count 2^32 - 1", mo, size, huge_count);
    corrupt("originals table past the end", mo, size, far_table);
    corrupt("translations table not aligned", mo, size, odd_table);
    corrupt("a string past the end", mo, size, far_string);
    corrupt("a string's length past the end", mo, size, long_string);
    corrupt("a string without its NUL", mo, size, no_nul);
    corrupt("originals not sorted", mo, size, unsorted);
    corrupt("last byte cut", mo, size, truncated);
    corrupt("20 bytes", mo, size, header_only);
    kl_i_catalogue_t c;
    printf("%-40s %s\n", "no data", kl_i_catalogue_open(&c, NULL, 100) == 0 ? "opens" : "refused");

    /* every prefix, every byte flipped: no crash, and a file that still
     * opens still answers lookups */
    unsigned prefixes = 0, flips = 0;
    for (size_t n = 0; n <= size; n++) {
        unsigned char *copy = malloc(n ? n : 1);
        if (!copy)
            return 1;
        memcpy(copy, mo, n);
        if (kl_i_catalogue_open(&c, copy, n) == 0) {
            uint32_t len;
            kl_i_catalogue_find(&c, "Summary:", &len);
            prefixes++;
        }
        free(copy);
    }
    for (size_t i = 0; i < size; i++) {
        mo[i] ^= 0xff;
        if (kl_i_catalogue_open(&c, mo, size) == 0) {
            uint32_t len;
            kl_i_catalogue_find(&c, "Summary:", &len);
            kl_i_catalogue_find_ctx(&c, "mode", "full", &len);
            flips++;
        }
        mo[i] ^= 0xff;
    }
    printf("prefixes that open: %u of %zu\n", prefixes, size + 1);
    printf("byte flips that open: %u of %zu\n", flips, size);
    free(mo);

    /* the catalogues built into the library */
    for (int lang = KL_LANG_SV; lang < KL_LANG_COUNT; lang++) {
        const kl_i_mo_t *m = &kl_i_mo[lang];
        int ok = kl_i_catalogue_open(&c, m->start, (size_t)(m->end - m->start)) == 0;
        printf("built-in %s catalogue: %s, %s\n", kl_lang_code((kl_lang)lang), ok ? "opens" : "refused",
               ok && c.n > 300 ? "more than 300 texts" : "too few texts");
    }

    /* the language: --lang values, then the environment */
    static const char *const names[] = {"en",          "sv",      "nb",          "no",    "nn",     "SV",
                                        "sv_SE.UTF-8", "nb_NO",   "nn_NO.UTF-8", "sv-FI", "de",     "",
                                        "s",           "svenska", "C",           "POSIX", "C.UTF-8"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        kl_lang l = KL_LANG_COUNT;
        int rc = kl_lang_parse(names[i], &l);
        printf("parse '%s': %s\n", names[i], rc == 0 ? kl_lang_code(l) : "-1");
    }
    static const struct {
        const char *language, *lc_all, *lc_messages, *lang;
    } envs[] = {
        {NULL, NULL, NULL, NULL},          {NULL, NULL, NULL, "sv_SE.UTF-8"}, {NULL, NULL, NULL, "C.UTF-8"},
        {NULL, NULL, NULL, "nb_NO.UTF-8"}, {NULL, "nb_NO", NULL, "sv_SE"},    {NULL, NULL, "sv_SE", "nb_NO"},
        {"nb:sv", NULL, NULL, "sv_SE"},    {"de:sv", "sv_SE", NULL, NULL},    {"", NULL, NULL, "sv_SE"},
        {":sv", NULL, NULL, "nb_NO"},      {NULL, "", NULL, "sv_SE"},         {NULL, "C", NULL, "sv_SE"},
    };
    for (size_t i = 0; i < sizeof envs / sizeof *envs; i++) {
        const char *vals[] = {envs[i].language, envs[i].lc_all, envs[i].lc_messages, envs[i].lang};
        const char *vars[] = {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"};
        for (int k = 0; k < 4; k++) {
            if (vals[k])
                setenv(vars[k], vals[k], 1);
            else
                unsetenv(vars[k]);
        }
        printf("LANGUAGE=%s LC_ALL=%s LC_MESSAGES=%s LANG=%s: %s\n", vals[0] ? vals[0] : "-", vals[1] ? vals[1] : "-",
               vals[2] ? vals[2] : "-", vals[3] ? vals[3] : "-", kl_lang_code(kl_lang_from_env()));
    }

    /* lookups that miss come back as they went in, in every language */
    for (int lang = 0; lang < KL_LANG_COUNT; lang++) {
        kl_lang_set((kl_lang)lang);
        const char *miss = "no such text, surely";
        printf("%s: miss %s, empty %s, plural %s / %s, context %s\n", kl_lang_code(kl_lang_get()),
               kl_tr(miss) == miss ? "same" : "changed", *kl_tr("") ? "not empty" : "empty",
               kl_trn("%u miss", "%u misses", 1), kl_trn("%u miss", "%u misses", 2),
               kl_trc("nowhere", miss) == miss ? "same" : "changed");
    }
    kl_lang_set(KL_LANG_COUNT); /* out of range: English */
    printf("out of range: %s\n", kl_lang_code(kl_lang_get()));
    return 0;
}
