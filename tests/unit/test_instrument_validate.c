/* Unit tests for instrument validation: every rule of the schema, each with the exact path and
 * message of the error it produces. */
#include "unit.h"
#include "unit_json.h"

#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "core/instrument.h"
#include "util/banned.h"

/* JSON is written with single quotes to keep the C readable; q() turns them into double. */
#define L "{'nb': 'x', 'da': 'x', 'en': 'x'}"

static const char base_json[] =
    "{'schema': 1, 'code': 'test', 'version': '1', 'kind': 'fidelity', 'name': " L ","
    " 'ranges': {'r7': {'min': 1, 'max': 7, 'good_enough': 4,"
    "   'points': [{'value': 1, 'label': " L "}, {'value': 7, 'label': " L "}]}},"
    " 'items': ["
    "  {'id': '1', 'label': " L ", 'facets': ['quality'], 'range': 'r7',"
    "   'flags': ['not_rated_for_adherence']},"
    "  {'id': '2', 'label': " L ", 'facets': ['adherence', 'quality'], 'range': 'r7',"
    "   'anchors': {'quality': [{'value': 1, 'text': {'en': 'x'}}]}},"
    "  {'id': '3', 'label': " L ", 'facets': ['adherence', 'quality'],"
    "   'range': {'min': 0, 'max': 6}},"
    "  {'id': '4', 'label': " L ", 'facets': ['count'], 'range': {'min': 0, 'max': 100},"
    "   'required': false}],"
    " 'globals': [{'id': 'quality', 'label': " L ", 'range': 'r7'}],"
    " 'codes': [{'code': '1', 'item': '1'}, {'code': '2', 'item': '2'},"
    "  {'code': 'c4', 'item': '4'}, {'code': 'out', 'class': 'outside_manual', 'label': " L "},"
    "  {'code': 'nc', 'class': 'not_classifiable', 'label': " L "}],"
    " 'derived': ["
    "  {'id': 'support', 'label': " L ", 'op': 'mean',"
    "   'of': [{'item': '1', 'facet': 'quality'}, {'item': '2', 'facet': 'quality'}]},"
    "  {'id': 'total', 'label': " L ", 'op': 'sum', 'of': [{'facet': 'quality'}]},"
    "  {'id': 'low', 'label': " L ", 'op': 'min', 'of': [{'facet': 'quality'}]},"
    "  {'id': 'diff', 'label': " L ", 'op': 'difference',"
    "   'of': [{'index': 'support'}, {'global': 'quality'}]},"
    "  {'id': 'share', 'label': " L ", 'op': 'percentage', 'num': [{'code': '1'}],"
    "   'den': [{'index': 'coded'}]},"
    "  {'id': 'coded', 'label': " L ", 'op': 'count'},"
    "  {'id': 'within', 'label': " L ", 'op': 'count', 'class': 'item'},"
    "  {'id': 'rq', 'label': " L ", 'op': 'ratio', 'num': [{'item': '4', 'facet': 'count'}],"
    "   'den': [{'code': '2'}]}],"
    " 'thresholds': [{'index': 'total', 'bands': [{'name': 'low', 'label': " L "},"
    "  {'name': 'ok', 'label': " L ", 'from': 10, 'and': [{'index': 'low', 'from': 2}]},"
    "  {'name': 'high', 'label': " L ", 'from': 15}]}]}";

/* Sets (or with value NULL deletes) what path names: "items[3].range.max", "name.de",
 * "globals[1]" (an index equal to the array's size appends). Returns 0 or -1. */
static int set_path(json_t *root, const char *path, const char *value)
{
	char seg[64];
	json_t *cur = root, *v = value ? unit_json(value) : NULL;
	const char *p = path;

	if (value && !v)
		return -1;
	for (;;) {
		size_t n = 0;
		long idx = -1;
		int last;

		if (*p == '[') {
			char *end;
			idx = strtol(p + 1, &end, 10);
			p = end + 1; /* past ']' */
		} else {
			while (*p && *p != '.' && *p != '[' && n + 1 < sizeof(seg))
				seg[n++] = *p++;
			seg[n] = '\0';
		}
		if (*p == '.')
			p++;
		last = *p == '\0';
		if (last) {
			if (idx >= 0 && !v)
				return json_array_remove(cur, (size_t)idx);
			if (idx >= 0 && (size_t)idx == json_array_size(cur))
				return json_array_append_new(cur, v);
			if (idx >= 0)
				return json_array_set_new(cur, (size_t)idx, v);
			if (!v)
				return json_object_del(cur, seg);
			return json_object_set_new(cur, seg, v);
		}
		cur = idx >= 0 ? json_array_get(cur, (size_t)idx) : json_object_get(cur, seg);
		if (!cur)
			return -1;
	}
}

