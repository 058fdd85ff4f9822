/* engine/names.c - finding entities and regions by what people call them.
 *
 * Analysts think in names ("East Sweden Cluster", "NTNU"), datasets key on
 * ids.  Text names an entity when it is, in this order: its id; its exact
 * name; its alias; its name or alias ignoring case and accents; the start of
 * its id, name or alias ignoring case and accents.  The first rule that
 * matches decides; when that rule matches more than one entity the text is
 * ambiguous, and the caller shows the candidates.  When nothing matches, the
 * nearest names by edit distance are offered instead.
 *
 * Folding lowercases ASCII and maps the Latin-1 and Latin Extended-A
 * letters to their base letters (å, ä -> a; ø, ö -> o; æ -> ae; ß -> ss),
 * so "Malmo" finds "Malmö" and "more og romsdal" finds "Møre og Romsdal".
 * It needs no locale, so it behaves the same on every machine. */
#include "graph.h"
#include "engine_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* U+00C0..U+00FF, then U+0100..U+017F: base letter, 0 to keep the character
 * as it is (x and division signs), '2' for the two-letter folds below. */
static const char latin1[64] = "aaaaaa2ceeeeiiiidnooooo\0ouuuuyt2aaaaaa2ceeeeiiiidnooooo\0ouuuuyty";
static const char latin_ext_a[128] = "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii22jjkkkllllllllllnnnnnnnnnoooooo22rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

static const char *two_letter(uint32_t cp)
{
    switch (cp) {
    case 0xC6: case 0xE6: return "ae";
    case 0xDF: return "ss";
    case 0x132: case 0x133: return "ij";
    case 0x152: case 0x153: return "oe";
    default: return NULL;
    }
}

size_t kl_fold(const char *s, char *out, size_t size)
{
    size_t n = 0;
    int space = 1; /* drops leading spaces and folds runs into one */
    if (size == 0)
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        const char *put = NULL;
        char one[2] = {0, 0};
        size_t len = 1, put_len;
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            if (!space && n + 2 <= size)
                out[n++] = ' ';
            space = 1;
            p++;
            continue;
        }
        if (*p < 0x80) {
            one[0] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
            put = one;
        } else if ((p[0] & 0xE0) == 0xC0 && (p[1] & 0xC0) == 0x80) {
            uint32_t cp = ((uint32_t)(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
            len = 2;
            char base = cp >= 0xC0 && cp < 0x100 ? latin1[cp - 0xC0] : cp >= 0x100 && cp < 0x180 ? latin_ext_a[cp - 0x100] : 0;
            if (base == '2')
                put = two_letter(cp);
            else if (base) {
                one[0] = base;
                put = one;
            }
        } else {
            /* another character (or a stray byte): kept as it is, whole */
            len = (p[0] & 0xF0) == 0xE0 ? 3 : (p[0] & 0xF8) == 0xF0 ? 4 : 1;
            for (size_t k = 1; k < len; k++)
                if ((p[k] & 0xC0) != 0x80) {
                    len = 1; /* stops at the NUL too */
                    break;
                }
        }
        if (!put) {
            put = (const char *)p;
            put_len = len;
        } else {
            put_len = strlen(put);
        }
        if (n + put_len + 1 > size)
            break; /* never half a character */
        memcpy(out + n, put, put_len);
        n += put_len;
        p += len;
        space = 0;
    }
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
    return n;
}

unsigned kl_edit_distance(const char *a, const char *b, unsigned limit)
{
    /* optimal string alignment (Levenshtein plus adjacent swaps) over bytes,
     * three rows, stopping once every cell of a row exceeds the limit */
    size_t la = strlen(a), lb = strlen(b);
    if ((la > lb ? la - lb : lb - la) > limit)
        return limit + 1;
    if (la > 255 || lb > 255)
        return limit + 1; /* beyond the rows kept here: never offered as a typo */
    unsigned rows[3][256];
    unsigned *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = (unsigned)j;
    for (size_t i = 1; i <= la && i <= 255; i++) {
        unsigned best = cur[0] = (unsigned)i;
        for (size_t j = 1; j <= lb; j++) {
            unsigned cost = a[i - 1] != b[j - 1];
            unsigned v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            if (prev[j - 1] + cost < v)
                v = prev[j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < v)
                v = prev2[j - 2] + 1;
            cur[j] = v;
            if (v < best)
                best = v;
        }
        if (best > limit)
            return limit + 1;
        unsigned *t = prev2;
        prev2 = prev, prev = cur, cur = t;
    }
    return prev[lb] > limit ? limit + 1 : prev[lb];
}

