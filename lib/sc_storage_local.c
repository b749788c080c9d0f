/* sc_storage_local.c - the local backend's files: where an object lives, and
 * receiving an upload into place (see sc_storage.h). Apart from the facade so
 * that the upload program links neither the S3 client nor libcurl. */
#include "sc_storage.h"
#include "sc_config.h"
#include "sc_file.h"
#include "sc_log.h"
#include "sc_rand.h"

#include <openssl/evp.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int sc_storage_local_path(const char *object_key, char *out)
{
	const char *dir = sc_config_str(SC_CFG_STORAGE_DIR);
	int n;

	if (!sc_file_object_key_valid(object_key))
		return -1;
	n = snprintf(out, PATH_MAX, "%s/%s", dir, object_key);
	return n < 0 || n >= PATH_MAX ? -1 : 0;
}

/* ---------------------------------------------------------------- local receive */

/* mkdir that accepts an existing folder; 1 when it made one, 0 when it was
 * there, -1 on error. */
static int ensure_dir(const char *path)
{
	if (mkdir(path, 0750) == 0)
		return 1;
	return errno == EEXIST ? 0 : -1;
}

static int fsync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

void sc_storage_local_abort(sc_storage_recv *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	if (r->tmp[0] != '\0')
		unlink(r->tmp);
	r->tmp[0] = '\0';
}

static const char *io_error(int e)
{
	return e == ENOSPC || e == EDQUOT ? "the storage is full" : "the storage cannot be written";
}

int sc_storage_local_receive(sc_req *req, const char *file_id, long long size,
    sc_storage_recv *r, const char **errstr)
{
	/* one chunk buffer for the process: the program is single-threaded */
	static char chunk[SC_STORAGE_CHUNK];
	const char *dir = sc_config_str(SC_CFG_STORAGE_DIR);
	char tmpdir[PATH_MAX], rnd[17];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = NULL;
	int n, rc = SC_STORAGE_IO, e = 0;
	long got;

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	*errstr = "the storage cannot be written";
	n = snprintf(tmpdir, sizeof(tmpdir), "%s/tmp", dir);
	if (n < 0 || (size_t)n >= sizeof(tmpdir) || ensure_dir(tmpdir) < 0) {
		sc_log(SC_LOG_ERROR, "cannot create STORAGE_DIR/tmp", "\"errno\":%d", errno);
		return SC_STORAGE_IO;
	}
	sc_rand_hex(rnd, 8);
	n = snprintf(r->tmp, sizeof(r->tmp), "%s/%s.%s", tmpdir, file_id, rnd);
	if (n < 0 || (size_t)n >= sizeof(r->tmp)) {
		r->tmp[0] = '\0';
		return SC_STORAGE_IO;
	}
	r->fd = open(r->tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (r->fd < 0) {
		sc_log(SC_LOG_ERROR, "cannot create a temporary upload file", "\"errno\":%d", errno);
		r->tmp[0] = '\0';
		return SC_STORAGE_IO;
	}
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		goto out;
	while ((got = sc_req_body_read(req, chunk, sizeof(chunk))) > 0) {
		if (r->got + got > size) {        /* cannot happen: body_left caps it */
			rc = SC_STORAGE_SHORT;
			goto out;
		}
		if (write_all(r->fd, chunk, (size_t)got) < 0) {
			e = errno;
			sc_log(SC_LOG_ERROR, "cannot write an upload", "\"errno\":%d", e);
			*errstr = io_error(e);
			goto out;
		}
		EVP_DigestUpdate(ctx, chunk, (size_t)got);
		r->got += got;
	}
	if (got < 0 || r->got != size) {
		*errstr = "the body ended before file_size bytes";
		rc = SC_STORAGE_SHORT;
		goto out;
	}
	if (EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen != 32)
		goto out;
	sc_hex_encode(md, 32, r->sha256);
	rc = SC_STORAGE_OK;
out:
	EVP_MD_CTX_free(ctx);
	if (rc != SC_STORAGE_OK)
		sc_storage_local_abort(r);
	return rc;
}

long sc_storage_local_head(const sc_storage_recv *r, void *buf, size_t cap)
{
	ssize_t n;
	do
		n = pread(r->fd, buf, cap, 0);
	while (n < 0 && errno == EINTR);
	return (long)n;
}

int sc_storage_local_commit(sc_storage_recv *r, const char *object_key, const char **errstr)
{
	const char *dir = sc_config_str(SC_CFG_STORAGE_DIR);
	char final[PATH_MAX], udir[PATH_MAX];
	int made, n, rc = SC_STORAGE_IO;

	*errstr = "the storage cannot be written";
	if (sc_storage_local_path(object_key, final) < 0)
		goto out;
	n = snprintf(udir, sizeof(udir), "%s/%.36s", dir, object_key);
	if (n < 0 || (size_t)n >= sizeof(udir))
		goto out;
	if (fsync(r->fd) < 0) {
		*errstr = io_error(errno);
		sc_log(SC_LOG_ERROR, "cannot fsync an upload", "\"errno\":%d", errno);
		goto out;
	}
	close(r->fd);
	r->fd = -1;
	if ((made = ensure_dir(udir)) < 0) {
		sc_log(SC_LOG_ERROR, "cannot create a user's storage folder", "\"errno\":%d", errno);
		goto out;
	}
	if (made && fsync_dir(dir) < 0)
		goto out;
	/* never replace: a second upload of the same file loses, whatever the timing */
	if (renameat2(AT_FDCWD, r->tmp, AT_FDCWD, final, RENAME_NOREPLACE) < 0) {
		if (errno == EEXIST) {
			rc = SC_STORAGE_EXISTS;
			goto out;
		}
		/* file systems without RENAME_NOREPLACE: link() refuses an existing name too */
		if ((errno != EINVAL && errno != ENOSYS) || link(r->tmp, final) < 0) {
			rc = errno == EEXIST ? SC_STORAGE_EXISTS : SC_STORAGE_IO;
			if (rc == SC_STORAGE_IO)
				sc_log(SC_LOG_ERROR, "cannot move an upload into place", "\"errno\":%d",
				    errno);
			goto out;
		}
		unlink(r->tmp);
	}
	r->tmp[0] = '\0';
	if (fsync_dir(udir) < 0) {
		sc_log(SC_LOG_ERROR, "cannot fsync a user's storage folder", "\"errno\":%d", errno);
		unlink(final);
		goto out;
	}
	rc = SC_STORAGE_OK;
out:
	sc_storage_local_abort(r);
	return rc;
}
