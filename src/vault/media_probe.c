/* Checks that uploaded bytes are real, complete audio or video, using ffprobe in a sandbox.
 *
 * ffprobe demuxes the whole stream (without decoding it) and lists every packet's time, so
 * the length is known even for formats whose header has none on a pipe (WAV, MP3, Ogg, WebM
 * from a browser), and a recording that stops before its header says it should is caught.
 * The packet list of a long recording runs to megabytes, so it is never kept: each packet is
 * one line of compact JSON, folded into per-stream counters as it arrives, and only the rest
 * (streams and format) is parsed as a document at the end. */
#include "vault/media.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "util/parse.h"
#include "vault/media_int.h"
#include "util/banned.h"

#define MAX_STREAMS 64
#define LINE_MAX_LEN 65536
#define DOC_MAX (1024 * 1024)

static const struct media_limits probe_defaults = {300, 1ULL << 30, 900};

/* Only what the checks need: no tags, which carry titles, places and device names. */
#define PROBE_ENTRIES                                                                              \
	"packet=stream_index,pts_time,dts_time,duration_time"                                      \
	":stream=index,codec_type,codec_name,pix_fmt,width,height,duration,nb_frames"              \
	":stream_disposition=attached_pic:format=format_name,duration"

static char *const probe_argv[] = {MEDIA_FFPROBE_PATH,
                                   "-hide_banner",
                                   "-v",
                                   "error",
                                   "-threads",
                                   "1",
                                   "-protocol_whitelist",
                                   "pipe",
                                   "-format_whitelist",
                                   MEDIA_FORMATS,
                                   "-print_format",
                                   "json=compact=1",
                                   "-show_entries",
                                   PROBE_ENTRIES,
                                   "-i",
                                   "pipe:0",
                                   NULL};

struct packet_times {
	long long count;
	double first, end; /* earliest start and latest end of the stream's packets */
};

struct probe_out {
	struct kv_buf line; /* the line being received */
	struct kv_buf doc;  /* every line but the packets */
	struct packet_times pt[MAX_STREAMS];
	int bad; /* output that is not what ffprobe writes */
};

struct stream_desc {
	int index; /* -1 when there is no such stream */
	char codec[32];
	char pix_fmt[32];
	int width, height;
	long long nb_frames; /* from the container's index; 0 when unknown */
};

static const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int jdouble(json_t *o, const char *key, double *out)
{
	const char *s = jstr(o, key);

	return s && parse_double_str(s, out) == 0 && isfinite(*out) ? 0 : -1;
}

static void take_packet(struct probe_out *po, const char *s, size_t len)
{
	json_t *p;
	json_error_t jerr;
	json_int_t idx;
	double t, d = 0;
	struct packet_times *pt;

	while (len && (s[len - 1] == ',' || isspace((unsigned char)s[len - 1])))
		len--;
	p = json_loadb(s, len, 0, &jerr);
	if (!json_is_object(p)) {
		po->bad = 1;
		goto out;
	}
	idx = json_integer_value(json_object_get(p, "stream_index"));
	if (idx < 0 || idx >= MAX_STREAMS)
		goto out;
	pt = &po->pt[idx];
	if (jdouble(p, "pts_time", &t) && jdouble(p, "dts_time", &t)) {
		pt->count++; /* a packet without a time still counts */
		goto out;
	}
	if (jdouble(p, "duration_time", &d) || d < 0)
		d = 0;
	if (pt->count == 0 || t < pt->first)
		pt->first = t;
	if (pt->count == 0 || t + d > pt->end)
		pt->end = t + d;
	pt->count++;
out:
	json_decref(p);
}

static void take_line(struct probe_out *po, const char *s, size_t len)
{
	static const char packet[] = "{ \"stream_index\":";
	size_t i = 0;

	while (i < len && s[i] == ' ')
		i++;
	if (len - i >= sizeof(packet) - 1 && memcmp(s + i, packet, sizeof(packet) - 1) == 0) {
		take_packet(po, s + i, len - i);
		return;
	}
	if (kv_buf_add(&po->doc, s, len) || kv_buf_addch(&po->doc, '\n'))
		po->bad = 1;
}

static int probe_sink(void *ctx, const char *buf, size_t len)
{
	struct probe_out *po = ctx;
	const char *nl;

	while (len) {
		nl = memchr(buf, '\n', len);
		if (!nl) {
			if (kv_buf_add(&po->line, buf, len))
				return -1;
			return 0;
		}
		if (po->line.len) {
			if (kv_buf_add(&po->line, buf, (size_t)(nl - buf)))
				return -1;
			take_line(po, po->line.data, po->line.len);
			kv_buf_clear(&po->line);
		} else {
			take_line(po, buf, (size_t)(nl - buf));
		}
		len -= (size_t)(nl - buf) + 1;
		buf = nl + 1;
	}
	return 0;
}

