import { type CSSProperties, type ReactNode, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { AlertsPanel } from '../components/AlertsPanel.tsx';
import { DeviceTile } from '../components/DeviceTile.tsx';
import { Link } from '../components/Link.tsx';
import { groupsFromLayoutKey, selectLayoutKey } from '../store/selectors.ts';
import { useStore } from '../store/store.ts';
import '../styles/tiles.css';

/** Active alerts, then a tile per device, grouped by room; everything updates live. */
export function HomePage() {
  const layoutKey = useStore(selectLayoutKey);
  const { loaded, status } = useStore(
    useShallow((s) => ({ loaded: s.devicesLoaded, status: s.live.status })),
  );
  const groups = useMemo(() => groupsFromLayoutKey(layoutKey), [layoutKey]);

  let body: ReactNode;
  if (!loaded) {
    body = (
      <p className="state-message" aria-busy="true">
        {status === 'reconnecting' ? 'Waiting for the hub…' : 'Loading devices…'}
      </p>
    );
  } else if (groups.length === 0) {
    body = (
      <div className="state-message empty">
        <p>No devices yet.</p>
        <Link className="button" href="/devices?add=1">
          Add device
        </Link>
      </div>
    );
  } else {
    const rooms = groups.map((g, i) => {
      const headingId = `room-${i}`;
      return (
        <section
          key={g.room ?? ''}
          className="room"
          aria-labelledby={headingId}
          style={{ '--tiles': Math.min(g.ids.length, 3) } as CSSProperties}
        >
          <h2 id={headingId} className="room-name">
            {g.room ?? 'No room'}
          </h2>
          <div className="tiles">
            {g.ids.map((id) => (
              <DeviceTile key={id} id={id} />
            ))}
          </div>
        </section>
      );
    });
    body = <div className="rooms">{rooms}</div>;
  }

  return (
    <>
      <h1 className="page-title" tabIndex={-1}>
        Home
      </h1>
      <AlertsPanel />
      {body}
    </>
  );
}
