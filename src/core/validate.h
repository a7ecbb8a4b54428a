/* Validators for values that arrive from users: each returns NULL when the value is acceptable,
 * or a short English message saying what is wrong (used as the field's error text). */
#ifndef KV_VALIDATE_H
#define KV_VALIDATE_H

#include <stddef.h>

#define EMAIL_MAX 254
#define NAME_MAX_LEN 200

/* A plausible e-mail address: one @, a local part, a domain with a dot, no spaces. */
const char *validate_email(const char *s);
/* Text shown to others (names, labels): valid UTF-8, no control characters, within max bytes. */
const char *validate_text(const char *s, size_t max, int allow_newlines);
/* One of the UI languages. */
const char *validate_locale(const char *s);
/* An organisation number for the country: Norwegian (9 digits, mod 11), Danish CVR (8 digits,
 * mod 11) or Swedish (10 digits, Luhn); spaces and one hyphen are allowed. Other countries:
 * any short text. */
const char *validate_org_number(const char *country, const char *s);
/* A calendar date written YYYY-MM-DD. */
const char *validate_date(const char *s);
/* Lower-cases an ASCII e-mail address in place (addresses are compared case-insensitively). */
void email_normalise(char *s);

#endif
