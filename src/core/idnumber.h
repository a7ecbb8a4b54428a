/* Detects national identity numbers in free text: Norwegian fødselsnummer (including D- and
 * H-numbers) and Danish CPR numbers. kvalab holds no patient identities, so every free-text
 * field refuses text that contains one. */
#ifndef KV_IDNUMBER_H
#define KV_IDNUMBER_H

#include <stddef.h>

enum idnumber_kind {
	IDNUMBER_NONE,
	IDNUMBER_NO_FNR, /* 11 digits, valid date (D/H-number offsets allowed), both mod-11 digits */
	IDNUMBER_DK_CPR, /* DDMMYY-NNNN (or without the hyphen, or with a space), valid date */
	IDNUMBER__MAX
};

/* 1 when the 11 digits are a valid fødselsnummer (or D-/H-number). */
int idnumber_is_fnr(const char digits[11]);
/* 1 when the 6 date digits and 4 serial digits form a CPR number with a valid date. */
int idnumber_is_cpr(const char date[6], const char serial[4]);
/* Scans text (UTF-8, len bytes) for a number that stands alone (not inside a longer run of
 * digits). Returns the first kind found, or IDNUMBER_NONE. */
enum idnumber_kind idnumber_find(const char *text, size_t len);
/* The message a field error gives for a kind. */
const char *idnumber_message(enum idnumber_kind k);

#endif
