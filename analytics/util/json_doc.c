/*
 * json_doc.c - cJSON documents that remember where each value was.
 *
 * cJSON keeps no source positions. After cJSON has accepted the text, a
 * small scanner walks the same text in document order, alongside the cJSON
 * tree (which preserves member order), and records the line and column of
 * each value in a pointer-keyed hash table. Positions only grow during the
 * walk, so line and column are counted incrementally: the whole document
 * costs one pass over its bytes, however many values ask for their
 * position (a 10,000-criterion framework used to re-count from byte 0 for
 * every node). The same walk rejects duplicate object keys, with a hash
 * set for large objects.
 *
 * The printer below is ours, not cJSON_Print: it indents with two spaces and
 * prints numbers in their shortest round-trip form, so outputs are stable.
 */
#include "chiso_util.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct loc_slot {
    const cJSON *item;
    unsigned long line, column;
};

struct chiso_json_doc {
    char *path;
    char *text;
    size_t len;
    cJSON *root;
    struct loc_slot *slots;
    size_t n_slots; /* power of two */
};

static size_t
ptr_hash(const void *p, size_t mask)
{
    uintptr_t v = (uintptr_t)p;

    v ^= v >> 17;
    v *= (uintptr_t)0x9E3779B97F4A7C15ull;
    v ^= v >> 29;
    return (size_t)v & mask;
}

static void
loc_put(chiso_json_doc *doc,
        const cJSON *item,
        unsigned long line,
        unsigned long column)
{
    size_t mask = doc->n_slots - 1, i = ptr_hash(item, mask);

    while (doc->slots[i].item != NULL && doc->slots[i].item != item) {
        i = (i + 1) & mask;
    }
    doc->slots[i].item = item;
    doc->slots[i].line = line;
    doc->slots[i].column = column;
}

static int
loc_get(const chiso_json_doc *doc,
        const cJSON *item,
        unsigned long *line,
        unsigned long *column)
{
    size_t mask, i;

    if (doc->n_slots == 0) {
        return 0;
    }
    mask = doc->n_slots - 1;
    i = ptr_hash(item, mask);
    while (doc->slots[i].item != NULL) {
        if (doc->slots[i].item == item) {
            *line = doc->slots[i].line;
            *column = doc->slots[i].column;
            return 1;
        }
        i = (i + 1) & mask;
    }
    return 0;
}

static size_t
count_items(const cJSON *item)
{
    size_t n = 0;

    for (; item != NULL; item = item->next) {
        n += 1 + count_items(item->child);
    }
    return n;
}

struct scan {
    chiso_json_doc *doc;
    size_t pos;
    chiso_diag *diag;
    int depth;
    /* the position counted so far: byte offset, line, column */
    size_t at;
    unsigned long line, column;
};

/* Line and column of byte `to` (>= s->at), counting from where the last
 * call stopped: '\n' starts a line, every UTF-8 character is a column. */
static void
scan_position(struct scan *s,
              size_t to,
              unsigned long *line,
              unsigned long *column)
{
    const unsigned char *t = (const unsigned char *)s->doc->text;

    for (; s->at < to && s->at < s->doc->len; s->at++) {
        if (t[s->at] == '\n') {
            s->line++;
            s->column = 1;
        } else if ((t[s->at] & 0xC0) != 0x80) {
            s->column++;
        }
    }
    *line = s->line;
    *column = s->column;
}

/* Members above which duplicate keys are found with a hash set rather
 * than by comparing each key with the earlier ones. */
#define DUP_LINEAR_MAX 16

/* Is key already in the set (open addressing, mask = capacity - 1)? Adds
 * it if not. */
static int
key_seen(const char **set, size_t mask, const char *key)
{
    uint64_t h = 1469598103934665603ull;
    const char *p;
    size_t i;

    for (p = key; *p; p++) {
        h ^= (unsigned char)*p;
        h *= 1099511628211ull;
    }
    i = (size_t)(h ^ (h >> 29)) & mask;
    while (set[i] != NULL) {
        if (strcmp(set[i], key) == 0) {
            return 1;
        }
        i = (i + 1) & mask;
    }
    set[i] = key;
    return 0;
}

static void
skip_ws(struct scan *s)
{
    const char *t = s->doc->text;

    while (s->pos < s->doc->len && (t[s->pos] == ' ' || t[s->pos] == '\t' ||
                                    t[s->pos] == '\n' || t[s->pos] == '\r')) {
        s->pos++;
    }
}

static void
skip_string(struct scan *s)
{
    const char *t = s->doc->text;

    s->pos++; /* opening quote */
    while (s->pos < s->doc->len && t[s->pos] != '"') {
        s->pos += t[s->pos] == '\\' ? 2 : 1;
    }
    s->pos++; /* closing quote */
}