struct edit {
	const char *path, *value;
};

struct rule {
	struct edit e[3];
	const char *want;
};

#define NAME_RULE "must match [a-z][a-z0-9_]* (at most 32 characters)"
#define ID_RULE "must match [a-z0-9_.-]+ (at most 32 characters)"
#define LONG201                                                                                    \
	"'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" \
	"xx"                                                                                       \
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" \
	"x"                                                                                        \
	"xxxxxxxxxxxxxxxxxxxxxxx'"

/* One row per rule of docs/instruments.md: the edits that break it and the error expected. */
static const struct rule rules[] = {
    /* the top level */
    {{{"colour", "1"}}, "colour: unknown key"},
    {{{"schema", NULL}}, "schema: is required"},
    {{{"schema", "2"}}, "schema: must be 1 (the schema version this program reads)"},
    {{{"schema", "'1'"}}, "schema: must be 1 (the schema version this program reads)"},
    {{{"code", NULL}}, "code: is required"},
    {{{"code", "5"}}, "code: must be a string"},
    {{{"code", "''"}}, "code: must not be empty"},
    {{{"code", "'Bad_Code'"}}, "code: must match [a-z0-9.-]+ (at most 40 characters)"},
    {{{"version", "1"}}, "version: must be a string"},
    {{{"version", "'1 0'"}},
     "version: must match [A-Za-z0-9][A-Za-z0-9.+-]* (at most 32 characters)"},
    {{{"kind", NULL}}, "kind: is required"},
    {{{"kind", "'other'"}}, "kind: must be fidelity or outcome"},
    {{{"name", "'Test'"}}, "name: must be an object with nb, da and en texts"},
    {{{"name.da", NULL}}, "name.da: is required"},
    {{{"name.de", "'x'"}}, "name.de: unknown language (use nb, da, en)"},
    {{{"name.en", "''"}}, "name.en: must not be empty"},
    {{{"name.en", "3"}}, "name.en: must be a string"},
    {{{"name.en", LONG201}}, "name.en: must be at most 200 bytes"},
    {{{"name.en", "'a\\u0001b'"}}, "name.en: contains control characters"},
    {{{"name.en", "'a\\nb'"}}, "name.en: contains control characters"},
    {{{"name.en", "'a\\u0000b'"}}, "name.en: must not contain NUL characters"},
    {{{"description", "{}"}}, "description: must have a text in at least one of nb, da, en"},
    {{{"description", "'x'"}}, "description: must be an object of texts by language (nb, da, en)"},
    {{{"source", "5"}}, "source: must be a string"},
    {{{"licence", "''"}}, "licence: must not be empty"},
    /* ranges */
    {{{"ranges", "[]"}}, "ranges: must be an object of named ranges"},
    {{{"ranges.Bad", "{'min': 0, 'max': 1}"}},
     "ranges.Bad: range names must match [a-z][a-z0-9_]* (at most 32 characters)"},
    {{{"ranges.r7", "7"}}, "ranges.r7: must be an object with min and max"},
    {{{"ranges.r7.colour", "1"}}, "ranges.r7.colour: unknown key"},
    {{{"ranges.r7.min", NULL}}, "ranges.r7.min: is required"},
    {{{"ranges.r7.min", "'1'"}}, "ranges.r7.min: must be a number"},
    {{{"ranges.r7.max", "1"}}, "ranges.r7.max: must be greater than min"},
    {{{"ranges.r7.max", "1e7"}}, "ranges.r7.max: must be from -1000000 to 1000000"},
    {{{"items[3].range.max", "-5"}}, "items[3].range.max: must be greater than min"},
    {{{"ranges.r7.step", "0"}}, "ranges.r7.step: must be greater than 0"},
    {{{"ranges.r7.step", "4"}}, "ranges.r7.step: must divide max - min into whole steps"},
    {{{"items[3].range", "{'min': 0, 'max': 1000000, 'step': 0.5}"}},
     "items[3].range.step: makes more than 1000000 scale points"},
    {{{"ranges.r7.good_enough", "4.5"}},
     "ranges.r7.good_enough: must be a whole number from 1 to 7"},
    {{{"ranges.r7.step", "0.5"}, {"ranges.r7.good_enough", "4.25"}},
     "ranges.r7.good_enough: must be a number from 1 to 7 in steps of 0.5"},
    {{{"items[2].range.good_enough", "3"}},
     "items[2].range.good_enough: must be the same as ranges.r7.good_enough (4)"},
    {{{"ranges.r7.points", "[]"}}, "ranges.r7.points: must not be empty"},
    {{{"ranges.r7.points[0].value", "0"}},
     "ranges.r7.points[0].value: must be a whole number from 1 to 7"},
    {{{"ranges.r7.points[1].value", "1"}},
     "ranges.r7.points[1].value: must be greater than the previous value"},
    {{{"ranges.r7.points[0].label", NULL}}, "ranges.r7.points[0].label: is required"},
    {{{"ranges.r7.points[0].text", "'x'"}}, "ranges.r7.points[0].text: unknown key"},
    /* items */
    {{{"items", NULL}}, "items: is required"},
    {{{"items", "{}"}}, "items: must be an array"},
    {{{"items", "[]"}}, "items: must not be empty"},
    {{{"items[0]", "'x'"}}, "items[0]: must be an object"},
    {{{"items[0].colour", "1"}}, "items[0].colour: unknown key"},
    {{{"items[0].id", NULL}}, "items[0].id: is required"},
    {{{"items[0].id", "'A'"}}, "items[0].id: " ID_RULE},
    {{{"items[0].id", "'global'"}}, "items[0].id: 'global' is kept for the global ratings"},
    {{{"items[1].id", "'1'"}}, "items[1].id: '1' is already the id of items[0]"},
    {{{"items[0].label", NULL}}, "items[0].label: is required"},
    {{{"items[0].label.nb", NULL}}, "items[0].label.nb: is required"},
    {{{"items[0].description", "{'en': 3}"}}, "items[0].description.en: must be a string"},
    {{{"items[0].facets", NULL}}, "items[0].facets: is required"},
    {{{"items[0].facets", "[]"}}, "items[0].facets: must not be empty"},
    {{{"items[0].facets", "['style']"}},
     "items[0].facets[0]: must be one of adherence, quality, competence, count"},
    {{{"items[1].facets", "['quality', 'quality']"}},
     "items[1].facets[1]: quality is listed twice"},
    {{{"items[1].facets", "['count', 'quality']"}},
     "items[1].facets: count cannot be combined with other facets"},
    {{{"items[1].facets", "['adherence', 'quality', 'competence', 'count', 'quality']"}},
     "items[1].facets: must have at most 4 entries"},
    {{{"items[0].range", NULL}}, "items[0].range: is required"},
    {{{"items[0].range", "'nope'"}}, "items[0].range: no range named 'nope' in ranges"},
    {{{"items[0].range", "5"}},
     "items[0].range: must be a range object or the name of one in ranges"},
    {{{"items[0].required", "'yes'"}}, "items[0].required: must be true or false"},
    {{{"items[0].flags", "'unverified'"}}, "items[0].flags: must be an array"},
    {{{"items[0].flags", "['shiny']"}},
     "items[0].flags[0]: must be one of not_rated_for_adherence, whole_session, unverified, "
     "reversed"},
    {{{"items[0].flags", "['not_rated_for_adherence', 'not_rated_for_adherence']"}},
     "items[0].flags[1]: not_rated_for_adherence is listed twice"},
    {{{"items[1].flags", "['not_rated_for_adherence']"}},
     "items[1].flags[0]: the item is rated for adherence (see facets)"},
    {{{"items[3].flags", "['reversed']"}}, "items[3].flags[0]: a count cannot be reversed"},
    {{{"items[1].anchors", "[]"}}, "items[1].anchors: must be an object of anchor lists by facet"},
    {{{"items[1].anchors.style", "[]"}},
     "items[1].anchors.style: unknown facet (use adherence, quality, competence, count)"},
    {{{"items[0].anchors", "{'adherence': [{'value': 1, 'text': {'en': 'x'}}]}"}},
     "items[0].anchors.adherence: item 1 is not rated for adherence"},
    {{{"items[1].anchors.quality", "[]"}},
     "items[1].anchors.quality: must be a list of 1 to 1000 anchors"},
    {{{"items[1].anchors.adherence", "[{'value': 9, 'text': {'en': 'x'}}]"}},
     "items[1].anchors.adherence[0].value: must be a whole number from 1 to 7"},
    {{{"items[1].anchors.quality[0].text", "{}"}},
     "items[1].anchors.quality[0].text: must have a text in at least one of nb, da, en"},
    {{{"items[1].anchors.quality[0].label", L}}, "items[1].anchors.quality[0].label: unknown key"},
    /* globals */
    {{{"globals", "'x'"}}, "globals: must be an array"},
    {{{"globals[0].id", "'Q'"}}, "globals[0].id: " NAME_RULE},
    {{{"globals[1]", "{'id': 'quality', 'label': " L ", 'range': 'r7'}"}},
     "globals[1].id: 'quality' is already the id of globals[0]"},
    {{{"globals[0].range", "'nope'"}}, "globals[0].range: no range named 'nope' in ranges"},
    {{{"globals[0].flags", "['reversed']"}},
     "globals[0].flags[0]: must be unverified (the only flag of a global rating)"},
    {{{"globals[0].anchors", "[{'value': 8, 'text': {'nb': 'x'}}]"}},
     "globals[0].anchors[0].value: must be a whole number from 1 to 7"},
    /* codes */
    {{{"codes[0].code", "'A B'"}}, "codes[0].code: " ID_RULE},
    {{{"codes[1].code", "'1'"}}, "codes[1].code: '1' is already the code of codes[0]"},
    {{{"codes[0].item", "'99'"}}, "codes[0].item: no item '99'"},
    {{{"codes[0].item", NULL}},
     "codes[0].item: is required unless class is outside_manual or not_classifiable"},
    {{{"codes[3].class", "'elsewhere'"}},
     "codes[3].class: must be one of item, outside_manual, not_classifiable"},
    {{{"codes[3].item", "'1'"}}, "codes[3].item: not allowed with class outside_manual"},
    {{{"codes[3].label", NULL}}, "codes[3].label: is required"},
    /* derived indices */
    {{{"derived[0].id", "'Support'"}}, "derived[0].id: " NAME_RULE},
    {{{"derived[1].id", "'support'"}}, "derived[1].id: 'support' is already the id of derived[0]"},
    {{{"derived[0].label", NULL}}, "derived[0].label: is required"},
    {{{"derived[0].op", "'median'"}},
     "derived[0].op: must be one of sum, mean, min, max, difference, ratio, percentage, count"},
    {{{"derived[0].num", "[]"}}, "derived[0].num: not used by op mean"},
    {{{"derived[4].skip_missing", "true"}}, "derived[4].skip_missing: not used by op percentage"},
    {{{"derived[0].skip_missing", "'y'"}}, "derived[0].skip_missing: must be true or false"},
    {{{"derived[0].of", "[]"}}, "derived[0].of: must not be empty"},
    {{{"derived[0].of[0]", "3"}},
     "derived[0].of[0]: must be an object like {\"item\": \"1\", \"facet\": \"quality\"}"},
    {{{"derived[0].of[0].colour", "1"}}, "derived[0].of[0].colour: unknown key"},
    {{{"derived[0].of[0]", "{'global': 'quality', 'index': 'total'}"}},
     "derived[0].of[0]: must be one of {item, facet}, {facet}, {global}, {index}, {code}"},
    {{{"derived[0].of[0]", "{'item': '1'}"}}, "derived[0].of[0].facet: is required with item"},
    {{{"derived[0].of[0].item", "'99'"}}, "derived[0].of[0].item: no item '99'"},
    {{{"derived[0].of[0].facet", "'adherence'"}},
     "derived[0].of[0].facet: item 1 is not rated for adherence"},
    {{{"derived[1].of[0].facet", "'competence'"}},
     "derived[1].of[0].facet: no item is rated for competence"},
    {{{"derived[1].of[0].facet", "'style'"}},
     "derived[1].of[0].facet: must be one of adherence, quality, competence, count"},
    {{{"derived[0].of[0]", "{'global': 'nope'}"}},
     "derived[0].of[0].global: no global rating 'nope'"},
    {{{"derived[0].of[0]", "{'index': 'nope'}"}},
     "derived[0].of[0].index: no derived index 'nope'"},
    {{{"derived[0].of[0]", "{'code': 'nope'}"}}, "derived[0].of[0].code: no code 'nope'"},
    {{{"derived[0].of[0]", "{'index': 'support'}"}},
     "derived[0].of[0].index: circular reference to 'support'"},
    {{{"derived[0].of[0]", "{'index': 'diff'}"}},
     "derived[3].of[0].index: circular reference to 'support'"},
    {{{"derived[3].of[2]", "{'global': 'quality'}"}},
     "derived[3].of: must have exactly 2 entries (first minus second)"},
    {{{"derived[3].of[0]", "{'facet': 'quality'}"}},
     "derived[3].of[0].facet: one value is needed here: give an item with the facet"},
    {{{"derived[4].den", NULL}}, "derived[4].den: is required"},
    {{{"derived[5].class", "'x'"}},
     "derived[5].class: must be one of item, outside_manual, not_classifiable"},
    {{{"derived[6].codes", "['1']"}}, "derived[6].class: give codes or class, not both"},
    {{{"derived[5].codes", "['zz']"}}, "derived[5].codes[0]: no code 'zz'"},
    {{{"codes", "[]"},
      {"derived", "[{'id': 'n', 'label': " L ", 'op': 'count'}]"},
      {"thresholds", "[]"}},
     "derived[0].op: count needs codes, and the instrument has none"},
    /* thresholds */
    {{{"thresholds[0].colour", "1"}}, "thresholds[0].colour: unknown key"},
    {{{"thresholds[0].index", "'nope'"}}, "thresholds[0].index: no derived index 'nope'"},
    {{{"thresholds[1]", "{'index': 'total', 'bands': [{'name': 'a', 'label': " L "}]}"}},
     "thresholds[1].index: 'total' already has bands in thresholds[0]"},
    {{{"thresholds[0].bands", "[]"}}, "thresholds[0].bands: must not be empty"},
    {{{"thresholds[0].bands[1].name", "'OK'"}}, "thresholds[0].bands[1].name: " NAME_RULE},
    {{{"thresholds[0].bands[1].name", "'low'"}},
     "thresholds[0].bands[1].name: 'low' is already the name of bands[0]"},
    {{{"thresholds[0].bands[0].label", NULL}}, "thresholds[0].bands[0].label: is required"},
    {{{"thresholds[0].bands[1].from", NULL}},
     "thresholds[0].bands[1].from: is required (only the first band may have no lower bound)"},
    {{{"thresholds[0].bands[2].from", "10"}},
     "thresholds[0].bands[2].from: must be greater than the from of bands[1]"},
    {{{"thresholds[0].bands[1].and[0].index", "'nope'"}},
     "thresholds[0].bands[1].and[0].index: no derived index 'nope'"},
    {{{"thresholds[0].bands[1].and[0].from", NULL}},
     "thresholds[0].bands[1].and[0].from: is required"},
    {{{"thresholds[0].bands[1].and", "[]"}}, "thresholds[0].bands[1].and: must not be empty"},
    /* what only a client-rated measure may have */
    {{{"rater", "'panel'"}}, "rater: must be lab or client"},
    {{{"rater", "'client'"}}, "rater: a client-rated measure must have kind outcome"},
    {{{"languages", "['en']"}},
     "languages: only a client-rated measure (rater client) has languages"},
    {{{"instructions", "{'en': 'x'}"}},
     "instructions: only a client-rated measure (rater client) has instructions"},
    {{{"ranges.r7.answers", "[]"}},
     "ranges.r7.answers: only a client-rated measure's ranges have answers"},
    {{{"items[0].facets", "['response']"}},
     "items[0].facets[0]: response is for client-rated measures (rater client)"},
    {{{"items[0].text", "{'en': 'x'}"}},
     "items[0].text: only a client-rated measure's items have text"},
    {{{"scoring", "{}"}}, "scoring: only a client-rated measure (rater client) has scoring"},
};

