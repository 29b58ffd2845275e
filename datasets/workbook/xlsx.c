/*
 * xlsx.c - Office Open XML workbooks: libzip for the package, expat for
 * the XML.
 *
 * Opening follows the relationships, never assumed file names:
 * _rels/.rels names the workbook part, the workbook's .rels names each
 * sheet's part, the shared strings and the styles. Element and attribute
 * names are compared without their prefix ("x:row" = "row"), which covers
 * the transitional and strict namespaces and the prefixed XML that .NET
 * writers produce, without paying for expat's namespace processing on
 * every cell.
 *
 * A sheet is streamed: zip_fread inflates 256 KiB at a time straight into
 * expat's buffer, and the handler of </row> suspends the parser
 * (XML_StopParser resumable), so next_row returns with the rest of the
 * chunk still in expat and resumes it on the next call. Memory is the
 * chunk, one row and the shared-strings table, whatever the sheet's length.
 *
 * The shared strings are one buffer of NUL-terminated strings and a table
 * of 32-bit offsets (4 bytes per string beyond its text), loaded at the
 * first selection. Every decompressed byte is counted against the limits of
 * chiso_workbook.h, so a zip bomb stops early. A DTD is refused outright
 * (workbooks never have one), so no entity can expand.
 */
#define _POSIX_C_SOURCE 200809L
#include "chiso_workbook.h"
#include "workbook_int.h"

#include <errno.h>
#include <expat.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

/* bytes inflated per read: large enough that expat's per-call overhead
 * vanishes, small enough to stay in the cache */
#define CHUNK (256 * 1024)

enum { CT_N = 0, CT_S, CT_STR, CT_INLINE, CT_B, CT_E, CT_D };

typedef struct rel {
    char *id;
    char *type;   /* last path segment of the Type URI: "worksheet" */
    char *target; /* resolved part name */
} rel;

struct wb_xlsx {
    XML_Parser xp; /* the sheet's parser; first: refuse_dtd reads it */
    zip_t *zip;
    const void *mem; /* the caller's bytes (open_mem), else NULL */
    size_t mem_len;
    char *wb_part;
    char *sst_part;
    char *styles_part;
    unsigned char *xf_class;
    size_t n_xf;

    /* shared strings */
    char *sst;
    size_t sst_len, sst_cap;
    uint32_t *sst_off; /* sst_n + 1 entries */
    size_t sst_n, sst_offcap;
    int sst_loaded;

    /* the sheet stream */
    zip_file_t *zf;
    struct readahead *ra; /* inflating thread of a large sheet, or NULL */
    const char *part;
    size_t chunk;
    uint64_t bytes;
    int suspended, final_fed, finished;

    /* parse state of the sheet */
    chiso_workbook *wb;
    chiso_diag *diag;
    chiso_status err;
    int in_sd, in_row, in_c, in_v, in_is, in_t, in_rph;
    int got_v, has_f, row_has_r, row_ready;
    int ctype;
    unsigned cstyle;
    uint32_t ccol, next_col, last_row;
    chiso_buf v;
};

/* ---- small helpers --------------------------------------------------- */

static const char *
local(const char *name)
{
    const char *c = strrchr(name, ':');
    return c != NULL ? c + 1 : name;
}

static const char *
attr(const XML_Char **atts, const char *want)
{
    size_t i;
    for (i = 0; atts[i] != NULL; i += 2) {
        if (strcmp(local(atts[i]), want) == 0) {
            return atts[i + 1];
        }
    }
    return NULL;
}

static int
truthy(const char *v)
{
    return v != NULL && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0 ||
                         strcmp(v, "on") == 0);
}

/* Resolve a relationship target against the part that holds it. */
static char *
resolve(const char *source_part, const char *target)
{
    char *joined, *out, *seg, *save = NULL;
    size_t n, dir = 0, i, w = 0;

    if (target[0] == '/') {
        joined = chiso_strdup(target + 1);
    } else {
        const char *slash = strrchr(source_part, '/');
        dir = slash != NULL ? (size_t)(slash - source_part) + 1 : 0;
        n = dir + strlen(target) + 1;
        joined = malloc(n);
        if (joined != NULL) {
            memcpy(joined, source_part, dir);
            strcpy(joined + dir, target);
        }
    }
    if (joined == NULL) {
        return NULL;
    }
    for (i = 0; joined[i] != '\0'; i++) {
        if (joined[i] == '\\') {
            joined[i] = '/';
        }
    }
    out = malloc(strlen(joined) + 1);
    if (out == NULL) {
        free(joined);
        return NULL;
    }
    out[0] = '\0';
    /* drop "." segments and let ".." remove the previous one */
    for (seg = strtok_r(joined, "/", &save); seg != NULL;
         seg = strtok_r(NULL, "/", &save)) {
        if (strcmp(seg, ".") == 0) {
            continue;
        }
        if (strcmp(seg, "..") == 0) {
            while (w > 0 && out[w - 1] != '/') {
                w--;
            }
            if (w > 0) {
                w--;
            }
            out[w] = '\0';
            continue;
        }
        if (w > 0) {
            out[w++] = '/';
        }
        strcpy(out + w, seg);
        w += strlen(seg);
    }
    free(joined);
    return out;
}

/* Part name of the relationships of `part`: a/b.xml -> a/_rels/b.xml.rels */
static char *
rels_of(const char *part)
{
    const char *slash = strrchr(part, '/');
    size_t dir = slash != NULL ? (size_t)(slash - part) + 1 : 0;
    char *r = malloc(strlen(part) + 12);
    if (r == NULL) {
        return NULL;
    }
    memcpy(r, part, dir);
    sprintf(r + dir, "_rels/%s.rels", part + dir);
    return r;
}

static zip_int64_t
locate(zip_t *z, const char *name)
{
    zip_int64_t i;
    char alt[1024];
    size_t k;

    if (name[0] == '/') {
        name++;
    }
    i = zip_name_locate(z, name, 0);
    if (i < 0) {
        i = zip_name_locate(z, name, ZIP_FL_NOCASE);
    }
    if (i < 0 && strlen(name) < sizeof(alt)) {
        /* some writers store "xl\worksheets\sheet1.xml" */
        for (k = 0; name[k] != '\0'; k++) {
            alt[k] = name[k] == '/' ? '\\' : name[k];
        }
        alt[k] = '\0';
        i = zip_name_locate(z, alt, ZIP_FL_NOCASE);
    }
    return i;
}

/* Declared uncompressed size of a part, 0 when unknown or absent. */
static uint64_t
part_size(zip_t *z, const char *part)
{
    zip_int64_t idx = locate(z, part);
    zip_stat_t sb;

    zip_stat_init(&sb);
    if (idx < 0 || zip_stat_index(z, (zip_uint64_t)idx, 0, &sb) != 0 ||
        !(sb.valid & ZIP_STAT_SIZE)) {
        return 0;
    }
    return sb.size;
}

static chiso_status
zip_err(chiso_workbook *wb, chiso_diag *diag, const char *part, zip_error_t *ze)
{
    int code = zip_error_code_zip(ze);

    switch (code) {
    case ZIP_ER_MEMORY:
        return chiso_diag_set(diag, CHISO_ENOMEM, wb->path, 0, 0,
                              "out of memory");
    case ZIP_ER_NOPASSWD:
    case ZIP_ER_WRONGPASSWD:
    case ZIP_ER_ENCRNOTSUPP:
        return chiso_diag_set(diag, CHISO_EPARSE, wb->path, 0, 0,
                              "the workbook is encrypted (part %s); save a "
                              "copy without a password and read that",
                              part);
    case ZIP_ER_COMPNOTSUPP:
        return chiso_diag_set(diag, CHISO_EPARSE, wb->path, 0, 0,
                              "the part %s of the workbook uses a compression "
                              "method chiso cannot read; open and save the "
                              "workbook again in Excel or LibreOffice",
                              part);
    case ZIP_ER_CRC:
        return chiso_diag_set(diag, CHISO_EPARSE, wb->path, 0, 0,
                              "damaged workbook: the part %s fails its "
                              "checksum (the file is corrupt or truncated)",
                              part);
    case ZIP_ER_READ:
    case ZIP_ER_SEEK:
    case ZIP_ER_OPEN:
        if (zip_error_code_system(ze) != 0) {
            return chiso_diag_set_errno(
                diag, wb->path, zip_error_code_system(ze), "cannot read");
        }
        break;
    default:
        break;
    }
    return chiso_diag_set(diag, CHISO_EPARSE, wb->path, 0, 0,
                          "damaged workbook: cannot read the part %s (%s)",
                          part, zip_error_strerror(ze));
}

