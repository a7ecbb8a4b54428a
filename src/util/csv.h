/* An RFC 4180 CSV reader over a buffer in memory, with size caps and line/column errors. */
#ifndef KV_CSV_H
#define KV_CSV_H

#include <stddef.h>

/*
 * Accepted: fields separated by commas, records ended by CRLF or LF (the last one may be
 * unterminated), fields optionally in double quotes with "" for a quote and with commas and
 * line breaks inside. A UTF-8 byte order mark at the very start is skipped, and so are
 * empty lines, which spreadsheets leave at the end of files. Refused, with a message: a
 * quote inside an unquoted field, text after a closing quote, an unterminated quoted field,
 * a bare CR, a NUL byte, invalid UTF-8, and records or fields past the caps.
 */

struct csv_field {
	const char *s; /* NUL-terminated, unescaped; valid while the text being parsed is */
	size_t len;
};

struct csv_reader {
	char *data; /* the text being parsed: the caller's (in place) or the reader's copy */
	size_t len, pos;
	size_t line;       /* physical line of pos, from 1 */
	size_t max_fields; /* per record */
	size_t max_field;  /* bytes per field after unescaping */

	/* The current record. */
	struct csv_field *fields;
	size_t n_fields;
	size_t record_line; /* the line the record starts on */

	/* The last error: message without position, and where it happened. */
	char err[128];
	size_t err_line;
	size_t err_column; /* 1-based field number */

	char *copy; /* what csv_reader_init allocated, or NULL */
	size_t cap_fields;
};

/*
 * Prepares a reader over a copy of data[0..len), which need not outlive it. Caps must be at
 * least 1. Fields stay valid until csv_reader_release().
 */
void csv_reader_init(struct csv_reader *r, const char *data, size_t len, size_t max_fields,
                     size_t max_field);

/*
 * The same without the copy: the reader parses data[0..len) in place, ending each field
 * with a NUL over its separator and unescaping quoted fields where they stand, so data must
 * have len + 1 writable bytes (data[len] becomes NUL) and its text is no longer the input
 * afterwards. Fields point into data and stay valid as long as it does: a caller can keep
 * them without copying.
 */
void csv_reader_init_inplace(struct csv_reader *r, char *data, size_t len, size_t max_fields,
                             size_t max_field);

/*
 * Reads the next record into r->fields[0..r->n_fields). Returns 1 for a record, 0 at the
 * end of the data, or -1 on malformed input with r->err, r->err_line and r->err_column set;
 * after -1 the reader stays in error.
 */
int csv_next(struct csv_reader *r);

/* Frees what the reader allocated; the data are the caller's. */
void csv_reader_release(struct csv_reader *r);

/* Returns 1 if s[0..len) is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF). */
int csv_utf8_valid(const char *s, size_t len);

#endif
