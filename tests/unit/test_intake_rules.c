/* Unit tests for the identity-number detector and the submission state machine. */
#include "unit.h"

#include "core/idnumber.h"
#include "core/workflow.h"

static enum idnumber_kind find(const char *s)
{
	return idnumber_find(s, strlen(s));
}

TEST(test_fnr_valid_numbers_are_recognised)
{
	CHECK(idnumber_is_fnr("15076500565")); /* NAV's published test number */
	CHECK(idnumber_is_fnr("01010750160"));
	CHECK(idnumber_is_fnr("29020450051")); /* 29 Feb 2004: leap year */
	CHECK(idnumber_is_fnr("41018012365")); /* D-number: day 41 = 01 */
	CHECK(idnumber_is_fnr("71019912374")); /* D-number on the 31st */
	CHECK(idnumber_is_fnr("01418012354")); /* H-number: month 41 = January */
}

TEST(test_fnr_with_a_wrong_control_digit_is_not_recognised)
{
	CHECK(!idnumber_is_fnr("15076500566"));
	CHECK(!idnumber_is_fnr("15076500575"));
	CHECK(!idnumber_is_fnr("01010750161"));
}

TEST(test_fnr_with_an_impossible_date_is_not_recognised)
{
	/* Control digits right, but 29 Feb 1900 and 29 Feb 2001 do not exist. */
	CHECK(!idnumber_is_fnr("29020012380"));
	CHECK(!idnumber_is_fnr("29020199987"));
	/* Month 53 is neither a month nor an H-number month. */
	CHECK(!idnumber_is_fnr("01538012382"));
	CHECK(!idnumber_is_fnr("0101075016a"));
}

TEST(test_cpr_dates_and_centuries)
{
	CHECK(idnumber_is_cpr("010203", "1234"));
	CHECK(!idnumber_is_cpr("310490", "1234")); /* 31 April */
	CHECK(idnumber_is_cpr("290200", "4000"));  /* digit 4, year 00: 2000, a leap year */
	CHECK(!idnumber_is_cpr("290200", "1000")); /* digit 1: 1900, not a leap year */
	CHECK(idnumber_is_cpr("290296", "0001"));  /* 1996 */
	CHECK(!idnumber_is_cpr("001190", "1234"));
	CHECK(!idnumber_is_cpr("011390", "1234"));
}

TEST(test_free_text_with_an_identity_number_is_found)
{
	CHECK_INT(find("Pasienten (15076500565) sa"), IDNUMBER_NO_FNR);
	CHECK_INT(find("fnr 150765 00565."), IDNUMBER_NO_FNR);
	CHECK_INT(find("CPR 010203-1234"), IDNUMBER_DK_CPR);
	CHECK_INT(find("cpr: 0102031234"), IDNUMBER_DK_CPR);
	CHECK_INT(find("010203 1234 i journalen"), IDNUMBER_DK_CPR);
}

TEST(test_free_text_without_identity_numbers_passes)
{
	CHECK_INT(find("Session 12 of 40, focus on item 16"), IDNUMBER_NONE);
	CHECK_INT(find("phone 22 11 80 00, org. nr. 993467049"), IDNUMBER_NONE);
	CHECK_INT(find("150765005650"), IDNUMBER_NONE); /* inside a longer run of digits */
	CHECK_INT(find("15076500566"), IDNUMBER_NONE);  /* wrong control digit */
	CHECK_INT(find("310490-1234"), IDNUMBER_NONE);  /* no such date */
	CHECK_INT(find(""), IDNUMBER_NONE);
	CHECK(idnumber_message(IDNUMBER_NO_FNR) != NULL);
	CHECK(idnumber_message(IDNUMBER_NONE) == NULL);
}

/* The allowed transitions, written out independently of the table in workflow.c. */
static const struct {
	enum sub_state from;
	enum sub_event ev;
	int actor;
	enum sub_state to;
} allowed[] = {
    {SUB_DRAFT, EV_SUBMIT, ROLE_THERAPIST, SUB_SUBMITTED},
    {SUB_SUBMITTED, EV_RECORDING_VERIFIED, WF_ACTOR_SYSTEM, SUB_RECORDING_READY},
    {SUB_RECORDING_READY, EV_ASSIGN, ROLE_LAB_ADMIN, SUB_ASSIGNED},
    {SUB_ASSIGNED, EV_ASSIGN, ROLE_LAB_ADMIN, SUB_ASSIGNED},
    {SUB_ASSIGNED, EV_RATINGS_COMPLETE, WF_ACTOR_SYSTEM, SUB_RATED},
    {SUB_RATED, EV_CONSENSUS_MADE, ROLE_RATER, SUB_CONSENSUS},
    {SUB_RATED, EV_CONSENSUS_MADE, ROLE_SUPERVISOR, SUB_CONSENSUS},
    {SUB_CONSENSUS, EV_SEND_BACK, ROLE_SUPERVISOR, SUB_RATED},
    {SUB_CONSENSUS, EV_APPROVE, ROLE_SUPERVISOR, SUB_APPROVED},
    {SUB_APPROVED, EV_PUBLISH_FEEDBACK, ROLE_SUPERVISOR, SUB_FEEDBACK_PUBLISHED},
    {SUB_FEEDBACK_PUBLISHED, EV_MEETING_HELD, ROLE_SUPERVISOR, SUB_CLOSED},
    {SUB_FEEDBACK_PUBLISHED, EV_MEETING_HELD, ROLE_RATER, SUB_CLOSED},
    {SUB_ASSIGNED, EV_REOPEN, ROLE_SUPERVISOR, SUB_ASSIGNED},
    {SUB_RATED, EV_REOPEN, ROLE_SUPERVISOR, SUB_ASSIGNED},
};

