/* The language switcher: each language named in itself. */
import { LOCALES, type Locale } from '../api';
import { isLocale, useI18n } from '../i18n';

export function LanguageSelect({ id, onChange }: { id: string; onChange: (l: Locale) => void }) {
	const { t, locale } = useI18n();
	return (
		<div class="lang-select">
			<label for={id}>{t('lang.label')}</label>
			<select
				id={id}
				value={locale}
				onChange={(e) => {
					const v = e.currentTarget.value;
					if (isLocale(v)) onChange(v);
				}}
			>
				{LOCALES.map((l) => (
					<option key={l} value={l} lang={l}>
						{t(`lang.${l}`)}
					</option>
				))}
			</select>
		</div>
	);
}
