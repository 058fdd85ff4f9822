/* analysis/clock.c - the clock the phase timings of analysis/ read. */
#include "analysis_internal.h"

#include <time.h>

double kl_i_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
