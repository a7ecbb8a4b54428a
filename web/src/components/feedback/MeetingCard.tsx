/* A feedback meeting as the participants see it: when (in the reader's own time zone), how long, the
 * link to join, who takes part, an invitation to add to a calendar; after it, the notes and what was
 * agreed. */
import { useI18n } from '../../i18n';
import { icsUrl } from '../../pages/feedback/fbapi';
import { meetingTime, timeZoneName } from '../../pages/feedback/format';
import type { Meeting } from '../../pages/feedback/types';

export function meetingStateTone(state: Meeting['state']): string {
	return state === 'scheduled' ? 'info' : state === 'held' ? 'ok' : 'off';
}

/* The meeting to show: the scheduled one, else the last held, else the last cancelled. */
export function currentMeeting(meetings: Meeting[]): Meeting | null {
	const by = (s: Meeting['state']) => meetings.filter((m) => m.state === s).sort((a, b) => b.id - a.id)[0] ?? null;
	return by('scheduled') ?? by('held') ?? by('cancelled');
}

export function MeetingCard({ meeting, id }: { meeting: Meeting; id: string }) {
	const { t, locale, dateTime } = useI18n();
	const when = meetingTime(locale, meeting.starts_at, meeting.duration_min);
	return (
		<div class={`fb-meeting fb-meeting-${meeting.state}`}>
			<p class="fb-meeting-when">
				<span class={`badge badge-${meetingStateTone(meeting.state)}`}>{t(`fb.meeting.state.${meeting.state}`)}</span>{' '}
				<time dateTime={meeting.starts_at} class={meeting.state === 'cancelled' ? 'fb-struck' : undefined}>
					{when}
				</time>
			</p>
			<dl class="facts">
				<div>
					<dt>{t('fb.meeting.timeZone')}</dt>
					<dd>{timeZoneName()}</dd>
				</div>
				<div>
					<dt>{t('fb.meeting.duration')}</dt>
					<dd>{t('fb.meeting.minutes', { n: meeting.duration_min })}</dd>
				</div>
				{meeting.state === 'scheduled' && (
					<div>
						<dt>{t('fb.meeting.link')}</dt>
						<dd>
							<a href={meeting.link} target="_blank" rel="noopener noreferrer" class="break" id={`${id}-join`}>
								{meeting.link}
							</a>
							<span class="visually-hidden"> ({t('common.newTab')})</span>
						</dd>
					</div>
				)}
				<div>
					<dt>{t('fb.meeting.organizer')}</dt>
					<dd>{meeting.organizer.name}</dd>
				</div>
				<div>
					<dt>{t('fb.meeting.participants')}</dt>
					<dd>{meeting.participants.map((p) => p.name).join(', ') || t('common.none')}</dd>
				</div>
				{meeting.held_at && (
					<div>
						<dt>{t('fb.meeting.heldAt')}</dt>
						<dd>{dateTime(meeting.held_at)}</dd>
					</div>
				)}
				{meeting.cancelled_at && (
					<div>
						<dt>{t('fb.meeting.cancelledAt')}</dt>
						<dd>{dateTime(meeting.cancelled_at)}</dd>
					</div>
				)}
			</dl>
			{meeting.state === 'scheduled' && (
				<p class="button-row fb-no-print">
					<a class="button" href={meeting.link} target="_blank" rel="noopener noreferrer">
						{t('fb.meeting.join')}
						<span class="visually-hidden"> ({t('common.newTab')})</span>
					</a>
					<a class="button" href={icsUrl(meeting.id)} download={`meeting-${meeting.id}.ics`}>
						{t('fb.meeting.ics')}
					</a>
				</p>
			)}
			{meeting.state === 'held' && (meeting.notes || meeting.agreed) && (
				<div class="fb-meeting-notes">
					{meeting.agreed && (
						<>
							<h3>{t('fb.meeting.agreed')}</h3>
							<p class="pre-line">{meeting.agreed}</p>
						</>
					)}
					{meeting.notes && (
						<>
							<h3>{t('fb.meeting.notes')}</h3>
							<p class="pre-line">{meeting.notes}</p>
						</>
					)}
				</div>
			)}
		</div>
	);
}
