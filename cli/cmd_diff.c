/* cli/cmd_diff.c - `kluster diff OLD NEW`: what changed between two
 * analyses (each an analysis.json, or a dataset analysed on the spot):
 * actors and ties added or removed, rank movements among the top brokers,
 * region pairs newly connected, disconnected or fragile. */
#include "batch.h"
#include "commands.h"
#include "../writers/writers.h"

#include "../analysis/analysis.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "usage: kluster diff OLD NEW [--format md|json] [-o FILE] [--top N] [--seed S]\n"
    "                    [--mode full|organisations] [--ties TYPES] [--exclude-kind KIND]\n"
    "                    [--from DATE] [--to DATE] [--weights] [--epsilon E [--delta D] | --exact]\n"
    "                    [OPTIONS]\n";

static void help(void)
{
    printf("%s\n"
           "Compare two analyses.  OLD and NEW are each an analysis.json (kluster analyze, or a\n"
           "dataset folder of kluster batch's output) or a dataset, which is analysed first with\n"
           "the options given.  Reported: actors added and removed, ties added and removed and\n"
           "ties whose weight changed (from the analyses' ties), rank movements among the top\n"
           "brokers by inter-regional betweenness (ranked among actors with irb > 0), and\n"
           "region pairs newly connected, disconnected, newly fragile or no longer fragile.\n\n"
           "options:\n"
           "  -f, --format FMT       md (default: a readable summary) or json (kluster-diff/1)\n"
           "  -o, --output FILE      write to FILE (temporary name, renamed when complete)\n"
           "  --top N                top brokers compared (default 10)\n"
           "  --seed S               seed of community detection and sampling for datasets\n"
           "                         (default 1)\n"
           "for datasets, as for `kluster analyze`:\n"
           KL_CLI_SAMPLING_HELP KL_CLI_GRAPH_HELP KL_CLI_COMMON_HELP
           "  -h, --help             this help\n\n"
           "Exit status: 0 compared (whether or not anything changed), 1 an input could not be\n"
           "read or analysed, 2 usage error.\n",
           usage_text);
}

enum { OPT_TOP = 1, OPT_SEED };

typedef struct {
    kl_cli_common_t common;
    kl_cli_graph_t graph;
    kl_cli_sampling_t sampling;
    uint64_t seed;
    uint32_t top;
} diff_opts_t;

/* ------------------------------------------------------------- inputs */

static int write_report_json(FILE *f, const kl_report_t *r)
{
    return kl_write_json(f, r);
}

/* Analyse a dataset and return its kluster-analysis/1 JSON, as analyze
 * would write it (new reference), or NULL after printing the error. */
