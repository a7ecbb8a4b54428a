/* Making an approved export's files and serving them. Only sessions the rules allow go in: the
 * supervisor approved the consensus, the patient's consent covers research and stands, and the
 * institution lets its ratings be used for research (keep_ratings_for_research). The export's
 * own data key, made here and kept wrapped by the master key, seals each file in the database
 * and keys the re-keyed codes; the plaintext exists only in memory. */
#include "api/api_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/instrument.h"
#include "db/rows.h"
#include "export/export.h"
#include "util/xalloc.h"
#include "vault/masterkey.h"
#include "util/banned.h"

#define FILE_PURPOSE "export-file"
#define KEY_LABEL "export-pseudonyms"

static const struct {
	const char *name, *type;
} files[] = {
    {"data.csv", "text/csv; charset=utf-8"},
    {"codebook.csv", "text/csv; charset=utf-8"},
    {"data.sav", "application/x-spss-sav"},
    {"data.dta", "application/x-stata-dta"},
};

/* Every rating that may go into export id, oldest session first. The consensus is the latest
 * approved one of its session; raters' ratings come only with the level that asks for them. */
static json_t *gather(struct db *db, json_t *e)
{
	int raters = strcmp(json_string_value(json_object_get(e, "level")), "consensus") != 0;
	struct db_arg a[] = {ARG_INT(json_integer_value(json_object_get(e, "instrument_id"))),
	                     ARG_TEXT(json_string_value(json_object_get(e, "period_from"))),
	                     ARG_TEXT(json_string_value(json_object_get(e, "period_to"))),
	                     ARG_INT(raters)};

	return db_json_rows(
	    db,
	    "SELECT s.id AS submission_id, s.therapist_id, s.case_id, s.institution_id, "
	    "s.session_date, s.session_number, s.treatment_phase, s.modality, s.questions, "
	    "c.age_band, c.gender, r.id AS rating_id, r.kind, r.rater_id, r.scores, r.notes, "
	    "(SELECT f.summary FROM feedback f WHERE f.submission_id = s.id AND f.published_at IS "
	    "NOT NULL) AS feedback FROM ratings r JOIN submissions s ON s.id = r.submission_id "
	    "JOIN patient_cases c ON c.id = s.case_id JOIN consents k ON k.case_id = c.id JOIN "
	    "institutions i ON i.id = s.institution_id WHERE r.instrument_id = ?1 AND "
	    "s.session_date >= ?2 AND s.session_date <= ?3 AND s.state IN ('approved', "
	    "'feedback_published', 'closed') AND k.scope_research = 1 AND k.withdrawn_at IS NULL "
	    "AND i.keep_ratings_for_research = 1 AND EXISTS (SELECT 1 FROM ratings x WHERE "
	    "x.submission_id = s.id AND x.kind = 'consensus' AND x.state = 'approved') AND "
	    "((r.kind = 'consensus' AND r.state = 'approved' AND r.id = (SELECT max(x.id) FROM "
	    "ratings x WHERE x.submission_id = s.id AND x.kind = 'consensus' AND x.state = "
	    "'approved')) OR (?4 = 1 AND r.kind = 'rater' AND r.state = 'submitted')) ORDER BY "
	    "s.session_date, s.id, r.id",
	    a, NARGS(a), NULL);
}

static json_t *code_counts(struct db *db, long long rating)
{
	struct db_arg a[] = {ARG_INT(rating)};
	json_t *rows = db_json_rows(db,
	                            "SELECT code, count(*) AS n FROM interventions WHERE "
	                            "rating_id = ? AND NOT deleted GROUP BY code",
	                            a, 1, NULL),
	       *out = json_object(), *r;
	size_t i;

	json_array_foreach(rows, i, r) json_object_set(
	    out, json_string_value(json_object_get(r, "code")), json_object_get(r, "n"));
	json_decref(rows);
	return out;
}

static const char *text_of(json_t *row, const char *key)
{
	return json_string_value(json_object_get(row, key));
}

/* The input rows over the gathered database rows (which must outlive them). */
static struct export_input *inputs_of(struct db *db, json_t *rows, json_t *parsed)
{
	struct export_input *in = xcalloc(json_array_size(rows) + 1, sizeof(*in));
	json_t *r;
	size_t i;

