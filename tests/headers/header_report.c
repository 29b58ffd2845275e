/* Compiles chiso_report.h alone, as C99 with -pedantic: public headers must
 * be self-contained (libgit2 headertest). */
#include "chiso_report.h"

int header_report_compiles(void);

int
header_report_compiles(void)
{
    return 0;
}
