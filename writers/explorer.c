/* writers/explorer.c - the network diagram made explorable in the browser:
 * the data behind it as JSON (kluster-explorer/1: every actor with its
 * card's facts and evidence, the region pairs and their brokers) and the
 * page of `kluster render -o FILE.html`.  The script and style that read
 * the data are writers/explorer/explorer.{js,css}, inlined as they are
 * (writers/explorer_assets.c), so the page needs nothing from the network.
 * report.html (html.c) carries the same container, data and script.
 * The page speaks the output language (i18n/): the script's words come in
 * the data's "ui" object, written only when the language is not English,
 * so an English page's data are as they were. */
#include "writers_internal.h"

#include "../i18n/i18n.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ the SVG */

/* XML character references and the five entities of an attribute value,
 * decoded into buf (UTF-8).  Graphviz writes '-' in ids as "&#45;". */
static void xml_unescape(const char *s, size_t n, char *buf, size_t size)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 5 < size;) {
        if (s[i] != '&') {
            buf[k++] = s[i++];
            continue;
        }
        const char *semi = memchr(s + i, ';', n - i);
        if (!semi) {
            buf[k++] = s[i++];
            continue;
        }
        size_t len = (size_t)(semi - (s + i)) + 1;
        unsigned long cp = 0;
        if (len > 3 && s[i + 1] == '#')
            cp = s[i + 2] == 'x' ? strtoul(s + i + 3, NULL, 16) : strtoul(s + i + 2, NULL, 10);
        else if (len == 5 && !memcmp(s + i, "&amp;", 5))
            cp = '&';
        else if (len == 4 && !memcmp(s + i, "&lt;", 4))
            cp = '<';
        else if (len == 4 && !memcmp(s + i, "&gt;", 4))
            cp = '>';
        else if (len == 6 && !memcmp(s + i, "&quot;", 6))
            cp = '"';
        else if (len == 6 && !memcmp(s + i, "&apos;", 6))
            cp = '\'';
        if (!cp || cp > 0x10FFFF) {
            buf[k++] = s[i++];
            continue;
        }
        if (cp < 0x80) {
            buf[k++] = (char)cp;
        } else if (cp < 0x800) {
            buf[k++] = (char)(0xC0 | cp >> 6);
            buf[k++] = (char)(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            buf[k++] = (char)(0xE0 | cp >> 12);
            buf[k++] = (char)(0x80 | (cp >> 6 & 0x3F));
            buf[k++] = (char)(0x80 | (cp & 0x3F));
        } else {
            buf[k++] = (char)(0xF0 | cp >> 18);
            buf[k++] = (char)(0x80 | (cp >> 12 & 0x3F));
            buf[k++] = (char)(0x80 | (cp >> 6 & 0x3F));
            buf[k++] = (char)(0x80 | (cp & 0x3F));
        }
        i += len;
    }
    buf[k] = '\0';
}

/* Mark drawn[v] for every actor with a node in the SVG (id="actor:ID"). */
static void drawn_actors(const kl_explorer_t *x, uint8_t *drawn)
{
    const char *p = x->svg, *end = x->svg ? x->svg + x->svg_len : NULL;
    char id[1024];
    while (p && p < end) {
        const char *hit = memmem(p, (size_t)(end - p), "<g id=\"actor:", 13);
        if (!hit)
            break;
        const char *start = hit + 13, *close = memchr(start, '"', (size_t)(end - start));
        if (!close)
            break;
        xml_unescape(start, (size_t)(close - start), id, sizeof id);
        int32_t e = kl_dataset_find_entity(x->ds, id);
        if (e >= 0 && x->g->entity_vertex[e] >= 0)
            drawn[x->g->entity_vertex[e]] = 1;
        p = close;
    }
}

/* ---------------------------------------------------------------- words */

/* Every word explorer.js shows, in its English (the script's own, its
 * fallback): ui.text maps each to the output language.  The script puts
 * numbers for {n} and {m}; a test checks that this list holds every text
 * the script translates. */
