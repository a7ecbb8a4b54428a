/* Setting a goal of one's own: what to practise (free text, perhaps an item of a rating scale),
 * the target, and when to look at it again. */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, type Instrument } from '../../api';
import { Dialog } from '../../components/Dialog';
import { ErrorNotice, SaveCancel, SelectField, TextAreaField, TextField } from '../../components/Field';
import { useI18n } from '../../i18n';
import { addDays, type Goal, type GoalInput, practiceApi, scaleItems, todayUtc } from './practiceApi';
import { usePracticeErrors } from './errors';

type Errors = Partial<Record<'description' | 'target' | 'review_date' | 'instrument_id' | 'item_id', string>>;

export function GoalDialog({ onClose, onSaved }: { onClose: () => void; onSaved: (g: Goal) => void }) {
	const { t, locale } = useI18n();
	const { errorText, fieldText } = usePracticeErrors();
	const [description, setDescription] = useState('');
	const [target, setTarget] = useState('');
	const [review, setReview] = useState(addDays(todayUtc(), 28));
	const [scales, setScales] = useState<Instrument[]>([]);
	const [scale, setScale] = useState('');
	const [items, setItems] = useState<{ id: string; label: string }[]>([]);
	const [item, setItem] = useState('');
	const [errors, setErrors] = useState<Errors>({});
	const [error, setError] = useState('');
	const [busy, setBusy] = useState(false);

	useEffect(() => {
		api.listInstruments().then(
			(r) => setScales(r.items.filter((i) => i.kind === 'fidelity')),
			() => setScales([]),
		);
	}, []);

	useEffect(() => {
		setItem('');
		setItems([]);
		if (!scale) return undefined;
		let live = true;
		practiceApi.scale(Number(scale)).then(
			(s) => live && setItems(scaleItems(s, locale)),
			(err: unknown) => live && setError(errorText(err)),
		);
		return () => {
			live = false;
		};
	}, [scale]);

	async function save(e: Event) {
		e.preventDefault();
		if (busy) return;
		const errs: Errors = {};
		if (!description.trim()) errs.description = t('field.required');
		if (!target.trim()) errs.target = t('field.required');
		if (!/^\d{4}-\d{2}-\d{2}$/.test(review) || review <= todayUtc()) errs.review_date = t('practice.goal.reviewAfterToday');
		if (scale && !item) errs.item_id = t('practice.goal.chooseItem');
		setErrors(errs);
		if (Object.keys(errs).length) {
			setError(t('error.fixFields'));
			return;
		}
		const body: GoalInput = { description: description.trim(), target: target.trim(), review_date: review };
		if (scale && item) {
			body.instrument_id = Number(scale);
			body.item_id = item;
		}
		setBusy(true);
		setError('');
		try {
			onSaved(await practiceApi.createGoal(body));
		} catch (err) {
			if (err instanceof ApiError && Object.keys(err.fields).length) {
				const fe: Errors = {};
				for (const f of ['description', 'target', 'review_date', 'instrument_id', 'item_id'] as const) {
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
		<Dialog id="goal-dialog" title={t('practice.goal.addTitle')} onClose={onClose}>
			<form class="form" noValidate onSubmit={save}>
				<ErrorNotice>{error}</ErrorNotice>
				<TextAreaField id="goal-description" label={t('practice.goal.description')} hint={t('practice.goal.descriptionHint')} value={description} onInput={setDescription} rows={3} maxLength={1000} required error={errors.description} />
				<TextField id="goal-target" label={t('practice.goal.target')} hint={t('practice.goal.targetHint')} value={target} onInput={setTarget} maxLength={500} required error={errors.target} />
				<TextField id="goal-review" type="date" label={t('practice.goal.reviewDate')} hint={t('practice.goal.reviewHint')} value={review} onInput={setReview} required error={errors.review_date} />
				<SelectField
					id="goal-scale"
					label={t('practice.goal.scale')}
					optional
					value={scale}
					onChange={setScale}
					options={[{ value: '', label: t('practice.goal.noScale') }, ...scales.map((s) => ({ value: String(s.id), label: s.name }))]}
					error={errors.instrument_id}
				/>
				{scale && (
					<SelectField
						id="goal-item"
						label={t('practice.goal.item')}
						value={item}
						onChange={setItem}
						options={[{ value: '', label: t('practice.goal.chooseItem') }, ...items.map((i) => ({ value: i.id, label: `${i.id}. ${i.label}` }))]}
						error={errors.item_id}
					/>
				)}
				<SaveCancel busy={busy} label={t('practice.goal.save')} onCancel={onClose} />
			</form>
		</Dialog>
	);
}

/* A new review date for a goal. */
export function ReviewDateDialog({ goal, onClose, onSaved }: { goal: Goal; onClose: () => void; onSaved: (g: Goal) => void }) {
	const { t } = useI18n();
	const { errorText, fieldText } = usePracticeErrors();
	const [review, setReview] = useState(addDays(todayUtc(), 28));
	const [fieldError, setFieldError] = useState<string | undefined>(undefined);
	const [error, setError] = useState('');
	const [busy, setBusy] = useState(false);

	async function save(e: Event) {
		e.preventDefault();
		if (busy) return;
		if (!/^\d{4}-\d{2}-\d{2}$/.test(review) || review <= todayUtc()) {
			setFieldError(t('practice.goal.reviewAfterToday'));
			setError(t('error.fixFields'));
			return;
		}
		setBusy(true);
		try {
			onSaved(await practiceApi.updateGoal(goal.id, { review_date: review, state: 'active' }));
		} catch (err) {
			if (err instanceof ApiError && 'review_date' in err.fields) setFieldError(fieldText(err, 'review_date'));
			setError(errorText(err));
			setBusy(false);
		}
	}

	return (
		<Dialog id="review-date-dialog" title={t('practice.goal.newDateTitle')} onClose={onClose}>
			<form class="form" noValidate onSubmit={save}>
				<ErrorNotice>{error}</ErrorNotice>
				<p>{goal.description}</p>
				<TextField id="goal-new-review" type="date" label={t('practice.goal.reviewDate')} value={review} onInput={setReview} required error={fieldError} />
				<SaveCancel busy={busy} label={t('practice.goal.saveDate')} onCancel={onClose} />
			</form>
		</Dialog>
	);
}
