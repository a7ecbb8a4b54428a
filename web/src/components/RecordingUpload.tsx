/* The last step of a submission: the therapist chooses the recording and it uploads, resumably and
 * encrypted on arrival; then the lab's server checks it (and converts it if browsers cannot play it)
 * while this shows how far it has come, and what to do if it was refused. */
import type { Ref } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Recording, type Submission } from '../api';
import { useI18n } from '../i18n';
import { RECORDING_ACCEPT, failureMayPass, looksLikeMedia, recordingBusy, recordingReason, sizeText, speedText, timeLeftText, uploadFailureText } from '../recording';
import { forgetUpload, startUpload, uploadOf, type TusUpload, type UploadSnapshot } from '../upload';
import { ErrorNotice, FileField } from './Field';
import { RecordingFacts } from './RecordingFacts';

const POLL_MS = 1000;

interface Props {
	sub: Submission;
	/* A fresher copy of the submission (its recording's state, and its own once the recording is ready). */
	onSubmission: (s: Submission) => void;
}

export function RecordingUpload({ sub, onSubmission }: Props) {
	const i18n = useI18n();
	const { t, errorText } = i18n;
	const [upload, setUpload] = useState<TusUpload | null>(() => uploadOf(sub.id));
	const [snap, setSnap] = useState<UploadSnapshot | null>(() => upload?.snapshot ?? null);
	const [fileError, setFileError] = useState('');
	const [pollError, setPollError] = useState('');
	const pauseRef = useRef<HTMLButtonElement>(null);
	const rec = sub.recording ?? null;
	const phase = snap?.phase ?? null;

	useEffect(() => {
		if (!upload) {
			setSnap(null);
			return undefined;
		}
		setSnap(upload.snapshot);
		return upload.subscribe(setSnap);
	}, [upload]);

	/* Once the server has the finished upload in hand, its state says the rest. */
	const handedOver = phase === 'done' && !!rec && (snap?.recordingId == null || rec.id === snap.recordingId) && rec.state !== 'uploading';
	useEffect(() => {
		if (!handedOver) return;
		forgetUpload(sub.id);
		setUpload(null);
	}, [handedOver, sub.id]);

	/* While the server checks or converts, ask it how far it has come. */
	const poll = phase === 'done' || recordingBusy(rec);
	useEffect(() => {
		if (!poll) return undefined;
		let live = true;
		let timer = 0;
		const tick = async () => {
			try {
				const s = await api.getSubmission(sub.id);
				if (!live) return;
				setPollError('');
				onSubmission(s);
			} catch (err) {
				if (live) setPollError(errorText(err));
			}
			if (live) timer = window.setTimeout(tick, POLL_MS);
		};
		timer = window.setTimeout(tick, phase === 'done' ? 0 : POLL_MS);
		return () => {
			live = false;
			window.clearTimeout(timer);
		};
	}, [poll, sub.id]);

	function choose(file: File | null) {
		setFileError('');
		if (!file) return;
		if (!looksLikeMedia(file)) {
			setFileError(t('recording.wrongType'));
			return;
		}
		if (file.size === 0) {
			setFileError(t('recording.emptyFile'));
			return;
		}
		setUpload(startUpload(file, sub.id));
		window.setTimeout(() => pauseRef.current?.focus(), 0);
	}

	async function cancel() {
		if (!upload) return;
		await upload.cancel(true);
		forgetUpload(sub.id);
		setUpload(null);
		try {
			onSubmission(await api.getSubmission(sub.id));
		} catch {
			/* the page shows what it had */
		}
	}

	function again() {
		forgetUpload(sub.id);
		setUpload(null);
	}

	/* An upload going on in this page (or just ended here). */
	if (upload && snap && !handedOver) {
		if (snap.phase === 'failed' && snap.failure) {
			const f = snap.failure;
			return (
				<div class="upload">
					<ErrorNotice>
						<p>{t('recording.failedUpload')}</p>
						<p>{uploadFailureText(i18n, f)}</p>
					</ErrorNotice>
					<div class="button-row">
						{failureMayPass(f) && (
							<button type="button" class="button button-primary" onClick={() => upload.retry()}>
								{t('recording.tryAgain')}
							</button>
						)}
						<button type="button" class="button" onClick={again}>
							{t('recording.chooseAnother')}
						</button>
					</div>
				</div>
			);
		}
		if (snap.phase !== 'done') return <UploadProgress snap={snap} upload={upload} pauseRef={pauseRef} onCancel={cancel} />;
		return <ServerWork rec={null} error={pollError} />;
	}

	if (rec && (rec.state === 'verifying' || rec.state === 'transcoding')) return <ServerWork rec={rec} error={pollError} />;
	if (rec && rec.state === 'ready') {
		return (
			<div class="upload">
				<p class="notice notice-success" role="status">
					{t('recording.ready')}
				</p>
				<RecordingFacts rec={rec} />
			</div>
		);
	}

	/* Nothing going on: a recording may be chosen if the submission takes one. */
	const canUpload = sub.state === 'submitted';
	const stored = rec && rec.state === 'uploading' ? rec : null;
	const refused = rec && (rec.state === 'refused' || rec.state === 'failed') ? rec : null;
	return (
		<div class="upload">
			{stored && (
				<div class="notice notice-warn">
					<p>{t('recording.interrupted', { stored: sizeText(i18n, stored.received), total: sizeText(i18n, stored.size) })}</p>
				</div>
			)}
			{refused && <Refusal rec={refused} />}
			{rec && rec.state === 'shredded' && <p class="notice notice-warn">{t('recording.shredded')}</p>}
			{canUpload ? (
				<>
					<FileField
						id="rec-file"
						label={refused ? t('recording.chooseAnother') : stored ? t('recording.chooseAgain') : t('recording.file')}
						hint={t('recording.fileHint')}
						accept={RECORDING_ACCEPT}
						onFile={choose}
						error={fileError}
					/>
					<ul class="plain-list">
						<li>{t('recording.noNames')}</li>
						<li>{t('recording.keep')}</li>
					</ul>
				</>
			) : (
				!rec && <p>{t('recording.none')}</p>
			)}
		</div>
	);
}

