/* viz/escape.c - names into Graphviz labels: escaped, sanitised for XML,
 * wrapped and cut, so that no name can break the DOT, the SVG or the layout. */
#include "viz.h"

#include <stdlib.h>
#include <string.h>

#define CP_BREAK 0xFFFFFFFFu /* a line break in the code point stream */
#define CP_WJ 0x2060u        /* WORD JOINER: zero width, breaks "&name;" */
#define CP_BAD 0xFFFDu

/* Decode one UTF-8 sequence at s (n bytes left); returns its length and the
 * code point, or length 1 and U+FFFD for anything invalid. */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        len = 2, v = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3, v = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        *cp = CP_BAD;
        return 1;
    }
    if (len > n) {
        *cp = CP_BAD;
        return 1;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = CP_BAD;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        v = CP_BAD;
    *cp = v;
    return len;
}

/* Does "&..." at s read as an entity to Graphviz (xml_isentity / its
 * entity decoder): '&', then '#' digits, '#x' hex digits or letters, then ';'? */
static int looks_like_entity(const char *s)
{
    s++;
    if (*s == '#') {
        s++;
        if (*s == 'x' || *s == 'X')
            s++;
        while ((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') || (*s >= 'A' && *s <= 'F'))
            s++;
    } else {
        while ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9'))
            s++;
    }
    return *s == ';';
}

/* The text as a stream of code points: sanitised, wrapped and cut.  Returns a
 * new array ending with 0 (caller owns) or NULL when out of memory. */
static uint32_t *prepare(const char *text, unsigned wrap, unsigned max_chars)
{
    size_t n = strlen(text);
    /* at most one code point (+ a word joiner) per byte, plus "…" and 0 */
    uint32_t *cp = malloc((2 * n + 3) * sizeof *cp);
    if (!cp)
        return NULL;
    size_t k = 0, chars = 0;
    int cut = 0;
    for (size_t i = 0; i < n;) {
        uint32_t c;
        size_t len = utf8_next((const unsigned char *)text + i, n - i, &c);
        if (c == '\r' || c == '\n') {
            if (c == '\r' && i + 1 < n && text[i + 1] == '\n')
                len = 2;
            c = CP_BREAK;
        } else if (c == '\t') {
            c = ' ';
        } else if (c < 0x20 || c == 0x7F || c == 0xFFFE || c == 0xFFFF || c == 0xFEFF) {
            /* not allowed in XML 1.0, or invisible; a byte-order mark alone
             * would be written unquoted by cgraph and rejected by its reader */
            c = CP_BAD;
        }
        if (max_chars && chars >= max_chars) {
            cut = 1;
            break;
        }
        cp[k++] = c;
        chars++;
        if (c == '&' && looks_like_entity(text + i))
            cp[k++] = CP_WJ;
        i += len;
    }
    if (cut) {
        while (k > 0 && (cp[k - 1] == ' ' || cp[k - 1] == CP_BREAK))
            k--;
        cp[k++] = 0x2026; /* … */
    }
    cp[k] = 0;
    if (!wrap)
        return cp;
    /* greedy wrapping: break at the last space of an overlong line, or
     * inside the word when the line has no space */
    size_t line_start = 0, last_space = (size_t)-1, col = 0;
    for (size_t i = 0; i < k; i++) {
        if (cp[i] == CP_BREAK) {
            line_start = i + 1, last_space = (size_t)-1, col = 0;
            continue;
        }
        if (cp[i] == CP_WJ)
            continue;
        if (cp[i] == ' ')
            last_space = i;
        col++;
        if (col > wrap) {
            if (last_space != (size_t)-1 && last_space > line_start) {
                cp[last_space] = CP_BREAK;
                line_start = last_space + 1;
                col = i - last_space;
                last_space = (size_t)-1;
            } else {
                /* insert a break before cp[i]: shift the tail by one (the
                 * array has room: at most one insertion per wrap chars) */
                uint32_t *grown = realloc(cp, (k + 2) * sizeof *cp);
                if (!grown) {
                    free(cp);
                    return NULL;
                }
                cp = grown;
                memmove(cp + i + 1, cp + i, (k - i + 1) * sizeof *cp);
                cp[i] = CP_BREAK;
                k++;
                line_start = i + 1;
                col = 0;
                last_space = (size_t)-1;
                i--; /* re-read the character, now at the start of a line */
            }
        }
    }
    return cp;
}

static size_t put_utf8(char *out, uint32_t c)
{
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    } else if (c < 0x800) {
        out[0] = (char)(0xC0 | (c >> 6));
        out[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    } else if (c < 0x10000) {
        out[0] = (char)(0xE0 | (c >> 12));
        out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        out[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (c >> 18));
    out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    out[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

static char *encode(const uint32_t *cp, int html)
{
    size_t k = 0;
    while (cp[k])
        k++;
    /* worst case per code point: "&quot;" or "<BR/>" (6 bytes), 4 bytes UTF-8 */
    char *out = malloc(6 * k + 8);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < k; i++) {
        uint32_t c = cp[i];
        const char *rep = NULL;
        if (c == CP_BREAK)
            rep = html ? "<BR/>" : "\\n";
        else if (c == '\\' && !html)
            rep = "\\\\";
        else if (html && c == '&')
            rep = "&amp;";
        else if (html && c == '<')
            rep = "&lt;";
        else if (html && c == '>')
            rep = "&gt;";
        else if (html && c == '"')
            rep = "&quot;";
        if (rep) {
            size_t len = strlen(rep);
            memcpy(out + o, rep, len);
            o += len;
        } else {
            o += put_utf8(out + o, c);
        }
    }
    /* cgraph writes a value ending in a backslash as "...\" and its reader
     * takes \" for an escaped quote: end with an invisible character */
    if (o > 0 && out[o - 1] == '\\')
        o += put_utf8(out + o, CP_WJ);
    out[o] = '\0';
    return out;
}

char *kl_viz_escape_label(const char *text, unsigned wrap, unsigned max_chars)
{
    uint32_t *cp = prepare(text ? text : "", wrap, max_chars);
    if (!cp)
        return NULL;
    char *out = encode(cp, 0);
    free(cp);
    /* cgraph 2.42 takes "-." for a numeral and writes it unquoted, which no
     * DOT reader accepts; a trailing space makes it quoted and looks the same */
    if (out && strcmp(out, "-.") == 0) {
        char *spaced = malloc(4);
        if (spaced)
            memcpy(spaced, "-. ", 4);
        free(out);
        out = spaced;
    }
    return out;
}

char *kl_viz_escape_html(const char *text, unsigned wrap, unsigned max_chars)
{
    uint32_t *cp = prepare(text ? text : "", wrap, max_chars);
    if (!cp)
        return NULL;
    char *out = encode(cp, 1);
    free(cp);
    return out;
}
