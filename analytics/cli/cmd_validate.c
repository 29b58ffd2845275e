/*
 * cmd_validate.c - chiso validate FILE...
 *
 * Checks each file by its kind and lists every problem (at most
 * VALIDATE_CAP per file, then the count of the rest) as
 * file:line:column: message, in file order; warnings too. The kind is told
 * by content: a JSON file with "format": "chiso-report" is a report
 * configuration (a dry run of the whole pack), other JSON a framework; a
 * CSV file is matched by the columns of its header, wherever the header is
 * in its first rows (dossier log, task register, survey, evidence sheet,
 * published results, breaks registry). To teach validate a new kind, add a
 * row to `kinds`.
 *
 * An evidence sheet given with a framework is checked against it with the
 * scorer's own checks (per unit), so validate never says "ok" for a sheet
 * chiso score refuses; rows of inner nodes are compared with the sum of
 * their children (a warning).
 */
#define _GNU_SOURCE
#include "cli.h"
#include "commands.h"
#include "score_inputs.h"

#include "chiso_dataset.h"
#include "chiso_framework.h"
#include "chiso_logs.h"
#include "chiso_report.h"
#include "chiso_score.h"
#include "chiso_fwtable.h"
#include "chiso_stats.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A message of validate's own, in the CLI's language. */
#define VM_(msgid) chiso_msg(cli_diag_lang(), msgid)

#define VALIDATE_CAP 50
#define HEAD_BYTES   65536
#define HEAD_LINES   30

typedef struct vctx {
    const chiso_framework *fw; /* the framework given with the files */
    const char *unit;          /* --unit for single-unit logs */
} vctx;

typedef struct validate_kind {
    const char *name;
    /* 1 if this kind claims the file */
    int (*claims)(const char *path, const char *head, size_t len);
    /* check; append problems and warnings; fill summary on success */
    chiso_status (*check)(const vctx *V,
                          const char *path,
                          chiso_diag_list *problems,
                          chiso_diag_list *warnings,
                          char *summary,
                          size_t cap);
} validate_kind;

static int
has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);

    return n >= m && strcmp(s + n - m, suf) == 0;
}

/* Folded without separators ("Ngày tiếp nhận" -> "ngaytiepnhan"). */
static void
key_of(const char *s, size_t len, char *out, size_t cap)
{
    char f[160];
    size_t i, n = 0;

    chiso_text_fold(s, len, f, sizeof(f));
    for (i = 0; f[i] != '\0' && n + 1 < cap; i++) {
        if (f[i] != '_') {
            out[n++] = f[i];
        }
    }
    out[n] = '\0';
}

/* Does one of the first lines (a header may sit below a title) have a
 * cell named like one of names (keys without separators)? */
static int
head_has(const char *head, size_t len, const char *const *names)
{
    size_t pos = 0, line = 0;

    while (pos < len && line < HEAD_LINES) {
        const char *nl = memchr(head + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - head) : len, i, s = pos;
        char cell[160];
        for (i = pos; i <= end; i++) {
            if (i == end || head[i] == ',' || head[i] == ';' ||
                head[i] == '\t') {
                size_t k;
                key_of(head + s, i - s, cell, sizeof(cell));
                for (k = 0; names[k] != NULL; k++) {
                    if (strcmp(cell, names[k]) == 0) {
                        return 1;
                    }
                }
                s = i + 1;
            }
        }
        pos = end + 1;
        line++;
    }
    return 0;
}

/* ---- report configuration: a dry run ------------------------------------- */

static int
claims_report(const char *path, const char *head, size_t len)
{
    (void)len;
    return has_suffix(path, ".json") && strstr(head, "chiso-report") != NULL;
}

/* The unit of a configuration as one source may write it. */
static void
config_unit(const chiso_report_config *cfg,
            const char *in_source,
            chiso_unit_ref *ref,
            const char **names)
{
    size_t i;

    ref->code = cfg->unit_code;
    ref->names = names;
    ref->n_names = 0;
    names[ref->n_names++] = cfg->unit_name;
    for (i = 0; i < cfg->n_unit_names; i++) {
        names[ref->n_names++] = cfg->unit_names[i];
    }
    if (in_source != NULL) {
        names[ref->n_names++] = in_source;
    }
}

static chiso_status check_framework_file(const vctx *V,
                                         const char *path,
                                         chiso_diag_list *problems,
                                         chiso_diag_list *warnings,
                                         char *summary,
                                         size_t cap);
static chiso_status check_sheet(const chiso_framework *fw,
                                const char *path,
                                const char *unit,
                                chiso_diag_list *problems,
                                chiso_diag_list *warnings,
                                size_t *n_rows);

