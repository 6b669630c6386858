/**
 * Telemetry ingest, QoS 0 and QoS 1, through the hub's whole path (broker →
 * validation → SQLite group commit → rollups → live feed with a socket.io
 * client connected), against the same publishers on a bare aedes and on
 * Mosquitto forwarding to one subscriber.
 *
 * Hub throughput is readings committed per second, from the first publish to
 * the last commit. Commits are observed by polling GET /api/health
 * (`readings_received − pending_writes`); the end is interpolated between the
 * last two polls, so the 50 ms poll interval does not count against the hub.
 * Baseline throughput is messages the subscriber received per second, from
 * the first publish to the last message.
 */
import { type Broker, hasMosquitto, startBareAedes, startMosquitto } from '../lib/brokers.ts';
import type { Ctx, ScenarioOutput } from '../lib/context.ts';
import { connectFeed } from '../lib/feed.ts';
import { num } from '../lib/http.ts';
import type { HubProcess } from '../lib/hub-process.ts';
import { epochNow, type IngestJob, type LoadClient } from '../lib/ipc.ts';
import { LoadChild } from '../lib/load-child.ts';
import { sleep } from '../lib/procs.ts';
import { type Row, row } from '../lib/report.ts';
import { median } from '../lib/stats.ts';
import { cpuMeter, round, threadCpuMs, threadShare } from '../lib/sys.ts';

const POLL_MS = 50;
const RATE_LIMIT_OFF = 10_000_000;
/** A run that commits nothing new for this long is over (drops or a stall). */
const STALL_MS = 10_000;

interface Trial {
  rate: number;
  seconds: number;
  messages: number;
  /** Messages that did not arrive (baselines) or were not committed (hub). */
  lost: number;
  cpu: Record<string, number>;
  threads?: Record<string, number>;
  errors: Record<string, number>;
}

type Qos = 0 | 1;

const committed = (health: unknown): number =>
  num(health, ['counters', 'readings_received']) - num(health, ['db', 'pending_writes']);

/** One burst through the hub, timed from the first publish to the last commit. */
async function hubRound(hub: HubProcess, load: LoadChild, expected: number): Promise<Trial> {
  const before = await hub.health();
  const base = committed(before);
  const dropsBase = num(before, ['counters', 'mqtt_dropped_total']);
  const threads0 = threadCpuMs(hub.pid);
  const wall0 = performance.now();
  const meter = cpuMeter({ hub: hub.pid, load: load.pid });
  load.send({ type: 'go' });
  let prev = { t: epochNow(), c: 0 };
  let end = prev.t;
  let done = 0;
  let lastProgress = performance.now();
  for (;;) {
    await sleep(POLL_MS);
    const sent = epochNow();
    const h = await hub.health();
    const t = (sent + epochNow()) / 2;
    done = committed(h) - base;
    if (done >= expected) {
      // The last commit happened between the two polls: assume the rate between them was steady.
      end = prev.t + ((expected - prev.c) / Math.max(1, done - prev.c)) * (t - prev.t);
      break;
    }
    if (done > prev.c) lastProgress = performance.now();
    else if (performance.now() - lastProgress > STALL_MS) {
      end = prev.t;
      break;
    }
    prev = { t, c: done };
  }
  const cpu = meter();
  const threads = threadShare(threads0, threadCpuMs(hub.pid), performance.now() - wall0);
  const report = await load.next('ingest_done', 60_000);
  const drops = num(await hub.health(), ['counters', 'mqtt_dropped_total']) - dropsBase;
  const seconds = (end - report.firstPublishAt) / 1000;
  const messages = Math.min(done, expected);
  return {
    rate: round(messages / seconds, 0),
    seconds: round(seconds, 3),
    messages,
    lost: expected - messages,
    cpu,
    threads,
    errors: drops > 0 ? { ...report.errors, dropped_by_hub: drops } : report.errors,
  };
}

/** One burst through a baseline broker, timed from the first publish to the last message received. */
async function brokerRound(broker: Broker, load: LoadChild): Promise<Trial> {
  const meter = cpuMeter({ broker: broker.pid, load: load.pid });
  load.send({ type: 'go' });
  const r = await load.next('ingest_done', 300_000);
  const cpu = meter();
  const seconds = ((r.lastReceiveAt ?? r.publishedAt) - r.firstPublishAt) / 1000;
  return {
    rate: round(r.received / seconds, 0),
    seconds: round(seconds, 3),
    messages: r.received,
    lost: r.published - r.received,
    cpu,
    errors: r.errors,
  };
}

interface Target {
  name: string;
  url: string;
  /** Subscribe a counting client (baselines); the hub's consumer is its own storage and feed. */
  subscribe: boolean;
  round(load: LoadChild, expected: number): Promise<Trial>;
}

