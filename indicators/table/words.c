/*
 * words.c - the rule grammar of framework tables: the words an officer
 * writes for a rule kind ("theo mức", "trừ điểm"), the parameters in plain
 * cells ("≥ 100%: 2; 80–<100%: 1; < 80%: 0", "0,5 mỗi nhiệm vụ, tối thiểu
 * 0", "đạt tối đa khi ≥ 90%"), and the way back: the canonical text of a
 * rule's parameters and the whole rule in one sentence for a form.
 *
 * Parameters are read by a small lexer: numbers with a decimal comma or
 * point and an optional '%', the comparison signs (≥ >= > ≤ <= < =), dashes
 * (- – —), ':' and '→', and words, each folded (no case, no diacritics).
 * Bands are read as intervals and then checked: they must cover the rule's
 * domain without gap or overlap, and must all include their lower bound
 * (chiso's "min" bands, value ≥ x) or all include their upper bound ("max"
 * bands, value ≤ x). For counts, "1–2" is the same as "≥ 1 and < 3".
 */
#include "fwtable_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define EPS 1e-9

/* ---- small helpers -------------------------------------------------------- */

static void
why_set(char *why, size_t cap, chiso_lang lang, const char *fmt, ...)
    CHISO_PRINTF(4, 5);

static void
why_set(char *why, size_t cap, chiso_lang lang, const char *fmt, ...)
{
    va_list ap;

    if (why == NULL || cap == 0) {
        return;
    }
    va_start(ap, fmt);
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#endif
    vsnprintf(why, cap, chiso_msg(lang, fmt), ap);
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
    va_end(ap);
}

int
chiso_fwtable__fold_is(const char *s, size_t len, const char *words)
{
    char f[256];
    size_t n = chiso_text_fold(s, len, f, sizeof(f));
    const char *p = words;

    if (n >= sizeof(f)) {
        return 0;
    }
    while (*p != '\0') {
        const char *bar = strchr(p, '|');
        size_t k = bar ? (size_t)(bar - p) : strlen(p);
        if (k == n && memcmp(p, f, n) == 0) {
            return 1;
        }
        p += k + (bar != NULL);
    }
    return 0;
}

void
chiso_fwtable__num_vi(double x, char *out, size_t cap)
{
    char *p;

    chiso_format_double(x, out, cap);
    if (strchr(out, 'e') == NULL && (p = strchr(out, '.')) != NULL) {
        *p = ',';
    }
}

/* ---- lexer ------------------------------------------------------------------ */

typedef enum tok_kind {
    T_END = 0,
    T_NUM,
    T_GE,
    T_GT,
    T_LE,
    T_LT,
    T_EQ,
    T_DASH,
    T_COLON,
    T_ARROW,
    T_SLASH,
    T_COMMA,
    T_WORD
} tok_kind;

typedef struct tok {
    tok_kind k;
    double num;
    int pct;       /* T_NUM followed by % */
    char word[48]; /* T_WORD, folded */
} tok;

#define MAX_TOKS 96

typedef struct toks {
    tok t[MAX_TOKS];
    size_t n;
    int overflow;
} toks;

