/* fuzz_file.c - libFuzzer target for the file rules of lib/sc_file: file
 * names, declared content types, the type matching table and the
 * Content-Disposition of downloads.
 *
 * The input is split at its first NUL-free 0x01 byte: the first part is tried
 * as a file name and a content type, the second as a sniffed type. Checked:
 * a name that is accepted is valid UTF-8 of 1..255 bytes without '/', '\\'
 * or control bytes; its Content-Disposition fits the buffer, has no CR, LF or
 * NUL inside, starts with `attachment; filename="`, has an ASCII fallback
 * with exactly one pair of quotes, and, when filename* is present, decodes
 * back to the name; a refused name is refused by sc_file_disposition too. A
 * parsed type is lower-case "type/subtype" of token characters; matching
 * is reflexive for parsed types. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sc_buf.h"
#include "sc_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void check_name(const char *s, size_t n)
{
	char out[SC_FILE_DISPOSITION_MAX], back[SC_FILE_NAME_MAX + 1];
	const char *star, *p;
	size_t i, o = 0, quotes = 0;
	int ok = sc_file_name_valid(s, n);

	if (sc_file_disposition(s, n, out) != (ok ? 0 : -1))
		abort();
	if (!ok)
		return;
	if (n < 1 || n > SC_FILE_NAME_MAX || !sc_utf8_valid(s, n))
		abort();
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f || s[i] == '/' || s[i] == '\\')
			abort();
	if (strlen(out) >= SC_FILE_DISPOSITION_MAX || strpbrk(out, "\r\n") != NULL)
		abort();
	if (strncmp(out, "attachment; filename=\"", 22) != 0)
		abort();
	/* the fallback cannot hold a quote: the first one after the opening quote ends it */
	p = strchr(out + 22, '"');
	if (p == NULL)
		abort();
	star = p[1] == '\0' ? NULL : p + 1;
	if (star != NULL && strncmp(star, "; filename*=UTF-8''", 19) != 0)
		abort();
	for (p = out; *p && (star == NULL || p < star); p++) {
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			abort();
		quotes += *p == '"';
	}
	if (quotes != 2)
		abort();
	if (star == NULL) {
		/* no filename*: the fallback is the name itself */
		if (strlen(out) != 22 + n + 1 || memcmp(out + 22, s, n) != 0)
			abort();
		return;
	}
	for (p = star + 19; *p; p++) {
		if (*p == '%') {
			int hi = hexval(p[1]), lo = hi < 0 ? -1 : hexval(p[2]);
			if (lo < 0)
				abort();
			back[o++] = (char)(hi * 16 + lo);
			p += 2;
		} else {
			back[o++] = *p;
		}
		if (o > SC_FILE_NAME_MAX)
			abort();
	}
	if (o != n || memcmp(back, s, n) != 0)
		abort();
}

static void check_type(const char *s, size_t n)
{
	char out[SC_FILE_TYPE_MAX + 1];
	size_t i, slashes = 0;

	if (sc_file_type_parse(s, n, out) != 0)
		return;
	if (strlen(out) == 0 || strlen(out) > SC_FILE_TYPE_MAX)
		abort();
	for (i = 0; out[i]; i++) {
		if (out[i] >= 'A' && out[i] <= 'Z')
			abort();
		if ((unsigned char)out[i] <= 0x20 || (unsigned char)out[i] >= 0x7f)
			abort();
		slashes += out[i] == '/';
	}
	if (slashes != 1 || out[0] == '/' || out[strlen(out) - 1] == '/')
		abort();
	if (!sc_file_type_matches(out, out))
		abort();
	(void)sc_file_type_in_list(out, "text/plain,image/png , application/zip");
	(void)sc_file_type_sniffed(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *cut = memchr(data, 0x01, size);
	size_t n1 = cut ? (size_t)(cut - data) : size;
	char *a = malloc(n1 + 1), *b = malloc(size - n1 + 1);
	char ta[SC_FILE_TYPE_MAX + 1], tb[SC_FILE_TYPE_MAX + 1];

	memcpy(a, data, n1);
	a[n1] = '\0';
	check_name(a, n1);
	check_type(a, n1);
	if (cut != NULL) {
		size_t n2 = size - n1 - 1;
		memcpy(b, cut + 1, n2);
		b[n2] = '\0';
		check_type(b, n2);
		/* the matching table on any pair of parsed types */
		if (sc_file_type_parse(a, n1, ta) == 0 && sc_file_type_parse(b, n2, tb) == 0)
			(void)sc_file_type_matches(ta, tb);
	}
	free(a);
	free(b);
	return 0;
}
