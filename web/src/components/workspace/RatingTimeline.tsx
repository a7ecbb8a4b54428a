/* The recording's timeline under the player: each coded intervention as a point or a span, coloured by
 * its code, the playhead, and a mark being made. Click to seek or to select; drag an intervention (or
 * a span's end) to move it. From the keyboard the same is done on the selected intervention with the
 * arrow keys (see InterventionList), here or in the list. Drawn in SVG: positions are attributes, so no
 * inline style is needed. */
import { useRef, useState } from 'preact/hooks';
import { useI18n } from '../../i18n';
import { type Form, codeColour } from '../../pages/workspace/instrument';
import type { Intervention } from '../../pages/workspace/types';
import { clock } from './usePlayer';

const W = 1000;
const LANE_H = 18;
const TOP = 6;

interface Props {
	form: Form;
	interventions: Intervention[];
	duration: number;
	time: number;
	selected: string | null;
	mark: { start: number } | null;
	readOnly: boolean;
	onSeek: (s: number) => void;
	onSelect: (id: string) => void;
	onMove: (iv: Intervention) => void;
	onKeyDown: (e: KeyboardEvent) => void;
}

type Drag = { id: string; mode: 'move' | 'start' | 'end'; x0: number; iv: Intervention; moved: boolean };

/* Each intervention gets the first lane where it does not touch the one before. */
function lanes(ivs: Intervention[], minGapMs: number): Map<string, number> {
	const ends: number[] = [];
	const out = new Map<string, number>();
	for (const iv of [...ivs].sort((a, b) => a.start_ms - b.start_ms)) {
		const end = Math.max(iv.end_ms ?? iv.start_ms, iv.start_ms) + minGapMs;
		let lane = ends.findIndex((e) => e <= iv.start_ms);
		if (lane < 0) {
			lane = ends.length;
			ends.push(end);
		} else ends[lane] = end;
		out.set(iv.client_id, lane);
	}
	return out;
}

