/* The rater's workspace for one rating (a rater's own, or the consensus): the recording with its
 * timeline, coding of interventions, the score form, autosave, and submitting. Keyboard first: every
 * action has a key (see shortcuts.ts), and every control is reachable with Tab. */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError } from '../../api';
import { useApp } from '../../app-context';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorNotice } from '../../components/Field';
import { PageHeading } from '../../components/PageHeading';
import { CodePicker } from '../../components/workspace/CodePicker';
import { ConflictNotice } from '../../components/workspace/ConflictNotice';
import { InterventionList, ivTime } from '../../components/workspace/InterventionList';
import { RatingTimeline } from '../../components/workspace/RatingTimeline';
import { SaveIndicator } from '../../components/workspace/SaveIndicator';
import { ScoreForm, facetKey } from '../../components/workspace/ScoreForm';
import { ShortcutsDialog } from '../../components/workspace/ShortcutsDialog';
import { WorkspacePlayer } from '../../components/workspace/WorkspacePlayer';
import { clockTenths, usePlayer } from '../../components/workspace/usePlayer';
import { useI18n } from '../../i18n';
import { linkClick } from '../../router';
import { REL_ROUTES } from '../reliability/paths';
import { calibrationContext } from '../reliability/relapi';
import { Autosave } from './autosave';
import { type Form, countsPerItem, makeForm, scoreControlId } from './instrument';
import { type RatingDiff, diffIsEmpty, diffRatings, interventionOp, inverseOps, newClientId } from './ops';
import { consensusPath, queuePath } from './paths';
import { type KeyMap, keyMatches, keyName, loadKeys, saveKeys, typingTarget } from './shortcuts';
import { TranscriptPanel } from './TranscriptPanel';
import type { InstrumentDef, Intervention, MyAssignment, Op, Rating, RecordingInfo } from './types';
import { errorCode, errorField, toApiError, wsApi } from './wsapi';
import '../../styles/workspace.css';

interface Context {
	title: string;
	facts: string[];
	questions: string;
	recordingId: number | null;
	due: string | null;
}

interface Loaded {
	rating: Rating;
	def: InstrumentDef;
	ctx: Context;
	recording: RecordingInfo | null;
	mediaUrl: string | null;
	mediaError: string;
}

export function WorkspacePage({ id }: { id: number }) {
	const { t, day, errorText } = useI18n();
	const { user } = useApp();
	const [loaded, setLoaded] = useState<Loaded | null>(null);
	const [error, setError] = useState('');

	useEffect(() => {
		let live = true;
		(async () => {
			const rating = await wsApi.rating(id);
			const inst = await wsApi.instrument(rating.instrument_id);
			if (!inst.definition) throw new ApiError(409, 'instrument_missing', 'no definition');
			let ctx: Context = { title: '', facts: [], questions: '', recordingId: null, due: null };
			if (user.role === 'rater') {
				const mine = (await wsApi.myAssignments()).items.find((a) => a.submission_id === rating.submission_id);
				if (mine) ctx = contextOfAssignment(mine);
				else {
					/* A calibration session's rating has no assignment: its facts come from there. */
					const cal = await calibrationContext(rating.id);
					if (cal) ctx = { title: t('ws.session', { n: cal.session.session_number ?? '' }), facts: [cal.session.instrument_name ?? ''].filter(Boolean), questions: '', recordingId: cal.session.recording_id, due: null };
				}
			} else {
				try {
					const s = await wsApi.submission(rating.submission_id);
					ctx = { title: s.case_code, facts: [], questions: s.questions ?? '', recordingId: s.recording?.id ?? null, due: null };
				} catch {
					/* the rating is still shown */
				}
			}
			let recording: RecordingInfo | null = null;
			let mediaUrl: string | null = null;
			let mediaError = '';
			if (ctx.recordingId !== null) {
				try {
					recording = await wsApi.recording(ctx.recordingId);
					mediaUrl = (await wsApi.startViewing(ctx.recordingId)).media_url;
				} catch (err) {
					mediaError = errorText(err);
				}
			} else mediaError = t('ws.player.noRecording');
			return { rating, def: inst.definition, ctx, recording, mediaUrl, mediaError };
		})().then(
			(l) => live && setLoaded(l),
			(err: unknown) => live && setError(errorText(err)),
		);
		return () => {
			live = false;
		};
	}, [id]);

	function contextOfAssignment(a: MyAssignment): Context {
		const facts = [a.institution_name, a.therapist_name ?? '', a.instrument_name ?? ''].filter(Boolean);
		const title = [a.session_number ? t('ws.session', { n: a.session_number }) : '', a.session_date ? day(a.session_date) : ''].filter(Boolean).join(', ');
		return { title, facts, questions: a.questions ?? '', recordingId: a.recording_id, due: a.due_date };
	}

	if (error)
		return (
			<div class="page">
				<PageHeading>{t('ws.title')}</PageHeading>
				<ErrorNotice>{error}</ErrorNotice>
			</div>
		);
	if (!loaded)
		return (
			<div class="page">
				<PageHeading>{t('ws.title')}</PageHeading>
				<p class="loading">{t('common.loading')}</p>
			</div>
		);
	return <Workspace key={loaded.rating.id} {...loaded} />;
}

