/*
 * cli_stats.h - helpers shared by chiso trend, rank, compare, survey,
 * composite and uncertainty: the output language, where the published
 * store is, INDEX[:COMPONENT] options and number cells.
 */
#ifndef CHISO_CLI_STATS_H
#define CHISO_CLI_STATS_H

#include "cli.h"

#include "chiso_stats.h"

/* The language of the output (--lang) as the library names it. */
chiso_lang cli_stats_lang(void);

/* The text of an English msgid in the output language, from the
 * catalogue (analytics/util/po/vi.po); xgettext extracts _() as a
 * keyword. */
#ifndef _
#define _(s) chiso_msg(cli_stats_lang(), s)
#endif

/* The published directory: --published DIR, else $CHISO_PUBLISHED_DIR,
 * else the directory compiled in (the source tree's datasets/published). */
const char *cli_published_dir(const char *opt);

/* Load the store and its breaks; on failure print and return the exit
 * code (0 on success). */
int cli_load_published(const char *dir, chiso_published **out);

/* Split "PAPI:D6" into index "PAPI" and component "D6" (component "" for
 * "PAPI"). Returns 0, or prints a usage error and returns 2. */
int cli_split_index(const char *cmd,
                    const char *opt,
                    const char *spec,
                    char *index,
                    size_t icap,
                    char *comp,
                    size_t ccap);

/* A number in its shortest exact form, right-aligned; "-" for NaN. */
void cli_num_short(FILE *f, double x, size_t width);

#endif /* CHISO_CLI_STATS_H */
