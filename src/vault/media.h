/* Media checks and conversion of uploaded recordings, done by sandboxed ffprobe/ffmpeg children.
 *
 * Why pipes: a recording is among the most sensitive health data there is, and it is stored only
 * encrypted. The plaintext therefore never touches disk, not even while it is checked or
 * converted: the caller decrypts into a read callback, the bytes go into the child's stdin, and
 * the child's stdout comes back through a write callback (to be encrypted again). No temporary
 * files, no file names on any command line, and ffmpeg may open no protocol but "pipe".
 *
 * Why children: media parsers are large and exposed to hostile input, so they never run inside
 * the server. Each child gets an explicit argv and a tiny environment, only the pipes as open
 * files, its own process group (killed as a whole on timeout, always reaped, and killed too if
 * the server dies), and these limits:
 *   - CPU seconds (RLIMIT_CPU), address space (RLIMIT_AS), wall-clock seconds (enforced by the
 *     parent, which kills the group);
 *   - RLIMIT_FSIZE = 0 (writing to any file kills it), RLIMIT_CORE = 0 (no core dumps of
 *     plaintext), a small RLIMIT_NOFILE, working directory "/", no new privileges;
 *   - where the kernel has Landlock, no file may be created, written or removed anywhere and no
 *     TCP connection made;
 *   - the demuxers are limited to common recording containers (MEDIA_FORMATS in media_int.h),
 *     so images, playlists and the like are never parsed.
 * Debian's ffmpeg maps about 300 MiB of shared libraries before it reads a byte, so memory
 * limits below ~400 MiB make every job fail with "ran out of memory".
 *
 * "Browser playable" means the stored file can be given to a <video>/<audio> element of current
 * Chromium, Firefox and Safari as it is: H.264 (8-bit 4:2:0) with AAC or no audio, or audio-only
 * AAC/MP3, in MP4; VP8/VP9 with Opus/Vorbis or no audio, or audio-only Opus, in WebM; audio-only
 * Opus in Ogg; MP3. Anything else is converted by media_transcode() to fragmented MP4.
 *
 * The calling thread does all the work (one poll() loop feeds stdin and drains stdout/stderr), so
 * the callbacks run on it; a read callback must not block for long, because the wall-clock
 * limit is checked between calls. SIGPIPE is blocked in the calling thread while a child runs.
 * The functions keep no global state and may run in several threads at once. */
#ifndef KV_MEDIA_H
#define KV_MEDIA_H

#include <stddef.h>

/* Supplies plaintext bytes: fills buf with up to cap bytes; *got = 0 at the end. 0 ok, -1 error. */
typedef int (*media_read_fn)(void *ctx, void *buf, size_t cap, size_t *got);
/* Receives output bytes (e.g. to encrypt them). 0 ok, -1 error (aborts the job). */
typedef int (*media_write_fn)(void *ctx, const void *buf, size_t len);
/* Progress in [0,1] (from ffmpeg's -progress output vs the known duration); may be NULL. */
typedef void (*media_progress_fn)(void *ctx, double fraction);

/* A zero field means the default: probe 300 s CPU, 1 GiB, 900 s wall clock (a probe demuxes the
 * whole recording, so it lasts as long as reading it does); transcode 6 h CPU, 2 GiB, 6 h. */
struct media_limits {
	unsigned cpu_seconds;
	unsigned long long memory_bytes;
	unsigned wall_seconds;
};

struct media_info {
	double duration;      /* seconds */
	char container[64];   /* e.g. "mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", "wav", "ogg" */
	char video_codec[32]; /* "" when audio-only */
	char audio_codec[32]; /* "" when there is no audio */
	int width, height;    /* as displayed (a phone's rotation applied); 0 when audio-only, and
	                       * may be 0 when needs_seeking and only a decoded frame would tell */
	int has_video, has_audio;
	int browser_playable; /* see the top of this file */
	/* The index of an MP4/QuickTime file follows its media data ("moov at the end"), so the
	 * samples could not be read through the pipe: the file was checked from its index only.
	 * Browsers play it with range requests when browser_playable; media_transcode() cannot
	 * convert it (that needs a seekable source). */
	int needs_seeking;
};

/* Runs ffprobe on the bytes from read (streamed into its stdin, to the end unless ffprobe stops
 * early), with limits (NULL for the defaults). Returns 0 and fills info when the data is real
 * audio or video with a positive duration; -1 with a clear user-facing message in err otherwise
 * ("the file is empty", "the file is not audio or video", "the recording has no audio or video
 * stream", "the recording is incomplete ...", "media check took too long", ...). A recording
 * that ends before its own header says it should is refused as incomplete. Streams that are
 * cover pictures do not count as video. Metadata tags (titles, places, devices) are never read. */
int media_probe(media_read_fn read, void *rctx, const struct media_limits *lim,
                struct media_info *info, char *err, size_t errlen);

/* Transcodes the bytes from read into a web-playable fragmented MP4 written to write: H.264
 * High, 8-bit 4:2:0, at most 1280x720 (720x1280 upright), a keyframe every 2 s, and AAC (mono or
 * stereo); or AAC only, an .m4a-style MP4, when has_video is 0. Metadata and chapters are
 * dropped. Everything goes through pipes (-movflags frag_keyframe+empty_moov+default_base_moof,
 * since stdout cannot seek). duration (from media_probe) drives progress, which ends with 1 on
 * success. Returns 0, or -1 with a message in err; output already written is then garbage the
 * caller discards. */
int media_transcode(media_read_fn read, void *rctx, media_write_fn write, void *wctx,
                    media_progress_fn progress, void *pctx, double duration, int has_video,
                    const struct media_limits *lim, char *err, size_t errlen);

#endif
