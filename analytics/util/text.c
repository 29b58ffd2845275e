/*
 * text.c - UTF-8 validation, counting, display width and name folding.
 *
 * Folding maps the Latin letters with diacritics that Vietnamese uses
 * (Latin-1, Latin Extended-A/B and Latin Extended Additional, where the
 * precomposed Vietnamese vowels live) to their ASCII base letter, and drops
 * combining marks, so headers typed as "Mã tiêu chí", "MA TIEU CHI" or
 * "ma_tieu_chi" (NFC or NFD) all fold to "ma_tieu_chi". The tables were
 * generated from Unicode decomposition data (first base letter of NFD).
 */
#include "chiso_util.h"

#include <stdarg.h>
#include <string.h>

/* U+00C0..U+024F */
static const char fold_latin[] =
    "aaaaaaaceeeeiiiidnooooo_ouuuuytsaaaaaaaceeeeiiiidnooooo_ouuuuyty"
    "aaaaaaccccccccddddeeeeeeeeeegggggggghh__iiiiiiiiii__jjkk_llllll_"
    "_llnnnnnn___oooooo__rrrrrrsssssssstttt__uuuuuuuuuuuuwwyyyzzzzzz_"
    "________________________________oo_____________uu_______________"
    "_____________aaiioouuuuuuuuuu_aaaa____ggkkoooo__j___gg__nnaa____"
    "aaaaeeeeiiiioooorrrruuuusstt__hh______aaeeooooooooyy____________"
    "________________";

/* U+1E00..U+1EFF */
static const char fold_ext_additional[] =
    "aabbbbbbccddddddddddeeeeeeeeeeffgghhhhhhhhhhiiiikkkkkkllllllllmm"
    "mmmmnnnnnnnnoooooooopppprrrrrrrrssssssssssttttttttuuuuuuuuuuvvvv"
    "wwwwwwwwwwxxxxyyzzzzzzhtwy______aaaaaaaaaaaaaaaaaaaaaaaaeeeeeeee"
    "eeeeeeeeiiiioooooooooooooooooooooooouuuuuuuuuuuuuuyyyyyyyy______";

/*
 * Decode one code point at s (len > 0). Returns the number of bytes used,
 * or 0 for an invalid sequence.
 */
static size_t
utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
    uint32_t c = s[0];

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        if (len < 2 || (s[1] & 0xC0) != 0x80) {
            return 0;
        }
        *cp = ((c & 0x1F) << 6) | (s[1] & 0x3Fu);
        return 2;
    }
    if (c >= 0xE0 && c <= 0xEF) {
        uint32_t v;
        if (len < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80) {
            return 0;
        }
        v = ((c & 0x0F) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
        if (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF)) {
            return 0;
        }
        *cp = v;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        uint32_t v;
        if (len < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
            (s[3] & 0xC0) != 0x80) {
            return 0;
        }
        v = ((c & 0x07) << 18) | ((s[1] & 0x3Fu) << 12) |
            ((s[2] & 0x3Fu) << 6) | (s[3] & 0x3Fu);
        if (v < 0x10000 || v > 0x10FFFF) {
            return 0;
        }
        *cp = v;
        return 4;
    }
    return 0;
}

int
chiso_utf8_valid(const char *s, size_t len, size_t *bad_offset)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    uint32_t cp;

    while (i < len) {
        size_t n;
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        n = utf8_decode(p + i, len - i, &cp);
        if (n == 0) {
            if (bad_offset != NULL) {
                *bad_offset = i;
            }
            return 0;
        }
        i += n;
    }
    return 1;
}

size_t
chiso_utf8_count(const char *s, size_t len)
{
    size_t i, n = 0;

    for (i = 0; i < len; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            n++;
        }
    }
    return n;
}

