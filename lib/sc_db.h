/* sc_db.h - the process's PostgreSQL connection (libpq).
 *
 * Connected lazily on the first statement and kept for the process's life.
 * Parameters come from the config table; statement_timeout is set in the
 * startup options so it holds for every statement. Statements are sent
 * unnamed (PQexecParams), which works behind PgBouncer in transaction mode;
 * with DB_PREPARED_STATEMENTS=true each statement is prepared once per
 * connection instead, so `sql` must be a string constant: its address is the
 * cache key.
 *
 * Reconnects: a connection found broken before a statement is re-opened once.
 * A statement that fails because the connection broke in flight is retried
 * after one reconnect only when the caller passes SC_DB_RETRY (reads and
 * idempotent writes); otherwise the error is reported as unavailable. */
#ifndef SC_DB_H
#define SC_DB_H

#include <libpq-fe.h>
#include "sc_arena.h"

typedef struct sc_db sc_db;

typedef struct sc_db_err {
	int  unavailable;       /* connection problem: answer 503 */
	char sqlstate[6];       /* "23505" etc., "" when none */
	char constraint[64];    /* the violated constraint or index, "" when none */
	char msg[256];          /* for the log, never for the client */
} sc_db_err;

enum { SC_DB_RETRY = 1 };

sc_db *sc_db_new(void);                 /* reads the loaded config; no I/O */
void   sc_db_free(sc_db *db);           /* closes the connection; NULL ok */
void   sc_db_close(sc_db *db);          /* close now, reconnect on next use */

/* Run sql with text parameters (NULL = SQL NULL). On success *out (may be
 * NULL to discard) is a PGRES_TUPLES_OK or PGRES_COMMAND_OK result registered
 * on the arena. Returns 0, or -1 with err filled. */
int sc_db_exec(sc_db *db, sc_arena *a, const char *sql, int nparams,
    const char *const *params, unsigned flags, PGresult **out, sc_db_err *err);

/* A read sent ahead, so that its round trip overlaps other work (the guard's
 * Redis round trip). sc_db_send() sends sql and does not wait. The next
 * sc_db_exec() of the same statement (same address) with the same parameters
 * takes its result instead of sending it again; any other statement, and
 * sc_db_discard(), drop it first. A dropped statement has still run, so only
 * reads are sent ahead. Returns 0 when sent; -1 when not (no connection, a
 * statement already pending, more than SC_DB_SEND_PARAMS parameters or one
 * longer than SC_DB_SEND_PARAM_MAX, or, with DB_PREPARED_STATEMENTS, a
 * statement not prepared yet: its first sc_db_exec prepares it); the later
 * sc_db_exec() then runs as usual, as it does when the result sent ahead is
 * an error. */
enum { SC_DB_SEND_PARAMS = 2, SC_DB_SEND_PARAM_MAX = 64 };
int  sc_db_send(sc_db *db, const char *sql, int nparams, const char *const *params);
void sc_db_discard(sc_db *db);          /* drop a pending result; no-op when none */

/* Plain multi-statement text without parameters (migrations): 0 / -1. */
int sc_db_exec_script(sc_db *db, const char *sql, sc_db_err *err);

/* SELECT 1 with a retry: 0 when the database answers. */
int sc_db_ping(sc_db *db, sc_db_err *err);

/* The raw connection (connecting if needed; a pending result sent ahead is
 * dropped), or NULL; for sc-admin. */
PGconn *sc_db_conn(sc_db *db, sc_db_err *err);

#endif
