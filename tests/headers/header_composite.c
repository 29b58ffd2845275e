/* Compiles chiso_composite.h alone, as C99 with -pedantic: public headers must
 * be self-contained (libgit2 headertest). */
#include "chiso_composite.h"

int header_composite_compiles(void);

int
header_composite_compiles(void)
{
    return 0;
}
