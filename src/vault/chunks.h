/* The on-disk format of an encrypted recording: a sequence of self-describing AES-256-GCM
 * chunks under the recording's own data key.
 *
 *   chunk = header (36 bytes) | ciphertext (64 KiB, or less for the last) | tag (16 bytes)
 *   header = "KVC1" | recording id (8, big-endian) | index (8) | flags (4) | nonce (12)
 *
 * The whole header is authenticated as associated data. Every chunk but the last holds exactly
 * VAULT_CHUNK plaintext bytes and has flags 0; the last one has VAULT_CHUNK_LAST, so dropping it
 * (truncation) or adding one after it (extension) is detected. Chunk i sits at byte
 * i * VAULT_CHUNK_DISK, so a range read decrypts only the chunks it needs. Nonces are random
 * per chunk, so rewriting a chunk (a resumed upload) never reuses a nonce. */
#ifndef KV_VAULT_CHUNKS_H
#define KV_VAULT_CHUNKS_H

#include <stddef.h>
#include <stdint.h>

/* 64 KiB: a 256 KiB range decrypts about 320 KiB, and uploads resume at a fine grain. */
#define VAULT_CHUNK (1u << 16)
#define VAULT_CHUNK_HEADER 36
#define VAULT_CHUNK_TAG 16
#define VAULT_CHUNK_OVERHEAD (VAULT_CHUNK_HEADER + VAULT_CHUNK_TAG)
#define VAULT_CHUNK_DISK (VAULT_CHUNK + VAULT_CHUNK_OVERHEAD)
#define VAULT_CHUNK_LAST 1u

/* Why a chunk was refused; each kind of damage has its own answer. */
enum vault_chunk_err {
	VCHUNK_OK = 0,
	VCHUNK_TAMPERED,  /* a byte of header, ciphertext or tag was changed */
	VCHUNK_TRUNCATED, /* the chunk that should be last is not marked last */
	VCHUNK_EXTENDED,  /* a chunk marked last is followed by more, or the file is too long */
	VCHUNK_REORDERED, /* the chunk belongs at another position (swapped chunks) */
	VCHUNK_FOREIGN,   /* the chunk belongs to another recording */
	VCHUNK_SHORT,     /* not enough bytes for a chunk */
	VCHUNK_ERR__MAX
};

const char *vault_chunk_strerror(enum vault_chunk_err e);

/* Encrypts one chunk of plaintext (len <= VAULT_CHUNK) into out, which must hold
 * len + VAULT_CHUNK_OVERHEAD bytes. key is the recording's 32-byte data key. Returns 0 or -1. */
int vault_chunk_seal(const uint8_t key[32], uint64_t recording_id, uint64_t index, int last,
                     const void *plain, size_t len, uint8_t *out);
/* Decrypts one chunk read from disk (disk_len bytes) that should be chunk `index` of the
 * recording and should (or should not) be the last. Writes the plaintext to out (room for
 * VAULT_CHUNK bytes) and its length to *len. */
enum vault_chunk_err vault_chunk_open(const uint8_t key[32], uint64_t recording_id, uint64_t index,
                                      int expect_last, const uint8_t *disk, size_t disk_len,
                                      uint8_t *out, size_t *len);

/* Number of chunks for a plaintext of `size` bytes (an empty recording still has one). */
uint64_t vault_chunk_count(uint64_t size);
/* Size on disk of a whole recording of `size` plaintext bytes. */
uint64_t vault_chunk_disk_size(uint64_t size);

#endif
