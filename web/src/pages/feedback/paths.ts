/* Addresses of the feedback pages. */
export const FB_ROUTES = {
	list: '/feedback',
} as const;

/* The feedback as the therapist reads it (staff see the same page, as a preview while a draft). */
export function feedbackPath(submissionId: number): string {
	return `${FB_ROUTES.list}/${submissionId}`;
}

export function editorPath(submissionId: number): string {
	return `${FB_ROUTES.list}/${submissionId}/edit`;
}
