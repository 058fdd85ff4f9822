/* engine/text.c - text as figures and reports show it: names cut to a
 * readable length, whatever the dataset holds. */
#include "graph.h"

#include <string.h>

const char *kl_shown_name(const char *s, char *buf)
{
    if (!s)
        return s;
    size_t i = 0, chars = 0;
    /* fits: at most KL_SHOWN_CHARS characters (and bytes for four each) */
    for (; s[i] && i < 4 * KL_SHOWN_CHARS; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80 && ++chars > KL_SHOWN_CHARS)
            break;
    if (!s[i])
        return s;
    /* the longest prefix of at most KL_SHOWN_CHARS - 1 characters and room
     * for "…" that ends where a character starts: never inside one */
    size_t keep = KL_SHOWN_SIZE - 4, cut = 0;
    chars = 0;
    for (i = 0; s[i] && i <= keep; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            if (chars++ == KL_SHOWN_CHARS - 1) {
                cut = i;
                break;
            }
            cut = i;
        }
    memcpy(buf, s, cut);
    memcpy(buf + cut, "\u2026", 4); /* with its NUL */
    return buf;
}
