/*
 * vocab.c - the words offices write in one-stop and task-tracking exports,
 * and what they mean to chiso.
 *
 * One table for every coded column (channel, yes/no flags, satisfaction,
 * task status, dossier status). A cell is compared trimmed, ignoring case,
 * diacritics, spaces and punctuation: its folded text without separators
 * ("Trực tuyến toàn trình" -> "tructuyentoantrinh") is looked up among the
 * keys below. Each entry carries the key (ASCII, what folding gives) and
 * the word as offices write it, for messages and docs/vocabulary.md; a unit
 * test checks that every key is the fold of its word, so the two cannot
 * drift apart. Keys without a word are spellings not worth listing.
 *
 * Exports repeat a handful of values millions of times, so lookups go
 * through a small cache of exact cell texts owned by the caller (one per
 * thread): a hit costs a memcmp instead of a fold.
 */
#include "chiso_dataset.h"

#include <string.h>

typedef struct vocab_entry {
    const char *key;  /* fold without separators */
    int value;        /* what it means (CHISO_CHANNEL_*, 0/1, ...) */
    const char *word; /* as offices write it, or NULL (not listed) */
} vocab_entry;

#define END                                                                    \
    {                                                                          \
        NULL, 0, NULL                                                          \
    }

static const vocab_entry channel_words[] = {
    {"tructuyen", CHISO_CHANNEL_ONLINE, "Trực tuyến"},
    {"tructuyentoantrinh", CHISO_CHANNEL_ONLINE_FULL, "Trực tuyến toàn trình"},
    {"tructuyenmotphan", CHISO_CHANNEL_ONLINE_PARTIAL, "Trực tuyến một phần"},
    {"toantrinh", CHISO_CHANNEL_ONLINE_FULL, "Toàn trình"},
    {"motphan", CHISO_CHANNEL_ONLINE_PARTIAL, "Một phần"},
    {"tructuyenmuc4", CHISO_CHANNEL_ONLINE_FULL, "Trực tuyến mức 4"},
    {"tructuyenmuc3", CHISO_CHANNEL_ONLINE_PARTIAL, "Trực tuyến mức 3"},
    {"noptructuyen", CHISO_CHANNEL_ONLINE, "Nộp trực tuyến"},
    {"quamang", CHISO_CHANNEL_ONLINE, "Qua mạng"},
    {"dichvucongtructuyen", CHISO_CHANNEL_ONLINE, "Dịch vụ công trực tuyến"},
    {"dvctt", CHISO_CHANNEL_ONLINE, "DVCTT"},
    {"online", CHISO_CHANNEL_ONLINE, "online"},
    {"internet", CHISO_CHANNEL_ONLINE, NULL},
    {"tructiep", CHISO_CHANNEL_DIRECT, "Trực tiếp"},
    {"noptructiep", CHISO_CHANNEL_DIRECT, "Nộp trực tiếp"},
    {"taiquay", CHISO_CHANNEL_DIRECT, "Tại quầy"},
    {"noptaiquay", CHISO_CHANNEL_DIRECT, "Nộp tại quầy"},
    {"motcua", CHISO_CHANNEL_DIRECT, "Một cửa"},
    {"bophanmotcua", CHISO_CHANNEL_DIRECT, "Bộ phận một cửa"},
    {"direct", CHISO_CHANNEL_DIRECT, "direct"},
    {"quadichvubcci", CHISO_CHANNEL_POSTAL, "Qua dịch vụ BCCI"},
    {"quabuuchinhcongich", CHISO_CHANNEL_POSTAL, "Qua bưu chính công ích"},
    {"buuchinhcongich", CHISO_CHANNEL_POSTAL, "Bưu chính công ích"},
    {"bcci", CHISO_CHANNEL_POSTAL, "BCCI"},
    {"dichvubcci", CHISO_CHANNEL_POSTAL, "Dịch vụ BCCI"},
    {"buuchinh", CHISO_CHANNEL_POSTAL, "Bưu chính"},
    {"quabuuchinh", CHISO_CHANNEL_POSTAL, "Qua bưu chính"},
    {"buudien", CHISO_CHANNEL_POSTAL, "Bưu điện"},
    {"quabuudien", CHISO_CHANNEL_POSTAL, "Qua bưu điện"},
    {"postal", CHISO_CHANNEL_POSTAL, "postal"},
    END};

