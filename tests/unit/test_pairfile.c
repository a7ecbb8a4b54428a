/* Unit tests for the fast reader of two-rater files: what it counts, and what it leaves alone. */
#include "unit.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli/pairfile.h"
#include "util/banned.h"

static const char *const long_cols[3] = {"subject", "rater", "category"};

/* Writes text (len bytes) to a file in the scratch folder and returns its path. */
static const char *put(const char *name, const char *text, size_t len)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", unit_tmpdir(), name);
	f = fopen(path, "wb");
	if (!f)
		return "/nonexistent";
	fwrite(text, 1, len, f);
	fclose(f);
	return path;
}

static const char *put_str(const char *name, const char *text)
{
	return put(name, text, strlen(text));
}

/* The count for labels named a and b (first rater, second rater), or -1. */
static long pair_count(const struct pairfile *pf, const char *a, const char *b)
{
	size_t i, ia = SIZE_MAX, ib = SIZE_MAX;

	for (i = 0; i < pf->n_labels; i++) {
		if (!strcmp(pf->label[i], a))
			ia = i;
		if (!strcmp(pf->label[i], b))
			ib = i;
	}
	if (ia == SIZE_MAX || ib == SIZE_MAX)
		return -1;
	return (long)pf->count[ia * pf->stride + ib];
}

TEST(test_pairfile_counts_pairs_and_subjects_with_one_rating)
{
	struct pairfile pf;
	const char *path = put_str("sorted.csv", "subject,rater,category\n"
	                                         "s1,A,3\ns1,B,4\n"
	                                         "s2,B,3\ns2,A,3\n"
	                                         "s3,A,4\n"
	                                         "s4,A,3\ns4,B,4\n"
	                                         "s5,B,5\n");

	CHECK_INT(pairfile_read(&pf, path, long_cols), PAIRFILE_OK);
	CHECK_INT(pf.n_rows, 8);
	CHECK_INT(pf.n_subjects, 5);
	CHECK_INT(pf.n_labels, 3);
	CHECK_STR(pf.label[0], "3");
	CHECK_STR(pf.label[1], "4");
	CHECK_STR(pf.label[2], "5");
	CHECK(pf.rater[0].len == 1 && pf.rater[0].s[0] == 'A');
	CHECK(pf.rater[1].len == 1 && pf.rater[1].s[0] == 'B');
	CHECK_INT(pair_count(&pf, "3", "4"), 2);
	CHECK_INT(pair_count(&pf, "3", "3"), 1);
	CHECK_INT(pair_count(&pf, "4", "3"), 0);
	CHECK_INT(pf.n_single, 2);
	CHECK(pf.single[0].len == 2 && !memcmp(pf.single[0].s, "s3", 2));
	CHECK(pf.single[1].len == 2 && !memcmp(pf.single[1].s, "s5", 2));
	CHECK(!pairfile_has_column(&pf, "count"));
	CHECK(pairfile_has_column(&pf, "rater"));
	pairfile_release(&pf);
}

/* What the general reader also takes: a byte order mark, CRLF, blank lines, columns in any
 * order among others, long and non-ASCII names, and a last line without its line break. */
TEST(test_pairfile_reads_crlf_bom_blank_lines_extra_columns_and_long_names)
{
	struct pairfile pf;
	const char *path = put_str("varied.csv", "\xEF\xBB\xBF"
	                                         "note,category,rater,subject\r\n"
	                                         "x,fully adherent,Rater one,session-0001\r\n"
	                                         "\r\n"
	                                         "y,delvis,Rater two,session-0001\r\n"
	                                         "\n"
	                                         ",delvis,Rater one,session-0002\r\n"
	                                         "R\xC3\xA5"
	                                         "d,f\xC3\xB8lger,Rater two,session-0002\n"
	                                         "z,delvis,Rater two,session-0003");

	CHECK_INT(pairfile_read(&pf, path, long_cols), PAIRFILE_OK);
	CHECK_INT(pf.n_rows, 5);
	CHECK_INT(pf.n_subjects, 3);
	CHECK_STR(pf.label[0], "fully adherent");
	CHECK_STR(pf.label[1], "delvis");
	CHECK_STR(pf.label[2], "f\xC3\xB8lger");
	CHECK_INT(pair_count(&pf, "fully adherent", "delvis"), 1);
	CHECK_INT(pair_count(&pf, "delvis", "f\xC3\xB8lger"), 1);
	CHECK_INT(pf.n_single, 1);
	CHECK(pf.single[0].len == 12 && !memcmp(pf.single[0].s, "session-0003", 12));
	CHECK(pf.rater[1].len == 9 && !memcmp(pf.rater[1].s, "Rater two", 9));
	pairfile_release(&pf);
}

