/* writers/json_parts.c - the JSON pieces that `kluster analyze`, `bridges`
 * and `whatif` share: values that may be undefined, the "dataset" object,
 * and the "regions" and "region_pairs" arrays, one object per line. */
#include "writers_internal.h"

#include <errno.h>
#include <math.h>

json_t *kl_i_jreal(double x)
{
    return isfinite(x) ? json_real(x) : json_null();
}

json_t *kl_i_jstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* Set key to value (stolen); records an allocation failure in *ok. */
void kl_i_jset(json_t *obj, const char *key, json_t *value, int *ok)
{
    if (!value || json_object_set_new(obj, key, value) != 0)
        *ok = 0;
}

/* Dump one value compactly; -1 on failure (errno set). */
int kl_i_json_dump(FILE *f, json_t *value)
{
    return kl_json_write_new(f, value, KL_JSON_COMPACT);
}

json_t *kl_i_pairs_sampled_json(double epsilon, double delta, uint64_t samples)
{
    json_t *x = json_object();
    int ok = 1;
    if (!x)
        return NULL;
    kl_i_jset(x, "method", json_string("pairs"), &ok);
    kl_i_jset(x, "epsilon", kl_i_jreal(epsilon), &ok);
    kl_i_jset(x, "delta", kl_i_jreal(delta), &ok);
    kl_i_jset(x, "samples", json_integer((json_int_t)samples), &ok);
    if (!ok) {
        json_decref(x);
        return NULL;
    }
    return x;
}

json_t *kl_i_dominant_json(const kl_agraph_t *g, const kl_dataset_t *ds, int32_t v, const double *irb_share)
{
    if (v < 0)
        return json_null();
    json_t *x = json_object();
    int ok = 1;
    if (!x)
        return NULL;
    kl_i_jset(x, "id", json_string(kl_i_vertex_id(g, ds, (uint32_t)v)), &ok);
    kl_i_jset(x, "irb_share", kl_i_jreal(irb_share[v]), &ok);
    if (!ok) {
        json_decref(x);
        return NULL;
    }
    return x;
}

void kl_i_format_date(int32_t d, char *buf, size_t size)
{
    snprintf(buf, size, "%04d-%02d-%02d", (int)(d / 10000), (int)(d / 100 % 100), (int)(d % 100));
}

json_t *kl_i_ties_json(uint32_t tie_types)
{
    if (!tie_types)
        return json_null();
    json_t *x = json_array();
    for (int t = 0; x && t <= KL_REL_OTHER; t++)
        if ((tie_types & (1u << t)) &&
            json_array_append_new(x, json_string(t == KL_REL_OTHER ? "other" : kl_reltype_name((kl_reltype)t)))) {
            json_decref(x);
            return NULL;
        }
    return x;
}

json_t *kl_i_excluded_kinds_json(uint32_t exclude_kinds)
{
    if (!exclude_kinds)
        return json_null();
    json_t *x = json_array();
    for (int k = 0; x && k < KL_KIND_COUNT; k++)
        if ((exclude_kinds & (1u << k)) && json_array_append_new(x, json_string(kl_kind_name((kl_kind)k)))) {
            json_decref(x);
            return NULL;
        }
    return x;
}

