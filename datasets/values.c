/*
 * values.c - numbers, dates and yes/no answers as offices write them.
 *
 * Numbers: Vietnamese spreadsheets write "85,5" (decimal comma) and
 * "1.234.567" (dot thousands); English ones "85.5" and "1,234,567". When a
 * number holds both separators the last one is the decimal separator; when
 * it holds one kind once, that one is the decimal separator (so "1,234" is
 * 1.234, as a Vietnamese reader takes it); when one kind appears several
 * times it groups thousands and every group must have three digits.
 *
 * Dates are validated against the calendar; day counting uses Howard
 * Hinnant's days_from_civil algorithm (proleptic Gregorian, exact for all
 * years we meet).
 */
#include "chiso_dataset.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- numbers ------------------------------------------------------------ */

static int
groups_of_three(const char *s, size_t len, char sep)
{
    size_t i, run = 0;
    int first = 1;

    for (i = 0; i < len; i++) {
        if (s[i] == sep) {
            if ((first && (run < 1 || run > 3)) || (!first && run != 3)) {
                return 0;
            }
            first = 0;
            run = 0;
        } else {
            run++;
        }
    }
    return first || run == 3;
}

int
chiso_parse_number(const char *s, size_t len, double *out)
{
    char tmp[128];
    size_t i, n = 0, int_end, n_dot = 0, n_comma = 0, last_dot = 0,
              last_comma = 0, mant_len;
    char dec = 0, thou = 0;
    int neg = 0;
    char *end;
    double v;

    chiso_text_trim(&s, &len);
    if (len > 0 && s[len - 1] == '%') {
        len--;
        chiso_text_trim(&s, &len);
    }
    if (len == 0 || len >= sizeof(tmp) - 8) {
        return -1;
    }
    if (s[0] == '+' || s[0] == '-') {
        neg = s[0] == '-';
        s++;
        len--;
    } else if (len >= 3 && memcmp(s, "\xE2\x88\x92", 3) == 0) {
        neg = 1; /* U+2212 MINUS SIGN, as Word and some exports write it */
        s += 3;
        len -= 3;
    }
    if (len == 0) {
        return -1;
    }
    /* mantissa: digits and separators, up to an exponent */
    for (mant_len = 0; mant_len < len; mant_len++) {
        char c = s[mant_len];
        if (c == '.') {
            n_dot++;
            last_dot = mant_len;
        } else if (c == ',') {
            n_comma++;
            last_comma = mant_len;
        } else if (c < '0' || c > '9') {
            break;
        }
    }
    if (mant_len == 0) {
        return -1;
    }
    if (n_dot > 0 && n_comma > 0) {
        dec = last_dot > last_comma ? '.' : ',';
        thou = dec == '.' ? ',' : '.';
        if ((dec == '.' ? n_dot : n_comma) != 1) {
            return -1;
        }
    } else if (n_dot == 1) {
        dec = '.';
    } else if (n_comma == 1) {
        dec = ',';
    } else if (n_dot > 1) {
        thou = '.';
    } else if (n_comma > 1) {
        thou = ',';
    }
    int_end = mant_len;
    if (dec != 0) {
        int_end = dec == '.' ? last_dot : last_comma;
    }
    if (thou != 0 && !groups_of_three(s, int_end, thou)) {
        return -1;
    }
    if (neg) {
        tmp[n++] = '-';
    }
    for (i = 0; i < mant_len; i++) {
        if (s[i] >= '0' && s[i] <= '9') {
            tmp[n++] = s[i];
        } else if (s[i] == dec) {
            tmp[n++] = '.';
        }
    }
    if (n == (size_t)neg || (n == (size_t)neg + 1 && tmp[n - 1] == '.')) {
        return -1; /* no digits at all */
    }
    if (mant_len < len) {
        /* exponent: e[+-]digits, nothing after */
        size_t k = mant_len;
        if (s[k] != 'e' && s[k] != 'E') {
            return -1;
        }
        tmp[n++] = 'e';
        k++;
        if (k < len && (s[k] == '+' || s[k] == '-')) {
            tmp[n++] = s[k++];
        }
        if (k == len) {
            return -1;
        }
        for (; k < len; k++) {
            if (s[k] < '0' || s[k] > '9') {
                return -1;
            }
            tmp[n++] = s[k];
        }
    }
    tmp[n] = '\0';
    v = chiso_strtod(tmp, &end);
    if (*end != '\0' || !isfinite(v)) {
        return -1;
    }
    *out = chiso_is_zero(v) ? 0.0 : v;
    return 0;
}

