/*
 * json_build.c - JSON trees built with every allocation checked, once.
 *
 * cJSON_Add* returns NULL when an allocation fails, and a builder that
 * ignores it writes a document with a key missing: against chiso's rule
 * "null, never an omitted key". Checking each call buries the builder in
 * error handling; here every call records a failure in the builder and
 * carries on (a NULL parent or item is fine), and the builder checks once,
 * at the end, with chiso_jb_finish(), which returns the whole tree or
 * nothing.
 */
#include "chiso_util.h"

#include <cjson/cJSON.h>
#include <math.h>

cJSON *
chiso_jb_add(chiso_jb *jb, cJSON *parent, const char *key, cJSON *item)
{
    cJSON_bool ok;

    if (item == NULL || parent == NULL) {
        jb->failed = 1;
        cJSON_Delete(item);
        return NULL;
    }
    ok = key != NULL && cJSON_IsObject(parent)
             ? cJSON_AddItemToObject(parent, key, item)
             : cJSON_AddItemToArray(parent, item);
    if (!ok) {
        jb->failed = 1;
        cJSON_Delete(item);
        return NULL;
    }
    return item;
}

cJSON *
chiso_jb_object(chiso_jb *jb)
{
    cJSON *o = cJSON_CreateObject();

    jb->failed |= o == NULL;
    return o;
}

cJSON *
chiso_jb_array(chiso_jb *jb)
{
    cJSON *a = cJSON_CreateArray();

    jb->failed |= a == NULL;
    return a;
}

cJSON *
chiso_jb_obj(chiso_jb *jb, cJSON *parent, const char *key)
{
    return chiso_jb_add(jb, parent, key, cJSON_CreateObject());
}

cJSON *
chiso_jb_arr(chiso_jb *jb, cJSON *parent, const char *key)
{
    return chiso_jb_add(jb, parent, key, cJSON_CreateArray());
}

cJSON *
chiso_jb_str(chiso_jb *jb, cJSON *parent, const char *key, const char *s)
{
    return chiso_jb_add(jb, parent, key,
                        s != NULL ? cJSON_CreateString(s) : cJSON_CreateNull());
}

cJSON *
chiso_jb_null(chiso_jb *jb, cJSON *parent, const char *key)
{
    return chiso_jb_add(jb, parent, key, cJSON_CreateNull());
}

cJSON *
chiso_jb_bool(chiso_jb *jb, cJSON *parent, const char *key, int b)
{
    return chiso_jb_add(jb, parent, key, cJSON_CreateBool(b != 0));
}

cJSON *
chiso_jb_int(chiso_jb *jb, cJSON *parent, const char *key, long long v)
{
    return chiso_jb_add(jb, parent, key, cJSON_CreateNumber((double)v));
}

cJSON *
chiso_jb_num(chiso_jb *jb, cJSON *parent, const char *key, double x)
{
    return chiso_jb_add(jb, parent, key, chiso_json_number(x));
}

cJSON *
chiso_jb_fixed(
    chiso_jb *jb, cJSON *parent, const char *key, double x, int decimals)
{
    return chiso_jb_add(jb, parent, key, chiso_json_fixed(x, decimals));
}

cJSON *
chiso_jb_finish(chiso_jb *jb, cJSON *root)
{
    if (jb->failed || root == NULL) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}
