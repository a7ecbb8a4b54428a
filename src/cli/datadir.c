/* Opening the data folder: paths, the INI file, the key, the database and CLI audit events. */
#include "cli/datadir.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

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

int datadir_lock(const struct datadir *d)
{
	char path[PATH_MAX + 16];
	int fd;

	snprintf(path, sizeof(path), "%s/kvalab.lock", d->dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		close(fd);
		return -1;
	}
	return fd;
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
	char password_file[PATH_MAX];
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

static int set_str(struct ini_state *st, const char *name, const char *value, char *out, size_t cap)
{
	if (strlen(value) >= cap) {
		snprintf(st->err, st->errlen, "%s is too long (at most %zu characters)", name,
		         cap - 1);
		return 0;
	}
	snprintf(out, cap, "%s", value);
	return 1;
}

static int on_mail(struct ini_state *st, const char *name, const char *value)
{
	struct kv_config *c = st->cfg;

	if (!strcmp(name, "url"))
		return set_str(st, name, value, c->mail.url, sizeof(c->mail.url));
	if (!strcmp(name, "from"))
		return set_str(st, name, value, c->mail.from, sizeof(c->mail.from));
	if (!strcmp(name, "username"))
		return set_str(st, name, value, c->mail.username, sizeof(c->mail.username));
	if (!strcmp(name, "password"))
		return set_str(st, name, value, c->mail.password, sizeof(c->mail.password));
	if (!strcmp(name, "password_file"))
		return set_str(st, name, value, st->password_file, sizeof(st->password_file));
	if (!strcmp(name, "starttls"))
		return set_int(st, name, value, 0, 1, &c->mail.starttls);
	if (!strcmp(name, "timeout"))
		return set_int(st, name, value, 1, 600, &c->mail.timeout_s);
	if (!strcmp(name, "max_attempts"))
		return set_int(st, name, value, 1, 100, &c->mail_max_attempts);
	if (!strcmp(name, "retry_base_seconds"))
		return set_int(st, name, value, 1, 3600, &c->mail_retry_base_seconds);
	if (!strcmp(name, "poll_seconds"))
		return set_int(st, name, value, 1, 3600, &c->mail_poll_seconds);
	snprintf(st->err, st->errlen, "unknown setting [mail] %s", name);
	return 0;
}

/* The SMTP password from a file of its own (kept out of kvalab.ini, which is often shared
 * or checked in): one line, readable by its owner only. A relative name is in DIR. */
static int read_password_file(const struct datadir *d, const char *name, struct kv_config *c,
                              char *err, size_t errlen)
{
	char path[PATH_MAX * 2], buf[sizeof(c->mail.password) + 2];
	struct stat sb;
	ssize_t n;
	int fd;

	if (c->mail.password[0]) {
		snprintf(err, errlen, "[mail] has both password and password_file; keep one");
		return -1;
	}
	if (name[0] == '/')
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "%s/%s", d->dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		snprintf(err, errlen, "[mail] password_file %.200s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode) || (sb.st_mode & 077)) {
		close(fd);
		snprintf(err, errlen,
		         "[mail] password_file %.200s must be a file readable by its owner only "
		         "(chmod 600)",
		         path);
		return -1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		n = 0;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	if ((size_t)n >= sizeof(c->mail.password) || memchr(buf, '\n', (size_t)n)) {
		sodium_memzero(buf, sizeof(buf));
		snprintf(err, errlen,
		         "[mail] password_file %.200s must hold one line of at most %zu "
		         "characters",
		         path, sizeof(c->mail.password) - 1);
		return -1;
	}
	memcpy(c->mail.password, buf, (size_t)n + 1);
	sodium_memzero(buf, sizeof(buf));
	return 0;
}

void datadir_config_wipe(struct kv_config *cfg)
{
	sodium_memzero(cfg->mail.password, sizeof(cfg->mail.password));
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
		if (!strcmp(name, "instruments")) {
			snprintf(c->instruments, sizeof(c->instruments), "%s", value);
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
	} else if (!strcmp(section, "recordings")) {
		if (!strcmp(name, "max_size_mib"))
			return set_int(st, "max_size_mib", value, 1, 1024 * 1024,
			               &c->max_recording_mib);
		if (!strcmp(name, "upload_expiry_days"))
			return set_int(st, "upload_expiry_days", value, 1, 365,
			               &c->upload_expiry_days);
	} else if (!strcmp(section, "mail")) {
		return on_mail(st, name, value);
	} else if (!strcmp(section, "outcomes")) {
		if (!strcmp(name, "link_hours"))
			return set_int(st, name, value, 1, 24 * 30, &c->outcome_link_hours);
		if (!strcmp(name, "rate_window_minutes"))
			return set_int(st, name, value, 1, 24 * 60,
			               &c->outcome_rate_window_minutes);
		if (!strcmp(name, "rate_per_address"))
			return set_int(st, name, value, 1, 100000, &c->outcome_rate_per_address);
		if (!strcmp(name, "rate_per_link"))
			return set_int(st, name, value, 1, 100000, &c->outcome_rate_per_link);
		if (!strcmp(name, "public_url"))
			return set_str(st, name, value, c->public_url, sizeof(c->public_url));
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
	struct ini_state st = {cfg, err, errlen, ""};
	char why[512];
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
	cfg->max_recording_mib = 8192;
	cfg->upload_expiry_days = 7;
	cfg->mail.timeout_s = 30;
	cfg->mail_max_attempts = 5;
	cfg->mail_retry_base_seconds = 60;
	cfg->mail_poll_seconds = 5;
	cfg->outcome_link_hours = 48;
	cfg->outcome_rate_window_minutes = 10;
	cfg->outcome_rate_per_address = 60;
	cfg->outcome_rate_per_link = 20;
	f = fopen(d->ini_path, "r");
	if (!f)
		return 0;
	err[0] = '\0';
	line = ini_parse_file(f, on_ini, &st);
	fclose(f);
	if (line != 0) {
		snprintf(why, sizeof(why), "%s", err[0] ? err : "syntax error");
		snprintf(err, errlen, "%s:%d: %s", d->ini_path, line, why);
		datadir_config_wipe(cfg);
		return -1;
	}
	if (st.password_file[0] && read_password_file(d, st.password_file, cfg, why, sizeof(why))) {
		snprintf(err, errlen, "%s: %s", d->ini_path, why);
		datadir_config_wipe(cfg);
		return -1;
	}
	if (mail_config_check(&cfg->mail, why, sizeof(why))) {
		snprintf(err, errlen, "%s: [mail] %s", d->ini_path, why);
		datadir_config_wipe(cfg);
		return -1;
	}
	return 0;
}

/* A rotation interrupted between its commit and the rename leaves master.key.new behind: if
 * the keyring opens with it, the rotation committed and the new key takes over; otherwise the
 * rotation never happened and the leftover is removed. */
static int finish_rotation(const struct datadir *d, struct db *db, struct vault_key **key,
                           char *err, size_t errlen)
{
	char path[PATH_MAX + 16];
	struct vault_key *next;
	struct kv_buf wrapped = KV_BUF_INIT(4096), plain = KV_BUF_INIT(64);
	struct db_stmt *st;
	int opens_with_new = 0;

	snprintf(path, sizeof(path), "%s.new", d->key_path);
	if (access(path, F_OK))
		return 0;
	next = vault_masterkey_load(path, err, errlen);
	st = db_prepare(db, "SELECT wrapped FROM keyring WHERE name = 'audit'");
	if (next && st && db_step(st) == DB_ROW) {
		size_t len;
		const void *p = db_col_blob(st, 0, &len);
		kv_buf_add(&wrapped, p, len);
		opens_with_new = vault_unseal(next, "keyring", "keyring:audit", wrapped.data,
		                              wrapped.len, &plain) == 0;
	}
	db_finalize(st);
	if (plain.data)
		sodium_memzero(plain.data, plain.len);
	kv_buf_release(&plain);
	kv_buf_release(&wrapped);
	if (opens_with_new) {
		if (rename(path, d->key_path)) {
			snprintf(err, errlen, "cannot finish the key rotation: rename %s: %s", path,
			         strerror(errno));
			vault_key_free(next);
			return -1;
		}
		vault_key_free(*key);
		*key = next;
		fprintf(stderr, "kvalab: finished an interrupted key rotation\n");
		return 0;
	}
	vault_key_free(next);
	unlink(path);
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
	if (finish_rotation(d, *db, key, err, errlen))
		goto fail;
	return 0;
fail:
	db_close(*db);
	*db = NULL;
	vault_key_free(*key);
	*key = NULL;
	return -1;
}

int datadir_audit_key(struct db *db, const struct vault_key *key, unsigned char out[AUDIT_KEY_LEN])
{
	struct kv_buf wrapped = KV_BUF_INIT(4096), plain = KV_BUF_INIT(64);
	struct db_stmt *st;
	int rc = -1, own;

	st = db_prepare(db, "SELECT wrapped FROM keyring WHERE name = 'audit'");
	if (st && db_step(st) == DB_ROW) {
		size_t len;
		const void *p = db_col_blob(st, 0, &len);
		kv_buf_add(&wrapped, p, len);
	}
	db_finalize(st);
	if (wrapped.len) {
		if (vault_unseal(key, "keyring", "keyring:audit", wrapped.data, wrapped.len,
		                 &plain) == 0 &&
		    plain.len == AUDIT_KEY_LEN) {
			memcpy(out, plain.data, AUDIT_KEY_LEN);
			rc = 0;
		}
		goto out;
	}
	/* First use: the key the chain has used so far, kept from now on. */
	vault_key_derive(key, "audit", out);
	if (vault_seal(key, "keyring", "keyring:audit", out, AUDIT_KEY_LEN, &wrapped))
		goto out;
	own = !db_in_transaction(db);
	if (own && db_begin(db) != KV_OK)
		goto out;
	st = db_prepare(db, "INSERT INTO keyring (name, wrapped) VALUES ('audit', ?)");
	if (st) {
		db_bind_blob(st, 1, wrapped.data, wrapped.len);
		rc = db_step(st) == DB_DONE ? 0 : -1;
	}
	db_finalize(st);
	if (own) {
		if (!rc && db_commit(db) != KV_OK)
			rc = -1;
		if (rc)
			db_rollback(db);
	}
out:
	if (plain.data)
		sodium_memzero(plain.data, plain.len);
	kv_buf_release(&plain);
	kv_buf_release(&wrapped);
	return rc;
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
	if (datadir_audit_key(db, key, akey))
		return -1;
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
