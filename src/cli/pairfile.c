/* Reads the usual two-rater file in one pass, straight from the page cache (see pairfile.h). */
#include "cli/pairfile.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/csv.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define COLS_MAX 64
#define FIELD_MAX 4096 /* bytes in a field, as the general reader allows */
/*
 * Readable zero bytes after the text. The zero ends the last field without a bounds check,
 * and a field's first 8 bytes can always be loaded as one word, however short it is.
 */
#define PAD 8
#define NONE UINT32_MAX

/* ---- The file's text ---- */

/*
 * Maps the file when its last page has PAD bytes to spare, which the kernel fills with
 * zeros: the text is then the page cache itself, and reading 2.4 MB costs no copy and no
 * page of fresh memory (each of which costs a page fault, the largest cost of reading a
 * file this size). MAP_POPULATE sets up all the page tables in one call rather than in a
 * fault every 16 pages. A file whose size leaves no room in its last page is read into
 * memory instead. Like every reader of mapped files, this one assumes that the file does not
 * change while it reads (truncated, it would be stopped by SIGBUS); the general reader,
 * which reads a copy, does not.
 */
static int text_load(struct pairfile *pf, const char *path)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t len, room, got = 0;
	struct stat st;
	char *buf;
	void *map;
	int fd, rc = -1;

	if (!strcmp(path, "-") || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uintmax_t)st.st_size > PAIRFILE_MAX || page <= 0)
		goto out;
	len = (size_t)st.st_size;
	room = len % (size_t)page ? (size_t)page - len % (size_t)page : 0;
	if (room >= PAD) {
		map = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
		if (map == MAP_FAILED)
			goto out;
		pf->text = map;
		pf->len = len;
		pf->map_len = len;
		rc = 0;
		goto out;
	}
	buf = xmalloc(len + PAD);
	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);
		if (n <= 0) {
			free(buf);
			goto out;
		}
		got += (size_t)n;
	}
	memset(buf + len, 0, PAD);
	pf->text = buf;
	pf->len = len;
	rc = 0;
out:
	close(fd);
	return rc;
}

static void text_release(struct pairfile *pf)
{
	if (pf->map_len)
		munmap((void *)(uintptr_t)pf->text, pf->map_len);
	else
		free((void *)(uintptr_t)pf->text);
	pf->text = NULL;
}

/* ---- Fields ---- */

enum { PLAIN, STOP, CR, BAD, HIGH };

#define HIGH4 HIGH, HIGH, HIGH, HIGH
#define HIGH16 HIGH4, HIGH4, HIGH4, HIGH4
#define HIGH64 HIGH16, HIGH16, HIGH16, HIGH16

/* What the general reader decides on, less quotes: a quoted field is left to it. */
static const unsigned char byte_class[256] = {
    [0] = BAD, [','] = STOP, ['\n'] = STOP, ['\r'] = CR, ['"'] = BAD, [0x80] = HIGH64, HIGH64,
};

/*
 * The first byte at or after p that ends a plain field or needs a decision (see byte_class);
 * *high is set when a byte of a multi-byte character was passed. Rating files are short
 * fields of bytes from '-' on (digits, letters), so on little-endian machines eight bytes
 * are tested at a time: a byte below '-' or from 0x80 on sets its top bit in m, and the
 * lowest such bit is always a true one (a borrow only spreads upwards). Bytes it flags that
 * need nothing (a space, '#') are passed one by one. The text's zero padding stops it.
 */
static const unsigned char *plain_end(const unsigned char *p, int *high)
{
	unsigned char k;

	for (;;) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		const uint64_t low = 0x2D2D2D2D2D2D2D2DULL, top = 0x8080808080808080ULL;
		uint64_t x, m;
		unsigned at;

		memcpy(&x, p, 8);
		m = (((x - low) & ~x) | x) & top;
		if (!m) {
			p += 8;
			continue;
		}
		/* The byte is taken from x rather than loaded again, so that where the field
		 * ends is known as soon as m is. */
		at = (unsigned)__builtin_ctzll(m) / 8;
		p += at;
		k = byte_class[(unsigned char)(x >> (8 * at))];
#else
		while (byte_class[*p] == PLAIN)
			p++;
		k = byte_class[*p];
#endif
		if (k == STOP || k == CR || k == BAD)
			return p;
		*high |= k == HIGH;
		p++;
	}
}

