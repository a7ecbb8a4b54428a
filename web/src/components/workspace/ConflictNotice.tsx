/* After a version conflict: the rating was changed in another tab or by another person. The workspace
 * now shows the saved rating; this says what differs from what the rater had, so nothing is lost
 * silently, and the rater carries on from the saved version. */
import { useEffect, useRef } from 'preact/hooks';
import { useI18n } from '../../i18n';
import type { Form } from '../../pages/workspace/instrument';
import type { RatingDiff } from '../../pages/workspace/ops';
import { ivTime } from './InterventionList';
import { facetKey } from './ScoreForm';

export function ConflictNotice({ diff, form, onDismiss }: { diff: RatingDiff; form: Form; onDismiss: () => void }) {
	const { t } = useI18n();
	const ref = useRef<HTMLDivElement>(null);
	useEffect(() => {
		ref.current?.focus();
	}, []);
	const facetName = (f: string) => {
		const k = facetKey(f);
		return k ? t(k) : f;
	};
	const none = t('ws.conflict.none');
	const score = (v: number | null) => (v === null ? none : String(v));
	return (
		<div ref={ref} class="notice notice-warn ws-conflict" role="alert" tabIndex={-1} aria-labelledby="ws-conflict-h">
			<h2 id="ws-conflict-h">{t('ws.conflict.title')}</h2>
			<p>{t('ws.conflict.intro')}</p>
			<ul>
				{diff.scores.map((s) => (
					<li key={s.key}>{t('ws.conflict.score', { name: form.scoreName(s.key, facetName), mine: score(s.mine), saved: score(s.saved) })}</li>
				))}
				{diff.removed.map((iv) => (
					<li key={`r${iv.client_id}`}>{t('ws.conflict.removed', { at: ivTime(iv), code: iv.code })}</li>
				))}
				{diff.added.map((iv) => (
					<li key={`a${iv.client_id}`}>{t('ws.conflict.added', { at: ivTime(iv), code: iv.code })}</li>
				))}
				{diff.changed.map((c) => (
					<li key={`c${c.mine.client_id}`}>{t('ws.conflict.changed', { at: ivTime(c.mine), code: c.mine.code, savedAt: ivTime(c.saved), savedCode: c.saved.code })}</li>
				))}
				{diff.notes && <li>{t('ws.conflict.notes')}</li>}
			</ul>
			<button type="button" class="button button-small" onClick={onDismiss}>
				{t('ws.conflict.dismiss')}
			</button>
		</div>
	);
}
