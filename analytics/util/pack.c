/*
 * pack.c - output checks and output folders ("packs") that never lose a
 * user's file. docs/safety.md is the user-facing account of these rules.
 *
 * chiso_output_check: an output must not be an input (also through a
 * symbolic or hard link), a folder output must not contain an input, and
 * no output may lie inside a folder given as input. Paths are resolved
 * (realpath) before they are compared, and files are compared by device
 * and inode.
 *
 * chiso_outdir: a folder written as a whole.
 *   - chiso writes a manifest, .chiso-pack.json, into every pack: the
 *     files it wrote with their size and SHA-256, and the chiso version (no
 *     time stamp, so the same inputs give the same bytes).
 *   - An existing folder is replaced only when it is empty or a chiso pack.
 *     A folder without a manifest that is not empty (~/Documents, the
 *     folder of the inputs) is never touched, whatever the options.
 *   - In a pack, files and folders the manifest does not list are the
 *     user's (a Word draft, photos/): they are kept, linked into the new
 *     pack (hard links, so no byte is copied or lost), and named in notes.
 *     A file the manifest lists but whose digest changed is the user's
 *     edit: the run is refused unless the caller asks to keep edits
 *     (keep_edited, `chiso report --force`), which keeps the edited file
 *     under a new name ("table.user.csv") when the new pack writes that
 *     name. Nothing the user made is ever deleted.
 *   - The new pack is assembled in ".chiso-tmp-NAME.XXXXXX" beside the
 *     destination, synced once (syncfs, or fsync of each file), and swapped
 *     in with one atomic exchange (renameat2 RENAME_EXCHANGE). An
 *     interrupted or failed run leaves the previous pack as it was; the
 *     next run removes what was left, by the rules of
 *     chiso_util__tree_clean, and only when the process that made it is
 *     gone (the folder is locked with flock while it lives).
 *   - A symbolic link given as the destination is followed: its target is
 *     replaced and the link stays.
 */
#define _GNU_SOURCE /* renameat2, syncfs, flock */
#include "util_int.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef CHISO_VERSION
#define CHISO_VERSION "0.0.0"
#endif

/* ---- small helpers ----------------------------------------------------------- */

static char *
join(const char *a, const char *b)
{
    chiso_buf p = CHISO_BUF_INIT;

    if (chiso_buf_printf(&p, "%s/%s", a, b) != CHISO_OK) {
        chiso_buf_free(&p);
        return NULL;
    }
    return p.data;
}

/* realpath of path, or of its folder plus its last name when it does not
 * exist yet; NULL when neither resolves. */
static char *
resolve_path(const char *path)
{
    char *r = realpath(path, NULL), *dir = NULL, *base = NULL, *rd, *out;

    if (r != NULL) {
        return r;
    }
    if (chiso_util__split_path(path, &dir, &base) != 0) {
        return NULL;
    }
    rd = realpath(dir, NULL);
    out = rd != NULL && strcmp(base, ".") != 0 && strcmp(base, "..") != 0
              ? join(strcmp(rd, "/") == 0 ? "" : rd, base)
              : NULL;
    free(rd);
    free(dir);
    free(base);
    return out;
}

/* Is `inner` the same as or below `outer` (both resolved)? */
static int
path_within(const char *inner, const char *outer)
{
    size_t n = strlen(outer);

    if (strcmp(outer, "/") == 0) {
        return 1;
    }
    return strncmp(inner, outer, n) == 0 &&
           (inner[n] == '\0' || inner[n] == '/');
}

/* SHA-256 of a file and its size. 0 on success. */
static int
file_digest(const char *path, char hex[65], uint64_t *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    chiso_sha256 s;
    char buf[65536];
    ssize_t n;

    if (fd < 0) {
        return -1;
    }
    chiso_sha256_init(&s);
    *size = 0;
    while ((n = read(fd, buf, sizeof(buf))) != 0) {
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            close(fd);
            return -1;
        }
        chiso_sha256_update(&s, buf, (size_t)n);
        *size += (uint64_t)n;
    }
    close(fd);
    chiso_sha256_final(&s, hex);
    return 0;
}

/* ---- output checks ------------------------------------------------------------ */

chiso_status
chiso_output_check(const char *output,
                   const char *const *inputs,
                   size_t n_inputs,
                   chiso_output_kind kind,
                   chiso_diag *diag)
{
    char *ro;
    struct stat so;
    int out_exists;
    size_t i;
    chiso_status st = CHISO_OK;

    if (output == NULL || strcmp(output, "-") == 0 || output[0] == '\0') {
        return CHISO_OK;
    }
    ro = resolve_path(output);
    out_exists = stat(output, &so) == 0;
    for (i = 0; i < n_inputs && st == CHISO_OK; i++) {
        const char *in = inputs[i];
        struct stat si;
        char *ri;
        if (in == NULL || strcmp(in, "-") == 0 || stat(in, &si) != 0) {
            continue;
        }
        ri = realpath(in, NULL);
        if (out_exists && si.st_dev == so.st_dev && si.st_ino == so.st_ino) {
            st = chiso_diag_set(diag, CHISO_EUSAGE, output, 0, 0,
                                "is the input '%s'; chiso never writes over "
                                "an input",
                                in);
        } else if (ri != NULL && ro != NULL && S_ISDIR(si.st_mode) &&
                   path_within(ro, ri)) {
            st = chiso_diag_set(diag, CHISO_EUSAGE, output, 0, 0,
                                "lies inside the input folder '%s'; chiso "
                                "never writes into an input",
                                in);
        } else if (ri != NULL && ro != NULL && kind == CHISO_OUTPUT_FOLDER &&
                   path_within(ri, ro)) {
            st = chiso_diag_set(diag, CHISO_EUSAGE, output, 0, 0,
                                "contains the input '%s'; chiso never "
                                "replaces a folder that holds an input",
                                in);
        }
        free(ri);
    }
    free(ro);
    return st;
}

