/* sc_db.c - lazy libpq connection with one reconnect. */
#include "sc_db.h"
#include "sc_alloc.h"
#include "sc_config.h"
#include "sc_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* With DB_PREPARED_STATEMENTS, each distinct statement (by the address of its
 * SQL text: statements are named constants, style.md rule 11) is prepared once
 * per connection as "sc_N" and executed by name after that. */
#define SC_DB_PREPARED_MAX 128

struct sc_db {
	PGconn     *conn;
	int         use_prepared;
	size_t      nprepared;
	const char *prepared[SC_DB_PREPARED_MAX];
	/* the statement sent ahead by sc_db_send, NULL when none */
	const char *pend_sql;
	int         pend_n;
	int         pend_null[SC_DB_SEND_PARAMS];
	char        pend_p[SC_DB_SEND_PARAMS][SC_DB_SEND_PARAM_MAX + 1];
	char        port[8];
	char        timeout[16];
	char        options[64];
};

sc_db *sc_db_new(void)
{
	sc_db *db = sc_xcalloc(1, sizeof(*db));
	db->use_prepared = sc_config_bool(SC_CFG_DB_PREPARED_STATEMENTS);
	snprintf(db->port, sizeof(db->port), "%lld", sc_config_int(SC_CFG_DB_PORT));
	snprintf(db->timeout, sizeof(db->timeout), "%lld", sc_config_int(SC_CFG_DB_CONNECT_TIMEOUT_S));
	snprintf(db->options, sizeof(db->options), "-c statement_timeout=%lld",
	    sc_config_int(SC_CFG_DB_STATEMENT_TIMEOUT_MS));
	return db;
}

void sc_db_close(sc_db *db)
{
	if (db != NULL)
		db->pend_sql = NULL;  /* PQfinish drops it */
	if (db != NULL && db->conn != NULL) {
		PQfinish(db->conn);
		db->conn = NULL;
		db->nprepared = 0;  /* prepared statements die with their connection */
	}
}

void sc_db_free(sc_db *db)
{
	if (db == NULL)
		return;
	sc_db_close(db);
	free(db);
}

static void err_from_conn(sc_db *db, sc_db_err *err, const char *what)
{
	const char *m = db->conn ? PQerrorMessage(db->conn) : "no connection";
	size_t n;
	err->unavailable = 1;
	err->sqlstate[0] = '\0';
	err->constraint[0] = '\0';
	snprintf(err->msg, sizeof(err->msg), "%s: %s", what, m);
	n = strlen(err->msg);
	while (n > 0 && (err->msg[n - 1] == '\n' || err->msg[n - 1] == ' '))
		err->msg[--n] = '\0';
}

/* Server notices (e.g. "word is too long to be indexed" while building a
 * message's search vector) are not errors: they go to the log at debug
 * level instead of libpq's default, the program's stderr. */
static void on_notice(void *arg, const char *msg)
{
	char line[256];
	size_t n = strcspn(msg, "\n");
	(void)arg;
	snprintf(line, sizeof(line), "postgresql notice: %.*s", (int)(n > 200 ? 200 : n), msg);
	sc_log(SC_LOG_DEBUG, line, NULL);
}

static int connect_db(sc_db *db, sc_db_err *err)
{
	const char *keys[] = { "host", "port", "user", "password", "dbname", "sslmode",
	    "connect_timeout", "application_name", "options", "gssencmode", NULL };
	const char *vals[] = { sc_config_str(SC_CFG_DB_HOST), db->port,
	    sc_config_str(SC_CFG_DB_USER), sc_config_secret(SC_CFG_DB_PASSWORD).ptr,
	    sc_config_str(SC_CFG_DB_NAME), sc_config_str(SC_CFG_DB_SSL_MODE), db->timeout,
	    "secureconnect", db->options, sc_config_str(SC_CFG_DB_GSS_ENC_MODE), NULL };

	sc_db_close(db);
	if (vals[3] != NULL && vals[3][0] == '\0')
		vals[3] = NULL;
	db->conn = PQconnectdbParams(keys, vals, 0);
	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK) {
		err_from_conn(db, err, "connect");
		sc_db_close(db);
		return -1;
	}
	PQsetNoticeProcessor(db->conn, on_notice, NULL);
	return 0;
}

PGconn *sc_db_conn(sc_db *db, sc_db_err *err)
{
	sc_db_discard(db);
	memset(err, 0, sizeof(*err));
	if (db->conn != NULL && PQstatus(db->conn) == CONNECTION_OK)
		return db->conn;
	if (connect_db(db, err) < 0)
		return NULL;
	return db->conn;
}

static void clear_result(void *p)
{
	PQclear(p);
}

/* Classify a failed result: a broken connection, or an SQL error. */
static int result_error(sc_db *db, PGresult *res, sc_db_err *err)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *m = res ? PQresultErrorMessage(res) : PQerrorMessage(db->conn);
	size_t n;

	err->unavailable = db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK ||
	    res == NULL;
	/* Class 08 (connection exception), 57P01-03 (admin shutdown, crash,
	 * cannot connect now), 53 (insufficient resources): unavailable. */
	if (state != NULL && (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0 ||
	    strncmp(state, "53", 2) == 0))
		err->unavailable = 1;
	snprintf(err->sqlstate, sizeof(err->sqlstate), "%s", state ? state : "");
	{
		const char *c = res ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : NULL;
		snprintf(err->constraint, sizeof(err->constraint), "%s", c ? c : "");
	}
	snprintf(err->msg, sizeof(err->msg), "%s", m ? m : "unknown error");
	n = strlen(err->msg);
	while (n > 0 && (err->msg[n - 1] == '\n' || err->msg[n - 1] == ' '))
		err->msg[--n] = '\0';
	return -1;
}