static const char *const ui_text[] = {
    N_("Find an actor"),
    /* TRANSLATORS: the search field's placeholder; "/" is the key that
     * reaches it */
    N_("name, short name or id  ( / )"),
    N_("Matching actors"),
    N_("Highlight a region"),
    N_("All regions"),
    N_("Region pair and its brokers"),
    N_("No pair"),
    N_("Actors shown (top by brokerage)"),
    N_("Zoom"),
    N_("Zoom in"),
    N_("Zoom in (+)"),
    N_("Zoom out"),
    N_("Zoom out (\u2212)"),
    /* TRANSLATORS: a button: the whole diagram in view again */
    N_("Reset"),
    N_("Show the whole diagram (0)"),
    N_("Details"),
    N_("Network diagram: drag or arrow keys to pan, + and \u2212 to zoom, 0 to reset; Tab reaches the actors"),
    N_("Could not copy: select the text"),
    N_("Id copied"),
    N_("Command copied"),
    N_("actor"),
    N_("not drawn here"),
    N_("not drawn"),
    N_("(not drawn)"),
    N_("Degree"),
    N_("IRB share"),
    N_("Broker rank"),
    /* TRANSLATORS: an actor's identifier, before it on the card */
    N_("Id"),
    /* TRANSLATORS: before the command that draws the actor's ego network */
    N_("Its neighbourhood:"),
    N_("Copy id"),
    N_("Copy command"),
    N_("Brokers between (share of the paths)"),
    /* TRANSLATORS: {n} is a number the page puts in */
    N_("and {n} more pairs"),
    N_("and {n} more"),
    N_("Evidence"),
    /* TRANSLATORS: a relation drawn toward the actor of the card: "X member
     * of this" */
    N_("this"),
    N_("tie"),
    /* TRANSLATORS: before a source's title */
    N_("Source:"),
    N_("unnamed"),
    N_("Brokers (share of the shortest paths)"),
    N_("Close the card"),
    N_("Close (Esc)"),
    N_("no region"),
    /* TRANSLATORS: the links of a region pair; {n} is their number */
    N_("{n} link"),
    N_("{n} links"),
    /* TRANSLATORS: actors shown, "all 40", "12 of 40" */
    N_("all {n}"),
    N_("{n} of {m}"),
};

/* The kinds by kl_kind, as the cards name them. */
static const char *const ui_kinds[KL_KIND_COUNT] = {N_("organisation"), N_("person"), N_("project"), N_("funder")};

/* {"text": {English: translation}, "kinds": [...], "relations": {type:
 * words, as the reports put them (kl_i_reltype_label)}}, or NULL when out
 * of memory. */
static json_t *ui_json(void)
{
    json_t *ui = json_object(), *text = json_object(), *kinds = json_array(), *rel = json_object();
    int ok = ui && text && kinds && rel;
    for (size_t k = 0; ok && k < sizeof ui_text / sizeof *ui_text; k++)
        ok &= json_object_set_new(text, ui_text[k], json_string(kl_tr(ui_text[k]))) == 0;
    for (size_t k = 0; ok && k < KL_KIND_COUNT; k++)
        ok &= json_array_append_new(kinds, json_string(kl_tr(ui_kinds[k]))) == 0;
    for (int k = 0; ok && k < KL_REL_OTHER; k++) {
        const char *type = kl_reltype_name((kl_reltype)k);
        ok &= json_object_set_new(rel, type, json_string(kl_i_reltype_label(type))) == 0;
    }
    ok = ok && json_object_set(ui, "text", text) == 0 && json_object_set(ui, "kinds", kinds) == 0 &&
         json_object_set(ui, "relations", rel) == 0;
    json_decref(text), json_decref(kinds), json_decref(rel);
    if (!ok) {
        json_decref(ui);
        return NULL;
    }
    return ui;
}

/* ---------------------------------------------------------------- JSON */

#define EVIDENCE_CAP 20 /* relations shown on a card; the rest are counted */
/* Above this many actors only the drawn ones and the pairs' brokers carry
 * their evidence (the others' cards count it): CORDIS's 67,000 actors with
 * 20 relations each would weigh tens of megabytes. */
#define EVIDENCE_ALL_ACTORS 5000