static chiso_status
check_report(const vctx *V,
             const char *path,
             chiso_diag_list *problems,
             chiso_diag_list *warnings,
             char *summary,
             size_t cap)
{
    chiso_report_config *cfg = NULL;
    chiso_framework *fw = NULL;
    chiso_diag d;
    chiso_status st, worst = CHISO_OK;
    chiso_period_kind kind;
    int32_t idx;
    const char **names = NULL;
    size_t n_rows = 0;
    chiso_buf done = CHISO_BUF_INIT;

    (void)V;
    memset(&d, 0, sizeof(d));
    d.lang = problems->lang;
    st = chiso_report_config_load(&cfg, path, &d);
    if (st != CHISO_OK) {
        chiso_diag_list_add(problems, &d);
        return st;
    }
    names = calloc(cfg->n_unit_names + 2, sizeof(*names));
    if (names == NULL || chiso_period_parse(cfg->period, &kind, &idx) != 0) {
        free(names);
        chiso_report_config_free(cfg);
        return chiso_diag_list_addf(problems, CHISO_ENOMEM, path, 0, 0,
                                    "out of memory");
    }
    /* the framework, then the evidence sheet against it */
    st = chiso_framework_check(&fw, cfg->framework, problems);
    if (st != CHISO_OK) {
        worst = st;
    } else {
        chiso_buf_printf(&done, VM_("framework '%s'"), fw->id);
        st = check_sheet(fw, cfg->evidence, cfg->unit_code, problems, warnings,
                         &n_rows);
        if (st != CHISO_OK) {
            worst = st;
        } else {
            chiso_buf_printf(&done, VM_(", evidence %zu rows"), n_rows);
        }
    }
    /* the logs: every row, the unit present, the period present */
    if (cfg->tasks != NULL) {
        chiso_tasks_options o = CHISO_TASKS_OPTIONS_INIT;
        chiso_tasks_result *r = NULL;
        chiso_unit_ref ref;
        chiso_input_set set = CHISO_INPUT_SET_INIT;
        int64_t first, end;
        config_unit(cfg, cfg->task_unit, &ref, names);
        chiso_period_days(kind, idx, &first, &end);
        o.period = kind;
        o.as_of.secs = (end - 1) * 86400;
        o.unit = &ref;
        o.table.max_rejects_pct = 0;
        o.table.problems = problems;
        o.table.notes = warnings;
        memset(&d, 0, sizeof(d));
        d.lang = problems->lang;
        st = chiso_tasks_compute(&r, cfg->tasks, &o, &d);
        if (st == CHISO_OK) {
            st = chiso_tasks_inputs(&set, r, cfg->unit_code, idx, warnings, &d);
        }
        if (st != CHISO_OK) {
            if (chiso_diag_list_total(problems) == 0 ||
                strcmp(d.path, cfg->tasks) != 0 || d.line == 0) {
                chiso_diag_list_add(problems, &d);
            }
            worst = worst != CHISO_OK ? worst : st;
        } else {
            chiso_buf_printf(&done, VM_(", tasks %llu rows"),
                             (unsigned long long)r->rows_read);
        }
        chiso_input_set_free(&set);
        chiso_tasks_free(r);
    }
    if (cfg->dossiers != NULL) {
        chiso_services_options o = CHISO_SERVICES_OPTIONS_INIT;
        chiso_services_result *r = NULL;
        chiso_unit_ref ref;
        chiso_input_set set = CHISO_INPUT_SET_INIT;
        config_unit(cfg, cfg->dossier_unit, &ref, names);
        o.period = kind;
        o.unit = &ref;
        o.table.max_rejects_pct = 0;
        o.table.problems = problems;
        o.table.notes = warnings;
        memset(&d, 0, sizeof(d));
        d.lang = problems->lang;
        st = chiso_services_compute(&r, cfg->dossiers, &o, &d);
        if (st == CHISO_OK) {
            st = chiso_services_inputs(&set, r, cfg->unit_code, idx, warnings,
                                       &d);
        }
        if (st != CHISO_OK) {
            if (d.line == 0) {
                chiso_diag_list_add(problems, &d);
            }
            worst = worst != CHISO_OK ? worst : st;
        } else {
            chiso_buf_printf(&done, VM_(", dossiers %llu rows"),
                             (unsigned long long)r->rows_read);
        }
        chiso_input_set_free(&set);
        chiso_services_free(r);
    }
    if (cfg->published != NULL) {
        chiso_published *store = NULL;
        char *results = NULL, *breaks = NULL;
        chiso_buf b = CHISO_BUF_INIT;
        chiso_buf_printf(&b, "%s/%s", cfg->published, CHISO_PUBLISHED_RESULTS);
        results = b.data;
        memset(&b, 0, sizeof(b));
        chiso_buf_printf(&b, "%s/%s", cfg->published, CHISO_PUBLISHED_BREAKS);
        breaks = b.data;
        st = results != NULL && breaks != NULL
                 ? chiso_published_check(&store, results, problems)
                 : CHISO_ENOMEM;
        if (st == CHISO_OK) {
            st = chiso_breaks_check(store, breaks, problems);
        }
        if (st != CHISO_OK) {
            worst = worst != CHISO_OK ? worst : st;
        } else {
            chiso_buf_printf(&done, VM_(", published results"));
        }
        chiso_published_free(store);
        free(results);
        free(breaks);
    }
    if (worst == CHISO_OK) {
        snprintf(
            summary, cap,
            VM_("report configuration: unit %s, period %s; every input read "
                "(%s); nothing written"),
            cfg->unit_code, cfg->period, done.data ? done.data : "");
    }
    chiso_buf_free(&done);
    free(names);
    chiso_framework_free(fw);
    chiso_report_config_free(cfg);
    return worst;
}

