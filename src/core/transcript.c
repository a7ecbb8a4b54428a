/* A strict WebVTT and SRT parser: cues out, or a refusal that names its line (see transcript.h). */
#include "core/transcript.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/idnumber.h"
#include "util/buf.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct parser {
	struct transcript *t;
	const char *p, *end; /* what is left to read */
	size_t line;         /* the number of the current line */
	const char *s;       /* the current line, without its line end */
	size_t len;
	unsigned flags;
	long long prev_start; /* the cue before, for the order rule */
	size_t prev_line;
	int have_prev;
	struct kv_buf text, one, speaker, voice; /* the cue being read; one line of it */
};

static int fail(struct parser *ps, enum transcript_err e, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(struct parser *ps, enum transcript_err e, size_t line, const char *fmt, ...)
{
	struct transcript *t = ps->t;
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	t->err = e;
	t->err_line = line;
	if (line)
		snprintf(t->err_msg, sizeof(t->err_msg), "line %zu: %s", line, msg);
	else
		snprintf(t->err_msg, sizeof(t->err_msg), "%s", msg);
	return -1;
}

static int is_ws(char c)
{
	return c == ' ' || c == '\t';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Reads the next line into ps->s; 0 at the end of the data. LF, CRLF and CR end a line. */
static int next_line(struct parser *ps)
{
	const char *q = ps->p;

	if (ps->p >= ps->end)
		return 0;
	while (q < ps->end && *q != '\n' && *q != '\r')
		q++;
	ps->s = ps->p;
	ps->len = (size_t)(q - ps->p);
	if (q < ps->end && *q == '\r') {
		q++;
		if (q < ps->end && *q == '\n')
			q++;
	} else if (q < ps->end) {
		q++; /* '\n' */
	}
	ps->p = q;
	ps->line++;
	return 1;
}

/* Blank: nothing, or only spaces and tabs (an editor's leftovers; not worth a refusal). */
static int blank(const struct parser *ps)
{
	size_t i;

	for (i = 0; i < ps->len; i++)
		if (!is_ws(ps->s[i]))
			return 0;
	return 1;
}

/* Skips blank lines; 0 when the data ends first. */
static int next_nonblank(struct parser *ps)
{
	while (next_line(ps))
		if (!blank(ps))
			return 1;
	return 0;
}

static int has_arrow(const char *s, size_t len)
{
	return memmem(s, len, "-->", 3) != NULL;
}

/* The line starts with word, followed by a space, a tab or its end (NOTE, STYLE, REGION). */
static int keyword(const struct parser *ps, const char *word)
{
	size_t n = strlen(word);

	return ps->len >= n && !memcmp(ps->s, word, n) && (ps->len == n || is_ws(ps->s[n]));
}

/* Length of the well-formed UTF-8 sequence at s (no overlongs, surrogates or > U+10FFFF), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];
	size_t n, i;
	unsigned long cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2, cp = c & 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3, cp = c & 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

/* Every byte before anything else: UTF-8, and no control characters but tab and line ends. */
static int check_bytes(struct parser *ps, const unsigned char *s, size_t len)
{
	size_t i = 0, line = 1, n;

	while (i < len) {
		unsigned char c = s[i];
		if (c == '\n' || c == '\r') {
			i += c == '\r' && i + 1 < len && s[i + 1] == '\n' ? 2 : 1;
			line++;
			continue;
		}
		if ((c < 0x20 && c != '\t') || c == 0x7F)
			return fail(ps, TRANSCRIPT_EINVAL, line,
			            "control character U+%04X is not allowed in a transcript", c);
		n = utf8_seq(s + i, len - i);
		if (!n)
			return fail(ps, TRANSCRIPT_EINVAL, line,
			            "the file is not valid UTF-8 (save it as UTF-8)");
		i += n;
	}
	return 0;
}

/* Up to 40 bytes of the current line, cut on a character boundary, for a message. */
static int excerpt_len(const struct parser *ps)
{
	size_t n = ps->len < 40 ? ps->len : 40;

	while (n < ps->len && n > 0 && ((unsigned char)ps->s[n] & 0xC0) == 0x80)
		n--;
	return (int)n;
}

void transcript_time_text(long long ms, enum transcript_format f, char out[32])
{
	if (ms < 0)
		ms = 0;
	snprintf(out, 32, "%02lld:%02lld:%02lld%c%03lld", ms / 3600000, ms / 60000 % 60,
	         ms / 1000 % 60, f == TRANSCRIPT_SRT ? ',' : '.', ms % 1000);
}

/* A run of digits at s[*i]: its value (of the first 9) and its length in *n. */
static long long digits(const char *s, size_t len, size_t *i, int *n)
{
	long long v = 0;

	*n = 0;
	while (*i < len && is_digit(s[*i])) {
		if (*n < 9)
			v = v * 10 + (s[*i] - '0');
		(*n)++;
		(*i)++;
	}
	return v;
}

/* One timestamp at s[*i]: WebVTT [hh:]mm:ss.ttt (hours two or more digits), SRT hh:mm:ss,ttt. */
static int parse_time(const char *s, size_t len, size_t *i, enum transcript_format f, long long *ms)
{
	size_t j = *i;
	long long a, b, c, frac, h = 0, m, sec;
	int na, nb, nc, nf;

	a = digits(s, len, &j, &na);
	if (!na || j >= len || s[j] != ':')
		return -1;
	j++;
	b = digits(s, len, &j, &nb);
	if (nb != 2)
		return -1;
	if (j < len && s[j] == ':') {
		j++;
		c = digits(s, len, &j, &nc);
		if (nc != 2 || na > 4 || (f == TRANSCRIPT_VTT && na < 2))
			return -1;
		h = a, m = b, sec = c;
	} else {
		if (f == TRANSCRIPT_SRT || na != 2)
			return -1;
		m = a, sec = b;
	}
	if (m > 59 || sec > 59 || j >= len || s[j] != (f == TRANSCRIPT_SRT ? ',' : '.'))
		return -1;
	j++;
	frac = digits(s, len, &j, &nf);
	if (nf != 3)
		return -1;
	*ms = ((h * 60 + m) * 60 + sec) * 1000 + frac;
	*i = j;
	return 0;
}

/* The current line as "start --> end" with settings (WebVTT) or coordinates (SRT) after it. */
static int parse_timing(struct parser *ps, long long *start, long long *end)
{
	enum transcript_format f = ps->t->format;
	const char *s = ps->s;
	size_t len = ps->len, i = 0, k;
	char a[32], b[32];

	if (parse_time(s, len, &i, f, start))
		goto bad;
	for (k = i; i < len && is_ws(s[i]); i++)
		;
	if (i == k || len - i < 3 || memcmp(s + i, "-->", 3))
		goto bad;
	for (i += 3, k = i; i < len && is_ws(s[i]); i++)
		;
	if (i == k || parse_time(s, len, &i, f, end) || (i < len && !is_ws(s[i])))
		goto bad;
	transcript_time_text(*start, f, a);
	transcript_time_text(*end, f, b);
	if (*end < *start)
		return fail(ps, TRANSCRIPT_EINVAL, ps->line, "end time %s is before start %s", b,
		            a);
	if (*end == *start)
		return fail(ps, TRANSCRIPT_EINVAL, ps->line,
		            "end time %s is the same as the start; a cue must last", b);
	if (ps->have_prev && *start < ps->prev_start) {
		transcript_time_text(ps->prev_start, f, b);
		return fail(ps, TRANSCRIPT_EINVAL, ps->line,
		            "the cue starts at %s, before the cue on line %zu (%s); cues must be "
		            "in time order",
		            a, ps->prev_line, b);
	}
	ps->have_prev = 1;
	ps->prev_start = *start;
	ps->prev_line = ps->line;
	return 0;
bad:
	return fail(ps, TRANSCRIPT_EINVAL, ps->line, "bad cue timing \"%.*s\" (write it as %s)",
	            excerpt_len(ps), s,
	            f == TRANSCRIPT_SRT ? "00:00:01,000 --> 00:00:04,000"
	                                : "00:00:01.000 --> 00:00:04.000");
}

static int add(struct parser *ps, struct kv_buf *b, const char *s, size_t n)
{
	if (!kv_buf_add(b, s, n))
		return 0;
	if (b == &ps->speaker || b == &ps->voice)
		return fail(ps, TRANSCRIPT_ETOOBIG, ps->line,
		            "the speaker's name is longer than %d bytes", TRANSCRIPT_MAX_SPEAKER);
	return fail(ps, TRANSCRIPT_ETOOBIG, ps->line, "the cue's text is longer than %d bytes",
	            TRANSCRIPT_MAX_TEXT);
}

/* Appends code point cp as UTF-8. */
static size_t put_utf8(unsigned long cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

static const struct {
	const char *name, *text;
} entities[] = {
    {"amp", "&"},
    {"lt", "<"},
    {"gt", ">"},
    {"nbsp", "\xC2\xA0"},
    {"lrm", "\xE2\x80\x8E"},
    {"rlm", "\xE2\x80\x8F"},
    {"quot", "\""},
    {"apos", "'"},
};

/* A character reference at s[0] == '&'. Returns the bytes it takes with the decoded text in
 * out[0..*n), 0 when it is no reference we know (the '&' is then text), or -1 for a numeric
 * reference to a character a transcript may not hold. */
static int entity(const char *s, size_t len, char out[4], size_t *n)
{
	size_t i, j;

	if (len > 2 && s[1] == '#') {
		int hex = len > 3 && (s[2] == 'x' || s[2] == 'X');
		unsigned long cp = 0;
		for (j = i = hex ? 3 : 2; i < len && i - j < 8; i++) {
			char c = s[i];
			int d = is_digit(c)                   ? c - '0'
			        : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
			        : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
			                                      : -1;
			if (d < 0)
				break;
			cp = cp * (hex ? 16 : 10) + (unsigned long)d;
		}
		if (i == j || i >= len || s[i] != ';')
			return 0;
		if (cp != '\t' && (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) ||
		                   (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF))
			return -1;
		*n = put_utf8(cp, out);
		return (int)i + 1;
	}
	for (i = 0; i < sizeof(entities) / sizeof(entities[0]); i++) {
		size_t k = strlen(entities[i].name);
		if (len > k + 1 && !memcmp(s + 1, entities[i].name, k) && s[k + 1] == ';') {
			*n = strlen(entities[i].text);
			memcpy(out, entities[i].text, *n);
			return (int)k + 2;
		}
	}
	return 0;
}

/* Text with character references decoded, into b. */
static int add_decoded(struct parser *ps, struct kv_buf *b, const char *s, size_t len)
{
	size_t i = 0, run, n;
	char out[4];
	int used;

	while (i < len) {
		if (s[i] != '&') {
			for (run = i; run < len && s[run] != '&'; run++)
				;
			if (add(ps, b, s + i, run - i))
				return -1;
			i = run;
			continue;
		}
		used = entity(s + i, len - i, out, &n);
		if (used < 0) {
			const char *semi = memchr(s + i, ';', len - i);
			return fail(ps, TRANSCRIPT_EINVAL, ps->line,
			            "\"%.*s\" is not a character a transcript may hold",
			            semi ? (int)(semi - (s + i)) + 1 : 1, s + i);
		}
		if (add(ps, b, used ? out : "&", used ? n : 1))
			return -1;
		i += used ? (size_t)used : 1;
	}
	return 0;
}

static void trim(struct kv_buf *b)
{
	size_t a = 0, z = b->len;

	while (a < z && is_ws(b->data[a]))
		a++;
	while (z > a && is_ws(b->data[z - 1]))
		z--;
	if (a)
		memmove(b->data, b->data + a, z - a);
	b->len = z - a;
	if (b->data)
		b->data[b->len] = '\0';
}

/* Refuses a national identity number in s (a no-break space counts as a space). */
static int check_idnumber(struct parser *ps, const char *s, size_t len)
{
	enum idnumber_kind k;
	char *copy;
	size_t i, j;

	if (!(ps->flags & TRANSCRIPT_REFUSE_IDNUMBERS) || !len)
		return 0;
	copy = xmalloc(len + 1);
	for (i = j = 0; i < len; i++) {
		if ((unsigned char)s[i] == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] == 0xA0) {
			copy[j++] = ' ';
			i++;
		} else
			copy[j++] = s[i];
	}
	k = idnumber_find(copy, j);
	free(copy);
	if (k == IDNUMBER_NONE)
		return 0;
	return fail(ps, TRANSCRIPT_EIDNUMBER, ps->line, "the text %s", idnumber_message(k));
}

/* A WebVTT tag's content (between < and >): a voice gives the speaker; the rest is dropped. */
static int vtt_tag(struct parser *ps, const char *tag, size_t n)
{
	size_t i;

	if (n < 1 || tag[0] != 'v' || (n > 1 && !is_ws(tag[1]) && tag[1] != '.'))
		return 0; /* an end tag, a timestamp, c, i, b, u, ruby, rt, lang, or unknown */
	for (i = 1; i < n && !is_ws(tag[i]); i++)
		; /* classes: <v.loud Name> */
	kv_buf_clear(&ps->voice);
	if (add_decoded(ps, &ps->voice, tag + i, n - i))
		return -1;
	trim(&ps->voice);
	if (!ps->voice.len)
		return 0;
	if (check_idnumber(ps, ps->voice.data, ps->voice.len))
		return -1;
	if (!ps->speaker.len)
		return add(ps, &ps->speaker, ps->voice.data, ps->voice.len);
	if (!strcmp(ps->speaker.data, ps->voice.data))
		return 0;
	/* A second voice in one cue: say who speaks where, in the text. */
	return add(ps, &ps->one, ps->voice.data, ps->voice.len) || add(ps, &ps->one, ": ", 2) ? -1
	                                                                                      : 0;
}

/* One line of WebVTT cue text into ps->one. */
static int vtt_line(struct parser *ps)
{
	const char *s = ps->s, *gt;
	size_t len = ps->len, i = 0, run;

	while (i < len) {
		if (s[i] == '<') {
			gt = memchr(s + i, '>', len - i);
			if (!gt)
				return fail(
				    ps, TRANSCRIPT_EINVAL, ps->line,
				    "a tag opened with '<' is not closed on its line (write "
				    "&lt; for a '<' in the text)");
			if (vtt_tag(ps, s + i + 1, (size_t)(gt - (s + i + 1))))
				return -1;
			i = (size_t)(gt - s) + 1;
			continue;
		}
		for (run = i; run < len && s[run] != '<'; run++)
			;
		if (add_decoded(ps, &ps->one, s + i, run - i))
			return -1;
		i = run;
	}
	return 0;
}

/* The length of an SRT formatting tag at s[0] == '<' (<i> </i> <b> <u> <s> <font ...>), or 0. */
static size_t srt_tag(const char *s, size_t len)
{
	static const char *const names[] = {"i", "b", "u", "s", "font"};
	size_t i = 1, k, n;

	if (i < len && s[i] == '/')
		i++;
	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		n = strlen(names[k]);
		if (len - i > n && !strncasecmp(s + i, names[k], n) &&
		    (s[i + n] == '>' || (is_ws(s[i + n]) && !strcmp(names[k], "font")))) {
			const char *gt = memchr(s + i + n, '>', len - i - n);
			return gt ? (size_t)(gt - s) + 1 : 0;
		}
	}
	return 0;
}

/* One line of SRT cue text into ps->one: literal but for formatting tags and {\...} overrides. */
static int srt_line(struct parser *ps)
{
	const char *s = ps->s, *close;
	size_t len = ps->len, i = 0, n;

	while (i < len) {
		if (s[i] == '<' && (n = srt_tag(s + i, len - i))) {
			i += n;
			continue;
		}
		if (s[i] == '{' && i + 1 < len && s[i + 1] == '\\' &&
		    (close = memchr(s + i, '}', len - i))) {
			i = (size_t)(close - s) + 1;
			continue;
		}
		for (n = i + 1; n < len && s[n] != '<' && s[n] != '{'; n++)
			;
		if (add(ps, &ps->one, s + i, n - i))
			return -1;
		i = n;
	}
	return 0;
}

/* The cue whose timing is the current line, with its text up to a blank line. */
static int read_cue(struct parser *ps)
{
	struct transcript *t = ps->t;
	struct transcript_cue *c;
	long long start, end;
	size_t line = ps->line;

	if (parse_timing(ps, &start, &end))
		return -1;
	kv_buf_clear(&ps->text);
	kv_buf_clear(&ps->speaker);
	while (next_line(ps) && !blank(ps)) {
		if (has_arrow(ps->s, ps->len))
			return fail(ps, TRANSCRIPT_EINVAL, ps->line,
			            "cue text must not contain \"-->\" (is the blank line before "
			            "this cue missing?)");
		kv_buf_clear(&ps->one);
		if (t->format == TRANSCRIPT_VTT ? vtt_line(ps) : srt_line(ps))
			return -1;
		trim(&ps->one);
		if (!ps->one.len)
			continue;
		if (check_idnumber(ps, ps->one.data, ps->one.len) ||
		    (ps->text.len && add(ps, &ps->text, "\n", 1)) ||
		    add(ps, &ps->text, ps->one.data, ps->one.len))
			return -1;
	}
	if (!ps->text.len)
		return 0; /* nothing to read: left out */
	if (t->n_cues == TRANSCRIPT_MAX_CUES)
		return fail(ps, TRANSCRIPT_ETOOBIG, line, "the transcript has more than %d cues",
		            TRANSCRIPT_MAX_CUES);
	if (t->n_cues == t->cap_cues) {
		t->cap_cues = t->cap_cues ? t->cap_cues * 2 : 64;
		t->cues = xrealloc(t->cues, t->cap_cues * sizeof(*t->cues));
	}
	c = &t->cues[t->n_cues++];
	c->start_ms = start;
	c->end_ms = end;
	c->line = line;
	c->text = xstrndup(ps->text.data, ps->text.len);
	c->speaker = xstrdup(kv_buf_str(&ps->speaker));
	return 0;
}

static int parse_vtt(struct parser *ps)
{
	size_t id_line;

	next_line(ps);
	if (ps->len > 6 && !is_ws(ps->s[6]))
		return fail(ps, TRANSCRIPT_EINVAL, ps->line,
		            "the first line must be WEBVTT, alone or followed by a space and a "
		            "title");
	/* The rest of the header block, up to the first blank line. */
	while (next_line(ps) && !blank(ps))
		if (has_arrow(ps->s, ps->len))
			return fail(ps, TRANSCRIPT_EINVAL, ps->line,
			            "a blank line must separate the WEBVTT header from the first "
			            "cue");
	while (next_nonblank(ps)) {
		if (keyword(ps, "NOTE") || keyword(ps, "STYLE") || keyword(ps, "REGION")) {
			while (next_line(ps) && !blank(ps))
				;
			continue;
		}
		if (!has_arrow(ps->s, ps->len)) { /* a cue identifier */
			id_line = ps->line;
			if (!next_line(ps) || blank(ps) || !has_arrow(ps->s, ps->len))
				return fail(ps, TRANSCRIPT_EINVAL, id_line + 1,
				            "expected the timing of the cue named on line %zu "
				            "(00:00:01.000 --> 00:00:04.000)",
				            id_line);
		}
		if (read_cue(ps))
			return -1;
	}
	return 0;
}

static int all_digits(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!is_digit(s[i]))
			return 0;
	return len > 0;
}