/* A client-rated outcome measure with every part the schema allows: wording in en and nb,
 * answers, a reversed item, an unscored item on a visual analogue line, norms, bands and an
 * alert. */
#define T2 "{'en': 'x', 'nb': 'x'}"
static const char client_json[] =
    "{'schema': 1, 'code': 'q', 'version': '1', 'kind': 'outcome', 'name': " L ","
    " 'rater': 'client', 'languages': ['en', 'nb'], 'instructions': " T2 ","
    " 'ranges': {'r': {'min': 0, 'max': 3, 'answers': [{'value': 0, 'text': " T2 "},"
    "   {'value': 1, 'text': " T2 "}, {'value': 2, 'text': " T2 "},"
    "   {'value': 3, 'text': " T2 "}]},"
    "  'vas': {'min': 0, 'max': 10, 'step': 0.5}},"
    " 'items': ["
    "  {'id': '1', 'label': " L ", 'facets': ['response'], 'range': 'r', 'text': " T2 "},"
    "  {'id': '2', 'label': " L ", 'facets': ['response'], 'range': 'r', 'flags': ['reversed'],"
    "   'text': " T2 "},"
    "  {'id': '3', 'label': " L ", 'facets': ['response'], 'range': 'r', 'text': " T2 "},"
    "  {'id': 'extra', 'label': " L ", 'facets': ['response'], 'range': 'vas',"
    "   'required': false, 'text': " T2 "}],"
    " 'scoring': {'method': 'sum', 'items': ['1', '2', '3'], 'max_missing': 1,"
    "  'direction': 'lower_is_better', 'cutoff': 5, 'reliable_change': 3,"
    "  'norms': {'clinical': {'mean': 6, 'sd': 2}, 'functional': {'mean': 2, 'sd': 1.5}},"
    "  'bands': [{'name': 'low', 'label': " L "}, {'name': 'high', 'label': " L ", 'from': 5}],"
    "  'alerts': [{'item': '3', 'from': 2, 'label': " L "}],"
    "  'unverified': ['cutoff', 'reversed'], 'notes': {'en': 'x'}}}";

