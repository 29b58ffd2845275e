/* Compiles chiso_analytics.h alone, as C99 with -pedantic: public headers must
 * be self-contained (libgit2 headertest). */
#include "chiso_analytics.h"

int header_analytics_compiles(void);

int
header_analytics_compiles(void)
{
    return 0;
}
