import type { Presence } from '../../../shared/api.ts';
import { presenceReason, STATUS_LABEL } from '../lib/format.ts';
import { RelativeTime } from './RelativeTime.tsx';

/** Online / offline / stale / unknown, as a coloured badge with the word in it. */
export function PresenceBadge({ presence }: { presence: Presence }) {
  return (
    <span className="badge" data-status={presence.status}>
      {STATUS_LABEL[presence.status]}
    </span>
  );
}

/** Why the presence is what it is, and since when. */
export function PresenceDetail({ presence }: { presence: Presence }) {
  return (
    <span className="presence-why">
      {presenceReason(presence.reason, presence.detail)}
      {presence.since !== null && (
        <>
          {' · since '}
          <RelativeTime ts={presence.since} />
        </>
      )}
    </span>
  );
}
