/*
 * report.c - build the report pack.
 *
 * Everything is computed first (score with rates from the task register
 * and the dossier log for the report period, rates for the previous
 * period, the province's published indices and trends), then written into
 * a temporary folder that is swapped into place only when every file is
 * complete. Any error before the swap removes the temporary folder, so the
 * previous pack stays as it was.
 */
#define _POSIX_C_SOURCE 200809L
#include "report_int.h"

#include "chiso_fwtable.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const default_indices[] = {"PAR_INDEX", "SIPAS", "PAPI"};

void
chiso_report__num(const struct rp *R, double x, int dec, char *out, size_t len)
{
    char *p;

    if (!isfinite(x)) {
        snprintf(out, len, "–");
        return;
    }
    chiso_snprintf(out, len, "%.*f", dec, chiso_round_half_up(x, dec));
    if (strcmp(out, "-0") == 0 || strncmp(out, "-0.", 3) == 0) {
        /* -0.00 after rounding */
        double v = chiso_round_half_up(x, dec);
        if (chiso_is_zero(v)) {
            chiso_snprintf(out, len, "%.*f", dec, 0.0);
        }
    }
    if (!R->en) {
        for (p = out; *p; p++) {
            if (*p == '.') {
                *p = ',';
            }
        }
    }
}