static int
is_combining(uint32_t cp)
{
    return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
           (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
           (cp >= 0xFE20 && cp <= 0xFE2F) || cp == 0x200B || cp == 0xFEFF;
}

static int
is_wide(uint32_t cp)
{
    return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
           (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
           (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
           (cp >= 0x20000 && cp <= 0x3FFFD);
}

size_t
chiso_utf8_width(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, w = 0;
    uint32_t cp;

    while (i < len) {
        size_t n = utf8_decode(p + i, len - i, &cp);
        if (n == 0) {
            i++;
            w++;
            continue;
        }
        i += n;
        if (is_combining(cp)) {
            continue;
        }
        w += is_wide(cp) ? 2 : 1;
    }
    return w;
}

static char
fold_char(uint32_t cp)
{
    if (cp < 0x80) {
        char c = (char)cp;
        if (c >= 'A' && c <= 'Z') {
            return (char)(c - 'A' + 'a');
        }
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            return c;
        }
        return '_';
    }
    if (cp >= 0xC0 && cp <= 0x24F) {
        return fold_latin[cp - 0xC0];
    }
    if (cp >= 0x1E00 && cp <= 0x1EFF) {
        return fold_ext_additional[cp - 0x1E00];
    }
    return '_';
}

size_t
chiso_text_fold(const char *s, size_t len, char *out, size_t cap)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, n = 0;
    int pending_sep = 0;
    uint32_t cp;

    while (i < len) {
        size_t k = utf8_decode(p + i, len - i, &cp);
        char c;
        if (k == 0) {
            k = 1;
            cp = 0xFFFD;
        }
        i += k;
        if (is_combining(cp)) {
            continue;
        }
        c = fold_char(cp);
        if (c == '_') {
            pending_sep = n > 0;
            continue;
        }
        if (pending_sep) {
            if (n + 1 < cap) {
                out[n] = '_';
            }
            n++;
            pending_sep = 0;
        }
        if (n + 1 < cap) {
            out[n] = c;
        }
        n++;
    }
    if (cap > 0) {
        out[n < cap ? n : cap - 1] = '\0';
    }
    return n;
}

int
chiso_text_same(const char *a, size_t la, const char *b)
{
    char fa[256], fb[256];

    chiso_text_fold(a, la, fa, sizeof(fa));
    chiso_text_fold(b, strlen(b), fb, sizeof(fb));
    return strcmp(fa, fb) == 0;
}

void
chiso_text_trim(const char **s, size_t *len)
{
    const unsigned char *p = (const unsigned char *)*s;
    size_t n = *len;

    for (;;) {
        if (n > 0 &&
            (p[0] == ' ' || p[0] == '\t' || p[0] == '\r' || p[0] == '\n')) {
            p++;
            n--;
        } else if (n >= 2 && p[0] == 0xC2 && p[1] == 0xA0) {
            p += 2;
            n -= 2;
        } else {
            break;
        }
    }
    for (;;) {
        if (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r' ||
                      p[n - 1] == '\n')) {
            n--;
        } else if (n >= 2 && p[n - 2] == 0xC2 && p[n - 1] == 0xA0) {
            n -= 2;
        } else {
            break;
        }
    }
    *s = (const char *)p;
    *len = n;
}

void
chiso_text_position(const char *text,
                    size_t len,
                    size_t offset,
                    unsigned long *line,
                    unsigned long *column)
{
    size_t i, start = 0;
    unsigned long ln = 1;

    if (offset > len) {
        offset = len;
    }
    for (i = 0; i < offset; i++) {
        if (text[i] == '\n') {
            ln++;
            start = i + 1;
        }
    }
    if (start == 0 && len >= 3 && (unsigned char)text[0] == 0xEF &&
        (unsigned char)text[1] == 0xBB && (unsigned char)text[2] == 0xBF) {
        start = offset >= 3 ? 3 : offset;
    }
    *line = ln;
    *column = (unsigned long)chiso_utf8_count(text + start, offset - start) + 1;
}

int
chiso_vtextf(char *buf, size_t cap, const char *fmt, va_list ap)
{
    int n = chiso_vsnprintf(buf, cap, fmt, ap);
    size_t cut;

    if (cap == 0 || n < 0 || (size_t)n < cap) {
        return n;
    }
    /* it did not fit: cut at a character boundary, room for "…" */
    if (cap < 4) {
        buf[0] = '\0';
        return n;
    }
    cut = cap - 4;
    while (cut > 0 && ((unsigned char)buf[cut] & 0xC0) == 0x80) {
        cut--;
    }
    memcpy(buf + cut, "\xE2\x80\xA6", 4); /* "…" and the NUL */
    return n;
}

int
chiso_textf(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = chiso_vtextf(buf, cap, fmt, ap);
    va_end(ap);
    return n;
}
