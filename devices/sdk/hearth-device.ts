/**
 * The Hearth device SDK: what every device (and simulator) uses to talk to a
 * hub. It connects with a Last Will, publishes its retained availability,
 * description and state, sends telemetry (buffered while offline, bounded),
 * answers rpc commands with validated params, ignores repeated rpc ids, and
 * reconnects with exponential backoff. Protocol: docs/protocol.md.
 */
import { EventEmitter } from 'node:events';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Static, TSchema } from 'typebox';
import { PING_METHOD, PingParamsSchema, type PingResult } from '../../shared/ping.ts';
import { topics } from '../../shared/topics.ts';
import { type Checker, checker } from '../../shared/validate.ts';
import {
  type Description,
  type DeviceState,
  type RpcErrorCode,
  type RpcReply,
  type RpcRequest,
  RpcRequestSchema,
} from '../../shared/wire.ts';

/** Throw this from an rpc handler to answer with a specific error code. */
export class RpcHandlerError extends Error {
  readonly code: RpcErrorCode;
  constructor(code: RpcErrorCode, message: string) {
    super(message);
    this.name = 'RpcHandlerError';
    this.code = code;
  }
}

export interface HearthDeviceOptions {
  /** `mqtt://host:1883`, `mqtts://host:8883` or `ws://host:8080/mqtt`. */
  url: string;
  /** The device id: MQTT client id and username. */
  id: string;
  password: string;
  description: Description;
  /** Reported state published (retained) on every connect. */
  state?: DeviceState;
  /** MQTT keepalive in seconds (default 30). */
  keepaliveS?: number;
  /** Reconnect backoff: first delay and cap, in ms (default 500 → 30 000). */
  backoff?: { initialMs: number; maxMs: number };
  /** Telemetry kept while disconnected; the oldest go first (default 1000). */
  offlineBuffer?: number;
  /** QoS of telemetry: 1 (default) is acknowledged only once stored. */
  telemetryQos?: 0 | 1;
  /** Extra mqtt.js options (TLS: `ca`, `rejectUnauthorized`, …). */
  mqtt?: Partial<IClientOptions>;
}

interface Handler {
  params: Checker<unknown>;
  run: (params: never, request: RpcRequest) => unknown;
}

interface Reading {
  ts: number;
  values: Record<string, number>;
}

export interface DeviceStats {
  telemetrySent: number;
  telemetryBuffered: number;
  telemetryDroppedFromBuffer: number;
  rpcHandled: number;
  rpcDuplicates: number;
  reconnects: number;
}

export interface HearthDeviceEvents {
  connect: [];
  disconnect: [];
  /** The hub refused the connection (bad credentials, removed device): no more retries. */
  refused: [Error];
  error: [Error];
  rpc: [RpcRequest, RpcReply];
}

const requestChecker = checker(RpcRequestSchema);
const REMEMBERED_RPC_IDS = 256;

export class HearthDevice extends EventEmitter<HearthDeviceEvents> {
  readonly id: string;
  readonly stats: DeviceStats = {
    telemetrySent: 0,
    telemetryBuffered: 0,
    telemetryDroppedFromBuffer: 0,
    rpcHandled: 0,
    rpcDuplicates: 0,
    reconnects: 0,
  };
  private readonly options: HearthDeviceOptions;
  private readonly handlers = new Map<string, Handler>();
  /** Replies by rpc id, oldest first: a QoS 1 redelivery gets the same answer without acting twice. */
  private readonly replies = new Map<string, RpcReply | null>();
  private readonly buffer: Reading[] = [];
  private state: DeviceState;
  private client: MqttClient | null = null;
  private attempt = 0;
  private flushing = false;
  private lastStamp = 0;
  /** Connected and announced (subscribed, retained topics published). */
  private online = false;

  constructor(options: HearthDeviceOptions) {
    super();
    this.options = options;
    this.id = options.id;
    this.state = { ...(options.state ?? {}) };
    // Built in, so the hub can measure any SDK device's round trip (docs/protocol.md §Methods).
    this.handle(PING_METHOD, PingParamsSchema, (): PingResult => ({ pong: true, ts: Date.now() }));
  }

