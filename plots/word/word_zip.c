/*
 * word_zip.c - the zip container of a .docx, built in memory with libzip,
 * and the small text helpers the writer and the fill share.
 *
 * Determinism: libzip stamps each entry with the time we give it, converted
 * to the zip format's DOS date through localtime(). Passing the time_t that
 * mktime() makes of 1980-01-01 00:00 local time gives the DOS date
 * 1980-01-01 00:00 whatever the machine's time zone, so the bytes do not
 * depend on TZ either. Entries are added in the caller's order; deflate at
 * libzip's default level (zlib is deterministic for a given version).
 */
#define _POSIX_C_SOURCE 200809L
#include "chiso_word.h"
#include "word_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zip.h>

time_t
chiso_word__zip_time(void)
{
    struct tm tm;

    memset(&tm, 0, sizeof(tm));
    tm.tm_year = 80;
    tm.tm_mon = 0;
    tm.tm_mday = 1;
    tm.tm_isdst = -1;
    return mktime(&tm);
}

static chiso_status
zip_fail(chiso_diag *diag, zip_error_t *ze, const char *what)
{
    chiso_status st =
        zip_error_code_zip(ze) == ZIP_ER_MEMORY ? CHISO_ENOMEM : CHISO_EINVAL;

    chiso_diag_set(diag, st, NULL, 0, 0, "zip: %s: %s", what,
                   zip_error_strerror(ze));
    return st;
}

chiso_status
chiso_word__zip_build(
    const word_part *parts, size_t n, char **out, size_t *len, chiso_diag *diag)
{
    zip_error_t ze;
    zip_source_t *src, *zs;
    zip_t *za;
    zip_stat_t sb;
    time_t mtime = chiso_word__zip_time();
    size_t i;
    char *buf;
    chiso_status st = CHISO_OK;

    *out = NULL;
    *len = 0;
    zip_error_init(&ze);
    src = zip_source_buffer_create(NULL, 0, 0, &ze);
    if (src == NULL) {
        st = zip_fail(diag, &ze, "buffer");
        zip_error_fini(&ze);
        return st;
    }
    za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    if (za == NULL) {
        st = zip_fail(diag, &ze, "open");
        zip_source_free(src);
        zip_error_fini(&ze);
        return st;
    }
    zip_source_keep(src);
    for (i = 0; i < n && st == CHISO_OK; i++) {
        zip_int64_t idx;
        zs = zip_source_buffer(za, parts[i].data, parts[i].len, 0);
        if (zs == NULL) {
            st = zip_fail(diag, zip_get_error(za), parts[i].name);
            break;
        }
        idx = zip_file_add(za, parts[i].name, zs, ZIP_FL_ENC_UTF_8);
        if (idx < 0) {
            zip_source_free(zs);
            st = zip_fail(diag, zip_get_error(za), parts[i].name);
            break;
        }
        if (zip_set_file_compression(
                za, (zip_uint64_t)idx,
                parts[i].store ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 0) != 0 ||
            zip_file_set_mtime(za, (zip_uint64_t)idx, mtime, 0) != 0) {
            st = zip_fail(diag, zip_get_error(za), parts[i].name);
        }
    }
    if (st != CHISO_OK) {
        zip_discard(za);
        zip_source_free(src);
        zip_error_fini(&ze);
        return st;
    }
    if (zip_close(za) != 0) {
        st = zip_fail(diag, zip_get_error(za), "close");
        zip_discard(za);
        zip_source_free(src);
        zip_error_fini(&ze);
        return st;
    }
    /* read the archive back out of the buffer source */
    zip_stat_init(&sb);
    if (zip_source_stat(src, &sb) != 0 || !(sb.valid & ZIP_STAT_SIZE) ||
        zip_source_open(src) != 0) {
        st = zip_fail(diag, zip_source_error(src), "read back");
        zip_source_free(src);
        zip_error_fini(&ze);
        return st;
    }
    buf = malloc(sb.size ? (size_t)sb.size : 1);
    if (buf == NULL) {
        zip_source_close(src);
        zip_source_free(src);
        zip_error_fini(&ze);
        return chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
    }
    if (zip_source_read(src, buf, sb.size) != (zip_int64_t)sb.size) {
        st = zip_fail(diag, zip_source_error(src), "read back");
        free(buf);
        buf = NULL;
    }
    zip_source_close(src);
    zip_source_free(src);
    zip_error_fini(&ze);
    if (st == CHISO_OK) {
        *out = buf;
        *len = (size_t)sb.size;
    }
    return st;
}

chiso_status
chiso_word__xml_escape(chiso_buf *b, const char *s, size_t len)
{
    size_t i, start = 0;
    chiso_status st = CHISO_OK;

    for (i = 0; i < len && st == CHISO_OK; i++) {
        const char *rep = NULL;
        switch (s[i]) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        default:
            break;
        }
        if (rep != NULL) {
            st = chiso_buf_append(b, s + start, i - start);
            if (st == CHISO_OK) {
                st = chiso_buf_puts(b, rep);
            }
            start = i + 1;
        }
    }
    if (st == CHISO_OK) {
        st = chiso_buf_append(b, s + start, len - start);
    }
    return st;
}

size_t
chiso_word__text_bad(const char *s)
{
    size_t len = strlen(s), bad = 0, i;

    if (!chiso_utf8_valid(s, len, &bad)) {
        return bad + 1;
    }
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) {
            return i + 1;
        }
        /* U+FFFE, U+FFFF are not XML characters */
        if (c == 0xEF && i + 2 < len && (unsigned char)s[i + 1] == 0xBF &&
            ((unsigned char)s[i + 2] == 0xBE ||
             (unsigned char)s[i + 2] == 0xBF)) {
            return i + 1;
        }
    }
    return 0;
}
