/* Pseudonymous codes for patient cases: random, short enough to read aloud, no names. */
#ifndef KV_PSEUDONYM_H
#define KV_PSEUDONYM_H

#define CASE_CODE_LEN 10 /* "P-7K3Q-9D" and NUL */

/* Writes a new random code like "P-7K3Q-9D" (31^6, about 890 million possibilities; the
 * database keeps them unique per institution). Letters that look alike are left out. */
void pseudonym_case_code(char out[CASE_CODE_LEN]);
/* 1 when s has the shape of a case code. */
int pseudonym_is_case_code(const char *s);

#endif
