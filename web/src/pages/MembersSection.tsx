/* Lab admin: the therapists who belong to an institution and the programmes each works in. Only
 * members can open patient cases there and sign its data processing agreement. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Institution, type Member, type User } from '../api';
import { useApp } from '../app-context';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Dialog } from '../components/Dialog';
import { CheckboxField, ErrorNotice, SelectField } from '../components/Field';
import { useFocusFallback } from '../components/focus';
import { useI18n } from '../i18n';

interface Props {
	institution: Institution;
	members: Member[] | null;
	onMembers: (m: Member[]) => void;
}

function ProgrammeChoices({ idPrefix, institution, chosen, onChange }: { idPrefix: string; institution: Institution; chosen: number[]; onChange: (ids: number[]) => void }) {
	const { t } = useI18n();
	if (institution.programmes.length === 0) return <p class="hint">{t('members.noProgrammes')}</p>;
	return (
		<fieldset class="fieldset">
			<legend>{t('members.programmes')}</legend>
			{institution.programmes.map((p) => (
				<CheckboxField
					key={p.id}
					id={`${idPrefix}-${p.id}`}
					label={p.name}
					checked={chosen.includes(p.id)}
					onChange={(on) => onChange(on ? [...chosen, p.id] : chosen.filter((x) => x !== p.id))}
				/>
			))}
		</fieldset>
	);
}

export function MembersSection({ institution, members, onMembers }: Props) {
	const { t, date, errorText } = useI18n();
	const { announce } = useApp();
	const [therapists, setTherapists] = useState<User[] | null>(null);
	const [adding, setAdding] = useState('');
	const [addProgrammes, setAddProgrammes] = useState<number[]>([]);
	const [addError, setAddError] = useState('');
	const [busy, setBusy] = useState(false);
	const [editing, setEditing] = useState<Member | null>(null);
	const [editProgrammes, setEditProgrammes] = useState<number[]>([]);
	const [removing, setRemoving] = useState<Member | null>(null);
	const [dialogError, setDialogError] = useState('');

	useEffect(() => {
		let live = true;
		api.listUsers({ role: 'therapist' }).then(
			(r) => live && setTherapists(r.items),
			(err: unknown) => live && setAddError(errorText(err)),
		);
		return () => {
			live = false;
		};
	}, []);

	const memberIds = new Set((members ?? []).map((m) => m.user_id));
	const candidates = (therapists ?? []).filter((u) => !memberIds.has(u.id));
	const programmeName = (id: number) => institution.programmes.find((p) => p.id === id)?.name ?? `#${id}`;
	const nameOf = (m: { display_name: string; email: string }) => m.display_name || m.email;
	const headRef = useRef<HTMLHeadingElement>(null);
	useFocusFallback(headRef, [members]);

	async function add(e: Event) {
		e.preventDefault();
		if (busy) return;
		if (!adding) {
			setAddError(t('members.pickTherapist'));
			document.getElementById('mem-add')?.focus();
			return;
		}
		setBusy(true);
		setAddError('');
		try {
			const r = await api.setMember(institution.id, Number(adding), addProgrammes);
			onMembers(r.items);
			const who = therapists?.find((u) => u.id === Number(adding));
			announce(t('members.added', { name: who ? nameOf(who) : adding, institution: institution.name }));
			setAdding('');
			setAddProgrammes([]);
		} catch (err) {
			setAddError(errorText(err));
		}
		setBusy(false);
	}

	async function saveProgrammes() {
		if (!editing) return;
		setBusy(true);
		setDialogError('');
		try {
			const r = await api.setMember(institution.id, editing.user_id, editProgrammes);
			onMembers(r.items);
			announce(t('members.saved', { name: nameOf(editing) }));
			setEditing(null);
		} catch (err) {
			setDialogError(errorText(err));
		}
		setBusy(false);
	}

	async function remove() {
		if (!removing) return;
		setBusy(true);
		setDialogError('');
		try {
			await api.removeMember(institution.id, removing.user_id);
			onMembers((members ?? []).filter((m) => m.user_id !== removing.user_id));
			announce(t('members.removed', { name: nameOf(removing), institution: institution.name }));
			setRemoving(null);
		} catch (err) {
			setDialogError(errorText(err));
		}
		setBusy(false);
	}

	return (
		<section class="card" aria-labelledby="mem-h">
			<h2 id="mem-h" ref={headRef} tabIndex={-1} class="focus-target">{t('members.title')}</h2>
			<p class="hint">{t('members.intro')}</p>
			{members === null && <p class="loading">{t('common.loading')}</p>}
			{members !== null && members.length === 0 && <p class="empty">{t('members.empty')}</p>}
			{members !== null && members.length > 0 && (
				<div class="table-wrap" role="region" aria-labelledby="mem-caption" tabIndex={0}>
					<table class="table">
						<caption id="mem-caption" class="visually-hidden">
							{t('members.caption', { name: institution.name })}
						</caption>
						<thead>
							<tr>
								<th scope="col">{t('members.colName')}</th>
								<th scope="col">{t('members.colEmail')}</th>
								<th scope="col">{t('members.colProgrammes')}</th>
								<th scope="col">{t('members.colSince')}</th>
								<th scope="col">
									<span class="visually-hidden">{t('members.colActions')}</span>
								</th>
							</tr>
						</thead>
						<tbody>
							{members.map((m) => (
								<tr key={m.user_id}>
									<th scope="row">{nameOf(m)}</th>
									<td class="break">{m.email}</td>
									<td>{m.programme_ids.length ? m.programme_ids.map(programmeName).join(', ') : t('common.none')}</td>
									<td class="nowrap">{date(m.created_at)}</td>
									<td class="cell-actions">
										<button
											type="button"
											class="button button-small"
											aria-label={t('members.editLabel', { name: nameOf(m) })}
											onClick={() => {
												setDialogError('');
												setEditProgrammes(m.programme_ids);
												setEditing(m);
											}}
										>
											{t('members.edit')}
										</button>{' '}
										<button
											type="button"
											class="button button-small button-danger-quiet"
											aria-label={t('members.removeLabel', { name: nameOf(m) })}
											onClick={() => {
												setDialogError('');
												setRemoving(m);
											}}
										>
											{t('members.remove')}
										</button>
									</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			)}

			<h3>{t('members.addTitle')}</h3>
			<form class="form" onSubmit={add} noValidate>
				<ErrorNotice>{addError}</ErrorNotice>
				{therapists !== null && candidates.length === 0 ? (
					<p class="hint">{t('members.noCandidates')}</p>
				) : (
					<>
						<SelectField
							id="mem-add"
							label={t('members.therapist')}
							value={adding}
							onChange={setAdding}
							options={[{ value: '', label: t('wizard.case.choose') }, ...candidates.map((u) => ({ value: String(u.id), label: `${nameOf(u)} (${u.email})` }))]}
						/>
						<ProgrammeChoices idPrefix="mem-add-prog" institution={institution} chosen={addProgrammes} onChange={setAddProgrammes} />
						<div class="form-actions">
							<button type="submit" class="button" disabled={busy}>
								{t('members.add')}
							</button>
						</div>
					</>
				)}
			</form>

			{editing && (
				<Dialog id="member-programmes" title={t('members.editTitle', { name: nameOf(editing) })} onClose={() => setEditing(null)}>
					<ErrorNotice>{dialogError}</ErrorNotice>
					<ProgrammeChoices idPrefix="mem-edit-prog" institution={institution} chosen={editProgrammes} onChange={setEditProgrammes} />
					<div class="form-actions">
						<button type="button" class="button button-primary" disabled={busy} onClick={saveProgrammes}>
							{t('members.save')}
						</button>
						<button type="button" class="button" onClick={() => setEditing(null)}>
							{t('common.cancel')}
						</button>
					</div>
				</Dialog>
			)}
			{removing && (
				<ConfirmDialog
					id="remove-member"
					title={t('members.removeTitle')}
					confirmLabel={t('members.removeConfirm')}
					onConfirm={remove}
					onClose={() => setRemoving(null)}
					busy={busy}
					error={dialogError}
				>
					<p>{t('members.removeText', { name: nameOf(removing), institution: institution.name })}</p>
				</ConfirmDialog>
			)}
		</section>
	);
}
