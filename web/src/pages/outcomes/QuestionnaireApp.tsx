/* The public answer page at /q#TOKEN: a client answers one questionnaire on their own phone, with
 * no account and nothing else of kvalab on the screen, in the language of the link. The token
 * comes from the URL's fragment (never sent to a server), is kept for this tab only, and goes to
 * the API in a header. Nothing about the client or the score is shown. */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, type Locale } from '../../api';
import { I18nContext, type MessageKey, initialLocale, makeI18n, useI18n } from '../../i18n';
import { LinkError, type Questionnaire, type QuestionnaireItem, linkApi } from './oapi';
import '../../styles/outcomes.css';

const STORE = 'kvalab.q';

function takeToken(): string {
	const fromHash = location.hash.replace(/^#/, '');
	try {
		if (fromHash) sessionStorage.setItem(STORE, fromHash);
		const t = fromHash || sessionStorage.getItem(STORE) || '';
		/* Out of the address bar, the history and any screenshot of it. */
		if (fromHash) history.replaceState(null, '', location.pathname);
		return t;
	} catch {
		return fromHash;
	}
}

const ERRORS: Record<string, MessageKey> = {
	link_missing: 'oc.q.err.link_missing',
	link_unknown: 'oc.q.err.link_unknown',
	link_used: 'oc.q.err.link_used',
	link_expired: 'oc.q.err.link_expired',
	link_revoked: 'oc.q.err.link_revoked',
	throttled: 'oc.q.err.throttled',
};

type Phase = { kind: 'loading' } | { kind: 'failed'; key: MessageKey } | { kind: 'form'; q: Questionnaire } | { kind: 'done' };

function failure(err: unknown): MessageKey {
	return err instanceof ApiError ? (ERRORS[err.code] ?? 'oc.q.err.other') : 'oc.q.err.other';
}

function Choice({ item, value, onChange, invalid }: { item: QuestionnaireItem; value: number | undefined; onChange: (v: number) => void; invalid: boolean }) {
	const name = `q-${item.id}`;
	if (item.answers.length) {
		return (
			<div class="oc-q-choices">
				{item.answers.map((a) => (
					<label key={a.value} class={`oc-q-choice${value === a.value ? ' oc-q-choice-on' : ''}`}>
						<input type="radio" name={name} value={String(a.value)} checked={value === a.value} onChange={() => onChange(a.value)} aria-invalid={invalid ? 'true' : undefined} />
						<span>{a.text}</span>
					</label>
				))}
			</div>
		);
	}
	return <Slider item={item} value={value} onChange={onChange} invalid={invalid} />;
}

/* A visual analogue line (0-10): answered only once moved. */
function Slider({ item, value, onChange, invalid }: { item: QuestionnaireItem; value: number | undefined; onChange: (v: number) => void; invalid: boolean }) {
	const mid = (item.range.min + item.range.max) / 2;
	return (
		<div class="oc-q-slider">
			<input
				type="range"
				id={`q-${item.id}-range`}
				min={item.range.min}
				max={item.range.max}
				step={item.range.step}
				value={value ?? mid}
				aria-labelledby={`q-${item.id}-legend`}
				aria-invalid={invalid ? 'true' : undefined}
				onInput={(e) => onChange(Number(e.currentTarget.value))}
			/>
			<output for={`q-${item.id}-range`} class="oc-q-output">
				{value === undefined ? '–' : String(value)}
			</output>
		</div>
	);
}

function Form({ q, token, onDone, onFailed }: { q: Questionnaire; token: string; onDone: () => void; onFailed: (k: MessageKey) => void }) {
	const { t } = useI18n();
	const [answers, setAnswers] = useState<Record<string, number>>({});
	/* Unanswered questions are pointed out once the client has tried to send, and the list
	 * shrinks as they are answered. */
	const [tried, setTried] = useState(false);
	const [error, setError] = useState('');
	const [busy, setBusy] = useState(false);
	const summary = useRef<HTMLDivElement>(null);
	const unanswered = q.items.filter((i) => i.required && answers[i.id] === undefined).map((i) => i.id);
	const missing = tried ? unanswered : [];

	async function submit(e: Event) {
		e.preventDefault();
		setTried(true);
		if (unanswered.length) {
			setError('');
			window.setTimeout(() => summary.current?.focus(), 0);
			return;
		}
		setBusy(true);
		setError('');
		try {
			await linkApi.answer(
				token,
				q.items.filter((i) => answers[i.id] !== undefined).map((i) => ({ item: i.id, value: answers[i.id] ?? null })),
			);
			try {
				sessionStorage.removeItem(STORE);
			} catch {
				/* nothing kept */
			}
			onDone();
		} catch (err) {
			if (err instanceof ApiError && (err.status === 400 || err.status === 422)) setError(t('oc.q.err.invalid'));
			else onFailed(failure(err));
		}
		setBusy(false);
	}

	const required = q.items.filter((i) => i.required).length;
	const done = q.items.filter((i) => i.required && answers[i.id] !== undefined).length;
	return (
		<form class="oc-q-form" onSubmit={submit} noValidate>
			{q.instructions && <p class="oc-q-instructions">{q.instructions}</p>}
			{error && (
				<p class="notice notice-error" role="alert">
					{error}
				</p>
			)}
			{missing.length > 0 && (
				<div class="notice notice-error oc-q-summary" role="alert" tabIndex={-1} ref={summary}>
					<p>{t('oc.q.missing', { n: missing.length })}</p>
					<ul>
						{missing.map((id) => {
							const k = q.items.findIndex((i) => i.id === id);
							/* Not a #fragment link: the fragment is where the link's token lives. */
							return (
								<li key={id}>
									<button type="button" class="oc-q-jump" onClick={() => document.getElementById(`q-${id}`)?.focus()}>
										{t('oc.q.question', { n: k + 1 })}
									</button>
								</li>
							);
						})}
					</ul>
				</div>
			)}
			<ol class="oc-q-items">
				{q.items.map((it, k) => {
					const invalid = missing.includes(it.id);
					return (
						<li key={it.id} class={`oc-q-item${invalid ? ' oc-q-item-invalid' : ''}`}>
							<fieldset id={`q-${it.id}`} tabIndex={-1} aria-describedby={invalid ? `q-${it.id}-error` : undefined}>
								<legend id={`q-${it.id}-legend`}>
									<span class="oc-q-number">{k + 1}.</span> {it.text}
									{!it.required && <span class="optional"> ({t('common.optional')})</span>}
								</legend>
								<Choice item={it} value={answers[it.id]} invalid={invalid} onChange={(v) => setAnswers({ ...answers, [it.id]: v })} />
								{invalid && (
									<p id={`q-${it.id}-error`} class="field-error">
										{t('oc.q.answerThis')}
									</p>
								)}
							</fieldset>
						</li>
					);
				})}
			</ol>
			<p class="oc-q-progress" aria-live="polite">
				{t('oc.q.progress', { done, total: required })}
			</p>
			<button type="submit" class="button button-primary oc-q-send" disabled={busy}>
				{busy ? t('oc.q.sending') : t('oc.q.send')}
			</button>
			<p class="hint oc-q-privacy">{t('oc.q.privacy')}</p>
		</form>
	);
}

export function QuestionnaireApp() {
	const token = useMemo(takeToken, []);
	const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
	const [locale, setLocale] = useState<Locale>(initialLocale);
	const i18n = useMemo(() => makeI18n(locale), [locale]);
	const { t } = i18n;
	const heading = useRef<HTMLHeadingElement>(null);

	useEffect(() => {
		if (!token) {
			setPhase({ kind: 'failed', key: 'oc.q.err.link_missing' });
			return;
		}
		linkApi.open(token).then(
			(r) => {
				setLocale(r.language);
				setPhase({ kind: 'form', q: r.questionnaire });
			},
			(err: unknown) => {
				if (err instanceof LinkError && err.language) setLocale(err.language);
				setPhase({ kind: 'failed', key: failure(err) });
			},
		);
	}, []);

	useEffect(() => {
		document.documentElement.lang = locale;
		document.title = phase.kind === 'form' ? phase.q.name : t('oc.q.title');
		heading.current?.focus();
	}, [phase.kind, locale]);

	return (
		<I18nContext.Provider value={i18n}>
			<main class="oc-q" id="main">
				{phase.kind === 'loading' && <p class="loading">{t('common.loading')}</p>}
				{phase.kind === 'failed' && (
					<>
						<h1 ref={heading} tabIndex={-1} class="oc-q-title">
							{t('oc.q.title')}
						</h1>
						<p class="notice notice-info oc-q-message">{t(phase.key)}</p>
					</>
				)}
				{phase.kind === 'form' && (
					<>
						<h1 ref={heading} tabIndex={-1} class="oc-q-title">
							{phase.q.name}
						</h1>
						<Form q={phase.q} token={token} onDone={() => setPhase({ kind: 'done' })} onFailed={(key) => setPhase({ kind: 'failed', key })} />
					</>
				)}
				{phase.kind === 'done' && (
					<>
						<h1 ref={heading} tabIndex={-1} class="oc-q-title">
							{t('oc.q.thanks')}
						</h1>
						<p class="notice notice-success oc-q-message">{t('oc.q.sent')}</p>
					</>
				)}
			</main>
		</I18nContext.Provider>
	);
}
