/*
 * cells.c - what a cell's stored value means: numbers and their shortest
 * text, date serials and their text, date number formats, "_xHHHH_"
 * escapes, A1 references.
 *
 * Numbers are read on the hot path of a million-row sheet, so the common
 * case is done without strtod or snprintf: a plain decimal with at most 15
 * significant digits is exact in a double (Clinger's fast path: mantissa
 * < 2^53 and a power of ten <= 1e22 are both exact, and one IEEE division
 * or multiplication rounds correctly), and, since two different decimals
 * of at most 15 digits never map to the same double (DBL_DIG = 15), the
 * written digits without trailing zeros are already the shortest text that
 * reads back to that double. Only longer or exponent-heavy numbers go
 * through strtod and a 15/16/17-digit "%.*e" search.
 *
 * Dates: Excel counts days from 1899-12-31 (serial 1 = 1900-01-01) and,
 * copying Lotus 1-2-3, believes 1900 was a leap year: serial 60 is the
 * fictitious 1900-02-29 and from serial 61 (1900-03-01) the count is
 * days since 1899-12-30. Civil dates use Howard Hinnant's
 * days_from_civil / civil_from_days (proleptic Gregorian).
 */
#include "workbook_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char chiso_workbook__empty[] = "";

/* Exact powers of ten representable in a double. */
static const double pow10_exact[23] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static int
same(double a, double b)
{
    return !(a < b) && !(a > b);
}

/* Plain decimal text of sign * m * 10^e10 (m without trailing zeros). */
static size_t
plain_digits(int neg, const char *digits, size_t k, int e10, char *out)
{
    size_t n = 0, i;
    long pos = (long)k + e10; /* digits before the point */

    if (neg) {
        out[n++] = '-';
    }
    if (pos <= 0) {
        out[n++] = '0';
        out[n++] = '.';
        for (i = 0; i < (size_t)(-pos); i++) {
            out[n++] = '0';
        }
        memcpy(out + n, digits, k);
        n += k;
    } else if ((size_t)pos >= k) {
        memcpy(out + n, digits, k);
        n += k;
        for (i = k; i < (size_t)pos; i++) {
            out[n++] = '0';
        }
    } else {
        memcpy(out + n, digits, (size_t)pos);
        n += (size_t)pos;
        out[n++] = '.';
        memcpy(out + n, digits + pos, k - (size_t)pos);
        n += k - (size_t)pos;
    }
    out[n] = '\0';
    return n;
}

size_t
chiso_workbook__format_number(double x, char *out)
{
    char tmp[48], digits[24];
    double ax = fabs(x);
    int p, e10 = 0;
    size_t k = 0;
    const char *q;

    if (chiso_is_zero(x) || !isfinite(x)) {
        out[0] = '0';
        out[1] = '\0';
        return 1;
    }
    if (ax < 1e15 && same(x, floor(x))) {
        return (size_t)snprintf(out, 40, "%lld", (long long)x);
    }
    for (p = 15; p <= 17; p++) {
        snprintf(tmp, sizeof(tmp), "%.*e", p - 1, x);
        if (same(strtod(tmp, NULL), x)) {
            break;
        }
    }
    /* tmp is [-]d.ddde[+-]xx: collect the digits and the exponent */
    for (q = tmp; *q != '\0' && *q != 'e'; q++) {
        if (*q >= '0' && *q <= '9' && k < sizeof(digits)) {
            digits[k++] = *q;
        }
    }
    if (*q == 'e') {
        e10 = atoi(q + 1);
    }
    while (k > 1 && digits[k - 1] == '0') {
        k--;
    }
    if (ax >= 1e-6 && ax < 1e15 && (int)k - 1 - e10 <= 20) {
        /* value = d1.d2..dk * 10^e10 = digits * 10^(e10 + 1 - k); at most
         * 20 decimals, as chiso_format_double writes them */
        return plain_digits(x < 0, digits, k, e10 + 1 - (int)k, out);
    }
    return (size_t)snprintf(out, 40, "%.*g", (int)k, x);
}

