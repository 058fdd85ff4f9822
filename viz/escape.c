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

/* Whether a line may break after cp[i]: a '-' or '/' inside a word (a
 * character other than a space on both sides), as in "TEKNISK-NATURVITENSKAPELIGE"
 * or "Research/Innovation"; a dash between spaces breaks at the spaces. */
static int breaks_after(const uint32_t *cp, size_t k, size_t i)
{
    if (cp[i] != '-' && cp[i] != '/')
        return 0;
    if (i == 0 || i + 1 >= k)
        return 0;
    uint32_t before = cp[i - 1], after = cp[i + 1];
    return before != ' ' && before != CP_BREAK && after != ' ' && after != CP_BREAK;
}

/* Characters counted by the limits: code points, whatever their byte length
 * ("ø" is one), except the invisible word joiner and line breaks. */
static int counts(uint32_t c)
{
    return c != CP_WJ && c != CP_BREAK;
}

/* Cut cp (k code points) to at most max_chars characters, "…" included: at
 * the last space or line break that leaves at most max_chars - 1
 * characters before it, or inside the first word when that word alone is
 * longer.  Returns the new length. */
static size_t cut(uint32_t *cp, size_t k, unsigned max_chars)
{
    size_t limit = max_chars - 1, chars = 0, keep = 0;
    for (size_t i = 0; i < k; i++) {
        if (cp[i] == ' ' || cp[i] == CP_BREAK)
            keep = i; /* a word boundary with chars <= limit before it */
        if (counts(cp[i]) && ++chars > limit)
            break;
    }
    while (keep > 0 && (cp[keep - 1] == ' ' || cp[keep - 1] == CP_BREAK))
        keep--;
    if (keep == 0) {
        /* the first word alone is too long: cut it where the limit falls */
        for (chars = 0; keep < k && chars + counts(cp[keep]) <= limit; keep++)
            chars += counts(cp[keep]);
    }
    cp[keep] = 0x2026; /* … */
    return keep + 1;
}

/* Greedy line filling (wrap_words). */
typedef struct {
    uint32_t *out;
    size_t o, col;
    unsigned wrap;
} lines_t;

/* Put cp[from, to) (width characters) after `spaces` spaces, on the current
 * line when it fits there, else on a new one (the break replaces the spaces). */
static void put_piece(lines_t *l, const uint32_t *cp, size_t from, size_t to, size_t spaces, size_t width)
{
    if (l->col > 0 && width > 0 && l->col + spaces + width > l->wrap) {
        l->out[l->o++] = CP_BREAK;
        l->col = spaces = 0;
    }
    for (size_t s = 0; s < spaces; s++)
        l->out[l->o++] = ' ';
    for (size_t j = from; j < to; j++)
        l->out[l->o++] = cp[j];
    l->col += spaces + width;
}

/* Greedy wrapping of cp (k code points) into out (room for 2k + 1): words go
 * on a line while it keeps at most wrap characters, and a line breaks at a
 * space (which the break replaces).  A word longer than wrap breaks after
 * its inner '-' or '/' (TEKNISK- / NATURVITENSKAPELIGE), its pieces filled
 * the same way; a word, or piece, still longer keeps a line of its own: no
 * word is ever split elsewhere.  Returns the new length. */
static size_t wrap_words(const uint32_t *cp, size_t k, unsigned wrap, uint32_t *out)
{
    lines_t l = {out, 0, 0, wrap};
    size_t i = 0;
    while (i < k) {
        if (cp[i] == CP_BREAK) {
            out[l.o++] = cp[i++];
            l.col = 0;
            continue;
        }
        size_t spaces = 0, word = 0, width = 0;
        while (i < k && cp[i] == ' ')
            i++, spaces++;
        for (word = i; i < k && cp[i] != ' ' && cp[i] != CP_BREAK; i++)
            width += counts(cp[i]);
        if (width <= wrap) {
            put_piece(&l, cp, word, i, spaces, width);
            continue;
        }
        for (size_t from = word, j = word, w = 0; j < i; j++) {
            w += counts(cp[j]);
            if (j + 1 == i || breaks_after(cp, k, j)) {
                put_piece(&l, cp, from, j + 1, from == word ? spaces : 0, w);
                from = j + 1, w = 0;
            }
        }
    }
    return l.o;
}

/* The text as a stream of code points: sanitised, cut and wrapped.  Returns
 * a new array ending with 0 (caller owns) or NULL when out of memory. */
static uint32_t *prepare(const char *text, unsigned wrap, unsigned max_chars)
{
    size_t n = strlen(text);
    /* at most one code point (+ a word joiner) per byte, plus "…" and 0 */
    uint32_t *cp = malloc((2 * n + 3) * sizeof *cp);
    if (!cp)
        return NULL;
    size_t k = 0, chars = 0;
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
        cp[k++] = c;
        chars += counts(c);
        if (c == '&' && looks_like_entity(text + i))
            cp[k++] = CP_WJ;
        i += len;
    }
    if (max_chars && chars > max_chars)
        k = cut(cp, k, max_chars);
    cp[k] = 0;
    if (!wrap)
        return cp;
    uint32_t *out = malloc((2 * k + 1) * sizeof *out);
    if (out)
        out[wrap_words(cp, k, wrap, out)] = 0;
    free(cp);
    return out;
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
