/*
 * report_config.c - the report configuration file.
 *
 * Paths in the file are relative to the file's own folder, so a
 * configuration and its data can be moved together. They are joined and
 * lexically normalised ("a/b/../c" -> "a/c") so messages name files the
 * way a user would type them.
 */
#define _POSIX_C_SOURCE 200809L /* strtok_r */
#include "chiso_report.h"

#include "chiso_logs.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const config_keys[] = {
    "format",   "format_version", "title",     "unit",          "province",
    "period",   "language",       "framework", "evidence",      "tasks",
    "dossiers", "published",      "as_of",     "compare_units", "indices",
    "notes",    "scope",          "units",     "history",       NULL};

/* Remove "." segments and fold "x/.." pairs; keeps leading "..". */
static void
normalise_path(char *p)
{
    char *seg[256];
    size_t n = 0, i;
    int absolute = p[0] == '/';
    char *s, *save = NULL, *tmp = chiso_strdup(p);

    if (tmp == NULL) {
        return;
    }
    for (s = strtok_r(tmp, "/", &save); s != NULL && n < 256;
         s = strtok_r(NULL, "/", &save)) {
        if (strcmp(s, ".") == 0) {
            continue;
        }
        if (strcmp(s, "..") == 0 && n > 0 && strcmp(seg[n - 1], "..") != 0) {
            n--;
            continue;
        }
        if (strcmp(s, "..") == 0 && n == 0 && absolute) {
            continue;
        }
        seg[n++] = s;
    }
    p[0] = '\0';
    if (absolute) {
        strcat(p, "/");
    }
    for (i = 0; i < n; i++) {
        strcat(p, seg[i]);
        if (i + 1 < n) {
            strcat(p, "/");
        }
    }
    if (p[0] == '\0') {
        strcpy(p, ".");
    }
    free(tmp);
}

/*
 * A path of the configuration, relative to the configuration's folder. A
 * configuration that is not a file in a folder (a pipe such as
 * <(cat cfg.json), read from /dev/fd) has no folder of its own: its paths
 * are relative to the current folder.
 */
static char *
resolve(const char *config_path, const char *rel)
{
    const char *slash = strrchr(config_path, '/');
    size_t dlen = slash ? (size_t)(slash - config_path) : 0;
    struct stat sb;
    char *out;

    if (stat(config_path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        dlen = 0;
    }
    if (rel[0] == '/' || dlen == 0) {
        out = chiso_strdup(rel);
    } else {
        out = malloc(dlen + strlen(rel) + 2);
        if (out != NULL) {
            memcpy(out, config_path, dlen);
            out[dlen] = '/';
            strcpy(out + dlen + 1, rel);
        }
    }
    if (out != NULL) {
        normalise_path(out);
    }
    return out;
}

struct cl {
    const chiso_json_doc *doc;
    chiso_diag *diag;
    chiso_report_config *cfg;
    int failed;
};

static void province_keys(struct cl *L, const cJSON *root);

static const cJSON *
member(struct cl *L,
       const cJSON *obj,
       const char *key,
       int required,
       int type_string)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

    if (L->failed) {
        return NULL;
    }
    if (v == NULL || cJSON_IsNull(v)) {
        if (required) {
            chiso_json_doc_error(L->doc, L->diag, CHISO_ESCHEMA, obj,
                                 "missing \"%s\" in the report configuration",
                                 key);
            L->failed = 1;
        }
        return NULL;
    }
    if (type_string && (!cJSON_IsString(v) || v->valuestring[0] == '\0')) {
        chiso_json_doc_error(L->doc, L->diag, CHISO_ESCHEMA, v,
                             "\"%s\" must be a non-empty string", key);
        L->failed = 1;
        return NULL;
    }
    return v;
}

static char *
get_text(struct cl *L, const cJSON *obj, const char *key, int required)
{
    const cJSON *v = member(L, obj, key, required, 1);

    return v ? chiso_strdup(v->valuestring) : NULL;
}

static char *
get_path(struct cl *L, const cJSON *obj, const char *key, int required)
{
    const cJSON *v = member(L, obj, key, required, 1);

    return v ? resolve(L->cfg->path, v->valuestring) : NULL;
}

