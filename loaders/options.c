/* loaders/options.c - the load options, and the limits on a dataset's size
 * that every reader checks after adding records. */
#include "loaders_internal.h"

#include <string.h>

void kl_load_options_init(kl_load_options_t *opt)
{
    memset(opt, 0, sizeof *opt);
}

kl_err kl_i_check_limits(const kl_dataset_t *ds, const kl_load_options_t *opt, const char *path, kl_error_t *err)
{
    if (!opt)
        return KL_OK;
    if (opt->max_entities && ds->n_entities > opt->max_entities)
        return kl_error_set(err, KL_ELIMIT, path, 0, 0, "more than %u entities (--max-entities)", opt->max_entities);
    if (opt->max_relations && ds->n_relations > opt->max_relations)
        return kl_error_set(err, KL_ELIMIT, path, 0, 0, "more than %u relations (--max-relations)",
                            opt->max_relations);
    return KL_OK;
}
