/* sc_row.c - PGresult cells as JSON values (sc_row.h). */
#include "sc_row.h"

#include <stdlib.h>
#include <string.h>

json_object *sc_row_text(const PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return NULL;
	return json_object_new_string_len(PQgetvalue(res, row, col), PQgetlength(res, row, col));
}

int sc_row_is_true(const PGresult *res, int row, int col)
{
	return !PQgetisnull(res, row, col) && PQgetvalue(res, row, col)[0] == 't';
}

json_object *sc_row_bool(const PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return NULL;
	return json_object_new_boolean(sc_row_is_true(res, row, col));
}

json_object *sc_row_int(const PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return NULL;
	return json_object_new_int64(strtoll(PQgetvalue(res, row, col), NULL, 10));
}

json_object *sc_row_json(const PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return NULL;
	return json_tokener_parse(PQgetvalue(res, row, col));
}

json_object *sc_row_uuid_array(const PGresult *res, int row, int col)
{
	json_object *a = json_object_new_array();
	const char *s, *e;

	if (PQgetisnull(res, row, col))
		return a;
	s = PQgetvalue(res, row, col);
	if (*s == '{')
		s++;
	while (*s && *s != '}') {
		e = s + strcspn(s, ",}");
		/* an element that is SQL NULL is written unquoted as NULL (a uuid
		 * never reads so): JSON null, not the string "NULL" */
		if (e - s == 4 && memcmp(s, "NULL", 4) == 0)
			json_object_array_add(a, NULL);
		else if (e > s)
			json_object_array_add(a, json_object_new_string_len(s, (int)(e - s)));
		s = *e == ',' ? e + 1 : e;
	}
	return a;
}
