/* sc_storage.h - where file bytes live: the facade over the two backends.
 *
 *   local  STORAGE_DIR/<object_key> on this machine; upload and download URLs
 *          point at this server (APP_URL + /v1/storage/upload|download/<id>)
 *          and carry an HMAC-SHA256 signature (sc_fsign); the upload program
 *          receives the bytes (sc_storage_local_*), the download program
 *          answers with X-Sendfile and the web server streams the file.
 *   s3     any S3-compatible store (lib/sc_s3: SigV4 presigned URLs, signed
 *          HEAD and DELETE); the client talks to the store directly.
 *
 * New uploads go to STORAGE_BACKEND; a file's row records its backend, and
 * every other call takes that recorded backend, so files stay readable after
 * the setting changes. Object keys are "<user_id>/<file_id>" (sc_file.h),
 * checked again here before they become a path. Layout of STORAGE_DIR:
 *   <user_id>/<file_id>   completed files, mode 0640, folders 0750
 *   tmp/                  uploads being received (same file system: renamed
 *                         into place), left-overs removed by sc-admin gc
 * URLs returned live on the arena. */
#ifndef SC_STORAGE_H
#define SC_STORAGE_H

#include <limits.h>

#include "sc_arena.h"
#include "sc_db.h"
#include "sc_req.h"

/* Largest body an upload program may declare as its cap (STORAGE_MAX_FILE_BYTES's
 * upper bound; the per-file size is checked against the declared size). */
#define SC_STORAGE_BODY_CAP   ((size_t)5 << 30)
/* Chunk in which bodies are streamed to disk. */
#define SC_STORAGE_CHUNK      (64u * 1024u)

/* "local" or "s3": the backend of new uploads. */
const char *sc_storage_backend(void);

/* A URL the client PUTs the bytes to, valid until `expires` (Unix seconds). */
int sc_storage_upload_url(sc_arena *a, const char *backend, const char *file_id,
    const char *object_key, long long size, const char *content_type, long long expires,
    char **url);
/* A URL the client GETs the bytes from, valid until `expires`. */
int sc_storage_download_url(sc_arena *a, const char *backend, const char *file_id,
    const char *object_key, const char *file_name, const char *content_type,
    long long expires, char **url);
/* Whether the object exists (*found) and its size. 0, or -1 when the backend
 * could not tell (I/O or transport error). */
int sc_storage_stat(const char *backend, const char *object_key, long long *size, int *found);
/* Remove the object; one that is already gone is success. 0 / -1. */
int sc_storage_delete(const char *backend, const char *object_key);

/* Remove the bytes of a file whose row is already 'deleted', then the row.
 * 0; -1 when the bytes or the row stay (logged; sc-admin gc tries again). */
int sc_storage_discard(struct sc_db *db, sc_arena *a, const char *file_id,
    const char *backend, const char *object_key);

/* Remove the bytes and rows of up to `max` deleted files, in file_id order
 * after *after (a lower-case UUID, "" to start; updated to the last file
 * looked at, 37 bytes): the files of user_id, or everyone's when NULL. Files
 * whose bytes cannot be removed stay for the next run. Returns how many files
 * were looked at (0: none left after *after), *removed how many went, or -1
 * when the list could not be read. */
int sc_storage_purge(sc_db *db, sc_arena *a, const char *user_id, int max, char *after,
    long long *removed);

/* ---- local backend --------------------------------------------------------- */

/* STORAGE_DIR/<object_key> into out (PATH_MAX). 0, or -1 for a malformed key. */
int sc_storage_local_path(const char *object_key, char *out);

/* One upload being received: STORAGE_DIR/tmp/<file_id>.<random>, its SHA-256. */
typedef struct sc_storage_recv {
	int       fd;
	char      tmp[PATH_MAX];
	long long got;                  /* bytes written */
	char      sha256[65];           /* lower-case hex, once complete */
} sc_storage_recv;

enum { SC_STORAGE_OK = 0, SC_STORAGE_SHORT = -1, SC_STORAGE_IO = -2, SC_STORAGE_EXISTS = -3 };

/* Stream the request body (SC_EP_STREAM) to a new temporary file in chunks of
 * SC_STORAGE_CHUNK, hashing it: memory does not grow with the size. Exactly
 * `size` bytes are expected (the caller checked Content-Length against it).
 * SC_STORAGE_OK with r holding the open file; SC_STORAGE_SHORT when the body
 * ended early (the client's fault), SC_STORAGE_IO on a server-side failure
 * (*errstr says which); on failure nothing is left on disk. */
int  sc_storage_local_receive(sc_req *req, const char *file_id, long long size,
    sc_storage_recv *r, const char **errstr);
/* The first bytes of the received file into buf (up to cap); the count or -1. */
long sc_storage_local_head(const sc_storage_recv *r, void *buf, size_t cap);
/* fsync the file, move it to STORAGE_DIR/<object_key> without replacing
 * anything there (SC_STORAGE_EXISTS: another upload was first), fsync the
 * folder. The temporary file is gone afterwards, whatever the outcome. */
int  sc_storage_local_commit(sc_storage_recv *r, const char *object_key, const char **errstr);
/* Close and remove the temporary file (no-op when none). */
void sc_storage_local_abort(sc_storage_recv *r);

#endif
