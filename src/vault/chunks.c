/* Chunked AES-256-GCM with the chunk's identity (recording, position, last or not) in its
 * authenticated header. */
#include "vault/chunks.h"

#include <string.h>

#include <openssl/evp.h>
#include <sodium.h>

#include "util/banned.h"

static const char magic[4] = {'K', 'V', 'C', '1'};

const char *vault_chunk_strerror(enum vault_chunk_err e)
{
	static const char *const text[VCHUNK_ERR__MAX] = {
	    [VCHUNK_OK] = "ok",
	    [VCHUNK_TAMPERED] = "a chunk was altered (authentication failed)",
	    [VCHUNK_TRUNCATED] = "the recording was cut short (its last chunk is missing)",
	    [VCHUNK_EXTENDED] = "the recording has data after its last chunk",
	    [VCHUNK_REORDERED] = "a chunk is out of place (chunks were swapped or moved)",
	    [VCHUNK_FOREIGN] = "a chunk belongs to another recording",
	    [VCHUNK_SHORT] = "a chunk is incomplete",
	};
	return (e >= 0 && e < VCHUNK_ERR__MAX) ? text[e] : "unknown error";
}

static void put64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int gcm(int enc, const uint8_t key[32], const uint8_t *header, const uint8_t *in, size_t len,
               uint8_t *out, uint8_t *tag)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n, ok = 0;

	if (!ctx)
		return -1;
	if (!EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL, enc) ||
	    !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) ||
	    !EVP_CipherInit_ex(ctx, NULL, NULL, key, header + 24, enc) ||
	    !EVP_CipherUpdate(ctx, NULL, &n, header, VAULT_CHUNK_HEADER))
		goto out;
	if (len && !EVP_CipherUpdate(ctx, out, &n, in, (int)len))
		goto out;
	if (!enc && !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, VAULT_CHUNK_TAG, tag))
		goto out;
	if (!EVP_CipherFinal_ex(ctx, out + len, &n))
		goto out;
	if (enc && !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, VAULT_CHUNK_TAG, tag))
		goto out;
	ok = 1;
out:
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : -1;
}

int vault_chunk_seal(const uint8_t key[32], uint64_t recording_id, uint64_t index, int last,
                     const void *plain, size_t len, uint8_t *out)
{
	if (len > VAULT_CHUNK || (!last && len != VAULT_CHUNK))
		return -1;
	memcpy(out, magic, 4);
	put64(out + 4, recording_id);
	put64(out + 12, index);
	out[20] = out[21] = out[22] = 0;
	out[23] = last ? VAULT_CHUNK_LAST : 0;
	randombytes_buf(out + 24, 12);
	return gcm(1, key, out, plain, len, out + VAULT_CHUNK_HEADER,
	           out + VAULT_CHUNK_HEADER + len);
}

enum vault_chunk_err vault_chunk_open(const uint8_t key[32], uint64_t recording_id, uint64_t index,
                                      int expect_last, const uint8_t *disk, size_t disk_len,
                                      uint8_t *out, size_t *len)
{
	size_t body;
	int last;

	if (disk_len < VAULT_CHUNK_OVERHEAD || disk_len > VAULT_CHUNK_DISK)
		return VCHUNK_SHORT;
	body = disk_len - VAULT_CHUNK_OVERHEAD;
	/* The header says where the chunk came from; it is checked by the tag below, but reading
	 * it first tells a misplaced chunk (a different key, for a foreign one) from a damaged one. */
	if (memcmp(disk, magic, 4) || get64(disk + 4) != recording_id)
		return VCHUNK_FOREIGN;
	if (get64(disk + 12) != index)
		return VCHUNK_REORDERED;
	last = (get32(disk + 20) & VAULT_CHUNK_LAST) != 0;
	if (expect_last && !last)
		return VCHUNK_TRUNCATED;
	if (!expect_last && last)
		return VCHUNK_EXTENDED;
	if (!last && body != VAULT_CHUNK)
		return VCHUNK_SHORT;
	if (gcm(0, key, disk, disk + VAULT_CHUNK_HEADER, body, out,
	        (uint8_t *)(uintptr_t)(disk + VAULT_CHUNK_HEADER + body))) {
		sodium_memzero(out, body); /* never leave unauthenticated plaintext behind */
		return VCHUNK_TAMPERED;
	}
	*len = body;
	return VCHUNK_OK;
}

uint64_t vault_chunk_count(uint64_t size)
{
	/* A size that is a whole number of chunks still ends with a last chunk, possibly empty. */
	return size / VAULT_CHUNK + 1;
}

uint64_t vault_chunk_disk_size(uint64_t size)
{
	return size + vault_chunk_count(size) * VAULT_CHUNK_OVERHEAD;
}
