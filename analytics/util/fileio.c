/*
 * fileio.c - whole-file reads with a size cap, and output files that never
 * lose what was there before.
 *
 * Reading: a file is opened once and read to its end (so a FIFO such as
 * <(cat f.json) works), refusing to grow beyond a cap (CHISO_READ_CAP).
 *
 * Writing (chiso_outfile): where the output goes is decided first.
 *   - "-", /dev/stdout, /dev/fd/1 and /proc/self/fd/1 are standard output:
 *     the bytes are kept in memory and written, checked, at commit.
 *   - A symbolic link is followed to its target: the target is replaced,
 *     the link stays.
 *   - A device, FIFO or socket, or anything reached through the kernel's
 *     links to open files (/proc/self/fd/N, /dev/fd/N, /dev/stderr), is
 *     written in place at commit, never renamed over (as root,
 *     renaming over /dev/null would replace the device with a file).
 *     Folders and block devices are refused.
 *   - Otherwise (a regular file or nothing yet) the data goes to a
 *     temporary file ".chiso-tmp-NAME.XXXXXX" beside the destination, is
 *     flushed and fsync'ed and then renamed over it, keeping the old
 *     file's permissions. A crash at any point leaves the previous file as
 *     it was. The temporary file is locked (flock) while its process lives,
 *     so the next run that writes the same destination removes what a
 *     killed run left, and never what a running one is writing.
 * The file mode of a new file is 0666 minus the umask, as fopen() gives,
 * without changing the process umask.
 */
#define _GNU_SOURCE /* getrandom, flock, O_NOFOLLOW */
#include "util_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

unsigned
chiso_file_default_mode(void)
{
    unsigned mask = 022;
    char line[128];
    FILE *f = fopen("/proc/self/status", "r");

    if (f != NULL) {
        while (fgets(line, sizeof(line), f) != NULL) {
            if (strncmp(line, "Umask:", 6) == 0) {
                mask = (unsigned)strtoul(line + 6, NULL, 8) & 0777u;
                break;
            }
        }
        fclose(f);
    }
    return 0666u & ~mask;
}

/* ---- reading -------------------------------------------------------------- */

chiso_status
chiso_file_read_capped(
    const char *path, size_t cap, char **out, size_t *len, chiso_diag *diag)
{
    chiso_buf b = CHISO_BUF_INIT;
    chiso_status st = CHISO_OK;
    int is_stdin = strcmp(path, "-") == 0;
    int fd;
    struct stat sb;

    *out = NULL;
    *len = 0;
    fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return chiso_diag_set_errno(diag, path, errno, "cannot open");
    }
    if (fstat(fd, &sb) == 0) {
        if (S_ISDIR(sb.st_mode)) {
            st = chiso_diag_set_errno(diag, path, EISDIR, "cannot read");
            goto out;
        }
        if (S_ISREG(sb.st_mode) && (uintmax_t)sb.st_size > cap) {
            goto too_big;
        }
        if (S_ISREG(sb.st_mode) && sb.st_size > 0 &&
            chiso_buf_reserve(&b, (size_t)sb.st_size) != CHISO_OK) {
            st = chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0,
                                "out of memory reading file");
            goto out;
        }
    }
    for (;;) {
        ssize_t n;
        size_t want = 65536;
        if (b.len > cap) {
            goto too_big;
        }
        if (chiso_buf_reserve(&b, want) != CHISO_OK) {
            st = chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0,
                                "out of memory reading file");
            goto out;
        }
        n = read(fd, b.data + b.len, b.cap - b.len - 1);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            st = chiso_diag_set_errno(diag, path, errno, "cannot read");
            goto out;
        }
        if (n == 0) {
            break;
        }
        b.len += (size_t)n;
    }
    if (b.len > cap) {
        goto too_big;
    }
    if (b.data == NULL && chiso_buf_reserve(&b, 0) != CHISO_OK) {
        st = chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0,
                            "out of memory reading file");
        goto out;
    }
    b.data[b.len] = '\0';
    *out = b.data;
    *len = b.len;
    b.data = NULL;
    goto out;
too_big:
    st = chiso_diag_set(diag, CHISO_EDATA, path, 0, 0,
                        "larger than %zu MiB, the most chiso reads from a "
                        "file of this kind; stopped reading (is it the right "
                        "file?)",
                        cap >> 20);
out:
    if (!is_stdin) {
        close(fd);
    }
    chiso_buf_free(&b);
    return st;
}

