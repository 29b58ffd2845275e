/*
 * web_text.c - text into HTML, numbers for people, the page's first error.
 *
 * Everything a caller gives is escaped here on its way into the page: the
 * five characters that matter in HTML text and attribute values
 * (& < > " ') become character references, so a unit called
 * "<script>" or "A & B" shows as written and can never become markup.
 * The ':' of "://" is written &#58;: a source's address reads the same
 * but the file holds no URL (no tool or browser takes text for one).
 *
 * Numbers are written with the page's separators without touching the
 * process locale: printf's decimal point (whatever LC_NUMERIC says) is
 * found and replaced.
 */
#define _POSIX_C_SOURCE 200809L
#include "web_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

chiso_status
chiso_web__fail(chiso_web_page *p, chiso_status code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    if (p->st != CHISO_OK) {
        return p->st;
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), chiso_msg(p->lang, fmt), ap);
    va_end(ap);
    p->st = code;
    chiso_diag_clear(&p->err);
    p->err.lang = p->lang;
    /* already translated: set it as a plain "%s" */
    chiso_diag_set(&p->err, code, NULL, 0, 0, "%s", msg);
    return code;
}

chiso_status
chiso_web__check_text(chiso_web_page *p, const char *text, const char *what)
{
    size_t len, bad, i;

    if (text == NULL) {
        return CHISO_OK;
    }
    len = strlen(text);
    if (!chiso_utf8_valid(text, len, &bad)) {
        return chiso_web__fail(p, CHISO_EDATA,
                               N_("%s is not valid UTF-8 text (byte %zu)"),
                               chiso_msg(p->lang, what), bad + 1);
    }
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) {
            return chiso_web__fail(p, CHISO_EDATA,
                                   N_("%s holds a control character (byte "
                                      "%zu)"),
                                   chiso_msg(p->lang, what), i + 1);
        }
    }
    return CHISO_OK;
}

chiso_status
chiso_web__esc(chiso_buf *b, const char *text, int br)
{
    const char *s = text, *run = text;
    chiso_status st = CHISO_OK;

    if (text == NULL) {
        return CHISO_OK;
    }
    for (; *s != '\0' && st == CHISO_OK; s++) {
        const char *rep = NULL;
        switch (*s) {
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
        case '\'':
            rep = "&#39;";
            break;
        case '\n':
            rep = br ? "<br>" : " ";
            break;
        case '\t':
            rep = " ";
            break;
        case ':':
            /* "https://..." in a source stays readable text but is never
             * a URL in the file: nothing can follow it */
            if (s[1] == '/' && s[2] == '/') {
                rep = "&#58;";
            }
            break;
        default:
            break;
        }
        if (rep != NULL) {
            st = chiso_buf_append(b, run, (size_t)(s - run));
            if (st == CHISO_OK) {
                st = chiso_buf_puts(b, rep);
            }
            run = s + 1;
        }
    }
    if (st == CHISO_OK) {
        st = chiso_buf_append(b, run, (size_t)(s - run));
    }
    return st;
}

/* Split printf's "%.*f" output into sign, integer digits and decimals
 * (whatever character the locale used as the point). */
static void
split_fixed(
    const char *s, int *neg, char *ip, size_t icap, char *fp, size_t fcap)
{
    size_t i = 0, k = 0;

    *neg = 0;
    if (s[0] == '-') {
        *neg = 1;
        s++;
    }
    while (s[i] >= '0' && s[i] <= '9' && k + 1 < icap) {
        ip[k++] = s[i++];
    }
    ip[k] = '\0';
    while (s[i] != '\0' && (s[i] < '0' || s[i] > '9')) {
        i++; /* the decimal point, one byte or several */
    }
    k = 0;
    while (s[i] >= '0' && s[i] <= '9' && k + 1 < fcap) {
        fp[k++] = s[i++];
    }
    fp[k] = '\0';
}

static void
join_number(chiso_lang lang,
            int neg,
            const char *ip,
            const char *fp,
            char *out,
            size_t cap)
{
    char dot = lang == CHISO_LANG_EN ? '.' : ',';
    char grp = lang == CHISO_LANG_EN ? ',' : '.';
    size_t n = strlen(ip), i, k = 0;
    int group = n > 4; /* from 10 000: a year stays 2024 */
    int zero = 1;

    for (i = 0; ip[i] != '\0'; i++) {
        zero &= ip[i] == '0';
    }
    for (i = 0; fp[i] != '\0'; i++) {
        zero &= fp[i] == '0';
    }
    if (cap == 0) {
        return;
    }
    if (neg && !zero && k + 1 < cap) {
        out[k++] = '-';
    }
    for (i = 0; i < n && k + 1 < cap; i++) {
        if (group && i > 0 && (n - i) % 3 == 0 && k + 2 < cap) {
            out[k++] = grp;
        }
        out[k++] = ip[i];
    }
    if (fp[0] != '\0' && k + 1 < cap) {
        out[k++] = dot;
        for (i = 0; fp[i] != '\0' && k + 1 < cap; i++) {
            out[k++] = fp[i];
        }
    }
    out[k] = '\0';
}

void
chiso_web__num(chiso_lang lang, double v, int dec, char *out, size_t cap)
{
    char tmp[400], ip[340], fp[40];
    int neg;

    if (!isfinite(v)) {
        snprintf(out, cap, "%s", "");
        return;
    }
    if (dec < 0) {
        dec = 0;
    }
    if (dec > 17) {
        dec = 17;
    }
    snprintf(tmp, sizeof(tmp), "%.*f", dec, chiso_round_half_up(v, dec));
    split_fixed(tmp, &neg, ip, sizeof(ip), fp, sizeof(fp));
    join_number(lang, neg, ip, fp, out, cap);
}

void
chiso_web__num_full(chiso_lang lang, double v, char *out, size_t cap)
{
    char tmp[400], ip[340], fp[40];
    size_t n;
    int neg;

    if (!isfinite(v)) {
        snprintf(out, cap, "%s", "");
        return;
    }
    snprintf(tmp, sizeof(tmp), "%.6f", v);
    split_fixed(tmp, &neg, ip, sizeof(ip), fp, sizeof(fp));
    n = strlen(fp);
    while (n > 0 && fp[n - 1] == '0') {
        fp[--n] = '\0';
    }
    join_number(lang, neg, ip, fp, out, cap);
}

void
chiso_web__num_machine(double v, char *out, size_t cap)
{
    size_t i;

    chiso_format_double(v, out, cap);
    for (i = 0; out[i] != '\0'; i++) {
        if (out[i] == ',') {
            out[i] = '.'; /* a comma locale's point */
        }
    }
}