/* ---- the manifest ------------------------------------------------------------- */

struct mf_entry {
    char *name;
    char sha[65];
    uint64_t size;
};

struct manifest {
    struct mf_entry *e;
    size_t n;
};

static void
manifest_free(struct manifest *m)
{
    size_t i;

    for (i = 0; i < m->n; i++) {
        free(m->e[i].name);
    }
    free(m->e);
    m->e = NULL;
    m->n = 0;
}

static const struct mf_entry *
manifest_find(const struct manifest *m, const char *name)
{
    size_t i;

    for (i = 0; i < m->n; i++) {
        if (strcmp(m->e[i].name, name) == 0) {
            return &m->e[i];
        }
    }
    return NULL;
}

/* Read DIR/.chiso-pack.json. 1 = read, 0 = absent, -1 = unreadable. */
static int
manifest_read(const char *dir, struct manifest *m)
{
    char *path = join(dir, CHISO_PACK_MANIFEST), *text = NULL;
    size_t len = 0, i = 0;
    cJSON *root = NULL, *files, *it;
    chiso_diag d;
    struct stat sb;
    int rc = -1;

    memset(m, 0, sizeof(*m));
    chiso_diag_clear(&d);
    if (path == NULL) {
        return -1;
    }
    if (lstat(path, &sb) != 0) {
        free(path);
        return errno == ENOENT ? 0 : -1;
    }
    if (!S_ISREG(sb.st_mode) ||
        chiso_file_read_capped(path, 1u << 20, &text, &len, &d) != CHISO_OK ||
        (root = cJSON_ParseWithLength(text, len)) == NULL) {
        goto out;
    }
    if (!cJSON_IsString(cJSON_GetObjectItem(root, "format")) ||
        strcmp(cJSON_GetObjectItem(root, "format")->valuestring,
               "chiso-pack") != 0 ||
        !cJSON_IsArray(files = cJSON_GetObjectItem(root, "files"))) {
        goto out;
    }
    m->e = calloc((size_t)cJSON_GetArraySize(files) + 1, sizeof(*m->e));
    if (m->e == NULL) {
        goto out;
    }
    cJSON_ArrayForEach(it, files)
    {
        cJSON *name = cJSON_GetObjectItem(it, "name");
        cJSON *sha = cJSON_GetObjectItem(it, "sha256");
        cJSON *size = cJSON_GetObjectItem(it, "size");
        if (!cJSON_IsString(name) || !cJSON_IsString(sha) ||
            !cJSON_IsNumber(size) || strlen(sha->valuestring) != 64 ||
            name->valuestring[0] == '\0' || name->valuestring[0] == '/' ||
            strstr(name->valuestring, "..") != NULL) {
            goto out;
        }
        m->e[i].name = chiso_strdup(name->valuestring);
        if (m->e[i].name == NULL) {
            goto out;
        }
        memcpy(m->e[i].sha, sha->valuestring, 65);
        m->e[i].size = (uint64_t)size->valuedouble;
        m->n = ++i;
    }
    rc = 1;
out:
    if (rc != 1) {
        manifest_free(m);
    }
    cJSON_Delete(root);
    free(text);
    free(path);
    return rc;
}

/*
 * The files of the previous pack found equal to their manifest entries,
 * each with the identity it had when it was read (device, inode, size,
 * modification and change times). One run checks the previous pack up to
 * three times: when it starts (to refuse before any work), again when it
 * finishes (it may have changed meanwhile) and once more while removing
 * it after the swap. A file whose identity is still the one it had when
 * its bytes were read is not read again: any write since would have moved
 * its change time. That holds only for a file whose change time was
 * already in the past when it was read (the file system stamps times
 * with a coarse clock, so a write in the same tick as the read could
 * leave the stamp unchanged); another file is read every time.
 */
struct verified {
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime, ctime;
    char sha[65];
};

struct verified_set {
    struct verified *v;
    size_t n, cap;
};

