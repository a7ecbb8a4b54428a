/* Document encryption at rest: a fresh AES-256-GCM data key per document, bound to the
 * document's id, wrapped by the master key. Destroying the wrapped key shreds the document. */
#include "vault/documents.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "util/banned.h"

const char *vault_doc_sniff(const void *data, size_t len)
{
	const unsigned char *p = data;

	if (len >= 5 && !memcmp(p, "%PDF-", 5))
		return "application/pdf";
	if (len >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return "image/jpeg";
	if (len >= 8 && !memcmp(p, "\x89PNG\r\n\x1a\n", 8))
		return "image/png";
	return NULL;
}

static int doc_path(char *out, size_t cap, const char *dir, long long id, const char *ext)
{
	int n = snprintf(out, cap, "%s/documents/%lld.%s", dir, id, ext);

	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

static int write_all(int fd, const void *p, size_t len)
{
	const char *c = p;

	while (len) {
		ssize_t n = write(fd, c, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		c += n;
		len -= (size_t)n;
	}
	return 0;
}

int vault_doc_store(const struct vault_key *k, const char *data_dir, long long id, const void *data,
                    size_t len, struct kv_buf *wrapped, char sha256_hex[65], char *err,
                    size_t errlen)
{
	uint8_t dek[VAULT_KEY_LEN], hash[32];
	struct vault_key *dk = NULL;
	struct kv_buf ct = KV_BUF_INIT(DOCUMENT_MAX_BYTES + 64);
	char dir[4096], tmp[4096], final[4096], aad[64];
	int fd = -1, dfd, rc = -1;

	snprintf(dir, sizeof(dir), "%s/documents", data_dir);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	if (doc_path(tmp, sizeof(tmp), data_dir, id, "tmp") ||
	    doc_path(final, sizeof(final), data_dir, id, "enc")) {
		snprintf(err, errlen, "document path too long");
		return -1;
	}
	crypto_hash_sha256(hash, data, len);
	sodium_bin2hex(sha256_hex, 65, hash, sizeof(hash));
	randombytes_buf(dek, sizeof(dek));
	snprintf(aad, sizeof(aad), "doc:%lld", id);
	/* The data key is used like a master key for this one document's sealing. */
	dk = vault_key_from_bytes(dek);
	if (!dk || vault_seal(dk, "document", aad, data, len, &ct) ||
	    vault_seal(k, "dek", aad, dek, sizeof(dek), wrapped)) {
		snprintf(err, errlen, "encryption failed");
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write_all(fd, ct.data, ct.len) || fsync(fd)) {
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	close(fd);
	fd = -1;
	if (rename(tmp, final)) {
		snprintf(err, errlen, "cannot rename %s: %s", tmp, strerror(errno));
		goto out;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd); /* make the rename itself durable */
		close(dfd);
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (rc)
		unlink(tmp);
	sodium_memzero(dek, sizeof(dek));
	vault_key_free(dk);
	kv_buf_release(&ct);
	return rc;
}

int vault_doc_load(const struct vault_key *k, const char *data_dir, long long id,
                   const void *wrapped, size_t wrapped_len, struct kv_buf *out)
{
	struct kv_buf dek = KV_BUF_INIT(64), ct = KV_BUF_INIT(DOCUMENT_MAX_BYTES + 64);
	struct vault_key *dk = NULL;
	char path[4096], aad[64], chunk[65536];
	int fd = -1, rc = -1;
	ssize_t n;

	snprintf(aad, sizeof(aad), "doc:%lld", id);
	if (vault_unseal(k, "dek", aad, wrapped, wrapped_len, &dek) || dek.len != VAULT_KEY_LEN)
		goto out;
	if (doc_path(path, sizeof(path), data_dir, id, "enc"))
		goto out;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		goto out;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		if (kv_buf_add(&ct, chunk, (size_t)n))
			goto out;
	if (n < 0)
		goto out;
	dk = vault_key_from_bytes((const uint8_t *)dek.data);
	if (!dk || vault_unseal(dk, "document", aad, ct.data, ct.len, out))
		goto out;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (dek.data)
		sodium_memzero(dek.data, dek.len);
	vault_key_free(dk);
	kv_buf_release(&dek);
	kv_buf_release(&ct);
	return rc;
}

int vault_doc_remove(const char *data_dir, long long id)
{
	char path[4096];

	if (doc_path(path, sizeof(path), data_dir, id, "enc"))
		return -1;
	return unlink(path) == 0 || errno == ENOENT ? 0 : -1;
}
