/* The only file that knows libmicrohttpd: it turns connections into api_req structs or static
 * file responses, enforcing size limits before any body is parsed. */
#include "http/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "http/static_files.h"
#include "util/buf.h"
#include "util/parse.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define URL_MAX 2048
#define HEADER_MEMORY (64 * 1024) /* request line + headers must fit in this */

static const char CSP_UI[] = "default-src 'self'; script-src 'self'; style-src 'self'; "
                             "img-src 'self' data: blob:; media-src 'self' blob:; "
                             "connect-src 'self'; font-src 'self'; object-src 'none'; "
                             "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
static const char CSP_API[] = "default-src 'none'; frame-ancestors 'none'";

struct http_server {
	struct MHD_Daemon *d;
	struct api_ctx *ctx;
	char *web_dir;
	unsigned port;
	_Atomic int in_flight; /* requests begun and not yet completed */
};

struct conn_state {
	int is_api;
	int method; /* enum api_method, or -1 */
	struct kv_buf body;
	int too_big;
	int status;
	long long user_id;
	struct timespec start;
	char path[URL_MAX + 1];
	/* Streaming routes: the request lives across calls, its body goes to the stream ops. */
	const struct api_stream_ops *stream;
	void *stream_state;
	struct api_req *req;
	struct api_resp resp;
	int stream_failed;
	char ip[64];
};

static void add_security_headers(struct MHD_Response *r, int api)
{
	MHD_add_response_header(r, "Content-Security-Policy", api ? CSP_API : CSP_UI);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(r, "Cross-Origin-Resource-Policy", "same-origin");
	MHD_add_response_header(r, "Permissions-Policy",
	                        "camera=(), microphone=(), geolocation=(), payment=()");
	if (api)
		MHD_add_response_header(r, "Cache-Control", "no-store");
}

static enum MHD_Result queue(struct MHD_Connection *c, struct conn_state *s, int status,
                             struct MHD_Response *r)
{
	enum MHD_Result ok = MHD_queue_response(c, (unsigned)status, r);

	s->status = status;
	MHD_destroy_response(r);
	return ok;
}

static enum MHD_Result send_json_text(struct MHD_Connection *c, struct conn_state *s, int status,
                                      char *text, const struct api_resp *ar)
{
	size_t len = text ? strlen(text) : 0;
	struct MHD_Response *r;
	int i;

	r = MHD_create_response_from_buffer(len, text ? text : (char *)"",
	                                    text ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (!r) {
		free(text);
		return MHD_NO;
	}
	if (text)
		MHD_add_response_header(r, "Content-Type", "application/json; charset=utf-8");
	add_security_headers(r, 1);
	for (i = 0; ar && i < ar->n_headers; i++)
		MHD_add_response_header(r, ar->headers[i].key, ar->headers[i].value);
	return queue(c, s, status, r);
}

/* A decrypted file from the API: copied into the response, shown inline unless the API asks
 * for a download, never cached. */
static enum MHD_Result send_file_bytes(struct MHD_Connection *c, struct conn_state *s,
                                       const struct api_resp *ar)
{
	struct MHD_Response *r;
	int i;

	r = MHD_create_response_from_buffer(ar->raw_len, ar->raw, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", ar->raw_type);
	add_security_headers(r, 1);
	for (i = 0; i < ar->n_headers; i++)
		MHD_add_response_header(r, ar->headers[i].key, ar->headers[i].value);
	/* Shown inline unless the handler asked for a download (a report, an invitation). */
	if (!MHD_get_response_header(r, "Content-Disposition"))
		MHD_add_response_header(r, "Content-Disposition", "inline");
	return queue(c, s, ar->status, r);
}

/* A JSON error produced here, before the API layer runs (limits, bad requests). */
static enum MHD_Result send_error(struct MHD_Connection *c, struct conn_state *s, int status,
                                  const char *code, const char *message)
{
	json_t *body =
	    json_pack("{s:{s:s, s:s, s:{}}}", "error", "code", code, "message", message, "fields");
	char *text = json_dumps(body, JSON_COMPACT);

	json_decref(body);
	return send_json_text(c, s, status, text, NULL);
}

struct query_fill {
	struct api_req *req;
	int overflow;
};

static enum MHD_Result add_query(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
	struct query_fill *q = cls;

	(void)kind;
	if (q->req->n_query == API_MAX_QUERY) {
		q->overflow = 1;
		return MHD_NO;
	}
	q->req->query[q->req->n_query].key = key;
	q->req->query[q->req->n_query].value = value ? value : "";
	q->req->n_query++;
	return MHD_YES;
}

static void client_ip(struct MHD_Connection *c, char *out, size_t len)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	out[0] = '\0';
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
		          (socklen_t)len);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
		          out, (socklen_t)len);
}

