/*
 * fuzz_framework.c - bytes -> framework loader (JSON with positions and the
 * whole validator), then score the framework with an empty evidence sheet.
 * Fails only on crashes, sanitizer reports, or a problem without a message.
 */
#define _POSIX_C_SOURCE 200809L
#include "chiso_framework.h"
#include "chiso_score.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    FILE *f;
    chiso_diag_list problems;
    chiso_framework *fw = NULL;
    size_t i;

    snprintf(path, sizeof(path), "/tmp/chiso_fuzz_fw_%ld.json", (long)getpid());
    f = fopen(path, "wb");
    if (f == NULL) {
        return 0;
    }
    fwrite(data, 1, size, f);
    fclose(f);
    chiso_diag_list_init(&problems, 1000);
    if (chiso_framework_check(&fw, path, &problems) == CHISO_OK) {
        chiso_score_result *res = NULL;
        chiso_diag d;
        chiso_diag_clear(&d);
        if (chiso_score_compute(&res, fw, NULL, NULL, &d) == CHISO_OK) {
            cJSON *j = chiso_score_to_json(res, NULL, NULL, 0);
            char *s = chiso_json_print(j);
            free(s);
            cJSON_Delete(j);
        }
        chiso_score_free(res);
    }
    for (i = 0; i < problems.n; i++) {
        if (problems.items[i].message[0] == '\0') {
            abort();
        }
    }
    chiso_diag_list_free(&problems);
    chiso_framework_free(fw);
    unlink(path);
    return 0;
}