/*
 * Reads the field at p, which the separator sep (',' or, after the last column, '\n') ends,
 * into *t; returns where the next field starts, or NULL when the field is not plain CSV or
 * is not ended as expected. The last field may also end in CRLF or at the end of the text.
 */
static const unsigned char *field_read(const unsigned char *p, const unsigned char *end,
                                       unsigned char sep, struct pairfile_text *t)
{
	const unsigned char *s = p;
	int high = 0;

	p = plain_end(p, &high);
	if ((size_t)(p - s) > FIELD_MAX ||
	    (high && !csv_utf8_valid((const char *)s, (size_t)(p - s))))
		return NULL;
	t->s = (const char *)s;
	t->len = (size_t)(p - s);
	if (*p == sep)
		return p + 1;
	if (sep == '\n' && *p == '\r' && p[1] == '\n')
		return p + 2;
	if (sep == '\n' && p == end)
		return p;
	return NULL; /* too few or too many fields, a bare CR, a quote or a NUL byte */
}

/* Skips empty lines, as the general reader does. */
static const unsigned char *skip_empty(const unsigned char *p, const unsigned char *end)
{
	while (p < end && (*p == '\n' || (*p == '\r' && p[1] == '\n')))
		p += *p == '\n' ? 1 : 2;
	return p;
}

/*
 * The first 8 bytes of a field as a word, the bytes past its end cleared: with the length,
 * the whole of a field of up to 8 bytes, compared in one step. Reads within PAD.
 */
static uint64_t head_word(const char *s, size_t len)
{
	uint64_t w;

	memcpy(&w, s, 8);
	if (len >= 8)
		return w;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return len ? w & ~(~(uint64_t)0 >> (8 * len)) : 0;
#else
	return w & (((uint64_t)1 << (8 * len)) - 1);
#endif
}

/* A field with its head word, for comparisons that mostly end at the word. */
struct name {
	struct pairfile_text t;
	uint64_t head;
};

static struct name name_of(const struct pairfile_text *t)
{
	struct name n = {*t, head_word(t->s, t->len)};
	return n;
}

static int name_eq(const struct name *a, const struct name *b)
{
	return a->head == b->head && a->t.len == b->t.len &&
	       (a->t.len <= 8 || !memcmp(a->t.s, b->t.s, a->t.len));
}

/* The head word as a number that orders as the bytes do (big-endian). */
static uint64_t head_order(uint64_t head)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return head;
#else
	return __builtin_bswap64(head);
#endif
}

/*
 * Byte order, shorter first on a tie: strcmp's order for text without NUL bytes. Names of
 * up to 8 bytes, the usual subject ids, are ordered by their head words alone (the cleared
 * bytes past a shorter name order it first, as a NUL would).
 */
static int name_cmp(const struct name *a, const struct name *b)
{
	size_t n = a->t.len < b->t.len ? a->t.len : b->t.len;
	uint64_t x = head_order(a->head), y = head_order(b->head);
	int d;

	if (x != y)
		return x < y ? -1 : 1;
	if (n > 8 && (d = memcmp(a->t.s + 8, b->t.s + 8, n - 8)))
		return d;
	return (a->t.len > b->t.len) - (a->t.len < b->t.len);
}

/* ---- Header ---- */

static int header_read(struct pairfile *pf, const unsigned char **pos, const char *const columns[3],
                       size_t *col)
{
	const unsigned char *p = *pos, *end = (const unsigned char *)pf->text + pf->len;
	struct pairfile_text f[COLS_MAX];
	size_t n = 1, i, j, k;

	/* Count the header's fields first, to know which one ends the line. */
	for (i = 0; p + i < end && p[i] != '\n'; i++)
		n += p[i] == ',';
	if (n > COLS_MAX)
		return -1;
	for (j = 0; j < n && p; j++)
		p = field_read(p, end, j + 1 < n ? ',' : '\n', &f[j]);
	if (!p)
		return -1;
	pf->header = xmalloc(n * sizeof(*pf->header));
	pf->n_cols = n;
	for (j = 0; j < n; j++) {
		pf->header[j] = f[j];
		for (k = 0; k < j; k++)
			if (f[k].len == f[j].len && !memcmp(f[k].s, f[j].s, f[j].len))
				return -1;
	}
	for (k = 0; k < 3; k++) {
		for (j = 0; j < n; j++)
			if (f[j].len == strlen(columns[k]) && !memcmp(f[j].s, columns[k], f[j].len))
				break;
		if (j == n)
			return -1;
		col[k] = j;
	}
	*pos = p;
	return 0;
}