/** One load child per target: for each QoS a warm-up round, then the measured trials. */
async function series(ctx: Ctx, target: Target, clients: LoadClient[]): Promise<Record<Qos, Trial[]>> {
  const p = ctx.opts.preset.ingest;
  const out: Record<Qos, Trial[]> = { 0: [], 1: [] };
  const plan: { qos: Qos; perClient: number; warmup: boolean }[] = [];
  for (const qos of [0, 1] as const) {
    if (p.warmupPerClient > 0) plan.push({ qos, perClient: p.warmupPerClient, warmup: true });
    for (let i = 0; i < p.trials; i++) plan.push({ qos, perClient: p.perClient[qos], warmup: false });
  }
  const job: IngestJob = {
    type: 'ingest',
    url: target.url,
    clients,
    rounds: plan.map(({ qos, perClient }) => ({ qos, perClient })),
    window: p.window,
    subscribe: target.subscribe,
  };
  const { load } = await LoadChild.start(ctx.procs, 'load-ingest.ts', job, 120_000);
  try {
    for (const { qos, perClient, warmup } of plan) {
      const t = await target.round(load, clients.length * perClient);
      if (warmup) continue;
      const lost = t.lost > 0 ? `, ${t.lost} lost` : '';
      const rate = t.rate.toLocaleString('en-US');
      ctx.log(
        `ingest ${target.name} QoS ${qos}: ${rate}/s (${t.seconds} s${lost}, cpu % ${JSON.stringify(t.cpu)})`,
      );
      out[qos].push(t);
    }
  } finally {
    await load.stop();
  }
  return out;
}

export async function ingest(ctx: Ctx): Promise<ScenarioOutput> {
  const p = ctx.opts.preset.ingest;
  const details: Record<string, unknown> = {
    devices: p.devices,
    per_client: p.perClient,
    warmup_per_client: p.warmupPerClient,
    qos1_window: p.window,
    trials: p.trials,
    hub_mqtt_rate_limit: RATE_LIMIT_OFF,
  };
  const results: Record<string, Record<Qos, Trial[]>> = {};

  const hub = await ctx.startHub({
    name: 'ingest',
    // The per-client publish limit (default 500/s) is a policy against a flooding device, not a
    // capacity: set far above the burst rate so its check still runs but never drops a reading.
    env: { HEARTH_MQTT_RATE_LIMIT: String(RATE_LIMIT_OFF) },
  });
  try {
    const { clients, ms } = await hub.provision('ing', p.devices);
    details.provision_ms = round(ms, 0);
    const feed = await connectFeed(hub.http.baseUrl, hub.http.headers.cookie ?? '');
    results.hub = await series(
      ctx,
      { name: 'hub', url: hub.mqttUrl, subscribe: false, round: (load, n) => hubRound(hub, load, n) },
      clients,
    );
    details.live_feed_events = feed.events;
    feed.close();
    const ids = clients.map((c) => ({ id: c.id, password: c.password }));
    const brokers: (() => Promise<Broker>)[] = [
      () => startBareAedes(ctx.procs, { profileDir: ctx.profileDir }),
    ];
    if (ctx.opts.mosquitto && hasMosquitto()) brokers.push(() => startMosquitto(ctx.procs));
    else details.mosquitto = ctx.opts.mosquitto ? 'not installed' : 'skipped (--no-mosquitto)';
    await hub.stop();
    for (const start of brokers) {
      const broker = await start();
      try {
        results[broker.name] = await series(
          ctx,
          { name: broker.name, url: broker.url, subscribe: true, round: (load) => brokerRound(broker, load) },
          ids,
        );
      } finally {
        await broker.stop();
      }
    }
  } finally {
    await hub.stop();
  }
  details.trials_by_broker = results;

  const rate = (name: string, qos: Qos): number | null => {
    const trials = results[name]?.[qos];
    return trials && trials.length > 0 ? median(trials.map((t) => t.rate)) : null;
  };
  const S = 'ingest';
  const hub0 = rate('hub', 0) ?? 0;
  const hub1 = rate('hub', 1) ?? 0;
  /** A row comparing the hub with a baseline broker, when that broker ran. */
  const versus = (qos: Qos, name: string, value: number, extra: Parameters<typeof row>[4] = {}): Row[] => {
    const base = rate(name, qos);
    if (base === null) return [];
    return [
      row(S, `QoS ${qos}, hub vs ${name}`, value, 'readings/s', {
        ...extra,
        baseline: { name, value: base },
      }),
    ];
  };
  const rows: Row[] = [
    row(S, 'QoS 0, hub full path', hub0, 'readings/s', { target: { op: '>=', limit: 50_000 } }),
    ...versus(0, 'bare aedes', hub0, { target: { op: '>=', limit: 0.8 }, onRatio: true }),
    ...versus(0, 'Mosquitto', hub0),
    row(S, 'QoS 1 durable ack, hub', hub1, 'readings/s', { target: { op: '>=', limit: 25_000 } }),
    ...versus(1, 'bare aedes', hub1),
    ...versus(1, 'Mosquitto', hub1),
  ];
  return { rows, details };
}
