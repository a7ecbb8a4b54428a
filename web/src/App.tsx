/* The whole UI: session state, language, the forced first steps, and the signed-in pages. */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, api, setCsrfToken, setGateHandler, setSessionLostHandler, type Locale, type Role, type User } from './api';
import { AppContext, type AppCtx } from './app-context';
import { BareLayout } from './components/BareLayout';
import { ErrorNotice } from './components/Field';
import { PageHeading } from './components/PageHeading';
import { Shell } from './components/Shell';
import { I18nContext, type I18n, type MessageKey, initialLocale, isLocale, makeI18n, storeLocale } from './i18n';
import { AccountPage } from './pages/AccountPage';
import { AuditPage } from './pages/AuditPage';
import { CasesPage } from './pages/CasesPage';
import { HomePage } from './pages/HomePage';
import { InboxPage } from './pages/InboxPage';
import { InstitutionPage } from './pages/InstitutionPage';
import { InstitutionsPage } from './pages/InstitutionsPage';
import { MyInstitutionPage } from './pages/MyInstitutionPage';
import { MessagePage } from './pages/SimplePages';
import { SubmissionPage } from './pages/SubmissionPage';
import { SubmissionsPage } from './pages/SubmissionsPage';
import { TokensPage } from './pages/TokensPage';
import { UsersPage } from './pages/UsersPage';
import { exportPages } from './pages/exports/routes';
import { reliabilityPages } from './pages/reliability/routes';
import { workspacePages, workspacePatterns } from './pages/workspace/routes';
import { feedbackPages, feedbackPatterns } from './pages/feedback/routes';
import { practicePages } from './pages/practice/routes';
import { outcomesPages, outcomesPatterns } from './pages/outcomes/routes';
import { ROUTES, usePath } from './router';
import { stopAllUploads } from './upload';
import { ForcedPasswordScreen, ForcedTotpScreen } from './screens/ForcedScreens';
import { LoginScreen, type LoginNotice } from './screens/LoginScreen';

type Phase =
	| { kind: 'loading' }
	| { kind: 'unreachable'; error: unknown }
	| { kind: 'signedOut'; notice: LoginNotice }
	| { kind: 'signedIn'; user: User };

interface PageDef {
	title: MessageKey;
	/* Who may open the page; everyone signed in when absent. */
	roles?: readonly Role[];
	render: (params: string[]) => preact.JSX.Element;
}

const LAB: readonly Role[] = ['lab_admin'];
const INBOX: readonly Role[] = ['lab_admin', 'supervisor'];
const THERAPIST: readonly Role[] = ['therapist'];

/* Exact paths, then patterns whose groups become the page's parameters. */
const PAGES: Record<string, PageDef> = {
	[ROUTES.home]: { title: 'nav.home', render: () => <HomePage /> },
	[ROUTES.users]: { title: 'nav.users', roles: LAB, render: () => <UsersPage /> },
	[ROUTES.audit]: { title: 'nav.audit', roles: LAB, render: () => <AuditPage /> },
	[ROUTES.tokens]: { title: 'nav.tokens', render: () => <TokensPage /> },
	[ROUTES.account]: { title: 'nav.account', render: () => <AccountPage /> },
	[ROUTES.submissions]: { title: 'nav.submissions', roles: THERAPIST, render: () => <SubmissionsPage /> },
	[ROUTES.newSubmission]: { title: 'wizard.titleNew', roles: THERAPIST, render: () => <SubmissionPage id={null} /> },
	[ROUTES.cases]: { title: 'nav.cases', roles: THERAPIST, render: () => <CasesPage /> },
	[ROUTES.inbox]: { title: 'nav.inbox', roles: INBOX, render: () => <InboxPage /> },
	[ROUTES.institutions]: { title: 'nav.institutions', roles: LAB, render: () => <InstitutionsPage /> },
	[ROUTES.myInstitution]: { title: 'nav.myInstitution', roles: ['institution_admin'], render: () => <MyInstitutionPage /> },
	...workspacePages,
	...exportPages,
	...feedbackPages,
	...reliabilityPages,
	...practicePages,
	...outcomesPages,
};

const PATTERNS: [RegExp, PageDef][] = [
	[/^\/submissions\/(\d+)(?:\/([a-z]+))?$/, { title: 'submission.title', roles: THERAPIST, render: ([id, step]) => <SubmissionPage id={Number(id)} step={step} /> }],
	[/^\/institutions\/(\d+)$/, { title: 'institution.title', roles: LAB, render: ([id]) => <InstitutionPage id={Number(id)} /> }],
	...workspacePatterns,
	...feedbackPatterns,
	...outcomesPatterns,
];

function pageFor(path: string, user: User): { title: MessageKey; node: preact.JSX.Element } {
	const p = path.length > 1 ? path.replace(/\/+$/, '') : path;
	let def = PAGES[p];
	let params: string[] = [];
	if (!def) {
		for (const [re, d] of PATTERNS) {
			const m = re.exec(p);
			if (m) {
				def = d;
				params = m.slice(1).map((x) => x ?? '');
				break;
			}
		}
	}
	if (!def) return { title: 'app.notFoundTitle', node: <MessagePage kind="notFound" /> };
	if (def.roles && !def.roles.includes(user.role)) return { title: 'app.noAccessTitle', node: <MessagePage kind="noAccess" /> };
	return { title: def.title, node: def.render(params) };
}

