/* viz/seriate.c - an order of the regions in which those with many links to
 * each other sit next to each other (spectral seriation), for the heat map. */
#include "viz_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- Jacobi */

#define JACOBI_MAX_SWEEPS 100

/* The eigenvalues (a's diagonal on return) and eigenvectors (v's columns)
 * of the symmetric k x k matrix a (row-major, destroyed), by cyclic Jacobi
 * rotations.  Chosen over a faster tridiagonal method because it is short,
 * accurate for small eigenvalues, and the same operations in the same order
 * every time: the order it yields is byte-for-byte reproducible.
 * O(k^3) per sweep, about ten sweeps. */
static void jacobi(double *a, double *v, uint32_t k)
{
    for (uint32_t i = 0; i < k; i++)
        for (uint32_t j = 0; j < k; j++)
            v[(size_t)i * k + j] = i == j;
    double total = 0;
    for (size_t i = 0; i < (size_t)k * k; i++)
        total += a[i] * a[i];
    for (int sweep = 0; sweep < JACOBI_MAX_SWEEPS; sweep++) {
        double off = 0;
        for (uint32_t p = 0; p < k; p++)
            for (uint32_t q = p + 1; q < k; q++)
                off += a[(size_t)p * k + q] * a[(size_t)p * k + q];
        if (off <= 1e-30 * total)
            break;
        for (uint32_t p = 0; p < k; p++)
            for (uint32_t q = p + 1; q < k; q++) {
                double apq = a[(size_t)p * k + q];
                if (apq == 0)
                    continue;
                /* the rotation that zeroes a[p][q]: t = tan(phi), the
                 * smaller root, so that the rotation is at most 45 degrees */
                double theta = (a[(size_t)q * k + q] - a[(size_t)p * k + p]) / (2 * apq);
                double t = fabs(theta) > 1e150 ? 0.5 / theta
                                                 : (theta >= 0 ? 1 : -1) / (fabs(theta) + sqrt(theta * theta + 1));
                double c = 1 / sqrt(t * t + 1), s = t * c;
                for (uint32_t r = 0; r < k; r++) {
                    double arp = a[(size_t)r * k + p], arq = a[(size_t)r * k + q];
                    a[(size_t)r * k + p] = c * arp - s * arq;
                    a[(size_t)r * k + q] = s * arp + c * arq;
                }
                for (uint32_t r = 0; r < k; r++) {
                    double apr = a[(size_t)p * k + r], aqr = a[(size_t)q * k + r];
                    a[(size_t)p * k + r] = c * apr - s * aqr;
                    a[(size_t)q * k + r] = s * apr + c * aqr;
                }
                for (uint32_t r = 0; r < k; r++) {
                    double vrp = v[(size_t)r * k + p], vrq = v[(size_t)r * k + q];
                    v[(size_t)r * k + p] = c * vrp - s * vrq;
                    v[(size_t)r * k + q] = s * vrp + c * vrq;
                }
            }
    }
}

/* --------------------------------------------------------------- parts */

typedef struct {
    uint32_t first, size; /* members: part_members[first .. first + size) */
    double links;         /* links inside the part */
} part_t;

/* Parts with links first, the most links (then the most regions, then the
 * smallest first member) first; regions without links last. */
static int cmp_part(const void *x, const void *y)
{
    const part_t *p = x, *q = y;
    if ((p->size > 1) != (q->size > 1))
        return p->size > 1 ? -1 : 1;
    if (p->links != q->links)
        return p->links > q->links ? -1 : 1;
    if (p->size != q->size)
        return p->size > q->size ? -1 : 1;
    return p->first < q->first ? -1 : p->first > q->first;
}

typedef struct {
    double f;
    uint32_t i;     /* the region's index: ties go to the smaller */
    uint32_t local; /* its place in the part's member list */
} keyed_t;

static int cmp_keyed(const void *x, const void *y)
{
    const keyed_t *p = x, *q = y;
    if (p->f != q->f)
        return p->f < q->f ? -1 : 1;
    return p->i < q->i ? -1 : p->i > q->i;
}

