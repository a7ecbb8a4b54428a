/* Unit tests for the buffer and bounded number parsing. */
#include "unit.h"

#include <stdlib.h>

#include "util/buf.h"
#include "util/parse.h"
#include "util/xalloc.h"

TEST(test_buf_appends_and_stays_nul_terminated)
{
	struct kv_buf b = KV_BUF_INIT(1024);

	CHECK_STR(kv_buf_str(&b), "");
	CHECK(kv_buf_adds(&b, "æøå") == 0);
	CHECK(kv_buf_addch(&b, '-') == 0);
	CHECK(kv_buf_addf(&b, "%d/%s", 42, "x") == 0);
	CHECK_STR(kv_buf_str(&b), "æøå-42/x");
	CHECK_INT(b.len, 11);
	kv_buf_release(&b);
}

TEST(test_buf_is_binary_safe)
{
	struct kv_buf b = KV_BUF_INIT(64);

	CHECK(kv_buf_add(&b, "a\0b", 3) == 0);
	CHECK_INT(b.len, 3);
	CHECK(b.data[1] == '\0' && b.data[2] == 'b' && b.data[3] == '\0');
	kv_buf_release(&b);
}

TEST(test_buf_refuses_growth_past_its_cap_and_keeps_contents)
{
	struct kv_buf b = KV_BUF_INIT(8);

	CHECK(kv_buf_adds(&b, "12345678") == 0);
	CHECK(kv_buf_addch(&b, '9') == -1);
	CHECK(kv_buf_addf(&b, "%s", "more") == -1);
	CHECK_STR(kv_buf_str(&b), "12345678");
	kv_buf_release(&b);
}

TEST(test_buf_detach_hands_over_the_string)
{
	struct kv_buf b = KV_BUF_INIT(64);
	char *s;
	size_t len;

	kv_buf_adds(&b, "hello");
	s = kv_buf_detach(&b, &len);
	CHECK_STR(s, "hello");
	CHECK_INT(len, 5);
	CHECK_INT(b.len, 0);
	CHECK(b.data == NULL);
	free(s);
}

TEST(test_size_arithmetic_detects_overflow)
{
	size_t out;

	CHECK(size_mul((size_t)-1 / 2 + 1, 2, &out) == -1);
	CHECK(size_add((size_t)-1, 1, &out) == -1);
	CHECK(size_mul(1000, 1000, &out) == 0 && out == 1000000);
}

TEST(test_parse_llong_takes_only_whole_fields_in_range)
{
	long long v;

	CHECK(parse_llong_str("42", 0, 100, &v) == 0 && v == 42);
	CHECK(parse_llong_str("-7", -10, 10, &v) == 0 && v == -7);
	CHECK(parse_llong_str("101", 0, 100, &v) == -1);
	CHECK(parse_llong_str("12abc", 0, 100, &v) == -1);
	CHECK(parse_llong_str(" 12", 0, 100, &v) == -1);
	CHECK(parse_llong_str("", 0, 100, &v) == -1);
	CHECK(parse_llong_str("-", 0, 100, &v) == -1);
	CHECK(parse_llong_str("0x10", 0, 100, &v) == -1);
	CHECK(parse_llong_str("99999999999999999999", 0, 100, &v) == -1);
	CHECK(parse_llong("1234", 2, 0, 100, &v) == 0 && v == 12);
}

TEST(test_parse_double_refuses_hex_inf_and_nan)
{
	double d;

	CHECK(parse_double_str("3.25", &d) == 0 && d == 3.25);
	CHECK(parse_double_str("-1e3", &d) == 0 && d == -1000);
	CHECK(parse_double_str("0x1p3", &d) == -1);
	CHECK(parse_double_str("inf", &d) == -1);
	CHECK(parse_double_str("nan", &d) == -1);
	CHECK(parse_double_str("1e999", &d) == -1);
	CHECK(parse_double_str("1.5 ", &d) == -1);
}
