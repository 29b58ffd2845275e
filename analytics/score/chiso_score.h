/*
 * chiso_score.h - score a unit against a framework.
 *
 * Pure computation: a validated framework, an evidence sheet and optional
 * derived inputs (rates computed from operational data) in; per-node
 * points, the index %, the classification group, the points-lost list with
 * the targets that recover them, and typed warnings out. Nothing is
 * printed; chiso_score_to_json() builds the documented JSON (docs/json.md,
 * schema_version 2) for the CLI to write. chiso_score_units() scores every
 * unit of one or several sheets at once and ranks them (overall and within
 * groups).
 *
 * Rules (see README "Scoring rules"):
 *   manual        points as entered, 0..max
 *   binary        yes -> max, no -> 0
 *   proportional  max * value / target, at most max; from counts the value
 *                 is numerator / denominator, and a zero denominator gives
 *                 no score, 0 or full points as the rule says
 *   bands         points of the band the value falls in
 *   deduction     max - per * count, at least 0
 *   terms         sum of min(p_i, p_i * v_i / full_at_i), at most max
 *   tracked       maximum 0, value shown, never scored
 * A leaf marked not applicable leaves the denominator: index % = points /
 * applicable maximum * 100. When the framework sets points_decimals, each
 * leaf's points are rounded half-up to that many decimals and inner nodes
 * add the rounded points (as the 766 portal does); points_exact keeps the
 * unrounded value.
 *
 * Targets. For every applicable leaf below its maximum that has an input
 * value, the scorer finds, by scoring candidate inputs with the rule itself
 * (never a separate formula), the nearest input value that gains points
 * ("next": 7 overdue tasks, 0.5 per task off a maximum of 2 -> reach 3, +0.5)
 * and the nearest that gives the most the rule can give ("full"). The gain
 * is exactly what --what-if with that value gives, on the points as
 * published (rounded), and no value strictly between the current one and
 * the target gains anything. Counts keep their denominator: the target is
 * then a numerator. See docs/score.md, "Targets".
 */
#ifndef CHISO_SCORE_H
#define CHISO_SCORE_H

#include "chiso_util.h"
#include "chiso_dataset.h"
#include "chiso_framework.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cJSON;

/* A value computed from operational data, offered to rules whose
 * "source" names it. Strings are borrowed for the duration of scoring. */
typedef struct chiso_input_value {
    const char *name; /* "services.online_pct" */
    int has_value;
    double value; /* in the unit the name implies (pct: 0..100) */
    int has_counts;
    double numerator, denominator;
    const char *detail; /* "dossiers.csv: unit SKHCN, 2024-H2" */
} chiso_input_value;

/* A hypothetical input for one leaf or terms input ("what if 20 more
 * dossiers were digitised"). */
typedef struct chiso_what_if {
    const char *id; /* leaf id or terms-input id */
    int has_counts;
    double numerator, denominator;
    int has_value;
    double value;
} chiso_what_if;

typedef struct chiso_score_options {
    const chiso_input_value *inputs;
    size_t n_inputs;
    const chiso_what_if *what_if;
    size_t n_what_if;
    const char *unit; /* pick this unit's rows from a multi-unit sheet */
    chiso_lang lang;  /* language of warnings and errors */
    int no_targets;   /* 1: skip the targets search (totals only) */
    int partial;      /* 1: a result even when nothing is reported (what
                         the logs give, to pre-fill a form); 0: that is an
                         error, never a score of 0 */
} chiso_score_options;

#define CHISO_SCORE_OPTIONS_INIT                                               \
    {                                                                          \
        NULL, 0, NULL, 0, NULL, CHISO_LANG_VI, 0, 0                            \
    }

/* Where a leaf's input came from. */
typedef enum chiso_origin {
    CHISO_ORIGIN_NONE = 0, /* nothing reported */
    CHISO_ORIGIN_POINTS,   /* points entered (manual) */
    CHISO_ORIGIN_VALUE,    /* a value in the evidence sheet */
    CHISO_ORIGIN_COUNTS,   /* numerator/denominator in the evidence sheet */
    CHISO_ORIGIN_DERIVED,  /* computed from operational data */
    CHISO_ORIGIN_WHAT_IF   /* a --what-if override */
} chiso_origin;

/*
 * An input that gains points (see "Targets" above). gain > 0 when the
 * target exists; then has_value is set and, when the input was given as
 * counts, has_counts too (the same denominator, the numerator to reach).
 */
typedef struct chiso_target {
    int has_value;
    double value; /* on the rule's scale: percent 0..100, count, ... */
    int has_counts;
    double numerator, denominator;
    double gain; /* points the leaf gains (rounded as published); 0: none */
} chiso_target;

/* One term of a terms rule, as scored. */
typedef struct chiso_term_score {
    int has_value; /* 0: not reported (the term scored 0) */
    double value;  /* on the term's scale */
    int zero_den;  /* the counts had a zero denominator */
    double points; /* the term's points, unrounded */
    chiso_origin origin;
    const char *source; /* derived input name, or NULL */
    chiso_target next;  /* this input's nearest step (the leaf's gain) */
    chiso_target full;  /* this input at its best (the leaf's gain) */
} chiso_term_score;

