/* The client-outcome pages as App.tsx lists its pages, and their menu entries. */
import type { Role } from '../../api';
import type { MessageKey } from '../../i18n';
import { AggregatePage } from './AggregatePage';
import { ClientPage } from './ClientPage';
import { ClientsPage } from './ClientsPage';
import { EffectivenessPage } from './EffectivenessPage';
import { OC_ROUTES } from './paths';

interface PageDef {
	title: MessageKey;
	roles?: readonly Role[];
	render: (params: string[]) => preact.JSX.Element;
}

const THERAPIST: readonly Role[] = ['therapist'];
const AGGREGATES: readonly Role[] = ['lab_admin', 'supervisor', 'institution_admin'];

export const outcomesPages: Record<string, PageDef> = {
	[OC_ROUTES.clients]: { title: 'oc.clients.title', roles: THERAPIST, render: () => <ClientsPage /> },
	[OC_ROUTES.effectiveness]: { title: 'oc.eff.title', roles: THERAPIST, render: () => <EffectivenessPage /> },
	[OC_ROUTES.aggregate]: { title: 'oc.agg.title', roles: AGGREGATES, render: () => <AggregatePage /> },
};

export const outcomesPatterns: [RegExp, PageDef][] = [[/^\/clients\/(\d+)$/, { title: 'oc.client.title', roles: THERAPIST, render: ([id]) => <ClientPage id={Number(id)} /> }]];

/* The therapist's menu entry; the aggregates are reached from the overview. */
export function outcomesNav(role: Role): { path: string; label: MessageKey }[] {
	return role === 'therapist' ? [{ path: OC_ROUTES.clients, label: 'oc.nav.clients' }] : [];
}

/* The overview's entry for those who see aggregates. */
export function outcomesHome(role: Role): { path: string; text: MessageKey; link: MessageKey }[] {
	if (role === 'therapist') return [{ path: OC_ROUTES.clients, text: 'oc.home.clients', link: 'oc.nav.clients' }];
	if (AGGREGATES.includes(role)) return [{ path: OC_ROUTES.aggregate, text: 'oc.home.aggregate', link: 'oc.nav.aggregate' }];
	return [];
}