typedef struct {
    const kl_explorer_t *x;
    uint32_t *actor_of;    /* vertex -> index in the actors array (sorted by id) */
    uint32_t *order;       /* index -> vertex */
    uint32_t *rel_off, *rel; /* entity -> its relations (both ends) */
    int32_t *short_attr;   /* entity -> its first "short_name" attribute, or -1 */
    uint32_t *alias_off, *alias; /* entity -> its aliases (indices into ds->aliases) */
} ctx_t;

static int cmp_vertex_id(const void *a, const void *b, void *c)
{
    const kl_explorer_t *x = c;
    uint32_t u = *(const uint32_t *)a, v = *(const uint32_t *)b;
    return strcmp(x->ds->entities[x->g->vertex_entity[u]].id, x->ds->entities[x->g->vertex_entity[v]].id);
}

/* The entity's short_name attribute when it is a JSON string, else "". */
static void short_name(const ctx_t *c, uint32_t entity, char *buf, size_t size)
{
    buf[0] = '\0';
    if (c->short_attr[entity] < 0)
        return;
    json_t *j = json_loads(c->x->ds->attrs[c->short_attr[entity]].value_json, JSON_DECODE_ANY, NULL);
    if (json_is_string(j))
        snprintf(buf, size, "%s", json_string_value(j));
    json_decref(j);
}

/* s for a POSIX shell: as it is when it holds only safe characters, else
 * in single quotes ('\'' for a quote). */
