/* The HTTP front end: libmicrohttpd with a thread pool and epoll, limits before parsing,
 * security headers on every response, the JSON API under /api/ and the web UI's files. */
#ifndef KV_HTTP_SERVER_H
#define KV_HTTP_SERVER_H

#include "api/api.h"

struct http_config {
	const char *listen;  /* "127.0.0.1:8080", "[::1]:8080"; port 0 picks a free one */
	const char *web_dir; /* built UI to serve, or NULL */
	unsigned threads;
	unsigned connection_timeout; /* seconds */
};

struct http_server;

/* Starts listening. Returns NULL with a message in err. */
struct http_server *http_start(const struct http_config *cfg, struct api_ctx *ctx, char *err,
                               size_t errlen);
/* The port actually bound (useful with port 0). */
unsigned http_port(const struct http_server *s);
/* Stops accepting, lets running requests finish (up to grace_secs), then stops. */
void http_stop(struct http_server *s, unsigned grace_secs);

#endif
