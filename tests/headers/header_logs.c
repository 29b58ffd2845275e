/* Compiles chiso_logs.h alone, as C99 with -pedantic: public headers must
 * be self-contained (libgit2 headertest). */
#include "chiso_logs.h"

int header_logs_compiles(void);

int
header_logs_compiles(void)
{
    return 0;
}
