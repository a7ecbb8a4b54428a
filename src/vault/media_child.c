/* Runs one ffmpeg/ffprobe child in a sandbox and talks to it through pipes with one poll() loop. */
#include "vault/media_int.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifdef SYS_landlock_create_ruleset
#include <linux/landlock.h>
#endif

#include "util/xalloc.h"
#include "util/banned.h"

#define IO_CHUNK 65536
#define CHILD_NOFILE 64
#define POLL_MAX_MS 1000

/* The child's fds: stdin, stdout, stderr and the optional fd 3. */
enum { P_IN, P_OUT, P_ERR, P_AUX, P__MAX };

/* Nothing from the server's environment reaches the child: no FFREPORT (which would write a log
 * file), no HOME with presets, no proxy settings. The arena cap keeps RLIMIT_AS predictable. */
static char *const child_env[] = {"LC_ALL=C", "MALLOC_ARENA_MAX=2", "AV_LOG_FORCE_NOCOLOR=1", NULL};

void media_limits_resolve(const struct media_limits *lim, const struct media_limits *defaults,
                          struct media_limits *out)
{
	*out = *defaults;
	if (!lim)
		return;
	if (lim->cpu_seconds)
		out->cpu_seconds = lim->cpu_seconds;
	if (lim->memory_bytes)
		out->memory_bytes = lim->memory_bytes;
	if (lim->wall_seconds)
		out->wall_seconds = lim->wall_seconds;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* --- Landlock: no writes anywhere on the file system, no TCP ----------------------------- */

#ifdef SYS_landlock_create_ruleset
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#define NET_BIND_TCP (1ULL << 0)
#define NET_CONNECT_TCP (1ULL << 1)

/* The ABI 4 layout; older kernels are given only the first field. */
struct ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
};
#endif

int media_landlock_abi(void)
{
#ifdef SYS_landlock_create_ruleset
	long v = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	return v > 0 ? (int)v : 0;
#else
	return 0;
#endif
}

/* Called in the child between fork and exec, so only system calls. A ruleset that handles an
 * access right and grants it nowhere denies it everywhere; reading (to load the program and
 * its libraries) stays allowed. Without Landlock the rlimits remain. */
static void child_landlock(void)
{
#ifdef SYS_landlock_create_ruleset
	struct ruleset_attr attr;
	size_t size = sizeof(attr.handled_access_fs);
	long abi, fd;

	abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 1)
		return;
	memset(&attr, 0, sizeof(attr));
	attr.handled_access_fs = LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR |
	                         LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR |
	                         LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
	                         LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO |
	                         LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM;
	if (abi >= 2)
		attr.handled_access_fs |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		attr.handled_access_fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 4) {
		attr.handled_access_net = NET_BIND_TCP | NET_CONNECT_TCP;
		size = sizeof(attr);
	}
	fd = syscall(SYS_landlock_create_ruleset, &attr, size, 0);
	if (fd < 0)
		return;
	syscall(SYS_landlock_restrict_self, (int)fd, 0);
	close((int)fd);
#endif
}

/* --- the child side, between fork and exec: async-signal-safe calls only ---------------- */

static void set_limit(int resource, rlim_t soft, rlim_t hard)
{
	struct rlimit rl;

	rl.rlim_cur = soft;
	rl.rlim_max = hard;
	setrlimit(resource, &rl);
}

static void close_from(int lowest)
{
	struct rlimit rl;
	int fd, max = 65536;

	if (close_range((unsigned)lowest, ~0U, 0) == 0)
		return;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < (rlim_t)max)
		max = (int)rl.rlim_cur;
	for (fd = lowest; fd < max; fd++)
		close(fd);
}

static void child_fail(int status_fd, int e)
{
	ssize_t n = write(status_fd, &e, sizeof(e));

	(void)n;
	_exit(127);
}

