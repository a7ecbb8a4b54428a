/* Tests for the RFC 4180 CSV reader: quoting, line endings, caps and error positions. */
#include "unit.h"

#include <string.h>

#include "util/csv.h"
#include "util/banned.h"

/* Reads all of s and returns the number of records, or -1 on error (reader left open). */
static int read_all(struct csv_reader *r, const char *s, size_t max_fields, size_t max_field)
{
	int n = 0, rc;

	csv_reader_init(r, s, strlen(s), max_fields, max_field);
	while ((rc = csv_next(r)) == 1)
		n++;
	return rc < 0 ? -1 : n;
}

TEST(test_csv_reads_simple_records)
{
	struct csv_reader r;

	csv_reader_init(&r, "a,b,c\n1,2,3\n", 12, 16, 64);
	CHECK_INT(csv_next(&r), 1);
	CHECK_INT(r.n_fields, 3);
	CHECK_STR(r.fields[0].s, "a");
	CHECK_STR(r.fields[2].s, "c");
	CHECK_INT(r.record_line, 1);
	CHECK_INT(csv_next(&r), 1);
	CHECK_STR(r.fields[1].s, "2");
	CHECK_INT(r.record_line, 2);
	CHECK_INT(csv_next(&r), 0);
	CHECK_INT(csv_next(&r), 0);
	csv_reader_release(&r);
}

TEST(test_csv_unescapes_quoted_fields_with_commas_quotes_and_newlines)
{
	static const char in[] = "\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\nnext,\"\",z";
	struct csv_reader r;

	csv_reader_init(&r, in, sizeof(in) - 1, 16, 64);
	CHECK_INT(csv_next(&r), 1);
	CHECK_INT(r.n_fields, 3);
	CHECK_STR(r.fields[0].s, "x,y");
	CHECK_STR(r.fields[1].s, "say \"hi\"");
	CHECK_STR(r.fields[2].s, "two\nlines");
	CHECK_INT(r.fields[2].len, 9);
	CHECK_INT(csv_next(&r), 1);
	/* The quoted newline moved the line count on. */
	CHECK_INT(r.record_line, 3);
	CHECK_INT(r.n_fields, 3);
	CHECK_STR(r.fields[1].s, "");
	CHECK_STR(r.fields[2].s, "z");
	CHECK_INT(csv_next(&r), 0);
	csv_reader_release(&r);
}

TEST(test_csv_handles_crlf_bom_blank_lines_and_trailing_empty_field)
{
	static const char in[] = "\xEF\xBB\xBFh1,h2\r\n\r\n\n1,\r\n";
	struct csv_reader r;

	csv_reader_init(&r, in, sizeof(in) - 1, 16, 64);
	CHECK_INT(csv_next(&r), 1);
	CHECK_STR(r.fields[0].s, "h1");
	CHECK_STR(r.fields[1].s, "h2");
	CHECK_INT(csv_next(&r), 1);
	CHECK_INT(r.record_line, 4);
	CHECK_INT(r.n_fields, 2);
	CHECK_STR(r.fields[0].s, "1");
	CHECK_STR(r.fields[1].s, "");
	CHECK_INT(csv_next(&r), 0);
	csv_reader_release(&r);
}

TEST(test_csv_empty_input_has_no_records)
{
	struct csv_reader r;

	CHECK_INT(read_all(&r, "", 4, 4), 0);
	csv_reader_release(&r);
	CHECK_INT(read_all(&r, "\n\r\n", 4, 4), 0);
	csv_reader_release(&r);
}

TEST(test_csv_rejects_unterminated_quote_with_its_opening_line)
{
	struct csv_reader r;

	CHECK_INT(read_all(&r, "a,b\n1,\"open\n\nstill open", 16, 64), -1);
	CHECK_INT(r.err_line, 2);
	CHECK_INT(r.err_column, 2);
	CHECK_STR(r.err, "unterminated quoted field");
	CHECK_INT(csv_next(&r), -1); /* stays in error */
	csv_reader_release(&r);
}

TEST(test_csv_rejects_stray_quotes_and_text_after_closing_quote)
{
	struct csv_reader r;

	CHECK_INT(read_all(&r, "a,b\nx,ab\"c\n", 16, 64), -1);
	CHECK_INT(r.err_line, 2);
	CHECK_INT(r.err_column, 2);
	CHECK_STR(r.err, "quote inside an unquoted field");
	csv_reader_release(&r);
	CHECK_INT(read_all(&r, "\"ab\"c,d\n", 16, 64), -1);
	CHECK_INT(r.err_line, 1);
	CHECK_INT(r.err_column, 1);
	CHECK_STR(r.err, "unexpected character after closing quote");
	csv_reader_release(&r);
}

