import { useState } from 'react';
import type { PresenceEventDto } from '../../../shared/api.ts';
import { http } from '../api/http.ts';
import { useLoader } from '../hooks/useLoader.ts';
import { useNow } from '../hooks/useNow.ts';
import { formatDuration, presenceReason } from '../lib/format.ts';
import { useStore } from '../store/store.ts';
import { LoadState } from './LoadState.tsx';
import { PresenceBadge } from './PresenceBadge.tsx';
import { RelativeTime } from './RelativeTime.tsx';

/** Every online / offline / stale change of the last 7 days, newest first, with how long each lasted. */
export function PresenceTimeline({ deviceId }: { deviceId: string }) {
  const epoch = useStore((s) => s.live.epoch);
  // A presence change reloads the timeline: it is short, and the hub holds the truth.
  const since = useStore((s) => s.devices[deviceId]?.presence.since ?? null);
  const [events, setEvents] = useState<PresenceEventDto[]>([]);
  const now = useNow();
  const [load, retry] = useLoader(
    async () => setEvents(await http.presence(deviceId)),
    [deviceId, epoch, since],
  );

  if (events.length === 0)
    return <LoadState state={load} retry={retry} empty="No presence changes in the last 7 days." />;
  return (
    <ol className="timeline">
      {events.map((e, i) => {
        const until = i === 0 ? null : (events[i - 1]?.ts ?? null);
        return (
          <li key={`${e.ts}-${e.status}-${e.reason}`} className="timeline-item" data-status={e.status}>
            <PresenceBadge presence={{ status: e.status, reason: e.reason, detail: e.detail, since: e.ts }} />
            <span className="timeline-why">{presenceReason(e.reason, e.detail)}</span>
            <span className="muted">
              <RelativeTime ts={e.ts} />
              {' · '}
              {until === null
                ? `for ${formatDuration(Math.max(0, now - e.ts))}, ongoing`
                : `lasted ${formatDuration(until - e.ts)}`}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