/* Sets up the sandbox and replaces the process with job->argv; reports errno on status_fd. */
static void child_exec(const struct media_job *job, const int fds[P__MAX], int nfds, int status_fd,
                       pid_t parent)
{
	static const int reset[] = {SIGPIPE, SIGXCPU, SIGXFSZ, SIGINT, SIGTERM, SIGHUP, SIGCHLD};
	struct sigaction sa;
	sigset_t none;
	int moved[P__MAX], i, sfd;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (i = 0; i < (int)(sizeof(reset) / sizeof(reset[0])); i++)
		sigaction(reset[i], &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	setpgid(0, 0);
	/* The child must not outlive a crashed server; a parent that died before this line
	 * would leave the child adopted, so check. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);

	/* Move everything above the target numbers first, so no dup2 overwrites a source. */
	for (i = 0; i < nfds; i++)
		if ((moved[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 16)) < 0)
			child_fail(status_fd, errno);
	if ((sfd = fcntl(status_fd, F_DUPFD_CLOEXEC, 16)) < 0)
		child_fail(status_fd, errno);
	for (i = 0; i < nfds; i++)
		if (dup2(moved[i], i) < 0) /* dup2 clears close-on-exec on the copy */
			child_fail(sfd, errno);
	if (dup3(sfd, nfds, O_CLOEXEC) < 0)
		child_fail(sfd, errno);
	sfd = nfds;
	close_from(nfds + 1);

	if (chdir("/") != 0)
		child_fail(sfd, errno);
	set_limit(RLIMIT_CPU, job->lim.cpu_seconds, (rlim_t)job->lim.cpu_seconds + 1);
	set_limit(RLIMIT_AS, (rlim_t)job->lim.memory_bytes, (rlim_t)job->lim.memory_bytes);
	set_limit(RLIMIT_FSIZE, 0, 0);
	set_limit(RLIMIT_CORE, 0, 0);
	set_limit(RLIMIT_NOFILE, CHILD_NOFILE, CHILD_NOFILE);
	prctl(PR_SET_DUMPABLE, 0);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		child_fail(sfd, errno);
	child_landlock();

	execve(job->argv[0], job->argv, child_env);
	child_fail(sfd, errno);
}

/* --- the parent side --------------------------------------------------------------------- */

struct run {
	struct media_job *job;
	int fd[P__MAX]; /* parent ends; -1 once closed */
	char *feed;     /* bytes read but not yet written to stdin */
	size_t feed_off, feed_len;
	char *drain;                  /* scratch for reading the child's output */
	char tail[MEDIA_STDERR_TAIL]; /* the latest stderr after the head */
	size_t tail_len;
	unsigned long long tail_dropped; /* stderr bytes between head and tail */
	int got_epipe;
};

static void close_fd(int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	}
}

/* Feeds the child's stdin one chunk at a time, asking read for more only when the child can
 * take it. Returns -1 to abort the job. */
static int feed_stdin(struct run *r, short revents)
{
	struct media_job *job = r->job;
	ssize_t n;

	if ((revents & (POLLERR | POLLHUP)) && !(revents & POLLOUT)) {
		job->stopped_reading = 1;
		close_fd(&r->fd[P_IN]);
		return 0;
	}
	if (r->feed_off == r->feed_len) {
		size_t got = 0;

		if (job->read(job->rctx, r->feed, IO_CHUNK, &got) != 0 || got > IO_CHUNK) {
			job->read_failed = 1;
			return -1;
		}
		if (got == 0) {
			job->input_done = 1;
			close_fd(&r->fd[P_IN]);
			return 0;
		}
		r->feed_off = 0;
		r->feed_len = got;
	}
	n = write(r->fd[P_IN], r->feed + r->feed_off, r->feed_len - r->feed_off);
	if (n > 0) {
		r->feed_off += (size_t)n;
		job->fed += (unsigned long long)n;
	} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
		/* EPIPE: the child has read all it wanted (ffprobe often stops after the head). */
		if (errno == EPIPE)
			r->got_epipe = 1;
		job->stopped_reading = 1;
		close_fd(&r->fd[P_IN]);
	}
	return 0;
}

/* Keeps the head of stderr in job->errbuf and its latest bytes in r->tail. */
static void keep_stderr(struct run *r, const char *p, size_t n)
{
	struct kv_buf *head = &r->job->errbuf;
	size_t room = head->len < MEDIA_STDERR_HEAD ? MEDIA_STDERR_HEAD - head->len : 0;

	if (room) {
		size_t k = n < room ? n : room;

		kv_buf_add(head, p, k);
		p += k;
		n -= k;
	}
	if (!n)
		return;
	if (n >= MEDIA_STDERR_TAIL) {
		r->tail_dropped += r->tail_len + (n - MEDIA_STDERR_TAIL);
		memcpy(r->tail, p + n - MEDIA_STDERR_TAIL, MEDIA_STDERR_TAIL);
		r->tail_len = MEDIA_STDERR_TAIL;
		return;
	}
	if (r->tail_len + n > MEDIA_STDERR_TAIL) {
		size_t drop = r->tail_len + n - MEDIA_STDERR_TAIL;

		memmove(r->tail, r->tail + drop, r->tail_len - drop);
		r->tail_len -= drop;
		r->tail_dropped += drop;
	}
	memcpy(r->tail + r->tail_len, p, n);
	r->tail_len += n;
}

/* Reads what the child wrote on one pipe and hands it on. Returns -1 to abort the job. */
static int drain_pipe(struct run *r, int which)
{
	struct media_job *job = r->job;
	ssize_t n = read(r->fd[which], r->drain, IO_CHUNK);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		close_fd(&r->fd[which]);
		return 0;
	}
	if (which == P_ERR) {
		keep_stderr(r, r->drain, (size_t)n);
		return 0;
	}
	if ((which == P_OUT ? job->out(job->octx, r->drain, (size_t)n)
	                    : job->aux(job->actx, r->drain, (size_t)n)) != 0) {
		job->sink_failed = 1;
		return -1;
	}
	return 0;
}

