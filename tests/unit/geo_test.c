/* tests/unit/geo_test.c - the geometry of maps (viz/geo.c): the projection
 * (Lambert azimuthal equal-area) against points worked out by hand, Snyder's
 * worked example and PROJ, its inverse and its areas, the outliers a map's
 * frame leaves out, round scale-bar lengths,
 * graticule steps and labels, and the spreading of boxes around their
 * anchors (nobody overlaps, the first stays on its anchor, the same input
 * gives the same places). */
#include "viz/viz.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static int failures;

static void check(const char *what, double got, double want, double tol)
{
    int ok = fabs(got - want) <= tol;
    printf("%-44s %12.6f  %s\n", what, got, ok ? "ok" : "FAIL");
    if (!ok) {
        printf("    expected %.6f\n", want);
        failures++;
    }
}

static void truth(const char *what, int ok)
{
    printf("%-57s  %s\n", what, ok ? "ok" : "FAIL");
    if (!ok)
        failures++;
}

#define R_KM 6371.0088

/* The Lambert azimuthal equal-area projection (Snyder 1987, p. 185). */
static void projection(void)
{
    kl_geo_proj_t p;
    double x, y, lat, lon;
    kl_geo_proj_init(&p, 60, 15, 1);
    kl_geo_proj_km(&p, 60, 15, &x, &y);
    check("the centre: x", x, 0, 1e-9);
    check("the centre: y", y, 0, 1e-9);
    /* along the central meridian y is the chord of the arc: 2R sin(d/2) */
    kl_geo_proj_km(&p, 70, 15, &x, &y);
    check("(70N, 15E) x = 0", x, 0, 1e-9);
    check("(70N, 15E) y = 2R sin 5 deg", y, 2 * R_KM * sin(5 * M_PI / 180), 1e-6);
    /* centred on the equator, along the equator too */
    kl_geo_proj_init(&p, 0, 0, 1);
    kl_geo_proj_km(&p, 0, 60, &x, &y);
    check("(0, 60E) from (0, 0): x = 2R sin 30 deg = R", x, R_KM, 1e-6);
    check("(0, 60E) from (0, 0): y = 0", y, 0, 1e-9);
    /* from a pole, the parallels are circles of radius 2R sin(colat/2) */
    kl_geo_proj_init(&p, 90, 0, 1);
    kl_geo_proj_km(&p, 30, 90, &x, &y);
    check("(30N, 90E) from the pole: x = 2R sin 30 deg", x, R_KM, 1e-6);
    check("(30N, 90E) from the pole: y = 0", y, 0, 1e-6);
    /* Snyder's worked example (p. 332): R = 3, centre 40N 100W, point 20S
     * 100E: x = -4.2339303, y = 4.0257775 (units of R = 3; here scaled) */
    kl_geo_proj_init(&p, 40, -100, 3.0 / R_KM);
    kl_geo_proj_xy(&p, -20, 100, &x, &y);
    check("Snyder's example x", x, -4.2339303, 1e-7);
    check("Snyder's example y", y, 4.0257775, 1e-7);
    kl_geo_proj_latlon(&p, x, y, &lat, &lon);
    check("Snyder's example, inverse: lat", lat, -20, 1e-9);
    /* within 180 degrees of the centre's longitude: 100E is 260W */
    check("Snyder's example, inverse: lon (mod 360)", fmod(lon + 720, 360), 100, 1e-9);
    /* against PROJ (+proj=laea +lat_0=60 +lon_0=15 +R=6371008.8), km */
    static const double proj[][4] = {{62, 20, 260.781445346, 232.289095116},
                                     {58, 10, -294.367325275, -211.304495818},
                                     {69.7036, 24.1554, 353.092930554, 1102.786911150},
                                     {78.5808, 17.889, 64.421616181, 2058.525111682},
                                     {-30, 100, 9995.820244045, -3653.924428824}};
    kl_geo_proj_init(&p, 60, 15, 0.5);
    for (size_t i = 0; i < sizeof proj / sizeof *proj; i++) {
        char what[64];
        kl_geo_proj_xy(&p, proj[i][0], proj[i][1], &x, &y);
        snprintf(what, sizeof what, "(%g, %g) x pt = PROJ / 2", proj[i][0], proj[i][1]);
        check(what, x, proj[i][2] / 2, 1e-6);
        snprintf(what, sizeof what, "(%g, %g) y pt = PROJ / 2", proj[i][0], proj[i][1]);
        check(what, y, proj[i][3] / 2, 1e-6);
    }
    /* round trips over a grid of the hemisphere around the centre */
    double worst = 0;
    for (double la = -20; la <= 89; la += 7.3)
        for (double lo = -60; lo <= 90; lo += 9.1) {
            kl_geo_proj_xy(&p, la, lo, &x, &y);
            kl_geo_proj_latlon(&p, x, y, &lat, &lon);
            worst = fmax(worst, fmax(fabs(lat - la), fabs(lon - lo)));
        }
    check("round trip, worst error in degrees", worst, 0, 1e-9);
    kl_geo_proj_init(&p, 60, 15, 1);
    kl_geo_proj_km(&p, -60, -165, &x, &y);
    truth("the antipode has no point", isnan(x) && isnan(y));
    /* equal area: a cell of 0.1 x 0.1 degrees keeps its area,
     * R^2 dlon (sin lat1 - sin lat0), wherever it is (its projected corners
     * by the shoelace formula) */
    for (double la = 30; la <= 80; la += 25) {
        double cx[4], cy[4], area = 0, d = 0.1 * M_PI / 180;
        kl_geo_proj_km(&p, la, 40, &cx[0], &cy[0]);
        kl_geo_proj_km(&p, la, 40.1, &cx[1], &cy[1]);
        kl_geo_proj_km(&p, la + 0.1, 40.1, &cx[2], &cy[2]);
        kl_geo_proj_km(&p, la + 0.1, 40, &cx[3], &cy[3]);
        for (int k = 0; k < 4; k++)
            area += cx[k] * cy[(k + 1) % 4] - cx[(k + 1) % 4] * cy[k];
        double want = R_KM * R_KM * d * (sin((la + 0.1) * M_PI / 180) - sin(la * M_PI / 180));
        char what[64];
        snprintf(what, sizeof what, "area of a 0.1-degree cell at %gN / true", la);
        check(what, fabs(area) / 2 / want, 1, 1e-4);
    }
    check("distance Oslo - Bergen (km)", kl_geo_distance_km(59.9139, 10.7522, 60.3913, 5.3221), 305.3, 0.5);
    check("distance over a quarter meridian (km)", kl_geo_distance_km(0, 7, 90, 7), R_KM * M_PI / 2, 1e-6);
}

