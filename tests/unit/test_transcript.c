/* Tests for the WebVTT and SRT parser: every rule it applies and every refusal with its line. */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/transcript.h"
#include "util/buf.h"
#include "util/banned.h"

static int parse(const char *s, struct transcript *t)
{
	return transcript_parse(s, strlen(s), TRANSCRIPT_ANY, TRANSCRIPT_REFUSE_IDNUMBERS, t);
}

/* Parses s, which must be refused, and returns the message (static; valid until the next call). */
static const char *refusal(const char *s, enum transcript_format hint, enum transcript_err *kind)
{
	static char msg[256];
	struct transcript t;
	int rc = transcript_parse(s, strlen(s), hint, TRANSCRIPT_REFUSE_IDNUMBERS, &t);

	snprintf(msg, sizeof(msg), "%s", rc ? t.err_msg : "(accepted)");
	if (kind)
		*kind = t.err;
	transcript_release(&t);
	return msg;
}

static const char *refused(const char *s)
{
	return refusal(s, TRANSCRIPT_ANY, NULL);
}

TEST(test_transcript_vtt_reads_cues_identifiers_and_multiline_text)
{
	static const char in[] = "WEBVTT\n"
	                         "\n"
	                         "intro\n"
	                         "00:00:01.000 --> 00:00:04.500\n"
	                         "Hvordan har uka vært?\n"
	                         "\n"
	                         "00:00:05.250 --> 00:01:02.003\n"
	                         "Tung. Jeg sov dårlig,\n"
	                         "og så kom det brevet.\n";
	struct transcript t;

	CHECK_INT(parse(in, &t), 0);
	CHECK_INT(t.format, TRANSCRIPT_VTT);
	CHECK_INT(t.n_cues, 2);
	CHECK_INT(t.cues[0].start_ms, 1000);
	CHECK_INT(t.cues[0].end_ms, 4500);
	CHECK_STR(t.cues[0].text, "Hvordan har uka vært?");
	CHECK_STR(t.cues[0].speaker, "");
	CHECK_INT(t.cues[0].line, 4);
	CHECK_INT(t.cues[1].start_ms, 5250);
	CHECK_INT(t.cues[1].end_ms, 62003);
	CHECK_STR(t.cues[1].text, "Tung. Jeg sov dårlig,\nog så kom det brevet.");
	CHECK_INT(t.cues[1].line, 7);
	transcript_release(&t);
}

TEST(test_transcript_vtt_accepts_bom_crlf_and_bare_cr)
{
	static const char in[] =
	    "\xEF\xBB\xBFWEBVTT\r\n\r\n00:01.000 --> 00:02.000\r\nA\r\nB\r\n\r\n"
	    "00:03.000 --> 00:04.000\rC\r\r00:05.000 --> 00:06.000\nD";
	struct transcript t;

	CHECK_INT(parse(in, &t), 0);
	CHECK_INT(t.n_cues, 3);
	CHECK_STR(t.cues[0].text, "A\nB");
	CHECK_STR(t.cues[1].text, "C");
	CHECK_INT(t.cues[1].line, 7);
	CHECK_STR(t.cues[2].text, "D");
	CHECK_INT(t.cues[2].line, 10);
	transcript_release(&t);
}

TEST(test_transcript_vtt_timings_short_long_and_with_settings)
{
	static const char in[] = "WEBVTT - Økt 7\n"
	                         "Kind: captions\n"
	                         "\n"
	                         "00:59.999 --> 01:00.000 align:start position:10%\n"
	                         "a\n"
	                         "\n"
	                         "100:00:00.000 --> 100:00:01.000\tline:0\n"
	                         "b\n";
	struct transcript t;

	CHECK_INT(parse(in, &t), 0);
	CHECK_INT(t.n_cues, 2);
	CHECK_INT(t.cues[0].start_ms, 59999);
	CHECK_INT(t.cues[0].end_ms, 60000);
	CHECK_INT(t.cues[1].start_ms, 100LL * 3600 * 1000);
	transcript_release(&t);
}

