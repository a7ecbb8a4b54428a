/* The `kvalab stats` subcommands: read a long-format CSV, run the statistics engine, print JSON. */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/pairfile.h"
#include "core/stats.h"
#include "util/csv.h"
#include "util/parse.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* Limits before parsing: the whole file is held in memory, so it is capped. */
#define FILE_MAX ((size_t)1 << 30)
#define FIELDS_MAX 256
#define FIELD_MAX 4096
/* Dense subject-by-rater (or subject-by-category) tables are refused beyond this. */
#define CELLS_MAX ((size_t)50000000)
#define SHOWN_MAX 40 /* bytes of an offending value quoted in an error message */

/* ---- Errors ---- */

struct ctx {
	const char *cmd;  /* "icc", "kappa", ... */
	const char *path; /* the FILE argument as given */
	char *text;       /* the whole file, parsed in place; fields point into it */
	size_t len;
	struct csv_reader csv;
	const char **header;
	size_t n_cols;
	size_t header_line;
	size_t rows; /* data rows read so far */
};

static int fail(const struct ctx *c, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prints "kvalab stats CMD: FILE:LINE: message" (no LINE when 0) and returns CLI_USAGE. */
static int fail(const struct ctx *c, size_t line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kvalab stats %s: ", c->cmd);
	if (c->path) {
		if (line)
			fprintf(stderr, "%s:%zu: ", c->path, line);
		else
			fprintf(stderr, "%s: ", c->path);
	}
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CLI_USAGE;
}

/* ---- Growable arrays and string interning ---- */

static void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
	size_t n = *cap ? *cap : 64, bytes;

	if (need <= *cap)
		return p;
	while (n < need)
		n *= 2;
	if (size_mul(n, elem, &bytes))
		abort();
	*cap = n;
	return xrealloc(p, bytes);
}

/*
 * Labels (subject ids, rater ids, categories) to dense indices in first-seen order. Names
 * are the CSV fields themselves: the reader parses the file in place, so a field stays valid
 * as long as the file's text, which outlives every table, and nothing is copied.
 *
 * A file of 100 000 sessions has 100 000 subject ids, and the look-ups were the largest
 * single cost of reading it, so there are shortcuts. While names arrive in ascending byte
 * order (exports sorted by id), one comparison with the largest name so far tells whether a
 * name is that one again or new, and no table is built; the first name out of order builds
 * it from all the names so far. A name equal to the one returned last (a subject's next
 * rating) is answered without the table. And a name of up to 8 bytes (rater ids,
 * categories, most subject ids) is its own key, as one big-endian word, kept in the table's
 * slot with its length: finding it compares integers in one slot and reads no text, which
 * matters when ids come in random order and every look-up misses the cache.
 */
struct intern_slot {
	uint64_t key; /* intern_key() */
	uint32_t len;
	uint32_t idx; /* index + 1, or 0 when empty */
};

struct intern {
	const char **name; /* NUL-terminated */
	uint32_t *len;     /* fields and lines of a file under FILE_MAX fit in 32 bits */
	uint32_t *line;    /* where each was first seen */
	size_t n, cap;
	size_t last;              /* the index returned last ... */
	uint64_t last_key;        /* ... and its key, once the table is in use */
	int unsorted;             /* some name came in below an earlier one */
	int hashed;               /* the table is built and in use */
	size_t expect;            /* a guess at the final count, to size the table once */
	struct intern_slot *slot; /* open addressing */
	size_t n_slots;
};

/*
 * Key comparisons a word at a time. Every name is a field of the file's text, which
 * read_file pads with TEXT_PAD zero bytes, so 8 bytes can be read from any field's start;
 * the bytes past the field are masked off. Keys are compared as big-endian numbers, which
 * orders them as memcmp does.
 */
#define TEXT_PAD 8

static uint64_t load_be(const char *p, size_t len)
{
	uint64_t w;

	if (!len)
		return 0;
	memcpy(&w, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	w = __builtin_bswap64(w);
#elif !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_BIG_ENDIAN__
	{
		const unsigned char *u = (const unsigned char *)p;
		size_t i;
		for (w = 0, i = 0; i < 8; i++)
			w = w << 8 | u[i];
	}
#endif
	return len >= 8 ? w : w & ~(~(uint64_t)0 >> (8 * len));
}

/* Byte order, shorter first on a tie: how names are compared while they are in order. */
static int name_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t off;

	for (off = 0;; off += 8) {
		size_t la = alen - off < 8 ? alen - off : 8, lb = blen - off < 8 ? blen - off : 8;
		uint64_t x = load_be(a + off, la), y = load_be(b + off, lb);
		if (x != y)
			return x < y ? -1 : 1;
		if (la < 8 || lb < 8)
			return alen < blen ? -1 : alen > blen;
	}
}

/* A name's key: itself for up to 8 bytes (with its length, that is the whole name), else a
 * 64-bit hash of it, 8 bytes at a time (byte order is irrelevant to a hash). */
static uint64_t intern_key(const char *s, size_t len)
{
	uint64_t h = (uint64_t)len * 0x9E3779B97F4A7C15ULL, w;

	if (len <= 8)
		return load_be(s, len);
	while (len >= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xBF58476D1CE4E5B9ULL;
		h ^= h >> 31;
		s += 8;
		len -= 8;
	}
	if (len) {
		w = 0;
		memcpy(&w, s, len);
		h = (h ^ w) * 0xBF58476D1CE4E5B9ULL;
	}
	return h;
}

/* Where a key's probe starts in a table of n_slots (a power of two). */
static size_t intern_home(uint64_t key, size_t len, size_t n_slots)
{
	/* splitmix64's finaliser: a short name's key has all its bits at the top. */
	uint64_t z = key + (uint64_t)len * 0x9E3779B97F4A7C15ULL;

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return (size_t)(z ^ (z >> 31)) & (n_slots - 1);
}

static void intern_put(struct intern_slot *slot, size_t n_slots, struct intern_slot e)
{
	size_t h = intern_home(e.key, e.len, n_slots);

	while (slot[h].idx)
		h = (h + 1) & (n_slots - 1);
	slot[h] = e;
}

static void intern_rehash(struct intern *t, size_t n)
{
	struct intern_slot *old = t->slot;
	size_t i, on = t->n_slots;

	t->slot = xcalloc(n, sizeof(*t->slot));
	t->n_slots = n;
	for (i = 0; i < on; i++)
		if (old[i].idx)
			intern_put(t->slot, n, old[i]);
	free(old);
}

/* Remembers that about n names are expected, to size the table if one is needed. */
static void intern_reserve(struct intern *t, size_t n)
{
	t->expect = n;
}

/* Builds the table from every name so far and uses it from now on. */
static void intern_start_hashing(struct intern *t)
{
	size_t slots = 64, i, want = t->expect > t->n ? t->expect : t->n;

	while (slots < 2 * want && slots < ((size_t)1 << 22))
		slots *= 2;
	while (slots < 2 * (t->n + 1))
		slots *= 2;
	t->slot = xcalloc(slots, sizeof(*t->slot));
	t->n_slots = slots;
	for (i = 0; i < t->n; i++) {
		struct intern_slot e = {intern_key(t->name[i], t->len[i]), t->len[i],
		                        (uint32_t)(i + 1)};
		intern_put(t->slot, slots, e);
	}
	t->last_key = intern_key(t->name[t->last], t->len[t->last]);
	t->hashed = 1;
}

static size_t intern_append(struct intern *t, const struct csv_field *f, size_t line)
{
	size_t cap;

	if (t->n == t->cap) {
		/* The arrays grow in step: each starts from the same t->cap. */
		cap = t->cap;
		t->name = grow(t->name, &cap, t->n + 1, sizeof(*t->name));
		cap = t->cap;
		t->len = grow(t->len, &cap, t->n + 1, sizeof(*t->len));
		t->line = grow(t->line, &t->cap, t->n + 1, sizeof(*t->line));
	}
	t->name[t->n] = f->s;
	t->len[t->n] = (uint32_t)f->len;
	t->line[t->n] = (uint32_t)line;
	t->last = t->n;
	return t->n++;
}

