/* Addresses of the deliberate-practice pages. */
export const PRACTICE_ROUTES = {
	practice: '/practice',
	development: '/practice/development',
} as const;