	json_array_foreach(rows, i, r)
	{
		const char *date = text_of(r, "session_date");
		json_error_t jerr;
		json_t *scores = json_loads(text_of(r, "scores"), 0, &jerr);
		json_t *counts =
		    code_counts(db, json_integer_value(json_object_get(r, "rating_id")));
		if (!scores)
			scores = json_object();
		json_array_append_new(parsed, scores);
		json_array_append_new(parsed, counts);
		in[i].submission_id = json_integer_value(json_object_get(r, "submission_id"));
		in[i].therapist_id = json_integer_value(json_object_get(r, "therapist_id"));
		in[i].case_id = json_integer_value(json_object_get(r, "case_id"));
		in[i].institution_id = json_integer_value(json_object_get(r, "institution_id"));
		in[i].consensus = !strcmp(text_of(r, "kind"), "consensus");
		in[i].rater_id =
		    in[i].consensus ? 0 : json_integer_value(json_object_get(r, "rater_id"));
		if (date && strlen(date) == 10) {
			in[i].year = (int)strtol(date, NULL, 10);
			in[i].month = (int)strtol(date + 5, NULL, 10);
		}
		in[i].session_number =
		    (int)json_integer_value(json_object_get(r, "session_number"));
		in[i].phase = text_of(r, "treatment_phase");
		in[i].modality = text_of(r, "modality");
		in[i].age_band = text_of(r, "age_band");
		in[i].gender = text_of(r, "gender");
		in[i].scores = scores;
		in[i].code_counts = counts;
		in[i].notes = text_of(r, "notes");
		in[i].questions = text_of(r, "questions");
		in[i].feedback = text_of(r, "feedback");
	}
	return in;
}

static enum kv_err store_file(struct api_req *req, const struct vault_key *dk, long long id,
                              const char *name, const char *type, const struct kv_buf *plain)
{
	struct kv_buf sealed = KV_BUF_INIT(EXPORT_FILE_MAX + 64);
	uint8_t hash[crypto_hash_sha256_BYTES];
	char hex[2 * crypto_hash_sha256_BYTES + 1], aad[96];
	struct db_stmt *st = NULL;
	enum kv_err rc = KV_EINTERNAL;

	snprintf(aad, sizeof(aad), "export:%lld:%s", id, name);
	crypto_hash_sha256(hash, (const unsigned char *)plain->data, plain->len);
	sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
	if (vault_seal(dk, FILE_PURPOSE, aad, plain->data, plain->len, &sealed))
		goto out;
	st = db_prepare(req->db, "INSERT INTO export_files (export_id, name, content_type, size, "
	                         "sha256, sealed) VALUES (?, ?, ?, ?, ?, ?)");
	if (!st)
		goto out;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, name);
	db_bind_text(st, 3, type);
	db_bind_int(st, 4, (long long)plain->len);
	db_bind_text(st, 5, hex);
	db_bind_blob(st, 6, sealed.data, sealed.len);
	rc = db_step(st) == DB_DONE ? KV_OK : db_stmt_err(st);
out:
	db_finalize(st);
	kv_buf_release(&sealed);
	return rc;
}

static char *note_of(json_t *e, const struct export_catalogue *cat, long long now)
{
	struct kv_buf b = KV_BUF_INIT(4096);
	char today[11];

	api_today(now, today);
	kv_buf_addf(&b,
	            "kvalab research export %lld\n"
	            "Instrument: %s %s\n"
	            "Sessions from %s to %s\n"
	            "Rows: %s\n"
	            "Made %s; codes are valid in this export only",
	            (long long)json_integer_value(json_object_get(e, "id")), cat->instrument_code,
	            cat->instrument_version, json_string_value(json_object_get(e, "period_from")),
	            json_string_value(json_object_get(e, "period_to")),
	            json_string_value(json_object_get(e, "level")), today);
	return kv_buf_detach(&b, NULL);
}