int
chiso_workbook__parse_number(
    const char *s, size_t len, double *value, char *out, size_t *out_len)
{
    const char *p = s, *end = s + len;
    char digits[24];
    size_t k = 0;   /* significant digits kept */
    size_t sig = 0; /* significant digits seen */
    int neg = 0, any = 0, dot_shift = 0, exp10 = 0;
    uint64_t m = 0;
    double v;

    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) {
        p++;
    }
    while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' ||
                       end[-1] == '\r')) {
        end--;
    }
    if (p < end && (*p == '-' || *p == '+')) {
        neg = *p == '-';
        p++;
    }
    for (; p < end && *p >= '0' && *p <= '9'; p++) {
        any = 1;
        if (sig == 0 && *p == '0') {
            continue;
        }
        if (sig < 19) {
            m = m * 10 + (uint64_t)(*p - '0');
            if (k < sizeof(digits)) {
                digits[k++] = *p;
            }
        } else {
            dot_shift++; /* digit dropped from the mantissa */
        }
        sig++;
    }
    if (p < end && *p == '.') {
        p++;
        for (; p < end && *p >= '0' && *p <= '9'; p++) {
            any = 1;
            if (sig == 0 && *p == '0') {
                dot_shift--;
                continue;
            }
            if (sig < 19) {
                m = m * 10 + (uint64_t)(*p - '0');
                if (k < sizeof(digits)) {
                    digits[k++] = *p;
                }
                dot_shift--;
            }
            sig++;
        }
    }
    if (!any) {
        return 0;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        int eneg = 0, edig = 0;
        long e = 0;
        p++;
        if (p < end && (*p == '-' || *p == '+')) {
            eneg = *p == '-';
            p++;
        }
        for (; p < end && *p >= '0' && *p <= '9'; p++) {
            edig = 1;
            if (e < 100000) {
                e = e * 10 + (*p - '0');
            }
        }
        if (!edig) {
            return 0;
        }
        exp10 = (int)(eneg ? -e : e);
    }
    if (p != end) {
        return 0;
    }
    if (sig <= 15) {
        int e = dot_shift + exp10;
        if (m == 0) {
            *value = 0.0; /* "-0" reads as 0 */
            if (out != NULL) {
                out[0] = '0';
                out[1] = '\0';
                *out_len = 1;
            }
            return 1;
        }
        if (e >= -22 && e <= 22) {
            v = e >= 0 ? (double)m * pow10_exact[e]
                       : (double)m / pow10_exact[-e];
            if (neg) {
                v = -v;
            }
            *value = v;
            if (out == NULL) {
                return 1;
            }
            while (k > 1 && digits[k - 1] == '0') {
                k--;
                e++;
            }
            if (fabs(v) >= 1e-6 && fabs(v) < 1e15 && e >= -20) {
                /* shortest text = the digits without trailing zeros */
                *out_len = plain_digits(neg, digits, k, e, out);
                return 1;
            }
            *out_len = chiso_workbook__format_number(v, out);
            return 1;
        }
    } else if (out == NULL && sig <= 19) {
        /* a date serial with 16-19 digits ("45293.12783564815"): the
         * mantissa and the power of ten are exact in long double, so the
         * value is within one unit in the last place of the double - far
         * below the second the date text is rounded to - without strtod */
        int e = dot_shift + exp10;
        if (e >= -27 && e <= 0) {
            long double p10 = 1.0L;
            int i;
            for (i = 0; i < -e; i++) {
                p10 *= 10.0L;
            }
            v = (double)((long double)m / p10);
            *value = neg ? -v : v;
            return 1;
        }
    }
    /* slow path: strtod on a bounded copy */
    {
        char buf[128];
        size_t n;
        char *ep;
        const char *b = s;
        while (b < end &&
               (*b == ' ' || *b == '\t' || *b == '\n' || *b == '\r')) {
            b++;
        }
        n = (size_t)(end - b);
        if (n >= sizeof(buf)) {
            return 0;
        }
        memcpy(buf, b, n);
        buf[n] = '\0';
        v = strtod(buf, &ep);
        if (ep != buf + n || !isfinite(v)) {
            return 0;
        }
        if (chiso_is_zero(v)) {
            v = 0.0;
        }
        *value = v;
        if (out != NULL) {
            *out_len = chiso_workbook__format_number(v, out);
        }
        return 1;
    }
}

