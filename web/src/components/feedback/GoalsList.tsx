/* Practice goals agreed in feedback meetings: what to practise, the target, when to look at it again,
 * and whether it is still being worked on. The therapist marks a goal achieved or dropped (or takes
 * it up again); a review date that has passed is pointed out. */
import { useState } from 'preact/hooks';
import { useI18n } from '../../i18n';
import { fbApi } from '../../pages/feedback/fbapi';
import type { Goal, GoalState } from '../../pages/feedback/types';
import { ErrorNotice } from '../Field';

interface Props {
	goals: Goal[];
	/* The therapist may change a goal's state; staff only read. */
	editable: boolean;
	onChange?: (g: Goal) => void;
	/* Show which session a goal came from (on the overview, not on one feedback). */
	sessionOf?: (g: Goal) => string | null;
}

const TONE: Record<GoalState, string> = { active: 'info', achieved: 'ok', dropped: 'off' };

export function GoalsList({ goals, editable, onChange, sessionOf }: Props) {
	const { t, day, errorText } = useI18n();
	const [busy, setBusy] = useState<number | null>(null);
	const [error, setError] = useState('');
	const today = new Date().toISOString().slice(0, 10);
	if (goals.length === 0) return <p class="empty">{t('fb.goals.none')}</p>;
	const order: Record<GoalState, number> = { active: 0, achieved: 1, dropped: 2 };
	const sorted = [...goals].sort((a, b) => order[a.state] - order[b.state] || a.review_date.localeCompare(b.review_date));

	async function set(g: Goal, state: GoalState) {
		setBusy(g.id);
		setError('');
		try {
			onChange?.(await fbApi.setGoal(g.id, state));
		} catch (err) {
			setError(errorText(err));
		}
		setBusy(null);
	}

	return (
		<>
			<ErrorNotice>{error}</ErrorNotice>
			<ul class="fb-goals">
				{sorted.map((g) => {
					const due = g.state === 'active' && g.review_date <= today;
					const from = sessionOf?.(g) ?? null;
					return (
						<li key={g.id} class={`fb-goal fb-goal-${g.state}`}>
							<p class="fb-goal-head">
								<span class={`badge badge-${TONE[g.state]}`}>{t(`fb.goals.state.${g.state}`)}</span>
								<span class="fb-goal-item">{g.item_id === g.item_label ? g.item_label : `${g.item_id} ${g.item_label}`}</span>
							</p>
							<p class="fb-goal-desc">{g.description}</p>
							<dl class="facts">
								<div>
									<dt>{t('fb.goals.target')}</dt>
									<dd>{g.target}</dd>
								</div>
								<div>
									<dt>{t('fb.goals.review')}</dt>
									<dd>
										{day(g.review_date)}
										{due && <span class="badge badge-warn fb-goal-due">{t('fb.goals.due')}</span>}
									</dd>
								</div>
								{from && (
									<div>
										<dt>{t('fb.goals.from')}</dt>
										<dd>{from}</dd>
									</div>
								)}
							</dl>
							{editable && (
								<p class="button-row fb-no-print">
									{g.state !== 'achieved' && (
										<button type="button" class="button button-small" disabled={busy === g.id} onClick={() => set(g, 'achieved')} aria-label={t('fb.goals.markAchievedLabel', { goal: g.description })}>
											{t('fb.goals.markAchieved')}
										</button>
									)}
									{g.state !== 'dropped' && (
										<button type="button" class="button button-small button-quiet" disabled={busy === g.id} onClick={() => set(g, 'dropped')} aria-label={t('fb.goals.dropLabel', { goal: g.description })}>
											{t('fb.goals.drop')}
										</button>
									)}
									{g.state !== 'active' && (
										<button type="button" class="button button-small button-quiet" disabled={busy === g.id} onClick={() => set(g, 'active')} aria-label={t('fb.goals.reactivateLabel', { goal: g.description })}>
											{t('fb.goals.reactivate')}
										</button>
									)}
								</p>
							)}
						</li>
					);
				})}
			</ul>
		</>
	);
}