static void
get_list(
    struct cl *L, const cJSON *obj, const char *key, char ***out, size_t *n)
{
    const cJSON *v = member(L, obj, key, 0, 0), *s;

    if (v == NULL) {
        return;
    }
    if (!cJSON_IsArray(v)) {
        chiso_json_doc_error(L->doc, L->diag, CHISO_ESCHEMA, v,
                             "\"%s\" must be an array of strings", key);
        L->failed = 1;
        return;
    }
    *out = calloc((size_t)cJSON_GetArraySize(v) + 1, sizeof(char *));
    if (*out == NULL) {
        L->failed = 1;
        chiso_diag_set(L->diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
        return;
    }
    cJSON_ArrayForEach(s, v)
    {
        if (!cJSON_IsString(s) || s->valuestring[0] == '\0') {
            chiso_json_doc_error(L->doc, L->diag, CHISO_ESCHEMA, s,
                                 "\"%s\" must be an array of non-empty "
                                 "strings",
                                 key);
            L->failed = 1;
            return;
        }
        (*out)[(*n)++] = chiso_strdup(s->valuestring);
    }
}

chiso_status
chiso_report_config_load(chiso_report_config **out,
                         const char *path,
                         chiso_diag *diag)
{
    chiso_json_doc *doc = NULL;
    chiso_report_config *cfg;
    const cJSON *root, *v, *c;
    struct cl L;
    chiso_status st;
    size_t i;

    *out = NULL;
    st = chiso_json_doc_load(&doc, path, diag);
    if (st != CHISO_OK) {
        return st;
    }
    cfg = calloc(1, sizeof(*cfg));
    if (cfg == NULL || (cfg->path = chiso_strdup(path)) == NULL) {
        chiso_json_doc_free(doc);
        chiso_report_config_free(cfg);
        return chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
    }
    memset(&L, 0, sizeof(L));
    L.doc = doc;
    L.diag = diag;
    L.cfg = cfg;
    root = chiso_json_doc_root(doc);
    if (!cJSON_IsObject(root)) {
        chiso_json_doc_error(doc, diag, CHISO_ESCHEMA, root,
                             "a report configuration must hold a JSON "
                             "object");
        L.failed = 1;
        goto done;
    }
    for (c = root->child; c != NULL; c = c->next) {
        for (i = 0; config_keys[i] != NULL; i++) {
            if (strcmp(c->string, config_keys[i]) == 0) {
                break;
            }
        }
        if (config_keys[i] == NULL) {
            chiso_json_doc_error(doc, diag, CHISO_ESCHEMA, c,
                                 "unknown key \"%s\" in the report "
                                 "configuration",
                                 c->string);
            L.failed = 1;
            goto done;
        }
    }
    v = member(&L, root, "format", 1, 1);
    if (v != NULL && strcmp(v->valuestring, "chiso-report") != 0) {
        chiso_json_doc_error(doc, diag, CHISO_ESCHEMA, v,
                             "\"format\" must be \"chiso-report\", got "
                             "\"%s\"",
                             v->valuestring);
        L.failed = 1;
    }
    v = member(&L, root, "format_version", 0, 0);
    if (v != NULL && (!cJSON_IsNumber(v) || v->valueint != 1)) {
        chiso_json_doc_error(doc, diag, CHISO_ESCHEMA, v,
                             "unsupported \"format_version\" (this chiso "
                             "reads 1)");
        L.failed = 1;
    }
    province_keys(&L, root);
    v = member(&L, root, "unit", !cfg->province_scope, 0);
    if (v != NULL && !cJSON_IsObject(v)) {
        chiso_json_doc_error(doc, diag, CHISO_ESCHEMA, v,
                             "\"unit\" must be an object {\"code\", "
                             "\"name\"}");
        L.failed = 1;
    } else if (v != NULL) {
        cfg->unit_code = get_text(&L, v, "code", 1);
        cfg->unit_name = get_text(&L, v, "name", 1);
        get_list(&L, v, "names", &cfg->unit_names, &cfg->n_unit_names);
        cfg->dossier_unit = get_text(&L, v, "dossier_unit", 0);
        cfg->task_unit = get_text(&L, v, "task_unit", 0);
    }
    cfg->title = get_text(&L, root, "title", 0);
    cfg->province = get_text(&L, root, "province", 0);
    cfg->period = get_text(&L, root, "period", 1);
    if (cfg->period != NULL) {
        chiso_period_kind kind;
        int32_t idx;
        if (chiso_period_parse(cfg->period, &kind, &idx) != 0) {
            chiso_json_doc_error(
                doc, diag, CHISO_ESCHEMA,
                cJSON_GetObjectItemCaseSensitive(root, "period"),
                "bad period '%s' (expected 2024-H2, 2024, "
                "2024-Q3 or 2024-07)",
                cfg->period);
            L.failed = 1;
        }
    }
    cfg->language = get_text(&L, root, "language", 0);
    if (cfg->language != NULL && strcmp(cfg->language, "vi") != 0 &&
        strcmp(cfg->language, "en") != 0) {
        chiso_json_doc_error(doc, diag, CHISO_ESCHEMA,
                             cJSON_GetObjectItemCaseSensitive(root, "language"),
                             "\"language\" must be \"vi\" or \"en\"");
        L.failed = 1;
    }
    cfg->framework = get_path(&L, root, "framework", 1);
    cfg->evidence = get_path(&L, root, "evidence", 1);
    cfg->units = get_path(&L, root, "units", 0);
    cfg->tasks = get_path(&L, root, "tasks", 0);
    cfg->dossiers = get_path(&L, root, "dossiers", 0);
    cfg->published = get_path(&L, root, "published", 0);
    cfg->as_of = get_text(&L, root, "as_of", 0);
    if (cfg->as_of != NULL) {
        int64_t secs;
        int has_time;
        char why[128];
        if (chiso_parse_datetime(cfg->as_of, strlen(cfg->as_of), &secs,
                                 &has_time, why, sizeof(why)) != 0) {
            chiso_json_doc_error(
                doc, diag, CHISO_ESCHEMA,
                cJSON_GetObjectItemCaseSensitive(root, "as_of"),
                "bad \"as_of\" '%s': %s", cfg->as_of, why);
            L.failed = 1;
        }
    }
    get_list(&L, root, "compare_units", &cfg->compare_units,
             &cfg->n_compare_units);
    get_list(&L, root, "indices", &cfg->indices, &cfg->n_indices);
    get_list(&L, root, "notes", &cfg->notes, &cfg->n_notes);
done:
    chiso_json_doc_free(doc);
    if (L.failed) {
        chiso_report_config_free(cfg);
        return diag && diag->code != CHISO_OK ? diag->code : CHISO_ESCHEMA;
    }
    *out = cfg;
    return CHISO_OK;
}

static void
free_list(char **v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(v[i]);
    }
    free(v);
}