chiso_status
chiso_file_read_all(const char *path, char **out, size_t *len, chiso_diag *diag)
{
    return chiso_file_read_capped(path, CHISO_READ_CAP, out, len, diag);
}

/* ---- temporary names -------------------------------------------------------- */

void
chiso_util__random_chars(char out[CHISO_TMP_RANDOM + 1])
{
    static const char set[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    unsigned char r[CHISO_TMP_RANDOM];
    size_t i;

    if (getrandom(r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
        struct timespec ts;
        uint64_t v;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        v = (uint64_t)ts.tv_nsec * 0x9E3779B97F4A7C15ull ^
            (uint64_t)getpid() << 20 ^ (uint64_t)(uintptr_t)r;
        for (i = 0; i < sizeof(r); i++) {
            r[i] = (unsigned char)(v >> (8 * i));
        }
    }
    for (i = 0; i < CHISO_TMP_RANDOM; i++) {
        out[i] = set[r[i] % (sizeof(set) - 1)];
    }
    out[CHISO_TMP_RANDOM] = '\0';
}

int
chiso_util__split_path(const char *path, char **dir, char **base)
{
    size_t n = strlen(path);
    const char *slash;

    while (n > 1 && path[n - 1] == '/') {
        n--;
    }
    *dir = NULL;
    *base = NULL;
    slash = NULL;
    {
        size_t i;
        for (i = n; i > 0; i--) {
            if (path[i - 1] == '/') {
                slash = path + i - 1;
                break;
            }
        }
    }
    if (slash == NULL) {
        *dir = chiso_strdup(".");
        *base = chiso_strndup(path, n);
    } else {
        *dir = chiso_strndup(path, slash == path ? 1 : (size_t)(slash - path));
        *base = chiso_strndup(slash + 1, n - (size_t)(slash + 1 - path));
    }
    if (*dir == NULL || *base == NULL) {
        free(*dir);
        free(*base);
        *dir = *base = NULL;
        return -1;
    }
    return 0;
}

char *
chiso_util__tmp_stem(const char *dir, const char *base)
{
    size_t n = strlen(base);
    chiso_buf b = CHISO_BUF_INIT;

    if (n > CHISO_TMP_BASE_MAX) {
        n = CHISO_TMP_BASE_MAX;
        while (n > 0 && ((unsigned char)base[n] & 0xC0) == 0x80) {
            n--; /* never cut a character */
        }
    }
    if (chiso_buf_puts(&b, dir) != CHISO_OK ||
        chiso_buf_puts(&b, "/" CHISO_TMP_PREFIX) != CHISO_OK ||
        chiso_buf_append(&b, base, n) != CHISO_OK ||
        chiso_buf_puts(&b, ".") != CHISO_OK) {
        chiso_buf_free(&b);
        return NULL;
    }
    return b.data;
}

int
chiso_util__in_tmp_folder(const char *dir)
{
    const char *slash = strrchr(dir, '/');
    const char *last = slash ? slash + 1 : dir;

    return strncmp(last, CHISO_TMP_PREFIX, strlen(CHISO_TMP_PREFIX)) == 0;
}

/* Does `name` look like "<prefix><base>.XXXXXX" for this stem? */
static int
stale_name(const char *name, const char *stem_name, size_t stem_len)
{
    size_t i, n = strlen(name);

    if (n != stem_len + CHISO_TMP_RANDOM ||
        strncmp(name, stem_name, stem_len) != 0) {
        return 0;
    }
    for (i = stem_len; i < n; i++) {
        char c = name[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9'))) {
            return 0;
        }
    }
    return 1;
}

void
chiso_util__clean_stale(const char *dir, const char *base)
{
    char *stem = chiso_util__tmp_stem(dir, base);
    const char *stem_name;
    size_t stem_len;
    DIR *d;
    struct dirent *e;

    if (stem == NULL) {
        return;
    }
    stem_name = stem + strlen(dir) + 1;
    stem_len = strlen(stem_name);
    d = opendir(dir);
    if (d == NULL) {
        free(stem);
        return;
    }
    while ((e = readdir(d)) != NULL) {
        chiso_buf p = CHISO_BUF_INIT;
        struct stat sl, sf;
        int fd;
        if (!stale_name(e->d_name, stem_name, stem_len) ||
            chiso_buf_printf(&p, "%s/%s", dir, e->d_name) != CHISO_OK ||
            lstat(p.data, &sl) != 0 ||
            !(S_ISREG(sl.st_mode) || S_ISDIR(sl.st_mode))) {
            chiso_buf_free(&p);
            continue;
        }
        fd = open(p.data, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK |
                              (S_ISDIR(sl.st_mode) ? O_DIRECTORY : 0));
        if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0 &&
            fstat(fd, &sf) == 0 && sf.st_ino == sl.st_ino &&
            sf.st_dev == sl.st_dev) {
            /* no live process holds it: a killed run left it */
            if (S_ISREG(sf.st_mode)) {
                unlink(p.data);
            } else {
                chiso_util__tree_clean(p.data, NULL, NULL);
            }
        }
        if (fd >= 0) {
            close(fd); /* releases the lock */
        }
        chiso_buf_free(&p);
    }
    closedir(d);
    free(stem);
}

/* ---- output files ------------------------------------------------------------ */

enum out_kind {
    OUT_RENAME,  /* temporary file renamed over the destination */
    OUT_INPLACE, /* device, FIFO, /proc: opened and written at commit */
    OUT_STDOUT   /* standard output, written at commit */
};

struct chiso_outfile {
    FILE *fp;
    enum out_kind kind;
    char *path;   /* as given, for messages */
    char *target; /* where the bytes go (symbolic links followed) */
    char *tmp;    /* OUT_RENAME: the temporary file */
    char *mem;    /* OUT_INPLACE / OUT_STDOUT: the bytes */
    size_t mem_len;
    int synced;
    int nosync; /* inside a chiso temporary folder: synced with it */
};

static int
is_stdout_path(const char *p)
{
    return strcmp(p, "-") == 0 || strcmp(p, "/dev/stdout") == 0 ||
           strcmp(p, "/dev/fd/1") == 0 || strcmp(p, "/proc/self/fd/1") == 0;
}

/* The kernel's links to open files (/proc/self/fd/N, /dev/fd/N,
 * /dev/stderr): what they name is written in place, whatever it is. Other
 * paths under /dev are judged by what they are (a device is written in
 * place, a file under /dev/shm is a file). */
static int
is_special_path(const char *p)
{
    return strncmp(p, "/proc/", 6) == 0 || strncmp(p, "/dev/fd/", 8) == 0 ||
           strcmp(p, "/dev/stderr") == 0 || strcmp(p, "/dev/stdin") == 0;
}

/*
 * Follow the symbolic links of the last component of `path` (not into
 * /dev or /proc, whose links are the kernel's). *final is allocated. Sets
 * *special when the chain reaches /dev or /proc, *to_stdout when it
 * reaches standard output.
 */
static chiso_status
follow_links(const char *path,
             char **final,
             int *special,
             int *to_stdout,
             chiso_diag *diag)
{
    char *cur = chiso_strdup(path);
    int hops;

    *special = is_special_path(path);
    *to_stdout = is_stdout_path(path);
    if (cur == NULL) {
        return chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
    }
    for (hops = 0; hops < 40 && !*special && !*to_stdout; hops++) {
        struct stat sb;
        char link[PATH_MAX];
        ssize_t n;
        char *next;
        if (lstat(cur, &sb) != 0 || !S_ISLNK(sb.st_mode)) {
            *final = cur;
            return CHISO_OK;
        }
        n = readlink(cur, link, sizeof(link) - 1);
        if (n < 0) {
            int err = errno;
            free(cur);
            return chiso_diag_set_errno(diag, path, err, "cannot follow link");
        }
        link[n] = '\0';
        if (link[0] == '/' || strchr(cur, '/') == NULL) {
            next = chiso_strdup(link);
        } else {
            chiso_buf b = CHISO_BUF_INIT;
            const char *slash = strrchr(cur, '/');
            if (chiso_buf_append(&b, cur, (size_t)(slash - cur) + 1) !=
                    CHISO_OK ||
                chiso_buf_puts(&b, link) != CHISO_OK) {
                chiso_buf_free(&b);
                b.data = NULL;
            }
            next = b.data;
        }
        free(cur);
        cur = next;
        if (cur == NULL) {
            return chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0,
                                  "out of memory");
        }
        *special = is_special_path(cur);
        *to_stdout = is_stdout_path(cur);
    }
    if (!*special && !*to_stdout) {
        free(cur);
        return chiso_diag_set_errno(diag, path, ELOOP, "cannot follow link");
    }
    *final = cur;
    return CHISO_OK;
}

