/* test_mail.c - lib/sc_mail.c (templates, escaping, message building; no
 * network) and lib/sc_token.c (token format and hash). */
#include "t_common.h"

#include "sc_arena.h"
#include "sc_b64.h"
#include "sc_mail.h"
#include "sc_token.h"

#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

static void put(const char *name, const char *text)
{
	char path[128];
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/sc-test-mail.XXXXXX");
	assert_non_null(mkdtemp(dir));
	put("t.subject", "Hello {{name}}\n");
	put("t.txt", "Hi {{name}}, open {{ link }} ({{unknown}}) {{ not closed");
	put("t.html", "<p>Hi {{name}}, <a href=\"{{link}}\">go</a></p>");
	put("nohtml.subject", "x");
	put("nohtml.txt", "x");
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static void test_render(void **state)
{
	sc_arena a;
	sc_mail_msg m;
	const char *why = NULL;
	const sc_mail_var v[] = { { "name", "Tom <b>&\"'" }, { "link", "https://x.test/a?token=T&u=1" } };
	(void)state;
	sc_arena_init(&a);
	assert_int_equal(sc_mail_render_dir(&a, dir, "t", v, 2, &m, &why), 0);
	/* the subject is one line: the newline went */
	assert_string_equal(m.subject, "Hello Tom <b>&\"'");
	/* text: values as given, unknown placeholders empty, an unclosed one kept */
	assert_string_equal(m.text, "Hi Tom <b>&\"', open https://x.test/a?token=T&u=1 () {{ not closed");
	/* html: values escaped */
	assert_string_equal(m.html, "<p>Hi Tom &lt;b&gt;&amp;&quot;&#39;, "
	    "<a href=\"https://x.test/a?token=T&amp;u=1\">go</a></p>");
	sc_arena_cleanup(&a);
}

static void test_render_refusals(void **state)
{
	sc_arena a;
	sc_mail_msg m;
	const char *why = NULL;
	char big[SC_MAIL_VALUE_MAX + 2];
	sc_mail_var v[] = { { "name", big } };
	(void)state;
	sc_arena_init(&a);
	assert_int_equal(sc_mail_render_dir(&a, dir, "missing", NULL, 0, &m, &why), -1);
	assert_non_null(why);
	why = NULL;
	assert_int_equal(sc_mail_render_dir(&a, dir, "nohtml", NULL, 0, &m, &why), -1);
	assert_non_null(why);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(sc_mail_render_dir(&a, dir, "t", v, 1, &m, &why), -1);
	/* a template that is not UTF-8 */
	put("bad.subject", "\xff\xfe");
	put("bad.txt", "x");
	put("bad.html", "x");
	assert_int_equal(sc_mail_render_dir(&a, dir, "bad", NULL, 0, &m, &why), -1);
	sc_arena_cleanup(&a);
}

static void test_header_word(void **state)
{
	sc_buf b;
	char dec[256];
	size_t n;
	/* 40 x "é" (80 bytes): two encoded words, each <= 75 characters */
	char s[81];
	(void)state;
	for (int i = 0; i < 40; i++)
		memcpy(s + 2 * i, "\xc3\xa9", 2);
	s[80] = '\0';
	sc_buf_init(&b, 4096);
	assert_int_equal(sc_mail_header_word(&b, "Plain subject", 13), 0);
	assert_string_equal(b.ptr, "Plain subject");
	sc_buf_reset(&b);
	assert_int_equal(sc_mail_header_word(&b, s, 80), 0);
	assert_non_null(strstr(b.ptr, "\r\n "));
	{
		char *first = b.ptr, *cr = strstr(b.ptr, "\r\n ");
		assert_true(cr - first <= 75);
		assert_true(strlen(cr + 3) <= 75);
		/* the first word decodes to whole characters */
		assert_memory_equal(first, "=?UTF-8?B?", 10);
		*cr = '\0';
		assert_int_equal(sc_b64_decode(first + 10, strlen(first + 10) - 2,
		    (unsigned char *)dec, sizeof(dec), &n), 0);
		assert_int_equal(n % 2, 0);
	}
	sc_buf_reset(&b);
	/* "=?" in plain ASCII must be encoded too */
	assert_int_equal(sc_mail_header_word(&b, "a =?x", 5), 0);
	assert_memory_equal(b.ptr, "=?UTF-8?B?", 10);
	sc_buf_cleanup(&b);
}

static void test_addr(void **state)
{
	char out[64];
	(void)state;
	assert_int_equal(sc_mail_addr("SecureConnect <noreply@x.test>", out, sizeof(out)), 0);
	assert_string_equal(out, "noreply@x.test");
	assert_int_equal(sc_mail_addr(" a@b.test ", out, sizeof(out)), 0);
	assert_string_equal(out, "a@b.test");
	assert_int_equal(sc_mail_addr("Name <broken", out, sizeof(out)), -1);
	assert_int_equal(sc_mail_addr("no address", out, sizeof(out)), -1);
}

static void test_build(void **state)
{
	sc_buf b;
	char *p, dec[128];
	size_t n;
	(void)state;
	sc_buf_init(&b, 65536);
	assert_int_equal(sc_mail_build(&b, "Sécure, Inc. <noreply@x.test>", "u@y.test",
	    "Grüße", "Hi\n.dot line\n", "<p>Hi</p>", "11111111-2222-4333-8444-555555555555",
	    (time_t)1700000000), 0);
	assert_non_null(strstr(b.ptr, "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"));
	assert_non_null(strstr(b.ptr, "Message-ID: <11111111-2222-4333-8444-555555555555@x.test>\r\n"));
	assert_non_null(strstr(b.ptr, "From: =?UTF-8?B?"));
	assert_non_null(strstr(b.ptr, " <noreply@x.test>\r\n"));
	assert_non_null(strstr(b.ptr, "To: u@y.test\r\n"));
	assert_non_null(strstr(b.ptr, "Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n"));
	assert_non_null(strstr(b.ptr, "MIME-Version: 1.0\r\n"));
	assert_non_null(strstr(b.ptr, "Content-Type: multipart/alternative; boundary="));
	assert_non_null(strstr(b.ptr, "Content-Type: text/plain; charset=UTF-8\r\n"));
	assert_non_null(strstr(b.ptr, "Content-Type: text/html; charset=UTF-8\r\n"));
	/* every line ends in CRLF: no bare LF */
	for (p = b.ptr; (p = strchr(p, '\n')) != NULL; p++)
		assert_true(p > b.ptr && p[-1] == '\r');
	/* the text part decodes to the text */
	p = strstr(b.ptr, "text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n");
	assert_non_null(p);
	p = strstr(p, "\r\n\r\n") + 4;
	*strstr(p, "\r\n") = '\0';
	assert_int_equal(sc_b64_decode(p, strlen(p), (unsigned char *)dec, sizeof(dec), &n), 0);
	assert_memory_equal(dec, "Hi\n.dot line\n", n);
	/* a recipient with a line break is refused (header injection) */
	sc_buf_reset(&b);
	assert_int_equal(sc_mail_build(&b, "a@x.test", "u@y.test\r\nBcc: z@z.test", "s", "t", "h",
	    "id", 0), -1);
	sc_buf_cleanup(&b);
}

static void test_token(void **state)
{
	char tok[SC_TOKEN_LEN + 1], hash[SC_TOKEN_HASH], again[SC_TOKEN_HASH];
	char tok2[SC_TOKEN_LEN + 1], hash2[SC_TOKEN_HASH];
	(void)state;
	sc_token_new(tok, hash);
	assert_int_equal(strlen(tok), 43);
	assert_int_equal(strspn(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), 43);
	assert_int_equal(strlen(hash), 66);
	assert_memory_equal(hash, "\\x", 2);
	assert_int_equal(sc_token_hash(tok, 43, again), 0);
	assert_string_equal(hash, again);
	sc_token_new(tok2, hash2);
	assert_string_not_equal(tok, tok2);
	assert_string_not_equal(hash, hash2);
	assert_int_equal(sc_token_hash(tok, 42, again), -1);
	tok[5] = '+';
	assert_int_equal(sc_token_hash(tok, 43, again), -1);
	assert_int_equal(sc_token_hash(NULL, 0, again), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_render_refusals),
		cmocka_unit_test(test_header_word),
		cmocka_unit_test(test_addr),
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_token),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
