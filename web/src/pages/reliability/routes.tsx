/* The reliability pages as App.tsx lists its pages, and their menu entries by role. */
import type { Role } from '../../api';
import type { MessageKey } from '../../i18n';
import { CalibrationPage } from './CalibrationPage';
import { DriftPage } from './DriftPage';
import { LabFiguresPage } from './LabFiguresPage';
import { LabSettingsPage } from './LabSettingsPage';
import { MyCalibrationPage } from './MyCalibrationPage';
import { ReliabilityPage } from './ReliabilityPage';
import { REL_ROUTES } from './paths';

interface PageDef {
	title: MessageKey;
	roles?: readonly Role[];
	render: (params: string[]) => preact.JSX.Element;
}

const LAB_STAFF: readonly Role[] = ['lab_admin', 'supervisor'];
const FIGURES: readonly Role[] = ['lab_admin', 'supervisor', 'institution_admin'];

export const reliabilityPages: Record<string, PageDef> = {
	[REL_ROUTES.dashboard]: { title: 'rel.title', roles: LAB_STAFF, render: () => <ReliabilityPage /> },
	[REL_ROUTES.drift]: { title: 'rel.drift.title', roles: LAB_STAFF, render: () => <DriftPage /> },
	[REL_ROUTES.calibration]: { title: 'rel.cal.title', roles: LAB_STAFF, render: () => <CalibrationPage /> },
	[REL_ROUTES.settings]: { title: 'rel.set.title', roles: LAB_STAFF, render: () => <LabSettingsPage /> },
	[REL_ROUTES.myCalibration]: { title: 'rel.my.title', roles: ['rater'], render: () => <MyCalibrationPage /> },
	[REL_ROUTES.figures]: { title: 'rel.fig.title', roles: FIGURES, render: () => <LabFiguresPage /> },
};

export function reliabilityNav(role: Role): { path: string; label: MessageKey }[] {
	if (role === 'lab_admin' || role === 'supervisor')
		return [
			{ path: REL_ROUTES.dashboard, label: 'rel.nav.reliability' },
			{ path: REL_ROUTES.figures, label: 'rel.nav.figures' },
		];
	if (role === 'rater') return [{ path: REL_ROUTES.myCalibration, label: 'rel.nav.myCalibration' }];
	if (role === 'institution_admin') return [{ path: REL_ROUTES.figures, label: 'rel.nav.figures' }];
	return [];
}