/* ffprobe says "stream 0, offset 0x30: partial file" when a packet lies where it cannot read:
 * beyond the end of a cut-off file, or behind it on a pipe that cannot go back. Returns the
 * smallest such offset, or -1. */
static long long partial_file_offset(const struct media_job *job)
{
	const char *s = job->errbuf.len ? job->errbuf.data : "";
	long long best = -1;

	while ((s = strstr(s, "offset 0x")) != NULL) {
		long long v = 0;
		int digits = 0;

		for (s += 9; isxdigit((unsigned char)*s) && digits < 15; s++, digits++)
			v = v * 16 +
			    (isdigit((unsigned char)*s) ? *s - '0' : (*s | 0x20) - 'a' + 10);
		if (digits && strncmp(s, ": partial file", 14) == 0 && (best < 0 || v < best))
			best = v;
	}
	return best;
}

static void describe_stream(json_t *st, struct stream_desc *d)
{
	const char *s;
	json_int_t n;
	long long frames;

	d->index = (int)json_integer_value(json_object_get(st, "index"));
	snprintf(d->codec, sizeof(d->codec), "%s", (s = jstr(st, "codec_name")) ? s : "unknown");
	snprintf(d->pix_fmt, sizeof(d->pix_fmt), "%s", (s = jstr(st, "pix_fmt")) ? s : "");
	n = json_integer_value(json_object_get(st, "width"));
	d->width = n > 0 && n < 100000 ? (int)n : 0;
	n = json_integer_value(json_object_get(st, "height"));
	d->height = n > 0 && n < 100000 ? (int)n : 0;
	s = jstr(st, "nb_frames");
	d->nb_frames = s && parse_llong_str(s, 0, 1LL << 40, &frames) == 0 ? frames : 0;
}

/* Picks the first real video stream (not a cover picture) and the first audio stream. */
static int pick_streams(json_t *streams, struct stream_desc *v, struct stream_desc *a)
{
	size_t i;
	json_t *st;

	v->index = a->index = -1;
	json_array_foreach(streams, i, st)
	{
		const char *type = jstr(st, "codec_type");
		json_t *disp = json_object_get(st, "disposition");
		json_int_t index = json_integer_value(json_object_get(st, "index"));

		if (!type || index < 0 || index >= MAX_STREAMS)
			continue;
		if (strcmp(type, "video") == 0 && v->index < 0 &&
		    json_integer_value(json_object_get(disp, "attached_pic")) == 0)
			describe_stream(st, v);
		else if (strcmp(type, "audio") == 0 && a->index < 0)
			describe_stream(st, a);
	}
	return v->index >= 0 || a->index >= 0 ? 0 : -1;
}

