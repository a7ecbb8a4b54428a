/* The master key file: created once at init, kept in locked memory, used to derive sub-keys
 * and to seal small secrets (TOTP seeds) stored in the database. */
#ifndef KV_MASTERKEY_H
#define KV_MASTERKEY_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define VAULT_KEY_LEN 32

struct vault_key;

/* Creates a new random key file with mode 0600; refuses to overwrite. Returns 0 or -1 (errno). */
int vault_masterkey_create(const char *path);
/* Loads the key file into locked memory. Refuses a file readable by group or others.
 * Returns NULL with a message in err on failure; free with vault_key_free(). */
struct vault_key *vault_masterkey_load(const char *path, char *err, size_t errlen);
void vault_key_free(struct vault_key *k);
/* A key object for 32 raw bytes (e.g. a document's data key), in locked memory. */
struct vault_key *vault_key_from_bytes(const uint8_t bytes[VAULT_KEY_LEN]);

/* Derives a 32-byte sub-key for one purpose (HMAC-SHA256 of the label under the master key). */
void vault_key_derive(const struct vault_key *k, const char *label, uint8_t out[VAULT_KEY_LEN]);

/* Encrypts pt with AES-256-GCM under a sub-key for `purpose`; aad binds the secret to its owner.
 * Appends nonce || ciphertext || tag to out. Returns 0 or -1. */
int vault_seal(const struct vault_key *k, const char *purpose, const char *aad, const void *pt,
               size_t len, struct kv_buf *out);
/* Reverses vault_seal; returns -1 when the data was altered or belongs to another owner. */
int vault_unseal(const struct vault_key *k, const char *purpose, const char *aad, const void *ct,
                 size_t len, struct kv_buf *out);

#endif
