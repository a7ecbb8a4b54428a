/* JSON fixtures for the unit tests: the shipped instrument files and JSON written with single
 * quotes, so that fixtures stay readable. */
#ifndef KV_UNIT_JSON_H
#define KV_UNIT_JSON_H

#include <jansson.h>

struct instrument;

/* The shipped file instruments/NAME, found from the repository root (where the tests run) or
 * from this file's folder; NULL, with the parser's message printed, if it cannot be read. The
 * caller owns the result. */
json_t *unit_shipped_json(const char *name);

/* The shipped file instruments/NAME compiled (any validation message printed); NULL if it
 * cannot be read or compiled. Free with instrument_free(). */
struct instrument *unit_shipped_instrument(const char *name);

/* TEXT with every ' read as ", parsed as any JSON value (\u0000 allowed); NULL, with the
 * parser's message printed, if it is not JSON. The caller owns the result. */
json_t *unit_json(const char *text);

#endif
