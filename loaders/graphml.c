/* loaders/graphml.c - GraphML and GML files as datasets, for graphs that come
 * from elsewhere (Gephi, yEd, NetworkX, Newman's GML collections).  igraph's
 * readers parse the file; the graph is handed to the engine at once (every
 * vertex an entity, every edge a partner_of relation) and destroyed, so no
 * igraph_t of a loader outlives the load. */
#include "loaders_internal.h"
#include "../engine/igraph_view.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A growable buffer for one attribute value at a time. */
typedef struct {
    char *p;
    size_t cap;
} scratch_t;

static char *scratch_reserve(scratch_t *sc, size_t need)
{
    if (need > sc->cap) {
        char *q = realloc(sc->p, need);
        if (!q)
            return NULL;
        sc->p = q;
        sc->cap = need;
    }
    return sc->p;
}

/* Undo what igraph's readers leave escaped.  GraphML: libxml2 hands over
 * an '&' in an XML attribute (a node id) as "&#38;" and nothing else, so
 * that is turned back.  GML: igraph keeps strings as written, while GML
 * writers (NetworkX, kluster) put '&', '"' and every non-ASCII character
 * as entities: &#N;, &#xH; and the five XML names are decoded, as
 * NetworkX's reader does; anything else stays. */
static void unescape(char *s, int mode)
{
    int gml = mode == 2;
    char *o = s;
    for (const char *p = s; *p;) {
        if (*p != '&') {
            *o++ = *p++;
            continue;
        }
        unsigned long cp = 0;
        const char *q = p + 1;
        int ok = 0;
        if (!gml) {
            ok = strncmp(p, "&#38;", 5) == 0;
            cp = '&';
            q = p + 4;
        } else if (*q == '#') {
            int hex = q[1] == 'x' || q[1] == 'X';
            char *end;
            errno = 0;
            cp = strtoul(q + 1 + hex, &end, hex ? 16 : 10);
            ok = end > q + 1 + hex && *end == ';' && !errno && cp > 0 && cp <= 0x10FFFF && !(cp >= 0xD800 && cp < 0xE000);
            q = end;
        } else {
            static const struct {
                const char *name;
                char c;
            } names[] = {{"amp;", '&'}, {"quot;", '"'}, {"lt;", '<'}, {"gt;", '>'}, {"apos;", '\''}};
            for (size_t i = 0; i < 5 && !ok; i++)
                if (strncmp(q, names[i].name, strlen(names[i].name)) == 0) {
                    ok = 1;
                    cp = (unsigned char)names[i].c;
                    q += strlen(names[i].name) - 1;
                }
        }
        if (!ok) {
            *o++ = *p++;
            continue;
        }
        /* a reference is never shorter than the UTF-8 it stands for */
        if (cp < 0x80) {
            *o++ = (char)cp;
        } else if (cp < 0x800) {
            *o++ = (char)(0xC0 | (cp >> 6));
            *o++ = (char)(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            *o++ = (char)(0xE0 | (cp >> 12));
            *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
            *o++ = (char)(0x80 | (cp & 0x3F));
        } else {
            *o++ = (char)(0xF0 | (cp >> 18));
            *o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
            *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
            *o++ = (char)(0x80 | (cp & 0x3F));
        }
        p = q + 1;
    }
    *o = 0;
}

/* A vertex attribute as text in sc: strings unescaped (above; mode 0:
 * as they are, 1: a GraphML node id, 2: GML), numbers
 * with %.17g (integral values without a fraction, so a GML id 7 is "7").
 * Returns NULL for an empty string or NaN, and sets *oom when out of
 * memory. */
static const char *attr_text(const igraph_t *g, const char *name, igraph_attribute_type_t type, igraph_integer_t v,
                             int mode, scratch_t *sc, int *oom)
{
    char buf[64];
    const char *s = NULL;
    if (type == IGRAPH_ATTRIBUTE_STRING) {
        s = VAS(g, name, v);
        if (!s || !*s)
            return NULL;
    } else if (type == IGRAPH_ATTRIBUTE_NUMERIC) {
        double x = VAN(g, name, v);
        if (isnan(x))
            return NULL;
        if (x == floor(x) && fabs(x) < 1e15)
            snprintf(buf, sizeof buf, "%.0f", x);
        else
            snprintf(buf, sizeof buf, "%.17g", x);
        s = buf;
    } else if (type == IGRAPH_ATTRIBUTE_BOOLEAN) {
        s = VAB(g, name, v) ? "true" : "false";
    } else {
        return NULL;
    }
    size_t n = strlen(s);
    if (!scratch_reserve(sc, n + 1)) {
        *oom = 1;
        return NULL;
    }
    memcpy(sc->p, s, n + 1);
    if (type == IGRAPH_ATTRIBUTE_STRING && mode)
        unescape(sc->p, mode);
    return sc->p;
}

static int find_attr(const igraph_strvector_t *names, const igraph_vector_int_t *types, const char *name,
                     igraph_attribute_type_t *type)
{
    if (!name)
        return -1;
    for (igraph_integer_t i = 0; i < igraph_strvector_size(names); i++)
        if (strcmp(igraph_strvector_get(names, i), name) == 0) {
            *type = (igraph_attribute_type_t)VECTOR(*types)[i];
            return (int)i;
        }
    return -1;
}

/* JSON text of a string (for free attributes). */
static const char *json_string(kl_dataset_t *ds, const char *s)
{
    size_t n = strlen(s), k = 0;
    char small[512];
    char *q = n * 6 + 3 <= sizeof small ? small : malloc(n * 6 + 3);
    if (!q)
        return NULL;
    q[k++] = '"';
    for (size_t j = 0; j < n; j++) {
        unsigned char ch = (unsigned char)s[j];
        if (ch == '"' || ch == '\\') {
            q[k++] = '\\';
            q[k++] = (char)ch;
        } else if (ch < 0x20) {
            k += (size_t)snprintf(q + k, 7, "\\u%04x", ch);
        } else {
            q[k++] = (char)ch;
        }
    }
    q[k++] = '"';
    const char *v = kl_dataset_intern(ds, q, k);
    if (q != small)
        free(q);
    return v;
}

/* The graph's edges as partner_of relations between the entities ids[] of
 * their ends, weighted by the numeric edge attribute "weight" when there is
 * one (weighted); a weight that is not > 0 is an error at edges[k]. */
static kl_err add_edges(kl_dataset_t *ds, const igraph_t *g, const char *const *ids, int weighted, const char *path,
                        uint32_t file, const kl_load_options_t *opt, kl_error_t *err)
{
    igraph_integer_t m = igraph_ecount(g);
    kl_err rc = KL_OK;
    const char *type = kl_dataset_intern(ds, "partner_of", 10);
    if (!type)
        return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    for (igraph_integer_t k = 0; k < m && rc == KL_OK; k++) {
        kl_relation_t r;
        memset(&r, 0, sizeof r);
        r.source_id = ids[IGRAPH_FROM(g, k)];
        r.target_id = ids[IGRAPH_TO(g, k)];
        r.type = type;
        r.type_code = KL_REL_PARTNER_OF;
        r.weight = 1;
        r.amount = NAN;
        r.start = KL_DATE_MIN;
        r.end = KL_DATE_MAX;
        r.loc = (kl_loc_t){file, 0, 0, (uint32_t)k};
        if (weighted) {
            double w = EAN(g, "weight", k);
            if (!isnan(w)) {
                const char *bad_weight = kl_weight_problem(w);
                if (bad_weight) {
                    char where[48];
                    snprintf(where, sizeof where, "edges[%lld]", (long long)k);
                    rc = kl_error_set_where(err, KL_EINVAL, path, where, "weight %g of edge '%s' -- '%s' %s", w,
                                            r.source_id, r.target_id, bad_weight);
                    break;
                }
                r.weight = w;
            }
        }
        rc = kl_dataset_add_relation(ds, &r, err);
        if (rc == KL_OK)
            rc = kl_i_check_limits(ds, opt, path, err);
    }
    return rc;
}

static kl_err hand_over(kl_dataset_t *ds, const igraph_t *g, const char *path, uint32_t file, int gml,
                        const kl_load_options_t *opt, kl_error_t *err)
{
    igraph_strvector_t gnames, vnames, enames;
    igraph_vector_int_t gtypes, vtypes, etypes;
    kl_err rc = KL_OK;
    int inited = 0;
    if (igraph_strvector_init(&gnames, 0) || (inited = 1, igraph_strvector_init(&vnames, 0)) ||
        (inited = 2, igraph_strvector_init(&enames, 0)) || (inited = 3, igraph_vector_int_init(&gtypes, 0)) ||
        (inited = 4, igraph_vector_int_init(&vtypes, 0)) || (inited = 5, igraph_vector_int_init(&etypes, 0)) ||
        (inited = 6, igraph_cattribute_list(g, &gnames, &gtypes, &vnames, &vtypes, &enames, &etypes))) {
        rc = kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
        goto cleanup;
    }
    inited = 6;
    const char *kind_attr = opt && opt->kind_attr ? opt->kind_attr : "kind";
    const char *region_attr = opt && opt->region_attr ? opt->region_attr : "region";
    igraph_attribute_type_t t_id = 0, t_name = 0, t_label = 0, t_kind = 0, t_region = 0, t_rname = 0, t_w = 0;
    /* GraphML keeps the node id in "id"; GML's "id" is a number and the
     * node's name is its "label" (as NetworkX reads it) */
    int a_id = find_attr(&vnames, &vtypes, gml ? "label" : "id", &t_id);
    if (gml && a_id < 0)
        a_id = find_attr(&vnames, &vtypes, "id", &t_id);
    int a_name = find_attr(&vnames, &vtypes, "name", &t_name);
    int a_label = find_attr(&vnames, &vtypes, "label", &t_label);
    int a_kind = find_attr(&vnames, &vtypes, kind_attr, &t_kind);
    int a_region = find_attr(&vnames, &vtypes, region_attr, &t_region);
    int a_rname = find_attr(&vnames, &vtypes, "region_name", &t_rname);
    int a_weight = find_attr(&enames, &etypes, "weight", &t_w);
    if (opt && opt->kind_attr && a_kind < 0) {
        rc = kl_error_set(err, KL_EINVAL, path, 0, 0, "no node attribute '%s' (--kind-attr)", opt->kind_attr);
        goto cleanup;
    }
    if (opt && opt->region_attr && a_region < 0) {
        rc = kl_error_set(err, KL_EINVAL, path, 0, 0, "no node attribute '%s' (--region-attr)", opt->region_attr);
        goto cleanup;
    }
    igraph_integer_t n = igraph_vcount(g);
    const char **ids = calloc((size_t)n + 1, sizeof *ids);
    if (!ids) {
        rc = kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
        goto cleanup;
    }
    char buf[64];
    scratch_t sc1 = {0}, sc2 = {0};
    int oom = 0;
    for (igraph_integer_t v = 0; v < n && rc == KL_OK; v++) {
        kl_entity_t e;
        memset(&e, 0, sizeof e);
        e.lat = e.lon = NAN;
        e.start = KL_DATE_MIN;
        e.end = KL_DATE_MAX;
        e.loc = (kl_loc_t){file, 0, 0, (uint32_t)v};
        const char *id = a_id >= 0 ? attr_text(g, igraph_strvector_get(&vnames, a_id), t_id, v, gml ? 2 : 1, &sc1, &oom) : NULL;
        if (!id) {
            snprintf(buf, sizeof buf, "n%lld", (long long)v); /* igraph's own default for nameless nodes */
            id = buf;
        }
        const char *name = a_name >= 0 ? attr_text(g, "name", t_name, v, gml ? 2 : 0, &sc2, &oom) : NULL;
        if (!name && a_label >= 0 && !gml)
            name = attr_text(g, "label", t_label, v, gml ? 2 : 0, &sc2, &oom);
        if (oom || !(e.id = kl_dataset_intern(ds, id, strlen(id))) ||
            !(e.name = name ? kl_dataset_intern(ds, name, strlen(name)) : e.id)) {
            rc = kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        ids[v] = e.id;
        e.kind = KL_KIND_ORGANISATION;
        if (a_kind >= 0) {
            const char *k = attr_text(g, kind_attr, t_kind, v, gml ? 2 : 0, &sc2, &oom);
            int kind = k ? kl_kind_parse(k) : -1;
            if (oom) {
                rc = kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
                break;
            }
            if (kind < 0) {
                char where[48];
                snprintf(where, sizeof where, "nodes[%lld]", (long long)v);
                rc = kl_error_set_where(err, KL_EINVAL, path, where,
                                        "node '%s': %s '%s' in attribute '%s' (expected organisation, person, "
                                        "project or funder)", e.id, k ? "unknown kind" : "no kind", k ? k : "",
                                        kind_attr);
                break;
            }
            e.kind = (kl_kind)kind;
        }
        const char *region = NULL;
        if (a_region >= 0) {
            const char *r = attr_text(g, region_attr, t_region, v, gml ? 2 : 0, &sc2, &oom);
            if (oom || (r && !(region = kl_dataset_intern(ds, r, strlen(r))))) {
                rc = kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
                break;
            }
            const char *rn = a_rname >= 0 ? attr_text(g, "region_name", t_rname, v, gml ? 2 : 0, &sc2, &oom) : NULL;
            if (region && rn && kl_dataset_find_region(ds, region) < 0) {
                kl_region_t reg;
                memset(&reg, 0, sizeof reg);
                reg.id = region;
                reg.lat = reg.lon = NAN;
                reg.loc = e.loc;
                if (!(reg.name = kl_dataset_intern(ds, rn, strlen(rn)))) {
                    rc = kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
                    break;
                }
                if ((rc = kl_dataset_add_region(ds, &reg, err)) != KL_OK)
                    break;
            }
        }
        int32_t at;
        if ((rc = kl_dataset_add_entity(ds, &e, region, &at, err)) != KL_OK)
            break;
        /* every other attribute is kept, like an unknown key of an extract */
        for (igraph_integer_t i = 0; i < igraph_strvector_size(&vnames) && rc == KL_OK; i++) {
            const char *an = igraph_strvector_get(&vnames, i);
            if (i == a_id || i == a_name || i == a_kind || i == a_region || i == a_rname || (!gml && i == a_label) ||
                (gml && !strcmp(an, "id")))
                continue;
            igraph_attribute_type_t ty = (igraph_attribute_type_t)VECTOR(vtypes)[i];
            const char *val = attr_text(g, an, ty, v, gml ? 2 : 0, &sc2, &oom);
            if (oom) {
                rc = kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
                break;
            }
            if (!val)
                continue;
            const char *json = ty == IGRAPH_ATTRIBUTE_STRING ? json_string(ds, val) : kl_dataset_intern(ds, val, strlen(val));
            const char *key = kl_dataset_intern(ds, an, strlen(an));
            if (!json || !key || kl_dataset_add_attr(ds, KL_OWNER_ENTITY, (uint32_t)at, key, json) != KL_OK)
                rc = kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
        }
    }
    if (rc == KL_OK)
        rc = add_edges(ds, g, ids, a_weight >= 0 && t_w == IGRAPH_ATTRIBUTE_NUMERIC, path, file, opt, err);
    free(ids);
    free(sc1.p);
    free(sc2.p);
cleanup:
    if (inited >= 1)
        igraph_strvector_destroy(&gnames);
    if (inited >= 2)
        igraph_strvector_destroy(&vnames);
    if (inited >= 3)
        igraph_strvector_destroy(&enames);
    if (inited >= 4)
        igraph_vector_int_destroy(&gtypes);
    if (inited >= 5)
        igraph_vector_int_destroy(&vtypes);
    if (inited >= 6)
        igraph_vector_int_destroy(&etypes);
    return rc;
}

kl_err kl_i_load_graph(kl_dataset_t *ds, const char *path, int gml, const kl_load_options_t *opt, kl_error_t *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return kl_error_set(err, KL_EIO, NULL, 0, 0, "cannot open '%s': %s", path, strerror(errno));
    int file = kl_dataset_add_file(ds, path);
    if (file < 0) {
        fclose(f);
        return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    }
    /* igraph keeps attributes only while an attribute handler is installed;
     * install the C one for this read and put back whatever was there */
    igraph_attribute_table_t *old = igraph_set_attribute_table(&igraph_cattribute_table);
    igraph_t g;
    igraph_error_t ie = gml ? igraph_read_graph_gml(&g, f) : igraph_read_graph_graphml(&g, f, 0);
    long size = ftell(f);
    fclose(f);
    kl_err rc;
    if (ie != IGRAPH_SUCCESS) {
        kl_error_t tmp = {0};
        kl_igraph_error(&tmp, ie);
        /* igraph's reason, with the file named */
        /* igraph names the line in its text ("Line 3: ...", "... line 4 (...)") */
        long line = 0;
        const char *l = strstr(tmp.text, "Line ");
        if (!l)
            l = strstr(tmp.text, "line ");
        if (l)
            line = strtol(l + 5, NULL, 10);
        rc = kl_error_set(err, KL_EPARSE, path, line > 0 ? line : 0, 0, "cannot read %s: %s", gml ? "GML" : "GraphML",
                          tmp.text[0] ? tmp.text : "parse error");
    } else {
        if (size > 0)
            ds->input_bytes += (uint64_t)size;
        rc = hand_over(ds, &g, path, (uint32_t)file, gml, opt, err);
        igraph_destroy(&g);
    }
    igraph_set_attribute_table(old);
    return rc;
}
