/* A trainee's scores beside the master's, item by item, with the difference. */
import { useI18n } from '../../i18n';
import { fmt, signed, varFacet, varName } from './format';
import type { ComparisonRow } from './relapi';
import { TableRegion } from '../../components/TableRegion';

export function ComparisonTable({ id, caption, rows }: { id: string; caption: string; rows: ComparisonRow[] }) {
	const i18n = useI18n();
	const { t } = i18n;
	return (
		<TableRegion id={id} caption={caption} tableClass="table table-dense rel-table">
			<thead>
				<tr>
					<th scope="col">{t('rel.col.item')}</th>
					<th scope="col">{t('rel.col.facet')}</th>
					<th scope="col" class="num">
						{t('rel.cal.trainee')}
					</th>
					<th scope="col" class="num">
						{t('rel.cal.master')}
					</th>
					<th scope="col" class="num">
						{t('rel.cal.difference')}
					</th>
				</tr>
			</thead>
			<tbody>
				{rows.map((r) => (
					<tr key={`${r.kind}-${r.item ?? ''}-${r.facet}`} class={r.difference !== null && Math.abs(r.difference) >= 2 ? 'rel-flagged' : undefined}>
						<th scope="row">{varName(i18n, r)}</th>
						<td>{varFacet(i18n, r)}</td>
						<td class="num">{fmt(i18n, r.trainee, 0)}</td>
						<td class="num">{fmt(i18n, r.master, 0)}</td>
						<td class="num">{r.difference === 0 ? '0' : signed(i18n, r.difference, 0)}</td>
					</tr>
				))}
			</tbody>
		</TableRegion>
	);
}
