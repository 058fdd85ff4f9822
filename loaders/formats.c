/* loaders/formats.c - the one table of input formats: which suffix is which
 * format, whether a dataset folder may hold it, which reader reads it, and
 * how messages name it; the dataset id a file's name gives. */
#include "loaders_internal.h"

#include <string.h>

static kl_err read_graphml(kl_dataset_t *ds, const char *path, const kl_load_options_t *opt, kl_error_t *err)
{
    return kl_i_load_graph(ds, path, 0, opt, err);
}

static kl_err read_gml(kl_dataset_t *ds, const char *path, const kl_load_options_t *opt, kl_error_t *err)
{
    return kl_i_load_graph(ds, path, 1, opt, err);
}

/* The reader stays out of the public struct: it neither checks the file nor
 * finalizes, which only kl_load_dataset knows to do around it.  The public
 * part comes first, so a pointer to it is a pointer to its entry. */
typedef struct {
    kl_input_format_t format;
    kl_err (*read)(kl_dataset_t *ds, const char *path, const kl_load_options_t *opt, kl_error_t *err);
} format_entry_t;

/* In the order messages list them; formats sharing a noun stay adjacent, so
 * that the phrase can say "a .graphml or .gml graph". */
static const format_entry_t formats[] = {
    {{".json", KL_INPUT_JSON, 1, "a", "extract"}, kl_i_load_json},
    {{".ndjson", KL_INPUT_NDJSON, 1, "an", "file"}, kl_i_load_ndjson},
    {{".graphml", KL_INPUT_GRAPHML, 0, "a", "graph"}, read_graphml},
    {{".gml", KL_INPUT_GML, 0, "a", "graph"}, read_gml},
};
#define N_FORMATS (sizeof formats / sizeof *formats)

/* ASCII only: a suffix's case must not depend on the user's locale. */
static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* The format whose suffix ends name[0..len), the name being longer. */
static const kl_input_format_t *format_of(const char *name, size_t len)
{
    for (size_t i = 0; i < N_FORMATS; i++) {
        const char *suffix = formats[i].format.suffix;
        size_t k = strlen(suffix);
        if (len <= k)
            continue;
        size_t j = 0;
        while (j < k && lower((unsigned char)name[len - k + j]) == suffix[j])
            j++;
        if (j == k)
            return &formats[i].format;
    }
    return NULL;
}

const kl_input_format_t *kl_input_format_of(const char *path)
{
    return format_of(path, strlen(path));
}

const kl_input_format_t *kl_input_format_at(size_t i)
{
    return i < N_FORMATS ? &formats[i].format : NULL;
}

/* Append s to buf[0..size) at *at, cutting it short when full. */
static void append(char *buf, size_t size, size_t *at, const char *s)
{
    size_t n = strlen(s);
    if (*at + 1 >= size)
        return;
    if (n > size - 1 - *at)
        n = size - 1 - *at;
    memcpy(buf + *at, s, n);
    *at += n;
    buf[*at] = '\0';
}

char *kl_input_formats_text(kl_input_list_style style, char *buf, size_t size)
{
    size_t at = 0;
    if (size == 0)
        return buf;
    buf[0] = '\0';
    size_t n = 0; /* formats listed so far */
    for (size_t i = 0; i < N_FORMATS; i++) {
        const kl_input_format_t *f = &formats[i].format;
        const kl_input_format_t *next = i + 1 < N_FORMATS ? &formats[i + 1].format : NULL;
        if (style == KL_INPUT_FOLDER_GLOBS && !f->in_folder)
            continue;
        if (style == KL_INPUT_PHRASE) {
            /* formats of one noun share it and the first one's article */
            const kl_input_format_t *prev = i > 0 ? &formats[i - 1].format : NULL;
            int opens = !prev || strcmp(prev->noun, f->noun) != 0;
            int closes = !next || strcmp(next->noun, f->noun) != 0;
            append(buf, size, &at, !n ? "" : opens ? ", " : " or ");
            if (opens) {
                append(buf, size, &at, f->article);
                append(buf, size, &at, " ");
            }
            append(buf, size, &at, f->suffix);
            if (closes) {
                append(buf, size, &at, " ");
                append(buf, size, &at, f->noun);
            }
        } else {
            append(buf, size, &at, !n ? "" : style == KL_INPUT_SUFFIXES && !next ? " or " : ", ");
            if (style == KL_INPUT_FOLDER_GLOBS)
                append(buf, size, &at, "*");
            append(buf, size, &at, f->suffix);
        }
        n++;
    }
    return buf;
}

kl_err kl_i_input_read(const kl_input_format_t *f, kl_dataset_t *ds, const char *path, const kl_load_options_t *opt,
                       kl_error_t *err)
{
    /* f points at the first member of its entry (see format_entry_t) */
    return ((const format_entry_t *)f)->read(ds, path, opt, err);
}

const char *kl_i_id_from_path(kl_dataset_t *ds, const char *path)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    size_t b = n;
    while (b > 0 && path[b - 1] != '/')
        b--;
    const kl_input_format_t *f = format_of(path + b, n - b);
    size_t e = f ? n - strlen(f->suffix) : n;
    return kl_dataset_intern(ds, path + b, e - b);
}
