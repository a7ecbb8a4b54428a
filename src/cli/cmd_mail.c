/* kvalab mail: check the [mail] configuration by sending a test message, and look after the
 * outbox (list messages, send a failed one again) for the lab's operator. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "cli/datadir.h"
#include "core/validate.h"
#include "db/outbox.h"
#include "report/ical.h"
#include "report/mail.h"
#include "util/parse.h"
#include "util/banned.h"

#define TEST_SUBJECT "kvalab test message – æ ø å"
#define TEST_LINK "https://meet.example.org/kvalab-test"

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: kvalab mail test --data DIR ADDRESS [--queue] [--invite]\n"
	        "       kvalab mail list --data DIR [--failed | --state STATE] [--limit N]\n"
	        "       kvalab mail retry --data DIR ID\n\n"
	        "test   sends one message to ADDRESS with the [mail] settings of DIR/kvalab.ini\n"
	        "       and says what the server answered. --queue puts it in the outbox instead,\n"
	        "       for the running server to send (it looks every [mail] poll_seconds).\n"
	        "       --invite attaches a sample meeting invitation (.ics).\n"
	        "list   the newest messages in the outbox (no bodies); STATE is queued, sending,\n"
	        "       sent or failed.\n"
	        "retry  sends a failed message again (its attempts start over).\n");
}

struct opts {
	const char *dir;
	const char *state;
	long long limit;
	int queue, invite;
};

/* The sample invitation: tomorrow, on the hour, 45 minutes. */
static int sample_invite(const struct kv_config *cfg, const char *to, struct kv_buf *ics, char *err,
                         size_t errlen)
{
	char organizer[256], uid[64], rnd[17];
	unsigned char r[8];
	struct ical_person attendee = {"", to};
	struct ical_meeting m;
	time_t now = time(NULL);

	if (mail_from_address(cfg->mail.from, organizer, sizeof(organizer)))
		snprintf(organizer, sizeof(organizer), "kvalab@example.org");
	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(rnd, sizeof(rnd), r, sizeof(r));
	snprintf(uid, sizeof(uid), "test-%s@kvalab", rnd);
	memset(&m, 0, sizeof(m));
	m.uid = uid;
	m.start = (now / 3600 + 24) * 3600;
	m.duration_min = 45;
	m.stamp = now;
	m.summary = "kvalab test meeting – æ ø å";
	m.description = "A test invitation from kvalab; it can be deleted.";
	m.link = TEST_LINK;
	m.organizer.name = "kvalab";
	m.organizer.email = organizer;
	m.attendees = &attendee;
	m.attendee_count = 1;
	return ical_meeting_write(&m, ics, err, errlen);
}

static int mail_test(const struct datadir *d, const struct kv_config *cfg, const struct opts *o,
                     const char *to)
{
	struct kv_buf ics = KV_BUF_INIT(1 << 20);
	struct vault_key *key = NULL;
	struct db *db = NULL;
	char err[1024], body[1024], detail[512];
	struct mail_message m;
	const char *why;
	long long id;
	int rc = CLI_FAIL;

	if ((why = validate_email(to))) {
		cli_error("mail", "ADDRESS %s", why);
		return CLI_USAGE;
	}
	if (!o->queue && !mail_enabled(&cfg->mail)) {
		cli_error("mail", "mail is not configured: set url and from in [mail] of %s",
		          d->ini_path);
		return CLI_FAIL;
	}
	if (o->invite && sample_invite(cfg, to, &ics, err, sizeof(err))) {
		cli_error("mail", "the sample invitation: %s", err);
		return CLI_FAIL;
	}
	snprintf(body, sizeof(body),
	         "This is a test message from kvalab (data folder %.300s).\n\n"
	         "If the letters æ ø å Æ Ø Å read right, text in Norwegian and Danish will too.\n"
	         "No reply is needed.\n",
	         d->dir);
	m.to = to;
	m.subject = TEST_SUBJECT;
	m.body = body;
	m.ics = o->invite ? kv_buf_str(&ics) : NULL;
	m.ics_method = o->invite ? "REQUEST" : NULL;
	if (datadir_open(d, 1, &db, &key, err, sizeof(err))) {
		cli_error("mail", "%s", err);
		goto out;
	}
	if (o->queue) {
		struct outbox_new n = {"test", 0, to, m.subject, m.body, m.ics, m.ics_method, 0, 0};
		if (db_begin(db) != KV_OK || (id = outbox_enqueue(db, &n, time(NULL))) < 0 ||
		    datadir_audit(db, key, "mail.queue", "mail", id, to) ||
		    db_commit(db) != KV_OK) {
			db_rollback(db);
			cli_error("mail", "the message could not be queued: %s", db_errmsg(db));
			goto out;
		}
		printf("queued: %lld\n", id);
		if (!mail_enabled(&cfg->mail))
			printf(
			    "note: mail is not configured; it waits in the outbox until [mail] url "
			    "is set\n");
		rc = CLI_OK;
		goto out;
	}
	if (mail_global_init()) {
		cli_error("mail", "libcurl could not be initialised");
		goto out;
	}
	if (mail_send(&cfg->mail, &m, err, sizeof(err))) {
		snprintf(detail, sizeof(detail), "to %s: %.400s", to, err);
		datadir_audit(db, key, "mail.test", NULL, 0, detail);
		cli_error("mail", "sending to %s through %s failed: %s", to, cfg->mail.url, err);
		goto out;
	}
	snprintf(detail, sizeof(detail), "to %s: sent", to);
	datadir_audit(db, key, "mail.test", NULL, 0, detail);
	printf("sent: %s through %s\n", to, cfg->mail.url);
	rc = CLI_OK;
out:
	db_close(db);
	vault_key_free(key);
	kv_buf_release(&ics);
	return rc;
}

