/*
 * util_int.h - internals shared by the files of the util module (never
 * included by another module).
 */
#ifndef CHISO_UTIL_INT_H
#define CHISO_UTIL_INT_H

#include "chiso_util.h"

#include <sys/types.h>

/* Every temporary file or folder chiso makes starts with this. */
#define CHISO_TMP_PREFIX ".chiso-tmp-"
/* Random characters after "<prefix><base>." */
#define CHISO_TMP_RANDOM 6
/* At most this many bytes of the destination's name go into a temporary
 * name, so it stays under NAME_MAX. */
#define CHISO_TMP_BASE_MAX 200

/* Six random characters [A-Za-z0-9] and a NUL. */
void chiso_util__random_chars(char out[CHISO_TMP_RANDOM + 1]);

/*
 * "DIR/.chiso-tmp-BASE." for the destination DIR/BASE (BASE cut at a UTF-8
 * boundary to CHISO_TMP_BASE_MAX bytes), without the random part. The
 * caller frees it.
 */
char *chiso_util__tmp_stem(const char *dir, const char *base);

/* Split path into its folder ("." when none) and last component. Both
 * allocated; NULL on allocation failure. */
int chiso_util__split_path(const char *path, char **dir, char **base);

/*
 * Remove the temporary files and folders a dead chiso left for the
 * destination DIR/BASE: entries "DIR/.chiso-tmp-BASE.XXXXXX" whose lock
 * no live process holds (flock on the file or the folder). Folders are
 * emptied by chiso_util__tree_clean's rules, so nothing a user owns is
 * removed. Errors are ignored: this is cleanup.
 */
void chiso_util__clean_stale(const char *dir, const char *base);

/*
 * Empty a folder that a chiso run left or replaced, removing only what is
 * safe to remove: files listed in the folder's own pack manifest with the
 * same digest, names of files that have another link outside the folder
 * (the user's files that were linked into a pack), symbolic links and empty
 * folders; when the folder has no manifest (an unfinished pack), also the
 * files with a single link (chiso wrote them there). Anything else is
 * moved into `rescue_dir` (when not NULL) and named in `notes`, or left.
 * Returns 1 when the folder is gone.
 */
int chiso_util__tree_clean(const char *root,
                           const char *rescue_dir,
                           chiso_diag_list *notes);

/* Is the folder of `path` a chiso temporary folder (a pack being
 * assembled)? Files written there are synced with the pack, not alone. */
int chiso_util__in_tmp_folder(const char *dir);

#endif /* CHISO_UTIL_INT_H */
