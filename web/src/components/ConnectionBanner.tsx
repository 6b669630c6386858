import { useStore } from '../store/store.ts';
import { RelativeTime } from './RelativeTime.tsx';

/**
 * Says so when the live connection is down: what is on screen may be stale.
 * The region is always rendered so screen readers announce the change.
 */
export function ConnectionBanner() {
  const status = useStore((s) => s.live.status);
  const since = useStore((s) => s.live.since);
  const attempts = useStore((s) => s.live.attempts);
  const everSynced = useStore((s) => s.live.epoch > 0);
  const down = status === 'reconnecting';
  return (
    <div className="banner-region" role="status" data-live={status}>
      {down && (
        <div className="banner">
          <strong>{everSynced ? 'Live connection lost.' : 'Cannot reach the hub.'}</strong>{' '}
          <span>
            Reconnecting by itself
            {attempts > 0 ? ` (attempt ${attempts})` : ''}; values shown may be out of date. Lost{' '}
            <RelativeTime ts={since} />.
          </span>
        </div>
      )}
    </div>
  );
}
