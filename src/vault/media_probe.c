/* Checks that uploaded bytes are real, complete audio or video, using ffprobe in a sandbox.
 *
 * ffprobe demuxes the whole stream (without decoding it) and lists every packet's time, so
 * the length is known even for formats whose header has none on a pipe (WAV, MP3, Ogg, WebM
 * from a browser), and a recording that stops before its header says it should is caught.
 * The packet list of a long recording runs to megabytes, so it is never kept: each packet is
 * cut out of the JSON as it arrives and folded into per-stream counters, and only the rest
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
#define ELEM_MAX 65536
#define MAX_DEPTH 16
#define DOC_MAX (1024 * 1024)

static const struct media_limits probe_defaults = {300, 1ULL << 30, 900};

/* Only what the checks need: no tags, which carry titles, places and device names. */
#define PROBE_ENTRIES                                                                              \
	"packet=stream_index,pts_time,dts_time,duration_time"                                      \
	":stream=index,codec_type,codec_name,profile,pix_fmt,width,height,nb_frames"               \
	":stream_disposition=attached_pic:stream_side_data=rotation"                               \
	":format=format_name,duration"

/* clang-format off */
static char *const probe_argv[] = {
	MEDIA_FFPROBE_PATH, "-hide_banner", "-v", "error",
	"-threads", "1",
	"-protocol_whitelist", "pipe",
	"-format_whitelist", MEDIA_FORMATS,
	"-print_format", "json=compact=1",
	"-show_entries", PROBE_ENTRIES,
	"-i", "pipe:0",
	NULL
};
/* clang-format on */

struct packet_times {
	long long count;
	double first, end; /* earliest start and latest end of the stream's packets */
};

struct probe_out {
	struct kv_buf doc;  /* the output without the packets */
	struct kv_buf elem; /* the packet being received */
	struct packet_times pt[MAX_STREAMS];
	int depth;       /* of JSON nesting */
	int in_str, esc; /* inside a string; after a backslash in one */
	char key[16];    /* the last string at depth 1: the name of a section */
	size_t keylen;
	int in_packets; /* inside the "packets" array */
	int bad;        /* output that is not what ffprobe writes */
};

