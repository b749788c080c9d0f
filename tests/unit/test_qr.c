/* test_qr.c - the QR code SVG: well-formed (one background, one path of
 * dark modules, closed), its dark module count equal to libqrencode's, the
 * size cap. */
#include "t_common.h"

#include <qrencode.h>

#include "sc_qr.h"

static const char URI[] = "otpauth://totp/SecureConnect:alice%40example.org?secret="
    "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=SecureConnect&algorithm=SHA1&digits=6&period=30";

/* Sum of the run lengths "M x yhNv1Hxz" in the path d="...". */
static long dark_in_svg(const char *svg, int full)
{
	const char *d = strstr(svg, "<path d=\"");
	long total = 0;
	assert_non_null(d);
	d += 9;
	while (*d == 'M') {
		int x, y, run, x2, used = 0;
		assert_int_equal(sscanf(d, "M%d %dh%dv1H%dz%n", &x, &y, &run, &x2, &used), 4);
		assert_true(used > 0);
		assert_int_equal(x, x2);
		assert_true(x >= 4 && y >= 4 && run >= 1 && x + run <= full - 4 && y < full - 4);
		total += run;
		d += used;
	}
	assert_true(strcmp(d, "\"/></svg>") == 0);
	return total;
}

static void test_svg(void **state)
{
	char svg[SC_QR_SVG_MAX + 1], head[128];
	int w = 0, i;
	long dark = 0;
	QRcode *q;
	(void)state;
	assert_int_equal(sc_qr_svg(URI, svg, sizeof(svg), &w), 0);
	q = QRcode_encodeString(URI, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	assert_non_null(q);
	assert_int_equal(w, q->width);
	for (i = 0; i < q->width * q->width; i++)
		dark += q->data[i] & 1;
	snprintf(head, sizeof(head), "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\"",
	    w + 8, w + 8);
	assert_true(strncmp(svg, head, strlen(head)) == 0);
	assert_int_equal(dark_in_svg(svg, w + 8), dark);
	QRcode_free(q);
	/* exactly two paths: the background and the modules */
	assert_non_null(strstr(svg, "<path fill=\"#fff\""));
	assert_null(strstr(strstr(strstr(svg, "<path") + 1, "<path") + 1, "<path"));
	assert_true(strlen(svg) < 16384);
}

static void test_caps(void **state)
{
	char small[200], svg[SC_QR_SVG_MAX + 1];
	static char big[3000];
	(void)state;
	assert_int_equal(sc_qr_svg(URI, small, sizeof(small), NULL), -1);
	assert_string_equal(small, "");
	/* text beyond what a QR code holds */
	memset(big, 'a', sizeof(big) - 1);
	assert_int_equal(sc_qr_svg(big, svg, sizeof(svg), NULL), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_svg),
		cmocka_unit_test(test_caps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
