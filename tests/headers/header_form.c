/* Compiles chiso_form.h alone, as C99 with -pedantic: public headers must
 * be self-contained (libgit2 headertest). */
#include "chiso_form.h"

int header_form_compiles(void);

int
header_form_compiles(void)
{
    return 0;
}
