/* cli/batch.c - dataset discovery, safe ids, input hashing and atomic
 * output files for `kluster batch` (the pool itself is in cmd_batch.c). */
#include "batch.h"

#include "../loaders/loaders.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const char *const kl_batch_outputs[] = {"report.html", "report.md",   "analysis.json",  "actors.csv",
                                        "region_pairs.csv", "diagram.svg", "region-map.svg", "heatmap.svg",
                                        NULL};

const char *const kl_batch_optional_outputs[] = {KL_BATCH_TREND, KL_BATCH_TREND_CHART, KL_BATCH_TREND_MAPS,
                                                 KL_BATCH_XLSX, NULL};

const char *const kl_batch_phase_names[KL_PHASE_B_COUNT] = {"queued", "hash",   "load",   "analyse", "trend",
                                                            "write",  "render", "report", "done"};

/* ------------------------------------------------------------ discovery */

int kl_batch_list_init(kl_batch_list_t *l, const char *outdir)
{
    memset(l, 0, sizeof *l);
    if (outdir)
        l->outdir_real = realpath(outdir, NULL); /* NULL if it does not exist yet: then nothing is inside it */
    return 0;
}

void kl_batch_list_destroy(kl_batch_list_t *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].path);
        free(l->items[i].id);
        free(l->items[i].raw_id);
        free(l->items[i].error);
    }
    for (size_t i = 0; i < l->n_notes; i++) {
        free(l->notes[i].path);
        free(l->notes[i].reason);
    }
    free(l->items);
    free(l->notes);
    free(l->outdir_real);
    memset(l, 0, sizeof *l);
}

static int add_note(kl_batch_list_t *l, const char *path, const char *reason)
{
    if (l->n_notes == l->cap_notes) {
        size_t cap = l->cap_notes ? 2 * l->cap_notes : 8;
        kl_batch_note_t *p = realloc(l->notes, cap * sizeof *p);
        if (!p)
            return -1;
        l->notes = p, l->cap_notes = cap;
    }
    kl_batch_note_t *x = &l->notes[l->n_notes];
    x->path = strdup(path);
    x->reason = strdup(reason);
    if (!x->path || !x->reason) {
        free(x->path);
        free(x->reason);
        errno = ENOMEM;
        return -1;
    }
    l->n_notes++;
    return 0;
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcasecmp(s + a - b, suffix) == 0;
}

/* A file that makes its folder a dataset: what the loader reads in a folder
 * (suffixes in any case, as there). */
static int is_extract_name(const char *name)
{
    const kl_input_format_t *f = kl_input_format_of(name);
    return (f && f->in_folder) || strcmp(name, "entities.csv") == 0;
}

/* The last path component without trailing slashes (a new string). */
static char *base_name(const char *path)
{
    size_t len = strlen(path);
    while (len > 1 && path[len - 1] == '/')
        len--;
    size_t start = len;
    while (start > 0 && path[start - 1] != '/')
        start--;
    char *out = strndup(path + start, len - start);
    if (out && (strcmp(out, ".") == 0 || strcmp(out, "..") == 0 || strcmp(out, "/") == 0 || !*out)) {
        /* "." names nothing: the real folder's name does */
        char *real = realpath(path, NULL);
        if (real) {
            const char *slash = strrchr(real, '/');
            char *b = strdup(slash && slash[1] ? slash + 1 : "dataset");
            free(real);
            if (b) {
                free(out);
                out = b;
            }
        }
    }
    return out;
}

static char *join(const char *dir, const char *name)
{
    size_t a = strlen(dir);
    int slash = a && dir[a - 1] == '/';
    char *p = malloc(a + strlen(name) + 2);
    if (p)
        sprintf(p, "%s%s%s", dir, slash ? "" : "/", name);
    return p;
}