static size_t intern(struct intern *t, const struct csv_field *f, size_t line)
{
	struct intern_slot *e;
	uint64_t key;
	size_t h, i;
	int d;

	if (!t->n)
		return intern_append(t, f, line);
	if (!t->hashed) {
		if (!t->unsorted) {
			/* Sorted so far: compare with the largest name, the last one added. */
			d = name_cmp(f->s, f->len, t->name[t->n - 1], t->len[t->n - 1]);
			if (d > 0)
				return intern_append(t, f, line);
			if (d == 0) {
				t->last = t->n - 1;
				return t->last;
			}
			t->unsorted = 1;
		}
		intern_start_hashing(t);
	}
	key = intern_key(f->s, f->len);
	if (t->last_key == key && t->len[t->last] == f->len &&
	    (f->len <= 8 || !name_cmp(t->name[t->last], f->len, f->s, f->len)))
		return t->last;
	if (2 * (t->n + 1) > t->n_slots)
		intern_rehash(t, 2 * t->n_slots);
	for (h = intern_home(key, f->len, t->n_slots);; h = (h + 1) & (t->n_slots - 1)) {
		e = &t->slot[h];
		if (!e->idx)
			break;
		i = e->idx - 1;
		if (e->key == key && e->len == f->len &&
		    (f->len <= 8 || !name_cmp(t->name[i], f->len, f->s, f->len))) {
			t->last = i;
			t->last_key = key;
			return i;
		}
	}
	e->key = key;
	e->len = (uint32_t)f->len;
	e->idx = (uint32_t)(t->n + 1);
	t->last_key = key;
	return intern_append(t, f, line);
}

static void intern_release(struct intern *t)
{
	free(t->name);
	free(t->len);
	free(t->line);
	free(t->slot);
	memset(t, 0, sizeof(*t));
}

/*
 * A set of (a, b) index pairs remembering the line each was first seen on, to report a
 * duplicate rating where it happens. Indices come from interning rows of a file under
 * FILE_MAX bytes, so each fits in 32 bits and a pair packs into one 64-bit key. The slot is
 * 4a plus a scrambled b rather than a full hash: subjects are numbered in file order, so
 * neighbouring rows probe neighbouring slots and stay in cache (on 200 000 rows this made the
 * duplicate check four times cheaper); b's scrambling keeps raters of one subject apart.
 */
struct pair_slot {
	uint64_t key; /* (a << 32 | b) + 1; 0 = empty */
	size_t line;
};

struct pairs {
	struct pair_slot *slot;
	size_t n, n_slots;
};

static size_t pair_home(uint64_t key, size_t n_slots)
{
	uint64_t a = (key - 1) >> 32, b = (key - 1) & 0xFFFFFFFFu;

	return (size_t)((4 * a + ((b * 0x9E3779B97F4A7C15ULL) >> 40)) & (n_slots - 1));
}

static void pairs_rehash(struct pairs *p, size_t n)
{
	struct pair_slot *old = p->slot;
	size_t on = p->n_slots, i;

	p->slot = xcalloc(n, sizeof(*p->slot));
	p->n_slots = n;
	for (i = 0; i < on; i++) {
		size_t h;
		if (!old[i].key)
			continue;
		for (h = pair_home(old[i].key, n); p->slot[h].key; h = (h + 1) & (n - 1))
			;
		p->slot[h] = old[i];
	}
	free(old);
}

static void pairs_reserve(struct pairs *p, size_t n)
{
	size_t slots = 1024;

	while (slots < 2 * n && slots < ((size_t)1 << 22))
		slots *= 2;
	if (slots > p->n_slots)
		pairs_rehash(p, slots);
}

/* Adds (a, b); returns 0 if new, else the line where the pair was first seen. */
static size_t pairs_add(struct pairs *p, size_t a, size_t b, size_t line)
{
	uint64_t key = ((uint64_t)a << 32 | (uint64_t)b) + 1;
	size_t h;

	if (2 * (p->n + 1) > p->n_slots)
		pairs_rehash(p, p->n_slots ? 2 * p->n_slots : 1024);
	for (h = pair_home(key, p->n_slots); p->slot[h].key; h = (h + 1) & (p->n_slots - 1))
		if (p->slot[h].key == key)
			return p->slot[h].line;
	p->slot[h].key = key;
	p->slot[h].line = line;
	p->n++;
	return 0;
}

static void pairs_release(struct pairs *p)
{
	free(p->slot);
	memset(p, 0, sizeof(*p));
}

/*
 * The data rows of a long file as index pairs (a, b) -- subject and rater, unit and coder --
 * with an optional third index c and number y, and the check that no pair occurs twice.
 *
 * Exports are usually grouped by subject, so while each a's rows are contiguous the check
 * only has to know which b's the current a has had: a stamp per b, set to the number of the
 * current run. A row whose a is above every earlier a starts a new run (interned indices
 * count up in first-seen order, so a new subject always is). The first row that returns to
 * an earlier a ends that shortcut, and every pair so far goes into a structure that answers
 * from then on: a 64-bit mask of b's per a while every b is below 64 (a few raters: one
 * small array, and a duplicate's earlier line is looked up among the rows), else the hash
 * set (struct pairs). Either way a duplicate is found on the row where it occurs, so errors
 * come in file order as before.
 *
 * Memory is what this costs most (each new page is a page fault), so b and c are 32 bits
 * (indices of a file under FILE_MAX fit) and the rows' lines are not stored one by one: row i is on line i + delta, and only the rows where
 * delta changes (after a blank line or a quoted line break) are recorded.
 */
struct rows {
	size_t *a; /* as the statistics engine takes it */
	uint32_t *b, *c;
	double *y;
	int want_c, want_y;
	size_t n, cap;

	size_t *jump_row, *jump_delta; /* from row jump_row[j] on, line = row + jump_delta[j] */
	size_t n_jumps, cap_jumps;

	size_t cur_a, end_a; /* the current run's a; one past the largest a so far */
	size_t run;          /* the current run, from 1 */
	size_t *stamp;       /* per b: the last run that had it, and in which row */
	size_t *stamp_row;
	size_t n_stamp;
	size_t end_b; /* one past the largest b so far */
	enum { ROWS_RUNS, ROWS_MASKS, ROWS_PAIRS } mode;
	uint64_t *mask; /* ROWS_MASKS: bit b of mask[a] is set when (a, b) is there */
	size_t n_mask;
	struct pairs set; /* ROWS_PAIRS */
	size_t expect;    /* a guess at the number of rows */
};

static void rows_init(struct rows *r, int want_c, int want_y, size_t expect)
{
	memset(r, 0, sizeof(*r));
	r->want_c = want_c;
	r->want_y = want_y;
	r->expect = expect;
}

static void rows_release(struct rows *r)
{
	free(r->a);
	free(r->b);
	free(r->c);
	free(r->y);
	free(r->jump_row);
	free(r->jump_delta);
	free(r->stamp);
	free(r->stamp_row);
	free(r->mask);
	pairs_release(&r->set);
	memset(r, 0, sizeof(*r));
}

static void rows_grow(struct rows *r)
{
	/* Start near the expected count (capped: the guess may be far too high). */
	size_t need = r->cap ? 2 * r->cap : (r->expect < ((size_t)1 << 20) ? r->expect : 1 << 20);
	size_t bytes;

	if (need < 64)
		need = 64;
	if (size_mul(need, sizeof(size_t), &bytes))
		abort();
	r->a = xrealloc(r->a, bytes);
	r->b = xrealloc(r->b, need * sizeof(uint32_t));
	if (r->want_c)
		r->c = xrealloc(r->c, need * sizeof(uint32_t));
	if (r->want_y)
		r->y = xrealloc(r->y, need * sizeof(double));
	r->cap = need;
}

/* The line row i came from. */
static size_t rows_line(const struct rows *r, size_t i)
{
	size_t lo = 0, hi = r->n_jumps; /* the last jump at or before i is in [lo, hi) */

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->jump_row[mid] <= i)
			lo = mid;
		else
			hi = mid;
	}
	return i + r->jump_delta[lo];
}

/* Has b been seen with the current run's a? Returns the earlier line, or 0 after noting it. */
static size_t rows_stamp(struct rows *r, size_t b)
{
	if (b >= r->n_stamp) {
		size_t old = r->n_stamp, cap = old;
		r->stamp = grow(r->stamp, &cap, b + 1, sizeof(size_t));
		cap = old;
		r->stamp_row = grow(r->stamp_row, &cap, b + 1, sizeof(size_t));
		memset(r->stamp + old, 0, (cap - old) * sizeof(size_t));
		r->n_stamp = cap;
	}
	if (r->stamp[b] == r->run)
		return rows_line(r, r->stamp_row[b]);
	r->stamp[b] = r->run;
	r->stamp_row[b] = r->n;
	return 0;
}

