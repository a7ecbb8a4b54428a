/* RFC 4180 CSV parsing into unescaped, NUL-terminated fields, one record at a time. */
#include "util/csv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"
#include "util/banned.h"

void csv_reader_init(struct csv_reader *r, const char *data, size_t len, size_t max_fields,
                     size_t max_field)
{
	size_t cap;

	memset(r, 0, sizeof(*r));
	r->data = data;
	r->len = len;
	r->line = 1;
	r->max_fields = max_fields ? max_fields : 1;
	r->max_field = max_field ? max_field : 1;
	/* A record holds at most max_fields fields of max_field bytes plus their NULs. */
	if (size_mul(r->max_fields, r->max_field + 1, &cap))
		cap = (size_t)-1;
	kv_buf_init(&r->text, cap);
	/* Skip a UTF-8 byte order mark: Excel writes one. */
	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
		r->pos = 3;
}

void csv_reader_release(struct csv_reader *r)
{
	kv_buf_release(&r->text);
	free(r->offs);
	free(r->fields);
	r->offs = NULL;
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

/* Starts a new field in the text buffer; fails past the field cap. */
static int field_begin(struct csv_reader *r, size_t line)
{
	if (r->n_fields == r->max_fields)
		return fail(r, line, "more than %zu fields", r->max_fields);
	if (r->n_fields == r->cap_fields) {
		r->cap_fields = r->cap_fields ? 2 * r->cap_fields : 16;
		if (r->cap_fields > r->max_fields)
			r->cap_fields = r->max_fields;
		r->offs = xrealloc(r->offs, r->cap_fields * sizeof(*r->offs));
		r->fields = xrealloc(r->fields, r->cap_fields * sizeof(*r->fields));
	}
	r->offs[r->n_fields] = r->text.len;
	return 0;
}

static int field_add(struct csv_reader *r, size_t line, const char *s, size_t len)
{
	if (r->text.len - r->offs[r->n_fields] + len > r->max_field || kv_buf_add(&r->text, s, len))
		return fail(r, line, "field longer than %zu bytes", r->max_field);
	return 0;
}

static int field_end(struct csv_reader *r, size_t line)
{
	size_t off = r->offs[r->n_fields], len = r->text.len - off;

	if (!csv_utf8_valid(r->text.data ? r->text.data + off : "", len))
		return fail(r, line, "invalid UTF-8");
	/* The cap leaves room for each field's NUL. */
	kv_buf_addch(&r->text, '\0');
	r->fields[r->n_fields].len = len;
	r->n_fields++;
	return 0;
}

/* Reads a quoted field; pos is just past the opening quote. */
static int quoted(struct csv_reader *r)
{
	size_t open_line = r->line, start;
	const char *d = r->data;

	for (;;) {
		start = r->pos;
		while (r->pos < r->len && d[r->pos] != '"' && d[r->pos] != '\n' && d[r->pos])
			r->pos++;
		if (field_add(r, open_line, d + start, r->pos - start))
			return -1;
		if (r->pos == r->len)
			return fail(r, open_line, "unterminated quoted field");
		if (d[r->pos] == '\0')
			return fail(r, r->line, "NUL byte");
		if (d[r->pos] == '\n') {
			r->line++;
			r->pos++;
			if (field_add(r, open_line, "\n", 1))
				return -1;
			continue;
		}
		/* A quote: doubled means a literal quote, single ends the field. */
		if (r->pos + 1 < r->len && d[r->pos + 1] == '"') {
			if (field_add(r, open_line, "\"", 1))
				return -1;
			r->pos += 2;
			continue;
		}
		r->pos++;
		if (r->pos < r->len && d[r->pos] != ',' && d[r->pos] != '\n' &&
		    !(d[r->pos] == '\r' && r->pos + 1 < r->len && d[r->pos + 1] == '\n'))
			return fail(r, r->line, "unexpected character after closing quote");
		return 0;
	}
}

static int unquoted(struct csv_reader *r)
{
	size_t start = r->pos;
	const char *d = r->data;

	while (r->pos < r->len) {
		char c = d[r->pos];
		if (c == ',' || c == '\n')
			break;
		if (c == '\r') {
			if (r->pos + 1 < r->len && d[r->pos + 1] == '\n')
				break;
			return fail(r, r->line, "carriage return not followed by line feed");
		}
		if (c == '"')
			return fail(r, r->line, "quote inside an unquoted field");
		if (c == '\0')
			return fail(r, r->line, "NUL byte");
		r->pos++;
	}
	return field_add(r, r->line, d + start, r->pos - start);
}

int csv_next(struct csv_reader *r)
{
	const char *d = r->data;
	size_t i;

	if (!d)
		return -1;
	kv_buf_clear(&r->text);
	r->n_fields = 0;
	/* Skip empty lines between records. */
	for (;;) {
		if (r->pos == r->len)
			return 0;
		if (d[r->pos] == '\n') {
			r->pos++;
			r->line++;
		} else if (d[r->pos] == '\r' && r->pos + 1 < r->len && d[r->pos + 1] == '\n') {
			r->pos += 2;
			r->line++;
		} else {
			break;
		}
	}
	r->record_line = r->line;
	for (;;) {
		if (field_begin(r, r->line))
			return -1;
		if (r->pos < r->len && d[r->pos] == '"') {
			r->pos++;
			if (quoted(r))
				return -1;
		} else if (unquoted(r)) {
			return -1;
		}
		if (field_end(r, r->line))
			return -1;
		if (r->pos == r->len)
			break;
		if (d[r->pos] == ',') {
			r->pos++;
			continue;
		}
		/* End of record: LF or CRLF. */
		r->pos += d[r->pos] == '\r' ? 2 : 1;
		r->line++;
		break;
	}
	for (i = 0; i < r->n_fields; i++)
		r->fields[i].s = r->text.data + r->offs[i];
	return 1;
}
