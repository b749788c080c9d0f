/* test_file.c - the rules of lib/sc_file: file names, content types (parse,
 * allow-list, what libmagic may find for a declared type), Content-Disposition
 * of downloads, object keys; and sc_sniff (libmagic in a forked child). */
#include "t_common.h"

#include "sc_file.h"
#include "sc_sniff.h"

#define U1 "0190f1a2-0000-7000-8000-00000000000a"
#define U2 "0190f1a2-0000-7000-8000-00000000000b"

static int name_ok(const char *s)
{
	return sc_file_name_valid(s, strlen(s));
}

static void test_names(void **state)
{
	char big[300];
	(void)state;
	assert_true(name_ok("a.txt"));
	assert_true(name_ok("holiday photo (2).JPG"));
	assert_true(name_ok("..."));
	assert_true(name_ok(".hidden"));
	assert_true(name_ok("résumé.pdf"));
	assert_true(name_ok("\xf0\x9f\x98\x80.png"));          /* emoji */
	assert_true(name_ok("a\"b';%.txt"));
	memset(big, 'x', 255);
	big[255] = '\0';
	assert_true(name_ok(big));
	big[255] = 'x';
	big[256] = '\0';
	assert_false(name_ok(big));                            /* 256 bytes */
	assert_false(name_ok(""));
	assert_false(name_ok("."));
	assert_false(name_ok(".."));
	assert_false(name_ok("a/b"));
	assert_false(name_ok("../etc/passwd"));
	assert_false(name_ok("a\\b"));
	assert_false(name_ok("tab\there"));
	assert_false(name_ok("nl\n"));
	assert_false(name_ok("del\x7f"));
	assert_false(name_ok("c1\xc2\x85x"));                  /* U+0085 */
	assert_false(name_ok("\xe2\x80\xaegnp.exe"));           /* U+202E right-to-left override */
	assert_false(name_ok("a\xe2\x81\xa6" "b"));            /* U+2066 */
	assert_false(name_ok("\xff.txt"));                     /* not UTF-8 */
	assert_false(name_ok("\xc0\xaf"));                     /* overlong '/' */
	assert_false(sc_file_name_valid("a\0b", 3));           /* NUL */
	assert_false(sc_file_name_valid(NULL, 0));
	/* 255 bytes of two-byte characters and one more byte: still 255 bytes */
	for (int i = 0; i < 127; i++) {
		big[2 * i] = '\xc3';
		big[2 * i + 1] = '\xa9';
	}
	big[254] = 'x';
	big[255] = '\0';
	assert_true(name_ok(big));
	big[254] = '\xc3';                                     /* a cut character */
	assert_false(name_ok(big));
}

static void type_is(const char *in, const char *want)
{
	char out[SC_FILE_TYPE_MAX + 1];
	if (want == NULL) {
		assert_int_equal(sc_file_type_parse(in, strlen(in), out), -1);
		return;
	}
	assert_int_equal(sc_file_type_parse(in, strlen(in), out), 0);
	assert_string_equal(out, want);
}