/* ROWS_MASKS: is (a, b) there? Returns its line, or 0 after noting it. */
static size_t rows_mask(struct rows *r, size_t a, size_t b)
{
	size_t i;

	if (a >= r->n_mask) {
		size_t old = r->n_mask;
		r->mask = grow(r->mask, &r->n_mask, a + 1, sizeof(uint64_t));
		memset(r->mask + old, 0, (r->n_mask - old) * sizeof(uint64_t));
	}
	if (!(r->mask[a] >> b & 1)) {
		r->mask[a] |= (uint64_t)1 << b;
		return 0;
	}
	for (i = 0; r->a[i] != a || r->b[i] != b; i++)
		;
	return rows_line(r, i);
}

/* Leaves ROWS_RUNS or ROWS_MASKS for a structure that can hold the pairs so far and b. */
static void rows_switch(struct rows *r, size_t b)
{
	size_t i;

	if (r->mode == ROWS_RUNS && r->end_b <= 64 && b < 64) {
		r->mode = ROWS_MASKS;
		for (i = 0; i < r->n; i++)
			rows_mask(r, r->a[i], r->b[i]);
		return;
	}
	r->mode = ROWS_PAIRS;
	pairs_reserve(&r->set, r->expect);
	for (i = 0; i < r->n; i++)
		pairs_add(&r->set, r->a[i], r->b[i], rows_line(r, i));
}

/*
 * Adds the row (a, b, c, y) from line unless (a, b) is already there; c and y are kept when
 * the rows were set up for them. Returns 0, or the line where (a, b) was first seen.
 */
static size_t rows_add(struct rows *r, size_t a, size_t b, size_t c, double y, size_t line)
{
	size_t first;

	if (r->mode == ROWS_RUNS) {
		if (!r->n || a >= r->end_a) {
			r->run++;
			r->cur_a = a;
			r->end_a = a + 1;
		} else if (a != r->cur_a) {
			rows_switch(r, b);
		}
	} else if (r->mode == ROWS_MASKS && b >= 64) {
		rows_switch(r, b);
	}
	if (r->mode == ROWS_RUNS)
		first = rows_stamp(r, b);
	else if (r->mode == ROWS_MASKS)
		first = rows_mask(r, a, b);
	else
		first = pairs_add(&r->set, a, b, line);
	if (first)
		return first;
	if (b >= r->end_b)
		r->end_b = b + 1;
	if (r->n == r->cap)
		rows_grow(r);
	if (!r->n_jumps || line != r->n + r->jump_delta[r->n_jumps - 1]) {
		size_t cap = r->cap_jumps;
		r->jump_row = grow(r->jump_row, &cap, r->n_jumps + 1, sizeof(size_t));
		r->jump_delta = grow(r->jump_delta, &r->cap_jumps, r->n_jumps + 1, sizeof(size_t));
		r->jump_row[r->n_jumps] = r->n;
		r->jump_delta[r->n_jumps] = line - r->n;
		r->n_jumps++;
	}
	r->a[r->n] = a;
	r->b[r->n] = (uint32_t)b;
	if (r->want_c)
		r->c[r->n] = (uint32_t)c;
	if (r->want_y)
		r->y[r->n] = y;
	r->n++;
	return 0;
}

/* ---- Ordered categories ---- */

/*
 * Category labels are ordered numerically when every label is a number (so "10" comes after
 * "9", and "1" and "1.0" are one category), otherwise by their bytes (strcmp). The order
 * matters for weighted kappa, where a category's distance is its position, and for ordinal
 * alpha.
 */
struct cats {
	size_t n;         /* categories */
	size_t *of_label; /* label index -> category */
	size_t *label;    /* category -> the label that names it */
	double *value;    /* category -> number, when numeric */
	int numeric;
	size_t first_bad; /* when not numeric: a label that is not a number */
};

static const struct intern *sort_labels;
static const double *sort_values;

static int by_value(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;

	if (sort_values[a] != sort_values[b])
		return sort_values[a] < sort_values[b] ? -1 : 1;
	return strcmp(sort_labels->name[a], sort_labels->name[b]);
}

static int by_name(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;

	return strcmp(sort_labels->name[a], sort_labels->name[b]);
}

static void cats_build(struct cats *k, const struct intern *t)
{
	size_t *idx = xcalloc(t->n ? t->n : 1, sizeof(size_t));
	double *v = xcalloc(t->n ? t->n : 1, sizeof(double));
	size_t i;

	memset(k, 0, sizeof(*k));
	k->numeric = 1;
	for (i = 0; i < t->n; i++) {
		idx[i] = i;
		if (k->numeric && parse_double(t->name[i], t->len[i], &v[i])) {
			k->numeric = 0;
			k->first_bad = i;
		}
	}
	/* qsort has no context argument; the CLI is single-threaded. */
	sort_labels = t;
	sort_values = v;
	qsort(idx, t->n, sizeof(size_t), k->numeric ? by_value : by_name);
	k->of_label = xcalloc(t->n ? t->n : 1, sizeof(size_t));
	k->label = xcalloc(t->n ? t->n : 1, sizeof(size_t));
	k->value = xcalloc(t->n ? t->n : 1, sizeof(double));
	for (i = 0; i < t->n; i++) {
		if (!k->n || !k->numeric || v[idx[i]] != k->value[k->n - 1]) {
			k->label[k->n] = idx[i];
			k->value[k->n] = k->numeric ? v[idx[i]] : (double)k->n;
			k->n++;
		}
		k->of_label[idx[i]] = k->n - 1;
	}
	free(v);
	free(idx);
}

static void cats_release(struct cats *k)
{
	free(k->of_label);
	free(k->label);
	free(k->value);
}

/* ---- Input ---- */

/*
 * Reads the whole file with as few read() calls as its size allows: a regular file's buffer
 * is sized from fstat once, rather than grown and copied on the way. One byte more than the
 * file is kept for the CSV reader's sentinel.
 */
static int read_file(struct ctx *c)
{
	int fd = strcmp(c->path, "-") ? open(c->path, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
	size_t cap = 65536, len = 0;
	struct stat st;
	char *buf = NULL;
	int rc = 0;

	if (fd < 0)
		return fail(c, 0, "cannot open: %s", strerror(errno));
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size >= 0) {
		if ((uintmax_t)st.st_size > FILE_MAX) {
			rc = fail(c, 0, "larger than %zu bytes", FILE_MAX);
			goto out;
		}
		/* One spare byte, so that reading an unchanged file ends at EOF, not a full buffer. */
		cap = (size_t)st.st_size + 1;
	}
	buf = xmalloc(cap + 1 + TEXT_PAD);
	for (;;) {
		ssize_t n;
		if (len == cap) {
			if (cap > FILE_MAX) {
				rc = fail(c, 0, "larger than %zu bytes", FILE_MAX);
				goto out;
			}
			cap = 2 * cap > FILE_MAX + 1 ? FILE_MAX + 1 : 2 * cap;
			buf = xrealloc(buf, cap + 1 + TEXT_PAD);
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = fail(c, 0, "cannot read: %s", strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > FILE_MAX) {
		rc = fail(c, 0, "larger than %zu bytes", FILE_MAX);
		goto out;
	}
	/* The reader puts its sentinel at buf[len]; the padding after it is for load_be. */
	memset(buf + len, 0, 1 + TEXT_PAD);
	c->text = buf;
	c->len = len;
	buf = NULL;
out:
	free(buf);
	if (fd != STDIN_FILENO)
		close(fd);
	return rc;
}

static int csv_error(struct ctx *c)
{
	return fail(c, c->csv.err_line, "column %zu: %s", c->csv.err_column, c->csv.err);
}

/* Reads the file and its header row. */
static int open_input(struct ctx *c)
{
	size_t i, j;
	int rc;

	if ((rc = read_file(c)))
		return rc;
	csv_reader_init_inplace(&c->csv, c->text, c->len, FIELDS_MAX, FIELD_MAX);
	rc = csv_next(&c->csv);
	if (rc < 0)
		return csv_error(c);
	if (rc == 0)
		return fail(c, 0, "empty file");
	c->n_cols = c->csv.n_fields;
	c->header_line = c->csv.record_line;
	c->header = xcalloc(c->n_cols, sizeof(char *));
	for (i = 0; i < c->n_cols; i++) {
		c->header[i] = c->csv.fields[i].s;
		for (j = 0; j < i; j++)
			if (!strcmp(c->header[i], c->header[j]))
				return fail(c, c->csv.record_line, "column \"%s\" appears twice",
				            c->header[i]);
	}
	return 0;
}

static int find_column(const struct ctx *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n_cols; i++)
		if (!strcmp(c->header[i], name))
			return (int)i;
	return -1;
}

/* Finds each named column; fails naming the first one missing. */
static int require_columns(struct ctx *c, const char *const *names, int *idx, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		idx[i] = find_column(c, names[i]);
		if (idx[i] < 0)
			return fail(c, c->header_line, "missing column \"%s\"", names[i]);
	}
	return 0;
}

