/* RFC 4180 CSV parsing into unescaped, NUL-terminated fields, one record at a time. */
#include "util/csv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"
#include "util/banned.h"

/*
 * The parser works in place: an unquoted field is left where it is and its separator
 * overwritten with NUL, and a quoted field is unescaped over its own text, which is never
 * shorter than the result (the opening quote alone makes room for the NUL). Files of
 * ratings are almost all short unquoted fields, so the hot loop is one table lookup per
 * byte that stops only at the bytes that need a decision. A NUL at data[len] is the
 * sentinel that ends the last field without a bounds check in that loop.
 */
enum {
	PLAIN = 0,
	STOP,   /* ',' or '\n': the field ends */
	CR,     /* must be followed by '\n' */
	QUOTE,  /* not allowed in an unquoted field */
	NUL,    /* the sentinel at len, or a NUL byte in the data */
	HIGHBIT /* part of a multi-byte character: the field needs a UTF-8 check */
};

/* Bytes 0x80 to 0xFF, in designated-initialiser order. */
#define HIGH4 HIGHBIT, HIGHBIT, HIGHBIT, HIGHBIT
#define HIGH16 HIGH4, HIGH4, HIGH4, HIGH4
#define HIGH64 HIGH16, HIGH16, HIGH16, HIGH16

static const unsigned char byte_class[256] = {
    [0] = NUL, [','] = STOP, ['\n'] = STOP, ['\r'] = CR, ['"'] = QUOTE, [0x80] = HIGH64, HIGH64,
};

static void setup(struct csv_reader *r, char *data, size_t len, size_t max_fields, size_t max_field)
{
	memset(r, 0, sizeof(*r));
	r->data = data;
	r->len = len;
	r->line = 1;
	r->max_fields = max_fields ? max_fields : 1;
	r->max_field = max_field ? max_field : 1;
	data[len] = '\0';
	/* Skip a UTF-8 byte order mark: Excel writes one. */
	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
		r->pos = 3;
}

void csv_reader_init(struct csv_reader *r, const char *data, size_t len, size_t max_fields,
                     size_t max_field)
{
	char *copy;

	if (len == (size_t)-1)
		abort();
	copy = xmalloc(len + 1);
	if (len)
		memcpy(copy, data, len);
	setup(r, copy, len, max_fields, max_field);
	r->copy = copy;
}

void csv_reader_init_inplace(struct csv_reader *r, char *data, size_t len, size_t max_fields,
                             size_t max_field)
{
	setup(r, data, len, max_fields, max_field);
}

void csv_reader_release(struct csv_reader *r)
{
	free(r->copy);
	free(r->fields);
	r->copy = NULL;
	r->data = NULL;
	r->fields = NULL;
	r->cap_fields = 0;
}

static int fail(struct csv_reader *r, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct csv_reader *r, size_t line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	r->err_line = line;
	r->err_column = r->n_fields + 1;
	r->pos = r->len; /* stay at the end: the reader is in error */
	r->data = NULL;
	return -1;
}

int csv_utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, n, k;
	unsigned long cp, min;

	while (i < len) {
		unsigned char c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			n = 1;
			cp = c & 0x1F;
			min = 0x80;
		} else if ((c & 0xF0) == 0xE0) {
			n = 2;
			cp = c & 0x0F;
			min = 0x800;
		} else if ((c & 0xF8) == 0xF0) {
			n = 3;
			cp = c & 0x07;
			min = 0x10000;
		} else {
			return 0;
		}
		if (len - i <= n)
			return 0;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += n + 1;
	}
	return 1;
}

/* Makes room for one more field; fails past the field cap. */
static int field_begin(struct csv_reader *r, size_t line)
{
	if (r->n_fields == r->max_fields)
		return fail(r, line, "more than %zu fields", r->max_fields);
	if (r->n_fields == r->cap_fields) {
		r->cap_fields = r->cap_fields ? 2 * r->cap_fields : 16;
		if (r->cap_fields > r->max_fields)
			r->cap_fields = r->max_fields;
		r->fields = xrealloc(r->fields, r->cap_fields * sizeof(*r->fields));
	}
	return 0;
}

/*
 * Ends the field data[start..start+len): checks its encoding when it may hold multi-byte
 * characters and records it. The caller has put the NUL after it, or will before returning
 * the record (an unquoted field's NUL goes over its separator, which is read first).
 */
static int field_end(struct csv_reader *r, size_t line, size_t start, size_t len, int check)
{
	if (check && !csv_utf8_valid(r->data + start, len))
		return fail(r, line, "invalid UTF-8");
	r->fields[r->n_fields].s = r->data + start;
	r->fields[r->n_fields].len = len;
	r->n_fields++;
	return 0;
}