/* Record an allocation failure once (first error wins). */
static void
report_oom(struct rp *R)
{
    R->oom = 1;
    chiso_diag_set(R->diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
}

void
chiso_report__warn(struct rp *R, const char *fmt, ...)
{
    chiso_buf msg = CHISO_BUF_INIT;
    va_list ap;
    char **w;
    chiso_status st;

    va_start(ap, fmt);
    st = chiso_buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    w = st == CHISO_OK ? realloc(R->warnings, (R->n_warnings + 1) * sizeof(*w))
                       : NULL;
    if (w == NULL) {
        chiso_buf_free(&msg);
        report_oom(R); /* a caveat must not vanish silently */
        return;
    }
    R->warnings = w;
    R->warnings[R->n_warnings++] = msg.data;
}

void
chiso_report__warnk(struct rp *R,
                    const char *code,
                    chiso_severity severity,
                    const char *criterion_id,
                    const char *path,
                    const char *fmt,
                    ...)
{
    chiso_buf msg = CHISO_BUF_INIT;
    chiso_diag d;
    va_list ap;
    chiso_status st;

    va_start(ap, fmt);
    st = chiso_buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    if (st != CHISO_OK || msg.data == NULL) {
        chiso_buf_free(&msg);
        report_oom(R);
        return;
    }
    memset(&d, 0, sizeof(d));
    d.code = CHISO_EDATA;
    d.lang = R->en ? CHISO_LANG_EN : CHISO_LANG_VI;
    d.kind = code;
    d.severity = severity;
    /* the message as given (already in the report's language): never
     * through the catalogue again */
    chiso_textf(d.message, sizeof(d.message), "%s", msg.data);
    if (path != NULL) {
        chiso_textf(d.path, sizeof(d.path), "%s", path);
    }
    if (criterion_id != NULL) {
        chiso_textf(d.criterion_id, sizeof(d.criterion_id), "%s", criterion_id);
    }
    if (chiso_diag_list_add(&R->wlist, &d) != CHISO_OK) {
        report_oom(R);
    }
    chiso_report__warn(R, "%s", msg.data);
    chiso_buf_free(&msg);
}

const char *
chiso_report__strf(struct rp *R, const char *fmt, ...)
{
    chiso_buf b = CHISO_BUF_INIT;
    va_list ap;
    char **p;
    chiso_status st;

    va_start(ap, fmt);
    st = chiso_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (st == CHISO_OK && b.data == NULL) {
        st = chiso_buf_reserve(&b, 0);
        if (st == CHISO_OK) {
            b.data[0] = '\0';
        }
    }
    p = st == CHISO_OK ? realloc(R->strs, (R->n_strs + 1) * sizeof(*p)) : NULL;
    if (p == NULL) {
        chiso_buf_free(&b);
        report_oom(R);
        return "";
    }
    R->strs = p;
    R->strs[R->n_strs++] = b.data;
    return b.data;
}

const char *
chiso_report__path(struct rp *R, const char *name)
{
    const char *p =
        chiso_report__strf(R, "%s/%s", chiso_outdir_path(R->od), name);

    /* out of memory: the folder itself, which no file can be written over
     * (the diagnostic already says why) */
    return p[0] != '\0' ? p : chiso_outdir_path(R->od);
}

chiso_status
chiso_report__add_file(struct rp *R, const char *name)
{
    char **f = realloc(R->files, (R->n_files + 1) * sizeof(*f));

    if (f == NULL) {
        return CHISO_ENOMEM;
    }
    R->files = f;
    R->files[R->n_files] = chiso_strdup(name);
    if (R->files[R->n_files] == NULL) {
        return CHISO_ENOMEM;
    }
    R->n_files++;
    return CHISO_OK;
}

size_t
chiso_report__areas(const struct rp *R, size_t *out, size_t cap)
{
    size_t i, n = 0;

    for (i = 0; i < R->fw->n_nodes && n < cap; i++) {
        if (R->fw->nodes[i].parent == CHISO_NO_PARENT) {
            out[n++] = i;
        }
    }
    return n;
}

const chiso_services_row *
chiso_report__svc_row(const struct rp *R, int32_t idx)
{
    if (R->svc == NULL) {
        return NULL;
    }
    return chiso_services_find(R->svc, R->cfg->unit_code, idx);
}

const chiso_tasks_row *
chiso_report__tasks_row(const struct rp *R)
{
    if (R->tasks == NULL) {
        return NULL;
    }
    return chiso_tasks_find(R->tasks, R->cfg->unit_code, R->idx);
}

size_t
chiso_report__unit_overdue(const struct rp *R)
{
    size_t i, n = 0;

    if (R->tasks == NULL) {
        return 0;
    }
    for (i = 0; i < R->tasks->n_overdue; i++) {
        if (strcmp(R->tasks->overdue[i].unit, R->cfg->unit_code) == 0) {
            n++;
        }
    }
    return n;
}

static void
progress(struct rp *R, const char *step)
{
    if (R->opts->progress != NULL) {
        R->opts->progress(R->opts->progress_ctx, step);
    }
}

void
chiso_report__period_label(
    int en, chiso_period_kind kind, int32_t idx, char *out, size_t len)
{
    static const char *const roman[] = {"I", "II", "III", "IV"};

    switch (kind) {
    case CHISO_PERIOD_MONTH:
        snprintf(out, len, en ? "%02d/%04d" : "tháng %d/%04d",
                 (int)(idx % 12 + 1), (int)(idx / 12));
        return;
    case CHISO_PERIOD_QUARTER:
        if (en) {
            snprintf(out, len, "Q%d %04d", (int)(idx % 4 + 1), (int)(idx / 4));
        } else {
            snprintf(out, len, "quý %s/%04d", roman[idx % 4], (int)(idx / 4));
        }
        return;
    case CHISO_PERIOD_HALF:
        if (en) {
            snprintf(out, len, "%s half of %04d",
                     idx % 2 == 0 ? "first" : "second", (int)(idx / 2));
        } else {
            snprintf(out, len, "6 tháng %s năm %04d",
                     idx % 2 == 0 ? "đầu" : "cuối", (int)(idx / 2));
        }
        return;
    case CHISO_PERIOD_YEAR:
        snprintf(out, len, en ? "%04d" : "năm %04d", (int)idx);
        return;
    }
    snprintf(out, len, "?");
}

static void
period_label(const struct rp *R, int32_t idx, char *out, size_t len)
{
    chiso_report__period_label(R->en, R->kind, idx, out, len);
}

static chiso_status
compute_period(struct rp *R)
{
    int64_t secs;
    int has_time;
    char why[128];

    chiso_period_parse(R->cfg->period, &R->kind, &R->idx);
    R->prev = R->idx - 1;
    chiso_period_days(R->kind, R->idx, &R->first_day, &R->end_day);
    chiso_period_days(R->kind, R->prev, &R->prev_first_day, &R->prev_end_day);
    period_label(R, R->idx, R->period_label, sizeof(R->period_label));
    period_label(R, R->prev, R->prev_label, sizeof(R->prev_label));
    if (R->cfg->as_of != NULL) {
        if (chiso_parse_datetime(R->cfg->as_of, strlen(R->cfg->as_of), &secs,
                                 &has_time, why, sizeof(why)) != 0) {
            return chiso_diag_set(R->diag, CHISO_EDATA, R->cfg->path, 0, 0,
                                  "bad as_of '%s': %s", R->cfg->as_of, why);
        }
        /* a date alone means the end of that day */
        R->as_of.secs = has_time ? secs : secs + 86399;
        R->as_of.has_time = 1;
    } else {
        R->as_of.secs = R->end_day * 86400 - 1;
        R->as_of.has_time = 1;
    }
    return CHISO_OK;
}

static chiso_status compute_logs_for(struct rp *R,
                                     const chiso_unit_ref *tref,
                                     const chiso_unit_ref *dref);

/* The unit as a log may write it: code, name, the configuration's other
 * names and the one written in that source (may be NULL). names has room
 * for n_unit_names + 2. */
static void
unit_ref_of(const struct rp *R,
            const char *in_source,
            chiso_unit_ref *ref,
            const char **names)
{
    size_t i;

    ref->code = R->cfg->unit_code;
    ref->names = names;
    ref->n_names = 0;
    names[ref->n_names++] = R->cfg->unit_name;
    for (i = 0; i < R->cfg->n_unit_names; i++) {
        names[ref->n_names++] = R->cfg->unit_names[i];
    }
    if (in_source != NULL) {
        names[ref->n_names++] = in_source;
    }
}

static chiso_status
compute_logs(struct rp *R)
{
    chiso_status st;
    chiso_unit_ref tref, dref;
    const char **names = calloc(2 * (R->cfg->n_unit_names + 2), sizeof(*names));

    if (names == NULL) {
        return chiso_diag_set(R->diag, CHISO_ENOMEM, NULL, 0, 0,
                              "out of memory");
    }
    unit_ref_of(R, R->cfg->task_unit, &tref, names);
    unit_ref_of(R, R->cfg->dossier_unit, &dref,
                names + R->cfg->n_unit_names + 2);
    st = compute_logs_for(R, &tref, &dref);
    free(names);
    return st;
}

static chiso_status
compute_logs_for(struct rp *R,
                 const chiso_unit_ref *tref,
                 const chiso_unit_ref *dref)
{
    chiso_status st;

    if (R->cfg->tasks != NULL) {
        chiso_tasks_options to = CHISO_TASKS_OPTIONS_INIT;
        progress(R, "tasks");
        to.as_of = R->as_of;
        to.period = R->kind;
        to.unit = tref;
        /* the register's bad rows and notes, once (not again by month) */
        to.table.problems = &R->wlist;
        to.table.notes = &R->wlist;
        st = chiso_tasks_compute(&R->tasks, R->cfg->tasks, &to, R->diag);
        if (st != CHISO_OK) {
            return st;
        }
        to.table.problems = NULL;
        to.table.notes = NULL;
        to.period = CHISO_PERIOD_MONTH;
        st = chiso_tasks_compute(&R->tasks_month, R->cfg->tasks, &to, R->diag);
        if (st != CHISO_OK) {
            return st;
        }
        st = chiso_tasks_inputs(&R->inputs, R->tasks, R->cfg->unit_code, R->idx,
                                NULL, R->diag);
        if (st != CHISO_OK) {
            return st; /* diag set (out of memory, a log outside the period) */
        }
        if (chiso_report__tasks_row(R) == NULL) {
            chiso_report__warnk(
                R, "unit_no_rows_in_period", CHISO_SEVERITY_WARNING, NULL,
                R->cfg->tasks,
                R->en ? "the task register has no task of unit %s "
                        "due in %s"
                      : "sổ theo dõi nhiệm vụ không có nhiệm vụ "
                        "nào của %s đến hạn trong %s",
                R->cfg->unit_code, R->period_label);
        }
        if (R->tasks->rows_rejected > 0) {
            chiso_report__warnk(
                R, "rows_rejected", CHISO_SEVERITY_WARNING, NULL, R->cfg->tasks,
                R->en ? "the task register had %llu bad rows of "
                        "%llu (not counted)"
                      : "sổ theo dõi nhiệm vụ có %llu dòng lỗi trên "
                        "%llu dòng (không tính)",
                (unsigned long long)R->tasks->rows_rejected,
                (unsigned long long)(R->tasks->rows_read -
                                     R->tasks->rows_totals));
        }
    } else {
        chiso_report__warnk(
            R, "input_not_given", CHISO_SEVERITY_WARNING, NULL, R->cfg->path,
            "%s",
            R->en ? "no task register given: task rates are not "
                    "reported"
                  : "không có sổ theo dõi nhiệm vụ: không báo cáo tỷ "
                    "lệ nhiệm vụ");
    }
    if (R->cfg->dossiers != NULL) {
        chiso_services_options so = CHISO_SERVICES_OPTIONS_INIT;
        progress(R, "dossiers");
        so.period = R->kind;
        so.has_as_of = 1;
        so.as_of = R->as_of;
        so.table.threads = R->opts->threads;
        so.unit = dref;
        so.table.problems = &R->wlist;
        so.table.notes = &R->wlist;
        st = chiso_services_compute(&R->svc, R->cfg->dossiers, &so, R->diag);
        if (st != CHISO_OK) {
            return st;
        }
        so.table.problems = NULL;
        so.table.notes = NULL;
        so.period = CHISO_PERIOD_MONTH;
        st = chiso_services_compute(&R->svc_month, R->cfg->dossiers, &so,
                                    R->diag);
        if (st != CHISO_OK) {
            return st;
        }
        st = chiso_services_inputs(&R->inputs, R->svc, R->cfg->unit_code,
                                   R->idx, NULL, R->diag);
        if (st != CHISO_OK) {
            return st; /* diag set (out of memory, a log outside the period) */
        }
        if (chiso_report__svc_row(R, R->idx) == NULL) {
            chiso_report__warnk(
                R, "unit_no_rows_in_period", CHISO_SEVERITY_WARNING, NULL,
                R->cfg->dossiers,
                R->en ? "the dossier log has no dossier of unit %s "
                        "received in %s"
                      : "sổ hồ sơ không có hồ sơ nào của %s tiếp "
                        "nhận trong %s",
                R->cfg->unit_code, R->period_label);
        }
        if (R->svc->rows_rejected > 0) {
            chiso_report__warnk(
                R, "rows_rejected", CHISO_SEVERITY_WARNING, NULL,
                R->cfg->dossiers,
                R->en ? "the dossier log had %llu bad rows of %llu "
                        "(not counted)"
                      : "sổ hồ sơ có %llu dòng lỗi trên %llu dòng "
                        "(không tính)",
                (unsigned long long)R->svc->rows_rejected,
                (unsigned long long)(R->svc->rows_read - R->svc->rows_totals));
        }
    } else {
        chiso_report__warnk(
            R, "input_not_given", CHISO_SEVERITY_WARNING, NULL, R->cfg->path,
            "%s",
            R->en ? "no dossier log given: service rates are not "
                    "reported"
                  : "không có sổ theo dõi hồ sơ: không báo cáo tỷ "
                    "lệ dịch vụ công");
    }
    return CHISO_OK;
}

/*
 * The scorer's warnings are English (library convention); the brief is in
 * the report's language, so its caveats are written here from the same
 * facts: leaves not reported, points that could not be checked, self-
 * assessed points that disagree with the rule, terms inputs missing,
 * points without evidence and leaves without appraised points.
 */
static void
score_caveats(struct rp *R)
{
    const chiso_framework *fw = R->fw;
    const chiso_score_result *s = R->score;
    size_t i, t, n_app_missing = 0;
    chiso_buf missing_ev = CHISO_BUF_INIT, explained = CHISO_BUF_INIT;
    char a[48], b[48];

    for (i = 0; i < fw->n_nodes; i++) {
        const chiso_node *n = &fw->nodes[i];
        const chiso_node_score *ns = &s->nodes[i];
        const chiso_evidence_entry *e =
            ns->evidence >= 0 ? &R->ev->entries[ns->evidence] : NULL;
        if (!chiso_node_is_leaf(n) || n->rule.type == CHISO_RULE_TRACKED) {
            continue;
        }
        if (!ns->applicable) {
            continue;
        }
        if (!ns->reported) {
            chiso_report__warnk(
                R, "criterion_not_reported", CHISO_SEVERITY_WARNING, n->id,
                R->ev->path,
                R->en ? "criterion %s has no figure in the evidence "
                        "sheet or the logs: scored 0"
                      : "tiêu chí %s chưa có số liệu trong phiếu chấm "
                        "hoặc sổ theo dõi: tính 0 điểm",
                n->id);
        } else if (ns->origin == CHISO_ORIGIN_POINTS &&
                   n->rule.type != CHISO_RULE_MANUAL &&
                   n->rule.type != CHISO_RULE_BINARY) {
            chiso_report__warnk(
                R, "points_unchecked", CHISO_SEVERITY_WARNING, n->id,
                R->ev->path,
                R->en ? "criterion %s has self-assessed points but no "
                        "value, so its rule could not check them"
                      : "tiêu chí %s chỉ có điểm tự chấm, không có "
                        "giá trị để đối chiếu với quy tắc chấm",
                n->id);
        } else if (ns->has_self && ns->origin != CHISO_ORIGIN_POINTS &&
                   fabs(ns->self_points - ns->points) > 0.005) {
            chiso_report__num(R, ns->self_points, 2, a, sizeof(a));
            chiso_report__num(R, ns->points, 2, b, sizeof(b));
            {
                /* where the points are: the cell of a workbook ("Tự
                 * chấm!F41"), the line of a CSV sheet */
                char place[760], where[700];
                unsigned long wl = 0, wc = 0;
                if (e != NULL && R->ev->sheet != NULL) {
                    chiso_evidence_where(R->ev, e, e->col_points, where,
                                         sizeof(where), &wl, &wc);
                    snprintf(place, sizeof(place), "%s", where);
                } else {
                    snprintf(where, sizeof(where), "%s", R->ev->path);
                    snprintf(place, sizeof(place),
                             R->en ? "%s, line %lu" : "%s, dòng %lu",
                             R->ev->path, e ? e->line : 0UL);
                }
                chiso_report__warnk(
                    R, "self_points_differ", CHISO_SEVERITY_WARNING, n->id,
                    where,
                    R->en ? "criterion %s: self-assessed %s points, the "
                            "rule gives %s (%s)"
                          : "tiêu chí %s: điểm tự chấm %s khác điểm theo "
                            "quy tắc %s (%s)",
                    n->id, a, b, place);
                if (R->wlist.n > 0 && e != NULL && R->ev->sheet == NULL) {
                    /* the row of the sheet that gives the points */
                    R->wlist.items[R->wlist.n - 1].line = e->line;
                }
            }
        }
        for (t = 0; t < ns->n_terms; t++) {
            if (ns->terms[t].origin == CHISO_ORIGIN_NONE) {
                chiso_report__warnk(
                    R, "term_not_reported", CHISO_SEVERITY_WARNING, n->id,
                    R->ev->path,
                    R->en ? "input %s of criterion %s is not "
                            "reported: its term scores 0"
                          : "thành phần %s của tiêu chí %s chưa có "
                            "số liệu: tính 0 điểm",
                    n->rule.terms[t].input, n->id);
            }
        }
        if (ns->explanation_missing) {
            chiso_buf_printf(&missing_ev, "%s%s", missing_ev.len ? ", " : "",
                             n->id);
        } else if (ns->evidence_missing) {
            chiso_buf_printf(&explained, "%s%s", explained.len ? ", " : "",
                             n->id);
        }
        if (s->has_appraised && n->max > 0 &&
            (e == NULL || !e->has_appraised)) {
            n_app_missing++;
        }
    }
    if (missing_ev.len > 0) {
        chiso_report__warnk(
            R, "evidence_missing", CHISO_SEVERITY_WARNING, NULL, R->ev->path,
            R->en ? "points earned without an evidence reference (an "
                    "explanation is required): %s"
                  : "có điểm nhưng chưa có tài liệu kiểm chứng (cần "
                    "giải trình): %s",
            missing_ev.data);
    }
    if (explained.len > 0) {
        chiso_report__warnk(
            R, "evidence_explained", CHISO_SEVERITY_INFO, NULL, R->ev->path,
            R->en ? "points earned without an evidence reference, explained "
                    "instead (giải trình): %s"
                  : "có điểm, chưa có tài liệu kiểm chứng nhưng đã giải "
                    "trình: %s",
            explained.data);
    }
    chiso_buf_free(&missing_ev);
    chiso_buf_free(&explained);
    if (n_app_missing > 0) {
        chiso_report__warnk(
            R, "appraisal_incomplete", CHISO_SEVERITY_WARNING, NULL,
            R->ev->path,
            R->en ? "%zu criteria have no appraised points: their "
                    "self-assessed points were used in the appraised "
                    "total"
                  : "%zu tiêu chí chưa có điểm thẩm định: tổng điểm "
                    "thẩm định dùng điểm tự chấm của các tiêu chí "
                    "này",
            n_app_missing);
    }
}

static chiso_status
compute_score(struct rp *R)
{
    chiso_score_options so = CHISO_SCORE_OPTIONS_INIT;
    chiso_status st;

    progress(R, "score");
    st = chiso_fwtable_load(&R->fw, R->cfg->framework, R->diag);
    if (st != CHISO_OK) {
        return st;
    }
    st = chiso_evidence_load(&R->ev, R->cfg->evidence, R->diag);
    if (st != CHISO_OK) {
        return st;
    }
    so.inputs = R->inputs.items;
    so.n_inputs = R->inputs.n;
    so.unit = R->ev->has_unit_column ? R->cfg->unit_code : NULL;
    st = chiso_score_compute(&R->score, R->fw, R->ev, &so, R->diag);
    if (st != CHISO_OK) {
        return st;
    }
    score_caveats(R);
    return CHISO_OK;
}

static chiso_status
compute_published(struct rp *R)
{
    chiso_status st;
    size_t i, n;
    const char *const *names;

    if (R->cfg->published == NULL) {
        chiso_report__warnk(R, "input_not_given", CHISO_SEVERITY_WARNING, NULL,
                            R->cfg->path, "%s",
                            R->en
                                ? "no published-results store given: the "
                                  "province's indices are not reported"
                                : "không có kho số liệu công bố: không báo cáo "
                                  "chỉ số của tỉnh");
        return CHISO_OK;
    }
    if (R->cfg->province == NULL) {
        chiso_report__warnk(
            R, "input_not_given", CHISO_SEVERITY_WARNING, NULL, R->cfg->path,
            "%s",
            R->en ? "no province named in the configuration: the "
                    "province's indices are not reported"
                  : "cấu hình không nêu tỉnh: không báo cáo chỉ số "
                    "của tỉnh");
        return CHISO_OK;
    }
    progress(R, "published");
    st = chiso_published_load_dir(&R->pub, R->cfg->published, R->diag);
    if (st != CHISO_OK) {
        return st;
    }
    names = R->cfg->n_indices > 0 ? (const char *const *)R->cfg->indices
                                  : default_indices;
    n = R->cfg->n_indices > 0
            ? R->cfg->n_indices
            : sizeof(default_indices) / sizeof(default_indices[0]);
    for (i = 0; i < n && i < REPORT_MAX_INDICES; i++) {
        chiso_diag d;
        chiso_diag_clear(&d);
        d.lang = R->en ? CHISO_LANG_EN : CHISO_LANG_VI; /* trend reasons */
        R->index_names[i] = names[i];
        st = chiso_published_latest(R->pub, names[i], R->cfg->province,
                                    &R->latest[i], &d);
        if (st == CHISO_OK) {
            R->has_latest[i] = 1;
            if (R->latest[i].latest_value == NULL) {
                chiso_report__warnk(
                    R, "published_no_value", CHISO_SEVERITY_WARNING, NULL,
                    R->cfg->published,
                    R->en ? "%s: no published value for %s, only "
                            "ranks or mentions"
                          : "%s: chưa có điểm công bố của %s, chỉ "
                            "có thứ hạng hoặc thông tin định tính",
                    names[i], R->cfg->province);
            }
        } else if (st == CHISO_ENOMEM) {
            *R->diag = d;
            return st;
        } else {
            chiso_report__warnk(R, "published_index_missing",
                                CHISO_SEVERITY_WARNING, NULL, R->cfg->published,
                                "%s: %s", names[i], d.message);
        }
    }
    R->n_indices = i;
    return CHISO_OK;
}

static void
free_rp(struct rp *R)
{
    size_t i;

    chiso_report__free_charts(R);
    chiso_report__free_tables(R);
    chiso_diag_list_free(&R->wlist);
    chiso_report__history_free(R);
    for (i = 0; i < R->n_indices; i++) {
        if (R->has_latest[i]) {
            chiso_latest_clear(&R->latest[i]);
        }
    }
    chiso_published_free(R->pub);
    chiso_score_free(R->score);
    chiso_evidence_free(R->ev);
    chiso_framework_free(R->fw);
    chiso_input_set_free(&R->inputs);
    chiso_tasks_free(R->tasks);
    chiso_tasks_free(R->tasks_month);
    chiso_services_free(R->svc);
    chiso_services_free(R->svc_month);
    for (i = 0; i < R->n_strs; i++) {
        free(R->strs[i]);
    }
    free(R->strs);
    R->strs = NULL;
    R->n_strs = 0;
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The start of a pack, for the department's and the province's: never
 * into, over or around an input, never a folder chiso did not make;
 * refused before any work. Opens R->od.
 */
chiso_status
chiso_report__pack_open(struct rp *R, const char *out_dir, chiso_diag *diag)
{
    const char *inputs[64];
    size_t n_inputs;
    chiso_status st;

    n_inputs = chiso_report_config_inputs(R->cfg, inputs,
                                          sizeof(inputs) / sizeof(inputs[0]));
    st = chiso_output_check(out_dir, inputs, n_inputs, CHISO_OUTPUT_FOLDER,
                            diag);
    if (st == CHISO_OK) {
        chiso_outdir_options oo = CHISO_OUTDIR_OPTIONS_INIT;
        oo.keep_edited = R->opts->keep_edited;
        st = chiso_outdir_open_with(&R->od, out_dir, &oo, diag);
    }
    return st;
}

/*
 * The end of a pack whose files are written (st: how that went): the
 * summary, which lists every file and itself, then the folder put in
 * place (R->od is NULL after), the files kept in it (the user's) said
 * after the pack's own warnings -- not in summary.json, which does not
 * depend on what else is in the folder -- and the outcome handed over.
 */
chiso_status
chiso_report__pack_commit(struct rp *R,
                          chiso_status st,
                          chiso_status (*summary)(void *ctx),
                          void *ctx,
                          const char *out_dir,
                          chiso_report_outcome *outcome,
                          chiso_diag *diag)
{
    chiso_diag_list notes;
    size_t i;

    if (st == CHISO_OK) {
        st = chiso_report__add_file(R, "summary.json");
        if (st == CHISO_OK) {
            qsort(R->files, R->n_files, sizeof(*R->files), cmp_str);
            st = summary(ctx);
        }
    }
    if (st == CHISO_OK && R->oom) {
        st = CHISO_ENOMEM;
    }
    if (st != CHISO_OK) {
        if (diag != NULL && diag->code == CHISO_OK) {
            chiso_diag_set(diag, st, out_dir, 0, 0, "cannot write the report");
        }
        return st;
    }
    chiso_diag_list_init(&notes, 1000);
    notes.lang = R->en ? CHISO_LANG_EN : CHISO_LANG_VI;
    st = chiso_outdir_finish(R->od, &notes, diag);
    R->od = NULL;
    for (i = 0; st == CHISO_OK && i < notes.n; i++) {
        chiso_report__warn(R, "%s: %s", notes.items[i].path,
                           notes.items[i].message);
    }
    chiso_diag_list_free(&notes);
    if (st == CHISO_OK && outcome != NULL) {
        outcome->files = R->files;
        outcome->n_files = R->n_files;
        outcome->warnings = R->warnings;
        outcome->n_warnings = R->n_warnings;
        R->files = NULL;
        R->warnings = NULL;
        R->n_files = R->n_warnings = 0;
    }
    return st;
}

/*
 * The second thread ("side"): report.pdf, then the charts still
 * waiting, then the web page while this thread writes the Word file.
 * None of them needs the others' files: the PDF draws its own charts at
 * its own size, the page and the Word file need the charts' files and
 * read the report state that is complete by then (nothing they read
 * changes while they run). Each side
 * job works on a copy of the report state with its own texts (strf),
 * diagnostic and file list, merged back by side_join. What is written
 * does not depend on which thread wrote it or when. One thread
 * (opts->threads == 1, one processor, or no thread to be had): all in
 * place, in the order of before.
 */
struct side_job {
    struct rp P;
    chiso_diag diag;
    chiso_status st;
    int run; /* 1: to do */
};

struct report_side {
    struct side_job pdf;     /* report.pdf */
    struct side_job html;    /* report.html, once handed over */
    chiso_plot_batch *batch; /* charts to help with after the PDF */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int html_given; /* html.run is decided */
    pthread_t tid;
    int started; /* 1: on its thread; 0: all in place */
};

/* A copy of R for a job of the side thread, writing into job->diag. */
static void
side_copy(struct side_job *job, const struct rp *R)
{
    job->P = *R;
    job->P.strs = NULL;
    job->P.n_strs = 0;
    job->P.files = NULL;
    job->P.n_files = 0;
    job->P.oom = 0;
    chiso_diag_clear(&job->diag);
    if (R->diag != NULL) {
        job->diag.lang = R->diag->lang;
    }
    job->P.diag = &job->diag;
    job->st = CHISO_OK;
}

static void *
side_main(void *arg)
{
    struct report_side *s = arg;

    s->pdf.st = chiso_report__write_pdf(&s->pdf.P);
    /* then the charts still waiting, if any */
    chiso_plot_batch_help(s->batch);
    pthread_mutex_lock(&s->lock);
    while (!s->html_given) {
        pthread_cond_wait(&s->cond, &s->lock);
    }
    pthread_mutex_unlock(&s->lock);
    if (s->html.run) {
        s->html.st = chiso_report__write_html(&s->html.P);
    }
    /* Pango's font map is per thread: release this one's */
    chiso_plot_release_fonts();
    return NULL;
}

/* Start the side thread. */
static void
side_start(struct rp *R, struct report_side *s)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);

    memset(s, 0, sizeof(*s));
    if (R->opts->threads == 1 || cpus == 1) {
        return;
    }
    if (pthread_mutex_init(&s->lock, NULL) != 0) {
        return;
    }
    if (pthread_cond_init(&s->cond, NULL) != 0) {
        pthread_mutex_destroy(&s->lock);
        return;
    }
    side_copy(&s->pdf, R);
    s->pdf.run = 1;
    s->batch = R->batch;
    s->started = pthread_create(&s->tid, NULL, side_main, s) == 0;
    if (!s->started) {
        pthread_cond_destroy(&s->cond);
        pthread_mutex_destroy(&s->lock);
    }
}

