/* Shared only inside the media module: running one sandboxed ffmpeg/ffprobe child on pipes. */
#ifndef KV_MEDIA_INT_H
#define KV_MEDIA_INT_H

#include <stddef.h>

#include "util/buf.h"
#include "vault/media.h"

#ifndef MEDIA_FFPROBE_PATH
#define MEDIA_FFPROBE_PATH "/usr/bin/ffprobe"
#endif
#ifndef MEDIA_FFMPEG_PATH
#define MEDIA_FFMPEG_PATH "/usr/bin/ffmpeg"
#endif

/* The demuxers a recording may use (av_match_list names: "mov" covers mp4/m4a/3gp). Everything
 * else ffmpeg can parse, from images to playlists, is refused before it is parsed. */
#define MEDIA_FORMATS                                                                              \
	"mov,matroska,webm,avi,wav,w64,mp3,ogg,flac,aac,asf,mpegts,mpeg,flv,amr,caf,aiff"

/* How much of the child's stderr is kept: its head (the first error) and its tail (where
 * "File ended prematurely" and the like come); the middle is read and dropped. */
#define MEDIA_STDERR_HEAD 8192
#define MEDIA_STDERR_TAIL 8192

/* Receives bytes the child wrote on stdout or fd 3. 0 ok, -1 aborts the job. */
typedef int (*media_sink_fn)(void *ctx, const char *buf, size_t len);

struct media_job {
	/* set by the caller */
	char *const *argv;  /* argv[0] is an absolute path */
	media_read_fn read; /* feeds the child's stdin */
	void *rctx;
	media_sink_fn out; /* the child's stdout */
	void *octx;
	media_sink_fn aux; /* the child's fd 3, or NULL to give it no fd 3 */
	void *actx;
	struct media_limits lim; /* resolved: no zero fields */

	/* filled by media_job_run */
	struct kv_buf errbuf;   /* the child's stderr: head, "\n...\n" when a middle was
	                         * dropped, and tail */
	unsigned long long fed; /* bytes written into its stdin */
	int input_done;         /* read reported the end and every byte was fed */
	int stopped_reading;    /* the child closed stdin before the end */
	int timed_out;          /* killed by the wall-clock limit */
	int read_failed;        /* the read callback failed (or misbehaved) */
	int sink_failed;        /* a sink refused the output */
	int exit_code;          /* when it exited, else -1 */
	int signal_no;          /* the signal that ended it, else 0 */
	double cpu_seconds;     /* the CPU time it used */
};

/* Copies lim (or nothing when NULL) over defaults, field by field where non-zero. */
void media_limits_resolve(const struct media_limits *lim, const struct media_limits *defaults,
                          struct media_limits *out);

/* Runs job->argv with the sandbox and limits described in media.h, feeding stdin from read
 * and handing stdout/fd 3 to the sinks until the child has exited and been reaped. Returns 0
 * when the child ran (its fate is in the job fields), -1 with a message in err when it could
 * not be started. Release job->errbuf afterwards with kv_buf_release. */
int media_job_run(struct media_job *job, char *err, size_t errlen);

/* When the job failed for a reason of the runner's (limits, callbacks), writes a message
 * naming `what` ("media check", "conversion") and returns 1; otherwise returns 0. */
int media_job_explain(const struct media_job *job, const char *what, char *err, size_t errlen);

/* Whether the child's stderr contains s. */
int media_job_said(const struct media_job *job, const char *s);

/* Writes the child's first error line, made printable and stripped of ffmpeg's "[demuxer @
 * 0x...]" and "pipe:0: " prefixes, into out (at most 160 characters). */
void media_job_stderr_line(const struct media_job *job, char *out, size_t outlen);

/* The Landlock ABI version the kernel offers, or 0 when children run without Landlock. */
int media_landlock_abi(void);

#endif
