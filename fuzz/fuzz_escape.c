/* fuzz/fuzz_escape.c - libFuzzer target for the writers' escaping: an
 * arbitrary name goes through kl_viz_escape_label/_html (DOT and SVG via
 * Graphviz), kl_csv_escape, kl_md_escape (analyze's CSV and Markdown) and
 * kl_term_escape (the terminal), and what comes out must parse back: the DOT label survives cgraph's writer and
 * reader unchanged, the CSV cell reads back (kluster's own RFC 4180 reader)
 * as the name, HTML labels hold no markup but <BR/> and known entities,
 * Markdown and terminal text hold no control character and are UTF-8.
 * Input: byte 0 = wrap, byte 1 = max_chars (0: none), the rest the name (up
 * to its first NUL: names never hold one, the loaders refuse it). */
#include "../writers/writers.h"
#include "../loaders/loaders.h"
#include "../viz/viz.h"

#include <graphviz/cgraph.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "check failed: %s (line %d)\n", #c, __LINE__); abort(); } } while (0)

static int is_utf8(const char *s)
{
    size_t n = strlen(s);
    return kl_utf8_valid_prefix(s, n) == n;
}

/* Does s start with what Graphviz or an XML reader takes for an entity:
 * &name; &#digits; &#xhex; (and "&;", which Graphviz's writer keeps)? */
