/*
 * office_module.c - the table chiso-office.so exports (office.h).
 *
 * The module links the drawing and office modules statically and exports
 * nothing else (office.map).
 */
#include "office.h"

#define CHISO_OFFICE_INIT(name) name,

extern const chiso_office_table chiso_office_table_v1;
__attribute__((visibility("default")))
const chiso_office_table chiso_office_table_v1 = {
    sizeof(chiso_office_table), CHISO_OFFICE_NAMES,
    CHISO_OFFICE_FUNCS(CHISO_OFFICE_INIT)};