static int
same_time(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

static int
verified_has(const struct verified_set *vs,
             const struct stat *sb,
             const char *sha)
{
    size_t i;

    for (i = 0; vs != NULL && i < vs->n; i++) {
        const struct verified *v = &vs->v[i];
        if (v->dev == sb->st_dev && v->ino == sb->st_ino &&
            v->size == sb->st_size && same_time(&v->mtime, &sb->st_mtim) &&
            same_time(&v->ctime, &sb->st_ctim) && strcmp(v->sha, sha) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Remember sb (read, equal to sha) when its change time was before
 * `before`, the coarse clock read before the file was looked at. */
static void
verified_add(struct verified_set *vs,
             const struct stat *sb,
             const char *sha,
             const struct timespec *before)
{
    struct verified *v;

    if (vs == NULL || sb->st_ctim.tv_sec > before->tv_sec ||
        (sb->st_ctim.tv_sec == before->tv_sec &&
         sb->st_ctim.tv_nsec >= before->tv_nsec)) {
        return;
    }
    if (vs->n == vs->cap) {
        size_t cap = vs->cap ? vs->cap * 2 : 32;
        v = realloc(vs->v, cap * sizeof(*v));
        if (v == NULL) {
            return; /* not remembered: read again next time */
        }
        vs->v = v;
        vs->cap = cap;
    }
    v = &vs->v[vs->n++];
    v->dev = sb->st_dev;
    v->ino = sb->st_ino;
    v->size = sb->st_size;
    v->mtime = sb->st_mtim;
    v->ctime = sb->st_ctim;
    memcpy(v->sha, sha, sizeof(v->sha));
}

/* Is DIR/name the file the manifest entry describes? (vs: the files
 * found so before, or NULL) */
static int
entry_unchanged(const char *dir,
                const struct mf_entry *e,
                struct verified_set *vs)
{
    char *p = join(dir, e->name), hex[65];
    uint64_t size;
    struct stat sb;
    struct timespec before = {0, 0};
    int same = 0;

    if (vs != NULL && clock_gettime(CLOCK_REALTIME_COARSE, &before) != 0) {
        vs = NULL;
    }
    if (p != NULL && lstat(p, &sb) == 0 && S_ISREG(sb.st_mode) &&
        (uint64_t)sb.st_size == e->size) {
        if (verified_has(vs, &sb, e->sha)) {
            same = 1;
        } else if (file_digest(p, hex, &size) == 0 && size == e->size &&
                   strcmp(hex, e->sha) == 0) {
            same = 1;
            verified_add(vs, &sb, e->sha, &before);
        }
    }
    free(p);
    return same;
}

/* ---- removing what chiso left --------------------------------------------------- */

struct inode_count {
    dev_t dev;
    ino_t ino;
    nlink_t n;
};

struct tree_walk {
    struct inode_count *c;
    size_t n, cap;
};

static void
count_inodes(struct tree_walk *t, const char *dir, int depth)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (d == NULL || depth > 64) {
        if (d != NULL) {
            closedir(d);
        }
        return;
    }
    while ((e = readdir(d)) != NULL) {
        char *p;
        struct stat sb;
        size_t i;
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
            (p = join(dir, e->d_name)) == NULL) {
            continue;
        }
        if (lstat(p, &sb) == 0) {
            if (S_ISDIR(sb.st_mode)) {
                count_inodes(t, p, depth + 1);
            } else {
                for (i = 0; i < t->n; i++) {
                    if (t->c[i].dev == sb.st_dev && t->c[i].ino == sb.st_ino) {
                        t->c[i].n++;
                        break;
                    }
                }
                if (i == t->n) {
                    if (t->n == t->cap) {
                        size_t cap = t->cap ? t->cap * 2 : 64;
                        struct inode_count *c = realloc(t->c, cap * sizeof(*c));
                        if (c == NULL) {
                            free(p);
                            continue;
                        }
                        t->c = c;
                        t->cap = cap;
                    }
                    t->c[t->n].dev = sb.st_dev;
                    t->c[t->n].ino = sb.st_ino;
                    t->c[t->n].n = 1;
                    t->n++;
                }
            }
        }
        free(p);
    }
    closedir(d);
}

static nlink_t
links_in_tree(const struct tree_walk *t, const struct stat *sb)
{
    size_t i;

    for (i = 0; i < t->n; i++) {
        if (t->c[i].dev == sb->st_dev && t->c[i].ino == sb->st_ino) {
            return t->c[i].n;
        }
    }
    return 0;
}

/* A name for the user's file `name` that is free in `dir`: the name
 * itself, else "stem.user.ext", "stem.user-2.ext", ... (allocated). */
static char *
free_user_name(const char *dir, const char *name)
{
    const char *slash = strrchr(name, '/');
    const char *last = slash ? slash + 1 : name;
    const char *dot = strrchr(last, '.');
    size_t stem = dot && dot != last ? (size_t)(dot - name) : strlen(name);
    int k;

    for (k = 0; k < 1000; k++) {
        chiso_buf b = CHISO_BUF_INIT;
        struct stat sb;
        char *p;
        if (k == 0) {
            chiso_buf_puts(&b, name);
        } else {
            chiso_buf_append(&b, name, stem);
            chiso_buf_puts(&b, k == 1 ? ".user" : ".user-");
            if (k > 1) {
                chiso_buf_printf(&b, "%d", k);
            }
            chiso_buf_puts(&b, name + stem);
        }
        if (b.data == NULL) {
            return NULL;
        }
        p = join(dir, b.data);
        if (p != NULL && lstat(p, &sb) != 0 && errno == ENOENT) {
            free(p);
            return b.data;
        }
        free(p);
        chiso_buf_free(&b);
    }
    return NULL;
}

struct cleaner {
    const char *root;
    const char *rescue;
    chiso_diag_list *notes;
    struct manifest mf;
    int has_manifest;
    struct tree_walk tw;
    struct verified_set *vs; /* files already found unchanged, or NULL */
    int kept;                /* something could not be removed */
};

/* Create the folders above `rel` inside `root` (as needed). */
static void
make_parents(const char *root, const char *rel)
{
    char *r = chiso_strdup(rel), *p;

    for (p = r ? strchr(r, '/') : NULL; p != NULL; p = strchr(p + 1, '/')) {
        char *dir;
        *p = '\0';
        dir = join(root, r);
        if (dir != NULL) {
            mkdir(dir, 0777);
        }
        free(dir);
        *p = '/';
    }
    free(r);
}

/* Move root/rel into the rescue folder (same name when free). */
static void
rescue(struct cleaner *c, const char *path, const char *rel)
{
    char *name, *to;

    make_parents(c->rescue, rel);
    name = free_user_name(c->rescue, rel);
    if (name == NULL || (to = join(c->rescue, name)) == NULL) {
        free(name);
        c->kept = 1;
        return;
    }
    if (rename(path, to) == 0) {
        if (c->notes != NULL) {
            chiso_diag_list_addk(c->notes, "pack_kept_file",
                                 CHISO_SEVERITY_WARNING, NULL, to, 0, 0,
                                 "kept a file that appeared in the folder "
                                 "while chiso was writing it");
        }
    } else {
        c->kept = 1;
    }
    free(to);
    free(name);
}

/* A ".chiso-tmp-*" file whose lock no process holds. */
static int
stale_tmp_file(const char *path, const char *name)
{
    int fd, stale = 0;

    if (strncmp(name, CHISO_TMP_PREFIX, strlen(CHISO_TMP_PREFIX)) != 0) {
        return 0;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd >= 0) {
        stale = flock(fd, LOCK_EX | LOCK_NB) == 0;
        close(fd);
    }
    return stale;
}

static void
clean_dir(struct cleaner *c, const char *dir, const char *rel, int depth)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (d == NULL || depth > 64) {
        if (d != NULL) {
            closedir(d);
        }
        c->kept = 1;
        return;
    }
    while ((e = readdir(d)) != NULL) {
        char *p, *r;
        struct stat sb;
        const struct mf_entry *me;
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            continue;
        }
        p = join(dir, e->d_name);
        r = rel[0] ? join(rel, e->d_name) : chiso_strdup(e->d_name);
        if (p == NULL || r == NULL || lstat(p, &sb) != 0) {
            free(p);
            free(r);
            c->kept = 1;
            continue;
        }
        if (S_ISDIR(sb.st_mode)) {
            clean_dir(c, p, r, depth + 1);
            if (rmdir(p) != 0) {
                c->kept = 1;
            }
        } else if (depth == 0 && strcmp(r, CHISO_PACK_MANIFEST) == 0) {
            /* removed last, below */
        } else if (S_ISREG(sb.st_mode) && stale_tmp_file(p, e->d_name)) {
            /* a temporary file a killed chiso left here */
            if (unlink(p) != 0) {
                c->kept = 1;
            }
        } else if (sb.st_nlink > links_in_tree(&c->tw, &sb) ||
                   (c->has_manifest && (me = manifest_find(&c->mf, r)) &&
                    entry_unchanged(c->root, me, c->vs)) ||
                   (!c->has_manifest && S_ISREG(sb.st_mode) &&
                    sb.st_nlink == 1)) {
            /* a link (another name keeps the data), a verified chiso file,
             * or a file of an unfinished pack */
            if (unlink(p) != 0) {
                c->kept = 1;
            }
        } else if (c->rescue != NULL) {
            rescue(c, p, r);
        } else {
            c->kept = 1;
        }
        free(p);
        free(r);
    }
    closedir(d);
}