/* Open a part for reading. CHISO_DONE when it is absent. */
static chiso_status
open_part(chiso_workbook *wb,
          const char *part,
          uint64_t cap,
          zip_file_t **out,
          size_t *chunk,
          chiso_diag *diag)
{
    struct wb_xlsx *x = wb->x;
    zip_int64_t idx = locate(x->zip, part);
    zip_stat_t sb;
    zip_file_t *zf;

    *out = NULL;
    *chunk = CHUNK;
    if (idx < 0) {
        return CHISO_DONE;
    }
    zip_stat_init(&sb);
    if (zip_stat_index(x->zip, (zip_uint64_t)idx, 0, &sb) == 0) {
        if ((sb.valid & ZIP_STAT_ENCRYPTION_METHOD) &&
            sb.encryption_method != ZIP_EM_NONE) {
            return chiso_diag_set(diag, CHISO_EPARSE, wb->path, 0, 0,
                                  "the workbook is encrypted (part %s); save "
                                  "a copy without a password and read that",
                                  part);
        }
        if ((sb.valid & ZIP_STAT_SIZE) && sb.size + 1 < CHUNK) {
            /* a small part needs no big buffer */
            *chunk = sb.size + 1 < 4096 ? 4096 : (size_t)sb.size + 1;
        }
        if ((sb.valid & ZIP_STAT_SIZE) && sb.size > cap) {
            return chiso_diag_set(diag, CHISO_EPARSE, wb->path, 0, 0,
                                  "the part %s of the workbook is too large "
                                  "(%llu bytes uncompressed; the limit is "
                                  "%llu)",
                                  part, (unsigned long long)sb.size,
                                  (unsigned long long)cap);
        }
    }
    zf = zip_fopen_index(x->zip, (zip_uint64_t)idx, 0);
    if (zf == NULL) {
        return zip_err(wb, diag, part, zip_get_error(x->zip));
    }
    *out = zf;
    return CHISO_OK;
}

/* A DTD ends the parse (XML_ERROR_ABORTED with no handler error). The
 * user data of every parser here starts with its XML_Parser. */
static void XMLCALL
refuse_dtd(void *ud,
           const XML_Char *name,
           const XML_Char *sysid,
           const XML_Char *pubid,
           int has_internal)
{
    XML_Parser p = *(XML_Parser *)ud;
    (void)name;
    (void)sysid;
    (void)pubid;
    (void)has_internal;
    XML_StopParser(p, XML_FALSE);
}

/* ---- parsing a small part in one go ------------------------------------ */

/* Every handler context starts with this. */
typedef struct pctx {
    XML_Parser p; /* first: refuse_dtd reads it */
    chiso_workbook *wb;
    chiso_diag *diag;
    chiso_status err;
    const char *part;
} pctx;

static void
pctx_fail(pctx *c, chiso_status st)
{
    if (c->err == CHISO_OK) {
        c->err = st;
    }
    XML_StopParser(c->p, XML_FALSE);
}

static chiso_status
xml_error(chiso_workbook *wb,
          chiso_diag *diag,
          XML_Parser p,
          const char *part,
          const char *pos)
{
    enum XML_Error e = XML_GetErrorCode(p);

    if (e == XML_ERROR_ABORTED) {
        return chiso_diag_set(diag, CHISO_EPARSE, pos ? pos : wb->path, 0, 0,
                              "damaged workbook: the part %s declares a DTD, "
                              "which workbooks never do",
                              part);
    }
    if (e == XML_ERROR_NO_MEMORY) {
        return chiso_diag_set(diag, CHISO_ENOMEM, wb->path, 0, 0,
                              "out of memory");
    }
    return chiso_diag_set(diag, CHISO_EPARSE, pos ? pos : wb->path, 0, 0,
                          "damaged workbook: the part %s is not well-formed "
                          "XML (line %lu, column %lu: %s)",
                          part, (unsigned long)XML_GetCurrentLineNumber(p),
                          (unsigned long)XML_GetCurrentColumnNumber(p) + 1,
                          XML_ErrorString(e));
}

/*
 * Stream `part` through expat with the given handlers. Returns CHISO_DONE
 * when the part is absent, CHISO_OK, or an error (filled in diag).
 */
static chiso_status
parse_part(chiso_workbook *wb,
           const char *part,
           uint64_t cap,
           pctx *ctx,
           XML_StartElementHandler on_start,
           XML_EndElementHandler on_end,
           XML_CharacterDataHandler on_text,
           chiso_diag *diag)
{
    zip_file_t *zf;
    XML_Parser p;
    chiso_status st;
    uint64_t total = 0;
    size_t chunk;

    st = open_part(wb, part, cap, &zf, &chunk, diag);
    if (st != CHISO_OK) {
        return st;
    }
    p = XML_ParserCreate(NULL);
    if (p == NULL) {
        zip_fclose(zf);
        return chiso_diag_set(diag, CHISO_ENOMEM, wb->path, 0, 0,
                              "out of memory");
    }
    ctx->p = p;
    ctx->wb = wb;
    ctx->diag = diag;
    ctx->err = CHISO_OK;
    ctx->part = part;
    XML_SetUserData(p, ctx);
    XML_SetElementHandler(p, on_start, on_end);
    XML_SetCharacterDataHandler(p, on_text);
    XML_SetStartDoctypeDeclHandler(p, refuse_dtd);
    for (;;) {
        void *buf = XML_GetBuffer(p, (int)chunk);
        zip_int64_t n;
        if (buf == NULL) {
            st = chiso_diag_set(diag, CHISO_ENOMEM, wb->path, 0, 0,
                                "out of memory");
            break;
        }
        n = zip_fread(zf, buf, chunk);
        if (n < 0) {
            st = zip_err(wb, diag, part, zip_file_get_error(zf));
            break;
        }
        total += (uint64_t)n;
        if (total > cap) {
            st = chiso_diag_set(diag, CHISO_EPARSE, wb->path, 0, 0,
                                "the part %s of the workbook is too large "
                                "(more than %llu bytes uncompressed)",
                                part, (unsigned long long)cap);
            break;
        }
        if (XML_ParseBuffer(p, (int)n, n == 0) != XML_STATUS_OK) {
            st = ctx->err != CHISO_OK ? ctx->err
                                      : xml_error(wb, diag, p, part, NULL);
            break;
        }
        if (n == 0) {
            st = CHISO_OK;
            break;
        }
    }
    XML_ParserFree(p);
    zip_fclose(zf);
    return st;
}

/* ---- relationships -------------------------------------------------------- */

typedef struct rels_ctx {
    pctx c;
    const char *source; /* part the relationships belong to */
    rel *r;
    size_t n;
} rels_ctx;

static void XMLCALL
rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    rels_ctx *c = ud;
    const char *id, *type, *target, *mode, *slash;
    rel *r;

    if (strcmp(local(name), "Relationship") != 0) {
        return;
    }
    id = attr(atts, "Id");
    type = attr(atts, "Type");
    target = attr(atts, "Target");
    mode = attr(atts, "TargetMode");
    if (id == NULL || type == NULL || target == NULL ||
        (mode != NULL && strcmp(mode, "External") == 0)) {
        return;
    }
    if (c->n >= 4 * CHISO_WORKBOOK_MAX_SHEETS) {
        chiso_diag_set(c->c.diag, CHISO_EPARSE, c->c.wb->path, 0, 0,
                       "damaged workbook: the part %s lists too many "
                       "relationships",
                       c->c.part);
        pctx_fail(&c->c, CHISO_EPARSE);
        return;
    }
    r = realloc(c->r, (c->n + 1) * sizeof(*r));
    if (r == NULL) {
        pctx_fail(&c->c, CHISO_ENOMEM);
        return;
    }
    c->r = r;
    slash = strrchr(type, '/');
    r[c->n].id = chiso_strdup(id);
    r[c->n].type = chiso_strdup(slash != NULL ? slash + 1 : type);
    r[c->n].target = resolve(c->source, target);
    if (r[c->n].id == NULL || r[c->n].type == NULL || r[c->n].target == NULL) {
        free(r[c->n].id);
        free(r[c->n].type);
        free(r[c->n].target);
        pctx_fail(&c->c, CHISO_ENOMEM);
        return;
    }
    c->n++;
}

static void XMLCALL
no_end(void *ud, const XML_Char *name)
{
    (void)ud;
    (void)name;
}

static void XMLCALL
no_text(void *ud, const XML_Char *s, int len)
{
    (void)ud;
    (void)s;
    (void)len;
}

static void
rels_free(rels_ctx *c)
{
    size_t i;
    for (i = 0; i < c->n; i++) {
        free(c->r[i].id);
        free(c->r[i].type);
        free(c->r[i].target);
    }
    free(c->r);
    c->r = NULL;
    c->n = 0;
}

static chiso_status
read_rels(chiso_workbook *wb, const char *source, rels_ctx *c, chiso_diag *diag)
{
    char *part =
        source[0] != '\0' ? rels_of(source) : chiso_strdup("_rels/.rels");
    chiso_status st;

    memset(c, 0, sizeof(*c));
    c->source = source;
    if (part == NULL) {
        return chiso_diag_set(diag, CHISO_ENOMEM, wb->path, 0, 0,
                              "out of memory");
    }
    st = parse_part(wb, part, CHISO_WORKBOOK_MAX_PART_BYTES, &c->c, rels_start,
                    no_end, no_text, diag);
    if (st == CHISO_ENOMEM && (diag == NULL || diag->code == CHISO_OK)) {
        chiso_diag_set(diag, CHISO_ENOMEM, wb->path, 0, 0, "out of memory");
    }
    free(part);
    if (st != CHISO_OK) {
        rels_free(c);
    }
    return st;
}

