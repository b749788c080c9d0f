/* sc_s3.c - PLACEHOLDER for the S3 backend (see sc_s3.h): replaced by the S3
 * helper's implementation at merge. Every function fails and logs. */
#include "sc_s3.h"
#include "sc_log.h"

static int not_built(void)
{
	sc_log(SC_LOG_ERROR, "s3 backend not built yet", NULL);
	return -1;
}

int sc_s3_presign_put(sc_arena *a, const char *object_key, long long size,
    const char *content_type, long long expires_s, char **url)
{
	(void)a; (void)object_key; (void)size; (void)content_type; (void)expires_s;
	*url = NULL;
	return not_built();
}

int sc_s3_presign_get(sc_arena *a, const char *object_key, const char *file_name,
    const char *content_type, long long expires_s, char **url)
{
	(void)a; (void)object_key; (void)file_name; (void)content_type; (void)expires_s;
	*url = NULL;
	return not_built();
}

int sc_s3_head(const char *object_key, long long *size, int *found)
{
	(void)object_key;
	*size = 0;
	*found = 0;
	return not_built();
}

int sc_s3_delete(const char *object_key)
{
	(void)object_key;
	return not_built();
}