static const char *header_of(void *hctx, const char *name)
{
	return MHD_lookup_connection_value(hctx, MHD_HEADER_KIND, name);
}

/* Fills req from the connection; -1 when the query has too many parameters. */
static int fill_req(struct http_server *srv, struct MHD_Connection *c, struct conn_state *s,
                    struct api_req *req, const char *url)
{
	struct query_fill q;

	memset(req, 0, sizeof(*req));
	req->ctx = srv->ctx;
	req->method = (enum api_method)s->method;
	req->path = url;
	req->header = header_of;
	req->hctx = c;
	q.req = req;
	q.overflow = 0;
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_query, &q);
	req->session_cookie = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "kv_session");
	req->authorization = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	req->csrf_header = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CSRF-Token");
	req->content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	client_ip(c, s->ip, sizeof(s->ip));
	req->ip = s->ip;
	return q.overflow ? -1 : 0;
}

struct out_ctx {
	struct api_out_stream *out;
};

static ssize_t out_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct out_ctx *o = cls;
	long long n;

	if (pos >= o->out->size)
		return MHD_CONTENT_READER_END_OF_STREAM;
	n = o->out->read(o->out->ctx, pos, buf, max);
	if (n <= 0)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	return (ssize_t)n;
}

static void out_free(void *cls)
{
	struct out_ctx *o = cls;

	if (o->out->free)
		o->out->free(o->out->ctx);
	free(o->out);
	free(o);
}

/* Sends whatever the API produced: a stream, a file, JSON or nothing. Releases resp. */
static enum MHD_Result send_api_resp(struct MHD_Connection *c, struct conn_state *s,
                                     struct api_resp *resp)
{
	enum MHD_Result ok;
	char *text = NULL;

	if (resp->out) {
		struct out_ctx *o = xcalloc(1, sizeof(*o));
		struct MHD_Response *r;
		int i;
		o->out = resp->out;
		resp->out = NULL;
		r = MHD_create_response_from_callback(o->out->size, 256 * 1024, out_read, o,
		                                      out_free);
		if (!r) {
			out_free(o);
			api_resp_release(resp);
			return MHD_NO;
		}
		MHD_add_response_header(r, "Content-Type", o->out->type);
		MHD_add_response_header(r, "Content-Disposition", "inline");
		add_security_headers(r, 1);
		for (i = 0; i < resp->n_headers; i++)
			MHD_add_response_header(r, resp->headers[i].key, resp->headers[i].value);
		ok = queue(c, s, resp->status, r);
	} else if (resp->raw) {
		ok = send_file_bytes(c, s, resp);
	} else {
		if (resp->body)
			text = json_dumps(resp->body, JSON_COMPACT | JSON_REAL_PRECISION(17));
		ok = send_json_text(c, s, resp->status, text, resp);
	}
	api_resp_release(resp);
	return ok;
}

static enum MHD_Result handle_api(struct http_server *srv, struct MHD_Connection *c,
                                  struct conn_state *s, const char *url)
{
	struct api_req req;
	struct api_resp resp;

	if (fill_req(srv, c, s, &req, url))
		return send_error(c, s, 400, "invalid_input", "too many query parameters");
	req.body = s->body.data;
	req.body_len = s->body.len;
	req.db = db_pool_acquire(srv->ctx->pool);
	api_dispatch(&req, &resp);
	db_pool_release(srv->ctx->pool, req.db);
	json_decref(req.json);
	s->user_id = req.auth != AUTH_NONE ? req.user.id : 0;
	return send_api_resp(c, s, &resp);
}

/* First call of a streaming route: every check and the open happen before any body byte is
 * read. An error is queued at once and the body is then discarded. */
static enum MHD_Result stream_begin(struct http_server *srv, struct MHD_Connection *c,
                                    struct conn_state *s, const char *url)
{
	const struct api_stream_ops *ops = s->stream;

