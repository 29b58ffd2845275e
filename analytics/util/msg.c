/*
 * msg.c - the message catalogue: every word chiso says, in the caller's
 * language.
 *
 * Messages are written in English in the source (the msgid) and marked for
 * extraction (N_(), chiso_msg(), chiso_diag_set() and friends; the xgettext
 * keywords are in this folder's CMakeLists.txt). The Vietnamese text lives
 * in po/vi.po, the file translators know. msgfmt compiles it into a binary
 * catalogue (.mo) at build time and the build embeds those bytes here, so
 * the program needs no installed locale and no file at run time.
 *
 * Why not glibc's gettext() at run time: it picks the language from the
 * process locale (setlocale/LANGUAGE), which a library must not change,
 * and needs the vi_VN locale generated on the machine. chiso chooses the
 * language per call (a report configuration can ask for English while the
 * command runs in Vietnamese), so the lookup takes the language as an
 * argument. The .mo layout is gettext's: a table of msgids sorted by
 * strcmp and a parallel table of translations, searched by bisection.
 */
#include "chiso_util.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

/* Generated from po/vi.po (catalog_vi.c in the build tree). */
extern const unsigned char chiso__catalog_vi[];
extern const size_t chiso__catalog_vi_len;

#define MO_MAGIC 0x950412deu

static uint32_t
mo_u32(const unsigned char *p, size_t len, size_t off)
{
    uint32_t v;
    if (off + 4 > len) {
        return 0;
    }
    memcpy(&v, p + off, 4);
    return v;
}

/* Bisect the sorted msgid table of a little-endian .mo image. */
static const char *
mo_lookup(const unsigned char *mo, size_t len, const char *msgid)
{
    uint32_t n, orig, trans, lo, hi;
    if (len < 28 || mo_u32(mo, len, 0) != MO_MAGIC) {
        return NULL;
    }
    n = mo_u32(mo, len, 8);
    orig = mo_u32(mo, len, 12);
    trans = mo_u32(mo, len, 16);
    lo = 0;
    hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        uint32_t slen = mo_u32(mo, len, orig + 8u * mid);
        uint32_t soff = mo_u32(mo, len, orig + 8u * mid + 4);
        int c;
        if ((size_t)soff + slen >= len) {
            return NULL;
        }
        c = strcmp(msgid, (const char *)mo + soff);
        if (c == 0) {
            uint32_t tlen = mo_u32(mo, len, trans + 8u * mid);
            uint32_t toff = mo_u32(mo, len, trans + 8u * mid + 4);
            if ((size_t)toff + tlen >= len || tlen == 0) {
                return NULL;
            }
            return (const char *)mo + toff;
        }
        if (c < 0) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return NULL;
}

const char *
chiso_msg(chiso_lang lang, const char *msgid)
{
    const char *t;
    if (msgid == NULL || msgid[0] == '\0' || lang != CHISO_LANG_VI) {
        return msgid;
    }
    t = mo_lookup(chiso__catalog_vi, chiso__catalog_vi_len, msgid);
    return t != NULL ? t : msgid;
}

int
chiso_msg_has(chiso_lang lang, const char *msgid)
{
    if (lang != CHISO_LANG_VI) {
        return 1;
    }
    return mo_lookup(chiso__catalog_vi, chiso__catalog_vi_len, msgid) != NULL;
}

int
chiso_lang_parse(const char *s, chiso_lang *out)
{
    if (s == NULL) {
        return -1;
    }
    if (strcmp(s, "vi") == 0) {
        *out = CHISO_LANG_VI;
        return 0;
    }
    if (strcmp(s, "en") == 0) {
        *out = CHISO_LANG_EN;
        return 0;
    }
    return -1;
}

const char *
chiso_lang_code(chiso_lang lang)
{
    return lang == CHISO_LANG_EN ? "en" : "vi";
}

/* glibc's strerror texts (the msgids), so English output is unchanged. */
static const struct {
    int err;
    const char *text;
} errno_texts[] = {
    {EPERM, N_("Operation not permitted")},
    {ENOENT, N_("No such file or directory")},
    {EIO, N_("Input/output error")},
    {EACCES, N_("Permission denied")},
    {EBUSY, N_("Device or resource busy")},
    {EEXIST, N_("File exists")},
    {EXDEV, N_("Invalid cross-device link")},
    {ENOTDIR, N_("Not a directory")},
    {EISDIR, N_("Is a directory")},
    {EINVAL, N_("Invalid argument")},
    {EMFILE, N_("Too many open files")},
    {ETXTBSY, N_("Text file busy")},
    {EFBIG, N_("File too large")},
    {ENOSPC, N_("No space left on device")},
    {EROFS, N_("Read-only file system")},
    {EPIPE, N_("Broken pipe")},
    {ENAMETOOLONG, N_("File name too long")},
    {ELOOP, N_("Too many levels of symbolic links")},
    {ENOTEMPTY, N_("Directory not empty")},
    {EDQUOT, N_("Disk quota exceeded")},
    {ENOMEM, N_("Cannot allocate memory")},
    {ENXIO, N_("No such device or address")},
};

const char *
chiso_errno_str(chiso_lang lang, int err)
{
    size_t i;

    for (i = 0; i < sizeof(errno_texts) / sizeof(errno_texts[0]); i++) {
        if (errno_texts[i].err == err) {
            return chiso_msg(lang, errno_texts[i].text);
        }
    }
    return strerror(err);
}