json_t *kl_i_dataset_json(const kl_report_t *r)
{
    const kl_dataset_t *ds = r->ds;
    json_t *o = json_object();
    int ok = o != NULL;
    if (!ok)
        return NULL;
    kl_i_jset(o, "id", kl_i_jstr(ds->id), &ok);
    kl_i_jset(o, "title", kl_i_jstr(ds->title), &ok);
    kl_i_jset(o, "path", kl_i_jstr(r->dataset_path), &ok);
    kl_i_jset(o, "files", json_integer(ds->n_files), &ok);
    kl_i_jset(o, "entities", json_integer(ds->n_entities), &ok);
    kl_i_jset(o, "relations", json_integer(ds->n_relations), &ok);
    kl_i_jset(o, "regions", json_integer(ds->n_regions), &ok);
    kl_i_jset(o, "sources", json_integer(ds->n_sources), &ok);
    kl_i_jset(o, "warnings", json_integer(ds->n_warnings), &ok);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *region_json(const kl_dataset_t *ds, const kl_region_info_t *ri)
{
    const kl_region_t *rg = &ds->regions[ri->region];
    json_t *o = json_object();
    int ok = o != NULL;
    if (!ok)
        return NULL;
    kl_i_jset(o, "id", json_string(rg->id), &ok);
    kl_i_jset(o, "name", kl_i_jstr(rg->name), &ok);
    kl_i_jset(o, "actors", json_integer(ri->actors), &ok);
    kl_i_jset(o, "internal_ties", json_integer(ri->internal_ties), &ok);
    kl_i_jset(o, "external_ties", json_integer(ri->external_ties), &ok);
    kl_i_jset(o, "regionless_ties", json_integer(ri->regionless_ties), &ok);
    kl_i_jset(o, "ei_index", kl_i_jreal(ri->ei_index), &ok);
    kl_i_jset(o, "lat", kl_i_jreal(rg->lat), &ok);
    kl_i_jset(o, "lon", kl_i_jreal(rg->lon), &ok);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* One region_pairs entry; delta: the sampling's (kl_regions_t.delta). */
static json_t *pair_json(const kl_dataset_t *ds, const kl_agraph_t *g, const kl_region_pair_t *p, double delta)
{
    json_t *o = json_object(), *x;
    int ok = o != NULL;
    if (!ok)
        return NULL;
    kl_i_jset(o, "a", json_string(ds->regions[p->a].id), &ok);
    kl_i_jset(o, "b", json_string(ds->regions[p->b].id), &ok);
    kl_i_jset(o, "connected", json_boolean(p->connected), &ok);
    kl_i_jset(o, "direct_ties", json_integer(p->direct_ties), &ok);
    kl_i_jset(o, "distance", kl_i_jreal(p->distance), &ok);
    kl_i_jset(o, "actor_pairs", kl_i_jreal(p->actor_pairs), &ok);
    kl_i_jset(o, "links", json_integer((json_int_t)p->links), &ok); /* a count, like direct_ties */
    if (p->has_brokers) {
        x = json_array();
        for (uint32_t i = 0; x && i < p->n_brokers; i++) {
            json_t *b = json_object();
            if (!b || json_array_append_new(x, b) != 0) {
                ok = 0;
                break;
            }
            kl_i_jset(b, "id", json_string(kl_i_vertex_id(g, ds, p->brokers[i].vertex)), &ok);
            kl_i_jset(b, "share", kl_i_jreal(p->brokers[i].share), &ok);
        }
    } else {
        x = json_null();
    }
    kl_i_jset(o, "brokers", x, &ok);
    /* the guarantee of sampled brokers; null when exact or not computed */
    if (p->brokers_epsilon > 0) {
        x = json_object();
        if (x) {
            kl_i_jset(x, "epsilon", kl_i_jreal(p->brokers_epsilon), &ok);
            kl_i_jset(x, "delta", kl_i_jreal(delta), &ok);
        }
    } else {
        x = json_null();
    }
    kl_i_jset(o, "brokers_sampled", x, &ok);
    x = json_array();
    for (uint32_t i = 0; x && i < p->n_cut; i++)
        if (json_array_append_new(x, json_string(kl_i_vertex_id(g, ds, p->cut[i]))) != 0)
            ok = 0;
    kl_i_jset(o, "cut_actors", x, &ok);
    kl_i_jset(o, "fragile", json_boolean(p->n_cut > 0), &ok);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* ,"regions":[...],"region_pairs":[...] - one object per line */
int kl_i_write_region_arrays(FILE *f, const kl_dataset_t *ds, const kl_agraph_t *g, const kl_regions_t *rg,
                               const uint8_t *pair_shown)
{
    fputs(",\n\"regions\":[", f);
    for (uint32_t i = 0; i < rg->n_regions; i++) {
        fputs(i ? ",\n" : "\n", f);
        if (kl_i_json_dump(f, region_json(ds, &rg->regions[i])) < 0)
            return -1;
    }
    fputs(rg->n_regions ? "\n],\n\"region_pairs\":[" : "],\n\"region_pairs\":[", f);
    uint32_t shown = 0;
    for (uint32_t p = 0; p < rg->n_pairs; p++) {
        if (pair_shown && !pair_shown[p])
            continue;
        fputs(shown++ ? ",\n" : "\n", f);
        if (kl_i_json_dump(f, pair_json(ds, g, &rg->pairs[p], rg->delta)) < 0)
            return -1;
    }
    fputs(shown ? "\n]" : "]", f);
    return ferror(f) ? -1 : 0;
}