static int add_item(kl_batch_list_t *l, const char *path, int is_dir, const char *error)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 8;
        kl_batch_input_t *p = realloc(l->items, cap * sizeof *p);
        if (!p)
            return -1;
        l->items = p, l->cap = cap;
    }
    kl_batch_input_t *x = &l->items[l->n];
    memset(x, 0, sizeof *x);
    x->path = strdup(path);
    x->is_dir = is_dir;
    if (error)
        x->error = strdup(error);
    if (!is_dir && !error) {
        x->raw_id = kl_batch_peek_id(path);
    } else if (!error) {
        /* a folder written by `kluster import` names its dataset in
         * dataset.json: the report should carry that id (norway-h2020),
         * not whatever the folder was called */
        char *meta = NULL;
        if (asprintf(&meta, "%s/dataset.json", path) >= 0) {
            x->raw_id = kl_batch_peek_id(meta);
            free(meta);
        }
    }
    if (!x->raw_id) {
        char *b = base_name(path);
        if (b && !is_dir) {
            /* a file's name without its extension */
            char *dot = strrchr(b, '.');
            if (dot && dot != b)
                *dot = '\0';
        }
        x->raw_id = b;
    }
    if (!x->path || !x->raw_id || (error && !x->error)) {
        free(x->path);
        free(x->raw_id);
        free(x->error);
        errno = ENOMEM;
        return -1;
    }
    l->n++;
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of a folder (no hidden ones), sorted by bytes; *n receives
 * how many.  NULL with errno on failure. */
static char **list_dir(const char *path, size_t *n)
{
    DIR *d = opendir(path);
    if (!d)
        return NULL;
    char **names = NULL;
    size_t cnt = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (cnt == cap) {
            size_t nc = cap ? 2 * cap : 16;
            char **p = realloc(names, nc * sizeof *p);
            if (!p)
                goto oom;
            names = p, cap = nc;
        }
        if (!(names[cnt] = strdup(e->d_name)))
            goto oom;
        cnt++;
    }
    closedir(d);
    if (cnt)
        qsort(names, cnt, sizeof *names, cmp_names);
    *n = cnt;
    if (!names)
        names = calloc(1, sizeof *names);
    return names;
oom:
    closedir(d);
    for (size_t i = 0; i < cnt; i++)
        free(names[i]);
    free(names);
    errno = ENOMEM;
    return NULL;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; names && i < n; i++)
        free(names[i]);
    free(names);
}

/* A folder kluster batch wrote (a dataset's output folder, or OUTDIR). */
static int is_output_folder(const kl_batch_list_t *l, const char *path)
{
    if (l->outdir_real) {
        char *real = realpath(path, NULL);
        int same = real && strcmp(real, l->outdir_real) == 0;
        free(real);
        if (same)
            return 1;
    }
    char *p = join(path, KL_BATCH_STATUS);
    struct stat st;
    int yes = p && stat(p, &st) == 0;
    free(p);
    return yes;
}

static int discover(kl_batch_list_t *l, const char *arg, int depth, int top)
{
    struct stat st;
    char msg[600];
    if (stat(arg, &st) != 0) {
        if (!top)
            return add_note(l, arg, strerror(errno)); /* a dangling link inside a collection */
        snprintf(msg, sizeof msg, "cannot open '%s': %s", arg, strerror(errno));
        return add_item(l, arg, 0, msg);
    }
    if (S_ISREG(st.st_mode)) {
        /* every format the loader reads as a dataset: graphs too */
        if (kl_input_format_of(arg))
            return add_item(l, arg, 0, NULL);
        if (!top)
            return add_note(l, arg, "not a dataset: a collection folder holds dataset folders");
        char formats[160];
        snprintf(msg, sizeof msg, "not a dataset: expected %s, or a folder",
                 kl_input_formats_text(KL_INPUT_PHRASE, formats, sizeof formats));
        return add_note(l, arg, msg);
    }
    if (!S_ISDIR(st.st_mode))
        return add_note(l, arg, "not a regular file or folder");
    if (is_output_folder(l, arg))
        return add_note(l, arg, "output of kluster batch, not a dataset");
    size_t n = 0;
    char **names = list_dir(arg, &n);
    if (!names) {
        if (errno == ENOMEM)
            return -1;
        snprintf(msg, sizeof msg, "cannot read folder '%s': %s", arg, strerror(errno));
        return top ? add_item(l, arg, 1, msg) : add_note(l, arg, msg);
    }
    int extracts = 0, folders = 0, rc = 0;
    for (size_t i = 0; i < n; i++) {
        char *p = join(arg, names[i]);
        if (!p) {
            free_names(names, n);
            errno = ENOMEM;
            return -1;
        }
        struct stat es;
        if (stat(p, &es) == 0) {
            if (S_ISREG(es.st_mode) && is_extract_name(names[i]))
                extracts++;
            else if (S_ISDIR(es.st_mode))
                folders++;
        }
        free(p);
    }
    if (extracts) {
        rc = add_item(l, arg, 1, NULL);
        /* sub-folders of a dataset are not read by the loaders: say so */
        for (size_t i = 0; i < n && rc == 0 && folders; i++) {
            char *p = join(arg, names[i]);
            struct stat es;
            if (!p)
                rc = -1;
            else if (stat(p, &es) == 0 && S_ISDIR(es.st_mode))
                rc = add_note(l, p, "folder inside a dataset folder: not read");
            free(p);
        }
    } else if (folders && depth < 8) {
        for (size_t i = 0; i < n && rc == 0; i++) {
            char *p = join(arg, names[i]);
            if (!p)
                rc = -1;
            else
                rc = discover(l, p, depth + 1, 0);
            free(p);
        }
    } else if (folders) {
        rc = add_note(l, arg, "folders nested too deep (more than 8 levels)");
    } else {
        char globs[80];
        snprintf(msg, sizeof msg, "no extracts (%s, entities.csv) and no dataset folders",
                 kl_input_formats_text(KL_INPUT_FOLDER_GLOBS, globs, sizeof globs));
        rc = add_note(l, arg, msg);
    }
    free_names(names, n);
    return rc;
}

