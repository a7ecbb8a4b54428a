/* The path of one submission: its states, the events that move it, who may cause each, and
 * what submitting requires. Pure rules; the API applies them inside a transaction. */
#ifndef KV_WORKFLOW_H
#define KV_WORKFLOW_H

#include "core/err.h"
#include "core/role.h"

enum sub_state {
	SUB_DRAFT,
	SUB_SUBMITTED,          /* requisition sent; waiting for the recording */
	SUB_RECORDING_READY,    /* recording uploaded and verified as media */
	SUB_ASSIGNED,           /* raters assigned, rating under way */
	SUB_RATED,              /* every assigned rater has submitted */
	SUB_CONSENSUS,          /* consensus rating made, waiting for the supervisor */
	SUB_APPROVED,           /* supervisor approved; feedback being written */
	SUB_FEEDBACK_PUBLISHED, /* the therapist can read the feedback */
	SUB_CLOSED,             /* feedback meeting held; retention countdown running */
	SUB_WITHDRAWN,          /* consent withdrawn; recording shredded */
	SUB_STATE__MAX
};

enum sub_event {
	EV_SUBMIT,
	EV_RECORDING_VERIFIED,
	EV_ASSIGN,
	EV_RATINGS_COMPLETE,
	EV_CONSENSUS_MADE,
	EV_SEND_BACK,
	EV_APPROVE,
	EV_PUBLISH_FEEDBACK,
	EV_MEETING_HELD,
	EV_WITHDRAW,
	EV_REOPEN, /* a supervisor reopens a submitted rating before the consensus */
	EV__MAX
};

/* Events the server itself causes (e.g. a verified upload) carry this actor instead of a role. */
#define WF_ACTOR_SYSTEM ROLE__MAX

const char *workflow_state_name(enum sub_state s);
/* Returns the state for a name, or -1. */
int workflow_state_parse(const char *name);
const char *workflow_event_name(enum sub_event e);

/* Applies ev to a submission in state from, caused by actor (a role or WF_ACTOR_SYSTEM).
 * KV_OK and *to set; KV_EPERM when that actor may never cause ev; KV_ECONFLICT when ev is
 * not possible in state from. *why receives a sentence for the user in both cases. */
enum kv_err workflow_apply(enum sub_state from, enum sub_event ev, int actor, enum sub_state *to,
                           const char **why);

/* What must hold before a therapist may submit a requisition. */
struct submit_facts {
	int agreement_active;        /* the institution has an active, unexpired agreement */
	int therapist_signed;        /* the therapist is a signatory of that agreement */
	int consent_declared;        /* a consent declaration exists for the patient case */
	int consent_covers_qa;       /* ... and covers quality assurance */
	int consent_withdrawn;       /* ... and has not been withdrawn */
	int declared_consent;        /* the requisition's declaration: consent obtained */
	int declared_no_identifiers; /* ... and: no full names or identity numbers in the video */
	int has_session_details;     /* session date, number, modality and instrument filled in */
};

/* Returns KV_OK, or KV_ERULE with *why naming exactly what is missing (the first of them). */
enum kv_err workflow_check_submit(const struct submit_facts *f, const char **why);

#endif
