/* engine/graph.h - kluster's typed graph model: entities, relations, evidence,
 * regions, and the undirected analysis graph built from them.
 *
 * A kl_dataset_t is filled by loaders (kl_dataset_add_*), then sealed with
 * kl_dataset_finalize(), which resolves ids, merges duplicates, checks
 * cross-references and applies the region-inheritance rule.  After that the
 * dataset is read-only and kl_agraph_build() derives analysis graphs from it.
 *
 * Strings handed out by the dataset are interned: equal strings have equal
 * pointers, and they live as long as the dataset (borrowed by every caller).
 * Library code never prints and never exits; errors come back as kl_err plus
 * an optional kl_error_t record, warnings are collected in the dataset.
 */
#ifndef KL_ENGINE_GRAPH_H
#define KL_ENGINE_GRAPH_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------- errors */

typedef enum {
    KL_OK = 0,
    KL_ENOMEM,  /* out of memory */
    KL_EINVAL,  /* invalid argument or invalid data */
    KL_EPARSE,  /* syntax error in an input file */
    KL_EIO,     /* read or write failure */
    KL_EGRAPHLIB, /* the graph library reported an error */
    KL_EGVC,    /* Graphviz reported an error */
    KL_ELIMIT   /* a configured size limit was exceeded */
} kl_err;

/* One error, like jansson's json_error_t.  The first error recorded wins:
 * kl_error_set() does nothing on a record that already holds one. */
typedef struct {
    int set;           /* non-zero once an error is recorded */
    kl_err code;
    char source[512];  /* file name, "" when the error has no place */
    long line, column; /* 1-based; 0 when unknown */
    char where[64];    /* record path ("relations[12]") when the line is unknown */
    char text[320];    /* message: lower case, no full stop */
} kl_error_t;

/* Short description of a code ("out of memory"); never NULL. */
const char *kl_strerror(kl_err code);

/* Record an error (printf-style message); err may be NULL.  Returns code so
 * callers can write `return kl_error_set(err, KL_EINVAL, ...)`. */
kl_err kl_error_set(kl_error_t *err, kl_err code, const char *source, long line, long column,
                    const char *fmt, ...) __attribute__((format(printf, 6, 7)));
kl_err kl_error_setv(kl_error_t *err, kl_err code, const char *source, long line, long column,
                     const char *fmt, va_list ap);