static int
tree_clean_with(const char *root,
                const char *rescue_dir,
                chiso_diag_list *notes,
                struct verified_set *vs)
{
    struct cleaner c;
    char *mpath;

    memset(&c, 0, sizeof(c));
    c.root = root;
    c.rescue = rescue_dir;
    c.notes = notes;
    c.vs = vs;
    c.has_manifest = manifest_read(root, &c.mf) == 1;
    count_inodes(&c.tw, root, 0);
    clean_dir(&c, root, "", 0);
    /* the manifest goes last, and only when nothing else is left: a
     * folder without one is taken for an unfinished pack, whose single
     * files are chiso's */
    mpath = join(root, CHISO_PACK_MANIFEST);
    if (mpath != NULL && !c.kept) {
        unlink(mpath);
    }
    free(mpath);
    manifest_free(&c.mf);
    free(c.tw.c);
    return rmdir(root) == 0;
}

int
chiso_util__tree_clean(const char *root,
                       const char *rescue_dir,
                       chiso_diag_list *notes)
{
    return tree_clean_with(root, rescue_dir, notes, NULL);
}

/* ---- output folders --------------------------------------------------------------- */

enum dest_state { DEST_NEW, DEST_EMPTY, DEST_PACK };

struct chiso_outdir {
    char *path;   /* as given, for messages */
    char *target; /* resolved destination */
    char *parent; /* its folder */
    char *base;
    char *tmp; /* the folder being assembled */
    int lock_fd;
    chiso_outdir_options opts;
    char *generator;
    struct verified_set vs; /* files of the previous pack found unchanged */
};

/* What is in the destination now. */
struct dest_scan {
    enum dest_state state;
    struct manifest mf;
    char **edited; /* listed, changed by the user */
    size_t n_edited;
    char **added; /* not listed: the user's */
    size_t n_added;
};

static void
strv_free(char **v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(v[i]);
    }
    free(v);
}

static void
scan_free(struct dest_scan *s)
{
    manifest_free(&s->mf);
    strv_free(s->edited, s->n_edited);
    strv_free(s->added, s->n_added);
    memset(s, 0, sizeof(*s));
}

static int
strv_push(char ***v, size_t *n, const char *s)
{
    char **p = realloc(*v, (*n + 1) * sizeof(**v));

    if (p == NULL) {
        return -1;
    }
    *v = p;
    if ((p[*n] = chiso_strdup(s)) == NULL) {
        return -1;
    }
    (*n)++;
    return 0;
}

