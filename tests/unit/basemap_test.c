/* tests/unit/basemap_test.c - the basemap built into the library
 * (viz/basemap.c): its counts, points inside and outside shapes, and the
 * matching of regions to shapes by code, by name and by place: every
 * Swedish län and Norwegian county by its own point, the codes CORDIS uses,
 * and keys that must not match a shape far from the region's point; a
 * dataset's own outline in preference to them (kl_i_region_shape). */
#include "viz/viz_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static int failures;

static void truth(const char *what, int ok)
{
    printf("%-66s  %s\n", what, ok ? "ok" : "FAIL");
    if (!ok)
        failures++;
}

static kl_region_t region(const char *id, const char *name, double lat, double lon)
{
    kl_region_t r;
    memset(&r, 0, sizeof r);
    r.id = id;
    r.name = name;
    r.lat = lat;
    r.lon = lon;
    return r;
}

static const char *match_name(const kl_i_basemap_t *bm, const char *id, const char *name, double lat, double lon)
{
    kl_region_t r = region(id, name, lat, lon);
    const kl_i_shape_t *s = kl_i_basemap_match(bm, &r);
    return s ? s->name : "(none)";
}

static void expect_match(const kl_i_basemap_t *bm, const char *id, const char *name, double lat, double lon,
                         const char *want)
{
    char what[200], named[96] = "", at[48] = "";
    const char *got = match_name(bm, id, name, lat, lon);
    if (strcmp(name, id) != 0)
        snprintf(named, sizeof named, " '%.80s'", name);
    if (isfinite(lat))
        snprintf(at, sizeof at, " at (%g, %g)", lat, lon);
    snprintf(what, sizeof what, "'%s'%s%s -> %s", id, named, at, got);
    truth(what, strcmp(got, want) == 0);
    if (strcmp(got, want) != 0)
        printf("    expected %s\n", want);
}

static const kl_i_shape_t *shape_named(const kl_i_shape_t *shapes, uint32_t n, const char *name)
{
    for (uint32_t i = 0; i < n; i++)
        if (strcmp(shapes[i].name, name) == 0)
            return &shapes[i];
    return NULL;
}

/* NUTS 2021 label points of the Swedish län, from
 * shared/data/nuts-centroids/nuts2021_label_points.csv (level 3, SE). */
static const struct {
    const char *nuts, *name;
    double lat, lon;
} LAN[] = {
    {"SE110", "Stockholms län", 59.3515, 17.7435},     {"SE121", "Uppsala län", 60.0412, 17.5459},
    {"SE122", "Södermanlands län", 59.0691, 16.7034},  {"SE123", "Östergötlands län", 58.3642, 15.6517},
    {"SE124", "Örebro län", 59.3633, 14.9716},         {"SE125", "Västmanlands län", 59.7454, 16.1719},
    {"SE211", "Jönköpings län", 57.5365, 14.4116},     {"SE212", "Kronobergs län", 56.7739, 14.5614},
    {"SE213", "Kalmar län", 57.2358, 16.0568},         {"SE214", "Gotlands län", 57.5066, 18.5115},
    {"SE221", "Blekinge län", 56.2897, 15.2131},       {"SE224", "Skåne län", 55.9618, 13.6279},
    {"SE231", "Hallands län", 56.9396, 12.8733},       {"SE232", "Västra Götalands län", 57.9886, 12.9933},
    {"SE311", "Värmlands län", 59.7861, 13.1691},      {"SE312", "Dalarnas län", 60.9663, 14.3522},
    {"SE313", "Gävleborgs län", 61.4409, 16.3256},     {"SE321", "Västernorrlands län", 63.1044, 17.2655},
    {"SE322", "Jämtlands län", 63.2619, 14.2975},      {"SE331", "Västerbottens län", 64.866, 17.7942},
    {"SE332", "Norrbottens län", 66.9463, 20.0599},
};

/* The Norwegian counties of 2020 and Svalbard, from
 * shared/data/norway-fylker-centroids/fylker2020_nuts2021_points.csv
 * (number, name as the Research Council writes it, NUTS 2021, point), and
 * the name of the shape each must find. */