/* The poll loop: runs until every pipe is closed, a callback aborts, or the deadline passes. */
static int pump(struct run *r, long long deadline)
{
	static const short events[P__MAX] = {POLLOUT, POLLIN, POLLIN, POLLIN};
	struct pollfd pfd[P__MAX];
	int which[P__MAX], i, n, k;

	for (;;) {
		long long left = deadline - now_ms();

		for (n = 0, i = 0; i < P__MAX; i++) {
			if (r->fd[i] < 0)
				continue;
			pfd[n].fd = r->fd[i];
			pfd[n].events = events[i];
			pfd[n].revents = 0;
			which[n++] = i;
		}
		if (n == 0)
			return 0;
		if (left <= 0) {
			r->job->timed_out = 1;
			return -1;
		}
		k = poll(pfd, (nfds_t)n, left > POLL_MAX_MS ? POLL_MAX_MS : (int)left);
		if (k < 0 && errno != EINTR)
			return -1;
		for (i = 0; k > 0 && i < n; i++) {
			if (!pfd[i].revents)
				continue;
			if (which[i] == P_IN ? feed_stdin(r, pfd[i].revents)
			                     : drain_pipe(r, which[i]))
				return -1;
		}
	}
}

/* Waits for the child to end (killing its group at the deadline), kills whatever is left in
 * its process group while the group id still belongs to us, and reaps it. */
static void reap(struct media_job *job, pid_t pid, long long deadline, int kill_now)
{
	struct rusage ru;
	siginfo_t si;
	int status = 0, w;

	if (kill_now)
		kill(-pid, SIGKILL);
	for (;;) {
		memset(&si, 0, sizeof(si));
		w = waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT);
		if (w == 0 && si.si_pid)
			break;
		if (w < 0 && errno == ECHILD)
			return; /* reaped behind our back (a SIGCHLD handler): the fate is unknown */
		if (now_ms() >= deadline) {
			job->timed_out = 1;
			kill(-pid, SIGKILL);
			while (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) != 0 &&
			       errno == EINTR)
				;
			break;
		}
		nanosleep(&(struct timespec){0, 5 * 1000 * 1000}, NULL);
	}
	kill(-pid, SIGKILL); /* a zombie leader keeps the group id ours until it is reaped */
	while ((w = wait4(pid, &status, 0, &ru)) < 0 && errno == EINTR)
		;
	if (w != pid)
		return;
	job->cpu_seconds = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	                   (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	if (WIFEXITED(status)) {
		job->exit_code = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status)) {
		job->signal_no = WTERMSIG(status);
	}
}

/* Blocks SIGPIPE in this thread so a write to a child that has gone away returns EPIPE
 * instead of killing the server; afterwards a SIGPIPE we caused is consumed, not delivered. */
static void sigpipe_block(sigset_t *old, int *was_pending)
{
	sigset_t set, pending;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, old);
	sigemptyset(&pending);
	sigpending(&pending);
	*was_pending = sigismember(&pending, SIGPIPE) == 1;
}

static void sigpipe_restore(const sigset_t *old, int was_pending, int got_epipe)
{
	if (got_epipe && !was_pending) {
		struct timespec zero = {0, 0};
		sigset_t set;

		sigemptyset(&set);
		sigaddset(&set, SIGPIPE);
		while (sigtimedwait(&set, NULL, &zero) < 0 && errno == EINTR)
			;
	}
	pthread_sigmask(SIG_SETMASK, old, NULL);
}

