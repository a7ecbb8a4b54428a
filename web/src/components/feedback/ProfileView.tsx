/* The scoring profile of one session, as the report shows it: the counts of interventions, adherence
 * and quality per item, the global ratings, the derived figures, the spread over intervention types,
 * and (when asked) the balance of support and challenge and the trend across sessions. */
import { useI18n } from '../../i18n';
import { type Numbers, type Scale } from '../../pages/feedback/format';
import type { Improvement, Profile, Strength } from '../../pages/feedback/types';
import { BalanceFigure } from './BalanceFigure';
import { CodeDistribution } from './CodeDistribution';
import { type BarRow, ItemBars } from './ItemBars';
import { TrendChart, trendItems } from './TrendChart';

interface Props {
	profile: Profile;
	scale: Scale;
	nums: Numbers;
	/* Prefix of the ids inside (two profiles never share a page, but a preview may). */
	id: string;
	withBalance?: boolean;
	withTrend?: boolean;
	submissionId?: number | null;
	/* Heading level of the parts: 3 under the page's sections. */
	level?: 2 | 3;
}

export function itemRows(profile: Profile, t: (k: 'fb.facet.adherence' | 'fb.facet.quality') => string): BarRow[] {
	return profile.items.map((it) => ({
		id: it.id,
		label: it.label,
		bars: [
			...(it.adherence ? [{ facet: 'adherence', name: t('fb.facet.adherence'), value: it.adherence.value, reference: it.adherence.reference, hatched: true }] : []),
			...(it.quality ? [{ facet: 'quality', name: t('fb.facet.quality'), value: it.quality.value, reference: it.quality.reference, hatched: false }] : []),
		],
	}));
}

