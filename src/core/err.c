/* Maps kv_err to HTTP status codes and default error codes, in one table. */
#include "core/err.h"

#include "util/banned.h"

static const struct {
	int status;
	const char *code;
} err_table[KV_ERR__MAX] = {
    [KV_OK] = {200, "ok"},
    [KV_EINVAL] = {400, "invalid_input"},
    [KV_EAUTH] = {401, "unauthenticated"},
    [KV_EPERM] = {403, "forbidden"},
    [KV_ENOTFOUND] = {404, "not_found"},
    [KV_ECONFLICT] = {409, "conflict"},
    [KV_ETOOBIG] = {413, "too_large"},
    [KV_ERULE] = {422, "rule_violation"},
    [KV_ETHROTTLED] = {429, "throttled"},
    [KV_EINTERNAL] = {500, "internal"},
    [KV_EUNAVAILABLE] = {503, "unavailable"},
};

int kv_err_status(enum kv_err e)
{
	return (e >= 0 && e < KV_ERR__MAX) ? err_table[e].status : 500;
}

const char *kv_err_code(enum kv_err e)
{
	return (e >= 0 && e < KV_ERR__MAX) ? err_table[e].code : "internal";
}
