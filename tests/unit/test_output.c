/*
 * test_output.c - the library's output rules (docs/safety.md): SHA-256,
 * UTF-8-safe fixed fields, the output check, output files (links, modes,
 * devices, stale temporaries, locked temporaries), report folders (the
 * manifest, the user's files, edits, folders chiso did not make) and the
 * cleaner that never removes a user's only copy.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "chiso_util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

static char work[256];

static const char *
at(const char *rel)
{
    static char buf[8][1024];
    static int k;

    k = (k + 1) % 8;
    snprintf(buf[k], sizeof(buf[k]), "%s/%s", work, rel);
    return buf[k];
}

static void
put(const char *rel, const char *text)
{
    FILE *f = fopen(at(rel), "w");

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static char *
get(const char *rel)
{
    char *text = NULL;
    size_t len;
    chiso_diag d;

    chiso_diag_clear(&d);
    if (chiso_file_read_all(at(rel), &text, &len, &d) != CHISO_OK) {
        return NULL;
    }
    return text;
}

static void
assert_file(const char *rel, const char *want)
{
    char *got = get(rel);

    if (got == NULL || strcmp(got, want) != 0) {
        fail_msg("%s: '%s', expected '%s'", rel, got ? got : "(missing)", want);
    }
    free(got);
}

static void
rm_rf(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (d == NULL) {
        unlink(dir);
        return;
    }
    while ((e = readdir(d)) != NULL) {
        char p[2048];
        struct stat sb;
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            continue;
        }
        snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
        if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            rm_rf(p);
        } else {
            unlink(p);
        }
    }
    closedir(d);
    rmdir(dir);
}

static int
count_tmp(const char *rel_dir)
{
    DIR *d = opendir(at(rel_dir));
    struct dirent *e;
    int n = 0;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        n += strncmp(e->d_name, ".chiso-tmp-", 11) == 0;
    }
    closedir(d);
    return n;
}

static int
setup(void **state)
{
    (void)state;
    snprintf(work, sizeof(work), "/tmp/chiso-output-%ld", (long)getpid());
    rm_rf(work);
    return mkdir(work, 0777);
}

static int
teardown(void **state)
{
    (void)state;
    rm_rf(work);
    return 0;
}

/* ---- digests and text ---- */

