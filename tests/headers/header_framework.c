/* Compiles chiso_framework.h alone, as C99 with -pedantic: public headers must
 * be self-contained (libgit2 headertest). */
#include "chiso_framework.h"

int header_framework_compiles(void);

int
header_framework_compiles(void)
{
    return 0;
}
