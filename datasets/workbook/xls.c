/*
 * xls.c - legacy Excel 97-2003 workbooks (BIFF2..BIFF8) through libfreexl.
 *
 * libfreexl decodes the compound file, the shared strings and the cell
 * records and holds the selected sheet as a grid; this file walks the grid
 * row by row into chiso cells. libfreexl classifies date cells itself (its
 * DATE / DATETIME / TIME types, already converted from the 1904 system)
 * and hands them over as text, from which the 1900-system serial is
 * recomputed (undoing libfreexl's leap-year slip after 2100). It does not report hidden sheets, merged ranges or
 * formula-ness, so those stay unknown for .xls.
 *
 * An OLE2 file that is no workbook is told apart for the message: an
 * encrypted .xlsx is an OLE2 file with an "EncryptedPackage" stream.
 */
#define _POSIX_C_SOURCE 200809L
#include "chiso_workbook.h"
#include "workbook_int.h"

#include <freexl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct wb_xls {
    const void *h;
    unsigned rows;
    unsigned short cols;
    unsigned next;
};

/* Does the file hold the UTF-16 name of an encrypted OOXML package? */
static int
is_encrypted_ooxml(const char *file)
{
    static const char name[] = "EncryptedPackage";
    unsigned char pat[32], *buf;
    size_t i, n, keep = 0, plen = 2 * (sizeof(name) - 1);
    uint64_t total = 0;
    int found = 0;
    FILE *f = fopen(file, "rb");

    if (f == NULL) {
        return 0;
    }
    for (i = 0; i + 1 < sizeof(name); i++) {
        pat[2 * i] = (unsigned char)name[i];
        pat[2 * i + 1] = 0;
    }
    buf = malloc(65536 + 64);
    if (buf == NULL) {
        fclose(f);
        return 0;
    }
    /* the directory is small and near the start or the end; 64 MiB is
     * more than any encrypted workbook chiso could read anyway */
    while (!found && total < ((uint64_t)64 << 20) &&
           (n = fread(buf + keep, 1, 65536, f)) > 0) {
        size_t have = keep + n;
        total += n;
        for (i = 0; i + plen <= have; i++) {
            if (buf[i] == 'E' && memcmp(buf + i, pat, plen) == 0) {
                found = 1;
                break;
            }
        }
        keep = have < plen ? have : plen;
        memmove(buf, buf + have - keep, keep);
    }
    free(buf);
    fclose(f);
    return found;
}

static chiso_status
freexl_fail(chiso_workbook *wb, const char *file, int rc, chiso_diag *diag)
{
    if (rc != FREEXL_INSUFFICIENT_MEMORY && is_encrypted_ooxml(file)) {
        return chiso_diag_set(diag, CHISO_EPARSE, wb->path, 0, 0,
                              "the workbook is protected by a password "
                              "(encrypted); save a copy without a "
                              "password and read that");
    }
    switch (rc) {
    case FREEXL_INSUFFICIENT_MEMORY:
        return chiso_diag_set(diag, CHISO_ENOMEM, wb->path, 0, 0,
                              "out of memory");
    case FREEXL_FILE_NOT_FOUND:
        return chiso_diag_set(diag, CHISO_EIO, wb->path, 0, 0,
                              "cannot read the workbook");
    case FREEXL_BIFF_WORKBOOK_NOT_FOUND:
        return chiso_diag_set(diag, CHISO_EPARSE, wb->path, 0, 0,
                              "not an Excel workbook: an OLE2 file without "
                              "a workbook stream (a Word or other Office "
                              "file?)");
    default:
        break;
    }
    return chiso_diag_set(diag, CHISO_EPARSE, wb->path, 0, 0,
                          "damaged .xls workbook (libfreexl error %d); open "
                          "and save it again in Excel or LibreOffice",
                          rc);
}