/* How far a misspelling may be from the word it means: one edit in a short
 * word, up to three in a long one. */
static unsigned typo_limit(size_t len)
{
    return len <= 4 ? 1 : len <= 8 ? 2 : 3;
}

const char *kl_nearest(const char *word, const char *const *candidates, size_t n)
{
    char fw[256], fc[256];
    kl_fold(word, fw, sizeof fw);
    unsigned limit = typo_limit(strlen(fw)), best = limit + 1;
    const char *found = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!candidates[i])
            continue;
        kl_fold(candidates[i], fc, sizeof fc);
        unsigned d = kl_edit_distance(fw, fc, best > limit ? limit : best - 1);
        if (d < best)
            best = d, found = candidates[i];
    }
    return found;
}

/* ------------------------------------------------------------ matching */

typedef struct {
    const kl_dataset_t *ds;
    int regions;          /* 1: regions, 0: entities */
    const char *text;     /* as typed */
    const char *interned; /* the same string in the dataset's pool, or NULL */
    char folded[512];
    size_t folded_len;
    kl_named_t *out;
} namer_t;

static void add_match(namer_t *m, uint32_t index)
{
    kl_named_t *o = m->out;
    if (o->n_shown < KL_NAMED_SHOWN)
        o->shown[o->n_shown++] = index;
    o->n_matches++;
}

static void settle(namer_t *m, kl_named_how how)
{
    kl_named_t *o = m->out;
    if (o->n_matches == 1) {
        o->how = how;
        o->index = (int32_t)o->shown[0];
    } else if (o->n_matches > 1) {
        o->how = KL_NAMED_MANY;
    }
}

/* The names of item i: its name and (entities) its aliases, via callback. */
typedef int (*name_test_fn)(namer_t *m, const char *name);

static int same_pointer(namer_t *m, const char *name)
{
    return name == m->interned;
}

static int same_folded(namer_t *m, const char *name)
{
    char f[512];
    return kl_fold(name, f, sizeof f) == m->folded_len && memcmp(f, m->folded, m->folded_len) == 0;
}

static int folded_prefix(namer_t *m, const char *name)
{
    char f[512];
    return kl_fold(name, f, sizeof f) >= m->folded_len && memcmp(f, m->folded, m->folded_len) == 0;
}

/* One pass of a rule over every item: name (and id when with_id), then the
 * entities' aliases.  Each item counts once, however many of its names
 * match. */
static void rule_pass(namer_t *m, name_test_fn test, int with_id, int with_aliases)
{
    const kl_dataset_t *ds = m->ds;
    uint32_t n = m->regions ? ds->n_regions : ds->n_entities;
    uint8_t *hit = calloc((size_t)n + 1, 1);
    for (uint32_t i = 0; i < n; i++) {
        const char *id = m->regions ? ds->regions[i].id : ds->entities[i].id;
        const char *name = m->regions ? ds->regions[i].name : ds->entities[i].name;
        if (test(m, name) || (with_id && test(m, id))) {
            if (hit)
                hit[i] = 1;
            add_match(m, i);
        }
    }
    if (with_aliases && !m->regions)
        for (uint32_t k = 0; k < ds->n_aliases; k++) {
            uint32_t e = ds->aliases[k].entity;
            if ((hit && hit[e]) || !test(m, ds->aliases[k].alias))
                continue;
            if (hit)
                hit[e] = 1;
            add_match(m, e);
        }
    free(hit);
}

/* Nothing matched: the items whose folded name (or id) is nearest. */
static void nearest_items(namer_t *m)
{
    const kl_dataset_t *ds = m->ds;
    kl_named_t *o = m->out;
    uint32_t n = m->regions ? ds->n_regions : ds->n_entities;
    unsigned limit = typo_limit(m->folded_len), best = limit + 1;
    char f[512];
    for (uint32_t i = 0; i < n; i++) {
        const char *names[2] = {m->regions ? ds->regions[i].name : ds->entities[i].name,
                                m->regions ? ds->regions[i].id : ds->entities[i].id};
        unsigned d = limit + 1;
        for (int k = 0; k < 2; k++) {
            kl_fold(names[k], f, sizeof f);
            unsigned dk = kl_edit_distance(m->folded, f, best > limit ? limit : best);
            if (dk < d)
                d = dk;
        }
        if (d > limit || d > best)
            continue;
        if (d < best) {
            best = d;
            o->n_shown = 0;
        }
        if (o->n_shown < KL_NAMED_SHOWN)
            o->shown[o->n_shown++] = i;
    }
}