TEST(test_transcript_vtt_skips_note_style_and_region_blocks)
{
	static const char in[] = "WEBVTT\n\n"
	                         "STYLE\n::cue { color: red }\n\n"
	                         "REGION\nid:left width:40%\n\n"
	                         "NOTE made by hand\n00:00:09.000 --> 00:00:10.000 is not a cue\n\n"
	                         "NOTE\nmore\n\n"
	                         "00:00:01.000 --> 00:00:02.000\nhei\n\n"
	                         "NOTE between cues\n\n"
	                         "00:00:03.000 --> 00:00:04.000\nNOTES are text here\n";
	struct transcript t;

	CHECK_INT(parse(in, &t), 0);
	CHECK_INT(t.n_cues, 2);
	CHECK_STR(t.cues[0].text, "hei");
	CHECK_STR(t.cues[1].text, "NOTES are text here");
	transcript_release(&t);
}

TEST(test_transcript_vtt_voice_gives_speaker_and_other_tags_go)
{
	static const char in[] = "WEBVTT\n\n"
	                         "00:00:01.000 --> 00:00:02.000\n"
	                         "<v Terapeut>Hva <i>tenkte</i> du <c.loud>da</c>?</v>\n\n"
	                         "00:00:02.000 --> 00:00:05.000\n"
	                         "<v.first.loud Pasient A>Jeg vet <00:00:03.000>ikke.\n"
	                         "<v Pasient A>Kanskje.\n"
	                         "<v Terapeut>Ja?\n\n"
	                         "00:00:06.000 --> 00:00:07.000\n"
	                         "<b><u></u></b><lang nb><ruby>ord<rt>ord</rt></ruby></lang>\n";
	struct transcript t;

	CHECK_INT(parse(in, &t), 0);
	CHECK_INT(t.n_cues, 3);
	CHECK_STR(t.cues[0].speaker, "Terapeut");
	CHECK_STR(t.cues[0].text, "Hva tenkte du da?");
	CHECK_STR(t.cues[1].speaker, "Pasient A");
	CHECK_STR(t.cues[1].text, "Jeg vet ikke.\nKanskje.\nTerapeut: Ja?");
	CHECK_STR(t.cues[2].speaker, "");
	CHECK_STR(t.cues[2].text, "ordord");
	transcript_release(&t);
}

TEST(test_transcript_vtt_decodes_entities_and_keeps_a_lone_ampersand)
{
	static const char in[] = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n"
	                         "&lt;tom&gt; &amp; &quot;x&quot;&nbsp;&apos;y&apos; &#229;&#xE6;\n"
	                         "R&D &foo; &amp &#; &lrm;\n\n"
	                         "00:00:02.000 --> 00:00:03.000\n<v Anne &amp; Bo>ja\n";
	struct transcript t;

	CHECK_INT(parse(in, &t), 0);
	CHECK_STR(t.cues[0].text, "<tom> & \"x\"\xC2\xA0'y' åæ\nR&D &foo; &amp &#; \xE2\x80\x8E");
	CHECK_STR(t.cues[1].speaker, "Anne & Bo");
	transcript_release(&t);
}

TEST(test_transcript_refuses_a_reference_to_a_control_character)
{
	CHECK_STR(refused("WEBVTT\n\n00:01.000 --> 00:02.000\nx&#7;y\n"),
	          "line 4: \"&#7;\" is not a character a transcript may hold");
	CHECK_STR(refused("WEBVTT\n\n00:01.000 --> 00:02.000\n&#xD800;\n"),
	          "line 4: \"&#xD800;\" is not a character a transcript may hold");
}

TEST(test_transcript_vtt_must_start_with_webvtt)
{
	CHECK_STR(refused("00:00:01.000 --> 00:00:02.000\nhei\n"),
	          "line 1: not a WebVTT file (must start with WEBVTT)");
	CHECK_STR(refusal("Hello\n", TRANSCRIPT_VTT, NULL),
	          "line 1: not a WebVTT file (must start with WEBVTT)");
	CHECK_STR(refused("\nWEBVTT\n\n00:01.000 --> 00:02.000\nx\n"),
	          "line 1: neither WebVTT (must start with WEBVTT) nor SRT (must start with a "
	          "cue number)");
	CHECK_STR(refused("WEBVTTX\n\n00:01.000 --> 00:02.000\nx\n"),
	          "line 1: the first line must be WEBVTT, alone or followed by a space and a "
	          "title");
	CHECK_STR(refusal("\n\nhei\n", TRANSCRIPT_SRT, NULL),
	          "line 3: not an SRT file (must start with a cue number)");
}

