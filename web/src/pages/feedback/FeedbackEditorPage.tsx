/* /feedback/{id}/edit, for supervisors, raters and lab admins: the profile on one side, the written
 * feedback on the other. The summary saves itself; points are written with their clips (marked in
 * the recording player), started in one click from the profile's strengths and improvement points.
 * A preview shows the feedback as the therapist will see it; a supervisor publishes it. Below, the
 * feedback meeting: booking, rebooking, cancelling, the mail to each participant, and what was agreed. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { useApp } from '../../app-context';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorNotice, InfoNotice, TextAreaField } from '../../components/Field';
import { PageHeading } from '../../components/PageHeading';
import { type ClipRequest, RecordingPlayer } from '../../components/RecordingPlayer';
import { StateBadge } from '../../components/StateBadge';
import { BalanceFigure } from '../../components/feedback/BalanceFigure';
import { FeedbackView } from '../../components/feedback/FeedbackView';
import { MailStatus } from '../../components/feedback/MailStatus';
import { MeetingPanel } from '../../components/feedback/MeetingPanel';
import { PointForm } from '../../components/feedback/PointForm';
import { clipRange, sortPoints } from '../../components/feedback/PointsView';
import { ProfileView } from '../../components/feedback/ProfileView';
import { SaveState } from '../../components/feedback/SaveState';
import { Starters } from '../../components/feedback/Starters';
import { useI18n } from '../../i18n';
import { linkClick } from '../../router';
import { fbApi, reportUrl } from './fbapi';
import { numbers, scaleOf } from './format';
import { type FeedbackData, useFeedbackData } from './load';
import { FB_ROUTES, feedbackPath } from './paths';
import { ProblemNotice } from './FeedbackPage';
import { useSummaryAutosave } from './summaryAutosave';
import type { Feedback, Point, PointInput } from './types';
import '../../styles/feedback.css';

export function FeedbackEditorPage({ id }: { id: number }) {
	const { t, locale } = useI18n();
	const { navigate } = useApp();
	const { data, problem, update, reload } = useFeedbackData(id, locale, true);
	return (
		<div class="page fb-page fb-editor-page">
			{!data ? (
				<>
					<PageHeading>{t('fb.edit.title')}</PageHeading>
					<p class="back-link">
						<a href={FB_ROUTES.list} onClick={(e) => linkClick(e, navigate, FB_ROUTES.list)}>
							{t('fb.page.backStaff')}
						</a>
					</p>
					{problem ? <ProblemNotice problem={problem} /> : <p class="loading">{t('common.loading')}</p>}
				</>
			) : (
				<Editor key={data.feedback.submission_id} data={data} update={update} reload={reload} />
			)}
		</div>
	);
}

interface Conflict {
	mine: string;
	saved: string;
	added: string[];
	removed: string[];
}

function Editor({ data, update, reload }: { data: FeedbackData; update: (fn: (d: FeedbackData) => FeedbackData) => void; reload: () => void }) {
	const { t, locale, day, errorText } = useI18n();
	const { user, navigate, announce } = useApp();
	const { profile, feedback } = data;
	const nums = numbers(locale);
	const scale = scaleOf(profile, data.def);
	const published = !!feedback.published_at;
	const [preview, setPreview] = useState(false);
	const [conflict, setConflict] = useState<Conflict | null>(null);
	const [notice, setNotice] = useState('');
	const [rejected, setRejected] = useState('');
	const [editing, setEditing] = useState<{ point: Point | null; initial: PointInput } | null>(null);
	const [deleting, setDeleting] = useState<Point | null>(null);
	const [busy, setBusy] = useState(false);
	const [actionError, setActionError] = useState('');
	const [publishing, setPublishing] = useState(false);
	const [clip, setClip] = useState<ClipRequest | null>(null);
	const clipSeq = useRef(0);
	const playerTime = useRef(0);
	/* The summary as the server last had it: a reload that shows another means someone else wrote. */
	const serverSummary = useRef(feedback.summary);
	const pointsSeen = useRef(feedback.points);
	const conflictRef = useRef<HTMLDivElement>(null);

	const setFeedback = (f: Feedback) => {
		serverSummary.current = f.summary;
		pointsSeen.current = f.points;
		update((d) => ({ ...d, feedback: f }));
	};

	const summary = useSummaryAutosave(user.id, feedback, {
		onSaved: (f) => setFeedback({ ...f, points: f.points ?? pointsSeen.current }),
		onConflict: (mine, saved) => {
			const before = new Set(pointsSeen.current.map((p) => p.title));
			const after = new Set(saved.points.map((p) => p.title));
			setConflict({ mine, saved: saved.summary, added: [...after].filter((x) => !before.has(x)), removed: [...before].filter((x) => !after.has(x)) });
			setFeedback(saved);
		},
		onLocked: (saved) => {
			setFeedback(saved);
			setNotice(t('fb.edit.lockedNow'));
		},
		onRejected: (err) => setRejected(t('fb.edit.summaryRejected', { why: err.fields.summary ?? errorText(err) })),
	});

	useEffect(() => {
		if (conflict) conflictRef.current?.focus();
	}, [conflict]);

	const lastStatus = useRef(summary.status);
	useEffect(() => {
		if (summary.status === 'offline' && lastStatus.current !== 'offline') announce(t('fb.save.offlineSaid'));
		if (summary.status === 'saved' && lastStatus.current === 'offline') announce(t('fb.save.backSaid'));
		lastStatus.current = summary.status;
	}, [summary.status]);

	/* Points may move the feedback's version: read it again and carry on from it. */
	async function refresh() {
		try {
			const f = await fbApi.feedback(feedback.submission_id);
			if (f.summary === serverSummary.current) summary.rebase(f);
			setFeedback(f);
		} catch {
			reload();
		}
	}

	async function savePoint(input: PointInput) {
		const p = editing?.point ?? null;
		if (p) await fbApi.updatePoint(p.id, { ...input, position: p.position });
		else await fbApi.addPoint(feedback.submission_id, input);
		setEditing(null);
		announce(p ? t('fb.point.saved') : t('fb.point.added'));
		await refresh();
	}

	async function removePoint() {
		if (!deleting) return;
		setBusy(true);
		setActionError('');
		try {
			await fbApi.deletePoint(deleting.id);
			setDeleting(null);
			announce(t('fb.point.deleted'));
			await refresh();
		} catch (err) {
			setActionError(errorText(err));
		}
		setBusy(false);
	}

	/* Moves a point up or down among its kind by swapping positions with its neighbour. */
	async function move(p: Point, dir: -1 | 1) {
		const same = sortPoints(feedback.points).filter((x) => x.kind === p.kind);
		const i = same.findIndex((x) => x.id === p.id);
		const other = same[i + dir];
		if (!other) return;
		setActionError('');
		try {
			const body = (x: Point, position: number) => ({ kind: x.kind, item_id: x.item_id, title: x.title, body: x.body, position, clips: x.clips.map(({ start_ms, end_ms, label }) => ({ start_ms, end_ms, label })) });
			const a = p.position === other.position ? other.position + dir : other.position;
			await fbApi.updatePoint(p.id, body(p, a));
			await fbApi.updatePoint(other.id, body(other, p.position));
			await refresh();
			announce(t('fb.point.moved'));
		} catch (err) {
			setActionError(errorText(err));
		}
	}

	async function publish() {
		setBusy(true);
		setActionError('');
		try {
			await summary.flushNow();
			if (!summary.settled()) throw new Error('unsaved');
			const f = await fbApi.publish(feedback.submission_id);
			summary.lock();
			setFeedback(f);
			setPublishing(false);
			announce(t('fb.publish.done'));
		} catch (err) {
			setActionError(err instanceof Error && err.message === 'unsaved' ? t('fb.publish.unsaved') : errorText(err));
		}
		setBusy(false);
	}

	function playClip(startMs: number, endMs: number) {
		clipSeq.current += 1;
		setClip({ start: startMs / 1000, end: endMs / 1000, seq: clipSeq.current });
	}

	const rec = feedback.recording;
	const canPlay = !!rec && rec.available;
	const itemLabel = (item: string) => {
		const it = profile.items.find((i) => i.id === item);
		return it ? `${it.id} ${it.label}` : item;
	};
	const points = sortPoints(feedback.points);
	const written = feedback.summary.trim() !== '' || feedback.points.length > 0;
	const title = [feedback.therapist.name, feedback.session_date ? day(feedback.session_date) : ''].filter(Boolean).join(', ');

	return (
		<>
			<div class="page-head fb-head">
				<div class="page-head-start">
					<PageHeading>{t('fb.edit.titleFor', { who: title })}</PageHeading>
					<p class="fb-facts">
						<StateBadge state={feedback.state} /> {profile.instrument.name} · {feedback.institution_name}
					</p>
				</div>
				<div class="fb-head-tools">
					{!published && <SaveState status={summary.status} />}
					<div class="button-row">
						<button type="button" class="button" aria-pressed={preview ? 'true' : 'false'} onClick={() => setPreview((v) => !v)}>
							{preview ? t('fb.edit.backToEditor') : t('fb.edit.preview')}
						</button>
						<a class="button" href={reportUrl(feedback.submission_id, locale)} download>
							{t('fb.edit.report')}
						</a>
						{published && (
							<a class="button" href={feedbackPath(feedback.submission_id)} onClick={(e) => linkClick(e, navigate, feedbackPath(feedback.submission_id))}>
								{t('fb.edit.open')}
							</a>
						)}
						{!published && user.role === 'supervisor' && (
							<button type="button" class="button button-primary" disabled={!written} onClick={() => setPublishing(true)}>
								{t('fb.publish.button')}
							</button>
						)}
					</div>
				</div>
			</div>
			<p class="back-link">
				<a href={FB_ROUTES.list} onClick={(e) => linkClick(e, navigate, FB_ROUTES.list)}>
					{t('fb.page.backStaff')}
				</a>
			</p>

			{published && feedback.published_at && (
				<InfoNotice>{t('fb.edit.published', { date: day(feedback.published_at), name: feedback.published_by_name ?? t('common.none') })}</InfoNotice>
			)}
			{published && feedback.mail && <MailStatus id="fb-notice-mail" notice mail={feedback.mail} canRetry={user.role === 'lab_admin'} onRetried={reload} />}
			{!published && user.role !== 'supervisor' && <p class="hint">{t('fb.publish.supervisorOnly')}</p>}
			{!published && user.role === 'supervisor' && !written && <p class="hint">{t('fb.publish.nothingYet')}</p>}
			{notice && <InfoNotice>{notice}</InfoNotice>}
			<ErrorNotice>{actionError && !publishing && !deleting ? actionError : ''}</ErrorNotice>
			{conflict && (
				<div ref={conflictRef} class="notice notice-warn fb-conflict" role="alert" tabIndex={-1} aria-labelledby="fb-conflict-h">
					<h2 id="fb-conflict-h">{t('fb.conflict.title')}</h2>
					<p>{t('fb.conflict.intro')}</p>
					<ul>
						{conflict.mine !== conflict.saved && <li>{t('fb.conflict.summary')}</li>}
						{conflict.added.map((x) => (
							<li key={`a${x}`}>{t('fb.conflict.added', { title: x })}</li>
						))}
						{conflict.removed.map((x) => (
							<li key={`r${x}`}>{t('fb.conflict.removed', { title: x })}</li>
						))}
					</ul>
					{conflict.mine !== conflict.saved && conflict.mine.trim() !== '' && (
						<div class="field">
							<label for="fb-conflict-mine">{t('fb.conflict.yourText')}</label>
							<textarea id="fb-conflict-mine" readOnly rows={4} value={conflict.mine} />
						</div>
					)}
					<button type="button" class="button button-small" onClick={() => setConflict(null)}>
						{t('fb.conflict.dismiss')}
					</button>
				</div>
			)}

			{preview ? (
				<section class="fb-preview" aria-labelledby="fb-preview-h">
					<h2 id="fb-preview-h">{t('fb.edit.previewTitle')}</h2>
					<p class="hint">{t('fb.edit.previewIntro')}</p>
					<FeedbackView data={{ ...data, feedback: { ...feedback, summary: summary.text } }} goalsEditable={false} id="pv" />
				</section>
			) : (
				<div class="fb-editor">
					<section class="fb-editor-profile" aria-labelledby="fb-ed-profile-h">
						<h2 id="fb-ed-profile-h">{t('fb.edit.profile')}</h2>
						{profile.balance && <BalanceFigure id="ed-balance" balance={profile.balance} scale={scale} goodEnough={profile.good_enough} nums={nums} />}
						<ProfileView profile={profile} scale={scale} nums={nums} id="ed" submissionId={feedback.submission_id} withTrend />
					</section>

					<section class="fb-editor-main" aria-labelledby="fb-ed-main-h">
						<h2 id="fb-ed-main-h">{t('fb.edit.written')}</h2>
						{published ? (
							<>
								<h3>{t('fb.edit.summary')}</h3>
								<p class="pre-line">{feedback.summary || t('common.none')}</p>
							</>
						) : (
							<>
								<TextAreaField id="fb-summary" label={t('fb.edit.summary')} value={summary.text} onInput={summary.change} rows={6} maxLength={10000} hint={t('fb.edit.summaryHint')} error={rejected || undefined} />
							</>
						)}

						{canPlay && rec && (
							<div class="fb-editor-player">
								<h3>{t('fb.edit.recording')}</h3>
								<RecordingPlayer rec={{ id: rec.id, duration: rec.duration }} label={t('fb.clips.playerLabel')} id="ed-player" clip={clip} onTime={(s) => (playerTime.current = s)} focusOnOpen={false} />
							</div>
						)}
						{rec && !rec.available && <p class="notice notice-info">{t('fb.clips.deleted')}</p>}

						<h3 id="fb-points-h">{t('fb.edit.points', { n: points.length })}</h3>
						{points.length === 0 ? (
							<p class="empty">{t('fb.points.noneYet')}</p>
						) : (
							<ol class="fb-points fb-points-edit" aria-labelledby="fb-points-h">
								{points.map((p) => {
									const same = points.filter((x) => x.kind === p.kind);
									const i = same.indexOf(p);
									return (
										<li key={p.id} class={`fb-point fb-point-${p.kind}`}>
											{editing?.point?.id === p.id ? (
												<PointForm
													id={`pf-${p.id}`}
													heading={t('fb.point.editTitle', { title: p.title })}
													initial={editing.initial}
													items={profile.items}
													now={canPlay ? () => playerTime.current : null}
													duration={rec?.duration ?? null}
													onPlay={canPlay ? playClip : null}
													onSave={savePoint}
													onCancel={() => setEditing(null)}
												/>
											) : (
												<>
													<p class="fb-point-kind">
														<span class={`badge badge-${p.kind === 'strength' ? 'ok' : 'info'}`}>{p.kind === 'strength' ? t('fb.kind.strength') : t('fb.kind.improvement')}</span>
														{p.item_id && <span class="fb-point-item">{itemLabel(p.item_id)}</span>}
													</p>
													<h4 class="fb-point-title">{p.title}</h4>
													{p.body && <p class="pre-line">{p.body}</p>}
													{p.clips.length > 0 && (
														<ul class="fb-clips">
															{p.clips.map((c) => (
																<li key={c.id}>
																	{canPlay ? (
																		<button type="button" class="button button-small" aria-label={t('fb.clips.playLabel', { range: clipRange(c), label: c.label || p.title })} onClick={() => playClip(c.start_ms, c.end_ms)}>
																			<span aria-hidden="true">▶ </span>
																			{t('fb.clips.play', { range: clipRange(c) })}
																		</button>
																	) : (
																		<span class="fb-clip-time">{clipRange(c)}</span>
																	)}
																	{c.label && <span class="fb-clip-label">{c.label}</span>}
																</li>
															))}
														</ul>
													)}
													{!published && (
														<p class="button-row">
															<button type="button" class="button button-small" disabled={!!editing} onClick={() => setEditing({ point: p, initial: { kind: p.kind, item_id: p.item_id, title: p.title, body: p.body, clips: p.clips } })} aria-label={t('fb.point.editLabel', { title: p.title })}>
																{t('fb.point.edit')}
															</button>
															<button type="button" class="button button-small button-quiet" disabled={i <= 0 || !!editing} onClick={() => move(p, -1)} aria-label={t('fb.point.upLabel', { title: p.title })}>
																{t('fb.point.up')}
															</button>
															<button type="button" class="button button-small button-quiet" disabled={i >= same.length - 1 || !!editing} onClick={() => move(p, 1)} aria-label={t('fb.point.downLabel', { title: p.title })}>
																{t('fb.point.down')}
															</button>
															<button type="button" class="button button-small button-danger-quiet" disabled={!!editing} onClick={() => setDeleting(p)} aria-label={t('fb.point.deleteLabel', { title: p.title })}>
																{t('fb.point.delete')}
															</button>
														</p>
													)}
												</>
											)}
										</li>
									);
								})}
							</ol>
						)}
						{!published && editing && editing.point === null && (
							<div class="fb-new-point">
								<PointForm
									id="pf-new"
									heading={t('fb.point.newTitle')}
									initial={editing.initial}
									items={profile.items}
									now={canPlay ? () => playerTime.current : null}
									duration={rec?.duration ?? null}
									onPlay={canPlay ? playClip : null}
									onSave={savePoint}
									onCancel={() => setEditing(null)}
								/>
							</div>
						)}
						{!published && !editing && (
							<p class="button-row">
								<button type="button" class="button" onClick={() => setEditing({ point: null, initial: { kind: 'strength', item_id: null, title: '', body: '', clips: [] } })}>
									{t('fb.point.add')}
								</button>
							</p>
						)}
						{!published && <Starters profile={profile} points={feedback.points} nums={nums} disabled={!!editing} onStart={(p) => setEditing({ point: null, initial: p })} />}
					</section>
				</div>
			)}

			{/* The preview shows the meeting as the therapist sees it; the panel to manage it is here. */}
			{!preview && <MeetingPanel data={data} onMeetings={(ms) => update((d) => ({ ...d, meetings: ms }))} onHeld={reload} />}

			{publishing && (
				<ConfirmDialog id="fb-publish" title={t('fb.publish.title')} confirmLabel={t('fb.publish.confirm')} onConfirm={publish} onClose={() => setPublishing(false)} busy={busy} error={actionError} danger={false}>
					<p>{t('fb.publish.explain', { name: feedback.therapist.name })}</p>
					<p>{t('fb.publish.locked')}</p>
				</ConfirmDialog>
			)}
			{deleting && (
				<ConfirmDialog id="fb-delete" title={t('fb.point.deleteTitle', { title: deleting.title })} confirmLabel={t('fb.point.delete')} onConfirm={removePoint} onClose={() => setDeleting(null)} busy={busy} error={actionError}>
					<p>{t('fb.point.deleteExplain')}</p>
				</ConfirmDialog>
			)}
		</>
	);
}