static chiso_status
open_rename(chiso_outfile *f, const struct stat *old, chiso_diag *diag)
{
    char *dir = NULL, *base = NULL, *stem = NULL;
    chiso_status st = CHISO_OK;
    int fd = -1, attempt;

    if (chiso_util__split_path(f->target, &dir, &base) != 0 ||
        (stem = chiso_util__tmp_stem(dir, base)) == NULL ||
        (f->tmp = malloc(strlen(stem) + CHISO_TMP_RANDOM + 1)) == NULL) {
        st = chiso_diag_set(diag, CHISO_ENOMEM, f->path, 0, 0, "out of memory");
        goto out;
    }
    f->nosync = chiso_util__in_tmp_folder(dir);
    if (!f->nosync) {
        chiso_util__clean_stale(dir, base);
    }
    for (attempt = 0; attempt < 100; attempt++) {
        char rnd[CHISO_TMP_RANDOM + 1];
        struct stat a, b;
        chiso_util__random_chars(rnd);
        sprintf(f->tmp, "%s%s", stem, rnd);
        /* 0666 minus the umask, as fopen() would create it */
        fd = open(f->tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno == EEXIST) {
            continue;
        }
        if (fd < 0) {
            break;
        }
        /* lock it for as long as this process writes it; a cleaner that
         * got there first has unlinked it: then take another name */
        if (flock(fd, LOCK_EX | LOCK_NB) == 0 && fstat(fd, &a) == 0 &&
            a.st_nlink > 0 && stat(f->tmp, &b) == 0 && a.st_ino == b.st_ino &&
            a.st_dev == b.st_dev) {
            break;
        }
        close(fd);
        fd = -1;
    }
    if (fd < 0) {
        int err = errno ? errno : EEXIST;
        free(f->tmp);
        f->tmp = NULL;
        st = chiso_diag_set_errno(diag, f->path, err, "cannot create");
        goto out;
    }
    if (old != NULL) {
        /* replacing a file: keep its permissions */
        if (fchmod(fd, old->st_mode & 07777) != 0) {
            /* not fatal: the file is still usable by its owner */
        }
    }
    f->fp = fdopen(fd, "wb");
    if (f->fp == NULL) {
        int err = errno;
        close(fd);
        unlink(f->tmp);
        free(f->tmp);
        f->tmp = NULL;
        st = chiso_diag_set_errno(diag, f->path, err, "cannot create");
    }
out:
    free(dir);
    free(base);
    free(stem);
    return st;
}