/* The places a map's frame leaves out. */
static void outliers(void)
{
    /* the Norwegian counties of 2020 and their actors in H2020: Svalbard is
     * far and light; Nordland and Troms og Finnmark are far but heavy */
    static const double lat[] = {63.1495, 59.9818, 69.7036, 60.0875, 60.9659, 66.6944,
                                 58.5864, 58.7025, 59.4966, 61.445,  62.5212, 78.5808};
    static const double lon[] = {11.2412, 10.7393, 24.1554, 9.9051, 6.544, 14.7825,
                                 6.2183,  7.6183,  8.7054,  10.426, 8.5391, 17.889};
    static const double w[] = {67, 205, 25, 135, 66, 24, 52, 30, 41, 24, 17, 3};
    uint8_t out[12];
    truth("Norway: one outlier", kl_geo_outliers(lat, lon, w, 12, out) == 1);
    truth("Norway: it is Svalbard", out[11] == 1);
    /* a light place inside the others' box stays; so does everything when
     * only two places are given */
    double lat2[] = {50, 50, 60, 60, 55}, lon2[] = {0, 40, 0, 40, 20}, w2[] = {100, 100, 100, 100, 1};
    uint8_t out2[5];
    truth("a light place in the middle is no outlier", kl_geo_outliers(lat2, lon2, w2, 5, out2) == 0);
    double lat3[] = {60, -30}, lon3[] = {10, 120}, w3[] = {100, 1};
    truth("two places: no outlier", kl_geo_outliers(lat3, lon3, w3, 2, out2) == 0);
    /* Europe and the United States: the United States goes */
    double lat4[] = {52.5, 48.9, 41.9, 40.4, 51.5, 38.8, NAN}, lon4[] = {13.4, 2.35, 12.5, -3.7, -0.1, -96.3, 0},
           w4[] = {100, 90, 80, 70, 60, 1, 5};
    uint8_t out4[7];
    truth("Europe: one outlier", kl_geo_outliers(lat4, lon4, w4, 7, out4) == 1);
    truth("Europe: the United States, not the place without a point", out4[5] == 1 && out4[6] == 0);
}

static void round_numbers(void)
{
    static const double max[] = {0.7, 1, 1.9, 2, 4.99, 5, 9.99, 10, 99.5, 100, 149, 250, 999, 1000, 0, -3};
    static const double want[] = {0.5, 1, 1, 2, 2, 5, 5, 10, 50, 100, 100, 200, 500, 1000, 0, 0};
    char what[64];
    for (size_t i = 0; i < sizeof max / sizeof *max; i++) {
        snprintf(what, sizeof what, "round length below %g km", max[i]);
        check(what, kl_geo_round_length(max[i]), want[i], 1e-12);
    }
    static const double span[] = {0.3, 1, 2.6, 8.6, 20, 130, 360};
    static const double step[] = {0.1, 0.2, 0.5, 2, 5, 30, 45};
    for (size_t i = 0; i < sizeof span / sizeof *span; i++) {
        snprintf(what, sizeof what, "graticule step for %g degrees", span[i]);
        check(what, kl_geo_step(span[i], 6), step[i], 1e-12);
    }
    static const struct {
        double v, step;
        int lat;
        const char *want;
    } deg[] = {{60, 2, 1, "60\u00b0N"},      {-33, 1, 1, "33\u00b0S"}, {16, 1, 0, "16\u00b0E"},
               {-0.5, 0.5, 0, "0.5\u00b0W"}, {0, 5, 1, "0\u00b0"},     {59.3, 0.1, 1, "59.3\u00b0N"},
               {59, 0.2, 1, "59\u00b0N"}};
    for (size_t i = 0; i < sizeof deg / sizeof *deg; i++) {
        char buf[32];
        kl_geo_degrees(deg[i].v, deg[i].step, deg[i].lat, buf, sizeof buf);
        snprintf(what, sizeof what, "label %g (step %g) = %s", deg[i].v, deg[i].step, deg[i].want);
        truth(what, strcmp(buf, deg[i].want) == 0);
    }
}

