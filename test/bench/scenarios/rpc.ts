/**
 * Command round trip: POST /api/devices/:id/rpc → the hub publishes the
 * command (QoS 1) → a device that answers at once → the hub records the reply
 * and answers the HTTP request. Sequential calls, so each one measures the
 * path alone.
 *
 * The device is a raw mqtt.js client with default sockets, like the device
 * SDK. Neither mqtt.js nor the hub's TCP listener turns Nagle's algorithm
 * off, and on Linux Nagle plus delayed ACKs holds a small write back up to
 * 40 ms; so the bench also measures, briefly, the same device with
 * TCP_NODELAY (what is left is the hub's side), and the MQTT-only round trip
 * through a bare aedes both as shipped and with TCP_NODELAY on every socket
 * (the floor any broker-based command path has on this machine).
 */
import type { Socket } from 'node:net';
import type { MqttClient } from 'mqtt';
import { topics } from '../../../shared/topics.ts';
import { checker } from '../../../shared/validate.ts';
import { RpcReplySchema, RpcRequestSchema } from '../../../shared/wire.ts';
import { startBareAedes } from '../lib/brokers.ts';
import type { Ctx, ScenarioOutput } from '../lib/context.ts';
import { num } from '../lib/http.ts';
import type { LoadClient } from '../lib/ipc.ts';
import { connectClient, endAll } from '../lib/load-common.ts';
import { row } from '../lib/report.ts';
import { type Summary, summarize } from '../lib/stats.ts';

const requestChecker = checker(RpcRequestSchema);
const replyChecker = checker(RpcReplySchema);
/** Calls for the diagnostic variants: enough for a median, few enough at 40–90 ms a call. */
const DIAGNOSTIC_CALLS = 100;

function parse(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString());
  } catch {
    return null;
  }
}

function setNoDelay(client: MqttClient): void {
  (client.stream as Socket).setNoDelay(true);
}

/** A device that answers every command at once with `{ ok: true }`. */
async function responder(url: string, cred: LoadClient, errors: Record<string, number>): Promise<MqttClient> {
  const device = await connectClient(url, cred, errors);
  device.on('message', (_topic, payload) => {
    const req = parse(payload);
    if (!requestChecker.check(req)) return;
    device.publish(topics.rpcReply(cred.id), JSON.stringify({ id: req.id, result: { ok: true } }), {
      qos: 1,
    });
  });
  await device.subscribeAsync(topics.rpc(cred.id), { qos: 1 });
  return device;
}

async function overHub(ctx: Ctx, calls: number, warmup: number) {
  const hub = await ctx.startHub({ name: 'rpc' });
  const errors: Record<string, number> = {};
  const clients: MqttClient[] = [];
  try {
    const [cred] = (await hub.provision('rpc', 1)).clients;
    if (!cred) throw new Error('no device provisioned');
    const device = await responder(hub.mqttUrl, cred, errors);
    clients.push(device);
    const path = `/api/devices/${cred.id}/rpc`;
    let failed = 0;
    const run = async (n: number, skip: number) => {
      const http: number[] = [];
      const rtt: number[] = [];
      for (let i = 0; i < skip + n; i++) {
        const res = await hub.http.call('POST', path, { method: 'identify', params: {} });
        if (res.status !== 200) failed++;
        else if (i >= skip) {
          http.push(res.ms);
          rtt.push(num(res.body, ['rtt_ms'], Number.NaN));
        }
      }
      return { http: summarize(http), hub_to_device: summarize(rtt.filter(Number.isFinite)) };
    };
    const shipped = await run(calls, warmup);
    setNoDelay(device);
    const deviceNoDelay = await run(Math.min(DIAGNOSTIC_CALLS, calls), Math.min(5, warmup));
    return { shipped, device_nodelay: deviceNoDelay, failed, errors };
  } finally {
    await endAll(clients);
    await hub.stop();
  }
}

/** The same request/response over MQTT alone: a caller client and the device, through a bare aedes. */
async function overBareAedes(ctx: Ctx, calls: number, warmup: number, noDelay: boolean): Promise<Summary> {
  const broker = await startBareAedes(ctx.procs, { noDelay, profileDir: ctx.profileDir });
  const errors: Record<string, number> = {};
  const clients: MqttClient[] = [];
  try {
    const cred = { id: 'rpc-00000', password: 'bench' };
    clients.push(await responder(broker.url, cred, errors));
    const caller = await connectClient(broker.url, { id: 'bench-caller', password: 'bench' }, errors);
    clients.push(caller);
    if (noDelay) for (const c of clients) setNoDelay(c);
    let waiting: { id: string; resolve: () => void } | null = null;
    caller.on('message', (_topic, payload) => {
      const reply = parse(payload);
      if (replyChecker.check(reply) && waiting?.id === reply.id) waiting.resolve();
    });
    await caller.subscribeAsync(topics.rpcReply(cred.id), { qos: 1 });
    const samples: number[] = [];
    for (let i = 0; i < warmup + calls; i++) {
      const id = `c${i}`;
      const t0 = performance.now();
      await new Promise<void>((resolve) => {
        waiting = { id, resolve };
        const request = JSON.stringify({ id, method: 'identify', params: {} });
        caller.publish(topics.rpc(cred.id), request, { qos: 1 });
      });
      if (i >= warmup) samples.push(performance.now() - t0);
    }
    return summarize(samples);
  } finally {
    await endAll(clients);
    await broker.stop();
  }
}

export async function rpc(ctx: Ctx): Promise<ScenarioOutput> {
  const { calls, warmup } = ctx.opts.preset.rpc;
  const hub = await overHub(ctx, calls, warmup);
  ctx.log(
    `rpc hub: ${JSON.stringify(hub.shipped.http)}; device with TCP_NODELAY: p50 ${hub.device_nodelay.http.p50}`,
  );
  const diagnostic = Math.min(DIAGNOSTIC_CALLS, calls);
  const shipped = await overBareAedes(ctx, diagnostic, Math.min(5, warmup), false);
  const floor = await overBareAedes(ctx, calls, warmup, true);
  ctx.log(`rpc MQTT only: as shipped p50 ${shipped.p50}; TCP_NODELAY p50 ${floor.p50} p99 ${floor.p99}`);
  const same = (value: number) => ({ name: 'MQTT only', value });
  const S = 'rpc';
  return {
    rows: [
      row(S, 'HTTP → device → HTTP p50', hub.shipped.http.p50, 'ms', { baseline: same(shipped.p50) }),
      row(S, 'HTTP → device → HTTP p99', hub.shipped.http.p99, 'ms', {
        baseline: same(shipped.p99),
        target: { op: '<=', limit: 10 },
      }),
      row(S, '… device with TCP_NODELAY, p50', hub.device_nodelay.http.p50, 'ms'),
      row(S, 'MQTT-only floor, TCP_NODELAY, p50', floor.p50, 'ms'),
      row(S, 'MQTT-only floor, TCP_NODELAY, p99', floor.p99, 'ms'),
      row(S, 'failed calls', hub.failed, '', { target: { op: '<=', limit: 0, label: 'none' } }),
    ],
    details: {
      calls,
      warmup,
      diagnostic_calls: diagnostic,
      hub,
      mqtt_only_as_shipped: shipped,
      mqtt_only_nodelay: floor,
    },
  };
}