/* Hand the web page to the side thread (R as it is now), or tell it
 * there is none to write. */
static void
side_give_html(struct report_side *s, const struct rp *R, int run)
{
    pthread_mutex_lock(&s->lock);
    if (run) {
        side_copy(&s->html, R);
    }
    s->html.run = run;
    s->html_given = 1;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->lock);
}

/* Take a side job's texts and files into R. */
static void
side_merge(struct rp *R, struct side_job *job)
{
    char **strs;
    size_t i;

    strs = job->P.n_strs > 0
               ? realloc(R->strs, (R->n_strs + job->P.n_strs) * sizeof(*strs))
               : R->strs;
    if (strs == NULL) {
        for (i = 0; i < job->P.n_strs; i++) {
            free(job->P.strs[i]);
        }
        R->oom = 1;
    } else {
        R->strs = strs;
        for (i = 0; i < job->P.n_strs; i++) {
            R->strs[R->n_strs++] = job->P.strs[i];
        }
    }
    free(job->P.strs);
    for (i = 0; i < job->P.n_files; i++) {
        if (chiso_report__add_file(R, job->P.files[i]) != CHISO_OK) {
            R->oom = 1;
        }
        free(job->P.files[i]);
    }
    free(job->P.files);
    R->oom |= job->P.oom;
    job->P.strs = NULL;
    job->P.files = NULL;
    job->P.n_strs = job->P.n_files = 0;
}

