/* Encrypted recording files: sequential writing for uploads, random access for playback. */
#include "vault/recording.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "util/xalloc.h"
#include "util/banned.h"

struct vault_writer {
	int fd;
	uint8_t key[32];
	uint64_t rec_id;
	uint64_t next_index; /* chunks written */
	uint8_t *tail;       /* plaintext not yet a whole chunk: locked memory */
	size_t tail_len;
	uint8_t *out; /* one encrypted chunk */
};

/* Readers are opened per range request; their buffers (the plaintext one locked in memory)
 * are kept in a small pool instead of being mapped, locked and unmapped every time. */
#define POOL_SIZE 16

struct reader_buffers {
	uint8_t *plain; /* locked; wiped before it goes back to the pool */
	uint8_t *disk;
};

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct reader_buffers pool[POOL_SIZE];
static int pool_n;

static int buffers_take(struct reader_buffers *b)
{
	pthread_mutex_lock(&pool_lock);
	if (pool_n > 0) {
		*b = pool[--pool_n];
		pthread_mutex_unlock(&pool_lock);
		return 0;
	}
	pthread_mutex_unlock(&pool_lock);
	b->plain = sodium_malloc(VAULT_CHUNK);
	b->disk = xmalloc(VAULT_CHUNK_DISK);
	return b->plain ? 0 : -1;
}

static void buffers_give(struct reader_buffers *b, size_t used)
{
	if (!b->plain) {
		free(b->disk);
		return;
	}
	sodium_memzero(b->plain, used);
	pthread_mutex_lock(&pool_lock);
	if (pool_n < POOL_SIZE) {
		pool[pool_n++] = *b;
		b->plain = NULL;
	}
	pthread_mutex_unlock(&pool_lock);
	if (b->plain) {
		sodium_free(b->plain);
		free(b->disk);
	}
}

struct vault_reader {
	int fd;
	uint8_t key[32];
	uint64_t rec_id, size, chunks;
	uint8_t *disk;  /* one encrypted chunk */
	uint8_t *plain; /* the cached decrypted chunk: locked memory */
	uint64_t cached;
	size_t cached_len;
	int have_cache;
};

static int write_all(int fd, const uint8_t *p, size_t len, off_t at)
{
	while (len) {
		ssize_t n = pwrite(fd, p, len, at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
		at += n;
	}
	return 0;
}

static void writer_free(struct vault_writer *w)
{
	if (!w)
		return;
	if (w->fd >= 0)
		close(w->fd);
	sodium_memzero(w->key, sizeof(w->key));
	if (w->tail)
		sodium_free(w->tail); /* wipes */
	free(w->out);
	free(w);
}

struct vault_writer *vault_writer_open(const char *path, const uint8_t key[32],
                                       uint64_t recording_id, uint64_t durable)
{
	struct vault_writer *w;

	if (durable % VAULT_CHUNK) {
		errno = EINVAL;
		return NULL;
	}
	w = xcalloc(1, sizeof(*w));
	w->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	w->tail = sodium_malloc(VAULT_CHUNK);
	w->out = xmalloc(VAULT_CHUNK_DISK);
	if (w->fd < 0 || !w->tail) {
		writer_free(w);
		return NULL;
	}
	memcpy(w->key, key, 32);
	w->rec_id = recording_id;
	w->next_index = durable / VAULT_CHUNK;
	if (ftruncate(w->fd, (off_t)(w->next_index * VAULT_CHUNK_DISK))) {
		writer_free(w);
		return NULL;
	}
	return w;
}

static int emit(struct vault_writer *w, const uint8_t *plain, size_t len, int last)
{
	if (vault_chunk_seal(w->key, w->rec_id, w->next_index, last, plain, len, w->out))
		return -1;
	if (write_all(w->fd, w->out, len + VAULT_CHUNK_OVERHEAD,
	              (off_t)(w->next_index * VAULT_CHUNK_DISK)))
		return -1;
	w->next_index++;
	return 0;
}

int vault_writer_write(struct vault_writer *w, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len) {
		size_t take;
		/* Whole chunks straight from the caller's buffer: no copy. */
		if (w->tail_len == 0 && len >= VAULT_CHUNK) {
			if (emit(w, p, VAULT_CHUNK, 0))
				return -1;
			p += VAULT_CHUNK;
			len -= VAULT_CHUNK;
			continue;
		}
		take = VAULT_CHUNK - w->tail_len;
		if (take > len)
			take = len;
		memcpy(w->tail + w->tail_len, p, take);
		w->tail_len += take;
		p += take;
		len -= take;
		if (w->tail_len == VAULT_CHUNK) {
			if (emit(w, w->tail, VAULT_CHUNK, 0))
				return -1;
			w->tail_len = 0;
		}
	}
	return 0;
}

