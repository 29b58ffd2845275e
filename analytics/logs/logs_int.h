/*
 * logs_int.h - internals shared by services*.c and tasks*.c.
 *
 * The pipeline for a dossier log is: tokenizer (libcsv reference reader or
 * the fast tokenizer in services_fast.c) -> fields of one row ->
 * svc_parse_row() -> one typed record -> svc_acc_add() into the group
 * accumulator of its unit x period. Both tokenizers feed the same row
 * parser and the same accumulator, so they can only differ in how they cut
 * bytes into fields, which the fuzz target checks.
 *
 * Exact quantiles of processing time need every value (one pass, exact:
 * no way around storing them). Durations are whole seconds; a value is
 * split into a high part (secs >> 16, buckets of 18.2 hours) and a 16-bit
 * low part. Each group keeps, per high bucket, a count and a chain of
 * 64-byte blocks of 30 low parts from a per-thread arena: 2.13 bytes per
 * finished dossier instead of 8 for a double. A quantile walks the bucket
 * counts to the bucket holding the wanted rank and sorts that bucket only.
 * Groups of several threads or units are combined at query time (union of
 * chains), so nothing is copied when threads are merged.
 */
#ifndef CHISO_SERVICES_INT_H
#define CHISO_SERVICES_INT_H

#include "chiso_logs.h"
#include "chiso_dataset.h"

#include <math.h>
#include <stdint.h>

/* ---- timestamps ----------------------------------------------------------- */

/* A parsed timestamp with what the accumulators need precomputed. */
typedef struct svc_time {
    int64_t secs; /* 00:00:00 when has_time is 0 */
    int32_t day;  /* days since 1970-01-01 */
    int32_t ym;   /* year*12 + month-1 */
    int has_time;
} svc_time;

/* ---- bad rows ------------------------------------------------------------- */

/*
 * Where bad rows go, shared by services and tasks: every one is counted,
 * handed to the caller's callback, appended to the problems list, and the
 * first is kept for the verdict.
 */
typedef struct svc_rejects {
    chiso_reject_fn fn;
    void *ctx;
    chiso_diag_list *problems;
    chiso_lang lang;
    chiso_diag first; /* code CHISO_OK while there is none */
    uint64_t n;
} svc_rejects;

void svc_rejects_init(svc_rejects *R,
                      chiso_reject_fn fn,
                      void *ctx,
                      chiso_diag_list *problems,
                      chiso_lang lang);
/* One bad row. CHISO_OK, or CHISO_EIO (diag set) when the callback
 * failed. */
chiso_status svc_rejects_add(svc_rejects *R,
                             const chiso_reject *rej,
                             chiso_status code,
                             chiso_diag *diag);
/* Count a bad row whose message is not kept (fast path, beyond what the
 * problems list can hold). */
void svc_rejects_count(svc_rejects *R, uint64_t n);
/*
 * After the pass: CHISO_EDATA (diag at the first bad row) when the bad
 * rows exceed max_pct of the data rows, else CHISO_OK.
 */
chiso_status svc_rejects_verdict(const svc_rejects *R,
                                 uint64_t data_rows,
                                 double max_pct,
                                 chiso_diag *diag);

/* A bad row met by the reference reader: its position and fields to R. */
chiso_status svc_reject(chiso_csv_reader *rd,
                        svc_rejects *R,
                        const chiso_csv_row *row,
                        size_t field,
                        chiso_status code,
                        const char *msg,
                        chiso_diag *diag);

/* A log without a unit column and no unit given: how to give it. */
chiso_status svc_no_unit_column(const char *path,
                                const char *what,
                                chiso_lang lang,
                                chiso_diag *diag);

/* Language of a caller's diag (Vietnamese when diag is NULL). */
static inline chiso_lang
svc_lang(const chiso_diag *diag)
{
    return diag != NULL ? diag->lang : CHISO_LANG_VI;
}

/* Parse; fast path for "YYYY-MM-DDTHH:MM:SS", else chiso_parse_datetime.
 * 0 or -1 with why. */
int svc_time_parse(const char *s,
                   size_t len,
                   unsigned flags, /* CHISO_DATE_* */
                   chiso_lang lang,
                   svc_time *t,
                   char *why,
                   size_t why_len);

static inline int64_t
svc_time_diff(const svc_time *a, const svc_time *b)
{
    if (a->has_time && b->has_time) {
        return a->secs - b->secs;
    }
    return ((int64_t)a->day - (int64_t)b->day) * 86400;
}

int32_t svc_period_of_ym(chiso_period_kind kind, int32_t ym);

/* ---- block arena and quantile store ---------------------------------------- */

#define QB_VALS     30
#define QB_SLAB_LOG 14 /* 16384 blocks (1 MiB) per slab */

typedef struct qblock {
    uint32_t next;
    uint16_t v[QB_VALS];
} qblock;

