/* Password policy and argon2id hashing through libsodium. */
#include "core/password.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "util/banned.h"

/* Common passwords long enough to pass the length rule, in the languages of our users. */
static const char *const common_passwords[] = {
    "password1234", "password12345",    "password123!",  "passw0rd1234",   "p@ssw0rd1234",
    "p@ssword1234", "passwordpassword", "mypassword123", "123456789012",   "1234567890123",
    "123123123123", "121212121212",     "000000000000",  "111111111111",   "999999999999",
    "987654321098", "qwertyuiopas",     "qwerty123456",  "qwerty12345678", "qwertyuiop123",
    "1q2w3e4r5t6y", "q1w2e3r4t5y6",     "1qaz2wsx3edc",  "zaq12wsxcde3",   "qazwsxedcrfv",
    "asdfghjklzxc", "1234qwerasdf",     "abcdefghijkl",  "abcd12345678",   "abc123456789",
    "iloveyou1234", "iloveyouiloveyou", "letmein12345",  "letmeinletmein", "welcome12345",
    "welcome@1234", "changeme1234",     "administrator", "admin1234567",   "adminadmin12",
    "rootroot1234", "test12345678",     "testtesttest",  "secretsecret",   "masterkey123",
    "computer1234", "internet1234",     "starwars1234",  "whatever1234",   "trustno1trustno1",
    "football1234", "baseball1234",     "superman1234",  "monkey123456",   "dragon123456",
    "sunshine1234", "princess1234",     "passord12345",  "passordpassord", "hemmelig1234",
    "sommerfugl12", "vinter123456",     "sommer123456",  "hosten123456",   "varen1234567",
    "norge1234567", "oslo12345678",     "bergen123456",  "fotball12345",   "jegelskerdeg",
    "kodeord12345", "kodeordkodeord",   "danmark12345",  "kobenhavn123",   "fodbold12345",
    "elskerdeg123", "hejhej123456",     "hallo1234567",  "kvalab123456",   "kvalabkvalab",
};

static int all_same_char(const char *pw)
{
	const char *p;

	for (p = pw + 1; *p; p++)
		if (*p != *pw)
			return 0;
	return 1;
}

/* True for a run like 123456789012 or abcdefghijkl (each character one above the last). */
static int is_sequence(const char *pw)
{
	size_t i, n = strlen(pw);

	for (i = 1; i < n; i++)
		if ((unsigned char)pw[i] != (unsigned char)pw[i - 1] + 1)
			return 0;
	return 1;
}

static int contains_email_name(const char *pw, const char *email)
{
	char local[128];
	const char *at;
	size_t n;

	if (!email || !(at = strchr(email, '@')))
		return 0;
	n = (size_t)(at - email);
	if (n < 4 || n >= sizeof(local))
		return 0;
	memcpy(local, email, n);
	local[n] = '\0';
	return strcasestr(pw, local) != NULL && strlen(pw) < n + 8;
}

enum kv_err password_check_policy(const char *pw, const char *email, const char **why)
{
	size_t i, len = strlen(pw), chars = 0;

	/* Count characters, not bytes, so æøå count once. */
	for (i = 0; i < len; i++)
		if (((unsigned char)pw[i] & 0xc0) != 0x80)
			chars++;
	if (chars < PASSWORD_MIN_LEN) {
		*why = "must be at least 12 characters";
		return KV_EINVAL;
	}
	if (len > PASSWORD_MAX_LEN) {
		*why = "must be at most 256 bytes";
		return KV_EINVAL;
	}
	for (i = 0; i < sizeof(common_passwords) / sizeof(common_passwords[0]); i++) {
		if (!strcasecmp(pw, common_passwords[i])) {
			*why = "is one of the most common passwords; choose another";
			return KV_ERULE;
		}
	}
	if (all_same_char(pw) || is_sequence(pw)) {
		*why = "is too easy to guess (a repeated character or a simple sequence)";
		return KV_ERULE;
	}
	if (contains_email_name(pw, email)) {
		*why = "is too close to your e-mail address";
		return KV_ERULE;
	}
	*why = NULL;
	return KV_OK;
}

int password_hash(const char *pw, char out[PASSWORD_HASH_LEN])
{
	if (sodium_init() < 0)
		return -1;
	/* Interactive limits (64 MiB, 2 passes): a login stays well under a second on a small
	 * server while offline guessing stays expensive. */
	return crypto_pwhash_str_alg(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                             crypto_pwhash_MEMLIMIT_INTERACTIVE,
	                             crypto_pwhash_ALG_ARGON2ID13);
}

int password_verify(const char *stored, const char *pw)
{
	if (!stored || !pw)
		return 0;
	return crypto_pwhash_str_verify(stored, pw, strlen(pw)) == 0;
}

void password_generate(char out[32])
{
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789"; /* no l, i, o, 0, 1 */
	size_t i, o = 0;

	if (sodium_init() < 0)
		return;
	for (i = 0; i < 16; i++) {
		if (i && i % 4 == 0)
			out[o++] = '-';
		out[o++] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	}
	out[o] = '\0';
}

static char dummy_hash[PASSWORD_HASH_LEN];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
	char pw[32];

	password_generate(pw);
	if (password_hash(pw, dummy_hash))
		dummy_hash[0] = '\0';
}

const char *password_dummy_hash(void)
{
	pthread_once(&dummy_once, make_dummy);
	return dummy_hash;
}
