/* Writing one feedback point: strength or improvement, the item it is about (from the profile), a
 * title and the advice, and clips from the recording. A clip's start and end are typed (m:ss) or
 * taken from the player with "Mark start" and "Mark end"; "Play" checks the stretch. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../../api';
import { useI18n } from '../../i18n';
import { clipTime, parseClipTime } from '../../pages/feedback/format';
import type { PointInput, PointKind, ProfileItem } from '../../pages/feedback/types';
import { ErrorNotice, RadioField, SaveCancel, SelectField, TextAreaField, TextField } from '../Field';

interface ClipRow {
	key: number;
	start: string;
	end: string;
	label: string;
}

interface Props {
	id: string;
	heading: string;
	initial: PointInput;
	items: ProfileItem[];
	/* Seconds into the recording where the player is now; null without a player. */
	now: (() => number) | null;
	/* Length of the recording in seconds, when known: clips must lie inside it. */
	duration: number | null;
	onPlay: ((startMs: number, endMs: number) => void) | null;
	onSave: (p: PointInput) => Promise<void>;
	onCancel: () => void;
}

let rowKey = 0;

function rowsOf(p: PointInput): ClipRow[] {
	return p.clips.map((c) => ({ key: ++rowKey, start: clipTime(c.start_ms), end: clipTime(c.end_ms), label: c.label }));
}

/* Which clip (by index) and which part a server's field name is about: "clips[1].end_ms", "clips.1.end_ms". */
function clipField(name: string): { index: number; part: 'start' | 'end' | 'label' | null } | null {
	const m = /^clips(?:\[(\d+)\]|\.(\d+))?(?:\.(start_ms|end_ms|label))?$/.exec(name);
	if (!m) return null;
	const index = Number(m[1] ?? m[2] ?? -1);
	const part = m[3] === 'start_ms' ? 'start' : m[3] === 'end_ms' ? 'end' : m[3] === 'label' ? 'label' : null;
	return { index, part };
}

