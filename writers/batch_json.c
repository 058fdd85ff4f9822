/* writers/batch_json.c - the files `kluster batch` keeps about its datasets:
 * the status each dataset's process leaves in its folder (and that the next
 * run reads back), and OUTDIR/summary.json. */
#include "writers.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

struct kl_batch_status {
    json_t *json; /* an object */
};

/* --------------------------------------------------------------- status */

static json_t *warning_samples(const kl_dataset_t *ds)
{
    json_t *a = json_array();
    for (uint32_t i = 0; a && i < ds->n_warnings && i < 5; i++)
        json_array_append_new(a, json_string(ds->warnings[i].text));
    return a;
}

/* The three actors with the highest inter-regional betweenness (> 0). */
static json_t *top_brokers(const kl_dataset_t *ds, const kl_agraph_t *g, const kl_analysis_t *res)
{
    json_t *brokers = json_array();
    uint32_t *idx = malloc(((size_t)res->n + 1) * sizeof *idx);
    if (brokers && idx) {
        uint32_t cnt = kl_agraph_rank_by(g, ds, res->irb, idx);
        for (uint32_t i = 0; i < cnt && i < 3; i++) {
            const kl_entity_t *e = &ds->entities[g->vertex_entity[idx[i]]];
            json_t *b = json_object();
            json_object_set_new(b, "id", json_string(e->id));
            json_object_set_new(b, "name", json_string(e->name));
            json_object_set_new(b, "irb_share", kl_json_real(res->irb_share[idx[i]]));
            json_array_append_new(brokers, b);
        }
    }
    free(idx);
    return brokers ? brokers : json_null();
}

/* Members are set one by one, a failed one left out, as the status has
 * always been written: a path that is not UTF-8 drops "path", not the
 * whole status. */
static json_t *status_json(const kl_batch_status_info_t *st)
{
    const kl_dataset_t *ds = st->ds;
    const kl_analysis_t *res = st->res;
    json_t *s = json_object();
    if (!s)
        return NULL;
    json_object_set_new(s, "format", json_string(KL_BATCH_STATUS_FORMAT));
    json_object_set_new(s, "id", json_string(st->id));
    json_object_set_new(s, "path", json_string(st->path));
    json_object_set_new(s, "status", json_string(st->error ? "failed" : "ok"));
    json_object_set_new(s, "error", kl_json_string(st->error));
    json_object_set_new(s, "options", json_string(st->options));
    if (ds && ds->finalized) {
        json_object_set_new(s, "title", kl_json_string(ds->title));
        json_object_set_new(s, "dataset_id", kl_json_string(ds->id));
        json_object_set_new(s, "files", json_integer(ds->n_files));
        json_object_set_new(s, "entities", json_integer(ds->n_entities));
        json_object_set_new(s, "relations", json_integer(ds->n_relations));
        json_object_set_new(s, "regions", json_integer(ds->n_regions));
        json_object_set_new(s, "sources", json_integer(ds->n_sources));
    }
    if (ds) {
        json_object_set_new(s, "warnings", json_integer(ds->n_warnings));
        json_object_set_new(s, "warning_samples", warning_samples(ds));
    }
    if (res && res->order) {
        json_object_set_new(s, "actors", json_integer(res->n));
        json_object_set_new(s, "ties", json_integer(res->m));
        json_object_set_new(s, "components", json_integer(res->components));
        json_object_set_new(s, "largest_component", json_integer(res->largest_component));
        json_object_set_new(s, "communities", json_integer(res->communities));
        json_object_set_new(s, "sampled", json_boolean(res->options.samples > 0 || res->options.epsilon > 0));
        json_object_set_new(s, "top_brokers", top_brokers(ds, st->g, res));
    }
    if (st->regions) {
        const kl_regions_t *rg = st->regions;
        uint32_t conn = 0, frag = 0;
        for (uint32_t p = 0; p < rg->n_pairs; p++)
            conn += rg->pairs[p].connected != 0, frag += rg->pairs[p].n_cut > 0;
        json_object_set_new(s, "region_pairs", json_integer(rg->n_pairs));
        json_object_set_new(s, "connected_region_pairs", json_integer(conn));
        json_object_set_new(s, "fragile_region_pairs", json_integer(frag));
    }
    json_object_set_new(s, "seconds", json_real(round(st->seconds * 1000) / 1000));
    if (st->sampling_note && *st->sampling_note)
        json_object_set_new(s, "sampling_note", json_string(st->sampling_note));
    if (st->figure_note && *st->figure_note)
        json_object_set_new(s, "figure_note", json_string(st->figure_note));
    return s;
}

int kl_write_batch_status(FILE *f, const kl_batch_status_info_t *s)
{
    return kl_json_write_new(f, status_json(s), KL_JSON_DOCUMENT);
}

