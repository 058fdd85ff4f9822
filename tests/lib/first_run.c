/* tests/lib/first_run.c - a program outside the command that runs an
 * analysis through libkluster, as docs/library.md shows: the analysis JSON
 * of DATASET on standard output, byte for byte what `kluster analyze
 * DATASET --format json` writes.  Built against the installed library
 * (pkg-config kluster) by tests/oracle/test_library.sh.
 *
 *     first_run DATASET [--mode organisations] [--weights]
 */
#include <kluster/kluster.h>

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: first_run DATASET [--mode organisations] [--weights]\n");
        return 2;
    }
    kl_run_options_t opt;
    kl_run_options_init(&opt);
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--weights") == 0)
            opt.weighted = 1;
        else if (strcmp(argv[i], "--mode") == 0 && i + 1 < argc && strcmp(argv[++i], "organisations") == 0)
            opt.graph.mode = KL_MODE_ORGANISATIONS;
        else {
            fprintf(stderr, "first_run: unknown option '%s'\n", argv[i]);
            return 2;
        }
    }
    kl_run_t run;
    kl_run_init(&run);
    kl_error_t err = {0};
    int rc = 0;
    if (kl_run_execute(&run, argv[1], &opt, &err) != KL_OK) {
        char msg[1200];
        kl_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "%s\n", msg);
        rc = 1;
    } else {
        kl_report_t report;
        kl_run_report(&run, argv[1], 10, &report);
        if (kl_write_json(stdout, &report) != 0 || fflush(stdout) != 0) {
            perror("first_run");
            rc = 1;
        }
    }
    kl_run_destroy(&run);
    return rc;
}
