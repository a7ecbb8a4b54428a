/* Encrypted documents (signed agreements, scanned consent forms): each under its own random
 * data key, stored wrapped by the master key in the database, the bytes in DIR/documents. */
#ifndef KV_VAULT_DOCUMENTS_H
#define KV_VAULT_DOCUMENTS_H

#include <stddef.h>

#include "util/buf.h"
#include "vault/masterkey.h"

#define DOCUMENT_MAX_BYTES (20u * 1024 * 1024)

/* The content type of a file judged by its first bytes ("application/pdf", "image/jpeg",
 * "image/png"), or NULL when it is none of those. */
const char *vault_doc_sniff(const void *data, size_t len);
/* Encrypts data for document id into DIR/documents/<id>.enc (written to a temporary file,
 * fsynced, then renamed, so a crash leaves either nothing or the whole file). Appends the
 * wrapped data key to wrapped and the plaintext's SHA-256 (hex) to sha256_hex[65].
 * Returns 0, or -1 with errno-style detail in err. */
int vault_doc_store(const struct vault_key *k, const char *data_dir, long long id, const void *data,
                    size_t len, struct kv_buf *wrapped, char sha256_hex[65], char *err,
                    size_t errlen);
/* Decrypts document id with its wrapped key into out. -1 when missing or altered. */
int vault_doc_load(const struct vault_key *k, const char *data_dir, long long id,
                   const void *wrapped, size_t wrapped_len, struct kv_buf *out);
/* Removes the encrypted file (after its wrapped key is gone from the database). */
int vault_doc_remove(const char *data_dir, long long id);

#endif
