/* engine/utf8.c - strict UTF-8 validation (RFC 3629), shared by the JSON
 * lexer and the CSV reader (input) and the terminal escaping of the writers. */
#include "graph.h"

#include <string.h>

/* Eight bytes at once: extract content is almost all ASCII, so the common
 * case is a single AND per word. */
#define HIGH_BITS UINT64_C(0x8080808080808080)

size_t kl_utf8_valid_prefix(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < len) {
        /* ASCII run, word at a time, then byte at a time up to a high byte */
        while (len - i >= 8) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            if (w & HIGH_BITS)
                break;
            i += 8;
        }
        while (i < len && p[i] < 0x80)
            i++;
        if (i == len)
            break;

        /* One multi-byte sequence.  The second-byte ranges exclude overlong
         * forms (E0, F0), UTF-16 surrogates (ED) and code points above
         * U+10FFFF (F4); C0, C1 and F5..FF never start a sequence. */
        unsigned c = p[i];
        size_t n;
        unsigned lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 3;
            if (c == 0xE0)
                lo = 0xA0;
            else if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 4;
            if (c == 0xF0)
                lo = 0x90;
            else if (c == 0xF4)
                hi = 0x8F;
        } else {
            return i;
        }
        if (len - i < n)
            return i;
        if (p[i + 1] < lo || p[i + 1] > hi)
            return i;
        for (size_t k = 2; k < n; k++)
            if ((p[i + k] & 0xC0) != 0x80)
                return i;
        i += n;
    }
    return len;
}