typedef struct chiso_node_score {
    double points;         /* rounded per framework; inner: sum of children */
    double points_exact;   /* unrounded */
    double applicable_max; /* 0 when not applicable */
    double index_pct;      /* points / applicable_max * 100; NaN if 0 */
    int applicable;
    int reported;            /* leaf: an evidence row or derived input exists */
    int no_score;            /* leaf: zero denominator -> "no score" */
    int evidence_missing;    /* leaf: points earned without evidence reference;
                              inner: number of such leaves below */
    int explanation_missing; /* leaf: evidence_missing and no explanation
                                (giải trình) either; inner: how many below */
    chiso_origin origin;
    const char *source; /* derived input name, NULL otherwise */
    const char *source_detail;
    int has_value;
    double value; /* the rule's input value in its unit */
    int has_counts;
    double numerator, denominator;
    int has_self; /* self-assessed points entered in the sheet */
    double self_points;
    int has_appraised; /* leaf: entered; inner: any leaf below has */
    double appraised;
    int has_official;
    double official;
    double official_diff;          /* points - official */
    int official_flag;             /* |diff| > 0.01 */
    int official_within_tolerance; /* differs from official, but the
                                      unrounded points are within the
                                      rule's stated tolerance (TTTT
                                      +-0.015) */
    /* Targets of a lost leaf (see "Targets" above). target_id is the id
     * to give --what-if: the leaf, or for a terms rule the input whose
     * nearest step gains most; NULL when there is no target (manual
     * rules, nothing reported, points only, a zero denominator). */
    const char *target_id;
    chiso_target next; /* the nearest input value that gains points */
    chiso_target full; /* the nearest that gives the rule's best */
    /* next.gain, next.has_value and next.value again, for older callers */
    double gain_next;
    int has_next_value;
    double next_value;
    char explain[200];       /* "85.5 % in band >= 80 -> 1 of 2" */
    chiso_term_score *terms; /* terms rules: one per term, else NULL */
    size_t n_terms;
    long evidence; /* index into the evidence sheet, or -1 */
} chiso_node_score;

typedef struct chiso_score_result {
    const chiso_framework *fw; /* borrowed */
    const chiso_evidence *ev;  /* borrowed, may be NULL */
    chiso_node_score *nodes;   /* fw->n_nodes entries, same order */
    double points, points_exact, max, applicable_max, index_pct;
    const chiso_class_band *group;
    int has_appraised;
    double appraised, appraised_index_pct;
    const chiso_class_band *appraised_group;
    size_t *lost; /* leaf indices, largest loss first */
    size_t n_lost;
    size_t n_evidence_missing, n_not_reported, n_no_score, n_official,
        n_official_flags, n_derived;
    chiso_diag_list warnings;
    size_t n_explanation_missing; /* of n_evidence_missing, unexplained */
} chiso_score_result;

/*
 * Score. ev may be NULL (everything from derived inputs). A result where
 * no applicable criterion is reported at all is CHISO_EDATA (no score,
 * rather than 0 %). Evidence rows
 * that name unknown criteria or inner nodes, points above a maximum, rates
 * above 100 %, numerators above denominators and values outside a bands
 * domain are CHISO_EDATA with diag at the evidence cell. *out is owned by
 * the caller (chiso_score_free) and borrows fw and ev, which must outlive
 * it.
 */
chiso_status chiso_score_compute(chiso_score_result **out,
                                 const chiso_framework *fw,
                                 const chiso_evidence *ev,
                                 const chiso_score_options *opts,
                                 chiso_diag *diag);

void chiso_score_free(chiso_score_result *res);

/*
 * The JSON document for a result (schema_version 1, README "JSON: chiso
 * score"). If what_if is not NULL it is a second result of the same
 * framework with --what-if overrides, reported under "what_if". Returns a
 * new tree the caller deletes with cJSON_Delete, or NULL on allocation
 * failure.
 */
struct cJSON *chiso_score_to_json(const chiso_score_result *res,
                                  const chiso_score_result *what_if,
                                  const chiso_what_if *changes,
                                  size_t n_changes);

const char *chiso_origin_name(chiso_origin o);

/* ==== every unit at once ===============================================
 * chiso score FRAMEWORK SHEET --all-units (a sheet with a unit column) or
 * several sheets, one per unit: each unit scored as chiso_score_compute
 * would (no targets), ranked overall and within its group (khối), and the
 * criteria ranked by how many units lose points on them and by the points
 * lost in all. Pure computation over loaded sheets; reading the sheets,
 * the unit list and the group column is the caller's.
 */

/* A unit as a unit list (or the sheet's group column) describes it. */
typedef struct chiso_unit_info {
    const char *unit;  /* code or name as the sheets write it ("STP") */
    const char *name;  /* display name ("Sở Tư pháp"), or NULL */
    const char *group; /* group (khối): "Khối sở, ban, ngành", or NULL */
} chiso_unit_info;

