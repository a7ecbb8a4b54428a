/* Words and numbers about recordings that several screens share: sizes, speeds, time left, lengths,
 * and the server's reasons for refusing a recording in the user's language. */
import { ApiError, type Recording } from './api';
import type { I18n } from './i18n';
import type { UploadFailure } from './upload';

/* Files the upload step offers; the server decides in the end by looking inside the file. */
export const RECORDING_ACCEPT = 'video/*,audio/*';

/* A file the picker let through may still be something else (a "*" filter, a drag and drop). */
export function looksLikeMedia(file: File): boolean {
	return file.type === '' || file.type.startsWith('video/') || file.type.startsWith('audio/');
}

/* Decimal units, as file managers show sizes: "812 MB", "12.3 MB", "1.25 GB". */
export function sizeText({ num }: I18n, bytes: number): string {
	if (bytes < 1e6) return `${num(bytes / 1e3, bytes < 1e4 ? 1 : 0)} kB`;
	if (bytes < 1e9) return `${num(bytes / 1e6, bytes < 1e8 ? 1 : 0)} MB`;
	return `${num(bytes / 1e9, bytes < 1e10 ? 2 : 1)} GB`;
}

export function speedText(i18n: I18n, bytesPerSecond: number): string {
	return `${sizeText(i18n, bytesPerSecond)}/s`;
}

export function timeLeftText({ t }: I18n, secs: number): string {
	if (secs < 60) return t('recording.leftSoon');
	const mins = Math.round(secs / 60);
	if (mins < 90) return t('recording.leftMinutes', { n: mins });
	return t('recording.leftHours', { h: Math.floor(mins / 60), m: mins % 60 });
}

/* A position or length as a clock: "0:08", "12:34", "1:02:03". */
export function clock(secs: number): string {
	const s = Number.isFinite(secs) && secs > 0 ? Math.floor(secs) : 0;
	const h = Math.floor(s / 3600);
	const m = Math.floor((s % 3600) / 60);
	const ss = String(s % 60).padStart(2, '0');
	return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/* The server's reasons (see vault/media_probe.c, media_transcode.c, media_child.c), recognised so they
 * can be said in the user's language; an unknown reason is shown as the server wrote it. */
export function recordingReason({ t }: I18n, error: string | null): string {
	if (!error) return t('recording.why.unknown');
	const rules: [RegExp, () => string][] = [
		[/not audio or video/i, () => t('recording.why.notMedia')],
		[/file is empty/i, () => t('recording.why.empty')],
		[/incomplete|cut short|cut off/i, () => t('recording.why.incomplete')],
		[/no audio or video stream|has no (?:audio|video) stream/i, () => t('recording.why.noStream')],
		[/has no length/i, () => t('recording.why.noLength')],
		[/took too long|too much processing time|out of memory/i, () => t('recording.why.tooHeavy')],
		[/conversion failed|could not be converted|cannot be converted|playable copy/i, () => t('recording.why.conversion')],
	];
	for (const [re, fn] of rules) if (re.test(error)) return fn();
	return error;
}

/* Why an upload stopped, for the therapist. */
export function uploadFailureText(i18n: I18n, f: UploadFailure): string {
	const { t, errorText } = i18n;
	if (f.code === 'wrong_state') return t('recording.err.wrongState');
	if (f.code === 'too_large' || f.status === 413) {
		const mib = /at most (\d+) MiB/i.exec(f.message)?.[1];
		return mib ? t('recording.err.tooLargeMax', { max: sizeText(i18n, Number(mib) * 1048576) }) : t('recording.err.tooLarge');
	}
	if (f.code === 'network' || f.status === 0) return t('recording.err.network');
	if (f.status >= 500 || f.code === 'upload_busy') return t('recording.err.server');
	return errorText(new ApiError(f.status, f.code, f.message));
}

/* A failure that may pass: offering "try again" makes sense. */
export function failureMayPass(f: UploadFailure): boolean {
	return f.status === 0 || f.status >= 500 || f.code === 'upload_busy' || f.code === 'offset_mismatch';
}

/* What kind of media it is, for the facts list: "Video, 640×480" or "Audio only". */
export function mediaKindText({ t }: I18n, r: Recording): string {
	if (r.video_codec) return r.width && r.height ? t('recording.kindVideoSize', { width: r.width, height: r.height }) : t('recording.kindVideo');
	return t('recording.kindAudio');
}

/* ffprobe's names, as people know them: "mov,mp4,m4a,3gp,3g2,mj2" is MP4, "h264" is H.264. */
const CONTAINERS: [RegExp, string][] = [
	[/mp4|mov/, 'MP4'],
	[/webm|matroska/, 'WebM'],
	[/avi/, 'AVI'],
	[/wav/, 'WAV'],
	[/ogg/, 'Ogg'],
	[/mp3/, 'MP3'],
	[/flac/, 'FLAC'],
	[/mpegts/, 'MPEG-TS'],
	[/mpeg/, 'MPEG'],
];
const CODECS: Record<string, string> = {
	h264: 'H.264',
	hevc: 'H.265',
	vp8: 'VP8',
	vp9: 'VP9',
	av1: 'AV1',
	mpeg4: 'MPEG-4 Part 2',
	mpeg2video: 'MPEG-2',
	aac: 'AAC',
	mp3: 'MP3',
	opus: 'Opus',
	vorbis: 'Vorbis',
	flac: 'FLAC',
	pcm_s16le: 'PCM',
	pcm_s24le: 'PCM',
};

export function containerName(c: string): string {
	for (const [re, name] of CONTAINERS) if (re.test(c)) return name;
	return c.split(',')[0]?.toUpperCase() ?? c;
}

export function codecName(c: string): string {
	return CODECS[c] ?? (c.startsWith('pcm_') ? 'PCM' : c.toUpperCase());
}

/* "MP4 · H.264 · AAC" */
export function formatText(r: Recording): string {
	return [r.container ? containerName(r.container) : null, r.video_codec ? codecName(r.video_codec) : null, r.audio_codec ? codecName(r.audio_codec) : null]
		.filter(Boolean)
		.join(' · ');
}

/* States in which the server is still working on the recording: worth asking again soon. */
export function recordingBusy(r: Recording | null | undefined): boolean {
	return !!r && (r.state === 'verifying' || r.state === 'transcoding');
}
