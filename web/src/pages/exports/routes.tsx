/* The research export pages as App.tsx lists its pages, and their menu entries. */
import type { Role } from '../../api';
import type { MessageKey } from '../../i18n';
import { ExportReviewPage } from './ExportReviewPage';
import { ResearchExportsPage } from './ResearchExportsPage';
import { EX_ROUTES } from './paths';

interface PageDef {
	title: MessageKey;
	roles?: readonly Role[];
	render: (params: string[]) => preact.JSX.Element;
}

export const exportPages: Record<string, PageDef> = {
	[EX_ROUTES.mine]: { title: 'ex.title', roles: ['researcher'], render: () => <ResearchExportsPage /> },
	[EX_ROUTES.review]: { title: 'ex.review.title', roles: ['lab_admin'], render: () => <ExportReviewPage /> },
};

export function exportNav(role: Role): { path: string; label: MessageKey }[] {
	if (role === 'researcher') return [{ path: EX_ROUTES.mine, label: 'ex.nav.mine' }];
	if (role === 'lab_admin') return [{ path: EX_ROUTES.review, label: 'ex.nav.review' }];
	return [];
}

/* The overview's entry for the role, if it has one. */
export function exportHome(role: Role): { path: string; text: MessageKey; link: MessageKey } | null {
	if (role === 'researcher') return { path: EX_ROUTES.mine, text: 'ex.home.mine', link: 'ex.nav.mine' };
	if (role === 'lab_admin') return { path: EX_ROUTES.review, text: 'ex.home.review', link: 'ex.nav.review' };
	return null;
}