	s->stream = NULL;
	s->req = xcalloc(1, sizeof(*s->req));
	if (fill_req(srv, c, s, s->req, url))
		return send_error(c, s, 400, "invalid_input", "too many query parameters");
	s->req->db = db_pool_acquire(srv->ctx->pool);
	if (api_begin(s->req, &s->resp) || ops->open(s->req, &s->resp, &s->stream_state) != KV_OK) {
		s->user_id = s->req->auth != AUTH_NONE ? s->req->user.id : 0;
		return send_api_resp(c, s, &s->resp);
	}
	s->stream = ops;
	s->user_id = s->req->user.id;
	return MHD_YES;
}

static enum MHD_Result stream_data(struct conn_state *s, const char *data, size_t len)
{
	if (!s->stream_failed &&
	    s->stream->data(s->stream_state, s->req, &s->resp, data, len) != KV_OK)
		s->stream_failed = 1; /* the rest of the body is read and ignored */
	return MHD_YES;
}

static enum MHD_Result stream_end(struct conn_state *s, struct MHD_Connection *c)
{
	const struct api_stream_ops *ops = s->stream;

	s->stream = NULL;
	ops->close(s->stream_state, s->req, s->stream_failed ? NULL : &s->resp, !s->stream_failed);
	return send_api_resp(c, s, &s->resp);
}

/* Releases a streaming request; a body cut off early is closed as incomplete. */
static void stream_release(struct http_server *srv, struct conn_state *s)
{
	if (s->stream)
		s->stream->close(s->stream_state, s->req, NULL, 0);
	s->stream = NULL;
	if (s->req) {
		db_pool_release(srv->ctx->pool, s->req->db);
		json_decref(s->req->json);
		free(s->req);
		s->req = NULL;
	}
	api_resp_release(&s->resp);
}

static enum MHD_Result handle_static(struct http_server *srv, struct MHD_Connection *c,
                                     struct conn_state *s, const char *url)
{
	struct static_file f;
	struct MHD_Response *r;

