/* kvalab user (add, list, disable, enable, reset-password, reset-totp) and kvalab token create:
 * account administration from the console, audited like the same actions in the UI. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "cli/datadir.h"
#include "db/sessions.h"
#include "db/users.h"
#include "util/parse.h"
#include "util/banned.h"

struct user_args {
	const char *dir, *email, *role, *name;
	long long institution, days;
	const char *token_name;
};

static void user_usage(FILE *out)
{
	fprintf(out,
	        "usage: kvalab user add --data DIR --email EMAIL --role ROLE [--institution ID] "
	        "[--name NAME]\n"
	        "       kvalab user list --data DIR [--role ROLE]\n"
	        "       kvalab user disable --data DIR --email EMAIL\n"
	        "       kvalab user enable --data DIR --email EMAIL\n"
	        "       kvalab user reset-password --data DIR --email EMAIL\n"
	        "       kvalab user reset-totp --data DIR --email EMAIL\n\n"
	        "Roles: lab_admin, supervisor, rater, therapist, institution_admin, researcher.\n"
	        "New users and reset passwords get a one-time password, printed once, that must\n"
	        "be changed at the first sign-in.\n");
}

static void token_usage(FILE *out)
{
	fprintf(out,
	        "usage: kvalab token create --data DIR --email EMAIL [--days N] [--name NAME]\n\n"
	        "Prints a personal API token for scripts (send it as 'Authorization: Bearer "
	        "TOKEN').\nOnly its hash is stored; it is valid for N days (default 90, at "
	        "most 365) and can be revoked in the UI.\n");
}

/* Parses the shared options; returns 0, 1 for --help, or -1 for bad usage. */
static int parse_args(const char *cmd, int argc, char **argv, struct user_args *a)
{
	static const struct option opts[] = {{"data", required_argument, NULL, 'd'},
	                                     {"email", required_argument, NULL, 'e'},
	                                     {"role", required_argument, NULL, 'r'},
	                                     {"name", required_argument, NULL, 'n'},
	                                     {"institution", required_argument, NULL, 'i'},
	                                     {"days", required_argument, NULL, 'D'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	int c;

	memset(a, 0, sizeof(*a));
	a->days = 90;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			a->dir = optarg;
			break;
		case 'e':
			a->email = optarg;
			break;
		case 'r':
			a->role = optarg;
			break;
		case 'n':
			a->name = optarg;
			break;
		case 'i':
			if (parse_llong_str(optarg, 1, 9007199254740991LL, &a->institution)) {
				cli_error(cmd, "--institution must be a positive whole number");
				return -1;
			}
			break;
		case 'D':
			if (parse_llong_str(optarg, 1, 365, &a->days)) {
				cli_error(cmd, "--days must be a whole number from 1 to 365");
				return -1;
			}
			break;
		case 'h':
			return 1;
		default:
			return -1;
		}
	}
	if (optind != argc) {
		cli_error(cmd, "unexpected argument '%s'", argv[optind]);
		return -1;
	}
	if (!a->dir) {
		cli_error(cmd, "--data DIR is required");
		return -1;
	}
	return 0;
}

static int open_data(const char *cmd, const char *dir, struct db **db, struct vault_key **key)
{
	struct datadir d;
	char err[512];

	if (datadir_paths(dir, &d)) {
		cli_error(cmd, "the folder name is too long");
		return -1;
	}
	if (datadir_open(&d, 1, db, key, err, sizeof(err))) {
		cli_error(cmd, "%s", err);
		return -1;
	}
	return 0;
}

static int find_user(const char *cmd, struct db *db, const char *email, struct kv_user *u)
{
	char norm[EMAIL_MAX + 1];

	if (!email) {
		cli_error(cmd, "--email EMAIL is required");
		return -1;
	}
	snprintf(norm, sizeof(norm), "%s", email);
	email_normalise(norm);
	if (db_user_get_by_email(db, norm, u) != KV_OK) {
		cli_error(cmd, "no user with e-mail %s", norm);
		return -1;
	}
	return 0;
}

