/**
 * Broker policy as aedes hooks: who may connect, publish and subscribe, and
 * the ingest of what devices publish. Hooks only parse, validate and call a
 * service; the rules live in server/domain.
 *
 * A denied or invalid PUBLISH is acknowledged as usual but never forwarded or
 * stored: [MQTT-3.3.5-2] lets a server either close the connection or ack and
 * drop, and dropping keeps a device with one bad frame connected.
 */
import type { AuthenticateError, Client, PublishPacket, Subscription } from 'aedes';
import { PAIRING_USERNAME } from '../../shared/pairing.ts';
import {
  COMMAND_KINDS,
  DEVICE_PUBLISH_KINDS,
  type DeviceTopicKind,
  isDeviceId,
  parseTopic,
  RETAINED_KINDS,
  topics,
} from '../../shared/topics.ts';
import { checker } from '../../shared/validate.ts';
import {
  AVAILABILITY_VALUES,
  DescriptionSchema,
  RpcReplySchema,
  StateSchema,
  type Telemetry,
  TelemetrySchema,
} from '../../shared/wire.ts';
import type { DropReason } from '../domain/counters.ts';
import { type IntegrationGrant, mayPublish, maySubscribe } from '../domain/integration-service.ts';
import type { Services } from '../services.ts';
import { admitPairing, pairingMaySubscribe, pairingPublish } from './pairing-hooks.ts';

/** A client further behind its publish rate than this is disconnected. */
const MAX_RATE_DEBT_MS = 10_000;

/** Where dropped messages go: a `$` topic no client may subscribe to [MQTT-4.7.2-1]. */
export const SINK_TOPIC = '$hearth/dropped';

/** Who is on the other end of an MQTT connection. */
export type Principal =
  | { kind: 'device'; deviceId: string }
  | { kind: 'integration'; grant: IntegrationGrant }
  /** Pairing-only access to `hearth/pairing/<nonce>/…` (docs/protocol.md §Pairing). */
  | { kind: 'pairing'; nonce: string };

const telemetryChecker = checker(TelemetrySchema);
const stateChecker = checker(StateSchema);
const descriptionChecker = checker(DescriptionSchema);
const replyChecker = checker(RpcReplySchema);

/** CONNACK return codes of MQTT 3.1.1 (§3.2.2.3). */
const IDENTIFIER_REJECTED = 2;
const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;

function authError(message: string, returnCode: number): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

export interface HookDeps {
  services: Services;
  maxPayloadBytes: number;
  /** Messages per second per client (bursts of twice that); 0: unlimited. */
  rateLimit: number;
  /** Is a different connection with this client id already registered? (takeover) */
  isConnectedElsewhere: (client: Client) => boolean;
  /** Stores a retained message in the broker's persistence now. */
  storeRetained: (packet: PublishPacket) => Promise<void>;
  /** Called when an authenticated client will take over an existing session. */
  onTakeover: (clientId: string) => void;
  clock: () => number;
}

