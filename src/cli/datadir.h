/* The data folder shared by the subcommands: its files, its INI configuration, opening it. */
#ifndef KV_DATADIR_H
#define KV_DATADIR_H

#include <limits.h>
#include <stddef.h>

#include "core/audit.h"
#include "db/db.h"
#include "report/mail.h"
#include "vault/masterkey.h"

struct datadir {
	char dir[PATH_MAX - 32];
	char db_path[PATH_MAX];
	char key_path[PATH_MAX];
	char ini_path[PATH_MAX];
};

/* Settings from DIR/kvalab.ini; command-line flags override them. */
struct kv_config {
	char listen[128];
	char web[PATH_MAX];
	char instruments[PATH_MAX];
	int threads;
	int secure_cookies;
	int idle_minutes;
	int absolute_hours;
	int login_max_failures;
	int login_window_minutes;
	int login_lock_minutes;
	int max_recording_mib;
	int upload_expiry_days;
	/* [mail]: the SMTP server (url empty: mail is off and messages wait in the outbox), and
	 * how the outbox worker retries and how often it looks for work. */
	struct mail_config mail;
	int mail_max_attempts;
	int mail_retry_base_seconds;
	int mail_poll_seconds;
	/* [outcomes]: client links' lifetime and rate limits; the public address of the server. */
	int outcome_link_hours;
	int outcome_rate_window_minutes;
	int outcome_rate_per_address;
	int outcome_rate_per_link;
	char public_url[256];
};

/* Takes the data folder's lock (held by a running server). Returns a descriptor to close to
 * release it, or -1 when another process holds it. */
int datadir_lock(const struct datadir *d);
/* Fills the paths for dir. Returns 0 or -1 when the names would not fit. */
int datadir_paths(const char *dir, struct datadir *d);
/* Loads defaults, then DIR/kvalab.ini when present. Returns 0 or -1 with a message naming the
 * line of the first error. */
int datadir_config(const struct datadir *d, struct kv_config *cfg, char *err, size_t errlen);
/* Wipes the secrets a configuration holds (the SMTP password). */
void datadir_config_wipe(struct kv_config *cfg);
/* Opens the key and the database; migrates when migrate is set. Returns 0 or -1 with a
 * message. The caller closes both. */
int datadir_open(const struct datadir *d, int migrate, struct db **db, struct vault_key **key,
                 char *err, size_t errlen);
/* The audit chain's key: kept in the keyring, wrapped by the master key, so rotating the master
 * key does not change it. A data folder from before the keyring gets it stored on first use. */
int datadir_audit_key(struct db *db, const struct vault_key *key, unsigned char out[AUDIT_KEY_LEN]);
/* Appends an audit event for a command-line action (actor: the operator at the console). */
int datadir_audit(struct db *db, const struct vault_key *key, const char *action,
                  const char *object_type, long long object_id, const char *detail);

/* Prints "kvalab <cmd>: message" to stderr. */
void cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