static int user_add(struct db *db, struct vault_key *key, const struct user_args *a)
{
	struct kv_user u;
	char otp[32], detail[64];
	const char *why;
	int role;

	if (!a->email || !a->role) {
		cli_error("user add", "--email and --role are required");
		return CLI_USAGE;
	}
	if ((why = validate_email(a->email))) {
		cli_error("user add", "--email %s", why);
		return CLI_USAGE;
	}
	if ((role = role_parse(a->role)) < 0) {
		cli_error("user add",
		          "--role must be one of lab_admin, supervisor, rater, therapist, "
		          "institution_admin, researcher");
		return CLI_USAGE;
	}
	if (a->name && (why = validate_text(a->name, NAME_MAX_LEN, 0))) {
		cli_error("user add", "--name %s", why);
		return CLI_USAGE;
	}
	if (a->institution && db_institution_exists(db, a->institution) != KV_OK) {
		cli_error("user add", "--institution %lld is not a registered institution",
		          a->institution);
		return CLI_USAGE;
	}
	memset(&u, 0, sizeof(u));
	snprintf(u.email, sizeof(u.email), "%s", a->email);
	email_normalise(u.email);
	snprintf(u.display_name, sizeof(u.display_name), "%s", a->name ? a->name : "");
	snprintf(u.locale, sizeof(u.locale), "nb");
	u.role = (enum kv_role)role;
	u.institution_id = a->institution;
	u.must_change_password = 1;
	password_generate(otp);
	if (password_hash(otp, u.password_hash)) {
		cli_error("user add", "cannot hash the password");
		return CLI_FAIL;
	}
	snprintf(detail, sizeof(detail), "role %s", a->role);
	if (db_begin(db) != KV_OK)
		return CLI_FAIL;
	if (db_user_insert(db, &u) != KV_OK) {
		db_rollback(db);
		cli_error("user add", "a user with e-mail %s already exists", u.email);
		return CLI_FAIL;
	}
	if (datadir_audit(db, key, "user.create", "user", u.id, detail) || db_commit(db) != KV_OK) {
		db_rollback(db);
		cli_error("user add", "cannot save the user: %s", db_errmsg(db));
		return CLI_FAIL;
	}
	printf("user: %s (id %lld, %s)\none-time password: %s\n", u.email, u.id, a->role, otp);
	if (role_requires_totp(u.role))
		printf("At the first sign-in they set a new password and enrol an authenticator "
		       "app.\n");
	sodium_memzero(otp, sizeof(otp));
	return CLI_OK;
}

