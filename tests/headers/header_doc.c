/* Compiles chiso_doc.h alone, as C99 with -pedantic: public headers must
 * be self-contained (libgit2 headertest). */
#include "chiso_doc.h"

int header_doc_compiles(void);

int
header_doc_compiles(void)
{
    return 0;
}