/* Order the k members m[] of one linked part (k >= 3) by its Fiedler
 * vector: the eigenvector of the second smallest eigenvalue of the
 * Laplacian L = D - W, ties by index, as NetworkX's spectral_ordering(G)
 * sorts.  It minimises sum w_ab (x_a - x_b)^2 over unit vectors orthogonal
 * to the constant one: heavily linked regions get near values.  (The
 * normalised Laplacian answers another question, balanced cuts: on the
 * Norwegian county links a fifth of random orders kept linked regions
 * closer than it did.)  Of the two
 * directions, the one that puts the link-weighted mean position in the
 * first half: the heavier end comes first. */
static kl_err order_part(const double *w, uint32_t n, uint32_t *m, uint32_t k)
{
    double *a = malloc((size_t)k * k * sizeof *a), *v = malloc((size_t)k * k * sizeof *v),
           *deg = calloc(k, sizeof *deg);
    keyed_t *key = malloc((size_t)k * sizeof *key);
    if (!a || !v || !deg || !key) {
        free(a), free(v), free(deg), free(key);
        return KL_ENOMEM;
    }
    for (uint32_t i = 0; i < k; i++)
        for (uint32_t j = 0; j < k; j++)
            if (i != j)
                deg[i] += w[(size_t)m[i] * n + m[j]];
    for (uint32_t i = 0; i < k; i++)
        for (uint32_t j = 0; j < k; j++)
            a[(size_t)i * k + j] = i == j ? deg[i] : -w[(size_t)m[i] * n + m[j]];
    jacobi(a, v, k);
    /* the smallest eigenvalue is 0 (a linked part: the constant vector); take the next */
    uint32_t low = 0, second = UINT32_MAX;
    for (uint32_t j = 1; j < k; j++)
        if (a[(size_t)j * k + j] < a[(size_t)low * k + low])
            low = j;
    for (uint32_t j = 0; j < k; j++)
        if (j != low && (second == UINT32_MAX || a[(size_t)j * k + j] < a[(size_t)second * k + second]))
            second = j;
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t i = 0; i < k; i++)
            key[i] = (keyed_t){(pass ? -1 : 1) * v[(size_t)i * k + second], m[i], i};
        qsort(key, k, sizeof *key, cmp_keyed);
        double sum = 0, mean = 0;
        for (uint32_t t = 0; t < k; t++) {
            sum += deg[key[t].local];
            mean += deg[key[t].local] * t;
        }
        if (pass == 1 || mean / sum <= (k - 1) / 2.0)
            break;
    }
    for (uint32_t t = 0; t < k; t++)
        m[t] = key[t].i;
    free(a), free(v), free(deg), free(key);
    return KL_OK;
}

kl_err kl_viz_seriate(const double *w, uint32_t n, uint32_t *order)
{
    uint32_t *part_of = malloc(((size_t)n + 1) * sizeof *part_of), *members = malloc(((size_t)n + 1) * sizeof *members);
    part_t *parts = calloc((size_t)n + 1, sizeof *parts);
    kl_err rc = KL_ENOMEM;
    if (!part_of || !members || !parts)
        goto cleanup;
    /* linked parts by breadth-first search, members in order of discovery */
    uint32_t np = 0, filled = 0;
    for (uint32_t i = 0; i < n; i++)
        part_of[i] = UINT32_MAX;
    for (uint32_t s = 0; s < n; s++) {
        if (part_of[s] != UINT32_MAX)
            continue;
        part_t *p = &parts[np];
        p->first = filled;
        part_of[s] = np;
        members[filled++] = s;
        for (uint32_t h = p->first; h < filled; h++)
            for (uint32_t j = 0; j < n; j++) {
                double x = w[(size_t)members[h] * n + j];
                if (j == members[h] || x <= 0)
                    continue;
                if (j > members[h])
                    p->links += x;
                if (part_of[j] == UINT32_MAX) {
                    part_of[j] = np;
                    members[filled++] = j;
                }
            }
        p->size = filled - p->first;
        np++;
    }
    qsort(parts, np, sizeof *parts, cmp_part);
    uint32_t t = 0;
    for (uint32_t q = 0; q < np; q++) {
        uint32_t *m = members + parts[q].first, k = parts[q].size;
        if (k >= 3) {
            if (order_part(w, n, m, k) != KL_OK)
                goto cleanup;
        } else if (k == 2 && m[0] > m[1]) {
            uint32_t x = m[0];
            m[0] = m[1], m[1] = x;
        }
        for (uint32_t i = 0; i < k; i++)
            order[t++] = m[i];
    }
    rc = KL_OK;
cleanup:
    free(part_of);
    free(members);
    free(parts);
    return rc;
}