/* Wait for the side thread and take its work into R. */
static void
side_join(struct rp *R, struct report_side *s)
{
    if (!s->started) {
        return;
    }
    pthread_join(s->tid, NULL);
    s->started = 0;
    side_merge(R, &s->pdf);
    side_merge(R, &s->html);
    pthread_cond_destroy(&s->cond);
    pthread_mutex_destroy(&s->lock);
}

static chiso_status
department_summary(void *ctx)
{
    return chiso_report__write_summary(ctx);
}

chiso_status
chiso_report_build(const chiso_report_config *cfg,
                   const char *out_dir,
                   const chiso_report_options *opts,
                   chiso_report_outcome *outcome,
                   chiso_diag *diag)
{
    chiso_report_options defaults = CHISO_REPORT_OPTIONS_INIT;
    struct rp R;
    struct report_side side;
    chiso_plot_preload *fonts = NULL;
    chiso_status st;
    size_t i;
    int before_pdf_failed = 0;

    if (cfg->province_scope) {
        return chiso_report__province_build(cfg, out_dir, opts, outcome, diag);
    }
    memset(&R, 0, sizeof(R));
    if (outcome != NULL) {
        memset(outcome, 0, sizeof(*outcome));
    }
    R.cfg = cfg;
    R.opts = opts ? opts : &defaults;
    R.diag = diag;
    R.en = cfg->language != NULL && strcmp(cfg->language, "en") == 0;
    chiso_diag_list_init(&R.wlist, 200);
    R.wlist.lang = R.en ? CHISO_LANG_EN : CHISO_LANG_VI;
    /* fontconfig and the fonts load on the second processor while the
     * data are read */
    if (R.opts->threads != 1 && sysconf(_SC_NPROCESSORS_ONLN) > 1) {
        fonts = chiso_plot_preload_start();
    }
    st = chiso_report__pack_open(&R, out_dir, diag);
    if (st != CHISO_OK) {
        goto fail;
    }
    st = compute_period(&R);
    if (st == CHISO_OK) {
        st = compute_logs(&R);
    }
    if (st == CHISO_OK) {
        st = compute_score(&R);
    }
    if (st == CHISO_OK) {
        st = compute_published(&R);
    }
    if (st == CHISO_OK) {
        st = chiso_report__history_compute(&R);
    }
    if (st == CHISO_OK) {
        progress(&R, "charts");
        st = chiso_report__build_charts(&R);
    }
    if (st == CHISO_OK && R.oom) {
        st = CHISO_ENOMEM;
    }
    if (st != CHISO_OK) {
        goto fail;
    }
    progress(&R, "files");
    /*
     * Two threads: this one writes the tables and the workbook, then the
     * charts' files (helped by the other when it is done), then the Word
     * file; the other (struct report_side) writes report.pdf and, once
     * the charts are there, the page. A failure is said as it was
     * when all ran in turn (charts, tables, history, PDF, workbook, Word
     * file, page): the first in that order wins, so the early steps keep
     * their diagnostics aside (dt, dx).
     */
    st = chiso_report__charts_start(&R);
    if (st == CHISO_OK) {
        chiso_diag *outer = R.diag, dt, dx;
        chiso_status st_t, st_x = CHISO_OK;
        chiso_diag_clear(&dt);
        dt.lang = outer != NULL ? outer->lang : CHISO_LANG_VI;
        dx = dt;
        progress(&R, "pdf");
        chiso_plot_preload_wait(fonts);
        side_start(&R, &side);
        R.diag = &dt;
        st_t = chiso_report__build_tables(&R);
        if (st_t == CHISO_OK) {
            st_t = chiso_report__write_tables(&R);
        }
        if (st_t == CHISO_OK) {
            progress(&R, "xlsx");
            R.diag = &dx;
            st_x = chiso_report__write_xlsx(&R);
        }
        R.diag = outer;
        st = chiso_report__charts_wait(&R);
        if (st == CHISO_OK && st_t != CHISO_OK) {
            st = st_t;
            if (outer != NULL) {
                *outer = dt;
            }
        }
        if (st == CHISO_OK) {
            st = chiso_report__history_write(&R);
        }
        before_pdf_failed = st != CHISO_OK;
        if (side.started) {
            /* the page on the other thread, the Word file here */
            side_give_html(&side, &R, st == CHISO_OK && st_x == CHISO_OK);
            if (st == CHISO_OK && st_x == CHISO_OK) {
                progress(&R, "html");
                progress(&R, "docx");
                st = chiso_report__write_docx(&R);
            }
            side_join(&R, &side);
            if (side.pdf.st != CHISO_OK && !before_pdf_failed) {
                st = side.pdf.st;
                if (outer != NULL) {
                    *outer = side.pdf.diag;
                }
            } else if (st == CHISO_OK && st_x == CHISO_OK &&
                       side.html.st != CHISO_OK) {
                st = side.html.st;
                if (outer != NULL) {
                    *outer = side.html.diag;
                }
            }
        } else {
            if (st == CHISO_OK) {
                st = chiso_report__write_pdf(&R);
            }
            if (st == CHISO_OK && st_x == CHISO_OK) {
                progress(&R, "docx");
                st = chiso_report__write_docx(&R);
                if (st == CHISO_OK) {
                    progress(&R, "html");
                    st = chiso_report__write_html(&R);
                }
            }
        }
        /* no thread helps any more */
        chiso_plot_batch_free(R.batch);
        R.batch = NULL;
        if (st == CHISO_OK && st_x != CHISO_OK) {
            st = st_x;
            if (outer != NULL) {
                *outer = dx;
            }
        }
    }
    st = chiso_report__pack_commit(&R, st, department_summary, &R, out_dir,
                                   outcome, diag);
fail:
    chiso_plot_preload_free(fonts);
    chiso_outdir_abort(R.od);
    free_rp(&R);
    for (i = 0; i < R.n_files; i++) {
        free(R.files[i]);
    }
    free(R.files);
    for (i = 0; i < R.n_warnings; i++) {
        free(R.warnings[i]);
    }
    free(R.warnings);
    return st;
}

void
chiso_report_outcome_clear(chiso_report_outcome *o)
{
    size_t i;

    if (o == NULL) {
        return;
    }
    for (i = 0; i < o->n_files; i++) {
        free(o->files[i]);
    }
    free(o->files);
    for (i = 0; i < o->n_warnings; i++) {
        free(o->warnings[i]);
    }
    free(o->warnings);
    memset(o, 0, sizeof(*o));
}

size_t
chiso_report_config_inputs(const chiso_report_config *cfg,
                           const char **out,
                           size_t cap)
{
    const char *all[7];
    size_t i, n = 0;

    all[0] = cfg->path;
    all[1] = cfg->framework;
    all[2] = cfg->evidence;
    all[3] = cfg->tasks;
    all[4] = cfg->dossiers;
    all[5] = cfg->published;
    all[6] = cfg->units;
    for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        if (all[i] != NULL && n < cap) {
            out[n++] = all[i];
        }
    }
    for (i = 0; i < cfg->n_history && n < cap; i++) {
        out[n++] = cfg->history[i].path;
    }
    return n;
}
