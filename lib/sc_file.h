/* sc_file.h - what the storage programs share about a file: its columns and
 * JSON, the rules for its name and content type, the Content-Disposition of
 * its download, and the SQL that decides who may read it and moves the quota.
 *
 * The file object (snake_case; the original's PascalCase fixed):
 *     {file_id, file_name, file_size, content_type, is_encrypted, status,
 *      sha256, conversation_id, created_at, completed_at}
 * status is uploading | completed | deleted; sha256 is null until the bytes
 * were checked by the server (local backend), completed_at null until done.
 * Pure functions here need no configuration except sc_file_type_allowed()
 * (STORAGE_ALLOWED_TYPES). docs/decisions.md "Files" has the rules. */
#ifndef SC_FILE_H
#define SC_FILE_H

#include <json-c/json.h>
#include <libpq-fe.h>
#include <stddef.h>

#include "sc_user.h"

#define SC_FILE_NAME_MAX          255u    /* bytes of file_name */
#define SC_FILE_TYPE_MAX          255u    /* bytes of a content type, parameters included */
/* "attachment; filename=\"...\"; filename*=UTF-8''..." for the longest name:
 * 22 + 255 + 20 + 3 * 255 bytes, and a NUL. */
#define SC_FILE_DISPOSITION_MAX   1100u
/* "<user_id>/<file_id>" and a NUL */
#define SC_FILE_KEY_LEN           (36 + 1 + 36)

/* The file object's columns over a table aliased `f`, in the order
 * sc_file_json() reads them. */
#define SC_FILE_COLS \
	"f.file_id, f.file_name, f.file_size, f.content_type, f.is_encrypted, f.status, " \
	"f.sha256, f.conversation_id, " SC_SQL_TS("f.created_at") ", " SC_SQL_TS("f.completed_at")
#define SC_FILE_NCOLS 10

/* The file object from the SC_FILE_COLS at (row, col...); the caller owns it. */
json_object *sc_file_json(const PGresult *res, int row, int col);

/* SQL: true when the user `u` is a member of a conversation where a message
 * that is not deleted carries the file `f` (both SQL expressions). Served by
 * the GIN index messages_file_ids, whose predicate it repeats. */
#define SC_SQL_FILE_SHARED(f, u) \
	"EXISTS (SELECT 1 FROM messages sm_ JOIN conversation_participants sp_ " \
	"  ON sp_.conversation_id = sm_.conversation_id AND sp_.user_id = " u " " \
	"  WHERE sm_.file_ids @> ARRAY[" f "]::uuid[] AND cardinality(sm_.file_ids) > 0 " \
	"    AND sm_.deleted_at IS NULL)"

/* SQL: true when every id of the uuid[] `ids` (distinct) names a completed
 * file that the user `u` owns or may download: the rule for the file_ids of
 * a message (api.md: "completed files the sender owns or may already
 * download"). An empty array passes. */
#define SC_SQL_FILES_OK(ids, u) \
	"(cardinality(" ids ") = (SELECT count(*) FROM files fo_ " \
	"  WHERE fo_.file_id = ANY (" ids ") AND fo_.status = 'completed' " \
	"    AND (fo_.user_id = " u " OR " SC_SQL_FILE_SHARED("fo_.file_id", u) ")))"

/* SQL: a CTE `rel` giving the quota back for the files of the CTE `d` (rows
 * with user_id and file_size that just became deleted), one UPDATE per owner
 * (an UPDATE ... FROM with several rows per user would apply only one). */
#define SC_SQL_FILE_RELEASE \
	"rel AS (UPDATE users u SET storage_used_bytes = greatest(u.storage_used_bytes - x.n, 0) " \
	"  FROM (SELECT user_id, sum(file_size) AS n FROM d GROUP BY user_id) x " \
	"  WHERE u.user_id = x.user_id RETURNING u.user_id)"

/* 1 when s[0..n) is an acceptable file name: 1..255 bytes of valid UTF-8,
 * no '/', '\\', control characters (C0, DEL, C1) or bidirectional formatting
 * characters (U+202A..U+202E, U+2066..U+2069: they disguise extensions),
 * and not "." or "..". */
int sc_file_name_valid(const char *s, size_t n);

/* Normalize a declared content type s[0..n) into out (SC_FILE_TYPE_MAX + 1
 * bytes): "type/subtype" of RFC 9110 token characters, lower-cased;
 * parameters after ';' ("; charset=utf-8") are checked for printable ASCII
 * and dropped. 0, or -1 when malformed or longer than SC_FILE_TYPE_MAX. */
int sc_file_type_parse(const char *s, size_t n, char *out);

/* 1 when the normalized type is on the comma list `list` (entries compared
 * case-insensitively, spaces around them ignored). */
int sc_file_type_in_list(const char *type, const char *list);
/* The same against STORAGE_ALLOWED_TYPES. */
int sc_file_type_allowed(const char *type);

/* 1 when uploads declared as `declared` are sniffed at all: not for
 * application/octet-stream (any bytes) nor for encrypted files (the caller
 * checks is_encrypted). */
int sc_file_type_sniffed(const char *declared);

/* 1 when the type libmagic found (`sniffed`, MAGIC_MIME_TYPE) fits the
 * declared type: the same type after aliases (audio/mp3 = audio/mpeg,
 * application/x-zip-compressed = application/zip, application/x-gzip =
 * application/gzip, application/x-rar-compressed = application/vnd.rar ...),
 * or a member of the declared type's family: any text for text/plain, text
 * for application/json, zip-based formats for application/zip, MP4 and
 * Matroska variants for video/mp4 and video/webm. */
int sc_file_type_matches(const char *declared, const char *sniffed);

/* The Content-Disposition of a download of `name` (a valid file name) into
 * out (SC_FILE_DISPOSITION_MAX bytes): attachment; filename="<fallback>"
 * where the fallback is the name with every character outside printable
 * ASCII, and '"', '\\' and '%', replaced by '_'; when that differs from the
 * name, also filename*=UTF-8''<percent-encoded name> (RFC 6266, RFC 8187).
 * 0, or -1 when the name is not valid. */
int sc_file_disposition(const char *name, size_t n, char *out);

/* "<user_id>/<file_id>" into out (SC_FILE_KEY_LEN + 1 bytes); both must be
 * lower-case UUIDs. 0 / -1. */
int sc_file_object_key(const char *user_id, const char *file_id, char *out);
/* 1 when key has the shape sc_file_object_key() makes. */
int sc_file_object_key_valid(const char *key);

#endif
