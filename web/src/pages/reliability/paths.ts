/* Addresses of the reliability pages. */
export const REL_ROUTES = {
	dashboard: '/reliability',
	drift: '/reliability/drift',
	calibration: '/reliability/calibration',
	settings: '/reliability/settings',
	myCalibration: '/my-calibration',
	figures: '/lab-figures',
} as const;
