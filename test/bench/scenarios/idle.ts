/**
 * Many idle devices: provision them through the API, connect them all at once
 * from a load child (keepalive 60 s), read the hub's RSS from /proc, then
 * restart the hub (SIGTERM, wait for the exit, start it again on the same
 * ports and data) and time until every device is back. The devices reconnect
 * by themselves, every 500 ms plus up to 500 ms of jitter.
 *
 * Baseline: the same clients against a bare aedes (no password check, no
 * presence bookkeeping), restarted the same way. Every CONNECT checks the
 * device's secret against its stored hash (server/domain/secrets.ts); how many
 * checks a second this machine makes is measured too, as the floor under any
 * reconnect storm.
 */
import { hashSecret, verifySecret } from '../../../server/domain/secrets.ts';
import { startBareAedes } from '../lib/brokers.ts';
import type { Ctx, ScenarioOutput } from '../lib/context.ts';
import { num } from '../lib/http.ts';
import { mapLimit } from '../lib/hub-process.ts';
import { type ChildMessage, epochNow, type LoadClient } from '../lib/ipc.ts';
import { LoadChild } from '../lib/load-child.ts';
import { sleep, waitUntil } from '../lib/procs.ts';
import { row } from '../lib/report.ts';
import { peakRssBytes, round, rssBytes, threadCpuMs, threadShare } from '../lib/sys.ts';

type Progress = Extract<ChildMessage, { type: 'idle_progress' }>;

/** Waits for a report of every client connected, the last of them after `since`. */
async function allConnected(load: LoadChild, total: number, since: number, timeoutMs: number) {
  const deadline = performance.now() + timeoutMs;
  let last: Progress | null = null;
  while (performance.now() < deadline) {
    const p = await load.next('idle_progress', Math.max(1, deadline - performance.now())).catch(() => null);
    if (!p) break;
    last = p;
    if (p.connected === total && p.at >= since) return { complete: true, at: p.at, last: p };
  }
  return { complete: false, at: epochNow(), last };
}

function idleJob(url: string, clients: LoadClient[]) {
  return { type: 'idle' as const, url, clients, keepaliveS: 60, reconnectMs: 500, jitterMs: 500 };
}

/** Device secret checks per second this machine sustains, as the hub makes them. */
async function secretCheckCapacity(samples: number): Promise<number> {
  const secret = 'a-device-secret-of-32-characters';
  const hash = await hashSecret(secret);
  const t0 = performance.now();
  await mapLimit(Array.from({ length: samples }), 4, () => verifySecret(secret, hash));
  return samples / ((performance.now() - t0) / 1000);
}

async function onHub(ctx: Ctx) {
  const p = ctx.opts.preset.idle;
  const timeoutMs = p.timeoutS * 1000;
  const hub = await ctx.startHub({ name: 'idle' });
  let load: LoadChild | null = null;
  try {
    const rssEmpty = rssBytes(hub.pid) ?? 0;
    ctx.log(`idle: provisioning ${p.devices} devices through the API`);
    const { clients, ms: provisionMs } = await hub.provision('idle', p.devices, p.provisionConcurrency);
    ctx.log(`idle: provisioned in ${round(provisionMs / 1000, 1)} s; connecting`);
    load = (await LoadChild.start(ctx.procs, 'load-idle.ts', idleJob(hub.mqttUrl, clients), 60_000)).load;
    const threads0 = threadCpuMs(hub.pid);
    const w0 = performance.now();
    const goAt = epochNow();
    load.send({ type: 'go' });
    const first = await allConnected(load, p.devices, goAt, timeoutMs);
    const connectThreads = threadShare(threads0, threadCpuMs(hub.pid), performance.now() - w0);
    ctx.log(
      `idle: ${first.last?.connected ?? 0}/${p.devices} connected in ${round((first.at - goAt) / 1000, 1)} s`,
    );
    // Let the connect storm's garbage be collected before reading the resident size.
    await sleep(ctx.opts.mode === 'smoke' ? 200 : 3000);
    const rss = rssBytes(hub.pid) ?? 0;
    const peak = peakRssBytes(hub.pid) ?? 0;
    const online = num(await hub.health(), ['mqtt', 'devices_online']);

    const termAt = epochNow();
    const restart = await hub.restart();
    const readyAt = hub.readyAt;
    const spawnAt = readyAt - restart.startupMs;
    const threads1 = threadCpuMs(hub.pid);
    const w1 = performance.now();
    const again = await allConnected(load, p.devices, termAt, timeoutMs);
    const reconnectThreads = threadShare(threads1, threadCpuMs(hub.pid), performance.now() - w1);
    const onlineAfter = await waitUntil(
      'devices_online to catch up',
      async () => {
        const n = num(await hub.health(), ['mqtt', 'devices_online']);
        return n >= p.devices ? n : undefined;
      },
      again.complete ? 30_000 : 1,
      100,
    ).catch(() => -1);
    ctx.log(
      `idle: restart: ${again.last?.connected ?? 0}/${p.devices} back ${round((again.at - spawnAt) / 1000, 1)} s after spawn`,
    );
    return {
      provision_s: round(provisionMs / 1000, 2),
      connect: {
        complete: first.complete,
        seconds: round((first.at - goAt) / 1000, 2),
        threads_cpu_pct: connectThreads,
      },
      rss_empty: rssEmpty,
      rss,
      rss_peak: peak,
      devices_online: online,
      restart: {
        complete: again.complete,
        exit: restart.exit,
        shutdown_s: round(restart.shutdownMs / 1000, 2),
        startup_s: round(restart.startupMs / 1000, 2),
        from_spawn_s: round((again.at - spawnAt) / 1000, 2),
        from_listening_s: round((again.at - readyAt) / 1000, 2),
        from_sigterm_s: round((again.at - termAt) / 1000, 2),
        devices_online_after: onlineAfter,
        threads_cpu_pct: reconnectThreads,
      },
      load: again.last,
    };
  } finally {
    await load?.stop();
    await hub.stop();
  }
}