enum kv_err api_export_produce(struct api_req *req, long long id, char *err, size_t errlen)
{
	struct db_arg a[] = {ARG_INT(id)};
	json_t *e = NULL, *rows = NULL, *parsed = json_array(), *chosen = NULL;
	struct instrument *in = NULL;
	struct export_catalogue *cat = NULL;
	struct export_dataset *ds = NULL;
	struct export_input *inputs = NULL;
	struct export_options opts;
	struct vault_key *dk = NULL;
	struct kv_buf out = KV_BUF_INIT(EXPORT_FILE_MAX), wrapped = KV_BUF_INIT(256);
	uint8_t dek[VAULT_KEY_LEN];
	char aad[64];
	enum kv_err rc = KV_EINTERNAL;
	json_error_t jerr;
	size_t i;

	memset(&opts, 0, sizeof(opts));
	randombytes_buf(dek, sizeof(dek));
	e = db_json_row(req->db,
	                "SELECT id, instrument_id, period_from, period_to, variables, level, "
	                "language, free_text_allowed FROM export_requests WHERE id = ?",
	                a, 1, NULL, &rc);
	if (!e)
		goto out;
	rc = KV_EINTERNAL;
	in = api_instrument_load(req->db, json_integer_value(json_object_get(e, "instrument_id")));
	if (!in) {
		snprintf(err, errlen, "the instrument's definition is not on file");
		goto out;
	}
	cat = export_catalogue_new(in, json_string_value(json_object_get(e, "language")));
	chosen = json_loads(json_string_value(json_object_get(e, "variables")), 0, &jerr);
	rows = gather(req->db, e);
	if (!rows || !chosen)
		goto out;
	inputs = inputs_of(req->db, rows, parsed);
	dk = vault_key_from_bytes(dek);
	if (!dk)
		goto out;
	vault_key_derive(dk, KEY_LABEL, opts.key);
	opts.level =
	    (enum export_level)export_level_parse(json_string_value(json_object_get(e, "level")));
	opts.free_text = (int)json_integer_value(json_object_get(e, "free_text_allowed"));
	/* Free text asked for but not allowed: the export goes out without it. */
	for (i = json_array_size(chosen); !opts.free_text && i-- > 0;) {
		const struct export_var *v =
		    export_catalogue_find(cat, json_string_value(json_array_get(chosen, i)));
		if (v && v->free_text)
			json_array_remove(chosen, i);
	}
	if (json_array_size(chosen) == 0) {
		snprintf(err, errlen,
		         "every variable asked for is free text, which was not allowed");
		goto out;
	}
	ds = export_dataset_build(cat, in, chosen, inputs, json_array_size(rows), &opts, err,
	                          errlen);
	sodium_memzero(opts.key, sizeof(opts.key));
	if (!ds)
		goto out;
	ds->note = note_of(e, cat, req->now);
	rc = KV_OK;
	for (i = 0; !rc && i < sizeof(files) / sizeof(files[0]); i++) {
		int bad;
		kv_buf_clear(&out);
		bad = i == 0   ? export_write_csv(ds, &out)
		      : i == 1 ? export_write_codebook(ds, &out)
		      : i == 2 ? export_write_sav(ds, &out, err, errlen)
		               : export_write_dta(ds, &out, err, errlen);
		if (bad) {
			if (!err[0])
				snprintf(err, errlen, "%s could not be written (too big?)",
				         files[i].name);
			rc = KV_EINTERNAL;
			break;
		}
		rc = store_file(req, dk, id, files[i].name, files[i].type, &out);
		if (out.data)
			sodium_memzero(out.data, out.len);
	}
	/* Which sessions went out, for the access log and for withdrawn consent later. */
	for (i = 0; !rc && i < json_array_size(rows); i++) {
		if (inputs[i].consensus ? opts.level == EXPORT_LEVEL_RATER
		                        : opts.level == EXPORT_LEVEL_CONSENSUS)
			continue;
		struct db_arg s[] = {ARG_INT(id), ARG_INT(inputs[i].submission_id)};
		rc = db_run(
		    req->db,
		    "INSERT INTO export_sessions (export_id, submission_id) VALUES (?, ?) ON "
		    "CONFLICT DO NOTHING",
		    s, NARGS(s), NULL);
	}
	snprintf(aad, sizeof(aad), "export:%lld", id);
	if (!rc && vault_seal(req->ctx->key, "dek", aad, dek, sizeof(dek), &wrapped))
		rc = KV_EINTERNAL;
	if (!rc) {
		struct db_stmt *st = db_prepare(
		    req->db,
		    "UPDATE export_requests SET state = 'ready', wrapped_key = ?, row_count = "
		    "?, session_count = ?, produced_at = ?, updated_at = ? WHERE id = ?");
		rc = KV_EINTERNAL;
		if (st) {
			db_bind_blob(st, 1, wrapped.data, wrapped.len);
			db_bind_int(st, 2, (long long)ds->n_rows);
			db_bind_int(st, 3, (long long)ds->n_sessions);
			db_bind_int(st, 4, req->now);
			db_bind_int(st, 5, req->now);
			db_bind_int(st, 6, id);
			rc = db_step(st) == DB_DONE ? KV_OK : db_stmt_err(st);
			db_finalize(st);
		}
	}
out:
	sodium_memzero(dek, sizeof(dek));
	vault_key_free(dk);
	kv_buf_release(&out);
	kv_buf_release(&wrapped);
	export_dataset_free(ds);
	free(inputs);
	export_catalogue_free(cat);
	instrument_free(in);
	json_decref(chosen);
	json_decref(parsed);
	json_decref(rows);
	json_decref(e);
	return rc;
}