TEST(test_transcript_refuses_an_end_before_or_at_the_start)
{
	CHECK_STR(refused("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\na\n\n"
	                  "00:00:02.000 --> 00:00:02.500\nb\n\n"
	                  "00:00:02.500 --> 00:00:04.000\nc\n\n"
	                  "00:00:05.000 --> 00:00:06.000\nd\n\n"
	                  "00:00:05.000 --> 00:00:03.000\ne\n"),
	          "line 15: end time 00:00:03.000 is before start 00:00:05.000");
	CHECK_STR(refused("1\n00:00:05,000 --> 00:00:05,000\ne\n"),
	          "line 2: end time 00:00:05,000 is the same as the start; a cue must last");
}

TEST(test_transcript_refuses_cues_out_of_order_but_takes_overlaps)
{
	struct transcript t;

	CHECK_STR(refused("WEBVTT\n\n00:01:05.000 --> 00:01:09.000\na\n\n"
	                  "00:01:02.000 --> 00:01:03.000\nb\n"),
	          "line 6: the cue starts at 00:01:02.000, before the cue on line 3 "
	          "(00:01:05.000); cues must be in time order");
	/* Two people talking at once: the cues overlap, their starts are in order. */
	CHECK_INT(parse("WEBVTT\n\n00:01.000 --> 00:05.000\n<v A>a\n\n00:01.000 --> 00:02.000\n"
	                "<v B>b\n\n00:03.000 --> 00:04.000\n<v B>c\n",
	                &t),
	          0);
	CHECK_INT(t.n_cues, 3);
	transcript_release(&t);
}

TEST(test_transcript_refuses_malformed_timings)
{
	static const char *const bad[] = {
	    "00:00:01.000-->00:00:02.000",
	    "00:60.000 --> 00:61.000",
	    "00:00:60.000 --> 00:00:61.000",
	    "0:00:01.000 --> 0:00:02.000",
	    "00:00:01.00 --> 00:00:02.000",
	    "00:00:01,000 --> 00:00:02,000",
	    "00:00:01.000 --> 00:00:02.000x",
	    "1:2.000 --> 00:03.000",
	    "00:00:01.000 --> ",
	    "12345:00:01.000 --> 12345:00:02.000",
	};
	char in[200], want[200];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(in, sizeof(in), "WEBVTT\n\n%s\ntext\n", bad[i]);
		snprintf(want, sizeof(want),
		         "line 3: bad cue timing \"%.40s\" (write it as 00:00:01.000 --> "
		         "00:00:04.000)",
		         bad[i]);
		CHECK_STR(refused(in), want);
	}
}

TEST(test_transcript_refuses_an_identifier_without_timing)
{
	CHECK_STR(refused("WEBVTT\n\nintro\nhei\n"),
	          "line 4: expected the timing of the cue named on line 3 (00:00:01.000 --> "
	          "00:00:04.000)");
	CHECK_STR(refused("WEBVTT\n\nintro\n"),
	          "line 4: expected the timing of the cue named on line 3 (00:00:01.000 --> "
	          "00:00:04.000)");
}

TEST(test_transcript_refuses_an_arrow_in_cue_text_and_a_header_without_blank_line)
{
	CHECK_STR(refused("WEBVTT\n\n00:01.000 --> 00:02.000\na\n00:03.000 --> 00:04.000\nb\n"),
	          "line 5: cue text must not contain \"-->\" (is the blank line before this cue "
	          "missing?)");
	CHECK_STR(refused("WEBVTT\n00:01.000 --> 00:02.000\na\n"),
	          "line 2: a blank line must separate the WEBVTT header from the first cue");
}

TEST(test_transcript_refuses_an_unclosed_tag)
{
	CHECK_STR(refused("WEBVTT\n\n00:01.000 --> 00:02.000\nx\n2 < 3\n"),
	          "line 5: a tag opened with '<' is not closed on its line (write &lt; for a "
	          "'<' in the text)");
}

