/*
 * json_out.c - a framework as chiso-framework JSON text, written the way
 * the shipped files are: the framework's own keys one per line, one line
 * per leaf, inner nodes opening and closing their "children" on lines of
 * their own. Keys that hold a default are left out, so a table and the
 * JSON it becomes stay short and say only what the decision says.
 *
 * The writer also records the line where each node starts, so a problem
 * the framework loader finds in the JSON can be pointed back at the row of
 * the table it came from.
 */
#include "fwtable_int.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct jw {
    chiso_buf *out;
    unsigned long line;
    int oom;
} jw;

static void
put(jw *w, const char *s)
{
    const char *p;

    if (chiso_buf_puts(w->out, s) != CHISO_OK) {
        w->oom = 1;
    }
    for (p = s; *p != '\0'; p++) {
        w->line += *p == '\n';
    }
}

/* Print an item without formatting, with ", " and ": " between members,
 * as the shipped files are written. */
static void
put_item(jw *w, const cJSON *item)
{
    char *s = cJSON_PrintUnformatted(item);
    chiso_buf b = CHISO_BUF_INIT;
    const char *p;
    int inq = 0, esc = 0;

    if (s == NULL) {
        w->oom = 1;
        return;
    }
    for (p = s; *p != '\0'; p++) {
        chiso_buf_append(&b, p, 1);
        if (inq) {
            if (esc) {
                esc = 0;
            } else if (*p == '\\') {
                esc = 1;
            } else if (*p == '"') {
                inq = 0;
            }
            continue;
        }
        if (*p == '"') {
            inq = 1;
        } else if (*p == ',' || *p == ':') {
            chiso_buf_append(&b, " ", 1);
        }
    }
    free(s);
    put(w, b.data ? b.data : "");
    chiso_buf_free(&b);
}

static void
add_str(cJSON *o, const char *k, const char *v)
{
    if (v != NULL) {
        cJSON_AddStringToObject(o, k, v);
    }
}

static const char *
zero_den_name(chiso_zero_den z)
{
    return chiso_zero_den_name(z);
}

static cJSON *
rule_json(const chiso_node *n)
{
    const chiso_rule *r = &n->rule;
    cJSON *o = cJSON_CreateObject(), *arr, *x;
    size_t i;
    double dlo = 0, dhi;

    if (o == NULL) {
        return NULL;
    }
    cJSON_AddStringToObject(o, "type", chiso_rule_type_name(r->type));
    if (r->type != CHISO_RULE_TERMS &&
        r->unit != chiso_fwtable__unit_default(r->type)) {
        cJSON_AddStringToObject(o, "unit", chiso_value_unit_name(r->unit));
    }
    add_str(o, "source", r->source);
    switch (r->type) {
    case CHISO_RULE_PROPORTIONAL:
        cJSON_AddNumberToObject(o, "target", r->target);
        if (!r->capped) {
            cJSON_AddFalseToObject(o, "capped");
        }
        if (r->zero_den != CHISO_ZERO_DEN_NO_SCORE) {
            cJSON_AddStringToObject(o, "zero_denominator",
                                    zero_den_name(r->zero_den));
        }
        break;
    case CHISO_RULE_BANDS:
        if (r->zero_den != CHISO_ZERO_DEN_NO_SCORE) {
            cJSON_AddStringToObject(o, "zero_denominator",
                                    zero_den_name(r->zero_den));
        }
        arr = cJSON_AddArrayToObject(o, "bands");
        for (i = 0; arr != NULL && i < r->n_bands; i++) {
            x = cJSON_CreateObject();
            if (x == NULL) {
                break;
            }
            if (r->upper_bands) {
                if (r->bands[i].open) {
                    cJSON_AddNullToObject(x, "max");
                } else {
                    cJSON_AddNumberToObject(x, "max", r->bands[i].bound);
                }
            } else {
                cJSON_AddNumberToObject(x, "min", r->bands[i].bound);
            }
            cJSON_AddNumberToObject(x, "points", r->bands[i].points);
            cJSON_AddItemToArray(arr, x);
        }
        dhi = r->unit == CHISO_UNIT_PERCENT ? 100
              : r->unit == CHISO_UNIT_RATIO ? 1
                                            : HUGE_VAL;
        if (fabs(r->domain_min - dlo) > 1e-12 ||
            isfinite(r->domain_max) != isfinite(dhi) ||
            (isfinite(dhi) && fabs(r->domain_max - dhi) > 1e-12)) {
            arr = cJSON_AddArrayToObject(o, "domain");
            if (arr != NULL) {
                cJSON_AddItemToArray(arr, cJSON_CreateNumber(r->domain_min));
                cJSON_AddItemToArray(arr,
                                     isfinite(r->domain_max)
                                         ? cJSON_CreateNumber(r->domain_max)
                                         : cJSON_CreateNull());
            }
        }
        break;
    case CHISO_RULE_DEDUCTION:
        cJSON_AddNumberToObject(o, "per", r->per);
        break;
    case CHISO_RULE_TERMS:
        arr = cJSON_AddArrayToObject(o, "terms");
        for (i = 0; arr != NULL && i < r->n_terms; i++) {
            const chiso_term *t = &r->terms[i];
            x = cJSON_CreateObject();
            if (x == NULL) {
                break;
            }
            add_str(x, "input", t->input);
            add_str(x, "name", t->name);
            cJSON_AddNumberToObject(x, "points", t->points);
            cJSON_AddNumberToObject(x, "full_at", t->full_at);
            if (!t->capped) {
                cJSON_AddFalseToObject(x, "capped");
            }
            if (t->zero_den != CHISO_ZERO_DEN_ZERO) {
                cJSON_AddStringToObject(x, "zero_denominator",
                                        zero_den_name(t->zero_den));
            }
            if (t->unit != CHISO_UNIT_PERCENT) {
                cJSON_AddStringToObject(x, "unit",
                                        chiso_value_unit_name(t->unit));
            }
            add_str(x, "source", t->source);
            cJSON_AddItemToArray(arr, x);
        }
        break;
    case CHISO_RULE_NONE:
    case CHISO_RULE_MANUAL:
    case CHISO_RULE_BINARY:
    case CHISO_RULE_TRACKED:
        break;
    }
    add_str(o, "formula", r->formula);
    add_str(o, "confidence", r->confidence);
    if (!chiso_is_zero(r->tolerance)) {
        cJSON_AddNumberToObject(o, "tolerance", r->tolerance);
    }
    add_str(o, "text", r->text);
    return o;
}

