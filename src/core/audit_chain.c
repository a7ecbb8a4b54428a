/* The audit log's keyed hash chain: editing, deleting or reordering a row breaks it. */
#include "core/audit.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/token.h"
#include "util/banned.h"

static void mac_field(crypto_auth_hmacsha256_state *ctx, const char *s)
{
	unsigned char len[9];
	size_t n;
	int i;

	/* A NULL field and an empty one must hash differently: NULL gets a marker byte. */
	if (!s) {
		crypto_auth_hmacsha256_update(ctx, (const unsigned char *)"\xff", 1);
		return;
	}
	n = strlen(s);
	len[0] = 0;
	for (i = 0; i < 8; i++)
		len[i + 1] = (unsigned char)(n >> (8 * (7 - i)));
	crypto_auth_hmacsha256_update(ctx, len, sizeof(len));
	crypto_auth_hmacsha256_update(ctx, (const unsigned char *)s, n);
}

static void mac_number(crypto_auth_hmacsha256_state *ctx, long long v)
{
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "%lld", v);
	mac_field(ctx, tmp);
}

void audit_chain_hash(const uint8_t key[AUDIT_KEY_LEN], const char *prev_hash,
                      const struct audit_event *ev, char out[AUDIT_HASH_HEX])
{
	unsigned char mac[32];
	crypto_auth_hmacsha256_state st, *ctx = &st;

	crypto_auth_hmacsha256_init(ctx, key, AUDIT_KEY_LEN);
	mac_field(ctx, prev_hash);
	mac_number(ctx, ev->id);
	mac_number(ctx, ev->at_ms);
	mac_number(ctx, ev->actor_id);
	mac_field(ctx, ev->actor_email);
	mac_field(ctx, ev->role);
	mac_field(ctx, ev->action);
	mac_field(ctx, ev->object_type);
	mac_field(ctx, ev->object_id);
	mac_field(ctx, ev->outcome);
	mac_field(ctx, ev->detail);
	mac_field(ctx, ev->ip);
	crypto_auth_hmacsha256_final(ctx, mac);
	token_hex(mac, sizeof(mac), out);
}

void audit_head_mac(const uint8_t key[AUDIT_KEY_LEN], long long last_id, const char *last_hash,
                    char out[AUDIT_HASH_HEX])
{
	unsigned char mac[32];
	crypto_auth_hmacsha256_state st, *ctx = &st;

	crypto_auth_hmacsha256_init(ctx, key, AUDIT_KEY_LEN);
	mac_field(ctx, "head");
	mac_number(ctx, last_id);
	mac_field(ctx, last_hash);
	crypto_auth_hmacsha256_final(ctx, mac);
	token_hex(mac, sizeof(mac), out);
}