static int
cmp_strp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A readable list "a, b, c (and 4 more)" for messages. */
static void
list_names(chiso_buf *b, char *const *v, size_t n)
{
    size_t i;

    for (i = 0; i < n && i < 5; i++) {
        chiso_buf_printf(b, "%s'%s'", i ? ", " : "", v[i]);
    }
    if (n > 5) {
        chiso_buf_printf(b, " (+%zu)", n - 5);
    }
}

static chiso_status
scan_dest(chiso_outdir *d, struct dest_scan *s, chiso_diag *diag)
{
    struct stat sb;
    DIR *dir;
    struct dirent *e;
    int mr;
    size_t i, n_entries = 0;

    memset(s, 0, sizeof(*s));
    if (lstat(d->target, &sb) != 0) {
        if (errno == ENOENT) {
            s->state = DEST_NEW;
            return CHISO_OK;
        }
        return chiso_diag_set_errno(diag, d->path, errno, "cannot read");
    }
    if (!S_ISDIR(sb.st_mode)) {
        return chiso_diag_set(diag, CHISO_EUSAGE, d->path, 0, 0,
                              "exists and is not a folder; not replacing it");
    }
    dir = opendir(d->target);
    if (dir == NULL) {
        return chiso_diag_set_errno(diag, d->path, errno, "cannot read");
    }
    mr = manifest_read(d->target, &s->mf);
    while ((e = readdir(dir)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
            strcmp(e->d_name, CHISO_PACK_MANIFEST) == 0) {
            continue;
        }
        if (strncmp(e->d_name, CHISO_TMP_PREFIX, strlen(CHISO_TMP_PREFIX)) ==
            0) {
            continue; /* chiso's own temporary, not the user's */
        }
        n_entries++;
        if (mr == 1 && manifest_find(&s->mf, e->d_name) == NULL &&
            strv_push(&s->added, &s->n_added, e->d_name) != 0) {
            closedir(dir);
            return chiso_diag_set(diag, CHISO_ENOMEM, d->path, 0, 0,
                                  "out of memory");
        }
    }
    closedir(dir);
    if (mr != 1) {
        if (n_entries == 0 && mr == 0) {
            s->state = DEST_EMPTY;
            return CHISO_OK;
        }
        return chiso_diag_set(diag, CHISO_EUSAGE, d->path, 0, 0,
                              mr == 0 ? "is a folder chiso did not make (it "
                                        "has no " CHISO_PACK_MANIFEST ") and "
                                        "is not empty; chiso replaces only "
                                        "its own report folders: give a new "
                                        "or empty folder"
                                      : "has a " CHISO_PACK_MANIFEST " that "
                                        "chiso cannot read; not replacing "
                                        "the folder");
    }
    s->state = DEST_PACK;
    for (i = 0; i < s->mf.n; i++) {
        char *p = join(d->target, s->mf.e[i].name);
        struct stat fb;
        int exists = p != NULL && lstat(p, &fb) == 0;
        free(p);
        if (exists && !entry_unchanged(d->target, &s->mf.e[i], &d->vs) &&
            strv_push(&s->edited, &s->n_edited, s->mf.e[i].name) != 0) {
            return chiso_diag_set(diag, CHISO_ENOMEM, d->path, 0, 0,
                                  "out of memory");
        }
    }
    if (s->n_edited > 1) {
        qsort(s->edited, s->n_edited, sizeof(char *), cmp_strp);
    }
    if (s->n_added > 1) {
        qsort(s->added, s->n_added, sizeof(char *), cmp_strp);
    }
    return CHISO_OK;
}

static chiso_status
refuse_edited(chiso_outdir *d, const struct dest_scan *s, chiso_diag *diag)
{
    chiso_buf names = CHISO_BUF_INIT;
    chiso_status st;

    list_names(&names, s->edited, s->n_edited);
    if (s->n_edited == 1) {
        st = chiso_diag_set(diag, CHISO_EUSAGE, d->path, 0, 0,
                            "%s was changed after chiso wrote it: chiso "
                            "never overwrites your edits; move or rename it, "
                            "or run again with --force to keep it beside the "
                            "new pack",
                            names.data ? names.data : "?");
    } else {
        st = chiso_diag_set(diag, CHISO_EUSAGE, d->path, 0, 0,
                            "%s were changed after chiso wrote them: chiso "
                            "never overwrites your edits; move or rename "
                            "them, or run again with --force to keep them "
                            "beside the new pack",
                            names.data ? names.data : "?");
    }
    chiso_buf_free(&names);
    return st;
}