/* One row per rule of the client-rated parts of docs/instruments.md. */
static const struct rule client_rules[] = {
    {{{"rater", "'x'"}}, "rater: must be lab or client"},
    {{{"kind", "'fidelity'"}}, "rater: a client-rated measure must have kind outcome"},
    {{{"languages", "'en'"}}, "languages: must be an array"},
    {{{"languages", "[]"}}, "languages: must not be empty"},
    {{{"languages", "['en', 'de']"}}, "languages[1]: must be one of nb, da, en"},
    {{{"languages", "['en', 'en']"}}, "languages[1]: en is listed twice"},
    {{{"instructions.nb", NULL}}, "instructions.nb: is required (languages lists nb)"},
    {{{"languages", "['en', 'nb', 'da']"}}, "instructions.da: is required (languages lists da)"},
    {{{"instructions", "'x'"}},
     "instructions: must be an object of texts by language (nb, da, en)"},
    {{{"ranges.r.answers[1].text.nb", NULL}},
     "ranges.r.answers[1].text.nb: is required (languages lists nb)"},
    {{{"ranges.r.answers[3]", NULL}},
     "ranges.r.answers: must give every point of the scale (4 points)"},
    {{{"ranges.r.answers[0].value", "9"}},
     "ranges.r.answers[0].value: must be a whole number from 0 to 3"},
    {{{"ranges.r.answers[0].label", L}}, "ranges.r.answers[0].label: unknown key"},
    {{{"ranges.r.answers", "{}"}}, "ranges.r.answers: must be an array"},
    {{{"items[0].facets", "['quality']"}},
     "items[0].facets[0]: a client-rated measure's items are rated for response only"},
    {{{"items[0].facets", "['response', 'response']"}},
     "items[0].facets[1]: response is listed twice"},
    {{{"items[0].text", NULL}}, "items[0].text: is required (languages lists nb)"},
    {{{"items[1].text.en", NULL}}, "items[1].text.en: is required (languages lists en)"},
    {{{"items[0].text", "{}"}}, "items[0].text: must have a text in at least one of nb, da, en"},
    {{{"scoring", NULL}}, "scoring: is required for a client-rated measure"},
    {{{"scoring", "1"}}, "scoring: must be an object"},
    {{{"scoring.colour", "1"}}, "scoring.colour: unknown key"},
    {{{"scoring.use", "'x'"}}, "scoring.use: must be outcome or alliance"},
    {{{"scoring.method", NULL}}, "scoring.method: is required"},
    {{{"scoring.method", "'median'"}}, "scoring.method: must be one of sum, mean, mean_x10"},
    {{{"scoring.items", "[]"}}, "scoring.items: must not be empty"},
    {{{"scoring.items", "['1', '9']"}}, "scoring.items[1]: no item '9'"},
    {{{"scoring.items", "['1', '1']"}}, "scoring.items[1]: '1' is listed twice"},
    {{{"scoring.items", "[1]"}}, "scoring.items[0]: must be a string"},
    {{{"scoring.max_missing", "3"}}, "scoring.max_missing: must be a whole number from 0 to 2"},
    {{{"scoring.max_missing", "1.5"}}, "scoring.max_missing: must be a whole number from 0 to 2"},
    {{{"scoring.direction", NULL}}, "scoring.direction: is required"},
    {{{"scoring.direction", "'up'"}},
     "scoring.direction: must be lower_is_better or higher_is_better"},
    {{{"scoring.cutoff", "10"}}, "scoring.cutoff: must lie within the score's range (0 to 9)"},
    {{{"scoring.method", "'mean_x10'"}, {"scoring.cutoff", "31"}},
     "scoring.cutoff: must lie within the score's range (0 to 30)"},
    {{{"scoring.reliable_change", "0"}},
     "scoring.reliable_change: must be greater than 0 and at most 9"},
    {{{"scoring.reliability", "{'r': 0.9, 'sd': 2}"}},
     "scoring.reliability: give reliable_change or reliability, not both"},
    {{{"scoring.reliable_change", NULL}},
     "scoring.reliable_change: is required (or give reliability: r and sd)"},
    {{{"scoring.reliable_change", NULL}, {"scoring.reliability", "{'r': 1, 'sd': 2}"}},
     "scoring.reliability.r: must be at least 0 and below 1"},
    {{{"scoring.reliable_change", NULL}, {"scoring.reliability", "{'r': 0.8, 'sd': 0}"}},
     "scoring.reliability.sd: must be greater than 0"},
    {{{"scoring.reliable_change", NULL}, {"scoring.reliability", "{'r': 0.8}"}},
     "scoring.reliability.sd: is required"},
    {{{"scoring.reliable_change", NULL}, {"scoring.reliability", "{'r': 0.8, 'sd': 2, 'n': 1}"}},
     "scoring.reliability.n: unknown key"},
    {{{"scoring.norms", "[]"}},
     "scoring.norms: must be an object with clinical and functional norms"},
    {{{"scoring.norms.other", "{}"}}, "scoring.norms.other: unknown key"},
    {{{"scoring.norms.clinical", "5"}},
     "scoring.norms.clinical: must be an object with mean and sd"},
    {{{"scoring.norms.clinical.sd", "0"}}, "scoring.norms.clinical.sd: must be greater than 0"},
    {{{"scoring.norms.functional.mean", NULL}}, "scoring.norms.functional.mean: is required"},
    {{{"scoring.norms.functional.mean", "7"}},
     "scoring.norms.functional.mean: must be below the clinical mean (lower is better)"},
    {{{"scoring.direction", "'higher_is_better'"}},
     "scoring.norms.functional.mean: must be above the clinical mean (higher is better)"},
    {{{"scoring.cutoff", NULL}, {"scoring.norms.functional", NULL}},
     "scoring.cutoff: is required (or give norms for both populations)"},
    {{{"scoring.bands", "[]"}}, "scoring.bands: must not be empty"},
    {{{"scoring.bands[1].from", NULL}},
     "scoring.bands[1].from: is required (only the first band may have no lower bound)"},
    {{{"scoring.bands[1].name", "'low'"}},
     "scoring.bands[1].name: 'low' is already the name of bands[0]"},
    {{{"scoring.bands[1].name", "'High'"}}, "scoring.bands[1].name: " NAME_RULE},
    {{{"scoring.bands[0].from", "6"}},
     "scoring.bands[1].from: must be greater than the from of bands[0]"},
    {{{"scoring.bands[0].and", "[]"}}, "scoring.bands[0].and: unknown key"},
    {{{"scoring.alerts[0].item", "'7'"}}, "scoring.alerts[0].item: no item '7'"},
    {{{"scoring.alerts[0].from", "5"}},
     "scoring.alerts[0].from: must be a whole number from 0 to 3"},
    {{{"scoring.alerts[0].label", NULL}}, "scoring.alerts[0].label: is required"},
    {{{"scoring.alerts[0]", "'9'"}},
     "scoring.alerts[0]: must be an object with item, from and label"},
    {{{"scoring.unverified", "['colour']"}},
     "scoring.unverified[0]: must name a key of scoring, or reversed"},
    {{{"scoring.unverified", "['notes']"}},
     "scoring.unverified[0]: must name a key of scoring, or reversed"},
    {{{"scoring.unverified", "['cutoff', 'cutoff']"}},
     "scoring.unverified[1]: cutoff is listed twice"},
    {{{"scoring.notes", "'x'"}},
     "scoring.notes: must be an object of texts by language (nb, da, en)"},
};