export function PointForm({ id, heading, initial, items, now, duration, onPlay, onSave, onCancel }: Props) {
	const { t, errorText, fieldText } = useI18n();
	const [kind, setKind] = useState<PointKind>(initial.kind);
	const [item, setItem] = useState(initial.item_id ?? '');
	const [title, setTitle] = useState(initial.title);
	const [body, setBody] = useState(initial.body);
	const [clips, setClips] = useState<ClipRow[]>(() => rowsOf(initial));
	const [errors, setErrors] = useState<Record<string, string>>({});
	const [formError, setFormError] = useState('');
	const [busy, setBusy] = useState(false);
	const titleRef = useRef<HTMLInputElement>(null);

	useEffect(() => {
		titleRef.current?.focus();
	}, []);

	const setClip = (key: number, patch: Partial<ClipRow>) => setClips((cs) => cs.map((c) => (c.key === key ? { ...c, ...patch } : c)));

	function mark(key: number, part: 'start' | 'end') {
		if (!now) return;
		setClip(key, { [part]: clipTime(Math.round(now() * 10) * 100) });
	}

	function addClip() {
		const at = now ? Math.round(now() * 10) * 100 : 0;
		setClips((cs) => [...cs, { key: ++rowKey, start: clipTime(at), end: '', label: '' }]);
	}

	/* Checks what the browser can check; the server checks again (and knows the recording's length). */
	function validate(): { input: PointInput | null; errs: Record<string, string> } {
		const errs: Record<string, string> = {};
		if (!title.trim()) errs.title = t('fb.point.errTitle');
		const out: PointInput['clips'] = [];
		clips.forEach((c, i) => {
			const s = parseClipTime(c.start);
			const e = parseClipTime(c.end);
			if (s === null) errs[`clip-${i}-start`] = t('fb.clip.errTime');
			if (e === null) errs[`clip-${i}-end`] = t('fb.clip.errTime');
			if (s !== null && e !== null) {
				if (e <= s) errs[`clip-${i}-end`] = t('fb.clip.errOrder');
				else if (duration !== null && duration > 0 && e > Math.ceil(duration * 1000)) errs[`clip-${i}-end`] = t('fb.clip.errLength', { length: clipTime(duration * 1000) });
				else out.push({ start_ms: s, end_ms: e, label: c.label.trim() });
			}
		});
		if (Object.keys(errs).length) return { input: null, errs };
		return { input: { kind, item_id: item || null, title: title.trim(), body: body.trim(), clips: out }, errs };
	}

	async function submit(e: Event) {
		e.preventDefault();
		if (busy) return;
		const { input, errs } = validate();
		setErrors(errs);
		setFormError('');
		if (!input) {
			const first = Object.keys(errs)[0];
			const el = first ? document.getElementById(first === 'title' ? `${id}-title` : `${id}-${first}`) : null;
			el?.focus();
			return;
		}
		setBusy(true);
		try {
			await onSave(input);
		} catch (err) {
			if (err instanceof ApiError && Object.keys(err.fields).length) {
				const next: Record<string, string> = {};
				for (const f of Object.keys(err.fields)) {
					const text = fieldText(err, f) ?? err.fields[f] ?? '';
					const cf = clipField(f);
					if (cf && cf.index >= 0) next[`clip-${cf.index}-${cf.part === 'start' ? 'start' : cf.part === 'label' ? 'label' : 'end'}`] = text;
					else if (cf) next.clips = text;
					else if (f === 'item_id') next.item = text;
					else next[f] = text;
				}
				setErrors(next);
			}
			setFormError(errorText(err));
			setBusy(false);
		}
	}

	const itemOptions = [{ value: '', label: t('fb.point.noItem') }, ...items.map((i) => ({ value: i.id, label: `${i.id} ${i.label}` }))];

	return (
		<form class="fb-point-form" noValidate onSubmit={submit} aria-labelledby={`${id}-h`}>
			<h3 id={`${id}-h`}>{heading}</h3>
			<ErrorNotice>{formError}</ErrorNotice>
			<RadioField
				id={`${id}-kind`}
				label={t('fb.point.kind')}
				value={kind}
				onChange={(v) => setKind(v === 'improvement' ? 'improvement' : 'strength')}
				inline
				options={[
					{ value: 'strength', label: t('fb.kind.strength') },
					{ value: 'improvement', label: t('fb.kind.improvement') },
				]}
				error={errors.kind}
			/>
			<SelectField id={`${id}-item`} label={t('fb.point.item')} value={item} onChange={setItem} options={itemOptions} error={errors.item} optional />
			<TextField id={`${id}-title`} label={t('fb.point.title')} value={title} onInput={setTitle} maxLength={200} error={errors.title} inputRef={titleRef} hint={t('fb.point.titleHint')} />
			<TextAreaField id={`${id}-body`} label={t('fb.point.body')} value={body} onInput={setBody} rows={5} maxLength={5000} error={errors.body} hint={t('fb.point.bodyHint')} />
			<fieldset class={`fieldset fb-clip-rows${errors.clips ? ' has-error' : ''}`}>
				<legend>{t('fb.point.clips')}</legend>
				{!now && <p class="hint">{t('fb.clip.noPlayer')}</p>}
				{errors.clips && <p class="field-error">{errors.clips}</p>}
				{clips.length === 0 && <p class="hint">{t('fb.clip.none')}</p>}
				{clips.map((c, i) => {
					const n = i + 1;
					return (
						<div class="fb-clip-row" key={c.key} role="group" aria-label={t('fb.clip.group', { n })}>
							<div class="fb-clip-time-field">
								<TextField id={`${id}-clip-${i}-start`} label={t('fb.clip.start', { n })} value={c.start} onInput={(v) => setClip(c.key, { start: v })} error={errors[`clip-${i}-start`]} inputMode="text" class="field-narrow" />
								{now && (
									<button type="button" class="button button-small" onClick={() => mark(c.key, 'start')} aria-label={t('fb.clip.markStartLabel', { n })}>
										{t('fb.clip.markStart')}
									</button>
								)}
							</div>
							<div class="fb-clip-time-field">
								<TextField id={`${id}-clip-${i}-end`} label={t('fb.clip.end', { n })} value={c.end} onInput={(v) => setClip(c.key, { end: v })} error={errors[`clip-${i}-end`]} inputMode="text" class="field-narrow" />
								{now && (
									<button type="button" class="button button-small" onClick={() => mark(c.key, 'end')} aria-label={t('fb.clip.markEndLabel', { n })}>
										{t('fb.clip.markEnd')}
									</button>
								)}
							</div>
							<TextField id={`${id}-clip-${i}-label`} label={t('fb.clip.label', { n })} value={c.label} onInput={(v) => setClip(c.key, { label: v })} error={errors[`clip-${i}-label`]} maxLength={200} optional />
							<div class="button-row fb-clip-actions">
								{onPlay && (
									<button
										type="button"
										class="button button-small"
										aria-label={t('fb.clip.playLabel', { n })}
										onClick={() => {
											const s = parseClipTime(c.start);
											const e = parseClipTime(c.end);
											if (s !== null && e !== null && e > s) onPlay(s, e);
											else setErrors((x) => ({ ...x, [`clip-${i}-end`]: t('fb.clip.errOrder') }));
										}}
									>
										{t('fb.clip.play')}
									</button>
								)}
								<button type="button" class="button button-small button-danger-quiet" aria-label={t('fb.clip.removeLabel', { n })} onClick={() => setClips((cs) => cs.filter((x) => x.key !== c.key))}>
									{t('fb.clip.remove')}
								</button>
							</div>
						</div>
					);
				})}
				<button type="button" class="button button-small" onClick={addClip}>
					{t('fb.clip.add')}
				</button>
			</fieldset>
			<SaveCancel busy={busy} label={t('fb.point.save')} onCancel={onCancel} />
		</form>
	);
}
