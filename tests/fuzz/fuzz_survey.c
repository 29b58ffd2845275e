/*
 * fuzz_survey.c - bytes -> a survey file -> chiso_survey_load, then
 * chiso_survey_compute twice (the default memory budget and a budget of
 * one statistic per pass, which replays the draws block by block) and the
 * JSON. Fails on crashes, sanitizer reports, an error without a message,
 * or the two computations disagreeing (they must be bit for bit equal).
 */
#define _POSIX_C_SOURCE 200809L
#include "chiso_stats.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
same(double a, double b)
{
    return memcmp(&a, &b, sizeof(a)) == 0;
}

static void
check_same(const chiso_survey_stat *a, const chiso_survey_stat *b)
{
    if (!same(a->share, b->share) || !same(a->ci_low, b->ci_low) ||
        !same(a->ci_high, b->ci_high) ||
        a->replicates_used != b->replicates_used) {
        abort();
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64] = "/tmp/chiso_fz_survey_XXXXXX";
    chiso_survey *s = NULL;
    chiso_survey_result *r = NULL, *r2 = NULL;
    chiso_survey_options o = CHISO_SURVEY_OPTIONS_INIT;
    chiso_diag d;
    chiso_status st;
    size_t off = 0, i;
    int fd = mkstemp(path);

    if (fd < 0) {
        return 0;
    }
    while (off < size) {
        ssize_t w = write(fd, data + off, size - off);
        if (w <= 0) {
            break;
        }
        off += (size_t)w;
    }
    close(fd);
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    st = chiso_survey_load(&s, path, &d);
    if (st != CHISO_OK && d.message[0] == '\0') {
        abort();
    }
    if (st == CHISO_OK) {
        o.replicates = 25;
        o.seed = (unsigned long)size;
        st = chiso_survey_compute(&r, s, &o, &d);
        if (st != CHISO_OK && d.message[0] == '\0') {
            abort();
        }
        o.memory_budget = 1;
        if (st == CHISO_OK &&
            chiso_survey_compute(&r2, s, &o, &d) == CHISO_OK) {
            cJSON *j = chiso_survey_to_json(r, path);
            if (r->n_criteria != r2->n_criteria ||
                r->n_elements != r2->n_elements) {
                abort();
            }
            for (i = 0; i < r->n_criteria; i++) {
                check_same(&r->criteria[i], &r2->criteria[i]);
            }
            for (i = 0; i < r->n_elements; i++) {
                check_same(&r->elements[i], &r2->elements[i]);
            }
            check_same(&r->overall, &r2->overall);
            cJSON_Delete(j);
        }
    }
    chiso_survey_result_free(r);
    chiso_survey_result_free(r2);
    chiso_survey_free(s);
    unlink(path);
    return 0;
}
