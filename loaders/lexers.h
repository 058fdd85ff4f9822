/* loaders/lexers.h - the two tokenizers under the extract loaders: a pull
 * JSON lexer over a memory buffer and a streaming RFC 4180 CSV reader.
 * Internal to loaders/ (other folders use loaders/loaders.h).
 *
 * Why not jansson for reading: json_load_* builds a tree with one allocation
 * per value (about 1.2 s and 340 MB for a 30 MB extract) and only knows the
 * line of a syntax error.  The lexer validates the same grammar without
 * allocating per value, streams records straight into the engine, and knows
 * the line and column of every value, so content errors get a place too.
 */
#ifndef KL_LOADERS_LEXERS_H
#define KL_LOADERS_LEXERS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ------------------------------------------------------------------ JSON */

typedef enum {
    KL_J_ERROR = -1,
    KL_J_END = 0,       /* the top-level value is complete and only white space follows */
    KL_J_OBJECT,        /* '{' */
    KL_J_OBJECT_END,    /* '}' */
    KL_J_ARRAY,         /* '[' */
    KL_J_ARRAY_END,     /* ']' */
    KL_J_KEY,           /* an object member name (str/str_len) */
    KL_J_STRING,        /* a string value (str/str_len) */
    KL_J_NUMBER,        /* a number (num; raw text in str/str_len) */
    KL_J_TRUE,
    KL_J_FALSE,
    KL_J_NULL
} kl_jtok;

#define KL_JSON_MAX_DEPTH 512

typedef struct {
    /* input */
    const char *buf;
    size_t len, pos;
    uint32_t line;          /* current line (1-based, counting from first_line) */
    size_t line_start;      /* byte offset where the current line starts */

    /* the current token */
    kl_jtok tok;
    const char *str;        /* KEY/STRING: unescaped UTF-8, NOT NUL-terminated; may point into buf
                               or into scratch (valid until the next call); NUMBER: its raw text */
    size_t str_len;
    int str_has_nul;        /* the string contained \u0000 */
    double num;             /* NUMBER: value from strtod */
    int num_finite;         /* NUMBER: 0 when the value overflows to +-inf */
    uint32_t tok_line, tok_col; /* where the token starts (column counts characters, 1-based) */
    size_t tok_start;       /* byte offset of the token's first byte */

    /* error (when next() returned KL_J_ERROR) */
    char errmsg[160];
    uint32_t err_line, err_col;

    /* private */
    uint32_t depth, max_depth;
    unsigned char stack[KL_JSON_MAX_DEPTH + 1]; /* container kinds */
    int state;
    char *scratch;
    size_t scratch_cap;
} kl_jlex_t;

/* Start lexing buf[0..len).  first_line is the line number of buf[0] (1 for a
 * whole file; the physical line for one NDJSON line).  max_depth is at most
 * KL_JSON_MAX_DEPTH (0 means KL_JSON_MAX_DEPTH).  Never fails. */
void kl_jlex_init(kl_jlex_t *lx, const char *buf, size_t len, uint32_t first_line, uint32_t max_depth);

/* Next token.  Validates RFC 8259 fully: grammar, string escapes (surrogate
 * pairs; lone surrogates are errors), UTF-8 (no overlong forms, surrogates or
 * code points above U+10FFFF), no raw control characters in strings, number
 * syntax, nesting depth, nothing but white space after the top-level value.
 * After KL_J_ERROR or KL_J_END it keeps returning the same value.  O(token). */
kl_jtok kl_jlex_next(kl_jlex_t *lx);

/* Called right after a value's first token (OBJECT, ARRAY or a scalar): skips
 * the rest of that value.  *start and *end (either may be NULL) receive the
 * byte span of the whole value in buf.  Returns 0, or -1 on a syntax error
 * (errmsg set). */
int kl_jlex_skip_value(kl_jlex_t *lx, size_t *start, size_t *end);

/* Release the scratch buffer; safe to call twice. */
void kl_jlex_destroy(kl_jlex_t *lx);

/* ------------------------------------------------------------------- CSV */

typedef struct kl_csv kl_csv_t;

#define KL_CSV_MAX_RECORD (16u << 20) /* bytes in one record, quotes included */

/* Open a CSV file for streaming (1 MiB reads; memory bounded by the longest
 * record).  A UTF-8 BOM is skipped.  Returns NULL and fills msg (errno text)
 * when the file cannot be opened. */
kl_csv_t *kl_csv_open(const char *path, char *msg, size_t msg_size);
/* The same over an open stream (a file, or fmemopen() for a buffer); steals
 * f: kl_csv_close closes it, and so does a failed open. */
kl_csv_t *kl_csv_open_stream(FILE *f, char *msg, size_t msg_size);

/* Read the next record.  Returns 1 (a record), 0 (end of file) or -1 (error:
 * see kl_csv_error).  RFC 4180: fields separated by the delimiter (default
 * ','), optionally quoted with '"', "" inside quotes is one quote, quoted
 * fields may hold delimiters, CR and LF; records end with LF or CRLF; the last
 * record may lack a line end; empty lines are skipped.  Errors: a quote inside
 * an unquoted field, a character after a closing quote, an unterminated quoted
 * field, a NUL byte, invalid UTF-8 in a field, a record longer than
 * KL_CSV_MAX_RECORD, a read error. */
int kl_csv_next(kl_csv_t *csv);

/* The current record: field count, field i (NUL-terminated, length in *len
 * when len is not NULL; borrowed until the next kl_csv_next), and the
 * physical line (1-based) where the record starts. */
uint32_t kl_csv_nfields(const kl_csv_t *csv);
const char *kl_csv_field(const kl_csv_t *csv, uint32_t i, size_t *len);
uint32_t kl_csv_line(const kl_csv_t *csv);

/* After -1: the message, the physical line and the 1-based field number of
 * the error (0 when not about one field). */
const char *kl_csv_error(const kl_csv_t *csv, uint32_t *line, uint32_t *field);

/* Set the field delimiter (for import maps; default ','). */
void kl_csv_set_delimiter(kl_csv_t *csv, char delimiter);

/* Bytes read so far (for progress and MB/s). */
uint64_t kl_csv_bytes_read(const kl_csv_t *csv);

void kl_csv_close(kl_csv_t *csv); /* safe on NULL */

/* ----------------------------------------------------------------- UTF-8 */

/* Length of the valid UTF-8 prefix of s[0..len) (== len when all valid). */
size_t kl_utf8_valid_prefix(const char *s, size_t len);

#endif