/* The line without the spaces and tabs at its end. */
static size_t trimmed_len(const char *s, size_t len)
{
	while (len && is_ws(s[len - 1]))
		len--;
	return len;
}

static int parse_srt(struct parser *ps)
{
	size_t number_line, len;
	const char *number;

	while (next_nonblank(ps)) {
		len = trimmed_len(ps->s, ps->len);
		if (!all_digits(ps->s, len) || len > 9)
			return fail(ps, TRANSCRIPT_EINVAL, ps->line, "%s",
			            ps->have_prev ? "expected the next cue's number (is there a "
			                            "blank line inside the cue before?)"
			                          : "expected a cue number");
		number = ps->s;
		number_line = ps->line;
		if (!next_line(ps) || blank(ps) || !has_arrow(ps->s, ps->len))
			return fail(ps, TRANSCRIPT_EINVAL, number_line + 1,
			            "expected the timing of cue %.*s (00:00:01,000 --> "
			            "00:00:04,000)",
			            (int)len, number);
		if (read_cue(ps))
			return -1;
	}
	return 0;
}

/* Which format the content is; -1 (with the error) when neither. */
static int detect(struct parser *ps, enum transcript_format hint)
{
	struct parser peek = *ps;
	const char *what = "neither WebVTT (must start with WEBVTT) nor SRT (must start with a "
	                   "cue number)";

	if (ps->end - ps->p >= 6 && !memcmp(ps->p, "WEBVTT", 6))
		return ps->t->format = TRANSCRIPT_VTT, 0;
	if (!next_nonblank(&peek))
		return fail(ps, TRANSCRIPT_EINVAL, 1, "the file is empty");
	if (all_digits(peek.s, trimmed_len(peek.s, peek.len)))
		return ps->t->format = TRANSCRIPT_SRT, 0;
	if (hint == TRANSCRIPT_VTT || (hint == TRANSCRIPT_ANY && has_arrow(peek.s, peek.len) &&
	                               memchr(peek.s, '.', peek.len)))
		what = "not a WebVTT file (must start with WEBVTT)";
	else if (hint == TRANSCRIPT_SRT)
		return fail(ps, TRANSCRIPT_EINVAL, peek.line,
		            "not an SRT file (must start with a cue number)");
	return fail(ps, TRANSCRIPT_EINVAL, 1, "%s", what);
}

