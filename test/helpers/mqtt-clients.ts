/**
 * Raw mqtt.js clients for protocol-level tests: no reconnects, errors
 * recorded instead of thrown, and a bounded way to learn a CONNACK refusal.
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

/** A connected raw client and the errors it has seen. */
export interface RawClient {
  client: MqttClient;
  errors: Error[];
  /** Resolves once the connection is closed (by either side). */
  closed: Promise<void>;
  /** Sends DISCONNECT and ends the client (`force`: just drop the socket); safe to call twice. */
  end(force?: boolean): Promise<void>;
}

/** Options of a device-like connection: client id = username, MQTT 3.1.1, no retries. */
export function deviceOptions(
  id: string,
  password: string,
  extra: Partial<IClientOptions> = {},
): IClientOptions {
  return {
    clientId: id,
    username: id,
    password,
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    ...extra,
  };
}

/** Connects a raw mqtt.js client and keeps it from throwing on stream errors. */
export async function connectRaw(url: string, options: IClientOptions): Promise<RawClient> {
  const client = await mqtt.connectAsync(
    url,
    { reconnectPeriod: 0, connectTimeout: 5000, ...options },
    false,
  );
  const errors: Error[] = [];
  client.on('error', (err) => errors.push(err));
  const closed = new Promise<void>((resolve) => {
    if (!client.connected) resolve();
    client.once('close', () => resolve());
  });
  return {
    client,
    errors,
    closed,
    async end(force = false) {
      await client.endAsync(force || !client.connected);
    },
  };
}

/** Tries to connect and returns the CONNACK return code of the refusal (throws when accepted). */
export async function connackRefusal(url: string, options: IClientOptions): Promise<number> {
  let client: MqttClient | undefined;
  try {
    client = await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5000, ...options }, false);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'number') return code;
    throw err;
  }
  await client.endAsync(true);
  throw new Error('the connection was accepted');
}

/**
 * Subscribes and returns the SUBACK return codes, refusals (0x80) included:
 * mqtt.js rejects the promise on a refusal but keeps the SUBACK on the error.
 */
export async function subackCodes(client: MqttClient, topic: string, qos: 0 | 1 | 2 = 1): Promise<number[]> {
  try {
    const granted = await client.subscribeAsync(topic, { qos });
    return granted.map((g) => g.qos);
  } catch (err) {
    const packet = (err as { packet?: { granted?: unknown } }).packet;
    if (Array.isArray(packet?.granted)) {
      return packet.granted.map((g: unknown) => (typeof g === 'number' ? g : Number.NaN));
    }
    throw err;
  }
}