/* Returns 1 with a data row in c->csv.fields, 0 at the end, or CLI_USAGE (printed). */
static int next_row(struct ctx *c, int *done)
{
	int rc = csv_next(&c->csv);

	*done = 0;
	if (rc < 0)
		return csv_error(c);
	if (rc == 0) {
		*done = 1;
		if (!c->rows)
			return fail(c, 0, "no data rows after the header");
		return 0;
	}
	if (c->csv.n_fields != c->n_cols)
		return fail(c, c->csv.record_line, "%zu fields, but the header has %zu",
		            c->csv.n_fields, c->n_cols);
	c->rows++;
	return 0;
}

/* A guess at the number of data rows (the shortest useful row is about a dozen bytes). */
static size_t rows_estimate(const struct ctx *c)
{
	return c->len / 12;
}

static const struct csv_field *field(const struct ctx *c, int col)
{
	return &c->csv.fields[col];
}

static size_t line(const struct ctx *c)
{
	return c->csv.record_line;
}

/*
 * The common short numbers ("3", "-12", "4.25") without strtod, which was a visible share of
 * reading a file of scores. With at most 15 digits the digits form an exact integer m below
 * 2^53, and m / 10^k for k <= 15 is one correctly rounded division of exact values, which is
 * the double strtod returns too. Returns -1 for anything else, which parse_double then
 * decides; nothing accepted here is refused there.
 */
static int number_fast(const char *s, size_t len, double *out)
{
	static const double pow10[16] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
	                                 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
	size_t i = 0, digits = 0, frac = 0;
	uint64_t m = 0;
	int neg = 0, dot = 0;
	double v;

	if (len && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		i = 1;
	}
	for (; i < len; i++) {
		unsigned d = (unsigned)(unsigned char)s[i] - '0';
		if (d < 10) {
			if (++digits > 15)
				return -1;
			m = m * 10 + d;
			frac += (size_t)dot;
		} else if (s[i] == '.' && !dot) {
			dot = 1;
		} else {
			return -1;
		}
	}
	if (!digits)
		return -1;
	v = (double)m / pow10[frac];
	*out = neg ? -v : v;
	return 0;
}

static int number(struct ctx *c, int col, double *out)
{
	const struct csv_field *f = field(c, col);

	if (number_fast(f->s, f->len, out) && parse_double(f->s, f->len, out))
		return fail(c, line(c), "column \"%s\": \"%.*s\" is not a number", c->header[col],
		            SHOWN_MAX, f->s);
	return 0;
}

static int count(struct ctx *c, int col, double *out)
{
	const struct csv_field *f = field(c, col);
	long long v;

	if (parse_llong(f->s, f->len, 0, 1000000000000LL, &v))
		return fail(c, line(c), "column \"%s\": \"%.*s\" is not a count (0 or more)",
		            c->header[col], SHOWN_MAX, f->s);
	*out = (double)v;
	return 0;
}

static void ctx_release(struct ctx *c)
{
	free(c->header);
	csv_reader_release(&c->csv);
	free(c->text);
}

/* ---- Output ---- */

static json_t *jnum(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *jlabel(const struct intern *t, size_t i)
{
	json_t *s = json_stringn(t->name[i], t->len[i]);
	return s ? s : json_null();
}

static int print_json(json_t *root)
{
	char *s = json_dumps(root, JSON_REAL_PRECISION(17) | JSON_PRESERVE_ORDER);
	int rc = CLI_OK;

	if (!s || puts(s) == EOF || fflush(stdout) == EOF) {
		fprintf(stderr, "kvalab stats: cannot write the result\n");
		rc = CLI_FAIL;
	}
	free(s);
	json_decref(root);
	return rc;
}

/* ---- Options ---- */

struct opt {
	const char *name; /* without the leading dashes */
	int has_arg;
	const char *value; /* the argument, or "" for a flag that was given */
};

/* Parses argv[1..] (argv[0] is the subcommand); *help is set for --help. */
static int parse_args(struct ctx *c, int argc, char **argv, struct opt *opts, size_t n_opts,
                      int *help)
{
	int i, only_files = 0;
	size_t j;

	*help = 0;
	c->path = NULL;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *eq;
		size_t len;

		if (only_files || a[0] != '-' || !strcmp(a, "-")) {
			if (c->path) {
				c->path = NULL;
				return fail(c, 0, "unexpected argument \"%s\"", a);
			}
			c->path = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			only_files = 1;
			continue;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			*help = 1;
			return 0;
		}
		if (strncmp(a, "--", 2) != 0)
			goto unknown;
		a += 2;
		eq = strchr(a, '=');
		len = eq ? (size_t)(eq - a) : strlen(a);
		for (j = 0; j < n_opts; j++)
			if (strlen(opts[j].name) == len && !strncmp(opts[j].name, a, len))
				break;
		if (j == n_opts)
			goto unknown;
		if (!opts[j].has_arg) {
			if (eq) {
				c->path = NULL;
				return fail(c, 0, "option --%s takes no value", opts[j].name);
			}
			opts[j].value = "";
		} else if (eq) {
			opts[j].value = eq + 1;
		} else if (i + 1 < argc) {
			opts[j].value = argv[++i];
		} else {
			c->path = NULL;
			return fail(c, 0, "option --%s needs a value", opts[j].name);
		}
		continue;
	unknown:
		c->path = NULL;
		return fail(c, 0, "unknown option %s", argv[i]);
	}
	if (!c->path)
		return fail(c, 0, "no input FILE given (see --help)");
	return 0;
}

static int opt_number(struct ctx *c, const struct opt *o, double *out)
{
	const char *path = c->path;
	int rc = 0;

	if (!o->value)
		return 0;
	if (parse_double_str(o->value, out)) {
		c->path = NULL;
		rc = fail(c, 0, "option --%s: \"%s\" is not a number", o->name, o->value);
		c->path = path;
	}
	return rc;
}

/* ---- icc ---- */

static int run_icc(struct ctx *c)
{
	static const char *const names[3] = {"subject", "rater", "score"};
	struct intern subj = {0}, rater = {0};
	struct rows obs;
	size_t *dropped = NULL, i, cells;
	double *x = NULL;
	struct stats_icc r;
	json_t *root, *arr, *o;
	int col[3], rc, done;

	if ((rc = require_columns(c, names, col, 3)))
		return rc;
	intern_reserve(&subj, rows_estimate(c) / 2);
	rows_init(&obs, 0, 1, rows_estimate(c));
	for (;;) {
		size_t s, k, first;
		double y;

		if ((rc = next_row(c, &done)) || done)
			break;
		s = intern(&subj, field(c, col[0]), line(c));
		k = intern(&rater, field(c, col[1]), line(c));
		if ((rc = number(c, col[2], &y)))
			break;
		if ((first = rows_add(&obs, s, k, 0, y, line(c)))) {
			rc = fail(c, line(c),
			          "subject \"%s\" rated twice by rater \"%s\" (also on line %zu)",
			          subj.name[s], rater.name[k], first);
			break;
		}
	}
	if (rc)
		goto out;
	if (rater.n < 2) {
		rc = fail(c, 0, "need at least 2 raters, found %zu", rater.n);
		goto out;
	}
	if (size_mul(subj.n, rater.n, &cells) || cells > CELLS_MAX) {
		rc = fail(c, 0, "too many subjects x raters (%zu x %zu)", subj.n, rater.n);
		goto out;
	}
	x = xmalloc(cells * sizeof(double));
	for (i = 0; i < cells; i++)
		x[i] = NAN;
	for (i = 0; i < obs.n; i++)
		x[obs.a[i] * rater.n + obs.b[i]] = obs.y[i];
	dropped = xcalloc(subj.n, sizeof(size_t));
	if (stats_icc(x, subj.n, rater.n, dropped, &r)) {
		rc = fail(c, 0, "need at least 2 subjects with a score from every rater, found %zu",
		          r.n_subjects);
		goto out;
	}

	root = json_object();
	json_object_set_new(root, "n_subjects", json_integer((json_int_t)r.n_subjects));
	json_object_set_new(root, "n_raters", json_integer((json_int_t)r.n_raters));
	arr = json_array();
	for (i = 0; i < r.n_dropped; i++)
		json_array_append_new(arr, jlabel(&subj, dropped[i]));
	json_object_set_new(root, "dropped_subjects", arr);
	o = json_object();
	json_object_set_new(o, "MSB", jnum(r.msb));
	json_object_set_new(o, "MSW", jnum(r.msw));
	json_object_set_new(o, "MSJ", jnum(r.msj));
	json_object_set_new(o, "MSE", jnum(r.mse));
	json_object_set_new(o, "df_rows", jnum(r.df_rows));
	json_object_set_new(o, "df_raters", jnum(r.df_raters));
	json_object_set_new(o, "df_residual", jnum(r.df_residual));
	json_object_set_new(root, "anova", o);
	for (i = 0; i < STATS_ICC__MAX; i++) {
		const struct stats_icc_value *v = &r.form[i];
		o = json_object();
		json_object_set_new(o, "icc", jnum(v->icc));
		json_object_set_new(o, "F", jnum(v->f));
		json_object_set_new(o, "df1", jnum(v->df1));
		json_object_set_new(o, "df2", jnum(v->df2));
		json_object_set_new(o, "p", jnum(v->p));
		json_object_set_new(o, "ci95_lower", jnum(v->ci_lower));
		json_object_set_new(o, "ci95_upper", jnum(v->ci_upper));
		json_object_set_new(root, stats_icc_form_name[i], o);
	}
	rc = print_json(root);
out:
	free(dropped);
	free(x);
	rows_release(&obs);
	intern_release(&rater);
	intern_release(&subj);
	return rc;
}

