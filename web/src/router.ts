/* A small history-API router: the server answers index.html for every path outside /api. */
import { useEffect, useState } from 'preact/hooks';

export const ROUTES = {
	home: '/',
	users: '/users',
	audit: '/audit',
	tokens: '/tokens',
	account: '/account',
	submissions: '/submissions',
	newSubmission: '/submissions/new',
	cases: '/cases',
	inbox: '/inbox',
	institutions: '/institutions',
	myInstitution: '/my-institution',
} as const;

/* One submission; with a step, that step of the requisition wizard. */
export function submissionPath(id: number, step?: string): string {
	return step ? `${ROUTES.submissions}/${id}/${step}` : `${ROUTES.submissions}/${id}`;
}

export function institutionPath(id: number): string {
	return `${ROUTES.institutions}/${id}`;
}

export function usePath(): [string, (path: string) => void] {
	const [path, setPath] = useState(() => location.pathname);
	useEffect(() => {
		const onPop = () => setPath(location.pathname);
		window.addEventListener('popstate', onPop);
		return () => window.removeEventListener('popstate', onPop);
	}, []);
	const navigate = (to: string) => {
		if (to !== location.pathname) history.pushState(null, '', to);
		setPath(to);
	};
	return [path, navigate];
}

/* A plain click on a link navigates inside the app; modified clicks keep the browser's meaning. */
export function linkClick(e: MouseEvent, navigate: (p: string) => void, href: string): void {
	if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
	e.preventDefault();
	navigate(href);
}