static void name_item(const kl_dataset_t *ds, int regions, const char *text, kl_named_t *out)
{
    memset(out, 0, sizeof *out);
    out->index = -1;
    namer_t m = {ds, regions, text, kl_i_intern_lookup(ds->pool, text, strlen(text)), "", 0, out};
    if (m.interned) {
        int32_t i = regions ? kl_dataset_find_region(ds, text) : kl_dataset_find_entity(ds, text);
        if (i >= 0) {
            out->how = KL_NAMED_ID;
            out->index = i;
            return;
        }
        rule_pass(&m, same_pointer, 0, 0);
        settle(&m, KL_NAMED_NAME);
        if (out->n_matches)
            return;
        if (!regions) {
            rule_pass(&m, same_pointer, 0, 1);
            /* the name pass found nothing, so every hit here is an alias */
            settle(&m, KL_NAMED_ALIAS);
            if (out->n_matches)
                return;
        }
    }
    m.folded_len = kl_fold(text, m.folded, sizeof m.folded);
    if (m.folded_len == 0)
        return;
    rule_pass(&m, same_folded, 1, 1);
    settle(&m, KL_NAMED_FOLDED);
    if (out->n_matches)
        return;
    rule_pass(&m, folded_prefix, 1, 1);
    settle(&m, KL_NAMED_PREFIX);
    if (out->n_matches)
        return;
    nearest_items(&m);
}

void kl_dataset_name_entity(const kl_dataset_t *ds, const char *text, kl_named_t *out)
{
    name_item(ds, 0, text, out);
}

void kl_dataset_name_region(const kl_dataset_t *ds, const char *text, kl_named_t *out)
{
    name_item(ds, 1, text, out);
}

static int folded_contains(const char *hay, const char *needle, size_t needle_len)
{
    char f[512];
    size_t n = kl_fold(hay, f, sizeof f);
    return n >= needle_len && memmem(f, n, needle, needle_len) != NULL;
}

size_t kl_dataset_search_entities(const kl_dataset_t *ds, const char *text, uint32_t *out, size_t cap)
{
    char needle[512];
    size_t len = kl_fold(text, needle, sizeof needle), count = 0;
    uint8_t *hit = calloc((size_t)ds->n_entities + 1, 1);
    if (!hit)
        return 0;
    for (uint32_t i = 0; i < ds->n_entities; i++)
        hit[i] = folded_contains(ds->entities[i].name, needle, len) || folded_contains(ds->entities[i].id, needle, len);
    for (uint32_t k = 0; k < ds->n_aliases; k++)
        if (!hit[ds->aliases[k].entity] && folded_contains(ds->aliases[k].alias, needle, len))
            hit[ds->aliases[k].entity] = 1;
    for (uint32_t i = 0; i < ds->n_entities; i++)
        if (hit[i]) {
            if (count < cap)
                out[count] = i;
            count++;
        }
    free(hit);
    return count;
}

/* ------------------------------------------------------------ hints */

static const char *hint(const char *near, char *buf, size_t size)
{
    if (!near || size == 0)
        return "";
    snprintf(buf, size, "; did you mean '%s'?", near);
    return buf;
}

const char *kl_kind_hint(const char *word, char *buf, size_t size)
{
    const char *kinds[KL_KIND_COUNT];
    for (int k = 0; k < KL_KIND_COUNT; k++)
        kinds[k] = kl_kind_name((kl_kind)k);
    return hint(kl_nearest(word, kinds, KL_KIND_COUNT), buf, size);
}

const char *kl_reltype_hint(const char *word, char *buf, size_t size)
{
    const char *types[KL_REL_OTHER];
    for (int k = 0; k < KL_REL_OTHER; k++)
        types[k] = kl_reltype_name((kl_reltype)k);
    return hint(kl_nearest(word, types, KL_REL_OTHER), buf, size);
}
