/* Addresses of the rating pages. */
export const WS_ROUTES = {
	queue: '/ratings',
	approvals: '/approvals',
} as const;

export function queuePath(): string {
	return WS_ROUTES.queue;
}

export function ratingPath(id: number): string {
	return `${WS_ROUTES.queue}/${id}`;
}

export function consensusPath(submissionId: number): string {
	return `/consensus/${submissionId}`;
}
