/**
 * A dashboard stand-in: a socket.io client on the hub's live feed, the way
 * the web app connects (path `/socket.io`; websocket, which the browser ends
 * up on after its polling handshake). Telemetry events are validated like the
 * dashboard does and handed to a listener with their arrival time.
 */
import { io, type Socket } from 'socket.io-client';
import {
  type ClientToServerEvents,
  type ServerToClientEvents,
  SOCKET_PATH,
  type TelemetryEvent,
  TelemetryEventSchema,
} from '../../../shared/socket.ts';
import { checker } from '../../../shared/validate.ts';

const telemetryChecker = checker(TelemetryEventSchema);

export interface Feed {
  /** Telemetry events received so far. */
  readonly events: number;
  onTelemetry(listener: (e: TelemetryEvent, at: number) => void): void;
  close(): void;
}

/** Connects with the owner's session `cookie` (the feed is as private as the API). */
export async function connectFeed(baseUrl: string, cookie: string, timeoutMs = 30_000): Promise<Feed> {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(baseUrl, {
    path: SOCKET_PATH,
    transports: ['websocket'],
    reconnection: false,
    extraHeaders: { cookie },
  });
  let events = 0;
  const listeners: ((e: TelemetryEvent, at: number) => void)[] = [];
  socket.on('telemetry', (e) => {
    const at = performance.now();
    events++;
    if (!telemetryChecker.check(e)) return;
    for (const l of listeners) l(e, at);
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('live feed: no snapshot in time')), timeoutMs);
    // The snapshot is the hub's first message on a new connection: from here on deltas flow.
    socket.once('snapshot', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
  return {
    get events() {
      return events;
    },
    onTelemetry: (l) => listeners.push(l),
    close: () => socket.close(),
  };
}