TEST(test_instrument_validate_accepts_the_base_definition)
{
	json_t *def = unit_json(base_json);
	char err[512] = "";
	int rc;

	CHECK(def);
	rc = instrument_validate(def, err, sizeof(err));
	json_decref(def);
	CHECK_STR(err, "");
	CHECK_INT(rc, 0);
}

TEST(test_instrument_validate_reports_each_rule_with_its_path)
{
	size_t i, k;

	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		json_t *def = unit_json(base_json);
		char err[512] = "";
		int broken = 0;

		for (k = 0; k < 3 && rules[i].e[k].path; k++)
			if (set_path(def, rules[i].e[k].path, rules[i].e[k].value))
				broken = 1;
		if (broken)
			unit_fail(__FILE__, __LINE__, "rule %zu: cannot apply the edit to %s", i,
			          rules[i].e[0].path);
		else if (instrument_validate(def, err, sizeof(err)) != -1 ||
		         strcmp(err, rules[i].want))
			unit_fail(__FILE__, __LINE__,
			          "rule %zu (%s):\n      got  \"%s\"\n      want \"%s\"", i,
			          rules[i].e[0].path, err, rules[i].want);
		json_decref(def);
	}
}

TEST(test_instrument_validate_accepts_a_client_rated_measure)
{
	json_t *def = unit_json(client_json);
	char err[512] = "";

	CHECK(def);
	CHECK_INT(instrument_validate(def, err, sizeof(err)), 0);
	/* Without languages, no item needs its wording; rater lab is the default spelled out. */
	set_path(def, "languages", NULL);
	set_path(def, "items[0].text", NULL);
	set_path(def, "instructions", NULL);
	CHECK_INT(instrument_validate(def, err, sizeof(err)), 0);
	json_decref(def);
	def = unit_json(base_json);
	set_path(def, "rater", "'lab'");
	CHECK_INT(instrument_validate(def, err, sizeof(err)), 0);
	json_decref(def);
}