uint64_t vault_writer_whole(const struct vault_writer *w)
{
	return w->next_index * VAULT_CHUNK;
}

int vault_writer_sync(struct vault_writer *w)
{
	return fdatasync(w->fd);
}

int vault_writer_finish(struct vault_writer *w)
{
	int rc = emit(w, w->tail, w->tail_len, 1);

	if (!rc)
		rc = fsync(w->fd);
	writer_free(w);
	return rc ? -1 : 0;
}

int vault_writer_close(struct vault_writer *w, uint64_t *durable)
{
	int rc = fdatasync(w->fd);

	*durable = vault_writer_whole(w);
	writer_free(w);
	return rc;
}

int vault_writer_rewind(struct vault_writer *w, uint64_t durable)
{
	if (durable % VAULT_CHUNK || durable > vault_writer_whole(w))
		return -1;
	w->next_index = durable / VAULT_CHUNK;
	sodium_memzero(w->tail, VAULT_CHUNK);
	w->tail_len = 0;
	return ftruncate(w->fd, (off_t)(w->next_index * VAULT_CHUNK_DISK));
}

struct vault_reader *vault_reader_open(const char *path, const uint8_t key[32],
                                       uint64_t recording_id, uint64_t size,
                                       enum vault_chunk_err *err)
{
	struct vault_reader *r;
	struct stat st;
	uint64_t want = vault_chunk_disk_size(size);

	struct reader_buffers b = {NULL, NULL};

	r = xcalloc(1, sizeof(*r));
	r->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (buffers_take(&b) == 0) {
		r->plain = b.plain;
		r->disk = b.disk;
	}
	if (r->fd < 0 || !r->plain || fstat(r->fd, &st)) {
		*err = VCHUNK_SHORT;
		vault_reader_close(r);
		return NULL;
	}
	if ((uint64_t)st.st_size != want) {
		*err = (uint64_t)st.st_size < want ? VCHUNK_TRUNCATED : VCHUNK_EXTENDED;
		vault_reader_close(r);
		return NULL;
	}
	memcpy(r->key, key, 32);
	r->rec_id = recording_id;
	r->size = size;
	r->chunks = vault_chunk_count(size);
	*err = VCHUNK_OK;
	return r;
}

static enum vault_chunk_err load(struct vault_reader *r, uint64_t index)
{
	uint64_t plain_len = index + 1 == r->chunks ? r->size - index * VAULT_CHUNK : VAULT_CHUNK;
	size_t disk_len = (size_t)plain_len + VAULT_CHUNK_OVERHEAD, got = 0;
	enum vault_chunk_err e;

	if (r->have_cache && r->cached == index)
		return VCHUNK_OK;
	while (got < disk_len) {
		ssize_t n = pread(r->fd, r->disk + got, disk_len - got,
		                  (off_t)(index * VAULT_CHUNK_DISK + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return VCHUNK_SHORT;
		got += (size_t)n;
	}
	r->have_cache = 0;
	e = vault_chunk_open(r->key, r->rec_id, index, index + 1 == r->chunks, r->disk, disk_len,
	                     r->plain, &r->cached_len);
	if (e == VCHUNK_OK) {
		r->cached = index;
		r->have_cache = 1;
	}
	return e;
}

long long vault_reader_pread(struct vault_reader *r, void *buf, size_t len, uint64_t offset,
                             enum vault_chunk_err *err)
{
	uint8_t *out = buf;
	size_t done = 0;

	*err = VCHUNK_OK;
	while (done < len && offset < r->size) {
		uint64_t index = offset / VAULT_CHUNK;
		size_t within = (size_t)(offset % VAULT_CHUNK), take;
		if ((*err = load(r, index)) != VCHUNK_OK)
			return -1;
		take = r->cached_len - within;
		if (take > len - done)
			take = len - done;
		memcpy(out + done, r->plain + within, take);
		done += take;
		offset += take;
	}
	return (long long)done;
}

uint64_t vault_reader_size(const struct vault_reader *r)
{
	return r->size;
}

void vault_reader_close(struct vault_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	sodium_memzero(r->key, sizeof(r->key));
	{
		struct reader_buffers b = {r->plain, r->disk};
		/* Only the part of the chunk buffer that held plaintext needs wiping. */
		buffers_give(&b, r->plain ? VAULT_CHUNK : 0);
	}
	free(r);
}
