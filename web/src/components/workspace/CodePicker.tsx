/* The compact picker for one intervention: its time, its code (type to filter: "16", "outside"),
 * whether it lies within the manual, its quality 1–7 and a note. Keyboard: type, Up/Down, Enter takes
 * the code and goes on to the quality, where a digit sets it and Enter saves; Ctrl+Enter saves from
 * anywhere, Escape cancels. Non-modal, so the video stays in view and playable. */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useI18n } from '../../i18n';
import { type Code, type Form, codeColour } from '../../pages/workspace/instrument';
import type { Intervention } from '../../pages/workspace/types';
import { Swatch } from './InterventionList';
import { clockTenths } from './usePlayer';

interface Props {
	form: Form;
	draft: Intervention;
	isNew: boolean;
	durationMs: number;
	onSave: (iv: Intervention) => void;
	onCancel: () => void;
}

const QUALITIES = [1, 2, 3, 4, 5, 6, 7];

/* "1:02.5", "62.5", "1:02" -> milliseconds; null when it is not a time. */
export function parseClock(s: string): number | null {
	const m = /^\s*(?:(\d+):)?(\d+)(?:[.,](\d))?\s*$/.exec(s);
	if (!m) return null;
	const min = Number(m[1] ?? 0);
	const sec = Number(m[2]);
	if (m[1] !== undefined && sec >= 60) return null;
	return (min * 60 + sec) * 1000 + Number(m[3] ?? 0) * 100;
}

export function filterCodes(codes: Code[], q: string): Code[] {
	const s = q.trim().toLowerCase();
	if (!s) return codes;
	const rank = (c: Code) => (c.code.toLowerCase() === s ? 0 : c.code.toLowerCase().startsWith(s) ? 1 : c.label.toLowerCase().startsWith(s) ? 2 : 3);
	return codes
		.filter((c) => c.code.toLowerCase().startsWith(s) || c.label.toLowerCase().includes(s) || c.code.replace(/_/g, ' ').includes(s))
		.sort((a, b) => rank(a) - rank(b) || a.index - b.index);
}