/* ---- frameworks and evidence sheets ------------------------------------ */

static int
claims_framework(const char *path, const char *head, size_t len)
{
    (void)len;
    return has_suffix(path, ".json") || strstr(head, "chiso-framework");
}

static chiso_status
check_framework_file(const vctx *V,
                     const char *path,
                     chiso_diag_list *problems,
                     chiso_diag_list *warnings,
                     char *summary,
                     size_t cap)
{
    chiso_framework *fw = NULL;
    chiso_status st = chiso_framework_check(&fw, path, problems);
    size_t i, leaves = 0;

    (void)V;
    (void)warnings;
    if (st == CHISO_OK) {
        for (i = 0; i < fw->n_nodes; i++) {
            leaves += chiso_node_is_leaf(&fw->nodes[i]);
        }
        snprintf(summary, cap,
                 VM_("framework '%s', %zu criteria (%zu leaves), "
                     "max %g"),
                 fw->id, fw->n_nodes, leaves, fw->max);
    }
    chiso_framework_free(fw);
    return st;
}

/* A framework table (docs/frameworks.md): a .csv whose first lines name
 * the maximum-points column ("Điểm tối đa"). */
static int head_is_form(const char *head, size_t len);

static int
claims_fwtable(const char *path, const char *head, size_t len)
{
    char folded[4200];

    if (!chiso_fwtable_is_table(path) || head_is_form(head, len)) {
        /* a filled self-assessment form lists the maxima too, but has the
         * office's points and evidence: an evidence sheet */
        return 0;
    }
    chiso_text_fold(head, len, folded, sizeof(folded));
    return strstr(folded, "diem_toi_da") != NULL ||
           strstr(folded, "max_points") != NULL;
}

static chiso_status
check_fwtable(const vctx *V,
              const char *path,
              chiso_diag_list *problems,
              chiso_diag_list *warnings,
              char *summary,
              size_t cap)
{
    chiso_fwdoc *doc = NULL;
    chiso_status st = chiso_fwdoc_load(&doc, path, NULL, problems);

    (void)V;
    (void)warnings;
    if (st == CHISO_OK) {
        snprintf(summary, cap,
                 VM_("framework table '%s', %zu criteria, max %g"), doc->fw->id,
                 doc->fw->n_nodes, doc->fw->max);
    }
    chiso_fwdoc_free(doc);
    return st;
}

/* Is there a line among the first with a cell named in a and another in b
 * (a header row, not a data cell that happens to say "Điểm thẩm định")? */
static int
head_has_both(const char *head,
              size_t len,
              const char *const *a,
              const char *const *b)
{
    size_t pos = 0, line = 0;

    while (pos < len && line < HEAD_LINES) {
        const char *nl = memchr(head + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - head) : len;
        if (head_has(head + pos, end - pos, a) &&
            head_has(head + pos, end - pos, b)) {
            return 1;
        }
        pos = end + 1;
        line++;
    }
    return 0;
}

/* A self-assessment form whose code column is "Mã" or STT (chiso form's
 * workbook, the paper form's layout): its header has the office's points
 * beside the maximum or the evidence column. */
static int
head_is_form(const char *head, size_t len)
{
    static const char *const points[] = {"diemtucham", "diemtudanhgia",
                                         "diemthamdinh", NULL};
    static const char *const beside[] = {"diemtoida", "tailieukiemchung", NULL};
    return head_has_both(head, len, points, beside);
}

