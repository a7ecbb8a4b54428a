/* Unit tests for the media module: probing, refusing, converting, and the child's sandbox.
 * The test recordings are made here with ffmpeg and espeak-ng in the scratch directory. */
#include "unit.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "vault/media.h"
#include "vault/media_int.h"

#define MP4_NAME "mov,mp4,m4a,3gp,3g2,mj2"
#define AV_3S "-f lavfi -i testsrc=size=320x240:rate=25:duration=3 -f lavfi -i sine=duration=3 "

#define CHECK_WITHIN(a, b, tol)                                                                    \
	do {                                                                                       \
		double a_ = (a), b_ = (b);                                                         \
		if (!(fabs(a_ - b_) <= (tol))) {                                                   \
			unit_fail(__FILE__, __LINE__, "%s == %g, expected %g +- %g", #a, a_, b_,   \
			          (double)(tol));                                                  \
			return;                                                                    \
		}                                                                                  \
	} while (0)

#define CHECK_HAS(s, part)                                                                         \
	do {                                                                                       \
		if (!strstr((s), (part))) {                                                        \
			unit_fail(__FILE__, __LINE__, "\"%s\" lacks \"%s\"", (s), (part));         \
			return;                                                                    \
		}                                                                                  \
	} while (0)

/* --- test recordings ------------------------------------------------------------------------ */

/* Makes name in the scratch directory with `ffmpeg <args> <path>` unless it exists. */
static int gen(char *path, size_t len, const char *name, const char *args)
{
	char cmd[2048];

	snprintf(path, len, "%s/%s", unit_tmpdir(), name);
	if (access(path, R_OK) == 0)
		return 0;
	snprintf(cmd, sizeof(cmd), "ffmpeg -nostdin -v error -y %s %s", args, path);
	return system(cmd) == 0 ? 0 : -1;
}

static int gen_speech(char *path, size_t len)
{
	char cmd[1024];

	snprintf(path, len, "%s/speech.wav", unit_tmpdir());
	if (access(path, R_OK) == 0)
		return 0;
	snprintf(
	    cmd, sizeof(cmd),
	    "espeak-ng -w %s 'This session recording is generated for the kvalab media tests.'",
	    path);
	return system(cmd) == 0 ? 0 : -1;
}

static long long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* --- sources and sinks --------------------------------------------------------------------- */

struct file_src {
	FILE *f;
	unsigned long long limit; /* stop after this many bytes (a cut-off upload); 0 = all */
	unsigned long long done;
	unsigned stall_ms; /* sleep before each chunk */
	int fail_after;    /* fail on this call (1-based); 0 = never */
	int calls;
};

static int file_read(void *ctx, void *buf, size_t cap, size_t *got)
{
	struct file_src *s = ctx;

	if (++s->calls == s->fail_after)
		return -1;
	if (s->stall_ms) {
		struct timespec ts = {s->stall_ms / 1000, (long)(s->stall_ms % 1000) * 1000000L};
		nanosleep(&ts, NULL);
		if (cap > 4096)
			cap = 4096;
	}
	if (s->limit && cap > s->limit - s->done)
		cap = (size_t)(s->limit - s->done);
	*got = cap ? fread(buf, 1, cap, s->f) : 0;
	s->done += *got;
	return ferror(s->f) ? -1 : 0;
}

struct mem_src {
	const char *data;
	size_t len, off;
};

static int mem_read(void *ctx, void *buf, size_t cap, size_t *got)
{
	struct mem_src *m = ctx;
	size_t n = m->len - m->off < cap ? m->len - m->off : cap;

	memcpy(buf, m->data + m->off, n);
	m->off += n;
	*got = n;
	return 0;
}

/* Endless-looking noise: `total` pseudo-random bytes. */
struct noise_src {
	unsigned long long total, done;
	unsigned long long x;
};

static int noise_read(void *ctx, void *buf, size_t cap, size_t *got)
{
	struct noise_src *s = ctx;
	unsigned char *p = buf;
	size_t i, n = s->total - s->done < cap ? (size_t)(s->total - s->done) : cap;

	for (i = 0; i < n; i++) {
		s->x ^= s->x << 13;
		s->x ^= s->x >> 7;
		s->x ^= s->x << 17;
		p[i] = (unsigned char)s->x;
	}
	s->done += n;
	*got = n;
	return 0;
}