export function CodePicker({ form, draft, isNew, durationMs, onSave, onCancel }: Props) {
	const { t } = useI18n();
	const [query, setQuery] = useState(isNew ? '' : draft.code);
	const [code, setCode] = useState(draft.code);
	const [active, setActive] = useState(0);
	const [within, setWithin] = useState<boolean | null>(draft.within_manual);
	const [quality, setQuality] = useState<number | null>(draft.quality);
	const [note, setNote] = useState(draft.note);
	const [start, setStart] = useState(clockTenths(draft.start_ms / 1000));
	const [end, setEnd] = useState(draft.end_ms === null ? '' : clockTenths(draft.end_ms / 1000));
	const [error, setError] = useState('');
	const input = useRef<HTMLInputElement>(null);
	const qualityRef = useRef<HTMLFieldSetElement>(null);
	const matches = useMemo(() => filterCodes(form.codes, query), [form.codes, query]);

	/* At once, before the next key press arrives: a quick "M Enter 1 6" must all land in the filter. */
	useLayoutEffect(() => {
		input.current?.focus();
		input.current?.select();
	}, []);

	useEffect(() => {
		setActive(0);
	}, [query]);

	function choose(c: Code) {
		setCode(c.code);
		setQuery(c.code);
		/* Where the code says it already: an item of the manual, or outside it. */
		if (c.cls === 'item') setWithin(true);
		else if (c.cls === 'outside_manual') setWithin(false);
		else setWithin(null);
		setError('');
		const target = qualityRef.current?.querySelector<HTMLInputElement>('input:checked') ?? qualityRef.current?.querySelector<HTMLInputElement>('input');
		target?.focus();
	}

	function save() {
		const c = form.codeByName.get(code) ?? (matches.length === 1 && matches[0] && query ? matches[0] : undefined);
		if (!c) {
			setError(t('ws.picker.needCode'));
			input.current?.focus();
			return;
		}
		const s = parseClock(start);
		const e = end.trim() ? parseClock(end) : null;
		if (s === null || s > durationMs || (end.trim() && (e === null || e < s || e > durationMs))) {
			setError(t('ws.picker.badTime'));
			return;
		}
		onSave({ ...draft, code: c.code, within_manual: within, quality, note: note.trim(), start_ms: s, end_ms: e });
	}

	function keys(e: KeyboardEvent) {
		if (e.key === 'Escape') {
			e.preventDefault();
			e.stopPropagation();
			onCancel();
		} else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
			e.preventDefault();
			save();
		}
	}

	function comboKeys(e: KeyboardEvent) {
		if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
			e.preventDefault();
			setActive((a) => Math.min(Math.max(0, a + (e.key === 'ArrowDown' ? 1 : -1)), Math.max(0, matches.length - 1)));
		} else if (e.key === 'Enter' && !e.ctrlKey && !e.metaKey) {
			e.preventDefault();
			const c = matches[active];
			if (c) choose(c);
			else setError(t('ws.picker.noMatch'));
		}
	}

	function qualityKeys(e: KeyboardEvent) {
		if (/^[1-7]$/.test(e.key)) {
			e.preventDefault();
			setQuality(Number(e.key));
			qualityRef.current?.querySelector<HTMLInputElement>(`input[value="${e.key}"]`)?.focus();
		} else if (e.key === '0' || e.key === 'Backspace') {
			e.preventDefault();
			setQuality(null);
		} else if (e.key === 'Enter' && !e.ctrlKey && !e.metaKey) {
			e.preventDefault();
			save();
		}
	}

	const activeCode = matches[active];
	const chosen = form.codeByName.get(code);
	const title = isNew ? t('ws.picker.titleNew', { at: clockTenths(draft.start_ms / 1000) }) : t('ws.picker.titleEdit', { at: clockTenths(draft.start_ms / 1000) });
	return (
		<section class="ws-picker" role="dialog" data-own-keys="" aria-labelledby="ws-picker-h" aria-describedby="ws-picker-help" onKeyDown={keys}>
			<h2 id="ws-picker-h">{title}</h2>
			<p id="ws-picker-help" class="hint">
				{t('ws.picker.help')}
			</p>
			{error && (
				<p class="field-error" role="alert">
					{error}
				</p>
			)}
			<div class="field ws-combo">
				<label for="ws-code">{t('ws.picker.code')}</label>
				<input
					id="ws-code"
					ref={input}
					type="text"
					role="combobox"
					autocomplete="off"
					spellcheck={false}
					aria-expanded="true"
					aria-controls="ws-code-list"
					aria-autocomplete="list"
					aria-activedescendant={activeCode ? `ws-code-${activeCode.code}` : undefined}
					value={query}
					onInput={(e) => {
						setQuery(e.currentTarget.value);
						setCode('');
					}}
					onKeyDown={comboKeys}
				/>
				<ul id="ws-code-list" class="ws-code-list" role="listbox" aria-label={t('ws.picker.codes')}>
					{matches.map((c, i) => (
						<li
							key={c.code}
							id={`ws-code-${c.code}`}
							role="option"
							aria-selected={i === active ? 'true' : 'false'}
							class={`ws-code${i === active ? ' ws-code-active' : ''}${c.code === code ? ' ws-code-chosen' : ''}`}
							onMouseDown={(e) => e.preventDefault()}
							onClick={() => choose(c)}
						>
							<Swatch colour={codeColour(c)} />
							<strong>{c.code}</strong> {c.label}
						</li>
					))}
					{matches.length === 0 && (
						<li role="option" aria-selected="false" aria-disabled="true" class="ws-code ws-code-none">
							{t('ws.picker.noMatch')}
						</li>
					)}
				</ul>
				<p class="ws-chosen" aria-live="polite">
					{chosen ? t('ws.picker.chosen', { code: chosen.code, label: chosen.label }) : t('ws.picker.noneChosen')}
				</p>
			</div>
			<fieldset class="field field-radio field-radio-inline ws-manual">
				<legend>{t('ws.picker.within')}</legend>
				<div class="radio-options">
					{(['yes', 'no', 'unset'] as const).map((v) => {
						const val = v === 'yes' ? true : v === 'no' ? false : null;
						return (
							<div class="radio-option" key={v}>
								<input id={`ws-within-${v}`} type="radio" name="ws-within" checked={within === val} onChange={() => setWithin(val)} />
								<label for={`ws-within-${v}`}>{t(`ws.picker.within.${v}`)}</label>
							</div>
						);
					})}
				</div>
			</fieldset>
			<fieldset ref={qualityRef} class="field field-radio field-radio-inline ws-quality" onKeyDown={qualityKeys} aria-describedby="ws-quality-hint">
				<legend>{t('ws.picker.quality')}</legend>
				<div class="radio-options">
					{QUALITIES.map((q) => (
						<div class="radio-option" key={q}>
							<input id={`ws-q-${q}`} type="radio" name="ws-quality" value={String(q)} checked={quality === q} onChange={() => setQuality(q)} />
							<label for={`ws-q-${q}`}>{q}</label>
						</div>
					))}
					<div class="radio-option">
						<input id="ws-q-none" type="radio" name="ws-quality" value="" checked={quality === null} onChange={() => setQuality(null)} />
						<label for="ws-q-none">{t('ws.picker.qualityNone')}</label>
					</div>
				</div>
				<p id="ws-quality-hint" class="hint">
					{t('ws.picker.qualityHint')}
				</p>
			</fieldset>
			<div class="form-row ws-times">
				<div class="field">
					<label for="ws-start">{t('ws.picker.start')}</label>
					<input id="ws-start" type="text" inputMode="decimal" value={start} onInput={(e) => setStart(e.currentTarget.value)} />
				</div>
				<div class="field">
					<label for="ws-end">
						{t('ws.picker.end')} <span class="optional">({t('ws.picker.endHint')})</span>
					</label>
					<input id="ws-end" type="text" inputMode="decimal" value={end} onInput={(e) => setEnd(e.currentTarget.value)} />
				</div>
			</div>
			<div class="field">
				<label for="ws-note">
					{t('ws.picker.note')} <span class="optional">({t('common.optional')})</span>
				</label>
				<input
					id="ws-note"
					type="text"
					maxLength={2000}
					value={note}
					onInput={(e) => setNote(e.currentTarget.value)}
					onKeyDown={(e) => {
						if (e.key === 'Enter' && !e.ctrlKey && !e.metaKey) {
							e.preventDefault();
							save();
						}
					}}
				/>
			</div>
			<div class="form-actions">
				<button type="button" class="button button-primary" onClick={save}>
					{t('ws.picker.save')}
				</button>
				<button type="button" class="button" onClick={onCancel}>
					{t('common.cancel')}
				</button>
			</div>
		</section>
	);
}
