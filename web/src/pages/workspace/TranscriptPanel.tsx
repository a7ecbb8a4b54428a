/* The session's transcript beside the video: import a WebVTT or SRT file, read along as the recording
 * plays (the line being spoken is marked and kept in view, except while the rater scrolls or moves
 * through the lines to read elsewhere), search it, and code an intervention from a line.
 * Keyboard: the list is one Tab stop; Up and Down choose a line, Space plays from it, Enter codes an
 * intervention at it; the T key (changeable) codes the line being spoken from anywhere in the
 * workspace. Coding goes through the workspace's code picker, so it saves like any other coding. */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError } from '../../api';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorNotice } from '../../components/Field';
import { type Player, clockTenths } from '../../components/workspace/usePlayer';
import { useI18n } from '../../i18n';
import { type KeyMap, keyMatches, keyName, typingTarget } from './shortcuts';
import { type Cue, type Transcript, cueMatches, highlight, lineToCode, searchWords, spokenAt, transcriptApi } from './transcript';
import '../../styles/transcript.css';

interface Props {
	submissionId: number;
	player: Player;
	durationMs: number;
	/* The rating cannot be changed: lines only seek. */
	readOnly: boolean;
	canImport: boolean;
	keys: KeyMap;
	/* Opens the code picker for a new intervention; false when it cannot now (a picker is open). */
	onCode: (startMs: number, endMs: number | null) => boolean;
	say: (msg: string) => void;
}

type Load = { state: 'loading' } | { state: 'none' } | { state: 'failed'; message: string } | { state: 'ready'; tr: Transcript };

/* After the rater scrolls or moves through the lines, following the video starts again by itself. */
const RESUME_MS = 10000;
/* The server's cap (src/core/transcript.h), checked here first so a big file is not sent for nothing. */
const MAX_BYTES = 2 * 1024 * 1024;
const NO_CUES: Cue[] = [];