static int buf_write(void *ctx, const void *buf, size_t len)
{
	return kv_buf_add(ctx, buf, len);
}

static int failing_write(void *ctx, const void *buf, size_t len)
{
	(void)ctx;
	(void)buf;
	(void)len;
	return -1;
}

struct progress_log {
	int calls;
	int backwards;
	double last;
};

static void log_progress(void *ctx, double f)
{
	struct progress_log *p = ctx;

	if (p->calls && f < p->last)
		p->backwards = 1;
	if (f < 0 || f > 1)
		p->backwards = 1;
	p->last = f;
	p->calls++;
}

static int probe_path(const char *path, unsigned long long limit, const struct media_limits *lim,
                      struct media_info *info, char *err, size_t errlen)
{
	struct file_src src;
	int rc;

	memset(&src, 0, sizeof(src));
	src.limit = limit;
	if (!(src.f = fopen(path, "rb"))) {
		snprintf(err, errlen, "test: cannot open %s", path);
		return -2;
	}
	rc = media_probe(file_read, &src, lim, info, err, errlen);
	fclose(src.f);
	return rc;
}

static int probe_mem(const struct kv_buf *b, struct media_info *info, char *err, size_t errlen)
{
	struct mem_src m = {b->data, b->len, 0};

	return media_probe(mem_read, &m, NULL, info, err, errlen);
}

static int transcode_path(const char *path, int has_video, double duration, struct kv_buf *out,
                          struct progress_log *pl, char *err, size_t errlen)
{
	struct file_src src;
	int rc;

	memset(&src, 0, sizeof(src));
	if (!(src.f = fopen(path, "rb"))) {
		snprintf(err, errlen, "test: cannot open %s", path);
		return -2;
	}
	rc = media_transcode(file_read, &src, buf_write, out, pl ? log_progress : NULL, pl,
	                     duration, has_video, NULL, err, errlen);
	fclose(src.f);
	return rc;
}

/* --- probing what must be accepted ------------------------------------------------------------ */

TEST(test_media_probe_describes_faststart_mp4)
{
	char path[512], err[256] = "";
	struct media_info info;

	CHECK(gen(path, sizeof(path), "fast.mp4",
	          AV_3S "-c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -shortest "
	                "-movflags +faststart") == 0);
	if (probe_path(path, 0, NULL, &info, err, sizeof(err)) != 0)
		unit_fail(__FILE__, __LINE__, "%s", err);
	CHECK_STR(info.container, MP4_NAME);
	CHECK_STR(info.video_codec, "h264");
	CHECK_STR(info.audio_codec, "aac");
	CHECK_INT(info.width, 320);
	CHECK_INT(info.height, 240);
	CHECK_INT(info.has_video, 1);
	CHECK_INT(info.has_audio, 1);
	CHECK_INT(info.browser_playable, 1);
	CHECK_INT(info.needs_seeking, 0);
	CHECK_WITHIN(info.duration, 3.0, 0.1);
}

TEST(test_media_probe_accepts_mp4_with_moov_at_the_end)
{
	char path[512], err[256] = "";
	struct media_info info;

	/* Large enough that ffprobe cannot keep the data it passed on the way to the index. */
	CHECK(
	    gen(path, sizeof(path), "moov_end.mp4",
	        "-f lavfi -i testsrc2=size=320x240:rate=25:duration=3 -f lavfi -i sine=duration=3 "
	        "-c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -shortest") == 0);
	CHECK(file_size(path) > 200000);
	if (probe_path(path, 0, NULL, &info, err, sizeof(err)) != 0)
		unit_fail(__FILE__, __LINE__, "%s", err);
	CHECK_STR(info.container, MP4_NAME);
	CHECK_STR(info.video_codec, "h264");
	CHECK_STR(info.audio_codec, "aac");
	CHECK_INT(info.browser_playable, 1);
	CHECK_INT(info.needs_seeking, 1);
	CHECK_WITHIN(info.duration, 3.0, 0.1);
}

