/**
 * Pairing from the device's side (docs/protocol.md §Pairing): find the hub
 * by mDNS (or take its URL), connect with pairing-only access, say hello with
 * a short code the user compares in the dashboard, and wait for the hub's
 * answer. Resolves with the device's credentials; rejects with a
 * PairingError that says which step failed and why.
 */
import { randomBytes, randomInt } from 'node:crypto';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import {
  PAIRING_CLIENT_PREFIX,
  PAIRING_USERNAME,
  type PairingCredentials,
  PairingCredentialsSchema,
  type PairingHello,
  type PairingReason,
  type PairingStatus,
  PairingStatusSchema,
} from '../../shared/pairing.ts';
import { pairingFilter, pairingTopic } from '../../shared/topics.ts';
import { checker } from '../../shared/validate.ts';
import type { Description } from '../../shared/wire.ts';
import { type DiscoveredHub, type DiscoverySocketOptions, discoverHub } from './discovery.ts';
import { pinnedTlsOptions } from './tls-pin.ts';

/** Where pairing is, as it happens. */
export type PairingProgress =
  | { step: 'discovering' }
  | { step: 'discovered'; hub: DiscoveredHub }
  | { step: 'connecting'; url: string }
  | { step: 'hello_sent'; code: string }
  | { step: 'waiting'; message: string }
  | { step: 'approved'; message: string }
  | { step: 'credentials_received'; deviceId: string };

/** Which step failed: the hub's own reasons, or the device's side of things. */
export type PairingFailure =
  | PairingReason
  | 'discovery_failed'
  | 'unreachable'
  | 'connection_lost'
  | 'timeout';

export class PairingError extends Error {
  constructor(
    readonly reason: PairingFailure,
    message: string,
  ) {
    super(message);
    this.name = 'PairingError';
  }
}

export interface PairDeviceOptions {
  /** The hub's MQTT URL (`mqtt://host:1883`, `mqtts://host:8883`); found by mDNS when left out. */
  url?: string;
  /** How long to look for a hub by mDNS (default 10 s). */
  discoverTimeoutMs?: number;
  /** Pair only with the hub of this id (TXT `id`), when several answer. */
  hubId?: string;
  /** What the device is; the hub stores it and the dashboard shows its model. */
  description: Description;
  /** A name to suggest in the dashboard. */
  name?: string;
  /** SHA-256 fingerprint to pin an `mqtts://` hub to (from mDNS when discovered). */
  tlsFingerprint?: string;
  /** How long to wait for the user (default 16 min: longer than any pairing window). */
  timeoutMs?: number;
  /** Show this code to the user: the dashboard shows the same one. */
  onCode?: (code: string) => void;
  onStatus?: (progress: PairingProgress) => void;
  /** mDNS socket options for discovery (tests bind to a private network namespace's loopback). */
  mdns?: DiscoverySocketOptions;
  /** Extra mqtt.js options for the pairing connection. */
  mqtt?: Partial<IClientOptions>;
}

/** What the hub delivers: credentials, with the certificate fingerprint when TLS is on. */
export type PairedCredentials = PairingCredentials;

const statusChecker = checker(PairingStatusSchema);
const credentialsChecker = checker(PairingCredentialsSchema);
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** 20 random base32 characters: 100 bits, so nobody can guess another session's topics. */
export function newPairingNonce(): string {
  return [...randomBytes(20)].map((b) => BASE32[b % 32]).join('');
}

/** Six random digits, shown on the device and typed into the dashboard. */
export function newPairingCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

async function connectionOptions(url: string, options: PairDeviceOptions, fingerprint: string | null) {
  const nonce = newPairingNonce();
  const base: IClientOptions = {
    clientId: `${PAIRING_CLIENT_PREFIX}${nonce}`,
    username: PAIRING_USERNAME,
    protocolVersion: 4,
    // A clean session: nothing of a pairing is ever queued in the hub's store.
    clean: true,
    // One attempt: a new try gets a new nonce and a new code.
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    keepalive: 30,
  };
  if (url.startsWith('mqtts:') && fingerprint) {
    const u = new URL(url);
    Object.assign(base, await pinnedTlsOptions(u.hostname, Number(u.port || 8883), fingerprint));
  }
  return { nonce, mqttOptions: { ...base, ...options.mqtt } };
}

