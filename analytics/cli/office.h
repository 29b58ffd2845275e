/*
 * office.h - the drawing and office part of chiso, loaded when first used.
 *
 * Charts, PDF/Word/Excel documents and workbook reading need Cairo, Pango,
 * libzip, expat, libxml2, libfreexl and libxlsxwriter: 50 shared libraries
 * that took 20 ms to load before every command, more than `chiso
 * composite` takes to compute. The chiso executable therefore links none
 * of them. The modules that use them (datasets/workbook, indicators/table,
 * analytics/form, plots, plots/word, analytics/report) are linked into the
 * module chiso-office.so beside the executable, which exports one table of
 * their functions (office_module.c). Each function the executable calls is
 * a stub of the same name (office_stubs.c, written by office_stubs.py) that
 * loads the module on first use (cli_office(), office_load.c) and calls
 * through the table. A table or statistics command on CSV input never
 * loads it; a workbook input, a chart or a document does.
 */
#ifndef CHISO_CLI_OFFICE_H
#define CHISO_CLI_OFFICE_H

#include "chiso_form.h"
#include "chiso_fwtable.h"
#include "chiso_plot.h"
#include "chiso_report.h"
#include "chiso_word.h"
#include "chiso_workbook.h"
#include "office_funcs.h"

#define CHISO_OFFICE_MEMBER(name) __typeof__(name) *name;
#define CHISO_OFFICE_NAME(name)   #name " "

/* What chiso-office.so exports, under the name CHISO_OFFICE_SYMBOL. */
typedef struct chiso_office_table {
    size_t size;       /* sizeof(chiso_office_table) of the module */
    const char *names; /* CHISO_OFFICE_NAMES of the module */
    CHISO_OFFICE_FUNCS(CHISO_OFFICE_MEMBER)
} chiso_office_table;

#define CHISO_OFFICE_SYMBOL "chiso_office_table_v1"
#define CHISO_OFFICE_NAMES  CHISO_OFFICE_FUNCS(CHISO_OFFICE_NAME)

/* The module's table; the module is loaded on the first call (once, from
 * any thread). A module that cannot be loaded, or one built from other
 * sources, ends chiso with a message and exit code 4. */
const chiso_office_table *cli_office(void);

#endif
