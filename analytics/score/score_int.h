/*
 * score_int.h - internals shared by the files of the score module
 * (score.c, score_targets.c, score_units.c). Never included elsewhere.
 */
#ifndef CHISO_SCORE_INT_H
#define CHISO_SCORE_INT_H

#include "chiso_score.h"

/* Comparisons of values against thresholds allow this much binary noise
 * (a value written 80 and computed as 79.99999999 is at 80). */
#define SCORE_EPS 1e-9

/* An input to a rule, resolved from wherever it came. */
struct input {
    chiso_origin origin;
    int has_value;
    double value;
    int has_counts;
    double num, den;
    int has_bool;
    int yes;
    const char *source;
    const char *detail;
    const chiso_evidence_entry *e; /* evidence row, or NULL */
};

/* A hypothetical input for one leaf or terms input, tried while searching
 * for targets; it is applied exactly as a --what-if is. */
struct probe {
    const char *id;
    struct input in;
};

struct sc {
    const chiso_framework *fw;
    const chiso_evidence *ev;
    const chiso_score_options *o;
    chiso_score_result *res;
    chiso_diag *diag;
    const size_t *rows; /* the unit's evidence rows, in sheet order */
    size_t n_rows;
    long *node_entry;  /* evidence entry per node, -1 */
    long *term_entry;  /* evidence entry per terms input, -1 */
    size_t *term_base; /* per node: index of its first term in term_entry */
    int quiet;         /* probing: no diagnostics, warnings or counts */
    int has_inner_rows; /* the unit's rows include subtotal rows */
    int want_explain;  /* write the explain texts */
    const struct probe *probe;
    chiso_term_score *scratch_terms; /* term scores of probes */
    size_t n_scratch_terms;
    size_t n_terms_total;
    size_t *lost_tmp;    /* merge sort of the lost list */
    double pts_scale;    /* 10^points_decimals */
    const long *row_map; /* per evidence row: leaf k (>= 0), terms slot s
                             (-2 - s), or -1 (look it up); NULL: none */
};

/* Does the result report nothing at all (every applicable leaf with a
 * maximum unreported)? Then there is no score. */
int chiso_score__nothing_reported(const chiso_score_result *res);

/* chiso_round_half_up(x, decimals) (scale = 10^decimals), without its
 * text round trip when the value is not within noise of a half. */
double chiso_score__round(double x, int decimals, double scale);

/* Where a row with this id goes (see struct sc row_map); term_base[k] is
 * the first terms slot of node k. */
long chiso_score__row_target(const chiso_framework *fw,
                             const size_t *term_base,
                             const char *id);

/*
 * A scoring workspace: the result and the lookup arrays of one framework,
 * allocated once and reused for unit after unit (chiso_score__ws_run
 * resets them). ws_init fails only for memory (diag set).
 */
chiso_status chiso_score__ws_init(struct sc *S,
                                  const chiso_framework *fw,
                                  const chiso_score_options *opts,
                                  int want_explain,
                                  chiso_diag *diag);
/* Score the rows `rows` of ev (may be NULL) into S->res. */
chiso_status chiso_score__ws_run(struct sc *S,
                                 const chiso_evidence *ev,
                                 const size_t *rows,
                                 size_t n_rows);
void chiso_score__ws_free(struct sc *S);

/*
 * Apply leaf k's rule to its input (the probe's, when S->probe is set)
 * and fill *ns (which the caller zeroes; ns->terms must point to room for
 * the rule's terms). Returns CHISO_OK or a data error (diag set unless
 * S->quiet).
 */
chiso_status
chiso_score__leaf_eval(struct sc *S, size_t k, chiso_node_score *ns);

/* The input of leaf k (or terms input `id` of it), as scoring resolved it:
 * probe, --what-if, derived input, then the evidence row. */
void chiso_score__resolve(struct sc *S,
                          const char *id,
                          const char *source,
                          const chiso_evidence_entry *e,
                          struct input *in);

/*
 * Fill the targets of leaf k (already scored into S->res->nodes[k]) by
 * scoring candidate inputs. Returns CHISO_OK or CHISO_ENOMEM.
 */
chiso_status chiso_score__targets(struct sc *S, size_t k);

/*
 * Score the evidence rows `rows` (indices into ev->entries, one unit's) of
 * ev (may be NULL) into a new result. The caller has checked the unit
 * selection. S-level options (explain, targets) follow opts.
 */
chiso_status chiso_score__rows(chiso_score_result **out,
                               const chiso_framework *fw,
                               const chiso_evidence *ev,
                               const size_t *rows,
                               size_t n_rows,
                               const chiso_score_options *opts,
                               int want_explain,
                               chiso_diag *diag);

/* A string -> index hash (keys copied), growing as needed. */
struct strmap_slot {
    char *key;
    size_t val;
};
struct strmap {
    struct strmap_slot *slots;
    size_t mask, n;
};
void chiso_score__map_init(struct strmap *m);
/* The value of key in *val: 1 if it was there; else key -> `put` is added,
 * *val = put, 0. -1 on allocation failure. */
int chiso_score__map_get(struct strmap *m,
                         const char *key,
                         size_t put,
                         size_t *val);
/* Lookup only: 1 with *val if key is there, else 0. */
int chiso_score__map_find(const struct strmap *m, const char *key, size_t *val);
void chiso_score__map_free(struct strmap *m);

/* Fold a unit name for matching (chiso_text_fold into a 256-byte key). */
#define SCORE_UNIT_KEY 256
/* Edit distance between two folded names (each shorter than
 * SCORE_UNIT_KEY bytes). */
size_t chiso_score__edit_distance(const char *a, const char *b);
/* The edit distance when `key` is near enough to `want` to suggest it
 * ("did you mean"), else (size_t)-1. */
size_t chiso_score__near(const char *want, const char *key);
void chiso_score__unit_key(const char *unit, char *key);

#endif /* CHISO_SCORE_INT_H */