kl_batch_status_t *kl_batch_status_read(int fd)
{
    /* read whole, then parse: jansson's json_loadfd reads one byte per
     * system call, minutes for the megabytes of names a status can hold */
    json_error_t jerr;
    char *text = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            char *p = realloc(text, cap = cap ? 2 * cap : 1 << 16);
            if (!p) {
                free(text);
                return NULL;
            }
            text = p;
        }
        ssize_t k = read(fd, text + len, cap - len);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            free(text);
            return NULL;
        }
        if (k == 0)
            break;
        len += (size_t)k;
    }
    json_t *j = json_loadb(text, len, 0, &jerr);
    free(text);
    kl_batch_status_t *s = json_is_object(j) ? malloc(sizeof *s) : NULL;
    if (!s) {
        json_decref(j);
        return NULL;
    }
    s->json = j;
    return s;
}

void kl_batch_status_free(kl_batch_status_t *s)
{
    if (s)
        json_decref(s->json);
    free(s);
}

const char *kl_batch_status_text(const kl_batch_status_t *s, const char *key)
{
    return s ? json_string_value(json_object_get(s->json, key)) : NULL;
}

long kl_batch_status_int(const kl_batch_status_t *s, const char *key)
{
    const json_t *v = s ? json_object_get(s->json, key) : NULL;
    return json_is_integer(v) ? (long)json_integer_value(v) : -1;
}

int kl_batch_status_broker(const kl_batch_status_t *s, size_t k, const char **id, const char **name,
                           double *irb_share)
{
    const json_t *tb = s ? json_object_get(s->json, "top_brokers") : NULL;
    if (!json_is_array(tb) || k >= json_array_size(tb) || k >= 3)
        return 0;
    const json_t *b = json_array_get(tb, k), *share = json_object_get(b, "irb_share");
    *id = json_string_value(json_object_get(b, "id"));
    *name = json_string_value(json_object_get(b, "name"));
    *irb_share = json_is_number(share) ? json_number_value(share) : NAN;
    return 1;
}

/* -------------------------------------------------------------- summary */

static json_t *summary_entry(const kl_batch_summary_entry_t *d)
{
    json_t *e = json_object();
    json_object_set_new(e, "id", json_string(d->id));
    json_object_set_new(e, "path", json_string(d->path));
    json_object_set_new(e, "status", json_string(d->status));
    json_object_set_new(e, "error", kl_json_string(d->error));
    json_object_set_new(e, "report", d->has_report ? json_sprintf("%s/report.html", d->id) : json_null());
    /* what the dataset's own status says, as it says it */
    static const char *const keys[] = {"title",     "dataset_id", "files",       "entities",
                                       "relations", "regions",    "sources",     "actors",
                                       "ties",      "components", "largest_component", "communities",
                                       "region_pairs", "connected_region_pairs", "fragile_region_pairs",
                                       "top_brokers", "warnings", "warning_samples", "sampled", NULL};
    for (int k = 0; d->detail && keys[k]; k++) {
        json_t *v = json_object_get(d->detail->json, keys[k]);
        if (v)
            json_object_set(e, keys[k], v);
    }
    json_object_set_new(e, "seconds", kl_json_real(round(d->seconds * 1000) / 1000));
    return e;
}

static json_t *summary_json(const kl_batch_summary_t *x)
{
    json_t *s = json_object(), *ds = json_array(), *sk = json_array(), *counts = json_object();
    size_t ok = 0, same = 0, failed = 0, interrupted = 0;
    if (!s || !ds || !sk || !counts) {
        json_decref(s);
        json_decref(ds);
        json_decref(sk);
        json_decref(counts);
        return NULL;
    }
    json_object_set_new(s, "format", json_string(KL_BATCH_SUMMARY_FORMAT));
    json_object_set_new(s, "version", json_string(x->version));
    json_object_set_new(s, "outdir", json_string(x->outdir));
    json_object_set_new(s, "options", json_string(x->options));
    json_object_set_new(s, "interrupted", json_boolean(x->interrupted));
    for (size_t i = 0; i < x->n_datasets; i++) {
        const char *st = x->datasets[i].status;
        ok += strcmp(st, "ok") == 0;
        same += strcmp(st, "unchanged") == 0;
        failed += strcmp(st, "failed") == 0;
        json_array_append_new(ds, summary_entry(&x->datasets[i]));
    }
    interrupted = x->n_datasets - ok - same - failed;
    for (size_t i = 0; i < x->n_skipped; i++) {
        json_t *e = json_object();
        json_object_set_new(e, "path", json_string(x->skipped[i].path));
        json_object_set_new(e, "reason", json_string(x->skipped[i].reason));
        json_array_append_new(sk, e);
    }
    json_object_set_new(counts, "datasets", json_integer((json_int_t)x->n_datasets));
    json_object_set_new(counts, "ok", json_integer((json_int_t)ok));
    json_object_set_new(counts, "unchanged", json_integer((json_int_t)same));
    json_object_set_new(counts, "failed", json_integer((json_int_t)failed));
    json_object_set_new(counts, "interrupted", json_integer((json_int_t)interrupted));
    json_object_set_new(counts, "skipped_inputs", json_integer((json_int_t)x->n_skipped));
    json_object_set_new(s, "counts", counts);
    json_object_set_new(s, "datasets", ds);
    json_object_set_new(s, "skipped", sk);
    return s;
}

int kl_write_batch_summary(FILE *f, const kl_batch_summary_t *s)
{
    return kl_json_write_new(f, summary_json(s), KL_JSON_DOCUMENT);
}