/* ---- dates -------------------------------------------------------------- */

int64_t
chiso_days_from_civil(int y, unsigned m, unsigned d)
{
    int64_t yy = (int64_t)y - (m <= 2);
    int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
    unsigned yoe = (unsigned)(yy - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void
chiso_civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
    int64_t era, yy;
    unsigned doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = (unsigned)(z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    yy = (int64_t)yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yy + (*m <= 2));
}

void
chiso_format_datetime(int64_t secs, int with_time, char *out, size_t len)
{
    int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    int64_t rem = secs - days * 86400;
    int y;
    unsigned m, d;

    chiso_civil_from_days(days, &y, &m, &d);
    if (with_time) {
        snprintf(out, len, "%04d-%02u-%02u %02d:%02d:%02d", y, m, d,
                 (int)(rem / 3600), (int)(rem % 3600 / 60), (int)(rem % 60));
    } else {
        snprintf(out, len, "%04d-%02u-%02u", y, m, d);
    }
}

static unsigned
days_in_month(int y, unsigned m)
{
    static const unsigned dm[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 && leap ? 29 : dm[m - 1];
}

static const char *const month_name[] = {
    N_("January"),   N_("February"), N_("March"),    N_("April"),
    N_("May"),       N_("June"),     N_("July"),     N_("August"),
    N_("September"), N_("October"),  N_("November"), N_("December")};

/* Read 1..max digits; returns the count read (0 = none). */
static size_t
digits(const char *s, size_t len, size_t max, int *v)
{
    size_t i = 0;
    int x = 0;

    while (i < len && i < max && s[i] >= '0' && s[i] <= '9') {
        x = x * 10 + (s[i] - '0');
        i++;
    }
    *v = x;
    return i;
}

/* "HH:MM[:SS[.fff]]" at s, optionally followed by a 12-hour marker
 * (" SA", " CH", " AM", " PM", any case); returns bytes used or 0. *h is
 * the 24-hour hour; *bad_12 is set when a marker follows an hour outside
 * 1..12. */
static size_t
parse_time(const char *s, size_t len, int *h, int *mi, int *se, int *bad_12)
{
    size_t i = 0, k;

    *se = 0;
    *bad_12 = 0;
    k = digits(s, len, 2, h);
    if (k == 0 || k >= len || s[k] != ':') {
        return 0;
    }
    i = k + 1;
    k = digits(s + i, len - i, 2, mi);
    if (k != 2) {
        return 0;
    }
    i += k;
    if (i < len && s[i] == ':') {
        k = digits(s + i + 1, len - i - 1, 2, se);
        if (k != 2) {
            return 0;
        }
        i += 1 + k;
        if (i < len && (s[i] == '.' || s[i] == ',')) {
            int frac;
            k = digits(s + i + 1, len - i - 1, 9, &frac);
            if (k == 0) {
                return 0;
            }
            i += 1 + k;
        }
    }
    /* 12-hour marker */
    {
        size_t m = i;
        while (m < len && s[m] == ' ') {
            m++;
        }
        if (m + 2 <= len && (m + 2 == len || s[m + 2] == ' ')) {
            char a = (char)(s[m] | 0x20), b = (char)(s[m + 1] | 0x20);
            int pm = -1;
            if ((a == 's' && b == 'a') || (a == 'a' && b == 'm')) {
                pm = 0;
            } else if ((a == 'c' && b == 'h') || (a == 'p' && b == 'm')) {
                pm = 1;
            }
            if (pm >= 0) {
                if (*h < 1 || *h > 12) {
                    *bad_12 = 1;
                } else {
                    *h = *h % 12 + (pm ? 12 : 0);
                }
                i = m + 2;
            }
        }
    }
    return i;
}

static int
set_why(char *why, size_t why_len, chiso_lang lang, const char *msg)
{
    if (why != NULL && why_len > 0) {
        snprintf(why, why_len, "%s", chiso_msg(lang, msg));
    }
    return -1;
}

int
chiso_excel_serial(double serial, int date1904, int64_t *secs, int *has_time)
{
    double day, frac;
    int64_t base, d, t;
    int y;
    unsigned m, dd;

    if (!(serial >= 0) || serial > 200000) {
        return -1;
    }
    if (!date1904 && serial < 61) {
        return -1; /* Excel's 1900 calendar is wrong before March 1900 */
    }
    day = floor(serial);
    frac = serial - day;
    base = date1904 ? chiso_days_from_civil(1904, 1, 1)
                    : chiso_days_from_civil(1899, 12, 30);
    d = base + (int64_t)day;
    t = (int64_t)floor(frac * 86400.0 + 0.5);
    if (t >= 86400) {
        d++;
        t -= 86400;
    }
    chiso_civil_from_days(d, &y, &m, &dd);
    if (y < 1900 || y > 2200) {
        return -1;
    }
    *secs = d * 86400 + t;
    *has_time = t != 0;
    return 0;
}

int
chiso_parse_datetime(const char *s,
                     size_t len,
                     int64_t *secs,
                     int *has_time,
                     char *why,
                     size_t why_len)
{
    return chiso_parse_datetime_ex(s, len, 0, CHISO_LANG_EN, secs, has_time,
                                   why, why_len);
}

#define NOT_A_DATE N_("not a date (expected dd/mm/yyyy or yyyy-mm-dd)")

int
chiso_parse_datetime_ex(const char *s,
                        size_t len,
                        unsigned flags,
                        chiso_lang lang,
                        int64_t *secs,
                        int *has_time,
                        char *why,
                        size_t why_len)
{
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0, tfirst = 0, bad_12 = 0;
    size_t i = 0, k;
    int a, b, c;
    size_t ka, kb, kc;
    char sep;

    *has_time = 0;
    chiso_text_trim(&s, &len);
    if (len == 0) {
        return set_why(why, why_len, lang, N_("empty date"));
    }
    for (i = 0; i < len &&
                ((s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == ',');
         i++) {
    }
    if (i == len) {
        double serial;
        if (chiso_parse_number(s, len, &serial) == 0) {
            if (flags & CHISO_DATE_EXCEL_SERIAL) {
                if (chiso_excel_serial(serial,
                                       (flags & CHISO_DATE_EXCEL_1904) != 0,
                                       secs, has_time) == 0) {
                    return 0;
                }
                return set_why(why, why_len, lang,
                               N_("an Excel serial date out of range "
                                  "(1900-2200)"));
            }
            if (serial > 1000 && serial < 100000) {
                return set_why(why, why_len, lang,
                               N_("looks like an Excel serial date number; "
                                  "format the column as a date before "
                                  "exporting, or read it with "
                                  "--excel-dates"));
            }
        }
    }
    i = 0;
    /* time first: "08:30 31/03/2024" */
    k = parse_time(s, len, &h, &mi, &se, &bad_12);
    if (k > 0 && k < len && s[k] == ' ') {
        tfirst = 1;
        *has_time = 1;
        i = k;
        while (i < len && s[i] == ' ') {
            i++;
        }
    } else {
        h = mi = se = 0;
        bad_12 = 0;
    }
    ka = digits(s + i, len - i, 4, &a);
    if (ka == 0 || i + ka >= len) {
        return set_why(why, why_len, lang, NOT_A_DATE);
    }
    sep = s[i + ka];
    if (sep != '-' && sep != '/' && sep != '.') {
        return set_why(why, why_len, lang, NOT_A_DATE);
    }
    i += ka + 1;
    kb = digits(s + i, len - i, 2, &b);
    if (kb == 0 || i + kb >= len || s[i + kb] != sep) {
        return set_why(why, why_len, lang, NOT_A_DATE);
    }
    i += kb + 1;
    kc = digits(s + i, len - i, 4, &c);
    if (kc == 0) {
        return set_why(why, why_len, lang, NOT_A_DATE);
    }
    i += kc;
    if (ka == 4 && sep == '-') {
        y = a;
        mo = b;
        d = c;
        if (kc > 2) {
            return set_why(why, why_len, lang,
                           N_("not a date (day has too many digits)"));
        }
    } else if (ka <= 2 && kc == 4) {
        d = a;
        mo = b;
        y = c;
    } else if (ka <= 2 && kc == 2) {
        return set_why(why, why_len, lang,
                       N_("two-digit year; write the year in full "
                          "(dd/mm/yyyy)"));
    } else {
        return set_why(why, why_len, lang, NOT_A_DATE);
    }
    if (!tfirst && i < len) {
        if (s[i] != 'T' && s[i] != ' ') {
            return set_why(why, why_len, lang,
                           N_("unexpected text after the date"));
        }
        while (i < len && (s[i] == ' ' || s[i] == 'T')) {
            i++;
        }
        k = parse_time(s + i, len - i, &h, &mi, &se, &bad_12);
        if (k == 0) {
            return set_why(why, why_len, lang,
                           N_("bad time of day (expected HH:MM or "
                              "HH:MM:SS)"));
        }
        i += k;
        if (i < len && s[i] == 'Z') {
            i++;
        }
        *has_time = 1;
    }
    if (i != len) {
        return set_why(why, why_len, lang,
                       N_("unexpected text after the date"));
    }
    if (y < 1900 || y > 2200) {
        return set_why(why, why_len, lang, N_("year out of range (1900-2200)"));
    }
    if (mo < 1 || mo > 12) {
        if (why != NULL) {
            snprintf(why, why_len,
                     chiso_msg(lang, "impossible date: month %d does not "
                                     "exist"),
                     mo);
        }
        return -1;
    }
    if (d < 1 || (unsigned)d > days_in_month(y, (unsigned)mo)) {
        if (why != NULL) {
            snprintf(why, why_len,
                     chiso_msg(lang, "impossible date: %s %d has %u days"),
                     chiso_msg(lang, month_name[mo - 1]), y,
                     days_in_month(y, (unsigned)mo));
        }
        return -1;
    }
    if (bad_12) {
        return set_why(why, why_len, lang,
                       N_("impossible time of day (SA/CH or AM/PM after an "
                          "hour above 12)"));
    }
    if (h > 23 || mi > 59 || se > 59) {
        return set_why(why, why_len, lang, N_("impossible time of day"));
    }
    *secs = chiso_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
            h * 3600 + mi * 60 + se;
    return 0;
}

/* ---- yes / no / not applicable ------------------------------------------ */

int
chiso_parse_bool(const char *s, size_t len)
{
    int v = chiso_vocab_lookup(CHISO_VOCAB_FLAG, s, len);

    return v >= 0 ? v : -1;
}

int
chiso_text_is_not_applicable(const char *s, size_t len)
{
    static const char *const na[] = {
        "n_a", "na", "kad", "khong_ap_dung", "not_applicable", NULL};
    char f[48];
    size_t i;

    chiso_text_trim(&s, &len);
    if (len == 1 && s[0] == '-') {
        return 1;
    }
    chiso_text_fold(s, len, f, sizeof(f));
    for (i = 0; na[i] != NULL; i++) {
        if (strcmp(f, na[i]) == 0) {
            return 1;
        }
    }
    return 0;
}
