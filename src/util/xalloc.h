/* Allocation wrappers that abort on exhaustion, so callers never handle NULL from malloc. */
#ifndef KV_XALLOC_H
#define KV_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Returns 0 and stores a*b in *out, or -1 when the product overflows size_t. */
int size_mul(size_t a, size_t b, size_t *out);
/* Returns 0 and stores a+b in *out, or -1 when the sum overflows size_t. */
int size_add(size_t a, size_t b, size_t *out);

#endif
