/*
 * form_int.h - internals shared by the files of analytics/form.
 */
#ifndef CHISO_FORM_INT_H
#define CHISO_FORM_INT_H

#include "chiso_form.h"

#include <xlsxwriter.h>

/* A workbook being written to a temporary file beside its destination. */
typedef struct form_book {
    lxw_workbook *wb;
    char *path; /* destination */
    char *tmp;  /* the temporary file libxlsxwriter writes */
    lxw_doc_properties props;
} form_book;

/* Open a workbook for path (.xlsx; "-" refused). */
chiso_status chiso_form__book_open(form_book *b,
                                   const char *path,
                                   const char *title,
                                   chiso_diag *diag);
/* Close (write) and rename into place; on failure nothing is left. */
chiso_status chiso_form__book_commit(form_book *b, chiso_diag *diag);
/* Drop the workbook and its temporary file. */
void chiso_form__book_abort(form_book *b);

/* A libxlsxwriter error as a chiso status with a message. */
chiso_status
chiso_form__lxw_error(lxw_error e, const char *path, chiso_diag *diag);

#endif /* CHISO_FORM_INT_H */