static const struct {
    const char *number, *name, *nuts;
    double lat, lon;
    const char *shape;
} FYLKER[] = {
    {"03", "Oslo", "NO081", 59.9818, 10.7393, "Oslo"},
    {"11", "Rogaland", "NO0A1", 58.5864, 6.2183, "Rogaland"},
    {"15", "Møre og Romsdal", "NO0A3", 62.5212, 8.5391, "Møre og Romsdal"},
    {"18", "Nordland - Nordlánnda", "NO071", 66.6944, 14.7825, "Nordland"},
    {"21", "Svalbard", "NO0B2", 78.5808, 17.889, "Svalbard"},
    {"30", "Viken", "NO082", 60.0875, 9.9051, "Viken"},
    {"34", "Innlandet", "NO020", 61.445, 10.426, "Innlandet"},
    {"38", "Vestfold og Telemark", "NO091", 59.4966, 8.7054, "Vestfold og Telemark"},
    {"42", "Agder", "NO092", 58.7025, 7.6183, "Agder"},
    {"46", "Vestland", "NO0A2", 60.9659, 6.544, "Vestland"},
    {"50", "Trøndelag - Trööndelage", "NO060", 63.1495, 11.2412, "Trøndelag"},
    {"54", "Troms og Finnmark - Romsa ja Finnmárku - Tromssa ja Finmarkku", "NO074", 69.7036, 24.1554,
     "Troms og Finnmark"},
};

static void counts(const kl_i_basemap_t *bm)
{
    uint32_t rings = 0, vertices = 0;
    for (uint32_t i = 0; i < bm->n_countries + bm->n_regions; i++) {
        const kl_i_shape_t *s = i < bm->n_countries ? &bm->countries[i] : &bm->regions[i - bm->n_countries];
        rings += s->n_rings;
        vertices += s->ring[s->n_rings];
    }
    printf("countries %u, regions %u, rings %u, vertices %u\n", bm->n_countries, bm->n_regions, rings, vertices);
    truth("240 countries", bm->n_countries == 240);
    truth("33 regions: 21 län, 11 counties and Svalbard", bm->n_regions == 33);
}

static void points(const kl_i_basemap_t *bm)
{
    const kl_i_shape_t *oslo = shape_named(bm->regions, bm->n_regions, "Oslo");
    const kl_i_shape_t *uppsala = shape_named(bm->regions, bm->n_regions, "Uppsala län");
    const kl_i_shape_t *stockholm = shape_named(bm->regions, bm->n_regions, "Stockholms län");
    const kl_i_shape_t *sweden = shape_named(bm->countries, bm->n_countries, "Sweden");
    truth("Oslo, Uppsala län, Stockholms län, Sweden are there", oslo && uppsala && stockholm && sweden);
    if (!oslo || !uppsala || !stockholm || !sweden)
        return;
    truth("Oslo city hall (59.912 N, 10.734 E) in Oslo", kl_i_shape_contains(oslo, 59.912, 10.734));
    truth("Drammen (59.744 N, 10.205 E) not in Oslo", !kl_i_shape_contains(oslo, 59.744, 10.205));
    truth("Stockholm city (59.329 N, 18.069 E) not in Uppsala län", !kl_i_shape_contains(uppsala, 59.329, 18.069));
    truth("Stockholm city (59.329 N, 18.069 E) in Stockholms län", kl_i_shape_contains(stockholm, 59.329, 18.069));
    truth("Uppsala city (59.859 N, 17.639 E) in Uppsala län", kl_i_shape_contains(uppsala, 59.859, 17.639));
    truth("Kiruna (67.856 N, 20.225 E) in Sweden", kl_i_shape_contains(sweden, 67.856, 20.225));
    truth("Oslo (59.912 N, 10.734 E) not in Sweden", !kl_i_shape_contains(sweden, 59.912, 10.734));

    /* the North Sea, the Gotland Deep, the mid-Atlantic, the Gulf of Bothnia */
    static const double sea[][2] = {{56.5, 3.0}, {57.3, 20.0}, {30.0, -40.0}, {62.0, 20.0}};
    for (size_t k = 0; k < sizeof sea / sizeof sea[0]; k++) {
        const char *in = NULL;
        for (uint32_t i = 0; i < bm->n_countries && !in; i++)
            if (kl_i_shape_contains(&bm->countries[i], sea[k][0], sea[k][1]))
                in = bm->countries[i].name;
        char what[96];
        snprintf(what, sizeof what, "sea (%g, %g) in no country%s%s", sea[k][0], sea[k][1], in ? ": " : "",
                 in ? in : "");
        truth(what, !in);
    }
    /* Antarctica is closed through the pole; Chukotka lies east of 180 */
    truth("the South Pole (89.9 S) in Antarctica",
          kl_i_shape_contains(shape_named(bm->countries, bm->n_countries, "Antarctica"), -89.9, 0));
    const kl_i_shape_t *russia = shape_named(bm->countries, bm->n_countries, "Russian Federation");
    truth("Chukotka west of 180 (67 N, 175 E) and east of it (66.5 N, 175 W) in Russia",
          russia && kl_i_shape_contains(russia, 67, 175) && kl_i_shape_contains(russia, 66.5, -175));
    truth("the Bering Strait (65.8 N, 169 W) not in Russia", russia && !kl_i_shape_contains(russia, 65.8, -169));
}

