/* The rating form: every item of the instrument with its scale points (and the lab's anchor texts
 * where it has loaded them) in view, a score for each facet the instrument asks for, the global
 * ratings, how many interventions were coded towards each item, and the rater's notes. Each choice is
 * saved at once. Keyboard: Tab from scale to scale, arrows or a digit to choose. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { type MessageKey, useI18n } from '../../i18n';
import { type Facet, type Form, formatNumber, scoreControlId } from '../../pages/workspace/instrument';
import type { Scores } from '../../pages/workspace/types';

interface Props {
	form: Form;
	scores: Scores;
	counts: Map<string, number>;
	readOnly: boolean;
	/* Scores the server said are missing at the last attempt to submit. */
	missing: Set<string>;
	notes: string;
	onScore: (item: string, facet: string, value: number | null) => void;
	onNotes: (text: string) => void;
}

const FACET_KEYS: Record<string, MessageKey> = {
	adherence: 'ws.facet.adherence',
	quality: 'ws.facet.quality',
	competence: 'ws.facet.competence',
	count: 'ws.facet.count',
};

export function facetKey(f: string): MessageKey | null {
	return FACET_KEYS[f] ?? null;
}

function Scale({ item, f, label, context, value, readOnly, missing, onScore }: { item: string; f: Facet; label: string; context: string; value: number | undefined; readOnly: boolean; missing: boolean; onScore: Props['onScore'] }) {
	const { t, locale } = useI18n();
	const num = (n: number, d: number) => formatNumber(locale, n, d);
	const key = `${item}.${f.facet}`;
	const id = scoreControlId(key);
	const anchorFor = new Map(f.anchors.map((a) => [a.value, a.text]));
	if (!f.range.points) {
		return (
			<div class={`field ws-count${missing ? ' has-error' : ''}`}>
				<label for={id}>
					{label}
					{context && <span class="visually-hidden"> – {context}</span>}
				</label>
				<input
					id={id}
					type="number"
					min={f.range.min}
					max={f.range.max}
					step={f.range.step}
					value={value ?? ''}
					disabled={readOnly}
					onChange={(e) => {
						const v = e.currentTarget.value.trim();
						const n = Number(v);
						if (v === '') onScore(item, f.facet, null);
						else if (Number.isFinite(n) && n >= f.range.min && n <= f.range.max) onScore(item, f.facet, n);
					}}
				/>
			</div>
		);
	}
	const points = f.range.points;
	return (
		<fieldset
			id={id}
			class={`ws-scale${missing ? ' ws-scale-missing' : ''}`}
			aria-describedby={missing ? `${id}-missing` : undefined}
			onKeyDown={(e) => {
				if (readOnly || e.ctrlKey || e.altKey || e.metaKey) return;
				const p = points.find((x) => String(x.value) === e.key);
				if (p) {
					e.preventDefault();
					onScore(item, f.facet, p.value);
					(e.currentTarget as HTMLElement).querySelector<HTMLInputElement>(`input[value="${p.value}"]`)?.focus();
				}
			}}
		>
			<legend>
				{label}
				{context && <span class="visually-hidden"> – {context}</span>}
				{!f.required && <span class="optional"> ({t('common.optional')})</span>}
			</legend>
			<div class="ws-points">
				{points.map((p) => {
					const pid = `${id}-${String(p.value).replace('.', '_')}`;
					const words = anchorFor.get(p.value) ?? p.label;
					const good = f.range.goodEnough === p.value;
					return (
						<div class={`ws-point${good ? ' ws-point-good' : ''}`} key={p.value}>
							<input id={pid} type="radio" name={id} value={String(p.value)} checked={value === p.value} disabled={readOnly} onChange={() => onScore(item, f.facet, p.value)} />
							<label for={pid}>
								<span class="ws-point-value">{num(p.value, 2)}</span>
								{words && <span class="ws-point-label">{words}</span>}
							</label>
						</div>
					);
				})}
				{!readOnly && value !== undefined && (
					<button type="button" class="button button-small button-quiet ws-clear" onClick={() => onScore(item, f.facet, null)}>
						{t('ws.score.clear')}
						<span class="visually-hidden"> {context ? `${label} – ${context}` : label}</span>
					</button>
				)}
			</div>
			{missing && (
				<p id={`${id}-missing`} class="field-error">
					{t('ws.score.missing')}
				</p>
			)}
		</fieldset>
	);
}

