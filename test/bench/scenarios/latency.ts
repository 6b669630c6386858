/**
 * Device publish → dashboard socket event latency under 1,000 readings/s of
 * background telemetry (QoS 1, like the device SDK sends). The background
 * comes from a load child; the probes and the socket.io client live in the
 * driver, which therefore times both ends with one clock. Every probe device
 * publishes more slowly than the live feed's coalescing window, so a probe is
 * never merged with the previous one (it can still wait if the hub's window
 * timer fires late — that is part of what is measured).
 *
 * Baseline: the same probes and background through a bare aedes, received by
 * an MQTT subscriber on `hearth/+/telemetry` in the driver.
 */
import type { MqttClient } from 'mqtt';
import { parseTopic } from '../../../shared/topics.ts';
import { startBareAedes } from '../lib/brokers.ts';
import type { Ctx, ScenarioOutput } from '../lib/context.ts';
import { connectFeed } from '../lib/feed.ts';
import { num } from '../lib/http.ts';
import type { LoadClient } from '../lib/ipc.ts';
import { LoadChild } from '../lib/load-child.ts';
import { connectClient, endAll } from '../lib/load-common.ts';
import { type ProbeRun, Probes } from '../lib/probes.ts';
import { sleep } from '../lib/procs.ts';
import { row } from '../lib/report.ts';
import { cpuMeter, round } from '../lib/sys.ts';

const QOS = 1;

/** The `temperature` of a telemetry payload, if it has a numeric one. */
function temperatureOf(payload: Buffer): number | undefined {
  try {
    const v: unknown = JSON.parse(payload.toString());
    const t = typeof v === 'object' && v !== null ? (v as Record<string, unknown>).temperature : undefined;
    return typeof t === 'number' ? t : undefined;
  } catch {
    return undefined;
  }
}

interface Phase {
  probes: ProbeRun;
  background: { rate: number; sent: number; acked: number; errors: Record<string, number> };
  cpu: Record<string, number>;
}

/** Runs the background load and the probes against `url`; `attach` wires probe arrivals. */
async function phase(
  ctx: Ctx,
  url: string,
  pid: number,
  bg: LoadClient[],
  probeCreds: LoadClient[],
  attach: (probes: Probes) => Promise<() => void>,
): Promise<Phase> {
  const p = ctx.opts.preset.latency;
  const errors: Record<string, number> = {};
  const clients: MqttClient[] = [];
  const { load } = await LoadChild.start(
    ctx.procs,
    'load-rate.ts',
    { type: 'rate', url, clients: bg, qos: QOS, rate: p.rate },
    120_000,
  );
  try {
    for (const c of probeCreds) clients.push(await connectClient(url, c, errors));
    const probes = new Probes(
      probeCreds.map((c, i) => ({ id: c.id, client: clients[i] as MqttClient })),
      QOS,
    );
    const detach = await attach(probes);
    load.send({ type: 'go' });
    await sleep(p.warmupS * 1000);
    const meter = cpuMeter({ system: pid, load: load.pid });
    const run = await probes.run(p.probeEveryMs, p.seconds);
    const cpu = meter();
    detach();
    load.send({ type: 'stop' });
    const done = await load.next('rate_done', 30_000);
    const rate = round(done.sent / ((done.endedAt - done.startedAt) / 1000), 0);
    return {
      probes: run,
      background: { rate, sent: done.sent, acked: done.acked, errors: done.errors },
      cpu,
    };
  } finally {
    await endAll(clients);
    await load.stop();
  }
}

export async function latency(ctx: Ctx): Promise<ScenarioOutput> {
  const p = ctx.opts.preset.latency;
  const details: Record<string, unknown> = {
    background_rate: p.rate,
    background_devices: p.bgDevices,
    probe_devices: p.probeDevices,
    probe_every_ms_per_device: p.probeEveryMs,
    seconds: p.seconds,
    qos: QOS,
  };
  let hubPhase: Phase;
  let bg: LoadClient[];
  let probeCreds: LoadClient[];
  const hub = await ctx.startHub({ name: 'latency' });
  try {
    bg = (await hub.provision('bg', p.bgDevices)).clients;
    probeCreds = (await hub.provision('probe', p.probeDevices)).clients;
    const feed = await connectFeed(hub.http.baseUrl, hub.http.headers.cookie ?? '');
    const before = await hub.health();
    hubPhase = await phase(ctx, hub.mqttUrl, hub.pid, bg, probeCreds, async (probes) => {
      feed.onTelemetry((e, at) => probes.arrived(e.device_id, e.values.temperature, at));
      return () => {};
    });
    const after = await hub.health();
    details.hub_dropped =
      num(after, ['counters', 'mqtt_dropped_total']) - num(before, ['counters', 'mqtt_dropped_total']);
    details.live_feed_events = feed.events;
    feed.close();
  } finally {
    await hub.stop();
  }
  details.hub = hubPhase;
  ctx.log(`latency hub: ${JSON.stringify(hubPhase.probes.latency)} bg ${hubPhase.background.rate}/s`);

  const aedes = await startBareAedes(ctx.procs, { profileDir: ctx.profileDir });
  let basePhase: Phase;
  try {
    const errors: Record<string, number> = {};
    let sub: MqttClient | null = null;
    basePhase = await phase(ctx, aedes.url, aedes.pid, bg, probeCreds, async (probes) => {
      const s = await connectClient(aedes.url, { id: 'bench-latency-sub', password: 'bench' }, errors);
      sub = s;
      s.on('message', (topic, payload) => {
        const at = performance.now();
        const t = parseTopic(topic);
        if (t.scope !== 'device') return;
        probes.arrived(t.deviceId, temperatureOf(payload), at);
      });
      await s.subscribeAsync('hearth/+/telemetry', { qos: QOS });
      return () => void s.endAsync().catch(() => {});
    });
    if (sub) await endAll([sub]);
  } finally {
    await aedes.stop();
  }
  details.bare_aedes = basePhase;
  ctx.log(`latency bare aedes: ${JSON.stringify(basePhase.probes.latency)}`);

  const h = hubPhase.probes.latency;
  const b = basePhase.probes.latency;
  const baseline = (v: number) => ({ name: 'bare aedes', value: v });
  return {
    rows: [
      row('latency', 'publish → socket event p50', h.p50, 'ms', { baseline: baseline(b.p50) }),
      row('latency', 'publish → socket event p99', h.p99, 'ms', {
        baseline: baseline(b.p99),
        target: { op: '<=', limit: 15 },
      }),
      row(
        'latency',
        `probes delivered (of ${hubPhase.probes.sent})`,
        (100 * hubPhase.probes.received) / Math.max(1, hubPhase.probes.sent),
        '%',
        { target: { op: '>=', limit: 100, label: 'all' } },
      ),
      row('latency', 'background achieved', hubPhase.background.rate, 'readings/s', {
        target: { op: '>=', limit: p.rate * 0.95, label: `≈ ${p.rate}/s` },
      }),
    ],
    details,
  };
}
