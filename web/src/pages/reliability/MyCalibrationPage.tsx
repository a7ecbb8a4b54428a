/* A rater in training: the calibration sessions to rate (in the ordinary workspace), and for each one
 * rated, the agreement with the master item by item; whether the lab's rule is met yet. */
import { useEffect, useState } from 'preact/hooks';
import { useApp } from '../../app-context';
import { ErrorNotice } from '../../components/Field';
import { PageHeading } from '../../components/PageHeading';
import { useI18n } from '../../i18n';
import { linkClick } from '../../router';
import { ratingPath } from '../workspace/paths';
import { CalibrationRule, CalibrationStatus } from './CalibrationStatus';
import { ComparisonTable } from './ComparisonTable';
import { fmt } from './format';
import { type Calibration, type CalibrationSessionResult, relApi } from './relapi';
import '../../styles/reliability.css';

export function MyCalibrationPage() {
	const { t, errorText } = useI18n();
	const [c, setC] = useState<Calibration | null>(null);
	const [error, setError] = useState('');

	useEffect(() => {
		relApi.mine().then(setC, (err: unknown) => setError(errorText(err)));
	}, []);

	const sessions = c?.sessions ?? [];
	const open = sessions.filter((s) => !s.completed);
	const done = sessions.filter((s) => s.completed);
	return (
		<div class="page rel-page">
			<PageHeading>{t('rel.my.title')}</PageHeading>
			<p class="lead">{t('rel.my.intro')}</p>
			<ErrorNotice>{error}</ErrorNotice>
			{!c && !error && <p class="loading">{t('common.loading')}</p>}
			{c && (
				<>
					<CalibrationRule c={c} />
					<CalibrationStatus c={c} id="my-status" />
					<section aria-labelledby="my-open-h">
						<h2 id="my-open-h">{t('rel.my.toRate', { n: open.length })}</h2>
						{open.length === 0 ? <p class="empty">{t('rel.my.noneOpen')}</p> : <OpenList sessions={open} />}
					</section>
					<section aria-labelledby="my-done-h">
						<h2 id="my-done-h">{t('rel.my.done', { n: done.length })}</h2>
						{done.length === 0 && <p class="empty">{t('rel.my.noneDone')}</p>}
						{done.map((s) => (
							<DoneSession key={s.session_id} s={s} />
						))}
					</section>
				</>
			)}
		</div>
	);
}

function OpenList({ sessions }: { sessions: CalibrationSessionResult[] }) {
	const { t, day } = useI18n();
	const { navigate } = useApp();
	return (
		<ul class="rel-open">
			{sessions.map((s) => (
				<li key={s.session_id}>
					<span class="item-name">{t('rel.cal.sessionName', { id: s.submission_id, date: day(s.session_date) })}</span> – {s.instrument_name ?? ''}{' '}
					{s.rating_state === 'submitted' ? (
						<span class="muted">{t('rel.my.waitingMaster')}</span>
					) : (
						<a href={ratingPath(s.rating_id)} onClick={(e) => linkClick(e, navigate, ratingPath(s.rating_id))}>
							{t('rel.my.rate')}
						</a>
					)}
				</li>
			))}
		</ul>
	);
}

function DoneSession({ s }: { s: CalibrationSessionResult }) {
	const i18n = useI18n();
	const { t, day } = i18n;
	const [open, setOpen] = useState(false);
	const id = `my-cmp-${s.session_id}`;
	return (
		<div class="card rel-done">
			<h3>{t('rel.cal.sessionName', { id: s.submission_id, date: day(s.session_date) })}</h3>
			{s.agreement && <p>{t('rel.cal.agreementLine', { mad: fmt(i18n, s.agreement.mean_abs_difference), exact: i18n.percent(s.agreement.exact ?? 0), near: i18n.percent(s.agreement.within_one ?? 0) })}</p>}
			<button type="button" class="button button-small" aria-expanded={open} aria-controls={id} onClick={() => setOpen(!open)}>
				{open ? t('rel.cal.hideItems') : t('rel.cal.showItems')}
			</button>
			<div id={id}>{open && s.comparison && <ComparisonTable id={`${id}-t`} caption={t('rel.my.cmpCaption')} rows={s.comparison} />}</div>
		</div>
	);
}