static int one_of(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

static int playable(const struct media_info *info, const struct stream_desc *v)
{
	static const char *const mp4_audio[] = {"aac", "mp3", NULL};
	static const char *const webm_video[] = {"vp8", "vp9", NULL};
	static const char *const webm_audio[] = {"opus", "vorbis", NULL};
	static const char *const yuv420[] = {"yuv420p", "yuvj420p", NULL};
	const char *c = info->container, *vc = info->video_codec, *ac = info->audio_codec;

	if (strstr(c, "mp4")) {
		if (info->has_video)
			return strcmp(vc, "h264") == 0 && one_of(v->pix_fmt, yuv420) &&
			       (!info->has_audio || strcmp(ac, "aac") == 0);
		return one_of(ac, mp4_audio);
	}
	if (strcmp(c, "matroska,webm") == 0) {
		if (info->has_video)
			return one_of(vc, webm_video) &&
			       (strcmp(vc, "vp8") == 0 || one_of(v->pix_fmt, yuv420)) &&
			       (!info->has_audio || one_of(ac, webm_audio));
		return strcmp(ac, "opus") == 0;
	}
	if (strcmp(c, "ogg") == 0)
		return !info->has_video && strcmp(ac, "opus") == 0;
	if (strcmp(c, "mp3") == 0)
		return !info->has_video && strcmp(ac, "mp3") == 0;
	return 0;
}

#define MSG_INCOMPLETE "the recording is incomplete (it is cut off or damaged)"

/* Reads ffprobe's answer into info; -1 with a message when the recording does not pass. */
static int judge(const struct media_job *job, struct probe_out *po, struct media_info *info,
                 char *err, size_t errlen)
{
	struct stream_desc v, a;
	json_t *root = NULL, *format;
	json_error_t jerr;
	const char *s;
	double header = 0, first = 0, end = 0, span = 0;
	long long count = 0, partial;
	int rc = -1, i, any = 0;
	const struct stream_desc *sd[2] = {&v, &a};

	root = json_loadb(po->doc.data ? po->doc.data : "", po->doc.len, 0, &jerr);
	format = json_object_get(root, "format");
	if (po->bad || !json_is_object(format)) {
		snprintf(err, errlen, "the media check gave no usable answer");
		goto out;
	}
	if (pick_streams(json_object_get(root, "streams"), &v, &a)) {
		snprintf(err, errlen, "the recording has no audio or video stream");
		goto out;
	}
	if (jdouble(format, "duration", &header) || header < 0)
		header = 0;
	snprintf(info->container, sizeof(info->container), "%s",
	         (s = jstr(format, "format_name")) ? s : "");

	for (i = 0; i < 2; i++) {
		const struct packet_times *pt;

		if (sd[i]->index < 0 || !po->pt[sd[i]->index].count)
			continue;
		pt = &po->pt[sd[i]->index];
		count += pt->count;
		if (!any || pt->first < first)
			first = pt->first;
		if (!any || pt->end > end)
			end = pt->end;
		any = 1;
	}
	span = any ? end - first : 0;

	/* A packet that lies before what was already fed is one the pipe cannot go back to: an
	 * MP4 whose index (moov) follows its data. Its index is all that can be checked. */
	partial = partial_file_offset(job);
	if (partial >= 0 && (unsigned long long)partial < job->fed &&
	    strstr(info->container, "mp4") && header > 0) {
		info->needs_seeking = 1;
	} else if (partial >= 0 || media_job_said(job, "File ended prematurely") || count == 0) {
		snprintf(err, errlen, MSG_INCOMPLETE);
		goto out;
	} else {
		for (i = 0; i < 2; i++) {
			long long want = sd[i]->index >= 0 ? sd[i]->nb_frames : 0;

			if (want > 0 && po->pt[sd[i]->index].count + 1 + want / 100 < want) {
				snprintf(err, errlen, MSG_INCOMPLETE);
				goto out;
			}
		}
		if (header > 0 && span > 0 && span + fmax(1.0, 0.05 * header) < header) {
			snprintf(err, errlen, MSG_INCOMPLETE);
			goto out;
		}
	}

	info->duration = header > 0 ? header : span;
	if (!(info->duration > 0) || !isfinite(info->duration)) {
		snprintf(err, errlen, "the recording has no length");
		goto out;
	}
	if (v.index >= 0) {
		info->has_video = 1;
		snprintf(info->video_codec, sizeof(info->video_codec), "%s", v.codec);
		info->width = v.width;
		info->height = v.height;
	}
	if (a.index >= 0) {
		info->has_audio = 1;
		snprintf(info->audio_codec, sizeof(info->audio_codec), "%s", a.codec);
	}
	info->browser_playable = playable(info, &v);
	rc = 0;
out:
	json_decref(root);
	return rc;
}

int media_probe(media_read_fn read, void *rctx, const struct media_limits *lim,
                struct media_info *info, char *err, size_t errlen)
{
	struct media_job job;
	struct probe_out po;
	int rc = -1;

	memset(info, 0, sizeof(*info));
	memset(&job, 0, sizeof(job));
	memset(&po, 0, sizeof(po));
	kv_buf_init(&po.line, LINE_MAX_LEN);
	kv_buf_init(&po.doc, DOC_MAX);
	kv_buf_init(&job.errbuf, MEDIA_STDERR_MAX);
	job.argv = probe_argv;
	job.read = read;
	job.rctx = rctx;
	job.out = probe_sink;
	job.octx = &po;
	media_limits_resolve(lim, &probe_defaults, &job.lim);

	if (media_job_run(&job, err, errlen))
		goto out;
	if (job.fed == 0 && job.input_done && !job.read_failed) {
		snprintf(err, errlen, "the file is empty");
		goto out;
	}
	if (job.sink_failed) {
		snprintf(err, errlen, "the media check gave too much output");
		goto out;
	}
	if (media_job_explain(&job, "media check", err, errlen))
		goto out;
	if (job.exit_code != 0) {
		if (media_job_said(&job, "not on whitelist"))
			snprintf(err, errlen,
			         "the file is not audio or video in a supported format");
		else if (media_job_said(&job, "moov atom not found"))
			snprintf(err, errlen, MSG_INCOMPLETE);
		else
			snprintf(err, errlen, "the file is not audio or video");
		goto out;
	}
	if (po.line.len)
		take_line(&po, po.line.data, po.line.len);
	rc = judge(&job, &po, info, err, errlen);
out:
	if (rc)
		memset(info, 0, sizeof(*info));
	kv_buf_release(&job.errbuf);
	kv_buf_release(&po.line);
	kv_buf_release(&po.doc);
	return rc;
}
