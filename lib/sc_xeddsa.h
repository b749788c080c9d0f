/* sc_xeddsa.h - signature checks for prekeys: Ed25519 (RFC 8032, through
 * OpenSSL) and XEdDSA over Curve25519 as libsignal makes it ("The XEdDSA and
 * VXEdDSA Signature Schemes", rev. 1, sections 2.3, 3 and 5), by converting
 * the Montgomery public key to its Edwards form and verifying as Ed25519.
 *
 * Every input is public (keys, messages, signatures), so the conversion uses
 * OpenSSL's BIGNUM arithmetic without constant-time concerns. Nothing here
 * allocates beyond the call; no state; safe from any thread. */
#ifndef SC_XEDDSA_H
#define SC_XEDDSA_H

#include <stddef.h>

#define SC_XEDDSA_KEY 32   /* Montgomery u, or Edwards public key, bytes */
#define SC_XEDDSA_SIG 64   /* R || s */

/* 1 when sig is a valid Ed25519 signature of msg[0..len) under the 32-byte
 * Edwards public key pub (OpenSSL's verification: s must be below the group
 * order, no cofactor), else 0. */
int sc_xeddsa_ed25519_verify(const unsigned char pub[SC_XEDDSA_KEY],
    const unsigned char *msg, size_t len, const unsigned char sig[SC_XEDDSA_SIG]);

/* The Edwards encoding of the Curve25519 public key u (32 bytes little-endian,
 * bit 255 ignored), with `sign` (0 or 1) as the sign bit of x: y = (u - 1) /
 * (u + 1) mod p. 0 with ed filled, or -1 when u + 1 = 0 mod p (no such
 * point). When u = 0 (x = 0) the sign bit is left 0, as libsignal's
 * decompress-then-compress does. */
int sc_xeddsa_mont_to_ed(const unsigned char u[SC_XEDDSA_KEY], int sign,
    unsigned char ed[SC_XEDDSA_KEY]);

/* 1 when sig is a valid XEdDSA signature (libsignal's layout: the sign bit of
 * the signer's Edwards key in the top bit of sig[63]) of msg[0..len) by the
 * Curve25519 key u (the 32 bytes after libsignal's 0x05 type byte), else 0. */
int sc_xeddsa_verify(const unsigned char u[SC_XEDDSA_KEY], const unsigned char *msg,
    size_t len, const unsigned char sig[SC_XEDDSA_SIG]);

#endif