chiso_status
chiso_workbook__xls_open(chiso_workbook *wb, const char *file, chiso_diag *diag)
{
    struct wb_xls *x;
    unsigned info = 0, n = 0, i;
    int rc;

    x = calloc(1, sizeof(*x));
    if (x == NULL) {
        return chiso_diag_set(diag, CHISO_ENOMEM, wb->path, 0, 0,
                              "out of memory");
    }
    wb->xl = x;
    rc = freexl_open(file, &x->h);
    if (rc != FREEXL_OK) {
        if (x->h != NULL) {
            freexl_close(x->h);
            x->h = NULL;
        }
        return freexl_fail(wb, file, rc, diag);
    }
    if (freexl_get_info(x->h, FREEXL_BIFF_PASSWORD, &info) == FREEXL_OK &&
        info == FREEXL_BIFF_OBFUSCATED) {
        return chiso_diag_set(diag, CHISO_EPARSE, wb->path, 0, 0,
                              "the workbook is protected by a password "
                              "(encrypted); save a copy without a password "
                              "and read that");
    }
    if (freexl_get_info(x->h, FREEXL_BIFF_DATEMODE, &info) == FREEXL_OK) {
        wb->date1904 = info == FREEXL_BIFF_DATEMODE_1904;
    }
    rc = freexl_get_info(x->h, FREEXL_BIFF_SHEET_COUNT, &n);
    if (rc != FREEXL_OK) {
        return freexl_fail(wb, file, rc, diag);
    }
    if (n == 0) {
        return chiso_diag_set(diag, CHISO_EPARSE, wb->path, 0, 0,
                              "the workbook has no worksheet");
    }
    if (n > CHISO_WORKBOOK_MAX_SHEETS) {
        return chiso_diag_set(diag, CHISO_EPARSE, wb->path, 0, 0,
                              "damaged workbook: more than %u sheets",
                              CHISO_WORKBOOK_MAX_SHEETS);
    }
    wb->sheets = calloc(n, sizeof(*wb->sheets));
    if (wb->sheets == NULL) {
        return chiso_diag_set(diag, CHISO_ENOMEM, wb->path, 0, 0,
                              "out of memory");
    }
    for (i = 0; i < n; i++) {
        const char *nm = NULL;
        char fallback[32];
        if (freexl_get_worksheet_name(x->h, (unsigned short)i, &nm) !=
                FREEXL_OK ||
            nm == NULL) {
            snprintf(fallback, sizeof(fallback), "%u", i + 1);
            nm = fallback;
        }
        wb->sheets[i].name = chiso_strdup(nm);
        if (wb->sheets[i].name == NULL) {
            wb->n_sheets = i;
            return chiso_diag_set(diag, CHISO_ENOMEM, wb->path, 0, 0,
                                  "out of memory");
        }
    }
    wb->n_sheets = n;
    return CHISO_OK;
}

chiso_status
chiso_workbook__xls_select(chiso_workbook *wb, size_t i, chiso_diag *diag)
{
    struct wb_xls *x = wb->xl;
    int rc;

    x->rows = 0;
    x->cols = 0;
    x->next = 0;
    rc = freexl_select_active_worksheet(x->h, (unsigned short)i);
    if (rc == FREEXL_OK) {
        rc = freexl_worksheet_dimensions(x->h, &x->rows, &x->cols);
    }
    if (rc != FREEXL_OK) {
        return freexl_fail(wb, wb->path, rc, diag);
    }
    if (x->rows > CHISO_WORKBOOK_MAX_ROWS) {
        x->rows = CHISO_WORKBOOK_MAX_ROWS;
    }
    return CHISO_OK;
}

static chiso_status
put_text(chiso_workbook *wb, uint32_t col, const char *s, chiso_cell *c)
{
    size_t len = strlen(s);

    if (len == 0) {
        return CHISO_OK;
    }
    if (len > CHISO_WORKBOOK_MAX_CELL_BYTES) {
        return CHISO_EDATA;
    }
    /* libfreexl's strings live as long as the handle */
    c->kind = CHISO_CELL_TEXT;
    c->text = s;
    c->len = len;
    chiso_workbook__cell_done(wb, col);
    return CHISO_OK;
}

static chiso_status
put_number(chiso_workbook *wb, uint32_t col, double v, chiso_cell *c)
{
    char num[48];
    size_t nl;

    if (!isfinite(v)) {
        return CHISO_OK;
    }
    chiso_status st;

    nl = chiso_workbook__format_number(v, num);
    st = chiso_workbook__cell_text(wb, col, num, nl);
    if (st != CHISO_OK) {
        return st;
    }
    c->kind = CHISO_CELL_NUMBER;
    c->number = v;
    chiso_workbook__cell_done(wb, col);
    return CHISO_OK;
}

/*
 * Serial of a date as libfreexl writes it. libfreexl counts days from
 * 1900-01-01 (1904-01-02 in the 1904 system) in a calendar where every
 * year divisible by 4 is a leap year, so its text is right up to
 * 2100-02-28 and drifts after. Counting back in that same calendar
 * recovers the exact serial; both systems land on ordinal + 1 in the 1900
 * system. Returns -1 when s is not "yyyy-mm-dd".
 */
static double
freexl_serial(const char *s)
{
    static const int cum[12] = {0,   31,  59,  90,  120, 151,
                                181, 212, 243, 273, 304, 334};
    int y, m, d;
    long ord;

    if (strlen(s) < 10 || sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3 ||
        y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31) {
        return -1;
    }
    ord = 365L * (y - 1900) + (y - 1900 + 3) / 4 + cum[m - 1] +
          (m > 2 && y % 4 == 0) + d - 1;
    return (double)ord + 1;
}

