/* Converts a recording browsers cannot play into fragmented MP4 (H.264/AAC) with ffmpeg in a
 * sandbox, from pipe to pipe.
 *
 * Fragmented, because a normal MP4 needs its index written in front of the data once the data
 * is known, which takes a seekable output (or a second pass over a temporary file, which would
 * put plaintext on disk). A keyframe every 2 s keeps fragments short and seeking in the
 * rater's player quick; ffmpeg ends the file with an index of the fragments (mfra). */
#include "vault/media.h"

#include <stdio.h>
#include <string.h>

#include "util/parse.h"
#include "vault/media_int.h"
#include "util/banned.h"

#define PROGRESS_LINE_MAX 256

static const struct media_limits transcode_defaults = {6 * 3600, 2ULL << 30, 6 * 3600};

/* At most 1280x720 landscape or 720x1280 portrait (after ffmpeg applies the rotation stored by
 * phones), never enlarged, aspect kept, even sizes as 4:2:0 needs. */
#define SCALE                                                                                      \
	"scale=w='if(gte(iw,ih),min(1280,iw),min(720,iw))'"                                        \
	":h='if(gte(iw,ih),min(720,ih),min(1280,ih))'"                                             \
	":force_original_aspect_ratio=decrease:force_divisible_by=2"

/* clang-format off */
#define INPUT_ARGS \
	MEDIA_FFMPEG_PATH, "-hide_banner", "-nostats", "-v", "error", \
	"-filter_threads", "1", \
	"-threads", "2", \
	"-protocol_whitelist", "pipe", \
	"-format_whitelist", MEDIA_FORMATS, \
	"-i", "pipe:0", \
	"-sn", "-dn", "-map_metadata", "-1", "-map_chapters", "-1"

#define AUDIO_ARGS \
	"-c:a", "aac", "-b:a", "128k", \
	"-af", "aformat=channel_layouts=mono|stereo"

#define OUTPUT_ARGS \
	"-threads", "2", \
	"-max_muxing_queue_size", "4096", \
	"-f", "mp4", \
	"-movflags", "frag_keyframe+empty_moov+default_base_moof", \
	"-progress", "pipe:3", \
	"pipe:1"

static char *const video_argv[] = {
	INPUT_ARGS,
	"-map", "0:V:0", /* the first video that is not a cover picture */
	"-map", "0:a:0?",
	"-vf", SCALE,
	"-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-pix_fmt", "yuv420p",
	"-crf", "23",
	"-force_key_frames", "expr:gte(t,n_forced*2)",
	AUDIO_ARGS,
	OUTPUT_ARGS,
	NULL
};

/* Audio packets are all keyframes, and frag_keyframe cuts only video, so the fragments of an
 * audio-only file are cut by duration instead (else the whole file would be one fragment,
 * held in memory until the end). */
static char *const audio_argv[] = {
	INPUT_ARGS,
	"-map", "0:a:0", "-vn",
	AUDIO_ARGS,
	"-frag_duration", "2000000",
	OUTPUT_ARGS,
	NULL
};
/* clang-format on */

struct transcode_out {
	media_write_fn write;
	void *wctx;
	unsigned long long written;
	media_progress_fn progress;
	void *pctx;
	double duration;
	double last; /* the last fraction reported; -1 before the first */
	char line[PROGRESS_LINE_MAX];
	size_t line_len;
	int overlong; /* the current line did not fit and is skipped */
};

static int out_sink(void *ctx, const char *buf, size_t len)
{
	struct transcode_out *to = ctx;

	to->written += len;
	return to->write(to->wctx, buf, len);
}

static void report(struct transcode_out *to, double f)
{
	if (!to->progress)
		return;
	if (f < 0)
		f = 0;
	if (f > 1)
		f = 1;
	if (to->last >= 0 && f <= to->last)
		return;
	to->last = f;
	to->progress(to->pctx, f);
}

/* One line of ffmpeg's -progress output, "key=value". */
static void progress_line(struct transcode_out *to, const char *s, size_t len)
{
	static const char key[] = "out_time_us=";
	long long us;

	if (to->duration <= 0 || len <= sizeof(key) - 1 || memcmp(s, key, sizeof(key) - 1) != 0)
		return;
	if (parse_llong(s + sizeof(key) - 1, len - (sizeof(key) - 1), -(1LL << 62), 1LL << 62,
	                &us) == 0)
		report(to, (double)us / 1e6 / to->duration);
}

static int progress_sink(void *ctx, const char *buf, size_t len)
{
	struct transcode_out *to = ctx;
	size_t i;

	for (i = 0; i < len; i++) {
		if (buf[i] == '\n') {
			if (!to->overlong)
				progress_line(to, to->line, to->line_len);
			to->line_len = 0;
			to->overlong = 0;
		} else if (to->line_len < sizeof(to->line)) {
			to->line[to->line_len++] = buf[i];
		} else {
			to->overlong = 1;
		}
	}
	return 0;
}

int media_transcode(media_read_fn read, void *rctx, media_write_fn write, void *wctx,
                    media_progress_fn progress, void *pctx, double duration, int has_video,
                    const struct media_limits *lim, char *err, size_t errlen)
{
	struct media_job job;
	struct transcode_out to;
	char line[200];
	int rc = -1;

	memset(&job, 0, sizeof(job));
	memset(&to, 0, sizeof(to));
	to.write = write;
	to.wctx = wctx;
	to.progress = progress;
	to.pctx = pctx;
	to.duration = duration > 0 ? duration : 0;
	to.last = -1;
	job.argv = has_video ? video_argv : audio_argv;
	job.read = read;
	job.rctx = rctx;
	job.out = out_sink;
	job.octx = &to;
	job.aux = progress_sink;
	job.actx = &to;
	media_limits_resolve(lim, &transcode_defaults, &job.lim);

	if (media_job_run(&job, err, errlen))
		goto out;
	if (job.fed == 0 && job.input_done && !job.read_failed) {
		snprintf(err, errlen, "the file is empty");
		goto out;
	}
	if (media_job_explain(&job, "conversion", err, errlen))
		goto out;
	if (job.exit_code != 0 || to.written == 0) {
		if (media_job_said(&job, "not on whitelist")) {
			snprintf(err, errlen,
			         "the file is not audio or video in a supported format");
		} else if (media_job_said(&job, "partial file")) {
			snprintf(
			    err, errlen,
			    "the recording cannot be converted while streamed: its index is at "
			    "the end of the file, or it is cut off");
		} else if (media_job_said(&job, "matches no streams")) {
			snprintf(err, errlen, "the recording has no %s stream",
			         has_video ? "video" : "audio");
		} else {
			media_job_stderr_line(&job, line, sizeof(line));
			snprintf(err, errlen, "the conversion failed (%s)",
			         line[0] ? line : "no reason given");
		}
		goto out;
	}
	report(&to, 1);
	rc = 0;
out:
	kv_buf_release(&job.errbuf);
	return rc;
}