static void swedish_lan(const kl_i_basemap_t *bm)
{
    for (size_t i = 0; i < sizeof LAN / sizeof LAN[0]; i++) {
        expect_match(bm, LAN[i].nuts, LAN[i].nuts, LAN[i].lat, LAN[i].lon, LAN[i].name);
        expect_match(bm, "x", LAN[i].name, LAN[i].lat, LAN[i].lon, LAN[i].name);
        const kl_i_shape_t *s = shape_named(bm->regions, bm->n_regions, LAN[i].name);
        char what[96];
        snprintf(what, sizeof what, "%s: its point inside", LAN[i].nuts);
        truth(what, s && kl_i_shape_contains(s, LAN[i].lat, LAN[i].lon));
    }
    expect_match(bm, "SE-E", "SE-E", NAN, NAN, "Östergötlands län");
    expect_match(bm, "x", "Kalmar", NAN, NAN, "Kalmar län");
}

static void norwegian_counties(const kl_i_basemap_t *bm)
{
    for (size_t i = 0; i < sizeof FYLKER / sizeof FYLKER[0]; i++) {
        expect_match(bm, FYLKER[i].number, FYLKER[i].name, FYLKER[i].lat, FYLKER[i].lon, FYLKER[i].shape);
        expect_match(bm, FYLKER[i].number, FYLKER[i].number, FYLKER[i].lat, FYLKER[i].lon, FYLKER[i].shape);
        expect_match(bm, "x", FYLKER[i].name, FYLKER[i].lat, FYLKER[i].lon, FYLKER[i].shape);
        expect_match(bm, FYLKER[i].nuts, FYLKER[i].nuts, FYLKER[i].lat, FYLKER[i].lon, FYLKER[i].shape);
        const kl_i_shape_t *s = shape_named(bm->regions, bm->n_regions, FYLKER[i].shape);
        char what[96];
        snprintf(what, sizeof what, "county %s: its point inside", FYLKER[i].number);
        truth(what, s && kl_i_shape_contains(s, FYLKER[i].lat, FYLKER[i].lon));
    }
    expect_match(bm, "21", "21", NAN, NAN, "Svalbard");
}

