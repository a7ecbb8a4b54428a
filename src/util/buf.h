/* The one growable byte buffer: binary-safe, always NUL-terminated, with a hard size cap. */
#ifndef KV_BUF_H
#define KV_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct kv_buf {
	char *data; /* NUL-terminated; NULL until the first append */
	size_t len;
	size_t cap; /* bytes allocated */
	size_t max; /* hard cap on len; appending past it fails */
};

#define KV_BUF_INIT(limit)                                                                         \
	{                                                                                          \
		NULL, 0, 0, (limit)                                                                \
	}

/* Prepares an empty buffer that will refuse to grow beyond max bytes. */
void kv_buf_init(struct kv_buf *b, size_t max);
/* Frees the memory and leaves an empty buffer with the same cap. */
void kv_buf_release(struct kv_buf *b);
/* Empties the buffer but keeps its memory. */
void kv_buf_clear(struct kv_buf *b);

/* Each append returns 0, or -1 (buffer unchanged) when the result would exceed max. */
int kv_buf_add(struct kv_buf *b, const void *data, size_t len);
int kv_buf_adds(struct kv_buf *b, const char *s);
int kv_buf_addch(struct kv_buf *b, char c);
int kv_buf_addf(struct kv_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int kv_buf_vaddf(struct kv_buf *b, const char *fmt, va_list ap);

/* Hands the string to the caller (who frees it) and leaves the buffer empty. */
char *kv_buf_detach(struct kv_buf *b, size_t *len);
/* Returns the contents as a C string; "" for an empty buffer. */
const char *kv_buf_str(const struct kv_buf *b);

#endif