static int
claims_evidence(const char *path, const char *head, size_t len)
{
    static const char *const names[] = {
        "criterionid", "matieuchi",     "tieuchi",    "criterion",
        "machiso",     "indicatorcode", "metriccode", NULL};
    (void)path;
    return head_has(head, len, names) || head_is_form(head, len);
}

/* The framework as a tree for chiso_evidence_check_tree. */
typedef struct fw_tree {
    const chiso_framework *fw;
    const char **kids;
    size_t cap;
} fw_tree;

static int
fw_children(void *ctx, const char *id, const char *const **kids, size_t *n)
{
    fw_tree *T = ctx;
    long k = chiso_framework_find(T->fw, id);
    const chiso_node *node;
    size_t i;

    if (k < 0) {
        return -1;
    }
    node = &T->fw->nodes[k];
    if (chiso_node_is_leaf(node)) {
        return 0;
    }
    if (node->n_children > T->cap) {
        const char **p = realloc(T->kids, node->n_children * sizeof(*p));
        if (p == NULL) {
            return -1;
        }
        T->kids = p;
        T->cap = node->n_children;
    }
    for (i = 0; i < node->n_children; i++) {
        T->kids[i] = T->fw->nodes[node->children[i]].id;
    }
    *kids = T->kids;
    *n = node->n_children;
    return 1;
}

/* The units of a sheet (NULL: one unit, or no unit column). */
static size_t
sheet_units(const chiso_evidence *ev, const char **units, size_t cap)
{
    size_t i, k, n = 0;

    for (i = 0; i < ev->n && ev->has_unit_column; i++) {
        const char *u = ev->entries[i].unit;
        if (u[0] == '\0') {
            continue;
        }
        for (k = 0; k < n && strcmp(units[k], u) != 0; k++) {
        }
        if (k == n && n < cap) {
            units[n++] = u;
        }
    }
    return n;
}

/*
 * Load a sheet (every problem) and, with a framework, check it as the
 * scorer would: unknown ids, rows of inner nodes (warning on their sums),
 * then the scorer itself for every unit (or `unit`).
 */
static chiso_status
check_sheet(const chiso_framework *fw,
            const char *path,
            const char *unit,
            chiso_diag_list *problems,
            chiso_diag_list *warnings,
            size_t *n_rows)
{
    chiso_evidence *ev = NULL;
    chiso_table_options topts = CHISO_TABLE_OPTIONS_INIT;
    chiso_status st, worst = CHISO_OK;
    const char *units[256];
    size_t n_units, u, i, n_inner = 0;
    fw_tree T;

    topts.notes = warnings;
    /* bad cells do not stop the checks of the good rows: every problem
     * of the sheet in one pass */
    st = chiso_evidence_load_partial(&ev, path, &topts, problems);
    if (ev == NULL) {
        return st;
    }
    worst = st;
    *n_rows = ev->n;
    if (fw == NULL) {
        chiso_evidence_free(ev);
        return worst;
    }
    for (i = 0; i < ev->n; i++) {
        const chiso_evidence_entry *e = &ev->entries[i];
        size_t term;
        long k = chiso_framework_find(fw, e->id);
        if (k >= 0 && chiso_node_is_leaf(&fw->nodes[k]) &&
            (e->points_uncalculated || e->appraised_uncalculated)) {
            /* a subtotal's formula is redone by the score; a leaf's is
             * needed */
            char where[600];
            unsigned long wl, wc;
            chiso_evidence_where(ev, e,
                                 e->points_uncalculated ? e->col_points
                                                        : e->col_appraised,
                                 where, sizeof(where), &wl, &wc);
            chiso_diag_list_addk(
                problems, "evidence_cell", CHISO_SEVERITY_ERROR, e->id, where,
                wl, wc, "%s",
                chiso_msg(problems->lang, CHISO_UNCALCULATED_MSG));
            worst = CHISO_EDATA;
        }
        if (chiso_framework_find(fw, e->id) < 0 &&
            chiso_framework_find_input(fw, e->id, &term) < 0) {
            char where[600];
            unsigned long wl, wc;
            chiso_evidence_where(ev, e, e->col_id, where, sizeof(where), &wl,
                                 &wc);
            chiso_diag_list_addk(problems, "evidence_unknown_id",
                                 CHISO_SEVERITY_ERROR, e->id, where, wl, wc,
                                 "unknown criterion id '%s' (not in framework "
                                 "'%s')",
                                 e->id, fw->id);
            worst = CHISO_ESCHEMA;
        }
    }
    memset(&T, 0, sizeof(T));
    T.fw = fw;
    {
        chiso_evidence_tree tree = {&T, fw_children};
        if (chiso_evidence_check_tree(ev, &tree, warnings, &n_inner) !=
            CHISO_OK) {
            worst = CHISO_ENOMEM;
        }
    }
    free(T.kids);
    if (worst != CHISO_OK) {
        chiso_evidence_free(ev);
        return worst;
    }
    /* the scorer's own checks, unit by unit */
    n_units = unit != NULL ? 1 : sheet_units(ev, units, 256);
    if (unit != NULL) {
        units[0] = unit;
    }
    for (u = 0; u < (n_units ? n_units : 1); u++) {
        chiso_score_options so = CHISO_SCORE_OPTIONS_INIT;
        chiso_score_result *res = NULL;
        chiso_diag d;
        memset(&d, 0, sizeof(d));
        d.lang = problems->lang;
        so.unit = n_units ? units[u] : NULL;
        st = chiso_score_compute(&res, fw, ev, &so, &d);
        if (st != CHISO_OK) {
            chiso_diag_list_add(problems, &d);
            worst = worst != CHISO_OK ? worst : st;
        }
        chiso_score_free(res);
    }
    chiso_evidence_free(ev);
    return worst;
}