/* Reads a quoted field whose opening quote is at pos, unescaping it over its own text. */
static int quoted(struct csv_reader *r)
{
	size_t open_line = r->line, start, out, begin = r->pos;
	char *d = r->data;

	out = begin;
	r->pos++;
	for (;;) {
		size_t seg;
		start = r->pos;
		while (r->pos < r->len && d[r->pos] != '"' && d[r->pos] != '\n' && d[r->pos])
			r->pos++;
		seg = r->pos - start;
		if (out - begin + seg > r->max_field)
			return fail(r, open_line, "field longer than %zu bytes", r->max_field);
		memmove(d + out, d + start, seg);
		out += seg;
		if (r->pos == r->len)
			return fail(r, open_line, "unterminated quoted field");
		if (d[r->pos] == '\0')
			return fail(r, r->line, "NUL byte");
		if (d[r->pos] == '\n') {
			r->line++;
			r->pos++;
			if (out - begin + 1 > r->max_field)
				return fail(r, open_line, "field longer than %zu bytes",
				            r->max_field);
			d[out++] = '\n';
			continue;
		}
		/* A quote: doubled means a literal quote, single ends the field. */
		if (r->pos + 1 < r->len && d[r->pos + 1] == '"') {
			if (out - begin + 1 > r->max_field)
				return fail(r, open_line, "field longer than %zu bytes",
				            r->max_field);
			d[out++] = '"';
			r->pos += 2;
			continue;
		}
		r->pos++;
		if (r->pos < r->len && d[r->pos] != ',' && d[r->pos] != '\n' &&
		    !(d[r->pos] == '\r' && r->pos + 1 < r->len && d[r->pos + 1] == '\n'))
			return fail(r, r->line, "unexpected character after closing quote");
		/* out is at most the closing quote's position, so this overwrites no separator. */
		d[out] = '\0';
		return field_end(r, r->line, begin, out - begin, 1);
	}
}

/* The position of the first byte at or after pos that is not PLAIN; the sentinel never is. */
static size_t scan_plain(const unsigned char *d, size_t pos)
{
	while (byte_class[d[pos]] == PLAIN)
		pos++;
	return pos;
}

static int unquoted(struct csv_reader *r)
{
	const unsigned char *d = (const unsigned char *)r->data;
	size_t start = r->pos, pos = r->pos, len = r->len;
	int high = 0;

	for (;;) {
		unsigned char k;
		pos = scan_plain(d, pos);
		k = byte_class[d[pos]];
		if (k == STOP)
			break;
		if (k == HIGHBIT) {
			high = 1;
			pos++;
			continue;
		}
		if (k == NUL) {
			if (pos == len)
				break;
			r->pos = pos;
			return fail(r, r->line, "NUL byte");
		}
		if (k == CR) {
			/* d[len] is the sentinel, so pos + 1 is always in bounds here. */
			if (d[pos + 1] == '\n')
				break;
			r->pos = pos;
			return fail(r, r->line, "carriage return not followed by line feed");
		}
		r->pos = pos;
		return fail(r, r->line, "quote inside an unquoted field");
	}
	r->pos = pos;
	if (pos - start > r->max_field)
		return fail(r, r->line, "field longer than %zu bytes", r->max_field);
	return field_end(r, r->line, start, pos - start, high);
}

int csv_next(struct csv_reader *r)
{
	unsigned char *d = (unsigned char *)r->data;
	size_t pos = r->pos, len = r->len, n = 0;

	if (!d)
		return -1;
	r->n_fields = 0;
	/* Skip empty lines between records. */
	for (;;) {
		if (pos == len) {
			r->pos = pos;
			return 0;
		}
		if (d[pos] == '\n') {
			pos++;
			r->line++;
		} else if (d[pos] == '\r' && pos + 1 < len && d[pos + 1] == '\n') {
			pos += 2;
			r->line++;
		} else {
			break;
		}
	}
	r->record_line = r->line;
	for (;;) {
		unsigned char sep;

		if (n == r->cap_fields || n == r->max_fields) {
			r->n_fields = n;
			r->pos = pos;
			if (field_begin(r, r->line))
				return -1;
		}
		if (d[pos] == '"' && pos < len) {
			r->n_fields = n;
			r->pos = pos;
			if (quoted(r))
				return -1;
			pos = r->pos;
			n = r->n_fields;
		} else {
			/* The common case, kept in local variables: a plain field ended by a
			 * separator or the end. Anything else goes the long way round. */
			size_t start = pos;
			unsigned char k;
			while ((k = byte_class[d[pos]]) == PLAIN)
				pos++;
			if (k == STOP || (k == NUL && pos == len) ||
			    (k == CR && d[pos + 1] == '\n')) {
				if (pos - start > r->max_field) {
					r->n_fields = n;
					r->pos = pos;
					return fail(r, r->line, "field longer than %zu bytes",
					            r->max_field);
				}
				r->fields[n].s = (const char *)d + start;
				r->fields[n].len = pos - start;
				n++;
			} else {
				r->n_fields = n;
				r->pos = start;
				if (unquoted(r))
					return -1;
				pos = r->pos;
				n = r->n_fields;
			}
		}
		if (pos == len)
			break;
		sep = d[pos];
		d[pos] = '\0'; /* ends an unquoted field; harmless after a quoted one */
		if (sep == ',') {
			pos++;
			continue;
		}
		/* End of record: LF or CRLF. */
		pos += sep == '\r' ? 2 : 1;
		r->line++;
		break;
	}
	r->n_fields = n;
	r->pos = pos;
	return 1;
}