chiso_status
chiso_outdir_open_with(chiso_outdir **out,
                       const char *path,
                       const chiso_outdir_options *opts,
                       chiso_diag *diag)
{
    chiso_outdir_options defaults = CHISO_OUTDIR_OPTIONS_INIT;
    chiso_outdir *d;
    struct dest_scan scan;
    chiso_status st;
    struct stat lsb, tsb;
    char *stem = NULL;
    int attempt, fd = -1;

    *out = NULL;
    if (opts == NULL) {
        opts = &defaults;
    }
    if (path == NULL || path[0] == '\0') {
        return chiso_diag_set(diag, CHISO_EUSAGE, path, 0, 0,
                              "the output folder has no name");
    }
    d = calloc(1, sizeof(*d));
    if (d == NULL || (d->path = chiso_strdup(path)) == NULL) {
        free(d);
        return chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
    }
    d->lock_fd = -1;
    d->opts = *opts;
    d->generator = chiso_strdup(opts->generator ? opts->generator
                                                : "chiso " CHISO_VERSION);
    /* a symbolic link is followed: its target is the pack */
    if (lstat(path, &lsb) == 0 && S_ISLNK(lsb.st_mode) &&
        stat(path, &tsb) != 0) {
        chiso_outdir_abort(d);
        return chiso_diag_set(diag, CHISO_EUSAGE, path, 0, 0,
                              "is a link to something that does not exist; "
                              "give the folder itself");
    }
    d->target = resolve_path(path);
    if (d->generator == NULL || d->target == NULL ||
        chiso_util__split_path(d->target, &d->parent, &d->base) != 0) {
        int err = errno;
        chiso_outdir_abort(d);
        if (err == ENOENT || err == ENOTDIR) {
            return chiso_diag_set_errno(diag, path, err,
                                        "cannot create the output folder");
        }
        return chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
    }
    if (strcmp(d->target, "/") == 0) {
        chiso_outdir_abort(d);
        return chiso_diag_set(diag, CHISO_EUSAGE, path, 0, 0,
                              "is the root folder; give a new or empty "
                              "folder");
    }
    st = scan_dest(d, &scan, diag);
    if (st == CHISO_OK && scan.n_edited > 0 && !d->opts.keep_edited) {
        st = refuse_edited(d, &scan, diag);
    }
    scan_free(&scan);
    if (st != CHISO_OK) {
        chiso_outdir_abort(d);
        return st;
    }
    chiso_util__clean_stale(d->parent, d->base);
    stem = chiso_util__tmp_stem(d->parent, d->base);
    d->tmp = stem ? malloc(strlen(stem) + CHISO_TMP_RANDOM + 1) : NULL;
    if (d->tmp == NULL) {
        free(stem);
        chiso_outdir_abort(d);
        return chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
    }
    for (attempt = 0; attempt < 100; attempt++) {
        char rnd[CHISO_TMP_RANDOM + 1];
        struct stat a, b;
        chiso_util__random_chars(rnd);
        sprintf(d->tmp, "%s%s", stem, rnd);
        if (mkdir(d->tmp, 0777) != 0) { /* 0777 minus the umask */
            if (errno == EEXIST) {
                continue;
            }
            break;
        }
        fd = open(d->tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0 &&
            fstat(fd, &a) == 0 && stat(d->tmp, &b) == 0 &&
            a.st_ino == b.st_ino && a.st_dev == b.st_dev) {
            break; /* ours, locked while this process lives */
        }
        if (fd >= 0) {
            close(fd);
            fd = -1;
        }
    }
    free(stem);
    if (fd < 0) {
        int err = errno ? errno : EEXIST;
        free(d->tmp);
        d->tmp = NULL;
        chiso_outdir_abort(d);
        return chiso_diag_set_errno(diag, path, err,
                                    "cannot create the output folder");
    }
    d->lock_fd = fd;
    if (stat(d->target, &tsb) == 0) {
        /* the new folder keeps the old one's permissions */
        if (fchmod(fd, tsb.st_mode & 07777) != 0) {
            /* not fatal */
        }
    }
    *out = d;
    return CHISO_OK;
}

chiso_status
chiso_outdir_open(chiso_outdir **out, const char *path, chiso_diag *diag)
{
    return chiso_outdir_open_with(out, path, NULL, diag);
}

const char *
chiso_outdir_path(const chiso_outdir *d)
{
    return d->tmp;
}

const char *
chiso_outdir_target(const chiso_outdir *d)
{
    return d->target;
}

/* Link the user's entry src (file, link or folder) as dst. */
static int
link_tree(const char *src, const char *dst, int depth)
{
    struct stat sb;
    DIR *d;
    struct dirent *e;
    int rc = 0;

    if (lstat(src, &sb) != 0 || depth > 64) {
        return -1;
    }
    if (!S_ISDIR(sb.st_mode)) {
        /* hard link; a symbolic link is linked itself, not followed */
        return linkat(AT_FDCWD, src, AT_FDCWD, dst, 0);
    }
    if (mkdir(dst, sb.st_mode & 07777) != 0 || (d = opendir(src)) == NULL) {
        return -1;
    }
    while (rc == 0 && (e = readdir(d)) != NULL) {
        char *s, *t;
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            continue;
        }
        s = join(src, e->d_name);
        t = join(dst, e->d_name);
        rc = s != NULL && t != NULL ? link_tree(s, t, depth + 1) : -1;
        free(s);
        free(t);
    }
    closedir(d);
    if (rc == 0) {
        struct timespec ts[2];
        chmod(dst, sb.st_mode & 07777);
        if (geteuid() == 0 && lchown(dst, sb.st_uid, sb.st_gid) != 0) {
            /* not fatal */
        }
        ts[0] = sb.st_atim;
        ts[1] = sb.st_mtim;
        utimensat(AT_FDCWD, dst, ts, AT_SYMLINK_NOFOLLOW);
    }
    return rc;
}