static void print_user(const struct kv_user *u, void *ctx)
{
	char when[32] = "never";
	time_t t = (time_t)u->last_login_at;
	struct tm tm;

	(void)ctx;
	if (u->last_login_at) {
		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	printf("%-6lld %-40s %-18s %-8s %-4s %s\n", u->id, u->email, role_name(u->role),
	       u->disabled ? "disabled" : "active", u->totp_enabled ? "yes" : "no", when);
}

static int user_list(struct db *db, const struct user_args *a)
{
	struct db_user_filter f = {-1, NULL, 1};

	if (a->role && (f.role = role_parse(a->role)) < 0) {
		cli_error("user list", "--role is not a known role");
		return CLI_USAGE;
	}
	printf("%-6s %-40s %-18s %-8s %-4s %s\n", "id", "email", "role", "state", "totp",
	       "last sign-in");
	return db_user_list(db, &f, print_user, NULL) == KV_OK ? CLI_OK : CLI_FAIL;
}

static int user_change(const char *cmd, struct db *db, struct vault_key *key,
                       const struct user_args *a)
{
	struct kv_user u;
	char otp[32] = "", hash[PASSWORD_HASH_LEN];
	enum kv_err rc;
	const char *action;

	if (find_user(cmd, db, a->email, &u))
		return CLI_FAIL;
	if (!strcmp(cmd, "user reset-password")) {
		password_generate(otp);
		if (password_hash(otp, hash))
			return CLI_FAIL;
	}
	if (db_begin(db) != KV_OK)
		return CLI_FAIL;
	if (!strcmp(cmd, "user disable")) {
		action = "user.disable";
		rc = db_user_set_disabled(db, u.id, 1);
		if (!rc)
			rc = db_session_delete_user(db, u.id, NULL);
	} else if (!strcmp(cmd, "user enable")) {
		action = "user.enable";
		rc = db_user_set_disabled(db, u.id, 0);
	} else if (!strcmp(cmd, "user reset-totp")) {
		action = "user.reset_totp";
		rc = db_user_reset_totp(db, u.id);
		if (!rc)
			rc = db_session_delete_user(db, u.id, NULL);
	} else {
		action = "user.reset_password";
		rc = db_user_set_password(db, u.id, hash, 1);
		if (!rc)
			rc = db_session_delete_user(db, u.id, NULL);
		if (!rc)
			rc = db_throttle_clear(db, u.email);
	}
	if (rc || datadir_audit(db, key, action, "user", u.id, NULL) || db_commit(db) != KV_OK) {
		db_rollback(db);
		cli_error(cmd, "cannot save the change: %s", db_errmsg(db));
		return CLI_FAIL;
	}
	if (otp[0])
		printf("user: %s\none-time password: %s\n", u.email, otp);
	else
		printf("user: %s %s\n", u.email, action + 5);
	sodium_memzero(otp, sizeof(otp));
	return CLI_OK;
}

int cmd_user(int argc, char **argv)
{
	static const char *const subs[] = {
	    "add", "list", "disable", "enable", "reset-password", "reset-totp", NULL};
	struct user_args a;
	struct vault_key *key = NULL;
	struct db *db = NULL;
	char cmd[64];
	int i, p, rc;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		user_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	for (i = 0; subs[i] && strcmp(subs[i], argv[1]); i++)
		;
	if (!subs[i]) {
		cli_error("user", "unknown subcommand '%s'", argv[1]);
		user_usage(stderr);
		return CLI_USAGE;
	}
	snprintf(cmd, sizeof(cmd), "user %s", argv[1]);
	p = parse_args(cmd, argc - 1, argv + 1, &a);
	if (p) {
		user_usage(p > 0 ? stdout : stderr);
		return p > 0 ? CLI_OK : CLI_USAGE;
	}
	if (open_data(cmd, a.dir, &db, &key))
		return CLI_FAIL;
	if (i == 0)
		rc = user_add(db, key, &a);
	else if (i == 1)
		rc = user_list(db, &a);
	else
		rc = user_change(cmd, db, key, &a);
	db_close(db);
	vault_key_free(key);
	return rc;
}

int cmd_token(int argc, char **argv)
{
	struct user_args a;
	struct vault_key *key = NULL;
	struct db *db = NULL;
	struct kv_user u;
	char token[TOKEN_TEXT_MAX];
	uint8_t hash[TOKEN_HASH_LEN];
	long long now = (long long)time(NULL), id = 0;
	const char *name;
	int p, rc = CLI_FAIL;

	if (argc < 2 || strcmp(argv[1], "create")) {
		int help = argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"));
		if (!help && argc >= 2)
			cli_error("token", "unknown subcommand '%s'", argv[1]);
		token_usage(help ? stdout : stderr);
		return help ? CLI_OK : CLI_USAGE;
	}
	p = parse_args("token create", argc - 1, argv + 1, &a);
	if (p) {
		token_usage(p > 0 ? stdout : stderr);
		return p > 0 ? CLI_OK : CLI_USAGE;
	}
	name = a.name ? a.name : "command line";
	if (validate_text(name, 100, 0)) {
		cli_error("token create", "--name must be at most 100 characters of plain text");
		return CLI_USAGE;
	}
	if (open_data("token create", a.dir, &db, &key))
		return CLI_FAIL;
	if (find_user("token create", db, a.email, &u))
		goto out;
	if (u.disabled) {
		cli_error("token create", "%s is disabled", u.email);
		goto out;
	}
	token_generate("kv_", token);
	token_hash(token, hash);
	if (db_begin(db) != KV_OK ||
	    db_token_insert(db, u.id, name, hash, now, now + a.days * 86400, &id) != KV_OK ||
	    datadir_audit(db, key, "token.create", "api_token", id, u.email) ||
	    db_commit(db) != KV_OK) {
		db_rollback(db);
		cli_error("token create", "cannot store the token: %s", db_errmsg(db));
		goto out;
	}
	printf("%s\n", token);
	sodium_memzero(token, sizeof(token));
	rc = CLI_OK;
out:
	db_close(db);
	vault_key_free(key);
	return rc;
}