export function ScoreForm(p: Props) {
	const { t } = useI18n();
	const [notes, setNotes] = useState(p.notes);
	const timer = useRef<number | null>(null);
	const dirty = useRef(false);

	/* The saved notes win unless the rater is typing. */
	useEffect(() => {
		if (!dirty.current) setNotes(p.notes);
	}, [p.notes]);

	function flushNotes(v: string) {
		if (timer.current !== null) window.clearTimeout(timer.current);
		timer.current = null;
		if (dirty.current) {
			dirty.current = false;
			if (v !== p.notes) p.onNotes(v);
		}
	}

	/* Leaving the page while typing: what was typed is still saved. */
	const latest = useRef({ notes, save: p.onNotes, saved: p.notes });
	latest.current = { notes, save: p.onNotes, saved: p.notes };
	useEffect(
		() => () => {
			if (timer.current !== null) window.clearTimeout(timer.current);
			const l = latest.current;
			if (dirty.current && l.notes !== l.saved) l.save(l.notes);
		},
		[],
	);

	const facetName = (f: string) => {
		const k = facetKey(f);
		return k ? t(k) : f;
	};
	const scored = p.form.items.reduce((n, it) => n + it.facets.filter((f) => typeof p.scores[it.id]?.[f.facet] === 'number').length, 0) + p.form.globals.filter((g) => typeof p.scores.global?.[g.id] === 'number').length;
	const total = p.form.items.reduce((n, it) => n + it.facets.length, 0) + p.form.globals.length;

	return (
		<section class="ws-form" aria-labelledby="ws-form-h">
			<div class="ws-form-head">
				<h2 id="ws-form-h">{t('ws.score.title')}</h2>
				<p class="hint">{t('ws.score.progress', { n: scored, total })}</p>
			</div>
			<p class="hint">{t('ws.score.help')}</p>
			<ol class="ws-items">
				{p.form.items.map((it) => {
					const n = p.counts.get(it.id) ?? 0;
					return (
						<li class="ws-item" key={it.id} aria-labelledby={`ws-item-${it.id}`}>
							<div class="ws-item-head">
								<h3 id={`ws-item-${it.id}`}>
									<span class="ws-item-no">{it.id}</span> {it.label}
								</h3>
								{it.codes.length > 0 && <span class={`badge ${n ? 'badge-info' : 'badge-off'} ws-item-count`}>{t('ws.score.coded', { n })}</span>}
								{it.flags.includes('not_rated_for_adherence') && <span class="badge badge-off">{t('ws.score.qualityOnly')}</span>}
								{it.flags.includes('whole_session') && <span class="badge badge-off">{t('ws.score.wholeSession')}</span>}
							</div>
							{it.description && <p class="hint pre-line">{it.description}</p>}
							<div class="ws-facets">
								{it.facets.map((f) => (
									<Scale
										key={f.facet}
										item={it.id}
										f={f}
										label={facetName(f.facet)}
										context={`${it.id} ${it.label}`}
										value={p.scores[it.id]?.[f.facet]}
										readOnly={p.readOnly}
										missing={p.missing.has(`${it.id}.${f.facet}`)}
										onScore={p.onScore}
									/>
								))}
							</div>
						</li>
					);
				})}
			</ol>
			{p.form.globals.length > 0 && (
				<section class="ws-globals" aria-labelledby="ws-globals-h">
					<h3 id="ws-globals-h">{t('ws.score.globals')}</h3>
					{p.form.globals.map((g) => (
						<div class="ws-item" key={g.id}>
							{g.description && <p class="hint pre-line">{g.description}</p>}
							<Scale item="global" f={g.facet} label={g.label} context="" value={p.scores.global?.[g.id]} readOnly={p.readOnly} missing={p.missing.has(`global.${g.id}`)} onScore={p.onScore} />
						</div>
					))}
				</section>
			)}
			<div class="field ws-notes">
				<label for="ws-notes">
					{t('ws.score.notes')} <span class="optional">({t('common.optional')})</span>
				</label>
				<textarea
					id="ws-notes"
					rows={4}
					maxLength={20000}
					value={notes}
					disabled={p.readOnly}
					aria-describedby="ws-notes-hint"
					onInput={(e) => {
						const v = e.currentTarget.value;
						setNotes(v);
						dirty.current = true;
						if (timer.current !== null) window.clearTimeout(timer.current);
						timer.current = window.setTimeout(() => flushNotes(v), 1200);
					}}
					onBlur={(e) => flushNotes(e.currentTarget.value)}
				/>
				<p id="ws-notes-hint" class="hint">
					{t('ws.score.notesHint')}
				</p>
			</div>
		</section>
	);
}