static chiso_status
check_evidence(const vctx *V,
               const char *path,
               chiso_diag_list *problems,
               chiso_diag_list *warnings,
               char *summary,
               size_t cap)
{
    size_t n = 0;
    chiso_status st = check_sheet(V->fw, path, V->unit, problems, warnings, &n);

    if (st == CHISO_OK) {
        if (V->fw != NULL) {
            snprintf(summary, cap,
                     VM_("evidence sheet, %zu rows, checked against framework "
                         "'%s'"),
                     n, V->fw->id);
        } else {
            snprintf(summary, cap, VM_("evidence sheet, %zu rows"), n);
        }
    }
    return st;
}

/* ---- task registers and dossier logs --------------------------------------- */

static const char *const received_names[] = {
    "receivedat", "ngaytiepnhan", "ngaynhan",     "thoigiantiepnhan",
    "ngaynop",    "ngaynophoso",  "ngaynhanhoso", NULL};
static const char *const due_names[] = {"dueat",
                                        "ngayhentra",
                                        "hanxuly",
                                        "hangiaiquyet",
                                        "ngayhentraketqua",
                                        "hantra",
                                        "thoihan",
                                        "hanhoanthanh",
                                        "deadline",
                                        "thoihanhoanthanh",
                                        "thoihanxuly",
                                        "thoihanthuchien",
                                        "hantraketqua",
                                        "thoihangiaiquyet",
                                        NULL};

static int
claims_dossiers(const char *path, const char *head, size_t len)
{
    (void)path;
    return head_has(head, len, received_names) &&
           head_has(head, len, due_names);
}

static int
claims_tasks(const char *path, const char *head, size_t len)
{
    (void)path;
    return head_has(head, len, due_names) &&
           !head_has(head, len, received_names);
}

/* A log: every bad row listed (none allowed), notes as warnings. Without
 * a unit column the rows are read for a placeholder unit, and a warning
 * says how to give it. */
