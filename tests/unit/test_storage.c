/* test_storage.c - the local backend of lib/sc_storage: a streamed body goes
 * to STORAGE_DIR/tmp in chunks and is hashed; a short body or a failure leaves
 * nothing; commit moves it to STORAGE_DIR/<user>/<file> and never replaces an
 * existing file; signed URLs point at APP_URL; stat and delete; the body
 * reader of SC_EP_STREAM (sc_req_body_read). */
#include "t_common.h"

#include "sc_arena.h"
#include "sc_file.h"
#include "sc_fsign.h"
#include "sc_req.h"
#include "sc_storage.h"

#include <dirent.h>
#include <openssl/sha.h>
#include <sys/stat.h>
#include <unistd.h>

#define USER "0190f1a2-0000-7000-8000-00000000000a"
#define FILE1 "0190f1a2-0000-7000-8000-0000000000f1"

static char dir[64];

/* a body of `left` bytes, produced `step` bytes at a time, optionally cut short */
typedef struct fake {
	long long left, cut;
	size_t step;
	unsigned char next;
} fake;

static long fake_read(void *ctx, char *buf, size_t n)
{
	fake *f = ctx;
	size_t i;
	if (f->cut >= 0 && f->left <= f->cut)
		return 0;                      /* the client went away */
	if (n > f->step)
		n = f->step;
	if ((long long)n > f->left)
		n = (size_t)f->left;
	for (i = 0; i < n; i++)
		buf[i] = (char)f->next++;
	f->left -= (long long)n;
	return (long)n;
}

static void request(sc_req *req, fake *f, long long len)
{
	memset(req, 0, sizeof(*req));
	req->content_length = len;
	req->body_left = len;
	req->body_read = fake_read;
	req->body_ctx = f;
}

static int empty_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;
	if (d == NULL)
		return 1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n == 0;
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/sc-unit-storage.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	t_config("STORAGE_DIR", dir, "APP_URL", "https://api.example.org/", NULL);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return -1;
	t_env_clear();
	return 0;
}

static void test_receive_commit(void **state)
{
	const long long size = 200000;            /* several 64 KiB chunks */
	unsigned char want[32], *all = malloc((size_t)size);
	char hex[65], path[PATH_MAX], tmpdir[PATH_MAX], head[16];
	const char *why;
	sc_storage_recv r;
	sc_req req;
	fake f = { size, -1, 7000, 0 };
	struct stat st;
	long long i, got = 0;
	int found = 0;
	(void)state;

	for (i = 0; i < size; i++)
		all[i] = (unsigned char)i;
	SHA256(all, (size_t)size, want);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", want[i]);
	request(&req, &f, size);
	assert_int_equal(sc_storage_local_receive(&req, FILE1, size, &r, &why), SC_STORAGE_OK);
	assert_int_equal(r.got, size);
	assert_string_equal(r.sha256, hex);
	assert_int_equal(sc_storage_local_head(&r, head, sizeof(head)), sizeof(head));
	assert_memory_equal(head, all, sizeof(head));
	assert_int_equal(sc_storage_local_commit(&r, USER "/" FILE1, &why), SC_STORAGE_OK);
	snprintf(path, sizeof(path), "%s/%s/%s", dir, USER, FILE1);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, size);
	{
		mode_t mask = umask(0);
		umask(mask);
		assert_int_equal(st.st_mode & 0777, 0640 & ~mask);
	}
	snprintf(tmpdir, sizeof(tmpdir), "%s/tmp", dir);
	assert_true(empty_dir(tmpdir));
	assert_int_equal(sc_storage_stat("local", USER "/" FILE1, &got, &found), 0);
	assert_true(found);
	assert_int_equal(got, size);

	/* a second upload of the same file never replaces the first */
	f = (fake){ size, -1, 65536, 1 };
	request(&req, &f, size);
	assert_int_equal(sc_storage_local_receive(&req, FILE1, size, &r, &why), SC_STORAGE_OK);
	assert_int_equal(sc_storage_local_commit(&r, USER "/" FILE1, &why), SC_STORAGE_EXISTS);
	assert_true(empty_dir(tmpdir));
	assert_int_equal(sc_storage_local_head(&(sc_storage_recv){ .fd = -1 }, head, 1), -1);

	assert_int_equal(sc_storage_delete("local", USER "/" FILE1), 0);
	assert_int_equal(sc_storage_stat("local", USER "/" FILE1, &got, &found), 0);
	assert_false(found);
	assert_int_equal(sc_storage_delete("local", USER "/" FILE1), 0);   /* gone is fine */
	assert_int_equal(sc_storage_delete("local", "../../etc/passwd"), -1);
	free(all);
}

