/* tests/unit/names_test.c - folding, edit distance and nearest words
 * (engine/names.c) on the edge cases the oracle's real names do not reach:
 * every Latin-1 and Latin Extended-A letter, two-letter folds, white space,
 * invalid UTF-8, short buffers, long words and the typo limits. */
#include "engine/graph.h"

#include <stdio.h>
#include <string.h>

static void fold(const char *s, size_t size)
{
    char out[64];
    size_t n = kl_fold(s, out, size);
    printf("fold(%s, %zu) = [%s] %zu\n", s, size, out, n);
}

int main(void)
{
    fold("Östergötlands  Län ", sizeof(char[64]));
    fold("  MØRE og Romsdal\t", 64);
    fold("Æsir Straße Œuvre Ĳssel", 64);
    fold("Łódź Čačak Şişli Žilina ſ", 64);
    fold("× ÷ Ω 中文 😀", 64);
    fold("bad \xff\xfe byte \xc3", 64);
    fold("Malmö", 4);     /* "mal" */
    fold("Æble", 2);      /* no room for "ae": "" not half of it */
    fold("", 8);
    /* every letter of U+00C0..U+017F folds to ASCII, and lowercase equals uppercase */
    int bad = 0;
    for (unsigned cp = 0xC0; cp < 0x180; cp++) {
        if (cp == 0xD7 || cp == 0xF7)
            continue;
        char in[3] = {(char)(0xC0 | (cp >> 6)), (char)(0x80 | (cp & 0x3F)), 0}, out[8];
        kl_fold(in, out, sizeof out);
        for (char *p = out; *p; p++)
            bad += !(*p >= 'a' && *p <= 'z');
        bad += out[0] == 0;
    }
    printf("letters not folded to a-z: %d\n", bad);

    const char *pairs[][2] = {{"analyse", "analyze"}, {"regionmap", "region-map"}, {"ab", "ba"},
                              {"kitten", "sitting"}, {"", "abc"}, {"same", "same"}, {"organisaton", "organisation"}};
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++)
        printf("distance(%s, %s) = %u, limit 1: %u\n", pairs[i][0], pairs[i][1],
               kl_edit_distance(pairs[i][0], pairs[i][1], 10), kl_edit_distance(pairs[i][0], pairs[i][1], 1));
    char a[400], b[400];
    memset(a, 'x', 399), a[399] = 0;
    memcpy(b, a, 400), b[0] = 'y';
    printf("distance of two 399-byte words: %u\n", kl_edit_distance(a, b, 5));

    const char *commands[] = {"validate", "stats", "find", "analyze", "bridges", "whatif", "render", "import",
                              "export", "batch", "trend", "diff", NULL};
    const char *words[] = {"analyse", "bridge", "renderr", "Trend", "fnd", "x", "stat", "wat", "diffs", "imprt", "xyzzy"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        const char *near = kl_nearest(words[i], commands, 13);
        printf("nearest(%s) = %s\n", words[i], near ? near : "(none)");
    }
    char buf[64];
    printf("kind hint(persn): [%s]\n", kl_kind_hint("persn", buf, sizeof buf));
    printf("kind hint(company): [%s]\n", kl_kind_hint("company", buf, sizeof buf));
    printf("type hint(member): [%s]\n", kl_reltype_hint("member", buf, sizeof buf));
    printf("type hint(mentors): [%s]\n", kl_reltype_hint("mentors", buf, sizeof buf));
    return 0;
}
