/* Compiles chiso_score.h alone, as C99 with -pedantic: public headers must
 * be self-contained (libgit2 headertest). */
#include "chiso_score.h"

int header_score_compiles(void);

int
header_score_compiles(void)
{
    return 0;
}