/* ---- dates ----------------------------------------------------------- */

static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void
civil_from_days(int64_t z, int *y, int *m, int *d)
{
    int64_t era;
    unsigned doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = (unsigned)(z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* days from 1970-01-01 to 1899-12-30 */
#define EXCEL_EPOCH (-25569)
/* serial of 10000-01-01: the first day Excel cannot show */
#define EXCEL_MAX_SERIAL 2958466

static int
days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) {
        return 29;
    }
    return dm[m - 1];
}

double
chiso_workbook__serial(int y, int m, int d, int hh, int mi, double ss)
{
    int64_t days;

    if (m < 1 || m > 12 || d < 1 || hh < 0 || hh > 23 || mi < 0 || mi > 59 ||
        !(ss >= 0) || !(ss < 61)) {
        return -1;
    }
    if (y == 1900 && m == 2 && d == 29) {
        days = 60;
    } else {
        if (y < 1900 || y > 9999 || d > days_in_month(y, m)) {
            return -1;
        }
        days = days_from_civil(y, (unsigned)m, (unsigned)d) - EXCEL_EPOCH;
        if (days <= 60) {
            days--; /* before 1900-03-01: Excel counts from 1899-12-31 */
        }
    }
    return (double)days +
           ((double)hh * 3600.0 + (double)mi * 60.0 + ss) / 86400.0;
}

static void
put2(char *o, int v)
{
    o[0] = (char)('0' + v / 10);
    o[1] = (char)('0' + v % 10);
}

static size_t
put_date(char *o, int64_t day)
{
    int y, m, d;

    if (day == 60) {
        y = 1900;
        m = 2;
        d = 29;
    } else {
        civil_from_days(day + EXCEL_EPOCH + (day < 60 ? 1 : 0), &y, &m, &d);
    }
    o[0] = (char)('0' + y / 1000);
    o[1] = (char)('0' + y / 100 % 10);
    o[2] = (char)('0' + y / 10 % 10);
    o[3] = (char)('0' + y % 10);
    o[4] = '-';
    put2(o + 5, m);
    o[7] = '-';
    put2(o + 8, d);
    return 10;
}

static size_t
put_time(char *o, int tod)
{
    put2(o, tod / 3600);
    o[2] = ':';
    put2(o + 3, tod / 60 % 60);
    o[5] = ':';
    put2(o + 6, tod % 60);
    return 8;
}

size_t
chiso_workbook__format_serial(double serial, int fmt, char *out)
{
    long long secs;
    int64_t day;
    int tod;
    size_t n = 0;

    if (fmt == WB_FMT_NUMBER || !(serial >= 0) ||
        !(serial < (double)EXCEL_MAX_SERIAL)) {
        return 0;
    }
    secs = llround(serial * 86400.0);
    day = secs / 86400;
    tod = (int)(secs % 86400);
    if (day >= EXCEL_MAX_SERIAL) {
        return 0;
    }
    if (day == 0) {
        if (fmt == WB_FMT_DATE) {
            return 0; /* 1900-01-00 is no date */
        }
        n = put_time(out, tod);
    } else {
        n = put_date(out, day);
        if (fmt != WB_FMT_DATE || tod != 0) {
            out[n++] = ' ';
            n += put_time(out + n, tod);
        }
    }
    out[n] = '\0';
    return n;
}

static int
num(const char **p, const char *end, int ndig, int *v)
{
    int i, r = 0;
    for (i = 0; i < ndig; i++) {
        if (*p >= end || **p < '0' || **p > '9') {
            return 0;
        }
        r = r * 10 + (**p - '0');
        (*p)++;
    }
    *v = r;
    return 1;
}

