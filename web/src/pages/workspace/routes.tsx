/* The rating pages as App.tsx lists its pages, and the menu entry for raters. */
import type { Role } from '../../api';
import type { MessageKey } from '../../i18n';
import { ConsensusPage } from './ConsensusPage';
import { RaterQueuePage } from './RaterQueuePage';
import { WorkspacePage } from './WorkspacePage';
import { WS_ROUTES } from './paths';

interface PageDef {
	title: MessageKey;
	roles?: readonly Role[];
	render: (params: string[]) => preact.JSX.Element;
}

const RATER: readonly Role[] = ['rater'];
const RATING_WORK: readonly Role[] = ['rater', 'supervisor', 'lab_admin'];

export const workspacePages: Record<string, PageDef> = {
	[WS_ROUTES.queue]: { title: 'ws.queue.title', roles: RATER, render: () => <RaterQueuePage /> },
};

export const workspacePatterns: [RegExp, PageDef][] = [
	[/^\/ratings\/(\d+)$/, { title: 'ws.title', roles: RATING_WORK, render: ([id]) => <WorkspacePage id={Number(id)} /> }],
	[/^\/consensus\/(\d+)$/, { title: 'ws.cmp.title', roles: RATING_WORK, render: ([id]) => <ConsensusPage submissionId={Number(id)} /> }],
];

export function workspaceNav(role: Role): { path: string; label: MessageKey }[] {
	return role === 'rater' ? [{ path: WS_ROUTES.queue, label: 'ws.nav.queue' }] : [];
}