struct stream_desc {
	int index; /* -1 when there is no such stream */
	char codec[32];
	char profile[48];
	char pix_fmt[32]; /* "" when no frame could be decoded */
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

/* Routes one byte of ffprobe's output: the elements of the top-level "packets" array go one
 * by one to take_packet, everything else to the document. A small JSON tokenizer (strings and
 * nesting only) rather than lines, because a packet with side data spans several lines. */
static void scan(struct probe_out *po, char c)
{
	int was_in = po->in_packets;

	if (po->in_str) {
		if (po->esc)
			po->esc = 0;
		else if (c == '\\')
			po->esc = 1;
		else if (c == '"')
			po->in_str = 0;
		else if (po->depth == 1 && po->keylen < sizeof(po->key) - 1)
			po->key[po->keylen++] = c;
	} else if (c == '"') {
		po->in_str = 1;
		if (po->depth == 1)
			po->keylen = 0;
	} else if (c == '{' || c == '[') {
		if (++po->depth > MAX_DEPTH)
			po->bad = 1;
		if (po->depth == 2 && c == '[' && po->keylen == 7 &&
		    memcmp(po->key, "packets", 7) == 0) {
			po->in_packets = 1;
			was_in = 0;
		}
		if (po->in_packets && po->depth == 3)
			kv_buf_clear(&po->elem);
	} else if (c == '}' || c == ']') {
		if (po->in_packets && po->depth == 3) {
			if (kv_buf_addch(&po->elem, c))
				po->bad = 1;
			else
				take_packet(po, po->elem.data, po->elem.len);
			po->depth--;
			return;
		}
		if (po->in_packets && po->depth == 2) {
			po->in_packets = 0;
			was_in = 0;
		}
		if (--po->depth < 0)
			po->bad = 1;
	}
	if (po->in_packets && po->depth >= 3 && kv_buf_addch(&po->elem, c))
		po->bad = 1;
	if (!was_in && kv_buf_addch(&po->doc, c))
		po->bad = 1;
}

static int probe_sink(void *ctx, const char *buf, size_t len)
{
	struct probe_out *po = ctx;
	size_t i;

	for (i = 0; i < len && !po->bad; i++)
		scan(po, buf[i]);
	return po->bad ? -1 : 0;
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
	json_t *sd;
	size_t k;
	long long frames;

	d->index = (int)json_integer_value(json_object_get(st, "index"));
	snprintf(d->codec, sizeof(d->codec), "%s", (s = jstr(st, "codec_name")) ? s : "unknown");
	snprintf(d->profile, sizeof(d->profile), "%s", (s = jstr(st, "profile")) ? s : "");
	snprintf(d->pix_fmt, sizeof(d->pix_fmt), "%s", (s = jstr(st, "pix_fmt")) ? s : "");
	n = json_integer_value(json_object_get(st, "width"));
	d->width = n > 0 && n < 100000 ? (int)n : 0;
	n = json_integer_value(json_object_get(st, "height"));
	d->height = n > 0 && n < 100000 ? (int)n : 0;
	/* Phones store portrait video sideways with a rotation to apply; report what is shown. */
	json_array_foreach(json_object_get(st, "side_data_list"), k, sd)
	{
		json_t *rot = json_object_get(sd, "rotation");

		if (json_is_number(rot) && lround(fabs(json_number_value(rot))) % 180 == 90) {
			n = d->width;
			d->width = d->height;
			d->height = (int)n;
		}
	}
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

/* 8-bit 4:2:0, which every browser decodes; failing a decoded frame, the H.264 profile says
 * it (High 10, 4:2:2 and 4:4:4 are out). An MP4 read from its index only has neither.
 * XXX: such an H.264 file is taken to be 8-bit 4:2:0, as recorders write; reading the profile
 * byte of its avcC would settle it. */
static int plain_420(const struct stream_desc *v)
{
	static const char *const yuv420[] = {"yuv420p", "yuvj420p", NULL};
	static const char *const h264_8bit[] = {
	    "Constrained Baseline", "Baseline", "Main", "Extended", "High", "", NULL};

	if (v->pix_fmt[0])
		return one_of(v->pix_fmt, yuv420);
	return strcmp(v->codec, "h264") == 0 && one_of(v->profile, h264_8bit);
}

static int playable(const struct media_info *info, const struct stream_desc *v)
{
	static const char *const mp4_audio[] = {"aac", "mp3", NULL};
	static const char *const webm_video[] = {"vp8", "vp9", NULL};
	static const char *const webm_audio[] = {"opus", "vorbis", NULL};
	const char *c = info->container, *vc = info->video_codec, *ac = info->audio_codec;

	if (strstr(c, "mp4")) {
		if (info->has_video)
			return strcmp(vc, "h264") == 0 && plain_420(v) &&
			       (!info->has_audio || strcmp(ac, "aac") == 0);
		return one_of(ac, mp4_audio);
	}
	if (strcmp(c, "matroska,webm") == 0) {
		if (info->has_video)
			return one_of(vc, webm_video) && (strcmp(vc, "vp8") == 0 || plain_420(v)) &&
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

	/* The packets are what can be played; a header can be stale (a fragmented MP4 on a pipe
	 * shows only its first fragments). The index is all an MP4 read with seeks offers. */
	info->duration = span > 0 && !info->needs_seeking ? span : header;
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
	kv_buf_init(&po.elem, ELEM_MAX);
	kv_buf_init(&po.doc, DOC_MAX);
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
		snprintf(err, errlen, "the media check gave no usable answer");
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
	rc = judge(&job, &po, info, err, errlen);
out:
	if (rc)
		memset(info, 0, sizeof(*info));
	kv_buf_release(&job.errbuf);
	kv_buf_release(&po.elem);
	kv_buf_release(&po.doc);
	return rc;
}
