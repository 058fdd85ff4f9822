/* tests/unit/viz_escape_test.c - names into Graphviz labels: every hostile
 * character escaped, sanitised, wrapped or cut (viz/escape.c).  Prints each
 * input (C-escaped) and its plain-label and HTML-label forms; then checks
 * that cgraph writes and re-reads every plain label unchanged. */
#include "viz/viz.h"

#include <cgraph.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void show(const char *s)
{
    putchar('[');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\n')
            fputs("\\n", stdout);
        else if (*p == '\r')
            fputs("\\r", stdout);
        else if (*p == '\t')
            fputs("\\t", stdout);
        else if (*p < 0x20 || *p == 0x7F)
            printf("\\x%02X", *p);
        else
            putchar(*p);
    }
    putchar(']');
}

static const struct {
    const char *text;
    unsigned wrap, max;
} cases[] = {
    {"Östsvenska Handelskammaren", 0, 0},
    {"Åsa Öberg, Café Ñandú", 0, 0},
    {"Quote \"Inc\" 'single'", 0, 0},
    {"back\\slash \\N \\G \\L \\n", 0, 0},
    {"ends with a backslash\\", 0, 0},
    {"\\", 0, 0},
    {"<b>bold</b> & <i>co</i>", 0, 0},
    {"Tom &amp; Jerry &foo; &#38; &#x26; &; & alone", 0, 0},
    {"Line one\nLine two\r\nLine three\rfour\ttab", 0, 0},
    {"bell\a nul-ish \x1f del\x7f", 0, 0},
    {"bad utf8 \xC3\x28 \xE2\x82 \xF0\x9F end", 0, 0},
    {"overlong \xC0\xAF surrogate \xED\xA0\x80", 0, 0},
    {"noncharacter \xEF\xBF\xBE", 0, 0},
    {"Kista Science City AB and Stiftelsen Electrum", 20, 0},
    {"Supercalifragilisticexpialidocious-organisation", 20, 0},
    {"Mycket långt namn för en organisation som aldrig tar slut", 20, 40},
    {"åäöéåäöéåäöéåäöéåäöé", 8, 12},
    /* words stay whole: a word longer than the wrap width has its own line */
    {"HAVFORSKNINGSINSTITUTTET", 20, 64},
    {"STIFTELSEN HAVFORSKNINGSINSTITUTTET BERGEN", 20, 64},
    /* a line breaks after a hyphen or slash inside a word, not at a dash
     * between spaces */
    {"NORGES TEKNISK-NATURVITENSKAPELIGE UNIVERSITET NTNU", 20, 64},
    {"Trøndelag - Trööndelage", 12, 0},
    {"Forskning/Innovasjon Trondheim", 12, 0},
    {"-leading and trailing- / slash", 8, 0},
    /* letters of any script count one each: "Åsa Öberg" fills 9 */
    {"Åsa Öberg Ærlig Ødegård", 9, 0},
    /* the ellipsis: at most max characters with "…", cut at the last word
     * boundary (inside the first word only when it alone is too long) */
    {"STIFTELSEN NORSK INSTITUTT FOR NATURFORSKNING OG KULTURMINNEFORSKNING", 20, 40},
    {"Supercalifragilisticexpialidocious Ltd", 20, 12},
    {"Forskningsrådet Norge-Sverige-Finland AB", 0, 30},
    {"exactly twenty chars", 8, 20},
    {"twenty-one characters", 8, 20},
    {"", 0, 0},
    {"   ", 0, 0},
    {"-.", 0, 0},
    {"-.5", 0, 0},
};

int main(void)
{
    int failures = 0;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *plain = kl_viz_escape_label(cases[i].text, cases[i].wrap, cases[i].max);
        char *html = kl_viz_escape_html(cases[i].text, cases[i].wrap, cases[i].max);
        if (!plain || !html) {
            printf("out of memory\n");
            return 1;
        }
        printf("case %zu (wrap %u, max %u): ", i, cases[i].wrap, cases[i].max);
        show(cases[i].text);
        printf("\n  label ");
        show(plain);
        printf("\n  html  ");
        show(html);
        putchar('\n');

        /* round trip through cgraph's writer and reader */
        Agraph_t *g = agopen("t", Agundirected, NULL);
        Agnode_t *n = agnode(g, "n0", 1);
        agsafeset(n, "label", plain, "");
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        agwrite(g, f);
        fclose(f);
        agclose(g);
        Agraph_t *back = agmemread(buf);
        Agnode_t *m = back ? agnode(back, "n0", 0) : NULL;
        const char *got = m ? agget(m, "label") : NULL;
        if (m && !got)
            got = ""; /* an empty label equals the default: not written */
        if (!got || strcmp(got, plain) != 0) {
            printf("  ROUND TRIP FAILED: ");
            show(got ? got : "(unreadable)");
            putchar('\n');
            failures++;
        }
        if (back)
            agclose(back);
        free(buf);
        free(plain);
        free(html);
    }
    printf("%s\n", failures ? "FAILED" : "all labels survive cgraph's writer and reader");
    return failures != 0;
}
