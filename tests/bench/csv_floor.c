/*
 * csv_floor.c - how fast can libcsv alone go? Parses a CSV file with
 * csv_parse() and callbacks that only count fields and records (the options
 * chiso's reference reader uses), so the time is libcsv's own floor.
 *
 *   cc -O2 tests/bench/csv_floor.c -lcsv -o csv_floor && ./csv_floor FILE
 */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>

static unsigned long fields, records;

static void
on_field(void *s, size_t n, void *ctx)
{
    (void)s;
    (void)n;
    (void)ctx;
    fields++;
}

static void
on_record(int c, void *ctx)
{
    (void)c;
    (void)ctx;
    records++;
}

int
main(int argc, char **argv)
{
    static char buf[1 << 20];
    struct csv_parser p;
    FILE *f;
    size_t n;

    if (argc != 2 || (f = fopen(argv[1], "rb")) == NULL) {
        fprintf(stderr, "usage: csv_floor FILE\n");
        return 2;
    }
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        return 1;
    }
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
        if (csv_parse(&p, buf, n, on_field, on_record, NULL) != n) {
            fprintf(stderr, "csv error: %s\n", csv_strerror(csv_error(&p)));
            return 1;
        }
    }
    csv_fini(&p, on_field, on_record, NULL);
    csv_free(&p);
    fclose(f);
    printf("%lu records, %lu fields\n", records, fields);
    return 0;
}