static const rel *
rel_by_type(const rels_ctx *c, const char *type)
{
    size_t i;
    for (i = 0; i < c->n; i++) {
        if (strcmp(c->r[i].type, type) == 0) {
            return &c->r[i];
        }
    }
    return NULL;
}

static const rel *
rel_by_id(const rels_ctx *c, const char *id)
{
    size_t i;
    for (i = 0; i < c->n; i++) {
        if (strcmp(c->r[i].id, id) == 0) {
            return &c->r[i];
        }
    }
    return NULL;
}

/* ---- workbook.xml ------------------------------------------------------ */

typedef struct book_ctx {
    pctx c;
    int in_sheets;
    char **rid; /* relationship id of each sheet */
} book_ctx;

static void XMLCALL
book_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    book_ctx *c = ud;
    chiso_workbook *wb = c->c.wb;
    const char *ln = local(name);

    if (strcmp(ln, "workbookPr") == 0) {
        wb->date1904 = truthy(attr(atts, "date1904"));
    } else if (strcmp(ln, "sheets") == 0) {
        c->in_sheets = 1;
    } else if (c->in_sheets && strcmp(ln, "sheet") == 0) {
        const char *nm = attr(atts, "name");
        const char *state = attr(atts, "state");
        const char *id = attr(atts, "id");
        wb_sheet *s;
        char **r;
        if (wb->n_sheets >= CHISO_WORKBOOK_MAX_SHEETS) {
            chiso_diag_set(c->c.diag, CHISO_EPARSE, wb->path, 0, 0,
                           "damaged workbook: more than %u sheets",
                           CHISO_WORKBOOK_MAX_SHEETS);
            pctx_fail(&c->c, CHISO_EPARSE);
            return;
        }
        s = realloc(wb->sheets, (wb->n_sheets + 1) * sizeof(*s));
        if (s == NULL) {
            pctx_fail(&c->c, CHISO_ENOMEM);
            return;
        }
        wb->sheets = s;
        r = realloc(c->rid, (wb->n_sheets + 1) * sizeof(*r));
        if (r == NULL) {
            pctx_fail(&c->c, CHISO_ENOMEM);
            return;
        }
        c->rid = r;
        s = &wb->sheets[wb->n_sheets];
        memset(s, 0, sizeof(*s));
        s->name = chiso_strdup(nm != NULL ? nm : "");
        r[wb->n_sheets] = id != NULL ? chiso_strdup(id) : NULL;
        if (s->name == NULL || (id != NULL && r[wb->n_sheets] == NULL)) {
            free(s->name);
            pctx_fail(&c->c, CHISO_ENOMEM);
            return;
        }
        if (state != NULL && strcmp(state, "hidden") == 0) {
            s->hidden = 1;
        } else if (state != NULL && strcmp(state, "veryHidden") == 0) {
            s->hidden = 2;
        }
        wb->n_sheets++;
    }
}

static void XMLCALL
book_end(void *ud, const XML_Char *name)
{
    book_ctx *c = ud;
    if (strcmp(local(name), "sheets") == 0) {
        c->in_sheets = 0;
    }
}

/* ---- styles.xml ---------------------------------------------------------- */

typedef struct fmt {
    unsigned id;
    int cls;
} fmt;

typedef struct style_ctx {
    pctx c;
    int in_xfs, in_fmts;
    fmt *fmts;
    size_t n_fmts;
    unsigned *xf_fmt;
    size_t n_xf;
} style_ctx;

static unsigned
to_uint(const char *s)
{
    unsigned long v = 0;
    if (s == NULL) {
        return 0;
    }
    while (*s >= '0' && *s <= '9') {
        v = v * 10 + (unsigned long)(*s - '0');
        if (v > 0xFFFFFFFFul) {
            return 0xFFFFFFFFu;
        }
        s++;
    }
    return (unsigned)v;
}

static void XMLCALL
style_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    style_ctx *c = ud;
    const char *ln = local(name);

    if (strcmp(ln, "numFmts") == 0) {
        c->in_fmts = 1;
    } else if (strcmp(ln, "cellXfs") == 0) {
        c->in_xfs = 1;
    } else if (c->in_fmts && strcmp(ln, "numFmt") == 0) {
        fmt *f;
        if (c->n_fmts >= CHISO_WORKBOOK_MAX_STYLES) {
            return; /* beyond any real workbook: ignore */
        }
        f = realloc(c->fmts, (c->n_fmts + 1) * sizeof(*f));
        if (f == NULL) {
            pctx_fail(&c->c, CHISO_ENOMEM);
            return;
        }
        c->fmts = f;
        f[c->n_fmts].id = to_uint(attr(atts, "numFmtId"));
        f[c->n_fmts].cls =
            chiso_workbook__format_class(attr(atts, "formatCode"));
        c->n_fmts++;
    } else if (c->in_xfs && strcmp(ln, "xf") == 0) {
        unsigned *x;
        if (c->n_xf >= CHISO_WORKBOOK_MAX_STYLES) {
            chiso_diag_set(c->c.diag, CHISO_EPARSE, c->c.wb->path, 0, 0,
                           "damaged workbook: more than %u cell styles",
                           CHISO_WORKBOOK_MAX_STYLES);
            pctx_fail(&c->c, CHISO_EPARSE);
            return;
        }
        if ((c->n_xf & (c->n_xf - 1)) == 0) {
            x = realloc(c->xf_fmt, (c->n_xf ? c->n_xf * 2 : 16) * sizeof(*x));
            if (x == NULL) {
                pctx_fail(&c->c, CHISO_ENOMEM);
                return;
            }
            c->xf_fmt = x;
        }
        c->xf_fmt[c->n_xf++] = to_uint(attr(atts, "numFmtId"));
    }
}

static void XMLCALL
style_end(void *ud, const XML_Char *name)
{
    style_ctx *c = ud;
    const char *ln = local(name);
    if (strcmp(ln, "cellXfs") == 0) {
        c->in_xfs = 0;
    } else if (strcmp(ln, "numFmts") == 0) {
        c->in_fmts = 0;
    }
}

static int
fmt_cmp(const void *a, const void *b)
{
    const fmt *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

static chiso_status
read_styles(chiso_workbook *wb, chiso_diag *diag)
{
    struct wb_xlsx *x = wb->x;
    style_ctx c;
    chiso_status st;
    size_t i;

    if (x->styles_part == NULL) {
        return CHISO_OK;
    }
    memset(&c, 0, sizeof(c));
    st = parse_part(wb, x->styles_part, CHISO_WORKBOOK_MAX_PART_BYTES, &c.c,
                    style_start, style_end, no_text, diag);
    if (st == CHISO_OK && c.n_xf > 0) {
        qsort(c.fmts, c.n_fmts, sizeof(*c.fmts), fmt_cmp);
        x->xf_class = malloc(c.n_xf);
        if (x->xf_class == NULL) {
            st = CHISO_ENOMEM;
        } else {
            for (i = 0; i < c.n_xf; i++) {
                fmt key, *f;
                key.id = c.xf_fmt[i];
                f = c.n_fmts ? bsearch(&key, c.fmts, c.n_fmts, sizeof(*c.fmts),
                                       fmt_cmp)
                             : NULL;
                x->xf_class[i] =
                    (unsigned char)(f != NULL ? f->cls
                                              : chiso_workbook__builtin_class(
                                                    key.id));
            }
            x->n_xf = c.n_xf;
        }
    }
    free(c.fmts);
    free(c.xf_fmt);
    if (st == CHISO_DONE) {
        st = CHISO_OK; /* no styles: every number is a number */
    }
    if (st == CHISO_ENOMEM) {
        chiso_diag_set(diag, CHISO_ENOMEM, wb->path, 0, 0, "out of memory");
    }
    return st;
}

/* ---- sharedStrings.xml ----------------------------------------------------- */

typedef struct sst_ctx {
    pctx c;
    int in_si, in_t, in_rph;
    size_t start;
} sst_ctx;

static int
sst_reserve(struct wb_xlsx *x, size_t extra)
{
    size_t need = x->sst_len + extra, cap;
    char *p;

    if (need <= x->sst_cap) {
        return 1;
    }
    if (need > CHISO_WORKBOOK_MAX_STRING_BYTES) {
        return 0;
    }
    cap = x->sst_cap ? x->sst_cap : 65536;
    while (cap < need) {
        cap *= 2;
    }
    if (cap > CHISO_WORKBOOK_MAX_STRING_BYTES) {
        cap = CHISO_WORKBOOK_MAX_STRING_BYTES;
    }
    p = realloc(x->sst, cap);
    if (p == NULL) {
        return -1;
    }
    x->sst = p;
    x->sst_cap = cap;
    return 1;
}

static void
sst_too_big(sst_ctx *c)
{
    chiso_diag_set(c->c.diag, CHISO_EPARSE, c->c.wb->path, 0, 0,
                   "the workbook's shared strings exceed chiso's limit "
                   "(%u strings, %u bytes)",
                   CHISO_WORKBOOK_MAX_STRINGS, CHISO_WORKBOOK_MAX_STRING_BYTES);
    pctx_fail(&c->c, CHISO_EPARSE);
}

static void XMLCALL
sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    sst_ctx *c = ud;
    struct wb_xlsx *x = c->c.wb->x;
    const char *ln = local(name);

    (void)atts;
    if (ln[0] == 's' && ln[1] == 'i' && ln[2] == '\0') {
        c->in_si = 1;
        c->in_rph = 0;
        c->start = x->sst_len;
    } else if (ln[0] == 't' && ln[1] == '\0') {
        c->in_t = c->in_si && c->in_rph == 0;
    } else if (strcmp(ln, "rPh") == 0) {
        c->in_rph++;
    }
}

