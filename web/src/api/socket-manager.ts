/**
 * The one owner of the live connection, outside React: it validates every
 * message against shared/socket.ts, drops and counts the invalid ones, and
 * feeds the store. Components never see the socket.
 */
import { io, type Socket } from 'socket.io-client';
import {
  type ServerToClientEvents,
  SOCKET_PATH,
  SOCKET_UNAUTHORIZED,
  serverEventSchemas,
} from '../../../shared/socket.ts';
import { type Checker, checker } from '../../../shared/validate.ts';
import { useStore } from '../store/store.ts';

type EventName = keyof typeof serverEventSchemas;
type Payload<K extends EventName> = Parameters<ServerToClientEvents[K]>[0];

/** After the hub itself closed the feed, socket.io does not retry: we do, this long after. */
const RETRY_AFTER_SERVER_CLOSE_MS = 500;
/** At most one resync per this window, whatever keeps asking. */
const RESYNC_MIN_GAP_MS = 2000;
const MAX_LOGGED_INVALID = 5;

/** Compiled once: every message is checked on receipt. */
const checkers = Object.fromEntries(
  Object.entries(serverEventSchemas).map(([name, schema]) => [name, checker(schema)]),
) as { [K in EventName]: Checker<Payload<K>> };

export interface SocketManager {
  start(): void;
  stop(): void;
}

/** Creates the manager; `start()` connects (same origin, the hub serves the dashboard). */
export function createSocketManager(url?: string): SocketManager {
  let socket: Socket | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let lastResync = 0;
  let logged = 0;
  const store = useStore.getState;

  /** An event about a device we do not know means we missed something: ask for a fresh snapshot. */
  function resync(): void {
    const now = Date.now();
    if (!socket?.connected || now - lastResync < RESYNC_MIN_GAP_MS) return;
    lastResync = now;
    socket.emit('resync');
  }

  const handlers: { [K in EventName]: (e: Payload<K>) => void } = {
    snapshot: (e) => {
      store().applySnapshot(e.devices);
      store().liveSynced(e.server_time);
    },
    telemetry: (e) => {
      if (!store().applyTelemetry(e)) resync();
    },
    state: (e) => {
      if (!store().applyState(e)) return resync();
      store().noteReportedState(e.device_id, e.state);
    },
    presence: (e) => {
      if (!store().applyPresence(e)) resync();
    },
    device: (e) => store().upsertDevice(e),
    device_removed: (e) => store().removeDevice(e.device_id),
    command: (e) => store().applyCommand(e),
    alert: (e) => store().applyAlert(e),
    desired: (e) => store().applyDesired(e),
    pairing: (e) => store().applyPairing(e),
  };

  function listen<K extends EventName>(s: Socket, name: K): void {
    const check = checkers[name];
    const apply = handlers[name] as (e: unknown) => void;
    s.on(name as string, (payload: unknown) => {
      if (!check.check(payload)) {
        const why = check.explain(payload);
        store().liveInvalid(name, why);
        if (logged++ < MAX_LOGGED_INVALID) console.warn(`hearth: dropped an invalid "${name}" event: ${why}`);
        return;
      }
      apply(payload);
    });
  }

  function start(): void {
    if (socket) return;
    store().liveConnecting();
    const s = io(url ?? window.location.origin, {
      path: SOCKET_PATH,
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
    });
    socket = s;
    for (const name of Object.keys(serverEventSchemas) as EventName[]) listen(s, name);

    // The hub sends a snapshot on every connection, so a reconnect resyncs by itself.
    s.on('connect', () => store().liveConnected());
    s.on('disconnect', (reason) => {
      store().liveLost(reason);
      if (reason === 'io server disconnect') {
        // The hub closed the feed (it is shutting down): socket.io leaves reconnecting to us.
        retryTimer = setTimeout(() => {
          retryTimer = null;
          s.connect();
        }, RETRY_AFTER_SERVER_CLOSE_MS);
      }
    });
    s.on('connect_error', (err) => {
      // The hub's middleware refused us: the session is over. socket.io does not retry this one.
      if (err.message === SOCKET_UNAUTHORIZED) store().authRequired('Your session has ended: log in again.');
      else store().liveAttemptFailed(err.message);
    });
  }

  function stop(): void {
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
    socket?.disconnect();
    socket = null;
  }

  return { start, stop };
}