function needsPassword(u: User): boolean {
	return u.must_change_password;
}

function needsTotp(u: User): boolean {
	return u.totp_required && !u.totp_enabled;
}

export function App() {
	const [locale, setLocaleState] = useState<Locale>(initialLocale);
	const i18n: I18n = useMemo(() => makeI18n(locale), [locale]);
	const { t } = i18n;
	const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
	const phaseRef = useRef(phase);
	phaseRef.current = phase;
	const [path, setPath] = usePath();
	const [status, setStatus] = useState('');
	const [version, setVersion] = useState<string | null>(null);
	const [attempt, setAttempt] = useState(0);

	useEffect(() => {
		document.documentElement.lang = locale;
	}, [locale]);

	function applyLocale(l: Locale) {
		setLocaleState(l);
		storeLocale(l);
	}

	function setUser(u: User) {
		setPhase((p) => (p.kind === 'signedIn' ? { kind: 'signedIn', user: u } : p));
	}

	/* The switcher: takes effect at once, and is kept in the profile when signed in. */
	function changeLocale(l: Locale) {
		applyLocale(l);
		const p = phaseRef.current;
		if (p.kind === 'signedIn' && p.user.locale !== l) {
			api.updateMe({ locale: l }).then(setUser, () => {
				/* The choice still holds on this device; the profile is updated next time. */
			});
		}
	}

	function signedIn(u: User) {
		/* The language kept in the profile follows the user to every device. */
		if (isLocale(u.locale)) applyLocale(u.locale);
		setStatus('');
		setPhase({ kind: 'signedIn', user: u });
	}

	useEffect(() => {
		setSessionLostHandler(() => {
			if (phaseRef.current.kind !== 'signedIn') return;
			setCsrfToken(null);
			setStatus('');
			setPhase({ kind: 'signedOut', notice: 'expired' });
		});
		setGateHandler(() => {
			api.getSession().then((s) => setUser(s.user), () => undefined);
		});
		api.health().then(
			(h) => setVersion(h.version),
			() => undefined,
		);
		return () => {
			setSessionLostHandler(null);
			setGateHandler(null);
		};
	}, []);

	useEffect(() => {
		let live = true;
		api.getSession().then(
			(s) => live && signedIn(s.user),
			(err: unknown) => {
				if (!live) return;
				if (err instanceof ApiError && err.status === 401) setPhase({ kind: 'signedOut', notice: null });
				else setPhase({ kind: 'unreachable', error: err });
			},
		);
		return () => {
			live = false;
		};
	}, [attempt]);

	async function signOut() {
		stopAllUploads();
		try {
			await api.signOut();
		} catch {
			/* Signed out locally either way: the cookie is the server's to drop. */
		}
		setCsrfToken(null);
		setStatus('');
		navigate(ROUTES.home);
		setPhase({ kind: 'signedOut', notice: 'signedOut' });
	}

	function navigate(to: string) {
		setStatus('');
		setPath(to);
		window.scrollTo(0, 0);
	}

	let title: string = t('app.name');
	let body: preact.JSX.Element;
	if (phase.kind === 'loading') {
		body = (
			<BareLayout onLocale={changeLocale}>
				<p class="loading">{t('app.loading')}</p>
			</BareLayout>
		);
	} else if (phase.kind === 'unreachable') {
		body = (
			<BareLayout onLocale={changeLocale}>
				<PageHeading>{t('app.name')}</PageHeading>
				<ErrorNotice>{i18n.errorText(phase.error)}</ErrorNotice>
				<button
					type="button"
					class="button button-primary"
					onClick={() => {
						setPhase({ kind: 'loading' });
						setAttempt((n) => n + 1);
					}}
				>
					{t('common.retry')}
				</button>
			</BareLayout>
		);
	} else if (phase.kind === 'signedOut') {
		title = `${t('login.title')} – ${t('app.name')}`;
		body = <LoginScreen key={`login-${phase.notice ?? ''}`} notice={phase.notice} onSignedIn={signedIn} onLocale={changeLocale} />;
	} else if (needsPassword(phase.user)) {
		title = `${t('password.forcedTitle')} – ${t('app.name')}`;
		body = <ForcedPasswordScreen onUser={signedIn} onLocale={changeLocale} onSignOut={signOut} />;
	} else if (needsTotp(phase.user)) {
		title = `${t('totp.forcedTitle')} – ${t('app.name')}`;
		body = (
			<ForcedTotpScreen
				onUser={(u) => {
					signedIn(u);
					setStatus(t('totp.done'));
				}}
				onLocale={changeLocale}
				onSignOut={signOut}
			/>
		);
	} else {
		const user = phase.user;
		const pg = pageFor(path, user);
		title = `${t(pg.title)} – ${t('app.name')}`;
		const ctx: AppCtx = { user, setUser, navigate, announce: setStatus, setLocale: changeLocale, serverVersion: version };
		body = (
			<AppContext.Provider value={ctx}>
				<Shell path={path} status={status} onSignOut={signOut} onLocale={changeLocale}>
					<div key={path}>{pg.node}</div>
				</Shell>
			</AppContext.Provider>
		);
	}

	useEffect(() => {
		document.title = title;
	}, [title]);

	return <I18nContext.Provider value={i18n}>{body}</I18nContext.Provider>;
}