static void XMLCALL
sst_end(void *ud, const XML_Char *name)
{
    sst_ctx *c = ud;
    struct wb_xlsx *x = c->c.wb->x;
    const char *ln = local(name);

    if (ln[0] == 't' && ln[1] == '\0') {
        c->in_t = 0;
    } else if (strcmp(ln, "rPh") == 0) {
        c->in_rph--;
    } else if (ln[0] == 's' && ln[1] == 'i' && ln[2] == '\0' && c->in_si) {
        size_t len;
        int r;
        c->in_si = 0;
        if (x->sst_n >= CHISO_WORKBOOK_MAX_STRINGS) {
            sst_too_big(c);
            return;
        }
        if (x->sst_n + 2 > x->sst_offcap) {
            size_t cap = x->sst_offcap ? x->sst_offcap * 2 : 4096;
            uint32_t *o = realloc(x->sst_off, cap * sizeof(*o));
            if (o == NULL) {
                pctx_fail(&c->c, CHISO_ENOMEM);
                return;
            }
            x->sst_off = o;
            x->sst_offcap = cap;
        }
        len =
            chiso_workbook__unescape(x->sst + c->start, x->sst_len - c->start);
        x->sst_len = c->start + len;
        r = sst_reserve(x, 1);
        if (r <= 0) {
            if (r < 0) {
                pctx_fail(&c->c, CHISO_ENOMEM);
            } else {
                sst_too_big(c);
            }
            return;
        }
        x->sst[x->sst_len++] = '\0';
        x->sst_off[x->sst_n++] = (uint32_t)c->start;
        x->sst_off[x->sst_n] = (uint32_t)x->sst_len;
    }
}

static void XMLCALL
sst_text(void *ud, const XML_Char *s, int len)
{
    sst_ctx *c = ud;
    struct wb_xlsx *x = c->c.wb->x;
    int r;

    if (!c->in_t || len <= 0) {
        return;
    }
    r = sst_reserve(x, (size_t)len + 1);
    if (r <= 0) {
        if (r < 0) {
            pctx_fail(&c->c, CHISO_ENOMEM);
        } else {
            sst_too_big(c);
        }
        return;
    }
    memcpy(x->sst + x->sst_len, s, (size_t)len);
    x->sst_len += (size_t)len;
}

static chiso_status
read_sst(chiso_workbook *wb, chiso_diag *diag)
{
    struct wb_xlsx *x = wb->x;
    sst_ctx c;
    chiso_status st;

    if (x->sst_loaded) {
        return CHISO_OK;
    }
    x->sst_loaded = 1;
    if (x->sst_part == NULL) {
        return CHISO_OK;
    }
    memset(&c, 0, sizeof(c));
    st = parse_part(wb, x->sst_part, CHISO_WORKBOOK_MAX_SST_BYTES, &c.c,
                    sst_start, sst_end, sst_text, diag);
    if (st == CHISO_DONE) {
        st = CHISO_OK;
    }
    if (st == CHISO_ENOMEM) {
        chiso_diag_set(diag, CHISO_ENOMEM, wb->path, 0, 0, "out of memory");
    }
    if (st != CHISO_OK) {
        x->sst_loaded = 0;
        x->sst_n = 0;
        x->sst_len = 0;
    }
    return st;
}

/* ---- opening ------------------------------------------------------------- */

static chiso_status
not_a_workbook(chiso_workbook *wb, chiso_diag *diag)
{
    struct wb_xlsx *x = wb->x;

    if (locate(x->zip, "xl/workbook.bin") >= 0) {
        return chiso_diag_set(diag, CHISO_EPARSE, wb->path, 0, 0,
                              "binary Excel workbooks (.xlsb) are not "
                              "supported; save the workbook as .xlsx");
    }
    if (locate(x->zip, "content.xml") >= 0 && locate(x->zip, "mimetype") >= 0) {
        return chiso_diag_set(diag, CHISO_EPARSE, wb->path, 0, 0,
                              "OpenDocument spreadsheets (.ods) are not "
                              "supported; save the file as .xlsx");
    }
    return chiso_diag_set(diag, CHISO_EPARSE, wb->path, 0, 0,
                          "not an Excel workbook: the zip archive holds no "
                          "workbook part (is it a Word file or another zip?)");
}

chiso_status
chiso_workbook__xlsx_open(chiso_workbook *wb,
                          const void *data,
                          size_t len,
                          chiso_diag *diag)
{
    struct wb_xlsx *x;
    zip_error_t ze;
    int zerr = 0;
    rels_ctx rels;
    book_ctx book;
    chiso_status st;
    const rel *r;
    size_t i;
    int have_rels;

    x = calloc(1, sizeof(*x));
    if (x == NULL) {
        return chiso_diag_set(diag, CHISO_ENOMEM, wb->path, 0, 0,
                              "out of memory");
    }
    wb->x = x;
    x->wb = wb;
    zip_error_init(&ze);
    x->mem = data;
    x->mem_len = len;
    if (data != NULL) {
        zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
        if (src != NULL) {
            x->zip = zip_open_from_source(src, ZIP_RDONLY, &ze);
            if (x->zip == NULL) {
                zip_source_free(src);
            }
        }
    } else {
        x->zip = zip_open(wb->path, ZIP_RDONLY, &zerr);
        zip_error_init_with_code(&ze, zerr);
    }
    if (x->zip == NULL) {
        int code = zip_error_code_zip(&ze);
        if (code == ZIP_ER_OPEN || code == ZIP_ER_READ || code == ZIP_ER_SEEK) {
            int e = zip_error_code_system(&ze);
            st = chiso_diag_set_errno(diag, wb->path, e ? e : EIO,
                                      "cannot read");
        } else if (code == ZIP_ER_MEMORY) {
            st = chiso_diag_set(diag, CHISO_ENOMEM, wb->path, 0, 0,
                                "out of memory");
        } else {
            st = chiso_diag_set(diag, CHISO_EPARSE, wb->path, 0, 0,
                                "damaged workbook: the file is not a "
                                "readable zip archive (%s); it may be "
                                "truncated or corrupt",
                                zip_error_strerror(&ze));
        }
        zip_error_fini(&ze);
        return st;
    }
    zip_error_fini(&ze);

    /* the workbook part: from the package relationships */
    st = read_rels(wb, "", &rels, diag);
    if (st != CHISO_OK && st != CHISO_DONE) {
        return st;
    }
    r = st == CHISO_OK ? rel_by_type(&rels, "officeDocument") : NULL;
    x->wb_part = chiso_strdup(r != NULL ? r->target : "xl/workbook.xml");
    rels_free(&rels);
    if (x->wb_part == NULL) {
        return chiso_diag_set(diag, CHISO_ENOMEM, wb->path, 0, 0,
                              "out of memory");
    }
    if (locate(x->zip, x->wb_part) < 0 ||
        (strlen(x->wb_part) > 4 &&
         strcmp(x->wb_part + strlen(x->wb_part) - 4, ".bin") == 0)) {
        return not_a_workbook(wb, diag);
    }

    /* the parts the workbook points to */
    st = read_rels(wb, x->wb_part, &rels, diag);
    if (st != CHISO_OK && st != CHISO_DONE) {
        return st;
    }
    have_rels = st == CHISO_OK;
    if (have_rels) {
        r = rel_by_type(&rels, "sharedStrings");
        x->sst_part = r != NULL ? chiso_strdup(r->target) : NULL;
        r = rel_by_type(&rels, "styles");
        x->styles_part = r != NULL ? chiso_strdup(r->target) : NULL;
    } else {
        /* no relationships (a broken writer): the usual names */
        x->sst_part = resolve(x->wb_part, "sharedStrings.xml");
        x->styles_part = resolve(x->wb_part, "styles.xml");
    }

    memset(&book, 0, sizeof(book));
    st = parse_part(wb, x->wb_part, CHISO_WORKBOOK_MAX_PART_BYTES, &book.c,
                    book_start, book_end, no_text, diag);
    if (st == CHISO_OK) {
        for (i = 0; i < wb->n_sheets; i++) {
            wb_sheet *s = &wb->sheets[i];
            if (have_rels) {
                r = book.rid[i] != NULL ? rel_by_id(&rels, book.rid[i]) : NULL;
                if (r != NULL) {
                    s->chart = strcmp(r->type, "chartsheet") == 0 ||
                               strcmp(r->type, "dialogsheet") == 0;
                    s->part = chiso_strdup(r->target);
                    if (s->part == NULL) {
                        st = CHISO_ENOMEM;
                    }
                }
            } else {
                char guess[64];
                snprintf(guess, sizeof(guess), "worksheets/sheet%zu.xml",
                         i + 1);
                s->part = resolve(x->wb_part, guess);
            }
        }
    } else if (st == CHISO_DONE) {
        st = not_a_workbook(wb, diag);
    }
    for (i = 0; i < wb->n_sheets; i++) {
        free(book.rid != NULL ? book.rid[i] : NULL);
    }
    free(book.rid);
    rels_free(&rels);
    if (st == CHISO_ENOMEM) {
        return chiso_diag_set(diag, CHISO_ENOMEM, wb->path, 0, 0,
                              "out of memory");
    }
    if (st != CHISO_OK) {
        return st;
    }
    if (wb->n_sheets == 0) {
        return chiso_diag_set(diag, CHISO_EPARSE, wb->path, 0, 0,
                              "the workbook has no worksheet");
    }
    return read_styles(wb, diag);
}

