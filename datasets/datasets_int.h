/*
 * datasets_int.h - internals shared by the readers of datasets/: the fast
 * CSV tokenizer (fast_csv.c) used by the sequential reader (csv_reader.c)
 * and by the parallel table runner (table.c). Never included by another
 * module (tests of this module may).
 */
#ifndef CHISO_DATASETS_INT_H
#define CHISO_DATASETS_INT_H

#include "chiso_dataset.h"

#include <stdint.h>

/* Records longer than this are left to libcsv. */
#define CHISO__TOK_MAX_RECORD (1u << 20)

/* Byte classes for one delimiter. */
typedef struct chiso__tok {
    unsigned char delim;
    unsigned char ucls[256]; /* unquoted field: stop on these */
    unsigned char qcls[256]; /* quoted field: stop on these */
    unsigned char sp[256];   /* spaces trimmed around fields */
    unsigned char simd_utf8; /* UTF-8 checked 32 at a time (2: AVX2), 16 at
                                a time (1: SSSE3), or byte by byte (0) */
    unsigned char simd_avx2; /* the CPU has AVX2 and BMI: plain records cut
                                64 bytes at a time (0 forces the SSE2 path) */
} chiso__tok;

/* The spaces libcsv trims with the reader's space function: ' ', '\r',
 * and '\t' unless the tab is the delimiter. */
static inline int
chiso__is_space(unsigned char c, unsigned char delim)
{
    return c == ' ' || c == '\r' || (c == '\t' && delim != '\t');
}

void chiso__tok_init(chiso__tok *t, char delim);

/* Where a record's fields go. f/len have room for cap fields; scratch
 * holds fields with doubled quotes. */
typedef struct chiso__fields {
    const char **f;
    size_t *len;
    size_t cap;
    char *scratch;
    size_t scratch_cap, scratch_len;
} chiso__fields;

enum { CHISO__T_ROW = 0, CHISO__T_BLANK, CHISO__T_MORE, CHISO__T_BAD };

/*
 * Cut one record starting at p0 within [p0, end), as the reference reader
 * (libcsv, CSV_STRICT, the space rules above, '\n' records, blank lines
 * skipped, NUL and invalid UTF-8 refused) would. at_eof: end is the end of
 * the input. On T_ROW or T_BLANK, *used is the byte count consumed (through
 * the '\n') and *quoted says whether a quoted field was met (then newlines
 * inside it count as lines). T_MORE: more input is needed; T_BAD: anything
 * libcsv would not accept exactly so (left to libcsv), more fields than
 * fs->cap (then *nf == fs->cap: the caller may grow fs and cut the record
 * again), or a record longer than the scratch space.
 */
int chiso__tokenize(const chiso__tok *t,
                    chiso__fields *fs,
                    const char *p0,
                    const char *end,
                    int at_eof,
                    size_t *nf,
                    size_t *used,
                    int *quoted);

/* Is [p, e) valid UTF-8 by the rules of chiso_utf8_valid? (32 or 16
 * bytes at a time by t->simd_utf8, else byte by byte; tests compare
 * them.) lo <= p: the bytes [lo, p) are readable ASCII, which the 32-byte
 * path may check too, so as to end on a whole block with no copy. */
int chiso__utf8_check(const chiso__tok *t,
                      const unsigned char *lo,
                      const unsigned char *p,
                      const unsigned char *e);

/* Newlines in [p, p + n). */
uint64_t chiso__count_nl(const char *p, size_t n);

/*
 * Line (0-based, relative to the record's first line) and column (1-based,
 * characters) where field k of the raw record [s, e) starts, computed as
 * the reference reader computes them (chiso_csv_field_position).
 */
void chiso__raw_position(const char *s,
                         const char *e,
                         unsigned char delim,
                         size_t k,
                         unsigned long *rel_line,
                         unsigned long *column);

/* Does a folded header name mean column c (its name or an alias, compared
 * without '_')? */
int chiso__column_match(const char *folded, const chiso_csv_column *c);
/* Bytes already read from the descriptor come first (csv_reader.c). */
void chiso__csv_prime(chiso_csv_reader *r, const char *data, size_t n);

#endif /* CHISO_DATASETS_INT_H */