TEST(test_instrument_validate_reports_each_client_rule_with_its_path)
{
	size_t i, k;

	for (i = 0; i < sizeof(client_rules) / sizeof(client_rules[0]); i++) {
		json_t *def = unit_json(client_json);
		char err[512] = "";
		int broken = 0;

		for (k = 0; k < 3 && client_rules[i].e[k].path; k++)
			if (set_path(def, client_rules[i].e[k].path, client_rules[i].e[k].value))
				broken = 1;
		if (broken)
			unit_fail(__FILE__, __LINE__,
			          "client rule %zu: cannot apply the edit to %s", i,
			          client_rules[i].e[0].path);
		else if (instrument_validate(def, err, sizeof(err)) != -1 ||
		         strcmp(err, client_rules[i].want))
			unit_fail(__FILE__, __LINE__,
			          "client rule %zu (%s):\n      got  \"%s\"\n      want \"%s\"", i,
			          client_rules[i].e[0].path, err, client_rules[i].want);
		json_decref(def);
	}
}

TEST(test_instrument_validate_refuses_what_is_not_an_object)
{
	json_t *def = json_array();
	char err[128];

	CHECK_INT(instrument_validate(def, err, sizeof(err)), -1);
	CHECK_STR(err, "definition: must be a JSON object");
	json_decref(def);
}