int kl_batch_discover(kl_batch_list_t *l, const char *arg)
{
    return discover(l, arg, 0, 1);
}

void kl_batch_sanitize_id(const char *raw, char out[65])
{
    size_t k = 0;
    int last_sub = 0;
    for (const unsigned char *p = (const unsigned char *)(raw ? raw : ""); *p && k < 64; p++) {
        int okc = isascii(*p) && (isalnum(*p) || *p == '.' || *p == '_' || *p == '-');
        if (k == 0 && (!okc || *p == '.' || *p == '_' || *p == '-'))
            continue; /* nothing hidden, nothing that reads as an option */
        if (okc) {
            out[k++] = (char)*p;
            last_sub = 0;
        } else if (!last_sub) {
            out[k++] = '_';
            last_sub = 1;
        }
    }
    /* no trailing dots either: Windows drops them, and "a." would clash with "a" */
    while (k && (out[k - 1] == '.' || out[k - 1] == '_'))
        k--;
    out[k] = '\0';
    if (!k)
        strcpy(out, "dataset");
}

static int id_taken(const kl_batch_list_t *l, size_t upto, const char *id)
{
    if (strcasecmp(id, "index.html") == 0 || strcasecmp(id, "summary.json") == 0)
        return 1;
    for (size_t i = 0; i < upto; i++)
        if (strcasecmp(l->items[i].id, id) == 0)
            return 1;
    return 0;
}

int kl_batch_assign_ids(kl_batch_list_t *l)
{
    for (size_t i = 0; i < l->n; i++) {
        char base[65], cand[80];
        kl_batch_sanitize_id(l->items[i].raw_id, base);
        snprintf(cand, sizeof cand, "%s", base);
        for (unsigned k = 2; id_taken(l, i, cand); k++)
            snprintf(cand, sizeof cand, "%s-%u", base, k);
        free(l->items[i].id);
        if (!(l->items[i].id = strdup(cand))) {
            errno = ENOMEM;
            return -1;
        }
    }
    return 0;
}

/* ---------------------------------------------------- peeking dataset.id */

typedef struct {
    const char *p, *end;
} scan_t;

static void skip_ws(scan_t *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
        s->p++;
}

/* A JSON string at s->p: returns a pointer to its first byte and its raw
 * length (escapes left as written), or NULL. */
static const char *scan_string(scan_t *s, size_t *len)
{
    if (s->p >= s->end || *s->p != '"')
        return NULL;
    const char *start = ++s->p;
    while (s->p < s->end && *s->p != '"') {
        if (*s->p == '\\')
            s->p++;
        s->p++;
    }
    if (s->p >= s->end)
        return NULL;
    *len = (size_t)(s->p - start);
    s->p++;
    return start;
}

