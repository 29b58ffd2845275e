/*
 * office_load.c - load chiso-office.so on first use (office.h).
 *
 * The module is the one beside the executable (the directory of
 * /proc/self/exe) when there is one there, else the one in the build
 * directory chiso was built in (CHISO_OFFICE_DIR). It is loaded once, with every symbol bound at once
 * (RTLD_NOW) and kept to itself (RTLD_LOCAL: its own copies of chiso's
 * modules are not seen by the executable's, nor the other way round).
 */
#define _GNU_SOURCE
#include "cli.h"
#include "office.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef CHISO_OFFICE_DIR
#define CHISO_OFFICE_DIR "."
#endif
#define OFFICE_FILE "chiso-office.so"

static pthread_once_t office_once = PTHREAD_ONCE_INIT;
static const chiso_office_table *office_table;

/* The directory of the running executable into dir; 0 when unknown. */
static int
exe_dir(char *dir, size_t cap)
{
    ssize_t n = readlink("/proc/self/exe", dir, cap - 1);
    char *slash;

    if (n <= 0 || (size_t)n >= cap - 1) {
        return 0;
    }
    dir[n] = '\0';
    slash = strrchr(dir, '/');
    if (slash == NULL) {
        return 0;
    }
    *slash = '\0';
    return 1;
}

static _Noreturn void
office_fail(const char *path, const char *why)
{
    size_t n = strlen(path);

    /* dlerror() names the file itself */
    if (strncmp(why, path, n) == 0 && strncmp(why + n, ": ", 2) == 0) {
        why += n + 2;
    }
    fflush(stdout);
    fprintf(
        stderr, "chiso: %s: %s: %s\n",
        chiso_msg(cli_lang_code(), "cannot load the drawing and office module"),
        path, why);
    cli_outputs_free(); /* pending outputs and spooled inputs removed */
    _Exit(CLI_EXIT_INTERNAL);
}

static void
office_load(void)
{
    char dir[PATH_MAX], path[PATH_MAX + sizeof(OFFICE_FILE) + 1];
    const chiso_office_table *t;
    const char *err;
    void *h;

    /* beside the executable when it is there (a module that is there but
     * does not load is an error, not a reason to take another one) */
    path[0] = '\0';
    if (exe_dir(dir, sizeof(dir))) {
        snprintf(path, sizeof(path), "%s/%s", dir, OFFICE_FILE);
    }
    if (path[0] == '\0' || access(path, F_OK) != 0) {
        snprintf(path, sizeof(path), "%s/%s", CHISO_OFFICE_DIR, OFFICE_FILE);
    }
    h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) {
        err = dlerror();
        office_fail(path, err != NULL ? err : "dlopen");
    }
    t = (const chiso_office_table *)dlsym(h, CHISO_OFFICE_SYMBOL);
    if (t == NULL || t->size != sizeof(chiso_office_table) ||
        strcmp(t->names, CHISO_OFFICE_NAMES) != 0) {
        office_fail(path, chiso_msg(cli_lang_code(),
                                    "built from other sources than this "
                                    "chiso; build both again"));
    }
    office_table = t;
}

const chiso_office_table *
cli_office(void)
{
    pthread_once(&office_once, office_load);
    return office_table;
}
