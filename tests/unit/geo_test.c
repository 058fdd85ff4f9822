/* tests/unit/geo_test.c - the geometry of maps (viz/geo.c): the projection
 * against points worked out by hand, its inverse, round scale-bar lengths,
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

/* One degree of a great circle on the mean earth: 6371.0088 km * pi / 180. */
#define KM_PER_DEG 111.1950802335329

static void projection(void)
{
    kl_geo_proj_t p;
    double x, y, lat, lon;
    /* box 58..62 N, 10..20 E: centre 60 N 15 E, cos 60 = 0.5 */
    kl_geo_proj_init(&p, 58, 62, 10, 20, 1);
    check("centre lat0", p.lat0, 60, 1e-12);
    check("centre lon0", p.lon0, 15, 1e-12);
    check("cos(lat0)", p.k, 0.5, 1e-12);
    kl_geo_proj_km(&p, 60, 15, &x, &y);
    check("(60N, 15E) x km", x, 0, 1e-9);
    check("(60N, 15E) y km", y, 0, 1e-9);
    kl_geo_proj_km(&p, 61, 15, &x, &y);
    check("(61N, 15E) y km = 111.195080", y, KM_PER_DEG, 1e-6);
    kl_geo_proj_km(&p, 60, 16, &x, &y);
    check("(60N, 16E) x km = 111.195080 / 2", x, 55.59754011676645, 1e-6);
    kl_geo_proj_km(&p, 58, 10, &x, &y);
    check("(58N, 10E) x km = -5 * 111.195080 / 2", x, -277.9877005838323, 1e-6);
    check("(58N, 10E) y km = -2 * 111.195080", y, -222.3901604670658, 1e-6);
    /* 0.5 points per km */
    kl_geo_proj_init(&p, 58, 62, 10, 20, 0.5);
    kl_geo_proj_xy(&p, 62, 20, &x, &y);
    check("(62N, 20E) x pt = 5 * 111.195080 / 4", x, 138.9938502919162, 1e-6);
    check("(62N, 20E) y pt = 2 * 111.195080 / 2", y, KM_PER_DEG, 1e-6);
    kl_geo_proj_latlon(&p, x, y, &lat, &lon);
    check("inverse lat", lat, 62, 1e-9);
    check("inverse lon", lon, 20, 1e-9);
    /* at the equator a degree of longitude is a degree of latitude */
    kl_geo_proj_init(&p, -1, 1, -1, 1, 1);
    kl_geo_proj_km(&p, 0, 1, &x, &y);
    check("(0, 1E) x km at the equator", x, KM_PER_DEG, 1e-6);
    kl_geo_proj_km(&p, -1, -1, &x, &y);
    check("(1S, 1W) x km", x, -KM_PER_DEG, 1e-6);
    check("(1S, 1W) y km", y, -KM_PER_DEG, 1e-6);
    /* cleantech-se's counties: Stockholm lies north-east of Ostergotland */
    kl_geo_proj_init(&p, 56.2897, 64.866, 15.2131, 17.7942, 1);
    double sx, sy, ox, oy;
    kl_geo_proj_xy(&p, 59.3515, 17.7435, &sx, &sy);
    kl_geo_proj_xy(&p, 58.3642, 15.6517, &ox, &oy);
    check("Stockholm - Ostergotland north km", sy - oy, (59.3515 - 58.3642) * KM_PER_DEG, 1e-6);
    check("Stockholm - Ostergotland east km", sx - ox, (17.7435 - 15.6517) * KM_PER_DEG * 0.4912405198447065, 1e-6);
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
    round_numbers();
    spread();
    printf("%s\n", failures ? "FAILED" : "all passed");
    return failures != 0;
}
