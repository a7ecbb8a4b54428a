/* The filters the reliability pages share: the rating scale (instrument version) and the period. */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, type Instrument } from '../../api';
import { SelectField, TextField } from '../../components/Field';
import { useI18n } from '../../i18n';

export interface RelFilters {
	instrument_id: string;
	from: string;
	to: string;
}

/* The fidelity scales on file (outcome measures are not rated by raters). */
export function useFidelityInstruments(onFirst: (id: string) => void): Instrument[] | null {
	const [list, setList] = useState<Instrument[] | null>(null);
	useEffect(() => {
		let live = true;
		api.listInstruments().then(
			(r) => {
				if (!live) return;
				const items = r.items.filter((i) => i.kind === 'fidelity');
				setList(items);
				const first = items.find((i) => i.code === 'mbt-i-aqs') ?? items[0];
				if (first) onFirst(String(first.id));
			},
			() => live && setList([]),
		);
		return () => {
			live = false;
		};
	}, []);
	return list;
}

interface Props {
	idPrefix: string;
	instruments: Instrument[];
	value: RelFilters;
	onApply: (f: RelFilters) => void;
	period?: boolean;
	children?: ComponentChildren;
}

export function InstrumentFilters({ idPrefix, instruments, value, onApply, period = true, children }: Props) {
	const { t } = useI18n();
	const [draft, setDraft] = useState<RelFilters>(value);
	const [rangeError, setRangeError] = useState('');
	useEffect(() => setDraft(value), [value.instrument_id]);
	const set = (k: keyof RelFilters) => (v: string) => setDraft((f) => ({ ...f, [k]: v }));

	function submit(e: Event) {
		e.preventDefault();
		if (draft.from && draft.to && draft.from > draft.to) {
			setRangeError(t('audit.badRange'));
			document.getElementById(`${idPrefix}-to`)?.focus();
			return;
		}
		setRangeError('');
		onApply({ ...draft });
	}

	return (
		<form class="filters filters-grid" role="search" aria-label={t('rel.filters')} onSubmit={submit} noValidate>
			<SelectField
				id={`${idPrefix}-instrument`}
				label={t('rel.instrument')}
				value={draft.instrument_id}
				onChange={set('instrument_id')}
				options={instruments.map((i) => ({ value: String(i.id), label: `${i.name} (${i.version})` }))}
			/>
			{period && <TextField id={`${idPrefix}-from`} label={t('rel.from')} type="date" value={draft.from} onInput={set('from')} />}
			{period && <TextField id={`${idPrefix}-to`} label={t('rel.to')} type="date" value={draft.to} onInput={set('to')} error={rangeError} />}
			{children}
			<div class="form-actions">
				<button type="submit" class="button button-primary">
					{t('rel.apply')}
				</button>
			</div>
		</form>
	);
}
