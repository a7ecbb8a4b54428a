/* The sub-menu of the lab's reliability pages (dashboard, drift, calibration, settings). */
import { useApp } from '../../app-context';
import { type MessageKey, useI18n } from '../../i18n';
import { linkClick } from '../../router';
import { REL_ROUTES } from './paths';

export function ReliabilityTabs({ current }: { current: string }) {
	const { t } = useI18n();
	const { user, navigate } = useApp();
	const tabs: { path: string; label: MessageKey }[] = [
		{ path: REL_ROUTES.dashboard, label: 'rel.tab.dashboard' },
		{ path: REL_ROUTES.drift, label: 'rel.tab.drift' },
		{ path: REL_ROUTES.calibration, label: 'rel.tab.calibration' },
		{ path: REL_ROUTES.settings, label: 'rel.tab.settings' },
	];
	return (
		<nav class="rel-tabs" aria-label={t('rel.tabs')}>
			<ul>
				{tabs
					.filter((x) => x.path !== REL_ROUTES.settings || user.role === 'lab_admin' || user.role === 'supervisor')
					.map((x) => (
						<li key={x.path}>
							<a href={x.path} aria-current={x.path === current ? 'page' : undefined} onClick={(e) => linkClick(e, navigate, x.path)}>
								{t(x.label)}
							</a>
						</li>
					))}
			</ul>
		</nav>
	);
}
