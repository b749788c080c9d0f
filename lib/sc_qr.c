/* sc_qr.c - QR code to SVG. */
#include "sc_qr.h"

#include <qrencode.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define QUIET 4

/* Append printf output at *o; -1 when it does not fit. */
__attribute__((format(printf, 4, 5)))
static int put(char *out, size_t cap, size_t *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out + *o, cap - *o, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= cap - *o)
		return -1;
	*o += (size_t)n;
	return 0;
}

int sc_qr_svg(const char *text, char *out, size_t cap, int *width)
{
	QRcode *q;
	size_t o = 0;
	int w, x, y, rc = -1, full;

	if (cap > SC_QR_SVG_MAX + 1)
		cap = SC_QR_SVG_MAX + 1;
	if (cap == 0 || (q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1)) == NULL)
		return -1;
	w = q->width;
	full = w + 2 * QUIET;
	if (put(out, cap, &o, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
	    "shape-rendering=\"crispEdges\"><path fill=\"#fff\" d=\"M0 0h%dv", full, full, full) < 0 ||
	    put(out, cap, &o, "%dH0z\"/><path d=\"", full) < 0)
		goto out;
	for (y = 0; y < w; y++) {
		for (x = 0; x < w; ) {
			int run = 0;
			while (x + run < w && (q->data[y * w + x + run] & 1))
				run++;
			if (run == 0) {
				x++;
				continue;
			}
			if (put(out, cap, &o, "M%d %dh%dv1H%dz", x + QUIET, y + QUIET, run,
			    x + QUIET) < 0)
				goto out;
			x += run;
		}
	}
	if (put(out, cap, &o, "%s", "\"/></svg>") < 0)
		goto out;
	if (width)
		*width = w;
	rc = 0;
out:
	QRcode_free(q);
	if (rc < 0)
		out[0] = '\0';
	return rc;
}