TEST(test_instrument_validate_reports_unknown_keys_before_other_errors)
{
	json_t *def = unit_json(base_json);
	char err[128];

	CHECK(def);
	set_path(def, "schema", NULL);
	set_path(def, "zz", "1");
	CHECK_INT(instrument_validate(def, err, sizeof(err)), -1);
	CHECK_STR(err, "zz: unknown key");
	json_decref(def);
}

TEST(test_instrument_validate_shows_hostile_keys_safely)
{
	json_t *def = unit_json(base_json);
	char err[128];

	CHECK(def);
	json_object_set_new(def, "a\x1b[2Jb", json_true());
	CHECK_INT(instrument_validate(def, err, sizeof(err)), -1);
	CHECK_STR(err, "a?[2Jb: unknown key");
	json_decref(def);
}

TEST(test_instrument_validate_truncates_into_a_small_buffer)
{
	json_t *def = unit_json(base_json);
	char err[8];

	CHECK(def);
	set_path(def, "kind", "'x'");
	CHECK_INT(instrument_validate(def, err, sizeof(err)), -1);
	CHECK_STR(err, "kind: m");
	CHECK_INT(instrument_validate(def, NULL, 0), -1);
	json_decref(def);
}

TEST(test_instrument_validate_accepts_forward_index_references_and_lone_first_bands)
{
	json_t *def = unit_json(base_json);
	char err[256] = "";

	CHECK(def);
	/* share refers to coded, defined after it; a threshold may start at a lower bound. */
	set_path(def, "thresholds[0].bands[0].from", "-3");
	CHECK_INT(instrument_validate(def, err, sizeof(err)), 0);
	json_decref(def);
}