TEST(test_csv_rejects_bare_cr_nul_and_invalid_utf8)
{
	struct csv_reader r;
	static const char nul[] = "a,b\nc,d\0e\n";

	CHECK_INT(read_all(&r, "a\rb\n", 16, 64), -1);
	CHECK_STR(r.err, "carriage return not followed by line feed");
	csv_reader_release(&r);
	csv_reader_init(&r, nul, sizeof(nul) - 1, 16, 64);
	CHECK_INT(csv_next(&r), 1);
	CHECK_INT(csv_next(&r), -1);
	CHECK_STR(r.err, "NUL byte");
	CHECK_INT(r.err_line, 2);
	CHECK_INT(r.err_column, 2);
	csv_reader_release(&r);
	CHECK_INT(read_all(&r, "ok,\xC3\x28\n", 16, 64), -1);
	CHECK_STR(r.err, "invalid UTF-8");
	CHECK_INT(r.err_column, 2);
	csv_reader_release(&r);
	CHECK_INT(read_all(&r, "caf\xC3\xA9,\xE2\x82\xAC\n", 16, 64), 1);
	csv_reader_release(&r);
}

TEST(test_csv_enforces_field_and_record_caps)
{
	struct csv_reader r;

	CHECK_INT(read_all(&r, "a,b,c\n", 2, 64), -1);
	CHECK_STR(r.err, "more than 2 fields");
	CHECK_INT(r.err_column, 3);
	csv_reader_release(&r);
	CHECK_INT(read_all(&r, "abcd,\"abcde\"\n", 4, 4), -1);
	CHECK_STR(r.err, "field longer than 4 bytes");
	CHECK_INT(r.err_column, 2);
	csv_reader_release(&r);
	CHECK_INT(read_all(&r, "abcd,\"ab\"\"\"\n", 4, 4), 1);
	csv_reader_release(&r);
}

TEST(test_csv_utf8_validator_rejects_overlongs_and_surrogates)
{
	CHECK(csv_utf8_valid("plain", 5));
	CHECK(csv_utf8_valid("\xF0\x9F\x98\x80", 4));
	CHECK(!csv_utf8_valid("\xC0\xAF", 2));     /* overlong "/" */
	CHECK(!csv_utf8_valid("\xED\xA0\x80", 3)); /* surrogate */
	CHECK(!csv_utf8_valid("\xF4\x90\x80\x80", 4));
	CHECK(!csv_utf8_valid("\xE2\x82", 2)); /* truncated */
	CHECK(!csv_utf8_valid("\xFF", 1));
}

TEST(test_csv_inplace_fields_point_into_the_buffer_and_stay_valid)
{
	char text[] = "id,note\nA1,\"say \"\"hi\"\"\"\r\nB2,plain";
	size_t len = sizeof(text) - 1;
	const char *first, *quoted;
	struct csv_reader r;

	/* text[len] is the array's NUL: the reader may use it as its sentinel. */
	csv_reader_init_inplace(&r, text, len, 16, 64);
	CHECK_INT(csv_next(&r), 1);
	CHECK_INT(csv_next(&r), 1);
	first = r.fields[0].s;
	quoted = r.fields[1].s;
	CHECK(first >= text && first < text + len);
	CHECK(quoted >= text && quoted < text + len);
	CHECK_STR(quoted, "say \"hi\"");
	CHECK_INT(r.fields[1].len, 8);
	CHECK_INT(csv_next(&r), 1);
	CHECK_STR(r.fields[1].s, "plain");
	CHECK_INT(csv_next(&r), 0);
	/* Earlier records' fields are still there after later ones were read. */
	CHECK_STR(first, "A1");
	CHECK_STR(quoted, "say \"hi\"");
	csv_reader_release(&r);
}

TEST(test_csv_copying_reader_leaves_the_input_alone)
{
	static const char in[] = "a,\"b\"\"c\"\n";
	struct csv_reader r;

	csv_reader_init(&r, in, sizeof(in) - 1, 16, 64);
	CHECK_INT(csv_next(&r), 1);
	CHECK_STR(r.fields[1].s, "b\"c");
	CHECK(r.fields[0].s < in || r.fields[0].s >= in + sizeof(in));
	CHECK_INT(memcmp(in, "a,\"b\"\"c\"\n", sizeof(in)), 0);
	csv_reader_release(&r);
}

TEST(test_csv_long_fields_and_high_bytes_take_the_slow_path_correctly)
{
	struct csv_reader r;

	/* A multi-byte character mid-field, then a bad sequence in a later field. */
	CHECK_INT(read_all(&r, "k\xC3\xB8rt,ok\nx,\xC3\n", 16, 64), -1);
	CHECK_STR(r.err, "invalid UTF-8");
	CHECK_INT(r.err_line, 2);
	CHECK_INT(r.err_column, 2);
	csv_reader_release(&r);
	CHECK_INT(read_all(&r, "abcde\n", 4, 4), -1);
	CHECK_STR(r.err, "field longer than 4 bytes");
	CHECK_INT(r.err_column, 1);
	csv_reader_release(&r);
}