static const vocab_entry flag_words[] = {
    {"co", 1, "Có"},
    {"khong", 0, "Không"},
    {"dasohoa", 1, "Đã số hóa"},
    {"chuasohoa", 0, "Chưa số hóa"},
    {"dakyso", 1, "Đã ký số"},
    {"chuakyso", 0, "Chưa ký số"},
    {"x", 1, "x"},
    {"1", 1, "1"},
    {"0", 0, "0"},
    {"cosohoa", 1, "Có số hóa"},
    {"khongsohoa", 0, "Không số hóa"},
    {"cokyso", 1, "Có ký số"},
    {"khongkyso", 0, "Không ký số"},
    {"daky", 1, "Đã ký"},
    {"chuaky", 0, "Chưa ký"},
    {"dat", 1, "Đạt"},
    {"khongdat", 0, "Không đạt"},
    {"chuadat", 0, "Chưa đạt"},
    {"da", 1, "Đã"},
    {"chua", 0, "Chưa"},
    {"hoanthanh", 1, "Hoàn thành"},
    {"dahoanthanh", 1, "Đã hoàn thành"},
    {"chuahoanthanh", 0, "Chưa hoàn thành"},
    {"khonghoanthanh", 0, "Không hoàn thành"},
    {"dabanhanh", 1, "Đã ban hành"},
    {"chuabanhanh", 0, "Chưa ban hành"},
    {"yes", 1, "yes"},
    {"no", 0, "no"},
    {"true", 1, NULL},
    {"false", 0, NULL},
    {"y", 1, NULL},
    {"n", 0, NULL},
    {"c", 1, NULL},
    {"k", 0, NULL},
    END};

static const vocab_entry satisfaction_words[] = {
    {"rathailong", 5, "Rất hài lòng"},
    {"hailong", 4, "Hài lòng"},
    {"binhthuong", 3, "Bình thường"},
    {"chapnhanduoc", 3, "Chấp nhận được"},
    {"khonghailong", 2, "Không hài lòng"},
    {"chuahailong", 2, "Chưa hài lòng"},
    {"ratkhonghailong", 1, "Rất không hài lòng"},
    {"chuadanhgia", 0, "Chưa đánh giá"},
    {"khongdanhgia", 0, "Không đánh giá"},
    {"1", 1, "1"},
    {"2", 2, "2"},
    {"3", 3, "3"},
    {"4", 4, "4"},
    {"5", 5, "5"},
    END};

static const vocab_entry task_status_words[] = {
    {"dahoanthanhdunghan", CHISO_TASK_DONE_ON_TIME, "Đã hoàn thành đúng hạn"},
    {"dahoanthanhquahan", CHISO_TASK_DONE_LATE, "Đã hoàn thành quá hạn"},
    {"dahoanthanh", CHISO_TASK_DONE, "Đã hoàn thành"},
    {"dahoanthanhtruochan", CHISO_TASK_DONE_ON_TIME, "Đã hoàn thành trước hạn"},
    {"dahoanthanhtrehan", CHISO_TASK_DONE_LATE, "Đã hoàn thành trễ hạn"},
    {"hoanthanh", CHISO_TASK_DONE, "Hoàn thành"},
    {"hoanthanhdunghan", CHISO_TASK_DONE_ON_TIME, "Hoàn thành đúng hạn"},
    {"hoanthanhquahan", CHISO_TASK_DONE_LATE, "Hoàn thành quá hạn"},
    {"hoanthanhtruochan", CHISO_TASK_DONE_ON_TIME, "Hoàn thành trước hạn"},
    {"hoanthanhtrehan", CHISO_TASK_DONE_LATE, "Hoàn thành trễ hạn"},
    {"hoanthanhcham", CHISO_TASK_DONE_LATE, "Hoàn thành chậm"},
    {"xong", CHISO_TASK_DONE, "Xong"},
    {"daxong", CHISO_TASK_DONE, "Đã xong"},
    {"completed", CHISO_TASK_DONE, "completed"},
    {"done", CHISO_TASK_DONE, NULL},
    {"dangthuchientronghan", CHISO_TASK_OPEN, "Đang thực hiện trong hạn"},
    {"dangthuchienquahan", CHISO_TASK_OPEN, "Đang thực hiện quá hạn"},
    {"chuahoanthanh", CHISO_TASK_OPEN, "Chưa hoàn thành"},
    {"dangthuchien", CHISO_TASK_OPEN, "Đang thực hiện"},
    {"dangthuchienchuadenhan", CHISO_TASK_OPEN, "Đang thực hiện chưa đến hạn"},
    {"chuahoanthanhquahan", CHISO_TASK_OPEN, "Chưa hoàn thành quá hạn"},
    {"chuathuchien", CHISO_TASK_OPEN, "Chưa thực hiện"},
    {"dangxuly", CHISO_TASK_OPEN, "Đang xử lý"},
    {"dangtrienkhai", CHISO_TASK_OPEN, "Đang triển khai"},
    {"quahan", CHISO_TASK_OPEN, "Quá hạn"},
    {"tronghan", CHISO_TASK_OPEN, "Trong hạn"},
    {"chuadenhan", CHISO_TASK_OPEN, "Chưa đến hạn"},
    {"moigiao", CHISO_TASK_OPEN, "Mới giao"},
    {"inprogress", CHISO_TASK_OPEN, "in progress"},
    {"open", CHISO_TASK_OPEN, NULL},
    {"overdue", CHISO_TASK_OPEN, NULL},
    {"new", CHISO_TASK_OPEN, NULL},
    {"dahuy", CHISO_TASK_CANCELLED, "Đã hủy"},
    {"dungthuchien", CHISO_TASK_CANCELLED, "Dừng thực hiện"},
    {"huy", CHISO_TASK_CANCELLED, "Hủy"},
    {"khongthuchien", CHISO_TASK_CANCELLED, "Không thực hiện"},
    {"thuhoi", CHISO_TASK_CANCELLED, "Thu hồi"},
    {"dathuhoi", CHISO_TASK_CANCELLED, "Đã thu hồi"},
    {"cancelled", CHISO_TASK_CANCELLED, "cancelled"},
    {"canceled", CHISO_TASK_CANCELLED, NULL},
    END};

