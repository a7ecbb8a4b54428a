/* Static files for the UI. The URL path is checked segment by segment into a fixed buffer
 * before anything is opened, and the file is opened relative to the root without following
 * symbolic links. */
#include "http/static_files.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/banned.h"

#define PATH_CAP 512

static const struct {
	const char *ext, *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
    {".webmanifest", "application/manifest+json"},
};

static const char *type_for(const char *path)
{
	const char *dot = strrchr(path, '.');
	size_t i;

	if (dot && !strchr(dot, '/'))
		for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (!strcmp(dot, types[i].ext))
				return types[i].type;
	return NULL;
}

/* Copies url_path without its leading slash into out, refusing anything but plain segments. */
static int canonical(const char *url_path, char out[PATH_CAP])
{
	const char *p = url_path;
	size_t o = 0;

	while (*p == '/')
		p++;
	while (*p) {
		const char *seg = p;
		size_t n = strcspn(p, "/");
		size_t i;
		if (n == 0 || (n == 1 && seg[0] == '.') ||
		    (n == 2 && seg[0] == '.' && seg[1] == '.'))
			return -1;
		if (seg[0] == '.') /* no hidden files */
			return -1;
		for (i = 0; i < n; i++)
			if ((unsigned char)seg[i] < 0x20 || seg[i] == '\\' || seg[i] == 0x7f)
				return -1;
		if (o + n + 2 > PATH_CAP)
			return -1;
		if (o)
			out[o++] = '/';
		memcpy(out + o, seg, n);
		o += n;
		p += n;
		while (*p == '/')
			p++;
	}
	out[o] = '\0';
	return 0;
}

static int open_under(int dir, const char *rel, struct static_file *out)
{
	struct stat st;
	int fd;

	fd = openat(dir, rel, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	out->fd = fd;
	out->size = (size_t)st.st_size;
	out->content_type = type_for(rel);
	if (!out->content_type)
		out->content_type = "application/octet-stream";
	out->immutable = !strncmp(rel, "assets/", 7);
	return 0;
}

int static_open(const char *root, const char *url_path, struct static_file *out)
{
	char rel[PATH_CAP];
	int dir, rc = -1;

	if (canonical(url_path, rel))
		return -1;
	dir = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return -1;
	/* Intermediate symlinks are resolved by openat; O_NOFOLLOW guards the last part, and the
	 * canonical form forbids "..", so the path cannot climb out of root. */
	if (rel[0] && open_under(dir, rel, out) == 0)
		rc = 0;
	else if (!rel[0] || !type_for(rel))
		rc = open_under(dir, "index.html", out);
	close(dir);
	return rc;
}
