/* Unit tests for the encrypted chunk format and the recording writer and reader. */
#include "unit.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "vault/chunks.h"
#include "vault/recording.h"

static const uint8_t key[32] = "recording data key of 32 bytes!";

static uint8_t *pattern(size_t len, unsigned seed)
{
	uint8_t *p = malloc(len ? len : 1);
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 31 + seed + (i >> 13));
	return p;
}

static void path_for(char *out, size_t cap, const char *name)
{
	snprintf(out, cap, "%s/%s.enc", unit_tmpdir(), name);
	unlink(out);
}

/* Writes len bytes in pieces of `step` and finishes the file. */
static int write_file(const char *path, uint64_t id, const uint8_t *data, size_t len, size_t step)
{
	struct vault_writer *w = vault_writer_open(path, key, id, 0);
	size_t off;

	if (!w)
		return -1;
	for (off = 0; off < len; off += step)
		if (vault_writer_write(w, data + off, len - off < step ? len - off : step))
			return -1;
	return vault_writer_finish(w);
}

static int read_back(const char *path, uint64_t id, const uint8_t *data, size_t len,
                     enum vault_chunk_err *err)
{
	struct vault_reader *r = vault_reader_open(path, key, id, len, err);
	uint8_t *buf = malloc(len + 1);
	long long n;
	int same;

	if (!r) {
		free(buf);
		return 0;
	}
	n = vault_reader_pread(r, buf, len + 1, 0, err);
	same = n == (long long)len && memcmp(buf, data, len) == 0;
	vault_reader_close(r);
	free(buf);
	return same;
}

TEST(test_vault_round_trip_for_sizes_around_chunk_edges)
{
	size_t sizes[] = {
	    0, 1, VAULT_CHUNK - 1, VAULT_CHUNK, VAULT_CHUNK + 1, 3 * VAULT_CHUNK + 12345};
	enum vault_chunk_err err;
	char path[512];
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint8_t *d = pattern(sizes[i], (unsigned)i);
		struct stat st;
		path_for(path, sizeof(path), "roundtrip");
		CHECK(write_file(path, 7, d, sizes[i], 4093) == 0);
		CHECK(stat(path, &st) == 0);
		CHECK_INT(st.st_size, vault_chunk_disk_size(sizes[i]));
		CHECK(read_back(path, 7, d, sizes[i], &err));
		CHECK_INT(err, VCHUNK_OK);
		free(d);
	}
}

TEST(test_vault_range_reads_return_exactly_the_original_bytes)
{
	size_t len = 5 * VAULT_CHUNK + 777;
	uint8_t *d = pattern(len, 3), buf[300000];
	enum vault_chunk_err err;
	struct vault_reader *r;
	char path[512];
	uint64_t offs[] = {0, 1, VAULT_CHUNK - 10, 2 * VAULT_CHUNK + 5, len - 100, len - 1};
	size_t i;

	path_for(path, sizeof(path), "ranges");
	CHECK(write_file(path, 9, d, len, VAULT_CHUNK) == 0);
	r = vault_reader_open(path, key, 9, len, &err);
	CHECK(r != NULL);
	for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		long long n = vault_reader_pread(r, buf, sizeof(buf), offs[i], &err);
		size_t want = len - offs[i] < sizeof(buf) ? len - offs[i] : sizeof(buf);
		CHECK_INT(n, want);
		CHECK(memcmp(buf, d + offs[i], want) == 0);
	}
	CHECK_INT(vault_reader_pread(r, buf, 10, len, &err), 0);
	vault_reader_close(r);
	free(d);
}

TEST(test_vault_file_holds_no_plaintext)
{
	const char marker[] = "PLAINTEXT-MARKER-kvalab-0123456789";
	size_t len = 2 * VAULT_CHUNK;
	uint8_t *d = pattern(len, 1), *disk;
	char path[512];
	struct stat st;
	int fd;

	memcpy(d + 1000, marker, sizeof(marker));
	memcpy(d + VAULT_CHUNK + 5, marker, sizeof(marker));
	path_for(path, sizeof(path), "marker");
	CHECK(write_file(path, 1, d, len, 65536) == 0);
	fd = open(path, O_RDONLY);
	CHECK(fstat(fd, &st) == 0);
	disk = malloc((size_t)st.st_size);
	CHECK(read(fd, disk, (size_t)st.st_size) == st.st_size);
	close(fd);
	CHECK(memmem(disk, (size_t)st.st_size, marker, sizeof(marker) - 1) == NULL);
	free(disk);
	free(d);
}

