/*
 * export.c - a framework becomes the table a province would publish: the
 * block of "key | value" rows with the framework's own data, then one row
 * per node in tree order with its rule in words. Columns that no node
 * uses are left out; a level column (Cấp) is added only when the codes do
 * not show the hierarchy themselves (qd766's "CKMB", "PUBLISH_ON_TIME").
 *
 * Reading the table back gives the same framework: every value is written
 * in a form the reader takes back exactly (numbers in their shortest
 * round-trip form, rules in the canonical words of words.c).
 */
#define _POSIX_C_SOURCE 200809L
#include "fwtable_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum {
    X_CODE,
    X_LEVEL,
    X_NAME,
    X_NAME_EN,
    X_MAX,
    X_KIND,
    X_PARAMS,
    X_TEXT,
    X_SOURCE,
    X_UNIT,
    X_APPLIES,
    X_NOTE,
    X_FORMULA,
    X_CONFIDENCE,
    X_TOLERANCE,
    N_X
};

static const char *const x_label[N_X] = {
    "Mã",        "Cấp",      "Tên tiêu chí", "Tên tiếng Anh", "Điểm tối đa",
    "Cách chấm", "Mức chấm", "Diễn giải",    "Nguồn số liệu", "Đơn vị tính",
    "Áp dụng",   "Ghi chú",  "Mã công thức", "Độ tin cậy",    "Sai số"};

typedef struct gb {
    chiso_fwgrid *g;
    size_t cap;
    int oom;
} gb;

static chiso_fwgrid_row *
grow(gb *b, size_t n_cells, chiso_fwgrid_role role)
{
    chiso_fwgrid_row *r;

    if (b->g->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        chiso_fwgrid_row *p = realloc(b->g->rows, cap * sizeof(*p));
        if (p == NULL) {
            b->oom = 1;
            return NULL;
        }
        b->g->rows = p;
        b->cap = cap;
    }
    r = &b->g->rows[b->g->n];
    memset(r, 0, sizeof(*r));
    r->cells = calloc(n_cells ? n_cells : 1, sizeof(*r->cells));
    if (r->cells == NULL) {
        b->oom = 1;
        return NULL;
    }
    r->n = n_cells;
    r->role = role;
    b->g->n++;
    return r;
}

static void
set_text(gb *b, chiso_fwgrid_cell *c, const char *s)
{
    c->text = chiso_strdup(s ? s : "");
    if (c->text == NULL) {
        b->oom = 1;
    }
}

static void
set_textn(gb *b, chiso_fwgrid_cell *c, const char *s, size_t n)
{
    c->text = chiso_strndup(s, n);
    if (c->text == NULL) {
        b->oom = 1;
    }
}

static void
set_num(gb *b, chiso_fwgrid_cell *c, double x)
{
    char t[64];

    chiso_format_double(x, t, sizeof(t));
    set_text(b, c, t);
    c->is_number = 1;
    c->number = x;
}

static void
fill_empty(gb *b, chiso_fwgrid_row *r)
{
    size_t i;

    for (i = 0; r != NULL && i < r->n; i++) {
        if (r->cells[i].text == NULL) {
            set_text(b, &r->cells[i], "");
        }
    }
}

static void
meta(gb *b,
     const char *key,
     const char *v1,
     const char *v2,
     const char *v3,
     const char *v4)
{
    const char *v[4] = {v1, v2, v3, v4};
    size_t n = 1, i;
    chiso_fwgrid_row *r;

    for (i = 0; i < 4; i++) {
        if (v[i] != NULL) {
            n = i + 2;
        }
    }
    r = grow(b, n, CHISO_FWGRID_META_KEY);
    if (r == NULL) {
        return;
    }
    set_text(b, &r->cells[0], key);
    for (i = 1; i < n; i++) {
        set_text(b, &r->cells[i], v[i - 1]);
    }
}

/* Do the ids show the hierarchy (1, 1.1, 1.1.2)? */
static int
codes_hierarchical(const chiso_framework *fw)
{
    size_t i, j;

    for (i = 0; i < fw->n_nodes; i++) {
        const chiso_node *n = &fw->nodes[i];
        const char *id = n->id;
        size_t segs = 1, len = strlen(id);
        if (len == 0 || id[0] == '.' || id[len - 1] == '.') {
            return 0;
        }
        for (j = 0; j < len; j++) {
            if (id[j] == '.') {
                if (id[j + 1] == '.') {
                    return 0;
                }
                segs++;
            } else if (id[j] < '0' || id[j] > '9') {
                return 0;
            }
        }
        if ((int)segs - 1 != n->depth) {
            return 0;
        }
        if (n->parent != CHISO_NO_PARENT) {
            const char *pid = fw->nodes[n->parent].id;
            size_t pl = strlen(pid);
            if (strncmp(id, pid, pl) != 0 || id[pl] != '.') {
                return 0;
            }
        }
    }
    return 1;
}