typedef struct qarena {
    qblock **slab;
    size_t n_slab, cap_slab;
    uint32_t used; /* blocks handed out; index 0 is never used */
} qarena;

typedef struct qbucket {
    uint32_t head, tail, count;
} qbucket;

typedef struct qstore {
    qbucket *b;
    uint32_t n_b; /* buckets allocated (high parts 0..n_b-1) */
    uint64_t n;
} qstore;

static inline qblock *
qarena_block(const qarena *a, uint32_t i)
{
    return &a->slab[i >> QB_SLAB_LOG][i & ((1u << QB_SLAB_LOG) - 1)];
}

int qstore_add(qstore *q, qarena *a, uint32_t value);
void qstore_free(qstore *q);
void qarena_free(qarena *a);

/* A store with the arena its blocks live in. */
typedef struct qref {
    const qstore *q;
    const qarena *a;
} qref;

/*
 * Quantile q (type 7) over the union of stores, in seconds. NaN if empty.
 * Returns -1 on allocation failure.
 */
int qref_quantile(const qref *refs, size_t n_refs, double q, double *out);

/* ---- dossier rows ------------------------------------------------------------ */

enum {
    SVC_ID = 0,
    SVC_UNIT,
    SVC_PROC,
    SVC_RECV,
    SVC_DUE,
    SVC_FIN,
    SVC_CHAN,
    SVC_COMP,
    SVC_RES,
    SVC_DIG,
    SVC_SAT,
    SVC_NOTE,
    SVC_STATUS,
    SVC_NCOLS
};

/* What a dossier's status says (the status column). */
enum {
    SVC_ST_NONE = 0,  /* no status, or one that changes nothing */
    SVC_ST_FINISHED,  /* result returned: needs finished_at */
    SVC_ST_OPEN,      /* being processed: finished_at must be empty */
    SVC_ST_CANCELLED, /* đã hủy */
    SVC_ST_WITHDRAWN, /* rút hồ sơ */
    SVC_ST_RETURNED   /* trả lại hồ sơ (not processed) */
};

extern const chiso_csv_column svc_columns[SVC_NCOLS];

/* What the row parser needs to know about the input. */
typedef struct svc_layout {
    long col[SVC_NCOLS]; /* field index or -1 */
    size_t n_header;
    const char *const *header; /* names as written, for messages */
    const char *fixed_unit;    /* no unit column: every row's unit */
    size_t fixed_unit_len;
    chiso_lang lang;     /* of row messages */
    unsigned date_flags; /* CHISO_DATE_* (Excel serials) */
} svc_layout;

typedef struct svc_rec {
    const char *unit;
    size_t unit_len;
    svc_time recv, due, fin;
    int finished;
    uint32_t proc_secs;
    int8_t online, comp, res, dig; /* 0/1, or 0 when the column is absent */
    int8_t sat;                    /* 0 = not rated, else 1..5 */
    int8_t status;                 /* SVC_ST_* */
} svc_rec;

/* A problem with one field of a row. */
typedef struct svc_err {
    size_t field;
    char msg[400];
} svc_err;

/* Per-thread caches of coded cells (channel, flags, ...). Zero before
 * use. */
typedef struct svc_vcache {
    chiso_vocab_cache channel, flag, sat, status;
} svc_vcache;

/* Parse the fields of one data row. 0, or -1 with err filled. n must
 * already equal the header's field count. */
int svc_parse_row(const svc_layout *L,
                  const char *const *f,
                  const size_t *len,
                  svc_rec *r,
                  svc_vcache *vc,
                  svc_err *err);

/*
 * The reference reader's rule for the field count: equal to the header,
 * or longer with only empty extra fields (then *n is cut to the header).
 * Returns 0 if fine, else -1 with *bad_field the field to point at.
 */
int svc_check_count(size_t n_header,
                    const size_t *len,
                    size_t *n,
                    size_t *bad_field);

/* ---- accumulators ------------------------------------------------------------ */

/* Durations wait in a small per-cell buffer and go to the quantile store
 * in batches: the store's chain tails of all groups (tens of thousands of
 * cache lines) are touched a group at a time instead of at every row. */
#define SVC_STAGE 64

typedef struct svc_cell {
    uint32_t unit;
    int32_t period;
    svc_time ref; /* open dossiers are judged at this instant */
    uint64_t received, finished, on_time, open, open_within_due, online, comp,
        res, dig, rated, satisfied, sat_sum, proc_sum, cancelled, withdrawn,
        returned;
    qstore q;
    uint32_t n_stage;
    uint32_t stage[SVC_STAGE];
} svc_cell;