static void
test_sha256(void **state)
{
    static const struct {
        const char *in;
        const char *hex;
    } v[] = {
        {"",
         "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc",
         "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"}};
    chiso_sha256 s;
    char hex[65];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        chiso_sha256_init(&s);
        chiso_sha256_update(&s, v[i].in, strlen(v[i].in));
        chiso_sha256_final(&s, hex);
        assert_string_equal(hex, v[i].hex);
    }
    /* a million 'a', fed in odd pieces */
    chiso_sha256_init(&s);
    for (i = 0; i < 1000000;) {
        char a[997];
        size_t k = 1000000 - i < sizeof(a) ? 1000000 - i : sizeof(a);
        memset(a, 'a', k);
        chiso_sha256_update(&s, a, k);
        i += k;
    }
    chiso_sha256_final(&s, hex);
    assert_string_equal(
        hex,
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void
test_textf_utf8(void **state)
{
    char buf[12];
    chiso_diag d;
    char longname[6000];
    size_t i;

    (void)state;
    /* "Sở Tư pháp" does not fit in 12 bytes: cut before a character */
    assert_int_equal(chiso_textf(buf, sizeof(buf), "%s", "Sở Tư pháp"), 14);
    assert_true(chiso_utf8_valid(buf, strlen(buf), NULL));
    assert_string_equal(buf, "Sở Tư\xE2\x80\xA6");
    assert_int_equal(chiso_textf(buf, sizeof(buf), "%s", "ab"), 2);
    assert_string_equal(buf, "ab");
    /* a diagnostic with a very long path and message stays valid UTF-8 */
    for (i = 0; i + 3 < sizeof(longname); i += 3) {
        memcpy(longname + i, "ố", 3);
    }
    longname[i] = '\0';
    chiso_diag_clear(&d);
    chiso_diag_set(&d, CHISO_EDATA, longname, 1, 1, "bad %s", longname);
    assert_true(chiso_utf8_valid(d.path, strlen(d.path), NULL));
    assert_true(chiso_utf8_valid(d.message, strlen(d.message), NULL));
    assert_true(strlen(d.path) > 4000);
}

/* ---- the output check ---- */

static void
test_output_check(void **state)
{
    const char *in[3];
    char in0[1024], in1[1024];
    chiso_diag d;

    (void)state;
    mkdir(at("store"), 0777);
    put("in.csv", "x\n");
    put("store/results.csv", "y\n");
    snprintf(in0, sizeof(in0), "%s", at("in.csv"));
    snprintf(in1, sizeof(in1), "%s", at("store"));
    in[0] = in0;
    in[1] = in1;
    in[2] = NULL;
#define CHECK(out, kind, want)                                                 \
    do {                                                                       \
        chiso_diag_clear(&d);                                                  \
        assert_int_equal(chiso_output_check(out, in, 3, kind, &d), want);      \
    } while (0)
    CHECK(at("in.csv"), CHISO_OUTPUT_FILE, CHISO_EUSAGE);
    CHECK(at("./in.csv"), CHISO_OUTPUT_FILE, CHISO_EUSAGE);
    CHECK(at("store/../in.csv"), CHISO_OUTPUT_FILE, CHISO_EUSAGE);
    assert_int_equal(link(at("in.csv"), at("hard.csv")), 0);
    CHECK(at("hard.csv"), CHISO_OUTPUT_FILE, CHISO_EUSAGE);
    assert_int_equal(symlink("in.csv", at("soft.csv")), 0);
    CHECK(at("soft.csv"), CHISO_OUTPUT_FILE, CHISO_EUSAGE);
    CHECK(at("store/new.csv"), CHISO_OUTPUT_FILE, CHISO_EUSAGE);
    CHECK(at("store"), CHISO_OUTPUT_FOLDER, CHISO_EUSAGE);
    CHECK(work, CHISO_OUTPUT_FOLDER, CHISO_EUSAGE); /* contains in.csv */
    CHECK("/", CHISO_OUTPUT_FOLDER, CHISO_EUSAGE);
    CHECK(at("out.csv"), CHISO_OUTPUT_FILE, CHISO_OK);
    CHECK(at("pack"), CHISO_OUTPUT_FOLDER, CHISO_OK); /* beside the inputs */
    CHECK("-", CHISO_OUTPUT_FILE, CHISO_OK);
    CHECK(at("in.csv"), CHISO_OUTPUT_FILE, CHISO_EUSAGE);
    assert_non_null(strstr(d.message, "in.csv"));
#undef CHECK
}

/* ---- output files ---- */

static void
test_outfile_rules(void **state)
{
    chiso_outfile *f;
    chiso_diag d;
    struct stat sb;
    mode_t old;

    (void)state;
    chiso_diag_clear(&d);
    /* a new file: 0666 minus the umask, as fopen gives */
    old = umask(027);
    assert_int_equal(chiso_file_write_atomic(at("new.txt"), "a", 1, &d),
                     CHISO_OK);
    umask(old);
    assert_int_equal(stat(at("new.txt"), &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0640);
    /* an existing file keeps its mode */
    chmod(at("new.txt"), 0600);
    assert_int_equal(chiso_file_write_atomic(at("new.txt"), "b", 1, &d),
                     CHISO_OK);
    assert_int_equal(stat(at("new.txt"), &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_file("new.txt", "b");
    /* a symbolic link: the target is written, the link stays */
    mkdir(at("real"), 0777);
    put("real/t.json", "old");
    assert_int_equal(symlink("real/t.json", at("link.json")), 0);
    assert_int_equal(chiso_file_write_atomic(at("link.json"), "new", 3, &d),
                     CHISO_OK);
    assert_int_equal(lstat(at("link.json"), &sb), 0);
    assert_true(S_ISLNK(sb.st_mode));
    assert_file("real/t.json", "new");
    /* a dangling link: its target is created */
    assert_int_equal(symlink("real/later.json", at("dangling.json")), 0);
    assert_int_equal(chiso_file_write_atomic(at("dangling.json"), "x", 1, &d),
                     CHISO_OK);
    assert_file("real/later.json", "x");
    /* a FIFO is written in place, never renamed over */
    assert_int_equal(mkfifo(at("fifo"), 0600), 0);
    assert_int_equal(chiso_outfile_open(&f, at("fifo"), &d), CHISO_OK);
    fputs("through the pipe", chiso_outfile_stream(f));
    {
        int rfd = open(at("fifo"), O_RDONLY | O_NONBLOCK);
        char buf[64];
        ssize_t n;
        assert_true(rfd >= 0);
        assert_int_equal(chiso_outfile_commit(f, &d), CHISO_OK);
        n = read(rfd, buf, sizeof(buf) - 1);
        assert_true(n > 0);
        buf[n] = '\0';
        assert_string_equal(buf, "through the pipe");
        close(rfd);
    }
    assert_int_equal(lstat(at("fifo"), &sb), 0);
    assert_true(S_ISFIFO(sb.st_mode));
    /* a device (/dev/null): in place, never replaced, even as root. As
     * root the test uses device nodes of its own, so a broken build could
     * not replace the machine's /dev/null */
    {
        const char *null_dev = "/dev/null", *full_dev = "/dev/full";
        if (geteuid() == 0 &&
            mknod(at("null"), S_IFCHR | 0666, makedev(1, 3)) == 0 &&
            mknod(at("full"), S_IFCHR | 0666, makedev(1, 7)) == 0) {
            null_dev = at("null");
            full_dev = at("full");
        }
        assert_int_equal(chiso_file_write_atomic(null_dev, "x", 1, &d),
                         CHISO_OK);
        assert_int_equal(stat(null_dev, &sb), 0);
        assert_true(S_ISCHR(sb.st_mode));
        /* /dev/full: the error is reported, naming the file */
        chiso_diag_clear(&d);
        assert_int_equal(chiso_file_write_atomic(full_dev, "x", 1, &d),
                         CHISO_EIO);
        assert_string_equal(d.path, full_dev);
        assert_int_equal(stat(full_dev, &sb), 0);
        assert_true(S_ISCHR(sb.st_mode));
    }
    /* a folder is refused */
    chiso_diag_clear(&d);
    assert_int_equal(chiso_outfile_open(&f, at("real"), &d), CHISO_EUSAGE);
    /* an aborted file leaves nothing, the old content stays */
    chiso_diag_clear(&d);
    assert_int_equal(chiso_outfile_open(&f, at("new.txt"), &d), CHISO_OK);
    fputs("partial", chiso_outfile_stream(f));
    chiso_outfile_abort(f);
    assert_file("new.txt", "b");
    assert_int_equal(count_tmp("."), 0);
}

static void
test_stale_temporaries(void **state)
{
    chiso_diag d;
    int fd;

    (void)state;
    chiso_diag_clear(&d);
    /* left by a killed run (no lock): removed by the next write */
    put(".chiso-tmp-s.json.AbCdEf", "stale");
    /* held by a live process (locked): left alone */
    put(".chiso-tmp-s.json.LiVeOn", "live");
    fd = open(at(".chiso-tmp-s.json.LiVeOn"), O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_EX), 0);
    /* not ours (another destination, other shapes): left alone */
    put(".chiso-tmp-other.json.AbCdEf", "other");
    put(".chiso-tmp-s.json.toolong1", "x");
    assert_int_equal(chiso_file_write_atomic(at("s.json"), "{}", 2, &d),
                     CHISO_OK);
    assert_int_equal(access(at(".chiso-tmp-s.json.AbCdEf"), F_OK), -1);
    assert_file(".chiso-tmp-s.json.LiVeOn", "live");
    assert_file(".chiso-tmp-other.json.AbCdEf", "other");
    assert_file(".chiso-tmp-s.json.toolong1", "x");
    close(fd);
    unlink(at(".chiso-tmp-s.json.LiVeOn"));
    unlink(at(".chiso-tmp-other.json.AbCdEf"));
    unlink(at(".chiso-tmp-s.json.toolong1"));
}

/* ---- report folders ---- */

static chiso_status
pack(const char *rel, const char *a_text, int keep, chiso_diag_list *notes)
{
    chiso_outdir *od = NULL;
    chiso_outdir_options o = CHISO_OUTDIR_OPTIONS_INIT;
    chiso_diag d;
    char p[2048];
    chiso_status st;

    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    o.keep_edited = keep;
    st = chiso_outdir_open_with(&od, at(rel), &o, &d);
    if (st != CHISO_OK) {
        return st;
    }
    snprintf(p, sizeof(p), "%s/a.csv", chiso_outdir_path(od));
    assert_int_equal(chiso_file_write_atomic(p, a_text, strlen(a_text), &d),
                     CHISO_OK);
    snprintf(p, sizeof(p), "%s/b.csv", chiso_outdir_path(od));
    assert_int_equal(chiso_file_write_atomic(p, "b\n", 2, &d), CHISO_OK);
    return chiso_outdir_finish(od, notes, &d);
}

static void
test_pack_rules(void **state)
{
    chiso_diag_list notes;
    char *m;

    (void)state;
    chiso_diag_list_init(&notes, 10);
    notes.lang = CHISO_LANG_EN;
    /* new */
    assert_int_equal(pack("p", "1\n", 0, NULL), CHISO_OK);
    m = get("p/.chiso-pack.json");
    assert_non_null(m);
    assert_non_null(strstr(m, "\"format\": \"chiso-pack\""));
    assert_non_null(strstr(m, "\"name\": \"a.csv\""));
    assert_null(strstr(m, "time"));
    free(m);
    /* the user's files are kept and named */
    put("p/bao-cao.docx", "draft");
    mkdir(at("p/photos"), 0755);
    put("p/photos/1.jpg", "jpg");
    assert_int_equal(pack("p", "2\n", 0, &notes), CHISO_OK);
    assert_file("p/a.csv", "2\n");
    assert_file("p/bao-cao.docx", "draft");
    assert_file("p/photos/1.jpg", "jpg");
    assert_int_equal(notes.n, 2);
    assert_non_null(strstr(notes.items[0].path, "bao-cao.docx"));
    assert_string_equal(notes.items[0].kind, "pack_kept_user_file");
    /* an edited file: refused, nothing changed */
    put("p/a.csv", "mine\n");
    assert_int_equal(pack("p", "3\n", 0, NULL), CHISO_EUSAGE);
    assert_file("p/a.csv", "mine\n");
    assert_file("p/b.csv", "b\n");
    /* ... kept under a new name with keep_edited */
    assert_int_equal(pack("p", "3\n", 1, NULL), CHISO_OK);
    assert_file("p/a.csv", "3\n");
    assert_file("p/a.user.csv", "mine\n");
    assert_file("p/bao-cao.docx", "draft");
    /* a file of the pack the user deleted is simply written again */
    unlink(at("p/b.csv"));
    /* a folder chiso did not make: refused, even with keep_edited */
    mkdir(at("docs"), 0755);
    put("docs/hop-dong.txt", "contract");
    assert_int_equal(pack("docs", "1\n", 0, NULL), CHISO_EUSAGE);
    assert_int_equal(pack("docs", "1\n", 1, NULL), CHISO_EUSAGE);
    assert_file("docs/hop-dong.txt", "contract");
    assert_int_equal(access(at("docs/a.csv"), F_OK), -1);
    /* an empty folder is fine */
    mkdir(at("empty"), 0755);
    assert_int_equal(pack("empty", "1\n", 0, NULL), CHISO_OK);
    assert_file("empty/a.csv", "1\n");
    /* a link to a pack: the target is replaced, the link stays */
    assert_int_equal(symlink("p", at("plink")), 0);
    assert_int_equal(pack("plink", "4\n", 0, NULL), CHISO_OK);
    assert_file("p/a.csv", "4\n");
    {
        struct stat sb;
        assert_int_equal(lstat(at("plink"), &sb), 0);
        assert_true(S_ISLNK(sb.st_mode));
    }
    /* a file is not a folder */
    put("afile", "x");
    assert_int_equal(pack("afile", "1\n", 0, NULL), CHISO_EUSAGE);
    assert_file("afile", "x");
    assert_int_equal(count_tmp("."), 0);
    chiso_diag_list_free(&notes);
}

/* A file of the previous pack the user edits while a run computes (after
 * the run first found it unchanged) is still seen as edited when the run
 * finishes: the run remembers what it read, not that it was fine. */
static void
test_pack_edit_during_run(void **state)
{
    chiso_outdir_options o = CHISO_OUTDIR_OPTIONS_INIT;
    chiso_outdir *od = NULL;
    struct timespec pause = {0, 30 * 1000 * 1000};
    chiso_diag d;
    char p[2048];
    int k;

    (void)state;
    for (k = 0; k < 2; k++) {
        const char *dir = k == 0 ? "q" : "qk";
        char rel[64];
        chiso_diag_clear(&d);
        d.lang = CHISO_LANG_EN;
        assert_int_equal(pack(dir, "1\n", 0, NULL), CHISO_OK);
        /* older than the clock tick of the next look */
        nanosleep(&pause, NULL);
        o.keep_edited = k;
        assert_int_equal(chiso_outdir_open_with(&od, at(dir), &o, &d),
                         CHISO_OK);
        /* the same size, in place: only the bytes and times change */
        snprintf(rel, sizeof(rel), "%s/a.csv", dir);
        {
            FILE *f = fopen(at(rel), "r+");
            assert_non_null(f);
            assert_int_equal(fputs("X\n", f) >= 0, 1);
            assert_int_equal(fclose(f), 0);
        }
        snprintf(p, sizeof(p), "%s/a.csv", chiso_outdir_path(od));
        assert_int_equal(chiso_file_write_atomic(p, "2\n", 2, &d), CHISO_OK);
        if (k == 0) {
            assert_int_equal(chiso_outdir_finish(od, NULL, &d), CHISO_EUSAGE);
            assert_file(rel, "X\n");
        } else {
            assert_int_equal(chiso_outdir_finish(od, NULL, &d), CHISO_OK);
            assert_file(rel, "2\n");
            snprintf(rel, sizeof(rel), "%s/a.user.csv", dir);
            assert_file(rel, "X\n");
        }
        od = NULL;
    }
    assert_int_equal(count_tmp("."), 0);
}

/* The cleaner of a dead run's folder never removes a user's only copy. */
static void
test_tree_clean_keeps_user_data(void **state)
{
    chiso_diag d;

    (void)state;
    chiso_diag_clear(&d);
    rm_rf(at("r"));
    assert_int_equal(pack("r", "1\n", 0, NULL), CHISO_OK);
    put("r/mine.docx", "only copy");
    /* a stale folder holding: a link to the user's file (removable), a
     * file chiso wrote (in its manifest), and a file nobody else has */
    mkdir(at(".chiso-tmp-r.DeAdXx"), 0755);
    assert_int_equal(
        link(at("r/mine.docx"), at(".chiso-tmp-r.DeAdXx/mine.docx")), 0);
    put(".chiso-tmp-r.DeAdXx/lonely.txt", "nobody else has this");
    {
        /* its manifest lists a file with a digest that matches */
        char *m = get("r/.chiso-pack.json");
        put(".chiso-tmp-r.DeAdXx/.chiso-pack.json", m);
        free(m);
        put(".chiso-tmp-r.DeAdXx/a.csv", "1\n");
        put(".chiso-tmp-r.DeAdXx/b.csv", "changed by someone\n");
    }
    assert_int_equal(pack("r", "2\n", 0, NULL), CHISO_OK);
    /* the link and the verified file went; the others stayed */
    assert_int_equal(access(at(".chiso-tmp-r.DeAdXx/mine.docx"), F_OK), -1);
    assert_int_equal(access(at(".chiso-tmp-r.DeAdXx/a.csv"), F_OK), -1);
    assert_file(".chiso-tmp-r.DeAdXx/lonely.txt", "nobody else has this");
    assert_file(".chiso-tmp-r.DeAdXx/b.csv", "changed by someone\n");
    /* the manifest stays while something is left, so the single files
     * are never taken for an unfinished pack's */
    assert_int_equal(access(at(".chiso-tmp-r.DeAdXx/.chiso-pack.json"), F_OK),
                     0);
    assert_int_equal(pack("r", "3\n", 0, NULL), CHISO_OK);
    assert_file(".chiso-tmp-r.DeAdXx/lonely.txt", "nobody else has this");
    assert_file("r/mine.docx", "only copy");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256),
        cmocka_unit_test(test_textf_utf8),
        cmocka_unit_test(test_output_check),
        cmocka_unit_test(test_outfile_rules),
        cmocka_unit_test(test_stale_temporaries),
        cmocka_unit_test(test_pack_rules),
        cmocka_unit_test(test_pack_edit_during_run),
        cmocka_unit_test(test_tree_clean_keeps_user_data),
    };
    return cmocka_run_group_tests_name("output", tests, setup, teardown);
}