static void
class_row(gb *b,
          chiso_fwgrid_row *r,
          size_t off,
          const chiso_class_band *c,
          const char *label_en)
{
    char num[64], range[80];

    chiso_fwtable__num_vi(c->min, num, sizeof(num));
    snprintf(range, sizeof(range), "≥ %s", num);
    set_text(b, &r->cells[off], c->label);
    set_text(b, &r->cells[off + 1], range);
    set_text(b, &r->cells[off + 2], c->id);
    set_text(b, &r->cells[off + 3], label_en ? label_en : "");
}

chiso_status
chiso_fwdoc_to_grid(chiso_fwgrid **out,
                    const chiso_fwdoc *doc,
                    int classes_inline)
{
    const chiso_framework *fw = doc->fw;
    gb b;
    int use[N_X];
    long pos[N_X];
    size_t i, k, n_cols = 0;
    char buf[64];

    *out = NULL;
    memset(&b, 0, sizeof(b));
    b.g = calloc(1, sizeof(*b.g));
    if (b.g == NULL) {
        return CHISO_ENOMEM;
    }
    /* the header block */
    meta(&b, "Mã bộ tiêu chí", fw->id, NULL, NULL, NULL);
    meta(&b, "Tên bộ tiêu chí", fw->name, NULL, NULL, NULL);
    if (fw->name_en != NULL) {
        meta(&b, "Tên tiếng Anh", fw->name_en, NULL, NULL, NULL);
    }
    if (fw->version != NULL) {
        meta(&b, "Phiên bản", fw->version, NULL, NULL, NULL);
    }
    if (fw->status != NULL) {
        meta(&b, "Trạng thái", chiso_fwtable__status_vi(fw->status), NULL, NULL,
             NULL);
    }
    if (fw->legal_basis != NULL) {
        meta(&b, "Căn cứ", fw->legal_basis, NULL, NULL, NULL);
    }
    if (doc->declared_max) {
        chiso_format_double(fw->max, buf, sizeof(buf));
        meta(&b, "Tổng điểm", buf, NULL, NULL, NULL);
    }
    if (fw->points_decimals >= 0) {
        snprintf(buf, sizeof(buf), "%d chữ số thập phân", fw->points_decimals);
        meta(&b, "Làm tròn điểm", buf, NULL, NULL, NULL);
    }
    if (fw->index_decimals != 2) {
        snprintf(buf, sizeof(buf), "%d chữ số thập phân", fw->index_decimals);
        meta(&b, "Làm tròn chỉ số", buf, NULL, NULL, NULL);
    }
    for (i = 0; i < fw->n_notes; i++) {
        meta(&b, "Ghi chú", fw->notes[i], NULL, NULL, NULL);
    }
    for (i = 0; i < doc->n_sources; i++) {
        const chiso_fwdoc_source *s = &doc->sources[i];
        meta(&b, "Nguồn tài liệu", s->title,
             s->url || s->used_for ? (s->url ? s->url : "") : NULL, s->used_for,
             NULL);
    }
    for (i = 0; i < fw->n_classes; i++) {
        const char *en = doc->class_label_en ? doc->class_label_en[i] : NULL;
        chiso_fwgrid_row *r;
        if (classes_inline) {
            r = grow(&b, 5, CHISO_FWGRID_META_KEY);
            if (r != NULL) {
                set_text(&b, &r->cells[0], "Xếp loại");
                class_row(&b, r, 1, &fw->classes[i], en);
            }
        }
    }
    for (i = 0; i < b.g->n; i++) {
        fill_empty(&b, &b.g->rows[i]);
    }
    grow(&b, 0, CHISO_FWGRID_EMPTY);
    /* which columns */
    for (k = 0; k < N_X; k++) {
        use[k] = 0;
    }
    use[X_CODE] = use[X_NAME] = use[X_MAX] = use[X_KIND] = use[X_PARAMS] = 1;
    use[X_TEXT] = 1;
    use[X_LEVEL] = !codes_hierarchical(fw);
    for (i = 0; i < fw->n_nodes; i++) {
        const chiso_node *n = &fw->nodes[i];
        const chiso_rule *r = &n->rule;
        size_t al;
        const char *rest;
        if (n->name_en) {
            use[X_NAME_EN] = 1;
        }
        if (chiso_fwtable_node_applies(n, &al, &rest) != NULL) {
            use[X_APPLIES] = 1;
        }
        if (rest != NULL) {
            use[X_NOTE] = 1;
        }
        if (!chiso_node_is_leaf(n)) {
            continue;
        }
        if (r->source) {
            use[X_SOURCE] = 1;
        }
        if (r->type != CHISO_RULE_TERMS &&
            r->unit != chiso_fwtable__unit_default(r->type)) {
            use[X_UNIT] = 1;
        }
        for (k = 0; k < r->n_terms; k++) {
            if (r->terms[k].source) {
                use[X_SOURCE] = 1;
            }
            if (r->terms[k].unit != CHISO_UNIT_PERCENT) {
                use[X_UNIT] = 1;
            }
        }
        if (r->formula) {
            use[X_FORMULA] = 1;
        }
        if (r->confidence) {
            use[X_CONFIDENCE] = 1;
        }
        if (!chiso_is_zero(r->tolerance)) {
            use[X_TOLERANCE] = 1;
        }
    }
    for (k = 0; k < N_X; k++) {
        pos[k] = use[k] ? (long)n_cols++ : -1;
    }
    b.g->n_columns = n_cols;
    b.g->header_row = b.g->n;
    {
        chiso_fwgrid_row *r = grow(&b, n_cols, CHISO_FWGRID_HEADER);
        for (k = 0; r != NULL && k < N_X; k++) {
            if (pos[k] >= 0) {
                set_text(&b, &r->cells[pos[k]], x_label[k]);
            }
        }
    }
    /* one row per node (document order is tree order), terms below */
    for (i = 0; i < fw->n_nodes && !b.oom; i++) {
        const chiso_node *n = &fw->nodes[i];
        const chiso_rule *ru = &n->rule;
        int leaf = chiso_node_is_leaf(n);
        chiso_fwgrid_row *r = grow(&b, n_cols,
                                   leaf            ? CHISO_FWGRID_LEAF
                                   : n->depth == 0 ? CHISO_FWGRID_AREA
                                                   : CHISO_FWGRID_INNER);
        size_t al;
        const char *rest, *ap;
        if (r == NULL) {
            break;
        }
        r->depth = n->depth;
        set_text(&b, &r->cells[pos[X_CODE]], n->id);
        if (pos[X_LEVEL] >= 0) {
            set_num(&b, &r->cells[pos[X_LEVEL]], n->depth + 1);
        }
        set_text(&b, &r->cells[pos[X_NAME]], n->name);
        if (pos[X_NAME_EN] >= 0 && n->name_en) {
            set_text(&b, &r->cells[pos[X_NAME_EN]], n->name_en);
        }
        set_num(&b, &r->cells[pos[X_MAX]], n->max);
        ap = chiso_fwtable_node_applies(n, &al, &rest);
        if (ap != NULL) {
            set_textn(&b, &r->cells[pos[X_APPLIES]], ap, al);
        }
        if (rest != NULL && pos[X_NOTE] >= 0) {
            set_text(&b, &r->cells[pos[X_NOTE]], rest);
        }
        if (leaf) {
            char *p = chiso_fwtable_rule_params(n);
            set_text(&b, &r->cells[pos[X_KIND]],
                     chiso_fwtable_kind_word(ru->type));
            set_text(&b, &r->cells[pos[X_PARAMS]], p ? p : "");
            free(p);
            if (ru->text) {
                set_text(&b, &r->cells[pos[X_TEXT]], ru->text);
            }
            if (ru->source) {
                set_text(&b, &r->cells[pos[X_SOURCE]], ru->source);
            }
            if (pos[X_UNIT] >= 0 && ru->type != CHISO_RULE_TERMS &&
                ru->unit != chiso_fwtable__unit_default(ru->type)) {
                set_text(&b, &r->cells[pos[X_UNIT]],
                         chiso_fwtable__unit_word(ru->unit));
            }
            if (ru->formula) {
                set_text(&b, &r->cells[pos[X_FORMULA]], ru->formula);
            }
            if (ru->confidence) {
                set_text(&b, &r->cells[pos[X_CONFIDENCE]], ru->confidence);
            }
            if (!chiso_is_zero(ru->tolerance)) {
                set_num(&b, &r->cells[pos[X_TOLERANCE]], ru->tolerance);
            }
        }
        fill_empty(&b, r);
        for (k = 0; k < ru->n_terms; k++) {
            const chiso_term *t = &ru->terms[k];
            chiso_fwgrid_row *tr = grow(&b, n_cols, CHISO_FWGRID_TERM);
            char *p;
            if (tr == NULL) {
                break;
            }
            tr->depth = n->depth + 1;
            set_text(&b, &tr->cells[pos[X_CODE]], t->input);
            if (t->name) {
                set_text(&b, &tr->cells[pos[X_NAME]], t->name);
            }
            set_num(&b, &tr->cells[pos[X_MAX]], t->points);
            set_text(&b, &tr->cells[pos[X_KIND]], "thành phần");
            p = chiso_fwtable_term_params(t);
            set_text(&b, &tr->cells[pos[X_PARAMS]], p ? p : "");
            free(p);
            if (t->source) {
                set_text(&b, &tr->cells[pos[X_SOURCE]], t->source);
            }
            if (t->unit != CHISO_UNIT_PERCENT) {
                set_text(&b, &tr->cells[pos[X_UNIT]],
                         chiso_fwtable__unit_word(t->unit));
            }
            fill_empty(&b, tr);
        }
    }
    /* the classification as its own small table */
    if (fw->n_classes > 0 && !b.oom) {
        b.g->class_rows = calloc(fw->n_classes + 1, sizeof(*b.g->class_rows));
        if (b.g->class_rows == NULL) {
            b.oom = 1;
        } else {
            static const char *const head[] = {"Nhãn", "Từ (%)", "Mã",
                                               "Nhãn tiếng Anh"};
            chiso_fwgrid_row *r = &b.g->class_rows[0];
            b.g->n_class_rows = fw->n_classes + 1;
            for (i = 0; i <= fw->n_classes; i++) {
                r = &b.g->class_rows[i];
                r->n = 4;
                r->cells = calloc(4, sizeof(*r->cells));
                if (r->cells == NULL) {
                    b.oom = 1;
                    break;
                }
                r->role = i == 0 ? CHISO_FWGRID_HEADER : CHISO_FWGRID_LEAF;
                if (i == 0) {
                    for (k = 0; k < 4; k++) {
                        set_text(&b, &r->cells[k], head[k]);
                    }
                } else {
                    class_row(&b, r, 0, &fw->classes[i - 1],
                              doc->class_label_en ? doc->class_label_en[i - 1]
                                                  : NULL);
                    r->cells[1].is_number = 0;
                }
            }
        }
    }
    if (b.oom) {
        chiso_fwgrid_free(b.g);
        return CHISO_ENOMEM;
    }
    *out = b.g;
    return CHISO_OK;
}

