/* The rater's queue ("My ratings"): the sessions to rate, soonest due first, each with the therapist's
 * questions and a way into the workspace; below, the ratings already submitted and, once every rater
 * has submitted, the way to the comparison and the consensus. */
import { useEffect, useState } from 'preact/hooks';
import { useApp } from '../../app-context';
import { ErrorNotice } from '../../components/Field';
import { PageHeading } from '../../components/PageHeading';
import { StateBadge } from '../../components/StateBadge';
import { useI18n } from '../../i18n';
import { linkClick } from '../../router';
import { consensusPath, ratingPath } from './paths';
import type { MyAssignment } from './types';
import { wsApi } from './wsapi';
import '../../styles/workspace.css';

const COMPARABLE = ['rated', 'consensus', 'approved', 'feedback_published', 'closed'];

function today(): string {
	const d = new Date();
	return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export function RaterQueuePage() {
	const { t, errorText } = useI18n();
	const [items, setItems] = useState<MyAssignment[] | null>(null);
	const [error, setError] = useState('');

	useEffect(() => {
		let live = true;
		wsApi.myAssignments().then(
			(r) => live && setItems(r.items),
			(err: unknown) => live && setError(errorText(err)),
		);
		return () => {
			live = false;
		};
	}, []);

	const open = items?.filter((a) => a.rating_state === 'in_progress') ?? [];
	const doneList = items?.filter((a) => a.rating_state !== 'in_progress') ?? [];
	return (
		<div class="page">
			<PageHeading>{t('ws.queue.title')}</PageHeading>
			<p class="lead">{t('ws.queue.intro')}</p>
			<ErrorNotice>{error}</ErrorNotice>
			{items === null && !error && <p class="loading">{t('common.loading')}</p>}
			{items !== null && (
				<>
					<section aria-labelledby="q-open-h">
						<h2 id="q-open-h">{t('ws.queue.open', { n: open.length })}</h2>
						{open.length === 0 ? <p class="empty">{t('ws.queue.none')}</p> : <QueueList items={open} />}
					</section>
					{doneList.length > 0 && (
						<section aria-labelledby="q-done-h">
							<h2 id="q-done-h">{t('ws.queue.submitted', { n: doneList.length })}</h2>
							<QueueList items={doneList} />
						</section>
					)}
				</>
			)}
		</div>
	);
}

function QueueList({ items }: { items: MyAssignment[] }) {
	const { t, day } = useI18n();
	const { navigate } = useApp();
	const now = today();
	return (
		<ul class="ws-queue">
			{items.map((a) => {
				const title = [a.session_number ? t('ws.session', { n: a.session_number }) : t('ws.sessionUnknown'), a.session_date ? day(a.session_date) : ''].filter(Boolean).join(', ');
				const overdue = a.rating_state === 'in_progress' && a.due_date !== null && a.due_date < now;
				const hid = `q-${a.id}-h`;
				return (
					<li class="card ws-queue-item" key={a.id} aria-labelledby={hid}>
						<div class="ws-queue-head">
							<h3 id={hid}>{title}</h3>
							<span class={`badge ${a.rating_state === 'in_progress' ? 'badge-info' : 'badge-ok'}`}>{t(`ws.state.${a.rating_state}`)}</span>
							<StateBadge state={a.submission_state} />
						</div>
						<dl class="facts ws-queue-facts">
							<dt>{t('ws.queue.institution')}</dt>
							<dd>{a.institution_name}</dd>
							<dt>{t('ws.queue.therapist')}</dt>
							<dd>{a.therapist_name || t('common.none')}</dd>
							<dt>{t('ws.queue.instrument')}</dt>
							<dd>{a.instrument_name ?? t('common.none')}</dd>
							{a.modality && (
								<>
									<dt>{t('ws.queue.modality')}</dt>
									<dd>{t(a.modality === 'group' ? 'ws.modality.group' : 'ws.modality.individual')}</dd>
								</>
							)}
							<dt>{t('ws.queue.due')}</dt>
							<dd>
								{a.due_date ? day(a.due_date) : t('common.none')}
								{overdue && <span class="badge badge-warn ws-overdue">{t('ws.queue.overdue')}</span>}
							</dd>
						</dl>
						{a.questions && (
							<div class="ws-queue-questions">
								<h4>{t('ws.questions')}</h4>
								<p class="pre-line">{a.questions}</p>
							</div>
						)}
						<div class="button-row">
							<a class={`button ${a.rating_state === 'in_progress' ? 'button-primary' : ''}`} href={ratingPath(a.rating_id)} onClick={(e) => linkClick(e, navigate, ratingPath(a.rating_id))}>
								{a.rating_state === 'in_progress' ? t('ws.queue.openRating') : t('ws.queue.viewRating')}
								<span class="visually-hidden"> – {title}</span>
							</a>
							{COMPARABLE.includes(a.submission_state) && (
								<a class="button" href={consensusPath(a.submission_id)} onClick={(e) => linkClick(e, navigate, consensusPath(a.submission_id))}>
									{t('ws.queue.compare')}
									<span class="visually-hidden"> – {title}</span>
								</a>
							)}
						</div>
					</li>
				);
			})}
		</ul>
	);
}
