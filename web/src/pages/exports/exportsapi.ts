/* The research export API (docs/openapi.yaml, /api/exports). */
import { type Locale, request } from '../../api';

export const EXPORT_LEVELS = ['consensus', 'rater', 'both'] as const;
export type ExportLevel = (typeof EXPORT_LEVELS)[number];

export const EXPORT_STATES = ['requested', 'approved', 'rejected', 'ready', 'failed', 'withdrawn'] as const;
export type ExportState = (typeof EXPORT_STATES)[number];

export const EXPORT_FILES = ['data.csv', 'codebook.csv', 'data.sav', 'data.dta'] as const;
export type ExportFileName = (typeof EXPORT_FILES)[number];

export const VARIABLE_GROUPS = ['identifiers', 'session', 'patient', 'items', 'globals', 'derived', 'counts', 'text'] as const;
export type VariableGroupId = (typeof VARIABLE_GROUPS)[number];

export interface ExportVariable {
	name: string;
	label: string;
	free_text: boolean;
}

export interface VariableGroup {
	id: VariableGroupId;
	variables: ExportVariable[];
}

export interface VariableCatalogue {
	instrument_code: string;
	instrument_version: string;
	instrument_name: string;
	groups: VariableGroup[];
}

export interface ExportFile {
	name: ExportFileName;
	content_type: string;
	size: number;
	sha256: string;
}

export interface ExportRequest {
	id: number;
	requested_by: number;
	requested_by_email: string;
	requested_by_name: string;
	instrument_id: number;
	instrument_code: string;
	instrument_version: string;
	instrument_name: string;
	period_from: string;
	period_to: string;
	variables: string[];
	level: ExportLevel;
	language: Locale;
	include_free_text: boolean;
	purpose: string;
	state: ExportState;
	decided_by: number | null;
	decided_by_email: string | null;
	decided_at: string | null;
	decision_note: string | null;
	free_text_allowed: boolean;
	row_count: number | null;
	session_count: number | null;
	error: string | null;
	created_at: string;
	produced_at: string | null;
	withdrawn_at: string | null;
	files: ExportFile[];
}

export interface ExportInput {
	instrument_id: number;
	period_from: string;
	period_to: string;
	variables: string[];
	level: ExportLevel;
	language: Locale;
	include_free_text: boolean;
	purpose: string;
}

export const exportsApi = {
	variables: (instrumentId: number, language: Locale) =>
		request<VariableCatalogue>('GET', '/exports/variables', { query: { instrument_id: instrumentId, language } }),
	list: (state?: ExportState) => request<{ items: ExportRequest[] }>('GET', '/exports', { query: { state } }),
	create: (body: ExportInput) => request<ExportRequest>('POST', '/exports', { body }),
	approve: (id: number, body: { note?: string; allow_free_text?: boolean }) => request<ExportRequest>('POST', `/exports/${id}/approve`, { body }),
	reject: (id: number, note: string) => request<ExportRequest>('POST', `/exports/${id}/reject`, { body: { note } }),
	withdraw: (id: number, note?: string) => request<ExportRequest>('POST', `/exports/${id}/withdraw`, { body: note ? { note } : {} }),
};