static const vocab_entry dossier_status_words[] = {
    {"datraketqua", CHISO_DOSSIER_FINISHED, "Đã trả kết quả"},
    {"traketquaquahan", CHISO_DOSSIER_FINISHED, "Trả kết quả quá hạn"},
    {"traketqua", CHISO_DOSSIER_FINISHED, "Trả kết quả"},
    {"traketquadunghan", CHISO_DOSSIER_FINISHED, "Trả kết quả đúng hạn"},
    {"traketquatruochan", CHISO_DOSSIER_FINISHED, "Trả kết quả trước hạn"},
    {"dagiaiquyet", CHISO_DOSSIER_FINISHED, "Đã giải quyết"},
    {"giaiquyetxong", CHISO_DOSSIER_FINISHED, "Giải quyết xong"},
    {"daxuly", CHISO_DOSSIER_FINISHED, "Đã xử lý"},
    {"dacoketqua", CHISO_DOSSIER_FINISHED, "Đã có kết quả"},
    {"hoanthanh", CHISO_DOSSIER_FINISHED, "Hoàn thành"},
    {"dahoanthanh", CHISO_DOSSIER_FINISHED, "Đã hoàn thành"},
    {"finished", CHISO_DOSSIER_FINISHED, "finished"},
    {"danggiaiquyet", CHISO_DOSSIER_OPEN, "Đang giải quyết"},
    {"chobosung", CHISO_DOSSIER_OPEN, "Chờ bổ sung"},
    {"dangxuly", CHISO_DOSSIER_OPEN, "Đang xử lý"},
    {"moitiepnhan", CHISO_DOSSIER_OPEN, "Mới tiếp nhận"},
    {"datiepnhan", CHISO_DOSSIER_OPEN, "Đã tiếp nhận"},
    {"dangchobosung", CHISO_DOSSIER_OPEN, "Đang chờ bổ sung"},
    {"yeucaubosung", CHISO_DOSSIER_OPEN, "Yêu cầu bổ sung"},
    {"tamdung", CHISO_DOSSIER_OPEN, "Tạm dừng"},
    {"choxuly", CHISO_DOSSIER_OPEN, "Chờ xử lý"},
    {"open", CHISO_DOSSIER_OPEN, "open"},
    {"chotraketqua", CHISO_DOSSIER_ANY, "Chờ trả kết quả"},
    {"dunghan", CHISO_DOSSIER_ANY, "Đúng hạn"},
    {"truochan", CHISO_DOSSIER_ANY, "Trước hạn"},
    {"quahan", CHISO_DOSSIER_ANY, "Quá hạn"},
    {"trehan", CHISO_DOSSIER_ANY, "Trễ hạn"},
    {"dahuy", CHISO_DOSSIER_CANCELLED, "Đã hủy"},
    {"huy", CHISO_DOSSIER_CANCELLED, "Hủy"},
    {"huyhoso", CHISO_DOSSIER_CANCELLED, "Hủy hồ sơ"},
    {"cancelled", CHISO_DOSSIER_CANCELLED, "cancelled"},
    {"canceled", CHISO_DOSSIER_CANCELLED, NULL},
    {"ruthoso", CHISO_DOSSIER_WITHDRAWN, "Rút hồ sơ"},
    {"daruthoso", CHISO_DOSSIER_WITHDRAWN, "Đã rút hồ sơ"},
    {"darut", CHISO_DOSSIER_WITHDRAWN, "Đã rút"},
    {"congdanruthoso", CHISO_DOSSIER_WITHDRAWN, "Công dân rút hồ sơ"},
    {"dungxuly", CHISO_DOSSIER_WITHDRAWN, "Dừng xử lý"},
    {"withdrawn", CHISO_DOSSIER_WITHDRAWN, "withdrawn"},
    {"tralaihoso", CHISO_DOSSIER_RETURNED, "Trả lại hồ sơ"},
    {"khonggiaiquyet", CHISO_DOSSIER_RETURNED, "Không giải quyết"},
    {"tralai", CHISO_DOSSIER_RETURNED, "Trả lại"},
    {"hosobitralai", CHISO_DOSSIER_RETURNED, "Hồ sơ bị trả lại"},
    {"tuchoi", CHISO_DOSSIER_RETURNED, "Từ chối"},
    {"tuchoigiaiquyet", CHISO_DOSSIER_RETURNED, "Từ chối giải quyết"},
    {"returned", CHISO_DOSSIER_RETURNED, "returned"},
    END};

