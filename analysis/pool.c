/* analysis/pool.c - the one thread pool of analysis/: units of work dealt
 * to threads in a fixed pattern, and accumulator lanes on top of it. */
#include "analysis_internal.h"

#include <pthread.h>
#include <unistd.h>

#define KL_POOL_MAX_THREADS 256

int kl_i_pool_threads(int requested, uint32_t most)
{
    long t = requested > 0 ? requested : sysconf(_SC_NPROCESSORS_ONLN);
    if (t > KL_POOL_MAX_THREADS)
        t = KL_POOL_MAX_THREADS;
    if (t > (long)most)
        t = (long)most;
    return t < 1 ? 1 : (int)t;
}

typedef struct {
    uint32_t n_units;
    void (*fn)(void *ctx, uint32_t unit);
    void *ctx;
    uint32_t first, step;
} pool_share_t;

static void *pool_main(void *arg)
{
    const pool_share_t *s = arg;
    for (uint32_t u = s->first; u < s->n_units; u += s->step)
        s->fn(s->ctx, u);
    return NULL;
}

void kl_i_pool_run(uint32_t n_units, int threads, void (*fn)(void *ctx, uint32_t unit), void *ctx)
{
    uint32_t t_count = (uint32_t)kl_i_pool_threads(threads, n_units);
    pool_share_t share[KL_POOL_MAX_THREADS];
    pthread_t tid[KL_POOL_MAX_THREADS];
    int started[KL_POOL_MAX_THREADS] = {0};
    for (uint32_t t = 0; t < t_count; t++)
        share[t] = (pool_share_t){n_units, fn, ctx, t, t_count};
    for (uint32_t t = 1; t < t_count; t++)
        started[t] = pthread_create(&tid[t], NULL, pool_main, &share[t]) == 0;
    pool_main(&share[0]);
    for (uint32_t t = 1; t < t_count; t++) {
        if (started[t])
            pthread_join(tid[t], NULL);
        else
            pool_main(&share[t]); /* the same units in the same order: only slower */
    }
}

typedef struct {
    uint32_t n_tasks;
    void **lane_ctx;
    void (*fn)(void *lane_ctx, uint32_t task, void *shared);
    void *shared;
} lanes_t;

/* Lane l runs tasks l, l + KL_I_LANES, ... in that order. */
static void lane_main(void *ctx, uint32_t lane)
{
    const lanes_t *ls = ctx;
    for (uint32_t t = lane; t < ls->n_tasks; t += KL_I_LANES)
        ls->fn(ls->lane_ctx[lane], t, ls->shared);
}

void kl_i_lanes_run(uint32_t n_tasks, int threads, void **lane_ctx,
                    void (*fn)(void *lane_ctx, uint32_t task, void *shared), void *shared)
{
    lanes_t ls = {n_tasks, lane_ctx, fn, shared};
    /* no more threads than tasks: a lane without tasks needs none */
    uint32_t busy = n_tasks < KL_I_LANES ? (n_tasks ? n_tasks : 1) : KL_I_LANES;
    kl_i_pool_run(KL_I_LANES, kl_i_pool_threads(threads, busy), lane_main, &ls);
}