export function RatingTimeline(p: Props) {
	const { t } = useI18n();
	const svg = useRef<SVGSVGElement>(null);
	const [drag, setDrag] = useState<Drag | null>(null);
	const [preview, setPreview] = useState<Intervention | null>(null);
	const durMs = Math.max(1, p.duration * 1000);
	const x = (ms: number) => (Math.min(Math.max(ms, 0), durMs) / durMs) * W;
	const shown = preview ? p.interventions.map((iv) => (iv.client_id === preview.client_id ? preview : iv)) : p.interventions;
	const laneOf = lanes(shown, durMs * 0.012);
	const nLanes = Math.max(1, ...[...laneOf.values()].map((l) => l + 1));
	const H = TOP + nLanes * LANE_H + 4;

	function msAt(clientX: number): number {
		const r = svg.current?.getBoundingClientRect();
		if (!r || r.width <= 0) return 0;
		return Math.round((Math.min(Math.max(clientX - r.left, 0), r.width) / r.width) * durMs);
	}

	function msPerPx(): number {
		const r = svg.current?.getBoundingClientRect();
		return r && r.width > 0 ? durMs / r.width : 0;
	}

	function down(e: PointerEvent, iv: Intervention | null) {
		if (e.button !== 0) return;
		e.preventDefault();
		if (!iv) {
			p.onSeek(msAt(e.clientX) / 1000);
			return;
		}
		e.stopPropagation();
		p.onSelect(iv.client_id);
		if (p.readOnly) {
			p.onSeek(iv.start_ms / 1000);
			return;
		}
		let mode: Drag['mode'] = 'move';
		if (iv.end_ms !== null) {
			const px = msPerPx();
			const at = msAt(e.clientX);
			if (px > 0 && Math.abs(at - iv.start_ms) < 5 * px) mode = 'start';
			else if (px > 0 && Math.abs(at - iv.end_ms) < 5 * px) mode = 'end';
		}
		(e.currentTarget as Element).setPointerCapture?.(e.pointerId);
		setDrag({ id: iv.client_id, mode, x0: e.clientX, iv, moved: false });
	}

	function move(e: PointerEvent) {
		if (!drag) return;
		const dms = Math.round((e.clientX - drag.x0) * msPerPx());
		if (!drag.moved && Math.abs(e.clientX - drag.x0) < 3) return;
		const iv = drag.iv;
		let start = iv.start_ms;
		let end = iv.end_ms;
		if (drag.mode === 'move') {
			const len = (iv.end_ms ?? iv.start_ms) - iv.start_ms;
			start = Math.min(Math.max(0, iv.start_ms + dms), durMs - len);
			end = iv.end_ms === null ? null : start + len;
		} else if (drag.mode === 'start') start = Math.min(Math.max(0, iv.start_ms + dms), iv.end_ms ?? durMs);
		else end = Math.min(Math.max(iv.start_ms, (iv.end_ms ?? iv.start_ms) + dms), durMs);
		setDrag({ ...drag, moved: true });
		setPreview({ ...iv, start_ms: start, end_ms: end });
	}

	function up() {
		if (!drag) return;
		if (drag.moved && preview) p.onMove(preview);
		else p.onSeek(drag.iv.start_ms / 1000);
		setDrag(null);
		setPreview(null);
	}

	const ticks = [0, 0.25, 0.5, 0.75, 1];
	return (
		<div class="ws-timeline">
			<div
				class="ws-timeline-track"
				tabIndex={0}
				role="group"
				aria-label={t('ws.timeline.label')}
				aria-describedby="ws-timeline-help"
				onKeyDown={p.onKeyDown}
				data-own-keys=""
			>
				<svg
					ref={svg}
					class="ws-timeline-svg"
					viewBox={`0 0 ${W} ${H}`}
					preserveAspectRatio="none"
					height={H * 2}
					aria-hidden="true"
					onPointerDown={(e) => down(e, null)}
					onPointerMove={move}
					onPointerUp={up}
					onPointerCancel={() => {
						setDrag(null);
						setPreview(null);
					}}
				>
					<rect class="ws-tl-bg" x={0} y={0} width={W} height={H} />
					{ticks.map((f) => (
						<line key={f} class="ws-tl-tick" x1={f * W} x2={f * W} y1={0} y2={H} />
					))}
					{shown.map((iv) => {
						const code = p.form.codeByName.get(iv.code);
						const lane = laneOf.get(iv.client_id) ?? 0;
						const y = TOP + lane * LANE_H;
						const x0 = x(iv.start_ms);
						const w = iv.end_ms === null ? 8 : Math.max(8, x(iv.end_ms) - x0);
						const sel = iv.client_id === p.selected;
						return (
							<rect
								key={iv.client_id}
								class={`ws-tl-iv${sel ? ' ws-tl-selected' : ''}${iv.end_ms === null ? ' ws-tl-point' : ''}`}
								x={iv.end_ms === null ? x0 - 4 : x0}
								y={y}
								width={w}
								height={LANE_H - 4}
								rx={2}
								fill={codeColour(code)}
								onPointerDown={(e) => down(e, iv)}
							>
								<title>{`${clock(iv.start_ms / 1000)} ${iv.code} ${code?.label ?? ''}`}</title>
							</rect>
						);
					})}
					{p.mark && <rect class="ws-tl-mark" x={x(p.mark.start * 1000)} y={1} width={Math.max(3, x(p.time * 1000) - x(p.mark.start * 1000))} height={H - 2} />}
					<line class="ws-tl-playhead" x1={x(p.time * 1000)} x2={x(p.time * 1000)} y1={0} y2={H} />
				</svg>
				<p id="ws-timeline-help" class="visually-hidden">
					{t('ws.timeline.help', { n: p.interventions.length })}
				</p>
			</div>
			<div class="ws-timeline-ticks" aria-hidden="true">
				{ticks.map((f) => (
					<span key={f}>{clock(f * p.duration)}</span>
				))}
			</div>
		</div>
	);
}
