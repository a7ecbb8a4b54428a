/* The one error enumeration used across the api/db boundary, mapped to HTTP in one table. */
#ifndef KV_ERR_H
#define KV_ERR_H

enum kv_err {
	KV_OK = 0,
	KV_EINVAL,       /* bad input: 400 */
	KV_EAUTH,        /* not authenticated: 401 */
	KV_EPERM,        /* authenticated but not allowed: 403 */
	KV_ENOTFOUND,    /* 404 */
	KV_ECONFLICT,    /* wrong state or duplicate: 409 */
	KV_ETOOBIG,      /* 413 */
	KV_ERULE,        /* well-formed but breaks a rule: 422 */
	KV_ETHROTTLED,   /* 429 */
	KV_EINTERNAL,    /* 500 */
	KV_EUNAVAILABLE, /* 503: e.g. database busy beyond the timeout */
	KV_ERR__MAX
};

/* HTTP status for an error. */
int kv_err_status(enum kv_err e);
/* Default stable code for an error, e.g. "not_found". */
const char *kv_err_code(enum kv_err e);

#endif
