/**
 * What every load-generator child shares: receiving its job and controls over
 * IPC, reporting back, and connecting raw mqtt.js clients (not the device SDK,
 * whose per-message bookkeeping would make the generator the bottleneck).
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { type ChildMessage, type Control, ControlSchema, decoder, type Job, JobSchema } from './ipc.ts';

const decodeJob = decoder(JobSchema, 'job');
const decodeControl = decoder(ControlSchema, 'control');

/** Sends a report to the driver. */
export function report(msg: ChildMessage): void {
  process.send?.(msg);
}

/** Reports a fatal error and exits. */
export function fail(err: unknown): never {
  report({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exitCode = 1;
  process.disconnect?.();
  process.exit(1);
}

/** Waits for the job, then calls `onControl` for every later message. */
export function receive(onJob: (job: Job) => Promise<void>, onControl: (c: Control) => void): void {
  if (!process.send) throw new Error('a load child needs an IPC channel (started by test/bench/run.ts)');
  let started = false;
  process.on('message', (raw: unknown) => {
    try {
      if (!started) {
        started = true;
        onJob(decodeJob(raw)).catch(fail);
      } else {
        onControl(decodeControl(raw));
      }
    } catch (err) {
      fail(err);
    }
  });
  // The driver went away: nothing left to report to.
  process.on('disconnect', () => process.exit(0));
}

/** Counts an error by its code (ECONNREFUSED, a CONNACK code …) rather than logging each. */
export function countError(errors: Record<string, number>, err: unknown): void {
  const e = err as { code?: unknown; message?: string };
  const key = typeof e.code === 'string' || typeof e.code === 'number' ? String(e.code) : (e.message ?? '?');
  errors[key] = (errors[key] ?? 0) + 1;
}

/** A connected MQTT 3.1.1 client with the device's credentials (resolves on CONNACK). */
export function connectClient(
  url: string,
  c: { id: string; password: string },
  errors: Record<string, number>,
  extra: Partial<IClientOptions> = {},
): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, {
      clientId: c.id,
      username: c.id,
      password: c.password,
      protocolVersion: 4,
      clean: true,
      keepalive: 60,
      reconnectPeriod: 0,
      connectTimeout: 120_000,
      ...extra,
    });
    client.on('error', (err) => countError(errors, err));
    client.once('connect', () => resolve(client));
    client.once('close', () => {
      if (!client.connected) reject(new Error(`${c.id}: connection closed before CONNACK`));
    });
  });
}

/** Disconnects every client, giving up after `ms`. */
export async function endAll(clients: MqttClient[], ms = 5000): Promise<void> {
  const all = Promise.all(clients.map((c) => c.endAsync().catch(() => {})));
  await Promise.race([all, new Promise((r) => setTimeout(r, ms).unref())]);
}

/** A few distinct telemetry payloads, encoded once so generating them costs nothing per message. */
export const PAYLOADS: Buffer[] = Array.from({ length: 64 }, (_, i) =>
  Buffer.from(`{"temperature":${(18 + i / 16).toFixed(2)}}`),
);
