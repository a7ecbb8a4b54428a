/* One audit event and the keyed hash chain that makes the log tamper-evident. */
#ifndef KV_AUDIT_H
#define KV_AUDIT_H

#include <stdint.h>

#define AUDIT_HASH_HEX 65
#define AUDIT_KEY_LEN 32

struct audit_event {
	long long id;            /* assigned when appended */
	long long at_ms;         /* Unix milliseconds, UTC */
	long long actor_id;      /* 0 for none (e.g. a failed login by an unknown address) */
	const char *actor_email; /* may be NULL */
	const char *role;        /* may be NULL */
	const char *action;      /* e.g. "session.login", "user.create" */
	const char *object_type; /* may be NULL */
	const char *object_id;   /* may be NULL */
	const char *outcome;     /* "success", "failure", "denied" */
	const char *detail;      /* short, never a secret; may be NULL */
	const char *ip;          /* may be NULL */
};

/* The genesis value that the first row's prev_hash holds. */
#define AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* HMAC-SHA256 under the audit key over prev_hash and every field of ev, as lower-case hex.
 * Fields are length-prefixed so that no two different rows hash alike. */
void audit_chain_hash(const uint8_t key[AUDIT_KEY_LEN], const char *prev_hash,
                      const struct audit_event *ev, char out[AUDIT_HASH_HEX]);
/* The MAC over the chain's head (last id and hash), detecting rows cut from the end. */
void audit_head_mac(const uint8_t key[AUDIT_KEY_LEN], long long last_id, const char *last_hash,
                    char out[AUDIT_HASH_HEX]);

#endif