void
chiso_report_config_free(chiso_report_config *cfg)
{
    if (cfg == NULL) {
        return;
    }
    free(cfg->path);
    free(cfg->title);
    free(cfg->unit_code);
    free(cfg->unit_name);
    free_list(cfg->unit_names, cfg->n_unit_names);
    free(cfg->dossier_unit);
    free(cfg->task_unit);
    free(cfg->province);
    free(cfg->period);
    free(cfg->language);
    free(cfg->framework);
    free(cfg->evidence);
    free(cfg->tasks);
    free(cfg->dossiers);
    free(cfg->published);
    free(cfg->as_of);
    free_list(cfg->compare_units, cfg->n_compare_units);
    free_list(cfg->indices, cfg->n_indices);
    free_list(cfg->notes, cfg->n_notes);
    free(cfg->units);
    for (size_t i = 0; i < cfg->n_history; i++) {
        free(cfg->history[i].path);
        free(cfg->history[i].period);
    }
    free(cfg->history);
    free(cfg);
}

/* ---- province ---- (issue 13: "scope" and "history") */

static void
history_entry(struct cl *L, const cJSON *e, chiso_report_history_source *h)
{
    static const char *const kinds[] = {"summary", "score", "table"};
    static const char *const keys[] = {"summary", "score",   "table", "period",
                                       "rank",    "rank_of", NULL};
    const cJSON *c, *v;
    size_t i, n_src = 0;

    if (!cJSON_IsObject(e)) {
        chiso_json_doc_error(L->doc, L->diag, CHISO_ESCHEMA, e,
                             "each \"history\" entry must be an object with "
                             "one of \"summary\", \"score\" or \"table\"");
        L->failed = 1;
        return;
    }
    for (c = e->child; c != NULL && !L->failed; c = c->next) {
        for (i = 0; keys[i] != NULL && strcmp(c->string, keys[i]) != 0; i++) {
        }
        if (keys[i] == NULL) {
            chiso_json_doc_error(L->doc, L->diag, CHISO_ESCHEMA, c,
                                 "unknown key \"%s\" in a \"history\" entry",
                                 c->string);
            L->failed = 1;
        }
    }
    for (i = 0; i < 3 && !L->failed; i++) {
        if (cJSON_GetObjectItemCaseSensitive(e, kinds[i]) != NULL) {
            n_src++;
            h->kind = (chiso_report_history_kind)i;
            h->path = get_path(L, e, kinds[i], 1);
        }
    }
    if (!L->failed && n_src != 1) {
        chiso_json_doc_error(L->doc, L->diag, CHISO_ESCHEMA, e,
                             "each \"history\" entry must be an object with "
                             "one of \"summary\", \"score\" or \"table\"");
        L->failed = 1;
        return;
    }
    h->period = get_text(L, e, "period", h->kind != CHISO_HISTORY_TABLE);
    if (h->period != NULL) {
        chiso_period_kind kind;
        int32_t idx;
        if (chiso_period_parse(h->period, &kind, &idx) != 0 ||
            kind == CHISO_PERIOD_MONTH) {
            chiso_json_doc_error(
                L->doc, L->diag, CHISO_ESCHEMA,
                cJSON_GetObjectItemCaseSensitive(e, "period"),
                "bad history period '%s' (expected 2023-H1, 2024-Q2 or 2024)",
                h->period);
            L->failed = 1;
        }
    }
    v = member(L, e, "rank", 0, 0);
    if (v != NULL) {
        const cJSON *of = cJSON_GetObjectItemCaseSensitive(e, "rank_of");
        if (!cJSON_IsNumber(v) || !cJSON_IsNumber(of) || v->valuedouble < 1 ||
            of->valuedouble < v->valuedouble ||
            floor(v->valuedouble) < v->valuedouble ||
            floor(of->valuedouble) < of->valuedouble) {
            chiso_json_doc_error(L->doc, L->diag, CHISO_ESCHEMA, v,
                                 "\"rank\" and \"rank_of\" must be whole "
                                 "numbers with 1 <= rank <= rank_of");
            L->failed = 1;
            return;
        }
        h->rank = (long)v->valuedouble;
        h->rank_of = (long)of->valuedouble;
    }
}