TEST(test_transcript_refuses_invalid_utf8_and_control_characters)
{
	static const char nul[] = "WEBVTT\n\n00:01.000 --> 00:02.000\na\0b\n";
	struct transcript t;

	CHECK_STR(refused("WEBVTT\n\n00:01.000 --> 00:02.000\nLatin-1: \xE6\xF8\xE5\n"),
	          "line 4: the file is not valid UTF-8 (save it as UTF-8)");
	CHECK_STR(refused("WEBVTT\r\n\r\n00:01.000 --> 00:02.000\r\n\xC0\xAF\r\n"),
	          "line 4: the file is not valid UTF-8 (save it as UTF-8)");
	CHECK_STR(refused("WEBVTT\n\n00:01.000 --> 00:02.000\n\xED\xA0\x80\n"),
	          "line 4: the file is not valid UTF-8 (save it as UTF-8)");
	CHECK_STR(refused("WEBVTT\n\n00:01.000 --> 00:02.000\n\xF4\x90\x80\x80\n"),
	          "line 4: the file is not valid UTF-8 (save it as UTF-8)");
	CHECK_STR(refused("WEBVTT\n\n00:01.000 --> 00:02.000\nx\x1b[31m\n"),
	          "line 4: control character U+001B is not allowed in a transcript");
	CHECK_INT(transcript_parse(nul, sizeof(nul) - 1, TRANSCRIPT_ANY, 0, &t), -1);
	CHECK_STR(t.err_msg, "line 4: control character U+0000 is not allowed in a transcript");
	CHECK_INT(t.err_line, 4);
	CHECK_INT(t.err, TRANSCRIPT_EINVAL);
	transcript_release(&t);
}

TEST(test_transcript_caps_text_speaker_cues_and_size)
{
	struct kv_buf b = KV_BUF_INIT((size_t)8 << 20);
	enum transcript_err kind;
	struct transcript t;
	int i;

	/* 2000 bytes of text is the most; 2001 is refused. */
	kv_buf_adds(&b, "WEBVTT\n\n00:01.000 --> 00:02.000\n");
	for (i = 0; i < 1000; i++)
		kv_buf_adds(&b, "å");
	kv_buf_adds(&b, "\n");
	CHECK_INT(parse(b.data, &t), 0);
	CHECK_INT(strlen(t.cues[0].text), 2000);
	transcript_release(&t);
	b.len -= 1;
	kv_buf_adds(&b, "x\n");
	CHECK_STR(refusal(b.data, TRANSCRIPT_ANY, &kind),
	          "line 4: the cue's text is longer than 2000 bytes");
	CHECK_INT(kind, TRANSCRIPT_ETOOBIG);
	/* The same spread over lines. */
	kv_buf_clear(&b);
	kv_buf_adds(&b, "WEBVTT\n\n00:01.000 --> 00:02.000\n");
	for (i = 0; i < 300; i++)
		kv_buf_adds(&b, "seks o\n");
	CHECK_STR(refused(b.data), "line 289: the cue's text is longer than 2000 bytes");
	kv_buf_clear(&b);
	kv_buf_adds(&b, "WEBVTT\n\n00:01.000 --> 00:02.000\n<v ");
	for (i = 0; i < 201; i++)
		kv_buf_adds(&b, "n");
	kv_buf_adds(&b, ">x\n");
	CHECK_STR(refused(b.data), "line 4: the speaker's name is longer than 200 bytes");

	/* 20 000 cues are taken, the 20 001st is refused. */
	kv_buf_clear(&b);
	kv_buf_adds(&b, "WEBVTT\n");
	for (i = 0; i < TRANSCRIPT_MAX_CUES; i++)
		kv_buf_addf(&b, "\n%02d:%02d:%02d.000 --> %02d:%02d:%02d.500\nx\n", i / 3600,
		            i / 60 % 60, i % 60, i / 3600, i / 60 % 60, i % 60);
	CHECK_INT(parse(b.data, &t), 0);
	CHECK_INT(t.n_cues, TRANSCRIPT_MAX_CUES);
	CHECK_INT(t.cues[TRANSCRIPT_MAX_CUES - 1].start_ms,
	          (long long)(TRANSCRIPT_MAX_CUES - 1) * 1000);
	transcript_release(&t);
	kv_buf_adds(&b, "\n06:00:00.000 --> 06:00:01.000\nx\n");
	CHECK_STR(refusal(b.data, TRANSCRIPT_ANY, &kind),
	          "line 60003: the transcript has more than 20000 cues");
	CHECK_INT(kind, TRANSCRIPT_ETOOBIG);

	/* Larger than 2 MiB: refused before it is read. */
	kv_buf_clear(&b);
	kv_buf_adds(&b, "WEBVTT\n\nNOTE\n");
	while (b.len <= TRANSCRIPT_MAX_BYTES)
		kv_buf_adds(&b, "padding padding padding padding padding padding padding\n");
	CHECK_STR(refusal(b.data, TRANSCRIPT_ANY, &kind), "the file is larger than 2 MiB");
	CHECK_INT(kind, TRANSCRIPT_ETOOBIG);
	kv_buf_release(&b);
}

