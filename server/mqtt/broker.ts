/**
 * The embedded MQTT broker: aedes with Hearth's hooks, served over TCP and
 * over WebSocket (`/mqtt` on the HTTP port). Presence comes from the broker's
 * own connection events, with the reason, and is mirrored to the retained
 * `hearth/<id>/availability` topic for other MQTT consumers.
 */
import type { IncomingMessage } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { Aedes, type Client, type PublishPacket } from 'aedes';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { topics } from '../../shared/topics.ts';
import type { RpcRequest } from '../../shared/wire.ts';
import type { Db } from '../db/database.ts';
import type { Logger } from '../domain/logger.ts';
import type { DisconnectReason } from '../domain/presence-service.ts';
import { listenOn } from '../listen.ts';
import type { Services } from '../services.ts';
import type { TlsMaterial } from '../tls.ts';
import { createHooks, type Hooks } from './hooks.ts';
import { PairingLink } from './pairing-link.ts';
import { SqlitePersistence } from './sqlite-persistence.ts';

/** MQTT over WebSocket lives here on the HTTP port. */
export const MQTT_WS_PATH = '/mqtt';

export interface BrokerOptions {
  services: Services;
  /** The hub's database: retained messages and persistent sessions live there too. */
  db: Db;
  log: Logger;
  maxPayloadBytes: number;
  rateLimit: number;
  maxConnections: number;
  maxTopicLevels: number;
  clock: () => number;
}

/** Internal aedes flag set when the client sent DISCONNECT [MQTT-3.14.4-3]. */
type AedesClient = Client & { _disconnected?: boolean };

export class MqttBroker {
  readonly aedes: Aedes;
  readonly tcp: Server;
  /** MQTT over TLS, once listenTls() ran. */
  private tlsServer: TlsServer | null = null;
  readonly ws: WebSocketServer;
  readonly hooks: Hooks;
  private readonly services: Services;
  private readonly log: Logger;
  /** The live connection of each device. */
  private readonly current = new Map<string, Client>();
  /** Why a connection is about to end, when the hub knows before aedes says. */
  private readonly endings = new WeakMap<Client, { reason: DisconnectReason; detail: string | null }>();
  private readonly takeovers = new Set<string>();
  /** Connections of integration accounts, by username, to cut off when an account changes. */
  private readonly integrationClients = new Map<string, Set<Client>>();
  /** Pairing connections by nonce: the pairing service's transport. */
  private readonly pairingLink: PairingLink;
  /** Raw TCP sockets, so shutdown can end ones that never sent CONNECT. */
  private readonly sockets = new Set<Socket>();
  private readonly unsubscribe: (() => void)[] = [];
  private shuttingDown = false;
  private readonly maxConnections: number;

