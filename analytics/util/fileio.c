/*
 * fileio.c - whole-file reads and atomic output files.
 *
 * Outputs are never written in place: a temporary file is created in the
 * destination's directory (so rename() stays on one file system), filled,
 * flushed, fsync'ed and renamed over the destination. A crash or an error
 * at any point leaves the previous file as it was.
 */
#define _GNU_SOURCE /* renameat2 (atomic folder exchange) */
#include "chiso_util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static mode_t
current_umask(void)
{
    mode_t mask = umask(0);

    umask(mask);
    return mask;
}

chiso_status
chiso_file_read_all(const char *path, char **out, size_t *len, chiso_diag *diag)
{
    FILE *f = NULL;
    chiso_buf b = CHISO_BUF_INIT;
    chiso_status st = CHISO_OK;
    char chunk[65536];
    size_t n;
    int is_stdin = strcmp(path, "-") == 0;
    struct stat sb;

    *out = NULL;
    *len = 0;
    f = is_stdin ? stdin : fopen(path, "rb");
    if (f == NULL) {
        return chiso_diag_set_errno(diag, path, errno, "cannot open");
    }
    if (!is_stdin && fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
        fclose(f);
        return chiso_diag_set_errno(diag, path, EISDIR, "cannot read");
    }
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        st = chiso_buf_append(&b, chunk, n);
        if (st != CHISO_OK) {
            chiso_diag_set(diag, st, path, 0, 0, "out of memory reading file");
            goto out;
        }
    }
    if (ferror(f)) {
        st = chiso_diag_set_errno(diag, path, errno, "cannot read");
        goto out;
    }
    if (b.data == NULL) {
        st = chiso_buf_reserve(&b, 0);
        if (st != CHISO_OK) {
            goto out;
        }
        b.data[0] = '\0';
    }
    *out = b.data;
    *len = b.len;
    b.data = NULL;
out:
    if (!is_stdin) {
        fclose(f);
    }
    chiso_buf_free(&b);
    return st;
}

struct chiso_outfile {
    FILE *fp;
    char *path;
    char *tmp; /* NULL when writing to stdout */
};

chiso_status
chiso_outfile_open(chiso_outfile **out, const char *path, chiso_diag *diag)
{
    chiso_outfile *f;
    const char *slash;
    size_t dirlen;
    int fd;
    mode_t mask;

    *out = NULL;
    f = calloc(1, sizeof(*f));
    if (f == NULL) {
        return chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
    }
    if (strcmp(path, "-") == 0) {
        f->fp = stdout;
        *out = f;
        return CHISO_OK;
    }
    f->path = chiso_strdup(path);
    slash = strrchr(path, '/');
    dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    f->tmp = malloc(strlen(path) + 16);
    if (f->path == NULL || f->tmp == NULL) {
        chiso_outfile_abort(f);
        return chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
    }
    memcpy(f->tmp, path, dirlen);
    sprintf(f->tmp + dirlen, ".%s.XXXXXX", path + dirlen);
    fd = mkstemp(f->tmp);
    if (fd < 0) {
        int err = errno;
        free(f->tmp);
        f->tmp = NULL;
        chiso_outfile_abort(f);
        return chiso_diag_set_errno(diag, path, err, "cannot create");
    }
    /* mkstemp makes 0600; give the file the mode a plain fopen would */
    mask = current_umask();
    if (fchmod(fd, 0666 & ~mask) != 0) {
        /* not fatal: the file is still usable by its owner */
    }
    f->fp = fdopen(fd, "wb");
    if (f->fp == NULL) {
        int err = errno;
        close(fd);
        chiso_outfile_abort(f);
        return chiso_diag_set_errno(diag, path, err, "cannot create");
    }
    *out = f;
    return CHISO_OK;
}

FILE *
chiso_outfile_stream(chiso_outfile *f)
{
    return f->fp;
}

chiso_status
chiso_outfile_commit(chiso_outfile *f, chiso_diag *diag)
{
    chiso_status st = CHISO_OK;
    int err = 0;

    if (f->tmp == NULL) {
        if (fflush(f->fp) != 0) {
            st = chiso_diag_set_errno(diag, "-", errno, "cannot write");
        }
        free(f->path);
        free(f);
        return st;
    }
    if (fflush(f->fp) != 0 || ferror(f->fp)) {
        err = errno ? errno : EIO;
    } else if (fsync(fileno(f->fp)) != 0 && errno != EINVAL) {
        err = errno;
    }
    if (fclose(f->fp) != 0 && err == 0) {
        err = errno;
    }
    f->fp = NULL;
    if (err == 0 && rename(f->tmp, f->path) != 0) {
        err = errno;
    }
    if (err != 0) {
        st = chiso_diag_set_errno(diag, f->path, err, "cannot write");
        unlink(f->tmp);
    }
    free(f->tmp);
    free(f->path);
    free(f);
    return st;
}