static void shell_quote(FILE *f, const char *s)
{
    if (*s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._/:@%+=,-") == strlen(s)) {
        fputs(s, f);
        return;
    }
    fputc('\'', f);
    for (; *s; s++)
        if (*s == '\'')
            fputs("'\\''", f);
        else
            fputc(*s, f);
    fputc('\'', f);
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *real_or_null(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

/* How a relation ranks on a card: to another region first (what makes a
 * broker), then with a quote, then in the dataset's order. */
static int evidence_rank(const ctx_t *c, uint32_t self, uint32_t r)
{
    const kl_dataset_t *ds = c->x->ds;
    const kl_relation_t *rel = &ds->relations[r];
    uint32_t other = rel->source == self ? rel->target : rel->source;
    int32_t mine = ds->entities[self].region, theirs = ds->entities[other].region;
    int cross = mine >= 0 && theirs >= 0 && mine != theirs;
    int quoted = 0;
    for (uint32_t k = 0; k < rel->evidence_count && !quoted; k++)
        quoted = ds->evidence[rel->evidence_first + k].quote != NULL;
    return (cross ? 0 : 2) + (quoted ? 0 : 1);
}

static json_t *evidence_json(const ctx_t *c, uint32_t entity, int wanted, uint32_t *more)
{
    const kl_dataset_t *ds = c->x->ds;
    json_t *arr = json_array();
    uint32_t n = c->rel_off[entity + 1] - c->rel_off[entity], shown = 0;
    if (!arr)
        return NULL;
    if (!wanted) {
        *more = n;
        return arr;
    }
    /* four passes by rank keep the dataset's order within each */
    for (int want = 0; want < 4; want++)
        for (uint32_t k = 0; k < n && shown < EVIDENCE_CAP; k++) {
            uint32_t r = c->rel[c->rel_off[entity] + k];
            if (evidence_rank(c, entity, r) != want)
                continue;
            const kl_relation_t *rel = &ds->relations[r];
            uint32_t other = rel->source == entity ? rel->target : rel->source;
            int32_t ov = c->x->g->entity_vertex[other];
            const char *quote = NULL;
            const kl_source_t *src = NULL;
            for (uint32_t q = 0; q < rel->evidence_count; q++) {
                const kl_evidence_t *ev = &ds->evidence[rel->evidence_first + q];
                if (!src || (!quote && ev->quote)) {
                    src = ev->source >= 0 ? &ds->sources[ev->source] : NULL;
                    quote = ev->quote;
                }
            }
            char date[16] = "", cut[KL_SHOWN_SIZE];
            if (rel->start != KL_DATE_MIN)
                kl_i_format_date(rel->start, date, sizeof date);
            json_t *o = json_object();
            if (!o || json_array_append_new(arr, o) != 0)
                goto fail;
            int bad = json_object_set_new(o, "type", json_string(rel->type)) |
                      json_object_set_new(o, "dir", json_string(rel->source == entity ? "out" : "in")) |
                      json_object_set_new(o, "with", json_integer(ov >= 0 ? (json_int_t)c->actor_of[ov] : -1)) |
                      json_object_set_new(o, "with_name", json_string(kl_shown_name(ds->entities[other].name, cut))) |
                      json_object_set_new(o, "quote", str_or_null(quote)) |
                      json_object_set_new(o, "source", json_integer(src ? (json_int_t)(src - ds->sources) : -1)) |
                      json_object_set_new(o, "date", str_or_null(date[0] ? date : NULL));
            if (bad)
                goto fail;
            shown++;
        }
    *more = n - shown;
    return arr;
fail:
    json_decref(arr);
    return NULL;
}

/* A short name several entities carry names none of them ("ukjent",
 * unknown, for 456 Norwegian companies; "SINTEF" for seven institutes):
 * those entities go without, as in the diagrams (viz/view.c).  The
 * attribute's JSON text is compared, so equal strings compare equal. */
static int cmp_short(const void *x, const void *y, void *ctx)
{
    const ctx_t *c = ctx;
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    int k = strcmp(c->x->ds->attrs[c->short_attr[a]].value_json, c->x->ds->attrs[c->short_attr[b]].value_json);
    return k ? k : (a > b) - (a < b);
}

static int unique_short_names(ctx_t *c)
{
    const kl_dataset_t *ds = c->x->ds;
    uint32_t *e = malloc(((size_t)ds->n_entities + 1) * sizeof *e), n = 0;
    if (!e)
        return -1;
    for (uint32_t k = 0; k < ds->n_entities; k++)
        if (c->short_attr[k] >= 0)
            e[n++] = k;
    qsort_r(e, n, sizeof *e, cmp_short, c);
    for (uint32_t i = 0, j; i < n; i = j) {
        const char *text = ds->attrs[c->short_attr[e[i]]].value_json;
        for (j = i + 1; j < n && strcmp(ds->attrs[c->short_attr[e[j]]].value_json, text) == 0; j++)
            ;
        if (j - i > 1)
            for (uint32_t k = i; k < j; k++)
                c->short_attr[e[k]] = -1;
    }
    free(e);
    return 0;
}

/* [pair, share] items: the largest share first, then the pair (the order
 * of the pairs: most links first). */
static int cmp_pair_item(const void *x, const void *y)
{
    json_t *a = *(json_t *const *)x, *b = *(json_t *const *)y;
    double sa = json_number_value(json_array_get(a, 1)), sb = json_number_value(json_array_get(b, 1));
    if (sa != sb)
        return sa > sb ? -1 : 1;
    json_int_t pa = json_integer_value(json_array_get(a, 0)), pb = json_integer_value(json_array_get(b, 0));
    return (pa > pb) - (pa < pb);
}

static int sort_pairs(json_t *list)
{
    size_t n = json_array_size(list);
    json_t **items = malloc((n + 1) * sizeof *items);
    if (!items)
        return -1;
    for (size_t k = 0; k < n; k++)
        items[k] = json_incref(json_array_get(list, k));
    qsort(items, n, sizeof *items, cmp_pair_item);
    json_array_clear(list);
    int rc = 0;
    for (size_t k = 0; k < n; k++)
        rc |= json_array_append_new(list, items[k]);
    free(items);
    return rc ? -1 : 0;
}

/* The ego command, with {id} and {file} for the page's script to fill. */
static json_t *ego_command(const kl_explorer_t *x)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m)
        return NULL;
    fputs("kluster render ", m);
    shell_quote(m, x->dataset_path ? x->dataset_path : "DATASET");
    if (x->g->options.mode == KL_MODE_ORGANISATIONS)
        fputs(" --mode organisations", m);
    fputs(" --ego {id} -o {file}.svg", m);
    int bad = ferror(m);
    bad |= fclose(m) != 0;
    json_t *s = bad ? NULL : json_string(buf);
    free(buf);
    return s;
}

