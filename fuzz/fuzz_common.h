/* fuzz/fuzz_common.h - what every loader fuzz target does with its input:
 * load it from memory (kl_load_buffer, the same readers as for files),
 * finalize, build the analysis graphs, destroy.  Must never crash or leak,
 * whatever the bytes; a load error is a normal outcome. */
#ifndef KL_FUZZ_COMMON_H
#define KL_FUZZ_COMMON_H

#include "../engine/graph.h"
#include "../loaders/loaders.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    const char *name;      /* the file name the buffer stands for */
    const uint8_t *data;
    size_t len;
} kl_fuzz_input_t;

/* Once per process: igraph errors must come back as codes, never abort(). */
static void kl_fuzz_setup(void)
{
    static int done;
    if (!done) {
        kl_engine_init();
        done = 1;
    }
}

/* Checks that an error record is printable (the CLI formats every one). */
static void kl_fuzz_check_error(const kl_error_t *err)
{
    char buf[1200];
    kl_error_format(err, buf, sizeof buf);
    if (!memchr(buf, '\0', sizeof buf))
        __builtin_trap();
}

/* Loads inputs[0..n) as one dataset (in the order given), then finalizes
 * and builds the graph in both modes.  flags bit 0: --resolve-names. */
static void kl_fuzz_run(const kl_fuzz_input_t *inputs, size_t n, kl_load_format fmt, unsigned flags)
{
    kl_fuzz_setup();
    kl_dataset_t ds;
    kl_error_t err = {0};
    if (kl_dataset_init(&ds) != KL_OK)
        return;
    kl_load_options_t opt;
    kl_load_options_init(&opt);
    opt.resolve_names = (int)(flags & 1);
    /* the CLI's default limits are far above what 64 KiB can hold; small
     * limits here would only hide the code behind them */
    kl_err rc = KL_OK;
    for (size_t i = 0; i < n && rc == KL_OK; i++)
        rc = kl_load_buffer(&ds, inputs[i].name, (const char *)inputs[i].data, inputs[i].len, fmt, &opt, &err);
    if (rc == KL_OK)
        rc = kl_dataset_finalize(&ds, &err);
    if (rc != KL_OK) {
        kl_fuzz_check_error(&err);
    } else {
        for (uint32_t i = 0; i < ds.n_warnings; i++)
            if (!ds.warnings[i].text)
                __builtin_trap();
        static const kl_mode modes[] = {KL_MODE_FULL, KL_MODE_ORGANISATIONS};
        for (size_t m = 0; m < sizeof modes / sizeof *modes; m++) {
            kl_graph_options_t gopt;
            kl_graph_options_init(&gopt);
            gopt.mode = modes[m];
            kl_agraph_t g;
            kl_error_t gerr = {0};
            if (kl_agraph_build(&g, &ds, &gopt, &gerr) != KL_OK) {
                kl_fuzz_check_error(&gerr);
                continue;
            }
            uint32_t comps, largest, isolated;
            if (kl_agraph_component_counts(&g, &comps, &largest, &isolated) == KL_OK &&
                (largest > g.n || isolated > g.n || comps > g.n))
                __builtin_trap();
            kl_agraph_destroy(&g);
        }
    }
    kl_dataset_destroy(&ds);
}

#endif
