/* TOTP through liboath, plus enrolment URIs and QR codes drawn as SVG with libqrencode. */
#include "core/totp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <liboath/oath.h>
#include <qrencode.h>
#include <sodium.h>

#include "util/buf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define TOTP_STEP 30
#define TOTP_WINDOW 1

void totp_secret_new(uint8_t raw[TOTP_SECRET_LEN])
{
	if (sodium_init() >= 0)
		randombytes_buf(raw, TOTP_SECRET_LEN);
}

int totp_secret_base32(const uint8_t raw[TOTP_SECRET_LEN], char out[TOTP_BASE32_LEN])
{
	char *enc = NULL;
	size_t len = 0;
	int rc = -1;

	if (oath_init() != OATH_OK)
		return -1;
	if (oath_base32_encode((const char *)raw, TOTP_SECRET_LEN, &enc, &len) == OATH_OK &&
	    len < TOTP_BASE32_LEN) {
		memcpy(out, enc, len);
		out[len] = '\0';
		rc = 0;
	}
	if (enc) {
		sodium_memzero(enc, len);
		free(enc);
	}
	return rc;
}

int totp_verify(const uint8_t *raw, size_t len, const char *code, time_t now, long long last_step,
                long long *step)
{
	int pos = 0, rc;
	long long used;
	size_t i;

	if (!code || strlen(code) != 6)
		return 0;
	for (i = 0; i < 6; i++)
		if (code[i] < '0' || code[i] > '9')
			return 0;
	if (oath_init() != OATH_OK)
		return 0;
	rc =
	    oath_totp_validate2((const char *)raw, len, now, TOTP_STEP, 0, TOTP_WINDOW, &pos, code);
	if (rc < 0)
		return 0;
	used = (long long)(now / TOTP_STEP) + pos;
	if (used <= last_step)
		return 0;
	*step = used;
	return 1;
}

static void add_escaped(struct kv_buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("-._~@", c))
			kv_buf_addch(b, (char)c);
		else
			kv_buf_addf(b, "%%%02X", c);
	}
}

char *totp_uri(const char *issuer, const char *account, const char *base32)
{
	struct kv_buf b = KV_BUF_INIT(4096);

	kv_buf_adds(&b, "otpauth://totp/");
	add_escaped(&b, issuer);
	kv_buf_addch(&b, ':');
	add_escaped(&b, account);
	kv_buf_addf(&b, "?secret=%s&issuer=", base32);
	add_escaped(&b, issuer);
	kv_buf_adds(&b, "&algorithm=SHA1&digits=6&period=30");
	return kv_buf_detach(&b, NULL);
}

char *totp_qr_svg(const char *text)
{
	struct kv_buf b = KV_BUF_INIT(1 << 20);
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	const int quiet = 4;
	int x, y, size;

	if (!qr)
		return NULL;
	size = qr->width + 2 * quiet;
	kv_buf_addf(&b,
	            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
	            "shape-rendering=\"crispEdges\"><rect width=\"%d\" height=\"%d\" "
	            "fill=\"#fff\"/><path fill=\"#000\" d=\"",
	            size, size, size, size);
	for (y = 0; y < qr->width; y++)
		for (x = 0; x < qr->width; x++)
			if (qr->data[y * qr->width + x] & 1)
				kv_buf_addf(&b, "M%d %dh1v1h-1z", x + quiet, y + quiet);
	kv_buf_adds(&b, "\"/></svg>");
	QRcode_free(qr);
	return kv_buf_detach(&b, NULL);
}