static chiso_status
scan_value(struct scan *s, const cJSON *item)
{
    const char *t = s->doc->text;
    const cJSON *c, *d;
    unsigned long line, column;

    skip_ws(s);
    scan_position(s, s->pos, &line, &column);
    loc_put(s->doc, item, line, column);
    if (cJSON_IsObject(item) || cJSON_IsArray(item)) {
        int is_obj = cJSON_IsObject(item);
        const char **set = NULL;
        size_t n = 0, mask = 0;
        if (is_obj) {
            for (c = item->child; c != NULL; c = c->next) {
                n++;
            }
        }
        if (n > DUP_LINEAR_MAX) {
            for (mask = 64; mask < 2 * n; mask *= 2) {
            }
            set = calloc(mask, sizeof(*set));
            if (set == NULL) {
                return chiso_diag_set(s->diag, CHISO_ENOMEM, s->doc->path, 0, 0,
                                      "out of memory");
            }
            mask--;
        }
        s->pos++; /* { or [ */
        for (c = item->child; c != NULL; c = c->next) {
            skip_ws(s);
            if (is_obj) {
                size_t key_at = s->pos;
                int dup = 0;
                skip_string(s);
                skip_ws(s);
                s->pos++; /* : */
                if (set != NULL) {
                    dup = key_seen(set, mask, c->string);
                } else {
                    for (d = item->child; d != c && !dup; d = d->next) {
                        dup = strcmp(d->string, c->string) == 0;
                    }
                }
                if (dup) {
                    unsigned long kl, kc;
                    free(set);
                    chiso_text_position(t, s->doc->len, key_at, &kl, &kc);
                    return chiso_diag_set(s->diag, CHISO_EPARSE, s->doc->path,
                                          kl, kc, "duplicate key \"%s\"",
                                          c->string);
                }
            }
            if (scan_value(s, c) != CHISO_OK) {
                free(set);
                return CHISO_EPARSE;
            }
            skip_ws(s);
            s->pos++; /* , or closing bracket */
        }
        free(set);
        if (item->child == NULL) {
            skip_ws(s);
            s->pos++;
        }
        return CHISO_OK;
    }
    if (cJSON_IsString(item)) {
        skip_string(s);
        return CHISO_OK;
    }
    /* number, true, false, null: up to the next delimiter */
    while (s->pos < s->doc->len && strchr(",]} \t\r\n", t[s->pos]) == NULL) {
        s->pos++;
    }
    return CHISO_OK;
}

static chiso_status
parse_error(chiso_json_doc *doc, chiso_diag *diag, size_t at)
{
    unsigned long line, col;
    char tok[24];
    size_t i = 0, n;

    if (at > doc->len) {
        at = doc->len;
    }
    while (at < doc->len && strchr(" \t\r\n", doc->text[at]) != NULL) {
        at++;
    }
    chiso_text_position(doc->text, doc->len, at, &line, &col);
    if (at >= doc->len) {
        return chiso_diag_set(diag, CHISO_EPARSE, doc->path, line, col,
                              "malformed JSON: unexpected end of file");
    }
    /* quote the offending token (whole UTF-8 characters, at most ~20 bytes) */
    n = doc->len - at;
    while (i < n && i < 20 && strchr(" \t\r\n", doc->text[at + i]) == NULL) {
        i++;
    }
    while (i < n && ((unsigned char)doc->text[at + i] & 0xC0) == 0x80) {
        i++;
    }
    if (i == 0) {
        i = 1;
    }
    memcpy(tok, doc->text + at, i < sizeof(tok) ? i : sizeof(tok) - 1);
    tok[i < sizeof(tok) ? i : sizeof(tok) - 1] = '\0';
    /* name the two mistakes people make most when editing by hand */
    {
        size_t p = at;
        char c = doc->text[at], prev = '\0';
        while (p > 0 && strchr(" \t\r\n", doc->text[p - 1]) != NULL) {
            p--;
        }
        if (p > 0) {
            prev = doc->text[p - 1];
        }
        if ((c == '}' || c == ']') && prev == ',') {
            return chiso_diag_set(diag, CHISO_EPARSE, doc->path, line, col,
                                  "malformed JSON: trailing comma before "
                                  "'%c'",
                                  c);
        }
        if ((prev == '"' || prev == '}' || prev == ']' || prev == 'e' ||
             prev == 'l' || (prev >= '0' && prev <= '9')) &&
            (c == '"' || c == '{' || c == '[')) {
            return chiso_diag_set(diag, CHISO_EPARSE, doc->path, line, col,
                                  "malformed JSON: missing ',' before '%s'",
                                  tok);
        }
    }
    return chiso_diag_set(diag, CHISO_EPARSE, doc->path, line, col,
                          "malformed JSON at '%s'", tok);
}

