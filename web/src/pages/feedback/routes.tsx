/* The feedback pages as App.tsx lists its pages, and their menu entries. */
import type { Role } from '../../api';
import type { MessageKey } from '../../i18n';
import { FeedbackEditorPage } from './FeedbackEditorPage';
import { FeedbackListPage } from './FeedbackListPage';
import { FeedbackPage } from './FeedbackPage';
import { FB_ROUTES } from './paths';

interface PageDef {
	title: MessageKey;
	roles?: readonly Role[];
	render: (params: string[]) => preact.JSX.Element;
}

/* Who works on feedback: writes it (raters, supervisors), publishes it (supervisors), books meetings. */
export const FEEDBACK_STAFF: readonly Role[] = ['supervisor', 'rater', 'lab_admin'];
const READERS: readonly Role[] = ['therapist', ...FEEDBACK_STAFF];

export function isStaff(role: Role): boolean {
	return FEEDBACK_STAFF.includes(role);
}

export const feedbackPages: Record<string, PageDef> = {
	[FB_ROUTES.list]: { title: 'fb.nav.list', roles: READERS, render: () => <FeedbackListPage /> },
};

export const feedbackPatterns: [RegExp, PageDef][] = [
	[/^\/feedback\/(\d+)$/, { title: 'fb.page.title', roles: READERS, render: ([id]) => <FeedbackPage id={Number(id)} /> }],
	[/^\/feedback\/(\d+)\/edit$/, { title: 'fb.edit.title', roles: FEEDBACK_STAFF, render: ([id]) => <FeedbackEditorPage id={Number(id)} /> }],
];

export function feedbackNav(role: Role): { path: string; label: MessageKey }[] {
	if (role === 'therapist') return [{ path: FB_ROUTES.list, label: 'fb.nav.mine' }];
	if (isStaff(role)) return [{ path: FB_ROUTES.list, label: 'fb.nav.staff' }];
	return [];
}
