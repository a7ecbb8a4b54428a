/* Changes to a rating as the server applies them (src/api/ratings.c apply_ops), so the workspace can
 * show a change before the server has confirmed it, undo it, and say what differs after a conflict.
 * Every op sets a value, so applying the same change twice gives the same rating. */
import type { Intervention, Op, Rating, Scores } from './types';

function byTime(a: Intervention, b: Intervention): number {
	return a.start_ms - b.start_ms;
}

export function applyOps(r: Rating, ops: Op[]): Rating {
	let scores: Scores | null = null;
	let ivs = r.interventions;
	let notes = r.notes;
	for (const op of ops) {
		if (op.op === 'score') {
			scores ??= Object.fromEntries(Object.entries(r.scores).map(([k, v]) => [k, { ...v }]));
			const it = (scores[op.item] ??= {});
			if (op.value === null) delete it[op.facet];
			else it[op.facet] = op.value;
			if (Object.keys(it).length === 0) delete scores[op.item];
		} else if (op.op === 'intervention') {
			const { op: _kind, ...iv } = op;
			ivs = [...ivs.filter((x) => x.client_id !== iv.client_id), { ...iv, end_ms: iv.end_ms ?? null, note: iv.note ?? '' }].sort(byTime);
		} else if (op.op === 'delete_intervention') {
			ivs = ivs.filter((x) => x.client_id !== op.client_id);
		} else if (op.op === 'notes') {
			notes = op.text;
		}
	}
	return { ...r, scores: scores ?? r.scores, interventions: ivs, notes };
}

export function interventionOp(iv: Intervention): Op {
	return { op: 'intervention', ...iv };
}

/* The ops that put back what `ops` changed in `before`. */
export function inverseOps(before: Rating, ops: Op[]): Op[] {
	const out: Op[] = [];
	for (const op of ops) {
		if (op.op === 'score') {
			const v = before.scores[op.item]?.[op.facet];
			out.push({ op: 'score', item: op.item, facet: op.facet, value: typeof v === 'number' ? v : null });
		} else if (op.op === 'intervention' || op.op === 'delete_intervention') {
			const old = before.interventions.find((x) => x.client_id === op.client_id);
			out.push(old ? interventionOp(old) : { op: 'delete_intervention', client_id: op.client_id });
		} else {
			out.push({ op: 'notes', text: before.notes });
		}
	}
	return out.reverse();
}

/* A new intervention's id: unique without asking the server. */
export function newClientId(): string {
	const rnd = typeof crypto !== 'undefined' && 'getRandomValues' in crypto ? Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(16).padStart(2, '0')).join('') : Math.random().toString(16).slice(2, 14);
	return `iv-${Date.now().toString(36)}-${rnd}`;
}

export interface RatingDiff {
	scores: { key: string; mine: number | null; saved: number | null }[];
	added: Intervention[]; /* saved, but not in what the rater saw */
	removed: Intervention[]; /* in what the rater saw, but not saved */
	changed: { mine: Intervention; saved: Intervention }[];
	notes: boolean;
}

function sameIv(a: Intervention, b: Intervention): boolean {
	return a.start_ms === b.start_ms && (a.end_ms ?? null) === (b.end_ms ?? null) && a.code === b.code && (a.within_manual ?? null) === (b.within_manual ?? null) && (a.quality ?? null) === (b.quality ?? null) && (a.note ?? '') === (b.note ?? '');
}

/* What differs between the rating as the rater saw it and as it is saved. */
export function diffRatings(mine: Rating, saved: Rating): RatingDiff {
	const keys = new Set<string>();
	for (const s of [mine.scores, saved.scores]) for (const [item, facets] of Object.entries(s)) for (const f of Object.keys(facets)) keys.add(`${item}.${f}`);
	const scores: RatingDiff['scores'] = [];
	for (const key of [...keys].sort()) {
		const [item = '', facet = ''] = key.split('.');
		const a = mine.scores[item]?.[facet] ?? null;
		const b = saved.scores[item]?.[facet] ?? null;
		if (a !== b) scores.push({ key, mine: a, saved: b });
	}
	const mineById = new Map(mine.interventions.map((x) => [x.client_id, x]));
	const savedById = new Map(saved.interventions.map((x) => [x.client_id, x]));
	const added = saved.interventions.filter((x) => !mineById.has(x.client_id));
	const removed = mine.interventions.filter((x) => !savedById.has(x.client_id));
	const changed: RatingDiff['changed'] = [];
	for (const x of mine.interventions) {
		const y = savedById.get(x.client_id);
		if (y && !sameIv(x, y)) changed.push({ mine: x, saved: y });
	}
	return { scores, added, removed, changed, notes: (mine.notes ?? '') !== (saved.notes ?? '') };
}

export function diffIsEmpty(d: RatingDiff): boolean {
	return !d.scores.length && !d.added.length && !d.removed.length && !d.changed.length && !d.notes;
}
