/*
 * chiso_framework.h - criteria frameworks as data.
 *
 * A framework is a tree of criteria of any depth (area -> criterion ->
 * sub-criterion ...). Every node has an id, a Vietnamese name (optionally an
 * English one) and maximum points; an inner node's maximum must equal the
 * sum of its children's. Every leaf has a scoring rule. Classification bands
 * on the index % (group A >= 90 ...), rounding of points and provenance
 * (which decision, what is inferred) belong to the framework file too.
 *
 * The file format (JSON, "format": "chiso-framework") is documented in
 * README.md, section "Framework files". Loading validates everything and
 * reports every problem as file:line:column: message.
 *
 * The loaded structures are transparent and read-only for callers: scorers
 * walk `nodes` directly. Nodes are stored in document (pre-order) order, so
 * a parent always precedes its children.
 */
#ifndef CHISO_FRAMEWORK_H
#define CHISO_FRAMEWORK_H

#include "chiso_util.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CHISO_NO_PARENT ((size_t)-1)

typedef enum chiso_rule_type {
    CHISO_RULE_NONE = 0,     /* inner node: no rule */
    CHISO_RULE_MANUAL,       /* points entered by the unit, 0..max */
    CHISO_RULE_BINARY,       /* yes -> max, no -> 0 */
    CHISO_RULE_PROPORTIONAL, /* max * value / target, capped at max */
    CHISO_RULE_BANDS,        /* ordered thresholds -> points */
    CHISO_RULE_DEDUCTION,    /* max - per * count, floor 0 */
    CHISO_RULE_TERMS,        /* sum of proportional terms, capped at max */
    CHISO_RULE_TRACKED       /* maximum 0: tracked, never scored */
} chiso_rule_type;

/* What a ratio rule gives when its denominator is 0 (766 conventions). */
typedef enum chiso_zero_den {
    CHISO_ZERO_DEN_NO_SCORE = 0, /* "no score": 0 points, flagged */
    CHISO_ZERO_DEN_ZERO,         /* 0 points */
    CHISO_ZERO_DEN_FULL          /* full points */
} chiso_zero_den;

/* The scale of a rule's value. Numerator/denominator inputs are turned
 * into this scale (percent: 100 * n / d). */
typedef enum chiso_value_unit {
    CHISO_UNIT_PERCENT = 0, /* 0..100 */
    CHISO_UNIT_RATIO,       /* 0..1 */
    CHISO_UNIT_COUNT,       /* 0, 1, 2, ... */
    CHISO_UNIT_NUMBER       /* any non-negative number */
} chiso_value_unit;

/* One band of a bands rule: value >= bound (lower bands) or
 * value <= bound (upper bands) earns `points`. */
typedef struct chiso_band {
    double bound;
    double points;
    int open; /* upper bands only: no bound (the last band) */
} chiso_band;

/* One term of a terms rule: min(points, points * value / full_at) when
 * capped, else points * value / full_at. */
typedef struct chiso_term {
    char *input;  /* input id, given in the evidence sheet */
    char *name;   /* Vietnamese description, may be NULL */
    char *source; /* derived input name, or NULL */
    double points;
    double full_at; /* value (in `unit`) that earns full term points */
    int capped;
    chiso_zero_den zero_den;
    chiso_value_unit unit;
} chiso_term;

typedef struct chiso_rule {
    chiso_rule_type type;
    chiso_value_unit unit;
    char *source; /* derived input ("services.online_pct") or NULL */
    /* proportional */
    double target; /* value that earns full points */
    int capped;    /* min(max, ...); default on */
    chiso_zero_den zero_den;
    /* bands */
    chiso_band *bands;
    size_t n_bands;
    int upper_bands; /* 0: "min" bands (>=), 1: "max" bands (<=) */
    double domain_min, domain_max;
    /* deduction */
    double per;
    /* terms */
    chiso_term *terms;
    size_t n_terms;
    /* provenance of the rule itself */
    char *formula;    /* a version tag, e.g. "qd766-online-v1", or NULL */
    char *confidence; /* "confirmed", "unconfirmed", ... or NULL */
    double tolerance; /* known accuracy of the rule in points (0 = exact) */
    char *text;       /* the rule as written in the decision, or NULL */
} chiso_rule;