/* The files chiso wrote into the new pack (top level, sorted). */
static chiso_status
list_new(chiso_outdir *d, char ***names, size_t *n, chiso_diag *diag)
{
    DIR *dir = opendir(d->tmp);
    struct dirent *e;

    *names = NULL;
    *n = 0;
    if (dir == NULL) {
        return chiso_diag_set_errno(diag, d->path, errno, "cannot read");
    }
    while ((e = readdir(dir)) != NULL) {
        if (e->d_name[0] == '.' &&
            (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
             strncmp(e->d_name, CHISO_TMP_PREFIX, strlen(CHISO_TMP_PREFIX)) ==
                 0 ||
             strcmp(e->d_name, CHISO_PACK_MANIFEST) == 0)) {
            continue;
        }
        if (strv_push(names, n, e->d_name) != 0) {
            closedir(dir);
            return chiso_diag_set(diag, CHISO_ENOMEM, d->path, 0, 0,
                                  "out of memory");
        }
    }
    closedir(dir);
    if (*n > 1) {
        qsort(*names, *n, sizeof(char *), cmp_strp);
    }
    return CHISO_OK;
}

static int
in_sorted(char *const *v, size_t n, const char *s)
{
    return n > 0 && bsearch(&s, v, n, sizeof(char *), cmp_strp) != NULL;
}

/* Write the manifest of the new files into the new pack. */
static chiso_status
write_manifest(chiso_outdir *d, char *const *names, size_t n, chiso_diag *diag)
{
    chiso_jb jb = CHISO_JB_INIT;
    cJSON *root = chiso_jb_object(&jb), *files;
    chiso_status st = CHISO_OK;
    char *text = NULL, *path = NULL;
    size_t i;

    chiso_jb_str(&jb, root, "format", "chiso-pack");
    chiso_jb_int(&jb, root, "format_version", 1);
    chiso_jb_str(&jb, root, "generator", d->generator);
    files = chiso_jb_arr(&jb, root, "files");
    for (i = 0; i < n; i++) {
        char hex[65], *p = join(d->tmp, names[i]);
        uint64_t size;
        struct stat sb;
        cJSON *o;
        if (p == NULL) {
            jb.failed = 1;
            break;
        }
        if (lstat(p, &sb) != 0 || !S_ISREG(sb.st_mode) ||
            file_digest(p, hex, &size) != 0) {
            st = chiso_diag_set_errno(diag, p, errno ? errno : EIO,
                                      "cannot read");
            free(p);
            break;
        }
        free(p);
        o = chiso_jb_obj(&jb, files, NULL);
        chiso_jb_str(&jb, o, "name", names[i]);
        chiso_jb_int(&jb, o, "size", (long long)size);
        chiso_jb_str(&jb, o, "sha256", hex);
    }
    root = chiso_jb_finish(&jb, root);
    if (st == CHISO_OK) {
        text = root != NULL ? chiso_json_print(root) : NULL;
        path = join(d->tmp, CHISO_PACK_MANIFEST);
        if (text == NULL || path == NULL) {
            st = chiso_diag_set(diag, CHISO_ENOMEM, d->path, 0, 0,
                                "out of memory");
        }
    }
    if (st == CHISO_OK) {
        st = chiso_file_write_atomic(path, text, strlen(text), diag);
    }
    free(path);
    free(text);
    cJSON_Delete(root);
    return st;
}

/* Make the new pack durable before it becomes visible: one syncfs for
 * the file system, or else one fsync per file; then the folder itself. */
static chiso_status
sync_pack(chiso_outdir *d, char *const *names, size_t n, chiso_diag *diag)
{
    size_t i;

    if (syncfs(d->lock_fd) != 0) {
        for (i = 0; i < n; i++) {
            char *p = join(d->tmp, names[i]);
            int fd = p ? open(p, O_RDONLY | O_CLOEXEC) : -1;
            if (fd >= 0) {
                if (fsync(fd) != 0 && errno != EINVAL) {
                    int err = errno;
                    close(fd);
                    free(p);
                    return chiso_diag_set_errno(diag, d->path, err,
                                                "cannot write");
                }
                close(fd);
            }
            free(p);
        }
    }
    if (fsync(d->lock_fd) != 0 && errno != EINVAL) {
        return chiso_diag_set_errno(diag, d->path, errno, "cannot write");
    }
    return CHISO_OK;
}

static void
note_kept(chiso_diag_list *notes,
          const char *target,
          const char *name,
          const char *as)
{
    char *p = join(target, as);

    if (notes == NULL || p == NULL) {
        free(p);
        return;
    }
    if (strcmp(name, as) == 0) {
        chiso_diag_list_addk(notes, "pack_kept_user_file",
                             CHISO_SEVERITY_WARNING, NULL, p, 0, 0,
                             "kept: chiso did not write this; it stays in the "
                             "report folder");
    } else {
        chiso_diag_list_addk(notes, "pack_kept_edited_file",
                             CHISO_SEVERITY_WARNING, NULL, p, 0, 0,
                             "kept your version of '%s' under this name; "
                             "the new pack has its own '%s'",
                             name, name);
    }
    free(p);
}

