import { memo } from 'react';
import { canReadTemperature, isReachable, primaryMetric } from '../lib/device.ts';
import { formatValue, humanize } from '../lib/format.ts';
import { devicePath } from '../lib/router.ts';
import { selectDevice } from '../store/selectors.ts';
import { useStore } from '../store/store.ts';
import { DeviceControls } from './DeviceControls.tsx';
import { Link } from './Link.tsx';
import { PresenceBadge, PresenceDetail } from './PresenceBadge.tsx';
import { ReadNow } from './ReadNow.tsx';
import { RelativeTime } from './RelativeTime.tsx';

/** One device on the home page: reading, presence, controls; re-renders only when this device changes. */
export const DeviceTile = memo(function DeviceTile({ id }: { id: string }) {
  const device = useStore(selectDevice(id));
  if (!device) return null;
  const metric = primaryMetric(device);
  const reading = metric ? device.latest[metric.name] : undefined;
  const headingId = `tile-${id}`;
  const reachable = isReachable(device);
  return (
    <article
      className="tile"
      aria-labelledby={headingId}
      data-device-id={id}
      data-status={device.presence.status}
    >
      <header className="tile-head">
        <h3 id={headingId} className="tile-name">
          <Link href={devicePath(id)}>{device.name}</Link>
        </h3>
        <PresenceBadge presence={device.presence} />
      </header>
      <div className="reading">
        <span className="reading-value" data-metric={metric?.name}>
          {formatValue(reading?.value, metric?.unit)}
        </span>
        <span className="reading-label">
          {metric ? (metric.label ?? humanize(metric.name)) : 'No readings'}
        </span>
      </div>
      <p className="presence-line">
        <PresenceDetail presence={device.presence} />
      </p>
      {!device.description && <p className="muted">Waiting for the device to describe itself.</p>}
      <DeviceControls device={device} />
      {canReadTemperature(device) && (
        <ReadNow deviceId={id} reachable={reachable} {...(metric?.unit ? { unit: metric.unit } : {})} />
      )}
      <p className="last-seen muted">
        {device.last_seen === null ? (
          'Never seen'
        ) : (
          <RelativeTime ts={device.last_seen} prefix="Last seen " />
        )}
      </p>
    </article>
  );
});