int pairfile_has_column(const struct pairfile *pf, const char *name)
{
	size_t j, len = strlen(name);

	for (j = 0; j < pf->n_cols; j++)
		if (pf->header[j].len == len && !memcmp(pf->header[j].s, name, len))
			return 1;
	return 0;
}

/* ---- Labels ---- */

/*
 * Labels to indices in first-seen order. A label of one byte (a digit of a short scale, the
 * usual case) is found in a table indexed by the byte; others by open addressing on the head
 * word, with the full text compared only beyond 8 bytes.
 */
#define LABEL_SLOTS (2 * PAIRFILE_LABELS_MAX)

struct label_index {
	uint32_t one_byte[256]; /* index + 1, or 0 */
	struct {
		struct name name;
		uint32_t idx; /* index + 1, or 0 when empty */
	} slot[LABEL_SLOTS];
};

/* Grows the count table to hold labels 0..cap-1, keeping the counts where they belong. */
static void counts_grow(struct pairfile *pf, size_t cap)
{
	uint32_t *grown = xcalloc(cap * cap, sizeof(uint32_t));
	size_t a, b;

	for (a = 0; a < pf->stride; a++)
		for (b = 0; b < pf->stride; b++)
			grown[a * cap + b] = pf->count[a * pf->stride + b];
	free(pf->count);
	pf->count = grown;
	pf->stride = cap;
}

static uint32_t label_add(struct pairfile *pf, const struct pairfile_text *t)
{
	size_t cap = pf->cap_labels;
	char *copy;

	if (pf->n_labels == PAIRFILE_LABELS_MAX)
		return NONE;
	if (pf->n_labels == cap) {
		cap = cap ? 2 * cap : 16;
		pf->label = xrealloc(pf->label, cap * sizeof(*pf->label));
		pf->label_len = xrealloc(pf->label_len, cap * sizeof(*pf->label_len));
		pf->cap_labels = cap;
	}
	if (pf->n_labels == pf->stride)
		counts_grow(pf, pf->cap_labels);
	copy = xmalloc(t->len + 1);
	memcpy(copy, t->s, t->len);
	copy[t->len] = '\0';
	pf->label[pf->n_labels] = copy;
	pf->label_len[pf->n_labels] = (uint32_t)t->len;
	return (uint32_t)pf->n_labels++;
}

/* The label's index, new ones added; NONE past PAIRFILE_LABELS_MAX. */
static uint32_t label_find(struct pairfile *pf, struct label_index *ix,
                           const struct pairfile_text *t)
{
	struct name n;
	uint32_t i;
	size_t h;

	if (t->len == 1) {
		unsigned char b = (unsigned char)t->s[0];
		if (!ix->one_byte[b] && (i = label_add(pf, t)) != NONE)
			ix->one_byte[b] = i + 1;
		return ix->one_byte[b] ? ix->one_byte[b] - 1 : NONE;
	}
	n = name_of(t);
	/* Fibonacci hashing of the head word and length; the table is a power of two. */
	h = (size_t)(((n.head ^ t->len) * 0x9E3779B97F4A7C15ULL) >> 40) & (LABEL_SLOTS - 1);
	for (;; h = (h + 1) & (LABEL_SLOTS - 1)) {
		if (!ix->slot[h].idx)
			break;
		if (name_eq(&ix->slot[h].name, &n))
			return ix->slot[h].idx - 1;
	}
	if ((i = label_add(pf, t)) == NONE)
		return NONE;
	ix->slot[h].name = n;
	ix->slot[h].idx = i + 1;
	return i;
}

/* ---- Guesses ---- */