void
chiso_outfile_abort(chiso_outfile *f)
{
    if (f == NULL) {
        return;
    }
    if (f->tmp != NULL) {
        if (f->fp != NULL) {
            fclose(f->fp);
        }
        unlink(f->tmp);
    }
    free(f->tmp);
    free(f->path);
    free(f);
}

chiso_status
chiso_file_write_atomic(const char *path,
                        const void *data,
                        size_t len,
                        chiso_diag *diag)
{
    chiso_outfile *f;
    chiso_status st = chiso_outfile_open(&f, path, diag);

    if (st != CHISO_OK) {
        return st;
    }
    if (len > 0 && fwrite(data, 1, len, chiso_outfile_stream(f)) != len) {
        int err = errno;
        chiso_outfile_abort(f);
        return chiso_diag_set_errno(diag, path, err, "cannot write");
    }
    return chiso_outfile_commit(f, diag);
}

/* ---- atomic output directories ----------------------------------------- */

struct chiso_outdir {
    char *path;
    char *tmp;
};

/* Remove a directory tree (only regular files and directories; no symlink
 * is followed). Errors are ignored: this is cleanup. */
static void
remove_tree(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;

    if (d == NULL) {
        unlink(path);
        return;
    }
    while ((e = readdir(d)) != NULL) {
        char *child;
        struct stat sb;
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            continue;
        }
        child = malloc(strlen(path) + strlen(e->d_name) + 2);
        if (child == NULL) {
            continue;
        }
        sprintf(child, "%s/%s", path, e->d_name);
        if (lstat(child, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            remove_tree(child);
        } else {
            unlink(child);
        }
        free(child);
    }
    closedir(d);
    rmdir(path);
}

chiso_status
chiso_outdir_open(chiso_outdir **out, const char *path, chiso_diag *diag)
{
    chiso_outdir *d;
    size_t n = strlen(path);

    *out = NULL;
    while (n > 1 && path[n - 1] == '/') {
        n--;
    }
    d = calloc(1, sizeof(*d));
    if (d == NULL || (d->path = chiso_strndup(path, n)) == NULL ||
        (d->tmp = malloc(n + 16)) == NULL) {
        chiso_outdir_abort(d);
        return chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
    }
    snprintf(d->tmp, n + 16, "%s.tmp-XXXXXX", d->path);
    if (mkdtemp(d->tmp) == NULL) {
        int err = errno;
        free(d->tmp);
        d->tmp = NULL;
        chiso_outdir_abort(d);
        return chiso_diag_set_errno(diag, path, err,
                                    "cannot create the output folder");
    }
    chmod(d->tmp, 0777 & ~current_umask());
    *out = d;
    return CHISO_OK;
}

const char *
chiso_outdir_path(const chiso_outdir *d)
{
    return d->tmp;
}

chiso_status
chiso_outdir_commit(chiso_outdir *d, chiso_diag *diag)
{
    struct stat sb;
    chiso_status st = CHISO_OK;

    if (stat(d->path, &sb) == 0) {
        if (!S_ISDIR(sb.st_mode)) {
            st = chiso_diag_set(diag, CHISO_EIO, d->path, 0, 0,
                                "exists and is not a folder; not replacing "
                                "it");
            chiso_outdir_abort(d);
            return st;
        }
#ifdef RENAME_EXCHANGE
        if (renameat2(AT_FDCWD, d->tmp, AT_FDCWD, d->path, RENAME_EXCHANGE) ==
            0) {
            remove_tree(d->tmp); /* now holds the previous folder */
            goto done;
        }
#endif
        {
            /* no atomic exchange: move the old folder aside first */
            char *old = malloc(strlen(d->path) + 16);
            if (old == NULL) {
                st = chiso_diag_set(diag, CHISO_ENOMEM, d->path, 0, 0,
                                    "out of memory");
                chiso_outdir_abort(d);
                return st;
            }
            snprintf(old, strlen(d->path) + 16, "%s.old-XXXXXX", d->path);
            if (mkdtemp(old) == NULL || rmdir(old) != 0 ||
                rename(d->path, old) != 0) {
                st = chiso_diag_set_errno(diag, d->path, errno,
                                          "cannot replace the output folder");
                free(old);
                chiso_outdir_abort(d);
                return st;
            }
            if (rename(d->tmp, d->path) != 0) {
                st = chiso_diag_set_errno(diag, d->path, errno,
                                          "cannot replace the output folder");
                rename(old, d->path);
                free(old);
                chiso_outdir_abort(d);
                return st;
            }
            remove_tree(old);
            free(old);
        }
    } else if (rename(d->tmp, d->path) != 0) {
        st = chiso_diag_set_errno(diag, d->path, errno,
                                  "cannot create the output folder");
        chiso_outdir_abort(d);
        return st;
    }
#ifdef RENAME_EXCHANGE
done:
#endif
    free(d->tmp);
    free(d->path);
    free(d);
    return st;
}

void
chiso_outdir_abort(chiso_outdir *d)
{
    if (d == NULL) {
        return;
    }
    if (d->tmp != NULL) {
        remove_tree(d->tmp);
    }
    free(d->tmp);
    free(d->path);
    free(d);
}
