/*
 * cmd_score_units.h - chiso score with every unit at once (--all-units,
 * several sheets or a folder), called by cmd_score.
 */
#ifndef CHISO_CMD_SCORE_UNITS_H
#define CHISO_CMD_SCORE_UNITS_H

#include <stddef.h>

typedef struct score_units_args {
    const char *framework;
    char *const *paths; /* sheets and folders */
    size_t n_paths;
    const char *units_file; /* --units FILE, or NULL */
    const char *json_path;
    const char *csv_path;
    size_t top; /* criteria listed in each "most lost" table */
} score_units_args;

int cmd_score_units(const score_units_args *a);

#endif /* CHISO_CMD_SCORE_UNITS_H */