/* "hh:mm:ss" (libfreexl may write 24:00:00 after rounding) -> days */
static double
freexl_time(const char *s)
{
    int hh, mi, ss;

    if (sscanf(s, "%2d:%2d:%2d", &hh, &mi, &ss) != 3 || hh < 0 || hh > 24 ||
        mi < 0 || mi > 59 || ss < 0 || ss > 59) {
        return -1;
    }
    return (hh * 3600.0 + mi * 60.0 + ss) / 86400.0;
}

static chiso_status
put_date(
    chiso_workbook *wb, uint32_t col, const char *s, int type, chiso_cell *c)
{
    double serial = -1;
    int cls = WB_FMT_DATE;
    char out[32];
    size_t n = 0;
    chiso_status st;

    if (type == FREEXL_CELL_TIME) {
        serial = freexl_time(s);
        cls = WB_FMT_TIME;
    } else {
        serial = freexl_serial(s);
        if (serial >= 0 && type == FREEXL_CELL_DATETIME) {
            double t = strlen(s) > 11 ? freexl_time(s + 11) : -1;
            serial = t >= 0 ? serial + t : -1;
            cls = WB_FMT_DATETIME;
        }
    }
    if (serial >= 0) {
        n = chiso_workbook__format_serial(serial, cls, out);
        if (n == 0) {
            n = chiso_workbook__format_serial(serial, WB_FMT_DATETIME, out);
        }
    }
    if (n == 0) {
        return put_text(wb, col, s, c);
    }
    st = chiso_workbook__cell_text(wb, col, out, n);
    if (st != CHISO_OK) {
        return st;
    }
    c->kind = CHISO_CELL_DATE;
    c->number = serial;
    chiso_workbook__cell_done(wb, col);
    return CHISO_OK;
}

chiso_status
chiso_workbook__xls_next(chiso_workbook *wb, chiso_diag *diag)
{
    struct wb_xls *x = wb->xl;

    while (x->next < x->rows) {
        unsigned r = x->next++;
        unsigned short k;
        chiso_workbook__row_begin(wb, r + 1);
        for (k = 0; k < x->cols && k < CHISO_WORKBOOK_MAX_COLS; k++) {
            FreeXL_CellValue v;
            chiso_cell *c;
            chiso_status st;
            uint32_t col = (uint32_t)k + 1;
            if (freexl_get_cell_value(x->h, r, k, &v) != FREEXL_OK ||
                v.type == FREEXL_CELL_NULL) {
                continue;
            }
            st = chiso_workbook__cell_at(wb, col, &c);
            if (st == CHISO_OK) {
                switch (v.type) {
                case FREEXL_CELL_INT:
                    st = put_number(wb, col, (double)v.value.int_value, c);
                    break;
                case FREEXL_CELL_DOUBLE:
                    st = put_number(wb, col, v.value.double_value, c);
                    break;
                case FREEXL_CELL_TEXT:
                case FREEXL_CELL_SST_TEXT:
                    st = v.value.text_value != NULL
                             ? put_text(wb, col, v.value.text_value, c)
                             : CHISO_OK;
                    break;
                case FREEXL_CELL_DATE:
                case FREEXL_CELL_DATETIME:
                case FREEXL_CELL_TIME:
                    st = v.value.text_value != NULL
                             ? put_date(wb, col, v.value.text_value, v.type, c)
                             : CHISO_OK;
                    break;
                default:
                    break;
                }
            }
            if (st == CHISO_ENOMEM) {
                return chiso_diag_set(diag, CHISO_ENOMEM, wb->path, 0, 0,
                                      "out of memory");
            }
            if (st != CHISO_OK) {
                char pos[512];
                chiso_workbook_position(wb, col, r + 1, pos, sizeof(pos));
                return chiso_diag_set(diag, CHISO_EPARSE, pos, 0, 0,
                                      "the cell is too large (more than %u "
                                      "bytes of text in the cell or %u in the "
                                      "row)",
                                      CHISO_WORKBOOK_MAX_CELL_BYTES,
                                      CHISO_WORKBOOK_MAX_ROW_BYTES);
            }
        }
        if (chiso_workbook__row_end(wb)) {
            return CHISO_OK;
        }
    }
    return CHISO_DONE;
}

void
chiso_workbook__xls_free(chiso_workbook *wb)
{
    struct wb_xls *x = wb->xl;

    if (x == NULL) {
        return;
    }
    if (x->h != NULL) {
        freexl_close(x->h);
    }
    free(x);
    wb->xl = NULL;
}
