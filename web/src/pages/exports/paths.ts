/* Addresses of the research export pages. */
export const EX_ROUTES = {
	mine: '/exports',
	review: '/export-requests',
} as const;

/* Where a ready export's file is downloaded from (the browser sends the session cookie). */
export function exportFileUrl(id: number, name: string): string {
	return `/api/exports/${id}/${name}`;
}
