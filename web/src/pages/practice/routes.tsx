/* The practice pages as App.tsx lists its pages, the menu entry for therapists, and the notice of
 * goals due for review on the overview. */
import { useState } from 'preact/hooks';
import { useLoad } from '../../components/useLoad';
import type { Role } from '../../api';
import { useApp } from '../../app-context';
import { type MessageKey, useI18n } from '../../i18n';
import { linkClick } from '../../router';
import { DevelopmentPage } from './DevelopmentPage';
import { PracticePage } from './PracticePage';
import { PRACTICE_ROUTES } from './paths';
import { practiceApi } from './practiceApi';

interface PageDef {
	title: MessageKey;
	roles?: readonly Role[];
	render: (params: string[]) => preact.JSX.Element;
}

const THERAPIST: readonly Role[] = ['therapist'];

export const practicePages: Record<string, PageDef> = {
	[PRACTICE_ROUTES.practice]: { title: 'practice.title', roles: THERAPIST, render: () => <PracticePage /> },
	[PRACTICE_ROUTES.development]: { title: 'practice.dev.title', roles: THERAPIST, render: () => <DevelopmentPage /> },
};

export function practiceNav(role: Role): { path: string; label: MessageKey }[] {
	return role === 'therapist' ? [{ path: PRACTICE_ROUTES.practice, label: 'practice.nav' }] : [];
}

/* On the therapist's overview: goals whose review date has come, with a link to the practice page. */
export function PracticeDueNotice() {
	const { t } = useI18n();
	const { user, navigate } = useApp();
	const [due, setDue] = useState(0);

	useLoad(
		user.role === 'therapist' ? () => practiceApi.goals() : null,
		(r) => setDue(r.items.filter((g) => g.due_for_review).length),
		() => undefined,
		[user.role],
	);

	if (!due) return null;
	return (
		<div class="notice notice-warn" role="note">
			{t('practice.due.home', { n: due })}{' '}
			<a href={PRACTICE_ROUTES.practice} onClick={(e) => linkClick(e, navigate, PRACTICE_ROUTES.practice)}>
				{t('practice.due.open')}
			</a>
		</div>
	);
}
