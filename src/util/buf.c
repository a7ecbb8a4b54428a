/* Growable buffer with a cap fixed at creation, so "too big" is an error, not an allocation. */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "banned.h"

void kv_buf_init(struct kv_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void kv_buf_release(struct kv_buf *b)
{
	free(b->data);
	kv_buf_init(b, b->max);
}

void kv_buf_clear(struct kv_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

static int grow(struct kv_buf *b, size_t extra)
{
	size_t need, cap;

	if (size_add(b->len, extra, &need) || need > b->max)
		return -1;
	if (need + 1 <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need + 1)
		cap = cap > ((size_t)-1) / 2 ? need + 1 : cap * 2;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
	return 0;
}

int kv_buf_add(struct kv_buf *b, const void *data, size_t len)
{
	if (grow(b, len))
		return -1;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int kv_buf_adds(struct kv_buf *b, const char *s)
{
	return kv_buf_add(b, s, strlen(s));
}

int kv_buf_addch(struct kv_buf *b, char c)
{
	return kv_buf_add(b, &c, 1);
}

int kv_buf_vaddf(struct kv_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0 || grow(b, (size_t)n))
		return -1;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int kv_buf_addf(struct kv_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = kv_buf_vaddf(b, fmt, ap);
	va_end(ap);
	return rc;
}

char *kv_buf_detach(struct kv_buf *b, size_t *len)
{
	char *s = b->data ? b->data : xstrdup("");

	if (len)
		*len = b->len;
	kv_buf_init(b, b->max);
	return s;
}

const char *kv_buf_str(const struct kv_buf *b)
{
	return b->data ? b->data : "";
}