static void wipe(struct kv_buf *b)
{
	if (b->data)
		explicit_bzero(b->data, b->cap);
	kv_buf_release(b);
}

int transcript_parse(const char *data, size_t len, enum transcript_format hint, unsigned flags,
                     struct transcript *t)
{
	struct parser ps;
	int rc;

	memset(t, 0, sizeof(*t));
	memset(&ps, 0, sizeof(ps));
	ps.t = t;
	ps.flags = flags;
	if (len > TRANSCRIPT_MAX_BYTES)
		return fail(&ps, TRANSCRIPT_ETOOBIG, 0, "the file is larger than %u MiB",
		            TRANSCRIPT_MAX_BYTES >> 20);
	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
		data += 3, len -= 3;
	if (check_bytes(&ps, (const unsigned char *)data, len))
		return -1;
	ps.p = data;
	ps.end = data + len;
	if (detect(&ps, hint))
		return -1;
	kv_buf_init(&ps.text, TRANSCRIPT_MAX_TEXT);
	kv_buf_init(&ps.one, TRANSCRIPT_MAX_TEXT);
	kv_buf_init(&ps.speaker, TRANSCRIPT_MAX_SPEAKER);
	kv_buf_init(&ps.voice, TRANSCRIPT_MAX_SPEAKER);
	rc = t->format == TRANSCRIPT_VTT ? parse_vtt(&ps) : parse_srt(&ps);
	if (!rc && !t->n_cues)
		rc = fail(&ps, TRANSCRIPT_EINVAL, ps.line ? ps.line : 1,
		          "the file ends without a single cue");
	wipe(&ps.text);
	wipe(&ps.one);
	wipe(&ps.speaker);
	wipe(&ps.voice);
	if (rc)
		transcript_release(t); /* all or nothing: the error stays */
	return rc;
}

void transcript_release(struct transcript *t)
{
	size_t i;

	/* What was said is health data: not left behind in freed memory. */
	for (i = 0; i < t->n_cues; i++) {
		explicit_bzero(t->cues[i].speaker, strlen(t->cues[i].speaker));
		explicit_bzero(t->cues[i].text, strlen(t->cues[i].text));
		free(t->cues[i].speaker);
		free(t->cues[i].text);
	}
	free(t->cues);
	t->cues = NULL;
	t->n_cues = t->cap_cues = 0;
}

const char *transcript_format_name(enum transcript_format f)
{
	return f == TRANSCRIPT_VTT ? "vtt" : f == TRANSCRIPT_SRT ? "srt" : NULL;
}

enum transcript_format transcript_format_parse(const char *s)
{
	if (s && !strcmp(s, "vtt"))
		return TRANSCRIPT_VTT;
	if (s && !strcmp(s, "srt"))
		return TRANSCRIPT_SRT;
	return TRANSCRIPT_ANY;
}
