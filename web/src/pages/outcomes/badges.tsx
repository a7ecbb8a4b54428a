/* How a client's outcome status and change category look: a word and a colour, never colour alone. */
import { useI18n } from '../../i18n';
import type { Category, OutcomeStatus } from './oapi';

const STATUS_CLASS: Record<OutcomeStatus, string> = {
	not_on_track: 'badge badge-warn oc-badge-alarm',
	new: 'badge badge-info',
	on_track: 'badge badge-ok',
	deteriorated: 'badge badge-warn oc-badge-alarm',
	dropped_out: 'badge badge-off',
	unchanged: 'badge badge-off',
	improved: 'badge badge-ok',
	recovered: 'badge badge-ok',
	no_follow_up: 'badge badge-off',
	withdrawn: 'badge badge-off',
};

export function StatusBadge({ status }: { status: OutcomeStatus }) {
	const { t } = useI18n();
	return <span class={STATUS_CLASS[status]}>{t(`oc.status.${status}`)}</span>;
}

export function CategoryBadge({ category }: { category: Category | null }) {
	const { t } = useI18n();
	if (!category) return <span class="badge badge-info">{t('oc.category.none')}</span>;
	const cls = category === 'deteriorated' ? 'badge badge-warn oc-badge-alarm' : category === 'unchanged' ? 'badge badge-off' : 'badge badge-ok';
	return <span class={cls}>{t(`oc.category.${category}`)}</span>;
}
