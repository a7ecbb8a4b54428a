/* The researcher's page: ask for an export (rating scale, period, rows, variables by group, purpose)
 * and follow one's own requests to the download. */
import { useState } from 'preact/hooks';
import { useLoad } from '../../components/useLoad';
import { ApiError, type Instrument, type Locale, LOCALES, api } from '../../api';
import { useApp } from '../../app-context';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorNotice, RadioField, SelectField, TextAreaField, TextField } from '../../components/Field';
import { PageHeading } from '../../components/PageHeading';
import { useI18n } from '../../i18n';
import { ExportCard } from './ExportCard';
import { EXPORT_LEVELS, type ExportLevel, type ExportRequest, type VariableCatalogue, exportsApi } from './exportsapi';
import '../../styles/exports.css';

function isoDay(d: Date): string {
	return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function yearAgo(): string {
	const d = new Date();
	d.setFullYear(d.getFullYear() - 1);
	return isoDay(d);
}

type FieldErrors = Partial<Record<'instrument' | 'from' | 'to' | 'variables' | 'purpose', string>>;

export function ResearchExportsPage() {
	const { t, locale, errorText, fieldText, dateTime } = useI18n();
	const { announce } = useApp();
	const [instruments, setInstruments] = useState<Instrument[] | null>(null);
	const [instrumentId, setInstrumentId] = useState('');
	const [from, setFrom] = useState(yearAgo);
	const [to, setTo] = useState(() => isoDay(new Date()));
	const [level, setLevel] = useState<ExportLevel>('consensus');
	const [language, setLanguage] = useState<Locale>(locale);
	const [catalogue, setCatalogue] = useState<VariableCatalogue | null>(null);
	const [chosen, setChosen] = useState<Set<string>>(new Set());
	const [purpose, setPurpose] = useState('');
	const [errors, setErrors] = useState<FieldErrors>({});
	const [variableErrors, setVariableErrors] = useState<string[]>([]);
	const [error, setError] = useState('');
	const [busy, setBusy] = useState(false);
	const [items, setItems] = useState<ExportRequest[] | null>(null);
	const [listError, setListError] = useState('');
	const [reload, setReload] = useState(0);
	const [withdrawing, setWithdrawing] = useState<ExportRequest | null>(null);
	const [withdrawNote, setWithdrawNote] = useState('');
	const [withdrawError, setWithdrawError] = useState('');

	useLoad(
		() => api.listInstruments(),
		(r) => {
			const fidelity = r.items.filter((i) => i.kind === 'fidelity');
			setInstruments(fidelity);
			if (fidelity[0]) setInstrumentId((id) => id || String(fidelity[0]?.id));
		},
		(err) => setError(errorText(err)),
		[],
	);

	useLoad(
		instrumentId
			? () => {
					setCatalogue(null);
					return exportsApi.variables(Number(instrumentId), language);
				}
			: null,
		(c) => {
			setCatalogue(c);
			const names = new Set(c.groups.flatMap((g) => g.variables.map((v) => v.name)));
			setChosen((old) => new Set([...old].filter((n) => names.has(n))));
		},
		(err) => setError(errorText(err)),
		[instrumentId, language],
	);

	useLoad(
		() => exportsApi.list(),
		(r) => {
			setItems(r.items);
			setListError('');
		},
		(err) => setListError(errorText(err)),
		[reload],
	);

	function toggle(name: string, on: boolean) {
		setChosen((old) => {
			const next = new Set(old);
			if (on) next.add(name);
			else next.delete(name);
			return next;
		});
	}

	function setGroup(names: string[], on: boolean) {
		setChosen((old) => {
			const next = new Set(old);
			for (const n of names) {
				if (on) next.add(n);
				else next.delete(n);
			}
			return next;
		});
	}

	/* The chosen names in the catalogue's order, and whether any is free text. */
	function selection(): { names: string[]; freeText: boolean } {
		const vars = catalogue?.groups.flatMap((g) => g.variables) ?? [];
		const picked = vars.filter((v) => chosen.has(v.name));
		return { names: picked.map((v) => v.name), freeText: picked.some((v) => v.free_text) };
	}

	async function submit(e: Event) {
		e.preventDefault();
		if (busy) return;
		const errs: FieldErrors = {};
		const { names, freeText } = selection();
		if (!instrumentId) errs.instrument = t('field.required');
		if (!from) errs.from = t('ex.form.dateRequired');
		if (!to) errs.to = t('ex.form.dateRequired');
		if (from && to && to < from) errs.to = t('ex.form.periodOrder');
		if (names.length === 0) errs.variables = t('ex.form.noVariables');
		if (purpose.trim().length < 20) errs.purpose = t('ex.form.purposeShort');
		setErrors(errs);
		setVariableErrors([]);
		if (Object.keys(errs).length) {
			setError(t('error.fixFields'));
			const first = errs.instrument ? 'ex-instrument' : errs.from ? 'ex-from' : errs.to ? 'ex-to' : errs.variables ? 'ex-variables' : 'ex-purpose';
			document.getElementById(first)?.focus();
			return;
		}
		setBusy(true);
		setError('');
		try {
			await exportsApi.create({ instrument_id: Number(instrumentId), period_from: from, period_to: to, variables: names, level, language, include_free_text: freeText, purpose: purpose.trim() });
			announce(t('ex.form.sent'));
			setPurpose('');
			setChosen(new Set());
			setReload((x) => x + 1);
		} catch (err) {
			if (err instanceof ApiError && Object.keys(err.fields).length) {
				const fe: FieldErrors = {};
				const map: [keyof FieldErrors, string][] = [
					['instrument', 'instrument_id'],
					['from', 'period_from'],
					['to', 'period_to'],
					['variables', 'variables'],
					['purpose', 'purpose'],
				];
				for (const [k, f] of map) {
					const text = fieldText(err, f);
					if (text) fe[k] = text;
				}
				setErrors(fe);
				setVariableErrors(
					Object.entries(err.fields)
						.filter(([k]) => /^variables\[\d+\]$/.test(k))
						.map(([k, why]) => t('ex.form.variableRejected', { name: names[Number(k.slice(10, -1))] ?? k, why })),
				);
				setError(t('error.fixFields'));
			} else setError(errorText(err));
		}
		setBusy(false);
	}

	async function withdraw() {
		if (!withdrawing || busy) return;
		setBusy(true);
		setWithdrawError('');
		try {
			await exportsApi.withdraw(withdrawing.id, withdrawNote.trim() || undefined);
			announce(t('ex.withdraw.done'));
			setWithdrawing(null);
			setReload((x) => x + 1);
		} catch (err) {
			setWithdrawError(errorText(err));
		}
		setBusy(false);
	}

	const { names: pickedNames } = selection();
	return (
		<div class="page">
			<PageHeading>{t('ex.title')}</PageHeading>
			<p class="lead">{t('ex.intro')}</p>

			<section class="card" aria-labelledby="ex-form-h">
				<h2 id="ex-form-h">{t('ex.form.title')}</h2>
				{instruments !== null && instruments.length === 0 && <p class="empty">{t('ex.form.instrumentNone')}</p>}
				<form class="form" onSubmit={submit} noValidate>
					<ErrorNotice>{error}</ErrorNotice>
					<div class="form-grid">
						<SelectField
							id="ex-instrument"
							label={t('ex.form.instrument')}
							value={instrumentId}
							onChange={setInstrumentId}
							options={(instruments ?? []).map((i) => ({ value: String(i.id), label: `${i.name} (${i.version})` }))}
							error={errors.instrument}
							class="ex-instrument"
						/>
						<SelectField
							id="ex-language"
							label={t('ex.form.language')}
							value={language}
							onChange={(v) => setLanguage(v as Locale)}
							options={LOCALES.map((l) => ({ value: l, label: t(`lang.${l}`), lang: l }))}
						/>
						<TextField id="ex-from" type="date" label={t('ex.form.from')} hint={t('ex.form.periodHint')} value={from} onInput={setFrom} required error={errors.from} class="field-date" />
						<TextField id="ex-to" type="date" label={t('ex.form.to')} value={to} onInput={setTo} required error={errors.to} class="field-date" />
					</div>
					<RadioField
						id="ex-level"
						label={t('ex.form.level')}
						hint={t('ex.form.levelHint')}
						value={level}
						onChange={(v) => setLevel(v as ExportLevel)}
						options={EXPORT_LEVELS.map((l) => ({ value: l, label: t(`ex.form.level.${l}`) }))}
					/>
					<fieldset id="ex-variables" tabIndex={-1} class={`fieldset ex-variables${errors.variables ? ' has-error' : ''}`} aria-describedby="ex-variables-hint">
						<legend>
							{t('ex.form.variables')} <span class="muted">({t('ex.form.chosen', { n: pickedNames.length })})</span>
						</legend>
						<p id="ex-variables-hint" class="hint">
							{t('ex.form.variablesHint')}
						</p>
						{errors.variables && <p class="field-error">{errors.variables}</p>}
						{variableErrors.length > 0 && (
							<ul class="field-error">
								{variableErrors.map((v) => (
									<li key={v}>{v}</li>
								))}
							</ul>
						)}
						{catalogue === null && instrumentId && <p class="loading">{t('ex.form.variablesLoading')}</p>}
						{catalogue?.groups.map((g) => {
							const group = t(`ex.group.${g.id}`);
							const names = g.variables.map((v) => v.name);
							return (
								<fieldset key={g.id} class="ex-group" id={`ex-group-${g.id}`}>
									<legend>{group}</legend>
									{g.id === 'text' && <p class="hint">{t('ex.form.freeTextNote')}</p>}
									<div class="button-row ex-group-actions">
										<button type="button" class="button button-small button-quiet" onClick={() => setGroup(names, true)}>
											{t('ex.form.chooseAll', { group })}
										</button>
										<button type="button" class="button button-small button-quiet" onClick={() => setGroup(names, false)}>
											{t('ex.form.chooseNone', { group })}
										</button>
									</div>
									<ul class="ex-var-list">
										{g.variables.map((v) => (
											<li key={v.name} class="field-checkbox">
												<input id={`ex-var-${v.name}`} type="checkbox" checked={chosen.has(v.name)} onChange={(e) => toggle(v.name, e.currentTarget.checked)} />
												<label for={`ex-var-${v.name}`}>
													<code class="ex-var-name">{v.name}</code> {v.label}
												</label>
											</li>
										))}
									</ul>
								</fieldset>
							);
						})}
					</fieldset>
					<TextAreaField id="ex-purpose" label={t('ex.form.purpose')} hint={t('ex.form.purposeHint')} value={purpose} onInput={setPurpose} rows={4} maxLength={4000} required error={errors.purpose} />
					<div class="form-actions">
						<button type="submit" class="button button-primary" disabled={busy || !catalogue}>
							{t('ex.form.submit')}
						</button>
					</div>
				</form>
			</section>

			<section aria-labelledby="ex-list-h">
				<h2 id="ex-list-h">{t('ex.list.title')}</h2>
				<ErrorNotice>{listError}</ErrorNotice>
				{items === null && !listError && <p class="loading">{t('common.loading')}</p>}
				{items !== null && items.length === 0 && <p class="empty">{t('ex.list.empty')}</p>}
				{items !== null && items.length > 0 && (
					<ul class="ex-list">
						{items.map((e) => (
							<ExportCard key={e.id} e={e} showFiles>
								{['requested', 'approved', 'ready', 'failed'].includes(e.state) && (
									<button
										type="button"
										class="button button-small button-danger-quiet"
										aria-label={t('ex.card.withdrawLabel', { when: dateTime(e.created_at) })}
										onClick={() => {
											setWithdrawError('');
											setWithdrawNote('');
											setWithdrawing(e);
										}}
									>
										{t('ex.card.withdraw')}
									</button>
								)}
							</ExportCard>
						))}
					</ul>
				)}
			</section>

			{withdrawing && (
				<ConfirmDialog id="ex-withdraw" title={t('ex.withdraw.title')} confirmLabel={t('ex.withdraw.submit')} onConfirm={withdraw} onClose={() => setWithdrawing(null)} busy={busy} error={withdrawError}>
					<p>{t('ex.withdraw.text')}</p>
					<TextAreaField id="ex-withdraw-note" label={t('ex.withdraw.note')} value={withdrawNote} onInput={setWithdrawNote} rows={2} maxLength={2000} optional />
				</ConfirmDialog>
			)}
		</div>
	);
}
