/* Lab admin: find user accounts, create them, and manage role, access, password and two-step sign-in. */
import { useEffect, useState } from 'preact/hooks';
import { ROLES, api, type User } from '../api';
import { useApp } from '../app-context';
import { CheckboxField, ErrorNotice, SelectField, TextField } from '../components/Field';
import { PageHeading } from '../components/PageHeading';
import { useI18n } from '../i18n';
import { CreateUserDialog } from './CreateUserDialog';
import { ManageUserDialog } from './ManageUserDialog';

export function UsersPage() {
	const { t, dateTime, errorText } = useI18n();
	const { user: me } = useApp();
	const [role, setRole] = useState('');
	const [q, setQ] = useState('');
	const [query, setQuery] = useState('');
	const [showDisabled, setShowDisabled] = useState(false);
	const [items, setItems] = useState<User[] | null>(null);
	const [error, setError] = useState('');
	const [reload, setReload] = useState(0);
	const [creating, setCreating] = useState(false);
	const [managing, setManaging] = useState<User | null>(null);

	/* The text search follows typing after a short pause. */
	useEffect(() => {
		const timer = window.setTimeout(() => setQuery(q.trim()), 300);
		return () => window.clearTimeout(timer);
	}, [q]);

	useEffect(() => {
		let live = true;
		api.listUsers({ role, q: query, include_disabled: showDisabled }).then(
			(r) => {
				if (!live) return;
				setItems(r.items);
				setError('');
			},
			(err: unknown) => live && setError(errorText(err)),
		);
		return () => {
			live = false;
		};
	}, [role, query, showDisabled, reload]);

	const roleOptions = [{ value: '', label: t('users.allRoles') }, ...ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))];

	function changed(u: User) {
		setManaging((cur) => (cur && cur.id === u.id ? u : cur));
		setReload((n) => n + 1);
	}

	return (
		<div class="page">
			<div class="page-head">
				<PageHeading>{t('users.title')}</PageHeading>
				<button type="button" class="button button-primary" onClick={() => setCreating(true)}>
					{t('users.new')}
				</button>
			</div>
			<form
				class="filters"
				role="search"
				aria-label={t('users.filters')}
				onSubmit={(e) => {
					e.preventDefault();
					setQuery(q.trim());
				}}
			>
				<SelectField id="users-role" label={t('users.role')} value={role} onChange={setRole} options={roleOptions} />
				<TextField id="users-q" label={t('users.search')} hint={t('users.searchHint')} type="search" value={q} onInput={setQ} spellcheck={false} />
				<CheckboxField id="users-disabled" label={t('users.showDisabled')} checked={showDisabled} onChange={setShowDisabled} />
			</form>
			<ErrorNotice>{error}</ErrorNotice>
			{items === null && !error && <p class="loading">{t('common.loading')}</p>}
			{items !== null && (
				<>
					<p class="hint" aria-live="polite">
						{t('users.count', { n: items.length })}
					</p>
					{items.length === 0 ? (
						<p class="empty">{t('users.empty')}</p>
					) : (
						<div class="table-wrap" role="region" aria-labelledby="users-caption" tabIndex={0}>
							<table class="table">
								<caption id="users-caption" class="visually-hidden">
									{t('users.caption')}
								</caption>
								<thead>
									<tr>
										<th scope="col">{t('users.colName')}</th>
										<th scope="col">{t('users.colEmail')}</th>
										<th scope="col">{t('users.colRole')}</th>
										<th scope="col">{t('users.colStatus')}</th>
										<th scope="col">{t('users.colLastLogin')}</th>
										<th scope="col">
											<span class="visually-hidden">{t('users.colActions')}</span>
										</th>
									</tr>
								</thead>
								<tbody>
									{items.map((u) => (
										<tr key={u.id} class={u.disabled ? 'row-disabled' : undefined}>
											<th scope="row">
												{u.display_name || u.email}
												{u.id === me.id && <span class="muted"> ({t('users.you')})</span>}
											</th>
											<td class="break">{u.email}</td>
											<td>{t(`role.${u.role}`)}</td>
											<td>
												<UserStatus u={u} />
											</td>
											<td>{u.last_login_at ? dateTime(u.last_login_at) : t('common.never')}</td>
											<td class="cell-actions">
												<button
													type="button"
													class="button button-small"
													aria-label={t('users.manageLabel', { name: u.display_name || u.email })}
													onClick={() => setManaging(u)}
												>
													{t('users.manage')}
												</button>
											</td>
										</tr>
									))}
								</tbody>
							</table>
						</div>
					)}
				</>
			)}
			{creating && <CreateUserDialog onClose={() => setCreating(false)} onCreated={() => setReload((n) => n + 1)} />}
			{managing && <ManageUserDialog target={managing} self={managing.id === me.id} onClose={() => setManaging(null)} onChanged={changed} />}
		</div>
	);
}

function UserStatus({ u }: { u: User }) {
	const { t } = useI18n();
	return (
		<ul class="badges">
			{u.disabled ? <li class="badge badge-off">{t('users.statusDisabled')}</li> : <li class="badge badge-ok">{t('users.statusActive')}</li>}
			{u.must_change_password && <li class="badge badge-warn">{t('users.statusMustChange')}</li>}
			{u.totp_required && !u.totp_enabled && <li class="badge badge-warn">{t('users.statusNoTotp')}</li>}
		</ul>
	);
}