/* Skip one JSON value; 0 or -1 (malformed or cut off). */
static int scan_skip(scan_t *s)
{
    skip_ws(s);
    if (s->p >= s->end)
        return -1;
    size_t len;
    if (*s->p == '"')
        return scan_string(s, &len) ? 0 : -1;
    if (*s->p == '{' || *s->p == '[') {
        int depth = 0;
        while (s->p < s->end) {
            char c = *s->p;
            if (c == '"') {
                if (!scan_string(s, &len))
                    return -1;
                continue;
            }
            if (c == '{' || c == '[')
                depth++;
            else if (c == '}' || c == ']') {
                if (--depth == 0) {
                    s->p++;
                    return 0;
                }
            }
            s->p++;
        }
        return -1;
    }
    while (s->p < s->end && *s->p != ',' && *s->p != '}' && *s->p != ']')
        s->p++;
    return 0;
}

/* In the object at s->p, find member key; leaves s->p at its value. */
static int scan_member(scan_t *s, const char *key)
{
    skip_ws(s);
    if (s->p >= s->end || *s->p != '{')
        return -1;
    s->p++;
    for (;;) {
        skip_ws(s);
        size_t len;
        const char *k = scan_string(s, &len);
        if (!k)
            return -1;
        skip_ws(s);
        if (s->p >= s->end || *s->p != ':')
            return -1;
        s->p++;
        skip_ws(s);
        if (len == strlen(key) && memcmp(k, key, len) == 0)
            return 0;
        if (scan_skip(s) != 0)
            return -1;
        skip_ws(s);
        if (s->p < s->end && *s->p == ',') {
            s->p++;
            continue;
        }
        return -1;
    }
}

/* The first 4 MiB of a file (BOM skipped) in *buf; NULL when unreadable. */
static int peek_open(const char *path, char **buf, scan_t *s)
{
    enum { LIMIT = 4 << 20 };
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    *buf = malloc(LIMIT);
    if (!*buf) {
        fclose(f);
        return -1;
    }
    size_t len = fread(*buf, 1, LIMIT, f);
    fclose(f);
    s->p = *buf, s->end = *buf + len;
    if (len >= 3 && memcmp(*buf, "\xEF\xBB\xBF", 3) == 0)
        s->p += 3;
    return 0;
}

char *kl_batch_peek_id(const char *path)
{
    const kl_input_format_t *f = kl_input_format_of(path);
    if (!f || f->kind != KL_INPUT_JSON)
        return NULL;
    char *buf = NULL, *out = NULL;
    scan_t s;
    if (peek_open(path, &buf, &s) != 0)
        return NULL;
    size_t idlen;
    const char *id;
    if (scan_member(&s, "dataset") == 0 && scan_member(&s, "id") == 0 && (id = scan_string(&s, &idlen)) && idlen)
        out = strndup(id, idlen); /* escapes stay raw: the sanitiser turns them into '_' */
    free(buf);
    return out;
}

int kl_batch_peek_format(const char *path, const char *fmt)
{
    char *buf = NULL;
    scan_t s;
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || peek_open(path, &buf, &s) != 0)
        return 0;
    size_t len;
    const char *v;
    int yes = scan_member(&s, "format") == 0 && (v = scan_string(&s, &len)) && len == strlen(fmt) &&
              memcmp(v, fmt, len) == 0;
    free(buf);
    return yes;
}

/* -------------------------------------------------------------- SHA-256 */

typedef struct {
    uint32_t h[8];
    uint64_t bytes;
    unsigned char block[64];
    size_t fill;
} sha256_t;

static const uint32_t K256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(sha256_t *c, const unsigned char *b)
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)b[4 * i] << 24 | (uint32_t)b[4 * i + 1] << 16 | (uint32_t)b[4 * i + 2] << 8 | b[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = c->h[0], bb = c->h[1], cc = c->h[2], d = c->h[3], e = c->h[4], f = c->h[5], g = c->h[6],
             h = c->h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K256[i] + w[i];
        uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & bb) ^ (a & cc) ^ (bb & cc));
        h = g, g = f, f = e, e = d + t1, d = cc, cc = bb, bb = a, a = t1 + t2;
    }
    c->h[0] += a, c->h[1] += bb, c->h[2] += cc, c->h[3] += d;
    c->h[4] += e, c->h[5] += f, c->h[6] += g, c->h[7] += h;
}

static void sha256_init(sha256_t *c)
{
    static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(c->h, h0, sizeof h0);
    c->bytes = 0;
    c->fill = 0;
}