static chiso_status
check_log(const vctx *V,
          const char *path,
          int tasks,
          chiso_diag_list *problems,
          chiso_diag_list *warnings,
          char *summary,
          size_t cap)
{
    chiso_unit_ref ref = {"?", NULL, 0};
    chiso_diag d;
    chiso_status st;
    chiso_table_options t = CHISO_TABLE_OPTIONS_INIT;
    size_t n_warnings = warnings->n;

    if (V->unit != NULL) {
        ref.code = V->unit;
    }
    t.max_rejects_pct = 100;
    t.problems = problems;
    t.notes = warnings;
    memset(&d, 0, sizeof(d));
    d.lang = problems->lang;
    if (tasks) {
        chiso_tasks_options o = CHISO_TASKS_OPTIONS_INIT;
        chiso_tasks_result *r = NULL;
        o.table = t;
        o.as_of.secs = (int64_t)4102444800; /* 2100: nothing is judged */
        if (V->unit != NULL) {
            o.unit = &ref; /* --unit: the unit of the rows */
        }
        st = chiso_tasks_compute(&r, path, &o, &d);
        if (st == CHISO_ESCHEMA && V->unit == NULL &&
            strstr(d.message, "--unit") != NULL) {
            warnings->n = n_warnings; /* the notes come again */
            warnings->n_dropped = 0;
            /* a register of one unit: read it for a placeholder */
            chiso_diag_list_addk(warnings, "no_unit_column",
                                 CHISO_SEVERITY_WARNING, NULL, path, 0, 0, "%s",
                                 d.message);
            memset(&d, 0, sizeof(d));
            d.lang = problems->lang;
            o.unit = &ref;
            st = chiso_tasks_compute(&r, path, &o, &d);
        }
        if (st == CHISO_OK && r->rows_rejected == 0) {
            snprintf(summary, cap,
                     VM_("task register, %llu rows, %zu unit(s), %zu "
                         "unit x period groups"),
                     (unsigned long long)r->rows_read, r->n_units, r->n_rows);
        } else if (st == CHISO_OK) {
            st = CHISO_EDATA;
        }
        chiso_tasks_free(r);
    } else {
        chiso_services_options o = CHISO_SERVICES_OPTIONS_INIT;
        chiso_services_result *r = NULL;
        o.table = t;
        if (V->unit != NULL) {
            o.unit = &ref;
        }
        st = chiso_services_compute(&r, path, &o, &d);
        if (st == CHISO_ESCHEMA && V->unit == NULL &&
            strstr(d.message, "--unit") != NULL) {
            warnings->n = n_warnings; /* the notes come again */
            warnings->n_dropped = 0;
            chiso_diag_list_addk(warnings, "no_unit_column",
                                 CHISO_SEVERITY_WARNING, NULL, path, 0, 0, "%s",
                                 d.message);
            memset(&d, 0, sizeof(d));
            d.lang = problems->lang;
            o.unit = &ref;
            st = chiso_services_compute(&r, path, &o, &d);
        }
        if (st == CHISO_OK && r->rows_rejected == 0) {
            snprintf(summary, cap,
                     VM_("dossier log, %llu rows, %zu unit(s), %zu unit x "
                         "month groups"),
                     (unsigned long long)r->rows_read, r->n_units, r->n_rows);
        } else if (st == CHISO_OK) {
            st = CHISO_EDATA;
        }
        chiso_services_free(r);
    }
    if (st != CHISO_OK && d.code != CHISO_OK) {
        chiso_diag_list_add(problems, &d);
    }
    return st;
}

static chiso_status
check_tasks(const vctx *V,
            const char *path,
            chiso_diag_list *problems,
            chiso_diag_list *warnings,
            char *summary,
            size_t cap)
{
    return check_log(V, path, 1, problems, warnings, summary, cap);
}

static chiso_status
check_dossiers(const vctx *V,
               const char *path,
               chiso_diag_list *problems,
               chiso_diag_list *warnings,
               char *summary,
               size_t cap)
{
    return check_log(V, path, 0, problems, warnings, summary, cap);
}

/* ---- published results store, breaks registry, surveys (issue 4) ---- */

static int
claims_published(const char *path, const char *head, size_t len)
{
    static const char *const a[] = {"rankof", NULL};
    static const char *const b[] = {"componentid", NULL};
    (void)path;
    return head_has(head, len, a) && head_has(head, len, b);
}

static chiso_status
check_published(const vctx *V,
                const char *path,
                chiso_diag_list *problems,
                chiso_diag_list *warnings,
                char *summary,
                size_t cap)
{
    chiso_published *store = NULL;
    chiso_status st = chiso_published_check(&store, path, problems);
    size_t i, conflicts = 0, units = 0, j;

    (void)V;
    (void)warnings;
    if (st == CHISO_OK) {
        for (i = 0; i < store->n; i++) {
            conflicts += !store->rows[i].preferred;
            for (j = 0; j < i; j++) {
                if (strcmp(store->rows[j].unit_code,
                           store->rows[i].unit_code) == 0) {
                    break;
                }
            }
            units += j == i;
        }
        snprintf(summary, cap,
                 VM_("published results store, %zu rows, %zu units, %zu "
                     "non-preferred rows of conflicting sources"),
                 store->n, units, conflicts);
    }
    chiso_published_free(store);
    return st;
}

static int
claims_breaks(const char *path, const char *head, size_t len)
{
    static const char *const a[] = {"whatchanged", NULL};
    (void)path;
    return head_has(head, len, a);
}

static chiso_status
check_breaks(const vctx *V,
             const char *path,
             chiso_diag_list *problems,
             chiso_diag_list *warnings,
             char *summary,
             size_t cap)
{
    chiso_published *tmp = calloc(1, sizeof(*tmp));
    chiso_status st;

    (void)V;
    (void)warnings;
    if (tmp == NULL) {
        return chiso_diag_list_addf(problems, CHISO_ENOMEM, path, 0, 0,
                                    "out of memory");
    }
    st = chiso_breaks_check(tmp, path, problems);
    if (st == CHISO_OK) {
        snprintf(summary, cap, VM_("methodology breaks registry, %zu breaks"),
                 tmp->n_breaks);
    }
    chiso_published_free(tmp);
    return st;
}

