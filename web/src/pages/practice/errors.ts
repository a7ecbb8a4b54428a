/* Texts for the practice API's error codes: its own messages first (practice.error.<code>), then
 * the app's. Field errors the same way. */
import { ApiError } from '../../api';
import { type I18n, hasKey, useI18n } from '../../i18n';

export function practiceErrorText(i18n: I18n, err: unknown): string {
	if (err instanceof ApiError) {
		const key = `practice.error.${err.code}`;
		if (hasKey(key)) return i18n.t(key);
	}
	return i18n.errorText(err);
}

export function practiceFieldText(i18n: I18n, err: ApiError, field: string): string | undefined {
	if (!(field in err.fields)) return undefined;
	if (field === 'review_date' && err.code === 'invalid_date') return i18n.t('practice.goal.reviewAfterToday');
	const key = `practice.error.${err.code}`;
	if (hasKey(key)) return i18n.t(key);
	return i18n.fieldText(err, field);
}

export function usePracticeErrors() {
	const i18n = useI18n();
	return {
		errorText: (err: unknown) => practiceErrorText(i18n, err),
		fieldText: (err: ApiError, field: string) => practiceFieldText(i18n, err, field),
	};
}
