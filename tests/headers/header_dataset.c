/* Compiles chiso_dataset.h alone, as C99 with -pedantic: public headers must
 * be self-contained (libgit2 headertest). */
#include "chiso_dataset.h"

int header_dataset_compiles(void);

int
header_dataset_compiles(void)
{
    return 0;
}
