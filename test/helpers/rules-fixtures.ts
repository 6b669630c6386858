/**
 * Devices, a live-feed listener and a webhook receiver for the rules,
 * alerts and desired-state integration tests. All real: SDK devices over
 * MQTT, socket.io over HTTP, a node:http server on 127.0.0.1.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io, type Socket } from 'socket.io-client';
import { HearthDevice } from '../../devices/sdk/hearth-device.ts';
import { HEATER_DESCRIPTION } from '../../devices/simulators/heater.ts';
import type { Credentials } from '../../shared/api.ts';
import { type ServerToClientEvents, SOCKET_PATH } from '../../shared/socket.ts';
import {
  type Description,
  type DeviceState,
  HeaterSetParamsSchema,
  SetpointSetParamsSchema,
} from '../../shared/wire.ts';
import type { TestHub } from './hub.ts';

export const thermometerDescription: Description = {
  model: 'test-thermometer',
  firmware: '1.0.0',
  kind: 'thermometer',
  metrics: [{ name: 'temperature', unit: '°C' }],
  controls: [],
  methods: [],
};

/** An SDK device (not started) that never reconnects by itself: tests decide when it comes back. */
export function device(
  t: TestHub,
  c: Credentials,
  description: Description,
  state?: DeviceState,
): HearthDevice {
  return new HearthDevice({
    url: t.mqttUrl,
    id: c.device_id,
    password: c.password,
    description,
    state,
    backoff: { initialMs: 60_000, maxMs: 60_000 },
  });
}

/** A heater that applies `heater.set` / `setpoint.set` and reports its state before answering. */
export function heaterDevice(
  t: TestHub,
  c: Credentials,
  state: DeviceState = { heater: false, setpoint: 21 },
) {
  const d = device(t, c, HEATER_DESCRIPTION, state);
  const calls: string[] = [];
  d.handle('heater.set', HeaterSetParamsSchema, async ({ on }) => {
    calls.push(`heater.set ${on}`);
    await d.reportState({ heater: on });
    return { heater: on };
  });
  d.handle('setpoint.set', SetpointSetParamsSchema, async ({ value }) => {
    calls.push(`setpoint.set ${value}`);
    await d.reportState({ setpoint: value });
    return { setpoint: value };
  });
  return { device: d, calls };
}

type Event<K extends keyof ServerToClientEvents> = Parameters<ServerToClientEvents[K]>[0];

/** Collects live-feed events of the given kinds. */
export async function liveFeed<K extends keyof ServerToClientEvents>(t: TestHub, kinds: K[]) {
  const socket: Socket = io(t.baseUrl, {
    path: SOCKET_PATH,
    transports: ['websocket'],
    reconnection: false,
    // The live feed is as private as the API: the test hub's owner session.
    extraHeaders: t.cookie ? { cookie: t.cookie } : {},
  });
  const events: { kind: K; payload: Event<K> }[] = [];
  for (const kind of kinds) {
    socket.on(kind as string, (payload: Event<K>) => events.push({ kind, payload }));
  }
  await new Promise<void>((resolve, reject) => {
    socket.once('snapshot', () => resolve());
    socket.once('connect_error', reject);
  });
  return {
    events,
    of: <E extends K>(kind: E) => events.filter((e) => e.kind === kind).map((e) => e.payload as Event<E>),
    close: () => socket.close(),
  };
}

export interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

/**
 * An HTTP server on 127.0.0.1 that records POSTs. `/fail` answers 500,
 * `/hang` never answers (until closed), anything else 204.
 */
export async function webhookSink() {
  const received: Received[] = [];
  const hanging = new Set<IncomingMessage>();
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    req.on('end', () => {
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // keep the raw text
      }
      received.push({ path: req.url ?? '', headers: req.headers, body });
      if (req.url === '/hang') {
        hanging.add(req);
        return;
      }
      res.statusCode = req.url === '/fail' ? 500 : 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A URL on 127.0.0.1 where nothing listens (a port just freed). */
export async function closedPortUrl(path = '/'): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}${path}`;
}