  /** Registers the handler of `method`; its params are validated against `schema` first. */
  handle<S extends TSchema>(
    method: string,
    schema: S,
    run: (params: Static<S>, request: RpcRequest) => unknown,
  ): this {
    this.handlers.set(method, { params: checker(schema), run: run as Handler['run'] });
    return this;
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /** The state as last reported. */
  get reported(): DeviceState {
    return { ...this.state };
  }

  /**
   * Connects and resolves once the hub accepted the device; rejects when the
   * hub refuses it (bad credentials) or cannot be reached in `timeoutMs`.
   */
  start(timeoutMs = 10_000): Promise<void> {
    if (this.client) throw new Error('already started');
    const { backoff = { initialMs: 500, maxMs: 30_000 } } = this.options;
    const client = mqtt.connect(this.options.url, {
      clientId: this.id,
      username: this.id,
      password: this.options.password,
      protocolVersion: 4,
      clean: true,
      keepalive: this.options.keepaliveS ?? 30,
      reconnectPeriod: backoff.initialMs,
      connectTimeout: Math.min(timeoutMs, 30_000),
      // Only our bounded buffer keeps telemetry while offline.
      queueQoSZero: false,
      will: {
        topic: topics.availability(this.id),
        payload: Buffer.from('offline'),
        qos: 1,
        retain: true,
      },
      ...this.options.mqtt,
    });
    this.client = client;

    client.on('connect', () => {
      // Commands and their replies are small packets: Nagle's algorithm would hold them back.
      const stream = client.stream as { setNoDelay?: (on: boolean) => void };
      stream.setNoDelay?.(true);
      this.attempt = 0;
      client.options.reconnectPeriod = backoff.initialMs;
      this.onConnect(client).then(
        () => {
          this.online = true;
          this.emit('connect');
        },
        (err: Error) => this.fail(err),
      );
    });
    client.on('close', () => {
      if (this.online) {
        this.online = false;
        this.emit('disconnect');
      }
    });
    client.on('reconnect', () => {
      this.stats.reconnects++;
      this.attempt++;
      // Exponential backoff with jitter; mqtt.js reads the period before each retry.
      const next = Math.min(backoff.maxMs, backoff.initialMs * 2 ** this.attempt);
      client.options.reconnectPeriod = Math.round(next / 2 + Math.random() * (next / 2));
    });
    client.on('message', (topic, payload) => {
      if (topic === topics.rpc(this.id)) this.onRpc(payload.toString());
    });
    // After the first connect too: a refusal (say, the device was removed)
    // ends the retries in mqtt.js, and the owner of this device must hear why.
    client.on('error', (err: Error & { code?: number }) => {
      if (typeof err.code === 'number' && err.code > 0) this.emit('refused', err);
      else this.fail(err);
    });

    return new Promise<void>((resolve, reject) => {
      let lastError: Error | null = null;
      const onClientError = (err: Error) => {
        lastError = err;
      };
      client.on('error', onClientError);
      const giveUp = (err: Error) => {
        cleanup();
        // A device that failed to start must not keep retrying in the background.
        this.client = null;
        client.end(true);
        reject(err);
      };
      const timer = setTimeout(() => {
        const cause = lastError ? ` (last error: ${lastError.message})` : '';
        giveUp(new Error(`could not reach the hub at ${this.options.url} within ${timeoutMs} ms${cause}`));
      }, timeoutMs);
      const onConnect = () => {
        cleanup();
        resolve();
      };
      // CONNACK refusals (4: bad credentials, 5: not authorized) are final.
      const onRefused = (err: Error) => giveUp(new Error(`the hub refused the device: ${err.message}`));
      const cleanup = () => {
        clearTimeout(timer);
        this.off('connect', onConnect);
        this.off('refused', onRefused);
        client.off('error', onClientError);
      };
      this.once('connect', onConnect);
      this.once('refused', onRefused);
    });
  }

  private async onConnect(client: MqttClient): Promise<void> {
    await client.subscribeAsync(topics.rpc(this.id), { qos: 1 });
    await Promise.all([
      client.publishAsync(topics.availability(this.id), 'online', { qos: 1, retain: true }),
      client.publishAsync(topics.description(this.id), JSON.stringify(this.options.description), {
        qos: 1,
        retain: true,
      }),
      client.publishAsync(topics.state(this.id), JSON.stringify(this.state), { qos: 1, retain: true }),
    ]);
    await this.flushBuffer();
  }

  /**
   * Sends readings now, or buffers them (bounded) while disconnected. Without
   * `ts` the reading is stamped now, strictly after the previous one: the hub
   * keys readings by timestamp, so two in one millisecond must not share it.
   */
  telemetry(values: Record<string, number>, ts?: number): void {
    let stamp = ts;
    if (stamp === undefined) {
      stamp = Math.max(Date.now(), this.lastStamp + 1);
      this.lastStamp = stamp;
    }
    const reading = { ts: stamp, values };
    if (!this.connected || this.flushing || this.buffer.length > 0) {
      this.bufferReading(reading);
      return;
    }
    this.send(reading).catch(() => this.bufferReading(reading));
  }

  private bufferReading(reading: Reading): void {
    const max = this.options.offlineBuffer ?? 1000;
    if (max <= 0) {
      this.stats.telemetryDroppedFromBuffer++;
      return;
    }
    if (this.buffer.length >= max) {
      this.buffer.shift();
      this.stats.telemetryDroppedFromBuffer++;
    }
    this.buffer.push(reading);
    this.stats.telemetryBuffered = this.buffer.length;
  }

  private async send(reading: Reading): Promise<void> {
    const client = this.client;
    if (!client) throw new Error('not started');
    await client.publishAsync(
      topics.telemetry(this.id),
      JSON.stringify({ ts: reading.ts, ...reading.values }),
      {
        qos: this.options.telemetryQos ?? 1,
      },
    );
    this.stats.telemetrySent++;
  }

  /** Sends buffered readings in order, with their original timestamps. */
  private async flushBuffer(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.buffer.length > 0 && this.connected) {
        const reading = this.buffer[0] as Reading;
        await this.send(reading);
        this.buffer.shift();
        this.stats.telemetryBuffered = this.buffer.length;
      }
    } catch {
      // Disconnected mid-flush: what is left stays buffered for the next connect.
    } finally {
      this.flushing = false;
    }
  }

  /** Merges `patch` into the reported state and publishes it (retained). */
  async reportState(patch: DeviceState): Promise<void> {
    this.state = { ...this.state, ...patch };
    if (!this.client?.connected) return; // published on the next connect
    await this.client.publishAsync(topics.state(this.id), JSON.stringify(this.state), {
      qos: 1,
      retain: true,
    });
  }

  private onRpc(text: string): void {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return; // not ours to answer: no id to correlate
    }
    if (!requestChecker.check(raw)) {
      const id = typeof raw === 'object' && raw !== null && 'id' in raw ? raw.id : undefined;
      if (typeof id === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(id)) {
        this.reply({ id, error: { code: 'invalid_params', message: requestChecker.explain(raw) } });
      }
      return;
    }
    const request = raw;
    if (this.replies.has(request.id)) {
      // [MQTT-4.3.2] QoS 1 may deliver twice: answer again, never act twice.
      this.stats.rpcDuplicates++;
      const previous = this.replies.get(request.id);
      if (previous) this.reply(previous);
      return;
    }
    this.remember(request.id, null);
    this.execute(request).then(
      (reply) => {
        this.remember(request.id, reply);
        this.stats.rpcHandled++;
        this.emit('rpc', request, reply);
        this.reply(reply);
      },
      (err: Error) => this.fail(err),
    );
  }

  /** Reports an error to `error` listeners; without any, it is dropped rather than thrown. */
  private fail(err: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }

  private async execute(request: RpcRequest): Promise<RpcReply> {
    const { id } = request;
    if (request.deadline !== undefined && Date.now() > request.deadline) {
      return { id, error: { code: 'expired', message: 'the command arrived after its deadline' } };
    }
    const handler = this.handlers.get(request.method);
    if (!handler) {
      return { id, error: { code: 'method_not_found', message: `unknown method "${request.method}"` } };
    }
    const params = handler.params.parse(request.params);
    if (!params.ok) return { id, error: { code: 'invalid_params', message: params.error } };
    try {
      const result = await handler.run(params.value as never, request);
      return { id, result: result ?? null };
    } catch (err) {
      if (err instanceof RpcHandlerError) return { id, error: { code: err.code, message: err.message } };
      return { id, error: { code: 'internal', message: (err as Error).message } };
    }
  }

  private remember(id: string, reply: RpcReply | null): void {
    this.replies.delete(id);
    this.replies.set(id, reply);
    if (this.replies.size > REMEMBERED_RPC_IDS) {
      const oldest = this.replies.keys().next().value;
      if (oldest !== undefined) this.replies.delete(oldest);
    }
  }

  private reply(reply: RpcReply): void {
    this.client
      ?.publishAsync(topics.rpcReply(this.id), JSON.stringify(reply), { qos: 1 })
      .catch((err: Error) => this.fail(err));
  }

  /**
   * Goes offline cleanly: publishes the retained `offline`, then DISCONNECT
   * (so the hub records a clean disconnect, and the will is not sent).
   */
  async stop(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.client = null;
    if (client.connected) {
      await client
        .publishAsync(topics.availability(this.id), 'offline', { qos: 1, retain: true })
        .catch(() => {});
    }
    await client.endAsync();
  }

  /** Drops the connection without DISCONNECT, as a crash or power cut would (tests, simulators). */
  async kill(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.client = null;
    client.stream.destroy();
    await client.endAsync(true);
  }
}
