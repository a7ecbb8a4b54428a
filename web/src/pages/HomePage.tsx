/* The overview: what this role does in kvalab, and what can be done in this version. */
import { useApp } from '../app-context';
import { PageHeading } from '../components/PageHeading';
import { type MessageKey, useI18n } from '../i18n';
import { ROUTES, linkClick } from '../router';
import { exportHome } from './exports/routes';
import { WS_ROUTES } from './workspace/paths';
import { FB_ROUTES } from './feedback/paths';
import { PRACTICE_ROUTES } from './practice/paths';
import { PracticeDueNotice } from './practice/routes';
import { outcomesHome } from './outcomes/routes';

export function HomePage() {
	const { t } = useI18n();
	const { user, navigate } = useApp();
	const role = user.role;
	const now: { path: string; text: MessageKey; link: MessageKey }[] = [];
	if (role === 'therapist') {
		now.push({ path: ROUTES.submissions, text: 'home.now.submissions', link: 'nav.submissions' }, { path: ROUTES.cases, text: 'home.now.cases', link: 'nav.cases' });
		now.push({ path: PRACTICE_ROUTES.practice, text: 'practice.home.text', link: 'practice.nav' });
	}
	if (role === 'rater') now.push({ path: WS_ROUTES.queue, text: 'ws.home.queue', link: 'ws.nav.queue' });
	if (role === 'therapist') now.push({ path: FB_ROUTES.list, text: 'fb.home.mine', link: 'fb.nav.mine' });
	if (role === 'supervisor' || role === 'rater' || role === 'lab_admin') now.push({ path: FB_ROUTES.list, text: 'fb.home.staff', link: 'fb.nav.staff' });
	if (role === 'lab_admin' || role === 'supervisor') now.push({ path: ROUTES.inbox, text: role === 'lab_admin' ? 'home.now.inbox' : 'home.now.inboxRead', link: 'nav.inbox' });
	if (role === 'lab_admin') {
		now.push(
			{ path: ROUTES.institutions, text: 'home.now.institutions', link: 'nav.institutions' },
			{ path: ROUTES.users, text: 'home.now.users', link: 'nav.users' },
			{ path: ROUTES.audit, text: 'home.now.audit', link: 'nav.audit' },
		);
	}
	if (role === 'institution_admin') now.push({ path: ROUTES.myInstitution, text: 'home.now.myInstitution', link: 'nav.myInstitution' });
	const exportEntry = exportHome(role);
	if (exportEntry) now.push(exportEntry);
	now.push(...outcomesHome(role));
	now.push({ path: ROUTES.tokens, text: 'home.now.tokens', link: 'nav.tokens' }, { path: ROUTES.account, text: 'home.now.account', link: 'nav.account' });

	return (
		<div class="page page-home">
			<PageHeading>{t('home.title', { name: user.display_name || user.email })}</PageHeading>
			<p class="lead">{t('home.role', { role: t(`role.${user.role}`) })}</p>
			{role === 'therapist' && <PracticeDueNotice />}
			<div class="cards">
				<section class="card" aria-labelledby="home-what">
					<h2 id="home-what">{t('home.whatTitle')}</h2>
					<p>{t(`home.what.${user.role}`)}</p>
				</section>
				<section class="card" aria-labelledby="home-now">
					<h2 id="home-now">{t('home.nowTitle')}</h2>
					<ul class="link-list">
						{now.map((item) => (
							<li key={item.path}>
								<a href={item.path} onClick={(e) => linkClick(e, navigate, item.path)}>
									{t(item.link)}
								</a>
								<span class="link-desc">{t(item.text)}</span>
							</li>
						))}
					</ul>
					<p class="hint">{t('home.security', { state: user.totp_enabled ? t('totp.on') : t('totp.off') })}</p>
				</section>
				<section class="card card-muted" aria-labelledby="home-later">
					<h2 id="home-later">{t('home.laterTitle')}</h2>
					<p>{t('home.later')}</p>
				</section>
			</div>
		</div>
	);
}