static cJSON *
node_head(const chiso_node *n)
{
    cJSON *o = cJSON_CreateObject();

    if (o == NULL) {
        return NULL;
    }
    add_str(o, "id", n->id);
    add_str(o, "name", n->name);
    add_str(o, "name_en", n->name_en);
    add_str(o, "note", n->note);
    cJSON_AddNumberToObject(o, "max", n->max);
    return o;
}

static void
write_node(jw *w,
           const chiso_framework *fw,
           size_t i,
           int indent,
           int last,
           unsigned long *node_line)
{
    const chiso_node *n = &fw->nodes[i];
    cJSON *o = node_head(n);
    char pad[80];
    size_t k;

    if (o == NULL) {
        w->oom = 1;
        return;
    }
    memset(pad, ' ', sizeof(pad));
    pad[indent < 78 ? indent : 78] = '\0';
    if (node_line != NULL) {
        node_line[i] = w->line;
    }
    put(w, pad);
    if (n->n_children > 0) {
        char *s = cJSON_PrintUnformatted(o);
        cJSON *head = o;
        (void)s;
        free(s);
        /* print the head without its closing brace */
        {
            chiso_buf tmp = CHISO_BUF_INIT;
            chiso_buf *save = w->out;
            unsigned long line = w->line;
            w->out = &tmp;
            put_item(w, head);
            w->out = save;
            w->line = line;
            if (tmp.data != NULL && tmp.len > 0) {
                tmp.data[tmp.len - 1] = '\0'; /* drop '}' */
                put(w, tmp.data);
            }
            chiso_buf_free(&tmp);
        }
        put(w, ", \"children\": [\n");
        for (k = 0; k < n->n_children; k++) {
            write_node(w, fw, n->children[k], indent + 2,
                       k + 1 == n->n_children, node_line);
        }
        put(w, pad);
        put(w, last ? "]}\n" : "]},\n");
    } else {
        cJSON *r = rule_json(n);
        if (r == NULL) {
            w->oom = 1;
        } else {
            cJSON_AddItemToObject(o, "rule", r);
        }
        put_item(w, o);
        put(w, last ? "\n" : ",\n");
    }
    cJSON_Delete(o);
}

static void
key_string(jw *w, const char *key, const char *v)
{
    cJSON *s;

    if (v == NULL) {
        return;
    }
    s = cJSON_CreateString(v);
    if (s == NULL) {
        w->oom = 1;
        return;
    }
    put(w, "  \"");
    put(w, key);
    put(w, "\": ");
    put_item(w, s);
    put(w, ",\n");
    cJSON_Delete(s);
}

