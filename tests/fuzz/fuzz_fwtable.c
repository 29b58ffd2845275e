/*
 * fuzz_fwtable.c - bytes -> framework table reader (the rule grammar, the
 * hierarchy, the header block), then the round trip: a table that is read
 * must export to a table that reads back to the same framework, and its
 * JSON must load. Fails on crashes, sanitizer reports, a problem without a
 * message, or a round trip that changes the framework.
 */
#define _POSIX_C_SOURCE 200809L
#include "chiso_fwtable.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64], back[64], why[512];
    FILE *f;
    chiso_diag_list problems;
    chiso_fwdoc *doc = NULL, *again = NULL;
    size_t i;

    snprintf(path, sizeof(path), "/tmp/chiso_fuzz_fwt_%ld.csv", (long)getpid());
    snprintf(back, sizeof(back), "/tmp/chiso_fuzz_fwt_%ld_b.csv",
             (long)getpid());
    f = fopen(path, "wb");
    if (f == NULL) {
        return 0;
    }
    fwrite(data, 1, size, f);
    fclose(f);
    chiso_diag_list_init(&problems, 1000);
    if (chiso_fwtable_read(&doc, path, NULL, &problems) == CHISO_OK) {
        char *json = chiso_fwdoc_to_json(doc);
        free(json);
        f = fopen(back, "wb");
        if (f != NULL) {
            chiso_fwdoc_write_csv(doc, f);
            fclose(f);
            if (chiso_fwtable_read(&again, back, NULL, &problems) != CHISO_OK ||
                !chiso_fwdoc_compare(doc, again, why, sizeof(why))) {
                fprintf(stderr, "round trip: %s\n",
                        again ? why
                              : (problems.n ? problems.items[0].message : "?"));
                abort();
            }
            unlink(back);
        }
    }
    for (i = 0; i < problems.n; i++) {
        if (problems.items[i].message[0] == '\0') {
            abort();
        }
    }
    chiso_diag_list_free(&problems);
    chiso_fwdoc_free(doc);
    chiso_fwdoc_free(again);
    unlink(path);
    return 0;
}
