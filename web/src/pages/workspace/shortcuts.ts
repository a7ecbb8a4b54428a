/* The workspace's keyboard shortcuts: single keys that every keyboard has (no numeric keypad), each
 * one changeable and kept in localStorage. They act when focus is not in a text field or list. */

export const ACTIONS = ['playPause', 'back', 'forward', 'frameBack', 'frameForward', 'slower', 'faster', 'mark', 'codePoint', 'codeLine', 'undo', 'shortcuts'] as const;
export type Action = (typeof ACTIONS)[number];
export type KeyMap = Record<Action, string>;

export const DEFAULT_KEYS: KeyMap = {
	playPause: 'k',
	back: 'j',
	forward: 'l',
	frameBack: ',',
	frameForward: '.',
	slower: '[',
	faster: ']',
	mark: 'm',
	codePoint: 'Enter',
	/* The transcript panel's: code the line being spoken. */
	codeLine: 't',
	undo: 'u',
	shortcuts: '?',
};

const STORAGE_KEY = 'kvalab.workspace.keys';

export function loadKeys(): KeyMap {
	try {
		const raw: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}');
		const out: KeyMap = { ...DEFAULT_KEYS };
		if (raw && typeof raw === 'object') {
			for (const a of ACTIONS) {
				const v = (raw as Record<string, unknown>)[a];
				if (typeof v === 'string' && v) out[a] = v;
			}
		}
		return out;
	} catch {
		return { ...DEFAULT_KEYS };
	}
}

export function saveKeys(k: KeyMap): void {
	try {
		localStorage.setItem(STORAGE_KEY, JSON.stringify(k));
	} catch {
		/* private mode: the keys last for this page */
	}
}

/* Keys the workspace keeps for itself (Tab, arrows, Escape, ...) or that a numeric keypad sends. */
export function usableKey(e: KeyboardEvent): boolean {
	if (e.code.startsWith('Numpad')) return false;
	if (['Tab', 'Escape', 'Shift', 'Control', 'Alt', 'Meta', 'CapsLock', 'ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Home', 'End', 'Delete', 'Backspace', ' ', 'Dead', 'Unidentified'].includes(e.key)) return false;
	if (/^[0-9]$/.test(e.key)) return false; /* digits choose quality and scores */
	return e.key.length === 1 || /^F([1-9]|1[0-2])$/.test(e.key) || e.key === 'Enter';
}

/* Case does not matter for letters: "M" with Shift still marks. */
export function keyMatches(map: KeyMap, a: Action, e: KeyboardEvent): boolean {
	const k = map[a];
	return k.length === 1 ? e.key.toLowerCase() === k.toLowerCase() : e.key === k;
}

export function keyName(k: string, space: string): string {
	if (k === ' ') return space;
	return k.length === 1 ? k.toUpperCase() : k;
}

/* Whether a key press belongs to the focused control rather than to the workspace. */
export function typingTarget(t: EventTarget | null): boolean {
	if (!(t instanceof HTMLElement)) return false;
	if (t.isContentEditable) return true;
	if (t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement) return true;
	if (t instanceof HTMLInputElement) return !['radio', 'checkbox', 'range', 'button', 'submit'].includes(t.type);
	return !!t.closest('[data-own-keys]');
}