static int
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static size_t
utf8_len(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* Is there a symbol at s? Returns its byte length and kind. */
static size_t
symbol_at(const char *s, size_t len, tok_kind *k)
{
    static const struct {
        const char *text;
        tok_kind k;
    } syms[] = {
        {"\xE2\x89\xA5", T_GE}, /* ≥ */
        {"\xE2\x89\xA7", T_GE}, /* ≧ */
        {">=", T_GE},
        {"\xE2\x89\xA4", T_LE}, /* ≤ */
        {"\xE2\x89\xA6", T_LE}, /* ≦ */
        {"<=", T_LE},
        {"=<", T_LE},
        {"\xE2\x86\x92", T_ARROW}, /* → */
        {"->", T_ARROW},
        {"=>", T_ARROW},
        {">", T_GT},
        {"<", T_LT},
        {"=", T_EQ},
        {"\xE2\x80\x93", T_DASH}, /* – */
        {"\xE2\x80\x94", T_DASH}, /* — */
        {"\xE2\x88\x92", T_DASH}, /* − */
        {"-", T_DASH},
        {"~", T_DASH},
        {":", T_COLON},
        {"/", T_SLASH},
        {",", T_COMMA},
    };
    size_t i, n;

    for (i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
        n = strlen(syms[i].text);
        if (n <= len && memcmp(s, syms[i].text, n) == 0) {
            *k = syms[i].k;
            return n;
        }
    }
    return 0;
}

static int
is_space_at(const char *s, size_t len, size_t *n)
{
    if (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n') {
        *n = 1;
        return 1;
    }
    if (len >= 2 && (unsigned char)s[0] == 0xC2 &&
        (unsigned char)s[1] == 0xA0) {
        *n = 2;
        return 1;
    }
    if (len >= 3 && (unsigned char)s[0] == 0xE2 &&
        (unsigned char)s[1] == 0x80 &&
        ((unsigned char)s[2] == 0xAF || (unsigned char)s[2] == 0x89)) {
        *n = 3; /* narrow no-break space, thin space */
        return 1;
    }
    return 0;
}

static void
push(toks *T, const tok *t)
{
    if (T->n == MAX_TOKS) {
        T->overflow = 1;
        return;
    }
    T->t[T->n++] = *t;
}

static void
lex(const char *s, size_t len, toks *T)
{
    size_t i = 0, n;
    tok t;

    T->n = 0;
    T->overflow = 0;
    while (i < len) {
        tok_kind k;
        memset(&t, 0, sizeof(t));
        if (is_space_at(s + i, len - i, &n)) {
            i += n;
            continue;
        }
        if (s[i] == '(' || s[i] == ')' || s[i] == '[' || s[i] == ']' ||
            s[i] == '"' || s[i] == '\'' || s[i] == '*') {
            i++;
            continue;
        }
        if (is_digit(s[i]) ||
            ((s[i] == '.' || s[i] == ',') && i + 1 < len &&
             is_digit(s[i + 1]) && (T->n == 0 || T->t[T->n - 1].k != T_NUM))) {
            char buf[64];
            size_t b = 0;
            if (!is_digit(s[i])) {
                buf[b++] = '0';
            }
            while (i < len && b + 2 < sizeof(buf) &&
                   (is_digit(s[i]) || ((s[i] == '.' || s[i] == ',') &&
                                       i + 1 < len && is_digit(s[i + 1])))) {
                buf[b++] = s[i] == ',' ? '.' : s[i];
                i++;
            }
            buf[b] = '\0';
            t.k = T_NUM;
            t.num = strtod(buf, NULL);
            while (i < len && is_space_at(s + i, len - i, &n)) {
                i += n;
            }
            if (i < len && s[i] == '%') {
                t.pct = 1;
                i++;
            }
            push(T, &t);
            continue;
        }
        if (s[i] == '%') {
            i++; /* a stray % */
            continue;
        }
        n = symbol_at(s + i, len - i, &k);
        if (n > 0) {
            t.k = k;
            push(T, &t);
            i += n;
            continue;
        }
        /* a word: up to a space, a digit or a symbol */
        {
            size_t j = i;
            while (j < len) {
                size_t sp;
                tok_kind kk;
                if (is_space_at(s + j, len - j, &sp) || is_digit(s[j]) ||
                    s[j] == '%' || s[j] == '(' || s[j] == ')' ||
                    symbol_at(s + j, len - j, &kk) > 0) {
                    break;
                }
                j += utf8_len((unsigned char)s[j]);
            }
            if (j > len) {
                j = len;
            }
            t.k = T_WORD;
            chiso_text_fold(s + i, j - i, t.word, sizeof(t.word));
            if (t.word[0] != '\0') {
                push(T, &t);
            }
            i = j > i ? j : i + 1;
        }
    }
}

/* Does the token stream at position p hold the words of phrase (folded,
 * space-separated)? Returns the number of tokens matched, or 0. */
static size_t
phrase_at(const toks *T, size_t p, const char *phrase)
{
    size_t k = 0;
    const char *w = phrase;

    while (*w != '\0') {
        const char *sp = strchr(w, ' ');
        size_t n = sp ? (size_t)(sp - w) : strlen(w);
        if (p + k >= T->n || T->t[p + k].k != T_WORD ||
            strlen(T->t[p + k].word) != n ||
            memcmp(T->t[p + k].word, w, n) != 0) {
            return 0;
        }
        k++;
        w += n + (sp != NULL);
    }
    return k;
}

/* Any of the '|'-separated phrases at p. */
static size_t
phrases_at(const toks *T, size_t p, const char *alts)
{
    char buf[128];
    const char *a = alts;

    while (*a != '\0') {
        const char *bar = strchr(a, '|');
        size_t n = bar ? (size_t)(bar - a) : strlen(a), m;
        if (n < sizeof(buf)) {
            memcpy(buf, a, n);
            buf[n] = '\0';
            m = phrase_at(T, p, buf);
            if (m > 0) {
                return m;
            }
        }
        a += n + (bar != NULL);
    }
    return 0;
}

/* ---- kinds, units ----------------------------------------------------------- */

static const struct {
    fwt_kind k;
    const char *words;
} kind_words[] = {
    {FWT_K_MANUAL, "tu_cham|tu_cham_diem|tu_danh_gia|cham_truc_tiep|cham_diem|"
                   "cho_diem|tham_dinh|manual|thu_cong"},
    {FWT_K_BINARY, "co_khong|co_hoac_khong|co_khong_co|dat_khong_dat|"
                   "dat_hoac_khong_dat|dat_khong|yes_no|binary|co_khong_dat"},
    {FWT_K_PROPORTIONAL, "ty_le|ti_le|theo_ty_le|theo_ti_le|ty_le_phan_tram|"
                         "tuyen_tinh|proportional|ti_le_phan_tram"},
    {FWT_K_BANDS, "theo_muc|muc|muc_diem|bac|theo_bac|theo_nguong|nguong|"
                  "thang_muc|theo_khoang|bands"},
    {FWT_K_DEDUCTION, "tru_diem|tru|khau_tru|tru_dan|deduction"},
    {FWT_K_TERMS, "theo_thanh_phan|tong_thanh_phan|tong_cac_thanh_phan|"
                  "cong_thanh_phan|nhieu_thanh_phan|terms"},
    {FWT_K_TERM, "thanh_phan|term"},
    {FWT_K_TRACKED, "theo_doi|chi_theo_doi|khong_cham|khong_cham_diem|"
                    "tracked"},
};

fwt_kind
chiso_fwtable__kind_parse(const char *s, size_t len)
{
    size_t i;

    chiso_text_trim(&s, &len);
    if (len == 0) {
        return FWT_K_NONE;
    }
    for (i = 0; i < sizeof(kind_words) / sizeof(kind_words[0]); i++) {
        if (chiso_fwtable__fold_is(s, len, kind_words[i].words)) {
            return kind_words[i].k;
        }
    }
    return FWT_K_UNKNOWN;
}

const char *
chiso_fwtable__kind_words(void)
{
    /* the words an officer types (data vocabulary, the same in every
     * language); a terms rule's component rows say 'thành phần' */
    return "tự chấm, có/không, tỷ lệ, theo mức, trừ điểm, theo thành phần, "
           "thành phần, theo dõi";
}

const char *
chiso_fwtable_kind_word(chiso_rule_type t)
{
    switch (t) {
    case CHISO_RULE_MANUAL:
        return "tự chấm";
    case CHISO_RULE_BINARY:
        return "có/không";
    case CHISO_RULE_PROPORTIONAL:
        return "tỷ lệ";
    case CHISO_RULE_BANDS:
        return "theo mức";
    case CHISO_RULE_DEDUCTION:
        return "trừ điểm";
    case CHISO_RULE_TERMS:
        return "theo thành phần";
    case CHISO_RULE_TRACKED:
        return "theo dõi";
    case CHISO_RULE_NONE:
        break;
    }
    return "";
}

int
chiso_fwtable__unit_parse(const char *s, size_t len)
{
    chiso_text_trim(&s, &len);
    if (len == 1 && s[0] == '%') {
        return CHISO_UNIT_PERCENT;
    }
    if (chiso_fwtable__fold_is(s, len, "phan_tram|percent|pct|ty_le_phan_tram"))
        return CHISO_UNIT_PERCENT;
    if (chiso_fwtable__fold_is(s, len, "ty_so|ti_so|ratio|0_1|tu_0_den_1"))
        return CHISO_UNIT_RATIO;
    if (chiso_fwtable__fold_is(s, len,
                               "so_luong|dem|count|lan|so_lan|truong_hop|"
                               "nhiem_vu|ho_so|van_ban|cai|vu_viec|so_vu"))
        return CHISO_UNIT_COUNT;
    if (chiso_fwtable__fold_is(s, len, "so|gia_tri|number|diem_so|chi_so"))
        return CHISO_UNIT_NUMBER;
    return -1;
}

const char *
chiso_fwtable__unit_word(chiso_value_unit u)
{
    switch (u) {
    case CHISO_UNIT_PERCENT:
        return "%";
    case CHISO_UNIT_RATIO:
        return "tỷ số";
    case CHISO_UNIT_COUNT:
        return "số lượng";
    case CHISO_UNIT_NUMBER:
        return "số";
    }
    return "";
}

chiso_value_unit
chiso_fwtable__unit_default(chiso_rule_type t)
{
    switch (t) {
    case CHISO_RULE_PROPORTIONAL:
    case CHISO_RULE_BANDS:
    case CHISO_RULE_TERMS:
        return CHISO_UNIT_PERCENT;
    case CHISO_RULE_DEDUCTION:
        return CHISO_UNIT_COUNT;
    case CHISO_RULE_NONE:
    case CHISO_RULE_MANUAL:
    case CHISO_RULE_BINARY:
    case CHISO_RULE_TRACKED:
        break;
    }
    return CHISO_UNIT_NUMBER;
}

static double
unit_full(chiso_value_unit u)
{
    return u == CHISO_UNIT_RATIO ? 1.0 : 100.0;
}

static void
domain_of(chiso_value_unit u, double *lo, double *hi)
{
    *lo = 0;
    *hi = u == CHISO_UNIT_PERCENT ? 100 : u == CHISO_UNIT_RATIO ? 1 : HUGE_VAL;
}

int
chiso_fwtable__number(const char *s, size_t len, double *out)
{
    toks T;
    size_t i;

    chiso_text_trim(&s, &len);
    if (len == 0) {
        return -1;
    }
    lex(s, len, &T);
    if (T.overflow || T.n == 0 || T.t[0].k != T_NUM) {
        return -1;
    }
    for (i = 1; i < T.n; i++) {
        if (!(T.t[i].k == T_WORD && (strcmp(T.t[i].word, "diem") == 0 ||
                                     strcmp(T.t[i].word, "d") == 0 ||
                                     strcmp(T.t[i].word, "points") == 0))) {
            return -1;
        }
    }
    *out = T.t[0].num;
    return 0;
}

/* ---- splitting parameters into items ---------------------------------------- */

typedef struct item {
    const char *s;
    size_t len;
} item;

#define MAX_ITEMS 32

/* Split on ';', '|', newlines and on ',' unless it sits between digits.
 * With `commas` 0, commas never split. Empty items are dropped. */
static size_t
split_items(const char *s, size_t len, int commas, item *items, size_t cap)
{
    size_t i, start = 0, n = 0;

    for (i = 0; i <= len; i++) {
        int cut = i == len || s[i] == ';' || s[i] == '|' || s[i] == '\n' ||
                  s[i] == '\r';
        if (!cut && commas && s[i] == ',') {
            cut = !(i > 0 && is_digit(s[i - 1]) && i + 1 < len &&
                    is_digit(s[i + 1]));
        }
        if (cut) {
            const char *p = s + start;
            size_t k = i - start;
            chiso_text_trim(&p, &k);
            while (k > 0 && (p[k - 1] == '.' || p[k - 1] == ',')) {
                k--;
            }
            if (k > 0) {
                if (n == cap) {
                    return cap + 1;
                }
                items[n].s = p;
                items[n].len = k;
                n++;
            }
            start = i + 1;
        }
    }
    return n;
}

/* ---- zero denominator, domain, caps ---------------------------------------- */

/* "mẫu số 0: không chấm" -> 1 and *z; 0 if the item is not about it;
 * -1 when it is but the outcome is not understood. */
static int
zero_den_clause(const toks *T, chiso_zero_den *z)
{
    size_t p = 0, m;

    m = phrases_at(T, 0,
                   "mau so bang|mau so|mau|khong phat sinh|khong co ho so|"
                   "khong co nhiem vu|khong co|zero denominator|"
                   "denominator");
    if (m == 0) {
        return 0;
    }
    p = m;
    if (p < T->n && T->t[p].k == T_EQ) {
        p++;
    }
    if (p < T->n && T->t[p].k == T_NUM) {
        if (fabs(T->t[p].num) > EPS) {
            return 0;
        }
        p++;
    }
    while (p < T->n && (T->t[p].k == T_COLON || T->t[p].k == T_ARROW ||
                        T->t[p].k == T_DASH || T->t[p].k == T_EQ)) {
        p++;
    }
    if (p >= T->n) {
        return -1;
    }
    if (phrases_at(T, p,
                   "khong cham|khong cham diem|khong tinh|khong tinh diem|"
                   "no score|loai tru|khong xet") > 0) {
        *z = CHISO_ZERO_DEN_NO_SCORE;
        return 1;
    }
    if (phrases_at(T, p, "du diem|toi da|diem toi da|full|dat toi da") > 0) {
        *z = CHISO_ZERO_DEN_FULL;
        return 1;
    }
    if ((T->t[p].k == T_NUM && fabs(T->t[p].num) < EPS) ||
        phrases_at(T, p, "khong diem|zero|0") > 0) {
        *z = CHISO_ZERO_DEN_ZERO;
        return 1;
    }
    return -1;
}

static int
uncapped_clause(const toks *T, int *capped)
{
    if (T->n <= 4 && phrases_at(T, 0,
                                "khong gioi han|khong chan|khong chan tren|"
                                "khong khong che|uncapped|khong gioi han tren|"
                                "co the vuot toi da") == T->n) {
        *capped = 0;
        return 1;
    }
    if (T->n <= 4 &&
        phrases_at(T, 0, "co gioi han|chan tren|capped|khong vuot toi da") ==
            T->n) {
        *capped = 1;
        return 1;
    }
    return 0;
}

/* "miền giá trị 0–5", "miền 1 trở lên". 1 ok, 0 not this clause, -1 bad. */
static int
domain_clause(const toks *T, double *lo, double *hi)
{
    size_t p = phrases_at(T, 0, "mien gia tri|mien|domain");

    if (p == 0) {
        return 0;
    }
    if (p < T->n && T->t[p].k == T_COLON) {
        p++;
    }
    if (p < T->n && T->t[p].k == T_NUM) {
        *lo = T->t[p].num;
        p++;
        if (p + 1 < T->n && T->t[p].k == T_DASH && T->t[p + 1].k == T_NUM) {
            *hi = T->t[p + 1].num;
            return p + 2 == T->n && *lo < *hi ? 1 : -1;
        }
        if (phrases_at(T, p, "tro len|khong gioi han") > 0) {
            *hi = HUGE_VAL;
            return 1;
        }
    }
    return -1;
}

/* ---- bands ------------------------------------------------------------------ */

typedef struct interval {
    int has_lo, has_hi;
    double lo, hi;
    int lo_incl, hi_incl;
    int rest;    /* "còn lại": fills the uncovered end */
    int le_form; /* written with ≤ / không quá (a "max" band) */
    double points;
    const char *text;
    size_t text_len;
} interval;

/* Parse the condition tokens [0, end) of a band item. 0 ok, -1 bad. */
static int
condition(const toks *T, size_t end, interval *iv, int *pct)
{
    size_t p = 0, m;
    const tok *t = T->t;
    int n_num = 0;

    /* words that carry no meaning in a condition */
    /* "còn lại", "các trường hợp khác", "mọi giá trị" */
    for (p = 0; p < end; p++) {
        if (t[p].k == T_NUM) {
            n_num++;
            *pct |= t[p].pct;
        }
    }
    if (n_num == 0) {
        for (p = 0; p < end; p++) {
            if (phrases_at(T, p,
                           "con lai|khac|truong hop khac|cac truong hop khac|"
                           "truong hop con lai|moi gia tri|moi truong hop|"
                           "otherwise|else") > 0) {
                iv->rest = 1;
                return 0;
            }
        }
        return -1;
    }
    if (n_num > 2) {
        return -1;
    }
    /* scan operators and phrases in order */
    p = 0;
    while (p < end) {
        if (t[p].k == T_NUM) {
            double a = t[p].num;
            size_t q = p + 1;
            /* NUM DASH [LT|LE] NUM  or  NUM LT|LE [word] LT|LE NUM */
            if (q < end && t[q].k == T_DASH) {
                q++;
                if (q < end && (t[q].k == T_LT || t[q].k == T_LE)) {
                    int le = t[q].k == T_LE;
                    q++;
                    if (q < end && t[q].k == T_NUM) {
                        iv->has_lo = iv->has_hi = 1;
                        iv->lo = a;
                        iv->lo_incl = 1;
                        iv->hi = t[q].num;
                        iv->hi_incl = le;
                        return 0;
                    }
                    return -1;
                }
                if (q < end && t[q].k == T_NUM) {
                    iv->has_lo = iv->has_hi = 1;
                    iv->lo = a;
                    iv->lo_incl = 1;
                    iv->hi = t[q].num;
                    iv->hi_incl = 1;
                    return 0;
                }
                return -1;
            }
            if (q < end && (t[q].k == T_LE || t[q].k == T_LT)) {
                int lo_incl = t[q].k == T_LE;
                q++;
                while (q < end && t[q].k == T_WORD) {
                    q++;
                }
                if (q + 1 < end && (t[q].k == T_LE || t[q].k == T_LT) &&
                    t[q + 1].k == T_NUM) {
                    iv->has_lo = iv->has_hi = 1;
                    iv->lo = a;
                    iv->lo_incl = lo_incl;
                    iv->hi = t[q + 1].num;
                    iv->hi_incl = t[q].k == T_LE;
                    return 0;
                }
                return -1;
            }
            /* "NUM trở lên" / "NUM trở xuống" */
            if (phrases_at(T, q, "tro len|tro len tren") > 0) {
                iv->has_lo = 1;
                iv->lo = a;
                iv->lo_incl = 1;
                return 0;
            }
            if (phrases_at(T, q, "tro xuong|tro lai") > 0) {
                iv->has_hi = 1;
                iv->hi = a;
                iv->hi_incl = 1;
                iv->le_form = 1;
                return 0;
            }
            /* a lone number: a point */
            if (n_num == 1) {
                iv->has_lo = iv->has_hi = 1;
                iv->lo = iv->hi = a;
                iv->lo_incl = iv->hi_incl = 1;
                return 0;
            }
            p++;
            continue;
        }
        if (t[p].k == T_GE || t[p].k == T_GT || t[p].k == T_LE ||
            t[p].k == T_LT || t[p].k == T_EQ) {
            tok_kind op = t[p].k;
            if (p + 1 >= end || t[p + 1].k != T_NUM || n_num != 1) {
                return -1;
            }
            if (op == T_GE || op == T_GT) {
                iv->has_lo = 1;
                iv->lo = t[p + 1].num;
                iv->lo_incl = op == T_GE;
            } else if (op == T_LE || op == T_LT) {
                iv->has_hi = 1;
                iv->hi = t[p + 1].num;
                iv->hi_incl = op == T_LE;
                iv->le_form = op == T_LE;
            } else {
                iv->has_lo = iv->has_hi = 1;
                iv->lo = iv->hi = t[p + 1].num;
                iv->lo_incl = iv->hi_incl = 1;
            }
            return 0;
        }
        if (t[p].k == T_WORD) {
            /* từ a đến [dưới] b; trên a đến b; từ a trở lên */
            if ((m = phrases_at(T, p, "tu|tren|hon|lon hon")) > 0) {
                int excl = strcmp(t[p].word, "tu") != 0;
                size_t q = p + m;
                if (q < end && t[q].k == T_NUM) {
                    double a = t[q].num;
                    size_t r = q + 1, k;
                    if ((k = phrases_at(T, r,
                                        "den duoi|toi duoi|den nho hon")) > 0 &&
                        r + k < end && t[r + k].k == T_NUM) {
                        iv->has_lo = iv->has_hi = 1;
                        iv->lo = a;
                        iv->lo_incl = !excl;
                        iv->hi = t[r + k].num;
                        iv->hi_incl = 0;
                        return 0;
                    }
                    if ((k = phrases_at(T, r, "den|toi")) > 0 ||
                        (r < end && t[r].k == T_DASH && (k = 1))) {
                        size_t u = phrases_at(T, r + k, "duoi|nho hon");
                        if (u > 0 && r + k + u < end &&
                            t[r + k + u].k == T_NUM) {
                            /* "từ 80% - dưới 100%" */
                            iv->has_lo = iv->has_hi = 1;
                            iv->lo = a;
                            iv->lo_incl = !excl;
                            iv->hi = t[r + k + u].num;
                            iv->hi_incl = 0;
                            return 0;
                        }
                        if (r + k < end && t[r + k].k == T_NUM) {
                            iv->has_lo = iv->has_hi = 1;
                            iv->lo = a;
                            iv->lo_incl = !excl;
                            iv->hi = t[r + k].num;
                            iv->hi_incl = 1;
                            return 0;
                        }
                        if (r + k < end && t[r + k].k == T_LT &&
                            r + k + 1 < end && t[r + k + 1].k == T_NUM) {
                            iv->has_lo = iv->has_hi = 1;
                            iv->lo = a;
                            iv->lo_incl = !excl;
                            iv->hi = t[r + k + 1].num;
                            iv->hi_incl = 0;
                            return 0;
                        }
                    }
                    if (n_num == 1) {
                        iv->has_lo = 1;
                        iv->lo = a;
                        iv->lo_incl = !excl;
                        return 0;
                    }
                    return -1;
                }
            }
            if ((m = phrases_at(T, p,
                                "duoi|nho hon|it hon|chua den|chua dat")) > 0 &&
                p + m < end && t[p + m].k == T_NUM && n_num == 1) {
                iv->has_hi = 1;
                iv->hi = t[p + m].num;
                iv->hi_incl = 0;
                return 0;
            }
            if ((m = phrases_at(T, p,
                                "khong qua|khong vuot qua|toi da|nhieu nhat|"
                                "khong lon hon")) > 0 &&
                p + m < end && t[p + m].k == T_NUM && n_num == 1) {
                iv->has_hi = 1;
                iv->hi = t[p + m].num;
                iv->hi_incl = 1;
                iv->le_form = 1;
                return 0;
            }
            if ((m = phrases_at(
                     T, p, "it nhat|toi thieu|khong duoi|khong it hon")) > 0 &&
                p + m < end && t[p + m].k == T_NUM && n_num == 1) {
                iv->has_lo = 1;
                iv->lo = t[p + m].num;
                iv->lo_incl = 1;
                return 0;
            }
            if ((m = phrases_at(T, p, "bang|dat|dung")) > 0 && p + m < end &&
                t[p + m].k == T_NUM && n_num == 1 && p + m + 1 == end) {
                iv->has_lo = iv->has_hi = 1;
                iv->lo = iv->hi = t[p + m].num;
                iv->lo_incl = iv->hi_incl = 1;
                return 0;
            }
            p++; /* a filler word ("thực hiện", "kế hoạch") */
            continue;
        }
        p++;
    }
    return -1;
}

/* Points after the separator: NUM [điểm|đ], "tối đa", "0 điểm". */
static int
points_of(const toks *T, size_t p, double max, double *out)
{
    if (p < T->n && T->t[p].k == T_NUM) {
        size_t q = p + 1;
        while (q < T->n && T->t[q].k == T_WORD &&
               (strcmp(T->t[q].word, "diem") == 0 ||
                strcmp(T->t[q].word, "d") == 0 ||
                strcmp(T->t[q].word, "points") == 0)) {
            q++;
        }
        if (q != T->n || T->t[p].pct) {
            return -1;
        }
        *out = T->t[p].num;
        return 0;
    }
    if (phrases_at(T, p, "toi da|diem toi da|du diem|dat toi da|max|full") ==
        T->n - p) {
        *out = max;
        return 0;
    }
    if (phrases_at(T, p, "khong diem|khong") == T->n - p && p < T->n) {
        *out = 0;
        return 0;
    }
    return -1;
}

/* Split a band item into condition [0, *cond_end) and points. */
static int
band_item(const toks *T, double max, size_t *cond_end, double *points)
{
    size_t i, sep = T->n;

    for (i = T->n; i-- > 0;) {
        if (T->t[i].k == T_COLON || T->t[i].k == T_ARROW) {
            sep = i;
            break;
        }
    }
    if (sep == T->n) {
        /* "= 2" at the end, or a trailing number with "điểm" */
        for (i = T->n; i-- > 1;) {
            if (T->t[i].k == T_EQ) {
                sep = i;
                break;
            }
        }
    }
    if (sep < T->n) {
        *cond_end = sep;
        return points_of(T, sep + 1, max, points);
    }
    /* no separator: "≥ 100% 2 điểm" */
    for (i = T->n; i-- > 1;) {
        if (T->t[i].k == T_NUM && !T->t[i].pct) {
            if (points_of(T, i, max, points) == 0) {
                *cond_end = i;
                return 0;
            }
            break;
        }
    }
    return -1;
}

static void
fmt_bound(char *out, size_t cap, double x, int pct)
{
    size_t n;

    chiso_fwtable__num_vi(x, out, cap > 2 ? cap - 1 : cap);
    n = strlen(out);
    if (pct && n + 1 < cap) {
        out[n] = '%';
        out[n + 1] = '\0';
    }
}

/* Sort key: the known bound (lo, else hi); items bounded above first on
 * ties. */
static int
before(const interval *a, const interval *b)
{
    double ka = a->has_lo ? a->lo : a->hi, kb = b->has_lo ? b->lo : b->hi;

    if (ka < kb - EPS) {
        return 1;
    }
    if (ka > kb + EPS) {
        return 0;
    }
    return !a->has_lo && b->has_lo;
}

static int
is_int(double x)
{
    return isfinite(x) && fabs(x - floor(x)) < EPS;
}

static int
parse_bands(chiso_rule *r,
            double max,
            int unit_given,
            const char *s,
            size_t len,
            chiso_lang lang,
            char *why,
            size_t cap)
{
    item items[MAX_ITEMS + 1];
    interval iv[MAX_ITEMS];
    size_t n_items, i, j, n = 0;
    int pct = 0, any_le = 0, min_ok = 1, max_ok = 1, n_rest = 0;
    double dlo, dhi;
    int has_domain = 0;
    toks T;
    char a[64], b[64];

    n_items = split_items(s, len, 1, items, MAX_ITEMS);
    if (n_items > MAX_ITEMS) {
        why_set(why, cap, lang, N_("more than %d bands"), MAX_ITEMS);
        return -1;
    }
    if (n_items == 0) {
        why_set(why, cap, lang,
                N_("a 'theo mức' rule needs its bands in 'Mức chấm', e.g. "
                   "'≥ 100%%: 2; 80–<100%%: 1; < 80%%: 0'"));
        return -1;
    }
    dlo = 0;
    dhi = 0;
    for (i = 0; i < n_items; i++) {
        chiso_zero_den z;
        int rc;
        lex(items[i].s, items[i].len, &T);
        if (T.overflow) {
            why_set(why, cap, lang, N_("band '%.*s' is too long"),
                    (int)items[i].len, items[i].s);
            return -1;
        }
        rc = zero_den_clause(&T, &z);
        if (rc > 0) {
            r->zero_den = z;
            continue;
        }
        if (rc < 0) {
            why_set(why, cap, lang,
                    N_("'%.*s': say what a zero denominator gives: 'không "
                       "chấm', '0 điểm' or 'đủ điểm'"),
                    (int)items[i].len, items[i].s);
            return -1;
        }
        rc = domain_clause(&T, &dlo, &dhi);
        if (rc != 0) {
            if (rc < 0) {
                why_set(why, cap, lang,
                        N_("'%.*s': write the domain as 'miền giá trị 0–5' or "
                           "'miền giá trị 1 trở lên'"),
                        (int)items[i].len, items[i].s);
                return -1;
            }
            has_domain = 1;
            continue;
        }
        memset(&iv[n], 0, sizeof(iv[n]));
        iv[n].text = items[i].s;
        iv[n].text_len = items[i].len;
        {
            size_t cond_end = 0;
            toks C;
            if (band_item(&T, max, &cond_end, &iv[n].points) != 0) {
                why_set(why, cap, lang,
                        N_("band '%.*s': expected 'condition: points', e.g. "
                           "'80–<100%%: 1'"),
                        (int)items[i].len, items[i].s);
                return -1;
            }
            C = T;
            C.n = cond_end;
            if (condition(&C, cond_end, &iv[n], &pct) != 0) {
                why_set(why, cap, lang,
                        N_("band '%.*s': the condition is not understood "
                           "(write '≥ 80%%', '80–<100%%', 'từ 80%% đến dưới "
                           "100%%', '< 80%%' or 'còn lại')"),
                        (int)items[i].len, items[i].s);
                return -1;
            }
        }
        if (iv[n].points < 0 || iv[n].points > max + EPS) {
            chiso_fwtable__num_vi(iv[n].points, a, sizeof(a));
            chiso_fwtable__num_vi(max, b, sizeof(b));
            why_set(why, cap, lang,
                    N_("band '%.*s' gives %s points, outside 0..%s (the "
                       "criterion's maximum)"),
                    (int)items[i].len, items[i].s, a, b);
            return -1;
        }
        if (iv[n].has_lo && iv[n].has_hi &&
            (iv[n].lo > iv[n].hi + EPS ||
             (fabs(iv[n].lo - iv[n].hi) < EPS &&
              !(iv[n].lo_incl && iv[n].hi_incl)))) {
            why_set(why, cap, lang, N_("band '%.*s' is empty"),
                    (int)items[i].len, items[i].s);
            return -1;
        }
        any_le |= iv[n].le_form;
        n_rest += iv[n].rest;
        n++;
    }
    if (n == 0) {
        why_set(why, cap, lang, N_("no band in '%.*s'"), (int)len, s);
        return -1;
    }
    if (n_rest > 1) {
        why_set(why, cap, lang, N_("only one band may be 'còn lại'"));
        return -1;
    }
    if (pct && !unit_given) {
        r->unit = CHISO_UNIT_PERCENT;
    } else if (pct && r->unit != CHISO_UNIT_PERCENT) {
        why_set(why, cap, lang,
                N_("the bands are in %% but 'Đơn vị tính' says '%s'"),
                chiso_fwtable__unit_word(r->unit));
        return -1;
    }
    if (!has_domain) {
        domain_of(r->unit, &dlo, &dhi);
    }
    r->domain_min = dlo;
    r->domain_max = dhi;
    /* order the bounded intervals, then place "còn lại" */
    {
        interval rest;
        int have_rest = 0;
        size_t m = 0;
        for (i = 0; i < n; i++) {
            if (iv[i].rest) {
                rest = iv[i];
                have_rest = 1;
            } else {
                iv[m++] = iv[i];
            }
        }
        n = m;
        for (i = 1; i < n; i++) { /* insertion sort, stable */
            interval x = iv[i];
            for (j = i; j > 0 && before(&x, &iv[j - 1]); j--) {
                iv[j] = iv[j - 1];
            }
            iv[j] = x;
        }
        if (have_rest) {
            int bottom_open, top_open;
            if (n == 0) {
                rest.has_lo = rest.has_hi = 1;
                rest.lo = dlo;
                rest.lo_incl = 1;
                rest.hi = dhi;
                rest.hi_incl = 1;
                iv[n++] = rest;
            } else {
                /* the bottom is uncovered when the lowest interval starts
                 * above the domain's low end */
                bottom_open = iv[0].has_lo &&
                              (iv[0].lo > dlo + EPS ||
                               (!iv[0].lo_incl && fabs(iv[0].lo - dlo) < EPS));
                top_open =
                    iv[n - 1].has_hi &&
                    (iv[n - 1].hi < dhi - EPS ||
                     (!iv[n - 1].hi_incl && fabs(iv[n - 1].hi - dhi) < EPS));
                if (bottom_open == top_open) {
                    why_set(why, cap, lang,
                            N_("'còn lại' must be the lowest or the highest "
                               "band, with the others leaving exactly one end "
                               "of the range uncovered"));
                    return -1;
                }
                if (bottom_open) {
                    rest.has_hi = 1;
                    rest.hi = iv[0].lo;
                    rest.hi_incl = !iv[0].lo_incl;
                    memmove(&iv[1], &iv[0], n * sizeof(iv[0]));
                    iv[0] = rest;
                } else {
                    rest.has_lo = 1;
                    rest.lo = iv[n - 1].hi;
                    rest.lo_incl = !iv[n - 1].hi_incl;
                    iv[n] = rest;
                }
                n++;
            }
        }
    }
    /* fill the unstated bounds from the neighbours */
    for (i = 0; i < n; i++) {
        if (!iv[i].has_lo) {
            if (i == 0) {
                iv[i].lo = dlo;
                iv[i].lo_incl = 1;
            } else if (iv[i - 1].has_hi) {
                iv[i].lo = iv[i - 1].hi;
                iv[i].lo_incl = !iv[i - 1].hi_incl;
            } else {
                fmt_bound(a, sizeof(a), iv[i - 1].lo, pct);
                why_set(why, cap, lang,
                        N_("bands '%.*s' and '%.*s' leave the range between "
                           "them open"),
                        (int)iv[i - 1].text_len, iv[i - 1].text,
                        (int)iv[i].text_len, iv[i].text);
                return -1;
            }
            iv[i].has_lo = 1;
        }
    }
    for (i = n; i-- > 0;) {
        if (!iv[i].has_hi) {
            if (i == n - 1) {
                iv[i].hi = dhi;
                iv[i].hi_incl = 1;
            } else {
                iv[i].hi = iv[i + 1].lo;
                iv[i].hi_incl = !iv[i + 1].lo_incl;
            }
            iv[i].has_hi = 1;
        }
    }
    /* whole numbers: [a, b] is [a, b+1) */
    if (r->unit == CHISO_UNIT_COUNT) {
        for (i = 0; i < n; i++) {
            if (!iv[i].lo_incl && is_int(iv[i].lo)) {
                iv[i].lo += 1;
                iv[i].lo_incl = 1;
            }
            if (iv[i].hi_incl && is_int(iv[i].hi) && isfinite(iv[i].hi)) {
                iv[i].hi += 1;
                iv[i].hi_incl = 0;
            }
        }
    }
    /* coverage and contiguity */
    if (iv[0].lo > dlo + EPS ||
        (fabs(iv[0].lo - dlo) < EPS && !iv[0].lo_incl)) {
        fmt_bound(a, sizeof(a), dlo, pct);
        why_set(why, cap, lang,
                N_("the bands do not cover values from %s (add a band such as "
                   "'< …' or 'còn lại')"),
                a);
        return -1;
    }
    if (iv[0].lo < dlo - EPS) {
        fmt_bound(a, sizeof(a), iv[0].lo, pct);
        fmt_bound(b, sizeof(b), dlo, pct);
        why_set(why, cap, lang,
                N_("band threshold %s is below the lowest value %s"), a, b);
        return -1;
    }
    if (isfinite(dhi)) {
        int top_ok = fabs(iv[n - 1].hi - dhi) < EPS && iv[n - 1].hi_incl;
        if (r->unit == CHISO_UNIT_COUNT && isfinite(dhi) &&
            fabs(iv[n - 1].hi - (dhi + 1)) < EPS && !iv[n - 1].hi_incl) {
            top_ok = 1;
        }
        if (!isfinite(iv[n - 1].hi) || iv[n - 1].hi > dhi + 1 + EPS) {
            top_ok = 1; /* "≥ 100%" runs past the top: the top is covered */
        }
        if (!top_ok) {
            fmt_bound(a, sizeof(a), dhi, pct);
            why_set(why, cap, lang,
                    N_("the bands do not cover values up to %s (the highest "
                       "band must include %s)"),
                    a, a);
            return -1;
        }
    } else if (isfinite(iv[n - 1].hi)) {
        fmt_bound(a, sizeof(a), iv[n - 1].hi, pct);
        why_set(why, cap, lang,
                N_("the bands stop at %s: add a band for higher values "
                   "(e.g. '≥ %s')"),
                a, a);
        return -1;
    }
    for (i = 0; i + 1 < n; i++) {
        const interval *x = &iv[i], *y = &iv[i + 1];
        fmt_bound(a, sizeof(a), x->hi, pct);
        if (fabs(x->hi - y->lo) > EPS || x->hi_incl == y->lo_incl) {
            if (x->hi < y->lo - EPS ||
                (fabs(x->hi - y->lo) < EPS && !x->hi_incl && !y->lo_incl)) {
                why_set(why, cap, lang,
                        N_("bands '%.*s' and '%.*s' leave a gap at %s"),
                        (int)x->text_len, x->text, (int)y->text_len, y->text,
                        a);
            } else {
                why_set(why, cap, lang,
                        N_("bands '%.*s' and '%.*s' overlap at %s: say which "
                           "band %s itself belongs to ('≥ %s' above, '< %s' "
                           "below)"),
                        (int)x->text_len, x->text, (int)y->text_len, y->text, a,
                        a, a, a);
            }
            return -1;
        }
        if (!y->lo_incl) {
            min_ok = 0;
        }
        if (!x->hi_incl) {
            max_ok = 0;
        }
    }
    if (r->unit == CHISO_UNIT_COUNT) {
        /* half-open whole-number intervals are both */
        for (i = 0; i + 1 < n; i++) {
            if (!is_int(iv[i].hi)) {
                break;
            }
        }
        if (i + 1 >= n) {
            min_ok = !any_le;
            max_ok = any_le;
        }
    }
    if (min_ok && (!max_ok || !any_le)) {
        r->upper_bands = 0;
        r->n_bands = n;
        r->bands = calloc(n, sizeof(*r->bands));
        if (r->bands == NULL) {
            why_set(why, cap, lang, N_("out of memory"));
            return -1;
        }
        for (i = 0; i < n; i++) {
            r->bands[i].bound = iv[n - 1 - i].lo;
            r->bands[i].points = iv[n - 1 - i].points;
        }
    } else if (max_ok) {
        r->upper_bands = 1;
        r->n_bands = n;
        r->bands = calloc(n, sizeof(*r->bands));
        if (r->bands == NULL) {
            why_set(why, cap, lang, N_("out of memory"));
            return -1;
        }
        for (i = 0; i < n; i++) {
            double hi = iv[i].hi;
            if (r->unit == CHISO_UNIT_COUNT && !iv[i].hi_incl && isfinite(hi)) {
                hi -= 1; /* [a, b+1) -> ≤ b */
            }
            r->bands[i].points = iv[i].points;
            if (i == n - 1 && (!isfinite(hi) || !isfinite(dhi))) {
                r->bands[i].open = 1;
                r->bands[i].bound = HUGE_VAL;
            } else {
                r->bands[i].bound = hi;
            }
        }
    } else {
        /* name the boundary that breaks the "≥" reading */
        for (i = 0; i + 1 < n; i++) {
            if (!iv[i + 1].lo_incl) {
                fmt_bound(a, sizeof(a), iv[i + 1].lo, pct);
                why_set(why, cap, lang,
                        N_("band '%.*s' leaves %s out and band '%.*s' takes "
                           "it in: chiso's bands include their lower bound, so "
                           "write '≥ %s' above and '< %s' below (or say in "
                           "'Diễn giải' how the decision treats %s)"),
                        (int)iv[i + 1].text_len, iv[i + 1].text, a,
                        (int)iv[i].text_len, iv[i].text, a, a, a);
                return -1;
            }
        }
        why_set(
            why, cap, lang,
            N_("the bands mix '≥' and '≤': every band must include its "
               "lower bound ('≥ 80%%', '80–<100%%') or every band its upper "
               "bound ('≤ 2', 'không quá 2')"));
        return -1;
    }
    {
        int full = 0;
        for (i = 0; i < r->n_bands; i++) {
            full |= fabs(r->bands[i].points - max) < 0.001;
        }
        if (!full && max > 0) {
            chiso_fwtable__num_vi(max, a, sizeof(a));
            why_set(why, cap, lang, N_("no band gives the full %s points"), a);
            return -1;
        }
    }
    return 0;
}

/* ---- proportional, terms, deduction ---------------------------------------- */

/* "đạt tối đa khi ≥ 90%" -> 1 and *target; 0 not a target clause. */
static int
target_clause(const toks *T, double *target, int *pct)
{
    size_t i, n_num = 0, at = 0;
    int key = 0;

    for (i = 0; i < T->n; i++) {
        if (T->t[i].k == T_NUM) {
            n_num++;
            at = i;
        } else if (T->t[i].k == T_WORD) {
            static const char *const ok[] = {
                "dat",  "toi", "da",     "khi",  "du",  "diem", "muc",
                "tieu", "chi", "target", "full", "at",  "tu",   "tro",
                "len",  "ty",  "le",     "gia",  "tri", "bang", "voi",
                "o",    "the", "ti",     "duoc", NULL};
            size_t k;
            for (k = 0; ok[k] != NULL; k++) {
                if (strcmp(T->t[i].word, ok[k]) == 0) {
                    break;
                }
            }
            if (ok[k] == NULL) {
                return 0;
            }
            if (strcmp(T->t[i].word, "toi") == 0 ||
                strcmp(T->t[i].word, "du") == 0 ||
                strcmp(T->t[i].word, "muc") == 0 ||
                strcmp(T->t[i].word, "chi") == 0 ||
                strcmp(T->t[i].word, "target") == 0 ||
                strcmp(T->t[i].word, "full") == 0) {
                key = 1;
            }
        } else if (T->t[i].k != T_GE && T->t[i].k != T_EQ &&
                   T->t[i].k != T_COLON && T->t[i].k != T_ARROW) {
            return 0;
        }
    }
    if (n_num != 1 || !key) {
        return 0;
    }
    *target = T->t[at].num;
    *pct |= T->t[at].pct;
    return 1;
}

/* Shared by proportional rules and terms. */
static int
parse_ratio_params(const char *s,
                   size_t len,
                   double *target,
                   int *has_target,
                   int *capped,
                   chiso_zero_den *z,
                   int *pct,
                   chiso_lang lang,
                   char *why,
                   size_t cap)
{
    item items[MAX_ITEMS + 1];
    size_t n, i;
    toks T;

    n = split_items(s, len, 1, items, MAX_ITEMS);
    if (n > MAX_ITEMS) {
        why_set(why, cap, lang, N_("too many clauses in '%.*s'"), (int)len, s);
        return -1;
    }
    for (i = 0; i < n; i++) {
        int rc;
        lex(items[i].s, items[i].len, &T);
        if (T.overflow) {
            why_set(why, cap, lang, N_("'%.*s' is too long"), (int)items[i].len,
                    items[i].s);
            return -1;
        }
        rc = zero_den_clause(&T, z);
        if (rc < 0) {
            why_set(why, cap, lang,
                    N_("'%.*s': say what a zero denominator gives: 'không "
                       "chấm', '0 điểm' or 'đủ điểm'"),
                    (int)items[i].len, items[i].s);
            return -1;
        }
        if (rc > 0) {
            continue;
        }
        if (uncapped_clause(&T, capped)) {
            continue;
        }
        if (target_clause(&T, target, pct)) {
            if (!(*target > 0)) {
                why_set(why, cap, lang,
                        N_("'%.*s': the value that earns full points must be "
                           "above 0"),
                        (int)items[i].len, items[i].s);
                return -1;
            }
            *has_target = 1;
            continue;
        }
        why_set(why, cap, lang,
                N_("'%.*s' is not understood (write e.g. 'đạt tối đa khi "
                   "≥ 90%%', 'không giới hạn', 'mẫu số 0: không chấm')"),
                (int)items[i].len, items[i].s);
        return -1;
    }
    return 0;
}

static int
parse_deduction(chiso_rule *r,
                const char *s,
                size_t len,
                chiso_lang lang,
                char *why,
                size_t cap)
{
    item items[MAX_ITEMS + 1];
    size_t n, i, j;
    toks T;
    int have_per = 0;

    n = split_items(s, len, 1, items, MAX_ITEMS);
    if (n == 0) {
        why_set(why, cap, lang,
                N_("a 'trừ điểm' rule needs the points per case in 'Mức chấm', "
                   "e.g. '0,5 mỗi nhiệm vụ, tối thiểu 0'"));
        return -1;
    }
    for (i = 0; i < n && i <= MAX_ITEMS; i++) {
        size_t n_num = 0, at = 0;
        int per_word = 0, floor_word = 0;
        lex(items[i].s, items[i].len, &T);
        for (j = 0; j < T.n; j++) {
            if (T.t[j].k == T_NUM) {
                n_num++;
                at = j;
            } else if (T.t[j].k == T_SLASH ||
                       (T.t[j].k == T_WORD &&
                        (strcmp(T.t[j].word, "moi") == 0 ||
                         strcmp(T.t[j].word, "per") == 0 ||
                         strcmp(T.t[j].word, "tru") == 0))) {
                per_word = 1;
            }
            if (phrases_at(&T, j,
                           "toi thieu|thap nhat|khong am|khong duoi|"
                           "it nhat|tru den|floor") > 0) {
                floor_word = 1;
            }
        }
        if (floor_word) {
            if (n_num == 1 && fabs(T.t[at].num) < EPS) {
                continue;
            }
            if (n_num == 0) {
                continue; /* "không âm", "trừ đến hết điểm" */
            }
            why_set(why, cap, lang,
                    N_("'%.*s': chiso deducts down to 0 points only (write "
                       "'tối thiểu 0')"),
                    (int)items[i].len, items[i].s);
            return -1;
        }
        if (n_num == 1 &&
            (per_word || T.n == 1 || (T.n == 2 && T.t[1].k == T_WORD))) {
            if (have_per) {
                why_set(why, cap, lang,
                        N_("'%.*s': the points per case are given twice"),
                        (int)items[i].len, items[i].s);
                return -1;
            }
            if (T.t[at].pct || !(T.t[at].num > 0)) {
                why_set(why, cap, lang,
                        N_("'%.*s': the points per case must be a positive "
                           "number of points"),
                        (int)items[i].len, items[i].s);
                return -1;
            }
            r->per = T.t[at].num;
            have_per = 1;
            continue;
        }
        why_set(why, cap, lang,
                N_("'%.*s' is not understood (write e.g. '0,5 mỗi nhiệm vụ, "
                   "tối thiểu 0' or 'trừ 1 điểm/trường hợp')"),
                (int)items[i].len, items[i].s);
        return -1;
    }
    if (!have_per) {
        why_set(why, cap, lang,
                N_("'%.*s': the points per case are missing (e.g. '0,5 mỗi "
                   "nhiệm vụ')"),
                (int)len, s);
        return -1;
    }
    return 0;
}

int
chiso_fwtable__params_parse(chiso_rule *r,
                            double max,
                            int unit_given,
                            const char *s,
                            size_t len,
                            chiso_lang lang,
                            char *why,
                            size_t why_cap)
{
    chiso_text_trim(&s, &len);
    switch (r->type) {
    case CHISO_RULE_BANDS:
        r->zero_den = CHISO_ZERO_DEN_NO_SCORE;
        return parse_bands(r, max, unit_given, s, len, lang, why, why_cap);
    case CHISO_RULE_PROPORTIONAL: {
        int has_target = 0, pct = 0;
        r->capped = 1;
        r->zero_den = CHISO_ZERO_DEN_NO_SCORE;
        r->target = unit_full(r->unit);
        if (parse_ratio_params(s, len, &r->target, &has_target, &r->capped,
                               &r->zero_den, &pct, lang, why, why_cap) != 0) {
            return -1;
        }
        if (pct && !unit_given) {
            r->unit = CHISO_UNIT_PERCENT;
        } else if (pct && r->unit != CHISO_UNIT_PERCENT) {
            why_set(why, why_cap, lang,
                    N_("the target is in %% but 'Đơn vị tính' says '%s'"),
                    chiso_fwtable__unit_word(r->unit));
            return -1;
        }
        if (!has_target) {
            r->target = unit_full(r->unit);
        }
        return 0;
    }
    case CHISO_RULE_DEDUCTION:
        return parse_deduction(r, s, len, lang, why, why_cap);
    case CHISO_RULE_NONE:
    case CHISO_RULE_MANUAL:
    case CHISO_RULE_BINARY:
    case CHISO_RULE_TERMS:
    case CHISO_RULE_TRACKED:
        break;
    }
    return 0;
}

int
chiso_fwtable__term_parse(chiso_term *t,
                          int unit_given,
                          const char *s,
                          size_t len,
                          chiso_lang lang,
                          char *why,
                          size_t why_cap)
{
    int has_target = 0, pct = 0;

    t->capped = 1;
    t->zero_den = CHISO_ZERO_DEN_ZERO;
    t->full_at = unit_full(t->unit);
    chiso_text_trim(&s, &len);
    if (parse_ratio_params(s, len, &t->full_at, &has_target, &t->capped,
                           &t->zero_den, &pct, lang, why, why_cap) != 0) {
        return -1;
    }
    if (pct && !unit_given) {
        t->unit = CHISO_UNIT_PERCENT;
    } else if (pct && t->unit != CHISO_UNIT_PERCENT) {
        why_set(why, why_cap, lang,
                N_("the target is in %% but 'Đơn vị tính' says '%s'"),
                chiso_fwtable__unit_word(t->unit));
        return -1;
    }
    if (!has_target) {
        t->full_at = unit_full(t->unit);
    }
    return 0;
}

/* ---- canonical parameters --------------------------------------------------- */

static const char *
zero_den_words(chiso_zero_den z)
{
    switch (z) {
    case CHISO_ZERO_DEN_NO_SCORE:
        return "không chấm";
    case CHISO_ZERO_DEN_ZERO:
        return "0 điểm";
    case CHISO_ZERO_DEN_FULL:
        return "đủ điểm";
    }
    return "";
}

static void
put_bound(chiso_buf *b, double x, chiso_value_unit u)
{
    char n[64];

    chiso_fwtable__num_vi(x, n, sizeof(n));
    chiso_buf_printf(b, "%s%s", n, u == CHISO_UNIT_PERCENT ? "%" : "");
}

static void
put_points(chiso_buf *b, double p)
{
    char n[64];

    chiso_fwtable__num_vi(p, n, sizeof(n));
    chiso_buf_printf(b, ": %s", n);
}

static void
bands_text(chiso_buf *b, const chiso_rule *r)
{
    size_t i, n = r->n_bands;
    double dlo, dhi;

    if (!r->upper_bands) {
        for (i = 0; i < n; i++) {
            if (i > 0) {
                chiso_buf_puts(b, "; ");
            }
            if (i == 0) {
                chiso_buf_puts(b, "≥ ");
                put_bound(b, r->bands[i].bound, r->unit);
            } else if (i == n - 1) {
                chiso_buf_puts(b, "< ");
                put_bound(b, r->bands[i - 1].bound, r->unit);
            } else {
                put_bound(b, r->bands[i].bound, CHISO_UNIT_NUMBER);
                chiso_buf_puts(b, "–<");
                put_bound(b, r->bands[i - 1].bound, r->unit);
            }
            put_points(b, r->bands[i].points);
        }
    } else {
        for (i = 0; i < n; i++) {
            if (i > 0) {
                chiso_buf_puts(b, "; ");
            }
            if (r->bands[i].open) {
                if (i == 0) {
                    chiso_buf_puts(b, "còn lại");
                } else {
                    chiso_buf_puts(b, "> ");
                    put_bound(b, r->bands[i - 1].bound, r->unit);
                }
            } else {
                chiso_buf_puts(b, "≤ ");
                put_bound(b, r->bands[i].bound, r->unit);
            }
            put_points(b, r->bands[i].points);
        }
    }
    domain_of(r->unit, &dlo, &dhi);
    if (fabs(r->domain_min - dlo) > EPS ||
        (isfinite(dhi) != isfinite(r->domain_max)) ||
        (isfinite(dhi) && fabs(r->domain_max - dhi) > EPS)) {
        chiso_buf_puts(b, "; miền giá trị ");
        put_bound(b, r->domain_min, CHISO_UNIT_NUMBER);
        if (isfinite(r->domain_max)) {
            chiso_buf_puts(b, "–");
            put_bound(b, r->domain_max, CHISO_UNIT_NUMBER);
        } else {
            chiso_buf_puts(b, " trở lên");
        }
    }
    if (r->zero_den != CHISO_ZERO_DEN_NO_SCORE) {
        chiso_buf_printf(b, "; mẫu số 0: %s", zero_den_words(r->zero_den));
    }
}

static void
ratio_text(chiso_buf *b,
           double target,
           int capped,
           chiso_zero_den z,
           chiso_zero_den z_default,
           chiso_value_unit u)
{
    chiso_buf_puts(b, "đạt tối đa khi ≥ ");
    put_bound(b, target, u);
    if (!capped) {
        chiso_buf_puts(b, "; không giới hạn");
    }
    if (z != z_default) {
        chiso_buf_printf(b, "; mẫu số 0: %s", zero_den_words(z));
    }
}

char *
chiso_fwtable_rule_params(const chiso_node *leaf)
{
    const chiso_rule *r = &leaf->rule;
    chiso_buf b = CHISO_BUF_INIT;
    char n[64];

    chiso_buf_puts(&b, "");
    switch (r->type) {
    case CHISO_RULE_BANDS:
        bands_text(&b, r);
        break;
    case CHISO_RULE_PROPORTIONAL:
        ratio_text(&b, r->target, r->capped, r->zero_den,
                   CHISO_ZERO_DEN_NO_SCORE, r->unit);
        break;
    case CHISO_RULE_DEDUCTION:
        chiso_fwtable__num_vi(r->per, n, sizeof(n));
        chiso_buf_printf(&b, "trừ %s mỗi trường hợp, tối thiểu 0", n);
        break;
    case CHISO_RULE_NONE:
    case CHISO_RULE_MANUAL:
    case CHISO_RULE_BINARY:
    case CHISO_RULE_TERMS:
    case CHISO_RULE_TRACKED:
        break;
    }
    return b.data;
}

char *
chiso_fwtable_term_params(const chiso_term *t)
{
    chiso_buf b = CHISO_BUF_INIT;

    ratio_text(&b, t->full_at, t->capped, t->zero_den, CHISO_ZERO_DEN_ZERO,
               t->unit);
    return b.data;
}

char *
chiso_fwtable_rule_words(const chiso_node *leaf, chiso_lang lang)
{
    const chiso_rule *r = &leaf->rule;
    chiso_buf b = CHISO_BUF_INIT;
    char *p = NULL;
    char mx[64];
    size_t i;

    chiso_fwtable__num_vi(leaf->max, mx, sizeof(mx));
    chiso_buf_puts(&b, "");
    switch (r->type) {
    case CHISO_RULE_MANUAL:
        chiso_buf_printf(&b, chiso_msg(lang, "Self-assessed: 0 to %s points"),
                         mx);
        break;
    case CHISO_RULE_BINARY:
        chiso_buf_printf(&b, chiso_msg(lang, "Yes: %s points; no: 0"), mx);
        break;
    case CHISO_RULE_PROPORTIONAL:
        p = chiso_fwtable_rule_params(leaf);
        chiso_buf_printf(&b, chiso_msg(lang, "Proportional, %s points: %s"), mx,
                         p ? p : "");
        break;
    case CHISO_RULE_BANDS:
        p = chiso_fwtable_rule_params(leaf);
        chiso_buf_printf(&b, chiso_msg(lang, "By bands: %s"), p ? p : "");
        break;
    case CHISO_RULE_DEDUCTION:
        chiso_fwtable__num_vi(r->per, mx, sizeof(mx));
        chiso_buf_printf(
            &b,
            chiso_msg(lang, "Deduction: %s points per case from the maximum, "
                            "down to 0"),
            mx);
        break;
    case CHISO_RULE_TERMS:
        chiso_buf_printf(&b, chiso_msg(lang, "Sum of components, at most %s:"),
                         mx);
        for (i = 0; i < r->n_terms; i++) {
            char pt[64];
            char *tp = chiso_fwtable_term_params(&r->terms[i]);
            chiso_fwtable__num_vi(r->terms[i].points, pt, sizeof(pt));
            chiso_buf_printf(&b, "%s %s (%s): %s", i ? ";" : "",
                             r->terms[i].input, pt, tp ? tp : "");
            free(tp);
        }
        break;
    case CHISO_RULE_TRACKED:
        chiso_buf_puts(&b, chiso_msg(lang, "Tracked only, not scored"));
        break;
    case CHISO_RULE_NONE:
        break;
    }
    free(p);
    return b.data;
}

/* ---- classification ---------------------------------------------------------- */

int
chiso_fwtable__class_range(
    const char *s, size_t len, double *lo, double *hi, int *hi_incl)
{
    toks T;
    interval iv;
    int pct = 0;

    lex(s, len, &T);
    if (T.overflow) {
        return -1;
    }
    memset(&iv, 0, sizeof(iv));
    if (condition(&T, T.n, &iv, &pct) != 0 || iv.rest) {
        return -1;
    }
    if (iv.has_lo && !iv.lo_incl) {
        return -1; /* "trên 90": the band must include its lower bound */
    }
    *lo = iv.has_lo ? iv.lo : 0;
    *hi = iv.has_hi ? iv.hi : HUGE_VAL;
    *hi_incl = iv.has_hi ? iv.hi_incl : 0;
    if (iv.has_lo && iv.has_hi && fabs(iv.lo - iv.hi) < EPS) {
        *hi = HUGE_VAL; /* "90": from 90 up */
    }
    return 0;
}

/* ---- Áp dụng, derived inputs --------------------------------------------------- */

#define APPLIES_PREFIX "Áp dụng: "

const char *
chiso_fwtable_node_applies(const chiso_node *n,
                           size_t *applies_len,
                           const char **rest)
{
    const char *note = n->note, *nl;
    size_t k = strlen(APPLIES_PREFIX);

    if (rest != NULL) {
        *rest = note;
    }
    *applies_len = 0;
    if (note == NULL || strncmp(note, APPLIES_PREFIX, k) != 0) {
        return NULL;
    }
    nl = strchr(note + k, '\n');
    *applies_len = nl ? (size_t)(nl - note - k) : strlen(note + k);
    if (rest != NULL) {
        *rest = nl ? nl + 1 : NULL;
    }
    return note + k;
}

int
chiso_fwtable_applies_is_kad(const char *s, size_t len)
{
    return chiso_fwtable__fold_is(s, len,
                                  "kad|khong|khong_ap_dung|n_a|na|no|0|"
                                  "not_applicable");
}

static const struct {
    const char *name;
    const char *phrases; /* folded */
} source_words[] = {
    {"tasks.assigned", "so_nhiem_vu_duoc_giao|nhiem_vu_duoc_giao"},
    {"tasks.completed", "so_nhiem_vu_hoan_thanh|nhiem_vu_hoan_thanh"},
    {"tasks.completed_on_time",
     "so_nhiem_vu_hoan_thanh_dung_han|nhiem_vu_hoan_thanh_dung_han"},
    {"tasks.completed_late",
     "so_nhiem_vu_hoan_thanh_qua_han|nhiem_vu_hoan_thanh_qua_han|"
     "so_nhiem_vu_hoan_thanh_tre_han"},
    {"tasks.overdue", "so_nhiem_vu_qua_han|nhiem_vu_qua_han|"
                      "so_nhiem_vu_qua_han_chua_hoan_thanh"},
    {"tasks.on_time_pct", "ty_le_nhiem_vu_hoan_thanh_dung_han|"
                          "ti_le_nhiem_vu_hoan_thanh_dung_han|"
                          "ty_le_nhiem_vu_dung_han"},
    {"tasks.completed_pct",
     "ty_le_nhiem_vu_hoan_thanh|ti_le_nhiem_vu_hoan_thanh"},
    {"services.received", "so_ho_so_tiep_nhan|ho_so_tiep_nhan"},
    {"services.finished", "so_ho_so_da_giai_quyet|ho_so_da_giai_quyet|"
                          "so_ho_so_giai_quyet"},
    {"services.online_pct", "ty_le_ho_so_truc_tuyen|ti_le_ho_so_truc_tuyen|"
                            "ty_le_ho_so_nop_truc_tuyen"},
    {"services.on_time_pct",
     "ty_le_ho_so_giai_quyet_dung_han|ti_le_ho_so_giai_quyet_dung_han|"
     "ty_le_ho_so_dung_han"},
    {"services.progress_pct", "tien_do_giai_quyet|tien_do_giai_quyet_ho_so|"
                              "ty_le_tien_do_giai_quyet"},
    {"services.components_signed_pct",
     "ty_le_thanh_phan_ho_so_ky_so|ti_le_thanh_phan_ho_so_ky_so|"
     "ty_le_ky_so_thanh_phan_ho_so"},
    {"services.result_signed_pct",
     "ty_le_ket_qua_ky_so|ti_le_ket_qua_ky_so|ty_le_ket_qua_duoc_ky_so"},
    {"services.digitized_pct", "ty_le_so_hoa_ho_so|ti_le_so_hoa_ho_so|"
                               "ty_le_ho_so_duoc_so_hoa|ty_le_so_hoa"},
    {"services.satisfaction_mean",
     "diem_hai_long_trung_binh|muc_do_hai_long_trung_binh"},
    {"services.satisfied_pct", "ty_le_hai_long|ti_le_hai_long"},
};

const char *
chiso_fwtable_source_name(const char *s, size_t len)
{
    size_t i;

    chiso_text_trim(&s, &len);
    for (i = 0; chiso_derived_inputs[i] != NULL; i++) {
        if (strlen(chiso_derived_inputs[i]) == len &&
            strncmp(chiso_derived_inputs[i], s, len) == 0) {
            return chiso_derived_inputs[i];
        }
    }
    for (i = 0; i < sizeof(source_words) / sizeof(source_words[0]); i++) {
        char f[64];
        size_t n;
        /* names written with another case or separators */
        n = chiso_text_fold(source_words[i].name, strlen(source_words[i].name),
                            f, sizeof(f));
        if (n < sizeof(f) && chiso_fwtable__fold_is(s, len, f)) {
            return source_words[i].name;
        }
        if (chiso_fwtable__fold_is(s, len, source_words[i].phrases)) {
            return source_words[i].name;
        }
    }
    return NULL;
}

/* ---- status words ------------------------------------------------------------ */

static const struct {
    const char *en, *vi, *folded;
} status_words[] = {
    {"official", "chính thức", "chinh_thuc|official"},
    {"partial", "một phần", "mot_phan|partial|chua_day_du"},
    {"inferred", "suy luận", "suy_luan|inferred"},
    {"template", "mẫu", "mau|template|khung_mau"},
    {"reconstructed", "tái dựng", "tai_dung|reconstructed|dung_lai"},
};

const char *
chiso_fwtable__status_vi(const char *status)
{
    size_t i;

    for (i = 0; i < sizeof(status_words) / sizeof(status_words[0]); i++) {
        if (strcmp(status, status_words[i].en) == 0) {
            return status_words[i].vi;
        }
    }
    return status;
}

const char *
chiso_fwtable__status_parse(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < sizeof(status_words) / sizeof(status_words[0]); i++) {
        if (chiso_fwtable__fold_is(s, len, status_words[i].folded)) {
            return status_words[i].en;
        }
    }
    return NULL;
}
