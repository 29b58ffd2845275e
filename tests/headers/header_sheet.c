/* Compiles chiso_sheet.h alone, as C99 with -pedantic: public headers must
 * be self-contained (libgit2 headertest). */
#include "chiso_sheet.h"

int header_sheet_compiles(void);

int
header_sheet_compiles(void)
{
    return 0;
}