TEST(test_transcript_needs_at_least_one_cue_and_leaves_out_empty_ones)
{
	struct transcript t;

	CHECK_STR(refused(""), "line 1: the file is empty");
	CHECK_STR(refused("\n \n"), "line 1: the file is empty");
	CHECK_STR(refused("WEBVTT\n"), "line 1: the file ends without a single cue");
	CHECK_STR(refused("WEBVTT\n\nNOTE nothing yet\n"),
	          "line 3: the file ends without a single cue");
	CHECK_INT(
	    parse("WEBVTT\n\n00:01.000 --> 00:02.000\n\n00:03.000 --> 00:04.000\n<v A></v>\n\n"
	          "00:05.000 --> 00:06.000\nkept\n",
	          &t),
	    0);
	CHECK_INT(t.n_cues, 1);
	CHECK_STR(t.cues[0].text, "kept");
	transcript_release(&t);
}

TEST(test_transcript_whitespace_lines_count_as_blank_and_lines_are_trimmed)
{
	struct transcript t;

	CHECK_INT(parse("WEBVTT\n \t\n00:01.000 --> 00:02.000\n  a  \n \n00:02.000 --> 00:03.000\n"
	                "<v B>  b \n\t\n00:03.000 --> 00:04.000\nc\n",
	                &t),
	          0);
	CHECK_INT(t.n_cues, 3);
	CHECK_STR(t.cues[0].text, "a");
	CHECK_STR(t.cues[1].text, "b");
	CHECK_STR(t.cues[1].speaker, "B");
	transcript_release(&t);
}

TEST(test_transcript_srt_reads_numbers_times_crlf_and_formatting)
{
	static const char in[] = "\xEF\xBB\xBF"
	                         "1\r\n"
	                         "00:00:01,000 --> 00:00:04,500\r\n"
	                         "<i>Hvordan</i> har uka vært?\r\n"
	                         "\r\n"
	                         "2 \r\n"
	                         "00:00:05,250 --> 01:00:00,003 X1:40 X2:600 Y1:20 Y2:50\r\n"
	                         "{\\an8}<font color=\"#ff0\">Tung</font>, 2 < 3 &amp; {x}\r\n"
	                         "<B>sov</B> <u>dårlig</u> <s>ikke</s> <span>\r\n"
	                         "\r\n"
	                         "\r\n"
	                         "7\r\n"
	                         "0:59:59,999 --> 1:00:00,000\r\n"
	                         "siste";
	struct transcript t;

	CHECK_INT(parse(in, &t), 0);
	CHECK_INT(t.format, TRANSCRIPT_SRT);
	CHECK_INT(t.n_cues, 3);
	CHECK_INT(t.cues[0].start_ms, 1000);
	CHECK_INT(t.cues[0].end_ms, 4500);
	CHECK_STR(t.cues[0].text, "Hvordan har uka vært?");
	CHECK_INT(t.cues[0].line, 2);
	CHECK_INT(t.cues[1].end_ms, 3600003);
	CHECK_STR(t.cues[1].text, "Tung, 2 < 3 &amp; {x}\nsov dårlig ikke <span>");
	CHECK_STR(t.cues[1].speaker, "");
	CHECK_INT(t.cues[1].line, 6);
	CHECK_INT(t.cues[2].start_ms, 3599999);
	CHECK_STR(t.cues[2].text, "siste");
	transcript_release(&t);
}