int
chiso_workbook__parse_iso(const char *s, size_t len, double *serial, int *fmt)
{
    const char *p = s, *end = s + len;
    int y = 0, mo = 0, d = 0, hh = 0, mi = 0, sec = 0, has_date = 0,
        has_time = 0;
    double frac = 0;
    double v;

    while (p < end && *p == ' ') {
        p++;
    }
    while (end > p && end[-1] == ' ') {
        end--;
    }
    if (end - p >= 10 && p[4] == '-') {
        if (!num(&p, end, 4, &y) || *p++ != '-' || !num(&p, end, 2, &mo) ||
            p >= end || *p++ != '-' || !num(&p, end, 2, &d)) {
            return 0;
        }
        has_date = 1;
        if (p < end && (*p == 'T' || *p == ' ')) {
            p++;
        }
    }
    if (p < end && end - p >= 5 && p[2] == ':') {
        if (!num(&p, end, 2, &hh) || *p++ != ':' || !num(&p, end, 2, &mi)) {
            return 0;
        }
        if (p < end && *p == ':') {
            p++;
            if (!num(&p, end, 2, &sec)) {
                return 0;
            }
            if (p < end && *p == '.') {
                double scale = 0.1;
                p++;
                while (p < end && *p >= '0' && *p <= '9') {
                    frac += scale * (*p - '0');
                    scale /= 10;
                    p++;
                }
            }
        }
        has_time = 1;
        /* a zone is ignored: the cell means the office's local time */
        if (p < end && *p == 'Z') {
            p++;
        } else if (p < end && (*p == '+' || *p == '-')) {
            int zh, zm = 0;
            p++;
            if (!num(&p, end, 2, &zh)) {
                return 0;
            }
            if (p < end && *p == ':') {
                p++;
            }
            if (p < end && !num(&p, end, 2, &zm)) {
                return 0;
            }
        }
    }
    if (p != end || (!has_date && !has_time)) {
        return 0;
    }
    if (!has_date) {
        if (hh > 23 || mi > 59 || sec > 59) {
            return 0;
        }
        *serial = (hh * 3600.0 + mi * 60.0 + sec + frac) / 86400.0;
        *fmt = WB_FMT_TIME;
        return 1;
    }
    v = chiso_workbook__serial(y, mo, d, hh, mi, sec + frac);
    if (v < 0) {
        return 0;
    }
    *serial = v;
    *fmt = has_time ? WB_FMT_DATETIME : WB_FMT_DATE;
    return 1;
}

/* ---- number formats ----------------------------------------------------- */

int
chiso_workbook__builtin_class(unsigned id)
{
    /* ECMA-376 Part 1, 18.8.30: 14-22, 45-47; East Asian 27-36, 50-58 */
    if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || id == 36 ||
        id == 50 || id == 51 || id == 54 || id == 57 || id == 58) {
        return WB_FMT_DATE;
    }
    if ((id >= 18 && id <= 21) || (id >= 32 && id <= 35) ||
        (id >= 45 && id <= 47) || id == 52 || id == 53 || id == 55 ||
        id == 56) {
        return WB_FMT_TIME;
    }
    if (id == 22) {
        return WB_FMT_DATETIME;
    }
    return WB_FMT_NUMBER;
}

static int
lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

