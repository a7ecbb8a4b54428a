/* What only the statistics engine's own files share (src/core/stats_*.c). */
#ifndef KV_STATS_INT_H
#define KV_STATS_INT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Adds 1 to table[a[i] * c + b[i]] for every i whose two codes are below c, and skips pairs
 * with a STATS_MISSING code: the two raters' (or coders') table in one pass over the raw
 * columns. table is c x c and the caller's, usually zeroed. Returns -1 at the first code
 * that is neither below c nor STATS_MISSING, with the table partly counted.
 */
int stats_count_pairs(const uint32_t *a, const uint32_t *b, size_t n, size_t c, double *table);

#endif
