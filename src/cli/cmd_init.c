/* kvalab init: creates the data folder, master key, database and the first lab admin. */
#include "cli/cli.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/datadir.h"
#include "core/totp.h"
#include "db/users.h"
#include "util/banned.h"

static const char default_ini[] =
    "; kvalab settings. Command-line flags override these.\n"
    "[server]\n"
    "; listen = 127.0.0.1:8080\n"
    "; web = web/dist\n"
    "; threads = 4\n"
    "; Set to 1 when kvalab is reached over HTTPS (directly or through a TLS proxy).\n"
    "; secure_cookies = 0\n"
    "\n[sessions]\n"
    "; idle_minutes = 30\n"
    "; absolute_hours = 12\n"
    "\n[recordings]\n"
    "; max_size_mib = 8192\n"
    "; Unfinished uploads are destroyed after this many days.\n"
    "; upload_expiry_days = 7\n"
    "\n[login]\n"
    "; max_failures = 5\n"
    "; window_minutes = 15\n"
    "; lock_minutes = 15\n"
    "\n[mail]\n"
    "; The SMTP server for notices and meeting invitations. Without url mail is off:\n"
    "; messages wait in the outbox until it is set. Check with: kvalab mail test ADDRESS\n"
    "; url = smtp://mail.example.org:587   (or smtps://mail.example.org:465)\n"
    "; from = kvalab <kvalab@example.org>\n"
    "; username = kvalab\n"
    "; A file with the password alone, mode 0600 (relative names are in this folder).\n"
    "; password_file = smtp.password\n"
    "; Require STARTTLS on smtp:// (smtps:// is always encrypted).\n"
    "; starttls = 1\n"
    "; timeout = 30\n"
    "; A message is tried this many times, pausing 1, 5, 30, 120, then 360 times\n"
    "; retry_base_seconds between attempts, then shown as failed.\n"
    "; max_attempts = 5\n"
    "; retry_base_seconds = 60\n"
    "; poll_seconds = 5\n";

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: kvalab init --data DIR --admin EMAIL [--name NAME]\n\n"
	        "Creates DIR with the database, a new master key (mode 0600) and the first lab\n"
	        "admin, and prints the admin's one-time password and TOTP secret once.\n"
	        "Refuses to touch a folder that already exists and is not empty.\n");
}

/* 1 when dir was created or is an empty folder, -1 when it holds something, 0 on error. */
static int folder_is_usable(const char *dir)
{
	struct dirent *e;
	struct stat st;
	int empty = 1;
	DIR *dh;

	if (stat(dir, &st) != 0)
		return mkdir(dir, 0700) == 0 ? 1 : 0;
	if (!S_ISDIR(st.st_mode))
		return -1;
	dh = opendir(dir);
	if (!dh)
		return 0;
	while ((e = readdir(dh)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = 0;
	closedir(dh);
	return empty ? 1 : -1;
}

int cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {{"data", required_argument, NULL, 'd'},
	                                     {"admin", required_argument, NULL, 'a'},
	                                     {"name", required_argument, NULL, 'n'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	const char *dir = NULL, *email = NULL, *name = "";
	struct kv_buf sealed = KV_BUF_INIT(4096);
	struct vault_key *key = NULL;
	struct db *db = NULL;
	struct datadir d;
	struct kv_user u;
	uint8_t secret[TOTP_SECRET_LEN];
	char otp[32], b32[TOTP_BASE32_LEN], aad[64], err[512];
	char *uri = NULL;
	const char *why;
	FILE *f;
	int c, rc = CLI_FAIL, usable;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'a':
			email = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 'h':
			usage(stdout);
			return CLI_OK;
		default:
			usage(stderr);
			return CLI_USAGE;
		}
	}
	if (!dir || !email || optind != argc) {
		usage(stderr);
		return CLI_USAGE;
	}
	if ((why = validate_email(email))) {
		cli_error("init", "--admin %s", why);
		return CLI_USAGE;
	}
	if ((why = validate_text(name, NAME_MAX_LEN, 0))) {
		cli_error("init", "--name %s", why);
		return CLI_USAGE;
	}
	if (datadir_paths(dir, &d)) {
		cli_error("init", "the folder name is too long");
		return CLI_USAGE;
	}
	usable = folder_is_usable(d.dir);
	if (usable < 0) {
		cli_error("init", "%s already exists and is not empty; refusing to overwrite it",
		          d.dir);
		return CLI_FAIL;
	}
	if (!usable) {
		cli_error("init", "cannot create %s: %s", d.dir, strerror(errno));
		return CLI_FAIL;
	}
	if (vault_masterkey_create(d.key_path)) {
		cli_error("init", "cannot create the master key %s: %s", d.key_path,
		          strerror(errno));
		return CLI_FAIL;
	}
	if (datadir_open(&d, 1, &db, &key, err, sizeof(err))) {
		cli_error("init", "%s", err);
		return CLI_FAIL;
	}
	f = fopen(d.ini_path, "wx");
	if (f) {
		fputs(default_ini, f);
		fclose(f);
	}

	memset(&u, 0, sizeof(u));
	snprintf(u.email, sizeof(u.email), "%s", email);
	email_normalise(u.email);
	snprintf(u.display_name, sizeof(u.display_name), "%s", name);
	snprintf(u.locale, sizeof(u.locale), "nb");
	u.role = ROLE_LAB_ADMIN;
	u.must_change_password = 1;
	password_generate(otp);
	totp_secret_new(secret);
	if (password_hash(otp, u.password_hash) || totp_secret_base32(secret, b32)) {
		cli_error("init", "cannot create the admin's credentials");
		goto out;
	}
	if (db_begin(db) != KV_OK || db_user_insert(db, &u) != KV_OK) {
		cli_error("init", "cannot create the admin: %s", db_errmsg(db));
		goto out;
	}
	/* The admin's second factor is enrolled now, so the very first sign-in is protected. */
	snprintf(aad, sizeof(aad), "totp:%lld", u.id);
	if (vault_seal(key, "totp", aad, secret, sizeof(secret), &sealed) ||
	    db_user_set_totp(db, u.id, TOTP_ACTIVE, sealed.data, sealed.len) != KV_OK ||
	    datadir_audit(db, key, "system.init", NULL, 0, "data folder created") ||
	    datadir_audit(db, key, "user.create", "user", u.id, "role lab_admin (first admin)") ||
	    db_commit(db) != KV_OK) {
		cli_error("init", "cannot store the admin: %s", db_errmsg(db));
		goto out;
	}
	uri = totp_uri("kvalab", u.email, b32);
	printf("kvalab: initialised %s\n"
	       "admin: %s\n"
	       "one-time password: %s\n"
	       "totp secret: %s\n"
	       "otpauth uri: %s\n"
	       "Add the TOTP secret to an authenticator app, then sign in; you will be asked to\n"
	       "choose a new password. Both are shown only this once.\n",
	       d.dir, u.email, otp, b32, uri);
	rc = CLI_OK;
out:
	if (rc != CLI_OK)
		db_rollback(db);
	sodium_memzero(otp, sizeof(otp));
	sodium_memzero(secret, sizeof(secret));
	sodium_memzero(b32, sizeof(b32));
	free(uri);
	kv_buf_release(&sealed);
	db_close(db);
	vault_key_free(key);
	return rc;
}