static const vocab_entry *const tables[CHISO_VOCAB_COUNT] = {
    channel_words, flag_words, satisfaction_words, task_status_words,
    dossier_status_words};

static const char *const vocab_names[CHISO_VOCAB_COUNT] = {
    "channel", "flag", "satisfaction", "task_status", "dossier_status"};

const char *
chiso_vocab_name(chiso_vocab v)
{
    return (unsigned)v < CHISO_VOCAB_COUNT ? vocab_names[v] : "?";
}

size_t
chiso_vocab_key(const char *s, size_t len, char *out, size_t cap)
{
    char f[96];
    size_t i, n = 0, m;

    chiso_text_trim(&s, &len);
    m = chiso_text_fold(s, len, f, sizeof(f));
    if (m >= sizeof(f)) {
        /* longer than any word: a key no table holds */
        if (cap > 0) {
            out[0] = '\0';
        }
        return m;
    }
    for (i = 0; f[i] != '\0'; i++) {
        if (f[i] != '_' && n + 1 < cap) {
            out[n++] = f[i];
        }
    }
    if (cap > 0) {
        out[n] = '\0';
    }
    return n;
}

/* A check mark alone (✓ ✔ ☑ ☒ ✗): folding drops these, so they are told
 * apart here. 1 yes, 0 no, -1 none of them. */
static int
check_mark(const char *s, size_t len)
{
    chiso_text_trim(&s, &len);
    if (len == 3 && ((unsigned char)s[0] == 0xE2)) {
        if (memcmp(s, "\xE2\x9C\x93", 3) == 0 || /* ✓ */
            memcmp(s, "\xE2\x9C\x94", 3) == 0 || /* ✔ */
            memcmp(s, "\xE2\x98\x91", 3) == 0) { /* ☑ */
            return 1;
        }
        if (memcmp(s, "\xE2\x9C\x97", 3) == 0 || /* ✗ */
            memcmp(s, "\xE2\x9C\x98", 3) == 0 || /* ✘ */
            memcmp(s, "\xE2\x98\x90", 3) == 0) { /* ☐ */
            return 0;
        }
    }
    return -1;
}

static int
lookup(chiso_vocab v, const char *s, size_t len)
{
    char key[96];
    const vocab_entry *e;
    size_t i;
    const char *t = s;
    size_t tl = len;

    chiso_text_trim(&t, &tl);
    if (tl == 0) {
        return CHISO_VOCAB_EMPTY;
    }
    if (v == CHISO_VOCAB_FLAG) {
        int m = check_mark(t, tl);
        if (m >= 0) {
            return m;
        }
        /* "x?" or "1." are not answers: folding would drop the
         * punctuation */
        for (i = 0; i < tl; i++) {
            unsigned char c = (unsigned char)t[i];
            if (c < 0x80 && c > ' ' &&
                !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                  (c >= 'A' && c <= 'Z') || c == '_')) {
                return CHISO_VOCAB_UNKNOWN;
            }
        }
    }
    if (chiso_vocab_key(t, tl, key, sizeof(key)) >= sizeof(key) ||
        key[0] == '\0') {
        return CHISO_VOCAB_UNKNOWN;
    }
    for (e = tables[v]; e->key != NULL; e++) {
        if (strcmp(e->key, key) == 0) {
            return e->value;
        }
    }
    return CHISO_VOCAB_UNKNOWN;
}

