/* Serving the built web UI from a folder: canonical paths only, never outside the folder. */
#ifndef KV_HTTP_STATIC_FILES_H
#define KV_HTTP_STATIC_FILES_H

#include <stddef.h>

struct static_file {
	int fd;
	size_t size;
	const char *content_type;
	int immutable; /* content-hashed asset: may be cached for a year */
};

/* Opens the file for a URL path under root. Paths without a file extension that match no file
 * fall back to index.html (the UI routes itself). Returns 0, or -1 when there is nothing to
 * serve (404). */
int static_open(const char *root, const char *url_path, struct static_file *out);

#endif
