/* National identity numbers: the Norwegian mod-11 control digits and date rules, and the
 * Danish CPR date and century rules. */
#include "core/idnumber.h"

#include "util/banned.h"

static int d(char c)
{
	return c - '0';
}

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int valid_date(int day, int month, int year)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (month < 1 || month > 12 || day < 1)
		return 0;
	return day <= mdays[month - 1] + (month == 2 && leap(year));
}

int idnumber_is_fnr(const char n[11])
{
	static const int w1[] = {3, 7, 6, 1, 8, 9, 4, 5, 2};
	static const int w2[] = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2};
	int i, s, k1, k2, day, month, yy, ind, year;

	for (i = 0; i < 11; i++)
		if (n[i] < '0' || n[i] > '9')
			return 0;
	for (s = 0, i = 0; i < 9; i++)
		s += w1[i] * d(n[i]);
	k1 = 11 - s % 11;
	if (k1 == 11)
		k1 = 0;
	if (k1 == 10 || k1 != d(n[9]))
		return 0;
	for (s = 0, i = 0; i < 10; i++)
		s += w2[i] * d(n[i]);
	k2 = 11 - s % 11;
	if (k2 == 11)
		k2 = 0;
	if (k2 == 10 || k2 != d(n[10]))
		return 0;

	day = d(n[0]) * 10 + d(n[1]);
	month = d(n[2]) * 10 + d(n[3]);
	yy = d(n[4]) * 10 + d(n[5]);
	ind = d(n[6]) * 100 + d(n[7]) * 10 + d(n[8]);
	if (day > 40) /* D-number: first digit raised by 4 */
		day -= 40;
	if (month > 80) /* synthetic test numbers (Tenor) */
		month -= 80;
	else if (month > 40) /* H-number: month raised by 40 */
		month -= 40;
	/* The individual number tells the century. */
	if (ind <= 499)
		year = 1900 + yy;
	else if (ind <= 749 && yy >= 54)
		year = 1800 + yy;
	else if (yy <= 39)
		year = 2000 + yy;
	else if (ind >= 900)
		year = 1900 + yy;
	else
		return 0;
	return valid_date(day, month, year);
}

int idnumber_is_cpr(const char date[6], const char serial[4])
{
	int i, day, month, yy, c7, year;

	for (i = 0; i < 6; i++)
		if (date[i] < '0' || date[i] > '9')
			return 0;
	for (i = 0; i < 4; i++)
		if (serial[i] < '0' || serial[i] > '9')
			return 0;
	day = d(date[0]) * 10 + d(date[1]);
	month = d(date[2]) * 10 + d(date[3]);
	yy = d(date[4]) * 10 + d(date[5]);
	c7 = d(serial[0]);
	/* The century follows from the seventh digit (CPR office's table). */
	if (c7 <= 3)
		year = 1900 + yy;
	else if (c7 == 4 || c7 == 9)
		year = (yy <= 36 ? 2000 : 1900) + yy;
	else
		year = (yy <= 57 ? 2000 : 1800) + yy;
	return valid_date(day, month, year);
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Length of the run of digits starting at p (at most max). */
static size_t digit_run(const char *p, const char *end)
{
	size_t n = 0;

	while (p + n < end && is_digit(p[n]))
		n++;
	return n;
}

enum idnumber_kind idnumber_find(const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	char buf[11];

	while (p < end) {
		size_t run;
		if (!is_digit(*p) || (p > text && is_digit(p[-1]))) {
			p++;
			continue;
		}
		run = digit_run(p, end);
		if (run == 11 && idnumber_is_fnr(p))
			return IDNUMBER_NO_FNR;
		if (run == 10 && idnumber_is_cpr(p, p + 6))
			return IDNUMBER_DK_CPR;
		/* Written with a separator after the date: DDMMYY-NNNN, DDMMYY NNNNN. */
		if (run == 6 && p + 7 < end && (p[6] == '-' || p[6] == ' ') && is_digit(p[7])) {
			size_t rest = digit_run(p + 7, end);
			if (rest == 4 && idnumber_is_cpr(p, p + 7))
				return IDNUMBER_DK_CPR;
			if (rest == 5) {
				for (int i = 0; i < 6; i++)
					buf[i] = p[i];
				for (int i = 0; i < 5; i++)
					buf[6 + i] = p[7 + i];
				if (idnumber_is_fnr(buf))
					return IDNUMBER_NO_FNR;
			}
		}
		p += run;
	}
	return IDNUMBER_NONE;
}

const char *idnumber_message(enum idnumber_kind k)
{
	switch (k) {
	case IDNUMBER_NO_FNR:
		return "contains what is a valid Norwegian national identity number "
		       "(fødselsnummer or D-number); kvalab must not hold patient identities, so "
		       "remove it";
	case IDNUMBER_DK_CPR:
		return "contains what is a valid Danish CPR number; kvalab must not hold patient "
		       "identities, so remove it";
	default:
		return NULL;
	}
}