chiso_status
chiso_outfile_open(chiso_outfile **out, const char *path, chiso_diag *diag)
{
    chiso_outfile *f;
    chiso_status st;
    int special = 0, to_stdout = 0;
    struct stat sb;

    *out = NULL;
    f = calloc(1, sizeof(*f));
    if (f == NULL || (f->path = chiso_strdup(path)) == NULL) {
        free(f);
        return chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
    }
    if (path[0] == '\0') {
        chiso_outfile_abort(f);
        return chiso_diag_set_errno(diag, path, ENOENT, "cannot create");
    }
    st = follow_links(path, &f->target, &special, &to_stdout, diag);
    if (st != CHISO_OK) {
        chiso_outfile_abort(f);
        return st;
    }
    if (to_stdout) {
        f->kind = OUT_STDOUT;
    } else if (stat(f->target, &sb) == 0) {
        if (S_ISDIR(sb.st_mode)) {
            chiso_outfile_abort(f);
            return chiso_diag_set(diag, CHISO_EUSAGE, path, 0, 0,
                                  "is a folder; give a file name");
        }
        if (S_ISBLK(sb.st_mode)) {
            chiso_outfile_abort(f);
            return chiso_diag_set(diag, CHISO_EUSAGE, path, 0, 0,
                                  "is a disk device; chiso does not write "
                                  "there");
        }
        f->kind = S_ISREG(sb.st_mode) && !special ? OUT_RENAME : OUT_INPLACE;
    } else {
        f->kind = special ? OUT_INPLACE : OUT_RENAME;
    }
    if (f->kind == OUT_RENAME) {
        st = open_rename(f, stat(f->target, &sb) == 0 ? &sb : NULL, diag);
        if (st != CHISO_OK) {
            chiso_outfile_abort(f);
            return st;
        }
    } else {
        f->fp = open_memstream(&f->mem, &f->mem_len);
        if (f->fp == NULL) {
            chiso_outfile_abort(f);
            return chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0,
                                  "out of memory");
        }
    }
    *out = f;
    return CHISO_OK;
}