/* Builds a 3-chunk recording and returns its bytes on disk. */
static uint8_t *three_chunks(uint64_t id, size_t *disk_len, const char *name, char *path,
                             size_t cap)
{
	size_t len = 2 * VAULT_CHUNK + 500;
	uint8_t *d = pattern(len, 5), *disk;
	struct stat st;
	int fd;

	path_for(path, cap, name);
	write_file(path, id, d, len, VAULT_CHUNK);
	free(d);
	fd = open(path, O_RDONLY);
	fstat(fd, &st);
	disk = malloc((size_t)st.st_size);
	if (read(fd, disk, (size_t)st.st_size) != st.st_size) {
		close(fd);
		free(disk);
		return NULL;
	}
	close(fd);
	*disk_len = (size_t)st.st_size;
	return disk;
}

static void put_file(const char *path, const uint8_t *p, size_t len)
{
	int fd = open(path, O_WRONLY | O_TRUNC);

	if (write(fd, p, len) != (ssize_t)len)
		perror("write");
	close(fd);
}

static enum vault_chunk_err read_all(const char *path, uint64_t id, size_t len)
{
	enum vault_chunk_err err;
	struct vault_reader *r = vault_reader_open(path, key, id, len, &err);
	uint8_t *buf;

	if (!r)
		return err;
	buf = malloc(len);
	vault_reader_pread(r, buf, len, 0, &err);
	vault_reader_close(r);
	free(buf);
	return err;
}

TEST(test_vault_rejects_one_changed_byte)
{
	char path[512];
	size_t n, len = 2 * VAULT_CHUNK + 500;
	uint8_t *disk = three_chunks(11, &n, "tamper", path, sizeof(path));

	CHECK(disk != NULL);
	disk[VAULT_CHUNK_DISK + VAULT_CHUNK_HEADER + 4242] ^= 0x01;
	put_file(path, disk, n);
	CHECK_INT(read_all(path, 11, len), VCHUNK_TAMPERED);
	free(disk);
}

TEST(test_vault_rejects_a_dropped_last_chunk)
{
	char path[512];
	size_t n, len = 2 * VAULT_CHUNK + 500;
	uint8_t *disk = three_chunks(12, &n, "truncate", path, sizeof(path));
	uint8_t *plain = malloc(VAULT_CHUNK);
	size_t got;

	CHECK(disk != NULL);
	put_file(path, disk, 2 * VAULT_CHUNK_DISK);
	CHECK_INT(read_all(path, 12, len), VCHUNK_TRUNCATED);
	/* Without the length check, the chunk that is now at the end is not marked last. */
	CHECK_INT(
	    vault_chunk_open(key, 12, 1, 1, disk + VAULT_CHUNK_DISK, VAULT_CHUNK_DISK, plain, &got),
	    VCHUNK_TRUNCATED);
	free(plain);
	free(disk);
}

TEST(test_vault_rejects_an_extended_recording)
{
	char path[512];
	size_t n, len = 2 * VAULT_CHUNK + 500;
	uint8_t *disk = three_chunks(13, &n, "extend", path, sizeof(path)), *longer;

	CHECK(disk != NULL);
	longer = malloc(n + 100);
	memcpy(longer, disk, n);
	memset(longer + n, 0xab, 100);
	put_file(path, longer, n + 100);
	CHECK_INT(read_all(path, 13, len), VCHUNK_EXTENDED);
	free(longer);
	free(disk);
}

