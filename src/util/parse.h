/* Number parsing with explicit bounds: the only way kvalab turns text into numbers. */
#ifndef KV_PARSE_H
#define KV_PARSE_H

#include <stddef.h>

/* Parses all of s[0..len) as a decimal integer in [min, max]. Returns 0 or -1. */
int parse_llong(const char *s, size_t len, long long min, long long max, long long *out);
/* Same for a NUL-terminated string. */
int parse_llong_str(const char *s, long long min, long long max, long long *out);
/* Parses all of s[0..len) as a finite double (no hex, no inf/nan). Returns 0 or -1. */
int parse_double(const char *s, size_t len, double *out);
/* Same for a NUL-terminated string. */
int parse_double_str(const char *s, double *out);

#endif