static void sha256_update(sha256_t *c, const void *data, size_t len)
{
    const unsigned char *p = data;
    c->bytes += len;
    if (c->fill) {
        size_t take = 64 - c->fill < len ? 64 - c->fill : len;
        memcpy(c->block + c->fill, p, take);
        c->fill += take, p += take, len -= take;
        if (c->fill < 64)
            return;
        sha256_block(c, c->block);
        c->fill = 0;
    }
    for (; len >= 64; p += 64, len -= 64)
        sha256_block(c, p);
    memcpy(c->block, p, len);
    c->fill = len;
}

static void sha256_final(sha256_t *c, char hex[65])
{
    uint64_t bits = c->bytes * 8;
    unsigned char pad[72] = {0x80};
    size_t padlen = c->fill < 56 ? 56 - c->fill : 120 - c->fill;
    unsigned char len8[8];
    for (int i = 0; i < 8; i++)
        len8[i] = (unsigned char)(bits >> (56 - 8 * i));
    sha256_update(c, pad, padlen);
    sha256_update(c, len8, 8);
    for (int i = 0; i < 8; i++)
        sprintf(hex + 8 * i, "%08x", c->h[i]);
    hex[64] = '\0';
}

static int hash_file(sha256_t *c, const char *path, const char *name)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    /* name and size first, so that moving bytes between files changes the hash */
    uint64_t size = (uint64_t)st.st_size;
    sha256_update(c, name, strlen(name) + 1);
    sha256_update(c, &size, sizeof size);
    static unsigned char buf[1 << 16]; /* one hash at a time per process */
    for (;;) {
        ssize_t k = read(fd, buf, sizeof buf);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
        if (k == 0)
            break;
        sha256_update(c, buf, (size_t)k);
    }
    close(fd);
    return 0;
}

int kl_batch_hash_inputs(const char *path, int is_dir, const char *options, char hex[65])
{
    sha256_t c;
    sha256_init(&c);
    static const char tag[] = "kluster-batch-input/1";
    sha256_update(&c, tag, sizeof tag);
    sha256_update(&c, options, strlen(options) + 1);
    if (!is_dir) {
        char *b = base_name(path);
        if (!b) {
            errno = ENOMEM;
            return -1;
        }
        int rc = hash_file(&c, path, b);
        free(b);
        if (rc)
            return -1;
    } else {
        size_t n = 0;
        char **names = list_dir(path, &n);
        if (!names)
            return -1;
        for (size_t i = 0; i < n; i++) {
            const kl_input_format_t *f = kl_input_format_of(names[i]);
            if (!(f && f->in_folder) && !has_suffix(names[i], ".csv"))
                continue;
            char *p = join(path, names[i]);
            struct stat st;
            if (!p) {
                free_names(names, n);
                errno = ENOMEM;
                return -1;
            }
            if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && hash_file(&c, p, names[i]) != 0) {
                int e = errno;
                free(p);
                free_names(names, n);
                errno = e;
                return -1;
            }
            free(p);
        }
        free_names(names, n);
    }
    sha256_final(&c, hex);
    return 0;
}

/* -------------------------------------------------------- atomic output */

/* The named temporary file in use, for the signal handler: written before
 * the name exists, cleared after it is gone, so the handler at worst tries to
 * remove a name that does not exist. */
static char current_tmp[320];
static volatile sig_atomic_t current_dirfd = -1;

void kl_batch_remove_current_temp(void)
{
    int fd = current_dirfd;
    if (fd >= 0 && current_tmp[0])
        unlinkat(fd, current_tmp, 0);
}

static void publish_tmp(int dirfd, const char *name)
{
    current_dirfd = -1;
    if (name) {
        snprintf(current_tmp, sizeof current_tmp, "%s", name);
        current_dirfd = dirfd;
    } else {
        current_tmp[0] = '\0';
    }
}

static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/* ".NAME.XXXXXX" with six random characters. */
static void tmp_name(char *buf, size_t size, const char *name)
{
    static unsigned long counter;
    unsigned long x = (unsigned long)getpid() * 2654435761u ^ (unsigned long)++counter * 40503u;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    x ^= (unsigned long)ts.tv_nsec * 97u;
    char rnd[7];
    for (int i = 0; i < 6; i++, x /= 62)
        rnd[i] = alnum[x % 62];
    rnd[6] = '\0';
    snprintf(buf, size, ".%s.%s", name, rnd);
}

