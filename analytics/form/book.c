/*
 * book.c - a libxlsxwriter workbook written atomically and
 * deterministically: libxlsxwriter writes a temporary file beside the
 * destination (same folder, so the rename is atomic), which is renamed
 * into place only when the workbook was written completely. The creation
 * time is fixed (2000-01-01) and libxlsxwriter stamps every zip entry with
 * a fixed date, so the same calls give the same bytes.
 */
#define _POSIX_C_SOURCE 200809L
#include "form_int.h"

#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FIXED_CREATED ((time_t)946684800) /* 2000-01-01T00:00:00Z */

chiso_status
chiso_form__lxw_error(lxw_error e, const char *path, chiso_diag *diag)
{
    if (e == LXW_ERROR_MEMORY_MALLOC_FAILED) {
        return chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
    }
    return chiso_diag_set(diag, CHISO_EIO, path, 0, 0,
                          "cannot write the workbook: %s", lxw_strerror(e));
}

chiso_status
chiso_form__book_open(form_book *b,
                      const char *path,
                      const char *title,
                      chiso_diag *diag)
{
    size_t n = strlen(path);
    int fd;

    memset(b, 0, sizeof(*b));
    if (strcmp(path, "-") == 0) {
        return chiso_diag_set(diag, CHISO_EUSAGE, path, 0, 0,
                              "a workbook cannot be written to standard "
                              "output; give a file name ending in .xlsx");
    }
    b->path = chiso_strdup(path);
    b->tmp = malloc(n + 16);
    if (b->path == NULL || b->tmp == NULL) {
        chiso_form__book_abort(b);
        return chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
    }
    snprintf(b->tmp, n + 16, "%s.tmp-XXXXXX", path);
    fd = mkstemp(b->tmp);
    if (fd < 0) {
        int e = errno;
        free(b->tmp);
        b->tmp = NULL;
        chiso_form__book_abort(b);
        return chiso_diag_set_errno(diag, path, e, "cannot create");
    }
    /* mkstemp makes 0600; give the file the mode a plain fopen would */
    if (fchmod(fd, (mode_t)chiso_file_default_mode()) != 0) {
        /* keep 0600: safe, only less convenient */
    }
    close(fd);
    b->wb = workbook_new(b->tmp);
    if (b->wb == NULL) {
        chiso_form__book_abort(b);
        return chiso_diag_set(diag, CHISO_EIO, path, 0, 0,
                              "cannot start the workbook");
    }
    b->props.title = (char *)(uintptr_t)(title ? title : "");
    b->props.author = (char *)(uintptr_t) "chiso";
    b->props.created = FIXED_CREATED;
    workbook_set_properties(b->wb, &b->props);
    return CHISO_OK;
}

chiso_status
chiso_form__book_commit(form_book *b, chiso_diag *diag)
{
    lxw_error e = workbook_close(b->wb);
    chiso_status st = CHISO_OK;

    b->wb = NULL;
    if (e != LXW_NO_ERROR) {
        st = chiso_form__lxw_error(e, b->path, diag);
    } else if (rename(b->tmp, b->path) != 0) {
        st = chiso_diag_set_errno(diag, b->path, errno, "cannot write");
    } else {
        free(b->tmp);
        b->tmp = NULL;
    }
    chiso_form__book_abort(b);
    return st;
}

void
chiso_form__book_abort(form_book *b)
{
    if (b->wb != NULL) {
        /* libxlsxwriter has no "discard": close it, then remove the file */
        workbook_close(b->wb);
        b->wb = NULL;
    }
    if (b->tmp != NULL) {
        unlink(b->tmp);
        free(b->tmp);
        b->tmp = NULL;
    }
    free(b->path);
    b->path = NULL;
}