TEST(test_media_probe_describes_webm_vp9_opus)
{
	char path[512], err[256] = "";
	struct media_info info;

	CHECK(gen(path, sizeof(path), "vp9.webm",
	          AV_3S "-c:v libvpx-vp9 -deadline realtime -cpu-used 8 -b:v 300k -pix_fmt yuv420p "
	                "-c:a libopus "
	                "-shortest") == 0);
	if (probe_path(path, 0, NULL, &info, err, sizeof(err)) != 0)
		unit_fail(__FILE__, __LINE__, "%s", err);
	CHECK_STR(info.container, "matroska,webm");
	CHECK_STR(info.video_codec, "vp9");
	CHECK_STR(info.audio_codec, "opus");
	CHECK_INT(info.width, 320);
	CHECK_INT(info.browser_playable, 1);
	CHECK_WITHIN(info.duration, 3.0, 0.1);
}

TEST(test_media_probe_measures_webm_without_a_length_in_its_header)
{
	char path[512], cmd[1024], err[256] = "";
	struct media_info info;

	/* Written to a pipe, as a browser's MediaRecorder does: no duration, no cues. */
	snprintf(path, sizeof(path), "%s/streamed.webm", unit_tmpdir());
	snprintf(cmd, sizeof(cmd),
	         "ffmpeg -nostdin -v error -y " AV_3S
	         "-c:v libvpx -deadline realtime -cpu-used 8 -b:v 300k -c:a libopus -shortest "
	         "-f webm - > %s",
	         path);
	CHECK(system(cmd) == 0);
	if (probe_path(path, 0, NULL, &info, err, sizeof(err)) != 0)
		unit_fail(__FILE__, __LINE__, "%s", err);
	CHECK_STR(info.container, "matroska,webm");
	CHECK_STR(info.video_codec, "vp8");
	CHECK_INT(info.browser_playable, 1);
	CHECK_WITHIN(info.duration, 3.0, 0.1);
}

TEST(test_media_probe_describes_speech_wav_from_packets)
{
	char path[512], err[256] = "";
	struct media_info info;
	double expected;

	CHECK(gen_speech(path, sizeof(path)) == 0);
	/* espeak-ng: 22050 Hz, 16-bit mono, a 44-byte header. On a pipe ffprobe knows no length
	 * for WAV; it comes from the packets. */
	expected = (double)(file_size(path) - 44) / (22050 * 2);
	if (probe_path(path, 0, NULL, &info, err, sizeof(err)) != 0)
		unit_fail(__FILE__, __LINE__, "%s", err);
	CHECK_STR(info.container, "wav");
	CHECK_STR(info.audio_codec, "pcm_s16le");
	CHECK_STR(info.video_codec, "");
	CHECK_INT(info.has_video, 0);
	CHECK_INT(info.has_audio, 1);
	CHECK_INT(info.width, 0);
	CHECK_INT(info.height, 0);
	CHECK_INT(info.browser_playable, 0);
	CHECK_WITHIN(info.duration, expected, 0.02);
}

TEST(test_media_probe_describes_audio_only_m4a)
{
	char path[512], err[256] = "";
	struct media_info info;

	CHECK(gen(path, sizeof(path), "tone.m4a", "-f lavfi -i sine=duration=3 -c:a aac") == 0);
	if (probe_path(path, 0, NULL, &info, err, sizeof(err)) != 0)
		unit_fail(__FILE__, __LINE__, "%s", err);
	CHECK_STR(info.container, MP4_NAME);
	CHECK_STR(info.audio_codec, "aac");
	CHECK_INT(info.has_video, 0);
	CHECK_INT(info.browser_playable, 1);
	CHECK_WITHIN(info.duration, 3.0, 0.1);
}

TEST(test_media_probe_describes_mp3_and_ogg)
{
	char path[512], err[256] = "";
	struct media_info info;

	CHECK(gen(path, sizeof(path), "tone.mp3", "-f lavfi -i sine=duration=3 -c:a libmp3lame") ==
	      0);
	if (probe_path(path, 0, NULL, &info, err, sizeof(err)) != 0)
		unit_fail(__FILE__, __LINE__, "%s", err);
	CHECK_STR(info.container, "mp3");
	CHECK_STR(info.audio_codec, "mp3");
	CHECK_INT(info.browser_playable, 1);
	CHECK_WITHIN(info.duration, 3.0, 0.1);

	CHECK(gen(path, sizeof(path), "tone_opus.ogg",
	          "-f lavfi -i sine=duration=3 -c:a libopus") == 0);
	if (probe_path(path, 0, NULL, &info, err, sizeof(err)) != 0)
		unit_fail(__FILE__, __LINE__, "%s", err);
	CHECK_STR(info.container, "ogg");
	CHECK_STR(info.audio_codec, "opus");
	CHECK_INT(info.browser_playable, 1);
	CHECK_WITHIN(info.duration, 3.0, 0.1);

	CHECK(gen(path, sizeof(path), "tone_vorbis.ogg",
	          "-f lavfi -i sine=duration=3 -c:a libvorbis") == 0);
	if (probe_path(path, 0, NULL, &info, err, sizeof(err)) != 0)
		unit_fail(__FILE__, __LINE__, "%s", err);
	CHECK_STR(info.audio_codec, "vorbis");
	CHECK_INT(info.browser_playable, 0); /* Safari does not play Vorbis */
	CHECK_WITHIN(info.duration, 3.0, 0.1);
}

