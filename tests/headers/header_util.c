/* Compiles chiso_util.h alone, as C99 with -pedantic: public headers must
 * be self-contained (libgit2 headertest). */
#include "chiso_util.h"

int header_util_compiles(void);

int
header_util_compiles(void)
{
    return 0;
}