/* ---- the sheet stream ------------------------------------------------------ */

static chiso_status
cell_fail(struct wb_xlsx *x, chiso_status st, uint32_t col)
{
    char pos[512];

    if (x->err == CHISO_OK) {
        x->err = st;
    }
    if (st == CHISO_ENOMEM) {
        chiso_diag_set(x->diag, st, x->wb->path, 0, 0, "out of memory");
    } else if (st == CHISO_EDATA) {
        chiso_workbook_position(x->wb, col, x->wb->row_num, pos, sizeof(pos));
        chiso_diag_set(x->diag, CHISO_EPARSE, pos, 0, 0,
                       "the cell is too large (more than %u bytes of text in "
                       "the cell or %u in the row)",
                       CHISO_WORKBOOK_MAX_CELL_BYTES,
                       CHISO_WORKBOOK_MAX_ROW_BYTES);
        x->err = CHISO_EPARSE;
    }
    XML_StopParser(x->xp, XML_FALSE);
    return x->err;
}

static void
bad_value(struct wb_xlsx *x, const char *what)
{
    char pos[512], shown[64];
    size_t n = x->v.len < 40 ? x->v.len : 40;

    memcpy(shown, x->v.len ? x->v.data : "", n);
    shown[n] = '\0';
    chiso_workbook_position(x->wb, x->ccol, x->wb->row_num, pos, sizeof(pos));
    if (strcmp(what, "number") == 0) {
        chiso_diag_set(x->diag, CHISO_EPARSE, pos, 0, 0,
                       "damaged workbook: the stored number \"%s\" is not a "
                       "number",
                       shown);
    } else if (strcmp(what, "bool") == 0) {
        chiso_diag_set(x->diag, CHISO_EPARSE, pos, 0, 0,
                       "damaged workbook: the stored boolean \"%s\" is "
                       "neither 0 nor 1",
                       shown);
    } else if (strcmp(what, "date") == 0) {
        chiso_diag_set(x->diag, CHISO_EPARSE, pos, 0, 0,
                       "damaged workbook: the stored date \"%s\" is not an "
                       "ISO 8601 date",
                       shown);
    } else {
        chiso_diag_set(x->diag, CHISO_EPARSE, pos, 0, 0,
                       "damaged workbook: the shared string number \"%s\" "
                       "does not exist (the workbook has %zu)",
                       shown, x->sst_n);
    }
    if (x->err == CHISO_OK) {
        x->err = CHISO_EPARSE;
    }
    XML_StopParser(x->xp, XML_FALSE);
}

static void
bad_ref(struct wb_xlsx *x, const char *ref, int is_row)
{
    char pos[512], shown[64];

    snprintf(shown, sizeof(shown), "%s", ref);
    chiso_workbook_position(x->wb, 0, x->wb->row_num, pos, sizeof(pos));
    if (is_row) {
        chiso_diag_set(x->diag, CHISO_EPARSE, pos, 0, 0,
                       "damaged workbook: invalid row reference \"%s\" (rows "
                       "go up to 1048576, columns up to XFD)",
                       shown);
    } else {
        chiso_diag_set(x->diag, CHISO_EPARSE, pos, 0, 0,
                       "damaged workbook: invalid cell reference \"%s\" "
                       "(rows go up to 1048576, columns up to XFD)",
                       shown);
    }
    if (x->err == CHISO_OK) {
        x->err = CHISO_EPARSE;
    }
    XML_StopParser(x->xp, XML_FALSE);
}

static void
row_start(struct wb_xlsx *x, const XML_Char **atts)
{
    const char *r = NULL;
    uint32_t row;
    size_t i;

    for (i = 0; atts[i] != NULL; i += 2) {
        if (atts[i][0] == 'r' && atts[i][1] == '\0') {
            r = atts[i + 1];
        }
    }
    x->in_row = 1;
    x->next_col = 1;
    x->row_has_r = r != NULL;
    if (r != NULL) {
        unsigned long v = 0;
        const char *p = r;
        while (*p >= '0' && *p <= '9' && v <= CHISO_WORKBOOK_MAX_ROWS) {
            v = v * 10 + (unsigned long)(*p++ - '0');
        }
        if (*p != '\0' || p == r || v == 0 || v > CHISO_WORKBOOK_MAX_ROWS) {
            bad_ref(x, r, 1);
            return;
        }
        row = (uint32_t)v;
    } else {
        row = x->last_row + 1;
        if (row > CHISO_WORKBOOK_MAX_ROWS) {
            bad_ref(x, "1048577", 1);
            return;
        }
    }
    chiso_workbook__row_begin(x->wb, row);
}

static void
cell_start(struct wb_xlsx *x, const XML_Char **atts)
{
    size_t i;
    uint32_t col = 0, row = 0;

    x->in_c = 1;
    x->in_v = x->in_is = x->in_t = 0;
    x->in_rph = 0;
    x->got_v = x->has_f = 0;
    x->v.len = 0;
    x->ctype = CT_N;
    x->cstyle = 0;
    for (i = 0; atts[i] != NULL; i += 2) {
        const char *a = atts[i], *val = atts[i + 1];
        if (a[1] != '\0') {
            a = local(a);
            if (a[1] != '\0') {
                continue;
            }
        }
        switch (a[0]) {
        case 'r':
            if (!chiso_workbook__parse_ref(val, &col, &row) || col == 0) {
                bad_ref(x, val, 0);
                return;
            }
            break;
        case 's':
            x->cstyle = to_uint(val);
            break;
        case 't':
            switch (val[0]) {
            case 's':
                x->ctype = val[1] == '\0' ? CT_S : CT_STR;
                break;
            case 'i':
                x->ctype = CT_INLINE;
                break;
            case 'b':
                x->ctype = CT_B;
                break;
            case 'e':
                x->ctype = CT_E;
                break;
            case 'd':
                x->ctype = CT_D;
                break;
            default:
                x->ctype = CT_N;
                break;
            }
            break;
        default:
            break;
        }
    }
    if (col == 0) {
        col = x->next_col;
        if (col > CHISO_WORKBOOK_MAX_COLS) {
            bad_ref(x, "XFE", 0);
            return;
        }
    } else if (!x->row_has_r && row > 0) {
        x->wb->row_num = row; /* the row element has no number: the cell's */
    }
    x->ccol = col;
    x->next_col = col + 1;
}

static int
fmt_class(const struct wb_xlsx *x)
{
    return x->cstyle < x->n_xf ? x->xf_class[x->cstyle] : WB_FMT_NUMBER;
}