static const char *str_or(json_t *o, const char *k, const char *def)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : def;
}

static int mail_list(struct db *db, const struct opts *o)
{
	json_t *rows = outbox_list_json(db, o->state, 0, 0, (int)o->limit), *r;
	size_t i;

	if (!rows) {
		cli_error("mail", "the outbox could not be read: %s", db_errmsg(db));
		return CLI_FAIL;
	}
	printf("%-6s %-8s %-8s %-20s %-32s %-20s %s\n", "ID", "STATE", "TRIES", "KIND", "TO",
	       "CREATED", "LAST ERROR");
	json_array_foreach(rows, i, r)
	{
		char tries[24];
		snprintf(tries, sizeof(tries), "%lld/%lld",
		         (long long)json_integer_value(json_object_get(r, "attempts")),
		         (long long)json_integer_value(json_object_get(r, "max_attempts")));
		printf("%-6lld %-8s %-8s %-20s %-32s %-20s %s\n",
		       (long long)json_integer_value(json_object_get(r, "id")),
		       str_or(r, "state", ""), tries, str_or(r, "kind", ""),
		       str_or(r, "to_addr", ""), str_or(r, "created_at", ""),
		       str_or(r, "last_error", ""));
	}
	json_decref(rows);
	return CLI_OK;
}

static int mail_retry(struct db *db, const struct vault_key *key, const char *arg)
{
	long long id;
	enum kv_err rc;

	if (parse_llong_str(arg, 1, 9007199254740991LL, &id)) {
		cli_error("mail", "ID must be a message number (see kvalab mail list)");
		return CLI_USAGE;
	}
	if (db_begin(db) != KV_OK) {
		cli_error("mail", "the database is busy; try again");
		return CLI_FAIL;
	}
	rc = outbox_retry(db, id, (long long)time(NULL));
	if (rc == KV_OK && datadir_audit(db, key, "mail.retry", "mail", id, NULL))
		rc = KV_EINTERNAL;
	if (rc == KV_OK)
		rc = db_commit(db);
	if (rc != KV_OK) {
		db_rollback(db);
		if (rc == KV_ENOTFOUND)
			cli_error("mail", "there is no message %lld", id);
		else if (rc == KV_ECONFLICT)
			cli_error("mail",
			          "message %lld has not failed; only failed messages are "
			          "sent again",
			          id);
		else
			cli_error("mail", "message %lld could not be queued again", id);
		return CLI_FAIL;
	}
	printf("queued again: %lld\n", id);
	return CLI_OK;
}

int cmd_mail(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"data", required_argument, NULL, 'd'},  {"queue", no_argument, NULL, 'q'},
	    {"invite", no_argument, NULL, 'i'},      {"failed", no_argument, NULL, 'f'},
	    {"state", required_argument, NULL, 's'}, {"limit", required_argument, NULL, 'n'},
	    {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0}};
	static const char *const states[] = {"queued", "sending", "sent", "failed", NULL};
	struct opts o = {NULL, NULL, 50, 0, 0};
	struct vault_key *key = NULL;
	struct kv_config cfg;
	struct db *db = NULL;
	struct datadir d;
	const char *sub;
	char err[1024];
	int c, rc, i, known;

	if (argc < 2 || argv[1][0] == '-') {
		int help = argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"));
		usage(help ? stdout : stderr);
		return help ? CLI_OK : CLI_USAGE;
	}
	sub = argv[1];
	if (strcmp(sub, "test") && strcmp(sub, "list") && strcmp(sub, "retry")) {
		cli_error("mail", "unknown subcommand '%s'", sub);
		usage(stderr);
		return CLI_USAGE;
	}
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o.dir = optarg;
			break;
		case 'q':
			o.queue = 1;
			break;
		case 'i':
			o.invite = 1;
			break;
		case 'f':
			o.state = "failed";
			break;
		case 's':
			for (i = 0, known = 0; states[i]; i++)
				known |= !strcmp(optarg, states[i]);
			if (!known) {
				cli_error("mail",
				          "--state must be queued, sending, sent or failed");
				return CLI_USAGE;
			}
			o.state = optarg;
			break;
		case 'n':
			if (parse_llong_str(optarg, 1, 10000, &o.limit)) {
				cli_error("mail", "--limit must be a number from 1 to 10000");
				return CLI_USAGE;
			}
			break;
		case 'h':
			usage(stdout);
			return CLI_OK;
		default:
			usage(stderr);
			return CLI_USAGE;
		}
	}
	/* test and retry take one operand, list none. */
	if (!o.dir || argc - 1 - optind != (strcmp(sub, "list") ? 1 : 0)) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (datadir_paths(o.dir, &d)) {
		cli_error("mail", "the folder name is too long");
		return CLI_USAGE;
	}
	if (datadir_config(&d, &cfg, err, sizeof(err))) {
		cli_error("mail", "%s", err);
		return CLI_USAGE;
	}
	if (!strcmp(sub, "test")) {
		rc = mail_test(&d, &cfg, &o, argv[1 + optind]);
		datadir_config_wipe(&cfg);
		return rc;
	}
	datadir_config_wipe(&cfg);
	if (datadir_open(&d, 1, &db, &key, err, sizeof(err))) {
		cli_error("mail", "%s", err);
		return CLI_FAIL;
	}
	rc = !strcmp(sub, "list") ? mail_list(db, &o) : mail_retry(db, key, argv[1 + optind]);
	db_close(db);
	vault_key_free(key);
	return rc;
}
