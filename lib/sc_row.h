/* sc_row.h - cells of a PGresult as JSON values (text, boolean, integer, a
 * json/jsonb column, a uuid[] column). NULL cells become JSON null (a NULL
 * json_object pointer, which json-c writes as null). Values come from our
 * own statements: a json column that does not parse is null. */
#ifndef SC_ROW_H
#define SC_ROW_H

#include <json-c/json.h>
#include <libpq-fe.h>

json_object *sc_row_text(const PGresult *res, int row, int col);
json_object *sc_row_bool(const PGresult *res, int row, int col);
json_object *sc_row_int(const PGresult *res, int row, int col);
json_object *sc_row_json(const PGresult *res, int row, int col);
/* a PostgreSQL array of uuids ("{a,b}") as a JSON array of strings; NULL as [];
 * an element that is NULL as null */
json_object *sc_row_uuid_array(const PGresult *res, int row, int col);
/* 1 when the cell is boolean true */
int          sc_row_is_true(const PGresult *res, int row, int col);

#endif
