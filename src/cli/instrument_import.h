/* Putting instrument definitions on file: one JSON file, or every *.json of a folder (the server
 * does the latter with instruments/ at start-up, so the shipped scales are always there). */
#ifndef KV_INSTRUMENT_IMPORT_H
#define KV_INSTRUMENT_IMPORT_H

#include <stddef.h>

#include <jansson.h>

#include "core/err.h"
#include "db/db.h"
#include "vault/masterkey.h"

/* A definition file larger than this is refused before it is parsed. */
#define INSTRUMENT_FILE_MAX (1024 * 1024)

enum instrument_import_outcome {
	INSTRUMENT_IMPORTED,  /* a new row, or the definition of a row seeded without one */
	INSTRUMENT_UNCHANGED, /* already on file with an identical definition */
};

struct instrument_import {
	enum instrument_import_outcome outcome;
	long long id;    /* the instrument's row */
	enum kv_err why; /* on failure: KV_EINVAL (not JSON, or breaks the schema), KV_ECONFLICT
	                   * (same code and version with another definition), KV_EINTERNAL */
	char err[512];   /* on failure: what went wrong, e.g. "items[3].range.max: must be ..." */
	char code[48];   /* the instrument's code and version, once the definition is valid */
	char version[40];
};

/* Reads and parses a definition file: at most INSTRUMENT_FILE_MAX bytes, a regular file,
 * duplicate keys refused. Returns the JSON (the caller owns it), or NULL with a message. */
json_t *instrument_file_load(const char *path, char *err, size_t errlen);

/* Validates def and puts it on file in one transaction with its audit event
 * ("instrument.import"). Identical means equal as JSON (key order and spacing do not matter).
 * Returns 0 or -1; res says which and why. */
int instrument_import_json(struct db *db, const struct vault_key *key, const json_t *def,
                           struct instrument_import *res);
/* The same for a file read with instrument_file_load() (a file it refuses: KV_EINVAL). */
int instrument_import_file(struct db *db, const struct vault_key *key, const char *path,
                           struct instrument_import *res);
/* Imports every *.json of dir in name order, skipping identical ones. Returns how many were
 * put on file, or -1 with "file: message" for the first failure in err (the other files are
 * still imported). */
int instrument_import_dir(struct db *db, const struct vault_key *key, const char *dir, char *err,
                          size_t errlen);

#endif
