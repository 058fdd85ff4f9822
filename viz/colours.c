/* viz/colours.c - one colour per region of a dataset, the same in every
 * figure and export of it, and the names that go with the colours: a grey
 * region must still be told apart, so nodes carry their actor's or
 * region's name in a tooltip. */
#include "viz_internal.h"

#include <stdlib.h>
#include <string.h>

/* The palette, in the order the regions receive it.  First Okabe-Ito
 * without black and vermillion (colour-blind safe; vermillion is the
 * bridges' colour), then fourteen colours picked one by one (and then
 * each improved while the others stayed) on a grid of sRGB steps of 0x11
 * with CIELAB lightness 30-82 and chroma 28-65 (nothing near white, near
 * black or greyish), each as far as it can be from the colours before it
 * and from vermillion and the two greys: by CIEDE2000, and by twice the
 * CIEDE2000 a deuteranope or protanope sees (Machado 2009, full severity).
 * Any two palette colours are at least 15 apart by CIEDE2000 (8.3 as a
 * deuteranope or protanope sees them), and as far from vermillion and the
 * greys; tests/oracle/test_colours.py measures it.  The first regions, the
 * largest, get the colour-blind-safe colours. */
static const char *const palette[] = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#CC79A7", "#115533",
                                      "#772277", "#FFAA77", "#007777", "#773300", "#999955", "#7788EE", "#00DDEE",
                                      "#BB2266", "#2244AA", "#55DDAA", "#666633", "#AA6655", "#FF7788"};
#define N_PALETTE (sizeof palette / sizeof *palette)

/* The rule: rank every region of the dataset by the number of its
 * entities whose own region it is (ds->entities[].region, before a person
 * inherits its employer's: the dataset as loaded, so no mode, time window,
 * --ties, --exclude-kind or view changes a colour), most first, ties by
 * id in byte order; the i-th region gets palette[i], every region past the
 * palette the one grey KL_VIZ_OTHER_REGION_COLOUR (and figures then name
 * it: its cluster's label, else the tooltip and a suffix to the actor's
 * label). */
kl_err kl_viz_region_colours(const kl_dataset_t *ds, kl_viz_colours_t *out, kl_error_t *err)
{
    uint32_t R = ds->n_regions;
    memset(out, 0, sizeof *out);
    kl_i_counted_t *by = calloc((size_t)R + 1, sizeof *by);
    out->colour = malloc(((size_t)R + 1) * sizeof *out->colour);
    out->rank = malloc(((size_t)R + 1) * sizeof *out->rank);
    if (!by || !out->colour || !out->rank) {
        free(by);
        kl_viz_colours_free(out);
        return kl_error_set(err, KL_ENOMEM, "", 0, 0, "out of memory");
    }
    for (uint32_t r = 0; r < R; r++)
        by[r] = (kl_i_counted_t){r, 0, ds->regions[r].id};
    for (uint32_t e = 0; e < ds->n_entities; e++)
        if (ds->entities[e].region >= 0)
            by[ds->entities[e].region].count++;
    qsort(by, R, sizeof *by, kl_i_cmp_counted);
    for (uint32_t i = 0; i < R; i++) {
        out->rank[by[i].item] = i;
        out->colour[by[i].item] = i < N_PALETTE ? palette[i] : KL_VIZ_OTHER_REGION_COLOUR;
    }
    out->n_regions = R;
    out->n_palette = R < N_PALETTE ? R : (uint32_t)N_PALETTE;
    free(by);
    return KL_OK;
}

const char *kl_viz_region_colour(const kl_viz_colours_t *c, int32_t region)
{
    return region < 0 ? KL_VIZ_NO_REGION_COLOUR : c->colour[region];
}

int kl_viz_region_is_other(const kl_viz_colours_t *c, int32_t region)
{
    return region >= 0 && c->rank[region] >= c->n_palette;
}

void kl_viz_colours_free(kl_viz_colours_t *c)
{
    free(c->colour);
    free(c->rank);
    memset(c, 0, sizeof *c);
}

/* ------------------------------------------------- names on the figure */

static void set_text(void *obj, const char *attr, kl_i_sb_t *b)
{
    if (!b->failed)
        kl_i_set(obj, attr, b->s);
}

/* Text for a tooltip.  Graphviz unescapes a tooltip twice, expanding \N,
 * \G, \L ... in between, so the label escaping's "\\" (one backslash)
 * must be doubled again; its "\n" stays a line break. */
static void tooltip_text(kl_i_sb_t *b, const char *text)
{
    char shown[KL_SHOWN_SIZE];
    char *e = kl_viz_escape_label(kl_shown_name(text, shown), 0, 0);
    if (!e) {
        b->failed = 1;
        return;
    }
    for (const char *p = e; *p;) {
        size_t k = strcspn(p, "\\");
        kl_i_sb_printf(b, "%.*s", (int)k, p);
        p += k;
        if (!*p)
            break;
        /* the label escaping writes a backslash only as "\\" or "\n" */
        kl_i_sb_printf(b, "%s", p[1] == '\\' ? "\\\\\\\\" : "\\n");
        p += p[1] ? 2 : 1;
    }
    free(e);
}

int kl_i_name_actor(void *nd, const kl_dataset_t *ds, const kl_agraph_t *g, uint32_t u, kl_i_sb_t *b)
{
    const kl_entity_t *ent = &ds->entities[g->vertex_entity[u]];
    int32_t r = g->vertex_region[u];
    b->len = 0;
    kl_i_sb_printf(b, "actor:");
    kl_i_sb_text(b, ent->id, 0, 0, 0); /* an id is unescaped once */
    set_text(nd, "id", b);
    b->len = 0;
    tooltip_text(b, ent->name);
    kl_i_sb_printf(b, "\\n");
    tooltip_text(b, r >= 0 ? ds->regions[r].name : _("no region"));
    set_text(nd, "tooltip", b);
    return b->failed ? -1 : 0;
}

int kl_i_name_region(void *nd, const kl_dataset_t *ds, uint32_t r, uint32_t nactors, kl_i_sb_t *b)
{
    b->len = 0;
    kl_i_sb_printf(b, "region:");
    kl_i_sb_text(b, ds->regions[r].id, 0, 0, 0);
    set_text(nd, "id", b);
    b->len = 0;
    tooltip_text(b, ds->regions[r].name);
    kl_i_sb_printf(b, "\\n");
    kl_i_sb_printf(b, kl_trn("%u actor", "%u actors", nactors), nactors);
    set_text(nd, "tooltip", b);
    return b->failed ? -1 : 0;
}