int
chiso_vocab_lookup(chiso_vocab v, const char *s, size_t len)
{
    if ((unsigned)v >= CHISO_VOCAB_COUNT) {
        return CHISO_VOCAB_UNKNOWN;
    }
    return lookup(v, s, len);
}

int
chiso_vocab_cached(chiso_vocab_cache *c,
                   chiso_vocab v,
                   const char *s,
                   size_t len)
{
    unsigned i;
    int value;

    if (len <= CHISO_VOCAB_CACHE_TEXT) {
        for (i = 0; i < CHISO_VOCAB_CACHE_SLOTS; i++) {
            const chiso_vocab_slot *e = &c->slot[i];
            if (e->len == len + 1 && e->vocab == (int)v &&
                memcmp(e->text, s, len) == 0) {
                return e->value;
            }
        }
    }
    value = chiso_vocab_lookup(v, s, len);
    if (len <= CHISO_VOCAB_CACHE_TEXT) {
        chiso_vocab_slot *e = &c->slot[c->next];
        c->next = (c->next + 1) % CHISO_VOCAB_CACHE_SLOTS;
        memcpy(e->text, s, len);
        e->len = (unsigned char)(len + 1);
        e->vocab = (int)v;
        e->value = value;
    }
    return value;
}

size_t
chiso_vocab_count(chiso_vocab v)
{
    size_t n = 0;

    if ((unsigned)v >= CHISO_VOCAB_COUNT) {
        return 0;
    }
    while (tables[v][n].key != NULL) {
        n++;
    }
    return n;
}

const char *
chiso_vocab_entry(chiso_vocab v, size_t i, int *value, const char **key)
{
    if ((unsigned)v >= CHISO_VOCAB_COUNT || i >= chiso_vocab_count(v)) {
        return NULL;
    }
    if (value != NULL) {
        *value = tables[v][i].value;
    }
    if (key != NULL) {
        *key = tables[v][i].key;
    }
    return tables[v][i].word;
}

/* How many words of each meaning a message lists. */
static size_t
shown_per_value(chiso_vocab v)
{
    switch (v) {
    case CHISO_VOCAB_SATISFACTION:
        return 1;
    case CHISO_VOCAB_CHANNEL:
    case CHISO_VOCAB_DOSSIER_STATUS:
    case CHISO_VOCAB_TASK_STATUS:
        return 2;
    case CHISO_VOCAB_FLAG:
    case CHISO_VOCAB_COUNT:
        break;
    }
    return 3;
}

size_t
chiso_vocab_words(chiso_vocab v, int value, char *out, size_t cap)
{
    chiso_buf b = CHISO_BUF_INIT;
    const vocab_entry *e, *f;
    size_t n = 0, per, same;
    int more = 0;

    if (cap == 0) {
        return 0;
    }
    out[0] = '\0';
    if ((unsigned)v >= CHISO_VOCAB_COUNT) {
        return 0;
    }
    per = shown_per_value(v);
    for (e = tables[v]; e->key != NULL; e++) {
        /* words of offices: the English keys and, for satisfaction, the
         * digits (the message names them) stay out */
        if (e->word == NULL || (value >= 0 && e->value != value) ||
            (e->word[0] >= 'a' && e->word[0] <= 'z' && e->word[1] != '\0' &&
             v != CHISO_VOCAB_FLAG) ||
            (v == CHISO_VOCAB_SATISFACTION && e->word[0] >= '0' &&
             e->word[0] <= '9') ||
            (v == CHISO_VOCAB_DOSSIER_STATUS &&
             e->value == CHISO_DOSSIER_ANY)) {
            continue;
        }
        for (same = 0, f = tables[v]; f < e; f++) {
            same += f->value == e->value && f->word != NULL;
        }
        if (same >= per) {
            more = 1;
            continue;
        }
        chiso_buf_printf(&b, "%s'%s'", n ? ", " : "", e->word);
        n++;
    }
    if (more) {
        chiso_buf_puts(&b, ", …");
    }
    if (b.data != NULL && b.len >= cap && cap > 8) {
        /* too long for out: whole words only, then "…" */
        size_t len = cap - 8;
        while (len > 0 && strncmp(b.data + len, ", '", 3) != 0) {
            len--;
        }
        b.len = len;
        chiso_buf_puts(&b, ", …");
    }
    if (b.data != NULL) {
        size_t len = b.len < cap - 1 ? b.len : cap - 1;
        /* never cut a character in half */
        while (len > 0 && len < b.len &&
               ((unsigned char)b.data[len] & 0xC0) == 0x80) {
            len--;
        }
        memcpy(out, b.data, len);
        out[len] = '\0';
    }
    chiso_buf_free(&b);
    return n;
}
