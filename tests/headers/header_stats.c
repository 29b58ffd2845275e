/* Compiles chiso_stats.h alone, as C99 with -pedantic: public headers must
 * be self-contained (libgit2 headertest). */
#include "chiso_stats.h"

int header_stats_compiles(void);

int
header_stats_compiles(void)
{
    return 0;
}
