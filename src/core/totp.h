/* Time-based one-time passwords (RFC 6238: SHA-1, 30 s steps, 6 digits) and their QR codes. */
#ifndef KV_TOTP_H
#define KV_TOTP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define TOTP_SECRET_LEN 20
#define TOTP_BASE32_LEN 33 /* 32 characters and NUL */

/* Fills raw with a new random secret. */
void totp_secret_new(uint8_t raw[TOTP_SECRET_LEN]);
/* Writes the secret in base32 as authenticator apps expect. Returns 0 or -1. */
int totp_secret_base32(const uint8_t raw[TOTP_SECRET_LEN], char out[TOTP_BASE32_LEN]);
/* Checks a code against the secret at time now, allowing one step of clock drift either way.
 * A code from a step at or before last_step is refused so that a code cannot be replayed.
 * Returns 1 and stores the step used in *step, or 0. */
int totp_verify(const uint8_t *raw, size_t len, const char *code, time_t now, long long last_step,
                long long *step);
/* The otpauth:// URI for enrolment; the caller frees it. */
char *totp_uri(const char *issuer, const char *account, const char *base32);
/* An SVG image of a QR code for text; the caller frees it. NULL on failure. */
char *totp_qr_svg(const char *text);

#endif