typedef struct chiso_units_options {
    /* Per sheet (n_sheets entries, or NULL): the unit a sheet without a
     * unit column belongs to, e.g. its file name; NULL entries fall back to
     * the sheet's path. */
    const char *const *sheet_units;
    /* The unit list, or NULL: names and groups. With a list, every unit
     * of the sheets must be on it (matched by unit or name, case,
     * diacritics and punctuation ignored), and listed units without rows
     * are reported as not scored. */
    const chiso_unit_info *units;
    size_t n_units;
    /* 1: the list only names groups (a group column of the sheets): units
     * not on it are scored without a group, listed units without rows are
     * left out. */
    int groups_only;
    chiso_lang lang; /* language of warnings and errors */
} chiso_units_options;

#define CHISO_UNITS_OPTIONS_INIT                                               \
    {                                                                          \
        NULL, NULL, 0, 0, CHISO_LANG_VI                                        \
    }

/* One unit's result. Strings belong to the chiso_score_units. */
typedef struct chiso_unit_score {
    char *unit;           /* as first written in a sheet (or the list's code) */
    char *name;           /* the list's name, or NULL */
    char *group;          /* NULL when the unit has none */
    const char *sheet;    /* path of its sheet (borrowed), NULL if none */
    int scored;           /* 0: listed, but no row in any sheet (no data) */
    int nothing_reported; /* scored, but no criterion reported: no index,
                             not ranked */
    double points, points_exact, max, applicable_max;
    double index_pct; /* rounded as published; NaN when nothing applies */
    const chiso_class_band *band;
    int has_appraised;
    double appraised, appraised_index_pct;
    const chiso_class_band *appraised_band;
    double *area_points; /* per area (top-level node), n_areas entries */
    double *area_applicable_max;
    double *area_pct; /* NaN when the area has no applicable criterion */
    size_t n_lost, n_not_reported, n_evidence_missing, n_no_score, n_warnings;
    long rank; /* competition rank (1, 2, 2, 4) on index_pct; 0 = none */
    size_t rank_of;
    long group_rank; /* the same within its group; 0 = none */
    size_t group_rank_of;
    long group_index; /* index in chiso_score_units.groups, -1 = none */
} chiso_unit_score;

/* A leaf some unit lost points on. */
typedef struct chiso_criterion_loss {
    size_t node;               /* leaf index in the framework */
    size_t n_units_losing;     /* scored units below the leaf's maximum */
    size_t n_units_applicable; /* scored units where the leaf applies */
    double points_lost;        /* over those units (rounded points) */
    long rank_by_units;        /* competition rank on n_units_losing */
    long rank_by_points;       /* competition rank on points_lost */
} chiso_criterion_loss;

typedef struct chiso_score_units {
    const chiso_framework *fw; /* borrowed */
    size_t *areas;             /* top-level node indices */
    size_t n_areas;
    chiso_unit_score *units; /* in order of first appearance */
    size_t n_units;
    size_t *by_rank; /* unit indices: ranked by rank (ties in order of
                        appearance), then the unranked ones */
    char **groups;   /* distinct groups, in order of first appearance */
    size_t n_groups;
    size_t n_ranked;
    chiso_criterion_loss *criteria; /* by units losing, then points lost,
                                       then framework order */
    size_t n_criteria;
    size_t *by_points; /* criteria indices by points lost, then units */
    chiso_diag_list warnings;
} chiso_score_units;

/*
 * Score every unit of `sheets` (n_sheets loaded evidence sheets). A sheet
 * with a unit column holds any number of units (rows naming no unit are
 * shared by the sheet's units); a sheet without one is one unit. A unit
 * found in two sheets, an evidence error in any unit's rows, or (with a
 * unit list) a unit not on the list is an error naming the file, line and
 * column; nothing is returned then. *out is owned by the caller
 * (chiso_score_units_free) and borrows fw and the sheets.
 */
chiso_status chiso_score_units_compute(chiso_score_units **out,
                                       const chiso_framework *fw,
                                       const chiso_evidence *const *sheets,
                                       size_t n_sheets,
                                       const chiso_units_options *opts,
                                       chiso_diag *diag);

void chiso_score_units_free(chiso_score_units *u);

/*
 * Competition ranks ("1224": equal values share the best rank, the next
 * rank skips) of the n values x, larger first when higher_better. Values
 * within `tol` are equal; NaN values get rank 0 and are not counted.
 * rank[] receives n entries. Returns CHISO_OK or CHISO_ENOMEM.
 */
chiso_status chiso_score_rank_competition(
    const double *x, size_t n, int higher_better, double tol, long *rank);

/* The JSON document of chiso score --all-units (docs/json.md). NULL on
 * allocation failure. */
struct cJSON *chiso_score_units_to_json(const chiso_score_units *u);

#ifdef __cplusplus
}
#endif

#endif /* CHISO_SCORE_H */