	if (!srv->web_dir || static_open(srv->web_dir, url, &f))
		return send_error(c, s, 404, "not_found", "no such page");
	r = MHD_create_response_from_fd(f.size, f.fd);
	if (!r) {
		close(f.fd);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", f.content_type);
	MHD_add_response_header(r, "Cache-Control",
	                        f.immutable ? "public, max-age=31536000, immutable" : "no-cache");
	add_security_headers(r, 0);
	return queue(c, s, 200, r);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
	struct http_server *srv = cls;
	struct conn_state *s = *con_cls;
	const char *cl;
	long long declared;
	size_t limit;

	(void)version;
	if (!s) {
		s = xcalloc(1, sizeof(*s));
		srv->in_flight++;
		clock_gettime(CLOCK_MONOTONIC, &s->start);
		s->method = api_method_parse(method);
		snprintf(s->path, sizeof(s->path), "%s", url);
		*con_cls = s;
		if (strlen(url) > URL_MAX)
			return send_error(c, s, 414, "uri_too_long", "the URL is too long");
		s->is_api = !strncmp(url, "/api/", 5) || !strcmp(url, "/api");
		if (s->method < 0)
			return send_error(c, s, 405, "method_not_allowed", "unsupported method");
		if (!s->is_api) {
			if (s->method != M_GET && s->method != M_HEAD)
				return send_error(c, s, 405, "method_not_allowed",
				                  "only GET and HEAD are allowed here");
			return MHD_YES;
		}
		s->stream = api_stream_for((enum api_method)s->method, url);
		if (s->stream)
			return stream_begin(srv, c, s, url);
		limit = api_body_limit((enum api_method)s->method, url);
		kv_buf_init(&s->body, limit);
		cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
		if (cl && !parse_llong_str(cl, 0, 1LL << 62, &declared) && (size_t)declared > limit)
			return send_error(c, s, 413, "too_large",
			                  "the request body is larger than this route accepts");
		return MHD_YES;
	}
	if (s->stream) {
		if (*upload_size) {
			size_t n = *upload_size;
			*upload_size = 0;
			return stream_data(s, upload, n);
		}
		return stream_end(s, c);
	}
	if (*upload_size) {
		if (s->status) { /* an early answer is queued: discard the body */
			*upload_size = 0;
			return MHD_YES;
		}
		if (!s->too_big && kv_buf_add(&s->body, upload, *upload_size)) {
			s->too_big = 1;
			kv_buf_release(&s->body);
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (s->status)
		return MHD_YES; /* an early answer (e.g. 413) is already queued */
	if (s->too_big)
		return send_error(c, s, 413, "too_large",
		                  "the request body is larger than this route accepts");
	if (s->is_api)
		return handle_api(srv, c, s, url);
	return handle_static(srv, c, s, url);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode why)
{
	struct http_server *srv = cls;
	struct conn_state *s = *con_cls;
	struct timespec end;
	double ms;

	(void)c;
	if (!s)
		return;
	srv->in_flight--;
	clock_gettime(CLOCK_MONOTONIC, &end);
	ms = (double)(end.tv_sec - s->start.tv_sec) * 1e3 +
	     (double)(end.tv_nsec - s->start.tv_nsec) / 1e6;
	/* One line per request: no query string, no bodies, no secrets. */
	fprintf(stderr, "%s %s %d %.1fms user=%lld%s\n",
	        api_method_name((enum api_method)s->method), s->path, s->status, ms, s->user_id,
	        why == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (connection ended early)");
	stream_release(srv, s);
	kv_buf_release(&s->body);
	free(s);
	*con_cls = NULL;
}

static int parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len, int *v6,
                        char *err, size_t errlen)
{
	char host[128];
	const char *colon;
	long long port;
	size_t hlen;

	memset(ss, 0, sizeof(*ss));
	if (listen[0] == '[') {
		const char *close = strchr(listen, ']');
		if (!close || close[1] != ':')
			goto bad;
		hlen = (size_t)(close - listen - 1);
		colon = close + 1;
		*v6 = 1;
		if (hlen >= sizeof(host))
			goto bad;
		memcpy(host, listen + 1, hlen);
	} else {
		colon = strrchr(listen, ':');
		if (!colon)
			goto bad;
		hlen = (size_t)(colon - listen);
		*v6 = 0;
		if (hlen >= sizeof(host))
			goto bad;
		memcpy(host, listen, hlen);
	}
	host[hlen] = '\0';
	if (parse_llong_str(colon + 1, 0, 65535, &port))
		goto bad;
	if (*v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1)
			goto bad;
		*len = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;
		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
			goto bad;
		*len = sizeof(*a);
	}
	return 0;
bad:
	snprintf(err, errlen,
	         "--listen must be ADDRESS:PORT, e.g. 127.0.0.1:8080 or [::1]:8080, "
	         "not '%s'",
	         listen);
	return -1;
}

struct http_server *http_start(const struct http_config *cfg, struct api_ctx *ctx, char *err,
                               size_t errlen)
{
	struct http_server *srv;
	struct sockaddr_storage ss;
	socklen_t sslen = 0;
	const union MHD_DaemonInfo *info;
	unsigned flags;
	int v6;

	if (parse_listen(cfg->listen, &ss, &sslen, &v6, err, errlen))
		return NULL;
	srv = xcalloc(1, sizeof(*srv));
	srv->ctx = ctx;
	srv->web_dir = cfg->web_dir ? xstrdup(cfg->web_dir) : NULL;
	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
	if (v6)
		flags |= MHD_USE_IPv6;
	srv->d = MHD_start_daemon(
	    flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_THREAD_POOL_SIZE, cfg->threads ? cfg->threads : 4,
	    MHD_OPTION_CONNECTION_TIMEOUT, cfg->connection_timeout,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HEADER_MEMORY, MHD_OPTION_CONNECTION_LIMIT,
	    1000u, MHD_OPTION_PER_IP_CONNECTION_LIMIT, 200u, MHD_OPTION_STRICT_FOR_CLIENT, 1,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_END);
	if (!srv->d) {
		snprintf(err, errlen,
		         "cannot listen on %s (in use, or not an address of this machine)",
		         cfg->listen);
		free(srv->web_dir);
		free(srv);
		return NULL;
	}
	info = MHD_get_daemon_info(srv->d, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = info ? info->port : 0;
	return srv;
}

unsigned http_port(const struct http_server *s)
{
	return s->port;
}

void http_stop(struct http_server *s, unsigned grace_secs)
{
	MHD_socket fd;
	unsigned waited = 0;

	if (!s)
		return;
	fd = MHD_quiesce_daemon(s->d);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	/* Let requests in flight finish; idle keep-alive connections are simply closed. */
	while (s->in_flight > 0 && waited < grace_secs * 20) {
		usleep(50000);
		waited++;
	}
	MHD_stop_daemon(s->d);
	free(s->web_dir);
	free(s);
}