static json_t *build(ctx_t *c)
{
    const kl_explorer_t *x = c->x;
    const kl_dataset_t *ds = x->ds;
    const kl_agraph_t *g = x->g;
    json_t *root = json_object(), *actors = json_array(), *regions = json_array(), *pairs = json_array(),
           *kinds = json_array(), *top = json_array(), *dataset = json_object();
    uint8_t *drawn = calloc((size_t)g->n + 1, 1);
    uint32_t *ranked = malloc(((size_t)g->n + 1) * sizeof *ranked), *rank = calloc((size_t)g->n + 1, sizeof *rank);
    kl_viz_colours_t colours;
    kl_error_t err = {0};
    int ok = root && actors && regions && pairs && kinds && top && dataset && drawn && ranked && rank &&
             kl_viz_region_colours(ds, &colours, &err) == KL_OK;
    if (!ok)
        goto done;
    ok &= json_object_set_new(root, "format", json_string(KL_EXPLORER_FORMAT)) == 0;
    drawn_actors(x, drawn);
    uint32_t n_ranked = kl_agraph_rank_by(g, ds, x->res->irb, ranked);
    for (uint32_t k = 0; k < n_ranked; k++)
        if (x->res->irb[ranked[k]] > 0)
            rank[ranked[k]] = k + 1;
    for (uint32_t k = 0; k < KL_KIND_COUNT; k++)
        ok &= json_array_append_new(kinds, json_string(kl_kind_name((kl_kind)k))) == 0;
    for (uint32_t r = 0; r < ds->n_regions; r++) {
        json_t *o = json_object();
        ok &= o && json_array_append_new(regions, o) == 0 &&
              !(json_object_set_new(o, "id", json_string(ds->regions[r].id)) |
                json_object_set_new(o, "name", json_string(ds->regions[r].name)) |
                json_object_set_new(o, "colour", json_string(kl_viz_region_colour(&colours, (int32_t)r))));
    }
    kl_viz_colours_free(&colours);
    /* the sources once: evidence names them by index */
    json_t *sources = json_array();
    ok &= sources && json_object_set_new(root, "sources", sources) == 0;
    for (uint32_t k = 0; k < ds->n_sources && ok; k++) {
        const kl_source_t *src = &ds->sources[k];
        char cut[KL_SHOWN_SIZE];
        json_t *o = json_object();
        ok &= o && json_array_append_new(sources, o) == 0 &&
              !(json_object_set_new(o, "title", json_string(kl_shown_name(src->title ? src->title : src->id, cut))) |
                json_object_set_new(o, "url", str_or_null(src->url)) |
                json_object_set_new(o, "date", str_or_null(src->date)));
    }
    if (!ok)
        goto done;
    /* the pairs with brokers, most links first (then ids) */
    uint32_t np = 0;
    uint32_t *pidx = malloc(((size_t)(x->regions ? x->regions->n_pairs : 0) + 1) * sizeof *pidx);
    json_t **pair_lists = calloc((size_t)g->n + 1, sizeof *pair_lists);
    if (!pidx || !pair_lists) {
        free(pidx);
        free(pair_lists);
        ok = 0;
        goto done;
    }
    if (x->regions) {
        uint32_t all = kl_region_pairs_by_links(x->regions, NULL, pidx);
        for (uint32_t k = 0; k < all; k++) {
            const kl_region_pair_t *p = &x->regions->pairs[pidx[k]];
            if (!p->has_brokers || !p->n_brokers)
                continue;
            json_t *o = json_object(), *br = json_array();
            ok &= o && br && json_array_append_new(pairs, o) == 0 &&
                  !(json_object_set_new(o, "a", json_integer(p->a)) | json_object_set_new(o, "b", json_integer(p->b)) |
                    json_object_set_new(o, "links", real_or_null(p->links)) | json_object_set_new(o, "brokers", br));
            for (uint32_t j = 0; j < p->n_brokers && ok; j++) {
                uint32_t v = p->brokers[j].vertex;
                json_t *pr = json_pack("[Io]", (json_int_t)c->actor_of[v], real_or_null(p->brokers[j].share));
                ok &= pr && json_array_append_new(br, pr) == 0;
                if (!pair_lists[v] && !(pair_lists[v] = json_array()))
                    ok = 0;
                json_t *mine = json_pack("[Io]", (json_int_t)np, real_or_null(p->brokers[j].share));
                ok &= mine && pair_lists[v] && json_array_append_new(pair_lists[v], mine) == 0;
            }
            np++;
        }
    }
    free(pidx);
    for (uint32_t i = 0; i < g->n && ok; i++) {
        uint32_t v = c->order[i], e = g->vertex_entity[v];
        const kl_entity_t *en = &ds->entities[e];
        char sn[128];
        short_name(c, e, sn, sizeof sn);
        json_t *aliases = json_array(), *o = json_object();
        char cut[KL_SHOWN_SIZE];
        ok &= aliases && o && json_array_append_new(actors, o) == 0;
        if (!ok) {
            json_decref(aliases);
            break;
        }
        for (uint32_t k = c->alias_off[e]; k < c->alias_off[e + 1] && ok; k++)
            ok &= json_array_append_new(aliases, json_string(kl_shown_name(ds->aliases[c->alias[k]].alias, cut))) == 0;
        uint32_t more = 0;
        json_t *ev = evidence_json(c, e, g->n <= EVIDENCE_ALL_ACTORS || drawn[v] || pair_lists[v], &more);
        ok &= ev != NULL;
        /* fields at their default (no short name, no alias, no rank, not
         * drawn, no pair, no evidence) are left out: CORDIS has 67,000
         * actors, most of them all defaults but their numbers */
        ok &= !(json_object_set_new(o, "id", json_string(en->id)) |
                json_object_set_new(o, "name", json_string(kl_shown_name(en->name, cut))) |
                json_object_set_new(o, "kind", json_integer(en->kind)) |
                json_object_set_new(o, "region", json_integer(g->vertex_region[v])) |
                json_object_set_new(o, "degree", json_integer(g->csr.offset[v + 1] - g->csr.offset[v])) |
                json_object_set_new(o, "irb_share", real_or_null(x->res->irb_share[v])));
        if (sn[0])
            ok &= json_object_set_new(o, "short_name", json_string(kl_shown_name(sn, cut))) == 0;
        if (json_array_size(aliases))
            ok &= json_object_set_new(o, "aliases", json_incref(aliases)) == 0;
        json_decref(aliases);
        if (rank[v])
            ok &= json_object_set_new(o, "rank", json_integer(rank[v])) == 0;
        if (drawn[v])
            ok &= json_object_set_new(o, "drawn", json_true()) == 0;
        if (pair_lists[v])
            ok &= sort_pairs(pair_lists[v]) == 0 && json_object_set_new(o, "pairs", json_incref(pair_lists[v])) == 0;
        if (json_array_size(ev))
            ok &= json_object_set_new(o, "evidence", json_incref(ev)) == 0;
        json_decref(ev);
        if (more)
            ok &= json_object_set_new(o, "evidence_more", json_integer(more)) == 0;
    }
    for (uint32_t v = 0; v < g->n; v++)
        json_decref(pair_lists[v]);
    free(pair_lists);

    for (uint32_t k = 0; k < n_ranked && ok; k++)
        if (drawn[ranked[k]])
            ok &= json_array_append_new(top, json_integer(c->actor_of[ranked[k]])) == 0;
    for (uint32_t v = 0; v < g->n && ok; v++) /* drawn without a rank: last, by id */
        if (drawn[c->order[v]] && !rank[c->order[v]] && !(x->res->irb[c->order[v]] > 0))
            ok &= json_array_append_new(top, json_integer(v)) == 0;
    ok &= !(json_object_set_new(dataset, "id", str_or_null(ds->id)) |
            json_object_set_new(dataset, "title", str_or_null(ds->title)) |
            json_object_set_new(dataset, "path", str_or_null(x->dataset_path)));
    ok &= !(json_object_set_new(root, "dataset", json_incref(dataset)) |
            json_object_set_new(root, "ego_command", ego_command(x)) | json_object_set_new(root, "kinds", json_incref(kinds)) |
            json_object_set_new(root, "regions", json_incref(regions)) |
            json_object_set_new(root, "actors", json_incref(actors)) | json_object_set_new(root, "pairs", json_incref(pairs)) |
            json_object_set_new(root, "top", json_incref(top)));
    if (ok && kl_lang_get() != KL_LANG_EN)
        ok &= json_object_set_new(root, "ui", ui_json()) == 0;
done:
    json_decref(actors), json_decref(regions), json_decref(pairs), json_decref(kinds), json_decref(top),
        json_decref(dataset);
    free(drawn), free(ranked), free(rank);
    if (!ok) {
        json_decref(root);
        return NULL;
    }
    return root;
}