TEST(test_media_probe_reports_mpeg4_avi_as_not_playable)
{
	char path[512], err[256] = "";
	struct media_info info;

	CHECK(gen(path, sizeof(path), "part2.avi", AV_3S "-c:v mpeg4 -c:a libmp3lame -shortest") ==
	      0);
	if (probe_path(path, 0, NULL, &info, err, sizeof(err)) != 0)
		unit_fail(__FILE__, __LINE__, "%s", err);
	CHECK_STR(info.container, "avi");
	CHECK_STR(info.video_codec, "mpeg4");
	CHECK_STR(info.audio_codec, "mp3");
	CHECK_INT(info.browser_playable, 0);
	CHECK_WITHIN(info.duration, 3.0, 0.1);
}

/* --- probing what must be refused -------------------------------------------------------------- */

TEST(test_media_refuses_text_named_mp4)
{
	char path[512], err[256] = "";
	struct media_info info;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "%s/notes.mp4", unit_tmpdir());
	CHECK((f = fopen(path, "w")) != NULL);
	for (i = 0; i < 2000; i++)
		fprintf(f, "Session %d: the client talked about the week. Not a recording.\n", i);
	fclose(f);
	CHECK_INT(probe_path(path, 0, NULL, &info, err, sizeof(err)), -1);
	CHECK_HAS(err, "not audio or video");
	CHECK(!strstr(err, "notes")); /* never a file name */
	CHECK_INT(info.has_video + info.has_audio, 0);
}

TEST(test_media_refuses_random_bytes_and_stops_feeding)
{
	struct noise_src src = {16u << 20, 0, 88172645463325252ULL};
	struct media_info info;
	char err[256] = "";

	CHECK_INT(media_probe(noise_read, &src, NULL, &info, err, sizeof(err)), -1);
	CHECK_HAS(err, "not audio or video");
	/* ffprobe gave up after its probe window; the rest was never read (nor SIGPIPE fatal). */
	CHECK(src.done < src.total);
}

TEST(test_media_refuses_empty_stream)
{
	struct mem_src m = {"", 0, 0};
	struct media_info info;
	char err[256] = "";

	CHECK_INT(media_probe(mem_read, &m, NULL, &info, err, sizeof(err)), -1);
	CHECK_STR(err, "the file is empty");
}

TEST(test_media_refuses_truncated_mp4)
{
	char path[512], err[256] = "";
	struct media_info info;

	/* Index in front: the data stops before the index says it does. */
	CHECK(gen(path, sizeof(path), "fast.mp4",
	          AV_3S "-c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -shortest "
	                "-movflags +faststart") == 0);
	CHECK_INT(probe_path(path, (unsigned long long)file_size(path) / 2, NULL, &info, err,
	                     sizeof(err)),
	          -1);
	CHECK_HAS(err, "incomplete");

	/* Index at the end: it is gone. */
	CHECK(
	    gen(path, sizeof(path), "moov_end.mp4",
	        "-f lavfi -i testsrc2=size=320x240:rate=25:duration=3 -f lavfi -i sine=duration=3 "
	        "-c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -shortest") == 0);
	CHECK_INT(probe_path(path, (unsigned long long)file_size(path) * 9 / 10, NULL, &info, err,
	                     sizeof(err)),
	          -1);
	CHECK_HAS(err, "incomplete");
}

TEST(test_media_refuses_truncated_webm)
{
	char path[512], err[256] = "";
	struct media_info info;

	CHECK(gen(path, sizeof(path), "vp9.webm",
	          AV_3S "-c:v libvpx-vp9 -deadline realtime -cpu-used 8 -b:v 300k -pix_fmt yuv420p "
	                "-c:a libopus "
	                "-shortest") == 0);
	CHECK_INT(probe_path(path, (unsigned long long)file_size(path) / 2, NULL, &info, err,
	                     sizeof(err)),
	          -1);
	CHECK_HAS(err, "incomplete");
}