async function onBareAedes(ctx: Ctx) {
  const p = ctx.opts.preset.idle;
  const clients = Array.from({ length: p.devices }, (_, i) => ({
    id: `idle-${String(i).padStart(5, '0')}`,
    password: 'x',
  }));
  let broker = await startBareAedes(ctx.procs, { profileDir: ctx.profileDir });
  let load: LoadChild | null = null;
  try {
    load = (await LoadChild.start(ctx.procs, 'load-idle.ts', idleJob(broker.url, clients), 60_000)).load;
    const goAt = epochNow();
    load.send({ type: 'go' });
    const first = await allConnected(load, p.devices, goAt, p.timeoutS * 1000);
    await sleep(ctx.opts.mode === 'smoke' ? 200 : 3000);
    const rss = rssBytes(broker.pid) ?? 0;
    const termAt = epochNow();
    await broker.stop();
    const spawnAt = epochNow();
    broker = await startBareAedes(ctx.procs, { port: broker.port, profileDir: ctx.profileDir });
    const again = await allConnected(load, p.devices, termAt, p.timeoutS * 1000);
    return {
      connect: { complete: first.complete, seconds: round((first.at - goAt) / 1000, 2) },
      rss,
      restart: { complete: again.complete, from_spawn_s: round((again.at - spawnAt) / 1000, 2) },
    };
  } finally {
    await load?.stop();
    await broker.stop();
  }
}

export async function idle(ctx: Ctx): Promise<ScenarioOutput> {
  const p = ctx.opts.preset.idle;
  const hub = await onHub(ctx);
  const base = await onBareAedes(ctx);
  const checks = await secretCheckCapacity(Math.min(2000, Math.max(20, p.devices / 2)));
  const S = 'idle';
  const N = p.devices.toLocaleString('en-US');
  const aedes = (value: number) => ({ name: 'bare aedes', value });
  return {
    rows: [
      row(S, `hub RSS, ${N} connected`, hub.rss, 'bytes', {
        baseline: aedes(base.rss),
        target: { op: '<=', limit: 300 * 2 ** 20, label: '≤ 300 MB' },
      }),
      row(S, `all ${N} connected (first time)`, hub.connect.seconds, 's', {
        baseline: aedes(base.connect.seconds),
      }),
      row(S, `restart: hub spawn → all ${N} back`, hub.restart.from_spawn_s, 's', {
        baseline: aedes(base.restart.from_spawn_s),
        target: { op: '<=', limit: 10 },
      }),
      row(S, 'restart: hub listening → all back', hub.restart.from_listening_s, 's'),
      row(S, `secret-check floor for ${N} connects`, p.devices / checks, 's'),
      row(S, `provisioning ${N} via API`, hub.provision_s, 's'),
    ],
    details: { devices: p.devices, hub, bare_aedes: base, secret_checks_per_s: round(checks, 1) },
  };
}