static json_t *analyse_dataset(const char *path, const diff_opts_t *o)
{
    kl_dataset_t ds;
    kl_agraph_t g;
    kl_analysis_t res;
    kl_regions_t regions;
    kl_brokerage_t brk, brk_u;
    kl_error_t err = {0};
    json_t *out = NULL;
    char *buf = NULL;
    size_t len = 0;
    memset(&ds, 0, sizeof ds);
    memset(&g, 0, sizeof g);
    memset(&res, 0, sizeof res);
    memset(&regions, 0, sizeof regions);
    memset(&brk, 0, sizeof brk);
    memset(&brk_u, 0, sizeof brk_u);
    if (kl_cli_load(path, &o->common, &ds) != 0)
        goto cleanup;
    kl_analysis_options_t aopt;
    kl_analysis_options_init(&aopt);
    aopt.weighted = o->graph.weighted;
    aopt.threads = o->graph.threads;
    aopt.seed = o->seed;
    kl_regions_options_t ropt;
    kl_regions_options_init(&ropt);
    if (kl_agraph_build(&g, &ds, &o->graph.graph, &err) != KL_OK) {
        kl_cli_print_error(&err);
        goto cleanup;
    }
    kl_sampling_decision_t sampling;
    kl_cli_sampling_decide(&o->sampling, g.n, g.csr.m, &sampling);
    kl_cli_sampling_note(&sampling, o->common.quiet, "diff");
    kl_sampling_apply(&sampling, &aopt, &ropt);
    if (kl_analysis_run(&res, &g, &ds, &aopt, &err) != KL_OK) {
        kl_cli_print_error(&err);
        goto cleanup;
    }
    kl_cli_eigenvector_note(&res, o->common.quiet, "diff");
    ropt.seed = aopt.seed;
    ropt.weighted = aopt.weighted;
    ropt.community = res.community;
    ropt.threads = aopt.threads;
    if (kl_regions_compute(&regions, &ds, &g, &ropt, &err) != KL_OK ||
        kl_brokerage_compute(&brk, &ds, &g, 0, &err) != KL_OK || kl_brokerage_compute(&brk_u, &ds, &g, 1, &err) != KL_OK) {
        kl_cli_print_error(&err);
        goto cleanup;
    }
    /* the same JSON analyze writes, read back: one comparison code path
     * for both kinds of input */
    FILE *mem = open_memstream(&buf, &len);
    if (!mem) {
        kl_cli_error("out of memory");
        goto cleanup;
    }
    kl_report_t report = {&ds, &g, &res, path, o->top, &regions, &brk, &brk_u};
    int wrc = write_report_json(mem, &report);
    if (fclose(mem) != 0 || wrc != 0) {
        kl_cli_error("out of memory");
        goto cleanup;
    }
    json_error_t jerr;
    out = json_loadb(buf, len, 0, &jerr);
    if (!out)
        kl_cli_error("cannot read back the analysis of '%s': %s", path, jerr.text);
cleanup:
    free(buf);
    kl_brokerage_destroy(&brk);
    kl_brokerage_destroy(&brk_u);
    kl_regions_destroy(&regions);
    kl_analysis_destroy(&res);
    if (g.initialized)
        kl_agraph_destroy(&g);
    kl_dataset_destroy(&ds);
    return out;
}

/* An input: analysis.json (or a folder holding one, e.g. batch output), or a dataset. */
static json_t *load_input(const char *path, const diff_opts_t *o)
{
    char *inner = NULL;
    const char *file = path;
    if (!kl_batch_peek_format(path, KL_ANALYSIS_FORMAT)) {
        size_t len = strlen(path);
        inner = malloc(len + 16);
        if (!inner) {
            kl_cli_error("out of memory");
            return NULL;
        }
        sprintf(inner, "%s%sanalysis.json", path, len && path[len - 1] == '/' ? "" : "/");
        if (!kl_batch_peek_format(inner, KL_ANALYSIS_FORMAT)) {
            free(inner);
            return analyse_dataset(path, o);
        }
        file = inner;
    }
    json_error_t jerr;
    json_t *j = json_load_file(file, 0, &jerr);
    if (!j)
        fprintf(stderr, "%s:%d:%d: error: %s\n", file, jerr.line, jerr.column, jerr.text);
    else if (!json_is_array(json_object_get(j, "actors")) || !json_is_array(json_object_get(j, "ties"))) {
        fprintf(stderr, "%s: error: not a complete kluster-analysis/1 file (no 'actors' or 'ties')\n", file);
        json_decref(j);
        j = NULL;
    }
    free(inner);
    return j;
}

/* ------------------------------------------------------------ compare */

typedef struct {
    const char *id;
    double irb;
    const json_t *actor;
} ranked_t;

static int cmp_ranked(const void *x, const void *y)
{
    const ranked_t *a = x, *b = y;
    if (a->irb != b->irb)
        return a->irb < b->irb ? 1 : -1;
    return strcmp(a->id, b->id);
}