type Picker = { draft: Intervention; isNew: boolean; back: HTMLElement | null };

function Workspace({ rating, def, ctx, recording, mediaUrl, mediaError }: Loaded) {
	const i18n = useI18n();
	const { t, locale, errorText, day } = i18n;
	const { user, navigate } = useApp();
	const form: Form = useMemo(() => makeForm(def, locale), [def, locale]);
	const durationS = recording?.duration ?? 0;
	const player = usePlayer(durationS);
	const [, setTick] = useState(0);
	const engine = useRef<Autosave | null>(null);
	const [conflict, setConflict] = useState<RatingDiff | null>(null);
	const [problem, setProblem] = useState('');
	const [selected, setSelected] = useState<string | null>(null);
	const [mark, setMark] = useState<{ start: number } | null>(null);
	const [picker, setPicker] = useState<Picker | null>(null);
	const [undo, setUndo] = useState<Op[][]>([]);
	const [keys, setKeys] = useState<KeyMap>(loadKeys);
	const [showKeys, setShowKeys] = useState(false);
	const [live, setLive] = useState('');
	const [missing, setMissing] = useState<string[]>([]);
	const [confirm, setConfirm] = useState(false);
	const [submitting, setSubmitting] = useState(false);
	const [submitError, setSubmitError] = useState('');
	const [done, setDone] = useState('');
	const missingRef = useRef<HTMLDivElement>(null);

	if (!engine.current) {
		engine.current = new Autosave(user.id, rating, {
			onUpdate: () => setTick((n) => n + 1),
			onConflict: (mine, saved) => {
				const d = diffRatings(mine, saved);
				setUndo([]);
				/* Nothing of the rater's differs: the queued change was already in, nothing to tell. */
				setConflict(diffIsEmpty(d) ? null : d);
			},
			onRejected: (err) => setProblem(t('ws.save.rejected', { why: errorText(err) })),
			onStopped: (err) => setProblem(err.code === 'rating_locked' ? t('ws.save.locked') : t('ws.save.stoppedWhy', { why: errorText(err) })),
		});
	}
	const eng = engine.current;
	useEffect(() => () => eng.dispose(), []);

	const view = eng.view();
	const canWrite =
		view.state === 'in_progress' &&
		((view.kind === 'rater' && user.role === 'rater' && view.rater_id === user.id) ||
			(view.kind === 'consensus' && (user.role === 'rater' || user.role === 'supervisor')) ||
			(view.kind === 'master' && user.role === 'supervisor'));
	const readOnly = !canWrite;
	const durationMs = Math.round((player.duration || durationS) * 1000);
	const counts = useMemo(() => countsPerItem(form, view.interventions), [form, view.interventions]);
	const current = useMemo(() => {
		const ms = player.time * 1000;
		let best: Intervention | null = null;
		for (const iv of view.interventions) if (iv.start_ms <= ms + 50) best = iv;
		return best && (best.end_ms === null ? ms - best.start_ms < 3000 : ms <= best.end_ms + 500) ? best.client_id : null;
	}, [player.time, view.interventions]);

	function say(msg: string) {
		setLive('');
		window.setTimeout(() => setLive(msg), 30);
	}

	function change(ops: Op[], undoable = true) {
		if (readOnly || !ops.length) return;
		if (undoable) setUndo((u) => [...u.slice(-49), inverseOps(eng.view(), ops)]);
		setProblem('');
		eng.push(ops);
	}

	function doUndo() {
		const last = undo[undo.length - 1];
		if (!last || readOnly) return;
		setUndo((u) => u.slice(0, -1));
		eng.push(last);
		say(t('ws.undone'));
	}

	function openPicker(draft: Intervention, isNew: boolean) {
		const back = document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null;
		setPicker({ draft, isNew, back });
	}

	function closePicker() {
		const back = picker?.back;
		setPicker(null);
		window.setTimeout(() => {
			if (back && back.isConnected) back.focus();
			else document.getElementById('ws-list')?.focus();
		}, 0);
	}

	function startOrEndMark() {
		if (readOnly || picker) return;
		const now = player.now();
		if (!mark) {
			setMark({ start: now });
			say(t('ws.mark.started', { at: clockTenths(now), key: keyName(keys.mark, t('ws.key.space')), point: keyName(keys.codePoint, t('ws.key.space')) }));
			return;
		}
		const start = Math.min(mark.start, now);
		const end = Math.max(mark.start, now);
		setMark(null);
		const span = end - start >= 0.3;
		openPicker({ client_id: newClientId(), start_ms: Math.round(start * 1000), end_ms: span ? Math.round(end * 1000) : null, code: '', within_manual: null, quality: null, note: '' }, true);
	}

	function codePoint() {
		if (!mark || readOnly) return;
		setMark(null);
		openPicker({ client_id: newClientId(), start_ms: Math.round(mark.start * 1000), end_ms: null, code: '', within_manual: null, quality: null, note: '' }, true);
	}

	function saveIntervention(iv: Intervention) {
		change([interventionOp(iv)]);
		setSelected(iv.client_id);
		say(t('ws.iv.saved', { at: ivTime(iv), code: iv.code }));
		closePicker();
	}

	function selectedIv(): Intervention | undefined {
		return view.interventions.find((x) => x.client_id === selected);
	}

	function deleteSelected() {
		const iv = selectedIv();
		if (!iv) return;
		const idx = view.interventions.indexOf(iv);
		change([{ op: 'delete_intervention', client_id: iv.client_id }]);
		const next = view.interventions[idx + 1] ?? view.interventions[idx - 1];
		setSelected(next ? next.client_id : null);
		say(t('ws.iv.deleted', { at: ivTime(iv), code: iv.code, key: keyName(keys.undo, t('ws.key.space')) }));
	}

	function select(id: string, seek = true) {
		setSelected(id);
		const iv = view.interventions.find((x) => x.client_id === id);
		if (iv && seek) player.seek(iv.start_ms / 1000);
	}

	/* Arrow keys and friends on the list or the timeline. */
	function listKeys(e: KeyboardEvent) {
		const ivs = view.interventions;
		const idx = ivs.findIndex((x) => x.client_id === selected);
		const iv = ivs[idx];
		const go = (i: number) => {
			const x = ivs[Math.min(Math.max(0, i), ivs.length - 1)];
			if (x) select(x.client_id);
		};
		if (e.altKey) return;
		if (e.key === 'ArrowDown' || e.key === 'ArrowUp') go(idx < 0 ? 0 : idx + (e.key === 'ArrowDown' ? 1 : -1));
		else if (e.key === 'Home') go(0);
		else if (e.key === 'End') go(ivs.length - 1);
		else if ((e.key === 'ArrowLeft' || e.key === 'ArrowRight') && iv && !readOnly) {
			const d = (e.key === 'ArrowLeft' ? -1 : 1) * (e.shiftKey ? 1000 : 100);
			let next: Intervention;
			if ((e.ctrlKey || e.metaKey) && iv.end_ms !== null) next = { ...iv, end_ms: Math.min(durationMs, Math.max(iv.start_ms, iv.end_ms + d)) };
			else {
				const len = (iv.end_ms ?? iv.start_ms) - iv.start_ms;
				const start = Math.min(Math.max(0, iv.start_ms + d), Math.max(0, durationMs - len));
				next = { ...iv, start_ms: start, end_ms: iv.end_ms === null ? null : start + len };
			}
			change([interventionOp(next)]);
			player.seek(next.start_ms / 1000);
			say(t('ws.iv.moved', { at: ivTime(next) }));
		} else if ((e.key === 'ArrowLeft' || e.key === 'ArrowRight') && !iv) player.skip(e.key === 'ArrowLeft' ? -1 : 1);
		else if (e.key === 'Enter' && iv && !readOnly && !mark) openPicker(iv, false);
		else if ((e.key === 'Delete' || e.key === 'Backspace') && iv && !readOnly) deleteSelected();
		else return;
		e.preventDefault();
	}

	/* The workspace's shortcuts, wherever focus is, except in text fields and the picker. */
	const handler = useRef<(e: KeyboardEvent) => void>(() => undefined);
	handler.current = (e: KeyboardEvent) => {
		if (e.defaultPrevented || e.ctrlKey || e.altKey || e.metaKey || showKeys || confirm) return;
		if (e.key === 'Escape' && mark) {
			setMark(null);
			say(t('ws.mark.cancelled'));
			e.preventDefault();
			return;
		}
		if (typingTarget(e.target)) return;
		if (document.querySelector('dialog[open]')) return;
		const is = (a: keyof KeyMap) => keyMatches(keys, a, e);
		if (mark && is('codePoint')) codePoint();
		else if (is('mark')) startOrEndMark();
		else if (e.key === 'Enter') return;
		else if (is('playPause')) player.toggle();
		else if (is('back')) player.skip(-5);
		else if (is('forward')) player.skip(5);
		else if (is('frameBack')) player.frame(-1);
		else if (is('frameForward')) player.frame(1);
		else if (is('slower')) player.faster(-1);
		else if (is('faster')) player.faster(1);
		else if (is('undo')) doUndo();
		else if (is('shortcuts')) setShowKeys(true);
		else return;
		e.preventDefault();
	};
	useEffect(() => {
		const f = (e: KeyboardEvent) => handler.current(e);
		document.addEventListener('keydown', f);
		return () => document.removeEventListener('keydown', f);
	}, []);

	/* Offline and back: said once, not at every save. */
	const lastStatus = useRef(eng.status);
	useEffect(() => {
		if (lastStatus.current !== eng.status) {
			if (eng.status === 'offline') say(t('ws.save.offlineSaid'));
			else if (eng.status === 'saved' && (lastStatus.current === 'offline' || lastStatus.current === 'retrying')) say(t('ws.save.backSaid'));
			lastStatus.current = eng.status;
		}
	});

	/* Leaving with unsaved changes loses nothing when they are kept in storage; without storage, ask. */
	useEffect(() => {
		const f = (e: BeforeUnloadEvent) => {
			if (eng.pendingCount() > 0 && !eng.durable) e.preventDefault();
		};
		window.addEventListener('beforeunload', f);
		return () => window.removeEventListener('beforeunload', f);
	}, []);

	const facetName = (f: string) => {
		const k = facetKey(f);
		return k ? t(k) : f;
	};

	function jumpTo(key: string) {
		const el = document.getElementById(scoreControlId(key));
		el?.scrollIntoView({ block: 'center' });
		(el?.querySelector<HTMLInputElement>('input:not([disabled])') ?? el)?.focus();
	}

	async function submit() {
		setSubmitting(true);
		setSubmitError('');
		(document.activeElement as HTMLElement | null)?.blur?.();
		const saved = await eng.idle();
		if (!saved) {
			setSubmitting(false);
			setSubmitError(t('ws.submit.unsaved'));
			return;
		}
		let ans;
		try {
			ans = await wsApi.submit(view.id);
		} catch (err) {
			setSubmitting(false);
			setSubmitError(errorText(err));
			return;
		}
		setSubmitting(false);
		if (ans.status === 200) {
			eng.server = ans.body as Rating;
			setConfirm(false);
			setMissing([]);
			setTick((n) => n + 1);
			setDone(view.kind === 'consensus' ? t('ws.submit.doneConsensus') : t('ws.submit.done'));
			return;
		}
		if (ans.status === 422 && errorCode(ans.body) === 'incomplete') {
			const list = errorField<string[]>(ans.body, 'missing') ?? [];
			setConfirm(false);
			setMissing(list);
			window.setTimeout(() => {
				const first = list[0];
				if (first) jumpTo(first);
			}, 0);
			return;
		}
		setSubmitError(errorText(toApiError(ans)));
	}

	const isConsensus = view.kind === 'consensus';
	const heading = `${isConsensus ? t('ws.titleConsensus') : t('ws.title')}${ctx.title ? ` – ${ctx.title}` : ''}`;
	return (
		<div class="page ws">
			<div class="ws-head">
				<div>
					<PageHeading>{heading}</PageHeading>
					<p class="ws-facts">
						{(ctx.facts.length ? ctx.facts : [form.name]).filter(Boolean).join(' · ')}
						{ctx.due && <span class="ws-due"> · {t('ws.due', { date: day(ctx.due) })}</span>}
					</p>
				</div>
				<div class="ws-head-tools">
					<SaveIndicator status={eng.status} pending={eng.pendingCount()} />
					<span class={`badge ${view.state === 'in_progress' ? 'badge-info' : 'badge-ok'}`}>{t(`ws.state.${view.state}`)}</span>
					{canWrite && (
						<button type="button" class="button button-primary" onClick={() => setConfirm(true)}>
							{isConsensus ? t('ws.submit.consensus') : t('ws.submit.button')}
						</button>
					)}
				</div>
			</div>
			<p class="visually-hidden" role="status" aria-live="polite">
				{live}
			</p>
			{isConsensus && (
				<p class="notice notice-info">
					{t('ws.consensusIntro')}{' '}
					<a href={consensusPath(view.submission_id)} onClick={(e) => linkClick(e, navigate, consensusPath(view.submission_id))}>
						{t('ws.toComparison')}
					</a>
				</p>
			)}
			{view.supervisor_comment && view.state === 'in_progress' && <p class="notice notice-warn">{t('ws.sentBack', { comment: view.supervisor_comment })}</p>}
			{view.reopen_reason && view.state === 'in_progress' && view.kind === 'rater' && <p class="notice notice-warn">{t('ws.reopened', { reason: view.reopen_reason })}</p>}
			{done && (
				<div class="notice notice-success" role="status">
					{done}{' '}
					{view.kind === 'rater' && view.assignment_id === null ? (
						<a href={REL_ROUTES.myCalibration} onClick={(e) => linkClick(e, navigate, REL_ROUTES.myCalibration)}>
							{t('rel.my.back')}
						</a>
					) : (
						<a href={queuePath()} onClick={(e) => linkClick(e, navigate, queuePath())}>
							{t('ws.backToQueue')}
						</a>
					)}
				</div>
			)}
			{conflict && <ConflictNotice diff={conflict} form={form} onDismiss={() => setConflict(null)} />}
			<ErrorNotice>{problem}</ErrorNotice>
			{missing.length > 0 && (
				<div ref={missingRef} class="notice notice-error" role="alert" aria-labelledby="ws-missing-h">
					<h2 id="ws-missing-h">{t('ws.submit.missingTitle', { n: missing.length })}</h2>
					<ul class="ws-missing">
						{missing.map((m) => (
							<li key={m}>
								<a
									href={`#${scoreControlId(m)}`}
									onClick={(e) => {
										e.preventDefault();
										jumpTo(m);
									}}
								>
									{form.scoreName(m, facetName)}
								</a>
							</li>
						))}
					</ul>
				</div>
			)}
			{ctx.questions && (
				<details class="ws-questions" open>
					<summary>{t('ws.questions')}</summary>
					<p class="pre-line">{ctx.questions}</p>
				</details>
			)}
			<div class="ws-main">
				<div class="ws-left">
					<ErrorNotice>{mediaError}</ErrorNotice>
					<WorkspacePlayer
						player={player}
						src={mediaUrl}
						isVideo={recording?.video_codec !== null && recording?.video_codec !== undefined}
						label={t('ws.player.label')}
						keys={keys}
						onShortcuts={() => setShowKeys(true)}
					/>
					<RatingTimeline
						form={form}
						interventions={view.interventions}
						duration={player.duration || durationS}
						time={player.time}
						selected={selected}
						mark={mark}
						readOnly={readOnly}
						onSeek={player.seek}
						onSelect={(id) => select(id, false)}
						onMove={(iv) => {
							change([interventionOp(iv)]);
							say(t('ws.iv.moved', { at: ivTime(iv) }));
						}}
						onKeyDown={listKeys}
					/>
					{!readOnly && (
						<div class="ws-markbar">
							{mark ? (
								<>
									<p class="ws-marking">{t('ws.mark.active', { at: clockTenths(mark.start) })}</p>
									<button type="button" class="button button-small" onClick={startOrEndMark}>
										{t('ws.mark.endSpan')}
									</button>
									<button type="button" class="button button-small" onClick={codePoint}>
										{t('ws.mark.point')}
									</button>
									<button type="button" class="button button-small button-quiet" onClick={() => setMark(null)}>
										{t('common.cancel')}
									</button>
								</>
							) : (
								<>
									<button type="button" class="button button-small" onClick={startOrEndMark} disabled={!!picker} aria-keyshortcuts={keys.mark}>
										{t('ws.mark.start')}
									</button>
									<p class="hint">{t('ws.mark.hint', { key: keyName(keys.mark, t('ws.key.space')), point: keyName(keys.codePoint, t('ws.key.space')) })}</p>
								</>
							)}
						</div>
					)}
					<TranscriptPanel
						submissionId={view.submission_id}
						player={player}
						durationMs={durationMs}
						readOnly={readOnly}
						canImport={user.role === 'rater' || user.role === 'supervisor' || user.role === 'lab_admin'}
						keys={keys}
						onCode={(start, end) => {
							/* A line of the transcript codes like a span marked with the keys. */
							if (readOnly || picker) return false;
							setMark(null);
							openPicker({ client_id: newClientId(), start_ms: start, end_ms: end, code: '', within_manual: null, quality: null, note: '' }, true);
							return true;
						}}
						say={say}
					/>
				</div>
				<div class="ws-right">
					{picker && <CodePicker key={picker.draft.client_id} form={form} draft={picker.draft} isNew={picker.isNew} durationMs={durationMs || Number.MAX_SAFE_INTEGER} onSave={saveIntervention} onCancel={closePicker} />}
					<InterventionList
						form={form}
						interventions={view.interventions}
						selected={selected}
						current={current}
						readOnly={readOnly}
						canUndo={undo.length > 0}
						onSelect={(id) => select(id)}
						onKeyDown={listKeys}
						onEdit={() => {
							const iv = selectedIv();
							if (iv) openPicker(iv, false);
						}}
						onDelete={deleteSelected}
						onUndo={doUndo}
					/>
				</div>
			</div>
			<ScoreForm
				form={form}
				scores={view.scores}
				counts={counts}
				readOnly={readOnly}
				missing={new Set(missing)}
				notes={view.notes}
				onScore={(item, facet, value) => {
					change([{ op: 'score', item, facet, value }]);
					if (value !== null && missing.includes(`${item}.${facet}`)) setMissing((m) => m.filter((x) => x !== `${item}.${facet}`));
				}}
				onNotes={(text) => change([{ op: 'notes', text }], false)}
			/>
			{canWrite && (
				<div class="form-actions ws-foot">
					<button type="button" class="button button-primary" onClick={() => setConfirm(true)}>
						{isConsensus ? t('ws.submit.consensus') : t('ws.submit.button')}
					</button>
				</div>
			)}
			{showKeys && (
				<ShortcutsDialog
					keys={keys}
					onChange={(k) => {
						setKeys(k);
						saveKeys(k);
					}}
					onClose={() => setShowKeys(false)}
				/>
			)}
			{confirm && (
				<ConfirmDialog
					id="ws-submit"
					title={isConsensus ? t('ws.submit.consensusTitle') : t('ws.submit.title')}
					confirmLabel={isConsensus ? t('ws.submit.consensus') : t('ws.submit.button')}
					danger={false}
					busy={submitting}
					error={submitError}
					onConfirm={() => void submit()}
					onClose={() => {
						setConfirm(false);
						setSubmitError('');
					}}
				>
					<p>{isConsensus ? t('ws.submit.consensusText') : t('ws.submit.text')}</p>
					<p class="hint">{t('ws.submit.counts', { n: view.interventions.length })}</p>
				</ConfirmDialog>
			)}
		</div>
	);
}