typedef struct chiso_node {
    char *id;
    char *name;
    char *name_en; /* may be NULL */
    char *note;    /* e.g. "inferred", may be NULL */
    double max;
    int depth;        /* 0 for top-level areas */
    size_t parent;    /* index, or CHISO_NO_PARENT */
    size_t *children; /* indices into nodes */
    size_t n_children;
    chiso_rule rule;            /* type NONE for inner nodes */
    unsigned long line, column; /* where the node is defined */
} chiso_node;

typedef struct chiso_class_band {
    char *id;       /* "A", "tot" */
    char *label;    /* "Nhóm A", "Tốt" */
    char *label_en; /* "Group A", "Good"; NULL when not given */
    double min;     /* index % at or above which the band applies */
} chiso_class_band;

typedef struct chiso_framework {
    char *path;
    char *id;
    char *name;
    char *name_en;
    char *version;
    char *status;      /* "official", "partial", "inferred", "template" */
    char *legal_basis; /* e.g. "876/QĐ-BNV ngày 10/11/2022" */
    char **notes;
    size_t n_notes;
    double max;          /* total maximum (sum of top-level maxima) */
    int points_decimals; /* -1 = do not round points */
    int index_decimals;  /* decimals of the published index % (2) */
    chiso_node *nodes;
    size_t n_nodes;
    chiso_class_band *classes; /* ordered by min, highest first */
    size_t n_classes;
    /* Private: the hash of node and terms-input ids behind
     * chiso_framework_find(); built by the loader, or by
     * chiso_framework_index() for a framework assembled in code. */
    struct chiso_framework_index *index;
} chiso_framework;

/*
 * Load and validate a framework file. On the first problem, returns its
 * status (CHISO_EIO, CHISO_EPARSE, CHISO_ESCHEMA) with diag at
 * file:line:column; *out is NULL.
 */
chiso_status
chiso_framework_load(chiso_framework **out, const char *path, chiso_diag *diag);

/*
 * Validate a framework file and append every problem to `problems`
 * (chiso validate). Returns CHISO_OK when there is none. If out is not
 * NULL and there are no problems, *out receives the framework.
 */
chiso_status chiso_framework_check(chiso_framework **out,
                                   const char *path,
                                   chiso_diag_list *problems);

/* As chiso_framework_check over JSON text in memory; `path` names it in
 * messages and becomes fw->path. */
chiso_status chiso_framework_check_text(chiso_framework **out,
                                        const char *path,
                                        const char *text,
                                        size_t len,
                                        chiso_diag_list *problems);

void chiso_framework_free(chiso_framework *fw);

/*
 * (Re)build the id hash of a framework assembled or changed in code (the
 * loader builds it). Returns CHISO_OK, or CHISO_ENOMEM (lookups then scan
 * the nodes). Duplicate ids keep their first occurrence.
 */
chiso_status chiso_framework_index(chiso_framework *fw);

/*
 * Index of the node with this id, or -1. Constant time on average. Ids as
 * paper forms write them are found too when no node has the id itself: a
 * trailing dot ("1.1." is 1.1) and an upper-case Roman numeral for a
 * top-level area ("III" is area 3, only when area "3" is at the top).
 */
long chiso_framework_find(const chiso_framework *fw, const char *id);

/*
 * The leaf and term that declare input `id` (a terms-rule input); returns
 * the leaf index or -1, and the term index in *term. Constant time on
 * average.
 */
long chiso_framework_find_input(const chiso_framework *fw,
                                const char *id,
                                size_t *term);

/* Is this node a leaf (has a rule)? */
int chiso_node_is_leaf(const chiso_node *n);

/* Classification band for an index % (NULL if the framework has none). */
const chiso_class_band *chiso_framework_classify(const chiso_framework *fw,
                                                 double index_pct);

/* Name of a rule type as written in files ("bands"). */
const char *chiso_rule_type_name(chiso_rule_type t);
const char *chiso_zero_den_name(chiso_zero_den z);
const char *chiso_value_unit_name(chiso_value_unit u);

/*
 * Derived inputs a rule may name in "source": values computed from
 * operational data (task registers, dossier logs). NULL-terminated list;
 * the names are documented in README.md.
 */
extern const char *const chiso_derived_inputs[];
int chiso_derived_input_known(const char *name);

#ifdef __cplusplus
}
#endif

#endif /* CHISO_FRAMEWORK_H */
