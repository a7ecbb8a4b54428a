/* The recording in the rater's workspace: the picture (or sound), and controls that all work from the
 * keyboard — play and pause, 5 seconds back and forward, one frame back and forward, position and
 * speed from 0.5× to 2×. The keys for each are in the shortcuts dialog. Nothing offers to save the file. */
import { useI18n } from '../../i18n';
import { formatNumber } from '../../pages/workspace/instrument';
import { type KeyMap, keyName } from '../../pages/workspace/shortcuts';
import { SKIP_S, SPEEDS, type Player, clock, clockTenths } from './usePlayer';

interface Props {
	player: Player;
	src: string | null;
	isVideo: boolean;
	label: string;
	keys: KeyMap;
	onShortcuts: () => void;
}

export function WorkspacePlayer({ player: p, src, isVideo, label, keys, onShortcuts }: Props) {
	const { t, locale } = useI18n();
	const num = (n: number, d: number) => formatNumber(locale, n, d);
	const k = (a: keyof KeyMap) => keyName(keys[a], t('ws.key.space'));
	const common = {
		src: src ?? undefined,
		controls: false,
		controlsList: 'nodownload noremoteplayback',
		disableRemotePlayback: true,
		preload: 'auto' as const,
		'aria-label': label,
		ref: p.attach,
		...p.events,
	};
	const position = t('ws.player.positionText', { at: clock(p.time), total: clock(p.duration) });
	return (
		<div class="ws-player" role="group" aria-label={label}>
			{src ? (
				isVideo ? (
					<video class="ws-media" playsInline disablePictureInPicture {...common} />
				) : (
					<audio class="ws-media ws-audio" {...common} />
				)
			) : (
				<div class="ws-media ws-media-empty">{t('ws.player.noMedia')}</div>
			)}
			<div class="ws-controls">
				<button type="button" class="button ws-play" onClick={p.toggle} disabled={!src} aria-keyshortcuts={keys.playPause} title={`${p.playing ? t('ws.player.pause') : t('ws.player.play')} (${k('playPause')})`}>
					{p.playing ? t('ws.player.pause') : t('ws.player.play')}
				</button>
				<button type="button" class="button button-small" onClick={() => p.skip(-SKIP_S)} disabled={!src} aria-keyshortcuts={keys.back} title={k('back')}>
					{t('ws.player.back', { n: SKIP_S })}
				</button>
				<button type="button" class="button button-small" onClick={() => p.skip(SKIP_S)} disabled={!src} aria-keyshortcuts={keys.forward} title={k('forward')}>
					{t('ws.player.forward', { n: SKIP_S })}
				</button>
				<button type="button" class="button button-small" onClick={() => p.frame(-1)} disabled={!src} aria-keyshortcuts={keys.frameBack} title={k('frameBack')}>
					{t('ws.player.frameBack')}
				</button>
				<button type="button" class="button button-small" onClick={() => p.frame(1)} disabled={!src} aria-keyshortcuts={keys.frameForward} title={k('frameForward')}>
					{t('ws.player.frameForward')}
				</button>
				<span class="ws-time" aria-hidden="true">
					{clockTenths(p.time)} / {clock(p.duration)}
				</span>
				<div class="ws-speed">
					<label for="ws-speed">{t('ws.player.speed')}</label>
					<select id="ws-speed" value={String(p.rate)} onChange={(e) => p.setRate(Number(e.currentTarget.value))} disabled={!src}>
						{SPEEDS.map((s) => (
							<option key={s} value={String(s)}>
								{num(s, 2)}×
							</option>
						))}
					</select>
				</div>
				<button type="button" class="button button-small button-quiet" onClick={onShortcuts} aria-keyshortcuts={keys.shortcuts}>
					{t('ws.keys.open')}
				</button>
			</div>
			<div class="ws-seek">
				<label for="ws-seek" class="visually-hidden">
					{t('ws.player.position')}
				</label>
				<input
					id="ws-seek"
					type="range"
					min={0}
					max={p.duration > 0 ? p.duration : 0}
					step={0.1}
					value={p.time}
					disabled={!src}
					aria-valuetext={position}
					onInput={(e) => p.seek(Number(e.currentTarget.value))}
				/>
			</div>
		</div>
	);
}