enum kv_err api_export_shred(struct api_req *req, long long id)
{
	struct db_arg a[] = {ARG_INT(id)};
	enum kv_err rc;

	rc = db_run(req->db, "UPDATE export_requests SET wrapped_key = NULL WHERE id = ?", a, 1,
	            NULL);
	if (!rc)
		rc = db_run(req->db, "DELETE FROM export_files WHERE export_id = ?", a, 1, NULL);
	return rc;
}

enum kv_err api_export_send(struct api_req *req, struct api_resp *resp, long long id,
                            const char *name)
{
	struct kv_buf dek = KV_BUF_INIT(64), plain = KV_BUF_INIT(EXPORT_FILE_MAX);
	struct vault_key *dk = NULL;
	struct db_stmt *st;
	char aad[96], type[48] = "", disposition[128];
	enum kv_err rc = KV_EINTERNAL;

	snprintf(aad, sizeof(aad), "export:%lld", id);
	st = db_prepare(req->db, "SELECT wrapped_key FROM export_requests WHERE id = ? AND "
	                         "wrapped_key IS NOT NULL");
	if (st) {
		size_t len = 0;
		const void *blob;
		db_bind_int(st, 1, id);
		if (db_step(st) == DB_ROW && (blob = db_col_blob(st, 0, &len)) &&
		    !vault_unseal(req->ctx->key, "dek", aad, blob, len, &dek) &&
		    dek.len == VAULT_KEY_LEN)
			dk = vault_key_from_bytes((const uint8_t *)dek.data);
		db_finalize(st);
	}
	snprintf(aad, sizeof(aad), "export:%lld:%s", id, name);
	st = dk ? db_prepare(req->db, "SELECT content_type, sealed FROM export_files WHERE "
	                              "export_id = ? AND name = ?")
	        : NULL;
	if (st) {
		size_t len = 0;
		const void *blob;
		db_bind_int(st, 1, id);
		db_bind_text(st, 2, name);
		if (db_step(st) == DB_ROW && (blob = db_col_blob(st, 1, &len)) &&
		    !vault_unseal(dk, FILE_PURPOSE, aad, blob, len, &plain)) {
			snprintf(type, sizeof(type), "%s", db_col_text(st, 0));
			rc = KV_OK;
		}
		db_finalize(st);
	}
	if (dek.data)
		sodium_memzero(dek.data, dek.len);
	kv_buf_release(&dek);
	vault_key_free(dk);
	if (rc) {
		kv_buf_release(&plain);
		api_audit(req, "export.download", "export", id, "failure", name);
		return api_error(resp, KV_EINTERNAL, NULL, "the file could not be decrypted");
	}
	if ((rc = api_audit(req, "export.download", "export", id, "success", name)) != KV_OK) {
		kv_buf_release(&plain);
		return api_error(resp, rc, NULL, "the download could not be logged; try again");
	}
	snprintf(disposition, sizeof(disposition), "attachment; filename=\"kvalab-export-%lld-%s\"",
	         id, name);
	api_file(resp, &plain, type);
	api_header(resp, "Content-Disposition", disposition);
	return KV_OK;
}
