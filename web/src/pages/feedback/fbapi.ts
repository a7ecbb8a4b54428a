/* The feedback API: profile, written feedback and points, publishing, meetings, goals and the mail
 * outbox. Everything goes through api.ts's request() (cookie, CSRF token, error decoding). */
import { type Locale, request } from '../../api';
import type { Feedback, FeedbackListItem, Goal, GoalState, HeldInput, Meeting, MeetingInput, OutboxRow, Point, PointInput, Profile } from './types';

export const fbApi = {
	list: () => request<{ items: FeedbackListItem[] }>('GET', '/feedback'),
	profile: (id: number, lang: Locale) => request<Profile>('GET', `/submissions/${id}/profile`, { query: { lang } }),
	feedback: (id: number) => request<Feedback>('GET', `/submissions/${id}/feedback`),
	saveSummary: (id: number, summary: string, version: number) => request<Feedback>('PUT', `/submissions/${id}/feedback`, { body: { summary, version } }),
	addPoint: (id: number, p: PointInput) => request<Point>('POST', `/submissions/${id}/feedback/points`, { body: p }),
	updatePoint: (pointId: number, p: PointInput & { position: number }) => request<Point>('PUT', `/feedback-points/${pointId}`, { body: p }),
	deletePoint: (pointId: number) => request<void>('DELETE', `/feedback-points/${pointId}`),
	publish: (id: number) => request<Feedback>('POST', `/submissions/${id}/feedback/publish`, { body: {} }),

	meetings: (id: number) => request<{ items: Meeting[] }>('GET', `/submissions/${id}/meetings`),
	schedule: (id: number, m: MeetingInput) => request<Meeting>('POST', `/submissions/${id}/meetings`, { body: m }),
	reschedule: (meetingId: number, m: MeetingInput) => request<Meeting>('PUT', `/meetings/${meetingId}`, { body: { starts_at: m.starts_at, duration_min: m.duration_min, link: m.link } }),
	cancel: (meetingId: number, reason: string) => request<Meeting>('POST', `/meetings/${meetingId}/cancel`, { body: { reason } }),
	held: (meetingId: number, h: HeldInput) => request<Meeting>('POST', `/meetings/${meetingId}/held`, { body: h }),

	goals: (therapistId?: number) => request<{ items: Goal[] }>('GET', '/goals', { query: { therapist_id: therapistId } }),
	setGoal: (goalId: number, state: GoalState) => request<Goal>('PATCH', `/goals/${goalId}`, { body: { state } }),

	outbox: (meetingId: number) => request<{ items: OutboxRow[] }>('GET', '/outbox', { query: { meeting_id: meetingId } }),
	retryMail: (mailId: number) => request<OutboxRow>('POST', `/outbox/${mailId}/retry`, { body: {} }),
};

/* Downloads: plain links, so the browser sends the session cookie and saves the attachment. */
export function reportUrl(id: number, lang: Locale): string {
	return `/api/submissions/${id}/report.pdf?lang=${lang}`;
}

export function icsUrl(meetingId: number): string {
	return `/api/meetings/${meetingId}/invite.ics`;
}