TEST(test_media_refuses_recording_without_audio_or_video)
{
	char srt[512], path[512], args[1024], err[256] = "";
	struct media_info info;
	FILE *f;

	snprintf(srt, sizeof(srt), "%s/only.srt", unit_tmpdir());
	CHECK((f = fopen(srt, "w")) != NULL);
	fprintf(f, "1\n00:00:00,000 --> 00:00:02,000\nHello\n\n2\n00:00:02,000 --> 00:00:04,000\n"
	           "Again\n\n");
	fclose(f);
	snprintf(args, sizeof(args), "-i %s -c:s srt", srt);
	CHECK(gen(path, sizeof(path), "subtitles.mkv", args) == 0);
	CHECK_INT(probe_path(path, 0, NULL, &info, err, sizeof(err)), -1);
	CHECK_STR(err, "the recording has no audio or video stream");
}

TEST(test_media_refuses_unsupported_container)
{
	char path[512], err[256] = "";
	struct media_info info;

	/* A still image is parsed by no demuxer on the list, so not at all. */
	CHECK(gen(path, sizeof(path), "still.png", "-f lavfi -i testsrc=size=64x64 -frames:v 1") ==
	      0);
	CHECK_INT(probe_path(path, 0, NULL, &info, err, sizeof(err)), -1);
	CHECK_HAS(err, "not audio or video");
}

/* --- limits and failures ------------------------------------------------------------------- */

TEST(test_media_probe_stops_at_the_wall_clock_limit)
{
	struct media_limits lim = {0, 0, 1};
	struct file_src src;
	struct media_info info;
	struct timespec t0, t1;
	char path[512], err[256] = "";
	double secs;
	int rc;

	CHECK(gen(path, sizeof(path), "fast.mp4",
	          AV_3S "-c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -shortest "
	                "-movflags +faststart") == 0);
	memset(&src, 0, sizeof(src));
	src.stall_ms = 200;
	CHECK((src.f = fopen(path, "rb")) != NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = media_probe(file_read, &src, &lim, &info, err, sizeof(err));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fclose(src.f);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	CHECK_INT(rc, -1);
	CHECK_STR(err, "media check took too long");
	CHECK(secs < 2.5);
	CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD); /* killed and reaped */
}

TEST(test_media_probe_reports_memory_limit)
{
	struct media_limits lim = {0, 64ULL << 20, 0};
	char path[512], err[256] = "";
	struct media_info info;

	CHECK(gen(path, sizeof(path), "tone.mp3", "-f lavfi -i sine=duration=3 -c:a libmp3lame") ==
	      0);
	CHECK_INT(probe_path(path, 0, &lim, &info, err, sizeof(err)), -1);
	CHECK_STR(err, "media check ran out of memory");
}

TEST(test_media_probe_reports_a_failing_reader)
{
	char path[512], err[256] = "";
	struct media_info info;
	struct file_src src;

	CHECK(gen(path, sizeof(path), "tone.mp3", "-f lavfi -i sine=duration=3 -c:a libmp3lame") ==
	      0);
	memset(&src, 0, sizeof(src));
	src.fail_after = 2;
	CHECK((src.f = fopen(path, "rb")) != NULL);
	CHECK_INT(media_probe(file_read, &src, NULL, &info, err, sizeof(err)), -1);
	fclose(src.f);
	CHECK_STR(err, "the recording could not be read");
}

/* --- transcoding ------------------------------------------------------------------------------ */

