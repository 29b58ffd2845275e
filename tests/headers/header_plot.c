/* Compiles chiso_plot.h alone, as C99 with -pedantic: public headers must
 * be self-contained (libgit2 headertest). */
#include "chiso_plot.h"

int header_plot_compiles(void);

int
header_plot_compiles(void)
{
    return 0;
}
