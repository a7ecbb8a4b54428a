/* The two-minute summary at the top of the feedback: the supervisor's summary, up to three things
 * that went well and three to work on (the written points first, then what the profile shows), and
 * the balance of support and challenge with a sentence on what it means. */
import { useI18n } from '../../i18n';
import type { Numbers, Scale } from '../../pages/feedback/format';
import type { Feedback, Improvement, Point, PointKind, Profile, Strength } from '../../pages/feedback/types';
import { BalanceFigure } from './BalanceFigure';
import { profileEntryText } from './ProfileView';

interface Props {
	feedback: Feedback;
	profile: Profile;
	scale: Scale;
	nums: Numbers;
	id: string;
}

interface Entry {
	key: string;
	title: string;
	detail: string;
	/* The written point further down, to jump to. */
	pointId: number | null;
}

const MAX = 3;

function entries(kind: PointKind, points: Point[], computed: (Strength | Improvement)[], itemLabel: (id: string) => string, text: (e: Strength | Improvement) => string): Entry[] {
	const written = points.filter((p) => p.kind === kind).sort((a, b) => a.position - b.position);
	/* Under a written point: the item it is about, unless its title already says so. */
	const detail = (p: Point) => {
		if (!p.item_id) return '';
		const name = itemLabel(p.item_id);
		return name.toLowerCase().endsWith(p.title.trim().toLowerCase()) ? '' : name;
	};
	const out: Entry[] = written.slice(0, MAX).map((p) => ({ key: `p${p.id}`, title: p.item_id && !detail(p) ? itemLabel(p.item_id) : p.title, detail: detail(p), pointId: p.id }));
	const covered = new Set(written.map((p) => p.item_id).filter(Boolean));
	for (const e of computed) {
		if (out.length >= MAX) break;
		if (covered.has(e.item)) continue;
		covered.add(e.item);
		out.push({ key: `c${e.item}-${e.facet}`, title: `${e.item} ${e.label}`, detail: text(e), pointId: null });
	}
	return out;
}

export function AtAGlance({ feedback, profile, scale, nums, id }: Props) {
	const { t } = useI18n();
	const labels = new Map(profile.items.map((i) => [i.id, `${i.id} ${i.label}`]));
	const itemLabel = (item: string) => labels.get(item) ?? item;
	const text = (e: Strength | Improvement) => profileEntryText(t, nums, e, profile.good_enough);
	const good = entries('strength', feedback.points, profile.strengths, itemLabel, text);
	const work = entries('improvement', feedback.points, profile.improvements, itemLabel, text);
	const list = (items: Entry[], empty: string) =>
		items.length === 0 ? (
			<p class="empty">{empty}</p>
		) : (
			<ol class="fb-glance-list">
				{items.map((e) => (
					<li key={e.key}>
						{e.pointId !== null ? (
							<a class="fb-glance-title" href={`#point-${e.pointId}`}>
								{e.title}
							</a>
						) : (
							<span class="fb-glance-title">{e.title}</span>
						)}
						{e.detail && <span class="fb-glance-detail">{e.detail}</span>}
					</li>
				))}
			</ol>
		);
	return (
		<div class="fb-glance">
			{feedback.summary.trim() ? <p class="fb-summary pre-line">{feedback.summary}</p> : null}
			<div class="fb-glance-cols">
				<section class="fb-glance-col fb-glance-good" aria-labelledby={`${id}-good`}>
					<h3 id={`${id}-good`}>{t('fb.glance.strengths')}</h3>
					{list(good, t('fb.glance.noStrengths'))}
				</section>
				<section class="fb-glance-col fb-glance-work" aria-labelledby={`${id}-work`}>
					<h3 id={`${id}-work`}>{t('fb.glance.improvements')}</h3>
					{list(work, t('fb.glance.noImprovements'))}
				</section>
			</div>
			{profile.balance && (
				<section class="fb-glance-balance" aria-labelledby={`${id}-balance-h`}>
					<h3 id={`${id}-balance-h`} class="visually-hidden">
						{t('fb.balance.title')}
					</h3>
					<BalanceFigure id={`${id}-balance`} balance={profile.balance} scale={scale} goodEnough={profile.good_enough} nums={nums} />
				</section>
			)}
		</div>
	);
}
