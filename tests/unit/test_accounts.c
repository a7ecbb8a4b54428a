/* Unit tests for validators, the password policy and hashing, TOTP, tokens and roles. */
#include "unit.h"

#include <stdlib.h>

#include "core/password.h"
#include "core/role.h"
#include "core/token.h"
#include "core/totp.h"
#include "core/user.h"
#include "core/validate.h"

TEST(test_validate_email_accepts_addresses_and_names_the_problem)
{
	CHECK(validate_email("kari.nordmann@ous-hf.no") == NULL);
	CHECK(validate_email("a+tag@sub.example.org") == NULL);
	CHECK_STR(validate_email(""), "is required");
	CHECK(validate_email("no-at-sign") != NULL);
	CHECK(validate_email("two@@example.org") != NULL);
	CHECK(validate_email("space in@example.org") != NULL);
	CHECK(validate_email("user@localhost") != NULL);
	CHECK(validate_email("user@example.") != NULL);
	CHECK(validate_email("<script>@x.no") != NULL);
}

TEST(test_validate_text_refuses_control_characters_and_bad_utf8)
{
	CHECK(validate_text("Kirsten Ærø", 100, 0) == NULL);
	CHECK(validate_text("line\nbreak", 100, 1) == NULL);
	CHECK_STR(validate_text("line\nbreak", 100, 0), "contains control characters");
	CHECK_STR(validate_text("bell\a", 100, 1), "contains control characters");
	CHECK_STR(validate_text("\xc3\x28", 100, 0), "is not valid UTF-8");
	CHECK_STR(validate_text("\xc0\xaf", 100, 0), "is not valid UTF-8");
	CHECK_STR(validate_text("abcdef", 5, 0), "is too long");
}

TEST(test_email_normalise_lowercases)
{
	char e[] = "Kari.Nordmann@OUS-HF.no";

	email_normalise(e);
	CHECK_STR(e, "kari.nordmann@ous-hf.no");
}

TEST(test_password_policy_length_common_and_guessable)
{
	const char *why;

	CHECK_INT(password_check_policy("short-pw", "a@b.no", &why), KV_EINVAL);
	CHECK_STR(why, "must be at least 12 characters");
	/* Twelve characters counted as characters, not bytes. */
	CHECK_INT(password_check_policy("æøåæøåæøåæø", "a@b.no", &why), KV_EINVAL);
	CHECK_INT(password_check_policy("æøåæøåæøåæøå", "a@b.no", &why), KV_OK);
	CHECK_INT(password_check_policy("Password1234", "a@b.no", &why), KV_ERULE);
	CHECK_INT(password_check_policy("passord12345", "a@b.no", &why), KV_ERULE);
	CHECK_INT(password_check_policy("aaaaaaaaaaaaaa", "a@b.no", &why), KV_ERULE);
	CHECK_INT(password_check_policy("123456789012", "a@b.no", &why), KV_ERULE);
	CHECK_INT(password_check_policy("kari.nordmann1", "kari.nordmann@x.no", &why), KV_ERULE);
	CHECK_INT(password_check_policy("correct horse battery", "kari@x.no", &why), KV_OK);
	CHECK(why == NULL);
}

TEST(test_password_hash_is_argon2id_and_verifies)
{
	char hash[PASSWORD_HASH_LEN];

	CHECK(password_hash("correct horse battery", hash) == 0);
	CHECK(strncmp(hash, "$argon2id$", 10) == 0);
	CHECK(password_verify(hash, "correct horse battery") == 1);
	CHECK(password_verify(hash, "correct horse batterY") == 0);
	CHECK(password_verify(hash, "") == 0);
	CHECK(password_verify("garbage", "correct horse battery") == 0);
}

TEST(test_one_time_passwords_are_long_random_and_pass_policy)
{
	char a[32], b[32];
	const char *why;

	password_generate(a);
	password_generate(b);
	CHECK_INT(strlen(a), 19);
	CHECK(strcmp(a, b) != 0);
	CHECK_INT(password_check_policy(a, "x@y.no", &why), KV_OK);
}