static void test_short_body(void **state)
{
	char tmpdir[PATH_MAX];
	const char *why = NULL;
	sc_storage_recv r;
	sc_req req;
	fake f = { 100000, 40000, 4096, 0 };      /* stops after 60,000 bytes */
	(void)state;

	request(&req, &f, 100000);
	assert_int_equal(sc_storage_local_receive(&req, FILE1, 100000, &r, &why), SC_STORAGE_SHORT);
	assert_non_null(why);
	snprintf(tmpdir, sizeof(tmpdir), "%s/tmp", dir);
	assert_true(empty_dir(tmpdir));
	assert_int_equal(r.fd, -1);
	/* the reader stays failed */
	assert_int_equal(sc_req_body_read(&req, tmpdir, 10), -1);
	/* abort on an aborted upload is harmless */
	sc_storage_local_abort(&r);
}

static void test_body_read(void **state)
{
	char buf[100];
	sc_req req;
	fake f = { 250, -1, 1000, 0 };
	(void)state;
	request(&req, &f, 250);
	assert_int_equal(sc_req_body_read(&req, buf, sizeof(buf)), 100);
	assert_int_equal(sc_req_body_read(&req, buf, sizeof(buf)), 100);
	assert_int_equal(sc_req_body_read(&req, buf, sizeof(buf)), 50);   /* never past the length */
	assert_int_equal(sc_req_body_read(&req, buf, sizeof(buf)), 0);
	assert_int_equal(sc_req_body_read(&req, buf, sizeof(buf)), 0);
	memset(&req, 0, sizeof(req));
	req.body_left = 10;                          /* no reader */
	assert_int_equal(sc_req_body_read(&req, buf, sizeof(buf)), -1);
}

static void test_urls(void **state)
{
	sc_arena a;
	char *url = NULL, want[256], sig[SC_FSIGN_LEN + 1];
	(void)state;
	sc_arena_init(&a);
	assert_string_equal(sc_storage_backend(), "local");
	assert_int_equal(sc_storage_upload_url(&a, "local", FILE1, USER "/" FILE1, 10, "text/plain",
	    2000000000, &url), 0);
	sc_fsign_make("PUT", FILE1, 2000000000, sig);
	snprintf(want, sizeof(want), "https://api.example.org/v1/storage/upload/%s?expires=2000000000&sig=%s",
	    FILE1, sig);
	assert_string_equal(url, want);
	assert_int_equal(sc_storage_download_url(&a, "local", FILE1, USER "/" FILE1, "a.txt",
	    "text/plain", 2000000000, &url), 0);
	sc_fsign_make("GET", FILE1, 2000000000, sig);
	snprintf(want, sizeof(want), "https://api.example.org/v1/storage/download/%s?expires=2000000000&sig=%s",
	    FILE1, sig);
	assert_string_equal(url, want);
	assert_int_equal(sc_storage_local_path("x/../../y", want), -1);
	assert_int_equal(sc_storage_local_path(USER "/" FILE1, want), 0);
	sc_arena_cleanup(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_receive_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_short_body, setup, teardown),
		cmocka_unit_test_setup_teardown(test_body_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_urls, setup, teardown),
	};
	t_quiet_log();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
