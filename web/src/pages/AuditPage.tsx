/* Lab admin: the audit log, filtered and paged by the server. */
import { useEffect, useState } from 'preact/hooks';
import { api, isRole, type AuditPage as Page } from '../api';
import { ErrorNotice, TextField } from '../components/Field';
import { PageHeading } from '../components/PageHeading';
import { useI18n } from '../i18n';

const PER_PAGE = 50;

interface Filters {
	actor: string;
	action: string;
	object_type: string;
	object_id: string;
	from: string;
	to: string;
}

const EMPTY: Filters = { actor: '', action: '', object_type: '', object_id: '', from: '', to: '' };

/* A local calendar day (yyyy-mm-dd) and time of day as an ISO 8601 instant in UTC, to the second. */
export function localDayToIso(day: string, end: boolean): string | undefined {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
	const d = new Date(`${day}T${end ? '23:59:59' : '00:00:00'}`);
	if (Number.isNaN(d.getTime())) return undefined;
	return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function AuditPage() {
	const { t, dateTime, errorText } = useI18n();
	const [draft, setDraft] = useState<Filters>(EMPTY);
	const [applied, setApplied] = useState<Filters>(EMPTY);
	const [page, setPage] = useState(1);
	const [data, setData] = useState<Page | null>(null);
	const [error, setError] = useState('');
	const [rangeError, setRangeError] = useState('');
	const [loading, setLoading] = useState(false);

	useEffect(() => {
		let live = true;
		setLoading(true);
		api
			.audit({
				actor: applied.actor.trim() || undefined,
				action: applied.action.trim() || undefined,
				object_type: applied.object_type.trim() || undefined,
				object_id: applied.object_id.trim() || undefined,
				from: localDayToIso(applied.from, false),
				to: localDayToIso(applied.to, true),
				page,
				per_page: PER_PAGE,
			})
			.then(
				(r) => {
					if (!live) return;
					setData(r);
					setError('');
				},
				(err: unknown) => live && setError(errorText(err)),
			)
			.finally(() => live && setLoading(false));
		return () => {
			live = false;
		};
	}, [applied, page]);

	const set = (k: keyof Filters) => (v: string) => setDraft((f) => ({ ...f, [k]: v }));

	function apply(e: Event) {
		e.preventDefault();
		if (draft.from && draft.to && draft.from > draft.to) {
			setRangeError(t('audit.badRange'));
			document.getElementById('au-to')?.focus();
			return;
		}
		setRangeError('');
		setApplied({ ...draft });
		setPage(1);
	}

	function clear() {
		setDraft(EMPTY);
		setApplied(EMPTY);
		setRangeError('');
		setPage(1);
	}

	const pages = data ? Math.max(1, Math.ceil(data.total / (data.per_page || PER_PAGE))) : 1;
	const first = data && data.total > 0 ? (data.page - 1) * data.per_page + 1 : 0;
	const last = data ? Math.min(data.total, first + data.items.length - 1) : 0;

	return (
		<div class="page">
			<PageHeading>{t('audit.title')}</PageHeading>
			<p class="lead">{t('audit.intro')}</p>
			<form class="filters filters-grid" role="search" aria-label={t('audit.filters')} onSubmit={apply} noValidate>
				<TextField id="au-actor" label={t('audit.actor')} type="search" value={draft.actor} onInput={set('actor')} spellcheck={false} />
				<TextField id="au-action" label={t('audit.action')} type="search" value={draft.action} onInput={set('action')} spellcheck={false} />
				<TextField id="au-otype" label={t('audit.objectType')} type="search" value={draft.object_type} onInput={set('object_type')} spellcheck={false} />
				<TextField id="au-oid" label={t('audit.objectId')} type="search" value={draft.object_id} onInput={set('object_id')} spellcheck={false} />
				<TextField id="au-from" label={t('audit.from')} type="date" value={draft.from} onInput={set('from')} />
				<TextField id="au-to" label={t('audit.to')} type="date" value={draft.to} onInput={set('to')} error={rangeError} />
				<div class="form-actions">
					<button type="submit" class="button button-primary">
						{t('audit.apply')}
					</button>
					<button type="button" class="button" onClick={clear}>
						{t('audit.clear')}
					</button>
				</div>
			</form>
			<ErrorNotice>{error}</ErrorNotice>
			{!data && !error && <p class="loading">{t('common.loading')}</p>}
			{data && (
				<>
					<p class="hint" aria-live="polite">
						{data.total > 0 ? t('audit.summary', { first, last, total: data.total }) : ''}
					</p>
					{data.items.length === 0 ? (
						<p class="empty">{t('audit.empty')}</p>
					) : (
						<div class={`table-wrap${loading ? ' is-loading' : ''}`} role="region" aria-labelledby="au-caption" tabIndex={0} aria-busy={loading ? 'true' : undefined}>
							<table class="table table-dense">
								<caption id="au-caption" class="visually-hidden">
									{t('audit.caption')}
								</caption>
								<thead>
									<tr>
										<th scope="col">{t('audit.colTime')}</th>
										<th scope="col">{t('audit.colActor')}</th>
										<th scope="col">{t('audit.colRole')}</th>
										<th scope="col">{t('audit.colAction')}</th>
										<th scope="col">{t('audit.colObject')}</th>
										<th scope="col">{t('audit.colOutcome')}</th>
										<th scope="col">{t('audit.colIp')}</th>
										<th scope="col">{t('audit.colDetail')}</th>
									</tr>
								</thead>
								<tbody>
									{data.items.map((a) => (
										<tr key={a.id}>
											<td class="nowrap">
												<time dateTime={a.at}>{dateTime(a.at)}</time>
											</td>
											<td class="break">{a.actor_email ?? <span class="muted">{t('audit.system')}</span>}</td>
											<td>{a.role ? (isRole(a.role) ? t(`role.${a.role}`) : a.role) : t('common.none')}</td>
											<td class="mono">{a.action}</td>
											<td class="mono">{a.object_type ? `${a.object_type}${a.object_id !== null && a.object_id !== '' ? ` #${a.object_id}` : ''}` : t('common.none')}</td>
											<td>
												<span class={`outcome outcome-${/^(ok|success|allowed)$/i.test(a.outcome) ? 'ok' : 'other'}`}>{a.outcome}</span>
											</td>
											<td class="mono">{a.ip ?? t('common.none')}</td>
											<td class="break detail">{a.detail || t('common.none')}</td>
										</tr>
									))}
								</tbody>
							</table>
						</div>
					)}
					{pages > 1 && (
						<nav class="pager" aria-label={t('audit.pagination')}>
							<button type="button" class="button" disabled={page <= 1 || loading} onClick={() => setPage((p) => p - 1)}>
								{t('audit.prev')}
							</button>
							<span>{t('audit.page', { page: data.page, pages })}</span>
							<button type="button" class="button" disabled={page >= pages || loading} onClick={() => setPage((p) => p + 1)}>
								{t('audit.next')}
							</button>
						</nav>
					)}
				</>
			)}
		</div>
	);
}