TEST(test_media_transcodes_mpeg4_avi_to_playable_mp4)
{
	char path[512], err[256] = "";
	struct media_info in, out;
	struct kv_buf buf = KV_BUF_INIT(64u << 20);
	struct progress_log pl = {0, 0, 0};

	CHECK(gen(path, sizeof(path), "part2.avi", AV_3S "-c:v mpeg4 -c:a libmp3lame -shortest") ==
	      0);
	CHECK(probe_path(path, 0, NULL, &in, err, sizeof(err)) == 0);
	CHECK_INT(in.browser_playable, 0);
	if (transcode_path(path, in.has_video, in.duration, &buf, &pl, err, sizeof(err)) != 0) {
		unit_fail(__FILE__, __LINE__, "%s", err);
		goto out;
	}
	if (probe_mem(&buf, &out, err, sizeof(err)) != 0) {
		unit_fail(__FILE__, __LINE__, "%s", err);
		goto out;
	}
	CHECK_STR(out.container, MP4_NAME);
	CHECK_STR(out.video_codec, "h264");
	CHECK_STR(out.audio_codec, "aac");
	CHECK_INT(out.width, 320);
	CHECK_INT(out.height, 240);
	CHECK_INT(out.browser_playable, 1);
	CHECK_INT(out.needs_seeking, 0);
	CHECK_WITHIN(out.duration, in.duration, 0.2);
	CHECK(pl.calls >= 2);
	CHECK(!pl.backwards);
	CHECK_WITHIN(pl.last, 1.0, 1e-9);
out:
	kv_buf_release(&buf);
}

TEST(test_media_transcodes_speech_wav_to_aac_only_mp4)
{
	char path[512], err[256] = "";
	struct media_info in, out;
	struct kv_buf buf = KV_BUF_INIT(64u << 20);
	struct progress_log pl = {0, 0, 0};

	CHECK(gen_speech(path, sizeof(path)) == 0);
	CHECK(probe_path(path, 0, NULL, &in, err, sizeof(err)) == 0);
	if (transcode_path(path, 0, in.duration, &buf, &pl, err, sizeof(err)) != 0) {
		unit_fail(__FILE__, __LINE__, "%s", err);
		goto out;
	}
	if (probe_mem(&buf, &out, err, sizeof(err)) != 0) {
		unit_fail(__FILE__, __LINE__, "%s", err);
		goto out;
	}
	CHECK_STR(out.container, MP4_NAME);
	CHECK_STR(out.audio_codec, "aac");
	CHECK_INT(out.has_video, 0);
	CHECK_INT(out.browser_playable, 1);
	CHECK_WITHIN(out.duration, in.duration, 0.2);
	CHECK(pl.calls >= 1);
	CHECK_WITHIN(pl.last, 1.0, 1e-9);
out:
	kv_buf_release(&buf);
}

TEST(test_media_transcode_scales_down_to_720p)
{
	char path[512], err[256] = "";
	struct media_info out;
	struct kv_buf buf = KV_BUF_INIT(64u << 20);

	CHECK(gen(path, sizeof(path), "hd.avi",
	          "-f lavfi -i testsrc=size=1920x1080:rate=25:duration=0.5 -c:v mpeg4") == 0);
	if (transcode_path(path, 1, 0.5, &buf, NULL, err, sizeof(err)) != 0 ||
	    probe_mem(&buf, &out, err, sizeof(err)) != 0) {
		unit_fail(__FILE__, __LINE__, "%s", err);
		goto out;
	}
	CHECK_INT(out.width, 1280);
	CHECK_INT(out.height, 720);
	CHECK_INT(out.has_audio, 0);
	CHECK_INT(out.browser_playable, 1);
out:
	kv_buf_release(&buf);
}

TEST(test_media_reports_and_keeps_portrait_rotation)
{
	char src[512], path[512], args[1024], err[256] = "";
	struct media_info in, out;
	struct kv_buf buf = KV_BUF_INIT(64u << 20);

	/* A phone's portrait video: stored 1280x720 with a 90-degree display rotation (which
	 * ffmpeg 5.1 writes on a stream copy only). */
	CHECK(gen(src, sizeof(src), "landscape.avi",
	          "-f lavfi -i testsrc=size=1280x720:rate=25:duration=0.5 -c:v mpeg4") == 0);
	snprintf(args, sizeof(args), "-i %s -c copy -metadata:s:v:0 rotate=90 -movflags +faststart",
	         src);
	CHECK(gen(path, sizeof(path), "portrait.mov", args) == 0);
	CHECK(probe_path(path, 0, NULL, &in, err, sizeof(err)) == 0);
	CHECK_INT(in.width, 720);
	CHECK_INT(in.height, 1280);
	CHECK_INT(in.browser_playable, 0);
	if (transcode_path(path, 1, in.duration, &buf, NULL, err, sizeof(err)) != 0 ||
	    probe_mem(&buf, &out, err, sizeof(err)) != 0) {
		unit_fail(__FILE__, __LINE__, "%s", err);
		goto out;
	}
	CHECK_INT(out.width, 720); /* upright, and within 720x1280 */
	CHECK_INT(out.height, 1280);
	CHECK_INT(out.browser_playable, 1);
out:
	kv_buf_release(&buf);
}

