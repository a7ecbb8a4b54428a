/* Labelled form controls with an optional hint and an error tied to the control for screen readers. */
import type { ComponentChildren, Ref } from 'preact';
import { useI18n } from '../i18n';

function describedBy(id: string, hint?: string, error?: string, extra?: string): string | undefined {
	const ids = [extra ?? '', hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean);
	return ids.length ? ids.join(' ') : undefined;
}

interface Common {
	id: string;
	label: string;
	hint?: string | undefined;
	error?: string | undefined;
	optional?: boolean;
	class?: string;
}

function Label({ id, label, optional }: { id: string; label: string; optional?: boolean | undefined }) {
	const { t } = useI18n();
	return (
		<label for={id}>
			{label}
			{optional && <span class="optional"> ({t('common.optional')})</span>}
		</label>
	);
}

function Extras({ id, hint, error }: { id: string; hint?: string | undefined; error?: string | undefined }) {
	return (
		<>
			{hint && (
				<p id={`${id}-hint`} class="hint">
					{hint}
				</p>
			)}
			{error && (
				<p id={`${id}-error`} class="field-error">
					{error}
				</p>
			)}
		</>
	);
}

interface InputProps extends Common {
	value: string;
	onInput: (value: string) => void;
	type?: 'text' | 'email' | 'password' | 'number' | 'date' | 'search' | 'tel';
	autoComplete?: string;
	inputMode?: 'numeric' | 'text' | 'email' | 'search' | 'tel';
	required?: boolean;
	min?: number;
	max?: number;
	maxLength?: number;
	pattern?: string;
	inputRef?: Ref<HTMLInputElement>;
	spellcheck?: boolean;
	autoFocus?: boolean;
	/* Ids of other elements that describe this control (a list of rules). */
	describedBy?: string;
}

export function TextField(p: InputProps) {
	return (
		<div class={`field${p.error ? ' has-error' : ''}${p.class ? ` ${p.class}` : ''}`}>
			<Label id={p.id} label={p.label} optional={p.optional} />
			<input
				id={p.id}
				name={p.id}
				ref={p.inputRef}
				/* Preact's types narrow attributes per input type; these all share the attributes used here. */
				type={(p.type ?? 'text') as 'text'}
				value={p.value}
				onInput={(e) => p.onInput(e.currentTarget.value)}
				autocomplete={p.autoComplete}
				inputMode={p.inputMode}
				required={p.required}
				min={p.min}
				max={p.max}
				maxLength={p.maxLength}
				pattern={p.pattern}
				spellcheck={p.spellcheck}
				autofocus={p.autoFocus}
				aria-invalid={p.error ? 'true' : undefined}
				aria-describedby={describedBy(p.id, p.hint, p.error, p.describedBy)}
			/>
			<Extras id={p.id} hint={p.hint} error={p.error} />
		</div>
	);
}

interface SelectProps extends Common {
	value: string;
	onChange: (value: string) => void;
	options: { value: string; label: string; lang?: string }[];
	disabled?: boolean;
}

export function SelectField(p: SelectProps) {
	return (
		<div class={`field${p.error ? ' has-error' : ''}${p.class ? ` ${p.class}` : ''}`}>
			<Label id={p.id} label={p.label} optional={p.optional} />
			<select
				id={p.id}
				name={p.id}
				value={p.value}
				disabled={p.disabled}
				onChange={(e) => p.onChange(e.currentTarget.value)}
				aria-invalid={p.error ? 'true' : undefined}
				aria-describedby={describedBy(p.id, p.hint, p.error)}
			>
				{p.options.map((o) => (
					<option key={o.value} value={o.value} lang={o.lang}>
						{o.label}
					</option>
				))}
			</select>
			<Extras id={p.id} hint={p.hint} error={p.error} />
		</div>
	);
}

export function CheckboxField(p: { id: string; label: string; checked: boolean; onChange: (v: boolean) => void; hint?: string | undefined; error?: string | undefined; disabled?: boolean }) {
	if (!p.hint && !p.error) {
		return (
			<div class="field field-checkbox">
				<input id={p.id} name={p.id} type="checkbox" checked={p.checked} disabled={p.disabled} onChange={(e) => p.onChange(e.currentTarget.checked)} />
				<label for={p.id}>{p.label}</label>
			</div>
		);
	}
	return (
		<div class={`field field-checkbox-long${p.error ? ' has-error' : ''}`}>
			<div class="field-checkbox">
				<input
					id={p.id}
					name={p.id}
					type="checkbox"
					checked={p.checked}
					disabled={p.disabled}
					onChange={(e) => p.onChange(e.currentTarget.checked)}
					aria-invalid={p.error ? 'true' : undefined}
					aria-describedby={describedBy(p.id, p.hint, p.error)}
				/>
				<label for={p.id}>{p.label}</label>
			</div>
			<Extras id={p.id} hint={p.hint} error={p.error} />
		</div>
	);
}