static double num(const json_t *v)
{
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* Actors by id (borrowed values), and actors ranked by irb. */
static json_t *actor_map(const json_t *analysis, ranked_t **ranked, size_t *n)
{
    const json_t *actors = json_object_get(analysis, "actors");
    json_t *map = json_object();
    size_t cnt = json_array_size(actors);
    *ranked = calloc(cnt + 1, sizeof **ranked);
    if (!map || !*ranked) {
        json_decref(map);
        free(*ranked);
        *ranked = NULL;
        return NULL;
    }
    *n = 0;
    for (size_t i = 0; i < cnt; i++) {
        const json_t *a = json_array_get(actors, i);
        const char *id = json_string_value(json_object_get(a, "id"));
        if (!id)
            continue;
        json_object_set(map, id, (json_t *)a);
        double irb = num(json_object_get(a, "irb"));
        (*ranked)[(*n)++] = (ranked_t){id, isfinite(irb) ? irb : 0, a};
    }
    qsort(*ranked, *n, sizeof **ranked, cmp_ranked);
    return map;
}

/* "a\x1fb" (unit separator: never in an id that matters) -> tie weight. */
static json_t *pair_map(const json_t *analysis, const char *array, int ties)
{
    const json_t *arr = json_object_get(analysis, array);
    json_t *map = json_object();
    for (size_t i = 0; map && i < json_array_size(arr); i++) {
        const json_t *t = json_array_get(arr, i);
        const char *a, *b;
        if (ties) {
            a = json_string_value(json_array_get(t, 0));
            b = json_string_value(json_array_get(t, 1));
        } else {
            a = json_string_value(json_object_get(t, "a"));
            b = json_string_value(json_object_get(t, "b"));
        }
        if (!a || !b)
            continue;
        /* ties are unordered: the smaller id first */
        if (strcmp(a, b) > 0) {
            const char *x = a;
            a = b, b = x;
        }
        char *key = NULL;
        if (asprintf(&key, "%s\x1f%s", a, b) < 0) {
            json_decref(map);
            return NULL;
        }
        json_object_set(map, key, ties ? json_array_get(t, 2) : (json_t *)t);
        free(key);
    }
    return map;
}

static json_t *split_key(const char *key)
{
    const char *sep = strchr(key, '\x1f');
    if (!sep)
        return json_pack("[s]", key);
    return json_pack("[s#s]", key, (int)(sep - key), sep + 1);
}

static json_t *actor_brief(const json_t *a)
{
    json_t *o = json_object();
    static const char *const keys[] = {"id", "name", "kind", "region", NULL};
    for (int k = 0; o && keys[k]; k++) {
        json_t *v = json_object_get(a, keys[k]);
        json_object_set_new(o, keys[k], v ? json_incref(v) : json_null());
    }
    return o;
}

static json_t *side_json(const char *path, const json_t *an)
{
    const json_t *ds = json_object_get(an, "dataset");
    json_t *o = json_object();
    json_object_set_new(o, "path", json_string(path));
    json_t *id = json_object_get(ds, "id");
    json_object_set_new(o, "dataset", id ? json_incref(id) : json_null());
    json_object_set_new(o, "actors", json_integer((json_int_t)json_array_size(json_object_get(an, "actors"))));
    json_object_set_new(o, "ties", json_integer((json_int_t)json_array_size(json_object_get(an, "ties"))));
    return o;
}

static int cmp_json_strings(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Keys of map sorted (json objects keep insertion order only loosely). */
static const char **sorted_keys(const json_t *map, size_t *n)
{
    *n = json_object_size(map);
    const char **keys = malloc((*n + 1) * sizeof *keys);
    size_t i = 0;
    const char *k;
    json_t *v;
    if (!keys)
        return NULL;
    json_object_foreach((json_t *)map, k, v) keys[i++] = k;
    qsort(keys, *n, sizeof *keys, cmp_json_strings);
    return keys;
}

static int weight_differs(const json_t *a, const json_t *b)
{
    double x = num(a), y = num(b);
    if (!isfinite(x) || !isfinite(y))
        return isfinite(x) != isfinite(y);
    return fabs(x - y) > 1e-12 * fmax(1.0, fmax(fabs(x), fabs(y)));
}

/* How a top broker moved between the two analyses.  Only an actor absent
 * from the old dataset is "new" (and only one absent from the new one is
 * "removed"): an actor that was there but on no cross-region path has a
 * share rising from 0, which is a change of role, not an arrival. */
static const char *broker_move(int in_old, int in_new, long old_rank, long new_rank)
{
    if (!in_old)
        return "new";
    if (!in_new)
        return "removed";
    if (old_rank < 0)
        return new_rank < 0 ? "none" : "now a broker";
    if (new_rank < 0)
        return "no longer a broker";
    return old_rank > new_rank ? "up" : old_rank < new_rank ? "down" : "same";
}

/* The whole comparison as kluster-diff/1 JSON (new reference or NULL). */
static json_t *compare(const char *old_path, const json_t *old, const char *new_path, const json_t *nw, uint32_t top)
{
    ranked_t *ro = NULL, *rn = NULL;
    size_t no = 0, nn = 0;
    json_t *out = json_object(), *ao = actor_map(old, &ro, &no), *an = actor_map(nw, &rn, &nn);
    json_t *to = pair_map(old, "ties", 1), *tn = pair_map(nw, "ties", 1);
    json_t *po = pair_map(old, "region_pairs", 0), *pn = pair_map(nw, "region_pairs", 0);
    const char **keys = NULL;
    size_t nk;
    if (!out || !ao || !an || !to || !tn || !po || !pn)
        goto fail;
    json_object_set_new(out, "format", json_string("kluster-diff/1"));
    json_object_set_new(out, "old", side_json(old_path, old));
    json_object_set_new(out, "new", side_json(new_path, nw));

    /* actors */
    json_t *added = json_array(), *removed = json_array();
    json_object_set_new(out, "actors_added", added);
    json_object_set_new(out, "actors_removed", removed);
    for (int side = 0; side < 2; side++) {
        const json_t *from = side ? ao : an, *other = side ? an : ao;
        if (!(keys = sorted_keys(from, &nk)))
            goto fail;
        for (size_t i = 0; i < nk; i++)
            if (!json_object_get(other, keys[i]))
                json_array_append_new(side ? removed : added, actor_brief(json_object_get(from, keys[i])));
        free(keys);
        keys = NULL;
    }

    /* ties */
    json_t *tadd = json_array(), *trem = json_array(), *tchg = json_array();
    json_object_set_new(out, "ties_added", tadd);
    json_object_set_new(out, "ties_removed", trem);
    json_object_set_new(out, "ties_reweighted", tchg);
    for (int side = 0; side < 2; side++) {
        const json_t *from = side ? to : tn, *other = side ? tn : to;
        if (!(keys = sorted_keys(from, &nk)))
            goto fail;
        for (size_t i = 0; i < nk; i++) {
            json_t *w = json_object_get(from, keys[i]), *w2 = json_object_get(other, keys[i]);
            json_t *pair = split_key(keys[i]);
            if (!w2) {
                json_array_append(pair, w);
                json_array_append_new(side ? trem : tadd, pair);
            } else if (!side && weight_differs(w2, w)) {
                json_array_append(pair, w2);
                json_array_append(pair, w);
                json_array_append_new(tchg, pair);
            } else {
                json_decref(pair);
            }
        }
        free(keys);
        keys = NULL;
    }

    /* top brokers: everyone in either top list, with both ranks */
    json_t *brokers = json_array();
    json_object_set_new(out, "top", json_integer(top));
    json_object_set_new(out, "brokers", brokers);
    json_t *seen = json_object();
    for (int side = 0; side < 2 && seen; side++) {
        const ranked_t *r = side ? ro : rn;
        size_t cnt = side ? no : nn;
        for (size_t i = 0; i < cnt && i < top && r[i].irb > 0; i++) {
            if (json_object_get(seen, r[i].id))
                continue;
            json_object_set_new(seen, r[i].id, json_true());
            long old_rank = -1, new_rank = -1;
            const json_t *a_old = json_object_get(ao, r[i].id), *a_new = json_object_get(an, r[i].id);
            /* a rank only for actors on some cross-region path: the order
             * of the zeros says nothing */
            for (size_t k = 0; k < no && ro[k].irb > 0; k++)
                if (strcmp(ro[k].id, r[i].id) == 0) {
                    old_rank = (long)k + 1;
                    break;
                }
            for (size_t k = 0; k < nn && rn[k].irb > 0; k++)
                if (strcmp(rn[k].id, r[i].id) == 0) {
                    new_rank = (long)k + 1;
                    break;
                }
            json_t *b = json_object();
            json_object_set_new(b, "id", json_string(r[i].id));
            json_t *name = json_object_get(a_new ? a_new : a_old, "name");
            json_object_set_new(b, "name", name ? json_incref(name) : json_null());
            json_object_set_new(b, "old_rank", old_rank > 0 ? json_integer(old_rank) : json_null());
            json_object_set_new(b, "new_rank", new_rank > 0 ? json_integer(new_rank) : json_null());
            json_t *s_old = a_old ? json_object_get(a_old, "irb_share") : NULL;
            json_t *s_new = a_new ? json_object_get(a_new, "irb_share") : NULL;
            json_object_set_new(b, "old_irb_share", s_old ? json_incref(s_old) : json_null());
            json_object_set_new(b, "new_irb_share", s_new ? json_incref(s_new) : json_null());
            json_object_set_new(b, "move", json_string(broker_move(a_old != NULL, a_new != NULL, old_rank, new_rank)));
            json_array_append_new(brokers, b);
        }
    }
    json_decref(seen);

    /* region pairs */
    json_t *conn = json_array(), *disc = json_array(), *frag = json_array(), *unfrag = json_array();
    json_object_set_new(out, "region_pairs_compared",
                        json_boolean(json_object_get(old, "region_pairs") && json_object_get(nw, "region_pairs")));
    json_object_set_new(out, "region_pairs_connected", conn);
    json_object_set_new(out, "region_pairs_disconnected", disc);
    json_object_set_new(out, "region_pairs_fragile", frag);
    json_object_set_new(out, "region_pairs_no_longer_fragile", unfrag);
    json_t *all = json_object();
    json_object_update(all, po);
    json_object_update(all, pn);
    if (!(keys = sorted_keys(all, &nk))) {
        json_decref(all);
        goto fail;
    }
    for (size_t i = 0; i < nk; i++) {
        const json_t *a = json_object_get(po, keys[i]), *b = json_object_get(pn, keys[i]);
        int ca = a && json_is_true(json_object_get(a, "connected"));
        int cb = b && json_is_true(json_object_get(b, "connected"));
        int fa = a && json_is_true(json_object_get(a, "fragile"));
        int fb = b && json_is_true(json_object_get(b, "fragile"));
        if (cb && !ca)
            json_array_append_new(conn, split_key(keys[i]));
        if (ca && !cb)
            json_array_append_new(disc, split_key(keys[i]));
        if (fb && !fa) {
            json_t *p = split_key(keys[i]);
            json_t *cut = json_object_get(b, "cut_actors");
            json_array_append(p, cut ? cut : json_null());
            json_array_append_new(frag, p);
        }
        if (fa && !fb && cb)
            json_array_append_new(unfrag, split_key(keys[i]));
    }
    free(keys);
    keys = NULL;
    json_decref(all);
    goto done;
fail:
    json_decref(out);
    out = NULL;
done:
    free(keys);
    free(ro);
    free(rn);
    json_decref(ao);
    json_decref(an);
    json_decref(to);
    json_decref(tn);
    json_decref(po);
    json_decref(pn);
    return out;
}

/* ---------------------------------------------------------- Markdown */

static void md(FILE *f, const char *s)
{
    char buf[512];
    size_t len = kl_md_escape(s ? s : "", buf, sizeof buf);
    if (len < sizeof buf) {
        fputs(buf, f);
        return;
    }
    char *big = malloc(len + 1);
    if (big) {
        kl_md_escape(s, big, len + 1);
        fputs(big, f);
        free(big);
    }
}

static const char *str(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* An actor's name from either analysis, else its id. */
static void actor_name(FILE *f, const json_t *old, const json_t *nw, const char *id)
{
    const char *name = NULL;
    for (int side = 0; side < 2 && !name; side++) {
        const json_t *arr = json_object_get(side ? old : nw, "actors");
        /* actors are sorted by id: binary search */
        size_t lo = 0, hi = json_array_size(arr);
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            const json_t *a = json_array_get(arr, mid);
            const char *aid = str(a, "id");
            int c = aid ? strcmp(aid, id) : -1;
            if (c == 0) {
                name = str(a, "name");
                break;
            }
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
    }
    md(f, name ? name : id);
}

static const char *region_name(const json_t *old, const json_t *nw, const char *id)
{
    for (int side = 0; side < 2; side++) {
        const json_t *arr = json_object_get(side ? old : nw, "regions");
        for (size_t i = 0; i < json_array_size(arr); i++)
            if (str(json_array_get(arr, i), "id") && strcmp(str(json_array_get(arr, i), "id"), id) == 0)
                return str(json_array_get(arr, i), "name");
    }
    return id;
}

static void pct(FILE *f, const json_t *v)
{
    if (json_is_number(v))
        fprintf(f, "%.1f %%", 100.0 * json_number_value(v));
    else
        fputs("–", f);
}

static void pairs_md(FILE *f, const json_t *d, const json_t *old, const json_t *nw, const char *key, const char *title)
{
    const json_t *arr = json_object_get(d, key);
    if (!json_array_size(arr))
        return;
    fprintf(f, "\n## %s (%zu)\n\n", title, json_array_size(arr));
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *p = json_array_get(arr, i);
        const char *a = json_string_value(json_array_get(p, 0)), *b = json_string_value(json_array_get(p, 1));
        fputs("- ", f);
        md(f, region_name(old, nw, a ? a : "?"));
        fputs(" – ", f);
        md(f, region_name(old, nw, b ? b : "?"));
        const json_t *cut = json_array_get(p, 2);
        if (json_is_array(cut) && json_array_size(cut)) {
            fputs(": hangs on ", f);
            for (size_t k = 0; k < json_array_size(cut); k++) {
                if (k)
                    fputs(", ", f);
                const char *id = json_string_value(json_array_get(cut, k));
                actor_name(f, old, nw, id ? id : "?");
            }
        }
        fputs("\n", f);
    }
}

static void ties_md(FILE *f, const json_t *arr, const json_t *old, const json_t *nw, const char *title, int changed)
{
    if (!json_array_size(arr))
        return;
    fprintf(f, "\n## %s (%zu)\n\n| actor | actor | %s |\n|---|---|---:|\n", title, json_array_size(arr),
            changed ? "weight old → new" : "weight");
    char b1[32], b2[32];
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *t = json_array_get(arr, i);
        const char *a = json_string_value(json_array_get(t, 0)), *b = json_string_value(json_array_get(t, 1));
        fputs("| ", f);
        actor_name(f, old, nw, a ? a : "?");
        fputs(" | ", f);
        actor_name(f, old, nw, b ? b : "?");
        kl_format_real(num(json_array_get(t, 2)), b1);
        if (changed) {
            kl_format_real(num(json_array_get(t, 3)), b2);
            fprintf(f, " | %s → %s |\n", b1, b2);
        } else {
            fprintf(f, " | %s |\n", b1);
        }
    }
}

static int write_md(FILE *f, const json_t *d, const json_t *old, const json_t *nw)
{
    const json_t *so = json_object_get(d, "old"), *sn = json_object_get(d, "new");
    size_t aa = json_array_size(json_object_get(d, "actors_added")),
           ar = json_array_size(json_object_get(d, "actors_removed")),
           ta = json_array_size(json_object_get(d, "ties_added")),
           tr = json_array_size(json_object_get(d, "ties_removed")),
           tc = json_array_size(json_object_get(d, "ties_reweighted")),
           pc = json_array_size(json_object_get(d, "region_pairs_connected")),
           pd = json_array_size(json_object_get(d, "region_pairs_disconnected")),
           pf = json_array_size(json_object_get(d, "region_pairs_fragile")),
           pu = json_array_size(json_object_get(d, "region_pairs_no_longer_fragile"));
    fputs("# kluster diff\n\n- old: ", f);
    md(f, str(so, "path"));
    fputs("\n- new: ", f);
    md(f, str(sn, "path"));
    fprintf(f, "\n\n## Summary\n\n- actors: %lld → %lld (%zu added, %zu removed)\n",
            (long long)json_integer_value(json_object_get(so, "actors")),
            (long long)json_integer_value(json_object_get(sn, "actors")), aa, ar);
    fprintf(f, "- ties: %lld → %lld (%zu added, %zu removed, %zu with a new weight)\n",
            (long long)json_integer_value(json_object_get(so, "ties")),
            (long long)json_integer_value(json_object_get(sn, "ties")), ta, tr, tc);
    if (json_is_true(json_object_get(d, "region_pairs_compared")))
        fprintf(f, "- region pairs: %zu newly connected, %zu disconnected, %zu newly fragile, %zu no longer fragile\n",
                pc, pd, pf, pu);
    else
        fputs("- region pairs: not compared (an input has no region_pairs; re-run kluster analyze)\n", f);
    if (!aa && !ar && !ta && !tr && !tc && !pc && !pd && !pf && !pu)
        fputs("\nNo actor, tie or region pair changed.\n", f);

    for (int side = 0; side < 2; side++) {
        const json_t *arr = json_object_get(d, side ? "actors_removed" : "actors_added");
        if (!json_array_size(arr))
            continue;
        fprintf(f, "\n## Actors %s (%zu)\n\n| id | name | kind | region |\n|---|---|---|---|\n",
                side ? "removed" : "added", json_array_size(arr));
        for (size_t i = 0; i < json_array_size(arr); i++) {
            const json_t *a = json_array_get(arr, i);
            fputs("| ", f);
            md(f, str(a, "id"));
            fputs(" | ", f);
            md(f, str(a, "name"));
            fputs(" | ", f);
            md(f, str(a, "kind"));
            fputs(" | ", f);
            const char *reg = str(a, "region");
            if (reg)
                md(f, region_name(old, nw, reg));
            else
                fputs("–", f);
            fputs(" |\n", f);
        }
    }
    ties_md(f, json_object_get(d, "ties_added"), old, nw, "Ties added", 0);
    ties_md(f, json_object_get(d, "ties_removed"), old, nw, "Ties removed", 0);
    ties_md(f, json_object_get(d, "ties_reweighted"), old, nw, "Ties with a new weight", 1);

    const json_t *brokers = json_object_get(d, "brokers");
    if (json_array_size(brokers)) {
        fprintf(f, "\n## Top %lld brokers by inter-regional betweenness\n\n"
                   "| new rank | old rank | move | actor | share old | share new |\n|---:|---:|---|---|---:|---:|\n",
                (long long)json_integer_value(json_object_get(d, "top")));
        for (size_t i = 0; i < json_array_size(brokers); i++) {
            const json_t *b = json_array_get(brokers, i);
            const json_t *o = json_object_get(b, "old_rank"), *n = json_object_get(b, "new_rank");
            long ro = json_is_integer(o) ? (long)json_integer_value(o) : -1;
            long rn = json_is_integer(n) ? (long)json_integer_value(n) : -1;
            fputs("| ", f);
            if (rn > 0)
                fprintf(f, "%ld", rn);
            else
                fputs("–", f);
            fputs(" | ", f);
            if (ro > 0)
                fprintf(f, "%ld", ro);
            else
                fputs("–", f);
            fputs(" | ", f);
            const char *move = str(b, "move") ? str(b, "move") : "none";
            if (strcmp(move, "up") == 0)
                fprintf(f, "up %ld", ro - rn);
            else if (strcmp(move, "down") == 0)
                fprintf(f, "down %ld", rn - ro);
            else if (strcmp(move, "same") == 0)
                fputs("=", f);
            else if (strcmp(move, "none") == 0)
                fputs("–", f);
            else
                fputs(move, f);
            fputs(" | ", f);
            md(f, str(b, "name") ? str(b, "name") : str(b, "id"));
            fputs(" | ", f);
            pct(f, json_object_get(b, "old_irb_share"));
            fputs(" | ", f);
            pct(f, json_object_get(b, "new_irb_share"));
            fputs(" |\n", f);
        }
    }
    pairs_md(f, d, old, nw, "region_pairs_connected", "Region pairs newly connected");
    pairs_md(f, d, old, nw, "region_pairs_disconnected", "Region pairs disconnected");
    pairs_md(f, d, old, nw, "region_pairs_fragile", "Region pairs newly fragile");
    pairs_md(f, d, old, nw, "region_pairs_no_longer_fragile", "Region pairs no longer fragile");
    return ferror(f) ? -1 : 0;
}

int cmd_diff(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"top", required_argument, NULL, OPT_TOP},
        {"seed", required_argument, NULL, OPT_SEED},
        KL_CLI_GRAPH_OPTIONS,
        KL_CLI_SAMPLING_OPTIONS,
        KL_CLI_COMMON_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    diff_opts_t o;
    const char *output = NULL;
    int json_out = 0, c;
    unsigned long long v;
    memset(&o, 0, sizeof o);
    kl_cli_common_init(&o.common);
    kl_cli_graph_init(&o.graph);
    kl_cli_sampling_init(&o.sampling);
    o.seed = 1;
    o.top = 10;
    opterr = 0;
    optind = 1;
#define USAGE(...) return kl_cli_usage_error("diff", usage_text, __VA_ARGS__)
    while ((c = getopt_long(argc, argv, ":hf:o:q", longopts, NULL)) != -1) {
        int handled = kl_cli_common_option(&o.common, c, optarg, "diff");
        if (handled < 0)
            return KL_EXIT_USAGE;
        if (handled)
            continue;
        if ((handled = kl_cli_graph_option(&o.graph, c, optarg, "diff", usage_text)) == 0)
            handled = kl_cli_sampling_option(&o.sampling, c, optarg, "diff", usage_text);
        if (handled < 0)
            return KL_EXIT_USAGE;
        if (handled)
            continue;
        switch (c) {
        case 'h': help(); return kl_cli_finish(KL_EXIT_OK);
        case 'f':
            if (strcmp(optarg, "json") == 0)
                json_out = 1;
            else if (strcmp(optarg, "md") == 0 || strcmp(optarg, "markdown") == 0)
                json_out = 0;
            else
                USAGE("unknown format '%s' (md or json)", optarg);
            break;
        case 'o': output = optarg; break;
        case OPT_TOP:
            if (kl_cli_parse_u64(optarg, 100000, &v) < 0 || v == 0)
                USAGE("invalid number '%s' for --top", optarg);
            o.top = (uint32_t)v;
            break;
        case OPT_SEED:
            if (kl_cli_parse_u64(optarg, UINT32_MAX, &v) < 0)
                USAGE("invalid seed '%s' (0 to 4294967295)", optarg);
            o.seed = v;
            break;
        default: USAGE("%s", kl_cli_bad_option(argv, c));
        }
    }
    if (argc - optind < 2)
        USAGE("two analyses or datasets expected (OLD NEW)");
    if (argc - optind > 2)
        USAGE("two analyses or datasets expected, got '%s' too", argv[optind + 2]);
    if (o.graph.graph.from > o.graph.graph.to)
        USAGE("--from is after --to");
#undef USAGE
    if (kl_cli_sampling_check(&o.sampling, "diff", usage_text) < 0)
        return KL_EXIT_USAGE;

    int rc = KL_EXIT_FAILURE;
    json_t *old = NULL, *nw = NULL, *d = NULL;
    kl_output_t out;
    memset(&out, 0, sizeof out);
    if (!(old = load_input(argv[optind], &o)) || !(nw = load_input(argv[optind + 1], &o)))
        goto cleanup;
    if (!(d = compare(argv[optind], old, argv[optind + 1], nw, o.top))) {
        kl_cli_error("out of memory");
        goto cleanup;
    }
    if (kl_output_open(&out, output) != 0) {
        kl_cli_error("cannot create '%s': %s", output, strerror(errno));
        goto cleanup;
    }
    errno = 0;
    int wrc = json_out ? (json_dumpf(d, out.f, JSON_INDENT(1) | JSON_REAL_PRECISION(17)) != 0 || fputc('\n', out.f) == EOF)
                       : write_md(out.f, d, old, nw);
    if (wrc != 0 || kl_output_commit(&out) != 0) {
        kl_cli_error("cannot write '%s': %s", output ? output : "standard output", strerror(errno ? errno : EIO));
        goto cleanup;
    }
    rc = KL_EXIT_OK;
cleanup:
    kl_output_abort(&out);
    json_decref(old);
    json_decref(nw);
    json_decref(d);
    return rc == KL_EXIT_OK ? kl_cli_finish(rc) : rc;
}