static int
claims_survey(const char *path, const char *head, size_t len)
{
    static const char *const names[] = {"respondentid", "maphieu", "sophieu",
                                        "manguoitraloi", NULL};
    (void)path;
    return head_has(head, len, names);
}

static chiso_status
check_survey(const vctx *V,
             const char *path,
             chiso_diag_list *problems,
             chiso_diag_list *warnings,
             char *summary,
             size_t cap)
{
    chiso_survey *s = NULL;
    chiso_diag d;
    chiso_status st;

    (void)V;
    (void)warnings;
    memset(&d, 0, sizeof(d));
    d.lang = problems->lang;
    st = chiso_survey_load(&s, path, &d);
    if (st != CHISO_OK) {
        chiso_diag_list_add(problems, &d);
        return st;
    }
    snprintf(summary, cap, VM_("survey responses, %zu respondents"),
             chiso_survey_respondents(s));
    chiso_survey_free(s);
    return CHISO_OK;
}

static const validate_kind kinds[] = {
    {"report", claims_report, check_report},
    {"framework", claims_framework, check_framework_file},
    {"framework table", claims_fwtable, check_fwtable},
    /* before evidence: a survey has a "criterion" column too */
    {"survey", claims_survey, check_survey},
    /* before tasks: a dossier log has a deadline too */
    {"dossiers", claims_dossiers, check_dossiers},
    {"tasks", claims_tasks, check_tasks},
    {"evidence", claims_evidence, check_evidence},
    {"published", claims_published, check_published},
    {"breaks", claims_breaks, check_breaks},
};

static const char validate_help[] =
    N_("Usage: chiso validate FILE... [--unit CODE]\n\n"
       "Check files and list every problem as file:line:column: message (at "
       "most\n50 per file, in file order), and the warnings. Kinds are told "
       "by content:\nframework (JSON), report configuration (JSON, "
       "\"format\": \"chiso-report\": a\ndry run of the whole pack, "
       "nothing written), evidence sheet, task register,\ndossier log, "
       "survey, published results store, breaks registry (CSV).\nAn "
       "evidence sheet given with a framework is checked against it as "
       "chiso\nscore would. Exit status 1 if any file has a problem.\n\n");

static const cli_option validate_options[] = {
    {"unit", required_argument, 'u', N_("CODE"),
     N_("the unit of logs without a unit column, and of the sheet\nto "
        "check")},
    {NULL, 0, 0, NULL, NULL}};

/*
 * The kind of a file from its first HEAD_BYTES. A pipe or device is first
 * spooled (validate reads each file twice: once here, once to check it);
 * *use is then the path to read it by.
 */
static const validate_kind *
kind_of(const char *path, const char **use, chiso_diag *d, int *spool_rc)
{
    char *text = NULL;
    size_t len = 0, k;
    const validate_kind *kind = NULL;
    FILE *f;

    *spool_rc = cli_input_spool(path, use, CHISO_JSON_READ_CAP);
    if (*spool_rc != CLI_EXIT_OK) {
        return NULL; /* reported by the spool */
    }
    f = fopen(*use, "rb");
    if (f == NULL) {
        chiso_diag_set_errno(d, path, errno, "cannot open");
        return NULL;
    }
    text = malloc(HEAD_BYTES + 1);
    if (text == NULL) {
        fclose(f);
        chiso_diag_set(d, CHISO_ENOMEM, path, 0, 0, "out of memory");
        return NULL;
    }
    len = fread(text, 1, HEAD_BYTES, f);
    if (ferror(f)) {
        chiso_diag_set_errno(d, path, errno ? errno : EIO, "cannot read");
        fclose(f);
        free(text);
        return NULL;
    }
    fclose(f);
    text[len] = '\0'; /* the claims search the head as a string */
    {
        /* a workbook: the first rows of each sheet, in order, as text */
        size_t sheet;
        char *wtext = NULL;
        for (sheet = 0; kind == NULL; sheet++) {
            size_t wlen;
            chiso_status wst =
                chiso_table_head_text(*use, sheet, &wtext, &wlen, d);
            if (wst == CHISO_EINVAL && sheet == 0) {
                break; /* not a workbook */
            }
            if (wst != CHISO_OK) {
                if (wst != CHISO_DONE) {
                    free(text);
                    return NULL; /* a damaged workbook, in d */
                }
                break;
            }
            for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
                if (kinds[k].claims(path, wtext, wlen)) {
                    kind = &kinds[k];
                    break;
                }
            }
            free(wtext);
        }
    }
    for (k = 0; kind == NULL && k < sizeof(kinds) / sizeof(kinds[0]); k++) {
        if (kinds[k].claims(path, text, len)) {
            kind = &kinds[k];
            break;
        }
    }
    free(text);
    if (kind == NULL) {
        chiso_diag_set(d, CHISO_ESCHEMA, path, 1, 1,
                       "cannot tell what kind of file this is (expected a "
                       "framework or report configuration JSON, or a CSV "
                       "evidence sheet, task register, dossier log, survey "
                       "or published store)");
    }
    return kind;
}

