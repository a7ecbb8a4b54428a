/* Addresses of the client-outcome pages; the public answer page is /q (the token in the fragment). */
export const OC_ROUTES = {
	clients: '/clients',
	effectiveness: '/clients/effectiveness',
	aggregate: '/outcomes',
	answer: '/q',
} as const;

export function clientPath(id: number): string {
	return `${OC_ROUTES.clients}/${id}`;
}