function Refusal({ rec }: { rec: Recording }) {
	const i18n = useI18n();
	const { t } = i18n;
	return (
		<div class="notice notice-error" role="alert">
			<p>{t(rec.state === 'refused' ? 'recording.refused' : 'recording.failed', { reason: recordingReason(i18n, rec.error) })}</p>
			<p>{t('recording.refusedHint')}</p>
		</div>
	);
}

function UploadProgress({ snap, upload, pauseRef, onCancel }: { snap: UploadSnapshot; upload: TusUpload; pauseRef: Ref<HTMLButtonElement>; onCancel: () => void }) {
	const i18n = useI18n();
	const { t } = i18n;
	const paused = snap.phase === 'paused';
	const status =
		snap.phase === 'paused'
			? t('recording.paused')
			: snap.phase === 'offline'
				? t('recording.offline')
				: snap.phase === 'retrying'
					? t('recording.retrying')
					: snap.phase === 'starting'
						? t('recording.starting')
						: t('recording.uploading');
	const parts = [t('recording.progress', { sent: sizeText(i18n, snap.sent), total: sizeText(i18n, snap.total) })];
	if (snap.phase === 'uploading' && snap.bytesPerSecond !== null) parts.push(speedText(i18n, snap.bytesPerSecond));
	if (snap.phase === 'uploading' && snap.secondsLeft !== null) parts.push(timeLeftText(i18n, snap.secondsLeft));
	return (
		<div class="upload upload-active">
			<p class={`upload-status${snap.phase === 'offline' || snap.phase === 'retrying' ? ' upload-status-warn' : ''}`} role="status">
				{status}
			</p>
			<label for="rec-progress" class="upload-label">
				{t('recording.progressLabel', { name: snap.fileName })}
			</label>
			<progress id="rec-progress" class="upload-bar" max={snap.total} value={snap.sent} aria-describedby="rec-numbers" />
			<p id="rec-numbers" class="upload-numbers">
				{parts.join(' · ')}
			</p>
			{snap.resumedFrom !== null && <p class="hint">{t('recording.resumed', { offset: sizeText(i18n, snap.resumedFrom) })}</p>}
			<div class="button-row">
				<button type="button" class="button" ref={pauseRef} onClick={() => (paused ? upload.resume() : upload.pause())} disabled={snap.phase === 'offline' && !paused}>
					{paused ? t('recording.resume') : t('recording.pause')}
				</button>
				<button type="button" class="button button-danger-quiet" onClick={onCancel}>
					{t('recording.cancel')}
				</button>
			</div>
			<p class="hint">{t('recording.stayHint')}</p>
		</div>
	);
}

/* The server checks the recording, or converts it: rec is null just after the last byte, before the
 * server has been asked. */
function ServerWork({ rec, error }: { rec: Recording | null; error: string }) {
	const i18n = useI18n();
	const { t, percent } = i18n;
	const converting = rec?.state === 'transcoding';
	const share = rec?.job_progress ?? null;
	return (
		<div class="upload upload-server">
			<p class="upload-status" role="status">
				{converting ? t('recording.converting') : t('recording.checking')}
			</p>
			<label for="rec-work" class="visually-hidden">
				{converting ? t('recording.converting') : t('recording.checking')}
			</label>
			{converting && share !== null ? (
				<progress id="rec-work" class="upload-bar" max={1} value={share} aria-describedby="rec-work-numbers" />
			) : (
				<progress id="rec-work" class="upload-bar" />
			)}
			{converting && share !== null && (
				<p id="rec-work-numbers" class="upload-numbers">
					{percent(share)}
				</p>
			)}
			{converting && <p class="hint">{t('recording.convertingHint')}</p>}
			{!converting && <p class="hint">{t('recording.checkingHint')}</p>}
			{error && <p class="hint">{error}</p>}
		</div>
	);
}
