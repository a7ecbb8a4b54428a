/* One-click starts for points: the profile's strengths and improvement points, each turned into a
 * point with its kind, item, a title and a first sentence the writer goes on from. */
import { useI18n } from '../../i18n';
import type { Numbers } from '../../pages/feedback/format';
import type { Improvement, Point, PointInput, Profile, Strength } from '../../pages/feedback/types';
import { facetName, profileEntryText } from './ProfileView';

interface Props {
	profile: Profile;
	points: Point[];
	nums: Numbers;
	disabled: boolean;
	onStart: (p: PointInput) => void;
}

export function Starters({ profile, points, nums, disabled, onStart }: Props) {
	const { t } = useI18n();
	const used = new Set(points.map((p) => `${p.kind}:${p.item_id ?? ''}`));
	const start = (kind: 'strength' | 'improvement', e: Strength | Improvement): PointInput => {
		const facet = facetName(t, e.facet).toLowerCase();
		let body = '';
		if (e.reason === 'above_good_enough') body = t('fb.starter.bodyStrength', { facet, value: nums.one(e.value ?? 0) });
		else if (e.reason === 'below_good_enough') body = t('fb.starter.bodyBelow', { facet, value: e.value === null ? '–' : nums.one(e.value) });
		else body = t('fb.starter.bodyNotUsed');
		return { kind, item_id: e.item, title: e.label, body, clips: [] };
	};
	const row = (kind: 'strength' | 'improvement', e: Strength | Improvement) => {
		const taken = used.has(`${kind}:${e.item}`);
		return (
			<li key={`${kind}-${e.item}-${e.facet}`}>
				<button
					type="button"
					class="button button-small fb-starter"
					disabled={disabled}
					onClick={() => onStart(start(kind, e))}
					aria-label={t(kind === 'strength' ? 'fb.starter.strengthLabel' : 'fb.starter.improvementLabel', { item: `${e.item} ${e.label}` })}
				>
					<span aria-hidden="true">+ </span>
					{e.item} {e.label}
				</button>
				<span class="fb-starter-why">
					{profileEntryText(t, nums, e, profile.good_enough)}
					{taken && <span class="badge badge-ok fb-starter-taken">{t('fb.starter.written')}</span>}
				</span>
			</li>
		);
	};
	if (profile.strengths.length === 0 && profile.improvements.length === 0) return null;
	return (
		<section class="fb-starters" aria-labelledby="fb-starters-h">
			<h3 id="fb-starters-h">{t('fb.starter.title')}</h3>
			<p class="hint">{t('fb.starter.intro')}</p>
			{profile.strengths.length > 0 && (
				<>
					<h4>{t('fb.glance.strengths')}</h4>
					<ul class="fb-starter-list">{profile.strengths.map((e) => row('strength', e))}</ul>
				</>
			)}
			{profile.improvements.length > 0 && (
				<>
					<h4>{t('fb.glance.improvements')}</h4>
					<ul class="fb-starter-list">{profile.improvements.map((e) => row('improvement', e))}</ul>
				</>
			)}
		</section>
	);
}
