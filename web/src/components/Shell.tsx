/* The signed-in frame: header with user, language and sign-out; navigation by role; the status line. */
import type { ComponentChildren } from 'preact';
import type { Locale, Role } from '../api';
import { useApp } from '../app-context';
import { type MessageKey, useI18n } from '../i18n';
import { ROUTES, linkClick } from '../router';
import { exportNav } from '../pages/exports/routes';
import { reliabilityNav } from '../pages/reliability/routes';
import { workspaceNav } from '../pages/workspace/routes';
import { feedbackNav } from '../pages/feedback/routes';
import { practiceNav } from '../pages/practice/routes';
import { outcomesNav } from '../pages/outcomes/routes';
import { LanguageSelect } from './LanguageSelect';

export interface NavItem {
	path: string;
	label: MessageKey;
}

export function navItems(role: Role): NavItem[] {
	const items: NavItem[] = [{ path: ROUTES.home, label: 'nav.home' }];
	if (role === 'therapist') {
		items.push({ path: ROUTES.submissions, label: 'nav.submissions' }, { path: ROUTES.cases, label: 'nav.cases' });
	}
	items.push(...workspaceNav(role), ...outcomesNav(role));
	if (role === 'lab_admin' || role === 'supervisor') items.push({ path: ROUTES.inbox, label: 'nav.inbox' });
	items.push(...feedbackNav(role), ...practiceNav(role));
	if (role === 'lab_admin') {
		items.push({ path: ROUTES.institutions, label: 'nav.institutions' }, { path: ROUTES.users, label: 'nav.users' }, { path: ROUTES.audit, label: 'nav.audit' });
	}
	if (role === 'institution_admin') items.push({ path: ROUTES.myInstitution, label: 'nav.myInstitution' });
	items.push(...exportNav(role));
	items.push(...reliabilityNav(role));
	items.push({ path: ROUTES.tokens, label: 'nav.tokens' }, { path: ROUTES.account, label: 'nav.account' });
	return items;
}

interface Props {
	path: string;
	status: string;
	onSignOut: () => void;
	onLocale: (l: Locale) => void;
	children: ComponentChildren;
}

export function Shell({ path, status, onSignOut, onLocale, children }: Props) {
	const { t } = useI18n();
	const { user, navigate, serverVersion } = useApp();
	const name = user.display_name || user.email;
	return (
		<div class="shell">
			<a class="skip-link" href="#main">
				{t('app.skip')}
			</a>
			<header class="app-header">
				<div class="brand">
					<a class="brand-name" href={ROUTES.home} onClick={(e) => linkClick(e, navigate, ROUTES.home)}>
						{t('app.name')}
					</a>
					<span class="brand-tagline">{t('app.tagline')}</span>
				</div>
				<div class="header-tools">
					<p class="user-badge" title={user.email}>
						<span class="visually-hidden">{t('header.user', { name, role: t(`role.${user.role}`) })}</span>
						<span aria-hidden="true">
							<span class="user-name">{name}</span>
							<span class="user-role">{t(`role.${user.role}`)}</span>
						</span>
					</p>
					<LanguageSelect id="lang-header" onChange={onLocale} />
					<button type="button" class="button button-quiet" onClick={onSignOut}>
						{t('header.signOut')}
					</button>
				</div>
			</header>
			<nav class="app-nav" aria-label={t('nav.label')}>
				<ul>
					{navItems(user.role).map((item) => {
						const current = item.path === ROUTES.home ? path === '/' : path === item.path || path.startsWith(`${item.path}/`);
						return (
							<li key={item.path}>
								<a href={item.path} aria-current={current ? 'page' : undefined} onClick={(e) => linkClick(e, navigate, item.path)}>
									{t(item.label)}
								</a>
							</li>
						);
					})}
				</ul>
			</nav>
			<main id="main" tabIndex={-1} class="app-main">
				<div class="status-line" role="status" aria-live="polite">
					{status}
				</div>
				{children}
			</main>
			<footer class="app-footer">
				<p>{serverVersion ? t('app.version', { version: serverVersion }) : t('app.name')}</p>
			</footer>
		</div>
	);
}
