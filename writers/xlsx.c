/* writers/xlsx.c - Excel workbooks (`--format xlsx`) through libxlsxwriter:
 * one sheet per table of the JSON and CSV outputs, read from the same typed
 * results in the same row order, then `warnings` and `about` (the dataset,
 * the options, kluster's version, and what every column means).
 *
 * Cells are typed: numbers as numbers (counts too), true/false as Excel
 * booleans, text as text (never a formula, whatever it starts with), and an
 * undefined value (JSON null, an empty CSV cell) as an empty cell.  Every
 * sheet has a bold header row that stays in view, an autofilter over its
 * table and columns as wide as their content (at most 60 characters).
 *
 * The bytes depend on the results alone: the workbook's creation time is
 * fixed (libxlsxwriter would stamp the clock into docProps/core.xml) and
 * libxlsxwriter dates every ZIP entry 1980-01-01. */
#include "writers_internal.h"

#include <xlsxwriter.h>

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Rows a sheet holds below its header (Excel's limit), and characters a
 * cell holds. */
#define X_ROWS_MAX ((uint64_t)LXW_ROW_MAX - 1)
#define X_TEXT_MAX 32767
#define X_WIDTH_MAX 60.0
/* 1980-01-01T00:00:00Z: the creation time of every workbook, the date
 * libxlsxwriter gives the ZIP entries */
#define X_CREATED ((time_t)315532800)
/* counts above 2^53 do not fit a double exactly: they are written as text */
#define X_EXACT_MAX 9007199254740992.0

/* ------------------------------------------------------------ cells */

typedef enum { X_EMPTY = 0, X_TEXT, X_NUMBER, X_BOOL } x_kind;

typedef struct {
    x_kind kind;
    double x;
    const char *s;
    size_t off; /* own text: where it starts in the row's buffer */
    int own;
} x_cell_t;

/* One row as a fill function leaves it: its cells, and the text built for
 * them (joined ids, dates) in one buffer. */
typedef struct {
    x_cell_t *cells;
    uint32_t n;
    char *buf;
    size_t len, cap;
    int failed; /* out of memory */
} x_row_t;

static void x_text(x_row_t *w, uint32_t c, const char *s)
{
    if (s && *s)
        w->cells[c] = (x_cell_t){X_TEXT, 0, s, 0, 0};
}

/* A real, or an empty cell when undefined (NaN, infinite). */
static void x_num(x_row_t *w, uint32_t c, double x)
{
    if (isfinite(x))
        w->cells[c] = (x_cell_t){X_NUMBER, x, NULL, 0, 0};
}

static void x_bool(x_row_t *w, uint32_t c, int b)
{
    w->cells[c] = (x_cell_t){X_BOOL, b ? 1 : 0, NULL, 0, 0};
}

static void x_add(x_row_t *w, const char *s, size_t n)
{
    if (w->len + n + 1 > w->cap) {
        size_t cap = (w->len + n + 1) * 2;
        char *nb = realloc(w->buf, cap);
        if (!nb) {
            w->failed = 1;
            return;
        }
        w->buf = nb;
        w->cap = cap;
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
}

/* Text built piece by piece into cell c: x_begin, x_more..., x_end. */
static void x_begin(x_row_t *w, uint32_t c)
{
    w->cells[c] = (x_cell_t){X_TEXT, 0, NULL, w->len, 1};
}

static void x_more(x_row_t *w, const char *s)
{
    x_add(w, s, strlen(s));
}

static void x_end(x_row_t *w)
{
    x_add(w, "", 1);
}

static void x_own(x_row_t *w, uint32_t c, const char *s)
{
    x_begin(w, c);
    x_more(w, s);
    x_end(w);
}

/* A count: a number, or text when a double cannot hold it exactly. */
static void x_count(x_row_t *w, uint32_t c, uint64_t n)
{
    if ((double)n < X_EXACT_MAX) {
        x_num(w, c, (double)n);
        return;
    }
    char num[32];
    snprintf(num, sizeof num, "%llu", (unsigned long long)n);
    x_own(w, c, num);
}

static void x_date(x_row_t *w, uint32_t c, int32_t d)
{
    char buf[16];
    kl_i_format_date(d, buf, sizeof buf);
    x_own(w, c, buf);
}

/* ----------------------------------------------------------- sheets */

typedef struct {
    const char *name, *meaning;
} x_col_t;

/* A table: its columns, its rows, and the function that fills row i (called
 * for i = 0, 1, 2, ... in turn, once to measure the columns and once to
 * write them, so it must give the same row both times). */
typedef struct {
    const char *name;
    const x_col_t *cols;
    uint32_t n_cols;
    uint64_t n_rows;
    void (*fill)(void *ctx, uint64_t i, x_row_t *row);
    void *ctx;
} x_sheet_t;

/* Rows that are the items of other items (periods x actors, pairs x
 * brokers): row i as (outer, inner), for i = 0, 1, 2, ... in turn. */
typedef struct {
    uint32_t outer, inner;
} x_cursor_t;

typedef uint32_t (*x_count_fn)(const void *ctx, uint32_t outer);

static void x_cursor_at(x_cursor_t *k, uint64_t i, uint32_t n_outer, x_count_fn count, const void *ctx)
{
    if (i == 0)
        *k = (x_cursor_t){0, 0};
    else
        k->inner++;
    while (k->outer < n_outer && k->inner >= count(ctx, k->outer)) {
        k->outer++;
        k->inner = 0;
    }
}

static uint64_t x_cursor_rows(uint32_t n_outer, x_count_fn count, const void *ctx)
{
    uint64_t n = 0;
    for (uint32_t o = 0; o < n_outer; o++)
        n += count(ctx, o);
    return n;
}

/* One line of `about` before the columns: section, key and a value. */
typedef struct {
    const char *section, *key;
    x_kind kind;
    double x;
    const char *s;
    char own[200]; /* the value's text when it is built here */
} x_meta_t;

#define X_SHEETS_MAX 8
#define X_META_MAX 48

typedef struct {
    x_sheet_t sheets[X_SHEETS_MAX];
    uint32_t n_sheets;
    x_meta_t meta[X_META_MAX];
    uint32_t n_meta;
    const char *title; /* the workbook's title property */
    char *why;         /* the caller's buffer for the reason of a failure */
    size_t why_size;
} x_book_t;

static void x_book_init(x_book_t *b, char *why, size_t why_size)
{
    memset(b, 0, sizeof *b);
    b->why = why;
    b->why_size = why_size;
    if (why && why_size)
        why[0] = '\0';
}

static void x_sheet(x_book_t *b, const char *name, const x_col_t *cols, uint32_t n_cols, uint64_t n_rows,
                    void (*fill)(void *, uint64_t, x_row_t *), void *ctx)
{
    if (b->n_sheets < X_SHEETS_MAX)
        b->sheets[b->n_sheets++] = (x_sheet_t){name, cols, n_cols, n_rows, fill, ctx};
}

static x_meta_t *x_meta(x_book_t *b, const char *section, const char *key)
{
    if (b->n_meta >= X_META_MAX)
        return &b->meta[X_META_MAX - 1]; /* never: the writers below add fewer */
    x_meta_t *m = &b->meta[b->n_meta++];
    memset(m, 0, sizeof *m);
    m->section = section;
    m->key = key;
    return m;
}

static void meta_text(x_book_t *b, const char *section, const char *key, const char *s)
{
    x_meta_t *m = x_meta(b, section, key);
    if (s && *s) {
        m->kind = X_TEXT;
        m->s = s;
    }
}

static void meta_num(x_book_t *b, const char *section, const char *key, double x)
{
    x_meta_t *m = x_meta(b, section, key);
    if (isfinite(x)) {
        m->kind = X_NUMBER;
        m->x = x;
    }
}

static void meta_bool(x_book_t *b, const char *section, const char *key, int v)
{
    x_meta_t *m = x_meta(b, section, key);
    m->kind = X_BOOL;
    m->x = v ? 1 : 0;
}

static void meta_printf(x_book_t *b, const char *section, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void meta_printf(x_book_t *b, const char *section, const char *key, const char *fmt, ...)
{
    x_meta_t *m = x_meta(b, section, key);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->own, sizeof m->own, fmt, ap);
    va_end(ap);
    m->kind = m->own[0] ? X_TEXT : X_EMPTY; /* the text is in own (s stays NULL) */
}

static void meta_count(x_book_t *b, const char *section, const char *key, uint64_t n)
{
    if ((double)n < X_EXACT_MAX)
        meta_num(b, section, key, (double)n);
    else
        meta_printf(b, section, key, "%llu", (unsigned long long)n);
}

/* A value of the analysis graph's JSON that may be null. */
static void meta_date(x_book_t *b, const char *section, const char *key, int32_t d, int32_t open)
{
    if (d == open) {
        x_meta(b, section, key);
        return;
    }
    char buf[16];
    kl_i_format_date(d, buf, sizeof buf);
    meta_printf(b, section, key, "%s", buf);
}

/* The names of the bits of mask (relation types or kinds) joined by
 * commas; empty when none is set (JSON null: not narrowed). */
static void meta_names(x_book_t *b, const char *section, const char *key, uint32_t mask, int kinds)
{
    x_meta_t *m = x_meta(b, section, key);
    size_t at = 0;
    int last = kinds ? KL_KIND_COUNT - 1 : KL_REL_OTHER;
    for (int t = 0; t <= last; t++) {
        if (!(mask & (1u << t)))
            continue;
        const char *name = kinds               ? kl_kind_name((kl_kind)t)
                           : t == KL_REL_OTHER ? "other"
                                               : kl_reltype_name((kl_reltype)t);
        int k = snprintf(m->own + at, sizeof m->own - at, "%s%s", at ? "," : "", name);
        if (k > 0 && (size_t)k < sizeof m->own - at)
            at += (size_t)k;
    }
    m->kind = at ? X_TEXT : X_EMPTY;
}

/* "dataset" of every result (kl_i_dataset_json), then kluster's version
 * and the command. */
static void meta_dataset(x_book_t *b, const kl_dataset_t *ds, const char *path, const char *command)
{
    meta_text(b, "dataset", "path", path);
    meta_text(b, "dataset", "id", ds->id);
    meta_text(b, "dataset", "title", ds->title);
    meta_num(b, "dataset", "files", ds->n_files);
    meta_num(b, "dataset", "entities", ds->n_entities);
    meta_num(b, "dataset", "relations", ds->n_relations);
    meta_num(b, "dataset", "regions", ds->n_regions);
    meta_num(b, "dataset", "sources", ds->n_sources);
    meta_num(b, "dataset", "warnings", ds->n_warnings);
    meta_text(b, "kluster", "version", KL_VERSION);
    meta_text(b, "kluster", "command", command);
}

/* ----------------------------------------------------- writing a book */

typedef struct {
    x_book_t *b;
    lxw_workbook *wb;
    lxw_format *bold;
    x_row_t row;
    lxw_error lerr; /* the first error of libxlsxwriter */
    int nomem;
} x_writer_t;

static void x_fail(x_book_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void x_fail(x_book_t *b, const char *fmt, ...)
{
    if (!b->why || !b->why_size || b->why[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b->why, b->why_size, fmt, ap);
    va_end(ap);
}

/* Fill row i of sheet s into w->row; 0, or -1 when out of memory. */
static int x_fill(x_writer_t *w, const x_sheet_t *s, uint64_t i)
{
    x_row_t *r = &w->row;
    memset(r->cells, 0, s->n_cols * sizeof *r->cells);
    r->n = s->n_cols;
    r->len = 0;
    s->fill(s->ctx, i, r);
    if (r->failed)
        return -1;
    for (uint32_t c = 0; c < s->n_cols; c++)
        if (r->cells[c].own)
            r->cells[c].s = r->buf + r->cells[c].off;
    return 0;
}

/* Characters of UTF-8 text (a column's width is counted in characters). */
static size_t x_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static double x_width(const x_cell_t *c)
{
    char num[40];
    switch (c->kind) {
    case X_TEXT: return (double)x_chars(c->s);
    case X_BOOL: return 5; /* FALSE */
    case X_NUMBER:
        /* Excel shows a number in the General format with up to 11 digits */
        snprintf(num, sizeof num, "%.10g", c->x);
        return (double)strlen(num);
    default: return 0;
    }
}

/* Text that Excel can hold: at most X_TEXT_MAX bytes, cut at a character
 * boundary and ended with an ellipsis when longer.  Returns s itself, or
 * the cut copy in *cut (caller frees), or NULL when out of memory. */
static const char *x_fit(const char *s, char **cut)
{
    size_t n = strlen(s);
    *cut = NULL;
    if (n <= X_TEXT_MAX)
        return s;
    n = X_TEXT_MAX - 3;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    if (!(*cut = malloc(n + 4)))
        return NULL;
    memcpy(*cut, s, n);
    memcpy(*cut + n, "\xe2\x80\xa6", 4); /* U+2026 and the NUL */
    return *cut;
}

static void x_cell(x_writer_t *w, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const x_cell_t *c, lxw_format *fmt)
{
    lxw_error e = LXW_NO_ERROR;
    char *cut;
    const char *s;
    switch (c->kind) {
    case X_NUMBER: e = worksheet_write_number(ws, row, col, c->x, fmt); break;
    case X_BOOL: e = worksheet_write_boolean(ws, row, col, c->x != 0, fmt); break;
    case X_TEXT:
        /* a string cell: text that starts with = + - @ stays text */
        if (!(s = x_fit(c->s, &cut))) {
            w->nomem = 1;
            return;
        }
        e = worksheet_write_string(ws, row, col, s, fmt);
        free(cut);
        break;
    default: break;
    }
    if (e != LXW_NO_ERROR && w->lerr == LXW_NO_ERROR)
        w->lerr = e;
}

/* The header, then every row; widths measured in a first pass. */
static int x_write_sheet(x_writer_t *w, const x_sheet_t *s)
{
    double *width = calloc(s->n_cols ? s->n_cols : 1, sizeof *width);
    if (!width) {
        w->nomem = 1;
        return -1;
    }
    for (uint32_t c = 0; c < s->n_cols; c++)
        width[c] = (double)x_chars(s->cols[c].name) + 3; /* the bold name and the filter's button */
    for (uint64_t i = 0; i < s->n_rows; i++) {
        if (x_fill(w, s, i) < 0) {
            w->nomem = 1;
            free(width);
            return -1;
        }
        for (uint32_t c = 0; c < s->n_cols; c++) {
            double x = x_width(&w->row.cells[c]) + 1;
            if (x > width[c])
                width[c] = x;
        }
    }
    lxw_worksheet *ws = workbook_add_worksheet(w->wb, s->name);
    if (!ws) {
        free(width);
        w->nomem = 1;
        return -1;
    }
    for (uint32_t c = 0; c < s->n_cols; c++)
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, width[c] < X_WIDTH_MAX ? width[c] : X_WIDTH_MAX, NULL);
    free(width);
    for (uint32_t c = 0; c < s->n_cols; c++) {
        x_cell_t h = {X_TEXT, 0, s->cols[c].name, 0, 0};
        x_cell(w, ws, 0, (lxw_col_t)c, &h, w->bold);
    }
    for (uint64_t i = 0; i < s->n_rows && !w->nomem && w->lerr == LXW_NO_ERROR; i++) {
        if (x_fill(w, s, i) < 0) {
            w->nomem = 1;
            return -1;
        }
        for (uint32_t c = 0; c < s->n_cols; c++)
            x_cell(w, ws, (lxw_row_t)(i + 1), (lxw_col_t)c, &w->row.cells[c], NULL);
    }
    worksheet_freeze_panes(ws, 1, 0);
    if (s->n_cols)
        worksheet_autofilter(ws, 0, 0, (lxw_row_t)s->n_rows, (lxw_col_t)(s->n_cols - 1));
    return w->nomem || w->lerr != LXW_NO_ERROR ? -1 : 0;
}

/* `about`: the lines of b->meta, then one line per column of every other
 * sheet (section: the sheet, key: the column, value: what it means). */
typedef struct {
    const x_book_t *b;
    uint32_t n_sheets; /* the sheets described */
    x_cursor_t at;
} x_about_t;

static const x_col_t about_cols[] = {
    {"section", "dataset, kluster, the options and numbers of the run, or the sheet a column is in"},
    {"key", "what the line is about: an option, a number, or a column of that sheet"},
    {"value", "its value, or what the column means"},
};

static uint32_t about_count(const void *ctx, uint32_t outer)
{
    const x_about_t *a = ctx;
    return outer == 0 ? a->b->n_meta : a->b->sheets[outer - 1].n_cols;
}

static void about_row(void *ctx, uint64_t i, x_row_t *w)
{
    x_about_t *a = ctx;
    x_cursor_at(&a->at, i, a->n_sheets + 1, about_count, a);
    if (a->at.outer == 0) {
        const x_meta_t *m = &a->b->meta[a->at.inner];
        x_text(w, 0, m->section);
        x_text(w, 1, m->key);
        if (m->kind == X_TEXT)
            x_own(w, 2, m->s ? m->s : m->own);
        else if (m->kind == X_NUMBER)
            x_num(w, 2, m->x);
        else if (m->kind == X_BOOL)
            x_bool(w, 2, m->x != 0);
        return;
    }
    const x_sheet_t *s = &a->b->sheets[a->at.outer - 1];
    x_text(w, 0, s->name);
    x_text(w, 1, s->cols[a->at.inner].name);
    x_text(w, 2, s->cols[a->at.inner].meaning);
}

/* An unnamed file for libxlsxwriter to write the workbook into, by name:
 * it seeks back into what it wrote (the ZIP's local headers), so it cannot
 * write to f, which may be a pipe.  A memory file (memfd) named through
 * /proc leaves nothing behind whatever happens; without /proc, a file in
 * $TMPDIR that is removed as soon as libxlsxwriter has closed it (name[0]
 * is then '/' and *named 1).  Returns the descriptor, or -1 with errno. */
static int x_scratch(char *name, size_t size, int *named)
{
    *named = 0;
    int fd = memfd_create("kluster-xlsx", MFD_CLOEXEC);
    if (fd >= 0) {
        snprintf(name, size, "/proc/self/fd/%d", fd);
        if (access(name, W_OK) == 0)
            return fd;
        close(fd);
    }
    const char *dir = getenv("TMPDIR");
    snprintf(name, size, "%s/kluster-xlsx-XXXXXX", dir && *dir ? dir : "/tmp");
    fd = mkstemp(name);
    if (fd >= 0)
        *named = 1;
    return fd;
}

/* Copy the file behind fd, from its start, to f. */
static int x_copy(int fd, FILE *f)
{
    char buf[65536];
    if (lseek(fd, 0, SEEK_SET) != 0)
        return -1;
    for (;;) {
        ssize_t k = read(fd, buf, sizeof buf);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return -1;
        if (k == 0)
            return ferror(f) ? -1 : 0;
        if (fwrite(buf, 1, (size_t)k, f) != (size_t)k)
            return -1;
    }
}

/* Every sheet into a workbook at name; 0 or -1 (why and errno set). */
static int x_book_build(x_book_t *b, const char *name)
{
    x_writer_t w = {b, NULL, NULL, {NULL, 0, NULL, 0, 0, 0}, LXW_NO_ERROR, 0};
    x_about_t about = {b, b->n_sheets, {0, 0}};
    x_sheet_t about_sheet = {"about",   about_cols, 3, x_cursor_rows(b->n_sheets + 1, about_count, &about),
                             about_row, &about};
    uint32_t max_cols = 3;
    for (uint32_t k = 0; k < b->n_sheets; k++)
        if (b->sheets[k].n_cols > max_cols)
            max_cols = b->sheets[k].n_cols;
    /* constant memory: rows go to disk as they are written, so a sheet of a
     * million actors costs a row's memory, not the sheet's */
    lxw_workbook_options opt = {.constant_memory = 1, .tmpdir = NULL, .use_zip64 = 0};
    w.row.cells = calloc(max_cols, sizeof *w.row.cells);
    w.wb = w.row.cells ? workbook_new_opt(name, &opt) : NULL;
    w.bold = w.wb ? workbook_add_format(w.wb) : NULL;
    if (!w.bold) {
        w.nomem = 1;
    } else {
        lxw_doc_properties props;
        memset(&props, 0, sizeof props);
        props.title = (char *)b->title; /* copied by libxlsxwriter */
        props.created = X_CREATED;
        format_set_bold(w.bold);
        if (workbook_set_properties(w.wb, &props) != LXW_NO_ERROR)
            w.nomem = 1;
    }
    for (uint32_t k = 0; k < b->n_sheets && !w.nomem && w.lerr == LXW_NO_ERROR; k++)
        x_write_sheet(&w, &b->sheets[k]);
    if (!w.nomem && w.lerr == LXW_NO_ERROR)
        x_write_sheet(&w, &about_sheet);
    if (w.wb) {
        lxw_error e = workbook_close(w.wb); /* also frees it */
        if (e != LXW_NO_ERROR && w.lerr == LXW_NO_ERROR)
            w.lerr = e;
    }
    free(w.row.cells);
    free(w.row.buf);
    if (w.nomem) {
        x_fail(b, "out of memory");
        errno = ENOMEM;
        return -1;
    }
    if (w.lerr != LXW_NO_ERROR) {
        x_fail(b, "libxlsxwriter: %s", lxw_strerror(w.lerr));
        errno = EIO;
        return -1;
    }
    return 0;
}

/* Write the book to f: every table must fit a sheet; the workbook is made
 * in a scratch file and copied. */
static int x_book_write(x_book_t *b, FILE *f)
{
    for (uint32_t k = 0; k < b->n_sheets; k++)
        if (b->sheets[k].n_rows > X_ROWS_MAX) {
            x_fail(b, "the sheet '%s' would have %llu rows, more than an Excel sheet holds (%llu)", b->sheets[k].name,
                   (unsigned long long)b->sheets[k].n_rows, (unsigned long long)X_ROWS_MAX);
            errno = EFBIG;
            return -1;
        }
    char name[4096];
    int named;
    int fd = x_scratch(name, sizeof name, &named);
    if (fd < 0) {
        x_fail(b, "cannot create a scratch file: %s", strerror(errno));
        return -1;
    }
    int rc = x_book_build(b, name);
    int e = errno;
    if (named)
        unlink(name);
    if (rc == 0 && x_copy(fd, f) != 0) {
        e = errno ? errno : EIO;
        x_fail(b, "%s", strerror(e));
        rc = -1;
    }
    close(fd);
    errno = e;
    return rc;
}

/* ------------------------------------------------ shared tables */

/* warnings: the dataset's warning lines, split at their place. */
static const x_col_t warning_cols[] = {
    {"file", "the file the warning is about (with the record, FILE:relations[N], where it has no line; "
             "'kluster' when no file)"},
    {"line", "line in the file; empty when the warning has none"},
    {"column", "column (character) in the line; empty when the warning has none"},
    {"kind", "conflict, unknown_type, mojibake, self_loop, duplicate or other"},
    {"message", "what the warning says"},
    {"text", "the whole line, as kluster validate prints it and the JSON output lists it"},
};

static const char *const warning_kinds[KL_WARN_COUNT] = {"conflict",  "unknown_type", "mojibake",
                                                         "self_loop", "duplicate",    "other"};

/* The digits that end t[0..*end) after a ':', as a number; *end moved
 * before the ':'.  -1 when there are none. */
static long trailing_number(const char *t, size_t *end)
{
    size_t j = *end;
    while (j > 0 && t[j - 1] >= '0' && t[j - 1] <= '9')
        j--;
    if (j == *end || j < 2 || t[j - 1] != ':' || *end - j > 9)
        return -1;
    long n = strtol(t + j, NULL, 10);
    *end = j - 1;
    return n;
}

static void warning_row(void *ctx, uint64_t i, x_row_t *w)
{
    const kl_dataset_t *ds = ctx;
    const kl_warning_t *wn = &ds->warnings[i];
    const char *t = wn->text, *mark = strstr(t, ": warning: ");
    x_text(w, 3, (unsigned)wn->kind < KL_WARN_COUNT ? warning_kinds[wn->kind] : "other");
    x_text(w, 5, t);
    if (!mark) {
        x_text(w, 4, t);
        return;
    }
    /* FILE:LINE:COL, FILE:LINE or FILE:array[N] (engine/dataset.c) */
    size_t end = (size_t)(mark - t);
    long last = trailing_number(t, &end), first = last >= 0 ? trailing_number(t, &end) : -1;
    x_begin(w, 0);
    x_add(w, t, end);
    x_end(w);
    if (first >= 0) {
        x_num(w, 1, (double)first);
        x_num(w, 2, (double)last);
    } else if (last >= 0) {
        x_num(w, 1, (double)last);
    }
    x_text(w, 4, mark + strlen(": warning: "));
}

static void sheet_warnings(x_book_t *b, const kl_dataset_t *ds)
{
    x_sheet(b, "warnings", warning_cols, 6, ds->n_warnings, warning_row, (void *)ds);
}

static const char *region_id(const kl_dataset_t *ds, int32_t r)
{
    return r >= 0 ? ds->regions[r].id : NULL;
}

/* regions: as the JSON's regions[] */
static const x_col_t region_cols[] = {
    {"id", "the region's id in the dataset"},
    {"name", "the region's name"},
    {"actors", "actors of the analysis graph in the region"},
    {"internal_ties", "ties between two actors of the region"},
    {"external_ties", "ties to actors of another region"},
    {"regionless_ties", "ties to regionless actors, counted apart"},
    {"ei_index", "(external - internal) / (external + internal); empty when both are 0"},
    {"lat", "the region's latitude; empty when the dataset gives none"},
    {"lon", "the region's longitude; empty when the dataset gives none"},
};

typedef struct {
    const kl_dataset_t *ds;
    const kl_agraph_t *g;
    const kl_regions_t *rg;
    const uint8_t *shown; /* pairs shown, NULL: all */
    x_cursor_t at;
} x_regions_t;

static void region_row(void *ctx, uint64_t i, x_row_t *w)
{
    const x_regions_t *x = ctx;
    const kl_region_info_t *ri = &x->rg->regions[i];
    const kl_region_t *r = &x->ds->regions[ri->region];
    x_text(w, 0, r->id);
    x_text(w, 1, r->name);
    x_num(w, 2, ri->actors);
    x_num(w, 3, ri->internal_ties);
    x_num(w, 4, ri->external_ties);
    x_num(w, 5, ri->regionless_ties);
    x_num(w, 6, ri->ei_index);
    x_num(w, 7, r->lat);
    x_num(w, 8, r->lon);
}

/* region pairs: the columns of bridges' CSV, the brokers counted here and
 * listed on their own sheet */
static const x_col_t pair_cols[] = {
    {"a", "the first region's id (a < b)"},
    {"b", "the second region's id"},
    {"a_name", "the first region's name"},
    {"b_name", "the second region's name"},
    {"connected", "some actor of a and some actor of b are in one component"},
    {"direct_ties", "ties with one end in a and the other in b"},
    {"distance", "the shortest path between an actor of a and an actor of b (hops, or length under --weights); "
                 "empty when not connected"},
    {"actor_pairs", "connected pairs of actors (s in a, t in b)"},
    {"links", "ties between an actor of a and one of b, plus regionless actors tied to both (each once)"},
    {"brokers", "how many brokers the sheet brokers lists for the pair; empty when its brokers were not "
                "computed (not connected, or left out by the rule of docs/metrics.md#which-pairs-get-brokers)"},
    {"brokers_epsilon", "sampled brokers: each share within this of the truth; empty when exact"},
    {"brokers_delta", "sampled brokers: ... with probability at least 1 - this; empty when exact"},
    {"cut_actors", "ids of the actors whose removal alone disconnects the pair, |-separated"},
    {"fragile", "the pair has cut actors"},
};

static uint32_t pair_shown_count(const void *ctx, uint32_t p)
{
    const x_regions_t *x = ctx;
    return kl_i_pair_shown(x->shown, p) ? 1 : 0;
}

static void pair_row(void *ctx, uint64_t i, x_row_t *w)
{
    x_regions_t *x = ctx;
    x_cursor_at(&x->at, i, x->rg->n_pairs, pair_shown_count, x);
    const kl_region_pair_t *p = &x->rg->pairs[x->at.outer];
    x_text(w, 0, x->ds->regions[p->a].id);
    x_text(w, 1, x->ds->regions[p->b].id);
    x_text(w, 2, x->ds->regions[p->a].name);
    x_text(w, 3, x->ds->regions[p->b].name);
    x_bool(w, 4, p->connected);
    x_num(w, 5, p->direct_ties);
    x_num(w, 6, p->distance);
    x_num(w, 7, p->actor_pairs);
    x_num(w, 8, p->links);
    if (p->has_brokers)
        x_num(w, 9, p->n_brokers);
    if (p->brokers_epsilon > 0) {
        x_num(w, 10, p->brokers_epsilon);
        x_num(w, 11, x->rg->delta);
    }
    if (p->n_cut) {
        x_begin(w, 12);
        for (uint32_t k = 0; k < p->n_cut; k++) {
            if (k)
                x_more(w, "|");
            x_more(w, kl_i_vertex_id(x->g, x->ds, p->cut[k]));
        }
        x_end(w);
    }
    x_bool(w, 13, p->n_cut > 0);
}

/* brokers: per pair, its brokers in the order of the JSON */
static const x_col_t broker_cols[] = {
    {"a", "the first region's id"},
    {"b", "the second region's id"},
    {"rank", "the broker's place among the pair's brokers, most share first"},
    {"id", "the broker's actor id"},
    {"name", "the broker's name"},
    {"share", "the part of the pair's connected actor pairs whose shortest paths run through the broker"},
};

static uint32_t broker_count(const void *ctx, uint32_t p)
{
    const x_regions_t *x = ctx;
    const kl_region_pair_t *pr = &x->rg->pairs[p];
    return kl_i_pair_shown(x->shown, p) && pr->has_brokers ? pr->n_brokers : 0;
}

static void broker_row(void *ctx, uint64_t i, x_row_t *w)
{
    x_regions_t *x = ctx;
    x_cursor_at(&x->at, i, x->rg->n_pairs, broker_count, x);
    const kl_region_pair_t *p = &x->rg->pairs[x->at.outer];
    const kl_broker_t *br = &p->brokers[x->at.inner];
    const kl_entity_t *e = &x->ds->entities[x->g->vertex_entity[br->vertex]];
    x_text(w, 0, x->ds->regions[p->a].id);
    x_text(w, 1, x->ds->regions[p->b].id);
    x_num(w, 2, x->at.inner + 1);
    x_text(w, 3, e->id);
    x_text(w, 4, e->name);
    x_num(w, 5, br->share);
}

/* regions, region pairs and brokers of rg (NULL: the sheets are empty);
 * x lives as long as the book. */
static void sheets_regions(x_book_t *b, x_regions_t *x)
{
    const kl_regions_t *rg = x->rg;
    x_sheet(b, "regions", region_cols, 9, rg ? rg->n_regions : 0, region_row, x);
    x_sheet(b, "region pairs", pair_cols, 14, rg ? x_cursor_rows(rg->n_pairs, pair_shown_count, x) : 0, pair_row, x);
    x_sheet(b, "brokers", broker_cols, 6, rg ? x_cursor_rows(rg->n_pairs, broker_count, x) : 0, broker_row, x);
}

/* The title property: "kluster analyze: <title, id or path>". */
static void x_title(char *buf, size_t size, const char *command, const kl_dataset_t *ds, const char *path)
{
    snprintf(buf, size, "kluster %s: %s", command, ds->title ? ds->title : ds->id ? ds->id : path ? path : "");
}

/* --------------------------------------------------- kluster analyze */

typedef struct {
    const kl_report_t *r;
    kl_metric_source_t src;
    const kl_metric_t *metrics[64];
    uint32_t n_metrics;
    x_col_t cols[68];
} x_actors_t;

static const x_col_t actor_id_cols[] = {
    {"id", "the actor's id in the dataset"},
    {"name", "the actor's name"},
    {"kind", "organisation, person, project or funder"},
    {"region", "the actor's region id, its own or inherited (docs/metrics.md#region-of-an-actor); empty: none"},
};

static void actor_row(void *ctx, uint64_t i, x_row_t *w)
{
    const x_actors_t *x = ctx;
    uint32_t v = x->r->res->order[i];
    const kl_entity_t *e = kl_i_entity(x->r, v);
    x_text(w, 0, e->id);
    x_text(w, 1, e->name);
    x_text(w, 2, kl_kind_name(e->kind));
    x_text(w, 3, region_id(x->r->ds, x->r->g->vertex_region[v]));
    for (uint32_t c = 0; c < x->n_metrics; c++) {
        double val = x->metrics[c]->value(&x->src, v, KL_METRIC_VALUE);
        if (x->metrics[c]->type == KL_METRIC_BOOL)
            x_bool(w, 4 + c, val != 0);
        else
            x_num(w, 4 + c, val); /* counts, reals, roles' counts; undefined: empty */
    }
}

/* The analysis graph's numbers and options, as the JSON's "graph". */
static void meta_graph(x_book_t *b, const kl_report_t *r)
{
    const kl_analysis_t *a = r->res;
    const kl_graph_options_t *go = &r->g->options;
    meta_num(b, "graph", "nodes", a->n);
    meta_num(b, "graph", "edges", a->m);
    meta_num(b, "graph", "components", a->components);
    meta_num(b, "graph", "largest_component", a->largest_component);
    meta_num(b, "graph", "isolated", a->isolated);
    meta_num(b, "graph", "bridges", a->bridges);
    meta_num(b, "graph", "articulation_points", a->articulation_points);
    meta_num(b, "graph", "biconnected_components", a->biconnected_components);
    meta_num(b, "graph", "modularity", a->modularity);
    meta_num(b, "graph", "communities", a->communities);
    meta_text(b, "graph", "community_method", a->options.communities == KL_COMMUNITIES_LOUVAIN ? "louvain" : "leiden");
    meta_count(b, "graph", "seed", a->options.seed);
    meta_num(b, "graph", "nmi_regions", a->nmi_regions);
    meta_num(b, "graph", "ari_regions", a->ari_regions);
    meta_text(b, "graph", "mode", kl_i_mode_name(go->mode));
    meta_bool(b, "graph", "weighted_paths", a->options.weighted);
    meta_names(b, "graph", "ties", go->tie_types, 0);
    meta_names(b, "graph", "excluded_kinds", go->exclude_kinds, 1);
    meta_date(b, "graph", "window.from", go->from, KL_DATE_MIN);
    meta_date(b, "graph", "window.to", go->to, KL_DATE_MAX);
    if (a->options.samples > 0) {
        meta_text(b, "graph", "sampled.method", "sources");
        meta_count(b, "graph", "sampled.samples", a->options.samples);
    } else if (a->options.epsilon > 0) {
        meta_text(b, "graph", "sampled.method", "pairs");
        meta_num(b, "graph", "sampled.epsilon", a->options.epsilon);
        meta_num(b, "graph", "sampled.delta", a->options.delta);
        meta_count(b, "graph", "sampled.samples", a->pair_samples);
    } else {
        meta_text(b, "graph", "sampled.method", NULL);
    }
    meta_num(b, "graph", "cross_region_pairs", a->region_pairs);
    int32_t d = a->dominant_actor;
    meta_text(b, "graph", "dominant_actor.id", d >= 0 ? kl_i_vertex_id(r->g, r->ds, (uint32_t)d) : NULL);
    meta_num(b, "graph", "dominant_actor.irb_share", d >= 0 ? a->irb_share[d] : NAN);
}

int kl_write_xlsx(FILE *f, const kl_report_t *r, char *why, size_t why_size)
{
    x_book_t b;
    char title[300];
    x_book_init(&b, why, why_size);
    x_actors_t *xa = calloc(1, sizeof *xa);
    if (!xa) {
        x_fail(&b, "out of memory");
        errno = ENOMEM;
        return -1;
    }
    xa->r = r;
    kl_i_metric_source(&xa->src, r);
    memcpy(xa->cols, actor_id_cols, sizeof actor_id_cols);
    /* the CSV's columns: every metric available, in table order */
    for (size_t k = 0; k < kl_actor_metrics_count && xa->n_metrics < 64; k++)
        if (kl_actor_metrics[k].available(&xa->src)) {
            xa->metrics[xa->n_metrics] = &kl_actor_metrics[k];
            xa->cols[4 + xa->n_metrics++] = (x_col_t){kl_actor_metrics[k].key, kl_actor_metrics[k].description};
        }
    x_regions_t xr = {r->ds, r->g, r->regions, NULL, {0, 0}};
    x_sheet(&b, "actors", xa->cols, 4 + xa->n_metrics, r->res->n, actor_row, xa);
    sheets_regions(&b, &xr);
    sheet_warnings(&b, r->ds);
    meta_dataset(&b, r->ds, r->dataset_path, "analyze");
    meta_graph(&b, r);
    x_title(title, sizeof title, "analyze", r->ds, r->dataset_path);
    b.title = title;
    int rc = x_book_write(&b, f);
    int e = errno;
    free(xa);
    errno = e;
    return rc;
}

/* --------------------------------------------------- kluster bridges */

static const x_col_t top_broker_cols[] = {
    {"id", "the actor's id"},
    {"name", "the actor's name"},
    {"kind", "organisation, person, project or funder"},
    {"region", "the actor's region id; empty: none"},
    {"irb", "shortest paths through the actor between actors of different regions"},
    {"irb_share", "share of shortest paths between actors of different regions"},
    {"regions_reached", "distinct regions among the actor and its neighbours"},
    {"participation_region", "how evenly the actor's ties spread over regions (1 - sum of squared shares)"},
    {"ei_index", "Krackhardt's E-I index of the actor's ties to actors with a region"},
    {"disconnects", "connected pairs of actors in different regions (neither the actor) that lose every path "
                    "without it"},
};

typedef struct {
    const kl_bridges_report_t *r;
    uint32_t *idx, n;
} x_top_t;

static void top_broker_row(void *ctx, uint64_t i, x_row_t *w)
{
    const x_top_t *x = ctx;
    const kl_bridges_report_t *r = x->r;
    const kl_regions_t *rg = r->regions;
    uint32_t v = x->idx[i];
    const kl_entity_t *e = &r->ds->entities[r->g->vertex_entity[v]];
    x_text(w, 0, e->id);
    x_text(w, 1, e->name);
    x_text(w, 2, kl_kind_name(e->kind));
    x_text(w, 3, region_id(r->ds, r->g->vertex_region[v]));
    x_num(w, 4, rg->irb[v]);
    x_num(w, 5, rg->irb_share[v]);
    x_num(w, 6, rg->regions_reached[v]);
    x_num(w, 7, rg->participation_region[v]);
    x_num(w, 8, rg->ei_index[v]);
    x_count(w, 9, rg->disconnects[v]);
}

int kl_write_bridges_xlsx(FILE *f, const kl_bridges_report_t *r, char *why, size_t why_size)
{
    const kl_regions_t *rg = r->regions;
    x_book_t b;
    char title[300];
    x_book_init(&b, why, why_size);
    x_top_t top = {r, malloc(((size_t)r->g->n + 1) * sizeof *top.idx), 0};
    if (!top.idx) {
        x_fail(&b, "out of memory");
        errno = ENOMEM;
        return -1;
    }
    top.n = kl_i_top_actors(r->ds, r->g, rg->irb, r->top, top.idx);
    x_regions_t xr = {r->ds, r->g, rg, r->pair_shown, {0, 0}};
    sheets_regions(&b, &xr);
    x_sheet(&b, "top brokers", top_broker_cols, 10, top.n, top_broker_row, &top);
    sheet_warnings(&b, r->ds);
    meta_dataset(&b, r->ds, r->dataset_path, "bridges");
    meta_num(&b, "graph", "nodes", r->g->n);
    meta_num(&b, "graph", "edges", r->g->csr.m);
    meta_text(&b, "graph", "mode", kl_i_mode_name(r->g->options.mode));
    meta_num(&b, "graph", "cross_region_pairs", rg->cross_pairs);
    if (rg->epsilon > 0) {
        meta_text(&b, "graph", "sampled.method", "pairs");
        meta_num(&b, "graph", "sampled.epsilon", rg->epsilon);
        meta_num(&b, "graph", "sampled.delta", rg->delta);
        meta_count(&b, "graph", "sampled.samples", rg->pair_samples);
    } else {
        meta_text(&b, "graph", "sampled.method", NULL);
    }
    int32_t d = rg->dominant_actor;
    meta_text(&b, "graph", "dominant_actor.id", d >= 0 ? kl_i_vertex_id(r->g, r->ds, (uint32_t)d) : NULL);
    meta_num(&b, "graph", "dominant_actor.irb_share", d >= 0 ? rg->irb_share[d] : NAN);
    x_title(title, sizeof title, "bridges", r->ds, r->dataset_path);
    b.title = title;
    int rc = x_book_write(&b, f);
    int e = errno;
    free(top.idx);
    errno = e;
    return rc;
}

/* ---------------------------------------------------- kluster whatif */

static double ratio(double a, double b)
{
    return b > 0 ? a / b : NAN;
}

static const x_col_t summary_cols[] = {
    {"measure", "a number of the JSON's before, after, lost_actor_pairs or stayed_connected"},
    {"before", "its value before the removal"},
    {"after", "its value after the removal"},
};

static const char *const summary_measures[] = {
    "actors_with_region",
    "cross_region_pairs",
    "connected_pairs",
    "reachability",
    "mean_distance",
    "connected_region_pairs",
    "lost_actor_pairs",
    "stayed_connected.actor_pairs",
    "stayed_connected.mean_distance",
};

static uint32_t connected_region_pairs(const kl_whatif_t *w, const kl_whatif_state_t *st)
{
    uint32_t n = 0;
    for (uint32_t p = 0; p < w->n_pairs; p++)
        n += st->pair_connected[p];
    return n;
}

/* One state's value of measure k (0 to 5). */
static double state_value(const kl_whatif_t *w, const kl_whatif_state_t *st, int k)
{
    switch (k) {
    case 0: return st->actors;
    case 1: return st->cross_pairs;
    case 2: return st->connected_pairs;
    case 3: return ratio(st->connected_pairs, st->cross_pairs);
    case 4: return ratio(st->distance_sum, st->connected_pairs);
    default: return connected_region_pairs(w, st);
    }
}

static void summary_row(void *ctx, uint64_t i, x_row_t *w)
{
    const kl_whatif_t *c = ctx;
    x_text(w, 0, summary_measures[i]);
    if (i < 6) {
        x_num(w, 1, state_value(c, &c->before, (int)i));
        x_num(w, 2, state_value(c, &c->after, (int)i));
    } else if (i == 6) {
        x_num(w, 2, c->lost_pairs); /* a change: pairs connected before, not after */
    } else if (i == 7) {
        /* the same pairs before and after: those that stay connected */
        x_num(w, 1, c->after.connected_pairs);
        x_num(w, 2, c->after.connected_pairs);
    } else {
        x_num(w, 1, ratio(c->kept_distance_sum, c->after.connected_pairs));
        x_num(w, 2, ratio(c->after.distance_sum, c->after.connected_pairs));
    }
}

static const x_col_t removed_cols[] = {
    {"id", "the id of an actor removed (--remove), in the order given"},
    {"name", "its name"},
    {"kind", "organisation, person, project or funder"},
    {"region", "its region id; empty: none"},
};

static void removed_row(void *ctx, uint64_t i, x_row_t *w)
{
    const kl_whatif_report_t *r = ctx;
    uint32_t v = r->removed[i];
    const kl_entity_t *e = &r->ds->entities[r->g->vertex_entity[v]];
    x_text(w, 0, e->id);
    x_text(w, 1, e->name);
    x_text(w, 2, kl_kind_name(e->kind));
    x_text(w, 3, region_id(r->ds, r->g->vertex_region[v]));
}

static const x_col_t whatif_pair_cols[] = {
    {"a", "the first region's id (a < b)"},
    {"b", "the second region's id"},
    {"connected_before", "some path joins the two regions before the removal"},
    {"connected_after", "... after the removal"},
    {"distance_before", "the shortest distance between the regions before; empty when not connected"},
    {"distance_after", "... after; empty when not connected"},
    {"lost", "connected before, not after"},
};

static void whatif_pair_row(void *ctx, uint64_t i, x_row_t *w)
{
    const kl_whatif_report_t *r = ctx;
    const kl_whatif_t *c = r->cmp;
    x_text(w, 0, r->ds->regions[c->pair_a[i]].id);
    x_text(w, 1, r->ds->regions[c->pair_b[i]].id);
    x_bool(w, 2, c->before.pair_connected[i]);
    x_bool(w, 3, c->after.pair_connected[i]);
    x_num(w, 4, c->before.pair_distance[i]);
    x_num(w, 5, c->after.pair_distance[i]);
    x_bool(w, 6, c->before.pair_connected[i] && !c->after.pair_connected[i]);
}

static const x_col_t rank_cols[] = {
    {"rank", "the actor's place in the ranking, most pairs disconnected first"},
    {"id", "the actor's id"},
    {"name", "the actor's name"},
    {"kind", "organisation, person, project or funder"},
    {"region", "the actor's region id; empty: none"},
    {"disconnects", "connected pairs of actors in different regions (neither the actor) that removing it alone "
                    "disconnects"},
    {"share", "disconnects over all connected pairs of actors in different regions (P)"},
};

typedef struct {
    const kl_whatif_report_t *r;
    uint32_t *idx, n;
    double *key;
} x_rank_t;

static void rank_row(void *ctx, uint64_t i, x_row_t *w)
{
    const x_rank_t *x = ctx;
    const kl_whatif_report_t *r = x->r;
    uint32_t v = x->idx[i];
    const kl_entity_t *e = &r->ds->entities[r->g->vertex_entity[v]];
    x_num(w, 0, (double)i + 1);
    x_text(w, 1, e->id);
    x_text(w, 2, e->name);
    x_text(w, 3, kl_kind_name(e->kind));
    x_text(w, 4, region_id(r->ds, r->g->vertex_region[v]));
    x_count(w, 5, r->disconnects[v]);
    x_num(w, 6, ratio((double)r->disconnects[v], r->cross_pairs));
}

int kl_write_whatif_xlsx(FILE *f, const kl_whatif_report_t *r, char *why, size_t why_size)
{
    x_book_t b;
    char title[300];
    x_book_init(&b, why, why_size);
    x_rank_t rank = {r, NULL, 0, NULL};
    if (r->cmp) {
        x_sheet(&b, "summary", summary_cols, 3, sizeof summary_measures / sizeof *summary_measures, summary_row,
                (void *)r->cmp);
        x_sheet(&b, "removed", removed_cols, 4, r->n_removed, removed_row, (void *)r);
        x_sheet(&b, "region pairs", whatif_pair_cols, 7, r->cmp->n_pairs, whatif_pair_row, (void *)r);
    } else {
        rank.idx = malloc(((size_t)r->g->n + 1) * sizeof *rank.idx);
        rank.key = malloc(((size_t)r->g->n + 1) * sizeof *rank.key);
        if (!rank.idx || !rank.key) {
            free(rank.idx);
            free(rank.key);
            x_fail(&b, "out of memory");
            errno = ENOMEM;
            return -1;
        }
        /* the order of the JSON and CSV rankings */
        for (uint32_t v = 0; v < r->g->n; v++)
            rank.key[v] = (double)r->disconnects[v];
        rank.n = kl_i_top_actors(r->ds, r->g, rank.key, r->top, rank.idx);
        x_sheet(&b, "rank", rank_cols, 7, rank.n, rank_row, &rank);
    }
    sheet_warnings(&b, r->ds);
    meta_dataset(&b, r->ds, r->dataset_path, r->cmp ? "whatif --remove" : "whatif --rank");
    meta_text(&b, "graph", "mode", kl_i_mode_name(r->g->options.mode));
    if (!r->cmp)
        meta_num(&b, "graph", "cross_region_pairs", r->cross_pairs);
    x_title(title, sizeof title, "whatif", r->ds, r->dataset_path);
    b.title = title;
    int rc = x_book_write(&b, f);
    int e = errno;
    free(rank.idx);
    free(rank.key);
    errno = e;
    return rc;
}

/* ----------------------------------------------------- kluster trend */

typedef struct {
    const kl_trend_t *t;
    char (*labels)[64];
    x_cursor_t at;
} x_trend_t;

static const x_col_t period_cols[] = {
    {"period", "the period: 2016, 2014-2016, or 2014-03-01..2016-06-30 for partial years"},
    {"from", "its first day"},
    {"to", "its last day"},
    {"nodes", "actors of the period's analysis graph"},
    {"edges", "its ties"},
    {"active_actors", "actors with a tie (nodes - isolated)"},
    {"components", "connected components"},
    {"largest_component", "actors in the largest component"},
    {"regions", "regions with actors"},
    {"region_pairs", "pairs of regions with actors"},
    {"region_pairs_connected", "of which connected"},
    {"fragile_pairs", "region pairs with cut actors"},
    {"cross_region_pairs", "P of irb_share: connected pairs of actors in different regions"},
    {"sampled", "empty when exact; sources or pairs when betweenness and irb were sampled"},
    {"samples", "sources or pairs drawn"},
    {"epsilon", "pair sampling: the guarantee's epsilon"},
    {"delta", "pair sampling: the guarantee's delta"},
};

static void period_row(void *ctx, uint64_t i, x_row_t *w)
{
    const x_trend_t *x = ctx;
    const kl_trend_period_t *P = &x->t->periods[i];
    x_text(w, 0, x->labels[i]);
    x_date(w, 1, P->from);
    x_date(w, 2, P->to);
    x_num(w, 3, P->nodes);
    x_num(w, 4, P->edges);
    x_num(w, 5, P->active);
    x_num(w, 6, P->components);
    x_num(w, 7, P->largest_component);
    x_num(w, 8, P->regions);
    x_num(w, 9, P->n_pairs);
    x_num(w, 10, P->pairs_connected);
    x_num(w, 11, P->pairs_fragile);
    x_num(w, 12, P->cross_pairs);
    if (P->sampled) {
        x_text(w, 13, P->sampled == 1 ? "sources" : "pairs");
        x_count(w, 14, P->samples);
    }
    if (P->sampled == 2) {
        x_num(w, 15, P->epsilon);
        x_num(w, 16, P->delta);
    }
}

static const x_col_t trend_actor_cols[] = {
    {"period", "the period"},
    {"from", "its first day"},
    {"to", "its last day"},
    {"id", "the actor's id (an actor with a tie in the period)"},
    {"name", "the actor's name"},
    {"kind", "organisation, person, project or funder"},
    {"region", "the actor's region id; empty: none"},
    {"degree", "number of ties in the period"},
    {"betweenness", "shortest paths through the actor (all pairs), in the period"},
    {"irb", "shortest paths through the actor between actors of different regions, in the period"},
    {"irb_share", "share of shortest paths between actors of different regions"},
    {"rank", "place by irb (descending, then id) among actors with irb > 0; empty: none"},
};

static void period_cells(x_row_t *w, const x_trend_t *x, uint32_t p)
{
    x_text(w, 0, x->labels[p]);
    x_date(w, 1, x->t->periods[p].from);
    x_date(w, 2, x->t->periods[p].to);
}

static uint32_t trend_actor_count(const void *ctx, uint32_t p)
{
    return ((const x_trend_t *)ctx)->t->periods[p].n_actors;
}

static void trend_actor_row(void *ctx, uint64_t i, x_row_t *w)
{
    x_trend_t *x = ctx;
    const kl_dataset_t *ds = x->t->ds;
    x_cursor_at(&x->at, i, x->t->n_periods, trend_actor_count, x);
    const kl_trend_actor_t *a = &x->t->periods[x->at.outer].actors[x->at.inner];
    const kl_entity_t *e = &ds->entities[a->entity];
    period_cells(w, x, x->at.outer);
    x_text(w, 3, e->id);
    x_text(w, 4, e->name);
    x_text(w, 5, kl_kind_name(e->kind));
    x_text(w, 6, region_id(ds, a->region));
    x_num(w, 7, a->degree);
    x_num(w, 8, a->betweenness);
    x_num(w, 9, a->irb);
    x_num(w, 10, a->irb_share);
    if (a->rank)
        x_num(w, 11, a->rank);
}

static const x_col_t trend_pair_cols[] = {
    {"period", "the period"},
    {"from", "its first day"},
    {"to", "its last day"},
    {"a", "the first region's id (a < b)"},
    {"b", "the second region's id"},
    {"connected", "some path joins the two regions in the period"},
    {"direct_ties", "ties with one end in a and the other in b"},
    {"distance", "the shortest distance between them; empty when not connected"},
    {"actor_pairs", "connected pairs of actors (s in a, t in b)"},
    {"links", "ties between an actor of a and one of b, plus regionless actors tied to both (each once)"},
    {"fragile", "the pair has cut actors"},
    {"cut_actors", "ids of the actors whose removal alone disconnects the pair, ;-separated"},
    {"top_broker", "the id of the pair's first broker; empty when none"},
    {"top_broker_share", "its share of the pair's connected actor pairs"},
};

static uint32_t trend_pair_count(const void *ctx, uint32_t p)
{
    return ((const x_trend_t *)ctx)->t->periods[p].n_pairs;
}

static void cut_cell(x_row_t *w, uint32_t c, const kl_dataset_t *ds, const kl_trend_pair_t *q)
{
    if (!q->n_cut)
        return;
    x_begin(w, c);
    for (uint32_t k = 0; k < q->n_cut; k++) {
        if (k)
            x_more(w, ";");
        x_more(w, ds->entities[q->cut[k]].id);
    }
    x_end(w);
}

static void trend_pair_row(void *ctx, uint64_t i, x_row_t *w)
{
    x_trend_t *x = ctx;
    const kl_dataset_t *ds = x->t->ds;
    x_cursor_at(&x->at, i, x->t->n_periods, trend_pair_count, x);
    const kl_trend_pair_t *q = &x->t->periods[x->at.outer].pairs[x->at.inner];
    period_cells(w, x, x->at.outer);
    x_text(w, 3, ds->regions[q->a].id);
    x_text(w, 4, ds->regions[q->b].id);
    x_bool(w, 5, q->connected);
    x_num(w, 6, q->direct_ties);
    x_num(w, 7, q->distance);
    x_num(w, 8, q->actor_pairs);
    x_num(w, 9, q->links);
    x_bool(w, 10, q->n_cut > 0);
    cut_cell(w, 11, ds, q);
    if (q->top_broker != UINT32_MAX) {
        x_text(w, 12, ds->entities[q->top_broker].id);
        x_num(w, 13, q->top_share);
    }
}

static const x_col_t move_cols[] = {
    {"period", "the period (every period after the first)"},
    {"id", "a broker in the top of this period or the one before"},
    {"name", "its name"},
    {"before", "its rank in the period before; empty: outside the top"},
    {"after", "its rank in this period; empty: outside the top"},
    {"change", "entered, left, rose, fell or same"},
};

static uint32_t move_count(const void *ctx, uint32_t p)
{
    return p ? ((const x_trend_t *)ctx)->t->periods[p].n_moves : 0;
}

static void move_row(void *ctx, uint64_t i, x_row_t *w)
{
    static const char *const names[] = {"entered", "left", "rose", "fell", "same"};
    x_trend_t *x = ctx;
    x_cursor_at(&x->at, i, x->t->n_periods, move_count, x);
    const kl_trend_move_t *m = &x->t->periods[x->at.outer].moves[x->at.inner];
    const kl_entity_t *e = &x->t->ds->entities[m->entity];
    x_text(w, 0, x->labels[x->at.outer]);
    x_text(w, 1, e->id);
    x_text(w, 2, e->name);
    if (m->before)
        x_num(w, 3, m->before);
    if (m->after)
        x_num(w, 4, m->after);
    x_text(w, 5, names[kl_i_trend_move_kind(m)]);
}

static const x_col_t change_cols[] = {
    {"period", "the period (every period after the first)"},
    {"change", "connected (now, not before), disconnected, fragile (now, not before) or mended (connected "
               "without cut actors now, fragile before)"},
    {"a", "the first region's id (a < b)"},
    {"b", "the second region's id"},
    {"cut_actors", "fragile: the pair's cut actors now, ;-separated"},
};

/* The lists of a period's changes, in the order of the JSON's changes. */
static const char *const change_names[4] = {"connected", "disconnected", "fragile", "mended"};

static const uint32_t *change_list(const kl_trend_period_t *P, uint32_t k, uint32_t *n)
{
    switch (k) {
    case 0: *n = P->n_gained; return P->gained;
    case 1: *n = P->n_lost; return P->lost;
    case 2: *n = P->n_fragile; return P->fragile;
    default: *n = P->n_mended; return P->mended;
    }
}

static uint32_t change_count(const void *ctx, uint32_t outer)
{
    uint32_t n = 0;
    if (outer / 4 == 0)
        return 0;
    change_list(&((const x_trend_t *)ctx)->t->periods[outer / 4], outer % 4, &n);
    return n;
}

static void change_row(void *ctx, uint64_t i, x_row_t *w)
{
    x_trend_t *x = ctx;
    x_cursor_at(&x->at, i, x->t->n_periods * 4, change_count, x);
    const kl_trend_period_t *P = &x->t->periods[x->at.outer / 4];
    uint32_t n;
    const uint32_t *list = change_list(P, x->at.outer % 4, &n);
    const kl_trend_pair_t *q = &P->pairs[list[x->at.inner]];
    x_text(w, 0, x->labels[x->at.outer / 4]);
    x_text(w, 1, change_names[x->at.outer % 4]);
    x_text(w, 2, x->t->ds->regions[q->a].id);
    x_text(w, 3, x->t->ds->regions[q->b].id);
    if (x->at.outer % 4 == 2)
        cut_cell(w, 4, x->t->ds, q);
}

int kl_write_trend_xlsx(FILE *f, const kl_trend_t *t, char *why, size_t why_size)
{
    x_book_t b;
    char title[300];
    x_book_init(&b, why, why_size);
    /* one cursor per sheet: each sheet is written through once in turn */
    x_trend_t xs[5];
    char(*labels)[64] = kl_i_trend_labels(t);
    if (!labels) {
        x_fail(&b, "out of memory");
        errno = ENOMEM;
        return -1;
    }
    for (int k = 0; k < 5; k++)
        xs[k] = (x_trend_t){t, labels, {0, 0}};
    x_sheet(&b, "periods", period_cols, 17, t->n_periods, period_row, &xs[0]);
    x_sheet(&b, "actors", trend_actor_cols, 12, x_cursor_rows(t->n_periods, trend_actor_count, &xs[1]), trend_actor_row,
            &xs[1]);
    x_sheet(&b, "region pairs", trend_pair_cols, 14, x_cursor_rows(t->n_periods, trend_pair_count, &xs[2]),
            trend_pair_row, &xs[2]);
    x_sheet(&b, "broker changes", move_cols, 6, x_cursor_rows(t->n_periods, move_count, &xs[3]), move_row, &xs[3]);
    x_sheet(&b, "pair changes", change_cols, 5, x_cursor_rows(t->n_periods * 4, change_count, &xs[4]), change_row,
            &xs[4]);
    sheet_warnings(&b, t->ds);
    meta_dataset(&b, t->ds, t->dataset_path, "trend");
    meta_text(&b, "options", "mode", kl_i_mode_name(t->graph.mode));
    meta_names(&b, "options", "ties", t->graph.tie_types, 0);
    meta_names(&b, "options", "excluded_kinds", t->graph.exclude_kinds, 1);
    meta_bool(&b, "options", "weighted_paths", t->weighted);
    meta_count(&b, "options", "seed", t->seed);
    meta_bool(&b, "options", "cumulative", t->cumulative);
    meta_num(&b, "options", "top", t->top);
    x_title(title, sizeof title, "trend", t->ds, t->dataset_path);
    b.title = title;
    int rc = x_book_write(&b, f);
    int e = errno;
    free(labels);
    errno = e;
    return rc;
}
