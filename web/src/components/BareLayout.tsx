/* The frame of the screens shown before the app: sign-in and the forced first steps. */
import type { ComponentChildren } from 'preact';
import type { Locale } from '../api';
import { useI18n } from '../i18n';
import { LanguageSelect } from './LanguageSelect';

interface Props {
	children: ComponentChildren;
	onLocale: (l: Locale) => void;
	onSignOut?: () => void;
	wide?: boolean;
}

export function BareLayout({ children, onLocale, onSignOut, wide }: Props) {
	const { t } = useI18n();
	return (
		<div class="bare">
			<a class="skip-link" href="#main">
				{t('app.skip')}
			</a>
			<header class="bare-header">
				<div class="brand">
					<span class="brand-name">{t('app.name')}</span>
					<span class="brand-tagline">{t('app.tagline')}</span>
				</div>
				<div class="header-tools">
					<LanguageSelect id="lang-bare" onChange={onLocale} />
					{onSignOut && (
						<button type="button" class="button button-quiet" onClick={onSignOut}>
							{t('header.signOut')}
						</button>
					)}
				</div>
			</header>
			<main id="main" tabIndex={-1} class={`bare-main${wide ? ' bare-main-wide' : ''}`}>
				<div class="card">{children}</div>
			</main>
		</div>
	);
}
