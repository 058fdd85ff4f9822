/* tests/unit/viz_colours_test.c - the region colour rule (viz/colours.c) on
 * a dataset built by hand: regions ranked by the entities whose own region
 * they are (a person's inherited region does not count), ties by id in
 * byte order ("Z" < "a" < "b" < "Ö"), a declared region without entities
 * last; the first twenty take the palette, the rest the one grey;
 * regionless is the light grey. */
#include "engine/graph.h"
#include "viz/viz.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static int failures;

static const char *in(kl_dataset_t *ds, const char *s)
{
    return kl_dataset_intern(ds, s, strlen(s));
}

static void entity(kl_dataset_t *ds, const char *id, kl_kind kind, const char *region)
{
    kl_entity_t e = {in(ds, id), in(ds, id), NULL, NULL, -1, KL_DATE_MIN, KL_DATE_MAX, NAN, NAN, kind, {0, 0, 0, 0}};
    kl_error_t err = {0};
    if (kl_dataset_add_entity(ds, &e, region ? in(ds, region) : NULL, NULL, &err) != KL_OK)
        printf("entity %s: %s\n", id, err.text), failures++;
}

/* n organisations named after region r */
static void orgs(kl_dataset_t *ds, const char *r, int n)
{
    for (int i = 0; i < n; i++) {
        char id[32];
        snprintf(id, sizeof id, "%s-%d", r, i);
        entity(ds, id, KL_KIND_ORGANISATION, r);
    }
}

static void expect(const char *what, int ok)
{
    printf("%-58s %s\n", what, ok ? "ok" : "FAIL");
    failures += !ok;
}

int main(void)
{
    kl_engine_init();
    kl_dataset_t ds;
    kl_error_t err = {0};
    kl_dataset_init(&ds);
    kl_dataset_add_file(&ds, "by-hand");
    kl_region_t empty = {in(&ds, "empty"), in(&ds, "Declared, no entity"), NULL, NULL, NAN, NAN, 1, {0, 0, 0, 0},
                         0, NULL, NULL, NULL};
    kl_dataset_add_region(&ds, &empty, &err);
    orgs(&ds, "big", 5);
    orgs(&ds, "b", 3);
    orgs(&ds, "\xc3\x96", 3); /* "Ö" */
    orgs(&ds, "a", 3);
    orgs(&ds, "Z", 3);
    for (int k = 0; k < 20; k++) {
        char r[16];
        snprintf(r, sizeof r, "f%02d", k);
        orgs(&ds, r, 1);
    }
    /* three people employed in "f19": inherited regions do not count */
    entity(&ds, "project", KL_KIND_PROJECT, NULL);
    for (int i = 0; i < 3; i++) {
        char id[24];
        snprintf(id, sizeof id, "person-%d", i);
        entity(&ds, id, KL_KIND_PERSON, NULL);
        kl_relation_t rel = {0};
        rel.source_id = in(&ds, id);
        rel.target_id = in(&ds, "f19-0");
        rel.type = in(&ds, "employed_by");
        rel.type_code = KL_REL_EMPLOYED_BY;
        rel.weight = 1;
        rel.amount = NAN;
        rel.start = KL_DATE_MIN;
        rel.end = KL_DATE_MAX;
        if (kl_dataset_add_relation(&ds, &rel, &err) != KL_OK)
            printf("relation: %s\n", err.text), failures++;
    }
    if (kl_dataset_finalize(&ds, &err) != KL_OK) {
        printf("finalize: %s\n", err.text);
        return 1;
    }

    kl_viz_colours_t c;
    if (kl_viz_region_colours(&ds, &c, &err) != KL_OK) {
        printf("colours: %s\n", err.text);
        return 1;
    }
    const char *order[26] = {"big", "Z", "a", "b", "\xc3\x96"};
    char filler[20][16];
    for (int k = 0; k < 20; k++) {
        snprintf(filler[k], sizeof filler[k], "f%02d", k);
        order[5 + k] = filler[k];
    }
    order[25] = "empty";
    int ranked = c.n_regions == 26 && c.n_palette == 20;
    for (uint32_t i = 0; i < 26; i++) {
        int32_t r = kl_dataset_find_region(&ds, order[i]);
        ranked &= r >= 0 && c.rank[r] == i;
        printf("%2u %-6s %s%s\n", c.rank[r], ds.regions[r].id, kl_viz_region_colour(&c, r),
               kl_viz_region_is_other(&c, r) ? " other" : "");
    }
    expect("ranked by own entities, ties by id in byte order", ranked);
    int32_t f19 = kl_dataset_find_region(&ds, "f19");
    expect("inherited regions not counted (f19 has 1 entity, 3 people)",
           ds.actor_region[kl_dataset_find_entity(&ds, "person-0")] == f19 && c.rank[f19] == 24);
    expect("past the palette: one grey",
           strcmp(kl_viz_region_colour(&c, f19), KL_VIZ_OTHER_REGION_COLOUR) == 0 && kl_viz_region_is_other(&c, f19));
    expect("regionless: the light grey, not other",
           strcmp(kl_viz_region_colour(&c, -1), KL_VIZ_NO_REGION_COLOUR) == 0 && !kl_viz_region_is_other(&c, -1));
    int distinct = 1;
    for (uint32_t i = 0; i < c.n_regions; i++)
        for (uint32_t j = i + 1; j < c.n_regions; j++)
            distinct &= c.rank[i] >= 20 || c.rank[j] >= 20 || strcmp(c.colour[i], c.colour[j]) != 0;
    expect("no two palette regions share a colour", distinct);
    kl_viz_colours_free(&c);
    kl_viz_colours_free(&c); /* safe twice: zeroed */
    kl_dataset_destroy(&ds);
    printf("%s\n", failures ? "FAILED" : "all ok");
    return failures != 0;
}