TEST(test_media_cover_picture_is_not_video)
{
	char path[512], err[256] = "";
	struct media_info in, out;
	struct kv_buf buf = KV_BUF_INIT(64u << 20);

	CHECK(gen(path, sizeof(path), "cover.mp3",
	          "-f lavfi -i sine=duration=3 -f lavfi -i testsrc=size=64x64:duration=0.04 "
	          "-map 0 -map 1 -c:a libmp3lame -c:v mjpeg -disposition:v attached_pic") == 0);
	CHECK(probe_path(path, 0, NULL, &in, err, sizeof(err)) == 0);
	CHECK_INT(in.has_video, 0);
	CHECK_INT(in.width, 0);
	CHECK_STR(in.audio_codec, "mp3");
	CHECK_INT(in.browser_playable, 1);
	if (transcode_path(path, in.has_video, in.duration, &buf, NULL, err, sizeof(err)) != 0 ||
	    probe_mem(&buf, &out, err, sizeof(err)) != 0) {
		unit_fail(__FILE__, __LINE__, "%s", err);
		goto out;
	}
	CHECK_INT(out.has_video, 0);
	CHECK_STR(out.audio_codec, "aac");
	CHECK_WITHIN(out.duration, in.duration, 0.2);
out:
	kv_buf_release(&buf);
}

TEST(test_media_transcode_stops_when_the_writer_fails)
{
	char path[512], err[256] = "";
	struct file_src src;

	CHECK(gen(path, sizeof(path), "part2.avi", AV_3S "-c:v mpeg4 -c:a libmp3lame -shortest") ==
	      0);
	memset(&src, 0, sizeof(src));
	CHECK((src.f = fopen(path, "rb")) != NULL);
	CHECK_INT(media_transcode(file_read, &src, failing_write, NULL, NULL, NULL, 3.0, 1, NULL,
	                          err, sizeof(err)),
	          -1);
	fclose(src.f);
	CHECK_STR(err, "the converted recording could not be stored");
	CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
}

TEST(test_media_transcode_explains_moov_at_the_end)
{
	char path[512], err[256] = "";
	struct kv_buf buf = KV_BUF_INIT(64u << 20);

	CHECK(
	    gen(path, sizeof(path), "moov_end.mp4",
	        "-f lavfi -i testsrc2=size=320x240:rate=25:duration=3 -f lavfi -i sine=duration=3 "
	        "-c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -shortest") == 0);
	CHECK_INT(transcode_path(path, 1, 3.0, &buf, NULL, err, sizeof(err)), -1);
	kv_buf_release(&buf);
	CHECK_HAS(err, "cannot be converted while streamed");
}

/* --- the sandbox ------------------------------------------------------------------------------ */

/* The names in a directory, sorted, one per line. */
static void list_dir(const char *dir, struct kv_buf *out)
{
	struct dirent **names;
	int n, i;

	kv_buf_clear(out);
	n = scandir(dir, &names, NULL, alphasort);
	for (i = 0; i < n; i++) {
		kv_buf_adds(out, names[i]->d_name);
		kv_buf_addch(out, '\n');
		free(names[i]);
	}
	if (n >= 0)
		free(names);
}

TEST(test_media_children_leave_no_files_and_no_zombies)
{
	/* The scratch dir, ours and the children's working directories (not /tmp, which other
	 * test runs share). */
	static const char *const dirs[] = {NULL, ".", "/"};
	struct kv_buf before[3], after = KV_BUF_INIT(1u << 20), out = KV_BUF_INIT(64u << 20);
	char path[512], err[256] = "";
	struct media_info info;
	int i, same = 1;

	CHECK(gen(path, sizeof(path), "part2.avi", AV_3S "-c:v mpeg4 -c:a libmp3lame -shortest") ==
	      0);
	for (i = 0; i < 3; i++) {
		kv_buf_init(&before[i], 1u << 20);
		list_dir(dirs[i] ? dirs[i] : unit_tmpdir(), &before[i]);
	}
	if (probe_path(path, 0, NULL, &info, err, sizeof(err)) != 0 ||
	    transcode_path(path, 1, info.duration, &out, NULL, err, sizeof(err)) != 0)
		unit_fail(__FILE__, __LINE__, "%s", err);
	for (i = 0; i < 3; i++) {
		list_dir(dirs[i] ? dirs[i] : unit_tmpdir(), &after);
		if (strcmp(kv_buf_str(&before[i]), kv_buf_str(&after)) != 0) {
			unit_fail(__FILE__, __LINE__, "%s changed", dirs[i] ? dirs[i] : "scratch");
			same = 0;
		}
		kv_buf_release(&before[i]);
	}
	kv_buf_release(&after);
	kv_buf_release(&out);
	CHECK(same);
	CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
}

