/* Master key handling: the key never leaves locked memory and every use is through a sub-key. */
#include "vault/masterkey.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include "util/banned.h"

#define GCM_NONCE 12
#define GCM_TAG 16

struct vault_key {
	uint8_t bytes[VAULT_KEY_LEN];
};

int vault_masterkey_create(const char *path)
{
	uint8_t key[VAULT_KEY_LEN];
	int fd, rc = -1;

	if (sodium_init() < 0)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	randombytes_buf(key, sizeof(key));
	if (write(fd, key, sizeof(key)) == (ssize_t)sizeof(key) && fsync(fd) == 0)
		rc = 0;
	sodium_memzero(key, sizeof(key));
	if (close(fd) != 0)
		rc = -1;
	if (rc)
		unlink(path);
	return rc;
}

struct vault_key *vault_masterkey_load(const char *path, char *err, size_t errlen)
{
	struct vault_key *k = NULL;
	struct stat st;
	ssize_t n;
	int fd;

	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium failed to initialise");
		return NULL;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open master key %s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "master key %s is not a regular file", path);
		goto out;
	}
	if (st.st_mode & 077) {
		snprintf(err, errlen, "master key %s must have mode 0600 (it is %04o)", path,
		         (unsigned)(st.st_mode & 07777));
		goto out;
	}
	if (st.st_size != VAULT_KEY_LEN) {
		snprintf(err, errlen, "master key %s has %lld bytes, expected %d", path,
		         (long long)st.st_size, VAULT_KEY_LEN);
		goto out;
	}
	k = sodium_malloc(sizeof(*k));
	if (!k) {
		snprintf(err, errlen, "cannot allocate locked memory for the master key");
		goto out;
	}
	n = read(fd, k->bytes, VAULT_KEY_LEN);
	if (n != VAULT_KEY_LEN) {
		snprintf(err, errlen, "cannot read master key %s", path);
		sodium_free(k);
		k = NULL;
		goto out;
	}
	sodium_mprotect_readonly(k);
out:
	close(fd);
	return k;
}

struct vault_key *vault_key_from_bytes(const uint8_t bytes[VAULT_KEY_LEN])
{
	struct vault_key *k;

	if (sodium_init() < 0 || !(k = sodium_malloc(sizeof(*k))))
		return NULL;
	memcpy(k->bytes, bytes, VAULT_KEY_LEN);
	sodium_mprotect_readonly(k);
	return k;
}

void vault_key_free(struct vault_key *k)
{
	if (k)
		sodium_free(k); /* wipes before freeing */
}

void vault_key_derive(const struct vault_key *k, const char *label, uint8_t out[VAULT_KEY_LEN])
{
	unsigned int len = VAULT_KEY_LEN;

	HMAC(EVP_sha256(), k->bytes, VAULT_KEY_LEN, (const unsigned char *)label, strlen(label),
	     out, &len);
}

static int gcm(int enc, const uint8_t key[VAULT_KEY_LEN], const uint8_t *nonce, const char *aad,
               const uint8_t *in, size_t len, uint8_t *out, uint8_t *tag)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n, ok = 0;

	if (!ctx || len > (size_t)1 << 30)
		goto out;
	if (!EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL, enc) ||
	    !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, GCM_NONCE, NULL) ||
	    !EVP_CipherInit_ex(ctx, NULL, NULL, key, nonce, enc))
		goto out;
	if (!EVP_CipherUpdate(ctx, NULL, &n, (const unsigned char *)aad, (int)strlen(aad)))
		goto out;
	if (len && !EVP_CipherUpdate(ctx, out, &n, in, (int)len))
		goto out;
	if (!enc && !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, GCM_TAG, tag))
		goto out;
	if (!EVP_CipherFinal_ex(ctx, out + len, &n))
		goto out;
	if (enc && !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, GCM_TAG, tag))
		goto out;
	ok = 1;
out:
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : -1;
}

int vault_seal(const struct vault_key *k, const char *purpose, const char *aad, const void *pt,
               size_t len, struct kv_buf *out)
{
	uint8_t sub[VAULT_KEY_LEN], nonce[GCM_NONCE], tag[GCM_TAG];
	uint8_t *ct = NULL;
	int rc = -1;

	vault_key_derive(k, purpose, sub);
	randombytes_buf(nonce, sizeof(nonce));
	ct = sodium_malloc(len + 16);
	if (!ct)
		goto out;
	if (gcm(1, sub, nonce, aad, pt, len, ct, tag))
		goto out;
	if (kv_buf_add(out, nonce, sizeof(nonce)) || kv_buf_add(out, ct, len) ||
	    kv_buf_add(out, tag, sizeof(tag)))
		goto out;
	rc = 0;
out:
	if (ct)
		sodium_free(ct);
	sodium_memzero(sub, sizeof(sub));
	return rc;
}

int vault_unseal(const struct vault_key *k, const char *purpose, const char *aad, const void *ct,
                 size_t len, struct kv_buf *out)
{
	const uint8_t *p = ct;
	uint8_t sub[VAULT_KEY_LEN], tag[GCM_TAG];
	uint8_t *pt = NULL;
	size_t body;
	int rc = -1;

	uint8_t small[128];

	if (len < GCM_NONCE + GCM_TAG)
		return -1;
	body = len - GCM_NONCE - GCM_TAG;
	memcpy(tag, p + GCM_NONCE + body, GCM_TAG);
	vault_key_derive(k, purpose, sub);
	/* Keys and seeds are small: a stack buffer, wiped below, spares a locked mapping. */
	pt = body + 16 <= sizeof(small) ? small : sodium_malloc(body + 16);
	if (!pt)
		goto out;
	if (gcm(0, sub, p, aad, p + GCM_NONCE, body, pt, tag))
		goto out;
	if (kv_buf_add(out, pt, body))
		goto out;
	rc = 0;
out:
	if (pt) {
		sodium_memzero(pt, body);
		if (pt != small)
			sodium_free(pt);
	}
	sodium_memzero(sub, sizeof(sub));
	return rc;
}
