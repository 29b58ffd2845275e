/* Compiles chiso_word.h alone, as C99 with -pedantic: public headers must
 * be self-contained (libgit2 headertest). */
#include "chiso_word.h"

int header_word_compiles(void);

int
header_word_compiles(void)
{
    return 0;
}
