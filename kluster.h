/* kluster.h - the kluster library: read collaboration networks (who works
 * with whom, by region), compute centrality, structure and the brokers
 * between regions, draw diagrams, and write the results.  The one header a
 * program includes:
 *
 *     #include <kluster/kluster.h>      // cc app.c $(pkg-config --cflags --libs kluster)
 *
 *     kl_run_options_t opt;
 *     kl_run_options_init(&opt);
 *     kl_run_t run;
 *     kl_run_init(&run);
 *     kl_error_t err = {0};
 *     if (kl_run_execute(&run, "datasets/cleantech-se", &opt, &err) != KL_OK) {
 *         char msg[1200];
 *         kl_error_format(&err, msg, sizeof msg);   // FILE:LINE:COL: error: ...
 *         ...
 *     }
 *     // run.metrics (per actor: betweenness, irb, ...), run.regions (pairs,
 *     // brokers, cut actors), run.brokerage; writers.h writes them as the
 *     // command does (kl_write_json, kl_write_csv, kl_write_md, ...)
 *     kl_run_destroy(&run);
 *
 * The modules, lowest first (docs/architecture.md): engine (the typed graph
 * model), i18n (the language of the reports: kl_lang_set), loaders (input
 * formats), analysis (the metrics), viz (diagrams with Graphviz), writers
 * (output formats), pipeline (one run).  Nothing in the library prints;
 * errors come back as kl_error_t.
 */
#ifndef KLUSTER_H
#define KLUSTER_H

#include "engine/graph.h"
#define KL_I18N_NO_MARKERS
#include "i18n/i18n.h"
#include "loaders/loaders.h"
#include "analysis/analysis.h"
#include "viz/viz.h"
#include "writers/writers.h"
#include "pipeline/pipeline.h"

#endif