typedef struct svc_acc {
    chiso_period_kind kind;
    int has_as_of;
    svc_time as_of;
    /* interned units */
    char **unit;
    size_t *unit_len;
    uint32_t n_unit, cap_unit;
    uint32_t *unit_hash; /* open addressing: index+1, 0 = empty */
    uint32_t unit_hcap;
    /* cells */
    svc_cell *cell;
    uint32_t n_cell, cap_cell;
    uint32_t *cell_hash;
    uint32_t cell_hcap;
    uint32_t last_cell; /* cache: index+1 of the previous row's cell */
    qarena arena;
    uint64_t rows;
    int oom;
} svc_acc;

void svc_acc_init(svc_acc *A,
                  chiso_period_kind kind,
                  int has_as_of,
                  const svc_time *as_of);
/* 0, or -1 on allocation failure. */
int svc_acc_add(svc_acc *A, const svc_rec *r);
void svc_acc_free(svc_acc *A);
/* Move staged durations into the quantile stores. 0, or -1 (memory). */
int svc_acc_flush(svc_acc *A);

/*
 * Build the result rows from one or more accumulators (threads). The
 * accumulators stay owned by the caller but their arenas and stores are
 * only read. Returns CHISO_OK or CHISO_ENOMEM.
 */
chiso_status svc_build_result(chiso_services_result *res,
                              svc_acc *accs,
                              size_t n_accs,
                              const chiso_unit_ref *unit,
                              chiso_diag *diag);

/*
 * With a unit selected: which of the sorted units `all` match (hit), the
 * matched cells joined for unit_in_log. CHISO_EDATA (diag) when none.
 */
chiso_status svc_select_unit(const char *path,
                             char *const *all,
                             size_t n_all,
                             const chiso_unit_ref *unit,
                             unsigned char *hit,
                             char **unit_in_log,
                             chiso_diag *diag);

/* ---- fast path --------------------------------------------------------------- */

/* Outcome of the fast tokenizer. */
typedef enum svc_fast_status {
    SVC_FAST_OK = 0,   /* accs hold the whole file */
    SVC_FAST_FALLBACK, /* something unusual: use the reference reader */
    SVC_FAST_ERROR     /* I/O, memory, or the first bad row: diag set */
} svc_fast_status;

/*
 * Run the fast tokenizer over bytes [start, size) of a file (fd >= 0) or a
 * memory buffer (data != NULL), with n_threads threads. On SVC_FAST_OK,
 * *accs_out holds *n_out accumulators (caller frees each and the array).
 */
svc_fast_status svc_fast_run(int fd,
                             const char *data,
                             uint64_t size,
                             uint64_t start,
                             char delim,
                             const svc_layout *L,
                             int n_threads,
                             chiso_period_kind kind,
                             int has_as_of,
                             const svc_time *as_of,
                             const char *path,
                             svc_rejects *rejects,
                             svc_acc **accs_out,
                             size_t *n_out,
                             uint64_t *rows_out,
                             chiso_diag *diag);

/* Inputs smaller than this many bytes per thread use fewer threads (tests
 * set 1 to exercise splitting on tiny inputs). */
extern uint64_t svc_fast_min_split;

typedef enum svc_mode {
    SVC_MODE_AUTO = 0,  /* fast tokenizer, reference reader on fallback */
    SVC_MODE_REFERENCE, /* libcsv reference reader only */
    SVC_MODE_FAST_ONLY  /* for tests: CHISO_DONE where it would fall back */
} svc_mode;

/* chiso_services_compute[_mem] with an explicit mode (data NULL = file). */
chiso_status svc_compute(chiso_services_result **out,
                         const char *path,
                         const char *data,
                         size_t data_len,
                         const chiso_services_options *opts,
                         svc_mode mode,
                         chiso_diag *diag);

/* ---- shared helpers ---------------------------------------------------------- */

/* Quote a value for a message: at most 60 bytes, cut at a UTF-8 boundary. */
void svc_quote(const char *s, size_t len, char *out, size_t cap);

/* Percent a/b*100, NaN when b == 0. */
static inline double
svc_pct(uint64_t a, uint64_t b)
{
    return b == 0 ? (double)NAN : 100.0 * (double)a / (double)b;
}

/* JSON helpers shared by services and tasks documents. */
struct cJSON *svc_json_pct(double x);
struct cJSON *svc_json_num(double x);
struct cJSON *svc_json_u64(uint64_t v);
struct cJSON *svc_json_stamp(chiso_stamp t);
void svc_stamp_text(chiso_stamp t, char *out, size_t len);
/* "records" {read, counted, rejected, totals_rows, other_units,
 * rejected_pct, max_rejects_pct} and "unit" (null for every unit). */
struct cJSON *svc_json_records(uint64_t read,
                               uint64_t counted,
                               uint64_t rejected,
                               uint64_t totals,
                               uint64_t other_units,
                               double max_pct);
struct cJSON *svc_json_unit(int has_column,
                            size_t n_units,
                            char *const *units,
                            const char *in_log);

#endif /* CHISO_SERVICES_INT_H */
