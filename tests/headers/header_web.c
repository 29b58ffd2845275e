/* chiso_web.h compiles on its own as strict C99. */
#include "chiso_web.h"

int chiso_header_web_dummy(void);

int
chiso_header_web_dummy(void)
{
    chiso_web_options o = CHISO_WEB_OPTIONS_INIT;
    chiso_web_column c = {"A", CHISO_WEB_NUMBER, 2};
    return (int)o.lang + (int)c.kind + (int)CHISO_WEB_ROW_TOTAL;
}