static void countries_and_keys(const kl_i_basemap_t *bm)
{
    /* CORDIS codes at the shared country centroids */
    expect_match(bm, "EL", "EL", 39.4201, 23.1104, "Greece");
    expect_match(bm, "UK", "UK", 53.9784, -2.8529, "United Kingdom");
    expect_match(bm, "XK", "XK", 42.5814, 20.8893, "Kosovo");
    expect_match(bm, "GR", "GR", 39.4201, 23.1104, "Greece");
    expect_match(bm, "SE", "SE", 62.7342, 17.0624, "Sweden");
    /* Norway's centroid lies in Sweden, 110 km from Norway: a tenth of Norway's size */
    expect_match(bm, "NO", "NO", 64.9778, 16.6703, "Norway");
    /* Croatia's lies in Bosnia */
    expect_match(bm, "HR", "HR", 44.9119, 16.6258, "Croatia");
    expect_match(bm, "x", "Netherlands", 52.1341, 5.5541, "Netherlands");
    expect_match(bm, "CZE", "CZE", NAN, NAN, "Czechia");

    /* ASCII letters without case, other bytes exactly */
    expect_match(bm, "se110", "se110", NAN, NAN, "Stockholms län");
    expect_match(bm, "x", "KALMAR län", NAN, NAN, "Kalmar län");
    expect_match(bm, "x", "KALMAR LÄN", NAN, NAN, "(none)");
    expect_match(bm, "x", "møre og romsdal", NAN, NAN, "Møre og Romsdal");
    expect_match(bm, "x", "MØRE OG ROMSDAL", NAN, NAN, "(none)");
    /* a key is a whole key, not a part of one */
    expect_match(bm, "SE11", "SE11", NAN, NAN, "(none)");
    expect_match(bm, "|", "|", NAN, NAN, "(none)");
    expect_match(bm, "", "", NAN, NAN, "(none)");

    /* a key of ours at a point far from its shape is someone else's region:
     * "03" in France (Allier), "CA" in California, "GE" in Georgia (US) */
    expect_match(bm, "03", "03", 46.39, 3.19, "(none)");
    expect_match(bm, "03", "03", NAN, NAN, "Oslo");
    expect_match(bm, "CA", "CA", 37.2, -119.5, "(none)");
    expect_match(bm, "GE", "GE", 32.7, -83.4, "(none)");
    expect_match(bm, "GE", "GE", 42.2, 43.5, "Georgia");
    /* the Maldives' centroid lies on Addu Atoll, which 1:50m does not draw */
    expect_match(bm, "MV", "MV", -0.6066, 73.1008, "(none)");
    /* Natural Earth's form of a län's name */
    expect_match(bm, "Gotland", "Gotland", 57.5066, 18.5115, "Gotlands län");
}

/* A region whose dataset gives its outline gets that outline, whatever the
 * basemap holds for its name; the others get the basemap's. */
static void own_outlines(const kl_i_basemap_t *bm)
{
    static const uint32_t ring[] = {0, 3, 7};
    static const double lat[] = {59.0, 58.8, 60.1, 55.4, 55.4, 56.4, 56.3};
    static const double lon[] = {17.3, 18.6, 18.9, 12.5, 14.3, 13.5, 12.6};
    kl_region_t r = region("SE11", "Stockholm", 59.33, 18.07);
    kl_i_shape_t own;
    const kl_i_shape_t *s = kl_i_region_shape(bm, &r, &own);
    truth("region shape: no outline of its own -> the basemap's", s && strcmp(s->name, "Stockholms län") == 0);
    r.n_rings = 2, r.ring = ring, r.ring_lat = lat, r.ring_lon = lon;
    s = kl_i_region_shape(bm, &r, &own);
    truth("region shape: its own outline wins over the basemap's", s == &own && s->n_rings == 2 && s->lat == lat &&
                                                                     s->lon == lon && s->ring == ring);
    truth("region shape: named after the region, no keys", s && strcmp(s->name, "Stockholm") == 0 &&
                                                              strcmp(s->keys, "|") == 0);
    truth("region shape: its bounding box", s && s->lat_min == 55.4 && s->lat_max == 60.1 && s->lon_min == 12.5 &&
                                                s->lon_max == 18.9);
    truth("region shape: without a basemap, its own outline", kl_i_region_shape(NULL, &r, &own) == &own);
    r.n_rings = 0;
    truth("region shape: without a basemap or an outline, none", !kl_i_region_shape(NULL, &r, &own));
}

int main(void)
{
    kl_error_t err = {0};
    const kl_i_basemap_t *bm = kl_i_basemap(&err);
    if (!bm) {
        printf("kl_i_basemap failed: %s\n", err.text);
        return 1;
    }
    truth("parsed once: the second call returns the same", kl_i_basemap(NULL) == bm);
    counts(bm);
    points(bm);
    swedish_lan(bm);
    norwegian_counties(bm);
    countries_and_keys(bm);
    own_outlines(bm);
    kl_i_basemap_free();
    bm = kl_i_basemap(&err);
    truth("parsed again after kl_i_basemap_free", bm && bm->n_countries == 240);
    kl_i_basemap_free();
    printf("%s\n", failures ? "FAILED" : "all ok");
    return failures ? 1 : 0;
}
