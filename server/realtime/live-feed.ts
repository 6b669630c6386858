/**
 * Event bus → socket.io. A browser gets a snapshot on connect (and on
 * `resync`), then deltas. Telemetry is coalesced per device with a leading
 * edge: a quiet device's reading goes out at once; a chatty device's readings
 * within the window are merged (latest value per metric) and sent when the
 * window closes, so no device can flood a browser.
 */
import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents, TelemetryEvent } from '../../shared/socket.ts';
import type { Services } from '../services.ts';

type Io = Server<ClientToServerEvents, ServerToClientEvents>;

interface Window {
  timer: NodeJS.Timeout;
  pending: TelemetryEvent | null;
}

export class LiveFeed {
  private readonly windows = new Map<string, Window>();
  private readonly off: (() => void)[] = [];

  constructor(
    private readonly io: Io,
    private readonly services: Services,
    private readonly coalesceMs: number,
  ) {}

  start(): void {
    const { bus, devices } = this.services;
    this.io.on('connection', (socket) => this.onConnection(socket));
    this.off.push(
      bus.on('telemetry', (e) => this.telemetry({ device_id: e.deviceId, ts: e.ts, values: e.values })),
      bus.on('state', (e) => this.io.emit('state', { device_id: e.deviceId, state: e.state, ts: e.ts })),
      bus.on('presence', (e) => this.io.emit('presence', { device_id: e.deviceId, presence: e.presence })),
      bus.on('device_changed', (e) => {
        if (devices.exists(e.deviceId)) this.io.emit('device', devices.get(e.deviceId));
      }),
      bus.on('device_removed', (e) => {
        this.forget(e.deviceId);
        this.io.emit('device_removed', { device_id: e.deviceId });
      }),
      bus.on('command', (c) => this.io.emit('command', c)),
      bus.on('alert', (a) => this.io.emit('alert', a)),
      bus.on('desired', (d) => this.io.emit('desired', d)),
      this.services.pairing.onChange((p) => this.io.emit('pairing', p)),
    );
  }

  /** Browsers connected to the feed. */
  get clients(): number {
    return this.io.engine.clientsCount;
  }

  private onConnection(socket: Socket<ClientToServerEvents, ServerToClientEvents>): void {
    this.sendSnapshot(socket);
    socket.on('resync', () => this.sendSnapshot(socket));
  }

  private sendSnapshot(socket: Socket<ClientToServerEvents, ServerToClientEvents>): void {
    socket.emit('snapshot', { devices: this.services.devices.list(), server_time: Date.now() });
    socket.emit('pairing', this.services.pairing.state());
  }

  private telemetry(event: TelemetryEvent): void {
    if (this.coalesceMs === 0) {
      this.io.emit('telemetry', event);
      return;
    }
    const open = this.windows.get(event.device_id);
    if (!open) {
      this.io.emit('telemetry', event);
      this.openWindow(event.device_id);
      return;
    }
    if (open.pending) {
      Object.assign(open.pending.values, event.values);
      if (event.ts > open.pending.ts) open.pending.ts = event.ts;
    } else {
      open.pending = { device_id: event.device_id, ts: event.ts, values: { ...event.values } };
    }
  }

  private openWindow(deviceId: string): void {
    const timer = setTimeout(() => {
      const w = this.windows.get(deviceId);
      this.windows.delete(deviceId);
      if (w?.pending) {
        this.io.emit('telemetry', w.pending);
        this.openWindow(deviceId);
      }
    }, this.coalesceMs);
    this.windows.set(deviceId, { timer, pending: null });
  }

  private forget(deviceId: string): void {
    const w = this.windows.get(deviceId);
    if (w) clearTimeout(w.timer);
    this.windows.delete(deviceId);
  }

  /**
   * Stops timers. Browsers are not told to go away (`disconnectSockets` would
   * make socket.io-client give up for good): closing the engine ends their
   * transport, so they keep retrying until the hub is back.
   */
  stop(): void {
    for (const off of this.off) off();
    for (const id of [...this.windows.keys()]) this.forget(id);
  }
}
