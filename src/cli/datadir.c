/* Opening the data folder: paths, the INI file, the key, the database and CLI audit events. */
#include "cli/datadir.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

#include <ini.h>
#include <sodium.h>

#include "db/audit_log.h"
#include "util/parse.h"
#include "util/banned.h"

void cli_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kvalab %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int datadir_paths(const char *dir, struct datadir *d)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n == 0 || n + 16 >= sizeof(d->dir))
		return -1;
	snprintf(d->dir, sizeof(d->dir), "%.*s", (int)n, dir);
	snprintf(d->db_path, sizeof(d->db_path), "%s/kvalab.db", d->dir);
	snprintf(d->key_path, sizeof(d->key_path), "%s/master.key", d->dir);
	snprintf(d->ini_path, sizeof(d->ini_path), "%s/kvalab.ini", d->dir);
	return 0;
}

struct ini_state {
	struct kv_config *cfg;
	char *err;
	size_t errlen;
};

static int set_int(struct ini_state *st, const char *name, const char *value, int min, int max,
                   int *out)
{
	long long v;

	if (parse_llong_str(value, min, max, &v)) {
		snprintf(st->err, st->errlen, "%s must be a whole number from %d to %d", name, min,
		         max);
		return 0;
	}
	*out = (int)v;
	return 1;
}

static int on_ini(void *user, const char *section, const char *name, const char *value)
{
	struct ini_state *st = user;
	struct kv_config *c = st->cfg;

	if (!strcmp(section, "server")) {
		if (!strcmp(name, "listen")) {
			snprintf(c->listen, sizeof(c->listen), "%s", value);
			return 1;
		}
		if (!strcmp(name, "web")) {
			snprintf(c->web, sizeof(c->web), "%s", value);
			return 1;
		}
		if (!strcmp(name, "threads"))
			return set_int(st, "threads", value, 1, 256, &c->threads);
		if (!strcmp(name, "secure_cookies"))
			return set_int(st, "secure_cookies", value, 0, 1, &c->secure_cookies);
	} else if (!strcmp(section, "sessions")) {
		if (!strcmp(name, "idle_minutes"))
			return set_int(st, "idle_minutes", value, 1, 24 * 60, &c->idle_minutes);
		if (!strcmp(name, "absolute_hours"))
			return set_int(st, "absolute_hours", value, 1, 24 * 7, &c->absolute_hours);
	} else if (!strcmp(section, "login")) {
		if (!strcmp(name, "max_failures"))
			return set_int(st, "max_failures", value, 3, 100, &c->login_max_failures);
		if (!strcmp(name, "window_minutes"))
			return set_int(st, "window_minutes", value, 1, 24 * 60,
			               &c->login_window_minutes);
		if (!strcmp(name, "lock_minutes"))
			return set_int(st, "lock_minutes", value, 1, 24 * 60,
			               &c->login_lock_minutes);
	}
	snprintf(st->err, st->errlen, "unknown setting [%s] %s", section, name);
	return 0;
}

int datadir_config(const struct datadir *d, struct kv_config *cfg, char *err, size_t errlen)
{
	struct ini_state st = {cfg, err, errlen};
	FILE *f;
	int line;

	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->listen, sizeof(cfg->listen), "127.0.0.1:8080");
	cfg->threads = 4;
	cfg->idle_minutes = 30;
	cfg->absolute_hours = 12;
	cfg->login_max_failures = 5;
	cfg->login_window_minutes = 15;
	cfg->login_lock_minutes = 15;
	f = fopen(d->ini_path, "r");
	if (!f)
		return 0;
	err[0] = '\0';
	line = ini_parse_file(f, on_ini, &st);
	fclose(f);
	if (line != 0) {
		char why[256];
		snprintf(why, sizeof(why), "%s", err[0] ? err : "syntax error");
		snprintf(err, errlen, "%s:%d: %s", d->ini_path, line, why);
		return -1;
	}
	return 0;
}

int datadir_open(const struct datadir *d, int migrate, struct db **db, struct vault_key **key,
                 char *err, size_t errlen)
{
	*db = NULL;
	*key = vault_masterkey_load(d->key_path, err, errlen);
	if (!*key)
		return -1;
	*db = db_open(d->db_path, err, errlen);
	if (!*db)
		goto fail;
	if (migrate && db_migrate(*db, err, errlen))
		goto fail;
	return 0;
fail:
	db_close(*db);
	*db = NULL;
	vault_key_free(*key);
	*key = NULL;
	return -1;
}

int datadir_audit(struct db *db, const struct vault_key *key, const char *action,
                  const char *object_type, long long object_id, const char *detail)
{
	unsigned char akey[AUDIT_KEY_LEN];
	struct audit_event ev = {0};
	struct timeval tv;
	char id_text[32];
	int own = !db_in_transaction(db);
	enum kv_err rc;

	gettimeofday(&tv, NULL);
	ev.at_ms = (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
	ev.actor_email = "(command line)";
	ev.role = "system";
	ev.action = action;
	ev.object_type = object_type;
	if (object_id) {
		snprintf(id_text, sizeof(id_text), "%lld", object_id);
		ev.object_id = id_text;
	}
	ev.outcome = "success";
	ev.detail = detail;
	vault_key_derive(key, "audit", akey);
	if (own && db_begin(db) != KV_OK)
		return -1;
	rc = db_audit_append(db, akey, &ev);
	sodium_memzero(akey, sizeof(akey));
	if (own) {
		if (rc == KV_OK)
			rc = db_commit(db);
		else
			db_rollback(db);
	}
	return rc == KV_OK ? 0 : -1;
}
