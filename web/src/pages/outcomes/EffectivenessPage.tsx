/* Therapist: own effectiveness over the treatments that ended in a period, with its
 * uncertainty and the honest caveats when cases are few. */
import { useEffect, useState } from 'preact/hooks';
import { useApp } from '../../app-context';
import { ErrorNotice, TextField } from '../../components/Field';
import { PageHeading } from '../../components/PageHeading';
import { type I18n, useI18n } from '../../i18n';
import { isDay } from '../../intake';
import { linkClick } from '../../router';
import { StatusBadge } from './badges';
import { CATEGORIES, type MeasureEffect, type OutcomeStatus, type Share, type Summary, oapi } from './oapi';
import { OC_ROUTES } from './paths';
import '../../styles/outcomes.css';

export function shareText({ t, percent }: I18n, s: Share): string {
	if (s.share === null) return t('common.none');
	return t('oc.eff.shareCi', { share: percent(s.share), lower: percent(s.lower ?? 0), upper: percent(s.upper ?? 0) });
}

const CAVEATS = ['no_cases', 'no_effect_size', 'few_cases', 'reference_too_small', 'too_few_for_adjusted', 'no_follow_up_excluded', 'rules_unverified'] as const;
type Caveat = (typeof CAVEATS)[number];
const isCaveat = (c: string): c is Caveat => (CAVEATS as readonly string[]).includes(c);

function MeasureCard({ m }: { m: MeasureEffect }) {
	const i18n = useI18n();
	const { t, num } = i18n;
	const id = `eff-${m.instrument_id}`;
	return (
		<section class="card" aria-labelledby={id}>
			<h2 id={id}>{m.name}</h2>
			<p>{t('oc.eff.cases', { n: m.n, dropped: m.n_dropped_out })}</p>
			{m.caveats.filter(isCaveat).map((c) => (
				<p key={c} class={c === 'few_cases' || c === 'no_cases' ? 'notice notice-warn' : 'notice notice-info'}>
					{t(`oc.caveat.${c}`, { n: m.n, min: c === 'reference_too_small' ? m.reference.min_reference : m.reference.min_cases_adjusted, ref: m.reference.n, excluded: m.n_no_follow_up })}
				</p>
			))}
			{m.n > 0 && (
				<div class="table-wrap" role="region" aria-labelledby={`${id}-cap`} tabIndex={0}>
					<table class="table">
						<caption id={`${id}-cap`}>{t('oc.eff.sharesCaption')}</caption>
						<thead>
							<tr>
								<th scope="col">{t('oc.eff.category')}</th>
								<th scope="col" class="num">
									{t('oc.eff.count')}
								</th>
								<th scope="col">{t('oc.eff.share')}</th>
							</tr>
						</thead>
						<tbody>
							{CATEGORIES.map((c) => (
								<tr key={c}>
									<th scope="row">{t(`oc.category.${c}`)}</th>
									<td class="num">{m.categories[c].count}</td>
									<td>{shareText(i18n, m.categories[c])}</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			)}
			<dl class="facts">
				<dt>{t('oc.eff.d')}</dt>
				<dd>{m.effect_size ? t('oc.eff.ci', { value: num(m.effect_size.d, 2), lower: num(m.effect_size.lower, 2), upper: num(m.effect_size.upper, 2) }) : t('oc.eff.notYet')}</dd>
				<dt>{t('oc.eff.adjusted')}</dt>
				<dd>{m.adjusted ? t('oc.eff.ci', { value: num(m.adjusted.value, 2), lower: num(m.adjusted.lower, 2), upper: num(m.adjusted.upper, 2) }) : t('oc.eff.notYet')}</dd>
				<dt>{t('oc.eff.reference')}</dt>
				<dd>{m.reference.d === null ? t('oc.eff.referenceN', { n: m.reference.n }) : t('oc.eff.referenceD', { n: m.reference.n, d: num(m.reference.d, 2) })}</dd>
			</dl>
			<p class="hint">{t('oc.eff.explain')}</p>
		</section>
	);
}

export function EffectivenessPage() {
	const { t, errorText, locale } = useI18n();
	const { navigate } = useApp();
	const [from, setFrom] = useState('');
	const [to, setTo] = useState('');
	const [query, setQuery] = useState<{ from?: string; to?: string }>({});
	const [data, setData] = useState<Summary | null>(null);
	const [error, setError] = useState('');
	const [fieldErr, setFieldErr] = useState<{ from?: string; to?: string }>({});

	useEffect(() => {
		let live = true;
		setData(null);
		oapi.summary({ ...query, lang: locale }).then(
			(r) => {
				if (!live) return;
				setData(r);
				setError('');
			},
			(e: unknown) => live && setError(errorText(e)),
		);
		return () => {
			live = false;
		};
	}, [query, locale]);

	function apply(e: Event) {
		e.preventDefault();
		const errs: { from?: string; to?: string } = {};
		if (from && !isDay(from)) errs.from = t('field.date');
		if (to && !isDay(to)) errs.to = t('field.date');
		if (!errs.from && !errs.to && from && to && to < from) errs.to = t('audit.badRange');
		setFieldErr(errs);
		if (errs.from || errs.to) return;
		const q: { from?: string; to?: string } = {};
		if (from) q.from = from;
		if (to) q.to = to;
		setQuery(q);
	}

	return (
		<div class="page">
			<a class="back-link" href={OC_ROUTES.clients} onClick={(e) => linkClick(e, navigate, OC_ROUTES.clients)}>
				{t('oc.client.back')}
			</a>
			<PageHeading>{t('oc.eff.title')}</PageHeading>
			<p class="lead">{t('oc.eff.intro')}</p>
			<form class="filters" onSubmit={apply} noValidate>
				<div class="form-row">
					<TextField id="eff-from" type="date" label={t('oc.eff.from')} optional value={from} onInput={setFrom} error={fieldErr.from} />
					<TextField id="eff-to" type="date" label={t('oc.eff.to')} optional value={to} onInput={setTo} error={fieldErr.to} />
				</div>
				<div class="button-row">
					<button type="submit" class="button button-primary">
						{t('oc.eff.show')}
					</button>
				</div>
			</form>
			<ErrorNotice>{error}</ErrorNotice>
			{!data && !error && <p class="loading">{t('common.loading')}</p>}
			{data && <EffectivenessSummary data={data} headingLevel={2} />}
		</div>
	);
}

/* The figures themselves: the caseload by status and each measure's effect, for this page and
 * for "My development", where they stand beside fidelity scores and practice time. */
export function EffectivenessSummary({ data, headingLevel }: { data: Summary; headingLevel: 2 | 3 }) {
	const { t } = useI18n();
	const counts = (Object.entries(data.caseload.counts) as [OutcomeStatus, number][]).filter(([, n]) => n > 0);
	const Heading = headingLevel === 2 ? 'h2' : 'h3';
	return (
		<>
			<section class="card" aria-labelledby="eff-caseload">
				<Heading id="eff-caseload">{t('oc.eff.caseload', { n: data.caseload.total })}</Heading>
				<ul class="oc-counts">
					{counts.map(([s, n]) => (
						<li key={s}>
							<StatusBadge status={s} /> <span class="oc-count">{n}</span>
						</li>
					))}
				</ul>
				<p>{t('oc.eff.period', { started: data.clients_started, scores: data.scores_recorded })}</p>
			</section>
			{data.measures.length === 0 && <p class="empty">{t('oc.eff.none')}</p>}
			{data.measures.map((m) => (
				<MeasureCard key={m.instrument_id} m={m} />
			))}
		</>
	);
}
