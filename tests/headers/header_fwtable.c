/* Compiles chiso_fwtable.h alone, as C99 with -pedantic: public headers must
 * be self-contained (libgit2 headertest). */
#include "chiso_fwtable.h"

int header_fwtable_compiles(void);

int
header_fwtable_compiles(void)
{
    return 0;
}
