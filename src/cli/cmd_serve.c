/* kvalab serve: runs the HTTP server until SIGTERM or SIGINT, then drains and exits cleanly. */
#include "cli/cli.h"

#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "api/api.h"
#include "api/mail_worker.h"
#include "api/practice.h"
#include "core/token.h"
#include "cli/datadir.h"
#include "cli/instrument_import.h"
#include "db/outbox.h"
#include "http/server.h"
#include "util/parse.h"
#include "util/banned.h"

#define DRAIN_SECONDS 10

static void usage(FILE *out)
{
	fprintf(out, "usage: kvalab serve --data DIR [--listen ADDRESS:PORT] [--web DIR] "
	             "[--threads N] [--instruments DIR]\n\n"
	             "Serves the API under /api/ and the web UI from --web (the built web/dist).\n"
	             "Defaults come from DIR/kvalab.ini, then 127.0.0.1:8080. Port 0 picks a free\n"
	             "port; the address is printed as 'listening on URL'. SIGTERM drains requests\n"
	             "and exits.\n");
}

struct maintenance {
	struct api_ctx *ctx;
	struct db_pool *pool;
	volatile sig_atomic_t stop;
};

/* Runs background jobs (media checks, conversions) one after another. */
static void *jobs_loop(void *arg)
{
	struct maintenance *m = arg;

	api_jobs_recover(m->ctx);
	while (!m->stop)
		if (!api_jobs_run_one(m->ctx))
			usleep(250000);
	return NULL;
}

/* Mails the reminders of practice goals whose review date has come. */
static void practice_reminders(struct maintenance *m)
{
	struct db *db = db_pool_acquire(m->pool);

	if (!db)
		return;
	api_practice_remind(m->ctx, db, (long long)time(NULL));
	db_pool_release(m->pool, db);
}

/* Removes expired sessions and stale throttle rows once a minute; practice reminders at start
 * (the server may have been down on the day) and once a minute. */
static void *maintenance_loop(void *arg)
{
	struct maintenance *m = arg;
	int tick = 0;

	practice_reminders(m);
	while (!m->stop) {
		sleep(1);
		if (++tick < 60)
			continue;
		tick = 0;
		struct db *db = db_pool_acquire(m->pool);
		struct db_stmt *st;
		long long now = (long long)time(NULL);
		if (!db)
			continue;
		st =
		    db_prepare(db, "DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ?");
		if (st) {
			db_bind_int(st, 1, now - 24 * 3600);
			db_bind_int(st, 2, now - 7 * 24 * 3600);
			db_step(st);
			db_finalize(st);
		}
		api_retention_run(m->ctx, db, 0, NULL, NULL);
		api_practice_remind(m->ctx, db, now);
		st = db_prepare(db, "DELETE FROM login_locks WHERE until < ?");
		if (st) {
			db_bind_int(st, 1, now);
			db_step(st);
			db_finalize(st);
		}
		db_pool_release(m->pool, db);
	}
	return NULL;
}

static int join_within(pthread_t t, int seconds)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += seconds;
	return pthread_timedjoin_np(t, NULL, &until) == 0;
}

int cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {{"data", required_argument, NULL, 'd'},
	                                     {"listen", required_argument, NULL, 'l'},
	                                     {"web", required_argument, NULL, 'w'},
	                                     {"threads", required_argument, NULL, 't'},
	                                     {"instruments", required_argument, NULL, 'i'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	const char *dir = NULL, *listen = NULL, *web = NULL, *instruments = NULL;
	long long threads = 0;
	struct http_config hc = {0};
	struct api_ctx ctx;
	struct kv_config cfg;
	struct maintenance maint = {0};
	struct datadir d;
	struct vault_key *key = NULL;
	struct db *db = NULL;
	struct http_server *srv = NULL;
	pthread_t maint_thread, jobs_thread;
	sigset_t sigs;
	char err[512], host[128];
	int c, sig = 0, started = 0, mail_left = 0, jobs_left;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'l':
			listen = optarg;
			break;
		case 'w':
			web = optarg;
			break;
		case 'i':
			instruments = optarg;
			break;
		case 't':
			if (parse_llong_str(optarg, 1, 256, &threads)) {
				cli_error("serve", "--threads must be a number from 1 to 256");
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
	if (!dir || optind != argc) {
		usage(stderr);
		return CLI_USAGE;
	}
	memset(&ctx, 0, sizeof(ctx));
	if (datadir_paths(dir, &d) || datadir_config(&d, &cfg, err, sizeof(err))) {
		cli_error("serve", "%s", datadir_paths(dir, &d) ? "folder name too long" : err);
		return CLI_USAGE;
	}
	/* Held for the server's life: key rotation and a second server on the same folder wait. */
	if (datadir_lock(&d) < 0) {
		cli_error("serve",
		          "another kvalab process is using %s (a server, or a key rotation)",
		          d.dir);
		datadir_config_wipe(&cfg);
		return CLI_FAIL;
	}
	if (datadir_open(&d, 1, &db, &key, err, sizeof(err))) {
		cli_error("serve", "%s", err);
		datadir_config_wipe(&cfg);
		return CLI_FAIL;
	}
	/* The shipped rating scales and outcome measures are always on file. */
	if (!instruments)
		instruments = cfg.instruments[0]                        ? cfg.instruments
		              : access("instruments", R_OK | X_OK) == 0 ? "instruments"
		                                                        : NULL;
	if (instruments && instrument_import_dir(db, key, instruments, err, sizeof(err)) < 0)
		fprintf(stderr, "kvalab serve: warning: instruments in %s: %s\n", instruments, err);
	if (datadir_audit_key(db, key, ctx.audit_key)) {
		cli_error("serve",
		          "the audit key cannot be unwrapped: is this the right master key?");
		db_close(db);
		vault_key_free(key);
		datadir_config_wipe(&cfg);
		return CLI_FAIL;
	}
	if (!mail_enabled(&cfg.mail))
		fprintf(stderr,
		        "kvalab serve: mail is not configured ([mail] url in %s); %lld message(s) "
		        "wait in the outbox\n",
		        d.ini_path, outbox_count(db, "queued"));
	db_close(db);

	ctx.pool = db_pool_new(d.db_path, 16);
	ctx.key = key;
	ctx.data_dir = d.dir;
	ctx.limits.idle_secs = cfg.idle_minutes * 60LL;
	ctx.limits.absolute_secs = cfg.absolute_hours * 3600LL;
	ctx.secure_cookies = cfg.secure_cookies;
	ctx.throttle_limit = cfg.login_max_failures;
	ctx.throttle_window = cfg.login_window_minutes * 60LL;
	ctx.throttle_lock = cfg.login_lock_minutes * 60LL;
	ctx.max_recording_bytes = (long long)cfg.max_recording_mib << 20;
	ctx.upload_expiry_secs = cfg.upload_expiry_days * 86400LL;
	ctx.outcome_link_secs = cfg.outcome_link_hours * 3600LL;
	ctx.outcome_rate_window = cfg.outcome_rate_window_minutes * 60LL;
	ctx.outcome_rate_address = cfg.outcome_rate_per_address;
	ctx.outcome_rate_link = cfg.outcome_rate_per_link;
	snprintf(ctx.public_url, sizeof(ctx.public_url), "%s", cfg.public_url);
	/* Leases and running jobs of an earlier process are recognised by this id. */
	token_generate("b", ctx.boot_id);

	hc.listen = listen ? listen : cfg.listen;
	hc.web_dir = web ? web : (cfg.web[0] ? cfg.web : NULL);
	hc.threads = (unsigned)(threads ? threads : cfg.threads);
	hc.connection_timeout = 60;
	if (hc.web_dir && access(hc.web_dir, R_OK | X_OK) != 0)
		fprintf(stderr,
		        "kvalab serve: warning: web folder %s is not readable; only the "
		        "API will be served\n",
		        hc.web_dir);

	/* Signals are taken by sigwait in this thread only; the server's threads inherit the mask. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* Before the first request, so a handler's mail_worker_wake() always finds it. */
	if (mail_enabled(&cfg.mail)) {
		struct outbox_policy policy = {cfg.mail_max_attempts, cfg.mail_retry_base_seconds};
		if (mail_worker_start(&ctx, &cfg.mail, &policy, cfg.mail_poll_seconds)) {
			cli_error("serve", "the mail worker could not start");
			goto out;
		}
	}
	datadir_config_wipe(&cfg);

	srv = http_start(&hc, &ctx, err, sizeof(err));
	if (!srv) {
		cli_error("serve", "%s", err);
		goto out;
	}
	started = 1;
	snprintf(host, sizeof(host), "%s", hc.listen);
	*strrchr(host, ':') = '\0';
	printf("kvalab: listening on http://%s:%u\n", host, http_port(srv));
	fflush(stdout);
	maint.pool = ctx.pool;
	maint.ctx = &ctx;
	pthread_create(&maint_thread, NULL, maintenance_loop, &maint);
	pthread_create(&jobs_thread, NULL, jobs_loop, &maint);

	sigwait(&sigs, &sig);
	fprintf(stderr, "kvalab: %s received, finishing requests in flight\n",
	        sig == SIGTERM ? "SIGTERM" : "SIGINT");
	http_stop(srv, DRAIN_SECONDS);
	maint.stop = 1;
	pthread_join(maint_thread, NULL);
	/* A message being handed over is given back unsent; one already handed over waits for
	 * the server's answer, but not for ever: its lease expires and it is tried again. */
	mail_left = !mail_worker_stop(5);
	if (mail_left)
		fprintf(stderr, "kvalab: a mail server did not answer in time; the message is "
		                "tried again at start\n");
	/* A conversion may run for a long time; it is resumed after a restart, so the process
	 * does not wait for it beyond a few seconds. */
	jobs_left = !join_within(jobs_thread, 5);
	if (jobs_left)
		fprintf(stderr,
		        "kvalab: a background job was interrupted; it runs again at start\n");
	/* A thread left behind still uses the pool: the process ends without freeing it. */
	if (jobs_left || mail_left) {
		vault_key_free(key);
		return CLI_OK;
	}
	fprintf(stderr, "kvalab: stopped\n");
out:
	if (!started && !mail_worker_stop(5)) {
		vault_key_free(key);
		return CLI_FAIL;
	}
	datadir_config_wipe(&cfg);
	db_pool_free(ctx.pool);
	sodium_memzero(ctx.audit_key, sizeof(ctx.audit_key));
	vault_key_free(key);
	return started ? CLI_OK : CLI_FAIL;
}
