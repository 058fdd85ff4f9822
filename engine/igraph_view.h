/* engine/igraph_view.h - the igraph form of the analysis graph, and igraph
 * failures as kluster errors.
 *
 * For analysis/ only (igraph's algorithms: coreness, bridges, biconnected
 * components, communities), and for the GraphML/GML reader of loaders/,
 * which reads through igraph.  Every other module sees kl_agraph_t's plain
 * arrays (engine/graph.h) and never igraph's types. */
#ifndef KL_ENGINE_IGRAPH_VIEW_H
#define KL_ENGINE_IGRAPH_VIEW_H

#include "graph.h"

#include <igraph.h>

/* The analysis graph as an igraph_t: vertex v and edge e are kluster's.
 * Borrowed from g; valid while g is.  g must be built. */
const igraph_t *kl_agraph_igraph(const kl_agraph_t *g);

/* g->weight as an igraph vector (a view of the same array, not a copy). */
const igraph_vector_t *kl_agraph_igraph_weights(const kl_agraph_t *g);

/* Turn the last igraph failure into a kluster error: KL_ENOMEM for igraph's
 * out of memory, else KL_EGRAPHLIB with igraph's reason (the handler set by
 * kl_engine_init() records it).  Returns the code set. */
kl_err kl_igraph_error(kl_error_t *err, igraph_error_t code);

#endif