/*
 * Most fields repeat one seen before: a subject's second row names it again, the rater is
 * one of two. A guess is such a field with its separator, as a word and a mask; when the
 * next bytes are exactly those, the field is known without scanning it and needs no checks,
 * since its bytes were checked when it was first read. Guessing keeps the scan, whose end
 * depends on the bytes it reads, off most fields, which is what made reading a row slow.
 * Fields of up to 7 bytes (one word with the separator), on little-endian machines.
 */
struct guess {
	uint64_t word, mask;
	size_t len; /* of the field and its separator; 0 when there is no guess */
};

static void guess_set(struct guess *g, const struct name *n, unsigned char sep)
{
	g->len = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (n->t.len > 7)
		return;
	g->word = n->head | (uint64_t)sep << (8 * n->t.len);
	g->mask = n->t.len == 7 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * (n->t.len + 1))) - 1;
	g->len = n->t.len + 1;
#else
	(void)n;
	(void)sep;
#endif
}

/* Reads within PAD of the text's end, like head_word. */
static int guess_hit(const struct guess *g, const unsigned char *p)
{
	uint64_t x;

	memcpy(&x, p, 8);
	return g->len && (x & g->mask) == g->word;
}

/* ---- Rows ---- */

enum role { SUBJECT, RATER, LABEL, OTHER };

/* The subject being read: its name and each rater's label so far. */
struct subject {
	struct name name;
	uint32_t label[2];
};

struct reader {
	struct pairfile *pf;
	const unsigned char *end;
	size_t col[3]; /* of the subject, the rater and the label */
	unsigned char role[COLS_MAX];
	unsigned char sep[COLS_MAX]; /* ',' after each column but the last */
	size_t n_cols;
	struct label_index ix;
	struct subject cur;
	struct guess cur_guess; /* the current subject, as its column's field */
	struct name rater[2];
	struct guess rater_guess[2];
	size_t n_raters;
};

/* What one row says: its three fields, and what guesses told about them. */
struct row {
	struct pairfile_text subject, rater, label;
	int same_subject;
	uint32_t rater_idx, label_idx; /* NONE unless a guess told them */
};

/* Reads the row at p, returning where the next starts; NULL when it is not plain CSV. */
static const unsigned char *row_read(struct reader *rd, const unsigned char *p, struct row *row)
{
	struct pairfile_text other;
	size_t j, r;

	row->same_subject = 0;
	row->rater_idx = row->label_idx = NONE;
	for (j = 0; j < rd->n_cols && p; j++) {
		unsigned char sep = rd->sep[j];
		switch (rd->role[j]) {
		case SUBJECT:
			if (guess_hit(&rd->cur_guess, p)) {
				row->same_subject = 1;
				p += rd->cur_guess.len;
			} else {
				p = field_read(p, rd->end, sep, &row->subject);
			}
			break;
		case RATER:
			for (r = 0; r < 2 && !guess_hit(&rd->rater_guess[r], p); r++)
				;
			if (r < 2) {
				row->rater_idx = (uint32_t)r;
				p += rd->rater_guess[r].len;
			} else {
				p = field_read(p, rd->end, sep, &row->rater);
			}
			break;
		case LABEL:
			/* A label of one byte, the usual scale point, is a look-up by that byte. */
			if (p[1] == sep && rd->ix.one_byte[*p]) {
				row->label_idx = rd->ix.one_byte[*p] - 1;
				p += 2;
			} else {
				p = field_read(p, rd->end, sep, &row->label);
			}
			break;
		default:
			p = field_read(p, rd->end, sep, &other);
			break;
		}
	}
	return p;
}

static void single_add(struct pairfile *pf, const struct pairfile_text *t)
{
	if (pf->n_single == pf->cap_single) {
		pf->cap_single = pf->cap_single ? 2 * pf->cap_single : 16;
		pf->single = xrealloc(pf->single, pf->cap_single * sizeof(*pf->single));
	}
	pf->single[pf->n_single++] = *t;
}

/* Counts a finished subject: a pair when both raters rated it, else a single rating. */
static inline void subject_end(struct pairfile *pf, const struct subject *s)
{
	if (s->label[0] != NONE && s->label[1] != NONE)
		pf->count[(size_t)s->label[0] * pf->stride + s->label[1]]++;
	else
		single_add(pf, &s->name.t);
	pf->n_subjects++;
}