export function ProfileView({ profile, scale, nums, id, withBalance = false, withTrend = false, submissionId = null, level = 3 }: Props) {
	const { t } = useI18n();
	const c = profile.counts;
	const H = level === 2 ? 'h2' : 'h3';
	const globals: BarRow[] = profile.globals.map((g) => ({
		id: g.id,
		label: g.label,
		bars: [{ facet: g.id, name: g.label, value: g.value, reference: g.reference, hatched: false }],
	}));
	/* Globals are named by their label alone. */
	for (const g of globals) g.id = g.label;
	const trendShown = withTrend && trendItems(profile.trend).length > 0;
	const firstImprovement = profile.improvements[0]?.item ?? null;
	return (
		<div class="fb-profile">
			<dl class="fb-keyfigures">
				<div>
					<dt>{t('fb.profile.total')}</dt>
					<dd>{nums.whole(c.total)}</dd>
				</div>
				{c.per_minute !== null && (
					<div>
						<dt>{t('fb.profile.perMinute')}</dt>
						<dd>{nums.one(c.per_minute)}</dd>
					</div>
				)}
				{c.within_manual_share !== null && (
					<div>
						<dt>{t('fb.profile.withinManual')}</dt>
						<dd>{nums.share(c.within_manual_share)}</dd>
					</div>
				)}
				<div>
					<dt>{t('fb.profile.outsideManual')}</dt>
					<dd>{nums.whole(c.outside_manual)}</dd>
				</div>
				{c.not_classifiable > 0 && (
					<div>
						<dt>{t('fb.profile.notClassifiable')}</dt>
						<dd>{nums.whole(c.not_classifiable)}</dd>
					</div>
				)}
				{c.duration_s !== null && (
					<div>
						<dt>{t('fb.profile.duration')}</dt>
						<dd>{t('fb.profile.minutes', { n: nums.whole(Math.round(c.duration_s / 60)) })}</dd>
					</div>
				)}
			</dl>
			<p class="hint fb-instrument">
				{profile.instrument.name}
				{profile.reference.available
					? ` · ${t('fb.profile.refShown', { n: nums.whole(profile.reference.n) })}`
					: ` · ${t('fb.profile.refMissing', { min: nums.whole(profile.reference.min_n), n: nums.whole(profile.reference.n) })}`}
			</p>

			<section class="fb-part" aria-labelledby={`${id}-items-h`}>
				<H id={`${id}-items-h`} class="visually-hidden">
					{t('fb.profile.itemsTitle')}
				</H>
				<ItemBars
					id={`${id}-items`}
					title={t('fb.profile.itemsTitle')}
					caption={profile.good_enough !== null ? t('fb.profile.itemsCaption', { value: nums.one(profile.good_enough) }) : t('fb.profile.itemsCaptionPlain')}
					rows={itemRows(profile, t)}
					scale={scale}
					goodEnough={profile.good_enough}
					nums={nums}
					twoFacets={profile.items.some((i) => i.adherence)}
				/>
			</section>

			{globals.length > 0 && (
				<section class="fb-part" aria-labelledby={`${id}-globals-h`}>
					<H id={`${id}-globals-h`} class="visually-hidden">
						{t('fb.profile.globalsTitle')}
					</H>
					<ItemBars id={`${id}-globals`} title={t('fb.profile.globalsTitle')} rows={globals} scale={scale} goodEnough={profile.good_enough} nums={nums} twoFacets={false} />
				</section>
			)}

			{profile.derived.length > 0 && (
				<section class="fb-part" aria-labelledby={`${id}-derived-h`}>
					<H id={`${id}-derived-h`}>{t('fb.profile.derivedTitle')}</H>
					<dl class="fb-derived">
						{profile.derived.map((d) => (
							<div key={d.id}>
								<dt>{d.label}</dt>
								<dd>
									<span class="fb-derived-value">{d.value === null ? t('common.none') : nums.one(d.value)}</span>
									{d.band_label && <span class={`badge badge-${bandTone(d.band)}`}>{d.band_label}</span>}
									{d.description && <span class="hint block">{d.description}</span>}
								</dd>
							</div>
						))}
					</dl>
				</section>
			)}

			<section class="fb-part" aria-labelledby={`${id}-codes-h`}>
				<H id={`${id}-codes-h`} class="visually-hidden">
					{t('fb.codes.title')}
				</H>
				<CodeDistribution id={`${id}-codes`} codes={c.by_code} total={c.total} nums={nums} />
			</section>

			{withBalance && profile.balance && (
				<section class="fb-part" aria-labelledby={`${id}-balance-h`}>
					<H id={`${id}-balance-h`} class="visually-hidden">
						{t('fb.balance.title')}
					</H>
					<BalanceFigure id={`${id}-balance`} balance={profile.balance} scale={scale} goodEnough={profile.good_enough} nums={nums} />
				</section>
			)}

			{trendShown && (
				<section class="fb-part" aria-labelledby={`${id}-trend-h`}>
					<H id={`${id}-trend-h`}>{t('fb.trend.title')}</H>
					<TrendChart id={`${id}-trend`} trend={profile.trend} scale={scale} goodEnough={profile.good_enough} nums={nums} initialItem={firstImprovement} currentSubmission={submissionId} />
				</section>
			)}
		</div>
	);
}

function bandTone(band: string | null): string {
	if (!band) return 'off';
	if (/low|below|poor|weak/i.test(band)) return 'warn';
	if (/high|above|good|strong|competent/i.test(band)) return 'ok';
	return 'info';
}

/* One line on a strength or improvement from the profile: "Quality 5,0 – above good enough". */
export function profileEntryText(t: ReturnType<typeof useI18n>['t'], nums: Numbers, e: Strength | Improvement, goodEnough: number | null): string {
	const facet = facetName(t, e.facet);
	if (e.reason === 'not_used') return t('fb.glance.notUsed');
	if (e.value === null) return facet;
	if (e.reason === 'above_good_enough') return goodEnough === null ? t('fb.glance.high', { facet, value: nums.one(e.value) }) : t('fb.glance.above', { facet, value: nums.one(e.value) });
	const gap = 'gap' in e && e.gap !== null ? e.gap : null;
	return gap !== null ? t('fb.glance.below', { facet, value: nums.one(e.value), gap: nums.one(gap) }) : t('fb.glance.low', { facet, value: nums.one(e.value) });
}

export function facetName(t: ReturnType<typeof useI18n>['t'], facet: string): string {
	if (facet === 'adherence') return t('fb.facet.adherence');
	if (facet === 'quality') return t('fb.facet.quality');
	return facet;
}