/* ---- kappa ---- */

static const char *const kappa_weight_name[STATS_WEIGHTS__MAX] = {"none", "linear", "quadratic"};
static const char *const kappa_long_names[3] = {"subject", "rater", "category"};

static json_t *categories_json(const struct cats *k, const struct intern *labels)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < k->n; i++)
		json_array_append_new(arr, jlabel(labels, k->label[i]));
	return arr;
}

/* Prints kappa's result; takes dropped (the subjects left out, a JSON array). */
static int kappa_print(const struct stats_kappa *r, enum stats_weights weights,
                       const struct cats *k, const struct intern *labels, json_t *dropped)
{
	json_t *root = json_object();

	json_object_set_new(root, "n", json_integer((json_int_t)r->n));
	json_object_set_new(root, "weights", json_string(kappa_weight_name[weights]));
	json_object_set_new(root, "categories", categories_json(k, labels));
	json_object_set_new(root, "kappa", jnum(r->kappa));
	json_object_set_new(root, "p_observed", jnum(r->p_observed));
	json_object_set_new(root, "p_expected", jnum(r->p_expected));
	json_object_set_new(root, "se", jnum(r->se));
	json_object_set_new(root, "ci95_lower", jnum(r->ci_lower));
	json_object_set_new(root, "ci95_upper", jnum(r->ci_upper));
	json_object_set_new(root, "se0", jnum(r->se0));
	json_object_set_new(root, "z", jnum(r->z));
	json_object_set_new(root, "p", jnum(r->p));
	json_object_set_new(root, "dropped_subjects", dropped);
	return print_json(root);
}

/* The agreement weights for c ordered categories, or NULL for unweighted kappa. */
static double *kappa_weights(enum stats_weights weights, size_t c)
{
	double *w;

	if (weights == STATS_WEIGHTS_NONE)
		return NULL;
	w = xcalloc(c * c, sizeof(double));
	stats_kappa_weights(weights, c, w);
	return w;
}

/* The pairfile's labels as an intern table, in the same first-seen order, for cats_build. */
static void pairfile_labels(const struct pairfile *pf, struct intern *labels)
{
	size_t i;

	for (i = 0; i < pf->n_labels; i++) {
		struct csv_field f = {pf->label[i], pf->label_len[i]};
		intern_append(labels, &f, 0);
	}
}

/*
 * The pairfile's counts, which are by label, folded into a k->n x k->n table by category
 * (labels such as "1" and "1.0" are one category). With transpose the table's transpose is
 * added too, which for two coders gives alpha's coincidence matrix.
 */
static double *pairfile_table(const struct pairfile *pf, const struct cats *k, int transpose)
{
	double *t = xcalloc(k->n * k->n, sizeof(double));
	size_t a, b;

	for (a = 0; a < pf->n_labels; a++) {
		for (b = 0; b < pf->n_labels; b++) {
			double n = pf->count[a * pf->stride + b];
			size_t ca = k->of_label[a], cb = k->of_label[b];
			t[ca * k->n + cb] += n;
			if (transpose)
				t[cb * k->n + ca] += n;
		}
	}
	return t;
}

/*
 * Kappa from a file in the usual layout, read by pairfile.h in one pass. Returns 0, having
 * done nothing, when the file is not in that layout or anything about it would be an error:
 * the general reader then reads it and reports what is wrong.
 */
static int kappa_fast(struct ctx *c, enum stats_weights weights, int *rc)
{
	struct intern labels = {0};
	struct pairfile pf;
	struct cats k = {0};
	struct stats_kappa r;
	double *table = NULL, *w = NULL;
	json_t *dropped;
	size_t i;
	int done = 0;

	if (pairfile_read(&pf, c->path, kappa_long_names) != PAIRFILE_OK)
		return 0;
	/* A file with the columns of a count table is one, whatever else it has. */
	if (pairfile_has_column(&pf, "rater_a") && pairfile_has_column(&pf, "rater_b") &&
	    pairfile_has_column(&pf, "count"))
		goto out;
	pairfile_labels(&pf, &labels);
	cats_build(&k, &labels);
	if (k.n > STATS_MAX_CATEGORIES)
		goto out;
	table = pairfile_table(&pf, &k, 0);
	w = kappa_weights(weights, k.n);
	if (stats_kappa_table(table, k.n, w, &r))
		goto out;
	dropped = json_array();
	for (i = 0; i < pf.n_single; i++)
		json_array_append_new(dropped, json_stringn(pf.single[i].s, pf.single[i].len));
	*rc = kappa_print(&r, weights, &k, &labels, dropped);
	done = 1;
out:
	free(w);
	free(table);
	cats_release(&k);
	intern_release(&labels);
	pairfile_release(&pf);
	return done;
}

