/* Personal API tokens: create (the token is shown once), list, revoke. */
import { useState } from 'preact/hooks';
import { useLoad } from '../components/useLoad';
import { ApiError, api, type ApiToken } from '../api';
import { useApp } from '../app-context';
import { Dialog } from '../components/Dialog';
import { ErrorNotice, TextField } from '../components/Field';
import { PageHeading } from '../components/PageHeading';
import { SecretValue } from '../components/SecretValue';
import { useI18n } from '../i18n';

export function TokensPage() {
	const { t, dateTime, errorText, fieldText } = useI18n();
	const { announce } = useApp();
	const [items, setItems] = useState<ApiToken[] | null>(null);
	const [listError, setListError] = useState('');
	const [reload, setReload] = useState(0);
	const [name, setName] = useState('');
	const [days, setDays] = useState('90');
	const [errors, setErrors] = useState<{ name?: string; days?: string }>({});
	const [error, setError] = useState('');
	const [busy, setBusy] = useState(false);
	const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
	const [revoking, setRevoking] = useState<ApiToken | null>(null);
	const [revokeError, setRevokeError] = useState('');

	useLoad(
		() => api.listTokens(),
		(r) => {
			setItems(r.items);
			setListError('');
		},
		(err) => setListError(errorText(err)),
		[reload],
	);

	async function create(e: Event) {
		e.preventDefault();
		if (busy) return;
		const errs: { name?: string; days?: string } = {};
		const n = name.trim();
		const d = Number(days);
		if (!n) errs.name = t('tokens.nameRequired');
		if (!/^\d+$/.test(days.trim()) || d < 1 || d > 365) errs.days = t('tokens.daysRange');
		setErrors(errs);
		if (Object.keys(errs).length) {
			setError(t('error.fixFields'));
			document.getElementById(errs.name ? 'tok-name' : 'tok-days')?.focus();
			return;
		}
		setBusy(true);
		setError('');
		setCreated(null);
		try {
			const r = await api.createToken(n, d);
			setCreated({ name: r.item.name, token: r.token });
			setName('');
			setDays('90');
			announce(t('tokens.created', { name: r.item.name }));
			setReload((x) => x + 1);
			window.setTimeout(() => document.getElementById('tok-new')?.focus(), 0);
		} catch (err) {
			if (err instanceof ApiError && Object.keys(err.fields).length) {
				const fe: { name?: string; days?: string } = {};
				const fn = fieldText(err, 'name');
				const fd = fieldText(err, 'days');
				if (fn) fe.name = fn;
				if (fd) fe.days = fd;
				setErrors(fe);
				setError(t('error.fixFields'));
			} else setError(errorText(err));
		}
		setBusy(false);
	}

	async function revoke() {
		if (!revoking || busy) return;
		setBusy(true);
		setRevokeError('');
		try {
			await api.revokeToken(revoking.id);
			announce(t('tokens.revokedDone', { name: revoking.name }));
			setRevoking(null);
			setReload((x) => x + 1);
		} catch (err) {
			setRevokeError(errorText(err));
		}
		setBusy(false);
	}

	function status(tok: ApiToken): string {
		if (tok.revoked_at) return t('tokens.revoked', { date: dateTime(tok.revoked_at) });
		if (tok.expires_at && Date.parse(tok.expires_at) <= Date.now()) return t('tokens.expired');
		return t('tokens.active');
	}

	return (
		<div class="page">
			<PageHeading>{t('tokens.title')}</PageHeading>
			<p class="lead">{t('tokens.intro')}</p>

			<section class="card" aria-labelledby="tok-create-h">
				<h2 id="tok-create-h">{t('tokens.createTitle')}</h2>
				<form class="form form-row" onSubmit={create} noValidate>
					<ErrorNotice>{error}</ErrorNotice>
					<TextField id="tok-name" label={t('tokens.name')} hint={t('tokens.nameHint')} value={name} onInput={setName} required maxLength={100} autoComplete="off" error={errors.name} />
					<TextField
						id="tok-days"
						label={t('tokens.days')}
						hint={t('tokens.daysHint')}
						type="number"
						min={1}
						max={365}
						value={days}
						onInput={setDays}
						required
						error={errors.days}
						class="field-narrow"
					/>
					<div class="form-actions">
						<button type="submit" class="button button-primary" disabled={busy}>
							{t('tokens.create')}
						</button>
					</div>
				</form>
				{created && (
					<div class="created">
						<p class="notice notice-success">{t('tokens.created', { name: created.name })}</p>
						<SecretValue id="tok-new" label={t('tokens.tokenLabel')} value={created.token} once />
					</div>
				)}
			</section>

			<section aria-labelledby="tok-list-h">
				<h2 id="tok-list-h">{t('tokens.listTitle')}</h2>
				<ErrorNotice>{listError}</ErrorNotice>
				{items === null && !listError && <p class="loading">{t('common.loading')}</p>}
				{items !== null && items.length === 0 && <p class="empty">{t('tokens.empty')}</p>}
				{items !== null && items.length > 0 && (
					<div class="table-wrap" role="region" aria-labelledby="tok-caption" tabIndex={0}>
						<table class="table">
							<caption id="tok-caption" class="visually-hidden">
								{t('tokens.caption')}
							</caption>
							<thead>
								<tr>
									<th scope="col">{t('tokens.colName')}</th>
									<th scope="col">{t('tokens.colCreated')}</th>
									<th scope="col">{t('tokens.colExpires')}</th>
									<th scope="col">{t('tokens.colLastUsed')}</th>
									<th scope="col">{t('tokens.colStatus')}</th>
									<th scope="col">
										<span class="visually-hidden">{t('tokens.colActions')}</span>
									</th>
								</tr>
							</thead>
							<tbody>
								{items.map((tok) => (
									<tr key={tok.id} class={tok.revoked_at ? 'row-disabled' : undefined}>
										<th scope="row" class="break">
											{tok.name}
										</th>
										<td>{dateTime(tok.created_at)}</td>
										<td>{tok.expires_at ? dateTime(tok.expires_at) : t('common.never')}</td>
										<td>{tok.last_used_at ? dateTime(tok.last_used_at) : t('common.never')}</td>
										<td>{status(tok)}</td>
										<td class="cell-actions">
											{!tok.revoked_at && (
												<button
													type="button"
													class="button button-small button-danger-quiet"
													aria-label={t('tokens.revokeLabel', { name: tok.name })}
													onClick={() => {
														setRevokeError('');
														setRevoking(tok);
													}}
												>
													{t('tokens.revoke')}
												</button>
											)}
										</td>
									</tr>
								))}
							</tbody>
						</table>
					</div>
				)}
			</section>

			{revoking && (
				<Dialog id="revoke-token" title={t('tokens.revokeTitle')} onClose={() => setRevoking(null)}>
					<ErrorNotice>{revokeError}</ErrorNotice>
					<p>{t('tokens.revokeConfirm', { name: revoking.name })}</p>
					<div class="form-actions">
						<button type="button" class="button button-danger" disabled={busy} onClick={revoke}>
							{t('tokens.revokeSubmit')}
						</button>
						<button type="button" class="button" onClick={() => setRevoking(null)}>
							{t('common.cancel')}
						</button>
					</div>
				</Dialog>
			)}
		</div>
	);
}
