/*
 * fuzz_word_fill.c - bytes -> the template fill. Input starting with "PK"
 * is a whole .docx; anything else is the text of word/document.xml, put in
 * a minimal package around it (so the fuzzer works on the XML walker and
 * the placeholder parser, not on zip headers). Filled from a fixed JSON
 * with objects, lists, numbers, text, booleans and a null. Fails only on
 * crashes, sanitizer reports, or an error without a message.
 */
#include "chiso_word.h"
#include "word_int.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char DATA[] =
    "{\"unit\":{\"name\":\"S\\u1edf KH&CN\",\"code\":\"SKHCN\"},"
    "\"period\":{\"label\":\"6 th\\u00e1ng\",\"last_day\":\"2024-12-31\"},"
    "\"par\":{\"index_pct\":81.2349,\"group\":{\"label\":\"Kh\\u00e1\"},"
    "\"areas\":[{\"name\":\"A\",\"index_pct\":90},{\"name\":\"B\"}],"
    "\"top_lost\":[{\"name\":\"x\",\"points_lost\":2.5},{\"name\":\"y\"}],"
    "\"empty\":[],\"flags\":[true,false,null,1e300,\"t\"]},"
    "\"tasks\":{\"on_time_pct\":92.45,\"mean\":null,\"ok\":true}}";

static const char CT[] =
    "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/"
    "package/2006/content-types\"><Override PartName=\"/word/document.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument."
    "wordprocessingml.document.main+xml\"/></Types>";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON *j = cJSON_Parse(DATA);
    char *zip = NULL, *out = NULL;
    size_t nzip = 0, nout = 0;
    chiso_diag d;
    chiso_diag_list pl;
    chiso_status st;
    size_t i;

    if (j == NULL) {
        abort();
    }
    chiso_diag_clear(&d);
    chiso_diag_list_init(&pl, 50);
    if (size >= 2 && data[0] == 'P' && data[1] == 'K') {
        st = chiso_word_fill_mem("fuzz.docx", data, size, j, NULL, &out, &nout,
                                 &pl, &d);
    } else {
        word_part parts[3] = {{"[Content_Types].xml", CT, sizeof(CT) - 1, 0},
                              {"word/document.xml", data, size, 0},
                              {"word/header1.xml", data, size, 0}};
        if (chiso_word__zip_build(parts, 3, &zip, &nzip, &d) != CHISO_OK) {
            abort();
        }
        st = chiso_word_fill_mem("fuzz.docx", zip, nzip, j, NULL, &out, &nout,
                                 &pl, &d);
    }
    if (st != CHISO_OK && d.message[0] == '\0') {
        abort(); /* every error says what it is */
    }
    for (i = 0; i < pl.n; i++) {
        if (pl.items[i].message[0] == '\0') {
            abort();
        }
    }
    if (st == CHISO_OK && (out == NULL || nout < 4)) {
        abort();
    }
    chiso_diag_list_free(&pl);
    free(zip);
    free(out);
    cJSON_Delete(j);
    return 0;
}
