/* Random bearer secrets (session cookies, CSRF tokens, API tokens) and their stored hashes. */
#ifndef KV_TOKEN_H
#define KV_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#define TOKEN_HASH_LEN 32
#define TOKEN_TEXT_MAX 64

/* Writes prefix + 43 base64url characters of 32 random bytes. out holds TOKEN_TEXT_MAX. */
void token_generate(const char *prefix, char out[TOKEN_TEXT_MAX]);
/* SHA-256 of the token text: what the database stores instead of the token. */
void token_hash(const char *token, uint8_t out[TOKEN_HASH_LEN]);
/* Lower-case hex of len bytes into out (2*len+1 bytes). */
void token_hex(const uint8_t *in, size_t len, char *out);
/* Constant-time comparison of two NUL-terminated secrets; 1 when equal. */
int token_equal(const char *a, const char *b);

#endif