static int entity_at(const char *s)
{
    size_t j = 1;
    #define ALNUM(ch) (((ch) >= 'a' && (ch) <= 'z') || ((ch) >= 'A' && (ch) <= 'Z') || ((ch) >= '0' && (ch) <= '9'))
    #define HEX(ch) (((ch) >= 'a' && (ch) <= 'f') || ((ch) >= 'A' && (ch) <= 'F') || ((ch) >= '0' && (ch) <= '9'))
    if (s[j] == ';')
        return 1;
    if (s[j] == '#' && (s[j + 1] == 'x' || s[j + 1] == 'X')) {
        j += 2;
        size_t k = j;
        while (HEX(s[j]))
            j++;
        return j > k && s[j] == ';';
    }
    if (s[j] == '#') {
        j++;
        size_t k = j;
        while (s[j] >= '0' && s[j] <= '9')
            j++;
        return j > k && s[j] == ';';
    }
    if (!((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z')))
        return 0;
    while (ALNUM(s[j]))
        j++;
    return s[j] == ';';
}

static void check_label(const char *name, unsigned wrap, unsigned maxc)
{
    char *l = kl_viz_escape_label(name, wrap, maxc);
    CHECK(l);
    CHECK(is_utf8(l));
    size_t n = strlen(l);
    CHECK(n == 0 || l[n - 1] != '\\' || (n >= 2 && l[n - 2] == '\\'));
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)l[i];
        CHECK(c >= 0x20);
        if (c == '\\') { /* only \\ and \n: no \N, \G, \l, \r */
            CHECK(l[i + 1] == '\\' || l[i + 1] == 'n');
            i++;
        } else if (c == '&') {
            CHECK(!entity_at(l + i));
        }
    }
    /* DOT round trip: cgraph quotes the label when writing, and reading the
     * DOT back gives the same label */
    Agraph_t *g = agopen("g", Agdirected, NULL);
    CHECK(g);
    Agnode_t *v = agnode(g, "n", 1);
    agsafeset(v, "label", l, "");
    char *dot = NULL;
    size_t dlen = 0;
    FILE *f = open_memstream(&dot, &dlen);
    CHECK(f);
    CHECK(agwrite(g, f) == 0);
    fclose(f);
    agclose(g);
    Agraph_t *h = agmemread(dot);
    if (!h)
        fprintf(stderr, "DOT did not parse back:\n%s\n", dot);
    CHECK(h);
    Agnode_t *w = agnode(h, "n", 0);
    CHECK(w);
    char *back = agget(w, "label"); /* NULL: not written, the default "" */
    CHECK(strcmp(back ? back : "", l) == 0);
    agclose(h);
    free(dot);
    free(l);
}

static void check_html(const char *name, unsigned wrap, unsigned maxc)
{
    char *t = kl_viz_escape_html(name, wrap, maxc);
    CHECK(t);
    CHECK(is_utf8(t));
    for (size_t i = 0; t[i]; i++) {
        unsigned char c = (unsigned char)t[i];
        CHECK(c >= 0x20 && c != '"' && c != '>');
        if (c == '<') {
            CHECK(strncmp(t + i, "<BR/>", 5) == 0);
            i += 4;
        } else if (c == '&') {
            static const char *const ents[] = {"&amp;", "&lt;", "&gt;", "&quot;"};
            int ok = 0;
            for (size_t k = 0; k < 4; k++)
                ok |= strncmp(t + i, ents[k], strlen(ents[k])) == 0;
            if (!ok && t[i + 1] == '#') {
                size_t j = i + 2;
                while (t[j] >= '0' && t[j] <= '9')
                    j++;
                ok = j > i + 2 && t[j] == ';';
            }
            CHECK(ok);
        }
    }
    free(t);
}

static void check_csv(const char *name)
{
    size_t len = kl_csv_escape(name, NULL, 0);
    char *cell = malloc(len + 1);
    CHECK(cell);
    CHECK(kl_csv_escape(name, cell, len + 1) == len && strlen(cell) == len);
    if (len > 0) { /* truncation like snprintf */
        char small[8];
        size_t k = len < sizeof small ? len : sizeof small;
        memset(small, 'x', sizeof small);
        CHECK(kl_csv_escape(name, small, k) == len && small[k - 1] == '\0' && strlen(small) == k - 1);
        CHECK(memcmp(small, cell, k - 1) == 0);
    }
    /* read back: header "h", one row holding the cell (and a second column,
     * so that an empty cell is not an empty line) */
    if (is_utf8(name)) {
        size_t n = len + 16;
        char *doc = malloc(n);
        CHECK(doc);
        int dl = snprintf(doc, n, "h,x\n%s,1\n", cell);
        FILE *f = fmemopen(doc, (size_t)dl, "r");
        CHECK(f);
        char msg[128];
        kl_csv_t *c = kl_csv_open_stream(f, msg, sizeof msg);
        CHECK(c);
        CHECK(kl_csv_next(c) == 1);
        int got = kl_csv_next(c);
        if (got != 1)
            fprintf(stderr, "csv: %s\n", kl_csv_error(c, NULL, NULL));
        CHECK(got == 1 && kl_csv_nfields(c) == 2);
        size_t flen;
        const char *field = kl_csv_field(c, 0, &flen);
        /* a ' guards against spreadsheet formulas: before a leading =, +,
         * -, @, tab or CR, and after a , ; or tab (and any quotes) that one
         * follows */
        size_t j = 0;
        if (name[0] && strchr("=+-@\t\r", name[0])) {
            CHECK(flen > 0 && field[0] == '\'');
            j++;
        }
        for (const char *p = name; *p; p++) {
            CHECK(j < flen && field[j] == *p);
            j++;
            if (*p == ',' || *p == ';' || *p == '\t') {
                const char *q = p + 1;
                while (*q == '"')
                    q++;
                if (*q && strchr("=+-@\t\r", *q)) {
                    CHECK(j < flen && field[j] == '\'');
                    j++;
                }
            }
        }
        CHECK(j == flen);
        CHECK(kl_csv_next(c) == 0);
        kl_csv_close(c);
        free(doc);
    }
    free(cell);
}

/* what a terminal gets: no C0 control, DEL or C1 control, valid UTF-8, and
 * the snprintf contract */
static void check_shown(const char *t)
{
    CHECK(is_utf8(t));
    for (const unsigned char *p = (const unsigned char *)t; *p; p++)
        CHECK(*p >= 0x20 && *p != 0x7f && !(p[0] == 0xC2 && p[1] >= 0x80 && p[1] < 0xA0));
}

static void check_term(const char *name)
{
    size_t len = kl_term_escape(name, NULL, 0);
    char *t = malloc(len + 1);
    CHECK(t);
    CHECK(kl_term_escape(name, t, len + 1) == len && strlen(t) == len);
    check_shown(t);
    /* valid UTF-8 without controls comes back as it is */
    int plain = is_utf8(name);
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        plain &= *p >= 0x20 && *p != 0x7f && !(p[0] == 0xC2 && p[1] >= 0x80 && p[1] < 0xA0);
    CHECK(!plain || strcmp(t, name) == 0);
    if (len > 0) {
        char small[8];
        size_t k = len < sizeof small ? len : sizeof small;
        CHECK(kl_term_escape(name, small, k) == len && strlen(small) == k - 1 && memcmp(small, t, k - 1) == 0);
    }
    free(t);
}

static void check_md(const char *name)
{
    size_t len = kl_md_escape(name, NULL, 0);
    char *t = malloc(len + 1);
    CHECK(t);
    CHECK(kl_md_escape(name, t, len + 1) == len && strlen(t) == len);
    check_shown(t);
    for (size_t i = 0; i < len; i++) {
        CHECK(t[i] != '\n' && t[i] != '\r' && t[i] != '\t');
        if (t[i] == '\\')
            i++; /* an escaped character */
        else
            CHECK(t[i] != '|'); /* a bare | would split the table cell */
    }
    free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    unsigned wrap = data[0] % 64, maxc = data[1];
    size_t n = strnlen((const char *)data + 2, size - 2);
    char *name = malloc(n + 1);
    if (!name)
        return 0;
    memcpy(name, data + 2, n);
    name[n] = '\0';
    check_label(name, wrap, maxc);
    check_html(name, wrap, maxc);
    check_csv(name);
    check_md(name);
    check_term(name);
    free(name);
    return 0;
}
