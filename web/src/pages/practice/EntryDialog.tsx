/* Logging practice, or changing an entry: date, minutes, activity, the domain it trains, the goal
 * it serves and a short reflection. A review the player logged keeps its date, minutes and
 * activity as measured. */
import { useState } from 'preact/hooks';
import { ApiError } from '../../api';
import { Dialog } from '../../components/Dialog';
import { ErrorNotice, SaveCancel, SelectField, TextAreaField, TextField } from '../../components/Field';
import { useI18n } from '../../i18n';
import { ACTIVITIES, type Activity, DOMAINS, type Domain, type EntryInput, type Goal, type PracticeEntry, practiceApi, todayUtc } from './practiceApi';
import { usePracticeErrors } from './errors';

const FIELDS = ['date', 'minutes', 'activity', 'domain', 'goal_id', 'reflection'] as const;
type Field = (typeof FIELDS)[number];

interface Props {
	entry: PracticeEntry | null;
	goals: Goal[];
	/* For a new entry: the goal to start with. */
	goalId?: number | null;
	onClose: () => void;
	onSaved: (e: PracticeEntry) => void;
}

export function EntryDialog({ entry, goals, goalId = null, onClose, onSaved }: Props) {
	const { t, num } = useI18n();
	const { errorText, fieldText } = usePracticeErrors();
	const auto = entry?.source === 'recording_review';
	const [date, setDate] = useState(entry?.date ?? todayUtc());
	const [minutes, setMinutes] = useState(entry ? String(entry.minutes) : '30');
	const [activity, setActivity] = useState<string>(entry?.activity ?? '');
	const [domain, setDomain] = useState<string>(entry?.domain ?? '');
	const [goal, setGoal] = useState(String(entry ? (entry.goal_id ?? '') : (goalId ?? '')));
	const [reflection, setReflection] = useState(entry?.reflection ?? '');
	const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
	const [error, setError] = useState('');
	const [busy, setBusy] = useState(false);

	/* Active goals, and the entry's own goal whatever its state. */
	const choices = goals.filter((g) => g.state === 'active' || String(g.id) === goal);

	function check(): Partial<Record<Field, string>> {
		const errs: Partial<Record<Field, string>> = {};
		if (!auto) {
			if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) errs.date = t('field.date');
			else if (date > todayUtc()) errs.date = t('practice.error.future_date');
			const m = Number(minutes);
			if (!/^\d+$/.test(minutes.trim()) || m < 1 || m > 600) errs.minutes = t('practice.entry.minutesRange');
			if (!activity) errs.activity = t('field.required');
		}
		if (!domain && !auto) errs.domain = t('field.required');
		return errs;
	}

	async function save(e: Event) {
		e.preventDefault();
		if (busy) return;
		const errs = check();
		setErrors(errs);
		if (Object.keys(errs).length) {
			setError(t('error.fixFields'));
			document.getElementById(`entry-${Object.keys(errs)[0]}`)?.focus();
			return;
		}
		const body: EntryInput = { reflection: reflection.trim(), goal_id: goal ? Number(goal) : 0 };
		if (domain) body.domain = domain as Domain;
		if (!auto) {
			body.date = date;
			body.minutes = Number(minutes);
			body.activity = activity as Activity;
		}
		setBusy(true);
		setError('');
		try {
			onSaved(entry ? await practiceApi.updateEntry(entry.id, body) : await practiceApi.createEntry(body));
		} catch (err) {
			if (err instanceof ApiError && Object.keys(err.fields).length) {
				const fe: Partial<Record<Field, string>> = {};
				for (const f of FIELDS) {
					const m = fieldText(err, f);
					if (m) fe[f] = m;
				}
				setErrors(fe);
				setError(t('error.fixFields'));
			} else setError(errorText(err));
			setBusy(false);
		}
	}

	return (
		<Dialog id="entry-dialog" title={entry ? t('practice.entry.editTitle') : t('practice.entry.addTitle')} onClose={onClose}>
			<form class="form" noValidate onSubmit={save}>
				<ErrorNotice>{error}</ErrorNotice>
				{auto && entry ? (
					<p class="notice notice-info">{t('practice.entry.autoFixed', { n: num(entry.minutes) })}</p>
				) : (
					<div class="form-grid">
						<TextField id="entry-date" type="date" label={t('practice.entry.date')} value={date} onInput={setDate} required error={errors.date} />
						<TextField
							id="entry-minutes"
							type="number"
							min={1}
							max={600}
							inputMode="numeric"
							label={t('practice.entry.minutes')}
							hint={t('practice.entry.minutesHint')}
							value={minutes}
							onInput={setMinutes}
							required
							error={errors.minutes}
							class="field-narrow"
						/>
					</div>
				)}
				{!auto && (
					<SelectField
						id="entry-activity"
						label={t('practice.entry.activity')}
						value={activity}
						onChange={setActivity}
						options={[{ value: '', label: t('practice.entry.choose') }, ...ACTIVITIES.map((a) => ({ value: a, label: t(`practice.activity.${a}`) }))]}
						error={errors.activity}
					/>
				)}
				<SelectField
					id="entry-domain"
					label={t('practice.entry.domain')}
					hint={t('practice.entry.domainHint')}
					value={domain}
					onChange={setDomain}
					options={[{ value: '', label: t('practice.entry.choose') }, ...DOMAINS.map((d) => ({ value: d, label: t(`practice.domain.${d}`) }))]}
					error={errors.domain}
				/>
				<SelectField
					id="entry-goal"
					label={t('practice.entry.goal')}
					optional
					value={goal}
					onChange={setGoal}
					options={[{ value: '', label: t('practice.entry.noGoal') }, ...choices.map((g) => ({ value: String(g.id), label: g.item_label ? `${g.description} (${g.item_label})` : g.description }))]}
					error={errors.goal_id}
				/>
				<TextAreaField id="entry-reflection" label={t('practice.entry.reflection')} hint={t('practice.entry.reflectionHint')} optional value={reflection} onInput={setReflection} rows={3} maxLength={2000} error={errors.reflection} />
				<SaveCancel busy={busy} label={t('practice.entry.save')} onCancel={onClose} />
			</form>
		</Dialog>
	);
}