/* The same rows in a file whose size fills its last page are read rather than mapped. */
TEST(test_pairfile_reads_a_file_that_fills_its_last_page)
{
	static char text[4096];
	struct pairfile pf;
	size_t len = 0, s = 0;

	len += (size_t)snprintf(text, sizeof(text), "subject,rater,category\n");
	while (len + 32 < sizeof(text)) {
		len += (size_t)snprintf(text + len, sizeof(text) - len,
		                        "s%05zu,A,1\ns%05zu,B,%zu\n", s, s, s % 2 + 1);
		s++;
	}
	while (len < sizeof(text) - 1)
		text[len++] = '\n'; /* blank lines, skipped, up to the page's end */
	text[len++] = '\n';
	CHECK_INT(pairfile_read(&pf, put("page.csv", text, len), long_cols), PAIRFILE_OK);
	CHECK_INT(pf.n_subjects, s);
	CHECK_INT(pair_count(&pf, "1", "1") + pair_count(&pf, "1", "2"), s);
	pairfile_release(&pf);
}

/* Everything else is left to the general reader, bad input first of all. */
TEST(test_pairfile_leaves_other_layouts_and_bad_input_to_the_general_reader)
{
	static const struct {
		const char *name, *text;
	} other[] = {
	    {"unsorted", "subject,rater,category\ns2,A,1\ns2,B,1\ns1,A,1\ns1,B,2\n"},
	    {"comes_back", "subject,rater,category\ns1,A,1\ns2,A,1\ns1,B,2\n"},
	    {"third_rater", "subject,rater,category\ns1,A,1\ns1,B,1\ns2,C,1\n"},
	    {"twice", "subject,rater,category\ns1,A,1\ns1,A,2\n"},
	    {"one_rater", "subject,rater,category\ns1,A,1\ns2,A,2\n"},
	    {"quoted", "subject,rater,category\ns1,A,1\n\"s2\",A,1\ns2,B,1\n"},
	    {"bare_cr", "subject,rater,category\ns1,A,1\rs1,B,1\n"},
	    {"nul", "subject,rater,category\ns1,A,1\ns1,B,\0\n"},
	    {"bad_utf8", "subject,rater,category\ns1,A,\xC3\ns1,B,1\n"},
	    {"short_row", "subject,rater,category\ns1,A,1\ns1,B\n"},
	    {"long_row", "subject,rater,category\ns1,A,1\ns1,B,1,9\n"},
	    {"missing_column", "subject,rater,score\ns1,A,1\ns1,B,1\n"},
	    {"column_twice", "subject,rater,category,rater\ns1,A,1,A\ns1,B,1,B\n"},
	    {"header_only", "subject,rater,category\n"},
	    {"blank_first", "\nsubject,rater,category\ns1,A,1\ns1,B,1\n"},
	    {"empty", ""},
	};
	struct pairfile pf;
	size_t i;

	for (i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
		size_t len = strlen(other[i].text);
		if (!strcmp(other[i].name, "nul"))
			len = strlen(other[i].text) + 2; /* the NUL and the line break after it */
		if (pairfile_read(&pf, put(other[i].name, other[i].text, len), long_cols) !=
		    PAIRFILE_OTHER) {
			pairfile_release(&pf);
			unit_fail(__FILE__, __LINE__, "%s was taken", other[i].name);
			return;
		}
	}
	CHECK_INT(pairfile_read(&pf, "-", long_cols), PAIRFILE_OTHER);
	CHECK_INT(pairfile_read(&pf, "/nonexistent/file.csv", long_cols), PAIRFILE_OTHER);
}

TEST(test_pairfile_leaves_scales_beyond_its_label_cap_to_the_general_reader)
{
	static char text[32768];
	struct pairfile pf;
	size_t len, s;

	for (s = 0; s <= 1; s++) {
		size_t labels = PAIRFILE_LABELS_MAX + s, i;
		len = (size_t)snprintf(text, sizeof(text), "subject,rater,category\n");
		for (i = 0; i < labels; i++)
			len += (size_t)snprintf(text + len, sizeof(text) - len,
			                        "s%04zu,A,v%zu\ns%04zu,B,v%zu\n", i, i, i, i);
		CHECK_INT(pairfile_read(&pf, put("labels.csv", text, len), long_cols),
		          s ? PAIRFILE_OTHER : PAIRFILE_OK);
		if (!s) {
			CHECK_INT(pf.n_labels, PAIRFILE_LABELS_MAX);
			CHECK_INT(pair_count(&pf, "v7", "v7"), 1);
			pairfile_release(&pf);
		}
	}
}
