/*
 * cli_stats.c - helpers shared by the statistics commands.
 */
#include "cli_stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifndef CHISO_PUBLISHED_DIR
#define CHISO_PUBLISHED_DIR "datasets/published"
#endif

chiso_lang
cli_stats_lang(void)
{
    return cli_language == CLI_LANG_EN ? CHISO_LANG_EN : CHISO_LANG_VI;
}

const char *
cli_published_dir(const char *opt)
{
    const char *env = getenv("CHISO_PUBLISHED_DIR");

    if (opt != NULL) {
        return opt;
    }
    if (env != NULL && env[0] != '\0') {
        return env;
    }
    return CHISO_PUBLISHED_DIR;
}

int
cli_load_published(const char *dir, chiso_published **out)
{
    chiso_diag d;

    chiso_diag_clear(&d);
    d.lang = cli_stats_lang();
    if (chiso_published_load_dir(out, dir, &d) != CHISO_OK) {
        return cli_report(&d);
    }
    return CLI_EXIT_OK;
}

int
cli_split_index(const char *cmd,
                const char *opt,
                const char *spec,
                char *index,
                size_t icap,
                char *comp,
                size_t ccap)
{
    const char *colon = strchr(spec, ':');
    size_t n = colon ? (size_t)(colon - spec) : strlen(spec);

    if (n == 0 || n >= icap ||
        (colon && (colon[1] == '\0' || strlen(colon + 1) >= ccap))) {
        return cli_usage_error(cmd,
                               _("option %s expects INDEX or "
                                 "INDEX:COMPONENT (e.g. PAR_INDEX, "
                                 "PAPI:D6), got '%s'"),
                               opt, spec);
    }
    memcpy(index, spec, n);
    index[n] = '\0';
    snprintf(comp, ccap, "%s", colon ? colon + 1 : "");
    return 0;
}

void
cli_num_short(FILE *f, double x, size_t width)
{
    char buf[64];

    if (!isfinite(x)) {
        cli_cell(f, "-", width, 1);
        return;
    }
    chiso_format_double(chiso_round_sig(x, 10), buf, sizeof(buf));
    cli_cell(f, buf, width, 1);
}