  private constructor(
    aedes: Aedes,
    hooks: Hooks,
    options: BrokerOptions,
    private readonly persistence: SqlitePersistence,
  ) {
    this.aedes = aedes;
    // aedes reports a failing persistence call as a broker 'error'; unheard, it would end the process.
    // (aedes' types leave 'error' out of its event map.)
    (aedes as unknown as NodeJS.EventEmitter).on('error', (err: Error) =>
      this.log.error({ err }, 'broker error'),
    );
    this.hooks = hooks;
    this.services = options.services;
    this.log = options.log;
    this.maxConnections = options.maxConnections;
    this.pairingLink = new PairingLink(options.services.pairing);
    this.tcp = createServer((socket) => this.accept(socket));
    this.ws = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes + 1024 });
    this.ws.on('connection', (socket, req) => {
      if (this.ws.clients.size + this.sockets.size > this.maxConnections) {
        this.services.counters.inc('mqtt_refused_max_connections');
        socket.terminate();
        return;
      }
      const stream = createWebSocketStream(socket);
      // Errors surface through aedes' client error handling; this keeps an
      // abrupt browser disconnect from being an unhandled stream error.
      stream.on('error', () => {});
      aedes.handle(stream, req);
    });
    this.wireEvents();
  }

  static async create(options: BrokerOptions): Promise<MqttBroker> {
    let broker: MqttBroker | null = null;
    const persistence = new SqlitePersistence(options.db);
    const hooks = createHooks({
      services: options.services,
      storeRetained: ({ cmd, topic, payload, qos, retain, dup }) =>
        persistence.storeRetained({ cmd, topic, payload, qos, retain, dup }),
      maxPayloadBytes: options.maxPayloadBytes,
      rateLimit: options.rateLimit,
      clock: options.clock,
      isConnectedElsewhere: (client) => {
        const existing = broker?.current.get(client.id);
        return existing !== undefined && existing !== client;
      },
      onTakeover: (id) => broker?.takeovers.add(id),
    });
    const aedes = await Aedes.createBroker({
      // A fixed id: queued messages and wills in the persistence belong to it.
      id: 'hearth',
      persistence,
      authenticate: hooks.authenticate,
      authorizePublish: hooks.authorizePublish,
      authorizeSubscribe: hooks.authorizeSubscribe,
      // A frozen subscriber is cut off instead of stalling delivery to everyone.
      drainTimeout: 10_000,
      concurrency: 1000,
      maxTopicLevels: options.maxTopicLevels,
    });
    broker = new MqttBroker(aedes, hooks, options, persistence);
    return broker;
  }

  private wireEvents(): void {
    const { aedes, services } = this;
    aedes.on('client', (client) => {
      const p = this.hooks.principals.get(client);
      if (p?.kind === 'integration') {
        const set = this.integrationClients.get(p.grant.username) ?? new Set();
        set.add(client);
        this.integrationClients.set(p.grant.username, set);
        return;
      }
      if (p?.kind === 'pairing') return this.pairingLink.connected(p.nonce, client);
      if (p?.kind !== 'device') return;
      this.current.set(p.deviceId, client);
      services.presence.connected(p.deviceId);
      this.publishAvailability(p.deviceId, 'online');
    });
    aedes.on('keepaliveTimeout', (client) => {
      this.endings.set(client, { reason: 'keepalive_timeout', detail: null });
    });
    aedes.on('clientError', (client, err) => {
      if (!this.endings.has(client)) {
        this.endings.set(client, { reason: 'socket_error', detail: err.message });
      }
    });
    aedes.on('clientDisconnect', (client) => this.onDisconnect(client as AedesClient));
    this.unsubscribe.push(
      services.bus.on('device_removed', ({ deviceId }) => this.evict(deviceId)),
      services.bus.on('device_rekeyed', ({ deviceId }) => this.kick(deviceId, 'credentials_rotated')),
      // A changed or removed integration account reconnects with what it has now (or not at all).
      services.integrations.onChange((username) => {
        for (const c of this.integrationClients.get(username) ?? []) c.close();
      }),
    );
    services.commands.setTransport({ send: (id, req) => this.sendRpc(id, req) });
    services.pairing.setTransport(this.pairingLink);
  }

  private onDisconnect(client: AedesClient): void {
    const p = this.hooks.principals.get(client);
    if (p?.kind === 'integration') {
      this.integrationClients.get(p.grant.username)?.delete(client);
      return;
    }
    if (p?.kind === 'pairing') return this.pairingLink.disconnected(p.nonce, client);
    if (p?.kind !== 'device') return;
    const id = p.deviceId;
    // A late event for a connection that was already replaced changes nothing.
    if (this.current.get(id) !== client) return;
    this.current.delete(id);
    let ending = this.endings.get(client);
    if (this.shuttingDown) ending = { reason: 'hub_shutdown', detail: null };
    else if (this.takeovers.delete(id)) {
      ending = { reason: 'taken_over', detail: 'a new connection with the same client id' };
    } else if (!ending) {
      ending = client._disconnected
        ? { reason: 'clean_disconnect', detail: null }
        : { reason: 'connection_closed', detail: 'the connection closed without DISCONNECT' };
    }
    if (!this.services.devices.exists(id)) return;
    this.services.presence.disconnected(id, ending.reason, ending.detail);
    // A takeover is the same device on a new connection: it stays online, its
    // pending commands can still be answered there.
    if (ending.reason === 'taken_over') return;
    this.services.commands.deviceOffline(id, `the device went offline (${ending.reason})`);
    this.publishAvailability(id, 'offline');
  }

  /** Ends a device's connection, recording why. */
  private kick(deviceId: string, reason: 'removed' | 'credentials_rotated'): void {
    const client = this.current.get(deviceId);
    if (!client) return;
    const detail = reason === 'removed' ? 'the device was removed' : 'its credentials were rotated';
    this.endings.set(client, { reason, detail });
    client.close();
  }

  /** Cuts a removed device off at once and clears its retained topics. */
  private evict(deviceId: string): void {
    this.kick(deviceId, 'removed');
    // An empty retained payload deletes the retained message [MQTT-3.3.1-10].
    for (const topic of [
      topics.availability(deviceId),
      topics.description(deviceId),
      topics.state(deviceId),
    ]) {
      this.publish(topic, Buffer.alloc(0), true).catch(() => {});
    }
  }

  private publishAvailability(deviceId: string, value: 'online' | 'offline'): void {
    this.publish(topics.availability(deviceId), Buffer.from(value), true).catch((err: Error) => {
      this.log.warn({ err, device_id: deviceId }, 'could not publish availability');
    });
  }

  /** Publishes on behalf of the hub (bypasses authorizePublish). */
  publish(topic: string, payload: Buffer, retain: boolean, qos: 0 | 1 = 1): Promise<void> {
    const packet: PublishPacket = { cmd: 'publish', topic, payload, qos, retain, dup: false };
    return new Promise((resolve, reject) => {
      this.aedes.publish(packet, (err) => (err ? reject(err) : resolve()));
    });
  }

  private sendRpc(deviceId: string, request: RpcRequest): Promise<void> {
    if (!this.current.has(deviceId)) return Promise.reject(new Error('the device is not connected'));
    // Commands are QoS 1 and never retained (docs/protocol.md §Commands).
    return this.publish(topics.rpc(deviceId), Buffer.from(JSON.stringify(request)), false, 1);
  }

  /** Routes an HTTP upgrade on `/mqtt` to the broker; false when the path is not ours. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = (req.url ?? '').split('?')[0];
    if (path !== MQTT_WS_PATH) return false;
    this.ws.handleUpgrade(req, socket, head, (ws) => this.ws.emit('connection', ws, req));
    return true;
  }

  /** The bound TCP port, or null before listening. */
  get port(): number | null {
    const addr = this.tcp.address();
    return typeof addr === 'object' && addr ? addr.port : null;
  }

  /** The bound MQTT-over-TLS port, or null. */
  get tlsPort(): number | null {
    const addr = this.tlsServer?.address();
    return typeof addr === 'object' && addr ? addr.port : null;
  }

  /** Number of connected MQTT clients. */
  get clients(): number {
    return this.aedes.connectedClients;
  }

  private accept(socket: Socket): void {
    if (this.sockets.size >= this.maxConnections) {
      this.services.drops.refused('-', 'connect', `more than ${this.maxConnections} connections`);
      this.services.counters.inc('mqtt_refused_max_connections');
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    // Small MQTT packets (PUBACK, rpc replies) must not wait for Nagle's algorithm.
    socket.setNoDelay(true);
    this.aedes.handle(socket);
  }

  /** Plain MQTT over TCP; resolves with the bound port. */
  listen(port: number, host: string): Promise<number> {
    return listenOn(this.tcp, port, host);
  }

  /** MQTT over TLS; resolves with the bound port. */
  listenTls(port: number, host: string, tls: TlsMaterial): Promise<number> {
    this.tlsServer = createTlsServer({ key: tls.key, cert: tls.cert }, (socket) => this.accept(socket));
    return listenOn(this.tlsServer, port, host);
  }

  /**
   * Hub shutdown: stop accepting, record every device offline with reason
   * `hub_shutdown` and mirror it, then disconnect everyone.
   */
  async close(): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    for (const off of this.unsubscribe) off();
    const listenersClosed = Promise.all(
      [this.tcp, this.tlsServer].map(
        (server) =>
          new Promise<void>((resolve) => {
            if (!server?.listening) return resolve();
            server.close(() => resolve());
          }),
      ),
    );
    const mirrored: Promise<void>[] = [];
    for (const id of [...this.current.keys()]) {
      this.services.presence.disconnected(id, 'hub_shutdown', null);
      this.services.commands.deviceOffline(id, 'the hub is shutting down');
      mirrored.push(this.publish(topics.availability(id), Buffer.from('offline'), true).catch(() => {}));
    }
    await Promise.all(mirrored);
    this.current.clear();
    await new Promise<void>((resolve) => this.aedes.close(() => resolve()));
    for (const socket of this.ws.clients) socket.terminate();
    await new Promise<void>((resolve) => this.ws.close(() => resolve()));
    // Idle sockets that never sent CONNECT are not aedes clients yet.
    for (const socket of this.sockets) socket.destroy();
    await listenersClosed;
    // aedes.close() leaves the persistence open; the database itself closes after this.
    await this.persistence.destroy();
  }
}