static void
cell_end(struct wb_xlsx *x)
{
    chiso_workbook *wb = x->wb;
    chiso_cell *c;
    chiso_status st;
    const char *v = x->v.len ? x->v.data : "";
    size_t vl = x->v.len;
    char num[48];
    size_t nl;
    double d;
    int cls;

    x->in_c = 0;
    st = chiso_workbook__cell_at(wb, x->ccol, &c);
    if (st != CHISO_OK) {
        cell_fail(x, st, x->ccol);
        return;
    }
    if (x->has_f) {
        c->flags |= CHISO_CELL_FORMULA;
    }
    switch (x->ctype) {
    case CT_S: {
        unsigned long k = 0;
        size_t i = 0;
        while (i < vl &&
               (v[i] == ' ' || v[i] == '\t' || v[i] == '\n' || v[i] == '\r')) {
            i++;
        }
        if (i == vl) {
            return; /* no value: empty */
        }
        for (; i < vl && v[i] >= '0' && v[i] <= '9'; i++) {
            k = k * 10 + (unsigned long)(v[i] - '0');
            if (k > CHISO_WORKBOOK_MAX_STRINGS) {
                break;
            }
        }
        while (i < vl &&
               (v[i] == ' ' || v[i] == '\t' || v[i] == '\n' || v[i] == '\r')) {
            i++;
        }
        if (i != vl || k >= x->sst_n) {
            bad_value(x, "sst");
            return;
        }
        c->len = (size_t)(x->sst_off[k + 1] - x->sst_off[k] - 1);
        if (c->len > 0) {
            c->kind = CHISO_CELL_TEXT;
            c->text = x->sst + x->sst_off[k];
            chiso_workbook__cell_done(wb, x->ccol);
        }
        return;
    }
    case CT_INLINE:
    case CT_STR:
        if (vl == 0) {
            return;
        }
        vl = chiso_workbook__unescape(x->v.data, vl);
        st = chiso_workbook__cell_text(wb, x->ccol, x->v.data, vl);
        if (st != CHISO_OK) {
            cell_fail(x, st, x->ccol);
            return;
        }
        c->kind = CHISO_CELL_TEXT;
        chiso_workbook__cell_done(wb, x->ccol);
        return;
    case CT_B:
        if (vl == 0) {
            return;
        }
        if ((vl == 1 && v[0] == '1') ||
            (vl == 4 && memcmp(v, "true", 4) == 0)) {
            c->text = "TRUE";
            c->len = 4;
            c->number = 1;
        } else if ((vl == 1 && v[0] == '0') ||
                   (vl == 5 && memcmp(v, "false", 5) == 0)) {
            c->text = "FALSE";
            c->len = 5;
            c->number = 0;
        } else {
            bad_value(x, "bool");
            return;
        }
        c->kind = CHISO_CELL_BOOL;
        chiso_workbook__cell_done(wb, x->ccol);
        return;
    case CT_E:
        if (vl == 0) {
            return;
        }
        st = chiso_workbook__cell_text(wb, x->ccol, v, vl);
        if (st != CHISO_OK) {
            cell_fail(x, st, x->ccol);
            return;
        }
        c->kind = CHISO_CELL_ERROR;
        chiso_workbook__cell_done(wb, x->ccol);
        return;
    case CT_D: {
        int iso_cls;
        if (vl == 0) {
            return;
        }
        if (!chiso_workbook__parse_iso(v, vl, &d, &iso_cls)) {
            bad_value(x, "date");
            return;
        }
        cls = fmt_class(x);
        nl = chiso_workbook__format_serial(
            d, cls != WB_FMT_NUMBER ? cls : iso_cls, num);
        if (nl == 0) {
            nl = chiso_workbook__format_serial(d, WB_FMT_DATETIME, num);
        }
        st = chiso_workbook__cell_text(wb, x->ccol, num, nl);
        if (st != CHISO_OK) {
            cell_fail(x, st, x->ccol);
            return;
        }
        c->kind = CHISO_CELL_DATE;
        c->number = d;
        chiso_workbook__cell_done(wb, x->ccol);
        return;
    }
    default:
        break;
    }
    /* a number: a date when its style says so and its value is one */
    if (vl == 0 || !x->got_v) {
        if (x->has_f) {
            c->flags |= CHISO_CELL_UNCALCULATED;
            chiso_workbook__cell_done(wb, x->ccol);
        }
        return;
    }
    cls = fmt_class(x);
    if (cls != WB_FMT_NUMBER &&
        chiso_workbook__parse_number(v, vl, &d, NULL, NULL)) {
        /* a time of day (below one day, time format) is the same in
         * both date systems; dates move by the 1462 days between them */
        double serial =
            wb->date1904 && !(cls == WB_FMT_TIME && d < 1.0) ? d + 1462.0 : d;
        nl = chiso_workbook__format_serial(serial, cls, num);
        if (nl > 0) {
            st = chiso_workbook__cell_text(wb, x->ccol, num, nl);
            if (st != CHISO_OK) {
                cell_fail(x, st, x->ccol);
                return;
            }
            c->kind = CHISO_CELL_DATE;
            c->number = serial;
            chiso_workbook__cell_done(wb, x->ccol);
            return;
        }
    }
    if (!chiso_workbook__parse_number(v, vl, &d, num, &nl)) {
        /* spaces only: as good as empty */
        size_t i = 0;
        while (i < vl &&
               (v[i] == ' ' || v[i] == '\t' || v[i] == '\n' || v[i] == '\r')) {
            i++;
        }
        if (i == vl) {
            if (x->has_f) {
                c->flags |= CHISO_CELL_UNCALCULATED;
                chiso_workbook__cell_done(wb, x->ccol);
            }
            return;
        }
        bad_value(x, "number");
        return;
    }
    st = chiso_workbook__cell_text(wb, x->ccol, num, nl);
    if (st != CHISO_OK) {
        cell_fail(x, st, x->ccol);
        return;
    }
    c->kind = CHISO_CELL_NUMBER;
    c->number = d;
    chiso_workbook__cell_done(wb, x->ccol);
}

static void
merge_cell(struct wb_xlsx *x, const XML_Char **atts)
{
    const char *ref = attr(atts, "ref");
    char a[32];
    const char *colon;
    chiso_workbook_range r;
    chiso_status st;

    if (ref == NULL || (colon = strchr(ref, ':')) == NULL ||
        (size_t)(colon - ref) >= sizeof(a)) {
        return; /* a one-cell or unreadable range merges nothing */
    }
    memcpy(a, ref, (size_t)(colon - ref));
    a[colon - ref] = '\0';
    if (!chiso_workbook__parse_ref(a, &r.first_col, &r.first_row) ||
        !chiso_workbook__parse_ref(colon + 1, &r.last_col, &r.last_row) ||
        r.first_row == 0 || r.last_row < r.first_row ||
        r.last_col < r.first_col) {
        return;
    }
    st = chiso_workbook__add_merge(x->wb, &r);
    if (st == CHISO_ENOMEM) {
        cell_fail(x, st, 0);
    } else if (st != CHISO_OK) {
        chiso_diag_set(x->diag, CHISO_EPARSE, x->wb->path, 0, 0,
                       "the sheet has more than %u merged ranges",
                       CHISO_WORKBOOK_MAX_MERGES);
        if (x->err == CHISO_OK) {
            x->err = CHISO_EPARSE;
        }
        XML_StopParser(x->xp, XML_FALSE);
    }
}

static void XMLCALL
sh_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct wb_xlsx *x = ud;
    const char *ln = name;

    if (strchr(name, ':') != NULL) {
        ln = local(name);
    }
    if (x->in_c) {
        switch (ln[0]) {
        case 'v':
            if (ln[1] == '\0') {
                x->in_v = 1;
                x->got_v = 1;
            }
            break;
        case 'f':
            if (ln[1] == '\0') {
                x->has_f = 1;
            }
            break;
        case 'i':
            if (ln[1] == 's' && ln[2] == '\0') {
                x->in_is = 1;
                x->ctype = CT_INLINE; /* some writers omit t="inlineStr" */
            }
            break;
        case 't':
            if (ln[1] == '\0' && x->in_is && x->in_rph == 0) {
                x->in_t = 1;
            }
            break;
        case 'r':
            if (strcmp(ln, "rPh") == 0) {
                x->in_rph++;
            }
            break;
        default:
            break;
        }
        return;
    }
    if (x->in_row) {
        if (ln[0] == 'c' && ln[1] == '\0') {
            cell_start(x, atts);
        }
        return;
    }
    if (x->in_sd) {
        if (strcmp(ln, "row") == 0) {
            row_start(x, atts);
        }
        return;
    }
    if (strcmp(ln, "sheetData") == 0) {
        x->in_sd = 1;
    } else if (strcmp(ln, "mergeCell") == 0) {
        merge_cell(x, atts);
    }
}

static void XMLCALL
sh_end(void *ud, const XML_Char *name)
{
    struct wb_xlsx *x = ud;
    const char *ln = name;

    if (strchr(name, ':') != NULL) {
        ln = local(name);
    }
    if (x->in_c) {
        switch (ln[0]) {
        case 'c':
            if (ln[1] == '\0') {
                cell_end(x);
            }
            break;
        case 'v':
            if (ln[1] == '\0') {
                x->in_v = 0;
            }
            break;
        case 'i':
            if (ln[1] == 's' && ln[2] == '\0') {
                x->in_is = 0;
            }
            break;
        case 't':
            if (ln[1] == '\0') {
                x->in_t = 0;
            }
            break;
        case 'r':
            if (strcmp(ln, "rPh") == 0 && x->in_rph > 0) {
                x->in_rph--;
            }
            break;
        default:
            break;
        }
        return;
    }
    if (x->in_row) {
        if (strcmp(ln, "row") == 0) {
            x->in_row = 0;
            x->last_row = x->wb->row_num;
            if (chiso_workbook__row_end(x->wb)) {
                x->row_ready = 1;
                XML_StopParser(x->xp, XML_TRUE);
            }
        }
        return;
    }
    if (x->in_sd && strcmp(ln, "sheetData") == 0) {
        x->in_sd = 0;
    }
}