static int run_kappa(struct ctx *c, enum stats_weights weights)
{
	static const char *const table_names[3] = {"rater_a", "rater_b", "count"};
	struct intern labels = {0}, subj = {0}, rater = {0};
	struct rows obs;
	struct cats k = {0};
	size_t i, n_subj = 0;
	uint32_t *sa = NULL, *sb = NULL;
	double *table = NULL, *w = NULL;
	struct stats_kappa r;
	json_t *dropped;
	int col[3], rc = 0, done, is_table;

	is_table = find_column(c, "rater_a") >= 0 && find_column(c, "rater_b") >= 0 &&
	           find_column(c, "count") >= 0;
	if ((rc = require_columns(c, is_table ? table_names : kappa_long_names, col, 3)))
		return rc;
	dropped = json_array();
	intern_reserve(&subj, rows_estimate(c) / 2);
	/* Table: labels a and b and a count. Long: subject a, rater b and the category's label. */
	rows_init(&obs, !is_table, is_table, rows_estimate(c));
	for (;;) {
		size_t a, b, first;
		double y = 1;

		if ((rc = next_row(c, &done)) || done)
			break;
		if (is_table) {
			a = intern(&labels, field(c, col[0]), line(c));
			b = intern(&labels, field(c, col[1]), line(c));
			if ((rc = count(c, col[2], &y)))
				break;
		} else {
			a = intern(&subj, field(c, col[0]), line(c));
			b = intern(&rater, field(c, col[1]), line(c));
			if (rater.n > 2) {
				rc = fail(c, line(c),
				          "a third rater \"%s\": Cohen's kappa is for two raters "
				          "(use fleiss)",
				          rater.name[2]);
				break;
			}
		}
		if ((first = rows_add(&obs, a, b,
		                      is_table ? 0 : intern(&labels, field(c, col[2]), line(c)), y,
		                      line(c)))) {
			if (is_table)
				rc = fail(c, line(c),
				          "the pair \"%s\",\"%s\" again (also on line %zu)",
				          labels.name[a], labels.name[b], first);
			else
				rc = fail(
				    c, line(c),
				    "subject \"%s\" rated twice by rater \"%s\" (also on line %zu)",
				    subj.name[a], rater.name[b], first);
			break;
		}
	}
	if (rc)
		goto out;
	if (!is_table && rater.n < 2) {
		rc = fail(c, 0, "need two raters, found %zu", rater.n);
		goto out;
	}
	cats_build(&k, &labels);
	if (k.n > STATS_MAX_CATEGORIES) {
		rc = fail(c, 0, "more than %d categories", STATS_MAX_CATEGORIES);
		goto out;
	}
	w = kappa_weights(weights, k.n);
	if (is_table) {
		table = xcalloc(k.n * k.n, sizeof(double));
		for (i = 0; i < obs.n; i++)
			table[k.of_label[obs.a[i]] * k.n + k.of_label[obs.b[i]]] += obs.y[i];
		rc = stats_kappa_table(table, k.n, w, &r);
	} else {
		/* Each subject's two categories, STATS_MISSING for a missing rating. */
		n_subj = subj.n;
		sa = xmalloc(n_subj * sizeof(uint32_t));
		sb = xmalloc(n_subj * sizeof(uint32_t));
		for (i = 0; i < n_subj; i++)
			sa[i] = sb[i] = STATS_MISSING;
		for (i = 0; i < obs.n; i++)
			(obs.b[i] == 0 ? sa : sb)[obs.a[i]] = (uint32_t)k.of_label[obs.c[i]];
		for (i = 0; i < n_subj; i++)
			if (sa[i] == STATS_MISSING || sb[i] == STATS_MISSING)
				json_array_append_new(dropped, jlabel(&subj, i));
		rc = stats_kappa_pairs(sa, sb, n_subj, k.n, w, &r);
	}
	if (rc) {
		rc = fail(c, 0, "no subject rated by both raters");
		goto out;
	}
	rc = kappa_print(&r, weights, &k, &labels, dropped);
	dropped = NULL;
out:
	json_decref(dropped);
	free(sb);
	free(sa);
	free(w);
	free(table);
	rows_release(&obs);
	cats_release(&k);
	intern_release(&rater);
	intern_release(&subj);
	intern_release(&labels);
	return rc;
}

/* ---- fleiss ---- */

static int run_fleiss(struct ctx *c)
{
	static const char *const long_names[3] = {"subject", "rater", "category"};
	static const char *const count_names[3] = {"subject", "category", "count"};
	struct intern subj = {0}, rater = {0}, labels = {0};
	struct rows obs;
	struct cats k = {0};
	size_t i, j, cells;
	double *counts = NULL, *total = NULL, *cat_kappa = NULL;
	struct stats_fleiss r;
	json_t *root, *arr;
	int col[3], rc = 0, done, is_count;

	is_count = find_column(c, "rater") < 0 && find_column(c, "count") >= 0;
	if ((rc = require_columns(c, is_count ? count_names : long_names, col, 3)))
		return rc;
	intern_reserve(&subj, rows_estimate(c) / 2);
	/* a is the subject, b the rater or (counts) the category, c the category. */
	rows_init(&obs, 1, 1, rows_estimate(c));
	for (;;) {
		size_t s, l, first, other;
		double y = 1;

		if ((rc = next_row(c, &done)) || done)
			break;
		s = intern(&subj, field(c, col[0]), line(c));
		if (is_count) {
			l = intern(&labels, field(c, col[1]), line(c));
			other = l;
			if ((rc = count(c, col[2], &y)))
				break;
		} else {
			other = intern(&rater, field(c, col[1]), line(c));
			l = intern(&labels, field(c, col[2]), line(c));
		}
		if ((first = rows_add(&obs, s, other, l, y, line(c)))) {
			if (is_count)
				rc =
				    fail(c, line(c),
				         "subject \"%s\", category \"%s\" again (also on line %zu)",
				         subj.name[s], labels.name[l], first);
			else
				rc = fail(
				    c, line(c),
				    "subject \"%s\" rated twice by rater \"%s\" (also on line %zu)",
				    subj.name[s], rater.name[other], first);
			break;
		}
	}
	if (rc)
		goto out;
	cats_build(&k, &labels);
	if (k.n > STATS_MAX_CATEGORIES || size_mul(subj.n, k.n, &cells) || cells > CELLS_MAX) {
		rc = fail(c, 0, "too many subjects x categories (%zu x %zu)", subj.n, k.n);
		goto out;
	}
	counts = xcalloc(cells, sizeof(double));
	total = xcalloc(subj.n, sizeof(double));
	for (i = 0; i < obs.n; i++) {
		counts[obs.a[i] * k.n + k.of_label[obs.c[i]]] += obs.y[i];
		total[obs.a[i]] += obs.y[i];
	}
	for (i = 1; i < subj.n; i++) {
		if (total[i] != total[0]) {
			rc = fail(c, (size_t)subj.line[i],
			          "subject \"%s\" has %.0f ratings but subject \"%s\" has %.0f; "
			          "Fleiss' kappa needs the same number for every subject",
			          subj.name[i], total[i], subj.name[0], total[0]);
			goto out;
		}
	}
	cat_kappa = xcalloc(k.n, sizeof(double));
	if (stats_fleiss(counts, subj.n, k.n, &r, cat_kappa)) {
		rc = fail(c, 0, "need at least 2 ratings per subject");
		goto out;
	}
	root = json_object();
	json_object_set_new(root, "n_subjects", json_integer((json_int_t)r.n_subjects));
	json_object_set_new(root, "n_raters", json_integer((json_int_t)r.n_raters));
	json_object_set_new(root, "kappa", jnum(r.kappa));
	json_object_set_new(root, "p_bar", jnum(r.p_bar));
	json_object_set_new(root, "p_e", jnum(r.p_e));
	json_object_set_new(root, "se0", jnum(r.se0));
	json_object_set_new(root, "z", jnum(r.z));
	json_object_set_new(root, "p", jnum(r.p));
	arr = json_array();
	for (j = 0; j < k.n; j++) {
		json_t *o = json_object();
		json_object_set_new(o, "category", jlabel(&labels, k.label[j]));
		json_object_set_new(o, "kappa", jnum(cat_kappa[j]));
		json_array_append_new(arr, o);
	}
	json_object_set_new(root, "categories", arr);
	rc = print_json(root);
out:
	free(cat_kappa);
	free(total);
	free(counts);
	rows_release(&obs);
	cats_release(&k);
	intern_release(&labels);
	intern_release(&rater);
	intern_release(&subj);
	return rc;
}

/* ---- alpha ---- */

static const char *const alpha_names[3] = {"unit", "coder", "value"};

static int alpha_print(const struct stats_alpha *r, enum stats_metric metric)
{
	json_t *root = json_object();

	json_object_set_new(root, "metric", json_string(stats_metric_name[metric]));
	json_object_set_new(root, "alpha", jnum(r->alpha));
	json_object_set_new(root, "n_pairable", json_integer((json_int_t)r->n_pairable));
	return print_json(root);
}

/*
 * Alpha from a file of two coders in the usual layout (pairfile.h), as kappa_fast does:
 * returns 0, having done nothing, when the general reader has to read the file.
 */
static int alpha_fast(struct ctx *c, enum stats_metric metric, int *rc)
{
	struct intern labels = {0};
	struct pairfile pf;
	struct cats k = {0};
	struct stats_alpha r;
	double *o = NULL;
	int done = 0;

	if (pairfile_read(&pf, c->path, alpha_names) != PAIRFILE_OK)
		return 0;
	pairfile_labels(&pf, &labels);
	cats_build(&k, &labels);
	/* Values that are not numbers, or negative for ratio, are the general reader's to report. */
	if ((metric == STATS_METRIC_INTERVAL || metric == STATS_METRIC_RATIO) && !k.numeric)
		goto out;
	if (metric == STATS_METRIC_RATIO && k.n && k.value[0] < 0)
		goto out;
	o = pairfile_table(&pf, &k, 1);
	if (stats_alpha_coincidence(o, k.n, k.value, metric, &r))
		goto out;
	*rc = alpha_print(&r, metric);
	done = 1;
out:
	free(o);
	cats_release(&k);
	intern_release(&labels);
	pairfile_release(&pf);
	return done;
}