TEST(test_vault_rejects_swapped_chunks)
{
	char path[512];
	size_t n, len = 2 * VAULT_CHUNK + 500;
	uint8_t *disk = three_chunks(14, &n, "swap", path, sizeof(path)), *tmp;

	CHECK(disk != NULL);
	tmp = malloc(VAULT_CHUNK_DISK);
	memcpy(tmp, disk, VAULT_CHUNK_DISK);
	memcpy(disk, disk + VAULT_CHUNK_DISK, VAULT_CHUNK_DISK);
	memcpy(disk + VAULT_CHUNK_DISK, tmp, VAULT_CHUNK_DISK);
	put_file(path, disk, n);
	CHECK_INT(read_all(path, 14, len), VCHUNK_REORDERED);
	free(tmp);
	free(disk);
}

TEST(test_vault_rejects_a_chunk_moved_from_another_recording)
{
	char path_a[512], path_b[512];
	size_t na, nb, len = 2 * VAULT_CHUNK + 500;
	uint8_t *a = three_chunks(15, &na, "foreign_a", path_a, sizeof(path_a));
	uint8_t *b = three_chunks(16, &nb, "foreign_b", path_b, sizeof(path_b));

	CHECK(a != NULL && b != NULL);
	memcpy(a + VAULT_CHUNK_DISK, b + VAULT_CHUNK_DISK, VAULT_CHUNK_DISK);
	put_file(path_a, a, na);
	CHECK_INT(read_all(path_a, 15, len), VCHUNK_FOREIGN);
	free(a);
	free(b);
}

TEST(test_vault_errors_are_distinct)
{
	int i, j;

	for (i = 1; i < VCHUNK_ERR__MAX; i++)
		for (j = i + 1; j < VCHUNK_ERR__MAX; j++)
			CHECK(strcmp(vault_chunk_strerror((enum vault_chunk_err)i),
			             vault_chunk_strerror((enum vault_chunk_err)j)) != 0);
}

TEST(test_vault_writer_resumes_after_whole_chunks_and_drops_a_torn_tail)
{
	size_t len = 4 * VAULT_CHUNK + 999;
	uint8_t *d = pattern(len, 8), junk[100];
	enum vault_chunk_err err;
	struct vault_writer *w;
	uint64_t durable;
	char path[512];
	int fd;

	path_for(path, sizeof(path), "resume");
	w = vault_writer_open(path, key, 21, 0);
	CHECK(vault_writer_write(w, d, 2 * VAULT_CHUNK + 5000) == 0);
	CHECK(vault_writer_close(w, &durable) == 0);
	CHECK_INT(durable, 2 * VAULT_CHUNK);
	/* A crash mid-chunk leaves garbage after the durable part; reopening cuts it off. */
	memset(junk, 0x5a, sizeof(junk));
	fd = open(path, O_WRONLY | O_APPEND);
	CHECK(write(fd, junk, sizeof(junk)) == (ssize_t)sizeof(junk));
	close(fd);
	w = vault_writer_open(path, key, 21, durable);
	CHECK(w != NULL);
	CHECK(vault_writer_write(w, d + durable, len - durable) == 0);
	CHECK(vault_writer_finish(w) == 0);
	CHECK(read_back(path, 21, d, len, &err));
	free(d);
}

TEST(test_vault_writer_rewind_discards_a_refused_request)
{
	size_t len = 3 * VAULT_CHUNK;
	uint8_t *d = pattern(len, 4), *bad = pattern(VAULT_CHUNK, 99);
	enum vault_chunk_err err;
	struct vault_writer *w;
	char path[512];

	path_for(path, sizeof(path), "rewind");
	w = vault_writer_open(path, key, 22, 0);
	CHECK(vault_writer_write(w, d, VAULT_CHUNK) == 0);
	CHECK(vault_writer_write(w, bad, VAULT_CHUNK) == 0);
	CHECK(vault_writer_rewind(w, VAULT_CHUNK) == 0);
	CHECK(vault_writer_write(w, d + VAULT_CHUNK, len - VAULT_CHUNK) == 0);
	CHECK(vault_writer_finish(w) == 0);
	CHECK(read_back(path, 22, d, len, &err));
	free(d);
	free(bad);
}