interface TextAreaProps extends Common {
	value: string;
	onInput: (value: string) => void;
	rows?: number;
	maxLength?: number;
	required?: boolean;
	inputRef?: Ref<HTMLTextAreaElement>;
}

export function TextAreaField(p: TextAreaProps) {
	return (
		<div class={`field${p.error ? ' has-error' : ''}${p.class ? ` ${p.class}` : ''}`}>
			<Label id={p.id} label={p.label} optional={p.optional} />
			<textarea
				id={p.id}
				name={p.id}
				ref={p.inputRef}
				rows={p.rows ?? 4}
				value={p.value}
				maxLength={p.maxLength}
				required={p.required}
				onInput={(e) => p.onInput(e.currentTarget.value)}
				aria-invalid={p.error ? 'true' : undefined}
				aria-describedby={describedBy(p.id, p.hint, p.error)}
			/>
			<Extras id={p.id} hint={p.hint} error={p.error} />
		</div>
	);
}

interface RadioProps extends Common {
	value: string;
	onChange: (value: string) => void;
	options: { value: string; label: string }[];
	/* Lay the choices out in one row (yes/no, early/middle/late). */
	inline?: boolean;
}

/* A group of radio buttons in a fieldset; the legend is the question. Arrow keys move between choices. */
export function RadioField(p: RadioProps) {
	const { t } = useI18n();
	return (
		<fieldset
			id={p.id}
			class={`field field-radio${p.inline ? ' field-radio-inline' : ''}${p.error ? ' has-error' : ''}${p.class ? ` ${p.class}` : ''}`}
			aria-describedby={describedBy(p.id, p.hint, p.error)}
		>
			<legend>
				{p.label}
				{p.optional && <span class="optional"> ({t('common.optional')})</span>}
			</legend>
			<div class="radio-options">
				{p.options.map((o) => (
					<div class="radio-option" key={o.value}>
						<input
							id={`${p.id}-${o.value}`}
							type="radio"
							name={p.id}
							value={o.value}
							checked={p.value === o.value}
							onChange={() => p.onChange(o.value)}
							aria-invalid={p.error ? 'true' : undefined}
						/>
						<label for={`${p.id}-${o.value}`}>{o.label}</label>
					</div>
				))}
			</div>
			<Extras id={p.id} hint={p.hint} error={p.error} />
		</fieldset>
	);
}

interface FileProps extends Common {
	accept: string;
	onFile: (file: File | null) => void;
	inputRef?: Ref<HTMLInputElement>;
}

export function FileField(p: FileProps) {
	return (
		<div class={`field field-file${p.error ? ' has-error' : ''}${p.class ? ` ${p.class}` : ''}`}>
			<Label id={p.id} label={p.label} optional={p.optional} />
			<input
				id={p.id}
				name={p.id}
				ref={p.inputRef}
				type="file"
				accept={p.accept}
				onChange={(e) => p.onFile(e.currentTarget.files?.[0] ?? null)}
				aria-invalid={p.error ? 'true' : undefined}
				aria-describedby={describedBy(p.id, p.hint, p.error)}
			/>
			<Extras id={p.id} hint={p.hint} error={p.error} />
		</div>
	);
}

/* A form-level error: announced at once. */
export function ErrorNotice({ children, id }: { children: ComponentChildren; id?: string }) {
	if (!children) return null;
	return (
		<div id={id} class="notice notice-error" role="alert">
			{children}
		</div>
	);
}

export function InfoNotice({ children, id }: { children: ComponentChildren; id?: string }) {
	if (!children) return null;
	return (
		<div id={id} class="notice notice-info">
			{children}
		</div>
	);
}

/* A form's submit button, which says it is saving while busy, and its Cancel button. */
export function SaveCancel({ busy, label, onCancel }: { busy: boolean; label: string; onCancel: () => void }) {
	const { t } = useI18n();
	return (
		<div class="form-actions">
			<button type="submit" class="button button-primary" disabled={busy}>
				{busy ? t('common.saving') : label}
			</button>
			<button type="button" class="button" onClick={onCancel}>
				{t('common.cancel')}
			</button>
		</div>
	);
}
