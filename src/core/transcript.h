/* Transcripts of a session: a strict parser for WebVTT and SRT files that turns them into timed
 * cues (start, end, speaker, text), refusing bad input with the line it is on. Pure: no I/O. */
#ifndef KV_TRANSCRIPT_H
#define KV_TRANSCRIPT_H

#include <stddef.h>

/* Caps, checked before anything grows: a two-hour session transcribed line by line is about
 * 150 KiB and 2 000 cues, so these leave room without inviting abuse. */
#define TRANSCRIPT_MAX_BYTES (2u * 1024 * 1024)
#define TRANSCRIPT_MAX_CUES 20000
#define TRANSCRIPT_MAX_TEXT 2000   /* bytes of one cue's text, after tags and entities */
#define TRANSCRIPT_MAX_SPEAKER 200 /* bytes of a speaker's name */
/* The cues as JSON are at most about twice the file (escaped quotes) plus ~70 bytes a cue. */
#define TRANSCRIPT_JSON_MAX (8u * 1024 * 1024)

enum transcript_format {
	TRANSCRIPT_ANY, /* as a hint: tell by the content */
	TRANSCRIPT_VTT,
	TRANSCRIPT_SRT,
	TRANSCRIPT__MAX
};

/* What kind of refusal: the API answers 400, 413 and 422 for them. */
enum transcript_err {
	TRANSCRIPT_OK,
	TRANSCRIPT_EINVAL,    /* malformed */
	TRANSCRIPT_ETOOBIG,   /* past a cap */
	TRANSCRIPT_EIDNUMBER, /* holds a national identity number */
	TRANSCRIPT_ERR__MAX
};

/* Flags for transcript_parse. */
#define TRANSCRIPT_REFUSE_IDNUMBERS 1u /* refuse text that holds a fødselsnummer or CPR number */

struct transcript_cue {
	long long start_ms, end_ms; /* end_ms > start_ms */
	char *speaker;              /* from a WebVTT <v Name> tag; "" when none */
	char *text;                 /* lines joined with "\n"; tags removed, entities decoded */
	size_t line;                /* the line of the cue's timing */
};

struct transcript {
	enum transcript_format format;
	struct transcript_cue *cues; /* in start order */
	size_t n_cues, cap_cues;
	enum transcript_err err;
	size_t err_line;   /* 0 when the error is not on a line (e.g. the size) */
	char err_msg[256]; /* "line 12: end time 00:00:03.000 is before start 00:00:05.000" */
};

/*
 * Parses data[0..len) into t (which the caller need not initialise). The format is told by the
 * content: a WebVTT file starts with "WEBVTT" (after an optional byte order mark), an SRT file
 * with a cue number. hint only chooses the words of the error when the content is neither.
 *
 * WebVTT: the header line and its header block; cue identifiers; timings hh:mm:ss.ttt or
 * mm:ss.ttt with cue settings after the end time; NOTE, STYLE and REGION blocks skipped; <v Name>
 * gives the speaker (a second, different voice in one cue is written "Name: " into the text);
 * other tags are removed; &amp; &lt; &gt; &nbsp; &lrm; &rlm; &quot; &apos; and numeric
 * references are decoded, any other '&' is kept as it is.
 * SRT: cue number, hh:mm:ss,mmm --> hh:mm:ss,mmm (text after it ignored), text lines; <i> <b>
 * <u> <s> <font> tags and {\...} overrides are removed; the text is otherwise literal.
 * Both: LF, CRLF or CR line ends; valid UTF-8 without control characters; every cue must end
 * after it starts and start no earlier than the cue before it (an out-of-order cue is refused,
 * not sorted: it is nearly always a mistyped time); cues with no text are left out; at least
 * one cue.
 *
 * Returns 0, or -1 with t->err, t->err_line and t->err_msg set and no cues. Either way
 * release t with transcript_release().
 */
int transcript_parse(const char *data, size_t len, enum transcript_format hint, unsigned flags,
                     struct transcript *t);
void transcript_release(struct transcript *t);

/* "vtt" or "srt" (NULL for others); and back (TRANSCRIPT_ANY when neither). */
const char *transcript_format_name(enum transcript_format f);
enum transcript_format transcript_format_parse(const char *s);

/* Writes ms as hh:mm:ss.ttt (or with a comma for SRT) into out. */
void transcript_time_text(long long ms, enum transcript_format f, char out[32]);

#endif
