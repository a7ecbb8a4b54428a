/* A rater's calibration per rating scale: sessions done of those the lab asks for, ICC(2,1) against the
 * master with its interval, and whether the lab's threshold is met. */
import { useI18n } from '../../i18n';
import { fmt, interval } from './format';
import type { Calibration } from './relapi';
import { TableRegion } from '../../components/TableRegion';

export function CalibrationRule({ c }: { c: Pick<Calibration, 'rule'> }) {
	const i18n = useI18n();
	return <p class="notice notice-info">{i18n.t('rel.cal.rule', { icc: fmt(i18n, c.rule.icc_min), n: c.rule.min_sessions })}</p>;
}

export function CalibrationBadge({ calibrated }: { calibrated: boolean }) {
	const { t } = useI18n();
	return calibrated ? <span class="badge badge-ok">{t('rel.cal.calibrated')}</span> : <span class="badge badge-off">{t('rel.cal.notYet')}</span>;
}

export function CalibrationStatus({ c, id }: { c: Calibration; id: string }) {
	const i18n = useI18n();
	const { t } = i18n;
	if (c.instruments.length === 0) return <p class="empty">{t('rel.cal.noSessions')}</p>;
	return (
		<TableRegion id={id} caption={t('rel.cal.statusCaption')} tableClass="table table-dense">
			<thead>
				<tr>
					<th scope="col">{t('rel.instrument')}</th>
					<th scope="col" class="num">
						{t('rel.cal.sessionsDone')}
					</th>
					<th scope="col" class="num">
						{t('rel.cal.icc')}
					</th>
					<th scope="col">{t('rel.col.ci')}</th>
					<th scope="col" class="num">
						{t('rel.cal.meanAbs')}
					</th>
					<th scope="col">{t('rel.cal.status')}</th>
				</tr>
			</thead>
			<tbody>
				{c.instruments.map((x) => (
					<tr key={x.instrument_id}>
						<th scope="row">{x.instrument.name}</th>
						<td class="num">{t('rel.cal.ofRequired', { n: x.n_sessions, m: c.rule.min_sessions })}</td>
						<td class="num">{fmt(i18n, x.icc?.icc)}</td>
						<td class="nowrap">{interval(i18n, x.icc?.ci_lower, x.icc?.ci_upper)}</td>
						<td class="num">{fmt(i18n, x.mean_abs_difference)}</td>
						<td>
							<CalibrationBadge calibrated={x.calibrated} />
						</td>
					</tr>
				))}
			</tbody>
		</TableRegion>
	);
}