chiso_status
chiso_json_doc_parse(chiso_json_doc **out,
                     const char *path,
                     const char *text,
                     size_t len,
                     chiso_diag *diag)
{
    chiso_json_doc *doc;
    const char *end = NULL;
    size_t bad, n, start = 0, i;
    chiso_status st = CHISO_OK;
    struct scan sc;

    *out = NULL;
    doc = calloc(1, sizeof(*doc));
    if (doc == NULL) {
        return chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
    }
    doc->path = chiso_strdup(path ? path : "");
    doc->text = chiso_strndup(text, len);
    doc->len = len;
    if (doc->path == NULL || doc->text == NULL) {
        st = chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
        goto fail;
    }
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        start = 3;
    }
    if (memchr(text, '\0', len) != NULL) {
        size_t at = (size_t)((const char *)memchr(text, '\0', len) - text);
        unsigned long line, col;
        chiso_text_position(text, len, at, &line, &col);
        st = chiso_diag_set(diag, CHISO_EPARSE, path, line, col,
                            "not a text file: NUL byte at offset %zu", at);
        goto fail;
    }
    if (!chiso_utf8_valid(text, len, &bad)) {
        unsigned long line, col;
        chiso_text_position(text, len, bad, &line, &col);
        st = chiso_diag_set(diag, CHISO_EPARSE, path, line, col,
                            "invalid UTF-8 byte 0x%02X (save the file as "
                            "UTF-8)",
                            (unsigned)(unsigned char)text[bad]);
        goto fail;
    }
    for (i = start; i < len && strchr(" \t\r\n", text[i]) != NULL; i++) {
    }
    if (i == len) {
        st = chiso_diag_set(diag, CHISO_EPARSE, path, 1, 1,
                            "empty file: expected a JSON value");
        goto fail;
    }
    doc->root =
        cJSON_ParseWithLengthOpts(doc->text + start, len - start, &end, 0);
    if (doc->root == NULL) {
        size_t at = end ? (size_t)(end - doc->text) : len;
        st = parse_error(doc, diag, at);
        goto fail;
    }
    /* trailing garbage after the value */
    i = (size_t)(end - doc->text);
    while (i < len && strchr(" \t\r\n", text[i]) != NULL) {
        i++;
    }
    if (i < len) {
        st = parse_error(doc, diag, i);
        goto fail;
    }
    n = count_items(doc->root);
    doc->n_slots = 16;
    while (doc->n_slots < 2 * n) {
        doc->n_slots *= 2;
    }
    doc->slots = calloc(doc->n_slots, sizeof(*doc->slots));
    if (doc->slots == NULL) {
        st = chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
        goto fail;
    }
    sc.doc = doc;
    sc.pos = start;
    sc.diag = diag;
    sc.depth = 0;
    sc.at = start; /* a byte order mark is not a column */
    sc.line = 1;
    sc.column = 1;
    st = scan_value(&sc, doc->root);
    if (st != CHISO_OK) {
        goto fail;
    }
    *out = doc;
    return CHISO_OK;
fail:
    chiso_json_doc_free(doc);
    return st;
}

chiso_status
chiso_json_doc_load(chiso_json_doc **out, const char *path, chiso_diag *diag)
{
    char *text;
    size_t len;
    chiso_status st;

    *out = NULL;
    st = chiso_file_read_capped(path, CHISO_JSON_READ_CAP, &text, &len, diag);
    if (st != CHISO_OK) {
        return st;
    }
    st = chiso_json_doc_parse(out, path, text, len, diag);
    free(text);
    return st;
}

void
chiso_json_doc_free(chiso_json_doc *doc)
{
    if (doc == NULL) {
        return;
    }
    cJSON_Delete(doc->root);
    free(doc->slots);
    free(doc->text);
    free(doc->path);
    free(doc);
}

const cJSON *
chiso_json_doc_root(const chiso_json_doc *doc)
{
    return doc->root;
}

const char *
chiso_json_doc_path(const chiso_json_doc *doc)
{
    return doc->path;
}

void
chiso_json_doc_locate(const chiso_json_doc *doc,
                      const cJSON *item,
                      unsigned long *line,
                      unsigned long *column)
{
    *line = 0;
    *column = 0;
    if (item != NULL) {
        loc_get(doc, item, line, column);
    }
}

chiso_status
chiso_json_doc_error(const chiso_json_doc *doc,
                     chiso_diag *diag,
                     chiso_status code,
                     const cJSON *item,
                     const char *fmt,
                     ...)
{
    unsigned long line, col;
    va_list ap;

    chiso_json_doc_locate(doc, item, &line, &col);
    va_start(ap, fmt);
    code = chiso_diag_vset(diag, code, doc->path, line, col, fmt, ap);
    va_end(ap);
    return code;
}

