import { memo, useMemo } from 'react';
import { acknowledgeAlert, loadActiveAlerts } from '../actions/alerts.ts';
import { useAction } from '../hooks/useAction.ts';
import { devicePath } from '../lib/router.ts';
import { alertIdsFromKey, selectActiveAlertsKey } from '../store/selectors.ts';
import { useStore } from '../store/store.ts';
import { Link } from './Link.tsx';
import { RelativeTime } from './RelativeTime.tsx';
import '../styles/alerts.css';

const SEVERITY_LABEL = { critical: 'Critical', warning: 'Warning', info: 'Info' } as const;

/** One active alert: severity, device, since when, the message, and who acknowledged it (or the button). */
const AlertItem = memo(function AlertItem({ id }: { id: number }) {
  const alert = useStore((s) => s.alerts[id]);
  const deviceName = useStore((s) => (alert?.device_id ? s.devices[alert.device_id]?.name : undefined));
  const { busy, error, run } = useAction();
  if (!alert) return null;
  const messageId = `alert-${id}-message`;

  const ack = () => {
    if (busy) return;
    run(() => acknowledgeAlert(id));
  };

  return (
    <li
      className="alert-item"
      data-alert-id={id}
      data-severity={alert.severity}
      data-acknowledged={alert.acknowledged_at !== null}
    >
      <span className="severity" data-severity={alert.severity}>
        {SEVERITY_LABEL[alert.severity]}
      </span>
      <div className="alert-body">
        <p id={messageId} className="alert-message">
          {alert.message}
        </p>
        <p className="alert-meta muted">
          {alert.device_id && (
            <>
              <Link href={devicePath(alert.device_id)}>{deviceName ?? alert.device_id}</Link>
              {' · '}
            </>
          )}
          <RelativeTime ts={alert.raised_at} prefix="since " />
          {alert.acknowledged_at !== null && (
            <>
              {' · acknowledged'}
              {alert.acknowledged_by ? ` by ${alert.acknowledged_by}` : ''}{' '}
              <RelativeTime ts={alert.acknowledged_at} />
            </>
          )}
        </p>
        {error && (
          <p className="error" role="alert">
            Could not acknowledge: {error}
          </p>
        )}
      </div>
      {alert.acknowledged_at === null && (
        <button
          type="button"
          className="button secondary small"
          onClick={ack}
          aria-busy={busy}
          aria-describedby={messageId}
        >
          {busy ? 'Acknowledging…' : 'Acknowledge'}
        </button>
      )}
    </li>
  );
});

/**
 * The active alerts on Home, most severe first, live. Nothing at all when
 * there are none: a calm home needs no "no alerts" box, only the nav badge's absence.
 */
export function AlertsPanel() {
  const key = useStore(selectActiveAlertsKey);
  const error = useStore((s) => s.alertsError);
  const loaded = useStore((s) => s.alertsLoaded);
  const ids = useMemo(() => alertIdsFromKey(key), [key]);

  return (
    <section className="alerts-panel" aria-labelledby="alerts-title" data-count={ids.length}>
      <h2 id="alerts-title" className={ids.length === 0 ? 'visually-hidden' : 'alerts-title'}>
        Active alerts{ids.length > 0 ? ` (${ids.length})` : ''}
      </h2>
      {error && !loaded && (
        <p className="error" role="alert">
          Could not load the alerts: {error}{' '}
          <button type="button" className="link-button" onClick={() => void loadActiveAlerts()}>
            Retry
          </button>
        </p>
      )}
      {loaded && ids.length === 0 && <p className="visually-hidden">No active alerts.</p>}
      <ul className="alert-list" aria-live="polite">
        {ids.map((id) => (
          <AlertItem key={id} id={id} />
        ))}
      </ul>
    </section>
  );
}
