/*
 * names.c - what a file is and what its cells are called: the part of the
 * workbook module that needs no library. Every table reader asks
 * chiso_workbook_sniff() whether a file is a workbook before it reads it as
 * CSV, and error positions name cells (B7); the chiso executable carries
 * these functions itself (target chiso_workbook_names) so that reading a
 * CSV file never loads libzip, expat, libxml2 or libfreexl
 * (analytics/cli/office.h).
 */
#include "workbook_int.h"

#include <stdio.h>
#include <string.h>

int
chiso_workbook__markup_kind(const void *head, size_t len)
{
    const unsigned char *h = head;
    char low[1024];
    size_t i = 0, n;

    if (h == NULL) {
        return 0;
    }
    if (len >= 3 && h[0] == 0xEF && h[1] == 0xBB && h[2] == 0xBF) {
        i = 3;
    }
    while (i < len &&
           (h[i] == ' ' || h[i] == '\t' || h[i] == '\r' || h[i] == '\n')) {
        i++;
    }
    if (i >= len || h[i] != '<') {
        return 0;
    }
    for (n = 0; i + n < len && n + 1 < sizeof(low); n++) {
        unsigned char c = h[i + n];
        low[n] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    low[n] = '\0';
    if (strstr(low, "urn:schemas-microsoft-com:office:spreadsheet") != NULL ||
        strstr(low, "<?mso-application progid=\"excel.sheet\"") != NULL ||
        strstr(low, "<workbook") != NULL) {
        return CHISO_WORKBOOK_XML2003;
    }
    if (strstr(low, "<html") != NULL || strstr(low, "<table") != NULL ||
        strstr(low, "<!doctype html") != NULL) {
        return CHISO_WORKBOOK_HTML;
    }
    return 0;
}

int
chiso_workbook_sniff(const void *head, size_t len)
{
    static const unsigned char ole[8] = {0xD0, 0xCF, 0x11, 0xE0,
                                         0xA1, 0xB1, 0x1A, 0xE1};
    const unsigned char *h = head;

    if (h == NULL || len < 4) {
        return 0;
    }
    if (h[0] == 'P' && h[1] == 'K' &&
        ((h[2] == 3 && h[3] == 4) || (h[2] == 5 && h[3] == 6))) {
        return CHISO_WORKBOOK_XLSX;
    }
    if (len >= 8 && memcmp(h, ole, 8) == 0) {
        return CHISO_WORKBOOK_XLS;
    }
    return chiso_workbook__markup_kind(head, len);
}

void
chiso_workbook_cell_ref(uint32_t col, uint32_t row, char *out, size_t len)
{
    char tmp[32], letters[8];
    size_t nl = 0, n = 0;

    if (out == NULL || len == 0) {
        return;
    }
    while (col > 0 && nl < sizeof(letters)) {
        uint32_t r = (col - 1) % 26;
        letters[nl++] = (char)('A' + r);
        col = (col - 1) / 26;
    }
    while (nl > 0) {
        tmp[n++] = letters[--nl];
    }
    if (row > 0) {
        n += (size_t)snprintf(tmp + n, sizeof(tmp) - n, "%u", (unsigned)row);
    }
    tmp[n] = '\0';
    snprintf(out, len, "%s", tmp);
}