/* Link the user's entries of the destination into the new pack. */
static chiso_status
keep_user_entries(chiso_outdir *d,
                  const struct dest_scan *s,
                  char *const *new_names,
                  size_t n_new,
                  chiso_diag_list *notes,
                  chiso_diag *diag)
{
    size_t i, k;

    for (k = 0; k < 2; k++) {
        char *const *v = k == 0 ? s->added : s->edited;
        size_t n = k == 0 ? s->n_added : s->n_edited;
        for (i = 0; i < n; i++) {
            char *src = join(d->target, v[i]), *as, *dst;
            int clash = in_sorted(new_names, n_new, v[i]) ||
                        strcmp(v[i], CHISO_PACK_MANIFEST) == 0;
            if (clash && !d->opts.keep_edited) {
                chiso_status st = chiso_diag_set(
                    diag, CHISO_EUSAGE, src, 0, 0,
                    "is yours (chiso did not write it) and the new pack "
                    "has a file of that name; move or rename it, or run "
                    "again with --force to keep it under a new name");
                free(src);
                return st;
            }
            as = clash ? free_user_name(d->tmp, v[i]) : chiso_strdup(v[i]);
            dst = as ? join(d->tmp, as) : NULL;
            if (src == NULL || dst == NULL) {
                free(src);
                free(as);
                free(dst);
                return chiso_diag_set(diag, CHISO_ENOMEM, d->path, 0, 0,
                                      "out of memory");
            }
            if (link_tree(src, dst, 0) != 0) {
                chiso_status st = chiso_diag_set_errno(
                    diag, src, errno ? errno : EIO,
                    "cannot keep this file in the new pack (the folder "
                    "needs hard links); nothing was changed");
                free(src);
                free(as);
                free(dst);
                return st;
            }
            note_kept(notes, d->path, v[i], as);
            free(src);
            free(as);
            free(dst);
        }
    }
    return CHISO_OK;
}

chiso_status
chiso_outdir_finish(chiso_outdir *d, chiso_diag_list *notes, chiso_diag *diag)
{
    struct dest_scan scan;
    char **names = NULL;
    size_t n_names = 0;
    chiso_status st;
    int swapped = 0;

    st = list_new(d, &names, &n_names, diag);
    if (st == CHISO_OK) {
        /* the destination again: it may have changed while we computed */
        st = scan_dest(d, &scan, diag);
        if (st == CHISO_OK) {
            if (scan.n_edited > 0 && !d->opts.keep_edited) {
                st = refuse_edited(d, &scan, diag);
            }
            if (st == CHISO_OK) {
                st = keep_user_entries(d, &scan, names, n_names, notes, diag);
            }
            if (st == CHISO_OK) {
                st = write_manifest(d, names, n_names, diag);
            }
            if (st == CHISO_OK) {
                st = sync_pack(d, names, n_names, diag);
            }
            if (st == CHISO_OK && scan.state != DEST_NEW) {
                if (renameat2(AT_FDCWD, d->tmp, AT_FDCWD, d->target,
                              RENAME_EXCHANGE) == 0) {
                    swapped = 1;
                } else if (errno == EINVAL || errno == ENOSYS) {
                    /* no atomic exchange here: move the old folder to a
                     * temporary name first (a crash between the two
                     * renames leaves both folders under .chiso-tmp-
                     * names, nothing lost) */
                    char *stem = chiso_util__tmp_stem(d->parent, d->base);
                    char rnd[CHISO_TMP_RANDOM + 1];
                    chiso_buf old = CHISO_BUF_INIT;
                    chiso_util__random_chars(rnd);
                    if (stem != NULL &&
                        chiso_buf_printf(&old, "%s%s", stem, rnd) == CHISO_OK &&
                        rename(d->target, old.data) == 0) {
                        if (rename(d->tmp, d->target) == 0) {
                            free(d->tmp);
                            d->tmp = old.data;
                            old.data = NULL;
                            swapped = 1;
                        } else {
                            int err = errno;
                            rename(old.data, d->target);
                            errno = err;
                        }
                    }
                    chiso_buf_free(&old);
                    free(stem);
                }
                if (!swapped) {
                    st = chiso_diag_set_errno(diag, d->path, errno,
                                              "cannot replace the output "
                                              "folder");
                }
            } else if (st == CHISO_OK) {
                int rc = renameat2(AT_FDCWD, d->tmp, AT_FDCWD, d->target,
                                   RENAME_NOREPLACE);
                if (rc != 0 && (errno == EINVAL || errno == ENOSYS)) {
                    rc = rename(d->tmp, d->target);
                }
                if (rc != 0) {
                    st = chiso_diag_set_errno(diag, d->path, errno,
                                              "cannot create the output "
                                              "folder");
                } else {
                    free(d->tmp);
                    d->tmp = NULL;
                }
            }
            scan_free(&scan);
        }
    }
    strv_free(names, n_names);
    if (st != CHISO_OK) {
        chiso_outdir_abort(d);
        return st;
    }
    if (swapped) {
        /* d->tmp now holds the previous folder: remove what is chiso's or
         * linked, move anything else (a file saved meanwhile) into the new
         * pack */
        tree_clean_with(d->tmp, d->target, notes, &d->vs);
        free(d->tmp);
        d->tmp = NULL;
    }
    /* the rename itself durable */
    {
        int pfd = open(d->parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (pfd >= 0) {
            if (fsync(pfd) != 0) {
                /* the pack is in place; durability of the name is best
                 * effort on file systems that cannot sync folders */
            }
            close(pfd);
        }
    }
    chiso_outdir_abort(d); /* frees; nothing temporary is left */
    return CHISO_OK;
}

chiso_status
chiso_outdir_commit(chiso_outdir *d, chiso_diag *diag)
{
    return chiso_outdir_finish(d, NULL, diag);
}

void
chiso_outdir_abort(chiso_outdir *d)
{
    if (d == NULL) {
        return;
    }
    if (d->tmp != NULL) {
        /* only what this run wrote: an unfinished pack has no manifest
         * (or ours); the user's files in it are links */
        chiso_util__tree_clean(d->tmp, NULL, NULL);
    }
    if (d->lock_fd >= 0) {
        close(d->lock_fd);
    }
    free(d->tmp);
    free(d->target);
    free(d->parent);
    free(d->base);
    free(d->path);
    free(d->generator);
    free(d->vs.v);
    free(d);
}
