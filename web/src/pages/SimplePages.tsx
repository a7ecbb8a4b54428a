/* Pages with a message only: an unknown address, or a page this role may not open. */
import { useApp } from '../app-context';
import { PageHeading } from '../components/PageHeading';
import { useI18n } from '../i18n';
import { ROUTES, linkClick } from '../router';

export function MessagePage({ kind }: { kind: 'notFound' | 'noAccess' }) {
	const { t } = useI18n();
	const { navigate } = useApp();
	return (
		<div class="page">
			<PageHeading>{t(kind === 'notFound' ? 'app.notFoundTitle' : 'app.noAccessTitle')}</PageHeading>
			<p>{t(kind === 'notFound' ? 'app.notFound' : 'app.noAccess')}</p>
			<p>
				<a href={ROUTES.home} onClick={(e) => linkClick(e, navigate, ROUTES.home)}>
					{t('app.backHome')}
				</a>
			</p>
		</div>
	);
}