TEST(test_transcript_srt_refusals_name_their_line)
{
	CHECK_STR(refused("1\n00:00:01.000 --> 00:00:02.000\nx\n"),
	          "line 2: bad cue timing \"00:00:01.000 --> 00:00:02.000\" (write it as "
	          "00:00:01,000 --> 00:00:04,000)");
	CHECK_STR(refused("1\n00:01,000 --> 00:02,000\nx\n"),
	          "line 2: bad cue timing \"00:01,000 --> 00:02,000\" (write it as 00:00:01,000 "
	          "--> 00:00:04,000)");
	CHECK_STR(refused("1\nhei\n"),
	          "line 2: expected the timing of cue 1 (00:00:01,000 --> 00:00:04,000)");
	CHECK_STR(refused("1\n00:00:01,000 --> 00:00:02,000\nx\n\ny\n"),
	          "line 5: expected the next cue's number (is there a blank line inside the cue "
	          "before?)");
	CHECK_STR(refused("1\n00:00:01,000 --> 00:00:02,000\nx\n2\n00:00:03,000 --> "
	                  "00:00:04,000\ny\n"),
	          "line 5: cue text must not contain \"-->\" (is the blank line before this cue "
	          "missing?)");
	CHECK_STR(refused("1\n00:00:03,000 --> 00:00:04,000\nx\n\n2\n00:00:01,000 --> "
	                  "00:00:02,000\ny\n"),
	          "line 6: the cue starts at 00:00:01,000, before the cue on line 2 "
	          "(00:00:03,000); cues must be in time order");
}

TEST(test_transcript_refuses_identity_numbers_naming_the_line)
{
	enum transcript_err kind;
	struct transcript t;
	static const char fnr[] =
	    "WEBVTT\n\n00:01.000 --> 00:02.000\nhei\nnummeret er 15076500565\n";

	CHECK_STR(refusal(fnr, TRANSCRIPT_ANY, &kind),
	          "line 5: the text contains what is a valid Norwegian national identity number "
	          "(fødselsnummer or D-number); kvalab must not hold patient identities, so "
	          "remove it");
	CHECK_INT(kind, TRANSCRIPT_EIDNUMBER);
	/* Written with tags, a reference or a no-break space in between, or as the speaker. */
	CHECK_INT(parse("1\n00:00:01,000 --> 00:00:02,000\nx\n150765<i>00565</i>\n", &t), -1);
	CHECK_INT(t.err, TRANSCRIPT_EIDNUMBER);
	CHECK_INT(t.err_line, 4);
	transcript_release(&t);
	CHECK_INT(parse("WEBVTT\n\n00:01.000 --> 00:02.000\n150765&#45;00565\n", &t), -1);
	CHECK_INT(t.err, TRANSCRIPT_EIDNUMBER);
	transcript_release(&t);
	CHECK_INT(parse("WEBVTT\n\n00:01.000 --> 00:02.000\nCPR 010190&nbsp;1234\n", &t), -1);
	CHECK_INT(t.err, TRANSCRIPT_EIDNUMBER);
	transcript_release(&t);
	CHECK_INT(parse("WEBVTT\n\n00:01.000 --> 00:02.000\n<v 15076500565>hei\n", &t), -1);
	CHECK_INT(t.err, TRANSCRIPT_EIDNUMBER);
	transcript_release(&t);
	/* Other numbers are fine; and without the flag the parser only parses. */
	CHECK_INT(parse("WEBVTT\n\n00:01.000 --> 00:02.000\nrom 15076500566, tlf 22334455\n", &t),
	          0);
	transcript_release(&t);
	CHECK_INT(transcript_parse(fnr, sizeof(fnr) - 1, TRANSCRIPT_ANY, 0, &t), 0);
	transcript_release(&t);
}

TEST(test_transcript_time_text_and_format_names)
{
	char out[32];

	transcript_time_text(3723004, TRANSCRIPT_VTT, out);
	CHECK_STR(out, "01:02:03.004");
	transcript_time_text(3723004, TRANSCRIPT_SRT, out);
	CHECK_STR(out, "01:02:03,004");
	transcript_time_text(360000000, TRANSCRIPT_VTT, out);
	CHECK_STR(out, "100:00:00.000");
	CHECK_STR(transcript_format_name(TRANSCRIPT_VTT), "vtt");
	CHECK_STR(transcript_format_name(TRANSCRIPT_SRT), "srt");
	CHECK(transcript_format_name(TRANSCRIPT_ANY) == NULL);
	CHECK_INT(transcript_format_parse("srt"), TRANSCRIPT_SRT);
	CHECK_INT(transcript_format_parse("vtt"), TRANSCRIPT_VTT);
	CHECK_INT(transcript_format_parse("txt"), TRANSCRIPT_ANY);
}