/* The same, with a record path standing in for the line ("relations[12]"). */
kl_err kl_error_set_where(kl_error_t *err, kl_err code, const char *source, const char *where,
                          const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Format as "FILE:LINE:COL: error: MSG", "FILE:PATH: error: MSG" or
 * "kluster: error: MSG" into buf (always NUL-terminated). */
void kl_error_format(const kl_error_t *err, char *buf, size_t size);

/* Length of the valid UTF-8 prefix of s[0..len) (== len when all valid):
 * RFC 3629, no overlong forms, surrogates or code points past U+10FFFF. */
size_t kl_utf8_valid_prefix(const char *s, size_t len);

/* Once at start-up, before any other call: graph library failures then come
 * back as error codes with their reason (KL_EGRAPHLIB), never as an abort. */
void kl_engine_init(void);

/* The environment variable that fixes the key of kl_hash, for tests. */
#define KL_HASH_KEY_ENV "KLUSTER_HASH_KEY"

/* Chooses the key of kl_hash once per process: the 32 hex digits of
 * KLUSTER_HASH_KEY when set (and not empty), else 128 random bits (getrandom,
 * /dev/urandom, or the time and pid).  Call it at start-up, before threads;
 * without the call the first kl_hash chooses.  KL_EINVAL when the variable is
 * malformed (the key is then random); every later call returns the same. */
kl_err kl_hash_init(kl_error_t *err);

/* Keyed 64-bit hash (SipHash-1-3) of len bytes, for every table that input
 * fills: without the key nobody can craft keys that collide.  Its values
 * change from run to run, so they must never decide an output order.  Can't
 * fail; thread-safe.  O(len). */
uint64_t kl_hash(const void *data, size_t len);

/* Version of the graph library the engine computes with ("0.10.2"), for
 * --version. */
const char *kl_engine_graphlib_version(void);
/* Clean-up entries the graph library still holds (igraph's "finally"
 * stack): 0 after every kluster call, whatever it returned; a test checks
 * that no error path leaves one behind. */
int kl_engine_graphlib_pending(void);

/* ------------------------------------------------------------ vocabulary */

typedef enum {
    KL_KIND_ORGANISATION = 0,
    KL_KIND_PERSON,
    KL_KIND_PROJECT,
    KL_KIND_FUNDER,
    KL_KIND_COUNT
} kl_kind;

/* "organisation", ...; NULL for an out-of-range value. */
const char *kl_kind_name(kl_kind kind);
/* Returns the kind, or -1 when name is not one of the four kinds. */
int kl_kind_parse(const char *name);

typedef enum {
    KL_REL_MEMBER_OF = 0,
    KL_REL_EMPLOYED_BY,
    KL_REL_LEADS,
    KL_REL_PARTICIPATES_IN,
    KL_REL_COORDINATES,
    KL_REL_FUNDS,
    KL_REL_PARTNER_OF,
    KL_REL_INITIATED,
    KL_REL_OTHER /* any other string: kept, undirected, warned about once */
} kl_reltype;

const char *kl_reltype_name(kl_reltype type); /* NULL for KL_REL_OTHER */
kl_reltype kl_reltype_parse(const char *name);

/* ------------------------------------------------------------- weights */

/* The weights kluster computes with.  Products of two weights (eigenvector
 * centrality, modularity) and sums of reciprocals (weighted path lengths)
 * must stay finite and non-zero in double precision; 1e-100 .. 1e100 leaves
 * room for sums over any graph that fits in memory. */
#define KL_WEIGHT_MIN 1e-100
#define KL_WEIGHT_MAX 1e100

/* NULL when w is a weight kluster accepts, else what is wrong with it, to
 * follow "weight W of relation 'a' -> 'b' ", e.g. "must be > 0". */
const char *kl_weight_problem(double w);

/* ---------------------------------------------------------- shown text */

/* Names as figures and reports (HTML, Markdown, SVG tooltips) show them: at
 * most KL_SHOWN_CHARS characters.  Data (JSON, CSV, graph exports) keep the
 * whole name. */
#define KL_SHOWN_CHARS 200
#define KL_SHOWN_SIZE (4 * KL_SHOWN_CHARS) /* bytes of a cut name, NUL included */

/* s itself when it has at most KL_SHOWN_CHARS characters (code points:
 * bytes other than UTF-8 continuation bytes) and 4 * KL_SHOWN_CHARS bytes;
 * else buf (KL_SHOWN_SIZE bytes) holding its first KL_SHOWN_CHARS - 1
 * characters (fewer when they take more than KL_SHOWN_SIZE - 4 bytes) and
 * "…", cut where a character starts, so valid UTF-8 stays valid.  NULL
 * gives NULL.  Can't fail.  O(KL_SHOWN_CHARS). */
const char *kl_shown_name(const char *s, char *buf);

/* --------------------------------------------------------------- dates */

/* Dates are int32 yyyymmdd, so they compare as integers.  An absent start is
 * KL_DATE_MIN, an absent end KL_DATE_MAX. */
#define KL_DATE_MIN INT32_MIN
#define KL_DATE_MAX INT32_MAX

/* Parse "YYYY" or "YYYY-MM-DD" (a real calendar date).  A year alone means
 * its first day when as_end is 0, its last day when as_end is 1.  Returns 0
 * on success, -1 on a malformed date. */
int kl_date_parse(const char *text, int as_end, int32_t *out);

/* ---------------------------------------------------------------- model */

/* Where a record was read: file index into kl_dataset_t.files, 1-based line
 * and column (0 when unknown), and the record's index in its array. */
typedef struct {
    uint32_t file;
    uint32_t line, column;
    uint32_t index; /* record index: entities[index], relations[index], ... */
} kl_loc_t;

typedef struct {
    const char *id, *name;    /* never NULL */
    const char *type;         /* free subtype, or NULL */
    const char *country;      /* ISO 3166-1 alpha-2, or NULL */
    int32_t region;           /* own region (index into regions), or -1 */
    int32_t start, end;       /* KL_DATE_MIN / KL_DATE_MAX when absent */
    double lat, lon;          /* NAN when absent */
    kl_kind kind;
    kl_loc_t loc;             /* where it was first defined */
} kl_entity_t;

typedef struct {
    uint32_t source, target;  /* entity indices (valid after finalize) */
    const char *source_id, *target_id;
    const char *type;         /* the type as written */
    kl_reltype type_code;
    const char *role;         /* or NULL */
    double weight;            /* > 0, default 1 */
    double amount;            /* NAN when absent */
    const char *currency;     /* or NULL */
    int32_t start, end;
    uint32_t evidence_first, evidence_count; /* into evidence[] */
    kl_loc_t loc;
} kl_relation_t;

typedef struct {
    const char *source_id;    /* a source listed under sources */
    const char *quote;        /* or NULL */
    int32_t source;           /* index into sources (valid after finalize) */
} kl_evidence_t;

typedef struct {
    const char *id, *name;    /* name defaults to id */
    const char *level, *parent; /* or NULL */
    double lat, lon;          /* NAN when absent */
    int declared;             /* 0 when created because an entity named it */
    kl_loc_t loc;
    /* The region's own outline for maps (docs/format.md#region-outlines):
     * n_rings outer rings, ring k being vertices [ring[k], ring[k + 1]) of
     * ring_lat/ring_lon, in degrees; 0 rings when the dataset gives none.
     * Owned by the dataset: set only with kl_dataset_set_region_outline(). */
    uint32_t n_rings;
    const uint32_t *ring;     /* n_rings + 1 entries, ring[0] = 0 */
    const double *ring_lat, *ring_lon;
} kl_region_t;

typedef struct {
    const char *id;
    const char *title, *url, *date; /* or NULL */
    kl_loc_t loc;
} kl_source_t;

typedef struct {
    uint32_t entity;
    const char *alias;
} kl_alias_t;

/* Free attributes: unknown keys, kept as their JSON text (a CSV cell is kept
 * as a JSON string). */
typedef enum { KL_OWNER_DATASET, KL_OWNER_ENTITY, KL_OWNER_RELATION, KL_OWNER_REGION, KL_OWNER_SOURCE } kl_owner;

typedef struct {
    kl_owner owner_kind;
    uint32_t owner;
    const char *key, *value_json;
} kl_attr_t;

typedef enum { KL_WARN_CONFLICT, KL_WARN_UNKNOWN_TYPE, KL_WARN_MOJIBAKE, KL_WARN_SELF_LOOP,
               KL_WARN_DUPLICATE, KL_WARN_OTHER, KL_WARN_COUNT } kl_warning_kind;

typedef struct {
    kl_warning_kind kind;
    char *text; /* the full line: "FILE:LINE:COL: warning: MSG" (owned by the dataset) */
} kl_warning_t;

/* A growable array of fixed-size items. */
typedef struct {
    void *items;
    size_t count, capacity, item_size;
} kl_array_t;

typedef struct kl_intern kl_intern_t;     /* string pool (engine internal) */
typedef struct kl_index kl_index_t;       /* id -> index hash (engine internal) */

typedef struct {
    const char *id, *title;   /* from "dataset": {...}; id falls back to the file name */
    char **files;             /* file paths in load order (byte order of names) */
    uint32_t n_files;

    kl_entity_t *entities;     uint32_t n_entities;
    kl_relation_t *relations;  uint32_t n_relations;
    kl_evidence_t *evidence;   uint32_t n_evidence;
    kl_region_t *regions;      uint32_t n_regions;
    kl_source_t *sources;      uint32_t n_sources;
    kl_alias_t *aliases;       uint32_t n_aliases;
    kl_attr_t *attrs;          uint32_t n_attrs;
    kl_warning_t *warnings;    uint32_t n_warnings;
    uint32_t warning_counts[KL_WARN_COUNT];

    /* Region of each entity after the inheritance rule (docs/metrics.md#region-of-an-actor), or
     * -1: regionless.  Valid after finalize. */
    int32_t *actor_region;

    uint64_t input_bytes;     /* bytes read by the loaders */
    int finalized;
    int resolve_names;        /* relations may name an entity by alias */

    /* private */
    kl_intern_t *pool;
    kl_index_t *entity_index, *region_index, *source_index, *alias_index;
    size_t cap_entities, cap_relations, cap_evidence, cap_regions, cap_sources, cap_aliases,
        cap_attrs, cap_warnings, cap_files;
    uint32_t reported_unknown_types; /* bounded memory for "reported once" */
    int lost_warning;         /* a warning could not be stored (out of memory) */
    kl_index_t *unknown_types;
} kl_dataset_t;

/* Initialise an empty dataset.  Returns KL_ENOMEM on failure. */
kl_err kl_dataset_init(kl_dataset_t *ds);
/* Free everything; safe on a zeroed or destroyed dataset. */
void kl_dataset_destroy(kl_dataset_t *ds);

/* Intern a string of len bytes (need not be NUL-terminated).  Returns the
 * pooled copy (borrowed, lives as long as ds) or NULL when out of memory. */
const char *kl_dataset_intern(kl_dataset_t *ds, const char *s, size_t len);

/* Register a file; its index goes into kl_loc_t.file.  Returns the index or
 * -1 when out of memory. */
int kl_dataset_add_file(kl_dataset_t *ds, const char *path);

/* Add records.  Strings must already be interned with kl_dataset_intern().
 * Errors (duplicate id within one file, bad values) are reported in err with
 * the record's location; warnings (conflicts across files) are collected.
 * On error the dataset is unchanged. */
kl_err kl_dataset_add_entity(kl_dataset_t *ds, const kl_entity_t *entity, const char *region_id,
                             int32_t *out_index, kl_error_t *err);
kl_err kl_dataset_add_relation(kl_dataset_t *ds, const kl_relation_t *rel, kl_error_t *err);
/* Evidence of the relation most recently added (call after add_relation). */
kl_err kl_dataset_add_evidence(kl_dataset_t *ds, const char *source_id, const char *quote,
                               kl_error_t *err);
/* A region's outline fields (n_rings, ring, ring_lat, ring_lon) are not
 * taken from *region: see kl_dataset_set_region_outline. */
kl_err kl_dataset_add_region(kl_dataset_t *ds, const kl_region_t *region, kl_error_t *err);
kl_err kl_dataset_add_source(kl_dataset_t *ds, const kl_source_t *source, kl_error_t *err);
kl_err kl_dataset_add_alias(kl_dataset_t *ds, uint32_t entity, const char *alias);
kl_err kl_dataset_add_attr(kl_dataset_t *ds, kl_owner owner_kind, uint32_t owner, const char *key,
                           const char *value_json);

/* Give region r (an index into regions) the outline of n_rings rings, ring
 * k being vertices [ring[k], ring[k + 1]) of lat/lon (ring holds n_rings + 1
 * offsets from ring[0] = 0; borrowed, copied into the dataset), replacing
 * any it had.  Allowed after finalize: outlines are read once the regions
 * are known.  Errors: KL_EINVAL (r out of range, no rings, a ring of fewer
 * than 3 vertices), KL_ENOMEM (the region keeps its old outline).
 * O(vertices). */
kl_err kl_dataset_set_region_outline(kl_dataset_t *ds, uint32_t r, uint32_t n_rings, const uint32_t *ring,
                                     const double *lat, const double *lon);

/* Record a warning at a location (printf-style). */
kl_err kl_dataset_warn(kl_dataset_t *ds, kl_warning_kind kind, const kl_loc_t *loc, const char *where,
                       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Seal the dataset: resolve relation endpoints (by id, or by alias when
 * ds->resolve_names), check evidence sources, merge relations with the same
 * (source, target, type), create undeclared regions, compute actor_region.
 * O(n + m) expected.  On error the dataset must be destroyed. */
kl_err kl_dataset_finalize(kl_dataset_t *ds, kl_error_t *err);

/* Entity index for an id, or -1 (valid after finalize). */
int32_t kl_dataset_find_entity(const kl_dataset_t *ds, const char *id);
int32_t kl_dataset_find_region(const kl_dataset_t *ds, const char *id);

/* ----------------------------------------------------------------- names */

/* Text as people type it (engine/names.c): lower case, accents dropped from
 * Latin letters (ö -> o, æ -> ae), runs of white space as one space, trimmed.
 * Writes at most size - 1 bytes and a NUL; returns the length written. */
size_t kl_fold(const char *s, char *out, size_t size);

/* Edit distance (insertions, deletions, substitutions, adjacent swaps) of
 * two byte strings, or limit + 1 when it is above limit.  O(|a| x |b|). */
unsigned kl_edit_distance(const char *a, const char *b, unsigned limit);

/* The candidate nearest to word after folding, when it is a likely typo
 * (one edit in a short word, up to three in a long one), else NULL.
 * NULL candidates are skipped; on a tie the first wins. */
const char *kl_nearest(const char *word, const char *const *candidates, size_t n);

/* "; did you mean 'person'?" when word looks like a misspelt kind (or
 * relation type), else "".  Writes into buf; returns buf or "". */
const char *kl_kind_hint(const char *word, char *buf, size_t size);
const char *kl_reltype_hint(const char *word, char *buf, size_t size);

/* How a text named an entity or a region (kl_dataset_name_*). */
typedef enum {
    KL_NAMED_NONE = 0, /* nothing: shown[] holds the nearest names, if any */
    KL_NAMED_ID,       /* its id */
    KL_NAMED_NAME,     /* its exact name */
    KL_NAMED_ALIAS,    /* one of its aliases */
    KL_NAMED_FOLDED,   /* its id, name or an alias, ignoring case and accents */
    KL_NAMED_PREFIX,   /* the start of its id, name or an alias, ditto */
    KL_NAMED_MANY      /* the first rule that matched matched n_matches items */
} kl_named_how;

#define KL_NAMED_SHOWN 8

typedef struct {
    kl_named_how how;
    int32_t index;       /* the entity or region, -1 for NONE and MANY */
    uint32_t n_matches;  /* items the deciding rule matched */
    uint32_t n_shown;    /* MANY: the first matches; NONE: the nearest names */
    uint32_t shown[KL_NAMED_SHOWN];
} kl_named_t;

/* Resolve text the rules in order (id, exact name, alias, folded name or
 * alias, folded prefix); the first rule that matches decides.  Items are
 * listed in dataset order.  O(entities + aliases) per rule tried. */
void kl_dataset_name_entity(const kl_dataset_t *ds, const char *text, kl_named_t *out);
void kl_dataset_name_region(const kl_dataset_t *ds, const char *text, kl_named_t *out);

/* Entities whose id, name or an alias contains text, ignoring case and
 * accents, in dataset order: the first cap go to out; returns how many. */
size_t kl_dataset_search_entities(const kl_dataset_t *ds, const char *text, uint32_t *out, size_t cap);

/* Location text for messages: "FILE:LINE:COL" or "FILE:relations[12]"
 * (array names the record kind).  Always NUL-terminates buf. */
void kl_dataset_format_loc(const kl_dataset_t *ds, const kl_loc_t *loc, const char *array, char *buf,
                           size_t size);

/* --------------------------------------------------------- analysis graph */

typedef enum { KL_MODE_FULL = 0, KL_MODE_ORGANISATIONS } kl_mode;

typedef struct {
    kl_mode mode;
    /* When non-zero, only relation types whose bit is set count as ties
     * (bit KL_REL_OTHER stands for every unknown type). */
    uint32_t tie_types;
    uint32_t exclude_kinds;   /* bit per kl_kind: removed from the graph */
    int32_t from, to;         /* time window, KL_DATE_MIN/MAX when open */
    /* Organisations view: a project with more organisations than this is
     * left out of the projection (its k(k-1)/2 ties would swamp the graph);
     * 0: no limit.  Default KL_MAX_PROJECT_SIZE. */
    uint32_t max_project_size;
    /* Refuse (KL_ELIMIT) a graph with more ties than this, counted before
     * parallel ties merge: in the organisations view sum over the kept
     * projects and people of k(k-1)/2, plus the direct relations, computed
     * before any tie is made; 0: no limit.  Default KL_MAX_TIES. */
    uint64_t max_ties;
} kl_graph_options_t;

#define KL_MAX_PROJECT_SIZE 200u
#define KL_MAX_TIES 10000000ull

void kl_graph_options_init(kl_graph_options_t *opt);

/* Compressed sparse rows of the analysis graph, for kluster's own kernels:
 * the neighbours of v are adj[offset[v] .. offset[v+1]), sorted ascending,
 * with weight w[same index] and edge id eid[same index]. */
typedef struct {
    uint32_t n;
    uint32_t m;           /* undirected edges */
    uint32_t *offset;     /* n + 1 */
    uint32_t *adj;        /* 2m */
    uint32_t *eid;        /* 2m */
    double *w;            /* 2m */
} kl_csr_t;

/* The same graph in the graph library's own form, for its algorithms:
 * opaque here; analysis/ reads it through the engine's library view header. */
typedef struct kl_graphlib_form kl_graphlib_form_t;

typedef struct {
    kl_graphlib_form_t *lib;      /* undirected, simple; NULL until built */
    double *weight;             /* weight of edge e (m entries, order of edge_from/edge_to) */
    uint32_t n;                 /* vertices */
    uint32_t *vertex_entity;    /* vertex -> entity index */
    int32_t *entity_vertex;     /* entity -> vertex, -1 when not in the graph */
    int32_t *vertex_region;     /* region after inheritance, -1 regionless */
    uint32_t *edge_from, *edge_to; /* edge e joins edge_from[e] < edge_to[e] */
    kl_csr_t csr;
    kl_graph_options_t options;
    int initialized;
    /* Organisations view: projects left out by max_project_size, and the
     * largest of them (entity index and organisations, largest first, then
     * by id), skipped_shown of them */
    uint32_t skipped_projects, skipped_shown;
    uint32_t skipped_project[3], skipped_size[3];
} kl_agraph_t;

/* Build the analysis graph of a finalized dataset (docs/metrics.md#the-analysis-graph: actors,
 * ties, weights, window).  Vertices are in entity order; edges sorted by
 * (from, to).  O((n + m) log m).  On error g is left destroyed. */
kl_err kl_agraph_build(kl_agraph_t *g, const kl_dataset_t *ds, const kl_graph_options_t *opt,
                       kl_error_t *err);
void kl_agraph_destroy(kl_agraph_t *g);

/* Connected components of the analysis graph: how many, the size of the
 * largest, and how many vertices have no tie.  O(n + m); can fail only with
 * KL_ENOMEM. */
kl_err kl_agraph_component_counts(const kl_agraph_t *g, uint32_t *components, uint32_t *largest,
                                  uint32_t *isolated);

/* The vertices whose key is > 0, into idx (g->n entries), by key
 * descending, then actor id in byte order: the one order of every ranking
 * and top-N list.  Returns how many.  O(n log n); can't fail. */
uint32_t kl_agraph_rank_by(const kl_agraph_t *g, const kl_dataset_t *ds, const double *key, uint32_t *idx);

/* The relations that make each tie: tie e's are rel[offset[e] ..
 * offset[e + 1]), relation indices ascending, each once.  Full view: the
 * kept relations between the two actors.  Organisations view: the direct
 * relations between the two organisations, and for each shared project or
 * person (docs/metrics.md#the-organisations-view) the relations that put
 * each of the two into it (participates_in, coordinates, initiated;
 * employed_by, leads, member_of).  Only relations the graph options keep
 * (window, --ties) count, and no project left out by max_project_size. */
typedef struct {
    uint32_t m;        /* ties (g->csr.m) */
    uint32_t *offset;  /* m + 1 */
    uint32_t *rel;     /* offset[m] */
} kl_tie_relations_t;

/* Fill out (caller declares it, then owns what it holds: destroy it) with
 * the relations behind every tie of g, built from ds with g->options.
 * KL_ENOMEM leaves out destroyed.  O(m log m + R log R), R = relations
 * named (the organisations view names each membership once per tie). */
kl_err kl_agraph_tie_relations(const kl_agraph_t *g, const kl_dataset_t *ds, kl_tie_relations_t *out,
                               kl_error_t *err);
/* Free what out holds; safe on a zeroed or destroyed one. */
void kl_tie_relations_destroy(kl_tie_relations_t *tr);

/* Growable arrays used across the engine (exposed for loaders and analysis). */
void kl_array_init(kl_array_t *a, size_t item_size);
void *kl_array_push(kl_array_t *a); /* zeroed slot, or NULL when out of memory */
void kl_array_destroy(kl_array_t *a);

#endif