static int run_alpha(struct ctx *c, enum stats_metric metric)
{
	struct intern unit = {0}, coder = {0}, labels = {0};
	struct rows obs;
	struct cats k = {0};
	size_t i, *value = NULL;
	uint32_t *ua = NULL, *ub = NULL;
	struct stats_alpha r;
	int col[3], rc = 0, done;

	if ((rc = require_columns(c, alpha_names, col, 3)))
		return rc;
	intern_reserve(&unit, rows_estimate(c) / 2);
	/* a is the unit, b the coder, c the value's label. */
	rows_init(&obs, 1, 0, rows_estimate(c));
	for (;;) {
		size_t u, o, v, first;

		if ((rc = next_row(c, &done)) || done)
			break;
		u = intern(&unit, field(c, col[0]), line(c));
		o = intern(&coder, field(c, col[1]), line(c));
		v = intern(&labels, field(c, col[2]), line(c));
		if ((first = rows_add(&obs, u, o, v, 0, line(c)))) {
			rc =
			    fail(c, line(c), "unit \"%s\" coded twice by \"%s\" (also on line %zu)",
			         unit.name[u], coder.name[o], first);
			break;
		}
	}
	if (rc)
		goto out;
	cats_build(&k, &labels);
	if ((metric == STATS_METRIC_INTERVAL || metric == STATS_METRIC_RATIO) && !k.numeric) {
		i = k.first_bad;
		rc = fail(c, (size_t)labels.line[i], "column \"value\": \"%.*s\" is not a number",
		          SHOWN_MAX, labels.name[i]);
		goto out;
	}
	if (metric == STATS_METRIC_RATIO && k.n && k.value[0] < 0) {
		i = k.label[0];
		rc = fail(c, (size_t)labels.line[i],
		          "column \"value\": %s is negative (ratio needs >= 0)", labels.name[i]);
		goto out;
	}
	if (k.n > STATS_MAX_VALUES) {
		rc = fail(c, 0, "more than %d distinct values", STATS_MAX_VALUES);
		goto out;
	}
	if (coder.n == 2) {
		/* Two coders: each unit's two values, counted as pairs in one pass. */
		ua = xmalloc((unit.n ? unit.n : 1) * sizeof(uint32_t));
		ub = xmalloc((unit.n ? unit.n : 1) * sizeof(uint32_t));
		for (i = 0; i < unit.n; i++)
			ua[i] = ub[i] = STATS_MISSING;
		for (i = 0; i < obs.n; i++)
			(obs.b[i] == 0 ? ua : ub)[obs.a[i]] = (uint32_t)k.of_label[obs.c[i]];
		rc = stats_alpha_pairs(ua, ub, unit.n, k.n, k.value, metric, &r);
	} else {
		value = xmalloc((obs.n ? obs.n : 1) * sizeof(size_t));
		for (i = 0; i < obs.n; i++)
			value[i] = k.of_label[obs.c[i]];
		rc = stats_alpha(obs.a, value, obs.n, k.n, k.value, metric, &r);
	}
	if (rc) {
		rc = fail(c, 0, "fewer than 2 pairable values (units coded by 2 or more coders)");
		goto out;
	}
	rc = alpha_print(&r, metric);
out:
	free(ub);
	free(ua);
	free(value);
	rows_release(&obs);
	cats_release(&k);
	intern_release(&labels);
	intern_release(&coder);
	intern_release(&unit);
	return rc;
}

/* ---- rci ---- */

static int run_rci(struct ctx *c, const struct stats_rci_norms *norms)
{
	static const char *const names[3] = {"client", "pre", "post"};
	struct intern client = {0};
	struct stats_rci_params par;
	json_t *root = NULL, *arr, *o;
	int col[3], rc = 0, done;

	if ((rc = require_columns(c, names, col, 3)))
		return rc;
	if (stats_rci_params(norms, &par))
		return fail(c, 0, "bad norms"); /* cmd_stats checked them; cannot happen */
	root = json_object();
	json_object_set_new(root, "se", jnum(par.se));
	json_object_set_new(root, "s_diff", jnum(par.s_diff));
	json_object_set_new(root, "threshold", jnum(par.threshold));
	o = json_object();
	json_object_set_new(o, "a", jnum(par.a));
	json_object_set_new(o, "b", jnum(par.b));
	json_object_set_new(o, "c", jnum(par.c));
	json_object_set_new(root, "cutoffs", o);
	json_object_set_new(root, "cutoff_used", jnum(par.cutoff));
	json_object_set_new(root, "lower_is_better", json_boolean(norms->lower_is_better));
	arr = json_array();
	json_object_set_new(root, "clients", arr);
	for (;;) {
		struct stats_rci_client cl;
		size_t id, before = client.n;
		double pre, post;

		if ((rc = next_row(c, &done)) || done)
			break;
		id = intern(&client, field(c, col[0]), line(c));
		if (client.n == before) {
			rc = fail(c, line(c), "client \"%s\" again (also on line %zu)",
			          client.name[id], (size_t)client.line[id]);
			break;
		}
		if ((rc = number(c, col[1], &pre)) || (rc = number(c, col[2], &post)))
			break;
		stats_rci_client(norms, &par, pre, post, &cl);
		o = json_object();
		json_object_set_new(o, "client", jlabel(&client, id));
		json_object_set_new(o, "change", jnum(cl.change));
		json_object_set_new(o, "rci", jnum(cl.rci));
		json_object_set_new(o, "reliable", json_boolean(cl.reliable));
		json_object_set_new(o, "crossed_cutoff",
		                    cl.crossed < 0 ? json_null() : json_boolean(cl.crossed));
		json_object_set_new(o, "category", json_string(stats_change_name[cl.category]));
		json_array_append_new(arr, o);
	}
	if (!rc)
		rc = print_json(root);
	else
		json_decref(root);
	intern_release(&client);
	return rc;
}

/* ---- therapist-effects ---- */

/*
 * Therapist effects (DOMAIN.md section 4): outcome_ij = b0 [+ b1 covariate_ij] + u_j + e_ij
 * for client i of therapist j, fitted by REML (stats_reml_fit) on unbalanced caseloads.
 * Prints n, n_groups, the intercept and its SE, the variance components and
 * icc = var_between / (var_between + var_within). With a covariate (typically the baseline
 * score) it also prints "coefficients": [{"name", "estimate", "se"}] for the intercept,
 * named "(intercept)", and the covariate; intercept and se_intercept then mean the
 * intercept of that model, the expected outcome at a covariate of 0.
 */
static int run_effects(struct ctx *c, const char *group_col, const char *outcome_col,
                       const char *cov_col)
{
	const char *names[3] = {group_col, outcome_col, cov_col};
	struct intern group = {0};
	size_t *g = NULL, cap = 0, cap2, n = 0, i;
	double *y = NULL, *x = NULL;
	struct stats_reml r;
	json_t *root, *arr, *o;
	int col[3], rc = 0, done;

	if ((rc = require_columns(c, names, col, cov_col ? 3 : 2)))
		return rc;
	for (;;) {
		double v, cv = 0;

		if ((rc = next_row(c, &done)) || done)
			break;
		if ((rc = number(c, col[1], &v)) || (cov_col && (rc = number(c, col[2], &cv))))
			break;
		cap2 = cap;
		g = grow(g, &cap2, n + 1, sizeof(size_t));
		if (cov_col) {
			cap2 = cap;
			x = grow(x, &cap2, n + 1, sizeof(double));
			x[n] = cv;
		}
		y = grow(y, &cap, n + 1, sizeof(double));
		g[n] = intern(&group, field(c, col[0]), line(c));
		y[n] = v;
		n++;
	}
	if (rc)
		goto out;
	if (cov_col) {
		for (i = 1; i < n && x[i] == x[0]; i++)
			;
		if (i == n) {
			rc = fail(c, 0,
			          "column \"%s\" does not vary, so its effect cannot be estimated",
			          cov_col);
			goto out;
		}
	}
	if (stats_reml_fit(y, x, cov_col ? 1 : 0, g, n, group.n, &r)) {
		if (cov_col)
			rc = fail(c, 0,
			          "need 2 or more %ss, one with 2 or more rows, and variation in "
			          "\"%s\" within %ss that \"%s\" does not explain",
			          group_col, outcome_col, group_col, cov_col);
		else
			rc = fail(c, 0,
			          "need 2 or more %ss, one with 2 or more rows, and variation in "
			          "\"%s\"",
			          group_col, outcome_col);
		goto out;
	}
	root = json_object();
	json_object_set_new(root, "n", json_integer((json_int_t)r.n));
	json_object_set_new(root, "n_groups", json_integer((json_int_t)r.n_groups));
	json_object_set_new(root, "intercept", jnum(r.intercept));
	json_object_set_new(root, "se_intercept", jnum(r.se_intercept));
	if (cov_col) {
		arr = json_array();
		for (i = 0; i < r.n_coef; i++) {
			o = json_object();
			json_object_set_new(o, "name", json_string(i ? cov_col : "(intercept)"));
			json_object_set_new(o, "estimate", jnum(r.coef[i]));
			json_object_set_new(o, "se", jnum(r.se_coef[i]));
			json_array_append_new(arr, o);
		}
		json_object_set_new(root, "coefficients", arr);
	}
	json_object_set_new(root, "var_between", jnum(r.var_between));
	json_object_set_new(root, "var_within", jnum(r.var_within));
	json_object_set_new(root, "icc", jnum(r.icc));
	json_object_set_new(root, "method", json_string("REML"));
	rc = print_json(root);
out:
	free(x);
	free(y);
	free(g);
	intern_release(&group);
	return rc;
}