static int empty_read(void *ctx, void *buf, size_t cap, size_t *got)
{
	(void)ctx;
	(void)buf;
	(void)cap;
	*got = 0;
	return 0;
}

static int collect(void *ctx, const char *buf, size_t len)
{
	return kv_buf_add(ctx, buf, len);
}

/* Runs argv in the media sandbox with an empty stdin; stdout goes to out. */
static int run_sandboxed(char *const *argv, struct kv_buf *out, struct media_job *job)
{
	char err[256];

	memset(job, 0, sizeof(*job));
	job->argv = argv;
	job->read = empty_read;
	job->out = collect;
	job->octx = out;
	job->lim.cpu_seconds = 5;
	job->lim.memory_bytes = 256ULL << 20;
	job->lim.wall_seconds = 10;
	return media_job_run(job, err, sizeof(err));
}

TEST(test_media_child_runs_with_limits_and_a_minimal_environment)
{
	char *const argv[] = {"/bin/sh", "-c",
	                      "ulimit -t; ulimit -v; ulimit -f; ulimit -c; ulimit -n; pwd; "
	                      "ls /proc/$$/fd; env | sort",
	                      NULL};
	struct kv_buf out = KV_BUF_INIT(1u << 20);
	struct media_job job;

	CHECK(run_sandboxed(argv, &out, &job) == 0);
	kv_buf_release(&job.errbuf);
	if (strcmp(kv_buf_str(&out), "5\n262144\n0\n0\n64\n/\n0\n1\n2\nAV_LOG_FORCE_NOCOLOR=1\n"
	                             "LC_ALL=C\nMALLOC_ARENA_MAX=2\nPWD=/\n") != 0)
		unit_fail(__FILE__, __LINE__, "sandbox said:\n%s", kv_buf_str(&out));
	CHECK_INT(job.exit_code, 0);
	kv_buf_release(&out);
}

TEST(test_media_child_cannot_write_files)
{
	char path[512], script[1024];
	char *argv[] = {"/bin/sh", "-c", script, NULL};
	struct kv_buf out = KV_BUF_INIT(1u << 20);
	struct media_job job;

	snprintf(path, sizeof(path), "%s/written-by-child", unit_tmpdir());
	unlink(path);
	snprintf(script, sizeof(script), "echo plaintext > %s", path);
	CHECK(run_sandboxed(argv, &out, &job) == 0);
	kv_buf_release(&job.errbuf);
	kv_buf_release(&out);
	CHECK(job.exit_code != 0 || job.signal_no != 0);
	if (media_landlock_abi() > 0)
		CHECK(access(path, F_OK) != 0); /* not even created */
	else
		CHECK(file_size(path) <= 0); /* RLIMIT_FSIZE: created at most, never written */
	unlink(path);
}

TEST(test_media_child_stderr_keeps_head_and_tail)
{
	char *const argv[] = {"/bin/sh", "-c",
	                      "echo first error >&2; i=0; while [ $i -lt 2000 ]; do "
	                      "echo noise noise noise noise noise noise >&2; i=$((i+1)); done; "
	                      "echo File ended prematurely >&2",
	                      NULL};
	struct kv_buf out = KV_BUF_INIT(1u << 20);
	struct media_job job;
	char line[200];

	CHECK(run_sandboxed(argv, &out, &job) == 0);
	kv_buf_release(&out);
	media_job_stderr_line(&job, line, sizeof(line));
	CHECK(media_job_said(&job, "File ended prematurely"));
	CHECK(job.errbuf.len <= MEDIA_STDERR_HEAD + 8 + MEDIA_STDERR_TAIL);
	kv_buf_release(&job.errbuf);
	CHECK_STR(line, "first error");
}