export function createHooks(deps: HookDeps) {
  const { services, maxPayloadBytes } = deps;
  const { counters, drops, devices, telemetry, commands } = services;
  const principals = new WeakMap<Client, Principal>();
  const buckets = new WeakMap<Client, { tokens: number; at: number }>();

  /**
   * Token bucket per client. Returns how long this message must wait to be
   * within the client's rate (0: now). Debt accumulates, so a client that keeps
   * flooding waits longer and longer.
   */
  function rateDelayMs(client: Client): number {
    if (deps.rateLimit === 0) return 0;
    const now = performance.now();
    const burst = deps.rateLimit * 2;
    const b = buckets.get(client) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * deps.rateLimit);
    b.at = now;
    buckets.set(client, b);
    b.tokens -= 1;
    return b.tokens >= 0 ? 0 : (-b.tokens / deps.rateLimit) * 1000;
  }

  /**
   * aedes sends a QoS 1 PUBACK before it stores the retained copy; a crash in
   * between would lose an acknowledged retained message. Storing it here
   * first (aedes then stores it again) makes the acknowledgement durable.
   */
  function retainThenAck(packet: PublishPacket, done: (err?: Error | null) => void): void {
    if (packet.qos === 0 || !packet.retain) return done(null);
    deps.storeRetained(packet).then(
      () => done(null),
      (err: Error) => done(err),
    );
  }

  function sink(packet: PublishPacket, done: (err?: Error | null) => void): void {
    packet.topic = SINK_TOPIC;
    packet.retain = false;
    done(null);
  }

  function drop(
    client: Client,
    packet: PublishPacket,
    reason: DropReason,
    detail: string,
    done: (err?: Error | null) => void,
  ): void {
    drops.drop(client.id, reason, detail, packet.topic);
    sink(packet, done);
  }

  /** What every publisher is held to: no retained command, no oversized payload. */
  function refusal(packet: PublishPacket, isCommand: boolean): { reason: DropReason; detail: string } | null {
    if (packet.retain && isCommand)
      return { reason: 'retained_command', detail: 'commands are never retained' };
    if (packet.payload.length > maxPayloadBytes) {
      return { reason: 'payload_too_large', detail: `${packet.payload.length} bytes > ${maxPayloadBytes}` };
    }
    return null;
  }

  function ingest(
    client: Client,
    deviceId: string,
    kind: DeviceTopicKind,
    packet: PublishPacket,
    done: (err?: Error | null) => void,
  ): void {
    const text = packet.payload.toString();
    switch (kind) {
      case 'telemetry': {
        const parsed = telemetryChecker.parseJson(text);
        if (!parsed.ok) {
          const reason = parsed.error === 'payload is not valid JSON' ? 'invalid_json' : 'invalid_payload';
          return drop(client, packet, reason, parsed.error, done);
        }
        // QoS 1/2: hold the hook until the reading is committed, so the PUBACK
        // (or PUBREC) the broker sends next is a durable acknowledgement.
        const durable = packet.qos > 0;
        const result = telemetry.ingest(
          deviceId,
          parsed.value as Telemetry,
          durable
            ? (err) => {
                if (err) drops.drop(client.id, 'write_failed', err.message, packet.topic);
                // An error closes the connection without an ack: the device retries.
                done(err ?? null);
              }
            : undefined,
        );
        if (!result.ok) return drop(client, packet, result.reason, result.detail, done);
        counters.inc('mqtt_telemetry_accepted');
        if (!durable) done(null);
        return;
      }
      case 'state': {
        const parsed = stateChecker.parseJson(text);
        if (!parsed.ok) return drop(client, packet, 'invalid_payload', parsed.error, done);
        devices.setState(deviceId, parsed.value, deps.clock());
        services.presence.activity(deviceId);
        return retainThenAck(packet, done);
      }
      case 'description': {
        const parsed = descriptionChecker.parseJson(text);
        if (!parsed.ok) return drop(client, packet, 'invalid_payload', parsed.error, done);
        devices.setDescription(deviceId, parsed.value);
        return retainThenAck(packet, done);
      }
      case 'availability': {
        if (!(AVAILABILITY_VALUES as readonly string[]).includes(text)) {
          return drop(client, packet, 'invalid_payload', 'availability must be "online" or "offline"', done);
        }
        return done(null);
      }
      case 'rpc/reply': {
        const parsed = replyChecker.parseJson(text);
        if (!parsed.ok) return drop(client, packet, 'invalid_payload', parsed.error, done);
        if (!commands.handleReply(deviceId, parsed.value)) {
          // Not the hub's: counted, but still forwarded, since an integration
          // account with write access may have sent that command itself.
          drops.drop(client.id, 'unknown_reply', `no pending command "${parsed.value.id}"`, packet.topic);
        }
        return done(null);
      }
      default:
        return drop(client, packet, 'acl_denied', `devices may not publish on ${kind}`, done);
    }
  }

  /** The publish check proper, once the client is within its rate. */
  function authorize(
    client: Client,
    principal: Principal,
    packet: PublishPacket,
    done: (err?: Error | null) => void,
  ): void {
    if (principal.kind === 'integration') return integrationPublish(client, principal.grant, packet, done);
    if (principal.kind === 'pairing') {
      // A will or a retained flag changes nothing: a hello is for the hub alone and always sunk.
      if (client.closed) return sink(packet, done);
      counters.inc('mqtt_messages_in');
      const outcome = pairingPublish(principal.nonce, packet, maxPayloadBytes, services.pairing);
      if (!outcome.ok) return drop(client, packet, outcome.reason, outcome.detail, done);
      return sink(packet, done);
    }
    const t = parseTopic(packet.topic);
    if (t.scope !== 'device' || t.deviceId !== principal.deviceId || !DEVICE_PUBLISH_KINDS.has(t.kind)) {
      return drop(client, packet, 'acl_denied', 'devices may publish only on their own topics', done);
    }
    // The connection is closing: this is its Last Will. The hub already
    // publishes the retained `offline` itself, with the reason, in order.
    if (client.closed) return sink(packet, done);
    const refused = refusal(packet, COMMAND_KINDS.has(t.kind));
    if (refused) return drop(client, packet, refused.reason, refused.detail, done);
    // Retain is the topic's, not the publisher's: state, description and
    // availability are always kept, telemetry and replies never.
    packet.retain = RETAINED_KINDS.has(t.kind);
    counters.inc('mqtt_messages_in');
    try {
      ingest(client, t.deviceId, t.kind, packet, done);
    } catch (err) {
      // A bug or a database error must cost one message, not the hub.
      drops.drop(client.id, 'invalid_payload', (err as Error).message, packet.topic);
      sink(packet, done);
    }
  }

  /** Integration accounts publish within their patterns, never as a device. */
  function integrationPublish(
    client: Client,
    grant: IntegrationGrant,
    packet: PublishPacket,
    done: (err?: Error | null) => void,
  ): void {
    const denied = mayPublish(grant, packet.topic);
    if (denied) return drop(client, packet, 'acl_denied', denied, done);
    const t = parseTopic(packet.topic);
    const refused = refusal(packet, t.scope === 'device' && COMMAND_KINDS.has(t.kind));
    if (refused) return drop(client, packet, refused.reason, refused.detail, done);
    counters.inc('mqtt_messages_in');
    done(null);
  }

  return {
    principals,

    authenticate(
      client: Client,
      username: string | undefined,
      password: Buffer | undefined,
      done: (err: AuthenticateError | null, ok: boolean | null) => void,
    ): void {
      // Pairing needs no secret: what a pairing connection may do is its whole protection.
      if (username === PAIRING_USERNAME) {
        const admission = admitPairing(client, services.pairing);
        if (!admission.ok) {
          drops.refused(client.id, 'connect', admission.detail);
          return done(authError(admission.detail, admission.returnCode), false);
        }
        principals.set(client, { kind: 'pairing', nonce: admission.nonce });
        return done(null, true);
      }
      if (!username || !password) {
        drops.refused(client.id, 'connect', 'anonymous connection refused');
        return done(authError('credentials required', NOT_AUTHORIZED), false);
      }
      const secret = password.toString();
      const refuse = (detail: string) => {
        drops.refused(client.id, 'connect', detail);
        done(authError('bad username or password', BAD_USERNAME_OR_PASSWORD), false);
      };
      if (isDeviceId(username) && devices.exists(username)) {
        if (client.id !== username) {
          drops.refused(client.id, 'connect', `client id "${client.id}" is not the username "${username}"`);
          return done(authError('the client id must equal the username', IDENTIFIER_REJECTED), false);
        }
        devices.verify(username, secret).then(
          (ok) => {
            if (!ok) return refuse(`bad credentials for device "${username}"`);
            principals.set(client, { kind: 'device', deviceId: username });
            if (deps.isConnectedElsewhere(client)) deps.onTakeover(client.id);
            done(null, true);
          },
          () => refuse(`could not check the credentials of "${username}"`),
        );
        return;
      }
      services.integrations.authenticate(username, secret).then(
        (grant) => {
          if (!grant) return refuse(`bad credentials for "${username}"`);
          principals.set(client, { kind: 'integration', grant });
          done(null, true);
        },
        () => refuse(`could not check the credentials of "${username}"`),
      );
    },

    authorizePublish(client: Client | null, packet: PublishPacket, done: (err?: Error | null) => void): void {
      // A will left over from before a restart: the hub mirrors presence itself.
      if (!client) return sink(packet, done);
      const principal = principals.get(client);
      if (!principal) return done(new Error('not authenticated'));
      const wait = client.closed ? 0 : rateDelayMs(client);
      if (wait === 0) return authorize(client, principal, packet, done);
      if (packet.qos === 0) {
        return drop(client, packet, 'rate_limited', `over ${deps.rateLimit} messages/s`, done);
      }
      // QoS 1/2 must not be acknowledged and then lost: the ack is delayed
      // instead, which slows the client down to its rate. A client more than
      // MAX_RATE_DEBT_MS behind is disconnected unacknowledged and resends later.
      if (wait > MAX_RATE_DEBT_MS) {
        drops.drop(
          client.id,
          'rate_limited',
          `over ${deps.rateLimit} messages/s; disconnected`,
          packet.topic,
        );
        return done(new Error('publish rate exceeded'));
      }
      counters.inc('mqtt_rate_delayed');
      setTimeout(() => {
        // Gone meanwhile: nothing was acknowledged, the device resends it.
        if (client.closed) done(new Error('connection closed'));
        else authorize(client, principal, packet, done);
      }, wait);
    },

    authorizeSubscribe(
      client: Client,
      sub: Subscription,
      done: (err: Error | null, sub?: Subscription | null) => void,
    ): void {
      const principal = principals.get(client);
      if (principal?.kind === 'device' && sub.topic === topics.rpc(principal.deviceId)) {
        return done(null, sub);
      }
      if (principal?.kind === 'integration' && maySubscribe(principal.grant, sub.topic)) {
        return done(null, sub);
      }
      if (principal?.kind === 'pairing' && pairingMaySubscribe(principal.nonce, sub.topic)) {
        return done(null, sub);
      }
      drops.refused(client.id, 'subscribe', `subscription to "${sub.topic}" refused`);
      // A null subscription is refused in the SUBACK (0x80) without disconnecting.
      done(null, null);
    },
  };
}

export type Hooks = ReturnType<typeof createHooks>;