static void
province_keys(struct cl *L, const cJSON *root)
{
    const cJSON *v = member(L, root, "scope", 0, 1), *e;
    size_t n;

    if (v != NULL) {
        if (strcmp(v->valuestring, "province") == 0) {
            L->cfg->province_scope = 1;
        } else if (strcmp(v->valuestring, "department") != 0) {
            chiso_json_doc_error(L->doc, L->diag, CHISO_ESCHEMA, v,
                                 "\"scope\" must be \"department\" or "
                                 "\"province\"");
            L->failed = 1;
        }
    }
    v = member(L, root, "history", 0, 0);
    if (v == NULL) {
        return;
    }
    if (!cJSON_IsArray(v)) {
        chiso_json_doc_error(L->doc, L->diag, CHISO_ESCHEMA, v,
                             "\"history\" must be an array of entries");
        L->failed = 1;
        return;
    }
    n = (size_t)cJSON_GetArraySize(v);
    L->cfg->history = calloc(n + 1, sizeof(*L->cfg->history));
    if (L->cfg->history == NULL) {
        chiso_diag_set(L->diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
        L->failed = 1;
        return;
    }
    cJSON_ArrayForEach(e, v)
    {
        if (L->failed) {
            return;
        }
        history_entry(L, e, &L->cfg->history[L->cfg->n_history++]);
    }
}