int
cmd_validate(int argc, char **argv)
{
    cli_parser op;
    int c, a, rc = CLI_EXIT_OK;
    vctx V;
    chiso_framework *fw = NULL;
    const validate_kind **found = NULL;
    const char **paths = NULL;

    memset(&V, 0, sizeof(V));
    cli_parser_init(&op, "validate", validate_help, NULL, validate_options,
                    NULL, NULL);
    optind = 0;
    while ((c = cli_getopt(&op, argc, argv)) != CLI_OPT_END) {
        if (c == CLI_OPT_EXIT) {
            return op.rc;
        }
        if (c == 'u') {
            V.unit = optarg;
        }
    }
    if (optind >= argc) {
        return cli_usage_error("validate", "no files given");
    }
    found = calloc((size_t)argc, sizeof(*found));
    paths = calloc((size_t)argc, sizeof(*paths));
    if (found == NULL || paths == NULL) {
        free(found);
        free(paths);
        fprintf(stderr, "chiso: %s\n",
                chiso_msg(cli_diag_lang(), "out of memory"));
        return CLI_EXIT_INTERNAL;
    }
    /* kinds first: a framework among the files checks the sheets */
    for (a = optind; a < argc; a++) {
        chiso_diag d;
        int spool_rc;
        memset(&d, 0, sizeof(d));
        d.lang = cli_diag_lang();
        found[a] = kind_of(argv[a], &paths[a], &d, &spool_rc);
        if (found[a] == NULL) {
            int e = spool_rc != CLI_EXIT_OK ? spool_rc : cli_report(&d);
            rc = rc > e ? rc : e;
        } else if (fw == NULL && found[a]->check == check_framework_file) {
            chiso_diag_list quiet;
            chiso_diag_list_init(&quiet, 1);
            if (chiso_framework_check(&fw, paths[a], &quiet) != CHISO_OK) {
                fw = NULL;
            }
            chiso_diag_list_free(&quiet);
        } else if (fw == NULL && found[a]->check == check_fwtable) {
            /* a framework table checks the sheets as its JSON would */
            chiso_diag quiet;
            chiso_diag_clear(&quiet);
            if (chiso_fwtable_load(&fw, paths[a], &quiet) != CHISO_OK) {
                fw = NULL;
            }
        }
    }
    V.fw = fw;
    for (a = optind; a < argc; a++) {
        const char *path = paths[a];
        chiso_diag_list problems, warnings;
        char summary[512] = "";
        size_t i;
        chiso_status st;

        if (found[a] == NULL) {
            continue;
        }
        chiso_diag_list_init(&problems, VALIDATE_CAP);
        chiso_diag_list_init(&warnings, VALIDATE_CAP);
        problems.lang = warnings.lang = cli_diag_lang();
        st = found[a]->check(&V, path, &problems, &warnings, summary,
                             sizeof(summary));
        chiso_diag_list_sort(&problems);
        for (i = 0; i < warnings.n; i++) {
            cli_print_diag(&warnings.items[i],
                           warnings.items[i].severity == CHISO_SEVERITY_WARNING
                               ? chiso_msg(cli_diag_lang(), "warning: ")
                               : chiso_msg(cli_diag_lang(), "note: "));
        }
        for (i = 0; i < problems.n; i++) {
            cli_print_diag(&problems.items[i], NULL);
        }
        if (problems.n_dropped > 0) {
            fprintf(stderr, "chiso: %s: ", argv[a]);
            fprintf(stderr, VM_("%zu more problems not shown"),
                    problems.n_dropped);
            fputc('\n', stderr);
        }
        if (st == CHISO_OK && problems.n == 0) {
            printf("%s: %s %s\n", argv[a], VM_("ok:"), summary);
        } else {
            int e = cli_exit_code(st != CHISO_OK ? st : CHISO_EDATA);
            size_t n = chiso_diag_list_total(&problems);
            printf("%s: ", argv[a]);
            printf(n == 1 ? VM_("%zu problem") : VM_("%zu problems"), n);
            putchar('\n');
            rc = rc > e ? rc : e;
        }
        chiso_diag_list_free(&problems);
        chiso_diag_list_free(&warnings);
    }
    chiso_framework_free(fw);
    free(found);
    free(paths);
    return rc;
}