static int expected_to(enum sub_state from, enum sub_event ev, int actor, enum sub_state *to)
{
	size_t i;

	if (ev == EV_WITHDRAW && from != SUB_WITHDRAWN &&
	    (actor == ROLE_THERAPIST || actor == WF_ACTOR_SYSTEM)) {
		*to = SUB_WITHDRAWN;
		return 1;
	}
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (allowed[i].from == from && allowed[i].ev == ev && allowed[i].actor == actor) {
			*to = allowed[i].to;
			return 1;
		}
	return 0;
}

/* An actor that may cause the event in some state; others get KV_EPERM everywhere. */
static int actor_may_ever(enum sub_event ev, int actor)
{
	int s;
	enum sub_state to;

	for (s = 0; s < SUB_STATE__MAX; s++)
		if (expected_to((enum sub_state)s, ev, actor, &to))
			return 1;
	return 0;
}

TEST(test_workflow_every_allowed_and_every_refused_transition)
{
	int s, e, a, allowed_count = 0;

	for (s = 0; s < SUB_STATE__MAX; s++)
		for (e = 0; e < EV__MAX; e++)
			for (a = 0; a <= WF_ACTOR_SYSTEM; a++) {
				enum sub_state want, got = SUB_STATE__MAX;
				const char *why = NULL;
				enum kv_err rc = workflow_apply((enum sub_state)s,
				                                (enum sub_event)e, a, &got, &why);
				if (expected_to((enum sub_state)s, (enum sub_event)e, a, &want)) {
					allowed_count++;
					if (rc != KV_OK || got != want)
						unit_fail(
						    __FILE__, __LINE__, "%s --%s/%d--> refused",
						    workflow_state_name((enum sub_state)s),
						    workflow_event_name((enum sub_event)e), a);
				} else if (rc == KV_OK) {
					unit_fail(__FILE__, __LINE__, "%s --%s/%d--> allowed",
					          workflow_state_name((enum sub_state)s),
					          workflow_event_name((enum sub_event)e), a);
				} else {
					enum kv_err want_rc = actor_may_ever((enum sub_event)e, a)
					                          ? KV_ECONFLICT
					                          : KV_EPERM;
					CHECK_INT(rc, want_rc);
					CHECK(why != NULL);
				}
			} /* 14 listed + withdrawal from 9 states by 2 actors. */
	CHECK_INT(allowed_count, 14 + 9 * 2);
}

TEST(test_workflow_state_names_round_trip)
{
	int s;

	for (s = 0; s < SUB_STATE__MAX; s++)
		CHECK_INT(workflow_state_parse(workflow_state_name((enum sub_state)s)), s);
	CHECK_INT(workflow_state_parse("sent"), -1);
}

TEST(test_submit_requires_agreement_consent_and_declarations_in_that_order)
{
	struct submit_facts f = {1, 1, 1, 1, 0, 1, 1, 1};
	const char *why;

	CHECK_INT(workflow_check_submit(&f, &why), KV_OK);
	f.declared_no_identifiers = 0;
	CHECK_INT(workflow_check_submit(&f, &why), KV_ERULE);
	CHECK(strstr(why, "no full names") != NULL);
	f.declared_consent = 0;
	CHECK(strstr((workflow_check_submit(&f, &why), why), "signed written consent") != NULL);
	f.consent_covers_qa = 0;
	CHECK(strstr((workflow_check_submit(&f, &why), why), "quality assurance") != NULL);
	f.consent_withdrawn = 1;
	CHECK(strstr((workflow_check_submit(&f, &why), why), "withdrawn") != NULL);
	f.consent_declared = 0;
	CHECK(strstr((workflow_check_submit(&f, &why), why), "no consent is declared") != NULL);
	f.therapist_signed = 0;
	CHECK(strstr((workflow_check_submit(&f, &why), why), "not signed") != NULL);
	f.agreement_active = 0;
	CHECK(strstr((workflow_check_submit(&f, &why), why), "no active data processing") != NULL);
}
