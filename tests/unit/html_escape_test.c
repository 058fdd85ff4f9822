/* tests/unit/html_escape_test.c - kl_html_escape (writers/html.c), the one
 * function through which every name reaches report.html and index.html:
 * the five HTML specials, invalid UTF-8 and control characters (U+FFFD),
 * valid multi-byte text kept as it is, and the snprintf-style contract
 * (full length returned, never half an entity or character written). */
#include "writers/writers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes outside printable ASCII as \xNN, so the golden file is plain text. */
static void show(const char *s)
{
    putchar('[');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p >= 0x7F)
            printf("\\x%02X", *p);
        else
            putchar(*p);
    }
    putchar(']');
}

static void check(const char *label, const char *in)
{
    char out[256];
    size_t len = kl_html_escape(in, out, sizeof out);
    printf("%-22s ", label);
    show(out);
    printf(" len=%zu%s\n", len, len == strlen(out) ? "" : " MISMATCH");
}

static void truncated(const char *in, size_t size)
{
    char out[64];
    memset(out, 'Z', sizeof out);
    size_t len = kl_html_escape(in, out, size);
    printf("size %-2zu ", size);
    if (size)
        show(out);
    else
        printf("(nothing written: %s)", out[0] == 'Z' ? "ok" : "WROTE");
    printf(" full=%zu\n", len);
}

int main(void)
{
    check("plain", "East Sweden Cluster");
    check("specials", "<b>\"Tom\" & 'Jerry'</b>");
    check("script", "</title><script>alert(1)</script>");
    check("attribute", "x\" onmouseover=\"alert(1)");
    check("entity-like", "&amp; &#9; &lt;");
    check("utf-8 kept", "Östsvenska Handelskammaren – vår € 𝄞");
    check("null", NULL);
    check("empty", "");
    check("tab lf cr kept", "a\tb\nc\rd");
    check("C0 controls", "a\x01" "b\x1f" "c\x7f" "d");
    check("C1 control", "a\xC2\x85" "b");
    check("noncharacters", "a\xEF\xBF\xBE" "b\xEF\xBF\xBF" "c");
    check("stray continuation", "a\x80" "b");
    check("overlong '/'", "a\xC0\xAF" "b");
    check("overlong 3-byte", "a\xE0\x80\xAF" "b");
    check("surrogate", "a\xED\xA0\x80" "b");
    check("above U+10FFFF", "a\xF4\x90\x80\x80" "b");
    check("truncated at end", "ab\xE2\x82");
    check("truncated mid", "a\xE2\x82" "b");
    check("invalid lead", "a\xFF\xFE" "b");
    truncated("a&b", 0);
    truncated("a&b", 1);
    truncated("a&b", 2);
    truncated("a&b", 6);
    truncated("a&b", 7);
    truncated("a&b", 8);
    truncated("\xC3\x96z", 2);
    truncated("\xC3\x96z", 3);
    truncated("x\x80", 4);
    truncated("x\x80", 5);

    /* kl_html_puts: a long name goes through the heap path unchanged */
    char big[3000];
    for (size_t i = 0; i < sizeof big - 1; i++)
        big[i] = i % 3 ? 'a' : '<';
    big[sizeof big - 1] = '\0';
    char *mem = NULL;
    size_t memlen = 0;
    FILE *f = open_memstream(&mem, &memlen);
    if (!f || kl_html_puts(f, big) != 0 || fclose(f) != 0)
        return 1;
    printf("puts long: %zu bytes, expected %zu\n", memlen, kl_html_escape(big, NULL, 0));
    free(mem);
    return 0;
}
