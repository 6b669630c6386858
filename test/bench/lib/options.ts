/**
 * Command line and the size of each scenario per mode: `full` (the figures
 * in docs/benchmarks.md, ≤ ~10 min on 2 cores), `--quick` (~1–2 min, same
 * shapes with smaller counts) and `--smoke` (seconds; proves the harness
 * works, its figures mean nothing).
 */
import { join } from 'node:path';
import { projectRoot } from './procs.ts';

export const SCENARIOS = ['dashboard', 'ingest', 'latency', 'rpc', 'history', 'idle'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface Preset {
  ingest: {
    devices: number;
    /** Readings per client and trial, by QoS (QoS 1 is slower: fewer keep the run short). */
    perClient: { 0: number; 1: number };
    /** A first, unmeasured burst per broker: JIT warm-up and SQLite page cache. */
    warmupPerClient: number;
    trials: number;
    /** QoS 1 in-flight window per client. */
    window: number;
  };
  latency: {
    bgDevices: number;
    rate: number;
    probeDevices: number;
    /** Each probe device publishes this often: slower than liveCoalesceMs, so coalescing never holds a probe. */
    probeEveryMs: number;
    seconds: number;
    warmupS: number;
  };
  rpc: { calls: number; warmup: number };
  history: { days: number; stepS: number; queriesPerRange: number; cache: boolean };
  idle: { devices: number; provisionConcurrency: number; timeoutS: number };
}

export const PRESETS: Record<'full' | 'quick' | 'smoke', Preset> = {
  full: {
    ingest: {
      devices: 20,
      perClient: { 0: 10_000, 1: 5_000 },
      warmupPerClient: 1_000,
      trials: 3,
      window: 100,
    },
    latency: { bgDevices: 20, rate: 1000, probeDevices: 20, probeEveryMs: 300, seconds: 30, warmupS: 2 },
    rpc: { calls: 1000, warmup: 50 },
    history: { days: 365, stepS: 10, queriesPerRange: 50, cache: true },
    idle: { devices: 5000, provisionConcurrency: 8, timeoutS: 180 },
  },
  quick: {
    ingest: { devices: 20, perClient: { 0: 2_500, 1: 1_250 }, warmupPerClient: 500, trials: 1, window: 100 },
    latency: { bgDevices: 20, rate: 1000, probeDevices: 20, probeEveryMs: 300, seconds: 8, warmupS: 1 },
    rpc: { calls: 300, warmup: 20 },
    history: { days: 365, stepS: 10, queriesPerRange: 15, cache: true },
    idle: { devices: 1000, provisionConcurrency: 8, timeoutS: 90 },
  },
  smoke: {
    ingest: { devices: 10, perClient: { 0: 100, 1: 100 }, warmupPerClient: 0, trials: 1, window: 20 },
    latency: { bgDevices: 10, rate: 200, probeDevices: 10, probeEveryMs: 300, seconds: 1, warmupS: 0 },
    rpc: { calls: 20, warmup: 2 },
    history: { days: 2, stepS: 10, queriesPerRange: 3, cache: false },
    idle: { devices: 10, provisionConcurrency: 4, timeoutS: 30 },
  },
};

export interface Options {
  mode: 'full' | 'quick' | 'smoke';
  preset: Preset;
  only: ScenarioName[];
  /** Where latest.json and the timestamped copy go. */
  outDir: string;
  /** Cached generated databases (keyed by schema version). */
  cacheDir: string;
  /** Write V8 CPU profiles of every hub child into `<outDir>/profiles`. */
  profile: boolean;
  mosquitto: boolean;
  /** `--hub-env KEY=VALUE`: extra environment for every hub child (what-if runs, e.g. another flush interval). */
  hubEnv: Record<string, string>;
  /** `--hub-node-arg <flag>`: extra `node` flags for every hub child (`--trace-gc`, heap sizes …). */
  hubNodeArgs: string[];
}

const USAGE = `usage: npm run bench -- [--quick | --smoke] [--only ${SCENARIOS.join(',')}] [--profile] [--no-mosquitto] [--out <dir>] [--hub-env KEY=VALUE]… [--hub-node-arg <flag>]…`;

export class UsageError extends Error {}

export function parseOptions(argv: string[]): Options {
  let mode: Options['mode'] = 'full';
  let only: ScenarioName[] = [...SCENARIOS];
  let outDir = join(projectRoot, 'test', 'bench', 'results');
  let profile = false;
  let mosquitto = true;
  const hubEnv: Record<string, string> = {};
  const hubNodeArgs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value\n${USAGE}`);
      return v;
    };
    if (arg === '--quick') mode = 'quick';
    else if (arg === '--smoke') mode = 'smoke';
    else if (arg === '--profile') profile = true;
    else if (arg === '--no-mosquitto') mosquitto = false;
    else if (arg === '--out') outDir = value();
    else if (arg === '--hub-node-arg') hubNodeArgs.push(value());
    else if (arg === '--hub-env') {
      const kv = value();
      const eq = kv.indexOf('=');
      if (eq <= 0) throw new UsageError(`--hub-env needs KEY=VALUE, got "${kv}"\n${USAGE}`);
      hubEnv[kv.slice(0, eq)] = kv.slice(eq + 1);
    } else if (arg === '--only') {
      const names = value()
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const bad = names.filter((n) => !(SCENARIOS as readonly string[]).includes(n));
      if (bad.length > 0) throw new UsageError(`unknown scenario ${bad.join(', ')}\n${USAGE}`);
      only = SCENARIOS.filter((s) => names.includes(s));
    } else if (arg === '--help' || arg === '-h') throw new UsageError(USAGE);
    else throw new UsageError(`unknown argument ${arg}\n${USAGE}`);
  }
  return {
    mode,
    preset: PRESETS[mode],
    only,
    outDir,
    cacheDir: join(projectRoot, 'test', 'bench', 'results', 'cache'),
    profile,
    mosquitto,
    hubEnv,
    hubNodeArgs,
  };
}