int media_job_run(struct media_job *job, char *err, size_t errlen)
{
	struct run r;
	int child[P__MAX], status[2] = {-1, -1}, nfds, i, e = 0, rc = -1, pumped;
	int was_pending = 0;
	long long deadline;
	sigset_t oldmask;
	ssize_t n;
	pid_t pid, self = getpid();

	memset(&r, 0, sizeof(r));
	r.job = job;
	kv_buf_init(&job->errbuf, MEDIA_STDERR_HEAD + 8 + MEDIA_STDERR_TAIL);
	job->fed = 0;
	job->input_done = job->stopped_reading = job->timed_out = 0;
	job->read_failed = job->sink_failed = job->signal_no = 0;
	job->exit_code = -1;
	job->cpu_seconds = 0;
	nfds = job->aux ? P__MAX : P_AUX;
	for (i = 0; i < P__MAX; i++)
		child[i] = r.fd[i] = -1;
	for (i = 0; i < nfds; i++) {
		int p[2];

		if (pipe2(p, O_CLOEXEC) != 0) {
			snprintf(err, errlen, "cannot create pipes for the media tool: %s",
			         strerror(errno));
			goto out;
		}
		child[i] = i == P_IN ? p[0] : p[1];
		r.fd[i] = i == P_IN ? p[1] : p[0];
		fcntl(r.fd[i], F_SETFL, fcntl(r.fd[i], F_GETFL) | O_NONBLOCK);
	}
	if (pipe2(status, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "cannot create pipes for the media tool: %s",
		         strerror(errno));
		goto out;
	}
	r.feed = xmalloc(2 * IO_CHUNK);
	r.drain = r.feed + IO_CHUNK;

	deadline = now_ms() + (long long)job->lim.wall_seconds * 1000;
	sigpipe_block(&oldmask, &was_pending);
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "cannot start the media tool: %s", strerror(errno));
		sigpipe_restore(&oldmask, was_pending, 0);
		goto out;
	}
	if (pid == 0)
		child_exec(job, child, nfds, status[1], self);
	setpgid(pid, pid); /* also done by the child; whichever runs first wins the race */
	for (i = 0; i < nfds; i++)
		close_fd(&child[i]);
	close_fd(&status[1]);

	/* The status pipe closes on a successful exec, or carries the errno of a failed one. */
	while ((n = read(status[0], &e, sizeof(e))) < 0 && errno == EINTR)
		;
	if (n == (ssize_t)sizeof(e)) {
		reap(job, pid, deadline, 1);
		snprintf(err, errlen, "cannot start %s: %s", job->argv[0], strerror(e));
		sigpipe_restore(&oldmask, was_pending, 0);
		goto out;
	}

	pumped = pump(&r, deadline);
	for (i = 0; i < P__MAX; i++)
		close_fd(&r.fd[i]);
	reap(job, pid, deadline, pumped != 0);
	sigpipe_restore(&oldmask, was_pending, r.got_epipe);
	if (r.tail_dropped)
		kv_buf_adds(&job->errbuf, "\n...\n");
	kv_buf_add(&job->errbuf, r.tail, r.tail_len);
	rc = 0;
out:
	for (i = 0; i < P__MAX; i++) {
		close_fd(&child[i]);
		close_fd(&r.fd[i]);
	}
	close_fd(&status[0]);
	close_fd(&status[1]);
	free(r.feed);
	return rc;
}

int media_job_said(const struct media_job *job, const char *s)
{
	return job->errbuf.len && strstr(job->errbuf.data, s) != NULL;
}

int media_job_explain(const struct media_job *job, const char *what, char *err, size_t errlen)
{
	if (job->read_failed) {
		snprintf(err, errlen, "the recording could not be read");
	} else if (job->sink_failed) {
		snprintf(err, errlen, "the converted recording could not be stored");
	} else if (job->timed_out) {
		snprintf(err, errlen, "%s took too long", what);
	} else if (job->signal_no == SIGXCPU ||
	           (job->exit_code != 0 && job->cpu_seconds >= (double)job->lim.cpu_seconds)) {
		/* ffmpeg catches SIGXCPU and exits, so the time it used tells. */
		snprintf(err, errlen, "%s used too much processing time", what);
	} else if (media_job_said(job, "failed to map segment") ||
	           media_job_said(job, "annot allocate memory") ||
	           media_job_said(job, "out of memory")) {
		snprintf(err, errlen, "%s ran out of memory", what);
	} else if (job->signal_no == SIGKILL) {
		snprintf(err, errlen, "%s was stopped (out of memory or processing time)", what);
	} else if (job->signal_no == SIGXFSZ) {
		snprintf(err, errlen, "%s tried to write a file and was stopped", what);
	} else if (job->signal_no) {
		snprintf(err, errlen, "%s crashed on this file", what);
	} else if (job->exit_code < 0) {
		/* Reaped by someone else (a SIGCHLD handler, or SIGCHLD ignored). */
		snprintf(err, errlen, "%s ended without an exit status", what);
	} else {
		return 0;
	}
	return 1;
}

void media_job_stderr_line(const struct media_job *job, char *out, size_t outlen)
{
	const char *s = job->errbuf.len ? job->errbuf.data : "";
	size_t o = 0;

	if (outlen == 0)
		return;
	while (*s == '\n' || *s == ' ')
		s++;
	if (*s == '[') { /* "[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55d1c0a0] " */
		const char *close = strchr(s, ']');
		if (close && (size_t)(close - s) < 80 &&
		    memchr(s, '\n', (size_t)(close - s)) == NULL)
			s = close + 1;
		while (*s == ' ')
			s++;
	}
	if (strncmp(s, "pipe:0: ", 8) == 0)
		s += 8;
	for (; *s && *s != '\n' && o + 1 < outlen && o < 160; s++)
		out[o++] = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
	while (o > 0 && (out[o - 1] == ' ' || out[o - 1] == '.'))
		o--;
	out[o] = '\0';
}
