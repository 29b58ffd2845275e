/* Compiles chiso_base.h alone, as C99 with -pedantic: public headers must
 * be self-contained (libgit2 headertest). */
#include "chiso_base.h"

int header_base_compiles(void);

int
header_base_compiles(void)
{
    return 0;
}
