/* Writing and reading one encrypted recording file in the chunk format of chunks.h.
 * The writer keeps at most one chunk of plaintext, in locked memory; the reader decrypts only
 * the chunks a byte range touches. */
#ifndef KV_VAULT_RECORDING_H
#define KV_VAULT_RECORDING_H

#include <stddef.h>
#include <stdint.h>

#include "vault/chunks.h"

struct vault_writer;
struct vault_reader;

/* Opens (creating if needed) the file for appending after `durable` plaintext bytes, which must
 * be a whole number of chunks already on disk; anything after them (left by a crash or a
 * refused request) is cut off first. Returns NULL with errno set. */
struct vault_writer *vault_writer_open(const char *path, const uint8_t key[32],
                                       uint64_t recording_id, uint64_t durable);
/* Appends plaintext; full chunks are encrypted and written at once. 0 or -1. */
int vault_writer_write(struct vault_writer *w, const void *data, size_t len);
/* Plaintext bytes in whole chunks written so far (what a resumed upload can build on). */
uint64_t vault_writer_whole(const struct vault_writer *w);
/* Makes the whole chunks durable (fsync); the partial tail stays in memory. 0 or -1. */
int vault_writer_sync(struct vault_writer *w);
/* Writes the last chunk (the partial tail, possibly empty), fsyncs and closes. Returns 0 or -1. */
int vault_writer_finish(struct vault_writer *w);
/* Drops the partial tail, fsyncs whole chunks and closes. Returns the durable byte count via
 * *durable. */
int vault_writer_close(struct vault_writer *w, uint64_t *durable);
/* Cuts the file back to `durable` bytes of whole chunks (e.g. after a checksum mismatch). */
int vault_writer_rewind(struct vault_writer *w, uint64_t durable);

/* Opens a complete recording of `size` plaintext bytes. Checks the file's length first, so a
 * cut or extended file is refused before any read. *err tells why on failure. */
struct vault_reader *vault_reader_open(const char *path, const uint8_t key[32],
                                       uint64_t recording_id, uint64_t size,
                                       enum vault_chunk_err *err);
/* Reads up to len bytes at offset; returns bytes read (0 at the end) or -1 with *err set. */
long long vault_reader_pread(struct vault_reader *r, void *buf, size_t len, uint64_t offset,
                             enum vault_chunk_err *err);
uint64_t vault_reader_size(const struct vault_reader *r);
void vault_reader_close(struct vault_reader *r);

#endif