FILE *
chiso_outfile_stream(chiso_outfile *f)
{
    return f->fp;
}

const char *
chiso_outfile_path(const chiso_outfile *f)
{
    return f->path;
}

int
chiso_outfile_is_stdout(const chiso_outfile *f)
{
    return f->kind == OUT_STDOUT;
}

static chiso_status
write_all(int fd, const char *p, size_t n, const char *path, chiso_diag *diag)
{
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR) {
            continue;
        }
        if (k <= 0) {
            return chiso_diag_set_errno(diag, path, k < 0 ? errno : EIO,
                                        "cannot write");
        }
        p += k;
        n -= (size_t)k;
    }
    return CHISO_OK;
}

chiso_status
chiso_outfile_sync(chiso_outfile *f, chiso_diag *diag)
{
    int err = 0;

    if (f->synced) {
        return CHISO_OK;
    }
    if (f->kind != OUT_RENAME) {
        /* the bytes are in memory until commit; close the memory stream so
         * they are complete */
        if (f->fp != NULL) {
            if (ferror(f->fp)) {
                err = ENOMEM;
            }
            if (fclose(f->fp) != 0 && err == 0) {
                err = errno ? errno : ENOMEM;
            }
            f->fp = NULL;
        }
        if (err != 0) {
            return chiso_diag_set(diag, CHISO_ENOMEM, f->path, 0, 0,
                                  "out of memory");
        }
        f->synced = 1;
        return CHISO_OK;
    }
    if (fflush(f->fp) != 0 || ferror(f->fp)) {
        err = errno ? errno : EIO;
    } else if (!f->nosync && fsync(fileno(f->fp)) != 0 && errno != EINVAL) {
        err = errno;
    }
    if (err != 0) {
        return chiso_diag_set_errno(diag, f->path, err, "cannot write");
    }
    f->synced = 1;
    return CHISO_OK;
}

static void
outfile_free(chiso_outfile *f)
{
    free(f->mem);
    free(f->tmp);
    free(f->target);
    free(f->path);
    free(f);
}

chiso_status
chiso_outfile_commit(chiso_outfile *f, chiso_diag *diag)
{
    chiso_status st = chiso_outfile_sync(f, diag);

    if (st != CHISO_OK) {
        chiso_outfile_abort(f);
        return st;
    }
    if (f->kind == OUT_STDOUT) {
        if (f->mem_len > 0 &&
            fwrite(f->mem, 1, f->mem_len, stdout) != f->mem_len) {
            st = chiso_diag_set_errno(diag, "-", errno ? errno : EIO,
                                      "cannot write to standard output");
        } else if (fflush(stdout) != 0) {
            st = chiso_diag_set_errno(diag, "-", errno ? errno : EIO,
                                      "cannot write to standard output");
        }
    } else if (f->kind == OUT_INPLACE) {
        int fd = open(f->target, O_WRONLY | O_CLOEXEC | O_NOCTTY);
        struct stat sb;
        if (fd < 0) {
            st = chiso_diag_set_errno(diag, f->path, errno, "cannot open");
        } else if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
                   !is_special_path(f->target)) {
            st = chiso_diag_set(diag, CHISO_EIO, f->path, 0, 0,
                                "became a file while chiso was running; not "
                                "writing over it");
        } else {
            st = write_all(fd, f->mem, f->mem_len, f->path, diag);
        }
        if (fd >= 0 && close(fd) != 0 && st == CHISO_OK) {
            st = chiso_diag_set_errno(diag, f->path, errno, "cannot write");
        }
    } else {
        /* rename while the lock is still held, then close */
        if (rename(f->tmp, f->target) != 0) {
            st = chiso_diag_set_errno(diag, f->path, errno, "cannot write");
            unlink(f->tmp);
        }
        if (fclose(f->fp) != 0 && st == CHISO_OK) {
            /* the data was synced already; a late close error is odd but
             * the file is in place */
        }
        f->fp = NULL;
    }
    outfile_free(f);
    return st;
}

void
chiso_outfile_abort(chiso_outfile *f)
{
    if (f == NULL) {
        return;
    }
    if (f->kind == OUT_RENAME && f->tmp != NULL) {
        unlink(f->tmp);
    }
    if (f->fp != NULL) {
        fclose(f->fp);
    }
    outfile_free(f);
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