/** Pairs this device with a hub and resolves with its new credentials. */
export async function pairDevice(options: PairDeviceOptions): Promise<PairedCredentials> {
  const report = (p: PairingProgress) => options.onStatus?.(p);
  let url = options.url;
  let fingerprint = options.tlsFingerprint ?? null;
  if (url === undefined) {
    report({ step: 'discovering' });
    let hub: DiscoveredHub;
    try {
      hub = await discoverHub({
        timeoutMs: options.discoverTimeoutMs ?? 10_000,
        ...(options.hubId === undefined ? {} : { hubId: options.hubId }),
        socket: options.mdns,
      });
    } catch (err) {
      throw new PairingError('discovery_failed', (err as Error).message);
    }
    report({ step: 'discovered', hub });
    url = hub.mqttUrl;
    fingerprint ??= hub.tlsFingerprint;
  }

  report({ step: 'connecting', url });
  let client: MqttClient;
  let nonce: string;
  try {
    const prepared = await connectionOptions(url, options, fingerprint);
    nonce = prepared.nonce;
    client = await mqtt.connectAsync(url, prepared.mqttOptions, false);
  } catch (err) {
    throw new PairingError(
      'unreachable',
      `could not connect to the hub at ${url}: ${(err as Error).message}`,
    );
  }
  try {
    return await converse(client, nonce, options, report);
  } finally {
    await client.endAsync(true).catch(() => {});
  }
}

/** Hello, then the hub's statuses until the credentials (or a refusal) arrive. */
function converse(
  client: MqttClient,
  nonce: string,
  options: PairDeviceOptions,
  report: (p: PairingProgress) => void,
): Promise<PairedCredentials> {
  const code = newPairingCode();
  const hello: PairingHello = {
    code,
    description: options.description,
    ...(options.name ? { name: options.name } : {}),
  };
  return new Promise<PairedCredentials>((resolve, reject) => {
    let settled = false;
    const settle = (err: PairingError | null, creds?: PairedCredentials) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.removeListener('message', onMessage);
      client.removeListener('close', onClose);
      if (creds) resolve(creds);
      else reject(err);
    };
    const timeoutMs = options.timeoutMs ?? 16 * 60_000;
    const timer = setTimeout(
      () => settle(new PairingError('timeout', `no answer from the hub within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onClose = () =>
      settle(new PairingError('connection_lost', 'the hub closed the pairing connection before it answered'));
    const onMessage = (topic: string, payload: Buffer) => {
      if (topic === pairingTopic(nonce, 'status')) {
        const parsed = statusChecker.parseJson(payload.toString());
        if (!parsed.ok) return; // not understood: wait for what comes next
        onStatus(parsed.value);
      } else if (topic === pairingTopic(nonce, 'credentials')) {
        const parsed = credentialsChecker.parseJson(payload.toString());
        if (!parsed.ok) {
          return settle(new PairingError('delivery_failed', `unreadable credentials: ${parsed.error}`));
        }
        report({ step: 'credentials_received', deviceId: parsed.value.device_id });
        settle(null, parsed.value);
      }
    };
    const onStatus = (status: PairingStatus) => {
      if (status.state === 'waiting') return report({ step: 'waiting', message: status.message });
      if (status.state === 'approved') return report({ step: 'approved', message: status.message });
      const reason = status.reason ?? (status.state === 'rejected' ? 'rejected' : 'timed_out');
      settle(new PairingError(reason, `pairing ${status.state} (${reason}): ${status.message}`));
    };
    client.on('message', onMessage);
    client.on('close', onClose);
    client
      .subscribeAsync(pairingFilter(nonce), { qos: 1 })
      .then(() => {
        // Shown first: the hub may answer before the hello's PUBACK is back.
        options.onCode?.(code);
        report({ step: 'hello_sent', code });
        return client.publishAsync(pairingTopic(nonce, 'hello'), JSON.stringify(hello), { qos: 1 });
      })
      .catch((err: Error) =>
        settle(new PairingError('connection_lost', `could not say hello: ${err.message}`)),
      );
  });
}