/* Moves on to the row's subject unless it is the current one; -1 if it sorts before it. */
static int row_subject(struct reader *rd, const struct row *row)
{
	struct name subj;

	if (row->same_subject)
		return 0;
	subj = name_of(&row->subject);
	if (rd->pf->n_rows) {
		if (name_eq(&subj, &rd->cur.name))
			return 0;
		/* A new subject must sort after the last: then none can come back. */
		if (name_cmp(&subj, &rd->cur.name) < 0)
			return -1;
		subject_end(rd->pf, &rd->cur);
	}
	rd->cur.name = subj;
	rd->cur.label[0] = rd->cur.label[1] = NONE;
	guess_set(&rd->cur_guess, &subj, rd->sep[rd->col[SUBJECT]]);
	return 0;
}

/* The row's rater, 0 or 1, new ones added; NONE for a third. */
static uint32_t row_rater(struct reader *rd, const struct row *row)
{
	struct name who;
	size_t r;

	if (row->rater_idx != NONE)
		return row->rater_idx;
	who = name_of(&row->rater);
	for (r = 0; r < rd->n_raters; r++)
		if (name_eq(&who, &rd->rater[r]))
			return (uint32_t)r;
	if (rd->n_raters == 2)
		return NONE;
	rd->rater[rd->n_raters] = who;
	guess_set(&rd->rater_guess[rd->n_raters], &who, rd->sep[rd->col[RATER]]);
	return (uint32_t)rd->n_raters++;
}

static int rows_read(struct pairfile *pf, const unsigned char *p, const size_t *col)
{
	struct reader rd;
	struct row row;
	uint32_t label, r;
	size_t j;

	memset(&rd, 0, sizeof(rd));
	rd.pf = pf;
	rd.end = (const unsigned char *)pf->text + pf->len;
	rd.n_cols = pf->n_cols;
	for (j = 0; j < pf->n_cols; j++) {
		rd.role[j] = OTHER;
		rd.sep[j] = j + 1 < pf->n_cols ? ',' : '\n';
	}
	for (j = 0; j < 3; j++) {
		rd.col[j] = col[j];
		rd.role[col[j]] = (unsigned char)j; /* SUBJECT, RATER, LABEL */
	}

	while ((p = skip_empty(p, rd.end)) < rd.end) {
		if (!(p = row_read(&rd, p, &row)) || row_subject(&rd, &row))
			return -1;
		if ((r = row_rater(&rd, &row)) == NONE)
			return -1; /* a third rater */
		if (rd.cur.label[r] != NONE)
			return -1; /* rated twice */
		label = row.label_idx;
		if (label == NONE && (label = label_find(pf, &rd.ix, &row.label)) == NONE)
			return -1;
		rd.cur.label[r] = label;
		pf->n_rows++;
	}
	if (!pf->n_rows || rd.n_raters < 2)
		return -1;
	subject_end(pf, &rd.cur);
	pf->rater[0] = rd.rater[0].t;
	pf->rater[1] = rd.rater[1].t;
	return 0;
}

enum pairfile_result pairfile_read(struct pairfile *pf, const char *path,
                                   const char *const columns[3])
{
	const unsigned char *p;
	size_t col[3];

	memset(pf, 0, sizeof(*pf));
	if (text_load(pf, path))
		return PAIRFILE_OTHER;
	p = (const unsigned char *)pf->text;
	/* Skip a UTF-8 byte order mark, as the general reader does. */
	if (pf->len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		p += 3;
	if (*p == '\n' || *p == '\r' || header_read(pf, &p, columns, col) ||
	    rows_read(pf, p, col)) {
		pairfile_release(pf);
		return PAIRFILE_OTHER;
	}
	return PAIRFILE_OK;
}

void pairfile_release(struct pairfile *pf)
{
	size_t i;

	for (i = 0; i < pf->n_labels; i++)
		free(pf->label[i]);
	free(pf->label);
	free(pf->label_len);
	free(pf->count);
	free(pf->single);
	free(pf->header);
	if (pf->text)
		text_release(pf);
	memset(pf, 0, sizeof(*pf));
}
