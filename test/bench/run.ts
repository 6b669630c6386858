/**
 * `npm run bench`: measures the design brief's targets (§6) on this machine
 * and reports each as a ratio against a baseline measured in the same run.
 * It starts everything itself on 127.0.0.1 (the hub and the baseline brokers
 * in their own processes, the load in others), stops by itself, prints a
 * table and writes test/bench/results/latest.json plus a timestamped copy.
 *
 *   npm run bench                      full run (≤ ~10 min on 2 cores)
 *   npm run bench -- --quick           same shapes, smaller counts (~1–2 min)
 *   npm run bench -- --smoke           seconds; proves the harness works
 *   npm run bench -- --only ingest,rpc
 *   npm run bench -- --profile         V8 CPU profiles of the hub children
 */
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { Ctx, Scenario } from './lib/context.ts';
import { HubProcess } from './lib/hub-process.ts';
import { type Options, parseOptions, type ScenarioName, UsageError } from './lib/options.ts';
import { Procs } from './lib/procs.ts';
import { type BenchReport, machineLines, table, writeReport } from './lib/report.ts';
import { machineInfo, round } from './lib/sys.ts';
import { dashboard } from './scenarios/dashboard.ts';
import { history } from './scenarios/history.ts';
import { idle } from './scenarios/idle.ts';
import { ingest } from './scenarios/ingest.ts';
import { latency } from './scenarios/latency.ts';
import { rpc } from './scenarios/rpc.ts';

const SCENARIO_FNS: Record<ScenarioName, Scenario> = { dashboard, ingest, latency, rpc, history, idle };

/** Whatever happens, a run ends: a stuck scenario cannot keep children alive for ever. */
const HARD_CAP_MS = { full: 25 * 60_000, quick: 8 * 60_000, smoke: 4 * 60_000 };

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

async function runAll(opts: Options, procs: Procs): Promise<number> {
  const machine = machineInfo();
  const startedAt = new Date();
  console.log(`Hearth bench (${opts.mode})\n${machineLines(machine)}\n`);
  let profileDir: string | null = null;
  if (opts.profile) {
    profileDir = join(opts.outDir, 'profiles', startedAt.toISOString().replace(/[:.]/g, '-'));
    mkdirSync(profileDir, { recursive: true });
    log(`CPU profiles of hub children go to ${profileDir}`);
  }
  if (Object.keys(opts.hubEnv).length > 0) log(`hub environment overrides: ${JSON.stringify(opts.hubEnv)}`);
  if (opts.hubNodeArgs.length > 0) log(`hub node flags: ${opts.hubNodeArgs.join(' ')}`);
  const ctx: Ctx = {
    opts,
    procs,
    log,
    profileDir,
    // --hub-env comes last: an experiment may override what a scenario sets.
    startHub: (o) =>
      HubProcess.start(procs, {
        ...o,
        profileDir,
        env: { ...o.env, ...opts.hubEnv },
        nodeArgs: opts.hubNodeArgs,
      }),
  };
  const report: BenchReport = {
    started_at: startedAt.toISOString(),
    mode: opts.mode,
    seconds: 0,
    machine,
    hub_env: opts.hubEnv,
    hub_node_args: opts.hubNodeArgs,
    load_at_end: 0,
    scenarios: {},
  };
  let failures = 0;
  for (const name of opts.only) {
    const t0 = performance.now();
    log(`${name}: starting`);
    try {
      const out = await SCENARIO_FNS[name](ctx);
      report.scenarios[name] = {
        status: out.skipped ? 'skipped' : 'ok',
        ...(out.skipped ? { reason: out.skipped } : {}),
        seconds: round((performance.now() - t0) / 1000, 1),
        rows: out.rows,
        details: out.details,
      };
    } catch (err) {
      failures++;
      const reason = err instanceof Error ? err.message : String(err);
      log(`${name}: FAILED: ${reason}`);
      report.scenarios[name] = {
        status: 'error',
        reason,
        seconds: round((performance.now() - t0) / 1000, 1),
        rows: [],
        details: {},
      };
    } finally {
      // Anything a failed scenario left running ends here, before the next one measures.
      await procs.cleanup();
    }
    log(`${name}: done in ${report.scenarios[name]?.seconds} s`);
  }
  report.seconds = round((Date.now() - startedAt.getTime()) / 1000, 1);
  report.load_at_end = round(loadavg()[0] ?? 0, 2);

  const rows = Object.values(report.scenarios).flatMap((s) => s.rows);
  console.log(table(rows));
  for (const [name, s] of Object.entries(report.scenarios)) {
    if (s.status !== 'ok') console.log(`\n${name}: ${s.status}: ${s.reason ?? ''}`);
  }
  const paths = writeReport(opts.outDir, report);
  console.log(`\n${report.seconds} s · load average at end ${report.load_at_end} · ${paths.join(', ')}`);
  return failures > 0 ? 1 : 0;
}

async function main(): Promise<void> {
  let opts: Options;
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(err.message);
    process.exit(2);
  }
  const procs = new Procs();
  process.on('exit', () => procs.killAllSync());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping children`);
      void procs.cleanup().finally(() => process.exit(130));
    });
  }
  const cap = setTimeout(() => {
    log(`hard time cap of ${HARD_CAP_MS[opts.mode] / 60_000} min reached: killing everything`);
    process.exit(3);
  }, HARD_CAP_MS[opts.mode]);
  cap.unref();
  let code = 1;
  try {
    code = await runAll(opts, procs);
  } finally {
    await procs.cleanup();
  }
  process.exit(code);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