/* The prepared statement's index, or -1 when sql is not prepared yet. */
static int prepared_index(const sc_db *db, const char *sql)
{
	size_t i;
	for (i = 0; i < db->nprepared; i++)
		if (db->prepared[i] == sql)
			return (int)i;
	return -1;
}

/* Execute through a named prepared statement; NULL result on failure like
 * PQexecParams. Statements beyond the cache's size run unnamed. */
static PGresult *exec_prepared(sc_db *db, const char *sql, int nparams,
    const char *const *params)
{
	char name[16];
	int found = prepared_index(db, sql);
	size_t i = found < 0 ? db->nprepared : (size_t)found;

	if (i == SC_DB_PREPARED_MAX)
		return PQexecParams(db->conn, sql, nparams, NULL, params, NULL, NULL, 0);
	snprintf(name, sizeof(name), "sc_%zu", i);
	if (i == db->nprepared) {
		PGresult *p = PQprepare(db->conn, name, sql, nparams, NULL);
		if (p == NULL || PQresultStatus(p) != PGRES_COMMAND_OK)
			return p;
		PQclear(p);
		db->prepared[db->nprepared++] = sql;
	}
	return PQexecPrepared(db->conn, name, nparams, params, NULL, NULL, 0);
}

int sc_db_send(sc_db *db, const char *sql, int nparams, const char *const *params)
{
	sc_db_err err;
	char name[16];
	int i, ok;

	if (db == NULL || db->pend_sql != NULL || nparams < 0 || nparams > SC_DB_SEND_PARAMS)
		return -1;
	for (i = 0; i < nparams; i++)
		if (params[i] != NULL && strlen(params[i]) > SC_DB_SEND_PARAM_MAX)
			return -1;
	if (sc_db_conn(db, &err) == NULL)
		return -1;
	if (db->use_prepared) {
		if ((i = prepared_index(db, sql)) < 0)
			return -1;
		snprintf(name, sizeof(name), "sc_%d", i);
		ok = PQsendQueryPrepared(db->conn, name, nparams, params, NULL, NULL, 0);
	} else {
		ok = PQsendQueryParams(db->conn, sql, nparams, NULL, params, NULL, NULL, 0);
	}
	if (!ok)
		return -1;
	db->pend_sql = sql;
	db->pend_n = nparams;
	for (i = 0; i < nparams; i++) {
		db->pend_null[i] = params[i] == NULL;
		snprintf(db->pend_p[i], sizeof(db->pend_p[i]), "%s", params[i] ? params[i] : "");
	}
	return 0;
}

static int pending_is(const sc_db *db, const char *sql, int nparams,
    const char *const *params)
{
	int i;
	if (db->pend_sql != sql || db->pend_n != nparams)
		return 0;
	for (i = 0; i < nparams; i++)
		if (db->pend_null[i] != (params[i] == NULL) ||
		    (params[i] != NULL && strcmp(db->pend_p[i], params[i]) != 0))
			return 0;
	return 1;
}

/* The pending statement's result (NULL when the connection broke), the
 * connection left idle. */
static PGresult *take_pending(sc_db *db)
{
	PGresult *res = PQgetResult(db->conn), *more;
	while ((more = PQgetResult(db->conn)) != NULL)
		PQclear(more);
	db->pend_sql = NULL;
	return res;
}

void sc_db_discard(sc_db *db)
{
	if (db != NULL && db->pend_sql != NULL)
		PQclear(take_pending(db));
}

int sc_db_exec(sc_db *db, sc_arena *a, const char *sql, int nparams,
    const char *const *params, unsigned flags, PGresult **out, sc_db_err *err)
{
	int attempt;

	if (out)
		*out = NULL;
	if (db->pend_sql != NULL && pending_is(db, sql, nparams, params)) {
		PGresult *res = take_pending(db);
		ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
		if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
			memset(err, 0, sizeof(*err));
			if (out) {
				sc_arena_defer(a, clear_result, res);
				*out = res;
			} else {
				PQclear(res);
			}
			return 0;
		}
		/* An error: run it again below, which reconnects or reports. */
		PQclear(res);
	}
	for (attempt = 0; attempt < 2; attempt++) {
		PGresult *res;
		ExecStatusType st;

		if (sc_db_conn(db, err) == NULL)
			return -1;
		res = db->use_prepared ? exec_prepared(db, sql, nparams, params) :
		    PQexecParams(db->conn, sql, nparams, NULL, params, NULL, NULL, 0);
		st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
		if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
			if (out) {
				sc_arena_defer(a, clear_result, res);
				*out = res;
			} else {
				PQclear(res);
			}
			return 0;
		}
		result_error(db, res, err);
		PQclear(res);
		if (!err->unavailable)
			return -1;
		/* The connection broke. Drop it; retry once only when allowed. */
		sc_db_close(db);
		if (!(flags & SC_DB_RETRY))
			return -1;
	}
	return -1;
}

int sc_db_exec_script(sc_db *db, const char *sql, sc_db_err *err)
{
	PGresult *res;
	ExecStatusType st;

	if (sc_db_conn(db, err) == NULL)
		return -1;
	res = PQexec(db->conn, sql);
	st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) {
		PQclear(res);
		return 0;
	}
	result_error(db, res, err);
	PQclear(res);
	return -1;
}

int sc_db_ping(sc_db *db, sc_db_err *err)
{
	sc_arena a;
	int rc;
	sc_arena_init(&a);
	rc = sc_db_exec(db, &a, "SELECT 1", 0, NULL, SC_DB_RETRY, NULL, err);
	sc_arena_cleanup(&a);
	return rc;
}