export function TranscriptPanel(p: Props) {
	const { t, errorText, dateTime, num } = useI18n();
	const [load, setLoad] = useState<Load>({ state: 'loading' });
	const [busy, setBusy] = useState(false);
	const [importError, setImportError] = useState('');
	const [removing, setRemoving] = useState(false);
	const [removeBusy, setRemoveBusy] = useState(false);
	const [removeError, setRemoveError] = useState('');
	const [query, setQuery] = useState('');
	const [active, setActive] = useState(-1);
	const [follow, setFollow] = useState(true);
	const [paused, setPaused] = useState(false);
	const fileRef = useRef<HTMLInputElement>(null);
	const listRef = useRef<HTMLUListElement>(null);
	const resumeTimer = useRef<number | null>(null);
	const ourScroll = useRef<number | null>(null);

	useEffect(() => {
		let live = true;
		setLoad({ state: 'loading' });
		transcriptApi.get(p.submissionId).then(
			(tr) => live && setLoad({ state: 'ready', tr }),
			(err: unknown) => {
				if (!live) return;
				if (err instanceof ApiError && err.status === 404) setLoad({ state: 'none' });
				else setLoad({ state: 'failed', message: errorText(err) });
			},
		);
		return () => {
			live = false;
		};
	}, [p.submissionId]);
	useEffect(
		() => () => {
			if (resumeTimer.current !== null) window.clearTimeout(resumeTimer.current);
		},
		[],
	);

	const cues = load.state === 'ready' ? load.tr.cues : NO_CUES;
	const words = useMemo(() => searchWords(query), [query]);
	const shown = useMemo(() => cues.flatMap((c, i) => (cueMatches(c, words) ? [i] : [])), [cues, words]);
	const spoken = useMemo(() => spokenAt(cues, p.player.time * 1000), [cues, p.player.time]);
	const following = follow && !paused;

	/* Scrolls only the list (never the page) so that line i is in view: for following, about a third
	 * down unless it is well in view already; for the keyboard, just into view. */
	function scrollTo(i: number, how: 'follow' | 'nearest') {
		const box = listRef.current;
		const el = box?.querySelector<HTMLElement>(`#ws-tr-${i}`);
		if (!box || !el) return;
		const top = el.offsetTop;
		const bottom = top + el.offsetHeight;
		const h = box.clientHeight;
		let target = box.scrollTop;
		if (how === 'follow') {
			if (top < box.scrollTop + h * 0.1 || bottom > box.scrollTop + h * 0.75) target = top - h / 3;
		} else if (top < box.scrollTop) target = top;
		else if (bottom > box.scrollTop + h) target = bottom - h;
		target = Math.round(Math.max(0, Math.min(target, box.scrollHeight - h)));
		if (Math.abs(target - box.scrollTop) < 1) return;
		ourScroll.current = target;
		box.scrollTop = target;
	}

	/* The rater reads elsewhere: stop following for a while. */
	function pauseFollowing() {
		if (!follow) return;
		setPaused(true);
		if (resumeTimer.current !== null) window.clearTimeout(resumeTimer.current);
		resumeTimer.current = window.setTimeout(() => {
			resumeTimer.current = null;
			setPaused(false);
		}, RESUME_MS);
	}

	function resumeFollowing() {
		if (resumeTimer.current !== null) window.clearTimeout(resumeTimer.current);
		resumeTimer.current = null;
		setFollow(true);
		setPaused(false);
	}

	useEffect(() => {
		if (!following || spoken < 0) return;
		setActive(spoken);
		scrollTo(spoken, 'follow');
	}, [spoken, following, shown]);

	function onScroll() {
		const box = listRef.current;
		if (!box) return;
		if (ourScroll.current !== null && Math.abs(box.scrollTop - ourScroll.current) <= 2) {
			ourScroll.current = null;
			return;
		}
		ourScroll.current = null;
		pauseFollowing();
	}

	function seekTo(i: number) {
		const c = cues[i];
		if (!c) return;
		setActive(i);
		p.player.seek(c.start_ms / 1000);
		/* Going to a line is going with the video again. */
		if (follow) resumeFollowing();
	}

	function codeLine(i: number) {
		const c = cues[i];
		if (!c) return;
		setActive(i);
		if (p.readOnly) {
			seekTo(i);
			return;
		}
		/* The cue's span, cut to the recording (a tool may round the last end up past it). */
		const end = p.durationMs > 0 ? Math.min(c.end_ms, p.durationMs) : c.end_ms;
		if (p.onCode(c.start_ms, end > c.start_ms ? end : null)) p.say(t('tr.coding', { at: clockTenths(c.start_ms / 1000) }));
	}

	/* Rows are memoised: the player's clock changes every frame, the rows only at a new line. The
	 * handlers they call are read through a ref so that they are never stale. */
	const act = useRef({ seekTo, codeLine });
	act.current = { seekTo, codeLine };

	function listKeys(e: KeyboardEvent) {
		if (e.altKey || e.ctrlKey || e.metaKey) return;
		const pos = shown.indexOf(active);
		const go = (k: number) => {
			const i = shown[Math.min(Math.max(0, k), shown.length - 1)];
			if (i === undefined) return;
			setActive(i);
			pauseFollowing();
			window.setTimeout(() => scrollTo(i, 'nearest'), 0);
		};
		if (e.key === 'ArrowDown') go(pos < 0 ? 0 : pos + 1);
		else if (e.key === 'ArrowUp') go(pos < 0 ? 0 : pos - 1);
		else if (e.key === 'PageDown') go(pos + 10);
		else if (e.key === 'PageUp') go(pos - 10);
		else if (e.key === 'Home') go(0);
		else if (e.key === 'End') go(shown.length - 1);
		else if (e.key === ' ' && pos >= 0) seekTo(active);
		else if (e.key === 'Enter' && pos >= 0) codeLine(active);
		else return;
		e.preventDefault();
	}

	/* The workspace-wide key: code the line being spoken (or, in a pause, the one just said). */
	const keyHandler = useRef<(e: KeyboardEvent) => void>(() => undefined);
	keyHandler.current = (e: KeyboardEvent) => {
		if (e.defaultPrevented || e.ctrlKey || e.altKey || e.metaKey || p.readOnly || !cues.length) return;
		if (typingTarget(e.target) || document.querySelector('dialog[open]')) return;
		if (!keyMatches(p.keys, 'codeLine', e)) return;
		e.preventDefault();
		const i = lineToCode(cues, p.player.now() * 1000);
		if (i < 0) p.say(t('tr.noLine'));
		else codeLine(i);
	};
	useEffect(() => {
		const f = (e: KeyboardEvent) => keyHandler.current(e);
		document.addEventListener('keydown', f);
		return () => document.removeEventListener('keydown', f);
	}, []);

	async function importFile(file: File) {
		setImportError('');
		if (file.size > MAX_BYTES) {
			setImportError(t('tr.importFailed', { why: t('tr.tooLarge') }));
			return;
		}
		setBusy(true);
		try {
			const tr = await transcriptApi.put(p.submissionId, file);
			setLoad({ state: 'ready', tr });
			setQuery('');
			setActive(-1);
			resumeFollowing();
			p.say(t('tr.imported'));
		} catch (err) {
			/* The server names the line at fault; say it as it is. */
			const why = err instanceof ApiError && err.status !== 0 && err.message ? err.message : errorText(err);
			setImportError(t('tr.importFailed', { why }));
		} finally {
			setBusy(false);
		}
	}

	async function remove() {
		setRemoveBusy(true);
		setRemoveError('');
		try {
			await transcriptApi.remove(p.submissionId);
			setRemoving(false);
			setLoad({ state: 'none' });
			setQuery('');
			setActive(-1);
			p.say(t('tr.removed'));
		} catch (err) {
			setRemoveError(errorText(err));
		} finally {
			setRemoveBusy(false);
		}
	}

	const rows = useMemo(
		() =>
			shown.map((i) => {
				const c = cues[i] as Cue;
				const at = clockTenths(c.start_ms / 1000);
				const cls = `ws-tr-cue${i === active ? ' ws-tr-active' : ''}${i === spoken ? ' ws-tr-spoken' : ''}`;
				return (
					<li
						key={i}
						id={`ws-tr-${i}`}
						role="option"
						aria-selected={i === active ? 'true' : 'false'}
						aria-current={i === spoken ? 'true' : undefined}
						class={cls}
						onClick={(e) => {
							const onTime = e.target instanceof Element && e.target.closest('.ws-tr-time');
							listRef.current?.focus();
							if (onTime) act.current.seekTo(i);
							else act.current.codeLine(i);
						}}
					>
						<span class="ws-tr-time mono" title={t('tr.goTo', { at })}>
							{at}
						</span>
						<span class="ws-tr-text" title={p.readOnly ? undefined : t('tr.codeAt', { at })}>
							{c.speaker && <span class="ws-tr-speaker">{c.speaker}: </span>}
							{highlight(c.text, words).map(([part, hit], k) => (hit ? <mark key={k}>{part}</mark> : part))}
						</span>
						{i === spoken && <span class="visually-hidden"> {t('tr.speaking')}</span>}
					</li>
				);
			}),
		[cues, shown, words, active, spoken, p.readOnly, t],
	);

	const ready = load.state === 'ready' ? load.tr : null;
	const space = t('ws.key.space');
	return (
		<section class="ws-transcript" aria-labelledby="ws-tr-h">
			<div class="ws-list-head">
				<h2 id="ws-tr-h">{ready ? t('tr.titleCount', { n: num(ready.cue_count) }) : t('tr.title')}</h2>
				<div class="ws-list-tools">
					{ready && (
						<button type="button" class="button button-small" aria-pressed={following ? 'true' : 'false'} onClick={() => (following ? setFollow(false) : resumeFollowing())}>
							{t('tr.follow')}
						</button>
					)}
					{p.canImport && load.state !== 'loading' && (
						<button type="button" class="button button-small" disabled={busy} onClick={() => fileRef.current?.click()}>
							{busy ? t('tr.importing') : ready ? t('tr.replace') : t('tr.import')}
						</button>
					)}
					{p.canImport && ready && (
						<button type="button" class="button button-small button-danger-quiet" onClick={() => setRemoving(true)}>
							{t('tr.remove')}
						</button>
					)}
					<input
						ref={fileRef}
						id="ws-tr-file"
						class="ws-tr-file"
						type="file"
						accept=".vtt,.srt,text/vtt,application/x-subrip"
						hidden
						onChange={(e) => {
							const f = e.currentTarget.files?.[0];
							e.currentTarget.value = '';
							if (f) void importFile(f);
						}}
					/>
				</div>
			</div>
			<ErrorNotice>{importError}</ErrorNotice>
			{load.state === 'loading' && <p class="loading">{t('tr.loading')}</p>}
			{load.state === 'failed' && <ErrorNotice>{load.message}</ErrorNotice>}
			{load.state === 'none' && <p class="empty">{p.canImport ? t('tr.none') : t('tr.noneRead')}</p>}
			{ready && (
				<>
					<div class="ws-tr-search">
						<label for="ws-tr-q" class="visually-hidden">
							{t('tr.search')}
						</label>
						<input
							id="ws-tr-q"
							class="ws-tr-q"
							type="search"
							placeholder={t('tr.search')}
							value={query}
							autoComplete="off"
							spellcheck={false}
							onInput={(e) => setQuery(e.currentTarget.value)}
							onKeyDown={(e) => {
								if (e.key === 'Escape' && query) {
									e.preventDefault();
									e.stopPropagation();
									setQuery('');
								} else if (e.key === 'ArrowDown' && shown.length) {
									e.preventDefault();
									listRef.current?.focus();
								}
							}}
						/>
						<span class="hint" role="status">
							{words.length ? t('tr.searchCount', { shown: num(shown.length), n: num(cues.length) }) : ''}
						</span>
					</div>
					{shown.length === 0 ? (
						<p class="empty">{t('tr.noMatch', { q: query.trim() })}</p>
					) : (
						<ul
							ref={listRef}
							id="ws-tr-list"
							class="ws-tr-list"
							role="listbox"
							tabIndex={0}
							aria-labelledby="ws-tr-h"
							aria-describedby="ws-tr-help"
							aria-activedescendant={active >= 0 && shown.includes(active) ? `ws-tr-${active}` : undefined}
							onKeyDown={listKeys}
							onScroll={onScroll}
							onWheel={pauseFollowing}
							onTouchMove={pauseFollowing}
						>
							{rows}
						</ul>
					)}
					<p id="ws-tr-help" class="hint">
						{p.readOnly ? t('tr.helpRead') : t('tr.help', { key: keyName(p.keys.codeLine, space) })}
						{follow && paused ? ` ${t('tr.paused')}` : ''}
					</p>
					<p class="hint ws-tr-meta">{t('tr.meta', { format: t(ready.format === 'vtt' ? 'tr.format.vtt' : 'tr.format.srt'), when: dateTime(ready.created_at) })}</p>
				</>
			)}
			{removing && (
				<ConfirmDialog
					id="ws-tr-remove"
					title={t('tr.removeTitle')}
					confirmLabel={t('tr.remove')}
					busy={removeBusy}
					error={removeError}
					onConfirm={() => void remove()}
					onClose={() => {
						setRemoving(false);
						setRemoveError('');
					}}
				>
					<p>{t('tr.removeText')}</p>
				</ConfirmDialog>
			)}
		</section>
	);
}