TEST(test_totp_matches_rfc6238_vector_and_refuses_replay)
{
	/* RFC 6238 appendix B, SHA-1 seed "12345678901234567890": at T=59 the 8-digit code is
	 * 94287082, so the 6-digit code is 287082. */
	const uint8_t seed[] = "12345678901234567890";
	long long step = 0;

	CHECK(totp_verify(seed, 20, "287082", 59, 0, &step) == 1);
	CHECK_INT(step, 1);
	CHECK(totp_verify(seed, 20, "287082", 59, step, &step) == 0);
	CHECK(totp_verify(seed, 20, "287083", 59, 0, &step) == 0);
	/* T=1111111109 gives 07081804: the code with a leading zero. */
	CHECK(totp_verify(seed, 20, "081804", 1111111109, 0, &step) == 1);
	CHECK(totp_verify(seed, 20, "81804", 1111111109, 0, &step) == 0);
	CHECK(totp_verify(seed, 20, "08180a", 1111111109, 0, &step) == 0);
}

TEST(test_totp_allows_one_step_of_drift_only)
{
	const uint8_t seed[] = "12345678901234567890";
	long long step;

	CHECK(totp_verify(seed, 20, "287082", 59 + 30, 0, &step) == 1);
	CHECK(totp_verify(seed, 20, "287082", 59 + 60, 0, &step) == 0);
}

TEST(test_totp_secret_base32_uri_and_qr)
{
	uint8_t raw[TOTP_SECRET_LEN] = "12345678901234567890";
	char b32[TOTP_BASE32_LEN];
	char *uri, *svg;

	CHECK(totp_secret_base32(raw, b32) == 0);
	CHECK_STR(b32, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
	uri = totp_uri("kvalab", "a+b@x.no", b32);
	CHECK_STR(uri, "otpauth://totp/kvalab:a%2Bb@x.no?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	               "&issuer=kvalab&algorithm=SHA1&digits=6&period=30");
	svg = totp_qr_svg(uri);
	CHECK(svg && strncmp(svg, "<svg ", 5) == 0 && strstr(svg, "</svg>"));
	free(uri);
	free(svg);
}

TEST(test_tokens_are_random_and_stored_as_sha256)
{
	char a[TOKEN_TEXT_MAX], b[TOKEN_TEXT_MAX], hex[65];
	uint8_t h[TOKEN_HASH_LEN];

	token_generate("kv_", a);
	token_generate("kv_", b);
	CHECK_INT(strlen(a), 46);
	CHECK(strncmp(a, "kv_", 3) == 0);
	CHECK(strcmp(a, b) != 0);
	token_hash("abc", h);
	token_hex(h, sizeof(h), hex);
	CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	CHECK(token_equal("same", "same") == 1);
	CHECK(token_equal("same", "sama") == 0);
	CHECK(token_equal("same", "same!") == 0);
}

TEST(test_roles_parse_and_second_factor_rule)
{
	CHECK_INT(role_parse("lab_admin"), ROLE_LAB_ADMIN);
	CHECK_INT(role_parse("institution_admin"), ROLE_INSTITUTION_ADMIN);
	CHECK_INT(role_parse("admin"), -1);
	CHECK_INT(role_parse(NULL), -1);
	CHECK(role_requires_totp(ROLE_RATER) && role_requires_totp(ROLE_SUPERVISOR));
	CHECK(!role_requires_totp(ROLE_THERAPIST) && !role_requires_totp(ROLE_RESEARCHER));
}

TEST(test_pending_step_password_first_then_totp)
{
	struct kv_user u;

	memset(&u, 0, sizeof(u));
	u.role = ROLE_RATER;
	u.must_change_password = 1;
	CHECK_STR(user_pending_step(&u), "password_change_required");
	u.must_change_password = 0;
	CHECK_STR(user_pending_step(&u), "totp_enrolment_required");
	u.totp_enabled = 1;
	CHECK(user_pending_step(&u) == NULL);
	u.role = ROLE_THERAPIST;
	u.totp_enabled = 0;
	CHECK(user_pending_step(&u) == NULL);
}
