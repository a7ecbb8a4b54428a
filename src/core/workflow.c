/* The submission state machine as one table: (from states, event, actors) -> to state. */
#include "core/workflow.h"

#include <string.h>

#include "util/banned.h"

#define S(x) (1u << (x))
#define A(r) (1u << (r))
#define SYSTEM A(WF_ACTOR_SYSTEM)
#define ALL_BUT_WITHDRAWN ((1u << SUB_STATE__MAX) - 1 - S(SUB_WITHDRAWN))

static const char *const state_names[SUB_STATE__MAX] = {
    [SUB_DRAFT] = "draft",
    [SUB_SUBMITTED] = "submitted",
    [SUB_RECORDING_READY] = "recording_ready",
    [SUB_ASSIGNED] = "assigned",
    [SUB_RATED] = "rated",
    [SUB_CONSENSUS] = "consensus",
    [SUB_APPROVED] = "approved",
    [SUB_FEEDBACK_PUBLISHED] = "feedback_published",
    [SUB_CLOSED] = "closed",
    [SUB_WITHDRAWN] = "withdrawn",
};

static const char *const event_names[EV__MAX] = {
    [EV_SUBMIT] = "submit",
    [EV_RECORDING_VERIFIED] = "recording_verified",
    [EV_ASSIGN] = "assign",
    [EV_RATINGS_COMPLETE] = "ratings_complete",
    [EV_CONSENSUS_MADE] = "consensus_made",
    [EV_SEND_BACK] = "send_back",
    [EV_APPROVE] = "approve",
    [EV_PUBLISH_FEEDBACK] = "publish_feedback",
    [EV_MEETING_HELD] = "meeting_held",
    [EV_WITHDRAW] = "withdraw",
    [EV_REOPEN] = "reopen",
};

static const struct transition {
	enum sub_event ev;
	unsigned from;   /* states in which the event is possible */
	unsigned actors; /* roles (and SYSTEM) that may cause it */
	enum sub_state to;
	const char *wrong_state; /* what to tell the user when the state is wrong */
} transitions[EV__MAX] = {
    {EV_SUBMIT, S(SUB_DRAFT), A(ROLE_THERAPIST), SUB_SUBMITTED, "only a draft can be submitted"},
    {EV_RECORDING_VERIFIED, S(SUB_SUBMITTED), SYSTEM, SUB_RECORDING_READY,
     "a recording can be added only after submitting and before rating starts"},
    {EV_ASSIGN, S(SUB_RECORDING_READY) | S(SUB_ASSIGNED), A(ROLE_LAB_ADMIN), SUB_ASSIGNED,
     "raters can be assigned only once the recording is verified and before all have rated"},
    {EV_RATINGS_COMPLETE, S(SUB_ASSIGNED), SYSTEM, SUB_RATED,
     "ratings can complete only while raters are assigned"},
    {EV_CONSENSUS_MADE, S(SUB_RATED), A(ROLE_RATER) | A(ROLE_SUPERVISOR), SUB_CONSENSUS,
     "a consensus can be made only after every assigned rater has submitted"},
    {EV_SEND_BACK, S(SUB_CONSENSUS), A(ROLE_SUPERVISOR), SUB_RATED,
     "only a consensus waiting for approval can be sent back"},
    {EV_APPROVE, S(SUB_CONSENSUS), A(ROLE_SUPERVISOR), SUB_APPROVED,
     "only a consensus waiting for approval can be approved"},
    {EV_PUBLISH_FEEDBACK, S(SUB_APPROVED), A(ROLE_SUPERVISOR), SUB_FEEDBACK_PUBLISHED,
     "feedback can be published only after the consensus is approved"},
    {EV_MEETING_HELD, S(SUB_FEEDBACK_PUBLISHED), A(ROLE_SUPERVISOR) | A(ROLE_RATER), SUB_CLOSED,
     "the meeting can be marked held only after the feedback is published"},
    /* Withdrawal of consent stops everything, from any state but withdrawn itself. */
    {EV_WITHDRAW, ALL_BUT_WITHDRAWN, A(ROLE_THERAPIST) | SYSTEM, SUB_WITHDRAWN,
     "the submission is already withdrawn"},
    {EV_REOPEN, S(SUB_ASSIGNED) | S(SUB_RATED), A(ROLE_SUPERVISOR), SUB_ASSIGNED,
     "a rating can be reopened only before the consensus is made"},
};

const char *workflow_state_name(enum sub_state s)
{
	return (s >= 0 && s < SUB_STATE__MAX) ? state_names[s] : "unknown";
}

int workflow_state_parse(const char *name)
{
	int s;

	for (s = 0; s < SUB_STATE__MAX; s++)
		if (name && !strcmp(name, state_names[s]))
			return s;
	return -1;
}

const char *workflow_event_name(enum sub_event e)
{
	return (e >= 0 && e < EV__MAX) ? event_names[e] : "unknown";
}

enum kv_err workflow_apply(enum sub_state from, enum sub_event ev, int actor, enum sub_state *to,
                           const char **why)
{
	const struct transition *t;

	if (ev < 0 || ev >= EV__MAX || from < 0 || from >= SUB_STATE__MAX || actor < 0 ||
	    actor > WF_ACTOR_SYSTEM) {
		*why = "unknown state, event or actor";
		return KV_EINVAL;
	}
	t = &transitions[ev];
	if (!(t->actors & A(actor))) {
		*why = "your role cannot do this to a submission";
		return KV_EPERM;
	}
	if (!(t->from & S(from))) {
		*why = t->wrong_state;
		return KV_ECONFLICT;
	}
	*to = t->to;
	*why = NULL;
	return KV_OK;
}

enum kv_err workflow_check_submit(const struct submit_facts *f, const char **why)
{
	if (!f->agreement_active)
		*why = "the institution has no active data processing agreement with the lab; "
		       "ask the lab admin to activate one";
	else if (!f->therapist_signed)
		*why = "you have not signed the institution's active data processing agreement; "
		       "ask the lab admin to add you as a signatory";
	else if (!f->consent_declared)
		*why = "no consent is declared for this patient case; declare the patient's "
		       "written consent first";
	else if (f->consent_withdrawn)
		*why = "the patient has withdrawn consent for this case";
	else if (!f->consent_covers_qa)
		*why = "the patient's consent does not cover quality assurance";
	else if (!f->has_session_details)
		*why =
		    "the session date, session number, modality and instrument must be filled in";
	else if (!f->declared_consent)
		*why = "declare that the patient signed written consent before the recording";
	else if (!f->declared_no_identifiers)
		*why = "declare that the recording contains no full names or identity numbers";
	else {
		*why = NULL;
		return KV_OK;
	}
	return KV_ERULE;
}