static void
row_free(chiso_fwgrid_row *r)
{
    size_t k;

    for (k = 0; k < r->n; k++) {
        free(r->cells[k].text);
    }
    free(r->cells);
}

void
chiso_fwgrid_free(chiso_fwgrid *g)
{
    size_t i;

    if (g == NULL) {
        return;
    }
    for (i = 0; i < g->n; i++) {
        row_free(&g->rows[i]);
    }
    free(g->rows);
    for (i = 0; i < g->n_class_rows; i++) {
        row_free(&g->class_rows[i]);
    }
    free(g->class_rows);
    free(g);
}

chiso_status
chiso_fwdoc_write_csv(const chiso_fwdoc *doc, FILE *out)
{
    chiso_fwgrid *g = NULL;
    chiso_csvw w;
    chiso_status st;
    size_t i, k;

    st = chiso_fwdoc_to_grid(&g, doc, 1);
    if (st != CHISO_OK) {
        return st;
    }
    chiso_csvw_init(&w, out, ',', 1);
    for (i = 0; i < g->n; i++) {
        const chiso_fwgrid_row *r = &g->rows[i];
        for (k = 0; k < r->n; k++) {
            if (r->cells[k].is_number) {
                chiso_csvw_number(&w, r->cells[k].number);
            } else {
                chiso_csvw_text(&w, r->cells[k].text);
            }
        }
        chiso_csvw_end(&w);
    }
    chiso_fwgrid_free(g);
    return ferror(out) ? CHISO_EIO : CHISO_OK;
}
