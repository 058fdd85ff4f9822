/* tests/unit/seriate_test.c - the heat map's order of regions (viz/seriate.c)
 * on links worked out by hand: a chain given shuffled comes back as the
 * chain, the heavier end first; linked parts come before unlinked regions,
 * the part with most links first; no links at all keeps the id order. */
#include "viz/viz.h"

#include <stdio.h>
#include <string.h>

static int failures;

static void set_links(double *w, uint32_t n, uint32_t a, uint32_t b, double x)
{
    w[a * n + b] = w[b * n + a] = x;
}

/* Print the order and compare it with want (or want reversed when
 * either_way). */
static void expect(const char *what, const double *w, uint32_t n, const uint32_t *want, int either_way)
{
    uint32_t order[16];
    int ok = kl_viz_seriate(w, n, order) == KL_OK, fwd = 1, back = either_way;
    for (uint32_t i = 0; i < n; i++) {
        fwd &= order[i] == want[i];
        back &= order[i] == want[n - 1 - i];
    }
    ok &= fwd || back;
    printf("%-40s", what);
    for (uint32_t i = 0; i < n; i++)
        printf(" %u", order[i]);
    printf("  %s\n", ok ? "ok" : "FAIL");
    failures += !ok;
}

int main(void)
{
    double w[36];

    /* the chain 0-3-1-4-2 with equal links: its Fiedler vector is monotone
     * along the chain (either direction: the two ends weigh the same) */
    memset(w, 0, sizeof w);
    set_links(w, 5, 0, 3, 5), set_links(w, 5, 3, 1, 5), set_links(w, 5, 1, 4, 5), set_links(w, 5, 4, 2, 5);
    expect("chain, shuffled ids", w, 5, (const uint32_t[]){0, 3, 1, 4, 2}, 1);

    /* the same chain, heavy at the 2 end: that end first */
    set_links(w, 5, 4, 2, 50), set_links(w, 5, 1, 4, 20);
    expect("chain, heavy end first", w, 5, (const uint32_t[]){2, 4, 1, 3, 0}, 0);

    /* parts: {3, 4} with 2 links, {0, 1, 2} with 27, 5 alone */
    memset(w, 0, sizeof w);
    set_links(w, 6, 3, 4, 2);
    set_links(w, 6, 0, 1, 10), set_links(w, 6, 1, 2, 9), set_links(w, 6, 0, 2, 8);
    uint32_t order[6];
    int ok = kl_viz_seriate(w, 6, order) == KL_OK;
    int first3 = ok && order[0] <= 2 && order[1] <= 2 && order[2] <= 2;
    int then = ok && order[3] == 3 && order[4] == 4 && order[5] == 5;
    printf("%-40s %u %u %u %u %u %u  %s\n", "parts: most links first, lone last", order[0], order[1], order[2],
           order[3], order[4], order[5], first3 && then ? "ok" : "FAIL");
    failures += !(first3 && then);

    /* no links: the id order */
    memset(w, 0, sizeof w);
    expect("no links", w, 4, (const uint32_t[]){0, 1, 2, 3}, 0);

    printf("%s\n", failures ? "FAILED" : "all ok");
    return failures != 0;
}
