/**
 * History queries over a generated year of 10-second readings, for ranges
 * from an hour to a year, 1000 points each (a chart's width). Each query
 * window is placed at random inside the year, so repeated queries do not all
 * hit the same cached pages.
 *
 * Server time is fastify's own `responseTime` for each request (the hub runs
 * at log level info for this; routing, validation, the query and
 * serialization, without the network). The baseline is the repository call
 * alone (reading-repo.ts `bucketed`) timed in the driver on the same file:
 * the ratio shows what the HTTP layer adds to the SQL.
 */
import { copyFileSync } from 'node:fs';
import { databasePath, openDatabase } from '../../../server/db/database.ts';
import { createReadingRepo } from '../../../server/db/reading-repo.ts';
import type { Ctx, ScenarioOutput } from '../lib/context.ts';
import { historyDatabase } from '../lib/history-data.ts';
import { prop } from '../lib/http.ts';
import { sleep } from '../lib/procs.ts';
import { type Row, row } from '../lib/report.ts';
import { summarize } from '../lib/stats.ts';

const POINTS = 1000;
const H = 3_600_000;
const RANGES = [
  { name: '1 h', ms: H },
  { name: '24 h', ms: 24 * H },
  { name: '7 d', ms: 7 * 24 * H },
  { name: '30 d', ms: 30 * 24 * H },
  { name: '1 y', ms: 365 * 24 * H },
];

interface Query {
  range: string;
  from: number;
  to: number;
  url: string;
}

export async function history(ctx: Ctx): Promise<ScenarioOutput> {
  const p = ctx.opts.preset.history;
  const scratch = ctx.procs.tempDir('history-gen');
  ctx.log(`history: preparing ${p.days} days of ${p.stepS}-second readings`);
  const data = await historyDatabase(p.days, p.stepS, p.cache ? ctx.opts.cacheDir : null, scratch);
  const { meta } = data;
  ctx.log(
    `history: ${meta.readings.toLocaleString('en-US')} readings (${data.cached ? 'cached' : `generated in ${meta.generateMs} ms`})`,
  );

  // The hub writes to its database (presence, WAL): it gets a copy, the cache stays pristine.
  const dataDir = ctx.procs.tempDir('history');
  copyFileSync(data.file, databasePath(dataDir));
  const hub = await ctx.startHub({
    name: 'history',
    dataDir,
    // Keep everything: default retention would prune raw readings older than 30 days at start-up.
    env: {
      HEARTH_LOG_LEVEL: 'info',
      HEARTH_RETENTION_RAW_DAYS: '0',
      HEARTH_RETENTION_MINUTE_DAYS: '0',
      HEARTH_RETENTION_HOUR_DAYS: '0',
    },
  });
  // fastify logs `incoming request` (with the URL) and `request completed` (with responseTime).
  const urlOf = new Map<string, string>();
  /** Server times per URL, in request order (the year query repeats one URL). */
  const serverMs = new Map<string, number[]>();
  hub.child.onLine((line) => {
    if (!line.startsWith('{')) return;
    try {
      const entry: unknown = JSON.parse(line);
      const reqId = prop(entry, 'reqId');
      if (typeof reqId !== 'string' && typeof reqId !== 'number') return;
      const url = prop(entry, 'req', 'url');
      const rt = prop(entry, 'responseTime');
      if (typeof url === 'string') urlOf.set(String(reqId), url);
      const known = urlOf.get(String(reqId));
      if (typeof rt === 'number' && known) serverMs.set(known, [...(serverMs.get(known) ?? []), rt]);
    } catch {
      // not a log entry
    }
  });

  const span = meta.end - meta.start;
  const queries: Query[] = [];
  for (const r of RANGES) {
    const ms = Math.min(r.ms, span);
    for (let i = 0; i < p.queriesPerRange; i++) {
      // Random placement, aligned to the 10 s grid; the year range is the whole year.
      const slack = Math.floor((span - ms) / 10_000);
      const to = meta.end - Math.floor(Math.random() * (slack + 1)) * 10_000;
      const from = to - ms;
      const url = `/api/devices/${meta.deviceId}/history?metric=${meta.metric}&from=${from}&to=${to}&points=${POINTS}`;
      queries.push({ range: r.name, from, to, url });
    }
  }

  const rtt = new Map<string, number[]>();
  const points = new Map<string, number>();
  const sources = new Map<string, string>();
  try {
    for (const q of queries) {
      const res = await hub.http.ok('GET', q.url);
      rtt.set(q.range, [...(rtt.get(q.range) ?? []), res.ms]);
      const ts = prop(res.body, 'ts');
      const n = Array.isArray(ts) ? ts.length : Number.NaN;
      points.set(q.range, Math.max(points.get(q.range) ?? 0, n));
      sources.set(q.range, String(prop(res.body, 'source')));
    }
    await sleep(300);
  } finally {
    await hub.stop();
  }

  // The SQL alone, in-process, on the same file and the same windows.
  const db = openDatabase(databasePath(dataDir), { readonly: true });
  const repo = createReadingRepo(db);
  const sql = new Map<string, number[]>();
  for (const q of queries) {
    const t0 = performance.now();
    repo.bucketed(meta.seriesId, q.from, q.to, POINTS);
    sql.set(q.range, [...(sql.get(q.range) ?? []), performance.now() - t0]);
  }
  db.close();

  if (serverMs.size === 0) throw new Error(`no responseTime found in the hub's log:\n${hub.child.tail()}`);
  const rows: Row[] = [];
  const perRange: Record<string, unknown> = {};
  let maxPoints = 0;
  for (const r of RANGES) {
    const server = summarize(
      queries
        .filter((q) => q.range === r.name)
        .map((q) => serverMs.get(q.url)?.shift() ?? Number.NaN)
        .filter(Number.isFinite),
    );
    const sqlS = summarize(sql.get(r.name) ?? []);
    const rttS = summarize(rtt.get(r.name) ?? []);
    maxPoints = Math.max(maxPoints, points.get(r.name) ?? 0);
    perRange[r.name] = {
      source: sources.get(r.name),
      max_points: points.get(r.name),
      server_ms: server,
      sql_ms: sqlS,
      http_rtt_ms: rttS,
    };
    ctx.log(
      `history ${r.name} (${sources.get(r.name)}): server p50 ${server.p50} p99 ${server.p99} · sql p50 ${sqlS.p50} · rtt p99 ${rttS.p99}`,
    );
    const baseline = (value: number) => ({ name: 'SQL alone', value });
    rows.push(
      row('history', `${r.name} server time p50`, server.p50, 'ms', { baseline: baseline(sqlS.p50) }),
    );
    rows.push(
      row('history', `${r.name} server time p99`, server.p99, 'ms', {
        baseline: baseline(sqlS.p99),
        target: { op: '<=', limit: 10 },
      }),
    );
  }
  rows.push(
    row('history', 'most points returned', maxPoints, 'points', { target: { op: '<=', limit: POINTS } }),
  );
  return {
    rows,
    details: {
      readings: meta.readings,
      days: meta.days,
      step_s: meta.stepMs / 1000,
      cached: data.cached,
      generate_ms: meta.generateMs,
      queries_per_range: p.queriesPerRange,
      points: POINTS,
      ranges: perRange,
      unmatched_log_entries: [...serverMs.values()].reduce((a, v) => a + v.length, 0),
    },
  };
}