TEST(test_instrument_compile_refuses_an_invalid_definition)
{
	json_t *def = unit_json(base_json);

	CHECK(def);
	set_path(def, "items[0].range", "'nope'");
	CHECK(instrument_compile(def) == NULL);
	json_decref(def);
}

TEST(test_instrument_validate_caps_list_sizes)
{
	json_t *def = unit_json(base_json), *items, *ranges, *conds;
	char err[256];
	size_t i;

	CHECK(def);
	items = json_object_get(def, "items");
	while (json_array_size(items) < INSTRUMENT_MAX_ITEMS + 1) {
		json_t *it = json_deep_copy(json_array_get(items, 2));
		char id[16];
		snprintf(id, sizeof(id), "x%zu", json_array_size(items));
		json_object_set_new(it, "id", json_string(id));
		json_array_append_new(items, it);
	}
	CHECK_INT(instrument_validate(def, err, sizeof(err)), -1);
	CHECK_STR(err, "items: must have at most 200 entries");
	json_array_remove(items, INSTRUMENT_MAX_ITEMS);
	CHECK_INT(instrument_validate(def, err, sizeof(err)), 0);

	ranges = json_object_get(def, "ranges");
	for (i = 0; i < 50; i++) {
		char name[16];
		snprintf(name, sizeof(name), "extra%zu", i);
		json_object_set_new(ranges, name, json_pack("{s:i, s:i}", "min", 0, "max", 1));
	}
	CHECK_INT(instrument_validate(def, err, sizeof(err)), -1);
	CHECK_STR(err, "ranges: must have at most 50 ranges");
	json_object_del(ranges, "extra0");
	CHECK_INT(instrument_validate(def, err, sizeof(err)), 0);

	conds = json_object_get(
	    json_array_get(
	        json_object_get(json_array_get(json_object_get(def, "thresholds"), 0), "bands"), 1),
	    "and");
	while (json_array_size(conds) < 11)
		json_array_append_new(conds, json_pack("{s:s, s:i}", "index", "low", "from", 1));
	CHECK_INT(instrument_validate(def, err, sizeof(err)), -1);
	CHECK_STR(err, "thresholds[0].bands[1].and: must have at most 10 entries");
	json_decref(def);
}