static int overlap(const kl_geo_box_t *a, const kl_geo_box_t *b, double gap)
{
    return fabs(a->x - b->x) < (a->w + b->w) / 2 + gap - 1e-9 && fabs(a->y - b->y) < (a->h + b->h) / 2 + gap - 1e-9;
}

#define NB 40

static void spread(void)
{
    kl_geo_box_t b[NB], again[NB];
    uint32_t order[NB];
    /* 30 boxes of one region's actors at (0, 0), 8 at (100, 0), one alone
     * far away, one without a place; larger boxes first */
    for (uint32_t i = 0; i < NB; i++) {
        double ax = i < 30 ? 0 : i < 38 ? 100 : i == 38 ? 1000 : NAN;
        b[i] = (kl_geo_box_t){ax, 0, 40 + (i % 3) * 20, 14 + (i % 2) * 10, 0, 0, 0};
        order[i] = i;
    }
    memcpy(again, b, sizeof b);
    truth("spread returns KL_OK", kl_geo_spread(b, order, NB, 3) == KL_OK);
    kl_geo_spread(again, order, NB, 3);
    int same = 1, apart = 1;
    for (uint32_t i = 0; i < NB; i++) {
        same &= (isnan(b[i].x) && isnan(again[i].x)) || (b[i].x == again[i].x && b[i].y == again[i].y);
        for (uint32_t j = i + 1; j < NB - 1; j++)
            apart &= !overlap(&b[i], &b[j], 3);
    }
    truth("no two boxes closer than the gap", apart);
    truth("the same input gives the same places", same);
    truth("the first box sits on its anchor", b[0].x == 0 && b[0].y == 0);
    truth("a box alone keeps its anchor", b[38].x == 1000 && b[38].y == 0);
    truth("a box without an anchor is not placed", isnan(b[39].x) && isnan(b[39].y));
    double far = 0;
    for (uint32_t i = 0; i < 30; i++) {
        double d = hypot(b[i].x, b[i].y);
        far = d > far ? d : far;
    }
    /* 30 boxes of at most 80 x 24 (+3 gap) cover about 30 * 83 * 27 pt^2:
     * a disc of radius 146; the spiral stays within twice that */
    truth("the first anchor's boxes stay within 300 pt of it", far < 300);
    printf("placed:\n");
    for (uint32_t i = 0; i < NB; i++)
        printf("  %2u  %6.0fx%-3.0f anchor (%7.2f, %5.2f) -> (%8.2f, %8.2f)\n", i, b[i].w, b[i].h, b[i].ax, b[i].ay,
               b[i].x, b[i].y);
    /* a negative gap lets circles overlap a little before they move */
    kl_geo_box_t c[2] = {{0, 0, 40, 40, 0, 0, 0}, {30, 0, 30, 30, 0, 0, 0}};
    uint32_t o2[2] = {0, 1};
    kl_geo_spread(c, o2, 2, -10);
    truth("overlap within a negative gap: both stay put", c[1].x == 30 && c[1].y == 0);
    c[1] = (kl_geo_box_t){20, 0, 30, 30, 0, 0, 0};
    kl_geo_spread(c, o2, 2, -10);
    truth("more overlap: the second moves", !(c[1].x == 20 && c[1].y == 0) && !overlap(&c[0], &c[1], -10));
    /* circles keep apart by the distance of their centres, not by their
     * bounding squares: diagonal neighbours 42.4 pt apart (diameters 40)
     * stay, 38.2 pt apart the second moves */
    kl_geo_box_t r[2] = {{0, 0, 40, 40, 0, 0, 1}, {30, 30, 40, 40, 0, 0, 1}};
    kl_geo_spread(r, o2, 2, 1);
    truth("circles 42.4 pt apart stay put", r[1].x == 30 && r[1].y == 30);
    r[1] = (kl_geo_box_t){27, 27, 40, 40, 0, 0, 1};
    kl_geo_spread(r, o2, 2, 1);
    truth("circles 38.2 pt apart: the second moves off", hypot(r[1].x, r[1].y) >= 41 - 1e-9);
}

int main(void)
{
    projection();
    outliers();
    round_numbers();
    spread();
    printf("%s\n", failures ? "FAILED" : "all passed");
    return failures != 0;
}
