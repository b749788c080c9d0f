/* sc_s3.h - the S3-compatible backend of file storage (STORAGE_BACKEND=s3).
 *
 * PLACEHOLDER: this header and lib/sc_s3.c are stand-ins written by the files
 * branch so that lib/sc_storage.c compiles; the S3 helper's lib/sc_s3.{c,h}
 * replace both at merge. Until then every function returns -1 and logs
 * "s3 backend not built yet".
 *
 * object_key is the server-made "<user_id>/<file_id>". expires_s is the
 * lifetime of a presigned URL in seconds from now (X-Amz-Expires). URLs live
 * on the arena. */
#ifndef SC_S3_H
#define SC_S3_H

#include "sc_arena.h"

/* A presigned PUT URL for exactly `size` bytes of `content_type`. 0 / -1. */
int sc_s3_presign_put(sc_arena *a, const char *object_key, long long size,
    const char *content_type, long long expires_s, char **url);
/* A presigned GET URL answering with content_type and an attachment
 * Content-Disposition naming file_name. 0 / -1. */
int sc_s3_presign_get(sc_arena *a, const char *object_key, const char *file_name,
    const char *content_type, long long expires_s, char **url);
/* Signed HEAD: *found 0 when the object does not exist, else 1 and its size.
 * 0, or -1 on a transport or server error. */
int sc_s3_head(const char *object_key, long long *size, int *found);
/* Signed DELETE (a missing object is success). 0 / -1. */
int sc_s3_delete(const char *object_key);

#endif
