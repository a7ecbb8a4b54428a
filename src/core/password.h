/* Password rules, hashing (argon2id) and one-time passwords. */
#ifndef KV_PASSWORD_H
#define KV_PASSWORD_H

#include <stddef.h>

#include "core/err.h"

#define PASSWORD_MIN_LEN 12
#define PASSWORD_MAX_LEN 256
#define PASSWORD_HASH_LEN 128 /* holds crypto_pwhash_STRBYTES */

/* Checks a new password: KV_EINVAL when too short or too long, KV_ERULE when it is a common
 * password or built from the e-mail address. *why gets a static English message. */
enum kv_err password_check_policy(const char *pw, const char *email, const char **why);
/* Hashes with argon2id into out. Returns 0 or -1. */
int password_hash(const char *pw, char out[PASSWORD_HASH_LEN]);
/* 1 when pw matches the stored hash, else 0. Constant time in the hash comparison. */
int password_verify(const char *stored, const char *pw);
/* A random one-time password like "k7mq-x2p9-h4tz-w3bn" (easy to read aloud; 80 bits). */
void password_generate(char out[32]);
/* A hash of a random password, for spending the same time on unknown accounts. */
const char *password_dummy_hash(void);

#endif