/* ---- Dispatch ---- */

static const char usage_text[] =
    "usage: kvalab stats <statistic> FILE [options]\n"
    "\n"
    "FILE is CSV with a header row (columns by name, any order; FILE - reads stdin),\n"
    "one observation per row; a missing rating is an absent row. Prints one JSON object.\n"
    "\n"
    "  icc FILE                        columns subject,rater,score: the six Shrout &\n"
    "                                  Fleiss ICCs; subjects missing a rater are dropped\n"
    "  kappa FILE [--weights none|linear|quadratic]\n"
    "                                  columns subject,rater,category (two raters) or\n"
    "                                  rater_a,rater_b,count: Cohen's kappa. Categories\n"
    "                                  are ordered numerically when all are numbers,\n"
    "                                  otherwise by bytes; weights use that order\n"
    "  fleiss FILE                     columns subject,rater,category or\n"
    "                                  subject,category,count: Fleiss' kappa\n"
    "  alpha FILE [--metric nominal|ordinal|interval|ratio]\n"
    "                                  columns unit,coder,value: Krippendorff's alpha\n"
    "  rci FILE --sd S --reliability R [--dys-mean M --dys-sd S]\n"
    "           [--func-mean M --func-sd S] [--lower-is-better]\n"
    "                                  columns client,pre,post: Jacobson-Truax reliable\n"
    "                                  change; recovery uses cut-off c, else a, else b\n"
    "  therapist-effects FILE [--group therapist] [--outcome change]\n"
    "           [--covariate COLUMN]\n"
    "                                  random-intercept model by REML for therapist\n"
    "                                  effects: outcome = b0 [+ b1 covariate] + u + e,\n"
    "                                  icc = var_between / (var_between + var_within);\n"
    "                                  caseloads may be unbalanced. With --covariate\n"
    "                                  (e.g. a baseline score), also \"coefficients\":\n"
    "                                  GLS estimates and SEs of the intercept and slope\n"
    "\n"
    "Exit status: 0 success, 2 bad arguments or bad input (the message names the line).\n";

static int help(void)
{
	fputs(usage_text, stdout);
	return CLI_OK;
}

static int pick(struct ctx *c, const char *opt, const char *v, const char *const *names, size_t n,
                int *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!strcmp(v, names[i])) {
			*out = (int)i;
			return 0;
		}
	}
	c->path = NULL;
	return fail(c, 0, "option --%s: unknown value \"%s\"", opt, v);
}

int cmd_stats(int argc, char **argv)
{
	static const char *const weight_names[STATS_WEIGHTS__MAX] = {"none", "linear", "quadratic"};
	struct ctx c;
	struct opt opts[8];
	size_t n_opts = 0;
	int rc, is_help, pos;
	const char *sub;

	memset(&c, 0, sizeof(c));
	memset(opts, 0, sizeof(opts));
	if (argc < 2) {
		fputs(usage_text, stderr);
		return CLI_USAGE;
	}
	sub = argv[1];
	if (!strcmp(sub, "--help") || !strcmp(sub, "-h") || !strcmp(sub, "help"))
		return help();
	c.cmd = sub;
	if (!strcmp(sub, "kappa")) {
		opts[n_opts++] = (struct opt){"weights", 1, NULL};
	} else if (!strcmp(sub, "alpha")) {
		opts[n_opts++] = (struct opt){"metric", 1, NULL};
	} else if (!strcmp(sub, "rci")) {
		static const char *const rci_opts[6] = {"sd",     "reliability", "dys-mean",
		                                        "dys-sd", "func-mean",   "func-sd"};
		for (pos = 0; pos < 6; pos++)
			opts[n_opts++] = (struct opt){rci_opts[pos], 1, NULL};
		opts[n_opts++] = (struct opt){"lower-is-better", 0, NULL};
	} else if (!strcmp(sub, "therapist-effects")) {
		opts[n_opts++] = (struct opt){"group", 1, NULL};
		opts[n_opts++] = (struct opt){"outcome", 1, NULL};
		opts[n_opts++] = (struct opt){"covariate", 1, NULL};
	} else if (strcmp(sub, "icc") != 0 && strcmp(sub, "fleiss") != 0) {
		fprintf(stderr, "kvalab stats: unknown statistic \"%s\"\n\n%s", sub, usage_text);
		return CLI_USAGE;
	}
	if ((rc = parse_args(&c, argc - 1, argv + 1, opts, n_opts, &is_help)))
		return rc;
	if (is_help)
		return help();

	if (!strcmp(sub, "icc")) {
		if (!(rc = open_input(&c)))
			rc = run_icc(&c);
	} else if (!strcmp(sub, "kappa")) {
		int w = STATS_WEIGHTS_NONE;
		if (opts[0].value &&
		    (rc = pick(&c, "weights", opts[0].value, weight_names, STATS_WEIGHTS__MAX, &w)))
			return rc;
		if (!kappa_fast(&c, (enum stats_weights)w, &rc) && !(rc = open_input(&c)))
			rc = run_kappa(&c, (enum stats_weights)w);
	} else if (!strcmp(sub, "fleiss")) {
		if (!(rc = open_input(&c)))
			rc = run_fleiss(&c);
	} else if (!strcmp(sub, "alpha")) {
		int m = STATS_METRIC_NOMINAL;
		if (opts[0].value && (rc = pick(&c, "metric", opts[0].value, stats_metric_name,
		                                STATS_METRIC__MAX, &m)))
			return rc;
		if (!alpha_fast(&c, (enum stats_metric)m, &rc) && !(rc = open_input(&c)))
			rc = run_alpha(&c, (enum stats_metric)m);
	} else if (!strcmp(sub, "rci")) {
		struct stats_rci_norms nm = {NAN, NAN, NAN, NAN, NAN, NAN, opts[6].value != NULL};
		struct stats_rci_params par;
		double *dst[6] = {&nm.sd,     &nm.reliability, &nm.dys_mean,
		                  &nm.dys_sd, &nm.func_mean,   &nm.func_sd};
		const char *path = c.path;
		for (pos = 0; pos < 6; pos++)
			if ((rc = opt_number(&c, &opts[pos], dst[pos])))
				return rc;
		c.path = NULL;
		if (!opts[0].value || !opts[1].value)
			return fail(&c, 0, "--sd and --reliability are required");
		if (!opts[2].value != !opts[3].value || !opts[4].value != !opts[5].value)
			return fail(&c, 0,
			            "give norms as pairs: --dys-mean with --dys-sd, "
			            "--func-mean with --func-sd");
		if ((opts[3].value && !(nm.dys_sd > 0)) || (opts[5].value && !(nm.func_sd > 0)))
			return fail(&c, 0, "--dys-sd and --func-sd must be > 0");
		if (stats_rci_params(&nm, &par))
			return fail(&c, 0, "--sd must be > 0 and --reliability in [0, 1)");
		c.path = path;
		if (!(rc = open_input(&c)))
			rc = run_rci(&c, &nm);
	} else {
		const char *gcol = opts[0].value ? opts[0].value : "therapist";
		const char *ocol = opts[1].value ? opts[1].value : "change";
		if (!(rc = open_input(&c)))
			rc = run_effects(&c, gcol, ocol, opts[2].value);
	}
	ctx_release(&c);
	return rc;
}