static void test_type_parse(void **state)
{
	char big[300];
	(void)state;
	type_is("image/png", "image/png");
	type_is("IMAGE/PNG", "image/png");
	type_is("Text/Plain; charset=UTF-8", "text/plain");
	type_is("text/plain ;charset=utf-8", "text/plain");
	type_is("text/plain  ", "text/plain");
	type_is("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	    "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
	type_is("application/epub+zip", "application/epub+zip");
	type_is("", NULL);
	type_is("png", NULL);
	type_is("/png", NULL);
	type_is("image/", NULL);
	type_is("image/png/x", NULL);
	type_is("image png", NULL);
	type_is("image/png x", NULL);
	type_is("image/p\"ng", NULL);
	type_is("image/png;\x01", NULL);
	type_is("image/png; a=\xc3\xa9", NULL);
	type_is("image/pngé", NULL);
	type_is(" image/png", NULL);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[5] = '/';
	type_is(big, NULL);                                    /* longer than 255 */
}

static void test_type_lists(void **state)
{
	(void)state;
	t_config(NULL);
	assert_true(sc_file_type_in_list("text/plain", " text/plain , image/png"));
	assert_true(sc_file_type_in_list("image/png", " text/plain , IMAGE/PNG"));
	assert_false(sc_file_type_in_list("text/plai", "text/plain"));
	assert_false(sc_file_type_in_list("text/plain", "text/plainx,x"));
	assert_false(sc_file_type_in_list("text/plain", ""));
	/* the default allow-list: the original's, without what a browser would run */
	assert_true(sc_file_type_allowed("text/plain"));
	assert_true(sc_file_type_allowed("image/png"));
	assert_true(sc_file_type_allowed("audio/mp3"));
	assert_true(sc_file_type_allowed("application/octet-stream"));
	assert_false(sc_file_type_allowed("text/html"));
	assert_false(sc_file_type_allowed("text/css"));
	assert_false(sc_file_type_allowed("application/javascript"));
	assert_false(sc_file_type_allowed("image/svg+xml"));
	assert_false(sc_file_type_allowed("application/xml"));
	t_config("STORAGE_ALLOWED_TYPES", "image/png", NULL);
	assert_true(sc_file_type_allowed("image/png"));
	assert_false(sc_file_type_allowed("text/plain"));
	t_env_clear();
}

static void test_type_matches(void **state)
{
	static const char *const yes[][2] = {
		{ "image/png", "image/png" },
		{ "image/jpeg", "image/jpeg" },
		{ "application/pdf", "application/pdf" },
		{ "audio/mp3", "audio/mpeg" },
		{ "audio/mpeg", "audio/mpeg" },
		{ "application/x-zip-compressed", "application/zip" },
		{ "application/zip", "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
		{ "application/zip", "application/vnd.oasis.opendocument.text" },
		{ "application/zip", "application/epub+zip" },
		{ "application/zip", "application/java-archive" },
		{ "application/x-gzip", "application/gzip" },
		{ "application/x-rar-compressed", "application/x-rar" },
		{ "application/x-rar-compressed", "application/vnd.rar" },
		{ "application/x-tar", "application/x-tar" },
		{ "application/x-7z-compressed", "application/x-7z-compressed" },
		{ "text/plain", "text/plain" },
		{ "text/plain", "text/x-c" },
		{ "text/plain", "text/html" },
		{ "text/plain", "text/csv" },
		{ "text/plain", "application/json" },
		{ "application/json", "application/json" },
		{ "application/json", "text/plain" },
		{ "video/mp4", "video/mp4" },
		{ "video/mp4", "video/quicktime" },
		{ "video/mp4", "audio/x-m4a" },
		{ "video/webm", "video/webm" },
		{ "video/webm", "video/x-matroska" },
		{ "image/webp", "image/webp" },
	};
	static const char *const no[][2] = {
		{ "application/pdf", "image/png" },
		{ "image/png", "application/pdf" },
		{ "image/jpeg", "image/png" },
		{ "image/png", "text/plain" },
		{ "image/png", "application/octet-stream" },
		{ "text/plain", "image/png" },
		{ "text/plain", "application/octet-stream" },
		{ "text/plain", "application/x-executable" },
		{ "application/json", "text/html" },
		{ "application/zip", "application/gzip" },
		{ "application/zip", "application/x-tar" },
		{ "application/x-gzip", "application/zip" },
		{ "audio/mpeg", "video/mp4" },
		{ "video/mp4", "video/webm" },
		{ "video/webm", "video/mp4" },
		{ "application/x-7z-compressed", "application/x-rar" },
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!sc_file_type_matches(yes[i][0], yes[i][1]))
			fail_msg("%s should accept %s", yes[i][0], yes[i][1]);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (sc_file_type_matches(no[i][0], no[i][1]))
			fail_msg("%s should refuse %s", no[i][0], no[i][1]);
	assert_false(sc_file_type_sniffed("application/octet-stream"));
	assert_true(sc_file_type_sniffed("image/png"));
	assert_true(sc_file_type_sniffed("text/plain"));
}

static void disposition_is(const char *name, const char *want)
{
	char out[SC_FILE_DISPOSITION_MAX];
	if (want == NULL) {
		assert_int_equal(sc_file_disposition(name, strlen(name), out), -1);
		return;
	}
	assert_int_equal(sc_file_disposition(name, strlen(name), out), 0);
	assert_string_equal(out, want);
}

static void test_disposition(void **state)
{
	char name[256], out[SC_FILE_DISPOSITION_MAX];
	size_t i;
	(void)state;
	disposition_is("a.txt", "attachment; filename=\"a.txt\"");
	disposition_is("my file (1).pdf", "attachment; filename=\"my file (1).pdf\"");
	disposition_is("say \"hi\".txt",
	    "attachment; filename=\"say _hi_.txt\"; filename*=UTF-8''say%20%22hi%22.txt");
	disposition_is("100%.txt", "attachment; filename=\"100_.txt\"; filename*=UTF-8''100%25.txt");
	disposition_is("r\xc3\xa9sum\xc3\xa9.pdf",
	    "attachment; filename=\"r_sum_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf");
	disposition_is("\xf0\x9f\x98\x80;a,b.png",
	    "attachment; filename=\"_;a,b.png\"; filename*=UTF-8''%F0%9F%98%80%3Ba%2Cb.png");
	disposition_is("a/b", NULL);
	disposition_is("", NULL);
	disposition_is("x\r\nSet-Cookie: a=b", NULL);
	/* the longest name, every byte escaped: fits, and no CR, LF or second quote pair */
	for (i = 0; i + 2 <= 254; i += 2) {
		name[i] = '\xc3';
		name[i + 1] = '\xa9';
	}
	name[254] = '"';
	name[255] = '\0';
	assert_int_equal(sc_file_disposition(name, 255, out), 0);
	assert_true(strlen(out) < SC_FILE_DISPOSITION_MAX);
	assert_null(strpbrk(out, "\r\n"));
	assert_int_equal(strlen(out), 22 + 128 + 1 + 19 + 127 * 6 + 3);
}

static void test_object_keys(void **state)
{
	char key[SC_FILE_KEY_LEN + 1];
	(void)state;
	assert_int_equal(sc_file_object_key(U1, U2, key), 0);
	assert_string_equal(key, U1 "/" U2);
	assert_true(sc_file_object_key_valid(key));
	assert_int_equal(sc_file_object_key("0190F1A2-0000-7000-8000-00000000000A", U2, key), -1);
	assert_int_equal(sc_file_object_key(U1, "../../etc/passwd", key), -1);
	assert_int_equal(sc_file_object_key(U1, NULL, key), -1);
	assert_false(sc_file_object_key_valid(U1 "/../" U2));
	assert_false(sc_file_object_key_valid(U1 "\\" U2));
	assert_false(sc_file_object_key_valid(U1 "/" U2 "/"));
	assert_false(sc_file_object_key_valid("../../../../../../../../../../../../../../etc/passwd"));
	assert_false(sc_file_object_key_valid(""));
	assert_false(sc_file_object_key_valid(NULL));
}

static void sniff_is(const void *buf, size_t n, const char *want)
{
	char out[SC_SNIFF_TYPE_MAX + 1];
	const char *why = NULL;
	if (sc_sniff(buf, n, out, &why) != 0)
		fail_msg("sniff failed: %s", why);
	assert_string_equal(out, want);
}

static void test_sniff(void **state)
{
	static const unsigned char png[] = {
		0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
		0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89,
	};
	static const char pdf[] = "%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n";
	static const char text[] = "hello, this is plain text\n";
	static const char json[] = "{\"a\": [1, 2, 3]}\n";
	static const unsigned char gz[] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	(void)state;
	sniff_is(png, sizeof(png), "image/png");
	sniff_is(pdf, sizeof(pdf) - 1, "application/pdf");
	sniff_is(text, sizeof(text) - 1, "text/plain");
	sniff_is(json, sizeof(json) - 1, "application/json");
	sniff_is(gz, sizeof(gz), "application/gzip");
	/* the declared PNG that is a PDF is caught by the pair of them */
	assert_false(sc_file_type_matches("image/png", "application/pdf"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_type_parse),
		cmocka_unit_test(test_type_lists),
		cmocka_unit_test(test_type_matches),
		cmocka_unit_test(test_disposition),
		cmocka_unit_test(test_object_keys),
		cmocka_unit_test(test_sniff),
	};
	t_quiet_log();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