static void XMLCALL
sh_text(void *ud, const XML_Char *s, int len)
{
    struct wb_xlsx *x = ud;

    if (!(x->in_v || x->in_t)) {
        return;
    }
    if (x->v.len + (size_t)len > CHISO_WORKBOOK_MAX_CELL_BYTES) {
        cell_fail(x, CHISO_EDATA, x->ccol);
        return;
    }
    if (chiso_buf_append(&x->v, s, (size_t)len) != CHISO_OK) {
        cell_fail(x, CHISO_ENOMEM, x->ccol);
    }
}

/* ---- read-ahead: inflating on the other core ---------------------------- */

/*
 * A large sheet part is inflated by a second thread while this one parses
 * the XML: zlib and expat each take a core, so the wall time of a big
 * sheet is about the larger of the two instead of their sum. The thread
 * reads through its own zip handle (a zip_t is not thread-safe) into a
 * ring of RA_BUFS chunks; the parser copies a chunk into expat's buffer
 * and hands the slot back. Small parts are read inline (no thread).
 */
#define RA_BUFS      4
#define RA_MIN_BYTES (1u << 20)

typedef struct readahead {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    zip_t *zip;
    zip_file_t *zf;
    char *buf[RA_BUFS];
    zip_int64_t len[RA_BUFS];
    size_t chunk;
    unsigned long long head, tail; /* chunks produced, consumed */
    int stop;
    int zerr, syserr; /* of the read that returned -1 */
} readahead;

static void *
ra_main(void *arg)
{
    readahead *ra = arg;

    for (;;) {
        unsigned slot;
        zip_int64_t n;
        pthread_mutex_lock(&ra->mu);
        while (ra->head - ra->tail == RA_BUFS && !ra->stop) {
            pthread_cond_wait(&ra->cv, &ra->mu);
        }
        if (ra->stop) {
            pthread_mutex_unlock(&ra->mu);
            return NULL;
        }
        slot = (unsigned)(ra->head % RA_BUFS);
        pthread_mutex_unlock(&ra->mu);
        n = zip_fread(ra->zf, ra->buf[slot], ra->chunk);
        pthread_mutex_lock(&ra->mu);
        ra->len[slot] = n;
        if (n < 0) {
            zip_error_t *e = zip_file_get_error(ra->zf);
            ra->zerr = zip_error_code_zip(e);
            ra->syserr = zip_error_code_system(e);
        }
        ra->head++;
        pthread_cond_broadcast(&ra->cv);
        pthread_mutex_unlock(&ra->mu);
        if (n <= 0) {
            return NULL;
        }
    }
}

/* Next chunk into dst (at most ra->chunk bytes): its length, 0 at the end,
 * -1 on error (ra->zerr, ra->syserr). The end and errors repeat. */
static zip_int64_t
ra_read(readahead *ra, void *dst)
{
    unsigned slot;
    zip_int64_t n;

    pthread_mutex_lock(&ra->mu);
    while (ra->head == ra->tail) {
        pthread_cond_wait(&ra->cv, &ra->mu);
    }
    slot = (unsigned)(ra->tail % RA_BUFS);
    n = ra->len[slot];
    pthread_mutex_unlock(&ra->mu);
    if (n <= 0) {
        return n;
    }
    memcpy(dst, ra->buf[slot], (size_t)n);
    pthread_mutex_lock(&ra->mu);
    ra->tail++;
    pthread_cond_broadcast(&ra->cv);
    pthread_mutex_unlock(&ra->mu);
    return n;
}

static void
ra_free(readahead *ra, int joined)
{
    unsigned k;

    if (ra == NULL) {
        return;
    }
    if (joined) {
        pthread_mutex_lock(&ra->mu);
        ra->stop = 1;
        pthread_cond_broadcast(&ra->cv);
        pthread_mutex_unlock(&ra->mu);
        pthread_join(ra->th, NULL);
    }
    pthread_cond_destroy(&ra->cv);
    pthread_mutex_destroy(&ra->mu);
    for (k = 0; k < RA_BUFS; k++) {
        free(ra->buf[k]);
    }
    if (ra->zf != NULL) {
        zip_fclose(ra->zf);
    }
    if (ra->zip != NULL) {
        zip_discard(ra->zip);
    }
    free(ra);
}

/* Start a read-ahead thread over `part`; NULL when it cannot (then the
 * caller reads inline, which is only slower). */
static readahead *
ra_start(struct wb_xlsx *x, chiso_workbook *wb, const char *part)
{
    readahead *ra = calloc(1, sizeof(*ra));
    zip_int64_t idx;
    unsigned k;
    int zerr = 0;

    if (ra == NULL) {
        return NULL;
    }
    if (pthread_mutex_init(&ra->mu, NULL) != 0) {
        free(ra);
        return NULL;
    }
    if (pthread_cond_init(&ra->cv, NULL) != 0) {
        pthread_mutex_destroy(&ra->mu);
        free(ra);
        return NULL;
    }
    ra->chunk = CHUNK;
    if (x->mem != NULL) {
        zip_source_t *src =
            zip_source_buffer_create(x->mem, x->mem_len, 0, NULL);
        if (src != NULL) {
            ra->zip = zip_open_from_source(src, ZIP_RDONLY, NULL);
            if (ra->zip == NULL) {
                zip_source_free(src);
            }
        }
    } else {
        ra->zip = zip_open(wb->path, ZIP_RDONLY, &zerr);
    }
    idx = ra->zip != NULL ? locate(ra->zip, part) : -1;
    ra->zf = idx >= 0 ? zip_fopen_index(ra->zip, (zip_uint64_t)idx, 0) : NULL;
    for (k = 0; k < RA_BUFS && ra->zf != NULL; k++) {
        ra->buf[k] = malloc(CHUNK);
        if (ra->buf[k] == NULL) {
            break;
        }
    }
    if (ra->zf == NULL || k < RA_BUFS ||
        pthread_create(&ra->th, NULL, ra_main, ra) != 0) {
        ra_free(ra, 0);
        return NULL;
    }
    return ra;
}

static void
stream_close(struct wb_xlsx *x)
{
    ra_free(x->ra, 1);
    x->ra = NULL;
    if (x->xp != NULL) {
        XML_ParserFree(x->xp);
        x->xp = NULL;
    }
    if (x->zf != NULL) {
        zip_fclose(x->zf);
        x->zf = NULL;
    }
}

chiso_status
chiso_workbook__xlsx_select(chiso_workbook *wb, size_t i, chiso_diag *diag)
{
    struct wb_xlsx *x = wb->x;
    wb_sheet *s = &wb->sheets[i];
    chiso_status st;

    stream_close(x);
    st = read_sst(wb, diag);
    if (st != CHISO_OK) {
        return st;
    }
    if (s->part == NULL) {
        return chiso_diag_set(diag, CHISO_EPARSE, wb->path, 0, 0,
                              "damaged workbook: sheet \"%s\" has no part",
                              s->name);
    }
    st = open_part(wb, s->part, CHISO_WORKBOOK_MAX_SHEET_BYTES, &x->zf,
                   &x->chunk, diag);
    if (st == CHISO_DONE) {
        return chiso_diag_set(diag, CHISO_EPARSE, wb->path, 0, 0,
                              "damaged workbook: the part %s of sheet \"%s\" "
                              "is missing",
                              s->part, s->name);
    }
    if (st != CHISO_OK) {
        return st;
    }
    x->xp = XML_ParserCreate(NULL);
    if (x->xp == NULL) {
        stream_close(x);
        return chiso_diag_set(diag, CHISO_ENOMEM, wb->path, 0, 0,
                              "out of memory");
    }
    if (part_size(x->zip, s->part) >= RA_MIN_BYTES) {
        x->ra = ra_start(x, wb, s->part);
        if (x->ra != NULL) {
            zip_fclose(x->zf); /* the thread reads through its own handle */
            x->zf = NULL;
            x->chunk = CHUNK;
        }
    }
    XML_SetUserData(x->xp, x);
    XML_SetElementHandler(x->xp, sh_start, sh_end);
    XML_SetCharacterDataHandler(x->xp, sh_text);
    XML_SetStartDoctypeDeclHandler(x->xp, refuse_dtd);
    x->part = s->part;
    x->bytes = 0;
    x->suspended = x->final_fed = x->finished = 0;
    x->in_sd = x->in_row = x->in_c = x->in_v = x->in_is = x->in_t = 0;
    x->in_rph = 0;
    x->last_row = 0;
    x->err = CHISO_OK;
    return CHISO_OK;
}