int kl_write_explorer_data(FILE *f, const kl_explorer_t *x)
{
    const kl_dataset_t *ds = x->ds;
    const kl_agraph_t *g = x->g;
    ctx_t c = {x, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    c.alias_off = calloc((size_t)ds->n_entities + 2, sizeof *c.alias_off);
    c.alias = malloc(((size_t)ds->n_aliases + 1) * sizeof *c.alias);
    c.short_attr = malloc(((size_t)ds->n_entities + 1) * sizeof *c.short_attr);
    int rc = -1;
    c.actor_of = malloc(((size_t)g->n + 1) * sizeof *c.actor_of);
    c.order = malloc(((size_t)g->n + 1) * sizeof *c.order);
    c.rel_off = calloc((size_t)ds->n_entities + 2, sizeof *c.rel_off);
    c.rel = malloc(((size_t)2 * ds->n_relations + 1) * sizeof *c.rel);
    if (!c.actor_of || !c.order || !c.rel_off || !c.rel || !c.short_attr || !c.alias_off || !c.alias) {
        errno = ENOMEM;
        goto done;
    }
    for (uint32_t e = 0; e < ds->n_entities; e++)
        c.short_attr[e] = -1;
    for (uint32_t a = 0; a < ds->n_attrs; a++) {
        const kl_attr_t *at = &ds->attrs[a];
        if (at->owner_kind == KL_OWNER_ENTITY && at->owner < ds->n_entities && c.short_attr[at->owner] < 0 &&
            strcmp(at->key, "short_name") == 0)
            c.short_attr[at->owner] = (int32_t)a;
    }
    if (unique_short_names(&c) != 0) {
        errno = ENOMEM;
        goto done;
    }
    for (uint32_t v = 0; v < g->n; v++)
        c.order[v] = v;
    qsort_r(c.order, g->n, sizeof *c.order, cmp_vertex_id, (void *)x);
    for (uint32_t i = 0; i < g->n; i++)
        c.actor_of[c.order[i]] = i;
    for (uint32_t a = 0; a < ds->n_aliases; a++)
        c.alias_off[ds->aliases[a].entity + 2]++;
    for (uint32_t e = 0; e < ds->n_entities; e++)
        c.alias_off[e + 2] += c.alias_off[e + 1];
    for (uint32_t a = 0; a < ds->n_aliases; a++)
        c.alias[c.alias_off[ds->aliases[a].entity + 1]++] = a;
    /* each entity's relations, in the dataset's order (a self-loop once) */
    for (uint32_t r = 0; r < ds->n_relations; r++) {
        c.rel_off[ds->relations[r].source + 2]++;
        if (ds->relations[r].target != ds->relations[r].source)
            c.rel_off[ds->relations[r].target + 2]++;
    }
    for (uint32_t e = 0; e < ds->n_entities; e++)
        c.rel_off[e + 2] += c.rel_off[e + 1];
    for (uint32_t r = 0; r < ds->n_relations; r++) {
        c.rel[c.rel_off[ds->relations[r].source + 1]++] = r;
        if (ds->relations[r].target != ds->relations[r].source)
            c.rel[c.rel_off[ds->relations[r].target + 1]++] = r;
    }
    json_t *root = build(&c);
    if (!root) {
        errno = ENOMEM;
        goto done;
    }
    /* Inside <script type="application/json"> the HTML parser looks for
     * "</script" and, after "<!--", for "<script": every '<' is written
     * \u003c (it can only stand in a string), so neither ever appears. */
    char *text = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!text) {
        errno = ENOMEM;
        goto done;
    }
    errno = 0;
    for (const char *p = text, *lt; *p; p = lt + 1) {
        lt = strchr(p, '<');
        fwrite(p, 1, lt ? (size_t)(lt - p) : strlen(p), f);
        if (!lt)
            break;
        fputs("\\u003c", f);
    }
    free(text);
    rc = ferror(f) ? -1 : 0;
    if (rc && !errno)
        errno = EIO;
done:
    free(c.actor_of);
    free(c.order);
    free(c.rel_off);
    free(c.rel);
    free(c.short_attr);
    free(c.alias_off);
    free(c.alias);
    return rc;
}

