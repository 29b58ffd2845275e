/* Compiles chiso_workbook.h alone, as C99 with -pedantic: public headers
 * must be self-contained (libgit2 headertest). */
#include "chiso_workbook.h"

int header_workbook_compiles(void);

int
header_workbook_compiles(void)
{
    return (int)sizeof(chiso_cell) > 0 && CHISO_WORKBOOK_XLSX == 1;
}