chiso_status
chiso_workbook__xlsx_next(chiso_workbook *wb, chiso_diag *diag)
{
    struct wb_xlsx *x = wb->x;
    enum XML_Status s;

    x->diag = diag;
    x->err = CHISO_OK;
    x->row_ready = 0;
    if (x->xp == NULL) {
        return CHISO_DONE;
    }
    for (;;) {
        if (x->finished) {
            return CHISO_DONE;
        }
        if (x->suspended) {
            x->suspended = 0;
            s = XML_ResumeParser(x->xp);
        } else {
            void *buf = XML_GetBuffer(x->xp, (int)x->chunk);
            zip_int64_t n;
            if (buf == NULL) {
                return chiso_diag_set(diag, CHISO_ENOMEM, wb->path, 0, 0,
                                      "out of memory");
            }
            if (x->ra != NULL) {
                n = ra_read(x->ra, buf);
                if (n < 0) {
                    zip_error_t ze;
                    chiso_status st;
                    zip_error_init(&ze);
                    zip_error_set(&ze, x->ra->zerr, x->ra->syserr);
                    st = zip_err(wb, diag, x->part, &ze);
                    zip_error_fini(&ze);
                    return st;
                }
            } else {
                n = zip_fread(x->zf, buf, x->chunk);
                if (n < 0) {
                    return zip_err(wb, diag, x->part,
                                   zip_file_get_error(x->zf));
                }
            }
            x->bytes += (uint64_t)n;
            if (x->bytes > CHISO_WORKBOOK_MAX_SHEET_BYTES) {
                return chiso_diag_set(
                    diag, CHISO_EPARSE, wb->path, 0, 0,
                    "the part %s of the workbook is too "
                    "large (more than %llu bytes "
                    "uncompressed)",
                    x->part,
                    (unsigned long long)CHISO_WORKBOOK_MAX_SHEET_BYTES);
            }
            x->final_fed = n == 0;
            s = XML_ParseBuffer(x->xp, (int)n, n == 0);
        }
        if (s == XML_STATUS_ERROR) {
            char pos[512];
            if (x->err != CHISO_OK) {
                return x->err;
            }
            chiso_workbook_position(wb, 0, x->in_row ? wb->row_num : 0, pos,
                                    sizeof(pos));
            return xml_error(wb, diag, x->xp, x->part, pos);
        }
        if (s == XML_STATUS_SUSPENDED) {
            x->suspended = 1;
            if (x->row_ready) {
                return CHISO_OK;
            }
            continue;
        }
        if (x->final_fed) {
            x->finished = 1;
            chiso_workbook__merges_done(wb);
            return CHISO_DONE;
        }
    }
}

/* ---- merged ranges before the rows: a second pass --------------------------- */

typedef struct merge_ctx {
    pctx c;
    struct wb_xlsx *x;
    int done;
} merge_ctx;

static void XMLCALL
mc_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    merge_ctx *c = ud;
    if (strcmp(local(name), "mergeCell") == 0) {
        XML_Parser saved = c->x->xp;
        c->x->xp = c->c.p; /* merge_cell stops this parser on error */
        merge_cell(c->x, atts);
        c->x->xp = saved;
    }
}

static void XMLCALL
mc_end(void *ud, const XML_Char *name)
{
    merge_ctx *c = ud;
    if (strcmp(local(name), "mergeCells") == 0) {
        c->done = 1;
        XML_StopParser(c->c.p, XML_FALSE);
    }
}

/* Offset of the '<' that opens a <mergeCells> element in [s, s+n), or -1. */
static long
find_merge_start(const char *s, size_t n)
{
    static const char key[] = "mergeCells";
    const char *p = s, *end = s + n;

    while (p < end) {
        const char *q = memchr(p, 'm', (size_t)(end - p));
        const char *b;
        if (q == NULL || (size_t)(end - q) < sizeof(key)) {
            return -1;
        }
        if (memcmp(q, key, sizeof(key) - 1) == 0 &&
            (q[sizeof(key) - 1] == ' ' || q[sizeof(key) - 1] == '>' ||
             q[sizeof(key) - 1] == '/' || q[sizeof(key) - 1] == '\t' ||
             q[sizeof(key) - 1] == '\r' || q[sizeof(key) - 1] == '\n')) {
            /* walk back over an optional "prefix:" to the '<' */
            b = q - 1;
            if (b >= s && *b == ':') {
                b--;
                while (b >= s && *b != '<' && *b != '>' && *b != ' ' &&
                       q - b < 64) {
                    b--;
                }
            }
            if (b >= s && *b == '<') {
                return (long)(b - s);
            }
        }
        p = q + 1;
    }
    return -1;
}

chiso_status
chiso_workbook__xlsx_merges(chiso_workbook *wb, chiso_diag *diag)
{
    struct wb_xlsx *x = wb->x;
    wb_sheet *s = &wb->sheets[wb->selected];
    zip_file_t *zf;
    chiso_status st;
    char *buf;
    size_t keep = 0, chunk;
    uint64_t total = 0;
    XML_Parser p = NULL;
    merge_ctx mc;
    chiso_diag *saved_diag = x->diag;
    chiso_status saved_err = x->err;

    st = open_part(wb, s->part, CHISO_WORKBOOK_MAX_SHEET_BYTES, &zf, &chunk,
                   diag);
    if (st == CHISO_DONE) {
        return chiso_diag_set(diag, CHISO_EPARSE, wb->path, 0, 0,
                              "damaged workbook: the part %s of sheet \"%s\" "
                              "is missing",
                              s->part, s->name);
    }
    if (st != CHISO_OK) {
        return st;
    }
    buf = malloc(chunk + 128);
    if (buf == NULL) {
        zip_fclose(zf);
        return chiso_diag_set(diag, CHISO_ENOMEM, wb->path, 0, 0,
                              "out of memory");
    }
    memset(&mc, 0, sizeof(mc));
    mc.x = x;
    x->diag = diag;
    x->err = CHISO_OK;
    for (;;) {
        zip_int64_t n = zip_fread(zf, buf + keep, chunk);
        if (n < 0) {
            st = zip_err(wb, diag, s->part, zip_file_get_error(zf));
            break;
        }
        total += (uint64_t)n;
        if (total > CHISO_WORKBOOK_MAX_SHEET_BYTES) {
            st = chiso_diag_set(
                diag, CHISO_EPARSE, wb->path, 0, 0,
                "the part %s of the workbook is too large "
                "(more than %llu bytes uncompressed)",
                s->part, (unsigned long long)CHISO_WORKBOOK_MAX_SHEET_BYTES);
            break;
        }
        if (p == NULL) {
            size_t have = keep + (size_t)n;
            long at = find_merge_start(buf, have);
            if (at >= 0) {
                p = XML_ParserCreate("UTF-8");
                if (p == NULL) {
                    st = CHISO_ENOMEM;
                    break;
                }
                mc.c.p = p;
                mc.c.wb = wb;
                mc.c.diag = diag;
                mc.c.part = s->part;
                XML_SetUserData(p, &mc);
                XML_SetElementHandler(p, mc_start, mc_end);
                XML_SetStartDoctypeDeclHandler(p, refuse_dtd);
                keep = 0;
                if (XML_Parse(p, buf + at, (int)(have - (size_t)at), n == 0) ==
                        XML_STATUS_ERROR ||
                    n == 0) {
                    st =
                        mc.done && x->err == CHISO_OK ? CHISO_OK : CHISO_EPARSE;
                    break;
                }
            } else {
                /* keep a tail so a tag cut between two reads is found */
                keep = have < 128 ? have : 128;
                memmove(buf, buf + have - keep, keep);
                if (n == 0) {
                    st = CHISO_OK; /* no merged cells */
                    break;
                }
            }
        } else {
            keep = 0;
            if (XML_Parse(p, buf, (int)n, n == 0) == XML_STATUS_ERROR ||
                n == 0) {
                st = mc.done && x->err == CHISO_OK ? CHISO_OK : CHISO_EPARSE;
                break;
            }
        }
    }
    if (st == CHISO_EPARSE && x->err == CHISO_OK) {
        if (XML_GetErrorCode(p) == XML_ERROR_NO_MEMORY) {
            st = chiso_diag_set(diag, CHISO_ENOMEM, wb->path, 0, 0,
                                "out of memory");
        } else {
            st = chiso_diag_set(diag, CHISO_EPARSE, wb->path, 0, 0,
                                "damaged workbook: the merged cells of sheet "
                                "\"%s\" cannot be read",
                                s->name);
        }
    } else if (st == CHISO_ENOMEM) {
        chiso_diag_set(diag, CHISO_ENOMEM, wb->path, 0, 0, "out of memory");
    } else if (st == CHISO_OK && x->err != CHISO_OK) {
        st = x->err;
    }
    if (p != NULL) {
        XML_ParserFree(p);
    }
    free(buf);
    zip_fclose(zf);
    x->diag = saved_diag;
    x->err = saved_err;
    if (st == CHISO_OK) {
        chiso_workbook__merges_done(wb);
    } else {
        size_t j;
        for (j = 0; j < wb->n_merges; j++) {
            free(wb->merges[j].text);
        }
        wb->n_merges = 0;
    }
    return st;
}

void
chiso_workbook__xlsx_free(chiso_workbook *wb)
{
    struct wb_xlsx *x = wb->x;

    if (x == NULL) {
        return;
    }
    stream_close(x);
    if (x->zip != NULL) {
        zip_discard(x->zip);
    }
    free(x->wb_part);
    free(x->sst_part);
    free(x->styles_part);
    free(x->xf_class);
    free(x->sst);
    free(x->sst_off);
    chiso_buf_free(&x->v);
    free(x);
    wb->x = NULL;
}
