/* The coded interventions as a list beside the timeline, kept in step with the video: the one being
 * played is marked, the selected one is the list's active option. Keyboard: Up and Down choose (and
 * seek there), Left and Right move it by a tenth of a second (with Shift a whole second; with Ctrl a
 * span's end only), Enter edits, Delete deletes (Undo puts it back). */
import { useEffect, useRef } from 'preact/hooks';
import { useI18n } from '../../i18n';
import { type Form, codeColour } from '../../pages/workspace/instrument';
import type { Intervention } from '../../pages/workspace/types';
import { clockTenths } from './usePlayer';

interface Props {
	form: Form;
	interventions: Intervention[];
	selected: string | null;
	current: string | null;
	readOnly: boolean;
	canUndo: boolean;
	onSelect: (id: string) => void;
	onKeyDown: (e: KeyboardEvent) => void;
	onEdit: () => void;
	onDelete: () => void;
	onUndo: () => void;
}

export function ivTime(iv: Intervention): string {
	return iv.end_ms === null ? clockTenths(iv.start_ms / 1000) : `${clockTenths(iv.start_ms / 1000)}–${clockTenths(iv.end_ms / 1000)}`;
}

export function Swatch({ colour }: { colour: string }) {
	return (
		<svg class="ws-swatch" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">
			<rect x="0" y="0" width="12" height="12" rx="2" fill={colour} />
		</svg>
	);
}

export function InterventionList(p: Props) {
	const { t } = useI18n();
	const list = useRef<HTMLUListElement>(null);

	/* Keep the selected intervention, or else the one being played, in view. */
	const inView = p.selected ?? p.current;
	useEffect(() => {
		if (!inView) return;
		const el = list.current?.querySelector<HTMLElement>(`[data-id="${CSS.escape(inView)}"]`);
		el?.scrollIntoView?.({ block: 'nearest' });
	}, [inView]);

	const manual = (iv: Intervention) => (iv.within_manual === null ? '' : iv.within_manual ? t('ws.iv.within') : t('ws.iv.outside'));
	return (
		<section class="ws-list" aria-labelledby="ws-list-h">
			<div class="ws-list-head">
				<h2 id="ws-list-h">{t('ws.list.title', { n: p.interventions.length })}</h2>
				{!p.readOnly && (
					<div class="ws-list-tools">
						<button type="button" class="button button-small" disabled={!p.selected} onClick={p.onEdit}>
							{t('ws.list.edit')}
						</button>
						<button type="button" class="button button-small button-danger-quiet" disabled={!p.selected} onClick={p.onDelete}>
							{t('ws.list.delete')}
						</button>
						<button type="button" class="button button-small" disabled={!p.canUndo} onClick={p.onUndo}>
							{t('ws.list.undo')}
						</button>
					</div>
				)}
			</div>
			{p.interventions.length === 0 ? (
				<p class="empty">{p.readOnly ? t('ws.list.emptyRead') : t('ws.list.empty')}</p>
			) : (
				<ul
					ref={list}
					id="ws-list"
					class="ws-list-box"
					role="listbox"
					tabIndex={0}
					aria-labelledby="ws-list-h"
					aria-describedby={p.readOnly ? undefined : 'ws-list-help'}
					aria-activedescendant={p.selected ? `ws-iv-${p.selected}` : undefined}
					onKeyDown={p.onKeyDown}
				>
					{p.interventions.map((iv, i) => {
						const code = p.form.codeByName.get(iv.code);
						const sel = iv.client_id === p.selected;
						const cur = iv.client_id === p.current;
						return (
							<li
								key={iv.client_id}
								id={`ws-iv-${iv.client_id}`}
								data-id={iv.client_id}
								role="option"
								aria-selected={sel ? 'true' : 'false'}
								aria-current={cur ? 'true' : undefined}
								aria-posinset={i + 1}
								aria-setsize={p.interventions.length}
								class={`ws-iv${sel ? ' ws-iv-selected' : ''}${cur ? ' ws-iv-current' : ''}`}
								onClick={() => {
									p.onSelect(iv.client_id);
									list.current?.focus();
								}}
							>
								<span class="ws-iv-time mono">{ivTime(iv)}</span>
								<span class="ws-iv-code">
									<Swatch colour={codeColour(code)} />
									<strong>{iv.code}</strong> <span class="ws-iv-label">{code?.label ?? ''}</span>
								</span>
								<span class="ws-iv-meta">
									{[manual(iv), iv.quality !== null ? t('ws.iv.quality', { q: iv.quality }) : ''].filter(Boolean).join(' · ')}
								</span>
								{iv.note && <span class="ws-iv-note">{iv.note}</span>}
								{cur && <span class="visually-hidden">{t('ws.list.playing')}</span>}
							</li>
						);
					})}
				</ul>
			)}
			{!p.readOnly && (
				<p id="ws-list-help" class="hint">
					{t('ws.list.help')}
				</p>
			)}
		</section>
	);
}
