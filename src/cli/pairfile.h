/* The fast way in for `kvalab stats kappa` and `alpha`: a two-rater file in the usual layout. */
#ifndef KV_PAIRFILE_H
#define KV_PAIRFILE_H

#include <stddef.h>
#include <stdint.h>

/*
 * A long file of ratings -- one row per subject and rater, with a label -- is usually an
 * export sorted by subject, with two raters and a short scale. pairfile_read takes only that
 * layout, and takes it in one pass over the file as it lies in the page cache: no copy, no
 * per-row arrays, nothing written to the text. What it needs:
 *
 *   - a regular file (not stdin) of at most PAIRFILE_MAX bytes;
 *   - a header naming the three columns, each once, plus any others (up to 64 in all);
 *   - plain CSV: no quoted fields, no NUL bytes, a CR only before a LF, UTF-8 that is
 *     valid, every row with as many fields as the header, every field under 4 KB;
 *   - rows grouped by subject, subjects in ascending byte order (so a subject never comes
 *     back after another, which is what makes grouping checkable without a table);
 *   - at least one row, exactly two raters, each rating a subject at most once, and at most
 *     PAIRFILE_LABELS_MAX distinct labels.
 *
 * For anything else, bad input included, it answers PAIRFILE_OTHER and leaves nothing
 * behind: the caller then reads the file with its general reader, which handles every
 * layout and words every error. So this path never has to report a problem, and a file it
 * takes gives exactly what the general reader would have given.
 */

#define PAIRFILE_MAX ((size_t)1 << 30) /* the general reader's cap, so both refuse alike */
#define PAIRFILE_LABELS_MAX 256

enum pairfile_result { PAIRFILE_OK, PAIRFILE_OTHER };

/* A piece of the file's text: not NUL-terminated, valid until pairfile_release. */
struct pairfile_text {
	const char *s;
	size_t len;
};

struct pairfile {
	/* Labels in the order they were first seen, as NUL-terminated copies. */
	char **label;
	uint32_t *label_len;
	size_t n_labels;
	/*
	 * count[a * stride + b]: subjects whose first rater (first in file order) gave label a
	 * and whose second gave label b. Counts fit in 32 bits: a file under PAIRFILE_MAX has
	 * fewer rows than that.
	 */
	uint32_t *count;
	size_t stride;
	struct pairfile_text rater[2]; /* in the order first seen */
	/* Subjects with one rating, in file order. */
	struct pairfile_text *single;
	size_t n_single, cap_single;
	size_t n_rows, n_subjects;

	/* The file's text: mapped, or read when mapping would leave no readable padding. */
	const char *text;
	size_t len;
	size_t map_len; /* 0 when text was read into memory */
	struct pairfile_text *header;
	size_t n_cols;
	size_t cap_labels;
};

/*
 * Reads path, whose subject, rater and label columns are named by columns[0..2]. On
 * PAIRFILE_OK, pf holds the counts until pairfile_release(pf); on PAIRFILE_OTHER there is
 * nothing to release.
 */
enum pairfile_result pairfile_read(struct pairfile *pf, const char *path,
                                   const char *const columns[3]);

/* 1 if the header has a column of this name. */
int pairfile_has_column(const struct pairfile *pf, const char *name);

void pairfile_release(struct pairfile *pf);

#endif
