/* sc_qr.h - a QR code (libqrencode) as a compact SVG: a white background
 * and one path of the dark modules, row runs merged, with a 4-module quiet
 * zone, in module units (viewBox), so the client scales it. */
#ifndef SC_QR_H
#define SC_QR_H

#include <stddef.h>

#define SC_QR_SVG_MAX 32768   /* bytes of an SVG, NUL excluded */

/* The SVG of text (error correction M) into out (cap bytes, at most
 * SC_QR_SVG_MAX + 1 used); *width gets the symbol's width in modules (may be
 * NULL). 0, or -1 when the text cannot be encoded or the SVG would not fit. */
int sc_qr_svg(const char *text, char *out, size_t cap, int *width);

#endif