int
chiso_workbook__format_class(const char *code)
{
    const char *p;
    int d = 0, m = 0, y = 0, h = 0, s = 0;

    if (code == NULL) {
        return WB_FMT_NUMBER;
    }
    for (p = code; *p != '\0' && *p != ';'; p++) {
        int c = lower((unsigned char)*p);
        if (*p == '"') {
            p++;
            while (*p != '\0' && *p != '"') {
                p++;
            }
            if (*p == '\0') {
                break;
            }
        } else if (*p == '\\' || *p == '_' || *p == '*') {
            if (p[1] == '\0') {
                break;
            }
            p++;
        } else if (*p == '[') {
            /* [h] [mm] [ss]: elapsed time; anything else ([Red], [$-42A],
             * [>=100]) is no date */
            const char *q = p + 1;
            int c0 = lower((unsigned char)*q), same_run = 1;
            while (*q != '\0' && *q != ']') {
                if (lower((unsigned char)*q) != c0) {
                    same_run = 0;
                }
                q++;
            }
            if (same_run && q > p + 1 &&
                (c0 == 'h' || c0 == 'm' || c0 == 's')) {
                h |= c0 == 'h';
                m |= c0 == 'm';
                s |= c0 == 's';
            }
            if (*q == '\0') {
                break;
            }
            p = q;
        } else if (c == 'g' && strncmp(p, "General", 7) == 0) {
            p += 6;
        } else if (c == 'g' && lower((unsigned char)p[1]) == 'e' &&
                   lower((unsigned char)p[2]) == 'n') {
            p += 6 < strlen(p) ? 6 : strlen(p) - 1;
        } else if (c == 'e' && (p[1] == '+' || p[1] == '-')) {
            p++; /* scientific notation 0.00E+00 */
        } else if (c == 'a' &&
                   (strncmp(p, "AM/PM", 5) == 0 ||
                    strncmp(p, "am/pm", 5) == 0 || strncmp(p, "A/P", 3) == 0 ||
                    strncmp(p, "a/p", 3) == 0)) {
            h = 1;
            p += p[1] == '/' ? 2 : 4;
        } else if (c == 'd') {
            d = 1;
        } else if (c == 'm') {
            m = 1;
        } else if (c == 'y' || c == 'e') {
            y = 1;
        } else if (c == 'h') {
            h = 1;
        } else if (c == 's') {
            s = 1;
        }
    }
    {
        int t = h || s;
        int dt = d || y || (m && !t);
        if (dt && t) {
            return WB_FMT_DATETIME;
        }
        if (dt) {
            return WB_FMT_DATE;
        }
        if (t) {
            return WB_FMT_TIME;
        }
    }
    return WB_FMT_NUMBER;
}

/* ---- escapes and references -------------------------------------------- */

static int
hexval(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = lower(c);
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

static int
escape_at(const char *s, size_t len, size_t i)
{
    int v = 0, k;
    if (i + 7 > len || s[i] != '_' || s[i + 1] != 'x' || s[i + 6] != '_') {
        return -1;
    }
    for (k = 2; k < 6; k++) {
        int h = hexval((unsigned char)s[i + k]);
        if (h < 0) {
            return -1;
        }
        v = v * 16 + h;
    }
    return v;
}

static size_t
put_utf8(char *o, unsigned long cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t
chiso_workbook__unescape(char *s, size_t len)
{
    size_t r = 0, w = 0;

    if (memchr(s, '_', len) == NULL) {
        return len;
    }
    while (r < len) {
        int v = s[r] == '_' ? escape_at(s, len, r) : -1;
        if (v < 0) {
            s[w++] = s[r++];
            continue;
        }
        r += 7;
        if (v >= 0xD800 && v <= 0xDBFF) {
            int lo = escape_at(s, len, r);
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                r += 7;
                w += put_utf8(s + w, 0x10000 +
                                         (((unsigned long)v - 0xD800) << 10) +
                                         ((unsigned long)lo - 0xDC00));
                continue;
            }
            v = 0xFFFD;
        } else if ((v >= 0xDC00 && v <= 0xDFFF) || v == 0) {
            v = 0xFFFD;
        }
        w += put_utf8(s + w, (unsigned long)v);
    }
    s[w] = '\0';
    return w;
}

int
chiso_workbook__parse_ref(const char *s, uint32_t *col, uint32_t *row)
{
    uint32_t c = 0, r = 0;
    int nl = 0, nd = 0;

    if (*s == '$') {
        s++;
    }
    while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')) {
        if (++nl > 3) {
            return 0;
        }
        c = c * 26 + (uint32_t)(lower((unsigned char)*s) - 'a' + 1);
        s++;
    }
    if (*s == '$') {
        s++;
    }
    while (*s >= '0' && *s <= '9') {
        if (++nd > 7) {
            return 0;
        }
        r = r * 10 + (uint32_t)(*s - '0');
        s++;
    }
    if (*s != '\0' || nl == 0 || c > CHISO_WORKBOOK_MAX_COLS ||
        r > CHISO_WORKBOOK_MAX_ROWS || (nd > 0 && r == 0)) {
        return 0;
    }
    *col = c;
    *row = r;
    return 1;
}