static void
key_number(jw *w, const char *key, double v)
{
    cJSON *s = cJSON_CreateNumber(v);

    if (s == NULL) {
        w->oom = 1;
        return;
    }
    put(w, "  \"");
    put(w, key);
    put(w, "\": ");
    put_item(w, s);
    put(w, ",\n");
    cJSON_Delete(s);
}

chiso_status
chiso_fwtable__json_write(const chiso_framework *fw,
                          const chiso_fwdoc *extras,
                          chiso_buf *out,
                          unsigned long *node_line)
{
    jw w;
    size_t i, n_top = 0, k;

    w.out = out;
    w.line = 1;
    w.oom = 0;
    put(&w,
        "{\n  \"format\": \"chiso-framework\",\n  \"format_version\": 1,\n");
    key_string(&w, "id", fw->id);
    key_string(&w, "name", fw->name);
    key_string(&w, "name_en", fw->name_en);
    key_string(&w, "version", fw->version);
    key_string(&w, "status", fw->status);
    key_string(&w, "legal_basis", fw->legal_basis);
    if (fw->n_notes > 0) {
        put(&w, "  \"notes\": [\n");
        for (i = 0; i < fw->n_notes; i++) {
            cJSON *s = cJSON_CreateString(fw->notes[i]);
            put(&w, "    ");
            if (s != NULL) {
                put_item(&w, s);
                cJSON_Delete(s);
            } else {
                w.oom = 1;
            }
            put(&w, i + 1 < fw->n_notes ? ",\n" : "\n");
        }
        put(&w, "  ],\n");
    }
    if (extras != NULL && extras->declared_max) {
        key_number(&w, "max", fw->max);
    }
    if (fw->points_decimals >= 0) {
        key_number(&w, "points_decimals", fw->points_decimals);
    }
    if (fw->index_decimals != 2) {
        key_number(&w, "index_decimals", fw->index_decimals);
    }
    if (fw->n_classes > 0) {
        put(&w, "  \"classification\": [\n");
        for (i = 0; i < fw->n_classes; i++) {
            cJSON *c = cJSON_CreateObject();
            if (c == NULL) {
                w.oom = 1;
                break;
            }
            add_str(c, "id", fw->classes[i].id);
            add_str(c, "label", fw->classes[i].label);
            if (extras != NULL && extras->class_label_en != NULL) {
                add_str(c, "label_en", extras->class_label_en[i]);
            }
            cJSON_AddNumberToObject(c, "min", fw->classes[i].min);
            put(&w, "    ");
            put_item(&w, c);
            put(&w, i + 1 < fw->n_classes ? ",\n" : "\n");
            cJSON_Delete(c);
        }
        put(&w, "  ],\n");
    }
    if (extras != NULL && extras->n_sources > 0) {
        put(&w, "  \"sources\": [\n");
        for (i = 0; i < extras->n_sources; i++) {
            cJSON *c = cJSON_CreateObject();
            if (c == NULL) {
                w.oom = 1;
                break;
            }
            add_str(c, "title", extras->sources[i].title);
            add_str(c, "url", extras->sources[i].url);
            add_str(c, "used_for", extras->sources[i].used_for);
            put(&w, "    ");
            put_item(&w, c);
            put(&w, i + 1 < extras->n_sources ? ",\n" : "\n");
            cJSON_Delete(c);
        }
        put(&w, "  ],\n");
    }
    put(&w, "  \"nodes\": [\n");
    for (i = 0; i < fw->n_nodes; i++) {
        n_top += fw->nodes[i].parent == CHISO_NO_PARENT;
    }
    for (i = 0, k = 0; i < fw->n_nodes; i++) {
        if (fw->nodes[i].parent == CHISO_NO_PARENT) {
            k++;
            write_node(&w, fw, i, 4, k == n_top, node_line);
        }
    }
    put(&w, "  ]\n}\n");
    return w.oom ? CHISO_ENOMEM : CHISO_OK;
}

char *
chiso_fwdoc_to_json(const chiso_fwdoc *doc)
{
    chiso_buf b = CHISO_BUF_INIT;

    if (chiso_fwtable__json_write(doc->fw, doc, &b, NULL) != CHISO_OK) {
        chiso_buf_free(&b);
        return NULL;
    }
    return b.data;
}