/* --------------------------------------------------------------- page */

void kl_write_explorer_stage(FILE *f, const char *svg, size_t len)
{
    fputs("<div class=\"kl-explorer\" id=\"kl-explorer\">\n<div class=\"kl-stage\">\n", f);
    const char *start = svg ? memmem(svg, len, "<svg", 4) : NULL;
    if (start)
        fwrite(start, 1, len - (size_t)(start - svg), f);
    fputs("\n</div>\n</div>\n", f);
}

int kl_write_explorer_scripts(FILE *f, const kl_explorer_t *x)
{
    fputs("<script type=\"application/json\" id=\"kl-data\">", f);
    if (kl_write_explorer_data(f, x) != 0)
        return -1;
    fputs("</script>\n<script>\n", f);
    fputs(kl_i_explorer_js, f);
    fputs("</script>\n", f);
    return ferror(f) ? -1 : 0;
}

/* s escaped for HTML text, as a new string (NULL when out of memory). */
static char *html_text(const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m)
        return NULL;
    kl_html_puts(m, s);
    int bad = ferror(m);
    bad |= fclose(m) != 0;
    if (bad) {
        free(buf);
        return NULL;
    }
    return buf;
}

int kl_write_explorer_page(FILE *f, const kl_explorer_t *x)
{
    const kl_dataset_t *ds = x->ds;
    const char *title = ds->title ? ds->title : ds->id ? ds->id : x->dataset_path;
    char *dataset = html_text(x->dataset_path ? x->dataset_path : ds->id ? ds->id : "");
    if (!dataset) {
        errno = ENOMEM;
        return -1;
    }
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
               "<meta name=\"generator\" content=\"kluster\">\n<title>",
            kl_lang_code(kl_lang_get()));
    kl_html_puts(f, title);
    /* TRANSLATORS: the page's title ends "<dataset> – kluster explorer" */
    fputs(" \xe2\x80\x93 ", f);
    kl_html_puts(f, _("kluster explorer"));
    fputs("</title>\n<style>\n"
          "body{margin:0;font:15px/1.45 system-ui,-apple-system,\"Segoe UI\",Helvetica,Arial,sans-serif;"
          "color:#1d2733;background:#fff}\n"
          ".page{max-width:1400px;margin:0 auto;padding:16px 20px}\nh1{font-size:1.5em;margin:.2em 0}\n"
          ".sub,.foot{color:#555;font-size:.9em}\n",
          f);
    fputs(kl_i_explorer_css, f);
    fputs("</style>\n</head>\n<body>\n<div class=\"page\">\n<header><h1>", f);
    kl_html_puts(f, title);
    fputs("</h1>\n<p class=\"sub\">", f);
    fprintf(f,
            _("%u actors, %u ties. Search an actor by name or id, hover or tap one for its card and the evidence for "
              "its ties, pick a region or a region pair to see who connects them; a click copies the actor's id."),
            x->g->n, x->g->csr.m);
    fputs("</p></header>\n", f);
    kl_write_explorer_stage(f, x->svg, x->svg_len);
    fputs("<p class=\"foot\">", f);
    /* TRANSLATORS: %s is the dataset's path or id */
    fprintf(f, _("Dataset %s"), dataset);
    fputs(" \xc2\xb7 ", f);
    fprintf(f, kl_trn("%u source", "%u sources", ds->n_sources), ds->n_sources);
    fputs(" \xc2\xb7 ", f);
    kl_html_puts(f, _("drawn by kluster; works offline, nothing is loaded from the network."));
    fputs("</p>\n</div>\n", f);
    free(dataset);
    if (kl_write_explorer_scripts(f, x) != 0)
        return -1;
    fputs("</body>\n</html>\n", f);
    return ferror(f) ? -1 : 0;
}
