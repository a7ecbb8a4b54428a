/* One export request as both the researcher and the lab admin see it: what was asked for and why,
 * the decision, and (once ready) the files to download. */
import type { ComponentChildren } from 'preact';
import { type MessageKey, useI18n } from '../../i18n';
import { EXPORT_FILES, type ExportRequest, type ExportState } from './exportsapi';
import { exportFileUrl } from './paths';

const TONE: Record<ExportState, string> = {
	requested: 'info',
	approved: 'info',
	ready: 'ok',
	rejected: 'warn',
	failed: 'warn',
	withdrawn: 'off',
};

export function ExportStateBadge({ state }: { state: ExportState }) {
	const { t } = useI18n();
	return <span class={`badge badge-${TONE[state] ?? 'off'}`}>{t(`ex.state.${state}`)}</span>;
}

function freeTextKey(e: ExportRequest): MessageKey {
	if (!e.include_free_text) return 'ex.card.freeTextNone';
	if (e.decided_at === null) return 'ex.card.freeTextAsked';
	return e.free_text_allowed ? 'ex.card.freeTextAllowed' : 'ex.card.freeTextRefused';
}

interface Props {
	e: ExportRequest;
	/* The lab admin's view names who asked. */
	showRequester?: boolean;
	/* The researcher's view offers the files. */
	showFiles?: boolean;
	children?: ComponentChildren;
}

export function ExportCard({ e, showRequester, showFiles, children }: Props) {
	const { t, day, dateTime, num } = useI18n();
	const hid = `ex-${e.id}-h`;
	const title = t('ex.card.title', { instrument: e.instrument_name, from: day(e.period_from), to: day(e.period_to) });
	return (
		<li class="card ex-card" aria-labelledby={hid}>
			<div class="ex-card-head">
				<h3 id={hid}>{title}</h3>
				<ExportStateBadge state={e.state} />
			</div>
			<dl class="facts">
				<div>
					<dt>{t('ex.card.requested')}</dt>
					<dd>{dateTime(e.created_at)}</dd>
				</div>
				{showRequester && (
					<div>
						<dt>{t('ex.card.requestedBy')}</dt>
						<dd class="break">{e.requested_by_name ? `${e.requested_by_name} (${e.requested_by_email})` : e.requested_by_email}</dd>
					</div>
				)}
				<div>
					<dt>{t('ex.card.rows')}</dt>
					<dd>{t(`ex.form.level.${e.level}`)}</dd>
				</div>
				<div>
					<dt>{t('ex.card.variables')}</dt>
					<dd>
						<details open={showRequester}>
							<summary>{t('ex.form.chosen', { n: e.variables.length })}</summary>
							<p class="mono break ex-varlist">{e.variables.join(', ')}</p>
						</details>
					</dd>
				</div>
				<div>
					<dt>{t('ex.card.freeText')}</dt>
					<dd>{t(freeTextKey(e))}</dd>
				</div>
				<div>
					<dt>{t('ex.card.purpose')}</dt>
					<dd class="pre-line break">{e.purpose}</dd>
				</div>
				{e.decided_at && (
					<div>
						<dt>{t('ex.card.decision')}</dt>
						<dd>{t('ex.card.decisionBy', { who: e.decided_by_email ?? t('common.none'), when: dateTime(e.decided_at) })}</dd>
					</div>
				)}
				{e.decision_note && (
					<div>
						<dt>{t('ex.card.note')}</dt>
						<dd class="pre-line break">{e.decision_note}</dd>
					</div>
				)}
				{e.state === 'ready' && e.row_count !== null && (
					<div>
						<dt>{t('ex.card.contents')}</dt>
						<dd>{t('ex.card.contentsText', { rows: num(e.row_count), sessions: num(e.session_count ?? 0) })}</dd>
					</div>
				)}
				{e.state === 'failed' && e.error && (
					<div>
						<dt>{t('ex.card.error')}</dt>
						<dd class="break">{e.error}</dd>
					</div>
				)}
			</dl>
			{showFiles && e.state === 'ready' && e.files.length > 0 && (
				<section class="ex-files" aria-labelledby={`${hid}-files`}>
					<h4 id={`${hid}-files`}>{t('ex.card.files')}</h4>
					<ul class="ex-file-list">
						{[...e.files].sort((a, b) => EXPORT_FILES.indexOf(a.name) - EXPORT_FILES.indexOf(b.name)).map((f) => (
							<li key={f.name}>
								<a class="button button-small" href={exportFileUrl(e.id, f.name)} download={`kvalab-export-${e.id}-${f.name}`}>
									{t('ex.card.download', { file: t(`ex.file.${f.name}`) })}
									<span class="visually-hidden"> – {title}</span>
								</a>
								<span class="muted"> {t('ex.card.size', { size: num(Math.max(1, Math.round(f.size / 1024))) })}</span>
							</li>
						))}
					</ul>
				</section>
			)}
			{children && <div class="button-row">{children}</div>}
		</li>
	);
}