/* Give the unnamed (O_TMPFILE) file fd the temporary name tmp, or create
 * tmp exclusively when fd is -1; returns the fd or -1. */
static int open_named(int dirfd, char *tmp, size_t tmpsize, const char *name, int unnamed_fd)
{
    for (int attempt = 0; attempt < 100; attempt++) {
        tmp_name(tmp, tmpsize, name);
        publish_tmp(dirfd, tmp);
        if (unnamed_fd >= 0) {
            char proc[64];
            snprintf(proc, sizeof proc, "/proc/self/fd/%d", unnamed_fd);
            if (linkat(AT_FDCWD, proc, dirfd, tmp, AT_SYMLINK_FOLLOW) == 0)
                return unnamed_fd;
        } else {
            int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
            if (fd >= 0)
                return fd;
        }
        if (errno != EEXIST) {
            publish_tmp(-1, NULL);
            return -1;
        }
    }
    publish_tmp(-1, NULL);
    return -1;
}

int kl_batch_write_file(int dirfd, const char *name, int (*writer)(FILE *f, void *ctx), void *ctx)
{
    char tmp[320];
    int e = 0, named = 0;
    /* O_TMPFILE: the data is written to a file without a name, so a process
     * killed even by SIGKILL leaves nothing; it gets a name only when complete */
    int fd = openat(dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
    int unnamed = fd >= 0;
    if (!unnamed) {
        if ((fd = open_named(dirfd, tmp, sizeof tmp, name, -1)) < 0)
            return -1;
        named = 1;
    }
    FILE *f = fdopen(fd, "w");
    if (!f) {
        e = errno;
        close(fd);
        goto fail;
    }
    errno = 0;
    if (writer(f, ctx) != 0 || fflush(f) != 0 || ferror(f)) {
        e = errno ? errno : EIO;
        fclose(f);
        goto fail;
    }
    if (unnamed) {
        if (open_named(dirfd, tmp, sizeof tmp, name, fd) < 0) {
            e = errno;
            fclose(f);
            goto fail;
        }
        named = 1;
    }
    if (fclose(f) != 0) {
        e = errno ? errno : EIO;
        goto fail;
    }
    if (renameat(dirfd, tmp, dirfd, name) != 0) {
        e = errno;
        goto fail;
    }
    publish_tmp(-1, NULL);
    return 0;
fail:
    if (named)
        unlinkat(dirfd, tmp, 0);
    publish_tmp(-1, NULL);
    errno = e;
    return -1;
}

typedef struct {
    const char *data;
    size_t len;
} blob_t;

static int write_blob(FILE *f, void *ctx)
{
    const blob_t *b = ctx;
    return fwrite(b->data, 1, b->len, f) == b->len ? 0 : -1;
}

int kl_batch_write_data(int dirfd, const char *name, const char *data, size_t len)
{
    blob_t b = {data, len};
    return kl_batch_write_file(dirfd, name, write_blob, &b);
}

/* 1 when the len bytes at name are one of list's names. */
static int names_one_of(const char *const *list, const char *name, size_t len)
{
    for (int k = 0; list[k]; k++)
        if (strlen(list[k]) == len && memcmp(name, list[k], len) == 0)
            return 1;
    return 0;
}

static int is_temp_of(const char *entry)
{
    static const char *const hidden[] = {KL_BATCH_STATUS, KL_BATCH_HASH, "index.html", "summary.json", NULL};
    size_t len = strlen(entry);
    if (entry[0] != '.' || len < 9 || entry[len - 7] != '.')
        return 0;
    for (size_t i = len - 6; i < len; i++)
        if (!strchr(alnum, entry[i]))
            return 0;
    size_t mid = len - 8; /* between the leading dot and ".XXXXXX" */
    return names_one_of(kl_batch_outputs, entry + 1, mid) || names_one_of(hidden, entry + 1, mid) ||
           names_one_of(kl_batch_optional_outputs, entry + 1, mid);
}

void kl_batch_sweep_temps(int dirfd)
{
    int fd = dup(dirfd);
    if (fd < 0)
        return;
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)))
        if (is_temp_of(e->d_name))
            unlinkat(dirfd, e->d_name, 0);
    closedir(d);
}
