/* libFuzzer driver for the fast reader of two-rater files, checked against the general reader. */
/*
 * Built and run by `make fuzz`. pairfile_read may leave any input to the general reader, but
 * what it takes the general reader must take too and read the same: the same CSV fields
 * (util/csv.c with the caps of `kvalab stats`), no row that the general reader would refuse
 * (a third rater, a rating twice, a subject that comes back), and the same labels, pairs and
 * subjects with one rating. The input goes through a memfd, as pairfile reads a path.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli/pairfile.h"
#include "util/csv.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const cols[3] = {"subject", "rater", "category"};

static int same(const struct csv_field *f, const char *s, size_t len)
{
	return f->len == len && !memcmp(f->s, s, len);
}

/* byte order, shorter first on a tie */
static int order(const struct csv_field *a, const struct csv_field *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int d = memcmp(a->s, b->s, n);

	return d ? d : (a->len > b->len) - (a->len < b->len);
}

static size_t label_of(const struct pairfile *pf, const struct csv_field *f)
{
	size_t i;

	for (i = 0; i < pf->n_labels; i++)
		if (same(f, pf->label[i], pf->label_len[i]))
			return i;
	abort(); /* a label pairfile did not list */
}

/* Reads the input again with the general CSV reader and checks it against pf. */
static void check(const uint8_t *data, size_t size, const struct pairfile *pf)
{
	uint32_t *count = calloc(pf->n_labels * pf->n_labels + 1, sizeof(uint32_t));
	struct csv_field subj = {NULL, 0}, rater[2];
	size_t col[3], i, j, n_raters = 0, rows = 0, subjects = 0, singles = 0;
	size_t label[2] = {SIZE_MAX, SIZE_MAX};
	struct csv_reader r;
	int rc;

	csv_reader_init(&r, (const char *)data, size, 256, 4096);
	if (csv_next(&r) != 1 || r.n_fields != pf->n_cols)
		abort();
	for (i = 0; i < 3; i++) {
		for (j = 0; j < r.n_fields && strcmp(r.fields[j].s, cols[i]); j++)
			;
		if (j == r.n_fields)
			abort();
		col[i] = j;
	}
	for (i = 0; i < r.n_fields; i++)
		for (j = 0; j < i; j++)
			if (!strcmp(r.fields[i].s, r.fields[j].s))
				abort();
	while ((rc = csv_next(&r)) == 1) {
		const struct csv_field *s = &r.fields[col[0]], *w = &r.fields[col[1]];
		size_t k;

		if (r.n_fields != pf->n_cols)
			abort();
		if (!rows || order(s, &subj) != 0) {
			if (rows && order(s, &subj) < 0)
				abort(); /* a subject out of order was taken */
			if (rows && label[0] != SIZE_MAX && label[1] != SIZE_MAX)
				count[label[0] * pf->n_labels + label[1]]++;
			else if (rows)
				singles++;
			subj = *s;
			label[0] = label[1] = SIZE_MAX;
			subjects++;
		}
		for (k = 0; k < n_raters && !same(w, rater[k].s, rater[k].len); k++)
			;
		if (k == n_raters) {
			if (n_raters == 2)
				abort(); /* a third rater was taken */
			rater[n_raters++] = *w;
		}
		if (label[k] != SIZE_MAX)
			abort(); /* a rating twice was taken */
		label[k] = label_of(pf, &r.fields[col[2]]);
		rows++;
	}
	if (rc != 0 || !rows || n_raters != 2)
		abort();
	if (label[0] != SIZE_MAX && label[1] != SIZE_MAX)
		count[label[0] * pf->n_labels + label[1]]++;
	else
		singles++;
	if (rows != pf->n_rows || subjects != pf->n_subjects || singles != pf->n_single)
		abort();
	for (i = 0; i < pf->n_labels; i++)
		for (j = 0; j < pf->n_labels; j++)
			if (count[i * pf->n_labels + j] != pf->count[i * pf->stride + j])
				abort();
	csv_reader_release(&r);
	free(count);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	struct pairfile pf;
	char path[64];

	if (fd < 0 && (fd = memfd_create("pairfile", 0)) < 0)
		abort();
	if (ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (pairfile_read(&pf, path, cols) == PAIRFILE_OK) {
		check(data, size, &pf);
		pairfile_release(&pf);
	}
	return 0;
}