chiso_status
chiso_json_doc_error_list(const chiso_json_doc *doc,
                          chiso_diag_list *list,
                          chiso_status code,
                          const cJSON *item,
                          const char *fmt,
                          ...)
{
    unsigned long line, col;
    chiso_status st;
    va_list ap;

    chiso_json_doc_locate(doc, item, &line, &col);
    va_start(ap, fmt);
    st = chiso_diag_list_vaddf(list, code, doc->path, line, col, fmt, ap);
    va_end(ap);
    return st;
}

/* ---- output ----------------------------------------------------------- */

cJSON *
chiso_json_number(double x)
{
    if (!isfinite(x)) {
        return cJSON_CreateNull();
    }
    return cJSON_CreateNumber(chiso_round_sig(x, 10));
}

cJSON *
chiso_json_fixed(double x, int decimals)
{
    if (!isfinite(x)) {
        return cJSON_CreateNull();
    }
    return cJSON_CreateNumber(chiso_round_half_up(x, decimals));
}

static int
print_string(chiso_buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    int rc = 0;

    rc |= chiso_buf_append(b, "\"", 1) != CHISO_OK;
    for (; *p; p++) {
        switch (*p) {
        case '"':
            rc |= chiso_buf_append(b, "\\\"", 2) != CHISO_OK;
            break;
        case '\\':
            rc |= chiso_buf_append(b, "\\\\", 2) != CHISO_OK;
            break;
        case '\n':
            rc |= chiso_buf_append(b, "\\n", 2) != CHISO_OK;
            break;
        case '\r':
            rc |= chiso_buf_append(b, "\\r", 2) != CHISO_OK;
            break;
        case '\t':
            rc |= chiso_buf_append(b, "\\t", 2) != CHISO_OK;
            break;
        default:
            if (*p < 0x20) {
                rc |= chiso_buf_printf(b, "\\u%04x", *p) != CHISO_OK;
            } else {
                rc |= chiso_buf_append(b, p, 1) != CHISO_OK;
            }
        }
    }
    rc |= chiso_buf_append(b, "\"", 1) != CHISO_OK;
    return rc;
}

static int
print_number(chiso_buf *b, double x)
{
    char tmp[40];

    if (!isfinite(x)) {
        return chiso_buf_puts(b, "null") != CHISO_OK;
    }
    if (fabs(x) < 1e15 && chiso_is_zero(x - floor(x))) {
        return chiso_buf_printf(b, "%.0f", chiso_is_zero(x) ? 0.0 : x) !=
               CHISO_OK;
    }
    chiso_format_double(x, tmp, sizeof(tmp));
    return chiso_buf_puts(b, tmp) != CHISO_OK;
}

static int
print_value(chiso_buf *b, const cJSON *item, int depth)
{
    const cJSON *c;
    int rc = 0, i;
    int is_obj;

    if (cJSON_IsNull(item) || cJSON_IsInvalid(item)) {
        return chiso_buf_puts(b, "null") != CHISO_OK;
    }
    if (cJSON_IsTrue(item)) {
        return chiso_buf_puts(b, "true") != CHISO_OK;
    }
    if (cJSON_IsFalse(item)) {
        return chiso_buf_puts(b, "false") != CHISO_OK;
    }
    if (cJSON_IsNumber(item)) {
        return print_number(b, item->valuedouble);
    }
    if (cJSON_IsString(item)) {
        return print_string(b, item->valuestring);
    }
    if (cJSON_IsRaw(item)) {
        return chiso_buf_puts(b, item->valuestring) != CHISO_OK;
    }
    is_obj = cJSON_IsObject(item);
    if (item->child == NULL) {
        return chiso_buf_puts(b, is_obj ? "{}" : "[]") != CHISO_OK;
    }
    rc |= chiso_buf_puts(b, is_obj ? "{\n" : "[\n") != CHISO_OK;
    for (c = item->child; c != NULL; c = c->next) {
        for (i = 0; i < depth + 1; i++) {
            rc |= chiso_buf_puts(b, "  ") != CHISO_OK;
        }
        if (is_obj) {
            rc |= print_string(b, c->string);
            rc |= chiso_buf_puts(b, ": ") != CHISO_OK;
        }
        rc |= print_value(b, c, depth + 1);
        rc |= chiso_buf_puts(b, c->next ? ",\n" : "\n") != CHISO_OK;
    }
    for (i = 0; i < depth; i++) {
        rc |= chiso_buf_puts(b, "  ") != CHISO_OK;
    }
    rc |= chiso_buf_puts(b, is_obj ? "}" : "]") != CHISO_OK;
    return rc;
}

char *
chiso_json_print(const cJSON *root)
{
    chiso_buf b = CHISO_BUF_INIT;

    if (print_value(&b, root, 0) != 0 || chiso_buf_puts(&b, "\n") != CHISO_OK) {
        chiso_buf_free(&b);
        return NULL;
    }
    return b.data;
}
